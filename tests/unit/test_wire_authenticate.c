/* SPDX-License-Identifier: MIT */
/* wire: AUTHENTICATE_MESSAGE (MS-NLMP 2.2.1.3) decode/encode. */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "wire_eq.h"
#include "wire_gen.h"
#include "wire/wire.h"

static uint8_t *vec_msg(const char *file, const char *name, size_t *len)
{
	struct t_vec *v = t_vec_load(file);
	uint8_t *msg = t_vec_bytes(v, name, len);
	t_vec_free(v);
	return msg;
}

static void assert_vec_slice(const struct t_vec *v, const char *name, struct ntlm_slice s)
{
	size_t len;
	uint8_t *want = t_vec_bytes(v, name, &len);
	assert_int_equal(s.len, len);
	assert_bytes_equal(s.p, want, len);
	free(want);
}

static void assert_utf8(struct ntlm_slice s, bool unicode, const char *want)
{
	char *got;
	assert_int_equal(ntlm_wire_str_to_utf8(s, unicode, &got, "test"), NTLM_OK);
	assert_string_equal(got, want);
	free(got);
}

/* Decodes the vector's AUTHENTICATE and, if `exact`, checks that it
 * re-encodes to the same bytes. */
static void decode_vec(const struct t_vec *v, struct ntlm_wire_authenticate *a, uint8_t **msg,
		       bool exact)
{
	uint8_t out[NTLM_MAX_TOKEN];
	struct ntlm_wr w;
	size_t len;

	*msg = t_vec_bytes(v, "authenticate_message", &len);
	if (ntlm_wire_authenticate_decode(*msg, len, a) != NTLM_OK)
		fail_msg("decode: %s", ntlm_error_message());
	ntlm_wr_init(&w, out, sizeof(out));
	assert_int_equal(ntlm_wire_authenticate_encode(a, &w), NTLM_OK);
	if (exact) {
		assert_int_equal(w.len, len);
		assert_bytes_equal(out, *msg, len);
	}
	/* either way, what we write decodes to the same struct */
	struct ntlm_wire_authenticate b;
	assert_int_equal(ntlm_wire_authenticate_decode(out, w.len, &b), NTLM_OK);
	assert_true(wq_authenticate(a, &b));
}

static void assert_spec_common(const struct ntlm_wire_authenticate *a)
{
	assert_utf8(a->domain, true, "Domain");
	assert_utf8(a->user, true, "User");
	assert_utf8(a->workstation, true, "COMPUTER");
	/* 05 01 28 0a 00 00 00 0f: 5.1.2600 */
	assert_true(a->has_version);
	assert_int_equal(a->version.major, 5);
	assert_int_equal(a->version.minor, 1);
	assert_int_equal(a->version.build, 2600);
	assert_int_equal(a->version.revision, NTLMSSP_REVISION_W2K3);
	assert_false(a->has_mic);
}

static void test_spec_ntlmv1(void **state)
{
	(void)state;
	struct t_vec *v = t_vec_load(NTLM_VECTOR_DIR "/msnlmp-4.2.2-ntlmv1.vec");
	struct ntlm_wire_authenticate a;
	enum ntlm_response_type t;
	uint8_t *msg;
	decode_vec(v, &a, &msg, true);
	assert_int_equal(a.flags, 0xe2808235u);
	assert_spec_common(&a);
	assert_vec_slice(v, "lm_response", a.lm_response);
	assert_vec_slice(v, "nt_response", a.nt_response);
	assert_vec_slice(v, "encrypted_session_key", a.enc_session_key);
	assert_int_equal(ntlm_wire_response_classify(&a, &t), NTLM_OK);
	assert_int_equal(t, NTLM_RESP_NTLMV1);
	assert_string_equal(ntlm_wire_response_type_name(t), "NTLMv1");
	free(msg);
	t_vec_free(v);
}

static void test_spec_ntlmv1_ess(void **state)
{
	(void)state;
	struct t_vec *v = t_vec_load(NTLM_VECTOR_DIR "/msnlmp-4.2.3-ntlmv1-ess.vec");
	struct ntlm_wire_authenticate a;
	enum ntlm_response_type t;
	uint8_t *msg;
	decode_vec(v, &a, &msg, true);
	assert_int_equal(a.flags, 0x82088235u);
	assert_spec_common(&a);
	assert_vec_slice(v, "lm_response", a.lm_response);
	assert_vec_slice(v, "nt_response", a.nt_response);
	assert_int_equal(a.enc_session_key.len, 0);
	assert_int_equal(ntlm_wire_response_classify(&a, &t), NTLM_OK);
	assert_int_equal(t, NTLM_RESP_NTLMV1_ESS);
	assert_string_equal(ntlm_wire_response_type_name(t), "NTLMv1-ESS");
	free(msg);
	t_vec_free(v);
}

static void test_spec_ntlmv2(void **state)
{
	(void)state;
	struct t_vec *v = t_vec_load(NTLM_VECTOR_DIR "/msnlmp-4.2.4-ntlmv2.vec");
	struct ntlm_wire_authenticate a;
	struct ntlm_wire_ntlmv2_response r;
	enum ntlm_response_type t;
	uint8_t *msg;
	decode_vec(v, &a, &msg, true);
	assert_int_equal(a.flags, 0xe2888235u);
	assert_spec_common(&a);
	assert_vec_slice(v, "lmv2_response", a.lm_response);
	assert_vec_slice(v, "nt_response", a.nt_response);
	assert_vec_slice(v, "encrypted_session_key", a.enc_session_key);
	assert_int_equal(ntlm_wire_response_classify(&a, &t), NTLM_OK);
	assert_int_equal(t, NTLM_RESP_NTLMV2);
	assert_int_equal(ntlm_wire_ntlmv2_response_decode(a.nt_response, &r), NTLM_OK);
	assert_hex_equal(r.ntproofstr, 16, "68cd0ab851e51c96aabc927bebef6a1c");
	assert_vec_slice(v, "temp", r.temp);
	assert_vec_slice(v, "target_info", r.av_raw);
	assert_true(r.timestamp == 0);
	assert_hex_equal(r.client_challenge, 8, "aaaaaaaaaaaaaaaa");
	assert_int_equal(r.av.n, 2);
	assert_int_equal(r.av.av[0].id, MsvAvNbDomainName);
	assert_int_equal(r.av.av[1].id, MsvAvNbComputerName);
	assert_hex_equal(r.trailing.p, r.trailing.len, "00000000");
	free(msg);
	t_vec_free(v);
}

static void test_windows7(void **state)
{
	(void)state;
	struct t_vec *v = t_vec_load(NTLM_VECTOR_DIR "/windows7-capture.vec");
	struct ntlm_wire_authenticate a;
	struct ntlm_wire_ntlmv2_response r;
	struct ntlm_wire_single_host sh;
	enum ntlm_response_type t;
	uint32_t avflags;
	uint64_t ts;
	uint8_t *msg;

	/* Windows writes the payload in the 4.2 order too, after the MIC: exact */
	decode_vec(v, &a, &msg, true);
	assert_int_equal(a.flags, 0xa2888205u);
	assert_utf8(a.user, true, t_vec_str(v, "user"));
	assert_utf8(a.domain, true, t_vec_str(v, "domain"));
	assert_utf8(a.workstation, true, t_vec_str(v, "workstation"));
	assert_true(a.has_version);
	assert_int_equal(a.version.major, 6);
	assert_int_equal(a.version.minor, 1);
	assert_int_equal(a.version.build, 7600);
	assert_true(a.has_mic);
	assert_hex_equal(a.mic, 16, t_vec_str(v, "mic"));
	assert_hex_equal(a.lm_response.p, a.lm_response.len,
			 "000000000000000000000000000000000000000000000000");
	assert_int_equal(a.enc_session_key.len, 0);
	assert_int_equal(ntlm_wire_response_classify(&a, &t), NTLM_OK);
	assert_int_equal(t, NTLM_RESP_NTLMV2);

	assert_int_equal(ntlm_wire_ntlmv2_response_decode(a.nt_response, &r), NTLM_OK);
	assert_hex_equal(r.ntproofstr, 16, t_vec_str(v, "ntproofstr"));
	assert_int_equal(r.resp_type, 1);
	assert_int_equal(r.hi_resp_type, 1);
	assert_true(r.timestamp == 0x01cdde0bc33fe77bull);
	assert_hex_equal(r.client_challenge, 8, "27fc118082c2fbdd");
	static const uint16_t order[] = {
		MsvAvNbDomainName,    MsvAvNbComputerName, MsvAvDnsDomainName, MsvAvDnsComputerName,
		MsvAvDnsTreeName,     MsvAvTimestamp,	   MsvAvFlags,	       MsvAvSingleHost,
		MsvAvChannelBindings, MsvAvTargetName,
	};
	assert_int_equal(r.av.n, ARRAY_SIZE(order));
	for (size_t i = 0; i < ARRAY_SIZE(order); i++)
		assert_int_equal(r.av.av[i].id, order[i]);
	assert_true(ntlm_wire_avlist_flags(&r.av, &avflags));
	assert_int_equal(avflags, NTLM_AVFLAG_MIC_PRESENT);
	assert_true(ntlm_wire_avlist_timestamp(&r.av, &ts));
	assert_true(ts == 0x01cdde0bc33fe77bull);
	assert_true(ntlm_wire_avlist_single_host(&r.av, &sh));
	assert_int_equal(sh.size, 48);
	assert_int_equal(sh.z4, 0);
	assert_hex_equal(sh.custom_data, 8, "0100000000200000");
	assert_hex_equal(sh.machine_id, 32,
			 "4d6b0d27541022f5ffa673da2bfcfdf1"
			 "942f257be11a49c954197aca8aaf2eaf");
	const struct ntlm_wire_av *cb = ntlm_wire_avlist_find(&r.av, MsvAvChannelBindings);
	assert_non_null(cb);
	assert_hex_equal(cb->value.p, cb->value.len, t_vec_str(v, "channel_bindings"));
	assert_utf8(ntlm_wire_avlist_find(&r.av, MsvAvTargetName)->value, true,
		    t_vec_str(v, "target_name"));
	assert_utf8(ntlm_wire_avlist_find(&r.av, MsvAvNbComputerName)->value, true, "DC-WS2008R2");
	assert_hex_equal(r.trailing.p, r.trailing.len, "0000000000000000");
	free(msg);
	t_vec_free(v);
}

static void test_chromium(void **state)
{
	(void)state;
	struct t_vec *v = t_vec_load(NTLM_VECTOR_DIR "/chromium-mic-cbt.vec");
	struct ntlm_wire_authenticate a;
	struct ntlm_wire_ntlmv2_response r;
	enum ntlm_response_type t;
	uint8_t *msg;

	/* payload order Lm, Nt, Domain, User, Workstation: not byte-exact */
	decode_vec(v, &a, &msg, false);
	assert_int_equal(a.flags, 0x00088203u);
	assert_false(a.has_version); /* no VERSION flag; the 8 bytes are zero */
	assert_true(a.has_mic);
	assert_hex_equal(a.mic, 16, t_vec_str(v, "mic"));
	assert_utf8(a.domain, true, "Domain");
	assert_utf8(a.user, true, "User");
	assert_utf8(a.workstation, true, "COMPUTER");
	assert_hex_equal(a.lm_response.p, a.lm_response.len,
			 "000000000000000000000000000000000000000000000000");
	assert_int_equal(a.enc_session_key.len, 0);
	assert_int_equal(ntlm_wire_response_classify(&a, &t), NTLM_OK);
	assert_int_equal(t, NTLM_RESP_NTLMV2);
	assert_int_equal(ntlm_wire_ntlmv2_response_decode(a.nt_response, &r), NTLM_OK);
	assert_hex_equal(r.ntproofstr, 16, t_vec_str(v, "ntproofstr"));
	assert_vec_slice(v, "client_av_pairs", r.av_raw);
	assert_true(r.timestamp == 131400439870000000ull);
	assert_int_equal(r.av.n, 5);
	assert_utf8(ntlm_wire_avlist_find(&r.av, MsvAvTargetName)->value, true,
		    t_vec_str(v, "spn"));
	assert_hex_equal(ntlm_wire_avlist_find(&r.av, MsvAvChannelBindings)->value.p, 16,
			 t_vec_str(v, "cb_hash"));
	free(msg);
	t_vec_free(v);
}

/* ---- negative tests ------------------------------------------------------ */

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
	struct ntlm_wire_authenticate a;
	assert_int_equal(ntlm_wire_authenticate_decode(msg, len, &a), st);
	if (!strstr(ntlm_error_message(), field))
		fail_msg("error \"%s\" does not name \"%s\"", ntlm_error_message(), field);
}

/* The 4.2.4 AUTHENTICATE (232 bytes): Domain at 72, User 84, Workstation 92,
 * Lm 108, Nt 132, SessionKey 216. */
static uint8_t *spec_msg(size_t *len)
{
	return vec_msg(NTLM_VECTOR_DIR "/msnlmp-4.2.4-ntlmv2.vec", "authenticate_message", len);
}

static void test_header_errors(void **state)
{
	(void)state;
	size_t len;
	uint8_t *m = spec_msg(&len);
	uint8_t *big = calloc(1, NTLM_MAX_TOKEN + 1);

	memcpy(big, m, len);
	expect(big, NTLM_MAX_TOKEN + 1, NTLM_E_TOKEN_TOO_LARGE, "token");
	expect(m, 63, NTLM_E_TRUNCATED, "AUTHENTICATE_MESSAGE");
	expect(m, 40, NTLM_E_TRUNCATED, "AUTHENTICATE_MESSAGE");
	m[8] = 2;
	expect(m, len, NTLM_E_BAD_MESSAGE_TYPE, "MessageType");
	m[8] = 3;
	m[0] = 'n';
	expect(m, len, NTLM_E_BAD_SIGNATURE, "Signature");
	m[0] = 'N';
	m[60] &= (uint8_t) ~(NTLMSSP_NEGOTIATE_UNICODE | NTLM_NEGOTIATE_OEM);
	expect(m, len, NTLM_E_NO_CHARSET, "NTLM_NEGOTIATE_OEM");
	free(big);
	free(m);
}

static void test_buffer_errors(void **state)
{
	(void)state;
	static const struct {
		size_t at;
		const char *field;
	} f[] = {
		{ 12, "LmChallengeResponseFields" }, { 20, "NtChallengeResponseFields" },
		{ 28, "DomainNameFields" },	     { 36, "UserNameFields" },
		{ 44, "WorkstationFields" },	     { 52, "EncryptedRandomSessionKeyFields" },
	};
	size_t len;
	uint8_t *m = spec_msg(&len);
	uint8_t *k = malloc(len);

	for (size_t i = 0; i < ARRAY_SIZE(f); i++) {
		memcpy(k, m, len);
		put16(k + f[i].at, 0x200);
		expect(k, len, NTLM_E_BUFFER_OUT_OF_BOUNDS, f[i].field);
		memcpy(k, m, len);
		put32(k + f[i].at + 4, (uint32_t)len - 1);
		expect(k, len, NTLM_E_BUFFER_OUT_OF_BOUNDS, f[i].field);
		memcpy(k, m, len);
		put32(k + f[i].at + 4, 0xfffffff8u);
		expect(k, len, NTLM_E_BUFFER_OVERFLOW, f[i].field);
		memcpy(k, m, len);
		put32(k + f[i].at + 4, 63);
		expect(k, len, NTLM_E_BUFFER_OVERLAPS_HEADER, f[i].field);
	}
	free(k);
	free(m);
}

static void test_text_errors(void **state)
{
	(void)state;
	static const struct {
		size_t at, off;
		const char *field;
	} f[] = {
		{ 28, 72, "DomainName" },
		{ 36, 84, "UserName" },
		{ 44, 92, "Workstation" },
	};
	size_t len;
	uint8_t *m = spec_msg(&len);
	uint8_t *k = malloc(len);
	struct ntlm_wire_authenticate a;

	for (size_t i = 0; i < ARRAY_SIZE(f); i++) {
		memcpy(k, m, len);
		put16(k + f[i].at, 7);
		expect(k, len, NTLM_E_UTF16_ODD_LENGTH, f[i].field);
		memcpy(k, m, len);
		put16(k + f[i].off, 0xd812);
		expect(k, len, NTLM_E_UTF16_INVALID, f[i].field);
		/* OEM only: the bytes are not UTF-16-checked */
		k[60] = (uint8_t)((k[60] & ~NTLMSSP_NEGOTIATE_UNICODE) | NTLM_NEGOTIATE_OEM);
		assert_int_equal(ntlm_wire_authenticate_decode(k, len, &a), NTLM_OK);
	}
	free(k);
	free(m);
}

/* VERSION and MIC presence follow the lowest payload offset. */
static void test_version_mic_presence(void **state)
{
	(void)state;
	size_t len;
	uint8_t *m = vec_msg(NTLM_VECTOR_DIR "/windows7-capture.vec", "authenticate_message", &len);
	struct ntlm_wire_authenticate a;

	/* Domain at 88 is the lowest offset: VERSION and MIC */
	assert_int_equal(ntlm_wire_authenticate_decode(m, len, &a), NTLM_OK);
	assert_true(a.has_version && a.has_mic);
	/* without the VERSION flag the MIC is still at 72 */
	m[63] &= (uint8_t) ~(NTLMSSP_NEGOTIATE_VERSION >> 24);
	assert_int_equal(ntlm_wire_authenticate_decode(m, len, &a), NTLM_OK);
	assert_false(a.has_version);
	assert_true(a.has_mic);
	assert_hex_equal(a.mic, 16, "f054a542b090b66c1fea1a2cc82e930b");
	m[63] |= (uint8_t)(NTLMSSP_NEGOTIATE_VERSION >> 24);
	/* an empty buffer's offset does not count, a non-empty one at 87 does */
	put16(m + 52, 0);
	put32(m + 56, 72);
	assert_int_equal(ntlm_wire_authenticate_decode(m, len, &a), NTLM_OK);
	assert_true(a.has_mic);
	put16(m + 52, 1);
	put32(m + 56, 87);
	assert_int_equal(ntlm_wire_authenticate_decode(m, len, &a), NTLM_OK);
	assert_true(a.has_version);
	assert_false(a.has_mic);
	put32(m + 56, 71);
	assert_int_equal(ntlm_wire_authenticate_decode(m, len, &a), NTLM_OK);
	assert_false(a.has_version);
	assert_false(a.has_mic);
	free(m);
}

/* ---- classify ------------------------------------------------------------ */

static void test_classify(void **state)
{
	(void)state;
	static const uint8_t z[64];
	static const uint8_t one[1] = { 1 };
	static const struct {
		size_t lm, nt;
		bool ess, nonzero_lm;
		ntlm_status st;
		enum ntlm_response_type t;
	} c[] = {
		{ 0, 0, false, false, NTLM_OK, NTLM_RESP_ANONYMOUS },
		{ 1, 0, false, false, NTLM_OK, NTLM_RESP_ANONYMOUS },
		{ 1, 0, false, true, NTLM_E_BAD_RESPONSE, 0 },
		{ 24, 0, false, false, NTLM_OK, NTLM_RESP_LM },
		{ 24, 24, false, false, NTLM_OK, NTLM_RESP_NTLMV1 },
		{ 0, 24, false, false, NTLM_OK, NTLM_RESP_NTLMV1 },
		{ 24, 24, true, false, NTLM_OK, NTLM_RESP_NTLMV1_ESS },
		{ 24, 48, false, false, NTLM_OK, NTLM_RESP_NTLMV2 },
		{ 0, 64, true, false, NTLM_OK, NTLM_RESP_NTLMV2 },
		{ 23, 0, false, false, NTLM_E_BAD_RESPONSE, 0 },
		{ 2, 0, false, false, NTLM_E_BAD_RESPONSE, 0 },
		{ 24, 23, false, false, NTLM_E_BAD_RESPONSE, 0 },
		{ 24, 25, false, false, NTLM_E_BAD_RESPONSE, 0 },
		{ 24, 47, false, false, NTLM_E_BAD_RESPONSE, 0 },
		{ 0, 1, false, false, NTLM_E_BAD_RESPONSE, 0 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		struct ntlm_wire_authenticate a = { 0 };
		enum ntlm_response_type t = NTLM_RESP_ANONYMOUS;
		a.lm_response.p = c[i].lm ? (c[i].nonzero_lm ? one : z) : NULL;
		a.lm_response.len = c[i].lm;
		a.nt_response.p = c[i].nt ? z : NULL;
		a.nt_response.len = c[i].nt;
		a.flags = c[i].ess ? NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY : 0;
		if (ntlm_wire_response_classify(&a, &t) != c[i].st)
			fail_msg("case %zu: got %s", i, ntlm_error_message());
		if (c[i].st == NTLM_OK)
			assert_int_equal(t, c[i].t);
		else
			assert_non_null(strstr(ntlm_error_message(), "NtChallengeResponse"));
	}
	assert_string_equal(ntlm_wire_response_type_name(NTLM_RESP_ANONYMOUS), "anonymous");
	assert_string_equal(ntlm_wire_response_type_name(NTLM_RESP_LM), "LM");
	assert_string_equal(ntlm_wire_response_type_name(NTLM_RESP_NTLMV2), "NTLMv2");
	assert_string_equal(ntlm_wire_response_type_name((enum ntlm_response_type)99), "unknown");
}

/* ---- encoder ------------------------------------------------------------- */

static void test_encode_layout(void **state)
{
	(void)state;
	struct ntlm_wire_authenticate a = { 0 };
	static const uint8_t mic[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	uint8_t out[256];
	struct ntlm_wr w;

	/* MIC without VERSION: 8 zero bytes, MIC at 72, payload at 88 */
	a.flags = NTLMSSP_NEGOTIATE_UNICODE;
	a.has_mic = true;
	memcpy(a.mic, mic, 16);
	a.user.p = (const uint8_t *)"U\0";
	a.user.len = 2;
	ntlm_wr_init(&w, out, sizeof(out));
	assert_int_equal(ntlm_wire_authenticate_encode(&a, &w), NTLM_OK);
	assert_int_equal(w.len, 90);
	assert_hex_equal(out + 64, 8, "0000000000000000");
	assert_bytes_equal(out + 72, mic, 16);
	/* empty Domain points at 88, User at 88, the rest at 90 */
	assert_hex_equal(out + 12, 48,
			 "000000005a000000"
			 "000000005a000000"
			 "0000000058000000"
			 "0200020058000000"
			 "000000005a000000"
			 "000000005a000000");
	/* neither VERSION nor MIC: payload at 64 */
	a.has_mic = false;
	ntlm_wr_init(&w, out, sizeof(out));
	assert_int_equal(ntlm_wire_authenticate_encode(&a, &w), NTLM_OK);
	assert_int_equal(w.len, 66);
	/* no room */
	ntlm_wr_init(&w, out, 65);
	assert_int_equal(ntlm_wire_authenticate_encode(&a, &w), NTLM_E_BUFFER_TOO_SMALL);
}

/* decode(encode(m)) == m over generated messages */
static void test_property(void **state)
{
	(void)state;
	struct wg *g = malloc(sizeof(*g));
	uint8_t out[8192], nt[4096];
	unsigned with_mic = 0, with_version = 0, oem = 0;

	for (unsigned iter = 0; iter < 600; iter++) {
		struct ntlm_wire_authenticate m = { 0 }, d;
		struct ntlm_wr w;
		uint32_t cs;
		bool unicode;

		wg_init(g, 0xa5a5 + iter);
		cs = wg_charset(g);
		unicode = cs & NTLMSSP_NEGOTIATE_UNICODE;
		m.flags = wg_flags(g, cs);
		m.has_version = (m.flags & NTLMSSP_NEGOTIATE_VERSION) != 0;
		if (m.has_version)
			wg_version(g, &m.version);
		m.has_mic = wg_below(g, 2);
		for (int i = 0; i < 16; i++)
			m.mic[i] = (uint8_t)wg_next(g);
		m.domain = wg_text(g, unicode);
		m.user = wg_text(g, unicode);
		m.workstation = wg_text(g, unicode);
		switch (wg_below(g, 4)) {
		case 0: /* anonymous */
			break;
		case 1:
			m.lm_response = wg_bytes(g, 24);
			m.nt_response = wg_bytes(g, 24);
			break;
		default: { /* NTLMv2 with every AvId */
			struct ntlm_wire_avlist av;
			uint8_t cc[8];
			wg_avlist(g, &av, wg_below(g, 4));
			memcpy(cc, wg_bytes(g, 8).p, 8);
			ntlm_wr_init(&w, nt, sizeof(nt));
			ntlm_wr_bytes(&w, wg_bytes(g, 16).p, 16);
			ntlm_wire_ntlmv2_temp_encode(&w, wg_next(g), cc, &av);
			assert_int_equal(ntlm_wr_status(&w), NTLM_OK);
			m.nt_response.p = nt;
			m.nt_response.len = w.len;
			m.lm_response = wg_bytes(g, wg_below(g, 2) ? 24 : 0);
			break;
		}
		}
		if (wg_below(g, 2))
			m.enc_session_key = wg_bytes(g, 16);
		with_mic += m.has_mic;
		with_version += m.has_version;
		oem += !unicode;

		ntlm_wr_init(&w, out, sizeof(out));
		assert_int_equal(ntlm_wire_authenticate_encode(&m, &w), NTLM_OK);
		if (w.len > NTLM_MAX_TOKEN)
			continue;
		if (ntlm_wire_authenticate_decode(out, w.len, &d) != NTLM_OK)
			fail_msg("iter %u: %s", iter, ntlm_error_message());
		if (!wq_authenticate(&m, &d))
			fail_msg("iter %u: decode(encode(m)) != m", iter);
	}
	assert_true(with_mic > 100 && with_version > 100 && oem > 100);
	free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_ntlmv1),
		cmocka_unit_test(test_spec_ntlmv1_ess),
		cmocka_unit_test(test_spec_ntlmv2),
		cmocka_unit_test(test_windows7),
		cmocka_unit_test(test_chromium),
		cmocka_unit_test(test_header_errors),
		cmocka_unit_test(test_buffer_errors),
		cmocka_unit_test(test_text_errors),
		cmocka_unit_test(test_version_mic_presence),
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_encode_layout),
		cmocka_unit_test(test_property),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
