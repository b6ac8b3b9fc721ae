/* SPDX-License-Identifier: MIT */
/* bytes: bounded writer with reservations. See bytes.h. */
#include <string.h>

#include "bytes/bytes.h"

void ntlm_wr_init(struct ntlm_wr *w, uint8_t *buf, size_t cap)
{
	w->p = buf;
	w->cap = buf ? cap : 0;
	w->len = 0;
	w->err = NTLM_OK;
}

ntlm_status ntlm_wr_status(const struct ntlm_wr *w)
{
	return w->err;
}

/* Returns where n bytes may be written, or NULL (and sets the sticky error). */
static uint8_t *room(struct ntlm_wr *w, size_t n)
{
	if (w->err != NTLM_OK)
		return NULL;
	if (w->cap - w->len < n) {
		w->err = ntlm_err(NTLM_E_BUFFER_TOO_SMALL,
				  "writer: %zu more bytes do not fit (%zu of %zu used)", n, w->len,
				  w->cap);
		return NULL;
	}
	uint8_t *at = w->p + w->len;
	w->len += n;
	return at;
}

static void put_le(uint8_t *at, uint64_t v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		at[i] = (uint8_t)(v >> (8 * i));
}

void ntlm_wr_u8(struct ntlm_wr *w, uint8_t v)
{
	uint8_t *at = room(w, 1);
	if (at)
		*at = v;
}

void ntlm_wr_u16le(struct ntlm_wr *w, uint16_t v)
{
	uint8_t *at = room(w, 2);
	if (at)
		put_le(at, v, 2);
}

void ntlm_wr_u32le(struct ntlm_wr *w, uint32_t v)
{
	uint8_t *at = room(w, 4);
	if (at)
		put_le(at, v, 4);
}

void ntlm_wr_u64le(struct ntlm_wr *w, uint64_t v)
{
	uint8_t *at = room(w, 8);
	if (at)
		put_le(at, v, 8);
}

void ntlm_wr_bytes(struct ntlm_wr *w, const void *p, size_t n)
{
	uint8_t *at = room(w, n);
	if (at && n)
		memcpy(at, p, n);
}

void ntlm_wr_zeros(struct ntlm_wr *w, size_t n)
{
	uint8_t *at = room(w, n);
	if (at && n)
		memset(at, 0, n);
}

size_t ntlm_wr_reserve(struct ntlm_wr *w, size_t n)
{
	size_t at = w->len;
	ntlm_wr_zeros(w, n);
	return at;
}

static uint8_t *patch_at(struct ntlm_wr *w, size_t at, size_t n)
{
	if (w->err != NTLM_OK)
		return NULL;
	if (at > w->len || w->len - at < n) {
		w->err = ntlm_err(NTLM_E_INTERNAL, "writer: patch of %zu bytes at %zu outside %zu",
				  n, at, w->len);
		return NULL;
	}
	return w->p + at;
}

void ntlm_wr_patch_u16le(struct ntlm_wr *w, size_t at, uint16_t v)
{
	uint8_t *p = patch_at(w, at, 2);
	if (p)
		put_le(p, v, 2);
}

void ntlm_wr_patch_u32le(struct ntlm_wr *w, size_t at, uint32_t v)
{
	uint8_t *p = patch_at(w, at, 4);
	if (p)
		put_le(p, v, 4);
}

void ntlm_wr_patch_bytes(struct ntlm_wr *w, size_t at, const void *src, size_t n)
{
	uint8_t *p = patch_at(w, at, n);
	if (p && n)
		memcpy(p, src, n);
}

void ntlm_wr_secbuf_reserve(struct ntlm_wr *w, struct ntlm_wr_secbuf *sb)
{
	sb->at = ntlm_wr_reserve(w, 8);
}

void ntlm_wr_secbuf_put(struct ntlm_wr *w, const struct ntlm_wr_secbuf *sb, const void *p, size_t n)
{
	size_t off = w->len;
	if (w->err != NTLM_OK)
		return;
	if (n > UINT16_MAX || off > UINT32_MAX) {
		w->err = ntlm_err(NTLM_E_BUFFER_TOO_SMALL,
				  "writer: %zu-byte field does not fit a security buffer", n);
		return;
	}
	ntlm_wr_bytes(w, p, n);
	ntlm_wr_patch_u16le(w, sb->at, (uint16_t)n);
	ntlm_wr_patch_u16le(w, sb->at + 2, (uint16_t)n);
	ntlm_wr_patch_u32le(w, sb->at + 4, (uint32_t)off);
}
