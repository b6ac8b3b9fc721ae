/* SPDX-License-Identifier: MIT */
/*
 * context: ntlm_token_describe (text and JSON) over the MS-NLMP 4.2, Chromium
 * and Windows 7 vector messages; ntlm_token_from_text, ntlm_base64_encode and
 * ntlm_base64_decode.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "ntlmssp/unstable.h"
#include "wire/wire.h"

/* ---- a tiny JSON validator (RFC 8259 grammar, no semantics) ------------- */

struct jp {
	const char *p;
	int depth;
};

static void jws(struct jp *j)
{
	while (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')
		j->p++;
}

static bool jvalue(struct jp *j);

static bool jstring(struct jp *j)
{
	if (*j->p != '"')
		return false;
	j->p++;
	for (;;) {
		unsigned char c = (unsigned char)*j->p;
		if (c == '"') {
			j->p++;
			return true;
		}
		if (c < 0x20)
			return false; /* includes the terminating NUL */
		if (c == '\\') {
			j->p++;
			if (*j->p == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!strchr("0123456789abcdefABCDEF", j->p[i]) || !j->p[i])
						return false;
				j->p += 5;
				continue;
			}
			if (!*j->p || !strchr("\"\\/bfnrt", *j->p))
				return false;
		}
		j->p++;
	}
}

static bool jnumber(struct jp *j)
{
	const char *s = j->p;
	if (*j->p == '-')
		j->p++;
	if (*j->p == '0')
		j->p++;
	else if (*j->p >= '1' && *j->p <= '9')
		while (*j->p >= '0' && *j->p <= '9')
			j->p++;
	else
		return false;
	if (*j->p == '.') {
		j->p++;
		if (!(*j->p >= '0' && *j->p <= '9'))
			return false;
		while (*j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	return j->p > s;
}

static bool jcontainer(struct jp *j, char open, char close, bool object)
{
	if (*j->p != open || ++j->depth > 64)
		return false;
	j->p++;
	jws(j);
	if (*j->p == close) {
		j->p++;
		j->depth--;
		return true;
	}
	for (;;) {
		jws(j);
		if (object) {
			if (!jstring(j))
				return false;
			jws(j);
			if (*j->p++ != ':')
				return false;
		}
		if (!jvalue(j))
			return false;
		jws(j);
		if (*j->p == ',') {
			j->p++;
			continue;
		}
		if (*j->p++ != close)
			return false;
		j->depth--;
		return true;
	}
}

static bool jvalue(struct jp *j)
{
	jws(j);
	switch (*j->p) {
	case '{':
		return jcontainer(j, '{', '}', true);
	case '[':
		return jcontainer(j, '[', ']', false);
	case '"':
		return jstring(j);
	case 't':
		return strncmp(j->p, "true", 4) == 0 ? (j->p += 4, true) : false;
	case 'f':
		return strncmp(j->p, "false", 5) == 0 ? (j->p += 5, true) : false;
	case 'n':
		return strncmp(j->p, "null", 4) == 0 ? (j->p += 4, true) : false;
	default:
		return jnumber(j);
	}
}

/* One object, then exactly one newline. */
static bool json_ok(const char *s, const char **stop)
{
	struct jp j = { s, 0 };
	bool ok = jcontainer(&j, '{', '}', true) && strcmp(j.p, "\n") == 0;
	*stop = j.p;
	return ok;
}

static void assert_json(const char *s)
{
	const char *stop;
	if (!json_ok(s, &stop))
		fail_msg("invalid JSON near offset %zu: %.60s", (size_t)(stop - s), s);
}

/* The checker itself rejects what it should. */
static void test_json_checker(void **state)
{
	(void)state;
	static const char *const good[] = {
		"{}\n",
		"{\"a\":[1,-2,3.5,true,false,null,\"x\\u00e9\\n\"],\"b\":{}}\n",
	};
	static const char *const bad[] = {
		"{}",
		"{}\n\n",
		"{\"a\":1,}\n",
		"{\"a\" 1}\n",
		"{\"a\":01}\n",
		"{\"a\":\"\n\"}\n",
		"{\"a\":\"\\x\"}\n",
		"{\"a\":\"\\u12\"}\n",
		"{\"a\":[1 2]}\n",
		"{a:1}\n",
		"[]\n",
		"{\"a\":tru}\n",
	};
	const char *stop;
	for (size_t i = 0; i < ARRAY_SIZE(good); i++)
		assert_true(json_ok(good[i], &stop));
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (json_ok(bad[i], &stop))
			fail_msg("accepted bad JSON %s", bad[i]);
}

/* ---- helpers -------------------------------------------------------------- */

static uint8_t *vec_msg(const char *file, const char *name, size_t *len)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", NTLM_VECTOR_DIR, file);
	struct t_vec *v = t_vec_load(path);
	uint8_t *m = t_vec_bytes(v, name, len);
	t_vec_free(v);
	return m;
}

static char *describe(const uint8_t *m, size_t len, unsigned format)
{
	char *out = NULL;
	ntlm_status st = ntlm_token_describe(m, len, format, &out);
	if (st != NTLM_OK)
		fail_msg("describe: %s: %s", ntlm_status_name(st), ntlm_error_message());
	assert_non_null(out);
	if (format == NTLM_DESCRIBE_JSON)
		assert_json(out);
	return out;
}

/* The text output has this exact line. */
#define assert_line(text, line) t_assert_line((text), (line), __LINE__)
static void t_assert_line(const char *text, const char *line, int at)
{
	size_t n = strlen(line);
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (strncmp(p, line, n) == 0 && (p[n] == '\n' || p[n] == '\0'))
			return;
	fail_msg("line %d: no line \"%s\" in:\n%s", at, line, text);
}

#define assert_contains(text, s) t_assert_contains((text), (s), __LINE__)
static void t_assert_contains(const char *text, const char *s, int at)
{
	if (!strstr(text, s))
		fail_msg("line %d: \"%s\" not in:\n%s", at, s, text);
}

static void assert_not_contains(const char *text, const char *s)
{
	if (strstr(text, s))
		fail_msg("\"%s\" unexpectedly in:\n%s", s, text);
}

/* Describes a vector message in both formats; returns both. */
static void both(const char *file, const char *name, char **text, char **json)
{
	size_t len;
	uint8_t *m = vec_msg(file, name, &len);
	*text = describe(m, len, NTLM_DESCRIBE_TEXT);
	*json = describe(m, len, NTLM_DESCRIBE_JSON);
	free(m);
}

/* ---- describe: the vectors ---------------------------------------------- */

static void test_ntlmv1_challenge(void **state)
{
	(void)state;
	char *t, *j;
	both("msnlmp-4.2.2-ntlmv1.vec", "challenge_message", &t, &j);
	assert_line(t, "type: CHALLENGE");
	assert_line(t, "message_type: 2");
	assert_line(t, "length: 68");
	assert_line(t, "flags: 0xe2028233");
	assert_line(t, "  NTLMSSP_NEGOTIATE_UNICODE: 0x00000001");
	assert_line(t, "  NTLM_NEGOTIATE_OEM: 0x00000002");
	assert_line(t, "  NTLMSSP_NEGOTIATE_56: 0x80000000");
	assert_line(t, "version: 6.0.6000 (revision 15)");
	assert_line(t, "target_name: Server");
	assert_line(t, "server_challenge: 0123456789abcdef");
	assert_line(t, "reserved: 0000000000000000");
	assert_line(t, "target_info_len: 0");
	assert_contains(j, "\"type\":\"CHALLENGE\"");
	assert_contains(j, "\"flags\":{\"value\":\"0xe2028233\","
			   "\"names\":[\"NTLMSSP_NEGOTIATE_UNICODE\"");
	assert_contains(j, "\"version\":{\"major\":6,\"minor\":0,\"build\":6000,\"revision\":15");
	assert_contains(j, "\"target_info\":[]");
	ntlm_free(t);
	ntlm_free(j);
}

static void test_ntlmv1_authenticate(void **state)
{
	(void)state;
	char *t, *j;
	both("msnlmp-4.2.2-ntlmv1.vec", "authenticate_message", &t, &j);
	assert_line(t, "type: AUTHENTICATE");
	assert_line(t, "flags: 0xe2808235");
	assert_line(t, "  NTLMSSP_NEGOTIATE_KEY_EXCH: 0x40000000");
	assert_line(t, "version: 5.1.2600 (revision 15)");
	assert_line(t, "domain: Domain");
	assert_line(t, "user: User");
	assert_line(t, "workstation: COMPUTER");
	assert_line(t, "lm_response_len: 24");
	assert_line(t, "lm_response: 98def7b87f88aa5dafe2df779688a172def11c7d5ccdef13");
	assert_line(t, "nt_response: 67c43011f30298a2ad35ece64f16331c44bdbed927841f94");
	assert_line(t, "response_type: NTLMv1");
	assert_line(t, "encrypted_session_key: 518822b1b3f350c8958682ecbb3e3cb7");
	assert_line(t, "mic: absent");
	assert_not_contains(t, "ntlmv2:");
	assert_not_contains(t, "mic_value");
	assert_contains(j, "\"user\":\"User\"");
	assert_contains(j, "\"response_type\":\"NTLMv1\"");
	assert_contains(j, "\"ntlmv2\":null");
	assert_contains(j, "\"mic_present\":false");
	assert_contains(j, "\"mic_value\":null");
	assert_contains(j, "\"lm_response_len\":24");
	ntlm_free(t);
	ntlm_free(j);
}

static void test_ess(void **state)
{
	(void)state;
	char *t, *j;
	both("msnlmp-4.2.3-ntlmv1-ess.vec", "authenticate_message", &t, &j);
	assert_line(t, "flags: 0x82088235");
	assert_line(t, "  NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY: 0x00080000");
	assert_line(t, "response_type: NTLMv1-ESS");
	assert_line(t, "lm_response: aaaaaaaaaaaaaaaa00000000000000000000000000000000");
	assert_line(t, "encrypted_session_key_len: 0");
	assert_line(t, "encrypted_session_key:");
	assert_line(t, "mic: absent");
	assert_contains(j, "\"response_type\":\"NTLMv1-ESS\"");
	assert_contains(j, "\"encrypted_session_key\":\"\"");
	ntlm_free(t);
	ntlm_free(j);
	both("msnlmp-4.2.3-ntlmv1-ess.vec", "challenge_message", &t, &j);
	assert_line(t, "flags: 0x820a8233");
	assert_line(t, "  NTLMSSP_TARGET_TYPE_SERVER: 0x00020000");
	ntlm_free(t);
	ntlm_free(j);
}

static void test_ntlmv2(void **state)
{
	(void)state;
	char *t, *j;
	both("msnlmp-4.2.4-ntlmv2.vec", "challenge_message", &t, &j);
	assert_line(t, "target_info_len: 36");
	assert_line(t, "target_info:");
	assert_line(t, "  MsvAvNbDomainName: Domain");
	assert_line(t, "  MsvAvNbComputerName: Server");
	assert_contains(j, "\"target_info\":[{\"id\":2,\"name\":\"MsvAvNbDomainName\","
			   "\"value\":\"Domain\"},{\"id\":1,\"name\":\"MsvAvNbComputerName\","
			   "\"value\":\"Server\"}]");
	ntlm_free(t);
	ntlm_free(j);

	both("msnlmp-4.2.4-ntlmv2.vec", "authenticate_message", &t, &j);
	assert_line(t, "flags: 0xe2888235");
	assert_line(t, "user: User");
	assert_line(t, "response_type: NTLMv2");
	assert_line(t, "ntlmv2:");
	assert_line(t, "  ntproofstr: 68cd0ab851e51c96aabc927bebef6a1c");
	assert_line(t, "  resp_type: 1");
	assert_line(t, "  hi_resp_type: 1");
	assert_line(t, "  timestamp: 0 (1601-01-01T00:00:00.0000000Z)");
	assert_line(t, "  client_challenge: aaaaaaaaaaaaaaaa");
	assert_line(t, "  av_pairs:");
	assert_line(t, "    MsvAvNbDomainName: Domain");
	assert_line(t, "    MsvAvNbComputerName: Server");
	assert_line(t, "  trailing: 00000000");
	assert_line(t, "nt_response_len: 84");
	assert_line(t, "encrypted_session_key: c5dad2544fc9799094ce1ce90bc9d03e");
	assert_line(t, "mic: absent");
	assert_contains(j, "\"response_type\":\"NTLMv2\"");
	assert_contains(j, "\"ntlmv2\":{\"ntproofstr\":\"68cd0ab851e51c96aabc927bebef6a1c\"");
	assert_contains(j, "\"timestamp\":{\"filetime\":0,"
			   "\"utc\":\"1601-01-01T00:00:00.0000000Z\"}");
	assert_contains(j, "\"mic_present\":false");
	ntlm_free(t);
	ntlm_free(j);
}

static void test_chromium(void **state)
{
	(void)state;
	char *t, *j;
	both("chromium-mic-cbt.vec", "negotiate_message", &t, &j);
	assert_line(t, "type: NEGOTIATE");
	assert_line(t, "message_type: 1");
	assert_line(t, "flags: 0x00088207");
	assert_line(t, "  NTLMSSP_REQUEST_TARGET: 0x00000004");
	assert_line(t, "version: absent");
	assert_line(t, "domain:");
	assert_line(t, "workstation:");
	assert_contains(j, "\"version\":null,\"domain\":\"\",\"workstation\":\"\"");
	ntlm_free(t);
	ntlm_free(j);

	both("chromium-mic-cbt.vec", "authenticate_message", &t, &j);
	assert_line(t, "flags: 0x00088203");
	assert_line(t, "version: absent");
	assert_line(t, "user: User");
	assert_line(t, "response_type: NTLMv2");
	assert_line(t, "  timestamp: 131400439870000000 (2017-05-23T20:13:07.0000000Z)");
	assert_line(t, "    MsvAvFlags: 0x00000002 (MIC_PRESENT)");
	assert_line(t, "    MsvAvChannelBindings: 6586e99d81c2fc984e47172fd4dd0310");
	assert_line(t, "    MsvAvTargetName: HTTP/Server");
	assert_line(t, "mic: present");
	assert_line(t, "mic_value: f7361633f0ad9bdf4a7c421bc6b824a3");
	assert_contains(j, "{\"id\":6,\"name\":\"MsvAvFlags\",\"value\":\"0x00000002\","
			   "\"names\":[\"MIC_PRESENT\"]}");
	assert_contains(j, "{\"id\":10,\"name\":\"MsvAvChannelBindings\","
			   "\"value\":\"6586e99d81c2fc984e47172fd4dd0310\"}");
	assert_contains(j, "\"mic_present\":true,"
			   "\"mic_value\":\"f7361633f0ad9bdf4a7c421bc6b824a3\"");
	ntlm_free(t);
	ntlm_free(j);
}

static void test_windows7(void **state)
{
	(void)state;
	char *t, *j;
	both("windows7-capture.vec", "challenge_message", &t, &j);
	assert_line(t, "flags: 0xa2898205");
	assert_line(t, "version: 6.1.7600 (revision 15)");
	assert_line(t, "target_name: WS2008R2");
	assert_line(t, "server_challenge: a2c5e8ca3084aa72");
	assert_line(t, "  MsvAvDnsComputerName: DC-ws2008r2.ws2008r2.local");
	assert_line(t, "  MsvAvTimestamp: 130004106365364091 (2012-12-19T17:10:36.5364091Z)");
	assert_contains(j, "{\"id\":7,\"name\":\"MsvAvTimestamp\","
			   "\"value\":\"2012-12-19T17:10:36.5364091Z\","
			   "\"filetime\":130004106365364091}");
	ntlm_free(t);
	ntlm_free(j);

	both("windows7-capture.vec", "authenticate_message", &t, &j);
	assert_line(t, "domain: WS2008R2");
	assert_line(t, "user: Administrator");
	assert_line(t, "workstation: WIN7-2-PC");
	assert_line(t, "lm_response: 000000000000000000000000000000000000000000000000");
	assert_line(t, "response_type: NTLMv2");
	assert_line(t, "  ntproofstr: 5a6a21ae1a44c044693eee59fc5d81e0");
	assert_line(t, "    MsvAvSingleHost:");
	assert_line(t, "      size: 48");
	assert_line(t, "      z4: 0");
	assert_line(t, "      custom_data: 0100000000200000");
	assert_line(t, "      machine_id: "
		       "4d6b0d27541022f5ffa673da2bfcfdf1942f257be11a49c954197aca8aaf2eaf");
	assert_line(t, "    MsvAvTargetName: HTTP/dc-ws2008r2.ws2008r2.local");
	assert_line(t, "  trailing: 0000000000000000");
	assert_line(t, "mic: present");
	assert_line(t, "mic_value: f054a542b090b66c1fea1a2cc82e930b");
	assert_contains(j, "\"user\":\"Administrator\"");
	assert_contains(j, "\"name\":\"MsvAvSingleHost\",\"value\":\"3000000000000000"
			   "0100000000200000");
	assert_contains(j, "\"size\":48,\"z4\":0,\"custom_data\":\"0100000000200000\"");
	assert_contains(j, "\"mic_present\":true");
	ntlm_free(t);
	ntlm_free(j);
}

/* ---- describe: crafted messages ---------------------------------------- */

/* An NTLMv1 AUTHENTICATE (UNICODE) with the given user name bytes. */
static uint8_t *craft_auth(const uint8_t *user, size_t user_len, uint32_t flags, size_t *len)
{
	static const uint8_t resp[24] = { 1, 2, 3 };
	struct ntlm_wire_authenticate m;
	uint8_t *buf = malloc(1024);
	struct ntlm_wr w;

	memset(&m, 0, sizeof(m));
	m.flags = flags;
	m.lm_response = (struct ntlm_slice){ resp, sizeof(resp) };
	m.nt_response = (struct ntlm_slice){ resp, sizeof(resp) };
	m.user = (struct ntlm_slice){ user, user_len };
	m.domain = (struct ntlm_slice){ (const uint8_t *)"D\0", 2 };
	ntlm_wr_init(&w, buf, 1024);
	assert_int_equal(ntlm_wire_authenticate_encode(&m, &w), NTLM_OK);
	assert_int_equal(ntlm_wr_status(&w), NTLM_OK);
	*len = w.len;
	return buf;
}

static void test_escaping(void **state)
{
	(void)state;
	/* a " b \ c LF d ESC e NUL f U+0085 g U+00E9 U+202E h (UTF-16LE) */
	static const uint8_t user[] = { 'a',  0,   '"', 0,    'b',  0,	 '\\', 0,    'c', 0,   '\n',
					0,    'd', 0,	0x1b, 0,    'e', 0,    0,    0,	  'f', 0,
					0x85, 0,   'g', 0,    0xe9, 0,	 0x2e, 0x20, 'h', 0 };
	size_t len;
	uint8_t *m = craft_auth(user, sizeof(user), NTLMSSP_NEGOTIATE_UNICODE, &len);
	char *t = describe(m, len, NTLM_DESCRIBE_TEXT);
	char *j = describe(m, len, NTLM_DESCRIBE_JSON);
	assert_line(t, "user: a\"b\\\\c\\x0ad\\x1be\\x00f\\u0085g\xc3\xa9\\u202eh");
	assert_line(t, "domain: D");
	assert_line(t, "workstation:");
	assert_contains(j, "\"user\":\"a\\\"b\\\\c\\u000ad\\u001be\\u0000f\\u0085g\xc3\xa9"
			   "\\u202eh\"");
	ntlm_free(t);
	ntlm_free(j);
	free(m);

	/* OEM (CP850): 0x82 is e-acute, a NUL byte is shown, not a cut. */
	static const uint8_t oem[] = { 'x', 0x82, 0, 'y' };
	m = craft_auth(oem, sizeof(oem), NTLM_NEGOTIATE_OEM, &len);
	t = describe(m, len, NTLM_DESCRIBE_TEXT);
	assert_line(t, "user: x\xc3\xa9\\x00y");
	assert_line(t, "domain: D\\x00");
	ntlm_free(t);
	free(m);
}

static void test_flags_reserved_and_unknown_av(void **state)
{
	(void)state;
	size_t len;
	uint8_t *m = vec_msg("msnlmp-4.2.4-ntlmv2.vec", "challenge_message", &len);
	/* Set reserved bit r10 (0x8) and turn MsvAvNbComputerName (id 1) into
	 * an unknown id 0x00ff. TargetInfo starts at 0x44. */
	m[20] |= 0x08;
	assert_int_equal(m[0x44 + 16], 0x01);
	m[0x44 + 16] = 0xff;
	char *t = describe(m, len, NTLM_DESCRIBE_TEXT);
	char *j = describe(m, len, NTLM_DESCRIBE_JSON);
	assert_line(t, "flags: 0xe28a823b");
	assert_line(t, "  reserved: 0x00000008");
	assert_line(t, "  0x00ff: 530065007200760065007200");
	assert_contains(j, "\"reserved\":\"0x00000008\"");
	assert_contains(j, "{\"id\":255,\"name\":null,\"value\":\"530065007200760065007200\"}");
	ntlm_free(t);
	ntlm_free(j);
	free(m);
}

static void test_mic_field_without_flag(void **state)
{
	(void)state;
	size_t len;
	/* Chromium's message with MsvAvFlags 2 -> 0: the MIC field still
	 * exists, but MS-NLMP says only the flag signals a MIC. */
	uint8_t *m = vec_msg("chromium-mic-cbt.vec", "authenticate_message", &len);
	static const uint8_t pair[] = { 0x06, 0x00, 0x04, 0x00, 0x02, 0x00, 0x00, 0x00 };
	uint8_t *at = NULL;
	for (size_t i = 0; i + sizeof(pair) <= len; i++)
		if (memcmp(m + i, pair, sizeof(pair)) == 0)
			at = m + i;
	assert_non_null(at);
	at[4] = 0;
	char *t = describe(m, len, NTLM_DESCRIBE_TEXT);
	assert_line(t, "    MsvAvFlags: 0x00000000");
	assert_line(t, "mic: absent");
	assert_line(t, "mic_value: f7361633f0ad9bdf4a7c421bc6b824a3");
	ntlm_free(t);
	free(m);
}

/* Every prefix of every vector message fails cleanly (or, for a prefix
 * that is still a complete message, succeeds); every one-byte change gives
 * either an error or valid output. ASan/valgrind check the memory side. */
static void test_malformed(void **state)
{
	(void)state;
	static const struct {
		const char *file, *name;
	} msgs[] = {
		{ "msnlmp-4.2.2-ntlmv1.vec", "challenge_message" },
		{ "msnlmp-4.2.2-ntlmv1.vec", "authenticate_message" },
		{ "msnlmp-4.2.3-ntlmv1-ess.vec", "authenticate_message" },
		{ "msnlmp-4.2.4-ntlmv2.vec", "challenge_message" },
		{ "msnlmp-4.2.4-ntlmv2.vec", "authenticate_message" },
		{ "chromium-mic-cbt.vec", "negotiate_message" },
		{ "chromium-mic-cbt.vec", "authenticate_message" },
		{ "windows7-capture.vec", "challenge_message" },
		{ "windows7-capture.vec", "authenticate_message" },
	};
	for (size_t k = 0; k < ARRAY_SIZE(msgs); k++) {
		size_t len;
		uint8_t *m = vec_msg(msgs[k].file, msgs[k].name, &len);
		for (size_t n = 0; n < len; n++) {
			uint8_t *cut = malloc(n ? n : 1);
			memcpy(cut, m, n);
			char *out = (char *)1;
			ntlm_status st = ntlm_token_describe(cut, n, NTLM_DESCRIBE_JSON, &out);
			if (st == NTLM_OK) {
				assert_json(out);
				ntlm_free(out);
			} else {
				assert_null(out);
				assert_int_equal(ntlm_status_kind(st), NTLM_KIND_MALFORMED);
				assert_true(ntlm_error_message()[0] != '\0');
			}
			free(cut);
		}
		for (size_t i = 0; i < len; i++) {
			static const uint8_t xors[] = { 0x01, 0x80, 0xff };
			for (size_t x = 0; x < ARRAY_SIZE(xors); x++) {
				m[i] ^= xors[x];
				for (unsigned f = 0; f <= 1; f++) {
					char *out = NULL;
					ntlm_status st = ntlm_token_describe(m, len, f, &out);
					if (st == NTLM_OK) {
						if (f == NTLM_DESCRIBE_JSON)
							assert_json(out);
						ntlm_free(out);
					} else {
						assert_null(out);
					}
				}
				m[i] ^= xors[x];
			}
		}
		free(m);
	}
}

static void test_describe_errors(void **state)
{
	(void)state;
	size_t len;
	char *out = NULL;
	uint8_t *m = vec_msg("msnlmp-4.2.2-ntlmv1.vec", "challenge_message", &len);

	assert_int_equal(ntlm_token_describe(m, len, 2, &out), NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(ntlm_token_describe(m, len, NTLM_DESCRIBE_TEXT, NULL),
			 NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(ntlm_token_describe(NULL, 5, NTLM_DESCRIBE_TEXT, &out),
			 NTLM_E_INVALID_ARGUMENT);
	assert_int_not_equal(ntlm_token_describe(NULL, 0, NTLM_DESCRIBE_TEXT, &out), NTLM_OK);
	assert_null(out);

	m[0] = 'X';
	assert_int_equal(ntlm_token_describe(m, len, NTLM_DESCRIBE_TEXT, &out),
			 NTLM_E_BAD_SIGNATURE);
	assert_null(out);
	m[0] = 'N';
	m[8] = 4;
	assert_int_equal(ntlm_token_describe(m, len, NTLM_DESCRIBE_TEXT, &out),
			 NTLM_E_BAD_MESSAGE_TYPE);
	assert_non_null(strstr(ntlm_error_message(), "4"));
	assert_null(out);
	free(m);

	uint8_t *big = calloc(1, NTLM_MAX_TOKEN + 1);
	memcpy(big, "NTLMSSP\0\1\0\0\0", 12);
	assert_int_equal(ntlm_token_describe(big, NTLM_MAX_TOKEN + 1, NTLM_DESCRIBE_TEXT, &out),
			 NTLM_E_TOKEN_TOO_LARGE);
	assert_null(out);
	free(big);
}

/* ---- token_from_text ----------------------------------------------------- */

static const char v1_challenge_b64[] =
	"TlRMTVNTUAACAAAADAAMADgAAAAzggLiASNFZ4mrze8AAAAAAAAAAAAAAAAAAAAABgBwFwAAAA9T"
	"AGUAcgB2AGUAcgA=";

static void expect_text(const char *text, const uint8_t *want, size_t want_len)
{
	uint8_t *b = NULL;
	size_t n = 0;
	ntlm_status st = ntlm_token_from_text(text, &b, &n);
	if (st != NTLM_OK)
		fail_msg("\"%.60s\": %s: %s", text, ntlm_status_name(st), ntlm_error_message());
	assert_int_equal(n, want_len);
	assert_bytes_equal(b, want, n);
	ntlm_free(b);
}

static void expect_reject(const char *text, ntlm_status want)
{
	uint8_t *b = (uint8_t *)1;
	size_t n = 1;
	ntlm_status st = ntlm_token_from_text(text, &b, &n);
	if (st != want)
		fail_msg("\"%.60s\": got %s, want %s", text, ntlm_status_name(st),
			 ntlm_status_name(want));
	assert_null(b);
	assert_int_equal(n, 0);
	assert_true(ntlm_error_message()[0] != '\0');
}

static void test_from_text_forms(void **state)
{
	(void)state;
	size_t len;
	uint8_t *m = vec_msg("msnlmp-4.2.2-ntlmv1.vec", "challenge_message", &len);
	char buf[1024];
	char *b64 = NULL;

	assert_int_equal(ntlm_base64_encode(m, len, &b64), NTLM_OK);
	assert_string_equal(b64, v1_challenge_b64);
	ntlm_free(b64);

	static const char *const fmts[] = {
		"%s",
		"  %s \r\n",
		"NTLM %s",
		"ntlm\t%s",
		"Negotiate %s",
		"NEGOTIATE %s",
		"Authorization: NTLM %s",
		"authorization:NTLM %s\r\n",
		"Proxy-Authorization: Negotiate %s",
		"WWW-Authenticate: Negotiate %s",
		"www-authenticate: ntlm %s",
		"Proxy-Authenticate: NTLM %s",
		"\r\n\tAuthorization:   NTLM   %s  \r\n",
	};
	for (size_t i = 0; i < ARRAY_SIZE(fmts); i++) {
		snprintf(buf, sizeof(buf), fmts[i], v1_challenge_b64);
		expect_text(buf, m, len);
	}

	/* hex: plain, upper case, with whitespace (the .vec layout) */
	const char *hex = t_tohex(m, len);
	expect_text(hex, m, len);
	snprintf(buf, sizeof(buf), "%s", hex);
	for (char *p = buf; *p; p++)
		if (*p >= 'a' && *p <= 'f')
			*p = (char)(*p - 'a' + 'A');
	expect_text(buf, m, len);
	expect_text("4e544c4d53535000020000000c000c0038000000338202e20123456789abcdef\n"
		    "  00000000000000000000000000000000060070170000000f5300650072007600\n"
		    "  65007200\n",
		    m, len);
	snprintf(buf, sizeof(buf), "NTLM %s", hex);
	expect_text(buf, m, len);
	free(m);

	/* Not "NTLMSSP\0" as hex, so base64: "00112233" -> d3 4d 75 db 6d f7. */
	static const uint8_t b[] = { 0xd3, 0x4d, 0x75, 0xdb, 0x6d, 0xf7 };
	expect_text("00112233", b, sizeof(b));
	/* RFC 4648 section 10 */
	expect_text("Zg==", (const uint8_t *)"f", 1);
	expect_text("Zm8=", (const uint8_t *)"fo", 2);
	expect_text("Zm9vYmFy", (const uint8_t *)"foobar", 6);
}

static void test_from_text_rejects(void **state)
{
	(void)state;
	char *big;

	expect_reject("", NTLM_E_BAD_ENCODING);
	expect_reject(" \r\n\t ", NTLM_E_BAD_ENCODING);
	expect_reject("NTLM", NTLM_E_BAD_ENCODING);
	expect_reject("Negotiate  ", NTLM_E_BAD_ENCODING);
	expect_reject("Authorization: NTLM", NTLM_E_BAD_ENCODING);
	expect_reject("Authorization: Basic dXNlcjpwYXNz", NTLM_E_BAD_ENCODING);
	expect_reject("Authorization: TlRMTVNTUAAB", NTLM_E_BAD_ENCODING);
	expect_reject("Cookie: NTLM TlRMTVNTUAAB", NTLM_E_BAD_ENCODING);
	expect_reject("Basic dXNlcjpwYXNz", NTLM_E_BAD_ENCODING);
	expect_reject("TlRMTVNTUAAB!", NTLM_E_BAD_ENCODING);
	expect_reject("TlRMTVNTUAA", NTLM_E_BAD_ENCODING); /* unpadded */
	expect_reject("TlRMTVNTUA", NTLM_E_BAD_ENCODING);  /* truncated */
	expect_reject("TlRM TVNT", NTLM_E_BAD_ENCODING);   /* inner space */
	expect_reject("TlRM\nTVNT", NTLM_E_BAD_ENCODING);
	expect_reject("TlRMTVNTUA=A", NTLM_E_BAD_ENCODING); /* '=' inside */
	expect_reject("TlRMTVNTU===", NTLM_E_BAD_ENCODING);
	expect_reject("====", NTLM_E_BAD_ENCODING);
	expect_reject("Zh==", NTLM_E_BAD_ENCODING); /* stray bits */
	expect_reject("Zm9=", NTLM_E_BAD_ENCODING);
	expect_reject("TlRM-TVN", NTLM_E_BAD_ENCODING); /* base64url */
	expect_reject("TlRM_TVN", NTLM_E_BAD_ENCODING);
	expect_reject("4e544c4d5353500", NTLM_E_BAD_ENCODING); /* odd hex */
	expect_reject("4e544c4d53535000zz", NTLM_E_BAD_ENCODING);
	expect_reject("\xc3\xa9t\xc3\xa9", NTLM_E_BAD_ENCODING);

	/* Size limit: 2888 bytes pass, 2889 do not, in both encodings. */
	uint8_t *tok = calloc(1, NTLM_MAX_TOKEN + 1);
	memcpy(tok, "NTLMSSP", 8);
	assert_int_equal(ntlm_base64_encode(tok, NTLM_MAX_TOKEN + 1, &big), NTLM_OK);
	expect_reject(big, NTLM_E_TOKEN_TOO_LARGE);
	ntlm_free(big);
	assert_int_equal(ntlm_base64_encode(tok, NTLM_MAX_TOKEN, &big), NTLM_OK);
	expect_text(big, tok, NTLM_MAX_TOKEN);
	ntlm_free(big);
	big = malloc(2 * (NTLM_MAX_TOKEN + 1) + 1);
	for (size_t i = 0; i <= NTLM_MAX_TOKEN; i++)
		snprintf(big + 2 * i, 3, "%02x", tok[i]);
	expect_reject(big, NTLM_E_TOKEN_TOO_LARGE);
	big[2 * NTLM_MAX_TOKEN] = '\0';
	expect_text(big, tok, NTLM_MAX_TOKEN);
	free(big);
	free(tok);

	uint8_t *o;
	size_t n;
	assert_int_equal(ntlm_token_from_text(NULL, &o, &n), NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(ntlm_token_from_text("Zg==", NULL, &n), NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(ntlm_token_from_text("Zg==", &o, NULL), NTLM_E_INVALID_ARGUMENT);
}

static void test_base64_encode(void **state)
{
	(void)state;
	static const char *const want[] = { "",		"Zg==",	    "Zm8=",    "Zm9v",
					    "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
	char *s;
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		assert_int_equal(ntlm_base64_encode((const uint8_t *)"foobar", i, &s), NTLM_OK);
		assert_string_equal(s, want[i]);
		ntlm_free(s);
	}
	assert_int_equal(ntlm_base64_encode(NULL, 0, &s), NTLM_OK);
	assert_string_equal(s, "");
	ntlm_free(s);
	assert_int_equal(ntlm_base64_encode(NULL, 1, &s), NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(ntlm_base64_encode((const uint8_t *)"x", 1, NULL),
			 NTLM_E_INVALID_ARGUMENT);

	/* Round trip of every byte value at every length up to 300. */
	uint8_t data[300];
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + 3);
	for (size_t n = 1; n <= sizeof(data); n++) {
		uint8_t *back;
		size_t blen;
		assert_int_equal(ntlm_base64_encode(data, n, &s), NTLM_OK);
		assert_int_equal(strlen(s), (n + 2) / 3 * 4);
		assert_int_equal(ntlm_token_from_text(s, &back, &blen), NTLM_OK);
		assert_int_equal(blen, n);
		assert_bytes_equal(back, data, n);
		ntlm_free(back);
		ntlm_free(s);
	}
}

static void test_base64_decode(void **state)
{
	(void)state;
	uint8_t *o, data[70000];
	size_t n;
	char *s;

	assert_int_equal(ntlm_base64_decode("Zm9vYmE=", 8, 6, &o, &n), NTLM_OK);
	assert_int_equal(n, 5);
	assert_memory_equal(o, "fooba", 5);
	ntlm_free(o);
	/* Exactly len bytes are read: no NUL needed, nothing after them looked at. */
	assert_int_equal(ntlm_base64_decode("Zm9v!!", 4, 3, &o, &n), NTLM_OK);
	assert_int_equal(n, 3);
	ntlm_free(o);
	assert_int_equal(ntlm_base64_decode("", 0, 0, &o, &n), NTLM_OK);
	assert_non_null(o);
	assert_int_equal(n, 0);
	ntlm_free(o);
	assert_int_equal(ntlm_base64_decode(NULL, 0, 0, &o, &n), NTLM_OK);
	ntlm_free(o);

	/* The limit is checked before anything is allocated. */
	assert_int_equal(ntlm_base64_decode("Zm9vYmE=", 8, 4, &o, &n), NTLM_E_TOKEN_TOO_LARGE);
	assert_null(o);
	assert_non_null(strstr(ntlm_error_message(), "token of 5 bytes; the limit is 4"));
	static const char *const bad[] = { "Zm9",    "Zm9v YmE=", "Zg=a", "Zh==", "Z===",
					   "Zm9v\n", "=Zm9",	  "Zm-v", "Zm_v" };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(ntlm_base64_decode(bad[i], strlen(bad[i]), 100, &o, &n),
				 NTLM_E_BAD_ENCODING);
		assert_null(o);
	}
	assert_int_equal(ntlm_base64_decode(NULL, 1, 10, &o, &n), NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(ntlm_base64_decode("Zg==", 4, 10, NULL, &n), NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(ntlm_base64_decode("Zg==", 4, 10, &o, NULL), NTLM_E_INVALID_ARGUMENT);

	/* Larger than a token: a 64 KiB message round-trips. */
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 13 + 1);
	assert_int_equal(ntlm_base64_encode(data, sizeof(data), &s), NTLM_OK);
	assert_int_equal(ntlm_base64_decode(s, strlen(s), sizeof(data), &o, &n), NTLM_OK);
	assert_int_equal(n, sizeof(data));
	assert_memory_equal(o, data, sizeof(data));
	ntlm_free(o);
	assert_int_equal(ntlm_base64_decode(s, strlen(s), sizeof(data) - 1, &o, &n),
			 NTLM_E_TOKEN_TOO_LARGE);
	ntlm_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_checker),
		cmocka_unit_test(test_ntlmv1_challenge),
		cmocka_unit_test(test_ntlmv1_authenticate),
		cmocka_unit_test(test_ess),
		cmocka_unit_test(test_ntlmv2),
		cmocka_unit_test(test_chromium),
		cmocka_unit_test(test_windows7),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_flags_reserved_and_unknown_av),
		cmocka_unit_test(test_mic_field_without_flag),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_describe_errors),
		cmocka_unit_test(test_from_text_forms),
		cmocka_unit_test(test_from_text_rejects),
		cmocka_unit_test(test_base64_encode),
		cmocka_unit_test(test_base64_decode),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
