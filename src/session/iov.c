/* SPDX-License-Identifier: MIT */
/*
 * session: sealing a message made of several pieces (the DCE/RPC "secure
 * RPC" layout, GSS wrap_iov): every piece is covered by the signature, in
 * order, and only the pieces not marked sign-only are encrypted. The RC4
 * handle is used in the order of MS-NLMP 3.4.3: the encrypted pieces in
 * order, then the checksum. With one piece and no sign-only piece this is
 * exactly ntlm_session_seal.
 *
 * Without extended session security the checksum is a CRC32 over the
 * plaintext of all pieces; it is carried across pieces by running the CRC
 * over a scratch copy of the concatenation (legacy form only).
 */
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "session/session.h"
#include "wire/wire.h" /* NTLMSSP_* flag constants only */

static bool ess(uint32_t flags)
{
	return (flags & NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY) != 0;
}

static void le32(uint8_t b[4], uint32_t v)
{
	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
	b[2] = (uint8_t)(v >> 16);
	b[3] = (uint8_t)(v >> 24);
}

/* The plaintext of every piece, concatenated (legacy CRC32 form). sealing:
 * the pieces hold plaintext now; otherwise the encrypted pieces are
 * decrypted (on `handle`) first. */
static NTLM_RESULT legacy_cksum(struct ntlm_rc4 *handle, struct ntlm_msg_part *v, size_t n,
				bool sealing, uint8_t cksum[8])
{
	size_t total = 0, off = 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i].len > SIZE_MAX - total)
			return ntlm_err(NTLM_E_INVALID_ARGUMENT, "message pieces too large");
		total += v[i].len;
	}
	uint8_t *all = calloc(1, total ? total : 1);
	if (!all)
		return ntlm_err(NTLM_E_NOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		bool enc = !(v[i].flags & NTLM_PART_SIGN_ONLY);
		if (enc && !sealing)
			ntlm_crypto_rc4(handle, v[i].data, v[i].data, v[i].len);
		if (v[i].len)
			memcpy(all + off, v[i].data, v[i].len);
		off += v[i].len;
	}
	le32(cksum, ntlm_crypto_crc32(all, total));
	memset(cksum + 4, 0, 4);
	if (sealing)
		for (size_t i = 0; i < n; i++)
			if (!(v[i].flags & NTLM_PART_SIGN_ONLY))
				ntlm_crypto_rc4(handle, v[i].data, v[i].data, v[i].len);
	ntlm_crypto_wipe(all, total);
	free(all);
	return NTLM_OK;
}

static NTLM_RESULT iov_mac(uint32_t flags, struct ntlm_hmac_md5 *mac, struct ntlm_rc4 *handle,
			   uint32_t seq, struct ntlm_msg_part *v, size_t n, bool sealing,
			   uint8_t cksum[8])
{
	if (!ess(flags))
		return legacy_cksum(handle, v, n, sealing, cksum);
	uint8_t seqb[4], h[16];
	le32(seqb, seq);
	ntlm_crypto_hmac_md5_update(mac, seqb, 4);
	for (size_t i = 0; i < n; i++) {
		if (v[i].flags & NTLM_PART_SIGN_ONLY)
			ntlm_crypto_hmac_md5_update(mac, v[i].data, v[i].len);
		else if (v[i].len)
			ntlm_crypto_hmac_md5_rc4(mac, handle, v[i].data, v[i].data, v[i].len,
						 sealing);
	}
	ntlm_crypto_hmac_md5_digest(mac, h);
	memcpy(cksum, h, 8);
	ntlm_crypto_wipe(h, sizeof(h));
	return NTLM_OK;
}

static NTLM_RESULT check_parts(const struct ntlm_session *s, const struct ntlm_msg_part *v,
			       size_t n, const void *sig)
{
	if (!s || !sig || (!v && n))
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "seal: NULL argument");
	for (size_t i = 0; i < n; i++)
		if (!v[i].data && v[i].len)
			return ntlm_err(NTLM_E_INVALID_ARGUMENT, "piece %zu: NULL data", i);
	if (!(s->flags & NTLMSSP_NEGOTIATE_SEAL))
		return ntlm_err(NTLM_E_NOT_NEGOTIATED,
				"seal: NTLMSSP_NEGOTIATE_SEAL was not negotiated");
	return NTLM_OK;
}

/* MS-NLMP 3.4.3 seal over pieces, in place */
ntlm_status ntlm_session_seal_parts(struct ntlm_session *s, struct ntlm_msg_part *v, size_t n,
				    uint8_t sig[16])
{
	uint8_t cksum[8];
	NTLM_TRY(check_parts(s, v, n, sig));
	NTLM_TRY(iov_mac(s->flags, &s->send.mac, &s->send.seal, s->send.seq, v, n, true, cksum));
	ntlm_session_mac_end(s->flags, &s->send.seal, s->send.seq, cksum, sig);
	s->send.seq++;
	ntlm_crypto_wipe(cksum, sizeof(cksum));
	return NTLM_OK;
}

/* MS-NLMP 3.4.3 unseal over pieces, in place; the state is committed only
 * when the signature matches, and the decrypted pieces are wiped when not. */
ntlm_status ntlm_session_unseal_parts(struct ntlm_session *s, struct ntlm_msg_part *v, size_t n,
				      const uint8_t sig[16])
{
	struct ntlm_rc4 h;
	uint8_t cksum[8], want[16];
	ntlm_status st;

	NTLM_TRY(check_parts(s, v, n, sig));
	struct ntlm_session_dir *rx = ntlm_session_rx(s);
	h = rx->seal;
	st = iov_mac(s->flags, &rx->mac, &h, rx->seq, v, n, false, cksum);
	if (st != NTLM_OK)
		goto out;
	ntlm_session_mac_end(s->flags, &h, rx->seq, cksum, want);
	st = ntlm_session_mac_check(s->flags, rx->seq, want, sig);
	if (st == NTLM_OK) {
		rx->seal = h;
		rx->seq++;
	} else {
		for (size_t i = 0; i < n; i++)
			if (!(v[i].flags & NTLM_PART_SIGN_ONLY))
				ntlm_crypto_wipe(v[i].data, v[i].len);
	}
out:
	ntlm_crypto_rc4_clear(&h);
	ntlm_crypto_wipe(cksum, sizeof(cksum));
	ntlm_crypto_wipe(want, sizeof(want));
	return st;
}

/* MS-SPNG 3.3.5.1: after a mechListMIC, the RC4 handle of one direction
 * starts again from its sealing key; sequence numbers are kept. */
void ntlm_session_reset_rc4(struct ntlm_session *s, const uint8_t exported_session_key[16],
			    bool is_client, bool recv)
{
	uint8_t key[16];
	/* the direction is client-to-server when we are the client and reset
	 * what we send, or the server and reset what we receive */
	bool c2s = is_client != recv;
	size_t n = ntlm_session_sealkey(s->flags, exported_session_key, c2s, key);
	struct ntlm_session_dir *d = recv ? ntlm_session_rx(s) : &s->send;
	ntlm_crypto_rc4_clear(&d->seal);
	ntlm_crypto_rc4_init(&d->seal, key, n);
	ntlm_crypto_wipe(key, sizeof(key));
}
