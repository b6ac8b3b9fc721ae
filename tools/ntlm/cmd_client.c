/* SPDX-License-Identifier: MIT */
/*
 * ntlm client: the options, the credential and the client context both
 * modes use (client.h). The TCP exchange is client_tcp.c, the --stdio one
 * client_stdio.c.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"

void cmd_client_usage(FILE *f)
{
	fputs("usage: ntlm client [--config F | --profile NAME] --user DOMAIN\\USER\n"
	      "                   (--password-file F | --password P) [--target SPN]\n"
	      "                   [--sign | --seal] [--audit F] [--timeout SECONDS] HOST:PORT\n"
	      "       ntlm client --stdio [--config F | --profile NAME] --user DOMAIN\\USER\n"
	      "                   (--password-file F | --password P) [--target SPN]\n"
	      "                   [--sign | --seal] [--audit F] [--data N]\n"
	      "\n"
	      "Authenticates to `ntlm server` at HOST:PORT, then sends each line of stdin\n"
	      "as a sealed (--seal) or signed (--sign) message and prints what the server\n"
	      "sends back. With neither, the lines carry the ALWAYS_SIGN dummy signature\n"
	      "and are not protected (a warning says so). Framing and result: docs/cli.md.\n"
	      "\n"
	      "  -c, --config F     policy file (native, INF or .reg; docs/policy.md)\n"
	      "  -p, --profile NAME a built-in policy profile instead (default: cis)\n"
	      "  -u, --user D\\U     the account, DOMAIN\\USER (or USER: empty domain)\n"
	      "  --password-file F  the password is the first line of F; F must not be\n"
	      "                     readable or writable by group or others (chmod 600)\n"
	      "  --password P       the password itself: for test scripts only (ps and\n"
	      "                     shell history see it)\n"
	      "  --target SPN       the service name (default: host/HOST; with --stdio\n"
	      "                     host/localhost)\n"
	      "  --sign             require integrity (NTLMSSP_NEGOTIATE_SIGN): fail without it\n"
	      "  --seal             require confidentiality (NTLMSSP_NEGOTIATE_SEAL): fail "
	      "without\n"
	      "                     it\n"
	      "  --audit F          append audit events to F (JSON Lines) instead of\n"
	      "                     the policy's AuditLog (default: syslog)\n"
	      "  --timeout SECONDS  give up waiting for the server after this (default 30)\n"
	      "  --stdio            speak ntlm-lines/1 on stdout (requests) and stdin\n"
	      "                     (answers) instead of TCP\n"
	      "  --data N           with --stdio: N rounds of one WRAP and one MIC request\n"
	      "                     (payloads of 1, 16, 100, 1500, 65536 bytes in turn)\n"
	      "  -h, --help         show this help\n"
	      "\n"
	      "exit status: 0 success, 1 authentication or policy failure (ours or the\n"
	      "server's), 2 usage error, malformed input or I/O error\n",
	      f);
}

static void parse_user(const struct tool_cmd *self, struct client_opts *o)
{
	const char *bs = strchr(o->user_arg, '\\');
	const char *u = bs ? bs + 1 : o->user_arg;
	size_t dl = bs ? (size_t)(bs - o->user_arg) : 0;

	if (!*u)
		usage_error(self, "--user: the user name is empty (expected DOMAIN\\USER)");
	if (dl >= sizeof(o->domain) || strlen(u) >= sizeof(o->user))
		usage_error(self, "--user: longer than %zu bytes", sizeof(o->user) - 1);
	memcpy(o->domain, o->user_arg, dl);
	o->domain[dl] = '\0';
	memcpy(o->user, u, strlen(u) + 1);
}

enum { OPT_PASSWORD_FILE = 256, OPT_PASSWORD, OPT_TARGET, OPT_DATA, OPT_SIGN, OPT_SEAL };

static const struct option client_opts[] = {
	PEER_LONG_OPTIONS,
	{ "user", required_argument, NULL, 'u' },
	{ "password-file", required_argument, NULL, OPT_PASSWORD_FILE },
	{ "password", required_argument, NULL, OPT_PASSWORD },
	{ "target", required_argument, NULL, OPT_TARGET },
	{ "data", required_argument, NULL, OPT_DATA },
	{ "sign", no_argument, NULL, OPT_SIGN },
	{ "seal", no_argument, NULL, OPT_SEAL },
	{ NULL, 0, NULL, 0 },
};

/* Fills o; false when --help was asked for (and shown). Usage errors exit 2. */
static bool parse_args(const struct tool_cmd *self, int argc, char **argv, struct client_opts *o)
{
	const char *v, *data = NULL;
	char buf[64], err[128];
	bool sign = false, seal = false;

	int ch;

	optind = 0;
	while ((ch = tool_getopt_exact(self, argc, argv, "hc:p:u:", client_opts, &v)) != -1) {
		if (peer_opt(self, ch, v, &o->p))
			continue;
		switch (ch) {
		case 'h':
			cmd_client_usage(stdout);
			return false;
		case 'u':
			o->user_arg = v;
			break;
		case OPT_PASSWORD_FILE:
			o->password_file = v;
			break;
		case OPT_PASSWORD:
			o->password = v;
			break;
		case OPT_TARGET:
			o->target = v;
			break;
		case OPT_DATA:
			data = v;
			break;
		case OPT_SIGN:
			sign = true;
			break;
		default: /* OPT_SEAL */
			seal = true;
			break;
		}
	}
	if (optind < argc)
		o->address = argv[optind];
	if (argc - optind > 1)
		usage_error(self, "unexpected argument '%s' (one HOST:PORT only)",
			    safe_arg(argv[optind + 1], false, buf, 40));
	peer_opts_finish(self, &o->p);
	if (!o->user_arg)
		usage_error(self, "--user DOMAIN\\USER is required");
	if (!o->password_file && !o->password)
		usage_error(self, "--password-file F (or --password P) is required");
	if (o->password_file && o->password)
		usage_error(self, "--password-file and --password exclude each other");
	if (sign && seal)
		usage_error(self, "--sign and --seal exclude each other (--seal also signs)");
	o->req = seal ? NTLM_REQ_CONFIDENTIALITY : sign ? NTLM_REQ_INTEGRITY : 0;
	if (o->p.stdio) {
		if (o->address)
			usage_error(self, "--stdio takes no HOST:PORT");
		if (o->p.timeout)
			usage_error(self, "--timeout goes with TCP, not --stdio");
	} else {
		if (!o->address)
			usage_error(self, "HOST:PORT is required (or --stdio)");
		if (data)
			usage_error(self, "--data goes with --stdio");
		if (!fe_parse_hostport(o->address, false, o->host, sizeof(o->host), o->port,
				       sizeof(o->port), err, sizeof(err)))
			usage_error(self, "bad address '%s': %s",
				    safe_arg(o->address, false, buf, 60), err);
	}
	if (data) {
		char *end;
		errno = 0;
		o->rounds = strtoul(data, &end, 10);
		if (data[0] < '0' || data[0] > '9' || *end || errno || o->rounds > DATA_ROUNDS_MAX)
			usage_error(self, "--data: '%s' is not a number from 0 to %u",
				    safe_arg(data, false, buf, 40), DATA_ROUNDS_MAX);
	}
	if (o->target && (!o->target[0] || strlen(o->target) > TARGET_MAX))
		usage_error(self, "--target: empty or longer than %d bytes", TARGET_MAX);
	parse_user(self, o);
	return true;
}

static void client_state_free(struct client_state *s)
{
	ntlm_ctx_free(s->ctx);
	ntlm_cred_free(s->cred);
	ntlm_audit_close(s->audit);
	ntlm_policy_free(s->policy);
}

/* Prints "ntlm client: STATUS: detail" and returns the exit status. */
int client_report(const struct tool_cmd *self, ntlm_status st)
{
	char msg[768];
	peer_status_text(st, msg, sizeof(msg));
	fprintf(stderr, "ntlm %s: %s\n", self->name, msg);
	return peer_exit_for(st);
}

/* Builds the context; dies (exit 2) on bad options, files or credentials. */
static void client_setup(const struct tool_cmd *self, struct client_opts *o, struct client_state *s)
{
	char pw[PASSWORD_MAX + 1];
	ntlm_status st;

	s->policy = peer_load_policy(self, &o->p.config, o->p.profile);
	s->audit = peer_open_audit(self, s->policy, o->p.audit);
	if (o->password_file) {
		peer_read_password_file(self, o->password_file, pw, sizeof(pw));
	} else {
		size_t n = strlen(o->password);
		if (n > PASSWORD_MAX)
			die(self, "--password: longer than %d bytes", PASSWORD_MAX);
		memcpy(pw, o->password, n + 1);
		/* Later readers of /proc/PID/cmdline see no password (earlier ones did). */
		wipe((char *)o->password, n);
	}
	st = ntlm_cred_new_password(o->domain, o->user, pw, &s->cred);
	wipe(pw, sizeof(pw));
	if (st != NTLM_OK)
		die_status(self, st);
	if (o->target)
		snprintf(s->target, sizeof(s->target), "%s", o->target);
	else
		snprintf(s->target, sizeof(s->target), "host/%s",
			 o->p.stdio ? "localhost" : o->host);
	st = ntlm_client_new(s->policy, s->cred, s->target, o->req, &s->ctx);
	/* --sign / --seal are conditions: a server (or a man in the middle) that
	 * drops them fails the handshake instead of a warning afterwards. */
	if (st == NTLM_OK)
		st = ntlm_ctx_require(s->ctx, o->req);
	if (st == NTLM_OK && s->audit)
		st = ntlm_ctx_set_audit(s->ctx, s->audit);
	if (st == NTLM_OK && !o->p.stdio)
		st = ntlm_ctx_set_peer(s->ctx, o->address);
	if (st != NTLM_OK)
		die_status(self, st);
}

void client_warn_unprotected(const struct tool_cmd *self, uint32_t flags)
{
	if (!(flags & (NTLMSSP_NEGOTIATE_SIGN | NTLMSSP_NEGOTIATE_SEAL)))
		fprintf(stderr,
			"ntlm %s: warning: neither SIGN nor SEAL was negotiated: messages carry "
			"the ALWAYS_SIGN dummy signature and are not protected\n",
			self->name);
}

int cmd_client(const struct tool_cmd *self, int argc, char **argv)
{
	struct client_opts o = { 0 };
	struct client_state s = { 0 };
	int ret;

	if (!parse_args(self, argc, argv, &o))
		return 0;
	signal(SIGPIPE, SIG_IGN);
	client_setup(self, &o, &s);
	ret = o.p.stdio ? client_run_stdio(self, &o, &s) : client_run_tcp(self, &o, &s);
	client_state_free(&s);
	return ret;
}
