/* SPDX-License-Identifier: MIT */
/*
 * auth: the MS-NLMP 3.3 and 3.4.5 algorithms. Pure functions over bytes;
 * no I/O, no policy, no wire parsing. Every output key is a secret the
 * caller wipes with ntlm_crypto_wipe().
 */
#ifndef NTLM_AUTH_H
#define NTLM_AUTH_H

#include "internal.h"

/* ---- one-way functions, 3.3.1 / 3.3.2 -------------------------------- */

/* NTOWFv1 = MD4(UTF16LE(password)). */
NTLM_RESULT ntlm_auth_ntowfv1(const char *password, uint8_t out[16]);

/* LMOWFv1: DES("KGS!@#$%") under the upper-cased (full case mapping), OEM,
 * NUL-padded 14-byte password. A password longer than 14 OEM bytes has no LM
 * hash (NTLM_E_UNREPRESENTABLE), as on Windows. */
NTLM_RESULT ntlm_auth_lmowfv1(const char *password, uint8_t out[16]);

/* NTOWFv2 = LMOWFv2 = HMAC_MD5(NTOWFv1, UTF16LE(Upper(user) || domain)),
 * Upper() being full Unicode case mapping. */
NTLM_RESULT ntlm_auth_ntowfv2(const uint8_t ntowfv1[16], const char *user, const char *domain,
			      uint8_t out[16]);

/* ---- responses ------------------------------------------------------- */

/* DESL(K, D), 6: three DES blocks under K[0..6], K[7..13], K[14..15]||Z(5). */
void ntlm_auth_desl(const uint8_t key[16], const uint8_t data[8], uint8_t out[24]);

/* NTLMv1 without ESS, 3.3.1: NT = DESL(NTOWFv1, SC); LM = DESL(LMOWFv1, SC). */
void ntlm_auth_ntlmv1_response(const uint8_t owf[16], const uint8_t server_challenge[8],
			       uint8_t out[24]);

/* NTLMv1 with ESS, 3.3.1: NT = DESL(NTOWFv1, MD5(SC||CC)[0..7]); LM = CC||Z(16). */
void ntlm_auth_ess_response(const uint8_t ntowfv1[16], const uint8_t server_challenge[8],
			    const uint8_t client_challenge[8], uint8_t nt_out[24],
			    uint8_t lm_out[24]);

/* The challenge an NTLMv1-ESS response answers: MD5(SC || CC)[0..7]. A
 * server that passes the response to a domain controller sends this one
 * (the DC then checks a plain NTLMv1 response). */
void ntlm_auth_ess_challenge(const uint8_t server_challenge[8], const uint8_t client_challenge[8],
			     uint8_t out[8]);

/* SessionBaseKey for NTLMv1 (with or without ESS) = MD4(NTOWFv1). */
void ntlm_auth_session_base_key_v1(const uint8_t ntowfv1[16], uint8_t out[16]);

/* NTLMv2, 3.3.2: NTProofStr = HMAC_MD5(NTOWFv2, SC || temp);
 * SessionBaseKey = HMAC_MD5(NTOWFv2, NTProofStr). `temp` is the
 * NTLMv2_CLIENT_CHALLENGE bytes that follow NTProofStr on the wire. */
void ntlm_auth_ntlmv2_response(const uint8_t ntowfv2[16], const uint8_t server_challenge[8],
			       const uint8_t *temp, size_t temp_len, uint8_t ntproofstr[16],
			       uint8_t session_base_key[16]);

/* LMv2 = HMAC_MD5(LMOWFv2, SC || CC) || CC. */
void ntlm_auth_lmv2_response(const uint8_t lmowfv2[16], const uint8_t server_challenge[8],
			     const uint8_t client_challenge[8], uint8_t out[24]);

/* ---- keys, 3.4.5.1 / 3.1.5.1.2 --------------------------------------- */

/* KXKEY for NTLMv1 (and NTLMv1-ESS); NTLMv2 uses SessionBaseKey as is.
 *   ESS:                 HMAC_MD5(SessionBaseKey, SC || LmResponse[0..7])
 *   LM_KEY:              DES(LMOWF[0..6], LM[0..7]) || DES(LMOWF[7]||bdbdbdbdbdbd, LM[0..7])
 *   NON_NT_SESSION_KEY:  LMOWF[0..7] || Z(8)
 *   otherwise:           SessionBaseKey */
void ntlm_auth_kxkey_v1(uint32_t flags, const uint8_t session_base_key[16], const uint8_t lmowf[16],
			const uint8_t lm_response[24], const uint8_t server_challenge[8],
			uint8_t out[16]);

/* EncryptedRandomSessionKey = RC4K(KeyExchangeKey, ExportedSessionKey); the
 * same call decrypts. */
void ntlm_auth_key_exchange(const uint8_t kxkey[16], const uint8_t in[16], uint8_t out[16]);

/* MIC, 3.1.5.1.2: HMAC_MD5(ExportedSessionKey, NEGOTIATE || CHALLENGE ||
 * AUTHENTICATE) with AUTHENTICATE bytes [mic_offset, mic_offset+16) taken as
 * zero. NTLM_E_INVALID_ARGUMENT if the MIC field is not inside `auth`. */
NTLM_RESULT ntlm_auth_mic(const uint8_t exported_session_key[16], const uint8_t *negotiate,
			  size_t negotiate_len, const uint8_t *challenge, size_t challenge_len,
			  const uint8_t *auth, size_t auth_len, size_t mic_offset, uint8_t out[16]);

/* MsvAvChannelBindings value: MD5 of the RFC 2744 gss_channel_bindings_struct
 * serialised as little-endian u32s without padding. */
struct ntlm_auth_cb {
	uint32_t initiator_addrtype;
	const uint8_t *initiator_address; /* borrowed */
	uint32_t initiator_address_len;
	uint32_t acceptor_addrtype;
	const uint8_t *acceptor_address;
	uint32_t acceptor_address_len;
	const uint8_t *application_data;
	uint32_t application_data_len;
};
void ntlm_auth_cbt_hash(const struct ntlm_auth_cb *cb, uint8_t out[16]);

#endif
