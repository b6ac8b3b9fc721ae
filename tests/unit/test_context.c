/* SPDX-License-Identifier: MIT */
/*
 * context: client <-> server in one process. The policy matrix
 * (NtlmMinClientSec x NtlmMinServerSec, LmCompatibilityLevel, Restrict*),
 * credentials, channel bindings, man-in-the-middle edits, replay, and the
 * audit events each outcome produces.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "context/ctx.h"
#include "crypto/crypto.h"

#define DOMAIN "CORP"
#define USER "alice"
#define PASSWORD "S3cret!pw"
#define SERVER_NAME "WEBSRV"
#define SPN "HTTP/websrv.corp.example"

/* ---- fixtures ------------------------------------------------------------- */

struct events {
	size_t n;
	uint32_t id[32];
	char reason[32][200];
	char setting[32][40];
	uint32_t missing[32];
	uint32_t requested[32], flags[32];
	enum ntlm_audit_outcome outcome[32];
};

static void collect(const struct ntlm_audit_event *e, void *arg)
{
	struct events *ev = arg;
	if (ev->n >= 32)
		return;
	ev->id[ev->n] = e->id;
	snprintf(ev->reason[ev->n], sizeof(ev->reason[0]), "%s", e->reason);
	snprintf(ev->setting[ev->n], sizeof(ev->setting[0]), "%s", e->setting);
	ev->missing[ev->n] = e->missing;
	ev->requested[ev->n] = e->requested;
	ev->flags[ev->n] = e->flags;
	ev->outcome[ev->n] = e->outcome;
	ev->n++;
}

static bool has_event(const struct events *ev, uint32_t id)
{
	for (size_t i = 0; i < ev->n; i++)
		if (ev->id[i] == id)
			return true;
	return false;
}

static size_t count_event(const struct events *ev, uint32_t id)
{
	size_t k = 0;
	for (size_t i = 0; i < ev->n; i++)
		k += ev->id[i] == id;
	return k;
}

/* Accounts through the callback store: alice in CORP and in WEBSRV (local). */
static ntlm_status lookup_cb(void *arg, const char *domain, const char *user, uint8_t hash[16])
{
	(void)arg;
	(void)domain;
	if (strcasecmp(user, USER) != 0)
		return ntlm_err(NTLM_E_NO_SUCH_USER, "no account %s\\%s", domain, user);
	return ntlm_auth_ntowfv1(PASSWORD, hash);
}

struct peer {
	struct ntlm_policy cpol, spol;
	struct ntlm_cred *cred;
	struct ntlm_accounts *acc;
	struct ntlm_audit *caud, *saud;
	struct events cev, sev;
	struct ntlm_ctx *client, *server;
	unsigned req;
	unsigned crequire, srequire; /* ntlm_ctx_require on the client / server */
	const char *target;
};

static struct peer *peer_new(const char *cprofile, const char *sprofile)
{
	struct peer *p = calloc(1, sizeof(*p));
	assert_non_null(p);
	assert_int_equal(ntlm_policy_profile(cprofile, &p->cpol), NTLM_OK);
	assert_int_equal(ntlm_policy_profile(sprofile, &p->spol), NTLM_OK);
	assert_int_equal(ntlm_cred_new_password(DOMAIN, USER, PASSWORD, &p->cred), NTLM_OK);
	assert_int_equal(ntlm_accounts_new_callback(lookup_cb, NULL, &p->acc), NTLM_OK);
	assert_int_equal(ntlm_audit_new(&p->caud), NTLM_OK);
	assert_int_equal(ntlm_audit_new(&p->saud), NTLM_OK);
	assert_int_equal(ntlm_audit_add_callback(p->caud, collect, &p->cev), NTLM_OK);
	assert_int_equal(ntlm_audit_add_callback(p->saud, collect, &p->sev), NTLM_OK);
	p->target = SPN;
	return p;
}

static void peer_contexts(struct peer *p)
{
	ntlm_ctx_free(p->client);
	ntlm_ctx_free(p->server);
	memset(&p->cev, 0, sizeof(p->cev));
	memset(&p->sev, 0, sizeof(p->sev));
	assert_int_equal(ntlm_client_new(&p->cpol, p->cred, p->target, p->req, &p->client),
			 NTLM_OK);
	assert_int_equal(ntlm_server_new(&p->spol, p->acc, &p->server), NTLM_OK);
	assert_int_equal(ntlm_ctx_set_audit(p->client, p->caud), NTLM_OK);
	assert_int_equal(ntlm_ctx_set_audit(p->server, p->saud), NTLM_OK);
	assert_int_equal(ntlm_ctx_set_names(p->server, SERVER_NAME, SERVER_NAME,
					    "websrv.corp.example", "corp.example"),
			 NTLM_OK);
	assert_int_equal(ntlm_ctx_set_names(p->client, "WKSTN1", NULL, NULL, NULL), NTLM_OK);
	assert_int_equal(ntlm_ctx_require(p->client, p->crequire), NTLM_OK);
	assert_int_equal(ntlm_ctx_require(p->server, p->srequire), NTLM_OK);
}

static void peer_free(struct peer *p)
{
	ntlm_ctx_free(p->client);
	ntlm_ctx_free(p->server);
	ntlm_cred_free(p->cred);
	ntlm_accounts_close(p->acc);
	ntlm_audit_free(p->caud);
	ntlm_audit_free(p->saud);
	free(p);
}

/* Edits a token in flight; NULL = none. */
typedef void (*mitm_fn)(uint8_t *tok, size_t len, void *arg);

struct result {
	int failed_step; /* 0 = success; 1 client NEGOTIATE, 2 server CHALLENGE,
			    3 client AUTHENTICATE, 4 server verdict */
	ntlm_status st;
	char msg[256];
};

static void set_result(struct result *r, int step, ntlm_status st)
{
	r->failed_step = step;
	r->st = st;
	snprintf(r->msg, sizeof(r->msg), "%s", ntlm_error_message());
}

/* Runs a whole exchange, editing NEGOTIATE / CHALLENGE / AUTHENTICATE with
 * the given functions. Contexts are fresh each run. */
static struct result run(struct peer *p, mitm_fn neg_edit, mitm_fn chal_edit, mitm_fn auth_edit,
			 void *arg)
{
	struct result r = { 0 };
	uint8_t *neg = NULL, *chal = NULL, *auth = NULL, *none = NULL;
	size_t neg_len, chal_len, auth_len, none_len;
	ntlm_status st;

	peer_contexts(p);
	st = ntlm_step(p->client, NULL, 0, &neg, &neg_len);
	if (st != NTLM_CONTINUE) {
		set_result(&r, 1, st);
		goto out;
	}
	if (neg_edit)
		neg_edit(neg, neg_len, arg);
	st = ntlm_step(p->server, neg, neg_len, &chal, &chal_len);
	if (st != NTLM_CONTINUE) {
		set_result(&r, 2, st);
		goto out;
	}
	if (chal_edit)
		chal_edit(chal, chal_len, arg);
	st = ntlm_step(p->client, chal, chal_len, &auth, &auth_len);
	if (st != NTLM_OK) {
		set_result(&r, 3, st);
		goto out;
	}
	if (auth_edit)
		auth_edit(auth, auth_len, arg);
	st = ntlm_step(p->server, auth, auth_len, &none, &none_len);
	assert_null(none);
	if (st != NTLM_OK) {
		set_result(&r, 4, st);
		goto out;
	}
out:
	ntlm_free(neg);
	ntlm_free(chal);
	ntlm_free(auth);
	return r;
}

#define assert_success(r)                                                   \
	do {                                                                \
		if ((r).failed_step)                                        \
			fail_msg("step %d failed: %s: %s", (r).failed_step, \
				 ntlm_status_name((r).st), (r).msg);        \
	} while (0)

#define assert_failure(r, step, status)                                         \
	do {                                                                    \
		if ((r).failed_step != (step) || (r).st != (status))            \
			fail_msg("want step %d %s, got step %d %s: %s", (step), \
				 ntlm_status_name(status), (r).failed_step,     \
				 ntlm_status_name((r).st), (r).msg);            \
	} while (0)

/* Both directions of sealed and signed traffic work with the agreed keys. */
static void check_traffic(struct peer *p)
{
	const char *m = "hello, server";
	uint8_t wrapped[64], plain[64], sig[16];
	size_t n = strlen(m);
	uint8_t k1[16], k2[16];

	assert_int_equal(ntlm_ctx_session_key(p->client, k1), NTLM_OK);
	assert_int_equal(ntlm_ctx_session_key(p->server, k2), NTLM_OK);
	assert_bytes_equal(k1, k2, 16);
	uint32_t f = ntlm_ctx_flags(p->client);
	assert_int_equal(f, ntlm_ctx_flags(p->server));
	if (f & NTLMSSP_NEGOTIATE_SEAL) {
		assert_int_equal(ntlm_seal(p->client, (const uint8_t *)m, n, wrapped), NTLM_OK);
		assert_int_equal(ntlm_unseal(p->server, wrapped, n + 16, plain), NTLM_OK);
		assert_memory_equal(plain, m, n);
		assert_int_equal(ntlm_seal(p->server, (const uint8_t *)m, n, wrapped), NTLM_OK);
		assert_int_equal(ntlm_unseal(p->client, wrapped, n + 16, plain), NTLM_OK);
		assert_memory_equal(plain, m, n);
	}
	if (f & NTLMSSP_NEGOTIATE_SIGN) {
		assert_int_equal(ntlm_sign(p->client, (const uint8_t *)m, n, sig), NTLM_OK);
		assert_int_equal(ntlm_verify(p->server, (const uint8_t *)m, n, sig), NTLM_OK);
		/* replay of the same signed message */
		assert_int_not_equal(ntlm_verify(p->server, (const uint8_t *)m, n, sig), NTLM_OK);
	}
}

/* ---- the basic exchange --------------------------------------------------- */

static void test_cis_ntlmv2_seal(void **state)
{
	(void)state;
	struct peer *p = peer_new("cis", "cis");
	p->req = NTLM_REQ_CONFIDENTIALITY;
	struct result r = run(p, NULL, NULL, NULL, NULL);
	assert_success(r);
	assert_string_equal(ntlm_ctx_response_type(p->server), "NTLMv2");
	assert_string_equal(ntlm_ctx_user(p->server), USER);
	assert_string_equal(ntlm_ctx_domain(p->server), DOMAIN);
	assert_string_equal(ntlm_ctx_workstation(p->server), "WKSTN1");
	uint32_t f = ntlm_ctx_flags(p->server);
	assert_true(f & NTLMSSP_NEGOTIATE_SEAL);
	assert_true(f & NTLMSSP_NEGOTIATE_SIGN);
	assert_true(f & NTLMSSP_NEGOTIATE_KEY_EXCH);
	assert_true(f & NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY);
	assert_true(f & NTLMSSP_NEGOTIATE_128);
	assert_int_equal(ntlm_ctx_key_strength(p->server), 128);
	check_traffic(p);
	assert_true(has_event(&p->sev, NTLM_EVENT_SUCCESS));
	/* cis audits outgoing NTLM (RestrictSendingNTLMTraffic = 1): 8001 */
	assert_true(has_event(&p->cev, NTLM_EVENT_OUT_AUDIT));
	/* and incoming (AuditReceivingNTLMTraffic = 2): 8002 */
	assert_true(has_event(&p->sev, NTLM_EVENT_IN_AUDIT));
	peer_free(p);
}

/* The AUTHENTICATE carries a MIC (MsvAvFlags 0x2), Z(24) LM, the SPN, and no
 * MsvAvChannelBindings when none were given. */
static void grab_auth(uint8_t *tok, size_t len, void *arg)
{
	uint8_t **copy = arg;
	*copy = malloc(len + sizeof(size_t));
	memcpy(*copy, &len, sizeof(size_t));
	memcpy(*copy + sizeof(size_t), tok, len);
}

static void test_authenticate_contents(void **state)
{
	(void)state;
	struct peer *p = peer_new("cis", "cis");
	uint8_t *copy = NULL;
	struct result r = run(p, NULL, NULL, grab_auth, &copy);
	assert_success(r);
	size_t len;
	memcpy(&len, copy, sizeof(size_t));
	const uint8_t *tok = copy + sizeof(size_t);
	struct ntlm_wire_authenticate am;
	struct ntlm_wire_ntlmv2_response v2;
	uint32_t avflags = 0;
	assert_int_equal(ntlm_wire_authenticate_decode(tok, len, &am), NTLM_OK);
	assert_true(am.has_mic);
	assert_int_equal(am.lm_response.len, 24);
	for (int i = 0; i < 24; i++)
		assert_int_equal(am.lm_response.p[i], 0);
	assert_int_equal(ntlm_wire_ntlmv2_response_decode(am.nt_response, &v2), NTLM_OK);
	assert_true(ntlm_wire_avlist_flags(&v2.av, &avflags));
	assert_int_equal(avflags & NTLM_AVFLAG_MIC_PRESENT, NTLM_AVFLAG_MIC_PRESENT);
	assert_null(ntlm_wire_avlist_find(&v2.av, MsvAvChannelBindings));
	const struct ntlm_wire_av *tn = ntlm_wire_avlist_find(&v2.av, MsvAvTargetName);
	assert_non_null(tn);
	char *spn = NULL;
	assert_int_equal(ntlm_wire_str_to_utf8(tn->value, true, &spn, "t"), NTLM_OK);
	assert_string_equal(spn, SPN);
	free(spn);
	free(copy);
	peer_free(p);
}

/* ---- NtlmMinClientSec x NtlmMinServerSec ------------------------------------ */

static const uint32_t bits[4] = { NTLM_MINSEC_INTEGRITY, NTLM_MINSEC_CONFIDENTIALITY,
				  NTLM_MINSEC_NTLM2, NTLM_MINSEC_128 };

static uint32_t subset(unsigned i)
{
	uint32_t m = 0;
	for (unsigned b = 0; b < 4; b++)
		if (i & (1u << b))
			m |= bits[b];
	return m;
}

/* Every combination between two honest peers: the client asks for what it
 * requires, so only server requirements the client did not ask for fail,
 * at the NEGOTIATE, with event 4011 naming the missing bits. */
static void test_minsec_matrix(void **state)
{
	(void)state;
	struct peer *p = peer_new("windows-default", "windows-default");
	for (unsigned ci = 0; ci < 16; ci++) {
		for (unsigned si = 0; si < 16; si++) {
			p->cpol.min_client_sec = subset(ci);
			p->spol.min_server_sec = subset(si);
			struct result r = run(p, NULL, NULL, NULL, NULL);
			uint32_t asked = p->cpol.min_client_sec &
					 (NTLM_MINSEC_INTEGRITY | NTLM_MINSEC_CONFIDENTIALITY);
			if (asked & NTLM_MINSEC_CONFIDENTIALITY)
				asked |= NTLM_MINSEC_INTEGRITY;
			uint32_t missing = p->spol.min_server_sec &
					   (NTLM_MINSEC_INTEGRITY | NTLM_MINSEC_CONFIDENTIALITY) &
					   ~asked;
			if (missing) {
				assert_failure(r, 2, NTLM_E_POLICY_MIN_SEC);
				assert_true(has_event(&p->sev, NTLM_EVENT_MIN_SERVER_SEC));
				assert_int_equal(p->sev.missing[p->sev.n - 1], missing);
				assert_false(has_event(&p->sev, NTLM_EVENT_SUCCESS));
			} else {
				assert_success(r);
				assert_true(has_event(&p->sev, NTLM_EVENT_SUCCESS));
				uint32_t f = ntlm_ctx_flags(p->server);
				assert_int_equal(f & p->cpol.min_client_sec,
						 p->cpol.min_client_sec);
				assert_int_equal(f & p->spol.min_server_sec & ~NTLM_MINSEC_128,
						 p->spol.min_server_sec & ~NTLM_MINSEC_128);
				check_traffic(p);
			}
		}
	}
	peer_free(p);
}

/* Flag edits in flight. arg = the bit to clear. Offsets: NEGOTIATE flags at
 * 12, CHALLENGE flags at 20, AUTHENTICATE flags at 60. */
static void clear_bit_at(uint8_t *tok, uint32_t off, uint32_t bit)
{
	uint32_t f = (uint32_t)tok[off] | (uint32_t)tok[off + 1] << 8 |
		     (uint32_t)tok[off + 2] << 16 | (uint32_t)tok[off + 3] << 24;
	f &= ~bit;
	for (int i = 0; i < 4; i++)
		tok[off + i] = (uint8_t)(f >> (8 * i));
}

static void strip_negotiate(uint8_t *tok, size_t len, void *arg)
{
	(void)len;
	clear_bit_at(tok, 12, *(uint32_t *)arg);
}

static void strip_challenge(uint8_t *tok, size_t len, void *arg)
{
	(void)len;
	clear_bit_at(tok, 20, *(uint32_t *)arg);
}

/* A peer that does not offer a required bit, for every NtlmMinClientSec x
 * NtlmMinServerSec combination, both StrictMinSec modes, and each of the four
 * bits removed from the NEGOTIATE or from the CHALLENGE in flight. An oracle
 * computes the expected step, status and event from the flags actually seen:
 * the server checks the NEGOTIATE (4011), the client the CHALLENGE (4010), the
 * server again the final flags (4011); an edit that passed the policy is then
 * caught by the MIC. */
struct strip {
	uint32_t bit;
	bool in_negotiate;
	uint32_t seen; /* flags of the edited message before the edit */
};

static void strip_edit(uint8_t *tok, size_t len, void *arg, bool negotiate)
{
	struct strip *s = arg;
	uint32_t off = negotiate ? 12 : 20;
	(void)len;
	s->seen = (uint32_t)tok[off] | (uint32_t)tok[off + 1] << 8 | (uint32_t)tok[off + 2] << 16 |
		  (uint32_t)tok[off + 3] << 24;
	if (s->in_negotiate == negotiate)
		clear_bit_at(tok, off, s->bit);
}

static void strip_neg_cb(uint8_t *tok, size_t len, void *arg)
{
	strip_edit(tok, len, arg, true);
}

static uint32_t chal_seen;
static void strip_chal_cb(uint8_t *tok, size_t len, void *arg)
{
	strip_edit(tok, len, arg, false);
	chal_seen = ((struct strip *)arg)->seen;
}

static uint32_t unmet(uint32_t required, uint32_t flags, bool strict)
{
	uint32_t m = required & ~flags;
	if (!strict && !(flags & (NTLMSSP_NEGOTIATE_SIGN | NTLMSSP_NEGOTIATE_SEAL)))
		m &= ~NTLM_MINSEC_128;
	return m;
}

static void test_minsec_peer_lacks_bit(void **state)
{
	(void)state;
	struct peer *p = peer_new("windows-default", "windows-default");
	size_t runs = 0, outcome[5] = { 0 };
	for (unsigned ci = 0; ci < 16; ci++)
		for (unsigned si = 0; si < 16; si++)
			for (int strict = 0; strict <= 1; strict++)
				for (unsigned b = 0; b < 8; b++) {
					struct strip s = { bits[b % 4], b < 4, 0 };
					p->cpol.min_client_sec = subset(ci);
					p->spol.min_server_sec = subset(si);
					p->cpol.strict_min_sec = p->spol.strict_min_sec = strict;
					uint32_t neg = ntlm_policy_client_negotiate_flags(
						&p->cpol, false, false);
					uint32_t neg_seen = neg & ~(s.in_negotiate ? s.bit : 0);
					chal_seen = 0;
					struct result r =
						run(p, strip_neg_cb, strip_chal_cb, NULL, &s);
					runs++;
					uint32_t m =
						unmet(p->spol.min_server_sec, neg_seen, strict);
					if (m) {
						assert_failure(r, 2, NTLM_E_POLICY_MIN_SEC);
						assert_int_equal(p->sev.id[p->sev.n - 1],
								 NTLM_EVENT_MIN_SERVER_SEC);
						assert_int_equal(p->sev.missing[p->sev.n - 1], m);
						outcome[0]++;
						continue;
					}
					uint32_t chal = chal_seen & ~(s.in_negotiate ? 0 : s.bit);
					m = unmet(p->cpol.min_client_sec, chal, strict);
					if (m) {
						assert_failure(r, 3, NTLM_E_POLICY_MIN_SEC);
						assert_int_equal(p->cev.id[p->cev.n - 1],
								 NTLM_EVENT_MIN_CLIENT_SEC);
						assert_int_equal(p->cev.missing[p->cev.n - 1], m);
						assert_false(
							has_event(&p->sev, NTLM_EVENT_SUCCESS));
						outcome[1]++;
						continue;
					}
					m = unmet(p->spol.min_server_sec, chal & neg, strict);
					bool edited = s.in_negotiate ? (neg & s.bit) != 0
								     : (chal_seen & s.bit) != 0;
					if (m) {
						assert_failure(r, 4, NTLM_E_POLICY_MIN_SEC);
						assert_true(has_event(&p->sev,
								      NTLM_EVENT_MIN_SERVER_SEC));
						outcome[2]++;
					} else if (edited) {
						assert_failure(r, 4, NTLM_E_MIC_MISMATCH);
						assert_true(
							has_event(&p->sev, NTLM_EVENT_MIC_FAILURE));
						outcome[3]++;
					} else {
						assert_success(r);
						assert_true(has_event(&p->sev, NTLM_EVENT_SUCCESS));
						outcome[4]++;
					}
				}
	assert_int_equal(runs, 16 * 16 * 2 * 8);
	/* every branch of the oracle is exercised */
	for (int i = 0; i < 5; i++)
		assert_true(outcome[i] > 0);
	peer_free(p);
}

/* ---- man in the middle ------------------------------------------------------ */

/* Stripping SIGN, SEAL, 128, ESS or KEY_EXCH from either message without a
 * policy that notices: the MIC over the transcript catches it. */
static void test_mitm_strip_flags(void **state)
{
	(void)state;
	static const uint32_t strip[] = { NTLMSSP_NEGOTIATE_SIGN, NTLMSSP_NEGOTIATE_SEAL,
					  NTLMSSP_NEGOTIATE_128,
					  NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY,
					  NTLMSSP_NEGOTIATE_KEY_EXCH };
	struct peer *p = peer_new("windows-default", "windows-default");
	p->cpol.min_client_sec = p->spol.min_server_sec = 0;
	p->req = NTLM_REQ_CONFIDENTIALITY;
	for (size_t i = 0; i < ARRAY_SIZE(strip); i++) {
		uint32_t bit = strip[i];
		struct result r = run(p, strip_negotiate, NULL, NULL, (void *)&bit);
		if (r.failed_step != 4 ||
		    (r.st != NTLM_E_MIC_MISMATCH && r.st != NTLM_E_LOGON_FAILURE))
			fail_msg("strip 0x%08x from NEGOTIATE: step %d %s", bit, r.failed_step,
				 ntlm_status_name(r.st));
		assert_false(has_event(&p->sev, NTLM_EVENT_SUCCESS));
		r = run(p, NULL, strip_challenge, NULL, (void *)&bit);
		if (r.failed_step != 4 ||
		    (r.st != NTLM_E_MIC_MISMATCH && r.st != NTLM_E_LOGON_FAILURE))
			fail_msg("strip 0x%08x from CHALLENGE: step %d %s", bit, r.failed_step,
				 ntlm_status_name(r.st));
	}
	/* With the cis policy the same edits are refused by policy first. */
	peer_free(p);
	p = peer_new("cis", "cis");
	uint32_t ess = NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY;
	struct result r = run(p, strip_negotiate, NULL, NULL, &ess);
	assert_failure(r, 2, NTLM_E_POLICY_MIN_SEC);
	r = run(p, NULL, strip_challenge, NULL, &ess);
	assert_failure(r, 3, NTLM_E_POLICY_MIN_SEC);
	peer_free(p);
}

/* Issue 12 item 2: a level-2 (NTLMv1, no MIC) client asks for sealing and a
 * man in the middle clears SIGN, SEAL and 128 in the CHALLENGE. Without
 * ntlm_ctx_require both ends "succeed" unprotected; with it the client
 * refuses before answering, and says what it asked and what it got. */
static void test_require_protection(void **state)
{
	(void)state;
	uint32_t prot = NTLMSSP_NEGOTIATE_SIGN | NTLMSSP_NEGOTIATE_SEAL | NTLMSSP_NEGOTIATE_128;
	struct peer *p = peer_new("windows-default", "windows-default");
	p->cpol.lm_compat = 2;
	p->cpol.min_client_sec = p->spol.min_server_sec = 0;
	p->req = NTLM_REQ_CONFIDENTIALITY;

	/* the attack, today's API: silent */
	struct result r = run(p, NULL, strip_challenge, NULL, &prot);
	assert_success(r);
	assert_false(ntlm_ctx_flags(p->client) & (NTLMSSP_NEGOTIATE_SEAL | NTLMSSP_NEGOTIATE_SIGN));
	assert_string_equal(ntlm_ctx_response_type(p->client), "NTLMv1-ESS");
	/* ... but the success event says what was asked */
	assert_int_equal(p->cev.requested[p->cev.n - 1],
			 NTLMSSP_NEGOTIATE_SIGN | NTLMSSP_NEGOTIATE_SEAL);

	/* required: refused at the CHALLENGE, nothing sent */
	p->crequire = NTLM_REQ_CONFIDENTIALITY;
	r = run(p, NULL, strip_challenge, NULL, &prot);
	assert_failure(r, 3, NTLM_E_POLICY_PROTECTION);
	assert_non_null(strstr(r.msg, "NTLMSSP_NEGOTIATE_SEAL required, not granted"));
	assert_int_equal(ntlm_status_kind(r.st), NTLM_KIND_POLICY_DENIED);
	assert_int_equal(count_event(&p->cev, NTLM_EVENT_PROTECTION_REFUSED), 1);
	size_t i = p->cev.n - 1;
	assert_int_equal(p->cev.id[i], NTLM_EVENT_PROTECTION_REFUSED);
	assert_int_equal(p->cev.outcome[i], NTLM_OUTCOME_BLOCKED);
	assert_int_equal(p->cev.missing[i], NTLMSSP_NEGOTIATE_SEAL);
	assert_int_equal(p->cev.requested[i], NTLMSSP_NEGOTIATE_SIGN | NTLMSSP_NEGOTIATE_SEAL);
	assert_false(p->cev.flags[i] & (NTLMSSP_NEGOTIATE_SEAL | NTLMSSP_NEGOTIATE_SIGN));
	assert_int_equal(p->sev.n, 0); /* the server never saw an AUTHENTICATE */

	/* required and granted: no change */
	r = run(p, NULL, NULL, NULL, NULL);
	assert_success(r);
	assert_true(ntlm_ctx_flags(p->client) & NTLMSSP_NEGOTIATE_SEAL);
	assert_false(has_event(&p->cev, NTLM_EVENT_PROTECTION_REFUSED));

	/* a server that requires signing refuses a client that does not offer it
	 * at the NEGOTIATE, and one whose SIGN was cleared on the way in the
	 * AUTHENTICATE ... */
	p->crequire = 0;
	p->req = 0;
	p->srequire = NTLM_REQ_INTEGRITY;
	r = run(p, NULL, NULL, NULL, NULL);
	assert_failure(r, 2, NTLM_E_POLICY_PROTECTION);
	assert_true(has_event(&p->sev, NTLM_EVENT_PROTECTION_REFUSED));
	p->req = NTLM_REQ_INTEGRITY;
	uint32_t sign = NTLMSSP_NEGOTIATE_SIGN;
	r = run(p, NULL, strip_challenge, NULL, &sign);
	assert_failure(r, 4, NTLM_E_POLICY_PROTECTION);
	assert_int_equal(count_event(&p->sev, NTLM_EVENT_PROTECTION_REFUSED), 1);
	assert_false(has_event(&p->sev, NTLM_EVENT_SUCCESS));
	r = run(p, NULL, NULL, NULL, NULL);
	assert_success(r);

	/* bad arguments, and too late */
	assert_int_equal(ntlm_ctx_require(p->client, 4), NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(ntlm_ctx_require(NULL, 0), NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(ntlm_ctx_require(p->client, NTLM_REQ_INTEGRITY), NTLM_E_BAD_STATE);
	peer_free(p);
}

/* Issue 12 item 5: an audit sink that fails (a full disk: /dev/full).
 * AuditFailure = Continue: the logon goes on, the loss is counted on the
 * context and the audit object, and a failing logon still reports its own
 * cause (before, the sink's "audit log /dev/full: ..." replaced it, and
 * `ntlm server` sent that to the client). Deny: no record, no logon. */
static void test_audit_failure(void **state)
{
	(void)state;
	char why[256];
	if (access("/dev/full", W_OK) != 0)
		skip();
	struct peer *p = peer_new("cis", "cis");
	assert_int_equal(ntlm_audit_add_jsonl(p->saud, "/dev/full"), NTLM_OK);

	struct result r = run(p, NULL, NULL, NULL, NULL);
	assert_success(r);
	assert_true(ntlm_ctx_audit_errors(p->server) >= 1);
	assert_int_equal(ntlm_ctx_audit_errors(p->client), 0);
	assert_true(ntlm_audit_lost(p->saud, why, sizeof(why)) >= 1);
	assert_non_null(strstr(why, "/dev/full"));
	assert_true(has_event(&p->sev, NTLM_EVENT_SUCCESS)); /* the other sink got it */

	ntlm_cred_free(p->cred);
	assert_int_equal(ntlm_cred_new_password(DOMAIN, USER, "wrong", &p->cred), NTLM_OK);
	r = run(p, NULL, NULL, NULL, NULL);
	assert_failure(r, 4, NTLM_E_LOGON_FAILURE);
	assert_null(strstr(r.msg, "/dev/full"));
	assert_null(strstr(r.msg, "audit"));

	/* Deny: the same good logon fails, whatever step first lost a record. */
	ntlm_cred_free(p->cred);
	assert_int_equal(ntlm_cred_new_password(DOMAIN, USER, PASSWORD, &p->cred), NTLM_OK);
	p->spol.audit_failure = NTLM_AUDIT_FAILURE_DENY;
	r = run(p, NULL, NULL, NULL, NULL);
	if (r.failed_step != 2 && r.failed_step != 4)
		fail_msg("deny: step %d %s", r.failed_step, ntlm_status_name(r.st));
	assert_int_equal(r.st, NTLM_E_POLICY_AUDIT_FAILED);
	assert_non_null(strstr(r.msg, "AuditFailure = deny"));
	uint8_t key[16];
	assert_int_equal(ntlm_ctx_session_key(p->server, key), NTLM_E_BAD_STATE);
	peer_free(p);
}

/* Lines in the file at path (0 if absent). */
static unsigned file_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	unsigned n = 0;
	int c;
	if (!f)
		return 0;
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

/* Issue 17: a buffering file sink (ntlm_audit_set_buffer). Under
 * AuditFailure = Continue a handshake's records may wait in the buffer (the
 * file has none of them until a flush); under Deny each record is written
 * before its step returns, so a logon whose record cannot be written still
 * fails, and one whose record is written finds it in the file at once. */
static void test_audit_failure_buffered(void **state)
{
	(void)state;
	char dir[] = "/tmp/ntlm-ctx-audit-XXXXXX", path[64];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/audit.jsonl", dir);

	struct peer *p = peer_new("cis", "cis");
	assert_int_equal(ntlm_audit_add_jsonl(p->saud, path), NTLM_OK);
	assert_int_equal(ntlm_audit_set_buffer(p->saud, 65536), NTLM_OK);
	struct result r = run(p, NULL, NULL, NULL, NULL);
	assert_success(r);
	assert_int_equal(file_lines(path), 0); /* continue: kept */
	assert_int_equal(ntlm_audit_flush_sinks(p->saud), NTLM_OK);
	unsigned n = file_lines(path);
	assert_true(n >= 1); /* 9005 at least, and cis's 8002 */

	p->spol.audit_failure = NTLM_AUDIT_FAILURE_DENY;
	r = run(p, NULL, NULL, NULL, NULL);
	assert_success(r);
	assert_int_equal(file_lines(path), 2 * n); /* deny: written, no flush */
	peer_free(p);
	unlink(path);
	rmdir(dir);

	if (access("/dev/full", W_OK) != 0)
		skip();
	p = peer_new("cis", "cis");
	assert_int_equal(ntlm_audit_add_jsonl(p->saud, "/dev/full"), NTLM_OK);
	assert_int_equal(ntlm_audit_set_buffer(p->saud, 65536), NTLM_OK);
	r = run(p, NULL, NULL, NULL, NULL);
	assert_success(r); /* continue: nothing failed yet */
	assert_int_equal(ntlm_audit_lost(p->saud, NULL, 0), 0);
	assert_int_equal(ntlm_audit_flush_sinks(p->saud), NTLM_E_INTERNAL);
	assert_int_equal(ntlm_audit_lost(p->saud, NULL, 0), n); /* each one counted */
	p->spol.audit_failure = NTLM_AUDIT_FAILURE_DENY;
	r = run(p, NULL, NULL, NULL, NULL);
	assert_int_equal(r.st, NTLM_E_POLICY_AUDIT_FAILED);
	uint8_t key[16];
	assert_int_equal(ntlm_ctx_session_key(p->server, key), NTLM_E_BAD_STATE);
	peer_free(p);
}

/* Finds the CHALLENGE's TargetInfo and flips a byte of a name in it. */
static void alter_target_info(uint8_t *tok, size_t len, void *arg)
{
	(void)arg;
	uint32_t off = (uint32_t)tok[44] | (uint32_t)tok[45] << 8 | (uint32_t)tok[46] << 16;
	assert_true(off + 8 < len);
	tok[off + 4] ^= 0x01; /* first character of the first pair's value */
}

static void test_mitm_alter_target_info(void **state)
{
	(void)state;
	struct peer *p = peer_new("cis", "cis");
	struct result r = run(p, NULL, alter_target_info, NULL, NULL);
	assert_failure(r, 4, NTLM_E_TARGET_INFO_ALTERED);
	assert_true(has_event(&p->sev, NTLM_EVENT_LOGON_FAILURE));
	peer_free(p);
}

static void zero_mic(uint8_t *tok, size_t len, void *arg)
{
	(void)arg;
	assert_true(len > 88);
	memset(tok + 72, 0, 16);
}

static void flip_mic(uint8_t *tok, size_t len, void *arg)
{
	(void)arg;
	(void)len;
	tok[80] ^= 0x80;
}

static void test_mitm_drop_mic(void **state)
{
	(void)state;
	struct peer *p = peer_new("cis", "cis");
	struct result r = run(p, NULL, NULL, zero_mic, NULL);
	assert_failure(r, 4, NTLM_E_MIC_MISMATCH);
	assert_true(has_event(&p->sev, NTLM_EVENT_MIC_FAILURE));
	r = run(p, NULL, NULL, flip_mic, NULL);
	assert_failure(r, 4, NTLM_E_MIC_MISMATCH);
	peer_free(p);
}

/* A challenge is answered once: the same AUTHENTICATE again on the same
 * context, and on a fresh context (another challenge), fails. */
static void test_replay(void **state)
{
	(void)state;
	struct peer *p = peer_new("cis", "cis");
	uint8_t *copy = NULL, *none = NULL;
	size_t none_len;
	struct result r = run(p, NULL, NULL, grab_auth, &copy);
	assert_success(r);
	size_t len;
	memcpy(&len, copy, sizeof(size_t));
	const uint8_t *tok = copy + sizeof(size_t);
	assert_int_equal(ntlm_step(p->server, tok, len, &none, &none_len), NTLM_E_REPLAY);
	assert_true(has_event(&p->sev, NTLM_EVENT_REPLAY));

	/* a new server context: NEGOTIATE, then the old AUTHENTICATE */
	struct ntlm_ctx *s2;
	uint8_t *neg, *chal;
	size_t neg_len, chal_len;
	struct ntlm_ctx *c2;
	assert_int_equal(ntlm_client_new(&p->cpol, p->cred, SPN, 0, &c2), NTLM_OK);
	assert_int_equal(ntlm_step(c2, NULL, 0, &neg, &neg_len), NTLM_CONTINUE);
	assert_int_equal(ntlm_server_new(&p->spol, p->acc, &s2), NTLM_OK);
	assert_int_equal(ntlm_ctx_set_audit(s2, p->saud), NTLM_OK);
	assert_int_equal(ntlm_step(s2, neg, neg_len, &chal, &chal_len), NTLM_CONTINUE);
	size_t failures = count_event(&p->sev, NTLM_EVENT_LOGON_FAILURE);
	ntlm_status st = ntlm_step(s2, tok, len, &none, &none_len);
	/* The NTProofStr is checked before the AV pairs, and it covers the new server
	 * challenge, which the old response cannot: always a logon failure. */
	assert_int_equal(st, NTLM_E_LOGON_FAILURE);
	assert_int_equal(count_event(&p->sev, NTLM_EVENT_LOGON_FAILURE), failures + 1);
	ntlm_free(neg);
	ntlm_free(chal);
	ntlm_ctx_free(c2);
	ntlm_ctx_free(s2);

	/* a fresh server context that issued no CHALLENGE: refused, audited */
	size_t replays = count_event(&p->sev, NTLM_EVENT_REPLAY);
	assert_int_equal(ntlm_server_new(&p->spol, p->acc, &s2), NTLM_OK);
	assert_int_equal(ntlm_ctx_set_audit(s2, p->saud), NTLM_OK);
	assert_int_equal(ntlm_step(s2, tok, len, &none, &none_len), NTLM_E_BAD_MESSAGE_TYPE);
	assert_non_null(strstr(ntlm_error_message(), "never issued"));
	assert_int_equal(count_event(&p->sev, NTLM_EVENT_REPLAY), replays + 1);
	ntlm_ctx_free(s2);
	free(copy);
	peer_free(p);
}

/* ---- LmCompatibilityLevel ---------------------------------------------------- */

static void test_lmcompat_table(void **state)
{
	(void)state;
	struct peer *p = peer_new("legacy-insecure", "legacy-insecure");
	static const char *const sent[6] = { "NTLMv1", "NTLMv1-ESS", "NTLMv1-ESS",
					     "NTLMv2", "NTLMv2",     "NTLMv2" };
	for (unsigned cl = 0; cl <= 5; cl++) {
		for (unsigned sl = 0; sl <= 5; sl++) {
			p->cpol.lm_compat = cl;
			p->spol.lm_compat = sl;
			p->cpol.min_client_sec = p->spol.min_server_sec = 0;
			struct result r = run(p, NULL, NULL, NULL, NULL);
			bool v1 = cl <= 2;
			if (sl == 5 && v1) {
				assert_failure(r, 4, NTLM_E_POLICY_RESPONSE_REFUSED);
				assert_true(has_event(&p->sev, NTLM_EVENT_RESPONSE_REFUSED));
				assert_non_null(strstr(r.msg, "LmCompatibilityLevel"));
			} else {
				assert_success(r);
				assert_true(has_event(&p->sev, NTLM_EVENT_SUCCESS));
			}
			assert_string_equal(ntlm_ctx_response_type(p->server), sent[cl]);
		}
	}
	peer_free(p);
}

/* An LM-only response (NT field emptied): refused by level 4 and 5 as LM;
 * at 0-3 it cannot verify (no LM hashes are stored). */
static void drop_nt(uint8_t *tok, size_t len, void *arg)
{
	(void)arg;
	(void)len;
	tok[20] = tok[21] = 0; /* NtChallengeResponse Len */
}

static void test_lm_only_refused(void **state)
{
	(void)state;
	struct peer *p = peer_new("legacy-insecure", "legacy-insecure");
	p->cpol.lm_compat = 0;
	p->cpol.min_client_sec = p->spol.min_server_sec = 0;
	for (unsigned sl = 0; sl <= 5; sl++) {
		p->spol.lm_compat = sl;
		struct result r = run(p, NULL, NULL, drop_nt, NULL);
		assert_string_equal(ntlm_ctx_response_type(p->server), "LM");
		if (sl >= 4)
			assert_failure(r, 4, NTLM_E_POLICY_RESPONSE_REFUSED);
		else
			assert_failure(r, 4, NTLM_E_LOGON_FAILURE);
	}
	peer_free(p);
}

/* An NTLMv1 AUTHENTICATE with an empty LmChallengeResponse (Len 0, so no
 * bytes to copy) still verifies by its NT response. Found by fuzz_server:
 * the KXKEY input was copied from a NULL pointer (UBSan). */
static void drop_lm(uint8_t *tok, size_t len, void *arg)
{
	(void)arg;
	(void)len;
	tok[12] = tok[13] = 0; /* LmChallengeResponse Len */
}

static void test_v1_empty_lm_field(void **state)
{
	(void)state;
	struct peer *p = peer_new("legacy-insecure", "legacy-insecure");
	p->cpol.lm_compat = 0;
	p->spol.lm_compat = 0;
	p->cpol.min_client_sec = p->spol.min_server_sec = 0;
	p->req = NTLM_REQ_INTEGRITY;
	struct result r = run(p, NULL, NULL, drop_lm, NULL);
	assert_success(r);
	assert_string_equal(ntlm_ctx_response_type(p->server), "NTLMv1");
	check_traffic(p);
	peer_free(p);
}

/* ---- RestrictSendingNTLMTraffic ---------------------------------------------- */

static void test_restrict_sending(void **state)
{
	(void)state;
	struct peer *p = peer_new("windows-default", "windows-default");
	static const struct {
		unsigned setting;
		const char *pattern;
		const char *target;
		bool allowed;
		uint32_t event;
	} cases[] = {
		{ 0, NULL, SPN, true, 0 },
		{ 1, NULL, SPN, true, NTLM_EVENT_OUT_AUDIT },
		{ 2, NULL, SPN, false, NTLM_EVENT_OUT_BLOCKED },
		{ 2, "*.corp.example", SPN, true, 0 },
		{ 2, "websrv.CORP.example", SPN, true, 0 },
		{ 2, "web*.corp.example", SPN, true, 0 },
		/* a short name is not an FQDN that starts with it (docs/policy.md) */
		{ 2, "WEBSRV", SPN, false, NTLM_EVENT_OUT_BLOCKED },
		{ 2, "web*", SPN, false, NTLM_EVENT_OUT_BLOCKED },
		{ 2, "http/WEBSRV.corp.EXAMPLE", SPN, true, 0 },
		{ 2, "other*", SPN, false, NTLM_EVENT_OUT_BLOCKED },
		{ 2, "*.example.org", SPN, false, NTLM_EVENT_OUT_BLOCKED },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		p->cpol.restrict_sending = cases[i].setting;
		p->cpol.n_client_allowed = 0;
		if (cases[i].pattern) {
			snprintf(p->cpol.client_allowed[0], sizeof(p->cpol.client_allowed[0]), "%s",
				 cases[i].pattern);
			p->cpol.n_client_allowed = 1;
		}
		p->target = cases[i].target;
		struct result r = run(p, NULL, NULL, NULL, NULL);
		if (cases[i].allowed) {
			assert_success(r);
		} else {
			assert_failure(r, 1, NTLM_E_POLICY_SEND_BLOCKED);
			assert_int_equal(ntlm_status_win32(r.st), 0xC00000BBu);
			assert_non_null(strstr(r.msg, "RestrictSendingNTLMTraffic"));
		}
		if (cases[i].event)
			assert_true(has_event(&p->cev, cases[i].event));
		else
			assert_int_equal(count_event(&p->cev, NTLM_EVENT_OUT_BLOCKED) +
						 count_event(&p->cev, NTLM_EVENT_OUT_AUDIT),
					 0);
	}
	peer_free(p);
}

/* ---- RestrictReceivingNTLMTraffic / AuditReceivingNTLMTraffic ------------------- */

static void test_restrict_receiving(void **state)
{
	(void)state;
	struct peer *p = peer_new("windows-default", "windows-default");

	p->spol.restrict_receiving = 2;
	struct result r = run(p, NULL, NULL, NULL, NULL);
	assert_failure(r, 2, NTLM_E_POLICY_RECEIVE_BLOCKED);
	assert_true(has_event(&p->sev, NTLM_EVENT_IN_BLOCKED));

	/* 1: domain accounts refused at the AUTHENTICATE, local ones pass */
	p->spol.restrict_receiving = 1;
	r = run(p, NULL, NULL, NULL, NULL);
	assert_failure(r, 4, NTLM_E_POLICY_RECEIVE_BLOCKED);
	assert_true(has_event(&p->sev, NTLM_EVENT_IN_BLOCKED));
	ntlm_cred_free(p->cred);
	assert_int_equal(ntlm_cred_new_password(SERVER_NAME, USER, PASSWORD, &p->cred), NTLM_OK);
	r = run(p, NULL, NULL, NULL, NULL);
	assert_success(r);
	assert_false(has_event(&p->sev, NTLM_EVENT_IN_BLOCKED));

	/* audit only: 8002 for what "deny all" would block, and success */
	p->spol.restrict_receiving = 0;
	p->spol.audit_receiving = 2;
	r = run(p, NULL, NULL, NULL, NULL);
	assert_success(r);
	assert_true(has_event(&p->sev, NTLM_EVENT_IN_AUDIT));
	p->spol.audit_receiving = 0;
	r = run(p, NULL, NULL, NULL, NULL);
	assert_success(r);
	assert_false(has_event(&p->sev, NTLM_EVENT_IN_AUDIT));
	peer_free(p);
}

/* ---- credentials ---------------------------------------------------------- */

static void test_bad_password_unknown_user(void **state)
{
	(void)state;
	struct peer *p = peer_new("cis", "cis");
	ntlm_cred_free(p->cred);
	assert_int_equal(ntlm_cred_new_password(DOMAIN, USER, "wrong", &p->cred), NTLM_OK);
	struct result r = run(p, NULL, NULL, NULL, NULL);
	assert_failure(r, 4, NTLM_E_LOGON_FAILURE);
	assert_true(has_event(&p->sev, NTLM_EVENT_LOGON_FAILURE));
	assert_false(has_event(&p->sev, NTLM_EVENT_SUCCESS));

	ntlm_cred_free(p->cred);
	assert_int_equal(ntlm_cred_new_password(DOMAIN, "mallory", PASSWORD, &p->cred), NTLM_OK);
	r = run(p, NULL, NULL, NULL, NULL);
	assert_failure(r, 4, NTLM_E_NO_SUCH_USER);
	assert_true(has_event(&p->sev, NTLM_EVENT_LOGON_FAILURE));

	/* an NT-hash credential works like the password */
	uint8_t h[16];
	ntlm_cred_free(p->cred);
	assert_int_equal(ntlm_hash_nt(PASSWORD, h), NTLM_OK);
	assert_int_equal(ntlm_cred_new_hash(DOMAIN, USER, h, &p->cred), NTLM_OK);
	r = run(p, NULL, NULL, NULL, NULL);
	assert_success(r);
	peer_free(p);
}

/* ---- channel bindings -------------------------------------------------------- */

static void test_channel_bindings(void **state)
{
	(void)state;
	static const uint8_t cb_a[] = "tls-server-end-point:AAAA";
	static const uint8_t cb_b[] = "tls-server-end-point:BBBB";
	struct peer *p = peer_new("cis", "cis");
	static const struct {
		enum ntlm_cb_mode mode;
		const uint8_t *client, *server;
		ntlm_status want;
	} cases[] = {
		{ NTLM_CB_OFF, cb_a, cb_b, NTLM_OK },
		{ NTLM_CB_OFF, NULL, cb_b, NTLM_OK },
		{ NTLM_CB_ACCEPT, cb_a, cb_a, NTLM_OK },
		{ NTLM_CB_ACCEPT, cb_a, cb_b, NTLM_E_BAD_BINDINGS },
		{ NTLM_CB_ACCEPT, NULL, cb_a, NTLM_OK },
		{ NTLM_CB_REQUIRE, cb_a, cb_a, NTLM_OK },
		{ NTLM_CB_REQUIRE, cb_a, cb_b, NTLM_E_BAD_BINDINGS },
		{ NTLM_CB_REQUIRE, NULL, cb_a, NTLM_E_POLICY_BINDINGS_REQUIRED },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		p->spol.channel_bindings = cases[i].mode;
		peer_contexts(p);
		if (cases[i].client)
			assert_int_equal(ntlm_ctx_set_channel_bindings(p->client, cases[i].client,
								       sizeof(cb_a) - 1),
					 NTLM_OK);
		if (cases[i].server)
			assert_int_equal(ntlm_ctx_set_channel_bindings(p->server, cases[i].server,
								       sizeof(cb_a) - 1),
					 NTLM_OK);
		uint8_t *neg, *chal, *auth, *none;
		size_t a, b, c, d;
		assert_int_equal(ntlm_step(p->client, NULL, 0, &neg, &a), NTLM_CONTINUE);
		assert_int_equal(ntlm_step(p->server, neg, a, &chal, &b), NTLM_CONTINUE);
		assert_int_equal(ntlm_step(p->client, chal, b, &auth, &c), NTLM_OK);
		ntlm_status st = ntlm_step(p->server, auth, c, &none, &d);
		if (st != cases[i].want)
			fail_msg("case %zu: want %s got %s (%s)", i,
				 ntlm_status_name(cases[i].want), ntlm_status_name(st),
				 ntlm_error_message());
		if (st != NTLM_OK)
			assert_true(has_event(&p->sev, NTLM_EVENT_BAD_BINDINGS));
		ntlm_free(neg);
		ntlm_free(chal);
		ntlm_free(auth);
	}
	peer_free(p);
}

/* ---- crafted peers -------------------------------------------------------------- */

/* A curl-like NEGOTIATE: OEM, no 128, no SIGN/SEAL, no VERSION (32 bytes). */
static size_t curl_negotiate(uint8_t buf[64])
{
	struct ntlm_wire_negotiate m = { 0 };
	struct ntlm_wr w;
	m.flags = 0x00088206u;
	ntlm_wr_init(&w, buf, 64);
	assert_int_equal(ntlm_wire_negotiate_encode(&m, &w), NTLM_OK);
	return w.len;
}

/* The Windows nuance: "Require 128-bit" is met by a client that asks for no
 * session security; StrictMinSec = 1 makes the bit absolute. */
static void test_strict_min_sec(void **state)
{
	(void)state;
	struct peer *p = peer_new("windows-default", "windows-default");
	uint8_t neg[64], *chal = NULL;
	size_t n = curl_negotiate(neg), chal_len;
	for (int strict = 0; strict <= 1; strict++) {
		p->spol.strict_min_sec = strict;
		peer_contexts(p);
		ntlm_status st = ntlm_step(p->server, neg, n, &chal, &chal_len);
		if (strict) {
			assert_int_equal(st, NTLM_E_POLICY_MIN_SEC);
			assert_true(has_event(&p->sev, NTLM_EVENT_MIN_SERVER_SEC));
			assert_int_equal(p->sev.missing[p->sev.n - 1], NTLM_MINSEC_128);
		} else {
			assert_int_equal(st, NTLM_CONTINUE);
			struct ntlm_wire_challenge ch;
			assert_int_equal(ntlm_wire_challenge_decode(chal, chal_len, &ch), NTLM_OK);
			assert_true(ch.flags & NTLM_NEGOTIATE_OEM);
			assert_false(ch.flags & NTLMSSP_NEGOTIATE_UNICODE);
			assert_false(ch.flags & NTLMSSP_NEGOTIATE_128);
			assert_true(ch.flags & NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY);
			assert_true(ntlm_wire_avlist_find(&ch.av, MsvAvTimestamp) != NULL);
			uint32_t avf;
			assert_false(ntlm_wire_avlist_flags(&ch.av, &avf));
		}
		ntlm_free(chal);
		chal = NULL;
	}
	peer_free(p);
}

/* An anonymous AUTHENTICATE (NT empty, LM = Z(1)): refused unless AllowAnonymous. */
static void test_anonymous(void **state)
{
	(void)state;
	struct peer *p = peer_new("windows-default", "windows-default");
	for (int allow = 0; allow <= 1; allow++) {
		p->spol.allow_anonymous = allow;
		peer_contexts(p);
		uint8_t *neg, *chal, *none, buf[256], z = 0;
		size_t a, b, d;
		assert_int_equal(ntlm_step(p->client, NULL, 0, &neg, &a), NTLM_CONTINUE);
		assert_int_equal(ntlm_step(p->server, neg, a, &chal, &b), NTLM_CONTINUE);
		struct ntlm_wire_authenticate am = { 0 };
		struct ntlm_wr w;
		am.flags = NTLMSSP_NEGOTIATE_UNICODE | NTLMSSP_NEGOTIATE_NTLM | NTLMSSP_ANONYMOUS |
			   NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY | NTLMSSP_NEGOTIATE_128;
		am.lm_response = (struct ntlm_slice){ &z, 1 };
		ntlm_wr_init(&w, buf, sizeof(buf));
		assert_int_equal(ntlm_wire_authenticate_encode(&am, &w), NTLM_OK);
		ntlm_status st = ntlm_step(p->server, buf, w.len, &none, &d);
		assert_string_equal(ntlm_ctx_response_type(p->server), "anonymous");
		if (allow) {
			assert_int_equal(st, NTLM_OK);
			assert_string_equal(ntlm_ctx_user(p->server), "");
		} else {
			assert_int_equal(st, NTLM_E_POLICY_ANONYMOUS);
			assert_true(has_event(&p->sev, NTLM_EVENT_ANONYMOUS_REFUSED));
		}
		ntlm_free(neg);
		ntlm_free(chal);
	}
	peer_free(p);
}

/* RequireMIC: an NTLMv1-ESS client (no MIC) is refused when the setting asks. */
static void test_require_mic(void **state)
{
	(void)state;
	struct peer *p = peer_new("legacy-insecure", "legacy-insecure");
	p->cpol.lm_compat = 2;
	p->cpol.min_client_sec = p->spol.min_server_sec = 0;
	p->spol.require_mic = true;
	struct result r = run(p, NULL, NULL, NULL, NULL);
	assert_failure(r, 4, NTLM_E_POLICY_MIC_REQUIRED);
	assert_true(has_event(&p->sev, NTLM_EVENT_MIC_FAILURE));
	p->spol.require_mic = false;
	r = run(p, NULL, NULL, NULL, NULL);
	assert_success(r);
	peer_free(p);
}

/* Hostile and misplaced tokens, and calls out of order. */
static void test_bad_inputs(void **state)
{
	(void)state;
	struct peer *p = peer_new("cis", "cis");
	uint8_t *out;
	size_t out_len;
	peer_contexts(p);
	static const uint8_t junk[] = "NTLMSSP";
	assert_int_equal(ntlm_step(p->server, junk, sizeof(junk), &out, &out_len),
			 NTLM_E_TRUNCATED);
	/* a CHALLENGE where the server expects a NEGOTIATE */
	peer_contexts(p);
	uint8_t *neg, *chal;
	size_t neg_len, chal_len;
	assert_int_equal(ntlm_step(p->client, NULL, 0, &neg, &neg_len), NTLM_CONTINUE);
	assert_int_equal(ntlm_step(p->server, neg, neg_len, &chal, &chal_len), NTLM_CONTINUE);
	struct ntlm_ctx *s2;
	assert_int_equal(ntlm_server_new(&p->spol, p->acc, &s2), NTLM_OK);
	assert_int_equal(ntlm_step(s2, chal, chal_len, &out, &out_len), NTLM_E_BAD_MESSAGE_TYPE);
	/* a NEGOTIATE where the client expects a CHALLENGE */
	assert_int_equal(ntlm_step(p->client, neg, neg_len, &out, &out_len),
			 NTLM_E_BAD_MESSAGE_TYPE);
	ntlm_ctx_free(s2);
	ntlm_free(neg);
	ntlm_free(chal);
	peer_contexts(p);
	assert_int_equal(ntlm_step(p->client, junk, 3, &out, &out_len), NTLM_E_BAD_STATE);
	peer_contexts(p);
	uint8_t big[NTLM_MAX_TOKEN + 1] = { 0 };
	assert_int_equal(ntlm_step(p->server, big, sizeof(big), &out, &out_len),
			 NTLM_E_TOKEN_TOO_LARGE);
	assert_int_equal(ntlm_seal(p->server, big, 4, big), NTLM_E_BAD_STATE);
	uint8_t key[16];
	assert_int_equal(ntlm_ctx_session_key(p->server, key), NTLM_E_BAD_STATE);
	assert_int_equal(ntlm_step(NULL, NULL, 0, &out, &out_len), NTLM_E_INVALID_ARGUMENT);
	peer_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cis_ntlmv2_seal),
		cmocka_unit_test(test_authenticate_contents),
		cmocka_unit_test(test_minsec_matrix),
		cmocka_unit_test(test_minsec_peer_lacks_bit),
		cmocka_unit_test(test_mitm_strip_flags),
		cmocka_unit_test(test_mitm_alter_target_info),
		cmocka_unit_test(test_require_protection),
		cmocka_unit_test(test_audit_failure),
		cmocka_unit_test(test_audit_failure_buffered),
		cmocka_unit_test(test_mitm_drop_mic),
		cmocka_unit_test(test_replay),
		cmocka_unit_test(test_lmcompat_table),
		cmocka_unit_test(test_lm_only_refused),
		cmocka_unit_test(test_v1_empty_lm_field),
		cmocka_unit_test(test_restrict_sending),
		cmocka_unit_test(test_restrict_receiving),
		cmocka_unit_test(test_bad_password_unknown_user),
		cmocka_unit_test(test_channel_bindings),
		cmocka_unit_test(test_strict_min_sec),
		cmocka_unit_test(test_anonymous),
		cmocka_unit_test(test_require_mic),
		cmocka_unit_test(test_bad_inputs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
