/* SPDX-License-Identifier: MIT */
/* wire: the NTLMv2 response (MS-NLMP 2.2.2.8 / 2.2.2.7) and temp (3.3.2). */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "wire_eq.h"
#include "wire_gen.h"
#include "wire/wire.h"

static uint8_t *spec_nt(size_t *len)
{
	struct t_vec *v = t_vec_load(NTLM_VECTOR_DIR "/msnlmp-4.2.4-ntlmv2.vec");
	uint8_t *nt = t_vec_bytes(v, "nt_response", len);
	t_vec_free(v);
	return nt;
}

static void expect(const uint8_t *p, size_t len, ntlm_status st, const char *field)
{
	struct ntlm_wire_ntlmv2_response r;
	struct ntlm_slice s = { p, len };
	assert_int_equal(ntlm_wire_ntlmv2_response_decode(s, &r), st);
	if (!strstr(ntlm_error_message(), field))
		fail_msg("error \"%s\" does not name \"%s\"", ntlm_error_message(), field);
}

static void test_spec(void **state)
{
	(void)state;
	struct ntlm_wire_ntlmv2_response r;
	size_t len;
	uint8_t *nt = spec_nt(&len);
	struct ntlm_slice s = { nt, len };
	assert_int_equal(len, 84);
	assert_int_equal(ntlm_wire_ntlmv2_response_decode(s, &r), NTLM_OK);
	assert_hex_equal(r.ntproofstr, 16, "68cd0ab851e51c96aabc927bebef6a1c");
	assert_ptr_equal(r.temp.p, nt + 16);
	assert_int_equal(r.temp.len, 68);
	assert_int_equal(r.resp_type, 1);
	assert_int_equal(r.hi_resp_type, 1);
	assert_true(r.timestamp == 0);
	assert_hex_equal(r.client_challenge, 8, "aaaaaaaaaaaaaaaa");
	assert_ptr_equal(r.av_raw.p, nt + 44);
	assert_int_equal(r.av_raw.len, 36);
	assert_int_equal(r.av.n, 2);
	assert_int_equal(r.trailing.len, 4);
	free(nt);
}

/* The smallest response: NTProofStr, the 28-byte header, MsvAvEOL. */
static void test_minimum(void **state)
{
	(void)state;
	uint8_t b[48] = { 0 };
	struct ntlm_wire_ntlmv2_response r;
	struct ntlm_slice s = { b, sizeof(b) };
	b[16] = 1;
	b[17] = 1;
	assert_int_equal(ntlm_wire_ntlmv2_response_decode(s, &r), NTLM_OK);
	assert_int_equal(r.av.n, 0);
	assert_int_equal(r.trailing.len, 0);
	expect(b, 47, NTLM_E_BAD_RESPONSE, "NTLMv2_RESPONSE");
	expect(b, 0, NTLM_E_BAD_RESPONSE, "NTLMv2_RESPONSE");
	expect(b, 24, NTLM_E_BAD_RESPONSE, "NTLMv2_RESPONSE");
}

static void test_bad_shapes(void **state)
{
	(void)state;
	size_t len;
	uint8_t *nt = spec_nt(&len);
	uint8_t *k = malloc(len);

	memcpy(k, nt, len);
	k[16] = 2;
	expect(k, len, NTLM_E_BAD_RESPONSE, "RespType");
	memcpy(k, nt, len);
	k[17] = 0;
	expect(k, len, NTLM_E_BAD_RESPONSE, "HiRespType");
	/* AV list cut before MsvAvEOL */
	expect(nt, 44 + 32, NTLM_E_AV_NO_EOL, "AvPairs");
	expect(nt, 44 + 34, NTLM_E_TRUNCATED, "AvPairs");
	/* a bad pair inside */
	memcpy(k, nt, len);
	k[44] = MsvAvNbComputerName; /* duplicate of the second pair */
	expect(k, len, NTLM_E_AV_DUPLICATE, "MsvAvNbComputerName");
	memcpy(k, nt, len);
	k[44 + 2] = 11; /* odd name length; the rest no longer parses either */
	expect(k, len, NTLM_E_UTF16_ODD_LENGTH, "MsvAvNbDomainName");
	free(k);
	free(nt);
}

/* decode(temp_encode(...)) returns what went in */
static void test_property(void **state)
{
	(void)state;
	struct wg *g = malloc(sizeof(*g));
	uint8_t out[8192];
	for (unsigned iter = 0; iter < 300; iter++) {
		struct ntlm_wire_avlist av;
		struct ntlm_wire_ntlmv2_response r;
		uint8_t proof[16], cc[8];
		uint64_t ts;
		struct ntlm_wr w;

		wg_init(g, 0xbeef + iter);
		wg_avlist(g, &av, wg_below(g, 8));
		memcpy(proof, wg_bytes(g, 16).p, 16);
		memcpy(cc, wg_bytes(g, 8).p, 8);
		ts = wg_next(g);
		ntlm_wr_init(&w, out, sizeof(out));
		ntlm_wr_bytes(&w, proof, 16);
		ntlm_wire_ntlmv2_temp_encode(&w, ts, cc, &av);
		assert_int_equal(ntlm_wr_status(&w), NTLM_OK);
		struct ntlm_slice s = { out, w.len };
		if (ntlm_wire_ntlmv2_response_decode(s, &r) != NTLM_OK)
			fail_msg("iter %u: %s", iter, ntlm_error_message());
		assert_bytes_equal(r.ntproofstr, proof, 16);
		assert_true(r.timestamp == ts);
		assert_bytes_equal(r.client_challenge, cc, 8);
		assert_true(wq_avlist(&r.av, &av));
		assert_int_equal(r.temp.len, w.len - 16);
		assert_hex_equal(r.trailing.p, r.trailing.len, "00000000");
	}
	free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec),
		cmocka_unit_test(test_minimum),
		cmocka_unit_test(test_bad_shapes),
		cmocka_unit_test(test_property),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
