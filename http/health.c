/* SPDX-License-Identifier: MIT */
/*
 * http/health.c: the counters behind GET /healthz (docs/httpd.md), which
 * needs no authentication and so says nothing a client could not learn
 * from its own answers: no names, no paths, no version, no addresses. The
 * authentication failures (wrong password, unknown user, disabled or locked
 * account, a bad MIC...) are one count, as the client gets one answer (401)
 * for all of them: a count per status would tell a prober which accounts
 * exist, or that a guessed password was right.
 */
#include <pthread.h>
#include <string.h>

#include "httpd.h"

/* Statuses seen per kind; more distinct ones than this share "other". */
#define HEALTH_STATUSES 48u

static struct {
	pthread_mutex_t lock;
	uint64_t started, succeeded, failed, auth_failed;
	uint64_t frontend[HTTPD_REFUSED_COUNT];
	struct {
		ntlm_status st;
		uint64_t n;
	} by_status[HEALTH_STATUSES];
	unsigned n_status;
	uint64_t unlisted;
} H = { .lock = PTHREAD_MUTEX_INITIALIZER };

static const char *const frontend_names[HTTPD_REFUSED_COUNT] = {
	[HTTPD_REFUSED_NO_HANDSHAKE] = "no_handshake",
	[HTTPD_REFUSED_HANDSHAKE_TIMEOUT] = "handshake_timeout",
	[HTTPD_REFUSED_TOO_MANY_HANDSHAKES] = "too_many_handshakes",
	[HTTPD_REFUSED_MALFORMED_REQUEST] = "malformed_request",
	[HTTPD_REFUSED_ABANDONED] = "abandoned",
};

void httpd_health_started(void)
{
	pthread_mutex_lock(&H.lock);
	H.started++;
	pthread_mutex_unlock(&H.lock);
}

void httpd_health_succeeded(void)
{
	pthread_mutex_lock(&H.lock);
	H.succeeded++;
	pthread_mutex_unlock(&H.lock);
}

void httpd_health_failed(ntlm_status st)
{
	pthread_mutex_lock(&H.lock);
	H.failed++;
	if (ntlm_status_kind(st) == NTLM_KIND_AUTH_FAILED) {
		H.auth_failed++;
	} else {
		unsigned i = 0;
		while (i < H.n_status && H.by_status[i].st != st)
			i++;
		if (i == H.n_status && i < HEALTH_STATUSES) {
			H.by_status[i].st = st;
			H.by_status[i].n = 0;
			H.n_status++;
		}
		if (i < HEALTH_STATUSES)
			H.by_status[i].n++;
		else
			H.unlisted++;
	}
	pthread_mutex_unlock(&H.lock);
}

void httpd_health_refused(enum httpd_refused why)
{
	if ((unsigned)why >= HTTPD_REFUSED_COUNT)
		return;
	pthread_mutex_lock(&H.lock);
	H.frontend[why]++;
	if (why == HTTPD_REFUSED_HANDSHAKE_TIMEOUT)
		H.failed++;
	pthread_mutex_unlock(&H.lock);
}

/* "KIND":{"NTLM_E_...":N,...} for the statuses of one kind. */
static void kind_json(struct ntlm_buf *b, const char *name, enum ntlm_status_kind kind)
{
	bool first = true;
	ntlm_buf_printf(b, ",\"%s\":{", name);
	for (unsigned i = 0; i < H.n_status; i++) {
		enum ntlm_status_kind k = ntlm_status_kind(H.by_status[i].st);
		bool mine = kind == NTLM_KIND_INTERNAL
				    ? k != NTLM_KIND_MALFORMED && k != NTLM_KIND_POLICY_DENIED
				    : k == kind;
		if (!mine)
			continue;
		ntlm_buf_printf(b, "%s\"%s\":%llu", first ? "" : ",",
				ntlm_status_name(H.by_status[i].st),
				(unsigned long long)H.by_status[i].n);
		first = false;
	}
	if (kind == NTLM_KIND_INTERNAL && H.unlisted)
		ntlm_buf_printf(b, "%s\"unlisted\":%llu", first ? "" : ",",
				(unsigned long long)H.unlisted);
	ntlm_buf_puts(b, "}");
}

bool httpd_health_json(uint64_t audit_lost, struct ntlm_buf *b)
{
	pthread_mutex_lock(&H.lock);
	ntlm_buf_printf(b,
			"{\"status\":\"ok\",\"handshakes\":{\"started\":%llu,\"succeeded\":%llu,"
			"\"failed\":%llu},\"failures\":{\"auth_failed\":%llu",
			(unsigned long long)H.started, (unsigned long long)H.succeeded,
			(unsigned long long)H.failed, (unsigned long long)H.auth_failed);
	kind_json(b, "policy_denied", NTLM_KIND_POLICY_DENIED);
	kind_json(b, "malformed", NTLM_KIND_MALFORMED);
	kind_json(b, "other", NTLM_KIND_INTERNAL);
	ntlm_buf_puts(b, ",\"frontend\":{");
	for (unsigned i = 0; i < HTTPD_REFUSED_COUNT; i++)
		ntlm_buf_printf(b, "%s\"%s\":%llu", i ? "," : "", frontend_names[i],
				(unsigned long long)H.frontend[i]);
	ntlm_buf_printf(b, "}},\"audit_records_lost\":%llu}\n", (unsigned long long)audit_lost);
	pthread_mutex_unlock(&H.lock);
	return b->err == NTLM_OK;
}
