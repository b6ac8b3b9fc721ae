/* SPDX-License-Identifier: MIT */
/*
 * The native config: INI sections named after the registry keys ([MSV1_0],
 * [Lsa], [Netlogon]) plus [ntlmssp] for ours; `Name = value` lines with the
 * Windows value names (case-insensitive); `#` / `;` comments (whole line, or
 * after whitespace); an optional `Profile = NAME` before any section or in
 * [ntlmssp], applied first wherever it appears. Format: docs/policy.md.
 */
#include <stdio.h>
#include <string.h>

#include "policy/load_common.h"
#include "policy/profiles.h"

enum section { S_TOP, S_MSV1_0, S_LSA, S_NETLOGON, S_NTLMSSP, S_UNKNOWN };

static const char *const section_names[] = {
	[S_TOP] = "",
	[S_MSV1_0] = "MSV1_0",
	[S_LSA] = "Lsa",
	[S_NETLOGON] = "Netlogon",
	[S_NTLMSSP] = "ntlmssp",
	[S_UNKNOWN] = "",
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Cuts a `#` or `;` comment that starts the text or follows whitespace. */
static struct sv strip_comment(struct sv s)
{
	for (size_t i = 0; i < s.n; i++) {
		if ((s.p[i] == '#' || s.p[i] == ';') && (i == 0 || is_blank(s.p[i - 1]))) {
			s.n = i;
			break;
		}
	}
	return sv_trim(s);
}

enum line_kind { L_SKIP, L_SECTION, L_PAIR, L_BAD_SECTION, L_NO_EQUALS, L_NO_NAME };

struct parsed_line {
	enum line_kind kind;
	struct sv a; /* section name, or key */
	struct sv b; /* value */
};

static struct parsed_line parse_line(struct sv raw)
{
	struct parsed_line r = { L_SKIP, { "", 0 }, { "", 0 } };
	struct sv t = strip_comment(sv_trim(raw)), name, rest;

	if (t.n == 0)
		return r;
	if (t.p[0] == '[') {
		struct sv inner = { t.p + 1, t.n - 1 };
		if (!sv_split(inner, ']', &name, &rest) || sv_trim(rest).n != 0) {
			r.kind = L_BAD_SECTION;
			r.a = t;
			return r;
		}
		r.kind = L_SECTION;
		r.a = sv_trim(name);
		return r;
	}
	if (!sv_split(t, '=', &name, &rest)) {
		r.kind = L_NO_EQUALS;
		r.a = t;
		return r;
	}
	r.kind = sv_trim(name).n ? L_PAIR : L_NO_NAME;
	r.a = sv_trim(name);
	r.b = sv_trim(rest);
	return r;
}

static enum section section_of(struct sv name)
{
	for (int s = S_MSV1_0; s <= S_NTLMSSP; s++)
		if (sv_eq_ci(name, section_names[s]))
			return (enum section)s;
	return S_UNKNOWN;
}

static enum section section_of_desc(const struct policy_desc *d)
{
	return section_of(sv_of(d->section));
}

/* ---- values ------------------------------------------------------------- */

/* One scalar element: a number, or a name from the setting's list. */
static bool scalar(struct policy_load *l, const struct policy_desc *d, struct sv whole, struct sv s,
		   unsigned line, uint32_t *v)
{
	char q[SV_QUOTE_LEN], q2[SV_QUOTE_LEN], names[300];
	enum num_result nr = ntlm_policy_parse_u32(s, v);

	if (nr == NUM_OK)
		return true;
	if (nr == NUM_OVERFLOW) {
		ntlm_policy_error(l, line, "%s = '%s': number larger than 32 bits", d->name,
				  ntlm_policy_sv_quote(whole, q, sizeof(q)));
		return false;
	}
	if (nr == NUM_MALFORMED) {
		ntlm_policy_error(l, line, "%s = '%s': malformed number '%s'", d->name,
				  ntlm_policy_sv_quote(whole, q, sizeof(q)),
				  ntlm_policy_sv_quote(s, q2, sizeof(q2)));
		return false;
	}
	if (ntlm_policy_sym_lookup(d, s, v))
		return true;
	if (d->kind == PK_BOOL)
		snprintf(names, sizeof(names), "0, 1, yes, no, true, false, on, off");
	else if (d->kind == PK_SECONDS)
		snprintf(names, sizeof(names), "a number of seconds");
	else
		ntlm_policy_sym_list(d, names, sizeof(names));
	if (whole.n == s.n)
		ntlm_policy_error(l, line, "%s = '%s': not a number or one of %s", d->name,
				  ntlm_policy_sv_quote(whole, q, sizeof(q)), names);
	else
		ntlm_policy_error(l, line, "%s = '%s': '%s' is not a number or one of %s", d->name,
				  ntlm_policy_sv_quote(whole, q, sizeof(q)),
				  ntlm_policy_sv_quote(s, q2, sizeof(q2)), names);
	return false;
}

static void conf_apply(struct policy_load *l, const struct policy_desc *d, struct sv value,
		       unsigned line)
{
	char q[SV_QUOTE_LEN];
	uint32_t v = 0, acc = 0;

	if (d->kind == PK_LIST) {
		ntlm_policy_apply_list_text(l, d, value, line, false);
		return;
	}
	if (value.n == 0) {
		ntlm_policy_error(l, line, "%s: no value", d->name);
		return;
	}
	if (d->kind != PK_MASK) {
		if (scalar(l, d, value, value, line, &v))
			ntlm_policy_apply_u32(l, d, v, line);
		return;
	}
	/* a mask: elements joined by '|' or ',' */
	for (size_t i = 0, start = 0; i <= value.n; i++) {
		if (i < value.n && value.p[i] != '|' && value.p[i] != ',')
			continue;
		struct sv el = sv_trim((struct sv){ value.p + start, i - start });
		start = i + 1;
		if (el.n == 0) {
			ntlm_policy_error(l, line, "%s = '%s': empty element", d->name,
					  ntlm_policy_sv_quote(value, q, sizeof(q)));
			return;
		}
		if (!scalar(l, d, value, el, line, &v))
			return;
		acc |= v;
	}
	ntlm_policy_apply_u32(l, d, acc, line);
}

/* ---- the two passes ---------------------------------------------------- */

static bool apply_profile(struct policy_load *l, struct sv name, unsigned line)
{
	char buf[sizeof(l->p->profile)];

	if (name.n == 0 || name.n >= sizeof(buf))
		return false;
	memcpy(buf, name.p, name.n);
	buf[name.n] = '\0';
	if (!ntlm_policy_profile_apply(buf, l->p))
		return false;
	snprintf(l->p->profile_source.file, sizeof(l->p->profile_source.file), "%s", l->src_name);
	l->p->profile_source.line = line;
	return true;
}

/*
 * One `Profile = NAME` line: allowed before any section or in [ntlmssp], at
 * most once, with a known name. Pass 1 applies the first well-placed one;
 * pass 2 reports the problems, so that they come out in file order.
 */
static void profile_line(struct policy_load *l, enum section sec, struct sv name, unsigned no,
			 unsigned *seen, bool report)
{
	char q[SV_QUOTE_LEN];

	if (sec == S_UNKNOWN)
		return; /* the section is reported */
	if (sec != S_TOP && sec != S_NTLMSSP) {
		if (report)
			ntlm_policy_error(
				l, no,
				"Profile belongs before any section or in [ntlmssp], not in "
				"[%s]",
				section_names[sec]);
		return;
	}
	if (*seen) {
		if (report)
			ntlm_policy_error(l, no, "Profile set twice (first at line %u)", *seen);
		return;
	}
	*seen = no;
	if (!l->profile_allowed) {
		if (report)
			ntlm_policy_error(
				l, no,
				"Profile: only the first file chooses the starting point, "
				"and only when no profile is named; later files set values");
		return;
	}
	if (!report) {
		(void)apply_profile(l, name, no);
		return;
	}
	if (l->p->profile_source.line != no) /* pass 1 could not apply it */
		ntlm_policy_error(l, no,
				  "unknown profile '%s' (known: cis, windows-default, strict, "
				  "legacy-insecure)",
				  ntlm_policy_sv_quote(name, q, sizeof(q)));
}

/* The section after a header line. */
static enum section next_section(const struct parsed_line *pl, enum section cur)
{
	if (pl->kind == L_SECTION)
		return section_of(pl->a);
	if (pl->kind == L_BAD_SECTION)
		return S_UNKNOWN;
	return cur;
}

/* Pass 1: starts the policy from the profile the file names. */
static void find_profile(struct policy_load *l)
{
	struct policy_lines it;
	struct sv raw;
	unsigned no, seen = 0;
	enum section sec = S_TOP;

	ntlm_policy_lines_init(&it, l);
	while (ntlm_policy_lines_next(&it, &raw, &no)) {
		struct parsed_line pl = parse_line(raw);
		sec = next_section(&pl, sec);
		if (pl.kind == L_PAIR && sv_eq_ci(pl.a, "Profile"))
			profile_line(l, sec, pl.b, no, &seen, false);
	}
}

void ntlm_policy_parse_conf(struct policy_load *l)
{
	struct policy_lines it;
	struct sv raw;
	unsigned no, profile_seen = 0;
	enum section sec = S_TOP;
	char q[SV_QUOTE_LEN];

	find_profile(l);
	ntlm_policy_lines_init(&it, l);
	while (ntlm_policy_lines_next(&it, &raw, &no)) {
		struct parsed_line pl = parse_line(raw);
		const struct policy_desc *d;

		sec = next_section(&pl, sec);
		switch (pl.kind) {
		case L_SKIP:
			continue;
		case L_BAD_SECTION:
			ntlm_policy_error(l, no, "malformed section header '%s'",
					  ntlm_policy_sv_quote(pl.a, q, sizeof(q)));
			continue;
		case L_SECTION:
			if (sec == S_UNKNOWN)
				ntlm_policy_error(l, no,
						  "unknown section [%s] (known: [MSV1_0], [Lsa], "
						  "[Netlogon], [ntlmssp])",
						  ntlm_policy_sv_quote(pl.a, q, sizeof(q)));
			continue;
		case L_NO_EQUALS:
			if (sec != S_UNKNOWN)
				ntlm_policy_error(l, no,
						  "missing '=' in '%s' (expected Name = value)",
						  ntlm_policy_sv_quote(pl.a, q, sizeof(q)));
			continue;
		case L_NO_NAME:
			if (sec != S_UNKNOWN)
				ntlm_policy_error(l, no, "missing setting name before '='");
			continue;
		case L_PAIR:
			break;
		}
		if (sv_eq_ci(pl.a, "Profile")) {
			profile_line(l, sec, pl.b, no, &profile_seen, true);
			continue;
		}
		if (sec == S_UNKNOWN)
			continue; /* reported with its header */
		d = ntlm_policy_desc_find(pl.a);
		if (!d) {
			if (sec == S_TOP)
				ntlm_policy_error(l, no, "unknown setting '%s' before any section",
						  ntlm_policy_sv_quote(pl.a, q, sizeof(q)));
			else
				ntlm_policy_error(l, no, "unknown setting '%s' in [%s]",
						  ntlm_policy_sv_quote(pl.a, q, sizeof(q)),
						  section_names[sec]);
			continue;
		}
		if (section_of_desc(d) != sec) {
			if (sec == S_TOP)
				ntlm_policy_error(l, no,
						  "%s must be in [%s], not before any section",
						  d->name, d->section);
			else
				ntlm_policy_error(l, no, "%s belongs in [%s], not [%s]", d->name,
						  d->section, section_names[sec]);
			continue;
		}
		conf_apply(l, d, pl.b, no);
	}
}

/* ---- setting one value --------------------------------------------------- */

ntlm_status ntlm_policy_set(struct ntlm_policy *p, const char *name, const char *value)
{
	struct policy_load l;
	const struct policy_desc *d;
	char q[SV_QUOTE_LEN];

	if (!p || !name || !value)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "policy set: missing argument");
	d = ntlm_policy_desc_find(sv_trim(sv_of(name)));
	if (!d)
		return ntlm_err(NTLM_E_CONFIG, "unknown setting '%s'",
				ntlm_policy_sv_quote(sv_of(name), q, sizeof(q)));
	memset(&l, 0, sizeof(l));
	l.name = NULL;
	snprintf(l.src_name, sizeof(l.src_name), "(set)");
	l.p = p;
	ntlm_policy_identity_forget(p);
	conf_apply(&l, d, sv_trim(sv_of(value)), 0);
	ntlm_policy_update_insecure(p);
	if (l.n_errors)
		return ntlm_err(l.first, "%s", l.first_msg);
	return NTLM_OK;
}
