/* SPDX-License-Identifier: MIT */
/*
 * api/policy.c: the public policy functions of
 * include/ntlmssp/unstable.h behind `ntlm policy`: rendering a policy as text
 * (show, dump, native config) and loading files with every error reported.
 * Thin wrappers over the policy layer; they only size the buffers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"
#include "ntlmssp/unstable.h"

/* Rendered text is far below this; the limit only stops a runaway loop. */
#define RENDER_MAX (1u << 20)
/* Error text beyond this is cut, with a last line "... and N more errors". */
#define ERRORS_MAX (16u << 20)

ntlm_status ntlm_policy_render(const struct ntlm_policy *p, unsigned format, char **out)
{
	size_t cap = NTLM_POLICY_TEXT_MAX;
	ntlm_status st;
	char *buf;

	ntlm_err_clear();
	if (!out)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "ntlm_policy_render: out is NULL");
	*out = NULL;
	if (!p || format > NTLM_POLICY_TEXT_NATIVE)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "ntlm_policy_render: bad argument");
	for (;;) {
		buf = malloc(cap);
		if (!buf)
			return ntlm_err(NTLM_E_NOMEM, "out of memory");
		switch (format) {
		case NTLM_POLICY_TEXT_SHOW:
			st = ntlm_policy_show(p, buf, cap);
			break;
		case NTLM_POLICY_TEXT_DUMP:
			st = ntlm_policy_dump(p, buf, cap);
			break;
		default:
			st = ntlm_policy_write_native(p, buf, cap);
			break;
		}
		if (st != NTLM_E_BUFFER_TOO_SMALL || cap >= RENDER_MAX)
			break;
		free(buf);
		cap *= 2;
	}
	if (st != NTLM_OK) {
		free(buf);
		return st;
	}
	ntlm_err_clear();
	*out = buf;
	return NTLM_OK;
}

ntlm_status ntlm_policy_check_files(const char *profile, const char *const *paths, size_t n,
				    struct ntlm_policy **out, char **errors, size_t *n_errors)
{
	struct ntlm_policy_load_report rep = { 0, 0 };
	struct ntlm_policy *p = NULL;
	size_t cap = 65536;
	char *buf = NULL;
	ntlm_status st;

	ntlm_err_clear();
	if (out)
		*out = NULL;
	if (errors)
		*errors = NULL;
	if (n_errors)
		*n_errors = 0;
	if (n && !paths)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "ntlm_policy_check_files: paths is NULL");
	for (size_t i = 0; i < n; i++)
		if (!paths[i])
			return ntlm_err(NTLM_E_INVALID_ARGUMENT,
					"ntlm_policy_check_files: a path is NULL");
	p = malloc(sizeof(*p));
	if (!p)
		return ntlm_err(NTLM_E_NOMEM, "out of memory");
	/* Load again with a larger buffer until no error is left out. */
	for (;;) {
		buf = malloc(cap);
		if (!buf) {
			st = ntlm_err(NTLM_E_NOMEM, "out of memory");
			goto fail;
		}
		st = ntlm_policy_load_files_report(profile, paths, n, p, buf, cap, &rep);
		if (st == NTLM_OK || rep.n_dropped == 0 || cap >= ERRORS_MAX)
			break;
		free(buf);
		buf = NULL;
		cap *= 2;
	}
	if (n_errors)
		*n_errors = st == NTLM_OK ? 0 : rep.n_errors;
	if (st != NTLM_OK) {
		if (errors) {
			*errors = buf;
			buf = NULL;
		}
		goto fail;
	}
	free(buf);
	if (out)
		*out = p;
	else
		free(p);
	return NTLM_OK;
fail:
	free(buf);
	free(p);
	return st;
}

ntlm_status ntlm_policy_check_file(const char *path, struct ntlm_policy **out, char **errors,
				   size_t *n_errors)
{
	if (!path) {
		ntlm_err_clear();
		if (out)
			*out = NULL;
		if (errors)
			*errors = NULL;
		if (n_errors)
			*n_errors = 0;
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "ntlm_policy_check_file: path is NULL");
	}
	return ntlm_policy_check_files(NULL, &path, 1, out, errors, n_errors);
}

/* ---- deciding a recorded exchange again ------------------------------------ */

struct decide_run {
	struct ntlm_decision *d;
	bool undecided;	       /* a step needed an unknown fact */
	bool audited;	       /* a step asked for an audit event */
	struct ntlm_verdict a; /* that step's verdict */
};

static void note_unknown(struct decide_run *r, const char *fact)
{
	size_t n = strlen(r->d->unknown);
	if (strstr(r->d->unknown, fact))
		return;
	snprintf(r->d->unknown + n, sizeof(r->d->unknown) - n, "%s%s", n ? "," : "", fact);
	r->undecided = true;
}

/* One step's verdict: true when it ends the decision (a refusal). */
static bool step(struct decide_run *r, const struct ntlm_verdict *v)
{
	if (v->kind == NTLM_DENY) {
		r->d->verdict = NTLM_DECIDE_DENY;
		snprintf(r->d->setting, sizeof(r->d->setting), "%s",
			 ntlm_policy_setting_name(v->setting));
		r->d->event_id = v->event_id;
		snprintf(r->d->reason, sizeof(r->d->reason), "%.*s", (int)sizeof(v->reason),
			 v->reason);
		return true;
	}
	if (v->kind == NTLM_ALLOW_AUDIT && !r->audited) {
		r->audited = true;
		r->a = *v;
	}
	return false;
}

static bool response_type(const char *s, enum ntlm_response_type *t)
{
	static const enum ntlm_response_type all[] = { NTLM_RESP_ANONYMOUS, NTLM_RESP_LM,
						       NTLM_RESP_NTLMV1, NTLM_RESP_NTLMV1_ESS,
						       NTLM_RESP_NTLMV2 };
	for (size_t i = 0; s && i < ARRAY_SIZE(all); i++)
		/* public: the name of a response type, from an audit record */
		if (strcmp(s, ntlm_wire_response_type_name(all[i])) == 0) {
			*t = all[i];
			return true;
		}
	return false;
}

/* The client's steps (client.c: send_negotiate, on_challenge). */
static bool decide_client(const struct ntlm_policy *p, const struct ntlm_observation *o,
			  struct decide_run *r)
{
	struct ntlm_verdict v;

	if (!o->target)
		note_unknown(r, "target");
	else {
		ntlm_policy_may_send(p, o->target, &v);
		if (step(r, &v))
			return true;
	}
	/* NtlmMinClientSec on the CHALLENGE's flags: a bit the client offered is
	 * in the negotiated flags iff the server granted it; of a bit it did not
	 * offer, the record cannot say. */
	if (!o->has_flags || !o->has_offered) {
		note_unknown(r, "flags");
		return false;
	}
	ntlm_policy_check_min_sec(p, false, o->flags, &v);
	if (v.kind == NTLM_DENY && (v.missing & ~o->offered)) {
		note_unknown(r, "server_flags");
		return false;
	}
	if (step(r, &v))
		return true;
	(void)ntlm_policy_client_response(p, o->flags, &v);
	return step(r, &v);
}

/* The server's steps (server.c: on_negotiate, policy_checks, on_authenticate). */
static bool decide_server(const struct ntlm_policy *p, const struct ntlm_observation *o,
			  struct decide_run *r)
{
	struct ntlm_verdict v;
	enum ntlm_response_type t = NTLM_RESP_NTLMV2;
	bool have_t = response_type(o->response_type, &t);

	ntlm_policy_may_receive(p, true, false, &v);
	if (step(r, &v))
		return true;
	if (!o->has_offered)
		note_unknown(r, "offered");
	else {
		ntlm_policy_check_min_sec(p, true, o->offered, &v);
		if (step(r, &v))
			return true;
	}
	if (!o->has_flags)
		note_unknown(r, "flags");
	else {
		ntlm_policy_check_min_sec(p, true, o->flags, &v);
		if (step(r, &v))
			return true;
	}
	if (!have_t) {
		note_unknown(r, "response_type");
	} else {
		ntlm_policy_accept_response(p, t, &v);
		if (step(r, &v))
			return true;
	}
	if (o->domain_account == NTLM_OBS_UNKNOWN)
		note_unknown(r, "domain_account");
	else {
		ntlm_policy_may_receive(p, false, o->domain_account == 1, &v);
		if (step(r, &v))
			return true;
	}
	if (have_t && t == NTLM_RESP_ANONYMOUS)
		return false;			/* no password, bindings or MIC to check */
	if (!have_t || t == NTLM_RESP_NTLMV2) { /* bindings: NTLMv2 only */
		if (o->channel_bindings == NTLM_OBS_UNKNOWN)
			note_unknown(r, "channel_bindings");
		else {
			ntlm_policy_check_bindings(p, o->channel_bindings == 1, &v);
			if (step(r, &v))
				return true;
		}
	}
	if (o->mic == NTLM_OBS_UNKNOWN)
		note_unknown(r, "mic");
	else {
		ntlm_policy_check_mic(p, o->mic == 1, &v);
		if (step(r, &v))
			return true;
	}
	return false;
}

ntlm_status ntlm_policy_decide(const struct ntlm_policy *p, const struct ntlm_observation *o,
			       struct ntlm_decision *d)
{
	struct decide_run r = { 0 };

	if (!p || !o || !d)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "ntlm_policy_decide: NULL argument");
	memset(d, 0, sizeof(*d));
	r.d = d;
	if (o->incoming ? decide_server(p, o, &r) : decide_client(p, o, &r))
		return NTLM_OK; /* refused, whatever else is unknown */
	if (r.undecided) {
		d->verdict = NTLM_DECIDE_UNDECIDABLE;
		snprintf(d->reason, sizeof(d->reason), "unknown: %s", d->unknown);
		return NTLM_OK;
	}
	if (r.audited) {
		d->verdict = NTLM_DECIDE_AUDIT;
		snprintf(d->setting, sizeof(d->setting), "%s",
			 ntlm_policy_setting_name(r.a.setting));
		d->event_id = r.a.event_id;
		snprintf(d->reason, sizeof(d->reason), "%.*s", (int)sizeof(r.a.reason), r.a.reason);
		return NTLM_OK;
	}
	d->verdict = NTLM_DECIDE_ALLOW;
	snprintf(d->reason, sizeof(d->reason), "allowed");
	return NTLM_OK;
}
