/* SPDX-License-Identifier: MIT */
/* bytes: the bounded reader, the secbuf resolver, the writer. */
#include <string.h>

#include "testutil.h"
#include "bytes/bytes.h"

static void test_rd_integers(void **state)
{
	(void)state;
	const uint8_t b[] = { 1, 0x34, 0x12, 0x78, 0x56, 0x34, 0x12, 8, 7, 6, 5, 4, 3, 2, 1 };
	struct ntlm_rd r;
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;
	ntlm_rd_init(&r, b, sizeof(b));
	assert_int_equal(ntlm_rd_u8(&r, &u8, "a"), NTLM_OK);
	assert_int_equal(u8, 1);
	assert_int_equal(ntlm_rd_u16le(&r, &u16, "b"), NTLM_OK);
	assert_int_equal(u16, 0x1234);
	assert_int_equal(ntlm_rd_u32le(&r, &u32, "c"), NTLM_OK);
	assert_int_equal(u32, 0x12345678);
	assert_int_equal(ntlm_rd_u64le(&r, &u64, "d"), NTLM_OK);
	assert_true(u64 == 0x0102030405060708ull);
	assert_int_equal(ntlm_rd_left(&r), 0);
	assert_int_equal(ntlm_rd_u8(&r, &u8, "e"), NTLM_E_TRUNCATED);
	assert_non_null(strstr(ntlm_error_message(), "e:"));
}

static void test_rd_truncated_does_not_move(void **state)
{
	(void)state;
	const uint8_t b[3] = { 1, 2, 3 };
	struct ntlm_rd r;
	uint32_t v;
	struct ntlm_slice s;
	ntlm_rd_init(&r, b, sizeof(b));
	assert_int_equal(ntlm_rd_u32le(&r, &v, "x"), NTLM_E_TRUNCATED);
	assert_int_equal(r.pos, 0);
	assert_int_equal(ntlm_rd_sub(&r, 4, &s, "x"), NTLM_E_TRUNCATED);
	assert_int_equal(ntlm_rd_sub(&r, 3, &s, "x"), NTLM_OK);
	assert_ptr_equal(s.p, b);
	assert_int_equal(s.len, 3);
	assert_int_equal(ntlm_rd_skip(&r, 1, "x"), NTLM_E_TRUNCATED);
}

/* A 40-byte "message" whose first 8 bytes are the fields under test. */
static ntlm_status secbuf(uint16_t len, uint16_t maxlen, uint32_t off, size_t msg_len,
			  size_t header_end, struct ntlm_secbuf *sb)
{
	uint8_t msg[64] = { 0 };
	struct ntlm_rd r;
	msg[0] = (uint8_t)len;
	msg[1] = (uint8_t)(len >> 8);
	msg[2] = (uint8_t)maxlen;
	msg[3] = (uint8_t)(maxlen >> 8);
	for (int i = 0; i < 4; i++)
		msg[4 + i] = (uint8_t)(off >> (8 * i));
	ntlm_rd_init(&r, msg, msg_len);
	ntlm_status st = ntlm_rd_secbuf(&r, header_end, sb, "TestFields");
	if (st == NTLM_OK && sb->data.len)
		sb->data.p = (const uint8_t *)(uintptr_t)(sb->data.p - msg); /* as offset */
	return st;
}

static void test_secbuf(void **state)
{
	(void)state;
	struct ntlm_secbuf sb;
	assert_int_equal(secbuf(8, 8, 32, 40, 16, &sb), NTLM_OK);
	assert_int_equal(sb.data.len, 8);
	assert_int_equal((uintptr_t)sb.data.p, 32);
	/* exactly to the end is fine; one past is not */
	assert_int_equal(secbuf(9, 9, 32, 40, 16, &sb), NTLM_E_BUFFER_OUT_OF_BOUNDS);
	assert_non_null(strstr(ntlm_error_message(), "TestFields"));
	/* offset past the end */
	assert_int_equal(secbuf(1, 1, 41, 40, 16, &sb), NTLM_E_BUFFER_OUT_OF_BOUNDS);
	/* 32-bit wrap (curl CVE-2018-16890 shape) */
	assert_int_equal(secbuf(0x20, 0x20, 0xfffffff0u, 40, 16, &sb), NTLM_E_BUFFER_OVERFLOW);
	assert_int_equal(secbuf(0xffff, 0xffff, 0xffffffffu, 40, 16, &sb), NTLM_E_BUFFER_OVERFLOW);
	/* into the fixed header */
	assert_int_equal(secbuf(4, 4, 15, 40, 16, &sb), NTLM_E_BUFFER_OVERLAPS_HEADER);
	assert_int_equal(secbuf(4, 4, 0, 40, 16, &sb), NTLM_E_BUFFER_OVERLAPS_HEADER);
	/* empty buffers are accepted wherever they point */
	assert_int_equal(secbuf(0, 0, 0xffffffffu, 40, 16, &sb), NTLM_OK);
	assert_int_equal(sb.data.len, 0);
	assert_null(sb.data.p);
	/* maxlen is ignored */
	assert_int_equal(secbuf(4, 0, 36, 40, 16, &sb), NTLM_OK);
	/* fields themselves truncated */
	assert_int_equal(secbuf(0, 0, 0, 7, 16, &sb), NTLM_E_TRUNCATED);
}

static void test_writer(void **state)
{
	(void)state;
	uint8_t buf[32];
	struct ntlm_wr w;
	struct ntlm_wr_secbuf a, b;
	ntlm_wr_init(&w, buf, sizeof(buf));
	ntlm_wr_u32le(&w, 0x04030201);
	ntlm_wr_secbuf_reserve(&w, &a);
	ntlm_wr_secbuf_reserve(&w, &b);
	ntlm_wr_secbuf_put(&w, &a, "xyz", 3);
	ntlm_wr_secbuf_put(&w, &b, NULL, 0);
	assert_int_equal(ntlm_wr_status(&w), NTLM_OK);
	assert_int_equal(w.len, 23);
	assert_hex_equal(buf, w.len, "01020304 03000300 14000000 00000000 17000000 78797a");
	/* overflow is sticky and nothing is written past cap */
	ntlm_wr_zeros(&w, 9);
	ntlm_wr_u8(&w, 1);
	assert_int_equal(ntlm_wr_status(&w), NTLM_E_BUFFER_TOO_SMALL);
	assert_int_equal(w.len, 32);
	ntlm_wr_u8(&w, 1);
	assert_int_equal(w.len, 32);
}

static void test_writer_patch_outside(void **state)
{
	(void)state;
	uint8_t buf[8];
	struct ntlm_wr w;
	ntlm_wr_init(&w, buf, sizeof(buf));
	ntlm_wr_u16le(&w, 1);
	ntlm_wr_patch_u32le(&w, 0, 5);
	assert_int_equal(ntlm_wr_status(&w), NTLM_E_INTERNAL);
}

static void test_status_table(void **state)
{
	(void)state;
	assert_string_equal(ntlm_status_name(NTLM_E_AV_NO_EOL), "NTLM_E_AV_NO_EOL");
	assert_int_equal(ntlm_status_kind(NTLM_E_AV_NO_EOL), NTLM_KIND_MALFORMED);
	assert_int_equal(ntlm_status_kind(NTLM_E_MESSAGE_ALTERED), NTLM_KIND_AUTH_FAILED);
	assert_int_equal(ntlm_status_kind(NTLM_E_INVALID_ARGUMENT), NTLM_KIND_USAGE);
	assert_int_equal(ntlm_status_kind(NTLM_E_NOMEM), NTLM_KIND_INTERNAL);
	assert_int_equal(ntlm_status_win32(NTLM_E_TRUNCATED), 0x80090308u);
	assert_int_equal(ntlm_status_win32(NTLM_E_MESSAGE_ALTERED), 0x8009030Fu);
	assert_string_equal(ntlm_status_name((ntlm_status)12345), "NTLM_E_UNKNOWN");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rd_integers),
		cmocka_unit_test(test_rd_truncated_does_not_move),
		cmocka_unit_test(test_secbuf),
		cmocka_unit_test(test_writer),
		cmocka_unit_test(test_writer_patch_outside),
		cmocka_unit_test(test_status_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
