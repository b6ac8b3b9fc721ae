/* SPDX-License-Identifier: MIT */
/*
 * The winbind verifier against a real domain (run by tests/domain/
 * check_winbind.sh as a client of the member's or the DC's winbindd; not a
 * ctest of its own). Responses are computed here with the library's own
 * MS-NLMP functions, as a client would, and sent through
 * ntlm_verifier_verify; every assertion is on what the domain answered.
 *
 *   test_winbind member|dc   the accounts of tests/domain/accounts.py
 *   test_winbind down        no winbindd reachable: unavailable, never a success
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "testutil.h"
#include "accounts/verify.h"
#include "auth/auth.h"
#include "crypto/crypto.h"
#include "text/text.h"

static const char *mode = "member";
static struct ntlm_verifier *wb;
static const uint8_t server_chal[8] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef };

/* Appends one AV pair (id, UTF-16LE of a UTF-8 name) at p; returns bytes. */
static size_t av_name(uint8_t *p, uint16_t id, const char *name)
{
	uint8_t *u = NULL;
	size_t n = 0;
	assert_int_equal(ntlm_text_utf8_to_utf16le(name, &u, &n), NTLM_OK);
	p[0] = (uint8_t)id;
	p[1] = (uint8_t)(id >> 8);
	p[2] = (uint8_t)n;
	p[3] = (uint8_t)(n >> 8);
	memcpy(p + 4, u, n);
	free(u);
	return 4 + n;
}

struct resp {
	uint8_t nt[512];
	size_t nt_len;
	uint8_t lm[24];
	uint8_t session_base_key[16];
};

/* An NTLMv2 response for (user, domain, password) whose blob names the
 * server as nb_computer / nb_domain (NULL: no AV pairs but MsvAvEOL). */
static void v2(const char *user, const char *domain, const char *password, const char *nb_computer,
	       const char *nb_domain, struct resp *r)
{
	uint8_t ntowf[16], ntowfv2[16], proof[16];
	uint8_t *t = r->nt + 16;
	size_t n = 0;

	memset(r, 0, sizeof(*r));
	t[n++] = 1; /* RespType */
	t[n++] = 1; /* HiRespType */
	n += 6;	    /* reserved */
	uint64_t now = (uint64_t)time(NULL) * 10000000u + 116444736000000000u;
	for (int i = 0; i < 8; i++)
		t[n++] = (uint8_t)(now >> (8 * i));
	for (int i = 0; i < 8; i++)
		t[n++] = (uint8_t)(0xa0 + i); /* client challenge */
	n += 4;
	if (nb_computer) {
		n += av_name(t + n, 2, nb_domain);   /* MsvAvNbDomainName */
		n += av_name(t + n, 1, nb_computer); /* MsvAvNbComputerName */
	}
	n += 4; /* MsvAvEOL */
	n += 4; /* reserved */
	assert_int_equal(ntlm_auth_ntowfv1(password, ntowf), NTLM_OK);
	assert_int_equal(ntlm_auth_ntowfv2(ntowf, user, domain, ntowfv2), NTLM_OK);
	ntlm_auth_ntlmv2_response(ntowfv2, server_chal, t, n, proof, r->session_base_key);
	memcpy(r->nt, proof, 16);
	r->nt_len = 16 + n;
	/* LMv2 may be 24 zero bytes (the domain checks the NT response). */
	ntlm_crypto_wipe(ntowf, 16);
	ntlm_crypto_wipe(ntowfv2, 16);
}

static ntlm_status verify(const char *user, const char *domain, const struct resp *r,
			  struct ntlm_verify_result *out)
{
	struct ntlm_verify_req q = {
		server_chal, domain, user, "CLIENT7", { r->lm, sizeof(r->lm) }, { r->nt, r->nt_len }
	};
	return ntlm_verifier_verify(wb, &q, out);
}

/* The member's own names for the blob, as winbind reports them. */
static struct ntlm_verify_names names;

static void expect_ok(const char *user, const char *domain, const char *password,
		      const char *canon_user)
{
	struct resp r;
	struct ntlm_verify_result out;
	ntlm_status st;

	v2(user, domain, password, names.nb_computer, names.nb_domain, &r);
	st = verify(user, domain, &r, &out);
	if (st != NTLM_OK)
		fail_msg("%s\\%s: %s: %s", domain, user, ntlm_status_name(st),
			 ntlm_error_message());
	/* The DC's session key is the NTLMv2 SessionBaseKey the client has. */
	assert_bytes_equal(out.session_base_key, r.session_base_key, 16);
	assert_string_equal(out.user, canon_user);
	assert_string_equal(out.domain, "TESTDOM");
	assert_true(out.domain_account);
	assert_int_equal(out.nt_status, 0);
	assert_true(out.n_sids >= 2);
	assert_memory_equal(out.sids[0], "S-1-5-21-", 9);
	size_t l = strlen(out.sids[1]);
	assert_true(l > 4);
	assert_string_equal(out.sids[1] + l - 4, "-513"); /* Domain Users */
	ntlm_verify_result_clear(&out);
}

static void expect_refused(const char *user, const char *password, ntlm_status want,
			   uint32_t want_nt, const char *want_name)
{
	struct resp r;
	struct ntlm_verify_result out;
	ntlm_status st;

	v2(user, "TESTDOM", password, names.nb_computer, names.nb_domain, &r);
	st = verify(user, "TESTDOM", &r, &out);
	if (st != want)
		fail_msg("%s: got %s (%s), want %s", user, ntlm_status_name(st),
			 ntlm_error_message(), ntlm_status_name(want));
	assert_int_equal(out.nt_status, want_nt);
	assert_non_null(strstr(ntlm_error_message(), want_name));
	assert_true(out.user[0] == '\0');
	for (int i = 0; i < 16; i++)
		assert_int_equal(out.session_base_key[i], 0);
}

static void test_names(void **state)
{
	(void)state;
	struct ntlm_verify_names n;
	assert_int_equal(ntlm_verifier_names(wb, &n), NTLM_OK);
	assert_string_equal(n.nb_domain, "TESTDOM");
	assert_string_equal(n.nb_computer, strcmp(mode, "dc") == 0 ? "DC1" : "MEM1");
	assert_string_equal(n.dns_domain, "testdom.example");
}

static void test_success(void **state)
{
	(void)state;
	expect_ok("alice", "TESTDOM", "Passw0rd1", "alice");
	expect_ok("bob", "TESTDOM", "Secret-2", "bob");
	/* A non-ASCII name and password. */
	expect_ok("jürgen", "TESTDOM", "Grüße-Passw0rd", "jürgen");
	/* The canonical name comes back whatever case the client used, and
	 * the domain may be spelled as DNS name or lower case. */
	expect_ok("ALICE", "TESTDOM", "Passw0rd1", "alice");
	expect_ok("alice", "testdom.example", "Passw0rd1", "alice");
}

static void test_refusals(void **state)
{
	(void)state;
	expect_refused("alice", "WrongPass9", NTLM_E_LOGON_FAILURE, 0xC000006Au,
		       "NT_STATUS_WRONG_PASSWORD");
	expect_refused("nobody", "Any-Passw0rd", NTLM_E_NO_SUCH_USER, 0xC0000064u,
		       "NT_STATUS_NO_SUCH_USER");
	expect_refused("carol", "Carol-Passw0rd", NTLM_E_ACCOUNT_DISABLED, 0xC0000072u,
		       "NT_STATUS_ACCOUNT_DISABLED");
	expect_refused("dave", "Dave-Passw0rd", NTLM_E_PASSWORD_MUST_CHANGE, 0xC0000224u,
		       "NT_STATUS_PASSWORD_MUST_CHANGE");
	expect_refused("erin", "Erin-Passw0rd", NTLM_E_ACCOUNT_EXPIRED, 0xC0000193u,
		       "NT_STATUS_ACCOUNT_EXPIRED");
	expect_refused("frank", "Frank-Passw0rd", NTLM_E_LOGON_HOURS, 0xC000006Fu,
		       "NT_STATUS_INVALID_LOGON_HOURS");
	expect_refused("grace", "Grace-Passw0rd", NTLM_E_WORKSTATION_RESTRICTED, 0xC0000070u,
		       "NT_STATUS_INVALID_WORKSTATION");
	expect_refused("heidi", "Heidi-Passw0rd", NTLM_E_ACCOUNT_LOCKED_OUT, 0xC0000234u,
		       "NT_STATUS_ACCOUNT_LOCKED_OUT");
}

/* Through a member, the DC checks the names in the blob: other names make a
 * right password fail; no names at all pass. The DC-local path does not
 * check them. */
static void test_blob_names(void **state)
{
	(void)state;
	struct resp r;
	struct ntlm_verify_result out;

	v2("alice", "TESTDOM", "Passw0rd1", "OTHERHOST", "TESTDOM", &r);
	ntlm_status st = verify("alice", "TESTDOM", &r, &out);
	if (strcmp(mode, "dc") == 0) {
		assert_int_equal(st, NTLM_OK);
	} else {
		assert_int_equal(st, NTLM_E_LOGON_FAILURE);
		assert_int_equal(out.nt_status, 0xC000006Du);
	}
	v2("alice", "TESTDOM", "Passw0rd1", NULL, NULL, &r);
	assert_int_equal(verify("alice", "TESTDOM", &r, &out), NTLM_OK);
	ntlm_verify_result_clear(&out);
}

/* No winbindd: unavailable, with the cause, never a verdict or a success. */
static void test_down(void **state)
{
	(void)state;
	struct resp r;
	struct ntlm_verify_result out;
	struct ntlm_verify_names n;

	v2("alice", "TESTDOM", "Passw0rd1", NULL, NULL, &r);
	ntlm_status st = verify("alice", "TESTDOM", &r, &out);
	if (st != NTLM_E_BACKEND_UNAVAILABLE && st != NTLM_E_NO_LOGON_SERVERS)
		fail_msg("winbindd down: got %s (%s)", ntlm_status_name(st), ntlm_error_message());
	assert_non_null(strstr(ntlm_error_message(), "winbind"));
	assert_true(out.user[0] == '\0');
	assert_int_equal(ntlm_verifier_names(wb, &n), NTLM_E_BACKEND_UNAVAILABLE);
}

static int setup(void **state)
{
	(void)state;
	if (ntlm_verifier_winbind_new(&wb) != NTLM_OK)
		return -1;
	if (strcmp(mode, "down") != 0 && ntlm_verifier_names(wb, &names) != NTLM_OK) {
		fprintf(stderr, "winbind names: %s\n", ntlm_error_message());
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ntlm_verifier_free(wb);
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest live[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_success),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_blob_names),
	};
	const struct CMUnitTest down[] = {
		cmocka_unit_test(test_down),
	};

	if (argc > 1)
		mode = argv[1];
	if (strcmp(mode, "down") == 0)
		return cmocka_run_group_tests_name("winbind-down", down, setup, teardown);
	if (strcmp(mode, "member") != 0 && strcmp(mode, "dc") != 0) {
		fprintf(stderr, "usage: test_winbind member|dc|down\n");
		return 2;
	}
	return cmocka_run_group_tests_name(
		strcmp(mode, "dc") == 0 ? "winbind-dc" : "winbind-member", live, setup, teardown);
}
