/* SPDX-License-Identifier: MIT */
/*
 * policy: every rendering of a policy as text. ntlm_policy_dump (one line
 * per setting, for snapshots), ntlm_policy_write_native (the native config
 * `ntlm policy import` writes) and ntlm_policy_show (for people: for every
 * setting its value, the Group Policy name Windows shows for it and the
 * label of the value there, its registry path, what the value does in words,
 * and where it came from). The words are ours; the Windows names and labels
 * are those of the Security Options UI (docs/windows-policy.md).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/settings.h"

/* A bounded text buffer: appends stop at the first that does not fit, which
 * sets full; p stays NUL-terminated. */
struct policy_out {
	char *p;
	size_t cap;
	size_t len;
	bool full;
};

static void out_printf(struct policy_out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- rendering ----------------------------------------------------------- */

static void out_printf(struct policy_out *o, const char *fmt, ...)
{
	va_list ap;

	if (o->full)
		return;
	va_start(ap, fmt);
	int w = vsnprintf(o->p + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	if (w < 0 || (size_t)w >= o->cap - o->len) {
		o->full = true;
		o->p[o->len] = '\0';
		return;
	}
	o->len += (size_t)w;
}

static void render_list(struct policy_out *o, const struct ntlm_policy *p, enum ntlm_setting id)
{
	char q[NTLM_POLICY_MAX_PATTERN * 4 + 8];
	size_t n = ntlm_policy_list_count(p, id);

	for (size_t i = 0; i < n; i++)
		out_printf(o, "%s%s", i ? ", " : "",
			   ntlm_policy_sv_quote(ntlm_policy_list_entry(p, id, i), q, sizeof(q)));
}

/* The value as the native config spells it. */
static void render_value(struct policy_out *o, const struct ntlm_policy *p,
			 const struct policy_desc *d)
{
	uint32_t v = ntlm_policy_get_u32(p, d->id);
	const char *sym;

	switch (d->kind) {
	case PK_LIST:
		render_list(o, p, d->id);
		return;
	case PK_MASK:
		out_printf(o, "0x%08x", v);
		return;
	case PK_BOOL:
		out_printf(o, "%s", v ? "yes" : "no");
		return;
	case PK_SECONDS:
		out_printf(o, "%u", v);
		return;
	case PK_ENUM:
		sym = ntlm_policy_sym_name(d, v);
		if (d->reg_key == NULL && sym) /* ours: the name is the value */
			out_printf(o, "%s", sym);
		else
			out_printf(o, "%u", v);
		return;
	}
}

/* "Name = value" ("Name =" for an empty list: no trailing space). */
static void render_assignment(struct policy_out *o, const struct ntlm_policy *p,
			      const struct policy_desc *d)
{
	size_t before;

	out_printf(o, "%s =", d->name);
	before = o->len;
	out_printf(o, " ");
	render_value(o, p, d);
	if (o->len == before + 1 && !o->full)
		o->p[--o->len] = '\0';
}

/* The comment's first part: the symbolic meaning of a Windows value. */
static void render_meaning(struct policy_out *o, const struct ntlm_policy *p,
			   const struct policy_desc *d)
{
	uint32_t v = ntlm_policy_get_u32(p, d->id);
	char buf[160];
	const char *sym;

	switch (d->kind) {
	case PK_MASK:
		out_printf(o, "%s; ", ntlm_policy_mask_names(v, buf, sizeof(buf)));
		return;
	case PK_ENUM:
		sym = ntlm_policy_sym_name(d, v);
		if (d->reg_key != NULL)
			out_printf(o, "%s; ", sym ? sym : "invalid");
		return;
	case PK_SECONDS:
		out_printf(o, "seconds; ");
		return;
	case PK_LIST:
		out_printf(o, "%zu entr%s; ", v > NTLM_POLICY_MAX_SERVERS ? 0 : (size_t)v,
			   v == 1 ? "y" : "ies");
		return;
	case PK_BOOL:
		return;
	}
}

static void render_source(struct policy_out *o, const struct ntlm_policy *p,
			  const struct ntlm_policy_source *s)
{
	char q[SV_QUOTE_LEN * 2];
	struct sv f = { s->file, strnlen(s->file, sizeof(s->file)) };
	struct sv prof = { p->profile, strnlen(p->profile, sizeof(p->profile)) };

	if (s->undefined && f.n == 0)
		out_printf(o, "not defined (Windows default)");
	else if (s->undefined)
		out_printf(o, "not defined (Windows default): deleted at %s:%u",
			   ntlm_policy_sv_quote(f, q, sizeof(q)), s->line);
	else if (f.n == 0)
		out_printf(o, "profile %s", ntlm_policy_sv_quote(prof, q, sizeof(q)));
	else if (s->line)
		out_printf(o, "%s:%u", ntlm_policy_sv_quote(f, q, sizeof(q)), s->line);
	else
		out_printf(o, "%s", ntlm_policy_sv_quote(f, q, sizeof(q)));
}

static void render_insecure_list(struct policy_out *o, const struct ntlm_policy *p)
{
	bool any = false;
	for (unsigned i = 0; i < NTLM_SET_COUNT; i++) {
		if (!ntlm_policy_setting_insecure(p, (enum ntlm_setting)i))
			continue;
		out_printf(o, "%s%s", any ? ", " : " (",
			   ntlm_policy_desc((enum ntlm_setting)i)->name);
		any = true;
	}
	if (any)
		out_printf(o, ")");
}

static const char *value_text(const struct ntlm_policy *p, const struct policy_desc *d, char *buf,
			      size_t len)
{
	struct policy_out o = { buf, len, 0, false };

	if (len == 0)
		return buf;
	buf[0] = '\0';
	render_value(&o, p, d);
	return buf;
}

static const char *source_text(const struct ntlm_policy *p, const struct ntlm_policy_source *s,
			       char *buf, size_t len)
{
	struct policy_out o = { buf, len, 0, false };

	if (len == 0)
		return buf;
	buf[0] = '\0';
	render_source(&o, p, s);
	return buf;
}

static const char *insecure_text(const struct ntlm_policy *p, char *buf, size_t len)
{
	struct policy_out o = { buf, len, 0, false };

	if (len == 0)
		return buf;
	buf[0] = '\0';
	render_insecure_list(&o, p);
	return buf;
}

static ntlm_status out_done(struct policy_out *o)
{
	if (o->full)
		return ntlm_err(NTLM_E_BUFFER_TOO_SMALL,
				"policy text: buffer of %zu bytes too small", o->cap);
	return NTLM_OK;
}

ntlm_status ntlm_policy_dump(const struct ntlm_policy *p, char *buf, size_t len)
{
	struct policy_out o = { buf, len, 0, false };
	char q[SV_QUOTE_LEN];

	if (!p || !buf || len == 0)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "policy dump: no policy or buffer");
	buf[0] = '\0';
	out_printf(&o, "# profile = %s",
		   ntlm_policy_sv_quote(
			   (struct sv){ p->profile, strnlen(p->profile, sizeof(p->profile)) }, q,
			   sizeof(q)));
	if (p->profile_source.file[0]) {
		out_printf(&o, "  # ");
		render_source(&o, p, &p->profile_source);
	}
	out_printf(&o, "\n# insecure = %s", p->insecure ? "yes" : "no");
	render_insecure_list(&o, p);
	out_printf(&o, "\n");
	for (unsigned i = 0; i < NTLM_SET_COUNT; i++) {
		const struct policy_desc *d = ntlm_policy_desc((enum ntlm_setting)i);
		render_assignment(&o, p, d);
		out_printf(&o, "  # ");
		render_meaning(&o, p, d);
		render_source(&o, p, &p->source[i]);
		if (ntlm_policy_setting_insecure(p, d->id))
			out_printf(&o, "; INSECURE");
		out_printf(&o, "\n");
	}
	return out_done(&o);
}

ntlm_status ntlm_policy_write_native(const struct ntlm_policy *p, char *buf, size_t len)
{
	static const char *const sections[] = { "Lsa", "MSV1_0", "Netlogon", "ntlmssp" };
	struct policy_out o = { buf, len, 0, false };
	char q[SV_QUOTE_LEN];

	if (!p || !buf || len == 0)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "policy write: no policy or buffer");
	buf[0] = '\0';
	out_printf(&o, "# ntlmssp policy, native format (see docs/policy.md).\n"
		       "# Every setting is spelled out; Profile only names the starting point.\n");
	if (p->insecure) {
		out_printf(&o, "# WARNING: this policy is insecure");
		render_insecure_list(&o, p);
		out_printf(&o, ".\n");
	}
	out_printf(&o, "Profile = %s\n",
		   ntlm_policy_sv_quote(
			   (struct sv){ p->profile, strnlen(p->profile, sizeof(p->profile)) }, q,
			   sizeof(q)));
	for (size_t s = 0; s < ARRAY_SIZE(sections); s++) {
		out_printf(&o, "\n[%s]\n", sections[s]);
		for (unsigned i = 0; i < NTLM_SET_COUNT; i++) {
			const struct policy_desc *d = ntlm_policy_desc((enum ntlm_setting)i);
			if (strcmp(d->section, sections[s]) != 0)
				continue;
			render_assignment(&o, p, d);
			if (d->reg_key && d->kind != PK_LIST) {
				out_printf(&o, "  # ");
				size_t mark = o.len;
				render_meaning(&o, p, d);
				/* drop the "; " separator render_meaning ends with */
				if (!o.full && o.len >= mark + 2)
					o.p[o.len -= 2] = '\0';
			}
			out_printf(&o, "\n");
		}
	}
	return out_done(&o);
}

/* ---- the words -------------------------------------------------------------- */

/* Per setting: the Group Policy name (NULL for ours) and, for enumerations,
 * the UI label and our meaning of each value, indexed by the value. */
struct words {
	const char *gpo;
	const char *const *labels;   /* NULL-padded; indexed by value */
	const char *const *meanings; /* idem */
	size_t n;		     /* entries in labels / meanings */
};

#define GPO "Network security: "
#define GPO_RESTRICT GPO "Restrict NTLM: "

static const char *const lm_labels[] = {
	"Send LM & NTLM responses",
	"Send LM & NTLM - use NTLMv2 session security if negotiated",
	"Send NTLM response only",
	"Send NTLMv2 response only",
	"Send NTLMv2 response only. Refuse LM",
	"Send NTLMv2 response only. Refuse LM & NTLM",
};
static const char *const lm_meanings[] = {
	"a client sends LM and NTLMv1 responses and never uses NTLMv2 session security (ESS); a "
	"server accepts LM, NTLMv1 and NTLMv2",
	"a client sends LM and NTLMv1 responses, with NTLMv2 session security (ESS) when the "
	"server agrees; a server accepts LM, NTLMv1 and NTLMv2",
	"a client sends NTLMv1 responses only (no LM), with NTLMv2 session security (ESS) when the "
	"server agrees; a server accepts LM, NTLMv1 and NTLMv2",
	"a client sends NTLMv2 responses only; a server accepts LM, NTLMv1 and NTLMv2",
	"a client sends NTLMv2 responses only; a server refuses LM and accepts NTLMv1 and NTLMv2",
	"a client sends NTLMv2 responses only; a server accepts NTLMv2 only (LM and NTLMv1 "
	"refused)",
};

static const char *const send_labels[] = { "Allow all", "Audit all", "Deny all" };
static const char *const send_meanings[] = {
	"a client sends NTLM to any server",
	"a client sends NTLM to any server and audits each use (event 8001)",
	("a client refuses to send NTLM (event 4001) except to the servers in "
	 "ClientAllowedNTLMServers"),
};

static const char *const recv_labels[] = { "Allow all", "Deny all domain accounts",
					   "Deny all accounts" };
static const char *const recv_meanings[] = {
	"a server accepts NTLM logons of every account",
	"a server refuses NTLM logons of domain accounts (event 4002) and accepts local accounts",
	"a server refuses every NTLM logon (event 4002)",
};

static const char *const audit_recv_labels[] = { "Disable", "Enable auditing for domain accounts",
						 "Enable auditing for all accounts" };
static const char *const audit_recv_meanings[] = {
	"a server does not audit incoming NTLM",
	"a server audits the NTLM logons of domain accounts (event 8002)",
	"a server audits every NTLM logon (event 8002)",
};

static const char *const dom_labels[] = {
	[0] = "Disable",
	[1] = "Deny for domain accounts to domain servers",
	[3] = "Deny for domain accounts",
	[5] = "Deny for domain servers",
	[7] = "Deny all",
};
static const char *const dom_meanings[] = {
	[0] = "NTLM in the domain is allowed",
	[1] = "a domain controller would refuse NTLM logons of domain accounts to domain servers",
	[3] = "a domain controller would refuse NTLM logons of domain accounts",
	[5] = "a domain controller would refuse NTLM logons to domain servers",
	[7] = "a domain controller would refuse every NTLM logon in the domain",
};

static const char *const audit_dom_labels[] = {
	[0] = "Disable",
	[1] = "Enable for domain accounts to domain servers",
	[3] = "Enable for domain accounts",
	[5] = "Enable for domain servers",
	[7] = "Enable all",
};
static const char *const audit_dom_meanings[] = {
	[0] = "NTLM in the domain is not audited",
	[1] = "a domain controller would audit NTLM logons of domain accounts to domain servers",
	[3] = "a domain controller would audit NTLM logons of domain accounts",
	[5] = "a domain controller would audit NTLM logons to domain servers",
	[7] = "a domain controller would audit every NTLM logon in the domain",
};

static const char *const audit_failure_meanings[] = {
	"a handshake whose audit record cannot be written goes on; the loss is counted and "
	"reported",
	"a handshake whose audit record cannot be written fails",
};

static const char *const cb_meanings[] = {
	"a server ignores channel bindings (MsvAvChannelBindings)",
	"a server verifies channel bindings when the client sends them and accepts their absence",
	("a server refuses an AUTHENTICATE without channel bindings (event 9003) and verifies them "
	 "when present"),
};

/* clang-format off */
#define W(gpo, l, m) {gpo, l, m, ARRAY_SIZE(l)}
/* clang-format on */

static const struct words words[NTLM_SET_COUNT] = {
	[NTLM_SET_LM_COMPAT] = W(GPO "LAN Manager authentication level", lm_labels, lm_meanings),
	[NTLM_SET_MIN_CLIENT_SEC] = { GPO "Minimum session security for NTLM SSP based (including "
					  "secure RPC) clients",
				      NULL, NULL, 0 },
	[NTLM_SET_MIN_SERVER_SEC] = { GPO "Minimum session security for NTLM SSP based (including "
					  "secure RPC) servers",
				      NULL, NULL, 0 },
	[NTLM_SET_RESTRICT_SENDING] = W(GPO_RESTRICT "Outgoing NTLM traffic to remote servers",
					send_labels, send_meanings),
	[NTLM_SET_CLIENT_ALLOWED_SERVERS] = { GPO_RESTRICT "Add remote server exceptions for NTLM "
							   "authentication",
					      NULL, NULL, 0 },
	[NTLM_SET_RESTRICT_RECEIVING] =
		W(GPO_RESTRICT "Incoming NTLM traffic", recv_labels, recv_meanings),
	[NTLM_SET_AUDIT_RECEIVING] = W(GPO_RESTRICT "Audit Incoming NTLM Traffic",
				       audit_recv_labels, audit_recv_meanings),
	[NTLM_SET_RESTRICT_IN_DOMAIN] =
		W(GPO_RESTRICT "NTLM authentication in this domain", dom_labels, dom_meanings),
	[NTLM_SET_AUDIT_IN_DOMAIN] = W(GPO_RESTRICT "Audit NTLM authentication in this domain",
				       audit_dom_labels, audit_dom_meanings),
	[NTLM_SET_DC_ALLOWED_SERVERS] = { GPO_RESTRICT "Add server exceptions in this domain", NULL,
					  NULL, 0 },
	[NTLM_SET_CHANNEL_BINDINGS] = { NULL, NULL, cb_meanings, ARRAY_SIZE(cb_meanings) },
	[NTLM_SET_AUDIT_FAILURE] = { NULL, NULL, audit_failure_meanings,
				     ARRAY_SIZE(audit_failure_meanings) },
};

/* NtlmMin*Sec bits: the flag, the Windows UI label, our words. */
static const struct {
	uint32_t bit;
	const char *flag;
	const char *label;
	const char *words;
} minsec_bits[] = {
	{ NTLM_MINSEC_INTEGRITY, "NTLMSSP_NEGOTIATE_SIGN", "Require message integrity",
	  "message integrity" },
	{ NTLM_MINSEC_CONFIDENTIALITY, "NTLMSSP_NEGOTIATE_SEAL", "Require message confidentiality",
	  "message confidentiality" },
	{ NTLM_MINSEC_NTLM2, "NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY",
	  "Require NTLMv2 session security", "NTLMv2 session security" },
	{ NTLM_MINSEC_128, "NTLMSSP_NEGOTIATE_128", "Require 128-bit encryption", "128-bit keys" },
};

/* ---- output ---------------------------------------------------------------- */

static const char *lookup(const char *const *tab, size_t n, uint32_t v)
{
	return v < n && tab[v] ? tab[v] : NULL;
}

/* The Windows UI label of the value (after the GPO name). */
static void put_label(struct policy_out *o, const struct ntlm_policy *p, enum ntlm_setting id,
		      const char *val)
{
	const struct words *w = &words[id];
	uint32_t v = ntlm_policy_get_u32(p, id);
	const char *l;
	bool any = false;

	switch (id) {
	case NTLM_SET_MIN_CLIENT_SEC:
	case NTLM_SET_MIN_SERVER_SEC:
		for (size_t i = 0; i < ARRAY_SIZE(minsec_bits); i++) {
			if (!(v & minsec_bits[i].bit))
				continue;
			out_printf(o, "%s%s", any ? ", " : "", minsec_bits[i].label);
			any = true;
		}
		if (!any)
			out_printf(o, "(no box checked)");
		return;
	case NTLM_SET_CLIENT_ALLOWED_SERVERS:
	case NTLM_SET_DC_ALLOWED_SERVERS:
	case NTLM_SET_ACCOUNTS:
		out_printf(o, "%s", v ? val : "(empty)");
		return;
	default:
		l = lookup(w->labels, w->n, v);
		out_printf(o, "%s", l ? l : "(no such option)");
		return;
	}
}

/* The bits of a NtlmMin*Sec mask in words: "a, b and c". */
static void put_bits(struct policy_out *o, uint32_t v)
{
	size_t n = 0, k = 0;

	for (size_t i = 0; i < ARRAY_SIZE(minsec_bits); i++)
		n += (v & minsec_bits[i].bit) != 0;
	for (size_t i = 0; i < ARRAY_SIZE(minsec_bits); i++) {
		if (!(v & minsec_bits[i].bit))
			continue;
		k++;
		out_printf(o, "%s%s (0x%08x %s)",
			   k == 1   ? ""
			   : k == n ? " and "
				    : ", ",
			   minsec_bits[i].words, minsec_bits[i].bit, minsec_bits[i].flag);
	}
}

static void put_meaning(struct policy_out *o, const struct ntlm_policy *p, enum ntlm_setting id)
{
	const struct words *w = &words[id];
	uint32_t v = ntlm_policy_get_u32(p, id);
	const char *m;

	switch (id) {
	case NTLM_SET_MIN_CLIENT_SEC:
	case NTLM_SET_MIN_SERVER_SEC: {
		bool client = id == NTLM_SET_MIN_CLIENT_SEC;
		if (v == 0) {
			out_printf(
				o,
				"no minimum: a %s accepts whatever session security the %s offers",
				client ? "client" : "server", client ? "server" : "client");
			return;
		}
		out_printf(o, "a %s fails the exchange (event %u) unless %s ",
			   client ? "client" : "server",
			   client ? NTLM_EVENT_MIN_CLIENT_SEC : NTLM_EVENT_MIN_SERVER_SEC,
			   client ? "the server's CHALLENGE negotiates"
				  : "the client's NEGOTIATE and AUTHENTICATE negotiate");
		put_bits(o, v);
		if ((v & NTLM_MINSEC_128) && !p->strict_min_sec)
			out_printf(o, "; 128-bit keys are only required when signing or sealing is "
				      "negotiated (StrictMinSec = no)");
		return;
	}
	case NTLM_SET_CLIENT_ALLOWED_SERVERS:
		if (v == 0)
			out_printf(o, "no exceptions to RestrictSendingNTLMTraffic = 2 (Deny)");
		else
			out_printf(
				o,
				"%u server name pattern%s matched against the target's host ('*' "
				"within a label) that "
				"a client may still send NTLM to under RestrictSendingNTLMTraffic "
				"= "
				"2 (Deny)",
				v, v == 1 ? "" : "s");
		if (p->restrict_sending != 2)
			out_printf(o, "; not in effect at RestrictSendingNTLMTraffic = %u",
				   p->restrict_sending);
		return;
	case NTLM_SET_ACCOUNTS:
		if (v == 0)
			out_printf(o,
				   "none: a server takes its account backends from its front end "
				   "(--accounts)");
		else
			out_printf(
				o,
				"%u account backend%s, asked in this order (file:PATH, winbind); "
				"the first that knows the account decides; a front end's "
				"--accounts replaces them",
				v, v == 1 ? "" : "s");
		return;
	case NTLM_SET_AUDIT_LOG:
		if (v == 0 || (v == 1 && strcmp(p->audit_log[0], "none") == 0))
			out_printf(o, "no audit destination: the front ends drop their events "
				      "(a front end's --audit still names a file)");
		else
			out_printf(o,
				   "%u audit destination%s of the tools and servers (syslog and "
				   "journal: facility authpriv); a front end's --audit FILE "
				   "replaces them",
				   v, v == 1 ? "" : "s");
		return;
	case NTLM_SET_DC_ALLOWED_SERVERS:
		if (v == 0)
			out_printf(o, "no exceptions");
		else
			out_printf(o, "%u server name pattern%s exempt from RestrictNTLMInDomain",
				   v, v == 1 ? "" : "s");
		out_printf(o, " (a domain controller setting: loaded and shown, not enforced)");
		return;
	case NTLM_SET_RESTRICT_IN_DOMAIN:
	case NTLM_SET_AUDIT_IN_DOMAIN:
		m = lookup(w->meanings, w->n, v);
		out_printf(o, "%s (a domain controller setting: loaded and shown, not enforced)",
			   m ? m : "invalid value");
		return;
	case NTLM_SET_STRICT_MIN_SEC:
		if (v)
			out_printf(
				o,
				"every bit of NtlmMinClientSec / NtlmMinServerSec is required as "
				"written, Require128 also when neither signing nor sealing is "
				"negotiated");
		else
			out_printf(o,
				   "Require128 in NtlmMinClientSec / NtlmMinServerSec is met when "
				   "neither signing nor sealing is negotiated (as Windows "
				   "behaves); the "
				   "other bits are required as written");
		return;
	case NTLM_SET_REQUIRE_MIC:
		if (v)
			out_printf(o, "a server refuses an AUTHENTICATE without a MIC (event %u)",
				   NTLM_EVENT_MIC_FAILURE);
		else
			out_printf(o,
				   "a server accepts an AUTHENTICATE without a MIC; a MIC that is "
				   "present is always verified");
		return;
	case NTLM_SET_MAX_CLOCK_SKEW:
		out_printf(o,
			   "a server refuses an NTLMv2 response whose timestamp is more than %u "
			   "second%s from its clock (event %u)",
			   v, v == 1 ? "" : "s", NTLM_EVENT_REPLAY);
		return;
	case NTLM_SET_ALLOW_ANONYMOUS:
		if (v)
			out_printf(o, "a server accepts anonymous logons (audited as event %u)",
				   NTLM_EVENT_INSECURE_POLICY);
		else
			out_printf(o, "a server refuses anonymous logons (event %u)",
				   NTLM_EVENT_ANONYMOUS_REFUSED);
		return;
	case NTLM_SET_LM_COMPAT:
	case NTLM_SET_RESTRICT_SENDING:
	case NTLM_SET_RESTRICT_RECEIVING:
	case NTLM_SET_AUDIT_RECEIVING:
	case NTLM_SET_CHANNEL_BINDINGS:
	case NTLM_SET_AUDIT_FAILURE:
	case NTLM_SET_COUNT:
	default: /* a setting with no words here: its row's line */
		break;
	}
	m = lookup(w->meanings, w->n, v);
	if (!m && w->meanings == NULL && ntlm_policy_desc(id)->doc)
		m = ntlm_policy_desc(id)->doc;
	out_printf(o, "%s", m ? m : "invalid value");
}

static void put_setting(struct policy_out *o, const struct ntlm_policy *p,
			const struct policy_desc *d, char *val, size_t val_len)
{
	const struct words *w = &words[d->id];
	char sym[160], src[256];
	const char *s;

	value_text(p, d, val, val_len);
	out_printf(o, "%s =%s%s", d->name, val[0] ? " " : "", val);
	switch (d->kind) {
	case PK_MASK:
		out_printf(o, " (%s)",
			   ntlm_policy_mask_names(ntlm_policy_get_u32(p, d->id), sym, sizeof(sym)));
		break;
	case PK_ENUM:
		s = ntlm_policy_sym_name(d, ntlm_policy_get_u32(p, d->id));
		if (d->reg_key && s) /* ours spell the name as the value already */
			out_printf(o, " (%s)", s);
		break;
	case PK_SECONDS:
		out_printf(o, " (seconds)");
		break;
	case PK_LIST:
	case PK_BOOL:
		break;
	}
	if (ntlm_policy_setting_insecure(p, d->id))
		out_printf(o, "  INSECURE");
	out_printf(o, "\n");

	if (w->gpo) {
		out_printf(o, "  windows:  %s = ", w->gpo);
		put_label(o, p, d->id, val);
		out_printf(o, "\n");
	} else {
		out_printf(o, "  windows:  none (an ntlmssp setting, section [%s])\n", d->section);
	}
	if (d->reg_key)
		out_printf(o, "  registry: HKLM\\SYSTEM\\CurrentControlSet\\%s\\%s (%s)\n",
			   d->reg_key, d->name, d->kind == PK_LIST ? "REG_MULTI_SZ" : "REG_DWORD");
	else
		out_printf(o, "  registry: none\n");
	out_printf(o, "  meaning:  ");
	put_meaning(o, p, d->id);
	out_printf(o, "\n  source:   %s\n", source_text(p, &p->source[d->id], src, sizeof(src)));
}

ntlm_status ntlm_policy_show(const struct ntlm_policy *p, char *buf, size_t len)
{
	/* A whole list: every entry is printable ASCII, so it is not escaped. */
	const size_t val_len = NTLM_POLICY_MAX_SERVERS * (NTLM_POLICY_MAX_PATTERN + 2) + 16;
	struct policy_out o = { buf, len, 0, false };
	char q[SV_QUOTE_LEN], src[256], ins[512];
	char *val;

	if (!p || !buf || len == 0)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "policy show: no policy or buffer");
	buf[0] = '\0';
	val = malloc(val_len);
	if (!val)
		return ntlm_err(NTLM_E_NOMEM, "out of memory");
	out_printf(&o, "profile: %s",
		   ntlm_policy_sv_quote(
			   (struct sv){ p->profile, strnlen(p->profile, sizeof(p->profile)) }, q,
			   sizeof(q)));
	if (p->profile_source.file[0])
		out_printf(&o, " (named at %s)",
			   source_text(p, &p->profile_source, src, sizeof(src)));
	out_printf(&o, "\ninsecure: %s%s\n", p->insecure ? "yes" : "no",
		   insecure_text(p, ins, sizeof(ins)));
	for (unsigned i = 0; i < NTLM_SET_COUNT; i++) {
		out_printf(&o, "\n");
		put_setting(&o, p, ntlm_policy_desc((enum ntlm_setting)i), val, val_len);
	}
	free(val);
	if (o.full)
		return ntlm_err(NTLM_E_BUFFER_TOO_SMALL,
				"policy show: buffer of %zu bytes too small", len);
	return NTLM_OK;
}
