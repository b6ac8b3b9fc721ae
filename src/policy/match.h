/* SPDX-License-Identifier: MIT */
/* policy: target matching (match.c), for the decisions. */
#ifndef NTLM_POLICY_MATCH_H
#define NTLM_POLICY_MATCH_H

#include "policy/policy.h"
#include "policy/settings.h"

/* Index of the first ClientAllowedNTLMServers entry that matches target, or -1. */
int ntlm_policy_allowed_index(const struct ntlm_policy *p, const char *target);

#endif
