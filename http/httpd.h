/* SPDX-License-Identifier: MIT */
/*
 * http/: the NTLM-protected HTTP endpoint ("Windows Integrated
 * Authentication" as IIS gives it), a thin adapter over include/ntlmssp.h
 * on libmicrohttpd (server) and libcurl (proxy mode). docs/httpd.md.
 *
 * Files: server.c (the daemon, connections, serving), handshake.c (the
 * NTLM handshake over HTTP; conn.h is what the two share), header.c
 * (Authorization parsing, escaping, paths), page.c (the built-in page),
 * files.c (--root), proxy.c (--proxy), guard.c (connection limits and
 * deadlines), health.c (the counters of GET /healthz).
 */
#ifndef NTLM_HTTPD_H
#define NTLM_HTTPD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ntlmssp.h>
#include <ntlmssp/unstable.h>

/* ---- configuration (filled by tools/ntlm/cmd_httpd.c) ---------------------- */

#define HTTPD_DEFAULT_MAX_CONNECTIONS 256u
#define HTTPD_DEFAULT_MAX_PER_IP 64u
#define HTTPD_DEFAULT_HANDSHAKE_TIMEOUT 15u /* seconds */
#define HTTPD_DEFAULT_HEADER_TIMEOUT 10u    /* seconds */
#define HTTPD_DEFAULT_IDLE_TIMEOUT 120u	    /* seconds, once authenticated */
#define HTTPD_DEFAULT_MAX_HEADER_SIZE 16384u
#define HTTPD_DEFAULT_MAX_BODY_SIZE (8u * 1024u * 1024u)
#define HTTPD_DEFAULT_PROXY_TIMEOUT 60u /* seconds */
#define HTTPD_THREADS_DEFAULT \
	0xffffffffu /* one worker per CPU; a thread per connection with --proxy */
#define HTTPD_THREADS_MAX 256u
#define HTTPD_MAX_HANDSHAKES 16u /* NEGOTIATEs per connection */
#define HTTPD_DOMAIN_THREADS_DEFAULT 8u
#define HTTPD_DOMAIN_THREADS_MAX 256u
#define HTTPD_STOP_WAIT_MS 5000u /* for the domain logons in flight, at the stop */

struct httpd_config {
	const char *listen;	      /* "HOST:PORT", "[v6]:PORT"; port 0 = any free port */
	const char *const *configs;   /* policy files, later wins (ntlm_policy_load_files) */
	size_t n_configs;	      /* 0: the profile */
	const char *profile;	      /* policy profile (ntlm_policy_new) when no config */
	const char *accounts;	      /* --accounts SPEC; NULL: the policy's Accounts */
	const char *default_accounts; /* ... else this SPEC (the installed file) */
	const char *audit;	      /* JSON Lines file, or NULL */
	bool audit_syslog;	      /* also to syslog */
	const char *root;	      /* static files, or NULL */
	const char *proxy;	      /* backend base URL, or NULL */
	const char *nb_computer;      /* names in the CHALLENGE; NULL = library default */
	const char *nb_domain;
	const char *dns_computer;
	const char *dns_domain;
	unsigned max_connections;
	unsigned max_per_ip;	    /* 0 = no per-address limit */
	unsigned handshake_timeout; /* the whole handshake, from the connection's start */
	unsigned header_timeout;    /* an authenticated request's headers */
	unsigned idle_timeout;
	size_t max_header_size;
	size_t max_body_size;
	unsigned proxy_timeout;
	unsigned threads;	 /* workers; 0: a thread per connection; HTTPD_THREADS_DEFAULT */
	unsigned domain_threads; /* at most, for the steps that may wait (validate.c) */
	bool quiet;		 /* no request log on stderr */
	const char *user;	 /* started as root: become this user once listening */
};

void httpd_config_defaults(struct httpd_config *cfg);

/* Runs until SIGINT or SIGTERM; SIGHUP reloads the policy, the accounts
 * and the audit file. Prints "ntlm httpd: listening on
 * http://HOST:PORT/" on stdout once the socket accepts connections. Returns
 * 0 after a clean shutdown, 1 when a file (policy, accounts, audit) cannot
 * be loaded, 2 for a usage or system error; *why says what failed. */
int httpd_run(const struct httpd_config *cfg, char *why, size_t why_len);

/* ---- privs.c ------------------------------------------------------------------ */

/* Started as root (effective uid 0): becomes user (its uid, gid and
 * supplementary groups), irrevocably, and checks that root cannot be
 * regained; without user, warns on stderr and stays root. Not root: user must
 * be NULL or the current user. 0, or -1 with *why. */
int httpd_drop_privileges(const char *user, char *why, size_t why_len);

/* ---- header.c ----------------------------------------------------------------- */

enum httpd_scheme { SCHEME_NONE = 0, SCHEME_NTLM, SCHEME_NEGOTIATE, SCHEME_OTHER };

/* Splits an Authorization value into its scheme and credentials (the
 * token68 after one or more spaces; leading and trailing whitespace
 * ignored). NTLM and Negotiate are matched case-insensitively; *cred points
 * into value (NUL-terminated there, or "" when absent). */
enum httpd_scheme httpd_auth_scheme(const char *value, const char **cred, size_t *cred_len);

/* Is name "X-Remote-User" in any case, with '_' counting as '-' (CGI and
 * some proxies map both to HTTP_X_REMOTE_USER)? */
bool httpd_is_remote_user_header(const char *name);
/* Hop-by-hop and framing headers a proxy must not forward (RFC 9110 7.6.1),
 * plus Authorization / Proxy-Authorization (the NTLM tokens). */
bool httpd_is_hop_header(const char *name);
/* Is value safe inside a header line (no CR, LF or NUL; printable or tab)? */
bool httpd_header_value_ok(const char *value);

/* Text is built in the library's buffer (struct ntlm_buf, ntlm_buf_json,
 * include/ntlmssp/unstable.h); HTML escaping is this front end's own. */
void httpd_buf_html(struct ntlm_buf *b, const char *s); /* HTML-escaped */
void ntlm_buf_free(struct ntlm_buf *b);

/* Decodes the path of a request target ("/a/b%20c?x=1" -> "a/b c", the
 * leading '/' dropped, query and fragment cut) into dst. Refuses (returns
 * false) %00, bad %-escapes, backslashes, control bytes, and every "." or
 * ".." segment, before and after decoding. Empty segments are dropped. */
bool httpd_target_to_path(const char *target, char *dst, size_t len);

/* ---- page.c --------------------------------------------------------------------- */

/* Who the connection authenticated as. */
struct httpd_identity {
	char user[128];
	char domain[128];
	char workstation[128];
	char response_type[16];
	uint32_t flags;
	unsigned key_strength;
	char peer[64];
	unsigned requests; /* served on this connection, this one included */
	unsigned handshakes;
};

/* The built-in page: HTML, or JSON when json. Returns false on allocation
 * failure. */
bool httpd_page(const struct httpd_identity *id, bool json, struct ntlm_buf *out);

/* ---- health.c ------------------------------------------------------------------- */

/* The front end's own refusals, counted by GET /healthz. */
enum httpd_refused {
	HTTPD_REFUSED_NO_HANDSHAKE = 0,	   /* AUTHENTICATE on a connection without one */
	HTTPD_REFUSED_HANDSHAKE_TIMEOUT,   /* AUTHENTICATE after --handshake-timeout */
	HTTPD_REFUSED_TOO_MANY_HANDSHAKES, /* HTTPD_MAX_HANDSHAKES on one connection */
	HTTPD_REFUSED_MALFORMED_REQUEST,   /* no token, not base64, not NTLMSSP... */
	HTTPD_REFUSED_ABANDONED,	   /* a request without a token after the CHALLENGE */
	HTTPD_REFUSED_COUNT
};

/* A NEGOTIATE was taken up; a handshake succeeded; one failed with st (at
 * the NEGOTIATE or the AUTHENTICATE); the front end refused a request. */
void httpd_health_started(void);
void httpd_health_succeeded(void);
void httpd_health_failed(ntlm_status st);
void httpd_health_refused(enum httpd_refused why);
/* Answered before any authentication, in every mode (--root and --proxy
 * included): never a file nor forwarded. */
#define HTTPD_HEALTH_PATH "/healthz"
/* The /healthz document (one JSON object and a newline) into b; false on
 * allocation failure. */
bool httpd_health_json(uint64_t audit_lost, struct ntlm_buf *b);

/* ---- files.c -------------------------------------------------------------------- */

struct MHD_Connection;
struct MHD_Response;

/* Opens root (once, at start). */
int httpd_files_open(const char *root, char *why, size_t why_len);
void httpd_files_close(void);
/* Builds the response for a request target under root: *status is 200,
 * 400, 403, 404 or 500. Never NULL unless out of memory. */
struct MHD_Response *httpd_files_response(const char *target, unsigned *status);
const char *httpd_content_type(const char *path);

/* ---- proxy.c -------------------------------------------------------------------- */

int httpd_proxy_init(const char *base, unsigned timeout, char *why, size_t why_len);
void httpd_proxy_cleanup(void);
/* Forwards one request; *status is the backend's status, or 400 / 502 /
 * 504. *handle is the connection's libcurl handle (created on first use;
 * release it with httpd_proxy_free_handle). */
struct MHD_Response *httpd_proxy_response(struct MHD_Connection *conn, void **handle,
					  const char *method, const char *target,
					  const char *remote_user, const char *peer,
					  const uint8_t *body, size_t body_len, unsigned *status);
void httpd_proxy_free_handle(void *handle);

#endif
