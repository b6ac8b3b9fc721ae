/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: a real client context, after it sent its NEGOTIATE, fed an
 * arbitrary CHALLENGE. Input: one mode byte (policy, channel bindings: see
 * fuzz_ctx.h), one byte of NTLM_REQ_* bits, then the CHALLENGE. A step that
 * fails must fail with a peer/policy status; one that succeeds must produce
 * an AUTHENTICATE that decodes, no larger than NTLM_MAX_TOKEN, and leave a
 * context whose queries and message protection work.
 */
#include "fuzz_ctx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void use_session(struct ntlm_ctx *c)
{
	static const uint8_t msg[] = "fuzz";
	uint8_t sig[16], wrapped[sizeof(msg) + 16], key[16];
	uint32_t f = ntlm_ctx_flags(c);

	(void)ntlm_ctx_response_type(c);
	(void)ntlm_ctx_key_strength(c);
	fz_check(ntlm_ctx_session_key(c, key) == NTLM_OK || ntlm_ctx_key_strength(c) == 0);
	if (f & (NTLMSSP_NEGOTIATE_SIGN | NTLMSSP_NEGOTIATE_SEAL))
		fz_check(ntlm_sign(c, msg, sizeof(msg), sig) == NTLM_OK);
	if (f & NTLMSSP_NEGOTIATE_SEAL)
		fz_check(ntlm_seal(c, msg, sizeof(msg), wrapped) == NTLM_OK);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ntlm_policy pol;
	struct ntlm_wire_authenticate am;
	struct ntlm_ctx *c;
	uint8_t *neg = NULL, *auth = NULL, *again = NULL;
	size_t neg_len, auth_len, again_len;
	ntlm_status st;

	if (size < 2)
		return 0;
	fz_policy(data[0], &pol);
	c = fz_client(&pol, data[0], data[1] & 3);
	st = ntlm_step(c, NULL, 0, &neg, &neg_len);
	if (st != NTLM_CONTINUE) {
		/* only a policy can stop a client before it sends anything */
		fz_check(ntlm_status_kind(st) == NTLM_KIND_POLICY_DENIED);
		goto out;
	}
	st = ntlm_step(c, data + 2, size - 2, &auth, &auth_len);
	if (st != NTLM_OK) {
		fz_check(st != NTLM_CONTINUE && auth == NULL);
		fz_check_failure(st);
		/* a failed context stays failed */
		fz_check(ntlm_step(c, data + 2, size - 2, &again, &again_len) != NTLM_OK);
		fz_check(again == NULL);
		goto out;
	}
	fz_check(auth != NULL && auth_len <= NTLM_MAX_TOKEN);
	fz_check(ntlm_wire_authenticate_decode(auth, auth_len, &am) == NTLM_OK);
	use_session(c);
out:
	ntlm_free(neg);
	ntlm_free(auth);
	ntlm_ctx_free(c);
	return 0;
}
