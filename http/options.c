/* SPDX-License-Identifier: MIT */
/*
 * ntlm-httpd (also run as `ntlm httpd`): an NTLM-protected HTTP endpoint
 * (docs/httpd.md). This file only parses the options; the server is the
 * rest of http/.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "httpd.h"
#include "tool.h"

/* SYSCONFDIR/ntlmssp, from the install rules (cmake/install.cmake). */
#ifndef NTLM_SYSCONFDIR
#define NTLM_SYSCONFDIR "/etc/ntlmssp"
#endif
#define DEFAULT_CONFIG NTLM_SYSCONFDIR "/ntlmssp.conf"
#define DEFAULT_ACCOUNTS NTLM_SYSCONFDIR "/accounts"

void cmd_httpd_usage(FILE *f)
{
	fprintf(f,
		"usage: ntlm-httpd [--accounts SPEC] [--listen HOST:PORT]\n"
		"                  [--config FILE | --profile NAME] [--audit FILE]\n"
		"                  [--root DIR | --proxy URL] [options]\n"
		"       ntlm httpd ... (the same program, run by the ntlm tool)\n"
		"Options and arguments may come in any order; a long option may be\n"
		"shortened while it stays unambiguous; -- ends the options.\n"
		"\n"
		"Serves HTTP with NTLM authentication (Windows Integrated Authentication):\n"
		"401 with WWW-Authenticate: Negotiate and NTLM, the NEGOTIATE / CHALLENGE /\n"
		"AUTHENTICATE round trips on one keep-alive connection, and the result bound\n"
		"to that connection. Without --root or --proxy, a built-in page shows who you\n"
		"are and what was negotiated (?format=json for JSON).\n"
		"\n"
		"  -l, --listen HOST:PORT   address to listen on (default 127.0.0.1:8080);\n"
		"                           port 0 picks a free port; [::1]:PORT for IPv6\n"
		"  --accounts SPEC          account backends in lookup order: a "
		"DOMAIN:USER:NTHASH\n"
		"                           file (PATH or file:PATH, docs/accounts.md), winbind\n"
		"                           (domain accounts, docs/domain.md), or both\n"
		"                           (\"file:PATH, winbind\"); default: the policy's\n"
		"                           [ntlmssp] Accounts, else\n"
		"                           " DEFAULT_ACCOUNTS "\n"
		"  -c, --config FILE        policy: native config, INF or .reg (docs/policy.md);\n"
		"                           default, when it exists:\n"
		"                           " DEFAULT_CONFIG "\n"
		"  --profile NAME           policy profile instead: cis (the default without\n"
		"                           a config file), windows-default, strict,\n"
		"                           legacy-insecure\n"
		"  --audit FILE             audit events as JSON Lines, instead of the policy's\n"
		"                           AuditLog (syslog when neither --audit nor AuditLog\n"
		"                           says otherwise; stderr too without --audit)\n"
		"  --audit-syslog           with --audit: to syslog (LOG_AUTHPRIV) as well\n"
		"  --root DIR               serve the files under DIR\n"
		"  --proxy URL              forward to URL, adding X-Remote-User: DOMAIN\\user\n"
		"  --netbios-name NAME      NetBIOS computer name in the CHALLENGE\n"
		"  --netbios-domain NAME    NetBIOS domain name in the CHALLENGE\n"
		"  --dns-name NAME          DNS computer name in the CHALLENGE\n"
		"  --dns-domain NAME        DNS domain name in the CHALLENGE\n"
		"  --max-connections N      concurrent connections (default %u)\n"
		"  --max-per-ip N           concurrent connections per client address\n"
		"                           (default %u; 0 = no limit)\n"
		"  --handshake-timeout S    the whole handshake (headers, NEGOTIATE,\n"
		"                           AUTHENTICATE) must be done within S seconds of\n"
		"                           the connection's start (default %u)\n"
		"  --header-timeout S       once authenticated, a request's headers must be\n"
		"                           in within S seconds of its request line (default %u)\n"
		"  --idle-timeout S         idle limit once authenticated (default %u)\n"
		"  --max-header-size BYTES  request line + headers (default %u)\n"
		"  --max-body-size BYTES    request body forwarded by --proxy (default %u)\n"
		"  --proxy-timeout S        backend request timeout (default %u)\n"
		"  --threads N              worker threads, each serving many connections\n"
		"                           (default: one per CPU; 0 = a thread per\n"
		"                           connection, the default with --proxy)\n"
		"  --domain-threads N       at most N threads check domain logons (winbind)\n"
		"                           while the workers go on (default %u)\n"
		"  -q, --quiet              no request log on stderr\n"
		"  -u, --user NAME          started as root: become NAME (its groups too)\n"
		"                           once the files are open and the socket bound\n"
		"  -h, --help               show this help\n"
		"  -V, --version            show the version\n"
		"\n"
		"Stops cleanly on SIGINT or SIGTERM; SIGHUP reloads the policy, the accounts\n"
		"and the audit file (a failed reload keeps the old ones and says why).\n"
		"exit status: 0 after a clean shutdown, 2 a usage error, a policy, accounts\n"
		"             or audit file that cannot be loaded, or a system error\n",
		HTTPD_DEFAULT_MAX_CONNECTIONS, HTTPD_DEFAULT_MAX_PER_IP,
		HTTPD_DEFAULT_HANDSHAKE_TIMEOUT, HTTPD_DEFAULT_HEADER_TIMEOUT,
		HTTPD_DEFAULT_IDLE_TIMEOUT, HTTPD_DEFAULT_MAX_HEADER_SIZE,
		HTTPD_DEFAULT_MAX_BODY_SIZE, HTTPD_DEFAULT_PROXY_TIMEOUT,
		HTTPD_DOMAIN_THREADS_DEFAULT);
}

/* A decimal number in [min, max], or a usage error. */
static unsigned long number(const struct tool_cmd *self, const char *opt, const char *v,
			    unsigned long min, unsigned long max)
{
	char *end;
	char buf[48];

	errno = 0;
	unsigned long n = strtoul(v, &end, 10);
	if (errno || end == v || *end || v[0] == '-' || v[0] == '+' || n < min || n > max)
		usage_error(self, "%s wants a number from %lu to %lu, not '%s'", opt, min, max,
			    safe_arg(v, false, buf, 40));
	return n;
}

static const char *name_opt(const struct tool_cmd *self, const char *opt, const char *v)
{
	size_t n = strlen(v);
	if (n == 0 || n > 63 ||
	    strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		      "0123456789-._") != n)
		usage_error(self, "%s wants 1 to 63 letters, digits, '-', '.' or '_'", opt);
	return v;
}

/* Long-only options (the short ones are their letter). */
enum {
	OPT_PROFILE = 256,
	OPT_AUDIT,
	OPT_AUDIT_SYSLOG,
	OPT_ROOT,
	OPT_PROXY,
	OPT_NB_NAME,
	OPT_NB_DOMAIN,
	OPT_DNS_NAME,
	OPT_DNS_DOMAIN,
	OPT_MAX_CONNECTIONS,
	OPT_MAX_PER_IP,
	OPT_HANDSHAKE_TIMEOUT,
	OPT_HEADER_TIMEOUT,
	OPT_IDLE_TIMEOUT,
	OPT_MAX_HEADER_SIZE,
	OPT_MAX_BODY_SIZE,
	OPT_PROXY_TIMEOUT,
	OPT_THREADS,
	OPT_DOMAIN_THREADS,
	OPT_ACCOUNTS,
};

static const struct option long_options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "listen", required_argument, NULL, 'l' },
	{ "config", required_argument, NULL, 'c' },
	{ "user", required_argument, NULL, 'u' },
	{ "accounts", required_argument, NULL, OPT_ACCOUNTS },
	{ "profile", required_argument, NULL, OPT_PROFILE },
	{ "audit", required_argument, NULL, OPT_AUDIT },
	{ "audit-syslog", no_argument, NULL, OPT_AUDIT_SYSLOG },
	{ "root", required_argument, NULL, OPT_ROOT },
	{ "proxy", required_argument, NULL, OPT_PROXY },
	{ "netbios-name", required_argument, NULL, OPT_NB_NAME },
	{ "netbios-domain", required_argument, NULL, OPT_NB_DOMAIN },
	{ "dns-name", required_argument, NULL, OPT_DNS_NAME },
	{ "dns-domain", required_argument, NULL, OPT_DNS_DOMAIN },
	{ "max-connections", required_argument, NULL, OPT_MAX_CONNECTIONS },
	{ "max-per-ip", required_argument, NULL, OPT_MAX_PER_IP },
	{ "handshake-timeout", required_argument, NULL, OPT_HANDSHAKE_TIMEOUT },
	{ "header-timeout", required_argument, NULL, OPT_HEADER_TIMEOUT },
	{ "idle-timeout", required_argument, NULL, OPT_IDLE_TIMEOUT },
	{ "max-header-size", required_argument, NULL, OPT_MAX_HEADER_SIZE },
	{ "max-body-size", required_argument, NULL, OPT_MAX_BODY_SIZE },
	{ "proxy-timeout", required_argument, NULL, OPT_PROXY_TIMEOUT },
	{ "threads", required_argument, NULL, OPT_THREADS },
	{ "domain-threads", required_argument, NULL, OPT_DOMAIN_THREADS },
	{ NULL, 0, NULL, 0 },
};

int cmd_httpd(const struct tool_cmd *self, int argc, char **argv)
{
	struct httpd_config cfg;
	struct config_list configs = { { NULL }, 0 };
	const char *v;
	char buf[64], why[512];
	int ch;

	httpd_config_defaults(&cfg);
	optind = 0; /* a full reset: `ntlm` parsed its own options first */
	while ((ch = tool_getopt(self, argc, argv, "hVql:c:u:", long_options, &v)) != -1) {
		switch (ch) {
		case 'h':
			cmd_httpd_usage(stdout);
			return 0;
		case 'V':
			printf("ntlm-httpd (ntlmssp) %s\n", NTLM_VERSION);
			return 0;
		case 'q':
			cfg.quiet = true;
			break;
		case 'l':
			cfg.listen = v;
			break;
		case 'c':
			config_add(self, &configs, v);
			break;
		case 'u':
			cfg.user = v;
			break;
		case OPT_ACCOUNTS:
			cfg.accounts = v;
			break;
		case OPT_PROFILE:
			cfg.profile = v;
			break;
		case OPT_AUDIT:
			cfg.audit = v;
			break;
		case OPT_AUDIT_SYSLOG:
			cfg.audit_syslog = true;
			break;
		case OPT_ROOT:
			cfg.root = v;
			break;
		case OPT_PROXY:
			cfg.proxy = v;
			break;
		case OPT_NB_NAME:
			cfg.nb_computer = name_opt(self, "--netbios-name", v);
			break;
		case OPT_NB_DOMAIN:
			cfg.nb_domain = name_opt(self, "--netbios-domain", v);
			break;
		case OPT_DNS_NAME:
			cfg.dns_computer = name_opt(self, "--dns-name", v);
			break;
		case OPT_DNS_DOMAIN:
			cfg.dns_domain = name_opt(self, "--dns-domain", v);
			break;
		case OPT_MAX_CONNECTIONS:
			cfg.max_connections =
				(unsigned)number(self, "--max-connections", v, 1, 65536);
			break;
		case OPT_MAX_PER_IP:
			cfg.max_per_ip = (unsigned)number(self, "--max-per-ip", v, 0, 65536);
			break;
		case OPT_HANDSHAKE_TIMEOUT:
			cfg.handshake_timeout =
				(unsigned)number(self, "--handshake-timeout", v, 1, 3600);
			break;
		case OPT_HEADER_TIMEOUT:
			cfg.header_timeout = (unsigned)number(self, "--header-timeout", v, 1, 3600);
			break;
		case OPT_IDLE_TIMEOUT:
			cfg.idle_timeout = (unsigned)number(self, "--idle-timeout", v, 1, 86400);
			break;
		case OPT_MAX_HEADER_SIZE:
			cfg.max_header_size = number(self, "--max-header-size", v, 4096, 1048576);
			break;
		case OPT_MAX_BODY_SIZE:
			cfg.max_body_size = number(self, "--max-body-size", v, 0, 1073741824);
			break;
		case OPT_PROXY_TIMEOUT:
			cfg.proxy_timeout = (unsigned)number(self, "--proxy-timeout", v, 1, 3600);
			break;
		case OPT_THREADS:
			cfg.threads = (unsigned)number(self, "--threads", v, 0, HTTPD_THREADS_MAX);
			break;
		case OPT_DOMAIN_THREADS:
			cfg.domain_threads = (unsigned)number(self, "--domain-threads", v, 1,
							      HTTPD_DOMAIN_THREADS_MAX);
			break;
		default:
			usage_error(self, "unknown option");
		}
	}
	if (optind < argc)
		usage_error(self, "unexpected argument '%s'",
			    safe_arg(argv[optind], false, buf, 40));
	if (configs.n && cfg.profile)
		usage_error(self, "--config and --profile exclude each other");
	/* The installed defaults; every one has its flag. Without --accounts,
	 * the policy's Accounts, else the installed account file. */
	if (!cfg.accounts)
		cfg.default_accounts = DEFAULT_ACCOUNTS;
	if (!configs.n && !cfg.profile && access(DEFAULT_CONFIG, F_OK) == 0)
		config_add(self, &configs, DEFAULT_CONFIG);
	cfg.configs = configs.path;
	cfg.n_configs = configs.n;
	if (cfg.root && cfg.proxy)
		usage_error(self, "--root and --proxy exclude each other");

	int rc = httpd_run(&cfg, why, sizeof(why));
	if (rc != 0)
		fprintf(stderr, "ntlm httpd: %s\n", why[0] ? why : "failed");
	return rc == 0 ? 0 : EXIT_USAGE;
}
