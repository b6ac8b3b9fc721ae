/* SPDX-License-Identifier: MIT */
/* auth: one-way functions for non-ASCII names, argument errors, KXKEY
 * precedence, MIC and channel-binding edge cases. The MS-NLMP 4.2 values
 * themselves are in tests/vectors. */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "auth/auth.h"
#include "crypto/crypto.h"
#include "wire/wire.h"

static const char *domain = "Domain";
static const uint8_t domain_u16[12] = { 'D', 0, 'o', 0, 'm', 0, 'a', 0, 'i', 0, 'n', 0 };

/* NTOWFv2 computed by hand: HMAC_MD5(NTOWFv1, upper_user_u16 || "Domain"). */
static void ntowfv2_by_hand(const uint8_t nt[16], const char *upper_u16_hex, uint8_t out[16])
{
	size_t n;
	uint8_t *u = t_hex(upper_u16_hex, &n);
	struct ntlm_iov v[2] = { { u, n }, { domain_u16, sizeof(domain_u16) } };
	ntlm_crypto_hmac_md5v(nt, 16, v, 2, out);
	free(u);
}

static void check_ntowfv2(const char *user, const char *upper_u16_hex)
{
	uint8_t nt[16], got[16], want[16];
	assert_int_equal(ntlm_auth_ntowfv1("Password", nt), NTLM_OK);
	assert_int_equal(ntlm_auth_ntowfv2(nt, user, domain, got), NTLM_OK);
	ntowfv2_by_hand(nt, upper_u16_hex, want);
	assert_bytes_equal(got, want, 16);
}

static void test_ntowfv2_full_case_mapping(void **state)
{
	(void)state;
	/* straße -> STRASSE: U+00DF maps to two letters */
	check_ntowfv2("stra\xc3\x9f"
		      "e",
		      "5300540052004100530053004500");
	check_ntowfv2("STRASSE", "5300540052004100530053004500");
	/* 山田たろう: kanji and kana have no case, the name is hashed as is */
	check_ntowfv2("\xe5\xb1\xb1\xe7\x94\xb0\xe3\x81\x9f\xe3\x82\x8d\xe3\x81\x86",
		      "715c30755f308d304630");
	/* пётр -> ПЁТР (U+043F U+0451 U+0442 U+0440 -> U+041F U+0401 U+0422 U+0420) */
	check_ntowfv2("\xd0\xbf\xd1\x91\xd1\x82\xd1\x80", "1f040104 22042004");
	/* σοφία -> ΣΟΦΊΑ (ί U+03AF -> Ί U+038A; no accent stripping without a
	 * language) */
	check_ntowfv2("\xcf\x83\xce\xbf\xcf\x86\xce\xaf\xce\xb1", "a3039f03a6038a039103");
}

/* The domain keeps its case (MS-NLMP 3.3.2 upper-cases only the user). */
static void test_ntowfv2_domain_case_kept(void **state)
{
	(void)state;
	uint8_t nt[16], a[16], b[16];
	assert_int_equal(ntlm_auth_ntowfv1("Password", nt), NTLM_OK);
	assert_int_equal(ntlm_auth_ntowfv2(nt, "User", "Domain", a), NTLM_OK);
	assert_int_equal(ntlm_auth_ntowfv2(nt, "user", "Domain", b), NTLM_OK);
	assert_bytes_equal(a, b, 16);
	assert_int_equal(ntlm_auth_ntowfv2(nt, "User", "DOMAIN", b), NTLM_OK);
	assert_false(ntlm_crypto_ct_eq16(a, b));
	assert_hex_equal(a, 16, "0c868a403bfd7a93a3001ef22ef02e3f"); /* MS-NLMP 4.2.4.1.1 */
}

static void test_owf_known(void **state)
{
	(void)state;
	uint8_t h[16];
	assert_int_equal(ntlm_auth_ntowfv1("", h), NTLM_OK);
	assert_hex_equal(h, 16, "31d6cfe0d16ae931b73c59d7e0c089c0");
	assert_int_equal(ntlm_auth_lmowfv1("", h), NTLM_OK);
	assert_hex_equal(h, 16, "aad3b435b51404eeaad3b435b51404ee");
	/* LM upper-cases first */
	assert_int_equal(ntlm_auth_lmowfv1("password", h), NTLM_OK);
	assert_hex_equal(h, 16, "e52cac67419a9a224a3b108f3fa6cb6d");
	/* a Latin-1 password goes through CP850 (é -> 0x90 after upper-casing to É) */
	uint8_t a[16], b[16];
	assert_int_equal(ntlm_auth_lmowfv1("\xc3\xa9t\xc3\xa9", a), NTLM_OK);
	assert_int_equal(ntlm_auth_lmowfv1("\xc3\x89T\xc3\x89", b), NTLM_OK);
	assert_bytes_equal(a, b, 16);
}

static void test_lmowf_limits(void **state)
{
	(void)state;
	uint8_t h[16];
	assert_int_equal(ntlm_auth_lmowfv1("abcdefghijklmn", h), NTLM_OK); /* 14 */
	memset(h, 0xa5, sizeof(h));
	assert_int_equal(ntlm_auth_lmowfv1("abcdefghijklmno", h), NTLM_E_UNREPRESENTABLE);
	for (int i = 0; i < 16; i++)
		assert_int_equal(h[i], 0); /* no half-computed hash is left behind */
	assert_non_null(strstr(ntlm_error_message(), "14"));
	/* no OEM form at all */
	assert_int_equal(ntlm_auth_lmowfv1("\xe4\xb8\xad", h), NTLM_E_UNREPRESENTABLE);
	/* NT hashes have no such limit */
	assert_int_equal(ntlm_auth_ntowfv1("abcdefghijklmno\xe4\xb8\xad", h), NTLM_OK);
}

static void test_bad_strings(void **state)
{
	(void)state;
	uint8_t nt[16] = { 0 }, h[16];
	assert_int_equal(ntlm_auth_ntowfv1("\xff", h), NTLM_E_BAD_STRING);
	assert_non_null(strstr(ntlm_error_message(), "password"));
	assert_int_equal(ntlm_auth_lmowfv1("ab\xc3", h), NTLM_E_BAD_STRING);
	assert_int_equal(ntlm_auth_ntowfv2(nt, "us\xc3(er", "D", h), NTLM_E_BAD_STRING);
	assert_non_null(strstr(ntlm_error_message(), "user"));
	assert_int_equal(ntlm_auth_ntowfv2(nt, "user", "\xed\xa0\x80", h), NTLM_E_BAD_STRING);
	assert_non_null(strstr(ntlm_error_message(), "domain"));
	assert_int_equal(ntlm_auth_ntowfv1(NULL, h), NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(ntlm_auth_lmowfv1(NULL, h), NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(ntlm_auth_ntowfv2(nt, NULL, "D", h), NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(ntlm_auth_ntowfv2(nt, "u", NULL, h), NTLM_E_INVALID_ARGUMENT);
}

static const uint8_t sc[8] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef };

static void kx(uint32_t flags, uint8_t out[16])
{
	uint8_t nt[16], lm[16], sbk[16], lmresp[24];
	assert_int_equal(ntlm_auth_ntowfv1("Password", nt), NTLM_OK);
	assert_int_equal(ntlm_auth_lmowfv1("Password", lm), NTLM_OK);
	ntlm_auth_session_base_key_v1(nt, sbk);
	ntlm_auth_ntlmv1_response(lm, sc, lmresp);
	ntlm_auth_kxkey_v1(flags, sbk, lm, lmresp, sc, out);
}

/* MS-NLMP 3.4.5.1: ESS, then LM_KEY, then REQUEST_NON_NT_SESSION_KEY. */
static void test_kxkey_precedence(void **state)
{
	(void)state;
	const uint32_t ess = NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY;
	const uint32_t lmk = NTLMSSP_NEGOTIATE_LM_KEY;
	const uint32_t nonnt = NTLMSSP_REQUEST_NON_NT_SESSION_KEY;
	uint8_t k_ess[16], k_lm[16], k_nonnt[16], k_plain[16], k[16];

	kx(ess, k_ess);
	kx(lmk, k_lm);
	kx(nonnt, k_nonnt);
	kx(0, k_plain);
	assert_hex_equal(k_lm, 16, "b09e379f7fbecb1eaf0afdcb0383c8a0");
	assert_hex_equal(k_nonnt, 16, "e52cac67419a9a220000000000000000");
	assert_hex_equal(k_plain, 16, "d87262b0cde4b1cb7499becccdf10784");
	assert_false(ntlm_crypto_ct_eq16(k_ess, k_lm));

	kx(ess | lmk, k);
	assert_bytes_equal(k, k_ess, 16);
	kx(ess | nonnt, k);
	assert_bytes_equal(k, k_ess, 16);
	kx(ess | lmk | nonnt, k);
	assert_bytes_equal(k, k_ess, 16);
	kx(lmk | nonnt, k);
	assert_bytes_equal(k, k_lm, 16);
	/* unrelated flags change nothing */
	kx(nonnt | NTLMSSP_NEGOTIATE_SEAL | NTLMSSP_NEGOTIATE_KEY_EXCH, k);
	assert_bytes_equal(k, k_nonnt, 16);
}

/* Outputs may alias inputs. */
static void test_aliasing(void **state)
{
	(void)state;
	uint8_t nt[16], sbk[16], buf[24], want[24];
	const uint8_t cc[8] = { 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa };

	assert_int_equal(ntlm_auth_ntowfv1("Password", nt), NTLM_OK);
	ntlm_auth_session_base_key_v1(nt, sbk);
	memcpy(buf, sbk, 16);
	ntlm_auth_kxkey_v1(0, buf, NULL, buf, sc, buf);
	assert_bytes_equal(buf, sbk, 16);

	memcpy(buf, nt, 16);
	ntlm_auth_session_base_key_v1(buf, buf);
	assert_bytes_equal(buf, sbk, 16);

	ntlm_auth_lmv2_response(nt, sc, cc, want);
	memcpy(buf, cc, 8);
	ntlm_auth_lmv2_response(nt, sc, buf, buf);
	assert_bytes_equal(buf, want, 24);

	uint8_t key[16], enc[16];
	memset(key, 0x55, 16);
	ntlm_auth_key_exchange(sbk, key, enc);
	ntlm_auth_key_exchange(sbk, enc, enc);
	assert_bytes_equal(enc, key, 16);
}

static void test_desl(void **state)
{
	(void)state;
	uint8_t nt[16], a[24], b[24];
	assert_int_equal(ntlm_auth_ntowfv1("Password", nt), NTLM_OK);
	ntlm_auth_desl(nt, sc, a);
	ntlm_auth_ntlmv1_response(nt, sc, b);
	assert_bytes_equal(a, b, 24);
	assert_hex_equal(a, 24, "67c43011f30298a2ad35ece64f16331c44bdbed927841f94");
	/* the third block only uses K[14..15] */
	uint8_t k7[7] = { nt[14], nt[15], 0, 0, 0, 0, 0 }, blk[8];
	ntlm_crypto_des7(k7, sc, blk);
	assert_bytes_equal(a + 16, blk, 8);
}

static void test_mic_offsets(void **state)
{
	(void)state;
	uint8_t key[16] = { 1 }, auth[100], mic[16];
	memset(auth, 0x33, sizeof(auth));
	const uint8_t neg[4] = { 1, 2, 3, 4 }, chal[3] = { 5, 6, 7 };

	assert_int_equal(ntlm_auth_mic(key, neg, 4, chal, 3, auth, 100, 84, mic), NTLM_OK);
	assert_int_equal(ntlm_auth_mic(key, neg, 4, chal, 3, auth, 100, 0, mic), NTLM_OK);
	assert_int_equal(ntlm_auth_mic(key, neg, 4, chal, 3, auth, 100, 85, mic),
			 NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(ntlm_auth_mic(key, neg, 4, chal, 3, auth, 100, 100, mic),
			 NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(ntlm_auth_mic(key, neg, 4, chal, 3, auth, 100, 1000, mic),
			 NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(ntlm_auth_mic(key, neg, 4, chal, 3, auth, 100, SIZE_MAX - 8, mic),
			 NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(ntlm_auth_mic(key, neg, 4, chal, 3, auth, 15, 0, mic),
			 NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(ntlm_auth_mic(key, neg, 4, chal, 3, NULL, 0, 0, mic),
			 NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(ntlm_auth_mic(key, NULL, 4, chal, 3, auth, 100, 72, mic),
			 NTLM_E_INVALID_ARGUMENT);
}

/* The MIC field's contents are ignored (taken as zero), and the rest of the
 * message is hashed unchanged. */
static void test_mic_field_as_zero(void **state)
{
	(void)state;
	uint8_t key[16], auth[120], copy[120], a[16], b[16], want[16];
	const uint8_t neg[5] = { 'n', 'e', 'g', 'o', 0 }, chal[6] = { 'c', 'h', 'a', 'l', 'l', 0 };
	for (size_t i = 0; i < sizeof(auth); i++)
		auth[i] = (uint8_t)(i * 7 + 3);
	memset(key, 0x42, sizeof(key));
	memcpy(copy, auth, sizeof(auth));

	assert_int_equal(ntlm_auth_mic(key, neg, 5, chal, 6, auth, 120, 72, a), NTLM_OK);
	assert_bytes_equal(auth, copy, sizeof(auth)); /* input untouched */
	memset(auth + 72, 0xff, 16);
	assert_int_equal(ntlm_auth_mic(key, neg, 5, chal, 6, auth, 120, 72, b), NTLM_OK);
	assert_bytes_equal(a, b, 16);

	memset(copy + 72, 0, 16);
	struct ntlm_iov v[3] = { { neg, 5 }, { chal, 6 }, { copy, 120 } };
	ntlm_crypto_hmac_md5v(key, 16, v, 3, want);
	assert_bytes_equal(a, want, 16);

	/* a MIC at the very end */
	assert_int_equal(ntlm_auth_mic(key, NULL, 0, NULL, 0, copy, 120, 104, a), NTLM_OK);
	memset(copy + 104, 0, 16);
	ntlm_crypto_hmac_md5(key, 16, copy, 120, want);
	assert_bytes_equal(a, want, 16);
}

static void test_cbt(void **state)
{
	(void)state;
	uint8_t got[16], want[16];
	const uint8_t zero20[20] = { 0 };
	struct ntlm_auth_cb cb = { 0 };

	/* no bindings at all: MD5 of five zero u32s */
	ntlm_auth_cbt_hash(&cb, got);
	ntlm_crypto_md5(zero20, 20, want);
	assert_bytes_equal(got, want, 16);

	/* addresses are hashed with their type and length, in order */
	const uint8_t ia[4] = { 10, 0, 0, 1 }, aa[4] = { 10, 0, 0, 2 }, app[3] = { 'x', 'y', 'z' };
	cb.initiator_addrtype = 2;
	cb.initiator_address = ia;
	cb.initiator_address_len = 4;
	cb.acceptor_addrtype = 2;
	cb.acceptor_address = aa;
	cb.acceptor_address_len = 4;
	cb.application_data = app;
	cb.application_data_len = 3;
	ntlm_auth_cbt_hash(&cb, got);
	size_t n;
	uint8_t *ser = t_hex("02000000 04000000 0a000001 02000000 04000000 0a000002"
			     " 03000000 78797a",
			     &n);
	assert_int_equal(n, 31);
	ntlm_crypto_md5(ser, n, want);
	free(ser);
	assert_bytes_equal(got, want, 16);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ntowfv2_full_case_mapping),
		cmocka_unit_test(test_ntowfv2_domain_case_kept),
		cmocka_unit_test(test_owf_known),
		cmocka_unit_test(test_lmowf_limits),
		cmocka_unit_test(test_bad_strings),
		cmocka_unit_test(test_kxkey_precedence),
		cmocka_unit_test(test_aliasing),
		cmocka_unit_test(test_desl),
		cmocka_unit_test(test_mic_offsets),
		cmocka_unit_test(test_mic_field_as_zero),
		cmocka_unit_test(test_cbt),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
