/* SPDX-License-Identifier: MIT */
/* policy decisions: truth tables for NtlmMin*Sec, RestrictSending +
 * ClientAllowedNTLMServers, RestrictReceiving x AuditReceiving,
 * LmCompatibilityLevel x response type, the client's NEGOTIATE flags, and
 * our RequireMIC / ChannelBindings / MaxClockSkew. */
#include <stdio.h>
#include <string.h>

#include "testutil.h"
#include "policy/policy.h"

static struct ntlm_policy base(const char *profile)
{
	struct ntlm_policy p;
	assert_int_equal(ntlm_policy_profile(profile, &p), NTLM_OK);
	return p;
}

#define assert_reason_has(v, s)                                                    \
	do {                                                                       \
		if (!strstr((v)->reason, (s))) {                                   \
			print_error("reason '%s' lacks '%s'\n", (v)->reason, (s)); \
			fail();                                                    \
		}                                                                  \
	} while (0)

/* ---- NtlmMinClientSec / NtlmMinServerSec -------------------------------------------- */

static const uint32_t minsec_bits[4] = { 0x10, 0x20, 0x80000, 0x20000000 };
static const char *const minsec_names[4] = { "NTLMSSP_NEGOTIATE_SIGN", "NTLMSSP_NEGOTIATE_SEAL",
					     "NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY",
					     "NTLMSSP_NEGOTIATE_128" };

static uint32_t bits_of(unsigned m)
{
	uint32_t r = 0;
	for (int i = 0; i < 4; i++)
		if (m & (1u << i))
			r |= minsec_bits[i];
	return r;
}

static void test_min_sec_truth_table(void **state)
{
	(void)state;
	/* other flags around the four, none of them one of the four */
	static const uint32_t noise[] = { 0, 0x00008207, 0xc2008205, 0x00000001 };
	unsigned n = 0;

	for (unsigned rm = 0; rm < 16; rm++)
		for (unsigned fm = 0; fm < 16; fm++)
			for (size_t k = 0; k < ARRAY_SIZE(noise); k++)
				for (int strict = 0; strict < 2; strict++)
					for (int server = 0; server < 2; server++) {
						struct ntlm_policy p = base("cis");
						struct ntlm_verdict v;
						uint32_t req = bits_of(rm),
							 flags = bits_of(fm) | noise[k];
						char hex[16];

						p.strict_min_sec = strict;
						if (server)
							p.min_server_sec = req;
						else
							p.min_client_sec = req;
						/* the other side's setting must not matter */
						if (server)
							p.min_client_sec = 0x20080030;
						else
							p.min_server_sec = 0x20080030;

						/* expected: every bit absolute, except 128 without
						 * SIGN/SEAL when not strict */
						uint32_t need = req;
						if (!strict && !(flags & 0x30))
							need &= ~0x20000000u;
						uint32_t missing = need & ~flags;

						ntlm_policy_check_min_sec(&p, server, flags, &v);
						assert_int_equal(v.missing, missing);
						assert_int_equal(v.setting,
								 server ? NTLM_SET_MIN_SERVER_SEC
									: NTLM_SET_MIN_CLIENT_SEC);
						assert_reason_has(&v,
								  server ? "NtlmMinServerSec = "
									 : "NtlmMinClientSec = ");
						snprintf(hex, sizeof(hex), "0x%08x", req);
						assert_reason_has(&v, hex);
						if (missing) {
							assert_int_equal(v.kind, NTLM_DENY);
							assert_int_equal(
								v.event_id,
								server ? NTLM_EVENT_MIN_SERVER_SEC
								       : NTLM_EVENT_MIN_CLIENT_SEC);
							for (int i = 0; i < 4; i++)
								if (missing & minsec_bits[i])
									assert_reason_has(
										&v,
										minsec_names[i]);
							snprintf(hex, sizeof(hex), "0x%08x", flags);
							assert_reason_has(&v, hex);
							assert_reason_has(
								&v,
								server ? "the client offered flags"
								       : "the server chose flags");
						} else {
							assert_int_equal(v.kind, NTLM_ALLOW);
							assert_int_equal(v.event_id, 0);
						}
						assert_true(strlen(v.reason) < sizeof(v.reason));
						n++;
					}
	assert_int_equal(n, 16 * 16 * 4 * 2 * 2);
}

static void test_min_sec_examples(void **state)
{
	(void)state;
	struct ntlm_policy p = base("cis");
	struct ntlm_verdict v;

	/* a client that offers no ESS */
	ntlm_policy_check_min_sec(&p, true, 0x00008207, &v);
	assert_int_equal(v.kind, NTLM_DENY);
	assert_string_equal(v.reason,
			    "NtlmMinServerSec = 0x20080000 requires "
			    "NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY (0x00080000); the "
			    "client offered flags 0x00008207");
	assert_int_equal(v.missing, 0x00080000);
	assert_int_equal(v.event_id, 4011);

	/* curl --ntlm: 0x00088206, no SIGN/SEAL, no 128: allowed by cis ... */
	ntlm_policy_check_min_sec(&p, true, 0x00088206, &v);
	assert_int_equal(v.kind, NTLM_ALLOW);
	assert_reason_has(&v, "Require128 waived: neither SIGN nor SEAL negotiated");
	/* ... refused under StrictMinSec */
	p.strict_min_sec = true;
	ntlm_policy_check_min_sec(&p, true, 0x00088206, &v);
	assert_int_equal(v.kind, NTLM_DENY);
	assert_int_equal(v.missing, 0x20000000);
	assert_string_equal(v.reason,
			    "NtlmMinServerSec = 0x20080000 requires NTLMSSP_NEGOTIATE_128 "
			    "(0x20000000); the client offered flags 0x00088206 "
			    "(StrictMinSec = yes)");
	p.strict_min_sec = false;

	/* the Windows 7 -> 2008 R2 capture: CHALLENGE 0xa2898205 meets the client's cis */
	ntlm_policy_check_min_sec(&p, false, 0xa2898205, &v);
	assert_int_equal(v.kind, NTLM_ALLOW);
	assert_string_equal(v.reason, "NtlmMinClientSec = 0x20080000 met by flags 0xa2898205");

	/* SIGN without 128: the 128 bit counts */
	ntlm_policy_check_min_sec(&p, false, 0x00088215, &v);
	assert_int_equal(v.kind, NTLM_DENY);
	assert_int_equal(v.missing, 0x20000000);
	assert_int_equal(v.event_id, 4010);
	assert_reason_has(&v, "the server chose flags 0x00088215");

	/* no requirement */
	p.min_client_sec = 0;
	ntlm_policy_check_min_sec(&p, false, 0, &v);
	assert_int_equal(v.kind, NTLM_ALLOW);
	assert_string_equal(v.reason, "NtlmMinClientSec = 0x00000000: no minimum session security");

	/* the longest reason still fits */
	p.min_server_sec = 0x20080030;
	p.strict_min_sec = true;
	ntlm_policy_check_min_sec(&p, true, 0, &v);
	assert_int_equal(v.missing, 0x20080030);
	assert_reason_has(&v, "NTLMSSP_NEGOTIATE_SIGN|NTLMSSP_NEGOTIATE_SEAL|"
			      "NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY|NTLMSSP_NEGOTIATE_128 "
			      "(0x20080030)");
}

/* ---- the client's NEGOTIATE flags ----------------------------------------------------- */

static void test_client_flags(void **state)
{
	(void)state;
	struct ntlm_policy p = base("cis");
	const uint32_t always = 0x00000001 | 0x00000002 | 0x00000004 | 0x00000200 | 0x00008000 |
				0x02000000 | 0x20000000 | 0x80000000;

	assert_int_equal(ntlm_policy_client_negotiate_flags(&p, false, false), 0xa2088207);
	assert_int_equal(ntlm_policy_client_negotiate_flags(&p, true, false), 0xe2088217);
	assert_int_equal(ntlm_policy_client_negotiate_flags(&p, false, true), 0xe2088237);
	assert_int_equal(ntlm_policy_client_negotiate_flags(&p, true, true), 0xe2088237);

	for (unsigned lv = 0; lv <= 5; lv++)
		for (unsigned rm = 0; rm < 16; rm++)
			for (int sign = 0; sign < 2; sign++)
				for (int seal = 0; seal < 2; seal++) {
					p.lm_compat = lv;
					p.min_client_sec = bits_of(rm);
					p.min_server_sec = 0; /* irrelevant to the client */
					uint32_t f =
						ntlm_policy_client_negotiate_flags(&p, sign, seal);
					bool want_sign = sign || (p.min_client_sec & 0x10);
					bool want_seal = seal || (p.min_client_sec & 0x20);
					uint32_t expect = always;
					if (lv >= 1 || (p.min_client_sec & 0x80000))
						expect |= 0x00080000;
					if (want_sign || want_seal)
						expect |= 0x10 | 0x40000000;
					if (want_seal)
						expect |= 0x20;
					assert_int_equal(f, expect);
					/* never LM_KEY, TARGET_INFO, DATAGRAM, IDENTIFY, ANONYMOUS
					 */
					assert_int_equal(
						f & (0x80 | 0x00800000 | 0x40 | 0x00100000 | 0x800),
						0);
					/* what we ask for always satisfies our own NtlmMinClientSec
					 * when echoed */
					struct ntlm_verdict v;
					ntlm_policy_check_min_sec(&p, false, f, &v);
					assert_int_equal(v.kind, NTLM_ALLOW);
				}
}

/* ---- RestrictSendingNTLMTraffic + ClientAllowedNTLMServers --------------------------- */

static const struct {
	const char *pattern;
	const char *target;
	bool match;
} send_cases[] = {
	/* the review's list, entry by entry (docs/policy.md "Exception lists") */
	{ "*.corp.example", "HTTP/x.corp.example", true },
	{ "*.corp.example", "HTTP/x.corp.example:443", true },
	{ "*.corp.example", "HTTP@x.corp.example", true },
	{ "*.corp.example", "x.corp.example", true },
	{ "*.corp.example", "cifs/a.b.corp.example", true },
	{ "*.corp.example", "HTTP/X.CORP.EXAMPLE.", true },
	{ "*.corp.example", "HTTP/corp.example", false },
	{ "*.corp.example", "HTTP/evil.net/x.corp.example", false },
	{ "*.corp.example", "HTTP@evil.net@x.corp.example", false },
	{ "*.corp.example", "HTTP/x.corp.example.evil.net", false },
	{ "*.corp.example", "HTTP/xcorp.example", false },
	{ "*.corp.example", "HTTP/x.corp.example@EVIL.NET", false },
	{ "*.corp.example", "HTTP/x.corp.example:443:1", false },
	{ "*.corp.example", "x.corp.example/HTTP", false },
	{ "host", "HTTP/host", true },
	{ "host", "host", true },
	{ "host", "HTTP@HOST", true },
	{ "host", "host/host:8080", true },
	{ "host", "host/host.evil.example", false },
	{ "host", "HTTP/host.attacker.net:443", false },
	{ "host", "HTTP/host.corp.example", false }, /* list the FQDN too */
	{ "host", "HTTP/evil.net/host", false },
	{ "host", "HTTP@evil@host", false },
	{ "host", "HTTP/hostile", false },
	{ "host", "HTTP/ho", false },
	/* exact FQDNs, trailing dots, case */
	{ "web01.example.com", "HTTP/web01.example.com.", true },
	{ "web01.example.com.", "HTTP/WEB01.Example.COM", true },
	{ "web01.example.com", "HTTP/web01.example.com:8080/path", true },
	{ "web01.example.com", "HTTP/a.web01.example.com", false },
	{ "web01.example.com", "HTTP/web01.example.com..", false },
	/* '*' stays inside its label */
	{ "web*", "HTTP/web01", true },
	{ "web*", "web", true },
	{ "web*", "HTTP/web01.corp.example.com", false },
	{ "web*", "HTTP/myweb", false },
	{ "web*.corp.example", "HTTP/web7.corp.example", true },
	{ "web*.corp.example", "HTTP/web7.evil.corp.example", false },
	{ "a*b*c", "HTTP/axxbyyc", true },
	{ "a*b*c", "HTTP/axxbyy", false },
	{ "*web*", "HTTP/intraweb", true },
	{ "*", "anything", true },
	{ "*", "HTTP/[::1]:443", true },
	{ "*", "", false }, /* an empty target matches nothing */
	{ "*", "HTTP@a@b", false },
	/* service class and port in an entry */
	{ "HTTP/host.example.com", "http/HOST.Example.COM", true },
	{ "HTTP/host.example.com", "HOST/host.example.com", false },
	{ "HTTP/host.example.com", "host.example.com", false },
	{ "HTTP/host.example.com", "HTTP/host.example.com:8080", true },
	{ "HTTP/host.example.com:8080", "HTTP/host.example.com", false },
	{ "web01:8080", "HTTP/web01:8080", true },
	{ "web01:8080", "HTTP/web01:8081", false },
	{ "web01:8080", "HTTP/web01", false },
	{ "web01", "HTTP/web01:8080", true },
	{ "HTTP/web01/x", "HTTP/web01", false }, /* an entry names no service name */
	{ "HTTP@web01", "HTTP@web01", false },	 /* nor an '@' */
	/* IP literals */
	{ "10.0.0.1", "HTTP/10.0.0.1", true },
	{ "10.0.0.*", "HTTP/10.0.0.1", true },
	{ "10", "HTTP/10.0.0.1", false },
	{ "10.0.0.1", "HTTP/10.0.0.1.evil.net", false },
	{ "10.0.0.1", "HTTP/10.0.0.256", false },
	{ "fe80::1", "HTTP/[fe80::1]:8080", true },
	{ "[fe80::1]", "HTTP/[FE80:0::1]", true },
	{ "[fe80::1]:8080", "HTTP/[fe80::1]:8081", false },
	{ "fe80::1", "fe80::1", true },
	{ "fe80", "HTTP/[fe80::1]:8080", false },
	{ "fe80::1", "HTTP/[fe80::1", false },
	/* hostile bytes */
	{ "host", "HTTP/host\n", false },
	{ "host", "HTTP/ho st", false },
	{ "host", "HTTP/host%00.evil", false },
	{ "other", "HTTP/web.example.com", false },
	{ "web.example.com", "HTTP/", false },
};

static void test_send_truth_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(send_cases); i++) {
		const char *pat = send_cases[i].pattern, *t = send_cases[i].target;
		bool m = send_cases[i].match;
		if (ntlm_policy_target_matches(pat, t) != m) {
			print_error("case %zu: '%s' vs '%s': expected %s\n", i, pat, t,
				    m ? "match" : "no match");
			fail();
		}
		for (unsigned r = 0; r <= 2; r++) {
			struct ntlm_policy p = base("cis");
			struct ntlm_verdict v;
			p.restrict_sending = r;
			p.n_client_allowed = 1;
			snprintf(p.client_allowed[0], sizeof(p.client_allowed[0]), "%s", pat);
			assert_int_equal(ntlm_policy_server_allowed(&p, t), m);
			ntlm_policy_may_send(&p, t, &v);
			switch (r) {
			case 0:
				assert_int_equal(v.kind, NTLM_ALLOW);
				assert_int_equal(v.event_id, 0);
				assert_int_equal(v.setting, NTLM_SET_RESTRICT_SENDING);
				assert_reason_has(&v, "RestrictSendingNTLMTraffic = 0 (Allow)");
				break;
			case 1: /* audits every target, listed or not */
				assert_int_equal(v.kind, NTLM_ALLOW_AUDIT);
				assert_int_equal(v.event_id, 8001);
				assert_int_equal(v.setting, NTLM_SET_RESTRICT_SENDING);
				assert_reason_has(&v, "RestrictSendingNTLMTraffic = 1 (Audit)");
				break;
			case 2:
				if (m) {
					assert_int_equal(v.kind, NTLM_ALLOW);
					assert_int_equal(v.event_id, 0);
					assert_int_equal(v.setting,
							 NTLM_SET_CLIENT_ALLOWED_SERVERS);
					assert_reason_has(&v,
							  "allowed by ClientAllowedNTLMServers");
				} else {
					assert_int_equal(v.kind, NTLM_DENY);
					assert_int_equal(v.event_id, 4001);
					assert_int_equal(v.setting, NTLM_SET_RESTRICT_SENDING);
					assert_reason_has(&v,
							  "RestrictSendingNTLMTraffic = 2 (Deny)");
					assert_reason_has(&v, "blocked");
				}
				break;
			}
		}
	}
}

/* The review's exception list under RestrictSendingNTLMTraffic = 2: the
 * hostile targets are denied with 4001, the listed hosts allowed. */
static void test_send_review_list(void **state)
{
	(void)state;
	static const struct {
		const char *target;
		bool allowed;
	} cases[] = {
		{ "HTTP/evil.net/x.corp.example", false },
		{ "HTTP@evil.net@x.corp.example", false },
		{ "host/host.evil.example", false },
		{ "HTTP/host.attacker.net:443", false },
		{ "HTTP/x.corp.example/evil.net", true },
		{ "HTTP@x.corp.example", true },
		{ "host/host", true },
		{ "HTTP/host:443", true },
	};
	struct ntlm_policy p = base("cis");
	struct ntlm_verdict v;

	p.restrict_sending = 2;
	assert_int_equal(ntlm_policy_set(&p, "ClientAllowedNTLMServers", "*.corp.example, host"),
			 NTLM_OK);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		ntlm_policy_may_send(&p, cases[i].target, &v);
		if ((v.kind == NTLM_ALLOW) != cases[i].allowed) {
			print_error("'%s': %s\n", cases[i].target, v.reason);
			fail();
		}
		assert_int_equal(v.event_id, cases[i].allowed ? 0 : NTLM_EVENT_OUT_BLOCKED);
	}
	ntlm_policy_may_send(&p, "HTTP@evil.net@x.corp.example", &v);
	assert_reason_has(&v, "not a target name an exception can match (more than one '@')");
}

/* Targets taken apart: service class, host, port, service name. */
static void test_target_parse(void **state)
{
	(void)state;
	struct ntlm_policy_target t;
	char why[80];

	assert_true(
		ntlm_policy_target_parse("HTTP/Web.Corp.Example.:8443/svc", &t, why, sizeof(why)));
	assert_string_equal(t.service, "HTTP");
	assert_string_equal(t.host, "web.corp.example");
	assert_int_equal(t.kind, NTLM_HOST_DNS);
	assert_int_equal(t.port, 8443);
	assert_string_equal(t.name, "svc");
	assert_true(ntlm_policy_target_parse("cifs@FILESRV", &t, why, sizeof(why)));
	assert_string_equal(t.service, "cifs");
	assert_string_equal(t.host, "filesrv");
	assert_int_equal(t.kind, NTLM_HOST_NAME);
	assert_true(ntlm_policy_target_parse("HTTP/[FE80::0:1]:443", &t, why, sizeof(why)));
	assert_string_equal(t.host, "fe80::1");
	assert_int_equal(t.kind, NTLM_HOST_IPV6);
	assert_int_equal(t.port, 443);
	assert_true(ntlm_policy_target_parse("192.0.2.7", &t, why, sizeof(why)));
	assert_int_equal(t.kind, NTLM_HOST_IPV4);
	assert_string_equal(t.service, "");
	static const struct {
		const char *target, *why;
	} bad[] = {
		{ "", "empty target" },
		{ "HTTP@a@b", "more than one '@'" },
		{ "HTTP/a@REALM", "'@' in an SPN" },
		{ "/host", "empty service class" },
		{ "HTTP/host:0", "port is not a number from 1 to 65535" },
		{ "HTTP/host:65536", "port is not a number from 1 to 65535" },
		{ "HTTP/a..b", "host is not a DNS name, NetBIOS name or IP address" },
		{ "HTTP/a b", "space, control or non-ASCII byte" },
		{ "HTTP/[::1", "'[' without ']'" },
		{ "HTTP@host:80", "a port is not allowed here" },
		{ "HTTP/1.2.3.400", "host looks like an IPv4 address but is not one" },
		{ "HTTP/host/", "empty or too long service name" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_false(ntlm_policy_target_parse(bad[i].target, &t, why, sizeof(why)));
		assert_string_equal(why, bad[i].why);
	}
	char longlabel[80];
	memset(longlabel, 'a', 64);
	longlabel[64] = '\0';
	assert_false(ntlm_policy_target_parse(longlabel, &t, why, sizeof(why)));
}

static void test_send_examples(void **state)
{
	(void)state;
	struct ntlm_policy p = base("cis");
	struct ntlm_verdict v;

	p.restrict_sending = 2;
	ntlm_policy_may_send(&p, "HTTP/web.example.com", &v);
	assert_string_equal(v.reason, "RestrictSendingNTLMTraffic = 2 (Deny): outgoing NTLM to "
				      "'HTTP/web.example.com' blocked; no ClientAllowedNTLMServers "
				      "entry matches");
	assert_int_equal(ntlm_policy_set(&p, "ClientAllowedNTLMServers", "a, *.example.com, b"),
			 NTLM_OK);
	ntlm_policy_may_send(&p, "HTTP/web.example.com", &v);
	assert_string_equal(v.reason, "RestrictSendingNTLMTraffic = 2 (Deny): "
				      "'HTTP/web.example.com' allowed by ClientAllowedNTLMServers "
				      "entry '*.example.com'");
	/* NULL and hostile targets */
	ntlm_policy_may_send(&p, NULL, &v);
	assert_int_equal(v.kind, NTLM_DENY);
	assert_reason_has(&v, "to '' blocked");
	ntlm_policy_may_send(&p, "HTTP/\033[2Jevil\n", &v);
	assert_reason_has(&v, "'HTTP/\\x1b[2Jevil\\x0a'");
	char longt[1000];
	memset(longt, 'x', sizeof(longt) - 1);
	longt[sizeof(longt) - 1] = '\0';
	ntlm_policy_may_send(&p, longt, &v);
	assert_int_equal(v.kind, NTLM_DENY);
	assert_true(strlen(v.reason) < sizeof(v.reason));
	assert_int_equal(ntlm_policy_target_matches(NULL, "x"), false);
}

/* ---- RestrictReceivingNTLMTraffic x AuditReceivingNTLMTraffic ------------------------- */

static void test_receive_truth_table(void **state)
{
	(void)state;
	enum { A = NTLM_ALLOW, AU = NTLM_ALLOW_AUDIT, D = NTLM_DENY };
	enum { R = NTLM_SET_RESTRICT_RECEIVING, U = NTLM_SET_AUDIT_RECEIVING };
	static const struct {
		unsigned restrict_, audit;
		bool at_negotiate, domain;
		int kind;
		uint32_t event;
		int setting;
	} rows[] = {
		/* at the NEGOTIATE: only "deny all" acts; nothing is audited there */
		{ 0, 0, true, false, A, 0, R },
		{ 0, 1, true, false, A, 0, R },
		{ 0, 2, true, false, A, 0, R },
		{ 1, 0, true, false, A, 0, R },
		{ 1, 1, true, false, A, 0, R },
		{ 1, 2, true, false, A, 0, R },
		{ 2, 0, true, false, D, 4002, R },
		{ 2, 1, true, false, D, 4002, R },
		{ 2, 2, true, false, D, 4002, R },
		/* at the AUTHENTICATE, local account */
		{ 0, 0, false, false, A, 0, R },
		{ 0, 1, false, false, A, 0, R },
		{ 0, 2, false, false, AU, 8002, U },
		{ 1, 0, false, false, A, 0, R },
		{ 1, 1, false, false, A, 0, R },
		{ 1, 2, false, false, AU, 8002, U },
		{ 2, 0, false, false, D, 4002, R },
		{ 2, 1, false, false, D, 4002, R },
		{ 2, 2, false, false, D, 4002, R },
		/* at the AUTHENTICATE, domain account */
		{ 0, 0, false, true, A, 0, R },
		{ 0, 1, false, true, AU, 8002, U },
		{ 0, 2, false, true, AU, 8002, U },
		{ 1, 0, false, true, D, 4002, R },
		{ 1, 1, false, true, D, 4002, R },
		{ 1, 2, false, true, D, 4002, R },
		{ 2, 0, false, true, D, 4002, R },
		{ 2, 1, false, true, D, 4002, R },
		{ 2, 2, false, true, D, 4002, R },
	};
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		struct ntlm_policy p = base("windows-default");
		struct ntlm_verdict v;
		p.restrict_receiving = rows[i].restrict_;
		p.audit_receiving = rows[i].audit;
		ntlm_policy_may_receive(&p, rows[i].at_negotiate, rows[i].domain, &v);
		if ((int)v.kind != rows[i].kind || v.event_id != rows[i].event ||
		    (int)v.setting != rows[i].setting) {
			print_error("row %zu: kind %d event %u setting %d (%s)\n", i, v.kind,
				    v.event_id, v.setting, v.reason);
			fail();
		}
		assert_reason_has(&v, ntlm_policy_setting_name(v.setting));
		/* at the NEGOTIATE the domain flag is unknown and must not matter */
		if (rows[i].at_negotiate) {
			struct ntlm_verdict w;
			ntlm_policy_may_receive(&p, true, true, &w);
			assert_memory_equal(&v, &w, sizeof(v));
		}
	}
	/* one full reason */
	struct ntlm_policy p = base("cis");
	struct ntlm_verdict v;
	ntlm_policy_may_receive(&p, false, false, &v);
	assert_string_equal(v.reason, "AuditReceivingNTLMTraffic = 2 (AllAccounts): incoming NTLM "
				      "logon with a local account audited; "
				      "RestrictReceivingNTLMTraffic = 2 would block it");
}

/* ---- LmCompatibilityLevel ------------------------------------------------------------- */

static void test_accept_response_truth_table(void **state)
{
	(void)state;
	enum { A = NTLM_ALLOW, AU = NTLM_ALLOW_AUDIT, D = NTLM_DENY };
	/* [level][LM, NTLMv1, NTLMv1-ESS, NTLMv2] */
	static const int expect[6][4] = {
		{ AU, AU, AU, A }, { AU, AU, AU, A }, { AU, AU, AU, A },
		{ AU, AU, AU, A }, { D, AU, AU, A },  { D, D, D, A },
	};
	static const enum ntlm_response_type types[4] = { NTLM_RESP_LM, NTLM_RESP_NTLMV1,
							  NTLM_RESP_NTLMV1_ESS, NTLM_RESP_NTLMV2 };
	for (unsigned lv = 0; lv <= 5; lv++) {
		for (int t = 0; t < 4; t++) {
			struct ntlm_policy p = base("cis");
			struct ntlm_verdict v;
			p.lm_compat = lv;
			ntlm_policy_accept_response(&p, types[t], &v);
			assert_int_equal(v.kind, expect[lv][t]);
			assert_int_equal(v.setting, NTLM_SET_LM_COMPAT);
			assert_int_equal(v.event_id,
					 expect[lv][t] == D    ? NTLM_EVENT_RESPONSE_REFUSED
					 : expect[lv][t] == AU ? NTLM_EVENT_INSECURE_POLICY
							       : 0);
			char lvs[40];
			snprintf(lvs, sizeof(lvs), "LmCompatibilityLevel = %u", lv);
			assert_reason_has(&v, lvs);
		}
		/* anonymous: AllowAnonymous decides, whatever the level */
		for (int allow = 0; allow < 2; allow++) {
			struct ntlm_policy p = base("cis");
			struct ntlm_verdict v;
			p.lm_compat = lv;
			p.allow_anonymous = allow;
			ntlm_policy_accept_response(&p, NTLM_RESP_ANONYMOUS, &v);
			assert_int_equal(v.setting, NTLM_SET_ALLOW_ANONYMOUS);
			assert_int_equal(v.kind, allow ? NTLM_ALLOW_AUDIT : NTLM_DENY);
			assert_int_equal(v.event_id, allow ? NTLM_EVENT_INSECURE_POLICY
							   : NTLM_EVENT_ANONYMOUS_REFUSED);
		}
	}
	struct ntlm_policy p = base("cis");
	struct ntlm_verdict v;
	ntlm_policy_accept_response(&p, NTLM_RESP_NTLMV1_ESS, &v);
	assert_string_equal(v.reason,
			    "LmCompatibilityLevel = 5 (SendNTLMv2OnlyRefuseLMAndNTLM) "
			    "refuses LM and NTLMv1 responses; the client sent NTLMv1-ESS");
	ntlm_policy_accept_response(&p, (enum ntlm_response_type)42, &v);
	assert_int_equal(v.kind, NTLM_DENY);
}

static void test_client_response(void **state)
{
	(void)state;
	static const struct {
		unsigned level;
		bool ess;
		enum ntlm_response_type t;
		bool lm;
		int kind;
	} rows[] = {
		{ 0, false, NTLM_RESP_NTLMV1, true, NTLM_ALLOW_AUDIT },
		{ 0, true, NTLM_RESP_NTLMV1_ESS, false, NTLM_ALLOW_AUDIT },
		{ 1, false, NTLM_RESP_NTLMV1, true, NTLM_ALLOW_AUDIT },
		{ 1, true, NTLM_RESP_NTLMV1_ESS, false, NTLM_ALLOW_AUDIT },
		{ 2, false, NTLM_RESP_NTLMV1, false, NTLM_ALLOW_AUDIT },
		{ 2, true, NTLM_RESP_NTLMV1_ESS, false, NTLM_ALLOW_AUDIT },
		{ 3, false, NTLM_RESP_NTLMV2, false, NTLM_ALLOW },
		{ 3, true, NTLM_RESP_NTLMV2, false, NTLM_ALLOW },
		{ 4, true, NTLM_RESP_NTLMV2, false, NTLM_ALLOW },
		{ 5, false, NTLM_RESP_NTLMV2, false, NTLM_ALLOW },
		{ 5, true, NTLM_RESP_NTLMV2, false, NTLM_ALLOW },
	};
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		struct ntlm_policy p = base("cis");
		struct ntlm_verdict v;
		uint32_t flags = 0xa2008205 | (rows[i].ess ? 0x00080000 : 0);
		p.lm_compat = rows[i].level;
		assert_int_equal(ntlm_policy_client_response(&p, flags, &v), rows[i].t);
		assert_int_equal(ntlm_policy_client_sends_lm(&p, flags), rows[i].lm);
		assert_int_equal(v.kind, rows[i].kind);
		assert_int_equal(v.setting, NTLM_SET_LM_COMPAT);
		assert_int_equal(v.event_id,
				 rows[i].kind == NTLM_ALLOW ? 0 : NTLM_EVENT_INSECURE_POLICY);
	}
}

/* ---- ours ----------------------------------------------------------------------------- */

static void test_mic_bindings_timestamp(void **state)
{
	(void)state;
	struct ntlm_policy p = base("cis");
	struct ntlm_verdict v;

	for (int req = 0; req < 2; req++) {
		for (int present = 0; present < 2; present++) {
			p.require_mic = req;
			ntlm_policy_check_mic(&p, present, &v);
			assert_int_equal(v.setting, NTLM_SET_REQUIRE_MIC);
			assert_int_equal(v.kind, req && !present ? NTLM_DENY : NTLM_ALLOW);
			assert_int_equal(v.event_id, req && !present ? NTLM_EVENT_MIC_FAILURE : 0);
		}
	}
	for (int mode = 0; mode <= 2; mode++) {
		for (int present = 0; present < 2; present++) {
			p.channel_bindings = (enum ntlm_cb_mode)mode;
			ntlm_policy_check_bindings(&p, present, &v);
			bool deny = mode == NTLM_CB_REQUIRE && !present;
			assert_int_equal(v.setting, NTLM_SET_CHANNEL_BINDINGS);
			assert_int_equal(v.kind, deny ? NTLM_DENY : NTLM_ALLOW);
			assert_int_equal(v.event_id, deny ? NTLM_EVENT_BAD_BINDINGS : 0);
		}
	}
	const uint64_t now = 133500000000000000ull, s = 10000000ull;
	static const struct {
		int64_t offset_100ns;
		bool ok;
	} ts[] = {
		{ 0, true },
		{ 300 * 10000000ll, true },
		{ -300 * 10000000ll, true },
		{ 300 * 10000000ll + 1, false },
		{ -300 * 10000000ll - 1, false },
		{ -36ll * 3600 * 10000000ll, false },
	};
	for (size_t i = 0; i < ARRAY_SIZE(ts); i++) {
		ntlm_policy_check_timestamp(&p, (uint64_t)((int64_t)now + ts[i].offset_100ns), now,
					    &v);
		assert_int_equal(v.kind, ts[i].ok ? NTLM_ALLOW : NTLM_DENY);
		assert_int_equal(v.setting, NTLM_SET_MAX_CLOCK_SKEW);
		assert_int_equal(v.event_id, ts[i].ok ? 0 : NTLM_EVENT_REPLAY);
	}
	ntlm_policy_check_timestamp(&p, now - 412 * s, now, &v);
	assert_string_equal(
		v.reason,
		"MaxClockSkew = 300: the NTLMv2 timestamp is 412 s behind the server clock");
	ntlm_policy_check_timestamp(&p, now + 412 * s, now, &v);
	assert_reason_has(&v, "412 s ahead of the server clock");
	ntlm_policy_check_timestamp(&p, UINT64_MAX, 0, &v);
	assert_int_equal(v.kind, NTLM_DENY);
}

/* Decisions read the policy and nothing else: same input, same verdict, and
 * the policy unchanged. */
static void test_purity(void **state)
{
	(void)state;
	struct ntlm_policy p = base("cis"), copy;
	struct ntlm_verdict a, b;

	assert_int_equal(ntlm_policy_set(&p, "ClientAllowedNTLMServers", "web*"), NTLM_OK);
	memcpy(&copy, &p, sizeof(p));
	for (int i = 0; i < 2; i++) {
		struct ntlm_verdict *v = i ? &b : &a;
		memset(v, i ? 0xaa : 0x55, sizeof(*v));
		ntlm_policy_may_send(&p, "HTTP/web01", v);
	}
	assert_memory_equal(&a, &b, sizeof(a));
	ntlm_policy_check_min_sec(&p, true, 0, &a);
	ntlm_policy_accept_response(&p, NTLM_RESP_LM, &a);
	ntlm_policy_may_receive(&p, false, true, &a);
	ntlm_policy_check_mic(&p, false, &a);
	ntlm_policy_check_bindings(&p, false, &a);
	ntlm_policy_check_timestamp(&p, 0, 0, &a);
	(void)ntlm_policy_client_response(&p, 0, &a);
	(void)ntlm_policy_client_negotiate_flags(&p, true, true);
	assert_memory_equal(&p, &copy, sizeof(p));
}

/* The policy decides what a server does with channel bindings
 * (ntlm_policy_bindings_action); the server only compares hashes. */
static void test_bindings_action(void **state)
{
	(void)state;
	struct ntlm_policy p = base("cis");
	struct ntlm_verdict v;
	/* [mode][sent][have_local] */
	static const enum ntlm_cb_action want[3][2][2] = {
		[NTLM_CB_OFF] = { { NTLM_CBA_SKIP, NTLM_CBA_SKIP },
				  { NTLM_CBA_SKIP, NTLM_CBA_SKIP } },
		[NTLM_CB_ACCEPT] = { { NTLM_CBA_SKIP, NTLM_CBA_SKIP },
				     { NTLM_CBA_SKIP, NTLM_CBA_COMPARE } },
		[NTLM_CB_REQUIRE] = { { NTLM_CBA_DENY, NTLM_CBA_DENY },
				      { NTLM_CBA_NO_LOCAL, NTLM_CBA_COMPARE } },
	};

	for (int mode = 0; mode <= 2; mode++) {
		for (int sent = 0; sent < 2; sent++) {
			for (int local = 0; local < 2; local++) {
				p.channel_bindings = (enum ntlm_cb_mode)mode;
				memset(&v, 0x55, sizeof(v));
				assert_int_equal(ntlm_policy_bindings_action(&p, sent, local, &v),
						 want[mode][sent][local]);
				assert_int_equal(v.setting, NTLM_SET_CHANNEL_BINDINGS);
				assert_int_equal(v.kind, want[mode][sent][local] == NTLM_CBA_DENY
								 ? NTLM_DENY
								 : NTLM_ALLOW);
				assert_int_equal(v.event_id,
						 want[mode][sent][local] == NTLM_CBA_DENY
							 ? NTLM_EVENT_BAD_BINDINGS
							 : 0);
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_min_sec_truth_table),
		cmocka_unit_test(test_bindings_action),
		cmocka_unit_test(test_min_sec_examples),
		cmocka_unit_test(test_client_flags),
		cmocka_unit_test(test_send_truth_table),
		cmocka_unit_test(test_send_examples),
		cmocka_unit_test(test_send_review_list),
		cmocka_unit_test(test_target_parse),
		cmocka_unit_test(test_receive_truth_table),
		cmocka_unit_test(test_accept_response_truth_table),
		cmocka_unit_test(test_client_response),
		cmocka_unit_test(test_mic_bindings_timestamp),
		cmocka_unit_test(test_purity),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
