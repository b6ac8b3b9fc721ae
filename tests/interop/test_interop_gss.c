/* SPDX-License-Identifier: MIT */
/*
 * Interop with gss-ntlmssp (an independent NTLM implementation), in one
 * process through MIT GSSAPI: its initiator against our server context, and
 * our client context against its acceptor, then sealed and signed messages
 * both ways (gss_wrap / gss_get_mic against ntlm_unseal / ntlm_verify and the
 * reverse). This cross-checks NTOWFv2, NTLMv2, the MIC, KEY_EXCH, SIGNKEY /
 * SEALKEY and the ESS signature and seal code paths against another peer.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_ntlmssp.h>

#include "testutil.h"
#include "ntlmssp.h"

#define DOMAIN "INTEROP"
#define USER "alice"
#define PASSWORD "Interop-Pa55!"

static gss_OID_desc ntlm_oid = { GSS_NTLMSSP_OID_LENGTH, (void *)GSS_NTLMSSP_OID_STRING };

static char user_file[256];

static int setup(void **state)
{
	(void)state;
	snprintf(user_file, sizeof(user_file), "/tmp/ntlm-interop-%d.users", (int)getpid());
	FILE *f = fopen(user_file, "w");
	if (!f)
		return -1;
	fprintf(f, "%s:%s:%s\n", DOMAIN, USER, PASSWORD);
	fclose(f);
	setenv("NTLM_USER_FILE", user_file, 1);
	setenv("NETBIOS_COMPUTER_NAME", "GSSSRV", 1);
	setenv("NETBIOS_DOMAIN_NAME", DOMAIN, 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(user_file);
	return 0;
}

static bool gss_available(void)
{
	OM_uint32 min;
	gss_OID_set mechs = GSS_C_NO_OID_SET;
	int present = 0;
	if (gss_indicate_mechs(&min, &mechs) != GSS_S_COMPLETE)
		return false;
	gss_test_oid_set_member(&min, &ntlm_oid, mechs, &present);
	gss_release_oid_set(&min, &mechs);
	return present != 0;
}

static ntlm_status accounts_cb(void *arg, const char *domain, const char *user, uint8_t h[16])
{
	(void)arg;
	(void)domain;
	if (strcasecmp(user, USER) != 0)
		return NTLM_E_NO_SUCH_USER;
	return ntlm_hash_nt(PASSWORD, h);
}

static void check_maj(OM_uint32 maj, OM_uint32 min, const char *what)
{
	if (GSS_ERROR(maj))
		fail_msg("%s: major 0x%x minor 0x%x", what, maj, min);
}

/* Messages both ways on an established pair. */
static void traffic(gss_ctx_id_t gctx, struct ntlm_ctx *ours)
{
	OM_uint32 maj, min;
	const char *text = "interop: sealed by one, opened by the other";
	size_t n = strlen(text);
	gss_buffer_desc in = { n, (void *)text }, out = GSS_C_EMPTY_BUFFER;
	int conf = 0;
	uint8_t wrapped[256], plain[256], sig[16];

	for (int round = 0; round < 3; round++) {
		/* gss_wrap -> ntlm_unseal */
		maj = gss_wrap(&min, gctx, 1, GSS_C_QOP_DEFAULT, &in, &conf, &out);
		check_maj(maj, min, "gss_wrap");
		assert_true(conf);
		assert_int_equal(out.length, n + 16);
		assert_int_equal(ntlm_unseal(ours, out.value, out.length, plain), NTLM_OK);
		assert_memory_equal(plain, text, n);
		gss_release_buffer(&min, &out);

		/* ntlm_seal -> gss_unwrap */
		assert_int_equal(ntlm_seal(ours, (const uint8_t *)text, n, wrapped), NTLM_OK);
		gss_buffer_desc w = { n + 16, wrapped };
		maj = gss_unwrap(&min, gctx, &w, &out, &conf, NULL);
		check_maj(maj, min, "gss_unwrap");
		assert_int_equal(out.length, n);
		assert_memory_equal(out.value, text, n);
		gss_release_buffer(&min, &out);

		/* gss_get_mic -> ntlm_verify, ntlm_sign -> gss_verify_mic */
		maj = gss_get_mic(&min, gctx, GSS_C_QOP_DEFAULT, &in, &out);
		check_maj(maj, min, "gss_get_mic");
		assert_int_equal(out.length, 16);
		assert_int_equal(ntlm_verify(ours, (const uint8_t *)text, n, out.value), NTLM_OK);
		gss_release_buffer(&min, &out);
		assert_int_equal(ntlm_sign(ours, (const uint8_t *)text, n, sig), NTLM_OK);
		gss_buffer_desc s = { 16, sig };
		maj = gss_verify_mic(&min, gctx, &in, &s, NULL);
		check_maj(maj, min, "gss_verify_mic");
	}
}

/* gss-ntlmssp initiator -> our server. */
static void test_gss_client_our_server(void **state)
{
	(void)state;
	if (!gss_available())
		skip();
	OM_uint32 maj, min, ret_flags = 0;
	gss_name_t uname = GSS_C_NO_NAME, tname = GSS_C_NO_NAME;
	gss_cred_id_t cred = GSS_C_NO_CREDENTIAL;
	gss_ctx_id_t gctx = GSS_C_NO_CONTEXT;
	gss_OID_set_desc mechs = { 1, &ntlm_oid };
	gss_buffer_desc b = { strlen(DOMAIN "\\" USER), (void *)(DOMAIN "\\" USER) };
	gss_buffer_desc pw = { strlen(PASSWORD), (void *)PASSWORD };
	gss_buffer_desc tb = { strlen("HTTP@ourserver"), (void *)"HTTP@ourserver" };
	gss_buffer_desc in = GSS_C_EMPTY_BUFFER, out = GSS_C_EMPTY_BUFFER;

	check_maj(gss_import_name(&min, &b, GSS_C_NT_USER_NAME, &uname), min, "import user");
	check_maj(gss_import_name(&min, &tb, GSS_C_NT_HOSTBASED_SERVICE, &tname), min,
		  "import target");
	maj = gss_acquire_cred_with_password(&min, uname, &pw, GSS_C_INDEFINITE, &mechs,
					     GSS_C_INITIATE, &cred, NULL, NULL);
	check_maj(maj, min, "acquire_cred_with_password");

	struct ntlm_policy *pol;
	struct ntlm_accounts *acc;
	struct ntlm_ctx *srv;
	assert_int_equal(ntlm_policy_new("cis", &pol), NTLM_OK);
	assert_int_equal(ntlm_accounts_new_callback(accounts_cb, NULL, &acc), NTLM_OK);
	assert_int_equal(ntlm_server_new(pol, acc, &srv), NTLM_OK);

	ntlm_status st = NTLM_CONTINUE;
	for (int i = 0; i < 3 && st == NTLM_CONTINUE; i++) {
		maj = gss_init_sec_context(&min, cred, &gctx, tname, &ntlm_oid,
					   GSS_C_INTEG_FLAG | GSS_C_CONF_FLAG, 0, NULL, &in, NULL,
					   &out, &ret_flags, NULL);
		check_maj(maj, min, "gss_init_sec_context");
		uint8_t *tok = NULL;
		size_t tok_len = 0;
		st = ntlm_step(srv, out.value, out.length, &tok, &tok_len);
		gss_release_buffer(&min, &out);
		if (st == NTLM_CONTINUE) {
			in.value = tok;
			in.length = tok_len;
			continue;
		}
		if (st != NTLM_OK)
			fail_msg("our server: %s: %s", ntlm_status_name(st), ntlm_error_message());
		ntlm_free(in.value);
		in.value = NULL;
		in.length = 0;
		ntlm_free(tok);
	}
	assert_int_equal(st, NTLM_OK);
	assert_string_equal(ntlm_ctx_response_type(srv), "NTLMv2");
	assert_string_equal(ntlm_ctx_user(srv), USER);
	assert_string_equal(ntlm_ctx_domain(srv), DOMAIN);
	assert_int_equal(ntlm_ctx_key_strength(srv), 128);
	traffic(gctx, srv);

	gss_delete_sec_context(&min, &gctx, GSS_C_NO_BUFFER);
	gss_release_cred(&min, &cred);
	gss_release_name(&min, &uname);
	gss_release_name(&min, &tname);
	ntlm_ctx_free(srv);
	ntlm_accounts_close(acc);
	ntlm_policy_free(pol);
}

/* Our client -> gss-ntlmssp acceptor, with every LmCompatibilityLevel our
 * client sends at (0-2 NTLMv1 / NTLMv1-ESS, 3-5 NTLMv2 with a MIC). */
static void test_our_client_gss_server(void **state)
{
	(void)state;
	if (!gss_available())
		skip();
	for (unsigned level = 0; level <= 5; level++) {
		OM_uint32 maj, min;
		gss_ctx_id_t gctx = GSS_C_NO_CONTEXT;
		gss_buffer_desc in, out = GSS_C_EMPTY_BUFFER;
		struct ntlm_policy *pol;
		struct ntlm_cred *cred;
		struct ntlm_ctx *cli;
		uint8_t *tok;
		size_t tok_len;

		assert_int_equal(ntlm_policy_new(level < 3 ? "legacy-insecure" : "cis", &pol),
				 NTLM_OK);
		assert_int_equal(ntlm_cred_new_password(DOMAIN, USER, PASSWORD, &cred), NTLM_OK);
		/* the level is set through a tiny config to keep to the public API */
		char conf[128];
		snprintf(conf, sizeof(conf), "/tmp/ntlm-interop-%d.conf", (int)getpid());
		FILE *f = fopen(conf, "w");
		assert_non_null(f);
		fprintf(f, "Profile = %s\n[Lsa]\nLmCompatibilityLevel = %u\n%s",
			level < 3 ? "legacy-insecure" : "cis", level,
			level < 3 ? "[MSV1_0]\nNtlmMinClientSec = 0\n" : "");
		fclose(f);
		ntlm_policy_free(pol);
		ntlm_status st = ntlm_policy_load(conf, &pol);
		unlink(conf);
		if (st != NTLM_OK)
			fail_msg("policy: %s", ntlm_error_message());
		assert_int_equal(
			ntlm_client_new(pol, cred, "HTTP/gsssrv", NTLM_REQ_CONFIDENTIALITY, &cli),
			NTLM_OK);
		assert_int_equal(ntlm_step(cli, NULL, 0, &tok, &tok_len), NTLM_CONTINUE);
		in.value = tok;
		in.length = tok_len;
		maj = gss_accept_sec_context(&min, &gctx, GSS_C_NO_CREDENTIAL, &in,
					     GSS_C_NO_CHANNEL_BINDINGS, NULL, NULL, &out, NULL,
					     NULL, NULL);
		ntlm_free(tok);
		assert_int_equal(maj, GSS_S_CONTINUE_NEEDED);
		st = ntlm_step(cli, out.value, out.length, &tok, &tok_len);
		gss_release_buffer(&min, &out);
		if (st != NTLM_OK)
			fail_msg("level %u: our client: %s: %s", level, ntlm_status_name(st),
				 ntlm_error_message());
		in.value = tok;
		in.length = tok_len;
		maj = gss_accept_sec_context(&min, &gctx, GSS_C_NO_CREDENTIAL, &in,
					     GSS_C_NO_CHANNEL_BINDINGS, NULL, NULL, &out, NULL,
					     NULL, NULL);
		ntlm_free(tok);
		if (maj != GSS_S_COMPLETE)
			fail_msg("level %u (%s): gss_accept_sec_context major 0x%x minor 0x%x",
				 level, ntlm_ctx_response_type(cli), maj, min);
		gss_release_buffer(&min, &out);
		traffic(gctx, cli);
		gss_delete_sec_context(&min, &gctx, GSS_C_NO_BUFFER);
		ntlm_ctx_free(cli);
		ntlm_cred_free(cred);
		ntlm_policy_free(pol);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gss_client_our_server),
		cmocka_unit_test(test_our_client_gss_server),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
