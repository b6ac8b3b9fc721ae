/* SPDX-License-Identifier: MIT */
/*
 * http/: what server.c (the daemon, its connections and the serving of
 * authorized requests) and handshake.c (the NTLM handshake over HTTP and the
 * answers that refuse) share. Internal to `ntlm httpd`.
 */
#ifndef NTLM_HTTPD_CONN_H
#define NTLM_HTTPD_CONN_H

#include <time.h>

#include <microhttpd.h>

#include "httpd.h"

/* Requests a connection may have refused (401/400) before it is closed. */
#define MAX_REFUSALS 32u
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
	struct ntlm_buf body; /* proxy mode, authorized: the request body */
	bool body_too_large;
	size_t body_seen; /* bytes of body received, kept or not */
	char detail[320]; /* why it was refused, for the request log */
};

/* The daemon's shared state: set up by httpd_run() before the first
 * connection, then only read (the library objects are thread-safe). */
struct httpd_shared {
	const struct httpd_config *cfg;
	struct ntlm_policy *policy;
	struct ntlm_accounts *accounts;
	struct ntlm_audit *audit;
	struct MHD_Daemon *daemon;
	char target[64]; /* our NetBIOS name, for the front end's own audit records */
};
extern struct httpd_shared httpd_S;

/* handshake.c ------------------------------------------------------------------ */

/* A plain-text response with a static message. */
struct MHD_Response *httpd_text_response(const char *msg);
/* 401 with the invitation to authenticate (both schemes, as IIS sends), or
 * with one "SCHEME <challenge>" header when challenge is not NULL; with
 * ntlm_only, the invitation offers NTLM alone. */
struct MHD_Response *httpd_unauthorized(const char *challenge, bool ntlm_only);
/* What the request log says about a refusal. */
void httpd_set_detail(struct hreq *rq, const char *detail);
/* The response a refused request gets (replacing any earlier one). */
void httpd_set_response(struct hreq *rq, unsigned status, struct MHD_Response *r);

/* The audit callback sink: counts this thread's events, and without
 * --audit writes them to stderr as JSON Lines. */
void httpd_on_audit_event(const struct ntlm_audit_event *e, void *arg);

/* Decides what to do with a request from its headers (its first call):
 * serve it (rq->serve), or answer with rq->resp; a NEGOTIATE starts the
 * connection's handshake, an AUTHENTICATE finishes it. */
void httpd_decide(struct MHD_Connection *conn, struct hconn *hc, struct hreq *rq);

#endif
