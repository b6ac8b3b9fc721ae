/* SPDX-License-Identifier: MIT */
/*
 * ntlm server over TCP: accept NTLM clients (length-prefixed frames, one
 * thread per connection up to a cap, a deadline on every read), echo each
 * message back sealed or signed, and print one line per connection
 * (docs/cli.md).
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "server.h"

#define LINGER_MS 2000		     /* after our last frame, for the peer's FIN */
#define LINGER_MAX 32		     /* refused connections lingering at once */
#define THREAD_STACK (1024u * 1024u) /* a connection needs ~20 KiB; room for sanitizers */

struct conn {
	struct server *srv;
	unsigned slot;
	int fd;
	char peer[320];
};

static volatile sig_atomic_t stop_signal, reload_signal;

/* ---- one TCP connection --------------------------------------------------- */

/* Sends "<word> <text>" as one frame, cut to the handshake frame limit. */
static enum frame_rc send_text(struct conn *c, const char *word, const char *text,
			       int64_t deadline_ms)
{
	char frame[FRAME_TOKEN_MAX], err[128];
	int n = snprintf(frame, sizeof(frame), "%s %s", word, text);
	size_t len = n < 0 ? 0 : (size_t)n;

	if (len >= sizeof(frame))
		len = sizeof(frame) - 1;
	return frame_write(c->fd, (const uint8_t *)frame, len, deadline_ms, err, sizeof(err));
}

/* Sends "FAIL <reason>" (best effort: the connection ends anyway). */
static void send_fail(struct conn *c, const char *reason)
{
	(void)send_text(c, "FAIL", reason, peer_now_ms() + c->srv->timeout_ms);
}

/* A failed frame read: what the line says, and what the client is told. */
static void read_failed(struct conn *c, struct outcome *oc, enum frame_rc rc, const char *err,
			const char *waiting_for)
{
	char reason[300];

	switch (rc) {
	case FRAME_EOF:
		snprintf(oc->text, sizeof(oc->text), "closed: before the %s", waiting_for);
		break;
	case FRAME_TIMEOUT:
		snprintf(oc->text, sizeof(oc->text), "timeout: waiting for the %s", waiting_for);
		send_fail(c, "timeout: no complete message in time");
		break;
	case FRAME_TOO_LARGE:
		snprintf(reason, sizeof(reason), "%s: %s: %s",
			 ntlm_status_name(NTLM_E_TOKEN_TOO_LARGE), waiting_for, err);
		snprintf(oc->text, sizeof(oc->text), "malformed: %s", reason);
		send_fail(c, reason);
		break;
	default:
		snprintf(oc->text, sizeof(oc->text), "error: reading the %s: %s", waiting_for, err);
		break;
	}
}

/* The library refused a step: tell the client, record why. */
static void step_failed(struct conn *c, struct outcome *oc, ntlm_status st)
{
	char reason[600];

	server_client_reason(st, reason, sizeof(reason));
	send_fail(c, reason);
	server_failure_text(st, oc->text, sizeof(oc->text));
}

/* Echo every message until the empty end frame. */
static void serve_data(struct conn *c, struct ntlm_ctx *ctx, struct outcome *oc)
{
	uint8_t *frame = NULL, *plain = xmalloc(FRAME_DATA_MAX), *out = xmalloc(FRAME_DATA_MAX);
	char err[256], what[40], reason[600];
	size_t len;
	enum frame_rc rc;
	ntlm_status st;

	for (;;) {
		snprintf(what, sizeof(what), "message %lu", oc->messages + 1);
		rc = frame_read(c->fd, FRAME_DATA_MAX, peer_now_ms() + c->srv->timeout_ms, &frame,
				&len, err, sizeof(err));
		if (rc == FRAME_EOF) {
			snprintf(oc->text, sizeof(oc->text),
				 "authenticated: closed without the end frame");
			break;
		}
		if (rc != FRAME_OK) {
			read_failed(c, oc, rc, err, what);
			break;
		}
		if (len == 0) {
			rc = frame_write(c->fd, NULL, 0, peer_now_ms() + c->srv->timeout_ms, err,
					 sizeof(err));
			snprintf(oc->text, sizeof(oc->text), "authenticated");
			break;
		}
		if (len < 16) {
			snprintf(reason, sizeof(reason),
				 "%s: %s of %zu bytes has no 16-byte signature",
				 ntlm_status_name(NTLM_E_TRUNCATED), what, len);
			send_fail(c, reason);
			snprintf(oc->text, sizeof(oc->text), "malformed: %s", reason);
			break;
		}
		st = peer_unwrap(ctx, frame, len, plain);
		if (st == NTLM_OK)
			st = peer_wrap(ctx, plain, len - 16, out);
		if (st != NTLM_OK) {
			char full[500];
			peer_status_text(st, full, sizeof(full));
			snprintf(reason, sizeof(reason), "%s: %s", what, full);
			send_fail(c, reason);
			snprintf(oc->text, sizeof(oc->text), "failed: %s", reason);
			break;
		}
		rc = frame_write(c->fd, out, len, peer_now_ms() + c->srv->timeout_ms, err,
				 sizeof(err));
		if (rc != FRAME_OK) {
			snprintf(oc->text, sizeof(oc->text), "error: answering the %s: %s", what,
				 err);
			break;
		}
		oc->messages++;
		free(frame);
		frame = NULL;
	}
	free(frame);
	free(plain);
	free(out);
}

/* The audit event of a handshake read that failed (rate limited). */
static void handshake_event(struct conn *c, enum frame_rc rc, const char *what, const char *err)
{
	struct fe_live *l = &c->srv->live;
	bool evicted;

	pthread_mutex_lock(&c->srv->lock);
	evicted = c->srv->slots[c->slot].evicted;
	pthread_mutex_unlock(&c->srv->lock);
	if (evicted)
		return; /* its eviction is the event */
	if (rc == FRAME_TIMEOUT)
		fe_live_event(l, NTLM_EVENT_HANDSHAKE_TIMEOUT, c->peer,
			      "no complete %s within the handshake deadline (%d s; "
			      "--handshake-timeout): connection closed",
			      what, c->srv->handshake_ms / 1000);
	else if (rc == FRAME_TOO_LARGE)
		fe_live_event(l, NTLM_EVENT_MALFORMED_REQUEST, c->peer, "%s: %s", what, err);
	else if (strcmp(what, "AUTHENTICATE") == 0)
		fe_live_event(l, NTLM_EVENT_HANDSHAKE_ABANDONED, c->peer,
			      "connection closed after the CHALLENGE, without an AUTHENTICATE "
			      "(%s)",
			      err);
}

static void serve_conn(struct conn *c)
{
	struct server *srv = c->srv;
	struct ntlm_ctx *ctx = NULL;
	struct outcome oc = { 0 };
	uint8_t *in = NULL, *out = NULL;
	size_t in_len, out_len;
	char err[256], line[4096];
	/* The handshake has one absolute deadline, however slowly it trickles. */
	int64_t deadline = peer_now_ms() + srv->handshake_ms;
	struct fe_gen *gen = fe_live_get(&srv->live);
	enum frame_rc rc;
	ntlm_status st;

	st = ntlm_server_new(gen->policy, gen->accounts, &ctx);
	if (st == NTLM_OK && gen->audit)
		st = ntlm_ctx_set_audit(ctx, gen->audit);
	if (st == NTLM_OK)
		st = ntlm_ctx_require(ctx, srv->require);
	if (st == NTLM_OK)
		st = ntlm_ctx_set_peer(ctx, c->peer);
	if (st != NTLM_OK) {
		step_failed(c, &oc, st);
		goto out;
	}
	rc = frame_read(c->fd, FRAME_TOKEN_MAX, deadline, &in, &in_len, err, sizeof(err));
	if (rc != FRAME_OK) {
		read_failed(c, &oc, rc, err, "NEGOTIATE");
		handshake_event(c, rc, "NEGOTIATE", err);
		goto out;
	}
	st = ntlm_step(ctx, in, in_len, &out, &out_len);
	if (st != NTLM_CONTINUE) {
		step_failed(c, &oc, st == NTLM_OK ? NTLM_E_BAD_STATE : st);
		if (ntlm_status_kind(st) == NTLM_KIND_MALFORMED)
			fe_live_event(&srv->live, NTLM_EVENT_MALFORMED_REQUEST, c->peer,
				      "NEGOTIATE refused as %s", oc.text);
		goto out;
	}
	rc = frame_write(c->fd, out, out_len, deadline, err, sizeof(err));
	if (rc != FRAME_OK) {
		snprintf(oc.text, sizeof(oc.text), "error: sending the CHALLENGE: %s", err);
		goto out;
	}
	free(in);
	in = NULL;
	rc = frame_read(c->fd, FRAME_TOKEN_MAX, deadline, &in, &in_len, err, sizeof(err));
	if (rc != FRAME_OK) {
		read_failed(c, &oc, rc, err, "AUTHENTICATE");
		handshake_event(c, rc, "AUTHENTICATE", err);
		goto out;
	}
	ntlm_free(out);
	out = NULL;
	st = ntlm_step(ctx, in, in_len, &out, &out_len);
	if (st != NTLM_OK) {
		step_failed(c, &oc, st == NTLM_CONTINUE ? NTLM_E_BAD_STATE : st);
		goto out;
	}
	pthread_mutex_lock(&srv->lock);
	srv->slots[c->slot].authed = true;
	pthread_mutex_unlock(&srv->lock);
	server_user_name(ctx, false, line, sizeof(line));
	if (send_text(c, "OK", line, deadline) != FRAME_OK) {
		snprintf(oc.text, sizeof(oc.text), "error: sending the result");
		goto out;
	}
	serve_data(c, ctx, &oc);
out:
	pthread_mutex_lock(&srv->lock);
	if (srv->slots[c->slot].evicted)
		snprintf(oc.text, sizeof(oc.text),
			 "evicted: closed before authentication to make room for a client "
			 "(--max-connections)");
	server_summary(c->peer, ctx, &oc, line, sizeof(line));
	printf("%s\n", line);
	fflush(stdout);
	pthread_mutex_unlock(&srv->lock);
	free(in);
	ntlm_free(out);
	ntlm_ctx_free(ctx);
	fe_live_put(&srv->live, gen);
}

static void *conn_thread(void *arg)
{
	struct conn *c = arg;
	struct server *srv = c->srv;

	serve_conn(c);
	peer_linger(c->fd, peer_now_ms() + LINGER_MS);
	pthread_mutex_lock(&srv->lock);
	close(c->fd); /* under the lock: stop_all() never sees a reused number */
	if (!srv->slots[c->slot].evicted)
		srv->held--;
	srv->slots[c->slot] = (struct slot){ .fd = -1 };
	srv->active--;
	pthread_cond_signal(&srv->idle);
	pthread_mutex_unlock(&srv->lock);
	free(c);
	return NULL;
}

/* ---- the listener --------------------------------------------------------- */

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		reload_signal = 1;
	else
		stop_signal = sig;
}

static int open_listener(const struct tool_cmd *self, const struct server_opts *o)
{
	char err[160], shown[300];
	int fd = -1, family;

	switch (fe_listen(o->host, o->port, true, &fd, &family, err, sizeof(err))) {
	case FE_LISTEN_OK:
		return fd;
	case FE_LISTEN_RESOLVE:
		fprintf(stderr, "ntlm %s: cannot resolve %s: %s\n", self->name,
			safe_arg(o->host, false, shown, sizeof(shown)), err);
		return -1;
	default:
		fprintf(stderr, "ntlm %s: cannot listen on %s: %s\n", self->name,
			safe_arg(o->listen, false, shown, sizeof(shown)), err);
		return -1;
	}
}

/* A refused connection: its FAIL frame is sent, and the main loop reads
 * and drops what the client still sends until it closes or time is up. */
struct lingerer {
	int fd;
	int64_t until;
};

/* Refuses a connection without a thread: a short FAIL frame that fits the
 * socket buffer, our FIN, and the connection joins the lingerers. */
static void refuse(struct server *srv, int fd, const char *peer, const char *msg, const char *why,
		   struct lingerer *lg, unsigned *nlg)
{
	uint8_t frame[4 + 128] = { 0 };
	size_t n = strlen(msg) < 128 ? strlen(msg) : 128;

	frame[3] = (uint8_t)n;
	memcpy(frame + 4, msg, n);
	(void)send(fd, frame, 4 + n, MSG_DONTWAIT | MSG_NOSIGNAL);
	shutdown(fd, SHUT_WR);
	if (*nlg < LINGER_MAX)
		lg[(*nlg)++] = (struct lingerer){ fd, peer_now_ms() + LINGER_MS };
	else
		close(fd);
	pthread_mutex_lock(&srv->lock);
	printf("peer=%s user=- response=- flags=0x00000000 names=- protection=- messages=0 "
	       "outcome=refused: server busy (%s)\n",
	       peer, why);
	fflush(stdout);
	pthread_mutex_unlock(&srv->lock);
}

/* Reads and drops what lingering clients send; closes the finished ones. */
static void linger_service(struct lingerer *lg, unsigned *nlg, const struct pollfd *pfds)
{
	uint8_t scratch[4096];
	int64_t now = peer_now_ms();

	for (unsigned i = *nlg; i-- > 0;) {
		bool done = now >= lg[i].until;
		if (!done && pfds[i].revents) {
			ssize_t r = recv(lg[i].fd, scratch, sizeof(scratch), MSG_DONTWAIT);
			done = r == 0 ||
			       (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
		}
		if (done) {
			close(lg[i].fd);
			lg[i] = lg[--*nlg];
		}
	}
}

/* Under the lock: connections held (not evicted) from addr. */
static unsigned from_addr(const struct server *srv, const char *addr)
{
	unsigned n = 0;
	for (unsigned i = 0; i < srv->nslots; i++)
		if (srv->slots[i].fd >= 0 && !srv->slots[i].evicted &&
		    strcmp(srv->slots[i].addr, addr) == 0)
			n++;
	return n;
}

/*
 * Under the lock, at --max-connections: the slot a newcomer from an address
 * that holds `mine` connections may take over, or -1. As in ntlm httpd
 * (docs/httpd.md "Limits"), slots are shared fairly: the victim is an
 * unauthenticated connection of the address that holds the most, and only
 * if that address holds more than the newcomer's would. (Slots are not in
 * age order here; any unauthenticated one of that address will do.)
 */
static int victim_for(const struct server *srv, unsigned mine)
{
	int victim = -1;
	unsigned most = 0;

	for (unsigned i = 0; i < srv->nslots; i++) {
		const struct slot *s = &srv->slots[i];
		if (s->fd < 0 || s->evicted || s->authed)
			continue;
		unsigned n = from_addr(srv, s->addr);
		if (n > most) {
			most = n;
			victim = (int)i;
		}
	}
	return victim >= 0 && most >= mine + 1 ? victim : -1;
}

enum start_rc { START_OK, START_PER_IP, START_FULL, START_THREAD };

/* Starts a thread for the connection, making room at the cap (the evicted
 * connection's address in *evicted); otherwise why it may not start. */
static enum start_rc start_conn(struct server *srv, int fd, const char *peer, const char *addr,
				char *evicted, size_t evicted_len)
{
	struct conn *c;
	pthread_attr_t attr;
	pthread_t t;
	unsigned slot = 0;
	int one = 1;
	enum start_rc rc = START_OK;

	evicted[0] = '\0';
	pthread_mutex_lock(&srv->lock);
	unsigned mine = from_addr(srv, addr);
	if (srv->max_per_ip && mine >= srv->max_per_ip) {
		pthread_mutex_unlock(&srv->lock);
		return START_PER_IP;
	}
	if (srv->held >= srv->max_conns) {
		int v = victim_for(srv, mine);
		if (v < 0 || srv->active >= srv->nslots) {
			pthread_mutex_unlock(&srv->lock);
			return START_FULL;
		}
		srv->slots[v].evicted = true;
		srv->held--;
		shutdown(srv->slots[v].fd, SHUT_RDWR);
		snprintf(evicted, evicted_len, "%s", srv->slots[v].addr);
	}
	while (srv->slots[slot].fd >= 0)
		slot++;
	srv->slots[slot] = (struct slot){ .fd = fd };
	snprintf(srv->slots[slot].addr, sizeof(srv->slots[slot].addr), "%s", addr);
	srv->active++;
	srv->held++;
	pthread_mutex_unlock(&srv->lock);

	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c = xmalloc(sizeof(*c));
	c->srv = srv;
	c->fd = fd;
	c->slot = slot;
	snprintf(c->peer, sizeof(c->peer), "%s", peer);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, THREAD_STACK);
	if (pthread_create(&t, &attr, conn_thread, c) != 0) {
		free(c);
		pthread_mutex_lock(&srv->lock);
		srv->slots[slot] = (struct slot){ .fd = -1 };
		srv->active--;
		srv->held--;
		pthread_mutex_unlock(&srv->lock);
		rc = START_THREAD;
	}
	pthread_attr_destroy(&attr);
	return rc;
}

/* Ends every connection and waits for the threads to finish. */
static void stop_all(struct server *srv)
{
	pthread_mutex_lock(&srv->lock);
	for (unsigned i = 0; i < srv->nslots; i++)
		if (srv->slots[i].fd >= 0)
			shutdown(srv->slots[i].fd, SHUT_RDWR);
	while (srv->active > 0)
		pthread_cond_wait(&srv->idle, &srv->lock);
	pthread_mutex_unlock(&srv->lock);
}

int server_run_tcp(const struct tool_cmd *self, const struct server_opts *o, struct server *srv)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct sigaction sa = { 0 };
	sigset_t block, orig;
	struct lingerer lg[LINGER_MAX];
	unsigned nlg = 0;
	char addr[300], why[64];
	int lfd, ret = 0;

	lfd = open_listener(self, o);
	if (lfd < 0)
		return EXIT_USAGE;
	if (getsockname(lfd, (struct sockaddr *)&ss, &sl) == 0)
		fe_sockaddr_text((struct sockaddr *)&ss, addr, sizeof(addr));
	else
		snprintf(addr, sizeof(addr), "%s", o->listen);

	/* SIGINT/SIGTERM (stop) and SIGHUP (reload) are blocked everywhere
	 * (threads inherit the mask) and delivered only inside ppoll() below. */
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &block, &orig);
	sigdelset(&orig, SIGINT);
	sigdelset(&orig, SIGTERM);
	sigdelset(&orig, SIGHUP);

	printf("listening on %s\n", addr);
	fflush(stdout);
	while (!stop_signal) {
		struct pollfd pfds[1 + LINGER_MAX];
		struct timespec ts, *tsp = NULL;
		int64_t wait_ms = -1, now = peer_now_ms();

		if (reload_signal) {
			char msg[1024];
			reload_signal = 0;
			if (fe_live_reload(&srv->live, msg, sizeof(msg)))
				fprintf(stderr,
					"ntlm %s: SIGHUP: policy, accounts and audit file "
					"reloaded\n",
					self->name);
			else
				fprintf(stderr,
					"ntlm %s: SIGHUP: reload failed, keeping the old one: %s\n",
					self->name, msg);
		}
		fe_live_flush(&srv->live, false);
		/* Wake up now and then: the count of suppressed events goes out
		 * when its window ends. */
		wait_ms = FE_EVENTS_WINDOW_MS;
		pfds[0] = (struct pollfd){ .fd = lfd, .events = POLLIN };
		for (unsigned i = 0; i < nlg; i++) {
			pfds[1 + i] = (struct pollfd){ .fd = lg[i].fd, .events = POLLIN };
			int64_t left = lg[i].until > now ? lg[i].until - now : 0;
			if (wait_ms < 0 || left < wait_ms)
				wait_ms = left;
		}
		if (wait_ms >= 0) {
			ts.tv_sec = (time_t)(wait_ms / 1000);
			ts.tv_nsec = (long)(wait_ms % 1000) * 1000000;
			tsp = &ts;
		}
		int r = ppoll(pfds, 1 + nlg, tsp, &orig);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			fprintf(stderr, "ntlm %s: poll: %s\n", self->name, strerror(errno));
			ret = EXIT_USAGE;
			break;
		}
		linger_service(lg, &nlg, pfds + 1);
		if (!(pfds[0].revents & POLLIN))
			continue;
		sl = sizeof(ss);
		int fd = accept4(lfd, (struct sockaddr *)&ss, &sl, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
			    errno == ENOMEM) {
				/* Out of descriptors: let connections finish, try later. */
				struct timespec pause = { 0, 100 * 1000 * 1000 };
				nanosleep(&pause, NULL);
			}
			continue;
		}
		fe_sockaddr_text((struct sockaddr *)&ss, addr, sizeof(addr));
		char ip[64], evicted[64];
		fe_sockaddr_addr((struct sockaddr *)&ss, ip, sizeof(ip));
		switch (start_conn(srv, fd, addr, ip, evicted, sizeof(evicted))) {
		case START_OK:
			if (evicted[0])
				fe_live_event(
					&srv->live, NTLM_EVENT_CONN_EVICTED, evicted,
					"unauthenticated connection closed to make room for %s "
					"(--max-connections %u reached)",
					ip, srv->max_conns);
			continue;
		case START_PER_IP:
			snprintf(why, sizeof(why), "%u connections from this address",
				 srv->max_per_ip);
			refuse(srv, fd, addr,
			       "FAIL server busy: too many connections from your address", why, lg,
			       &nlg);
			fe_live_event(&srv->live, NTLM_EVENT_CONN_REFUSED, ip,
				      "connection refused: %u connections from this address "
				      "(--max-per-ip)",
				      srv->max_per_ip);
			continue;
		case START_FULL:
			snprintf(why, sizeof(why), "%u connections", srv->max_conns);
			refuse(srv, fd, addr, "FAIL server busy: too many connections", why, lg,
			       &nlg);
			fe_live_event(&srv->live, NTLM_EVENT_CONN_REFUSED, ip,
				      "connection refused: %u connections, none that may give way "
				      "(--max-connections)",
				      srv->max_conns);
			continue;
		default:
			snprintf(why, sizeof(why), "cannot start a thread");
			refuse(srv, fd, addr, "FAIL server busy: too many connections", why, lg,
			       &nlg);
		}
	}
	for (unsigned i = 0; i < nlg; i++)
		close(lg[i].fd);
	close(lfd);
	stop_all(srv);
	if (stop_signal)
		fprintf(stderr, "ntlm %s: stopped by %s\n", self->name,
			stop_signal == SIGINT ? "SIGINT" : "SIGTERM");
	return ret;
}
