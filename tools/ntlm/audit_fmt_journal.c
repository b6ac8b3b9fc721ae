/* SPDX-License-Identifier: MIT */
/*
 * `ntlm audit`: the systemd journal as `journalctl -o json` writes it, one
 * object per line (docs/audit.md "journal-json"), and as `journalctl -o
 * export` writes it (systemd's Journal Export Format, "journal-export"):
 * an entry's fields one a line, KEY=value, or for a value that is not
 * printable text KEY, a newline, its length as 64-bit little-endian, its
 * bytes and a newline; an empty line after each entry. Our journal sink
 * writes the record as MESSAGE with NTLM_EVENT_ID beside it; our syslog
 * sink's records reach the journal through its syslog socket, with MESSAGE
 * alone. Either maps as our JSON Lines do; every other entry is skipped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_fmt.h"

struct journal {
	struct aj_object outer, inner;
	char scratch[READER_SCRATCH]; /* the record's strings */
	char bytes[READER_SCRATCH];   /* MESSAGE given as an array of bytes, or exported */
	char id[24];		      /* NTLM_EVENT_ID, exported */
};

static struct journal *journal_state(struct reader *r)
{
	void **state = reader_state(r);
	if (!*state)
		*state = calloc(1, sizeof(struct journal));
	return *state;
}

/* An entry's MESSAGE (msg, ml; NULL: none) and NTLM_EVENT_ID (id; NULL:
 * none) into *o: 1, 0 for another program's entry, -1 (why). */
static int journal_entry(struct journal *j, const char *msg, size_t ml, const char *id,
			 struct obs *o, char *why, size_t why_len)
{
	if (!msg && id) {
		snprintf(why, why_len, "\"MESSAGE\": missing");
		return -1;
	}
	if (!msg || !fmt_is_record(msg, ml)) {
		if (!id)
			return 0; /* another program's entry */
		snprintf(why, why_len, "\"MESSAGE\": not an ntlmssp record (it has NTLM_EVENT_ID)");
		return -1;
	}
	if (!fmt_record(msg, ml, 0, j->scratch, sizeof(j->scratch), &j->inner, o, why, why_len)) {
		char inner[160];
		snprintf(inner, sizeof(inner), "%s", why);
		snprintf(why, why_len, "the record in \"MESSAGE\": %s", inner);
		return -1;
	}
	if (id) {
		char want[16];
		snprintf(want, sizeof(want), "%u", o->event);
		if (strcmp(id, want) != 0) {
			snprintf(why, why_len,
				 "\"NTLM_EVENT_ID\" %.12s is not the record's event %u", id,
				 o->event);
			return -1;
		}
	}
	return 1;
}

static bool journal_sniff(const char *p, size_t n)
{
	const char *nl = memchr(p, '\n', n);
	if (nl)
		n = (size_t)(nl - p);
	return p[0] == '{' &&
	       (fmt_has_key(p, n, "__CURSOR") || fmt_has_key(p, n, "__REALTIME_TIMESTAMP"));
}

/* "[1, 2, 255]" (journalctl's form of a value that is not printable UTF-8)
 * into out; false when it is not an array of numbers 0..255. */
static bool byte_array(const char *p, size_t n, char *out, size_t out_len, size_t *got)
{
	size_t k = 1, j = 0;
	*got = 0;
	if (n < 2 || p[0] != '[')
		return false;
	for (;;) {
		while (k < n && (p[k] == ' ' || p[k] == '\t'))
			k++;
		if (k < n && p[k] == ']' && j == 0)
			break;
		unsigned v = 0;
		size_t s = k;
		while (k < n && p[k] >= '0' && p[k] <= '9' && k - s < 3)
			v = v * 10 + (unsigned)(p[k++] - '0');
		if (k == s || v > 255 || j + 1 >= out_len)
			return false;
		out[j++] = (char)v;
		while (k < n && (p[k] == ' ' || p[k] == '\t'))
			k++;
		if (k < n && p[k] == ',') {
			k++;
			continue;
		}
		if (k < n && p[k] == ']')
			break;
		return false;
	}
	*got = j;
	return true;
}

static int journal_line(struct reader *r, const char *p, size_t n, struct obs *o, char *why,
			size_t why_len)
{
	size_t len;
	char *scratch = reader_scratch(r, &len);
	struct journal *j = journal_state(r);
	bool bad = false;

	if (!j) {
		snprintf(why, why_len, "out of memory");
		return -1;
	}
	if (!aj_parse(p, n, scratch, len, &j->outer, why, why_len))
		return -1;
	const struct aj_member *id = fmt_get(&j->outer, "NTLM_EVENT_ID", AJ_STRING, &bad);
	if (bad) {
		snprintf(why, why_len,
			 "\"NTLM_EVENT_ID\": expected a string (journalctl writes "
			 "every value as one)");
		return -1;
	}
	const struct aj_member *m = aj_get(&j->outer, "MESSAGE");
	const char *msg = NULL;
	size_t ml = 0;
	if (m && m->type == AJ_STRING) {
		msg = m->str;
		ml = m->len;
	} else if (m && m->type == AJ_ARRAY) {
		const char *raw;
		size_t rn;
		if (!fmt_member_raw(p, n, "MESSAGE", &raw, &rn) ||
		    !byte_array(raw, rn, j->bytes, sizeof(j->bytes), &ml)) {
			if (!id)
				return 0; /* a field given several times, not ours */
			snprintf(why, why_len,
				 "\"MESSAGE\": expected a string or an array of bytes");
			return -1;
		}
		msg = j->bytes;
	} else if (id && m) {
		if (m->type == AJ_NULL)
			snprintf(why, why_len,
				 "\"MESSAGE\" is null: journalctl writes a field longer than "
				 "4096 bytes as null unless given --all");
		else
			snprintf(why, why_len,
				 "\"MESSAGE\": expected a string or an array of bytes");
		return -1;
	}
	return journal_entry(j, msg, ml, id ? id->str : NULL, o, why, why_len);
}

static void journal_close(struct reader *r)
{
	void **state = reader_state(r);
	free(*state);
	*state = NULL;
}

const struct input_format audit_format_journal_json = {
	.name = "journal-json",
	.sniff = journal_sniff,
	.line = journal_line,
	.close = journal_close,
};

/* ---- journalctl -o export ---------------------------------------------------- */

/* A binary field longer than this is not believed (the reader gives a file
 * up after as many bytes with no record in them anyway). */
#define EXPORT_FIELD_MAX (256ull << 20)

static bool export_sniff(const char *p, size_t n)
{
	/* journalctl -o export starts each entry with its address fields */
	return (n >= 9 && memcmp(p, "__CURSOR=", 9) == 0) ||
	       (n >= 21 && memcmp(p, "__REALTIME_TIMESTAMP=", 21) == 0);
}

/* A field name as the journal has them: A-Z, 0-9 and '_', at most 64. */
static bool export_key(const char *p, size_t n)
{
	if (n == 0 || n > 64)
		return false;
	for (size_t k = 0; k < n; k++)
		if (!((p[k] >= 'A' && p[k] <= 'Z') || (p[k] >= '0' && p[k] <= '9') || p[k] == '_'))
			return false;
	return true;
}

struct export_entry {
	bool fields;		  /* a field read */
	bool msg, id;		  /* MESSAGE, NTLM_EVENT_ID seen */
	bool msg_twice, id_twice; /* given more than once */
	bool msg_long, id_long;	  /* longer than kept */
	unsigned long long msg_len;
	unsigned long line, msg_line; /* the entry's first line, MESSAGE's */
	size_t ml;
};

/* Keeps what a field (key, the value's first n bytes of len) says of the
 * entry: MESSAGE and NTLM_EVENT_ID. */
static void export_keep(struct journal *j, struct export_entry *e, const char *key, size_t kn,
			const char *v, size_t n, unsigned long long len, unsigned long line)
{
	if (kn == 7 && memcmp(key, "MESSAGE", 7) == 0) {
		e->msg_twice = e->msg;
		e->msg = true;
		e->msg_line = line;
		e->msg_len = len;
		e->msg_long = !v || len > sizeof(j->bytes) - 1;
		e->ml = e->msg_long ? 0 : n;
		if (!e->msg_long)
			memcpy(j->bytes, v, n);
	} else if (kn == 13 && memcmp(key, "NTLM_EVENT_ID", 13) == 0) {
		e->id_twice = e->id;
		e->id = true;
		e->id_long = !v || len > sizeof(j->id) - 1 || memchr(v, '\0', n);
		if (!e->id_long) {
			memcpy(j->id, v, n);
			j->id[n] = '\0';
		} else {
			snprintf(j->id, sizeof(j->id), "(%llu bytes)", len);
		}
	}
}

/* A binary field named key (its name's line read): its length, its bytes,
 * its newline. 1, -1 (err; the rest of the entry is to be skipped), -2. */
static int export_binary(struct reader *r, struct journal *j, struct export_entry *e,
			 const char *key, size_t kn, char *err, size_t err_len)
{
	char name[65];
	const char *p;
	unsigned long long got, len = 0;
	unsigned long line = reader_line(r);

	snprintf(name, sizeof(name), "%.*s", (int)kn, key);
	int st = reader_bytes(r, 8, &p, &got, err, err_len);
	if (st == 1)
		for (int k = 7; k >= 0; k--)
			len = len << 8 | (unsigned char)p[k];
	if (st == 1 && len > EXPORT_FIELD_MAX) {
		snprintf(err, err_len,
			 "%s:%lu: binary field %s: a length of %llu bytes (more than %llu MiB: "
			 "not a journal export)",
			 reader_path(r), line, name, len, EXPORT_FIELD_MAX >> 20);
		return -1;
	}
	bool keep = (kn == 7 && memcmp(key, "MESSAGE", 7) == 0) ||
		    (kn == 13 && memcmp(key, "NTLM_EVENT_ID", 13) == 0);
	if (st == 1 && keep && len <= sizeof(j->bytes) - 1) {
		st = reader_bytes(r, len, &p, &got, err, err_len);
		if (st == 1)
			export_keep(j, e, key, kn, p, (size_t)len, len, line);
	} else if (st == 1) {
		st = reader_bytes(r, len, NULL, &got, err, err_len);
		if (st == 1 && keep)
			export_keep(j, e, key, kn, NULL, 0, len, line);
	} else if (st == 0) {
		snprintf(err, err_len,
			 "%s:%lu: binary field %s cut short: the file ends inside its length",
			 reader_path(r), line, name);
		return -1;
	}
	if (st == 1)
		st = reader_bytes(r, 1, &p, &got, err, err_len);
	if (st == 0) {
		snprintf(err, err_len,
			 "%s:%lu: binary field %s cut short: %llu bytes announced, the file ends "
			 "before they do",
			 reader_path(r), line, name, len);
		return -1;
	}
	if (st == 1 && p[0] != '\n') {
		snprintf(err, err_len,
			 "%s:%lu: binary field %s: no newline after its %llu bytes (a wrong "
			 "length?)",
			 reader_path(r), line, name, len);
		return -1;
	}
	return st;
}

static int export_next(struct reader *r, struct obs *o, char *err, size_t err_len)
{
	struct journal *j = journal_state(r);
	char why[200];

	if (!j) {
		snprintf(err, err_len, "%s: out of memory", reader_path(r));
		return -2;
	}
	for (;;) {
		struct export_entry e = { 0 };
		bool failed = false, end = false;
		for (;;) {
			const char *p;
			size_t n;
			char lerr[300];
			int st = reader_next_line(r, &p, &n, lerr, sizeof(lerr));
			if (st == -2) {
				snprintf(err, err_len, "%s", lerr);
				return -2;
			}
			if (st == 0) {
				end = true;
				break;
			}
			if (st == 1 && n == 0) {
				if (e.fields || failed)
					break; /* the entry's end */
				continue;      /* blank lines between entries */
			}
			if (!e.fields && !failed)
				e.line = reader_line(r);
			e.fields = true;
			if (failed)
				continue; /* the rest of a refused entry */
			if (st == -1) {
				snprintf(err, err_len, "%s (a field of a journal export)", lerr);
				failed = true;
				continue;
			}
			const char *eq = memchr(p, '=', n);
			size_t kn = eq ? (size_t)(eq - p) : n;
			if (!export_key(p, kn)) {
				snprintf(err, err_len,
					 "%s:%lu: not a field of a journal export (KEY=value, or "
					 "KEY "
					 "alone before a binary value; KEY of A-Z, 0-9 and _)",
					 reader_path(r), reader_line(r));
				failed = true;
				continue;
			}
			if (eq) {
				export_keep(j, &e, p, kn, eq + 1, n - kn - 1, n - kn - 1,
					    reader_line(r));
				continue;
			}
			st = export_binary(r, j, &e, p, kn, err, err_len);
			if (st == -2)
				return -2;
			if (st < 0)
				failed = true;
		}
		if (failed)
			return -1;
		if (!e.fields) /* the end */
			return 0;
		int st = 0;
		if (e.id && e.id_twice) {
			snprintf(why, sizeof(why), "\"NTLM_EVENT_ID\" given more than once");
			st = -1;
		} else if (e.id && e.msg_twice) {
			snprintf(why, sizeof(why), "\"MESSAGE\" given more than once");
			st = -1;
		} else if (e.msg_twice) {
			st = 0; /* several MESSAGE fields: not ours */
		} else if (e.msg && e.msg_long) {
			snprintf(why, sizeof(why),
				 "\"MESSAGE\": %llu bytes, longer than any ntlmssp record",
				 e.msg_len);
			st = e.id ? -1 : 0;
		} else {
			st = journal_entry(j, e.msg ? j->bytes : NULL, e.ml, e.id ? j->id : NULL, o,
					   why, sizeof(why));
		}
		if (st == 1)
			return 1;
		if (st < 0) {
			snprintf(err, err_len, "%s:%lu: %s", reader_path(r),
				 e.msg ? e.msg_line : e.line, why);
			return -1;
		}
		if (end)
			return 0;
	}
}

const struct input_format audit_format_journal_export = {
	.name = "journal-export",
	.sniff = export_sniff,
	.next = export_next,
	.close = journal_close,
};
