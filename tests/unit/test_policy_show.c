/* SPDX-License-Identifier: MIT */
/* policy: the rendering for people (ntlm_policy_show) and the public text
 * functions behind `ntlm policy` (ntlm_policy_render, ntlm_policy_check_file):
 * every setting shown with its names, meaning and source; every error of a
 * file reported, however many; big lists rendered whole. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "policy/policy.h"
#include "ntlmssp/unstable.h"

static char dir[256];
static char path[300];

static int setup(void **state)
{
	(void)state;
	if (t_mkdtemp(dir, sizeof(dir), "policy-show") != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/p.conf", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	rmdir(dir);
	return 0;
}

static void write_file(const char *data)
{
	t_write_file(path, data, strlen(data));
}

/* How many lines of text are exactly `line`. */
static size_t count_lines(const char *text, const char *line)
{
	size_t n = 0, len = strlen(line);
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t l = nl ? (size_t)(nl - p) : strlen(p);
		if (l == len && memcmp(p, line, len) == 0)
			n++;
		p += l + (nl != NULL);
	}
	return n;
}

/* How many lines start with `prefix`. */
static size_t count_prefix(const char *text, const char *prefix)
{
	size_t n = 0, len = strlen(prefix);
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		if (strncmp(p, prefix, len) == 0)
			n++;
		if (!nl)
			break;
		p = nl + 1;
	}
	return n;
}

static char *show(const struct ntlm_policy *p)
{
	char *out = NULL;
	ntlm_status st = ntlm_policy_render(p, NTLM_POLICY_TEXT_SHOW, &out);
	if (st != NTLM_OK)
		fail_msg("render: %s: %s", ntlm_status_name(st), ntlm_error_message());
	return out;
}

static void test_show_profiles(void **state)
{
	(void)state;
	const char *const *names = ntlm_policy_profile_names();
	char want[128];

	for (size_t i = 0; names[i]; i++) {
		struct ntlm_policy p;
		assert_int_equal(ntlm_policy_profile(names[i], &p), NTLM_OK);
		char *out = show(&p);
		snprintf(want, sizeof(want), "profile: %s", names[i]);
		assert_int_equal(count_lines(out, want), 1);
		snprintf(want, sizeof(want), "  source:   profile %s", names[i]);
		assert_int_equal(count_lines(out, want), NTLM_SET_COUNT);
		assert_int_equal(count_prefix(out, "  windows:  "), NTLM_SET_COUNT);
		assert_int_equal(count_prefix(out, "  registry: "), NTLM_SET_COUNT);
		assert_int_equal(count_prefix(out, "  meaning:  "), NTLM_SET_COUNT);
		assert_null(strstr(out, "invalid value"));
		assert_null(strstr(out, "(no such option)"));
		for (unsigned s = 0; s < NTLM_SET_COUNT; s++) {
			snprintf(want, sizeof(want),
				 "%s =", ntlm_policy_setting_name((enum ntlm_setting)s));
			assert_int_equal(count_prefix(out, want), 1);
		}
		ntlm_free(out);
	}
}

static void test_show_lines(void **state)
{
	(void)state;
	struct ntlm_policy p;
	char *out;

	assert_int_equal(ntlm_policy_profile("cis", &p), NTLM_OK);
	out = show(&p);
	assert_int_equal(count_lines(out, "insecure: no"), 1);
	assert_int_equal(
		count_lines(out, "LmCompatibilityLevel = 5 (SendNTLMv2OnlyRefuseLMAndNTLM)"), 1);
	assert_int_equal(
		count_lines(out, "  windows:  Network security: LAN Manager authentication level = "
				 "Send NTLMv2 response only. Refuse LM & NTLM"),
		1);
	assert_int_equal(count_lines(out, "  registry: HKLM\\SYSTEM\\CurrentControlSet\\Control\\"
					  "Lsa\\MSV1_0\\NtlmMinServerSec (REG_DWORD)"),
			 1);
	assert_non_null(strstr(out, "0x00080000 NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY"));
	assert_int_equal(count_lines(out, "ChannelBindings = Accept"), 1);
	assert_int_equal(count_lines(out, "ClientAllowedNTLMServers ="), 1);
	ntlm_free(out);

	assert_int_equal(ntlm_policy_profile("legacy-insecure", &p), NTLM_OK);
	out = show(&p);
	assert_int_equal(count_lines(out, "insecure: yes (LmCompatibilityLevel, AllowAnonymous)"),
			 1);
	assert_int_equal(count_lines(out, "LmCompatibilityLevel = 0 (SendLMAndNTLM)  INSECURE"), 1);
	assert_int_equal(count_lines(out, "AllowAnonymous = yes  INSECURE"), 1);
	assert_int_equal(count_lines(out, "NtlmMinClientSec = 0x00000000 (None)"), 1);
	ntlm_free(out);

	/* Sources from a file, and the profile it names. */
	write_file("Profile = strict\n[MSV1_0]\nRestrictSendingNTLMTraffic = Deny\n"
		   "ClientAllowedNTLMServers = *.example.com, web*\n");
	assert_int_equal(ntlm_policy_load_file(path, &p, NULL, 0), NTLM_OK);
	out = show(&p);
	char want[1024];
	snprintf(want, sizeof(want), "profile: strict (named at %s:1)", path);
	assert_int_equal(count_lines(out, want), 1);
	snprintf(want, sizeof(want), "  source:   %s:3", path);
	assert_int_equal(count_lines(out, want), 1);
	assert_int_equal(count_lines(out, "  source:   profile strict"), NTLM_SET_COUNT - 2);
	assert_int_equal(count_lines(out, "ClientAllowedNTLMServers = *.example.com, web*"), 1);
	assert_non_null(strstr(out, "= *.example.com, web*\n  registry:")); /* the UI value */
	assert_non_null(strstr(out, "2 server name patterns"));
	ntlm_free(out);
}

/* Two full lists (64 entries of 255 characters each) render whole. */
static void test_show_big_lists(void **state)
{
	(void)state;
	struct ntlm_policy p;
	size_t cap = NTLM_POLICY_MAX_SERVERS * (NTLM_POLICY_MAX_PATTERN + 2) + 1;
	char *list = malloc(cap), *out = NULL;
	size_t n = 0;

	assert_non_null(list);
	for (int i = 0; i < NTLM_POLICY_MAX_SERVERS; i++) {
		n += (size_t)snprintf(list + n, cap - n, "%s%02d", i ? ", " : "", i);
		memset(list + n, 'x', NTLM_POLICY_MAX_PATTERN - 2);
		n += NTLM_POLICY_MAX_PATTERN - 2;
		list[n] = '\0';
	}
	assert_int_equal(ntlm_policy_profile("cis", &p), NTLM_OK);
	assert_int_equal(ntlm_policy_set(&p, "ClientAllowedNTLMServers", list), NTLM_OK);
	assert_int_equal(ntlm_policy_set(&p, "DCAllowedNTLMServers", list), NTLM_OK);
	for (unsigned f = NTLM_POLICY_TEXT_SHOW; f <= NTLM_POLICY_TEXT_NATIVE; f++) {
		assert_int_equal(ntlm_policy_render(&p, f, &out), NTLM_OK);
		assert_non_null(strstr(out, list));
		ntlm_free(out);
	}
	/* The native text loads back to the same settings. */
	struct ntlm_policy q;
	char a[NTLM_POLICY_TEXT_MAX], b[NTLM_POLICY_TEXT_MAX];
	assert_int_equal(ntlm_policy_render(&p, NTLM_POLICY_TEXT_NATIVE, &out), NTLM_OK);
	assert_int_equal(
		ntlm_policy_load_buffer("n", (const uint8_t *)out, strlen(out), &q, NULL, 0),
		NTLM_OK);
	ntlm_free(out);
	assert_int_equal(ntlm_policy_write_native(&p, a, sizeof(a)), NTLM_OK);
	assert_int_equal(ntlm_policy_write_native(&q, b, sizeof(b)), NTLM_OK);
	assert_string_equal(a, b);
	/* A fixed buffer that is too small says so. */
	char small[256];
	assert_int_equal(ntlm_policy_show(&p, small, sizeof(small)), NTLM_E_BUFFER_TOO_SMALL);
	free(list);
}

static void test_render_arguments(void **state)
{
	(void)state;
	struct ntlm_policy *p = NULL;
	char *out = (char *)"x", dump[NTLM_POLICY_TEXT_MAX];

	assert_int_equal(ntlm_policy_new("windows-default", &p), NTLM_OK);
	assert_int_equal(ntlm_policy_render(NULL, NTLM_POLICY_TEXT_SHOW, &out),
			 NTLM_E_INVALID_ARGUMENT);
	assert_null(out);
	assert_int_equal(ntlm_policy_render(p, 3, &out), NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(ntlm_policy_render(p, NTLM_POLICY_TEXT_SHOW, NULL),
			 NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(ntlm_policy_render(p, NTLM_POLICY_TEXT_DUMP, &out), NTLM_OK);
	assert_int_equal(ntlm_policy_dump(p, dump, sizeof(dump)), NTLM_OK);
	assert_string_equal(out, dump);
	ntlm_free(out);
	ntlm_policy_free(p);
}

static void test_check_file(void **state)
{
	(void)state;
	struct ntlm_policy *p = NULL;
	char *errors = (char *)"x";
	size_t n = 99;

	write_file("[Lsa]\nLmCompatibilityLevel = 4\n");
	assert_int_equal(ntlm_policy_check_file(path, &p, &errors, &n), NTLM_OK);
	assert_null(errors);
	assert_int_equal(n, 0);
	assert_non_null(p);
	ntlm_policy_free(p);
	assert_int_equal(ntlm_policy_check_file(path, NULL, NULL, NULL), NTLM_OK);

	write_file("[Lsa]\nLmCompatibilityLevel = 7\nBogus = 1\n[Nope]\n[MSV1_0]\n"
		   "NtlmMinClientSec = 0x1\nLmCompatibilityLevel = 3\n");
	assert_int_equal(ntlm_policy_check_file(path, &p, &errors, &n), NTLM_E_CONFIG);
	assert_null(p);
	assert_int_equal(n, 5);
	char want[1024];
	snprintf(want, sizeof(want),
		 "%s:2: LmCompatibilityLevel = 7: out of range (0..5)\n"
		 "%s:3: unknown setting 'Bogus' in [Lsa]\n",
		 path, path);
	assert_int_equal(strncmp(errors, want, strlen(want)), 0);
	snprintf(want, sizeof(want), "%s:7: LmCompatibilityLevel belongs in [Lsa], not [MSV1_0]\n",
		 path);
	assert_non_null(strstr(errors, want));
	assert_int_equal(count_prefix(errors, path), 5);
	/* ntlm_error_message() holds the first. */
	assert_non_null(strstr(ntlm_error_message(), ":2: LmCompatibilityLevel = 7"));
	ntlm_free(errors);

	/* Missing file: one line. */
	assert_int_equal(ntlm_policy_check_file("/nonexistent/p.conf", NULL, &errors, &n),
			 NTLM_E_CONFIG);
	assert_int_equal(n, 1);
	assert_string_equal(errors,
			    "/nonexistent/p.conf: cannot open: No such file or directory\n");
	ntlm_free(errors);
	assert_int_equal(ntlm_policy_check_file(NULL, NULL, &errors, &n), NTLM_E_INVALID_ARGUMENT);
}

/* More errors than the first buffer holds: still every one, none left out. */
static void test_check_file_many_errors(void **state)
{
	(void)state;
	const int lines = 3000;
	size_t cap = (size_t)lines * 32 + 16, n = 0;
	char *text = malloc(cap), *errors = NULL;
	size_t count = 0;

	assert_non_null(text);
	n += (size_t)snprintf(text, cap, "[ntlmssp]\n");
	for (int i = 0; i < lines; i++)
		n += (size_t)snprintf(text + n, cap - n, "Unknown%d = %d\n", i, i);
	write_file(text);
	free(text);
	assert_int_equal(ntlm_policy_check_file(path, NULL, &errors, &count), NTLM_E_CONFIG);
	assert_int_equal(count, (size_t)lines);
	assert_int_equal(count_prefix(errors, path), (size_t)lines);
	assert_null(strstr(errors, "... and"));
	char last[1024];
	snprintf(last, sizeof(last), "%s:%d: unknown setting 'Unknown%d' in [ntlmssp]\n", path,
		 lines + 1, lines - 1);
	assert_non_null(strstr(errors, last));
	ntlm_free(errors);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_show_profiles),
		cmocka_unit_test(test_show_lines),
		cmocka_unit_test(test_show_big_lists),
		cmocka_unit_test(test_render_arguments),
		cmocka_unit_test(test_check_file),
		cmocka_unit_test(test_check_file_many_errors),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
