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

/* OC_UNKNOWN: the log does not say how the exchange ended (Zeek). */
enum obs_outcome { OC_SUCCESS = 0, OC_AUDITED, OC_BLOCKED, OC_FAILED, OC_UNKNOWN, OC_COUNT };

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

/*
 * One input format (docs/audit.md "Inputs"). The reader opens the file
 * (plain or gzip), looks at its first bytes (after blank lines) and gives the
 * file to the first format whose sniff says yes; each record of the file is
 * then read by that format. A line format gives `line`; a format that reads
 * records of its own shape (XML, binary) gives `next` instead and reads
 * through reader_next_line() / reader_read(). A format that keeps state
 * between records allocates it in `line`/`next` on first use
 * (*reader_state()) and frees it in `close`.
 */
struct input_format {
	const char *name; /* as `--format` takes it and the report names it */
	/* The file's first bytes: p[0] is its first byte that is not a blank
	 * line; n >= 1 of them are available (up to a whole first line when
	 * the file has one). */
	bool (*sniff)(const char *p, size_t n);
	/* One line (no newline, not blank): 1 with *o filled, 0 for a line that
	 * holds no observation (a comment, an event of no interest; skipped),
	 * -1 for a refused line (the reason in why, without file:line). */
	int (*line)(struct reader *r, const char *p, size_t n, struct obs *o, char *why,
		    size_t why_len);
	/* Instead of line: the whole reading, as reader_next() returns. */
	int (*next)(struct reader *r, struct obs *o, char *err, size_t err_len);
	void (*close)(struct reader *r);
};

/* Opens path (plain or gzip, told apart by content); NULL with a message.
 * format NULL: detected from the content; else the named one is used. */
struct reader *reader_open(const char *path, const char *format, char *err, size_t err_len);
void reader_close(struct reader *r);
/* The next record: 1 with *o filled, 0 at the end, -1 for a record that is
 * refused ("file:line: ..." in err; reading goes on after it). A read
 * error of the file itself, or a file in no format we read, ends it: -2. */
int reader_next(struct reader *r, struct obs *o, char *err, size_t err_len);
/* Reads up to the first record and picks the format (reader_format()),
 * as reader_next() would first: 1, 0 for an empty file, -2 (err) for a
 * file in no format or a read error. */
int reader_detect(struct reader *r, char *err, size_t err_len);
/*
 * One file on several threads (cmd_audit.c). A plain file is cut at line
 * starts into ranges, each read by a reader of its own: reader_stop_at()
 * ends the first (opened by reader_open(), format detected) at an offset;
 * reader_open_range() reads from an offset (a line's start) to the end, in
 * the named line format, its lines counted from 1 again. A gzip file is
 * inflated on a thread of its own once its format is known
 * (reader_inflate_apart(); false: it is not, and is read as before). The
 * records, refusals and messages are those of one reader over the file.
 */
struct reader *reader_open_range(const char *path, const char *format, unsigned long long from,
				 char *err, size_t err_len);
/* False: more than that read already. */
bool reader_stop_at(struct reader *r, unsigned long long to);
bool reader_inflate_apart(struct reader *r);
/* Whether the file is read as it is (not gzip); known once a byte is read. */
bool reader_plain(struct reader *r);
/* Bytes with no record after which reading gives up (-2), 256 MiB unless
 * set lower. */
void reader_barren_max(struct reader *r, unsigned long long max);
#define READER_BARREN_MAX (256ull << 20)
/* Bytes of the file (or range) taken so far, and up to the end of the last
 * record taken. */
unsigned long long reader_consumed(const struct reader *r);
unsigned long long reader_good(const struct reader *r);
/* Lines read so far. */
unsigned long reader_line(const struct reader *r);
/* The format of the file, once its first record is read (NULL before). */
const char *reader_format(const struct reader *r);
/* The formats, in the order they are tried; NULL-terminated. */
extern const struct input_format *const audit_input_formats[];

/* For formats. */
const char *reader_path(const struct reader *r);
/* Scratch memory for the strings of the current observation: *len bytes
 * (at least READER_SCRATCH), valid until the next record. */
#define READER_SCRATCH ((1u << 16) + 1)
char *reader_scratch(struct reader *r, size_t *len);
void **reader_state(struct reader *r);
/* The next line (without its newline) into *p, *n: 1, 0 at the end, -1 for
 * an oversized line (skipped, message in err), -2 on a read error. */
int reader_next_line(struct reader *r, const char **p, size_t *n, char *err, size_t err_len);
/* Up to n raw bytes: the count, 0 at the end, -1 on a read error (message
 * in err). Do not mix with reader_next_line() on the same file. */
long reader_read(struct reader *r, void *buf, size_t n, char *err, size_t err_len);

/* Between lines (a format whose records hold raw bytes, as the journal's
 * export format does): the next n bytes. p non-NULL: n <= READER_SCRATCH - 1,
 * *p points at them (valid until the next read). p NULL: they are skipped,
 * n of any size. The '\n' bytes among them count as lines. 1 (*got = n),
 * 0 when the file ends first (*got: the bytes it still held, consumed),
 * -2 on a read error (err). */
int reader_bytes(struct reader *r, unsigned long long n, const char **p, unsigned long long *got,
		 char *err, size_t err_len);

/* Our own JSON Lines records (audit_record.c). */
extern const struct input_format audit_format_ntlm_jsonl;
/* Windows events: XML (wevtutil qe /f:xml) and .evtx (audit_fmt_windows*.c). */
extern const struct input_format audit_format_windows_xml;
extern const struct input_format audit_format_windows_evtx;
/* Other logs (audit_fmt_*.c). */
extern const struct input_format audit_format_syslog;
extern const struct input_format audit_format_journal_json;
extern const struct input_format audit_format_journal_export;
extern const struct input_format audit_format_zeek_tsv;
extern const struct input_format audit_format_zeek_json;
extern const struct input_format audit_format_samba_json;

#endif
