/* SPDX-License-Identifier: MIT */
/* Fuzz target: SPNEGO (ntlm_spnego_decode, ntlm_spnego_accept). What decodes
 * must re-encode to the same bytes (when it holds only what the encoders
 * write); the input is also the first token of a SPNEGO acceptor. Seeds:
 * tokens captured from curl --negotiate (MIT SPNEGO over gss-ntlmssp and
 * over ntlmssp_gss.so) against ntlm httpd. */
#include <stdlib.h>
#include <string.h>

#include "ntlmssp.h"
#include "ntlmssp/unstable.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t ntlm_oid[] = { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a };

static ntlm_status lookup(void *arg, const char *domain, const char *user, uint8_t h[16])
{
	(void)arg;
	(void)domain;
	(void)user;
	memset(h, 0x42, 16);
	return NTLM_OK;
}

static void roundtrip(const uint8_t *data, size_t size, const struct ntlm_spnego_token *t)
{
	uint8_t *out = NULL;
	size_t len = 0;
	ntlm_status st;
	if (t->kind == NTLM_SPNEGO_INIT) {
		if (t->req_flags.p)
			return;
		st = ntlm_spnego_encode_init(t->mechs, t->n_mechs, t->mech_token.p,
					     t->mech_token.len, t->mech_list_mic.p,
					     t->mech_list_mic.len, &out, &len);
	} else {
		if (t->supported_mech.p &&
		    (t->supported_mech.len != sizeof(ntlm_oid) ||
		     memcmp(t->supported_mech.p, ntlm_oid, sizeof(ntlm_oid)) != 0))
			return;
		st = ntlm_spnego_encode_resp(t->neg_state, t->supported_mech.p != NULL,
					     t->mech_token.p, t->mech_token.len, t->mech_list_mic.p,
					     t->mech_list_mic.len, &out, &len);
	}
	if (st != NTLM_OK || len != size || memcmp(out, data, size) != 0)
		abort();
	ntlm_free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ntlm_policy *pol;
	static struct ntlm_accounts *acc;
	struct ntlm_spnego_token t;
	struct ntlm_ctx *ctx = NULL;
	uint8_t *out = NULL;
	size_t len = 0;

	if (ntlm_spnego_decode(data, size, &t) == NTLM_OK) {
		if (t.n_mechs > NTLM_SPNEGO_MAX_MECHS ||
		    (t.kind == NTLM_SPNEGO_INIT && (t.n_mechs == 0 || !t.mech_types.p)))
			abort();
		roundtrip(data, size, &t);
	}
	if (!pol && (ntlm_policy_new("cis", &pol) != NTLM_OK ||
		     ntlm_accounts_new_callback(lookup, NULL, &acc) != NTLM_OK))
		abort();
	if (ntlm_server_new(pol, acc, &ctx) != NTLM_OK)
		abort();
	ntlm_status st = ntlm_spnego_accept(ctx, data, size, &out, &len);
	if (st == NTLM_CONTINUE && (!out || ntlm_spnego_decode(out, len, &t) != NTLM_OK))
		abort();
	if (st != NTLM_CONTINUE && out)
		abort();
	ntlm_free(out);
	ntlm_ctx_free(ctx);
	return 0;
}
