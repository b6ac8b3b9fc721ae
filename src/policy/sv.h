/* SPDX-License-Identifier: MIT */
/*
 * policy: string views, the leaf of the package. A struct sv borrows a run of
 * bytes with an explicit length (never NUL-terminated), so the loaders read
 * hostile files without assuming a terminator anywhere. The small helpers
 * are static inline (no symbols); ntlm_policy_sv_quote is the one out of line.
 */
#ifndef NTLM_POLICY_SV_H
#define NTLM_POLICY_SV_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* A borrowed run of bytes (not NUL-terminated). */
struct sv {
	const char *p;
	size_t n;
};

static inline char sv_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static inline bool sv_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* A view of a C string (NULL = ""). */
static inline struct sv sv_of(const char *s)
{
	struct sv r = { s ? s : "", s ? strlen(s) : 0 };
	return r;
}

/* Without leading and trailing blanks (space, tab, CR, VT, FF). */
static inline struct sv sv_trim(struct sv s)
{
	while (s.n && sv_is_space(s.p[0])) {
		s.p++;
		s.n--;
	}
	while (s.n && sv_is_space(s.p[s.n - 1]))
		s.n--;
	return s;
}

/* ASCII case-insensitive equality. */
static inline bool sv_eq_sv_ci(struct sv a, struct sv b)
{
	if (a.n != b.n)
		return false;
	for (size_t i = 0; i < a.n; i++)
		if (sv_lower(a.p[i]) != sv_lower(b.p[i]))
			return false;
	return true;
}

static inline bool sv_eq_ci(struct sv a, const char *b)
{
	return sv_eq_sv_ci(a, sv_of(b));
}

static inline bool sv_starts_ci(struct sv s, const char *prefix)
{
	size_t n = strlen(prefix);
	struct sv head = { s.p, n };

	return s.n >= n && sv_eq_ci(head, prefix);
}

/* Splits at the first `c`: *left = before, *right = after; false if absent. */
static inline bool sv_split(struct sv s, char c, struct sv *left, struct sv *right)
{
	const char *hit = s.n ? memchr(s.p, c, s.n) : NULL;

	if (!hit)
		return false;
	left->p = s.p;
	left->n = (size_t)(hit - s.p);
	right->p = hit + 1;
	right->n = s.n - left->n - 1;
	return true;
}

/* Copies s into buf (NUL-terminated) with non-printable bytes as \xNN and
 * '\' as "\\", cut with "..." when it does not fit. For messages. */
const char *ntlm_policy_sv_quote(struct sv s, char *buf, size_t len);
#define SV_QUOTE_LEN 100

#endif
