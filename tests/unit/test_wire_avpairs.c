/* SPDX-License-Identifier: MIT */
/* wire: AV_PAIR lists (MS-NLMP 2.2.2.1) and Single_Host_Data (2.2.2.2). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "wire_eq.h"
#include "wire_gen.h"
#include "wire/wire.h"

static ntlm_status decode_hex(const char *hex, struct ntlm_wire_avlist *l, size_t *used)
{
	size_t len;
	uint8_t *b = t_hex(hex, &len);
	struct ntlm_slice s = { b, len };
	ntlm_status st = ntlm_wire_avlist_decode(s, l, used);
	/* slices would dangle: keep only ids and lengths valid after this */
	for (size_t i = 0; i < l->n; i++)
		l->av[i].value.p = NULL;
	free(b);
	return st;
}

static void expect(const char *hex, ntlm_status st, const char *field)
{
	struct ntlm_wire_avlist l;
	assert_int_equal(decode_hex(hex, &l, NULL), st);
	if (!strstr(ntlm_error_message(), field))
		fail_msg("error \"%s\" does not name \"%s\"", ntlm_error_message(), field);
}

static void test_spec_target_info(void **state)
{
	(void)state;
	struct t_vec *v = t_vec_load(NTLM_VECTOR_DIR "/msnlmp-4.2.4-ntlmv2.vec");
	struct ntlm_wire_avlist l;
	uint8_t out[64];
	struct ntlm_wr w;
	size_t len, used;
	uint8_t *ti = t_vec_bytes(v, "target_info", &len);
	struct ntlm_slice s = { ti, len };

	assert_int_equal(ntlm_wire_avlist_decode(s, &l, &used), NTLM_OK);
	assert_int_equal(used, len);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.av[0].id, MsvAvNbDomainName);
	assert_hex_equal(l.av[0].value.p, l.av[0].value.len, "44006f006d00610069006e00");
	assert_int_equal(l.av[1].id, MsvAvNbComputerName);
	assert_ptr_equal(ntlm_wire_avlist_find(&l, MsvAvNbComputerName), &l.av[1]);
	assert_null(ntlm_wire_avlist_find(&l, MsvAvDnsTreeName));
	ntlm_wr_init(&w, out, sizeof(out));
	ntlm_wire_avlist_encode(&w, &l);
	assert_int_equal(ntlm_wr_status(&w), NTLM_OK);
	assert_int_equal(w.len, len);
	assert_bytes_equal(out, ti, len);
	free(ti);
	t_vec_free(v);
}

static void test_consumed_and_trailing(void **state)
{
	(void)state;
	struct ntlm_wire_avlist l;
	size_t used;
	/* Flags=2, EOL, then 4 bytes that are not parsed */
	assert_int_equal(decode_hex("0600040002000000 00000000 deadbeef", &l, &used), NTLM_OK);
	assert_int_equal(used, 12);
	assert_int_equal(l.n, 1);
	/* EOL alone */
	assert_int_equal(decode_hex("00000000", &l, &used), NTLM_OK);
	assert_int_equal(l.n, 0);
	assert_int_equal(used, 4);
	/* unknown AvIds are kept, with any length */
	assert_int_equal(decode_hex("34120300 616263 ffff0000 00000000", &l, &used), NTLM_OK);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.av[0].id, 0x1234);
	assert_int_equal(l.av[0].value.len, 3);
	assert_int_equal(l.av[1].id, 0xffff);
	assert_null(ntlm_wire_av_name(0x1234));
	assert_string_equal(ntlm_wire_av_name(MsvAvChannelBindings), "MsvAvChannelBindings");
	assert_string_equal(ntlm_wire_av_name(MsvAvEOL), "MsvAvEOL");
}

static void test_no_eol(void **state)
{
	(void)state;
	expect("", NTLM_E_AV_NO_EOL, "MsvAvEOL");
	expect("01000200 4100", NTLM_E_AV_NO_EOL, "MsvAvEOL");
	expect("01000200 4100 06000400 02000000", NTLM_E_AV_NO_EOL, "MsvAvEOL");
}

static void test_truncated(void **state)
{
	(void)state;
	expect("01000200 4100 00", NTLM_E_TRUNCATED, "AvId");
	expect("01000200 4100 0000", NTLM_E_TRUNCATED, "MsvAvEOL");
	expect("01000a00 4100", NTLM_E_TRUNCATED, "MsvAvNbComputerName");
	expect("07000800 01020304", NTLM_E_TRUNCATED, "MsvAvTimestamp");
}

static void test_duplicate(void **state)
{
	(void)state;
	expect("01000200 4100 01000200 4200 00000000", NTLM_E_AV_DUPLICATE, "MsvAvNbComputerName");
	expect("06000400 00000000 02000000 06000400 02000000 00000000", NTLM_E_AV_DUPLICATE,
	       "MsvAvFlags");
	expect("34120000 34120000 00000000", NTLM_E_AV_DUPLICATE, "AvId 0x1234");
}

static void test_bad_length(void **state)
{
	(void)state;
	expect("00000400 00000000", NTLM_E_AV_BAD_LENGTH, "MsvAvEOL");
	expect("06000300 020000 00000000", NTLM_E_AV_BAD_LENGTH, "MsvAvFlags");
	expect("06000500 0200000000 00000000", NTLM_E_AV_BAD_LENGTH, "MsvAvFlags");
	expect("06000000 00000000", NTLM_E_AV_BAD_LENGTH, "MsvAvFlags");
	expect("07000400 01020304 00000000", NTLM_E_AV_BAD_LENGTH, "MsvAvTimestamp");
	expect("07000900 010203040506070809 00000000", NTLM_E_AV_BAD_LENGTH, "MsvAvTimestamp");
	expect("0a000f00 000102030405060708090a0b0c0d0e 00000000", NTLM_E_AV_BAD_LENGTH,
	       "MsvAvChannelBindings");
	expect("0a001100 000102030405060708090a0b0c0d0e0f10 00000000", NTLM_E_AV_BAD_LENGTH,
	       "MsvAvChannelBindings");
	/* Single_Host_Data: at least 48 bytes, and AvLen == Size */
	expect("08002c00 2c000000 00000000 0000000000000000"
	       "0000000000000000000000000000000000000000000000000000000000000000"
	       "00000000",
	       NTLM_E_AV_BAD_LENGTH, "MsvAvSingleHost");
	expect("08003000 34000000 00000000 0000000000000000"
	       "0000000000000000000000000000000000000000000000000000000000000000"
	       "00000000",
	       NTLM_E_AV_BAD_LENGTH, "MsvAvSingleHost");
	expect("08003400 30000000 00000000 0000000000000000"
	       "0000000000000000000000000000000000000000000000000000000000000000"
	       "01020304 00000000",
	       NTLM_E_AV_BAD_LENGTH, "Size");
}

static void test_single_host(void **state)
{
	(void)state;
	struct ntlm_wire_avlist l;
	struct ntlm_wire_single_host sh;
	size_t len;
	/* 52 bytes with Size 52: longer than 48 is allowed */
	uint8_t *b = t_hex("08003400 34000000 00000000 0100000000200000"
			   "4d6b0d27541022f5ffa673da2bfcfdf1942f257be11a49c954197aca8aaf2eaf"
			   "01020304 00000000",
			   &len);
	struct ntlm_slice s = { b, len };
	assert_int_equal(ntlm_wire_avlist_decode(s, &l, NULL), NTLM_OK);
	assert_true(ntlm_wire_avlist_single_host(&l, &sh));
	assert_int_equal(sh.size, 52);
	assert_int_equal(sh.z4, 0);
	assert_hex_equal(sh.custom_data, 8, "0100000000200000");
	assert_hex_equal(sh.machine_id, 32,
			 "4d6b0d27541022f5ffa673da2bfcfdf1"
			 "942f257be11a49c954197aca8aaf2eaf");
	free(b);
}

static void test_utf16_names(void **state)
{
	(void)state;
	static const uint16_t names[] = { MsvAvNbComputerName,	MsvAvNbDomainName,
					  MsvAvDnsComputerName, MsvAvDnsDomainName,
					  MsvAvDnsTreeName,	MsvAvTargetName };
	char hex[128];
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		const char *name = ntlm_wire_av_name(names[i]);
		snprintf(hex, sizeof(hex), "%02x00 0300 410042 00000000", names[i]);
		expect(hex, NTLM_E_UTF16_ODD_LENGTH, name);
		snprintf(hex, sizeof(hex), "%02x00 0400 4100 00d8 00000000", names[i]);
		expect(hex, NTLM_E_UTF16_INVALID, name);
		snprintf(hex, sizeof(hex), "%02x00 0200 00dc 00000000", names[i]);
		expect(hex, NTLM_E_UTF16_INVALID, name);
		/* a proper pair (U+1F600) and an empty name are fine */
		struct ntlm_wire_avlist l;
		snprintf(hex, sizeof(hex), "%02x00 0400 3dd8 00de 00000000", names[i]);
		assert_int_equal(decode_hex(hex, &l, NULL), NTLM_OK);
		snprintf(hex, sizeof(hex), "%02x00 0000 00000000", names[i]);
		assert_int_equal(decode_hex(hex, &l, NULL), NTLM_OK);
	}
	/* non-name pairs are not checked as text */
	struct ntlm_wire_avlist l;
	assert_int_equal(decode_hex("0b000300 00d841 00000000", &l, NULL), NTLM_OK);
}

/* A list of n distinct unknown pairs (AvId 0x100 + i, empty) and EOL. */
static uint8_t *many(size_t n, size_t *len)
{
	uint8_t *b = calloc(n + 1, 4);
	for (size_t i = 0; i < n; i++) {
		b[4 * i] = (uint8_t)i;
		b[4 * i + 1] = 1;
	}
	*len = (n + 1) * 4;
	return b;
}

static void test_too_many(void **state)
{
	(void)state;
	struct ntlm_wire_avlist l;
	size_t len;
	uint8_t *b = many(NTLM_WIRE_AV_MAX, &len);
	struct ntlm_slice s = { b, len };
	assert_int_equal(ntlm_wire_avlist_decode(s, &l, NULL), NTLM_OK);
	assert_int_equal(l.n, NTLM_WIRE_AV_MAX);
	free(b);
	b = many(NTLM_WIRE_AV_MAX + 1, &len);
	s.p = b;
	s.len = len;
	assert_int_equal(ntlm_wire_avlist_decode(s, &l, NULL), NTLM_E_AV_TOO_MANY);
	assert_non_null(strstr(ntlm_error_message(), "AV list"));
	free(b);
}

static void test_set_and_getters(void **state)
{
	(void)state;
	static const uint8_t fl[4] = { 2, 0, 0, 0 };
	static const uint8_t fl2[4] = { 6, 0, 0, 0 };
	static const uint8_t ts[8] = { 0x7b, 0xe7, 0x3f, 0xc3, 0x0b, 0xde, 0xcd, 0x01 };
	struct ntlm_wire_avlist l = { 0 };
	struct ntlm_slice v = { fl, 4 };
	uint32_t flags;
	uint64_t t;

	assert_false(ntlm_wire_avlist_flags(&l, &flags));
	assert_false(ntlm_wire_avlist_timestamp(&l, &t));
	assert_int_equal(ntlm_wire_avlist_set(&l, MsvAvFlags, v), NTLM_OK);
	assert_true(ntlm_wire_avlist_flags(&l, &flags));
	assert_int_equal(flags, NTLM_AVFLAG_MIC_PRESENT);
	v.p = fl2;
	assert_int_equal(ntlm_wire_avlist_set(&l, MsvAvFlags, v), NTLM_OK); /* replaces */
	assert_int_equal(l.n, 1);
	assert_true(ntlm_wire_avlist_flags(&l, &flags));
	assert_int_equal(flags, NTLM_AVFLAG_MIC_PRESENT | NTLM_AVFLAG_UNVERIFIED_SPN);
	v.p = ts;
	v.len = 8;
	assert_int_equal(ntlm_wire_avlist_set(&l, MsvAvTimestamp, v), NTLM_OK);
	assert_true(ntlm_wire_avlist_timestamp(&l, &t));
	assert_true(t == 0x01cdde0bc33fe77bull);
	assert_int_equal(ntlm_wire_avlist_set(&l, MsvAvEOL, v), NTLM_E_INVALID_ARGUMENT);
	/* a wrong-sized value is not read */
	v.len = 3;
	assert_int_equal(ntlm_wire_avlist_set(&l, MsvAvFlags, v), NTLM_OK);
	assert_false(ntlm_wire_avlist_flags(&l, &flags));
	/* full */
	v.len = 0;
	for (uint16_t id = 0x100; l.n < NTLM_WIRE_AV_MAX; id++)
		assert_int_equal(ntlm_wire_avlist_set(&l, id, v), NTLM_OK);
	assert_int_equal(ntlm_wire_avlist_set(&l, 0x7777, v), NTLM_E_AV_TOO_MANY);
	assert_int_equal(ntlm_wire_avlist_set(&l, MsvAvFlags, v), NTLM_OK); /* replace ok */
}

static void test_encode_value_too_long(void **state)
{
	(void)state;
	struct ntlm_wire_avlist l = { 0 };
	uint8_t *big = calloc(1, 70000), out[16];
	struct ntlm_slice v = { big, 65536 };
	struct ntlm_wr w;
	assert_int_equal(ntlm_wire_avlist_set(&l, 0x0b, v), NTLM_OK);
	ntlm_wr_init(&w, out, sizeof(out));
	ntlm_wire_avlist_encode(&w, &l);
	assert_int_equal(ntlm_wr_status(&w), NTLM_E_INVALID_ARGUMENT);
	free(big);
}

static void test_temp_encode(void **state)
{
	(void)state;
	struct t_vec *v = t_vec_load(NTLM_VECTOR_DIR "/msnlmp-4.2.4-ntlmv2.vec");
	struct ntlm_wire_avlist l;
	uint8_t out[128], cc[8];
	struct ntlm_wr w;
	size_t len;
	uint8_t *ti = t_vec_bytes(v, "target_info", &len);
	struct ntlm_slice s = { ti, len };

	assert_int_equal(ntlm_wire_avlist_decode(s, &l, NULL), NTLM_OK);
	memset(cc, 0xaa, sizeof(cc));
	ntlm_wr_init(&w, out, sizeof(out));
	ntlm_wire_ntlmv2_temp_encode(&w, 0, cc, &l);
	assert_int_equal(ntlm_wr_status(&w), NTLM_OK);
	assert_hex_equal(out, w.len, t_vec_str(v, "temp"));
	free(ti);
	t_vec_free(v);
}

/* decode(encode(l)) == l for lists with every AvId */
static void test_property(void **state)
{
	(void)state;
	struct wg *g = malloc(sizeof(*g));
	uint8_t out[8192];
	for (unsigned iter = 0; iter < 500; iter++) {
		struct ntlm_wire_avlist l, d;
		struct ntlm_wr w;
		size_t used;
		wg_init(g, 0xfeed + iter);
		wg_avlist(g, &l, wg_below(g, NTLM_WIRE_AV_MAX - 10 + 1));
		if (iter % 5 == 0)
			l.n = wg_below(g, (uint32_t)l.n + 1); /* shorter lists too */
		ntlm_wr_init(&w, out, sizeof(out));
		ntlm_wire_avlist_encode(&w, &l);
		assert_int_equal(ntlm_wr_status(&w), NTLM_OK);
		struct ntlm_slice s = { out, w.len };
		if (ntlm_wire_avlist_decode(s, &d, &used) != NTLM_OK)
			fail_msg("iter %u: %s", iter, ntlm_error_message());
		assert_int_equal(used, w.len);
		assert_true(wq_avlist(&l, &d));
	}
	free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_target_info),
		cmocka_unit_test(test_consumed_and_trailing),
		cmocka_unit_test(test_no_eol),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_duplicate),
		cmocka_unit_test(test_bad_length),
		cmocka_unit_test(test_single_host),
		cmocka_unit_test(test_utf16_names),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_set_and_getters),
		cmocka_unit_test(test_encode_value_too_long),
		cmocka_unit_test(test_temp_encode),
		cmocka_unit_test(test_property),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
