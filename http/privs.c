/* SPDX-License-Identifier: MIT */
/*
 * ntlm-httpd started as root gives root up once its files are open and its
 * socket is bound (--user NAME): setgroups, setgid, setuid, then a check
 * that setuid(0) fails.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "httpd.h"

int httpd_drop_privileges(const char *user, char *why, size_t why_len)
{
	struct passwd pw, *found = NULL;
	char buf[4096];

	if (geteuid() != 0) {
		if (!user)
			return 0;
		int e = getpwnam_r(user, &pw, buf, sizeof(buf), &found);
		if (e == 0 && found && pw.pw_uid == geteuid())
			return 0;
		snprintf(why, why_len, "--user %s: only root can change users", user);
		return -1;
	}
	if (!user) {
		fputs("ntlm httpd: warning: running as root; --user NAME gives root up once "
		      "listening\n",
		      stderr);
		return 0;
	}
	int e = getpwnam_r(user, &pw, buf, sizeof(buf), &found);
	if (e != 0 || !found) {
		snprintf(why, why_len, "--user %s: no such user%s%s", user, e ? ": " : "",
			 e ? strerror(e) : "");
		return -1;
	}
	if (pw.pw_uid == 0) {
		snprintf(why, why_len, "--user %s: that is root", user);
		return -1;
	}
	if (initgroups(pw.pw_name, pw.pw_gid) != 0 || setgid(pw.pw_gid) != 0 ||
	    setuid(pw.pw_uid) != 0) {
		snprintf(why, why_len, "--user %s: cannot become that user: %s", user,
			 strerror(errno));
		return -1;
	}
	if (setuid(0) == 0 || geteuid() == 0 || getegid() == 0) {
		snprintf(why, why_len, "--user %s: root could be regained; refusing to run", user);
		return -1;
	}
	return 0;
}
