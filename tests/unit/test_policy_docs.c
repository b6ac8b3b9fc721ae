/* SPDX-License-Identifier: MIT */
/* The docs against the code: every setting of the settings table is in
 * docs/policy.md and docs/windows-policy.md, every event id the code can emit
 * (policy, audit and the public header's front-end ids) is in
 * docs/audit-events.md's table with the name the code gives it, and the
 * 4010/4011 JSON examples there are what the decision really says. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "audit/audit.h"
#include "policy/settings.h"

#define TOP NTLM_POLICY_FIXTURE_DIR "/../../"

static char *slurp(const char *rel)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s%s", TOP, rel);
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	long n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	char *s = malloc((size_t)n + 1);
	assert_non_null(s);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = '\0';
	fclose(f);
	return s;
}

static void test_settings_documented(void **state)
{
	(void)state;
	char *policy = slurp("docs/policy.md"), *windows = slurp("docs/windows-policy.md");
	char want[128];

	for (unsigned i = 0; i < NTLM_SET_COUNT; i++) {
		const struct policy_desc *d = ntlm_policy_desc((enum ntlm_setting)i);
		snprintf(want, sizeof(want), "`%s`", d->name);
		if (!strstr(policy, d->name))
			fail_msg("docs/policy.md does not name the setting %s", d->name);
		if (!strstr(windows, d->name))
			fail_msg("docs/windows-policy.md does not name the setting %s", d->name);
		if (d->reg_key) {
			/* the registry key, as the Windows account writes it */
			const char *leaf = strrchr(d->reg_key, '\\');
			snprintf(want, sizeof(want), "%s\\", leaf ? leaf : d->reg_key);
			if (!strstr(windows, want))
				fail_msg("docs/windows-policy.md does not give the key of %s (%s)",
					 d->name, d->reg_key);
		}
	}
	for (const char *const *n = ntlm_policy_profile_names(); *n; n++) {
		snprintf(want, sizeof(want), "`%s`", *n);
		if (!strstr(policy, want))
			fail_msg("docs/policy.md does not name the profile %s", *n);
	}
	/* that the repository points at no file outside itself is checked over
	 * every tracked file by scripts/check-src.sh (tests/scripts/source_checks.sh) */
	free(policy);
	free(windows);
}

/* Every "#define NTLM_EVENT_X 1234u" of a header. */
static size_t event_ids(const char *header, uint32_t *ids, size_t cap)
{
	char *h = slurp(header), *p = h;
	size_t n = 0;

	while ((p = strstr(p, "#define NTLM_EVENT_")) != NULL) {
		p += strlen("#define NTLM_EVENT_");
		while (*p && *p != ' ' && *p != '\t')
			p++;
		char *end;
		unsigned long v = strtoul(p, &end, 10);
		if (end != p && (*end == 'u' || *end == 'U') && n < cap)
			ids[n++] = (uint32_t)v;
	}
	free(h);
	return n;
}

static void test_events_documented(void **state)
{
	(void)state;
	char *doc = slurp("docs/audit-events.md");
	uint32_t ids[64];
	size_t n = event_ids("src/policy/policy.h", ids, 64);
	n += event_ids("src/audit/audit.h", ids + n, 64 - n);
	n += event_ids("include/ntlmssp.h", ids + n, 64 - n);
	char want[128];

	assert_true(n >= 20);
	for (size_t i = 0; i < n; i++) {
		const char *name = ntlm_audit_event_name(ids[i]);
		assert_string_not_equal(name, "unknown");
		snprintf(want, sizeof(want), "\n| %u | `%s` |", ids[i], name);
		if (!strstr(doc, want))
			fail_msg("docs/audit-events.md has no row '%s'", want + 1);
	}
	free(doc);
}

/* The value of "key":"..." in text (no escapes in our examples), into buf. */
static const char *json_str(const char *text, const char *key, char *buf, size_t len)
{
	char k[64];
	snprintf(k, sizeof(k), "\"%s\":\"", key);
	const char *p = strstr(text, k);
	if (!p)
		fail_msg("example without %s", key);
	p += strlen(k);
	const char *e = strchr(p, '"');
	assert_non_null(e);
	assert_true((size_t)(e - p) < len);
	memcpy(buf, p, (size_t)(e - p));
	buf[e - p] = '\0';
	return buf;
}

static void test_min_sec_examples(void **state)
{
	(void)state;
	char *doc = slurp("docs/audit-events.md"), *p = doc;
	unsigned checked = 0;

	while ((p = strstr(p, "{\"event\":")) != NULL) {
		char *end = strstr(p, "}\n");
		assert_non_null(end);
		*end = '\0';
		/* the example as one line: the doc wraps it */
		char *one = malloc(strlen(p) + 1), *o = one;
		assert_non_null(one);
		for (const char *q = p; *q; q++)
			if (*q != '\n')
				*o++ = *q;
		*o = '\0';
		unsigned id = (unsigned)strtoul(p + 9, NULL, 10);
		char name[64], flags[16], reason[256], missing[16], setting[64];
		assert_string_equal(json_str(one, "name", name, sizeof(name)),
				    ntlm_audit_event_name(id));
		if (id == NTLM_EVENT_MIN_CLIENT_SEC || id == NTLM_EVENT_MIN_SERVER_SEC) {
			struct ntlm_policy pol;
			struct ntlm_verdict v;
			assert_int_equal(ntlm_policy_profile("cis", &pol), NTLM_OK);
			uint32_t f = (uint32_t)strtoul(json_str(one, "flags", flags, sizeof(flags)),
						       NULL, 16);
			ntlm_policy_check_min_sec(&pol, id == NTLM_EVENT_MIN_SERVER_SEC, f, &v);
			assert_int_equal(v.kind, NTLM_DENY);
			assert_int_equal(v.event_id, id);
			assert_string_equal(json_str(one, "reason", reason, sizeof(reason)),
					    v.reason);
			assert_int_equal(strtoul(json_str(one, "missing", missing, sizeof(missing)),
						 NULL, 16),
					 v.missing);
			assert_string_equal(json_str(one, "setting", setting, sizeof(setting)),
					    ntlm_policy_setting_name(v.setting));
			checked++;
		}
		free(one);
		p = end + 1;
	}
	assert_true(checked >= 1);
	free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_settings_documented),
		cmocka_unit_test(test_events_documented),
		cmocka_unit_test(test_min_sec_examples),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
