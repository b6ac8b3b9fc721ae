/* SPDX-License-Identifier: MIT */
/*
 * ntlm helper --protocol squid-2.5-ntlmssp: an NTLM server speaking Samba
 * ntlm_auth's helper line protocol, so Squid (`auth_param ntlm program`)
 * and anything scripted against ntlm_auth can authenticate through our
 * policy, our audit and our account backends (a file, winbind, or both).
 *
 * One request per line on stdin, one answer per line on stdout:
 *   YR <negotiate>     -> TT <challenge>        a new handshake
 *   KK <authenticate>  -> AF DOMAIN\user        authenticated (canonical names)
 *                      -> NA <reason>           refused (password, account, policy)
 *                      -> BH <reason>           the helper cannot answer (malformed
 *                                               request, no handshake, domain unreachable)
 *   KK <negotiate>     -> TT <challenge>        as YR (a client that starts over)
 *   GK                 -> GK <session key>      after AF (base64), else BH
 *   GF                 -> GF <flags>            after AF or TT (hex), else BH
 * Tokens are base64. The helper is stateful: one handshake at a time, as
 * Squid runs NTLM helpers. docs/domain.md.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ntlmssp/unstable.h>

#include "peer.h"
#include "tool.h"

void cmd_helper_usage(FILE *f)
{
	fputs("usage: ntlm helper --protocol squid-2.5-ntlmssp [--accounts SPEC]\n"
	      "                   [--config F | --profile NAME] [--audit F]\n"
	      "\n"
	      "Answers Samba ntlm_auth helper requests on stdin (YR/KK/GK/GF), one per\n"
	      "line: TT <challenge>, AF DOMAIN\\user, NA <reason> or BH <reason>.\n"
	      "For Squid: auth_param ntlm program /usr/bin/ntlm helper --protocol\n"
	      "squid-2.5-ntlmssp --accounts winbind (docs/domain.md).\n"
	      "\n"
	      "  --protocol NAME  squid-2.5-ntlmssp (the only one so far)\n"
	      "  --accounts SPEC  file:PATH, winbind, or both in lookup order\n"
	      "                   (\"file:PATH, winbind\"); a bare PATH is a file;\n"
	      "                   default: the policy's [ntlmssp] Accounts\n"
	      "  -c, --config F   policy file (docs/policy.md)\n"
	      "  -p, --profile NAME  a built-in policy profile instead (default: cis)\n"
	      "  --audit F        JSON Lines audit file (docs/audit-events.md) instead of\n"
	      "                   the policy's AuditLog (default: syslog)\n"
	      "  -h, --help       show this help\n"
	      "\n"
	      "exit status: 0 at the end of input, 2 a usage error or a setup failure\n",
	      f);
}

#define HELPER_LINE_MAX 8192 /* a base64 token of NTLM_MAX_TOKEN is under 4 KiB */

struct helper {
	struct ntlm_policy *policy;
	struct ntlm_accounts *accounts;
	struct ntlm_audit *audit;
	struct ntlm_ctx *ctx;
	bool waiting; /* a CHALLENGE was sent: a KK is expected */
	bool done;    /* the last KK authenticated */
};

/* One answer line: code, a space and text (when not NULL), "\n". Text from
 * the library or the peer is kept on one line. */
static bool reply(const char *code, const char *text)
{
	char line[HELPER_LINE_MAX + 16];
	size_t n = 0, i;

	n = (size_t)snprintf(line, sizeof(line), "%s", code);
	if (text) {
		line[n++] = ' ';
		for (i = 0; text[i] && n < sizeof(line) - 2; i++) {
			unsigned char ch = (unsigned char)text[i];
			line[n++] = (ch < 0x20 || ch == 0x7f) ? '?' : (char)ch;
		}
	}
	line[n++] = '\n';
	return fe_write_all(STDOUT_FILENO, line, n);
}

/* NA carries the status and its fixed sentence only (the details, such as
 * which check failed, are for the audit log, not for the peer); BH carries
 * the detail, for the operator reading Squid's cache.log. */
static bool reply_status(const char *code, ntlm_status st)
{
	char text[512];
	if (strcmp(code, "NA") == 0)
		snprintf(text, sizeof(text), "%s: %s", ntlm_status_name(st), ntlm_status_text(st));
	else
		snprintf(text, sizeof(text), "%s: %s", ntlm_status_name(st), ntlm_error_message());
	return reply(code, text);
}

static void reset(struct helper *h)
{
	ntlm_ctx_free(h->ctx);
	h->ctx = NULL;
	h->waiting = false;
	h->done = false;
}

/* Is the token an NTLMSSP NEGOTIATE (type 1)? */
static bool is_negotiate(const uint8_t *p, size_t len)
{
	static const uint8_t sig[8] = { 'N', 'T', 'L', 'M', 'S', 'S', 'P', 0 };
	return len >= 12 && memcmp(p, sig, 8) == 0 && p[8] == 1 && p[9] == 0 && p[10] == 0 &&
	       p[11] == 0;
}

static bool on_negotiate(struct helper *h, const uint8_t *tok, size_t len)
{
	uint8_t *out = NULL;
	size_t out_len = 0;
	char *b64 = NULL;
	ntlm_status st;
	bool ok;

	reset(h);
	st = ntlm_server_new(h->policy, h->accounts, &h->ctx);
	if (st == NTLM_OK && h->audit)
		st = ntlm_ctx_set_audit(h->ctx, h->audit);
	if (st == NTLM_OK)
		st = ntlm_step(h->ctx, tok, len, &out, &out_len);
	if (st != NTLM_CONTINUE) {
		if (st == NTLM_OK)
			st = NTLM_E_BAD_STATE;
		reset(h);
		return reply_status(ntlm_status_kind(st) == NTLM_KIND_POLICY_DENIED ? "NA" : "BH",
				    st);
	}
	st = ntlm_base64_encode(out, out_len, &b64);
	ntlm_free(out);
	if (st != NTLM_OK) {
		reset(h);
		return reply_status("BH", st);
	}
	h->waiting = true;
	ok = reply("TT", b64);
	ntlm_free(b64);
	return ok;
}

static bool on_authenticate(struct helper *h, const uint8_t *tok, size_t len)
{
	uint8_t *out = NULL;
	size_t out_len = 0;
	char who[600];
	ntlm_status st;

	if (!h->waiting)
		return reply("BH", "KK without a handshake in progress (send YR first)");
	h->waiting = false;
	st = ntlm_step(h->ctx, tok, len, &out, &out_len);
	ntlm_free(out);
	if (st != NTLM_OK) {
		enum ntlm_status_kind k = ntlm_status_kind(st);
		bool verdict = k == NTLM_KIND_AUTH_FAILED || k == NTLM_KIND_POLICY_DENIED;
		return reply_status(verdict ? "NA" : "BH", st);
	}
	h->done = true;
	if (ntlm_ctx_domain(h->ctx)[0])
		snprintf(who, sizeof(who), "%s\\%s", ntlm_ctx_domain(h->ctx),
			 ntlm_ctx_user(h->ctx));
	else
		snprintf(who, sizeof(who), "%s", ntlm_ctx_user(h->ctx));
	return reply("AF", who);
}

static bool on_line(struct helper *h, char *line, size_t len)
{
	uint8_t *tok = NULL;
	size_t tok_len = 0;
	char buf[64];
	ntlm_status st;
	bool ok;

	if (len == 2 && strcmp(line, "GK") == 0) {
		uint8_t key[16];
		char *b64 = NULL;
		if (!h->done || ntlm_ctx_session_key(h->ctx, key) != NTLM_OK)
			return reply("BH", "no session key (no authenticated handshake)");
		st = ntlm_base64_encode(key, sizeof(key), &b64);
		wipe(key, sizeof(key));
		if (st != NTLM_OK)
			return reply_status("BH", st);
		ok = reply("GK", b64);
		wipe(b64, strlen(b64));
		ntlm_free(b64);
		return ok;
	}
	if (len == 2 && strcmp(line, "GF") == 0) {
		if (!h->ctx)
			return reply("BH", "no handshake");
		snprintf(buf, sizeof(buf), "%08x", (unsigned)ntlm_ctx_flags(h->ctx));
		return reply("GF", buf);
	}
	if (len < 2 || (strncmp(line, "YR", 2) != 0 && strncmp(line, "KK", 2) != 0) ||
	    (len > 2 && line[2] != ' '))
		return reply("BH", "unknown request (expected YR, KK, GK or GF)");
	if (len <= 3)
		return reply("BH", "the request carries no token (YR/KK need a base64 NTLM token)");
	st = ntlm_base64_decode(line + 3, len - 3, NTLM_MAX_TOKEN, &tok, &tok_len);
	if (st != NTLM_OK)
		return reply_status("BH", st);
	if (line[0] == 'Y' || is_negotiate(tok, tok_len))
		ok = on_negotiate(h, tok, tok_len);
	else
		ok = on_authenticate(h, tok, tok_len);
	ntlm_free(tok);
	return ok;
}

enum { OPT_PROTOCOL = 256, OPT_ACCOUNTS };

static const struct option helper_opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "protocol", required_argument, NULL, OPT_PROTOCOL },
	{ "accounts", required_argument, NULL, OPT_ACCOUNTS },
	{ "config", required_argument, NULL, 'c' },
	{ "profile", required_argument, NULL, 'p' },
	{ "audit", required_argument, NULL, PEER_OPT_AUDIT },
	{ NULL, 0, NULL, 0 },
};

int cmd_helper(const struct tool_cmd *self, int argc, char **argv)
{
	struct helper h = { 0 };
	struct peer_opts po = { 0 };
	const char *protocol = NULL, *accounts = NULL, *v;
	struct line_reader r;
	char *line;
	size_t len;
	ntlm_status st;
	int rc = 0, ch;

	optind = 0;
	while ((ch = tool_getopt_exact(self, argc, argv, "hc:p:", helper_opts, &v)) != -1) {
		if (ch == 'h') {
			cmd_helper_usage(stdout);
			return 0;
		} else if (ch == OPT_PROTOCOL) {
			protocol = v;
		} else if (ch == OPT_ACCOUNTS) {
			accounts = v;
		} else {
			peer_opt(self, ch, v, &po);
		}
	}
	if (optind < argc) {
		char b[64];
		usage_error(self, "unknown argument '%s'", safe_arg(argv[optind], true, b, 40));
	}
	peer_opts_finish(self, &po);
	if (!protocol)
		usage_error(self, "--protocol is required (squid-2.5-ntlmssp)");
	if (strcmp(protocol, "squid-2.5-ntlmssp") != 0) {
		char b[64];
		usage_error(self, "unknown --protocol '%s' (squid-2.5-ntlmssp)",
			    safe_arg(protocol, false, b, 40));
	}
	h.policy = peer_load_policy(self, &po.config, po.profile);
	h.audit = peer_open_audit(self, h.policy, po.audit);
	st = ntlm_accounts_open_policy(h.policy, accounts, &h.accounts);
	if (st != NTLM_OK)
		die_status(self, st);

	line_reader_init(&r, STDIN_FILENO, HELPER_LINE_MAX);
	for (;;) {
		enum line_rc lr = line_read(&r, true, &line, &len);
		if (lr == LINE_EOF)
			break;
		if (lr == LINE_TOO_LONG) {
			if (!reply("BH", "request line too long"))
				break;
			continue;
		}
		if (lr != LINE_OK) {
			rc = EXIT_USAGE;
			break;
		}
		if (!on_line(&h, line, len)) {
			rc = EXIT_USAGE; /* stdout is gone: nobody to answer */
			break;
		}
	}
	line_reader_free(&r);
	reset(&h);
	ntlm_accounts_close(h.accounts);
	ntlm_audit_close(h.audit);
	ntlm_policy_free(h.policy);
	return rc;
}
