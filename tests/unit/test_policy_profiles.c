/* SPDX-License-Identifier: MIT */
/* policy profiles: snapshots of each profile's effective settings
 * (tests/snapshots/policy-<profile>.txt; UPDATE_SNAPSHOTS=1 rewrites them),
 * the settings table, and the renderers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "policy/policy.h"

#ifndef NTLM_SNAPSHOT_DIR
#error "NTLM_SNAPSHOT_DIR must be defined by the build"
#endif

static char buf[NTLM_POLICY_TEXT_MAX];

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *b = calloc(1, NTLM_POLICY_TEXT_MAX + 1);
	assert_non_null(b);
	size_t n = fread(b, 1, NTLM_POLICY_TEXT_MAX, f);
	b[n] = '\0';
	fclose(f);
	return b;
}

static void check_snapshot(const char *profile)
{
	char path[512];
	struct ntlm_policy p;
	const char *update = getenv("UPDATE_SNAPSHOTS");

	snprintf(path, sizeof(path), "%s/policy-%s.txt", NTLM_SNAPSHOT_DIR, profile);
	assert_int_equal(ntlm_policy_profile(profile, &p), NTLM_OK);
	assert_int_equal(ntlm_policy_dump(&p, buf, sizeof(buf)), NTLM_OK);
	if (update && strcmp(update, "1") == 0) {
		FILE *f = fopen(path, "wb");
		assert_non_null(f);
		assert_int_equal(fwrite(buf, 1, strlen(buf), f), strlen(buf));
		assert_int_equal(fclose(f), 0);
		print_message("updated %s\n", path);
		return;
	}
	char *want = read_all(path);
	if (!want) {
		print_error("missing snapshot %s (run with UPDATE_SNAPSHOTS=1)\n", path);
		fail();
	}
	if (strcmp(want, buf) != 0) {
		print_error("policy-%s.txt differs from the profile; if the change is intended, "
			    "rerun with UPDATE_SNAPSHOTS=1.\n--- snapshot\n%s--- now\n%s",
			    profile, want, buf);
		free(want);
		fail();
	}
	free(want);
}

static void test_snapshot_cis(void **state)
{
	(void)state;
	check_snapshot("cis");
}

static void test_snapshot_windows_default(void **state)
{
	(void)state;
	check_snapshot("windows-default");
}

static void test_snapshot_strict(void **state)
{
	(void)state;
	check_snapshot("strict");
}

static void test_snapshot_legacy_insecure(void **state)
{
	(void)state;
	check_snapshot("legacy-insecure");
}

static void test_profile_names(void **state)
{
	(void)state;
	const char *const *names = ntlm_policy_profile_names();
	struct ntlm_policy p;
	size_t n = 0;

	for (; names[n]; n++) {
		assert_int_equal(ntlm_policy_profile(names[n], &p), NTLM_OK);
		assert_string_equal(p.profile, names[n]);
		/* a profile is insecure exactly when its name says so */
		assert_int_equal(p.insecure, strstr(names[n], "insecure") != NULL);
		for (unsigned i = 0; i < NTLM_SET_COUNT; i++) {
			assert_string_equal(p.source[i].file, "");
			assert_int_equal(p.source[i].line, 0);
		}
	}
	assert_int_equal(n, 4);
	assert_string_equal(names[0], NTLM_POLICY_DEFAULT_PROFILE);
	assert_int_equal(ntlm_policy_profile("CIS", &p), NTLM_OK);
	assert_string_equal(p.profile, "cis");
	assert_int_equal(ntlm_policy_profile("paranoid", &p), NTLM_E_CONFIG);
	assert_string_equal(ntlm_error_message(),
			    "unknown profile 'paranoid' (known: cis, windows-default, strict, "
			    "legacy-insecure)");
	assert_string_equal(p.profile, "cis"); /* reset to the default */
	assert_int_equal(ntlm_policy_profile(NULL, &p), NTLM_E_CONFIG);
	assert_int_equal(ntlm_policy_profile("cis", NULL), NTLM_E_INVALID_ARGUMENT);
}

static void test_profile_values(void **state)
{
	(void)state;
	struct ntlm_policy p;

	assert_int_equal(ntlm_policy_profile("cis", &p), NTLM_OK);
	assert_int_equal(p.lm_compat, 5);
	assert_int_equal(p.min_client_sec, 0x20080000);
	assert_int_equal(p.min_server_sec, 0x20080000);
	assert_int_equal(p.restrict_sending, 1);
	assert_int_equal(p.audit_receiving, 2);
	assert_false(p.require_mic); /* curl and impacket send no MIC */
	assert_int_equal(p.channel_bindings, NTLM_CB_ACCEPT);
	assert_false(p.allow_anonymous);
	assert_false(p.strict_min_sec);
	assert_int_equal(p.max_clock_skew, 300);

	assert_int_equal(ntlm_policy_profile("windows-default", &p), NTLM_OK);
	assert_int_equal(p.lm_compat, 3);
	assert_int_equal(p.min_client_sec, 0x20000000);
	assert_int_equal(p.min_server_sec, 0x20000000);
	assert_int_equal(p.restrict_sending, 0);
	assert_int_equal(p.restrict_receiving, 0);
	assert_int_equal(p.audit_receiving, 0);
	assert_int_equal(p.channel_bindings, NTLM_CB_OFF);
	assert_false(p.insecure);

	assert_int_equal(ntlm_policy_profile("legacy-insecure", &p), NTLM_OK);
	assert_int_equal(p.lm_compat, 0);
	assert_int_equal(p.min_client_sec, 0);
	assert_true(p.allow_anonymous);
	assert_true(p.insecure);
}

static void test_setting_names(void **state)
{
	(void)state;
	static const char *const want[NTLM_SET_COUNT][2] = {
		{ "LmCompatibilityLevel", "Lsa" },
		{ "NtlmMinClientSec", "MSV1_0" },
		{ "NtlmMinServerSec", "MSV1_0" },
		{ "RestrictSendingNTLMTraffic", "MSV1_0" },
		{ "ClientAllowedNTLMServers", "MSV1_0" },
		{ "RestrictReceivingNTLMTraffic", "MSV1_0" },
		{ "AuditReceivingNTLMTraffic", "MSV1_0" },
		{ "RestrictNTLMInDomain", "Netlogon" },
		{ "AuditNTLMInDomain", "Netlogon" },
		{ "DCAllowedNTLMServers", "Netlogon" },
		{ "StrictMinSec", "ntlmssp" },
		{ "RequireMIC", "ntlmssp" },
		{ "ChannelBindings", "ntlmssp" },
		{ "MaxClockSkew", "ntlmssp" },
		{ "AllowAnonymous", "ntlmssp" },
		{ "Accounts", "ntlmssp" },
		{ "AuditFailure", "ntlmssp" },
		{ "RequireRequestedProtection", "ntlmssp" },
		{ "AuditLog", "ntlmssp" },
	};
	for (unsigned i = 0; i < NTLM_SET_COUNT; i++) {
		assert_string_equal(ntlm_policy_setting_name((enum ntlm_setting)i), want[i][0]);
		assert_string_equal(ntlm_policy_setting_section((enum ntlm_setting)i), want[i][1]);
	}
	assert_string_equal(ntlm_policy_setting_name(NTLM_SET_COUNT), "?");
	assert_string_equal(ntlm_policy_setting_section((enum ntlm_setting)99), "?");
}

static void test_dump_sources_and_insecure(void **state)
{
	(void)state;
	struct ntlm_policy p;
	const char *text = "Profile = windows-default\n[Lsa]\nLmCompatibilityLevel = 1\n";

	assert_int_equal(ntlm_policy_load_buffer("site.conf", (const uint8_t *)text, strlen(text),
						 &p, NULL, 0),
			 NTLM_OK);
	assert_int_equal(ntlm_policy_dump(&p, buf, sizeof(buf)), NTLM_OK);
	assert_non_null(strstr(buf, "# profile = windows-default  # site.conf:1\n"));
	assert_non_null(strstr(buf, "# insecure = yes (LmCompatibilityLevel)\n"));
	assert_non_null(strstr(buf,
			       "LmCompatibilityLevel = 1  # "
			       "SendLMAndNTLMUseNTLMv2SessionSecurity; site.conf:3; INSECURE\n"));
	assert_non_null(strstr(buf, "NtlmMinClientSec = 0x20000000  # Require128; profile "
				    "windows-default\n"));
	assert_int_equal(ntlm_policy_set(&p, "ClientAllowedNTLMServers", "a*,b"), NTLM_OK);
	assert_int_equal(ntlm_policy_dump(&p, buf, sizeof(buf)), NTLM_OK);
	assert_non_null(strstr(buf, "ClientAllowedNTLMServers = a*, b  # 2 entries; (set)\n"));
	assert_int_equal(ntlm_policy_write_native(&p, buf, sizeof(buf)), NTLM_OK);
	assert_non_null(
		strstr(buf, "# WARNING: this policy is insecure (LmCompatibilityLevel).\n"));
	assert_non_null(strstr(buf, "\n[MSV1_0]\n"));
	assert_non_null(strstr(buf, "ClientAllowedNTLMServers = a*, b\n"));
	assert_non_null(strstr(buf, "DCAllowedNTLMServers =\n"));
}

static void test_dump_sizes(void **state)
{
	(void)state;
	struct ntlm_policy p;
	char small[64];

	/* the largest policy fits NTLM_POLICY_TEXT_MAX in both renderers */
	assert_int_equal(ntlm_policy_profile("legacy-insecure", &p), NTLM_OK);
	p.n_client_allowed = p.n_dc_allowed = NTLM_POLICY_MAX_SERVERS;
	for (int i = 0; i < NTLM_POLICY_MAX_SERVERS; i++) {
		memset(p.client_allowed[i], 'c', NTLM_POLICY_MAX_PATTERN);
		p.client_allowed[i][NTLM_POLICY_MAX_PATTERN] = '\0';
		memset(p.dc_allowed[i], 'd', NTLM_POLICY_MAX_PATTERN);
		p.dc_allowed[i][NTLM_POLICY_MAX_PATTERN] = '\0';
	}
	for (unsigned i = 0; i < NTLM_SET_COUNT; i++) {
		memset(p.source[i].file, 'f', sizeof(p.source[i].file) - 1);
		p.source[i].line = 4000000000u;
	}
	assert_int_equal(ntlm_policy_dump(&p, buf, sizeof(buf)), NTLM_OK);
	assert_int_equal(ntlm_policy_write_native(&p, buf, sizeof(buf)), NTLM_OK);

	/* too small: an error, and still a terminated string */
	memset(small, 'X', sizeof(small));
	assert_int_equal(ntlm_policy_dump(&p, small, sizeof(small)), NTLM_E_BUFFER_TOO_SMALL);
	assert_non_null(memchr(small, '\0', sizeof(small)));
	assert_int_equal(ntlm_policy_write_native(&p, small, sizeof(small)),
			 NTLM_E_BUFFER_TOO_SMALL);
	assert_non_null(memchr(small, '\0', sizeof(small)));
	assert_int_equal(ntlm_policy_dump(&p, small, 0), NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(ntlm_policy_dump(NULL, small, sizeof(small)), NTLM_E_INVALID_ARGUMENT);

	/* hostile strings placed in the struct by a caller are escaped */
	assert_int_equal(ntlm_policy_profile("cis", &p), NTLM_OK);
	memcpy(p.source[0].file, "a\033[31mb\n", 9);
	p.source[0].line = 1;
	assert_int_equal(ntlm_policy_dump(&p, buf, sizeof(buf)), NTLM_OK);
	assert_non_null(strstr(buf, "a\\x1b[31mb\\x0a:1"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_snapshot_cis),
		cmocka_unit_test(test_snapshot_windows_default),
		cmocka_unit_test(test_snapshot_strict),
		cmocka_unit_test(test_snapshot_legacy_insecure),
		cmocka_unit_test(test_profile_names),
		cmocka_unit_test(test_profile_values),
		cmocka_unit_test(test_setting_names),
		cmocka_unit_test(test_dump_sources_and_insecure),
		cmocka_unit_test(test_dump_sizes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
