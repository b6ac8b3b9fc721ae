/* SPDX-License-Identifier: MIT */
/* bytes: bounded reader. See bytes.h. */
#include <string.h>

#include "bytes/bytes.h"

void ntlm_rd_init(struct ntlm_rd *r, const uint8_t *p, size_t len)
{
	r->base = p;
	r->len = p ? len : 0;
	r->pos = 0;
}

size_t ntlm_rd_left(const struct ntlm_rd *r)
{
	return r->len - r->pos;
}

static ntlm_status need(const struct ntlm_rd *r, size_t n, const char *what)
{
	if (ntlm_rd_left(r) < n)
		return ntlm_err(NTLM_E_TRUNCATED, "%s: need %zu bytes at offset %zu, %zu left",
				what, n, r->pos, ntlm_rd_left(r));
	return NTLM_OK;
}

ntlm_status ntlm_rd_u8(struct ntlm_rd *r, uint8_t *v, const char *what)
{
	NTLM_TRY(need(r, 1, what));
	*v = r->base[r->pos++];
	return NTLM_OK;
}

ntlm_status ntlm_rd_u16le(struct ntlm_rd *r, uint16_t *v, const char *what)
{
	NTLM_TRY(need(r, 2, what));
	const uint8_t *p = r->base + r->pos;
	*v = (uint16_t)(p[0] | (p[1] << 8));
	r->pos += 2;
	return NTLM_OK;
}

ntlm_status ntlm_rd_u32le(struct ntlm_rd *r, uint32_t *v, const char *what)
{
	NTLM_TRY(need(r, 4, what));
	const uint8_t *p = r->base + r->pos;
	*v = (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	     ((uint32_t)p[3] << 24);
	r->pos += 4;
	return NTLM_OK;
}

ntlm_status ntlm_rd_u64le(struct ntlm_rd *r, uint64_t *v, const char *what)
{
	uint32_t lo, hi;
	NTLM_TRY(need(r, 8, what));
	NTLM_TRY(ntlm_rd_u32le(r, &lo, what));
	NTLM_TRY(ntlm_rd_u32le(r, &hi, what));
	*v = ((uint64_t)hi << 32) | lo;
	return NTLM_OK;
}

ntlm_status ntlm_rd_bytes(struct ntlm_rd *r, void *out, size_t n, const char *what)
{
	NTLM_TRY(need(r, n, what));
	if (n)
		memcpy(out, r->base + r->pos, n);
	r->pos += n;
	return NTLM_OK;
}

ntlm_status ntlm_rd_skip(struct ntlm_rd *r, size_t n, const char *what)
{
	NTLM_TRY(need(r, n, what));
	r->pos += n;
	return NTLM_OK;
}

ntlm_status ntlm_rd_sub(struct ntlm_rd *r, size_t n, struct ntlm_slice *out, const char *what)
{
	NTLM_TRY(need(r, n, what));
	out->p = n ? r->base + r->pos : NULL;
	out->len = n;
	r->pos += n;
	return NTLM_OK;
}

ntlm_status ntlm_rd_secbuf(struct ntlm_rd *r, size_t header_end, struct ntlm_secbuf *out,
			   const char *field)
{
	uint16_t len, maxlen;
	uint32_t off;

	NTLM_TRY(need(r, 8, field));
	NTLM_TRY(ntlm_rd_u16le(r, &len, field));
	NTLM_TRY(ntlm_rd_u16le(r, &maxlen, field));
	NTLM_TRY(ntlm_rd_u32le(r, &off, field));

	out->offset = off;
	out->maxlen = maxlen;
	out->data.p = NULL;
	out->data.len = 0;
	if (len == 0)
		return NTLM_OK;
	/* In 64 bits nothing below can wrap; the 32-bit wrap is what a
	 * peer with 32-bit arithmetic would get wrong, so name it. */
	if ((uint64_t)off + len > UINT32_MAX)
		return ntlm_err(NTLM_E_BUFFER_OVERFLOW, "%s: offset %u + length %u overflows",
				field, off, len);
	if (off < header_end)
		return ntlm_err(NTLM_E_BUFFER_OVERLAPS_HEADER,
				"%s: offset %u is inside the %zu-byte fixed header", field, off,
				header_end);
	if (off > r->len || r->len - off < len)
		return ntlm_err(NTLM_E_BUFFER_OUT_OF_BOUNDS,
				"%s: bytes %u..%u lie past the %zu-byte message", field, off,
				off + len, r->len);
	out->data.p = r->base + off;
	out->data.len = len;
	return NTLM_OK;
}
