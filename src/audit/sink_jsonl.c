/* SPDX-License-Identifier: MIT */
/*
 * audit: the JSON Lines file sink. One object per line; each line (newline
 * included) goes out in a single write(2) on an O_APPEND descriptor, so lines
 * from several threads or processes sharing the file never interleave.
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
	char path[]; /* for messages */
};

static const char *errstr(int e, char *buf, size_t len)
{
	return strerror_r(e, buf, len); /* the GNU form: returns the text */
}

static ntlm_status jsonl_emit(struct ntlm_audit_sink *s, const struct ntlm_audit_event *e)
{
	struct jsonl *j = (struct jsonl *)s;
	char line[NTLM_AUDIT_JSON_MAX];
	char eb[128];
	size_t n;
	ssize_t w;

	/* Room for the newline: render into all but the last byte. */
	NTLM_TRY(ntlm_audit_event_json(e, line, sizeof(line) - 1));
	n = strlen(line);
	line[n++] = '\n';
	do {
		w = write(j->fd, line, n);
	} while (w < 0 && errno == EINTR);
	if (w < 0)
		return ntlm_err(NTLM_E_INTERNAL, "audit log %s: write: %s", j->path,
				errstr(errno, eb, sizeof(eb)));
	if ((size_t)w != n) {
		/* Disk full or a size limit: end the cut line so the lines after
		 * it still parse, and report the loss. */
		ssize_t ignored = write(j->fd, "\n", 1);
		(void)ignored;
		return ntlm_err(NTLM_E_INTERNAL, "audit log %s: short write (%zd of %zu bytes)",
				j->path, w, n);
	}
	return NTLM_OK;
}

static void jsonl_close(struct ntlm_audit_sink *s)
{
	struct jsonl *j = (struct jsonl *)s;
	close(j->fd);
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
	memcpy(j->path, path, plen + 1);
	do {
		j->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
	} while (j->fd < 0 && errno == EINTR);
	if (j->fd < 0) {
		st = ntlm_err(NTLM_E_INVALID_ARGUMENT, "audit log %s: cannot open: %s", path,
			      errstr(errno, eb, sizeof(eb)));
		goto fail;
	}
	*out = &j->base;
	return NTLM_OK;
fail:
	free(j);
	return st;
}
