/* SPDX-License-Identifier: MIT */
/*
 * `ntlm audit`: Zeek's ntlm.log (docs/audit.md "zeek-ntlm"), as its ASCII
 * writer writes it (a '#' header naming the separator, the unset and empty
 * marks and the fields, then one tab-separated line per exchange) and as
 * JSON (one object per line, the same field names). Zeek sees the wire:
 * who talked to which server, with which names, and whether the SPNEGO
 * exchange said it worked; not the NTLM version, flags, MIC or bindings,
 * nor any policy. Those stay unknown.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_fmt.h"

enum {
	Z_TS,
	Z_ORIG_H,
	Z_ORIG_P,
	Z_RESP_H,
	Z_RESP_P,
	Z_USERNAME,
	Z_HOSTNAME,
	Z_DOMAINNAME,
	Z_NB,
	Z_DNS,
	Z_TREE,
	Z_SUCCESS,
	Z_COUNT
};
static const char *const zkeys[Z_COUNT] = { "ts",
					    "id.orig_h",
					    "id.orig_p",
					    "id.resp_h",
					    "id.resp_p",
					    "username",
					    "hostname",
					    "domainname",
					    "server_nb_computer_name",
					    "server_dns_computer_name",
					    "server_tree_name",
					    "success" };

#define Z_MAX_COLUMNS 64

struct zeek {
	/* TSV header */
	char sep;
	char unset[16], empty[16];
	int col[Z_COUNT]; /* column of each field, -1: not in the log */
	size_t ncols;
	bool have_fields, other_log;
	/* JSON */
	struct aj_object obj;
	/* the observation's own strings */
	char time[48], peer[128], target[300];
};

static struct zeek *zeek_state(struct reader *r, char *why, size_t why_len)
{
	void **state = reader_state(r);
	if (!*state) {
		struct zeek *z = calloc(1, sizeof(*z));
		if (!z) {
			snprintf(why, why_len, "out of memory");
			return NULL;
		}
		z->sep = '\t';
		snprintf(z->unset, sizeof(z->unset), "-");
		snprintf(z->empty, sizeof(z->empty), "(empty)");
		for (int i = 0; i < Z_COUNT; i++)
			z->col[i] = -1;
		*state = z;
	}
	return *state;
}

static void zeek_close(struct reader *r)
{
	void **state = reader_state(r);
	free(*state);
	*state = NULL;
}

/* "SECONDS[.FRACTION]" into the observation's time. */
static bool epoch_time(const char *s, size_t n, char *out, size_t len)
{
	int64_t sec = 0;
	uint32_t us = 0, scale = 100000;
	size_t k = 0;
	while (k < n && s[k] >= '0' && s[k] <= '9' && k < 12)
		sec = sec * 10 + (s[k++] - '0');
	if (k == 0)
		return false;
	if (k < n && s[k] == '.') {
		for (k++; k < n && s[k] >= '0' && s[k] <= '9'; k++) {
			us += (uint32_t)(s[k] - '0') * scale;
			scale /= 10;
		}
	}
	return k == n && fmt_utc(sec, us, out, len);
}

/* "HOST:PORT" ("[HOST]:PORT" for IPv6). */
static void make_peer(char *out, size_t len, const char *h, const char *port)
{
	bool v6 = strchr(h, ':') != NULL;
	if (port && port[0])
		snprintf(out, len, "%s%s%s:%s", v6 ? "[" : "", h, v6 ? "]" : "", port);
	else
		snprintf(out, len, "%s", h);
}

/* The facts Zeek has (vals: NULL = unset) into *o. */
static bool map_zeek(struct zeek *z, const char *const *v, int success, struct obs *o, char *why,
		     size_t why_len)
{
	memset(o, 0, sizeof(*o));
	o->incoming = 1; /* the exchange as the server received it */
	o->terminal = true;
	o->mic = o->channel_bindings = o->domain_account = OBS_UNKNOWN;
	o->outcome = success < 0 ? OC_UNKNOWN : success ? OC_SUCCESS : OC_FAILED;
	o->time = z->time;
	if (v[Z_ORIG_H]) {
		make_peer(z->peer, sizeof(z->peer), v[Z_ORIG_H], v[Z_ORIG_P]);
		o->peer = z->peer;
	}
	o->user = v[Z_USERNAME];
	o->workstation = v[Z_HOSTNAME];
	o->domain = v[Z_DOMAINNAME];
	/* the server: its DNS name, else its NetBIOS name (both from its
	 * CHALLENGE), else its address */
	const char *srv = v[Z_DNS] ? v[Z_DNS] : v[Z_NB];
	if (srv) {
		o->target = srv;
	} else if (v[Z_RESP_H]) {
		make_peer(z->target, sizeof(z->target), v[Z_RESP_H], NULL);
		o->target = z->target;
	}
	/* username, hostname and domainname come from the AUTHENTICATE: with
	 * none of them, no AUTHENTICATE was seen ("none"); with one, the
	 * response's version is not in the log */
	if (o->user || o->workstation || o->domain)
		o->response_type = "unknown";
	size_t ul = o->user ? strlen(o->user) : 0;
	o->machine = ul && o->user[ul - 1] == '$';
	(void)why;
	(void)why_len;
	return true;
}

/* ---- TSV ------------------------------------------------------------------------- */

static bool zeek_tsv_sniff(const char *p, size_t n)
{
	return n >= 11 && memcmp(p, "#separator ", 11) == 0;
}

static unsigned hexval(char c)
{
	return c >= '0' && c <= '9'   ? (unsigned)(c - '0')
	       : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
	       : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
				      : 16u;
}

/* The "\xHH" escapes of Zeek's ASCII writer, decoded in place; the new
 * length. A backslash not followed by an escape stays as it is. */
static size_t unescape(char *s, size_t n)
{
	size_t j = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 3 < n && s[i + 1] == 'x' && hexval(s[i + 2]) < 16 &&
		    hexval(s[i + 3]) < 16) {
			s[j++] = (char)(hexval(s[i + 2]) << 4 | hexval(s[i + 3]));
			i += 3;
		} else {
			s[j++] = s[i];
		}
	}
	return j;
}

/* A header line ("#name value..."): 0, or -1 with why. */
static int tsv_header(struct zeek *z, const char *p, size_t n, char *scratch, char *why,
		      size_t why_len)
{
	memcpy(scratch, p, n);
	scratch[n] = '\0';
	if (n >= 11 && memcmp(p, "#separator ", 11) == 0) {
		size_t m = unescape(scratch + 11, n - 11);
		if (m != 1) {
			snprintf(why, why_len, "#separator: expected one character");
			return -1;
		}
		z->sep = scratch[11];
		return 0;
	}
	/* the other lines are split by the separator */
	char *f = memchr(scratch, z->sep, n);
	if (!f)
		return 0;
	*f++ = '\0';
	size_t fl = n - (size_t)(f - scratch);
	if (strcmp(scratch, "#unset_field") == 0 || strcmp(scratch, "#empty_field") == 0) {
		char *dst = scratch[1] == 'u' ? z->unset : z->empty;
		if (fl >= 16) {
			snprintf(why, why_len, "%s: longer than 15 bytes", scratch);
			return -1;
		}
		memcpy(dst, f, fl);
		dst[fl] = '\0';
		return 0;
	}
	if (strcmp(scratch, "#path") == 0) {
		z->other_log = !(fl == 4 && memcmp(f, "ntlm", 4) == 0);
		if (z->other_log) {
			snprintf(why, why_len,
				 "#path %.40s: a Zeek log of another kind (ntlm.log is read); its "
				 "lines are skipped",
				 f);
			return -1;
		}
		return 0;
	}
	if (strcmp(scratch, "#fields") != 0)
		return 0; /* #set_separator, #open, #types, #close */
	for (int i = 0; i < Z_COUNT; i++)
		z->col[i] = -1;
	z->ncols = 0;
	for (char *s = f; s;) {
		char *e = memchr(s, z->sep, (size_t)(scratch + n - s));
		size_t len = e ? (size_t)(e - s) : (size_t)(scratch + n - s);
		if (z->ncols == Z_MAX_COLUMNS) {
			snprintf(why, why_len, "#fields: more than %d fields", Z_MAX_COLUMNS);
			return -1;
		}
		for (int i = 0; i < Z_COUNT; i++)
			if (strlen(zkeys[i]) == len && memcmp(zkeys[i], s, len) == 0 &&
			    z->col[i] < 0)
				z->col[i] = (int)z->ncols;
		z->ncols++;
		s = e ? e + 1 : NULL;
	}
	if (z->col[Z_TS] < 0 || z->col[Z_ORIG_H] < 0) {
		snprintf(why, why_len, "#fields: no ts or id.orig_h (not ntlm.log)");
		z->other_log = true;
		return -1;
	}
	z->have_fields = true;
	return 0;
}

static int zeek_tsv_line(struct reader *r, const char *p, size_t n, struct obs *o, char *why,
			 size_t why_len)
{
	size_t len;
	char *scratch = reader_scratch(r, &len);
	struct zeek *z = zeek_state(r, why, why_len);
	const char *v[Z_COUNT] = { 0 };
	char *cols[Z_MAX_COLUMNS];

	if (!z)
		return -1;
	if (n && p[n - 1] == '\r')
		n--;
	if (p[0] == '#')
		return tsv_header(z, p, n, scratch, why, why_len);
	if (z->other_log)
		return 0;
	if (!z->have_fields) {
		snprintf(why, why_len, "a record before the #fields header");
		return -1;
	}
	memcpy(scratch, p, n);
	scratch[n] = '\0';
	size_t nc = 0;
	for (char *s = scratch; s; nc++) {
		char *e = memchr(s, z->sep, (size_t)(scratch + n - s));
		if (nc == z->ncols) {
			snprintf(why, why_len, "more fields than #fields names (%zu)", z->ncols);
			return -1;
		}
		if (e)
			*e = '\0';
		cols[nc] = s;
		s = e ? e + 1 : NULL;
	}
	if (nc != z->ncols) {
		snprintf(why, why_len, "%zu fields, #fields names %zu", nc, z->ncols);
		return -1;
	}
	for (int i = 0; i < Z_COUNT; i++) {
		if (z->col[i] < 0)
			continue;
		char *s = cols[z->col[i]];
		if (strcmp(s, z->unset) == 0)
			continue;
		if (strcmp(s, z->empty) == 0) {
			v[i] = "";
			continue;
		}
		size_t l = unescape(s, strlen(s));
		s[l] = '\0';
		if (memchr(cols[z->col[i]], '\0', l)) {
			snprintf(why, why_len, "%s: holds a NUL byte", zkeys[i]);
			return -1;
		}
		v[i] = s;
	}
	if (!v[Z_TS] || !epoch_time(v[Z_TS], strlen(v[Z_TS]), z->time, sizeof(z->time))) {
		snprintf(why, why_len, "ts: expected seconds since 1970 (\"%.30s\")",
			 v[Z_TS] ? v[Z_TS] : z->unset);
		return -1;
	}
	if (!v[Z_ORIG_H] || !v[Z_ORIG_H][0]) {
		snprintf(why, why_len, "id.orig_h: missing");
		return -1;
	}
	int success = -1;
	if (v[Z_SUCCESS]) {
		if (strcmp(v[Z_SUCCESS], "T") != 0 && strcmp(v[Z_SUCCESS], "F") != 0) {
			snprintf(why, why_len, "success: expected T, F or %s", z->unset);
			return -1;
		}
		success = v[Z_SUCCESS][0] == 'T';
	}
	for (int i = Z_USERNAME; i <= Z_TREE; i++)
		if (v[i] && !v[i][0])
			v[i] = NULL; /* (empty): nothing said */
	return map_zeek(z, v, success, o, why, why_len) ? 1 : -1;
}

const struct input_format audit_format_zeek_tsv = {
	.name = "zeek-ntlm",
	.sniff = zeek_tsv_sniff,
	.line = zeek_tsv_line,
	.close = zeek_close,
};

/* ---- JSON ------------------------------------------------------------------------ */

static bool zeek_json_sniff(const char *p, size_t n)
{
	char key[16];
	const char *nl = memchr(p, '\n', n);
	if (nl)
		n = (size_t)(nl - p);
	if (!fmt_first_key(p, n, key, sizeof(key)) ||
	    (strcmp(key, "ts") != 0 && strcmp(key, "_path") != 0))
		return false;
	/* a Zeek log line names its connection */
	static const char uid[] = "\"uid\":", orig[] = "\"id.orig_h\":";
	bool has_uid = false, has_orig = false;
	for (size_t k = 0; k + sizeof(orig) - 1 <= n; k++) {
		has_uid = has_uid || memcmp(p + k, uid, sizeof(uid) - 1) == 0;
		has_orig = has_orig || memcmp(p + k, orig, sizeof(orig) - 1) == 0;
	}
	return has_uid && has_orig;
}

static int zeek_json_line(struct reader *r, const char *p, size_t n, struct obs *o, char *why,
			  size_t why_len)
{
	size_t len;
	char *scratch = reader_scratch(r, &len);
	struct zeek *z = zeek_state(r, why, why_len);
	const char *v[Z_COUNT] = { 0 };
	char port[2][24];
	bool bad = false;

	if (!z)
		return -1;
	if (!aj_parse(p, n, scratch, len, &z->obj, why, why_len))
		return -1;
	const struct aj_member *m = fmt_get(&z->obj, "_path", AJ_STRING, &bad);
	if (bad) {
		snprintf(why, why_len, "\"_path\": expected a string");
		return -1;
	}
	if (m && strcmp(m->str, "ntlm") != 0)
		return 0; /* another Zeek log in the same stream */
	/* without "_path", a line with none of ntlm.log's own fields could be
	 * any Zeek log's */
	bool any = m != NULL;
	for (int i = Z_USERNAME; i <= Z_SUCCESS; i++)
		any = any || aj_get(&z->obj, zkeys[i]);
	if (!any)
		return 0;
	for (int i = 0; i < Z_COUNT; i++) {
		m = aj_get(&z->obj, zkeys[i]);
		if (!m || m->type == AJ_NULL)
			continue;
		if (i == Z_TS || i == Z_SUCCESS)
			continue;
		if (i == Z_ORIG_P || i == Z_RESP_P) {
			if (m->type != AJ_INT || m->i < 0 || m->i > 65535) {
				snprintf(why, why_len, "\"%s\": expected a port number", zkeys[i]);
				return -1;
			}
			snprintf(port[i == Z_RESP_P], sizeof(port[0]), "%lld", (long long)m->i);
			v[i] = port[i == Z_RESP_P];
			continue;
		}
		if (m->type != AJ_STRING || memchr(m->str, '\0', m->len)) {
			snprintf(why, why_len, "\"%s\": expected a string", zkeys[i]);
			return -1;
		}
		v[i] = m->len ? m->str : NULL;
	}
	/* ts: seconds (the default), an ISO 8601 string or milliseconds
	 * (LogAscii::json_timestamps) */
	m = aj_get(&z->obj, "ts");
	bool ok = false;
	if (m && m->type == AJ_STRING)
		ok = fmt_iso_to_utc(m->str, m->len, z->time, sizeof(z->time)) ||
		     epoch_time(m->str, m->len, z->time, sizeof(z->time));
	else if (m && m->type == AJ_INT)
		ok = m->i >= 0 && fmt_utc(m->i > 99999999999ll ? m->i / 1000 : m->i,
					  m->i > 99999999999ll ? (uint32_t)(m->i % 1000) * 1000 : 0,
					  z->time, sizeof(z->time));
	else if (m && m->type == AJ_NUMBER) {
		const char *raw;
		size_t rn;
		ok = fmt_member_raw(p, n, "ts", &raw, &rn) &&
		     epoch_time(raw, rn, z->time, sizeof(z->time));
	}
	if (!ok) {
		snprintf(why, why_len, "\"ts\": expected seconds since 1970 or an ISO 8601 time");
		return -1;
	}
	if (!v[Z_ORIG_H]) {
		snprintf(why, why_len, "\"id.orig_h\": missing");
		return -1;
	}
	int success = -1;
	m = fmt_get(&z->obj, "success", AJ_BOOL, &bad);
	if (bad) {
		snprintf(why, why_len, "\"success\": expected true, false or null");
		return -1;
	}
	if (m)
		success = m->b;
	return map_zeek(z, v, success, o, why, why_len) ? 1 : -1;
}

const struct input_format audit_format_zeek_json = {
	.name = "zeek-ntlm-json",
	.sniff = zeek_json_sniff,
	.line = zeek_json_line,
	.close = zeek_close,
};
