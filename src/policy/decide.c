/* SPDX-License-Identifier: MIT */
/*
 * policy: the decisions. Every decision is a pure function of the policy and
 * its arguments that fills a struct ntlm_verdict; none has side effects.
 * Windows semantics: docs/windows-policy.md; our choices: docs/policy.md.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ntlmssp/unstable.h"
#include "policy/match.h"
#include "policy/settings.h"

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

void ntlm_policy_may_send(const struct ntlm_policy *p, const char *target, struct ntlm_verdict *v)
{
	const struct policy_desc *d = ntlm_policy_desc(NTLM_SET_RESTRICT_SENDING);
	unsigned r = p->restrict_sending;
	char t[64], e[64];
	int hit;

	verdict_init(v);
	ntlm_policy_sv_quote(sv_of(target), t, sizeof(t));
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
	hit = ntlm_policy_allowed_index(p, target);
	if (hit >= 0) {
		ntlm_policy_sv_quote(sv_of(p->client_allowed[hit]), e, sizeof(e));
		verdict(v, NTLM_ALLOW, NTLM_SET_CLIENT_ALLOWED_SERVERS, 0,
			"%s = %u (%s): '%s' allowed by ClientAllowedNTLMServers entry '%s'",
			d->name, r, ntlm_policy_sym_or_invalid(d, r), t, e);
		return;
	}
	struct ntlm_policy_target parsed;
	char why[80];
	if (!ntlm_policy_target_parse(target, &parsed, why, sizeof(why))) {
		verdict(v, NTLM_DENY, d->id, NTLM_EVENT_OUT_BLOCKED,
			"%s = %u (%s): outgoing NTLM to '%s' blocked; not a target name an "
			"exception can match (%s)",
			d->name, r, ntlm_policy_sym_or_invalid(d, r), t, why);
		return;
	}
	verdict(v, NTLM_DENY, d->id, NTLM_EVENT_OUT_BLOCKED,
		"%s = %u (%s): outgoing NTLM to '%s' blocked; no ClientAllowedNTLMServers entry "
		"matches",
		d->name, r, ntlm_policy_sym_or_invalid(d, r), t);
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

/* The names of the missing bits, by the one flag-set formatter. */
static const char *flag_names(uint32_t bits, char *buf, size_t len)
{
	struct ntlm_buf b;

	ntlm_buf_fixed(&b, buf, len);
	ntlm_buf_flags(&b, bits, NTLM_FLAGS_TEXT);
	return buf; /* cut short if it did not fit: the hex value follows it */
}

void ntlm_policy_check_min_sec(const struct ntlm_policy *p, bool is_server, uint32_t flags,
			       struct ntlm_verdict *v)
{
	enum ntlm_setting s = is_server ? NTLM_SET_MIN_SERVER_SEC : NTLM_SET_MIN_CLIENT_SEC;
	const char *name = ntlm_policy_desc(s)->name;
	/* not masked: bits a caller put in the struct directly are required too */
	uint32_t req = is_server ? p->min_server_sec : p->min_client_sec;
	uint32_t need = req;
	bool no_session = !(flags & (NTLMSSP_NEGOTIATE_SIGN | NTLMSSP_NEGOTIATE_SEAL));
	bool waived = false;
	char names[256];

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

void ntlm_policy_accept_response(const struct ntlm_policy *p, enum ntlm_response_type t,
				 struct ntlm_verdict *v)
{
	const struct policy_desc *d = ntlm_policy_desc(NTLM_SET_LM_COMPAT);
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
				lv, ntlm_policy_sym_or_invalid(d, lv));
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
				d->name, lv, ntlm_policy_sym_or_invalid(d, lv),
				ntlm_wire_response_type_name(t));
			return;
		}
		verdict(v, NTLM_ALLOW_AUDIT, d->id, NTLM_EVENT_INSECURE_POLICY,
			"%s = %u accepts an %s response (insecure; level 5 refuses it)", d->name,
			lv, ntlm_wire_response_type_name(t));
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
	const struct policy_desc *d = ntlm_policy_desc(NTLM_SET_LM_COMPAT);
	unsigned lv = p->lm_compat;
	enum ntlm_response_type t;

	verdict_init(v);
	if (lv >= 3) {
		verdict(v, NTLM_ALLOW, d->id, 0, "%s = %u (%s): the client sends NTLMv2", d->name,
			lv, ntlm_policy_sym_or_invalid(d, lv));
		return NTLM_RESP_NTLMV2;
	}
	t = (flags & NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY) ? NTLM_RESP_NTLMV1_ESS
								 : NTLM_RESP_NTLMV1;
	verdict(v, NTLM_ALLOW_AUDIT, d->id, NTLM_EVENT_INSECURE_POLICY,
		"%s = %u (%s): the client sends %s%s (insecure; level 3 sends NTLMv2)", d->name, lv,
		ntlm_policy_sym_or_invalid(d, lv), ntlm_wire_response_type_name(t),
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
	const struct policy_desc *rd = ntlm_policy_desc(NTLM_SET_RESTRICT_RECEIVING);
	const struct policy_desc *ad = ntlm_policy_desc(NTLM_SET_AUDIT_RECEIVING);
	unsigned r = p->restrict_receiving, a = p->audit_receiving;
	const char *who = domain_account ? "a domain account" : "a local account";

	verdict_init(v);
	if (r >= 2) {
		verdict(v, NTLM_DENY, rd->id, NTLM_EVENT_IN_BLOCKED,
			"%s = %u (%s): incoming NTLM refused", rd->name, r,
			ntlm_policy_sym_or_invalid(rd, r));
		return;
	}
	if (at_negotiate) {
		verdict(v, NTLM_ALLOW, rd->id, 0,
			"%s = %u (%s): incoming NTLM allowed at NEGOTIATE", rd->name, r,
			ntlm_policy_sym_or_invalid(rd, r));
		return;
	}
	if (r == 1 && domain_account) {
		verdict(v, NTLM_DENY, rd->id, NTLM_EVENT_IN_BLOCKED,
			"%s = 1 (%s): incoming NTLM logon with a domain account refused", rd->name,
			ntlm_policy_sym_or_invalid(rd, r));
		return;
	}
	if (a >= 2 || (a == 1 && domain_account)) {
		unsigned would = domain_account ? 1 : 2;
		verdict(v, NTLM_ALLOW_AUDIT, ad->id, NTLM_EVENT_IN_AUDIT,
			"%s = %u (%s): incoming NTLM logon with %s audited; %s = %u would block it",
			ad->name, a, ntlm_policy_sym_or_invalid(ad, a), who, rd->name, would);
		return;
	}
	verdict(v, NTLM_ALLOW, rd->id, 0, "%s = %u (%s): incoming NTLM logon with %s allowed",
		rd->name, r, ntlm_policy_sym_or_invalid(rd, r), who);
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
	const struct policy_desc *d = ntlm_policy_desc(NTLM_SET_CHANNEL_BINDINGS);
	const char *m = ntlm_policy_sym_or_invalid(d, (uint32_t)p->channel_bindings);

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

enum ntlm_cb_action ntlm_policy_bindings_action(const struct ntlm_policy *p, bool sent,
						bool have_local, struct ntlm_verdict *v)
{
	ntlm_policy_check_bindings(p, sent, v);
	if (v->kind == NTLM_DENY)
		return NTLM_CBA_DENY;
	if (p->channel_bindings == NTLM_CB_OFF || !sent)
		return NTLM_CBA_SKIP;
	if (!have_local)
		return p->channel_bindings == NTLM_CB_REQUIRE ? NTLM_CBA_NO_LOCAL : NTLM_CBA_SKIP;
	return NTLM_CBA_COMPARE;
}

void ntlm_policy_check_timestamp(const struct ntlm_policy *p, uint64_t client_filetime,
				 uint64_t now_filetime, struct ntlm_verdict *v)
{
	const struct policy_desc *d = ntlm_policy_desc(NTLM_SET_MAX_CLOCK_SKEW);
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
