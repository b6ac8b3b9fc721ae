/* SPDX-License-Identifier: MIT */
/*
 * `ntlm audit`: audit logs read through zlib (which reads plain files as
 * they are and gzip files decompressed), one record at a time, into
 * observations. The file's first bytes choose its format (the table
 * audit_input_formats); a record the format refuses is reported with
 * file:line and reading goes on.
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
/* Bytes read with no record accepted (a line with no end, blank or refused
 * lines: a decompression bomb, or not a log) before the file is given up. */
#define MAX_BARREN (256ull << 20)

struct reader {
	char path[4096];
	gzFile gz;
	char *buf; /* CHUNK + MAX_LINE */
	size_t start, end;
	unsigned long long total, good; /* bytes read; where the last record ended */
	bool eof;
	unsigned long line;
	bool sniffed;
	const struct input_format *format;
	void *state;
	char *scratch; /* READER_SCRATCH */
};

const struct input_format *const audit_input_formats[] = {
	&audit_format_ntlm_jsonl,   &audit_format_windows_xml,
	&audit_format_windows_evtx, &audit_format_journal_export,
	&audit_format_syslog,	    &audit_format_journal_json,
	&audit_format_zeek_tsv,	    &audit_format_zeek_json,
	&audit_format_samba_json,   NULL,
};

static const struct input_format *format_named(const char *name)
{
	for (size_t i = 0; audit_input_formats[i]; i++)
		if (strcmp(audit_input_formats[i]->name, name) == 0)
			return audit_input_formats[i];
	return NULL;
}

struct reader *reader_open(const char *path, const char *format, char *err, size_t err_len)
{
	const struct input_format *f = NULL;
	if (format && !(f = format_named(format))) {
		snprintf(err, err_len, "unknown format '%.40s'", format);
		return NULL;
	}
	struct reader *r = calloc(1, sizeof(*r));
	if (!r) {
		snprintf(err, err_len, "%s: out of memory", path);
		return NULL;
	}
	r->format = f;
	snprintf(r->path, sizeof(r->path), "%s", path);
	r->buf = malloc(CHUNK + MAX_LINE);
	r->scratch = malloc(READER_SCRATCH);
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
	if (r->format && r->format->close)
		r->format->close(r);
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

const char *reader_format(const struct reader *r)
{
	return r->sniffed && r->format ? r->format->name : NULL;
}

const char *reader_path(const struct reader *r)
{
	return r->path;
}

char *reader_scratch(struct reader *r, size_t *len)
{
	*len = READER_SCRATCH;
	return r->scratch;
}

void **reader_state(struct reader *r)
{
	return &r->state;
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
	r->total += (unsigned)n;
	return true;
}

/* Whether MAX_BARREN bytes went by since the last record (error in err). */
static bool barren(struct reader *r, char *err, size_t err_len)
{
	if (r->total - (r->end - r->start) - r->good < MAX_BARREN)
		return false;
	snprintf(err, err_len,
		 "%s:%lu: %llu MiB read with no record in them (a line with no end, or only "
		 "blank or refused lines): giving up on this file",
		 r->path, r->line + 1, MAX_BARREN >> 20);
	r->eof = true;
	return true;
}

/* The next line into *p, *n (without the newline): 1, 0 at the end, -1 for
 * an oversized line (skipped), -2 on a read error. */
int reader_next_line(struct reader *r, const char **p, size_t *n, char *err, size_t err_len)
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
		if (barren(r, err, err_len))
			return -2;
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

long reader_read(struct reader *r, void *buf, size_t n, char *err, size_t err_len)
{
	if (r->end > r->start) { /* what the sniff or a line read left */
		size_t k = r->end - r->start < n ? r->end - r->start : n;
		memcpy(buf, r->buf + r->start, k);
		r->start += k;
		return (long)k;
	}
	if (r->eof || n == 0)
		return 0;
	if (n > CHUNK)
		n = CHUNK;
	int got = gzread(r->gz, buf, (unsigned)n);
	if (got < 0) {
		int code;
		const char *m = gzerror(r->gz, &code);
		snprintf(err, err_len, "%s: read error: %s", r->path,
			 code == Z_ERRNO ? strerror(errno) : m);
		r->eof = true;
		return -1;
	}
	if (got == 0) {
		int code;
		const char *m = gzerror(r->gz, &code);
		r->eof = true;
		if (code != Z_OK && code != Z_BUF_ERROR) {
			snprintf(err, err_len, "%s: read error: %s", r->path, m);
			return -1;
		}
	}
	return got;
}

/* The '\n' bytes of p[0..n), counted as lines read. */
static void count_lines(struct reader *r, const char *p, size_t n)
{
	for (const char *q = p; (q = memchr(q, '\n', (size_t)(p + n - q))); q++)
		r->line++;
}

int reader_bytes(struct reader *r, unsigned long long n, const char **p, unsigned long long *got,
		 char *err, size_t err_len)
{
	int fatal = 0;

	*got = 0;
	if (p && n > MAX_LINE) {
		snprintf(err, err_len, "%s:%lu: %llu bytes asked at once", r->path, r->line + 1, n);
		return -2;
	}
	for (;;) {
		size_t have = r->end - r->start;
		if (!p) { /* skipping: what is there goes */
			size_t k = n - *got < have ? (size_t)(n - *got) : have;
			count_lines(r, r->buf + r->start, k);
			r->start += k;
			*got += k;
			have = 0;
		}
		if (p ? have >= n : *got == n)
			break;
		if (barren(r, err, err_len))
			return -2;
		if (!fill(r, err, err_len, &fatal)) {
			if (fatal)
				return -2;
			if (p) { /* the file ends first: what it holds is consumed */
				*got = r->end - r->start;
				count_lines(r, r->buf + r->start, (size_t)*got);
				r->start = r->end;
			}
			return 0;
		}
	}
	if (p) {
		*p = r->buf + r->start;
		count_lines(r, *p, (size_t)n);
		r->start += (size_t)n;
		*got = n;
	}
	return 1;
}

static bool blank_byte(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Skips the blank lines at the start, then reads until a whole first line
 * (or MAX_LINE bytes, or the end) is in the buffer, and picks the format.
 * 0: empty file, 1: a format, -2: none or a read error. */
static int sniff(struct reader *r, char *err, size_t err_len)
{
	int fatal = 0;

	for (;;) {
		while (r->start < r->end && blank_byte(r->buf[r->start])) {
			if (r->buf[r->start] == '\n')
				r->line++;
			r->start++;
		}
		bool whole =
			r->start < r->end && (memchr(r->buf + r->start, '\n', r->end - r->start) ||
					      r->end - r->start >= MAX_LINE);
		if (!whole && barren(r, err, err_len))
			return -2;
		if (whole || !fill(r, err, err_len, &fatal))
			break;
	}
	if (fatal)
		return -2;
	if (r->start == r->end)
		return 0;
	const char *p = r->buf + r->start;
	size_t n = r->end - r->start;
	if (r->format)
		return 1;
	for (size_t i = 0; audit_input_formats[i]; i++) {
		if (audit_input_formats[i]->sniff(p, n)) {
			r->format = audit_input_formats[i];
			return 1;
		}
	}
	size_t k = 0;
	while (k < n && k < 40 && p[k] != '\n')
		k++;
	char head[41 * 4 + 1];
	size_t h = 0;
	for (size_t j = 0; j < k; j++) { /* the first bytes, printable */
		unsigned char c = (unsigned char)p[j];
		if (c >= 0x20 && c < 0x7f && c != '\\')
			head[h++] = (char)c;
		else
			h += (size_t)snprintf(head + h, sizeof(head) - h, "\\x%02x", c);
	}
	head[h] = '\0';
	snprintf(err, err_len,
		 "%s:%lu: not a format ntlm audit reads (it starts \"%s\"; the formats "
		 "are listed in docs/audit.md \"Inputs\")",
		 r->path, r->line + 1, head);
	return -2;
}

int reader_detect(struct reader *r, char *err, size_t err_len)
{
	if (r->sniffed)
		return 1;
	int st = sniff(r, err, err_len);
	if (st == 1)
		r->sniffed = true;
	return st;
}

int reader_next(struct reader *r, struct obs *o, char *err, size_t err_len)
{
	const char *p;
	size_t n;
	char why[200];

	if (!r->sniffed) {
		int st = reader_detect(r, err, err_len);
		if (st <= 0)
			return st;
	}
	if (r->format->next) {
		int st = r->format->next(r, o, err, err_len);
		if (st == 1)
			r->good = r->total - (r->end - r->start);
		return st;
	}
	for (;;) {
		int st = reader_next_line(r, &p, &n, err, err_len);
		if (st <= 0)
			return st;
		size_t k = 0;
		while (k < n && (p[k] == ' ' || p[k] == '\t' || p[k] == '\r'))
			k++;
		if (k == n)
			continue; /* blank line */
		st = r->format->line(r, p, n, o, why, sizeof(why));
		if (st == 0) {
			/* a line of the log that holds no record (another
			 * program's syslog message, Samba's debug lines): the
			 * file is a log, not a bomb */
			r->good = r->total - (r->end - r->start);
			continue;
		}
		if (st < 0) {
			bool cut = r->eof && r->start == r->end && strncmp(why, "column", 6) == 0;
			snprintf(err, err_len, "%s:%lu: %s%s", r->path, r->line, why,
				 cut ? " (the last line: cut short?)" : "");
			return -1;
		}
		r->good = r->total - (r->end - r->start);
		return 1;
	}
}
