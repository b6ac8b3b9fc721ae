/* SPDX-License-Identifier: MIT */
/*
 * A program outside the tree, built against an installed ntlmssp (with
 * pkg-config or find_package): checks the run-time version against the
 * header's, then does a whole client/server handshake through the public API
 * and a seal/unseal round trip. Prints one line and exits 0, or says what
 * failed and exits 1.
 */
#include <stdio.h>
#include <string.h>

#include <ntlmssp.h>

static const char password[] = "Consumer-Pass-1";

static ntlm_status lookup(void *arg, const char *domain, const char *user, uint8_t nt_hash[16])
{
	(void)arg;
	if (strcmp(domain, "INSTALL") != 0 || strcmp(user, "alice") != 0)
		return NTLM_E_NO_SUCH_USER;
	return ntlm_hash_nt(password, nt_hash);
}

#define CHECK(st, what)                                                                        \
	do {                                                                                   \
		ntlm_status s_ = (st);                                                         \
		if (s_ != NTLM_OK && s_ != NTLM_CONTINUE) {                                    \
			fprintf(stderr, "consumer: %s: %s (%s)\n", what, ntlm_status_name(s_), \
				ntlm_error_message());                                         \
			return 1;                                                              \
		}                                                                              \
	} while (0)

int main(void)
{
	struct ntlm_policy *pol;
	struct ntlm_accounts *acc;
	struct ntlm_cred *cred;
	struct ntlm_ctx *cli, *srv;
	uint8_t *tok = NULL, *reply = NULL;
	size_t tok_len = 0, reply_len = 0;
	ntlm_status cs, ss = NTLM_CONTINUE;

	if (strcmp(ntlm_version(), NTLMSSP_VERSION) != 0) {
		fprintf(stderr, "consumer: library %s, header %s\n", ntlm_version(),
			NTLMSSP_VERSION);
		return 1;
	}
	CHECK(ntlm_policy_new("cis", &pol), "policy");
	CHECK(ntlm_accounts_new_callback(lookup, NULL, &acc), "accounts");
	CHECK(ntlm_cred_new_password("INSTALL", "alice", password, &cred), "cred");
	CHECK(ntlm_client_new(pol, cred, "HOST/server.example", NTLM_REQ_CONFIDENTIALITY, &cli),
	      "client");
	CHECK(ntlm_server_new(pol, acc, &srv), "server");

	cs = ntlm_step(cli, NULL, 0, &tok, &tok_len); /* NEGOTIATE */
	CHECK(cs, "client step 1");
	for (int round = 0; round < 3 && tok; round++) {
		ss = ntlm_step(srv, tok, tok_len, &reply, &reply_len);
		CHECK(ss, "server step");
		ntlm_free(tok);
		tok = NULL;
		if (ss == NTLM_OK)
			break;
		cs = ntlm_step(cli, reply, reply_len, &tok, &tok_len);
		CHECK(cs, "client step");
		ntlm_free(reply);
		reply = NULL;
	}
	ntlm_free(tok);
	ntlm_free(reply);
	if (cs != NTLM_OK || ss != NTLM_OK) {
		fprintf(stderr, "consumer: handshake did not complete (%d, %d)\n", cs, ss);
		return 1;
	}

	const char msg[] = "sealed through the installed library";
	uint8_t sealed[sizeof(msg) + 16], plain[sizeof(msg)];
	CHECK(ntlm_seal(cli, (const uint8_t *)msg, sizeof(msg), sealed), "seal");
	CHECK(ntlm_unseal(srv, sealed, sizeof(sealed), plain), "unseal");
	if (memcmp(plain, msg, sizeof(msg)) != 0) {
		fprintf(stderr, "consumer: unsealed bytes differ\n");
		return 1;
	}
	printf("ntlmssp %s: %s\\%s %s %u-bit sealed\n", ntlm_version(), ntlm_ctx_domain(srv),
	       ntlm_ctx_user(srv), ntlm_ctx_response_type(srv), ntlm_ctx_key_strength(srv));

	ntlm_ctx_free(cli);
	ntlm_ctx_free(srv);
	ntlm_cred_free(cred);
	ntlm_accounts_close(acc);
	ntlm_policy_free(pol);
	return 0;
}
