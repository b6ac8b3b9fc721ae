/* SPDX-License-Identifier: MIT */
/*
 * text/buf.c: the one text buffer and the one escaper. The escaper's table
 * is the single test of what untrusted text may and may not carry into a
 * JSON document or a line of text (audit events, ntlm decode, ntlm httpd).
 */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "text/text.h"

#define S(lit) lit, sizeof(lit) - 1

static const struct {
	const char *in;
	size_t len;
	const char *json; /* inside the quotes */
	const char *text;
} esc_table[] = {
	{ S(""), "", "" },
	{ S("alice"), "alice", "alice" },
	{ S("a\"b"), "a\\\"b", "a\"b" },
	{ S("a\\b"), "a\\\\b", "a\\\\b" },
	/* C0, NUL inside, DEL */
	{ S("\x01\n\r\t\x1f"), "\\u0001\\u000a\\u000d\\u0009\\u001f", "\\x01\\x0a\\x0d\\x09\\x1f" },
	{ S("a\0b"), "a\\u0000b", "a\\x00b" },
	{ S("\x7f"), "\\u007f", "\\x7f" },
	/* terminal escape: ESC [ 2 J */
	{ S("\x1b[2J"), "\\u001b[2J", "\\x1b[2J" },
	/* C1 controls U+0080, U+0085 (NEL), U+009B (CSI), U+009F; U+00A0 passes */
	{ S("\xc2\x80\xc2\x85\xc2\x9b\xc2\x9f\xc2\xa0"), "\\u0080\\u0085\\u009b\\u009f\xc2\xa0",
	  "\\u0080\\u0085\\u009b\\u009f\xc2\xa0" },
	/* U+2028, U+2029 */
	{ S("a\xe2\x80\xa8"
	    "b\xe2\x80\xa9"),
	  "a\\u2028b\\u2029", "a\\u2028b\\u2029" },
	/* bidi: U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069 */
	{ S("\xd8\x9c\xe2\x80\x8e\xe2\x80\x8f"), "\\u061c\\u200e\\u200f", "\\u061c\\u200e\\u200f" },
	{ S("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad\xe2\x80\xae"),
	  "\\u202a\\u202b\\u202c\\u202d\\u202e", "\\u202a\\u202b\\u202c\\u202d\\u202e" },
	{ S("\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9"), "\\u2066\\u2067\\u2068\\u2069",
	  "\\u2066\\u2067\\u2068\\u2069" },
	/* neighbours that pass: U+200D (ZWJ), U+2029's neighbour U+202F, U+2065, U+206A */
	{ S("\xe2\x80\x8d\xe2\x80\xaf\xe2\x81\xa5\xe2\x81\xaa"),
	  "\xe2\x80\x8d\xe2\x80\xaf\xe2\x81\xa5\xe2\x81\xaa",
	  "\xe2\x80\x8d\xe2\x80\xaf\xe2\x81\xa5\xe2\x81\xaa" },
	/* valid multi-byte text passes: é, 山田, U+1F600 */
	{ S("\xc3\xa9\xe5\xb1\xb1\xe7\x94\xb0\xf0\x9f\x98\x80"),
	  "\xc3\xa9\xe5\xb1\xb1\xe7\x94\xb0\xf0\x9f\x98\x80",
	  "\xc3\xa9\xe5\xb1\xb1\xe7\x94\xb0\xf0\x9f\x98\x80" },
	/* invalid UTF-8: a lone continuation byte, a truncated sequence, an
	 * overlong '/', a surrogate, above U+10FFFF, 0xff */
	{ S("a\x80z"), "a\\ufffdz", "a\\x80z" },
	{ S("\xe2\x80"), "\\ufffd\\ufffd", "\\xe2\\x80" },
	{ S("\xc0\xaf"), "\\ufffd\\ufffd", "\\xc0\\xaf" },
	{ S("\xed\xa0\x80"), "\\ufffd\\ufffd\\ufffd", "\\xed\\xa0\\x80" },
	{ S("\xf4\x90\x80\x80"), "\\ufffd\\ufffd\\ufffd\\ufffd", "\\xf4\\x90\\x80\\x80" },
	{ S("\xff"), "\\ufffd", "\\xff" },
	/* an invalid byte does not swallow the valid character after it */
	{ S("\xc3"
	    "A"),
	  "\\ufffdA", "\\xc3A" },
};

static void test_escape_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(esc_table); i++) {
		struct ntlm_buf b = { 0 };
		ntlm_buf_escape(&b, esc_table[i].in, esc_table[i].len, NTLM_ESCAPE_JSON);
		assert_int_equal(b.err, NTLM_OK);
		assert_string_equal(b.p ? b.p : "", esc_table[i].json);
		ntlm_buf_free(&b);

		ntlm_buf_escape(&b, esc_table[i].in, esc_table[i].len, NTLM_ESCAPE_TEXT);
		assert_int_equal(b.err, NTLM_OK);
		assert_string_equal(b.p ? b.p : "", esc_table[i].text);
		ntlm_buf_free(&b);
	}
}

static void test_json_string(void **state)
{
	(void)state;
	struct ntlm_buf b = { 0 };
	ntlm_buf_json(&b, "x\"\xe2\x80\xae");
	ntlm_buf_json(&b, NULL);
	assert_string_equal(b.p, "\"x\\\"\\u202e\"\"\"");
	char *s = ntlm_buf_take(&b);
	assert_string_equal(s, "\"x\\\"\\u202e\"\"\"");
	assert_null(b.p);
	free(s);
}

static void test_growable(void **state)
{
	(void)state;
	struct ntlm_buf b = { 0 };
	char *s = ntlm_buf_take(&b); /* nothing written: "" */
	assert_string_equal(s, "");
	free(s);

	for (int i = 0; i < 1000; i++)
		ntlm_buf_printf(&b, "%04d,", i);
	assert_int_equal(b.err, NTLM_OK);
	assert_int_equal(b.len, 5000);
	assert_int_equal(strlen(b.p), 5000);
	assert_memory_equal(b.p + 4995, "0999,", 5);
	/* a formatted piece longer than any internal scratch space */
	char big[600];
	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ntlm_buf_printf(&b, "<%s>", big);
	assert_int_equal(b.len, 5000 + 601);
	assert_int_equal(b.p[b.len - 1], '>');
	ntlm_buf_free(&b);
	assert_null(b.p);
	assert_int_equal(b.len, 0);
}

static void test_growable_limit(void **state)
{
	(void)state;
	struct ntlm_buf b = { 0 };
	b.max = 10;
	ntlm_buf_puts(&b, "0123456789");
	assert_int_equal(b.err, NTLM_OK);
	ntlm_buf_puts(&b, "x");
	assert_int_equal(b.err, NTLM_E_BUFFER_TOO_SMALL);
	ntlm_buf_puts(&b, ""); /* sticky: later writes are no-ops */
	assert_string_equal(b.p, "0123456789");
	assert_null(ntlm_buf_take(&b)); /* a failed buffer hands out nothing */
	assert_null(b.p);
}

static void test_fixed(void **state)
{
	(void)state;
	char mem[8];
	struct ntlm_buf b;

	memset(mem, 'x', sizeof(mem));
	ntlm_buf_fixed(&b, mem, sizeof(mem));
	assert_string_equal(mem, "");
	ntlm_buf_puts(&b, "1234567"); /* exactly full: 7 + NUL */
	assert_int_equal(b.err, NTLM_OK);
	assert_string_equal(mem, "1234567");
	ntlm_buf_puts(&b, "8");
	assert_int_equal(b.err, NTLM_E_BUFFER_TOO_SMALL);
	assert_string_equal(mem, "1234567"); /* what fitted stays, terminated */
	assert_null(ntlm_buf_take(&b));	     /* never hands out the caller's storage */

	ntlm_buf_fixed(&b, mem, sizeof(mem));
	ntlm_buf_printf(&b, "%s", "123456789"); /* does not fit in one piece */
	assert_int_equal(b.err, NTLM_E_BUFFER_TOO_SMALL);
	assert_string_equal(mem, "");
	ntlm_buf_free(&b); /* does not free the caller's storage */

	ntlm_buf_fixed(&b, NULL, 0);
	ntlm_buf_puts(&b, "a");
	assert_int_equal(b.err, NTLM_E_BUFFER_TOO_SMALL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_table), cmocka_unit_test(test_json_string),
		cmocka_unit_test(test_growable),     cmocka_unit_test(test_growable_limit),
		cmocka_unit_test(test_fixed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
