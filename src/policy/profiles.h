/* SPDX-License-Identifier: MIT */
/* policy: the named profiles (profiles.c). */
#ifndef NTLM_POLICY_PROFILES_H
#define NTLM_POLICY_PROFILES_H

#include "policy/settings.h"

/* Copies the profile's values into *p (lists emptied, sources reset); false
 * for an unknown name (then *p is untouched). */
bool ntlm_policy_profile_apply(const char *name, struct ntlm_policy *p);
/* The profile's name as written in the table ("cis"), or NULL if unknown. */
const char *ntlm_policy_profile_canonical(struct sv name);

#endif
