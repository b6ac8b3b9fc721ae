/* SPDX-License-Identifier: MIT */
/*
 * ntlm client, inside: the options and the context (cmd_client.c), the TCP
 * exchange with `ntlm server` (client_tcp.c), and ntlm-lines/1 on
 * stdin/stdout (client_stdio.c).
 */
#ifndef NTLM_TOOL_CLIENT_H
#define NTLM_TOOL_CLIENT_H

#include "peer.h"

#define DATA_ROUNDS_MAX 1000000u
#define TARGET_MAX 511 /* bytes of the SPN */

struct client_opts {
	struct peer_opts p; /* --config, --profile, --audit, --timeout, --stdio */
	const char *user_arg, *password_file, *password, *target;
	const char *address; /* HOST:PORT */
	char host[256], port[8];
	char domain[256], user[256];
	unsigned req;
	unsigned long rounds;
};

/* What the exchange needs; released by client_state_free(). */
struct client_state {
	struct ntlm_policy *policy;
	struct ntlm_audit *audit;
	struct ntlm_cred *cred;
	struct ntlm_ctx *ctx;
	char target[TARGET_MAX + 1];
};

/* Prints "ntlm client: STATUS: detail" and returns the exit status. */
int client_report(const struct tool_cmd *self, ntlm_status st);

/* The warning that neither SIGN nor SEAL was negotiated (the messages carry
 * the ALWAYS_SIGN dummy signature), when flags say so. */
void client_warn_unprotected(const struct tool_cmd *self, uint32_t flags);

/* client_tcp.c: the handshake with `ntlm server` at o->address, then each
 * stdin line as a message; the exit status. */
int client_run_tcp(const struct tool_cmd *self, const struct client_opts *o,
		   struct client_state *s);

/* client_stdio.c: the ntlm-lines/1 exchange; the exit status. */
int client_run_stdio(const struct tool_cmd *self, const struct client_opts *o,
		     struct client_state *s);

#endif
