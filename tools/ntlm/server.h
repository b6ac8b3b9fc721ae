/* SPDX-License-Identifier: MIT */
/*
 * ntlm server, inside: the options and the shared state (cmd_server.c), the
 * TCP listener and its connections (server_tcp.c), and the ntlm-lines/1
 * exchange on stdin/stdout (server_stdio.c). Both modes judge clients the
 * same way and report them in the same one-line summary.
 */
#ifndef NTLM_TOOL_SERVER_H
#define NTLM_TOOL_SERVER_H

#include <pthread.h>

#include "peer.h"

struct server_opts {
	struct peer_opts p; /* --config, --profile, --audit, --timeout, --stdio */
	const char *listen, *accounts;
	char host[256], port[8];
	unsigned max_conns, max_per_ip;
	int handshake_ms; /* --handshake-timeout; default: --timeout */
	unsigned require; /* --require: NTLM_REQ_* every client must grant */
};

/* A connection's slot (server_tcp.c), under server.lock. */
struct slot {
	int fd;	       /* -1: free */
	char addr[64]; /* the client's address without the port */
	bool authed;   /* the handshake succeeded */
	bool evicted;  /* closed by us to make room */
};

/* Shared by every connection thread. The policy, the accounts and the audit
 * sinks are in live (a generation per SIGHUP; a connection keeps the one it
 * started with); lookups and audit sinks are thread-safe. */
struct server {
	const struct tool_cmd *self;
	struct fe_live live;
	int timeout_ms, handshake_ms;
	unsigned max_conns, max_per_ip;
	unsigned require;     /* --require: NTLM_REQ_* every client must grant */
	pthread_mutex_t lock; /* guards everything below, and stdout */
	pthread_cond_t idle;
	unsigned active; /* threads running */
	unsigned held;	 /* of those, not evicted */
	unsigned nslots; /* max_conns plus room for the evicted still ending */
	struct slot *slots;
};

/* What the per-connection line reports. */
struct outcome {
	unsigned long messages;
	char text[700];
};

/*
 * The reason a client is told. Unknown user and wrong password get the same
 * answer (as Windows' SEC_E_LOGON_DENIED), so the reply does not say which
 * accounts exist; the server's own line and the audit event do.
 */
void server_client_reason(ntlm_status st, char *buf, size_t len);

/* "denied: ...", "failed: ...", "malformed: ..." or "error: ..." (by the
 * kind of st, then its name and detail): the outcome of a refused step. */
void server_failure_text(ntlm_status st, char *buf, size_t len);

/* "DOMAIN\user" with both parts escaped (no_space: also ' ' and '\\'),
 * or "-" before the AUTHENTICATE. */
void server_user_name(const struct ntlm_ctx *ctx, bool no_space, char *buf, size_t len);

/* The line printed for each connection (and by --stdio on stderr). */
void server_summary(const char *peer, const struct ntlm_ctx *ctx, const struct outcome *oc,
		    char *buf, size_t len);

/* server_tcp.c: listens on o->host:o->port until SIGINT or SIGTERM. */
int server_run_tcp(const struct tool_cmd *self, const struct server_opts *o, struct server *srv);

/* server_stdio.c: one ntlm-lines/1 exchange; the exit status. */
int server_run_stdio(const struct tool_cmd *self, struct server *srv);

#endif
