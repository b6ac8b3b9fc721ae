/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes/hex.h"
#include "testutil.h"

uint8_t *t_hex(const char *hex, size_t *len)
{
	size_t cap = strlen(hex) / 2 + 1, n = 0;
	uint8_t *out = malloc(cap);
	int hi = -1;
	assert_non_null(out);
	for (const char *p = hex; *p; p++) {
		if (isspace((unsigned char)*p))
			continue;
		int v = ntlm_bytes_hex_digit((unsigned char)*p);
		if (v < 0)
			fail_msg("bad hex digit '%c' in \"%.40s\"", *p, hex);
		if (hi < 0) {
			hi = v;
		} else {
			out[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	if (hi >= 0)
		fail_msg("odd number of hex digits in \"%.40s\"", hex);
	*len = n;
	return out;
}

void t_hex_n(const char *hex, uint8_t *out, size_t n)
{
	size_t len;
	uint8_t *b = t_hex(hex, &len);
	if (len != n)
		fail_msg("hex has %zu bytes, want %zu", len, n);
	memcpy(out, b, n);
	free(b);
}

const char *t_tohex(const uint8_t *p, size_t n)
{
	static char buf[8193];
	size_t i;
	for (i = 0; i < n && i < 4096; i++)
		snprintf(buf + 2 * i, 3, "%02x", p[i]);
	buf[2 * i] = '\0';
	return buf;
}

void t_assert_bytes(const uint8_t *a, const uint8_t *b, size_t n, const char *file, int line)
{
	if (memcmp(a, b, n) == 0)
		return;
	char *ha = strdup(t_tohex(a, n));
	fprintf(stderr, "%s:%d: bytes differ\n  got  %s\n  want %s\n", file, line, ha,
		t_tohex(b, n));
	free(ha);
	fail_msg("%s:%d: bytes differ", file, line);
}

void t_assert_hex(const uint8_t *p, size_t n, const char *hex, const char *file, int line)
{
	size_t len;
	uint8_t *want = t_hex(hex, &len);
	if (len != n) {
		fprintf(stderr, "%s:%d: length %zu, want %zu\n  got  %s\n", file, line, n, len,
			t_tohex(p, n));
		free(want);
		fail_msg("%s:%d: length differs", file, line);
	}
	t_assert_bytes(p, want, n, file, line);
	free(want);
}

struct t_vec_entry {
	char *name;
	char *value;
};

struct t_vec {
	size_t n;
	struct t_vec_entry e[256];
};

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t l = strlen(s);
	while (l && isspace((unsigned char)s[l - 1]))
		s[--l] = '\0';
	return s;
}

struct t_vec *t_vec_load(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		fail_msg("cannot open vector file %s", path);
	struct t_vec *v = calloc(1, sizeof(*v));
	char line[4096];
	while (fgets(line, sizeof(line), f)) {
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		if (line[0] && isspace((unsigned char)line[0]) && v->n > 0) {
			char *t = trim(line);
			if (!*t)
				continue;
			struct t_vec_entry *e = &v->e[v->n - 1];
			size_t ol = strlen(e->value), tl = strlen(t);
			e->value = realloc(e->value, ol + tl + 2);
			if (ol)
				e->value[ol++] = ' ';
			memcpy(e->value + ol, t, tl + 1);
			continue;
		}
		char *t = trim(line);
		if (!*t)
			continue;
		char *eq = strchr(t, '=');
		if (!eq || v->n >= 256)
			fail_msg("%s: bad line \"%s\"", path, t);
		*eq = '\0';
		v->e[v->n].name = strdup(trim(t));
		v->e[v->n].value = strdup(trim(eq + 1));
		v->n++;
	}
	fclose(f);
	return v;
}

void t_vec_free(struct t_vec *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++) {
		free(v->e[i].name);
		free(v->e[i].value);
	}
	free(v);
}

static const char *lookup(const struct t_vec *v, const char *name)
{
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->e[i].name, name) == 0)
			return v->e[i].value;
	return NULL;
}

int t_vec_has(const struct t_vec *v, const char *name)
{
	return lookup(v, name) != NULL;
}

const char *t_vec_str(const struct t_vec *v, const char *name)
{
	const char *s = lookup(v, name);
	if (!s)
		fail_msg("vector \"%s\" missing", name);
	return s;
}

uint8_t *t_vec_bytes(const struct t_vec *v, const char *name, size_t *len)
{
	return t_hex(t_vec_str(v, name), len);
}

void t_vec_get(const struct t_vec *v, const char *name, uint8_t *out, size_t n)
{
	size_t len;
	uint8_t *b = t_vec_bytes(v, name, &len);
	if (len != n)
		fail_msg("vector \"%s\" has %zu bytes, want %zu", name, len, n);
	memcpy(out, b, n);
	free(b);
}

int t_mkdtemp(char *dir, size_t cap, const char *tag)
{
	const char *base = getenv("TMPDIR");
	int n = snprintf(dir, cap, "%s/ntlm-%s-XXXXXX", base && *base ? base : "/tmp", tag);
	if (n < 0 || (size_t)n >= cap || !mkdtemp(dir))
		return -1;
	return 0;
}

void t_write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}
