/* SPDX-License-Identifier: MIT */
/*
 * policy: the settings table and the value plumbing over it. get/set read
 * and write struct ntlm_policy through each row's offset, so no code mirrors
 * the struct's fields. Windows semantics: docs/windows-policy.md; our
 * choices: docs/policy.md.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "policy/settings.h"

/* ---- the table ------------------------------------------------------------- */

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

static const struct policy_sym audit_failure_syms[] = {
	{ "Continue", NTLM_AUDIT_FAILURE_CONTINUE },
	{ "Deny", NTLM_AUDIT_FAILURE_DENY },
	{ NULL, 0 },
};

#define MSV "Control\\Lsa\\MSV1_0"
#define NETLOGON "Services\\Netlogon\\Parameters"

#define FIELD(f) offsetof(struct ntlm_policy, f), sizeof(((struct ntlm_policy *)0)->f)
#define LIST(n, arr) offsetof(struct ntlm_policy, n), 0, offsetof(struct ntlm_policy, arr)

/* In enum ntlm_setting order (test_policy_settings checks it). The Windows
 * defaults (the value when a setting is not defined): docs/windows-policy.md. */
static const struct policy_desc descs[NTLM_SET_COUNT] = {
	{ NTLM_SET_LM_COMPAT, "LmCompatibilityLevel", "Lsa", "Control\\Lsa", PK_ENUM, lm_syms,
	  FIELD(lm_compat), 0, 3, NULL },
	{ NTLM_SET_MIN_CLIENT_SEC, "NtlmMinClientSec", "MSV1_0", MSV, PK_MASK, minsec_syms,
	  FIELD(min_client_sec), 0, NTLM_MINSEC_128, NULL },
	{ NTLM_SET_MIN_SERVER_SEC, "NtlmMinServerSec", "MSV1_0", MSV, PK_MASK, minsec_syms,
	  FIELD(min_server_sec), 0, NTLM_MINSEC_128, NULL },
	{ NTLM_SET_RESTRICT_SENDING, "RestrictSendingNTLMTraffic", "MSV1_0", MSV, PK_ENUM,
	  send_syms, FIELD(restrict_sending), 0, 0, NULL },
	{ NTLM_SET_CLIENT_ALLOWED_SERVERS, "ClientAllowedNTLMServers", "MSV1_0", MSV, PK_LIST, NULL,
	  LIST(n_client_allowed, client_allowed), 0, NULL },
	{ NTLM_SET_RESTRICT_RECEIVING, "RestrictReceivingNTLMTraffic", "MSV1_0", MSV, PK_ENUM,
	  recv_syms, FIELD(restrict_receiving), 0, 0, NULL },
	{ NTLM_SET_AUDIT_RECEIVING, "AuditReceivingNTLMTraffic", "MSV1_0", MSV, PK_ENUM,
	  audit_recv_syms, FIELD(audit_receiving), 0, 0, NULL },
	{ NTLM_SET_RESTRICT_IN_DOMAIN, "RestrictNTLMInDomain", "Netlogon", NETLOGON, PK_ENUM,
	  restrict_dom_syms, FIELD(restrict_in_domain), 0, 0, NULL },
	{ NTLM_SET_AUDIT_IN_DOMAIN, "AuditNTLMInDomain", "Netlogon", NETLOGON, PK_ENUM,
	  audit_dom_syms, FIELD(audit_in_domain), 0, 0, NULL },
	{ NTLM_SET_DC_ALLOWED_SERVERS, "DCAllowedNTLMServers", "Netlogon", NETLOGON, PK_LIST, NULL,
	  LIST(n_dc_allowed, dc_allowed), 0, NULL },
	{ NTLM_SET_STRICT_MIN_SEC, "StrictMinSec", "ntlmssp", NULL, PK_BOOL, NULL,
	  FIELD(strict_min_sec), 0, 0, NULL },
	{ NTLM_SET_REQUIRE_MIC, "RequireMIC", "ntlmssp", NULL, PK_BOOL, NULL, FIELD(require_mic), 0,
	  0, NULL },
	{ NTLM_SET_CHANNEL_BINDINGS, "ChannelBindings", "ntlmssp", NULL, PK_ENUM, cb_syms,
	  FIELD(channel_bindings), 0, NTLM_CB_OFF, NULL },
	{ NTLM_SET_MAX_CLOCK_SKEW, "MaxClockSkew", "ntlmssp", NULL, PK_SECONDS, NULL,
	  FIELD(max_clock_skew), 0, 300, NULL },
	{ NTLM_SET_ALLOW_ANONYMOUS, "AllowAnonymous", "ntlmssp", NULL, PK_BOOL, NULL,
	  FIELD(allow_anonymous), 0, 0, NULL },
	{ NTLM_SET_ACCOUNTS, "Accounts", "ntlmssp", NULL, PK_LIST, NULL, LIST(n_accounts, accounts),
	  0, NULL },
	{ NTLM_SET_AUDIT_FAILURE, "AuditFailure", "ntlmssp", NULL, PK_ENUM, audit_failure_syms,
	  FIELD(audit_failure), 0, NTLM_AUDIT_FAILURE_CONTINUE, NULL },
	{ NTLM_SET_REQUIRE_REQUESTED, "RequireRequestedProtection", "ntlmssp", NULL, PK_BOOL, NULL,
	  FIELD(require_requested), 0, 0,
	  "signing or sealing asked for and not granted fails the handshake (event 9009); "
	  "off: it goes on without, and the application sees what was granted" },
	{ NTLM_SET_AUDIT_LOG, "AuditLog", "ntlmssp", NULL, PK_LIST, NULL,
	  LIST(n_audit_log, audit_log), 0, NULL },
};

_Static_assert(sizeof(bool) == 1, "bool fields are one byte");
_Static_assert(sizeof(enum ntlm_cb_mode) == sizeof(uint32_t), "enum fields are four bytes");
_Static_assert(sizeof(unsigned) == sizeof(uint32_t), "unsigned fields are four bytes");

const struct policy_desc *ntlm_policy_desc(enum ntlm_setting id)
{
	if ((unsigned)id >= NTLM_SET_COUNT)
		return &descs[0];
	return &descs[id];
}

const struct policy_desc *ntlm_policy_desc_find(struct sv name)
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

/* ---- symbolic values ------------------------------------------------------ */

static const struct policy_sym bool_syms[] = {
	{ "yes", 1 },	{ "true", 1 }, { "on", 1 }, { "no", 0 },
	{ "false", 0 }, { "off", 0 },  { NULL, 0 },
};

const char *ntlm_policy_sym_name(const struct policy_desc *d, uint32_t v)
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

const char *ntlm_policy_sym_or_invalid(const struct policy_desc *d, uint32_t v)
{
	const char *s = ntlm_policy_sym_name(d, v);
	return s ? s : "invalid";
}

bool ntlm_policy_sym_lookup(const struct policy_desc *d, struct sv s, uint32_t *v)
{
	const struct policy_sym *syms = d->kind == PK_BOOL ? bool_syms : d->syms;

	for (const struct policy_sym *y = syms; y && y->name; y++) {
		if (sv_eq_ci(s, y->name)) {
			*v = y->value;
			return true;
		}
	}
	return false;
}

const char *ntlm_policy_sym_list(const struct policy_desc *d, char *buf, size_t len)
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

const char *ntlm_policy_mask_names(uint32_t mask, char *buf, size_t len)
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

/* ---- values, through the table ---------------------------------------------- */

uint32_t ntlm_policy_get_u32(const struct ntlm_policy *p, enum ntlm_setting id)
{
	const struct policy_desc *d = ntlm_policy_desc(id);
	const unsigned char *at = (const unsigned char *)p + d->offset;
	uint32_t v32;
	bool b;

	if ((unsigned)id >= NTLM_SET_COUNT)
		return 0;
	if (d->kind == PK_LIST)
		return (uint32_t)ntlm_policy_list_count(p, id);
	if (d->size == sizeof(bool)) {
		memcpy(&b, at, sizeof(b));
		return b;
	}
	memcpy(&v32, at, sizeof(v32));
	return v32;
}

void ntlm_policy_set_u32(struct ntlm_policy *p, enum ntlm_setting id, uint32_t v)
{
	const struct policy_desc *d = ntlm_policy_desc(id);
	unsigned char *at = (unsigned char *)p + d->offset;
	bool b = v != 0;

	if ((unsigned)id >= NTLM_SET_COUNT || d->kind == PK_LIST)
		return;
	ntlm_policy_identity_forget(p);
	if (d->size == sizeof(bool))
		memcpy(at, &b, sizeof(b));
	else
		memcpy(at, &v, sizeof(v));
	ntlm_policy_update_insecure(p);
}

bool ntlm_policy_check_u32(const struct policy_desc *d, uint32_t v, char *msg, size_t len)
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

/* ---- lists -------------------------------------------------------------------- */

typedef char policy_entry[NTLM_POLICY_MAX_PATTERN + 1];

static size_t *list_count_at(const struct ntlm_policy *p, const struct policy_desc *d)
{
	return (size_t *)((uintptr_t)p + d->offset);
}

static policy_entry *list_at(const struct ntlm_policy *p, const struct policy_desc *d)
{
	return (policy_entry *)((uintptr_t)p + d->list_offset);
}

size_t ntlm_policy_list_count(const struct ntlm_policy *p, enum ntlm_setting id)
{
	const struct policy_desc *d = ntlm_policy_desc(id);
	size_t n;

	if ((unsigned)id >= NTLM_SET_COUNT || d->kind != PK_LIST)
		return 0;
	n = *list_count_at(p, d);
	return n > NTLM_POLICY_MAX_SERVERS ? NTLM_POLICY_MAX_SERVERS : n;
}

struct sv ntlm_policy_list_entry(const struct ntlm_policy *p, enum ntlm_setting id, size_t i)
{
	const struct policy_desc *d = ntlm_policy_desc(id);
	struct sv e = { "", 0 };

	if (i >= ntlm_policy_list_count(p, id))
		return e;
	e.p = list_at(p, d)[i];
	e.n = strnlen(e.p, NTLM_POLICY_MAX_PATTERN + 1);
	if (e.n > NTLM_POLICY_MAX_PATTERN)
		e.n = NTLM_POLICY_MAX_PATTERN;
	return e;
}

void ntlm_policy_list_clear(struct ntlm_policy *p, enum ntlm_setting id)
{
	const struct policy_desc *d = ntlm_policy_desc(id);

	if ((unsigned)id < NTLM_SET_COUNT && d->kind == PK_LIST)
		*list_count_at(p, d) = 0;
	ntlm_policy_identity_forget(p);
}

bool ntlm_policy_list_push(struct ntlm_policy *p, enum ntlm_setting id, struct sv entry)
{
	const struct policy_desc *d = ntlm_policy_desc(id);
	size_t *n;

	if ((unsigned)id >= NTLM_SET_COUNT || d->kind != PK_LIST)
		return false;
	n = list_count_at(p, d);
	if (*n >= NTLM_POLICY_MAX_SERVERS || entry.n > NTLM_POLICY_MAX_PATTERN)
		return false;
	ntlm_policy_identity_forget(p);
	memcpy(list_at(p, d)[*n], entry.p, entry.n);
	list_at(p, d)[*n][entry.n] = '\0';
	(*n)++;
	return true;
}

bool ntlm_policy_check_pattern(struct sv s, char *msg, size_t len)
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

bool ntlm_policy_check_backend(struct sv s, char *msg, size_t len)
{
	/* public: configuration words, not secrets */
	if ((s.n == 7 && memcmp(s.p, "winbind", 7) == 0) ||
	    (s.n > 5 && memcmp(s.p, "file:", 5) == 0)) /* public: configuration words */
		return true;
	snprintf(msg, len, "not an account backend (file:PATH or winbind)");
	return false;
}

bool ntlm_policy_check_audit_log(struct sv s, char *msg, size_t len)
{
	/* public: configuration words */
	static const char *const words[] = { "syslog", "journal", "none" };
	static const char *const prefixes[] = { "file:", "syslog:", "journal:" };

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (s.n == strlen(words[i]) && memcmp(s.p, words[i], s.n) == 0)
			return true;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t k = strlen(prefixes[i]);
		if (s.n > k && memcmp(s.p, prefixes[i], k) == 0) {
			if (s.p[k] != '/') {
				snprintf(msg, len, "%.*s needs an absolute path", (int)(k - 1),
					 prefixes[i]);
				return false;
			}
			if (i > 0 && s.n - k >= 108) {
				snprintf(msg, len, "a socket path is at most 107 bytes");
				return false;
			}
			return true;
		}
	}
	snprintf(msg, len,
		 "not an audit destination (syslog, journal, file:PATH, none; syslog:SOCKET, "
		 "journal:SOCKET)");
	return false;
}

/* ---- defaults and insecure ----------------------------------------------------- */

void ntlm_policy_set_windows_defaults(struct ntlm_policy *p)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->profile, sizeof(p->profile), "windows-default");
	for (unsigned i = 0; i < NTLM_SET_COUNT; i++)
		ntlm_policy_set_u32(p, (enum ntlm_setting)i, descs[i].windows_default);
	/* Windows always writes its NTLM events (the Operational log); ours go
	 * to syslog unless the policy says otherwise. */
	(void)ntlm_policy_list_push(p, NTLM_SET_AUDIT_LOG, sv_of("syslog"));
	ntlm_policy_update_insecure(p);
}

bool ntlm_policy_setting_insecure(const struct ntlm_policy *p, enum ntlm_setting id)
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

void ntlm_policy_update_insecure(struct ntlm_policy *p)
{
	ntlm_policy_identity_forget(p);
	p->insecure = false;
	for (unsigned i = 0; i < NTLM_SET_COUNT; i++)
		if (ntlm_policy_setting_insecure(p, (enum ntlm_setting)i))
			p->insecure = true;
}
