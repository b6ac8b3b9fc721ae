/*
 * accounts: server-side credential lookup behind a small interface. The
 * default store is a file of `DOMAIN:USER:NTHASH` lines (32 hex digits; no
 * plaintext passwords). Names compare case-insensitively as Windows does
 * (Unicode upper-casing of both sides). A callback store (and later a domain
 * pass-through) implements the same interface.
 */
#ifndef NTLM_ACCOUNTS_H
#define NTLM_ACCOUNTS_H

#include "internal.h"

struct ntlm_accounts;

/* Result of a lookup: the NT hash, and the canonical names as stored. */
struct ntlm_account {
	uint8_t nt_hash[16]; /* secret: wiped by ntlm_account_clear */
	char domain[128];
	char user[128];
};
void ntlm_account_clear(struct ntlm_account *a);

/* Store interface. lookup returns NTLM_OK and fills *acct when found,
 * NTLM_E_NO_SUCH_USER when not, or another error. domain may be "" (any domain matches
 * an entry with an empty domain; see docs/accounts.md). */
struct ntlm_accounts_ops {
	ntlm_status (*lookup)(void *self, const char *domain, const char *user,
			      struct ntlm_account *acct);
	void (*free)(void *self);
};

struct ntlm_accounts {
	const struct ntlm_accounts_ops *ops;
	void *self;
};

NTLM_RESULT ntlm_accounts_lookup(struct ntlm_accounts *s, const char *domain, const char *user,
				 struct ntlm_account *acct);
void ntlm_accounts_free(struct ntlm_accounts *s);

/* Loads a file store. Errors "file:line: ..." for malformed lines (not three
 * fields, bad hex, empty user, duplicate entry, over-long names, invalid
 * UTF-8). The file is read once; hashes are kept in memory and wiped on free. */
NTLM_RESULT ntlm_accounts_file_open(const char *path, struct ntlm_accounts **out);

/* A store backed by a callback. */
typedef ntlm_status (*ntlm_accounts_cb)(void *arg, const char *domain, const char *user,
					 uint8_t nt_hash[16]);
NTLM_RESULT ntlm_accounts_callback_new(ntlm_accounts_cb cb, void *arg,
				       struct ntlm_accounts **out);

#endif
