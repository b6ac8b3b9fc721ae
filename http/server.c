/* SPDX-License-Identifier: MIT */
/*
 * http/server.c: `ntlm httpd`, the daemon: libmicrohttpd's connections and
 * requests, the request log, and serving what a connection is authorized
 * for (the built-in page, --root, --proxy). The NTLM handshake that
 * authorizes it is handshake.c.
 *
 * Threading: event-driven by default. --threads N worker threads (default:
 * one per CPU) each wait on their own epoll set and serve many connections;
 * a connection stays on the worker that accepted it, so struct hconn is
 * touched by one thread at a time, and a slow client costs a timer and a
 * descriptor, not a thread. --threads 0 is one thread per connection (what
 * --proxy uses unless --threads is given: a backend request blocks the
 * thread that makes it). The policy, the account store and the audit object
 * are shared read-only / thread-safe (docs/audit-events.md).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "conn.h"
#include "fe.h"

/* An unauthenticated request body larger than this is not read: the 401
 * goes out at once and the connection is closed. */
#define UNAUTH_BODY_MAX 65536u

struct httpd_shared httpd_S;

/* Copies s for the log: control bytes (and '"' when quoted) become '?', and
 * a cut is shown as "...". Names in details come from the client. */
static const char *printable(const char *s, bool quoted, char *buf, size_t len)
{
	size_t k = 0, n = strlen(s);

	for (size_t i = 0; i < n && k + 4 < len; i++) {
		unsigned char c = (unsigned char)s[i];
		buf[k++] =
			c < 0x20 || c == 0x7f || (quoted && (c == '"' || c == ' ')) ? '?' : (char)c;
	}
	if (k < n && k + 3 < len)
		buf[k++] = '.', buf[k++] = '.', buf[k++] = '.';
	buf[k] = '\0';
	return buf;
}

static void log_line(const struct hconn *hc, const char *method, const struct hreq *rq,
		     unsigned status, const char *detail)
{
	char target[160], meth[24], det[400];

	if (httpd_S.cfg->quiet)
		return;
	httpd_log("ntlm httpd: %s \"%s %s\" %u%s%s\n", hc ? hc->peer : "?",
		  printable(method ? method : "?", true, meth, sizeof(meth)),
		  printable(rq && rq->target ? rq->target : "?", true, target, sizeof(target)),
		  status, detail && *detail ? " " : "",
		  printable(detail ? detail : "", false, det, sizeof(det)));
}

/* ---- serving --------------------------------------------------------------------- */

static bool get_or_head(const char *method)
{
	return strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
}

static struct MHD_Response *serve(struct MHD_Connection *conn, struct hconn *hc, struct hreq *rq,
				  const char *method, unsigned *status)
{
	const struct httpd_config *cfg = httpd_S.cfg;
	struct MHD_Response *r = NULL;

	hc->id.requests++;
	if (cfg->proxy) {
		char user[sizeof(hc->id.domain) + sizeof(hc->id.user) + 2];
		if (hc->id.domain[0])
			snprintf(user, sizeof(user), "%s\\%s", hc->id.domain, hc->id.user);
		else
			snprintf(user, sizeof(user), "%s", hc->id.user);
		if (rq->body_too_large) {
			*status = MHD_HTTP_CONTENT_TOO_LARGE;
			return httpd_text_response("413 Content Too Large\n");
		}
		if (!httpd_header_value_ok(user)) {
			/* A name with control characters would split the header. */
			*status = MHD_HTTP_BAD_REQUEST;
			return httpd_text_response("400 Bad Request: the user name cannot be "
						   "forwarded in a header\n");
		}
		return httpd_proxy_response(conn, &hc->curl, method, rq->target, user, hc->peer,
					    (const uint8_t *)rq->body.p, rq->body.len, status);
	}
	if (!get_or_head(method)) {
		*status = MHD_HTTP_METHOD_NOT_ALLOWED;
		r = httpd_text_response("405 Method Not Allowed\n");
		if (r)
			MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
		return r;
	}
	if (cfg->root)
		return httpd_files_response(rq->target, status);

	const char *fmt = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "format");
	bool json = fmt && strcmp(fmt, "json") == 0;
	struct ntlm_buf b = { 0 };
	if (!httpd_page(&hc->id, json, &b)) {
		ntlm_buf_free(&b);
		*status = MHD_HTTP_INTERNAL_SERVER_ERROR;
		return httpd_text_response("500 Internal Server Error\n");
	}
	r = MHD_create_response_from_buffer(b.len, b.p, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		ntlm_buf_free(&b);
		return NULL;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				json ? "application/json" : "text/html; charset=utf-8");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	*status = MHD_HTTP_OK;
	return r;
}

/* GET /healthz: the counters (health.c), with no authentication; the
 * connection's handshake, if any, is left as it is. */
static struct MHD_Response *health(const char *method, unsigned *status)
{
	struct MHD_Response *r;

	if (!get_or_head(method)) {
		*status = MHD_HTTP_METHOD_NOT_ALLOWED;
		r = httpd_text_response("405 Method Not Allowed\n");
		if (r)
			MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
		return r;
	}
	struct ntlm_buf b = { 0 };
	if (!httpd_health_json(fe_live_audit_lost(&httpd_S.live), &b)) {
		ntlm_buf_free(&b);
		*status = MHD_HTTP_INTERNAL_SERVER_ERROR;
		return httpd_text_response("500 Internal Server Error\n");
	}
	r = MHD_create_response_from_buffer(b.len, b.p, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		ntlm_buf_free(&b);
		return NULL;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	*status = MHD_HTTP_OK;
	return r;
}

static enum MHD_Result queue(struct MHD_Connection *conn, struct hconn *hc, struct hreq *rq,
			     const char *method, unsigned status, struct MHD_Response *r,
			     bool close)
{
	enum MHD_Result ret;

	if (!r)
		return MHD_NO; /* out of memory: MHD closes the connection */
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	if (close || (hc && hc->refusals >= MAX_REFUSALS))
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	rq->queued = true;
	if (!rq->detail[0] && hc && hc->authed)
		snprintf(rq->detail, sizeof(rq->detail), "%s%s%s", hc->id.domain,
			 hc->id.domain[0] ? "\\" : "", hc->id.user);
	log_line(hc, method, rq, status, rq->detail);
	return ret;
}

static enum MHD_Result add_size(void *cls, enum MHD_ValueKind kind, const char *key,
				const char *value)
{
	size_t *n = cls;
	(void)kind;
	*n += strlen(key) + (value ? strlen(value) : 0) + 4; /* ": " and CRLF */
	return MHD_YES;
}

/* The request line and headers, as they were on the wire (near enough). */
static size_t header_size(struct MHD_Connection *conn, const struct hreq *rq, const char *method)
{
	size_t n = strlen(method) + strlen(rq->target) + 12;
	MHD_get_connection_values(conn, MHD_HEADER_KIND, add_size, &n);
	return n;
}

static unsigned long long declared_length(struct MHD_Connection *conn)
{
	const char *v =
		MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	char *end;
	if (!v)
		return 0;
	errno = 0;
	unsigned long long n = strtoull(v, &end, 10);
	if (errno || end == v || *end)
		return 0; /* MHD itself rejects a malformed Content-Length */
	return n;
}

/* What the decision means for the request's body: refused with a body too
 * large to be read, or authorized with one too large to forward. Else
 * MHD_YES, nothing queued. */
static enum MHD_Result after_decision(struct MHD_Connection *conn, struct hconn *hc,
				      struct hreq *rq, const char *method)
{
	struct MHD_Response *r;
	unsigned long long declared = declared_length(conn);

	if (!rq->serve && declared > UNAUTH_BODY_MAX) {
		r = rq->resp;
		rq->resp = NULL;
		return queue(conn, hc, rq, method, rq->status, r, true);
	}
	if (rq->serve && httpd_S.cfg->proxy && declared > httpd_S.cfg->max_body_size) {
		hc->id.requests++;
		return queue(conn, hc, rq, method, MHD_HTTP_CONTENT_TOO_LARGE,
			     httpd_text_response("413 Content Too Large\n"), true);
	}
	return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_size, void **req_cls)
{
	struct hreq *rq = *req_cls;
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct hconn *hc = ci ? ci->socket_context : NULL;
	struct MHD_Response *r;
	unsigned status = 0;

	(void)cls;
	(void)version;
	if (!rq || !hc || !rq->target)
		return MHD_NO; /* allocation failed: drop the connection */
	if (httpd_guard_held(hc))
		return MHD_NO; /* refused at a limit (guard.c): nothing served */
	if (!rq->started) {
		rq->started = true;
		if (header_size(conn, rq, method) > httpd_S.cfg->max_header_size) {
			hc->refusals = MAX_REFUSALS;
			httpd_set_detail(rq, "(headers over --max-header-size)");
			return queue(conn, hc, rq, method, MHD_HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE,
				     httpd_text_response("431 Request Header Fields Too Large\n"),
				     true);
		}
		if (url && strcmp(url, HTTPD_HEALTH_PATH) == 0) {
			unsigned st = 0;
			r = health(method, &st);
			if (!r)
				return MHD_NO;
			httpd_set_response(rq, st, r);
			httpd_set_detail(rq, "(health)");
		} else {
			httpd_decide(conn, hc, rq);
		}
		httpd_guard_request(hc, true);
		if (rq->job) {
			/* A step that may wait on the domain (validate.c): the
			 * connection waits, suspended, and this worker goes on
			 * with its others; the job's thread resumes it, and
			 * libmicrohttpd calls here again. */
			struct httpd_job *job = rq->job;
			rq->job = NULL;
			if (httpd_validate_ready()) {
				MHD_suspend_connection(conn);
				httpd_validate_submit(job);
				return MHD_YES;
			}
			httpd_job_run_here(job); /* no thread could be started */
		}
		rq->decided = true;
		return after_decision(conn, hc, rq, method);
	}
	if (!rq->decided) {
		/* The first call since the domain thread resumed the connection:
		 * libmicrohttpd calls again at the stage where it was suspended
		 * (the headers), so this is that first call's end; a response
		 * queued now would close the connection after it. */
		rq->decided = true;
		return after_decision(conn, hc, rq, method);
	}
	if (*upload_size) {
		/* A body that is only discarded is not read forever either
		 * (chunked bodies announce no length): drop the connection. */
		rq->body_seen += *upload_size;
		if ((!rq->serve && rq->body_seen > UNAUTH_BODY_MAX) ||
		    (rq->serve && rq->body_seen > httpd_S.cfg->max_body_size + UNAUTH_BODY_MAX))
			return MHD_NO;
		if (rq->serve && httpd_S.cfg->proxy && !rq->body_too_large) {
			if (rq->body.len + *upload_size > httpd_S.cfg->max_body_size)
				rq->body_too_large = true;
			else
				ntlm_buf_put(&rq->body, upload_data, *upload_size);
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (rq->queued)
		return MHD_YES;
	if (!rq->serve) {
		r = rq->resp;
		rq->resp = NULL;
		return queue(conn, hc, rq, method, rq->status, r, false);
	}
	if (rq->body.err != NTLM_OK)
		return MHD_NO;
	r = serve(conn, hc, rq, method, &status);
	if (r && rq->www_auth) /* SPNEGO's last word: accept-completed, our mechListMIC */
		MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, rq->www_auth);
	return queue(conn, hc, rq, method, status, r, false);
}

/* ---- per-request and per-connection state ------------------------------------------ */

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	(void)cls;
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	if (ci && ci->socket_context)
		httpd_guard_request(ci->socket_context, false); /* the headers are due */
	/* the request's state and its target in one allocation */
	const char *u = uri ? uri : "";
	size_t n = strlen(u);
	struct hreq *rq = calloc(1, sizeof(*rq) + n + 1);
	if (!rq)
		return NULL;
	rq->target = (char *)(rq + 1);
	memcpy(rq->target, u, n + 1);
	return rq;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct hreq *rq = *req_cls;
	(void)cls;
	(void)conn;
	(void)toe;
	if (!rq)
		return;
	if (rq->resp)
		MHD_destroy_response(rq->resp);
	free(rq->www_auth);
	if (rq->body.p)
		explicit_bzero(rq->body.p, rq->body.cap);
	ntlm_buf_free(&rq->body);
	free(rq);
	*req_cls = NULL;
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
			  enum MHD_ConnectionNotificationCode toe)
{
	(void)cls;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		struct hconn *hc = calloc(1, sizeof(*hc));
		if (!hc)
			return;
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		fe_sockaddr_text(ci ? ci->client_addr : NULL, hc->peer, sizeof(hc->peer));
		memcpy(hc->id.peer, hc->peer, sizeof(hc->id.peer));
		httpd_guard_add(hc, conn);
		*socket_context = hc;
		return;
	}
	struct hconn *hc = *socket_context;
	if (!hc)
		return;
	httpd_guard_remove(hc);
	if (hc->ctx && !hc->closing)
		fe_live_event(&httpd_S.live, NTLM_EVENT_HANDSHAKE_ABANDONED, hc->peer,
			      "connection closed after the CHALLENGE, without an AUTHENTICATE");
	httpd_drop_handshake(hc);
	httpd_proxy_free_handle(hc->curl);
	explicit_bzero(hc, sizeof(*hc));
	free(hc);
	*socket_context = NULL;
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	(void)cls;
	if (httpd_S.cfg->quiet)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	size_t n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	httpd_log_now("ntlm httpd: libmicrohttpd: %s\n", msg);
}

/* ---- start and stop ---------------------------------------------------------------- */

void httpd_config_defaults(struct httpd_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->listen = "127.0.0.1:8080";
	cfg->max_connections = HTTPD_DEFAULT_MAX_CONNECTIONS;
	cfg->max_per_ip = HTTPD_DEFAULT_MAX_PER_IP;
	cfg->handshake_timeout = HTTPD_DEFAULT_HANDSHAKE_TIMEOUT;
	cfg->header_timeout = HTTPD_DEFAULT_HEADER_TIMEOUT;
	cfg->idle_timeout = HTTPD_DEFAULT_IDLE_TIMEOUT;
	cfg->max_header_size = HTTPD_DEFAULT_MAX_HEADER_SIZE;
	cfg->max_body_size = HTTPD_DEFAULT_MAX_BODY_SIZE;
	cfg->proxy_timeout = HTTPD_DEFAULT_PROXY_TIMEOUT;
	cfg->threads = HTTPD_THREADS_DEFAULT;
	cfg->domain_threads = HTTPD_DOMAIN_THREADS_DEFAULT;
}

/* --threads when not given: one worker per CPU, or a thread per connection
 * in proxy mode (its backend requests block). */
static unsigned worker_threads(const struct httpd_config *cfg)
{
	long n;

	if (cfg->threads != HTTPD_THREADS_DEFAULT)
		return cfg->threads;
	if (cfg->proxy)
		return 0;
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > HTTPD_MAX_WORKERS ? HTTPD_MAX_WORKERS : (unsigned)n;
}

/* "HOST:PORT" or "[V6]:PORT" -> a listening socket; fills `shown` with
 * the bound address. */
static int listen_on(const char *spec, char *shown, size_t shown_len, int *family, char *why,
		     size_t why_len)
{
	char host[256], port[8], err[160];
	int fd = -1;

	if (!fe_parse_hostport(spec, true, host, sizeof(host), port, sizeof(port), err,
			       sizeof(err))) {
		snprintf(why, why_len, "--listen %s: expected HOST:PORT or [IPv6]:PORT", spec);
		return -1;
	}
	if (fe_listen(host, port, false, &fd, family, err, sizeof(err)) != FE_LISTEN_OK) {
		snprintf(why, why_len, "--listen %s: %s", spec, err);
		return -1;
	}

	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
		fe_sockaddr_text((struct sockaddr *)&ss, shown, shown_len);
	else
		snprintf(shown, shown_len, "%s", spec);
	return fd;
}

/*
 * One listening socket per worker, all bound to the address of `probe` with
 * SO_REUSEPORT: the kernel spreads the connections over them, and a worker
 * is woken only for its own (a shared socket woke every worker for each
 * connection, all but one finding nothing to accept). probe, bound and
 * listening without SO_REUSEPORT, has already shown that nothing else holds
 * the address (a second server on the same port fails as before); it is
 * closed, and its port taken again at once by the group. A server started
 * later on that port fails in its own probe. Returns false (why set) when a
 * socket cannot be had; fds[] holds n sockets on success.
 */
static bool listen_group(int probe, int *fds, unsigned n, char *why, size_t why_len)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int one = 1, v6only = 0;
	socklen_t vl = sizeof(v6only);
	unsigned k = 0;

	if (getsockname(probe, (struct sockaddr *)&ss, &sl) != 0) {
		snprintf(why, why_len, "getsockname: %s", strerror(errno));
		close(probe);
		return false;
	}
	if (ss.ss_family == AF_INET6)
		(void)getsockopt(probe, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, &vl);
	close(probe);
	for (; k < n; k++) {
		int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			goto fail;
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (ss.ss_family == AF_INET6)
			(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only));
		if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) != 0 ||
		    bind(fd, (struct sockaddr *)&ss, sl) != 0 || listen(fd, 128) != 0) {
			int e = errno;
			close(fd);
			errno = e;
			goto fail;
		}
		fds[k] = fd;
	}
	return true;
fail:
	snprintf(why, why_len, "listening socket %u of %u: %s", k + 1, n, strerror(errno));
	while (k)
		close(fds[--k]);
	return false;
}

static int load_error(char *why, size_t why_len, const char *what, const char *path, ntlm_status st)
{
	const char *detail = ntlm_error_message();
	snprintf(why, why_len, "%s %s: %s: %s", what, path ? path : "", ntlm_status_name(st),
		 detail && *detail ? detail : ntlm_status_text(st));
	return 1;
}

/* Stops the daemons started (each closes its connections and its socket). */
static void stop_daemons(void)
{
	for (unsigned i = httpd_S.n_daemons; i-- > 0;) {
		MHD_stop_daemon(httpd_S.daemon[i]);
		httpd_S.daemon[i] = NULL;
	}
	httpd_S.n_daemons = 0;
}

/* SIGHUP: the policy, the accounts and the audit file again (a renamed
 * file is created anew, as logrotate wants). What fails to load keeps its
 * old value, and the log says why. */
static void reload(void)
{
	char why[1024];

	if (fe_live_reload(&httpd_S.live, why, sizeof(why)))
		httpd_log_now("ntlm httpd: SIGHUP: policy, accounts and audit file reloaded\n");
	else
		httpd_log_now("ntlm httpd: SIGHUP: reload failed, keeping the old one: %s\n", why);
}

int httpd_run(const struct httpd_config *cfg, char *why, size_t why_len)
{
	sigset_t sigs;
	int rc = 2, fd = -1, family = AF_INET, sig = 0;
	char shown[96], target[64];
	struct ntlm_policy *policy = NULL;
	struct ntlm_accounts *accounts = NULL;
	struct ntlm_audit *audit = NULL;
	ntlm_status st;
	bool proxy_ready = false, files_ready = false, live_ready = false, guard_ready = false;
	bool pool_ready = false;
	unsigned stranded = 0;

	memset(&httpd_S, 0, sizeof(httpd_S));
	httpd_S.cfg = cfg;
	fe_our_name(cfg->nb_computer, target, sizeof(target));
	why[0] = '\0';

	/* Signals: SIGINT/SIGTERM (stop) and SIGHUP (reload) are taken by
	 * sigwait() below, in this thread only (every thread started later
	 * inherits the mask). */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	if (pthread_sigmask(SIG_BLOCK, &sigs, NULL) != 0) {
		snprintf(why, why_len, "cannot block signals");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);

	if (cfg->n_configs)
		st = ntlm_policy_load_files(cfg->configs, cfg->n_configs, &policy);
	else
		st = ntlm_policy_new(cfg->profile, &policy);
	if (st != NTLM_OK) {
		rc = load_error(why, why_len, cfg->n_configs ? "--config" : "--profile",
				cfg->n_configs ? cfg->configs[cfg->n_configs - 1] : cfg->profile,
				st);
		goto out;
	}
	struct fe_live_spec spec = {
		.name = "ntlm httpd",
		.configs = cfg->configs,
		.n_configs = cfg->n_configs,
		.profile = cfg->profile,
		.accounts = cfg->accounts,
		.default_accounts = cfg->default_accounts,
		.audit = cfg->audit,
		.ident = "ntlm-httpd",
		/* --audit-syslog adds syslog to --audit; without --audit the
		 * policy's AuditLog (syslog by default) decides */
		.syslog = cfg->audit && cfg->audit_syslog ? "ntlm-httpd" : NULL,
		.callback = httpd_on_audit_event,
		/* Records of logons the policy lets go on without them
		 * (AuditFailure = continue) and front-end events are written
		 * HTTPD_AUDIT_BUFFER at a time: by the guard every 100 ms, before a
		 * reload opens the file again, and at the stop. Under AuditFailure =
		 * deny each record is written before its logon succeeds. */
		.audit_buffer = HTTPD_AUDIT_BUFFER,
	};
	const char *from;
	st = fe_accounts_open(&spec, policy, &accounts, &from);
	if (st != NTLM_OK) {
		rc = load_error(why, why_len, "--accounts", from, st);
		goto out;
	}
	st = ntlm_audit_open(&audit);
	if (st == NTLM_OK && cfg->audit)
		st = ntlm_audit_to_file(audit, cfg->audit);
	else if (st == NTLM_OK)
		st = ntlm_audit_to_policy(audit, policy, "ntlm-httpd");
	if (st == NTLM_OK && spec.syslog)
		st = ntlm_audit_to_syslog(audit, "ntlm-httpd");
	if (st == NTLM_OK)
		st = ntlm_audit_to_callback(audit, httpd_on_audit_event, NULL);
	if (st == NTLM_OK)
		st = ntlm_audit_buffer(audit, spec.audit_buffer);
	if (st != NTLM_OK) {
		rc = load_error(why, why_len, "--audit", cfg->audit, st);
		goto out;
	}
	fe_live_init(&httpd_S.live, &spec, target, policy, accounts, audit);
	policy = NULL;
	accounts = NULL;
	audit = NULL;
	live_ready = true;
	if (cfg->root) {
		if (httpd_files_open(cfg->root, why, why_len) != 0) {
			rc = 1;
			goto out;
		}
		files_ready = true;
	}
	if (cfg->proxy) {
		if (httpd_proxy_init(cfg->proxy, cfg->proxy_timeout, why, why_len) != 0)
			goto out;
		proxy_ready = true;
	}
	fd = listen_on(cfg->listen, shown, sizeof(shown), &family, why, why_len);
	if (fd < 0)
		goto out;
	/* Every file is open and the socket bound (a port below 1024 too): root
	 * is not needed any more. Before any thread starts. */
	if (httpd_drop_privileges(cfg->user, why, why_len) != 0) {
		close(fd);
		goto out;
	}
	if (httpd_guard_start(why, why_len) != 0) {
		close(fd);
		goto out;
	}
	guard_ready = true;

	/* The per-connection memory pool holds the request line and headers,
	 * the read buffer and the response headers: a request whose headers do
	 * not fit is answered 431 by libmicrohttpd. The connection limits are
	 * the guard's (httpd_guard_accept); libmicrohttpd's own limit leaves room
	 * for the connections the guard is closing. */
	size_t pool = cfg->max_header_size + 8192;
	if (pool < 16384)
		pool = 16384;
	unsigned threads = worker_threads(cfg);
	/* Workers that serve many connections each hand the steps that may
	 * wait on the domain to the domain threads (validate.c); a thread per
	 * connection (--threads 0) waits on its own. */
	if (threads > 0) {
		if (httpd_validate_start(cfg->domain_threads, why, why_len) != 0)
			goto out;
		pool_ready = true;
		httpd_S.async = true;
	}
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG | MHD_USE_ITC;
	if (httpd_S.async)
		flags |= MHD_ALLOW_SUSPEND_RESUME;
	if (threads == 0)
		flags |= MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL;
	else
		flags |= MHD_USE_EPOLL | MHD_USE_TURBO;
	if (family == AF_INET6)
		flags |= MHD_USE_IPv6;
	/* --threads N > 1: N daemons, one epoll worker each, each on its own
	 * socket of a SO_REUSEPORT group (listen_group); the guard's limits are
	 * over all of them. */
	unsigned n_daemons = threads > 1 ? threads : 1;
	int fds[HTTPD_MAX_WORKERS];
	if (n_daemons == 1) {
		fds[0] = fd;
	} else if (!listen_group(fd, fds, n_daemons, why, why_len)) {
		char e[256];
		snprintf(e, sizeof(e), "%s", why);
		snprintf(why, why_len, "--listen %s: %s", cfg->listen, e);
		goto out;
	}
	fd = -1;
	for (unsigned i = 0; i < n_daemons; i++) {
		httpd_S.daemon[i] = MHD_start_daemon(
			flags, 0, httpd_guard_accept, NULL, on_request, NULL,
			MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL, MHD_OPTION_LISTEN_SOCKET,
			(MHD_socket)fds[i],
			/* the guard holds the real limit, over all the daemons */
			MHD_OPTION_CONNECTION_LIMIT, httpd_guard_hard_limit(cfg->max_connections),
			/* One idle timeout for every connection (libmicrohttpd keeps
			 * those with a timeout of their own on a list it walks at
			 * every wakeup): --idle-timeout. An unauthenticated
			 * connection has the guard's absolute handshake deadline,
			 * which comes first. */
			MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)cfg->idle_timeout,
			MHD_OPTION_CONNECTION_MEMORY_LIMIT, pool, MHD_OPTION_NOTIFY_CONNECTION,
			on_connection, NULL, MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
			MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL, MHD_OPTION_END);
		if (!httpd_S.daemon[i]) {
			snprintf(why, why_len, "cannot start the HTTP server on %s", shown);
			for (unsigned j = i; j < n_daemons; j++)
				close(fds[j]);
			stop_daemons();
			goto out;
		}
		httpd_S.n_daemons = i + 1;
	}
	printf("ntlm httpd: listening on http://%s/\n", shown);
	fflush(stdout);

	for (;;) {
		if (sigwait(&sigs, &sig) != 0)
			continue;
		if (sig != SIGHUP)
			break;
		reload();
	}
	httpd_log_now("ntlm httpd: %s, shutting down\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
	rc = 0;
	/* Before the daemons: libmicrohttpd cannot stop with a connection
	 * suspended. */
	if (pool_ready) {
		stranded = httpd_validate_stop(HTTPD_STOP_WAIT_MS);
		pool_ready = false;
	}
	if (stranded) {
		/* Their threads still wait on winbindd, with the connections,
		 * the contexts and the accounts they use: leave all of it to
		 * the end of the process, but write the log and the audit. */
		httpd_log_now("ntlm httpd: %u domain logon%s still waiting on winbind after %u ms: "
			      "stopping without %s\n",
			      stranded, stranded == 1 ? "" : "s", HTTPD_STOP_WAIT_MS,
			      stranded == 1 ? "it" : "them");
		fe_live_flush(&httpd_S.live, true);
		httpd_log_flush();
		return rc;
	}
	stop_daemons(); /* closes the connections, and the sockets */
out:
	if (pool_ready)
		(void)httpd_validate_stop(HTTPD_STOP_WAIT_MS); /* none started: no jobs */
	httpd_log_flush();
	if (guard_ready)
		httpd_guard_stop();
	if (proxy_ready)
		httpd_proxy_cleanup();
	if (files_ready)
		httpd_files_close();
	if (live_ready)
		fe_live_close(&httpd_S.live);
	ntlm_audit_close(audit);
	ntlm_accounts_close(accounts);
	ntlm_policy_free(policy);
	memset(&httpd_S, 0, sizeof(httpd_S));
	return rc;
}
