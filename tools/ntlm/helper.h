/* SPDX-License-Identifier: MIT */
/*
 * ntlm helper: what its protocols share (cmd_helper.c: the options, the
 * loop, squid-2.5-ntlmssp and gss-spnego; helper_client.c: ntlmssp-client-1).
 */
#ifndef NTLM_TOOL_HELPER_H
#define NTLM_TOOL_HELPER_H

#include <stdbool.h>
#include <stddef.h>

#include <ntlmssp/unstable.h>

#include "client.h"
#include "peer.h"

/* A request line: a base64 token of NTLM_SPNEGO_MAX_TOKEN bytes and its code. */
#define HELPER_LINE_MAX 24576

enum helper_mode { HELPER_SQUID, HELPER_GSS_SPNEGO, HELPER_CLIENT };

struct helper {
	enum helper_mode mode;
	struct ntlm_policy *policy;
	struct ntlm_audit *audit;
	struct ntlm_ctx *ctx;
	struct line_reader *in; /* the requests (the client asks for a password on it) */
	bool waiting;		/* a token was sent, the peer's answer is expected */
	bool done;		/* the last handshake succeeded */
	/* the servers */
	struct ntlm_accounts *accounts;
	bool offered; /* gss-spnego: our NegTokenInit went first (YR without a token) */
	/* ntlmssp-client-1 */
	struct ntlm_cred *cred; /* NULL until a password is known */
	char domain[256], user[256], workstation[256];
	char target[TARGET_MAX + 1]; /* "" : none */
	unsigned req;		     /* NTLM_REQ_* from SF */
};

/* One answer line: code, then " text" when text is not NULL; control
 * characters in text become '?'. False when stdout is gone. */
bool helper_reply(const char *code, const char *text);

/* "CODE NTLM_E_X: sentence": with detail, ntlm_error_message() (the
 * setting or check that refused), else the status's fixed sentence. */
bool helper_reply_status(const char *code, ntlm_status st, bool detail);

/* Ends the handshake in progress (the context is freed, keys wiped). */
void helper_reset(struct helper *h);

/* ntlmssp-client-1: one request line (helper_client.c). */
bool helper_client_line(struct helper *h, char *line, size_t len);

/* GF and GK, as every protocol answers them. */
bool helper_flags_key(struct helper *h, const char *line);

#endif
