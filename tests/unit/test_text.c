/* SPDX-License-Identifier: MIT */
/* text: UTF-8 <-> UTF-16LE, full case mapping, the OEM code page. */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "text/text.h"

static void to16(const char *s, const char *want_hex)
{
	uint8_t *u;
	size_t n;
	assert_int_equal(ntlm_text_utf8_to_utf16le(s, &u, &n), NTLM_OK);
	assert_hex_equal(u, n, want_hex);
	char *back;
	assert_int_equal(ntlm_text_utf16le_to_utf8(u, n, &back, "test"), NTLM_OK);
	assert_string_equal(back, s);
	assert_int_equal(ntlm_text_utf16le_check(u, n, "test"), NTLM_OK);
	free(back);
	ntlm_text_free_secret(u, n);
}

static void test_utf16_round_trip(void **state)
{
	(void)state;
	to16("", "");
	to16("User", "5500730065007200");
	to16("Password", "500061007300730077006f0072006400");
	to16("\xc3\xa9\xe2\x82\xac", "e900ac20");     /* é € */
	to16("\xe5\xb1\xb1\xe7\x94\xb0", "715c3075"); /* 山田 */
	to16("\xf0\x9f\x98\x80", "3dd800de");	      /* U+1F600, a surrogate pair */
	to16("a\xf0\x9f\x98\x80z", "61003dd800de7a00");
}

static void test_utf16_bad(void **state)
{
	(void)state;
	char *s = NULL;
	const uint8_t odd[3] = { 'a', 0, 'b' };
	const uint8_t lone_hi[4] = { 'a', 0, 0x3d, 0xd8 }; /* high surrogate at the end */
	const uint8_t lone_lo[4] = { 0x00, 0xde, 'a', 0 }; /* low surrogate first */
	const uint8_t hi_hi[4] = { 0x3d, 0xd8, 0x3d, 0xd8 };

	assert_int_equal(ntlm_text_utf16le_to_utf8(odd, 3, &s, "f"), NTLM_E_UTF16_ODD_LENGTH);
	assert_null(s);
	assert_int_equal(ntlm_text_utf16le_check(odd, 3, "f"), NTLM_E_UTF16_ODD_LENGTH);
	assert_int_equal(ntlm_text_utf16le_to_utf8(lone_hi, 4, &s, "f"), NTLM_E_UTF16_INVALID);
	assert_int_equal(ntlm_text_utf16le_check(lone_lo, 4, "UserName"), NTLM_E_UTF16_INVALID);
	assert_non_null(strstr(ntlm_error_message(), "UserName"));
	assert_int_equal(ntlm_text_utf16le_check(hi_hi, 4, "f"), NTLM_E_UTF16_INVALID);
	assert_int_equal(ntlm_text_utf16le_check(odd, 0, "f"), NTLM_OK);
}

static void test_utf8_bad(void **state)
{
	(void)state;
	uint8_t *u = NULL;
	size_t n = 99;
	char *s = NULL;
	const char *bad[] = {
		"\xff",
		"a\xc3",
		"\xc3(",
		"\xe2\x82",
		"\xed\xa0\x80" /* encoded surrogate */,
		"\xc0\xaf" /* overlong */,
		"\xf4\x90\x80\x80" /* > U+10FFFF */,
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(ntlm_text_utf8_to_utf16le(bad[i], &u, &n), NTLM_E_BAD_STRING);
		assert_null(u);
		assert_int_equal(n, 0);
		assert_int_equal(ntlm_text_upper(bad[i], &s), NTLM_E_BAD_STRING);
		assert_null(s);
		assert_int_equal(ntlm_text_utf8_to_oem(bad[i], &u, &n), NTLM_E_BAD_STRING);
	}
}

static void upper(const char *s, const char *want)
{
	char *u;
	assert_int_equal(ntlm_text_upper(s, &u), NTLM_OK);
	assert_string_equal(u, want);
	ntlm_text_free_secret(u, strlen(u));
}

static void test_upper(void **state)
{
	(void)state;
	upper("", "");
	upper("straße", "STRASSE"); /* full mapping: U+00DF -> "SS" */
	upper("User", "USER");
	upper("\xe5\xb1\xb1\xe7\x94\xb0\xe3\x81\x9f\xe3\x82\x8d\xe3\x81\x86",
	      "\xe5\xb1\xb1\xe7\x94\xb0\xe3\x81\x9f\xe3\x82\x8d\xe3\x81\x86"); /* caseless */
	/* пётр -> ПЁТР */
	upper("\xd0\xbf\xd1\x91\xd1\x82\xd1\x80", "\xd0\x9f\xd0\x81\xd0\xa2\xd0\xa0");
	upper("\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80");
}

static void test_oem(void **state)
{
	(void)state;
	uint8_t *o = NULL;
	size_t n = 0;
	char *s = NULL;

	assert_int_equal(ntlm_text_utf8_to_oem("\xc3\xa9", &o, &n), NTLM_OK); /* é */
	assert_hex_equal(o, n, "82");
	ntlm_text_free_secret(o, n);
	assert_int_equal(ntlm_text_utf8_to_oem("PASSWORD", &o, &n), NTLM_OK);
	assert_hex_equal(o, n, "50415353574f5244");
	ntlm_text_free_secret(o, n);
	assert_int_equal(ntlm_text_utf8_to_oem("", &o, &n), NTLM_OK);
	assert_int_equal(n, 0);
	ntlm_text_free_secret(o, n);

	o = NULL;
	assert_int_equal(ntlm_text_utf8_to_oem("a\xe4\xb8\xad", &o, &n), /* U+4E2D */
			 NTLM_E_UNREPRESENTABLE);
	assert_null(o);

	const uint8_t e[2] = { 0x82, 'x' };
	assert_int_equal(ntlm_text_oem_to_utf8(e, 2, &s), NTLM_OK);
	assert_string_equal(s, "\xc3\xa9x");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf16_round_trip),
		cmocka_unit_test(test_utf16_bad),
		cmocka_unit_test(test_utf8_bad),
		cmocka_unit_test(test_upper),
		cmocka_unit_test(test_oem),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
