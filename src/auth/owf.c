/* SPDX-License-Identifier: MIT */
/*
 * auth: the one-way functions of MS-NLMP 3.3.1 (NTOWFv1, LMOWFv1) and 3.3.2
 * (NTOWFv2). Passwords arrive as UTF-8; every converted copy (UTF-16LE,
 * upper-cased, OEM) and every key buffer is wiped before return.
 */
#include <string.h>

#include "auth/auth.h"
#include "crypto/crypto.h"
#include "text/text.h"

/* The LMOWFv1 plaintext, ASCII "KGS!@#$%" (MS-NLMP 3.3.1). */
static const uint8_t lm_magic[8] = { 0x4b, 0x47, 0x53, 0x21, 0x40, 0x23, 0x24, 0x25 };

/* LMOWFv1 accepts at most 14 OEM bytes (two 7-byte DES keys). */
#define LM_PASSWORD_MAX 14

/* Re-labels a text-layer failure with the field it came from. */
static ntlm_status field_err(ntlm_status st, const char *fn, const char *field)
{
	switch (st) {
	case NTLM_E_BAD_STRING:
		return ntlm_err(st, "%s: %s is not valid UTF-8", fn, field);
	case NTLM_E_UNREPRESENTABLE:
		return ntlm_err(st, "%s: %s has a character with no OEM (%s) form", fn, field,
				NTLM_TEXT_OEM_CHARSET);
	default:
		return st; /* keep the text layer's detail */
	}
}

static void free_str(char *s)
{
	if (s)
		ntlm_text_free_secret(s, strlen(s));
}

/* MS-NLMP 3.3.1 ntowfv1: MD4(UNICODE(Passwd)) */
ntlm_status ntlm_auth_ntowfv1(const char *password, uint8_t out[16])
{
	uint8_t *u16 = NULL;
	size_t n = 0;
	ntlm_status st;

	if (!password || !out)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "NTOWFv1: password is NULL");
	st = ntlm_text_utf8_to_utf16le(password, &u16, &n);
	if (st != NTLM_OK)
		return field_err(st, "NTOWFv1", "password");
	ntlm_crypto_md4(u16, n, out);
	ntlm_text_free_secret(u16, n);
	return NTLM_OK;
}

/* MS-NLMP 3.3.1 lmowfv1: DES(UpperCase(Passwd)[0..6], "KGS!@#$%") ||
 * DES(UpperCase(Passwd)[7..13], "KGS!@#$%"), the password in the OEM code page,
 * NUL-padded to 14 bytes. */
ntlm_status ntlm_auth_lmowfv1(const char *password, uint8_t out[16])
{
	char *upper = NULL;
	uint8_t *oem = NULL;
	size_t oem_len = 0;
	uint8_t key[LM_PASSWORD_MAX] = { 0 };
	ntlm_status st;

	if (!password || !out)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "LMOWFv1: password is NULL");
	st = ntlm_text_upper(password, &upper);
	if (st != NTLM_OK) {
		st = field_err(st, "LMOWFv1", "password");
		goto done;
	}
	st = ntlm_text_utf8_to_oem(upper, &oem, &oem_len);
	if (st != NTLM_OK) {
		st = field_err(st, "LMOWFv1", "password");
		goto done;
	}
	if (oem_len > LM_PASSWORD_MAX) {
		st = ntlm_err(NTLM_E_UNREPRESENTABLE,
			      "LMOWFv1: password is %zu OEM bytes; LM allows at most %d", oem_len,
			      LM_PASSWORD_MAX);
		goto done;
	}
	if (oem_len)
		memcpy(key, oem, oem_len);
	ntlm_crypto_des7(key, lm_magic, out);
	ntlm_crypto_des7(key + 7, lm_magic, out + 8);
done:
	if (st != NTLM_OK)
		ntlm_crypto_wipe(out, 16);
	ntlm_crypto_wipe(key, sizeof(key));
	ntlm_text_free_secret(oem, oem_len);
	free_str(upper);
	return st;
}

/* MS-NLMP 3.3.2 ntowfv2: HMAC_MD5(NTOWFv1(Passwd), UNICODE(ConcatenationOf(
 * Uppercase(User), UserDom))). Upper-casing is the full Unicode mapping, so
 * U+00DF becomes "SS". The domain keeps its case. */
ntlm_status ntlm_auth_ntowfv2(const uint8_t ntowfv1[16], const char *user, const char *domain,
			      uint8_t out[16])
{
	char *upper = NULL;
	uint8_t *u16_user = NULL, *u16_dom = NULL;
	size_t user_len = 0, dom_len = 0;
	uint8_t mac[16];
	ntlm_status st;

	if (!ntowfv1 || !user || !domain || !out)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "NTOWFv2: NULL argument");
	st = ntlm_text_upper(user, &upper);
	if (st != NTLM_OK) {
		st = field_err(st, "NTOWFv2", "user name");
		goto done;
	}
	st = ntlm_text_utf8_to_utf16le(upper, &u16_user, &user_len);
	if (st != NTLM_OK) {
		st = field_err(st, "NTOWFv2", "user name");
		goto done;
	}
	st = ntlm_text_utf8_to_utf16le(domain, &u16_dom, &dom_len);
	if (st != NTLM_OK) {
		st = field_err(st, "NTOWFv2", "domain");
		goto done;
	}
	struct ntlm_iov v[2] = { { u16_user, user_len }, { u16_dom, dom_len } };
	ntlm_crypto_hmac_md5v(ntowfv1, 16, v, ARRAY_SIZE(v), mac);
	memcpy(out, mac, sizeof(mac));
done:
	ntlm_crypto_wipe(mac, sizeof(mac));
	ntlm_text_free_secret(u16_dom, dom_len);
	ntlm_text_free_secret(u16_user, user_len);
	free_str(upper);
	return st;
}
