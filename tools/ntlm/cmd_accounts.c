/* SPDX-License-Identifier: MIT */
/*
 * ntlm accounts: add, remove and list the entries of an account store file
 * (docs/accounts.md). The editing (lock, checks, atomic rewrite) is the
 * library's: ntlm_accounts_add / _remove / _list. This file parses the
 * command line, reads the password and turns it into the NT hash, which is
 * all the store keeps.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <ntlmssp/unstable.h>

#include "tool.h"

void cmd_accounts_usage(FILE *f)
{
	fputs("usage: ntlm accounts add --file FILE [--replace] [DOMAIN\\]USER\n"
	      "       ntlm accounts remove --file FILE [DOMAIN\\]USER\n"
	      "       ntlm accounts list --file FILE [--json]\n"
	      "\n"
	      "Edits an account store: a file of DOMAIN:USER:NTHASH lines\n"
	      "(docs/accounts.md). 'add' reads the password from the terminal, twice and\n"
	      "without echo, or as the first line of stdin when stdin is not a terminal,\n"
	      "and stores only its NT hash. 'list' prints the names, never the hashes.\n"
	      "\n"
	      "  -f, --file FILE  the store (created with mode 0600 by 'add' when absent)\n"
	      "  --replace        add: change the hash of an entry that is already there\n"
	      "  --json           list: one JSON object, {\"count\": N, \"accounts\": [{\"name\",\n"
	      "                   \"domain\", \"user\"}, ...]} (the domain ends at the first "
	      "'\\')\n"
	      "  -h, --help       show this help\n"
	      "\n"
	      "DOMAIN\\USER names one entry; USER alone (or \\USER) is the entry with an\n"
	      "empty domain, which matches that user in any domain. Names compare\n"
	      "case-insensitively. Quote the backslash for the shell: 'CORP\\alice'.\n"
	      "\n"
	      "Every edit locks FILE.lock, refuses a file the server could not load,\n"
	      "and replaces FILE atomically; other lines are kept as they are.\n"
	      "\n"
	      "exit status: 0 success, 1 an entry already there (add without\n"
	      "--replace) or not there (remove), 2 usage error, malformed file, a name\n"
	      "that cannot be stored, or an I/O error\n",
	      f);
}

/* Splits [DOMAIN\]USER; *domain is allocated. A malformed name is bad input:
 * one line, no usage. */
static void split_name(const struct tool_cmd *self, const char *arg, char **domain,
		       const char **user)
{
	const char *bs = strchr(arg, '\\');
	char buf[80];

	if (!bs) {
		*domain = xmalloc(1);
		(*domain)[0] = '\0';
		*user = arg;
	} else {
		if (strchr(bs + 1, '\\'))
			die(self, "'%s' has more than one '\\' (expected DOMAIN\\USER or USER)",
			    safe_arg(arg, false, buf, sizeof(buf)));
		*domain = xmalloc((size_t)(bs - arg) + 1);
		memcpy(*domain, arg, (size_t)(bs - arg));
		(*domain)[bs - arg] = '\0';
		*user = bs + 1;
	}
	if (!**user)
		die(self, "'%s' has no user name (expected DOMAIN\\USER or USER)",
		    safe_arg(arg, false, buf, sizeof(buf)));
}

/* "CORP\alice" or "alice", printable, for messages. */
static const char *shown(const char *domain, const char *user, char *buf, size_t len)
{
	char d[64], u[64];

	safe_arg(domain, false, d, sizeof(d));
	safe_arg(user, false, u, sizeof(u));
	snprintf(buf, len, "%s%s%s", d, d[0] ? "\\" : "", u);
	return buf;
}

/* s as the inside of a JSON string (names hold no control characters: the
 * store refuses them; any that came would be \u-escaped). */
static void json_str(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
}

/* `list --json`: the lines of ntlm_accounts_list() as one JSON object. */
static void list_json(const char *list, size_t count)
{
	const char *p = list;
	bool first = true;

	printf("{\"count\": %zu, \"accounts\": [", count);
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		const char *bs = memchr(p, '\\', n);
		size_t dn = bs ? (size_t)(bs - p) : 0;
		const char *u = bs ? bs + 1 : p;
		size_t un = n - (size_t)(u - p);

		if (n > 0) {
			printf("%s{\"name\": \"", first ? "" : ", ");
			json_str(p, n);
			fputs("\", \"domain\": \"", stdout);
			json_str(p, dn);
			fputs("\", \"user\": \"", stdout);
			json_str(u, un);
			fputs("\"}", stdout);
			first = false;
		}
		p += n + (nl ? 1 : 0);
	}
	puts("]}");
}

/* An outcome, not a usage error: the entry is there (add) or is not
 * (remove). One line on stderr, exit 1. */
static int outcome(const struct tool_cmd *self, ntlm_status st, char *domain)
{
	fprintf(stderr, "ntlm %s: %s: %s\n", self->name, ntlm_status_name(st),
		ntlm_error_message());
	free(domain);
	return EXIT_AUTH;
}

/* Reads the password (twice on a terminal) and returns its NT hash. */
static void password_hash(const struct tool_cmd *self, uint8_t h[16])
{
	char pw[PASSWORD_MAX + 1], again[PASSWORD_MAX + 1];
	ntlm_status st;

	if (stdin_is_tty()) {
		read_password(self, "Password: ", pw, sizeof(pw));
		read_password(self, "Retype password: ", again, sizeof(again));
		bool same = strcmp(pw, again) == 0;
		wipe(again, sizeof(again));
		if (!same) {
			wipe(pw, sizeof(pw));
			die(self, "the passwords do not match; nothing was changed");
		}
	} else {
		read_password(self, "", pw, sizeof(pw));
	}
	if (pw[0] == '\0') {
		wipe(pw, sizeof(pw));
		die(self, "the password is empty; an account needs a password");
	}
	st = ntlm_hash_nt(pw, h);
	wipe(pw, sizeof(pw));
	if (st != NTLM_OK)
		die_status(self, st);
}

enum { OPT_REPLACE = 256, OPT_JSON, OPT_PASSWORD };

static const struct option accounts_opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "file", required_argument, NULL, 'f' },
	{ "replace", no_argument, NULL, OPT_REPLACE },
	{ "json", no_argument, NULL, OPT_JSON },
	/* refused with a message of its own */
	{ "password", optional_argument, NULL, OPT_PASSWORD },
	{ NULL, 0, NULL, 0 },
};

int cmd_accounts(const struct tool_cmd *self, int argc, char **argv)
{
	const char *action, *file = NULL, *name = NULL, *user = NULL, *v;
	char *domain = NULL, *list = NULL, buf[64], who[160];
	bool replace = false, json = false;
	int ch;
	uint8_t h[16];
	size_t count = 0;
	ntlm_status st;

	if (argc < 2)
		usage_error(self, "no action given (add, remove or list)");
	action = argv[1];
	if (strcmp(action, "-h") == 0 || strcmp(action, "--help") == 0) {
		cmd_accounts_usage(stdout);
		return 0;
	}
	if (strcmp(action, "add") != 0 && strcmp(action, "remove") != 0 &&
	    strcmp(action, "list") != 0)
		usage_error(self, "unknown action '%s' (add, remove or list)",
			    safe_arg(action, true, buf, 40));
	optind = 0;
	while ((ch = tool_getopt_exact(self, argc - 1, argv + 1, "hf:p", accounts_opts, &v)) !=
	       -1) {
		switch (ch) {
		case 'h':
			cmd_accounts_usage(stdout);
			return 0;
		case 'f':
			file = v;
			break;
		case OPT_REPLACE:
			replace = true;
			break;
		case OPT_JSON:
			json = true;
			break;
		default: /* -p, --password[=...] */
			usage_error(self, "the password is read from the terminal or stdin, never "
					  "from the command line");
		}
	}
	if (argc - 1 - optind > 1)
		usage_error(self, "more than one name given");
	if (optind < argc - 1)
		name = argv[1 + optind];
	if (!file)
		usage_error(self, "%s needs --file FILE", action);
	if (!*file)
		usage_error(self, "--file needs a file name");
	if (replace && strcmp(action, "add") != 0)
		usage_error(self, "--replace goes with add");
	if (json && strcmp(action, "list") != 0)
		usage_error(self, "--json goes with list");

	if (strcmp(action, "list") == 0) {
		if (name)
			usage_error(self, "list takes no name");
		st = ntlm_accounts_list(file, &list, &count);
		if (st != NTLM_OK)
			die_status(self, st);
		if (json)
			list_json(list, count);
		else
			fputs(list, stdout);
		ntlm_free(list);
		return 0;
	}
	if (!name)
		usage_error(self, "%s needs a name: [DOMAIN\\]USER", action);
	split_name(self, name, &domain, &user);

	if (strcmp(action, "remove") == 0) {
		st = ntlm_accounts_remove(file, domain, user);
		if (st == NTLM_E_NO_SUCH_USER)
			return outcome(self, st, domain);
		if (st != NTLM_OK)
			die_status(self, st);
		printf("removed %s\n", shown(domain, user, who, sizeof(who)));
		free(domain);
		return 0;
	}

	password_hash(self, h);
	st = ntlm_accounts_add(file, domain, user, h, replace ? NTLM_ACCOUNTS_REPLACE : 0);
	wipe(h, sizeof(h));
	/* The library says "already there" with NTLM_E_INVALID_ARGUMENT and this
	 * message (unstable.h); a malformed name is the same status, exit 2. */
	if (st == NTLM_E_INVALID_ARGUMENT && !replace &&
	    strstr(ntlm_error_message(), " is already there"))
		return outcome(self, st, domain);
	if (st != NTLM_OK)
		die_status(self, st);
	printf("%s %s\n", replace ? "set" : "added", shown(domain, user, who, sizeof(who)));
	free(domain);
	return 0;
}
