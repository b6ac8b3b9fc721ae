/* SPDX-License-Identifier: MIT */
/*
 * crypto: the nettle adapter. The only file that includes <nettle/...>.
 *
 * nettle 4 dropped the length argument from the digest functions; DIGEST()
 * below is the one shim between the two APIs.
 */
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include <nettle/arcfour.h>
#include <nettle/des.h>
#include <nettle/hmac.h>
#include <nettle/md4.h>
#include <nettle/md5.h>
#include <nettle/memops.h>
#include <nettle/version.h>

#include "crypto/crypto.h"

#if NETTLE_VERSION_MAJOR >= 4
#define DIGEST(fn, ctx, len, out) fn(ctx, out)
#else
#define DIGEST(fn, ctx, len, out) fn(ctx, len, out)
#endif

_Static_assert(sizeof(struct arcfour_ctx) <= sizeof(((struct ntlm_rc4 *)0)->opaque),
	       "struct ntlm_rc4 too small for nettle's arcfour_ctx");

void ntlm_crypto_wipe(void *p, size_t len)
{
	if (p && len)
		explicit_bzero(p, len);
}

void ntlm_crypto_md4(const void *in, size_t len, uint8_t out[16])
{
	struct md4_ctx ctx;
	md4_init(&ctx);
	md4_update(&ctx, len, in);
	DIGEST(md4_digest, &ctx, MD4_DIGEST_SIZE, out);
	ntlm_crypto_wipe(&ctx, sizeof(ctx));
}

void ntlm_crypto_md5v(const struct ntlm_iov *v, size_t n, uint8_t out[16])
{
	struct md5_ctx ctx;
	md5_init(&ctx);
	for (size_t i = 0; i < n; i++)
		md5_update(&ctx, v[i].len, v[i].p);
	DIGEST(md5_digest, &ctx, MD5_DIGEST_SIZE, out);
	ntlm_crypto_wipe(&ctx, sizeof(ctx));
}

void ntlm_crypto_hmac_md5v(const uint8_t *key, size_t key_len, const struct ntlm_iov *v, size_t n,
			   uint8_t out[16])
{
	struct hmac_md5_ctx ctx;
	hmac_md5_set_key(&ctx, key_len, key);
	for (size_t i = 0; i < n; i++)
		hmac_md5_update(&ctx, v[i].len, v[i].p);
	DIGEST(hmac_md5_digest, &ctx, MD5_DIGEST_SIZE, out);
	ntlm_crypto_wipe(&ctx, sizeof(ctx));
}

_Static_assert(sizeof(struct hmac_md5_ctx) <= sizeof(((struct ntlm_hmac_md5 *)0)->opaque),
	       "struct ntlm_hmac_md5 too small for nettle's hmac_md5_ctx");

static struct hmac_md5_ctx *hmacctx(struct ntlm_hmac_md5 *h)
{
	return (struct hmac_md5_ctx *)(void *)h->opaque;
}

void ntlm_crypto_hmac_md5_key(struct ntlm_hmac_md5 *h, const uint8_t *key, size_t key_len)
{
	memset(h, 0, sizeof(*h));
	hmac_md5_set_key(hmacctx(h), key_len, key);
}

void ntlm_crypto_hmac_md5_update(struct ntlm_hmac_md5 *h, const void *in, size_t len)
{
	if (len)
		hmac_md5_update(hmacctx(h), len, in);
}

/* nettle's digest re-initialises the running state from the kept inner one,
 * which also overwrites what the message left in it. */
void ntlm_crypto_hmac_md5_digest(struct ntlm_hmac_md5 *h, uint8_t out[16])
{
	DIGEST(hmac_md5_digest, hmacctx(h), MD5_DIGEST_SIZE, out);
}

void ntlm_crypto_hmac_md5_clear(struct ntlm_hmac_md5 *h)
{
	ntlm_crypto_wipe(h, sizeof(*h));
}

void ntlm_crypto_des7(const uint8_t key7[7], const uint8_t in[8], uint8_t out[8])
{
	/* MS-NLMP 6: spread 56 key bits over 8 bytes, 7 bits each, then
	 * set odd parity in the low bit (nettle checks parity-free keys
	 * anyway; des_fix_parity makes the key canonical). */
	uint8_t k[8];
	struct des_ctx ctx;

	k[0] = key7[0];
	k[1] = (uint8_t)((key7[0] << 7) | (key7[1] >> 1));
	k[2] = (uint8_t)((key7[1] << 6) | (key7[2] >> 2));
	k[3] = (uint8_t)((key7[2] << 5) | (key7[3] >> 3));
	k[4] = (uint8_t)((key7[3] << 4) | (key7[4] >> 4));
	k[5] = (uint8_t)((key7[4] << 3) | (key7[5] >> 5));
	k[6] = (uint8_t)((key7[5] << 2) | (key7[6] >> 6));
	k[7] = (uint8_t)(key7[6] << 1);
	des_fix_parity(8, k, k);
	/* des_set_key returns 0 for weak keys but still schedules them;
	 * NTLM must use whatever key the password gives. */
	(void)des_set_key(&ctx, k);
	des_encrypt(&ctx, 8, out, in);
	ntlm_crypto_wipe(&ctx, sizeof(ctx));
	ntlm_crypto_wipe(k, sizeof(k));
}

static struct arcfour_ctx *rc4ctx(struct ntlm_rc4 *s)
{
	return (struct arcfour_ctx *)(void *)s->opaque;
}

void ntlm_crypto_rc4_init(struct ntlm_rc4 *s, const uint8_t *key, size_t key_len)
{
	memset(s, 0, sizeof(*s));
	arcfour_set_key(rc4ctx(s), key_len, key);
}

void ntlm_crypto_rc4(struct ntlm_rc4 *s, const uint8_t *in, uint8_t *out, size_t len)
{
	if (len)
		arcfour_crypt(rc4ctx(s), len, out, in);
}

void ntlm_crypto_rc4_clear(struct ntlm_rc4 *s)
{
	ntlm_crypto_wipe(s, sizeof(*s));
}

/* Both passes are nettle's own; the buffer goes through in chunks small
 * enough to stay in L1 between the MAC and the cipher. */
void ntlm_crypto_hmac_md5_rc4(struct ntlm_hmac_md5 *h, struct ntlm_rc4 *s, const uint8_t *in,
			      uint8_t *out, size_t len, bool encrypt)
{
	enum { CHUNK = 4096 };

	while (len) {
		size_t n = len < CHUNK ? len : CHUNK;
		if (encrypt) {
			hmac_md5_update(hmacctx(h), n, in);
			arcfour_crypt(rc4ctx(s), n, out, in);
		} else {
			arcfour_crypt(rc4ctx(s), n, out, in);
			hmac_md5_update(hmacctx(h), n, out);
		}
		in += n, out += n, len -= n;
	}
}

void ntlm_crypto_rc4k(const uint8_t *key, size_t key_len, const uint8_t *in, uint8_t *out,
		      size_t len)
{
	struct ntlm_rc4 s;
	ntlm_crypto_rc4_init(&s, key, key_len);
	ntlm_crypto_rc4(&s, in, out, len);
	ntlm_crypto_rc4_clear(&s);
}

bool ntlm_crypto_ct_eq(const void *a, const void *b, size_t len)
{
	return memeql_sec(a, b, len) != 0;
}

ntlm_status ntlm_crypto_random(void *out, size_t len)
{
	uint8_t *p = out;
	while (len > 0) {
		ssize_t got = getrandom(p, len, 0);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			return ntlm_err(NTLM_E_RANDOM, "getrandom: %s", strerror(errno));
		}
		p += got;
		len -= (size_t)got;
	}
	return NTLM_OK;
}
