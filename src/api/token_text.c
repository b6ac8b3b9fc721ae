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
 * Base64 is nettle's codec behind the strict checks of
 * crypto/base64.c (crypto/ is the only nettle user).
 */
#include <stdlib.h>
#include <string.h>

#include "bytes/hex.h"
#include "crypto/crypto.h"
#include "wire/wire.h"
#include "ntlmssp/unstable.h"

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
		if (ntlm_bytes_hex_digit((unsigned char)p[i]) < 0)
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
		int v = ntlm_bytes_hex_digit((unsigned char)p[i]);
		if (hi < 0) {
			hi = v;
		} else {
			out[k++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
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
	uint8_t *b;

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
	return ntlm_crypto_base64_decode(p, n, NTLM_MAX_TOKEN, out, len);
}

ntlm_status ntlm_base64_decode(const char *text, size_t len, size_t max, uint8_t **out,
			       size_t *out_len)
{
	ntlm_err_clear();
	if (!out || !out_len || (!text && len))
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "ntlm_base64_decode: NULL argument");
	return ntlm_crypto_base64_decode(text, len, max, out, out_len);
}

ntlm_status ntlm_base64_encode(const uint8_t *p, size_t len, char **out)
{
	ntlm_err_clear();
	if (!out || (!p && len))
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "ntlm_base64_encode: NULL argument");
	return ntlm_crypto_base64_encode(p, len, out);
}
