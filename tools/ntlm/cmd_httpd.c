/* SPDX-License-Identifier: MIT */
/*
 * ntlm httpd: runs the HTTP server, ntlm-httpd, a program of its own (git
 * style), so that the tool links neither libmicrohttpd nor libcurl. It is
 * looked for beside this executable (the build tree; an install that puts
 * both in one directory), then where the install rules put it.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tool.h"

#ifndef NTLM_HTTPD_PATH
#define NTLM_HTTPD_PATH "/usr/sbin/ntlm-httpd"
#endif

void cmd_httpd_usage(FILE *f)
{
	fputs("usage: ntlm httpd [options]\n"
	      "\n"
	      "Runs ntlm-httpd, the NTLM-protected HTTP endpoint, with these options\n"
	      "('ntlm httpd --help' lists them; man ntlm-httpd). It is installed by the\n"
	      "ntlmssp-httpd package, at " NTLM_HTTPD_PATH ".\n",
	      f);
}

int cmd_httpd(const struct tool_cmd *self, int argc, char **argv)
{
	char here[PATH_MAX], path[PATH_MAX];
	(void)argc;

	ssize_t n = readlink("/proc/self/exe", here, sizeof(here) - 1);
	if (n > 0) {
		here[n] = '\0';
		char *slash = strrchr(here, '/');
		if (slash) {
			*slash = '\0';
			int k = snprintf(path, sizeof(path), "%s/ntlm-httpd", here);
			if (k > 0 && (size_t)k < sizeof(path) && access(path, X_OK) == 0) {
				argv[0] = path;
				execv(path, argv);
			}
		}
	}
	argv[0] = (char *)NTLM_HTTPD_PATH;
	execv(NTLM_HTTPD_PATH, argv);
	die(self, "cannot run the HTTP server %s: %s (is ntlmssp-httpd installed?)",
	    NTLM_HTTPD_PATH, strerror(errno));
}
