/* SPDX-License-Identifier: MIT */
/*
 * Shared by the policy loader fuzz targets (fuzz_policy_conf, _inf, _reg):
 * loads the bytes as ntlm_policy_load_buffer does and checks the result. A
 * failed load must list at least one error and leave the cis profile; what
 * loads must render, and its native rendering must load back to the same
 * settings; the decisions run over whatever was loaded.
 */
#ifndef NTLM_FUZZ_POLICY_H
#define NTLM_FUZZ_POLICY_H

#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"

static inline bool same_list(size_t na, char (*a)[NTLM_POLICY_MAX_PATTERN + 1], size_t nb,
			     char (*b)[NTLM_POLICY_MAX_PATTERN + 1])
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (strcmp(a[i], b[i]) != 0)
			return false;
	return true;
}

static inline bool same(struct ntlm_policy *a, struct ntlm_policy *b)
{
	return strcmp(a->profile, b->profile) == 0 && a->insecure == b->insecure &&
	       a->lm_compat == b->lm_compat && a->min_client_sec == b->min_client_sec &&
	       a->min_server_sec == b->min_server_sec &&
	       a->restrict_sending == b->restrict_sending &&
	       a->restrict_receiving == b->restrict_receiving &&
	       a->audit_receiving == b->audit_receiving &&
	       a->restrict_in_domain == b->restrict_in_domain &&
	       a->audit_in_domain == b->audit_in_domain && a->strict_min_sec == b->strict_min_sec &&
	       a->require_mic == b->require_mic && a->channel_bindings == b->channel_bindings &&
	       a->max_clock_skew == b->max_clock_skew && a->allow_anonymous == b->allow_anonymous &&
	       same_list(a->n_client_allowed, a->client_allowed, b->n_client_allowed,
			 b->client_allowed) &&
	       same_list(a->n_dc_allowed, a->dc_allowed, b->n_dc_allowed, b->dc_allowed);
}

static inline void fz_policy_load_check(const uint8_t *data, size_t size)
{
	static char errors[4096];
	static char text[NTLM_POLICY_TEXT_MAX];
	static struct ntlm_policy p, q, cis;
	struct ntlm_verdict v;
	ntlm_status st;

	st = ntlm_policy_load_buffer("fuzz.conf", data, size, &p, errors, sizeof(errors));
	if (!memchr(errors, '\0', sizeof(errors)))
		abort();
	if (st != NTLM_OK) {
		if (st != NTLM_E_CONFIG && st != NTLM_E_NOMEM)
			abort();
		if (st == NTLM_E_CONFIG && strncmp(errors, "fuzz.conf:", 10) != 0)
			abort();
		if (ntlm_policy_profile("cis", &cis) != NTLM_OK || memcmp(&p, &cis, sizeof(p)) != 0)
			abort();
		return;
	}
	if (errors[0] != '\0')
		abort();
	if (ntlm_policy_dump(&p, text, sizeof(text)) != NTLM_OK)
		abort();
	if (ntlm_policy_write_native(&p, text, sizeof(text)) != NTLM_OK)
		abort();
	if (ntlm_policy_load_buffer("again.conf", (const uint8_t *)text, strlen(text), &q, NULL,
				    0) != NTLM_OK)
		abort();
	if (!same(&p, &q))
		abort();

	/* the decisions over whatever was loaded */
	ntlm_policy_may_send(&p, "HTTP/web01.example.com:8080", &v);
	ntlm_policy_may_send(&p, "cifs@[fe80::1]", &v);
	ntlm_policy_check_min_sec(&p, true, 0x00088206, &v);
	ntlm_policy_check_min_sec(&p, false, ntlm_policy_client_negotiate_flags(&p, true, false),
				  &v);
	if (v.kind != NTLM_ALLOW)
		abort(); /* our own request always meets our own NtlmMinClientSec */
	ntlm_policy_accept_response(&p, NTLM_RESP_NTLMV1, &v);
	ntlm_policy_may_receive(&p, false, true, &v);
}

#endif
