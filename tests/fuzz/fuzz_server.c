/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: a real server context fed an arbitrary NEGOTIATE and then an
 * arbitrary AUTHENTICATE. Input: one mode byte (policy, channel bindings: see
 * fuzz_ctx.h), a 2-byte little-endian length n, n bytes of NEGOTIATE, and the
 * rest as the AUTHENTICATE. The server's ServerChallenge and timestamp are
 * pinned (fz_pin_server), so a recorded exchange (the seeds, gen_seeds.c)
 * verifies and the fuzzer starts from the success path. Checked: failures
 * carry a peer/policy status; success names a user and leaves working keys;
 * a second AUTHENTICATE is always refused as a replay; ntlm_step_may_wait,
 * asked first, says 0 or 1, and 1 only of an AUTHENTICATE.
 */
#include "fuzz_ctx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ntlm_policy pol;
	struct ntlm_ctx *c;
	uint8_t *chal = NULL, *none = NULL, sig[16], key[16];
	size_t chal_len, none_len, n;
	const uint8_t *neg, *auth;
	size_t neg_len, auth_len;
	ntlm_status st;

	if (size < 3)
		return 0;
	n = (size_t)data[1] | (size_t)data[2] << 8;
	neg = data + 3;
	neg_len = n < size - 3 ? n : size - 3;
	auth = neg + neg_len;
	auth_len = size - 3 - neg_len;

	fz_policy(data[0], &pol);
	c = fz_server(&pol, data[0]);
	st = ntlm_step(c, neg, neg_len, &chal, &chal_len);
	if (st != NTLM_CONTINUE) {
		fz_check(chal == NULL);
		fz_check_failure(st);
		goto out;
	}
	fz_check(chal != NULL && chal_len <= NTLM_MAX_TOKEN);
	fz_pin_server(c);

	/* the question a front end asks first: the callback store may wait,
	 * so 1 for an AUTHENTICATE that decodes with a user name, else 0 */
	int w = ntlm_step_may_wait(c, auth, auth_len);
	fz_check(w == 0 || w == 1);
	fz_check(w == 0 || (auth_len >= 12 && memcmp(auth, "NTLMSSP\0\3\0\0\0", 12) == 0));
	st = ntlm_step(c, auth, auth_len, &none, &none_len);
	fz_check(none == NULL);
	if (st != NTLM_OK) {
		fz_check_failure(st);
	} else {
		fz_check(ntlm_ctx_user(c) != NULL && ntlm_ctx_domain(c) != NULL &&
			 ntlm_ctx_workstation(c) != NULL);
		fz_check(ntlm_ctx_response_type(c)[0] != '\0');
		(void)ntlm_ctx_key_strength(c);
		fz_check(ntlm_ctx_session_key(c, key) == NTLM_OK || ntlm_ctx_key_strength(c) == 0);
		if (ntlm_ctx_flags(c) & (NTLMSSP_NEGOTIATE_SIGN | NTLMSSP_NEGOTIATE_SEAL))
			fz_check(ntlm_sign(c, auth, auth_len, sig) == NTLM_OK);
	}
	/* the same AUTHENTICATE again: never accepted twice */
	if (auth_len >= 12 && memcmp(auth, "NTLMSSP\0\3\0\0\0", 12) == 0) {
		fz_check(ntlm_step(c, auth, auth_len, &none, &none_len) != NTLM_OK);
		fz_check(none == NULL);
	}
out:
	ntlm_free(chal);
	ntlm_ctx_free(c);
	return 0;
}
