/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the text helpers of ntlm httpd (http/header.c) on arbitrary
 * bytes: the Authorization header split, header-name classes, request-path
 * decoding for --root, and the HTML / JSON escapers; and the library's
 * parsing of pasted headers (ntlm_token_from_text: "Authorization: NTLM ...",
 * "WWW-Authenticate: Negotiate ...", bare base64 or hex), its strict base64
 * decoder on the credentials, and ntlm_token_describe on what decodes.
 * Properties checked: the credentials lie inside the input, and strict
 * base64 re-encodes to exactly the same text; an accepted path has no "."
 * segment, no NUL, backslash or control byte, and no leading or doubled '/'.
 */
#include <stdlib.h>
#include <string.h>

#include "httpd.h"
#include "ntlmssp/unstable.h"

static void check(int ok)
{
	if (!ok)
		abort();
}

static void describe(const uint8_t *tok, size_t n)
{
	char *text;
	if (ntlm_token_describe(tok, n, NTLM_DESCRIBE_TEXT, &text) == NTLM_OK)
		ntlm_free(text);
	if (ntlm_token_describe(tok, n, NTLM_DESCRIBE_JSON, &text) == NTLM_OK)
		ntlm_free(text);
}

/* What the server does with the credentials of an Authorization header. */
static void credentials(const char *cred, size_t len)
{
	uint8_t *tok;
	size_t n;
	char *again;

	if (ntlm_base64_decode(cred, len, NTLM_MAX_TOKEN, &tok, &n) != NTLM_OK)
		return;
	check(n <= NTLM_MAX_TOKEN);
	check(ntlm_base64_encode(tok, n, &again) == NTLM_OK);
	check(strlen(again) == len && memcmp(again, cred, len) == 0);
	ntlm_free(again);
	describe(tok, n);
	ntlm_free(tok);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), path[512];
	const char *cred;
	size_t len;
	struct ntlm_buf b = { 0 };

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	enum httpd_scheme sc = httpd_auth_scheme(s, &cred, &len);
	if (sc != SCHEME_NONE) {
		check(cred >= s && cred + len <= s + strlen(s));
		credentials(cred, len);
	}
	uint8_t *tok;
	size_t tok_len;
	if (ntlm_token_from_text(s, &tok, &tok_len) == NTLM_OK) {
		check(tok_len <= NTLM_MAX_TOKEN);
		describe(tok, tok_len);
		ntlm_free(tok);
	}
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
	ntlm_buf_free(&b);
	ntlm_buf_json(&b, s);
	check(b.err != NTLM_OK || (b.len >= 2 && b.p[0] == '"' && b.p[b.len - 1] == '"'));
	for (size_t i = 0; b.err == NTLM_OK && i < b.len; i++)
		check((unsigned char)b.p[i] >= 0x20);
	ntlm_buf_free(&b);
	free(s);
	return 0;
}
