/* SPDX-License-Identifier: MIT */
/*
 * ntlm client: authenticate to `ntlm server` over TCP (length-prefixed
 * frames), then send each stdin line as a sealed or signed message and print
 * the server's echo; or, with --stdio, speak ntlm-lines/1 on stdin/stdout so
 * a script can pair us with any NTLM acceptor (docs/cli.md).
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <ntlmssp/unstable.h>

#include "peer.h"

#define DATA_ROUNDS_MAX 1000000u
#define TARGET_MAX 511 /* bytes of the SPN */

struct client_opts {
	struct peer_opts p; /* --config, --profile, --audit, --timeout, --stdio */
	const char *user_arg, *password_file, *password, *target;
	const char *address; /* HOST:PORT */
	char host[256], port[8];
	char domain[256], user[256];
	unsigned req;
	unsigned long rounds;
};

/* What the exchange needs; released by client_state_free(). */
struct client_state {
	struct ntlm_policy *policy;
	struct ntlm_audit *audit;
	struct ntlm_cred *cred;
	struct ntlm_ctx *ctx;
	char target[TARGET_MAX + 1];
};

void cmd_client_usage(FILE *f)
{
	fputs("usage: ntlm client [--config F | --profile NAME] --user DOMAIN\\USER\n"
	      "                   (--password-file F | --password P) [--target SPN]\n"
	      "                   [--sign | --seal] [--audit F] [--timeout SECONDS] HOST:PORT\n"
	      "       ntlm client --stdio [--config F | --profile NAME] --user DOMAIN\\USER\n"
	      "                   (--password-file F | --password P) [--target SPN]\n"
	      "                   [--sign | --seal] [--audit F] [--data N]\n"
	      "\n"
	      "Authenticates to `ntlm server` at HOST:PORT, then sends each line of stdin\n"
	      "as a sealed (--seal) or signed (--sign) message and prints what the server\n"
	      "sends back. With neither, the lines carry the ALWAYS_SIGN dummy signature\n"
	      "and are not protected (a warning says so). Framing and result: docs/cli.md.\n"
	      "\n"
	      "  --config F         policy file (native, INF or .reg; docs/policy.md)\n"
	      "  --profile NAME     a built-in policy profile instead (default: cis)\n"
	      "  --user D\\U         the account, DOMAIN\\USER (or USER: empty domain)\n"
	      "  --password-file F  the password is the first line of F; F must not be\n"
	      "                     readable or writable by group or others (chmod 600)\n"
	      "  --password P       the password itself: for test scripts only (ps and\n"
	      "                     shell history see it)\n"
	      "  --target SPN       the service name (default: host/HOST; with --stdio\n"
	      "                     host/localhost)\n"
	      "  --sign             ask for integrity (NTLMSSP_NEGOTIATE_SIGN)\n"
	      "  --seal             ask for confidentiality (NTLMSSP_NEGOTIATE_SEAL)\n"
	      "  --audit F          append audit events to F (JSON Lines)\n"
	      "  --timeout SECONDS  give up waiting for the server after this (default 30)\n"
	      "  --stdio            speak ntlm-lines/1 on stdout (requests) and stdin\n"
	      "                     (answers) instead of TCP\n"
	      "  --data N           with --stdio: N rounds of one WRAP and one MIC request\n"
	      "                     (payloads of 1, 16, 100, 1500, 65536 bytes in turn)\n"
	      "  -h, --help         show this help\n"
	      "\n"
	      "exit status: 0 success, 1 authentication or policy failure (ours or the\n"
	      "server's), 2 usage error, malformed input or I/O error\n",
	      f);
}

static void parse_user(const struct tool_cmd *self, struct client_opts *o)
{
	const char *bs = strchr(o->user_arg, '\\');
	const char *u = bs ? bs + 1 : o->user_arg;
	size_t dl = bs ? (size_t)(bs - o->user_arg) : 0;

	if (!*u)
		usage_error(self, "--user: the user name is empty (expected DOMAIN\\USER)");
	if (dl >= sizeof(o->domain) || strlen(u) >= sizeof(o->user))
		usage_error(self, "--user: longer than %zu bytes", sizeof(o->user) - 1);
	memcpy(o->domain, o->user_arg, dl);
	o->domain[dl] = '\0';
	memcpy(o->user, u, strlen(u) + 1);
}

/* Fills o; false when --help was asked for (and shown). Usage errors exit 2. */
static bool parse_args(const struct tool_cmd *self, int argc, char **argv, struct client_opts *o)
{
	const char *v, *data = NULL;
	char buf[64], err[128];
	bool sign = false, seal = false;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			cmd_client_usage(stdout);
			return false;
		} else if (peer_opt(self, argc, argv, &i, &o->p)) {
			continue;
		} else if ((v = opt_value(self, argc, argv, &i, "--user")) != NULL) {
			o->user_arg = v;
		} else if ((v = opt_value(self, argc, argv, &i, "--password-file")) != NULL) {
			o->password_file = v;
		} else if ((v = opt_value(self, argc, argv, &i, "--password")) != NULL) {
			o->password = v;
		} else if ((v = opt_value(self, argc, argv, &i, "--target")) != NULL) {
			o->target = v;
		} else if ((v = opt_value(self, argc, argv, &i, "--data")) != NULL) {
			data = v;
		} else if (strcmp(a, "--sign") == 0) {
			sign = true;
		} else if (strcmp(a, "--seal") == 0) {
			seal = true;
		} else if (a[0] == '-' && a[1] != '\0') {
			usage_error(self, "unknown option '%s'", safe_arg(a, true, buf, 40));
		} else if (o->address) {
			usage_error(self, "unexpected argument '%s' (one HOST:PORT only)",
				    safe_arg(a, false, buf, 40));
		} else {
			o->address = a;
		}
	}
	peer_opts_finish(self, &o->p);
	if (!o->user_arg)
		usage_error(self, "--user DOMAIN\\USER is required");
	if (!o->password_file && !o->password)
		usage_error(self, "--password-file F (or --password P) is required");
	if (o->password_file && o->password)
		usage_error(self, "--password-file and --password exclude each other");
	if (sign && seal)
		usage_error(self, "--sign and --seal exclude each other (--seal also signs)");
	o->req = seal ? NTLM_REQ_CONFIDENTIALITY : sign ? NTLM_REQ_INTEGRITY : 0;
	if (o->p.stdio) {
		if (o->address)
			usage_error(self, "--stdio takes no HOST:PORT");
		if (o->p.timeout)
			usage_error(self, "--timeout goes with TCP, not --stdio");
	} else {
		if (!o->address)
			usage_error(self, "HOST:PORT is required (or --stdio)");
		if (data)
			usage_error(self, "--data goes with --stdio");
		if (!peer_parse_hostport(o->address, false, o->host, sizeof(o->host), o->port,
					 sizeof(o->port), err, sizeof(err)))
			usage_error(self, "bad address '%s': %s",
				    safe_arg(o->address, false, buf, 60), err);
	}
	if (data) {
		char *end;
		errno = 0;
		o->rounds = strtoul(data, &end, 10);
		if (data[0] < '0' || data[0] > '9' || *end || errno || o->rounds > DATA_ROUNDS_MAX)
			usage_error(self, "--data: '%s' is not a number from 0 to %u",
				    safe_arg(data, false, buf, 40), DATA_ROUNDS_MAX);
	}
	if (o->target && (!o->target[0] || strlen(o->target) > TARGET_MAX))
		usage_error(self, "--target: empty or longer than %d bytes", TARGET_MAX);
	parse_user(self, o);
	return true;
}

static void client_state_free(struct client_state *s)
{
	ntlm_ctx_free(s->ctx);
	ntlm_cred_free(s->cred);
	ntlm_audit_close(s->audit);
	ntlm_policy_free(s->policy);
}

/* Prints "ntlm client: STATUS: detail" and returns the exit status. */
static int report(const struct tool_cmd *self, ntlm_status st)
{
	char msg[768];
	peer_status_text(st, msg, sizeof(msg));
	fprintf(stderr, "ntlm %s: %s\n", self->name, msg);
	return peer_exit_for(st);
}

/* Builds the context; dies (exit 2) on bad options, files or credentials. */
static void client_setup(const struct tool_cmd *self, struct client_opts *o, struct client_state *s)
{
	char pw[PASSWORD_MAX + 1];
	ntlm_status st;

	s->policy = peer_load_policy(self, o->p.config, o->p.profile);
	s->audit = peer_open_audit(self, o->p.audit);
	if (o->password_file) {
		peer_read_password_file(self, o->password_file, pw, sizeof(pw));
	} else {
		size_t n = strlen(o->password);
		if (n > PASSWORD_MAX)
			die(self, "--password: longer than %d bytes", PASSWORD_MAX);
		memcpy(pw, o->password, n + 1);
		/* Later readers of /proc/PID/cmdline see no password (earlier ones did). */
		wipe((char *)o->password, n);
	}
	st = ntlm_cred_new_password(o->domain, o->user, pw, &s->cred);
	wipe(pw, sizeof(pw));
	if (st != NTLM_OK)
		die_status(self, st);
	if (o->target)
		snprintf(s->target, sizeof(s->target), "%s", o->target);
	else
		snprintf(s->target, sizeof(s->target), "host/%s",
			 o->p.stdio ? "localhost" : o->host);
	st = ntlm_client_new(s->policy, s->cred, s->target, o->req, &s->ctx);
	if (st == NTLM_OK && s->audit)
		st = ntlm_ctx_set_audit(s->ctx, s->audit);
	if (st == NTLM_OK && !o->p.stdio)
		st = ntlm_ctx_set_peer(s->ctx, o->address);
	if (st != NTLM_OK)
		die_status(self, st);
}

static void warn_unprotected(const struct tool_cmd *self, uint32_t flags)
{
	if (!(flags & (NTLMSSP_NEGOTIATE_SIGN | NTLMSSP_NEGOTIATE_SEAL)))
		fprintf(stderr,
			"ntlm %s: warning: neither SIGN nor SEAL was negotiated: messages carry "
			"the ALWAYS_SIGN dummy signature and are not protected\n",
			self->name);
}

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
			ret = report(self, st);
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
			ret = report(self, st);
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

static int run_tcp(const struct tool_cmd *self, const struct client_opts *o, struct client_state *s)
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
		ret = report(self, st);
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
		ret = report(self, st);
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
	warn_unprotected(self, ntlm_ctx_flags(s->ctx));
	ret = data_phase(self, o, s->ctx, fd);
out:
	ntlm_free(tok);
	free(frame);
	if (fd >= 0)
		close(fd);
	return ret;
}

/* ---- ntlm-lines/1 --------------------------------------------------------- */

struct lines {
	const struct tool_cmd *self;
	struct line_reader in;
	char *out; /* one request line being built */
	size_t out_cap;
};

/* Writes "<prefix><b64 of p>[ <b64 of q>]\n" on stdout. */
static bool send_line(struct lines *l, const char *prefix, const uint8_t *p, size_t n,
		      const uint8_t *q, size_t qn)
{
	char *a = NULL, *b = NULL;
	bool ok = false;
	size_t k;

	if (ntlm_base64_encode(p, n, &a) != NTLM_OK ||
	    (q && ntlm_base64_encode(q, qn, &b) != NTLM_OK))
		goto out;
	k = strlen(prefix) + strlen(a) + (b ? strlen(b) + 1 : 0) + 2;
	if (k > l->out_cap) {
		free(l->out);
		l->out = xmalloc(k);
		l->out_cap = k;
	}
	snprintf(l->out, l->out_cap, "%s%s%s%s\n", prefix, a, b ? " " : "", b ? b : "");
	ok = write_all(STDOUT_FILENO, l->out, strlen(l->out));
	if (!ok)
		fprintf(stderr, "ntlm %s: writing to stdout: %s\n", l->self->name, strerror(errno));
out:
	ntlm_free(a);
	ntlm_free(b);
	return ok;
}

/* The next answer line; on failure prints one line and sets *ret. */
static char *recv_line(struct lines *l, const char *waiting_for, int *ret)
{
	char *line;
	size_t len;

	switch (line_read(&l->in, true, &line, &len)) {
	case LINE_OK:
		return line;
	case LINE_EOF:
		fprintf(stderr, "ntlm %s: stdin ended while waiting for %s\n", l->self->name,
			waiting_for);
		break;
	case LINE_TOO_LONG:
		fprintf(stderr, "ntlm %s: stdin line %lu is longer than %u bytes\n", l->self->name,
			l->in.lineno + 1, STDIO_LINE_MAX);
		break;
	case LINE_IO:
		fprintf(stderr, "ntlm %s: reading stdin: %s\n", l->self->name, strerror(errno));
		break;
	}
	*ret = EXIT_USAGE;
	return NULL;
}

/* "FAIL ..." (exit 1) and "ERR ..." (exit 2) answers; true if it was one. */
static bool answer_is_failure(struct lines *l, const char *line, const char *when, int *ret)
{
	char esc[1024];

	if (strncmp(line, "FAIL ", 5) == 0 || strcmp(line, "FAIL") == 0) {
		peer_escape(line + 4 + (line[4] == ' '), false, esc, sizeof(esc));
		fprintf(stderr, "ntlm %s: the server refused %s: %s\n", l->self->name, when, esc);
		*ret = EXIT_AUTH;
		return true;
	}
	if (strncmp(line, "ERR ", 4) == 0 || strcmp(line, "ERR") == 0) {
		peer_escape(line + 3 + (line[3] == ' '), false, esc, sizeof(esc));
		fprintf(stderr, "ntlm %s: the server could not do %s: ERR %s\n", l->self->name,
			when, esc);
		*ret = EXIT_AUTH;
		return true;
	}
	return false;
}

/* Decodes one base64 field of stdin line lineno; prints why not. */
static bool b64_field(struct lines *l, const char *what, const char *p, size_t n, size_t max,
		      uint8_t **out, size_t *len)
{
	ntlm_status st = ntlm_base64_decode(p, n, max, out, len);
	char msg[768];

	if (st == NTLM_OK)
		return true;
	peer_status_text(st, msg, sizeof(msg));
	fprintf(stderr, "ntlm %s: stdin line %lu (%s): %s\n", l->self->name, l->in.lineno, what,
		msg);
	return false;
}

static void fill_payload(uint8_t *p, size_t n, unsigned long round)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 31 + round * 7 + (i >> 8));
}

/* Is [p, p + n) exactly "reply:" followed by want? */
static bool is_reply(const uint8_t *p, size_t n, const uint8_t *want, size_t wn)
{
	return n == wn + 6 && memcmp(p, "reply:", 6) == 0 && memcmp(p + 6, want, wn) == 0;
}

/* One WRAP and one MIC request of n bytes; 0, or the exit status. */
static int data_round(struct lines *l, struct ntlm_ctx *ctx, unsigned long round, size_t n)
{
	uint8_t *payload = xmalloc(n), *wrapped = xmalloc(n + 16), *tok = NULL, *mic = NULL;
	uint8_t sig[16], *plain = NULL;
	size_t tlen, mlen;
	char *line, what[64], *sp;
	ntlm_status st;
	int ret = 0;

	fill_payload(payload, n, round);
	snprintf(what, sizeof(what), "WRAP request %lu (%zu bytes)", round + 1, n);
	st = peer_wrap(ctx, payload, n, wrapped);
	if (st != NTLM_OK) {
		ret = report(l->self, st);
		goto out;
	}
	if (!send_line(l, "WRAP ", wrapped, n + 16, NULL, 0)) {
		ret = EXIT_USAGE;
		goto out;
	}
	if (!(line = recv_line(l, what, &ret)) || answer_is_failure(l, line, what, &ret))
		goto out;
	if (strncmp(line, "WRAP ", 5) != 0) {
		fprintf(stderr, "ntlm %s: stdin line %lu: expected 'WRAP <base64>' answering %s\n",
			l->self->name, l->in.lineno, what);
		ret = EXIT_USAGE;
		goto out;
	}
	if (!b64_field(l, "WRAP token", line + 5, strlen(line + 5), STDIO_LINE_MAX, &tok, &tlen)) {
		ret = EXIT_USAGE;
		goto out;
	}
	if (tlen < 16) {
		fprintf(stderr,
			"ntlm %s: stdin line %lu: WRAP token of %zu bytes has no "
			"signature\n",
			l->self->name, l->in.lineno, tlen);
		ret = EXIT_USAGE;
		goto out;
	}
	plain = xmalloc(tlen - 16);
	st = peer_unwrap(ctx, tok, tlen, plain);
	if (st != NTLM_OK) {
		ret = report(l->self, st);
		goto out;
	}
	if (!is_reply(plain, tlen - 16, payload, n)) {
		fprintf(stderr,
			"ntlm %s: stdin line %lu: the WRAP answer is not \"reply:\" and "
			"the %zu bytes sent\n",
			l->self->name, l->in.lineno, n);
		ret = EXIT_AUTH;
		goto out;
	}
	ntlm_free(tok);
	tok = NULL;

	snprintf(what, sizeof(what), "MIC request %lu (%zu bytes)", round + 1, n);
	st = ntlm_sign(ctx, payload, n, sig);
	if (st != NTLM_OK) {
		ret = report(l->self, st);
		goto out;
	}
	if (!send_line(l, "MIC ", payload, n, sig, sizeof(sig))) {
		ret = EXIT_USAGE;
		goto out;
	}
	if (!(line = recv_line(l, what, &ret)) || answer_is_failure(l, line, what, &ret))
		goto out;
	sp = strncmp(line, "MIC ", 4) == 0 ? strchr(line + 4, ' ') : NULL;
	if (!sp) {
		fprintf(stderr,
			"ntlm %s: stdin line %lu: expected 'MIC <base64> <base64>' answering %s\n",
			l->self->name, l->in.lineno, what);
		ret = EXIT_USAGE;
		goto out;
	}
	if (!b64_field(l, "MIC message", line + 4, (size_t)(sp - line - 4), STDIO_LINE_MAX, &tok,
		       &tlen) ||
	    !b64_field(l, "MIC signature", sp + 1, strlen(sp + 1), 16, &mic, &mlen)) {
		ret = EXIT_USAGE;
		goto out;
	}
	if (mlen != 16) {
		fprintf(stderr, "ntlm %s: stdin line %lu: the MIC has %zu bytes, not 16\n",
			l->self->name, l->in.lineno, mlen);
		ret = EXIT_USAGE;
		goto out;
	}
	st = ntlm_verify(ctx, tok, tlen, mic);
	if (st != NTLM_OK) {
		ret = report(l->self, st);
		goto out;
	}
	if (!is_reply(tok, tlen, payload, n)) {
		fprintf(stderr,
			"ntlm %s: stdin line %lu: the MIC answer is not \"reply:\" and "
			"the %zu bytes sent\n",
			l->self->name, l->in.lineno, n);
		ret = EXIT_AUTH;
	}
out:
	ntlm_free(tok);
	ntlm_free(mic);
	free(plain);
	free(payload);
	free(wrapped);
	return ret;
}

static int run_stdio(const struct tool_cmd *self, const struct client_opts *o,
		     struct client_state *s)
{
	static const size_t sizes[] = { 1, 16, 100, 1500, 65536 };
	struct lines l = { .self = self };
	uint8_t *tok = NULL, *chal = NULL;
	size_t tok_len, chal_len;
	char *line;
	ntlm_status st;
	int ret = 0;

	line_reader_init(&l.in, STDIN_FILENO, STDIO_LINE_MAX);
	st = ntlm_step(s->ctx, NULL, 0, &tok, &tok_len);
	if (st != NTLM_CONTINUE) {
		ret = report(self, st);
		goto out;
	}
	if (!send_line(&l, "", tok, tok_len, NULL, 0)) {
		ret = EXIT_USAGE;
		goto out;
	}
	ntlm_free(tok);
	tok = NULL;
	if (!(line = recv_line(&l, "the CHALLENGE", &ret)) ||
	    answer_is_failure(&l, line, "the NEGOTIATE", &ret))
		goto out;
	if (!b64_field(&l, "CHALLENGE", line, strlen(line), NTLM_MAX_TOKEN, &chal, &chal_len)) {
		ret = EXIT_USAGE;
		goto out;
	}
	st = ntlm_step(s->ctx, chal, chal_len, &tok, &tok_len);
	if (st != NTLM_OK) {
		ret = report(self, st);
		goto out;
	}
	if (!send_line(&l, "", tok, tok_len, NULL, 0)) {
		ret = EXIT_USAGE;
		goto out;
	}
	if (!(line = recv_line(&l, "the result", &ret)) ||
	    answer_is_failure(&l, line, "the AUTHENTICATE", &ret))
		goto out;
	if (strncmp(line, "OK ", 3) != 0 && strcmp(line, "OK") != 0) {
		fprintf(stderr,
			"ntlm %s: stdin line %lu: expected 'OK <DOMAIN\\user>' or "
			"'FAIL <reason>'\n",
			self->name, l.in.lineno);
		ret = EXIT_USAGE;
		goto out;
	}
	if (o->rounds)
		warn_unprotected(self, ntlm_ctx_flags(s->ctx));
	for (unsigned long r = 0; r < o->rounds && ret == 0; r++)
		ret = data_round(&l, s->ctx, r, sizes[r % (sizeof(sizes) / sizeof(sizes[0]))]);
	if (ret == EXIT_USAGE)
		goto out; /* the exchange is out of step: no BYE */
	if (!write_all(STDOUT_FILENO, "BYE\n", 4)) {
		fprintf(stderr, "ntlm %s: writing to stdout: %s\n", self->name, strerror(errno));
		ret = EXIT_USAGE;
		goto out;
	}
	int bye_ret = 0;
	if (!(line = recv_line(&l, "BYE", &bye_ret))) {
		ret = ret ? ret : bye_ret;
		goto out;
	}
	if (strcmp(line, "BYE") != 0 && ret == 0) {
		fprintf(stderr, "ntlm %s: stdin line %lu: expected 'BYE'\n", self->name,
			l.in.lineno);
		ret = EXIT_USAGE;
	}
out:
	ntlm_free(tok);
	ntlm_free(chal);
	free(l.out);
	line_reader_free(&l.in);
	return ret;
}

int cmd_client(const struct tool_cmd *self, int argc, char **argv)
{
	struct client_opts o = { 0 };
	struct client_state s = { 0 };
	int ret;

	if (!parse_args(self, argc, argv, &o))
		return 0;
	signal(SIGPIPE, SIG_IGN);
	client_setup(self, &o, &s);
	ret = o.p.stdio ? run_stdio(self, &o, &s) : run_tcp(self, &o, &s);
	client_state_free(&s);
	return ret;
}
