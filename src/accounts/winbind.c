/* SPDX-License-Identifier: MIT */
/*
 * accounts/winbind: the domain verifier through Samba's winbindd
 * (libwbclient). winbindd passes the response to a domain controller
 * (NETLOGON SamLogon over schannel on a member, the DC's own auth on a DC)
 * and returns its verdict; the NT hash never leaves the DC.
 *
 * Each call borrows a wbcContext (one socket to winbindd) from a small pool,
 * so concurrent logons do not queue on one connection and a winbindd
 * restart costs one reconnect per context, not a server restart.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "accounts/verify.h"
#include "crypto/crypto.h"

#ifdef NTLM_HAVE_WBCLIENT
#include <wbclient.h>

/* Idle contexts kept: as many as calls in flight, or they are closed and
 * opened again. */
#define POOL_MAX 64
/* New contexts connecting at once: under winbindd's listening queue of 5. */
#define CONNECTING_MAX 4

struct wb {
	pthread_mutex_t lock;
	/* New contexts whose first call (the one that connects them to
	 * winbindd) is under way: at most CONNECTING_MAX at once, the others
	 * wait on `opened`. winbindd's listening sockets have a queue of 5, and
	 * libwbclient, turned away there, waits a whole second before it tries
	 * again: a burst of new contexts (16 threads starting at once) cost
	 * some logons 1-2 s. */
	unsigned connecting;
	pthread_cond_t opened;
	struct wbcContext *idle[POOL_MAX];
	size_t n_idle;
	bool has_names; /* names cached: a member's names change only with a new join */
	struct ntlm_verify_names names;
};

/* An idle context, or a new one (*fresh: not connected yet; make its first
 * call between connect_begin and connect_end). */
static void connect_begin(struct wb *w)
{
	pthread_mutex_lock(&w->lock);
	while (w->connecting >= CONNECTING_MAX)
		pthread_cond_wait(&w->opened, &w->lock);
	w->connecting++;
	pthread_mutex_unlock(&w->lock);
}

static void connect_end(struct wb *w)
{
	pthread_mutex_lock(&w->lock);
	w->connecting--;
	pthread_cond_signal(&w->opened);
	pthread_mutex_unlock(&w->lock);
}

static struct wbcContext *ctx_get(struct wb *w, bool *fresh)
{
	struct wbcContext *c = NULL;

	pthread_mutex_lock(&w->lock);
	if (w->n_idle)
		c = w->idle[--w->n_idle];
	pthread_mutex_unlock(&w->lock);
	*fresh = !c;
	return c ? c : wbcCtxCreate();
}

/* A context that failed at the transport is dropped, not pooled: its
 * socket may be to a winbindd that has gone. */
static void ctx_put(struct wb *w, struct wbcContext *c, bool healthy)
{
	if (!c)
		return;
	if (healthy) {
		pthread_mutex_lock(&w->lock);
		if (w->n_idle < POOL_MAX) {
			w->idle[w->n_idle++] = c;
			c = NULL;
		}
		pthread_mutex_unlock(&w->lock);
	}
	if (c)
		wbcCtxFree(c);
}

static void setstr(char *dst, size_t cap, const char *src)
{
	size_t n = src ? strnlen(src, cap - 1) : 0;
	if (n)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

/* An error of the transport or of winbindd itself, never a verdict. */
static ntlm_status wbc_failure(wbcErr e, const char *what)
{
	switch (e) {
	case WBC_ERR_WINBIND_NOT_AVAILABLE:
		return ntlm_err(NTLM_E_BACKEND_UNAVAILABLE,
				"winbind: %s: winbindd is not running or its privileged pipe is "
				"not reachable (root or group winbindd_priv needed)",
				what);
	case WBC_ERR_NO_MEMORY:
		return ntlm_err(NTLM_E_NOMEM, "winbind: %s: out of memory", what);
	case WBC_ERR_DOMAIN_NOT_FOUND:
		return ntlm_err(NTLM_E_NO_LOGON_SERVERS, "winbind: %s: %s", what,
				wbcErrorString(e));
	default:
		return ntlm_err(NTLM_E_BACKEND_UNAVAILABLE, "winbind: %s: %s", what,
				wbcErrorString(e));
	}
}

static ntlm_status wb_names(void *self, struct ntlm_verify_names *out)
{
	struct wb *w = self;
	struct wbcInterfaceDetails *d = NULL;
	struct wbcContext *c;
	bool fresh;
	wbcErr e;

	pthread_mutex_lock(&w->lock);
	if (w->has_names)
		*out = w->names;
	pthread_mutex_unlock(&w->lock);
	if (out->nb_computer[0])
		return NTLM_OK;

	c = ctx_get(w, &fresh);
	if (!c)
		return ntlm_err(NTLM_E_NOMEM, "winbind: out of memory");
	if (fresh)
		connect_begin(w);
	e = wbcCtxInterfaceDetails(c, &d);
	if (fresh)
		connect_end(w);
	ctx_put(w, c, WBC_ERROR_IS_OK(e));
	if (!WBC_ERROR_IS_OK(e))
		return wbc_failure(e, "interface details");
	setstr(out->nb_computer, sizeof(out->nb_computer), d->netbios_name);
	setstr(out->nb_domain, sizeof(out->nb_domain), d->netbios_domain);
	setstr(out->dns_domain, sizeof(out->dns_domain), d->dns_domain);
	wbcFreeMemory(d);
	if (out->nb_computer[0] && out->nb_domain[0]) {
		pthread_mutex_lock(&w->lock);
		w->names = *out;
		w->has_names = true;
		pthread_mutex_unlock(&w->lock);
	}
	return NTLM_OK;
}

static ntlm_status wb_verify(void *self, const struct ntlm_verify_req *req,
			     struct ntlm_verify_result *out)
{
	struct wb *w = self;
	struct wbcAuthUserParams p;
	struct wbcAuthUserInfo *info = NULL;
	struct wbcAuthErrorInfo *err = NULL;
	struct wbcContext *c;
	struct ntlm_verify_names own = { 0 };
	char what[2 * NTLM_VERIFY_NAME_MAX + 16];
	ntlm_status st;
	bool fresh;
	wbcErr e;

	if (req->nt_response.len > UINT32_MAX || req->lm_response.len > UINT32_MAX)
		return ntlm_err(NTLM_E_BAD_RESPONSE, "winbind: response too long");
	memset(&p, 0, sizeof(p));
	p.account_name = req->user;
	p.domain_name = req->domain;
	p.workstation_name = req->workstation;
	p.parameter_control =
		WBC_MSV1_0_ALLOW_SERVER_TRUST_ACCOUNT | WBC_MSV1_0_ALLOW_WORKSTATION_TRUST_ACCOUNT;
	p.level = WBC_AUTH_USER_LEVEL_RESPONSE;
	memcpy(p.password.response.challenge, req->server_challenge, 8);
	/* libwbclient takes non-const pointers but only reads them. */
	p.password.response.nt_length = (uint32_t)req->nt_response.len;
	p.password.response.nt_data = (uint8_t *)(uintptr_t)req->nt_response.p;
	p.password.response.lm_length = (uint32_t)req->lm_response.len;
	p.password.response.lm_data = (uint8_t *)(uintptr_t)req->lm_response.p;

	c = ctx_get(w, &fresh);
	if (!c)
		return ntlm_err(NTLM_E_NOMEM, "winbind: out of memory");
	if (fresh)
		connect_begin(w);
	e = wbcCtxAuthenticateUserEx(c, &p, &info, &err);
	if (fresh)
		connect_end(w);
	ctx_put(w, c, e == WBC_ERR_SUCCESS || e == WBC_ERR_AUTH_ERROR);
	snprintf(what, sizeof(what), "%s\\%s", req->domain, req->user);

	if (e == WBC_ERR_AUTH_ERROR) {
		/* A verdict from the domain (or winbindd's own refusal to ask). */
		out->nt_status = err ? err->nt_status : 0xC000006Du;
		if (!out->nt_status) /* an error without a status is still an error */
			out->nt_status = 0xC000006Du;
		st = ntlm_verify_refusal(out->nt_status, what);
		goto done;
	}
	if (e != WBC_ERR_SUCCESS) {
		st = wbc_failure(e, what);
		goto done;
	}
	if (!info || !info->account_name || !info->account_name[0]) {
		st = ntlm_err(NTLM_E_INTERNAL, "winbind: %s: success without an account name",
			      what);
		goto done;
	}
	memcpy(out->session_base_key, info->user_session_key, 16);
	memcpy(out->lm_session_key, info->lm_session_key, 8);
	setstr(out->user, sizeof(out->user), info->account_name);
	setstr(out->domain, sizeof(out->domain), info->domain_name);
	setstr(out->full_name, sizeof(out->full_name), info->full_name);
	setstr(out->dns_domain, sizeof(out->dns_domain), info->dns_domain_name);
	setstr(out->upn, sizeof(out->upn), info->user_principal);
	setstr(out->logon_server, sizeof(out->logon_server), info->logon_server);
	for (uint32_t i = 0; i < info->num_sids && out->n_sids < NTLM_VERIFY_SIDS_MAX; i++) {
		if (wbcSidToStringBuf(&info->sids[i].sid, out->sids[out->n_sids],
				      NTLM_VERIFY_SID_MAX) > 0)
			out->n_sids++;
	}
	/* A domain account unless winbindd answered for this machine's own
	 * SAM (a member's local accounts carry the member's name). */
	out->domain_account = true;
	if (wb_names(w, &own) == NTLM_OK && own.nb_computer[0]) {
		/* public: names, not secrets */
		if (strcasecmp(out->domain, own.nb_computer) == 0)
			out->domain_account = false;
	}
	ntlm_err_clear();
	st = NTLM_OK;
done:
	if (info) {
		ntlm_crypto_wipe(info->user_session_key, sizeof(info->user_session_key));
		ntlm_crypto_wipe(info->lm_session_key, sizeof(info->lm_session_key));
		wbcFreeMemory(info);
	}
	if (err)
		wbcFreeMemory(err);
	return st;
}

static void wb_free(void *self)
{
	struct wb *w = self;

	if (!w)
		return;
	for (size_t i = 0; i < w->n_idle; i++)
		wbcCtxFree(w->idle[i]);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->opened);
	free(w);
}

static const struct ntlm_verifier_ops wb_ops = {
	.name = "winbind",
	.names = wb_names,
	.verify = wb_verify,
	.free = wb_free,
};

ntlm_status ntlm_verifier_winbind_new(struct ntlm_verifier **out)
{
	struct wb *w;

	if (out)
		*out = NULL;
	if (!out)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "winbind: NULL argument");
	w = calloc(1, sizeof(*w));
	if (!w)
		return ntlm_err(NTLM_E_NOMEM, "out of memory");
	if (pthread_mutex_init(&w->lock, NULL) != 0) {
		free(w);
		return ntlm_err(NTLM_E_INTERNAL, "winbind: pthread_mutex_init failed");
	}
	if (pthread_cond_init(&w->opened, NULL) != 0) {
		pthread_mutex_destroy(&w->lock);
		free(w);
		return ntlm_err(NTLM_E_INTERNAL, "winbind: pthread_mutex_init failed");
	}
	return ntlm_verifier_new(&wb_ops, w, out);
}

#else /* !NTLM_HAVE_WBCLIENT */

ntlm_status ntlm_verifier_winbind_new(struct ntlm_verifier **out)
{
	if (out)
		*out = NULL;
	return ntlm_err(NTLM_E_BACKEND_UNAVAILABLE,
			"winbind: this build of ntlmssp has no libwbclient (install "
			"libwbclient-dev and rebuild)");
}

#endif
