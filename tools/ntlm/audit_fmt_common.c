/* SPDX-License-Identifier: MIT */
/*
 * `ntlm audit`: helpers the readers of the other log formats share
 * (audit_fmt.h). No I/O, no allocation.
 */
#include <stdio.h>
#include <string.h>

#include "audit_fmt.h"

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool fmt_is_record(const char *p, size_t n)
{
	static const char key[] = "\"event\"";
	size_t k = 1;
	if (n == 0 || p[0] != '{')
		return false;
	while (k < n && (p[k] == ' ' || p[k] == '\t'))
		k++;
	return n - k >= sizeof(key) - 1 && memcmp(p + k, key, sizeof(key) - 1) == 0;
}

/* why = inner, its "column N" moved by col0 columns. */
static void shift_column(const char *inner, size_t col0, char *why, size_t why_len)
{
	unsigned long c = 0;
	size_t k = 7;
	if (strncmp(inner, "column ", 7) == 0 && inner[k] >= '0' && inner[k] <= '9') {
		while (inner[k] >= '0' && inner[k] <= '9' && c < 100000000ul)
			c = c * 10 + (unsigned long)(inner[k++] - '0');
		snprintf(why, why_len, "column %lu%s", c + (unsigned long)col0, inner + k);
	} else {
		snprintf(why, why_len, "the record (from column %zu): %s", col0 + 1, inner);
	}
}

bool fmt_record(const char *p, size_t n, size_t col0, char *scratch, size_t scratch_len,
		struct aj_object *obj, struct obs *o, char *why, size_t why_len)
{
	char inner[200];

	if (audit_record_parse(p, n, scratch, scratch_len, obj, o, inner, sizeof(inner)))
		return true;
	shift_column(inner, col0, why, why_len);
	return false;
}

bool fmt_json(const char *p, size_t n, size_t col0, char *scratch, size_t scratch_len,
	      struct aj_object *obj, char *why, size_t why_len)
{
	char inner[200];

	if (aj_parse(p, n, scratch, scratch_len, obj, inner, sizeof(inner)))
		return true;
	shift_column(inner, col0, why, why_len);
	return false;
}

bool fmt_first_key(const char *p, size_t n, char *key, size_t key_len)
{
	size_t k = 1, j = 0;
	if (n == 0 || p[0] != '{')
		return false;
	while (k < n && blank(p[k]))
		k++;
	if (k >= n || p[k] != '"')
		return false;
	for (k++; k < n && p[k] != '"'; k++) {
		if (p[k] == '\\' || (unsigned char)p[k] < 0x20 || j + 1 >= key_len)
			return false;
		key[j++] = p[k];
	}
	if (k >= n)
		return false;
	key[j] = '\0';
	return true;
}

bool fmt_has_key(const char *p, size_t n, const char *key)
{
	size_t kl = strlen(key);
	for (const char *q = p; (q = memchr(q, '"', (size_t)(p + n - q))) != NULL; q++) {
		size_t left = (size_t)(p + n - q);
		if (left < kl + 3 || memcmp(q + 1, key, kl) != 0 || q[kl + 1] != '"')
			continue;
		size_t k = kl + 2;
		while (k < left && q[k] == ' ')
			k++;
		if (k < left && q[k] == ':')
			return true;
	}
	return false;
}

/* The end of the JSON value at p[k] (checked JSON: no error paths needed
 * beyond staying inside n). */
static size_t skip_value(const char *p, size_t n, size_t k)
{
	int depth = 0;
	do {
		if (k >= n)
			return n;
		char c = p[k];
		if (c == '"') {
			for (k++; k < n && p[k] != '"'; k++)
				if (p[k] == '\\')
					k++;
			k++;
		} else if (c == '{' || c == '[') {
			depth++;
			k++;
		} else if (c == '}' || c == ']') {
			depth--;
			k++;
		} else if (c == ',' || c == ':' || blank(c)) {
			k++;
		} else {
			while (k < n && !blank(p[k]) && p[k] != ',' && p[k] != '}' && p[k] != ']')
				k++;
		}
	} while (depth > 0);
	return k;
}

bool fmt_member_raw(const char *p, size_t n, const char *name, const char **v, size_t *vn)
{
	size_t nl = strlen(name), k = 0;
	while (k < n && blank(p[k]))
		k++;
	if (k >= n || p[k] != '{')
		return false;
	k++;
	while (k < n) {
		while (k < n && (blank(p[k]) || p[k] == ','))
			k++;
		if (k >= n || p[k] != '"')
			return false;
		size_t ks = k + 1;
		k = skip_value(p, n, k); /* the name */
		bool match = k - ks - 1 == nl && memcmp(p + ks, name, nl) == 0;
		while (k < n && (blank(p[k]) || p[k] == ':'))
			k++;
		size_t vs = k;
		k = skip_value(p, n, k);
		if (match) {
			*v = p + vs;
			*vn = k - vs;
			return true;
		}
	}
	return false;
}

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

bool fmt_utc(int64_t sec, uint32_t usec, char *out, size_t len)
{
	if (sec < 0 || sec > 253402300799ll || usec > 999999)
		return false;
	int64_t z = sec / 86400 + 719468, s = sec % 86400;
	int64_t era = z / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = (int64_t)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	unsigned d = doy - (153 * mp + 2) / 5 + 1;
	unsigned m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	int w = snprintf(out, len, "%04lld-%02u-%02uT%02u:%02u:%02u.%06uZ", (long long)y, m, d,
			 (unsigned)(s / 3600), (unsigned)(s / 60 % 60), (unsigned)(s % 60),
			 (unsigned)usec);
	return w > 0 && (size_t)w < len;
}

/* n digits at p as a number; false when one is not a digit. */
static bool digits(const char *p, size_t n, unsigned *v)
{
	*v = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		*v = *v * 10 + (unsigned)(p[i] - '0');
	}
	return true;
}

bool fmt_iso_to_utc(const char *p, size_t n, char *out, size_t len)
{
	unsigned y, mo, d, h, mi, s, us = 0, zh = 0, zm = 0;
	size_t k = 19;
	if (n < 20 || !digits(p, 4, &y) || p[4] != '-' || !digits(p + 5, 2, &mo) || p[7] != '-' ||
	    !digits(p + 8, 2, &d) || (p[10] != 'T' && p[10] != ' ') || !digits(p + 11, 2, &h) ||
	    p[13] != ':' || !digits(p + 14, 2, &mi) || p[16] != ':' || !digits(p + 17, 2, &s))
		return false;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
		return false;
	if (p[k] == '.' || p[k] == ',') {
		unsigned scale = 100000;
		for (k++; k < n && p[k] >= '0' && p[k] <= '9'; k++) {
			us += (unsigned)(p[k] - '0') * scale;
			scale /= 10;
		}
	}
	int sign = 0;
	if (k < n && p[k] == 'Z') {
		k++;
	} else if (k < n && (p[k] == '+' || p[k] == '-')) {
		sign = p[k] == '-' ? -1 : 1;
		if (n - k < 5 || !digits(p + k + 1, 2, &zh))
			return false;
		k += 3;
		if (p[k] == ':')
			k++;
		if (n - k < 2 || !digits(p + k, 2, &zm) || zh > 23 || zm > 59)
			return false;
		k += 2;
	} else {
		return false;
	}
	if (k != n)
		return false;
	int64_t t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + (s > 59 ? 59 : s);
	t -= sign * (int64_t)(zh * 3600 + zm * 60);
	return fmt_utc(t, us, out, len);
}

const struct aj_member *fmt_get(const struct aj_object *o, const char *key, enum aj_type t,
				bool *bad)
{
	const struct aj_member *m = aj_get(o, key);
	if (!m || m->type == AJ_NULL)
		return NULL;
	if (m->type != t && !(t == AJ_NUMBER && m->type == AJ_INT)) {
		*bad = true;
		return NULL;
	}
	return m;
}
