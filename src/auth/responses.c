/* SPDX-License-Identifier: MIT */
/*
 * auth: challenge responses and session base keys, MS-NLMP 3.3.1 (NTLMv1,
 * with and without extended session security) and 3.3.2 (NTLMv2, LMv2).
 * Every intermediate key or digest is wiped before return; outputs may alias
 * inputs.
 */
#include <string.h>

#include "auth/auth.h"
#include "crypto/crypto.h"

/* MS-NLMP 6 desl: DES(K[0..6], D) || DES(K[7..13], D) ||
 * DES(ConcatenationOf(K[14..15], Z(5)), D) */
void ntlm_auth_desl(const uint8_t key[16], const uint8_t data[8], uint8_t out[24])
{
	uint8_t k3[7] = { 0 };
	uint8_t d[8], r[24];

	memcpy(d, data, sizeof(d));
	k3[0] = key[14];
	k3[1] = key[15];
	ntlm_crypto_des7(key, d, r);
	ntlm_crypto_des7(key + 7, d, r + 8);
	ntlm_crypto_des7(k3, d, r + 16);
	memcpy(out, r, sizeof(r));
	ntlm_crypto_wipe(k3, sizeof(k3));
	ntlm_crypto_wipe(r, sizeof(r));
	ntlm_crypto_wipe(d, sizeof(d));
}

/* MS-NLMP 3.3.1 ntchallengeresponse / lmchallengeresponse without ESS:
 * DESL(ResponseKey, CHALLENGE_MESSAGE.ServerChallenge) */
void ntlm_auth_ntlmv1_response(const uint8_t owf[16], const uint8_t server_challenge[8],
			       uint8_t out[24])
{
	ntlm_auth_desl(owf, server_challenge, out);
}

/* MS-NLMP 3.3.1 ntchallengeresponse / lmchallengeresponse with
 * NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY:
 *   NT = DESL(ResponseKeyNT, MD5(ConcatenationOf(ServerChallenge, ClientChallenge))[0..7])
 *   LM = ConcatenationOf(ClientChallenge, Z(16)) */
void ntlm_auth_ess_challenge(const uint8_t server_challenge[8], const uint8_t client_challenge[8],
			     uint8_t out[8])
{
	uint8_t digest[16];
	struct ntlm_iov v[2] = { { server_challenge, 8 }, { client_challenge, 8 } };

	ntlm_crypto_md5v(v, ARRAY_SIZE(v), digest);
	memcpy(out, digest, 8);
	ntlm_crypto_wipe(digest, sizeof(digest));
}

void ntlm_auth_ess_response(const uint8_t ntowfv1[16], const uint8_t server_challenge[8],
			    const uint8_t client_challenge[8], uint8_t nt_out[24],
			    uint8_t lm_out[24])
{
	uint8_t cc[8], digest[16], nt[24];
	struct ntlm_iov v[2] = { { server_challenge, 8 }, { client_challenge, 8 } };

	memcpy(cc, client_challenge, sizeof(cc));
	ntlm_crypto_md5v(v, ARRAY_SIZE(v), digest);
	ntlm_auth_desl(ntowfv1, digest, nt);
	memcpy(nt_out, nt, sizeof(nt));
	memcpy(lm_out, cc, sizeof(cc));
	memset(lm_out + 8, 0, 16);
	ntlm_crypto_wipe(nt, sizeof(nt));
	ntlm_crypto_wipe(digest, sizeof(digest));
	ntlm_crypto_wipe(cc, sizeof(cc));
}

/* MS-NLMP 3.3.1 sessionbasekey: MD4(NTOWFv1) */
void ntlm_auth_session_base_key_v1(const uint8_t ntowfv1[16], uint8_t out[16])
{
	uint8_t k[16];
	ntlm_crypto_md4(ntowfv1, 16, k);
	memcpy(out, k, sizeof(k));
	ntlm_crypto_wipe(k, sizeof(k));
}

/* MS-NLMP 3.3.2 ntproofstr: HMAC_MD5(ResponseKeyNT, ConcatenationOf(
 * CHALLENGE_MESSAGE.ServerChallenge, temp)); sessionbasekey:
 * HMAC_MD5(ResponseKeyNT, NTProofStr) */
void ntlm_auth_ntlmv2_response(const uint8_t ntowfv2[16], const uint8_t server_challenge[8],
			       const uint8_t *temp, size_t temp_len, uint8_t ntproofstr[16],
			       uint8_t session_base_key[16])
{
	uint8_t proof[16], key[16];
	struct ntlm_iov v[2] = { { server_challenge, 8 }, { temp, temp_len } };

	ntlm_crypto_hmac_md5v(ntowfv2, 16, v, ARRAY_SIZE(v), proof);
	ntlm_crypto_hmac_md5(ntowfv2, 16, proof, sizeof(proof), key);
	memcpy(ntproofstr, proof, sizeof(proof));
	memcpy(session_base_key, key, sizeof(key));
	ntlm_crypto_wipe(key, sizeof(key));
	ntlm_crypto_wipe(proof, sizeof(proof));
}

/* MS-NLMP 3.3.2 lmchallengeresponse (lmv2): ConcatenationOf(HMAC_MD5(
 * ResponseKeyLM, ConcatenationOf(ServerChallenge, ClientChallenge)),
 * ClientChallenge) */
void ntlm_auth_lmv2_response(const uint8_t lmowfv2[16], const uint8_t server_challenge[8],
			     const uint8_t client_challenge[8], uint8_t out[24])
{
	uint8_t cc[8], mac[16];
	struct ntlm_iov v[2] = { { server_challenge, 8 }, { client_challenge, 8 } };

	memcpy(cc, client_challenge, sizeof(cc));
	ntlm_crypto_hmac_md5v(lmowfv2, 16, v, ARRAY_SIZE(v), mac);
	memcpy(out, mac, sizeof(mac));
	memcpy(out + 16, cc, sizeof(cc));
	ntlm_crypto_wipe(mac, sizeof(mac));
	ntlm_crypto_wipe(cc, sizeof(cc));
}
