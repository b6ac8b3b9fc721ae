/* SPDX-License-Identifier: MIT */
/*
 * ntlm helper: Samba ntlm_auth's helper line protocols, one request per
 * line on stdin, one answer per line on stdout, tokens in base64, one
 * handshake at a time (as Squid and other callers run helpers). Our policy,
 * our audit and our account backends (a file, winbind, or both) decide.
 *
 * --protocol squid-2.5-ntlmssp (an NTLM server, Squid's `auth_param ntlm`):
 *   YR <negotiate>     -> TT <challenge>        a new handshake
 *   KK <authenticate>  -> AF DOMAIN\user        authenticated (canonical names)
 *                      -> NA <reason>           refused (password, account, policy)
 *                      -> BH <reason>           the helper cannot answer (malformed
 *                                               request, no handshake, domain unreachable)
 *   KK <negotiate>     -> TT <challenge>        as YR (a client that starts over)
 *
 * --protocol gss-spnego (a SPNEGO acceptor, Squid's `auth_param negotiate`):
 *   YR <NegTokenInit>  -> TT <NegTokenResp> *   a new handshake
 *   YR                 -> TT <NegTokenInit> *   we offer NTLMSSP first; the
 *                                               client's NegTokenInit follows in KK
 *   KK <NegTokenResp>  -> TT <NegTokenResp> *   / AF <NegTokenResp> DOMAIN\user
 *                      -> NA * <reason>         / BH <reason>
 *
 * --protocol ntlmssp-client-1 (a client; helper_client.c).
 *
 * All: GK -> GK <session key> after AF (base64); GF -> GF 0x<flags> once a
 * handshake started; otherwise BH. docs/domain.md, docs/cli.md.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helper.h"
#include "tool.h"

void cmd_helper_usage(FILE *f)
{
	fputs("usage: ntlm helper --protocol squid-2.5-ntlmssp|gss-spnego [--accounts SPEC]\n"
	      "                   [--config F | --profile NAME] [--audit F]\n"
	      "       ntlm helper --protocol ntlmssp-client-1 --username U [--domain D]\n"
	      "                   [--password P | --password-file F] [--workstation W]\n"
	      "                   [--target SPN | --target-service S --target-hostname H]\n"
	      "                   [--config F | --profile NAME] [--audit F]\n"
	      "\n"
	      "Speaks Samba ntlm_auth's helper protocols on stdin/stdout, one request per\n"
	      "line. Servers: YR/KK -> TT <token>, AF DOMAIN\\user, NA <reason> or\n"
	      "BH <reason> (gss-spnego: TT <token> *, AF <token> DOMAIN\\user, NA * <reason>).\n"
	      "Client: SF <features>, PW <base64>, YR -> YR <negotiate>, TT <challenge>\n"
	      "-> AF <authenticate>. GF and GK give the flags and the session key.\n"
	      "For Squid: auth_param ntlm program /usr/bin/ntlm helper --protocol\n"
	      "squid-2.5-ntlmssp --accounts winbind (docs/domain.md).\n"
	      "\n"
	      "  --protocol NAME  squid-2.5-ntlmssp, gss-spnego or ntlmssp-client-1\n"
	      "  --accounts SPEC  (servers) file:PATH, winbind, or both in lookup order\n"
	      "                   (\"file:PATH, winbind\"); a bare PATH is a file;\n"
	      "                   default: the policy's [ntlmssp] Accounts\n"
	      "  --username U     (client) the account's user name\n"
	      "  --domain D       (client) its domain (default: none)\n"
	      "  --password P     (client) the password: for test scripts only (ps sees it)\n"
	      "  --password-file F  (client) the first line of F (chmod 600); without\n"
	      "                   either, the helper asks with a PW line when it needs one\n"
	      "  --workstation W  (client) the workstation name sent\n"
	      "  --target SPN     (client) the server's name for the policy\n"
	      "                   (RestrictSendingNTLMTraffic exceptions) and MsvAvTargetName\n"
	      "  --target-service S, --target-hostname H  (client) the same as S/H\n"
	      "  -c, --config F   policy file (docs/policy.md)\n"
	      "  -p, --profile NAME  a built-in policy profile instead (default: cis)\n"
	      "  --audit F        JSON Lines audit file (docs/audit-events.md) instead of\n"
	      "                   the policy's AuditLog (default: syslog)\n"
	      "  -h, --help       show this help\n"
	      "\n"
	      "exit status: 0 at the end of input, 2 a usage error or a setup failure\n",
	      f);
}

bool helper_reply(const char *code, const char *text)
{
	char line[HELPER_LINE_MAX + 64];
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

/* A server's NA carries the status and its fixed sentence only (the details,
 * such as which check failed, are for the audit log, not for the peer); BH,
 * and all a client says to its own caller, carry the detail. */
bool helper_reply_status(const char *code, ntlm_status st, bool detail)
{
	char text[600];
	const char *d = ntlm_error_message();
	snprintf(text, sizeof(text), "%s: %s", ntlm_status_name(st),
		 detail && d && *d ? d : ntlm_status_text(st));
	return helper_reply(code, text);
}

void helper_reset(struct helper *h)
{
	ntlm_ctx_free(h->ctx);
	h->ctx = NULL;
	h->waiting = false;
	h->done = false;
	h->offered = false;
}

bool helper_flags_key(struct helper *h, const char *line)
{
	char buf[32];
	ntlm_status st;

	if (strcmp(line, "GK") == 0) {
		uint8_t key[16];
		char *b64 = NULL;
		bool ok;
		if (!h->done || ntlm_ctx_session_key(h->ctx, key) != NTLM_OK)
			return helper_reply("BH", "no session key (no authenticated handshake)");
		st = ntlm_base64_encode(key, sizeof(key), &b64);
		wipe(key, sizeof(key));
		if (st != NTLM_OK)
			return helper_reply_status("BH", st, true);
		ok = helper_reply("GK", b64);
		wipe(b64, strlen(b64));
		ntlm_free(b64);
		return ok;
	}
	if (!h->ctx)
		return helper_reply("BH", "no handshake");
	snprintf(buf, sizeof(buf), "0x%08x", (unsigned)ntlm_ctx_flags(h->ctx));
	return helper_reply("GF", buf);
}

/* Is the token an NTLMSSP NEGOTIATE (type 1)? */
static bool is_negotiate(const uint8_t *p, size_t len)
{
	static const uint8_t sig[8] = { 'N', 'T', 'L', 'M', 'S', 'S', 'P', 0 };
	return len >= 12 && memcmp(p, sig, 8) == 0 && p[8] == 1 && p[9] == 0 && p[10] == 0 &&
	       p[11] == 0;
}

/* A verdict on the exchange (NA) or a failure to judge it (BH)? */
static const char *verdict_code(ntlm_status st)
{
	enum ntlm_status_kind k = ntlm_status_kind(st);
	return k == NTLM_KIND_AUTH_FAILED || k == NTLM_KIND_POLICY_DENIED ? "NA" : "BH";
}

static ntlm_status server_start(struct helper *h)
{
	ntlm_status st;

	helper_reset(h);
	st = ntlm_server_new(h->policy, h->accounts, &h->ctx);
	if (st == NTLM_OK && h->audit)
		st = ntlm_ctx_set_audit(h->ctx, h->audit);
	return st;
}

/* "DOMAIN\user" (or "user") as the context authenticated it. */
static void who(const struct helper *h, char *buf, size_t len)
{
	if (ntlm_ctx_domain(h->ctx)[0])
		snprintf(buf, len, "%s\\%s", ntlm_ctx_domain(h->ctx), ntlm_ctx_user(h->ctx));
	else
		snprintf(buf, len, "%s", ntlm_ctx_user(h->ctx));
}

/* A first token refused as malformed before a context judged it (the
 * library raises no event of its own for those): audited as 9104. */
static void audit_malformed(struct helper *h, ntlm_status st, const char *text)
{
	char reason[700];
	if (!h->audit || ntlm_status_kind(st) != NTLM_KIND_MALFORMED)
		return;
	snprintf(reason, sizeof(reason), "%s: %s",
		 h->mode == HELPER_GSS_SPNEGO ? "gss-spnego" : "squid-2.5-ntlmssp", text);
	if (ntlm_audit_frontend_event(h->audit, NTLM_EVENT_MALFORMED_REQUEST, "", "", reason) !=
	    NTLM_OK) {
		char why[256] = "";
		(void)ntlm_audit_lost(h->audit, why, sizeof(why));
		fprintf(stderr, "ntlm helper: audit: event 9104 lost: %s\n", why);
	}
}

/* squid-2.5-ntlmssp: a NEGOTIATE. */
static bool on_negotiate(struct helper *h, const uint8_t *tok, size_t len)
{
	uint8_t *out = NULL;
	size_t out_len = 0;
	char *b64 = NULL;
	ntlm_status st;
	bool ok;

	st = server_start(h);
	if (st == NTLM_OK)
		st = ntlm_step(h->ctx, tok, len, &out, &out_len);
	if (st != NTLM_CONTINUE) {
		char text[600];
		if (st == NTLM_OK)
			st = NTLM_E_BAD_STATE;
		/* the detail is read before the audit event clears it */
		snprintf(text, sizeof(text), "%s: %s", ntlm_status_name(st), ntlm_error_message());
		ok = ntlm_status_kind(st) == NTLM_KIND_POLICY_DENIED
			     ? helper_reply_status("NA", st, false)
			     : helper_reply("BH", text);
		audit_malformed(h, st, text);
		helper_reset(h);
		return ok;
	}
	st = ntlm_base64_encode(out, out_len, &b64);
	ntlm_free(out);
	if (st != NTLM_OK) {
		helper_reset(h);
		return helper_reply_status("BH", st, true);
	}
	h->waiting = true;
	ok = helper_reply("TT", b64);
	ntlm_free(b64);
	return ok;
}

/* squid-2.5-ntlmssp: an AUTHENTICATE. */
static bool on_authenticate(struct helper *h, const uint8_t *tok, size_t len)
{
	uint8_t *out = NULL;
	size_t out_len = 0;
	char name[600];
	ntlm_status st;

	if (!h->waiting)
		return helper_reply("BH", "KK without a handshake in progress (send YR first)");
	h->waiting = false;
	st = ntlm_step(h->ctx, tok, len, &out, &out_len);
	ntlm_free(out);
	if (st != NTLM_OK) {
		const char *code = verdict_code(st);
		return helper_reply_status(code, st, code[0] == 'B');
	}
	h->done = true;
	who(h, name, sizeof(name));
	return helper_reply("AF", name);
}

/* gss-spnego: "CODE TOKEN ARG", "*" for an absent token or argument. */
static bool spnego_reply(const char *code, const uint8_t *tok, size_t len, const char *arg)
{
	char *b64 = NULL;
	char *text;
	size_t n;
	bool ok;

	if (tok && ntlm_base64_encode(tok, len, &b64) != NTLM_OK)
		return helper_reply("BH", "out of memory");
	n = (b64 ? strlen(b64) : 1) + strlen(arg) + 2;
	text = malloc(n);
	if (!text) {
		ntlm_free(b64);
		return helper_reply("BH", "out of memory");
	}
	snprintf(text, n, "%s %s", b64 ? b64 : "*", arg);
	ok = helper_reply(code, text);
	free(text);
	ntlm_free(b64);
	return ok;
}

static bool spnego_fail(struct helper *h, ntlm_status st, bool first)
{
	/* A client that offers no NTLMSSP (Kerberos only) is refused, not a fault. */
	const char *code = st == NTLM_E_NO_COMMON_MECH ? "NA" : verdict_code(st);
	char text[600], detail[600];
	bool ok;

	snprintf(detail, sizeof(detail), "%s: %s", ntlm_status_name(st), ntlm_error_message());
	if (code[0] == 'B') {
		ok = helper_reply("BH", detail);
	} else {
		snprintf(text, sizeof(text), "%s: %s", ntlm_status_name(st), ntlm_status_text(st));
		ok = spnego_reply("NA", NULL, 0, text);
	}
	if (first)
		audit_malformed(h, st, detail);
	helper_reset(h);
	return ok;
}

/* gss-spnego: one token (YR: the first, or none; KK: the next). */
static bool on_spnego(struct helper *h, bool first, const uint8_t *tok, size_t len)
{
	uint8_t *out = NULL;
	size_t out_len = 0;
	char name[600];
	ntlm_status st;
	bool ok, opening;

	if (first) {
		st = server_start(h);
		if (st != NTLM_OK)
			return spnego_fail(h, st, false);
		if (!len) {
			/* We speak first: a NegTokenInit offering NTLMSSP alone; the
			 * client answers with its own NegTokenInit. */
			st = ntlm_spnego_encode_init(NULL, 0, NULL, 0, NULL, 0, &out, &out_len);
			if (st != NTLM_OK)
				return spnego_fail(h, st, false);
			h->offered = true;
			h->waiting = true;
			ok = spnego_reply("TT", out, out_len, "*");
			ntlm_free(out);
			return ok;
		}
	} else if (!h->waiting) {
		return helper_reply("BH", "KK without a handshake in progress (send YR first)");
	}
	opening = first || h->offered;
	h->offered = false;
	h->waiting = false;
	st = ntlm_spnego_accept(h->ctx, tok, len, &out, &out_len);
	if (st == NTLM_CONTINUE) {
		h->waiting = true;
		ok = spnego_reply("TT", out, out_len, "*");
	} else if (st == NTLM_OK) {
		h->done = true;
		who(h, name, sizeof(name));
		ok = spnego_reply("AF", out, out_len, name);
	} else {
		ok = spnego_fail(h, st, opening);
	}
	ntlm_free(out);
	return ok;
}

static bool server_line(struct helper *h, char *line, size_t len)
{
	uint8_t *tok = NULL;
	size_t tok_len = 0;
	bool spnego = h->mode == HELPER_GSS_SPNEGO;
	size_t max = spnego ? NTLM_SPNEGO_MAX_TOKEN : NTLM_MAX_TOKEN;
	ntlm_status st;
	bool ok;

	if (len == 2 && (strcmp(line, "GK") == 0 || strcmp(line, "GF") == 0))
		return helper_flags_key(h, line);
	if (len < 2 || (strncmp(line, "YR", 2) != 0 && strncmp(line, "KK", 2) != 0) ||
	    (len > 2 && line[2] != ' '))
		return helper_reply("BH", "unknown request (expected YR, KK, GK or GF)");
	if (len <= 3 && !(spnego && line[0] == 'Y'))
		return helper_reply("BH", spnego ? "KK needs a base64 SPNEGO token"
						 : "the request carries no token (YR/KK need "
						   "a base64 NTLM token)");
	if (len > 3) {
		st = ntlm_base64_decode(line + 3, len - 3, max, &tok, &tok_len);
		if (st != NTLM_OK) {
			char text[600];
			snprintf(text, sizeof(text), "%s: %s", ntlm_status_name(st),
				 ntlm_error_message());
			ok = helper_reply("BH", text);
			if (line[0] == 'Y') {
				audit_malformed(h, st, text);
				helper_reset(h);
			}
			return ok;
		}
	}
	if (spnego)
		ok = on_spnego(h, line[0] == 'Y', tok, tok_len);
	else if (line[0] == 'Y' || is_negotiate(tok, tok_len))
		ok = on_negotiate(h, tok, tok_len);
	else
		ok = on_authenticate(h, tok, tok_len);
	ntlm_free(tok);
	return ok;
}

enum {
	OPT_PROTOCOL = 256,
	OPT_ACCOUNTS,
	OPT_USERNAME,
	OPT_DOMAIN,
	OPT_PASSWORD,
	OPT_PASSWORD_FILE,
	OPT_WORKSTATION,
	OPT_TARGET,
	OPT_TARGET_SERVICE,
	OPT_TARGET_HOSTNAME,
};

static const struct option helper_opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "protocol", required_argument, NULL, OPT_PROTOCOL },
	{ "accounts", required_argument, NULL, OPT_ACCOUNTS },
	{ "username", required_argument, NULL, OPT_USERNAME },
	{ "domain", required_argument, NULL, OPT_DOMAIN },
	{ "password", required_argument, NULL, OPT_PASSWORD },
	{ "password-file", required_argument, NULL, OPT_PASSWORD_FILE },
	{ "workstation", required_argument, NULL, OPT_WORKSTATION },
	{ "target", required_argument, NULL, OPT_TARGET },
	{ "target-service", required_argument, NULL, OPT_TARGET_SERVICE },
	{ "target-hostname", required_argument, NULL, OPT_TARGET_HOSTNAME },
	{ "config", required_argument, NULL, 'c' },
	{ "profile", required_argument, NULL, 'p' },
	{ "audit", required_argument, NULL, PEER_OPT_AUDIT },
	{ NULL, 0, NULL, 0 },
};

struct helper_args {
	const char *protocol, *accounts;
	const char *username, *domain, *password, *password_file, *workstation;
	const char *target, *service, *hostname;
};

static void copy_name(const struct tool_cmd *self, const char *opt, const char *v, char *dst,
		      size_t cap)
{
	size_t n = strlen(v);
	if (n >= cap)
		usage_error(self, "--%s: longer than %zu bytes", opt, cap - 1);
	memcpy(dst, v, n + 1);
}

/* ntlmssp-client-1: the names, the target and, when given, the password. */
static void client_setup(const struct tool_cmd *self, const struct helper_args *a, struct helper *h)
{
	char pw[PASSWORD_MAX + 1];
	ntlm_status st;
	int n;

	if (a->accounts)
		usage_error(self, "--accounts goes with the server protocols, not "
				  "ntlmssp-client-1");
	if (!a->username)
		usage_error(self, "ntlmssp-client-1 needs --username");
	if (!a->username[0])
		usage_error(self, "--username: empty");
	if (a->password && a->password_file)
		usage_error(self, "--password and --password-file exclude each other");
	if (a->target && (a->service || a->hostname))
		usage_error(self, "--target excludes --target-service / --target-hostname");
	copy_name(self, "username", a->username, h->user, sizeof(h->user));
	copy_name(self, "domain", a->domain ? a->domain : "", h->domain, sizeof(h->domain));
	copy_name(self, "workstation", a->workstation ? a->workstation : "", h->workstation,
		  sizeof(h->workstation));
	if (a->target)
		n = snprintf(h->target, sizeof(h->target), "%s", a->target);
	else if (a->service || a->hostname)
		n = snprintf(h->target, sizeof(h->target), "%s/%s",
			     a->service ? a->service : "host",
			     a->hostname ? a->hostname : "localhost");
	else
		n = 0;
	if (n < 0 || (size_t)n >= sizeof(h->target) || ((a->target || a->hostname) && n == 0) ||
	    (a->target && !a->target[0]))
		usage_error(self, "--target: empty or longer than %d bytes", TARGET_MAX);
	if (!a->password && !a->password_file)
		return; /* asked for with a PW line when needed */
	if (a->password_file) {
		peer_read_password_file(self, a->password_file, pw, sizeof(pw));
	} else {
		size_t len = strlen(a->password);
		if (len > PASSWORD_MAX)
			die(self, "--password: longer than %d bytes", PASSWORD_MAX);
		memcpy(pw, a->password, len + 1);
		wipe((char *)a->password, len); /* later readers of /proc/PID/cmdline */
	}
	st = ntlm_cred_new_password(h->domain, h->user, pw, &h->cred);
	wipe(pw, sizeof(pw));
	if (st != NTLM_OK)
		die_status(self, st);
}

static void parse_args(const struct tool_cmd *self, int argc, char **argv, struct peer_opts *po,
		       struct helper_args *a)
{
	const char *v;
	int ch;

	optind = 0;
	while ((ch = tool_getopt_exact(self, argc, argv, "hc:p:", helper_opts, &v)) != -1) {
		switch (ch) {
		case 'h':
			cmd_helper_usage(stdout);
			exit(0);
		case OPT_PROTOCOL:
			a->protocol = v;
			break;
		case OPT_ACCOUNTS:
			a->accounts = v;
			break;
		case OPT_USERNAME:
			a->username = v;
			break;
		case OPT_DOMAIN:
			a->domain = v;
			break;
		case OPT_PASSWORD:
			a->password = v;
			break;
		case OPT_PASSWORD_FILE:
			a->password_file = v;
			break;
		case OPT_WORKSTATION:
			a->workstation = v;
			break;
		case OPT_TARGET:
			a->target = v;
			break;
		case OPT_TARGET_SERVICE:
			a->service = v;
			break;
		case OPT_TARGET_HOSTNAME:
			a->hostname = v;
			break;
		default:
			peer_opt(self, ch, v, po);
		}
	}
	if (optind < argc) {
		char b[64];
		usage_error(self, "unknown argument '%s'", safe_arg(argv[optind], true, b, 40));
	}
	peer_opts_finish(self, po);
}

int cmd_helper(const struct tool_cmd *self, int argc, char **argv)
{
	struct helper h = { 0 };
	struct peer_opts po = { 0 };
	struct helper_args a = { 0 };
	struct line_reader r;
	char *line;
	size_t len;
	ntlm_status st;
	int rc = 0;

	parse_args(self, argc, argv, &po, &a);
	if (!a.protocol)
		usage_error(self, "--protocol is required (squid-2.5-ntlmssp, gss-spnego or "
				  "ntlmssp-client-1)");
	if (strcmp(a.protocol, "squid-2.5-ntlmssp") == 0) {
		h.mode = HELPER_SQUID;
	} else if (strcmp(a.protocol, "gss-spnego") == 0) {
		h.mode = HELPER_GSS_SPNEGO;
	} else if (strcmp(a.protocol, "ntlmssp-client-1") == 0) {
		h.mode = HELPER_CLIENT;
	} else {
		char b[64];
		usage_error(self,
			    "unknown --protocol '%s' (squid-2.5-ntlmssp, gss-spnego or "
			    "ntlmssp-client-1)",
			    safe_arg(a.protocol, false, b, 40));
	}
	if (h.mode != HELPER_CLIENT && (a.username || a.domain || a.password || a.password_file ||
					a.workstation || a.target || a.service || a.hostname))
		usage_error(self, "--username, --domain, --password(-file), --workstation and "
				  "--target* go with ntlmssp-client-1");
	h.policy = peer_load_policy(self, &po.config, po.profile);
	if (h.mode == HELPER_CLIENT)
		client_setup(self, &a, &h);
	h.audit = peer_open_audit(self, h.policy, po.audit);
	if (h.mode != HELPER_CLIENT) {
		st = ntlm_accounts_open_policy(h.policy, a.accounts, &h.accounts);
		if (st != NTLM_OK)
			die_status(self, st);
	}

	line_reader_init(&r, STDIN_FILENO, HELPER_LINE_MAX);
	h.in = &r;
	for (;;) {
		enum line_rc lr = line_read(&r, true, &line, &len);
		bool ok;
		if (lr == LINE_EOF)
			break;
		if (lr == LINE_TOO_LONG) {
			if (!helper_reply("BH", "request line too long"))
				break;
			continue;
		}
		if (lr != LINE_OK) {
			rc = EXIT_USAGE;
			break;
		}
		ok = h.mode == HELPER_CLIENT ? helper_client_line(&h, line, len)
					     : server_line(&h, line, len);
		if (!ok) {
			rc = EXIT_USAGE; /* stdout is gone: nobody to answer */
			break;
		}
	}
	line_reader_free(&r);
	helper_reset(&h);
	ntlm_cred_free(h.cred);
	ntlm_accounts_close(h.accounts);
	ntlm_audit_close(h.audit);
	ntlm_policy_free(h.policy);
	return rc;
}
