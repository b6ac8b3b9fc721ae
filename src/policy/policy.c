/* SPDX-License-Identifier: MIT */
/*
 * policy: the settings table (names, sections, registry keys, symbolic
 * values), value checks, the text renderers (dump, native config), and the
 * decisions. Every decision is a pure function of the policy and its
 * arguments that fills a struct ntlm_verdict; none has side effects.
 *
 * Semantics: shared reference "windows-policy.md"; choices: docs/policy.md.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "policy/priv.h"

/* ---- the settings table ------------------------------------------------- */

static const struct policy_sym lm_syms[] = {
	{ "SendLMAndNTLM", 0 },
	{ "SendLMAndNTLMUseNTLMv2SessionSecurity", 1 },
	{ "SendNTLMOnly", 2 },
	{ "SendNTLMv2Only", 3 },
	{ "SendNTLMv2OnlyRefuseLM", 4 },
	{ "SendNTLMv2OnlyRefuseLMAndNTLM", 5 },
	{ NULL, 0 },
};

/* NtlmMin*Sec: bit names, in bit order; "None" is 0. */
static const struct policy_sym minsec_syms[] = {
	{ "RequireIntegrity", NTLM_MINSEC_INTEGRITY },
	{ "RequireConfidentiality", NTLM_MINSEC_CONFIDENTIALITY },
	{ "RequireNTLMv2SessionSecurity", NTLM_MINSEC_NTLM2 },
	{ "Require128", NTLM_MINSEC_128 },
	{ "None", 0 },
	{ NULL, 0 },
};

static const struct policy_sym send_syms[] = {
	{ "Allow", 0 },
	{ "Audit", 1 },
	{ "Deny", 2 },
	{ NULL, 0 },
};

static const struct policy_sym recv_syms[] = {
	{ "Allow", 0 },
	{ "DenyDomainAccounts", 1 },
	{ "DenyAll", 2 },
	{ NULL, 0 },
};

static const struct policy_sym audit_recv_syms[] = {
	{ "Disable", 0 },
	{ "DomainAccounts", 1 },
	{ "AllAccounts", 2 },
	{ NULL, 0 },
};

static const struct policy_sym restrict_dom_syms[] = {
	{ "Disable", 0 },
	{ "DenyDomainAccountsToDomainServers", 1 },
	{ "DenyDomainAccounts", 3 },
	{ "DenyDomainServers", 5 },
	{ "DenyAll", 7 },
	{ NULL, 0 },
};

static const struct policy_sym audit_dom_syms[] = {
	{ "Disable", 0 },
	{ "DomainAccountsToDomainServers", 1 },
	{ "DomainAccounts", 3 },
	{ "DomainServers", 5 },
	{ "All", 7 },
	{ NULL, 0 },
};

static const struct policy_sym cb_syms[] = {
	{ "Off", NTLM_CB_OFF },
	{ "Accept", NTLM_CB_ACCEPT },
	{ "Require", NTLM_CB_REQUIRE },
	{ NULL, 0 },
};

#define MSV "Control\\Lsa\\MSV1_0"
#define NETLOGON "Services\\Netlogon\\Parameters"

/* In enum ntlm_setting order. */
static const struct policy_desc descs[NTLM_SET_COUNT] = {
	{ NTLM_SET_LM_COMPAT, "LmCompatibilityLevel", "Lsa", "Control\\Lsa", PK_ENUM, lm_syms },
	{ NTLM_SET_MIN_CLIENT_SEC, "NtlmMinClientSec", "MSV1_0", MSV, PK_MASK, minsec_syms },
	{ NTLM_SET_MIN_SERVER_SEC, "NtlmMinServerSec", "MSV1_0", MSV, PK_MASK, minsec_syms },
	{ NTLM_SET_RESTRICT_SENDING, "RestrictSendingNTLMTraffic", "MSV1_0", MSV, PK_ENUM,
	  send_syms },
	{ NTLM_SET_CLIENT_ALLOWED_SERVERS, "ClientAllowedNTLMServers", "MSV1_0", MSV, PK_LIST,
	  NULL },
	{ NTLM_SET_RESTRICT_RECEIVING, "RestrictReceivingNTLMTraffic", "MSV1_0", MSV, PK_ENUM,
	  recv_syms },
	{ NTLM_SET_AUDIT_RECEIVING, "AuditReceivingNTLMTraffic", "MSV1_0", MSV, PK_ENUM,
	  audit_recv_syms },
	{ NTLM_SET_RESTRICT_IN_DOMAIN, "RestrictNTLMInDomain", "Netlogon", NETLOGON, PK_ENUM,
	  restrict_dom_syms },
	{ NTLM_SET_AUDIT_IN_DOMAIN, "AuditNTLMInDomain", "Netlogon", NETLOGON, PK_ENUM,
	  audit_dom_syms },
	{ NTLM_SET_DC_ALLOWED_SERVERS, "DCAllowedNTLMServers", "Netlogon", NETLOGON, PK_LIST,
	  NULL },
	{ NTLM_SET_STRICT_MIN_SEC, "StrictMinSec", "ntlmssp", NULL, PK_BOOL, NULL },
	{ NTLM_SET_REQUIRE_MIC, "RequireMIC", "ntlmssp", NULL, PK_BOOL, NULL },
	{ NTLM_SET_CHANNEL_BINDINGS, "ChannelBindings", "ntlmssp", NULL, PK_ENUM, cb_syms },
	{ NTLM_SET_MAX_CLOCK_SKEW, "MaxClockSkew", "ntlmssp", NULL, PK_SECONDS, NULL },
	{ NTLM_SET_ALLOW_ANONYMOUS, "AllowAnonymous", "ntlmssp", NULL, PK_BOOL, NULL },
};

const struct policy_desc *policy_desc(enum ntlm_setting id)
{
	if ((unsigned)id >= NTLM_SET_COUNT)
		return &descs[0];
	return &descs[id];
}

const struct policy_desc *policy_desc_find(struct sv name)
{
	for (size_t i = 0; i < ARRAY_SIZE(descs); i++)
		if (sv_eq_ci(name, descs[i].name))
			return &descs[i];
	return NULL;
}

const char *ntlm_policy_setting_name(enum ntlm_setting s)
{
	return (unsigned)s < NTLM_SET_COUNT ? descs[s].name : "?";
}

const char *ntlm_policy_setting_section(enum ntlm_setting s)
{
	return (unsigned)s < NTLM_SET_COUNT ? descs[s].section : "?";
}

const char *policy_sym_name(const struct policy_desc *d, uint32_t v)
{
	if (d->kind == PK_BOOL)
		return v ? "yes" : "no";
	if (d->kind != PK_ENUM || !d->syms)
		return NULL;
	for (const struct policy_sym *s = d->syms; s->name; s++)
		if (s->value == v)
			return s->name;
	return NULL;
}

const char *policy_sym_list(const struct policy_desc *d, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (const struct policy_sym *s = d->syms; s && s->name; s++) {
		int w = snprintf(buf + o, len - o, "%s%s", o ? ", " : "", s->name);
		if (w < 0 || (size_t)w >= len - o)
			break;
		o += (size_t)w;
	}
	return buf;
}

const char *policy_mask_names(uint32_t mask, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	if (mask == 0) {
		snprintf(buf, len, "None");
		return buf;
	}
	for (const struct policy_sym *s = minsec_syms; s->name; s++) {
		if (!s->value || !(mask & s->value))
			continue;
		int w = snprintf(buf + o, len - o, "%s%s", o ? "|" : "", s->name);
		if (w < 0 || (size_t)w >= len - o)
			return buf;
		o += (size_t)w;
		mask &= ~s->value;
	}
	if (mask)
		snprintf(buf + o, len - o, "%s0x%08x", o ? "|" : "", mask);
	return buf;
}

uint32_t policy_get_u32(const struct ntlm_policy *p, enum ntlm_setting id)
{
	switch (id) {
	case NTLM_SET_LM_COMPAT:
		return p->lm_compat;
	case NTLM_SET_MIN_CLIENT_SEC:
		return p->min_client_sec;
	case NTLM_SET_MIN_SERVER_SEC:
		return p->min_server_sec;
	case NTLM_SET_RESTRICT_SENDING:
		return p->restrict_sending;
	case NTLM_SET_RESTRICT_RECEIVING:
		return p->restrict_receiving;
	case NTLM_SET_AUDIT_RECEIVING:
		return p->audit_receiving;
	case NTLM_SET_RESTRICT_IN_DOMAIN:
		return p->restrict_in_domain;
	case NTLM_SET_AUDIT_IN_DOMAIN:
		return p->audit_in_domain;
	case NTLM_SET_STRICT_MIN_SEC:
		return p->strict_min_sec;
	case NTLM_SET_REQUIRE_MIC:
		return p->require_mic;
	case NTLM_SET_CHANNEL_BINDINGS:
		return (uint32_t)p->channel_bindings;
	case NTLM_SET_MAX_CLOCK_SKEW:
		return p->max_clock_skew;
	case NTLM_SET_ALLOW_ANONYMOUS:
		return p->allow_anonymous;
	case NTLM_SET_CLIENT_ALLOWED_SERVERS:
		return (uint32_t)p->n_client_allowed;
	case NTLM_SET_DC_ALLOWED_SERVERS:
		return (uint32_t)p->n_dc_allowed;
	case NTLM_SET_COUNT:
		break;
	}
	return 0;
}

void policy_set_u32(struct ntlm_policy *p, enum ntlm_setting id, uint32_t v)
{
	switch (id) {
	case NTLM_SET_LM_COMPAT:
		p->lm_compat = v;
		break;
	case NTLM_SET_MIN_CLIENT_SEC:
		p->min_client_sec = v;
		break;
	case NTLM_SET_MIN_SERVER_SEC:
		p->min_server_sec = v;
		break;
	case NTLM_SET_RESTRICT_SENDING:
		p->restrict_sending = v;
		break;
	case NTLM_SET_RESTRICT_RECEIVING:
		p->restrict_receiving = v;
		break;
	case NTLM_SET_AUDIT_RECEIVING:
		p->audit_receiving = v;
		break;
	case NTLM_SET_RESTRICT_IN_DOMAIN:
		p->restrict_in_domain = v;
		break;
	case NTLM_SET_AUDIT_IN_DOMAIN:
		p->audit_in_domain = v;
		break;
	case NTLM_SET_STRICT_MIN_SEC:
		p->strict_min_sec = v != 0;
		break;
	case NTLM_SET_REQUIRE_MIC:
		p->require_mic = v != 0;
		break;
	case NTLM_SET_CHANNEL_BINDINGS:
		p->channel_bindings = (enum ntlm_cb_mode)v;
		break;
	case NTLM_SET_MAX_CLOCK_SKEW:
		p->max_clock_skew = v;
		break;
	case NTLM_SET_ALLOW_ANONYMOUS:
		p->allow_anonymous = v != 0;
		break;
	case NTLM_SET_CLIENT_ALLOWED_SERVERS:
	case NTLM_SET_DC_ALLOWED_SERVERS:
	case NTLM_SET_COUNT:
		break;
	}
	policy_update_insecure(p);
}

bool policy_check_u32(const struct policy_desc *d, uint32_t v, char *msg, size_t len)
{
	const struct policy_sym *s;
	uint32_t top = 0;
	bool contiguous = true;
	size_t o;

	switch (d->kind) {
	case PK_MASK:
		if (v & ~NTLM_MINSEC_ALLOWED) {
			snprintf(msg, len,
				 "bits 0x%08x are not allowed (allowed: 0x00000010, 0x00000020, "
				 "0x00080000, 0x20000000)",
				 v & ~NTLM_MINSEC_ALLOWED);
			return false;
		}
		return true;
	case PK_BOOL:
		if (v > 1) {
			snprintf(msg, len,
				 "not a boolean (0 or 1, yes or no, true or false, on or off)");
			return false;
		}
		return true;
	case PK_SECONDS:
		if (v < 1 || v > NTLM_POLICY_MAX_CLOCK_SKEW) {
			snprintf(msg, len, "out of range (1..%u seconds)",
				 NTLM_POLICY_MAX_CLOCK_SKEW);
			return false;
		}
		return true;
	case PK_LIST:
		return true;
	case PK_ENUM:
		break;
	}
	for (s = d->syms; s->name; s++) {
		if (s->value == v)
			return true;
		if (s->value != top++)
			contiguous = false;
	}
	if (contiguous) {
		snprintf(msg, len, "out of range (0..%u)", top - 1);
		return false;
	}
	o = (size_t)snprintf(msg, len, "not one of ");
	for (s = d->syms; s->name && o < len; s++)
		o += (size_t)snprintf(msg + o, len - o, "%s%u", s == d->syms ? "" : ", ", s->value);
	return false;
}

bool policy_check_pattern(struct sv s, char *msg, size_t len)
{
	if (s.n == 0) {
		snprintf(msg, len, "empty");
		return false;
	}
	if (s.n > NTLM_POLICY_MAX_PATTERN) {
		snprintf(msg, len, "longer than %d characters", NTLM_POLICY_MAX_PATTERN);
		return false;
	}
	for (size_t i = 0; i < s.n; i++) {
		unsigned char c = (unsigned char)s.p[i];
		if (c <= 0x20 || c >= 0x7f || c == ',' || c == ';' || c == '#' || c == '"' ||
		    c == '\\') {
			snprintf(msg, len,
				 "only printable ASCII without spaces, ',', ';', '#', '\"' or '\\' "
				 "is allowed");
			return false;
		}
	}
	return true;
}

/* ---- insecure ------------------------------------------------------------ */

bool policy_setting_insecure(const struct ntlm_policy *p, enum ntlm_setting id)
{
	switch (id) {
	case NTLM_SET_LM_COMPAT:
		return p->lm_compat < 3; /* the client sends LM / NTLMv1 */
	case NTLM_SET_ALLOW_ANONYMOUS:
		return p->allow_anonymous;
	default:
		return false;
	}
}

void policy_update_insecure(struct ntlm_policy *p)
{
	p->insecure = false;
	for (unsigned i = 0; i < NTLM_SET_COUNT; i++)
		if (policy_setting_insecure(p, (enum ntlm_setting)i))
			p->insecure = true;
}

/* ---- rendering ----------------------------------------------------------- */

void policy_out_printf(struct policy_out *o, const char *fmt, ...)
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
	bool client = id == NTLM_SET_CLIENT_ALLOWED_SERVERS;
	size_t n = client ? p->n_client_allowed : p->n_dc_allowed;
	char q[NTLM_POLICY_MAX_PATTERN * 4 + 8];

	if (n > NTLM_POLICY_MAX_SERVERS)
		n = NTLM_POLICY_MAX_SERVERS;
	for (size_t i = 0; i < n; i++) {
		const char *e = client ? p->client_allowed[i] : p->dc_allowed[i];
		struct sv s = { e, strnlen(e, NTLM_POLICY_MAX_PATTERN + 1) };
		if (s.n > NTLM_POLICY_MAX_PATTERN)
			s.n = NTLM_POLICY_MAX_PATTERN;
		policy_out_printf(o, "%s%s", i ? ", " : "", sv_quote(s, q, sizeof(q)));
	}
}

/* The value as the native config spells it. */
static void render_value(struct policy_out *o, const struct ntlm_policy *p,
			 const struct policy_desc *d)
{
	uint32_t v = policy_get_u32(p, d->id);
	const char *sym;

	switch (d->kind) {
	case PK_LIST:
		render_list(o, p, d->id);
		return;
	case PK_MASK:
		policy_out_printf(o, "0x%08x", v);
		return;
	case PK_BOOL:
		policy_out_printf(o, "%s", v ? "yes" : "no");
		return;
	case PK_SECONDS:
		policy_out_printf(o, "%u", v);
		return;
	case PK_ENUM:
		sym = policy_sym_name(d, v);
		if (d->reg_key == NULL && sym) /* ours: the name is the value */
			policy_out_printf(o, "%s", sym);
		else
			policy_out_printf(o, "%u", v);
		return;
	}
}

/* The comment's first part: the symbolic meaning of a Windows value. */
static void render_meaning(struct policy_out *o, const struct ntlm_policy *p,
			   const struct policy_desc *d)
{
	uint32_t v = policy_get_u32(p, d->id);
	char buf[160];
	const char *sym;

	switch (d->kind) {
	case PK_MASK:
		policy_out_printf(o, "%s; ", policy_mask_names(v, buf, sizeof(buf)));
		return;
	case PK_ENUM:
		sym = policy_sym_name(d, v);
		if (d->reg_key != NULL)
			policy_out_printf(o, "%s; ", sym ? sym : "invalid");
		return;
	case PK_SECONDS:
		policy_out_printf(o, "seconds; ");
		return;
	case PK_LIST:
		policy_out_printf(o, "%zu entr%s; ", v > NTLM_POLICY_MAX_SERVERS ? 0 : (size_t)v,
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

	if (f.n == 0)
		policy_out_printf(o, "profile %s", sv_quote(prof, q, sizeof(q)));
	else if (s->line)
		policy_out_printf(o, "%s:%u", sv_quote(f, q, sizeof(q)), s->line);
	else
		policy_out_printf(o, "%s", sv_quote(f, q, sizeof(q)));
}

static void render_insecure_list(struct policy_out *o, const struct ntlm_policy *p)
{
	bool any = false;
	for (unsigned i = 0; i < NTLM_SET_COUNT; i++) {
		if (!policy_setting_insecure(p, (enum ntlm_setting)i))
			continue;
		policy_out_printf(o, "%s%s", any ? ", " : " (", descs[i].name);
		any = true;
	}
	if (any)
		policy_out_printf(o, ")");
}

const char *policy_value_text(const struct ntlm_policy *p, const struct policy_desc *d, char *buf,
			      size_t len)
{
	struct policy_out o = { buf, len, 0, false };

	if (len == 0)
		return buf;
	buf[0] = '\0';
	render_value(&o, p, d);
	return buf;
}

const char *policy_source_text(const struct ntlm_policy *p, const struct ntlm_policy_source *s,
			       char *buf, size_t len)
{
	struct policy_out o = { buf, len, 0, false };

	if (len == 0)
		return buf;
	buf[0] = '\0';
	render_source(&o, p, s);
	return buf;
}

const char *policy_insecure_text(const struct ntlm_policy *p, char *buf, size_t len)
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
	policy_out_printf(
		&o, "# profile = %s",
		sv_quote((struct sv){ p->profile, strnlen(p->profile, sizeof(p->profile)) }, q,
			 sizeof(q)));
	if (p->profile_source.file[0]) {
		policy_out_printf(&o, "  # ");
		render_source(&o, p, &p->profile_source);
	}
	policy_out_printf(&o, "\n# insecure = %s", p->insecure ? "yes" : "no");
	render_insecure_list(&o, p);
	policy_out_printf(&o, "\n");
	for (unsigned i = 0; i < NTLM_SET_COUNT; i++) {
		const struct policy_desc *d = &descs[i];
		size_t before;
		policy_out_printf(&o, "%s =", d->name);
		before = o.len;
		policy_out_printf(&o, " ");
		render_value(&o, p, d);
		if (o.len == before + 1 && !o.full) /* empty list: no trailing space */
			o.p[--o.len] = '\0';
		policy_out_printf(&o, "  # ");
		render_meaning(&o, p, d);
		render_source(&o, p, &p->source[i]);
		if (policy_setting_insecure(p, d->id))
			policy_out_printf(&o, "; INSECURE");
		policy_out_printf(&o, "\n");
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
	policy_out_printf(
		&o, "# ntlmssp policy, native format (see docs/policy.md).\n"
		    "# Every setting is spelled out; Profile only names the starting point.\n");
	if (p->insecure) {
		policy_out_printf(&o, "# WARNING: this policy is insecure");
		render_insecure_list(&o, p);
		policy_out_printf(&o, ".\n");
	}
	policy_out_printf(
		&o, "Profile = %s\n",
		sv_quote((struct sv){ p->profile, strnlen(p->profile, sizeof(p->profile)) }, q,
			 sizeof(q)));
	for (size_t s = 0; s < ARRAY_SIZE(sections); s++) {
		policy_out_printf(&o, "\n[%s]\n", sections[s]);
		for (unsigned i = 0; i < NTLM_SET_COUNT; i++) {
			const struct policy_desc *d = &descs[i];
			if (strcmp(d->section, sections[s]) != 0)
				continue;
			size_t before;
			policy_out_printf(&o, "%s =", d->name);
			before = o.len;
			policy_out_printf(&o, " ");
			render_value(&o, p, d);
			if (o.len == before + 1 && !o.full) /* empty list: no trailing space */
				o.p[--o.len] = '\0';
			if (d->reg_key && d->kind != PK_LIST) {
				policy_out_printf(&o, "  # ");
				size_t mark = o.len;
				render_meaning(&o, p, d);
				/* drop the "; " separator render_meaning ends with */
				if (!o.full && o.len >= mark + 2)
					o.p[o.len -= 2] = '\0';
			}
			policy_out_printf(&o, "\n");
		}
	}
	return out_done(&o);
}

/* ---- setting one value --------------------------------------------------- */

ntlm_status ntlm_policy_set(struct ntlm_policy *p, const char *name, const char *value)
{
	struct policy_load l;
	const struct policy_desc *d;
	char q[SV_QUOTE_LEN];

	if (!p || !name || !value)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "policy set: missing argument");
	d = policy_desc_find(sv_trim(sv_of(name)));
	if (!d)
		return ntlm_err(NTLM_E_CONFIG, "unknown setting '%s'",
				sv_quote(sv_of(name), q, sizeof(q)));
	memset(&l, 0, sizeof(l));
	l.name = NULL;
	snprintf(l.src_name, sizeof(l.src_name), "(set)");
	l.p = p;
	policy_conf_apply(&l, d, sv_trim(sv_of(value)), 0);
	policy_update_insecure(p);
	if (l.n_errors)
		return ntlm_err(l.first, "%s", l.first_msg);
	return NTLM_OK;
}

/* ---- decisions ------------------------------------------------------------ */

static void verdict(struct ntlm_verdict *v, enum ntlm_verdict_kind kind, enum ntlm_setting s,
		    uint32_t event, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void verdict(struct ntlm_verdict *v, enum ntlm_verdict_kind kind, enum ntlm_setting s,
		    uint32_t event, const char *fmt, ...)
{
	va_list ap;

	v->kind = kind;
	v->setting = s;
	v->event_id = event;
	va_start(ap, fmt);
	vsnprintf(v->reason, sizeof(v->reason), fmt, ap);
	va_end(ap);
}

static void verdict_init(struct ntlm_verdict *v)
{
	memset(v, 0, sizeof(*v));
}

static const char *sym_or(const struct policy_desc *d, uint32_t v)
{
	const char *s = policy_sym_name(d, v);
	return s ? s : "invalid";
}

/* -- target matching -- */

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* '*' = any run (also empty); everything else one byte, ASCII case folded.
 * Iterative with one backtrack point: O(len(p) * len(s)) worst case. */
static bool glob_ci(struct sv pat, struct sv s)
{
	size_t pi = 0, si = 0, star = SIZE_MAX, mark = 0;

	while (si < s.n) {
		if (pi < pat.n && pat.p[pi] == '*') {
			star = pi++;
			mark = si;
		} else if (pi < pat.n && lower(pat.p[pi]) == lower(s.p[si])) {
			pi++;
			si++;
		} else if (star != SIZE_MAX) {
			pi = star + 1;
			si = ++mark;
		} else {
			return false;
		}
	}
	while (pi < pat.n && pat.p[pi] == '*')
		pi++;
	return pi == pat.n;
}

static bool is_ip_literal(struct sv h)
{
	bool digits_dots = h.n > 0;
	for (size_t i = 0; i < h.n; i++) {
		if (h.p[i] == ':')
			return true; /* IPv6 */
		if (!((h.p[i] >= '0' && h.p[i] <= '9') || h.p[i] == '.'))
			digits_dots = false;
	}
	return digits_dots;
}

/* The authority of a target: after the first '/' (SPN) or, without one, the
 * first '@' (GSS "service@host"), up to the next '/' or '@' ("host:port"). */
static struct sv target_authority(struct sv t)
{
	const char *slash = t.n ? memchr(t.p, '/', t.n) : NULL;
	const char *at = t.n ? memchr(t.p, '@', t.n) : NULL;
	const char *from = slash ? slash + 1 : at ? at + 1 : t.p;
	struct sv a = { from, t.n - (size_t)(from - t.p) };

	for (size_t i = 0; i < a.n; i++) {
		if (a.p[i] == '/' || a.p[i] == '@') {
			a.n = i;
			break;
		}
	}
	return a;
}

/* The host of an authority: "[v6]" unbracketed, else up to a ':port';
 * without the trailing dot of an absolute FQDN. */
static struct sv authority_host(struct sv a)
{
	struct sv h = a;

	if (h.n && h.p[0] == '[') {
		const char *close = memchr(h.p, ']', h.n);
		h.p++;
		h.n = close ? (size_t)(close - h.p) : h.n - 1;
		return h;
	}
	for (size_t i = 0; i < h.n; i++) {
		if (h.p[i] == ':') {
			h.n = i;
			break;
		}
	}
	if (h.n > 1 && h.p[h.n - 1] == '.')
		h.n--;
	return h;
}

/* Candidates, in order: the full target, its authority (host:port), its
 * host, the host's first DNS label (not for IP literals). */
static bool matches(struct sv pat, struct sv target)
{
	struct sv auth = target_authority(target), host = authority_host(auth), label = host;
	const char *dot;

	if (glob_ci(pat, target))
		return true;
	if (auth.n && glob_ci(pat, auth))
		return true;
	if (host.n == 0)
		return false;
	if (glob_ci(pat, host))
		return true;
	if (is_ip_literal(host))
		return false;
	dot = memchr(host.p, '.', host.n);
	if (!dot)
		return false;
	label.n = (size_t)(dot - host.p);
	return label.n > 0 && glob_ci(pat, label);
}

bool ntlm_policy_target_matches(const char *pattern, const char *target)
{
	return pattern && matches(sv_of(pattern), sv_of(target));
}

/* Index of the first ClientAllowedNTLMServers entry matching, or -1. */
static int find_allowed(const struct ntlm_policy *p, const char *target)
{
	size_t n = p->n_client_allowed;
	if (n > NTLM_POLICY_MAX_SERVERS)
		n = NTLM_POLICY_MAX_SERVERS;
	for (size_t i = 0; i < n; i++) {
		struct sv pat = { p->client_allowed[i],
				  strnlen(p->client_allowed[i], NTLM_POLICY_MAX_PATTERN + 1) };
		if (pat.n <= NTLM_POLICY_MAX_PATTERN && matches(pat, sv_of(target)))
			return (int)i;
	}
	return -1;
}

bool ntlm_policy_server_allowed(const struct ntlm_policy *p, const char *target)
{
	return find_allowed(p, target) >= 0;
}

void ntlm_policy_may_send(const struct ntlm_policy *p, const char *target, struct ntlm_verdict *v)
{
	const struct policy_desc *d = &descs[NTLM_SET_RESTRICT_SENDING];
	unsigned r = p->restrict_sending;
	char t[64], e[64];
	int hit;

	verdict_init(v);
	sv_quote(sv_of(target), t, sizeof(t));
	if (r == 0) {
		verdict(v, NTLM_ALLOW, d->id, 0, "%s = 0 (Allow): outgoing NTLM to '%s' allowed",
			d->name, t);
		return;
	}
	if (r == 1) {
		verdict(v, NTLM_ALLOW_AUDIT, d->id, NTLM_EVENT_OUT_AUDIT,
			"%s = 1 (Audit): outgoing NTLM to '%s' allowed and audited", d->name, t);
		return;
	}
	hit = find_allowed(p, target);
	if (hit >= 0) {
		sv_quote(sv_of(p->client_allowed[hit]), e, sizeof(e));
		verdict(v, NTLM_ALLOW, NTLM_SET_CLIENT_ALLOWED_SERVERS, 0,
			"%s = %u (%s): '%s' allowed by ClientAllowedNTLMServers entry '%s'",
			d->name, r, sym_or(d, r), t, e);
		return;
	}
	verdict(v, NTLM_DENY, d->id, NTLM_EVENT_OUT_BLOCKED,
		"%s = %u (%s): outgoing NTLM to '%s' blocked; no ClientAllowedNTLMServers entry "
		"matches",
		d->name, r, sym_or(d, r), t);
}

/* -- flags -- */

uint32_t ntlm_policy_client_negotiate_flags(const struct ntlm_policy *p, bool want_sign,
					    bool want_seal)
{
	uint32_t f = NTLMSSP_NEGOTIATE_UNICODE | NTLM_NEGOTIATE_OEM | NTLMSSP_REQUEST_TARGET |
		     NTLMSSP_NEGOTIATE_NTLM | NTLMSSP_NEGOTIATE_ALWAYS_SIGN |
		     NTLMSSP_NEGOTIATE_128 | NTLMSSP_NEGOTIATE_56 | NTLMSSP_NEGOTIATE_VERSION;

	if (p->lm_compat >= 1 || (p->min_client_sec & NTLM_MINSEC_NTLM2))
		f |= NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY;
	if (want_sign || (p->min_client_sec & NTLM_MINSEC_INTEGRITY))
		f |= NTLMSSP_NEGOTIATE_SIGN;
	if (want_seal || (p->min_client_sec & NTLM_MINSEC_CONFIDENTIALITY))
		f |= NTLMSSP_NEGOTIATE_SEAL | NTLMSSP_NEGOTIATE_SIGN;
	if (f & (NTLMSSP_NEGOTIATE_SIGN | NTLMSSP_NEGOTIATE_SEAL))
		f |= NTLMSSP_NEGOTIATE_KEY_EXCH;
	return f;
}

static const struct {
	uint32_t bit;
	const char *name;
} minsec_flag_names[] = {
	{ NTLMSSP_NEGOTIATE_SIGN, "NTLMSSP_NEGOTIATE_SIGN" },
	{ NTLMSSP_NEGOTIATE_SEAL, "NTLMSSP_NEGOTIATE_SEAL" },
	{ NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY,
	  "NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY" },
	{ NTLMSSP_NEGOTIATE_128, "NTLMSSP_NEGOTIATE_128" },
};

static const char *flag_names(uint32_t bits, char *buf, size_t len)
{
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(minsec_flag_names); i++) {
		if (!(bits & minsec_flag_names[i].bit))
			continue;
		int w = snprintf(buf + o, len - o, "%s%s", o ? "|" : "", minsec_flag_names[i].name);
		if (w < 0 || (size_t)w >= len - o)
			break;
		o += (size_t)w;
	}
	return buf;
}

void ntlm_policy_check_min_sec(const struct ntlm_policy *p, bool is_server, uint32_t flags,
			       struct ntlm_verdict *v)
{
	enum ntlm_setting s = is_server ? NTLM_SET_MIN_SERVER_SEC : NTLM_SET_MIN_CLIENT_SEC;
	const char *name = descs[s].name;
	/* not masked: bits a caller put in the struct directly are required too */
	uint32_t req = is_server ? p->min_server_sec : p->min_client_sec;
	uint32_t need = req;
	bool no_session = !(flags & (NTLMSSP_NEGOTIATE_SIGN | NTLMSSP_NEGOTIATE_SEAL));
	bool waived = false;
	char names[128];

	verdict_init(v);
	/* MS-NLMP 2.2.2.5: 56/128 only matter with SIGN or SEAL; Windows' default
	 * "Require 128-bit" accepts clients that negotiate neither. */
	if (!p->strict_min_sec && no_session && (need & NTLM_MINSEC_128)) {
		need &= ~NTLM_MINSEC_128;
		waived = !(flags & NTLMSSP_NEGOTIATE_128); /* only worth saying when it mattered */
	}
	v->missing = need & ~flags;
	if (v->missing) {
		verdict(v, NTLM_DENY, s,
			is_server ? NTLM_EVENT_MIN_SERVER_SEC : NTLM_EVENT_MIN_CLIENT_SEC,
			"%s = 0x%08x requires %s (0x%08x); the %s flags 0x%08x%s", name, req,
			flag_names(v->missing, names, sizeof(names)), v->missing,
			is_server ? "client offered" : "server chose", flags,
			(p->strict_min_sec && no_session && (v->missing & NTLM_MINSEC_128))
				? " (StrictMinSec = yes)"
				: "");
		return;
	}
	if (req == 0) {
		verdict(v, NTLM_ALLOW, s, 0, "%s = 0x00000000: no minimum session security", name);
		return;
	}
	verdict(v, NTLM_ALLOW, s, 0, "%s = 0x%08x met by flags 0x%08x%s", name, req, flags,
		waived ? " (Require128 waived: neither SIGN nor SEAL negotiated)" : "");
}

/* -- responses -- */

static const char *resp_name(enum ntlm_response_type t)
{
	switch (t) {
	case NTLM_RESP_ANONYMOUS:
		return "anonymous";
	case NTLM_RESP_LM:
		return "LM";
	case NTLM_RESP_NTLMV1:
		return "NTLMv1";
	case NTLM_RESP_NTLMV1_ESS:
		return "NTLMv1-ESS";
	case NTLM_RESP_NTLMV2:
		return "NTLMv2";
	}
	return "unknown";
}

void ntlm_policy_accept_response(const struct ntlm_policy *p, enum ntlm_response_type t,
				 struct ntlm_verdict *v)
{
	const struct policy_desc *d = &descs[NTLM_SET_LM_COMPAT];
	unsigned lv = p->lm_compat;

	verdict_init(v);
	switch (t) {
	case NTLM_RESP_ANONYMOUS:
		if (!p->allow_anonymous)
			verdict(v, NTLM_DENY, NTLM_SET_ALLOW_ANONYMOUS,
				NTLM_EVENT_ANONYMOUS_REFUSED,
				"AllowAnonymous = no: anonymous NTLM logon refused");
		else
			verdict(v, NTLM_ALLOW_AUDIT, NTLM_SET_ALLOW_ANONYMOUS,
				NTLM_EVENT_INSECURE_POLICY,
				"AllowAnonymous = yes (insecure): anonymous NTLM logon accepted");
		return;
	case NTLM_RESP_LM:
		if (lv >= 4) {
			verdict(v, NTLM_DENY, d->id, NTLM_EVENT_RESPONSE_REFUSED,
				"%s = %u (%s) refuses LM responses; the client sent LM", d->name,
				lv, sym_or(d, lv));
			return;
		}
		verdict(v, NTLM_ALLOW_AUDIT, d->id, NTLM_EVENT_INSECURE_POLICY,
			"%s = %u accepts an LM response (insecure; level 4 or 5 refuses it)",
			d->name, lv);
		return;
	case NTLM_RESP_NTLMV1:
	case NTLM_RESP_NTLMV1_ESS:
		if (lv >= 5) {
			verdict(v, NTLM_DENY, d->id, NTLM_EVENT_RESPONSE_REFUSED,
				"%s = %u (%s) refuses LM and NTLMv1 responses; the client sent %s",
				d->name, lv, sym_or(d, lv), resp_name(t));
			return;
		}
		verdict(v, NTLM_ALLOW_AUDIT, d->id, NTLM_EVENT_INSECURE_POLICY,
			"%s = %u accepts an %s response (insecure; level 5 refuses it)", d->name,
			lv, resp_name(t));
		return;
	case NTLM_RESP_NTLMV2:
		verdict(v, NTLM_ALLOW, d->id, 0, "%s = %u accepts NTLMv2", d->name, lv);
		return;
	}
	verdict(v, NTLM_DENY, d->id, NTLM_EVENT_RESPONSE_REFUSED, "%s: unknown response type %d",
		d->name, (int)t);
}

enum ntlm_response_type ntlm_policy_client_response(const struct ntlm_policy *p, uint32_t flags,
						    struct ntlm_verdict *v)
{
	const struct policy_desc *d = &descs[NTLM_SET_LM_COMPAT];
	unsigned lv = p->lm_compat;
	enum ntlm_response_type t;

	verdict_init(v);
	if (lv >= 3) {
		verdict(v, NTLM_ALLOW, d->id, 0, "%s = %u (%s): the client sends NTLMv2", d->name,
			lv, sym_or(d, lv));
		return NTLM_RESP_NTLMV2;
	}
	t = (flags & NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY) ? NTLM_RESP_NTLMV1_ESS
								 : NTLM_RESP_NTLMV1;
	verdict(v, NTLM_ALLOW_AUDIT, d->id, NTLM_EVENT_INSECURE_POLICY,
		"%s = %u (%s): the client sends %s%s (insecure; level 3 sends NTLMv2)", d->name, lv,
		sym_or(d, lv), resp_name(t),
		ntlm_policy_client_sends_lm(p, flags) ? " and LM" : "");
	return t;
}

bool ntlm_policy_client_sends_lm(const struct ntlm_policy *p, uint32_t flags)
{
	return p->lm_compat <= 1 && !(flags & NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY);
}

/* -- incoming -- */

void ntlm_policy_may_receive(const struct ntlm_policy *p, bool at_negotiate, bool domain_account,
			     struct ntlm_verdict *v)
{
	const struct policy_desc *rd = &descs[NTLM_SET_RESTRICT_RECEIVING];
	const struct policy_desc *ad = &descs[NTLM_SET_AUDIT_RECEIVING];
	unsigned r = p->restrict_receiving, a = p->audit_receiving;
	const char *who = domain_account ? "a domain account" : "a local account";

	verdict_init(v);
	if (r >= 2) {
		verdict(v, NTLM_DENY, rd->id, NTLM_EVENT_IN_BLOCKED,
			"%s = %u (%s): incoming NTLM refused", rd->name, r, sym_or(rd, r));
		return;
	}
	if (at_negotiate) {
		verdict(v, NTLM_ALLOW, rd->id, 0,
			"%s = %u (%s): incoming NTLM allowed at NEGOTIATE", rd->name, r,
			sym_or(rd, r));
		return;
	}
	if (r == 1 && domain_account) {
		verdict(v, NTLM_DENY, rd->id, NTLM_EVENT_IN_BLOCKED,
			"%s = 1 (%s): incoming NTLM logon with a domain account refused", rd->name,
			sym_or(rd, r));
		return;
	}
	if (a >= 2 || (a == 1 && domain_account)) {
		unsigned would = domain_account ? 1 : 2;
		verdict(v, NTLM_ALLOW_AUDIT, ad->id, NTLM_EVENT_IN_AUDIT,
			"%s = %u (%s): incoming NTLM logon with %s audited; %s = %u would block it",
			ad->name, a, sym_or(ad, a), who, rd->name, would);
		return;
	}
	verdict(v, NTLM_ALLOW, rd->id, 0, "%s = %u (%s): incoming NTLM logon with %s allowed",
		rd->name, r, sym_or(rd, r), who);
}

/* -- ours -- */

void ntlm_policy_check_mic(const struct ntlm_policy *p, bool mic_present, struct ntlm_verdict *v)
{
	verdict_init(v);
	if (mic_present) {
		verdict(v, NTLM_ALLOW, NTLM_SET_REQUIRE_MIC, 0,
			"RequireMIC = %s: the AUTHENTICATE carries a MIC (verified)",
			p->require_mic ? "yes" : "no");
		return;
	}
	if (p->require_mic) {
		verdict(v, NTLM_DENY, NTLM_SET_REQUIRE_MIC, NTLM_EVENT_MIC_FAILURE,
			"RequireMIC = yes: the AUTHENTICATE carries no MIC");
		return;
	}
	verdict(v, NTLM_ALLOW, NTLM_SET_REQUIRE_MIC, 0,
		"RequireMIC = no: AUTHENTICATE without a MIC accepted");
}

void ntlm_policy_check_bindings(const struct ntlm_policy *p, bool bindings_present,
				struct ntlm_verdict *v)
{
	const struct policy_desc *d = &descs[NTLM_SET_CHANNEL_BINDINGS];
	const char *m = sym_or(d, (uint32_t)p->channel_bindings);

	verdict_init(v);
	if (p->channel_bindings == NTLM_CB_OFF) {
		verdict(v, NTLM_ALLOW, d->id, 0, "%s = %s: channel bindings not checked", d->name,
			m);
		return;
	}
	if (bindings_present) {
		verdict(v, NTLM_ALLOW, d->id, 0, "%s = %s: channel bindings present (verified)",
			d->name, m);
		return;
	}
	if (p->channel_bindings == NTLM_CB_REQUIRE) {
		verdict(v, NTLM_DENY, d->id, NTLM_EVENT_BAD_BINDINGS,
			"%s = %s: the client sent no channel bindings", d->name, m);
		return;
	}
	verdict(v, NTLM_ALLOW, d->id, 0, "%s = %s: no channel bindings sent; accepted", d->name, m);
}

void ntlm_policy_check_timestamp(const struct ntlm_policy *p, uint64_t client_filetime,
				 uint64_t now_filetime, struct ntlm_verdict *v)
{
	const struct policy_desc *d = &descs[NTLM_SET_MAX_CLOCK_SKEW];
	bool behind = client_filetime < now_filetime;
	uint64_t diff = behind ? now_filetime - client_filetime : client_filetime - now_filetime;
	uint64_t limit = (uint64_t)p->max_clock_skew * 10000000u;
	uint64_t secs = diff / 10000000u;

	verdict_init(v);
	if (diff > limit) {
		verdict(v, NTLM_DENY, d->id, NTLM_EVENT_REPLAY,
			"%s = %u: the NTLMv2 timestamp is %llu s %s the server clock", d->name,
			p->max_clock_skew, (unsigned long long)secs,
			behind ? "behind" : "ahead of");
		return;
	}
	verdict(v, NTLM_ALLOW, d->id, 0, "%s = %u: the NTLMv2 timestamp is within %llu s", d->name,
		p->max_clock_skew, (unsigned long long)secs);
}
