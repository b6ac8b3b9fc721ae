/* SPDX-License-Identifier: MIT */
/*
 * http/server.c: `ntlm httpd`, NTLM over HTTP as IIS speaks it.
 *
 *   client                                   server
 *   GET /                                 -> 401  WWW-Authenticate: Negotiate
 *                                                 WWW-Authenticate: NTLM
 *   GET /  Authorization: NTLM <NEGOTIATE> -> 401  WWW-Authenticate: NTLM <CHALLENGE>
 *   GET /  Authorization: NTLM <AUTHENT.>  -> 200  (or 401 / 403 / 400)
 *   GET /other                            -> 200  same TCP connection: no new handshake
 *
 * The handshake and its result belong to the TCP connection (struct hconn,
 * libmicrohttpd's per-socket context): a CHALLENGE is only ever answered on
 * the connection that received it. Raw NTLMSSP tokens are also accepted
 * under the Negotiate scheme, and the reply uses the scheme the client used.
 *
 * Threading: one thread per connection (MHD_USE_THREAD_PER_CONNECTION),
 * bounded by --max-connections and --max-per-ip, so a slow client or a slow
 * backend holds only its own thread. struct hconn is touched only by its
 * connection's thread. The policy, the account store and the audit object
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

#include <ntlmssp/unstable.h>

#include "httpd.h"

/* Requests a connection may have refused (401/400) before it is closed. */
#define MAX_REFUSALS 32u
/* An unauthenticated request body larger than this is not read: the 401
 * goes out at once and the connection is closed. */
#define UNAUTH_BODY_MAX 65536u
/* Base64 of NTLM_MAX_TOKEN bytes. */
#define MAX_TOKEN_TEXT (((NTLM_MAX_TOKEN + 2) / 3) * 4)

struct hconn {
	char peer[64];
	struct ntlm_ctx *ctx; /* handshake in progress (CHALLENGE sent); owned */
	struct timespec hs_started;
	bool authed;
	struct httpd_identity id;
	unsigned handshakes;
	unsigned refusals;
	bool long_timeout; /* --idle-timeout in force (else --handshake-timeout) */
	void *curl;	   /* proxy mode: this connection's libcurl handle; owned */
};

struct hreq {
	char *target; /* the raw request target, as received; owned */
	bool started;
	bool serve;		   /* authorized: serve it once the body is in */
	struct MHD_Response *resp; /* else: this response; owned until queued */
	unsigned status;
	bool queued;
	struct httpd_buf body; /* proxy mode, authorized: the request body */
	bool body_too_large;
	size_t body_seen; /* bytes of body received, kept or not */
	char detail[320]; /* why it was refused, for the request log */
};

static struct {
	const struct httpd_config *cfg;
	struct ntlm_policy *policy;
	struct ntlm_accounts *accounts;
	struct ntlm_audit *audit;
	struct MHD_Daemon *daemon;
	char target[64]; /* our NetBIOS name, for the front end's own audit records */
} S;

/* Library audit events emitted by this thread (see note_unless_audited). */
static _Thread_local unsigned tl_events;

/* ---- small helpers ------------------------------------------------------------ */

static double since(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

static struct MHD_Response *text_response(const char *msg)
{
	struct MHD_Response *r =
		MHD_create_response_from_buffer(strlen(msg), (void *)msg, MHD_RESPMEM_PERSISTENT);
	if (r)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
					"text/plain; charset=utf-8");
	return r;
}

static const char unauthorized_page[] =
	"<!DOCTYPE html>\n<html><head><title>401 Unauthorized</title></head><body>\n"
	"<h1>401 Unauthorized</h1>\n<p>This server uses Windows Integrated Authentication "
	"(NTLM).</p>\n</body></html>\n";

/* 401 with the invitation to authenticate (both schemes, as IIS sends), or
 * with one "SCHEME <challenge>" header when challenge is not NULL. */
static struct MHD_Response *unauthorized(const char *challenge, bool ntlm_only)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(
		sizeof(unauthorized_page) - 1, (void *)unauthorized_page, MHD_RESPMEM_PERSISTENT);
	if (!r)
		return NULL;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/html; charset=utf-8");
	if (challenge) {
		MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, challenge);
	} else {
		if (!ntlm_only)
			MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Negotiate");
		MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "NTLM");
	}
	return r;
}

static void set_detail(struct hreq *rq, const char *detail)
{
	snprintf(rq->detail, sizeof(rq->detail), "%s", detail);
}

static void set_response(struct hreq *rq, unsigned status, struct MHD_Response *r)
{
	if (rq->resp)
		MHD_destroy_response(rq->resp);
	rq->resp = r;
	rq->status = status;
}

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

	if (S.cfg->quiet)
		return;
	fprintf(stderr, "ntlm httpd: %s \"%s %s\" %u%s%s\n", hc ? hc->peer : "?",
		printable(method ? method : "?", true, meth, sizeof(meth)),
		printable(rq && rq->target ? rq->target : "?", true, target, sizeof(target)),
		status, detail && *detail ? " " : "",
		printable(detail ? detail : "", false, det, sizeof(det)));
}

/* ---- audit ----------------------------------------------------------------------- */

/* The callback sink: counts this thread's events, and without --audit
 * writes them to stderr as JSON Lines. */
static void on_audit_event(const struct ntlm_audit_event *e, void *arg)
{
	char line[8192];
	(void)arg;
	tl_events++;
	if (S.cfg->audit)
		return;
	if (ntlm_audit_event_to_json(e, line, sizeof(line)) == NTLM_OK)
		fprintf(stderr, "%s%s", line, strchr(line, '\n') ? "" : "\n");
}

/* ---- the handshake ------------------------------------------------------------- */

static ntlm_status new_server_ctx(const struct hconn *hc, struct ntlm_ctx **out)
{
	const struct httpd_config *cfg = S.cfg;
	struct ntlm_ctx *ctx = NULL;
	ntlm_status st;

	st = ntlm_server_new(S.policy, S.accounts, &ctx);
	if (st != NTLM_OK)
		goto fail;
	st = ntlm_ctx_set_audit(ctx, S.audit);
	if (st != NTLM_OK)
		goto fail;
	st = ntlm_ctx_set_names(ctx, cfg->nb_computer, cfg->nb_domain, cfg->dns_computer,
				cfg->dns_domain);
	if (st != NTLM_OK)
		goto fail;
	st = ntlm_ctx_set_peer(ctx, hc->peer);
	if (st != NTLM_OK)
		goto fail;
	*out = ctx;
	return NTLM_OK;
fail:
	ntlm_ctx_free(ctx);
	return st;
}

static void forget_identity(struct hconn *hc)
{
	char peer[sizeof(hc->peer)];
	memcpy(peer, hc->peer, sizeof(peer));
	hc->authed = false;
	memset(&hc->id, 0, sizeof(hc->id));
	memcpy(hc->id.peer, peer, sizeof(hc->id.peer));
}

/* The response for a failed ntlm_step. */
static void refuse(struct hconn *hc, struct hreq *rq, ntlm_status st, bool at_authenticate)
{
	const char *detail = ntlm_error_message();
	char msg[320];

	snprintf(msg, sizeof(msg), "(%s: %s)", ntlm_status_name(st),
		 detail && *detail ? detail : ntlm_status_text(st));
	switch (ntlm_status_kind(st)) {
	case NTLM_KIND_POLICY_DENIED:
		/* A valid account refused by policy: 403. Refused at the
		 * NEGOTIATE (before any account is known): 401. */
		if (at_authenticate)
			set_response(rq, MHD_HTTP_FORBIDDEN,
				     text_response("403 Forbidden: refused by the NTLM policy\n"));
		else
			set_response(rq, MHD_HTTP_UNAUTHORIZED, unauthorized(NULL, false));
		break;
	case NTLM_KIND_AUTH_FAILED:
		set_response(rq, MHD_HTTP_UNAUTHORIZED, unauthorized(NULL, false));
		break;
	case NTLM_KIND_MALFORMED:
	case NTLM_KIND_USAGE:
		set_response(rq, MHD_HTTP_BAD_REQUEST,
			     text_response("400 Bad Request: malformed NTLM token\n"));
		break;
	default:
		set_response(rq, MHD_HTTP_INTERNAL_SERVER_ERROR,
			     text_response("500 Internal Server Error\n"));
	}
	hc->refusals++;
	set_detail(rq, msg);
}

/* A record of ours, unless the library already audited this refusal. */
static void note_unless_audited(unsigned before, const struct hconn *hc, const char *reason)
{
	if (tl_events == before)
		httpd_note(9008, "replay", S.target, hc->peer, reason);
}

static void start_handshake(struct hconn *hc, struct hreq *rq, enum httpd_scheme scheme,
			    const uint8_t *tok, size_t len)
{
	struct ntlm_ctx *ctx = NULL;
	uint8_t *out = NULL;
	size_t out_len = 0;
	char *b64 = NULL, *header = NULL;
	ntlm_status st;

	/* A new NEGOTIATE starts over: whatever this connection was, it is not
	 * authenticated until this handshake completes (as IIS does). */
	ntlm_ctx_free(hc->ctx);
	hc->ctx = NULL;
	forget_identity(hc);
	if (hc->handshakes >= HTTPD_MAX_HANDSHAKES) {
		set_response(rq, MHD_HTTP_BAD_REQUEST,
			     text_response("400 Bad Request: too many NTLM handshakes on one "
					   "connection\n"));
		hc->refusals = MAX_REFUSALS;
		return;
	}
	hc->handshakes++;
	st = new_server_ctx(hc, &ctx);
	if (st != NTLM_OK)
		goto fail;
	st = ntlm_step(ctx, tok, len, &out, &out_len);
	if (st != NTLM_CONTINUE) {
		if (st == NTLM_OK)
			st = NTLM_E_BAD_STATE;
		goto fail;
	}
	st = ntlm_base64_encode(out, out_len, &b64);
	if (st != NTLM_OK)
		goto fail;
	size_t hlen = strlen(b64) + 16;
	header = malloc(hlen);
	if (!header) {
		st = NTLM_E_NOMEM;
		goto fail;
	}
	snprintf(header, hlen, "%s %s", scheme == SCHEME_NEGOTIATE ? "Negotiate" : "NTLM", b64);
	set_response(rq, MHD_HTTP_UNAUTHORIZED, unauthorized(header, false));
	hc->ctx = ctx;
	ctx = NULL;
	clock_gettime(CLOCK_MONOTONIC, &hc->hs_started);
	goto out;
fail:
	refuse(hc, rq, st, false);
out:
	free(header);
	ntlm_free(b64);
	ntlm_free(out);
	ntlm_ctx_free(ctx);
}

static void finish_handshake(struct hconn *hc, struct hreq *rq, const uint8_t *tok, size_t len)
{
	uint8_t *out = NULL;
	size_t out_len = 0;
	char reason[200];
	ntlm_status st;

	if (!hc->ctx) {
		/* No CHALLENGE was sent on this connection: the client moved to a
		 * new connection mid-handshake, or replays a token. A fresh
		 * context sees the token (the library audits what it can), and
		 * the refusal is recorded in any case. */
		unsigned before = tl_events;
		struct ntlm_ctx *tmp = NULL;
		if (new_server_ctx(hc, &tmp) == NTLM_OK) {
			ntlm_status ignored = ntlm_step(tmp, tok, len, &out, &out_len);
			(void)ignored; /* it cannot succeed: no CHALLENGE was sent */
			ntlm_free(out);
		}
		ntlm_ctx_free(tmp);
		note_unless_audited(before, hc,
				    "AUTHENTICATE on a connection that holds no NTLM handshake: "
				    "NTLM over HTTP is bound to the TCP connection that received "
				    "the CHALLENGE (new connection mid-handshake, or a replay)");
		set_response(rq, MHD_HTTP_UNAUTHORIZED, unauthorized(NULL, false));
		hc->refusals++;
		set_detail(rq, "(AUTHENTICATE without a handshake on this "
			       "connection)");
		return;
	}
	double waited = since(&hc->hs_started);
	if (waited > (double)S.cfg->handshake_timeout) {
		ntlm_ctx_free(hc->ctx);
		hc->ctx = NULL;
		snprintf(reason, sizeof(reason),
			 "AUTHENTICATE %.0f s after the CHALLENGE; --handshake-timeout is %u s",
			 waited, S.cfg->handshake_timeout);
		httpd_note(9008, "replay", S.target, hc->peer, reason);
		set_response(rq, MHD_HTTP_UNAUTHORIZED, unauthorized(NULL, false));
		hc->refusals++;
		set_detail(rq, "(handshake timeout)");
		return;
	}
	st = ntlm_step(hc->ctx, tok, len, &out, &out_len);
	ntlm_free(out);
	if (st != NTLM_OK) {
		ntlm_ctx_free(hc->ctx);
		hc->ctx = NULL;
		refuse(hc, rq, st, true);
		return;
	}
	struct httpd_identity *id = &hc->id;
	snprintf(id->user, sizeof(id->user), "%s", ntlm_ctx_user(hc->ctx));
	snprintf(id->domain, sizeof(id->domain), "%s", ntlm_ctx_domain(hc->ctx));
	snprintf(id->workstation, sizeof(id->workstation), "%s", ntlm_ctx_workstation(hc->ctx));
	snprintf(id->response_type, sizeof(id->response_type), "%s",
		 ntlm_ctx_response_type(hc->ctx));
	id->flags = ntlm_ctx_flags(hc->ctx);
	id->key_strength = ntlm_ctx_key_strength(hc->ctx);
	id->handshakes = hc->handshakes;
	id->requests = 0;
	/* The keys are not used over HTTP: the context (and its keys) go now. */
	ntlm_ctx_free(hc->ctx);
	hc->ctx = NULL;
	hc->authed = true;
	hc->refusals = 0;
	rq->serve = true;
}

/* Decides what to do with a request from its headers (first call). */
static void decide(struct MHD_Connection *conn, struct hconn *hc, struct hreq *rq)
{
	const char *value =
		MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	const char *cred;
	size_t cred_len;
	char text[MAX_TOKEN_TEXT + 1];
	uint8_t *tok = NULL;
	size_t len = 0;
	enum httpd_scheme scheme = httpd_auth_scheme(value, &cred, &cred_len);

	if (scheme == SCHEME_NONE || scheme == SCHEME_OTHER) {
		if (hc->authed) {
			rq->serve = true;
			return;
		}
		/* Not (or no longer) in a handshake: invite one. A client that
		 * drops its handshake abandons it. */
		ntlm_ctx_free(hc->ctx);
		hc->ctx = NULL;
		hc->refusals++;
		set_response(rq, MHD_HTTP_UNAUTHORIZED, unauthorized(NULL, false));
		return;
	}
	if (cred_len == 0 || cred_len > MAX_TOKEN_TEXT) {
		set_response(rq, MHD_HTTP_BAD_REQUEST,
			     text_response(cred_len ? "400 Bad Request: NTLM token too large\n"
						    : "400 Bad Request: no NTLM token\n"));
		hc->refusals++;
		set_detail(rq, "(Authorization without a usable token)");
		return;
	}
	memcpy(text, cred, cred_len);
	text[cred_len] = '\0';
	ntlm_status st = ntlm_token_from_text(text, &tok, &len);
	if (st != NTLM_OK) {
		set_response(rq, MHD_HTTP_BAD_REQUEST,
			     text_response("400 Bad Request: the NTLM token is not base64\n"));
		hc->refusals++;
		set_detail(rq, "(token is not base64)");
		return;
	}
	if (len < 12 || memcmp(tok, "NTLMSSP", 8) != 0) {
		if (scheme == SCHEME_NEGOTIATE) {
			/* SPNEGO / Kerberos: not ours. Offer NTLM alone, which
			 * browsers then use. */
			set_response(rq, MHD_HTTP_UNAUTHORIZED, unauthorized(NULL, true));
			set_detail(rq, "(Negotiate token is not NTLMSSP)");
		} else {
			set_response(rq, MHD_HTTP_BAD_REQUEST,
				     text_response("400 Bad Request: not an NTLMSSP message\n"));
			set_detail(rq, "(not an NTLMSSP message)");
		}
		hc->refusals++;
		goto out;
	}
	uint32_t type = (uint32_t)tok[8] | (uint32_t)tok[9] << 8 | (uint32_t)tok[10] << 16 |
			(uint32_t)tok[11] << 24;
	if (type == 1) {
		start_handshake(hc, rq, scheme, tok, len);
	} else if (type == 3) {
		finish_handshake(hc, rq, tok, len);
	} else {
		set_response(rq, MHD_HTTP_BAD_REQUEST,
			     text_response("400 Bad Request: expected an NTLM NEGOTIATE or "
					   "AUTHENTICATE message\n"));
		hc->refusals++;
		set_detail(rq, "(wrong NTLM message type)");
	}
out:
	explicit_bzero(text, cred_len);
	if (tok) {
		explicit_bzero(tok, len);
		ntlm_free(tok);
	}
}

/* ---- serving --------------------------------------------------------------------- */

static bool get_or_head(const char *method)
{
	return strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
}

static struct MHD_Response *serve(struct MHD_Connection *conn, struct hconn *hc, struct hreq *rq,
				  const char *method, unsigned *status)
{
	const struct httpd_config *cfg = S.cfg;
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
			return text_response("413 Content Too Large\n");
		}
		if (!httpd_header_value_ok(user)) {
			/* A name with control characters would split the header. */
			*status = MHD_HTTP_BAD_REQUEST;
			return text_response("400 Bad Request: the user name cannot be "
					     "forwarded in a header\n");
		}
		return httpd_proxy_response(conn, &hc->curl, method, rq->target, user, hc->peer,
					    (const uint8_t *)rq->body.p, rq->body.len, status);
	}
	if (!get_or_head(method)) {
		*status = MHD_HTTP_METHOD_NOT_ALLOWED;
		r = text_response("405 Method Not Allowed\n");
		if (r)
			MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
		return r;
	}
	if (cfg->root)
		return httpd_files_response(rq->target, status);

	const char *fmt = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "format");
	bool json = fmt && strcmp(fmt, "json") == 0;
	struct httpd_buf b = { 0 };
	if (!httpd_page(&hc->id, json, &b)) {
		httpd_buf_free(&b);
		*status = MHD_HTTP_INTERNAL_SERVER_ERROR;
		return text_response("500 Internal Server Error\n");
	}
	r = MHD_create_response_from_buffer(b.len, b.p, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		httpd_buf_free(&b);
		return NULL;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				json ? "application/json" : "text/html; charset=utf-8");
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
	(void)url;
	(void)version;
	if (!rq || !hc || !rq->target)
		return MHD_NO; /* allocation failed: drop the connection */
	if (!rq->started) {
		rq->started = true;
		if (header_size(conn, rq, method) > S.cfg->max_header_size) {
			hc->refusals = MAX_REFUSALS;
			set_detail(rq, "(headers over --max-header-size)");
			return queue(conn, hc, rq, method, MHD_HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE,
				     text_response("431 Request Header Fields Too Large\n"), true);
		}
		decide(conn, hc, rq);
		/* Idle limit: --handshake-timeout until authenticated, then
		 * --idle-timeout (and back for a new handshake). */
		if (hc->authed != hc->long_timeout) {
			unsigned int t =
				hc->authed ? S.cfg->idle_timeout : S.cfg->handshake_timeout;
			hc->long_timeout = hc->authed;
			MHD_set_connection_option(conn, MHD_CONNECTION_OPTION_TIMEOUT, t);
		}
		unsigned long long declared = declared_length(conn);
		if (!rq->serve && declared > UNAUTH_BODY_MAX) {
			r = rq->resp;
			rq->resp = NULL;
			return queue(conn, hc, rq, method, rq->status, r, true);
		}
		if (rq->serve && S.cfg->proxy && declared > S.cfg->max_body_size) {
			hc->id.requests++;
			return queue(conn, hc, rq, method, MHD_HTTP_CONTENT_TOO_LARGE,
				     text_response("413 Content Too Large\n"), true);
		}
		return MHD_YES;
	}
	if (*upload_size) {
		/* A body that is only discarded is not read forever either
		 * (chunked bodies announce no length): drop the connection. */
		rq->body_seen += *upload_size;
		if ((!rq->serve && rq->body_seen > UNAUTH_BODY_MAX) ||
		    (rq->serve && rq->body_seen > S.cfg->max_body_size + UNAUTH_BODY_MAX))
			return MHD_NO;
		if (rq->serve && S.cfg->proxy && !rq->body_too_large) {
			if (rq->body.len + *upload_size > S.cfg->max_body_size)
				rq->body_too_large = true;
			else
				httpd_buf_put(&rq->body, upload_data, *upload_size);
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
	if (rq->body.failed)
		return MHD_NO;
	r = serve(conn, hc, rq, method, &status);
	return queue(conn, hc, rq, method, status, r, false);
}

/* ---- per-request and per-connection state ------------------------------------------ */

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	(void)cls;
	(void)conn;
	struct hreq *rq = calloc(1, sizeof(*rq));
	if (!rq)
		return NULL;
	rq->target = strdup(uri ? uri : "");
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
	free(rq->target);
	if (rq->body.p)
		explicit_bzero(rq->body.p, rq->body.cap);
	httpd_buf_free(&rq->body);
	free(rq);
	*req_cls = NULL;
}

static void format_peer(const struct sockaddr *sa, char *out, size_t len)
{
	char host[INET6_ADDRSTRLEN] = "?", port[8] = "0";
	socklen_t sl = sa && sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
						       : sizeof(struct sockaddr_in);
	if (!sa || getnameinfo(sa, sl, host, sizeof(host), port, sizeof(port),
			       NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		snprintf(out, len, "?");
		return;
	}
	if (sa->sa_family == AF_INET6)
		snprintf(out, len, "[%s]:%s", host, port);
	else
		snprintf(out, len, "%s:%s", host, port);
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
		format_peer(ci ? ci->client_addr : NULL, hc->peer, sizeof(hc->peer));
		memcpy(hc->id.peer, hc->peer, sizeof(hc->id.peer));
		*socket_context = hc;
		return;
	}
	struct hconn *hc = *socket_context;
	if (!hc)
		return;
	ntlm_ctx_free(hc->ctx);
	httpd_proxy_free_handle(hc->curl);
	explicit_bzero(hc, sizeof(*hc));
	free(hc);
	*socket_context = NULL;
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	(void)cls;
	if (S.cfg->quiet)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	size_t n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	fprintf(stderr, "ntlm httpd: libmicrohttpd: %s\n", msg);
}

/* ---- start and stop ---------------------------------------------------------------- */

void httpd_config_defaults(struct httpd_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->listen = "127.0.0.1:8080";
	cfg->max_connections = HTTPD_DEFAULT_MAX_CONNECTIONS;
	cfg->max_per_ip = HTTPD_DEFAULT_MAX_PER_IP;
	cfg->handshake_timeout = HTTPD_DEFAULT_HANDSHAKE_TIMEOUT;
	cfg->idle_timeout = HTTPD_DEFAULT_IDLE_TIMEOUT;
	cfg->max_header_size = HTTPD_DEFAULT_MAX_HEADER_SIZE;
	cfg->max_body_size = HTTPD_DEFAULT_MAX_BODY_SIZE;
	cfg->proxy_timeout = HTTPD_DEFAULT_PROXY_TIMEOUT;
}

/* "HOST:PORT" or "[V6]:PORT" -> a listening socket; fills `shown` with
 * the bound address. */
static int listen_on(const char *spec, char *shown, size_t shown_len, int *family, char *why,
		     size_t why_len)
{
	char host[256], port[8];
	const char *colon;
	struct addrinfo hints = { 0 }, *res = NULL;
	int fd = -1, one = 1, rc;

	if (spec[0] == '[') {
		const char *end = strchr(spec, ']');
		if (!end || end[1] != ':' || (size_t)(end - spec - 1) >= sizeof(host))
			goto bad;
		memcpy(host, spec + 1, (size_t)(end - spec - 1));
		host[end - spec - 1] = '\0';
		colon = end + 1;
	} else {
		colon = strrchr(spec, ':');
		if (!colon || (size_t)(colon - spec) >= sizeof(host) || colon == spec)
			goto bad;
		memcpy(host, spec, (size_t)(colon - spec));
		host[colon - spec] = '\0';
	}
	if (strlen(colon + 1) == 0 || strlen(colon + 1) > 5 ||
	    strspn(colon + 1, "0123456789") != strlen(colon + 1) ||
	    strtoul(colon + 1, NULL, 10) > 65535)
		goto bad;
	snprintf(port, sizeof(port), "%s", colon + 1);

	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0) {
		snprintf(why, why_len, "--listen %s: %s", spec, gai_strerror(rc));
		return -1;
	}
	fd = socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC, res->ai_protocol);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    bind(fd, res->ai_addr, res->ai_addrlen) != 0 || listen(fd, 128) != 0) {
		snprintf(why, why_len, "--listen %s: %s", spec, strerror(errno));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(res);
		return -1;
	}
	*family = res->ai_family;
	freeaddrinfo(res);

	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
		format_peer((struct sockaddr *)&ss, shown, shown_len);
	else
		snprintf(shown, shown_len, "%s", spec);
	return fd;
bad:
	snprintf(why, why_len, "--listen %s: expected HOST:PORT or [IPv6]:PORT", spec);
	return -1;
}

static void our_name(const struct httpd_config *cfg)
{
	char host[256] = "localhost";
	size_t i;

	if (cfg->nb_computer) {
		snprintf(S.target, sizeof(S.target), "%s", cfg->nb_computer);
		return;
	}
	if (gethostname(host, sizeof(host) - 1) != 0)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	for (i = 0; host[i] && host[i] != '.' && i < 15; i++)
		S.target[i] =
			(char)(host[i] >= 'a' && host[i] <= 'z' ? host[i] - 'a' + 'A' : host[i]);
	S.target[i] = '\0';
}

static int load_error(char *why, size_t why_len, const char *what, const char *path, ntlm_status st)
{
	const char *detail = ntlm_error_message();
	snprintf(why, why_len, "%s %s: %s: %s", what, path ? path : "", ntlm_status_name(st),
		 detail && *detail ? detail : ntlm_status_text(st));
	return 1;
}

int httpd_run(const struct httpd_config *cfg, char *why, size_t why_len)
{
	sigset_t sigs;
	int rc = 2, fd = -1, family = AF_INET, sig = 0;
	char shown[96];
	ntlm_status st;
	bool proxy_ready = false, files_ready = false, note_ready = false;

	memset(&S, 0, sizeof(S));
	S.cfg = cfg;
	our_name(cfg);
	why[0] = '\0';

	/* Signals: SIGINT/SIGTERM are taken by sigwait() below, in this
	 * thread only (every thread started later inherits the mask). */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	if (pthread_sigmask(SIG_BLOCK, &sigs, NULL) != 0) {
		snprintf(why, why_len, "cannot block signals");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);

	if (cfg->config)
		st = ntlm_policy_load(cfg->config, &S.policy);
	else
		st = ntlm_policy_new(cfg->profile, &S.policy);
	if (st != NTLM_OK) {
		rc = load_error(why, why_len, cfg->config ? "--config" : "--profile",
				cfg->config ? cfg->config : cfg->profile, st);
		goto out;
	}
	st = ntlm_accounts_open(cfg->accounts, &S.accounts);
	if (st != NTLM_OK) {
		rc = load_error(why, why_len, "--accounts", cfg->accounts, st);
		goto out;
	}
	st = ntlm_audit_open(&S.audit);
	if (st == NTLM_OK && cfg->audit)
		st = ntlm_audit_to_file(S.audit, cfg->audit);
	if (st == NTLM_OK && cfg->audit_syslog)
		st = ntlm_audit_to_syslog(S.audit, "ntlm-httpd");
	if (st == NTLM_OK)
		st = ntlm_audit_to_callback(S.audit, on_audit_event, NULL);
	if (st != NTLM_OK) {
		rc = load_error(why, why_len, "--audit", cfg->audit, st);
		goto out;
	}
	if (httpd_note_open(cfg->audit, why, why_len) != 0) {
		rc = 1;
		goto out;
	}
	note_ready = true;
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

	/* The per-connection memory pool holds the request line and headers,
	 * the read buffer and the response headers: a request whose headers do
	 * not fit is answered 431 by libmicrohttpd. */
	size_t pool = cfg->max_header_size + 8192;
	if (pool < 16384)
		pool = 16384;
	unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
			 MHD_USE_POLL | MHD_USE_ERROR_LOG | MHD_USE_ITC;
	if (family == AF_INET6)
		flags |= MHD_USE_IPv6;
	S.daemon = MHD_start_daemon(
		flags, 0, NULL, NULL, on_request, NULL, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log,
		NULL, MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd, MHD_OPTION_CONNECTION_LIMIT,
		(unsigned int)cfg->max_connections, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
		(unsigned int)cfg->max_per_ip, MHD_OPTION_CONNECTION_TIMEOUT,
		(unsigned int)cfg->handshake_timeout, MHD_OPTION_CONNECTION_MEMORY_LIMIT, pool,
		MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL, MHD_OPTION_NOTIFY_COMPLETED,
		on_completed, NULL, MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL, MHD_OPTION_END);
	if (!S.daemon) {
		snprintf(why, why_len, "cannot start the HTTP server on %s", shown);
		close(fd);
		goto out;
	}
	printf("ntlm httpd: listening on http://%s/\n", shown);
	fflush(stdout);

	for (;;) {
		if (sigwait(&sigs, &sig) == 0)
			break;
	}
	fprintf(stderr, "ntlm httpd: %s, shutting down\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
	MHD_stop_daemon(S.daemon); /* closes the connections, and the socket */
	S.daemon = NULL;
	rc = 0;
out:
	if (proxy_ready)
		httpd_proxy_cleanup();
	if (files_ready)
		httpd_files_close();
	if (note_ready)
		httpd_note_close();
	ntlm_audit_close(S.audit);
	ntlm_accounts_close(S.accounts);
	ntlm_policy_free(S.policy);
	memset(&S, 0, sizeof(S));
	return rc;
}
