/* SPDX-License-Identifier: MIT */
/* crypto: known-answer tests of the nettle adapter and CRC32. */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "crypto/crypto.h"

static void md4_hex(const char *s, const char *want)
{
	uint8_t out[16];
	ntlm_crypto_md4(s, strlen(s), out);
	assert_hex_equal(out, 16, want);
}

/* RFC 1320 A.5 */
static void test_md4(void **state)
{
	(void)state;
	md4_hex("", "31d6cfe0d16ae931b73c59d7e0c089c0");
	md4_hex("a", "bde52cb31de33e46245e05fbdbd6fb24");
	md4_hex("abc", "a448017aaf21d8525fc10ae87aa6729d");
	md4_hex("message digest", "d9130a8164549fe818874806e1c7014b");
	md4_hex("abcdefghijklmnopqrstuvwxyz", "d79e1c308aa5bbcdeea8ed63df412da9");
	md4_hex("12345678901234567890123456789012345678901234567890123456789012345678901234567890",
		"e33b4ddc9c38f2199c3e7b164fcc0536");
}

static void md5_hex(const char *s, const char *want)
{
	uint8_t out[16];
	ntlm_crypto_md5(s, strlen(s), out);
	assert_hex_equal(out, 16, want);
}

/* RFC 1321 A.5 */
static void test_md5(void **state)
{
	(void)state;
	md5_hex("", "d41d8cd98f00b204e9800998ecf8427e");
	md5_hex("a", "0cc175b9c0f1b6a831c399e269772661");
	md5_hex("abc", "900150983cd24fb0d6963f7d28e17f72");
	md5_hex("message digest", "f96b697d7cb7938d525a2f31aaf161d0");
	md5_hex("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b");
	md5_hex("12345678901234567890123456789012345678901234567890123456789012345678901234567890",
		"57edf4a22be3c955ac49da2e2107b67a");
}

/* The iovec form hashes the concatenation, whatever the split. */
static void test_md5v_split(void **state)
{
	(void)state;
	const char *s = "message digest";
	uint8_t out[16];
	struct ntlm_iov v[4] = { { s, 3 }, { "", 0 }, { s + 3, 5 }, { s + 8, 6 } };
	ntlm_crypto_md5v(v, 4, out);
	assert_hex_equal(out, 16, "f96b697d7cb7938d525a2f31aaf161d0");
	ntlm_crypto_md5v(v, 0, out);
	assert_hex_equal(out, 16, "d41d8cd98f00b204e9800998ecf8427e");
}

/* RFC 2202 section 2, test cases 1 and 2 (and 3, a 50-byte message). */
static void test_hmac_md5(void **state)
{
	(void)state;
	uint8_t key[16], out[16], data[50];

	memset(key, 0x0b, sizeof(key));
	ntlm_crypto_hmac_md5(key, 16, "Hi There", 8, out);
	assert_hex_equal(out, 16, "9294727a3638bb1c13f48ef8158bfc9d");

	ntlm_crypto_hmac_md5((const uint8_t *)"Jefe", 4, "what do ya want for nothing?", 28, out);
	assert_hex_equal(out, 16, "750c783e6ab0b503eaa86e310a5db738");
	struct ntlm_iov v[3] = { { "what do ya ", 11 }, { "want for ", 9 }, { "nothing?", 8 } };
	ntlm_crypto_hmac_md5v((const uint8_t *)"Jefe", 4, v, 3, out);
	assert_hex_equal(out, 16, "750c783e6ab0b503eaa86e310a5db738");

	memset(key, 0xaa, sizeof(key));
	memset(data, 0xdd, sizeof(data));
	ntlm_crypto_hmac_md5(key, 16, data, sizeof(data), out);
	assert_hex_equal(out, 16, "56be34521d144c88dbb8c733f0e8b3f6");
}

/* DES with the 7-to-8-byte key expansion of MS-NLMP 6: the two halves of
 * LMOWFv1("Password") (docs/vectors.md §1, §2). */
static void test_des7(void **state)
{
	(void)state;
	const uint8_t kgs[8] = { 'K', 'G', 'S', '!', '@', '#', '$', '%' };
	const uint8_t k1[7] = { 'P', 'A', 'S', 'S', 'W', 'O', 'R' };
	const uint8_t k2[7] = { 'D', 0, 0, 0, 0, 0, 0 };
	const uint8_t zero[7] = { 0 };
	uint8_t out[8];

	ntlm_crypto_des7(k1, kgs, out);
	assert_hex_equal(out, 8, "e52cac67419a9a22");
	ntlm_crypto_des7(k2, kgs, out);
	assert_hex_equal(out, 8, "4a3b108f3fa6cb6d");
	/* the empty password's half (LM hash of "": aad3b435b51404ee twice) */
	ntlm_crypto_des7(zero, kgs, out);
	assert_hex_equal(out, 8, "aad3b435b51404ee");
	/* in place */
	memcpy(out, kgs, 8);
	ntlm_crypto_des7(k1, out, out);
	assert_hex_equal(out, 8, "e52cac67419a9a22");
}

/* RFC 6229, key 0x0102030405, keystream offset 0. */
static void test_rc4(void **state)
{
	(void)state;
	const uint8_t key[5] = { 1, 2, 3, 4, 5 };
	uint8_t zero[32] = { 0 }, out[32], out2[32];
	struct ntlm_rc4 s;

	ntlm_crypto_rc4k(key, 5, zero, out, 16);
	assert_hex_equal(out, 16, "b2396305f03dc027ccc3524a0a1118a8");
	/* RFC 6229 offset 16 */
	ntlm_crypto_rc4k(key, 5, zero, out, 32);
	assert_hex_equal(out + 16, 16, "6982944f18fc82d589c403a47a0d0919");

	/* the streaming form continues where it left off */
	ntlm_crypto_rc4_init(&s, key, 5);
	ntlm_crypto_rc4(&s, zero, out2, 3);
	ntlm_crypto_rc4(&s, zero, out2 + 3, 0);
	ntlm_crypto_rc4(&s, zero, out2 + 3, 29);
	assert_bytes_equal(out2, out, 32);
	ntlm_crypto_rc4_clear(&s);
	for (size_t i = 0; i < sizeof(s.opaque); i++)
		assert_int_equal(s.opaque[i], 0);

	/* in place, and its own inverse */
	memcpy(out2, out, 32);
	ntlm_crypto_rc4k(key, 5, out2, out2, 32);
	assert_bytes_equal(out2, zero, 32);
}

static void test_crc32(void **state)
{
	(void)state;
	assert_int_equal(ntlm_crypto_crc32((const uint8_t *)"123456789", 9), 0xcbf43926u);
	assert_int_equal(ntlm_crypto_crc32((const uint8_t *)"", 0), 0);
	/* MS-NLMP 4.2.2.4: CRC32 of "Plaintext" in UTF-16LE, bytes 7d84aa93 */
	const uint8_t pt[18] = { 'P', 0,   'l', 0,   'a', 0,   'i', 0,	 'n',
				 0,   't', 0,	'e', 0,	  'x', 0,   't', 0 };
	assert_int_equal(ntlm_crypto_crc32(pt, sizeof(pt)), 0x93aa847du);
}

static void test_ct_eq(void **state)
{
	(void)state;
	uint8_t a[16], b[16];
	for (int i = 0; i < 16; i++)
		a[i] = b[i] = (uint8_t)(i * 17);
	assert_true(ntlm_crypto_ct_eq16(a, b));
	assert_true(ntlm_crypto_ct_eq(a, b, 0));
	for (int i = 0; i < 16; i++) {
		for (int bit = 0; bit < 8; bit++) {
			b[i] ^= (uint8_t)(1u << bit);
			assert_false(ntlm_crypto_ct_eq16(a, b));
			b[i] ^= (uint8_t)(1u << bit);
		}
	}
	assert_true(ntlm_crypto_ct_eq(a, b, 16));
	b[15] ^= 1;
	assert_true(ntlm_crypto_ct_eq(a, b, 15));
	assert_false(ntlm_crypto_ct_eq(a, b, 16));
}

static void test_random(void **state)
{
	(void)state;
	uint8_t a[16] = { 0 }, b[16] = { 0 };
	assert_int_equal(ntlm_crypto_random(a, sizeof(a)), NTLM_OK);
	assert_int_equal(ntlm_crypto_random(b, sizeof(b)), NTLM_OK);
	assert_false(ntlm_crypto_ct_eq16(a, b));
	assert_int_equal(ntlm_crypto_random(a, 0), NTLM_OK);
}

static void test_wipe(void **state)
{
	(void)state;
	uint8_t a[7];
	memset(a, 0xa5, sizeof(a));
	ntlm_crypto_wipe(a, sizeof(a));
	for (size_t i = 0; i < sizeof(a); i++)
		assert_int_equal(a[i], 0);
	ntlm_crypto_wipe(NULL, 5);
	ntlm_crypto_wipe(a, 0);
}

/* Keyed HMAC-MD5 (key set once, reused) equals the one-shot form, and the
 * chunked HMAC-MD5 + RC4 pass equals the two done one after the other, for
 * every length around the MD5 block, after prefixes that leave the MD5
 * buffer part-full, encrypting and decrypting, in place and not. */
static void test_hmac_md5_rc4(void **state)
{
	(void)state;
	static const uint8_t key[16] = "0123456789abcdef", rkey[16] = "fedcba9876543210";
	static const size_t prefixes[] = { 0, 4, 63, 64, 65 };
	static uint8_t msg[1100], a[1100], b[1100];
	uint8_t want[16], got[16];

	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 131 + 7);
	for (size_t pi = 0; pi < ARRAY_SIZE(prefixes); pi++) {
		size_t pre = prefixes[pi];
		for (size_t len = 0; len <= 1030; len += (len < 260 ? 1 : 77)) {
			for (int mode = 0; mode < 4; mode++) {
				bool enc = mode & 1, inplace = mode & 2;
				struct ntlm_hmac_md5 h1, h2;
				struct ntlm_rc4 r1, r2;
				ntlm_crypto_hmac_md5_key(&h1, key, 16);
				ntlm_crypto_hmac_md5_key(&h2, key, 16);
				ntlm_crypto_rc4_init(&r1, rkey, 16);
				ntlm_crypto_rc4_init(&r2, rkey, 16);
				ntlm_crypto_hmac_md5_update(&h1, msg, pre);
				ntlm_crypto_hmac_md5_update(&h2, msg, pre);
				/* reference: two passes */
				if (enc) {
					ntlm_crypto_hmac_md5_update(&h1, msg, len);
					ntlm_crypto_rc4(&r1, msg, a, len);
				} else {
					ntlm_crypto_rc4(&r1, msg, a, len);
					ntlm_crypto_hmac_md5_update(&h1, a, len);
				}
				ntlm_crypto_hmac_md5_digest(&h1, want);
				/* chunked */
				memcpy(b, msg, len);
				ntlm_crypto_hmac_md5_rc4(&h2, &r2, inplace ? b : msg, b, len, enc);
				ntlm_crypto_hmac_md5_digest(&h2, got);
				assert_memory_equal(want, got, 16);
				if (len)
					assert_memory_equal(a, b, len);
				/* both contexts are keyed again, RC4 streams in step */
				ntlm_crypto_hmac_md5_update(&h1, msg, 5);
				ntlm_crypto_hmac_md5_update(&h2, msg, 5);
				ntlm_crypto_hmac_md5_digest(&h1, want);
				ntlm_crypto_hmac_md5_digest(&h2, got);
				assert_memory_equal(want, got, 16);
				struct ntlm_iov v = { msg, 5 };
				ntlm_crypto_hmac_md5v(key, 16, &v, 1, got);
				assert_memory_equal(want, got, 16);
				ntlm_crypto_rc4(&r1, msg, a, 3);
				ntlm_crypto_rc4(&r2, msg, b, 3);
				assert_memory_equal(a, b, 3);
				ntlm_crypto_hmac_md5_clear(&h1);
				ntlm_crypto_hmac_md5_clear(&h2);
			}
		}
	}
}

/* crypto/base64.c: strict base64 over nettle. RFC 4648 section 10 vectors,
 * then one row per rule the strict check adds to nettle's lenient decoder. */
static void test_base64_strict(void **state)
{
	(void)state;
	static const char *const rfc[][2] = {
		{ "", "" },
		{ "f", "Zg==" },
		{ "fo", "Zm8=" },
		{ "foo", "Zm9v" },
		{ "foob", "Zm9vYg==" },
		{ "fooba", "Zm9vYmE=" },
		{ "foobar", "Zm9vYmFy" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(rfc); i++) {
		char *e = NULL;
		uint8_t *d = NULL;
		size_t n = 99;
		assert_int_equal(ntlm_crypto_base64_encode((const uint8_t *)rfc[i][0],
							   strlen(rfc[i][0]), &e),
				 NTLM_OK);
		assert_string_equal(e, rfc[i][1]);
		assert_int_equal(ntlm_crypto_base64_decode(e, strlen(e), 100, &d, &n), NTLM_OK);
		assert_int_equal(n, strlen(rfc[i][0]));
		assert_memory_equal(d, rfc[i][0], n);
		free(e);
		free(d);
	}
	/* each rejected with NTLM_E_BAD_ENCODING and the reason in the detail */
	static const struct {
		const char *in, *why;
	} bad[] = {
		/* whitespace inside (nettle skips it) */
		{ "Zm9v YmFy", "whitespace at offset 4" },
		{ "Zm9v\nYmFy", "whitespace at offset 4" },
		{ "Zm9vYmFy\t", "whitespace at offset 8" },
		/* bad padding: missing, too much, inside, before data */
		{ "Zg", "not a multiple of 4" },
		{ "Zm9vYg=", "misplaced '='" },
		{ "Z===", "misplaced '='" },
		{ "Zg=a", "misplaced '='" },
		{ "Zg==Zg==", "misplaced '='" },
		{ "=Zm9", "misplaced '='" },
		/* non-canonical trailing bits: "Zh==" and "Zm9=" decode to "f" and
		 * "fo" in a lenient decoder */
		{ "Zh==", "non-zero padding bits" },
		{ "Zm9=", "non-zero padding bits" },
		{ "Zm9vYh==", "non-zero padding bits" },
		/* outside the alphabet: base64url, NUL, high bytes */
		{ "Zm-v", "byte 0x2d at offset 2 is not in the alphabet" },
		{ "Zm_v", "byte 0x5f at offset 2 is not in the alphabet" },
		{ "Zm9\xc3", "byte 0xc3 at offset 3 is not in the alphabet" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		uint8_t *d = (uint8_t *)"x";
		size_t n = 99;
		assert_int_equal(
			ntlm_crypto_base64_decode(bad[i].in, strlen(bad[i].in), 100, &d, &n),
			NTLM_E_BAD_ENCODING);
		assert_null(d);
		assert_int_equal(n, 0);
		if (!strstr(ntlm_error_message(), bad[i].why))
			fail_msg("%s: \"%s\", want \"%s\"", bad[i].in, ntlm_error_message(),
				 bad[i].why);
	}
	/* an embedded NUL is a byte outside the alphabet, not an end */
	uint8_t *d = NULL;
	size_t n = 0;
	assert_int_equal(ntlm_crypto_base64_decode("Zm\0v", 4, 100, &d, &n), NTLM_E_BAD_ENCODING);
	/* the limit is checked before allocating */
	assert_int_equal(ntlm_crypto_base64_decode("Zm9vYmFy", 8, 5, &d, &n),
			 NTLM_E_TOKEN_TOO_LARGE);
	assert_null(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_md4),	     cmocka_unit_test(test_md5),
		cmocka_unit_test(test_md5v_split),   cmocka_unit_test(test_hmac_md5),
		cmocka_unit_test(test_des7),	     cmocka_unit_test(test_rc4),
		cmocka_unit_test(test_crc32),	     cmocka_unit_test(test_ct_eq),
		cmocka_unit_test(test_random),	     cmocka_unit_test(test_wipe),
		cmocka_unit_test(test_hmac_md5_rc4), cmocka_unit_test(test_base64_strict),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
