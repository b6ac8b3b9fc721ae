/* SPDX-License-Identifier: MIT */
/*
 * bytes: the one bounded reader and the one bounded writer.
 *
 * Every byte that comes from outside goes through struct ntlm_rd; every
 * message we emit is built in a struct ntlm_wr over a caller-owned
 * fixed-capacity buffer. Neither allocates.
 */
#ifndef NTLM_BYTES_H
#define NTLM_BYTES_H

#include "internal.h"

/* ---- reader ---------------------------------------------------------- */

struct ntlm_rd {
	const uint8_t *base; /* borrowed: the whole message */
	size_t len;	     /* bytes in base */
	size_t pos;	     /* next byte to read */
};

void ntlm_rd_init(struct ntlm_rd *r, const uint8_t *p, size_t len);
size_t ntlm_rd_left(const struct ntlm_rd *r);

/* Each returns NTLM_E_TRUNCATED (naming `what`) if too few bytes remain. */
NTLM_RESULT ntlm_rd_u8(struct ntlm_rd *r, uint8_t *v, const char *what);
NTLM_RESULT ntlm_rd_u16le(struct ntlm_rd *r, uint16_t *v, const char *what);
NTLM_RESULT ntlm_rd_u32le(struct ntlm_rd *r, uint32_t *v, const char *what);
NTLM_RESULT ntlm_rd_u64le(struct ntlm_rd *r, uint64_t *v, const char *what);
NTLM_RESULT ntlm_rd_bytes(struct ntlm_rd *r, void *out, size_t n, const char *what);
NTLM_RESULT ntlm_rd_skip(struct ntlm_rd *r, size_t n, const char *what);
/* Borrows the next n bytes as a slice. */
NTLM_RESULT ntlm_rd_sub(struct ntlm_rd *r, size_t n, struct ntlm_slice *out, const char *what);

/* A resolved security buffer (MS-NLMP 2.2: Len, MaxLen, BufferOffset). */
struct ntlm_secbuf {
	struct ntlm_slice data; /* borrowed view inside the message */
	uint32_t offset;	/* as sent */
	uint16_t maxlen;	/* as sent; ignored, as Windows does */
};

/*
 * THE one place that resolves a security buffer. Reads the 8-byte fields
 * at the reader's position and checks, without overflow, that a non-empty
 * buffer lies inside [header_end, message end):
 *   offset + len wraps 32 bits      -> NTLM_E_BUFFER_OVERFLOW
 *   offset < header_end             -> NTLM_E_BUFFER_OVERLAPS_HEADER
 *   offset + len > message length   -> NTLM_E_BUFFER_OUT_OF_BOUNDS
 * An empty buffer (len 0) is accepted whatever its offset. `field` names the
 * field in the error message.
 */
NTLM_RESULT ntlm_rd_secbuf(struct ntlm_rd *r, size_t header_end, struct ntlm_secbuf *out,
			   const char *field);

/* ---- writer ---------------------------------------------------------- */

struct ntlm_wr {
	uint8_t *p; /* borrowed: caller's buffer */
	size_t cap;
	size_t len;
	ntlm_status err; /* sticky: first failure; later writes are no-ops */
};

void ntlm_wr_init(struct ntlm_wr *w, uint8_t *buf, size_t cap);
/* NTLM_OK, or the first error any write hit (NTLM_E_BUFFER_TOO_SMALL). */
NTLM_RESULT ntlm_wr_status(const struct ntlm_wr *w);

void ntlm_wr_u8(struct ntlm_wr *w, uint8_t v);
void ntlm_wr_u16le(struct ntlm_wr *w, uint16_t v);
void ntlm_wr_u32le(struct ntlm_wr *w, uint32_t v);
void ntlm_wr_u64le(struct ntlm_wr *w, uint64_t v);
void ntlm_wr_bytes(struct ntlm_wr *w, const void *p, size_t n);
void ntlm_wr_zeros(struct ntlm_wr *w, size_t n);

/* Reserves n bytes now (zero-filled); returns their position for ntlm_wr_patch_*. */
size_t ntlm_wr_reserve(struct ntlm_wr *w, size_t n);
void ntlm_wr_patch_u16le(struct ntlm_wr *w, size_t at, uint16_t v);
void ntlm_wr_patch_u32le(struct ntlm_wr *w, size_t at, uint32_t v);
void ntlm_wr_patch_bytes(struct ntlm_wr *w, size_t at, const void *p, size_t n);

/*
 * Security buffers: reserve the 8-byte fields in the fixed header, then,
 * once the header is complete, append each payload with ntlm_wr_secbuf_put,
 * which fills Len/MaxLen/Offset in. ntlm_wr_secbuf_zero leaves all-zero
 * fields (an absent field, e.g. TargetInfo without NEGOTIATE_TARGET_INFO).
 */
struct ntlm_wr_secbuf {
	size_t at; /* position of the fields in the writer */
};
void ntlm_wr_secbuf_reserve(struct ntlm_wr *w, struct ntlm_wr_secbuf *sb);
void ntlm_wr_secbuf_put(struct ntlm_wr *w, const struct ntlm_wr_secbuf *sb, const void *p,
			size_t n);

#endif
