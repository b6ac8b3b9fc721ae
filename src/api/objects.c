/* SPDX-License-Identifier: MIT */
/*
 * api/objects.c: the public constructors for the objects a context borrows: credentials,
 * policies, account stores, audit sinks. Thin wrappers over the layers.
 */
#include <stdlib.h>
#include <string.h>

#include "context/ctx.h"
#include "crypto/crypto.h"
#include "policy/settings.h"

/* ---- credentials ---------------------------------------------------------- */

static ntlm_status cred_alloc(const char *domain, const char *user, struct ntlm_cred **out)
{
	if (!out)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "out is NULL");
	*out = NULL;
	if (!user || !domain)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "user and domain are required");
	if (strlen(user) > 127 || strlen(domain) > 127)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "user or domain longer than 127 bytes");
	struct ntlm_cred *c = calloc(1, sizeof(*c));
	if (!c)
		return ntlm_err(NTLM_E_NOMEM, "out of memory");
	c->user = strdup(user);
	c->domain = strdup(domain);
	if (!c->user || !c->domain) {
		ntlm_cred_free(c);
		return ntlm_err(NTLM_E_NOMEM, "out of memory");
	}
	*out = c;
	return NTLM_OK;
}

ntlm_status ntlm_cred_new_password(const char *domain, const char *user, const char *password,
				   struct ntlm_cred **out)
{
	struct ntlm_cred *c;
	ntlm_err_clear();
	if (!password)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "password is NULL");
	NTLM_TRY(cred_alloc(domain, user, &c));
	ntlm_status st = ntlm_auth_ntowfv1(password, c->nt_hash);
	if (st != NTLM_OK) {
		ntlm_cred_free(c);
		return st;
	}
	/* An LM hash only when the password has one (<= 14 OEM characters). */
	c->has_lm = ntlm_auth_lmowfv1(password, c->lm_hash) == NTLM_OK;
	ntlm_err_clear();
	*out = c;
	return NTLM_OK;
}

ntlm_status ntlm_cred_new_hash(const char *domain, const char *user, const uint8_t nt_hash[16],
			       struct ntlm_cred **out)
{
	struct ntlm_cred *c;
	ntlm_err_clear();
	if (!nt_hash)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "nt_hash is NULL");
	NTLM_TRY(cred_alloc(domain, user, &c));
	memcpy(c->nt_hash, nt_hash, 16);
	*out = c;
	return NTLM_OK;
}

void ntlm_cred_free(struct ntlm_cred *c)
{
	if (!c)
		return;
	free(c->user);
	free(c->domain);
	ntlm_crypto_wipe(c, sizeof(*c));
	free(c);
}

/* ---- policy ------------------------------------------------------------- */

ntlm_status ntlm_policy_new(const char *profile, struct ntlm_policy **out)
{
	ntlm_err_clear();
	if (!out)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "out is NULL");
	*out = NULL;
	struct ntlm_policy *p = calloc(1, sizeof(*p));
	if (!p)
		return ntlm_err(NTLM_E_NOMEM, "out of memory");
	ntlm_status st = ntlm_policy_profile(profile ? profile : "cis", p);
	if (st != NTLM_OK) {
		free(p);
		return st;
	}
	*out = p;
	return NTLM_OK;
}

ntlm_status ntlm_policy_load(const char *path, struct ntlm_policy **out)
{
	ntlm_err_clear();
	if (!out || !path)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "path and out are required");
	*out = NULL;
	struct ntlm_policy *p = calloc(1, sizeof(*p));
	if (!p)
		return ntlm_err(NTLM_E_NOMEM, "out of memory");
	ntlm_status st = ntlm_policy_load_file(path, p, NULL, 0);
	if (st != NTLM_OK) {
		free(p);
		return st;
	}
	*out = p;
	return NTLM_OK;
}

ntlm_status ntlm_policy_load_files(const char *const *paths, size_t n, struct ntlm_policy **out)
{
	ntlm_err_clear();
	if (!out || (n && !paths))
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "paths and out are required");
	*out = NULL;
	struct ntlm_policy *p = calloc(1, sizeof(*p));
	if (!p)
		return ntlm_err(NTLM_E_NOMEM, "out of memory");
	ntlm_status st = ntlm_policy_load_files_report(NULL, paths, n, p, NULL, 0, NULL);
	if (st != NTLM_OK) {
		free(p);
		return st;
	}
	*out = p;
	return NTLM_OK;
}

ntlm_status ntlm_policy_load_dir(const char *dir, struct ntlm_policy **out)
{
	char **paths = NULL;
	size_t n = 0;

	ntlm_err_clear();
	if (!out)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "out is required");
	*out = NULL;
	ntlm_status st = ntlm_policy_config_dir_files(dir, &paths, &n);
	if (st != NTLM_OK)
		return st;
	st = ntlm_policy_load_files((const char *const *)paths, n, out);
	ntlm_policy_config_dir_free(paths);
	return st;
}

void ntlm_policy_free(struct ntlm_policy *p)
{
	free(p);
}

/* ---- accounts ------------------------------------------------------------ */

ntlm_status ntlm_accounts_open(const char *path, struct ntlm_accounts **out)
{
	ntlm_err_clear();
	if (!out || !path)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "path and out are required");
	return ntlm_accounts_file_open(path, out);
}

ntlm_status ntlm_accounts_open_spec(const char *spec, struct ntlm_accounts **out)
{
	ntlm_err_clear();
	if (!out || !spec)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "spec and out are required");
	return ntlm_accounts_spec_open(spec, out);
}

ntlm_status ntlm_accounts_open_policy(const struct ntlm_policy *policy, const char *spec,
				      struct ntlm_accounts **out)
{
	struct ntlm_accounts *head = NULL, *one = NULL;
	ntlm_status st;

	ntlm_err_clear();
	if (!out)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "out is required");
	*out = NULL;
	if (spec)
		return ntlm_accounts_spec_open(spec, out);
	if (!policy || policy->n_accounts == 0)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT,
				"no account backends: give --accounts, or set [ntlmssp] Accounts "
				"in the policy file (docs/domain.md)");
	/* Each entry is one backend, already checked by the loader. */
	for (size_t i = 0; i < policy->n_accounts && i < NTLM_POLICY_MAX_SERVERS; i++) {
		/* public: configuration words */
		bool wb = strcmp(policy->accounts[i], "winbind") == 0;
		st = ntlm_accounts_spec_open(policy->accounts[i], &one);
		if (st == NTLM_OK && wb && ntlm_accounts_first_verifier(head)) {
			ntlm_accounts_free(one);
			st = ntlm_err(NTLM_E_CONFIG, "Accounts: winbind is named twice");
		}
		if (st != NTLM_OK) {
			ntlm_accounts_free(head);
			return st;
		}
		if (head)
			ntlm_accounts_append(head, one);
		else
			head = one;
	}
	*out = head;
	return NTLM_OK;
}

ntlm_status ntlm_accounts_new_callback(ntlm_accounts_fn fn, void *arg, struct ntlm_accounts **out)
{
	ntlm_err_clear();
	if (!out || !fn)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "fn and out are required");
	return ntlm_accounts_callback_new(fn, arg, out);
}

int ntlm_accounts_may_wait(const struct ntlm_accounts *a)
{
	return ntlm_accounts_chain_may_wait(a);
}

void ntlm_accounts_close(struct ntlm_accounts *a)
{
	ntlm_accounts_free(a);
}

/* ---- audit --------------------------------------------------------------- */

ntlm_status ntlm_audit_open(struct ntlm_audit **out)
{
	ntlm_err_clear();
	if (!out)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "out is NULL");
	return ntlm_audit_new(out);
}

ntlm_status ntlm_audit_to_file(struct ntlm_audit *a, const char *path)
{
	ntlm_err_clear();
	if (!a || !path)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "audit and path are required");
	return ntlm_audit_add_jsonl(a, path);
}

ntlm_status ntlm_audit_to_syslog(struct ntlm_audit *a, const char *ident)
{
	ntlm_err_clear();
	if (!a)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "audit is NULL");
	return ntlm_audit_add_syslog(a, ident ? ident : "ntlmssp");
}

ntlm_status ntlm_audit_to_spec(struct ntlm_audit *a, const char *spec, const char *ident)
{
	char msg[160];

	ntlm_err_clear();
	if (!a || !spec)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "audit and spec are required");
	if (!ntlm_policy_check_audit_log(sv_of(spec), msg, sizeof(msg)))
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "audit destination '%.*s': %s", 64, spec,
				msg);
	if (strcmp(spec, "none") == 0) /* public: configuration words */
		return NTLM_OK;
	if (strncmp(spec, "file:", 5) == 0) /* public: configuration words */
		return ntlm_audit_add_jsonl(a, spec + 5);
	if (strcmp(spec, "syslog") == 0) /* public: configuration words */
		return ntlm_audit_add_socket(a, false, NULL, ident);
	if (strcmp(spec, "journal") == 0) /* public: configuration words */
		return ntlm_audit_add_socket(a, true, NULL, ident);
	if (strncmp(spec, "syslog:", 7) == 0) /* public: configuration words */
		return ntlm_audit_add_socket(a, false, spec + 7, ident);
	return ntlm_audit_add_socket(a, true, spec + 8, ident); /* journal:SOCKET */
}

ntlm_status ntlm_audit_to_policy(struct ntlm_audit *a, const struct ntlm_policy *policy,
				 const char *ident)
{
	ntlm_err_clear();
	if (!a || !policy)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "audit and policy are required");
	for (size_t i = 0; i < policy->n_audit_log && i < NTLM_POLICY_MAX_SERVERS; i++)
		NTLM_TRY(ntlm_audit_to_spec(a, policy->audit_log[i], ident));
	return NTLM_OK;
}

ntlm_status ntlm_audit_to_callback(struct ntlm_audit *a, ntlm_audit_fn fn, void *arg)
{
	ntlm_err_clear();
	if (!a || !fn)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "audit and fn are required");
	return ntlm_audit_add_callback(a, fn, arg);
}

ntlm_status ntlm_audit_buffer(struct ntlm_audit *a, size_t bytes)
{
	ntlm_err_clear();
	if (!a)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "audit is NULL");
	return ntlm_audit_set_buffer(a, bytes);
}

ntlm_status ntlm_audit_flush(struct ntlm_audit *a)
{
	ntlm_err_clear();
	if (!a)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "audit is NULL");
	return ntlm_audit_flush_sinks(a);
}

void ntlm_audit_close(struct ntlm_audit *a)
{
	ntlm_audit_free(a);
}

uint64_t ntlm_audit_lost(struct ntlm_audit *a, char *why, size_t len)
{
	return ntlm_audit_lost_count(a, why, len);
}

uint32_t ntlm_audit_event_id(const struct ntlm_audit_event *e)
{
	return e ? e->id : 0;
}

ntlm_status ntlm_audit_event_to_json(const struct ntlm_audit_event *e, char *buf, size_t len)
{
	ntlm_err_clear();
	if (!e || !buf)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "event and buf are required");
	return ntlm_audit_event_json(e, buf, len);
}
