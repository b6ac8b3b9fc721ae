/* SPDX-License-Identifier: MIT */
/*
 * context/spnego.c: the acceptor's side of SPNEGO (RFC 4178) with NTLMSSP as
 * the mechanism, over the DER codec of wire/spnego.c (ntlm_spnego_accept,
 * include/ntlmssp/unstable.h; docs/architecture.md says why it lives here).
 *
 *   NegTokenInit {NTLMSSP, ...} + NEGOTIATE   -> accept-incomplete, NTLMSSP, CHALLENGE
 *   NegTokenInit {other, ..., NTLMSSP}         -> request-mic, NTLMSSP (no token)
 *   NegTokenResp NEGOTIATE                     -> accept-incomplete, CHALLENGE
 *   NegTokenResp AUTHENTICATE [+ mechListMIC]  -> accept-completed [+ our mechListMIC]
 *
 * The NTLM exchange is the server state machine's (ntlm_step); here only
 * the SPNEGO fields, and the mechListMIC: the NTLM signature of the DER of
 * the client's mechTypes, checked with the client's signing key and answered
 * with ours, after which each direction's RC4 state restarts (MS-SPNG
 * 3.3.5.1). The success event is held back until the mechListMIC is checked.
 */
#include <stdio.h>
#include <string.h>

#include "context/ctx.h"
#include "crypto/crypto.h"
#include "text/text.h"

/* "Kerberos 5 (1.2.840.113554.1.2.2), NegoEx (1.3.6.1.4.1.311.2.2.30)" */
static void offered(const struct ntlm_spnego_token *t, char *dst, size_t len)
{
	struct ntlm_buf b;
	ntlm_buf_fixed(&b, dst, len);
	for (size_t i = 0; i < t->n_mechs; i++) {
		const char *name = ntlm_spnego_mech_name(t->mechs[i].p, t->mechs[i].len);
		ntlm_buf_printf(&b, "%s%s (", i ? ", " : "", name ? name : "unknown");
		ntlm_spnego_oid_text(&b, t->mechs[i].p, t->mechs[i].len);
		ntlm_buf_puts(&b, ")");
	}
}

/* The exchange failed after the NTLM step succeeded: no keys, no use. */
static ntlm_status refuse(struct ntlm_ctx *c, ntlm_status st, uint32_t event)
{
	c->state = CTX_FAILED;
	if (c->has_session)
		ntlm_session_clear(&c->session);
	c->has_session = false;
	ntlm_crypto_wipe(c->exported_key, sizeof(c->exported_key));
	c->has_key = false;
	ntlm_ctx_server_result(c, event, NTLM_OUTCOME_FAILED);
	return st;
}

/* One NTLM step whose output goes back in an accept-incomplete NegTokenResp. */
static ntlm_status step_continue(struct ntlm_ctx *c, const struct ntlm_spnego_bytes *tok,
				 bool supported, uint8_t **out, size_t *out_len)
{
	uint8_t *t = NULL;
	size_t tl = 0;
	ntlm_status st = ntlm_step(c, tok->p, tok->len, &t, &tl);
	if (st == NTLM_CONTINUE) {
		st = ntlm_spnego_encode_resp(NTLM_SPNEGO_ACCEPT_INCOMPLETE, supported, t, tl, NULL,
					     0, out, out_len);
		if (st == NTLM_OK)
			st = NTLM_CONTINUE;
		else
			c->state = CTX_FAILED;
	} else if (st == NTLM_OK) {
		st = ntlm_err(NTLM_E_BAD_STATE, "SPNEGO: the NTLM exchange ended early");
	}
	ntlm_free(t);
	return st;
}

/* After the AUTHENTICATE: the mechListMIC both ways, the final NegTokenResp. */
static ntlm_status finish(struct ntlm_ctx *c, const struct ntlm_spnego_token *t, uint8_t **out,
			  size_t *out_len)
{
	bool can = c->has_session;
	bool exchange = can && (c->mic || c->spnego_not_first);
	uint8_t mic[16];
	ntlm_status st;

	if (t->mech_list_mic.p) {
		if (!can)
			return refuse(c,
				      ntlm_err(NTLM_E_MIC_MISMATCH,
					       "SPNEGO: a mechListMIC, but no signing key was "
					       "negotiated (neither SIGN, SEAL nor ALWAYS_SIGN)"),
				      NTLM_EVENT_MIC_FAILURE);
		if (t->mech_list_mic.len != 16)
			return refuse(c,
				      ntlm_err(NTLM_E_MIC_MISMATCH,
					       "SPNEGO: a mechListMIC of %zu bytes (an NTLM "
					       "signature has 16)",
					       t->mech_list_mic.len),
				      NTLM_EVENT_MIC_FAILURE);
		if (ntlm_verify(c, c->spnego_types, c->spnego_types_len, t->mech_list_mic.p) !=
		    NTLM_OK) {
			char why[160];
			snprintf(why, sizeof(why), "%s", ntlm_error_message());
			return refuse(c,
				      ntlm_err(NTLM_E_MIC_MISMATCH,
					       "SPNEGO: the mechListMIC does not verify over the "
					       "client's mechTypes (%s)",
					       why),
				      NTLM_EVENT_MIC_FAILURE);
		}
		st = ntlm_ctx_reset_crypto(c, 1);
		if (st != NTLM_OK)
			return refuse(c, st, NTLM_EVENT_MIC_FAILURE);
		exchange = true;
	} else if (exchange) {
		return refuse(c,
			      ntlm_err(NTLM_E_MIC_MISMATCH,
				       "SPNEGO: no mechListMIC, required because %s",
				       c->mic ? "the AUTHENTICATE carried an NTLM MIC (MS-SPNG "
						"3.3.5.1)"
					      : "NTLMSSP was not the client's first mechanism "
						"(RFC 4178 5)"),
			      NTLM_EVENT_MIC_FAILURE);
	}
	if (exchange) {
		st = ntlm_sign(c, c->spnego_types, c->spnego_types_len, mic);
		if (st == NTLM_OK)
			st = ntlm_ctx_reset_crypto(c, 0);
		if (st != NTLM_OK)
			return refuse(c, st, NTLM_EVENT_MIC_FAILURE);
	}
	st = ntlm_spnego_encode_resp(NTLM_SPNEGO_ACCEPT_COMPLETED, 0, NULL, 0,
				     exchange ? mic : NULL, exchange ? sizeof(mic) : 0, out,
				     out_len);
	ntlm_crypto_wipe(mic, sizeof(mic));
	if (st != NTLM_OK)
		return refuse(c, st, NTLM_EVENT_LOGON_FAILURE);
	ntlm_ctx_server_result(c, NTLM_EVENT_SUCCESS, NTLM_OUTCOME_SUCCESS);
	return NTLM_OK;
}

static ntlm_status on_init(struct ntlm_ctx *c, const struct ntlm_spnego_token *t, uint8_t **out,
			   size_t *out_len)
{
	char list[400];

	if (t->ntlm_index < 0) {
		offered(t, list, sizeof(list));
		c->state = CTX_FAILED;
		return ntlm_err(NTLM_E_NO_COMMON_MECH,
				"SPNEGO: the NegTokenInit offers no NTLMSSP: %s", list);
	}
	if (t->mech_types.len > sizeof(c->spnego_types)) {
		c->state = CTX_FAILED;
		return ntlm_err(NTLM_E_TOKEN_TOO_LARGE, "SPNEGO mechTypes: %zu bytes",
				t->mech_types.len);
	}
	memcpy(c->spnego_types, t->mech_types.p, t->mech_types.len);
	c->spnego_types_len = t->mech_types.len;
	c->spnego = true;
	c->spnego_not_first = t->ntlm_index != 0;
	if (!c->spnego_not_first && t->mech_token.p)
		return step_continue(c, &t->mech_token, true, out, out_len);
	/* NTLMSSP is not the client's first choice (the optimistic token, if
	 * any, is another mechanism's): choose it and ask for its first token;
	 * the mechListMIC will protect the choice. */
	ntlm_status st = ntlm_spnego_encode_resp(
		c->spnego_not_first ? NTLM_SPNEGO_REQUEST_MIC : NTLM_SPNEGO_ACCEPT_INCOMPLETE, 1,
		NULL, 0, NULL, 0, out, out_len);
	return st == NTLM_OK ? NTLM_CONTINUE : st;
}

ntlm_status ntlm_spnego_accept(struct ntlm_ctx *c, const uint8_t *in, size_t in_len, uint8_t **out,
			       size_t *out_len)
{
	struct ntlm_spnego_token t;
	ntlm_status st;

	ntlm_err_clear();
	if (!c || !out || !out_len || (!in && in_len))
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "ntlm_spnego_accept: NULL argument");
	*out = NULL;
	*out_len = 0;
	if (!c->is_server)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT,
				"ntlm_spnego_accept takes a server context");
	if (c->state == CTX_DONE || c->state == CTX_FAILED)
		return ntlm_err(NTLM_E_BAD_STATE, "SPNEGO: the exchange has ended");
	st = ntlm_spnego_decode(in, in_len, &t);
	if (st != NTLM_OK) {
		c->state = CTX_FAILED;
		return st;
	}
	if (!c->spnego) {
		if (t.kind != NTLM_SPNEGO_INIT) {
			c->state = CTX_FAILED;
			return ntlm_err(NTLM_E_BAD_MESSAGE_TYPE,
					"SPNEGO: a NegTokenResp where the NegTokenInit belongs");
		}
		if (c->state != CTX_INIT)
			return ntlm_err(NTLM_E_BAD_STATE,
					"SPNEGO: the context already runs NTLM without SPNEGO");
		return on_init(c, &t, out, out_len);
	}
	if (t.kind != NTLM_SPNEGO_RESP) {
		c->state = CTX_FAILED;
		return ntlm_err(NTLM_E_BAD_MESSAGE_TYPE,
				"SPNEGO: a second NegTokenInit where a NegTokenResp belongs");
	}
	if (t.neg_state == NTLM_SPNEGO_REJECT) {
		c->state = CTX_FAILED;
		return ntlm_err(NTLM_E_BAD_STATE, "SPNEGO: the client rejected the exchange");
	}
	if (!t.mech_token.p) {
		c->state = CTX_FAILED;
		return ntlm_err(
			NTLM_E_BAD_MESSAGE_TYPE,
			"SPNEGO: a NegTokenResp without a responseToken (the NTLM message)");
	}
	if (c->state == CTX_INIT)
		return step_continue(c, &t.mech_token, false, out, out_len);
	c->spnego_defer = true;
	uint8_t *tok = NULL;
	size_t tl = 0;
	st = ntlm_step(c, t.mech_token.p, t.mech_token.len, &tok, &tl);
	c->spnego_defer = false;
	ntlm_free(tok);
	if (st == NTLM_CONTINUE)
		st = ntlm_err(NTLM_E_BAD_STATE, "SPNEGO: the NTLM exchange did not end");
	if (st != NTLM_OK)
		return st;
	return finish(c, &t, out, out_len);
}
