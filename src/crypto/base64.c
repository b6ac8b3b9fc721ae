/* SPDX-License-Identifier: MIT */
/*
 * crypto/base64.c: strict base64 (RFC 4648 section 4) over nettle's codec.
 *
 * nettle's decoder is lenient (it skips whitespace and accepts a missing
 * padding); tokens need one spelling each, so the text is checked here
 * first: standard alphabet only, no whitespace or other byte inside, length
 * a multiple of 4, at most two '=' and only at the end, and the unused low
 * bits of the last symbol zero. What passes is then decoded by nettle.
 */
#include <stdlib.h>
#include <string.h>

#include <nettle/base64.h>

#include "crypto/crypto.h"

static const char alphabet[64] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* The 6-bit value of a base64 symbol, or -1. */
static int b64_val(char c)
{
	const char *q = c ? memchr(alphabet, c, sizeof(alphabet)) : NULL;

	return q ? (int)(q - alphabet) : -1;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

ntlm_status ntlm_crypto_base64_decode(const char *p, size_t n, size_t max, uint8_t **out,
				      size_t *out_len)
{
	struct base64_decode_ctx ctx;
	size_t pad = 0, len, got;
	uint8_t *b;

	*out = NULL;
	*out_len = 0;
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
	if (n && p[n - 1] == '=')
		pad = p[n - 2] == '=' ? 2 : 1;
	len = n / 4 * 3 - pad;
	if (len > max)
		return ntlm_err(NTLM_E_TOKEN_TOO_LARGE, "token of %zu bytes; the limit is %zu", len,
				max);
	/* The last symbol before the padding must not carry stray low bits. */
	if ((pad == 1 && (b64_val(p[n - 2]) & 0x03)) || (pad == 2 && (b64_val(p[n - 3]) & 0x0f)))
		return ntlm_err(NTLM_E_BAD_ENCODING,
				"base64: non-zero padding bits in the last symbol (garbage)");

	/* BASE64_DECODE_LENGTH(n) >= len: nettle may need the slack. */
	b = malloc(BASE64_DECODE_LENGTH(n) + 1);
	if (!b)
		return ntlm_err(NTLM_E_NOMEM, "out of memory");
	base64_decode_init(&ctx);
	got = BASE64_DECODE_LENGTH(n);
	if (!base64_decode_update(&ctx, &got, b, n, p) || !base64_decode_final(&ctx) ||
	    got != len) {
		free(b);
		return ntlm_err(NTLM_E_INTERNAL, "base64: nettle disagrees with the strict check");
	}
	*out = b;
	*out_len = len;
	return NTLM_OK;
}

ntlm_status ntlm_crypto_base64_encode(const uint8_t *p, size_t len, char **out)
{
	char *s;

	*out = NULL;
	if (len > (SIZE_MAX - 1) / 4 * 3 - 3)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "base64: input too large");
	s = malloc(BASE64_ENCODE_RAW_LENGTH(len) + 1);
	if (!s)
		return ntlm_err(NTLM_E_NOMEM, "out of memory");
	base64_encode_raw(s, len, p);
	s[BASE64_ENCODE_RAW_LENGTH(len)] = '\0';
	*out = s;
	return NTLM_OK;
}
