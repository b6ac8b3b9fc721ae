/* SPDX-License-Identifier: MIT */
/* policy loaders: native config, security template INF, .reg export; every
 * error path, error collection, format detection, fixtures. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "policy/policy.h"

#ifndef NTLM_POLICY_FIXTURE_DIR
#error "NTLM_POLICY_FIXTURE_DIR must be defined by the build"
#endif

static char errs[16384];

/* ---- helpers ---------------------------------------------------------------- */

static ntlm_status load_n(const char *name, const void *data, size_t n, struct ntlm_policy *p)
{
	memset(errs, 'X', sizeof(errs));
	ntlm_status st = ntlm_policy_load_buffer(name, data, n, p, errs, sizeof(errs));
	assert_non_null(memchr(errs, '\0', sizeof(errs)));
	return st;
}

static ntlm_status load(const char *text, struct ntlm_policy *p)
{
	return load_n("t.conf", text, strlen(text), p);
}

static bool is_cis(const struct ntlm_policy *p)
{
	struct ntlm_policy c;
	assert_int_equal(ntlm_policy_profile("cis", &c), NTLM_OK);
	return memcmp(&c, p, sizeof(c)) == 0;
}

static unsigned count_lines(const char *s)
{
	unsigned n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* Loads `text`, expects failure with exactly `n` errors, each listed needle
 * present in the collected errors, and *out reset to cis. */
static void expect_errors(const char *name, const void *data, size_t len, unsigned n,
			  const char *const *needles)
{
	struct ntlm_policy p;
	ntlm_status st = load_n(name, data, len, &p);
	if (st != NTLM_E_CONFIG || count_lines(errs) != n) {
		print_error("status %d, %u error lines, expected %u:\n%s", st, count_lines(errs), n,
			    errs);
		fail();
	}
	for (; needles && *needles; needles++) {
		if (!strstr(errs, *needles)) {
			print_error("missing '%s' in:\n%s", *needles, errs);
			fail();
		}
	}
	/* the first error is also the thread's error message */
	size_t first = strcspn(errs, "\n");
	assert_int_equal(strlen(ntlm_error_message()), first);
	assert_int_equal(strncmp(ntlm_error_message(), errs, first), 0);
	assert_true(is_cis(&p));
}

#define EXPECT1(text, needle)                                        \
	do {                                                         \
		const char *const nd_[] = { needle, NULL };          \
		expect_errors("t.conf", text, strlen(text), 1, nd_); \
	} while (0)

/* ASCII -> UTF-16LE with BOM (malloc'd). */
static uint8_t *utf16(const char *s, size_t *n)
{
	size_t l = strlen(s);
	uint8_t *b = malloc(2 + 2 * l);
	assert_non_null(b);
	b[0] = 0xff;
	b[1] = 0xfe;
	for (size_t i = 0; i < l; i++) {
		b[2 + 2 * i] = (uint8_t)s[i];
		b[3 + 2 * i] = 0;
	}
	*n = 2 + 2 * l;
	return b;
}

static uint8_t *read_fixture(const char *file, size_t *n)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", NTLM_POLICY_FIXTURE_DIR, file);
	FILE *f = fopen(path, "rb");
	if (!f) {
		print_error("cannot open %s\n", path);
		fail();
	}
	uint8_t *b = malloc(1 << 20);
	assert_non_null(b);
	*n = fread(b, 1, 1 << 20, f);
	fclose(f);
	return b;
}

/* ---- native config: values ---------------------------------------------------- */

static void test_conf_empty_is_cis(void **state)
{
	(void)state;
	struct ntlm_policy p;
	assert_int_equal(load("", &p), NTLM_OK);
	assert_true(is_cis(&p));
	assert_int_equal(load("# only a comment\n\n   \n; another\n", &p), NTLM_OK);
	assert_true(is_cis(&p));
	assert_string_equal(errs, "");
}

static void test_conf_all_settings(void **state)
{
	(void)state;
	struct ntlm_policy p;
	const char *text =
		"[Lsa]\n"
		"LmCompatibilityLevel = 4\n"
		"[MSV1_0]\n"
		"NtlmMinClientSec = 0x20080030\n"
		"NTLMMinServerSec = 536870912\n"
		"RestrictSendingNTLMTraffic = 2\n"
		"ClientAllowedNTLMServers = *.example.com, web* ,HTTP/intranet.example.com\n"
		"RestrictReceivingNTLMTraffic = 1\n"
		"AuditReceivingNTLMTraffic = 1\n"
		"[Netlogon]\n"
		"RestrictNTLMInDomain = 5\n"
		"AuditNTLMInDomain = 3\n"
		"DCAllowedNTLMServers = app01\n"
		"[ntlmssp]\n"
		"StrictMinSec = 1\n"
		"RequireMIC = yes\n"
		"ChannelBindings = Require\n"
		"MaxClockSkew = 120\n"
		"AllowAnonymous = false\n";
	assert_int_equal(load(text, &p), NTLM_OK);
	assert_int_equal(p.lm_compat, 4);
	assert_int_equal(p.min_client_sec, 0x20080030);
	assert_int_equal(p.min_server_sec, 0x20000000);
	assert_int_equal(p.restrict_sending, 2);
	assert_int_equal(p.n_client_allowed, 3);
	assert_string_equal(p.client_allowed[0], "*.example.com");
	assert_string_equal(p.client_allowed[1], "web*");
	assert_string_equal(p.client_allowed[2], "HTTP/intranet.example.com");
	assert_int_equal(p.restrict_receiving, 1);
	assert_int_equal(p.audit_receiving, 1);
	assert_int_equal(p.restrict_in_domain, 5);
	assert_int_equal(p.audit_in_domain, 3);
	assert_int_equal(p.n_dc_allowed, 1);
	assert_string_equal(p.dc_allowed[0], "app01");
	assert_true(p.strict_min_sec);
	assert_true(p.require_mic);
	assert_int_equal(p.channel_bindings, NTLM_CB_REQUIRE);
	assert_int_equal(p.max_clock_skew, 120);
	assert_false(p.allow_anonymous);
	assert_false(p.insecure);
	/* sources */
	assert_string_equal(p.source[NTLM_SET_LM_COMPAT].file, "t.conf");
	assert_int_equal(p.source[NTLM_SET_LM_COMPAT].line, 2);
	assert_int_equal(p.source[NTLM_SET_ALLOW_ANONYMOUS].line, 19);
	assert_string_equal(p.profile, "cis");
	assert_string_equal(p.profile_source.file, "");
}

static void test_conf_symbolic_names(void **state)
{
	(void)state;
	struct ntlm_policy p;
	static const struct {
		const char *text;
		enum ntlm_setting s;
		uint32_t v;
	} cases[] = {
		{ "[Lsa]\nLmCompatibilityLevel = SendLMAndNTLM\n", NTLM_SET_LM_COMPAT, 0 },
		{ "[Lsa]\nLmCompatibilityLevel = sendlmandntlmusentlmv2sessionsecurity\n",
		  NTLM_SET_LM_COMPAT, 1 },
		{ "[Lsa]\nLmCompatibilityLevel = SendNTLMOnly\n", NTLM_SET_LM_COMPAT, 2 },
		{ "[Lsa]\nLmCompatibilityLevel = SendNTLMv2Only\n", NTLM_SET_LM_COMPAT, 3 },
		{ "[Lsa]\nLmCompatibilityLevel = SendNTLMv2OnlyRefuseLM\n", NTLM_SET_LM_COMPAT, 4 },
		{ "[Lsa]\nLmCompatibilityLevel = SENDNTLMV2ONLYREFUSELMANDNTLM\n",
		  NTLM_SET_LM_COMPAT, 5 },
		{ "[MSV1_0]\nNtlmMinClientSec = Require128|RequireNTLMv2SessionSecurity\n",
		  NTLM_SET_MIN_CLIENT_SEC, 0x20080000 },
		{ "[MSV1_0]\nNtlmMinClientSec = RequireIntegrity, RequireConfidentiality\n",
		  NTLM_SET_MIN_CLIENT_SEC, 0x30 },
		{ "[MSV1_0]\nNtlmMinServerSec = None\n", NTLM_SET_MIN_SERVER_SEC, 0 },
		{ "[MSV1_0]\nNtlmMinServerSec = 0x20000000 | RequireNTLMv2SessionSecurity | 16\n",
		  NTLM_SET_MIN_SERVER_SEC, 0x20080010 },
		{ "[MSV1_0]\nRestrictSendingNTLMTraffic = Allow\n", NTLM_SET_RESTRICT_SENDING, 0 },
		{ "[MSV1_0]\nRestrictSendingNTLMTraffic = audit\n", NTLM_SET_RESTRICT_SENDING, 1 },
		{ "[MSV1_0]\nRestrictSendingNTLMTraffic = DENY\n", NTLM_SET_RESTRICT_SENDING, 2 },
		{ "[MSV1_0]\nRestrictReceivingNTLMTraffic = DenyDomainAccounts\n",
		  NTLM_SET_RESTRICT_RECEIVING, 1 },
		{ "[MSV1_0]\nRestrictReceivingNTLMTraffic = DenyAll\n", NTLM_SET_RESTRICT_RECEIVING,
		  2 },
		{ "[MSV1_0]\nAuditReceivingNTLMTraffic = Disable\n", NTLM_SET_AUDIT_RECEIVING, 0 },
		{ "[MSV1_0]\nAuditReceivingNTLMTraffic = DomainAccounts\n",
		  NTLM_SET_AUDIT_RECEIVING, 1 },
		{ "[Netlogon]\nRestrictNTLMInDomain = DenyDomainAccountsToDomainServers\n",
		  NTLM_SET_RESTRICT_IN_DOMAIN, 1 },
		{ "[Netlogon]\nRestrictNTLMInDomain = DenyDomainServers\n",
		  NTLM_SET_RESTRICT_IN_DOMAIN, 5 },
		{ "[Netlogon]\nRestrictNTLMInDomain = DenyAll\n", NTLM_SET_RESTRICT_IN_DOMAIN, 7 },
		{ "[Netlogon]\nAuditNTLMInDomain = DomainServers\n", NTLM_SET_AUDIT_IN_DOMAIN, 5 },
		{ "[Netlogon]\nAuditNTLMInDomain = All\n", NTLM_SET_AUDIT_IN_DOMAIN, 7 },
		{ "[ntlmssp]\nChannelBindings = off\n", NTLM_SET_CHANNEL_BINDINGS, 0 },
		{ "[ntlmssp]\nChannelBindings = Accept\n", NTLM_SET_CHANNEL_BINDINGS, 1 },
		{ "[ntlmssp]\nChannelBindings = 2\n", NTLM_SET_CHANNEL_BINDINGS, 2 },
		{ "[ntlmssp]\nRequireMIC = true\n", NTLM_SET_REQUIRE_MIC, 1 },
		{ "[ntlmssp]\nRequireMIC = On\n", NTLM_SET_REQUIRE_MIC, 1 },
		{ "[ntlmssp]\nRequireMIC = 1\n", NTLM_SET_REQUIRE_MIC, 1 },
		{ "[ntlmssp]\nStrictMinSec = yes\n", NTLM_SET_STRICT_MIN_SEC, 1 },
		{ "[ntlmssp]\nStrictMinSec = 0\n", NTLM_SET_STRICT_MIN_SEC, 0 },
		{ "[ntlmssp]\nAllowAnonymous = no\n", NTLM_SET_ALLOW_ANONYMOUS, 0 },
		{ "[ntlmssp]\nAllowAnonymous = off\n", NTLM_SET_ALLOW_ANONYMOUS, 0 },
		{ "[ntlmssp]\nAuditFailure = deny\n", NTLM_SET_AUDIT_FAILURE, 1 },
		{ "[ntlmssp]\nAuditFailure = Continue\n", NTLM_SET_AUDIT_FAILURE, 0 },
		{ "[ntlmssp]\nMaxClockSkew = 0x10\n", NTLM_SET_MAX_CLOCK_SKEW, 16 },
		{ "[ntlmssp]\nMaxClockSkew = 86400\n", NTLM_SET_MAX_CLOCK_SKEW, 86400 },
		{ "[ntlmssp]\nMaxClockSkew = 1\n", NTLM_SET_MAX_CLOCK_SKEW, 1 },
		{ "[Lsa]\nLmCompatibilityLevel = 0x5\n", NTLM_SET_LM_COMPAT, 5 },
		{ "[Lsa]\nLmCompatibilityLevel = 005\n", NTLM_SET_LM_COMPAT, 5 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		if (load(cases[i].text, &p) != NTLM_OK) {
			print_error("case %zu: %s", i, errs);
			fail();
		}
		uint32_t got = 0;
		switch (cases[i].s) {
		case NTLM_SET_LM_COMPAT:
			got = p.lm_compat;
			break;
		case NTLM_SET_MIN_CLIENT_SEC:
			got = p.min_client_sec;
			break;
		case NTLM_SET_MIN_SERVER_SEC:
			got = p.min_server_sec;
			break;
		case NTLM_SET_RESTRICT_SENDING:
			got = p.restrict_sending;
			break;
		case NTLM_SET_RESTRICT_RECEIVING:
			got = p.restrict_receiving;
			break;
		case NTLM_SET_AUDIT_RECEIVING:
			got = p.audit_receiving;
			break;
		case NTLM_SET_RESTRICT_IN_DOMAIN:
			got = p.restrict_in_domain;
			break;
		case NTLM_SET_AUDIT_IN_DOMAIN:
			got = p.audit_in_domain;
			break;
		case NTLM_SET_CHANNEL_BINDINGS:
			got = p.channel_bindings;
			break;
		case NTLM_SET_REQUIRE_MIC:
			got = p.require_mic;
			break;
		case NTLM_SET_STRICT_MIN_SEC:
			got = p.strict_min_sec;
			break;
		case NTLM_SET_ALLOW_ANONYMOUS:
			got = p.allow_anonymous;
			break;
		case NTLM_SET_MAX_CLOCK_SKEW:
			got = p.max_clock_skew;
			break;
		case NTLM_SET_AUDIT_FAILURE:
			got = p.audit_failure;
			break;
		default:
			fail();
		}
		if (got != cases[i].v) {
			print_error("case %zu (%s): got %u want %u\n", i, cases[i].text, got,
				    cases[i].v);
			fail();
		}
	}
}

static void test_conf_syntax_variants(void **state)
{
	(void)state;
	struct ntlm_policy p;
	/* CRLF, UTF-8 BOM, case-insensitive sections and names, inline comments,
	 * no spaces around '=', tabs */
	const char *text = "\xef\xbb\xbf# header\r\n"
			   "[msv1_0]  ; the MSV1_0 key\r\n"
			   "\tntlmminclientsec=0x20000000   # 128 only\r\n"
			   "CLIENTALLOWEDNTLMSERVERS=a-b, c ;comment\r\n"
			   "[LSA]\r\n"
			   "lmcompatibilitylevel\t=\t3\r\n";
	assert_int_equal(load(text, &p), NTLM_OK);
	assert_int_equal(p.min_client_sec, 0x20000000);
	assert_int_equal(p.lm_compat, 3);
	assert_int_equal(p.n_client_allowed, 2);
	assert_string_equal(p.client_allowed[0], "a-b");
	assert_string_equal(p.client_allowed[1], "c");
	assert_int_equal(p.source[NTLM_SET_LM_COMPAT].line, 6);
	/* empty list, and a list of only commas, clear the profile's list */
	assert_int_equal(load("[MSV1_0]\nClientAllowedNTLMServers =\n", &p), NTLM_OK);
	assert_int_equal(p.n_client_allowed, 0);
	assert_int_equal(load("[MSV1_0]\nClientAllowedNTLMServers = , ,\n", &p), NTLM_OK);
	assert_int_equal(p.n_client_allowed, 0);
	/* no trailing newline */
	assert_int_equal(load("[Lsa]\nLmCompatibilityLevel = 4", &p), NTLM_OK);
	assert_int_equal(p.lm_compat, 4);
}

static void test_conf_utf16(void **state)
{
	(void)state;
	struct ntlm_policy p;
	size_t n;
	uint8_t *b =
		utf16("[Lsa]\r\nLmCompatibilityLevel = 4\r\n[ntlmssp]\r\nMaxClockSkew=60\r\n", &n);
	assert_int_equal(load_n("u16.conf", b, n, &p), NTLM_OK);
	assert_int_equal(p.lm_compat, 4);
	assert_int_equal(p.max_clock_skew, 60);
	assert_int_equal(p.source[NTLM_SET_MAX_CLOCK_SKEW].line, 4);
	free(b);
}

static void test_conf_profile_anywhere(void **state)
{
	(void)state;
	struct ntlm_policy p;

	/* before any section */
	assert_int_equal(load("Profile = windows-default\n[Lsa]\nLmCompatibilityLevel = 4\n", &p),
			 NTLM_OK);
	assert_string_equal(p.profile, "windows-default");
	assert_int_equal(p.lm_compat, 4);
	assert_int_equal(p.min_client_sec, 0x20000000);
	assert_string_equal(p.profile_source.file, "t.conf");
	assert_int_equal(p.profile_source.line, 1);
	assert_string_equal(p.source[NTLM_SET_MIN_CLIENT_SEC].file, "");

	/* at the end, in [ntlmssp]: the earlier lines still override it */
	assert_int_equal(load("[Lsa]\nLmCompatibilityLevel = 5\n[MSV1_0]\n"
			      "RestrictSendingNTLMTraffic = Deny\n"
			      "[ntlmssp]\nMaxClockSkew = 30\nPROFILE = Legacy-Insecure\n",
			      &p),
			 NTLM_OK);
	assert_string_equal(p.profile, "legacy-insecure");
	assert_int_equal(p.lm_compat, 5);
	assert_int_equal(p.restrict_sending, 2);
	assert_int_equal(p.max_clock_skew, 30);
	assert_true(p.allow_anonymous); /* from the profile */
	assert_true(p.insecure);	/* AllowAnonymous is still on */
	assert_int_equal(p.min_server_sec, 0);

	/* overriding the insecure settings makes the policy secure again */
	assert_int_equal(load("Profile = legacy-insecure\n[Lsa]\nLmCompatibilityLevel = 3\n"
			      "[ntlmssp]\nAllowAnonymous = no\n",
			      &p),
			 NTLM_OK);
	assert_false(p.insecure);
	assert_string_equal(p.profile, "legacy-insecure");

	/* strict */
	assert_int_equal(load("Profile = strict\n", &p), NTLM_OK);
	assert_true(p.require_mic);
	assert_true(p.strict_min_sec);
	assert_int_equal(p.channel_bindings, NTLM_CB_REQUIRE);
}

static void test_conf_insecure_flag(void **state)
{
	(void)state;
	struct ntlm_policy p;
	for (unsigned lv = 0; lv <= 5; lv++) {
		char text[64];
		snprintf(text, sizeof(text), "[Lsa]\nLmCompatibilityLevel = %u\n", lv);
		assert_int_equal(load(text, &p), NTLM_OK);
		assert_int_equal(p.insecure, lv < 3);
	}
	assert_int_equal(load("[ntlmssp]\nAllowAnonymous = yes\n", &p), NTLM_OK);
	assert_true(p.insecure);
	/* none of these alone is insecure */
	assert_int_equal(load("[MSV1_0]\nNtlmMinClientSec = 0\nNtlmMinServerSec = 0\n"
			      "[ntlmssp]\nRequireMIC = no\nChannelBindings = Off\n",
			      &p),
			 NTLM_OK);
	assert_false(p.insecure);
}

/* ---- native config: errors ------------------------------------------------------ */

static void test_conf_errors_each(void **state)
{
	(void)state;
	EXPECT1("[MSV1_0]\nNtlmMinClientSecurity = 1\n",
		"t.conf:2: unknown setting 'NtlmMinClientSecurity' in [MSV1_0]");
	EXPECT1("Foo = 1\n", "t.conf:1: unknown setting 'Foo' before any section");
	EXPECT1("[ntlmssp]\nAuditLog = syslog, eventlog\n",
		"t.conf:2: AuditLog entry 'eventlog': not an audit destination");
	EXPECT1("[ntlmssp]\nAuditLog = file:audit.jsonl\n",
		"t.conf:2: AuditLog entry 'file:audit.jsonl': file needs an absolute path");
	EXPECT1("[ntlmssp]\nAuditLog = journal:run/j\n", "journal needs an absolute path");
	EXPECT1("[ntlmssp]\nAuditLog = syslog, none\n",
		"t.conf:2: AuditLog: none cannot be combined with a destination");
	EXPECT1("[ntlmssp]\nAuditLog = none, file:/var/log/a\n",
		"AuditLog: none cannot be combined");
	EXPECT1("[MSV1_1]\nNtlmMinClientSec = 0\nAnything = 1\n",
		"t.conf:1: unknown section [MSV1_1]");
	EXPECT1("[Lsa\n", "t.conf:1: malformed section header '[Lsa'");
	EXPECT1("[Lsa] x\n", "t.conf:1: malformed section header");
	EXPECT1("[Lsa]\nLmCompatibilityLevel = 6\n",
		"t.conf:2: LmCompatibilityLevel = 6: out of range (0..5)");
	EXPECT1("[MSV1_0]\nRestrictSendingNTLMTraffic = 3\n",
		"RestrictSendingNTLMTraffic = 3: out of range (0..2)");
	EXPECT1("[MSV1_0]\nRestrictReceivingNTLMTraffic = 3\n",
		"RestrictReceivingNTLMTraffic = 3: out of range (0..2)");
	EXPECT1("[MSV1_0]\nAuditReceivingNTLMTraffic = 4\n",
		"AuditReceivingNTLMTraffic = 4: out of range (0..2)");
	EXPECT1("[Netlogon]\nRestrictNTLMInDomain = 2\n",
		"RestrictNTLMInDomain = 2: not one of 0, 1, 3, 5, 7");
	EXPECT1("[Netlogon]\nAuditNTLMInDomain = 8\n",
		"AuditNTLMInDomain = 8: not one of 0, 1, 3, 5, 7");
	EXPECT1("[MSV1_0]\nNtlmMinClientSec = 0x20080001\n",
		"t.conf:2: NtlmMinClientSec = 0x20080001: bits 0x00000001 are not allowed");
	EXPECT1("[MSV1_0]\nNtlmMinServerSec = 0xffffffff\n",
		"NtlmMinServerSec = 0xffffffff: bits 0xdff7ffcf are not allowed");
	EXPECT1("[MSV1_0]\nNtlmMinServerSec = 0x40 | Require128\n",
		"NtlmMinServerSec = 0x20000040: bits 0x00000040 are not allowed");
	EXPECT1("[Lsa]\nLmCompatibilityLevel = 12abc\n",
		"LmCompatibilityLevel = '12abc': malformed number '12abc'");
	EXPECT1("[Lsa]\nLmCompatibilityLevel = 0x\n", "malformed number '0x'");
	EXPECT1("[MSV1_0]\nNtlmMinClientSec = 0x2008000g\n", "malformed number '0x2008000g'");
	EXPECT1("[MSV1_0]\nNtlmMinClientSec = 0x100000000\n", "number larger than 32 bits");
	EXPECT1("[Lsa]\nLmCompatibilityLevel = 99999999999\n",
		"LmCompatibilityLevel = '99999999999': number larger than 32 bits");
	EXPECT1("[Lsa]\nLmCompatibilityLevel = -1\n", "not a number or one of SendLMAndNTLM");
	EXPECT1("[MSV1_0]\nRestrictSendingNTLMTraffic = Block\n",
		"RestrictSendingNTLMTraffic = 'Block': not a number or one of Allow, Audit, Deny");
	EXPECT1("[MSV1_0]\nNtlmMinClientSec = Require128|Require129\n",
		"NtlmMinClientSec = 'Require128|Require129': 'Require129' is not a number or one "
		"of RequireIntegrity");
	EXPECT1("[MSV1_0]\nNtlmMinClientSec = Require128||RequireIntegrity\n",
		"NtlmMinClientSec = 'Require128||RequireIntegrity': empty element");
	EXPECT1("[ntlmssp]\nChannelBindings = Maybe\n",
		"ChannelBindings = 'Maybe': not a number or one of Off, Accept, Require");
	EXPECT1("[ntlmssp]\nChannelBindings = 3\n", "ChannelBindings = 3: out of range (0..2)");
	EXPECT1("[ntlmssp]\nRequireMIC = maybe\n",
		"RequireMIC = 'maybe': not a number or one of 0, 1, yes, no, true, false, on, off");
	EXPECT1("[ntlmssp]\nRequireMIC = 2\n", "RequireMIC = 2: not a boolean");
	EXPECT1("[ntlmssp]\nMaxClockSkew = 0\n",
		"MaxClockSkew = 0: out of range (1..86400 seconds)");
	EXPECT1("[ntlmssp]\nMaxClockSkew = 86401\n", "MaxClockSkew = 86401: out of range");
	EXPECT1("[ntlmssp]\nMaxClockSkew = 5min\n", "MaxClockSkew = '5min': malformed number");
	EXPECT1("[ntlmssp]\nMaxClockSkew = forever\n",
		"MaxClockSkew = 'forever': not a number or one of a number of seconds");
	EXPECT1("[Lsa]\nLmCompatibilityLevel 5\n",
		"t.conf:2: missing '=' in 'LmCompatibilityLevel 5' (expected Name = value)");
	EXPECT1("[Lsa]\n= 5\n", "t.conf:2: missing setting name before '='");
	EXPECT1("[Lsa]\nLmCompatibilityLevel =\n", "LmCompatibilityLevel: no value");
	EXPECT1("[Lsa]\nLmCompatibilityLevel = # comment only\n", "LmCompatibilityLevel: no value");
	EXPECT1("[MSV1_0]\nLmCompatibilityLevel = 5\n",
		"t.conf:2: LmCompatibilityLevel belongs in [Lsa], not [MSV1_0]");
	EXPECT1("[ntlmssp]\nRestrictNTLMInDomain = 0\n",
		"RestrictNTLMInDomain belongs in [Netlogon], not [ntlmssp]");
	EXPECT1("RequireMIC = 1\n", "RequireMIC must be in [ntlmssp], not before any section");
	EXPECT1("[Lsa]\nLmCompatibilityLevel = 5\nLMCOMPATIBILITYLEVEL = 4\n",
		"t.conf:3: LmCompatibilityLevel set twice (first at line 2)");
	EXPECT1("[MSV1_0]\nClientAllowedNTLMServers = a\nClientAllowedNTLMServers = b\n",
		"ClientAllowedNTLMServers set twice (first at line 2)");
	EXPECT1("Profile = nonesuch\n",
		"t.conf:1: unknown profile 'nonesuch' (known: cis, windows-default, strict, "
		"legacy-insecure)");
	EXPECT1("Profile =\n", "unknown profile ''");
	EXPECT1("[Lsa]\nProfile = cis\n",
		"t.conf:2: Profile belongs before any section or in [ntlmssp], not in [Lsa]");
	EXPECT1("Profile = cis\n[ntlmssp]\nProfile = strict\n",
		"t.conf:3: Profile set twice (first at line 1)");
	EXPECT1("[MSV1_0]\nClientAllowedNTLMServers = good, bad\x01name\n",
		"ClientAllowedNTLMServers entry 'bad\\x01name': only printable ASCII");
	/* '#' not after whitespace is no comment: it reaches the value */
	EXPECT1("[MSV1_0]\nClientAllowedNTLMServers = a#b\n",
		"ClientAllowedNTLMServers entry 'a#b': only printable ASCII");
	EXPECT1("[MSV1_0]\nClientAllowedNTLMServers = a b\n",
		"ClientAllowedNTLMServers entry 'a b': only printable ASCII");
	EXPECT1("[Netlogon]\nDCAllowedNTLMServers = caf\xc3\xa9\n",
		"DCAllowedNTLMServers entry 'caf\\xc3\\xa9': only printable ASCII");
}

static void test_conf_list_limits(void **state)
{
	(void)state;
	struct ntlm_policy p;
	const size_t cap = 70 * 300 + 100;
	char *text = malloc(cap);
	size_t o = 0;
	assert_non_null(text);

	/* 64 entries of 255 characters: the most that fits */
	o += (size_t)snprintf(text + o, cap - o, "[MSV1_0]\nClientAllowedNTLMServers = ");
	for (int i = 0; i < NTLM_POLICY_MAX_SERVERS; i++) {
		memset(text + o, 'a' + i % 26, NTLM_POLICY_MAX_PATTERN);
		o += NTLM_POLICY_MAX_PATTERN;
		text[o++] = ',';
	}
	text[o++] = '\n';
	text[o] = '\0';
	assert_int_equal(load(text, &p), NTLM_OK);
	assert_int_equal(p.n_client_allowed, NTLM_POLICY_MAX_SERVERS);
	assert_int_equal(strlen(p.client_allowed[63]), NTLM_POLICY_MAX_PATTERN);

	/* one entry more */
	o--;
	memcpy(text + o, "zzz\n", 5);
	EXPECT1(text, "ClientAllowedNTLMServers: more than 64 entries ('zzz' and later dropped)");

	/* one character more */
	o = (size_t)snprintf(text, cap, "[MSV1_0]\nClientAllowedNTLMServers = ");
	memset(text + o, 'x', NTLM_POLICY_MAX_PATTERN + 1);
	o += NTLM_POLICY_MAX_PATTERN + 1;
	memcpy(text + o, "\n", 2);
	EXPECT1(text, "longer than 255 characters");
	free(text);
}

static void test_conf_errors_collected(void **state)
{
	(void)state;
	const char *text = "Profile = cis\n"		      /* 1 */
			   "[MSV1_0]\n"			      /* 2 */
			   "NtlmMinClientSec = 0x1\n"	      /* 3: bad bits */
			   "Bogus = 1\n"		      /* 4: unknown */
			   "RestrictSendingNTLMTraffic = 7\n" /* 5: out of range */
			   "[Nope]\n"			      /* 6: unknown section */
			   "Whatever = 2\n"		      /* 7: skipped */
			   "[Lsa]\n"			      /* 8 */
			   "LmCompatibilityLevel = five\n"    /* 9: bad name */
			   "no equals here\n"		      /* 10: missing '=' */
			   "[ntlmssp]\n"		      /* 11 */
			   "AllowAnonymous = yes\n"	      /* 12: fine */
			   "MaxClockSkew = 0x\n";	      /* 13: malformed */
	const char *const needles[] = {
		"cfg/a.conf:3: NtlmMinClientSec = 0x00000001: bits 0x00000001 are not allowed",
		"cfg/a.conf:4: unknown setting 'Bogus' in [MSV1_0]",
		"cfg/a.conf:5: RestrictSendingNTLMTraffic = 7: out of range (0..2)",
		"cfg/a.conf:6: unknown section [Nope]",
		"cfg/a.conf:9: LmCompatibilityLevel = 'five': not a number",
		"cfg/a.conf:10: missing '=' in 'no equals here'",
		"cfg/a.conf:13: MaxClockSkew = '0x': malformed number",
		NULL,
	};
	expect_errors("cfg/a.conf", text, strlen(text), 7, needles);
	/* in file order */
	assert_true(strstr(errs, ":3:") < strstr(errs, ":4:"));
	assert_true(strstr(errs, ":10:") < strstr(errs, ":13:"));
	assert_int_equal(strncmp(errs, "cfg/a.conf:3:", 13), 0);

	/* Profile lines are read first but reported in their place */
	const char *t2 = "[Lsa]\n"		      /* 1 */
			 "LmCompatibilityLevel = 9\n" /* 2 */
			 "[ntlmssp]\n"		      /* 3 */
			 "Profile = nonesuch\n"	      /* 4 */
			 "Profile = strict\n"	      /* 5: second */
			 "[Lsa\n"		      /* 6: malformed */
			 "Profile = cis\n";	      /* 7: in an unknown section: skipped */
	const char *const nd2[] = {
		"b.conf:2: LmCompatibilityLevel = 9",
		"b.conf:4: unknown profile 'nonesuch'",
		"b.conf:5: Profile set twice (first at line 4)",
		"b.conf:6: malformed section header '[Lsa'",
		NULL,
	};
	expect_errors("b.conf", t2, strlen(t2), 4, nd2);
	assert_true(strstr(errs, "b.conf:2:") < strstr(errs, "b.conf:4:"));
	assert_true(strstr(errs, "b.conf:4:") < strstr(errs, "b.conf:5:"));
}

static void test_errors_buffer_small(void **state)
{
	(void)state;
	struct ntlm_policy p;
	char small[160];
	const size_t cap = 64 * 40;
	char *text = malloc(cap);
	size_t o = 0;
	assert_non_null(text);
	o += (size_t)snprintf(text, cap, "[Lsa]\n");
	for (int i = 0; i < 50; i++)
		o += (size_t)snprintf(text + o, cap - o, "Bad%d = 1\n", i);
	memset(small, 'X', sizeof(small));
	assert_int_equal(
		ntlm_policy_load_buffer("x", (const uint8_t *)text, o, &p, small, sizeof(small)),
		NTLM_E_CONFIG);
	assert_non_null(memchr(small, '\0', sizeof(small)));
	assert_non_null(strstr(small, "x:2: unknown setting 'Bad0' in [Lsa]\n"));
	assert_non_null(strstr(small, "more errors\n"));
	/* whole lines only */
	const char *last = strstr(small, "... and ");
	assert_non_null(last);
	assert_true(last == small || last[-1] == '\n');
	/* NULL errors: still fails, message set */
	assert_int_equal(ntlm_policy_load_buffer("x", (const uint8_t *)text, o, &p, NULL, 0),
			 NTLM_E_CONFIG);
	assert_string_equal(ntlm_error_message(), "x:2: unknown setting 'Bad0' in [Lsa]");
	/* a tiny buffer */
	assert_int_equal(ntlm_policy_load_buffer("x", (const uint8_t *)text, o, &p, small, 5),
			 NTLM_E_CONFIG);
	assert_non_null(memchr(small, '\0', 5));
	free(text);
}

static void test_errors_text_encoding(void **state)
{
	(void)state;
	size_t n;
	uint8_t *b;

	/* truncated UTF-16: odd number of bytes, reported on the last line */
	b = utf16("[Lsa]\r\nLmCompatibilityLevel = 4\r\n", &n);
	{
		const char *const nd[] = { "u.inf:3: UTF-16LE text is truncated", NULL };
		uint8_t *c = malloc(n + 1);
		memcpy(c, b, n);
		c[n] = 'x';
		expect_errors("u.inf", c, n + 1, 1, nd);
		free(c);
	}
	/* an unpaired surrogate on line 2 */
	{
		const char *const nd[] = { "u.conf:2: invalid UTF-16LE (unpaired surrogate)",
					   NULL };
		uint8_t *c = malloc(n);
		memcpy(c, b, n);
		/* "[Lsa]\r\n" is 7 units after the BOM; the next unit starts line 2 */
		c[2 + 2 * 7] = 0x00;
		c[2 + 2 * 7 + 1] = 0xd8;
		expect_errors("u.conf", c, n, 1, nd);
		free(c);
	}
	/* a NUL character */
	{
		const char *const nd[] = { "u.conf:2: NUL character", NULL };
		uint8_t *c = malloc(n);
		memcpy(c, b, n);
		c[2 + 2 * 8] = 0;
		expect_errors("u.conf", c, n, 1, nd);
		free(c);
	}
	free(b);
	/* UTF-16BE */
	{
		const uint8_t be[] = { 0xfe, 0xff, 0, '[', 0, 'L' };
		const char *const nd[] = { "b.conf:1: UTF-16BE text is not supported", NULL };
		expect_errors("b.conf", be, sizeof(be), 1, nd);
	}
	/* UTF-16LE without a BOM */
	{
		const uint8_t le[] = { '[', 0, 'L', 0, 's', 0, 'a', 0, ']', 0 };
		const char *const nd[] = { "looks like UTF-16LE without a byte-order mark", NULL };
		expect_errors("n.conf", le, sizeof(le), 1, nd);
	}
	/* a NUL byte in UTF-8 */
	{
		const char t[] = "[Lsa]\nLmCompat\0ibilityLevel = 3\n";
		const char *const nd[] = { "z.conf:2: NUL byte in the line", NULL };
		expect_errors("z.conf", t, sizeof(t) - 1, 1, nd);
	}
}

static void test_errors_args(void **state)
{
	(void)state;
	struct ntlm_policy p;
	assert_int_equal(ntlm_policy_load_buffer("x", NULL, 0, &p, NULL, 0), NTLM_OK);
	assert_true(is_cis(&p));
	assert_int_equal(ntlm_policy_load_buffer("x", NULL, 3, &p, NULL, 0),
			 NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(ntlm_policy_load_buffer("x", (const uint8_t *)"", 0, NULL, NULL, 0),
			 NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(ntlm_policy_load_file(NULL, &p, NULL, 0), NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(ntlm_policy_load_file(NTLM_POLICY_FIXTURE_DIR "/does-not-exist.conf", &p,
					       errs, sizeof(errs)),
			 NTLM_E_CONFIG);
	assert_non_null(strstr(errs, "does-not-exist.conf: cannot open: "));
	assert_non_null(strstr(ntlm_error_message(), "cannot open"));
	assert_true(is_cis(&p));
	/* a directory opens but does not read */
	assert_int_equal(ntlm_policy_load_file(NTLM_POLICY_FIXTURE_DIR, &p, errs, sizeof(errs)),
			 NTLM_E_CONFIG);
	/* too large */
	{
		size_t big = (4u << 20) + 1;
		uint8_t *b = calloc(1, big);
		assert_non_null(b);
		memset(b, '#', big);
		const char *const nd[] = { "big.conf:1: file too large", NULL };
		expect_errors("big.conf", b, big, 1, nd);
		free(b);
	}
	/* NULL name */
	assert_int_equal(
		ntlm_policy_load_buffer(NULL, (const uint8_t *)"x", 1, &p, errs, sizeof(errs)),
		NTLM_E_CONFIG);
	assert_non_null(strstr(errs, "(policy):1: missing '='"));
}

static void test_policy_set(void **state)
{
	(void)state;
	struct ntlm_policy p;
	assert_int_equal(ntlm_policy_profile("cis", &p), NTLM_OK);
	assert_int_equal(ntlm_policy_set(&p, "restrictsendingntlmtraffic", "Deny"), NTLM_OK);
	assert_int_equal(p.restrict_sending, 2);
	assert_string_equal(p.source[NTLM_SET_RESTRICT_SENDING].file, "(set)");
	assert_int_equal(p.source[NTLM_SET_RESTRICT_SENDING].line, 0);
	assert_int_equal(ntlm_policy_set(&p, "ClientAllowedNTLMServers", "a, b"), NTLM_OK);
	assert_int_equal(p.n_client_allowed, 2);
	assert_int_equal(ntlm_policy_set(&p, "ClientAllowedNTLMServers", "c"), NTLM_OK);
	assert_int_equal(p.n_client_allowed, 1); /* replaced, not appended */
	assert_int_equal(ntlm_policy_set(&p, "AllowAnonymous", "yes"), NTLM_OK);
	assert_true(p.insecure);
	assert_int_equal(ntlm_policy_set(&p, "AllowAnonymous", "no"), NTLM_OK);
	assert_false(p.insecure);
	assert_int_equal(ntlm_policy_set(&p, "LmCompatibilityLevel", "9"), NTLM_E_CONFIG);
	assert_string_equal(ntlm_error_message(), "LmCompatibilityLevel = 9: out of range (0..5)");
	assert_int_equal(p.lm_compat, 5);
	assert_int_equal(ntlm_policy_set(&p, "Nope", "1"), NTLM_E_CONFIG);
	assert_string_equal(ntlm_error_message(), "unknown setting 'Nope'");
	assert_int_equal(ntlm_policy_set(&p, NULL, "1"), NTLM_E_INVALID_ARGUMENT);
}

/* ---- INF ------------------------------------------------------------------------------ */

#define INF_HEAD "[Unicode]\r\nUnicode=yes\r\n[Registry Values]\r\n"
#define MSV "MACHINE\\System\\CurrentControlSet\\Control\\Lsa\\MSV1_0\\"
#define LSA "MACHINE\\System\\CurrentControlSet\\Control\\Lsa\\"
#define NETLOGON "MACHINE\\System\\CurrentControlSet\\Services\\Netlogon\\Parameters\\"

static void test_inf_fixture_utf16(void **state)
{
	(void)state;
	struct ntlm_policy p;
	size_t n;
	uint8_t *b = read_fixture("gpttmpl-cis.inf", &n);
	assert_true(b[0] == 0xff && b[1] == 0xfe);
	assert_int_equal(load_n("gpttmpl-cis.inf", b, n, &p), NTLM_OK);
	assert_int_equal(p.lm_compat, 5);
	assert_int_equal(p.min_client_sec, 0x20080000);
	assert_int_equal(p.min_server_sec, 0x20080000);
	assert_int_equal(p.restrict_sending, 1);
	assert_int_equal(p.n_client_allowed, 2);
	assert_string_equal(p.client_allowed[0], "server1");
	assert_string_equal(p.client_allowed[1], "*.example.com");
	assert_int_equal(p.restrict_receiving, 0);
	assert_int_equal(p.audit_receiving, 2);
	assert_int_equal(p.restrict_in_domain, 0);
	assert_int_equal(p.audit_in_domain, 7);
	assert_int_equal(p.n_dc_allowed, 0);
	assert_string_equal(p.source[NTLM_SET_LM_COMPAT].file, "gpttmpl-cis.inf");
	assert_int_equal(p.source[NTLM_SET_LM_COMPAT].line, 43);
	assert_string_equal(p.source[NTLM_SET_REQUIRE_MIC].file, ""); /* not in an INF */
	free(b);

	/* and through the file API */
	assert_int_equal(ntlm_policy_load_file(NTLM_POLICY_FIXTURE_DIR "/gpttmpl-cis.inf", &p, errs,
					       sizeof(errs)),
			 NTLM_OK);
	assert_int_equal(p.audit_in_domain, 7);
}

static void test_inf_fixture_utf8(void **state)
{
	(void)state;
	struct ntlm_policy p;
	size_t n;
	uint8_t *b = read_fixture("template-utf8.inf", &n);
	assert_int_equal(load_n("template-utf8.inf", b, n, &p), NTLM_OK);
	assert_int_equal(p.lm_compat, 3);
	assert_int_equal(p.min_client_sec, 0x20000000);
	assert_int_equal(p.min_server_sec, 0x20000000);
	assert_int_equal(p.restrict_sending, 2);
	assert_int_equal(p.n_client_allowed, 3);
	assert_string_equal(p.client_allowed[0], "web*");
	assert_string_equal(p.client_allowed[1], "HTTP/intranet.example.com");
	assert_string_equal(p.client_allowed[2], "fileserver");
	assert_int_equal(p.restrict_receiving, 1); /* via ControlSet001 */
	assert_int_equal(p.audit_receiving, 1);
	assert_int_equal(p.n_dc_allowed, 2);
	assert_string_equal(p.dc_allowed[1], "legacy01");

	/* the same with a UTF-8 BOM */
	uint8_t *c = malloc(n + 3);
	memcpy(c, "\xef\xbb\xbf", 3);
	memcpy(c + 3, b, n);
	assert_int_equal(load_n("bom.inf", c, n + 3, &p), NTLM_OK);
	assert_int_equal(p.restrict_sending, 2);
	free(c);
	free(b);
}

static void test_inf_only_registry_values(void **state)
{
	(void)state;
	struct ntlm_policy p;
	/* our names in other sections are not read; junk there is ignored */
	const char *t =
		"[Version]\nsignature=\"$CHICAGO$\"\n"
		"[System Access]\nLmCompatibilityLevel = 0\nthis line has no equals\n"
		"[Registry Values]\n" LSA "LmCompatibilityLevel=4,4\n"
		"; a comment\n"
		"MACHINE\\Software\\X\\RestrictSendingNTLMTraffic=4,99\n"
		"USER\\Software\\Y\\LmCompatibilityLevel=4,0\n" LSA "NoLMHash=4,1\n" LSA
		"MSV1_0\\Other=9,whatever\n" LSA "RestrictRemoteSAM=1,\"O:BAG:BAD:(A;;RC;;;BA)\"\n"
		"[Privilege Rights]\nSeDebugPrivilege = *S-1-5-32-544\n";
	assert_int_equal(load_n("x.inf", t, strlen(t), &p), NTLM_OK);
	assert_int_equal(p.lm_compat, 4);
	/* what the INF does not set is not defined: the Windows default */
	assert_int_equal(p.restrict_sending, 0);
	assert_true(p.source[NTLM_SET_RESTRICT_SENDING].undefined);
	assert_false(p.source[NTLM_SET_LM_COMPAT].undefined);
	assert_string_equal(p.profile, "windows-default");
	/* empty MULTI_SZ, with and without the comma */
	t = INF_HEAD MSV "ClientAllowedNTLMServers=7,\r\n" NETLOGON "DCAllowedNTLMServers=7\r\n";
	assert_int_equal(load_n("x.inf", t, strlen(t), &p), NTLM_OK);
	assert_int_equal(p.n_client_allowed, 0);
	assert_int_equal(p.n_dc_allowed, 0);
	assert_int_equal(p.source[NTLM_SET_DC_ALLOWED_SERVERS].line, 5);
}

static void test_inf_errors(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		const char *needle;
	} cases[] = {
		{ INF_HEAD MSV "NTLMMinClientSec=1,\"537395200\"\r\n",
		  "x.inf:4: NtlmMinClientSec: registry type 1 (REG_SZ), expected 4 (REG_DWORD)" },
		{ INF_HEAD MSV "ClientAllowedNTLMServers=4,1\r\n",
		  "ClientAllowedNTLMServers: registry type 4 (REG_DWORD), expected 7 "
		  "(REG_MULTI_SZ)" },
		{ INF_HEAD LSA "RestrictSendingNTLMTraffic=4,2\r\n",
		  "x.inf:4: RestrictSendingNTLMTraffic is under "
		  "System\\\\CurrentControlSet\\\\Control\\\\Lsa; it belongs under "
		  "System\\CurrentControlSet\\Control\\Lsa\\MSV1_0" },
		{ INF_HEAD LSA "RestrictNTLMInDomain=4,7\r\n",
		  "RestrictNTLMInDomain is under System\\\\CurrentControlSet\\\\Control\\\\Lsa; it "
		  "belongs under System\\CurrentControlSet\\Services\\Netlogon\\Parameters" },
		{ INF_HEAD MSV "LmCompatibilityLevel=4,5\r\n",
		  "LmCompatibilityLevel is under "
		  "System\\\\CurrentControlSet\\\\Control\\\\Lsa\\\\MSV1_0" },
		{ INF_HEAD "MACHINE\\System\\CurrentControlSet\\Services\\Netlogon\\"
			   "AuditNTLMInDomain=4,7\r\n",
		  "AuditNTLMInDomain is under" },
		{ INF_HEAD LSA "LmCompatibilityLevel=4,6\r\n",
		  "x.inf:4: LmCompatibilityLevel = 6: out of range (0..5)" },
		{ INF_HEAD MSV "NTLMMinServerSec=4,537395201\r\n",
		  "NtlmMinServerSec = 0x20080001: bits 0x00000001 are not allowed" },
		{ INF_HEAD NETLOGON "RestrictNTLMInDomain=4,4\r\n",
		  "RestrictNTLMInDomain = 4: not one of 0, 1, 3, 5, 7" },
		{ INF_HEAD MSV "RestrictSendingNTLMTraffic=4,Deny\r\n",
		  "RestrictSendingNTLMTraffic = 'Deny': malformed number" },
		{ INF_HEAD MSV "RestrictSendingNTLMTraffic=4,0x\r\n",
		  "RestrictSendingNTLMTraffic = '0x': malformed number" },
		{ INF_HEAD MSV "RestrictSendingNTLMTraffic=4,4294967296\r\n",
		  "number larger than 32 bits" },
		{ INF_HEAD MSV "RestrictSendingNTLMTraffic=x,1\r\n",
		  "RestrictSendingNTLMTraffic: registry type 'x' is not a number" },
		{ INF_HEAD MSV "RestrictSendingNTLMTraffic=4\r\n",
		  "RestrictSendingNTLMTraffic: expected 'type,value' after '=', found '4'" },
		{ INF_HEAD MSV "RestrictSendingNTLMTraffic 4,1\r\n", "x.inf:4: missing '='" },
		{ INF_HEAD "\"" MSV "RestrictSendingNTLMTraffic\" 4,1\r\n", "missing '='" },
		{ INF_HEAD "\"" MSV "RestrictSendingNTLMTraffic=4,1\r\n", "missing '='" },
		{ INF_HEAD "[Registry Values\r\n", "x.inf:4: malformed section header" },
		{ INF_HEAD MSV "ClientAllowedNTLMServers=7,ok,not ok\r\n",
		  "ClientAllowedNTLMServers entry 'not ok'" },
		{ INF_HEAD MSV "RestrictSendingNTLMTraffic=4,1\r\n" MSV
			       "restrictsendingntlmtraffic=4,2\r\n",
		  "x.inf:5: RestrictSendingNTLMTraffic set twice (first at line 4)" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *const nd[] = { cases[i].needle, NULL };
		expect_errors("x.inf", cases[i].text, strlen(cases[i].text), 1, nd);
	}
}

static void test_inf_misplaced_and_right(void **state)
{
	(void)state;
	/* the misplaced copy is reported once; the right one still loads */
	const char *t = INF_HEAD LSA "RestrictSendingNTLMTraffic=4,2\r\n" MSV
				     "RestrictSendingNTLMTraffic=4,2\r\n";
	const char *const nd[] = { "x.inf:4: RestrictSendingNTLMTraffic is under", NULL };
	expect_errors("x.inf", t, strlen(t), 1, nd);
}

static void test_inf_errors_collected_utf16(void **state)
{
	(void)state;
	size_t n;
	uint8_t *b = utf16(INF_HEAD LSA "LmCompatibilityLevel=4,9\r\n" /* 4 */
			   LSA "RestrictSendingNTLMTraffic=4,1\r\n"    /* 5 */
			   MSV "NTLMMinClientSec=7,a,b\r\n"	       /* 6 */
			   MSV "NTLMMinServerSec=4,537395200\r\n"      /* 7: fine */
			   NETLOGON "AuditNTLMInDomain=4,6\r\n",       /* 8 */
			   &n);
	const char *const nd[] = {
		"GptTmpl.inf:4: LmCompatibilityLevel = 9",
		"GptTmpl.inf:5: RestrictSendingNTLMTraffic is under",
		"GptTmpl.inf:6: NtlmMinClientSec: registry type 7 (REG_MULTI_SZ)",
		"GptTmpl.inf:8: AuditNTLMInDomain = 6: not one of",
		NULL,
	};
	expect_errors("GptTmpl.inf", b, n, 4, nd);
	free(b);
}

/* ---- .reg ------------------------------------------------------------------------------ */

#define REG5 "Windows Registry Editor Version 5.00\r\n\r\n"
#define REG4 "REGEDIT4\r\n\r\n"
#define K_LSA "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Lsa]\r\n"
#define K_MSV "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Lsa\\MSV1_0]\r\n"
#define K_NET "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Netlogon\\Parameters]\r\n"

static void test_reg_fixture_v5(void **state)
{
	(void)state;
	struct ntlm_policy p;
	size_t n;
	uint8_t *b = read_fixture("export-v5.reg", &n);
	assert_true(b[0] == 0xff && b[1] == 0xfe);
	assert_int_equal(load_n("export-v5.reg", b, n, &p), NTLM_OK);
	assert_int_equal(p.lm_compat, 5);
	assert_int_equal(p.min_client_sec, 0x20080000);
	assert_int_equal(p.min_server_sec, 0x20080000); /* hex(4) */
	assert_int_equal(p.restrict_sending, 2);
	assert_int_equal(p.n_client_allowed, 6);
	assert_string_equal(p.client_allowed[0], "*.corp.example.com");
	assert_string_equal(p.client_allowed[2], "HTTP/intranet.example.com");
	assert_string_equal(p.client_allowed[5], "legacy-app-01:8080");
	assert_int_equal(p.restrict_receiving, 1);
	assert_int_equal(p.audit_receiving, 2);
	assert_int_equal(p.restrict_in_domain, 3);
	assert_int_equal(p.audit_in_domain, 7);
	assert_int_equal(p.n_dc_allowed, 2);
	assert_string_equal(p.dc_allowed[0], "app*");
	free(b);
}

static void test_reg_fixture_regedit4(void **state)
{
	(void)state;
	struct ntlm_policy p;
	size_t n;
	uint8_t *b = read_fixture("export-regedit4.reg", &n);
	assert_int_equal(load_n("export-regedit4.reg", b, n, &p), NTLM_OK);
	assert_int_equal(p.lm_compat, 4);
	assert_int_equal(p.min_client_sec, 0x20080000);
	assert_int_equal(p.min_server_sec, 0x00080000);
	assert_int_equal(p.restrict_sending, 2);
	assert_int_equal(p.n_client_allowed, 2);
	assert_string_equal(p.client_allowed[0], "*.example.com");
	assert_string_equal(p.client_allowed[1], "web*");
	assert_int_equal(p.audit_receiving, 1);
	assert_int_equal(p.n_dc_allowed, 1);
	assert_string_equal(p.dc_allowed[0], "legacy01");
	free(b);
}

static void test_reg_values(void **state)
{
	(void)state;
	struct ntlm_policy p;
	/* continuation lines, HKLM abbreviation, lower-case dword, other hives */
	const char *t = REG5 "[HKLM\\System\\CurrentControlSet\\Control\\Lsa\\MSV1_0]\r\n"
			     "\"ClientAllowedNTLMServers\"=hex(7):61,00,2a,00,00,00,\\\r\n"
			     "  62,00,00,00,\\\r\n"
			     "  00,00\r\n"
			     "\"RestrictSendingNTLMTraffic\"=DWORD:2\r\n"
			     "\"Other\"=hex(2):25,00\r\n"
			     "@=\"default value\"\r\n"
			     "[HKEY_CURRENT_USER\\System\\CurrentControlSet\\Control\\Lsa]\r\n"
			     "\"LmCompatibilityLevel\"=dword:00000000\r\n"
			     "[-HKEY_LOCAL_MACHINE\\SOFTWARE\\Unrelated]\r\n"
			     "\"LmCompatibilityLevel\"=dword:00000000\r\n";
	size_t n;
	uint8_t *b = utf16(t, &n);
	assert_int_equal(load_n("c.reg", b, n, &p), NTLM_OK);
	free(b);
	assert_int_equal(p.n_client_allowed, 2);
	assert_string_equal(p.client_allowed[0], "a*");
	assert_string_equal(p.client_allowed[1], "b");
	assert_int_equal(p.source[NTLM_SET_CLIENT_ALLOWED_SERVERS].line, 4);
	assert_int_equal(p.restrict_sending, 2);
	assert_int_equal(p.source[NTLM_SET_RESTRICT_SENDING].line, 7);
	assert_int_equal(p.lm_compat, 3); /* not set: the Windows default */
	assert_true(p.source[NTLM_SET_LM_COMPAT].undefined);

	/* empty multi-strings: no data, or one NUL */
	t = REG5 K_MSV "\"ClientAllowedNTLMServers\"=hex(7):\r\n" K_NET
		       "\"DCAllowedNTLMServers\"=hex(7):00,00\r\n";
	b = utf16(t, &n);
	assert_int_equal(load_n("e.reg", b, n, &p), NTLM_OK);
	free(b);
	assert_int_equal(p.n_client_allowed, 0);
	assert_int_equal(p.n_dc_allowed, 0);

	/* UTF-8 .reg (what some tools write); a key deleted that is not ours */
	t = REG5 K_LSA "\"LmCompatibilityLevel\"=dword:3\r\n";
	assert_int_equal(load_n("u8.reg", t, strlen(t), &p), NTLM_OK);
	assert_int_equal(p.lm_compat, 3);
	/* escaped quote in a name that is not ours */
	t = REG4 K_LSA "\"we\\\"ird\"=dword:1\r\n\"LmCompatibilityLevel\"=dword:00000004\r\n";
	assert_int_equal(load_n("q.reg", t, strlen(t), &p), NTLM_OK);
	assert_int_equal(p.lm_compat, 4);
}

static void test_reg_errors(void **state)
{
	(void)state;
	static const struct {
		bool v5;
		const char *text;
		const char *needle;
	} cases[] = {
		{ true, K_MSV "\"NTLMMinClientSec\"=\"537395200\"\r\n",
		  "r.reg:4: NtlmMinClientSec: registry type 1 (REG_SZ), expected 4 (REG_DWORD)" },
		{ true, K_MSV "\"NTLMMinClientSec\"=hex:00,00,08,20\r\n",
		  "NtlmMinClientSec: registry type 3 (REG_BINARY), expected 4" },
		{ true, K_MSV "\"NTLMMinClientSec\"=hex(b):00,00,08,20,00,00,00,00\r\n",
		  "NtlmMinClientSec: registry type 11 (REG_QWORD)" },
		{ true, K_MSV "\"ClientAllowedNTLMServers\"=dword:00000001\r\n",
		  "ClientAllowedNTLMServers: registry type 4 (REG_DWORD), expected 7 "
		  "(REG_MULTI_SZ)" },
		{ true, K_MSV "\"ClientAllowedNTLMServers\"=\"web*\"\r\n",
		  "ClientAllowedNTLMServers: registry type 1 (REG_SZ)" },
		{ true, K_LSA "\"RestrictSendingNTLMTraffic\"=dword:00000002\r\n",
		  "r.reg:4: RestrictSendingNTLMTraffic is under "
		  "SYSTEM\\\\CurrentControlSet\\\\Control\\\\Lsa; it belongs under" },
		{ true,
		  "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Netlogon]\r\n"
		  "\"RestrictNTLMInDomain\"=dword:00000007\r\n",
		  "RestrictNTLMInDomain is under "
		  "SYSTEM\\\\CurrentControlSet\\\\Services\\\\Netlogon" },
		{ true, K_LSA "\"LmCompatibilityLevel\"=dword:00000006\r\n",
		  "r.reg:4: LmCompatibilityLevel = 6: out of range (0..5)" },
		{ true, K_MSV "\"NTLMMinServerSec\"=dword:20080001\r\n",
		  "NtlmMinServerSec = 0x20080001: bits 0x00000001 are not allowed" },
		{ true, K_MSV "\"NTLMMinServerSec\"=dword:2008000g\r\n",
		  "NtlmMinServerSec = dword:'2008000g': malformed" },
		{ true, K_MSV "\"NTLMMinServerSec\"=dword:120080000\r\n",
		  "NtlmMinServerSec = dword:'120080000': malformed" },
		{ true, K_MSV "\"NTLMMinServerSec\"=dword:\r\n", "malformed (1 to 8 hex digits" },
		{ true, K_MSV "\"NTLMMinServerSec\"=hex(4):00,00,08\r\n",
		  "NtlmMinServerSec: hex(4) data has 3 bytes, a REG_DWORD has 4" },
		{ true, K_MSV "\"NTLMMinServerSec\"=hex(4):00,00,08,2x\r\n",
		  "NtlmMinServerSec: malformed hex byte '2x'" },
		{ true, K_MSV "\"NTLMMinServerSec\"=hex(4):00,,08,20\r\n",
		  "malformed hex byte ''" },
		{ true, K_MSV "\"NTLMMinServerSec\"=hex(4):000,08,20,00\r\n",
		  "malformed hex byte '000'" },
		{ true, K_MSV "\"NTLMMinServerSec\"=hex(zz):00\r\n",
		  "NtlmMinServerSec: malformed hex(type)" },
		{ true, K_MSV "\"NTLMMinServerSec\"=hex(4)00\r\n", "malformed hex(type)" },
		{ true, K_MSV "\"NTLMMinServerSec\"=word:00\r\n",
		  "NtlmMinServerSec: unrecognised value data 'word:00'" },
		{ true, K_MSV "\"NTLMMinServerSec\"=-\r\n\"NTLMMinServerSec\"=dword:0\r\n",
		  "r.reg:5: NtlmMinServerSec set twice (first at line 4)" },
		{ true, K_MSV "\"RestrictSendingNTLMTrafic\"=dword:2\r\n",
		  "r.reg:4: unknown setting 'RestrictSendingNTLMTrafic' under "
		  "SYSTEM\\\\CurrentControlSet\\\\Control\\\\Lsa\\\\MSV1_0 (did you mean "
		  "RestrictSendingNTLMTraffic?)" },
		{ true, K_MSV "\"ClientAllowedNTLMServers\"=hex(7):61,00,62,00,00,00\r\n",
		  "ClientAllowedNTLMServers: hex(7) data without terminator" },
		{ true, K_MSV "\"ClientAllowedNTLMServers\"=hex(7):61,00,62,00\r\n",
		  "ClientAllowedNTLMServers: hex(7) data without terminator" },
		{ true, K_MSV "\"ClientAllowedNTLMServers\"=hex(7):61,00,00,00,00\r\n",
		  "ClientAllowedNTLMServers: hex(7) data is truncated UTF-16LE (odd number of "
		  "bytes: 5)" },
		{ true, K_MSV "\"ClientAllowedNTLMServers\"=hex(7):61,00,00,00,00,00,62,00\r\n",
		  "hex(7) data continues after the terminating empty string" },
		{ true, K_MSV "\"ClientAllowedNTLMServers\"=hex(7):00,d8,00,00,00,00\r\n",
		  "ClientAllowedNTLMServers: hex(7) string is not valid UTF-16LE" },
		{ true, K_MSV "\"ClientAllowedNTLMServers\"=hex(7):20,00,00,00,00,00\r\n",
		  "ClientAllowedNTLMServers entry ' ': only printable ASCII" },
		{ false, K_MSV "\"ClientAllowedNTLMServers\"=hex(7):61,62\r\n",
		  "hex(7) data without terminator (a REG_MULTI_SZ ends with an empty string: "
		  "00,00)" },
		{ false, K_MSV "\"ClientAllowedNTLMServers\"=hex(7):61,00\r\n",
		  "hex(7) data without terminator" },
		{ false, K_MSV "\"ClientAllowedNTLMServers\"=hex(7):e9,00,00\r\n",
		  "ClientAllowedNTLMServers entry '\\xe9': only printable ASCII" },
		{ true, "[HKEY_LOCAL_MACHINE\\SYSTEM\r\n", "r.reg:3: malformed key line" },
		{ true, K_MSV "\"NTLMMinServerSec=dword:0\r\n",
		  "r.reg:4: unterminated value name" },
		{ true, K_MSV "\"NTLMMinServerSec\" dword:0\r\n", "r.reg:4: missing '='" },
		{ true, K_MSV "NTLMMinServerSec=dword:0\r\n",
		  "r.reg:4: malformed line 'NTLMMinServerSec=dword:0'" },
		{ true, K_MSV "\"NTLMMinServerSec\"=dword:0\r\n\"ntlmminserversec\"=dword:0\r\n",
		  "r.reg:5: NtlmMinServerSec set twice (first at line 4)" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char text[512];
		size_t n;
		snprintf(text, sizeof(text), "%s%s", cases[i].v5 ? REG5 : REG4, cases[i].text);
		const char *const nd[] = { cases[i].needle, NULL };
		unsigned expect = 1;
		if (cases[i].v5) {
			uint8_t *b = utf16(text, &n);
			expect_errors("r.reg", b, n, expect, nd);
			free(b);
		} else {
			expect_errors("r.reg", text, strlen(text), expect, nd);
		}
	}
}

static void test_reg_errors_collected(void **state)
{
	(void)state;
	{
		/* a value of the wrong type still counts as set */
		const char *t = REG4 K_MSV "\"NTLMMinServerSec\"=\"x\"\r\n"
					   "\"ntlmminserversec\"=dword:0\r\n";
		const char *const nd[] = { "r.reg:4: NtlmMinServerSec: registry type 1",
					   "r.reg:5: NtlmMinServerSec set twice (first at line 4)",
					   NULL };
		expect_errors("r.reg", t, strlen(t), 2, nd);
	}
	const char *t = REG4 K_LSA					  /* 3 */
		"\"LmCompatibilityLevel\"=dword:00000007\r\n"		  /* 4 */
		"\"RestrictSendingNTLMTraffic\"=dword:00000001\r\n" K_MSV /* 5, 6 */
		"\"ClientAllowedNTLMServers\"=hex(7):61,62,\\\r\n"	  /* 7 */
		"  63,00\r\n"						  /* 8 */
		"\"NTLMMinClientSec\"=dword:20080000\r\n"		  /* 9: fine */
		"garbage\r\n";						  /* 10 */
	const char *const nd[] = {
		"x.reg:4: LmCompatibilityLevel = 7",
		"x.reg:5: RestrictSendingNTLMTraffic is under",
		"x.reg:7: ClientAllowedNTLMServers: hex(7) data without terminator",
		"x.reg:10: malformed line 'garbage'",
		NULL,
	};
	expect_errors("x.reg", t, strlen(t), 4, nd);
}

/* ---- detection and round trips ----------------------------------------------------------- */

static void test_detect(void **state)
{
	(void)state;
	struct ntlm_policy p;
	/* an INF is recognised by [Version] even after other sections */
	const char *t = "[System Access]\nFoo = 1\n[Version]\nsignature=\"$CHICAGO$\"\n";
	assert_int_equal(load_n("d.inf", t, strlen(t), &p), NTLM_OK);
	/* ... but a native file with an INF-only section name is reported */
	EXPECT1("[System Access]\nFoo = 1\n", "t.conf:1: unknown section [System Access]");
	/* REGEDIT4 must be the first non-blank line */
	t = "\r\n  \r\nREGEDIT4\r\n" K_LSA "\"LmCompatibilityLevel\"=dword:4\r\n";
	assert_int_equal(load_n("d.reg", t, strlen(t), &p), NTLM_OK);
	assert_int_equal(p.lm_compat, 4);
	EXPECT1("# x\nREGEDIT4\n", "t.conf:2: missing '=' in 'REGEDIT4'");
}

static void roundtrip(const struct ntlm_policy *a)
{
	static char text[NTLM_POLICY_TEXT_MAX];
	struct ntlm_policy b;
	assert_int_equal(ntlm_policy_write_native(a, text, sizeof(text)), NTLM_OK);
	if (load(text, &b) != NTLM_OK) {
		print_error("%s\n%s", errs, text);
		fail();
	}
	assert_string_equal(a->profile, b.profile);
	assert_int_equal(a->insecure, b.insecure);
	assert_int_equal(a->lm_compat, b.lm_compat);
	assert_int_equal(a->min_client_sec, b.min_client_sec);
	assert_int_equal(a->min_server_sec, b.min_server_sec);
	assert_int_equal(a->restrict_sending, b.restrict_sending);
	assert_int_equal(a->restrict_receiving, b.restrict_receiving);
	assert_int_equal(a->audit_receiving, b.audit_receiving);
	assert_int_equal(a->restrict_in_domain, b.restrict_in_domain);
	assert_int_equal(a->audit_in_domain, b.audit_in_domain);
	assert_int_equal(a->strict_min_sec, b.strict_min_sec);
	assert_int_equal(a->require_mic, b.require_mic);
	assert_int_equal(a->channel_bindings, b.channel_bindings);
	assert_int_equal(a->max_clock_skew, b.max_clock_skew);
	assert_int_equal(a->allow_anonymous, b.allow_anonymous);
	assert_int_equal(a->audit_failure, b.audit_failure);
	assert_int_equal(a->n_client_allowed, b.n_client_allowed);
	for (size_t i = 0; i < a->n_client_allowed; i++)
		assert_string_equal(a->client_allowed[i], b.client_allowed[i]);
	assert_int_equal(a->n_dc_allowed, b.n_dc_allowed);
	for (size_t i = 0; i < a->n_dc_allowed; i++)
		assert_string_equal(a->dc_allowed[i], b.dc_allowed[i]);
}

static void test_roundtrip_native(void **state)
{
	(void)state;
	static const char *const files[] = { "gpttmpl-cis.inf", "template-utf8.inf",
					     "export-regedit4.reg", "export-v5.reg" };
	struct ntlm_policy p;
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		size_t n;
		uint8_t *b = read_fixture(files[i], &n);
		assert_int_equal(load_n(files[i], b, n, &p), NTLM_OK);
		roundtrip(&p);
		free(b);
	}
	for (const char *const *name = ntlm_policy_profile_names(); *name; name++) {
		assert_int_equal(ntlm_policy_profile(*name, &p), NTLM_OK);
		roundtrip(&p);
	}
}

/* AuditLog (issue 12 item 4): syslog in every profile, a list of
 * destinations in order, none alone. */
static void test_audit_log_setting(void **state)
{
	(void)state;
	struct ntlm_policy p;
	const char *const profiles[] = { "cis", "windows-default", "strict", "legacy-insecure" };
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(ntlm_policy_profile(profiles[i], &p), NTLM_OK);
		assert_int_equal(p.n_audit_log, 1);
		assert_string_equal(p.audit_log[0], "syslog");
	}
	assert_int_equal(load("[ntlmssp]\nAuditLog = journal, file:/var/log/ntlm.jsonl, "
			      "syslog:/srv/chroot/dev/log\n",
			      &p),
			 NTLM_OK);
	assert_int_equal(p.n_audit_log, 3);
	assert_string_equal(p.audit_log[0], "journal");
	assert_string_equal(p.audit_log[1], "file:/var/log/ntlm.jsonl");
	assert_string_equal(p.audit_log[2], "syslog:/srv/chroot/dev/log");
	assert_int_equal(load("[ntlmssp]\nAuditLog = none\n", &p), NTLM_OK);
	assert_int_equal(p.n_audit_log, 1);
	assert_string_equal(p.audit_log[0], "none");
	/* a file that does not name it keeps the default */
	assert_int_equal(load("[Lsa]\nLmCompatibilityLevel = 5\n", &p), NTLM_OK);
	assert_int_equal(p.n_audit_log, 1);
	assert_string_equal(p.audit_log[0], "syslog");
}

static void test_etc_example_is_cis(void **state)
{
	(void)state;
	struct ntlm_policy p, c;
	assert_int_equal(ntlm_policy_load_file(NTLM_POLICY_FIXTURE_DIR "/../../etc/ntlmssp.conf",
					       &p, errs, sizeof(errs)),
			 NTLM_OK);
	assert_int_equal(ntlm_policy_profile("cis", &c), NTLM_OK);
	/* every setting spelled out (a file source), and every value cis's */
	for (unsigned i = 0; i < NTLM_SET_COUNT; i++)
		assert_true(p.source[i].line > 0);
	memcpy(p.source, c.source, sizeof(p.source));
	memcpy(&p.profile_source, &c.profile_source, sizeof(p.profile_source));
	assert_memory_equal(&p, &c, sizeof(p));
}

/* "Not defined" is the Windows default: an INF or .reg starts there, a .reg
 * deletion ("Name"=- or [-key]) makes a value not defined again, and a near
 * miss of one of our names under one of our keys is an error with file:line. */
static void test_not_defined(void **state)
{
	(void)state;
	struct ntlm_policy p, wd;
	char text[4096];
	const char *t;

	assert_int_equal(ntlm_policy_profile("windows-default", &wd), NTLM_OK);
	/* an INF that sets only LmCompatibilityLevel */
	t = INF_HEAD LSA "LmCompatibilityLevel=4,5\r\n";
	assert_int_equal(load_n("g.inf", t, strlen(t), &p), NTLM_OK);
	assert_int_equal(p.lm_compat, 5);
	assert_false(p.source[NTLM_SET_LM_COMPAT].undefined);
	for (unsigned i = 0; i < NTLM_SET_COUNT; i++) {
		if (i == NTLM_SET_LM_COMPAT)
			continue;
		assert_true(p.source[i].undefined);
		assert_string_equal(p.source[i].file, "");
	}
	assert_int_equal(p.restrict_sending, wd.restrict_sending);
	assert_int_equal(p.audit_receiving, wd.audit_receiving);
	assert_int_equal(p.channel_bindings, wd.channel_bindings);
	assert_int_equal(p.min_client_sec, wd.min_client_sec);
	assert_int_equal(ntlm_policy_dump(&p, text, sizeof(text)), NTLM_OK);
	assert_non_null(strstr(text, "RestrictSendingNTLMTraffic = 0  # Allow; not defined "
				     "(Windows default)\n"));
	assert_non_null(strstr(text, "LmCompatibilityLevel = 5  # SendNTLMv2OnlyRefuseLMAndNTLM; "
				     "g.inf:4\n"));

	/* "Name"=- after a set in an earlier file; here within one file */
	t = REG5 K_MSV "\"RestrictSendingNTLMTraffic\"=-\r\n"
		       "\"NtlmMinClientSec\"=dword:20080000\r\n";
	assert_int_equal(load_n("d.reg", t, strlen(t), &p), NTLM_OK);
	assert_int_equal(p.restrict_sending, 0);
	assert_true(p.source[NTLM_SET_RESTRICT_SENDING].undefined);
	assert_int_equal(p.source[NTLM_SET_RESTRICT_SENDING].line, 4);
	assert_string_equal(p.source[NTLM_SET_RESTRICT_SENDING].file, "d.reg");
	assert_int_equal(ntlm_policy_dump(&p, text, sizeof(text)), NTLM_OK);
	assert_non_null(strstr(text, "RestrictSendingNTLMTraffic = 0  # Allow; not defined "
				     "(Windows default): deleted at d.reg:4\n"));

	/* [-key]: every value of ours at or below it; a later [key] may set again */
	t = REG5 K_MSV "\"RestrictSendingNTLMTraffic\"=dword:2\r\n"
		       "[-HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Lsa]\r\n" K_MSV
		       "\"NtlmMinClientSec\"=dword:20080000\r\n";
	assert_int_equal(load_n("k.reg", t, strlen(t), &p), NTLM_OK);
	assert_int_equal(p.restrict_sending, 0);
	assert_true(p.source[NTLM_SET_RESTRICT_SENDING].undefined);
	assert_int_equal(p.source[NTLM_SET_RESTRICT_SENDING].line, 5);
	assert_true(p.source[NTLM_SET_LM_COMPAT].undefined);
	assert_int_equal(p.min_client_sec, 0x20080000);
	assert_false(p.source[NTLM_SET_MIN_CLIENT_SEC].undefined);
	/* the Netlogon key is not below Lsa */
	assert_true(p.source[NTLM_SET_RESTRICT_IN_DOMAIN].undefined);
	assert_string_equal(p.source[NTLM_SET_RESTRICT_IN_DOMAIN].file, "");

	/* near misses of our names under our keys: errors; other values: skipped */
	t = INF_HEAD MSV "RestrictSendingNTLMTrafic=4,2\r\n" MSV
			 "allownullsessionfallback=4,0\r\n" NETLOGON "RequireSignOrSeal=4,1\r\n" LSA
			 "LmCompatibiltyLevel=4,5\r\n" LSA "NoLMHash=4,1\r\n";
	assert_int_equal(load_n("typo.inf", t, strlen(t), &p), NTLM_E_CONFIG);
	assert_non_null(strstr(errs,
			       "typo.inf:4: unknown setting 'RestrictSendingNTLMTrafic' "
			       "under System\\\\CurrentControlSet\\\\Control\\\\Lsa\\\\MSV1_0 "
			       "(did you mean RestrictSendingNTLMTraffic?)\n"));
	assert_non_null(strstr(errs, "typo.inf:7: unknown setting 'LmCompatibiltyLevel'"));
	assert_int_equal(count_lines(errs), 2);
	/* a native file still starts from cis */
	assert_int_equal(load("[Lsa]\nLmCompatibilityLevel = 4\n", &p), NTLM_OK);
	assert_int_equal(p.restrict_sending, 1);
	assert_false(p.source[NTLM_SET_RESTRICT_SENDING].undefined);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conf_empty_is_cis),
		cmocka_unit_test(test_conf_all_settings),
		cmocka_unit_test(test_conf_symbolic_names),
		cmocka_unit_test(test_conf_syntax_variants),
		cmocka_unit_test(test_conf_utf16),
		cmocka_unit_test(test_conf_profile_anywhere),
		cmocka_unit_test(test_conf_insecure_flag),
		cmocka_unit_test(test_conf_errors_each),
		cmocka_unit_test(test_audit_log_setting),
		cmocka_unit_test(test_conf_list_limits),
		cmocka_unit_test(test_conf_errors_collected),
		cmocka_unit_test(test_errors_buffer_small),
		cmocka_unit_test(test_errors_text_encoding),
		cmocka_unit_test(test_errors_args),
		cmocka_unit_test(test_policy_set),
		cmocka_unit_test(test_inf_fixture_utf16),
		cmocka_unit_test(test_inf_fixture_utf8),
		cmocka_unit_test(test_inf_only_registry_values),
		cmocka_unit_test(test_inf_errors),
		cmocka_unit_test(test_inf_misplaced_and_right),
		cmocka_unit_test(test_inf_errors_collected_utf16),
		cmocka_unit_test(test_reg_fixture_v5),
		cmocka_unit_test(test_reg_fixture_regedit4),
		cmocka_unit_test(test_reg_values),
		cmocka_unit_test(test_reg_errors),
		cmocka_unit_test(test_reg_errors_collected),
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_roundtrip_native),
		cmocka_unit_test(test_etc_example_is_cis),
		cmocka_unit_test(test_not_defined),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
