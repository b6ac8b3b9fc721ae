/* SPDX-License-Identifier: MIT */
/*
 * audit: filling an event and rendering it as one JSON object.
 *
 * The renderer trusts nothing in the struct: each string is read up to its
 * array size, and escaped by ntlm_buf_escape() (text/buf.c: quotes,
 * controls, line separators, bidi controls; invalid UTF-8 replaced by
 * \ufffd) so the output is always one valid JSON line. It writes into the
 * caller's buffer and reports NTLM_E_BUFFER_TOO_SMALL rather than a cut-off
 * object.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit/audit.h"
#include "text/text.h"

/* ---- filling ----------------------------------------------------------- */

/* The process id, asked of the system once per process (glibc does not keep
 * it, and a server fills an event per logon): a forked child asks again. */
static _Atomic int32_t our_pid;
static pthread_once_t pid_once = PTHREAD_ONCE_INIT;

static void pid_forget(void)
{
	atomic_store_explicit(&our_pid, 0, memory_order_relaxed);
}

static void pid_once_init(void)
{
	(void)pthread_atfork(NULL, NULL, pid_forget);
}

static int32_t pid_now(void)
{
	pthread_once(&pid_once, pid_once_init);
	int32_t p = atomic_load_explicit(&our_pid, memory_order_relaxed);
	if (p == 0) {
		p = (int32_t)getpid();
		atomic_store_explicit(&our_pid, p, memory_order_relaxed);
	}
	return p;
}

void ntlm_audit_event_init(struct ntlm_audit_event *e, uint32_t id, enum ntlm_audit_direction dir,
			   enum ntlm_audit_outcome outcome)
{
	struct timespec ts = { 0, 0 };

	memset(e, 0, sizeof(*e));
	e->id = id;
	if (clock_gettime(CLOCK_REALTIME, &ts) == 0)
		e->time_us = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
	e->pid = pid_now();
	e->direction = dir;
	e->outcome = outcome;
}

void ntlm_audit_event_from_verdict(struct ntlm_audit_event *e, enum ntlm_audit_direction dir,
				   const struct ntlm_verdict *v)
{
	enum ntlm_audit_outcome o = NTLM_OUTCOME_SUCCESS;

	if (v->kind == NTLM_DENY)
		o = NTLM_OUTCOME_BLOCKED;
	else if (v->kind == NTLM_ALLOW_AUDIT)
		o = NTLM_OUTCOME_AUDITED;
	ntlm_audit_event_init(e, v->event_id, dir, o);
	NTLM_AUDIT_SET(e, setting, ntlm_policy_setting_name(v->setting));
	/* The verdict's reason is a fixed array too: never read past it. */
	char reason[sizeof(v->reason) + 1];
	memcpy(reason, v->reason, sizeof(v->reason));
	reason[sizeof(v->reason)] = '\0';
	NTLM_AUDIT_SET(e, reason, reason);
	e->missing = v->missing;
}

void ntlm_audit_set_str(char *dst, size_t len, const char *src)
{
	size_t n;

	if (len == 0)
		return;
	n = src ? strlen(src) : 0;
	if (n >= len) {
		n = len - 1;
		/* Step back over continuation bytes to the start of a character,
		 * then drop that character: it does not fit whole. */
		while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
			n--;
	}
	if (n)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

struct id_name {
	uint32_t id;
	const char *name;
};

static const struct id_name id_names[] = {
	{ NTLM_EVENT_OUT_AUDIT, "outgoing-audit" },
	{ NTLM_EVENT_IN_AUDIT, "incoming-audit" },
	{ NTLM_EVENT_OUT_BLOCKED, "outgoing-blocked" },
	{ NTLM_EVENT_IN_BLOCKED, "incoming-blocked" },
	{ NTLM_EVENT_MIN_CLIENT_SEC, "min-client-sec-blocked" },
	{ NTLM_EVENT_MIN_SERVER_SEC, "min-server-sec-blocked" },
	{ NTLM_EVENT_RESPONSE_REFUSED, "response-refused" },
	{ NTLM_EVENT_MIC_FAILURE, "mic-failure" },
	{ NTLM_EVENT_BAD_BINDINGS, "bad-bindings" },
	{ NTLM_EVENT_LOGON_FAILURE, "logon-failure" },
	{ NTLM_EVENT_SUCCESS, "success" },
	{ NTLM_EVENT_INSECURE_POLICY, "insecure-policy" },
	{ NTLM_EVENT_ANONYMOUS_REFUSED, "anonymous-refused" },
	{ NTLM_EVENT_REPLAY, "replay" },
	{ NTLM_EVENT_PROTECTION_REFUSED, "protection-refused" },
	{ NTLM_EVENT_OUT_ANSWERED, "outgoing-authenticate" },
	/* raised by front ends (ntlm_audit_frontend_event) */
	{ NTLM_EVENT_CONN_REFUSED, "connection-refused" },
	{ NTLM_EVENT_CONN_EVICTED, "connection-evicted" },
	{ NTLM_EVENT_HANDSHAKE_TIMEOUT, "handshake-timeout" },
	{ NTLM_EVENT_HANDSHAKE_ABANDONED, "handshake-abandoned" },
	{ NTLM_EVENT_MALFORMED_REQUEST, "malformed-request" },
	{ NTLM_EVENT_SUPPRESSED, "events-suppressed" },
};

const char *ntlm_audit_event_name(uint32_t id)
{
	for (size_t i = 0; i < ARRAY_SIZE(id_names); i++)
		if (id_names[i].id == id)
			return id_names[i].name;
	return "unknown";
}

enum ntlm_audit_severity ntlm_audit_event_severity(const struct ntlm_audit_event *e)
{
	if (e->id == NTLM_EVENT_INSECURE_POLICY)
		return NTLM_SEVERITY_WARNING; /* STYLE §11: insecure use is a warning */
	switch (e->outcome) {
	case NTLM_OUTCOME_SUCCESS:
		return NTLM_SEVERITY_INFO;
	case NTLM_OUTCOME_AUDITED:
		return NTLM_SEVERITY_NOTICE;
	case NTLM_OUTCOME_BLOCKED:
	case NTLM_OUTCOME_FAILED:
	default:
		return NTLM_SEVERITY_WARNING;
	}
}

/* ---- JSON -------------------------------------------------------------- */

/* A JSON string from at most max bytes of s (stops at a NUL). */
static void put_str(struct ntlm_buf *o, const char *s, size_t max)
{
	ntlm_buf_put(o, "\"", 1);
	if (s)
		ntlm_buf_escape(o, s, strnlen(s, max), NTLM_ESCAPE_JSON);
	ntlm_buf_put(o, "\"", 1);
}

#define PUT_FIELD(o, key, e, field)                           \
	do {                                                  \
		ntlm_buf_puts((o), ",\"" key "\":");          \
		put_str((o), (e)->field, sizeof((e)->field)); \
	} while (0)

/* "0x%08x" and the array of bit names (hex for reserved bits), bit 0 first. */
static void put_flags(struct ntlm_buf *o, const char *key, const char *names_key, uint32_t flags)
{
	ntlm_buf_printf(o, ",\"%s\":\"0x%08x\",\"%s\":", key, flags, names_key);
	ntlm_buf_flags(o, flags, NTLM_FLAGS_JSON);
}

static void put_time(struct ntlm_buf *o, int64_t time_us)
{
	int64_t sec = time_us / 1000000, us = time_us % 1000000;
	struct tm tm;

	if (us < 0) {
		us += 1000000;
		sec -= 1;
	}
	time_t t = (time_t)sec;
	if (!gmtime_r(&t, &tm)) {
		ntlm_buf_puts(o, ",\"time\":null");
		return;
	}
	char tbuf[80];
	int n = snprintf(tbuf, sizeof(tbuf), "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
			 tm.tm_sec, (int)us);
	if (n < 0 || (size_t)n >= sizeof(tbuf)) {
		ntlm_buf_puts(o, ",\"time\":null");
		return;
	}
	ntlm_buf_puts(o, ",\"time\":\"");
	ntlm_buf_put(o, tbuf, (size_t)n);
	ntlm_buf_put(o, "\"", 1);
}

static const char *direction_name(enum ntlm_audit_direction d)
{
	switch (d) {
	case NTLM_AUDIT_OUTGOING:
		return "outgoing";
	case NTLM_AUDIT_INCOMING:
		return "incoming";
	}
	return "unknown";
}

const char *ntlm_audit_outcome_name(enum ntlm_audit_outcome oc)
{
	switch (oc) {
	case NTLM_OUTCOME_SUCCESS:
		return "success";
	case NTLM_OUTCOME_AUDITED:
		return "audited";
	case NTLM_OUTCOME_BLOCKED:
		return "blocked";
	case NTLM_OUTCOME_FAILED:
		return "failed";
	}
	return "unknown";
}

static const char *severity_name(enum ntlm_audit_severity s)
{
	switch (s) {
	case NTLM_SEVERITY_INFO:
		return "info";
	case NTLM_SEVERITY_NOTICE:
		return "notice";
	case NTLM_SEVERITY_WARNING:
		return "warning";
	}
	return "unknown";
}

/* A fact string: null when empty (unknown). */
static void put_fact_str(struct ntlm_buf *o, const char *key, const char *s, size_t max)
{
	ntlm_buf_printf(o, ",\"%s\":", key);
	if (!s || !s[0])
		ntlm_buf_puts(o, "null");
	else
		put_str(o, s, max);
}

#define PUT_FACT(o, key, e, field) put_fact_str((o), key, (e)->field, sizeof((e)->field))

static void put_fact(struct ntlm_buf *o, const char *key, enum ntlm_fact f)
{
	ntlm_buf_printf(o, ",\"%s\":%s", key,
			f == NTLM_FACT_YES  ? "true"
			: f == NTLM_FACT_NO ? "false"
					    : "null");
}

static const char *account_name(enum ntlm_audit_account a)
{
	switch (a) {
	case NTLM_ACCOUNT_USER:
		return "user";
	case NTLM_ACCOUNT_MACHINE:
		return "machine";
	case NTLM_ACCOUNT_ANONYMOUS:
		return "anonymous";
	case NTLM_ACCOUNT_UNKNOWN:
		break;
	}
	return NULL;
}

/* Schema 1.0's facts (docs/audit-events.md "Facts"), after the first keys. */
static void put_facts(struct ntlm_buf *o, const struct ntlm_audit_event *e)
{
	ntlm_buf_puts(o, ",\"schema\":\"" NTLM_AUDIT_SCHEMA "\"");
	PUT_FACT(o, "target_service", e, target_service);
	PUT_FACT(o, "target_host", e, target_host);
	PUT_FACT(o, "server_nb_computer", e, server_nb_computer);
	PUT_FACT(o, "server_nb_domain", e, server_nb_domain);
	PUT_FACT(o, "server_dns_computer", e, server_dns_computer);
	PUT_FACT(o, "server_dns_domain", e, server_dns_domain);
	put_fact_str(o, "account_type", account_name(e->account_type), 16);
	put_fact(o, "domain_account", e->domain_account);
	if (e->has_process) {
		ntlm_buf_printf(o, ",\"process_uid\":%u", (unsigned)e->process_uid);
		PUT_FACT(o, "process_exe", e, process_exe);
	} else {
		ntlm_buf_puts(o, ",\"process_uid\":null,\"process_exe\":null");
	}
	if (e->has_offered)
		put_flags(o, "offered", "offered_names", e->offered);
	else
		ntlm_buf_puts(o, ",\"offered\":null,\"offered_names\":null");
	put_fact(o, "mic", e->mic);
	put_fact(o, "channel_bindings", e->channel_bindings);
	put_fact(o, "target_name_sent", e->target_name_sent);
	PUT_FACT(o, "target_name", e, target_name);
	PUT_FACT(o, "policy_hash", e, policy_hash);
	PUT_FACT(o, "policy_source", e, policy_source);
}

ntlm_status ntlm_audit_event_json(const struct ntlm_audit_event *e, char *buf, size_t len)
{
	struct ntlm_buf o;

	if (!e || !buf)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "audit event JSON: NULL argument");
	if (len == 0)
		return ntlm_err(NTLM_E_BUFFER_TOO_SMALL, "audit event JSON: empty buffer");
	ntlm_buf_fixed(&o, buf, len);

	ntlm_buf_printf(&o, "{\"event\":%u,\"name\":", (unsigned)e->id);
	put_str(&o, ntlm_audit_event_name(e->id), 64);
	put_time(&o, e->time_us);
	ntlm_buf_printf(&o, ",\"pid\":%d,\"severity\":\"%s\"", (int)e->pid,
			severity_name(ntlm_audit_event_severity(e)));
	ntlm_buf_printf(&o, ",\"direction\":\"%s\",\"outcome\":\"%s\"",
			direction_name(e->direction), ntlm_audit_outcome_name(e->outcome));
	PUT_FIELD(&o, "target", e, target);
	PUT_FIELD(&o, "peer", e, peer);
	PUT_FIELD(&o, "workstation", e, workstation);
	PUT_FIELD(&o, "user", e, user);
	PUT_FIELD(&o, "domain", e, domain);
	put_flags(&o, "flags", "flag_names", e->flags);
	ntlm_buf_puts(&o, ",\"response_type\":");
	if (e->has_response_type)
		put_str(&o, ntlm_wire_response_type_name(e->response_type), 64);
	else
		ntlm_buf_puts(&o, "null");
	PUT_FIELD(&o, "setting", e, setting);
	PUT_FIELD(&o, "reason", e, reason);
	put_flags(&o, "missing", "missing_names", e->missing);
	put_flags(&o, "requested", "requested_names", e->requested);
	ntlm_buf_puts(&o, e->insecure ? ",\"insecure\":true" : ",\"insecure\":false");
	put_facts(&o, e);
	ntlm_buf_puts(&o, "}");

	if (o.err != NTLM_OK) {
		buf[0] = '\0';
		return ntlm_err(o.err, "audit event %u: JSON does not fit in %zu bytes",
				(unsigned)e->id, len);
	}
	return NTLM_OK;
}
