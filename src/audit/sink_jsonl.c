/* SPDX-License-Identifier: MIT */
/*
 * audit: the JSON Lines file sink. One object per line; each line (newline
 * included) goes out in a single write(2) on an O_APPEND descriptor, so lines
 * from several threads or processes sharing the file never interleave. A
 * record is written whole or not at all: a short write (disk full, file
 * size limit) is truncated away when nothing was appended after it, else
 * the next record starts with the newline that ends the cut line.
 *
 * Buffered (ntlm_audit_set_buffer): records that need not be known written
 * at once are kept, whole lines, and written together in one write(2) (the
 * same whole-or-nothing rule applies to the block): when the next one does
 * not fit, with the next record that must be written (which is then written
 * with everything kept before it, in order), at a flush, and at close. A
 * block that cannot be written loses its records: counted on the owner.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/sink.h"

struct jsonl {
	struct ntlm_audit_sink base;
	int fd;
	pthread_mutex_t lock; /* one record at a time from this process */
	bool cut;	      /* a record was cut and could not be removed */
	char *buf;	      /* cap + 1 bytes: [0] for put_record's newline, then records */
	size_t len, cap;      /* bytes kept (from buf + 1); 0 cap: no buffer */
	unsigned kept;	      /* records kept */
	char path[];	      /* for messages */
};

static const char *errstr(int e, char *buf, size_t len)
{
	return strerror_r(e, buf, len); /* the GNU form: returns the text */
}

/* Writes one whole record or, as far as this process can tell, nothing. */
static ntlm_status put_record(struct jsonl *j, char *line, size_t n)
{
	char eb[128];
	off_t before, end;
	ssize_t w;
	int e;

	/* A record cut earlier and left in the file: end its line first, in the
	 * same write, so this record starts on a line of its own. */
	if (j->cut) {
		line--;
		line[0] = '\n';
		n++;
	}
	before = lseek(j->fd, 0, SEEK_END);
	do {
		w = write(j->fd, line, n);
	} while (w < 0 && errno == EINTR);
	e = errno;
	if (w >= 0 && (size_t)w == n) {
		j->cut = false;
		return NTLM_OK;
	}
	if (w > 0) {
		/* Disk full (ENOSPC) or a size limit (EFBIG, RLIMIT_FSIZE): take the
		 * part back when nothing was appended after it; else the next record
		 * ends the cut line. */
		end = lseek(j->fd, 0, SEEK_END);
		if (before < 0 || end != before + w || ftruncate(j->fd, before) != 0)
			j->cut = true;
		return ntlm_err(NTLM_E_INTERNAL,
				"audit log %s: short write (%zd of %zu bytes); the record is lost",
				j->path, w, n);
	}
	return ntlm_err(NTLM_E_INTERNAL, "audit log %s: write: %s; the record is lost", j->path,
			errstr(w < 0 ? e : ENOSPC, eb, sizeof(eb)));
}

/* Under the lock: writes what is kept; its records are lost if that fails,
 * counted on the owner but for the last `counted` of them (the caller's). */
static ntlm_status flush_locked(struct jsonl *j, unsigned counted)
{
	ntlm_status st = NTLM_OK;

	if (j->len) {
		st = put_record(j, j->buf + 1, j->len);
		if (st != NTLM_OK)
			ntlm_audit_count_lost(j->base.owner, j->kept - counted,
					      ntlm_error_message());
	}
	j->len = 0;
	j->kept = 0;
	return st;
}

/* Under the lock: keeps line (n bytes, newline included), which fits. */
static void keep(struct jsonl *j, const char *line, size_t n)
{
	memcpy(j->buf + 1 + j->len, line, n);
	j->len += n;
	j->kept++;
}

static ntlm_status jsonl_emit(struct ntlm_audit_sink *s, const struct ntlm_audit_event *e,
			      bool must_write)
{
	struct jsonl *j = (struct jsonl *)s;
	/* [0]: room for a newline that ends a cut line; then the record and its
	 * newline. */
	char buf[NTLM_AUDIT_JSON_MAX + 1];
	char *line = buf + 1;
	ntlm_status st;
	size_t n;

	/* Room for the newline: render into all but the last byte. */
	NTLM_TRY(ntlm_audit_event_json(e, line, NTLM_AUDIT_JSON_MAX - 1));
	n = strlen(line);
	line[n++] = '\n';
	pthread_mutex_lock(&j->lock);
	if (!j->cap) {
		st = put_record(j, line, n);
	} else if (j->len + n <= j->cap) {
		keep(j, line, n);
		st = must_write ? flush_locked(j, 1) : NTLM_OK;
	} else {
		(void)flush_locked(j, 0); /* its losses are counted */
		if (!must_write && n <= j->cap) {
			keep(j, line, n);
			st = NTLM_OK;
		} else {
			st = put_record(j, line, n);
		}
	}
	pthread_mutex_unlock(&j->lock);
	return st;
}

static ntlm_status jsonl_flush(struct ntlm_audit_sink *s)
{
	struct jsonl *j = (struct jsonl *)s;
	pthread_mutex_lock(&j->lock);
	ntlm_status st = flush_locked(j, 0);
	pthread_mutex_unlock(&j->lock);
	return st;
}

static ntlm_status jsonl_set_buffer(struct ntlm_audit_sink *s, size_t bytes)
{
	struct jsonl *j = (struct jsonl *)s;
	char *p = NULL;

	if (bytes && !(p = malloc(bytes + 1)))
		return ntlm_err(NTLM_E_NOMEM, "out of memory");
	pthread_mutex_lock(&j->lock);
	(void)flush_locked(j, 0);
	free(j->buf);
	j->buf = p;
	j->cap = bytes;
	pthread_mutex_unlock(&j->lock);
	return NTLM_OK;
}

static void jsonl_close(struct ntlm_audit_sink *s)
{
	struct jsonl *j = (struct jsonl *)s;
	(void)jsonl_flush(s);
	close(j->fd);
	pthread_mutex_destroy(&j->lock);
	free(j->buf);
	free(j);
}

static const struct ntlm_audit_sink_ops jsonl_ops = {
	.kind = "jsonl",
	.emit = jsonl_emit,
	.close = jsonl_close,
	.set_buffer = jsonl_set_buffer,
	.flush = jsonl_flush,
};

ntlm_status ntlm_audit_sink_jsonl_open(const char *path, struct ntlm_audit_sink **out)
{
	size_t plen = strlen(path);
	struct jsonl *j;
	char eb[128];
	ntlm_status st = NTLM_OK;

	*out = NULL;
	j = malloc(sizeof(*j) + plen + 1);
	if (!j)
		return ntlm_err(NTLM_E_NOMEM, "out of memory");
	j->base.ops = &jsonl_ops;
	j->base.owner = NULL;
	j->cut = false;
	j->buf = NULL;
	j->len = j->cap = 0;
	j->kept = 0;
	memcpy(j->path, path, plen + 1);
	do {
		j->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
	} while (j->fd < 0 && errno == EINTR);
	if (j->fd < 0) {
		st = ntlm_err(NTLM_E_INVALID_ARGUMENT, "audit log %s: cannot open: %s", path,
			      errstr(errno, eb, sizeof(eb)));
		goto fail;
	}
	pthread_mutex_init(&j->lock, NULL);
	*out = &j->base;
	return NTLM_OK;
fail:
	free(j);
	return st;
}
