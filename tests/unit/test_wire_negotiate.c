/* SPDX-License-Identifier: MIT */
/* wire: NEGOTIATE_MESSAGE (MS-NLMP 2.2.1.1) decode/encode. */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "wire_eq.h"
#include "wire_gen.h"
#include "wire/wire.h"

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
	struct ntlm_wire_negotiate n;
	assert_int_equal(ntlm_wire_negotiate_decode(msg, len, &n), st);
	if (!strstr(ntlm_error_message(), field))
		fail_msg("error \"%s\" does not name \"%s\"", ntlm_error_message(), field);
}

/* Chromium's 32-byte NEGOTIATE: no VERSION, empty fields at 32. */
static void test_chromium(void **state)
{
	(void)state;
	struct t_vec *v = t_vec_load(NTLM_VECTOR_DIR "/chromium-mic-cbt.vec");
	struct ntlm_wire_negotiate n;
	uint8_t out[64];
	struct ntlm_wr w;
	size_t len;
	uint8_t *msg = t_vec_bytes(v, "negotiate_message", &len);

	assert_int_equal(len, 32);
	assert_int_equal(ntlm_wire_negotiate_decode(msg, len, &n), NTLM_OK);
	assert_int_equal(n.flags, NTLMSSP_NEGOTIATE_UNICODE | NTLM_NEGOTIATE_OEM |
					  NTLMSSP_REQUEST_TARGET | NTLMSSP_NEGOTIATE_NTLM |
					  NTLMSSP_NEGOTIATE_ALWAYS_SIGN |
					  NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY);
	assert_false(n.has_version);
	assert_int_equal(n.domain.len, 0);
	assert_int_equal(n.workstation.len, 0);
	ntlm_wr_init(&w, out, sizeof(out));
	assert_int_equal(ntlm_wire_negotiate_encode(&n, &w), NTLM_OK);
	assert_int_equal(w.len, len);
	assert_bytes_equal(out, msg, len);
	free(msg);
	t_vec_free(v);
}

/* A hand-built NEGOTIATE with VERSION and both OEM names (a Windows client
 * shape). */
static const char with_names[] = "4e544c4d5353500001000000 07b208a2"
				 "0600060028000000"
				 "070007002e000000"
				 "0601b01d0000000f"
				 "444f4d41494e"
				 "57494e372d5043";

static void test_oem_names_version(void **state)
{
	(void)state;
	struct ntlm_wire_negotiate n;
	uint8_t out[128];
	struct ntlm_wr w;
	size_t len;
	uint8_t *msg = t_hex(with_names, &len);
	char *s;

	assert_int_equal(ntlm_wire_negotiate_decode(msg, len, &n), NTLM_OK);
	assert_int_equal(n.flags, 0xa208b207u);
	assert_true(n.flags & NTLMSSP_NEGOTIATE_OEM_DOMAIN_SUPPLIED);
	assert_true(n.has_version);
	assert_int_equal(n.version.major, 6);
	assert_int_equal(n.version.build, 7600);
	assert_int_equal(ntlm_wire_str_to_utf8(n.domain, false, &s, "DomainName"), NTLM_OK);
	assert_string_equal(s, "DOMAIN");
	free(s);
	assert_int_equal(ntlm_wire_str_to_utf8(n.workstation, false, &s, "Workstation"), NTLM_OK);
	assert_string_equal(s, "WIN7-PC");
	free(s);
	ntlm_wr_init(&w, out, sizeof(out));
	assert_int_equal(ntlm_wire_negotiate_encode(&n, &w), NTLM_OK);
	assert_int_equal(w.len, len);
	assert_bytes_equal(out, msg, len);

	/* VERSION flag but the payload starts at 32: no VERSION field */
	put32(msg + 20, 32);
	assert_int_equal(ntlm_wire_negotiate_decode(msg, len, &n), NTLM_OK);
	assert_false(n.has_version);
	free(msg);
}

static void test_no_charset_allowed(void **state)
{
	(void)state;
	const uint8_t m[32] = { 'N', 'T', 'L', 'M', 'S', 'S', 'P', 0, 1 };
	struct ntlm_wire_negotiate n;
	assert_int_equal(ntlm_wire_negotiate_decode(m, sizeof(m), &n), NTLM_OK);
	assert_int_equal(n.flags, 0);
}

static void test_errors(void **state)
{
	(void)state;
	size_t len;
	uint8_t *m = t_hex(with_names, &len);
	uint8_t *k = malloc(len);
	uint8_t *big = calloc(1, NTLM_MAX_TOKEN + 1);

	memcpy(big, m, len);
	expect(big, NTLM_MAX_TOKEN + 1, NTLM_E_TOKEN_TOO_LARGE, "token");
	expect(m, 31, NTLM_E_TRUNCATED, "NEGOTIATE_MESSAGE");
	expect(m, 16, NTLM_E_TRUNCATED, "NEGOTIATE_MESSAGE");
	expect(m, 3, NTLM_E_TRUNCATED, "Signature");
	memcpy(k, m, len);
	k[3] = 'X';
	expect(k, len, NTLM_E_BAD_SIGNATURE, "Signature");
	memcpy(k, m, len);
	k[8] = 2;
	expect(k, len, NTLM_E_BAD_MESSAGE_TYPE, "MessageType");
	k[8] = 0;
	expect(k, len, NTLM_E_BAD_MESSAGE_TYPE, "MessageType");
	memcpy(k, m, len);
	put16(k + 16, 200);
	expect(k, len, NTLM_E_BUFFER_OUT_OF_BOUNDS, "DomainNameFields");
	memcpy(k, m, len);
	put16(k + 24, 9);
	expect(k, len, NTLM_E_BUFFER_OUT_OF_BOUNDS, "WorkstationFields");
	memcpy(k, m, len);
	put32(k + 28, 0xfffffffeu);
	expect(k, len, NTLM_E_BUFFER_OVERFLOW, "WorkstationFields");
	memcpy(k, m, len);
	put32(k + 20, 31);
	expect(k, len, NTLM_E_BUFFER_OVERLAPS_HEADER, "DomainNameFields");
	memcpy(k, m, len);
	put32(k + 28, 8);
	expect(k, len, NTLM_E_BUFFER_OVERLAPS_HEADER, "WorkstationFields");
	/* NULL with a length is a caller bug; NULL and 0 is an empty token */
	struct ntlm_wire_negotiate n;
	assert_int_equal(ntlm_wire_negotiate_decode(NULL, 40, &n), NTLM_E_INVALID_ARGUMENT);
	expect(NULL, 0, NTLM_E_TRUNCATED, "Signature");
	free(big);
	free(k);
	free(m);
}

static void test_property(void **state)
{
	(void)state;
	struct wg *g = malloc(sizeof(*g));
	uint8_t out[512];

	for (unsigned iter = 0; iter < 500; iter++) {
		struct ntlm_wire_negotiate m = { 0 }, d;
		struct ntlm_wr w;

		wg_init(g, 0x77 + iter);
		m.flags = (uint32_t)wg_next(g); /* any charset, or none */
		m.has_version = (m.flags & NTLMSSP_NEGOTIATE_VERSION) != 0;
		if (m.has_version)
			wg_version(g, &m.version);
		m.domain = wg_text(g, false);
		m.workstation = wg_text(g, false);
		ntlm_wr_init(&w, out, sizeof(out));
		assert_int_equal(ntlm_wire_negotiate_encode(&m, &w), NTLM_OK);
		if (ntlm_wire_negotiate_decode(out, w.len, &d) != NTLM_OK)
			fail_msg("iter %u: %s", iter, ntlm_error_message());
		if (!wq_negotiate(&m, &d))
			fail_msg("iter %u: decode(encode(m)) != m", iter);
	}
	free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chromium),	   cmocka_unit_test(test_oem_names_version),
		cmocka_unit_test(test_no_charset_allowed), cmocka_unit_test(test_errors),
		cmocka_unit_test(test_property),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
