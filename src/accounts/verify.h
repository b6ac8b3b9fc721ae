/* SPDX-License-Identifier: MIT */
/*
 * accounts/verify: verify-style account backends. A hash store (accounts.h)
 * hands the NT hash to the server, which checks the response itself. A
 * domain controller never hands out a hash: it checks the response and
 * returns a verdict. A verifier receives what the client sent (server
 * challenge, names, LM/NT responses) and returns either a precise NT status
 * or the SessionBaseKey, the canonical names, the SIDs and whether the
 * account is a domain account. The winbind verifier (winbind.c) asks the
 * domain through winbindd (libwbclient); docs/domain.md.
 */
#ifndef NTLM_ACCOUNTS_VERIFY_H
#define NTLM_ACCOUNTS_VERIFY_H

#include "internal.h"

#define NTLM_VERIFY_SIDS_MAX 64	 /* SIDs kept from a logon (user, primary group, groups) */
#define NTLM_VERIFY_SID_MAX 192	 /* "S-1-..." with 15 sub-authorities, NUL included */
#define NTLM_VERIFY_NAME_MAX 128 /* bytes of a NetBIOS or account name, NUL included */
#define NTLM_VERIFY_DNS_MAX 256	 /* bytes of a DNS name or UPN, NUL included */

/* What the client sent, as the server decoded it. Borrowed for the call. */
struct ntlm_verify_req {
	const uint8_t *server_challenge; /* 8 bytes */
	const char *domain;		 /* UTF-8, as sent ("" allowed) */
	const char *user;		 /* UTF-8, as sent */
	const char *workstation;	 /* UTF-8, as sent ("" allowed) */
	struct ntlm_slice lm_response;
	struct ntlm_slice nt_response;
};

/* A verdict. On NTLM_OK: the keys, the canonical names and the SIDs. On an
 * authentication failure: nt_status holds the domain's NTSTATUS. */
struct ntlm_verify_result {
	uint8_t session_base_key[16];	   /* secret: the NTLM SessionBaseKey (user session key) */
	uint8_t lm_session_key[8];	   /* secret */
	char domain[NTLM_VERIFY_NAME_MAX]; /* canonical NetBIOS domain ("TESTDOM") */
	char user[NTLM_VERIFY_NAME_MAX];   /* canonical account name ("alice" for "ALICE") */
	char full_name[NTLM_VERIFY_NAME_MAX];
	char dns_domain[NTLM_VERIFY_DNS_MAX]; /* "" when the backend does not say */
	char upn[NTLM_VERIFY_DNS_MAX];	      /* "" when the backend does not say */
	char logon_server[NTLM_VERIFY_NAME_MAX];
	bool domain_account; /* the account belongs to a domain, not to this machine */
	uint32_t nt_status;  /* 0 on success; the NTSTATUS of the domain's refusal */
	size_t n_sids;	     /* sids[0] the user, sids[1] the primary group, then groups */
	char sids[NTLM_VERIFY_SIDS_MAX][NTLM_VERIFY_SID_MAX];
};
/* Wipes the whole result (keys and names). */
void ntlm_verify_result_clear(struct ntlm_verify_result *r);

/* The names a CHALLENGE must carry for this backend: through a domain
 * member, the DC checks MsvAvNbComputerName / MsvAvNbDomainName in the
 * NTLMv2 blob against the member's own names and refuses valid passwords
 * when they differ. */
struct ntlm_verify_names {
	char nb_computer[NTLM_VERIFY_NAME_MAX]; /* "MEM1" */
	char nb_domain[NTLM_VERIFY_NAME_MAX];	/* "TESTDOM" */
	char dns_domain[NTLM_VERIFY_DNS_MAX];	/* "testdom.example", or "" */
};

/*
 * Verifier interface. verify returns NTLM_OK and fills *out, or an error:
 * an authentication verdict (NTLM_E_LOGON_FAILURE, NTLM_E_NO_SUCH_USER,
 * NTLM_E_ACCOUNT_DISABLED, ...; out->nt_status set), NTLM_E_NO_LOGON_SERVERS
 * (the domain is unreachable) or NTLM_E_BACKEND_UNAVAILABLE (the local
 * service is), each with a message naming the NT status or the cause. Called
 * concurrently from several threads: an implementation must allow that.
 */
struct ntlm_verifier_ops {
	const char *name; /* "winbind"; shown in messages and docs */
	ntlm_status (*names)(void *self, struct ntlm_verify_names *out);
	ntlm_status (*verify)(void *self, const struct ntlm_verify_req *req,
			      struct ntlm_verify_result *out);
	void (*free)(void *self); /* may be NULL */
};

struct ntlm_verifier {
	const struct ntlm_verifier_ops *ops;
	void *self; /* owned: released with ops->free */
};

/* Wraps an implementation. Takes ownership of self, also on failure. */
NTLM_RESULT ntlm_verifier_new(const struct ntlm_verifier_ops *ops, void *self,
			      struct ntlm_verifier **out);
void ntlm_verifier_free(struct ntlm_verifier *v); /* NULL is a no-op */
const char *ntlm_verifier_name(const struct ntlm_verifier *v);

/* Checks the request, clears *out, calls the backend. Never returns NTLM_OK
 * unless the backend did and said nt_status 0 and gave a user name; on any
 * failure *out is wiped except nt_status. */
NTLM_RESULT ntlm_verifier_verify(struct ntlm_verifier *v, const struct ntlm_verify_req *req,
				 struct ntlm_verify_result *out);
/* The names for the CHALLENGE; errors as verify's infrastructure errors. */
NTLM_RESULT ntlm_verifier_names(struct ntlm_verifier *v, struct ntlm_verify_names *out);

/* The domain's NTSTATUS -> our status: the verdicts (wrong password, no
 * such user, disabled, expired, locked out, must change, logon hours,
 * workstation, restrictions) map to their NTLM_E_*, the unreachable-domain
 * statuses (no logon servers, trust failures, RPC errors) to
 * NTLM_E_NO_LOGON_SERVERS, anything else to NTLM_E_LOGON_FAILURE. Never
 * NTLM_OK (0 gives NTLM_E_INTERNAL: a refusal without a status is a bug). */
ntlm_status ntlm_verify_map_ntstatus(uint32_t nt_status);
/* "NT_STATUS_ACCOUNT_DISABLED", or NULL for a status not in the table. */
const char *ntlm_verify_ntstatus_name(uint32_t nt_status);
/* Records the message for a refusal: "<what>: NT_STATUS_X (0x...): <text>"
 * and returns ntlm_verify_map_ntstatus(nt_status). */
NTLM_RESULT ntlm_verify_refusal(uint32_t nt_status, const char *what);

/* The winbind verifier (libwbclient; needs root or the winbindd_priv
 * group for winbindd's privileged pipe). Opening does not contact
 * winbindd: a winbindd that is down when the server starts is reported at
 * each logon until it is back, with no restart. NTLM_E_BACKEND_UNAVAILABLE
 * "built without libwbclient" when the library was built without it. */
NTLM_RESULT ntlm_verifier_winbind_new(struct ntlm_verifier **out);

#endif
