/* SPDX-License-Identifier: MIT */
/*
 * context/session_more.c: what a GSSAPI mechanism needs of an established
 * context beyond ntlm_sign/ntlm_seal (include/ntlmssp/unstable.h): whether a
 * MIC went by (SPNEGO's mechListMIC), the MS-SPNG 3.3.5.1 RC4 reset, and
 * sealing a message in pieces (DCE/RPC sign-only regions).
 */
#include "context/ctx.h"

int ntlm_ctx_mic_present(const struct ntlm_ctx *c)
{
	return c && c->state == CTX_DONE && c->mic;
}

static ntlm_status need_seal(const struct ntlm_ctx *c)
{
	if (!c)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "ctx is NULL");
	if (c->state != CTX_DONE)
		return ntlm_err(NTLM_E_BAD_STATE, "the exchange is not complete");
	if (!c->has_session)
		return ntlm_err(NTLM_E_NOT_NEGOTIATED,
				"neither SIGN, SEAL nor ALWAYS_SIGN was negotiated");
	return NTLM_OK;
}

ntlm_status ntlm_ctx_reset_crypto(struct ntlm_ctx *c, int recv)
{
	ntlm_err_clear();
	NTLM_TRY(need_seal(c));
	if (!c->has_key)
		return ntlm_err(NTLM_E_NOT_NEGOTIATED, "no session key");
	ntlm_session_reset_rc4(&c->session, c->exported_key, !c->is_server, recv != 0);
	return NTLM_OK;
}

ntlm_status ntlm_seal_parts(struct ntlm_ctx *c, struct ntlm_msg_part *v, size_t n, uint8_t sig[16])
{
	ntlm_err_clear();
	NTLM_TRY(need_seal(c));
	return ntlm_session_seal_parts(&c->session, v, n, sig);
}

ntlm_status ntlm_unseal_parts(struct ntlm_ctx *c, struct ntlm_msg_part *v, size_t n,
			      const uint8_t sig[16])
{
	ntlm_err_clear();
	NTLM_TRY(need_seal(c));
	return ntlm_session_unseal_parts(&c->session, v, n, sig);
}
