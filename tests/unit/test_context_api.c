/* SPDX-License-Identifier: MIT */
/* api/common.c: password hashes, flag names, argument checks. */
#include <string.h>

#include "testutil.h"
#include "ntlmssp.h"

static void test_hashes(void **state)
{
	(void)state;
	uint8_t h[16];

	/* MS-NLMP 4.2.1 / 4.2.2 / 4.2.4 */
	assert_int_equal(ntlm_hash_nt("Password", h), NTLM_OK);
	assert_hex_equal(h, 16, "a4f49c406510bdcab6824ee7c30fd852");
	assert_int_equal(ntlm_hash_lm("Password", h), NTLM_OK);
	assert_hex_equal(h, 16, "e52cac67419a9a224a3b108f3fa6cb6d");
	assert_int_equal(ntlm_hash_ntv2("Password", "User", "Domain", h), NTLM_OK);
	assert_hex_equal(h, 16, "0c868a403bfd7a93a3001ef22ef02e3f");
	/* The Windows 7 capture (docs/vectors.md §7) */
	assert_int_equal(ntlm_hash_nt("P@ssw0rd", h), NTLM_OK);
	assert_hex_equal(h, 16, "e19ccf75ee54e06b06a5907af13cef42");
	assert_int_equal(ntlm_hash_ntv2("P@ssw0rd", "Administrator", "WS2008R2", h), NTLM_OK);
	assert_hex_equal(h, 16, "22fe5b1bc73d136282aef78e70c8dd58");
	/* The user is upper-cased, the domain is not. */
	assert_int_equal(ntlm_hash_ntv2("Password", "user", "Domain", h), NTLM_OK);
	assert_hex_equal(h, 16, "0c868a403bfd7a93a3001ef22ef02e3f");
	/* The empty password */
	assert_int_equal(ntlm_hash_nt("", h), NTLM_OK);
	assert_hex_equal(h, 16, "31d6cfe0d16ae931b73c59d7e0c089c0");
	assert_int_equal(ntlm_hash_lm("", h), NTLM_OK);
	assert_hex_equal(h, 16, "aad3b435b51404eeaad3b435b51404ee");
	assert_string_equal(ntlm_error_message(), "");
}

static void test_hash_errors(void **state)
{
	(void)state;
	uint8_t h[16];

	/* 15 OEM bytes: no LM hash; the output is zeroed */
	memset(h, 0xaa, sizeof(h));
	assert_int_equal(ntlm_hash_lm("123456789012345", h), NTLM_E_UNREPRESENTABLE);
	assert_hex_equal(h, 16, "00000000000000000000000000000000");
	assert_true(ntlm_error_message()[0] != '\0');
	/* the next call clears the detail */
	assert_int_equal(ntlm_hash_nt("x", h), NTLM_OK);
	assert_string_equal(ntlm_error_message(), "");

	assert_int_equal(ntlm_hash_nt("\xff", h), NTLM_E_BAD_STRING);
	assert_int_equal(ntlm_hash_nt(NULL, h), NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(ntlm_hash_nt("x", NULL), NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(ntlm_hash_lm(NULL, h), NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(ntlm_hash_lm("x", NULL), NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(ntlm_hash_ntv2(NULL, "u", "d", h), NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(ntlm_hash_ntv2("p", NULL, "d", h), NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(ntlm_hash_ntv2("p", "u", NULL, h), NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(ntlm_hash_ntv2("p", "u", "d", NULL), NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(ntlm_hash_ntv2("p", "\xff", "d", h), NTLM_E_BAD_STRING);
}

static void test_flag_names(void **state)
{
	(void)state;
	assert_string_equal(ntlm_flag_name(0x00000001), "NTLMSSP_NEGOTIATE_UNICODE");
	assert_string_equal(ntlm_flag_name(0x00080000),
			    "NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY");
	assert_string_equal(ntlm_flag_name(0x80000000), "NTLMSSP_NEGOTIATE_56");
	assert_null(ntlm_flag_name(0x00000008)); /* reserved r10 */
	assert_null(ntlm_flag_name(0));
	ntlm_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hashes),
		cmocka_unit_test(test_hash_errors),
		cmocka_unit_test(test_flag_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
