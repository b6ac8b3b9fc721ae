/* SPDX-License-Identifier: MIT */
/*
 * accounts: server-side credential lookup behind a small interface. The
 * default store is a file of `DOMAIN:USER:NTHASH` lines (32 hex digits; no
 * plaintext passwords). Names compare case-insensitively as Windows does
 * (Unicode upper-casing of both sides). A callback store (and later a domain
 * pass-through) implements the same interface.
 *
 * File format and matching rules: docs/accounts.md.
 */
#ifndef NTLM_ACCOUNTS_H
#define NTLM_ACCOUNTS_H

#include "internal.h"

#define NTLM_ACCOUNTS_NAME_MAX 127	   /* bytes of UTF-8 in a domain or user name */
#define NTLM_ACCOUNTS_LINE_MAX 1024	   /* bytes in one line, newline excluded */
#define NTLM_ACCOUNTS_FILE_MAX (16u << 20) /* bytes in a store file */

struct ntlm_accounts;

/* Result of a lookup: the NT hash, and the canonical names as stored. */
struct ntlm_account {
	uint8_t nt_hash[16];			 /* secret: wiped by ntlm_account_clear */
	char domain[NTLM_ACCOUNTS_NAME_MAX + 1]; /* "" for an any-domain entry */
	char user[NTLM_ACCOUNTS_NAME_MAX + 1];
};
/* Wipes the whole struct (hash and names). */
void ntlm_account_clear(struct ntlm_account *a);

/* Store interface. lookup returns NTLM_OK and fills *acct when found,
 * NTLM_E_NO_SUCH_USER when not, or another error. domain may be "" (any domain matches
 * an entry with an empty domain; see docs/accounts.md). Called concurrently
 * from several threads: an implementation must allow that. */
struct ntlm_accounts_ops {
	ntlm_status (*lookup)(void *self, const char *domain, const char *user,
			      struct ntlm_account *acct);
	void (*free)(void *self); /* may be NULL */
};

struct ntlm_verifier; /* accounts/verify.h: a backend that verifies responses itself */

/*
 * One backend, and the next in lookup order (docs/domain.md): either a hash
 * store (ops/self) or a verifier (a domain through winbind), never both.
 * The server asks each in turn; the first that knows the account decides,
 * and only "no such user" moves on to the next.
 */
struct ntlm_accounts {
	const struct ntlm_accounts_ops *ops; /* NULL for a verifier */
	void *self;			     /* owned: released with ops->free */
	struct ntlm_verifier *verifier;	     /* owned; NULL for a hash store */
	struct ntlm_accounts *next;	     /* owned: the next backend, or NULL */
};

/* Wraps an implementation. Takes ownership of self, also on failure. */
NTLM_RESULT ntlm_accounts_new(const struct ntlm_accounts_ops *ops, void *self,
			      struct ntlm_accounts **out);
/* Wraps a verifier as a backend. Takes ownership of v, also on failure. */
NTLM_RESULT ntlm_accounts_from_verifier(struct ntlm_verifier *v, struct ntlm_accounts **out);
/* Appends tail (and its own chain) after the last backend of head; head
 * owns it from then on. */
void ntlm_accounts_append(struct ntlm_accounts *head, struct ntlm_accounts *tail);
/* The first verifier in the chain (the one whose names the CHALLENGE
 * carries), or NULL. */
struct ntlm_verifier *ntlm_accounts_first_verifier(const struct ntlm_accounts *s);
/* Can checking a response wait on something outside this process: a
 * verifier (winbindd, then a domain controller), or a callback store (the
 * library cannot tell what the callback does)? File stores alone: false. */
bool ntlm_accounts_chain_may_wait(const struct ntlm_accounts *s);
/* The same for this one backend. */
bool ntlm_accounts_backend_may_wait(const struct ntlm_accounts *s);
/*
 * Opens the backends a spec names, in order (docs/domain.md):
 *   "file:PATH"                   a file store
 *   "winbind"                     the domain through winbindd
 *   "file:PATH, winbind"          both: the file first, then the domain
 *   "PATH"                        (no "file:", no comma, not "winbind") a file store
 * Items are separated by commas (optional blanks around them); a PATH cannot
 * hold a comma. An empty item, an unknown one or a backend named twice is
 * NTLM_E_INVALID_ARGUMENT naming it.
 */
NTLM_RESULT ntlm_accounts_spec_open(const char *spec, struct ntlm_accounts **out);

/* Checks the arguments, clears *acct, calls the store (this one backend,
 * not the chain; a verifier answers NTLM_E_NO_SUCH_USER: it hands out no
 * hash). Names longer than
 * NTLM_ACCOUNTS_NAME_MAX bytes -> NTLM_E_NO_SUCH_USER without asking it. On
 * any failure *acct is left wiped. */
NTLM_RESULT ntlm_accounts_lookup(struct ntlm_accounts *s, const char *domain, const char *user,
				 struct ntlm_account *acct);
void ntlm_accounts_free(struct ntlm_accounts *s); /* NULL is a no-op */

/* Whether a logon's domain names a domain account, for
 * RestrictReceivingNTLMTraffic / AuditReceivingNTLMTraffic: a domain that is
 * neither empty nor this machine's NetBIOS name (a stand-alone server's own
 * accounts), compared ASCII case-insensitively. NULL counts as empty. */
bool ntlm_accounts_is_domain_account(const char *domain, const char *computer);

/* Loads a file store. Errors (NTLM_E_ACCOUNTS_FILE) carry "file:line: ..."
 * for malformed lines (not three fields, not 32 hex digits, empty user,
 * duplicate entry, over-long names or lines, invalid UTF-8, control
 * characters) and "file: ..." for an unreadable or over-large file; no
 * message repeats the content of a hash field. The file is read once; hashes
 * are kept in memory and wiped on free, and so is the read buffer. */
NTLM_RESULT ntlm_accounts_file_open(const char *path, struct ntlm_accounts **out);

/*
 * One line of the file format, for the loader and a later writer. An entry
 * holds the names as written, the hash, and the upper-case forms used to
 * compare names. Release with ntlm_accounts_entry_clear.
 */
struct ntlm_accounts_entry {
	struct ntlm_account acct;
	char *domain_key; /* owned: ntlm_text_upper(domain) */
	char *user_key;	  /* owned: ntlm_text_upper(user) */
};
/* Parses p[0..len) (no newline). *is_entry = false for a blank or comment
 * line (out untouched). Errors are NTLM_E_ACCOUNTS_FILE with a message
 * without position (the caller adds "file:line: "), or NTLM_E_NOMEM. */
NTLM_RESULT ntlm_accounts_parse_line(const char *p, size_t len, bool *is_entry,
				     struct ntlm_accounts_entry *out);
void ntlm_accounts_entry_clear(struct ntlm_accounts_entry *e);

/* Reads an open store file (a regular file of at most NTLM_ACCOUNTS_FILE_MAX
 * bytes) into a malloc'd buffer (not NUL-terminated); the caller wipes and
 * frees it. Errors: NTLM_E_ACCOUNTS_FILE "path: ...", NTLM_E_NOMEM. */
NTLM_RESULT ntlm_accounts_read_fd(int fd, const char *path, char **out, size_t *out_len);
/* Checks a file's text exactly as ntlm_accounts_file_open does (every line,
 * then duplicates), with the same "path:line: ..." errors. */
NTLM_RESULT ntlm_accounts_check_text(const char *path, const char *buf, size_t len);

/*
 * Editing a file store (store_edit.c; `ntlm accounts`). Each edit locks
 * "<path>.lock" (flock, exclusive; the lock file is created beside the store
 * and never removed, so every editor locks the same inode), reads and checks
 * the file, and replaces it atomically (temporary file in the same
 * directory, fsync, rename, fsync of the directory). Lines other than the
 * edited one are kept byte for byte. A new file is created 0600; an
 * existing one keeps its mode and owner. A symbolic link is refused (the
 * rename would replace the link, not its target).
 */
#define NTLM_ACCOUNTS_EDIT_REPLACE 0x1u
/* Adds an entry (error NTLM_E_INVALID_ARGUMENT if the names are already
 * there, unless REPLACE, which rewrites that line in place). The names are
 * checked to be storable as given: see ntlm_accounts_edit_check_names. */
NTLM_RESULT ntlm_accounts_edit_add(const char *path, const char *domain, const char *user,
				   const uint8_t nt_hash[16], unsigned flags);
/* Removes the entry with exactly these names (case-insensitive as lookups;
 * no any-domain fallback). None -> NTLM_E_NO_SUCH_USER. */
NTLM_RESULT ntlm_accounts_edit_remove(const char *path, const char *domain, const char *user);
/* One DOMAIN\USER line per entry (USER alone for an empty domain), in file
 * order, NUL-terminated; *count = the number of entries. */
NTLM_RESULT ntlm_accounts_edit_list(const char *path, char **out, size_t *count);
/* NTLM_OK when domain:user:hash would be written and read back as exactly
 * these names; else NTLM_E_INVALID_ARGUMENT naming the field and the rule. */
NTLM_RESULT ntlm_accounts_edit_check_names(const char *domain, const char *user);

/* A store backed by a callback: it returns NTLM_OK with the hash, or
 * NTLM_E_NO_SUCH_USER. The account's names are those asked for. */
typedef ntlm_status (*ntlm_accounts_cb)(void *arg, const char *domain, const char *user,
					uint8_t nt_hash[16]);
NTLM_RESULT ntlm_accounts_callback_new(ntlm_accounts_cb cb, void *arg, struct ntlm_accounts **out);

#endif
