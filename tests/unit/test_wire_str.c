/* SPDX-License-Identifier: MIT */
/* wire: strings on the wire (UTF-16LE when UNICODE, else the OEM code page). */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "wire/wire.h"

static void roundtrip(const char *s, bool unicode, const char *hex)
{
	uint8_t *b;
	size_t len;
	char *back;
	assert_int_equal(ntlm_wire_str_from_utf8(s, unicode, &b, &len), NTLM_OK);
	assert_hex_equal(b, len, hex);
	struct ntlm_slice sl = { b, len };
	assert_int_equal(ntlm_wire_str_to_utf8(sl, unicode, &back, "Test"), NTLM_OK);
	assert_string_equal(back, s);
	free(back);
	free(b);
}

static void test_roundtrip(void **state)
{
	(void)state;
	roundtrip("User", true, "5500730065007200");
	roundtrip("User", false, "55736572");
	/* U+00DC (CP850 0x9a), U+1F600 as a surrogate pair */
	roundtrip("\xc3\x9c", true, "dc00");
	roundtrip("\xc3\x9c", false, "9a");
	roundtrip("\xf0\x9f\x98\x80", true, "3dd800de");
	roundtrip("", true, "");
	roundtrip("", false, "");
}

static void test_empty_slice(void **state)
{
	(void)state;
	struct ntlm_slice none = { NULL, 0 };
	char *s;
	assert_int_equal(ntlm_wire_str_to_utf8(none, true, &s, "Test"), NTLM_OK);
	assert_string_equal(s, "");
	free(s);
	assert_int_equal(ntlm_wire_str_to_utf8(none, false, &s, "Test"), NTLM_OK);
	assert_string_equal(s, "");
	free(s);
}

static void test_errors(void **state)
{
	(void)state;
	static const uint8_t odd[3] = { 0x41, 0x00, 0x42 };
	static const uint8_t lone[4] = { 0x41, 0x00, 0x00, 0xd8 };
	struct ntlm_slice s = { odd, sizeof(odd) };
	uint8_t *b;
	size_t len;
	char *u;

	assert_int_equal(ntlm_wire_str_to_utf8(s, true, &u, "UserName"), NTLM_E_UTF16_ODD_LENGTH);
	assert_null(u);
	assert_non_null(strstr(ntlm_error_message(), "UserName"));
	s.p = lone;
	s.len = sizeof(lone);
	assert_int_equal(ntlm_wire_str_to_utf8(s, true, &u, "DomainName"), NTLM_E_UTF16_INVALID);
	assert_non_null(strstr(ntlm_error_message(), "DomainName"));
	/* the euro sign has no CP850 form */
	assert_int_equal(ntlm_wire_str_from_utf8("\xe2\x82\xac", false, &b, &len),
			 NTLM_E_UNREPRESENTABLE);
	assert_null(b);
	assert_int_equal(ntlm_wire_str_from_utf8("\xff", true, &b, &len), NTLM_E_BAD_STRING);
	assert_int_equal(ntlm_wire_str_from_utf8("\xff", false, &b, &len), NTLM_E_BAD_STRING);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_empty_slice),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
