/* SPDX-License-Identifier: MIT */
/*
 * auth: the key exchange key for NTLMv1 (MS-NLMP 3.4.5.1) and the
 * EncryptedRandomSessionKey transform (3.1.5.1.2 / 3.2.5.1.2).
 */
#include <string.h>

#include "auth/auth.h"
#include "crypto/crypto.h"
#include "wire/wire.h" /* NTLMSSP_* flag constants only */

/*
 * MS-NLMP 3.4.5.1 kxkey. The branches are tried in the spec's order:
 * NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY first, then
 * NTLMSSP_NEGOTIATE_LM_KEY, then NTLMSSP_REQUEST_NON_NT_SESSION_KEY, so ESS
 * wins over LM_KEY and LM_KEY over NON_NT. lmowf is read only by the LM_KEY and
 * NON_NT branches (it may be NULL otherwise).
 */
void ntlm_auth_kxkey_v1(uint32_t flags, const uint8_t session_base_key[16], const uint8_t lmowf[16],
			const uint8_t lm_response[24], const uint8_t server_challenge[8],
			uint8_t out[16])
{
	uint8_t k[16], key7[7];

	if (flags & NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY) {
		/* HMAC_MD5(SessionBaseKey, ConcatenationOf(ServerChallenge,
		 * LmChallengeResponse[0..7])) */
		struct ntlm_iov v[2] = { { server_challenge, 8 }, { lm_response, 8 } };
		ntlm_crypto_hmac_md5v(session_base_key, 16, v, ARRAY_SIZE(v), k);
	} else if (flags & NTLMSSP_NEGOTIATE_LM_KEY) {
		/* DES(LMOWF[0..6], LmChallengeResponse[0..7]) ||
		 * DES(ConcatenationOf(LMOWF[7], 0xBDBDBDBDBDBD), LmChallengeResponse[0..7]) */
		key7[0] = lmowf[7];
		memset(key7 + 1, 0xbd, 6);
		ntlm_crypto_des7(lmowf, lm_response, k);
		ntlm_crypto_des7(key7, lm_response, k + 8);
	} else if (flags & NTLMSSP_REQUEST_NON_NT_SESSION_KEY) {
		/* ConcatenationOf(LMOWF[0..7], Z(8)) */
		memcpy(k, lmowf, 8);
		memset(k + 8, 0, 8);
	} else {
		memcpy(k, session_base_key, 16);
	}
	memcpy(out, k, sizeof(k));
	ntlm_crypto_wipe(k, sizeof(k));
	ntlm_crypto_wipe(key7, sizeof(key7));
}

/* MS-NLMP 3.1.5.1.2 encryptedrandomsessionkey: RC4K(KeyExchangeKey,
 * ExportedSessionKey); RC4 is its own inverse, so 3.2.5.1.2 decrypts with
 * the same call. */
void ntlm_auth_key_exchange(const uint8_t kxkey[16], const uint8_t in[16], uint8_t out[16])
{
	uint8_t k[16];
	ntlm_crypto_rc4k(kxkey, 16, in, k, sizeof(k));
	memcpy(out, k, sizeof(k));
	ntlm_crypto_wipe(k, sizeof(k));
}
