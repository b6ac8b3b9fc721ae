/* SPDX-License-Identifier: MIT */
/*
 * ntlm client --stdio: speak ntlm-lines/1 on stdout (requests) and stdin
 * (answers), so a script can pair us with any NTLM acceptor (docs/cli.md).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ntlmssp/unstable.h>

#include "client.h"

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
	ok = fe_write_all(STDOUT_FILENO, l->out, strlen(l->out));
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
		ret = client_report(l->self, st);
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
		ret = client_report(l->self, st);
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
		ret = client_report(l->self, st);
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
		ret = client_report(l->self, st);
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

int client_run_stdio(const struct tool_cmd *self, const struct client_opts *o,
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
		ret = client_report(self, st);
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
		ret = client_report(self, st);
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
		client_warn_unprotected(self, ntlm_ctx_flags(s->ctx));
	for (unsigned long r = 0; r < o->rounds && ret == 0; r++)
		ret = data_round(&l, s->ctx, r, sizes[r % (sizeof(sizes) / sizeof(sizes[0]))]);
	if (ret == EXIT_USAGE)
		goto out; /* the exchange is out of step: no BYE */
	if (!fe_write_all(STDOUT_FILENO, "BYE\n", 4)) {
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
