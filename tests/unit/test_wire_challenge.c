/* SPDX-License-Identifier: MIT */
/* wire: CHALLENGE_MESSAGE (MS-NLMP 2.2.1.2) decode/encode. */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "wire_eq.h"
#include "wire_gen.h"
#include "wire/wire.h"

/* Decodes the vector's challenge_message, re-encodes it and checks the
 * bytes are identical. The caller frees *msg. */
static void roundtrip(const char *file, uint8_t **msg, size_t *len, struct ntlm_wire_challenge *c)
{
	struct t_vec *v = t_vec_load(file);
	uint8_t out[NTLM_MAX_TOKEN];
	struct ntlm_wr w;

	*msg = t_vec_bytes(v, "challenge_message", len);
	assert_int_equal(ntlm_wire_challenge_decode(*msg, *len, c), NTLM_OK);
	ntlm_wr_init(&w, out, sizeof(out));
	assert_int_equal(ntlm_wire_challenge_encode(c, &w), NTLM_OK);
	assert_int_equal(w.len, *len);
	assert_bytes_equal(out, *msg, *len);
	t_vec_free(v);
}

static void assert_utf8(struct ntlm_slice s, bool unicode, const char *want)
{
	char *got;
	assert_int_equal(ntlm_wire_str_to_utf8(s, unicode, &got, "test"), NTLM_OK);
	assert_string_equal(got, want);
	free(got);
}

static void assert_av_name(const struct ntlm_wire_avlist *l, size_t i, uint16_t id,
			   const char *want)
{
	assert_true(i < l->n);
	assert_int_equal(l->av[i].id, id);
	assert_utf8(l->av[i].value, true, want);
}

static void assert_spec_version(const struct ntlm_wire_challenge *c)
{
	/* 06 00 70 17 00 00 00 0f: 6.0.6000, NTLMSSP_REVISION_W2K3 */
	assert_true(c->has_version);
	assert_int_equal(c->version.major, 6);
	assert_int_equal(c->version.minor, 0);
	assert_int_equal(c->version.build, 6000);
	assert_int_equal(c->version.revision, NTLMSSP_REVISION_W2K3);
}

static void test_spec_ntlmv1(void **state)
{
	(void)state;
	struct ntlm_wire_challenge c;
	uint8_t *msg;
	size_t len;
	roundtrip(NTLM_VECTOR_DIR "/msnlmp-4.2.2-ntlmv1.vec", &msg, &len, &c);
	assert_int_equal(len, 68);
	assert_int_equal(c.flags, 0xe2028233u);
	assert_hex_equal(c.server_challenge, 8, "0123456789abcdef");
	assert_hex_equal(c.reserved, 8, "0000000000000000");
	assert_utf8(c.target_name, true, "Server");
	assert_int_equal(c.target_info.len, 0);
	assert_int_equal(c.av.n, 0);
	assert_spec_version(&c);
	free(msg);
}

static void test_spec_ntlmv1_ess(void **state)
{
	(void)state;
	struct ntlm_wire_challenge c;
	uint8_t *msg;
	size_t len;
	roundtrip(NTLM_VECTOR_DIR "/msnlmp-4.2.3-ntlmv1-ess.vec", &msg, &len, &c);
	assert_int_equal(c.flags, 0x820a8233u);
	assert_true(c.flags & NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY);
	assert_hex_equal(c.server_challenge, 8, "0123456789abcdef");
	assert_utf8(c.target_name, true, "Server");
	assert_int_equal(c.av.n, 0);
	assert_spec_version(&c);
	free(msg);
}

static void test_spec_ntlmv2(void **state)
{
	(void)state;
	struct t_vec *v = t_vec_load(NTLM_VECTOR_DIR "/msnlmp-4.2.4-ntlmv2.vec");
	struct ntlm_wire_challenge c;
	uint8_t *msg, *ti;
	size_t len, ti_len;
	roundtrip(NTLM_VECTOR_DIR "/msnlmp-4.2.4-ntlmv2.vec", &msg, &len, &c);
	assert_int_equal(len, 104);
	assert_int_equal(c.flags, 0xe28a8233u);
	assert_true(c.flags & NTLMSSP_NEGOTIATE_TARGET_INFO);
	assert_hex_equal(c.server_challenge, 8, "0123456789abcdef");
	assert_utf8(c.target_name, true, "Server");
	ti = t_vec_bytes(v, "target_info", &ti_len);
	assert_int_equal(c.target_info.len, ti_len);
	assert_bytes_equal(c.target_info.p, ti, ti_len);
	/* the bytes hold the domain first (facts 8.4) */
	assert_int_equal(c.av.n, 2);
	assert_av_name(&c.av, 0, MsvAvNbDomainName, "Domain");
	assert_av_name(&c.av, 1, MsvAvNbComputerName, "Server");
	assert_spec_version(&c);
	free(ti);
	free(msg);
	t_vec_free(v);
}

static void test_windows7(void **state)
{
	(void)state;
	struct ntlm_wire_challenge c;
	uint8_t *msg;
	size_t len;
	uint64_t ts;
	uint32_t fl;
	roundtrip(NTLM_VECTOR_DIR "/windows7-capture.vec", &msg, &len, &c);
	assert_int_equal(len, 254);
	assert_int_equal(c.flags, 0xa2898205u);
	assert_hex_equal(c.server_challenge, 8, "a2c5e8ca3084aa72");
	assert_utf8(c.target_name, true, "WS2008R2");
	assert_true(c.has_version);
	assert_int_equal(c.version.major, 6);
	assert_int_equal(c.version.minor, 1);
	assert_int_equal(c.version.build, 7600);
	assert_int_equal(c.version.revision, 15);
	assert_int_equal(c.av.n, 6);
	assert_av_name(&c.av, 0, MsvAvNbDomainName, "WS2008R2");
	assert_av_name(&c.av, 1, MsvAvNbComputerName, "DC-WS2008R2");
	assert_av_name(&c.av, 2, MsvAvDnsDomainName, "ws2008r2.local");
	assert_av_name(&c.av, 3, MsvAvDnsComputerName, "DC-ws2008r2.ws2008r2.local");
	assert_av_name(&c.av, 4, MsvAvDnsTreeName, "ws2008r2.local");
	assert_int_equal(c.av.av[5].id, MsvAvTimestamp);
	assert_true(ntlm_wire_avlist_timestamp(&c.av, &ts));
	assert_true(ts == 0x01cdde0bc33fe77bull);
	assert_false(ntlm_wire_avlist_flags(&c.av, &fl));
	free(msg);
}

static void test_peek_type(void **state)
{
	(void)state;
	struct t_vec *v = t_vec_load(NTLM_VECTOR_DIR "/msnlmp-4.2.4-ntlmv2.vec");
	uint32_t type;
	size_t len;
	uint8_t *msg = t_vec_bytes(v, "challenge_message", &len);
	assert_int_equal(ntlm_wire_peek_type(msg, len, &type), NTLM_OK);
	assert_int_equal(type, NTLM_WIRE_CHALLENGE);
	assert_int_equal(ntlm_wire_peek_type(msg, 11, &type), NTLM_E_TRUNCATED);
	assert_non_null(strstr(ntlm_error_message(), "MessageType"));
	assert_int_equal(ntlm_wire_peek_type(msg, 5, &type), NTLM_E_TRUNCATED);
	assert_non_null(strstr(ntlm_error_message(), "Signature"));
	msg[1] = 'X';
	assert_int_equal(ntlm_wire_peek_type(msg, 5, &type), NTLM_E_BAD_SIGNATURE);
	free(msg);
	t_vec_free(v);
}

/* ---- negative tests: one per decoder error -------------------------- */

/* The 4.2.4 CHALLENGE (TargetName at 56, 12 bytes; TargetInfo at 68, 36). */
static uint8_t *spec_msg(size_t *len)
{
	struct t_vec *v = t_vec_load(NTLM_VECTOR_DIR "/msnlmp-4.2.4-ntlmv2.vec");
	uint8_t *msg = t_vec_bytes(v, "challenge_message", len);
	t_vec_free(v);
	return msg;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void expect(const uint8_t *msg, size_t len, ntlm_status st, const char *field)
{
	struct ntlm_wire_challenge c;
	assert_int_equal(ntlm_wire_challenge_decode(msg, len, &c), st);
	if (!strstr(ntlm_error_message(), field))
		fail_msg("error \"%s\" does not name \"%s\"", ntlm_error_message(), field);
}

static void test_bad_signature(void **state)
{
	(void)state;
	size_t len;
	uint8_t *m = spec_msg(&len);
	m[7] = 1;
	expect(m, len, NTLM_E_BAD_SIGNATURE, "Signature");
	free(m);
}

static void test_bad_message_type(void **state)
{
	(void)state;
	size_t len;
	uint8_t *m = spec_msg(&len);
	m[8] = 3;
	expect(m, len, NTLM_E_BAD_MESSAGE_TYPE, "MessageType");
	m[8] = 1;
	expect(m, len, NTLM_E_BAD_MESSAGE_TYPE, "MessageType");
	put32(m + 8, 0x102);
	expect(m, len, NTLM_E_BAD_MESSAGE_TYPE, "MessageType");
	free(m);
}

static void test_truncated(void **state)
{
	(void)state;
	size_t len;
	uint8_t *m = spec_msg(&len);
	expect(m, 47, NTLM_E_TRUNCATED, "CHALLENGE_MESSAGE");
	expect(m, 12, NTLM_E_TRUNCATED, "CHALLENGE_MESSAGE");
	expect(m, 10, NTLM_E_TRUNCATED, "MessageType");
	expect(m, 0, NTLM_E_TRUNCATED, "Signature");
	/* payload cut off: TargetInfo now ends past the message */
	expect(m, len - 1, NTLM_E_BUFFER_OUT_OF_BOUNDS, "TargetInfoFields");
	free(m);
}

static void test_too_large(void **state)
{
	(void)state;
	size_t len;
	uint8_t *m = spec_msg(&len);
	uint8_t *big = calloc(1, NTLM_MAX_TOKEN + 1);
	memcpy(big, m, len);
	expect(big, NTLM_MAX_TOKEN + 1, NTLM_E_TOKEN_TOO_LARGE, "token");
	/* exactly the limit is accepted (trailing bytes are ignored) */
	struct ntlm_wire_challenge c;
	assert_int_equal(ntlm_wire_challenge_decode(big, NTLM_MAX_TOKEN, &c), NTLM_OK);
	free(big);
	free(m);
}

static void test_buffers(void **state)
{
	(void)state;
	size_t len;
	uint8_t *m = spec_msg(&len);
	uint8_t *k = malloc(len);

	memcpy(k, m, len);
	put16(k + 12, 100); /* TargetName Len past the end */
	expect(k, len, NTLM_E_BUFFER_OUT_OF_BOUNDS, "TargetNameFields");
	memcpy(k, m, len);
	put32(k + 16, 200); /* TargetName offset past the end */
	expect(k, len, NTLM_E_BUFFER_OUT_OF_BOUNDS, "TargetNameFields");
	memcpy(k, m, len);
	put32(k + 16, 0xfffffffau); /* offset + len wraps 32 bits */
	expect(k, len, NTLM_E_BUFFER_OVERFLOW, "TargetNameFields");
	memcpy(k, m, len);
	put32(k + 44, 0xffffffffu);
	expect(k, len, NTLM_E_BUFFER_OVERFLOW, "TargetInfoFields");
	memcpy(k, m, len);
	put32(k + 16, 47); /* into the fixed header */
	expect(k, len, NTLM_E_BUFFER_OVERLAPS_HEADER, "TargetNameFields");
	memcpy(k, m, len);
	put32(k + 44, 0);
	expect(k, len, NTLM_E_BUFFER_OVERLAPS_HEADER, "TargetInfoFields");
	/* at 48 is allowed (VERSION then is absent) */
	memcpy(k, m, len);
	put32(k + 16, 48);
	struct ntlm_wire_challenge c;
	assert_int_equal(ntlm_wire_challenge_decode(k, len, &c), NTLM_OK);
	assert_false(c.has_version);
	/* an empty buffer may point anywhere */
	memcpy(k, m, len);
	put16(k + 12, 0);
	put32(k + 16, 0xffffffffu);
	assert_int_equal(ntlm_wire_challenge_decode(k, len, &c), NTLM_OK);
	assert_int_equal(c.target_name.len, 0);
	free(k);
	free(m);
}

static void test_utf16(void **state)
{
	(void)state;
	size_t len;
	uint8_t *m = spec_msg(&len);
	uint8_t *k = malloc(len);

	memcpy(k, m, len);
	put16(k + 12, 11); /* odd TargetName length */
	expect(k, len, NTLM_E_UTF16_ODD_LENGTH, "TargetName");
	memcpy(k, m, len);
	put16(k + 56 + 2, 0xd800); /* "S?rver" with a lone high surrogate */
	expect(k, len, NTLM_E_UTF16_INVALID, "TargetName");
	memcpy(k, m, len);
	put16(k + 56 + 10, 0xdc00); /* lone low surrogate at the end */
	expect(k, len, NTLM_E_UTF16_INVALID, "TargetName");
	/* OEM: the same bytes are not checked as UTF-16 */
	k[20] = (uint8_t)((k[20] & ~NTLMSSP_NEGOTIATE_UNICODE) | NTLM_NEGOTIATE_OEM);
	struct ntlm_wire_challenge c;
	assert_int_equal(ntlm_wire_challenge_decode(k, len, &c), NTLM_OK);
	/* a name AV pair in TargetInfo: MsvAvNbDomainName "Domain" -> lone surrogate */
	memcpy(k, m, len);
	put16(k + 68 + 4, 0xdbff);
	expect(k, len, NTLM_E_UTF16_INVALID, "TargetInfo");
	expect(k, len, NTLM_E_UTF16_INVALID, "MsvAvNbDomainName");
	free(k);
	free(m);
}

static void test_no_charset(void **state)
{
	(void)state;
	size_t len;
	uint8_t *m = spec_msg(&len);
	m[20] &= (uint8_t) ~(NTLMSSP_NEGOTIATE_UNICODE | NTLM_NEGOTIATE_OEM);
	expect(m, len, NTLM_E_NO_CHARSET, "NTLMSSP_NEGOTIATE_UNICODE");
	free(m);
}

static void test_target_info_errors(void **state)
{
	(void)state;
	size_t len;
	uint8_t *m = spec_msg(&len);
	uint8_t *k = malloc(len);

	/* TargetInfo 36 bytes at 68: Domain pair (16), Server pair (16), EOL (4) */
	memcpy(k, m, len);
	put16(k + 40, 32); /* cut the EOL off */
	expect(k, len, NTLM_E_AV_NO_EOL, "TargetInfo");
	memcpy(k, m, len);
	put16(k + 68 + 16, MsvAvNbDomainName); /* Server pair becomes a 2nd domain */
	expect(k, len, NTLM_E_AV_DUPLICATE, "MsvAvNbDomainName");
	memcpy(k, m, len);
	put16(k + 68 + 32 + 2, 4); /* EOL with AvLen 4 */
	put16(k + 40, 40);
	put16(k + 42, 40);
	/* (the message is 4 bytes short for that: value past the end) */
	expect(k, len, NTLM_E_BUFFER_OUT_OF_BOUNDS, "TargetInfoFields");
	free(k);
	/* the same with room for the value */
	k = calloc(1, len + 4);
	memcpy(k, m, len);
	put16(k + 68 + 32 + 2, 4);
	put16(k + 40, 40);
	put16(k + 42, 40);
	expect(k, len + 4, NTLM_E_AV_BAD_LENGTH, "MsvAvEOL");
	free(k);
	free(m);
}

static void test_empty_target_info(void **state)
{
	(void)state;
	size_t len;
	uint8_t *m = spec_msg(&len);
	struct ntlm_wire_challenge c;
	put16(m + 40, 0); /* TargetInfo Len 0: an empty list, no error */
	assert_int_equal(ntlm_wire_challenge_decode(m, len, &c), NTLM_OK);
	assert_int_equal(c.av.n, 0);
	assert_int_equal(c.target_info.len, 0);
	free(m);
}

/* ---- encoder ------------------------------------------------------------ */

static void test_encode_empty_fields(void **state)
{
	(void)state;
	struct ntlm_wire_challenge c = { 0 };
	uint8_t out[128];
	struct ntlm_wr w;

	/* no TARGET_INFO flag: TargetInfo fields stay all zero; TargetName
	 * points at the end of the payload */
	c.flags = NTLMSSP_NEGOTIATE_UNICODE;
	ntlm_wr_init(&w, out, sizeof(out));
	assert_int_equal(ntlm_wire_challenge_encode(&c, &w), NTLM_OK);
	assert_int_equal(w.len, 48);
	assert_hex_equal(out + 12, 8, "0000000030000000");
	assert_hex_equal(out + 40, 8, "0000000000000000");
	/* with TARGET_INFO and VERSION: both point at 56 */
	c.flags |= NTLMSSP_NEGOTIATE_TARGET_INFO | NTLMSSP_NEGOTIATE_VERSION;
	c.has_version = true;
	ntlm_wr_init(&w, out, sizeof(out));
	assert_int_equal(ntlm_wire_challenge_encode(&c, &w), NTLM_OK);
	assert_int_equal(w.len, 56);
	assert_hex_equal(out + 12, 8, "0000000038000000");
	assert_hex_equal(out + 40, 8, "0000000038000000");
	/* the writer must be empty; a small one fails with BUFFER_TOO_SMALL */
	assert_int_equal(ntlm_wire_challenge_encode(&c, &w), NTLM_E_INVALID_ARGUMENT);
	ntlm_wr_init(&w, out, 50);
	assert_int_equal(ntlm_wire_challenge_encode(&c, &w), NTLM_E_BUFFER_TOO_SMALL);
}

/* decode(encode(m)) == m over generated messages */
static void test_property(void **state)
{
	(void)state;
	struct wg *g = malloc(sizeof(*g));
	uint8_t out[NTLM_MAX_TOKEN], ti[NTLM_MAX_TOKEN];

	for (unsigned iter = 0; iter < 500; iter++) {
		struct ntlm_wire_challenge m = { 0 }, d;
		struct ntlm_wr w;
		uint32_t cs;

		wg_init(g, 0x1234 + iter);
		cs = wg_charset(g);
		m.flags = wg_flags(g, cs);
		m.has_version = (m.flags & NTLMSSP_NEGOTIATE_VERSION) != 0;
		if (m.has_version)
			wg_version(g, &m.version);
		m.target_name = wg_text(g, cs & NTLMSSP_NEGOTIATE_UNICODE);
		for (int i = 0; i < 8; i++) {
			m.server_challenge[i] = (uint8_t)wg_next(g);
			m.reserved[i] = iter % 4 ? 0 : (uint8_t)wg_next(g);
		}
		if (wg_below(g, 4)) {
			wg_avlist(g, &m.av, wg_below(g, 5));
			ntlm_wr_init(&w, ti, sizeof(ti));
			ntlm_wire_avlist_encode(&w, &m.av);
			assert_int_equal(ntlm_wr_status(&w), NTLM_OK);
			m.target_info.p = ti;
			m.target_info.len = w.len;
		}
		ntlm_wr_init(&w, out, sizeof(out));
		assert_int_equal(ntlm_wire_challenge_encode(&m, &w), NTLM_OK);
		if (ntlm_wire_challenge_decode(out, w.len, &d) != NTLM_OK)
			fail_msg("iter %u: %s", iter, ntlm_error_message());
		if (!wq_challenge(&m, &d))
			fail_msg("iter %u: decode(encode(m)) != m (flags %08x)", iter, m.flags);
	}
	free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_ntlmv1),
		cmocka_unit_test(test_spec_ntlmv1_ess),
		cmocka_unit_test(test_spec_ntlmv2),
		cmocka_unit_test(test_windows7),
		cmocka_unit_test(test_peek_type),
		cmocka_unit_test(test_bad_signature),
		cmocka_unit_test(test_bad_message_type),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test(test_buffers),
		cmocka_unit_test(test_utf16),
		cmocka_unit_test(test_no_charset),
		cmocka_unit_test(test_target_info_errors),
		cmocka_unit_test(test_empty_target_info),
		cmocka_unit_test(test_encode_empty_fields),
		cmocka_unit_test(test_property),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
