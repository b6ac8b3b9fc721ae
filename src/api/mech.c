/* SPDX-License-Identifier: MIT */
/*
 * api/mech.c: a policy setting by name, for the GSSAPI mechanism (gss-ntlmssp's
 * LM_COMPAT_LEVEL; include/ntlmssp/unstable.h).
 */
#include "ntlmssp/unstable.h"
#include "policy/policy.h"

ntlm_status ntlm_policy_set_value(struct ntlm_policy *p, const char *name, const char *value)
{
	ntlm_err_clear();
	if (!p || !name || !value)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "ntlm_policy_set_value: NULL argument");
	return ntlm_policy_set(p, name, value);
}
