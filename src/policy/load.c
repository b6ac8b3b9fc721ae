/* SPDX-License-Identifier: MIT */
/*
 * policy loading: reading the file, turning it into UTF-8 lines (UTF-8 with
 * or without BOM, UTF-16LE with BOM), detecting its format, collecting
 * errors as "file:line: message", and the value plumbing the three parsers
 * share (numbers, lists, registry paths and types).
 *
 * Hostile input: every byte of the file is read through struct sv views with
 * explicit lengths; nothing assumes NUL termination; messages quote input
 * with non-printable bytes escaped.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/priv.h"
#include "text/text.h"

/* ---- string views ------------------------------------------------------ */

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

struct sv sv_of(const char *s)
{
	struct sv r = { s ? s : "", s ? strlen(s) : 0 };
	return r;
}

struct sv sv_trim(struct sv s)
{
	while (s.n && is_space(s.p[0])) {
		s.p++;
		s.n--;
	}
	while (s.n && is_space(s.p[s.n - 1]))
		s.n--;
	return s;
}

bool sv_eq_sv_ci(struct sv a, struct sv b)
{
	if (a.n != b.n)
		return false;
	for (size_t i = 0; i < a.n; i++)
		if (lower(a.p[i]) != lower(b.p[i]))
			return false;
	return true;
}

bool sv_eq_ci(struct sv a, const char *b)
{
	return sv_eq_sv_ci(a, sv_of(b));
}

bool sv_starts_ci(struct sv s, const char *prefix)
{
	size_t n = strlen(prefix);
	if (s.n < n)
		return false;
	struct sv head = { s.p, n };
	return sv_eq_ci(head, prefix);
}

bool sv_split(struct sv s, char c, struct sv *left, struct sv *right)
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

const char *sv_quote(struct sv s, char *buf, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	if (len < 8) {
		if (len)
			buf[0] = '\0';
		return buf;
	}
	for (size_t i = 0; i < s.n; i++) {
		unsigned char c = (unsigned char)s.p[i];
		size_t need = (c >= 0x20 && c < 0x7f && c != '\\') ? 1 : (c == '\\' ? 2 : 4);
		if (o + need + 4 > len) { /* room for "..." and NUL */
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		if (need == 1) {
			buf[o++] = (char)c;
		} else if (need == 2) {
			buf[o++] = '\\';
			buf[o++] = '\\';
		} else {
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[c >> 4];
			buf[o++] = hex[c & 15];
		}
	}
	buf[o] = '\0';
	return buf;
}

/* ---- numbers ----------------------------------------------------------- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static enum num_result parse_digits(struct sv s, unsigned base, uint32_t *out)
{
	uint64_t v = 0;

	if (s.n == 0)
		return NUM_MALFORMED;
	for (size_t i = 0; i < s.n; i++) {
		int d = hexval(s.p[i]);
		if (d < 0 || (unsigned)d >= base)
			return NUM_MALFORMED;
		v = v * base + (unsigned)d;
		if (v > UINT32_MAX)
			return NUM_OVERFLOW;
	}
	*out = (uint32_t)v;
	return NUM_OK;
}

enum num_result policy_parse_u32(struct sv s, uint32_t *out)
{
	if (s.n == 0 || s.p[0] < '0' || s.p[0] > '9')
		return NUM_NOT_NUMBER;
	if (s.n >= 2 && s.p[0] == '0' && (s.p[1] == 'x' || s.p[1] == 'X')) {
		struct sv h = { s.p + 2, s.n - 2 };
		return parse_digits(h, 16, out);
	}
	return parse_digits(s, 10, out);
}

enum num_result policy_parse_hex32(struct sv s, uint32_t *out)
{
	if (s.n == 0)
		return NUM_MALFORMED;
	if (s.n > 8) {
		/* leading zeros beyond 8 digits are still a 32-bit value */
		while (s.n > 8 && s.p[0] == '0') {
			s.p++;
			s.n--;
		}
		if (s.n > 8)
			return hexval(s.p[0]) < 0 ? NUM_MALFORMED : NUM_OVERFLOW;
	}
	return parse_digits(s, 16, out);
}

/* ---- errors ------------------------------------------------------------ */

/* Bounded copy that always terminates (and may cut). */
static void copy_str(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src);
	if (len == 0)
		return;
	if (n >= len)
		n = len - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void errors_append(struct policy_load *l, const char *line)
{
	/* keep room for the "... N more" line */
	const size_t reserve = 48;
	size_t n = strlen(line);

	if (!l->errors || l->errors_len == 0)
		return;
	if (l->n_dropped == 0 && l->errors_used + n + 2 + reserve <= l->errors_len) {
		memcpy(l->errors + l->errors_used, line, n);
		l->errors_used += n;
		l->errors[l->errors_used++] = '\n';
		l->errors[l->errors_used] = '\0';
		return;
	}
	l->n_dropped++;
}

static void errors_finish(struct policy_load *l)
{
	if (!l->errors || l->errors_len == 0 || l->n_dropped == 0)
		return;
	int w = snprintf(l->errors + l->errors_used, l->errors_len - l->errors_used,
			 "... and %u more error%s\n", l->n_dropped, l->n_dropped == 1 ? "" : "s");
	if (w > 0 && (size_t)w < l->errors_len - l->errors_used)
		l->errors_used += (size_t)w;
	else
		l->errors[l->errors_used] = '\0';
}

void policy_error(struct policy_load *l, unsigned line, const char *fmt, ...)
{
	char msg[512], full[700];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (l->name)
		snprintf(full, sizeof(full), "%s:%u: %s", l->name, line, msg);
	else
		copy_str(full, sizeof(full), msg);
	if (l->n_errors++ == 0) {
		l->first = NTLM_E_CONFIG;
		copy_str(l->first_msg, sizeof(l->first_msg), full);
	}
	errors_append(l, full);
}

/* ---- lines ------------------------------------------------------------- */

void policy_lines_init(struct policy_lines *it, const struct policy_load *l)
{
	it->p = l->text;
	it->end = l->text + l->text_len;
	it->line = 0;
}

bool policy_lines_next(struct policy_lines *it, struct sv *line, unsigned *lineno)
{
	if (it->p >= it->end)
		return false;
	const char *nl = memchr(it->p, '\n', (size_t)(it->end - it->p));
	const char *stop = nl ? nl : it->end;
	line->p = it->p;
	line->n = (size_t)(stop - it->p);
	if (line->n && line->p[line->n - 1] == '\r')
		line->n--;
	it->p = nl ? nl + 1 : it->end;
	*lineno = ++it->line;
	return true;
}

/* ---- decoding the file into UTF-8 text ----------------------------------- */

/* UTF-16LE (after the BOM): converted line by line so a bad line is reported
 * with its number and blanked, and the other lines still load. */
static ntlm_status decode_utf16(struct policy_load *l, const uint8_t *d, size_t n)
{
	ntlm_status st = NTLM_OK;
	size_t units, start = 0, o = 0;
	unsigned line = 1;

	if (n % 2) {
		unsigned last = 1;
		for (size_t i = 0; i + 1 < n; i += 2)
			if (d[i] == '\n' && d[i + 1] == 0)
				last++;
		policy_error(l, last, "UTF-16LE text is truncated (odd number of bytes: %zu)",
			     n + 2);
		n--;
	}
	units = n / 2;
	l->text = malloc(units * 3 + 1);
	if (!l->text)
		return NTLM_E_NOMEM;
	for (size_t i = 0; i <= units; i++) {
		bool eol = i == units || (d[2 * i] == '\n' && d[2 * i + 1] == 0);
		if (!eol)
			continue;
		bool has_nul = false;
		for (size_t k = start; k < i; k++)
			if (d[2 * k] == 0 && d[2 * k + 1] == 0)
				has_nul = true;
		if (has_nul) {
			policy_error(l, line, "NUL character in the line");
		} else if (i > start) {
			char *s = NULL;
			ntlm_status cs = ntlm_text_utf16le_to_utf8(d + 2 * start, (i - start) * 2,
								   &s, "line");
			if (cs == NTLM_E_NOMEM) {
				st = cs;
				goto out;
			}
			if (cs != NTLM_OK) {
				policy_error(l, line, "invalid UTF-16LE (unpaired surrogate)");
			} else {
				size_t sl = strlen(s);
				memcpy(l->text + o, s, sl);
				o += sl;
			}
			free(s);
		}
		if (i < units)
			l->text[o++] = '\n';
		start = i + 1;
		line++;
	}
out:
	l->text[o] = '\0';
	l->text_len = o;
	return st;
}

/* UTF-8 (BOM already skipped): copied, lines with a NUL byte blanked. */
static ntlm_status decode_utf8(struct policy_load *l, const uint8_t *d, size_t n)
{
	size_t o = 0, start = 0;
	unsigned line = 1;

	l->text = malloc(n + 1);
	if (!l->text)
		return NTLM_E_NOMEM;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && d[i] != '\n')
			continue;
		if (memchr(d + start, 0, i - start)) {
			policy_error(l, line, "NUL byte in the line");
		} else {
			memcpy(l->text + o, d + start, i - start);
			o += i - start;
		}
		if (i < n)
			l->text[o++] = '\n';
		start = i + 1;
		line++;
	}
	l->text[o] = '\0';
	l->text_len = o;
	return NTLM_OK;
}

static ntlm_status decode(struct policy_load *l, const uint8_t *d, size_t n)
{
	if (n >= 2 && d[0] == 0xff && d[1] == 0xfe)
		return decode_utf16(l, d + 2, n - 2);
	if (n >= 2 && d[0] == 0xfe && d[1] == 0xff) {
		policy_error(l, 1, "UTF-16BE text is not supported; save it as UTF-16LE or UTF-8");
		return decode_utf8(l, d, 0);
	}
	if (n >= 2 && d[0] != 0 && d[1] == 0) {
		policy_error(l, 1,
			     "text looks like UTF-16LE without a byte-order mark; "
			     "save it with a BOM (FF FE) or as UTF-8");
		return decode_utf8(l, d, 0);
	}
	if (n >= 3 && d[0] == 0xef && d[1] == 0xbb && d[2] == 0xbf)
		return decode_utf8(l, d + 3, n - 3);
	return decode_utf8(l, d, n);
}

/* ---- format detection -------------------------------------------------- */

enum policy_format { FMT_CONF, FMT_INF, FMT_REG4, FMT_REG5 };

static enum policy_format detect(const struct policy_load *l)
{
	struct policy_lines it;
	struct sv line;
	unsigned no;
	bool first = true;

	policy_lines_init(&it, l);
	while (policy_lines_next(&it, &line, &no)) {
		struct sv t = sv_trim(line);
		if (t.n == 0)
			continue;
		if (first) {
			if (sv_eq_ci(t, "REGEDIT4"))
				return FMT_REG4;
			if (sv_eq_ci(t, "Windows Registry Editor Version 5.00"))
				return FMT_REG5;
			first = false;
		}
		if (t.p[0] != '[')
			continue;
		struct sv name, rest;
		if (!sv_split(t, ']', &name, &rest))
			continue;
		name.p++;
		name.n--;
		name = sv_trim(name);
		if (sv_eq_ci(name, "Unicode") || sv_eq_ci(name, "Version") ||
		    sv_eq_ci(name, "Registry Values"))
			return FMT_INF;
	}
	return FMT_CONF;
}

/* ---- applying values ----------------------------------------------------- */

void policy_mark_source(struct policy_load *l, enum ntlm_setting id, unsigned line)
{
	struct ntlm_policy_source *s = &l->p->source[id];
	copy_str(s->file, sizeof(s->file), l->src_name);
	s->line = line;
}

static bool first_set(struct policy_load *l, const struct policy_desc *d, unsigned line)
{
	if (l->seen_line[d->id]) {
		policy_error(l, line, "%s set twice (first at line %u)", d->name,
			     l->seen_line[d->id]);
		return false;
	}
	l->seen_line[d->id] = line ? line : 1;
	return true;
}

void policy_apply_u32(struct policy_load *l, const struct policy_desc *d, uint32_t v, unsigned line)
{
	char msg[200];

	if (l->name && !first_set(l, d, line))
		return;
	if (!policy_check_u32(d, v, msg, sizeof(msg))) {
		if (d->kind == PK_MASK)
			policy_error(l, line, "%s = 0x%08x: %s", d->name, v, msg);
		else
			policy_error(l, line, "%s = %u: %s", d->name, v, msg);
		return;
	}
	policy_set_u32(l->p, d->id, v);
	policy_mark_source(l, d->id, line);
}

static void list_ptrs(struct ntlm_policy *p, enum ntlm_setting id, size_t **n,
		      char (**arr)[NTLM_POLICY_MAX_PATTERN + 1])
{
	if (id == NTLM_SET_CLIENT_ALLOWED_SERVERS) {
		*n = &p->n_client_allowed;
		*arr = p->client_allowed;
	} else {
		*n = &p->n_dc_allowed;
		*arr = p->dc_allowed;
	}
}

bool policy_list_begin(struct policy_load *l, const struct policy_desc *d, unsigned line)
{
	size_t *n;
	char(*arr)[NTLM_POLICY_MAX_PATTERN + 1];

	if (l->name && !first_set(l, d, line))
		return false;
	list_ptrs(l->p, d->id, &n, &arr);
	*n = 0;
	policy_mark_source(l, d->id, line);
	return true;
}

void policy_list_add(struct policy_load *l, const struct policy_desc *d, struct sv entry,
		     unsigned line)
{
	char msg[160], q[SV_QUOTE_LEN];
	size_t *n;
	char(*arr)[NTLM_POLICY_MAX_PATTERN + 1];

	list_ptrs(l->p, d->id, &n, &arr);
	if (!policy_check_pattern(entry, msg, sizeof(msg))) {
		policy_error(l, line, "%s entry '%s': %s", d->name, sv_quote(entry, q, sizeof(q)),
			     msg);
		return;
	}
	if (*n >= NTLM_POLICY_MAX_SERVERS) {
		policy_error(l, line, "%s: more than %d entries ('%s' and later dropped)", d->name,
			     NTLM_POLICY_MAX_SERVERS, sv_quote(entry, q, sizeof(q)));
		return;
	}
	memcpy(arr[*n], entry.p, entry.n);
	arr[*n][entry.n] = '\0';
	(*n)++;
}

void policy_apply_list_text(struct policy_load *l, const struct policy_desc *d, struct sv v,
			    unsigned line, bool unquote)
{
	struct sv rest = v, item;
	bool more = true;

	if (!policy_list_begin(l, d, line))
		return;
	while (more) {
		more = sv_split(rest, ',', &item, &rest);
		if (!more)
			item = rest;
		item = sv_trim(item);
		if (unquote && item.n >= 2 && item.p[0] == '"' && item.p[item.n - 1] == '"') {
			item.p++;
			item.n -= 2;
			item = sv_trim(item);
		}
		if (item.n == 0)
			continue;
		policy_list_add(l, d, item, line);
	}
}

/* ---- registry paths and types ------------------------------------------ */

const char *policy_reg_type_name(uint32_t type)
{
	switch (type) {
	case 0:
		return "REG_NONE";
	case POLICY_REG_SZ:
		return "REG_SZ";
	case POLICY_REG_EXPAND_SZ:
		return "REG_EXPAND_SZ";
	case POLICY_REG_BINARY:
		return "REG_BINARY";
	case POLICY_REG_DWORD:
		return "REG_DWORD";
	case 5:
		return "REG_DWORD_BIG_ENDIAN";
	case 6:
		return "REG_LINK";
	case POLICY_REG_MULTI_SZ:
		return "REG_MULTI_SZ";
	case POLICY_REG_QWORD:
		return "REG_QWORD";
	default:
		return "unknown type";
	}
}

bool policy_reg_type_ok(struct policy_load *l, const struct policy_desc *d, uint32_t type,
			unsigned line)
{
	uint32_t want = d->kind == PK_LIST ? POLICY_REG_MULTI_SZ : POLICY_REG_DWORD;

	if (type == want)
		return true;
	/* the wrong type still counts as a setting of the value */
	if (l->seen_line[d->id] == 0)
		l->seen_line[d->id] = line;
	policy_error(l, line, "%s: registry type %u (%s), expected %u (%s)", d->name, type,
		     policy_reg_type_name(type), want, policy_reg_type_name(want));
	return false;
}

/* "ControlSet001" .. "ControlSet999" (what a raw export of the hive shows). */
static bool is_control_set(struct sv c)
{
	if (sv_eq_ci(c, "CurrentControlSet"))
		return true;
	if (c.n != 13 || !sv_starts_ci(c, "ControlSet"))
		return false;
	for (size_t i = 10; i < 13; i++)
		if (c.p[i] < '0' || c.p[i] > '9')
			return false;
	return true;
}

static bool in_subtree(struct sv rel, const char *root)
{
	size_t n = strlen(root);
	if (sv_eq_ci(rel, root))
		return true;
	return rel.n > n && sv_starts_ci(rel, root) && rel.p[n] == '\\';
}

const struct policy_desc *policy_reg_lookup(struct policy_load *l, struct sv key, struct sv value,
					    unsigned line)
{
	struct sv first, rest, cs, rel;
	char q[SV_QUOTE_LEN];
	const struct policy_desc *d = policy_desc_find(value);

	if (!d || !d->reg_key)
		return NULL;
	while (key.n && key.p[key.n - 1] == '\\')
		key.n--;
	if (!sv_split(key, '\\', &first, &rest) || !sv_eq_ci(first, "System"))
		return NULL;
	if (!sv_split(rest, '\\', &cs, &rel)) {
		cs = rest;
		rel.p = rest.p + rest.n;
		rel.n = 0;
	}
	if (!is_control_set(cs))
		return NULL;
	if (sv_eq_ci(rel, d->reg_key))
		return d;
	if (in_subtree(rel, "Control\\Lsa") || in_subtree(rel, "Services\\Netlogon")) {
		/* a different registry value: it does not count as setting ours */
		policy_error(l, line,
			     "%s is under %s; it belongs under "
			     "System\\CurrentControlSet\\%s",
			     d->name, sv_quote(key, q, sizeof(q)), d->reg_key);
	}
	return NULL;
}

/* ---- entry points -------------------------------------------------------- */

static void set_src_name(struct policy_load *l, const char *name)
{
	size_t n = strlen(name), cap = sizeof(l->src_name) - 1;
	if (n <= cap) {
		memcpy(l->src_name, name, n + 1);
		return;
	}
	memcpy(l->src_name, "...", 3);
	memcpy(l->src_name + 3, name + n - (cap - 3), cap - 3);
	l->src_name[cap] = '\0';
}

static void reset_to_default(struct ntlm_policy *out)
{
	if (!policy_profile_apply(NTLM_POLICY_DEFAULT_PROFILE, out))
		memset(out, 0, sizeof(*out)); /* unreachable: the default profile exists */
}

static void report(struct ntlm_policy_load_report *rep, const struct policy_load *l)
{
	if (!rep)
		return;
	rep->n_errors = l->n_errors;
	rep->n_dropped = l->n_dropped;
}

static ntlm_status load_buffer(const char *name, const uint8_t *data, size_t len,
			       struct ntlm_policy *out, char *errors, size_t errors_len,
			       struct ntlm_policy_load_report *rep)
{
	struct policy_load l;
	struct ntlm_policy *tmp = NULL;
	ntlm_status st = NTLM_OK;

	if (errors && errors_len)
		errors[0] = '\0';
	if (!out)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "policy load: no output policy");
	reset_to_default(out);
	if (!data && len)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "policy load: no data");
	memset(&l, 0, sizeof(l));
	l.name = name ? name : "(policy)";
	set_src_name(&l, l.name);
	l.errors = errors;
	l.errors_len = errors_len;
	if (len > NTLM_POLICY_MAX_FILE) {
		policy_error(&l, 1, "file too large (%zu bytes; the limit is %u)", len,
			     NTLM_POLICY_MAX_FILE);
		st = l.first;
		goto out;
	}
	tmp = malloc(sizeof(*tmp));
	if (!tmp) {
		st = NTLM_E_NOMEM;
		goto out;
	}
	reset_to_default(tmp);
	l.p = tmp;
	st = decode(&l, data ? data : (const uint8_t *)"", len);
	if (st != NTLM_OK)
		goto out;
	switch (detect(&l)) {
	case FMT_INF:
		policy_parse_inf(&l);
		break;
	case FMT_REG4:
		policy_parse_reg(&l, true);
		break;
	case FMT_REG5:
		policy_parse_reg(&l, false);
		break;
	case FMT_CONF:
		policy_parse_conf(&l);
		break;
	}
	policy_update_insecure(tmp);
	if (l.n_errors == 0)
		*out = *tmp;
	st = l.n_errors ? l.first : NTLM_OK;
out:
	if (st == NTLM_E_NOMEM) {
		snprintf(l.first_msg, sizeof(l.first_msg), "%s: out of memory", l.name);
		if (l.n_errors == 0)
			l.n_errors = 1;
	}
	errors_finish(&l);
	report(rep, &l);
	free(l.text);
	free(tmp);
	if (st != NTLM_OK)
		return ntlm_err(st, "%s", l.first_msg);
	return NTLM_OK;
}

ntlm_status ntlm_policy_load_buffer(const char *name, const uint8_t *data, size_t len,
				    struct ntlm_policy *out, char *errors, size_t errors_len)
{
	return load_buffer(name, data, len, out, errors, errors_len, NULL);
}

ntlm_status ntlm_policy_load_file_report(const char *path, struct ntlm_policy *out, char *errors,
					 size_t errors_len, struct ntlm_policy_load_report *rep)
{
	FILE *f = NULL;
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;
	ntlm_status st = NTLM_OK;
	char eb[128];

	if (errors && errors_len)
		errors[0] = '\0';
	if (rep) {
		rep->n_errors = 1; /* until the loader says otherwise */
		rep->n_dropped = 0;
	}
	if (!path || !out) {
		if (out)
			reset_to_default(out);
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "policy load: no path or output");
	}
	f = fopen(path, "rb");
	if (!f) {
		st = ntlm_err(NTLM_E_CONFIG, "%s: cannot open: %s", path,
			      strerror_r(errno, eb, sizeof(eb)));
		goto fail;
	}
	for (;;) {
		if (len == cap) {
			size_t ncap = cap ? cap * 2 : 16384;
			if (ncap > NTLM_POLICY_MAX_FILE + 1)
				ncap = NTLM_POLICY_MAX_FILE + 1;
			if (ncap == cap)
				break; /* over the limit: load_buffer says so */
			uint8_t *nb = realloc(buf, ncap);
			if (!nb) {
				st = ntlm_err(NTLM_E_NOMEM, "%s: out of memory", path);
				goto fail;
			}
			buf = nb;
			cap = ncap;
		}
		size_t got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0) {
			if (ferror(f)) {
				st = ntlm_err(NTLM_E_CONFIG, "%s: read error", path);
				goto fail;
			}
			break;
		}
	}
	fclose(f);
	f = NULL;
	st = load_buffer(path, buf, len, out, errors, errors_len, rep);
	free(buf);
	return st;
fail:
	if (f)
		fclose(f);
	free(buf);
	reset_to_default(out);
	if (errors && errors_len)
		snprintf(errors, errors_len, "%s\n", ntlm_error_message());
	return st;
}

ntlm_status ntlm_policy_load_file(const char *path, struct ntlm_policy *out, char *errors,
				  size_t errors_len)
{
	return ntlm_policy_load_file_report(path, out, errors, errors_len, NULL);
}
