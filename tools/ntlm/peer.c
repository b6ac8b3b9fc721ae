/* SPDX-License-Identifier: MIT */
/* What `ntlm client` and `ntlm server` share (peer.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <ntlmssp/unstable.h>

#include "peer.h"

struct ntlm_policy *peer_load_policy(const struct tool_cmd *c, const struct config_list *config,
				     const char *profile)
{
	struct ntlm_policy *p = NULL;
	ntlm_status st;

	if (config->n)
		st = ntlm_policy_load_files(config->path, config->n, &p);
	else
		st = ntlm_policy_new(profile, &p);
	if (st != NTLM_OK) {
		/* A config error is a malformed file, whatever its kind says. */
		const char *d = ntlm_error_message();
		fprintf(stderr, "ntlm %s: %s: %s\n", c->name, ntlm_status_name(st),
			d && *d ? d : ntlm_status_text(st));
		exit(EXIT_USAGE);
	}
	return p;
}

struct ntlm_audit *peer_open_audit(const struct tool_cmd *c, const struct ntlm_policy *policy,
				   const char *path)
{
	struct ntlm_audit *a = NULL;
	char ident[32];
	ntlm_status st;

	snprintf(ident, sizeof(ident), "ntlm-%s", c->name);
	st = ntlm_audit_open(&a);
	if (st == NTLM_OK)
		st = path ? ntlm_audit_to_file(a, path) : ntlm_audit_to_policy(a, policy, ident);
	if (st != NTLM_OK) {
		ntlm_audit_close(a);
		die_status(c, st);
	}
	return a;
}

void peer_read_password_file(const struct tool_cmd *c, const char *path, char *buf, size_t cap)
{
	struct stat sb;
	char shown[64];
	int fd;

	safe_arg(path, false, shown, sizeof(shown));
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK); /* a FIFO: no hang */
	if (fd < 0)
		die(c, "password file %s: %s", shown, strerror(errno));
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		die(c, "password file %s: not a regular file", shown);
	}
	if (sb.st_mode & (S_IRWXG | S_IRWXO)) {
		close(fd);
		die(c, "password file %s: mode %04o lets group or others use it; chmod 600 it",
		    shown, (unsigned)(sb.st_mode & 07777));
	}
	int err = 0;
	enum pw_result res = read_secret_line(fd, buf, cap, &err);
	close(fd);
	if (res == PW_OK)
		return;
	wipe(buf, cap);
	switch (res) {
	case PW_NONE:
		die(c, "password file %s is empty", shown);
	case PW_NUL:
		die(c, "password file %s: the password contains a NUL byte", shown);
	case PW_LONG:
		die(c, "password file %s: the password is longer than %zu bytes", shown, cap - 1);
	default:
		die(c, "password file %s: %s", shown, strerror(err));
	}
}

static bool parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!s[0] || s[0] < '0' || s[0] > '9')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

bool peer_parse_seconds(const char *s, int *out)
{
	unsigned long v;
	if (!parse_uint(s, 86400, &v) || v == 0)
		return false;
	*out = (int)v;
	return true;
}

bool peer_opt(const struct tool_cmd *c, int ch, const char *v, struct peer_opts *p)
{
	switch (ch) {
	case 'c':
		config_add(c, &p->config, v);
		return true;
	case 'p':
		p->profile = v;
		return true;
	case PEER_OPT_AUDIT:
		p->audit = v;
		return true;
	case PEER_OPT_TIMEOUT:
		p->timeout = v;
		return true;
	case PEER_OPT_STDIO:
		p->stdio = true;
		return true;
	default:
		return false;
	}
}

void peer_opts_finish(const struct tool_cmd *c, struct peer_opts *p)
{
	char buf[64];
	int secs = DEFAULT_TIMEOUT;

	if (p->config.n && p->profile)
		usage_error(c, "--config and --profile exclude each other");
	if (p->timeout && !peer_parse_seconds(p->timeout, &secs))
		usage_error(c, "--timeout: '%s' is not a number of seconds from 1 to 86400",
			    safe_arg(p->timeout, false, buf, 40));
	p->timeout_ms = secs * 1000;
}

int64_t peer_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for fd to be readable (POLLIN) or writable (POLLOUT) until the
 * deadline: FRAME_OK, FRAME_TIMEOUT or FRAME_IO. */
static enum frame_rc wait_fd(int fd, short events, int64_t deadline_ms, char *err, size_t errlen)
{
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = events };
		int64_t left = deadline_ms - peer_now_ms();
		if (left <= 0) {
			snprintf(err, errlen, "timed out");
			return FRAME_TIMEOUT;
		}
		int r = poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(err, errlen, "poll: %s", strerror(errno));
			return FRAME_IO;
		}
		if (r > 0)
			return FRAME_OK; /* readable, writable, or an error the next call sees */
	}
}

/* Reads exactly len bytes. first: a clean EOF before any byte is FRAME_EOF. */
static enum frame_rc read_exact(int fd, uint8_t *p, size_t len, bool first, int64_t deadline_ms,
				char *err, size_t errlen)
{
	size_t got = 0;
	while (got < len) {
		enum frame_rc rc = wait_fd(fd, POLLIN, deadline_ms, err, errlen);
		if (rc != FRAME_OK)
			return rc;
		ssize_t r = recv(fd, p + got, len - got, MSG_DONTWAIT);
		if (r < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
			continue;
		if (r < 0) {
			snprintf(err, errlen, "read: %s", strerror(errno));
			return FRAME_IO;
		}
		if (r == 0) {
			if (first && got == 0) {
				snprintf(err, errlen, "the peer closed the connection");
				return FRAME_EOF;
			}
			snprintf(err, errlen, "the peer closed the connection inside a frame");
			return FRAME_IO;
		}
		got += (size_t)r;
	}
	return FRAME_OK;
}

enum frame_rc frame_read(int fd, size_t max, int64_t deadline_ms, uint8_t **out, size_t *len,
			 char *err, size_t errlen)
{
	uint8_t hdr[4], *b;
	enum frame_rc rc;
	size_t n;

	*out = NULL;
	*len = 0;
	rc = read_exact(fd, hdr, sizeof(hdr), true, deadline_ms, err, errlen);
	if (rc != FRAME_OK)
		return rc;
	n = (size_t)hdr[0] << 24 | (size_t)hdr[1] << 16 | (size_t)hdr[2] << 8 | hdr[3];
	if (n > max) {
		*len = n;
		snprintf(err, errlen, "frame of %zu bytes; the limit is %zu", n, max);
		return FRAME_TOO_LARGE;
	}
	b = malloc(n ? n : 1);
	if (!b) {
		snprintf(err, errlen, "out of memory");
		return FRAME_IO;
	}
	rc = read_exact(fd, b, n, false, deadline_ms, err, errlen);
	if (rc != FRAME_OK) {
		free(b);
		return rc;
	}
	*out = b;
	*len = n;
	return FRAME_OK;
}

static enum frame_rc send_exact(int fd, const uint8_t *p, size_t len, int64_t deadline_ms,
				char *err, size_t errlen)
{
	size_t sent = 0;
	while (sent < len) {
		enum frame_rc rc = wait_fd(fd, POLLOUT, deadline_ms, err, errlen);
		if (rc != FRAME_OK)
			return rc;
		ssize_t r = send(fd, p + sent, len - sent, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (r < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
			continue;
		if (r < 0) {
			snprintf(err, errlen, "write: %s", strerror(errno));
			return FRAME_IO;
		}
		sent += (size_t)r;
	}
	return FRAME_OK;
}

enum frame_rc frame_write(int fd, const uint8_t *p, size_t len, int64_t deadline_ms, char *err,
			  size_t errlen)
{
	uint8_t *b;
	enum frame_rc rc;

	if (len > FRAME_DATA_MAX + 16) {
		snprintf(err, errlen, "frame of %zu bytes is too large", len);
		return FRAME_IO;
	}
	/* One buffer, one send: no small header segment waiting on Nagle. */
	b = xmalloc(len + 4);
	b[0] = (uint8_t)(len >> 24);
	b[1] = (uint8_t)(len >> 16);
	b[2] = (uint8_t)(len >> 8);
	b[3] = (uint8_t)len;
	if (len)
		memcpy(b + 4, p, len);
	rc = send_exact(fd, b, len + 4, deadline_ms, err, errlen);
	free(b);
	return rc;
}

void peer_linger(int fd, int64_t deadline_ms)
{
	uint8_t scratch[4096];
	size_t total = 0;
	char err[64];

	shutdown(fd, SHUT_WR);
	while (total < 1024 * 1024 &&
	       wait_fd(fd, POLLIN, deadline_ms, err, sizeof(err)) == FRAME_OK) {
		ssize_t r = recv(fd, scratch, sizeof(scratch), MSG_DONTWAIT);
		if (r < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
			continue;
		if (r <= 0)
			break;
		total += (size_t)r;
	}
}

void line_reader_init(struct line_reader *r, int fd, size_t max)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->max = max;
	r->buf = xmalloc(max + 2);
}

void line_reader_free(struct line_reader *r)
{
	free(r->buf);
	r->buf = NULL;
}

enum line_rc line_read(struct line_reader *r, bool strip_cr, char **line, size_t *len)
{
	char *nl;
	size_t n;

	/* Drop the line returned last time. */
	if (r->drop) {
		memmove(r->buf, r->buf + r->drop, r->len - r->drop);
		r->len -= r->drop;
		r->drop = 0;
	}
	for (;;) {
		nl = memchr(r->buf, '\n', r->len);
		if (nl || r->eof || r->len > r->max)
			break;
		ssize_t k = read(r->fd, r->buf + r->len, r->max + 1 - r->len);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return LINE_IO;
		if (k == 0)
			r->eof = true;
		r->len += (size_t)k;
	}
	if (nl) {
		n = (size_t)(nl - r->buf);
		r->drop = n + 1;
	} else {
		if (r->len == 0)
			return LINE_EOF;
		n = r->len; /* a last line without "\n" */
		r->drop = n;
	}
	if (n > r->max)
		return LINE_TOO_LONG;
	if (strip_cr && n && r->buf[n - 1] == '\r')
		n--;
	r->buf[n] = '\0';
	r->lineno++;
	*line = r->buf;
	*len = n;
	return LINE_OK;
}

ntlm_status peer_wrap(struct ntlm_ctx *ctx, const uint8_t *in, size_t len, uint8_t *out)
{
	ntlm_status st;

	if (ntlm_ctx_flags(ctx) & NTLMSSP_NEGOTIATE_SEAL)
		return ntlm_seal(ctx, in, len, out);
	st = ntlm_sign(ctx, in, len, out);
	if (st == NTLM_OK && len)
		memcpy(out + 16, in, len);
	return st;
}

ntlm_status peer_unwrap(struct ntlm_ctx *ctx, const uint8_t *in, size_t in_len, uint8_t *out)
{
	ntlm_status st;

	if (ntlm_ctx_flags(ctx) & NTLMSSP_NEGOTIATE_SEAL)
		return ntlm_unseal(ctx, in, in_len, out);
	st = ntlm_verify(ctx, in + 16, in_len - 16, in);
	if (st == NTLM_OK && in_len > 16)
		memcpy(out, in + 16, in_len - 16);
	return st;
}

const char *peer_protection(uint32_t flags)
{
	if (flags & NTLMSSP_NEGOTIATE_SEAL)
		return "sealed";
	if (flags & NTLMSSP_NEGOTIATE_SIGN)
		return "signed";
	return "unprotected";
}

void peer_flag_names(uint32_t flags, char *buf, size_t len)
{
	struct ntlm_buf b;

	ntlm_buf_fixed(&b, buf, len);
	if (flags)
		ntlm_buf_flags(&b, flags, NTLM_FLAGS_TEXT);
	else
		ntlm_buf_puts(&b, "-");
}

void peer_escape(const char *s, bool field, char *buf, size_t len)
{
	size_t k = 0;

	for (size_t i = 0; s[i]; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch < 0x20 || ch == 0x7f || (field && (ch == ' ' || ch == '\\'))) {
			if (k + 5 > len)
				break;
			snprintf(buf + k, len - k, "\\x%02x", ch);
			k += 4;
		} else {
			if (k + 2 > len)
				break;
			buf[k++] = (char)ch;
		}
	}
	buf[k] = '\0';
}

void peer_status_text(ntlm_status st, char *buf, size_t len)
{
	const char *d = ntlm_error_message();
	char esc[512];

	peer_escape(d && *d ? d : ntlm_status_text(st), false, esc, sizeof(esc));
	snprintf(buf, len, "%s: %s", ntlm_status_name(st), esc);
}

int peer_exit_for(ntlm_status st)
{
	enum ntlm_status_kind k = ntlm_status_kind(st);
	return k == NTLM_KIND_AUTH_FAILED || k == NTLM_KIND_POLICY_DENIED ? EXIT_AUTH : EXIT_USAGE;
}
