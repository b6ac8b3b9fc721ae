/* SPDX-License-Identifier: MIT */
/*
 * policy profiles: named, immutable tables. A loaded file starts from one of
 * these (cis unless it says `Profile = NAME`) and overrides what it sets.
 * Any change here shows up as a diff of tests/snapshots/policy-<name>.txt.
 * The reasons for each value are in docs/policy.md ("Profiles").
 */
#include <stdio.h>
#include <string.h>

#include "policy/priv.h"

struct profile {
	const char *name;
	unsigned lm_compat;
	uint32_t min_client_sec;
	uint32_t min_server_sec;
	unsigned restrict_sending;
	unsigned restrict_receiving;
	unsigned audit_receiving;
	unsigned restrict_in_domain;
	unsigned audit_in_domain;
	bool strict_min_sec;
	bool require_mic;
	enum ntlm_cb_mode channel_bindings;
	uint32_t max_clock_skew;
	bool allow_anonymous;
};

/* CIS Benchmark / Microsoft security baseline (windows-policy.md §6).
 * RequireMIC stays off: curl and impacket never send a MIC. */
static const struct profile profile_cis = {
	.name = "cis",
	.lm_compat = 5,
	.min_client_sec = NTLM_MINSEC_NTLM2 | NTLM_MINSEC_128,
	.min_server_sec = NTLM_MINSEC_NTLM2 | NTLM_MINSEC_128,
	.restrict_sending = 1,
	.restrict_receiving = 0,
	.audit_receiving = 2,
	.restrict_in_domain = 0,
	.audit_in_domain = 0,
	.strict_min_sec = false,
	.require_mic = false,
	.channel_bindings = NTLM_CB_ACCEPT,
	.max_clock_skew = 300,
	.allow_anonymous = false,
};

/* What Windows 7 / 2008 R2 and later do with nothing configured. */
static const struct profile profile_windows_default = {
	.name = "windows-default",
	.lm_compat = 3,
	.min_client_sec = NTLM_MINSEC_128,
	.min_server_sec = NTLM_MINSEC_128,
	.restrict_sending = 0,
	.restrict_receiving = 0,
	.audit_receiving = 0,
	.restrict_in_domain = 0,
	.audit_in_domain = 0,
	.strict_min_sec = false,
	.require_mic = false,
	.channel_bindings = NTLM_CB_OFF,
	.max_clock_skew = 300,
	.allow_anonymous = false,
};

/* cis plus everything of ours turned up: MIC, channel bindings and every
 * NtlmMin*Sec bit absolute. Locks out clients that send no MIC (curl,
 * impacket) or no channel bindings. */
static const struct profile profile_strict = {
	.name = "strict",
	.lm_compat = 5,
	.min_client_sec = NTLM_MINSEC_NTLM2 | NTLM_MINSEC_128,
	.min_server_sec = NTLM_MINSEC_NTLM2 | NTLM_MINSEC_128,
	.restrict_sending = 1,
	.restrict_receiving = 0,
	.audit_receiving = 2,
	.restrict_in_domain = 0,
	.audit_in_domain = 0,
	.strict_min_sec = true,
	.require_mic = true,
	.channel_bindings = NTLM_CB_REQUIRE,
	.max_clock_skew = 300,
	.allow_anonymous = false,
};

/* Everything allowed, as NT 4 / Windows 2000 did: LM and NTLMv1 sent and
 * accepted, anonymous accepted, no session security minimum. Insecure. */
static const struct profile profile_legacy_insecure = {
	.name = "legacy-insecure",
	.lm_compat = 0,
	.min_client_sec = 0,
	.min_server_sec = 0,
	.restrict_sending = 0,
	.restrict_receiving = 0,
	.audit_receiving = 0,
	.restrict_in_domain = 0,
	.audit_in_domain = 0,
	.strict_min_sec = false,
	.require_mic = false,
	.channel_bindings = NTLM_CB_OFF,
	.max_clock_skew = 300,
	.allow_anonymous = true,
};

static const struct profile *const profiles[] = {
	&profile_cis,
	&profile_windows_default,
	&profile_strict,
	&profile_legacy_insecure,
};

static const char *const profile_names[] = {
	"cis", "windows-default", "strict", "legacy-insecure", NULL,
};

const char *const *ntlm_policy_profile_names(void)
{
	return profile_names;
}

static const struct profile *find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(profiles); i++)
		if (sv_eq_ci(sv_of(name), profiles[i]->name))
			return profiles[i];
	return NULL;
}

bool policy_profile_apply(const char *name, struct ntlm_policy *p)
{
	const struct profile *t = find(name);

	if (!t)
		return false;
	memset(p, 0, sizeof(*p));
	snprintf(p->profile, sizeof(p->profile), "%s", t->name);
	p->lm_compat = t->lm_compat;
	p->min_client_sec = t->min_client_sec;
	p->min_server_sec = t->min_server_sec;
	p->restrict_sending = t->restrict_sending;
	p->restrict_receiving = t->restrict_receiving;
	p->audit_receiving = t->audit_receiving;
	p->restrict_in_domain = t->restrict_in_domain;
	p->audit_in_domain = t->audit_in_domain;
	p->strict_min_sec = t->strict_min_sec;
	p->require_mic = t->require_mic;
	p->channel_bindings = t->channel_bindings;
	p->max_clock_skew = t->max_clock_skew;
	p->allow_anonymous = t->allow_anonymous;
	policy_update_insecure(p);
	return true;
}

ntlm_status ntlm_policy_profile(const char *name, struct ntlm_policy *out)
{
	char q[SV_QUOTE_LEN];

	if (!out)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "policy profile: no output policy");
	if (name && policy_profile_apply(name, out))
		return NTLM_OK;
	policy_profile_apply(NTLM_POLICY_DEFAULT_PROFILE, out);
	return ntlm_err(NTLM_E_CONFIG,
			"unknown profile '%s' (known: cis, windows-default, strict, "
			"legacy-insecure)",
			sv_quote(sv_of(name), q, sizeof(q)));
}
