/* SPDX-License-Identifier: MIT */
/*
 * api/frontend_event.c: ntlm_audit_frontend_event, the way a front end
 * records what the library never sees (a connection refused or evicted, a
 * handshake that timed out or was abandoned, a request malformed before any
 * token reached a context) through the same sinks, in the same form, as the
 * library's own events. docs/audit-events.md lists the ids.
 */
#include "audit/audit.h"

static bool frontend_id(uint32_t id)
{
	return id == NTLM_EVENT_REPLAY ||
	       (id >= NTLM_EVENT_CONN_REFUSED && id <= NTLM_EVENT_SUPPRESSED);
}

ntlm_status ntlm_audit_frontend_event(struct ntlm_audit *a, uint32_t id, const char *target,
				      const char *peer, const char *reason)
{
	struct ntlm_audit_event e;

	ntlm_err_clear();
	if (!a)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "audit is NULL");
	if (!frontend_id(id))
		return ntlm_err(NTLM_E_INVALID_ARGUMENT,
				"event %u is not one a front end raises (9008, 9100-9105)",
				(unsigned)id);
	ntlm_audit_event_init(&e, id, NTLM_AUDIT_INCOMING,
			      id == NTLM_EVENT_SUPPRESSED ? NTLM_OUTCOME_AUDITED
							  : NTLM_OUTCOME_FAILED);
	NTLM_AUDIT_SET(&e, target, target);
	NTLM_AUDIT_SET(&e, peer, peer);
	NTLM_AUDIT_SET(&e, reason, reason);
	return ntlm_audit_emit_as(a, &e, false); /* decides no logon: may be buffered */
}
