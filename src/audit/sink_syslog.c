/* SPDX-License-Identifier: MIT */
/*
 * audit: the syslog sink. Facility LOG_AUTHPRIV (authentication records are
 * private to the administrator); the message is the event's JSON object.
 * Severity: blocked, failed or insecure policy -> LOG_WARNING, audited ->
 * LOG_NOTICE, success -> LOG_INFO.
 */
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "audit/sink.h"

struct slog {
	struct ntlm_audit_sink base;
	char *ident; /* owned; openlog keeps the pointer, so it lives until close */
};

static int priority(const struct ntlm_audit_event *e)
{
	switch (ntlm_audit_event_severity(e)) {
	case NTLM_SEVERITY_INFO:
		return LOG_INFO;
	case NTLM_SEVERITY_NOTICE:
		return LOG_NOTICE;
	case NTLM_SEVERITY_WARNING:
	default:
		return LOG_WARNING;
	}
}

static ntlm_status slog_emit(struct ntlm_audit_sink *s, const struct ntlm_audit_event *e)
{
	char msg[NTLM_AUDIT_JSON_MAX];

	(void)s;
	NTLM_TRY(ntlm_audit_event_json(e, msg, sizeof(msg)));
	syslog(LOG_AUTHPRIV | priority(e), "%s", msg);
	return NTLM_OK;
}

static void slog_close(struct ntlm_audit_sink *s)
{
	struct slog *l = (struct slog *)s;
	if (l->ident) {
		/* glibc forgets the ident here, so freeing it afterwards is safe. */
		closelog();
		free(l->ident);
	}
	free(l);
}

static const struct ntlm_audit_sink_ops slog_ops = {
	.kind = "syslog",
	.emit = slog_emit,
	.close = slog_close,
};

ntlm_status ntlm_audit_sink_syslog_open(const char *ident, struct ntlm_audit_sink **out)
{
	struct slog *l;

	*out = NULL;
	l = calloc(1, sizeof(*l));
	if (!l)
		return ntlm_err(NTLM_E_NOMEM, "out of memory");
	l->base.ops = &slog_ops;
	if (ident) {
		l->ident = strdup(ident);
		if (!l->ident) {
			free(l);
			return ntlm_err(NTLM_E_NOMEM, "out of memory");
		}
		openlog(l->ident, LOG_PID, LOG_AUTHPRIV);
	}
	*out = &l->base;
	return NTLM_OK;
}
