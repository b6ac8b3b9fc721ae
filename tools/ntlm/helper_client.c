/* SPDX-License-Identifier: MIT */
/*
 * ntlm helper --protocol ntlmssp-client-1: the client side of Samba
 * ntlm_auth's helper protocol, for programs that let a helper compute
 * their NTLM tokens. Our client policy decides (LmCompatibilityLevel,
 * NtlmMinClientSec, RestrictSendingNTLMTraffic on --target) and audits.
 *
 *   SF <feature> ...   -> OK             NTLMSSP_FEATURE_SIGN / _SEAL are then
 *                                        required (_SESSION_KEY: always given)
 *   PW <base64>        -> OK             the password (replaces --password)
 *   YR                 -> YR <negotiate> a new handshake; with no password yet,
 *                                        first "PW" (asking), answered by a
 *                                        "PW <base64>" line (-> OK)
 *   TT <challenge>     -> AF <authenticate>   the last token: send it
 *                      -> NA <reason>    refused by our policy (the setting named)
 *                      -> BH <reason>    malformed, or no handshake in progress
 *   GF, GK             -> flags, session key (cmd_helper.c)
 *
 * Samba 3's helper answered the CHALLENGE with "KK <authenticate>"; Samba 4
 * and we say AF, since no more tokens follow (callers take either).
 */
#include <string.h>

#include "helper.h"
#include "tool.h"

/* The password from "PW <base64>": a new credential. */
static bool set_password(struct helper *h, char *line, size_t len)
{
	uint8_t *pw = NULL;
	size_t n = 0;
	struct ntlm_cred *cred = NULL;
	ntlm_status st;

	st = len > 3 ? ntlm_base64_decode(line + 3, len - 3, PASSWORD_MAX, &pw, &n)
		     : NTLM_E_BAD_ENCODING;
	wipe(line, len);
	if (st != NTLM_OK)
		return helper_reply("BH", "PW needs the password in base64 (at most 1024 bytes)");
	if (memchr(pw, '\0', n)) {
		st = NTLM_E_BAD_STRING;
	} else {
		char buf[PASSWORD_MAX + 1];
		memcpy(buf, pw, n);
		buf[n] = '\0';
		st = ntlm_cred_new_password(h->domain, h->user, buf, &cred);
		wipe(buf, sizeof(buf));
	}
	wipe(pw, n);
	ntlm_free(pw);
	if (st != NTLM_OK)
		return helper_reply_status("BH", st, true);
	ntlm_cred_free(h->cred);
	h->cred = cred;
	return helper_reply("OK", NULL);
}

/* "SF NTLMSSP_FEATURE_SIGN NTLMSSP_FEATURE_SEAL": what the next handshakes require. */
static bool set_features(struct helper *h, const char *list)
{
	unsigned req = 0;
	const char *p = list;

	while (*p) {
		size_t n;
		while (*p == ' ' || *p == ',')
			p++;
		n = strcspn(p, " ,");
		if (!n)
			break;
		if (n == 20 && memcmp(p, "NTLMSSP_FEATURE_SIGN", n) == 0) {
			req |= NTLM_REQ_INTEGRITY;
		} else if (n == 20 && memcmp(p, "NTLMSSP_FEATURE_SEAL", n) == 0) {
			req |= NTLM_REQ_CONFIDENTIALITY;
		} else if (!(n == 27 && memcmp(p, "NTLMSSP_FEATURE_SESSION_KEY", n) == 0)) {
			char what[80];
			snprintf(what, sizeof(what), "unknown feature '%.*s'",
				 (int)(n > 40 ? 40 : n), p);
			return helper_reply("BH", what);
		}
		p += n;
	}
	h->req = req;
	return helper_reply("OK", NULL);
}

/* No password yet: ask the caller for one ("PW", answered by "PW <base64>"). */
static bool ask_password(struct helper *h, bool *have)
{
	char *line;
	size_t len;
	enum line_rc lr;

	*have = false;
	if (!helper_reply("PW", NULL))
		return false;
	lr = line_read(h->in, true, &line, &len);
	if (lr == LINE_EOF || lr == LINE_IO)
		return true; /* the loop sees the end */
	if (lr != LINE_OK || len < 3 || strncmp(line, "PW ", 3) != 0) {
		if (lr == LINE_OK)
			wipe(line, len);
		return helper_reply("BH", "expected a password (PW <base64>)");
	}
	if (!set_password(h, line, len))
		return false;
	*have = h->cred != NULL;
	return true;
}

static bool start(struct helper *h)
{
	uint8_t *out = NULL;
	size_t out_len = 0;
	char *b64 = NULL;
	ntlm_status st;
	bool ok;

	helper_reset(h);
	if (!h->cred) {
		bool have;
		if (!ask_password(h, &have))
			return false;
		if (!have)
			return true;
	}
	st = ntlm_client_new(h->policy, h->cred, h->target, h->req, &h->ctx);
	if (st == NTLM_OK)
		st = ntlm_ctx_require(h->ctx, h->req);
	if (st == NTLM_OK && h->audit)
		st = ntlm_ctx_set_audit(h->ctx, h->audit);
	if (st == NTLM_OK && h->workstation[0])
		st = ntlm_ctx_set_names(h->ctx, h->workstation, NULL, NULL, NULL);
	if (st == NTLM_OK)
		st = ntlm_step(h->ctx, NULL, 0, &out, &out_len);
	if (st != NTLM_CONTINUE) {
		if (st == NTLM_OK)
			st = NTLM_E_BAD_STATE;
		ok = helper_reply_status(
			ntlm_status_kind(st) == NTLM_KIND_POLICY_DENIED ? "NA" : "BH", st, true);
		helper_reset(h);
		return ok;
	}
	st = ntlm_base64_encode(out, out_len, &b64);
	ntlm_free(out);
	if (st != NTLM_OK) {
		ok = helper_reply_status("BH", st, true);
		helper_reset(h);
		return ok;
	}
	h->waiting = true;
	ok = helper_reply("YR", b64);
	ntlm_free(b64);
	return ok;
}

static bool on_challenge(struct helper *h, const char *text, size_t len)
{
	uint8_t *tok = NULL, *out = NULL;
	size_t tok_len = 0, out_len = 0;
	char *b64 = NULL;
	ntlm_status st;
	bool ok;

	if (!h->waiting)
		return helper_reply("BH", "TT without a handshake in progress (send YR first)");
	h->waiting = false;
	st = ntlm_base64_decode(text, len, NTLM_MAX_TOKEN, &tok, &tok_len);
	if (st == NTLM_OK)
		st = ntlm_step(h->ctx, tok, tok_len, &out, &out_len);
	ntlm_free(tok);
	if (st == NTLM_OK || st == NTLM_CONTINUE) {
		ntlm_status e = ntlm_base64_encode(out, out_len, &b64);
		if (e == NTLM_OK) {
			h->done = st == NTLM_OK;
			h->waiting = st == NTLM_CONTINUE;
			ok = helper_reply(st == NTLM_OK ? "AF" : "KK", b64);
			ntlm_free(b64);
			ntlm_free(out);
			return ok;
		}
		st = e;
	}
	ntlm_free(out);
	{
		enum ntlm_status_kind k = ntlm_status_kind(st);
		bool verdict = k == NTLM_KIND_AUTH_FAILED || k == NTLM_KIND_POLICY_DENIED;
		ok = helper_reply_status(verdict ? "NA" : "BH", st, true);
	}
	return ok;
}

bool helper_client_line(struct helper *h, char *line, size_t len)
{
	if (len == 2 && (strcmp(line, "GK") == 0 || strcmp(line, "GF") == 0))
		return helper_flags_key(h, line);
	if (len >= 3 && strncmp(line, "PW ", 3) == 0)
		return set_password(h, line, len);
	if (len > 3 && strncmp(line, "SF ", 3) == 0)
		return set_features(h, line + 3);
	if (strcmp(line, "YR") == 0)
		return start(h);
	if (len > 3 && strncmp(line, "TT ", 3) == 0)
		return on_challenge(h, line + 3, len - 3);
	if (strncmp(line, "YR ", 3) == 0)
		return helper_reply("BH", "YR takes no token in ntlmssp-client-1 (the client "
					  "speaks first)");
	return helper_reply("BH", "unknown request (expected SF, PW, YR, TT, GF or GK)");
}
