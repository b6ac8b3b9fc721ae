/* SPDX-License-Identifier: MIT */
/*
 * audit: filling an event and rendering it as one JSON object.
 *
 * The renderer trusts nothing in the struct: each string is read up to its
 * array size, and escaped so the output is always one valid JSON line:
 * '"' and '\' escaped, C0/C1 controls, DEL and U+2028/U+2029 as \uXXXX,
 * each byte of invalid UTF-8 as \ufffd. It writes into a bounded buffer and
 * reports NTLM_E_BUFFER_TOO_SMALL rather than a cut-off object.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit/audit.h"

/* ---- filling ----------------------------------------------------------- */

void ntlm_audit_event_init(struct ntlm_audit_event *e, uint32_t id, enum ntlm_audit_direction dir,
			   enum ntlm_audit_outcome outcome)
{
	struct timespec ts = { 0, 0 };

	memset(e, 0, sizeof(*e));
	e->id = id;
	if (clock_gettime(CLOCK_REALTIME, &ts) == 0)
		e->time_us = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
	e->pid = (int32_t)getpid();
	e->direction = dir;
	e->outcome = outcome;
}

void ntlm_audit_event_from_verdict(struct ntlm_audit_event *e, enum ntlm_audit_direction dir,
				   const struct ntlm_verdict *v)
{
	enum ntlm_audit_outcome o = NTLM_OUTCOME_SUCCESS;

	if (v->kind == NTLM_DENY)
		o = NTLM_OUTCOME_BLOCKED;
	else if (v->kind == NTLM_ALLOW_AUDIT)
		o = NTLM_OUTCOME_AUDITED;
	ntlm_audit_event_init(e, v->event_id, dir, o);
	NTLM_AUDIT_SET(e, setting, ntlm_policy_setting_name(v->setting));
	/* The verdict's reason is a fixed array too: never read past it. */
	char reason[sizeof(v->reason) + 1];
	memcpy(reason, v->reason, sizeof(v->reason));
	reason[sizeof(v->reason)] = '\0';
	NTLM_AUDIT_SET(e, reason, reason);
	e->missing = v->missing;
}

void ntlm_audit_set_str(char *dst, size_t len, const char *src)
{
	size_t n;

	if (len == 0)
		return;
	n = src ? strlen(src) : 0;
	if (n >= len) {
		n = len - 1;
		/* Step back over continuation bytes to the start of a character,
		 * then drop that character: it does not fit whole. */
		while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
			n--;
	}
	if (n)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

struct id_name {
	uint32_t id;
	const char *name;
};

static const struct id_name id_names[] = {
	{ NTLM_EVENT_OUT_AUDIT, "outgoing-audit" },
	{ NTLM_EVENT_IN_AUDIT, "incoming-audit" },
	{ NTLM_EVENT_OUT_BLOCKED, "outgoing-blocked" },
	{ NTLM_EVENT_IN_BLOCKED, "incoming-blocked" },
	{ NTLM_EVENT_MIN_CLIENT_SEC, "min-client-sec-blocked" },
	{ NTLM_EVENT_MIN_SERVER_SEC, "min-server-sec-blocked" },
	{ NTLM_EVENT_RESPONSE_REFUSED, "response-refused" },
	{ NTLM_EVENT_MIC_FAILURE, "mic-failure" },
	{ NTLM_EVENT_BAD_BINDINGS, "bad-bindings" },
	{ NTLM_EVENT_LOGON_FAILURE, "logon-failure" },
	{ NTLM_EVENT_SUCCESS, "success" },
	{ NTLM_EVENT_INSECURE_POLICY, "insecure-policy" },
	{ NTLM_EVENT_ANONYMOUS_REFUSED, "anonymous-refused" },
	{ NTLM_EVENT_REPLAY, "replay" },
};

const char *ntlm_audit_event_name(uint32_t id)
{
	for (size_t i = 0; i < ARRAY_SIZE(id_names); i++)
		if (id_names[i].id == id)
			return id_names[i].name;
	return "unknown";
}

enum ntlm_audit_severity ntlm_audit_event_severity(const struct ntlm_audit_event *e)
{
	if (e->id == NTLM_EVENT_INSECURE_POLICY)
		return NTLM_SEVERITY_WARNING; /* STYLE §11: insecure use is a warning */
	switch (e->outcome) {
	case NTLM_OUTCOME_SUCCESS:
		return NTLM_SEVERITY_INFO;
	case NTLM_OUTCOME_AUDITED:
		return NTLM_SEVERITY_NOTICE;
	case NTLM_OUTCOME_BLOCKED:
	case NTLM_OUTCOME_FAILED:
	default:
		return NTLM_SEVERITY_WARNING;
	}
}

/* ---- JSON -------------------------------------------------------------- */

/* A bounded writer: once something does not fit, nothing more is written. */
struct out {
	char *p;
	size_t cap; /* > 0; one byte is kept for the NUL */
	size_t n;
	bool full;
};

static void put(struct out *o, const char *s, size_t len)
{
	if (o->full || len >= o->cap - o->n) {
		o->full = true;
		return;
	}
	memcpy(o->p + o->n, s, len);
	o->n += len;
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void putf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(struct out *o, const char *fmt, ...)
{
	char tmp[64];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		o->full = true; /* only short numbers pass through here */
		return;
	}
	put(o, tmp, (size_t)n);
}

/* Length of the well-formed UTF-8 sequence at s (RFC 3629: no overlongs,
 * no surrogates, nothing above U+10FFFF), or 0; *cp gets its code point. */
static size_t u8seq(const unsigned char *s, size_t n, uint32_t *cp)
{
	static const uint32_t min[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t len;
	uint32_t c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	} else if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		len = 2;
		c = s[0] & 0x1F;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		len = 3;
		c = s[0] & 0x0F;
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		len = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3F);
	}
	if (c < min[len] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return len;
}

/* A JSON string from at most max bytes of s (stops at a NUL). */
static void put_str(struct out *o, const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = s ? strnlen(s, max) : 0;
	size_t i = 0;

	put(o, "\"", 1);
	while (i < n) {
		uint32_t cp = 0;
		size_t len = u8seq(p + i, n - i, &cp);
		if (len == 0) {
			puts_(o, "\\ufffd");
			i++;
			continue;
		}
		if (cp == '"' || cp == '\\') {
			char esc[2] = { '\\', (char)cp };
			put(o, esc, 2);
		} else if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 ||
			   cp == 0x2029) {
			putf(o, "\\u%04x", (unsigned)cp);
		} else {
			put(o, (const char *)p + i, len);
		}
		i += len;
	}
	put(o, "\"", 1);
}

#define PUT_FIELD(o, key, e, field)                           \
	do {                                                  \
		puts_((o), ",\"" key "\":");                  \
		put_str((o), (e)->field, sizeof((e)->field)); \
	} while (0)

/* "0x%08x" and the array of bit names (hex for reserved bits), bit 0 first. */
static void put_flags(struct out *o, const char *key, const char *names_key, uint32_t flags)
{
	bool first = true;

	putf(o, ",\"%s\":\"0x%08x\",\"%s\":[", key, flags, names_key);
	for (unsigned i = 0; i < 32; i++) {
		uint32_t bit = 1u << i;
		if (!(flags & bit))
			continue;
		if (!first)
			put(o, ",", 1);
		first = false;
		const char *name = ntlm_wire_flag_name(bit);
		if (name)
			put_str(o, name, 64);
		else
			putf(o, "\"0x%08x\"", bit);
	}
	put(o, "]", 1);
}

static void put_time(struct out *o, int64_t time_us)
{
	int64_t sec = time_us / 1000000, us = time_us % 1000000;
	struct tm tm;

	if (us < 0) {
		us += 1000000;
		sec -= 1;
	}
	time_t t = (time_t)sec;
	if (!gmtime_r(&t, &tm)) {
		puts_(o, ",\"time\":null");
		return;
	}
	char tbuf[80];
	int n = snprintf(tbuf, sizeof(tbuf), "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
			 tm.tm_sec, (int)us);
	if (n < 0 || (size_t)n >= sizeof(tbuf)) {
		puts_(o, ",\"time\":null");
		return;
	}
	puts_(o, ",\"time\":\"");
	put(o, tbuf, (size_t)n);
	put(o, "\"", 1);
}

static const char *direction_name(enum ntlm_audit_direction d)
{
	switch (d) {
	case NTLM_AUDIT_OUTGOING:
		return "outgoing";
	case NTLM_AUDIT_INCOMING:
		return "incoming";
	}
	return "unknown";
}

static const char *outcome_name(enum ntlm_audit_outcome oc)
{
	switch (oc) {
	case NTLM_OUTCOME_SUCCESS:
		return "success";
	case NTLM_OUTCOME_AUDITED:
		return "audited";
	case NTLM_OUTCOME_BLOCKED:
		return "blocked";
	case NTLM_OUTCOME_FAILED:
		return "failed";
	}
	return "unknown";
}

static const char *severity_name(enum ntlm_audit_severity s)
{
	switch (s) {
	case NTLM_SEVERITY_INFO:
		return "info";
	case NTLM_SEVERITY_NOTICE:
		return "notice";
	case NTLM_SEVERITY_WARNING:
		return "warning";
	}
	return "unknown";
}

ntlm_status ntlm_audit_event_json(const struct ntlm_audit_event *e, char *buf, size_t len)
{
	struct out o = { buf, len, 0, false };

	if (!e || !buf)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "audit event JSON: NULL argument");
	if (len == 0)
		return ntlm_err(NTLM_E_BUFFER_TOO_SMALL, "audit event JSON: empty buffer");

	putf(&o, "{\"event\":%u,\"name\":", (unsigned)e->id);
	put_str(&o, ntlm_audit_event_name(e->id), 64);
	put_time(&o, e->time_us);
	putf(&o, ",\"pid\":%d,\"severity\":\"%s\"", (int)e->pid,
	     severity_name(ntlm_audit_event_severity(e)));
	putf(&o, ",\"direction\":\"%s\",\"outcome\":\"%s\"", direction_name(e->direction),
	     outcome_name(e->outcome));
	PUT_FIELD(&o, "target", e, target);
	PUT_FIELD(&o, "peer", e, peer);
	PUT_FIELD(&o, "workstation", e, workstation);
	PUT_FIELD(&o, "user", e, user);
	PUT_FIELD(&o, "domain", e, domain);
	put_flags(&o, "flags", "flag_names", e->flags);
	puts_(&o, ",\"response_type\":");
	if (e->has_response_type)
		put_str(&o, ntlm_wire_response_type_name(e->response_type), 64);
	else
		puts_(&o, "null");
	PUT_FIELD(&o, "setting", e, setting);
	PUT_FIELD(&o, "reason", e, reason);
	put_flags(&o, "missing", "missing_names", e->missing);
	puts_(&o, e->insecure ? ",\"insecure\":true}" : ",\"insecure\":false}");

	if (o.full) {
		buf[0] = '\0';
		return ntlm_err(NTLM_E_BUFFER_TOO_SMALL,
				"audit event %u: JSON does not fit in %zu bytes", (unsigned)e->id,
				len);
	}
	buf[o.n] = '\0';
	return NTLM_OK;
}
