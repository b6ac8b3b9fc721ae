/*
 * Fuzz target: the text helpers of ntlm httpd (http/header.c) on arbitrary
 * bytes: the Authorization header split, header-name classes, request-path
 * decoding for --root, and the HTML / JSON escapers. Properties checked: the
 * credentials lie inside the input; an accepted path has no "." segment, no
 * NUL, backslash or control byte, and no leading or doubled '/'.
 */
#include <stdlib.h>
#include <string.h>

#include "httpd.h"

static void check(int ok)
{
	if (!ok)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), path[512];
	const char *cred;
	size_t len;
	struct httpd_buf b = { 0 };

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	enum httpd_scheme sc = httpd_auth_scheme(s, &cred, &len);
	if (sc != SCHEME_NONE)
		check(cred >= s && cred + len <= s + strlen(s));
	(void)httpd_is_remote_user_header(s);
	(void)httpd_is_hop_header(s);
	(void)httpd_header_value_ok(s);

	if (httpd_target_to_path(s, path, sizeof(path))) {
		size_t n = strlen(path);
		check(n < sizeof(path));
		check(n == 0 || (path[0] != '/' && path[n - 1] != '/'));
		check(strstr(path, "//") == NULL);
		check(path[0] != '.' && strstr(path, "/.") == NULL);
		for (size_t i = 0; i < n; i++)
			check((unsigned char)path[i] >= 0x20 && path[i] != 0x7f && path[i] != '\\');
	}

	httpd_buf_html(&b, s);
	check(!b.p || strchr(b.p, '<') == NULL);
	httpd_buf_free(&b);
	httpd_buf_json(&b, s);
	check(b.failed || (b.len >= 2 && b.p[0] == '"' && b.p[b.len - 1] == '"'));
	for (size_t i = 0; !b.failed && i < b.len; i++)
		check((unsigned char)b.p[i] >= 0x20);
	httpd_buf_free(&b);
	free(s);
	return 0;
}
