/* SPDX-License-Identifier: MIT */
/* Shared by the tests/vectors/test_vectors_*.c programs (header-only, so the
 * CMake glob over test_*.c needs no change). */
#ifndef NTLM_VECUTIL_H
#define NTLM_VECUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "testutil.h"

#ifndef NTLM_VECTOR_DIR
#error "NTLM_VECTOR_DIR must name tests/vectors"
#endif

static inline struct t_vec *vec_load(const char *file)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", NTLM_VECTOR_DIR, file);
	return t_vec_load(path);
}

/* Asserts that n bytes at p equal the vector `name` (same length too). */
#define assert_vec(v, name, p, n) vec_assert((v), (name), (p), (n), __FILE__, __LINE__)
static inline void vec_assert(const struct t_vec *v, const char *name, const uint8_t *p, size_t n,
			      const char *file, int line)
{
	size_t len;
	uint8_t *want = t_vec_bytes(v, name, &len);
	if (len != n || memcmp(p, want, n) != 0)
		fprintf(stderr, "%s:%d: vector \"%s\" (%zu bytes) differs\n", file, line, name,
			len);
	if (len != n)
		fail_msg("%s:%d: %s: length %zu, want %zu", file, line, name, n, len);
	t_assert_bytes(p, want, n, file, line);
	free(want);
}

/* A flags row ("e2888235", written as the number) as a uint32_t. */
static inline uint32_t vec_flags(const struct t_vec *v, const char *name)
{
	return (uint32_t)strtoul(t_vec_str(v, name), NULL, 16);
}

static inline uint16_t vec_rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t vec_rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The payload of the security buffer whose 8-byte fields are at `at` in
 * msg, with plain byte reads and a bounds check. */
static inline struct ntlm_slice vec_secbuf(const uint8_t *msg, size_t len, size_t at)
{
	struct ntlm_slice s = { NULL, 0 };
	assert_true(at + 8 <= len);
	size_t n = vec_rd16(msg + at), off = vec_rd32(msg + at + 4);
	assert_true(off <= len && len - off >= n);
	s.p = msg + off;
	s.len = n;
	return s;
}

#endif
