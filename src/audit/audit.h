/* SPDX-License-Identifier: MIT */
/*
 * audit: typed events (Windows NTLM/Operational ids + ours) sent to sinks:
 * a JSON Lines file (one object per line, each appended with one write(2)
 * on an O_APPEND descriptor), syslog, and a callback. Decides nothing.
 *
 * Event ids, when each fires, and the JSON form: docs/audit-events.md.
 */
#ifndef NTLM_AUDIT_H
#define NTLM_AUDIT_H

#include <pthread.h>

#include "internal.h"
#include "policy/policy.h"
#include "wire/wire.h"

enum ntlm_audit_direction {
	NTLM_AUDIT_OUTGOING = 0, /* we are the client */
	NTLM_AUDIT_INCOMING = 1	 /* we are the server */
};

enum ntlm_audit_outcome {
	NTLM_OUTCOME_SUCCESS = 0, /* authenticated */
	NTLM_OUTCOME_AUDITED,	  /* allowed, logged because a setting asks */
	NTLM_OUTCOME_BLOCKED,	  /* refused by policy */
	NTLM_OUTCOME_FAILED	  /* authentication failed (password, MIC, bindings, ...) */
};

/* Derived from the outcome (and the id for NTLM_EVENT_INSECURE_POLICY). */
enum ntlm_audit_severity {
	NTLM_SEVERITY_INFO = 0, /* success */
	NTLM_SEVERITY_NOTICE,	/* audited */
	NTLM_SEVERITY_WARNING	/* blocked, failed, insecure policy used */
};

/* A fact that may be unknown (zero, so a zeroed event knows nothing). */
enum ntlm_fact { NTLM_FACT_UNKNOWN = 0, NTLM_FACT_NO, NTLM_FACT_YES };

enum ntlm_audit_account {
	NTLM_ACCOUNT_UNKNOWN = 0,
	NTLM_ACCOUNT_USER,     /* a user name */
	NTLM_ACCOUNT_MACHINE,  /* a computer account: the name ends in '$' */
	NTLM_ACCOUNT_ANONYMOUS /* an anonymous logon (or an empty user name) */
};

/* The schema of the JSON form, "major.minor" (docs/audit-events.md). */
#define NTLM_AUDIT_SCHEMA "1.0"

/*
 * One event. Every string is UTF-8 and NUL-terminated inside its array; fill
 * them with NTLM_AUDIT_SET so a long value is cut at a character boundary.
 * Renderers read at most sizeof(field) bytes and replace invalid UTF-8, so a
 * hostile name cannot break a log line.
 */
struct ntlm_audit_event {
	uint32_t id;	 /* 8001, 4002, 9004, ... */
	int64_t time_us; /* UTC, microseconds since the Unix epoch */
	int32_t pid;	 /* the emitting process (Windows: CallerPID) */
	enum ntlm_audit_direction direction;
	enum ntlm_audit_outcome outcome;
	char target[256];      /* client: SPN; server: our name */
	char peer[64];	       /* peer address when the front end knows it */
	char workstation[128]; /* client workstation from the AUTHENTICATE */
	char user[128];
	char domain[128];
	uint32_t flags;	    /* negotiated flags (0 if not yet known) */
	uint32_t missing;   /* NtlmMin*Sec bits not met (4010/4011), required SIGN/SEAL
			     * not granted (9009), else 0 */
	uint32_t requested; /* SIGN/SEAL the caller asked for (client) or requires */
	bool has_response_type;
	enum ntlm_response_type response_type;
	char setting[40]; /* the deciding setting's name, "" if none */
	char reason[200];
	bool insecure; /* policy profile/settings marked insecure */

	/* Schema 1.0 facts: what a policy needs to decide again (docs/audit-events.md
	 * "Facts"). An empty string is written as null (unknown); so is a
	 * tri-state left at NTLM_FACT_UNKNOWN. */
	char target_service[64]; /* the target taken apart (ntlm_policy_target_parse) */
	char target_host[256];
	char server_nb_computer[64]; /* the server's names: client side from the */
	char server_nb_domain[64];   /* CHALLENGE's AV pairs, server side our own */
	char server_dns_computer[256];
	char server_dns_domain[256];
	enum ntlm_audit_account account_type;
	enum ntlm_fact domain_account; /* as RestrictReceivingNTLMTraffic sees it */
	bool has_process;	       /* client side: the process that authenticates */
	uint32_t process_uid;
	char process_exe[256];
	bool has_offered;
	uint32_t offered;		 /* the NEGOTIATE's flags */
	enum ntlm_fact mic;		 /* the AUTHENTICATE carries a MIC (MsvAvFlags) */
	enum ntlm_fact channel_bindings; /* ... non-zero MsvAvChannelBindings */
	enum ntlm_fact target_name_sent; /* ... MsvAvTargetName */
	char target_name[256];		 /* its value (server side: as the client sent it) */
	char policy_hash[17];		 /* ntlm_policy_identity */
	char policy_source[256];
};

/* Zeroes e, then fills id, time (now), pid, direction and outcome. */
void ntlm_audit_event_init(struct ntlm_audit_event *e, uint32_t id, enum ntlm_audit_direction dir,
			   enum ntlm_audit_outcome outcome);
/* ntlm_audit_event_init from a verdict: id = v->event_id, outcome from
 * v->kind (DENY -> BLOCKED, ALLOW_AUDIT -> AUDITED, ALLOW -> SUCCESS),
 * setting = the setting's name, reason and missing copied. */
void ntlm_audit_event_from_verdict(struct ntlm_audit_event *e, enum ntlm_audit_direction dir,
				   const struct ntlm_verdict *v);

/* Copies src (NULL = "") into dst[len], cutting at a UTF-8 character
 * boundary when it does not fit. Always NUL-terminates (len > 0). */
void ntlm_audit_set_str(char *dst, size_t len, const char *src);
#define NTLM_AUDIT_SET(e, field, src) ntlm_audit_set_str((e)->field, sizeof((e)->field), (src))

/* "outgoing-blocked", "logon-failure", ...; "unknown" for other ids. */
const char *ntlm_audit_event_name(uint32_t id);
enum ntlm_audit_severity ntlm_audit_event_severity(const struct ntlm_audit_event *e);
/* "success", "audited", "blocked", "failed" (as in the JSON form). */
const char *ntlm_audit_outcome_name(enum ntlm_audit_outcome oc);

/* Large enough for the JSON of any event (every string at its worst-case
 * escaping, all 32 flag bits), newline and NUL included. */
#define NTLM_AUDIT_JSON_MAX 32768

/* Renders one JSON object without a newline into buf (always terminated).
 * Keys, in this order: event, name, time (ISO-8601 UTC with microseconds),
 * pid, severity, direction, outcome, target, peer, workstation, user, domain,
 * flags (hex), flag_names (array), response_type (or null), setting, reason,
 * missing (hex), missing_names (array), requested (hex), requested_names
 * (array), insecure; then schema 1.0's: schema, target_service, target_host,
 * server_nb_computer, server_nb_domain, server_dns_computer,
 * server_dns_domain, account_type, domain_account, process_uid,
 * process_exe, offered, offered_names, mic, channel_bindings,
 * target_name_sent, target_name, policy_hash, policy_source.
 * NTLM_E_BUFFER_TOO_SMALL if it does not fit (buf then holds "", never a
 * partial object). */
NTLM_RESULT ntlm_audit_event_json(const struct ntlm_audit_event *e, char *buf, size_t len);

typedef void (*ntlm_audit_cb)(const struct ntlm_audit_event *e, void *arg);

#define NTLM_AUDIT_MAX_SINKS 8
#define NTLM_AUDIT_BUFFER_MAX (16u * 1024u * 1024u) /* ntlm_audit_set_buffer */
#define NTLM_AUDIT_SYSLOG_SOCKET "/dev/log"
#define NTLM_AUDIT_JOURNAL_SOCKET "/run/systemd/journal/socket"
struct ntlm_audit_sink;
/*
 * Sinks are added while setting up, before the object is shared; after that
 * ntlm_audit_emit may be called from any number of threads at once (the file
 * sink writes each line with one write(2), or whole lines in one write(2)
 * when it buffers; syslog(3) is thread-safe, and a callback must be).
 * Reference-counted so contexts can share one.
 */
struct ntlm_audit {
	size_t n;
	struct ntlm_audit_sink *sinks[NTLM_AUDIT_MAX_SINKS]; /* owned */
	int refs;					     /* atomic builtins only */
	uint64_t lost;	      /* events some sink could not record (atomic builtins) */
	pthread_mutex_t lock; /* guards why */
	char why[256];	      /* the last sink failure, for ntlm_audit_lost */
	size_t buffer;	      /* ntlm_audit_set_buffer: for file sinks added later */
};

NTLM_RESULT ntlm_audit_new(struct ntlm_audit **out);
/* Takes one more reference; returns a. */
struct ntlm_audit *ntlm_audit_ref(struct ntlm_audit *a);
/* Drops a reference; the last one closes and frees the sinks. NULL is a no-op. */
void ntlm_audit_free(struct ntlm_audit *a);
/* Opens (creating it 0600 if absent) the file for appending; an existing
 * file keeps its mode. Errors name the path. */
NTLM_RESULT ntlm_audit_add_jsonl(struct ntlm_audit *a, const char *path);
/* openlog(ident, LOG_PID, LOG_AUTHPRIV): process-wide, so it replaces the
 * program's own ident; ident NULL keeps the program's openlog settings.
 * Every message is sent with the LOG_AUTHPRIV facility either way. */
NTLM_RESULT ntlm_audit_add_syslog(struct ntlm_audit *a, const char *ident);
/* syslog or journal (native protocol) on the datagram socket at path (NULL:
 * the system's); a destination that is missing counts each record lost. */
NTLM_RESULT ntlm_audit_add_socket(struct ntlm_audit *a, bool journal, const char *path,
				  const char *ident);
NTLM_RESULT ntlm_audit_add_callback(struct ntlm_audit *a, ntlm_audit_cb cb, void *arg);
/* Sends to every sink. A sink failure does not stop the other sinks; it is
 * counted (a->lost), its message kept (ntlm_audit_lost), and the first
 * failure's status returned. The thread's error detail is left as it was:
 * the caller's own failure, if any, stays the one reported. NULL audit = no
 * sinks. */
NTLM_RESULT ntlm_audit_emit(struct ntlm_audit *a, const struct ntlm_audit_event *e);
/* The same; with must_write false a buffering sink (ntlm_audit_set_buffer)
 * may keep the record in memory until the next flush. ntlm_audit_emit is
 * must_write true. */
NTLM_RESULT ntlm_audit_emit_as(struct ntlm_audit *a, const struct ntlm_audit_event *e,
			       bool must_write);
/* File sinks keep up to bytes of records in memory (0: none, the default),
 * written whole lines at a time: when the next record does not fit, when a
 * record must be written, at ntlm_audit_flush_sinks and when the object is freed.
 * Applies to the file sinks present and to those added later. */
NTLM_RESULT ntlm_audit_set_buffer(struct ntlm_audit *a, size_t bytes);
/* Writes what every sink keeps; the first failure's status (each record
 * lost is counted, as for emit). */
NTLM_RESULT ntlm_audit_flush_sinks(struct ntlm_audit *a);
/* Events lost so far (some sink failed) and the last failure's message. */
uint64_t ntlm_audit_lost_count(struct ntlm_audit *a, char *why, size_t len);

#endif
