/* SPDX-License-Identifier: MIT */
/* The version macros, ntlm_version() and CMake's project(VERSION) agree. */
#include <stdio.h>
#include <string.h>

#include "testutil.h"
#include "ntlmssp.h"

#ifndef NTLM_PROJECT_VERSION
#error "NTLM_PROJECT_VERSION (CMake's PROJECT_VERSION) is not defined"
#endif

static void test_macros_match_project(void **state)
{
	char built[32];
	(void)state;
	snprintf(built, sizeof(built), "%d.%d.%d", NTLMSSP_VERSION_MAJOR, NTLMSSP_VERSION_MINOR,
		 NTLMSSP_VERSION_PATCH);
	assert_string_equal(built, NTLMSSP_VERSION);
	assert_string_equal(NTLMSSP_VERSION, NTLM_PROJECT_VERSION);
	assert_int_equal(NTLMSSP_VERSION_NUMBER, (NTLMSSP_VERSION_MAJOR << 16) |
							 (NTLMSSP_VERSION_MINOR << 8) |
							 NTLMSSP_VERSION_PATCH);
}

static void test_runtime_version(void **state)
{
	(void)state;
	const char *v = ntlm_version();
	assert_non_null(v);
	assert_string_equal(v, NTLMSSP_VERSION);
	/* the same pointer every time: a constant, never allocated */
	assert_ptr_equal(v, ntlm_version());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_macros_match_project),
		cmocka_unit_test(test_runtime_version),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
