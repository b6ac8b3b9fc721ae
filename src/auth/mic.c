/* SPDX-License-Identifier: MIT */
/*
 * auth: the AUTHENTICATE_MESSAGE MIC, MS-NLMP 3.1.5.1.2 / 3.2.5.1.2. The
 * message is hashed in place, as iovecs around its MIC field; no copy with
 * the field zeroed is made.
 */
#include <string.h>

#include "auth/auth.h"
#include "crypto/crypto.h"

#define MIC_LEN 16

/* MS-NLMP 3.1.5.1.2 mic: HMAC_MD5(ExportedSessionKey, ConcatenationOf(
 * NEGOTIATE_MESSAGE, CHALLENGE_MESSAGE, AUTHENTICATE_MESSAGE)), with the
 * AUTHENTICATE_MESSAGE's MIC field taken as Z(16). */
ntlm_status ntlm_auth_mic(const uint8_t exported_session_key[16], const uint8_t *negotiate,
			  size_t negotiate_len, const uint8_t *challenge, size_t challenge_len,
			  const uint8_t *auth, size_t auth_len, size_t mic_offset, uint8_t out[16])
{
	static const uint8_t zero_mic[MIC_LEN];
	uint8_t mac[16];

	if (!exported_session_key || !out || (!negotiate && negotiate_len) ||
	    (!challenge && challenge_len) || !auth)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "MIC: NULL argument");
	if (mic_offset > auth_len || auth_len - mic_offset < MIC_LEN)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT,
				"MIC: field at offset %zu does not fit in the %zu-byte "
				"AUTHENTICATE_MESSAGE",
				mic_offset, auth_len);
	struct ntlm_iov v[5] = {
		{ negotiate, negotiate_len },
		{ challenge, challenge_len },
		{ auth, mic_offset },
		{ zero_mic, MIC_LEN },
		{ auth + mic_offset + MIC_LEN, auth_len - mic_offset - MIC_LEN },
	};
	ntlm_crypto_hmac_md5v(exported_session_key, 16, v, ARRAY_SIZE(v), mac);
	memcpy(out, mac, sizeof(mac));
	ntlm_crypto_wipe(mac, sizeof(mac));
	return NTLM_OK;
}
