/* SPDX-License-Identifier: MIT */
/*
 * api/token_text.c: NTLM tokens as people paste them.
 *
 * ntlm_token_from_text() accepts, after trimming surrounding whitespace:
 *   - bare base64                        TlRMTVNTUAAB...
 *   - a scheme and base64                NTLM TlRM...   Negotiate TlRM...
 *   - a whole HTTP header line           Authorization: NTLM TlRM...
 *     (Authorization, Proxy-Authorization, WWW-Authenticate,
 *      Proxy-Authenticate; names and schemes case-insensitive)
 *   - hex, with optional whitespace      4e544c4d53535000 01000000 ...
 * Hex wins only when the text is nothing but an even number of hex digits
 * (and whitespace) AND decodes to bytes starting with "NTLMSSP\0"; anything
 * else is taken as base64. Base64 is strict (RFC 4648 section 4): standard
 * alphabet, padding required, no whitespace or other characters inside, and
 * the unused bits of the last symbol zero, so each token has exactly one
 * accepted spelling.
 *
 * Base64 is an encoding, not a crypto primitive, so the small codec lives
 * here rather than in crypto/.
 */
#include <stdlib.h>
#include <string.h>

#include "wire/wire.h"
#include "ntlmssp/unstable.h"

static const char b64_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static const char sig[8] = { 'N', 'T', 'L', 'M', 'S', 'S', 'P', '\0' };

/* The header names whose value is "<scheme> <token>". */
static const char *const headers[] = {
	"Authorization",
	"Proxy-Authorization",
	"WWW-Authenticate",
	"Proxy-Authenticate",
};

static const char *const schemes[] = { "NTLM", "Negotiate" };

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static int hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int b64_val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Case-insensitive ASCII comparison of n bytes (no locale). */
static bool ieq(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char x = a[i], y = b[i];
		if (x >= 'A' && x <= 'Z')
			x = (char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (char)(y - 'A' + 'a');
		if (x != y)
			return false;
	}
	return true;
}

/* Does [p, p+n) equal one of the words, ignoring case? */
static bool is_word(const char *p, size_t n, const char *const *words, size_t nwords)
{
	for (size_t i = 0; i < nwords; i++)
		if (strlen(words[i]) == n && ieq(p, words[i], n))
			return true;
	return false;
}

/* Hex with optional whitespace: the decoded size, or false if it is not hex. */
static bool hex_size(const char *p, size_t n, size_t *out)
{
	size_t digits = 0;
	for (size_t i = 0; i < n; i++) {
		if (is_space(p[i]))
			continue;
		if (hex_val(p[i]) < 0)
			return false;
		digits++;
	}
	if (digits == 0 || digits % 2)
		return false;
	*out = digits / 2;
	return true;
}

static void hex_decode(const char *p, size_t n, uint8_t *out)
{
	size_t k = 0;
	int hi = -1;
	for (size_t i = 0; i < n; i++) {
		if (is_space(p[i]))
			continue;
		int v = hex_val(p[i]);
		if (hi < 0) {
			hi = v;
		} else {
			out[k++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
}

/* Strict base64 -> malloc'd bytes, at most max of them; n > 0. */
static ntlm_status b64_decode(const char *p, size_t n, size_t max, uint8_t **out, size_t *out_len)
{
	size_t pad = 0, len, k = 0;
	uint8_t *b;

	for (size_t i = 0; i < n; i++) {
		if (b64_val(p[i]) >= 0)
			continue;
		if (p[i] == '=' && i >= n - 2 && n % 4 == 0 && (i == n - 1 || p[n - 1] == '='))
			continue;
		if (p[i] == '=')
			return ntlm_err(NTLM_E_BAD_ENCODING, "base64: misplaced '=' at offset %zu",
					i);
		if (is_space(p[i]))
			return ntlm_err(NTLM_E_BAD_ENCODING, "base64: whitespace at offset %zu", i);
		return ntlm_err(NTLM_E_BAD_ENCODING,
				"base64: byte 0x%02x at offset %zu is not in the alphabet",
				(unsigned)(unsigned char)p[i], i);
	}
	if (n % 4)
		return ntlm_err(NTLM_E_BAD_ENCODING,
				"base64: length %zu is not a multiple of 4 (truncated or unpadded)",
				n);
	if (p[n - 1] == '=')
		pad = p[n - 2] == '=' ? 2 : 1;
	len = n / 4 * 3 - pad;
	if (len > max)
		return ntlm_err(NTLM_E_TOKEN_TOO_LARGE, "token of %zu bytes; the limit is %zu", len,
				max);

	/* The last symbol before the padding must not carry stray low bits. */
	if ((pad == 1 && (b64_val(p[n - 2]) & 0x03)) || (pad == 2 && (b64_val(p[n - 3]) & 0x0f)))
		return ntlm_err(NTLM_E_BAD_ENCODING,
				"base64: non-zero padding bits in the last symbol (garbage)");

	b = malloc(len ? len : 1);
	if (!b)
		return ntlm_err(NTLM_E_NOMEM, "out of memory");
	for (size_t i = 0; i < n; i += 4) {
		uint32_t v = 0;
		for (size_t j = 0; j < 4; j++) {
			int d = p[i + j] == '=' ? 0 : b64_val(p[i + j]);
			v = v << 6 | (uint32_t)d;
		}
		uint8_t t[3] = { (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };
		for (size_t j = 0; j < 3 && k < len; j++)
			b[k++] = t[j];
	}
	*out = b;
	*out_len = len;
	return NTLM_OK;
}

/* Skips an HTTP header name and a scheme; [*p, *p + *n) is what remains. */
static ntlm_status strip_prefixes(const char **p, size_t *n)
{
	const char *s = *p, *end = *p + *n;
	const char *w = s;

	/* "Name:" -- a base64 or hex token never contains ':'. */
	while (w < end && *w != ':' && !is_space(*w))
		w++;
	if (w < end && *w == ':') {
		if (!is_word(s, (size_t)(w - s), headers, ARRAY_SIZE(headers)))
			return ntlm_err(NTLM_E_BAD_ENCODING,
					"text before ':' is not an Authorization or "
					"WWW-Authenticate header name");
		s = w + 1;
		while (s < end && is_space(*s))
			s++;
		w = s;
		while (w < end && !is_space(*w))
			w++;
		if (!is_word(s, (size_t)(w - s), schemes, ARRAY_SIZE(schemes)))
			return ntlm_err(NTLM_E_BAD_ENCODING,
					"header value does not start with NTLM or Negotiate");
	} else {
		w = s;
		while (w < end && !is_space(*w))
			w++;
	}
	/* "NTLM <token>" / "Negotiate <token>" */
	if (is_word(s, (size_t)(w - s), schemes, ARRAY_SIZE(schemes))) {
		if (w == end)
			return ntlm_err(NTLM_E_BAD_ENCODING, "scheme \"%.*s\" without a token",
					(int)(w - s), s);
		s = w;
		while (s < end && is_space(*s))
			s++;
	}
	*p = s;
	*n = (size_t)(end - s);
	return NTLM_OK;
}

ntlm_status ntlm_token_from_text(const char *text, uint8_t **out, size_t *len)
{
	const char *p;
	size_t n, hlen = 0;
	uint8_t *b = NULL;
	ntlm_status st = NTLM_OK;

	ntlm_err_clear();
	if (!text || !out || !len)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "ntlm_token_from_text: NULL argument");
	*out = NULL;
	*len = 0;

	p = text;
	n = strlen(text);
	while (n && is_space(*p)) {
		p++;
		n--;
	}
	while (n && is_space(p[n - 1]))
		n--;
	if (n == 0)
		return ntlm_err(NTLM_E_BAD_ENCODING, "empty token text");
	NTLM_TRY(strip_prefixes(&p, &n));

	if (hex_size(p, n, &hlen)) {
		if (hlen > NTLM_MAX_TOKEN)
			return ntlm_err(NTLM_E_TOKEN_TOO_LARGE,
					"token of %zu bytes; the limit is %u", hlen,
					(unsigned)NTLM_MAX_TOKEN);
		b = malloc(hlen);
		if (!b)
			return ntlm_err(NTLM_E_NOMEM, "out of memory");
		hex_decode(p, n, b);
		/* public: the NTLMSSP magic */
		if (hlen >= sizeof(sig) && memcmp(b, sig, sizeof(sig)) == 0) {
			*out = b;
			*len = hlen;
			return NTLM_OK;
		}
		free(b);
		b = NULL;
	}
	NTLM_TRY_GOTO(st, b64_decode(p, n, NTLM_MAX_TOKEN, &b, &hlen), out);
	*out = b;
	*len = hlen;
	b = NULL;
out:
	free(b);
	return st;
}

ntlm_status ntlm_base64_decode(const char *text, size_t len, size_t max, uint8_t **out,
			       size_t *out_len)
{
	ntlm_err_clear();
	if (!out || !out_len || (!text && len))
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "ntlm_base64_decode: NULL argument");
	*out = NULL;
	*out_len = 0;
	if (len == 0) {
		*out = malloc(1);
		if (!*out)
			return ntlm_err(NTLM_E_NOMEM, "out of memory");
		return NTLM_OK;
	}
	return b64_decode(text, len, max, out, out_len);
}

ntlm_status ntlm_base64_encode(const uint8_t *p, size_t len, char **out)
{
	char *s;
	size_t k = 0;

	ntlm_err_clear();
	if (!out || (!p && len))
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "ntlm_base64_encode: NULL argument");
	*out = NULL;
	if (len > (SIZE_MAX - 1) / 4 * 3 - 3)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "ntlm_base64_encode: input too large");
	s = malloc((len + 2) / 3 * 4 + 1);
	if (!s)
		return ntlm_err(NTLM_E_NOMEM, "out of memory");
	for (size_t i = 0; i < len; i += 3) {
		size_t left = len - i;
		uint32_t v = (uint32_t)p[i] << 16;
		if (left > 1)
			v |= (uint32_t)p[i + 1] << 8;
		if (left > 2)
			v |= p[i + 2];
		s[k++] = b64_alphabet[v >> 18 & 63];
		s[k++] = b64_alphabet[v >> 12 & 63];
		s[k++] = left > 1 ? b64_alphabet[v >> 6 & 63] : '=';
		s[k++] = left > 2 ? b64_alphabet[v & 63] : '=';
	}
	s[k] = '\0';
	*out = s;
	return NTLM_OK;
}
