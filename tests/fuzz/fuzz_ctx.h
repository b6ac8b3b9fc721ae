/* SPDX-License-Identifier: MIT */
/*
 * Shared by the context fuzz targets (fuzz_client_challenge, fuzz_server,
 * fuzz_unseal) and the seed generator (gen_seeds.c): a policy chosen by one
 * mode byte, a credential and an account store, an audit sink that renders
 * every event, and the pinning that makes a server's CHALLENGE deterministic
 * so a recorded AUTHENTICATE still verifies when it is replayed.
 */
#ifndef NTLM_FUZZ_CTX_H
#define NTLM_FUZZ_CTX_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "context/ctx.h"
#include "ntlmssp.h"

#define FZ_DOMAIN "CORP"
#define FZ_USER "alice"
#define FZ_PASSWORD "S3cret!pw"
#define FZ_SPN "HTTP/websrv.corp.example"
#define FZ_CB "tls-server-end-point:0123456789abcdef0123456789abcdef"

/* A failed property: say which, with the library's last message, and abort. */
static inline void fz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: check failed: %s (last error: %s)\n", file, line, what,
		ntlm_error_message());
	abort();
}
#define fz_check(ok) ((ok) ? (void)0 : fz_fail(__FILE__, __LINE__, #ok))

/*
 * The mode byte: bits 0-1 the profile (cis, windows-default, strict,
 * legacy-insecure); bit 2 channel bindings on the context; bit 3 RequireMIC;
 * bit 4 AllowAnonymous; bits 5-7 LmCompatibilityLevel (0-5; 6 and 7 keep
 * the profile's) with both MinSec settings cleared when it is set below 3.
 * MaxClockSkew is made unbounded so recorded NTLMv2 timestamps stay valid.
 */
static inline void fz_policy(uint8_t mode, struct ntlm_policy *p)
{
	static const char *const names[4] = { "cis", "windows-default", "strict",
					      "legacy-insecure" };
	unsigned lm = mode >> 5;

	fz_check(ntlm_policy_profile(names[mode & 3], p) == NTLM_OK);
	p->require_mic = (mode & 8) != 0;
	p->allow_anonymous = (mode & 16) != 0;
	if (lm <= 5) {
		p->lm_compat = lm;
		if (lm < 3)
			p->min_client_sec = p->min_server_sec = 0;
	}
	p->max_clock_skew = UINT32_MAX;
}

/* Every user exists, with the one password, except "nobody". */
static inline ntlm_status fz_lookup(void *arg, const char *domain, const char *user,
				    uint8_t hash[16])
{
	(void)arg;
	(void)domain;
	if (strcmp(user, "nobody") == 0)
		return NTLM_E_NO_SUCH_USER;
	return ntlm_hash_nt(FZ_PASSWORD, hash);
}

/* Audit events, rendered as JSON each time (names come from the peer). */
static inline void fz_audit_cb(const struct ntlm_audit_event *e, void *arg)
{
	static char json[8192];
	(void)arg;
	fz_check(ntlm_audit_event_to_json(e, json, sizeof(json)) == NTLM_OK);
}

struct fz_env {
	struct ntlm_cred *cred;
	struct ntlm_accounts *acc;
	struct ntlm_audit *audit;
};

static inline struct fz_env *fz_env(void)
{
	static struct fz_env env;
	if (!env.cred) {
		fz_check(ntlm_cred_new_password(FZ_DOMAIN, FZ_USER, FZ_PASSWORD, &env.cred) ==
			 NTLM_OK);
		fz_check(ntlm_accounts_new_callback(fz_lookup, NULL, &env.acc) == NTLM_OK);
		fz_check(ntlm_audit_new(&env.audit) == NTLM_OK);
		fz_check(ntlm_audit_add_callback(env.audit, fz_audit_cb, NULL) == NTLM_OK);
	}
	return &env;
}

static inline struct ntlm_ctx *fz_client(const struct ntlm_policy *p, uint8_t mode, unsigned req)
{
	struct fz_env *env = fz_env();
	struct ntlm_ctx *c;
	fz_check(ntlm_client_new(p, env->cred, FZ_SPN, req, &c) == NTLM_OK);
	fz_check(ntlm_ctx_set_audit(c, env->audit) == NTLM_OK);
	fz_check(ntlm_ctx_set_names(c, "WKSTN1", NULL, NULL, NULL) == NTLM_OK);
	if (mode & 4)
		fz_check(ntlm_ctx_set_channel_bindings(c, (const uint8_t *)FZ_CB, strlen(FZ_CB)) ==
			 NTLM_OK);
	return c;
}

static inline struct ntlm_ctx *fz_server(const struct ntlm_policy *p, uint8_t mode)
{
	struct fz_env *env = fz_env();
	struct ntlm_ctx *c;
	fz_check(ntlm_server_new(p, env->acc, &c) == NTLM_OK);
	fz_check(ntlm_ctx_set_audit(c, env->audit) == NTLM_OK);
	fz_check(ntlm_ctx_set_names(c, "WEBSRV", "CORP", "websrv.corp.example", "corp.example") ==
		 NTLM_OK);
	fz_check(ntlm_ctx_set_peer(c, "192.0.2.1:50000") == NTLM_OK);
	if (mode & 4)
		fz_check(ntlm_ctx_set_channel_bindings(c, (const uint8_t *)FZ_CB, strlen(FZ_CB)) ==
			 NTLM_OK);
	return c;
}

/*
 * After the server produced its CHALLENGE: replace the random ServerChallenge
 * and the MsvAvTimestamp, in the context and in its transcript copy (which
 * the MIC and the TargetInfo check use), with fixed values. The token sent to
 * the client must then be c->chal, not the one ntlm_step returned.
 */
static inline void fz_pin_server(struct ntlm_ctx *c)
{
	static const uint8_t sc[8] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef };
	static const uint8_t ts[8] = { 0x00, 0x80, 0x3e, 0xd5, 0xde, 0xb1, 0x9d, 0x01 };
	struct ntlm_wire_challenge ch;
	const struct ntlm_wire_av *av;

	memcpy(c->server_challenge, sc, 8);
	memcpy(c->chal + 24, sc, 8);
	fz_check(ntlm_wire_challenge_decode(c->chal, c->chal_len, &ch) == NTLM_OK);
	av = ntlm_wire_avlist_find(&ch.av, MsvAvTimestamp);
	fz_check(av && av->value.len == 8);
	memcpy((uint8_t *)av->value.p, ts, 8);
}

/* The status of a failed step must name something the peer (or the policy)
 * did, never an internal or usage error. */
static inline void fz_check_failure(ntlm_status st)
{
	enum ntlm_status_kind k = ntlm_status_kind(st);
	fz_check(st == NTLM_E_NOMEM || k == NTLM_KIND_MALFORMED || k == NTLM_KIND_AUTH_FAILED ||
		 k == NTLM_KIND_POLICY_DENIED);
}

#endif
