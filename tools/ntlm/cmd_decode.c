/* SPDX-License-Identifier: MIT */
/*
 * ntlm decode: every field of one NEGOTIATE, CHALLENGE or AUTHENTICATE
 * message, as text or JSON. The token comes from the arguments (joined with
 * spaces, so an unquoted header line works) or from stdin.
 */
#include <stdlib.h>
#include <string.h>

#include <ntlmssp/unstable.h>

#include "tool.h"

/* Generous for a 2888-byte token as hex with whitespace, or as a header. */
#define INPUT_MAX 65536

void cmd_decode_usage(FILE *f)
{
	fputs("usage: ntlm decode [--json] [TOKEN | -]\n"
	      "\n"
	      "Shows every field of one NTLM NEGOTIATE, CHALLENGE or AUTHENTICATE\n"
	      "message. TOKEN is taken from the arguments (several are joined with\n"
	      "spaces) or, when absent or '-', from all of stdin. Accepted forms:\n"
	      "  TlRMTVNTUAAB...                        base64 (strict, padded)\n"
	      "  NTLM TlRM...  /  Negotiate TlRM...     scheme and base64\n"
	      "  Authorization: NTLM TlRM...            a whole header line (also\n"
	      "                                         Proxy-Authorization,\n"
	      "                                         WWW-Authenticate,\n"
	      "                                         Proxy-Authenticate)\n"
	      "  4e544c4d53535000...                    hex, whitespace allowed\n"
	      "\n"
	      "  --json      one JSON object instead of 'field: value' lines\n"
	      "  -h, --help  show this help\n"
	      "\n"
	      "exit status: 0 success, 2 usage error or malformed token (the reason\n"
	      "is printed on stderr as 'ntlm decode: STATUS_NAME: detail')\n",
	      f);
}

/* Joins the n arguments with single spaces. */
static char *join(char **args, int n)
{
	size_t len = 1;
	for (int i = 0; i < n; i++)
		len += strlen(args[i]) + 1;
	char *s = xmalloc(len), *p = s;
	for (int i = 0; i < n; i++) {
		size_t l = strlen(args[i]);
		if (i > 0)
			*p++ = ' ';
		memcpy(p, args[i], l);
		p += l;
	}
	*p = '\0';
	return s;
}

/* Prints the status line and exits; used for every malformed input. */
__attribute__((noreturn)) static void bad_input(const struct tool_cmd *self, ntlm_status st,
						const char *detail)
{
	fprintf(stderr, "ntlm %s: %s: %s\n", self->name, ntlm_status_name(st), detail);
	exit(EXIT_USAGE);
}

int cmd_decode(const struct tool_cmd *self, int argc, char **argv)
{
	unsigned format = NTLM_DESCRIBE_TEXT;
	bool options = true;
	char **pos, *text, *desc = NULL, buf[64];
	int npos = 0;
	uint8_t *tok = NULL;
	size_t len, tlen;
	ntlm_status st;

	/* No token form starts with '-', so options may come anywhere. */
	pos = xmalloc(sizeof(*pos) * (size_t)argc);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!options || a[0] != '-' || a[1] == '\0') {
			pos[npos++] = argv[i];
		} else if (strcmp(a, "--") == 0) {
			options = false;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			free(pos);
			cmd_decode_usage(stdout);
			return 0;
		} else if (strcmp(a, "--json") == 0) {
			format = NTLM_DESCRIBE_JSON;
		} else {
			usage_error(self, "unknown option '%s'", safe_arg(a, true, buf, 40));
		}
	}

	if (npos == 0 || (npos == 1 && strcmp(pos[0], "-") == 0)) {
		text = read_stdin(self, INPUT_MAX, &len);
		if (!text)
			bad_input(self, NTLM_E_TOKEN_TOO_LARGE,
				  "input text is longer than 65536 bytes");
		if (memchr(text, '\0', len)) {
			free(text);
			bad_input(self, NTLM_E_BAD_ENCODING,
				  "input contains a NUL byte (binary data, not token text)");
		}
	} else {
		for (int i = 0; i < npos; i++)
			if (strcmp(pos[i], "-") == 0)
				usage_error(self, "'-' (stdin) must be the only token argument");
		text = join(pos, npos);
	}
	free(pos);

	st = ntlm_token_from_text(text, &tok, &tlen);
	free(text);
	if (st != NTLM_OK)
		die_status(self, st);
	st = ntlm_token_describe(tok, tlen, format, &desc);
	ntlm_free(tok);
	if (st != NTLM_OK)
		die_status(self, st);
	fputs(desc, stdout);
	ntlm_free(desc);
	return 0;
}
