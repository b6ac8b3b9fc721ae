/* SPDX-License-Identifier: MIT */
/* Test-only helpers: hex, vector files, cmocka byte assertions. */
#ifndef NTLM_TESTUTIL_H
#define NTLM_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/* Decodes hex (whitespace ignored) into a malloc'd buffer; aborts the test on
 * bad hex. *len gets the byte count. */
uint8_t *t_hex(const char *hex, size_t *len);
/* Decodes hex that must be exactly n bytes into out. */
void t_hex_n(const char *hex, uint8_t *out, size_t n);
/* Lowercase hex of bytes (static buffer, up to 4 KiB of input). */
const char *t_tohex(const uint8_t *p, size_t n);

/* Asserts equal bytes, printing both in hex when they differ. */
#define assert_bytes_equal(a, b, n) t_assert_bytes((a), (b), (n), __FILE__, __LINE__)
void t_assert_bytes(const uint8_t *a, const uint8_t *b, size_t n, const char *file, int line);
/* Asserts bytes equal the given hex (exact length). */
#define assert_hex_equal(p, n, hex) t_assert_hex((p), (n), (hex), __FILE__, __LINE__)
void t_assert_hex(const uint8_t *p, size_t n, const char *hex, const char *file, int line);

/*
 * Vector files (tests/vectors, *.vec): `name = hex` lines; a value may
 * continue on following lines that start with whitespace; `#` comments.
 * Values that are not hex are kept as text (t_vec_str).
 */
struct t_vec;
struct t_vec *t_vec_load(const char *path);
void t_vec_free(struct t_vec *v);
/* Hex value as bytes (malloc'd; aborts the test if missing). */
uint8_t *t_vec_bytes(const struct t_vec *v, const char *name, size_t *len);
/* Exactly n bytes into out (aborts if missing or a different length). */
void t_vec_get(const struct t_vec *v, const char *name, uint8_t *out, size_t n);
/* Raw text of a value (aborts if missing). */
const char *t_vec_str(const struct t_vec *v, const char *name);
int t_vec_has(const struct t_vec *v, const char *name);

/* A fresh directory $TMPDIR/ntlm-TAG-XXXXXX (or under /tmp) into dir;
 * 0, or -1 when it cannot be made (a cmocka setup then fails). */
int t_mkdtemp(char *dir, size_t cap, const char *tag);
/* Writes len bytes to path (created or truncated); aborts the test on error. */
void t_write_file(const char *path, const void *data, size_t len);

#endif
