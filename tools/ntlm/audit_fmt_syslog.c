/* SPDX-License-Identifier: MIT */
/*
 * `ntlm audit`: our records as a syslog daemon or journalctl writes them
 * (docs/audit.md "syslog"): a header (RFC 3164 as syslog(3), rsyslog and
 * syslog-ng write it, RFC 3339 times as rsyslog's default file format,
 * the `journalctl -o short*` forms, or RFC 5424), then the message; a
 * message that is one of our records maps as our JSON Lines do, any other
 * line of the log is skipped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_fmt.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* At least min, at most max digits at p[*k]. */
static bool num(const char *p, size_t n, size_t *k, size_t min, size_t max)
{
	size_t s = *k;
	while (*k < n && *k - s < max && is_digit(p[*k]))
		(*k)++;
	return *k - s >= min;
}

static bool lit(const char *p, size_t n, size_t *k, char c)
{
	if (*k < n && p[*k] == c) {
		(*k)++;
		return true;
	}
	return false;
}

/* "hh:mm:ss" and an optional fraction. */
static bool clock_time(const char *p, size_t n, size_t *k)
{
	if (!num(p, n, k, 2, 2) || !lit(p, n, k, ':') || !num(p, n, k, 2, 2) ||
	    !lit(p, n, k, ':') || !num(p, n, k, 2, 2))
		return false;
	if (lit(p, n, k, '.') && !num(p, n, k, 1, 9))
		return false;
	return true;
}

static bool word(const char *p, size_t n, size_t k, const char *const *words, size_t nw)
{
	for (size_t i = 0; i < nw; i++)
		if (n - k >= 3 && memcmp(p + k, words[i], 3) == 0)
			return true;
	return false;
}

/* "Mmm dd hh:mm:ss[.frac]" (RFC 3164; the day space-padded or not). */
static bool bsd_time(const char *p, size_t n, size_t *k)
{
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	if (n - *k < 3 || !word(p, n, *k, months, 12))
		return false;
	*k += 3;
	if (!lit(p, n, k, ' '))
		return false;
	(void)lit(p, n, k, ' ');
	if (!num(p, n, k, 1, 2) || !lit(p, n, k, ' '))
		return false;
	return clock_time(p, n, k);
}

/* "YYYY-MM-DDThh:mm:ss[.frac](Z|+hh:mm|+hhmm)" (RFC 3339, short-iso). */
static bool iso_time(const char *p, size_t n, size_t *k)
{
	if (!num(p, n, k, 4, 4) || !lit(p, n, k, '-') || !num(p, n, k, 2, 2) ||
	    !lit(p, n, k, '-') || !num(p, n, k, 2, 2) || !lit(p, n, k, 'T') || !clock_time(p, n, k))
		return false;
	if (lit(p, n, k, 'Z'))
		return true;
	if (!lit(p, n, k, '+') && !lit(p, n, k, '-'))
		return false;
	if (!num(p, n, k, 2, 2))
		return false;
	(void)lit(p, n, k, ':');
	return num(p, n, k, 2, 2);
}

/* "Www YYYY-MM-DD hh:mm:ss[.frac] ZONE" (journalctl -o short-full). */
static bool full_time(const char *p, size_t n, size_t *k)
{
	static const char *const days[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
	if (n - *k < 4 || !word(p, n, *k, days, 7))
		return false;
	*k += 3;
	if (!lit(p, n, k, ' ') || !num(p, n, k, 4, 4) || !lit(p, n, k, '-') ||
	    !num(p, n, k, 2, 2) || !lit(p, n, k, '-') || !num(p, n, k, 2, 2) ||
	    !lit(p, n, k, ' ') || !clock_time(p, n, k) || !lit(p, n, k, ' '))
		return false;
	size_t s = *k;
	while (*k < n && p[*k] != ' ')
		(*k)++;
	return *k > s;
}

/* "[ seconds.usec]" or "[ seconds.usec <delta>]" (short-monotonic,
 * short-delta), or "seconds.usec" (short-unix). */
static bool other_time(const char *p, size_t n, size_t *k)
{
	if (lit(p, n, k, '[')) {
		while (lit(p, n, k, ' '))
			;
		if (!num(p, n, k, 1, 20) || !lit(p, n, k, '.') || !num(p, n, k, 1, 9))
			return false;
		while (lit(p, n, k, ' '))
			;
		if (lit(p, n, k, '<')) {
			while (lit(p, n, k, ' '))
				;
			if (!num(p, n, k, 1, 20) || !lit(p, n, k, '.') || !num(p, n, k, 1, 9) ||
			    !lit(p, n, k, '>'))
				return false;
		}
		return lit(p, n, k, ']');
	}
	return num(p, n, k, 9, 20) && lit(p, n, k, '.') && num(p, n, k, 1, 9);
}

/* A token up to the next space at p[*k]; its length. */
static size_t token(const char *p, size_t n, size_t *k)
{
	size_t s = *k;
	while (*k < n && p[*k] != ' ')
		(*k)++;
	return *k - s;
}

/* RFC 5424 after "<PRI>1 ": TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD
 * [MSG]. *msg: where MSG starts (n when there is none). */
static bool rfc5424(const char *p, size_t n, size_t k, size_t *msg)
{
	for (int f = 0; f < 5; f++) { /* the five header fields */
		if (token(p, n, &k) == 0 || !lit(p, n, &k, ' '))
			return false;
	}
	if (lit(p, n, &k, '-')) {
		/* no structured data */
	} else {
		if (k >= n || p[k] != '[')
			return false;
		while (k < n && p[k] == '[') {
			bool quoted = false;
			for (k++; k < n; k++) {
				if (quoted && p[k] == '\\') {
					k++;
				} else if (p[k] == '"') {
					quoted = !quoted;
				} else if (!quoted && p[k] == ']') {
					break;
				}
			}
			if (!lit(p, n, &k, ']'))
				return false;
		}
	}
	if (k == n) {
		*msg = n;
		return true;
	}
	if (!lit(p, n, &k, ' '))
		return false;
	if (n - k >= 3 && memcmp(p + k, "\xef\xbb\xbf", 3) == 0) /* the BOM of a UTF-8 MSG */
		k += 3;
	*msg = k;
	return true;
}

/*
 * The header of a syslog line: 1 with *msg where the message starts, 0
 * for a line with a header but no tag (no message of ours can be there),
 * -1 for a line that is not syslog.
 */
static int header(const char *p, size_t n, size_t *msg)
{
	size_t k = 0;
	if (p[0] == '<') { /* "<PRI>", as on the socket and in RFC 5424 */
		unsigned pri = 0;
		k = 1;
		if (!num(p, n, &k, 1, 3) || !lit(p, n, &k, '>'))
			return -1;
		for (size_t i = 1; i + 1 < k; i++)
			pri = pri * 10 + (unsigned)(p[i] - '0');
		if (pri > 191) /* facility 23, severity 7 */
			return -1;
		if (n - k >= 2 && p[k] == '1' && p[k + 1] == ' ')
			return rfc5424(p, n, k + 2, msg) ? 1 : -1;
	}
	size_t t = k;
	if (!bsd_time(p, n, &t)) {
		t = k;
		if (!iso_time(p, n, &t)) {
			t = k;
			if (!full_time(p, n, &t)) {
				t = k;
				if (!other_time(p, n, &t))
					return -1;
			}
		}
	}
	k = t;
	if (!lit(p, n, &k, ' '))
		return -1;
	/* [HOST] TAG: the tag ends with ':' (syslog(3) on the socket has no
	 * host: its first word is the tag) */
	for (int f = 0; f < 2; f++) {
		size_t s = k, len = token(p, n, &k);
		if (len == 0)
			return 0;
		if (p[s + len - 1] == ':') {
			if (k < n && !lit(p, n, &k, ' '))
				return 0;
			*msg = k;
			return 1;
		}
		if (!lit(p, n, &k, ' '))
			return 0;
	}
	return 0;
}

/* journalctl's own lines: "-- Journal begins at ... --", "-- Boot ... --",
 * "-- No entries --". */
static bool journal_note(const char *p, size_t n)
{
	return n >= 3 && memcmp(p, "-- ", 3) == 0;
}

static bool syslog_sniff(const char *p, size_t n)
{
	const char *nl = memchr(p, '\n', n);
	size_t m;
	if (nl)
		n = (size_t)(nl - p);
	if (n && p[n - 1] == '\r')
		n--;
	return journal_note(p, n) || header(p, n, &m) >= 0;
}

static int syslog_line(struct reader *r, const char *p, size_t n, struct obs *o, char *why,
		       size_t why_len)
{
	void **state = reader_state(r);
	size_t len, m = 0;
	char *scratch = reader_scratch(r, &len);

	if (p[0] == ' ' || p[0] == '\t' || journal_note(p, n))
		return 0; /* a message's continuation line, journalctl's notes */
	if (n && p[n - 1] == '\r')
		n--;
	int h = header(p, n, &m);
	if (h < 0) {
		snprintf(why, why_len, "not a syslog line (no time stamp as syslog writes it)");
		return -1;
	}
	if (h == 0 || !fmt_is_record(p + m, n - m))
		return 0; /* another program's message */
	if (!*state && !(*state = calloc(1, sizeof(struct aj_object)))) {
		snprintf(why, why_len, "out of memory");
		return -1;
	}
	return fmt_record(p + m, n - m, m, scratch, len, *state, o, why, why_len) ? 1 : -1;
}

static void syslog_close(struct reader *r)
{
	void **state = reader_state(r);
	free(*state);
	*state = NULL;
}

const struct input_format audit_format_syslog = {
	.name = "syslog",
	.sniff = syslog_sniff,
	.line = syslog_line,
	.close = syslog_close,
};
