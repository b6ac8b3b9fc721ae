/* SPDX-License-Identifier: MIT */
/*
 * ntlm-httpd: the HTTP server as a program of its own, so that the ntlm tool
 * links neither libmicrohttpd nor libcurl (`ntlm httpd` executes this
 * program). Messages keep the "ntlm httpd:" prefix either way.
 */
#include <malloc.h>
#include <signal.h>
#include <string.h>

#include "tool.h"

static const struct tool_cmd self = { "httpd", "serve HTTP with NTLM authentication", cmd_httpd,
				      cmd_httpd_usage };

/* util.c's usage_error(NULL, ...) shows this. */
void main_usage(FILE *f)
{
	cmd_httpd_usage(f);
}

int main(int argc, char **argv)
{
	if (argc == 2 && (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0)) {
		printf("ntlm-httpd (ntlmssp) %s\n", NTLM_VERSION);
		return fflush(stdout) == 0 ? 0 : EXIT_USAGE;
	}
	/* A file at its size limit (RLIMIT_FSIZE) fails the audit write with
	 * EFBIG (a lost record, counted and logged) instead of killing the
	 * server. */
	signal(SIGXFSZ, SIG_IGN);
#ifdef M_TRIM_THRESHOLD
	/* Keep up to 4 MiB free at the top of each malloc arena: with the
	 * default (128 KiB) a worker's heap was given back to the system and
	 * grown again every few dozen logons (madvise, then page faults on
	 * the next growth). */
	mallopt(M_TRIM_THRESHOLD, 4 << 20);
#endif
	argv[0] = (char *)"httpd";
	return cmd_httpd(&self, argc, argv);
}
