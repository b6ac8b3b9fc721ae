/* SPDX-License-Identifier: MIT */
/*
 * The strict one-line JSON reader of `ntlm audit` (audit_json.h). One pass,
 * no allocation: keys and strings are unescaped into the caller's scratch
 * buffer, which is as long as the line, since unescaping never lengthens.
 */
#include <stdio.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "audit_json.h"

struct rd {
	const unsigned char *p, *end, *start;
	char *out, *out_end;
	char *err;
	size_t err_len;
	bool nul; /* a \u0000 was unescaped */
};

static bool fail(struct rd *r, const char *msg)
{
	if (r->err_len)
		snprintf(r->err, r->err_len, "column %zu: %s", (size_t)(r->p - r->start) + 1, msg);
	return false;
}

static void ws(struct rd *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\r' || *r->p == '\n'))
		r->p++;
}

static bool lit(struct rd *r, const char *w, size_t n)
{
	if ((size_t)(r->end - r->p) < n)
		return fail(r, "not a JSON value");
	for (size_t i = 1; i < n; i++) /* w[0] is where we came from */
		if (r->p[i] != (unsigned char)w[i])
			return fail(r, "not a JSON value");
	r->p += n;
	return true;
}

static int hex4(const unsigned char *p)
{
	int v = 0;
	for (int i = 0; i < 4; i++) {
		int c = p[i], d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		v = v * 16 + d;
	}
	return v;
}

static void put_cp(struct rd *r, unsigned cp)
{
	char *o = r->out;
	if (cp < 0x80) {
		*o++ = (char)cp;
	} else if (cp < 0x800) {
		*o++ = (char)(0xC0 | (cp >> 6));
		*o++ = (char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		*o++ = (char)(0xE0 | (cp >> 12));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
		*o++ = (char)(0x80 | (cp & 0x3F));
	} else {
		*o++ = (char)(0xF0 | (cp >> 18));
		*o++ = (char)(0x80 | ((cp >> 12) & 0x3F));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
		*o++ = (char)(0x80 | (cp & 0x3F));
	}
	r->out = o;
}

/* The length of the well-formed UTF-8 sequence at p (RFC 3629), 0 if none. */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
	unsigned c = p[0];
	size_t n = (size_t)(end - p);
	if (c >= 0xC2 && c <= 0xDF)
		return n >= 2 && (p[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c >= 0xE0 && c <= 0xEF) {
		if (n < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
			return 0;
		if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] >= 0xA0))
			return 0; /* overlong, surrogate */
		return 3;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		if (n < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 ||
		    (p[3] & 0xC0) != 0x80)
			return 0;
		if ((c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] >= 0x90))
			return 0; /* overlong, above U+10FFFF */
		return 4;
	}
	return 0;
}

/* Bytes that a string may hold as they are: printable ASCII but '"' and '\\'. */
static const bool plain[256] = {
	[' '] = 1,
	['!'] = 1,
	['#' ... '['] = 1,
	[']' ... '~'] = 1,
};

/* A string (r->p at the opening quote); unescaped to r->out when keep. */
static bool string(struct rd *r, bool keep, const char **s, size_t *len)
{
	char *begin = r->out;
	r->p++;
	for (;;) {
		/* the common case: a run of plain ASCII, copied at once */
		const unsigned char *run = r->p;
#ifdef __SSE2__
		/* 16 bytes at a time: stop at '"', '\\', a control or a non-ASCII
		 * byte (signed: below 0x20 catches both). The 16 bytes are
		 * copied as they are (the scratch buffer is as long as the line,
		 * and out never runs ahead of p), then out moves past the plain
		 * ones only. */
		const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'),
			      space = _mm_set1_epi8(0x20);
		while (r->end - r->p >= 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)r->p);
			__m128i stop = _mm_or_si128(
				_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
				_mm_cmplt_epi8(v, space));
			unsigned mask = (unsigned)_mm_movemask_epi8(stop);
			if (keep)
				_mm_storeu_si128((__m128i *)(void *)r->out, v);
			if (mask) {
				unsigned k = (unsigned)__builtin_ctz(mask);
				r->p += k;
				if (keep)
					r->out += k;
				goto stopped;
			}
			r->p += 16;
			if (keep)
				r->out += 16;
		}
		run = r->p;
#endif
		while (r->p < r->end && plain[*r->p])
			r->p++;
		if (keep && r->p > run) {
			memcpy(r->out, run, (size_t)(r->p - run));
			r->out += r->p - run;
		}
#ifdef __SSE2__
	stopped:
#endif
		if (r->p >= r->end)
			return fail(r, "unterminated string");
		unsigned c = *r->p;
		if (c == '"') {
			r->p++;
			break;
		}
		if (c < 0x20)
			return fail(r, "control character in a string");
		if (c == '\\') {
			if (r->end - r->p < 2)
				return fail(r, "unterminated escape");
			unsigned e = r->p[1];
			const char *simple = strchr("\"\\/bfnrt", (int)e);
			if (e && simple) {
				static const char map[] = "\"\\/\b\f\n\r\t";
				if (keep)
					*r->out++ = map[simple - "\"\\/bfnrt"];
				r->p += 2;
				continue;
			}
			if (e != 'u' || r->end - r->p < 6)
				return fail(r, "bad escape");
			int cp = hex4(r->p + 2);
			if (cp < 0)
				return fail(r, "bad \\u escape");
			r->p += 6;
			if (cp >= 0xDC00 && cp <= 0xDFFF)
				return fail(r, "unpaired surrogate in \\u escape");
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				int lo = -1;
				if (r->end - r->p >= 6 && r->p[0] == '\\' && r->p[1] == 'u')
					lo = hex4(r->p + 2);
				if (lo < 0xDC00 || lo > 0xDFFF)
					return fail(r, "unpaired surrogate in \\u escape");
				r->p += 6;
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			}
			if (keep)
				put_cp(r, (unsigned)cp);
			if (cp == 0)
				r->nul = true;
			continue;
		}
		if (c < 0x80) {
			if (keep)
				*r->out++ = (char)c;
			r->p++;
			continue;
		}
		size_t n = utf8_len(r->p, r->end);
		if (!n)
			return fail(r, "invalid UTF-8 in a string");
		if (keep) {
			memcpy(r->out, r->p, n);
			r->out += n;
		}
		r->p += n;
	}
	if (keep) {
		*len = (size_t)(r->out - begin);
		*r->out++ = '\0';
		*s = begin;
	}
	return true;
}

/* RFC 8259 number; *is_int and *v when it is an integer that fits. */
static bool number(struct rd *r, bool *is_int, int64_t *v)
{
	const unsigned char *s = r->p;
	bool neg = false, frac = false, big = false;
	uint64_t acc = 0;

	if (r->p < r->end && *r->p == '-') {
		neg = true;
		r->p++;
	}
	if (r->p >= r->end || *r->p < '0' || *r->p > '9')
		return fail(r, "bad number");
	if (*r->p == '0' && r->end - r->p > 1 && r->p[1] >= '0' && r->p[1] <= '9')
		return fail(r, "number with a leading zero");
	while (r->p < r->end && *r->p >= '0' && *r->p <= '9') {
		unsigned d = (unsigned)(*r->p - '0');
		if (acc > (UINT64_MAX - d) / 10)
			big = true;
		else
			acc = acc * 10 + d;
		r->p++;
	}
	if (r->p < r->end && *r->p == '.') {
		frac = true;
		r->p++;
		if (r->p >= r->end || *r->p < '0' || *r->p > '9')
			return fail(r, "bad number");
		while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
			r->p++;
	}
	if (r->p < r->end && (*r->p == 'e' || *r->p == 'E')) {
		frac = true;
		r->p++;
		if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
			r->p++;
		if (r->p >= r->end || *r->p < '0' || *r->p > '9')
			return fail(r, "bad number");
		while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
			r->p++;
	}
	(void)s;
	*is_int = !frac && !big && acc <= (uint64_t)INT64_MAX;
	*v = *is_int ? (neg ? -(int64_t)acc : (int64_t)acc) : 0;
	return true;
}

static bool value(struct rd *r, int depth, struct aj_member *m);

/* An array or object below the top level: checked, not kept. */
static bool skip_container(struct rd *r, int depth)
{
	bool obj = *r->p == '{';
	char close = obj ? '}' : ']';

	if (depth >= AJ_MAX_DEPTH)
		return fail(r, "nested deeper than 32 levels");
	r->p++;
	ws(r);
	if (r->p < r->end && *r->p == close) {
		r->p++;
		return true;
	}
	for (;;) {
		ws(r);
		if (obj) {
			const char *k;
			size_t kl;
			if (r->p >= r->end || *r->p != '"')
				return fail(r, "expected a member name");
			if (!string(r, false, &k, &kl))
				return false;
			ws(r);
			if (r->p >= r->end || *r->p != ':')
				return fail(r, "expected ':'");
			r->p++;
			ws(r);
		}
		if (!value(r, depth + 1, NULL))
			return false;
		ws(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		if (r->p < r->end && *r->p == close) {
			r->p++;
			return true;
		}
		return fail(r, obj ? "expected ',' or '}'" : "expected ',' or ']'");
	}
}

/* A value; kept in m when m is not NULL (the top level's members). */
static bool value(struct rd *r, int depth, struct aj_member *m)
{
	struct aj_member dummy;
	if (!m)
		m = &dummy;
	if (r->p >= r->end)
		return fail(r, "missing value");
	switch (*r->p) {
	case '"': {
		m->type = AJ_STRING;
		r->nul = false;
		bool ok = string(r, m != &dummy, &m->str, &m->len);
		m->nul = r->nul;
		return ok;
	}
	case '{':
		m->type = AJ_OBJECT;
		return skip_container(r, depth);
	case '[':
		m->type = AJ_ARRAY;
		return skip_container(r, depth);
	case 't':
		m->type = AJ_BOOL;
		m->b = true;
		return lit(r, "true", 4);
	case 'f':
		m->type = AJ_BOOL;
		m->b = false;
		return lit(r, "false", 5);
	case 'n':
		m->type = AJ_NULL;
		return lit(r, "null", 4);
	default: {
		bool is_int;
		if (!number(r, &is_int, &m->i))
			return false;
		m->type = is_int ? AJ_INT : AJ_NUMBER;
		return true;
	}
	}
}

bool aj_parse(const char *p, size_t n, char *scratch, size_t scratch_len, struct aj_object *o,
	      char *err, size_t err_len)
{
	struct rd r = { (const unsigned char *)p,
			(const unsigned char *)p + n,
			(const unsigned char *)p,
			scratch,
			scratch + scratch_len,
			err,
			err_len,
			false };

	o->n = 0;
	if (scratch_len < n + 1)
		return fail(&r, "internal: scratch buffer too small");
	ws(&r);
	if (r.p >= r.end || *r.p != '{')
		return fail(&r, "not a JSON object");
	r.p++;
	ws(&r);
	if (r.p < r.end && *r.p == '}') {
		r.p++;
	} else {
		for (;;) {
			ws(&r);
			if (o->n == AJ_MAX_MEMBERS)
				return fail(&r, "more than 96 members");
			struct aj_member *m = &o->m[o->n];
			size_t kl;
			memset(m, 0, sizeof(*m));
			if (r.p >= r.end || *r.p != '"')
				return fail(&r, "expected a member name");
			const unsigned char *raw = r.p + 1;
			if (!string(&r, true, &m->key, &kl))
				return false;
			m->klen = kl;
			/* hashed where it was read, not where it was just written
			 * (the same bytes when the name has no escape) */
			m->khash = aj_key_hash(
				(size_t)(r.p - raw) == kl + 1 ? (const char *)raw : m->key, kl);
			ws(&r);
			if (r.p >= r.end || *r.p != ':')
				return fail(&r, "expected ':'");
			r.p++;
			ws(&r);
			if (!value(&r, 1, m))
				return false;
			o->n++;
			ws(&r);
			if (r.p < r.end && *r.p == ',') {
				r.p++;
				continue;
			}
			if (r.p < r.end && *r.p == '}') {
				r.p++;
				break;
			}
			return fail(&r, "expected ',' or '}'");
		}
	}
	ws(&r);
	if (r.p != r.end)
		return fail(&r, "bytes after the object");
	return true;
}

const struct aj_member *aj_get(const struct aj_object *o, const char *key)
{
	size_t n = strlen(key);
	for (size_t i = 0; i < o->n; i++)
		if (o->m[i].klen == n && memcmp(o->m[i].key, key, n) == 0)
			return &o->m[i];
	return NULL;
}

uint32_t aj_key_hash(const char *key, size_t klen)
{
	/* names are short: their first and last 8 bytes (or each byte) and
	 * their length, mixed once; aj_index compares the names themselves */
	uint64_t a = 0, b = 0;
	if (klen >= 8) {
		memcpy(&a, key, 8);
		memcpy(&b, key + klen - 8, 8);
	} else {
		for (size_t i = 0; i < klen; i++)
			a |= (uint64_t)(unsigned char)key[i] << (8 * i);
	}
	uint64_t h = (a ^ (b << 7 | b >> 57) ^ klen) * 0x9e3779b97f4a7c15ull;
	return (uint32_t)(h >> 32) ^ (uint32_t)h;
}

/* Names are short: a loop beats a call. */
static bool same_name(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

void aj_index(const struct aj_object *o, const char *const *keys, size_t n_keys,
	      const struct aj_member **out, struct aj_hint *h)
{
	if (!h->ready) {
		memset(h->slot, 0, sizeof(h->slot));
		for (size_t k = 0; k < n_keys && k < 64; k++) {
			h->len[k] = strlen(keys[k]);
			h->hash[k] = aj_key_hash(keys[k], h->len[k]);
			size_t s = h->hash[k] & 127;
			while (h->slot[s])
				s = (s + 1) & 127;
			h->slot[s] = (unsigned char)(k + 1);
		}
		h->ready = true;
	}
	for (size_t k = 0; k < n_keys; k++)
		out[k] = NULL;
	for (size_t i = 0; i < o->n; i++) {
		const struct aj_member *m = &o->m[i];
		for (size_t s = m->khash & 127; h->slot[s]; s = (s + 1) & 127) {
			size_t k = h->slot[s] - 1u;
			if (h->hash[k] == m->khash && h->len[k] == m->klen &&
			    same_name(keys[k], m->key, m->klen)) {
				if (!out[k]) /* the first of that name */
					out[k] = m;
				break;
			}
		}
	}
}
