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

#include "fe.h"
#include "httpd.h"

/* Worker threads at most (--threads). */
#define HTTPD_MAX_WORKERS 64u
/* What the audit file may keep in memory (fe_live_spec.audit_buffer). */
#define HTTPD_AUDIT_BUFFER 65536u
/* Requests a connection may have refused (401/400) before it is closed. */
#define MAX_REFUSALS 32u
/* Base64 of NTLM_MAX_TOKEN bytes; under Negotiate, of a SPNEGO token. */
#define MAX_TOKEN_TEXT (((NTLM_MAX_TOKEN + 2) / 3) * 4)
#define MAX_SPNEGO_TEXT (((NTLM_SPNEGO_MAX_TOKEN + 2) / 3) * 4)

struct addr_count; /* guard.c */

struct hconn {
	char peer[64];
	struct ntlm_ctx *ctx; /* handshake in progress (CHALLENGE sent); owned */
	struct fe_gen *gen;   /* what ctx borrows (policy, accounts, audit); a reference */
	struct timespec hs_started;
	bool spnego;	 /* the handshake in progress speaks SPNEGO (ntlm_spnego_accept) */
	bool challenged; /* its CHALLENGE went out */
	bool authed;
	struct httpd_identity id;
	unsigned handshakes;
	unsigned refusals;
	void *curl; /* proxy mode: this connection's libcurl handle; owned */
	/* guard.c, under its lock: the connection in the list of all */
	struct hconn *prev, *next;
	int fd;
	char addr[64];		       /* the client's address without the port */
	struct addr_count *from;       /* the guard's count of addr's connections */
	struct hconn *a_prev, *a_next; /* in from's list */
	int64_t hs_deadline;	       /* ms (fe_now_ms): handshake done by then; 0 = none */
	int64_t hdr_deadline;	       /* ms: this request's headers in by then; 0 = none */
	bool g_authed;		       /* authenticated, as the guard sees it */
	const char *closing;	       /* why the guard closed it, or NULL */
	bool held; /* refused, held until the guard's next tick (never served) */
};

struct hreq {
	char *target; /* the raw request target, as received (stored after the struct) */
	bool started;
	bool decided;		   /* what follows the decision was done (on_request) */
	struct httpd_job *job;	   /* the decision left a step for a domain thread */
	bool serve;		   /* authorized: serve it once the body is in */
	struct MHD_Response *resp; /* else: this response; owned until queued */
	unsigned status;
	bool queued;
	struct ntlm_buf body; /* proxy mode, authorized: the request body */
	bool body_too_large;
	size_t body_seen; /* bytes of body received, kept or not */
	char detail[320]; /* why it was refused, for the request log */
	char *www_auth;	  /* served: the final "Negotiate <NegTokenResp>", or NULL; owned */
};

/* The daemon's shared state: set up by httpd_run() before the first
 * connection, then only read (the library objects are thread-safe). */
struct httpd_shared {
	const struct httpd_config *cfg;
	struct fe_live live; /* policy, accounts, audit (reloaded on SIGHUP); our events */
	/* one per worker, each on its own SO_REUSEPORT socket; one with
	 * --threads 0 or 1 */
	struct MHD_Daemon *daemon[HTTPD_MAX_WORKERS];
	unsigned n_daemons;
	bool async; /* workers serve many connections: steps that may wait go to
		       the domain threads (validate.c) */
};
extern struct httpd_shared httpd_S;

/* handshake.c ------------------------------------------------------------------ */

struct httpd_job; /* validate.c */

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

/* The AUTHENTICATE step and what follows it (the identity, or the
 * refusal): on the worker, or on a domain thread (validate.c). */
void httpd_finish_step(struct hconn *hc, struct hreq *rq, bool spnego, const uint8_t *tok,
		       size_t len);
/* A job dropped because the server stops: 503, the handshake dropped and
 * audited as abandoned. */
void httpd_refuse_stopping(struct hconn *hc, struct hreq *rq);

/* Frees the connection's handshake in progress, if any (its CHALLENGE goes
 * unanswered), and the generation it borrowed from. */
void httpd_drop_handshake(struct hconn *hc);

/* validate.c: steps that may wait on the domain, off the workers ------------------ */

/* The job for a step of this suspended-to-be connection (tok copied), or
 * NULL when out of memory. */
struct httpd_job *httpd_job_new(struct MHD_Connection *conn, struct hconn *hc, struct hreq *rq,
				bool spnego, const uint8_t *tok, size_t len);
/* Runs the step on this thread, and frees the job. */
void httpd_job_run_here(struct httpd_job *j);
/* Up to max_threads threads, started on demand. 0, or -1 with *why. */
int httpd_validate_start(unsigned max_threads, char *why, size_t why_len);
/* Is there a thread to take a job (one is started if none is)? If so,
 * suspend the connection, then submit: the job's thread resumes it. */
bool httpd_validate_ready(void);
void httpd_validate_submit(struct httpd_job *j);
/* Answers the jobs not started (503), waits up to wait_ms for the running
 * ones; returns how many still run (0: all threads joined). */
unsigned httpd_validate_stop(unsigned wait_ms);

/* guard.c: connection limits and deadlines ---------------------------------------- */

/* ---- log.c: the log on stderr, buffered (written when full, every 100 ms
 * by the guard, at once by httpd_log_now, and by httpd_log_flush). A line
 * ends with "\n" and is never split. */
void httpd_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void httpd_log_now(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void httpd_log_flush(void);

/* Starts the thread that closes connections past their deadline. */
int httpd_guard_start(char *why, size_t why_len);
void httpd_guard_stop(void);
/* libmicrohttpd's accept policy: the per-address limit, and room for the
 * newcomer at --max-connections (the oldest unauthenticated connection is
 * closed for it, else it is refused). */
enum MHD_Result httpd_guard_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen);
/* The libmicrohttpd connection limit that leaves room for connections being
 * closed by the guard. */
unsigned httpd_guard_hard_limit(unsigned max_connections);
/* A connection starts (its handshake deadline runs from now) or ends. */
void httpd_guard_add(struct hconn *hc, struct MHD_Connection *conn);
/* A refused connection held until the guard's next tick: answer nothing. */
bool httpd_guard_held(const struct hconn *hc);
void httpd_guard_remove(struct hconn *hc);
/* The connection authenticated (no handshake deadline), or starts a new
 * handshake (a deadline from now). */
void httpd_guard_authed(struct hconn *hc, bool authed);
/* A request line came in (its headers are due), or its headers are in. */
void httpd_guard_request(struct hconn *hc, bool headers_done);

#endif
