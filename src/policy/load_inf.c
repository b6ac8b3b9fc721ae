/* SPDX-License-Identifier: MIT */
/*
 * Security template INF (GptTmpl.inf, MS-GPSB 2.2): only [Registry Values]
 * matters. Each line there is
 *     MACHINE\<key path>\<value name>=<type>,<data>
 * with the name optionally double-quoted; type 4 (REG_DWORD: decimal or 0x)
 * or 7 (REG_MULTI_SZ: comma-separated). Values that are not ours are skipped
 * without looking at their data; ours in the wrong key or with the wrong
 * type are errors. Comments are whole lines starting with ';' (data such as
 * SDDL strings contain ';', so there are no trailing comments).
 */
#include <string.h>

#include "policy/load_common.h"

/* Splits `name=rest`, the name possibly quoted; false when there is no '='. */
static bool split_entry(struct sv t, struct sv *name, struct sv *rest)
{
	if (t.p[0] == '"') {
		struct sv inner = { t.p + 1, t.n - 1 }, after;
		if (!sv_split(inner, '"', name, &after))
			return false;
		after = sv_trim(after);
		if (after.n == 0 || after.p[0] != '=')
			return false;
		rest->p = after.p + 1;
		rest->n = after.n - 1;
		*name = sv_trim(*name);
		*rest = sv_trim(*rest);
		return true;
	}
	if (!sv_split(t, '=', name, rest))
		return false;
	*name = sv_trim(*name);
	*rest = sv_trim(*rest);
	return true;
}

/* "MACHINE\a\b\Value" -> key "a\b", value "Value"; false for other roots. */
static bool split_path(struct sv path, struct sv *key, struct sv *value)
{
	static const char root[] = "MACHINE\\";
	size_t i;

	if (!sv_starts_ci(path, root))
		return false;
	path.p += sizeof(root) - 1;
	path.n -= sizeof(root) - 1;
	for (i = path.n; i > 0 && path.p[i - 1] != '\\'; i--)
		;
	if (i == 0)
		return false;
	key->p = path.p;
	key->n = i - 1;
	value->p = path.p + i;
	value->n = path.n - i;
	return true;
}

static void entry(struct policy_load *l, struct sv t, unsigned no)
{
	struct sv name, rest, key, vname, type_s, data;
	const struct policy_desc *d;
	uint32_t type, v;
	char q[SV_QUOTE_LEN];

	if (!split_entry(t, &name, &rest)) {
		ntlm_policy_error(l, no,
				  "missing '=' in '%s' (expected MACHINE\\...\\Name=type,value)",
				  ntlm_policy_sv_quote(t, q, sizeof(q)));
		return;
	}
	if (!split_path(name, &key, &vname))
		return; /* not a MACHINE\ value: not ours */
	d = ntlm_policy_reg_lookup(l, key, vname, no);
	if (!d)
		return;
	if (!sv_split(rest, ',', &type_s, &data)) {
		type_s = rest;
		data.p = rest.p + rest.n;
		data.n = 0;
		if (d->kind != PK_LIST || type_s.n == 0) {
			ntlm_policy_error(l, no, "%s: expected 'type,value' after '=', found '%s'",
					  d->name, ntlm_policy_sv_quote(rest, q, sizeof(q)));
			return;
		}
	}
	type_s = sv_trim(type_s);
	data = sv_trim(data);
	if (ntlm_policy_parse_u32(type_s, &type) != NUM_OK) {
		ntlm_policy_error(l, no, "%s: registry type '%s' is not a number", d->name,
				  ntlm_policy_sv_quote(type_s, q, sizeof(q)));
		return;
	}
	if (!ntlm_policy_reg_type_ok(l, d, type, no))
		return;
	if (d->kind == PK_LIST) {
		ntlm_policy_apply_list_text(l, d, data, no, true);
		return;
	}
	if (data.n >= 2 && data.p[0] == '"' && data.p[data.n - 1] == '"') {
		data.p++;
		data.n -= 2;
	}
	switch (ntlm_policy_parse_u32(data, &v)) {
	case NUM_OK:
		ntlm_policy_apply_u32(l, d, v, no);
		return;
	case NUM_OVERFLOW:
		ntlm_policy_error(l, no, "%s = '%s': number larger than 32 bits", d->name,
				  ntlm_policy_sv_quote(data, q, sizeof(q)));
		return;
	case NUM_NOT_NUMBER:
	case NUM_MALFORMED:
		ntlm_policy_error(l, no, "%s = '%s': malformed number (decimal or 0x-hex expected)",
				  d->name, ntlm_policy_sv_quote(data, q, sizeof(q)));
		return;
	}
}

void ntlm_policy_parse_inf(struct policy_load *l)
{
	struct policy_lines it;
	struct sv raw;
	unsigned no;
	bool in_values = false;
	char q[SV_QUOTE_LEN];

	ntlm_policy_lines_init(&it, l);
	while (ntlm_policy_lines_next(&it, &raw, &no)) {
		struct sv t = sv_trim(raw);
		if (t.n == 0 || t.p[0] == ';')
			continue;
		if (t.p[0] == '[') {
			struct sv inner = { t.p + 1, t.n - 1 }, name, rest;
			if (!sv_split(inner, ']', &name, &rest) || sv_trim(rest).n != 0) {
				ntlm_policy_error(l, no, "malformed section header '%s'",
						  ntlm_policy_sv_quote(t, q, sizeof(q)));
				in_values = false;
				continue;
			}
			in_values = sv_eq_ci(sv_trim(name), "Registry Values");
			continue;
		}
		if (in_values)
			entry(l, t, no);
	}
}
