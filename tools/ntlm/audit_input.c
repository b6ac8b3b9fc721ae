/* SPDX-License-Identifier: MIT */
/*
 * `ntlm audit`: audit logs read through zlib (which reads plain files as
 * they are and gzip files decompressed), one record at a time, into
 * observations. The file's first bytes choose its format (the table
 * audit_input_formats); a record the format refuses is reported with
 * file:line and reading goes on.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "audit_input.h"
#include "audit_json.h"

#define CHUNK (1u << 20)
#define MAX_LINE (1u << 16) /* a record is at most 32 KiB (NTLM_AUDIT_JSON_MAX) */
/* Bytes read with no record accepted (a line with no end, blank or refused
 * lines: a decompression bomb, or not a log) before the file is given up. */
#define MAX_BARREN READER_BARREN_MAX

/* A gzip file inflated on a thread of its own (reader_inflate_apart): the
 * thread makes the very gzread() calls fill() would, CHUNK bytes each, into
 * PIPE_DEPTH buffers, and fill() takes them in turn. */
#define PIPE_DEPTH 2

struct piece {
	char *buf; /* MAX_LINE + CHUNK: the bytes at MAX_LINE */
	int n;	   /* what gzread returned */
	int code;  /* gzerror's code and message, errno, when n <= 0 */
	int errnum;
	char msg[200];
};

struct inflater {
	pthread_t th;
	pthread_mutex_t lock;
	pthread_cond_t more, room;
	struct piece q[PIPE_DEPTH];
	size_t head, count;
	bool stop;
	gzFile gz;
};

struct reader {
	char path[4096];
	gzFile gz;
	int fd;		       /* a range of a plain file (reader_open_range); else -1 */
	unsigned long long to; /* reading stops at this offset of the file (0: the end) */
	struct inflater *inf;  /* else gz read here */
	char *buf;	       /* CHUNK + MAX_LINE */
	size_t start, end;
	unsigned long long total, good; /* bytes read; where the last record ended */
	unsigned long long barren_max;
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
	r->fd = -1;
	r->barren_max = MAX_BARREN;
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

struct reader *reader_open_range(const char *path, const char *format, unsigned long long from,
				 char *err, size_t err_len)
{
	const struct input_format *f = format_named(format);
	struct reader *r = calloc(1, sizeof(*r));
	if (!r || !f) {
		snprintf(err, err_len, "%s: %s", path, r ? "unknown format" : "out of memory");
		free(r);
		return NULL;
	}
	r->format = f;
	r->sniffed = true;
	r->barren_max = MAX_BARREN;
	snprintf(r->path, sizeof(r->path), "%s", path);
	r->buf = malloc(CHUNK + MAX_LINE);
	r->scratch = malloc(READER_SCRATCH);
	errno = 0;
	r->fd = r->buf && r->scratch ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	if (r->fd < 0 || lseek(r->fd, (off_t)from, SEEK_SET) != (off_t)from) {
		snprintf(err, err_len, "%s: %s", path, errno ? strerror(errno) : "cannot open");
		reader_close(r);
		return NULL;
	}
	return r;
}

bool reader_stop_at(struct reader *r, unsigned long long to)
{
	if (r->inf || r->total > to)
		return false;
	r->to = to;
	return true;
}

void reader_barren_max(struct reader *r, unsigned long long max)
{
	r->barren_max = max;
}

bool reader_plain(struct reader *r)
{
	return r->fd >= 0 || (r->gz && gzdirect(r->gz) == 1);
}

unsigned long long reader_consumed(const struct reader *r)
{
	return r->total - (r->end - r->start);
}

unsigned long long reader_good(const struct reader *r)
{
	return r->good;
}

static void *inflate_apart(void *arg)
{
	struct inflater *f = arg;
	for (;;) {
		pthread_mutex_lock(&f->lock);
		while (f->count == PIPE_DEPTH && !f->stop)
			pthread_cond_wait(&f->room, &f->lock);
		if (f->stop) {
			pthread_mutex_unlock(&f->lock);
			return NULL;
		}
		struct piece *p = &f->q[(f->head + f->count) % PIPE_DEPTH];
		pthread_mutex_unlock(&f->lock);
		errno = 0;
		p->n = gzread(f->gz, p->buf + MAX_LINE, CHUNK);
		p->code = Z_OK;
		p->errnum = errno;
		p->msg[0] = '\0';
		if (p->n <= 0) {
			const char *m = gzerror(f->gz, &p->code);
			snprintf(p->msg, sizeof(p->msg), "%s", m);
		}
		pthread_mutex_lock(&f->lock);
		f->count++;
		pthread_cond_signal(&f->more);
		pthread_mutex_unlock(&f->lock);
		if (p->n <= 0)
			return NULL;
	}
}

bool reader_inflate_apart(struct reader *r)
{
	/* line formats only: reader_read() reads the file itself */
	if (!r->gz || r->inf || r->eof || !r->sniffed || !r->format->line || reader_plain(r))
		return false;
	struct inflater *f = calloc(1, sizeof(*f));
	if (!f)
		return false;
	size_t k = 0;
	for (; k < PIPE_DEPTH; k++)
		if (!(f->q[k].buf = malloc(CHUNK + MAX_LINE)))
			break;
	f->gz = r->gz;
	if (k < PIPE_DEPTH || pthread_mutex_init(&f->lock, NULL) != 0)
		goto fail;
	if (pthread_cond_init(&f->more, NULL) != 0)
		goto fail_lock;
	if (pthread_cond_init(&f->room, NULL) != 0)
		goto fail_more;
	if (pthread_create(&f->th, NULL, inflate_apart, f) != 0)
		goto fail_room;
	r->inf = f;
	return true;
fail_room:
	pthread_cond_destroy(&f->room);
fail_more:
	pthread_cond_destroy(&f->more);
fail_lock:
	pthread_mutex_destroy(&f->lock);
fail:
	for (size_t i = 0; i < PIPE_DEPTH; i++)
		free(f->q[i].buf);
	free(f);
	return false;
}

static void inflater_end(struct inflater *f)
{
	pthread_mutex_lock(&f->lock);
	f->stop = true;
	pthread_cond_signal(&f->room);
	pthread_mutex_unlock(&f->lock);
	pthread_join(f->th, NULL);
	pthread_cond_destroy(&f->room);
	pthread_cond_destroy(&f->more);
	pthread_mutex_destroy(&f->lock);
	for (size_t i = 0; i < PIPE_DEPTH; i++)
		free(f->q[i].buf);
	free(f);
}

void reader_close(struct reader *r)
{
	if (!r)
		return;
	if (r->format && r->format->close)
		r->format->close(r);
	if (r->inf)
		inflater_end(r->inf);
	if (r->gz)
		gzclose(r->gz);
	if (r->fd >= 0)
		close(r->fd);
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

/* The next piece the inflater made, in place of the bytes read: what is
 * unread moves in front of it; n, code, errno and message as gzread and
 * gzerror gave them. */
static int take_piece(struct reader *r, int *code, char msg[200])
{
	struct inflater *f = r->inf;
	pthread_mutex_lock(&f->lock);
	while (f->count == 0)
		pthread_cond_wait(&f->more, &f->lock);
	struct piece *p = &f->q[f->head];
	pthread_mutex_unlock(&f->lock);
	int n = p->n;
	*code = p->code;
	errno = p->errnum;
	if (n > 0) { /* the unread bytes are at most MAX_LINE (reader_next_line, sniff) */
		size_t left = r->end - r->start;
		memcpy(p->buf + MAX_LINE - left, r->buf + r->start, left);
		char *b = r->buf;
		r->buf = p->buf;
		p->buf = b;
		r->start = MAX_LINE - left;
		r->end = MAX_LINE + (size_t)n;
	} else {
		memcpy(msg, p->msg, sizeof(p->msg));
	}
	pthread_mutex_lock(&f->lock);
	f->head = (f->head + 1) % PIPE_DEPTH;
	f->count--;
	pthread_cond_signal(&f->room);
	pthread_mutex_unlock(&f->lock);
	return n;
}

/* A range of a plain file: up to n bytes at buf. */
static int read_range(struct reader *r, char *buf, size_t n, int *code, const char **msg)
{
	size_t got = 0;
	*code = Z_OK;
	*msg = "";
	while (got < n) {
		ssize_t k = read(r->fd, buf + got, n - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			*code = Z_ERRNO;
			return -1;
		}
		if (k == 0)
			break;
		got += (size_t)k;
	}
	return (int)got;
}

/* More bytes after the unread ones; false at the end or on an error. */
static bool fill(struct reader *r, char *err, size_t err_len, int *fatal)
{
	if (r->eof)
		return false;
	if (r->inf) {
		int code;
		char m[200];
		int n = take_piece(r, &code, m);
		if (n > 0) {
			r->total += (unsigned)n;
			return true;
		}
		if (n < 0 || (code != Z_OK && code != Z_BUF_ERROR)) {
			snprintf(err, err_len, "%s:%lu: read error: %s", r->path, r->line + 1,
				 n < 0 && code == Z_ERRNO ? strerror(errno) : m);
			*fatal = 1;
		}
		r->eof = true;
		return false;
	}
	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	size_t room = CHUNK + MAX_LINE - r->end;
	if (room > CHUNK)
		room = CHUNK;
	if (r->to && room > r->to - r->total)
		room = (size_t)(r->to - r->total);
	int code;
	const char *m;
	int n = r->fd >= 0 ? read_range(r, r->buf + r->end, room, &code, &m)
		: room	   ? gzread(r->gz, r->buf + r->end, (unsigned)room)
			   : 0;
	if (n < 0) {
		if (r->fd < 0)
			m = gzerror(r->gz, &code);
		snprintf(err, err_len, "%s:%lu: read error: %s", r->path, r->line + 1,
			 code == Z_ERRNO ? strerror(errno) : m);
		*fatal = 1;
		r->eof = true;
		return false;
	}
	if (n == 0) {
		if (r->fd < 0 && room)
			m = gzerror(r->gz, &code);
		else
			code = Z_OK;
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
	if (r->total - (r->end - r->start) - r->good < r->barren_max)
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
		/* more than MAX_LINE bytes with no newline: wherever the
		 * buffer happens to end, a line of MAX_LINE bytes is read */
		if (r->end - r->start > MAX_LINE) {
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
