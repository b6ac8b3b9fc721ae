/* SPDX-License-Identifier: MIT */
/* http/header.c: the Authorization header, header-name classes, escaping,
 * and request paths for --root (tests/http/static.sh drives the server). */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "httpd.h"

static void test_auth_scheme(void **state)
{
	const char *cred;
	size_t len;
	(void)state;
	assert_int_equal(httpd_auth_scheme("NTLM TlRM", &cred, &len), SCHEME_NTLM);
	assert_int_equal(len, 4);
	assert_memory_equal(cred, "TlRM", 4);
	assert_int_equal(httpd_auth_scheme("  ntlm   TlRM  \t", &cred, &len), SCHEME_NTLM);
	assert_int_equal(len, 4);
	assert_int_equal(httpd_auth_scheme("Negotiate abc=", &cred, &len), SCHEME_NEGOTIATE);
	assert_int_equal(httpd_auth_scheme("NEGOTIATE", &cred, &len), SCHEME_NEGOTIATE);
	assert_int_equal(len, 0);
	assert_int_equal(httpd_auth_scheme("NTLMX abc", &cred, &len), SCHEME_OTHER);
	assert_int_equal(httpd_auth_scheme("NTL abc", &cred, &len), SCHEME_OTHER);
	assert_int_equal(httpd_auth_scheme("Basic abc", &cred, &len), SCHEME_OTHER);
	assert_int_equal(httpd_auth_scheme("", &cred, &len), SCHEME_NONE);
	assert_int_equal(httpd_auth_scheme("   ", &cred, &len), SCHEME_NONE);
	assert_int_equal(httpd_auth_scheme(NULL, &cred, &len), SCHEME_NONE);
	assert_int_equal(len, 0);
}

static void test_header_names(void **state)
{
	(void)state;
	assert_true(httpd_is_remote_user_header("X-Remote-User"));
	assert_true(httpd_is_remote_user_header("x-remote-user"));
	assert_true(httpd_is_remote_user_header("X_REMOTE_USER"));
	assert_true(httpd_is_remote_user_header("x_remote-User"));
	assert_false(httpd_is_remote_user_header("X-Remote-User2"));
	assert_false(httpd_is_remote_user_header("X-Remote-Use"));
	assert_false(httpd_is_remote_user_header("Remote-User"));
	assert_true(httpd_is_hop_header("Connection"));
	assert_true(httpd_is_hop_header("AUTHORIZATION"));
	assert_true(httpd_is_hop_header("transfer-encoding"));
	assert_true(httpd_is_hop_header("Host"));
	assert_false(httpd_is_hop_header("Accept"));
	assert_false(httpd_is_hop_header("X-Remote-User")); /* handled on its own */
	assert_true(httpd_header_value_ok("DEMO\\demo\tok"));
	assert_false(httpd_header_value_ok("a\r\nX-Injected: 1"));
	assert_false(httpd_header_value_ok("a\nb"));
	assert_false(httpd_header_value_ok("a\x7f"));
}

static void test_escaping(void **state)
{
	struct ntlm_buf b = { 0 };
	(void)state;
	/* HTML is http's own; JSON and the buffer are the library's (test_text_buf) */
	httpd_buf_html(&b, "<a href=\"x\">&'\n");
	assert_string_equal(b.p, "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&#xfffd;");
	ntlm_buf_free(&b);
}

static void path_ok(const char *target, const char *want)
{
	char out[256];
	if (!httpd_target_to_path(target, out, sizeof(out)))
		fail_msg("%s refused, want \"%s\"", target, want);
	assert_string_equal(out, want);
}

static void path_refused(const char *target)
{
	char out[256];
	if (httpd_target_to_path(target, out, sizeof(out)))
		fail_msg("%s accepted as \"%s\"", target, out);
}

static void test_paths(void **state)
{
	(void)state;
	path_ok("/", "");
	path_ok("/a.txt", "a.txt");
	path_ok("/sub/b.css", "sub/b.css");
	path_ok("/sub/", "sub");
	path_ok("//sub///b", "sub/b");
	path_ok("/a%20b.txt", "a b.txt");
	path_ok("/%61.txt", "a.txt");
	path_ok("/a.txt?x=../../etc", "a.txt");
	path_ok("/a.txt#frag", "a.txt");
	path_ok("/a..b", "a..b");
	path_ok("/sub/file.", "sub/file.");

	path_refused("");
	path_refused("a.txt");
	path_refused("http://host/a.txt");
	path_refused("/..");
	path_refused("/../etc/passwd");
	path_refused("/sub/../../etc/passwd");
	path_refused("/./a.txt");
	path_refused("/sub/.");
	path_refused("/%2e%2e/etc/passwd");
	path_refused("/%2E%2E/etc");
	path_refused("/.%2e/etc");
	path_refused("/sub/..%2f..%2fetc");
	path_refused("/a%2fb");
	path_refused("/a%00.html");
	path_refused("/a%0a");
	path_refused("/..%5cetc");
	path_refused("/a\\b");
	path_refused("/.htpasswd");
	path_refused("/.git/config");
	path_refused("/%zz");
	path_refused("/%4");
	path_refused("/%");
}

static void test_path_too_long(void **state)
{
	char out[8];
	(void)state;
	assert_true(httpd_target_to_path("/abcdefg", out, sizeof(out)));
	assert_string_equal(out, "abcdefg");
	assert_false(httpd_target_to_path("/abcdefgh", out, sizeof(out)));
	assert_false(httpd_target_to_path("/abc/defg", out, sizeof(out)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auth_scheme),   cmocka_unit_test(test_header_names),
		cmocka_unit_test(test_escaping),      cmocka_unit_test(test_paths),
		cmocka_unit_test(test_path_too_long),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
