/* SPDX-License-Identifier: MIT */
/*
 * audit: what a sink is, private to src/audit/. Each sink embeds struct
 * ntlm_audit_sink as its first member; audit.c only sequences them.
 */
#ifndef NTLM_AUDIT_SINK_H
#define NTLM_AUDIT_SINK_H

#include "audit/audit.h"

struct ntlm_audit_sink_ops {
	const char *kind; /* "jsonl", "syslog", "callback" */
	/* must_write: the record is known written (or failed) when this
	 * returns, never left in a buffer (AuditFailure = deny). */
	ntlm_status (*emit)(struct ntlm_audit_sink *s, const struct ntlm_audit_event *e,
			    bool must_write);
	void (*close)(struct ntlm_audit_sink *s); /* flushes; also frees s */
	/* Optional (sinks that can buffer): keep up to bytes of records in
	 * memory (0: none); write what is kept. */
	ntlm_status (*set_buffer)(struct ntlm_audit_sink *s, size_t bytes);
	ntlm_status (*flush)(struct ntlm_audit_sink *s);
};

struct ntlm_audit_sink {
	const struct ntlm_audit_sink_ops *ops;
	/* The object that holds the sink (set when it is added): records a
	 * buffering sink loses after its emit returned are counted there
	 * (ntlm_audit_count_lost). */
	struct ntlm_audit *owner;
};

/* n records that a sink had accepted are lost; why: the message. */
void ntlm_audit_count_lost(struct ntlm_audit *a, unsigned n, const char *why);

NTLM_RESULT ntlm_audit_sink_jsonl_open(const char *path, struct ntlm_audit_sink **out);
NTLM_RESULT ntlm_audit_sink_syslog_open(const char *ident, struct ntlm_audit_sink **out);
/* syslog (journal false) or the journal's native protocol, to the datagram
 * socket at path (NULL: NTLM_AUDIT_SYSLOG_SOCKET / NTLM_AUDIT_JOURNAL_SOCKET). */
NTLM_RESULT ntlm_audit_sink_socket_open(bool journal, const char *path, const char *ident,
					struct ntlm_audit_sink **out);
NTLM_RESULT ntlm_audit_sink_cb_open(ntlm_audit_cb cb, void *arg, struct ntlm_audit_sink **out);

#endif
