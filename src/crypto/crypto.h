/* SPDX-License-Identifier: MIT */
/*
 * crypto: the only code that includes nettle. Primitives only, no protocol.
 * Every nettle context is wiped before these functions return.
 */
#ifndef NTLM_CRYPTO_H
#define NTLM_CRYPTO_H

#include "internal.h"

/* One piece of a multi-part hash input. */
struct ntlm_iov {
	const void *p;
	size_t len;
};

void ntlm_crypto_md4(const void *in, size_t len, uint8_t out[16]);
void ntlm_crypto_md5v(const struct ntlm_iov *v, size_t n, uint8_t out[16]);
void ntlm_crypto_hmac_md5v(const uint8_t *key, size_t key_len, const struct ntlm_iov *v, size_t n,
			   uint8_t out[16]);
static inline void ntlm_crypto_md5(const void *in, size_t len, uint8_t out[16])
{
	struct ntlm_iov v = { in, len };
	ntlm_crypto_md5v(&v, 1, out);
}
static inline void ntlm_crypto_hmac_md5(const uint8_t *key, size_t key_len, const void *in,
					size_t len, uint8_t out[16])
{
	struct ntlm_iov v = { in, len };
	ntlm_crypto_hmac_md5v(key, key_len, &v, 1, out);
}

/* HMAC-MD5 with the key schedule kept (RFC 2104's precomputed inner and outer
 * states): keyed once, then any number of messages, each update... digest;
 * digest leaves the context keyed for the next message. A secret: the owner
 * wipes it with ntlm_crypto_hmac_md5_clear. Opaque storage for nettle's
 * hmac_md5_ctx. */
struct ntlm_hmac_md5 {
	_Alignas(8) unsigned char opaque[320];
};
void ntlm_crypto_hmac_md5_key(struct ntlm_hmac_md5 *h, const uint8_t *key, size_t key_len);
void ntlm_crypto_hmac_md5_update(struct ntlm_hmac_md5 *h, const void *in, size_t len);
void ntlm_crypto_hmac_md5_digest(struct ntlm_hmac_md5 *h, uint8_t out[16]);
void ntlm_crypto_hmac_md5_clear(struct ntlm_hmac_md5 *h);

/* DES-ECB of one block under a 7-byte key, expanded to 8 bytes with parity
 * bits (MS-NLMP 6, "DES(K, D)"). */
void ntlm_crypto_des7(const uint8_t key7[7], const uint8_t in[8], uint8_t out[8]);

/* RC4 keystream state; opaque storage sized for nettle's arcfour_ctx. */
struct ntlm_rc4 {
	_Alignas(8) unsigned char opaque[264];
};
void ntlm_crypto_rc4_init(struct ntlm_rc4 *s, const uint8_t *key, size_t key_len);
/* in and out may be the same buffer. */
void ntlm_crypto_rc4(struct ntlm_rc4 *s, const uint8_t *in, uint8_t *out, size_t len);
void ntlm_crypto_rc4_clear(struct ntlm_rc4 *s);
/* RC4 over len bytes and HMAC-MD5 update over the plaintext, chunk by
 * chunk while the chunk is in cache. encrypt: h absorbs `in`, then it is
 * encrypted to out; otherwise `in` is decrypted to out, then h absorbs
 * `out`. The same bytes, in the same order, as one
 * ntlm_crypto_hmac_md5_update and one ntlm_crypto_rc4 over the whole
 * buffer. in == out allowed. */
void ntlm_crypto_hmac_md5_rc4(struct ntlm_hmac_md5 *h, struct ntlm_rc4 *s, const uint8_t *in,
			      uint8_t *out, size_t len, bool encrypt);
/* One-shot RC4K(key, data) (MS-NLMP 6). */
void ntlm_crypto_rc4k(const uint8_t *key, size_t key_len, const uint8_t *in, uint8_t *out,
		      size_t len);

/* CRC-32 (IEEE 802.3, reflected, as MS-NLMP 3.4.4.1 uses). */
uint32_t ntlm_crypto_crc32(const uint8_t *p, size_t len);

/* Fills out with bytes from getrandom(2). */
NTLM_RESULT ntlm_crypto_random(void *out, size_t len);

/* Constant-time equality of secrets. */
bool ntlm_crypto_ct_eq(const void *a, const void *b, size_t len);
static inline bool ntlm_crypto_ct_eq16(const uint8_t a[16], const uint8_t b[16])
{
	return ntlm_crypto_ct_eq(a, b, 16);
}

/* Wipes a secret so the compiler cannot elide it. */
void ntlm_crypto_wipe(void *p, size_t len);

/* Strict base64 (RFC 4648 section 4, crypto/base64.c): the standard
 * alphabet, '=' padding required, no whitespace or other byte inside, the
 * unused bits of the last symbol zero; so each byte string has exactly one
 * accepted spelling. decode: n bytes of text (n may be 0) to at most max
 * bytes, *out malloc'd (even for 0 bytes); NTLM_E_BAD_ENCODING naming the
 * offset, NTLM_E_TOKEN_TOO_LARGE (checked before allocating). encode: *out
 * malloc'd and NUL-terminated. */
NTLM_RESULT ntlm_crypto_base64_decode(const char *p, size_t n, size_t max, uint8_t **out,
				      size_t *out_len);
NTLM_RESULT ntlm_crypto_base64_encode(const uint8_t *p, size_t len, char **out);

#endif
