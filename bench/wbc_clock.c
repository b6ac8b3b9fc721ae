/* SPDX-License-Identifier: MIT */
/*
 * bench/wbc_clock.c: a clock around each call into winbindd, for make bench
 * (docs/domain.md, "Where a domain logon's time goes"). Loaded with
 * LD_PRELOAD into a process that uses the winbind backend (ntlm httpd,
 * bench_validate), it stands in for libwbclient's wbcCtxAuthenticateUserEx,
 * calls the real one, and appends the call's time to the file named by
 * NTLM_BENCH_WBC_LOG, one line per call: milliseconds, three decimals, and
 * the call's result (0: success). No variable set: nothing is written.
 *
 * The call is the whole winbind path below our code: libwbclient's request
 * on winbindd's privileged pipe, winbindd's parent and domain child, the
 * NETLOGON call to the DC and back. So a handshake's time minus this one is
 * our code's share, and this minus the DC's answer on the wire is winbindd's.
 * A measuring tool only: never installed, never in the library.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* RTLD_NEXT */
#endif
#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <wbclient.h> /* (after the fixed-width types it uses) */

typedef wbcErr (*auth_fn)(struct wbcContext *, const struct wbcAuthUserParams *,
			  struct wbcAuthUserInfo **, struct wbcAuthErrorInfo **);

static pthread_once_t once = PTHREAD_ONCE_INIT;
static auth_fn real;
static int log_fd = -1;

static void init(void)
{
	const char *path = getenv("NTLM_BENCH_WBC_LOG");
	real = (auth_fn)dlsym(RTLD_NEXT, "wbcCtxAuthenticateUserEx");
	if (path && *path)
		log_fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (!real)
		fprintf(stderr, "wbc_clock: libwbclient's wbcCtxAuthenticateUserEx not found\n");
	if (path && *path && log_fd < 0)
		fprintf(stderr, "wbc_clock: cannot open %s\n", path);
}

wbcErr wbcCtxAuthenticateUserEx(struct wbcContext *ctx, const struct wbcAuthUserParams *params,
				struct wbcAuthUserInfo **info, struct wbcAuthErrorInfo **error)
{
	struct timespec t0, t1;
	char line[64];
	wbcErr e;

	pthread_once(&once, init);
	if (!real)
		return WBC_ERR_NOT_IMPLEMENTED;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	e = real(ctx, params, info, error);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (log_fd >= 0) {
		double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
			    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
		int n = snprintf(line, sizeof(line), "%.3f %d\n", ms, (int)e);
		/* one write per line, O_APPEND: lines of concurrent calls do not
		 * mix; a line that cannot be written is lost, and the count of
		 * lines shows it */
		if (n > 0) {
			ssize_t w = write(log_fd, line, (size_t)n);
			(void)w;
		}
	}
	return e;
}
