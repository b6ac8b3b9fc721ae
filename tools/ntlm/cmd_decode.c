/* SPDX-License-Identifier: MIT */
/*
 * ntlm decode: every field of one NEGOTIATE, CHALLENGE or AUTHENTICATE
 * message, as text or JSON. The token comes from the arguments (joined with
 * spaces, so an unquoted header line works) or from stdin. A SPNEGO token
 * (what `Negotiate` carries from a browser or MIT GSSAPI) is recognised by
 * its DER tag, decoded by the library (ntlm_spnego_decode), and the NTLM
 * message inside it, if any, shown below its SPNEGO fields.
 */
#include <getopt.h>
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
	      "A SPNEGO token (NegTokenInit or NegTokenResp, RFC 4178) is shown too:\n"
	      "its fields, then the NTLM message it carries, if any.\n"
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

static const char *neg_state_name(int st)
{
	switch (st) {
	case NTLM_SPNEGO_ACCEPT_COMPLETED:
		return "accept-completed";
	case NTLM_SPNEGO_ACCEPT_INCOMPLETE:
		return "accept-incomplete";
	case NTLM_SPNEGO_REJECT:
		return "reject";
	case NTLM_SPNEGO_REQUEST_MIC:
		return "request-mic";
	default:
		return NULL;
	}
}

/* "NAME (DOTTED)" or "DOTTED" of an OID's content octets, into b. */
static void mech_text(struct ntlm_buf *b, const struct ntlm_spnego_bytes *oid, bool json)
{
	const char *name = ntlm_spnego_mech_name(oid->p, oid->len);
	struct ntlm_buf d = { 0 };

	ntlm_spnego_oid_text(&d, oid->p, oid->len);
	if (json) {
		ntlm_buf_puts(b, "{\"oid\":");
		ntlm_buf_json(b, d.p ? d.p : "");
		ntlm_buf_puts(b, ",\"name\":");
		if (name)
			ntlm_buf_json(b, name);
		else
			ntlm_buf_puts(b, "null");
		ntlm_buf_puts(b, "}");
	} else if (name) {
		ntlm_buf_printf(b, "%s (%s)", name, d.p ? d.p : "");
	} else {
		ntlm_buf_puts(b, d.p ? d.p : "");
	}
	ntlm_buf_free(&d);
}

static bool is_ntlmssp(const struct ntlm_spnego_bytes *t)
{
	return t->p && t->len >= 8 && memcmp(t->p, "NTLMSSP", 8) == 0;
}

/*
 * A SPNEGO token: its fields, then the NTLM message inside (described as
 * usual), as text lines or one JSON object {"spnego":{...},"ntlm":{...}}.
 */
static int decode_spnego(const struct tool_cmd *self, const uint8_t *tok, size_t len,
			 unsigned format)
{
	struct ntlm_spnego_token t;
	struct ntlm_buf b = { 0 };
	bool json = format == NTLM_DESCRIBE_JSON;
	char *inner = NULL;
	ntlm_status st;

	st = ntlm_spnego_decode(tok, len, &t);
	if (st != NTLM_OK) {
		const char *d = ntlm_error_message();
		fprintf(stderr,
			"ntlm %s: %s: GSSAPI/SPNEGO framing (DER tag 0x%02x), but not a SPNEGO "
			"token this command reads: "
			"%s\n",
			self->name, ntlm_status_name(st), tok[0],
			d && *d ? d : ntlm_status_text(st));
		exit(EXIT_USAGE);
	}
	bool init = t.kind == NTLM_SPNEGO_INIT;
	const char *state = init ? NULL : neg_state_name(t.neg_state);
	if (json) {
		ntlm_buf_printf(&b, "{\"spnego\":{\"type\":\"%s\"",
				init ? "NegTokenInit" : "NegTokenResp");
		if (init) {
			ntlm_buf_puts(&b, ",\"mech_types\":[");
			for (size_t i = 0; i < t.n_mechs; i++) {
				if (i)
					ntlm_buf_puts(&b, ",");
				mech_text(&b, &t.mechs[i], true);
			}
			ntlm_buf_puts(&b, "]");
		} else {
			ntlm_buf_puts(&b, ",\"neg_state\":");
			if (state)
				ntlm_buf_json(&b, state);
			else
				ntlm_buf_puts(&b, "null");
			ntlm_buf_puts(&b, ",\"supported_mech\":");
			if (t.supported_mech.p)
				mech_text(&b, &t.supported_mech, true);
			else
				ntlm_buf_puts(&b, "null");
		}
		ntlm_buf_printf(&b, ",\"mech_token_length\":%zu,\"mech_list_mic_length\":%zu}",
				t.mech_token.p ? t.mech_token.len : 0,
				t.mech_list_mic.p ? t.mech_list_mic.len : 0);
	} else {
		ntlm_buf_printf(&b, "spnego: %s\n", init ? "NegTokenInit" : "NegTokenResp");
		if (init) {
			ntlm_buf_puts(&b, "spnego_mech_types:");
			for (size_t i = 0; i < t.n_mechs; i++) {
				ntlm_buf_puts(&b, i ? ", " : " ");
				mech_text(&b, &t.mechs[i], false);
			}
			ntlm_buf_puts(&b, "\n");
		} else {
			ntlm_buf_printf(&b, "spnego_neg_state: %s\n", state ? state : "absent");
			ntlm_buf_puts(&b, "spnego_supported_mech: ");
			if (t.supported_mech.p)
				mech_text(&b, &t.supported_mech, false);
			else
				ntlm_buf_puts(&b, "absent");
			ntlm_buf_puts(&b, "\n");
		}
		if (t.mech_token.p)
			ntlm_buf_printf(&b, "spnego_mech_token: %zu bytes%s\n", t.mech_token.len,
					is_ntlmssp(&t.mech_token)
						? ", an NTLM message (below)"
						: ", not an NTLM message (another mechanism's)");
		else
			ntlm_buf_puts(&b, "spnego_mech_token: absent\n");
		if (t.mech_list_mic.p)
			ntlm_buf_printf(&b, "spnego_mech_list_mic: %zu bytes\n",
					t.mech_list_mic.len);
		else
			ntlm_buf_puts(&b, "spnego_mech_list_mic: absent\n");
	}
	if (is_ntlmssp(&t.mech_token)) {
		st = ntlm_token_describe(t.mech_token.p, t.mech_token.len, format, &inner);
		if (st != NTLM_OK) {
			const char *d = ntlm_error_message();
			ntlm_buf_free(&b);
			fprintf(stderr,
				"ntlm %s: %s: the NTLM message inside the SPNEGO token: %s\n",
				self->name, ntlm_status_name(st),
				d && *d ? d : ntlm_status_text(st));
			exit(EXIT_USAGE);
		}
	}
	if (json) {
		ntlm_buf_puts(&b, ",\"ntlm\":");
		if (inner) {
			size_t n = strlen(inner);
			while (n && inner[n - 1] == '\n')
				n--;
			inner[n] = '\0';
			ntlm_buf_puts(&b, inner);
		} else {
			ntlm_buf_puts(&b, "null");
		}
		ntlm_buf_puts(&b, "}\n");
	} else if (inner) {
		ntlm_buf_puts(&b, inner);
	}
	ntlm_free(inner);
	if (b.err != NTLM_OK)
		die_status(self, b.err);
	fputs(b.p, stdout);
	ntlm_buf_free(&b);
	return 0;
}

enum { OPT_JSON = 256 };

static const struct option decode_opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ NULL, 0, NULL, 0 },
};

int cmd_decode(const struct tool_cmd *self, int argc, char **argv)
{
	unsigned format = NTLM_DESCRIBE_TEXT;
	char **pos, *text, *desc = NULL;
	const char *v;
	int npos, ch;
	uint8_t *tok = NULL;
	size_t len, tlen;
	ntlm_status st;

	/* No token form starts with '-', so options may come anywhere. */
	optind = 0;
	while ((ch = tool_getopt_exact(self, argc, argv, "h", decode_opts, &v)) != -1) {
		if (ch == 'h') {
			cmd_decode_usage(stdout);
			return 0;
		}
		format = NTLM_DESCRIBE_JSON; /* OPT_JSON */
	}
	pos = argv + optind;
	npos = argc - optind;

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

	st = ntlm_token_from_text(text, &tok, &tlen);
	free(text);
	if (st != NTLM_OK)
		die_status(self, st);
	/* SPNEGO: an InitialContextToken (0x60, NegTokenInit inside) or a
	 * NegTokenResp (0xa1); a bare NegTokenInit (0xa0) is refused by the
	 * decoder with its reason. NTLMSSP tokens start with 'N'. */
	if (tlen >= 2 && (tok[0] == 0x60 || tok[0] == 0xa0 || tok[0] == 0xa1)) {
		int rc = decode_spnego(self, tok, tlen, format);
		ntlm_free(tok);
		return rc;
	}
	st = ntlm_token_describe(tok, tlen, format, &desc);
	ntlm_free(tok);
	if (st != NTLM_OK)
		die_status(self, st);
	fputs(desc, stdout);
	ntlm_free(desc);
	return 0;
}
