/* SPDX-License-Identifier: MIT */
/*
 * The server with a verify-style backend, without a domain: a fake verifier
 * plays the domain controller (it knows the password, checks the response
 * as a DC does and returns the SessionBaseKey and canonical names). Proves
 * the state machine's side: the CHALLENGE names from the backend, keys,
 * MIC and sealing from the returned key for NTLMv2 and NTLMv1-ESS (the ESS
 * challenge is what the DC gets), canonical names, each refusal audited,
 * lookup order through a chain, and the account-type policy rechecked on
 * the domain's answer. The real domain: ctest `domain`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "testutil.h"
#include "accounts/verify.h"
#include "auth/auth.h"
#include "context/ctx.h"
#include "crypto/crypto.h"

#define PASSWORD "Passw0rd1"

struct events {
	size_t n;
	uint32_t id[32];
	char reason[32][200];
	char user[32][260];
};

static void collect(const struct ntlm_audit_event *e, void *arg)
{
	struct events *ev = arg;
	if (ev->n >= 32)
		return;
	ev->id[ev->n] = e->id;
	snprintf(ev->reason[ev->n], sizeof(ev->reason[0]), "%s", e->reason);
	snprintf(ev->user[ev->n], sizeof(ev->user[0]), "%s\\%s", e->domain, e->user);
	ev->n++;
}

static size_t count_event(const struct events *ev, uint32_t id)
{
	size_t k = 0;
	for (size_t i = 0; i < ev->n; i++)
		k += ev->id[i] == id;
	return k;
}

/* ---- the fake domain controller ------------------------------------------ */

struct dc {
	int calls;
	uint32_t refuse;      /* an NT status to answer with, 0 to check the password */
	ntlm_status fail;     /* an infrastructure failure to return, NTLM_OK for none */
	uint8_t last_chal[8]; /* the challenge it was asked about */
	size_t last_lm_len;
};

static ntlm_status dc_names(void *self, struct ntlm_verify_names *out)
{
	(void)self;
	snprintf(out->nb_computer, sizeof(out->nb_computer), "MEM1");
	snprintf(out->nb_domain, sizeof(out->nb_domain), "TESTDOM");
	snprintf(out->dns_domain, sizeof(out->dns_domain), "testdom.example");
	return NTLM_OK;
}

static ntlm_status dc_verify(void *self, const struct ntlm_verify_req *req,
			     struct ntlm_verify_result *out)
{
	struct dc *dc = self;
	uint8_t nt[16], v2[16], proof[16], expect[24];

	dc->calls++;
	memcpy(dc->last_chal, req->server_challenge, 8);
	dc->last_lm_len = req->lm_response.len;
	if (dc->fail != NTLM_OK)
		return ntlm_err(dc->fail, "fake dc: unavailable");
	if (strcasecmp(req->user, "alice") != 0) {
		out->nt_status = 0xC0000064u;
		return ntlm_verify_refusal(out->nt_status, req->user);
	}
	if (dc->refuse) {
		out->nt_status = dc->refuse;
		return ntlm_verify_refusal(out->nt_status, req->user);
	}
	assert_int_equal(ntlm_auth_ntowfv1(PASSWORD, nt), NTLM_OK);
	if (req->nt_response.len > 24) {
		assert_int_equal(ntlm_auth_ntowfv2(nt, req->user, req->domain, v2), NTLM_OK);
		ntlm_auth_ntlmv2_response(v2, req->server_challenge, req->nt_response.p + 16,
					  req->nt_response.len - 16, proof, out->session_base_key);
		if (!ntlm_crypto_ct_eq16(proof, req->nt_response.p))
			goto wrong;
	} else {
		/* Plain NTLMv1 against the challenge given (an ESS response
		 * arrives with the ESS challenge). */
		ntlm_auth_ntlmv1_response(nt, req->server_challenge, expect);
		if (req->nt_response.len != 24 ||
		    !ntlm_crypto_ct_eq(expect, req->nt_response.p, 24))
			goto wrong;
		ntlm_auth_session_base_key_v1(nt, out->session_base_key);
	}
	snprintf(out->user, sizeof(out->user), "alice");
	snprintf(out->domain, sizeof(out->domain), "TESTDOM");
	out->domain_account = true;
	out->n_sids = 1;
	snprintf(out->sids[0], sizeof(out->sids[0]), "S-1-5-21-1-2-3-1103");
	return NTLM_OK;
wrong:
	out->nt_status = 0xC000006Au;
	return ntlm_verify_refusal(out->nt_status, req->user);
}

static const struct ntlm_verifier_ops dc_ops = {
	.name = "fakedc",
	.names = dc_names,
	.verify = dc_verify,
};

static struct ntlm_accounts *dc_backend(struct dc *dc)
{
	struct ntlm_verifier *v = NULL;
	struct ntlm_accounts *a = NULL;
	assert_int_equal(ntlm_verifier_new(&dc_ops, dc, &v), NTLM_OK);
	assert_int_equal(ntlm_accounts_from_verifier(v, &a), NTLM_OK);
	return a;
}

/* A local hash store: bob (any domain) with password "Local-1". */
static ntlm_status local_cb(void *arg, const char *domain, const char *user, uint8_t hash[16])
{
	(void)arg;
	(void)domain;
	if (strcasecmp(user, "bob") != 0)
		return ntlm_err(NTLM_E_NO_SUCH_USER, "no %s", user);
	return ntlm_auth_ntowfv1("Local-1", hash);
}

/* ---- one exchange -------------------------------------------------------- */

struct run {
	ntlm_status st;
	struct ntlm_ctx *client, *server;
	struct events sev;
	struct ntlm_audit *aud;
	uint8_t chal[NTLM_MAX_TOKEN];
	size_t chal_len;
};

static void run(struct run *r, const struct ntlm_policy *cpol, const struct ntlm_policy *spol,
		struct ntlm_accounts *acc, const char *domain, const char *user, const char *pw,
		unsigned req)
{
	struct ntlm_cred *cred = NULL;
	uint8_t *t1 = NULL, *t2 = NULL, *t3 = NULL, *t4 = NULL;
	size_t l1, l2, l3, l4;

	memset(r, 0, sizeof(*r));
	assert_int_equal(ntlm_audit_new(&r->aud), NTLM_OK);
	assert_int_equal(ntlm_audit_add_callback(r->aud, collect, &r->sev), NTLM_OK);
	assert_int_equal(ntlm_cred_new_password(domain, user, pw, &cred), NTLM_OK);
	assert_int_equal(ntlm_client_new(cpol, cred, "host/mem1", req, &r->client), NTLM_OK);
	assert_int_equal(ntlm_server_new(spol, acc, &r->server), NTLM_OK);
	assert_int_equal(ntlm_ctx_set_audit(r->server, r->aud), NTLM_OK);
	assert_int_equal(ntlm_step(r->client, NULL, 0, &t1, &l1), NTLM_CONTINUE);
	assert_int_equal(ntlm_step(r->server, t1, l1, &t2, &l2), NTLM_CONTINUE);
	memcpy(r->chal, t2, l2);
	r->chal_len = l2;
	r->st = ntlm_step(r->client, t2, l2, &t3, &l3);
	assert_int_equal(r->st, NTLM_OK);
	r->st = ntlm_step(r->server, t3, l3, &t4, &l4);
	ntlm_free(t1);
	ntlm_free(t2);
	ntlm_free(t3);
	ntlm_free(t4);
	ntlm_cred_free(cred);
}

static void run_free(struct run *r)
{
	ntlm_ctx_free(r->client);
	ntlm_ctx_free(r->server);
	ntlm_audit_free(r->aud);
}

static struct ntlm_policy pol(const char *profile)
{
	struct ntlm_policy p;
	assert_int_equal(ntlm_policy_profile(profile, &p), NTLM_OK);
	return p;
}

/* Sealed both ways with the keys derived from the DC's SessionBaseKey. */
static void seal_both_ways(struct run *r)
{
	const uint8_t msg[] = "domain data";
	uint8_t w[64], back[64];
	uint8_t kc[16], ks[16];

	assert_int_equal(ntlm_ctx_session_key(r->client, kc), NTLM_OK);
	assert_int_equal(ntlm_ctx_session_key(r->server, ks), NTLM_OK);
	assert_bytes_equal(kc, ks, 16);
	assert_int_equal(ntlm_seal(r->client, msg, sizeof(msg), w), NTLM_OK);
	assert_int_equal(ntlm_unseal(r->server, w, sizeof(msg) + 16, back), NTLM_OK);
	assert_memory_equal(back, msg, sizeof(msg));
	assert_int_equal(ntlm_seal(r->server, msg, sizeof(msg), w), NTLM_OK);
	assert_int_equal(ntlm_unseal(r->client, w, sizeof(msg) + 16, back), NTLM_OK);
	assert_memory_equal(back, msg, sizeof(msg));
}

static void test_v2_through_verifier(void **state)
{
	(void)state;
	struct dc dc = { 0 };
	struct ntlm_accounts *acc = dc_backend(&dc);
	struct ntlm_policy cis = pol("cis");
	struct ntlm_wire_challenge ch;
	struct run r;

	run(&r, &cis, &cis, acc, "TESTDOM", "ALICE", PASSWORD, NTLM_REQ_CONFIDENTIALITY);
	if (r.st != NTLM_OK)
		fail_msg("%s: %s", ntlm_status_name(r.st), ntlm_error_message());
	assert_int_equal(dc.calls, 1);
	/* The CHALLENGE names the member as the backend reports it. */
	assert_int_equal(ntlm_wire_challenge_decode(r.chal, r.chal_len, &ch), NTLM_OK);
	const struct ntlm_wire_av *a = ntlm_wire_avlist_find(&ch.av, MsvAvNbComputerName);
	assert_non_null(a);
	assert_int_equal(a->value.len, 8);
	assert_memory_equal(a->value.p, "M\0E\0M\0001\0", 8);
	a = ntlm_wire_avlist_find(&ch.av, MsvAvNbDomainName);
	assert_non_null(a);
	assert_memory_equal(a->value.p, "T\0E\0S\0T\0D\0O\0M\0", 14);
	/* Canonical names; a MIC was sent and verified with the DC's key. */
	assert_string_equal(ntlm_ctx_user(r.server), "alice");
	assert_string_equal(ntlm_ctx_domain(r.server), "TESTDOM");
	assert_true(ntlm_ctx_flags(r.server) & NTLMSSP_NEGOTIATE_KEY_EXCH);
	seal_both_ways(&r);
	assert_int_equal(count_event(&r.sev, NTLM_EVENT_SUCCESS), 1);
	run_free(&r);
	ntlm_accounts_free(acc);
}

static void test_v1_ess_through_verifier(void **state)
{
	(void)state;
	struct dc dc = { 0 };
	struct ntlm_accounts *acc = dc_backend(&dc);
	struct ntlm_policy p = pol("cis");
	struct run r;

	p.lm_compat = 1; /* client sends NTLMv1-ESS, server accepts it */
	run(&r, &p, &p, acc, "TESTDOM", "alice", PASSWORD, NTLM_REQ_CONFIDENTIALITY);
	if (r.st != NTLM_OK)
		fail_msg("%s: %s", ntlm_status_name(r.st), ntlm_error_message());
	assert_string_equal(ntlm_ctx_response_type(r.server), "NTLMv1-ESS");
	/* The DC was asked about MD5(SC || CC)[0..7] (not the server
	 * challenge), without the LM field; it checked a plain NTLMv1
	 * response against it and said yes. */
	assert_int_equal(dc.last_lm_len, 0);
	assert_memory_not_equal(dc.last_chal, r.server->server_challenge, 8);
	seal_both_ways(&r);
	run_free(&r);
	ntlm_accounts_free(acc);
}

/* LmCompatibilityLevel 5 refuses NTLMv1 before the verifier is asked. */
static void test_lm5_before_dc(void **state)
{
	(void)state;
	struct dc dc = { 0 };
	struct ntlm_accounts *acc = dc_backend(&dc);
	struct ntlm_policy c = pol("cis"), s = pol("cis");
	struct run r;

	c.lm_compat = 1;
	run(&r, &c, &s, acc, "TESTDOM", "alice", PASSWORD, 0);
	assert_int_equal(r.st, NTLM_E_POLICY_RESPONSE_REFUSED);
	assert_int_equal(dc.calls, 0);
	assert_int_equal(count_event(&r.sev, NTLM_EVENT_RESPONSE_REFUSED), 1);
	run_free(&r);
	ntlm_accounts_free(acc);
}

static void expect_refusal(uint32_t nt, ntlm_status want, const char *name)
{
	struct dc dc = { .refuse = nt };
	struct ntlm_accounts *acc = dc_backend(&dc);
	struct ntlm_policy cis = pol("cis");
	struct run r;

	run(&r, &cis, &cis, acc, "TESTDOM", "alice", PASSWORD, 0);
	assert_int_equal(r.st, want);
	assert_int_equal(count_event(&r.sev, NTLM_EVENT_SUCCESS), 0);
	assert_int_equal(count_event(&r.sev, NTLM_EVENT_LOGON_FAILURE), 1);
	bool named = false;
	for (size_t i = 0; i < r.sev.n; i++)
		named |= r.sev.id[i] == NTLM_EVENT_LOGON_FAILURE && strstr(r.sev.reason[i], name);
	if (!named)
		fail_msg("no 9004 naming %s", name);
	uint8_t k[16];
	assert_int_not_equal(ntlm_ctx_session_key(r.server, k), NTLM_OK);
	run_free(&r);
	ntlm_accounts_free(acc);
}

static void test_refusals_audited(void **state)
{
	(void)state;
	expect_refusal(0xC0000072u, NTLM_E_ACCOUNT_DISABLED, "NT_STATUS_ACCOUNT_DISABLED");
	expect_refusal(0xC0000193u, NTLM_E_ACCOUNT_EXPIRED, "NT_STATUS_ACCOUNT_EXPIRED");
	expect_refusal(0xC0000224u, NTLM_E_PASSWORD_MUST_CHANGE, "NT_STATUS_PASSWORD_MUST_CHANGE");
	expect_refusal(0xC0000234u, NTLM_E_ACCOUNT_LOCKED_OUT, "NT_STATUS_ACCOUNT_LOCKED_OUT");
	expect_refusal(0xC000006Fu, NTLM_E_LOGON_HOURS, "NT_STATUS_INVALID_LOGON_HOURS");
	expect_refusal(0xC0000070u, NTLM_E_WORKSTATION_RESTRICTED, "NT_STATUS_INVALID_WORKSTATION");
	expect_refusal(0xC000005Eu, NTLM_E_NO_LOGON_SERVERS, "NT_STATUS_NO_LOGON_SERVERS");
}

static void test_wrong_password_and_unavailable(void **state)
{
	(void)state;
	struct dc dc = { 0 };
	struct ntlm_accounts *acc = dc_backend(&dc);
	struct ntlm_policy cis = pol("cis");
	struct run r;

	run(&r, &cis, &cis, acc, "TESTDOM", "alice", "WrongPass9", 0);
	assert_int_equal(r.st, NTLM_E_LOGON_FAILURE);
	assert_non_null(strstr(r.sev.reason[r.sev.n - 1], "NT_STATUS_WRONG_PASSWORD"));
	run_free(&r);

	dc.fail = NTLM_E_BACKEND_UNAVAILABLE;
	run(&r, &cis, &cis, acc, "TESTDOM", "alice", PASSWORD, 0);
	assert_int_equal(r.st, NTLM_E_BACKEND_UNAVAILABLE);
	assert_int_equal(count_event(&r.sev, NTLM_EVENT_SUCCESS), 0);
	assert_int_equal(count_event(&r.sev, NTLM_EVENT_LOGON_FAILURE), 1);
	run_free(&r);
	ntlm_accounts_free(acc);
}

/* "file, domain": bob from the store, alice from the domain; "domain, file":
 * the domain's "no such user" moves on, its other verdicts are final. */
static void test_lookup_order(void **state)
{
	(void)state;
	struct dc dc = { 0 };
	struct ntlm_accounts *acc = NULL;
	struct ntlm_policy cis = pol("cis");
	struct run r;

	assert_int_equal(ntlm_accounts_callback_new(local_cb, NULL, &acc), NTLM_OK);
	ntlm_accounts_append(acc, dc_backend(&dc));
	run(&r, &cis, &cis, acc, "TESTDOM", "bob", "Local-1", 0);
	assert_int_equal(r.st, NTLM_OK);
	assert_int_equal(dc.calls, 0);
	run_free(&r);
	run(&r, &cis, &cis, acc, "TESTDOM", "alice", PASSWORD, 0);
	assert_int_equal(r.st, NTLM_OK);
	assert_int_equal(dc.calls, 1);
	run_free(&r);
	ntlm_accounts_free(acc);

	struct ntlm_accounts *local = NULL;
	acc = dc_backend(&dc);
	assert_int_equal(ntlm_accounts_callback_new(local_cb, NULL, &local), NTLM_OK);
	ntlm_accounts_append(acc, local);
	run(&r, &cis, &cis, acc, "TESTDOM", "bob", "Local-1", 0);
	assert_int_equal(r.st, NTLM_OK); /* the domain does not know bob */
	run_free(&r);
	dc.refuse = 0xC0000072u;
	run(&r, &cis, &cis, acc, "TESTDOM", "alice", PASSWORD, 0);
	assert_int_equal(r.st, NTLM_E_ACCOUNT_DISABLED);
	run_free(&r);
	ntlm_accounts_free(acc);
}

/* RestrictReceivingNTLMTraffic = 1: a logon that claims no domain is refused
 * once the domain says it is a domain account; AuditReceivingNTLMTraffic = 1
 * audits it. */
static void test_account_type_from_domain(void **state)
{
	(void)state;
	struct dc dc = { 0 };
	struct ntlm_accounts *acc = dc_backend(&dc);
	struct ntlm_policy c = pol("cis"), s = pol("cis");
	struct run r;

	s.restrict_receiving = 1;
	s.audit_receiving = 0;
	run(&r, &c, &s, acc, "", "alice", PASSWORD, 0);
	assert_int_equal(r.st, NTLM_E_POLICY_RECEIVE_BLOCKED);
	assert_int_equal(dc.calls, 1);
	assert_int_equal(count_event(&r.sev, NTLM_EVENT_IN_BLOCKED), 1);
	assert_int_equal(count_event(&r.sev, NTLM_EVENT_SUCCESS), 0);
	run_free(&r);
	/* Claiming the domain: refused before the DC is asked. */
	run(&r, &c, &s, acc, "TESTDOM", "alice", PASSWORD, 0);
	assert_int_equal(r.st, NTLM_E_POLICY_RECEIVE_BLOCKED);
	assert_int_equal(dc.calls, 1);
	run_free(&r);

	s.restrict_receiving = 0;
	s.audit_receiving = 1;
	run(&r, &c, &s, acc, "", "alice", PASSWORD, 0);
	assert_int_equal(r.st, NTLM_OK);
	assert_int_equal(count_event(&r.sev, NTLM_EVENT_IN_AUDIT), 1);
	run_free(&r);
	ntlm_accounts_free(acc);
}

static ntlm_status no_such_user(void *arg, const char *domain, const char *user,
				uint8_t nt_hash[16])
{
	(void)arg;
	(void)domain;
	(void)user;
	(void)nt_hash;
	return NTLM_E_NO_SUCH_USER;
}

/* A server waiting for its AUTHENTICATE, and that AUTHENTICATE (t3). */
struct half {
	struct ntlm_ctx *client, *server;
	uint8_t *t1, *t3;
	size_t l1, l3;
};

static void half_run(struct half *h, const struct ntlm_policy *p, struct ntlm_accounts *acc,
		     const char *domain, const char *user, const char *pw)
{
	struct ntlm_cred *cred = NULL;
	uint8_t *t2 = NULL;
	size_t l2;

	memset(h, 0, sizeof(*h));
	assert_int_equal(ntlm_cred_new_password(domain, user, pw, &cred), NTLM_OK);
	assert_int_equal(ntlm_client_new(p, cred, "host/mem1", 0, &h->client), NTLM_OK);
	assert_int_equal(ntlm_server_new(p, acc, &h->server), NTLM_OK);
	assert_int_equal(ntlm_step(h->client, NULL, 0, &h->t1, &h->l1), NTLM_CONTINUE);
	/* a NEGOTIATE never waits */
	assert_int_equal(ntlm_step_may_wait(h->server, h->t1, h->l1), 0);
	assert_int_equal(ntlm_step(h->server, h->t1, h->l1, &t2, &l2), NTLM_CONTINUE);
	assert_int_equal(ntlm_step(h->client, t2, l2, &h->t3, &h->l3), NTLM_OK);
	ntlm_free(t2);
	ntlm_cred_free(cred);
}

static void half_free(struct half *h)
{
	ntlm_ctx_free(h->client);
	ntlm_ctx_free(h->server);
	ntlm_free(h->t1);
	ntlm_free(h->t3);
}

/* ntlm_step_may_wait: 1 only when the backend that would decide may wait,
 * and asking changes nothing (the DC is not called, the step then works). */
static void test_step_may_wait(void **state)
{
	(void)state;
	struct ntlm_policy p = pol("cis");
	struct dc dc = { 0 };
	struct ntlm_accounts *file = NULL, *chain = NULL, *dconly = dc_backend(&dc);
	struct half h;
	uint8_t *out = NULL;
	size_t out_len = 0;
	char dir[256], path[300];

	assert_int_equal(t_mkdtemp(dir, sizeof(dir), "wait"), 0);
	snprintf(path, sizeof(path), "%s/acc", dir);
	/* D\u, password "Password" */
	t_write_file(path, "D:u:a4f49c406510bdcab6824ee7c30fd852\n", 37);
	assert_int_equal(ntlm_accounts_open(path, &file), NTLM_OK);
	assert_int_equal(ntlm_accounts_open(path, &chain), NTLM_OK);
	ntlm_accounts_append(chain, dc_backend(&dc));

	/* file, then the domain: the file's account is decided here */
	half_run(&h, &p, chain, "D", "u", "Password");
	assert_int_equal(ntlm_step_may_wait(h.server, h.t3, h.l3), 0);
	/* not the client's, not garbage, not a truncated message */
	assert_int_equal(ntlm_step_may_wait(h.client, h.t3, h.l3), 0);
	assert_int_equal(ntlm_step_may_wait(h.server, (const uint8_t *)"NTLMSSP", 8), 0);
	assert_int_equal(ntlm_step_may_wait(h.server, h.t3, 40), 0);
	assert_int_equal(ntlm_step_may_wait(NULL, h.t3, h.l3), 0);
	assert_int_equal(ntlm_step_may_wait(h.server, NULL, 0), 0);
	assert_int_equal(ntlm_step(h.server, h.t3, h.l3, &out, &out_len), NTLM_OK);
	/* once done, nothing waits any more */
	assert_int_equal(ntlm_step_may_wait(h.server, h.t3, h.l3), 0);
	half_free(&h);
	assert_int_equal(dc.calls, 0);

	/* a name the file does not know goes on to the domain */
	half_run(&h, &p, chain, "TESTDOM", "alice", PASSWORD);
	assert_int_equal(ntlm_step_may_wait(h.server, h.t3, h.l3), 1);
	assert_int_equal(dc.calls, 0); /* asking did not ask the DC */
	{
		/* hostile: a name whose offset points past the message, and a
		 * message over NTLM_MAX_TOKEN; both 0 (the step fails at once),
		 * where the honest message says 1 */
		uint8_t *lie = malloc(NTLM_MAX_TOKEN + 1);
		assert_non_null(lie);
		memset(lie, 0, NTLM_MAX_TOKEN + 1);
		memcpy(lie, h.t3, h.l3);
		lie[36 + 4] = 0xf0; /* UserNameFields.BufferOffset */
		lie[36 + 7] = 0x7f;
		assert_int_equal(ntlm_step_may_wait(h.server, lie, h.l3), 0);
		memcpy(lie, h.t3, h.l3);
		assert_int_equal(ntlm_step_may_wait(h.server, lie, NTLM_MAX_TOKEN + 1), 0);
		free(lie);
	}

	assert_int_equal(ntlm_step(h.server, h.t3, h.l3, &out, &out_len), NTLM_OK);
	assert_int_equal(dc.calls, 1);
	assert_string_equal(ntlm_ctx_user(h.server), "alice");
	half_free(&h);

	/* the domain alone: every account; a file alone: none */
	half_run(&h, &p, dconly, "D", "u", "Password");
	assert_int_equal(ntlm_step_may_wait(h.server, h.t3, h.l3), 1);
	half_free(&h);
	half_run(&h, &p, file, "TESTDOM", "alice", PASSWORD);
	assert_int_equal(ntlm_step_may_wait(h.server, h.t3, h.l3), 0);
	half_free(&h);

	ntlm_accounts_free(chain);
	ntlm_accounts_free(dconly);
	ntlm_accounts_free(file);
	unlink(path);
	rmdir(dir);
}

static void test_spec(void **state)
{
	(void)state;
	struct ntlm_accounts *a = NULL;
	char dir[256], path[300], spec[700];

	assert_int_equal(t_mkdtemp(dir, sizeof(dir), "spec"), 0);
	snprintf(path, sizeof(path), "%s/acc", dir);
	t_write_file(path, "D:u:a4f49c406510bdcab6824ee7c30fd852\n", 37);
	/* A bare path is a file store. */
	assert_int_equal(ntlm_accounts_spec_open(path, &a), NTLM_OK);
	assert_null(a->next);
	assert_null(ntlm_accounts_first_verifier(a));
	/* A file store never waits on another process; NULL neither. */
	assert_int_equal(ntlm_accounts_may_wait(a), 0);
	assert_int_equal(ntlm_accounts_may_wait(NULL), 0);
	ntlm_accounts_free(a);
	/* A callback store may (the library cannot tell what it does). */
	assert_int_equal(ntlm_accounts_new_callback(no_such_user, NULL, &a), NTLM_OK);
	assert_int_equal(ntlm_accounts_may_wait(a), 1);
	ntlm_accounts_free(a);
	/* file then winbind, with blanks. */
	snprintf(spec, sizeof(spec), " file:%s ,  winbind ", path);
#ifdef NTLM_HAVE_WBCLIENT
	assert_int_equal(ntlm_accounts_spec_open(spec, &a), NTLM_OK);
	assert_non_null(a->ops);
	assert_non_null(a->next);
	assert_non_null(a->next->verifier);
	assert_ptr_equal(ntlm_accounts_first_verifier(a), a->next->verifier);
	/* winbind behind a file: a check may wait on winbindd. */
	assert_int_equal(ntlm_accounts_may_wait(a), 1);
	assert_int_equal(ntlm_accounts_may_wait(a->next), 1);
	assert_int_equal(ntlm_accounts_chain_may_wait(a->next->next), false);
	struct ntlm_account acct;
	assert_int_equal(ntlm_accounts_lookup(a->next, "D", "u", &acct), NTLM_E_NO_SUCH_USER);
	ntlm_accounts_free(a);
#endif
	static const char *bad[] = { "",      "winbind,", ",winbind",	  "winbind, winbind",
				     "file:", "ldap",	  "winbind, ldap" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		a = (struct ntlm_accounts *)1;
		ntlm_status st = ntlm_accounts_spec_open(bad[i], &a);
		if (st == NTLM_OK)
			fail_msg("spec '%s' accepted", bad[i]);
		assert_null(a);
	}
	assert_int_equal(ntlm_accounts_spec_open("file:/nonexistent/x", &a), NTLM_E_ACCOUNTS_FILE);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v2_through_verifier),
		cmocka_unit_test(test_v1_ess_through_verifier),
		cmocka_unit_test(test_lm5_before_dc),
		cmocka_unit_test(test_refusals_audited),
		cmocka_unit_test(test_wrong_password_and_unavailable),
		cmocka_unit_test(test_lookup_order),
		cmocka_unit_test(test_account_type_from_domain),
		cmocka_unit_test(test_spec),
		cmocka_unit_test(test_step_may_wait),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
