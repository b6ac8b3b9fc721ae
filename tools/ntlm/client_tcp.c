/* SPDX-License-Identifier: MIT */
/*
 * ntlm client over TCP: authenticate to `ntlm server` (length-prefixed
 * frames), then send each stdin line as a sealed or signed message and print
 * the server's echo (docs/cli.md).
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client.h"

/* ---- TCP ------------------------------------------------------------------ */

static int connect_to(const struct tool_cmd *self, const struct client_opts *o)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM }, *res, *ai;
	char err[128] = "no address";
	int fd = -1, one = 1, r;

	r = getaddrinfo(o->host, o->port, &hints, &res);
	if (r != 0) {
		fprintf(stderr, "ntlm %s: cannot resolve %s: %s\n", self->name, o->host,
			gai_strerror(r));
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
			    ai->ai_protocol);
		if (fd < 0) {
			snprintf(err, sizeof(err), "socket: %s", strerror(errno));
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		if (errno == EINPROGRESS) {
			struct pollfd pfd = { .fd = fd, .events = POLLOUT };
			int soerr = 0;
			socklen_t sl = sizeof(soerr);
			do
				r = poll(&pfd, 1, o->p.timeout_ms);
			while (r < 0 && errno == EINTR);
			if (r == 0)
				snprintf(err, sizeof(err), "timed out");
			else if (r < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0)
				snprintf(err, sizeof(err), "%s", strerror(errno));
			else if (soerr)
				snprintf(err, sizeof(err), "%s", strerror(soerr));
			else
				break;
		} else {
			snprintf(err, sizeof(err), "%s", strerror(errno));
		}
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		fprintf(stderr, "ntlm %s: cannot connect to %s: %s\n", self->name, o->address, err);
		return -1;
	}
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

static bool is_fail_frame(const uint8_t *p, size_t len)
{
	return len >= 5 && memcmp(p, "FAIL ", 5) == 0;
}

/* The server's FAIL frame: one line on stderr, exit 1. */
static int server_refused(const struct tool_cmd *self, const char *when, const uint8_t *p,
			  size_t len)
{
	char text[FRAME_TOKEN_MAX + 1], esc[1024];
	size_t n = len - 5 < FRAME_TOKEN_MAX ? len - 5 : FRAME_TOKEN_MAX;

	memcpy(text, p + 5, n);
	text[n] = '\0';
	peer_escape(text, false, esc, sizeof(esc));
	fprintf(stderr, "ntlm %s: the server refused %s: %s\n", self->name, when, esc);
	return EXIT_AUTH;
}

/* A frame I/O failure: one line, exit 2. */
static int io_failed(const struct tool_cmd *self, const char *what, enum frame_rc rc,
		     const char *err)
{
	fprintf(stderr, "ntlm %s: %s: %s%s\n", self->name, what, err,
		rc == FRAME_EOF ? " (see the server's log for why)" : "");
	return EXIT_USAGE;
}

/*
 * Sends a frame. If that fails, the server may have refused us and closed
 * before reading (over its connection cap, a timeout): its FAIL frame can
 * still be waiting, and says more than "broken pipe". Returns 0 or the exit
 * status, the reason printed.
 */
static int send_frame(const struct tool_cmd *self, const struct client_opts *o, int fd,
		      const uint8_t *p, size_t len, const char *what, const char *refused)
{
	uint8_t *f = NULL;
	size_t flen;
	char err[256], err2[128];
	enum frame_rc rc =
		frame_write(fd, p, len, peer_now_ms() + o->p.timeout_ms, err, sizeof(err));
	int ret = 0;

	if (rc == FRAME_OK)
		return 0;
	if (rc == FRAME_IO &&
	    frame_read(fd, FRAME_TOKEN_MAX, peer_now_ms() + 1000, &f, &flen, err2, sizeof(err2)) ==
		    FRAME_OK &&
	    is_fail_frame(f, flen))
		ret = server_refused(self, refused, f, flen);
	else
		ret = io_failed(self, what, rc, err);
	free(f);
	return ret;
}

/* Reads the next frame: a token, the result or an echo. */
static enum frame_rc next_frame(int fd, const struct client_opts *o, size_t max, uint8_t **p,
				size_t *len, char *err, size_t errlen)
{
	return frame_read(fd, max, peer_now_ms() + o->p.timeout_ms, p, len, err, errlen);
}

/* Sends each stdin line, prints each echo. */
static int data_phase(const struct tool_cmd *self, const struct client_opts *o,
		      struct ntlm_ctx *ctx, int fd)
{
	struct line_reader in;
	uint8_t *msg = xmalloc(FRAME_DATA_MAX), *reply = NULL, *plain = xmalloc(FRAME_DATA_MAX);
	char err[256], what[64], refused[64];
	size_t rlen;
	enum frame_rc rc;
	ntlm_status st;
	int ret = 0;

	line_reader_init(&in, STDIN_FILENO, LINE_DATA_MAX);
	for (;;) {
		char *line;
		size_t len;
		enum line_rc lr = line_read(&in, false, &line, &len);
		if (lr == LINE_EOF)
			break;
		if (lr == LINE_TOO_LONG) {
			fprintf(stderr, "ntlm %s: stdin line %lu is longer than %u bytes\n",
				self->name, in.lineno + 1, LINE_DATA_MAX);
			ret = EXIT_USAGE;
			goto out;
		}
		if (lr == LINE_IO) {
			fprintf(stderr, "ntlm %s: reading stdin: %s\n", self->name,
				strerror(errno));
			ret = EXIT_USAGE;
			goto out;
		}
		st = peer_wrap(ctx, (const uint8_t *)line, len, msg);
		if (st != NTLM_OK) {
			ret = client_report(self, st);
			goto out;
		}
		snprintf(what, sizeof(what), "sending line %lu", in.lineno);
		snprintf(refused, sizeof(refused), "line %lu", in.lineno);
		ret = send_frame(self, o, fd, msg, len + 16, what, refused);
		if (ret)
			goto out;
		snprintf(what, sizeof(what), "the reply to line %lu", in.lineno);
		rc = next_frame(fd, o, FRAME_DATA_MAX, &reply, &rlen, err, sizeof(err));
		if (rc != FRAME_OK) {
			ret = io_failed(self, what, rc, err);
			goto out;
		}
		if (is_fail_frame(reply, rlen)) {
			snprintf(what, sizeof(what), "line %lu", in.lineno);
			ret = server_refused(self, what, reply, rlen);
			goto out;
		}
		if (rlen < 16) {
			fprintf(stderr, "ntlm %s: %s: %zu bytes, shorter than a signature\n",
				self->name, what, rlen);
			ret = EXIT_USAGE;
			goto out;
		}
		st = peer_unwrap(ctx, reply, rlen, plain);
		if (st != NTLM_OK) {
			ret = client_report(self, st);
			goto out;
		}
		if (fwrite(plain, 1, rlen - 16, stdout) != rlen - 16 || putchar('\n') == EOF ||
		    fflush(stdout) != 0) {
			fprintf(stderr, "ntlm %s: error writing to stdout\n", self->name);
			ret = EXIT_USAGE;
			goto out;
		}
		free(reply);
		reply = NULL;
	}
	/* The end: an empty frame each way. */
	ret = send_frame(self, o, fd, NULL, 0, "ending the session", "the end of the session");
	if (ret)
		goto out;
	rc = next_frame(fd, o, FRAME_DATA_MAX, &reply, &rlen, err, sizeof(err));
	if (rc == FRAME_OK && is_fail_frame(reply, rlen)) {
		ret = server_refused(self, "the end of the session", reply, rlen);
		goto out;
	}
	if (rc != FRAME_OK) {
		ret = io_failed(self, "ending the session", rc, err);
		goto out;
	}
	if (rlen != 0) {
		fprintf(stderr,
			"ntlm %s: ending the session: the server sent %zu bytes, not "
			"the empty end frame\n",
			self->name, rlen);
		ret = EXIT_USAGE;
	}
out:
	free(reply);
	free(msg);
	free(plain);
	line_reader_free(&in);
	return ret;
}

int client_run_tcp(const struct tool_cmd *self, const struct client_opts *o, struct client_state *s)
{
	uint8_t *tok = NULL, *frame = NULL;
	size_t tok_len, flen;
	char err[256], esc[600];
	enum frame_rc rc;
	ntlm_status st;
	int fd = -1, ret;

	/* Policy first (RestrictSendingNTLMTraffic): nothing is sent if it refuses. */
	st = ntlm_step(s->ctx, NULL, 0, &tok, &tok_len);
	if (st != NTLM_CONTINUE) {
		ret = client_report(self, st);
		goto out;
	}
	fd = connect_to(self, o);
	if (fd < 0) {
		ret = EXIT_USAGE;
		goto out;
	}
	ret = send_frame(self, o, fd, tok, tok_len, "sending the NEGOTIATE", "the NEGOTIATE");
	if (ret)
		goto out;
	ntlm_free(tok);
	tok = NULL;
	rc = next_frame(fd, o, FRAME_TOKEN_MAX, &frame, &flen, err, sizeof(err));
	if (rc != FRAME_OK) {
		ret = io_failed(self, "waiting for the CHALLENGE", rc, err);
		goto out;
	}
	if (is_fail_frame(frame, flen)) {
		ret = server_refused(self, "the NEGOTIATE", frame, flen);
		goto out;
	}
	st = ntlm_step(s->ctx, frame, flen, &tok, &tok_len);
	if (st != NTLM_OK) {
		ret = client_report(self, st);
		goto out;
	}
	free(frame);
	frame = NULL;
	ret = send_frame(self, o, fd, tok, tok_len, "sending the AUTHENTICATE", "the AUTHENTICATE");
	if (ret)
		goto out;
	rc = next_frame(fd, o, FRAME_TOKEN_MAX, &frame, &flen, err, sizeof(err));
	if (rc != FRAME_OK) {
		ret = io_failed(self, "waiting for the result", rc, err);
		goto out;
	}
	if (is_fail_frame(frame, flen)) {
		ret = server_refused(self, "the AUTHENTICATE", frame, flen);
		goto out;
	}
	if (flen < 3 || memcmp(frame, "OK ", 3) != 0) {
		char text[64];
		size_t n = flen < sizeof(text) - 1 ? flen : sizeof(text) - 1;
		memcpy(text, frame, n);
		text[n] = '\0';
		peer_escape(text, false, esc, sizeof(esc));
		fprintf(stderr, "ntlm %s: the result frame is neither OK nor FAIL: '%s'\n",
			self->name, esc);
		ret = EXIT_USAGE;
		goto out;
	}
	client_warn_unprotected(self, ntlm_ctx_flags(s->ctx));
	ret = data_phase(self, o, s->ctx, fd);
out:
	ntlm_free(tok);
	free(frame);
	if (fd >= 0)
		close(fd);
	return ret;
}
