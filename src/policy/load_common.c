/* SPDX-License-Identifier: MIT */
/*
 * policy loading, the pieces the three parsers share: numbers, errors as
 * "file:line: message", line iteration, applying values (duplicate checks,
 * sources) and registry paths and types. Below the parsers; never calls them.
 *
 * Hostile input: every byte of the file is read through struct sv views with
 * explicit lengths; nothing assumes NUL termination; messages quote input
 * with non-printable bytes escaped.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bytes/hex.h"
#include "policy/load_common.h"

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

/* ---- numbers ----------------------------------------------------------- */

static enum num_result parse_digits(struct sv s, unsigned base, uint32_t *out)
{
	uint64_t v = 0;

	if (s.n == 0)
		return NUM_MALFORMED;
	for (size_t i = 0; i < s.n; i++) {
		int d = ntlm_bytes_hex_digit((unsigned char)s.p[i]);
		if (d < 0 || (unsigned)d >= base)
			return NUM_MALFORMED;
		v = v * base + (unsigned)d;
		if (v > UINT32_MAX)
			return NUM_OVERFLOW;
	}
	*out = (uint32_t)v;
	return NUM_OK;
}

enum num_result ntlm_policy_parse_u32(struct sv s, uint32_t *out)
{
	if (s.n == 0 || s.p[0] < '0' || s.p[0] > '9')
		return NUM_NOT_NUMBER;
	if (s.n >= 2 && s.p[0] == '0' && (s.p[1] == 'x' || s.p[1] == 'X')) {
		struct sv h = { s.p + 2, s.n - 2 };
		return parse_digits(h, 16, out);
	}
	return parse_digits(s, 10, out);
}

enum num_result ntlm_policy_parse_hex32(struct sv s, uint32_t *out)
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
			return ntlm_bytes_hex_digit((unsigned char)s.p[0]) < 0 ? NUM_MALFORMED
									       : NUM_OVERFLOW;
	}
	return parse_digits(s, 16, out);
}

/* ---- errors ------------------------------------------------------------ */

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

void ntlm_policy_load_finish(struct policy_load *l)
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

void ntlm_policy_error(struct policy_load *l, unsigned line, const char *fmt, ...)
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

void ntlm_policy_file_error(struct policy_load *l, const char *fmt, ...)
{
	char msg[512], full[700];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(full, sizeof(full), "%s: %s", l->name ? l->name : "(policy)", msg);
	if (l->n_errors++ == 0) {
		l->first = NTLM_E_CONFIG;
		copy_str(l->first_msg, sizeof(l->first_msg), full);
	}
	errors_append(l, full);
}

/* ---- lines ------------------------------------------------------------- */

void ntlm_policy_lines_init(struct policy_lines *it, const struct policy_load *l)
{
	it->p = l->text;
	it->end = l->text + l->text_len;
	it->line = 0;
}

bool ntlm_policy_lines_next(struct policy_lines *it, struct sv *line, unsigned *lineno)
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

/* ---- applying values ----------------------------------------------------- */

void ntlm_policy_mark_source(struct policy_load *l, enum ntlm_setting id, unsigned line)
{
	struct ntlm_policy_source *s = &l->p->source[id];
	ntlm_policy_identity_forget(l->p);
	copy_str(s->file, sizeof(s->file), l->src_name);
	s->line = line;
	s->undefined = false;
}

void ntlm_policy_mark_all_undefined(struct ntlm_policy *p)
{
	ntlm_policy_identity_forget(p);
	for (unsigned i = 0; i < NTLM_SET_COUNT; i++) {
		memset(&p->source[i], 0, sizeof(p->source[i]));
		p->source[i].undefined = true;
	}
}

static bool first_set(struct policy_load *l, const struct policy_desc *d, unsigned line)
{
	if (l->seen_line[d->id]) {
		ntlm_policy_error(l, line, "%s set twice (first at line %u)", d->name,
				  l->seen_line[d->id]);
		return false;
	}
	l->seen_line[d->id] = line ? line : 1;
	return true;
}

void ntlm_policy_apply_u32(struct policy_load *l, const struct policy_desc *d, uint32_t v,
			   unsigned line)
{
	char msg[200];

	if (l->name && !first_set(l, d, line))
		return;
	if (!ntlm_policy_check_u32(d, v, msg, sizeof(msg))) {
		if (d->kind == PK_MASK)
			ntlm_policy_error(l, line, "%s = 0x%08x: %s", d->name, v, msg);
		else
			ntlm_policy_error(l, line, "%s = %u: %s", d->name, v, msg);
		return;
	}
	ntlm_policy_set_u32(l->p, d->id, v);
	ntlm_policy_mark_source(l, d->id, line);
}

void ntlm_policy_unset(struct policy_load *l, const struct policy_desc *d, unsigned line,
		       bool check_duplicate)
{
	if (check_duplicate && l->name && !first_set(l, d, line))
		return;
	if (!check_duplicate)
		l->seen_line[d->id] = 0; /* a deleted key may be written again below */
	if (d->kind == PK_LIST)
		ntlm_policy_list_clear(l->p, d->id);
	else
		ntlm_policy_set_u32(l->p, d->id, d->windows_default);
	ntlm_policy_mark_source(l, d->id, line);
	l->p->source[d->id].undefined = true;
}

bool ntlm_policy_list_begin(struct policy_load *l, const struct policy_desc *d, unsigned line)
{
	if (l->name && !first_set(l, d, line))
		return false;
	ntlm_policy_list_clear(l->p, d->id);
	ntlm_policy_mark_source(l, d->id, line);
	return true;
}

void ntlm_policy_list_add(struct policy_load *l, const struct policy_desc *d, struct sv entry,
			  unsigned line)
{
	char msg[160], q[SV_QUOTE_LEN];

	if (!ntlm_policy_check_pattern(entry, msg, sizeof(msg))) {
		ntlm_policy_error(l, line, "%s entry '%s': %s", d->name,
				  ntlm_policy_sv_quote(entry, q, sizeof(q)), msg);
		return;
	}
	if (d->id == NTLM_SET_ACCOUNTS && !ntlm_policy_check_backend(entry, msg, sizeof(msg))) {
		ntlm_policy_error(l, line, "%s entry '%s': %s", d->name,
				  ntlm_policy_sv_quote(entry, q, sizeof(q)), msg);
		return;
	}
	if (d->id == NTLM_SET_AUDIT_LOG && !ntlm_policy_check_audit_log(entry, msg, sizeof(msg))) {
		ntlm_policy_error(l, line, "%s entry '%s': %s", d->name,
				  ntlm_policy_sv_quote(entry, q, sizeof(q)), msg);
		return;
	}
	if (d->id == NTLM_SET_AUDIT_LOG && ntlm_policy_list_count(l->p, d->id) > 0) {
		bool none = sv_eq_ci(entry, "none") ||
			    sv_eq_ci(ntlm_policy_list_entry(l->p, d->id, 0), "none");
		if (none) {
			ntlm_policy_error(l, line, "%s: none cannot be combined with a destination",
					  d->name);
			return;
		}
	}
	if (!ntlm_policy_list_push(l->p, d->id, entry))
		ntlm_policy_error(l, line, "%s: more than %d entries ('%s' and later dropped)",
				  d->name, NTLM_POLICY_MAX_SERVERS,
				  ntlm_policy_sv_quote(entry, q, sizeof(q)));
}

void ntlm_policy_apply_list_text(struct policy_load *l, const struct policy_desc *d, struct sv v,
				 unsigned line, bool unquote)
{
	struct sv rest = v, item;
	bool more = true;

	if (!ntlm_policy_list_begin(l, d, line))
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
		ntlm_policy_list_add(l, d, item, line);
	}
}

/* ---- registry paths and types ------------------------------------------ */

const char *ntlm_policy_reg_type_name(uint32_t type)
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

bool ntlm_policy_reg_type_ok(struct policy_load *l, const struct policy_desc *d, uint32_t type,
			     unsigned line)
{
	uint32_t want = d->kind == PK_LIST ? POLICY_REG_MULTI_SZ : POLICY_REG_DWORD;

	if (type == want)
		return true;
	/* the wrong type still counts as a setting of the value */
	if (l->seen_line[d->id] == 0)
		l->seen_line[d->id] = line;
	ntlm_policy_error(l, line, "%s: registry type %u (%s), expected %u (%s)", d->name, type,
			  ntlm_policy_reg_type_name(type), want, ntlm_policy_reg_type_name(want));
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

/* Case-insensitive edit distance (insert, delete, substitute), capped: any
 * distance above `cap` comes back as cap + 1. Names longer than 63 bytes
 * count as far from everything. */
static unsigned distance_ci(struct sv a, const char *bs, unsigned cap)
{
	struct sv b = sv_of(bs);
	unsigned row[64], prev_diag, tmp;

	if (a.n >= 64 || b.n >= 64)
		return cap + 1;
	for (size_t j = 0; j <= b.n; j++)
		row[j] = (unsigned)j;
	for (size_t i = 1; i <= a.n; i++) {
		unsigned best = row[0] = (unsigned)i;
		prev_diag = (unsigned)i - 1;
		for (size_t j = 1; j <= b.n; j++) {
			tmp = row[j];
			unsigned sub = prev_diag + (sv_lower(a.p[i - 1]) != sv_lower(b.p[j - 1]));
			unsigned del = row[j] + 1, ins = row[j - 1] + 1;
			row[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
			prev_diag = tmp;
			if (row[j] < best)
				best = row[j];
		}
		if (best > cap)
			return cap + 1;
	}
	return row[b.n] > cap ? cap + 1 : row[b.n];
}

/* The registry path below the control set, or false when key is not
 * System\CurrentControlSet\... (or ControlSetNNN). */
static bool key_rel(struct sv key, struct sv *rel)
{
	struct sv first, rest, cs;

	while (key.n && key.p[key.n - 1] == '\\')
		key.n--;
	if (!sv_split(key, '\\', &first, &rest) || !sv_eq_ci(first, "System"))
		return false;
	if (!sv_split(rest, '\\', &cs, rel)) {
		cs = rest;
		rel->p = rest.p + rest.n;
		rel->n = 0;
	}
	return is_control_set(cs);
}

/* A value that is not ours under one of our keys: an error when its name is
 * a near miss of one of ours (a typo would otherwise leave the setting not
 * defined without a word); other values there (Windows has many) are not
 * ours and skipped. */
static void near_miss(struct policy_load *l, struct sv key, struct sv rel, struct sv value,
		      unsigned line)
{
	char q[SV_QUOTE_LEN], qk[SV_QUOTE_LEN];
	bool our_key = false;

	for (unsigned i = 0; i < NTLM_SET_COUNT; i++) {
		const struct policy_desc *d = ntlm_policy_desc((enum ntlm_setting)i);
		if (d->reg_key && sv_eq_ci(rel, d->reg_key))
			our_key = true;
	}
	if (!our_key || value.n < 8)
		return;
	for (unsigned i = 0; i < NTLM_SET_COUNT; i++) {
		const struct policy_desc *d = ntlm_policy_desc((enum ntlm_setting)i);
		if (!d->reg_key || distance_ci(value, d->name, 2) > 2)
			continue;
		ntlm_policy_error(l, line, "unknown setting '%s' under %s (did you mean %s?)",
				  ntlm_policy_sv_quote(value, q, sizeof(q)),
				  ntlm_policy_sv_quote(key, qk, sizeof(qk)), d->name);
		return;
	}
}

const struct policy_desc *ntlm_policy_reg_lookup(struct policy_load *l, struct sv key,
						 struct sv value, unsigned line)
{
	struct sv rel;
	char q[SV_QUOTE_LEN];
	const struct policy_desc *d = ntlm_policy_desc_find(value);

	while (key.n && key.p[key.n - 1] == '\\')
		key.n--;
	if (!key_rel(key, &rel))
		return NULL;
	if (!d) {
		near_miss(l, key, rel, value, line);
		return NULL;
	}
	if (!d->reg_key)
		return NULL;
	if (sv_eq_ci(rel, d->reg_key))
		return d;
	if (in_subtree(rel, "Control\\Lsa") || in_subtree(rel, "Services\\Netlogon")) {
		/* a different registry value: it does not count as setting ours */
		ntlm_policy_error(l, line,
				  "%s is under %s; it belongs under "
				  "System\\CurrentControlSet\\%s",
				  d->name, ntlm_policy_sv_quote(key, q, sizeof(q)), d->reg_key);
	}
	return NULL;
}
