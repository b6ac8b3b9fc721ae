/* SPDX-License-Identifier: MIT */
/* policy: several files, later wins (Group Policy over local policy), the
 * configuration directory, and the public functions over them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "ntlmssp/unstable.h"
#include "policy/policy.h"

static char dir[4096];
static char errs[8192];

static int setup(void **state)
{
	(void)state;
	return t_mkdtemp(dir, sizeof(dir), "layers");
}

static int teardown(void **state)
{
	(void)state;
	char cmd[4200];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Writes dir/name and returns its path in a static slot (4 of them). */
static const char *file(const char *name, const char *text)
{
	static char paths[4][4200];
	static unsigned next;
	char *p = paths[next++ % 4];

	snprintf(p, sizeof(paths[0]), "%s/%s", dir, name);
	t_write_file(p, text, strlen(text));
	return p;
}

#define INF_HEAD "[Unicode]\r\nUnicode=yes\r\n[Registry Values]\r\n"
#define MSV "MACHINE\\System\\CurrentControlSet\\Control\\Lsa\\MSV1_0\\"
#define LSA "MACHINE\\System\\CurrentControlSet\\Control\\Lsa\\"

static void test_later_wins(void **state)
{
	(void)state;
	struct ntlm_policy p;
	const char *local = file("local.conf", "Profile = strict\n"
					       "[Lsa]\nLmCompatibilityLevel = 4\n"
					       "[MSV1_0]\nRestrictSendingNTLMTraffic = Deny\n");
	const char *gpo =
		file("gpo.inf", INF_HEAD LSA "LmCompatibilityLevel=4,5\r\n" MSV
					     "ClientAllowedNTLMServers=7,*.corp.example\r\n");
	const char *paths[] = { local, gpo };

	assert_int_equal(
		ntlm_policy_load_files_report(NULL, paths, 2, &p, errs, sizeof(errs), NULL),
		NTLM_OK);
	/* the starting point is the first file's; the INF sets only its values */
	assert_string_equal(p.profile, "strict");
	assert_true(p.require_mic);
	assert_int_equal(p.lm_compat, 5);
	assert_non_null(strstr(p.source[NTLM_SET_LM_COMPAT].file, "gpo.inf"));
	assert_int_equal(p.source[NTLM_SET_LM_COMPAT].line, 4);
	assert_int_equal(p.restrict_sending, 2);
	assert_non_null(strstr(p.source[NTLM_SET_RESTRICT_SENDING].file, "local.conf"));
	assert_int_equal(p.source[NTLM_SET_RESTRICT_SENDING].line, 5);
	assert_false(p.source[NTLM_SET_RESTRICT_SENDING].undefined);
	assert_int_equal(p.n_client_allowed, 1);
	assert_string_equal(p.source[NTLM_SET_REQUIRE_MIC].file, "");

	/* a later .reg that deletes a value: not defined, whatever came before */
	const char *del =
		file("del.reg", "Windows Registry Editor Version 5.00\r\n\r\n"
				"[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\"
				"Lsa\\MSV1_0]\r\n\"RestrictSendingNTLMTraffic\"=-\r\n");
	const char *three[] = { local, gpo, del };
	assert_int_equal(
		ntlm_policy_load_files_report(NULL, three, 3, &p, errs, sizeof(errs), NULL),
		NTLM_OK);
	assert_int_equal(p.restrict_sending, 0);
	assert_true(p.source[NTLM_SET_RESTRICT_SENDING].undefined);
	assert_int_equal(p.source[NTLM_SET_RESTRICT_SENDING].line, 4);
	assert_int_equal(p.lm_compat, 5);

	/* the same setting in two files is no error: that is the point */
	const char *again = file("again.conf", "[Lsa]\nLmCompatibilityLevel = 3\n");
	const char *four[] = { local, gpo, del, again };
	assert_int_equal(ntlm_policy_load_files_report(NULL, four, 4, &p, errs, sizeof(errs), NULL),
			 NTLM_OK);
	assert_int_equal(p.lm_compat, 3);
	assert_int_equal(p.source[NTLM_SET_LM_COMPAT].line, 2);
	char text[8192];
	assert_int_equal(ntlm_policy_dump(&p, text, sizeof(text)), NTLM_OK);
	assert_non_null(strstr(text, "again.conf:2\n"));
	assert_non_null(strstr(text, "deleted at "));
}

static void test_start_and_errors(void **state)
{
	(void)state;
	struct ntlm_policy p;
	struct ntlm_policy_load_report rep;
	const char *gpo = file("only.inf", INF_HEAD LSA "LmCompatibilityLevel=4,5\r\n");
	const char *one[] = { gpo };

	/* an INF first: windows-default; with a profile named: that profile */
	assert_int_equal(ntlm_policy_load_files_report(NULL, one, 1, &p, errs, sizeof(errs), NULL),
			 NTLM_OK);
	assert_string_equal(p.profile, "windows-default");
	assert_int_equal(p.restrict_sending, 0);
	assert_int_equal(ntlm_policy_load_files_report("cis", one, 1, &p, errs, sizeof(errs), NULL),
			 NTLM_OK);
	assert_string_equal(p.profile, "cis");
	assert_int_equal(p.restrict_sending, 1);
	assert_false(p.source[NTLM_SET_RESTRICT_SENDING].undefined);
	assert_int_equal(
		ntlm_policy_load_files_report("nope", one, 1, &p, errs, sizeof(errs), NULL),
		NTLM_E_CONFIG);
	assert_non_null(strstr(errs, "unknown profile 'nope'"));

	/* Profile only in the first file, and only when none is named */
	const char *prof = file("prof.conf", "Profile = strict\n");
	const char *two[] = { gpo, prof };
	assert_int_equal(ntlm_policy_load_files_report(NULL, two, 2, &p, errs, sizeof(errs), NULL),
			 NTLM_E_CONFIG);
	assert_non_null(strstr(errs, "prof.conf:1: Profile: only the first file chooses"));
	const char *prof1[] = { prof };
	assert_int_equal(
		ntlm_policy_load_files_report("cis", prof1, 1, &p, errs, sizeof(errs), NULL),
		NTLM_E_CONFIG);

	/* every error of every file, in order; a missing file is one of them */
	char missing[4200];
	snprintf(missing, sizeof(missing), "%s/missing.conf", dir);
	const char *bad1 = file("bad1.conf", "[Lsa]\nLmCompatibilityLevel = 9\n");
	const char *bad2 = file("bad2.inf", INF_HEAD MSV "RestrictSendingNTLMTrafic=4,2\r\n");
	const char *three[] = { bad1, missing, bad2 };
	assert_int_equal(
		ntlm_policy_load_files_report(NULL, three, 3, &p, errs, sizeof(errs), &rep),
		NTLM_E_CONFIG);
	assert_int_equal(rep.n_errors, 3);
	char *a = strstr(errs, "bad1.conf:2: LmCompatibilityLevel = 9");
	char *b = strstr(errs, "missing.conf: cannot open");
	char *c = strstr(errs, "bad2.inf:4: unknown setting 'RestrictSendingNTLMTrafic'");
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(c);
	assert_true(a < b && b < c);
	/* on failure: cis, never half of it */
	struct ntlm_policy cis;
	assert_int_equal(ntlm_policy_profile("cis", &cis), NTLM_OK);
	assert_memory_equal(&p, &cis, sizeof(p));
	/* no file at all: cis */
	assert_int_equal(ntlm_policy_load_files_report(NULL, NULL, 0, &p, errs, sizeof(errs), NULL),
			 NTLM_OK);
	assert_memory_equal(&p, &cis, sizeof(p));
}

static void test_config_dir(void **state)
{
	(void)state;
	char sub[4200], path[4300];
	char **paths = NULL;
	size_t n = 0;

	snprintf(sub, sizeof(sub), "%s/etc", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	/* nothing there: no files, no error */
	assert_int_equal(ntlm_policy_config_dir_files(sub, &paths, &n), NTLM_OK);
	assert_int_equal(n, 0);
	assert_null(paths[0]);
	ntlm_policy_config_dir_free(paths);

	snprintf(path, sizeof(path), "%s/policy.d", sub);
	assert_int_equal(mkdir(path, 0700), 0);
	file("etc/ntlmssp.conf", "[Lsa]\nLmCompatibilityLevel = 4\n");
	file("etc/policy.d/20-gpo.inf", INF_HEAD MSV "RestrictSendingNTLMTraffic=4,2\r\n");
	file("etc/policy.d/10-site.conf", "[MSV1_0]\nRestrictSendingNTLMTraffic = Audit\n");
	file("etc/policy.d/30-del.REG",
	     "Windows Registry Editor Version 5.00\r\n\r\n"
	     "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Lsa]\r\n"
	     "\"LmCompatibilityLevel\"=dword:00000005\r\n");
	file("etc/policy.d/.hidden.conf", "garbage\n");
	file("etc/policy.d/README", "garbage\n");
	file("etc/policy.d/notes.conf~", "garbage\n");
	snprintf(path, sizeof(path), "%s/policy.d/40-dir.conf", sub);
	assert_int_equal(mkdir(path, 0700), 0);

	assert_int_equal(ntlm_policy_config_dir_files(sub, &paths, &n), NTLM_OK);
	assert_int_equal(n, 4);
	assert_non_null(strstr(paths[0], "/etc/ntlmssp.conf"));
	assert_non_null(strstr(paths[1], "/policy.d/10-site.conf"));
	assert_non_null(strstr(paths[2], "/policy.d/20-gpo.inf"));
	assert_non_null(strstr(paths[3], "/policy.d/30-del.REG"));
	assert_null(paths[4]);
	ntlm_policy_config_dir_free(paths);

	/* the public loader: later wins */
	struct ntlm_policy *p = NULL;
	assert_int_equal(ntlm_policy_load_dir(sub, &p), NTLM_OK);
	char *text = NULL;
	assert_int_equal(ntlm_policy_render(p, NTLM_POLICY_TEXT_DUMP, &text), NTLM_OK);
	assert_non_null(strstr(text, "RestrictSendingNTLMTraffic = 2  # Deny; "));
	assert_non_null(strstr(text, "20-gpo.inf:4\n"));
	assert_non_null(
		strstr(text, "LmCompatibilityLevel = 5  # SendNTLMv2OnlyRefuseLMAndNTLM; "));
	assert_non_null(strstr(text, "30-del.REG:4\n"));
	ntlm_free(text);
	ntlm_policy_free(p);

	/* a broken file anywhere fails the load, naming it */
	file("etc/policy.d/50-bad.conf", "[Lsa]\nLmCompatibilityLevel = 7\n");
	assert_int_equal(ntlm_policy_load_dir(sub, &p), NTLM_E_CONFIG);
	assert_null(p);
	assert_non_null(strstr(ntlm_error_message(), "50-bad.conf:2:"));
	/* and the public checker reports it with a profile as the start */
	const char *files[] = { path };
	snprintf(path, sizeof(path), "%s/policy.d/50-bad.conf", sub);
	char *e = NULL;
	size_t ne = 0;
	assert_int_equal(ntlm_policy_check_files("cis", files, 1, &p, &e, &ne), NTLM_E_CONFIG);
	assert_int_equal(ne, 1);
	assert_non_null(strstr(e, "50-bad.conf:2: LmCompatibilityLevel = 7"));
	ntlm_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_later_wins),
		cmocka_unit_test(test_start_and_errors),
		cmocka_unit_test(test_config_dir),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
