/* SPDX-License-Identifier: MIT */
/*
 * context: the client and server state machines. Each step handler does
 * decode -> policy -> compute -> audit -> encode, and nothing else; this is
 * the only place the layers meet.
 */
#ifndef NTLM_CTX_H
#define NTLM_CTX_H

#include "accounts/accounts.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "internal.h"
#include "ntlmssp/unstable.h"
#include "policy/policy.h"
#include "session/session.h"
#include "wire/wire.h"

struct ntlm_cred {
	char *domain;	     /* owned, UTF-8 */
	char *user;	     /* owned, UTF-8 */
	uint8_t nt_hash[16]; /* secret */
	bool has_lm;
	uint8_t lm_hash[16]; /* secret; only from a password with an LM form */
};

/* The DER of a mechTypes list of NTLM_SPNEGO_MAX_MECHS OIDs of 64 bytes. */
#define NTLM_SPNEGO_TYPES_MAX (4 + NTLM_SPNEGO_MAX_MECHS * 66)

enum ntlm_ctx_state {
	CTX_INIT = 0,	       /* client: nothing sent; server: waiting for NEGOTIATE */
	CTX_WAIT_CHALLENGE,    /* client */
	CTX_WAIT_AUTHENTICATE, /* server */
	CTX_DONE,
	CTX_FAILED
};

struct ntlm_ctx {
	bool is_server;
	enum ntlm_ctx_state state;
	const struct ntlm_policy *policy; /* borrowed */
	struct ntlm_audit *audit;	  /* borrowed, may be NULL */
	unsigned audit_errors;		  /* events a sink failed to record */
	const struct ntlm_cred *cred;	  /* client; borrowed */
	struct ntlm_accounts *accounts;	  /* server; borrowed */
	unsigned req;			  /* NTLM_REQ_* asked for (client) */
	unsigned require;		  /* NTLM_REQ_* that must be granted (ntlm_ctx_require) */
	unsigned peer_req;		  /* server: NTLM_REQ_* the client's NEGOTIATE asked */
	char target[256];		  /* client: SPN; server: our NetBIOS name */
	char peer[64];
	char nb_computer[64], nb_domain[64], dns_computer[256], dns_domain[256];

	bool has_cb;
	uint8_t cb_hash[16];

	/* Transcript for the MIC. */
	uint8_t neg[NTLM_MAX_TOKEN];
	size_t neg_len;
	uint8_t chal[NTLM_MAX_TOKEN];
	size_t chal_len;
	uint8_t server_challenge[8];

	/* Results. */
	uint32_t flags;
	bool has_resp;
	enum ntlm_response_type resp;
	char user[128], domain[128], workstation[128];
	bool domain_account;	      /* server: as RestrictReceivingNTLMTraffic sees it */
	bool has_verified_account;    /* server: a verifier (the domain) checked the response */
	bool verified_domain_account; /* ... and said the account is a domain account */
	uint8_t exported_key[16];     /* secret */
	bool has_key;
	struct ntlm_session session;
	bool has_session;
	bool mic; /* the AUTHENTICATE carried a MIC (sent, or checked) */

	/* What the AUTHENTICATE said (sent, or as received, before it is
	 * verified), for the audit records' facts only; not exported. */
	enum ntlm_fact av_mic, av_cb, av_tname;
	char av_tname_value[256];
	/* ntlm_policy_identity of the policy, worked out at the first event */
	bool has_policy_id;
	char policy_hash[17], policy_source[256];

	/* SPNEGO (spnego.c, ntlm_spnego_accept) */
	bool spnego;	       /* the NegTokenInit was seen */
	bool spnego_not_first; /* NTLMSSP was not the client's first mechanism */
	bool spnego_defer;     /* the success event waits for the mechListMIC */
	uint8_t spnego_types[NTLM_SPNEGO_TYPES_MAX]; /* the client's mechTypes, DER */
	size_t spnego_types_len;
};

/* client.c / server.c */
NTLM_RESULT ntlm_ctx_client_step(struct ntlm_ctx *c, const uint8_t *in, size_t in_len,
				 uint8_t **out, size_t *out_len);
/* ntlm_step_may_wait for a server (errors are set, not cleared). */
int ntlm_ctx_server_may_wait(struct ntlm_ctx *c, const uint8_t *in, size_t in_len);
NTLM_RESULT ntlm_ctx_server_step(struct ntlm_ctx *c, const uint8_t *in, size_t in_len,
				 uint8_t **out, size_t *out_len);

/* context.c helpers shared by both roles */
void ntlm_ctx_audit(struct ntlm_ctx *c, struct ntlm_audit_event *e);
void ntlm_ctx_audit_verdict(struct ntlm_ctx *c, const struct ntlm_verdict *v);
void ntlm_ctx_audit_failure(struct ntlm_ctx *c, uint32_t id, ntlm_status st);
/* server.c: the server's result event (reason "authenticated", or the
 * current error's detail). */
void ntlm_ctx_server_result(struct ntlm_ctx *c, uint32_t id, enum ntlm_audit_outcome outcome);
/* Copies a wire string (UTF-16LE or OEM per flags) into dst as UTF-8. */
NTLM_RESULT ntlm_ctx_wire_string(struct ntlm_slice s, uint32_t flags, char *dst, size_t len,
				 const char *what);
/* The SIGN/SEAL bits the caller asked for (client) or requires (both). */
uint32_t ntlm_ctx_requested_flags(const struct ntlm_ctx *c);
/* ntlm_ctx_require: NTLM_OK when `granted` has every required bit; else
 * audits 9009 (what was asked, what was granted) and returns
 * NTLM_E_POLICY_PROTECTION. */
NTLM_RESULT ntlm_ctx_check_protection(struct ntlm_ctx *c, uint32_t granted);
/* FILETIME now (100 ns since 1601). */
uint64_t ntlm_ctx_filetime_now(void);
/* Emits the encoded token as an allocated copy. */
NTLM_RESULT ntlm_ctx_output(const struct ntlm_wr *w, uint8_t **out, size_t *out_len);

#endif
