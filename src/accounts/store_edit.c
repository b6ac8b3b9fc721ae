/* SPDX-License-Identifier: MIT */
/*
 * accounts: editing a file store (`ntlm accounts add|remove|list`).
 *
 * An edit is a read-modify-write of the whole file under an exclusive lock:
 *
 *   1. flock(LOCK_EX) on "<path>.lock". Not on the store itself: the rename
 *      in step 4 puts a new inode at the path, and a writer that locked the
 *      old inode would not exclude one that opens the new. flock, not fcntl:
 *      fcntl locks belong to the process, so two threads of one process
 *      would not exclude each other.
 *   2. Read the store and check it as the loader does; a file the server
 *      would refuse is not edited (the error names file:line).
 *   3. Find the entry by the upper-case forms of the names, exactly as a
 *      lookup compares them (no any-domain fallback), and build the new text:
 *      every other byte is kept, comments, blank lines, CRLF and BOM included.
 *   4. Write it to a temporary file in the same directory, fsync, rename over
 *      the store, fsync the directory. A reader (the server opening the store)
 *      sees the old file or the new one, never a mix; a failure before the
 *      rename leaves the old file untouched and removes the temporary one.
 *
 * The text holds NT hashes: every buffer that held it is wiped.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "accounts/accounts.h"
#include "crypto/crypto.h"
#include "text/text.h"

/* One store being edited. */
struct edit {
	const char *path; /* borrowed */
	int lock_fd;	  /* -1 when not locked */
	bool exists;	  /* the store was there when read */
	struct stat sb;	  /* of the store, when it exists */
	char *buf;	  /* owned, wiped: the store's text */
	size_t len;
};

/* One line of the text. */
struct line {
	size_t start, end; /* [start, end) with the '\n' */
	unsigned no;
};

/* A name for a message: bytes outside printable ASCII other than UTF-8 shown
 * as '?', cut to fit. */
static const char *shown(const char *s, char *buf, size_t len)
{
	size_t k = 0;

	for (size_t i = 0; s[i] && k + 1 < len; i++) {
		unsigned char c = (unsigned char)s[i];
		buf[k++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	buf[k] = '\0';
	return buf;
}

/* "DOMAIN\USER", or "USER" for the any-domain entry. */
static const char *who(const char *domain, const char *user, char *buf, size_t len)
{
	char d[NTLM_ACCOUNTS_NAME_MAX + 1], u[NTLM_ACCOUNTS_NAME_MAX + 1];

	shown(domain, d, sizeof(d));
	shown(user, u, sizeof(u));
	if (d[0])
		snprintf(buf, len, "%s\\%s", d, u);
	else
		snprintf(buf, len, "%s", u);
	return buf;
}

/* ---- names --------------------------------------------------------------- */

static ntlm_status check_name(const char *s, const char *what)
{
	size_t n = strlen(s);

	if (n > NTLM_ACCOUNTS_NAME_MAX)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "%s name longer than %d bytes", what,
				NTLM_ACCOUNTS_NAME_MAX);
	if (strchr(s, ':'))
		return ntlm_err(NTLM_E_INVALID_ARGUMENT,
				"%s name contains ':', the field separator of the store", what);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return ntlm_err(NTLM_E_INVALID_ARGUMENT, "control character in the %s name",
					what);
	if (n && (s[0] == ' ' || s[n - 1] == ' '))
		return ntlm_err(NTLM_E_INVALID_ARGUMENT,
				"%s name starts or ends with a space, which the store would drop",
				what);
	return NTLM_OK;
}

ntlm_status ntlm_accounts_edit_check_names(const char *domain, const char *user)
{
	struct ntlm_accounts_entry e;
	char line[2 * NTLM_ACCOUNTS_NAME_MAX + 40];
	bool is_entry = false;
	ntlm_status st;
	int w;

	if (!domain || !user)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "account names: NULL argument");
	if (!user[0])
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "empty user name");
	NTLM_TRY(check_name(domain, "domain"));
	NTLM_TRY(check_name(user, "user"));
	if (domain[0] == '#')
		return ntlm_err(NTLM_E_INVALID_ARGUMENT,
				"domain name starts with '#': the line would be a comment");
	/* The rest (control characters, UTF-8) exactly as the loader checks it. */
	w = snprintf(line, sizeof(line), "%s:%s:00000000000000000000000000000000", domain, user);
	if (w < 0 || (size_t)w >= sizeof(line))
		return ntlm_err(NTLM_E_INTERNAL, "account names: line does not fit");
	st = ntlm_accounts_parse_line(line, (size_t)w, &is_entry, &e);
	if (st == NTLM_E_ACCOUNTS_FILE) {
		char msg[256];
		snprintf(msg, sizeof(msg), "%s", ntlm_error_message());
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "%s", msg);
	}
	if (st != NTLM_OK)
		return st;
	/* public: names, not secrets */
	if (!is_entry || strcmp(e.acct.domain, domain) != 0 || strcmp(e.acct.user, user) != 0)
		st = ntlm_err(NTLM_E_INVALID_ARGUMENT, "the names would not read back as given");
	ntlm_accounts_entry_clear(&e);
	return st;
}

/* The upper-case forms lookups compare. */
static ntlm_status keys(const char *domain, const char *user, char **dkey, char **ukey)
{
	ntlm_status st;

	st = ntlm_text_upper(domain, dkey);
	if (st == NTLM_OK)
		st = ntlm_text_upper(user, ukey);
	if (st == NTLM_E_BAD_STRING)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "account name is not valid UTF-8");
	return st;
}

/* ---- reading --------------------------------------------------------------- */

static char *suffixed(const char *path, const char *suffix)
{
	size_t a = strlen(path), b = strlen(suffix);
	char *s = malloc(a + b + 1);

	if (!s)
		return NULL;
	memcpy(s, path, a);
	memcpy(s + a, suffix, b + 1);
	return s;
}

/* What is at the path now: nothing, or a regular file (not a link). */
static ntlm_status probe(struct edit *e, bool must_exist)
{
	char eb[128];

	if (lstat(e->path, &e->sb) == 0) {
		if (S_ISLNK(e->sb.st_mode))
			return ntlm_err(NTLM_E_ACCOUNTS_FILE,
					"%s: is a symbolic link; edit the file it points to",
					e->path);
		if (!S_ISREG(e->sb.st_mode))
			return ntlm_err(NTLM_E_ACCOUNTS_FILE, "%s: not a regular file", e->path);
		return NTLM_OK;
	}
	if (errno != ENOENT || must_exist)
		return ntlm_err(NTLM_E_ACCOUNTS_FILE, "%s: cannot open: %s", e->path,
				strerror_r(errno, eb, sizeof(eb)));
	return NTLM_OK;
}

static ntlm_status lock_store(struct edit *e)
{
	char eb[128];
	char *lpath = suffixed(e->path, ".lock");
	mode_t mode = 0600;
	ntlm_status st = NTLM_OK;
	int fd, r;

	if (!lpath)
		return ntlm_err(NTLM_E_NOMEM, "out of memory");
	/* As readable as the store, so whoever may edit it may lock it. */
	if (lstat(e->path, &e->sb) == 0 && S_ISREG(e->sb.st_mode))
		mode = (e->sb.st_mode & 0666) | 0600;
	do {
		fd = open(lpath, O_RDONLY | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW, mode);
	} while (fd < 0 && errno == EINTR);
	if (fd < 0) {
		st = ntlm_err(NTLM_E_ACCOUNTS_FILE, "%s: cannot open the lock file %s: %s", e->path,
			      lpath, strerror_r(errno, eb, sizeof(eb)));
		goto out;
	}
	do {
		r = flock(fd, LOCK_EX);
	} while (r != 0 && errno == EINTR);
	if (r != 0) {
		st = ntlm_err(NTLM_E_ACCOUNTS_FILE, "%s: cannot lock %s: %s", e->path, lpath,
			      strerror_r(errno, eb, sizeof(eb)));
		close(fd);
		goto out;
	}
	e->lock_fd = fd;
out:
	free(lpath);
	return st;
}

/* Reads the store (absent = empty when !must_exist) and checks it. */
static ntlm_status read_store(struct edit *e, bool must_exist, bool follow)
{
	char eb[128];
	ntlm_status st;
	/* O_NONBLOCK: a FIFO in place of the store must not hang us (read_fd
	 * refuses anything but a regular file, where the flag changes nothing). */
	int fd, flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | (follow ? 0 : O_NOFOLLOW);

	do {
		fd = open(e->path, flags);
	} while (fd < 0 && errno == EINTR);
	if (fd < 0) {
		if (errno == ENOENT && !must_exist) {
			e->exists = false;
			return NTLM_OK;
		}
		if (errno == ELOOP && !follow)
			return ntlm_err(NTLM_E_ACCOUNTS_FILE,
					"%s: is a symbolic link; edit the file it points to",
					e->path);
		return ntlm_err(NTLM_E_ACCOUNTS_FILE, "%s: cannot open: %s", e->path,
				strerror_r(errno, eb, sizeof(eb)));
	}
	e->exists = true;
	if (fstat(fd, &e->sb) != 0) {
		st = ntlm_err(NTLM_E_ACCOUNTS_FILE, "%s: cannot stat: %s", e->path,
			      strerror_r(errno, eb, sizeof(eb)));
		goto out;
	}
	NTLM_TRY_GOTO(st, ntlm_accounts_read_fd(fd, e->path, &e->buf, &e->len), out);
	st = ntlm_accounts_check_text(e->path, e->buf, e->len);
out:
	close(fd);
	return st;
}

/* Where parsing starts: after a UTF-8 byte order mark, as the loader does. */
static size_t text_start(const struct edit *e)
{
	/* public: a byte-order mark */
	return e->len >= 3 && memcmp(e->buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

/* The next line from *pos; false at the end. */
static bool next_line(const struct edit *e, size_t *pos, struct line *l)
{
	const char *nl;

	if (*pos >= e->len)
		return false;
	nl = memchr(e->buf + *pos, '\n', e->len - *pos);
	l->start = *pos;
	l->end = nl ? (size_t)(nl - e->buf) + 1 : e->len;
	l->no++;
	*pos = l->end;
	return true;
}

/* The line's text without its '\n'. */
static size_t line_len(const struct edit *e, const struct line *l)
{
	size_t n = l->end - l->start;
	return n && e->buf[l->end - 1] == '\n' ? n - 1 : n;
}

/* Finds the entry with these keys; *found says whether there is one. */
static ntlm_status find(const struct edit *e, const char *dkey, const char *ukey, bool *found,
			struct line *at)
{
	struct ntlm_accounts_entry ent;
	struct line l = { 0, 0, 0 };
	size_t pos = text_start(e);

	*found = false;
	while (next_line(e, &pos, &l)) {
		bool is_entry = false;
		NTLM_TRY(ntlm_accounts_parse_line(e->buf + l.start, line_len(e, &l), &is_entry,
						  &ent));
		if (!is_entry)
			continue;
		/* public: names, not secrets */
		bool same = strcmp(ent.domain_key, dkey) == 0 && strcmp(ent.user_key, ukey) == 0;
		ntlm_accounts_entry_clear(&ent);
		if (same) {
			*found = true;
			*at = l;
			break;
		}
	}
	return NTLM_OK;
}

/* ---- writing --------------------------------------------------------------- */

static ntlm_status write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return NTLM_E_ACCOUNTS_FILE;
		p += w;
		n -= (size_t)w;
	}
	return NTLM_OK;
}

/* Flushes the directory entry of a rename; best effort (some file systems
 * refuse fsync on a directory, and the rename has happened either way). */
static void sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd;

	if (!slash)
		dir = suffixed(".", "");
	else if (slash == path)
		dir = suffixed("/", "");
	else {
		dir = malloc((size_t)(slash - path) + 1);
		if (dir) {
			memcpy(dir, path, (size_t)(slash - path));
			dir[slash - path] = '\0';
		}
	}
	if (!dir)
		return;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	free(dir);
}

/* Replaces the store with data[0..len) atomically. */
static ntlm_status write_store(const struct edit *e, const char *data, size_t len)
{
	char eb[128];
	char *tmp = suffixed(e->path, ".tmp.XXXXXX");
	mode_t mode = e->exists ? e->sb.st_mode & 07777 : 0600;
	ntlm_status st = NTLM_OK;
	int fd;

	if (!tmp)
		return ntlm_err(NTLM_E_NOMEM, "out of memory");
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		st = ntlm_err(NTLM_E_ACCOUNTS_FILE,
			      "%s: cannot create a temporary file beside it: %s", e->path,
			      strerror_r(errno, eb, sizeof(eb)));
		free(tmp);
		return st;
	}
	if (fchmod(fd, mode) != 0) {
		st = ntlm_err(NTLM_E_ACCOUNTS_FILE, "%s: cannot set mode %04o on %s: %s", e->path,
			      (unsigned)mode, tmp, strerror_r(errno, eb, sizeof(eb)));
		goto fail;
	}
	if (e->exists && (e->sb.st_uid != geteuid() || e->sb.st_gid != getegid()) &&
	    fchown(fd, e->sb.st_uid, e->sb.st_gid) != 0) {
		st = ntlm_err(NTLM_E_ACCOUNTS_FILE, "%s: cannot keep its owner %u:%u: %s", e->path,
			      (unsigned)e->sb.st_uid, (unsigned)e->sb.st_gid,
			      strerror_r(errno, eb, sizeof(eb)));
		goto fail;
	}
	if (write_all(fd, data, len) != NTLM_OK) {
		st = ntlm_err(NTLM_E_ACCOUNTS_FILE, "%s: cannot write %s: %s", e->path, tmp,
			      strerror_r(errno, eb, sizeof(eb)));
		goto fail;
	}
	if (fsync(fd) != 0) {
		st = ntlm_err(NTLM_E_ACCOUNTS_FILE, "%s: cannot sync %s: %s", e->path, tmp,
			      strerror_r(errno, eb, sizeof(eb)));
		goto fail;
	}
	if (close(fd) != 0) {
		fd = -1;
		st = ntlm_err(NTLM_E_ACCOUNTS_FILE, "%s: cannot write %s: %s", e->path, tmp,
			      strerror_r(errno, eb, sizeof(eb)));
		goto fail;
	}
	fd = -1;
	if (rename(tmp, e->path) != 0) {
		st = ntlm_err(NTLM_E_ACCOUNTS_FILE, "%s: cannot replace it with %s: %s", e->path,
			      tmp, strerror_r(errno, eb, sizeof(eb)));
		goto fail;
	}
	sync_dir(e->path);
	free(tmp);
	return NTLM_OK;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	return st;
}

/* ---- the edits ---------------------------------------------------------------- */

static void edit_done(struct edit *e)
{
	if (e->buf) {
		ntlm_crypto_wipe(e->buf, e->len);
		free(e->buf);
		e->buf = NULL;
	}
	if (e->lock_fd >= 0)
		close(e->lock_fd); /* releases the lock */
	e->lock_fd = -1;
}

/* The end of line the file uses: that of its first line, else "\n". */
static const char *eol_of(const struct edit *e)
{
	const char *nl = e->len ? memchr(e->buf, '\n', e->len) : NULL;
	return nl && nl > e->buf && nl[-1] == '\r' ? "\r\n" : "\n";
}

/* out = a[0..alen) b c[0..clen): the new text. Wiped by the caller. */
static ntlm_status join3(const char *a, size_t alen, const char *b, const char *c, size_t clen,
			 char **out, size_t *out_len)
{
	size_t blen = strlen(b), n = alen + blen + clen;
	char *p;

	if (n > NTLM_ACCOUNTS_FILE_MAX)
		return ntlm_err(NTLM_E_ACCOUNTS_FILE, "the store would be larger than %u MiB",
				NTLM_ACCOUNTS_FILE_MAX >> 20);
	p = malloc(n ? n : 1);
	if (!p)
		return ntlm_err(NTLM_E_NOMEM, "out of memory");
	if (alen)
		memcpy(p, a, alen);
	memcpy(p + alen, b, blen);
	if (clen)
		memcpy(p + alen + blen, c, clen);
	*out = p;
	*out_len = n;
	return NTLM_OK;
}

ntlm_status ntlm_accounts_edit_add(const char *path, const char *domain, const char *user,
				   const uint8_t nt_hash[16], unsigned flags)
{
	static const char hex[] = "0123456789abcdef";
	struct edit e = { path, -1, false, { 0 }, NULL, 0 };
	struct line at = { 0, 0, 0 };
	char text[2 * NTLM_ACCOUNTS_NAME_MAX + 48], hx[33], nm[300];
	char *dkey = NULL, *ukey = NULL, *nbuf = NULL;
	size_t nlen = 0;
	bool found = false;
	ntlm_status st;
	int w;

	if (!path || !domain || !user || !nt_hash)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "account add: NULL argument");
	NTLM_TRY(ntlm_accounts_edit_check_names(domain, user));
	NTLM_TRY_GOTO(st, keys(domain, user, &dkey, &ukey), out);
	NTLM_TRY_GOTO(st, probe(&e, false), out);
	NTLM_TRY_GOTO(st, lock_store(&e), out);
	NTLM_TRY_GOTO(st, read_store(&e, false, false), out);
	NTLM_TRY_GOTO(st, find(&e, dkey, ukey, &found, &at), out);
	if (found && !(flags & NTLM_ACCOUNTS_EDIT_REPLACE)) {
		st = ntlm_err(NTLM_E_INVALID_ARGUMENT,
			      "%s:%u: %s is already there (names compare case-insensitively); "
			      "replace it (--replace) to change its hash",
			      path, at.no, who(domain, user, nm, sizeof(nm)));
		goto out;
	}
	for (size_t i = 0; i < 16; i++) {
		hx[2 * i] = hex[nt_hash[i] >> 4];
		hx[2 * i + 1] = hex[nt_hash[i] & 15];
	}
	hx[32] = '\0';
	w = snprintf(text, sizeof(text), "%s:%s:%s%s", domain, user, hx, eol_of(&e));
	if (w < 0 || (size_t)w >= sizeof(text)) {
		st = ntlm_err(NTLM_E_INTERNAL, "account add: line does not fit");
		goto out;
	}
	if (found) /* the line in place of the old one */
		st = join3(e.buf, at.start, text, e.buf + at.end, e.len - at.end, &nbuf, &nlen);
	else if (e.len && e.buf[e.len - 1] != '\n') /* end the last line first */
		st = join3(e.buf, e.len, eol_of(&e), text, (size_t)w, &nbuf, &nlen);
	else
		st = join3(e.buf, e.len, text, "", 0, &nbuf, &nlen);
	if (st != NTLM_OK)
		goto out;
	st = write_store(&e, nbuf, nlen);
out:
	ntlm_crypto_wipe(text, sizeof(text));
	ntlm_crypto_wipe(hx, sizeof(hx));
	if (nbuf) {
		ntlm_crypto_wipe(nbuf, nlen);
		free(nbuf);
	}
	free(dkey);
	free(ukey);
	edit_done(&e);
	return st;
}

ntlm_status ntlm_accounts_edit_remove(const char *path, const char *domain, const char *user)
{
	struct edit e = { path, -1, false, { 0 }, NULL, 0 };
	struct line at = { 0, 0, 0 };
	char *dkey = NULL, *ukey = NULL, *nbuf = NULL, nm[300];
	size_t nlen = 0;
	bool found = false;
	ntlm_status st;

	if (!path || !domain || !user)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "account remove: NULL argument");
	NTLM_TRY_GOTO(st, keys(domain, user, &dkey, &ukey), out);
	NTLM_TRY_GOTO(st, probe(&e, true), out);
	NTLM_TRY_GOTO(st, lock_store(&e), out);
	NTLM_TRY_GOTO(st, read_store(&e, true, false), out);
	NTLM_TRY_GOTO(st, find(&e, dkey, ukey, &found, &at), out);
	if (!found) {
		st = ntlm_err(NTLM_E_NO_SUCH_USER, "%s: no entry for %s", path,
			      who(domain, user, nm, sizeof(nm)));
		goto out;
	}
	NTLM_TRY_GOTO(st, join3(e.buf, at.start, "", e.buf + at.end, e.len - at.end, &nbuf, &nlen),
		      out);
	st = write_store(&e, nbuf, nlen);
out:
	if (nbuf) {
		ntlm_crypto_wipe(nbuf, nlen);
		free(nbuf);
	}
	free(dkey);
	free(ukey);
	edit_done(&e);
	return st;
}

ntlm_status ntlm_accounts_edit_list(const char *path, char **out, size_t *count)
{
	struct edit e = { path, -1, false, { 0 }, NULL, 0 };
	struct ntlm_accounts_entry ent;
	struct line l = { 0, 0, 0 };
	size_t pos, cap, used = 0, n = 0;
	char *list = NULL;
	ntlm_status st;

	if (out)
		*out = NULL;
	if (count)
		*count = 0;
	if (!path || !out || !count)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "account list: NULL argument");
	/* No lock: a store is only ever replaced whole, so any read is consistent. */
	NTLM_TRY_GOTO(st, read_store(&e, true, true), out);
	/* Each name line is shorter than its file line: the file's size bounds it. */
	cap = e.len + 1;
	list = malloc(cap);
	if (!list) {
		st = ntlm_err(NTLM_E_NOMEM, "out of memory");
		goto out;
	}
	pos = text_start(&e);
	while (next_line(&e, &pos, &l)) {
		bool is_entry = false;
		NTLM_TRY_GOTO(st,
			      ntlm_accounts_parse_line(e.buf + l.start, line_len(&e, &l), &is_entry,
						       &ent),
			      out);
		if (!is_entry)
			continue;
		size_t ld = strlen(ent.acct.domain), lu = strlen(ent.acct.user);
		/* "d\u\n" < "d:u:<32 hex>" always. */
		if (ld) {
			memcpy(list + used, ent.acct.domain, ld);
			used += ld;
			list[used++] = '\\';
		}
		memcpy(list + used, ent.acct.user, lu);
		used += lu;
		list[used++] = '\n';
		n++;
		ntlm_accounts_entry_clear(&ent);
	}
	list[used] = '\0';
	*out = list;
	*count = n;
	list = NULL;
	st = NTLM_OK;
out:
	free(list);
	edit_done(&e);
	return st;
}
