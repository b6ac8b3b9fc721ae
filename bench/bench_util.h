/* SPDX-License-Identifier: MIT */
/* What the load tools share: the audit file's success events and the CPU
 * time of a process, read back after a run (bench_httpd, bench_keepalive),
 * and the order and ranks of measured times (bench_keepalive,
 * bench_handshake, bench_ntlm). */
#ifndef NTLM_BENCH_UTIL_H
#define NTLM_BENCH_UTIL_H

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Lines of the audit file that are success events (9005); -1 if unreadable. */
static inline long count_success(const char *path)
{
	static const char key[] = "{\"event\":9005,";
	char line[16384];
	long n = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return errno == ENOENT ? 0 : -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, sizeof(key) - 1) == 0)
			n++;
	fclose(f);
	return n;
}

/* utime + stime of pid in seconds (every thread), or -1. */
static inline double proc_cpu(long pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	const char *p = strrchr(buf, ')'); /* the name may hold spaces */
	unsigned long long ut = 0, st = 0;
	if (!p ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static inline double self_cpu(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* qsort's comparison of doubles, ascending. */
static inline int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The pct-th percentile of v, sorted ascending, n > 0: the nearest rank
 * (the smallest value with at least pct % of v at or below it). */
static inline double rank_pct(const double *v, size_t n, unsigned pct)
{
	return v[(n * pct + 99) / 100 - 1];
}

#endif
