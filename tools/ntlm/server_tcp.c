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

static volatile sig_atomic_t stop_signal;

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

static void serve_conn(struct conn *c)
{
	struct server *srv = c->srv;
	struct ntlm_ctx *ctx = NULL;
	struct outcome oc = { 0 };
	uint8_t *in = NULL, *out = NULL;
	size_t in_len, out_len;
	char err[256], line[4096];
	int64_t deadline = peer_now_ms() + srv->timeout_ms;
	enum frame_rc rc;
	ntlm_status st;

	st = ntlm_server_new(srv->policy, srv->accounts, &ctx);
	if (st == NTLM_OK && srv->audit)
		st = ntlm_ctx_set_audit(ctx, srv->audit);
	if (st == NTLM_OK)
		st = ntlm_ctx_set_peer(ctx, c->peer);
	if (st != NTLM_OK) {
		step_failed(c, &oc, st);
		goto out;
	}
	rc = frame_read(c->fd, FRAME_TOKEN_MAX, deadline, &in, &in_len, err, sizeof(err));
	if (rc != FRAME_OK) {
		read_failed(c, &oc, rc, err, "NEGOTIATE");
		goto out;
	}
	st = ntlm_step(ctx, in, in_len, &out, &out_len);
	if (st != NTLM_CONTINUE) {
		step_failed(c, &oc, st == NTLM_OK ? NTLM_E_BAD_STATE : st);
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
		goto out;
	}
	ntlm_free(out);
	out = NULL;
	st = ntlm_step(ctx, in, in_len, &out, &out_len);
	if (st != NTLM_OK) {
		step_failed(c, &oc, st == NTLM_CONTINUE ? NTLM_E_BAD_STATE : st);
		goto out;
	}
	server_user_name(ctx, false, line, sizeof(line));
	if (send_text(c, "OK", line, deadline) != FRAME_OK) {
		snprintf(oc.text, sizeof(oc.text), "error: sending the result");
		goto out;
	}
	serve_data(c, ctx, &oc);
out:
	server_summary(c->peer, ctx, &oc, line, sizeof(line));
	pthread_mutex_lock(&srv->lock);
	printf("%s\n", line);
	fflush(stdout);
	pthread_mutex_unlock(&srv->lock);
	free(in);
	ntlm_free(out);
	ntlm_ctx_free(ctx);
}

static void *conn_thread(void *arg)
{
	struct conn *c = arg;
	struct server *srv = c->srv;

	serve_conn(c);
	peer_linger(c->fd, peer_now_ms() + LINGER_MS);
	pthread_mutex_lock(&srv->lock);
	close(c->fd); /* under the lock: stop_all() never sees a reused number */
	srv->fds[c->slot] = -1;
	srv->active--;
	pthread_cond_signal(&srv->idle);
	pthread_mutex_unlock(&srv->lock);
	free(c);
	return NULL;
}

/* ---- the listener --------------------------------------------------------- */

static void on_signal(int sig)
{
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
static void refuse(struct server *srv, int fd, const char *peer, const char *why,
		   struct lingerer *lg, unsigned *nlg)
{
	static const char msg[] = "FAIL server busy: too many connections";
	uint8_t frame[4 + sizeof(msg) - 1] = { 0, 0, 0, (uint8_t)(sizeof(msg) - 1) };

	memcpy(frame + 4, msg, sizeof(msg) - 1);
	(void)send(fd, frame, sizeof(frame), MSG_DONTWAIT | MSG_NOSIGNAL);
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

/* Starts a thread for the connection; false if none may start (at the cap,
 * or pthread_create failed): the caller refuses it. */
static bool start_conn(struct server *srv, int fd, const char *peer)
{
	struct conn *c;
	pthread_attr_t attr;
	pthread_t t;
	unsigned slot = 0;
	int one = 1;
	bool ok = true;

	pthread_mutex_lock(&srv->lock);
	if (srv->active >= srv->max_conns) {
		pthread_mutex_unlock(&srv->lock);
		return false;
	}
	while (srv->fds[slot] >= 0)
		slot++;
	srv->fds[slot] = fd;
	srv->active++;
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
		srv->fds[slot] = -1;
		srv->active--;
		pthread_mutex_unlock(&srv->lock);
		ok = false;
	}
	pthread_attr_destroy(&attr);
	return ok;
}

/* Ends every connection and waits for the threads to finish. */
static void stop_all(struct server *srv)
{
	pthread_mutex_lock(&srv->lock);
	for (unsigned i = 0; i < srv->max_conns; i++)
		if (srv->fds[i] >= 0)
			shutdown(srv->fds[i], SHUT_RDWR);
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

	/* SIGINT/SIGTERM are blocked everywhere (threads inherit the mask) and
	 * delivered only inside ppoll() below. */
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &block, &orig);
	sigdelset(&orig, SIGINT);
	sigdelset(&orig, SIGTERM);

	printf("listening on %s\n", addr);
	fflush(stdout);
	while (!stop_signal) {
		struct pollfd pfds[1 + LINGER_MAX];
		struct timespec ts, *tsp = NULL;
		int64_t wait_ms = -1, now = peer_now_ms();
		bool full;

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
		if (start_conn(srv, fd, addr))
			continue;
		pthread_mutex_lock(&srv->lock);
		full = srv->active >= srv->max_conns;
		pthread_mutex_unlock(&srv->lock);
		if (full)
			snprintf(why, sizeof(why), "%u connections", srv->max_conns);
		else
			snprintf(why, sizeof(why), "cannot start a thread");
		refuse(srv, fd, addr, why, lg, &nlg);
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
