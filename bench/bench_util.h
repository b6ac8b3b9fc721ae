/* SPDX-License-Identifier: MIT */
/* What the load tools share: the audit file's success events and the CPU
 * time of a process, read back after a run (bench_httpd, bench_keepalive),
 * the order and ranks of measured times (bench_keepalive,
 * bench_handshake, bench_ntlm), their numeric options, and the open loop's
 * schedule (bench_handshake, bench_validate, bench_keepalive). */
#ifndef NTLM_BENCH_UTIL_H
#define NTLM_BENCH_UTIL_H

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
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

/* A count option: a decimal number from 1 to max, or exit 2 with a word
 * from prog. */
static inline unsigned long bench_number(const char *prog, const char *opt, const char *v,
					 unsigned long max)
{
	char *end;
	errno = 0;
	unsigned long n = strtoul(v, &end, 10);
	if (errno || end == v || *end || n == 0 || n > max) {
		fprintf(stderr, "%s: %s wants a number from 1 to %lu\n", prog, opt, max);
		exit(2);
	}
	return n;
}

/* --rate R: handshakes per second in all, over 0 and at most a million;
 * false (and a word from prog) otherwise. */
static inline bool bench_rate(const char *prog, const char *v, double *rate)
{
	char *end;
	*rate = strtod(v, &end);
	if (end == v || *end || !(*rate > 0 && *rate <= 1e6)) {
		fprintf(stderr, "%s: --rate wants handshakes/s, over 0\n", prog);
		return false;
	}
	return true;
}

/* t + secs (secs >= 0). */
static inline struct timespec bench_after(struct timespec t, double secs)
{
	t.tv_sec += (time_t)secs;
	t.tv_nsec += (long)((secs - (double)(time_t)secs) * 1e9);
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	return t;
}

/* The open loop's start: secs from now, on CLOCK_MONOTONIC (time for every
 * thread to be past its barrier first). */
static inline struct timespec bench_epoch(double secs)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return bench_after(now, secs);
}

/* The open loop: handshake s of the whole run starts at epoch + s / rate.
 * Sleeps until then and returns how late the caller is, in ms (0 when on
 * time); *due is the scheduled start. */
static inline double bench_wait_turn(const struct timespec *epoch, size_t s, double rate,
				     struct timespec *due)
{
	struct timespec now;

	*due = bench_after(*epoch, (double)s / rate);
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, due, NULL) == EINTR)
		;
	clock_gettime(CLOCK_MONOTONIC, &now);
	double late = (double)(now.tv_sec - due->tv_sec) * 1e3 +
		      (double)(now.tv_nsec - due->tv_nsec) / 1e6;
	return late > 0 ? late : 0;
}

#endif
