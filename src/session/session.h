/* SPDX-License-Identifier: MIT */
/*
 * session: message integrity and confidentiality after authentication,
 * MS-NLMP 3.4. SIGNKEY/SEALKEY per direction, 40/56/128-bit weakening,
 * sign/verify/seal/unseal with sequence numbers, in the extended session
 * security (ESS, HMAC-MD5) form and the legacy (CRC32) form.
 * Connection-oriented only (no DATAGRAM).
 */
#ifndef NTLM_SESSION_H
#define NTLM_SESSION_H

#include "crypto/crypto.h"
#include "internal.h"
#include "ntlmssp/unstable.h" /* struct ntlm_msg_part */

/* SIGNKEY, 3.4.5.2 (ESS only): MD5(key || "session key to <dir> signing key
 * magic constant\0"). */
void ntlm_session_signkey(const uint8_t exported_session_key[16], bool client_to_server,
			  uint8_t out[16]);

/* SEALKEY, 3.4.5.3. Returns the key length written to out (16, or 8 for the
 * non-ESS LM_KEY/DATAGRAM 56- and 40-bit forms):
 *   ESS:  MD5(key[0..n) || "...sealing key magic constant\0"), n = 16 / 7 / 5
 *         for 128 / 56 / 40 bits;
 *   LM_KEY (or DATAGRAM, revision >= W2K3): key[0..6]||a0 (56) or
 *         key[0..4]||e538b0 (40);
 *   otherwise: the key itself. */
/* The strength of the sealing key those flags give, in bits: the one place
 * that decides it (ntlm_session_sealkey follows it). ESS: 128 / 56 / 40 from
 * NTLMSSP_NEGOTIATE_128 / _56 / neither; without ESS, LM_KEY or DATAGRAM
 * cut the key to 56 (NTLMSSP_NEGOTIATE_56) or 40 bits; otherwise the whole
 * 128-bit key seals. */
unsigned ntlm_session_key_bits(uint32_t flags);
size_t ntlm_session_sealkey(uint32_t flags, const uint8_t exported_session_key[16],
			    bool client_to_server, uint8_t out[16]);

/* One direction's state. */
struct ntlm_session_dir {
	uint8_t sign_key[16];
	struct ntlm_hmac_md5 mac; /* keyed with sign_key once (ESS only) */
	struct ntlm_rc4 seal;	  /* sealing handle */
	uint32_t seq;		  /* next sequence number */
};

struct ntlm_session {
	uint32_t flags; /* negotiated flags */
	struct ntlm_session_dir send;
	struct ntlm_session_dir recv; /* unused without ESS: see ntlm_session_rx */
};

/* The state that checks received messages. With ESS each direction has its
 * own keys, RC4 handle and sequence number. Without ESS (NTLMv1 session
 * security) there is one sealing key, and one RC4 handle and one sequence
 * counter serve both directions, so sent and received messages advance the
 * same stream: that is what Samba and gss-ntlmssp do, and what the
 * gss-ntlmssp interop test (tests/interop) checks in both directions. */
static inline struct ntlm_session_dir *ntlm_session_rx(struct ntlm_session *s)
{
	return (s->flags & 0x00080000u /* EXTENDED_SESSIONSECURITY */) ? &s->recv : &s->send;
}

/* Derives both directions from the exported session key. is_client picks
 * which direction is `send`. Copies what it needs; the caller keeps (and
 * wipes) its own key. */
void ntlm_session_init(struct ntlm_session *s, uint32_t flags,
		       const uint8_t exported_session_key[16], bool is_client);
void ntlm_session_clear(struct ntlm_session *s);

/* MIC of msg with the next send sequence number, 3.4.4. Needs SIGN (or SEAL);
 * with only ALWAYS_SIGN, writes the 01 00.. dummy signature of 3.4.4.3.
 * Otherwise NTLM_E_NOT_NEGOTIATED. */
NTLM_RESULT ntlm_session_sign(struct ntlm_session *s, const uint8_t *msg, size_t len,
			      uint8_t sig[16]);

/* Verifies against the next expected receive sequence number. The state
 * advances only on success: a failed check leaves the session as it was.
 * Mismatch -> NTLM_E_MESSAGE_ALTERED; a valid signature for another sequence
 * number (replay, reorder) -> NTLM_E_OUT_OF_SEQUENCE. */
NTLM_RESULT ntlm_session_verify(struct ntlm_session *s, const uint8_t *msg, size_t len,
				const uint8_t sig[16]);

/* 3.4.3: encrypts len bytes (in == out allowed) and writes the signature of
 * the plaintext. Needs SEAL. */
NTLM_RESULT ntlm_session_seal(struct ntlm_session *s, const uint8_t *in, uint8_t *out, size_t len,
			      uint8_t sig[16]);

/* Decrypts and verifies; on failure out is wiped and the state unchanged. */
NTLM_RESULT ntlm_session_unseal(struct ntlm_session *s, const uint8_t *in, uint8_t *out, size_t len,
				const uint8_t sig[16]);

/* iov.c: 3.4.3 over several pieces, in place: all are signed in order, the
 * ones without NTLM_PART_SIGN_ONLY are encrypted (the DCE/RPC layout). */
NTLM_RESULT ntlm_session_seal_parts(struct ntlm_session *s, struct ntlm_msg_part *v, size_t n,
				    uint8_t sig[16]);
NTLM_RESULT ntlm_session_unseal_parts(struct ntlm_session *s, struct ntlm_msg_part *v, size_t n,
				      const uint8_t sig[16]);
/* MS-SPNG 3.3.5.1: restarts one direction's RC4 handle from its sealing key
 * (recv: the handle that checks received messages); sequence numbers kept. */
void ntlm_session_reset_rc4(struct ntlm_session *s, const uint8_t exported_session_key[16],
			    bool is_client, bool recv);

/* ---- internal to session/ (sign.c <-> seal.c) ------------------------ */

/*
 * MAC(Handle, SigningKey, SeqNum, Message) of 3.4.4, split in two so that
 * seal can encrypt in place between the halves while keeping the RC4 order
 * of 3.4.3 (message first, then the checksum):
 *   _begin: the part that reads the plaintext (HMAC_MD5 prefix with ESS,
 *           CRC32 without); no RC4;
 *   _end:   the RC4 step(s) on `handle` and the 16-byte signature.
 * _check compares a computed signature with a received one in constant time
 * and names the failure (NTLM_E_OUT_OF_SEQUENCE or NTLM_E_MESSAGE_ALTERED).
 */
void ntlm_session_mac_begin(uint32_t flags, struct ntlm_hmac_md5 *mac, uint32_t seq,
			    const uint8_t *msg, size_t len, uint8_t cksum[8]);
/* Seal / unseal: mac_begin and the message's RC4 on `handle` in one pass
 * over the bytes (ESS: HMAC-MD5 and RC4 chunk by chunk). sealing: MAC of `in`,
 * then in -> out encrypted; otherwise in -> out decrypted, then MAC of out.
 * The same results as the two steps one after the other. */
void ntlm_session_mac_begin_rc4(uint32_t flags, struct ntlm_hmac_md5 *mac, struct ntlm_rc4 *handle,
				uint32_t seq, const uint8_t *in, uint8_t *out, size_t len,
				bool sealing, uint8_t cksum[8]);
void ntlm_session_mac_end(uint32_t flags, struct ntlm_rc4 *handle, uint32_t seq,
			  const uint8_t cksum[8], uint8_t sig[16]);
NTLM_RESULT ntlm_session_mac_check(uint32_t flags, uint32_t seq, const uint8_t want[16],
				   const uint8_t sig[16]);

#endif
