/* SPDX-License-Identifier: MIT */
/*
 * Field-by-field equality of decoded wire structs (header-only, so the fuzz
 * targets can use it without cmocka). Slices compare by content.
 */
#ifndef NTLM_TEST_WIRE_EQ_H
#define NTLM_TEST_WIRE_EQ_H

#include <string.h>

#include "wire/wire.h"

static inline bool wq_slice(struct ntlm_slice a, struct ntlm_slice b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

static inline bool wq_version(const struct ntlm_wire_version *a, const struct ntlm_wire_version *b)
{
	return a->major == b->major && a->minor == b->minor && a->build == b->build &&
	       memcmp(a->reserved, b->reserved, sizeof(a->reserved)) == 0 &&
	       a->revision == b->revision;
}

static inline bool wq_avlist(const struct ntlm_wire_avlist *a, const struct ntlm_wire_avlist *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (a->av[i].id != b->av[i].id || !wq_slice(a->av[i].value, b->av[i].value))
			return false;
	return true;
}

static inline bool wq_negotiate(const struct ntlm_wire_negotiate *a,
				const struct ntlm_wire_negotiate *b)
{
	return a->flags == b->flags && wq_slice(a->domain, b->domain) &&
	       wq_slice(a->workstation, b->workstation) && a->has_version == b->has_version &&
	       (!a->has_version || wq_version(&a->version, &b->version));
}

static inline bool wq_challenge(const struct ntlm_wire_challenge *a,
				const struct ntlm_wire_challenge *b)
{
	return a->flags == b->flags && wq_slice(a->target_name, b->target_name) &&
	       memcmp(a->server_challenge, b->server_challenge, 8) == 0 &&
	       memcmp(a->reserved, b->reserved, 8) == 0 &&
	       wq_slice(a->target_info, b->target_info) && wq_avlist(&a->av, &b->av) &&
	       a->has_version == b->has_version &&
	       (!a->has_version || wq_version(&a->version, &b->version));
}

static inline bool wq_authenticate(const struct ntlm_wire_authenticate *a,
				   const struct ntlm_wire_authenticate *b)
{
	return a->flags == b->flags && wq_slice(a->lm_response, b->lm_response) &&
	       wq_slice(a->nt_response, b->nt_response) && wq_slice(a->domain, b->domain) &&
	       wq_slice(a->user, b->user) && wq_slice(a->workstation, b->workstation) &&
	       wq_slice(a->enc_session_key, b->enc_session_key) &&
	       a->has_version == b->has_version &&
	       (!a->has_version || wq_version(&a->version, &b->version)) &&
	       a->has_mic == b->has_mic && (!a->has_mic || memcmp(a->mic, b->mic, 16) == 0);
}

/* The fields temp_encode writes (it always writes zero reserved fields and
 * a 4-byte zero trailer, so temp/trailing are not compared). */
static inline bool wq_ntlmv2(const struct ntlm_wire_ntlmv2_response *a,
			     const struct ntlm_wire_ntlmv2_response *b)
{
	return a->resp_type == b->resp_type && a->hi_resp_type == b->hi_resp_type &&
	       a->timestamp == b->timestamp &&
	       memcmp(a->client_challenge, b->client_challenge, 8) == 0 &&
	       wq_slice(a->av_raw, b->av_raw) && wq_avlist(&a->av, &b->av);
}

#endif
