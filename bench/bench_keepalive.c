/* SPDX-License-Identifier: MIT */
/*
 * bench_keepalive: the keep-alive load of bench_httpd without libcurl, so
 * that the client costs little beside the server it measures. Each of N
 * connections is a plain nonblocking TCP socket; T threads (--threads, 1 by
 * default) each drive their share of them with epoll. On each connection:
 *
 *   phase 1: the NTLM handshake through the library's client context
 *            (GET with "Authorization: NTLM <NEGOTIATE>", a 401 whose
 *            "WWW-Authenticate: NTLM <CHALLENGE>" is answered with the
 *            AUTHENTICATE, which must get 200): request 1 of M;
 *   phase 2: M - 1 plain GETs on the same connection, one at a time (the
 *            next is sent when the previous answer is whole).
 *
 * Every answer is read by its headers and Content-Length and must be a 200
 * (a 401 to the NEGOTIATE) whose body arrives whole (a 200's is not empty);
 * a chunked answer, "Connection: close", a closed
 * connection, bytes nobody asked for or no answer within 120 s fail the run
 * (exit 1, with a message). No connection is ever opened again, so the
 * server must keep every authentication for the whole run. With --audit,
 * the audit file must gain exactly N success events (9005), one per
 * connection.
 *
 * Prints the lines of bench_httpd: handshakes/s (N / phase 1), requests/s of
 * the keep-alive phase (N * (M - 1) / phase 2), overall requests/s, and with
 * --server-pid PID the CPU time per keep-alive request of the server
 * (utime + stime of PID, from /proc) and of this client (every thread).
 *
 * With --logons K, each logon is a new connection instead: N clients each
 * make K logons one after the other, a logon being connect, NEGOTIATE, 401
 * with the CHALLENGE, AUTHENTICATE, 200 whose body arrives whole, then this
 * client closes the connection (the server may close it after the 200).
 * --requests is not used. Prints logons/s, the p50 and p99 of a logon's
 * time (connect to the whole 200), with --server-pid the CPU per logon of
 * the server and of this client, and with --audit wants N * K success
 * events. With --body TEXT every 200's body must be TEXT, byte for byte.
 *
 * --rate R (with --logons): an open loop. Logon s of the N * K (s = k * N +
 * c for client c's logon k) is due at start + s / R, R logons per second in
 * all; a client starts it when it is due and its previous logon is done, and
 * its time counts from when it was due, so a queue anywhere shows ("late":
 * started over 1 ms after its time). Prints, besides the lines above, one
 * line in bench_handshake's words ("clients N, offered R/s, handshakes ...
 * latency p50 ..., p99 ..."), so that make bench reads both the same way.
 *
 * usage: bench_keepalive --url http://HOST:PORT/PATH --user 'DOMAIN\user'
 *                        --password PW [--connections N] [--requests M]
 *                        [--logons K [--rate R]] [--body TEXT] [--threads T]
 *                        [--audit FILE] [--server-pid PID]
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <ntlmssp.h>
#include <ntlmssp/unstable.h>

#include "bench_util.h"

#define IN_MAX 16384 /* the headers of one answer must fit */
#define TIMEOUT_MS 120000
#define LOGONS_MAX 10000000UL /* N * K: one latency (a double) kept per logon */

enum state {
	S_IDLE,		/* nothing asked */
	S_NEGOTIATE,	/* NEGOTIATE sent, a 401 with the CHALLENGE awaited */
	S_AUTHENTICATE, /* AUTHENTICATE sent, a 200 awaited */
	S_GET,		/* plain GET sent, a 200 awaited */
};

struct bench {
	const char *host, *port, *path;
	const char *get; /* the plain request, the same for every connection */
	size_t get_len;
	struct addrinfo *ai;
	struct ntlm_policy *pol;
	struct ntlm_cred *cred;
	unsigned n, m, threads;
	unsigned logons;       /* K: a new connection per logon; 0: keep-alive */
	double rate;	       /* --rate: logons/s in all (open loop); 0: closed loop */
	struct timespec epoch; /* --rate: when logon 0 is due */
	const char *expect;    /* --body: what every 200 must carry, or NULL */
	size_t expect_len;
	pthread_barrier_t start, phase1, phase2;
};

struct conn {
	int fd;
	unsigned id;
	enum state st;
	bool out_armed; /* EPOLLOUT asked for */
	struct ntlm_ctx *ctx;
	unsigned ok;	 /* answers of 200 */
	const char *req; /* the request being sent (b->get or c->own) */
	size_t req_len, req_off;
	char *own;     /* handshake request, allocated */
	size_t in_len; /* header bytes kept in in[] */
	bool in_body;  /* the headers were read; body_left bytes to come */
	size_t body_left;
	size_t body_off;     /* body bytes read (checked against --body) */
	unsigned logons;     /* --logons: logons done */
	struct timespec t0;  /* --logons: when this logon's connect began */
	struct timespec due; /* --rate: when this logon is due (its time counts from it) */
	bool waiting;	     /* --rate: the next logon waits until it is due */
	int code;	     /* of the answer being read */
	long body;	     /* its Content-Length */
	uint8_t *auth;	     /* the AUTHENTICATE, sent once the 401's body is read */
	size_t auth_len;
	char in[IN_MAX + 1];
};

struct worker {
	struct bench *b;
	pthread_t th;
	int ep;
	struct conn *c; /* its connections */
	unsigned nc, active;
	double *lat; /* --logons: each logon's time, seconds (--rate: from when it was due) */
	double *svc; /* --rate: each logon's time from its connect */
	size_t nlat;
	unsigned long late; /* --rate: logons started over 1 ms after they were due */
	int tfd;	    /* --rate: a timer for the next logon due */
	bool failed;
	char error[512];
};

static double secs(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void failf(struct worker *w, const struct conn *c, const char *fmt, ...)
{
	if (w->failed)
		return; /* the first failure says why */
	w->failed = true;
	int k = c ? snprintf(w->error, sizeof(w->error), "connection %u: ", c->id) : 0;
	if (k < 0 || (size_t)k >= sizeof(w->error))
		k = 0;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(w->error + k, sizeof(w->error) - (size_t)k, fmt, ap);
	va_end(ap);
}

static bool arm_out(struct worker *w, struct conn *c, bool on)
{
	struct epoll_event ev = { .events = EPOLLIN | (on ? EPOLLOUT : 0), .data.ptr = c };
	if (epoll_ctl(w->ep, EPOLL_CTL_MOD, c->fd, &ev) != 0) {
		failf(w, c, "epoll_ctl: %s", strerror(errno));
		return false;
	}
	c->out_armed = on;
	return true;
}

/* Sends what is left of c->req; waits for EPOLLOUT when the socket is full. */
static bool flush_req(struct worker *w, struct conn *c)
{
	while (c->req_off < c->req_len) {
		ssize_t k = send(c->fd, c->req + c->req_off, c->req_len - c->req_off, MSG_NOSIGNAL);
		if (k > 0) {
			c->req_off += (size_t)k;
			continue;
		}
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return c->out_armed || arm_out(w, c, true);
		failf(w, c, "send: %s", k < 0 ? strerror(errno) : "nothing sent");
		return false;
	}
	if (c->out_armed)
		return arm_out(w, c, false);
	return true;
}

static bool send_req(struct worker *w, struct conn *c, const char *req, size_t len, enum state st)
{
	c->req = req;
	c->req_len = len;
	c->req_off = 0;
	c->st = st;
	c->in_len = 0;
	c->in_body = false;
	return flush_req(w, c);
}

static bool send_get(struct worker *w, struct conn *c)
{
	return send_req(w, c, w->b->get, w->b->get_len, S_GET);
}

/* A GET carrying "Authorization: NTLM <token>"; the token is freed. */
static bool send_token(struct worker *w, struct conn *c, uint8_t *tok, size_t len, enum state st)
{
	struct bench *b = w->b;
	char *text = NULL;
	ntlm_status s = ntlm_base64_encode(tok, len, &text);
	ntlm_free(tok);
	if (s != NTLM_OK) {
		failf(w, c, "base64: %s", ntlm_status_name(s));
		return false;
	}
	free(c->own);
	size_t cap = strlen(text) + strlen(b->path) + strlen(b->host) + strlen(b->port) + 64;
	c->own = malloc(cap);
	if (!c->own) {
		ntlm_free(text);
		failf(w, c, "out of memory");
		return false;
	}
	int k = snprintf(c->own, cap,
			 "GET %s HTTP/1.1\r\nHost: %s:%s\r\nAuthorization: NTLM %s\r\n\r\n",
			 b->path, b->host, b->port, text);
	ntlm_free(text);
	return send_req(w, c, c->own, (size_t)k, st);
}

static bool start_handshake(struct worker *w, struct conn *c)
{
	struct bench *b = w->b;
	uint8_t *tok = NULL;
	size_t len = 0;
	ntlm_status s = ntlm_client_new(b->pol, b->cred, "HTTP/bench", 0, &c->ctx);
	if (s == NTLM_OK)
		s = ntlm_step(c->ctx, NULL, 0, &tok, &len);
	if (s != NTLM_CONTINUE) {
		failf(w, c, "NEGOTIATE: %s: %s", ntlm_status_name(s), ntlm_error_message());
		return false;
	}
	return send_token(w, c, tok, len, S_NEGOTIATE);
}

/* The value of the first "WWW-Authenticate: NTLM <token>" header of h
 * (NUL-terminated header block), or NULL; *len gets its length. */
static const char *ntlm_challenge(const char *h, size_t *len)
{
	static const char name[] = "www-authenticate:";
	for (const char *p = strchr(h, '\n'); p; p = strchr(p, '\n')) {
		p++;
		if (strncasecmp(p, name, sizeof(name) - 1) != 0)
			continue;
		const char *v = p + sizeof(name) - 1;
		while (*v == ' ' || *v == '\t')
			v++;
		if (strncasecmp(v, "NTLM ", 5) != 0)
			continue;
		v += 5;
		size_t k = strcspn(v, "\r\n");
		while (k && (v[k - 1] == ' ' || v[k - 1] == '\t'))
			k--;
		*len = k;
		return v;
	}
	return NULL;
}

/* The value of header name (lower case, with the colon) in h, or NULL. */
static const char *header(const char *h, const char *name)
{
	size_t nl = strlen(name);
	for (const char *p = strchr(h, '\n'); p; p = strchr(p, '\n')) {
		p++;
		if (strncasecmp(p, name, nl) == 0) {
			p += nl;
			while (*p == ' ' || *p == '\t')
				p++;
			return p;
		}
	}
	return NULL;
}

/* A new connection for c, in w's epoll set. In --logons mode the connect
 * is not waited for: the first send finds the socket not yet writable and
 * waits for EPOLLOUT (a refused connect then fails that send). */
static bool open_conn(struct worker *w, struct conn *c)
{
	struct bench *b = w->b;
	c->fd = -1;
	for (struct addrinfo *a = b->ai; a; a = a->ai_next) {
		int fd = socket(a->ai_family,
				a->ai_socktype | SOCK_CLOEXEC | (b->logons ? SOCK_NONBLOCK : 0),
				a->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, a->ai_addr, a->ai_addrlen) == 0 ||
		    (b->logons && errno == EINPROGRESS)) {
			c->fd = fd;
			break;
		}
		close(fd);
	}
	if (c->fd < 0) {
		failf(w, c, "cannot connect to %s:%s: %s", b->host, b->port, strerror(errno));
		return false;
	}
	int one = 1;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	int fl = b->logons ? 0 : fcntl(c->fd, F_GETFL);
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
	c->out_armed = false;
	if (fl < 0 || (!b->logons && fcntl(c->fd, F_SETFL, fl | O_NONBLOCK) != 0) ||
	    epoll_ctl(w->ep, EPOLL_CTL_ADD, c->fd, &ev) != 0) {
		failf(w, c, "socket setup: %s", strerror(errno));
		return false;
	}
	return true;
}

/* --logons: a new connection and its NEGOTIATE. */
static bool start_logon(struct worker *w, struct conn *c)
{
	clock_gettime(CLOCK_MONOTONIC, &c->t0);
	return open_conn(w, c) && start_handshake(w, c);
}

/* --rate: when c's next logon (its c->logons-th) is due. */
static void set_due(const struct bench *b, struct conn *c)
{
	c->due = bench_after(b->epoch, ((double)c->logons * b->n + c->id) / b->rate);
	c->waiting = true;
}

static bool before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec <= b->tv_nsec);
}

/* --rate: starts every logon of w that is due, and sets w's timer to the
 * next one due (or stops it). */
static bool start_due(struct worker *w)
{
	struct timespec now;
	const struct timespec *next = NULL;
	clock_gettime(CLOCK_MONOTONIC, &now);
	for (unsigned i = 0; i < w->nc; i++) {
		struct conn *c = &w->c[i];
		if (!c->waiting)
			continue;
		if (before(&c->due, &now)) {
			c->waiting = false;
			if (secs(&c->due, &now) > 1e-3)
				w->late++;
			if (!start_logon(w, c))
				return false;
			continue;
		}
		if (!next || before(&c->due, next))
			next = &c->due;
	}
	struct itimerspec it = { .it_value = next ? *next : (struct timespec){ 0 } };
	if (timerfd_settime(w->tfd, TFD_TIMER_ABSTIME, &it, NULL) != 0) {
		failf(w, NULL, "timerfd_settime: %s", strerror(errno));
		return false;
	}
	return true;
}

/* --logons: c's logon got its 200, whole: its time is kept, the connection
 * closed, and the next logon started (--rate: when it is due). */
static bool logon_done(struct worker *w, struct conn *c)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	if (w->b->rate > 0) {
		w->svc[w->nlat] = secs(&c->t0, &t);
		w->lat[w->nlat++] = secs(&c->due, &t);
	} else {
		w->lat[w->nlat++] = secs(&c->t0, &t);
	}
	close(c->fd); /* (which takes it out of the epoll set) */
	c->fd = -1;
	c->st = S_IDLE;
	free(c->own);
	c->own = NULL;
	if (++c->logons < w->b->logons) {
		if (w->b->rate <= 0)
			return start_logon(w, c);
		set_due(w->b, c);
		return start_due(w);
	}
	w->active--;
	return true;
}

/* A whole answer of status code arrived on c: the next step. */
static bool answered(struct worker *w, struct conn *c, int code, long body)
{
	struct bench *b = w->b;

	if (code == 200 && body == 0) {
		failf(w, c, "a 200 without a body");
		return false;
	}
	switch (c->st) {
	case S_AUTHENTICATE:
		if (code != 200) {
			failf(w, c, "the AUTHENTICATE was answered %d (wrong password?)", code);
			return false;
		}
		if (b->logons)
			return logon_done(w, c);
		c->ok++;
		c->st = S_IDLE;
		free(c->own);
		c->own = NULL;
		w->active--;
		return true;
	case S_GET:
		if (code != 200) {
			failf(w, c, "request %u on the authenticated connection was answered %d",
			      c->ok + 1, code);
			return false;
		}
		if (++c->ok < b->m)
			return send_get(w, c);
		c->st = S_IDLE;
		w->active--;
		return true;
	default:
		failf(w, c, "an answer (%d) nobody asked for", code);
		return false;
	}
}

/* k more bytes of the body of c's answer: a 200's must be --body's. */
static bool check_body(struct worker *w, struct conn *c, const char *p, size_t k)
{
	const struct bench *b = w->b;
	if (c->code == 200 && b->expect && memcmp(p, b->expect + c->body_off, k) != 0) {
		failf(w, c, "the body of a 200 is not --body's (from byte %zu)", c->body_off);
		return false;
	}
	c->body_off += k;
	return true;
}

/* The header block of an answer is c->in[0 .. hl), NUL-terminated in place
 * of its blank line; c->in_len - hl bytes of the body follow it. */
static bool headers(struct worker *w, struct conn *c, size_t hl)
{
	const char *h = c->in;
	if (strncmp(h, "HTTP/1.", 7) != 0 || (h[7] != '0' && h[7] != '1') || h[8] != ' ' ||
	    h[9] < '1' || h[9] > '5' || h[10] < '0' || h[10] > '9' || h[11] < '0' || h[11] > '9' ||
	    (h[12] != ' ' && h[12] != '\r' && h[12] != '\0')) {
		failf(w, c, "not an HTTP answer: %.40s", h);
		return false;
	}
	int code = (h[9] - '0') * 100 + (h[10] - '0') * 10 + (h[11] - '0');
	if (c->st == S_AUTHENTICATE && code != 200) {
		failf(w, c, "the AUTHENTICATE was answered %d (wrong password?)", code);
		return false;
	}
	if (header(h, "transfer-encoding:")) {
		failf(w, c, "a chunked answer (%d): this client reads Content-Length only", code);
		return false;
	}
	const char *conn = header(h, "connection:");
	if (conn && strncasecmp(conn, "close", 5) == 0 &&
	    !(w->b->logons && c->st == S_AUTHENTICATE && code == 200)) {
		failf(w, c, "the server closes the connection (answer %d)", code);
		return false;
	}
	const char *cl = header(h, "content-length:");
	char *end = NULL;
	errno = 0;
	unsigned long long body = cl ? strtoull(cl, &end, 10) : 0;
	if (!cl || errno || end == cl || (*end != '\r' && *end != ' ' && *end != '\0') ||
	    body > (1ull << 30)) {
		failf(w, c, "answer %d without a usable Content-Length", code);
		return false;
	}
	if (c->st == S_NEGOTIATE) {
		size_t len = 0;
		const char *v = code == 401 ? ntlm_challenge(h, &len) : NULL;
		if (!v) {
			failf(w, c, "the NEGOTIATE was answered %d without an NTLM challenge",
			      code);
			return false;
		}
		uint8_t *chal = NULL;
		size_t chal_len = 0;
		ntlm_status s = ntlm_base64_decode(v, len, NTLM_MAX_TOKEN, &chal, &chal_len);
		if (s == NTLM_OK)
			s = ntlm_step(c->ctx, chal, chal_len, &c->auth, &c->auth_len);
		ntlm_free(chal);
		if (s != NTLM_OK) {
			failf(w, c, "CHALLENGE: %s: %s", ntlm_status_name(s), ntlm_error_message());
			return false;
		}
	}
	size_t have = c->in_len - hl;
	if (have > body) {
		failf(w, c, "%zu bytes after the answer nobody asked for", have - (size_t)body);
		return false;
	}
	c->code = code;
	c->body = (long)body;
	c->body_left = (size_t)body - have;
	c->body_off = 0;
	c->in_body = true;
	if (code == 200 && w->b->expect && body != w->b->expect_len) {
		failf(w, c, "a 200 of %llu bytes, not the %zu of --body", body, w->b->expect_len);
		return false;
	}
	return check_body(w, c, c->in + hl, have);
}

/* The whole answer (headers and body) of c arrived. */
static bool whole(struct worker *w, struct conn *c)
{
	c->in_body = false;
	c->in_len = 0;
	if (c->st == S_NEGOTIATE) { /* a 401 with a CHALLENGE: send the AUTHENTICATE */
		uint8_t *auth = c->auth;
		c->auth = NULL;
		ntlm_ctx_free(c->ctx); /* the AUTHENTICATE is all we need of it */
		c->ctx = NULL;
		return send_token(w, c, auth, c->auth_len, S_AUTHENTICATE);
	}
	return answered(w, c, c->code, c->body);
}

/* c is readable: one recv, and what it brings. */
static bool readable(struct worker *w, struct conn *c)
{
	if (c->st == S_IDLE) {
		failf(w, c, "the server sent bytes or closed the connection unasked");
		return false;
	}
	ssize_t k;
	if (c->in_body) { /* the body is counted, not kept */
		char sink[IN_MAX];
		k = recv(c->fd, sink, sizeof(sink), 0);
		if (k > 0) {
			if ((size_t)k > c->body_left) {
				failf(w, c, "%zu bytes after the answer nobody asked for",
				      (size_t)k - c->body_left);
				return false;
			}
			c->body_left -= (size_t)k;
			if (!check_body(w, c, sink, (size_t)k))
				return false;
			return c->body_left ? true : whole(w, c);
		}
		goto error;
	}
	k = recv(c->fd, c->in + c->in_len, IN_MAX - c->in_len, 0);
	if (k > 0) {
		size_t old = c->in_len;
		c->in_len += (size_t)k;
		c->in[c->in_len] = '\0';
		size_t from = old > 3 ? old - 3 : 0;
		char *e = memmem(c->in + from, c->in_len - from, "\r\n\r\n", 4);
		if (!e) {
			if (c->in_len == IN_MAX) {
				failf(w, c, "headers over %d bytes", IN_MAX);
				return false;
			}
			return true;
		}
		size_t hl = (size_t)(e - c->in) + 4;
		*e = '\0';
		if (!headers(w, c, hl))
			return false;
		return c->body_left ? true : whole(w, c);
	}
error:
	if (k == 0) {
		failf(w, c, "the server closed the connection (after %u answers of 200)", c->ok);
		return false;
	}
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return true;
	failf(w, c, "recv: %s", strerror(errno));
	return false;
}

/* Runs w's connections until none is waiting for an answer. */
static void loop(struct worker *w)
{
	struct epoll_event ev[64];
	while (!w->failed && w->active) {
		if (w->b->rate > 0 && !start_due(w))
			return;
		int k = epoll_wait(w->ep, ev, 64, TIMEOUT_MS);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			failf(w, NULL, "epoll_wait: %s", strerror(errno));
			return;
		}
		if (k == 0) {
			failf(w, NULL, "%u connections without an answer for %d s", w->active,
			      TIMEOUT_MS / 1000);
			return;
		}
		for (int i = 0; i < k && !w->failed; i++) {
			struct conn *c = ev[i].data.ptr;
			if (!c) { /* --rate: the timer; start_due runs at the top */
				uint64_t n;
				if (read(w->tfd, &n, sizeof(n)) < 0 && errno != EAGAIN)
					failf(w, NULL, "timerfd read: %s", strerror(errno));
				continue;
			}
			if ((ev[i].events & EPOLLOUT) && !flush_req(w, c))
				return;
			if ((ev[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) && !readable(w, c))
				return;
		}
	}
}

static void *run(void *arg)
{
	struct worker *w = arg;
	struct bench *b = w->b;

	w->ep = epoll_create1(EPOLL_CLOEXEC);
	if (w->ep < 0)
		failf(w, NULL, "epoll_create1: %s", strerror(errno));
	if (b->rate > 0 && w->ep >= 0) {
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };
		w->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
		if (w->tfd < 0 || epoll_ctl(w->ep, EPOLL_CTL_ADD, w->tfd, &ev) != 0)
			failf(w, NULL, "timerfd: %s", strerror(errno));
	}
	for (unsigned i = 0; !b->logons && i < w->nc && !w->failed; i++)
		open_conn(w, &w->c[i]);
	pthread_barrier_wait(&b->start);
	for (unsigned i = 0; i < w->nc && !w->failed; i++) {
		if (b->rate > 0) /* started by loop, each when due */
			set_due(b, &w->c[i]);
		if (b->rate > 0 ||
		    (b->logons ? start_logon(w, &w->c[i]) : start_handshake(w, &w->c[i])))
			w->active++;
	}
	loop(w);
	pthread_barrier_wait(&b->phase1);
	for (unsigned i = 0; !b->logons && b->m > 1 && i < w->nc && !w->failed; i++)
		if (send_get(w, &w->c[i]))
			w->active++;
	loop(w);
	pthread_barrier_wait(&b->phase2);
	for (unsigned i = 0; i < w->nc; i++) {
		struct conn *c = &w->c[i];
		if (c->fd >= 0)
			close(c->fd);
		ntlm_ctx_free(c->ctx);
		ntlm_free(c->auth);
		free(c->own);
	}
	if (w->ep >= 0)
		close(w->ep);
	if (w->tfd >= 0)
		close(w->tfd);
	return NULL;
}

/* The lines of the keep-alive mode (those of bench_httpd). */
static void report_keepalive(const struct bench *b, unsigned long ok, double p1, double p2,
			     double all)
{
	unsigned long total = (unsigned long)b->n * b->m;
	printf("connections            %u (%u client threads, no libcurl)\n", b->n, b->threads);
	printf("requests/connection    %u\n", b->m);
	printf("requests ok            %lu of %lu\n", ok, total);
	printf("handshake phase        %.3f s   %.1f handshakes/s\n", p1, b->n / p1);
	if (b->m > 1)
		printf("keep-alive phase       %.3f s   %.1f requests/s\n", p2,
		       (double)b->n * (b->m - 1) / p2);
	printf("overall                %.3f s   %.1f requests/s\n", all, total / all);
}

/* The lines of --logons: logons/s over the run, p50 and p99 of a logon. */
static void report_logons(const struct bench *b, struct worker *w, unsigned long ok, double t)
{
	size_t n = 0;
	for (unsigned i = 0; i < b->threads; i++)
		n += w[i].nlat;
	double *all = malloc((n ? n : 1) * sizeof(*all));
	printf("clients                %u (%u client threads, no libcurl), a new connection per "
	       "logon\n",
	       b->n, b->threads);
	printf("logons/client          %u\n", b->logons);
	printf("logons ok              %lu of %lu\n", ok, (unsigned long)b->n * b->logons);
	printf("logon phase            %.3f s   %.1f logons/s\n", t, (double)ok / t);
	if (!all || !n)
		goto out;
	size_t k = 0;
	for (unsigned i = 0; i < b->threads; k += w[i].nlat, i++)
		memcpy(all + k, w[i].lat, w[i].nlat * sizeof(*all));
	qsort(all, n, sizeof(*all), cmp_double);
	printf("logon time             p50 %.3f ms   p99 %.3f ms%s\n", rank_pct(all, n, 50) * 1e3,
	       rank_pct(all, n, 99) * 1e3, b->rate > 0 ? " (from when each was due)" : "");
	if (b->rate > 0) {
		unsigned long late = 0;
		for (unsigned i = 0; i < b->threads; i++)
			late += w[i].late;
		unsigned long total = (unsigned long)b->n * b->logons;
		printf("clients %u, offered %.1f/s, handshakes %lu (%lu failed, %lu late) in %.3f "
		       "s: "
		       "%.1f handshakes/s, latency p50 %.2f ms, p99 %.2f ms, max %.2f ms",
		       b->n, b->rate, total, total - ok, late, t, (double)ok / t,
		       rank_pct(all, n, 50) * 1e3, rank_pct(all, n, 99) * 1e3, all[n - 1] * 1e3);
		k = 0;
		for (unsigned i = 0; i < b->threads; k += w[i].nlat, i++)
			memcpy(all + k, w[i].svc, w[i].nlat * sizeof(*all));
		qsort(all, n, sizeof(*all), cmp_double);
		printf(" (service alone: p50 %.2f ms, p99 %.2f ms)\n", rank_pct(all, n, 50) * 1e3,
		       rank_pct(all, n, 99) * 1e3);
	}
out:
	free(all);
}

/* count_success once the audit file stopped growing: a server writes its
 * records every 100 ms, so those of a run just before this one (a warm-up)
 * may still be on their way. At most 3 s. */
static long settled_success(const char *path)
{
	long n = count_success(path), last = -2;
	for (int i = 0; i < 20 && n >= 0 && n != last; i++) {
		nanosleep(&(struct timespec){ .tv_nsec = 150000000L }, NULL);
		last = n;
		n = count_success(path);
	}
	return n;
}

/* "http://HOST[:PORT][/PATH]" into b (host, port, path point into buf). */
static bool parse_url(struct bench *b, const char *url, char *buf, size_t len)
{
	if (strncmp(url, "http://", 7) != 0 || strlen(url + 7) + 2 > len)
		return false;
	const char *rest = url + 7;
	size_t hp = strcspn(rest, "/");
	memcpy(buf, rest, hp);
	buf[hp] = '\0';
	b->path = rest[hp] ? rest + hp : "/";
	char *colon = strrchr(buf, ':');
	b->port = "80";
	if (colon) {
		*colon = '\0';
		b->port = colon + 1;
	}
	b->host = buf;
	return *b->host && *b->port;
}

int main(int argc, char **argv)
{
	struct bench b = { .n = 16, .m = 100, .threads = 1 };
	struct worker *w = NULL;
	struct conn *conns = NULL;
	const char *url = NULL, *user = NULL, *pw = NULL, *audit = NULL;
	long server_pid = 0;
	double srv[3] = { 0 }, cli[3] = { 0 }; /* at the start, after phase 1, 2 */
	char hostbuf[512], *get = NULL;
	int rc = 2;

	for (int i = 1; i < argc; i += 2) { /* every option takes a value */
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!v) {
			fprintf(stderr, "bench_keepalive: %s needs a value\n", a);
			return 2;
		}
		if (strcmp(a, "--url") == 0)
			url = v;
		else if (strcmp(a, "--user") == 0)
			user = v;
		else if (strcmp(a, "--password") == 0)
			pw = v;
		else if (strcmp(a, "--connections") == 0)
			b.n = (unsigned)bench_number("bench_keepalive", a, v, 100000);
		else if (strcmp(a, "--requests") == 0)
			b.m = (unsigned)bench_number("bench_keepalive", a, v, 100000);
		else if (strcmp(a, "--threads") == 0)
			b.threads = (unsigned)bench_number("bench_keepalive", a, v, 100000);
		else if (strcmp(a, "--logons") == 0)
			b.logons = (unsigned)bench_number("bench_keepalive", a, v, 100000);
		else if (strcmp(a, "--rate") == 0) {
			if (!bench_rate("bench_keepalive", v, &b.rate))
				return 2;
		} else if (strcmp(a, "--body") == 0) {
			b.expect = v;
			b.expect_len = strlen(v);
		} else if (strcmp(a, "--audit") == 0)
			audit = v;
		else if (strcmp(a, "--server-pid") == 0) {
			char *end;
			errno = 0;
			server_pid = strtol(v, &end, 10);
			if (errno || end == v || *end || server_pid <= 0) {
				fprintf(stderr,
					"bench_keepalive: --server-pid wants a process id\n");
				return 2;
			}
		} else {
			fprintf(stderr, "bench_keepalive: unknown option %s\n", a);
			return 2;
		}
	}
	if (!url || !user || !pw) {
		fprintf(stderr,
			"usage: bench_keepalive --url http://HOST:PORT/PATH --user 'DOMAIN\\user'\n"
			"                       --password PW [--connections N] [--requests M]\n"
			"                       [--logons K [--rate R]] [--body TEXT] [--threads "
			"T]\n"
			"                       [--audit FILE] [--server-pid PID]\n");
		return 2;
	}
	if (!parse_url(&b, url, hostbuf, sizeof(hostbuf))) {
		fprintf(stderr, "bench_keepalive: --url wants http://HOST[:PORT][/PATH]\n");
		return 2;
	}
	if (b.rate > 0 && !b.logons) {
		fprintf(stderr, "bench_keepalive: --rate needs --logons\n");
		return 2;
	}
	if (b.threads > b.n)
		b.threads = b.n;
	if ((unsigned long)b.n * b.logons > LOGONS_MAX) {
		fprintf(stderr, "bench_keepalive: --connections x --logons over %lu\n", LOGONS_MAX);
		return 2;
	}
	const char *bs = strchr(user, '\\');
	if (!bs) {
		fprintf(stderr, "bench_keepalive: --user wants DOMAIN\\user\n");
		return 2;
	}
	char domain[256];
	if ((size_t)(bs - user) >= sizeof(domain)) {
		fprintf(stderr, "bench_keepalive: the domain is too long\n");
		return 2;
	}
	memcpy(domain, user, (size_t)(bs - user));
	domain[bs - user] = '\0';
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
	int gai = getaddrinfo(b.host, b.port, &hints, &b.ai);
	if (gai != 0) {
		fprintf(stderr, "bench_keepalive: %s:%s: %s\n", b.host, b.port, gai_strerror(gai));
		return 2;
	}
	ntlm_status s = ntlm_policy_new("cis", &b.pol);
	if (s == NTLM_OK)
		s = ntlm_cred_new_password(domain, bs + 1, pw, &b.cred);
	if (s != NTLM_OK) {
		fprintf(stderr, "bench_keepalive: %s: %s\n", ntlm_status_name(s),
			ntlm_error_message());
		goto out;
	}
	size_t cap = strlen(b.path) + strlen(b.host) + strlen(b.port) + 64;
	get = malloc(cap);
	w = calloc(b.threads, sizeof(*w));
	conns = calloc(b.n, sizeof(*conns));
	if (!get || !w || !conns) {
		fprintf(stderr, "bench_keepalive: out of memory\n");
		goto out;
	}
	b.get_len = (size_t)snprintf(get, cap, "GET %s HTTP/1.1\r\nHost: %s:%s\r\n\r\n", b.path,
				     b.host, b.port);
	b.get = get;
	long before = audit ? settled_success(audit) : 0;
	if (before < 0) {
		fprintf(stderr, "bench_keepalive: cannot read %s\n", audit);
		goto out;
	}
	pthread_barrier_init(&b.start, NULL, b.threads + 1);
	pthread_barrier_init(&b.phase1, NULL, b.threads + 1);
	pthread_barrier_init(&b.phase2, NULL, b.threads + 1);
	for (unsigned i = 0; i < b.n; i++) {
		conns[i].id = i;
		conns[i].fd = -1;
	}
	unsigned started = 0;
	for (unsigned i = 0, first = 0; i < b.threads; i++) {
		unsigned share = b.n / b.threads + (i < b.n % b.threads);
		w[i].b = &b;
		w[i].ep = -1;
		w[i].tfd = -1;
		w[i].c = conns + first;
		w[i].nc = share;
		first += share;
		size_t nl = (size_t)share * b.logons;
		if (b.logons && (!(w[i].lat = malloc(nl * sizeof(double))) ||
				 (b.rate > 0 && !(w[i].svc = malloc(nl * sizeof(double)))))) {
			fprintf(stderr, "bench_keepalive: out of memory\n");
			goto out;
		}
	}
	for (; started < b.threads; started++)
		if (pthread_create(&w[started].th, NULL, run, &w[started]) != 0)
			break;
	if (started < b.threads) {
		fprintf(stderr, "bench_keepalive: could start only %u threads\n", started);
		exit(2); /* the barriers cannot be released: give up at once */
	}
	struct timespec t0, t1, t2;
	if (server_pid) {
		srv[0] = proc_cpu(server_pid);
		cli[0] = self_cpu();
	}
	/* --rate: logon 0 is due 50 ms from now, once every thread has set up */
	b.epoch = bench_epoch(0.05);
	pthread_barrier_wait(&b.start);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (b.rate > 0)
		t0 = b.epoch;
	pthread_barrier_wait(&b.phase1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (server_pid) {
		srv[1] = proc_cpu(server_pid);
		cli[1] = self_cpu();
	}
	pthread_barrier_wait(&b.phase2);
	clock_gettime(CLOCK_MONOTONIC, &t2);
	if (server_pid) {
		srv[2] = proc_cpu(server_pid);
		cli[2] = self_cpu();
	}
	for (unsigned i = 0; i < b.threads; i++)
		pthread_join(w[i].th, NULL);
	pthread_barrier_destroy(&b.start);
	pthread_barrier_destroy(&b.phase1);
	pthread_barrier_destroy(&b.phase2);

	unsigned long ok = 0, failed = 0;
	for (unsigned i = 0; i < b.n; i++)
		ok += b.logons ? conns[i].logons : conns[i].ok;
	for (unsigned i = 0; i < b.threads; i++)
		if (w[i].failed) {
			failed++;
			fprintf(stderr, "bench_keepalive: %s\n", w[i].error);
		}
	double p1 = secs(&t0, &t1), p2 = secs(&t1, &t2), all = secs(&t0, &t2);
	unsigned long total = (unsigned long)b.n * (b.logons ? b.logons : b.m);
	long want = b.logons ? (long)total : (long)b.n; /* success events */
	if (b.logons) {
		report_logons(&b, w, ok, p1);
		if (server_pid && srv[0] >= 0 && srv[1] >= 0 && ok)
			printf("CPU/logon              server %.1f us, client %.1f us\n",
			       (srv[1] - srv[0]) * 1e6 / (double)ok,
			       (cli[1] - cli[0]) * 1e6 / (double)ok);
	} else {
		report_keepalive(&b, ok, p1, p2, all);
		if (server_pid && b.m > 1 && srv[1] >= 0 && srv[2] >= 0) {
			double k = (double)b.n * (b.m - 1);
			printf("keep-alive CPU/request server %.1f us, client %.1f us\n",
			       (srv[2] - srv[1]) * 1e6 / k, (cli[2] - cli[1]) * 1e6 / k);
		}
	}
	rc = 0;
	if (failed || ok != total) {
		fprintf(stderr, "bench_keepalive: FAIL: %lu of %lu %s answered 200\n", ok, total,
			b.logons ? "logons" : "requests");
		rc = 1;
	}
	if (audit) {
		/* The server writes its audit file every 100 ms (buffered): give
		 * the last records time to arrive; more than wanted still fails. */
		long after = count_success(audit);
		for (int i = 0; i < 30 && after >= 0 && after - before < want; i++) {
			nanosleep(&(struct timespec){ .tv_nsec = 100000000L }, NULL);
			after = count_success(audit);
		}
		printf("audit 9005 events      %ld (want %ld)\n", after - before, want);
		if (after - before != want) {
			fprintf(stderr,
				"bench_keepalive: FAIL: %ld success events for %ld logons\n",
				after - before, want);
			rc = 1;
		}
	}
out:
	for (unsigned i = 0; w && i < b.threads; i++) {
		free(w[i].lat);
		free(w[i].svc);
	}
	ntlm_cred_free(b.cred);
	ntlm_policy_free(b.pol);
	if (b.ai)
		freeaddrinfo(b.ai);
	free(get);
	free(conns);
	free(w);
	return rc;
}
