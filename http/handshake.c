/* SPDX-License-Identifier: MIT */
/*
 * http/handshake.c: the NTLM handshake over HTTP (conn.h), as IIS speaks it:
 *
 *   client                                   server
 *   GET /                                 -> 401  WWW-Authenticate: Negotiate
 *                                                 WWW-Authenticate: NTLM
 *   GET /  Authorization: NTLM <NEGOTIATE> -> 401  WWW-Authenticate: NTLM <CHALLENGE>
 *   GET /  Authorization: NTLM <AUTHENT.>  -> 200  (or 401 / 403 / 400)
 *   GET /other                            -> 200  same TCP connection: no new handshake
 *
 * The handshake and its result belong to the TCP connection (struct hconn):
 * a CHALLENGE is only ever answered on the connection that received it. Raw
 * NTLMSSP tokens are also accepted under the Negotiate scheme, and the reply
 * uses the scheme the client used. Under Negotiate, a SPNEGO token (RFC 4178,
 * as curl --negotiate and browsers send through GSSAPI or SSPI) goes to the
 * library's SPNEGO acceptor (ntlm_spnego_accept): a NegTokenResp in each
 * 401, and the final one (accept-completed, with our mechListMIC) in a
 * WWW-Authenticate header of the 200. struct hconn is touched only by its
 * connection's thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ntlmssp/unstable.h>

#include "conn.h"

/* Library audit events emitted by this thread (see note_unless_audited). */
static _Thread_local unsigned tl_events;

/* ---- responses ------------------------------------------------------------------ */

static double since(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

struct MHD_Response *httpd_text_response(const char *msg)
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

struct MHD_Response *httpd_unauthorized(const char *challenge, bool ntlm_only)
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

void httpd_set_detail(struct hreq *rq, const char *detail)
{
	snprintf(rq->detail, sizeof(rq->detail), "%s", detail);
}

void httpd_set_response(struct hreq *rq, unsigned status, struct MHD_Response *r)
{
	if (rq->resp)
		MHD_destroy_response(rq->resp);
	rq->resp = r;
	rq->status = status;
}

/* ---- audit ----------------------------------------------------------------------- */

/* The callback sink: counts this thread's events, and without --audit
 * writes them to stderr as JSON Lines. */
void httpd_on_audit_event(const struct ntlm_audit_event *e, void *arg)
{
	char line[8192];
	(void)arg;
	tl_events++;
	if (httpd_S.cfg->audit)
		return;
	if (ntlm_audit_event_to_json(e, line, sizeof(line)) == NTLM_OK)
		httpd_log("%s%s", line, strchr(line, '\n') ? "" : "\n");
}

/* ---- the handshake ------------------------------------------------------------- */

/* A server context on the current generation, which *gen holds (give it
 * back with fe_live_put once the context is freed). */
static ntlm_status new_server_ctx(const struct hconn *hc, struct ntlm_ctx **out,
				  struct fe_gen **gen)
{
	const struct httpd_config *cfg = httpd_S.cfg;
	struct fe_gen *g = fe_live_get(&httpd_S.live);
	struct ntlm_ctx *ctx = NULL;
	ntlm_status st;

	st = ntlm_server_new(g->policy, g->accounts, &ctx);
	if (st == NTLM_OK && g->audit)
		st = ntlm_ctx_set_audit(ctx, g->audit);
	if (st == NTLM_OK)
		st = ntlm_ctx_set_names(ctx, cfg->nb_computer, cfg->nb_domain, cfg->dns_computer,
					cfg->dns_domain);
	if (st == NTLM_OK)
		st = ntlm_ctx_set_peer(ctx, hc->peer);
	if (st != NTLM_OK) {
		ntlm_ctx_free(ctx);
		fe_live_put(&httpd_S.live, g);
		return st;
	}
	*out = ctx;
	*gen = g;
	return NTLM_OK;
}

void httpd_drop_handshake(struct hconn *hc)
{
	ntlm_ctx_free(hc->ctx);
	hc->ctx = NULL;
	fe_live_put(&httpd_S.live, hc->gen);
	hc->gen = NULL;
}

static void forget_identity(struct hconn *hc)
{
	char peer[sizeof(hc->peer)];
	memcpy(peer, hc->peer, sizeof(peer));
	hc->authed = false;
	memset(&hc->id, 0, sizeof(hc->id));
	memcpy(hc->id.peer, peer, sizeof(hc->id.peer));
}

/* A malformed request the library did not record: our event (rate limited). */
static void malformed(const struct hconn *hc, unsigned before, const char *what)
{
	if (tl_events == before)
		fe_live_event(&httpd_S.live, NTLM_EVENT_MALFORMED_REQUEST, hc->peer, "%s", what);
}

/* The response for a failed ntlm_step; before: tl_events before the step. */
static void refuse(struct hconn *hc, struct hreq *rq, ntlm_status st, bool at_authenticate,
		   unsigned before)
{
	const char *detail = ntlm_error_message();
	char msg[320];

	snprintf(msg, sizeof(msg), "(%s: %s)", ntlm_status_name(st),
		 detail && *detail ? detail : ntlm_status_text(st));
	httpd_health_failed(st);
	if (st == NTLM_E_NO_COMMON_MECH) {
		/* SPNEGO for Kerberos (or another mechanism) alone: not ours.
		 * Offer NTLM, which browsers then use. */
		httpd_set_response(rq, MHD_HTTP_UNAUTHORIZED, httpd_unauthorized(NULL, true));
		hc->refusals++;
		httpd_set_detail(rq, msg);
		malformed(hc, before, msg);
		return;
	}
	switch (ntlm_status_kind(st)) {
	case NTLM_KIND_POLICY_DENIED:
		/* A valid account refused by policy: 403. Refused at the
		 * NEGOTIATE (before any account is known): 401. */
		if (at_authenticate)
			httpd_set_response(
				rq, MHD_HTTP_FORBIDDEN,
				httpd_text_response("403 Forbidden: refused by the NTLM policy\n"));
		else
			httpd_set_response(rq, MHD_HTTP_UNAUTHORIZED,
					   httpd_unauthorized(NULL, false));
		break;
	case NTLM_KIND_AUTH_FAILED:
		httpd_set_response(rq, MHD_HTTP_UNAUTHORIZED, httpd_unauthorized(NULL, false));
		break;
	case NTLM_KIND_MALFORMED:
	case NTLM_KIND_USAGE:
		httpd_set_response(rq, MHD_HTTP_BAD_REQUEST,
				   httpd_text_response("400 Bad Request: malformed NTLM token\n"));
		{
			char why[400];
			snprintf(why, sizeof(why), "malformed %s %s",
				 at_authenticate ? "AUTHENTICATE" : "NEGOTIATE", msg);
			malformed(hc, before, why);
		}
		break;
	default:
		httpd_set_response(rq, MHD_HTTP_INTERNAL_SERVER_ERROR,
				   httpd_text_response("500 Internal Server Error\n"));
	}
	hc->refusals++;
	httpd_set_detail(rq, msg);
}

/* A record of ours, unless the library already audited this refusal. */
static void note_unless_audited(unsigned before, const struct hconn *hc, const char *reason)
{
	if (tl_events == before)
		fe_live_event(&httpd_S.live, FE_EVENT_REPLAY, hc->peer, "%s", reason);
}

/* "Negotiate <base64>" / "NTLM <base64>" (allocated), or NULL. */
static char *auth_value(enum httpd_scheme scheme, const uint8_t *tok, size_t len, ntlm_status *st)
{
	char *b64 = NULL, *header = NULL;
	*st = ntlm_base64_encode(tok, len, &b64);
	if (*st != NTLM_OK)
		return NULL;
	size_t hlen = strlen(b64) + 16;
	header = malloc(hlen);
	if (header)
		snprintf(header, hlen, "%s %s", scheme == SCHEME_NEGOTIATE ? "Negotiate" : "NTLM",
			 b64);
	else
		*st = NTLM_E_NOMEM;
	ntlm_free(b64);
	return header;
}

/* One step: SPNEGO's acceptor, or NTLM's. */
static ntlm_status step(struct hconn *hc, const uint8_t *tok, size_t len, uint8_t **out,
			size_t *out_len)
{
	return hc->spnego ? ntlm_spnego_accept(hc->ctx, tok, len, out, out_len)
			  : ntlm_step(hc->ctx, tok, len, out, out_len);
}

static void start_handshake(struct hconn *hc, struct hreq *rq, enum httpd_scheme scheme,
			    bool spnego, const uint8_t *tok, size_t len)
{
	struct ntlm_ctx *ctx = NULL;
	uint8_t *out = NULL;
	size_t out_len = 0;
	char *header = NULL;
	struct fe_gen *gen = NULL;
	unsigned before = tl_events;
	ntlm_status st;

	/* A new NEGOTIATE starts over: whatever this connection was, it is not
	 * authenticated until this handshake completes (as IIS does); an
	 * authenticated connection gets a new handshake deadline, one in a
	 * handshake keeps the deadline it has. */
	httpd_drop_handshake(hc);
	if (hc->authed)
		httpd_guard_authed(hc, false);
	forget_identity(hc);
	if (hc->handshakes >= HTTPD_MAX_HANDSHAKES) {
		httpd_set_response(
			rq, MHD_HTTP_BAD_REQUEST,
			httpd_text_response("400 Bad Request: too many NTLM handshakes on one "
					    "connection\n"));
		hc->refusals = MAX_REFUSALS;
		httpd_health_refused(HTTPD_REFUSED_TOO_MANY_HANDSHAKES);
		return;
	}
	hc->handshakes++;
	httpd_health_started();
	st = new_server_ctx(hc, &ctx, &gen);
	if (st != NTLM_OK)
		goto fail;
	hc->ctx = ctx;
	hc->gen = gen;
	hc->spnego = spnego;
	ctx = NULL;
	gen = NULL;
	st = step(hc, tok, len, &out, &out_len);
	if (st != NTLM_CONTINUE) {
		if (st == NTLM_OK)
			st = NTLM_E_BAD_STATE;
		goto fail;
	}
	header = auth_value(scheme, out, out_len, &st);
	if (!header)
		goto fail;
	httpd_set_response(rq, MHD_HTTP_UNAUTHORIZED, httpd_unauthorized(header, false));
	/* SPNEGO may first answer with NTLMSSP chosen and no CHALLENGE yet */
	hc->challenged = !spnego || ntlm_ctx_flags(hc->ctx) != 0;
	clock_gettime(CLOCK_MONOTONIC, &hc->hs_started);
	goto out;
fail:
	httpd_drop_handshake(hc);
	refuse(hc, rq, st, false, before);
out:
	free(header);
	ntlm_free(out);
	ntlm_ctx_free(ctx);
	fe_live_put(&httpd_S.live, gen);
}

/* Would this step wait on the domain (ntlm_step_may_wait)? Under SPNEGO,
 * of the NTLMSSP message inside the NegTokenResp. */
static bool step_may_wait(struct hconn *hc, bool spnego, const uint8_t *tok, size_t len)
{
	if (!ntlm_accounts_may_wait(hc->gen->accounts))
		return false; /* file stores alone: no need to look */
	if (spnego) {
		struct ntlm_spnego_token t;
		if (ntlm_spnego_decode(tok, len, &t) != NTLM_OK || !t.mech_token.len)
			return false;
		tok = t.mech_token.p;
		len = t.mech_token.len;
	}
	return ntlm_step_may_wait(hc->ctx, tok, len) == 1;
}

static void finish_handshake(struct MHD_Connection *conn, struct hconn *hc, struct hreq *rq,
			     bool spnego, const uint8_t *tok, size_t len)
{
	uint8_t *out = NULL;
	size_t out_len = 0;
	char reason[200];

	if (!hc->ctx || hc->spnego != spnego) {
		httpd_drop_handshake(hc);
		/* No CHALLENGE was sent on this connection: the client moved to a
		 * new connection mid-handshake, or replays a token. A fresh
		 * context sees the token (the library audits what it can), and
		 * the refusal is recorded in any case. */
		unsigned before = tl_events;
		struct ntlm_ctx *tmp = NULL;
		struct fe_gen *gen = NULL;
		if (!spnego && new_server_ctx(hc, &tmp, &gen) == NTLM_OK) {
			ntlm_status ignored = ntlm_step(tmp, tok, len, &out, &out_len);
			(void)ignored; /* it cannot succeed: no CHALLENGE was sent */
			ntlm_free(out);
			ntlm_ctx_free(tmp);
			fe_live_put(&httpd_S.live, gen);
		}
		note_unless_audited(
			before, hc,
			spnego ? "SPNEGO NegTokenResp on a connection that holds no "
				 "SPNEGO handshake: NTLM over HTTP is bound to the TCP "
				 "connection that received the CHALLENGE (new connection "
				 "mid-handshake, or a replay)"
			       : "AUTHENTICATE on a connection that holds no NTLM handshake: "
				 "NTLM over HTTP is bound to the TCP connection that received "
				 "the CHALLENGE (new connection mid-handshake, or a replay)");
		httpd_set_response(rq, MHD_HTTP_UNAUTHORIZED, httpd_unauthorized(NULL, false));
		hc->refusals++;
		httpd_set_detail(rq, "(AUTHENTICATE without a handshake on this "
				     "connection)");
		httpd_health_refused(HTTPD_REFUSED_NO_HANDSHAKE);
		return;
	}
	double waited = since(&hc->hs_started);
	if (waited > (double)httpd_S.cfg->handshake_timeout) {
		httpd_drop_handshake(hc);
		snprintf(reason, sizeof(reason),
			 "AUTHENTICATE %.0f s after the CHALLENGE; --handshake-timeout is %u s",
			 waited, httpd_S.cfg->handshake_timeout);
		fe_live_event(&httpd_S.live, FE_EVENT_REPLAY, hc->peer, "%s", reason);
		httpd_set_response(rq, MHD_HTTP_UNAUTHORIZED, httpd_unauthorized(NULL, false));
		hc->refusals++;
		httpd_set_detail(rq, "(handshake timeout)");
		httpd_health_refused(HTTPD_REFUSED_HANDSHAKE_TIMEOUT);
		return;
	}
	/* An AUTHENTICATE that the domain checks (winbind): on a domain
	 * thread, this connection suspended meanwhile (validate.c), so that
	 * this worker's other connections do not wait for the domain
	 * controller. A local account's: here. Out of memory: here too. */
	if (hc->challenged && httpd_S.async && step_may_wait(hc, spnego, tok, len)) {
		rq->job = httpd_job_new(conn, hc, rq, spnego, tok, len);
		if (rq->job)
			return;
	}
	httpd_finish_step(hc, rq, spnego, tok, len);
}

void httpd_refuse_stopping(struct hconn *hc, struct hreq *rq)
{
	if (hc->ctx)
		fe_live_event(&httpd_S.live, NTLM_EVENT_HANDSHAKE_ABANDONED, hc->peer,
			      "the server stopped before the AUTHENTICATE was checked: the "
			      "handshake was dropped");
	httpd_drop_handshake(hc);
	httpd_set_response(rq, MHD_HTTP_SERVICE_UNAVAILABLE,
			   httpd_text_response("503 Service Unavailable: the server is "
					       "stopping\n"));
	hc->refusals = MAX_REFUSALS; /* and the connection closes */
	httpd_set_detail(rq, "(the server is stopping)");
}

void httpd_finish_step(struct hconn *hc, struct hreq *rq, bool spnego, const uint8_t *tok,
		       size_t len)
{
	uint8_t *out = NULL;
	size_t out_len = 0;
	ntlm_status st;
	unsigned before = tl_events;
	bool challenged = hc->challenged;
	st = step(hc, tok, len, &out, &out_len);
	if (st == NTLM_CONTINUE && spnego && !challenged) {
		/* SPNEGO after NTLMSSP was chosen: the NEGOTIATE, now the CHALLENGE */
		char *header = auth_value(SCHEME_NEGOTIATE, out, out_len, &st);
		ntlm_free(out);
		out = NULL;
		if (header) {
			httpd_set_response(rq, MHD_HTTP_UNAUTHORIZED,
					   httpd_unauthorized(header, false));
			hc->challenged = true;
			free(header);
			return;
		}
	} else if (st == NTLM_CONTINUE) {
		st = NTLM_E_BAD_STATE;
	}
	if (st == NTLM_OK && spnego)
		rq->www_auth = auth_value(SCHEME_NEGOTIATE, out, out_len, &st);
	ntlm_free(out);
	if (st != NTLM_OK) {
		httpd_drop_handshake(hc);
		refuse(hc, rq, st, challenged, before);
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
	httpd_drop_handshake(hc);
	hc->authed = true;
	httpd_guard_authed(hc, true);
	hc->refusals = 0;
	rq->serve = true;
	httpd_health_succeeded();
}

/* Decides what to do with a request from its headers (first call). */
void httpd_decide(struct MHD_Connection *conn, struct hconn *hc, struct hreq *rq)
{
	const char *value =
		MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	const char *cred;
	size_t cred_len;
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
		if (hc->ctx) {
			fe_live_event(&httpd_S.live, NTLM_EVENT_HANDSHAKE_ABANDONED, hc->peer,
				      "a request without a token after the CHALLENGE: the "
				      "handshake was dropped");
			httpd_health_refused(HTTPD_REFUSED_ABANDONED);
		}
		httpd_drop_handshake(hc);
		hc->refusals++;
		httpd_set_response(rq, MHD_HTTP_UNAUTHORIZED, httpd_unauthorized(NULL, false));
		return;
	}
	if (cred_len == 0 ||
	    cred_len > (scheme == SCHEME_NEGOTIATE ? MAX_SPNEGO_TEXT : MAX_TOKEN_TEXT)) {
		httpd_set_response(
			rq, MHD_HTTP_BAD_REQUEST,
			httpd_text_response(cred_len ? "400 Bad Request: NTLM token too large\n"
						     : "400 Bad Request: no NTLM token\n"));
		hc->refusals++;
		httpd_set_detail(rq, "(Authorization without a usable token)");
		httpd_health_refused(HTTPD_REFUSED_MALFORMED_REQUEST);
		if (cred_len)
			fe_live_event(&httpd_S.live, NTLM_EVENT_MALFORMED_REQUEST, hc->peer,
				      "an NTLM token of %zu characters, over the limit", cred_len);
		else
			fe_live_event(&httpd_S.live, NTLM_EVENT_MALFORMED_REQUEST, hc->peer,
				      "Authorization without a token");
		return;
	}
	/* NTLM: the token as ntlm_token_from_text reads it; Negotiate: strict
	 * base64 of a SPNEGO token or of a raw NTLMSSP message. */
	ntlm_status st;
	if (scheme == SCHEME_NEGOTIATE) {
		st = ntlm_base64_decode(cred, cred_len, NTLM_SPNEGO_MAX_TOKEN, &tok, &len);
	} else {
		char text[MAX_TOKEN_TEXT + 1];
		memcpy(text, cred, cred_len);
		text[cred_len] = '\0';
		st = ntlm_token_from_text(text, &tok, &len);
		explicit_bzero(text, cred_len);
	}
	if (st != NTLM_OK) {
		httpd_set_response(
			rq, MHD_HTTP_BAD_REQUEST,
			httpd_text_response("400 Bad Request: the NTLM token is not base64\n"));
		hc->refusals++;
		httpd_set_detail(rq, "(token is not base64)");
		httpd_health_refused(HTTPD_REFUSED_MALFORMED_REQUEST);
		fe_live_event(&httpd_S.live, NTLM_EVENT_MALFORMED_REQUEST, hc->peer,
			      "the NTLM token is not base64");
		return;
	}
	if (scheme == SCHEME_NEGOTIATE && len && (tok[0] == 0x60 || tok[0] == 0xa1)) {
		/* SPNEGO: a NegTokenInit starts a handshake, a NegTokenResp
		 * continues it. */
		struct ntlm_spnego_token t;
		st = ntlm_spnego_decode(tok, len, &t);
		if (st != NTLM_OK) {
			char why[300];
			snprintf(why, sizeof(why), "a malformed SPNEGO token (%s: %s)",
				 ntlm_status_name(st), ntlm_error_message());
			httpd_set_response(
				rq, MHD_HTTP_BAD_REQUEST,
				httpd_text_response("400 Bad Request: malformed SPNEGO token\n"));
			hc->refusals++;
			httpd_set_detail(rq, why);
			fe_live_event(&httpd_S.live, NTLM_EVENT_MALFORMED_REQUEST, hc->peer, "%s",
				      why);
		} else if (t.kind == NTLM_SPNEGO_INIT) {
			start_handshake(hc, rq, scheme, true, tok, len);
		} else {
			finish_handshake(conn, hc, rq, true, tok, len);
		}
		goto out;
	}
	if (len < 12 || memcmp(tok, "NTLMSSP", 8) != 0) {
		if (scheme == SCHEME_NEGOTIATE) {
			/* Kerberos without SPNEGO: not ours. Offer NTLM alone,
			 * which browsers then use. */
			httpd_set_response(rq, MHD_HTTP_UNAUTHORIZED,
					   httpd_unauthorized(NULL, true));
			httpd_set_detail(rq, "(Negotiate token is neither SPNEGO nor NTLMSSP)");
		} else {
			httpd_set_response(
				rq, MHD_HTTP_BAD_REQUEST,
				httpd_text_response("400 Bad Request: not an NTLMSSP message\n"));
			httpd_set_detail(rq, "(not an NTLMSSP message)");
			httpd_health_refused(HTTPD_REFUSED_MALFORMED_REQUEST);
			fe_live_event(&httpd_S.live, NTLM_EVENT_MALFORMED_REQUEST, hc->peer,
				      "the NTLM token is not an NTLMSSP message");
		}
		hc->refusals++;
		goto out;
	}
	uint32_t type = (uint32_t)tok[8] | (uint32_t)tok[9] << 8 | (uint32_t)tok[10] << 16 |
			(uint32_t)tok[11] << 24;
	if (type == 1) {
		start_handshake(hc, rq, scheme, false, tok, len);
	} else if (type == 3) {
		finish_handshake(conn, hc, rq, false, tok, len);
	} else {
		httpd_set_response(
			rq, MHD_HTTP_BAD_REQUEST,
			httpd_text_response("400 Bad Request: expected an NTLM NEGOTIATE or "
					    "AUTHENTICATE message\n"));
		hc->refusals++;
		httpd_set_detail(rq, "(wrong NTLM message type)");
		httpd_health_refused(HTTPD_REFUSED_MALFORMED_REQUEST);
		fe_live_event(&httpd_S.live, NTLM_EVENT_MALFORMED_REQUEST, hc->peer,
			      "NTLM message type %u where a NEGOTIATE or an AUTHENTICATE "
			      "belongs",
			      (unsigned)type);
	}
out:
	if (tok) {
		explicit_bzero(tok, len);
		ntlm_free(tok);
	}
}
