/* SPDX-License-Identifier: MIT */
/*
 * accounts: the file store. `DOMAIN:USER:NTHASH` lines (docs/accounts.md),
 * read once into a sorted array of records; lookups binary-search it by the
 * upper-case forms of the names.
 *
 * Error messages give the file, the line and what is wrong, never the text of
 * a hash field: a line written with a password in place of the hash must not
 * copy the password into a log.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "accounts/accounts.h"
#include "bytes/hex.h"
#include "crypto/crypto.h"
#include "text/text.h"

/* ---- one line ---------------------------------------------------------- */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* A field: a borrowed span of the line, trimmed. */
struct span {
	const char *p;
	size_t len;
};

static struct span trim(const char *p, size_t len)
{
	while (len && is_space(p[0])) {
		p++;
		len--;
	}
	while (len && is_space(p[len - 1]))
		len--;
	return (struct span){ p, len };
}

/* 32 hex digits -> 16 bytes; false (out partly written) otherwise. */
static bool unhex(struct span f, uint8_t out[16])
{
	if (f.len != 32)
		return false;
	for (size_t i = 0; i < 16; i++) {
		int hi = ntlm_bytes_hex_digit((unsigned char)f.p[2 * i]),
		    lo = ntlm_bytes_hex_digit((unsigned char)f.p[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

/* Checks one name and copies it into dst; `what` is "domain" or "user". */
static ntlm_status name(struct span f, const char *what, char *dst, char **key)
{
	char *up = NULL;
	ntlm_status st;

	if (f.len > NTLM_ACCOUNTS_NAME_MAX)
		return ntlm_err(NTLM_E_ACCOUNTS_FILE, "%s name longer than %d bytes", what,
				NTLM_ACCOUNTS_NAME_MAX);
	for (size_t i = 0; i < f.len; i++)
		if ((unsigned char)f.p[i] < 0x20 || f.p[i] == 0x7f)
			return ntlm_err(NTLM_E_ACCOUNTS_FILE, "control character in the %s name",
					what);
	memcpy(dst, f.p, f.len);
	dst[f.len] = '\0';
	st = ntlm_text_upper(dst, &up);
	if (st == NTLM_E_BAD_STRING)
		return ntlm_err(NTLM_E_ACCOUNTS_FILE, "%s name is not valid UTF-8", what);
	if (st != NTLM_OK)
		return st;
	*key = up;
	return NTLM_OK;
}

void ntlm_accounts_entry_clear(struct ntlm_accounts_entry *e)
{
	if (!e)
		return;
	free(e->domain_key);
	free(e->user_key);
	ntlm_crypto_wipe(e, sizeof(*e));
}

ntlm_status ntlm_accounts_parse_line(const char *p, size_t len, bool *is_entry,
				     struct ntlm_accounts_entry *out)
{
	struct span line, f[3];
	const char *c1, *c2;
	size_t nfields = 1;
	ntlm_status st;

	*is_entry = false;
	if (len > NTLM_ACCOUNTS_LINE_MAX)
		return ntlm_err(NTLM_E_ACCOUNTS_FILE, "line longer than %d bytes",
				NTLM_ACCOUNTS_LINE_MAX);
	if (memchr(p, '\0', len))
		return ntlm_err(NTLM_E_ACCOUNTS_FILE, "NUL byte in the line");
	line = trim(p, len);
	if (line.len == 0 || line.p[0] == '#')
		return NTLM_OK;

	for (size_t i = 0; i < line.len; i++)
		nfields += line.p[i] == ':';
	if (nfields != 3)
		return ntlm_err(NTLM_E_ACCOUNTS_FILE,
				"expected DOMAIN:USER:NTHASH (3 fields separated by ':'), "
				"found %zu field%s",
				nfields, nfields == 1 ? "" : "s");
	c1 = memchr(line.p, ':', line.len);
	c2 = memchr(c1 + 1, ':', line.len - (size_t)(c1 + 1 - line.p));
	f[0] = trim(line.p, (size_t)(c1 - line.p));
	f[1] = trim(c1 + 1, (size_t)(c2 - c1 - 1));
	f[2] = trim(c2 + 1, line.len - (size_t)(c2 + 1 - line.p));

	memset(out, 0, sizeof(*out));
	if (!unhex(f[2], out->acct.nt_hash)) {
		st = ntlm_err(NTLM_E_ACCOUNTS_FILE,
			      "third field is not an NT hash (32 hex digits): store NT hashes, "
			      "never passwords; `printf '%%s' PASSWORD | ntlm hash` makes one");
		goto fail;
	}
	if (f[1].len == 0) {
		st = ntlm_err(NTLM_E_ACCOUNTS_FILE, "empty user name");
		goto fail;
	}
	NTLM_TRY_GOTO(st, name(f[0], "domain", out->acct.domain, &out->domain_key), fail);
	NTLM_TRY_GOTO(st, name(f[1], "user", out->acct.user, &out->user_key), fail);
	*is_entry = true;
	return NTLM_OK;
fail:
	ntlm_accounts_entry_clear(out);
	return st;
}

/* ---- the store --------------------------------------------------------- */

/* One account. The four strings share one allocation, owned by `domain`. */
struct rec {
	uint8_t nt_hash[16];
	unsigned line;
	char *domain, *user;	     /* as written */
	char *domain_key, *user_key; /* upper-case forms */
};

struct store {
	size_t n, cap;
	struct rec *r;
};

static void store_free(void *self)
{
	struct store *s = self;
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		free(s->r[i].domain);
	if (s->r)
		ntlm_crypto_wipe(s->r, s->cap * sizeof(*s->r));
	free(s->r);
	free(s);
}

static int cmp_keys(const char *d1, const char *u1, const char *d2, const char *u2)
{
	int c = strcmp(d1, d2);	       /* public: names, for sorting */
	return c ? c : strcmp(u1, u2); /* public: names */
}

static int cmp_rec(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;
	int c = cmp_keys(x->domain_key, x->user_key, y->domain_key, y->user_key);
	if (c)
		return c;
	return x->line < y->line ? -1 : x->line > y->line;
}

static const struct rec *find(const struct store *s, const char *dkey, const char *ukey)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct rec *r = &s->r[mid];
		int c = cmp_keys(dkey, ukey, r->domain_key, r->user_key);
		if (c == 0)
			return r;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* Upper-cases a name from the peer; invalid UTF-8 matches nothing. */
static ntlm_status fold(const char *s, char **out)
{
	ntlm_status st = ntlm_text_upper(s, out);
	if (st == NTLM_E_BAD_STRING)
		return ntlm_err(NTLM_E_NO_SUCH_USER, "no such account: name is not valid UTF-8");
	return st;
}

static ntlm_status store_lookup(void *self, const char *domain, const char *user,
				struct ntlm_account *acct)
{
	const struct store *s = self;
	const struct rec *r = NULL;
	char *dkey = NULL, *ukey = NULL;
	ntlm_status st;

	NTLM_TRY_GOTO(st, fold(domain, &dkey), out);
	NTLM_TRY_GOTO(st, fold(user, &ukey), out);
	/* The entry for the domain the client named, else an any-domain one. */
	r = find(s, dkey, ukey);
	if (!r && dkey[0])
		r = find(s, "", ukey);
	if (!r) {
		st = ntlm_err(NTLM_E_NO_SUCH_USER, "no such account");
		goto out;
	}
	memcpy(acct->nt_hash, r->nt_hash, 16);
	memcpy(acct->domain, r->domain, strlen(r->domain) + 1);
	memcpy(acct->user, r->user, strlen(r->user) + 1);
	st = NTLM_OK;
out:
	free(dkey);
	free(ukey);
	return st;
}

static const struct ntlm_accounts_ops file_ops = {
	.lookup = store_lookup,
	.free = store_free,
};

/* Moves a parsed entry into the store (the entry is cleared either way). */
static ntlm_status append(struct store *s, struct ntlm_accounts_entry *e, unsigned line)
{
	size_t ld = strlen(e->acct.domain) + 1, lu = strlen(e->acct.user) + 1;
	size_t lk = strlen(e->domain_key) + 1, lv = strlen(e->user_key) + 1;
	ntlm_status st = NTLM_OK;
	char *blk;

	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		struct rec *r = malloc(cap * sizeof(*r));
		if (!r) {
			st = ntlm_err(NTLM_E_NOMEM, "out of memory");
			goto out;
		}
		/* Not realloc: the old array holds hashes and must be wiped. */
		if (s->r) {
			memcpy(r, s->r, s->n * sizeof(*r));
			ntlm_crypto_wipe(s->r, s->cap * sizeof(*s->r));
			free(s->r);
		}
		s->r = r;
		s->cap = cap;
	}
	blk = malloc(ld + lu + lk + lv);
	if (!blk) {
		st = ntlm_err(NTLM_E_NOMEM, "out of memory");
		goto out;
	}
	struct rec *r = &s->r[s->n++];
	memcpy(r->nt_hash, e->acct.nt_hash, 16);
	r->line = line;
	r->domain = blk;
	r->user = blk + ld;
	r->domain_key = r->user + lu;
	r->user_key = r->domain_key + lk;
	memcpy(r->domain, e->acct.domain, ld);
	memcpy(r->user, e->acct.user, lu);
	memcpy(r->domain_key, e->domain_key, lk);
	memcpy(r->user_key, e->user_key, lv);
out:
	ntlm_accounts_entry_clear(e);
	return st;
}

/* Sorts, then reports the duplicate pair whose second line comes first. */
static ntlm_status sort_check(struct store *s, const char *path)
{
	const struct rec *a = NULL, *b = NULL;

	if (s->n > 1)
		qsort(s->r, s->n, sizeof(*s->r), cmp_rec);
	for (size_t i = 1; i < s->n; i++) {
		const struct rec *x = &s->r[i - 1], *y = &s->r[i];
		if (cmp_keys(x->domain_key, x->user_key, y->domain_key, y->user_key) != 0)
			continue;
		/* Sorted by line within equal keys: x is the earlier line. */
		if (!b || y->line < b->line) {
			a = x;
			b = y;
		}
	}
	if (b)
		return ntlm_err(NTLM_E_ACCOUNTS_FILE,
				"%s:%u: duplicate entry for domain \"%s\" user \"%s\" (names "
				"compare case-insensitively; first on line %u)",
				path, b->line, b->domain, b->user, a->line);
	return NTLM_OK;
}

ntlm_status ntlm_accounts_read_fd(int fd, const char *path, char **out, size_t *out_len)
{
	struct stat sb;
	char eb[128];
	char *buf = NULL;
	size_t n = 0, cap = 0;
	ssize_t r;
	ntlm_status st = NTLM_OK;

	*out = NULL;
	*out_len = 0;
	if (fstat(fd, &sb) != 0) {
		st = ntlm_err(NTLM_E_ACCOUNTS_FILE, "%s: cannot stat: %s", path,
			      strerror_r(errno, eb, sizeof(eb)));
		goto out;
	}
	if (!S_ISREG(sb.st_mode)) {
		st = ntlm_err(NTLM_E_ACCOUNTS_FILE, "%s: not a regular file", path);
		goto out;
	}
	if (sb.st_size > (off_t)NTLM_ACCOUNTS_FILE_MAX) {
		st = ntlm_err(NTLM_E_ACCOUNTS_FILE, "%s: larger than %u MiB", path,
			      NTLM_ACCOUNTS_FILE_MAX >> 20);
		goto out;
	}
	/* One byte more than the size: a file that grew is noticed. */
	cap = (size_t)sb.st_size + 1;
	buf = malloc(cap);
	if (!buf) {
		st = ntlm_err(NTLM_E_NOMEM, "out of memory");
		goto out;
	}
	while (n < cap) {
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			st = ntlm_err(NTLM_E_ACCOUNTS_FILE, "%s: read: %s", path,
				      strerror_r(errno, eb, sizeof(eb)));
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n == cap) {
		st = ntlm_err(NTLM_E_ACCOUNTS_FILE, "%s: changed while being read", path);
		goto out;
	}
	*out = buf;
	*out_len = n;
	buf = NULL;
out:
	if (buf) {
		ntlm_crypto_wipe(buf, cap);
		free(buf);
	}
	return st;
}

/* Reads the whole file into a malloc'd buffer (the caller wipes it). */
static ntlm_status slurp(const char *path, char **out, size_t *out_len)
{
	char eb[128];
	ntlm_status st;
	int fd;

	*out = NULL;
	*out_len = 0;
	do {
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	} while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return ntlm_err(NTLM_E_ACCOUNTS_FILE, "%s: cannot open: %s", path,
				strerror_r(errno, eb, sizeof(eb)));
	st = ntlm_accounts_read_fd(fd, path, out, out_len);
	close(fd);
	return st;
}

/* Parses every line of buf into s; the first error stops it. */
static ntlm_status parse_all(struct store *s, const char *path, const char *buf, size_t len)
{
	struct ntlm_accounts_entry e;
	char msg[256];
	size_t pos = 0;
	unsigned line = 0;
	ntlm_status st;

	/* A UTF-8 byte order mark, as Windows editors write, is not part of line 1. */
	/* public: a byte-order mark */
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		pos = 3;
	while (pos < len) {
		const char *p = buf + pos, *nl = memchr(p, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - p) : len - pos;
		bool is_entry = false;

		pos += n + (nl != NULL);
		line++;
		st = ntlm_accounts_parse_line(p, n, &is_entry, &e);
		if (st == NTLM_E_ACCOUNTS_FILE) {
			/* Copy first: ntlm_err writes where the message is. */
			snprintf(msg, sizeof(msg), "%s", ntlm_error_message());
			return ntlm_err(st, "%s:%u: %s", path, line, msg);
		}
		if (st != NTLM_OK)
			return st;
		if (is_entry)
			NTLM_TRY(append(s, &e, line));
	}
	return sort_check(s, path);
}

ntlm_status ntlm_accounts_check_text(const char *path, const char *buf, size_t len)
{
	struct store *s;
	ntlm_status st;

	s = calloc(1, sizeof(*s));
	if (!s)
		return ntlm_err(NTLM_E_NOMEM, "out of memory");
	st = parse_all(s, path, buf ? buf : "", len);
	store_free(s);
	return st;
}

ntlm_status ntlm_accounts_file_open(const char *path, struct ntlm_accounts **out)
{
	struct store *s = NULL;
	char *buf = NULL;
	size_t len = 0;
	ntlm_status st;

	if (out)
		*out = NULL;
	if (!path || !out)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "account store: NULL argument");
	s = calloc(1, sizeof(*s));
	if (!s)
		return ntlm_err(NTLM_E_NOMEM, "out of memory");
	st = slurp(path, &buf, &len);
	if (st == NTLM_OK)
		st = parse_all(s, path, buf, len);
	if (buf) {
		ntlm_crypto_wipe(buf, len);
		free(buf);
	}
	if (st != NTLM_OK) {
		store_free(s);
		return st;
	}
	return ntlm_accounts_new(&file_ops, s, out);
}
