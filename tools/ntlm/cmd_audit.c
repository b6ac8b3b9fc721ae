/* SPDX-License-Identifier: MIT */
/*
 * ntlm audit: who still uses NTLM (report), what a candidate policy would
 * break (simulate), through the library's own decision function
 * (ntlm_policy_decide). Streaming: records are folded into cells, one per
 * distinct flow (and, for simulate, per distinct set of decision facts), so
 * memory follows the number of flows, not of records. docs/audit.md.
 */
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audit_input.h"
#include "ntlmssp/unstable.h"
#include "tool.h"

#define MAX_CELLS (4u << 20) /* distinct flows (x fact sets) before we give up */
#define MAX_SHOWN_ERRORS 20

enum fmt { FMT_TABLE = 0, FMT_JSON, FMT_CSV, FMT_HTML };

#define N_CLASSES 7
/* NTLM use over time (report): exchanges per hour of their time and class.
 * At most MAX_BUCKETS hours (7 years) are kept; the exchanges of a later
 * hour, or with no time of the form YYYY-MM-DDTHH, are counted apart. */
#define MAX_BUCKETS (1u << 16)

struct bucket {
	int64_t hour; /* hours since 1970-01-01T00 */
	uint64_t n[N_CLASSES];
};

struct series {
	struct bucket *b; /* open addressing on hour */
	size_t cap, n;
	uint64_t untimed, dropped;
	char last_t[13]; /* the last time's "YYYY-MM-DDTHH" and its hour */
	int64_t last_h;
};

struct cell {
	char *key;	 /* flow key, then (simulate) the facts; fields split by '\x1f' */
	size_t flow_len; /* bytes of key that name the flow */
	size_t key_len;
	uint64_t hash;
	int incoming, machine, anonymous;
	uint64_t n, oc[OC_COUNT];
	char first[41], last[41];
	/* decision facts (simulate) */
	struct ntlm_observation o;
	char *target; /* the target as given (client side), owned */
	char *resp;   /* owned */
	struct ntlm_decision cand, cur;
	char *host;	       /* outgoing: the target's host as the library parsed it */
	uint64_t send_blocked; /* outgoing: refused by RestrictSendingNTLMTraffic (4001) */
	uint32_t born;	       /* the range of the file its first record is in (read_split) */
};

struct table {
	struct cell **slots;
	size_t cap, n;
};

struct run {
	const struct tool_cmd *cmd;
	enum fmt fmt;
	bool excl_anon, excl_machine, facts;
	const char *format; /* NULL: detected per file */
	const char *const *files;
	size_t n_files;
	const char **formats; /* each file's format, as read (NULL: none) */
	size_t threads;	      /* reading threads (--threads) */
	uint32_t range;	      /* the range of the file being read (read_split) */
	uint64_t records, refused, exchanges, other, excl_anon_n, excl_machine_n;
	struct table t;
	bool want_series;
	struct series s;
	char *keybuf;
	size_t keycap;
};

/* The flow key's hash: 8 bytes at a time, mixed. */
static uint64_t key_hash(const char *s, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ n, v;
	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&v, s, 8);
		h = (h ^ v) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	v = 0;
	memcpy(&v, s, n);
	h = (h ^ v) * 0xc4ceb9fe1a85ec53ull;
	return h ^ (h >> 29);
}

static void grow(struct run *r)
{
	size_t cap = r->t.cap ? r->t.cap * 2 : 1024;
	struct cell **s = calloc(cap, sizeof(*s));
	if (!s)
		die(r->cmd, "out of memory (%zu flows)", r->t.n);
	for (size_t i = 0; i < r->t.cap; i++) {
		struct cell *c = r->t.slots[i];
		if (!c)
			continue;
		size_t j = c->hash & (cap - 1);
		while (s[j])
			j = (j + 1) & (cap - 1);
		s[j] = c;
	}
	free(r->t.slots);
	r->t.slots = s;
	r->t.cap = cap;
}

static void key_room(struct run *r, size_t need)
{
	if (need <= r->keycap)
		return;
	r->keycap = need * 2;
	r->keybuf = realloc(r->keybuf, r->keycap);
	if (!r->keybuf)
		die(r->cmd, "out of memory");
}

/* Appends s[0..n) to the field of the key that starts at mark, which holds
 * at most max bytes (what does not fit is cut, as it always was). */
static void key_put(struct run *r, size_t *len, size_t mark, size_t max, const char *s, size_t n)
{
	size_t used = *len - mark;
	if (used >= max)
		return;
	if (n > max - used)
		n = max - used;
	key_room(r, *len + n + 2);
	memcpy(r->keybuf + *len, s, n);
	*len += n;
}

/* Ends the field: the separator. */
static void key_end(struct run *r, size_t *len)
{
	key_room(r, *len + 2);
	r->keybuf[(*len)++] = '\x1f';
	r->keybuf[*len] = '\0';
}

static void key_add(struct run *r, size_t *len, const char *s)
{
	if (s)
		key_put(r, len, *len, SIZE_MAX, s, strlen(s));
	key_end(r, len);
}

/* "host" of "host:port" / "[v6]:port": where it starts and its length. */
static const char *peer_host(const char *peer, size_t *n)
{
	*n = 0;
	if (!peer || !peer[0])
		return "";
	if (peer[0] == '[') {
		const char *e = strchr(peer, ']');
		*n = e ? (size_t)(e - peer - 1) : 0;
		return peer + 1;
	}
	const char *c = strchr(peer, ':');
	*n = c && !strchr(c + 1, ':') ? (size_t)(c - peer) : strlen(peer);
	return peer;
}

/* Where the cell of this key is, or goes (NULL there). */
static struct cell **cell_slot(struct run *r, uint64_t h, const char *key, size_t len)
{
	if (r->t.n * 2 >= r->t.cap)
		grow(r);
	size_t j = h & (r->t.cap - 1);
	struct cell *c;
	while ((c = r->t.slots[j]) != NULL) {
		if (c->hash == h && c->key_len == len && memcmp(c->key, key, len) == 0)
			break;
		j = (j + 1) & (r->t.cap - 1);
	}
	return &r->t.slots[j];
}

static void fold(struct run *r, const struct obs *o)
{
	size_t len = 0, mark;

	key_add(r, &len, o->incoming ? "in" : "out");
	/* the client (as "%s (%s)" into 400 bytes once was) */
	mark = len;
	if (o->incoming) {
		size_t hn;
		const char *host = peer_host(o->peer, &hn);
		size_t wn = o->workstation ? strlen(o->workstation) : 0;
		hn = hn > 127 ? 127 : hn;
		if (wn && hn) {
			key_put(r, &len, mark, 399, o->workstation, wn);
			key_put(r, &len, mark, 399, " (", 2);
			key_put(r, &len, mark, 399, host, hn);
			key_put(r, &len, mark, 399, ")", 1);
		} else if (wn) {
			key_put(r, &len, mark, 399, o->workstation, wn);
		} else if (hn) {
			key_put(r, &len, mark, 399, host, hn);
		} else {
			key_put(r, &len, mark, 399, "-", 1);
		}
	} else {
		const char *exe = o->process_exe && o->process_exe[0] ? o->process_exe : "-";
		key_put(r, &len, mark, 399, exe, strlen(exe));
	}
	key_end(r, &len);
	/* the account (into 300 bytes) */
	mark = len;
	if (o->anonymous) {
		key_put(r, &len, mark, 299, "(anonymous)", 11);
	} else if (o->user && o->user[0]) {
		if (o->domain && o->domain[0]) {
			key_put(r, &len, mark, 299, o->domain, strlen(o->domain));
			key_put(r, &len, mark, 299, "\\", 1);
		}
		key_put(r, &len, mark, 299, o->user, strlen(o->user));
	} else {
		key_put(r, &len, mark, 299, "-", 1);
	}
	key_end(r, &len);
	const char *target =
		o->incoming && o->target_name && o->target_name[0] ? o->target_name : o->target;
	key_add(r, &len, target && target[0] ? target : "-");
	key_add(r, &len, o->response_type ? o->response_type : "none");
	size_t flow_len = len;
	if (r->facts) {
		char f[96];
		snprintf(f, sizeof(f), "%d:%08x:%d:%08x:%d:%d:%d", o->has_offered, o->offered,
			 o->has_flags, o->flags, o->mic, o->channel_bindings, o->domain_account);
		key_add(r, &len, f);
		key_add(r, &len, o->target); /* client: the target as given */
	}
	uint64_t h = key_hash(r->keybuf, len);
	struct cell **slot = cell_slot(r, h, r->keybuf, len);
	struct cell *c = *slot;
	if (!c) {
		if (r->t.n >= MAX_CELLS)
			die(r->cmd, "more than %u distinct flows: refusing to grow further",
			    MAX_CELLS);
		c = calloc(1, sizeof(*c));
		if (!c || !(c->key = strdup(r->keybuf)))
			die(r->cmd, "out of memory (%zu flows)", r->t.n);
		c->flow_len = flow_len;
		c->key_len = len;
		c->hash = h;
		c->born = r->range;
		c->incoming = o->incoming;
		c->machine = o->machine;
		c->anonymous = o->anonymous;
		if (r->facts) {
			c->o.incoming = o->incoming;
			c->o.has_offered = o->has_offered;
			c->o.offered = o->offered;
			c->o.has_flags = o->has_flags;
			c->o.flags = o->flags;
			c->o.mic = o->mic;
			c->o.channel_bindings = o->channel_bindings;
			c->o.domain_account = o->domain_account;
			if (!o->incoming && o->target && !(c->target = strdup(o->target)))
				die(r->cmd, "out of memory");
			if (o->response_type && !(c->resp = strdup(o->response_type)))
				die(r->cmd, "out of memory");
			c->o.target = c->target;
			c->o.response_type = c->resp;
		}
		if (!o->incoming && o->target_host && !(c->host = strdup(o->target_host)))
			die(r->cmd, "out of memory");
		*slot = c;
		r->t.n++;
	}
	if (o->event == 4001)
		c->send_blocked++;
	c->n++;
	c->oc[o->outcome]++;
	if (o->time) { /* at most 40 bytes (audit_record.c) */
		size_t tn = strnlen(o->time, sizeof(c->first) - 1);
		if (!c->first[0] || strcmp(o->time, c->first) < 0) {
			memcpy(c->first, o->time, tn);
			c->first[tn] = '\0';
		}
		if (strcmp(o->time, c->last) > 0) {
			memcpy(c->last, o->time, tn);
			c->last[tn] = '\0';
		}
	}
}

/* "unknown": the log does not say which response was sent (Zeek) */
static const char *const classes[N_CLASSES] = { "LM",	     "NTLMv1", "NTLMv1-ESS", "NTLMv2",
						"anonymous", "none",   "unknown" };

/* ---- NTLM use over time -------------------------------------------------- */

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; eras of 400 years). */
static int64_t days_from_ymd(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void ymd_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* The hour of "YYYY-MM-DDTHH..." (as written: UTC in our records), -1 if
 * the time does not start so. */
static int64_t time_hour(const char *t)
{
	static const char shape[] = "dddd-dd-ddTdd";
	unsigned v[5] = { 0 };
	int k = 0;
	if (!t)
		return -1;
	for (size_t i = 0; i < sizeof(shape) - 1; i++) {
		if (shape[i] != 'd') {
			if (t[i] != shape[i] && !(shape[i] == 'T' && t[i] == ' '))
				return -1;
			k++;
			continue;
		}
		if (t[i] < '0' || t[i] > '9')
			return -1;
		v[k] = v[k] * 10 + (unsigned)(t[i] - '0');
	}
	if (v[0] < 1970 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23)
		return -1;
	return days_from_ymd(v[0], v[1], v[2]) * 24 + v[3];
}

static int class_index(const char *resp)
{
	if (resp && strcmp(resp, "NTLMv2") == 0) /* by far the most */
		return 3;
	for (int c = 0; c < N_CLASSES; c++)
		if (strcmp(resp ? resp : "none", classes[c]) == 0)
			return c;
	return -1;
}

static struct bucket *series_bucket(struct run *r, int64_t h);

static void series_add(struct run *r, const struct obs *o)
{
	struct series *s = &r->s;
	int c = class_index(o->response_type); /* as the flows' class */
	if (c < 0)
		return; /* a class the report does not count */
	int64_t h;
	if (o->time && s->last_h > 0 && strncmp(o->time, s->last_t, sizeof(s->last_t)) == 0) {
		h = s->last_h; /* records come in time order: mostly the same hour */
	} else {
		h = time_hour(o->time);
		if (h > 0) {
			memcpy(s->last_t, o->time, sizeof(s->last_t));
			s->last_h = h;
		}
	}
	if (h < 0) {
		s->untimed++;
		return;
	}
	struct bucket *b = series_bucket(r, h);
	if (b)
		b->n[c]++;
	else
		s->dropped++;
}

/* The bucket of hour h, made if need be; NULL past MAX_BUCKETS hours. */
static struct bucket *series_bucket(struct run *r, int64_t h)
{
	struct series *s = &r->s;
	if (s->n * 2 >= s->cap) {
		if (s->n >= MAX_BUCKETS) {
			size_t j =
				(size_t)((uint64_t)h * 0x9e3779b97f4a7c15ull >> 40) & (s->cap - 1);
			while (s->b[j].hour != -1 && s->b[j].hour != h)
				j = (j + 1) & (s->cap - 1);
			return s->b[j].hour == -1 ? NULL : &s->b[j];
		}
		size_t cap = s->cap ? s->cap * 2 : 256;
		struct bucket *b = malloc(cap * sizeof(*b));
		if (!b)
			die(r->cmd, "out of memory");
		for (size_t i = 0; i < cap; i++)
			b[i].hour = -1;
		for (size_t i = 0; i < s->cap; i++) {
			if (s->b[i].hour == -1)
				continue;
			size_t j = (size_t)((uint64_t)s->b[i].hour * 0x9e3779b97f4a7c15ull >> 40) &
				   (cap - 1);
			while (b[j].hour != -1)
				j = (j + 1) & (cap - 1);
			b[j] = s->b[i];
		}
		free(s->b);
		s->b = b;
		s->cap = cap;
	}
	size_t j = (size_t)((uint64_t)h * 0x9e3779b97f4a7c15ull >> 40) & (s->cap - 1);
	while (s->b[j].hour != -1 && s->b[j].hour != h)
		j = (j + 1) & (s->cap - 1);
	if (s->b[j].hour == -1) {
		memset(&s->b[j], 0, sizeof(s->b[j]));
		s->b[j].hour = h;
		s->n++;
	}
	return &s->b[j];
}

static int cmp_bucket(const void *a, const void *b)
{
	const struct bucket *x = a, *y = b;
	return (x->hour > y->hour) - (x->hour < y->hour);
}

/* The buckets in time order: hours when they span at most 72 hours, else
 * days (hour = the day's first hour). *step: 1 or 24. Caller frees. */
static struct bucket *series_points(struct run *r, size_t *n, int *step)
{
	struct series *s = &r->s;
	struct bucket *p = calloc(s->n + 1, sizeof(*p));
	size_t k = 0;
	if (!p)
		die(r->cmd, "out of memory");
	for (size_t i = 0; i < s->cap; i++)
		if (s->b[i].hour != -1)
			p[k++] = s->b[i];
	qsort(p, k, sizeof(*p), cmp_bucket);
	*step = k && p[k - 1].hour - p[0].hour >= 72 ? 24 : 1;
	if (*step == 24) {
		size_t m = 0;
		for (size_t i = 0; i < k; i++) {
			int64_t day = p[i].hour >= 0 ? p[i].hour / 24 * 24 : p[i].hour;
			if (m && p[m - 1].hour == day) {
				for (int c = 0; c < N_CLASSES; c++)
					p[m - 1].n[c] += p[i].n[c];
				continue;
			}
			p[m] = p[i];
			p[m].hour = day;
			m++;
		}
		k = m;
	}
	*n = k;
	return p;
}

#define BUCKET_NAME 64
static void bucket_name(int64_t hour, int step, char out[BUCKET_NAME])
{
	const size_t len = BUCKET_NAME;
	int64_t y;
	unsigned m, d;
	ymd_from_days(hour / 24, &y, &m, &d);
	if (step == 24)
		snprintf(out, len, "%04lld-%02u-%02u", (long long)y, m, d);
	else
		snprintf(out, len, "%04lld-%02u-%02uT%02u", (long long)y, m, d,
			 (unsigned)(hour % 24));
}

/* Progress on a terminal (stderr a tty): records read and the rate, at
 * most once a second; nothing when stderr is a file or a pipe. */
struct progress {
	bool on, shown;
	struct timespec start, last;
};

static double seconds(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void progress_tick(struct progress *p, uint64_t records, bool done)
{
	struct timespec now;
	if (!p->on)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (done) {
		if (p->shown)
			fputs("\r\033[K", stderr);
		return;
	}
	if (seconds(&p->last, &now) < 1.0)
		return;
	p->last = now;
	double t = seconds(&p->start, &now);
	fprintf(stderr, "\r\033[Kntlm audit: %llu records, %.0f records/s",
		(unsigned long long)records, t > 0 ? (double)records / t : 0.0);
	p->shown = true;
}

/* Several files are read on several threads (--threads, the CPUs by
 * default), a file at a time each; one file is read on several threads too:
 * a plain file cut at line starts into ranges, a gzip file inflated on a
 * thread of its own (audit_input.h). Each thread folds into cells of its
 * own, merged at the end: the output does not depend on it. What the
 * threads share: */
/* Several files on several threads: what a file says on stderr while an
 * earlier one is still being read waits here, to be said in the files'
 * order (as one thread would say it). */
struct said {
	size_t n;
	char *msg[MAX_SHOWN_ERRORS + 1]; /* the first refusals, and a last word */
	bool always[MAX_SHOWN_ERRORS + 1];
	bool done;
};

struct shared {
	pthread_mutex_t lock;  /* stderr, next, shown, turn, said */
	pthread_cond_t turned; /* turn moved */
	size_t turn;	       /* the file that says its refusals as they come */
	struct said *said;     /* per file; NULL: one file at a time */
	size_t n_files;
	const struct tool_cmd *cmd;
	pthread_mutex_t serial; /* held while a file of another format is read */
	size_t next;		/* the next file to read */
	uint64_t shown;		/* refusals shown */
	uint64_t mute;		/* refusals already shown by a split given up */
	unsigned per_file;	/* threads for one file */
	_Atomic uint64_t records;
	struct progress pg;
};

#define MAX_READ_THREADS 64
/* A plain file is cut into ranges of at least this much. */
#define SPLIT_MIN (4u << 20)
/* Bytes with no record after which a range gives up: a margin under the
 * 256 MiB of one reader, so that a file the one reader gives up on is
 * read again by it whole (read_split). */
#define SPLIT_BARREN (READER_BARREN_MAX - (4ull << 20))

static void say_locked(struct shared *sh, const char *err, bool always)
{
	if (always || sh->shown++ < MAX_SHOWN_ERRORS) {
		if (!always && sh->mute)
			sh->mute--; /* shown already */
		else
			fprintf(stderr, "ntlm audit: %s\n", err);
	}
}

static void say(struct shared *sh, const char *err, bool always)
{
	pthread_mutex_lock(&sh->lock);
	say_locked(sh, err, always);
	pthread_mutex_unlock(&sh->lock);
}

/* A refusal of file f: said now if it is f's turn, else kept for it (the
 * first MAX_SHOWN_ERRORS: no more could be shown). */
static void say_file(struct shared *sh, size_t f, const char *err, bool always)
{
	pthread_mutex_lock(&sh->lock);
	struct said *s = sh->said && f != sh->turn ? &sh->said[f] : NULL;
	if (!s) {
		say_locked(sh, err, always);
	} else if (s->n < MAX_SHOWN_ERRORS || (always && s->n == MAX_SHOWN_ERRORS)) {
		/* the room: MAX_SHOWN_ERRORS refusals and one last word (a file
		 * read by one reader ends once) */
		if (!(s->msg[s->n] = strdup(err))) {
			pthread_mutex_unlock(&sh->lock);
			die(sh->cmd, "out of memory");
		}
		s->always[s->n++] = always;
	}
	pthread_mutex_unlock(&sh->lock);
}

/* File f is read: the turn passes to the next file not done yet, each
 * file it passes to saying what it kept, in order. */
static void file_done(struct shared *sh, size_t f)
{
	if (!sh->said)
		return;
	pthread_mutex_lock(&sh->lock);
	sh->said[f].done = true;
	while (sh->turn < sh->n_files && sh->said[sh->turn].done) {
		if (++sh->turn >= sh->n_files)
			break;
		struct said *s = &sh->said[sh->turn];
		for (size_t i = 0; i < s->n; i++) {
			say_locked(sh, s->msg[i], s->always[i]);
			free(s->msg[i]);
		}
		s->n = 0;
	}
	pthread_cond_broadcast(&sh->turned);
	pthread_mutex_unlock(&sh->lock);
}

/* Before a message that ends the run while reading file f: the files
 * before it said all theirs. */
static void wait_turn(struct shared *sh, size_t f)
{
	if (!sh->said)
		return;
	pthread_mutex_lock(&sh->lock);
	while (sh->turn < f)
		pthread_cond_wait(&sh->turned, &sh->lock);
	pthread_mutex_unlock(&sh->lock);
}

/* One record read: counted, then folded (unless left out). */
static void take(struct run *r, struct shared *sh, const struct obs *o, uint64_t *unsaid,
		 bool ticks)
{
	r->records++;
	if ((++*unsaid & 0xfff) == 0) {
		uint64_t all = sh->records += *unsaid;
		*unsaid = 0;
		if (ticks)
			progress_tick(&sh->pg, all, false);
	}
	if (!o->terminal) {
		r->other++;
		return;
	}
	if (o->anonymous && r->excl_anon) {
		r->excl_anon_n++;
		return;
	}
	if (o->machine && r->excl_machine) {
		r->excl_machine_n++;
		return;
	}
	r->exchanges++;
	if (r->want_series)
		series_add(r, o);
	fold(r, o);
}

/* A run of its own for a reading thread: r's settings, nothing read. */
static void run_fresh(struct run *t, const struct run *r)
{
	*t = *r;
	memset(&t->t, 0, sizeof(t->t));
	memset(&t->s, 0, sizeof(t->s));
	t->keybuf = NULL;
	t->keycap = 0;
	t->records = t->refused = t->exchanges = t->other = 0;
	t->excl_anon_n = t->excl_machine_n = 0;
}

static void cells_free(struct run *r)
{
	for (size_t i = 0; i < r->t.cap; i++) {
		struct cell *c = r->t.slots[i];
		if (!c)
			continue;
		free(c->key);
		free(c->target);
		free(c->resp);
		free(c->host);
		free(c);
	}
	free(r->t.slots);
	free(r->keybuf);
	free(r->s.b);
}

/* One range of a file (read_split): what reading it left. The first range
 * is read by the thread that opened the file, its refusals said as they
 * come; the others keep theirs (the first MAX_SHOWN_ERRORS) to be said in
 * the file's order. */
struct part {
	unsigned long long from, to; /* to: 0 for the end */
	bool fatal;		     /* a read error or SPLIT_BARREN bytes with no record */
	bool any;		     /* a record taken */
	unsigned long long head;     /* bytes up to the end of the first record */
	unsigned long long consumed, good;
	unsigned long lines;
	size_t n_kept;
	char *kept[MAX_SHOWN_ERRORS];
	size_t n_shown; /* the first range: refusals it had said */
};

/* The ranges of one file, taken in turn by the threads. */
struct split {
	const struct run *r;
	struct shared *sh;
	size_t f;
	struct reader *rd0; /* the first range's: the file opened, its format detected */
	struct part *parts;
	size_t np;
	_Atomic size_t next;
};

struct worker {
	struct split *sp;
	struct run t; /* what the thread read, from whichever ranges */
	bool ticks;
};

#define ERR_MAX 600

static void read_part(struct worker *w, size_t i)
{
	struct split *sp = w->sp;
	struct part *p = &sp->parts[i];
	struct reader *rd = sp->rd0;
	char err[ERR_MAX + 4200];
	struct obs o;
	uint64_t unsaid = 0;
	int st;
	if (i > 0) {
		rd = reader_open_range(sp->r->files[sp->f], reader_format(sp->rd0), p->from, err,
				       sizeof(err));
		if (!rd)
			die(sp->r->cmd, "%s", err);
		if (p->to)
			reader_stop_at(rd, p->to - p->from);
	}
	reader_barren_max(rd, SPLIT_BARREN);
	w->t.range = (uint32_t)i;
	while ((st = reader_next(rd, &o, err, sizeof(err))) != 0) {
		if (st == -2) {
			p->fatal = true; /* read again by one reader, which says it */
			break;
		}
		if (st < 0) {
			w->t.refused++;
			if (i == 0) {
				pthread_mutex_lock(&sp->sh->lock);
				bool shows = sp->sh->shown < MAX_SHOWN_ERRORS;
				pthread_mutex_unlock(&sp->sh->lock);
				p->n_shown += shows;
				say(sp->sh, err, false);
			} else if (p->n_kept < MAX_SHOWN_ERRORS) {
				if (!(p->kept[p->n_kept++] = strdup(err)))
					die(sp->r->cmd, "out of memory");
			}
			continue;
		}
		if (!p->any) {
			p->any = true;
			p->head = reader_good(rd);
		}
		take(&w->t, sp->sh, &o, &unsaid, w->ticks);
	}
	sp->sh->records += unsaid;
	p->lines = reader_line(rd);
	p->consumed = reader_consumed(rd);
	p->good = reader_good(rd);
	if (i > 0)
		reader_close(rd);
}

static void *read_parts(void *arg)
{
	struct worker *w = arg;
	for (;;) {
		size_t i = w->sp->next++;
		if (i >= w->sp->np)
			return NULL;
		read_part(w, i);
	}
}

/* A refusal of a range that starts on line base + 1 of the file: said with
 * the line of the file ("path:LINE: ..."), cut as one reader's would be. */
static void say_moved(struct shared *sh, const char *path, unsigned long base, const char *msg)
{
	char out[ERR_MAX];
	size_t n = strlen(path);
	char *end;
	if (strncmp(msg, path, n) == 0 && msg[n] == ':' && msg[n + 1] >= '0' && msg[n + 1] <= '9') {
		unsigned long line = strtoul(msg + n + 1, &end, 10);
		if (*end == ':') {
			snprintf(out, sizeof(out), "%s:%lu%s", path, base + line, end);
			say(sh, out, false);
			return;
		}
	}
	snprintf(out, sizeof(out), "%s", msg);
	say(sh, out, false);
}

/* Where a range starting near `at` starts: after the first newline at or
 * past at - 1; 0 if there is none in the next MiB. */
static unsigned long long line_start(int fd, unsigned long long at)
{
	char b[1u << 16];
	for (unsigned long long off = at - 1; off < at - 1 + (1u << 20);) {
		ssize_t k = pread(fd, b, sizeof(b), (off_t)off);
		if (k <= 0)
			return 0;
		const char *nl = memchr(b, '\n', (size_t)k);
		if (nl)
			return off + (unsigned long long)(nl - b) + 1;
		off += (unsigned long long)k;
	}
	return 0;
}

static void merge(struct run *r, struct run *t);

/* Ranges per thread: a thread the scheduler holds back leaves the others
 * the ranges it has not taken. */
#define RANGES_PER_THREAD 8

/*
 * A plain file of our JSON Lines whose format rd has detected, cut at line
 * starts into ranges that sh->per_file threads take in turn, merged in the
 * file's order: what one reader would give (records, refusals with their
 * file:line, in order; a flow's first facts are those of its first record,
 * cell.born). Where one reader would have given up (a read error, 256 MiB
 * with no record, which a range cannot see whole) the ranges are dropped
 * and the file is read again whole, its refusals already said not said
 * twice. 1: read; 0: the file is not worth cutting (small), nothing was
 * read; -1: to be read again whole (rd to be closed).
 */
static int read_split(struct run *r, struct shared *sh, size_t f, struct reader *rd)
{
	int fd = open(r->files[f], O_RDONLY | O_CLOEXEC);
	struct stat sb;
	if (fd < 0)
		return 0;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || (uint64_t)sb.st_size < 2 * SPLIT_MIN) {
		close(fd);
		return 0;
	}
	unsigned long long size = (unsigned long long)sb.st_size;
	size_t nt = sh->per_file, n = nt * RANGES_PER_THREAD;
	if (n > size / SPLIT_MIN)
		n = (size_t)(size / SPLIT_MIN);
	struct part *parts = calloc(n + 1, sizeof(*parts));
	if (!parts)
		die(r->cmd, "out of memory");
	size_t np = 1;
	for (size_t k = 1; k < n; k++) {
		unsigned long long at = line_start(fd, size / n * k);
		if (at > parts[np - 1].from + SPLIT_MIN / 2 && at < size) {
			parts[np - 1].to = at;
			parts[np++].from = at;
		}
	}
	close(fd);
	if (np < 2 || !reader_stop_at(rd, parts[0].to)) {
		free(parts);
		return 0;
	}
	if (nt > np)
		nt = np;
	struct split sp = { .r = r, .sh = sh, .f = f, .rd0 = rd, .parts = parts, .np = np };
	sp.next = 1; /* the first range: this thread, first */
	struct worker *w = calloc(nt, sizeof(*w));
	pthread_t *th = calloc(nt, sizeof(*th));
	if (!w || !th)
		die(r->cmd, "out of memory");
	for (size_t i = 0; i < nt; i++) {
		w[i].sp = &sp;
		run_fresh(&w[i].t, r);
		w[i].ticks = i == 0;
		if (i > 0 && pthread_create(&th[i], NULL, read_parts, &w[i]) != 0)
			die(r->cmd, "cannot start a thread");
	}
	read_part(&w[0], 0);
	read_parts(&w[0]);
	for (size_t i = 1; i < nt; i++)
		pthread_join(th[i], NULL);
	/* a stretch with no record across ranges, as one reader would see it */
	bool again = parts[0].fatal;
	unsigned long long gap = parts[0].consumed - parts[0].good;
	for (size_t i = 1; i < np && !again; i++) {
		again = parts[i].fatal || (parts[i].any && gap + parts[i].head >= SPLIT_BARREN);
		gap = parts[i].any ? parts[i].consumed - parts[i].good : gap + parts[i].consumed;
		again = again || gap >= SPLIT_BARREN;
	}
	for (size_t i = 0; i < nt; i++) {
		if (!again)
			merge(r, &w[i].t);
		else
			cells_free(&w[i].t);
	}
	unsigned long base = 0;
	for (size_t i = 0; i < np; i++) {
		for (size_t k = 0; k < parts[i].n_kept; k++) {
			if (!again)
				say_moved(sh, reader_path(rd), base, parts[i].kept[k]);
			free(parts[i].kept[k]);
		}
		base += parts[i].lines;
	}
	if (again) {
		pthread_mutex_lock(&sh->lock);
		sh->mute = parts[0].n_shown;
		sh->shown = 0;
		pthread_mutex_unlock(&sh->lock);
		sh->records = 0;
	}
	free(parts);
	free(w);
	free(th);
	return again ? -1 : 1;
}

static void read_file(struct run *r, struct shared *sh, size_t f, bool ticks)
{
	char err[ERR_MAX];
	struct obs o;
	uint64_t unsaid = 0;
	bool split = sh->per_file > 1;
again:;
	struct reader *rd = reader_open(r->files[f], r->format, err, sizeof(err));
	if (!rd) {
		wait_turn(sh, f);
		die(r->cmd, "%s", err);
	}
	/* our JSON Lines reader may run on several threads at once; the other
	 * formats' readers, one file at a time */
	int st = reader_detect(rd, err, sizeof(err));
	if (r->formats && !r->formats[f])
		r->formats[f] = reader_format(rd);
	bool ours = st == 1 && strcmp(reader_format(rd), "ntlm-jsonl") == 0;
	if (split && st == 1 && reader_plain(rd) && ours) {
		int done = read_split(r, sh, f, rd);
		if (done != 0) {
			reader_close(rd);
			if (done > 0)
				return;
			split = false; /* read again by one reader */
			goto again;
		}
	} else if (split && st == 1) {
		reader_inflate_apart(rd); /* or not: read as before */
	}
	bool serial = st == 1 && !ours;
	if (serial)
		pthread_mutex_lock(&sh->serial);
	while (st > 0 || st == -1) {
		st = reader_next(rd, &o, err, sizeof(err));
		if (st == 0 || st == -2)
			break;
		if (st < 0) {
			r->refused++;
			say_file(sh, f, err, false);
			continue;
		}
		take(r, sh, &o, &unsaid, ticks);
	}
	if (st == -2) {
		r->refused++;
		say_file(sh, f, err, true);
	}
	if (serial)
		pthread_mutex_unlock(&sh->serial);
	sh->records += unsaid;
	reader_close(rd);
}

struct reading {
	struct run *r;
	struct shared *sh;
	bool ticks;
};

static void *read_files(void *arg)
{
	struct reading *rg = arg;
	for (;;) {
		pthread_mutex_lock(&rg->sh->lock);
		size_t f = rg->sh->next++;
		pthread_mutex_unlock(&rg->sh->lock);
		if (f >= rg->r->n_files)
			return NULL;
		read_file(rg->r, rg->sh, f, rg->ticks);
		file_done(rg->sh, f);
	}
}

/* Folds what thread run t read into r; t is left empty. */
static void merge(struct run *r, struct run *t)
{
	r->records += t->records;
	r->refused += t->refused;
	r->exchanges += t->exchanges;
	r->other += t->other;
	r->excl_anon_n += t->excl_anon_n;
	r->excl_machine_n += t->excl_machine_n;
	for (size_t i = 0; i < t->t.cap; i++) {
		struct cell *x = t->t.slots[i];
		if (!x)
			continue;
		struct cell **slot = cell_slot(r, x->hash, x->key, x->key_len);
		struct cell *c = *slot;
		if (!c) {
			if (r->t.n >= MAX_CELLS)
				die(r->cmd, "more than %u distinct flows: refusing to grow further",
				    MAX_CELLS);
			*slot = x;
			r->t.n++;
			continue;
		}
		if (x->born < c->born) {
			/* x's first record comes first in the file: its facts
			 * are the flow's, as one reader would keep them */
			struct cell y = *c;
			c->incoming = x->incoming;
			c->machine = x->machine;
			c->anonymous = x->anonymous;
			c->o = x->o;
			c->target = x->target;
			c->resp = x->resp;
			c->host = x->host;
			c->born = x->born;
			x->target = y.target;
			x->resp = y.resp;
			x->host = y.host;
		}
		c->n += x->n;
		c->send_blocked += x->send_blocked;
		for (int k = 0; k < OC_COUNT; k++)
			c->oc[k] += x->oc[k];
		if (x->first[0] && (!c->first[0] || strcmp(x->first, c->first) < 0))
			memcpy(c->first, x->first, sizeof(c->first));
		if (strcmp(x->last, c->last) > 0)
			memcpy(c->last, x->last, sizeof(c->last));
		free(x->key);
		free(x->target);
		free(x->resp);
		free(x->host);
		free(x);
	}
	free(t->t.slots);
	free(t->keybuf);
	r->s.untimed += t->s.untimed;
	r->s.dropped += t->s.dropped;
	for (size_t i = 0; i < t->s.cap; i++) {
		if (t->s.b[i].hour == -1)
			continue;
		struct bucket *b = series_bucket(r, t->s.b[i].hour);
		for (int c = 0; c < N_CLASSES; c++) {
			if (b)
				b->n[c] += t->s.b[i].n[c];
			else
				r->s.dropped += t->s.b[i].n[c];
		}
	}
	free(t->s.b);
}

/* The member table of our records' reader is built before threads start
 * (audit_record.c builds it at its first record). */
static void warm_parser(struct run *r)
{
	char scratch[64], err[100];
	struct aj_object *obj = malloc(sizeof(*obj));
	struct obs o;
	static const char warm[] = "{\"event\":0}";
	if (!obj)
		die(r->cmd, "out of memory");
	audit_record_parse(warm, sizeof(warm) - 1, scratch, sizeof(scratch), obj, &o, err,
			   sizeof(err));
	free(obj);
}

static void read_all(struct run *r)
{
	struct shared sh = { .pg = { isatty(STDERR_FILENO) == 1, false, { 0, 0 }, { 0, 0 } } };

	pthread_mutex_init(&sh.lock, NULL);
	pthread_cond_init(&sh.turned, NULL);
	pthread_mutex_init(&sh.serial, NULL);
	clock_gettime(CLOCK_MONOTONIC, &sh.pg.start);
	sh.pg.last = sh.pg.start;
	size_t n = r->n_files < r->threads ? r->n_files : r->threads;
	if (r->threads > 1)
		warm_parser(r);
	if (n <= 1) {
		/* one file (or one thread): the file's own threads */
		sh.per_file = r->threads;
		struct reading rg = { r, &sh, true };
		read_files(&rg);
	} else {
		sh.per_file = 1;
		sh.n_files = r->n_files;
		sh.cmd = r->cmd;
		if (!(sh.said = calloc(r->n_files, sizeof(*sh.said))))
			die(r->cmd, "out of memory");
		struct run *t = calloc(n, sizeof(*t));
		struct reading *rg = calloc(n, sizeof(*rg));
		pthread_t *th = calloc(n, sizeof(*th));
		if (!t || !rg || !th)
			die(r->cmd, "out of memory");
		for (size_t i = 0; i < n; i++) {
			run_fresh(&t[i], r);
			rg[i] = (struct reading){ &t[i], &sh, i == 0 };
			if (i > 0 && pthread_create(&th[i], NULL, read_files, &rg[i]) != 0)
				die(r->cmd, "cannot start a thread");
		}
		read_files(&rg[0]);
		for (size_t i = 1; i < n; i++)
			pthread_join(th[i], NULL);
		for (size_t i = 0; i < n; i++)
			merge(r, &t[i]);
		free(sh.said); /* all said: every file is done */
		free(t);
		free(rg);
		free(th);
	}
	progress_tick(&sh.pg, r->records, true);
	if (r->refused > MAX_SHOWN_ERRORS)
		fprintf(stderr, "ntlm audit: %llu more records refused\n",
			(unsigned long long)(r->refused - MAX_SHOWN_ERRORS));
	pthread_mutex_destroy(&sh.lock);
	pthread_cond_destroy(&sh.turned);
	pthread_mutex_destroy(&sh.serial);
}

/* ---- flows: cells grouped by their flow key ----------------------------- */

struct flow {
	struct cell **cells;
	size_t n;
	char *f[5]; /* dir, client, account, target, class (owned copy of the key) */
	uint64_t count, oc[OC_COUNT];
	const char *first, *last;
};

static int cmp_cells(const void *a, const void *b)
{
	const struct cell *x = *(struct cell *const *)a, *y = *(struct cell *const *)b;
	size_t n = x->flow_len < y->flow_len ? x->flow_len : y->flow_len;
	int c = memcmp(x->key, y->key, n);
	if (c)
		return c;
	return (x->flow_len > y->flow_len) - (x->flow_len < y->flow_len);
}

/* By the whole key: a flow's cells together, and in one order whatever
 * order the reading threads made them in. */
static int cmp_cells_key(const void *a, const void *b)
{
	const struct cell *x = *(struct cell *const *)a, *y = *(struct cell *const *)b;
	size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
	int c = memcmp(x->key, y->key, n);
	if (c)
		return c;
	return (x->key_len > y->key_len) - (x->key_len < y->key_len);
}

static int cmp_flows(const void *a, const void *b)
{
	const struct flow *x = a, *y = b;
	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	for (int i = 0; i < 5; i++) {
		int c = strcmp(x->f[i], y->f[i]);
		if (c)
			return c;
	}
	return 0;
}

static struct flow *group(struct run *r, struct cell ***cells_out, size_t *n_flows)
{
	struct cell **cells = malloc((r->t.n + 1) * sizeof(*cells));
	size_t k = 0;
	if (!cells)
		die(r->cmd, "out of memory");
	for (size_t i = 0; i < r->t.cap; i++)
		if (r->t.slots[i])
			cells[k++] = r->t.slots[i];
	qsort(cells, k, sizeof(*cells), cmp_cells_key);
	struct flow *fl = calloc(k + 1, sizeof(*fl));
	size_t nf = 0;
	if (!fl)
		die(r->cmd, "out of memory");
	for (size_t i = 0; i < k;) {
		size_t j = i + 1;
		while (j < k && cmp_cells(&cells[i], &cells[j]) == 0)
			j++;
		struct flow *f = &fl[nf++];
		f->cells = cells + i;
		f->n = j - i;
		char *copy = strndup(cells[i]->key, cells[i]->flow_len);
		if (!copy)
			die(r->cmd, "out of memory");
		char *p = copy;
		for (int x = 0; x < 5; x++) {
			f->f[x] = p;
			p = strchr(p, '\x1f');
			*p++ = '\0';
		}
		for (size_t c = i; c < j; c++) {
			f->count += cells[c]->n;
			for (int o = 0; o < OC_COUNT; o++)
				f->oc[o] += cells[c]->oc[o];
			if (cells[c]->first[0] &&
			    (!f->first || strcmp(cells[c]->first, f->first) < 0))
				f->first = cells[c]->first;
			if (cells[c]->last[0] && (!f->last || strcmp(cells[c]->last, f->last) > 0))
				f->last = cells[c]->last;
		}
		i = j;
	}
	qsort(fl, nf, sizeof(*fl), cmp_flows);
	*cells_out = cells;
	*n_flows = nf;
	return fl;
}

static void free_all(struct run *r, struct flow *fl, size_t nf, struct cell **cells)
{
	for (size_t i = 0; i < nf; i++)
		free(fl[i].f[0]);
	free(fl);
	free(cells);
	cells_free(r);
}

/* ---- output helpers ------------------------------------------------------ */

/* Untrusted text for a terminal: escaped, cut to width (0: whole). */
static void cell_text(const char *s, int width)
{
	struct ntlm_buf b = { 0 };
	ntlm_buf_escape(&b, s ? s : "", s ? strlen(s) : 0, NTLM_ESCAPE_TEXT);
	char *t = b.p ? b.p : (char *)"";
	/* a DOMAIN\USER reads better with its one backslash (display only) */
	for (char *q = t; (q = strstr(q, "\\\\")) != NULL; q++)
		memmove(q, q + 1, strlen(q));
	size_t tl = strlen(t);
	if (width > 0 && (int)tl > width && t[0] == '/') /* a path: its end says more */
		printf("~%s ", t + tl - (size_t)(width - 1));
	else if (width > 0 && (int)tl > width)
		printf("%.*s~ ", width - 1, t);
	else if (width > 0)
		printf("%-*s ", width, t);
	else
		printf("%s", t);
	ntlm_buf_free(&b);
}

static void json_str(const char *s)
{
	struct ntlm_buf b = { 0 };
	ntlm_buf_json(&b, s ? s : "");
	fputs(b.p ? b.p : "\"\"", stdout);
	ntlm_buf_free(&b);
}

/* RFC 4180; a cell that a spreadsheet would run as a formula gets a quote. */
static void csv_str(const char *s, bool last)
{
	s = s ? s : "";
	putchar('"');
	if (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')
		putchar('\'');
	for (; *s; s++) {
		if (*s == '"')
			putchar('"');
		putchar(*s);
	}
	putchar('"');
	putchar(last ? '\n' : ',');
}

static const char *dir_name(const char *k)
{
	return strcmp(k, "in") == 0 ? "incoming" : "outgoing";
}

/* The run's files and their formats as JSON members "files":[...],"formats":[...]. */
static void json_files(const struct run *r)
{
	printf("\"files\":[");
	for (size_t i = 0; i < r->n_files; i++) {
		if (i)
			putchar(',');
		json_str(r->files[i]);
	}
	printf("],\"formats\":[");
	for (size_t i = 0; i < r->n_files; i++) {
		if (i)
			putchar(',');
		if (r->formats && r->formats[i])
			json_str(r->formats[i]);
		else
			printf("null");
	}
	putchar(']');
}

static void json_header(struct run *r, const char *kind, int minor)
{
	printf("{\"schema\":\"ntlm-audit-%s/1.%d\",", kind, minor);
	json_files(r);
	printf(",\"records\":%llu,\"refused\":%llu,\"exchanges\":%llu,\"other_records\":%llu,"
	       "\"filters\":{\"anonymous\":\"%s\",\"machine\":\"%s\"},"
	       "\"excluded\":{\"anonymous\":%llu,\"machine\":%llu}",
	       (unsigned long long)r->records, (unsigned long long)r->refused,
	       (unsigned long long)r->exchanges, (unsigned long long)r->other,
	       r->excl_anon ? "excluded" : "included", r->excl_machine ? "excluded" : "included",
	       (unsigned long long)r->excl_anon_n, (unsigned long long)r->excl_machine_n);
}

static void text_header(struct run *r, const char *what, size_t nf)
{
	printf("ntlm audit %s: %zu file%s, %llu records, %llu exchanges in %zu flows", what,
	       r->n_files, r->n_files == 1 ? "" : "s", (unsigned long long)r->records,
	       (unsigned long long)r->exchanges, nf);
	if (r->refused)
		printf(" (%llu records refused: see above)", (unsigned long long)r->refused);
	printf("\nfilters: anonymous logons %s", r->excl_anon ? "excluded" : "included");
	if (r->excl_anon)
		printf(" (%llu exchanges left out)", (unsigned long long)r->excl_anon_n);
	printf(", machine accounts (NAME$) %s", r->excl_machine ? "excluded" : "included");
	if (r->excl_machine)
		printf(" (%llu exchanges left out)", (unsigned long long)r->excl_machine_n);
	putchar('\n');
	printf("(an exchange is counted once, at its last record: 9010 / 9005 / a refusal; "
	       "%llu other records)\n",
	       (unsigned long long)r->other);
}

static void class_counts(struct flow *fl, size_t nf, uint64_t out[N_CLASSES])
{
	memset(out, 0, N_CLASSES * sizeof(uint64_t));
	for (size_t i = 0; i < nf; i++)
		for (int c = 0; c < N_CLASSES; c++)
			if (strcmp(fl[i].f[4], classes[c]) == 0)
				out[c] += fl[i].count;
}

/* What a flow's exchanges would do under the candidate. */
struct flow_sim {
	uint64_t newly_denied, still_denied, newly_allowed, allowed, undecidable;
	const struct cell *deny_cell, *undec_cell; /* one that says why */
};

/* Newly denied exchanges by setting, undecidable ones by missing fact. */
struct tally {
	char name[96];
	uint64_t n, flows;
};

/* ---- html: one static page, inline CSS and SVG, no script, no fetch ---- */

static const char *const class_color[N_CLASSES] = { "#b2182b", "#ef8a62", "#f4c542", "#4393c3",
						    "#7f7f7f", "#c8c8c8", "#9e7bb5" };

/* Untrusted text for HTML text and attribute values: the five markup
 * characters and the control characters as references, bytes that are not
 * UTF-8 as U+FFFD; up to max bytes of it (0: all), then "...". */
static void html_text(const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t used = 0;
	while (*p) {
		unsigned c = *p;
		size_t n = 1;
		if (c >= 0x80) {
			n = c >= 0xC2 && c <= 0xDF   ? 2
			    : c >= 0xE0 && c <= 0xEF ? 3
			    : c >= 0xF0 && c <= 0xF4 ? 4
						     : 0;
			for (size_t k = 1; k < n; k++)
				if ((p[k] & 0xC0) != 0x80)
					n = 0;
			if ((c == 0xE0 && n && p[1] < 0xA0) || (c == 0xED && n && p[1] >= 0xA0) ||
			    (c == 0xF0 && n && p[1] < 0x90) || (c == 0xF4 && n && p[1] >= 0x90))
				n = 0;
		}
		if (max && used >= max) {
			fputs("&#x2026;", stdout);
			return;
		}
		used++;
		if (n == 0) {
			fputs("&#xFFFD;", stdout);
			p++;
			continue;
		}
		if (n > 1) {
			fwrite(p, 1, n, stdout);
			p += n;
			continue;
		}
		switch (c) {
		case '&':
			fputs("&amp;", stdout);
			break;
		case '<':
			fputs("&lt;", stdout);
			break;
		case '>':
			fputs("&gt;", stdout);
			break;
		case '"':
			fputs("&quot;", stdout);
			break;
		case '\'':
			fputs("&#39;", stdout);
			break;
		default:
			if (c < 0x20 || c == 0x7f)
				printf("&#x%X;", c);
			else
				putchar((int)c);
		}
		p++;
	}
}

/* name="value", the value escaped. */
static void html_attr(const char *name, const char *v)
{
	printf(" %s=\"", name);
	html_text(v, 0);
	putchar('"');
}

static void html_begin(struct run *r, const char *what)
{
	printf("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	       "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	       "style-src 'unsafe-inline'\">\n"
	       "<meta name=\"generator\" content=\"ntlm audit %s\">\n"
	       "<title>ntlm audit %s</title>\n<style>\n"
	       "body{font:14px/1.4 sans-serif;margin:1.5em;color:#222}\n"
	       "h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em}\n"
	       "table{border-collapse:collapse;margin:.5em 0}\n"
	       "th,td{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}\n"
	       "td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
	       "th{background:#f2f2f2}tr.deny td{background:#fde0dc}\n"
	       "tr.undecidable td{background:#fff3cd}\n"
	       "svg{display:block;margin:.5em 0;max-width:100%%;height:auto}\n"
	       "svg text{font:11px sans-serif;fill:#222}\n"
	       ".legend span{display:inline-block;margin-right:1em}\n"
	       ".legend i{display:inline-block;width:.9em;height:.9em;margin-right:.3em;"
	       "vertical-align:-1px}\n"
	       ".files{color:#555}\n</style></head><body>\n<h1>ntlm audit %s</h1>\n",
	       what, what, what);
	printf("<p class=\"files\">");
	for (size_t i = 0; i < r->n_files; i++) {
		printf("%s<span class=\"file\">", i ? ", " : "files: ");
		html_text(r->files[i], 0);
		printf("</span>");
	}
	printf("</p>\n<table id=\"summary\">\n");
	static const char *const names[] = {
		"records",	   "refused", "exchanges", "other_records", "excluded_anonymous",
		"excluded_machine"
	};
	uint64_t v[] = { r->records, r->refused,     r->exchanges,
			 r->other,   r->excl_anon_n, r->excl_machine_n };
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		printf("<tr><th>%s</th><td class=\"n\" id=\"%s\">%llu</td></tr>\n", names[i],
		       names[i], (unsigned long long)v[i]);
	printf("<tr><th>filters</th><td id=\"filters\" data-anonymous=\"%s\" "
	       "data-machine=\"%s\">anonymous logons %s, machine accounts (NAME$) %s</td></tr>\n"
	       "</table>\n",
	       r->excl_anon ? "excluded" : "included", r->excl_machine ? "excluded" : "included",
	       r->excl_anon ? "excluded" : "included", r->excl_machine ? "excluded" : "included");
}

static void html_end(void)
{
	printf("<p class=\"files\">Written by ntlm audit; this page loads nothing: no "
	       "script, no font, no image from elsewhere.</p>\n</body></html>\n");
}

/* A horizontal bar chart: bars[i] with its label and count; attrs(i, ctx)
 * prints the data-* attributes of bar i. */
struct hbar {
	const char *label;
	uint64_t n;
};

static void svg_hbars(const char *id, const char *title, const struct hbar *bars, size_t n,
		      void (*attrs)(size_t i, void *ctx), void *ctx)
{
	const int label_w = 330, plot_w = 470, row = 20, top = 8;
	uint64_t max = 1;
	for (size_t i = 0; i < n; i++)
		if (bars[i].n > max)
			max = bars[i].n;
	int h = top * 2 + row * (int)(n ? n : 1);
	printf("<svg id=\"%s\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" "
	       "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">"
	       "<title>%s</title>\n",
	       id, label_w + plot_w + 90, h, label_w + plot_w + 90, h, title);
	if (!n)
		printf("<text x=\"0\" y=\"%d\">none</text>\n", top + 14);
	for (size_t i = 0; i < n; i++) {
		int y = top + row * (int)i;
		double w = (double)bars[i].n / (double)max * plot_w;
		printf("<g class=\"bar\"");
		attrs(i, ctx);
		printf(" data-n=\"%llu\"><title>", (unsigned long long)bars[i].n);
		html_text(bars[i].label, 0);
		printf(": %llu</title><text x=\"%d\" y=\"%d\" text-anchor=\"end\">",
		       (unsigned long long)bars[i].n, label_w - 6, y + 14);
		html_text(bars[i].label, 48);
		printf("</text><rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
		       "fill=\"#4393c3\"/><text x=\"%.1f\" y=\"%d\">%llu</text></g>\n",
		       label_w, y + 3, w < 1 && bars[i].n ? 1.0 : w, row - 6, label_w + w + 4,
		       y + 14, (unsigned long long)bars[i].n);
	}
	printf("</svg>\n");
}

static void legend(void)
{
	printf("<p class=\"legend\">");
	for (int c = 0; c < N_CLASSES; c++)
		printf("<span><i style=\"background:%s\"></i>%s</span>", class_color[c],
		       classes[c]);
	printf("</p>\n");
}

/* NTLM use over time: a stacked bar per hour or day, one segment per class;
 * time runs left to right with gaps where nothing was seen. */
static void svg_series(struct run *r)
{
	size_t n;
	int step;
	struct bucket *p = series_points(r, &n, &step);
	const int left = 60, plot_w = 820, plot_h = 200, top = 10, bottom = 40;
	uint64_t max = 1;
	for (size_t i = 0; i < n; i++) {
		uint64_t t = 0;
		for (int c = 0; c < N_CLASSES; c++)
			t += p[i].n[c];
		if (t > max)
			max = t;
	}
	int64_t slots = n ? (p[n - 1].hour - p[0].hour) / step + 1 : 1;
	double bw = (double)plot_w / (double)slots;
	printf("<svg id=\"chart-time\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" "
	       "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
	       "data-bucket=\"%s\" data-untimed=\"%llu\" data-dropped=\"%llu\">"
	       "<title>Exchanges per %s and class</title>\n",
	       left + plot_w + 20, top + plot_h + bottom, left + plot_w + 20, top + plot_h + bottom,
	       step == 24 ? "day" : "hour", (unsigned long long)r->s.untimed,
	       (unsigned long long)r->s.dropped, step == 24 ? "day" : "hour");
	printf("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>"
	       "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>\n",
	       left, top, left, top + plot_h, left, top + plot_h, left + plot_w, top + plot_h);
	printf("<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%llu</text>"
	       "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>\n",
	       left - 4, top + 10, (unsigned long long)max, left - 4, top + plot_h);
	if (!n)
		printf("<text x=\"%d\" y=\"%d\">no exchange with a time</text>\n", left + 10,
		       top + plot_h / 2);
	for (size_t i = 0; i < n; i++) {
		char t[BUCKET_NAME];
		bucket_name(p[i].hour, step, t);
		double x = left + (double)((p[i].hour - p[0].hour) / step) * bw;
		double y = top + plot_h;
		for (int c = 0; c < N_CLASSES; c++) {
			if (!p[i].n[c])
				continue;
			double h = (double)p[i].n[c] / (double)max * plot_h;
			y -= h;
			printf("<rect class=\"seg\" data-t=\"%s\" data-class=\"%s\" "
			       "data-n=\"%llu\" "
			       "x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\">"
			       "<title>%s %s: %llu</title></rect>\n",
			       t, classes[c], (unsigned long long)p[i].n[c], x, y,
			       bw > 2 ? bw - 1 : bw, h, class_color[c], t, classes[c],
			       (unsigned long long)p[i].n[c]);
		}
		if (i == 0 || i == n - 1)
			printf("<text x=\"%.1f\" y=\"%d\" text-anchor=\"%s\">%s</text>\n",
			       i == 0 ? (double)left : (double)(left + plot_w), top + plot_h + 16,
			       i == 0 ? "start" : "end", t);
	}
	printf("</svg>\n");
	legend();
	if (r->s.untimed || r->s.dropped)
		printf("<p>Not in the chart: %llu exchanges without a time of the form "
		       "YYYY-MM-DDTHH, %llu past the chart's %u hours.</p>\n",
		       (unsigned long long)r->s.untimed, (unsigned long long)r->s.dropped,
		       MAX_BUCKETS);
	free(p);
}

static void flow_attrs(const struct flow *f)
{
	html_attr("data-direction", dir_name(f->f[0]));
	html_attr("data-client", f->f[1]);
	html_attr("data-account", f->f[2]);
	html_attr("data-target", f->f[3]);
	html_attr("data-class", f->f[4]);
}

static void flow_cells(const struct flow *f)
{
	printf("<td>%s</td>", dir_name(f->f[0]));
	for (int x = 1; x < 5; x++) {
		printf("<td>");
		html_text(f->f[x], 0);
		printf("</td>");
	}
}

struct top_target {
	const char *target;
	uint64_t n;
};

static int cmp_top(const void *a, const void *b)
{
	const struct top_target *x = a, *y = b;
	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return strcmp(x->target, y->target);
}

static int cmp_top_by_name(const void *a, const void *b)
{
	return strcmp(((const struct top_target *)a)->target,
		      ((const struct top_target *)b)->target);
}

static void top_attr(size_t i, void *ctx)
{
	html_attr("data-target", ((const struct top_target *)ctx)[i].target);
}

#define TOP_TARGETS 15

static void html_report(struct run *r, struct flow *fl, size_t nf, const uint64_t cc[N_CLASSES])
{
	html_begin(r, "report");
	printf("<h2>By class</h2>\n<table id=\"classes\"><tr>");
	for (int c = 0; c < N_CLASSES; c++)
		printf("<th>%s</th>", classes[c]);
	printf("</tr><tr>");
	for (int c = 0; c < N_CLASSES; c++)
		printf("<td class=\"n\" id=\"class-%s\" data-n=\"%llu\">%llu</td>", classes[c],
		       (unsigned long long)cc[c], (unsigned long long)cc[c]);
	printf("</tr></table>\n<h2>NTLM use over time</h2>\n");
	svg_series(r);

	/* top targets: the flows' exchanges summed by target */
	struct top_target *t = calloc(nf + 1, sizeof(*t));
	size_t nt = 0;
	if (!t)
		die(r->cmd, "out of memory");
	for (size_t i = 0; i < nf; i++) {
		t[nt].target = fl[i].f[3];
		t[nt++].n = fl[i].count;
	}
	qsort(t, nt, sizeof(*t), cmp_top_by_name);
	size_t m = 0;
	for (size_t i = 0; i < nt; i++) {
		if (m && strcmp(t[m - 1].target, t[i].target) == 0) {
			t[m - 1].n += t[i].n;
			continue;
		}
		t[m++] = t[i];
	}
	qsort(t, m, sizeof(*t), cmp_top);
	size_t shown = m < TOP_TARGETS ? m : TOP_TARGETS;
	struct hbar bars[TOP_TARGETS] = { { NULL, 0 } };
	for (size_t i = 0; i < shown; i++) {
		bars[i].label = t[i].target;
		bars[i].n = t[i].n;
	}
	printf("<h2>Top targets</h2>\n<p>Exchanges per target, the %zu busiest of %zu.</p>\n",
	       shown, m);
	svg_hbars("chart-targets", "Exchanges per target", bars, shown, top_attr, t);
	free(t);

	printf("<h2>Flows</h2>\n<table id=\"flows\"><thead><tr><th>direction</th><th>client</th>"
	       "<th>account</th><th>target</th><th>class</th><th>exchanges</th><th>success</th>"
	       "<th>audited</th><th>blocked</th><th>failed</th><th>first seen</th><th>last "
	       "seen</th></tr>"
	       "</thead><tbody>\n");
	for (size_t i = 0; i < nf; i++) {
		struct flow *f = &fl[i];
		printf("<tr class=\"flow\"");
		flow_attrs(f);
		printf(" data-exchanges=\"%llu\" data-success=\"%llu\" data-audited=\"%llu\" "
		       "data-blocked=\"%llu\" data-failed=\"%llu\"",
		       (unsigned long long)f->count, (unsigned long long)f->oc[OC_SUCCESS],
		       (unsigned long long)f->oc[OC_AUDITED], (unsigned long long)f->oc[OC_BLOCKED],
		       (unsigned long long)f->oc[OC_FAILED]);
		html_attr("data-first-seen", f->first ? f->first : "");
		html_attr("data-last-seen", f->last ? f->last : "");
		putchar('>');
		flow_cells(f);
		printf("<td class=\"n\">%llu</td><td class=\"n\">%llu</td><td class=\"n\">%llu</td>"
		       "<td class=\"n\">%llu</td><td class=\"n\">%llu</td><td>",
		       (unsigned long long)f->count, (unsigned long long)f->oc[OC_SUCCESS],
		       (unsigned long long)f->oc[OC_AUDITED], (unsigned long long)f->oc[OC_BLOCKED],
		       (unsigned long long)f->oc[OC_FAILED]);
		html_text(f->first ? f->first : "-", 0);
		printf("</td><td>");
		html_text(f->last ? f->last : "-", 0);
		printf("</td></tr>\n");
	}
	printf("</tbody></table>\n");
	html_end();
}

struct sim_totals {
	uint64_t newly, newly_flows, undec, undec_flows;
};

static const char *verdict_name(unsigned v);

static const struct cell *sim_why(const struct flow *f, const struct flow_sim *s)
{
	return s->deny_cell ? s->deny_cell : s->undec_cell ? s->undec_cell : f->cells[0];
}

static void tally_attr(size_t i, void *ctx)
{
	const struct tally *t = ctx;
	html_attr("data-setting", t[i].name);
	printf(" data-flows=\"%llu\"", (unsigned long long)t[i].flows);
}

struct broken {
	const struct flow *f;
	const struct flow_sim *s;
};

static void broken_attr(size_t i, void *ctx)
{
	const struct broken *b = ctx;
	flow_attrs(b[i].f);
	html_attr("data-setting", sim_why(b[i].f, b[i].s)->cand.setting);
}

static int cmp_broken(const void *a, const void *b)
{
	const struct broken *x = a, *y = b;
	if (x->s->newly_denied != y->s->newly_denied)
		return x->s->newly_denied < y->s->newly_denied ? 1 : -1;
	return cmp_flows(x->f, y->f);
}

#define TOP_BROKEN 20

static void html_simulate(struct run *r, const char *cand_name, struct flow *fl,
			  const struct flow_sim *fs, size_t nf, const struct sim_totals *t,
			  const struct tally *by, size_t nby, const struct tally *un, size_t nun)
{
	html_begin(r, "simulate");
	printf("<h2>Candidate</h2>\n<table id=\"candidate-summary\"><tr><th>candidate</th>"
	       "<td id=\"candidate\">");
	html_text(cand_name, 0);
	printf("</td></tr>\n<tr><th>newly denied exchanges</th><td class=\"n\" "
	       "id=\"newly_denied\">%llu</td></tr>\n<tr><th>newly denied flows</th><td class=\"n\" "
	       "id=\"newly_denied_flows\">%llu</td></tr>\n<tr><th>undecidable exchanges</th>"
	       "<td class=\"n\" id=\"undecidable\">%llu</td></tr>\n<tr><th>undecidable flows</th>"
	       "<td class=\"n\" id=\"undecidable_flows\">%llu</td></tr>\n</table>\n",
	       (unsigned long long)t->newly, (unsigned long long)t->newly_flows,
	       (unsigned long long)t->undec, (unsigned long long)t->undec_flows);

	struct hbar bars[32] = { { NULL, 0 } };
	for (size_t k = 0; k < nby; k++) {
		bars[k].label = by[k].name;
		bars[k].n = by[k].n;
	}
	printf("<h2>What the candidate breaks, by setting</h2>\n<p>Exchanges seen working that "
	       "the candidate would refuse, by the setting that refuses them.</p>\n");
	svg_hbars("chart-settings", "Newly denied exchanges by setting", bars, nby, tally_attr,
		  (void *)by);

	struct broken *b = calloc(nf + 1, sizeof(*b));
	size_t nb = 0;
	if (!b)
		die(r->cmd, "out of memory");
	for (size_t i = 0; i < nf; i++)
		if (fs[i].newly_denied) {
			b[nb].f = &fl[i];
			b[nb++].s = &fs[i];
		}
	qsort(b, nb, sizeof(*b), cmp_broken);
	size_t shown = nb < TOP_BROKEN ? nb : TOP_BROKEN;
	char(*labels)[200] = calloc(shown + 1, sizeof(*labels));
	if (!labels)
		die(r->cmd, "out of memory");
	for (size_t i = 0; i < shown; i++) {
		snprintf(labels[i], sizeof(labels[i]), "%s %.60s -> %.60s", b[i].f->f[0],
			 b[i].f->f[2], b[i].f->f[3]);
		bars[i].label = labels[i];
		bars[i].n = b[i].s->newly_denied;
	}
	printf("<h2>What the candidate breaks, by flow</h2>\n<p>The %zu flows with the most "
	       "newly denied exchanges, of %zu.</p>\n",
	       shown, nb);
	svg_hbars("chart-flows", "Newly denied exchanges by flow", bars, shown, broken_attr, b);
	free(labels);
	free(b);

	printf("<h2>Undecidable</h2>\n<p>Exchanges whose records lack a fact the decision "
	       "needs: counted, not guessed.</p>\n<table id=\"undecidable-by-fact\"><tr><th>"
	       "missing fact</th><th>exchanges</th><th>flows</th></tr>\n");
	for (size_t k = 0; k < nun; k++) {
		printf("<tr class=\"fact\"");
		html_attr("data-fact", un[k].name);
		printf(" data-exchanges=\"%llu\" data-flows=\"%llu\"><td>",
		       (unsigned long long)un[k].n, (unsigned long long)un[k].flows);
		html_text(un[k].name, 0);
		printf("</td><td class=\"n\">%llu</td><td class=\"n\">%llu</td></tr>\n",
		       (unsigned long long)un[k].n, (unsigned long long)un[k].flows);
	}
	printf("</table>\n<h2>Flows</h2>\n<table id=\"flows\"><thead><tr><th>direction</th>"
	       "<th>client</th><th>account</th><th>target</th><th>class</th><th>exchanges</th>"
	       "<th>success</th><th>blocked</th><th>failed</th><th>candidate</th>"
	       "<th>newly denied</th><th>newly allowed</th><th>undecidable</th><th>setting</th>"
	       "<th>reason</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < nf; i++) {
		const struct flow *f = &fl[i];
		const struct flow_sim *s = &fs[i];
		const struct cell *why = sim_why(f, s);
		const char *v = verdict_name(why->cand.verdict);
		printf("<tr class=\"flow %s\"", v);
		flow_attrs(f);
		printf(" data-exchanges=\"%llu\" data-success=\"%llu\" data-blocked=\"%llu\" "
		       "data-failed=\"%llu\" data-candidate=\"%s\" data-newly-denied=\"%llu\" "
		       "data-newly-allowed=\"%llu\" data-undecidable=\"%llu\"",
		       (unsigned long long)f->count, (unsigned long long)f->oc[OC_SUCCESS],
		       (unsigned long long)f->oc[OC_BLOCKED], (unsigned long long)f->oc[OC_FAILED],
		       v, (unsigned long long)s->newly_denied, (unsigned long long)s->newly_allowed,
		       (unsigned long long)s->undecidable);
		html_attr("data-setting", why->cand.setting);
		html_attr("data-reason", why->cand.reason);
		html_attr("data-last-seen", f->last ? f->last : "");
		putchar('>');
		flow_cells(f);
		printf("<td class=\"n\">%llu</td><td class=\"n\">%llu</td><td class=\"n\">%llu</td>"
		       "<td class=\"n\">%llu</td><td>%s</td><td class=\"n\">%llu</td>"
		       "<td class=\"n\">%llu</td><td class=\"n\">%llu</td><td>",
		       (unsigned long long)f->count, (unsigned long long)f->oc[OC_SUCCESS],
		       (unsigned long long)f->oc[OC_BLOCKED], (unsigned long long)f->oc[OC_FAILED],
		       v, (unsigned long long)s->newly_denied, (unsigned long long)s->newly_allowed,
		       (unsigned long long)s->undecidable);
		html_text(why->cand.setting, 0);
		printf("</td><td>");
		if (why->cand.verdict == NTLM_DECIDE_UNDECIDABLE) {
			printf("unknown: ");
			html_text(why->cand.unknown, 0);
		} else {
			html_text(why->cand.reason, 0);
		}
		printf("</td></tr>\n");
	}
	printf("</tbody></table>\n");
	html_end();
}

/* ---- report -------------------------------------------------------------- */

/* "series": exchanges per hour or day and class (schema 1.1). */
static void json_series(struct run *r)
{
	size_t n;
	int step;
	struct bucket *p = series_points(r, &n, &step);
	printf("\"series\":{\"bucket\":\"%s\",\"untimed\":%llu,\"dropped\":%llu,\"points\":[",
	       step == 24 ? "day" : "hour", (unsigned long long)r->s.untimed,
	       (unsigned long long)r->s.dropped);
	for (size_t i = 0; i < n; i++) {
		char t[BUCKET_NAME];
		bucket_name(p[i].hour, step, t);
		printf("%s{\"t\":\"%s\"", i ? "," : "", t);
		for (int c = 0; c < N_CLASSES; c++)
			printf(",\"%s\":%llu", classes[c], (unsigned long long)p[i].n[c]);
		putchar('}');
	}
	printf("]}");
	free(p);
}

static void report(struct run *r)
{
	struct cell **cells;
	size_t nf;
	struct flow *fl = group(r, &cells, &nf);
	uint64_t cc[N_CLASSES];

	class_counts(fl, nf, cc);
	if (r->fmt == FMT_JSON) {
		json_header(r, "report", 2);
		printf(",\"classes\":{");
		for (int c = 0; c < N_CLASSES; c++)
			printf("%s\"%s\":%llu", c ? "," : "", classes[c],
			       (unsigned long long)cc[c]);
		printf("},");
		json_series(r);
		printf(",\"flows\":[");
		for (size_t i = 0; i < nf; i++) {
			struct flow *f = &fl[i];
			printf("%s{\"direction\":\"%s\",\"client\":", i ? "," : "",
			       dir_name(f->f[0]));
			json_str(f->f[1]);
			printf(",\"account\":");
			json_str(f->f[2]);
			printf(",\"target\":");
			json_str(f->f[3]);
			printf(",\"class\":");
			json_str(f->f[4]);
			printf(",\"exchanges\":%llu,\"success\":%llu,\"audited\":%llu,"
			       "\"blocked\":%llu,\"failed\":%llu,\"first_seen\":",
			       (unsigned long long)f->count, (unsigned long long)f->oc[OC_SUCCESS],
			       (unsigned long long)f->oc[OC_AUDITED],
			       (unsigned long long)f->oc[OC_BLOCKED],
			       (unsigned long long)f->oc[OC_FAILED]);
			json_str(f->first);
			printf(",\"last_seen\":");
			json_str(f->last);
			if (f->oc[OC_UNKNOWN])
				printf(",\"outcome_unknown\":%llu",
				       (unsigned long long)f->oc[OC_UNKNOWN]);
			printf("}");
		}
		printf("]}\n");
	} else if (r->fmt == FMT_HTML) {
		html_report(r, fl, nf, cc);
	} else if (r->fmt == FMT_CSV) {
		printf("direction,client,account,target,class,exchanges,success,audited,blocked,"
		       "failed,first_seen,last_seen\n");
		for (size_t i = 0; i < nf; i++) {
			struct flow *f = &fl[i];
			csv_str(dir_name(f->f[0]), false);
			for (int x = 1; x < 5; x++)
				csv_str(f->f[x], false);
			printf("%llu,%llu,%llu,%llu,%llu,", (unsigned long long)f->count,
			       (unsigned long long)f->oc[OC_SUCCESS],
			       (unsigned long long)f->oc[OC_AUDITED],
			       (unsigned long long)f->oc[OC_BLOCKED],
			       (unsigned long long)f->oc[OC_FAILED]);
			csv_str(f->first, false);
			csv_str(f->last, true);
		}
	} else {
		text_header(r, "report", nf);
		printf("by class:");
		for (int c = 0; c < N_CLASSES; c++)
			printf(" %s %llu", classes[c], (unsigned long long)cc[c]);
		printf("\n\n%-4s %-24s %-22s %-30s %-10s %9s %9s %9s %9s %9s  %-20s %-20s\n", "DIR",
		       "CLIENT", "ACCOUNT", "TARGET", "CLASS", "EXCHANGES", "SUCCESS", "AUDITED",
		       "BLOCKED", "FAILED", "FIRST", "LAST");
		for (size_t i = 0; i < nf; i++) {
			struct flow *f = &fl[i];
			printf("%-4s ", f->f[0]);
			cell_text(f->f[1], 24);
			cell_text(f->f[2], 22);
			cell_text(f->f[3], 30);
			cell_text(f->f[4], 10);
			printf("%9llu %9llu %9llu %9llu %9llu  %-20.19s %-20.19s\n",
			       (unsigned long long)f->count, (unsigned long long)f->oc[OC_SUCCESS],
			       (unsigned long long)f->oc[OC_AUDITED],
			       (unsigned long long)f->oc[OC_BLOCKED],
			       (unsigned long long)f->oc[OC_FAILED], f->first ? f->first : "-",
			       f->last ? f->last : "-");
		}
	}
	free_all(r, fl, nf, cells);
}

/* ---- simulate ------------------------------------------------------------ */

static const char *verdict_name(unsigned v)
{
	switch (v) {
	case NTLM_DECIDE_ALLOW:
		return "allow";
	case NTLM_DECIDE_AUDIT:
		return "audit";
	case NTLM_DECIDE_DENY:
		return "deny";
	default:
		return "undecidable";
	}
}

static void sim_flow(const struct flow *f, struct flow_sim *s)
{
	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < f->n; i++) {
		const struct cell *c = f->cells[i];
		uint64_t ok = c->oc[OC_SUCCESS] + c->oc[OC_AUDITED];
		uint64_t refused = c->oc[OC_BLOCKED] + c->oc[OC_FAILED];
		switch (c->cand.verdict) {
		case NTLM_DECIDE_DENY:
			s->newly_denied += ok;
			s->still_denied += refused;
			/* refused now; whether they worked before, the log
			 * does not say (Zeek): newly denied or not is unknown */
			s->undecidable += c->oc[OC_UNKNOWN];
			if (ok && !s->deny_cell)
				s->deny_cell = c;
			break;
		case NTLM_DECIDE_UNDECIDABLE:
			s->undecidable += c->n;
			if (!s->undec_cell)
				s->undec_cell = c;
			break;
		default:
			s->allowed += ok;
			s->newly_allowed += c->oc[OC_BLOCKED];
			s->still_denied += c->oc[OC_FAILED];
			break;
		}
	}
}

static void simulate(struct run *r, const struct ntlm_policy *cand, const char *cand_name)
{
	struct cell **cells;
	size_t nf;
	struct flow *fl = group(r, &cells, &nf);
	uint64_t newly = 0, undec = 0, newly_flows = 0, undec_flows = 0;
	struct tally by[32];
	size_t nby = 0;
	struct tally un[16];
	size_t nun = 0;

	for (size_t i = 0; i < r->t.cap; i++) {
		struct cell *c = r->t.slots[i];
		if (c && ntlm_policy_decide(cand, &c->o, &c->cand) != NTLM_OK)
			die_status(r->cmd, NTLM_E_INTERNAL);
	}
	struct flow_sim *fs = calloc(nf + 1, sizeof(*fs));
	if (!fs)
		die(r->cmd, "out of memory");
	for (size_t i = 0; i < nf; i++) {
		sim_flow(&fl[i], &fs[i]);
		newly += fs[i].newly_denied;
		undec += fs[i].undecidable;
		if (fs[i].newly_denied) {
			newly_flows++;
			const char *set = fs[i].deny_cell->cand.setting;
			size_t k;
			for (k = 0; k < nby && strcmp(by[k].name, set) != 0; k++)
				;
			if (k == nby && nby < 32) {
				snprintf(by[nby].name, sizeof(by[0].name), "%s", set);
				by[nby].n = by[nby].flows = 0;
				nby++;
			}
			if (k < nby) {
				by[k].n += fs[i].newly_denied;
				by[k].flows++;
			}
		}
		if (fs[i].undecidable) {
			undec_flows++;
			const char *u =
				fs[i].undec_cell ? fs[i].undec_cell->cand.unknown : "outcome";
			size_t k;
			for (k = 0; k < nun && strcmp(un[k].name, u) != 0; k++)
				;
			if (k == nun && nun < 16) {
				snprintf(un[nun].name, sizeof(un[0].name), "%s", u);
				un[nun].n = un[nun].flows = 0;
				nun++;
			}
			if (k < nun) {
				un[k].n += fs[i].undecidable;
				un[k].flows++;
			}
		}
	}
	char *pol_text = NULL;
	(void)pol_text;
	if (r->fmt == FMT_JSON) {
		json_header(r, "simulate", 1);
		printf(",\"candidate\":");
		json_str(cand_name);
		printf(",\"newly_denied\":%llu,\"newly_denied_flows\":%llu,\"undecidable\":%llu,"
		       "\"undecidable_flows\":%llu,\"by_setting\":{",
		       (unsigned long long)newly, (unsigned long long)newly_flows,
		       (unsigned long long)undec, (unsigned long long)undec_flows);
		for (size_t k = 0; k < nby; k++) {
			printf("%s", k ? "," : "");
			json_str(by[k].name);
			printf(":{\"exchanges\":%llu,\"flows\":%llu}", (unsigned long long)by[k].n,
			       (unsigned long long)by[k].flows);
		}
		printf("},\"undecidable_by_fact\":{");
		for (size_t k = 0; k < nun; k++) {
			printf("%s", k ? "," : "");
			json_str(un[k].name);
			printf(":{\"exchanges\":%llu,\"flows\":%llu}", (unsigned long long)un[k].n,
			       (unsigned long long)un[k].flows);
		}
		printf("},\"flows\":[");
		for (size_t i = 0; i < nf; i++) {
			struct flow *f = &fl[i];
			struct flow_sim *s = &fs[i];
			const struct cell *why = s->deny_cell	 ? s->deny_cell
						 : s->undec_cell ? s->undec_cell
								 : f->cells[0];
			printf("%s{\"direction\":\"%s\",\"client\":", i ? "," : "",
			       dir_name(f->f[0]));
			json_str(f->f[1]);
			printf(",\"account\":");
			json_str(f->f[2]);
			printf(",\"target\":");
			json_str(f->f[3]);
			printf(",\"class\":");
			json_str(f->f[4]);
			printf(",\"exchanges\":%llu,\"observed\":{\"success\":%llu,\"audited\":%"
			       "llu,\"blocked\":%llu,"
			       "\"failed\":%llu},\"candidate\":\"%s\",\"newly_denied\":%llu,"
			       "\"newly_allowed\":%llu,\"undecidable\":%llu,\"setting\":",
			       (unsigned long long)f->count, (unsigned long long)f->oc[OC_SUCCESS],
			       (unsigned long long)f->oc[OC_AUDITED],
			       (unsigned long long)f->oc[OC_BLOCKED],
			       (unsigned long long)f->oc[OC_FAILED],
			       verdict_name(why->cand.verdict), (unsigned long long)s->newly_denied,
			       (unsigned long long)s->newly_allowed,
			       (unsigned long long)s->undecidable);
			json_str(why->cand.setting);
			printf(",\"reason\":");
			json_str(why->cand.reason);
			printf(",\"last_seen\":");
			json_str(f->last);
			printf("}");
		}
		printf("]}\n");
	} else if (r->fmt == FMT_HTML) {
		struct sim_totals t = { newly, newly_flows, undec, undec_flows };
		html_simulate(r, cand_name, fl, fs, nf, &t, by, nby, un, nun);
	} else if (r->fmt == FMT_CSV) {
		printf("direction,client,account,target,class,exchanges,observed_success,"
		       "observed_blocked,observed_failed,candidate,newly_denied,newly_allowed,"
		       "undecidable,setting,reason\n");
		for (size_t i = 0; i < nf; i++) {
			struct flow *f = &fl[i];
			struct flow_sim *s = &fs[i];
			const struct cell *why = s->deny_cell	 ? s->deny_cell
						 : s->undec_cell ? s->undec_cell
								 : f->cells[0];
			csv_str(dir_name(f->f[0]), false);
			for (int x = 1; x < 5; x++)
				csv_str(f->f[x], false);
			printf("%llu,%llu,%llu,%llu,%s,%llu,%llu,%llu,",
			       (unsigned long long)f->count, (unsigned long long)f->oc[OC_SUCCESS],
			       (unsigned long long)f->oc[OC_BLOCKED],
			       (unsigned long long)f->oc[OC_FAILED],
			       verdict_name(why->cand.verdict), (unsigned long long)s->newly_denied,
			       (unsigned long long)s->newly_allowed,
			       (unsigned long long)s->undecidable);
			csv_str(why->cand.setting, false);
			csv_str(why->cand.reason, true);
		}
	} else {
		text_header(r, "simulate", nf);
		printf("candidate: %s\n", cand_name);
		printf("newly denied: %llu exchanges in %llu flows\n", (unsigned long long)newly,
		       (unsigned long long)newly_flows);
		for (size_t k = 0; k < nby; k++)
			printf("  by %s: %llu exchanges in %llu flows\n", by[k].name,
			       (unsigned long long)by[k].n, (unsigned long long)by[k].flows);
		printf("undecidable: %llu exchanges in %llu flows", (unsigned long long)undec,
		       (unsigned long long)undec_flows);
		printf(undec ? " (the records lack a fact the decision needs; not guessed)\n"
			     : "\n");
		for (size_t k = 0; k < nun; k++)
			printf("  unknown %s: %llu exchanges in %llu flows\n", un[k].name,
			       (unsigned long long)un[k].n, (unsigned long long)un[k].flows);
		printf("\n%-4s %-22s %-20s %-28s %-10s %9s %-16s %-12s %9s  %s\n", "DIR", "CLIENT",
		       "ACCOUNT", "TARGET", "CLASS", "EXCHANGES", "OBSERVED", "CANDIDATE",
		       "NEW-DENY", "SETTING / WHY");
		for (size_t i = 0; i < nf; i++) {
			struct flow *f = &fl[i];
			struct flow_sim *s = &fs[i];
			const struct cell *why = s->deny_cell	 ? s->deny_cell
						 : s->undec_cell ? s->undec_cell
								 : f->cells[0];
			char obs[40];
			snprintf(obs, sizeof(obs), "ok %llu/no %llu",
				 (unsigned long long)(f->oc[OC_SUCCESS] + f->oc[OC_AUDITED]),
				 (unsigned long long)(f->oc[OC_BLOCKED] + f->oc[OC_FAILED]));
			printf("%-4s ", f->f[0]);
			cell_text(f->f[1], 22);
			cell_text(f->f[2], 20);
			cell_text(f->f[3], 28);
			cell_text(f->f[4], 10);
			printf("%9llu %-16s %-12s %9llu  ", (unsigned long long)f->count, obs,
			       verdict_name(why->cand.verdict),
			       (unsigned long long)s->newly_denied);
			if (why->cand.verdict == NTLM_DECIDE_UNDECIDABLE)
				printf("unknown: %s", why->cand.unknown);
			else
				cell_text(why->cand.setting, 0);
			putchar('\n');
		}
	}
	free(fs);
	free_all(r, fl, nf, cells);
}

/* ---- propose-exceptions ---------------------------------------------------- */

/* One outgoing target, as ClientAllowedNTLMServers would see it. */
struct tgt {
	const char *target, *host; /* host NULL: not a name an entry can match */
	char service[64];
	bool legit;  /* seen working (success or audited) */
	bool denied; /* seen refused by RestrictSendingNTLMTraffic */
	uint64_t flows, exchanges;
	const char *last;
	int entry; /* index of the entry that admits it, -1 */
};

struct entry {
	char text[300];
	bool wildcard;
	uint64_t targets, flows, exchanges;
	const char *last;
};

/* Whether the list (RestrictSendingNTLMTraffic = 2) admits target, decided
 * by the library (ntlm_policy_decide): the matching that enforces. */
static bool admits(const struct tool_cmd *cmd, const char *list, const char *target)
{
	struct ntlm_policy *p = NULL;
	struct ntlm_observation o = { 0 };
	struct ntlm_decision d;

	if (ntlm_policy_new("cis", &p) != NTLM_OK ||
	    ntlm_policy_set_value(p, "RestrictSendingNTLMTraffic", "2") != NTLM_OK ||
	    ntlm_policy_set_value(p, "ClientAllowedNTLMServers", list) != NTLM_OK)
		die(cmd, "cannot build the exception list '%s': %s", list, ntlm_error_message());
	o.target = target;
	o.domain_account = o.mic = o.channel_bindings = -1;
	if (ntlm_policy_decide(p, &o, &d) != NTLM_OK)
		die_status(cmd, NTLM_E_INTERNAL);
	ntlm_policy_free(p);
	return !(d.verdict == NTLM_DECIDE_DENY &&
		 strcmp(d.setting, "RestrictSendingNTLMTraffic") == 0);
}

static bool admits_denied(struct run *r, const char *entry, struct tgt *t, size_t nt)
{
	for (size_t i = 0; i < nt; i++)
		if (t[i].denied && admits(r->cmd, entry, t[i].target))
			return true;
	return false;
}

/* The list as it is deployed: a native config, security template (INF)
 * lines and a .reg, each into its buffer. */
static void snippets(struct ntlm_buf out[3], const char *ls, const struct entry *e, size_t n)
{
	ntlm_buf_printf(&out[0],
			"# native config (/etc/ntlmssp/policy.d/)\n[MSV1_0]\n"
			"RestrictSendingNTLMTraffic = 2\nClientAllowedNTLMServers = %s\n",
			ls);
	ntlm_buf_printf(&out[1], "; security template (GptTmpl.inf, [Registry Values])\n"
				 "MACHINE\\System\\CurrentControlSet\\Control\\Lsa\\MSV1_0\\"
				 "RestrictSendingNTLMTraffic=4,2\n"
				 "MACHINE\\System\\CurrentControlSet\\Control\\Lsa\\MSV1_0\\"
				 "ClientAllowedNTLMServers=7");
	for (size_t k = 0; k < n; k++)
		ntlm_buf_printf(&out[1], ",%s", e[k].text);
	ntlm_buf_printf(&out[1], "\n");
	ntlm_buf_printf(&out[2], "; .reg\nWindows Registry Editor Version 5.00\n\n"
				 "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Lsa\\"
				 "MSV1_0]\n\"RestrictSendingNTLMTraffic\"=dword:00000002\n"
				 "\"ClientAllowedNTLMServers\"=hex(7):");
	bool first = true;
	for (size_t i = 0; i <= n; i++) {
		const char *t = i < n ? e[i].text : "";
		for (size_t k = 0; k <= strlen(t); k++) {
			ntlm_buf_printf(&out[2], "%s%02x,00", first ? "" : ",",
					(unsigned char)t[k]);
			first = false;
		}
	}
	ntlm_buf_printf(&out[2], "\n");
}

/* Why a target seen working has no entry. */
static const char *not_listed_why(const struct tgt *t)
{
	return t->denied  ? "seen working and seen denied"
	       : !t->host ? "not a target name an entry can match"
			  : "every entry that admits it admits a denied target";
}

#define TOP_ENTRIES 20

struct entry_bar {
	const struct entry *e;
};

static int cmp_entry_bar(const void *a, const void *b)
{
	const struct entry *x = ((const struct entry_bar *)a)->e,
			   *y = ((const struct entry_bar *)b)->e;
	if (x->exchanges != y->exchanges)
		return x->exchanges < y->exchanges ? 1 : -1;
	return strcmp(x->text, y->text);
}

static void entry_bar_attr(size_t i, void *ctx)
{
	html_attr("data-entry", ((const struct entry_bar *)ctx)[i].e->text);
}

/* propose-exceptions --html: the list, its entries with their evidence,
 * what is left out, and the list as it is deployed. */
static void html_propose(struct run *r, bool wildcards, const struct entry *e, size_t ne,
			 const struct tgt *t, size_t nt, const char *ls, struct ntlm_buf snip[3])
{
	html_begin(r, "propose-exceptions");
	printf("<h2>The list</h2>\n<table id=\"list\"><tr><th>ClientAllowedNTLMServers</th>"
	       "<td><code id=\"config\">");
	html_text(ls, 0);
	printf("</code></td></tr>\n<tr><th>entries</th><td class=\"n\" id=\"entries-count\">%zu"
	       "</td></tr>\n<tr><th>wildcards</th><td id=\"wildcards\" data-value=\"%s\">%s</td>"
	       "</tr>\n</table>\n",
	       ne, wildcards ? "true" : "false",
	       wildcards ? "allowed (--wildcards)" : "not used (exact names only)");

	struct entry_bar *eb = calloc(ne + 1, sizeof(*eb));
	struct hbar *bars = calloc(ne + 1, sizeof(*bars));
	if (!eb || !bars)
		die(r->cmd, "out of memory");
	for (size_t k = 0; k < ne; k++)
		eb[k].e = &e[k];
	qsort(eb, ne, sizeof(*eb), cmp_entry_bar);
	size_t shown = ne < TOP_ENTRIES ? ne : TOP_ENTRIES;
	for (size_t k = 0; k < shown; k++) {
		bars[k].label = eb[k].e->text;
		bars[k].n = eb[k].e->exchanges;
	}
	printf("<h2>What each entry keeps working</h2>\n<p>Exchanges seen working that each "
	       "entry admits, the %zu busiest of %zu entries.</p>\n",
	       shown, ne);
	svg_hbars("chart-entries", "Exchanges per entry", bars, shown, entry_bar_attr, eb);
	free(bars);
	free(eb);

	printf("<h2>Entries</h2>\n<table id=\"entries\"><thead><tr><th>entry</th><th>wildcard"
	       "</th><th>targets</th><th>flows</th><th>exchanges</th><th>last seen</th></tr>"
	       "</thead><tbody>\n");
	for (size_t k = 0; k < ne; k++) {
		printf("<tr class=\"entry\"");
		html_attr("data-entry", e[k].text);
		printf(" data-wildcard=\"%s\" data-flows=\"%llu\" data-exchanges=\"%llu\"",
		       e[k].wildcard ? "true" : "false", (unsigned long long)e[k].flows,
		       (unsigned long long)e[k].exchanges);
		html_attr("data-last-seen", e[k].last ? e[k].last : "");
		printf("><td>");
		html_text(e[k].text, 0);
		printf("</td><td>%s</td><td><ul>", e[k].wildcard ? "yes" : "no");
		for (size_t i = 0; i < nt; i++)
			if (t[i].entry == (int)k) {
				printf("<li class=\"target\">");
				html_text(t[i].target, 0);
				printf("</li>");
			}
		printf("</ul></td><td class=\"n\">%llu</td><td class=\"n\">%llu</td><td>",
		       (unsigned long long)e[k].flows, (unsigned long long)e[k].exchanges);
		html_text(e[k].last ? e[k].last : "-", 0);
		printf("</td></tr>\n");
	}
	printf("</tbody></table>\n<h2>Seen working, not listed</h2>\n<table id=\"not-listed\">"
	       "<thead><tr><th>target</th><th>why</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < nt; i++) {
		if (t[i].entry >= 0 || !t[i].legit)
			continue;
		printf("<tr class=\"not-listed\"");
		html_attr("data-target", t[i].target);
		html_attr("data-why", not_listed_why(&t[i]));
		printf("><td>");
		html_text(t[i].target, 0);
		printf("</td><td>%s</td></tr>\n", not_listed_why(&t[i]));
	}
	printf("</tbody></table>\n<h2>Kept out: seen denied</h2>\n<table id=\"denied\"><thead>"
	       "<tr><th>target</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < nt; i++) {
		if (!t[i].denied)
			continue;
		printf("<tr class=\"denied\"");
		html_attr("data-target", t[i].target);
		printf("><td>");
		html_text(t[i].target, 0);
		printf("</td></tr>\n");
	}
	static const char *const ids[3] = { "snippet-config", "snippet-inf", "snippet-reg" };
	printf("</tbody></table>\n<h2>To deploy</h2>\n");
	for (int k = 0; k < 3; k++) {
		printf("<pre id=\"%s\">", ids[k]);
		html_text(snip[k].p ? snip[k].p : "", 0);
		printf("</pre>\n");
	}
	html_end();
}

static void propose(struct run *r, bool wildcards)
{
	struct cell **cells;
	size_t nf;
	struct flow *fl = group(r, &cells, &nf);
	struct tgt *t = calloc(nf + 1, sizeof(*t));
	struct entry *e = calloc(nf + 1, sizeof(*e));
	size_t nt = 0, ne = 0;

	if (!t || !e)
		die(r->cmd, "out of memory");
	/* the outgoing targets, once each */
	for (size_t i = 0; i < nf; i++) {
		struct flow *f = &fl[i];
		if (strcmp(f->f[0], "out") != 0)
			continue;
		size_t k;
		for (k = 0; k < nt && strcmp(t[k].target, f->f[3]) != 0; k++)
			;
		if (k == nt) {
			t[nt].target = f->f[3];
			t[nt].host = f->cells[0]->host;
			t[nt].entry = -1;
			const char *sl = strpbrk(f->f[3], "/@");
			if (sl && t[nt].host)
				snprintf(t[nt].service, sizeof(t[nt].service), "%.*s",
					 (int)(sl - f->f[3]), f->f[3]);
			nt++;
		}
		uint64_t blocked = 0;
		for (size_t c = 0; c < f->n; c++)
			blocked += f->cells[c]->send_blocked;
		if (f->oc[OC_SUCCESS] + f->oc[OC_AUDITED])
			t[k].legit = true;
		if (blocked)
			t[k].denied = true;
		t[k].flows++;
		t[k].exchanges += f->count;
		if (f->last && (!t[k].last || strcmp(f->last, t[k].last) > 0))
			t[k].last = f->last;
	}
	/* wildcards first when asked: the parent that covers most, never one
	 * that admits a denied target */
	while (wildcards) {
		char best[300] = "";
		size_t best_n = 0;
		for (size_t i = 0; i < nt; i++) {
			if (!t[i].legit || t[i].denied || t[i].entry >= 0 || !t[i].host)
				continue;
			const char *dot = strchr(t[i].host, '.');
			/* "*.corp.example": at least two labels under the star */
			if (!dot || !strchr(dot + 1, '.'))
				continue;
			char cand[300];
			snprintf(cand, sizeof(cand), "*%s", dot);
			size_t n = 0;
			for (size_t j = 0; j < nt; j++)
				if (t[j].legit && !t[j].denied && t[j].entry < 0 &&
				    admits(r->cmd, cand, t[j].target))
					n++;
			if (n >= 2 && n > best_n && !admits_denied(r, cand, t, nt)) {
				best_n = n;
				snprintf(best, sizeof(best), "%s", cand);
			}
		}
		if (!best_n)
			break;
		snprintf(e[ne].text, sizeof(e[ne].text), "%s", best);
		e[ne].wildcard = true;
		for (size_t j = 0; j < nt; j++)
			if (t[j].legit && !t[j].denied && t[j].entry < 0 &&
			    admits(r->cmd, best, t[j].target))
				t[j].entry = (int)ne;
		ne++;
	}
	/* exact names: the host, or service/host when the host alone would admit
	 * a denied target */
	for (size_t i = 0; i < nt; i++) {
		if (!t[i].legit || t[i].denied || t[i].entry >= 0 || !t[i].host)
			continue;
		char cand[300];
		snprintf(cand, sizeof(cand), "%s", t[i].host);
		if (admits_denied(r, cand, t, nt) && t[i].service[0])
			snprintf(cand, sizeof(cand), "%s/%s", t[i].service, t[i].host);
		if (admits_denied(r, cand, t, nt) || !admits(r->cmd, cand, t[i].target))
			continue; /* left unlisted, and said so below */
		size_t k;
		for (k = 0; k < ne && strcasecmp(e[k].text, cand) != 0; k++)
			;
		if (k == ne)
			snprintf(e[ne++].text, sizeof(e[0].text), "%s", cand);
		t[i].entry = (int)k;
	}
	for (size_t i = 0; i < nt; i++) {
		if (t[i].entry < 0)
			continue;
		struct entry *x = &e[t[i].entry];
		x->targets++;
		x->flows += t[i].flows;
		x->exchanges += t[i].exchanges;
		if (t[i].last && (!x->last || strcmp(t[i].last, x->last) > 0))
			x->last = t[i].last;
	}
	/* the whole list, checked once more by the library */
	struct ntlm_buf list = { 0 };
	for (size_t k = 0; k < ne; k++)
		ntlm_buf_printf(&list, "%s%s", k ? ", " : "", e[k].text);
	const char *ls = list.p ? list.p : "";
	for (size_t i = 0; i < nt && ne; i++) {
		if (t[i].entry >= 0 && !admits(r->cmd, ls, t[i].target))
			die(r->cmd, "internal: the list does not admit '%s'", t[i].target);
		if (t[i].denied && admits(r->cmd, ls, t[i].target))
			die(r->cmd, "internal: the list admits the denied '%s'", t[i].target);
	}

	if (r->fmt == FMT_JSON) {
		json_header(r, "exceptions", 1);
		printf(",\"wildcards\":%s,\"entries\":[", wildcards ? "true" : "false");
		for (size_t k = 0; k < ne; k++) {
			printf("%s{\"entry\":", k ? "," : "");
			json_str(e[k].text);
			printf(",\"wildcard\":%s,\"targets\":[", e[k].wildcard ? "true" : "false");
			bool first = true;
			for (size_t i = 0; i < nt; i++)
				if (t[i].entry == (int)k) {
					printf("%s", first ? "" : ",");
					json_str(t[i].target);
					first = false;
				}
			printf("],\"flows\":%llu,\"exchanges\":%llu,\"last_seen\":",
			       (unsigned long long)e[k].flows, (unsigned long long)e[k].exchanges);
			json_str(e[k].last);
			printf("}");
		}
		printf("],\"not_listed\":[");
		bool first = true;
		for (size_t i = 0; i < nt; i++) {
			if (t[i].entry >= 0 || !t[i].legit)
				continue;
			printf("%s{\"target\":", first ? "" : ",");
			json_str(t[i].target);
			printf(",\"why\":\"%s\"}", not_listed_why(&t[i]));
			first = false;
		}
		printf("],\"denied\":[");
		first = true;
		for (size_t i = 0; i < nt; i++)
			if (t[i].denied) {
				printf("%s", first ? "" : ",");
				json_str(t[i].target);
				first = false;
			}
		printf("],\"config\":");
		json_str(ls);
		printf("}\n");
	} else if (r->fmt == FMT_HTML) {
		struct ntlm_buf snip[3] = { { 0 } };
		snippets(snip, ls, e, ne);
		html_propose(r, wildcards, e, ne, t, nt, ls, snip);
		for (int k = 0; k < 3; k++)
			ntlm_buf_free(&snip[k]);
	} else {
		text_header(r, "propose-exceptions", nf);
		printf("%zu entries for %s outgoing targets seen working%s\n", ne,
		       wildcards ? "the" : "the", wildcards ? " (wildcards allowed)" : "");
		for (size_t k = 0; k < ne; k++) {
			printf("  ");
			cell_text(e[k].text, 40);
			printf(" %llu targets, %llu flows, %llu exchanges, last seen %s\n",
			       (unsigned long long)e[k].targets, (unsigned long long)e[k].flows,
			       (unsigned long long)e[k].exchanges, e[k].last ? e[k].last : "-");
		}
		for (size_t i = 0; i < nt; i++) {
			if (t[i].entry >= 0 || !t[i].legit)
				continue;
			printf("  not listed: ");
			cell_text(t[i].target, 0);
			printf(" (%s)\n", t[i].denied ? "seen working and seen denied"
					  : !t[i].host
						  ? "not a target name an entry can match"
						  : "every entry for it admits a denied target");
		}
		for (size_t i = 0; i < nt; i++)
			if (t[i].denied) {
				printf("  kept out (seen denied): ");
				cell_text(t[i].target, 0);
				putchar('\n');
			}
		struct ntlm_buf snip[3] = { { 0 } };
		snippets(snip, ls, e, ne);
		for (int k = 0; k < 3; k++) {
			printf("\n%s", snip[k].p ? snip[k].p : "");
			ntlm_buf_free(&snip[k]);
		}
	}
	ntlm_buf_free(&list);
	free(t);
	free(e);
	free_all(r, fl, nf, cells);
}

/* ---- diff -------------------------------------------------------------------- */

static int cmp_flow_key(const struct flow *x, const struct flow *y)
{
	for (int i = 0; i < 5; i++) {
		int c = strcmp(x->f[i], y->f[i]);
		if (c)
			return c;
	}
	return 0;
}

static int cmp_flow_keys(const void *a, const void *b)
{
	return cmp_flow_key(a, b);
}

static bool legacy_class(const char *c)
{
	return strcmp(c, "LM") == 0 || strcmp(c, "NTLMv1") == 0 || strcmp(c, "NTLMv1-ESS") == 0;
}

/* Whether some flow of fl[0..n) (sorted by key) has field i equal to v. */
static bool any_field(const struct flow *fl, size_t n, int i, const char *v)
{
	for (size_t k = 0; k < n; k++)
		if (strcmp(fl[k].f[i], v) == 0)
			return true;
	return false;
}

static void diff_line(const struct flow *f, const char *what)
{
	printf("  %-4s ", f->f[0]);
	cell_text(f->f[1], 24);
	cell_text(f->f[2], 22);
	cell_text(f->f[3], 30);
	cell_text(f->f[4], 10);
	printf("%9llu  %s\n", (unsigned long long)f->count, what);
}

static void diff_json(const struct flow *f, bool *first)
{
	printf("%s{\"direction\":\"%s\",\"client\":", *first ? "" : ",", dir_name(f->f[0]));
	json_str(f->f[1]);
	printf(",\"account\":");
	json_str(f->f[2]);
	printf(",\"target\":");
	json_str(f->f[3]);
	printf(",\"class\":");
	json_str(f->f[4]);
	printf(",\"exchanges\":%llu,\"last_seen\":", (unsigned long long)f->count);
	json_str(f->last);
	printf("}");
	*first = false;
}

static const char *const diff_title[] = { "new clients", "new NTLMv1 / LM flows", "other new flows",
					  "flows gone" };
static const char *const diff_key[] = { "new_clients", "new_legacy_flows", "new_flows",
					"gone_flows" };

static void diff_kind_attr(size_t i, void *ctx)
{
	(void)ctx;
	html_attr("data-kind", diff_key[i]);
}

/* diff --html: OLD and NEW, a chart of the four counts, a table each. */
static void html_diff(struct run *a, struct run *b, size_t na, const struct flow *const *list[4],
		      const size_t count[4])
{
	html_begin(b, "diff");
	printf("<h2>Old</h2>\n<table id=\"old\"><tr><th>files</th><td>");
	for (size_t i = 0; i < a->n_files; i++) {
		printf("%s<span class=\"old-file\"", i ? ", " : "");
		html_attr("data-format", a->formats && a->formats[i] ? a->formats[i] : "");
		putchar('>');
		html_text(a->files[i], 0);
		printf("</span>");
	}
	printf("</td></tr>\n<tr><th>records</th><td class=\"n\" id=\"old-records\">%llu</td></tr>\n"
	       "<tr><th>refused</th><td class=\"n\" id=\"old-refused\">%llu</td></tr>\n"
	       "<tr><th>exchanges</th><td class=\"n\" id=\"old-exchanges\">%llu</td></tr>\n"
	       "<tr><th>flows</th><td class=\"n\" id=\"old-flows\">%zu</td></tr>\n</table>\n",
	       (unsigned long long)a->records, (unsigned long long)a->refused,
	       (unsigned long long)a->exchanges, na);
	struct hbar bars[4];
	for (int k = 0; k < 4; k++) {
		bars[k].label = diff_title[k];
		bars[k].n = count[k];
	}
	printf("<h2>What changed</h2>\n<p>Flows of the new log that the old one does not have, "
	       "by kind, and flows of the old log gone from the new one.</p>\n");
	svg_hbars("chart-changes", "Flows new and gone", bars, 4, diff_kind_attr, NULL);
	for (int k = 0; k < 4; k++) {
		printf("<h2>%s</h2>\n<table id=\"%s\"><thead><tr><th>direction</th><th>client</th>"
		       "<th>account</th><th>target</th><th>class</th><th>exchanges</th><th>last "
		       "seen</th></tr></thead><tbody>\n",
		       diff_title[k], diff_key[k]);
		for (size_t i = 0; i < count[k]; i++) {
			const struct flow *f = list[k][i];
			printf("<tr class=\"flow\"");
			flow_attrs(f);
			printf(" data-exchanges=\"%llu\"", (unsigned long long)f->count);
			html_attr("data-last-seen", f->last ? f->last : "");
			putchar('>');
			flow_cells(f);
			printf("<td class=\"n\">%llu</td><td>", (unsigned long long)f->count);
			html_text(f->last ? f->last : "-", 0);
			printf("</td></tr>\n");
		}
		printf("</tbody></table>\n");
	}
	html_end();
}

static void diff(struct run *a, struct run *b)
{
	struct cell **ca, **cb;
	size_t na, nb;
	struct flow *fa = group(a, &ca, &na), *fb = group(b, &cb, &nb);
	const struct flow **list[4];
	size_t count[4] = { 0 };

	qsort(fa, na, sizeof(*fa), cmp_flow_keys);
	qsort(fb, nb, sizeof(*fb), cmp_flow_keys);
	for (int k = 0; k < 4; k++)
		if (!(list[k] = calloc((k == 3 ? na : nb) + 1, sizeof(*list[k]))))
			die(b->cmd, "out of memory");
	/* kind: 0 new client, 1 new NTLMv1/LM flow, 2 other new flow, 3 gone */
	for (size_t i = 0; i < nb; i++) {
		const struct flow *f = &fb[i];
		if (bsearch(f, fa, na, sizeof(*fa), cmp_flow_keys))
			continue;
		/* NTLMv1 / LM first: the reason to look */
		int kind = legacy_class(f->f[4]) ? 1 : !any_field(fa, na, 1, f->f[1]) ? 0 : 2;
		list[kind][count[kind]++] = f;
	}
	for (size_t i = 0; i < na; i++)
		if (!bsearch(&fa[i], fb, nb, sizeof(*fb), cmp_flow_keys))
			list[3][count[3]++] = &fa[i];

	if (b->fmt == FMT_JSON) {
		json_header(b, "diff", 1);
		printf(",\"old\":{\"records\":%llu,\"exchanges\":%llu,\"flows\":%zu,\"refused\":%"
		       "llu,",
		       (unsigned long long)a->records, (unsigned long long)a->exchanges, na,
		       (unsigned long long)a->refused);
		json_files(a);
		putchar('}');
		for (int k = 0; k < 4; k++) {
			bool first = true;
			printf(",\"%s\":[", diff_key[k]);
			for (size_t i = 0; i < count[k]; i++)
				diff_json(list[k][i], &first);
			printf("]");
		}
		printf("}\n");
	} else if (b->fmt == FMT_HTML) {
		html_diff(a, b, na, (const struct flow *const **)list, count);
	} else {
		printf("ntlm audit diff: old %llu exchanges in %zu flows, new %llu "
		       "exchanges in %zu flows\n",
		       (unsigned long long)a->exchanges, na, (unsigned long long)b->exchanges, nb);
		printf("new: %zu clients, %zu NTLMv1 / LM flows, %zu other flows; gone: "
		       "%zu flows\n",
		       count[0], count[1], count[2], count[3]);
		for (int k = 0; k < 4; k++) {
			printf("\n%s:\n", diff_title[k]);
			for (size_t i = 0; i < count[k]; i++)
				diff_line(list[k][i], "");
		}
	}
	for (int k = 0; k < 4; k++)
		free(list[k]);
	free_all(a, fa, na, ca);
	free_all(b, fb, nb, cb);
}

/* ---- command line -------------------------------------------------------- */

void cmd_audit_usage(FILE *f)
{
	fputs("usage: ntlm audit report [--json|--csv|--html] [--exclude-anonymous] "
	      "[--exclude-machine] FILE...\n"
	      "       ntlm audit propose-exceptions [--wildcards] [--json|--html] FILE...\n"
	      "       ntlm audit diff [--json|--html] OLD NEW\n"
	      "       (each also takes --format NAME and --threads N)\n"
	      "       ntlm audit simulate --policy FILE [--policy FILE]... "
	      "[--json|--csv|--html]\n"
	      "                           [--exclude-anonymous] [--exclude-machine] FILE...\n"
	      "\n"
	      "FILE is an audit log, plain or gzip-compressed (told apart by content);\n"
	      "'-' is not accepted. Its format is told from its first bytes, or named by\n"
	      "--format:",
	      f);
	for (size_t i = 0; audit_input_formats[i]; i++)
		fprintf(f, "%s %s", i ? "," : "", audit_input_formats[i]->name);
	fputs(" (docs/audit.md \"Inputs\").\n"
	      "\n"
	      "  report    who uses NTLM, NTLMv1 and LM, to which targets: exchanges\n"
	      "            folded into flows (direction, client, account, target, class)\n"
	      "            with counts and first / last seen\n"
	      "  simulate  each flow's verdict under a candidate policy (a native config,\n"
	      "            an INF or a .reg; several files: later wins), decided by the\n"
	      "            library's own decision function: what would newly be denied,\n"
	      "            by which setting; records that lack a needed fact are counted\n"
	      "            as undecidable, never guessed\n"
	      "\n"
	      "  propose-exceptions\n"
	      "            the smallest ClientAllowedNTLMServers list that keeps every\n"
	      "            outgoing target seen working, exact names first (wildcards\n"
	      "            such as *.corp.example only with --wildcards), never an entry\n"
	      "            that admits a target seen denied; as a config snippet, an INF\n"
	      "            line and a .reg, each entry with its evidence\n"
	      "\n"
	      "  diff      what changed from the log OLD to the log NEW: new clients,\n"
	      "            new NTLMv1 / LM flows, other new flows, flows gone\n"
	      "\n"
	      "  --json                one JSON object (schema ntlm-audit-report/1.2,\n"
	      "                        -simulate/1.1, -exceptions/1.1, -diff/1.1)\n"
	      "  --csv                 one row per flow\n"
	      "  --html                one static page with charts:\n"
	      "                        no script, nothing loaded from elsewhere\n"
	      "  --format NAME         read every FILE as NAME, not detected\n"
	      "  --threads N           read on N threads (default: the CPUs it may use): a\n"
	      "                        file each, or one plain file cut into ranges, or a\n"
	      "                        gzip file inflated apart; the output is the same\n"
	      "  --exclude-anonymous   leave anonymous logons out (the output says how many)\n"
	      "  --exclude-machine     leave computer accounts (NAME$) out\n"
	      "  -h, --help            show this help\n"
	      "\n"
	      "Records that are not valid are reported with file:line on stderr and\n"
	      "skipped; the exit status is then 2. docs/audit.md walks through the steps.\n",
	      f);
}

/* The CPUs this process may run on, at most MAX_READ_THREADS. */
static size_t cpus(void)
{
	cpu_set_t set;
	long n = sched_getaffinity(0, sizeof(set), &set) == 0 ? CPU_COUNT(&set)
							      : sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > MAX_READ_THREADS ? MAX_READ_THREADS : (size_t)n;
}

enum {
	OPT_POLICY = 256,
	OPT_WILDCARDS,
	OPT_JSON,
	OPT_CSV,
	OPT_HTML,
	OPT_EXCLUDE_ANONYMOUS,
	OPT_EXCLUDE_MACHINE,
	OPT_FORMAT,
	OPT_THREADS,
};

/* simulate: all; propose-exceptions: from the second; report, diff: from
 * the third. */
static const struct option audit_opts[] = {
	{ "policy", required_argument, NULL, OPT_POLICY },
	{ "wildcards", no_argument, NULL, OPT_WILDCARDS },
	{ "help", no_argument, NULL, 'h' },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "threads", required_argument, NULL, OPT_THREADS },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "csv", no_argument, NULL, OPT_CSV },
	{ "html", no_argument, NULL, OPT_HTML },
	{ "exclude-anonymous", no_argument, NULL, OPT_EXCLUDE_ANONYMOUS },
	{ "exclude-machine", no_argument, NULL, OPT_EXCLUDE_MACHINE },
	{ NULL, 0, NULL, 0 },
};

int cmd_audit(const struct tool_cmd *self, int argc, char **argv)
{
	struct run r = { 0 };
	const char *policies[TOOL_MAX_CONFIGS];
	size_t n_pol = 0;
	const char **files = calloc((size_t)argc + 1, sizeof(*files));
	size_t nf = 0;
	const char *v;

	r.cmd = self;
	if (argc < 2)
		usage_error(self, "no subcommand (report, simulate)");
	const char *sub = argv[1];
	if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0) {
		cmd_audit_usage(stdout);
		free(files);
		return 0;
	}
	bool sim = strcmp(sub, "simulate") == 0, prop = strcmp(sub, "propose-exceptions") == 0;
	bool dif = strcmp(sub, "diff") == 0;
	bool wildcards = false;
	if (!sim && !prop && !dif && strcmp(sub, "report") != 0)
		usage_error(self, "unknown subcommand '%s'", sub);
	if (!files)
		die(self, "out of memory");
	/* The options of the other subcommands are unknown options here. */
	const struct option *opts = sim ? audit_opts : prop ? audit_opts + 1 : audit_opts + 2;
	int ch;

	optind = 0;
	while ((ch = tool_getopt_exact(self, argc - 1, argv + 1, "h", opts, &v)) != -1) {
		switch (ch) {
		case 'h':
			cmd_audit_usage(stdout);
			free(files);
			return 0;
		case OPT_JSON:
			r.fmt = FMT_JSON;
			break;
		case OPT_CSV:
			r.fmt = FMT_CSV;
			break;
		case OPT_HTML:
			r.fmt = FMT_HTML;
			break;
		case OPT_EXCLUDE_ANONYMOUS:
			r.excl_anon = true;
			break;
		case OPT_EXCLUDE_MACHINE:
			r.excl_machine = true;
			break;
		case OPT_WILDCARDS:
			wildcards = true;
			break;
		case OPT_FORMAT:
			r.format = v;
			for (size_t i = 0; audit_input_formats[i]; i++)
				if (strcmp(audit_input_formats[i]->name, v) == 0)
					goto known;
			char b[200];
			usage_error(self, "unknown --format '%s' (docs/audit.md \"Inputs\")",
				    safe_arg(v, false, b, 40));
		known:
			break;
		case OPT_THREADS: {
			char *end, tb[200];
			unsigned long t = strtoul(v, &end, 10);
			if (!*v || *end || v[0] < '1' || v[0] > '9' || t > MAX_READ_THREADS)
				usage_error(self, "--threads takes 1 to %d, not '%s'",
					    MAX_READ_THREADS, safe_arg(v, false, tb, 40));
			r.threads = t;
			break;
		}
		default: /* OPT_POLICY */
			if (n_pol == TOOL_MAX_CONFIGS)
				usage_error(self, "more than %d --policy files", TOOL_MAX_CONFIGS);
			policies[n_pol++] = v;
			break;
		}
	}
	for (int i = 1 + optind; i < argc; i++)
		files[nf++] = argv[i];
	if (!nf)
		usage_error(self, "no audit log given");
	if (sim && !n_pol)
		usage_error(self, "simulate needs --policy FILE (the candidate)");
	if (!r.threads)
		r.threads = cpus();
	r.files = files;
	r.n_files = nf;
	r.formats = calloc(nf + 1, sizeof(*r.formats));
	if (!r.formats)
		die(self, "out of memory");
	r.facts = sim;

	struct ntlm_policy *cand = NULL;
	char cand_name[1024] = "";
	if (sim) {
		ntlm_status st = ntlm_policy_load_files(policies, n_pol, &cand);
		if (st != NTLM_OK)
			die_status(self, st);
		size_t used = 0;
		for (size_t i = 0; i < n_pol && used < sizeof(cand_name); i++) {
			int n = snprintf(cand_name + used, sizeof(cand_name) - used, "%s%s",
					 i ? " + " : "", policies[i]);
			if (n < 0)
				break;
			used += (size_t)n;
		}
	}
	if ((prop || dif) && r.fmt == FMT_CSV)
		usage_error(self, "%s writes a table, --json or --html", sub);
	r.want_series = !sim && !prop && !dif;
	if (dif) {
		if (nf != 2)
			usage_error(self, "diff takes two files: OLD NEW");
		struct run old = r;
		old.files = files;
		old.n_files = 1;
		r.files = files + 1;
		r.formats++;
		r.n_files = 1;
		read_all(&old);
		read_all(&r);
		diff(&old, &r);
		free(old.formats);
		free(files);
		return old.refused || r.refused ? EXIT_USAGE : 0;
	}
	read_all(&r);
	if (sim)
		simulate(&r, cand, cand_name);
	else if (prop)
		propose(&r, wildcards);
	else
		report(&r);
	ntlm_policy_free(cand);
	free(r.formats);
	free(files);
	return r.refused ? EXIT_USAGE : 0;
}
