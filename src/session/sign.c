/* SPDX-License-Identifier: MIT */
/*
 * session: message integrity, MS-NLMP 3.4.4 (MAC), 3.4.4.1 (without
 * extended session security: CRC32), 3.4.4.2 (with ESS: HMAC_MD5), and
 * 3.4.4.3 (the NTLMSSP_NEGOTIATE_ALWAYS_SIGN dummy signature).
 *
 * Verification runs on a copy of the receive RC4 handle; the copy and the
 * sequence number are committed only when the signature matches, so a forged
 * or replayed message leaves the session exactly as it was.
 *
 * All 16 bytes are compared, Version and RandomPad included. Without ESS we
 * emit RandomPad = 0 (the 3.4.4.1 pseudocode, as gss-ntlmssp, pyspnego and
 * Windows do) and accept only that; the 4.2.2.4 example's form, which keeps
 * RC4(RandomPad), is rejected (docs/vectors.md, "Where the specification's examples mislead" 1).
 */
#include <string.h>

#include "crypto/crypto.h"
#include "session/session.h"
#include "wire/wire.h" /* NTLMSSP_* flag constants only */

/* NTLMSSP_MESSAGE_SIGNATURE.Version, 2.2.2.9 */
#define SIG_VERSION 1u

/* 3.4.4.3: Version 1 followed by 12 zero bytes. */
static const uint8_t dummy_sig[16] = { 1 };

static void le32(uint8_t b[4], uint32_t v)
{
	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
	b[2] = (uint8_t)(v >> 16);
	b[3] = (uint8_t)(v >> 24);
}

static uint32_t rd32(const uint8_t b[4])
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static bool ess(uint32_t flags)
{
	return (flags & NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY) != 0;
}

/* MS-NLMP 3.4.4 mac, first half (reads the message):
 *   with ESS (3.4.4.2):  HMAC_MD5(SigningKey, ConcatenationOf(SeqNum, Message))[0..7]
 *   without (3.4.4.1):   CRC32(Message), little-endian, then 4 zero bytes */
void ntlm_session_mac_begin(uint32_t flags, struct ntlm_hmac_md5 *mac, uint32_t seq,
			    const uint8_t *msg, size_t len, uint8_t cksum[8])
{
	if (ess(flags)) {
		uint8_t seqb[4], h[16];
		le32(seqb, seq);
		/* the key's inner and outer states were computed once, in
		 * ntlm_session_init: two MD5 blocks fewer per message */
		ntlm_crypto_hmac_md5_update(mac, seqb, 4);
		ntlm_crypto_hmac_md5_update(mac, msg, msg ? len : 0);
		ntlm_crypto_hmac_md5_digest(mac, h);
		memcpy(cksum, h, 8);
		ntlm_crypto_wipe(h, sizeof(h));
	} else {
		le32(cksum, ntlm_crypto_crc32(msg, msg ? len : 0));
		memset(cksum + 4, 0, 4);
	}
}

void ntlm_session_mac_begin_rc4(uint32_t flags, struct ntlm_hmac_md5 *mac, struct ntlm_rc4 *handle,
				uint32_t seq, const uint8_t *in, uint8_t *out, size_t len,
				bool sealing, uint8_t cksum[8])
{
	if (!ess(flags) || len == 0) {
		if (sealing)
			ntlm_session_mac_begin(flags, mac, seq, in, len, cksum);
		ntlm_crypto_rc4(handle, in, out, len);
		if (!sealing)
			ntlm_session_mac_begin(flags, mac, seq, out, len, cksum);
		return;
	}
	uint8_t seqb[4], h[16];
	le32(seqb, seq);
	ntlm_crypto_hmac_md5_update(mac, seqb, 4);
	ntlm_crypto_hmac_md5_rc4(mac, handle, in, out, len, sealing);
	ntlm_crypto_hmac_md5_digest(mac, h);
	memcpy(cksum, h, 8);
	ntlm_crypto_wipe(h, sizeof(h));
}

/* MS-NLMP 3.4.4 mac, second half (the RC4 steps and the layout of 2.2.2.9):
 *   with ESS:    Checksum = RC4(Handle, Checksum) only if
 *                NTLMSSP_NEGOTIATE_KEY_EXCH; SeqNum in clear.
 *   without ESS: RandomPad = RC4(Handle, 0); Checksum = RC4(Handle, CRC32);
 *                SeqNum = RC4(Handle, 0) XOR SeqNum; RandomPad = 0 (the
 *                3.4.4.1 pseudocode's last step; the 4.2.2.4 example prints
 *                the encrypted pad instead, see docs/vectors.md). */
void ntlm_session_mac_end(uint32_t flags, struct ntlm_rc4 *handle, uint32_t seq,
			  const uint8_t cksum[8], uint8_t sig[16])
{
	uint8_t b[12];

	le32(sig, SIG_VERSION);
	if (ess(flags)) {
		memcpy(b, cksum, 8);
		if (flags & NTLMSSP_NEGOTIATE_KEY_EXCH)
			ntlm_crypto_rc4(handle, b, b, 8);
		memcpy(sig + 4, b, 8);
		le32(sig + 12, seq);
	} else {
		memset(b, 0, 4);	 /* RandomPad */
		memcpy(b + 4, cksum, 4); /* Checksum */
		memset(b + 8, 0, 4);	 /* SeqNum keystream */
		ntlm_crypto_rc4(handle, b, b, sizeof(b));
		memset(sig + 4, 0, 4);
		memcpy(sig + 8, b + 4, 4);
		le32(sig + 12, rd32(b + 8) ^ seq);
	}
	ntlm_crypto_wipe(b, sizeof(b));
}

/* MS-NLMP 3.4.4 (receiving side). Constant-time comparison; on mismatch, the received SeqNum field
 * says whether this is another message's signature (the field, decrypted for the legacy form, is
 * not `seq`) or an altered one. Without ESS the decrypted field is sig.SeqNum XOR keystream =
 * sig.SeqNum XOR want.SeqNum XOR seq. */
ntlm_status ntlm_session_mac_check(uint32_t flags, uint32_t seq, const uint8_t want[16],
				   const uint8_t sig[16])
{
	uint32_t got;

	if (ntlm_crypto_ct_eq16(want, sig))
		return NTLM_OK;
	if (ess(flags))
		got = rd32(sig + 12);
	else
		got = rd32(sig + 12) ^ rd32(want + 12) ^ seq;
	if (got != seq)
		return ntlm_err(NTLM_E_OUT_OF_SEQUENCE,
				"signature: sequence number %u, expected %u", got, seq);
	return ntlm_err(NTLM_E_MESSAGE_ALTERED, "signature: checksum does not match (seq %u)", seq);
}

static bool can_sign(uint32_t flags)
{
	return (flags & (NTLMSSP_NEGOTIATE_SIGN | NTLMSSP_NEGOTIATE_SEAL)) != 0;
}

/* MS-NLMP 3.4.4 / 3.4.4.3 */
ntlm_status ntlm_session_sign(struct ntlm_session *s, const uint8_t *msg, size_t len,
			      uint8_t sig[16])
{
	uint8_t cksum[8];

	if (!s || !sig || (!msg && len))
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "sign: NULL argument");
	if (!can_sign(s->flags)) {
		if (!(s->flags & NTLMSSP_NEGOTIATE_ALWAYS_SIGN))
			return ntlm_err(NTLM_E_NOT_NEGOTIATED,
					"sign: neither NTLMSSP_NEGOTIATE_SIGN, "
					"NTLMSSP_NEGOTIATE_SEAL nor NTLMSSP_NEGOTIATE_ALWAYS_SIGN "
					"was negotiated");
		memcpy(sig, dummy_sig, sizeof(dummy_sig));
		return NTLM_OK;
	}
	ntlm_session_mac_begin(s->flags, &s->send.mac, s->send.seq, msg, len, cksum);
	ntlm_session_mac_end(s->flags, &s->send.seal, s->send.seq, cksum, sig);
	s->send.seq++;
	ntlm_crypto_wipe(cksum, sizeof(cksum));
	return NTLM_OK;
}

/* MS-NLMP 3.4.4 / 3.4.4.3, receiving side */
ntlm_status ntlm_session_verify(struct ntlm_session *s, const uint8_t *msg, size_t len,
				const uint8_t sig[16])
{
	struct ntlm_rc4 h;
	uint8_t cksum[8], want[16];
	ntlm_status st;

	if (!s || !sig || (!msg && len))
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "verify: NULL argument");
	if (!can_sign(s->flags)) {
		if (!(s->flags & NTLMSSP_NEGOTIATE_ALWAYS_SIGN))
			return ntlm_err(NTLM_E_NOT_NEGOTIATED,
					"verify: neither NTLMSSP_NEGOTIATE_SIGN, "
					"NTLMSSP_NEGOTIATE_SEAL nor NTLMSSP_NEGOTIATE_ALWAYS_SIGN "
					"was negotiated");
		if (ntlm_crypto_ct_eq16(sig, dummy_sig))
			return NTLM_OK;
		return ntlm_err(NTLM_E_MESSAGE_ALTERED,
				"verify: not the NTLMSSP_NEGOTIATE_ALWAYS_SIGN dummy signature");
	}
	struct ntlm_session_dir *rx = ntlm_session_rx(s);
	h = rx->seal;
	ntlm_session_mac_begin(s->flags, &rx->mac, rx->seq, msg, len, cksum);
	ntlm_session_mac_end(s->flags, &h, rx->seq, cksum, want);
	st = ntlm_session_mac_check(s->flags, rx->seq, want, sig);
	if (st == NTLM_OK) {
		rx->seal = h;
		rx->seq++;
	}
	ntlm_crypto_rc4_clear(&h);
	ntlm_crypto_wipe(cksum, sizeof(cksum));
	ntlm_crypto_wipe(want, sizeof(want));
	return st;
}
