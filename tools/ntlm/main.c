/* SPDX-License-Identifier: MIT */
/*
 * ntlm: the command-line front end of ntlmssp. One file per subcommand
 * (cmd_*.c); this file only dispatches.
 */
#include <getopt.h>
#include <signal.h>
#include <string.h>

#include "tool.h"

static const struct tool_cmd cmds[] = {
	{ "hash", "print the NT, LM or NTOWFv2 hash of a password read from stdin", cmd_hash,
	  cmd_hash_usage },
	{ "decode", "show every field of an NTLM message (base64, header line or hex)", cmd_decode,
	  cmd_decode_usage },
	{ "accounts", "add, remove or list the entries of an account store file", cmd_accounts,
	  cmd_accounts_usage },
	{ "policy", "show, check or import the NTLM security policy", cmd_policy,
	  cmd_policy_usage },
	{ "client", "authenticate to an ntlm server (TCP), or speak ntlm-lines/1 (--stdio)",
	  cmd_client, cmd_client_usage },
	{ "server", "accept NTLM clients (TCP), or serve ntlm-lines/1 (--stdio)", cmd_server,
	  cmd_server_usage },
	{ "httpd", "serve HTTP with NTLM authentication (docs/httpd.md)", cmd_httpd,
	  cmd_httpd_usage },
	{ "helper", "ntlm_auth helper protocols (squid-2.5-ntlmssp, gss-spnego, ntlmssp-client-1)",
	  cmd_helper, cmd_helper_usage },
	{ "audit", "report NTLM use from audit logs; simulate a policy; propose exceptions",
	  cmd_audit, cmd_audit_usage },
};

#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

void main_usage(FILE *f)
{
	fputs("usage: ntlm <command> [options]\n"
	      "       ntlm help [<command>]\n"
	      "       ntlm -V | --version\n"
	      "       ntlm -h | --help\n"
	      "\n"
	      "commands:\n",
	      f);
	for (size_t i = 0; i < NCMDS; i++)
		fprintf(f, "  %-8s  %s\n", cmds[i].name, cmds[i].summary);
	fputs("  help      show this help, or the help of one command\n"
	      "\n"
	      "Run 'ntlm <command> --help' for the options of a command.\n"
	      "\n"
	      "exit status: 0 success, 1 authentication or policy failure,\n"
	      "             2 usage error or malformed input\n",
	      f);
}

static const struct tool_cmd *find(const char *name)
{
	for (size_t i = 0; i < NCMDS; i++)
		if (strcmp(cmds[i].name, name) == 0)
			return &cmds[i];
	return NULL;
}

static int finish(int rc)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fputs("ntlm: error writing to stdout\n", stderr);
		return EXIT_USAGE;
	}
	return rc;
}

int main(int argc, char **argv)
{
	const struct tool_cmd *c;
	char buf[64];

	/* A file at its size limit (RLIMIT_FSIZE) fails the write with EFBIG,
	 * which every writer handles (the audit log counts the record as lost,
	 * `accounts` removes its temporary file), instead of killing the
	 * program. */
	signal(SIGXFSZ, SIG_IGN);
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *v;
	int ch;

	/* ntlm's own options, before the command ('+': the command and its
	 * arguments are left alone). */
	optind = 1;
	while ((ch = tool_getopt_exact(NULL, argc, argv, "+hV", opts, &v)) != -1) {
		if (ch == 'h') {
			main_usage(stdout);
			return finish(0);
		}
		printf("ntlm (ntlmssp) %s\n", NTLM_VERSION);
		return finish(0);
	}
	argc -= optind - 1;
	argv += optind - 1;
	if (argc < 2)
		usage_error(NULL, "no command given");
	const char *name = argv[1];
	if (strcmp(name, "help") == 0) {
		if (argc == 2) {
			main_usage(stdout);
			return finish(0);
		}
		if (argc > 3)
			usage_error(NULL, "help takes at most one command name");
		c = find(argv[2]);
		if (!c)
			usage_error(NULL, "no command '%s'", safe_arg(argv[2], false, buf, 40));
		c->usage(stdout);
		return finish(0);
	}
	c = find(name);
	if (!c)
		usage_error(NULL, "unknown command '%s'", safe_arg(name, false, buf, 40));
	return finish(c->run(c, argc - 1, argv + 1));
}
