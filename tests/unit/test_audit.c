/* SPDX-License-Identifier: MIT */
/* audit: event filling, the JSON form and its escaping, the sinks. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <stddef.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"
#include "audit/audit.h"

/* 2026-11-22T04:30:00.123456Z */
#define T0 (1795321800LL * 1000000 + 123456)

/* ---- a strict JSON validator (RFC 8259), for what we read back --------- */

struct jp {
	const unsigned char *p, *end;
	int depth;
};

static void ws(struct jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static bool lit(struct jp *j, const char *s)
{
	size_t n = strlen(s);
	if ((size_t)(j->end - j->p) < n || memcmp(j->p, s, n) != 0)
		return false;
	j->p += n;
	return true;
}

static bool is_hex(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* One well-formed UTF-8 character (RFC 3629). */
static bool utf8_char(struct jp *j)
{
	const unsigned char *s = j->p;
	size_t left = (size_t)(j->end - s), len;
	unsigned c;
	if (s[0] < 0x80) {
		j->p++;
		return true;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		len = 2, c = s[0] & 0x1F;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		len = 3, c = s[0] & 0x0F;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		len = 4, c = s[0] & 0x07;
	else
		return false;
	if (len > left)
		return false;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return false;
		c = c << 6 | (s[i] & 0x3F);
	}
	static const unsigned min[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	if (c < min[len] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return false;
	j->p += len;
	return true;
}

static bool jstring(struct jp *j)
{
	if (!lit(j, "\""))
		return false;
	while (j->p < j->end) {
		unsigned char c = *j->p;
		if (c == '"') {
			j->p++;
			return true;
		}
		if (c < 0x20)
			return false;
		if (c == '\\') {
			j->p++;
			if (j->p >= j->end)
				return false;
			c = *j->p++;
			if (c == 'u') {
				for (int i = 0; i < 4; i++)
					if (j->p >= j->end || !is_hex(*j->p++))
						return false;
			} else if (!strchr("\"\\/bfnrt", c)) {
				return false;
			}
			continue;
		}
		if (!utf8_char(j))
			return false;
	}
	return false;
}

static bool jnumber(struct jp *j)
{
	const unsigned char *s = j->p;
	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p >= j->end || *j->p < '0' || *j->p > '9')
		return false;
	if (*j->p == '0')
		j->p++;
	else
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	if (j->p < j->end && *j->p == '.') {
		j->p++;
		if (j->p >= j->end || *j->p < '0' || *j->p > '9')
			return false;
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	return j->p > s;
}

static bool jvalue(struct jp *j);

static bool jcontainer(struct jp *j, char open, char close, bool keyed)
{
	if (!lit(j, (char[]){ open, 0 }) || ++j->depth > 16)
		return false;
	ws(j);
	if (j->p < j->end && *j->p == (unsigned char)close) {
		j->p++;
		j->depth--;
		return true;
	}
	for (;;) {
		ws(j);
		if (keyed) {
			if (!jstring(j))
				return false;
			ws(j);
			if (!lit(j, ":"))
				return false;
		}
		if (!jvalue(j))
			return false;
		ws(j);
		if (lit(j, ","))
			continue;
		if (!lit(j, (char[]){ close, 0 }))
			return false;
		j->depth--;
		return true;
	}
}

static bool jvalue(struct jp *j)
{
	ws(j);
	if (j->p >= j->end)
		return false;
	switch (*j->p) {
	case '{':
		return jcontainer(j, '{', '}', true);
	case '[':
		return jcontainer(j, '[', ']', false);
	case '"':
		return jstring(j);
	case 't':
		return lit(j, "true");
	case 'f':
		return lit(j, "false");
	case 'n':
		return lit(j, "null");
	default:
		return jnumber(j);
	}
}

/* True when s[0..n) is exactly one JSON object. */
static bool json_object_ok(const char *s, size_t n)
{
	struct jp j = { (const unsigned char *)s, (const unsigned char *)s + n, 0 };
	ws(&j);
	if (j.p >= j.end || *j.p != '{' || !jvalue(&j))
		return false;
	ws(&j);
	return j.p == j.end;
}

static void test_validator_itself(void **state)
{
	(void)state;
	const char *good = "{\"a\":[1,-2.5,\"x\\u00e9\\n\"],\"b\":{},\"c\":null,\"d\":true}";
	assert_true(json_object_ok(good, strlen(good)));
	const char *bad[] = { "{\"a\":1,}",    "{\"a\":\"\x01\"}", "{\"a\":\"\xff\"}",
			      "{\"a\":1}x",    "{\"a\":\"\\x\"}",  "[1]",
			      "{\"a\":\"abc}", "{\"a\" 1}" };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		assert_false(json_object_ok(bad[i], strlen(bad[i])));
}

/* ---- events ------------------------------------------------------------ */

static void sample(struct ntlm_audit_event *e)
{
	memset(e, 0, sizeof(*e));
	e->id = NTLM_EVENT_OUT_BLOCKED;
	e->time_us = T0;
	e->pid = 4242;
	e->direction = NTLM_AUDIT_OUTGOING;
	e->outcome = NTLM_OUTCOME_BLOCKED;
	NTLM_AUDIT_SET(e, target, "HTTP/web.corp.example");
	NTLM_AUDIT_SET(e, peer, "192.0.2.7:443");
	NTLM_AUDIT_SET(e, workstation, "WS01");
	NTLM_AUDIT_SET(e, user, "alice");
	NTLM_AUDIT_SET(e, domain, "CORP");
	e->flags = 0xa208820du;
	e->has_response_type = true;
	e->response_type = NTLM_RESP_NTLMV2;
	NTLM_AUDIT_SET(e, setting, "RestrictSendingNTLMTraffic");
	NTLM_AUDIT_SET(e, reason, "RestrictSendingNTLMTraffic = 2");
	e->missing = 0;
	e->insecure = false;
	/* schema 1.0 facts */
	NTLM_AUDIT_SET(e, target_service, "HTTP");
	NTLM_AUDIT_SET(e, target_host, "web.corp.example");
	NTLM_AUDIT_SET(e, server_nb_computer, "WEB");
	NTLM_AUDIT_SET(e, server_nb_domain, "CORP");
	NTLM_AUDIT_SET(e, server_dns_computer, "web.corp.example");
	NTLM_AUDIT_SET(e, server_dns_domain, "corp.example");
	e->account_type = NTLM_ACCOUNT_USER;
	e->domain_account = NTLM_FACT_UNKNOWN;
	e->has_process = true;
	e->process_uid = 1000;
	NTLM_AUDIT_SET(e, process_exe, "/usr/bin/app");
	e->has_offered = true;
	e->offered = 0xa2088207u;
	e->mic = NTLM_FACT_YES;
	e->channel_bindings = NTLM_FACT_NO;
	e->target_name_sent = NTLM_FACT_YES;
	NTLM_AUDIT_SET(e, target_name, "HTTP/web.corp.example");
	NTLM_AUDIT_SET(e, policy_hash, "0123456789abcdef");
	NTLM_AUDIT_SET(e, policy_source, "profile cis, ntlmssp.conf");
}

static const char sample_json[] =
	"{\"event\":4001,\"name\":\"outgoing-blocked\",\"time\":\"2026-11-22T04:30:00.123456Z\","
	"\"pid\":4242,\"severity\":\"warning\",\"direction\":\"outgoing\",\"outcome\":\"blocked\","
	"\"target\":\"HTTP/web.corp.example\",\"peer\":\"192.0.2.7:443\",\"workstation\":\"WS01\","
	"\"user\":\"alice\",\"domain\":\"CORP\",\"flags\":\"0xa208820d\",\"flag_names\":["
	"\"NTLMSSP_NEGOTIATE_UNICODE\",\"NTLMSSP_REQUEST_TARGET\",\"0x00000008\","
	"\"NTLMSSP_NEGOTIATE_NTLM\",\"NTLMSSP_NEGOTIATE_ALWAYS_SIGN\","
	"\"NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY\",\"NTLMSSP_NEGOTIATE_VERSION\","
	"\"NTLMSSP_NEGOTIATE_128\",\"NTLMSSP_NEGOTIATE_56\"],\"response_type\":\"NTLMv2\","
	"\"setting\":\"RestrictSendingNTLMTraffic\",\"reason\":\"RestrictSendingNTLMTraffic = 2\","
	"\"missing\":\"0x00000000\",\"missing_names\":[],\"requested\":\"0x00000000\","
	"\"requested_names\":[],\"insecure\":false,\"schema\":\"1.0\",\"target_service\":\"HTTP\","
	"\"target_host\":\"web.corp.example\",\"server_nb_computer\":\"WEB\","
	"\"server_nb_domain\":\"CORP\",\"server_dns_computer\":\"web.corp.example\","
	"\"server_dns_domain\":\"corp.example\",\"account_type\":\"user\","
	"\"domain_account\":null,\"process_uid\":1000,\"process_exe\":\"/usr/bin/app\","
	"\"offered\":\"0xa2088207\",\"offered_names\":[\"NTLMSSP_NEGOTIATE_UNICODE\","
	"\"NTLM_NEGOTIATE_OEM\",\"NTLMSSP_REQUEST_TARGET\",\"NTLMSSP_NEGOTIATE_NTLM\","
	"\"NTLMSSP_NEGOTIATE_ALWAYS_SIGN\",\"NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY\","
	"\"NTLMSSP_NEGOTIATE_VERSION\",\"NTLMSSP_NEGOTIATE_128\",\"NTLMSSP_NEGOTIATE_56\"],"
	"\"mic\":true,\"channel_bindings\":false,\"target_name_sent\":true,"
	"\"target_name\":\"HTTP/web.corp.example\",\"policy_hash\":\"0123456789abcdef\","
	"\"policy_source\":\"profile cis, ntlmssp.conf\"}";

static void test_json_exact(void **state)
{
	(void)state;
	struct ntlm_audit_event e;
	char buf[NTLM_AUDIT_JSON_MAX];
	sample(&e);
	assert_int_equal(ntlm_audit_event_json(&e, buf, sizeof(buf)), NTLM_OK);
	assert_string_equal(buf, sample_json);
	assert_true(json_object_ok(buf, strlen(buf)));
}

static void test_json_null_response_and_missing(void **state)
{
	(void)state;
	struct ntlm_audit_event e;
	char buf[NTLM_AUDIT_JSON_MAX];
	sample(&e);
	e.id = NTLM_EVENT_MIN_SERVER_SEC;
	e.direction = NTLM_AUDIT_INCOMING;
	e.has_response_type = false;
	e.flags = 0;
	e.missing = NTLMSSP_NEGOTIATE_128 | NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY;
	e.insecure = true;
	e.time_us = 0;
	assert_int_equal(ntlm_audit_event_json(&e, buf, sizeof(buf)), NTLM_OK);
	assert_true(json_object_ok(buf, strlen(buf)));
	assert_non_null(strstr(buf, "\"event\":4011,\"name\":\"min-server-sec-blocked\","
				    "\"time\":\"1970-01-01T00:00:00.000000Z\""));
	assert_non_null(strstr(buf, "\"direction\":\"incoming\""));
	assert_non_null(strstr(buf, "\"flags\":\"0x00000000\",\"flag_names\":[],"
				    "\"response_type\":null,"));
	assert_non_null(strstr(buf,
			       "\"missing\":\"0x20080000\",\"missing_names\":["
			       "\"NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY\","
			       "\"NTLMSSP_NEGOTIATE_128\"],\"requested\":\"0x00000000\","
			       "\"requested_names\":[],\"insecure\":true,\"schema\":\"1.0\","));
	/* unknown facts are null */
	memset(&e, 0, sizeof(e));
	assert_int_equal(ntlm_audit_event_json(&e, buf, sizeof(buf)), NTLM_OK);
	assert_true(json_object_ok(buf, strlen(buf)));
	assert_non_null(strstr(
		buf, "\"schema\":\"1.0\",\"target_service\":null,\"target_host\":null,"
		     "\"server_nb_computer\":null,\"server_nb_domain\":null,"
		     "\"server_dns_computer\":null,\"server_dns_domain\":null,"
		     "\"account_type\":null,\"domain_account\":null,\"process_uid\":null,"
		     "\"process_exe\":null,\"offered\":null,\"offered_names\":null,\"mic\":null,"
		     "\"channel_bindings\":null,\"target_name_sent\":null,\"target_name\":null,"
		     "\"policy_hash\":null,\"policy_source\":null}"));
	/* Before the epoch: floor, not truncation toward zero. */
	e.time_us = -1;
	assert_int_equal(ntlm_audit_event_json(&e, buf, sizeof(buf)), NTLM_OK);
	assert_non_null(strstr(buf, "\"time\":\"1969-12-31T23:59:59.999999Z\""));
}

static void test_json_escaping(void **state)
{
	(void)state;
	struct ntlm_audit_event e;
	char buf[NTLM_AUDIT_JSON_MAX];
	sample(&e);
	/* quote, backslash, newline, CR, tab, \x01, DEL, then a line-injection try */
	NTLM_AUDIT_SET(&e, user, "a\"b\\c\nd\re\tf\x01g\x7f\"}\n{\"event\":9005");
	/* invalid UTF-8: lone continuation, truncated, overlong '/', surrogate,
	 * above U+10FFFF, 0xFF; then valid é, ß, U+2028, a C1 control, an emoji */
	NTLM_AUDIT_SET(&e, domain,
		       "x\x80y\xc3z\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80\xff"
		       "\xc3\xa9\xc3\x9f\xe2\x80\xa8\xc2\x9b\xf0\x9f\x98\x80");
	NTLM_AUDIT_SET(&e, workstation, "WS\\01");
	assert_int_equal(ntlm_audit_event_json(&e, buf, sizeof(buf)), NTLM_OK);
	assert_true(json_object_ok(buf, strlen(buf)));
	assert_null(strchr(buf, '\n'));
	assert_null(strchr(buf, '\r'));
	assert_non_null(strstr(buf, "\"user\":\"a\\\"b\\\\c\\u000ad\\u000de\\u0009f\\u0001g"
				    "\\u007f\\\"}\\u000a{\\\"event\\\":9005\","));
	assert_non_null(strstr(buf, "\"domain\":\"x\\ufffdy\\ufffdz\\ufffd\\ufffd"
				    "\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd"
				    "\xc3\xa9\xc3\x9f\\u2028\\u009b\xf0\x9f\x98\x80\","));
	assert_non_null(strstr(buf, "\"workstation\":\"WS\\\\01\""));
}

/* Arrays filled to the brim without a NUL are read only up to their size. */
static void test_json_unterminated_fields(void **state)
{
	(void)state;
	struct ntlm_audit_event e;
	char buf[NTLM_AUDIT_JSON_MAX], want[sizeof(e.user) + 16];
	sample(&e);
	memset(e.user, 'A', sizeof(e.user));
	memset(e.setting, 'S', sizeof(e.setting));
	assert_int_equal(ntlm_audit_event_json(&e, buf, sizeof(buf)), NTLM_OK);
	assert_true(json_object_ok(buf, strlen(buf)));
	memset(want, 0, sizeof(want));
	memcpy(want, "\"user\":\"", 8);
	memset(want + 8, 'A', sizeof(e.user));
	memcpy(want + 8 + sizeof(e.user), "\",", 2);
	assert_non_null(strstr(buf, want));
}

/* Every buffer too small gives the error and "", never a partial line. */
static void test_json_buffer_too_small(void **state)
{
	(void)state;
	struct ntlm_audit_event e;
	char full[NTLM_AUDIT_JSON_MAX], buf[NTLM_AUDIT_JSON_MAX];
	sample(&e);
	NTLM_AUDIT_SET(&e, user, "\x01\x02\"\\\xff");
	assert_int_equal(ntlm_audit_event_json(&e, full, sizeof(full)), NTLM_OK);
	size_t n = strlen(full);
	for (size_t len = 0; len <= n; len++) {
		memset(buf, 'X', sizeof(buf));
		ntlm_err_clear();
		assert_int_equal(ntlm_audit_event_json(&e, buf, len), NTLM_E_BUFFER_TOO_SMALL);
		assert_true(ntlm_error_message()[0] != '\0');
		if (len)
			assert_int_equal(buf[0], '\0');
		assert_int_equal(buf[len], 'X'); /* nothing written past len */
	}
	assert_int_equal(ntlm_audit_event_json(&e, buf, n + 1), NTLM_OK);
	assert_string_equal(buf, full);
}

/* The worst case (every byte escaped to six characters, every flag) fits
 * NTLM_AUDIT_JSON_MAX with room for the newline. */
static void test_json_worst_case_fits(void **state)
{
	(void)state;
	struct ntlm_audit_event e;
	char buf[NTLM_AUDIT_JSON_MAX];
	const char fill[] = { '\x01', '\xff' };
	for (size_t k = 0; k < ARRAY_SIZE(fill); k++) {
		sample(&e);
		memset(e.target, fill[k], sizeof(e.target));
		memset(e.peer, fill[k], sizeof(e.peer));
		memset(e.workstation, fill[k], sizeof(e.workstation));
		memset(e.user, fill[k], sizeof(e.user));
		memset(e.domain, fill[k], sizeof(e.domain));
		memset(e.setting, fill[k], sizeof(e.setting));
		memset(e.reason, fill[k], sizeof(e.reason));
		e.flags = e.missing = e.requested = 0xffffffffu;
		e.id = 4294967295u;
		e.pid = -2147483647 - 1;
		e.time_us = INT64_MAX;
		e.direction = (enum ntlm_audit_direction)77;
		e.outcome = (enum ntlm_audit_outcome)77;
		assert_int_equal(ntlm_audit_event_json(&e, buf, sizeof(buf) - 1), NTLM_OK);
		assert_true(json_object_ok(buf, strlen(buf)));
	}
}

static void test_set_str(void **state)
{
	(void)state;
	char b4[4], b1[1] = { 'x' };
	ntlm_audit_set_str(b4, sizeof(b4), "\xc3\xa9\xc3\xa9\xc3\xa9"); /* é é é */
	assert_string_equal(b4, "\xc3\xa9");
	ntlm_audit_set_str(b4, sizeof(b4), "abcdef");
	assert_string_equal(b4, "abc");
	ntlm_audit_set_str(b4, sizeof(b4), "\xf0\x9f\x98\x80"); /* 4-byte char: nothing fits */
	assert_string_equal(b4, "");
	ntlm_audit_set_str(b4, sizeof(b4), NULL);
	assert_string_equal(b4, "");
	ntlm_audit_set_str(b1, sizeof(b1), "abc");
	assert_int_equal(b1[0], '\0');
}

static void test_init_and_from_verdict(void **state)
{
	(void)state;
	struct ntlm_audit_event e;
	struct ntlm_verdict v;
	struct timespec ts;
	memset(&v, 0, sizeof(v));
	v.kind = NTLM_DENY;
	v.setting = NTLM_SET_MIN_SERVER_SEC;
	v.event_id = NTLM_EVENT_MIN_SERVER_SEC;
	v.missing = NTLMSSP_NEGOTIATE_128;
	snprintf(v.reason, sizeof(v.reason), "NtlmMinServerSec requires 0x20000000");
	clock_gettime(CLOCK_REALTIME, &ts);
	int64_t now = (int64_t)ts.tv_sec * 1000000;

	ntlm_audit_event_from_verdict(&e, NTLM_AUDIT_INCOMING, &v);
	assert_int_equal(e.id, 4011);
	assert_int_equal(e.direction, NTLM_AUDIT_INCOMING);
	assert_int_equal(e.outcome, NTLM_OUTCOME_BLOCKED);
	assert_int_equal(e.missing, NTLMSSP_NEGOTIATE_128);
	assert_string_equal(e.setting, ntlm_policy_setting_name(NTLM_SET_MIN_SERVER_SEC));
	assert_string_equal(e.reason, "NtlmMinServerSec requires 0x20000000");
	assert_int_equal(e.pid, (int32_t)getpid());
	assert_true(e.time_us >= now - 1000000 && e.time_us <= now + 5000000);
	assert_string_equal(e.user, "");
	assert_false(e.has_response_type);

	v.kind = NTLM_ALLOW_AUDIT;
	v.event_id = NTLM_EVENT_IN_AUDIT;
	ntlm_audit_event_from_verdict(&e, NTLM_AUDIT_INCOMING, &v);
	assert_int_equal(e.outcome, NTLM_OUTCOME_AUDITED);
	assert_int_equal(ntlm_audit_event_severity(&e), NTLM_SEVERITY_NOTICE);
	v.kind = NTLM_ALLOW;
	ntlm_audit_event_from_verdict(&e, NTLM_AUDIT_OUTGOING, &v);
	assert_int_equal(e.outcome, NTLM_OUTCOME_SUCCESS);

	/* A reason without a terminator is cut, not over-read. */
	memset(v.reason, 'r', sizeof(v.reason));
	ntlm_audit_event_from_verdict(&e, NTLM_AUDIT_OUTGOING, &v);
	assert_int_equal(strlen(e.reason), sizeof(e.reason) - 1);

	ntlm_audit_event_init(&e, NTLM_EVENT_SUCCESS, NTLM_AUDIT_INCOMING, NTLM_OUTCOME_SUCCESS);
	assert_int_equal(e.id, 9005);
	assert_int_equal(ntlm_audit_event_severity(&e), NTLM_SEVERITY_INFO);
}

/* An event's pid is kept once per process: a forked child's events carry
 * the child's pid, not its parent's. */
static void test_event_pid_after_fork(void **state)
{
	(void)state;
	struct ntlm_audit_event e;
	ntlm_audit_event_init(&e, NTLM_EVENT_SUCCESS, NTLM_AUDIT_INCOMING, NTLM_OUTCOME_SUCCESS);
	assert_int_equal(e.pid, (int32_t)getpid());
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		ntlm_audit_event_init(&e, NTLM_EVENT_SUCCESS, NTLM_AUDIT_INCOMING,
				      NTLM_OUTCOME_SUCCESS);
		_exit(e.pid == (int32_t)getpid() ? 0 : 1);
	}
	int status = 0;
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	ntlm_audit_event_init(&e, NTLM_EVENT_SUCCESS, NTLM_AUDIT_INCOMING, NTLM_OUTCOME_SUCCESS);
	assert_int_equal(e.pid, (int32_t)getpid());
}

static void test_names_and_severity(void **state)
{
	(void)state;
	static const struct {
		uint32_t id;
		const char *name;
	} t[] = {
		{ 8001, "outgoing-audit" },
		{ 8002, "incoming-audit" },
		{ 4001, "outgoing-blocked" },
		{ 4002, "incoming-blocked" },
		{ 4010, "min-client-sec-blocked" },
		{ 4011, "min-server-sec-blocked" },
		{ 9001, "response-refused" },
		{ 9002, "mic-failure" },
		{ 9003, "bad-bindings" },
		{ 9004, "logon-failure" },
		{ 9005, "success" },
		{ 9006, "insecure-policy" },
		{ 9007, "anonymous-refused" },
		{ 9008, "replay" },
		{ 1234, "unknown" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++)
		assert_string_equal(ntlm_audit_event_name(t[i].id), t[i].name);

	struct ntlm_audit_event e;
	ntlm_audit_event_init(&e, NTLM_EVENT_LOGON_FAILURE, NTLM_AUDIT_INCOMING,
			      NTLM_OUTCOME_FAILED);
	assert_int_equal(ntlm_audit_event_severity(&e), NTLM_SEVERITY_WARNING);
	e.outcome = NTLM_OUTCOME_BLOCKED;
	assert_int_equal(ntlm_audit_event_severity(&e), NTLM_SEVERITY_WARNING);
	/* Insecure settings in use: a warning even though nothing was refused. */
	ntlm_audit_event_init(&e, NTLM_EVENT_INSECURE_POLICY, NTLM_AUDIT_INCOMING,
			      NTLM_OUTCOME_AUDITED);
	assert_int_equal(ntlm_audit_event_severity(&e), NTLM_SEVERITY_WARNING);
}

/* ---- sinks ------------------------------------------------------------- */

struct seen {
	int calls;
	struct ntlm_audit_event last;
};

static void on_event(const struct ntlm_audit_event *e, void *arg)
{
	struct seen *s = arg;
	s->calls++;
	s->last = *e;
}

static void test_callback_sink(void **state)
{
	(void)state;
	struct ntlm_audit *a = NULL;
	struct seen s1 = { 0 }, s2 = { 0 };
	struct ntlm_audit_event e;
	assert_int_equal(ntlm_audit_new(&a), NTLM_OK);
	assert_int_equal(ntlm_audit_add_callback(a, on_event, &s1), NTLM_OK);
	assert_int_equal(ntlm_audit_add_callback(a, on_event, &s2), NTLM_OK);
	assert_int_equal(ntlm_audit_add_callback(a, NULL, &s2), NTLM_E_INVALID_ARGUMENT);
	sample(&e);
	assert_int_equal(ntlm_audit_emit(a, &e), NTLM_OK);
	assert_int_equal(s1.calls, 1);
	assert_int_equal(s2.calls, 1);
	assert_int_equal(s1.last.id, 4001);
	assert_int_equal(s1.last.outcome, NTLM_OUTCOME_BLOCKED);
	assert_int_equal(s1.last.direction, NTLM_AUDIT_OUTGOING);
	assert_string_equal(s1.last.user, "alice");
	assert_string_equal(s1.last.domain, "CORP");
	assert_string_equal(s1.last.workstation, "WS01");
	assert_string_equal(s1.last.target, "HTTP/web.corp.example");
	assert_int_equal(s1.last.flags, 0xa208820du);
	assert_true(s1.last.has_response_type);
	assert_int_equal(s1.last.response_type, NTLM_RESP_NTLMV2);
	assert_string_equal(s1.last.setting, "RestrictSendingNTLMTraffic");
	assert_true(s1.last.time_us == T0);

	/* A NULL audit object has no sinks. */
	assert_int_equal(ntlm_audit_emit(NULL, &e), NTLM_OK);
	assert_int_equal(ntlm_audit_emit(a, NULL), NTLM_E_INVALID_ARGUMENT);
	ntlm_audit_free(a);
	ntlm_audit_free(NULL);
}

static void test_max_sinks_and_refs(void **state)
{
	(void)state;
	struct ntlm_audit *a = NULL;
	struct seen s = { 0 };
	struct ntlm_audit_event e;
	assert_int_equal(ntlm_audit_new(&a), NTLM_OK);
	for (int i = 0; i < NTLM_AUDIT_MAX_SINKS; i++)
		assert_int_equal(ntlm_audit_add_callback(a, on_event, &s), NTLM_OK);
	assert_int_equal(ntlm_audit_add_callback(a, on_event, &s), NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(ntlm_audit_add_syslog(a, "x"), NTLM_E_INVALID_ARGUMENT);
	assert_ptr_equal(ntlm_audit_ref(a), a);
	ntlm_audit_free(a); /* one reference left */
	sample(&e);
	assert_int_equal(ntlm_audit_emit(a, &e), NTLM_OK);
	assert_int_equal(s.calls, NTLM_AUDIT_MAX_SINKS);
	ntlm_audit_free(a);
}

static char *tmpdir(void);

/* A datagram socket bound at dir/name (what syslogd and journald listen on). */
static int bind_dgram(const char *dir, const char *name, char *path, size_t len)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	snprintf(path, len, "%s/%s", dir, name);
	assert_true(strlen(path) < sizeof(sa.sun_path));
	memcpy(sa.sun_path, path, strlen(path) + 1);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

/* One datagram, NUL-terminated; its length. */
static size_t recv_dgram(int fd, char *buf, size_t len)
{
	ssize_t n = recv(fd, buf, len - 1, MSG_DONTWAIT);
	assert_true(n > 0);
	buf[n] = '\0';
	return (size_t)n;
}

/* syslog on the wire (issue 12 item 4): "<PRI>Mmm dd hh:mm:ss IDENT[PID]: "
 * then the JSON object, facility authpriv (10): 84 warning (blocked), 86
 * info (success). A missing socket loses the record, counted. */
static void test_syslog_sink(void **state)
{
	(void)state;
	struct ntlm_audit *a = NULL;
	struct ntlm_audit_event e;
	char *d = tmpdir(), path[4200], buf[NTLM_AUDIT_JSON_MAX + 512], head[64], why[256];
	int fd = bind_dgram(d, "log", path, sizeof(path));

	assert_int_equal(ntlm_audit_new(&a), NTLM_OK);
	assert_int_equal(ntlm_audit_add_socket(a, false, path, "ntlmssp-test"), NTLM_OK);
	sample(&e); /* a blocked 4001 */
	assert_int_equal(ntlm_audit_emit(a, &e), NTLM_OK);
	recv_dgram(fd, buf, sizeof(buf));
	assert_true(strncmp(buf, "<84>", 4) == 0);
	/* "Mmm dd hh:mm:ss " */
	assert_true(buf[7] == ' ' && buf[10] == ' ' && buf[13] == ':' && buf[16] == ':' &&
		    buf[19] == ' ');
	snprintf(head, sizeof(head), " ntlmssp-test[%ld]: {\"event\":4001,", (long)getpid());
	assert_non_null(strstr(buf, head));
	assert_true(buf[strlen(buf) - 1] == '}');
	e.outcome = NTLM_OUTCOME_SUCCESS;
	e.id = NTLM_EVENT_SUCCESS;
	assert_int_equal(ntlm_audit_emit(a, &e), NTLM_OK);
	recv_dgram(fd, buf, sizeof(buf));
	assert_true(strncmp(buf, "<86>", 4) == 0);
	assert_int_equal(ntlm_audit_lost(a, NULL, 0), 0);

	/* The daemon goes away: the record is lost, counted, with the reason. */
	close(fd);
	unlink(path);
	assert_int_equal(ntlm_audit_emit(a, &e), NTLM_E_INTERNAL);
	assert_int_equal(ntlm_audit_lost(a, why, sizeof(why)), 1);
	assert_non_null(strstr(why, "audit syslog "));
	assert_non_null(strstr(why, "the record is lost"));
	/* It comes back (a new socket at the same path): records flow again. */
	fd = bind_dgram(d, "log", path, sizeof(path));
	assert_int_equal(ntlm_audit_emit(a, &e), NTLM_OK);
	recv_dgram(fd, buf, sizeof(buf));
	assert_true(strncmp(buf, "<86>", 4) == 0);
	assert_int_equal(ntlm_audit_lost(a, NULL, 0), 1);
	ntlm_audit_free(a);

	/* The system's socket by default (none here, or a real one: either way
	 * no crash, and a missing one is a lost record, not a silent one). */
	assert_int_equal(ntlm_audit_new(&a), NTLM_OK);
	assert_int_equal(ntlm_audit_add_syslog(a, NULL), NTLM_OK);
	ntlm_status st = ntlm_audit_emit(a, &e);
	assert_int_equal(ntlm_audit_lost(a, NULL, 0), st == NTLM_OK ? 0 : 1);
	ntlm_audit_free(a);
	close(fd);
	unlink(path);
	rmdir(d);
	free(d);
}

/* Finds "NAME=value\n" in a journal datagram; the value, or NULL. */
static const char *jfield(const char *buf, const char *name, char *val, size_t len)
{
	size_t nl = strlen(name);
	for (const char *p = buf; *p;) {
		const char *end = strchr(p, '\n');
		if (!end)
			return NULL;
		if ((size_t)(end - p) > nl && strncmp(p, name, nl) == 0 && p[nl] == '=') {
			snprintf(val, len, "%.*s", (int)(end - p - (ptrdiff_t)nl - 1), p + nl + 1);
			return val;
		}
		p = end + 1;
	}
	return NULL;
}

/* The journal's native protocol (issue 12 item 4): one datagram of
 * FIELD=value lines, the fields a journalctl filter needs. */
static void test_journal_sink(void **state)
{
	(void)state;
	struct ntlm_audit *a = NULL;
	struct ntlm_audit_event e;
	char *d = tmpdir(), path[4200], buf[NTLM_AUDIT_JSON_MAX + 512], v[NTLM_AUDIT_JSON_MAX];
	char pid[32], why[256];
	int fd = bind_dgram(d, "socket", path, sizeof(path));

	assert_int_equal(ntlm_audit_new(&a), NTLM_OK);
	assert_int_equal(ntlm_audit_add_socket(a, true, path, "ntlm-server"), NTLM_OK);
	sample(&e);
	assert_int_equal(ntlm_audit_emit(a, &e), NTLM_OK);
	size_t n = recv_dgram(fd, buf, sizeof(buf));
	assert_int_equal(strlen(buf), n); /* no binary field: the JSON has no newline */
	assert_true(buf[n - 1] == '\n');
	assert_non_null(jfield(buf, "MESSAGE", v, sizeof(v)));
	assert_true(strncmp(v, "{\"event\":4001,", 14) == 0);
	assert_string_equal(jfield(buf, "PRIORITY", v, sizeof(v)), "4");
	assert_string_equal(jfield(buf, "SYSLOG_FACILITY", v, sizeof(v)), "10");
	assert_string_equal(jfield(buf, "SYSLOG_IDENTIFIER", v, sizeof(v)), "ntlm-server");
	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	assert_string_equal(jfield(buf, "SYSLOG_PID", v, sizeof(v)), pid);
	assert_string_equal(jfield(buf, "NTLM_EVENT_ID", v, sizeof(v)), "4001");
	assert_string_equal(jfield(buf, "NTLM_EVENT", v, sizeof(v)), ntlm_audit_event_name(4001));
	assert_string_equal(jfield(buf, "NTLM_OUTCOME", v, sizeof(v)), "blocked");
	e.outcome = NTLM_OUTCOME_SUCCESS;
	e.id = NTLM_EVENT_SUCCESS;
	assert_int_equal(ntlm_audit_emit(a, &e), NTLM_OK);
	recv_dgram(fd, buf, sizeof(buf));
	assert_string_equal(jfield(buf, "PRIORITY", v, sizeof(v)), "6");
	assert_string_equal(jfield(buf, "NTLM_OUTCOME", v, sizeof(v)), "success");
	close(fd);
	unlink(path);
	assert_int_equal(ntlm_audit_emit(a, &e), NTLM_E_INTERNAL);
	assert_int_equal(ntlm_audit_lost(a, why, sizeof(why)), 1);
	assert_non_null(strstr(why, "audit journal "));
	ntlm_audit_free(a);
	rmdir(d);
	free(d);
}

/* A temporary directory per test. */
static char *tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *d = malloc(4096);
	assert_non_null(d);
	snprintf(d, 4096, "%s/ntlm-audit-XXXXXX", base && *base ? base : "/tmp");
	assert_non_null(mkdtemp(d));
	return d;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	size_t cap = 1 << 16, n = 0;
	char *b = malloc(cap);
	assert_non_null(b);
	for (;;) {
		size_t r = fread(b + n, 1, cap - n, f);
		n += r;
		if (n < cap)
			break;
		cap *= 2;
		b = realloc(b, cap);
		assert_non_null(b);
	}
	fclose(f);
	*len = n;
	return b;
}

static void test_jsonl_unwritable(void **state)
{
	(void)state;
	struct ntlm_audit *a = NULL;
	char *d = tmpdir(), path[4200];
	assert_int_equal(ntlm_audit_new(&a), NTLM_OK);
	snprintf(path, sizeof(path), "%s/no/such/dir/audit.jsonl", d);
	assert_int_equal(ntlm_audit_add_jsonl(a, path), NTLM_E_INVALID_ARGUMENT);
	assert_non_null(strstr(ntlm_error_message(), path));
	assert_non_null(strstr(ntlm_error_message(), "No such file"));
	/* A directory is not writable as a file either. */
	assert_int_equal(ntlm_audit_add_jsonl(a, d), NTLM_E_INVALID_ARGUMENT);
	assert_non_null(strstr(ntlm_error_message(), d));
	assert_int_equal(a->n, 0);
	ntlm_audit_free(a);
	rmdir(d);
	free(d);
}

/* A sink that fails (a full disk) does not keep the event from the others;
 * emit returns its status, counts the loss and keeps the message for
 * ntlm_audit_lost, and leaves the thread's error detail (the real cause of
 * whatever is being audited) alone. */
static void test_failing_sink_does_not_stop_others(void **state)
{
	(void)state;
	struct ntlm_audit *a = NULL;
	struct seen s = { 0 };
	struct ntlm_audit_event e;
	if (access("/dev/full", W_OK) != 0)
		skip();
	assert_int_equal(ntlm_audit_new(&a), NTLM_OK);
	assert_int_equal(ntlm_audit_add_jsonl(a, "/dev/full"), NTLM_OK);
	assert_int_equal(ntlm_audit_add_callback(a, on_event, &s), NTLM_OK);
	sample(&e);
	(void)ntlm_err(NTLM_E_LOGON_FAILURE, "the real cause");
	assert_int_equal(ntlm_audit_emit(a, &e), NTLM_E_INTERNAL);
	assert_string_equal(ntlm_error_message(), "the real cause");
	assert_int_equal(s.calls, 1);
	char why[256];
	assert_int_equal(ntlm_audit_lost(a, why, sizeof(why)), 1);
	assert_non_null(strstr(why, "audit log /dev/full: write: No space left on device"));
	assert_int_equal(ntlm_audit_emit(a, &e), NTLM_E_INTERNAL);
	assert_int_equal(ntlm_audit_lost(a, NULL, 0), 2);
	ntlm_audit_free(a);
}

/* Issue 12 item 5b: at the file size limit (RLIMIT_FSIZE, as on a full
 * disk) a record is written whole or not at all. Before, the cut part of a
 * record stayed and the next record was glued to it. A child process gets
 * the limit (and ignores SIGXFSZ, as the tools do); the parent reads the
 * file: only whole lines, and a later record starts on a line of its own. */
static void test_jsonl_record_whole_or_nothing(void **state)
{
	(void)state;
	char *d = tmpdir(), path[4200];
	struct ntlm_audit_event e;
	char line[NTLM_AUDIT_JSON_MAX];
	size_t one, len;

	snprintf(path, sizeof(path), "%s/audit.jsonl", d);
	sample(&e);
	assert_int_equal(ntlm_audit_event_json(&e, line, sizeof(line)), NTLM_OK);
	one = strlen(line) + 1;
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct ntlm_audit *a = NULL;
		struct rlimit rl = { one + one / 2, one + one / 2 };
		signal(SIGXFSZ, SIG_IGN);
		if (setrlimit(RLIMIT_FSIZE, &rl) != 0 || ntlm_audit_new(&a) != NTLM_OK ||
		    ntlm_audit_add_jsonl(a, path) != NTLM_OK)
			_exit(10);
		if (ntlm_audit_emit(a, &e) != NTLM_OK)
			_exit(11);
		/* half fits: written, then taken back */
		char why[256];
		if (ntlm_audit_emit(a, &e) != NTLM_E_INTERNAL ||
		    ntlm_audit_lost(a, why, sizeof(why)) != 1 || !strstr(why, "short write"))
			_exit(12);
		if (ntlm_audit_emit(a, &e) != NTLM_E_INTERNAL)
			_exit(13);
		if (ntlm_audit_lost(a, NULL, 0) != 2)
			_exit(14);
		ntlm_audit_free(a);
		_exit(0);
	}
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	char *buf = slurp(path, &len);
	assert_int_equal(len, one); /* the first record, nothing of the second */
	assert_memory_equal(buf, line, one - 1);
	assert_int_equal(buf[one - 1], '\n');
	free(buf);
	/* no limit any more: the next record starts a line */
	struct ntlm_audit *a = NULL;
	assert_int_equal(ntlm_audit_new(&a), NTLM_OK);
	assert_int_equal(ntlm_audit_add_jsonl(a, path), NTLM_OK);
	assert_int_equal(ntlm_audit_emit(a, &e), NTLM_OK);
	ntlm_audit_free(a);
	buf = slurp(path, &len);
	assert_int_equal(len, 2 * one);
	assert_memory_equal(buf + one, line, one - 1);
	free(buf);
	unlink(path);
	rmdir(d);
	free(d);
}

static off_t file_size(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 ? sb.st_size : -1;
}

/* Issue 17: the buffered file sink. Records that need not be written at once
 * stay in memory (the file does not grow: no write(2)) until the buffer is
 * full, a record must be written, a flush or the end; then whole lines, in
 * order, several per write: 200 records reach the file in a handful of
 * writes (each growth of the file seen after an emit is one write). */
/* The public face of the buffer (ntlm_audit_buffer / ntlm_audit_flush, what
 * ntlm httpd calls): bad arguments are refused, a front-end event waits in
 * the buffer until a flush, and closing writes what is kept. */
static void test_public_buffer(void **state)
{
	(void)state;
	char *d = tmpdir(), path[4200];
	struct ntlm_audit *a = NULL;
	size_t len;

	snprintf(path, sizeof(path), "%s/public.jsonl", d);
	assert_int_equal(ntlm_audit_buffer(NULL, 4096), NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(ntlm_audit_flush(NULL), NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(ntlm_audit_open(&a), NTLM_OK);
	assert_int_equal(ntlm_audit_to_file(a, path), NTLM_OK);
	assert_int_equal(ntlm_audit_buffer(a, (size_t)NTLM_AUDIT_BUFFER_MAX + 1),
			 NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(ntlm_audit_buffer(a, 64 * 1024), NTLM_OK);
	assert_int_equal(ntlm_audit_frontend_event(a, NTLM_EVENT_HANDSHAKE_TIMEOUT, "HTTP/web",
						   "192.0.2.1", "first"),
			 NTLM_OK);
	assert_int_equal(file_size(path), 0);
	assert_int_equal(ntlm_audit_flush(a), NTLM_OK);
	char *buf = slurp(path, &len);
	assert_int_equal(strncmp(buf, "{\"event\":9102,", 14), 0);
	assert_non_null(strstr(buf, "\"reason\":\"first\""));
	assert_int_equal(buf[len - 1], '\n');
	assert_null(memchr(buf, '\n', len - 1)); /* one record */
	free(buf);
	assert_int_equal(ntlm_audit_frontend_event(a, NTLM_EVENT_HANDSHAKE_TIMEOUT, "HTTP/web",
						   "192.0.2.1", "second"),
			 NTLM_OK);
	off_t one = file_size(path);
	ntlm_audit_close(a); /* writes the second */
	buf = slurp(path, &len);
	assert_true((off_t)len > one);
	assert_non_null(strstr(buf + one, "\"reason\":\"second\""));
	free(buf);
	unlink(path);
	rmdir(d);
	free(d);
}

static void test_jsonl_buffered(void **state)
{
	(void)state;
	char *d = tmpdir(), path[4200];
	struct ntlm_audit *a = NULL;
	struct ntlm_audit_event e;
	size_t len, one = strlen(sample_json) + 1;

	snprintf(path, sizeof(path), "%s/audit.jsonl", d);
	assert_int_equal(ntlm_audit_new(&a), NTLM_OK);
	/* set before the sink is added: it applies to sinks added later */
	assert_int_equal(ntlm_audit_set_buffer(a, 16 * one), NTLM_OK);
	assert_int_equal(ntlm_audit_set_buffer(a, NTLM_AUDIT_BUFFER_MAX + 1),
			 NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(ntlm_audit_add_jsonl(a, path), NTLM_OK);
	sample(&e);
	for (int i = 0; i < 5; i++)
		assert_int_equal(ntlm_audit_emit_as(a, &e, false), NTLM_OK);
	assert_int_equal(file_size(path), 0);
	assert_int_equal(ntlm_audit_flush_sinks(a), NTLM_OK);
	assert_int_equal(file_size(path), (off_t)(5 * one));
	assert_int_equal(ntlm_audit_flush_sinks(a), NTLM_OK); /* nothing kept: nothing */
	assert_int_equal(file_size(path), (off_t)(5 * one));

	/* A record that must be written goes out at once, after what was kept. */
	assert_int_equal(ntlm_audit_emit_as(a, &e, false), NTLM_OK);
	NTLM_AUDIT_SET(&e, user, "bobby"); /* as long as "alice" */
	assert_int_equal(ntlm_audit_emit(a, &e), NTLM_OK);
	char *buf = slurp(path, &len);
	assert_int_equal(len, 7 * one);
	assert_memory_equal(buf + 5 * one, sample_json, one - 1);
	assert_non_null(strstr(buf + 6 * one, "\"user\":\"bobby\""));
	free(buf);

	/* 200 records: the file grows only when the buffer is full. */
	sample(&e);
	unsigned writes = 0;
	off_t before = file_size(path);
	for (int i = 0; i < 200; i++) {
		assert_int_equal(ntlm_audit_emit_as(a, &e, false), NTLM_OK);
		off_t now = file_size(path);
		if (now != before) {
			writes++;
			assert_int_equal((now - before) % (off_t)one, 0); /* whole lines */
		}
		before = now;
	}
	assert_true(writes >= 200 / 16 - 1 && writes <= 200 / 16);
	ntlm_audit_free(a); /* the rest */
	buf = slurp(path, &len);
	assert_int_equal(len, 207 * one);
	for (size_t pos = 0; pos < len; pos += one)
		assert_int_equal(buf[pos + one - 1], '\n');
	free(buf);
	unlink(path);
	rmdir(d);
	free(d);
}

/* Records kept and then not written (a full disk) are lost and counted, as
 * if their emit had failed; a record that must be written fails at once. */
static void test_jsonl_buffered_lost(void **state)
{
	(void)state;
	struct ntlm_audit *a = NULL;
	struct ntlm_audit_event e;
	char why[256];
	if (access("/dev/full", W_OK) != 0)
		skip();
	assert_int_equal(ntlm_audit_new(&a), NTLM_OK);
	assert_int_equal(ntlm_audit_add_jsonl(a, "/dev/full"), NTLM_OK);
	assert_int_equal(ntlm_audit_set_buffer(a, 65536), NTLM_OK); /* after: applies too */
	sample(&e);
	for (int i = 0; i < 3; i++)
		assert_int_equal(ntlm_audit_emit_as(a, &e, false), NTLM_OK);
	assert_int_equal(ntlm_audit_lost(a, NULL, 0), 0);
	(void)ntlm_err(NTLM_E_LOGON_FAILURE, "the real cause");
	assert_int_equal(ntlm_audit_flush_sinks(a), NTLM_E_INTERNAL);
	assert_int_equal(ntlm_audit_lost(a, why, sizeof(why)), 3);
	assert_non_null(strstr(why, "No space left on device"));
	for (int i = 0; i < 2; i++)
		assert_int_equal(ntlm_audit_emit_as(a, &e, false), NTLM_OK);
	(void)ntlm_err(NTLM_E_LOGON_FAILURE, "the real cause");
	assert_int_equal(ntlm_audit_emit(a, &e), NTLM_E_INTERNAL);
	assert_string_equal(ntlm_error_message(), "the real cause");
	assert_int_equal(ntlm_audit_lost(a, NULL, 0), 6);
	assert_int_equal(ntlm_audit_emit_as(a, &e, false), NTLM_OK);
	ntlm_audit_free(a); /* the last one is lost at close: nothing to see */
}

#define THREADS 8
#define PER_THREAD 400

struct worker {
	struct ntlm_audit *a;
	int id;
	ntlm_status st;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	struct ntlm_audit_event e;
	char reason[200];
	w->st = NTLM_OK;
	for (int i = 0; i < PER_THREAD; i++) {
		sample(&e);
		char user[32];
		snprintf(user, sizeof(user), "t%02d-%05d", w->id, i);
		NTLM_AUDIT_SET(&e, user, user);
		/* A long reason with characters that must be escaped, so lines are
		 * large and vary in length. */
		memset(reason, 0, sizeof(reason));
		for (int k = 0; k < 150 + (i % 40); k++)
			reason[k] = "ab\"\\\n\x01\xff"[(k + i) % 7];
		NTLM_AUDIT_SET(&e, reason, reason);
		ntlm_status st = ntlm_audit_emit(w->a, &e);
		if (st != NTLM_OK && w->st == NTLM_OK)
			w->st = st;
	}
	return NULL;
}

/* Many threads, two audit objects (two descriptors) on one file: every line
 * is a whole JSON object, none lost, none interleaved. */
static void test_jsonl_threads(void **state)
{
	(void)state;
	char *d = tmpdir(), path[4200];
	struct ntlm_audit *a1 = NULL, *a2 = NULL;
	pthread_t th[THREADS];
	struct worker w[THREADS];
	struct stat sb;

	snprintf(path, sizeof(path), "%s/audit.jsonl", d);
	mode_t old = umask(022);
	assert_int_equal(ntlm_audit_new(&a1), NTLM_OK);
	assert_int_equal(ntlm_audit_new(&a2), NTLM_OK);
	assert_int_equal(ntlm_audit_add_jsonl(a1, path), NTLM_OK);
	assert_int_equal(ntlm_audit_add_jsonl(a2, path), NTLM_OK);
	umask(old);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);

	for (int i = 0; i < THREADS; i++) {
		w[i] = (struct worker){ i % 2 ? a2 : a1, i, NTLM_OK };
		assert_int_equal(pthread_create(&th[i], NULL, work, &w[i]), 0);
	}
	for (int i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(w[i].st, NTLM_OK);
	}
	ntlm_audit_free(a1);
	ntlm_audit_free(a2);

	size_t len, lines = 0;
	char *buf = slurp(path, &len);
	static unsigned char seen[THREADS][PER_THREAD];
	memset(seen, 0, sizeof(seen));
	assert_true(len > 0 && buf[len - 1] == '\n');
	for (size_t pos = 0; pos < len;) {
		char *nl = memchr(buf + pos, '\n', len - pos);
		assert_non_null(nl);
		size_t n = (size_t)(nl - (buf + pos));
		if (!json_object_ok(buf + pos, n))
			fail_msg("line %zu is not one JSON object: %.*s", lines + 1, (int)n,
				 buf + pos);
		*nl = '\0';
		const char *u = strstr(buf + pos, "\"user\":\"t");
		assert_non_null(u);
		int t = -1, i = -1;
		assert_int_equal(sscanf(u, "\"user\":\"t%2d-%5d\"", &t, &i), 2);
		assert_true(t >= 0 && t < THREADS && i >= 0 && i < PER_THREAD);
		assert_int_equal(seen[t][i], 0);
		seen[t][i] = 1;
		lines++;
		pos += n + 1;
	}
	assert_int_equal(lines, THREADS * PER_THREAD);
	free(buf);

	/* Appending keeps what is there; an existing file keeps its mode. */
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(ntlm_audit_new(&a1), NTLM_OK);
	assert_int_equal(ntlm_audit_add_jsonl(a1, path), NTLM_OK);
	struct ntlm_audit_event e;
	sample(&e);
	assert_int_equal(ntlm_audit_emit(a1, &e), NTLM_OK);
	ntlm_audit_free(a1);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0640);
	buf = slurp(path, &len);
	assert_true(len > strlen(sample_json) + 1);
	assert_memory_equal(buf + len - strlen(sample_json) - 1, sample_json, strlen(sample_json));
	assert_int_equal(buf[len - 1], '\n');
	free(buf);

	unlink(path);
	rmdir(d);
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_validator_itself),
		cmocka_unit_test(test_event_pid_after_fork),
		cmocka_unit_test(test_json_exact),
		cmocka_unit_test(test_json_null_response_and_missing),
		cmocka_unit_test(test_json_escaping),
		cmocka_unit_test(test_json_unterminated_fields),
		cmocka_unit_test(test_json_buffer_too_small),
		cmocka_unit_test(test_json_worst_case_fits),
		cmocka_unit_test(test_set_str),
		cmocka_unit_test(test_init_and_from_verdict),
		cmocka_unit_test(test_names_and_severity),
		cmocka_unit_test(test_callback_sink),
		cmocka_unit_test(test_max_sinks_and_refs),
		cmocka_unit_test(test_syslog_sink),
		cmocka_unit_test(test_journal_sink),
		cmocka_unit_test(test_jsonl_unwritable),
		cmocka_unit_test(test_failing_sink_does_not_stop_others),
		cmocka_unit_test(test_jsonl_record_whole_or_nothing),
		cmocka_unit_test(test_jsonl_threads),
		cmocka_unit_test(test_jsonl_buffered),
		cmocka_unit_test(test_public_buffer),
		cmocka_unit_test(test_jsonl_buffered_lost),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
