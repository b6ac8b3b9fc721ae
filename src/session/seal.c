/* SPDX-License-Identifier: MIT */
/*
 * session: message confidentiality, MS-NLMP 3.4.3 (SEAL / UNSEAL).
 *
 * Sealing encrypts the message with the direction's sealing handle and then
 * signs the plaintext with the same handle, so the keystream is consumed in
 * the order message, then checksum (3.4.3: "the RC4 handle is used for
 * encrypting the message before it is used to compute the signature"). The
 * plaintext-dependent half of the MAC and the message's RC4 run in one pass
 * (ntlm_session_mac_begin_rc4), each 64-byte chunk MACed before it is
 * encrypted (or after it is decrypted), which lets in == out work and lets
 * the CPU overlap MD5 with RC4.
 */
#include <string.h>

#include "crypto/crypto.h"
#include "session/session.h"
#include "wire/wire.h" /* NTLMSSP_* flag constants only */

/* MS-NLMP 3.4.3 seal: Message = RC4(Handle, Message); Signature =
 * MAC(Handle, SigningKey, SeqNum, plaintext Message) */
ntlm_status ntlm_session_seal(struct ntlm_session *s, const uint8_t *in, uint8_t *out, size_t len,
			      uint8_t sig[16])
{
	uint8_t cksum[8];

	if (!s || !sig || ((!in || !out) && len))
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "seal: NULL argument");
	if (!(s->flags & NTLMSSP_NEGOTIATE_SEAL))
		return ntlm_err(NTLM_E_NOT_NEGOTIATED,
				"seal: NTLMSSP_NEGOTIATE_SEAL was not negotiated");
	ntlm_session_mac_begin_rc4(s->flags, &s->send.mac, &s->send.seal, s->send.seq, in, out, len,
				   true, cksum);
	ntlm_session_mac_end(s->flags, &s->send.seal, s->send.seq, cksum, sig);
	s->send.seq++;
	ntlm_crypto_wipe(cksum, sizeof(cksum));
	return NTLM_OK;
}

/* MS-NLMP 3.4.3 unseal: the inverse, on a copy of the receive handle that is
 * committed (with the sequence number) only if the signature matches. */
ntlm_status ntlm_session_unseal(struct ntlm_session *s, const uint8_t *in, uint8_t *out, size_t len,
				const uint8_t sig[16])
{
	struct ntlm_rc4 h;
	uint8_t cksum[8], want[16];
	ntlm_status st;

	if (!s || !sig || ((!in || !out) && len))
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "unseal: NULL argument");
	if (!(s->flags & NTLMSSP_NEGOTIATE_SEAL))
		return ntlm_err(NTLM_E_NOT_NEGOTIATED,
				"unseal: NTLMSSP_NEGOTIATE_SEAL was not negotiated");
	struct ntlm_session_dir *rx = ntlm_session_rx(s);
	h = rx->seal;
	ntlm_session_mac_begin_rc4(s->flags, &rx->mac, &h, rx->seq, in, out, len, false, cksum);
	ntlm_session_mac_end(s->flags, &h, rx->seq, cksum, want);
	st = ntlm_session_mac_check(s->flags, rx->seq, want, sig);
	if (st == NTLM_OK) {
		rx->seal = h;
		rx->seq++;
	} else {
		ntlm_crypto_wipe(out, len);
	}
	ntlm_crypto_rc4_clear(&h);
	ntlm_crypto_wipe(cksum, sizeof(cksum));
	ntlm_crypto_wipe(want, sizeof(want));
	return st;
}
