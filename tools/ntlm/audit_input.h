/* SPDX-License-Identifier: MIT */
/*
 * `ntlm audit`: reading audit logs into observations (docs/audit.md
 * "Observations") and folding them into flows. Streaming: one line at a
 * time; memory grows with the number of distinct flows, not records.
 */
#ifndef NTLM_AUDIT_INPUT_H
#define NTLM_AUDIT_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audit_json.h"

#define OBS_UNKNOWN (-1)

enum obs_outcome { OC_SUCCESS = 0, OC_AUDITED, OC_BLOCKED, OC_FAILED, OC_COUNT };

/* One record of one exchange, in the one observation schema every input
 * maps to. Strings point into the reader's scratch buffer (valid until the
 * next record); NULL = unknown. */
struct obs {
	unsigned event;
	int incoming; /* 1, 0 */
	enum obs_outcome outcome;
	const char *time; /* ISO 8601 UTC, as written */
	const char *target, *peer, *workstation, *user, *domain;
	const char *response_type; /* NULL: none yet */
	const char *setting;
	const char *target_host, *target_name, *process_exe;
	int has_flags, has_offered;
	uint32_t flags, offered;
	int mic, channel_bindings, domain_account; /* 1, 0, OBS_UNKNOWN */
	int machine, anonymous;			   /* the account's kind */
	bool terminal;				   /* the exchange's last record */
};

/* One line (without its newline) into *o: the strict JSON check, then the
 * members' types (schema 1.x, or the records before it). scratch holds at
 * least n + 1 bytes; *o points into it. False with a message in err. */
bool audit_record_parse(const char *p, size_t n, char *scratch, size_t scratch_len,
			struct aj_object *obj, struct obs *o, char *err, size_t err_len);

struct reader;

/* Opens path (plain or gzip, told apart by content); NULL with a message. */
struct reader *reader_open(const char *path, char *err, size_t err_len);
void reader_close(struct reader *r);
/* The next record: 1 with *o filled, 0 at the end, -1 for a record that is
 * refused ("file:line: ..." in err; reading goes on after it). A read
 * error of the file itself ends it: -2. */
int reader_next(struct reader *r, struct obs *o, char *err, size_t err_len);
/* Lines read so far. */
unsigned long reader_line(const struct reader *r);

#endif
