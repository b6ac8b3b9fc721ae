/* SPDX-License-Identifier: MIT */
/*
 * ntlm server: the options, the policy, accounts and audit both modes use,
 * and how a client's outcome is told and summed up (server.h). The TCP
 * server is server_tcp.c, the --stdio exchange server_stdio.c.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

#define MAX_CONNS_DEFAULT 64u
#define MAX_CONNS_LIMIT 4096u
#define MAX_PER_IP_DEFAULT 8u

void cmd_server_usage(FILE *f)
{
	fputs("usage: ntlm server --listen HOST:PORT [--config F | --profile NAME]\n"
	      "                   [--accounts SPEC] [--audit F] [--timeout SECONDS]\n"
	      "                   [--max-connections N] [--require sign|seal]\n"
	      "       ntlm server --stdio [--config F | --profile NAME] [--accounts SPEC]\n"
	      "                   [--audit F] [--require sign|seal]\n"
	      "\n"
	      "Accepts NTLM clients (`ntlm client`) on HOST:PORT, checks them against the\n"
	      "policy and the account file, then echoes every message back sealed or\n"
	      "signed. Prints 'listening on HOST:PORT' first, then one line per\n"
	      "connection: peer, user, response type, flags, outcome. SIGINT or SIGTERM\n"
	      "stops it (exit 0); SIGHUP reloads the policy and the accounts and opens the\n"
	      "audit file again. Framing and result frames: docs/cli.md.\n"
	      "\n"
	      "  -l, --listen HOST:PORT address to listen on; port 0 picks a free one\n"
	      "  -c, --config F         policy file (native, INF or .reg; docs/policy.md)\n"
	      "  -p, --profile NAME     a built-in policy profile instead (default: cis)\n"
	      "  --accounts SPEC        account backends in lookup order: a DOMAIN:USER:NTHASH\n"
	      "                         file (PATH or file:PATH, docs/accounts.md), winbind\n"
	      "                         (domain accounts, docs/domain.md), or both\n"
	      "                         (\"file:PATH, winbind\"); default: the policy's\n"
	      "                         [ntlmssp] Accounts\n"
	      "  --audit F              append audit events to F (JSON Lines) instead of\n"
	      "                         the policy's AuditLog (default: syslog)\n"
	      "  --timeout SECONDS      for each message after the handshake (default 30)\n"
	      "  --handshake-timeout S  for the whole handshake, from the connection's start\n"
	      "                         (default: --timeout)\n"
	      "  --max-connections N    connections served at once (default 64); at the\n"
	      "                         cap, an unauthenticated connection of the address\n"
	      "                         that holds the most is closed for a newcomer, else\n"
	      "                         it is answered 'FAIL server busy' and closed\n"
	      "  --max-per-ip N         connections from one address (default 8; 0: no\n"
	      "                         limit)\n"
	      "  --require sign|seal    refuse a client that does not negotiate signing\n"
	      "                         (NTLMSSP_NEGOTIATE_SIGN) or sealing (..._SEAL)\n"
	      "  --stdio                serve one ntlm-lines/1 exchange on stdin/stdout\n"
	      "  -h, --help             show this help\n"
	      "\n"
	      "exit status: 0 success (a stopped server; with --stdio, an authenticated\n"
	      "exchange whose every request succeeded), 1 authentication or policy\n"
	      "failure (--stdio), 2 usage error, malformed input or I/O error\n",
	      f);
}

enum {
	OPT_ACCOUNTS = 256,
	OPT_MAX_CONNECTIONS,
	OPT_MAX_PER_IP,
	OPT_HANDSHAKE_TIMEOUT,
	OPT_REQUIRE,
};

static const struct option server_opts[] = {
	PEER_LONG_OPTIONS,
	{ "listen", required_argument, NULL, 'l' },
	{ "accounts", required_argument, NULL, OPT_ACCOUNTS },
	{ "max-connections", required_argument, NULL, OPT_MAX_CONNECTIONS },
	{ "max-per-ip", required_argument, NULL, OPT_MAX_PER_IP },
	{ "handshake-timeout", required_argument, NULL, OPT_HANDSHAKE_TIMEOUT },
	{ "require", required_argument, NULL, OPT_REQUIRE },
	{ NULL, 0, NULL, 0 },
};

/* Fills o; false when --help was asked for (and shown). Usage errors exit 2. */
static bool parse_args(const struct tool_cmd *self, int argc, char **argv, struct server_opts *o)
{
	const char *v, *maxc = NULL, *perip = NULL, *hst = NULL;
	char buf[64], err[128];

	int ch;

	optind = 0;
	while ((ch = tool_getopt_exact(self, argc, argv, "hc:p:l:", server_opts, &v)) != -1) {
		if (peer_opt(self, ch, v, &o->p))
			continue;
		switch (ch) {
		case 'h':
			cmd_server_usage(stdout);
			return false;
		case 'l':
			o->listen = v;
			break;
		case OPT_ACCOUNTS:
			o->accounts = v;
			break;
		case OPT_MAX_CONNECTIONS:
			maxc = v;
			break;
		case OPT_MAX_PER_IP:
			perip = v;
			break;
		case OPT_HANDSHAKE_TIMEOUT:
			hst = v;
			break;
		default: /* OPT_REQUIRE */
			if (strcmp(v, "sign") == 0)
				o->require = NTLM_REQ_INTEGRITY;
			else if (strcmp(v, "seal") == 0)
				o->require = NTLM_REQ_CONFIDENTIALITY;
			else
				usage_error(self, "--require: '%s' is not sign or seal",
					    safe_arg(v, false, buf, 40));
			break;
		}
	}
	if (optind < argc)
		usage_error(self, "unexpected argument '%s'",
			    safe_arg(argv[optind], false, buf, 40));
	peer_opts_finish(self, &o->p);
	if (o->p.stdio) {
		if (o->listen || o->p.timeout || maxc || perip || hst)
			usage_error(self,
				    "--stdio takes no --listen, --timeout, --handshake-timeout, "
				    "--max-connections or --max-per-ip");
	} else {
		if (!o->listen)
			usage_error(self, "--listen HOST:PORT is required (or --stdio)");
		if (!fe_parse_hostport(o->listen, true, o->host, sizeof(o->host), o->port,
				       sizeof(o->port), err, sizeof(err)))
			usage_error(self, "bad --listen address '%s': %s",
				    safe_arg(o->listen, false, buf, 60), err);
	}
	o->max_conns = MAX_CONNS_DEFAULT;
	if (maxc) {
		char *end;
		unsigned long n;
		errno = 0;
		n = strtoul(maxc, &end, 10);
		if (maxc[0] < '0' || maxc[0] > '9' || *end || errno || n == 0 ||
		    n > MAX_CONNS_LIMIT)
			usage_error(self, "--max-connections: '%s' is not a number from 1 to %u",
				    safe_arg(maxc, false, buf, 40), MAX_CONNS_LIMIT);
		o->max_conns = (unsigned)n;
	}
	o->max_per_ip = MAX_PER_IP_DEFAULT;
	if (perip) {
		char *end;
		unsigned long n;
		errno = 0;
		n = strtoul(perip, &end, 10);
		if (perip[0] < '0' || perip[0] > '9' || *end || errno || n > MAX_CONNS_LIMIT)
			usage_error(self, "--max-per-ip: '%s' is not a number from 0 to %u",
				    safe_arg(perip, false, buf, 40), MAX_CONNS_LIMIT);
		o->max_per_ip = (unsigned)n;
	}
	o->handshake_ms = o->p.timeout_ms;
	if (hst) {
		int secs;
		if (!peer_parse_seconds(hst, &secs))
			usage_error(
				self,
				"--handshake-timeout: '%s' is not a number of seconds from 1 to "
				"86400",
				safe_arg(hst, false, buf, 40));
		o->handshake_ms = secs * 1000;
	}
	return true;
}

static struct ntlm_accounts *open_accounts(const struct tool_cmd *self,
					   const struct ntlm_policy *policy, const char *spec)
{
	struct ntlm_accounts *a = NULL;
	ntlm_status st = ntlm_accounts_open_policy(policy, spec, &a);
	if (st != NTLM_OK) {
		/* A bad account file is malformed input (exit 2), whatever its kind. */
		char msg[768];
		peer_status_text(st, msg, sizeof(msg));
		fprintf(stderr, "ntlm %s: %s\n", self->name, msg);
		exit(EXIT_USAGE);
	}
	return a;
}

/*
 * The reason a client is told. Unknown user and wrong password get the same
 * answer (as Windows' SEC_E_LOGON_DENIED), so the reply does not say which
 * accounts exist; the server's own line and the audit event do.
 */
void server_client_reason(ntlm_status st, char *buf, size_t len)
{
	enum ntlm_status_kind k = ntlm_status_kind(st);

	if (st == NTLM_E_NO_SUCH_USER || st == NTLM_E_LOGON_FAILURE)
		snprintf(buf, len, "%s: logon denied: unknown user name or bad password",
			 ntlm_status_name(NTLM_E_LOGON_FAILURE));
	else if (k == NTLM_KIND_INTERNAL || k == NTLM_KIND_USAGE ||
		 st == NTLM_E_POLICY_AUDIT_FAILED)
		/* the server's own trouble (memory, files, its audit log): the
		 * status only, never a path or a system error */
		snprintf(buf, len, "%s: %s", ntlm_status_name(st), ntlm_status_text(st));
	else
		peer_status_text(st, buf, len);
}

/* "DOMAIN\user" with both parts escaped, or "-" before the AUTHENTICATE. */
void server_user_name(const struct ntlm_ctx *ctx, bool no_space, char *buf, size_t len)
{
	char d[400], u[400];

	if (!ctx || !ntlm_ctx_user(ctx)[0]) {
		snprintf(buf, len, "-");
		return;
	}
	peer_escape(ntlm_ctx_domain(ctx), no_space, d, sizeof(d));
	peer_escape(ntlm_ctx_user(ctx), no_space, u, sizeof(u));
	snprintf(buf, len, "%s\\%s", d, u);
}

void server_failure_text(ntlm_status st, char *buf, size_t len)
{
	enum ntlm_status_kind k = ntlm_status_kind(st);
	char full[600];

	peer_status_text(st, full, sizeof(full));
	snprintf(buf, len, "%s: %s",
		 k == NTLM_KIND_POLICY_DENIED ? "denied"
		 : k == NTLM_KIND_AUTH_FAILED ? "failed"
		 : k == NTLM_KIND_MALFORMED   ? "malformed"
					      : "error",
		 full);
}

/* The line printed for each connection (and by --stdio on stderr). */
void server_summary(const char *peer, const struct ntlm_ctx *ctx, const struct outcome *oc,
		    char *buf, size_t len)
{
	char user[820], names[1200];
	uint32_t flags = ctx ? ntlm_ctx_flags(ctx) : 0;
	const char *resp = ctx ? ntlm_ctx_response_type(ctx) : "";

	server_user_name(ctx, true, user, sizeof(user));
	peer_flag_names(flags, names, sizeof(names));
	snprintf(buf, len,
		 "peer=%s user=%s response=%s flags=0x%08x names=%s protection=%s messages=%lu "
		 "outcome=%s",
		 peer, user, resp[0] ? resp : "-", (unsigned)flags, names,
		 ctx && ntlm_ctx_response_type(ctx)[0] ? peer_protection(flags) : "-", oc->messages,
		 oc->text);
}

int cmd_server(const struct tool_cmd *self, int argc, char **argv)
{
	struct server_opts o = { 0 };
	struct server srv = { .self = self };
	int ret;

	if (!parse_args(self, argc, argv, &o))
		return 0;
	signal(SIGPIPE, SIG_IGN);
	struct ntlm_policy *policy = peer_load_policy(self, &o.p.config, o.p.profile);
	struct ntlm_accounts *accounts = open_accounts(self, policy, o.accounts);
	struct ntlm_audit *audit = peer_open_audit(self, policy, o.p.audit);
	struct fe_live_spec spec = {
		.name = "ntlm server",
		.ident = "ntlm-server",
		.configs = o.p.config.path,
		.n_configs = o.p.config.n,
		.profile = o.p.profile,
		.accounts = o.accounts,
		.audit = o.p.audit,
	};
	char name[64];
	fe_our_name(NULL, name, sizeof(name));
	fe_live_init(&srv.live, &spec, name, policy, accounts, audit);
	srv.timeout_ms = o.p.timeout_ms;
	srv.handshake_ms = o.handshake_ms;
	srv.max_conns = o.max_conns;
	srv.max_per_ip = o.max_per_ip;
	srv.require = o.require;
	if (o.p.stdio) {
		ret = server_run_stdio(self, &srv);
		goto out;
	}
	srv.nslots = o.max_conns + (o.max_conns / 4 < 32 ? 32 : o.max_conns / 4);
	srv.slots = xmalloc(sizeof(*srv.slots) * srv.nslots);
	for (unsigned i = 0; i < srv.nslots; i++)
		srv.slots[i] = (struct slot){ .fd = -1 };
	pthread_mutex_init(&srv.lock, NULL);
	pthread_cond_init(&srv.idle, NULL);
	ret = server_run_tcp(self, &o, &srv);
	pthread_cond_destroy(&srv.idle);
	pthread_mutex_destroy(&srv.lock);
	free(srv.slots);
out:
	fe_live_close(&srv.live);
	return ret;
}
