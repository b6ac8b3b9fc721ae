/* SPDX-License-Identifier: MIT */
/*
 * policy: matching a target name against the exception-list patterns
 * (ClientAllowedNTLMServers). Pure; no I/O.
 */
#include <stdint.h>
#include <string.h>

#include "policy/match.h"

/* '*' = any run (also empty); everything else one byte, ASCII case folded.
 * Iterative with one backtrack point: O(len(p) * len(s)) worst case. */
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

static bool is_ip_literal(struct sv h)
{
	bool digits_dots = h.n > 0;
	for (size_t i = 0; i < h.n; i++) {
		if (h.p[i] == ':')
			return true; /* IPv6 */
		if (!((h.p[i] >= '0' && h.p[i] <= '9') || h.p[i] == '.'))
			digits_dots = false;
	}
	return digits_dots;
}

/* The authority of a target: after the first '/' (SPN) or, without one, the
 * first '@' (GSS "service@host"), up to the next '/' or '@' ("host:port"). */
static struct sv target_authority(struct sv t)
{
	const char *slash = t.n ? memchr(t.p, '/', t.n) : NULL;
	const char *at = t.n ? memchr(t.p, '@', t.n) : NULL;
	const char *from = slash ? slash + 1 : at ? at + 1 : t.p;
	struct sv a = { from, t.n - (size_t)(from - t.p) };

	for (size_t i = 0; i < a.n; i++) {
		if (a.p[i] == '/' || a.p[i] == '@') {
			a.n = i;
			break;
		}
	}
	return a;
}

/* The host of an authority: "[v6]" unbracketed, else up to a ':port';
 * without the trailing dot of an absolute FQDN. */
static struct sv authority_host(struct sv a)
{
	struct sv h = a;

	if (h.n && h.p[0] == '[') {
		const char *close = memchr(h.p, ']', h.n);
		h.p++;
		h.n = close ? (size_t)(close - h.p) : h.n - 1;
		return h;
	}
	for (size_t i = 0; i < h.n; i++) {
		if (h.p[i] == ':') {
			h.n = i;
			break;
		}
	}
	if (h.n > 1 && h.p[h.n - 1] == '.')
		h.n--;
	return h;
}

/* Candidates, in order: the full target, its authority (host:port), its
 * host, the host's first DNS label (not for IP literals). */
static bool matches(struct sv pat, struct sv target)
{
	struct sv auth = target_authority(target), host = authority_host(auth), label = host;
	const char *dot;

	if (glob_ci(pat, target))
		return true;
	if (auth.n && glob_ci(pat, auth))
		return true;
	if (host.n == 0)
		return false;
	if (glob_ci(pat, host))
		return true;
	if (is_ip_literal(host))
		return false;
	dot = memchr(host.p, '.', host.n);
	if (!dot)
		return false;
	label.n = (size_t)(dot - host.p);
	return label.n > 0 && glob_ci(pat, label);
}

bool ntlm_policy_target_matches(const char *pattern, const char *target)
{
	return pattern && matches(sv_of(pattern), sv_of(target));
}

/* Index of the first ClientAllowedNTLMServers entry matching, or -1. */
int ntlm_policy_allowed_index(const struct ntlm_policy *p, const char *target)
{
	size_t n = p->n_client_allowed;
	if (n > NTLM_POLICY_MAX_SERVERS)
		n = NTLM_POLICY_MAX_SERVERS;
	for (size_t i = 0; i < n; i++) {
		struct sv pat = { p->client_allowed[i],
				  strnlen(p->client_allowed[i], NTLM_POLICY_MAX_PATTERN + 1) };
		if (pat.n <= NTLM_POLICY_MAX_PATTERN && matches(pat, sv_of(target)))
			return (int)i;
	}
	return -1;
}

bool ntlm_policy_server_allowed(const struct ntlm_policy *p, const char *target)
{
	return ntlm_policy_allowed_index(p, target) >= 0;
}
