/* SPDX-License-Identifier: MIT */
/* wire: the NegotiateFlags name table (MS-NLMP 2.2.2.5) and its formatter. */
#include <string.h>

#include "testutil.h"
#include "wire/wire.h"

static void test_names(void **state)
{
	(void)state;
	static const struct {
		uint32_t bit;
		const char *name;
	} t[] = {
		{ 0x00000001, "NTLMSSP_NEGOTIATE_UNICODE" },
		{ 0x00000002, "NTLM_NEGOTIATE_OEM" },
		{ 0x00000004, "NTLMSSP_REQUEST_TARGET" },
		{ 0x00000010, "NTLMSSP_NEGOTIATE_SIGN" },
		{ 0x00000020, "NTLMSSP_NEGOTIATE_SEAL" },
		{ 0x00000040, "NTLMSSP_NEGOTIATE_DATAGRAM" },
		{ 0x00000080, "NTLMSSP_NEGOTIATE_LM_KEY" },
		{ 0x00000200, "NTLMSSP_NEGOTIATE_NTLM" },
		{ 0x00000800, "NTLMSSP_ANONYMOUS" },
		{ 0x00001000, "NTLMSSP_NEGOTIATE_OEM_DOMAIN_SUPPLIED" },
		{ 0x00002000, "NTLMSSP_NEGOTIATE_OEM_WORKSTATION_SUPPLIED" },
		{ 0x00008000, "NTLMSSP_NEGOTIATE_ALWAYS_SIGN" },
		{ 0x00010000, "NTLMSSP_TARGET_TYPE_DOMAIN" },
		{ 0x00020000, "NTLMSSP_TARGET_TYPE_SERVER" },
		{ 0x00080000, "NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY" },
		{ 0x00100000, "NTLMSSP_NEGOTIATE_IDENTIFY" },
		{ 0x00400000, "NTLMSSP_REQUEST_NON_NT_SESSION_KEY" },
		{ 0x00800000, "NTLMSSP_NEGOTIATE_TARGET_INFO" },
		{ 0x02000000, "NTLMSSP_NEGOTIATE_VERSION" },
		{ 0x20000000, "NTLMSSP_NEGOTIATE_128" },
		{ 0x40000000, "NTLMSSP_NEGOTIATE_KEY_EXCH" },
		{ 0x80000000, "NTLMSSP_NEGOTIATE_56" },
	};
	uint32_t named = 0;
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		assert_string_equal(ntlm_wire_flag_name(t[i].bit), t[i].name);
		named |= t[i].bit;
	}
	/* the ten reserved bits r1..r10 have no name */
	assert_int_equal(~named, 0x1d244508u);
	for (unsigned i = 0; i < 32; i++)
		if (~named & (1u << i))
			assert_null(ntlm_wire_flag_name(1u << i));
	/* not a single bit */
	assert_null(ntlm_wire_flag_name(0));
	assert_null(ntlm_wire_flag_name(3));
}

static void test_format(void **state)
{
	(void)state;
	char buf[1024];
	assert_string_equal(ntlm_wire_flags_format(0, buf, sizeof(buf)), "0");
	assert_string_equal(ntlm_wire_flags_format(0x0000000d, buf, sizeof(buf)),
			    "NTLMSSP_NEGOTIATE_UNICODE|NTLMSSP_REQUEST_TARGET|0x00000008");
	assert_string_equal(ntlm_wire_flags_format(0x10000000, buf, sizeof(buf)), "0x10000000");
	/* the 4.2.2 CHALLENGE flags */
	ntlm_wire_flags_format(0xe2028233u, buf, sizeof(buf));
	assert_string_equal(buf, "NTLMSSP_NEGOTIATE_UNICODE|NTLM_NEGOTIATE_OEM|"
				 "NTLMSSP_NEGOTIATE_SIGN|NTLMSSP_NEGOTIATE_SEAL|"
				 "NTLMSSP_NEGOTIATE_NTLM|NTLMSSP_NEGOTIATE_ALWAYS_SIGN|"
				 "NTLMSSP_TARGET_TYPE_SERVER|NTLMSSP_NEGOTIATE_VERSION|"
				 "NTLMSSP_NEGOTIATE_128|NTLMSSP_NEGOTIATE_KEY_EXCH|"
				 "NTLMSSP_NEGOTIATE_56");
	/* every bit fits in 1024 */
	ntlm_wire_flags_format(0xffffffffu, buf, sizeof(buf));
	assert_non_null(strstr(buf, "|0x10000000|NTLMSSP_NEGOTIATE_128|"));
	assert_non_null(strstr(buf, "NTLMSSP_NEGOTIATE_UNICODE|NTLM_NEGOTIATE_OEM|"
				    "NTLMSSP_REQUEST_TARGET|0x00000008|"));
}

static void test_format_truncates(void **state)
{
	(void)state;
	char buf[16];
	memset(buf, 'x', sizeof(buf));
	ntlm_wire_flags_format(0xffffffffu, buf, sizeof(buf));
	assert_int_equal(strlen(buf), sizeof(buf) - 1);
	assert_string_equal(buf, "NTLMSSP_NEGOTIA");
	char one[1] = { 'x' };
	ntlm_wire_flags_format(1, one, sizeof(one));
	assert_int_equal(one[0], '\0');
	ntlm_wire_flags_format(1, NULL, 0); /* no crash */
	/* exactly full: 25 chars + NUL */
	char exact[26];
	ntlm_wire_flags_format(1 | 2, exact, sizeof(exact));
	assert_string_equal(exact, "NTLMSSP_NEGOTIATE_UNICODE");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_truncates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
