/* SPDX-License-Identifier: MIT */
/*
 * A small strict JSON reader for one line of a JSON Lines file (`ntlm
 * audit`): the line must be one object (RFC 8259, strict: no comments, no
 * trailing commas, no bytes after it but spaces); its top-level members are
 * kept, strings unescaped into the caller's scratch buffer; nested arrays
 * and objects are checked and skipped, no deeper than AJ_MAX_DEPTH. Strings
 * must be valid UTF-8 (no overlong forms, no surrogates), without raw
 * control characters; \u escapes must pair their surrogates. No allocation.
 */
#ifndef NTLM_AUDIT_JSON_H
#define NTLM_AUDIT_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AJ_MAX_DEPTH 32	  /* nesting of arrays / objects */
#define AJ_MAX_MEMBERS 96 /* top-level members kept */

enum aj_type { AJ_NULL = 0, AJ_BOOL, AJ_INT, AJ_NUMBER, AJ_STRING, AJ_ARRAY, AJ_OBJECT };

struct aj_member {
	const char *key; /* NUL-terminated, in scratch */
	size_t klen;
	uint32_t khash; /* aj_key_hash(key, klen) */
	enum aj_type type;
	const char *str; /* AJ_STRING: NUL-terminated in scratch (may hold a NUL: len) */
	size_t len;
	bool nul;  /* AJ_STRING: it holds a NUL (written \u0000) */
	int64_t i; /* AJ_INT (an integer that fits) */
	bool b;	   /* AJ_BOOL */
};

struct aj_object {
	size_t n;
	struct aj_member m[AJ_MAX_MEMBERS];
};

/*
 * Parses p[0..n) as one object. scratch must hold at least n + 1 bytes.
 * On error returns false with a message in err ("column 17: ...").
 */
bool aj_parse(const char *p, size_t n, char *scratch, size_t scratch_len, struct aj_object *o,
	      char *err, size_t err_len);

/* The first member named key, or NULL. */
const struct aj_member *aj_get(const struct aj_object *o, const char *key);
/* The hash of a member name, as aj_parse stores it in khash. */
uint32_t aj_key_hash(const char *key, size_t klen);
/* What aj_index needs to know of its keys, built at its first call (a
 * zeroed struct: not built yet; one per keys array). */
struct aj_hint {
	bool ready;
	uint32_t hash[64];
	size_t len[64];
	unsigned char slot[128]; /* open addressing on hash: 1 + the key's index, 0 empty */
};
/* out[k] = the first member named keys[k] (or NULL), for up to 64 keys, in
 * one pass over the members (each looked up by its name's hash). */
void aj_index(const struct aj_object *o, const char *const *keys, size_t n_keys,
	      const struct aj_member **out, struct aj_hint *h);

#endif
