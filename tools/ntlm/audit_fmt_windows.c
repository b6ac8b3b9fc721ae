/* SPDX-License-Identifier: MIT */
/*
 * `ntlm audit`: Windows events in XML (`wevtutil qe LOG /f:xml`, with or
 * without a root element, pretty-printed or not, with or without a BOM)
 * read with libexpat, streaming, into observations. The mapping of each
 * event to an observation is documented in docs/audit.md "Windows events".
 *
 * The stream may hold many top-level <Event> elements (wevtutil writes no
 * root element), so the parser is given a root element of our own before
 * the first byte after the XML declaration and closes it at the end; a
 * document type declaration then cannot be anywhere expat accepts one, and
 * any <!DOCTYPE or <!ENTITY is a refused document. The parser is suspended
 * at the end of each event (XML_StopParser), so one event at a time is held.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <expat.h>

#include "audit_fmt_windows.h"

#define EVT_NS "http://schemas.microsoft.com/win/2004/08/events/event"
#define NS_SEP '\x01'
#define ROOT "ntlm-audit-stream"
#define CHUNK (64u << 10)
#define MAX_FIELDS 128

struct field {
	size_t name, value; /* offsets into arena */
};

enum sect { S_NONE = 0, S_SYSTEM, S_EVENTDATA, S_USERDATA };

struct winxml {
	char name[4200];
	unsigned long line0;
	const char *banner;
	winxml_read_fn read;
	void *ctx;
	XML_Parser p;
	bool started, suspended, final_fed, done;
	unsigned long long fed, last_pos, ev_end; /* ev_end: where the last event ended */
	char fatal[300];			  /* a fatal error a handler found */
	/* where we are */
	unsigned depth, ev_depth, cur_depth;
	enum sect sect;
	int cur; /* the field collecting text, -1: none */
	bool ev_ready;
	unsigned long ev_line;
	unsigned long long ev_start;
	char ev_bad[200]; /* why the current event is refused ("": it is not) */
	/* the current event */
	size_t used, nf;
	struct field f[MAX_FIELDS];
	char arena[WINXML_EVENT_MAX + 1];
	char time[48], host[256];
};

/* ---- expat handlers --------------------------------------------------------- */

static void split(const char *name, const char **ns, size_t *ns_len, const char **local)
{
	const char *sep = strchr(name, NS_SEP);
	if (sep) {
		*ns = name;
		*ns_len = (size_t)(sep - name);
		*local = sep + 1;
	} else {
		*ns = "";
		*ns_len = 0;
		*local = name;
	}
}

static bool is_event(const char *ns, size_t ns_len, const char *local)
{
	return strcmp(local, "Event") == 0 && ns_len == sizeof(EVT_NS) - 1 &&
	       memcmp(ns, EVT_NS, ns_len) == 0;
}

static void fatal(struct winxml *x, const char *msg)
{
	if (!x->fatal[0])
		snprintf(x->fatal, sizeof(x->fatal), "%s", msg);
	XML_StopParser(x->p, XML_FALSE);
}

static void bad(struct winxml *x, const char *msg)
{
	if (!x->ev_bad[0])
		snprintf(x->ev_bad, sizeof(x->ev_bad), "%s", msg);
	x->cur = -1;
}

static void too_long(struct winxml *x)
{
	char m[80];
	snprintf(m, sizeof(m), "event longer than %u bytes", WINXML_EVENT_MAX);
	bad(x, m);
}

static void at(struct winxml *x)
{
	XML_Index i = XML_GetCurrentByteIndex(x->p);
	if (i >= 0)
		x->last_pos = (unsigned long long)i;
	if (x->ev_depth && !x->ev_bad[0] && x->last_pos - x->ev_start > WINXML_EVENT_MAX)
		too_long(x);
}

/* A new field named name (its value follows in the arena); -1 when full. */
static int add_field(struct winxml *x, const char *name)
{
	size_t n = strlen(name);
	if (x->ev_bad[0])
		return -1;
	if (x->nf >= MAX_FIELDS) {
		bad(x, "event with more than 128 fields");
		return -1;
	}
	if (x->used + n + 2 > WINXML_EVENT_MAX) {
		too_long(x);
		return -1;
	}
	x->f[x->nf].name = x->used;
	memcpy(x->arena + x->used, name, n + 1);
	x->used += n + 1;
	x->f[x->nf].value = x->used;
	x->arena[x->used] = '\0';
	return (int)x->nf++;
}

static void append(struct winxml *x, const char *s, size_t n)
{
	if (x->cur < 0 || x->ev_bad[0])
		return;
	if (x->used + n + 1 > WINXML_EVENT_MAX) {
		too_long(x);
		return;
	}
	memcpy(x->arena + x->used, s, n);
	x->used += n;
	x->arena[x->used] = '\0';
}

static void end_value(struct winxml *x)
{
	if (x->cur >= 0 && !x->ev_bad[0])
		x->used++; /* past the value's NUL */
	x->cur = -1;
}

static const char *attr(const char **atts, const char *name)
{
	for (size_t i = 0; atts[i]; i += 2)
		if (strcmp(atts[i], name) == 0)
			return atts[i + 1];
	return NULL;
}

static void attr_field(struct winxml *x, const char *name, const char *value)
{
	if (!value || add_field(x, name) < 0)
		return;
	x->cur = (int)x->nf - 1;
	append(x, value, strlen(value));
	end_value(x);
}

static void XMLCALL on_start(void *ud, const char *name, const char **atts)
{
	struct winxml *x = ud;
	const char *ns, *local;
	size_t ns_len;

	x->depth++;
	at(x);
	if (x->depth > WINXML_DEPTH_MAX) {
		fatal(x, "elements nested deeper than 32");
		return;
	}
	split(name, &ns, &ns_len, &local);
	if (!x->ev_depth) {
		if (x->depth == 1)
			return; /* our own root */
		if (is_event(ns, ns_len, local)) {
			x->ev_depth = x->depth;
			x->ev_line = (unsigned long)XML_GetCurrentLineNumber(x->p);
			x->ev_start = x->last_pos;
			x->ev_bad[0] = '\0';
			x->used = x->nf = 0;
			x->cur = -1;
			x->sect = S_NONE;
			return;
		}
		if (x->depth == 2 && strcmp(local, "Events") == 0)
			return; /* a root element around the events */
		char m[200];
		snprintf(m, sizeof(m),
			 "<%.60s>: not a Windows event (an <Event> element in the namespace " EVT_NS
			 " expected)",
			 local);
		fatal(x, m);
		return;
	}
	unsigned rel = x->depth - x->ev_depth;
	if (is_event(ns, ns_len, local)) {
		bad(x, "an <Event> inside an <Event>");
		return;
	}
	if (x->ev_bad[0])
		return;
	if (rel == 1) {
		x->sect = strcmp(local, "System") == 0	    ? S_SYSTEM
			  : strcmp(local, "EventData") == 0 ? S_EVENTDATA
			  : strcmp(local, "UserData") == 0  ? S_USERDATA
							    : S_NONE;
		return;
	}
	if (x->cur >= 0)
		return; /* an element inside a value: its text joins the value */
	if (x->sect == S_SYSTEM && rel == 2) {
		if (strcmp(local, "EventID") == 0 || strcmp(local, "Computer") == 0 ||
		    strcmp(local, "Channel") == 0) {
			char n[16];
			snprintf(n, sizeof(n), "#%s", local);
			x->cur = add_field(x, n);
		} else if (strcmp(local, "Provider") == 0) {
			attr_field(x, "#Provider", attr(atts, "Name"));
		} else if (strcmp(local, "TimeCreated") == 0) {
			attr_field(x, "#Time", attr(atts, "SystemTime"));
		}
	} else if (x->sect == S_EVENTDATA && rel == 2 && strcmp(local, "Data") == 0) {
		const char *n = attr(atts, "Name");
		if (n && n[0] != '#')
			x->cur = add_field(x, n);
	} else if (x->sect == S_USERDATA && rel == 3) {
		x->cur = add_field(x, local);
	}
	if (x->cur >= 0)
		x->cur_depth = x->depth;
}

static void XMLCALL on_end(void *ud, const char *name)
{
	struct winxml *x = ud;
	(void)name;
	at(x);
	if (x->ev_depth) {
		if (x->cur >= 0 && x->depth == x->cur_depth)
			end_value(x);
		if (x->depth == x->ev_depth + 1)
			x->sect = S_NONE;
		if (x->depth == x->ev_depth) {
			x->ev_depth = 0;
			x->ev_end = x->last_pos;
			x->ev_ready = true;
			XML_StopParser(x->p, XML_TRUE);
		}
	}
	x->depth--;
}

static void XMLCALL on_text(void *ud, const char *s, int len)
{
	struct winxml *x = ud;
	at(x);
	if (x->ev_depth && len > 0)
		append(x, s, (size_t)len);
}

static void XMLCALL on_other(void *ud, const char *s, int len)
{
	(void)s;
	(void)len;
	at(ud);
}

static void XMLCALL on_doctype(void *ud, const char *name, const char *sysid, const char *pubid,
			       int has_internal)
{
	(void)name;
	(void)sysid;
	(void)pubid;
	(void)has_internal;
	fatal(ud, "a document type declaration (<!DOCTYPE>) is refused: no DTD is read and "
		  "no entity is expanded");
}

static void XMLCALL on_entity(void *ud, const char *name, int is_param, const char *value,
			      int value_len, const char *base, const char *sysid, const char *pubid,
			      const char *notation)
{
	(void)name;
	(void)is_param;
	(void)value;
	(void)value_len;
	(void)base;
	(void)sysid;
	(void)pubid;
	(void)notation;
	fatal(ud, "an entity declaration (<!ENTITY>) is refused: no entity is expanded");
}

/* ---- the stream ------------------------------------------------------------- */

struct winxml *winxml_new(const char *name, unsigned long line0, const char *banner,
			  winxml_read_fn read, void *ctx)
{
	struct winxml *x = calloc(1, sizeof(*x));
	if (!x)
		return NULL;
	snprintf(x->name, sizeof(x->name), "%s", name);
	x->line0 = line0;
	x->banner = banner;
	x->read = read;
	x->ctx = ctx;
	x->cur = -1;
	x->p = XML_ParserCreateNS(NULL, NS_SEP);
	if (!x->p) {
		free(x);
		return NULL;
	}
	XML_SetUserData(x->p, x);
	XML_SetElementHandler(x->p, on_start, on_end);
	XML_SetCharacterDataHandler(x->p, on_text);
	XML_SetDefaultHandlerExpand(x->p, on_other);
	XML_SetStartDoctypeDeclHandler(x->p, on_doctype);
	XML_SetEntityDeclHandler(x->p, on_entity);
	XML_SetParamEntityParsing(x->p, XML_PARAM_ENTITY_PARSING_NEVER);
	return x;
}

void winxml_free(struct winxml *x)
{
	if (!x)
		return;
	if (x->p)
		XML_ParserFree(x->p);
	free(x);
}

unsigned long winxml_line(const struct winxml *x)
{
	return x->line0 + (unsigned long)XML_GetCurrentLineNumber(x->p);
}

static bool starts(const char *p, size_t n, const char *s)
{
	size_t k = strlen(s);
	return n >= k && memcmp(p, s, k) == 0;
}

/* The first chunk: a banner line dropped, the BOM and XML declaration kept
 * in front, then our root element. */
static enum XML_Status first_chunk(struct winxml *x, char *err, size_t err_len)
{
	static const char root[] = "<" ROOT ">";
	char *tmp = malloc(CHUNK);
	if (!tmp) {
		snprintf(err, err_len, "%s: out of memory", x->name);
		return XML_STATUS_ERROR;
	}
	long n = x->read(x->ctx, tmp, CHUNK, err, err_len);
	if (n < 0) {
		free(tmp);
		return XML_STATUS_ERROR;
	}
	size_t len = (size_t)n, off = 0;
	const unsigned char *u = (const unsigned char *)tmp;
	if (x->banner && starts(tmp, len, x->banner)) {
		const char *nl = memchr(tmp, '\n', len);
		off = nl ? (size_t)(nl - tmp) + 1 : len;
		x->line0++;
	}
	if (len - off >= 2 &&
	    ((u[off] == 0xff && u[off + 1] == 0xfe) || (u[off] == 0xfe && u[off + 1] == 0xff))) {
		snprintf(
			err, err_len,
			"%s:%lu: UTF-16 text: ntlm audit reads the XML as UTF-8 (convert it first, "
			"e.g. iconv -f UTF-16 -t UTF-8)",
			x->name, x->line0 + 1);
		free(tmp);
		return XML_STATUS_ERROR;
	}
	size_t decl = off;
	if (len - decl >= 3 && u[decl] == 0xef && u[decl + 1] == 0xbb && u[decl + 2] == 0xbf)
		decl += 3;
	if (starts(tmp + decl, len - decl, "<?xml")) {
		size_t lim = len - decl < 512 ? len - decl : 512, k;
		for (k = 5; k + 1 < lim; k++)
			if (tmp[decl + k] == '?' && tmp[decl + k + 1] == '>')
				break;
		if (k + 1 >= lim) {
			snprintf(err, err_len, "%s:%lu: an XML declaration that does not end",
				 x->name, x->line0 + 1);
			free(tmp);
			return XML_STATUS_ERROR;
		}
		decl += k + 2;
	}
	size_t total = len - off + sizeof(root) - 1;
	char *buf = XML_GetBuffer(x->p, (int)total);
	if (!buf) {
		snprintf(err, err_len, "%s: out of memory", x->name);
		free(tmp);
		return XML_STATUS_ERROR;
	}
	memcpy(buf, tmp + off, decl - off);
	memcpy(buf + (decl - off), root, sizeof(root) - 1);
	memcpy(buf + (decl - off) + sizeof(root) - 1, tmp + decl, len - decl);
	free(tmp);
	x->fed += total;
	x->started = true;
	return XML_ParseBuffer(x->p, (int)total, XML_FALSE);
}

static enum XML_Status next_chunk(struct winxml *x, char *err, size_t err_len, bool *read_err)
{
	static const char end[] = "</" ROOT ">";
	if (x->fed - x->last_pos > WINXML_TOKEN_MAX) {
		snprintf(err, err_len, "%s:%lu: an XML token longer than %u bytes", x->name,
			 winxml_line(x), WINXML_TOKEN_MAX);
		*read_err = true;
		return XML_STATUS_ERROR;
	}
	if (x->fed - x->ev_end > WINXML_BARREN_MAX) {
		snprintf(err, err_len,
			 "%s:%lu: %llu MiB read with no whole <Event> in them: giving up on this "
			 "stream",
			 x->name, winxml_line(x), WINXML_BARREN_MAX >> 20);
		*read_err = true;
		return XML_STATUS_ERROR;
	}
	char *buf = XML_GetBuffer(x->p, CHUNK);
	if (!buf) {
		snprintf(err, err_len, "%s: out of memory", x->name);
		*read_err = true;
		return XML_STATUS_ERROR;
	}
	long n = x->read(x->ctx, buf, CHUNK, err, err_len);
	if (n < 0) {
		*read_err = true;
		return XML_STATUS_ERROR;
	}
	if (n == 0) {
		memcpy(buf, end, sizeof(end) - 1);
		x->final_fed = true;
		x->fed += sizeof(end) - 1;
		return XML_ParseBuffer(x->p, sizeof(end) - 1, XML_TRUE);
	}
	x->fed += (unsigned long long)n;
	return XML_ParseBuffer(x->p, (int)n, XML_FALSE);
}

/* Whether the parser stopped on a <!DOCTYPE or <!ENTITY (expat points
 * after its "<!"). */
static bool declaration(const char *ctx, int off, int size)
{
	if (!ctx || off < 0 || off >= size)
		return false;
	if (off >= 2 && ctx[off - 2] == '<' && ctx[off - 1] == '!')
		off -= 2;
	size_t n = (size_t)(size - off);
	return starts(ctx + off, n, "<!DOCTYPE") || starts(ctx + off, n, "<!ENTITY");
}

static void xml_error(struct winxml *x, char *err, size_t err_len)
{
	unsigned long line = winxml_line(x);
	enum XML_Error code = XML_GetErrorCode(x->p);
	char why[300];
	int off = 0, size = 0;
	const char *ctx = XML_GetInputContext(x->p, &off, &size);

	if (x->fatal[0]) {
		snprintf(why, sizeof(why), "%s", x->fatal);
	} else if (declaration(ctx, off, size)) {
		snprintf(why, sizeof(why),
			 "a document type or entity declaration is refused: no DTD is read and no "
			 "entity is expanded");
	} else if (code == XML_ERROR_UNDEFINED_ENTITY) {
		snprintf(why, sizeof(why),
			 "XML: %s (only the five predefined entities and character references "
			 "are read)",
			 XML_ErrorString(code));
	} else {
		snprintf(why, sizeof(why), "XML: %s", XML_ErrorString(code));
	}
	if (x->ev_depth && x->final_fed)
		snprintf(err, err_len,
			 "%s:%lu: %s (the stream ends inside the <Event> of line %lu: "
			 "cut short?)",
			 x->name, line, why, x->line0 + x->ev_line);
	else if (x->ev_depth)
		snprintf(err, err_len, "%s:%lu: %s (in the <Event> of line %lu)", x->name, line,
			 why, x->line0 + x->ev_line);
	else
		snprintf(err, err_len, "%s:%lu: %s", x->name, line, why);
}

/* ---- one event into an observation --------------------------------------------- */

static const char *get(const struct winxml *x, const char *name)
{
	for (size_t i = 0; i < x->nf; i++)
		if (strcmp(x->arena + x->f[i].name, name) == 0)
			return x->arena + x->f[i].value;
	return NULL;
}

/* A value, with Windows' "-" and "(NULL)" (none) and blanks as unknown. */
static const char *val(const struct winxml *x, const char *name)
{
	const char *v = get(x, name);
	if (!v)
		return NULL;
	while (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n')
		v++;
	if (!*v || strcmp(v, "-") == 0 || strcmp(v, "(NULL)") == 0)
		return NULL;
	return v;
}

/* Trailing blanks of every value go (pretty-printed output, "NtLmSsp "). */
static void trim_values(struct winxml *x)
{
	for (size_t i = 0; i < x->nf; i++) {
		char *v = x->arena + x->f[i].value;
		size_t n = strlen(v);
		while (n && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\r' ||
			     v[n - 1] == '\n'))
			v[--n] = '\0';
	}
}

/* The field lists (templates) of each kind are the providers' manifests'
 * (docs/audit.md "Windows events", where the names come from). */
enum kind {
	K_LOGON,    /* 4624, 4625 */
	K_VALIDATE, /* 4776 */
	K_CLIENT,   /* 4001's template: TargetName, UserName, DomainName, ... */
	K_SERVER,   /* 4002's: the server process only */
	K_DOMAIN,   /* 4003's: UserName, DomainName, Workstation, ... */
	K_DC,	    /* 4004's: SChannelName, UserName, DomainName, ... */
	K_MINSEC,   /* 4010 / 4011: CallerPID, ProcessName, NegotiatedSecurity,
		     * RequiredSecurity (no target, no account) */
	K_FALLBACK, /* 4012: AccountName, DeviceName */
};

#define P_SEC "Microsoft-Windows-Security-Auditing"
#define P_NTLM "Microsoft-Windows-NTLM"
#define P_NETLOGON "Microsoft-Windows-Security-Netlogon"

static const struct evmap {
	unsigned id;
	enum kind kind;
	int incoming;
	enum obs_outcome outcome;
	const char *setting;
	const char *response; /* what the event itself says was used, or NULL */
} evmaps[] = {
	{ 4624, K_LOGON, 1, OC_SUCCESS, NULL, NULL },
	{ 4625, K_LOGON, 1, OC_FAILED, NULL, NULL },
	{ 4776, K_VALIDATE, 1, OC_SUCCESS, NULL, NULL },
	{ 8001, K_CLIENT, 0, OC_AUDITED, "RestrictSendingNTLMTraffic", NULL },
	{ 4001, K_CLIENT, 0, OC_BLOCKED, "RestrictSendingNTLMTraffic", NULL },
	{ 8002, K_SERVER, 1, OC_AUDITED, "AuditReceivingNTLMTraffic", NULL },
	{ 4002, K_SERVER, 1, OC_BLOCKED, "RestrictReceivingNTLMTraffic", NULL },
	{ 8003, K_DOMAIN, 1, OC_AUDITED, "AuditNTLMInDomain", NULL },
	{ 4003, K_DOMAIN, 1, OC_BLOCKED, "RestrictNTLMInDomain", NULL },
	{ 8004, K_DC, 1, OC_AUDITED, "AuditNTLMInDomain", NULL },
	{ 8005, K_DC, 1, OC_AUDITED, "AuditNTLMInDomain", NULL },
	{ 8006, K_DC, 1, OC_AUDITED, "AuditNTLMInDomain", NULL },
	{ 4004, K_DC, 1, OC_BLOCKED, "RestrictNTLMInDomain", NULL },
	{ 4005, K_DC, 1, OC_BLOCKED, "RestrictNTLMInDomain", NULL },
	{ 4006, K_DC, 1, OC_BLOCKED, "RestrictNTLMInDomain", NULL },
	{ 4010, K_MINSEC, 0, OC_BLOCKED, "NtlmMinClientSec", NULL },
	{ 4011, K_MINSEC, 1, OC_BLOCKED, "NtlmMinServerSec", NULL },
	{ 4012, K_FALLBACK, 0, OC_AUDITED, NULL, NULL },
	{ 4013, K_CLIENT, 0, OC_BLOCKED, NULL, "NTLMv1" },
	{ 4020, K_CLIENT, 0, OC_AUDITED, NULL, NULL },
	{ 4021, K_CLIENT, 0, OC_AUDITED, NULL, NULL },
	{ 4022, K_SERVER, 1, OC_AUDITED, NULL, NULL },
	{ 4023, K_SERVER, 1, OC_AUDITED, NULL, NULL },
	{ 4024, K_CLIENT, 0, OC_AUDITED, "BlockNtlmv1SSO", NULL },
	{ 4025, K_CLIENT, 0, OC_BLOCKED, "BlockNtlmv1SSO", NULL },
};

/* STATUS_NTLM_BLOCKED: refused by an NTLM restriction. */
static bool ntlm_blocked(const char *status)
{
	return status && strcasecmp(status, "0xc0000418") == 0;
}

/* "2016-07-08T18:12:51.6816408Z" as it is; "2016-07-08 18:12:51.681641"
 * (no zone: UTC) with a T and a Z. False for anything else. */
static bool iso_time(const char *s, char *out, size_t len)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd";
	size_t n = strlen(s);
	if (n < 19 || n > 40)
		return false;
	for (size_t i = 0; i < 19; i++) {
		char c = s[i];
		bool ok = shape[i] == 'd'   ? c >= '0' && c <= '9'
			  : shape[i] == 'T' ? c == 'T' || c == ' '
					    : c == shape[i];
		if (!ok)
			return false;
	}
	for (size_t i = 19; i < n; i++)
		if (!strchr("0123456789.Z+-:", s[i]))
			return false;
	bool zone = strpbrk(s + 19, "Z+-") != NULL;
	snprintf(out, len, "%.10sT%s%s", s, s + 11, zone ? "" : "Z");
	return true;
}

/* The host of a target as the exception lists take it apart
 * (docs/policy.md "Exception lists"): SPN service/host[:port][/name],
 * service@host, or a bare host[:port]; lower case, one trailing dot dropped.
 * NULL when it is none of these. */
static const char *target_host(const char *t, char *out, size_t len)
{
	const char *s = t, *slash = strchr(t, '/'), *at = strchr(t, '@');
	if (slash && (!at || slash < at))
		s = slash + 1;
	else if (at && !strchr(at + 1, '@'))
		s = at + 1;
	else if (at)
		return NULL;
	size_t n = 0;
	if (*s == '[') {
		const char *e = strchr(s, ']');
		if (!e)
			return NULL;
		s++;
		n = (size_t)(e - s);
		for (size_t i = 0; i < n; i++)
			if (!strchr("0123456789abcdefABCDEF:.", s[i]))
				return NULL;
	} else {
		while (s[n] && s[n] != ':' && s[n] != '/')
			n++;
		if (n && s[n - 1] == '.')
			n--;
		for (size_t i = 0; i < n; i++) {
			char c = s[i];
			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			      (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
				return NULL;
		}
	}
	if (n == 0 || n >= len)
		return NULL;
	for (size_t i = 0; i < n; i++)
		out[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') : s[i];
	out[n] = '\0';
	return out;
}

static bool provider_fits(const struct evmap *m, const char *provider)
{
	if (!provider)
		return false;
	if (m->kind == K_LOGON || m->kind == K_VALIDATE)
		return strcmp(provider, P_SEC) == 0;
	return strcmp(provider, P_NTLM) == 0 || strcmp(provider, P_NETLOGON) == 0;
}

/* 1: an observation, 0: an event of no interest, -1: refused (why). */
static int map_event(struct winxml *x, struct obs *o, char *why, size_t why_len)
{
	const char *id_s = val(x, "#EventID");
	unsigned long id = 0;

	memset(o, 0, sizeof(*o));
	trim_values(x);
	if (!id_s) {
		snprintf(why, why_len, "an <Event> without <EventID>");
		return -1;
	}
	for (const char *c = id_s; *c; c++) {
		if (*c < '0' || *c > '9' || id > 65535) {
			snprintf(why, why_len, "<EventID>: not an event number");
			return -1;
		}
		id = id * 10 + (unsigned long)(*c - '0');
	}
	if (id > 65535) {
		snprintf(why, why_len, "<EventID>: not an event number");
		return -1;
	}
	const struct evmap *m = NULL;
	for (size_t i = 0; i < sizeof(evmaps) / sizeof(evmaps[0]); i++)
		if (evmaps[i].id == id)
			m = &evmaps[i];
	if (!m || !provider_fits(m, val(x, "#Provider")))
		return 0;
	const char *t = val(x, "#Time");
	if (t) {
		if (!iso_time(t, x->time, sizeof(x->time))) {
			snprintf(why, why_len, "<TimeCreated SystemTime>: not an ISO 8601 time");
			return -1;
		}
		o->time = x->time;
	}
	o->event = (unsigned)id;
	o->incoming = m->incoming;
	o->outcome = m->outcome;
	o->setting = m->setting;
	o->response_type = m->response;
	o->mic = o->channel_bindings = o->domain_account = OBS_UNKNOWN;
	o->terminal = true;
	const char *computer = val(x, "#Computer");

	switch (m->kind) {
	case K_LOGON: {
		const char *pkg = val(x, "AuthenticationPackageName");
		if (!pkg || strcasecmp(pkg, "NTLM") != 0)
			return 0; /* Kerberos, Negotiate, ...: not NTLM */
		o->user = val(x, "TargetUserName");
		o->domain = val(x, "TargetDomainName");
		o->workstation = val(x, "WorkstationName");
		o->peer = val(x, "IpAddress");
		o->target = computer;
		const char *sid = val(x, "TargetUserSid"), *lm = val(x, "LmPackageName");
		if ((sid && strcmp(sid, "S-1-5-7") == 0) ||
		    (o->user && o->domain && strcmp(o->user, "ANONYMOUS LOGON") == 0 &&
		     strcmp(o->domain, "NT AUTHORITY") == 0))
			o->response_type = "anonymous";
		else if (lm && strcmp(lm, "NTLM V2") == 0)
			o->response_type = "NTLMv2";
		else if (lm && strcmp(lm, "NTLM V1") == 0)
			o->response_type = "NTLMv1";
		else if (lm && strcmp(lm, "LM") == 0)
			o->response_type = "LM";
		if (id == 4625 &&
		    (ntlm_blocked(val(x, "Status")) || ntlm_blocked(val(x, "SubStatus"))))
			o->outcome = OC_BLOCKED;
		break;
	}
	case K_VALIDATE: {
		const char *pkg = val(x, "PackageName"), *st = val(x, "Status");
		if (!pkg || strcasecmp(pkg, "MICROSOFT_AUTHENTICATION_PACKAGE_V1_0") != 0)
			return 0;
		if (!st) {
			snprintf(why, why_len, "event 4776 without a Status");
			return -1;
		}
		o->outcome = strcmp(st, "0x0") == 0 || strcmp(st, "0") == 0 ? OC_SUCCESS
			     : ntlm_blocked(st)				    ? OC_BLOCKED
									    : OC_FAILED;
		o->user = val(x, "TargetUserName");
		o->workstation = val(x, "Workstation");
		break;
	}
	case K_CLIENT:
		o->target = val(x, "TargetName");
		o->user = val(x, "UserName");
		o->domain = val(x, "DomainName");
		o->process_exe = val(x, "ProcessName");
		if (o->target)
			o->target_host = target_host(o->target, x->host, sizeof(x->host));
		break;
	case K_SERVER:
	case K_DOMAIN:
		o->target = computer;
		o->user = val(x, "UserName");
		o->domain = val(x, "DomainName");
		o->workstation = val(x, "Workstation");
		if (!o->workstation)
			o->workstation = val(x, "WorkstationName");
		break;
	case K_DC:
		o->target = val(x, "SChannelName");
		o->user = val(x, "UserName");
		o->domain = val(x, "DomainName");
		o->workstation = val(x, "WorkstationName");
		break;
	case K_MINSEC:
		/* The calling process: on the client (4010) the client program;
		 * on the server (4011) the server's own, as in 4002. The flags
		 * the event gives are not taken for the negotiated flags: no
		 * source says they are the whole NEGOTIATE flag word. */
		if (m->incoming)
			o->target = computer;
		else
			o->process_exe = val(x, "ProcessName");
		break;
	case K_FALLBACK:
		/* The account and its device, as the same two fields of the
		 * provider's events 100 / 101 name them. */
		o->user = val(x, "AccountName");
		o->workstation = val(x, "DeviceName");
		break;
	}
	size_t ul = o->user ? strlen(o->user) : 0;
	o->anonymous = o->response_type && strcmp(o->response_type, "anonymous") == 0;
	o->machine = ul && o->user[ul - 1] == '$';
	return 1;
}

int winxml_next(struct winxml *x, struct obs *o, char *err, size_t err_len)
{
	for (;;) {
		if (x->ev_ready) {
			char why[200];
			unsigned long line = x->line0 + x->ev_line;
			x->ev_ready = false;
			if (x->ev_bad[0]) {
				snprintf(err, err_len, "%s:%lu: %s", x->name, line, x->ev_bad);
				return -1;
			}
			int st = map_event(x, o, why, sizeof(why));
			if (st < 0)
				snprintf(err, err_len, "%s:%lu: %s", x->name, line, why);
			if (st != 0)
				return st;
			continue;
		}
		if (x->done)
			return 0;
		enum XML_Status s;
		bool read_err = false;
		if (x->suspended) {
			x->suspended = false;
			s = XML_ResumeParser(x->p);
		} else if (x->final_fed) {
			x->done = true;
			return 0;
		} else if (!x->started) {
			s = first_chunk(x, err, err_len);
			if (s == XML_STATUS_ERROR && !x->started)
				read_err = true;
		} else {
			s = next_chunk(x, err, err_len, &read_err);
		}
		if (s == XML_STATUS_SUSPENDED) {
			x->suspended = true;
			continue;
		}
		if (s == XML_STATUS_ERROR) {
			if (!read_err)
				xml_error(x, err, err_len);
			x->done = true;
			return -2;
		}
	}
}

/* ---- the format: an XML file ------------------------------------------------- */

static bool windows_xml_sniff(const char *p, size_t n)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t k = 0;
	if (n >= 2 && ((u[0] == 0xff && u[1] == 0xfe) || (u[0] == 0xfe && u[1] == 0xff)))
		return true; /* UTF-16: refused with a message that says so */
	if (n >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf)
		k = 3;
	while (k < n && (p[k] == ' ' || p[k] == '\t' || p[k] == '\r' || p[k] == '\n'))
		k++;
	return starts(p + k, n - k, "<?xml") || starts(p + k, n - k, "<Event") ||
	       starts(p + k, n - k, "<!DOCTYPE");
}

static long from_reader(void *ctx, void *buf, size_t n, char *err, size_t err_len)
{
	return reader_read(ctx, buf, n, err, err_len);
}

static int windows_xml_next(struct reader *r, struct obs *o, char *err, size_t err_len)
{
	void **state = reader_state(r);
	if (!*state &&
	    !(*state = winxml_new(reader_path(r), reader_line(r), NULL, from_reader, r))) {
		snprintf(err, err_len, "%s: out of memory", reader_path(r));
		return -2;
	}
	return winxml_next(*state, o, err, err_len);
}

static void windows_xml_close(struct reader *r)
{
	void **state = reader_state(r);
	winxml_free(*state);
	*state = NULL;
}

const struct input_format audit_format_windows_xml = {
	.name = "windows-xml",
	.sniff = windows_xml_sniff,
	.next = windows_xml_next,
	.close = windows_xml_close,
};
