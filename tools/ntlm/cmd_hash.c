/* SPDX-License-Identifier: MIT */
/*
 * ntlm hash: NTOWFv1, LMOWFv1 or NTOWFv2 (MS-NLMP 3.3.1, 3.3.2) of a password
 * read from stdin, printed as 32 lowercase hex digits.
 *
 * The password is never taken from the command line (it would show in ps
 * and shell history). It is read with read(2) one byte at a time into one
 * fixed buffer, so no stdio buffer keeps a copy, and wiped before exit.
 */
#include <getopt.h>
#include <string.h>

#include "tool.h"

void cmd_hash_usage(FILE *f)
{
	fputs("usage: ntlm hash [--lm | --v2 -u USER [-d DOMAIN]] < password\n"
	      "\n"
	      "Reads one line from stdin (a trailing \\n or \\r\\n is dropped) as the\n"
	      "password, in UTF-8, and prints its hash as 32 lowercase hex digits.\n"
	      "The password is never accepted on the command line.\n"
	      "\n"
	      "  (default)            NT hash, NTOWFv1 = MD4(UTF-16LE(password))\n"
	      "  --lm                 LM hash, LMOWFv1 (passwords of at most 14 OEM bytes)\n"
	      "  --v2                 NTOWFv2 = HMAC-MD5(NT hash, UTF-16LE(UPPER(user) domain))\n"
	      "  -u, --user USER      user name for --v2 (required)\n"
	      "  -d, --domain DOMAIN  domain name for --v2 (default: empty)\n"
	      "  -h, --help           show this help\n"
	      "\n"
	      "exit status: 0 success, 2 usage error or a password with no such hash\n",
	      f);
}

enum { OPT_LM = 256, OPT_V2, OPT_PASSWORD };

static const struct option hash_opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "lm", no_argument, NULL, OPT_LM },
	{ "v2", no_argument, NULL, OPT_V2 },
	{ "user", required_argument, NULL, 'u' },
	{ "domain", required_argument, NULL, 'd' },
	/* refused with a message of its own */
	{ "password", optional_argument, NULL, OPT_PASSWORD },
	{ NULL, 0, NULL, 0 },
};

int cmd_hash(const struct tool_cmd *self, int argc, char **argv)
{
	bool lm = false, v2 = false;
	const char *user = NULL, *domain = NULL, *v;
	char pw[PASSWORD_MAX + 1];
	int ch;
	uint8_t h[16];
	ntlm_status st;

	optind = 0;
	while ((ch = tool_getopt_exact(self, argc, argv, "hu:d:p", hash_opts, &v)) != -1) {
		switch (ch) {
		case 'h':
			cmd_hash_usage(stdout);
			return 0;
		case OPT_LM:
			lm = true;
			break;
		case OPT_V2:
			v2 = true;
			break;
		case 'u':
			user = v;
			break;
		case 'd':
			domain = v;
			break;
		default: /* -p, --password[=...] */
			usage_error(self, "the password is read from stdin, never from the "
					  "command line (where ps and shell history would see it)");
		}
	}
	if (optind < argc) /* Do not echo it: it may well be a password. */
		usage_error(self, "unexpected argument (the password is read from stdin)");
	if (lm && v2)
		usage_error(self, "--lm and --v2 exclude each other");
	if (v2 && !user)
		usage_error(self, "--v2 needs --user");
	if (!v2 && (user || domain))
		usage_error(self, "--user and --domain go with --v2");

	read_password(self, "Password: ", pw, sizeof(pw));

	if (lm)
		st = ntlm_hash_lm(pw, h);
	else if (v2)
		st = ntlm_hash_ntv2(pw, user, domain ? domain : "", h);
	else
		st = ntlm_hash_nt(pw, h);
	wipe(pw, sizeof(pw));
	if (st != NTLM_OK)
		die_status(self, st);
	for (size_t i = 0; i < sizeof(h); i++)
		printf("%02x", h[i]);
	putchar('\n');
	wipe(h, sizeof(h));
	return 0;
}
