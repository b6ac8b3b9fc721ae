/*
 * ntlm hash: NTOWFv1, LMOWFv1 or NTOWFv2 (MS-NLMP 3.3.1, 3.3.2) of a password
 * read from stdin, printed as 32 lowercase hex digits.
 *
 * The password is never taken from the command line (it would show in ps
 * and shell history). It is read with read(2) one byte at a time into one
 * fixed buffer, so no stdio buffer keeps a copy, and wiped before exit.
 */
#include <errno.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "tool.h"

#define PASSWORD_MAX 1024 /* bytes of UTF-8; Windows allows 256 UTF-16 units */

void cmd_hash_usage(FILE *f)
{
	fputs("usage: ntlm hash [--lm | --v2 --user USER [--domain DOMAIN]] < password\n"
	      "\n"
	      "Reads one line from stdin (a trailing \\n or \\r\\n is dropped) as the\n"
	      "password, in UTF-8, and prints its hash as 32 lowercase hex digits.\n"
	      "The password is never accepted on the command line.\n"
	      "\n"
	      "  (default)        NT hash, NTOWFv1 = MD4(UTF-16LE(password))\n"
	      "  --lm             LM hash, LMOWFv1 (passwords of at most 14 OEM bytes)\n"
	      "  --v2             NTOWFv2 = HMAC-MD5(NT hash, UTF-16LE(UPPER(user) domain))\n"
	      "  --user USER      user name for --v2 (required)\n"
	      "  --domain DOMAIN  domain name for --v2 (default: empty)\n"
	      "  -h, --help       show this help\n"
	      "\n"
	      "exit status: 0 success, 2 usage error or a password with no such hash\n",
	      f);
}

/* Reads the first line of stdin into buf (NUL-terminated); dies on errors. */
static void read_password(const struct tool_cmd *c, char *buf, size_t cap)
{
	size_t n = 0;
	bool any = false, newline = false;
	char ch = 0;

	for (;;) {
		ssize_t r = read(STDIN_FILENO, &ch, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			wipe(buf, cap);
			die(c, "reading the password from stdin: %s", strerror(errno));
		}
		if (r == 0)
			break;
		any = true;
		if (ch == '\n') {
			newline = true;
			break;
		}
		if (ch == '\0') {
			wipe(buf, cap);
			die(c, "the password contains a NUL byte");
		}
		if (n + 1 >= cap) {
			wipe(buf, cap);
			wipe(&ch, sizeof(ch));
			die(c, "the password is longer than %d bytes", PASSWORD_MAX);
		}
		buf[n++] = ch;
	}
	wipe(&ch, sizeof(ch));
	if (!any)
		die(c, "no password on stdin");
	if (newline && n && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
}

/* With a terminal on stdin: prompt on stderr and turn echo off. */
static bool echo_off(struct termios *saved)
{
	struct termios t;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, saved) != 0)
		return false;
	fputs("Password: ", stderr);
	fflush(stderr);
	t = *saved;
	t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	return tcsetattr(STDIN_FILENO, TCSAFLUSH, &t) == 0;
}

static void echo_restore(const struct termios *saved)
{
	tcsetattr(STDIN_FILENO, TCSAFLUSH, saved);
	fputc('\n', stderr);
}

int cmd_hash(const struct tool_cmd *self, int argc, char **argv)
{
	bool lm = false, v2 = false;
	const char *user = NULL, *domain = NULL, *v;
	char pw[PASSWORD_MAX + 1], buf[64];
	uint8_t h[16];
	struct termios saved;
	ntlm_status st;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			cmd_hash_usage(stdout);
			return 0;
		} else if (strcmp(a, "--lm") == 0) {
			lm = true;
		} else if (strcmp(a, "--v2") == 0) {
			v2 = true;
		} else if ((v = opt_value(self, argc, argv, &i, "--user")) != NULL) {
			user = v;
		} else if ((v = opt_value(self, argc, argv, &i, "--domain")) != NULL) {
			domain = v;
		} else if (opt_is(a, "--password") || opt_is(a, "-p")) {
			usage_error(self, "the password is read from stdin, never from the "
					  "command line (where ps and shell history would see it)");
		} else if (a[0] == '-' && a[1] != '\0') {
			usage_error(self, "unknown option '%s'", safe_arg(a, true, buf, 40));
		} else {
			/* Do not echo it: it may well be a password. */
			usage_error(self, "unexpected argument (the password is read from stdin)");
		}
	}
	if (lm && v2)
		usage_error(self, "--lm and --v2 exclude each other");
	if (v2 && !user)
		usage_error(self, "--v2 needs --user");
	if (!v2 && (user || domain))
		usage_error(self, "--user and --domain go with --v2");

	bool quiet = echo_off(&saved);
	read_password(self, pw, sizeof(pw));
	if (quiet)
		echo_restore(&saved);

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
