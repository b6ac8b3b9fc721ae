/* SPDX-License-Identifier: MIT */
/*
 * `ntlm audit`: the systemd journal as `journalctl -o json` writes it, one
 * object per line (docs/audit.md "journal-json"). Our journal sink writes
 * the record as MESSAGE with NTLM_EVENT_ID beside it; our syslog sink's
 * records reach the journal through its syslog socket, with MESSAGE alone.
 * Either maps as our JSON Lines do; every other entry is skipped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_fmt.h"

struct journal {
	struct aj_object outer, inner;
	char scratch[READER_SCRATCH]; /* the record's strings */
	char bytes[READER_SCRATCH];   /* MESSAGE given as an array of bytes */
};

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
	void **state = reader_state(r);
	size_t len;
	char *scratch = reader_scratch(r, &len);
	struct journal *j = *state;
	bool bad = false;

	if (!j && !(j = *state = calloc(1, sizeof(*j)))) {
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
	} else if (id) {
		if (m && m->type == AJ_NULL)
			snprintf(why, why_len,
				 "\"MESSAGE\" is null: journalctl writes a field longer than "
				 "4096 bytes as null unless given --all");
		else
			snprintf(why, why_len, "\"MESSAGE\": %s",
				 m ? "expected a string or an array of bytes" : "missing");
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
		if (strcmp(id->str, want) != 0) {
			snprintf(why, why_len,
				 "\"NTLM_EVENT_ID\" %.12s is not the record's event %u", id->str,
				 o->event);
			return -1;
		}
	}
	return 1;
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
