/* SPDX-License-Identifier: MIT */
/*
 * `ntlm audit`: Samba's JSON authentication audit (docs/audit.md
 * "samba-json"): the lines `log level = 1 auth_json_audit:3` writes to
 * Samba's log, one JSON object per line, {"timestamp", "type":
 * "Authentication", "Authentication": {...}}, among Samba's other log
 * lines. The NTLM logons (passwordType NTLMv2, NTLMv1, LANMan,
 * No-Password) map to observations of a server; everything else is skipped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_fmt.h"

struct samba {
	struct aj_object outer, inner, version;
	char scratch[READER_SCRATCH]; /* the inner object's strings */
	char vscratch[256];
	char time[48], peer[128], target[300];
};

/* "JSON Authentication: " before the object (Samba 4.7 and 4.8). */
static size_t json_prefix(const char *p, size_t n)
{
	if (n < 5 || memcmp(p, "JSON ", 5) != 0)
		return 0;
	for (size_t k = 5; k + 1 < n && k < 40; k++) {
		if (p[k] == ':' && p[k + 1] == ' ')
			return k + 2;
		if (p[k] < 'A' || p[k] > 'z')
			return 0;
	}
	return 0;
}

static bool samba_sniff(const char *p, size_t n)
{
	char key[16];
	const char *nl = memchr(p, '\n', n);
	if (nl)
		n = (size_t)(nl - p);
	/* a debug header: "[2026/12/03 14:16:25.123456,  3] ..." */
	if (n >= 12 && p[0] == '[' && p[5] == '/' && p[8] == '/' && p[11] == ' ')
		return true;
	size_t k = json_prefix(p, n);
	return fmt_first_key(p + k, n - k, key, sizeof(key)) && strcmp(key, "timestamp") == 0 &&
	       fmt_has_key(p + k, n - k, "type");
}

/* A string member of the inner object, or NULL; *bad when not a string. */
static const char *str(const struct aj_object *o, const char *key, bool *bad, const char **which)
{
	bool b = false;
	const struct aj_member *m = fmt_get(o, key, AJ_STRING, &b);
	if (b || (m && memchr(m->str, '\0', m->len))) {
		*bad = true;
		if (!*which)
			*which = key;
		return NULL;
	}
	return m && m->len ? m->str : NULL;
}

/* "ipv4:ADDR:PORT" / "ipv6:ADDR:PORT" (Samba's tsocket form) as HOST:PORT
 * ([ADDR]:PORT for IPv6); *host gets the address alone. False for another
 * form (a unix socket). */
static bool samba_addr(const char *a, char *out, size_t len, char *host, size_t host_len)
{
	bool v6 = strncmp(a, "ipv6:", 5) == 0;
	if (!v6 && strncmp(a, "ipv4:", 5) != 0)
		return false;
	a += 5;
	const char *c = strrchr(a, ':');
	if (!c || c == a || !c[1])
		return false;
	int hl = (int)(c - a);
	snprintf(host, host_len, "%.*s", hl, a);
	snprintf(out, len, "%s%.*s%s:%s", v6 ? "[" : "", hl, a, v6 ? "]" : "", c + 1);
	return true;
}

static int samba_line(struct reader *r, const char *p, size_t n, struct obs *o, char *why,
		      size_t why_len)
{
	void **state = reader_state(r);
	size_t len;
	char *scratch = reader_scratch(r, &len);
	struct samba *s = *state;
	bool bad = false;
	const char *which = NULL;

	size_t k = 0;
	while (k < n && (p[k] == ' ' || p[k] == '\t'))
		k++;
	k += json_prefix(p + k, n - k);
	if (k >= n || p[k] != '{')
		return 0; /* Samba's other log lines */
	p += k;
	n -= k;
	if (!s && !(s = *state = calloc(1, sizeof(*s)))) {
		snprintf(why, why_len, "out of memory");
		return -1;
	}
	if (!fmt_json(p, n, k, scratch, len, &s->outer, why, why_len))
		return -1;
	const struct aj_member *type = fmt_get(&s->outer, "type", AJ_STRING, &bad);
	if (bad) {
		snprintf(why, why_len, "\"type\": expected a string");
		return -1;
	}
	if (!type || strcmp(type->str, "Authentication") != 0)
		return 0; /* Authorization, dsdbChange, passwordChange, ... */
	const char *raw;
	size_t rn;
	const struct aj_member *am = aj_get(&s->outer, "Authentication");
	if (!am || am->type != AJ_OBJECT || !fmt_member_raw(p, n, "Authentication", &raw, &rn)) {
		snprintf(why, why_len, "\"Authentication\": expected an object");
		return -1;
	}
	if (!aj_parse(raw, rn, s->scratch, sizeof(s->scratch), &s->inner, why, why_len))
		return -1; /* checked already: cannot happen */
	/* version: {"major": 1, "minor": N} */
	const struct aj_member *vm = aj_get(&s->inner, "version");
	const struct aj_member *major = NULL;
	char verr[100];
	if (vm && vm->type == AJ_OBJECT && fmt_member_raw(raw, rn, "version", &raw, &rn) &&
	    rn < sizeof(s->vscratch) &&
	    aj_parse(raw, rn, s->vscratch, sizeof(s->vscratch), &s->version, verr, sizeof(verr)))
		major = aj_get(&s->version, "major");
	if (!major || major->type != AJ_INT || major->i != 1) {
		snprintf(why, why_len,
			 "\"Authentication\".\"version\": not a version this tool reads "
			 "(major 1)");
		return -1;
	}
	const struct aj_object *a = &s->inner;
	const char *pw = str(a, "passwordType", &bad, &which);
	const char *status = str(a, "status", &bad, &which);
	const char *service = str(a, "serviceDescription", &bad, &which);
	const char *account = str(a, "clientAccount", &bad, &which);
	const char *domain = str(a, "clientDomain", &bad, &which);
	const char *wks = str(a, "workstation", &bad, &which);
	const char *remote = str(a, "remoteAddress", &bad, &which);
	const char *local = str(a, "localAddress", &bad, &which);
	const char *nlcomp = str(a, "netlogonComputer", &bad, &which);
	const struct aj_member *ts = fmt_get(&s->outer, "timestamp", AJ_STRING, &bad);
	if (bad) {
		snprintf(why, why_len, "\"%s\": expected a string", which ? which : "timestamp");
		return -1;
	}
	/* the NTLM responses (Samba's get_password_type()) */
	static const char *const pwmap[][2] = { { "NTLMv2", "NTLMv2" },
						{ "NTLMv1", "NTLMv1" },
						{ "LANMan", "LM" },
						{ "No-Password", "anonymous" } };
	const char *cls = NULL;
	for (size_t i = 0; pw && i < sizeof(pwmap) / sizeof(pwmap[0]); i++)
		if (strcmp(pw, pwmap[i][0]) == 0)
			cls = pwmap[i][1];
	if (!cls)
		return 0; /* Kerberos, a simple bind, NETLOGON's own, ... */
	if (!ts || !fmt_iso_to_utc(ts->str, ts->len, s->time, sizeof(s->time))) {
		snprintf(why, why_len, "\"timestamp\": expected an ISO 8601 time");
		return -1;
	}
	if (!status) {
		snprintf(why, why_len, "\"Authentication\".\"status\": missing");
		return -1;
	}
	memset(o, 0, sizeof(*o));
	o->incoming = 1;
	o->terminal = true;
	o->time = s->time;
	o->outcome = strcmp(status, "NT_STATUS_OK") == 0	     ? OC_SUCCESS
		     : strcmp(status, "NT_STATUS_NTLM_BLOCKED") == 0 ? OC_BLOCKED
								     : OC_FAILED;
	o->response_type = cls;
	o->anonymous = strcmp(cls, "anonymous") == 0;
	o->user = account;
	o->domain = domain;
	while (wks && wks[0] == '\\')
		wks++; /* "\\\\MEM1": the UNC form NETLOGON passes on */
	o->workstation = wks && wks[0] ? wks : NULL;
	o->mic = o->channel_bindings = o->domain_account = OBS_UNKNOWN;
	char host[128] = "";
	if (remote && samba_addr(remote, s->peer, sizeof(s->peer), host, sizeof(host)))
		o->peer = s->peer;
	/* the server: the member that passed the logon on (SamLogon), else
	 * this one's address; with the service that took the logon */
	host[0] = '\0';
	if (nlcomp)
		snprintf(host, sizeof(host), "%s", nlcomp);
	else if (local)
		(void)samba_addr(local, s->target, sizeof(s->target), host, sizeof(host));
	if (host[0] || service) {
		snprintf(s->target, sizeof(s->target), "%s%s%s", service ? service : "",
			 service && host[0] ? "/" : "", host);
		o->target = s->target;
	}
	size_t ul = account ? strlen(account) : 0;
	o->machine = ul && account[ul - 1] == '$';
	return 1;
}

static void samba_close(struct reader *r)
{
	void **state = reader_state(r);
	free(*state);
	*state = NULL;
}

const struct input_format audit_format_samba_json = {
	.name = "samba-json",
	.sniff = samba_sniff,
	.line = samba_line,
	.close = samba_close,
};
