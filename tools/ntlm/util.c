/* Helpers for the ntlm tool only: dying with a message, reading stdin. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
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

bool opt_is(const char *arg, const char *name)
{
	size_t n = strlen(name);
	return strncmp(arg, name, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

const char *opt_value(const struct tool_cmd *c, int argc, char **argv, int *i, const char *name)
{
	const char *a = argv[*i];
	size_t n = strlen(name);

	if (strncmp(a, name, n) != 0)
		return NULL;
	if (a[n] == '=')
		return a + n + 1;
	if (a[n] != '\0')
		return NULL;
	if (*i + 1 >= argc)
		usage_error(c, "%s needs a value", name);
	return argv[++*i];
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
