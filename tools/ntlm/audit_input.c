/* SPDX-License-Identifier: MIT */
/*
 * `ntlm audit`: our JSON Lines audit records (docs/audit-events.md) read,
 * one line at a time, through zlib (which reads plain files as they are and
 * gzip files decompressed), into observations. Each line is checked by the
 * strict reader of audit_json.c; a line that is not a record is refused
 * with file:line and reading goes on.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "audit_input.h"
#include "audit_json.h"

#define CHUNK (1u << 20)
#define MAX_LINE (1u << 16) /* a record is at most 32 KiB (NTLM_AUDIT_JSON_MAX) */

struct reader {
	char path[4096];
	gzFile gz;
	char *buf; /* CHUNK + MAX_LINE */
	size_t start, end;
	bool eof;
	unsigned long line;
	bool sniffed;
	char *scratch; /* MAX_LINE + 1 */
	struct aj_object obj;
};

struct reader *reader_open(const char *path, char *err, size_t err_len)
{
	struct reader *r = calloc(1, sizeof(*r));
	if (!r) {
		snprintf(err, err_len, "%s: out of memory", path);
		return NULL;
	}
	snprintf(r->path, sizeof(r->path), "%s", path);
	r->buf = malloc(CHUNK + MAX_LINE);
	r->scratch = malloc(MAX_LINE + 1);
	errno = 0;
	r->gz = r->buf && r->scratch ? gzopen(path, "rb") : NULL;
	if (!r->gz) {
		snprintf(err, err_len, "%s: %s", path, errno ? strerror(errno) : "cannot open");
		reader_close(r);
		return NULL;
	}
	gzbuffer(r->gz, 256u << 10);
	return r;
}

void reader_close(struct reader *r)
{
	if (!r)
		return;
	if (r->gz)
		gzclose(r->gz);
	free(r->buf);
	free(r->scratch);
	free(r);
}

unsigned long reader_line(const struct reader *r)
{
	return r->line;
}

/* More bytes after the unread ones; false at the end or on an error. */
static bool fill(struct reader *r, char *err, size_t err_len, int *fatal)
{
	if (r->eof)
		return false;
	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	size_t room = CHUNK + MAX_LINE - r->end;
	if (room > CHUNK)
		room = CHUNK;
	int n = gzread(r->gz, r->buf + r->end, (unsigned)room);
	if (n < 0) {
		int code;
		const char *m = gzerror(r->gz, &code);
		snprintf(err, err_len, "%s:%lu: read error: %s", r->path, r->line + 1,
			 code == Z_ERRNO ? strerror(errno) : m);
		*fatal = 1;
		r->eof = true;
		return false;
	}
	if (n == 0) {
		int code;
		const char *m = gzerror(r->gz, &code);
		if (code != Z_OK && code != Z_BUF_ERROR) {
			snprintf(err, err_len, "%s:%lu: read error: %s", r->path, r->line + 1, m);
			*fatal = 1;
		}
		r->eof = true;
		return false;
	}
	r->end += (size_t)n;
	return true;
}

/* The next line into *p, *n (without the newline): 1, 0 at the end, -1 for
 * an oversized line (skipped), -2 on a read error. */
static int next_line(struct reader *r, const char **p, size_t *n, char *err, size_t err_len)
{
	bool skipping = false;
	int fatal = 0;

	for (;;) {
		char *nl = memchr(r->buf + r->start, '\n', r->end - r->start);
		if (nl) {
			size_t len = (size_t)(nl - (r->buf + r->start));
			const char *s = r->buf + r->start;
			r->start += len + 1;
			r->line++;
			if (skipping) {
				snprintf(err, err_len, "%s:%lu: line longer than %u bytes", r->path,
					 r->line, MAX_LINE);
				return -1;
			}
			if (len > MAX_LINE) {
				snprintf(err, err_len, "%s:%lu: line longer than %u bytes", r->path,
					 r->line, MAX_LINE);
				return -1;
			}
			*p = s;
			*n = len;
			return 1;
		}
		if (r->end - r->start >= MAX_LINE) {
			skipping = true; /* drop what we have, keep looking for its end */
			r->start = r->end;
		}
		if (!fill(r, err, err_len, &fatal)) {
			if (fatal)
				return -2;
			if (skipping) {
				r->line++;
				snprintf(err, err_len, "%s:%lu: line longer than %u bytes", r->path,
					 r->line, MAX_LINE);
				return -1;
			}
			if (r->end > r->start) { /* a last line without a newline */
				*p = r->buf + r->start;
				*n = r->end - r->start;
				r->start = r->end;
				r->line++;
				return 1;
			}
			return 0;
		}
	}
}

int reader_next(struct reader *r, struct obs *o, char *err, size_t err_len)
{
	const char *p;
	size_t n;
	char why[200];

	for (;;) {
		int st = next_line(r, &p, &n, err, err_len);
		if (st <= 0)
			return st;
		size_t k = 0;
		while (k < n && (p[k] == ' ' || p[k] == '\t' || p[k] == '\r'))
			k++;
		if (k == n)
			continue; /* blank line */
		if (!r->sniffed) {
			r->sniffed = true;
			if (p[k] != '{') {
				snprintf(err, err_len,
					 "%s:%lu: not a format ntlm audit reads (JSON Lines of "
					 "audit records, plain or gzip)",
					 r->path, r->line);
				return -2;
			}
		}
		if (!audit_record_parse(p, n, r->scratch, MAX_LINE + 1, &r->obj, o, why,
					sizeof(why))) {
			bool cut = r->eof && r->start == r->end && strncmp(why, "column", 6) == 0;
			snprintf(err, err_len, "%s:%lu: %s%s", r->path, r->line, why,
				 cut ? " (the last line: cut short?)" : "");
			return -1;
		}
		return 1;
	}
}
