/* SPDX-License-Identifier: MIT */
/*
 * The ntlm command-line tool: shared declarations. The tool is a front end:
 * it includes only the public headers and links the shared library.
 */
#ifndef NTLM_TOOL_H
#define NTLM_TOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <ntlmssp.h>

#ifndef NTLM_VERSION
#define NTLM_VERSION "unknown"
#endif

/* Exit statuses (docs/cli.md). */
#define EXIT_AUTH 1  /* authentication or policy failure */
#define EXIT_USAGE 2 /* usage error, malformed input, I/O or internal error */

struct tool_cmd {
	const char *name;
	const char *summary;
	int (*run)(const struct tool_cmd *self, int argc, char **argv); /* argv[0] = name */
	void (*usage)(FILE *f);
};

/* main.c */
void main_usage(FILE *f);

/* cmd_*.c */
int cmd_hash(const struct tool_cmd *self, int argc, char **argv);
void cmd_hash_usage(FILE *f);
int cmd_decode(const struct tool_cmd *self, int argc, char **argv);
void cmd_decode_usage(FILE *f);
int cmd_accounts(const struct tool_cmd *self, int argc, char **argv);
void cmd_accounts_usage(FILE *f);
int cmd_policy(const struct tool_cmd *self, int argc, char **argv);
void cmd_policy_usage(FILE *f);
int cmd_client(const struct tool_cmd *self, int argc, char **argv);
void cmd_client_usage(FILE *f);
int cmd_server(const struct tool_cmd *self, int argc, char **argv);
void cmd_server_usage(FILE *f);
int cmd_httpd(const struct tool_cmd *self, int argc, char **argv);
void cmd_httpd_usage(FILE *f);
int cmd_helper(const struct tool_cmd *self, int argc, char **argv);
void cmd_helper_usage(FILE *f);
int cmd_audit(const struct tool_cmd *self, int argc, char **argv);
void cmd_audit_usage(FILE *f);

/* util.c */

/* "ntlm <cmd>: <message>", a blank line, the command's usage on stderr, then
 * exit(EXIT_USAGE). c == NULL: the top-level usage. */
__attribute__((noreturn, format(printf, 2, 3))) void usage_error(const struct tool_cmd *c,
								 const char *fmt, ...);

/* "ntlm <cmd>: <STATUS_NAME>: <detail>" on stderr, then exit: 1 for an
 * authentication or policy failure, 2 otherwise. */
__attribute__((noreturn)) void die_status(const struct tool_cmd *c, ntlm_status st);

/* "ntlm <cmd>: <message>" on stderr, then exit(EXIT_USAGE). */
__attribute__((noreturn, format(printf, 2, 3))) void die(const struct tool_cmd *c, const char *fmt,
							 ...);

void *xmalloc(size_t n);

/* Reads all of stdin into a NUL-terminated buffer; *len excludes the NUL.
 * Returns NULL (and sets *len to the bytes seen so far) if there are more
 * than max bytes. Dies on a read error. */
char *read_stdin(const struct tool_cmd *c, size_t max, size_t *len);

/* getopt_long(3) over argv (argv[0]: the command), options and operands in
 * any order, "--" ends the options, a long option may be abbreviated while
 * it stays unambiguous; shortopts without the leading ':' (added here).
 * Returns the option's value (val, or the short letter), -1 at the end
 * (optind: the first operand). An unknown option, or one without its value,
 * is a usage error: "unknown option '--x'", "--x needs a value". The caller
 * sets optind = 0 (glibc's full reset: main() parsed ntlm's own options
 * with getopt first) before the first call. *arg: the option's argument. */
struct option;
int tool_getopt(const struct tool_cmd *c, int argc, char **argv, const char *shortopts,
		const struct option *longopts, const char **arg);

/* tool_getopt with long options matched by their whole name only (an
 * abbreviation is an unknown option): the ntlm subcommands, where
 * "--pass=x" must never be taken for "--password". A leading '+' in
 * shortopts stops at the first operand (ntlm's own options). */
int tool_getopt_exact(const struct tool_cmd *c, int argc, char **argv, const char *shortopts,
		      const struct option *longopts, const char **arg);

/* --config given once or more: the files in order, later wins
 * (ntlm_policy_load_files; docs/policy.md "Several files"). */
#define TOOL_MAX_CONFIGS 16
struct config_list {
	const char *path[TOOL_MAX_CONFIGS];
	size_t n;
};
/* Appends one --config value; an empty name or more than TOOL_MAX_CONFIGS
 * files is a usage error. */
void config_add(const struct tool_cmd *c, struct config_list *l, const char *path);

/* Copies s into buf (truncated to len - 1 bytes) with bytes outside
 * printable ASCII shown as '?' and, with name_only, only up to the first '='
 * (so "--opt=secret" shows as "--opt"): arguments are echoed without risk of
 * terminal escapes or of repeating a secret. Returns buf. */
const char *safe_arg(const char *s, bool name_only, char *buf, size_t len);

/* Wipes memory that held a secret (explicit_bzero). */
void wipe(void *p, size_t n);

/* Passwords are at most this many bytes of UTF-8 (Windows allows 256 UTF-16
 * units); buffers for read_password are one byte larger. */
#define PASSWORD_MAX 1024

enum pw_result { PW_OK, PW_NONE, PW_NUL, PW_LONG, PW_ERROR };

/* The first line of fd into buf, one byte at a time (no stdio buffer keeps
 * a copy), without its "\n" or "\r\n", NUL-terminated. PW_NONE: nothing
 * to read; PW_NUL: a NUL byte; PW_LONG: more than cap - 1 bytes; PW_ERROR:
 * *err holds errno. buf may hold part of the secret on failure. */
enum pw_result read_secret_line(int fd, char *buf, size_t cap, int *err);

/* Whether stdin is a terminal (read_password then prompts with echo off). */
bool stdin_is_tty(void);

/* Reads one password into buf (NUL-terminated; cap >= 2): the first line of
 * stdin, without its \n or \r\n, read with read(2) one byte at a time so no
 * stdio buffer keeps a copy. With a terminal on stdin, prompt is written to
 * stderr and echo is off while reading, and restored before anything else
 * (an error exit or a signal included). Dies, with buf wiped, on no input,
 * a NUL byte, more than cap - 1 bytes or a read error. */
void read_password(const struct tool_cmd *c, const char *prompt, char *buf, size_t cap);

#endif
