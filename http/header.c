/* SPDX-License-Identifier: MIT */
/*
 * http/header.c: the small text jobs of the endpoint: the Authorization
 * header, header-name classes, escaping for HTML, and request
 * paths. Everything here reads untrusted text and stops at the first thing
 * it does not expect.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fe.h"
#include "httpd.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

enum httpd_scheme httpd_auth_scheme(const char *value, const char **cred, size_t *cred_len)
{
	static const struct {
		const char *name;
		enum httpd_scheme scheme;
	} schemes[] = { { "NTLM", SCHEME_NTLM }, { "Negotiate", SCHEME_NEGOTIATE } };
	enum httpd_scheme found = SCHEME_OTHER;
	const char *p = value;
	size_t n = 0;

	*cred = "";
	*cred_len = 0;
	if (!value)
		return SCHEME_NONE;
	while (is_space(*p))
		p++;
	while (p[n] && !is_space(p[n]))
		n++;
	if (n == 0)
		return SCHEME_NONE;
	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (strlen(schemes[i].name) == n && strncasecmp(p, schemes[i].name, n) == 0)
			found = schemes[i].scheme;
	p += n;
	while (is_space(*p))
		p++;
	n = strlen(p);
	while (n && is_space(p[n - 1]))
		n--;
	*cred = p;
	*cred_len = n;
	return found;
}

/* ASCII case-insensitive compare where '_' equals '-'. */
static bool name_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a == '_' ? '-' : *a, y = *b == '_' ? '-' : *b;
		if (x >= 'A' && x <= 'Z')
			x = (char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (char)(y - 'A' + 'a');
		if (x != y)
			return false;
	}
	return *a == *b;
}

bool httpd_is_remote_user_header(const char *name)
{
	return name && name_eq(name, "x-remote-user");
}

bool httpd_is_hop_header(const char *name)
{
	static const char *const hop[] = {
		"connection",
		"keep-alive",
		"proxy-connection",
		"te",
		"trailer",
		"upgrade",
		"transfer-encoding",
		"content-length",
		"expect",
		"host",
		"proxy-authorization",
		"authorization",
		"proxy-authenticate",
	};
	if (!name)
		return true;
	for (size_t i = 0; i < sizeof(hop) / sizeof(hop[0]); i++)
		if (strcasecmp(name, hop[i]) == 0)
			return true;
	return false;
}

bool httpd_header_value_ok(const char *value)
{
	for (const unsigned char *p = (const unsigned char *)value; *p; p++)
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
			return false;
	return true;
}

/* ---- HTML ------------------------------------------------------------------ */

/* The library's buffer (struct ntlm_buf) and its JSON escaper
 * (ntlm_buf_json) do the rest; only HTML is particular to this front end. */
void httpd_buf_html(struct ntlm_buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			ntlm_buf_puts(b, "&amp;");
			break;
		case '<':
			ntlm_buf_puts(b, "&lt;");
			break;
		case '>':
			ntlm_buf_puts(b, "&gt;");
			break;
		case '"':
			ntlm_buf_puts(b, "&quot;");
			break;
		case '\'':
			ntlm_buf_puts(b, "&#39;");
			break;
		default:
			if ((unsigned char)*s < 0x20 || *s == 0x7f)
				ntlm_buf_puts(b, "&#xfffd;");
			else
				ntlm_buf_put(b, s, 1);
		}
	}
}

/* ---- request paths ------------------------------------------------------------ */

/* Is the segment [s, s + n) "." or ".." or does it start with "."? Dot
 * files (.git, .htpasswd) are never served, which also covers both. */
static bool bad_segment(const char *s, size_t n)
{
	return n > 0 && s[0] == '.';
}

bool httpd_target_to_path(const char *target, char *dst, size_t len)
{
	size_t k = 0, seg = 0;
	const char *p = target;

	if (!target || target[0] != '/' || len == 0)
		return false;
	p++;
	for (; *p && *p != '?' && *p != '#'; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '%') {
			int hi = fe_hexval(p[1]), lo = hi < 0 ? -1 : fe_hexval(p[2]);
			if (hi < 0 || lo < 0)
				return false;
			c = (unsigned char)(hi * 16 + lo);
			p += 2;
			/* An encoded '/' would hide a segment boundary: refused. */
			if (c == '/' || c == 0)
				return false;
		}
		if (c < 0x20 || c == 0x7f || c == '\\')
			return false;
		if (c == '/') {
			if (bad_segment(dst + seg, k - seg))
				return false;
			if (k == seg)
				continue; /* empty segment: "//" */
			if (k + 1 >= len)
				return false;
			dst[k++] = '/';
			seg = k;
			continue;
		}
		if (k + 1 >= len)
			return false;
		dst[k++] = (char)c;
	}
	if (bad_segment(dst + seg, k - seg))
		return false;
	if (k > 0 && dst[k - 1] == '/')
		k--;
	dst[k] = '\0';
	return true;
}
