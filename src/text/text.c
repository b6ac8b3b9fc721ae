/* SPDX-License-Identifier: MIT */
/*
 * text: UTF-8 / UTF-16LE / OEM conversions and case mapping.
 * libunistring does the Unicode work, iconv the OEM code page. Secrets
 * (passwords) pass through here, so every buffer we own is wiped, and
 * libunistring is handed a stack buffer so it does not allocate copies we
 * could not wipe (it falls back to malloc only for very long inputs, and we
 * wipe that result too).
 */
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include <unicase.h>
#include <unistr.h>

#include "crypto/crypto.h"
#include "text/text.h"

#define STACK_UNITS 512

void ntlm_text_free_secret(void *p, size_t len)
{
	if (!p)
		return;
	ntlm_crypto_wipe(p, len);
	free(p);
}

ntlm_status ntlm_text_utf8_to_utf16le(const char *s, uint8_t **out, size_t *out_len)
{
	uint16_t stackbuf[STACK_UNITS];
	size_t n = strlen(s), units = STACK_UNITS;
	ntlm_status st = NTLM_OK;

	*out = NULL;
	*out_len = 0;
	if (u8_check((const uint8_t *)s, n) != NULL)
		return ntlm_err(NTLM_E_BAD_STRING, "string is not valid UTF-8");
	uint16_t *u = u8_to_u16((const uint8_t *)s, n, stackbuf, &units);
	if (!u)
		return ntlm_err(NTLM_E_NOMEM, "UTF-8 to UTF-16 conversion failed");
	uint8_t *b = malloc(units * 2 + 1);
	if (!b) {
		st = ntlm_err(NTLM_E_NOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < units; i++) {
		b[2 * i] = (uint8_t)(u[i] & 0xff);
		b[2 * i + 1] = (uint8_t)(u[i] >> 8);
	}
	*out = b;
	*out_len = units * 2;
out:
	ntlm_crypto_wipe(u, units * 2);
	if (u != stackbuf)
		free(u);
	ntlm_crypto_wipe(stackbuf, sizeof(stackbuf));
	return st;
}

/* Reads UTF-16LE into native units; caller frees (wiping). */
static ntlm_status load_u16(const uint8_t *p, size_t len, uint16_t **units, const char *what)
{
	*units = NULL;
	if (len % 2)
		return ntlm_err(NTLM_E_UTF16_ODD_LENGTH, "%s: UTF-16 string of odd length %zu",
				what, len);
	uint16_t *u = malloc(len ? len : 1);
	if (!u)
		return ntlm_err(NTLM_E_NOMEM, "out of memory");
	for (size_t i = 0; i < len / 2; i++)
		u[i] = (uint16_t)(p[2 * i] | (p[2 * i + 1] << 8));
	const uint16_t *bad = u16_check(u, len / 2);
	if (bad) {
		ntlm_status st =
			ntlm_err(NTLM_E_UTF16_INVALID, "%s: unpaired surrogate 0x%04x at byte %zu",
				 what, *bad, (size_t)(bad - u) * 2);
		free(u);
		return st;
	}
	*units = u;
	return NTLM_OK;
}

ntlm_status ntlm_text_utf16le_check(const uint8_t *p, size_t len, const char *what)
{
	uint16_t *u;
	NTLM_TRY(load_u16(p, len, &u, what));
	free(u);
	return NTLM_OK;
}

ntlm_status ntlm_text_utf16le_to_utf8(const uint8_t *p, size_t len, char **out, const char *what)
{
	uint16_t *u;
	size_t n = 0;

	*out = NULL;
	NTLM_TRY(load_u16(p, len, &u, what));
	uint8_t *s = u16_to_u8(u, len / 2, NULL, &n);
	ntlm_crypto_wipe(u, len);
	free(u);
	if (!s)
		return ntlm_err(NTLM_E_NOMEM, "%s: UTF-16 to UTF-8 conversion failed", what);
	char *z = realloc(s, n + 1);
	if (!z) {
		ntlm_text_free_secret(s, n);
		return ntlm_err(NTLM_E_NOMEM, "out of memory");
	}
	z[n] = '\0';
	*out = z;
	return NTLM_OK;
}

ntlm_status ntlm_text_upper(const char *s, char **out)
{
	uint8_t stackbuf[STACK_UNITS * 2];
	size_t n = strlen(s), len = sizeof(stackbuf);
	ntlm_status st = NTLM_OK;

	*out = NULL;
	if (u8_check((const uint8_t *)s, n) != NULL)
		return ntlm_err(NTLM_E_BAD_STRING, "string is not valid UTF-8");
	/* No language: the locale-independent full case mapping (SpecialCasing). */
	uint8_t *u = u8_toupper((const uint8_t *)s, n, NULL, NULL, stackbuf, &len);
	if (!u)
		return ntlm_err(NTLM_E_NOMEM, "upper-casing failed");
	char *z = malloc(len + 1);
	if (!z) {
		st = ntlm_err(NTLM_E_NOMEM, "out of memory");
		goto out;
	}
	memcpy(z, u, len);
	z[len] = '\0';
	*out = z;
out:
	ntlm_crypto_wipe(u, len);
	if (u != stackbuf)
		free(u);
	ntlm_crypto_wipe(stackbuf, sizeof(stackbuf));
	return st;
}

/* One iconv pass; outputs malloc'd bytes (NUL-terminated for convenience). */
static ntlm_status convert(const char *to, const char *from, const uint8_t *in, size_t len,
			   uint8_t **out, size_t *out_len, ntlm_status bad)
{
	*out = NULL;
	*out_len = 0;
	iconv_t cd = iconv_open(to, from);
	if (cd == (iconv_t)-1)
		return ntlm_err(NTLM_E_INTERNAL, "iconv cannot convert %s to %s", from, to);
	size_t cap = len * 4 + 1; /* UTF-8 needs at most 3 bytes per CP850 byte */
	uint8_t *buf = malloc(cap);
	if (!buf) {
		iconv_close(cd);
		return ntlm_err(NTLM_E_NOMEM, "out of memory");
	}
	char *ip = (char *)(uintptr_t)in, *op = (char *)buf;
	size_t il = len, ol = cap - 1;
	if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1) {
		int e = errno;
		iconv_close(cd);
		ntlm_text_free_secret(buf, cap);
		return ntlm_err(bad, "%s -> %s: %s at byte %zu", from, to,
				e == EILSEQ ? "character has no equivalent" : "incomplete input",
				len - il);
	}
	iconv_close(cd);
	*op = '\0';
	*out = buf;
	*out_len = (size_t)((uint8_t *)op - buf);
	return NTLM_OK;
}

ntlm_status ntlm_text_utf8_to_oem(const char *s, uint8_t **out, size_t *out_len)
{
	size_t n = strlen(s);
	if (u8_check((const uint8_t *)s, n) != NULL)
		return ntlm_err(NTLM_E_BAD_STRING, "string is not valid UTF-8");
	return convert(NTLM_TEXT_OEM_CHARSET, "UTF-8", (const uint8_t *)s, n, out, out_len,
		       NTLM_E_UNREPRESENTABLE);
}

ntlm_status ntlm_text_oem_to_utf8(const uint8_t *p, size_t len, char **out)
{
	uint8_t *b;
	size_t n;
	*out = NULL;
	NTLM_TRY(convert("UTF-8", NTLM_TEXT_OEM_CHARSET, p, len, &b, &n, NTLM_E_BAD_STRING));
	*out = (char *)b;
	return NTLM_OK;
}
