/* SPDX-License-Identifier: MIT */
/*
 * .reg exports: "REGEDIT4" (8-bit text) or "Windows Registry Editor Version
 * 5.00" (usually UTF-16LE with BOM). Keys in [brackets] ([-key] deletes),
 * values as "Name"=data with data one of
 *     dword:0000000a        REG_DWORD
 *     hex(7):73,00,00,00    REG_MULTI_SZ (UTF-16LE in version 5, 8-bit in REGEDIT4)
 *     hex(N):..  hex:..  "string"  -  (other types, binary, REG_SZ, delete)
 * A line ending with '\' continues on the next (regedit wraps hex lists).
 * Only HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\{Control\Lsa,
 * Control\Lsa\MSV1_0, Services\Netlogon\Parameters} values named like ours
 * are read; everything else is skipped without looking at its data.
 */
#include <stdlib.h>
#include <string.h>

#include "policy/load_common.h"
#include "text/text.h"

struct reg_state {
	struct policy_load *l;
	bool regedit4;
	bool have_key; /* the current key is under HKEY_LOCAL_MACHINE */
	char key[512]; /* its hive-relative path */
	size_t key_len;
	char *scratch; /* joined continuation lines (owned) */
};

/* ---- hex lists ------------------------------------------------------------ */

/* "73,00, 65,00" -> bytes; false on a malformed element. out has room for
 * s.n / 2 + 1 bytes (each byte takes at least two characters but the last). */
static bool hex_list(struct sv s, uint8_t *out, size_t *n, struct sv *bad)
{
	struct sv rest = sv_trim(s), el;
	bool more = rest.n > 0;

	*n = 0;
	while (more) {
		more = sv_split(rest, ',', &el, &rest);
		if (!more)
			el = rest;
		el = sv_trim(el);
		uint32_t v;
		if (el.n == 0 || el.n > 2 || ntlm_policy_parse_hex32(el, &v) != NUM_OK) {
			*bad = el;
			return false;
		}
		out[(*n)++] = (uint8_t)v;
	}
	return true;
}

/* ---- REG_MULTI_SZ --------------------------------------------------------- */

static void multi_sz(struct reg_state *st, const struct policy_desc *d, const uint8_t *b, size_t n,
		     unsigned no)
{
	struct policy_load *l = st->l;
	size_t unit = st->regedit4 ? 1 : 2, i = 0;

	if (n % unit) {
		ntlm_policy_error(
			l, no, "%s: hex(7) data is truncated UTF-16LE (odd number of bytes: %zu)",
			d->name, n);
		return;
	}
	if (!ntlm_policy_list_begin(l, d, no))
		return;
	if (n == 0)
		return; /* an empty value: no entries */
	for (;;) {
		size_t start = i;
		while (i < n && !(b[i] == 0 && (unit == 1 || b[i + 1] == 0)))
			i += unit;
		if (i >= n) {
			ntlm_policy_error(l, no,
					  "%s: hex(7) data without terminator (a REG_MULTI_SZ "
					  "ends with an empty string: %s)",
					  d->name, unit == 1 ? "00,00" : "00,00,00,00");
			return;
		}
		if (i == start) { /* the empty string that ends the list */
			if (i + unit != n)
				ntlm_policy_error(l, no,
						  "%s: hex(7) data continues after the "
						  "terminating empty string",
						  d->name);
			return;
		}
		if (unit == 1) {
			struct sv e = { (const char *)b + start, i - start };
			ntlm_policy_list_add(l, d, e, no);
		} else {
			char *s = NULL;
			ntlm_status cs =
				ntlm_text_utf16le_to_utf8(b + start, i - start, &s, d->name);
			if (cs != NTLM_OK)
				ntlm_policy_error(l, no, "%s: hex(7) string %s", d->name,
						  cs == NTLM_E_NOMEM ? "out of memory"
								     : "is not valid UTF-16LE");
			else
				ntlm_policy_list_add(l, d, sv_of(s), no);
			free(s);
		}
		i += unit;
		if (i == n) {
			/* "a\0" with no empty string after it */
			ntlm_policy_error(l, no,
					  "%s: hex(7) data without terminator (a REG_MULTI_SZ "
					  "ends with an empty string: %s)",
					  d->name, unit == 1 ? "00,00" : "00,00,00,00");
			return;
		}
	}
}

/* ---- values ---------------------------------------------------------------- */

/* Parses `"Name"` with \\ and \" escapes; `*after` is what follows. Names
 * longer than the buffer are cut (they are not ours anyway). */
static bool value_name(struct sv t, char *buf, size_t len, struct sv *after)
{
	size_t o = 0, i = 1;

	for (; i < t.n; i++) {
		char c = t.p[i];
		if (c == '"')
			break;
		if (c == '\\' && i + 1 < t.n)
			c = t.p[++i];
		if (o + 1 < len)
			buf[o++] = c;
	}
	buf[o] = '\0';
	if (i >= t.n)
		return false;
	after->p = t.p + i + 1;
	after->n = t.n - i - 1;
	return true;
}

/* The registry type of .reg value data: "..." REG_SZ, dword: REG_DWORD, hex:
 * REG_BINARY, hex(N): type N (hex(4) is a REG_DWORD written as bytes). */
static bool data_type(struct policy_load *l, const struct policy_desc *d, struct sv data,
		      unsigned no, uint32_t *type)
{
	char q[SV_QUOTE_LEN];

	if (data.n && data.p[0] == '"') {
		*type = POLICY_REG_SZ;
		return true;
	}
	if (sv_starts_ci(data, "dword:")) {
		*type = POLICY_REG_DWORD;
		return true;
	}
	if (sv_starts_ci(data, "hex:")) {
		*type = POLICY_REG_BINARY;
		return true;
	}
	if (sv_starts_ci(data, "hex(")) {
		struct sv inner = { data.p + 4, data.n - 4 }, num, rest;
		if (sv_split(inner, ')', &num, &rest) && rest.n && rest.p[0] == ':' &&
		    ntlm_policy_parse_hex32(num, type) == NUM_OK)
			return true;
		ntlm_policy_error(l, no, "%s: malformed hex(type) in '%s'", d->name,
				  ntlm_policy_sv_quote(data, q, sizeof(q)));
		return false;
	}
	ntlm_policy_error(l, no, "%s: unrecognised value data '%s'", d->name,
			  ntlm_policy_sv_quote(data, q, sizeof(q)));
	return false;
}

static void value_line(struct reg_state *st, struct sv t, unsigned no)
{
	struct policy_load *l = st->l;
	char name[128], q[SV_QUOTE_LEN], q2[SV_QUOTE_LEN];
	struct sv after, data, vname;
	const struct policy_desc *d;
	uint32_t type, v;

	if (t.p[0] == '@') {
		after.p = t.p + 1;
		after.n = t.n - 1;
		name[0] = '\0';
	} else if (!value_name(t, name, sizeof(name), &after)) {
		ntlm_policy_error(l, no, "unterminated value name in '%s'",
				  ntlm_policy_sv_quote(t, q, sizeof(q)));
		return;
	}
	after = sv_trim(after);
	if (after.n == 0 || after.p[0] != '=') {
		ntlm_policy_error(l, no, "missing '=' in '%s'",
				  ntlm_policy_sv_quote(t, q, sizeof(q)));
		return;
	}
	data = sv_trim((struct sv){ after.p + 1, after.n - 1 });
	if (!st->have_key || name[0] == '\0')
		return;
	vname = sv_of(name);
	d = ntlm_policy_reg_lookup(l, (struct sv){ st->key, st->key_len }, vname, no);
	if (!d)
		return;

	if (sv_eq_ci(data, "-")) {
		/* the value deleted: not defined, the Windows default applies */
		ntlm_policy_unset(l, d, no, true);
		return;
	}
	if (!data_type(l, d, data, no, &type) || !ntlm_policy_reg_type_ok(l, d, type, no))
		return;

	struct sv colon, payload;
	if (!sv_split(data, ':', &colon, &payload)) { /* cannot happen: checked above */
		ntlm_policy_error(l, no, "%s: malformed value data", d->name);
		return;
	}
	payload = sv_trim(payload);
	if (sv_starts_ci(data, "dword:")) {
		switch (ntlm_policy_parse_hex32(payload, &v)) {
		case NUM_OK:
			ntlm_policy_apply_u32(l, d, v, no);
			return;
		default:
			ntlm_policy_error(l, no,
					  "%s = dword:'%s': malformed (1 to 8 hex digits expected)",
					  d->name, ntlm_policy_sv_quote(payload, q, sizeof(q)));
			return;
		}
	}
	uint8_t *bytes = malloc(payload.n / 2 + 2);
	size_t nb = 0;
	struct sv bad = { "", 0 };
	if (!bytes) {
		ntlm_policy_error(l, no, "%s: out of memory", d->name);
		return;
	}
	if (!hex_list(payload, bytes, &nb, &bad)) {
		ntlm_policy_error(l, no, "%s: malformed hex byte '%s' in '%s'", d->name,
				  ntlm_policy_sv_quote(bad, q, sizeof(q)),
				  ntlm_policy_sv_quote(payload, q2, sizeof(q2)));
	} else if (type == POLICY_REG_DWORD) {
		if (nb != 4)
			ntlm_policy_error(l, no, "%s: hex(4) data has %zu bytes, a REG_DWORD has 4",
					  d->name, nb);
		else
			ntlm_policy_apply_u32(l, d,
					      (uint32_t)bytes[0] | (uint32_t)bytes[1] << 8 |
						      (uint32_t)bytes[2] << 16 |
						      (uint32_t)bytes[3] << 24,
					      no);
	} else {
		multi_sz(st, d, bytes, nb, no);
	}
	free(bytes);
}

/* ---- keys ------------------------------------------------------------------ */

static void key_line(struct reg_state *st, struct sv t, unsigned no)
{
	struct policy_load *l = st->l;
	char q[SV_QUOTE_LEN];
	struct sv k;
	bool del;

	st->have_key = false;
	if (t.n < 2 || t.p[t.n - 1] != ']') {
		ntlm_policy_error(l, no, "malformed key line '%s'",
				  ntlm_policy_sv_quote(t, q, sizeof(q)));
		return;
	}
	k = sv_trim((struct sv){ t.p + 1, t.n - 2 });
	del = k.n && k.p[0] == '-';
	if (del) {
		k.p++;
		k.n--;
	}
	if (sv_starts_ci(k, "HKEY_LOCAL_MACHINE\\")) {
		k.p += 19;
		k.n -= 19;
	} else if (sv_starts_ci(k, "HKLM\\")) {
		k.p += 5;
		k.n -= 5;
	} else {
		return; /* another hive */
	}
	if (del) {
		/* deleting a key deletes its values and subkeys: each setting of
		 * ours at or below it becomes not defined */
		struct sv first, rest, cs, rel;
		if (!sv_split(k, '\\', &first, &rest) || !sv_eq_ci(first, "System"))
			return;
		if (!sv_split(rest, '\\', &cs, &rel)) {
			cs = rest;
			rel = (struct sv){ rest.p + rest.n, 0 };
		}
		while (rel.n && rel.p[rel.n - 1] == '\\')
			rel.n--;
		if (!sv_eq_ci(cs, "CurrentControlSet") && !sv_starts_ci(cs, "ControlSet"))
			return;
		for (unsigned i = 0; i < NTLM_SET_COUNT; i++) {
			const struct policy_desc *d = ntlm_policy_desc((enum ntlm_setting)i);
			struct sv rk = sv_of(d->reg_key);
			if (!d->reg_key)
				continue;
			if (rel.n == 0 || sv_eq_sv_ci(rk, rel) ||
			    (rk.n > rel.n && sv_eq_sv_ci((struct sv){ rk.p, rel.n }, rel) &&
			     rk.p[rel.n] == '\\'))
				ntlm_policy_unset(l, d, no, false);
		}
		return;
	}
	if (k.n >= sizeof(st->key))
		return; /* longer than any key of ours */
	memcpy(st->key, k.p, k.n);
	st->key_len = k.n;
	st->have_key = true;
}

/* ---- lines ------------------------------------------------------------------ */

static void logical_line(struct reg_state *st, struct sv t, unsigned no)
{
	char q[SV_QUOTE_LEN];

	t = sv_trim(t);
	if (t.n == 0 || t.p[0] == ';')
		return;
	if (t.p[0] == '[')
		key_line(st, t, no);
	else if (t.p[0] == '"' || t.p[0] == '@')
		value_line(st, t, no);
	else
		ntlm_policy_error(st->l, no, "malformed line '%s'",
				  ntlm_policy_sv_quote(t, q, sizeof(q)));
}

void ntlm_policy_parse_reg(struct policy_load *l, bool regedit4)
{
	struct reg_state st;
	struct policy_lines it;
	struct sv raw;
	unsigned no, start = 0;
	size_t jl = 0;
	bool header = false, joining = false;

	memset(&st, 0, sizeof(st));
	st.l = l;
	st.regedit4 = regedit4;
	st.scratch = malloc(l->text_len + 1);
	if (!st.scratch) {
		ntlm_policy_error(l, 1, "out of memory");
		return;
	}
	ntlm_policy_lines_init(&it, l);
	while (ntlm_policy_lines_next(&it, &raw, &no)) {
		struct sv t = sv_trim(raw);
		if (!header) {
			if (t.n == 0)
				continue;
			header = true; /* the REGEDIT4 / Version 5.00 line (detected) */
			continue;
		}
		if (joining && (t.n == 0 || t.p[0] == ';')) {
			/* a blank line or a comment ends a continuation */
			logical_line(&st, (struct sv){ st.scratch, jl }, start);
			joining = false;
			continue;
		}
		bool cont = t.n && t.p[t.n - 1] == '\\' && t.p[0] != ';' && t.p[0] != '[';
		if (cont)
			t.n--;
		if (!joining) {
			start = no;
			jl = 0;
		}
		memcpy(st.scratch + jl, t.p, t.n);
		jl += t.n;
		joining = cont;
		if (!joining)
			logical_line(&st, (struct sv){ st.scratch, jl }, start);
	}
	if (joining)
		logical_line(&st, (struct sv){ st.scratch, jl }, start);
	free(st.scratch);
}
