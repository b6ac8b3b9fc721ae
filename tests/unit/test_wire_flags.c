/* SPDX-License-Identifier: MIT */
/* wire: the NegotiateFlags name table (MS-NLMP 2.2.2.5) and its formatter. */
#include <string.h>

#include "testutil.h"
#include "text/text.h"
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

static char *fmt(uint32_t flags, unsigned format)
{
	static char buf[1024];
	struct ntlm_buf b;
	ntlm_buf_fixed(&b, buf, sizeof(buf));
	ntlm_buf_flags(&b, flags, format);
	assert_int_equal(b.err, NTLM_OK);
	return buf;
}

static void test_format(void **state)
{
	(void)state;
	assert_string_equal(fmt(0, NTLM_FLAGS_TEXT), "");
	assert_string_equal(fmt(0, NTLM_FLAGS_JSON), "[]");
	assert_string_equal(fmt(0x0000000d, NTLM_FLAGS_TEXT),
			    "NTLMSSP_NEGOTIATE_UNICODE|NTLMSSP_REQUEST_TARGET|0x00000008");
	assert_string_equal(
		fmt(0x0000000d, NTLM_FLAGS_JSON),
		"[\"NTLMSSP_NEGOTIATE_UNICODE\",\"NTLMSSP_REQUEST_TARGET\",\"0x00000008\"]");
	assert_string_equal(fmt(0x10000000, NTLM_FLAGS_TEXT), "0x10000000");
	/* the 4.2.2 CHALLENGE flags */
	assert_string_equal(fmt(0xe2028233u, NTLM_FLAGS_TEXT),
			    "NTLMSSP_NEGOTIATE_UNICODE|NTLM_NEGOTIATE_OEM|"
			    "NTLMSSP_NEGOTIATE_SIGN|NTLMSSP_NEGOTIATE_SEAL|"
			    "NTLMSSP_NEGOTIATE_NTLM|NTLMSSP_NEGOTIATE_ALWAYS_SIGN|"
			    "NTLMSSP_TARGET_TYPE_SERVER|NTLMSSP_NEGOTIATE_VERSION|"
			    "NTLMSSP_NEGOTIATE_128|NTLMSSP_NEGOTIATE_KEY_EXCH|"
			    "NTLMSSP_NEGOTIATE_56");
	/* every bit fits in 1024 */
	const char *all = fmt(0xffffffffu, NTLM_FLAGS_TEXT);
	assert_non_null(strstr(all, "|0x10000000|NTLMSSP_NEGOTIATE_128|"));
	assert_non_null(strstr(all, "NTLMSSP_NEGOTIATE_UNICODE|NTLM_NEGOTIATE_OEM|"
				    "NTLMSSP_REQUEST_TARGET|0x00000008|"));
	all = fmt(0xffffffffu, NTLM_FLAGS_JSON);
	assert_non_null(strstr(all, ",\"0x10000000\",\"NTLMSSP_NEGOTIATE_128\","));
	assert_int_equal(ntlm_wire_flags_reserved(0xffffffffu), 0x1d244508u);
	assert_int_equal(ntlm_wire_flags_reserved(0xe2028233u), 0);
}

static void test_format_too_small(void **state)
{
	(void)state;
	char buf[16];
	struct ntlm_buf b;
	ntlm_buf_fixed(&b, buf, sizeof(buf));
	ntlm_buf_flags(&b, 0xffffffffu, NTLM_FLAGS_TEXT);
	assert_int_equal(b.err, NTLM_E_BUFFER_TOO_SMALL);
	assert_true(strlen(buf) < sizeof(buf)); /* terminated; the caller sees err */
	/* exactly full: 25 chars + NUL */
	char exact[26];
	ntlm_buf_fixed(&b, exact, sizeof(exact));
	ntlm_buf_flags(&b, 1, NTLM_FLAGS_TEXT);
	assert_int_equal(b.err, NTLM_OK);
	assert_string_equal(exact, "NTLMSSP_NEGOTIATE_UNICODE");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_too_small),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
