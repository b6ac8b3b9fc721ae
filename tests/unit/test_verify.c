/* SPDX-License-Identifier: MIT */
/* accounts/verify: the verifier dispatch (argument checks, never a success
 * on a refusal, wiping) and the NTSTATUS table, without a domain (the real
 * winbind verifier is proven against a real domain by ctest `domain`). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "accounts/verify.h"

/* A fake backend: answers with what the test put in it. */
struct fake {
	ntlm_status st;
	uint32_t nt;
	const char *user;
	int calls;
	struct ntlm_verify_req last;
	bool fill_key;
};

static ntlm_status fake_verify(void *self, const struct ntlm_verify_req *req,
			       struct ntlm_verify_result *out)
{
	struct fake *f = self;
	f->calls++;
	f->last = *req;
	out->nt_status = f->nt;
	if (f->user)
		snprintf(out->user, sizeof(out->user), "%s", f->user);
	if (f->fill_key)
		memset(out->session_base_key, 0xAB, 16);
	return f->st;
}

static ntlm_status fake_names(void *self, struct ntlm_verify_names *out)
{
	(void)self;
	snprintf(out->nb_computer, sizeof(out->nb_computer), "MEM1");
	snprintf(out->nb_domain, sizeof(out->nb_domain), "TESTDOM");
	return NTLM_OK;
}

static const struct ntlm_verifier_ops fake_ops = {
	.name = "fake",
	.names = fake_names,
	.verify = fake_verify,
};

static const uint8_t chal[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static const uint8_t nt[24] = { 9 };

static struct ntlm_verify_req req(void)
{
	return (struct ntlm_verify_req){ chal, "TESTDOM",   "alice",
					 "WS", { NULL, 0 }, { nt, sizeof(nt) } };
}

static struct ntlm_verifier *fake_new(struct fake *f)
{
	struct ntlm_verifier *v = NULL;
	assert_int_equal(ntlm_verifier_new(&fake_ops, f, &v), NTLM_OK);
	assert_string_equal(ntlm_verifier_name(v), "fake");
	return v;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static void test_success_passes_through(void **state)
{
	(void)state;
	struct fake f = { .st = NTLM_OK, .user = "alice", .fill_key = true };
	struct ntlm_verifier *v = fake_new(&f);
	struct ntlm_verify_req r = req();
	struct ntlm_verify_result out;

	assert_int_equal(ntlm_verifier_verify(v, &r, &out), NTLM_OK);
	assert_string_equal(out.user, "alice");
	assert_int_equal(out.session_base_key[15], 0xAB);
	assert_int_equal(f.calls, 1);
	assert_ptr_equal(f.last.nt_response.p, nt);
	assert_string_equal(f.last.workstation, "WS");
	ntlm_verify_result_clear(&out);
	assert_true(all_zero((const uint8_t *)&out, sizeof(out)));
	ntlm_verifier_free(v);
}

/* A backend that says OK with a refusal status, or without a name, or
 * NTLM_CONTINUE, is not believed: an internal error, nothing kept. */
static void test_never_success_on_error(void **state)
{
	(void)state;
	struct fake f = { .st = NTLM_OK, .nt = 0xC000006Au, .user = "alice", .fill_key = true };
	struct ntlm_verifier *v = fake_new(&f);
	struct ntlm_verify_req r = req();
	struct ntlm_verify_result out;

	assert_int_equal(ntlm_verifier_verify(v, &r, &out), NTLM_E_INTERNAL);
	assert_true(all_zero(out.session_base_key, 16));
	assert_string_equal(out.user, "");
	assert_int_equal(out.nt_status, 0xC000006Au);

	f.nt = 0;
	f.user = NULL;
	assert_int_equal(ntlm_verifier_verify(v, &r, &out), NTLM_E_INTERNAL);
	assert_true(all_zero(out.session_base_key, 16));

	f.user = "alice";
	f.st = NTLM_CONTINUE;
	assert_int_equal(ntlm_verifier_verify(v, &r, &out), NTLM_E_INTERNAL);
	assert_true(all_zero(out.session_base_key, 16));

	/* A refusal keeps its NT status, wipes the rest. */
	f.st = NTLM_E_ACCOUNT_DISABLED;
	f.nt = 0xC0000072u;
	assert_int_equal(ntlm_verifier_verify(v, &r, &out), NTLM_E_ACCOUNT_DISABLED);
	assert_int_equal(out.nt_status, 0xC0000072u);
	assert_true(all_zero(out.session_base_key, 16));
	assert_string_equal(out.user, "");
	ntlm_verifier_free(v);
}

static void test_bad_arguments(void **state)
{
	(void)state;
	struct fake f = { .st = NTLM_OK, .user = "alice" };
	struct ntlm_verifier *v = fake_new(&f);
	struct ntlm_verify_req r = req();
	struct ntlm_verify_result out;

	assert_int_equal(ntlm_verifier_verify(v, NULL, &out), NTLM_E_INVALID_ARGUMENT);
	r.user = NULL;
	assert_int_equal(ntlm_verifier_verify(v, &r, &out), NTLM_E_INVALID_ARGUMENT);
	r = req();
	r.nt_response = (struct ntlm_slice){ NULL, 0 };
	assert_int_equal(ntlm_verifier_verify(v, &r, &out), NTLM_E_BAD_RESPONSE);
	assert_int_equal(f.calls, 0);
	ntlm_verifier_free(v);

	v = (struct ntlm_verifier *)1;
	assert_int_equal(ntlm_verifier_new(NULL, NULL, &v), NTLM_E_INVALID_ARGUMENT);
	assert_null(v);
}

static void test_names(void **state)
{
	(void)state;
	struct fake f = { 0 };
	struct ntlm_verifier *v = fake_new(&f);
	struct ntlm_verify_names n;

	assert_int_equal(ntlm_verifier_names(v, &n), NTLM_OK);
	assert_string_equal(n.nb_computer, "MEM1");
	assert_string_equal(n.nb_domain, "TESTDOM");
	ntlm_verifier_free(v);
}

/* Every status the domain can answer maps to its own code and message. */
static void test_ntstatus_table(void **state)
{
	(void)state;
	static const struct {
		uint32_t nt;
		ntlm_status st;
		const char *name;
	} rows[] = {
		{ 0xC000006Au, NTLM_E_LOGON_FAILURE, "NT_STATUS_WRONG_PASSWORD" },
		{ 0xC000006Du, NTLM_E_LOGON_FAILURE, "NT_STATUS_LOGON_FAILURE" },
		{ 0xC0000064u, NTLM_E_NO_SUCH_USER, "NT_STATUS_NO_SUCH_USER" },
		{ 0xC0000072u, NTLM_E_ACCOUNT_DISABLED, "NT_STATUS_ACCOUNT_DISABLED" },
		{ 0xC0000193u, NTLM_E_ACCOUNT_EXPIRED, "NT_STATUS_ACCOUNT_EXPIRED" },
		{ 0xC0000234u, NTLM_E_ACCOUNT_LOCKED_OUT, "NT_STATUS_ACCOUNT_LOCKED_OUT" },
		{ 0xC0000071u, NTLM_E_PASSWORD_EXPIRED, "NT_STATUS_PASSWORD_EXPIRED" },
		{ 0xC0000224u, NTLM_E_PASSWORD_MUST_CHANGE, "NT_STATUS_PASSWORD_MUST_CHANGE" },
		{ 0xC000006Fu, NTLM_E_LOGON_HOURS, "NT_STATUS_INVALID_LOGON_HOURS" },
		{ 0xC0000070u, NTLM_E_WORKSTATION_RESTRICTED, "NT_STATUS_INVALID_WORKSTATION" },
		{ 0xC000006Eu, NTLM_E_ACCOUNT_RESTRICTED, "NT_STATUS_ACCOUNT_RESTRICTION" },
		{ 0xC000005Eu, NTLM_E_NO_LOGON_SERVERS, "NT_STATUS_NO_LOGON_SERVERS" },
		{ 0xC000018Du, NTLM_E_NO_LOGON_SERVERS, "NT_STATUS_TRUSTED_RELATIONSHIP_FAILURE" },
	};
	char want[200];

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_int_equal(ntlm_verify_map_ntstatus(rows[i].nt), rows[i].st);
		assert_string_equal(ntlm_verify_ntstatus_name(rows[i].nt), rows[i].name);
		assert_int_equal(ntlm_verify_refusal(rows[i].nt, "TESTDOM\\alice"), rows[i].st);
		snprintf(want, sizeof(want), "TESTDOM\\alice: %s (0x%08X): ", rows[i].name,
			 (unsigned)rows[i].nt);
		assert_memory_equal(ntlm_error_message(), want, strlen(want));
		/* Each code has its own name and a Windows equivalent. */
		assert_string_not_equal(ntlm_status_name(rows[i].st), "NTLM_E_UNKNOWN");
		assert_int_not_equal(ntlm_status_win32(rows[i].st), 0);
	}
	/* RPC errors: the domain could not be asked. */
	assert_int_equal(ntlm_verify_map_ntstatus(0xC0020017u), NTLM_E_NO_LOGON_SERVERS);
	/* Unknown: a failure, named by number; 0 is never a success. */
	assert_int_equal(ntlm_verify_refusal(0xC0001234u, "D\\u"), NTLM_E_LOGON_FAILURE);
	assert_non_null(strstr(ntlm_error_message(), "0xC0001234"));
	assert_null(ntlm_verify_ntstatus_name(0xC0001234u));
	assert_int_equal(ntlm_verify_map_ntstatus(0), NTLM_E_INTERNAL);
	/* The kinds: verdicts are auth failures, an unreachable domain is not. */
	assert_int_equal(ntlm_status_kind(NTLM_E_ACCOUNT_DISABLED), NTLM_KIND_AUTH_FAILED);
	assert_int_equal(ntlm_status_kind(NTLM_E_NO_LOGON_SERVERS), NTLM_KIND_INTERNAL);
	assert_int_equal(ntlm_status_kind(NTLM_E_BACKEND_UNAVAILABLE), NTLM_KIND_INTERNAL);
	assert_int_equal(ntlm_status_win32(NTLM_E_ACCOUNT_DISABLED), 0xC0000072u);
}

/* Opening the winbind verifier does not contact winbindd. */
static void test_winbind_open(void **state)
{
	(void)state;
	struct ntlm_verifier *v = NULL;
	ntlm_status st = ntlm_verifier_winbind_new(&v);
#ifdef NTLM_HAVE_WBCLIENT
	assert_int_equal(st, NTLM_OK);
	assert_string_equal(ntlm_verifier_name(v), "winbind");
	ntlm_verifier_free(v);
#else
	assert_int_equal(st, NTLM_E_BACKEND_UNAVAILABLE);
	assert_null(v);
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_success_passes_through),
		cmocka_unit_test(test_never_success_on_error),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_ntstatus_table),
		cmocka_unit_test(test_winbind_open),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
