/* SPDX-License-Identifier: MIT */
/*
 * accounts/verify: the verifier dispatch (argument checks, wiping, the
 * never-a-success-on-error rule) and the NTSTATUS table.
 */
#include <stdlib.h>
#include <string.h>

#include "accounts/verify.h"
#include "crypto/crypto.h"

void ntlm_verify_result_clear(struct ntlm_verify_result *r)
{
	if (r)
		ntlm_crypto_wipe(r, sizeof(*r));
}

ntlm_status ntlm_verifier_new(const struct ntlm_verifier_ops *ops, void *self,
			      struct ntlm_verifier **out)
{
	struct ntlm_verifier *v;

	if (out)
		*out = NULL;
	if (!ops || !ops->verify || !ops->names || !out) {
		if (ops && ops->free)
			ops->free(self);
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "verifier: missing ops or output");
	}
	v = malloc(sizeof(*v));
	if (!v) {
		if (ops->free)
			ops->free(self);
		return ntlm_err(NTLM_E_NOMEM, "out of memory");
	}
	v->ops = ops;
	v->self = self;
	*out = v;
	return NTLM_OK;
}

void ntlm_verifier_free(struct ntlm_verifier *v)
{
	if (!v)
		return;
	if (v->ops->free)
		v->ops->free(v->self);
	free(v);
}

const char *ntlm_verifier_name(const struct ntlm_verifier *v)
{
	return v && v->ops->name ? v->ops->name : "verifier";
}

ntlm_status ntlm_verifier_verify(struct ntlm_verifier *v, const struct ntlm_verify_req *req,
				 struct ntlm_verify_result *out)
{
	ntlm_status st;
	uint32_t nt;

	if (!v || !req || !out || !req->server_challenge || !req->domain || !req->user ||
	    !req->workstation)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "verify: NULL argument");
	ntlm_verify_result_clear(out);
	if (!req->nt_response.len && !req->lm_response.len)
		return ntlm_err(NTLM_E_BAD_RESPONSE, "verify: no response to verify");
	st = v->ops->verify(v->self, req, out);
	if (st == NTLM_OK && (out->nt_status != 0 || !out->user[0]))
		st = ntlm_err(NTLM_E_INTERNAL,
			      "%s: success without an account name or with NT status 0x%08X",
			      ntlm_verifier_name(v), (unsigned)out->nt_status);
	if (st == NTLM_CONTINUE) /* not a verdict: never let it pass as one */
		st = ntlm_err(NTLM_E_INTERNAL, "%s: returned no verdict", ntlm_verifier_name(v));
	if (st != NTLM_OK) {
		nt = out->nt_status;
		ntlm_verify_result_clear(out);
		out->nt_status = nt;
	}
	return st;
}

ntlm_status ntlm_verifier_names(struct ntlm_verifier *v, struct ntlm_verify_names *out)
{
	ntlm_status st;

	if (!v || !out)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "verifier names: NULL argument");
	memset(out, 0, sizeof(*out));
	st = v->ops->names(v->self, out);
	if (st == NTLM_OK && (!out->nb_computer[0] || !out->nb_domain[0]))
		st = ntlm_err(NTLM_E_BACKEND_UNAVAILABLE, "%s: reports no NetBIOS names",
			      ntlm_verifier_name(v));
	if (st != NTLM_OK)
		memset(out, 0, sizeof(*out));
	return st;
}

/* ---- NTSTATUS --------------------------------------------------------- */

static const struct ntstatus_row {
	uint32_t nt;
	const char *name;
	ntlm_status st;
} ntstatus_rows[] = {
	/* verdicts on the account or the password */
	{ 0xC000006Au, "NT_STATUS_WRONG_PASSWORD", NTLM_E_LOGON_FAILURE },
	{ 0xC000006Du, "NT_STATUS_LOGON_FAILURE", NTLM_E_LOGON_FAILURE },
	{ 0xC0000064u, "NT_STATUS_NO_SUCH_USER", NTLM_E_NO_SUCH_USER },
	{ 0xC00000DFu, "NT_STATUS_NO_SUCH_DOMAIN", NTLM_E_NO_SUCH_USER },
	{ 0xC0000072u, "NT_STATUS_ACCOUNT_DISABLED", NTLM_E_ACCOUNT_DISABLED },
	{ 0xC0000193u, "NT_STATUS_ACCOUNT_EXPIRED", NTLM_E_ACCOUNT_EXPIRED },
	{ 0xC0000234u, "NT_STATUS_ACCOUNT_LOCKED_OUT", NTLM_E_ACCOUNT_LOCKED_OUT },
	{ 0xC0000071u, "NT_STATUS_PASSWORD_EXPIRED", NTLM_E_PASSWORD_EXPIRED },
	{ 0xC0000224u, "NT_STATUS_PASSWORD_MUST_CHANGE", NTLM_E_PASSWORD_MUST_CHANGE },
	{ 0xC000006Fu, "NT_STATUS_INVALID_LOGON_HOURS", NTLM_E_LOGON_HOURS },
	{ 0xC0000070u, "NT_STATUS_INVALID_WORKSTATION", NTLM_E_WORKSTATION_RESTRICTED },
	{ 0xC000006Eu, "NT_STATUS_ACCOUNT_RESTRICTION", NTLM_E_ACCOUNT_RESTRICTED },
	{ 0xC000015Bu, "NT_STATUS_LOGON_TYPE_NOT_GRANTED", NTLM_E_ACCOUNT_RESTRICTED },
	{ 0xC0000413u, "NT_STATUS_AUTHENTICATION_FIREWALL_FAILED", NTLM_E_ACCOUNT_RESTRICTED },
	{ 0xC0000199u, "NT_STATUS_NOLOGON_INTERDOMAIN_TRUST_ACCOUNT", NTLM_E_ACCOUNT_RESTRICTED },
	{ 0xC000019Au, "NT_STATUS_NOLOGON_WORKSTATION_TRUST_ACCOUNT", NTLM_E_ACCOUNT_RESTRICTED },
	{ 0xC000019Bu, "NT_STATUS_NOLOGON_SERVER_TRUST_ACCOUNT", NTLM_E_ACCOUNT_RESTRICTED },
	{ 0xC0000022u, "NT_STATUS_ACCESS_DENIED", NTLM_E_LOGON_FAILURE },
	{ 0xC000000Du, "NT_STATUS_INVALID_PARAMETER", NTLM_E_LOGON_FAILURE },
	/* the domain cannot be asked */
	{ 0xC000005Eu, "NT_STATUS_NO_LOGON_SERVERS", NTLM_E_NO_LOGON_SERVERS },
	{ 0xC000018Cu, "NT_STATUS_TRUSTED_DOMAIN_FAILURE", NTLM_E_NO_LOGON_SERVERS },
	{ 0xC000018Du, "NT_STATUS_TRUSTED_RELATIONSHIP_FAILURE", NTLM_E_NO_LOGON_SERVERS },
	{ 0xC0000192u, "NT_STATUS_NETLOGON_NOT_STARTED", NTLM_E_NO_LOGON_SERVERS },
	{ 0xC00000B5u, "NT_STATUS_IO_TIMEOUT", NTLM_E_NO_LOGON_SERVERS },
	{ 0xC0000236u, "NT_STATUS_CONNECTION_REFUSED", NTLM_E_NO_LOGON_SERVERS },
	{ 0xC000020Cu, "NT_STATUS_CONNECTION_DISCONNECTED", NTLM_E_NO_LOGON_SERVERS },
	{ 0xC000023Au, "NT_STATUS_CONNECTION_INVALID", NTLM_E_NO_LOGON_SERVERS },
	{ 0xC0000001u, "NT_STATUS_UNSUCCESSFUL", NTLM_E_NO_LOGON_SERVERS },
	{ 0xC00000E5u, "NT_STATUS_INTERNAL_ERROR", NTLM_E_NO_LOGON_SERVERS },
	{ 0xC0000017u, "NT_STATUS_NO_MEMORY", NTLM_E_NO_LOGON_SERVERS },
};

static const struct ntstatus_row *ntstatus_find(uint32_t nt)
{
	for (size_t i = 0; i < ARRAY_SIZE(ntstatus_rows); i++)
		if (ntstatus_rows[i].nt == nt)
			return &ntstatus_rows[i];
	return NULL;
}

const char *ntlm_verify_ntstatus_name(uint32_t nt_status)
{
	const struct ntstatus_row *r = ntstatus_find(nt_status);
	return r ? r->name : NULL;
}

ntlm_status ntlm_verify_map_ntstatus(uint32_t nt_status)
{
	const struct ntstatus_row *r = ntstatus_find(nt_status);

	if (nt_status == 0)
		return NTLM_E_INTERNAL;
	if (r)
		return r->st;
	/* The RPC facilities (0xC002xxxx RPC_NT_*, 0xC003xxxx RPC_NT_* more):
	 * the domain could not be asked. */
	if ((nt_status & 0xFFFF0000u) == 0xC0020000u || (nt_status & 0xFFFF0000u) == 0xC0030000u)
		return NTLM_E_NO_LOGON_SERVERS;
	return NTLM_E_LOGON_FAILURE;
}

ntlm_status ntlm_verify_refusal(uint32_t nt_status, const char *what)
{
	ntlm_status st = ntlm_verify_map_ntstatus(nt_status);
	const char *name = ntlm_verify_ntstatus_name(nt_status);

	if (name)
		return ntlm_err(st, "%s: %s (0x%08X): %s", what, name, (unsigned)nt_status,
				ntlm_status_text(st));
	return ntlm_err(st, "%s: NT status 0x%08X: %s", what, (unsigned)nt_status,
			ntlm_status_text(st));
}
