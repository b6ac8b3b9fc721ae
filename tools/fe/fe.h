/* SPDX-License-Identifier: MIT */
/*
 * tools/fe: what the front ends (the ntlm tool and ntlm httpd) share beyond
 * the library: small POSIX and text jobs the public API has no business
 * doing. Like every front end, it includes only the public headers.
 */
#ifndef NTLM_FE_H
#define NTLM_FE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <ntlmssp.h>

/* Writes all of p to fd (retrying EINTR and short writes). */
bool fe_write_all(int fd, const void *p, size_t len);

/* The value of one hex digit (either case), or -1. */
static inline int fe_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Splits "HOST:PORT" / "[V6]:PORT". PORT is 0..65535 in decimal (0 only with
 * allow_zero); an IPv6 address must be in brackets. false with a reason in
 * err. */
bool fe_parse_hostport(const char *s, bool allow_zero, char *host, size_t hostlen, char *port,
		       size_t portlen, char *err, size_t errlen);

/* A socket address as "ADDR:PORT" or "[V6ADDR]:PORT", numeric; "?" when it
 * cannot be shown (NULL, or a family other than IPv4 / IPv6). */
void fe_sockaddr_text(const struct sockaddr *sa, char *buf, size_t len);

/* Only the address ("192.0.2.1", "2001:db8::1"), numeric; "?" as above. */
void fe_sockaddr_addr(const struct sockaddr *sa, char *buf, size_t len);

enum fe_listen_rc { FE_LISTEN_OK = 0, FE_LISTEN_RESOLVE, FE_LISTEN_SOCKET };

/* A listening TCP socket on host:port (a numeric port; each address
 * getaddrinfo gives is tried in turn): close-on-exec, SO_REUSEADDR, a backlog
 * of 128, non-blocking with nonblock. *fd and *family on success; otherwise
 * the reason in err (FE_LISTEN_RESOLVE: the host did not resolve). */
enum fe_listen_rc fe_listen(const char *host, const char *port, bool nonblock, int *fd, int *family,
			    char *err, size_t errlen);

/* Monotonic milliseconds. */
int64_t fe_now_ms(void);

/* Our NetBIOS-style name for audit records: name when given, else the
 * host name up to its first '.', upper-cased, at most 15 characters. */
void fe_our_name(const char *name, char *buf, size_t len);

/* ---- live.c: what a server reloads on SIGHUP, and its own audit events ---- */

/* A reference-counted holder (under fe_live.lock) of what contexts borrow:
 * the policy with its accounts, or the audit object. */
struct fe_box {
	unsigned refs;
	struct ntlm_policy *policy;
	struct ntlm_accounts *accounts;
	struct ntlm_audit *audit;
	uint64_t lost_reported; /* audit's lost records already logged */
	uint64_t *retired;	/* the audit box: fe_live.audit_lost_retired */
	/* The audit box: on the list of every audit object still open
	 * (fe_live.audits), which fe_live_flush writes out. */
	struct fe_box *au_prev, *au_next, **au_list;
};

/* One generation of what contexts borrow. A context keeps the generation it
 * started with (fe_live_get ... fe_live_put around its life), so a reload
 * never pulls the policy, the accounts or the audit sinks from under a
 * handshake. A reload that loads the policy but not the audit (or the other
 * way round) shares the box that stays with the generation before. */
struct fe_gen {
	struct ntlm_policy *policy;
	struct ntlm_accounts *accounts;
	struct ntlm_audit *audit; /* NULL: no audit */
	struct fe_box *pa, *au;
	unsigned refs; /* under fe_live.lock */
};

/* Where each part comes from, for a reload. */
struct fe_live_spec {
	const char *name;	    /* "ntlm httpd": the prefix of the audit-loss line */
	const char *const *configs; /* policy files, later wins; none: the profile */
	size_t n_configs;
	const char *profile;	      /* NULL: the default profile */
	const char *accounts;	      /* --accounts SPEC, or NULL: the policy's Accounts */
	const char *default_accounts; /* NULL, or the SPEC when neither gives one */
	const char *audit;	/* JSON Lines file (--audit), or NULL: the policy's AuditLog */
	const char *ident;	/* syslog / journal identifier for AuditLog */
	const char *syslog;	/* syslog ident (--audit-syslog), or NULL for none */
	ntlm_audit_fn callback; /* a callback sink too, or NULL */
	void *callback_arg;
	/* ntlm_audit_buffer of every audit object (0: none); the server then
	 * calls fe_live_flush on a timer. */
	size_t audit_buffer;
};

/* The library's "replay" event (docs/audit-events.md), which a front end
 * also raises for an AUTHENTICATE that no context can take. */
#define FE_EVENT_REPLAY 9008u

/* Front-end events (NTLM_EVENT_CONN_REFUSED ...) of one id per window
 * before the rest of that id are only counted, and the window: a flood of
 * one kind does not hide samples of the others. */
#define FE_EVENTS_PER_WINDOW 20u
#define FE_EVENTS_WINDOW_MS 10000

struct fe_live {
	pthread_mutex_t lock;
	struct fe_live_spec spec;
	struct fe_gen *cur;
	char target[64]; /* our name, in the front end's events */
	int64_t window_start;
	unsigned emitted_by[7], suppressed; /* per id: 9100..9105, then 9008 */
	unsigned suppressed_by[7];	    /* per id: 9100..9105, then 9008 */
	uint64_t audit_lost_retired;	    /* lost records of closed audit objects */
	struct fe_box *audits;		    /* every audit box still open (au_next) */
};

/* Audit records lost since the start (ntlm_audit_lost of every audit object
 * this server opened: the closed ones and the current one; one a reload
 * replaced but a handshake still holds counts once it is closed). */
uint64_t fe_live_audit_lost(struct fe_live *l);

/* The account backends of spec: its accounts (--accounts), else the
 * policy's [ntlmssp] Accounts, else its default_accounts when not NULL;
 * *from says which, for an error message. */
ntlm_status fe_accounts_open(const struct fe_live_spec *spec, const struct ntlm_policy *policy,
			     struct ntlm_accounts **out, const char **from);

/* Starts with what the caller loaded (each reported its own errors);
 * takes ownership of policy, accounts and audit. */
void fe_live_init(struct fe_live *l, const struct fe_live_spec *spec, const char *target,
		  struct ntlm_policy *policy, struct ntlm_accounts *accounts,
		  struct ntlm_audit *audit);
/* Loads the policy and the accounts again, and opens the audit destinations
 * again (a renamed file is created anew). A part that fails to load keeps
 * its old value; false then, with every failure in why. */
bool fe_live_reload(struct fe_live *l, char *why, size_t why_len);
/* The current generation, with a reference the caller gives back. */
struct fe_gen *fe_live_get(struct fe_live *l);
/* fe_live_put also logs, on stderr, when g's audit object lost records
 * since the last line: "NAME: audit: N records lost so far; the last: WHY"
 * (ntlm_audit_lost). */
void fe_live_put(struct fe_live *l, struct fe_gen *g);
/* Emits what is pending and frees the current generation (the last user). */
void fe_live_close(struct fe_live *l);

/* A front-end event through the current generation's audit sinks, rate
 * limited: at most FE_EVENTS_PER_WINDOW of each id per window; the rest are
 * counted and reported in one NTLM_EVENT_SUPPRESSED event when the window
 * ends. */
__attribute__((format(printf, 4, 5))) void fe_live_event(struct fe_live *l, uint32_t id,
							 const char *peer, const char *fmt, ...);
/* Reports the suppressed count once its window has ended (call it now and
 * then, and at the end with force), and writes what every audit object still
 * open keeps (spec.audit_buffer): the current one and those a reload
 * replaced but a handshake still holds. */
void fe_live_flush(struct fe_live *l, bool force);

#endif
