/* SPDX-License-Identifier: MIT */
/*
 * policy: matching a target against the exception-list entries
 * (ClientAllowedNTLMServers). The target is taken apart first (service
 * class, host, port, service name) and an entry is held against the host
 * only, label by label, so that nothing else in the target string (a second
 * host in an SPN's service name, a second '@') can make it match. Pure; no
 * I/O. The rules and the reasons: docs/policy.md "Exception lists".
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "policy/match.h"

#define MAX_LABEL 63
#define MAX_HOST 253

/* ---- taking a target apart ------------------------------------------------- */

static bool is_service_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.';
}

static bool is_label_char(char c, bool wild)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || (wild && c == '*');
}

static size_t count_char(struct sv s, char c)
{
	size_t n = 0;
	for (size_t i = 0; i < s.n; i++)
		n += s.p[i] == c;
	return n;
}

static bool fail(char *why, size_t len, const char *msg)
{
	if (why && len)
		snprintf(why, len, "%s", msg);
	return false;
}

/* "1".."65535"; false otherwise. */
static bool parse_port(struct sv s, unsigned *port)
{
	unsigned v = 0;

	if (s.n == 0 || s.n > 5)
		return false;
	for (size_t i = 0; i < s.n; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return false;
		v = v * 10 + (unsigned)(s.p[i] - '0');
	}
	if (v == 0 || v > 65535)
		return false;
	*port = v;
	return true;
}

/* Copies s, NUL-terminated, into buf of len; false if it does not fit. */
static bool copy_sv(struct sv s, char *buf, size_t len)
{
	if (s.n >= len)
		return false;
	memcpy(buf, s.p, s.n);
	buf[s.n] = '\0';
	return true;
}

/* Checks DNS-style labels (with '*' when wild), drops one trailing dot and
 * lower-cases into buf. */
static bool host_name(struct sv h, bool wild, char *buf, size_t len)
{
	size_t label = 0;

	if (h.n > 1 && h.p[h.n - 1] == '.')
		h.n--;
	if (h.n == 0 || h.n > MAX_HOST || h.n >= len)
		return false;
	for (size_t i = 0; i < h.n; i++) {
		if (h.p[i] == '.') {
			if (label == 0)
				return false; /* empty label */
			label = 0;
		} else if (is_label_char(h.p[i], wild) && ++label <= MAX_LABEL) {
			buf[i] = sv_lower(h.p[i]);
			continue;
		} else {
			return false;
		}
		buf[i] = '.';
	}
	buf[h.n] = '\0';
	return label > 0;
}

static bool all_digits_and_dots(const char *s)
{
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || *s == '.'))
			return false;
	return true;
}

/* host[:port], [v6][:port] or a bare v6 address into t. */
static bool parse_authority(struct sv a, bool port_ok, struct ntlm_policy_target *t, char *why,
			    size_t len)
{
	struct sv host = a, port = { "", 0 };
	char v6[64];

	if (a.n && a.p[0] == '[') {
		const char *close = memchr(a.p, ']', a.n);
		if (!close)
			return fail(why, len, "'[' without ']'");
		host = (struct sv){ a.p + 1, (size_t)(close - a.p - 1) };
		struct sv rest = { close + 1, a.n - (size_t)(close - a.p) - 1 };
		if (rest.n) {
			if (rest.p[0] != ':' || !port_ok)
				return fail(why, len, "unexpected text after ']'");
			port = (struct sv){ rest.p + 1, rest.n - 1 };
			if (!parse_port(port, &t->port))
				return fail(why, len, "port is not a number from 1 to 65535");
		}
		if (!copy_sv(host, v6, sizeof(v6)) || inet_pton(AF_INET6, v6, t->addr) != 1)
			return fail(why, len, "not an IPv6 address in [brackets]");
		inet_ntop(AF_INET6, t->addr, t->host, sizeof(t->host));
		t->kind = NTLM_HOST_IPV6;
		return true;
	}
	if (count_char(a, ':') >= 2) {
		if (!copy_sv(a, v6, sizeof(v6)) || inet_pton(AF_INET6, v6, t->addr) != 1)
			return fail(why, len, "not an IPv6 address (write [addr]:port for a port)");
		inet_ntop(AF_INET6, t->addr, t->host, sizeof(t->host));
		t->kind = NTLM_HOST_IPV6;
		return true;
	}
	if (count_char(a, ':') == 1) {
		if (!port_ok)
			return fail(why, len, "a port is not allowed here");
		sv_split(a, ':', &host, &port);
		if (!parse_port(port, &t->port))
			return fail(why, len, "port is not a number from 1 to 65535");
	}
	if (!host_name(host, false, t->host, sizeof(t->host)))
		return fail(why, len, "host is not a DNS name, NetBIOS name or IP address");
	if (all_digits_and_dots(t->host)) {
		if (inet_pton(AF_INET, t->host, t->addr) != 1)
			return fail(why, len, "host looks like an IPv4 address but is not one");
		t->kind = NTLM_HOST_IPV4;
		return true;
	}
	t->kind = strchr(t->host, '.') ? NTLM_HOST_DNS : NTLM_HOST_NAME;
	return true;
}

static bool parse_service(struct sv s, struct ntlm_policy_target *t, char *why, size_t len)
{
	if (s.n == 0)
		return fail(why, len, "empty service class");
	for (size_t i = 0; i < s.n; i++)
		if (!is_service_char(s.p[i]))
			return fail(why, len,
				    "service class has a character other than a letter, "
				    "digit, '-', '_' or '.'");
	if (!copy_sv(s, t->service, sizeof(t->service)))
		return fail(why, len, "service class too long");
	return true;
}

bool ntlm_policy_target_parse(const char *target, struct ntlm_policy_target *t, char *why,
			      size_t why_len)
{
	struct sv s = sv_of(target), svc, rest, auth, name = { "", 0 };

	memset(t, 0, sizeof(*t));
	if (why && why_len)
		why[0] = '\0';
	if (s.n == 0)
		return fail(why, why_len, "empty target");
	for (size_t i = 0; i < s.n; i++)
		if ((unsigned char)s.p[i] <= 0x20 || (unsigned char)s.p[i] >= 0x7f)
			return fail(why, why_len, "space, control or non-ASCII byte");
	if (sv_split(s, '/', &svc, &rest)) {
		/* SPN: svc/host[:port][/name]; no '@' anywhere (no realm) */
		if (count_char(s, '@'))
			return fail(why, why_len, "'@' in an SPN");
		if (!parse_service(svc, t, why, why_len))
			return false;
		auth = rest;
		if (sv_split(rest, '/', &auth, &name)) {
			if (name.n == 0 || !copy_sv(name, t->name, sizeof(t->name)))
				return fail(why, why_len, "empty or too long service name");
		}
		return parse_authority(auth, true, t, why, why_len);
	}
	if (sv_split(s, '@', &svc, &auth)) {
		/* GSS host-based name: svc@host, one '@' */
		if (count_char(auth, '@'))
			return fail(why, why_len, "more than one '@'");
		if (!parse_service(svc, t, why, why_len))
			return false;
		return parse_authority(auth, false, t, why, why_len);
	}
	return parse_authority(s, true, t, why, why_len);
}

/* ---- matching -------------------------------------------------------------- */

/* '*' = any run (also empty) of the text, which is one label; everything
 * else one byte, ASCII case folded. Iterative with one backtrack point:
 * O(len(p) * len(s)) worst case. */
static bool glob_ci(struct sv pat, struct sv s)
{
	size_t pi = 0, si = 0, star = SIZE_MAX, mark = 0;

	while (si < s.n) {
		if (pi < pat.n && pat.p[pi] == '*') {
			star = pi++;
			mark = si;
		} else if (pi < pat.n && sv_lower(pat.p[pi]) == sv_lower(s.p[si])) {
			pi++;
			si++;
		} else if (star != SIZE_MAX) {
			pi = star + 1;
			si = ++mark;
		} else {
			return false;
		}
	}
	while (pi < pat.n && pat.p[pi] == '*')
		pi++;
	return pi == pat.n;
}

/* The last label of s (after the last '.'), and s without it. */
static struct sv last_label(struct sv *s)
{
	struct sv l = *s;
	size_t i = s->n;

	while (i > 0 && s->p[i - 1] != '.')
		i--;
	l.p = s->p + i;
	l.n = s->n - i;
	s->n = i ? i - 1 : 0;
	if (i == 0)
		s->p = NULL; /* no labels left */
	return l;
}

/* Host pattern (lower case, checked labels) against a host name, label by
 * label from the right; a first pattern label "*" takes one or more labels. */
static bool host_matches(struct sv pat, struct sv host)
{
	for (;;) {
		bool pat_left = pat.p != NULL, host_left = host.p != NULL;
		if (!pat_left)
			return !host_left;
		struct sv pl = last_label(&pat);
		if (pat.p == NULL && pl.n == 1 && pl.p[0] == '*')
			return host_left; /* leading "*": one or more labels */
		if (!host_left)
			return false;
		struct sv hl = last_label(&host);
		if (!glob_ci(pl, hl))
			return false;
	}
}

/* One entry against a parsed target. */
static bool entry_matches(struct sv pat, const struct ntlm_policy_target *t)
{
	struct sv svc, rest, hostpat;
	struct ntlm_policy_target pt;
	char buf[MAX_HOST + 2];

	if (count_char(pat, '@'))
		return false;
	if (sv_split(pat, '/', &svc, &rest)) {
		if (count_char(rest, '/') || !t->service[0] || svc.n == 0 ||
		    !glob_ci(svc, sv_of(t->service)))
			return false;
		pat = rest;
	}
	if (pat.n == 1 && pat.p[0] == '*')
		return true;
	memset(&pt, 0, sizeof(pt));
	if ((pat.n && pat.p[0] == '[') || count_char(pat, ':') >= 2) {
		/* an IP literal: the same address (and port, when given) */
		if (!parse_authority(pat, true, &pt, NULL, 0))
			return false;
		return t->kind == NTLM_HOST_IPV6 && memcmp(pt.addr, t->addr, 16) == 0 &&
		       (!pt.port || pt.port == t->port);
	}
	hostpat = pat;
	if (count_char(pat, ':') == 1) {
		struct sv port = { "", 0 };
		sv_split(pat, ':', &hostpat, &port);
		if (!parse_port(port, &pt.port) || pt.port != t->port)
			return false;
	}
	if (t->kind == NTLM_HOST_IPV6 || !host_name(hostpat, true, buf, sizeof(buf)))
		return false;
	return host_matches(sv_of(buf), sv_of(t->host));
}

bool ntlm_policy_target_matches(const char *pattern, const char *target)
{
	struct ntlm_policy_target t;

	if (!pattern || !ntlm_policy_target_parse(target, &t, NULL, 0))
		return false;
	return entry_matches(sv_of(pattern), &t);
}

int ntlm_policy_allowed_index(const struct ntlm_policy *p, const char *target)
{
	struct ntlm_policy_target t;
	size_t n = ntlm_policy_list_count(p, NTLM_SET_CLIENT_ALLOWED_SERVERS);

	if (!ntlm_policy_target_parse(target, &t, NULL, 0))
		return -1;
	for (size_t i = 0; i < n; i++)
		if (entry_matches(ntlm_policy_list_entry(p, NTLM_SET_CLIENT_ALLOWED_SERVERS, i),
				  &t))
			return (int)i;
	return -1;
}

bool ntlm_policy_server_allowed(const struct ntlm_policy *p, const char *target)
{
	return ntlm_policy_allowed_index(p, target) >= 0;
}
