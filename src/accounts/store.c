/* SPDX-License-Identifier: MIT */
/*
 * accounts: the interface dispatch (argument checks, wiping on failure) and
 * the callback store.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "accounts/accounts.h"
#include "accounts/verify.h"
#include "crypto/crypto.h"

void ntlm_account_clear(struct ntlm_account *a)
{
	if (a)
		ntlm_crypto_wipe(a, sizeof(*a));
}

ntlm_status ntlm_accounts_new(const struct ntlm_accounts_ops *ops, void *self,
			      struct ntlm_accounts **out)
{
	struct ntlm_accounts *s;

	if (out)
		*out = NULL;
	if (!ops || !ops->lookup || !out) {
		if (ops && ops->free)
			ops->free(self);
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "account store: missing ops or output");
	}
	s = malloc(sizeof(*s));
	if (!s) {
		if (ops->free)
			ops->free(self);
		return ntlm_err(NTLM_E_NOMEM, "out of memory");
	}
	s->ops = ops;
	s->self = self;
	s->verifier = NULL;
	s->next = NULL;
	*out = s;
	return NTLM_OK;
}

ntlm_status ntlm_accounts_from_verifier(struct ntlm_verifier *v, struct ntlm_accounts **out)
{
	struct ntlm_accounts *s;

	if (out)
		*out = NULL;
	if (!v || !out) {
		ntlm_verifier_free(v);
		return ntlm_err(NTLM_E_INVALID_ARGUMENT,
				"account backend: NULL verifier or output");
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		ntlm_verifier_free(v);
		return ntlm_err(NTLM_E_NOMEM, "out of memory");
	}
	s->verifier = v;
	*out = s;
	return NTLM_OK;
}

void ntlm_accounts_append(struct ntlm_accounts *head, struct ntlm_accounts *tail)
{
	if (!head)
		return;
	while (head->next)
		head = head->next;
	head->next = tail;
}

struct ntlm_verifier *ntlm_accounts_first_verifier(const struct ntlm_accounts *s)
{
	for (; s; s = s->next)
		if (s->verifier)
			return s->verifier;
	return NULL;
}

static const struct ntlm_accounts_ops cb_ops;

bool ntlm_accounts_backend_may_wait(const struct ntlm_accounts *s)
{
	return s && (s->verifier || s->ops == &cb_ops);
}

bool ntlm_accounts_chain_may_wait(const struct ntlm_accounts *s)
{
	for (; s; s = s->next)
		if (ntlm_accounts_backend_may_wait(s))
			return true;
	return false;
}

ntlm_status ntlm_accounts_lookup(struct ntlm_accounts *s, const char *domain, const char *user,
				 struct ntlm_account *acct)
{
	ntlm_status st;

	if (!s || !domain || !user || !acct)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "account lookup: NULL argument");
	ntlm_account_clear(acct);
	if (!s->ops)
		return ntlm_err(NTLM_E_NO_SUCH_USER, "the %s backend verifies responses itself",
				ntlm_verifier_name(s->verifier));
	if (strlen(domain) > NTLM_ACCOUNTS_NAME_MAX || strlen(user) > NTLM_ACCOUNTS_NAME_MAX)
		return ntlm_err(NTLM_E_NO_SUCH_USER, "no such account: name longer than %d bytes",
				NTLM_ACCOUNTS_NAME_MAX);
	st = s->ops->lookup(s->self, domain, user, acct);
	if (st != NTLM_OK)
		ntlm_account_clear(acct);
	return st;
}

void ntlm_accounts_free(struct ntlm_accounts *s)
{
	while (s) {
		struct ntlm_accounts *next = s->next;
		if (s->ops && s->ops->free)
			s->ops->free(s->self);
		ntlm_verifier_free(s->verifier);
		free(s);
		s = next;
	}
}

/* ---- the callback store ------------------------------------------------ */

struct cbstore {
	ntlm_accounts_cb cb;
	void *arg; /* borrowed */
};

/* Copies a name that the dispatcher has bounded already. */
static void setname(char *dst, size_t cap, const char *src)
{
	size_t n = strnlen(src, cap - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static ntlm_status cb_lookup(void *self, const char *domain, const char *user,
			     struct ntlm_account *acct)
{
	struct cbstore *c = self;
	uint8_t h[16] = { 0 };
	ntlm_status st;

	ntlm_err_clear(); /* so a callback that sets no message gets ours */
	st = c->cb(c->arg, domain, user, h);
	if (st == NTLM_OK) {
		memcpy(acct->nt_hash, h, sizeof(h));
		setname(acct->domain, sizeof(acct->domain), domain);
		setname(acct->user, sizeof(acct->user), user);
	} else if (ntlm_error_message()[0] == '\0') {
		st = ntlm_err(st, "account callback: %s", ntlm_status_text(st));
	}
	ntlm_crypto_wipe(h, sizeof(h));
	return st;
}

static const struct ntlm_accounts_ops cb_ops = {
	.lookup = cb_lookup,
	.free = free,
};

ntlm_status ntlm_accounts_callback_new(ntlm_accounts_cb cb, void *arg, struct ntlm_accounts **out)
{
	struct cbstore *c;

	if (out)
		*out = NULL;
	if (!cb || !out)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "account callback: NULL argument");
	c = malloc(sizeof(*c));
	if (!c)
		return ntlm_err(NTLM_E_NOMEM, "out of memory");
	c->cb = cb;
	c->arg = arg;
	return ntlm_accounts_new(&cb_ops, c, out);
}

bool ntlm_accounts_is_domain_account(const char *domain, const char *computer)
{
	if (!domain || !domain[0])
		return false;
	/* public: names, not secrets */
	return !computer || strcasecmp(domain, computer) != 0;
}
