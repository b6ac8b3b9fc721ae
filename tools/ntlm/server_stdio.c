/* SPDX-License-Identifier: MIT */
/*
 * ntlm server --stdio: serve one ntlm-lines/1 exchange on stdin/stdout
 * (docs/cli.md): the handshake lines, then WRAP and MIC requests until BYE.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ntlmssp/unstable.h>

#include "server.h"

/* ---- ntlm-lines/1 --------------------------------------------------------- */

struct stdio_srv {
	const struct tool_cmd *self;
	struct ntlm_ctx *ctx;
	struct line_reader in;
	struct outcome oc;
	int ret; /* 2 after a malformed line, else 1 after a failed request */
};

static void note(struct stdio_srv *s, int ret)
{
	if (ret > s->ret)
		s->ret = ret;
}

/* Writes one answer line; false (and exit 2) if stdout is gone. */
static bool answer(struct stdio_srv *s, const char *a, const char *b, const char *c)
{
	size_t la = strlen(a), lb = b ? strlen(b) : 0, lc = c ? strlen(c) : 0;
	char *line = xmalloc(la + lb + lc + 3);
	size_t k = 0;
	bool ok;

	memcpy(line, a, la);
	k = la;
	if (b) {
		line[k++] = ' ';
		memcpy(line + k, b, lb);
		k += lb;
	}
	if (c) {
		line[k++] = ' ';
		memcpy(line + k, c, lc);
		k += lc;
	}
	line[k++] = '\n';
	ok = fe_write_all(STDOUT_FILENO, line, k);
	free(line);
	if (!ok) {
		snprintf(s->oc.text, sizeof(s->oc.text), "error: writing to stdout: %s",
			 strerror(errno));
		note(s, EXIT_USAGE);
	}
	return ok;
}

/* "ERR <reason>" for a malformed request: exit 2 at the end. */
static bool answer_err(struct stdio_srv *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static bool answer_err(struct stdio_srv *s, const char *fmt, ...)
{
	char reason[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	snprintf(s->oc.text, sizeof(s->oc.text), "malformed: line %lu: %s", s->in.lineno, reason);
	note(s, EXIT_USAGE);
	return answer(s, "ERR", reason, NULL);
}

/* "ERR <reason>" for a request that did not verify: exit 1 at the end. */
static bool answer_failed(struct stdio_srv *s, ntlm_status st)
{
	char reason[600];

	peer_status_text(st, reason, sizeof(reason));
	snprintf(s->oc.text, sizeof(s->oc.text), "failed: line %lu: %s", s->in.lineno, reason);
	note(s, peer_exit_for(st));
	return answer(s, "ERR", reason, NULL);
}

static bool decode_field(struct stdio_srv *s, const char *what, const char *p, size_t n, size_t max,
			 uint8_t **out, size_t *len)
{
	ntlm_status st = ntlm_base64_decode(p, n, max, out, len);
	char msg[700];

	if (st == NTLM_OK)
		return true;
	peer_status_text(st, msg, sizeof(msg));
	answer_err(s, "%s: %s", what, msg);
	return false;
}

/* Sends b64(p) [b64(q)] after a keyword. */
static bool answer_b64(struct stdio_srv *s, const char *kw, const uint8_t *p, size_t n,
		       const uint8_t *q, size_t qn)
{
	char *a = NULL, *b = NULL;
	bool ok = false;

	if (ntlm_base64_encode(p, n, &a) == NTLM_OK &&
	    (!q || ntlm_base64_encode(q, qn, &b) == NTLM_OK))
		ok = kw ? answer(s, kw, a, b) : answer(s, a, b, NULL);
	else
		note(s, EXIT_USAGE);
	ntlm_free(a);
	ntlm_free(b);
	return ok;
}

/* WRAP <token>: unwrap, answer wrap("reply:" + plaintext). */
static bool do_wrap(struct stdio_srv *s, const char *arg)
{
	uint8_t *tok = NULL, *plain = NULL, *out = NULL;
	size_t len;
	ntlm_status st;
	bool ok;

	if (!decode_field(s, "WRAP token", arg, strlen(arg), STDIO_LINE_MAX, &tok, &len))
		return true;
	if (len < 16) {
		ntlm_free(tok);
		return answer_err(s, "WRAP token of %zu bytes has no 16-byte signature", len);
	}
	plain = xmalloc(len - 16 + 6);
	memcpy(plain, "reply:", 6);
	st = peer_unwrap(s->ctx, tok, len, plain + 6);
	if (st != NTLM_OK) {
		ok = answer_failed(s, st);
		goto out;
	}
	out = xmalloc(len + 6);
	st = peer_wrap(s->ctx, plain, len - 16 + 6, out);
	if (st != NTLM_OK) {
		ok = answer_failed(s, st);
		goto out;
	}
	s->oc.messages++;
	ok = answer_b64(s, "WRAP", out, len + 6, NULL, 0);
out:
	ntlm_free(tok);
	free(plain);
	free(out);
	return ok;
}

/* MIC <msg> <mic>: verify, answer "reply:" + msg with our MIC. */
static bool do_mic(struct stdio_srv *s, const char *arg)
{
	const char *sp = strchr(arg, ' ');
	uint8_t *msg = NULL, *mic = NULL, *reply = NULL, sig[16];
	size_t len, mlen;
	ntlm_status st;
	bool ok = true;

	if (!sp)
		return answer_err(s, "expected 'MIC <base64 message> <base64 signature>'");
	if (!decode_field(s, "MIC message", arg, (size_t)(sp - arg), STDIO_LINE_MAX, &msg, &len) ||
	    !decode_field(s, "MIC signature", sp + 1, strlen(sp + 1), 16, &mic, &mlen))
		goto out;
	if (mlen != 16) {
		ok = answer_err(s, "the MIC signature has %zu bytes, not 16", mlen);
		goto out;
	}
	st = ntlm_verify(s->ctx, msg, len, mic);
	if (st != NTLM_OK) {
		ok = answer_failed(s, st);
		goto out;
	}
	reply = xmalloc(len + 6);
	memcpy(reply, "reply:", 6);
	if (len)
		memcpy(reply + 6, msg, len);
	st = ntlm_sign(s->ctx, reply, len + 6, sig);
	if (st != NTLM_OK) {
		ok = answer_failed(s, st);
		goto out;
	}
	s->oc.messages++;
	ok = answer_b64(s, "MIC", reply, len + 6, sig, sizeof(sig));
out:
	ntlm_free(msg);
	ntlm_free(mic);
	free(reply);
	return ok;
}

/* One handshake line: the NEGOTIATE or the AUTHENTICATE. false: stop. */
static bool do_token(struct stdio_srv *s, const char *line, bool *done)
{
	uint8_t *tok = NULL, *out = NULL;
	size_t len, out_len;
	ntlm_status st;
	char reason[600], name[820];
	bool ok = false;

	if (!decode_field(s, "token", line, strlen(line), NTLM_MAX_TOKEN, &tok, &len))
		return false;
	st = ntlm_step(s->ctx, tok, len, &out, &out_len);
	if (st == NTLM_CONTINUE) {
		ok = answer_b64(s, NULL, out, out_len, NULL, 0);
	} else if (st == NTLM_OK) {
		server_user_name(s->ctx, false, name, sizeof(name));
		snprintf(s->oc.text, sizeof(s->oc.text), "authenticated");
		*done = true;
		ok = answer(s, "OK", name, NULL);
	} else {
		server_client_reason(st, reason, sizeof(reason));
		server_failure_text(st, s->oc.text, sizeof(s->oc.text));
		note(s, peer_exit_for(st));
		(void)answer(s, "FAIL", reason, NULL);
	}
	ntlm_free(tok);
	ntlm_free(out);
	return ok;
}

int server_run_stdio(const struct tool_cmd *self, struct server *srv)
{
	struct stdio_srv s = { .self = self };
	bool authenticated = false, bye = false;
	char *line, summary[4096];
	size_t len;
	ntlm_status st;

	line_reader_init(&s.in, STDIN_FILENO, STDIO_LINE_MAX);
	snprintf(s.oc.text, sizeof(s.oc.text), "closed: before the NEGOTIATE");
	struct fe_gen *gen = fe_live_get(&srv->live);
	st = ntlm_server_new(gen->policy, gen->accounts, &s.ctx);
	if (st == NTLM_OK && gen->audit)
		st = ntlm_ctx_set_audit(s.ctx, gen->audit);
	if (st == NTLM_OK)
		st = ntlm_ctx_require(s.ctx, srv->require);
	if (st == NTLM_OK)
		st = ntlm_ctx_set_peer(s.ctx, "stdio");
	if (st != NTLM_OK) {
		peer_status_text(st, s.oc.text, sizeof(s.oc.text));
		note(&s, EXIT_USAGE);
		goto out;
	}
	for (;;) {
		enum line_rc lr = line_read(&s.in, true, &line, &len);
		if (lr == LINE_EOF) {
			if (authenticated)
				snprintf(s.oc.text, sizeof(s.oc.text),
					 "malformed: stdin ended without BYE");
			note(&s, EXIT_USAGE);
			break;
		}
		if (lr == LINE_TOO_LONG) {
			answer_err(&s, "longer than %u bytes", STDIO_LINE_MAX);
			break; /* cannot find the next line: stop */
		}
		if (lr == LINE_IO) {
			snprintf(s.oc.text, sizeof(s.oc.text), "error: reading stdin: %s",
				 strerror(errno));
			note(&s, EXIT_USAGE);
			break;
		}
		if (strcmp(line, "BYE") == 0) {
			bye = answer(&s, "BYE", NULL, NULL);
			break;
		}
		if (!authenticated) {
			if (!do_token(&s, line, &authenticated))
				break;
			if (authenticated)
				snprintf(s.oc.text, sizeof(s.oc.text), "authenticated");
			else
				snprintf(s.oc.text, sizeof(s.oc.text),
					 "closed: before the AUTHENTICATE");
			continue;
		}
		bool ok;
		if (strncmp(line, "WRAP ", 5) == 0)
			ok = do_wrap(&s, line + 5);
		else if (strncmp(line, "MIC ", 4) == 0)
			ok = do_mic(&s, line + 4);
		else
			ok = answer_err(&s, "unknown request (expected WRAP, MIC or BYE)");
		if (!ok)
			break;
	}
	if (bye && !authenticated && s.ret == 0) {
		snprintf(s.oc.text, sizeof(s.oc.text), "closed: BYE before authentication");
		note(&s, EXIT_AUTH);
	}
out:
	server_summary("stdio", s.ctx, &s.oc, summary, sizeof(summary));
	fprintf(stderr, "ntlm %s: %s\n", self->name, summary);
	ntlm_ctx_free(s.ctx);
	fe_live_put(&srv->live, gen);
	line_reader_free(&s.in);
	return s.ret;
}
