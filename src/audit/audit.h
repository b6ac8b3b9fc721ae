/*
 * audit: typed events (Windows NTLM/Operational ids + ours) sent to sinks:
 * a JSON Lines file (one object per line, each appended with one write(2)
 * on an O_APPEND descriptor), syslog, and a callback. Decides nothing.
 */
#ifndef NTLM_AUDIT_H
#define NTLM_AUDIT_H

#include "internal.h"
#include "policy/policy.h"
#include "wire/wire.h"

enum ntlm_audit_direction {
	NTLM_AUDIT_OUTGOING = 0, /* we are the client */
	NTLM_AUDIT_INCOMING = 1  /* we are the server */
};

enum ntlm_audit_outcome {
	NTLM_OUTCOME_SUCCESS = 0, /* authenticated */
	NTLM_OUTCOME_AUDITED,     /* allowed, logged because a setting asks */
	NTLM_OUTCOME_BLOCKED,     /* refused by policy */
	NTLM_OUTCOME_FAILED       /* authentication failed (password, MIC, bindings, ...) */
};

struct ntlm_audit_event {
	uint32_t id;                    /* 8001, 4002, 9004, ... */
	int64_t time_us;                /* UTC, microseconds since the Unix epoch */
	enum ntlm_audit_direction direction;
	enum ntlm_audit_outcome outcome;
	char target[256];               /* client: SPN; server: our name */
	char peer[64];                  /* peer address when the front end knows it */
	char workstation[128];          /* client workstation from the AUTHENTICATE */
	char user[128];
	char domain[128];
	uint32_t flags;                 /* negotiated flags (0 if not yet known) */
	bool has_response_type;
	enum ntlm_response_type response_type;
	char setting[40];               /* the deciding setting's name, "" if none */
	char reason[200];
	bool insecure;                  /* policy profile/settings marked insecure */
};

/* Fills id, time, direction, outcome, reason (from a verdict when given). */
void ntlm_audit_event_init(struct ntlm_audit_event *e, uint32_t id,
			   enum ntlm_audit_direction dir, enum ntlm_audit_outcome outcome);
void ntlm_audit_event_from_verdict(struct ntlm_audit_event *e, enum ntlm_audit_direction dir,
				   const struct ntlm_verdict *v);

/* Renders one JSON object without a newline into buf (always terminated).
 * Keys: event, time (ISO-8601 UTC with microseconds), direction, outcome,
 * target, peer, workstation, user, domain, flags (hex), flag_names (array),
 * response_type (or null), setting, reason, insecure. */
NTLM_RESULT ntlm_audit_event_json(const struct ntlm_audit_event *e, char *buf, size_t len);

typedef void (*ntlm_audit_cb)(const struct ntlm_audit_event *e, void *arg);

#define NTLM_AUDIT_MAX_SINKS 4
struct ntlm_audit_sink;
struct ntlm_audit {
	size_t n;
	struct ntlm_audit_sink *sinks[NTLM_AUDIT_MAX_SINKS]; /* owned */
	int refs;
};

NTLM_RESULT ntlm_audit_new(struct ntlm_audit **out);
void ntlm_audit_free(struct ntlm_audit *a); /* closes and frees the sinks */
/* Opens (creating 0600) the file for appending. */
NTLM_RESULT ntlm_audit_add_jsonl(struct ntlm_audit *a, const char *path);
NTLM_RESULT ntlm_audit_add_syslog(struct ntlm_audit *a, const char *ident);
NTLM_RESULT ntlm_audit_add_callback(struct ntlm_audit *a, ntlm_audit_cb cb, void *arg);
/* Sends to every sink. A sink failure is reported (first failure returned)
 * but does not stop the other sinks. NULL audit = no sinks. */
NTLM_RESULT ntlm_audit_emit(struct ntlm_audit *a, const struct ntlm_audit_event *e);

#endif
