/* SPDX-License-Identifier: MIT */
/*
 * ntlm server: accept NTLM clients over TCP (length-prefixed frames, one
 * thread per connection up to a cap, a deadline on every read), echo each
 * message back sealed or signed, and print one line per connection; or, with
 * --stdio, serve one ntlm-lines/1 exchange on stdin/stdout (docs/cli.md).
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <ntlmssp/unstable.h>

#include "peer.h"

#define MAX_CONNS_DEFAULT 64u
#define MAX_CONNS_LIMIT 4096u
#define LINGER_MS 2000		     /* after our last frame, for the peer's FIN */
#define LINGER_MAX 32		     /* refused connections lingering at once */
#define THREAD_STACK (1024u * 1024u) /* a connection needs ~20 KiB; room for sanitizers */

struct server_opts {
	struct peer_opts p; /* --config, --profile, --audit, --timeout, --stdio */
	const char *listen, *accounts;
	char host[256], port[8];
	unsigned max_conns;
};

/* Shared by every connection thread. policy, accounts and audit are only
 * read once the threads run (lookups and audit sinks are thread-safe). */
struct server {
	const struct tool_cmd *self;
	struct ntlm_policy *policy;
	struct ntlm_accounts *accounts;
	struct ntlm_audit *audit;
	int timeout_ms;
	unsigned max_conns;
	pthread_mutex_t lock; /* guards everything below, and stdout */
	pthread_cond_t idle;
	unsigned active;
	int *fds; /* max_conns slots: a connection's socket, or -1 */
};

struct conn {
	struct server *srv;
	unsigned slot;
	int fd;
	char peer[320];
};

/* What the per-connection line reports. */
struct outcome {
	unsigned long messages;
	char text[700];
};

static volatile sig_atomic_t stop_signal;

void cmd_server_usage(FILE *f)
{
	fputs("usage: ntlm server --listen HOST:PORT [--config F | --profile NAME]\n"
	      "                   --accounts F [--audit F] [--timeout SECONDS]\n"
	      "                   [--max-connections N]\n"
	      "       ntlm server --stdio [--config F | --profile NAME] --accounts F\n"
	      "                   [--audit F]\n"
	      "\n"
	      "Accepts NTLM clients (`ntlm client`) on HOST:PORT, checks them against the\n"
	      "policy and the account file, then echoes every message back sealed or\n"
	      "signed. Prints 'listening on HOST:PORT' first, then one line per\n"
	      "connection: peer, user, response type, flags, outcome. SIGINT or SIGTERM\n"
	      "stops it (exit 0). Framing and result frames: docs/cli.md.\n"
	      "\n"
	      "  --listen HOST:PORT     address to listen on; port 0 picks a free one\n"
	      "  --config F             policy file (native, INF or .reg; docs/policy.md)\n"
	      "  --profile NAME         a built-in policy profile instead (default: cis)\n"
	      "  --accounts F           DOMAIN:USER:NTHASH lines (docs/accounts.md)\n"
	      "  --audit F              append audit events to F (JSON Lines)\n"
	      "  --timeout SECONDS      for the whole handshake, and for each message after\n"
	      "                         it (default 30)\n"
	      "  --max-connections N    connections served at once (default 64); more are\n"
	      "                         answered 'FAIL server busy' and closed\n"
	      "  --stdio                serve one ntlm-lines/1 exchange on stdin/stdout\n"
	      "  -h, --help             show this help\n"
	      "\n"
	      "exit status: 0 success (a stopped server; with --stdio, an authenticated\n"
	      "exchange whose every request succeeded), 1 authentication or policy\n"
	      "failure (--stdio), 2 usage error, malformed input or I/O error\n",
	      f);
}

/* Fills o; false when --help was asked for (and shown). Usage errors exit 2. */
static bool parse_args(const struct tool_cmd *self, int argc, char **argv, struct server_opts *o)
{
	const char *v, *maxc = NULL;
	char buf[64], err[128];

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			cmd_server_usage(stdout);
			return false;
		} else if (peer_opt(self, argc, argv, &i, &o->p)) {
			continue;
		} else if ((v = opt_value(self, argc, argv, &i, "--listen")) != NULL) {
			o->listen = v;
		} else if ((v = opt_value(self, argc, argv, &i, "--accounts")) != NULL) {
			o->accounts = v;
		} else if ((v = opt_value(self, argc, argv, &i, "--max-connections")) != NULL) {
			maxc = v;
		} else if (a[0] == '-' && a[1] != '\0') {
			usage_error(self, "unknown option '%s'", safe_arg(a, true, buf, 40));
		} else {
			usage_error(self, "unexpected argument '%s'", safe_arg(a, false, buf, 40));
		}
	}
	peer_opts_finish(self, &o->p);
	if (!o->accounts)
		usage_error(self, "--accounts F is required");
	if (o->p.stdio) {
		if (o->listen || o->p.timeout || maxc)
			usage_error(self, "--stdio takes no --listen, --timeout or "
					  "--max-connections");
	} else {
		if (!o->listen)
			usage_error(self, "--listen HOST:PORT is required (or --stdio)");
		if (!peer_parse_hostport(o->listen, true, o->host, sizeof(o->host), o->port,
					 sizeof(o->port), err, sizeof(err)))
			usage_error(self, "bad --listen address '%s': %s",
				    safe_arg(o->listen, false, buf, 60), err);
	}
	o->max_conns = MAX_CONNS_DEFAULT;
	if (maxc) {
		char *end;
		unsigned long n;
		errno = 0;
		n = strtoul(maxc, &end, 10);
		if (maxc[0] < '0' || maxc[0] > '9' || *end || errno || n == 0 ||
		    n > MAX_CONNS_LIMIT)
			usage_error(self, "--max-connections: '%s' is not a number from 1 to %u",
				    safe_arg(maxc, false, buf, 40), MAX_CONNS_LIMIT);
		o->max_conns = (unsigned)n;
	}
	return true;
}

static struct ntlm_accounts *open_accounts(const struct tool_cmd *self, const char *path)
{
	struct ntlm_accounts *a = NULL;
	ntlm_status st = ntlm_accounts_open(path, &a);
	if (st != NTLM_OK) {
		/* A bad account file is malformed input (exit 2), whatever its kind. */
		char msg[768];
		peer_status_text(st, msg, sizeof(msg));
		fprintf(stderr, "ntlm %s: %s\n", self->name, msg);
		exit(EXIT_USAGE);
	}
	return a;
}

/*
 * The reason a client is told. Unknown user and wrong password get the same
 * answer (as Windows' SEC_E_LOGON_DENIED), so the reply does not say which
 * accounts exist; the server's own line and the audit event do.
 */
static void client_reason(ntlm_status st, char *buf, size_t len)
{
	if (st == NTLM_E_NO_SUCH_USER || st == NTLM_E_LOGON_FAILURE)
		snprintf(buf, len, "%s: logon denied: unknown user name or bad password",
			 ntlm_status_name(NTLM_E_LOGON_FAILURE));
	else
		peer_status_text(st, buf, len);
}

/* "DOMAIN\user" with both parts escaped, or "-" before the AUTHENTICATE. */
static void user_name(const struct ntlm_ctx *ctx, bool no_space, char *buf, size_t len)
{
	char d[400], u[400];

	if (!ctx || !ntlm_ctx_user(ctx)[0]) {
		snprintf(buf, len, "-");
		return;
	}
	peer_escape(ntlm_ctx_domain(ctx), no_space, d, sizeof(d));
	peer_escape(ntlm_ctx_user(ctx), no_space, u, sizeof(u));
	snprintf(buf, len, "%s\\%s", d, u);
}

/* The line printed for each connection (and by --stdio on stderr). */
static void format_summary(const char *peer, const struct ntlm_ctx *ctx, const struct outcome *oc,
			   char *buf, size_t len)
{
	char user[820], names[1200];
	uint32_t flags = ctx ? ntlm_ctx_flags(ctx) : 0;
	const char *resp = ctx ? ntlm_ctx_response_type(ctx) : "";

	user_name(ctx, true, user, sizeof(user));
	peer_flag_names(flags, names, sizeof(names));
	snprintf(buf, len,
		 "peer=%s user=%s response=%s flags=0x%08x names=%s protection=%s messages=%lu "
		 "outcome=%s",
		 peer, user, resp[0] ? resp : "-", (unsigned)flags, names,
		 ctx && ntlm_ctx_response_type(ctx)[0] ? peer_protection(flags) : "-", oc->messages,
		 oc->text);
}

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
	char reason[600], full[600];
	enum ntlm_status_kind k = ntlm_status_kind(st);

	peer_status_text(st, full, sizeof(full));
	client_reason(st, reason, sizeof(reason));
	send_fail(c, reason);
	snprintf(oc->text, sizeof(oc->text), "%s: %s",
		 k == NTLM_KIND_POLICY_DENIED ? "denied"
		 : k == NTLM_KIND_AUTH_FAILED ? "failed"
		 : k == NTLM_KIND_MALFORMED   ? "malformed"
					      : "error",
		 full);
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
	user_name(ctx, false, line, sizeof(line));
	if (send_text(c, "OK", line, deadline) != FRAME_OK) {
		snprintf(oc.text, sizeof(oc.text), "error: sending the result");
		goto out;
	}
	serve_data(c, ctx, &oc);
out:
	format_summary(c->peer, ctx, &oc, line, sizeof(line));
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

static void peer_string(const struct sockaddr *sa, socklen_t len, char *buf, size_t buflen)
{
	char h[NI_MAXHOST], p[NI_MAXSERV];

	if (getnameinfo(sa, len, h, sizeof(h), p, sizeof(p), NI_NUMERICHOST | NI_NUMERICSERV)) {
		snprintf(buf, buflen, "?");
		return;
	}
	snprintf(buf, buflen, sa->sa_family == AF_INET6 ? "[%s]:%s" : "%s:%s", h, p);
}

static int open_listener(const struct tool_cmd *self, const struct server_opts *o)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC,
				  .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_PASSIVE | AI_NUMERICSERV },
			*res, *ai;
	char err[160] = "no address", shown[300];
	int fd = -1, one = 1, r;

	r = getaddrinfo(o->host, o->port, &hints, &res);
	if (r != 0) {
		fprintf(stderr, "ntlm %s: cannot resolve %s: %s\n", self->name,
			safe_arg(o->host, false, shown, sizeof(shown)), gai_strerror(r));
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
			    ai->ai_protocol);
		if (fd < 0) {
			snprintf(err, sizeof(err), "socket: %s", strerror(errno));
			continue;
		}
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 128) == 0)
			break;
		snprintf(err, sizeof(err), "%s", strerror(errno));
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		fprintf(stderr, "ntlm %s: cannot listen on %s: %s\n", self->name,
			safe_arg(o->listen, false, shown, sizeof(shown)), err);
	return fd;
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

static int run_tcp(const struct tool_cmd *self, const struct server_opts *o, struct server *srv)
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
		peer_string((struct sockaddr *)&ss, sl, addr, sizeof(addr));
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
		peer_string((struct sockaddr *)&ss, sl, addr, sizeof(addr));
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

/* ---- ntlm-lines/1 --------------------------------------------------------- */

struct stdio_srv {
	const struct tool_cmd *self;
	struct ntlm_ctx *ctx;
	struct line_reader in;
	struct outcome oc;
	int ret; /* 2 after a malformed line, else 1 after a failed request */
};

static void note(struct stdio_srv *s, int ret)
{
	if (ret > s->ret)
		s->ret = ret;
}

/* Writes one answer line; false (and exit 2) if stdout is gone. */
static bool answer(struct stdio_srv *s, const char *a, const char *b, const char *c)
{
	size_t la = strlen(a), lb = b ? strlen(b) : 0, lc = c ? strlen(c) : 0;
	char *line = xmalloc(la + lb + lc + 3);
	size_t k = 0;
	bool ok;

	memcpy(line, a, la);
	k = la;
	if (b) {
		line[k++] = ' ';
		memcpy(line + k, b, lb);
		k += lb;
	}
	if (c) {
		line[k++] = ' ';
		memcpy(line + k, c, lc);
		k += lc;
	}
	line[k++] = '\n';
	ok = write_all(STDOUT_FILENO, line, k);
	free(line);
	if (!ok) {
		snprintf(s->oc.text, sizeof(s->oc.text), "error: writing to stdout: %s",
			 strerror(errno));
		note(s, EXIT_USAGE);
	}
	return ok;
}

/* "ERR <reason>" for a malformed request: exit 2 at the end. */
static bool answer_err(struct stdio_srv *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static bool answer_err(struct stdio_srv *s, const char *fmt, ...)
{
	char reason[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	snprintf(s->oc.text, sizeof(s->oc.text), "malformed: line %lu: %s", s->in.lineno, reason);
	note(s, EXIT_USAGE);
	return answer(s, "ERR", reason, NULL);
}

/* "ERR <reason>" for a request that did not verify: exit 1 at the end. */
static bool answer_failed(struct stdio_srv *s, ntlm_status st)
{
	char reason[600];

	peer_status_text(st, reason, sizeof(reason));
	snprintf(s->oc.text, sizeof(s->oc.text), "failed: line %lu: %s", s->in.lineno, reason);
	note(s, peer_exit_for(st));
	return answer(s, "ERR", reason, NULL);
}

static bool decode_field(struct stdio_srv *s, const char *what, const char *p, size_t n, size_t max,
			 uint8_t **out, size_t *len)
{
	ntlm_status st = ntlm_base64_decode(p, n, max, out, len);
	char msg[700];

	if (st == NTLM_OK)
		return true;
	peer_status_text(st, msg, sizeof(msg));
	answer_err(s, "%s: %s", what, msg);
	return false;
}

/* Sends b64(p) [b64(q)] after a keyword. */
static bool answer_b64(struct stdio_srv *s, const char *kw, const uint8_t *p, size_t n,
		       const uint8_t *q, size_t qn)
{
	char *a = NULL, *b = NULL;
	bool ok = false;

	if (ntlm_base64_encode(p, n, &a) == NTLM_OK &&
	    (!q || ntlm_base64_encode(q, qn, &b) == NTLM_OK))
		ok = kw ? answer(s, kw, a, b) : answer(s, a, b, NULL);
	else
		note(s, EXIT_USAGE);
	ntlm_free(a);
	ntlm_free(b);
	return ok;
}

/* WRAP <token>: unwrap, answer wrap("reply:" + plaintext). */
static bool do_wrap(struct stdio_srv *s, const char *arg)
{
	uint8_t *tok = NULL, *plain = NULL, *out = NULL;
	size_t len;
	ntlm_status st;
	bool ok;

	if (!decode_field(s, "WRAP token", arg, strlen(arg), STDIO_LINE_MAX, &tok, &len))
		return true;
	if (len < 16) {
		ntlm_free(tok);
		return answer_err(s, "WRAP token of %zu bytes has no 16-byte signature", len);
	}
	plain = xmalloc(len - 16 + 6);
	memcpy(plain, "reply:", 6);
	st = peer_unwrap(s->ctx, tok, len, plain + 6);
	if (st != NTLM_OK) {
		ok = answer_failed(s, st);
		goto out;
	}
	out = xmalloc(len + 6);
	st = peer_wrap(s->ctx, plain, len - 16 + 6, out);
	if (st != NTLM_OK) {
		ok = answer_failed(s, st);
		goto out;
	}
	s->oc.messages++;
	ok = answer_b64(s, "WRAP", out, len + 6, NULL, 0);
out:
	ntlm_free(tok);
	free(plain);
	free(out);
	return ok;
}

/* MIC <msg> <mic>: verify, answer "reply:" + msg with our MIC. */
static bool do_mic(struct stdio_srv *s, const char *arg)
{
	const char *sp = strchr(arg, ' ');
	uint8_t *msg = NULL, *mic = NULL, *reply = NULL, sig[16];
	size_t len, mlen;
	ntlm_status st;
	bool ok = true;

	if (!sp)
		return answer_err(s, "expected 'MIC <base64 message> <base64 signature>'");
	if (!decode_field(s, "MIC message", arg, (size_t)(sp - arg), STDIO_LINE_MAX, &msg, &len) ||
	    !decode_field(s, "MIC signature", sp + 1, strlen(sp + 1), 16, &mic, &mlen))
		goto out;
	if (mlen != 16) {
		ok = answer_err(s, "the MIC signature has %zu bytes, not 16", mlen);
		goto out;
	}
	st = ntlm_verify(s->ctx, msg, len, mic);
	if (st != NTLM_OK) {
		ok = answer_failed(s, st);
		goto out;
	}
	reply = xmalloc(len + 6);
	memcpy(reply, "reply:", 6);
	if (len)
		memcpy(reply + 6, msg, len);
	st = ntlm_sign(s->ctx, reply, len + 6, sig);
	if (st != NTLM_OK) {
		ok = answer_failed(s, st);
		goto out;
	}
	s->oc.messages++;
	ok = answer_b64(s, "MIC", reply, len + 6, sig, sizeof(sig));
out:
	ntlm_free(msg);
	ntlm_free(mic);
	free(reply);
	return ok;
}

/* One handshake line: the NEGOTIATE or the AUTHENTICATE. false: stop. */
static bool do_token(struct stdio_srv *s, const char *line, bool *done)
{
	uint8_t *tok = NULL, *out = NULL;
	size_t len, out_len;
	ntlm_status st;
	char reason[600], full[600], name[820];
	bool ok = false;

	if (!decode_field(s, "token", line, strlen(line), NTLM_MAX_TOKEN, &tok, &len))
		return false;
	st = ntlm_step(s->ctx, tok, len, &out, &out_len);
	if (st == NTLM_CONTINUE) {
		ok = answer_b64(s, NULL, out, out_len, NULL, 0);
	} else if (st == NTLM_OK) {
		user_name(s->ctx, false, name, sizeof(name));
		snprintf(s->oc.text, sizeof(s->oc.text), "authenticated");
		*done = true;
		ok = answer(s, "OK", name, NULL);
	} else {
		enum ntlm_status_kind k = ntlm_status_kind(st);
		peer_status_text(st, full, sizeof(full));
		client_reason(st, reason, sizeof(reason));
		snprintf(s->oc.text, sizeof(s->oc.text), "%s: %s",
			 k == NTLM_KIND_POLICY_DENIED ? "denied"
			 : k == NTLM_KIND_AUTH_FAILED ? "failed"
			 : k == NTLM_KIND_MALFORMED   ? "malformed"
						      : "error",
			 full);
		note(s, peer_exit_for(st));
		(void)answer(s, "FAIL", reason, NULL);
	}
	ntlm_free(tok);
	ntlm_free(out);
	return ok;
}

static int run_stdio(const struct tool_cmd *self, struct server *srv)
{
	struct stdio_srv s = { .self = self };
	bool authenticated = false, bye = false;
	char *line, summary[4096];
	size_t len;
	ntlm_status st;

	line_reader_init(&s.in, STDIN_FILENO, STDIO_LINE_MAX);
	snprintf(s.oc.text, sizeof(s.oc.text), "closed: before the NEGOTIATE");
	st = ntlm_server_new(srv->policy, srv->accounts, &s.ctx);
	if (st == NTLM_OK && srv->audit)
		st = ntlm_ctx_set_audit(s.ctx, srv->audit);
	if (st == NTLM_OK)
		st = ntlm_ctx_set_peer(s.ctx, "stdio");
	if (st != NTLM_OK) {
		peer_status_text(st, s.oc.text, sizeof(s.oc.text));
		note(&s, EXIT_USAGE);
		goto out;
	}
	for (;;) {
		enum line_rc lr = line_read(&s.in, true, &line, &len);
		if (lr == LINE_EOF) {
			if (authenticated)
				snprintf(s.oc.text, sizeof(s.oc.text),
					 "malformed: stdin ended without BYE");
			note(&s, EXIT_USAGE);
			break;
		}
		if (lr == LINE_TOO_LONG) {
			answer_err(&s, "longer than %u bytes", STDIO_LINE_MAX);
			break; /* cannot find the next line: stop */
		}
		if (lr == LINE_IO) {
			snprintf(s.oc.text, sizeof(s.oc.text), "error: reading stdin: %s",
				 strerror(errno));
			note(&s, EXIT_USAGE);
			break;
		}
		if (strcmp(line, "BYE") == 0) {
			bye = answer(&s, "BYE", NULL, NULL);
			break;
		}
		if (!authenticated) {
			if (!do_token(&s, line, &authenticated))
				break;
			if (authenticated)
				snprintf(s.oc.text, sizeof(s.oc.text), "authenticated");
			else
				snprintf(s.oc.text, sizeof(s.oc.text),
					 "closed: before the AUTHENTICATE");
			continue;
		}
		bool ok;
		if (strncmp(line, "WRAP ", 5) == 0)
			ok = do_wrap(&s, line + 5);
		else if (strncmp(line, "MIC ", 4) == 0)
			ok = do_mic(&s, line + 4);
		else
			ok = answer_err(&s, "unknown request (expected WRAP, MIC or BYE)");
		if (!ok)
			break;
	}
	if (bye && !authenticated && s.ret == 0) {
		snprintf(s.oc.text, sizeof(s.oc.text), "closed: BYE before authentication");
		note(&s, EXIT_AUTH);
	}
out:
	format_summary("stdio", s.ctx, &s.oc, summary, sizeof(summary));
	fprintf(stderr, "ntlm %s: %s\n", self->name, summary);
	ntlm_ctx_free(s.ctx);
	line_reader_free(&s.in);
	return s.ret;
}

int cmd_server(const struct tool_cmd *self, int argc, char **argv)
{
	struct server_opts o = { 0 };
	struct server srv = { .self = self };
	int ret;

	if (!parse_args(self, argc, argv, &o))
		return 0;
	signal(SIGPIPE, SIG_IGN);
	srv.policy = peer_load_policy(self, o.p.config, o.p.profile);
	srv.accounts = open_accounts(self, o.accounts);
	srv.audit = peer_open_audit(self, o.p.audit);
	srv.timeout_ms = o.p.timeout_ms;
	srv.max_conns = o.max_conns;
	if (o.p.stdio) {
		ret = run_stdio(self, &srv);
		goto out;
	}
	srv.fds = xmalloc(sizeof(*srv.fds) * srv.max_conns);
	for (unsigned i = 0; i < srv.max_conns; i++)
		srv.fds[i] = -1;
	pthread_mutex_init(&srv.lock, NULL);
	pthread_cond_init(&srv.idle, NULL);
	ret = run_tcp(self, &o, &srv);
	pthread_cond_destroy(&srv.idle);
	pthread_mutex_destroy(&srv.lock);
	free(srv.fds);
out:
	ntlm_audit_close(srv.audit);
	ntlm_accounts_close(srv.accounts);
	ntlm_policy_free(srv.policy);
	return ret;
}
