/* SPDX-License-Identifier: MIT */
/*
 * audit: the JSON Lines file sink. One object per line; each line (newline
 * included) goes out in a single write(2) on an O_APPEND descriptor, so lines
 * from several threads or processes sharing the file never interleave. A
 * record is written whole or not at all: a short write (disk full, file
 * size limit) is truncated away when nothing was appended after it, else
 * the next record starts with the newline that ends the cut line.
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

static ntlm_status jsonl_emit(struct ntlm_audit_sink *s, const struct ntlm_audit_event *e)
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
	st = put_record(j, line, n);
	pthread_mutex_unlock(&j->lock);
	return st;
}

static void jsonl_close(struct ntlm_audit_sink *s)
{
	struct jsonl *j = (struct jsonl *)s;
	close(j->fd);
	pthread_mutex_destroy(&j->lock);
	free(j);
}

static const struct ntlm_audit_sink_ops jsonl_ops = {
	.kind = "jsonl",
	.emit = jsonl_emit,
	.close = jsonl_close,
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
	j->cut = false;
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
