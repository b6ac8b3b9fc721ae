/* SPDX-License-Identifier: MIT */
/* What a server reloads on SIGHUP, and its own rate-limited audit events
 * (fe.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fe.h"

int64_t fe_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void fe_our_name(const char *name, char *buf, size_t len)
{
	char host[256] = "localhost";
	size_t i;

	if (name) {
		snprintf(buf, len, "%s", name);
		return;
	}
	if (gethostname(host, sizeof(host) - 1) != 0)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	for (i = 0; host[i] && host[i] != '.' && i < 15 && i + 1 < len; i++)
		buf[i] = (char)(host[i] >= 'a' && host[i] <= 'z' ? host[i] - 'a' + 'A' : host[i]);
	buf[i] = '\0';
}

static void *xcalloc(size_t n)
{
	void *p = calloc(1, n);
	if (!p) {
		fputs("out of memory\n", stderr);
		abort();
	}
	return p;
}

/* Under the lock. */
static void box_put(struct fe_box *b)
{
	if (!b || --b->refs > 0)
		return;
	if (b->au_list) {
		if (b->au_prev)
			b->au_prev->au_next = b->au_next;
		else
			*b->au_list = b->au_next;
		if (b->au_next)
			b->au_next->au_prev = b->au_prev;
	}
	if (b->audit && b->retired)
		*b->retired += ntlm_audit_lost(b->audit, NULL, 0);
	ntlm_audit_close(b->audit);
	ntlm_accounts_close(b->accounts);
	ntlm_policy_free(b->policy);
	free(b);
}

/* Under the lock. */
static void gen_put(struct fe_gen *g)
{
	if (!g || --g->refs > 0)
		return;
	box_put(g->pa);
	box_put(g->au);
	free(g);
}

/* Under the lock (or before any thread): au goes on the list of audit
 * boxes still open. */
static void au_list_add(struct fe_live *l, struct fe_box *au)
{
	au->au_list = &l->audits;
	au->au_prev = NULL;
	au->au_next = l->audits;
	if (l->audits)
		l->audits->au_prev = au;
	l->audits = au;
}

static struct fe_gen *gen_new(struct fe_box *pa, struct fe_box *au)
{
	struct fe_gen *g = xcalloc(sizeof(*g));

	g->refs = 1;
	g->pa = pa;
	g->au = au;
	g->policy = pa->policy;
	g->accounts = pa->accounts;
	g->audit = au->audit;
	return g;
}

void fe_live_init(struct fe_live *l, const struct fe_live_spec *spec, const char *target,
		  struct ntlm_policy *policy, struct ntlm_accounts *accounts,
		  struct ntlm_audit *audit)
{
	struct fe_box *pa = xcalloc(sizeof(*pa)), *au = xcalloc(sizeof(*au));

	memset(l, 0, sizeof(*l));
	pthread_mutex_init(&l->lock, NULL);
	l->spec = *spec;
	snprintf(l->target, sizeof(l->target), "%s", target ? target : "");
	pa->refs = au->refs = 1;
	pa->policy = policy;
	pa->accounts = accounts;
	au->audit = audit;
	au->retired = &l->audit_lost_retired;
	au_list_add(l, au);
	l->cur = gen_new(pa, au);
	l->window_start = fe_now_ms();
}

/* Appends "what PATH: STATUS: detail" to why. */
static void add_why(char *why, size_t len, const char *what, const char *path, ntlm_status st)
{
	const char *d = ntlm_error_message();
	size_t k = strlen(why);

	if (k + 1 >= len)
		return;
	snprintf(why + k, len - k, "%s%s %s: %s: %s", k ? "; " : "", what, path ? path : "-",
		 ntlm_status_name(st), d && *d ? d : ntlm_status_text(st));
}

/* --audit FILE replaces the policy's AuditLog (as --accounts replaces
 * Accounts); --audit-syslog and the callback come in addition. */
static ntlm_status open_audit(const struct fe_live_spec *s, const struct ntlm_policy *policy,
			      struct ntlm_audit **out)
{
	struct ntlm_audit *a = NULL;
	ntlm_status st;

	*out = NULL;
	st = ntlm_audit_open(&a);
	if (st == NTLM_OK && s->audit)
		st = ntlm_audit_to_file(a, s->audit);
	else if (st == NTLM_OK)
		st = ntlm_audit_to_policy(a, policy, s->ident);
	if (st == NTLM_OK && s->syslog)
		st = ntlm_audit_to_syslog(a, s->syslog);
	if (st == NTLM_OK && s->callback)
		st = ntlm_audit_to_callback(a, s->callback, s->callback_arg);
	if (st == NTLM_OK && s->audit_buffer)
		st = ntlm_audit_buffer(a, s->audit_buffer);
	if (st != NTLM_OK) {
		ntlm_audit_close(a);
		return st;
	}
	*out = a;
	return NTLM_OK;
}

ntlm_status fe_accounts_open(const struct fe_live_spec *spec, const struct ntlm_policy *policy,
			     struct ntlm_accounts **out, const char **from)
{
	*from = spec->accounts ? spec->accounts : "(from the policy)";
	ntlm_status st = ntlm_accounts_open_policy(policy, spec->accounts, out);
	/* Without a spec, INVALID_ARGUMENT is "the policy names none". */
	if (st == NTLM_E_INVALID_ARGUMENT && !spec->accounts && spec->default_accounts) {
		*from = spec->default_accounts;
		st = ntlm_accounts_open_spec(spec->default_accounts, out);
	}
	return st;
}

bool fe_live_reload(struct fe_live *l, char *why, size_t why_len)
{
	const struct fe_live_spec *s = &l->spec;
	struct ntlm_policy *policy = NULL;
	struct ntlm_accounts *accounts = NULL;
	struct ntlm_audit *audit = NULL;
	struct fe_box *pa = NULL, *au = NULL;
	struct fe_gen *old;
	ntlm_status st;
	bool ok = true;

	why[0] = '\0';
	st = s->n_configs ? ntlm_policy_load_files(s->configs, s->n_configs, &policy)
			  : ntlm_policy_new(s->profile, &policy);
	if (st != NTLM_OK) {
		add_why(why, why_len, s->n_configs ? "policy" : "profile",
			s->n_configs ? s->configs[s->n_configs - 1] : s->profile, st);
		ok = false;
	} else {
		const char *from;
		st = fe_accounts_open(s, policy, &accounts, &from);
		if (st != NTLM_OK) {
			add_why(why, why_len, "accounts", from, st);
			/* The policy and the accounts go together. */
			ntlm_policy_free(policy);
			ok = false;
		} else {
			pa = xcalloc(sizeof(*pa));
			pa->refs = 1;
			pa->policy = policy;
			pa->accounts = accounts;
		}
	}
	/* What the audit object in use keeps goes out first: before a renamed
	 * file (logrotate) is created anew, it gets every record up to now. */
	if (l->cur->audit)
		(void)ntlm_audit_flush(l->cur->audit); /* losses are counted on it */
	/* the new policy's AuditLog, or the old one's when it did not load */
	st = open_audit(s, pa ? pa->policy : l->cur->policy, &audit);
	if (st != NTLM_OK) {
		add_why(why, why_len, "audit", s->audit ? s->audit : "(AuditLog)", st);
		ok = false;
	} else {
		au = xcalloc(sizeof(*au));
		au->refs = 1;
		au->audit = audit;
		au->retired = &l->audit_lost_retired;
	}
	pthread_mutex_lock(&l->lock);
	if (au)
		au_list_add(l, au);
	old = l->cur;
	if (!pa) {
		pa = old->pa;
		pa->refs++;
	}
	if (!au) {
		au = old->au;
		au->refs++;
	}
	l->cur = gen_new(pa, au);
	gen_put(old);
	pthread_mutex_unlock(&l->lock);
	return ok;
}

struct fe_gen *fe_live_get(struct fe_live *l)
{
	struct fe_gen *g;

	pthread_mutex_lock(&l->lock);
	g = l->cur;
	g->refs++;
	pthread_mutex_unlock(&l->lock);
	return g;
}

/* Under the lock: the audit-loss line (fe.h). Each audit object counts its
 * own losses; a reload brings a new object (a new box) and a new count. */
static void report_loss(const struct fe_live *l, struct fe_box *au)
{
	char why[256], esc[512];
	uint64_t n;
	size_t k = 0;

	if (!au || !au->audit)
		return;
	n = ntlm_audit_lost(au->audit, why, sizeof(why));
	if (n <= au->lost_reported)
		return;
	au->lost_reported = n;
	for (size_t i = 0; why[i] && k + 5 < sizeof(esc); i++) {
		unsigned char ch = (unsigned char)why[i];
		if (ch < 0x20 || ch == 0x7f)
			k += (size_t)snprintf(esc + k, sizeof(esc) - k, "\\x%02x", ch);
		else
			esc[k++] = (char)ch;
	}
	esc[k] = '\0';
	fprintf(stderr, "%s: audit: %llu record%s lost so far; the last: %s\n",
		l->spec.name ? l->spec.name : "ntlm", (unsigned long long)n, n == 1 ? "" : "s",
		esc);
}

uint64_t fe_live_audit_lost(struct fe_live *l)
{
	uint64_t n;

	pthread_mutex_lock(&l->lock);
	n = l->audit_lost_retired;
	if (l->cur && l->cur->audit)
		n += ntlm_audit_lost(l->cur->audit, NULL, 0);
	pthread_mutex_unlock(&l->lock);
	return n;
}

void fe_live_put(struct fe_live *l, struct fe_gen *g)
{
	if (!g)
		return;
	pthread_mutex_lock(&l->lock);
	report_loss(l, g->au);
	gen_put(g);
	pthread_mutex_unlock(&l->lock);
}

void fe_live_close(struct fe_live *l)
{
	if (!l->cur)
		return;
	fe_live_flush(l, true);
	pthread_mutex_lock(&l->lock);
	report_loss(l, l->cur->au);
	gen_put(l->cur);
	l->cur = NULL;
	pthread_mutex_unlock(&l->lock);
	pthread_mutex_destroy(&l->lock);
}

/* ---- front-end events ------------------------------------------------------- */

static const uint32_t event_ids[7] = {
	NTLM_EVENT_CONN_REFUSED,
	NTLM_EVENT_CONN_EVICTED,
	NTLM_EVENT_HANDSHAKE_TIMEOUT,
	NTLM_EVENT_HANDSHAKE_ABANDONED,
	NTLM_EVENT_MALFORMED_REQUEST,
	NTLM_EVENT_SUPPRESSED,
	9008u,
};
static const char *const event_names[7] = {
	"connection-refused",
	"connection-evicted",
	"handshake-timeout",
	"handshake-abandoned",
	"malformed-request",
	"events-suppressed",
	"replay",
};

static unsigned event_index(uint32_t id)
{
	for (unsigned i = 0; i < 7; i++)
		if (event_ids[i] == id)
			return i;
	return 6;
}

/* Under the lock: the summary of the window that ended, and a new one. */
static void new_window(struct fe_live *l, int64_t now)
{
	char reason[200];
	size_t k;
	int64_t secs = (now - l->window_start + 999) / 1000;

	if (l->suppressed && l->cur && l->cur->audit) {
		k = (size_t)snprintf(reason, sizeof(reason),
				     "%u front-end events left out in %lld s:", l->suppressed,
				     (long long)secs);
		for (unsigned i = 0; i < 7 && k < sizeof(reason); i++)
			if (l->suppressed_by[i])
				k += (size_t)snprintf(reason + k, sizeof(reason) - k, " %u %s",
						      l->suppressed_by[i], event_names[i]);
		ntlm_status ignored = ntlm_audit_frontend_event(
			l->cur->audit, NTLM_EVENT_SUPPRESSED, l->target, "", reason);
		(void)ignored; /* a failing sink: nothing more to do here */
	}
	l->window_start = now;
	l->suppressed = 0;
	memset(l->emitted_by, 0, sizeof(l->emitted_by));
	memset(l->suppressed_by, 0, sizeof(l->suppressed_by));
}

void fe_live_event(struct fe_live *l, uint32_t id, const char *peer, const char *fmt, ...)
{
	char reason[200];
	va_list ap;
	int64_t now = fe_now_ms();

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&l->lock);
	if (now - l->window_start >= FE_EVENTS_WINDOW_MS)
		new_window(l, now);
	unsigned k = event_index(id);
	if (l->emitted_by[k] >= FE_EVENTS_PER_WINDOW) {
		l->suppressed++;
		l->suppressed_by[k]++;
	} else if (l->cur && l->cur->audit) {
		l->emitted_by[k]++;
		ntlm_status ignored =
			ntlm_audit_frontend_event(l->cur->audit, id, l->target, peer, reason);
		(void)ignored;
	}
	pthread_mutex_unlock(&l->lock);
}

void fe_live_flush(struct fe_live *l, bool force)
{
	int64_t now = fe_now_ms();

	pthread_mutex_lock(&l->lock);
	if (l->suppressed && (force || now - l->window_start >= FE_EVENTS_WINDOW_MS))
		new_window(l, now);
	for (struct fe_box *b = l->audits; b; b = b->au_next) {
		if (!b->audit)
			continue;
		(void)ntlm_audit_flush(b->audit); /* losses are counted on it */
		report_loss(l, b);		  /* and logged now, not at a later logon */
	}
	pthread_mutex_unlock(&l->lock);
}
