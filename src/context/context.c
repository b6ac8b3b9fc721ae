/* SPDX-License-Identifier: MIT */
/*
 * The public context API: construction, ntlm_step dispatch, message
 * protection, queries; plus the helpers client.c and server.c share.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "context/ctx.h"
#include "crypto/crypto.h"
#include "text/text.h"

/* ---- shared helpers ------------------------------------------------------ */

uint64_t ntlm_ctx_filetime_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	/* 11644473600 s between 1601-01-01 and 1970-01-01 */
	return ((uint64_t)ts.tv_sec + 11644473600ull) * 10000000ull + (uint64_t)ts.tv_nsec / 100;
}

ntlm_status ntlm_ctx_output(const struct ntlm_wr *w, uint8_t **out, size_t *out_len)
{
	NTLM_TRY(ntlm_wr_status(w));
	uint8_t *p = malloc(w->len ? w->len : 1);
	if (!p)
		return ntlm_err(NTLM_E_NOMEM, "out of memory");
	memcpy(p, w->p, w->len);
	*out = p;
	*out_len = w->len;
	return NTLM_OK;
}

ntlm_status ntlm_ctx_wire_string(struct ntlm_slice s, uint32_t flags, char *dst, size_t len,
				 const char *what)
{
	char *u;
	NTLM_TRY(ntlm_wire_str_to_utf8(s, flags & NTLMSSP_NEGOTIATE_UNICODE, &u, what));
	size_t n = strlen(u);
	if (n >= len) {
		free(u);
		return ntlm_err(NTLM_E_BAD_RESPONSE, "%s: %zu bytes is too long (max %zu)", what, n,
				len - 1);
	}
	memcpy(dst, u, n + 1);
	free(u);
	return NTLM_OK;
}

/* An AV pair's name (UTF-16LE) as UTF-8 into dst; "" if absent or unreadable. */
static void av_name(const struct ntlm_wire_avlist *av, uint16_t id, char *dst, size_t len)
{
	const struct ntlm_wire_av *a = ntlm_wire_avlist_find(av, id);
	char *u = NULL;

	dst[0] = '\0';
	if (a && ntlm_text_utf16le_to_utf8(a->value.p, a->value.len, &u, "AV pair") == NTLM_OK)
		ntlm_audit_set_str(dst, len, u);
	free(u);
}

static enum ntlm_audit_account account_type(const struct ntlm_ctx *c, const char *user)
{
	size_t n = strlen(user);

	if (c->has_resp && c->resp == NTLM_RESP_ANONYMOUS)
		return NTLM_ACCOUNT_ANONYMOUS;
	if (n == 0)
		return c->is_server && c->has_resp ? NTLM_ACCOUNT_ANONYMOUS : NTLM_ACCOUNT_UNKNOWN;
	return user[n - 1] == '$' ? NTLM_ACCOUNT_MACHINE : NTLM_ACCOUNT_USER;
}

/* Schema 1.0's facts (docs/audit-events.md "Facts"): what a policy needs
 * to decide this exchange again. Reads only what the context holds; the
 * thread's error detail is kept as it was. */
static void fill_facts(struct ntlm_ctx *c, struct ntlm_audit_event *e)
{
	char saved[256];
	struct ntlm_policy_target t;

	ntlm_audit_set_str(saved, sizeof(saved), ntlm_error_message());
	/* the target as the client named it: ours, or the one it sent us */
	const char *given =
		c->is_server && c->av_tname == NTLM_FACT_YES ? c->av_tname_value : c->target;
	if (given[0] && ntlm_policy_target_parse(given, &t, NULL, 0)) {
		NTLM_AUDIT_SET(e, target_service, t.service);
		NTLM_AUDIT_SET(e, target_host, t.host);
	}
	if (c->is_server) {
		NTLM_AUDIT_SET(e, server_nb_computer, c->nb_computer);
		NTLM_AUDIT_SET(e, server_nb_domain, c->nb_domain);
		NTLM_AUDIT_SET(e, server_dns_computer, c->dns_computer);
		NTLM_AUDIT_SET(e, server_dns_domain, c->dns_domain);
		if (c->has_resp)
			e->domain_account = c->domain_account ? NTLM_FACT_YES : NTLM_FACT_NO;
	} else {
		struct ntlm_wire_challenge ch;
		if (c->chal_len &&
		    ntlm_wire_challenge_decode(c->chal, c->chal_len, &ch) == NTLM_OK) {
			av_name(&ch.av, MsvAvNbComputerName, e->server_nb_computer,
				sizeof(e->server_nb_computer));
			av_name(&ch.av, MsvAvNbDomainName, e->server_nb_domain,
				sizeof(e->server_nb_domain));
			av_name(&ch.av, MsvAvDnsComputerName, e->server_dns_computer,
				sizeof(e->server_dns_computer));
			av_name(&ch.av, MsvAvDnsDomainName, e->server_dns_domain,
				sizeof(e->server_dns_domain));
		}
		/* the process that authenticates is this one */
		char exe[256];
		ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		exe[n > 0 ? n : 0] = '\0';
		e->has_process = true;
		e->process_uid = (uint32_t)getuid();
		NTLM_AUDIT_SET(e, process_exe, exe);
	}
	e->account_type = account_type(c, e->user);
	if (c->neg_len >= 16) {
		e->has_offered = true;
		e->offered = (uint32_t)c->neg[12] | (uint32_t)c->neg[13] << 8 |
			     (uint32_t)c->neg[14] << 16 | (uint32_t)c->neg[15] << 24;
	}
	e->mic = c->av_mic;
	e->channel_bindings = c->av_cb;
	e->target_name_sent = c->av_tname;
	if (c->av_tname == NTLM_FACT_YES)
		NTLM_AUDIT_SET(e, target_name, c->av_tname_value);
	if (!c->has_policy_id)
		c->has_policy_id =
			ntlm_policy_identity(c->policy, c->policy_hash, sizeof(c->policy_hash),
					     c->policy_source, sizeof(c->policy_source)) == NTLM_OK;
	if (c->has_policy_id) {
		NTLM_AUDIT_SET(e, policy_hash, c->policy_hash);
		NTLM_AUDIT_SET(e, policy_source, c->policy_source);
	}
	(void)ntlm_err(NTLM_OK, "%s", saved);
}

void ntlm_ctx_audit(struct ntlm_ctx *c, struct ntlm_audit_event *e)
{
	if (!c->audit)
		return;
	snprintf(e->target, sizeof(e->target), "%s", c->target);
	snprintf(e->peer, sizeof(e->peer), "%s", c->peer);
	if (!e->workstation[0])
		snprintf(e->workstation, sizeof(e->workstation), "%s", c->workstation);
	if (!e->user[0])
		snprintf(e->user, sizeof(e->user), "%s",
			 c->is_server ? c->user : (c->cred ? c->cred->user : ""));
	if (!e->domain[0])
		snprintf(e->domain, sizeof(e->domain), "%s",
			 c->is_server ? c->domain : (c->cred ? c->cred->domain : ""));
	if (!e->flags)
		e->flags = c->flags;
	if (c->has_resp && !e->has_response_type) {
		e->has_response_type = true;
		e->response_type = c->resp;
	}
	e->insecure = e->insecure || c->policy->insecure;
	e->requested = ntlm_ctx_requested_flags(c);
	fill_facts(c, e);
	/* A sink failure is counted here and on the audit object
	 * (ntlm_audit_lost); it leaves the thread's error detail alone, and
	 * changes the outcome only under AuditFailure = deny (ntlm_step), so
	 * only then must the record be known written before the step returns;
	 * under continue a buffering sink may keep it (ntlm_audit_buffer). */
	if (ntlm_audit_emit_as(c->audit, e, c->policy->audit_failure == NTLM_AUDIT_FAILURE_DENY) !=
	    NTLM_OK)
		c->audit_errors++;
}

void ntlm_ctx_audit_verdict(struct ntlm_ctx *c, const struct ntlm_verdict *v)
{
	struct ntlm_audit_event e;
	ntlm_audit_event_from_verdict(&e, c->is_server ? NTLM_AUDIT_INCOMING : NTLM_AUDIT_OUTGOING,
				      v);
	ntlm_ctx_audit(c, &e);
}

static uint32_t req_flags(unsigned req)
{
	return ((req & NTLM_REQ_INTEGRITY) ? NTLMSSP_NEGOTIATE_SIGN : 0) |
	       ((req & NTLM_REQ_CONFIDENTIALITY) ? NTLMSSP_NEGOTIATE_SEAL : 0);
}

uint32_t ntlm_ctx_requested_flags(const struct ntlm_ctx *c)
{
	unsigned r = c->req | c->require;
	/* A server under RequireRequestedProtection requires what the client's
	 * NEGOTIATE asked for: that is part of what it requires. */
	if (c->is_server && c->policy && c->policy->require_requested)
		r |= c->peer_req;
	/* confidentiality is asked for as SEAL and SIGN (MS-NLMP 3.1.5.1.1) */
	return req_flags(r) | ((r & NTLM_REQ_CONFIDENTIALITY) ? NTLMSSP_NEGOTIATE_SIGN : 0);
}

ntlm_status ntlm_ctx_check_protection(struct ntlm_ctx *c, uint32_t granted)
{
	/* RequireRequestedProtection: what was asked must be granted too. */
	unsigned asked = c->is_server ? c->peer_req : c->req;
	bool by_policy = c->policy && c->policy->require_requested &&
			 (req_flags(asked) & ~req_flags(c->require) & ~granted) != 0;
	uint32_t missing = req_flags(c->require | (by_policy ? asked : 0)) & ~granted;
	struct ntlm_audit_event e;
	struct ntlm_buf b;
	char names[128];
	size_t k;

	if (!missing)
		return NTLM_OK;
	ntlm_buf_fixed(&b, names, sizeof(names));
	ntlm_buf_flags(&b, missing, NTLM_FLAGS_TEXT);
	ntlm_audit_event_init(&e, NTLM_EVENT_PROTECTION_REFUSED,
			      c->is_server ? NTLM_AUDIT_INCOMING : NTLM_AUDIT_OUTGOING,
			      NTLM_OUTCOME_BLOCKED);
	e.flags = granted;
	e.missing = missing;
	k = (size_t)snprintf(e.reason, sizeof(e.reason),
			     "%s required, not granted: the %s flags are 0x%08x", names,
			     c->is_server ? "final" : "server's CHALLENGE", granted);
	if (by_policy && k < sizeof(e.reason))
		snprintf(e.reason + k, sizeof(e.reason) - k,
			 " (RequireRequestedProtection: the %s asked for it)",
			 c->is_server ? "client's NEGOTIATE" : "application");
	ntlm_ctx_audit(c, &e);
	return ntlm_err(NTLM_E_POLICY_PROTECTION, "%s", e.reason);
}

/* ---- construction -------------------------------------------------------- */

/* The host name, asked of the system at most once a second per thread
 * (gethostname is a uname(2) call, and a server makes a context per logon):
 * a renamed host shows in new contexts within a second. */
static void host_name(char *host, size_t len)
{
	static _Thread_local char cached[256];
	static _Thread_local int64_t cached_at;
	static _Thread_local bool have;
	struct timespec ts = { 0, 0 };
	int64_t now = 0;

	if (clock_gettime(CLOCK_MONOTONIC_COARSE, &ts) == 0)
		now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	if (!have || now - cached_at >= 1000 || now < cached_at) {
		char h[256] = "localhost";
		if (gethostname(h, sizeof(h) - 1) != 0)
			snprintf(h, sizeof(h), "localhost");
		h[sizeof(h) - 1] = '\0';
		memcpy(cached, h, sizeof(cached));
		cached_at = now;
		have = true;
	}
	snprintf(host, len, "%s", cached);
}

static void default_names(struct ntlm_ctx *c)
{
	char host[256];
	host_name(host, sizeof(host));
	snprintf(c->dns_computer, sizeof(c->dns_computer), "%s", host);
	size_t i;
	for (i = 0; host[i] && host[i] != '.' && i < 15; i++)
		c->nb_computer[i] = (char)toupper((unsigned char)host[i]);
	c->nb_computer[i] = '\0';
	const char *dot = strchr(host, '.');
	snprintf(c->dns_domain, sizeof(c->dns_domain), "%s", dot ? dot + 1 : "");
	/* A stand-alone server's accounts live in its own name, as a Windows
	 * machine's SAM does. */
	snprintf(c->nb_domain, sizeof(c->nb_domain), "%s", c->nb_computer);
}

static ntlm_status ctx_alloc(const struct ntlm_policy *policy, struct ntlm_ctx **out)
{
	if (!out)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "out is NULL");
	*out = NULL;
	if (!policy)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "policy is NULL");
	struct ntlm_ctx *c = calloc(1, sizeof(*c));
	if (!c)
		return ntlm_err(NTLM_E_NOMEM, "out of memory");
	c->policy = policy;
	default_names(c);
	*out = c;
	return NTLM_OK;
}

ntlm_status ntlm_client_new(const struct ntlm_policy *policy, const struct ntlm_cred *cred,
			    const char *target, unsigned req, struct ntlm_ctx **out)
{
	struct ntlm_ctx *c;
	ntlm_err_clear();
	if (!cred || !target)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "cred and target are required");
	if (req & ~(NTLM_REQ_INTEGRITY | NTLM_REQ_CONFIDENTIALITY))
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "unknown request bits 0x%x", req);
	if (strlen(target) >= sizeof(c->target))
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "target longer than %zu bytes",
				sizeof(c->target) - 1);
	NTLM_TRY(ctx_alloc(policy, &c));
	c->cred = cred;
	c->req = req;
	snprintf(c->target, sizeof(c->target), "%s", target);
	*out = c;
	return NTLM_OK;
}

ntlm_status ntlm_server_new(const struct ntlm_policy *policy, struct ntlm_accounts *accounts,
			    struct ntlm_ctx **out)
{
	struct ntlm_ctx *c;
	ntlm_err_clear();
	if (!accounts)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "accounts is NULL");
	NTLM_TRY(ctx_alloc(policy, &c));
	c->is_server = true;
	c->accounts = accounts;
	snprintf(c->target, sizeof(c->target), "%s", c->nb_computer);
	*out = c;
	return NTLM_OK;
}

void ntlm_ctx_free(struct ntlm_ctx *c)
{
	if (!c)
		return;
	if (c->has_session)
		ntlm_session_clear(&c->session);
	ntlm_crypto_wipe(c, sizeof(*c));
	free(c);
}

ntlm_status ntlm_ctx_set_audit(struct ntlm_ctx *c, struct ntlm_audit *a)
{
	ntlm_err_clear();
	if (!c)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "ctx is NULL");
	c->audit = a;
	return NTLM_OK;
}

ntlm_status ntlm_ctx_set_channel_bindings(struct ntlm_ctx *c, const uint8_t *app_data, size_t len)
{
	ntlm_err_clear();
	if (!c || (!app_data && len) || len > UINT32_MAX)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "bad channel bindings arguments");
	if (c->state != CTX_INIT)
		return ntlm_err(NTLM_E_BAD_STATE, "channel bindings must be set before ntlm_step");
	struct ntlm_auth_cb cb = { 0 };
	cb.application_data = app_data;
	cb.application_data_len = (uint32_t)len;
	ntlm_auth_cbt_hash(&cb, c->cb_hash);
	c->has_cb = true;
	return NTLM_OK;
}

static ntlm_status set_name(char *dst, size_t cap, const char *v, const char *what)
{
	if (!v)
		return NTLM_OK;
	if (strlen(v) >= cap)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "%s longer than %zu bytes", what, cap - 1);
	snprintf(dst, cap, "%s", v);
	return NTLM_OK;
}

ntlm_status ntlm_ctx_set_names(struct ntlm_ctx *c, const char *nb_computer, const char *nb_domain,
			       const char *dns_computer, const char *dns_domain)
{
	ntlm_err_clear();
	if (!c)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "ctx is NULL");
	if (c->state != CTX_INIT)
		return ntlm_err(NTLM_E_BAD_STATE, "names must be set before ntlm_step");
	NTLM_TRY(set_name(c->nb_computer, sizeof(c->nb_computer), nb_computer, "nb_computer"));
	NTLM_TRY(set_name(c->nb_domain, sizeof(c->nb_domain), nb_domain, "nb_domain"));
	NTLM_TRY(set_name(c->dns_computer, sizeof(c->dns_computer), dns_computer, "dns_computer"));
	NTLM_TRY(set_name(c->dns_domain, sizeof(c->dns_domain), dns_domain, "dns_domain"));
	if (c->is_server)
		snprintf(c->target, sizeof(c->target), "%s", c->nb_computer);
	return NTLM_OK;
}

ntlm_status ntlm_ctx_require(struct ntlm_ctx *c, unsigned req)
{
	ntlm_err_clear();
	if (!c)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "ntlm_ctx_require: NULL context");
	if (req & ~(NTLM_REQ_INTEGRITY | NTLM_REQ_CONFIDENTIALITY))
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "ntlm_ctx_require: unknown bits 0x%x",
				req & ~(NTLM_REQ_INTEGRITY | NTLM_REQ_CONFIDENTIALITY));
	if (c->state != CTX_INIT)
		return ntlm_err(NTLM_E_BAD_STATE, "ntlm_ctx_require: after the first ntlm_step");
	c->require = req;
	if (!c->is_server)
		c->req |= req; /* a client asks for what it requires */
	return NTLM_OK;
}

ntlm_status ntlm_ctx_set_peer(struct ntlm_ctx *c, const char *peer)
{
	ntlm_err_clear();
	if (!c || !peer)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "ctx and peer are required");
	snprintf(c->peer, sizeof(c->peer), "%s", peer);
	return NTLM_OK;
}

/* ---- the exchange -------------------------------------------------------- */

int ntlm_step_may_wait(struct ntlm_ctx *c, const uint8_t *in, size_t in_len)
{
	int r = 0;
	if (c && c->is_server && in && in_len <= NTLM_MAX_TOKEN)
		r = ntlm_ctx_server_may_wait(c, in, in_len);
	ntlm_err_clear();
	return r;
}

ntlm_status ntlm_step(struct ntlm_ctx *c, const uint8_t *in, size_t in_len, uint8_t **out,
		      size_t *out_len)
{
	ntlm_err_clear();
	if (!c || !out || !out_len)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "ctx, out and out_len are required");
	*out = NULL;
	*out_len = 0;
	if (!in && in_len)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "in is NULL with in_len %zu", in_len);
	if (in_len > NTLM_MAX_TOKEN) {
		c->state = c->state == CTX_DONE ? CTX_DONE : CTX_FAILED;
		return ntlm_err(NTLM_E_TOKEN_TOO_LARGE, "token of %zu bytes (max %d)", in_len,
				NTLM_MAX_TOKEN);
	}
	unsigned lost = c->audit_errors;
	ntlm_status st = c->is_server ? ntlm_ctx_server_step(c, in, in_len, out, out_len)
				      : ntlm_ctx_client_step(c, in, in_len, out, out_len);
	/* AuditFailure = deny: no record, no logon (a failure keeps its own status). */
	if (c->audit_errors != lost && c->policy->audit_failure == NTLM_AUDIT_FAILURE_DENY &&
	    (st == NTLM_OK || st == NTLM_CONTINUE)) {
		if (*out)
			ntlm_crypto_wipe(*out, *out_len);
		free(*out);
		*out = NULL;
		*out_len = 0;
		c->state = CTX_FAILED;
		c->has_session = c->has_key = false;
		ntlm_session_clear(&c->session);
		ntlm_crypto_wipe(c->exported_key, sizeof(c->exported_key));
		return ntlm_err(NTLM_E_POLICY_AUDIT_FAILED,
				"AuditFailure = deny: an audit record of this handshake could not "
				"be written");
	}
	return st;
}

unsigned ntlm_ctx_audit_errors(const struct ntlm_ctx *c)
{
	return c ? c->audit_errors : 0;
}

static ntlm_status need_session(const struct ntlm_ctx *c)
{
	if (!c)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "ctx is NULL");
	if (c->state != CTX_DONE)
		return ntlm_err(NTLM_E_BAD_STATE, "the exchange is not complete");
	if (!c->has_session)
		return ntlm_err(NTLM_E_NOT_NEGOTIATED,
				"neither SIGN, SEAL nor ALWAYS_SIGN was negotiated");
	return NTLM_OK;
}

ntlm_status ntlm_sign(struct ntlm_ctx *c, const uint8_t *msg, size_t len, uint8_t sig[16])
{
	ntlm_err_clear();
	NTLM_TRY(need_session(c));
	if ((!msg && len) || !sig)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "msg and sig are required");
	return ntlm_session_sign(&c->session, msg, len, sig);
}

ntlm_status ntlm_verify(struct ntlm_ctx *c, const uint8_t *msg, size_t len, const uint8_t sig[16])
{
	ntlm_err_clear();
	NTLM_TRY(need_session(c));
	if ((!msg && len) || !sig)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "msg and sig are required");
	return ntlm_session_verify(&c->session, msg, len, sig);
}

ntlm_status ntlm_seal(struct ntlm_ctx *c, const uint8_t *in, size_t len, uint8_t *out)
{
	ntlm_err_clear();
	NTLM_TRY(need_session(c));
	if ((!in && len) || !out)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "in and out are required");
	return ntlm_session_seal(&c->session, in, out + 16, len, out);
}

ntlm_status ntlm_unseal(struct ntlm_ctx *c, const uint8_t *in, size_t len, uint8_t *out)
{
	ntlm_err_clear();
	NTLM_TRY(need_session(c));
	if (!in || (!out && len > 16))
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "in and out are required");
	if (len < 16)
		return ntlm_err(NTLM_E_TRUNCATED, "wrapped message of %zu bytes has no signature",
				len);
	return ntlm_session_unseal(&c->session, in + 16, out, len - 16, in);
}

/* ---- queries ------------------------------------------------------------- */

uint32_t ntlm_ctx_flags(const struct ntlm_ctx *c)
{
	return c ? c->flags : 0;
}

const char *ntlm_ctx_response_type(const struct ntlm_ctx *c)
{
	return c && c->has_resp ? ntlm_wire_response_type_name(c->resp) : "";
}

const char *ntlm_ctx_user(const struct ntlm_ctx *c)
{
	return c ? c->user : "";
}

const char *ntlm_ctx_domain(const struct ntlm_ctx *c)
{
	return c ? c->domain : "";
}

const char *ntlm_ctx_workstation(const struct ntlm_ctx *c)
{
	return c ? c->workstation : "";
}

unsigned ntlm_ctx_key_strength(const struct ntlm_ctx *c)
{
	if (!c || c->state != CTX_DONE || !c->has_session ||
	    !(c->flags & (NTLMSSP_NEGOTIATE_SIGN | NTLMSSP_NEGOTIATE_SEAL)))
		return 0;
	return ntlm_session_key_bits(c->flags);
}

ntlm_status ntlm_ctx_session_key(const struct ntlm_ctx *c, uint8_t key[16])
{
	ntlm_err_clear();
	if (!c || !key)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "ctx and key are required");
	if (c->state != CTX_DONE || !c->has_key)
		return ntlm_err(NTLM_E_BAD_STATE, "no session key: the exchange is not complete");
	memcpy(key, c->exported_key, 16);
	return NTLM_OK;
}
