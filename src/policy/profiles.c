/* SPDX-License-Identifier: MIT */
/*
 * policy profiles: named, immutable tables. Each is the Windows default of
 * every setting (the settings table) plus the values it changes. A loaded
 * file starts from one of these and overrides what it sets.
 * Any change here shows up as a diff of tests/snapshots/policy-<name>.txt.
 * The reasons for each value are in docs/policy.md ("Profiles").
 */
#include <stdio.h>
#include <string.h>

#include "policy/profiles.h"

struct profile_value {
	enum ntlm_setting id;
	uint32_t value;
};

struct profile {
	const char *name;
	const struct profile_value *values; /* ends with NTLM_SET_COUNT */
};

/* CIS Benchmark / Microsoft security baseline (docs/windows-policy.md).
 * RequireMIC stays off: curl and impacket never send a MIC. */
static const struct profile_value cis_values[] = {
	{ NTLM_SET_LM_COMPAT, 5 },
	{ NTLM_SET_MIN_CLIENT_SEC, NTLM_MINSEC_NTLM2 | NTLM_MINSEC_128 },
	{ NTLM_SET_MIN_SERVER_SEC, NTLM_MINSEC_NTLM2 | NTLM_MINSEC_128 },
	{ NTLM_SET_RESTRICT_SENDING, 1 },
	{ NTLM_SET_AUDIT_RECEIVING, 2 },
	{ NTLM_SET_CHANNEL_BINDINGS, NTLM_CB_ACCEPT },
	{ NTLM_SET_COUNT, 0 },
};

/* What Windows 7 / 2008 R2 and later do with nothing configured: the
 * table's defaults, nothing changed. */
static const struct profile_value windows_default_values[] = {
	{ NTLM_SET_COUNT, 0 },
};

/* cis plus everything of ours turned up: MIC, channel bindings and every
 * NtlmMin*Sec bit absolute. Locks out clients that send no MIC (curl,
 * impacket) or no channel bindings. */
static const struct profile_value strict_values[] = {
	{ NTLM_SET_LM_COMPAT, 5 },
	{ NTLM_SET_MIN_CLIENT_SEC, NTLM_MINSEC_NTLM2 | NTLM_MINSEC_128 },
	{ NTLM_SET_MIN_SERVER_SEC, NTLM_MINSEC_NTLM2 | NTLM_MINSEC_128 },
	{ NTLM_SET_RESTRICT_SENDING, 1 },
	{ NTLM_SET_AUDIT_RECEIVING, 2 },
	{ NTLM_SET_STRICT_MIN_SEC, 1 },
	{ NTLM_SET_REQUIRE_MIC, 1 },
	{ NTLM_SET_CHANNEL_BINDINGS, NTLM_CB_REQUIRE },
	{ NTLM_SET_REQUIRE_REQUESTED, 1 },
	{ NTLM_SET_COUNT, 0 },
};

/* Everything allowed, as NT 4 / Windows 2000 did: LM and NTLMv1 sent and
 * accepted, anonymous accepted, no session security minimum. Insecure. */
static const struct profile_value legacy_insecure_values[] = {
	{ NTLM_SET_LM_COMPAT, 0 },	{ NTLM_SET_MIN_CLIENT_SEC, 0 },
	{ NTLM_SET_MIN_SERVER_SEC, 0 }, { NTLM_SET_ALLOW_ANONYMOUS, 1 },
	{ NTLM_SET_COUNT, 0 },
};

static const struct profile profiles[] = {
	{ "cis", cis_values },
	{ "windows-default", windows_default_values },
	{ "strict", strict_values },
	{ "legacy-insecure", legacy_insecure_values },
};

static const char *const profile_names[] = {
	"cis", "windows-default", "strict", "legacy-insecure", NULL,
};

const char *const *ntlm_policy_profile_names(void)
{
	return profile_names;
}

static const struct profile *find(struct sv name)
{
	for (size_t i = 0; i < ARRAY_SIZE(profiles); i++)
		if (sv_eq_ci(name, profiles[i].name))
			return &profiles[i];
	return NULL;
}

const char *ntlm_policy_profile_canonical(struct sv name)
{
	const struct profile *t = find(name);
	return t ? t->name : NULL;
}

bool ntlm_policy_profile_apply(const char *name, struct ntlm_policy *p)
{
	const struct profile *t = find(sv_of(name));

	if (!t)
		return false;
	ntlm_policy_set_windows_defaults(p);
	snprintf(p->profile, sizeof(p->profile), "%s", t->name);
	for (const struct profile_value *v = t->values; v->id != NTLM_SET_COUNT; v++)
		ntlm_policy_set_u32(p, v->id, v->value);
	ntlm_policy_update_insecure(p);
	return true;
}

ntlm_status ntlm_policy_profile(const char *name, struct ntlm_policy *out)
{
	char q[SV_QUOTE_LEN];

	if (!out)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "policy profile: no output policy");
	if (name && ntlm_policy_profile_apply(name, out))
		return NTLM_OK;
	ntlm_policy_profile_apply(NTLM_POLICY_DEFAULT_PROFILE, out);
	return ntlm_err(NTLM_E_CONFIG,
			"unknown profile '%s' (known: cis, windows-default, strict, "
			"legacy-insecure)",
			ntlm_policy_sv_quote(sv_of(name), q, sizeof(q)));
}
