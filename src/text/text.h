/* SPDX-License-Identifier: MIT */
/*
 * text: string conversions, through libunistring (UTF-8 <-> UTF-16, full
 * Unicode case mapping) and iconv (the OEM code page). Below wire and auth,
 * beside bytes; no protocol knowledge.
 *
 * Outputs are malloc'd. Outputs that may hold secrets (passwords) must be
 * released with ntlm_text_free_secret(), which wipes them first; the
 * conversions themselves keep every intermediate copy in wiped buffers.
 *
 * Also the one text buffer and the one escaper of untrusted strings
 * (struct ntlm_buf, ntlm_buf_escape: public, include/ntlmssp/unstable.h;
 * text/buf.c), used by every renderer.
 */
#ifndef NTLM_TEXT_H
#define NTLM_TEXT_H

#include "internal.h"
#include "ntlmssp/unstable.h"

/* The OEM code page used when NTLM_NEGOTIATE_OEM is negotiated. */
#define NTLM_TEXT_OEM_CHARSET "CP850"

/* UTF-8 (NUL-terminated) -> UTF-16LE bytes (no terminator). Invalid UTF-8 ->
 * NTLM_E_BAD_STRING. */
NTLM_RESULT ntlm_text_utf8_to_utf16le(const char *s, uint8_t **out, size_t *out_len);

/* Checks UTF-16LE bytes: odd length -> NTLM_E_UTF16_ODD_LENGTH, unpaired
 * surrogate -> NTLM_E_UTF16_INVALID; `what` names the field. */
NTLM_RESULT ntlm_text_utf16le_check(const uint8_t *p, size_t len, const char *what);

/* UTF-16LE bytes -> UTF-8, NUL-terminated; the same errors as _check. */
NTLM_RESULT ntlm_text_utf16le_to_utf8(const uint8_t *p, size_t len, char **out, const char *what);

/* Upper-cases UTF-8 with full Unicode case mapping (e.g. U+00DF -> "SS"). */
NTLM_RESULT ntlm_text_upper(const char *s, char **out);

/* UTF-8 <-> the OEM code page. A character with no OEM form ->
 * NTLM_E_UNREPRESENTABLE. */
NTLM_RESULT ntlm_text_utf8_to_oem(const char *s, uint8_t **out, size_t *out_len);
NTLM_RESULT ntlm_text_oem_to_utf8(const uint8_t *p, size_t len, char **out);

/* The length of the well-formed UTF-8 sequence at s (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), 0 if there is none; *cp
 * gets its code point. */
size_t ntlm_text_utf8_seq(const unsigned char *s, size_t n, uint32_t *cp);

/* Wipes then frees a conversion output. */
void ntlm_text_free_secret(void *p, size_t len);

#endif
