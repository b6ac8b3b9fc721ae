/* SPDX-License-Identifier: MIT */
/*
 * session: key derivation, MS-NLMP 3.4.5.2 (SIGNKEY) and 3.4.5.3 (SEALKEY),
 * and the per-direction state built from them (3.4.4, 3.4.3 handles).
 */
#include <string.h>

#include "crypto/crypto.h"
#include "session/session.h"
#include "wire/wire.h" /* NTLMSSP_* flag constants only */

/* The magic constants of 3.4.5.2 / 3.4.5.3. The hash input includes the
 * terminating NUL ("null-terminated ASCII constants"), hence sizeof. */
static const char c2s_signing[] = "session key to client-to-server signing key magic constant";
static const char s2c_signing[] = "session key to server-to-client signing key magic constant";
static const char c2s_sealing[] = "session key to client-to-server sealing key magic constant";
static const char s2c_sealing[] = "session key to server-to-client sealing key magic constant";

_Static_assert(sizeof(c2s_signing) == 59 && sizeof(s2c_signing) == 59 &&
		       sizeof(c2s_sealing) == 59 && sizeof(s2c_sealing) == 59,
	       "magic constants are 58 characters plus NUL");

/* MS-NLMP 3.4.5.2 signkey: MD5(ConcatenationOf(ExportedSessionKey,
 * "session key to <client-to-server|server-to-client> signing key magic
 * constant")), only used with NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY. */
void ntlm_session_signkey(const uint8_t exported_session_key[16], bool client_to_server,
			  uint8_t out[16])
{
	uint8_t k[16];
	struct ntlm_iov v[2] = {
		{ exported_session_key, 16 },
		{ client_to_server ? c2s_signing : s2c_signing, sizeof(c2s_signing) },
	};
	ntlm_crypto_md5v(v, ARRAY_SIZE(v), k);
	memcpy(out, k, sizeof(k));
	ntlm_crypto_wipe(k, sizeof(k));
}

/* MS-NLMP 3.4.5.3 sealkey. With ESS the key is weakened to 16/7/5 bytes
 * (NTLMSSP_NEGOTIATE_128 / NTLMSSP_NEGOTIATE_56 / neither) and then hashed
 * with the direction's magic constant. Without ESS there is one key for both
 * directions: with NTLMSSP_NEGOTIATE_LM_KEY (or NTLMSSP_NEGOTIATE_DATAGRAM; we
 * always speak NTLMSSP_REVISION_W2K3) it is cut to 8 bytes, 56-bit or 40-bit;
 * otherwise it is ExportedSessionKey itself. */
unsigned ntlm_session_key_bits(uint32_t flags)
{
	if (flags & NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY)
		return (flags & NTLMSSP_NEGOTIATE_128)	? 128
		       : (flags & NTLMSSP_NEGOTIATE_56) ? 56
							: 40;
	if (flags & (NTLMSSP_NEGOTIATE_LM_KEY | NTLMSSP_NEGOTIATE_DATAGRAM))
		return (flags & NTLMSSP_NEGOTIATE_56) ? 56 : 40;
	return 128;
}

size_t ntlm_session_sealkey(uint32_t flags, const uint8_t exported_session_key[16],
			    bool client_to_server, uint8_t out[16])
{
	uint8_t k[16];
	size_t n;

	unsigned bits = ntlm_session_key_bits(flags);

	if (flags & NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY) {
		n = bits == 128 ? 16 : bits == 56 ? 7 : 5;
		struct ntlm_iov v[2] = {
			{ exported_session_key, n },
			{ client_to_server ? c2s_sealing : s2c_sealing, sizeof(c2s_sealing) },
		};
		ntlm_crypto_md5v(v, ARRAY_SIZE(v), k);
		n = 16;
	} else if (flags & (NTLMSSP_NEGOTIATE_LM_KEY | NTLMSSP_NEGOTIATE_DATAGRAM)) {
		if (bits == 56) {
			/* ConcatenationOf(ExportedSessionKey[0..6], 0xA0) */
			memcpy(k, exported_session_key, 7);
			k[7] = 0xa0;
		} else {
			/* ConcatenationOf(ExportedSessionKey[0..4], 0xE5, 0x38, 0xB0) */
			memcpy(k, exported_session_key, 5);
			k[5] = 0xe5;
			k[6] = 0x38;
			k[7] = 0xb0;
		}
		n = 8;
	} else {
		memcpy(k, exported_session_key, 16);
		n = 16;
	}
	memcpy(out, k, n);
	ntlm_crypto_wipe(k, sizeof(k));
	return n;
}

/*
 * MS-NLMP 3.4.4 / 3.4.5: ClientSigningKey, ServerSigningKey,
 * ClientSealingKey, ServerSealingKey and their RC4 handles. `send` is the
 * client-to-server direction on the client and server-to-client on the
 * server.
 *
 * Without ESS, SEALKEY has no direction: both directions get the same key,
 * and ntlm_session_rx() makes sending and receiving share the `send` RC4
 * handle and sequence number (as Samba and gss-ntlmssp do).
 */
void ntlm_session_init(struct ntlm_session *s, uint32_t flags,
		       const uint8_t exported_session_key[16], bool is_client)
{
	uint8_t c2s_sign[16] = { 0 }, s2c_sign[16] = { 0 };
	uint8_t c2s_seal[16], s2c_seal[16];
	size_t n;

	memset(s, 0, sizeof(*s));
	s->flags = flags;
	if (flags & NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY) {
		ntlm_session_signkey(exported_session_key, true, c2s_sign);
		ntlm_session_signkey(exported_session_key, false, s2c_sign);
	}
	n = ntlm_session_sealkey(flags, exported_session_key, true, c2s_seal);
	(void)ntlm_session_sealkey(flags, exported_session_key, false, s2c_seal);

	struct ntlm_session_dir *c2s = is_client ? &s->send : &s->recv;
	struct ntlm_session_dir *s2c = is_client ? &s->recv : &s->send;
	memcpy(c2s->sign_key, c2s_sign, 16);
	memcpy(s2c->sign_key, s2c_sign, 16);
	if (flags & NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY) {
		ntlm_crypto_hmac_md5_key(&c2s->mac, c2s_sign, 16);
		ntlm_crypto_hmac_md5_key(&s2c->mac, s2c_sign, 16);
	}
	ntlm_crypto_rc4_init(&c2s->seal, c2s_seal, n);
	ntlm_crypto_rc4_init(&s2c->seal, s2c_seal, n);

	ntlm_crypto_wipe(c2s_sign, sizeof(c2s_sign));
	ntlm_crypto_wipe(s2c_sign, sizeof(s2c_sign));
	ntlm_crypto_wipe(c2s_seal, sizeof(c2s_seal));
	ntlm_crypto_wipe(s2c_seal, sizeof(s2c_seal));
}

void ntlm_session_clear(struct ntlm_session *s)
{
	if (s)
		ntlm_crypto_wipe(s, sizeof(*s));
}
