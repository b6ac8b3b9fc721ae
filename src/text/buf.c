/* SPDX-License-Identifier: MIT */
/*
 * text/buf.c: the one text buffer (struct ntlm_buf, include/ntlmssp/unstable.h)
 * and the one escaper for strings that came from a peer or a file.
 *
 * A buffer is growable (zeroed: heap, grows to NTLM_BUF_MAX) or fixed (the
 * caller's storage, ntlm_buf_fixed). Its error is sticky: the first write
 * that fails (NTLM_E_NOMEM, NTLM_E_BUFFER_TOO_SMALL) sets b->err and every
 * later write does nothing, so a renderer checks once at the end. It never
 * touches the thread's error detail: the caller that returns the status
 * says what it was rendering.
 *
 * The escaper (ntlm_buf_escape) reads bytes as UTF-8 (RFC 3629: no
 * overlongs, no surrogates, nothing above U+10FFFF) and escapes everything
 * that can forge a line, a field or what a terminal shows:
 *   - '\' always, '"' in JSON;
 *   - C0 controls (U+0000..U+001F, an embedded NUL included), DEL, C1
 *     controls (U+0080..U+009F);
 *   - U+2028 / U+2029 (line and paragraph separators: line breaks for
 *     JavaScript and some log viewers);
 *   - the bidirectional controls U+061C, U+200E, U+200F, U+202A..U+202E,
 *     U+2066..U+2069 (they reorder what is displayed: "Trojan Source").
 * In JSON each becomes \uXXXX and each byte that is not part of valid UTF-8
 * becomes \ufffd (replaced: JSON text must be UTF-8). In TEXT an ASCII
 * control or an invalid byte becomes \xNN (the byte, shown) and the others
 * \uXXXX. Everything else is copied as it is.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>

#include "text/text.h"

static void fail(struct ntlm_buf *b, ntlm_status st)
{
	if (b->err == NTLM_OK)
		b->err = st;
}

void ntlm_buf_fixed(struct ntlm_buf *b, char *storage, size_t size)
{
	memset(b, 0, sizeof(*b));
	b->fixed = true;
	b->p = storage;
	if (!storage || size == 0) {
		b->p = NULL;
		b->err = NTLM_E_BUFFER_TOO_SMALL;
		return;
	}
	b->cap = size - 1;
	b->p[0] = '\0';
}

/* Room for n more bytes (and the NUL), or false with b->err set. */
static bool reserve(struct ntlm_buf *b, size_t n)
{
	size_t max = b->fixed ? b->cap : b->max ? b->max : NTLM_BUF_MAX;

	if (b->err != NTLM_OK)
		return false;
	if (n > max || b->len > max - n) {
		fail(b, NTLM_E_BUFFER_TOO_SMALL);
		return false;
	}
	if (n <= b->cap - b->len)
		return true;
	size_t cap = b->cap ? b->cap : max < 256 ? max : 256;
	while (cap - b->len < n)
		cap = cap > max / 2 ? max : cap * 2;
	char *p = realloc(b->p, cap + 1);
	if (!p) {
		fail(b, NTLM_E_NOMEM);
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

void ntlm_buf_put(struct ntlm_buf *b, const char *s, size_t n)
{
	if (n == 0 || !reserve(b, n))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void ntlm_buf_puts(struct ntlm_buf *b, const char *s)
{
	ntlm_buf_put(b, s, strlen(s));
}

void ntlm_buf_printf(struct ntlm_buf *b, const char *fmt, ...)
{
	char small[128];
	va_list ap;

	if (b->err != NTLM_OK)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		fail(b, NTLM_E_INTERNAL);
		return;
	}
	if ((size_t)n < sizeof(small)) {
		ntlm_buf_put(b, small, (size_t)n);
		return;
	}
	if (!reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

char *ntlm_buf_take(struct ntlm_buf *b)
{
	char *p = NULL;

	if (b->fixed)
		return NULL;
	if (b->err == NTLM_OK) {
		p = b->p ? b->p : strdup("");
		b->p = NULL;
	}
	ntlm_buf_free(b);
	return p;
}

void ntlm_buf_free(struct ntlm_buf *b)
{
	if (!b->fixed)
		free(b->p);
	memset(b, 0, sizeof(*b));
}

size_t ntlm_text_utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
	ucs4_t uc;
	int len = n ? u8_mbtoucr(&uc, s, n) : 0;

	if (len <= 0)
		return 0; /* -1 invalid, -2 cut short */
	*cp = uc;
	return (size_t)len;
}

/* Code points that must not reach a log line or a terminal as they are. */
static bool dangerous(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 ||
	       cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

void ntlm_buf_escape(struct ntlm_buf *b, const char *s, size_t n, unsigned mode)
{
	const unsigned char *p = (const unsigned char *)s;
	bool json = mode == NTLM_ESCAPE_JSON;
	size_t run = 0, i = 0;

	if (n && !s) {
		fail(b, NTLM_E_INVALID_ARGUMENT);
		return;
	}
	while (i < n) {
		uint32_t cp = 0;
		size_t len = ntlm_text_utf8_seq(p + i, n - i, &cp);
		if (len && !dangerous(cp) && cp != '\\' && !(json && cp == '"')) {
			i += len;
			continue;
		}
		ntlm_buf_put(b, s + run, i - run);
		if (len == 0) {
			if (json)
				ntlm_buf_puts(b, "\\ufffd");
			else
				ntlm_buf_printf(b, "\\x%02x", (unsigned)p[i]);
			len = 1;
		} else if (cp == '\\' || cp == '"') {
			char e[2] = { '\\', (char)cp };
			ntlm_buf_put(b, e, 2);
		} else if (json || cp >= 0x80) {
			ntlm_buf_printf(b, "\\u%04x", (unsigned)cp);
		} else {
			ntlm_buf_printf(b, "\\x%02x", (unsigned)cp);
		}
		i += len;
		run = i;
	}
	ntlm_buf_put(b, s + run, n - run);
}

void ntlm_buf_json(struct ntlm_buf *b, const char *s)
{
	ntlm_buf_put(b, "\"", 1);
	if (s)
		ntlm_buf_escape(b, s, strlen(s), NTLM_ESCAPE_JSON);
	ntlm_buf_put(b, "\"", 1);
}
