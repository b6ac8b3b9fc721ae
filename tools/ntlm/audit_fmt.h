/* SPDX-License-Identifier: MIT */
/*
 * `ntlm audit`: what the readers of the other formats share
 * (audit_fmt_common.c): finding our record inside another log's line,
 * the top-level members of an already checked JSON object, UTC times.
 */
#ifndef NTLM_AUDIT_FMT_H
#define NTLM_AUDIT_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audit_input.h"

/* p[0..n) starts with one of our records: '{', spaces, "event". */
bool fmt_is_record(const char *p, size_t n);

/* Our record p[0..n) (a message inside another log's line, starting at
 * byte col0 of that line) into *o; strings in scratch. On a refusal, why
 * says what, with columns counted in the whole line. */
bool fmt_record(const char *p, size_t n, size_t col0, char *scratch, size_t scratch_len,
		struct aj_object *obj, struct obs *o, char *why, size_t why_len);

/* aj_parse() of p[0..n), which starts at byte col0 of the line (columns
 * in why counted in the whole line). */
bool fmt_json(const char *p, size_t n, size_t col0, char *scratch, size_t scratch_len,
	      struct aj_object *obj, char *why, size_t why_len);

/* The first member's name of the JSON object that p[0..n) starts with
 * ('{', blanks, a plain string): copied to key (NUL-terminated); false when
 * p does not start that way or the name does not fit. */
bool fmt_first_key(const char *p, size_t n, char *key, size_t key_len);

/* "key" followed by a colon somewhere in p[0..n) (a first line's member,
 * found without parsing it). */
bool fmt_has_key(const char *p, size_t n, const char *key);

/* In p[0..n), a JSON object that aj_parse() accepted: the raw text of the
 * top-level member named name (written without escapes), *v and *vn. */
bool fmt_member_raw(const char *p, size_t n, const char *name, const char **v, size_t *vn);

/* Seconds since 1970 (and microseconds) as "YYYY-MM-DDThh:mm:ss.ffffffZ";
 * false for a time before 1970 or after 9999. */
bool fmt_utc(int64_t sec, uint32_t usec, char *out, size_t len);

/* A date and time "YYYY-MM-DD[T ]hh:mm:ss[.frac](Z|+hh[:]mm|-hh[:]mm)" in
 * p[0..n) (the whole of it) as UTC into out; false when it is not one. */
bool fmt_iso_to_utc(const char *p, size_t n, char *out, size_t len);

/* Member lookup that insists on a type: NULL when absent or null; *bad set
 * when present with another type. */
const struct aj_member *fmt_get(const struct aj_object *o, const char *key, enum aj_type t,
				bool *bad);

#endif
