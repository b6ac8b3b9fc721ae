/* SPDX-License-Identifier: MIT */
/* Helpers for the ntlm tool only: dying with a message, reading stdin and
 * passwords. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "tool.h"

static void vmsg(const struct tool_cmd *c, const char *fmt, va_list ap)
{
	if (c)
		fprintf(stderr, "ntlm %s: ", c->name);
	else
		fputs("ntlm: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void usage_error(const struct tool_cmd *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg(c, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (c)
		c->usage(stderr);
	else
		main_usage(stderr);
	exit(EXIT_USAGE);
}

void die(const struct tool_cmd *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg(c, fmt, ap);
	va_end(ap);
	exit(EXIT_USAGE);
}

void die_status(const struct tool_cmd *c, ntlm_status st)
{
	const char *detail = ntlm_error_message();
	enum ntlm_status_kind kind = ntlm_status_kind(st);

	if (!detail || !*detail)
		detail = ntlm_status_text(st);
	if (c)
		fprintf(stderr, "ntlm %s: %s: %s\n", c->name, ntlm_status_name(st), detail);
	else
		fprintf(stderr, "ntlm: %s: %s\n", ntlm_status_name(st), detail);
	exit(kind == NTLM_KIND_AUTH_FAILED || kind == NTLM_KIND_POLICY_DENIED ? EXIT_AUTH
									      : EXIT_USAGE);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p) {
		fputs("ntlm: out of memory\n", stderr);
		exit(EXIT_USAGE);
	}
	return p;
}

char *read_stdin(const struct tool_cmd *c, size_t max, size_t *len)
{
	char *buf = xmalloc(max + 2);
	size_t n = 0;

	/* Read up to max + 1 bytes: one more than allowed tells "too long". */
	while (n < max + 1) {
		ssize_t r = read(STDIN_FILENO, buf + n, max + 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			die(c, "reading stdin: %s", strerror(errno));
		if (r == 0)
			break;
		n += (size_t)r;
	}
	*len = n;
	if (n > max) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

/* The argument that held the long option longopts[idx] getopt_long just
 * returned: argv[optind - 1], or argv[optind - 2] when its value was the
 * next argument ("--name value"). */
static const char *long_arg(int argc, char **argv, const struct option *o)
{
	if (optind < 1 || optind > argc)
		return "";
	if (o->has_arg == required_argument && optind >= 2 && optarg == argv[optind - 1])
		return argv[optind - 2];
	return argv[optind - 1];
}

static int getopt_common(const struct tool_cmd *c, int argc, char **argv, const char *shortopts,
			 const struct option *longopts, const char **arg, bool exact)
{
	char opts[64], buf[64];
	int ch, idx = -1;

	/* ':' first (after a '+', which stops at the first operand): a missing
	 * value is ':', not '?'; no message of getopt's. */
	if (shortopts[0] == '+')
		snprintf(opts, sizeof(opts), "+:%s", shortopts + 1);
	else
		snprintf(opts, sizeof(opts), ":%s", shortopts);
	opterr = 0;
	ch = getopt_long(argc, argv, opts, longopts, &idx);
	*arg = optarg;
	if (ch != '?' && ch != ':') {
		if (exact && idx >= 0) {
			/* Only the whole name: getopt_long took an abbreviation. */
			const char *a = long_arg(argc, argv, &longopts[idx]);
			const char *name = strncmp(a, "--", 2) == 0 ? a + 2 : "";
			size_t n = strcspn(name, "=");
			if (n != strlen(longopts[idx].name) ||
			    strncmp(name, longopts[idx].name, n) != 0)
				usage_error(c, "unknown option '%s'", safe_arg(a, true, buf, 40));
		}
		return ch;
	}
	/* The option at fault: a long one is the argument getopt just passed
	 * (argv[optind - 1]); a short one is optopt. */
	const char *prev = optind > 0 && optind <= argc ? argv[optind - 1] : "";
	bool is_long = strncmp(prev, "--", 2) == 0 && prev[2] != '\0';
	char shown[4] = { '-', (char)optopt, '\0', '\0' };
	if (ch == '?' && is_long && !exact) {
		/* an abbreviation of several long options */
		size_t n = strcspn(prev + 2, "=");
		unsigned matches = 0;
		for (const struct option *o = longopts; o && o->name; o++)
			matches += strncmp(o->name, prev + 2, n) == 0;
		if (matches > 1 && n > 0)
			usage_error(c, "ambiguous option '%s' (%u options start so)",
				    safe_arg(prev, true, buf, 40), matches);
	}
	if (ch == '?') {
		if (is_long || !optopt || optopt < 0x21 || optopt > 0x7e)
			usage_error(c, "unknown option '%s'",
				    safe_arg(is_long ? prev : "-?", true, buf, 40));
		usage_error(c, "unknown option '%s'", shown);
	}
	if (exact && is_long) {
		bool whole = false;
		for (const struct option *o = longopts; o && o->name; o++)
			whole |= strcmp(o->name, prev + 2) == 0;
		if (!whole)
			usage_error(c, "unknown option '%s'", safe_arg(prev, true, buf, 40));
	}
	usage_error(c, "%s needs a value", is_long ? safe_arg(prev, true, buf, 40) : shown);
}

int tool_getopt(const struct tool_cmd *c, int argc, char **argv, const char *shortopts,
		const struct option *longopts, const char **arg)
{
	return getopt_common(c, argc, argv, shortopts, longopts, arg, false);
}

int tool_getopt_exact(const struct tool_cmd *c, int argc, char **argv, const char *shortopts,
		      const struct option *longopts, const char **arg)
{
	return getopt_common(c, argc, argv, shortopts, longopts, arg, true);
}

void config_add(const struct tool_cmd *c, struct config_list *l, const char *path)
{
	if (!*path)
		usage_error(c, "--config needs a file name");
	if (l->n >= TOOL_MAX_CONFIGS)
		usage_error(c, "--config: at most %d files", TOOL_MAX_CONFIGS);
	l->path[l->n++] = path;
}

const char *safe_arg(const char *s, bool name_only, char *buf, size_t len)
{
	size_t k = 0;
	for (size_t i = 0; s[i] && k + 1 < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (name_only && ch == '=')
			break;
		buf[k++] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
	}
	buf[k] = '\0';
	return buf;
}

void wipe(void *p, size_t n)
{
	explicit_bzero(p, n);
}

/* ---- passwords --------------------------------------------------------- */

bool stdin_is_tty(void)
{
	return isatty(STDIN_FILENO) == 1;
}

/* The terminal's settings while echo is off, for the signal handler. */
static struct termios tty_saved;
static volatile sig_atomic_t tty_quiet;

static const int tty_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

/* A signal while echo is off: turn it back on, then die of the signal. */
static void tty_signal(int sig)
{
	if (tty_quiet)
		tcsetattr(STDIN_FILENO, TCSANOW, &tty_saved);
	signal(sig, SIG_DFL);
	raise(sig);
}

enum pw_result read_secret_line(int fd, char *buf, size_t cap, int *err)
{
	size_t n = 0;
	bool any = false, newline = false;
	enum pw_result res = PW_OK;
	char ch = 0;

	for (;;) {
		ssize_t r = read(fd, &ch, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			*err = errno;
			res = PW_ERROR;
			goto out;
		}
		if (r == 0)
			break;
		any = true;
		if (ch == '\n') {
			newline = true;
			break;
		}
		if (ch == '\0') {
			res = PW_NUL;
			goto out;
		}
		if (n + 1 >= cap) {
			res = PW_LONG;
			goto out;
		}
		buf[n++] = ch;
	}
	if (!any) {
		res = PW_NONE;
		goto out;
	}
	if (newline && n && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
out:
	wipe(&ch, sizeof(ch));
	return res;
}

void read_password(const struct tool_cmd *c, const char *prompt, char *buf, size_t cap)
{
	struct sigaction sa, old[sizeof(tty_signals) / sizeof(tty_signals[0])];
	struct termios t;
	enum pw_result res;
	int err = 0;

	if (stdin_is_tty() && tcgetattr(STDIN_FILENO, &tty_saved) == 0) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = tty_signal;
		sigemptyset(&sa.sa_mask);
		for (size_t i = 0; i < sizeof(tty_signals) / sizeof(tty_signals[0]); i++)
			sigaction(tty_signals[i], &sa, &old[i]);
		/* Echo off first: what is typed once the prompt shows is not echoed. */
		t = tty_saved;
		t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		tty_quiet = tcsetattr(STDIN_FILENO, TCSAFLUSH, &t) == 0;
		fputs(prompt, stderr);
		fflush(stderr);
		res = read_secret_line(STDIN_FILENO, buf, cap, &err);
		if (tty_quiet) {
			tcsetattr(STDIN_FILENO, TCSAFLUSH, &tty_saved);
			fputc('\n', stderr);
		}
		tty_quiet = 0;
		for (size_t i = 0; i < sizeof(tty_signals) / sizeof(tty_signals[0]); i++)
			sigaction(tty_signals[i], &old[i], NULL);
	} else {
		res = read_secret_line(STDIN_FILENO, buf, cap, &err);
	}
	if (res == PW_OK)
		return;
	wipe(buf, cap);
	switch (res) {
	case PW_NONE:
		die(c, "no password on stdin");
	case PW_NUL:
		die(c, "the password contains a NUL byte");
	case PW_LONG:
		die(c, "the password is longer than %zu bytes", cap - 1);
	default:
		die(c, "reading the password from stdin: %s", strerror(err));
	}
}
