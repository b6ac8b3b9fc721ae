/* SPDX-License-Identifier: MIT */
/*
 * bench_httpd: load for `ntlm httpd`. N threads each open one connection
 * (a libcurl easy handle with CURLAUTH_NTLM), authenticate on it, then make
 * M - 1 more requests on the same connection. All threads start together,
 * and each phase ends at a barrier:
 *
 *   phase 1: every thread's first request (the NTLM handshake: 2 round trips)
 *   phase 2: the M - 1 requests that ride on the authenticated connection
 *
 * Reports handshakes/s (N / phase 1), requests/s (N * (M - 1) / phase 2) and
 * overall requests/s. Exits 1 if any request did not get 200, if any thread
 * needed more than one connection (the server lost the authentication), or,
 * with --audit, if the audit log did not gain exactly N success events
 * (9005): one per connection, no more, no less.
 *
 * With --server-pid PID, also the CPU time of the keep-alive phase per
 * request: the server's (utime + stime of PID, from /proc) and this
 * client's own (every thread), which share the machine's CPUs: requests/s
 * on one machine is bounded by their sum.
 *
 * usage: bench_httpd --url URL --user 'DOMAIN\user' --password PW
 *                    [--connections N] [--requests M] [--audit FILE]
 *                    [--server-pid PID]
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "bench_util.h"

struct bench {
	const char *url;
	const char *userpwd;
	unsigned n, m;
	pthread_barrier_t start, phase1, phase2;
	struct timespec t0, t1, t2;
};

struct worker {
	struct bench *b;
	pthread_t th;
	unsigned ok, failed;
	long connects;
	long last_status;
	char error[CURL_ERROR_SIZE];
};

static double secs(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static size_t sink(char *p, size_t size, size_t nmemb, void *arg)
{
	(void)p;
	(void)arg;
	return size * nmemb;
}

static void one(struct worker *w, CURL *c)
{
	long code = 0, conns = 0;
	CURLcode rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &conns);
	w->connects += conns;
	w->last_status = code;
	if (rc == CURLE_OK && code == 200)
		w->ok++;
	else
		w->failed++;
}

static void *run(void *arg)
{
	struct worker *w = arg;
	struct bench *b = w->b;
	CURL *c = curl_easy_init();

	if (c) {
		curl_easy_setopt(c, CURLOPT_URL, b->url);
		curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_NTLM);
		curl_easy_setopt(c, CURLOPT_USERPWD, b->userpwd);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
		curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
		curl_easy_setopt(c, CURLOPT_ERRORBUFFER, w->error);
		curl_easy_setopt(c, CURLOPT_PROXY, "");
	}
	pthread_barrier_wait(&b->start);
	if (c)
		one(w, c);
	else
		w->failed += b->m;
	pthread_barrier_wait(&b->phase1);
	for (unsigned i = 1; c && i < b->m; i++)
		one(w, c);
	pthread_barrier_wait(&b->phase2);
	curl_easy_cleanup(c);
	return NULL;
}

static unsigned long number(const char *opt, const char *v)
{
	char *end;
	errno = 0;
	unsigned long n = strtoul(v, &end, 10);
	if (errno || end == v || *end || n == 0 || n > 100000) {
		fprintf(stderr, "bench_httpd: %s wants a number from 1 to 100000\n", opt);
		exit(2);
	}
	return n;
}

int main(int argc, char **argv)
{
	struct bench b = { .n = 16, .m = 100 };
	struct worker *w = NULL;
	const char *user = NULL, *pw = NULL, *audit = NULL;
	long server_pid = 0;
	double srv1 = 0, srv2 = 0, cli1 = 0, cli2 = 0;
	char *userpwd = NULL;
	int rc = 2;

	for (int i = 1; i < argc; i += 2) { /* every option takes a value */
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!v) {
			fprintf(stderr, "bench_httpd: %s needs a value\n", a);
			return 2;
		}
		if (strcmp(a, "--url") == 0)
			b.url = v;
		else if (strcmp(a, "--user") == 0)
			user = v;
		else if (strcmp(a, "--password") == 0)
			pw = v;
		else if (strcmp(a, "--connections") == 0)
			b.n = (unsigned)number(a, v);
		else if (strcmp(a, "--requests") == 0)
			b.m = (unsigned)number(a, v);
		else if (strcmp(a, "--audit") == 0)
			audit = v;
		else if (strcmp(a, "--server-pid") == 0) {
			char *end;
			errno = 0;
			server_pid = strtol(v, &end, 10);
			if (errno || end == v || *end || server_pid <= 0) {
				fprintf(stderr, "bench_httpd: --server-pid wants a process id\n");
				return 2;
			}
		} else {
			fprintf(stderr, "bench_httpd: unknown option %s\n", a);
			return 2;
		}
	}
	if (!b.url || !user || !pw) {
		fprintf(stderr,
			"usage: bench_httpd --url URL --user 'DOMAIN\\user' --password PW\n"
			"                   [--connections N] [--requests M] [--audit FILE]\n"
			"                   [--server-pid PID]\n");
		return 2;
	}
	size_t len = strlen(user) + strlen(pw) + 2;
	userpwd = malloc(len);
	w = calloc(b.n, sizeof(*w));
	if (!userpwd || !w || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "bench_httpd: out of memory\n");
		goto out;
	}
	snprintf(userpwd, len, "%s:%s", user, pw);
	b.userpwd = userpwd;
	long before = audit ? count_success(audit) : 0;
	if (before < 0) {
		fprintf(stderr, "bench_httpd: cannot read %s\n", audit);
		goto out_curl;
	}
	pthread_barrier_init(&b.start, NULL, b.n + 1);
	pthread_barrier_init(&b.phase1, NULL, b.n + 1);
	pthread_barrier_init(&b.phase2, NULL, b.n + 1);
	unsigned started = 0;
	for (; started < b.n; started++) {
		w[started].b = &b;
		if (pthread_create(&w[started].th, NULL, run, &w[started]) != 0)
			break;
	}
	if (started < b.n) {
		fprintf(stderr, "bench_httpd: could start only %u threads\n", started);
		exit(2); /* the barriers cannot be released: give up at once */
	}
	pthread_barrier_wait(&b.start);
	clock_gettime(CLOCK_MONOTONIC, &b.t0);
	pthread_barrier_wait(&b.phase1);
	clock_gettime(CLOCK_MONOTONIC, &b.t1);
	if (server_pid) {
		srv1 = proc_cpu(server_pid);
		cli1 = self_cpu();
	}
	pthread_barrier_wait(&b.phase2);
	clock_gettime(CLOCK_MONOTONIC, &b.t2);
	if (server_pid) {
		srv2 = proc_cpu(server_pid);
		cli2 = self_cpu();
	}
	for (unsigned i = 0; i < b.n; i++)
		pthread_join(w[i].th, NULL);
	pthread_barrier_destroy(&b.start);
	pthread_barrier_destroy(&b.phase1);
	pthread_barrier_destroy(&b.phase2);

	unsigned long ok = 0, failed = 0, extra_conns = 0, shown = 0;
	for (unsigned i = 0; i < b.n; i++) {
		ok += w[i].ok;
		failed += w[i].failed;
		if (w[i].connects != 1)
			extra_conns++;
		if (w[i].failed && shown++ < 5)
			fprintf(stderr,
				"bench_httpd: connection %u: %u failed (last status %ld%s%s)\n", i,
				w[i].failed, w[i].last_status, w[i].error[0] ? ": " : "",
				w[i].error);
	}
	double p1 = secs(&b.t0, &b.t1), p2 = secs(&b.t1, &b.t2), all = secs(&b.t0, &b.t2);
	unsigned long total = (unsigned long)b.n * b.m;
	printf("connections            %u\n", b.n);
	printf("requests/connection    %u\n", b.m);
	printf("requests ok            %lu of %lu\n", ok, total);
	printf("handshake phase        %.3f s   %.1f handshakes/s\n", p1, b.n / p1);
	if (b.m > 1)
		printf("keep-alive phase       %.3f s   %.1f requests/s\n", p2,
		       (double)b.n * (b.m - 1) / p2);
	printf("overall                %.3f s   %.1f requests/s\n", all, total / all);
	if (server_pid && b.m > 1 && srv1 >= 0 && srv2 >= 0) {
		double k = (double)b.n * (b.m - 1);
		printf("keep-alive CPU/request server %.1f us, client %.1f us\n",
		       (srv2 - srv1) * 1e6 / k, (cli2 - cli1) * 1e6 / k);
	}
	rc = 0;
	if (failed) {
		fprintf(stderr, "bench_httpd: FAIL: %lu requests lost\n", failed);
		rc = 1;
	}
	if (extra_conns) {
		fprintf(stderr, "bench_httpd: FAIL: %lu connections were not reused\n",
			extra_conns);
		rc = 1;
	}
	if (audit) {
		/* The server writes its audit file every 100 ms (buffered): give
		 * the last records time to arrive; more than b.n still fails. */
		long after = count_success(audit);
		for (int i = 0; i < 30 && after >= 0 && after - before < (long)b.n; i++) {
			nanosleep(&(struct timespec){ .tv_nsec = 100000000L }, NULL);
			after = count_success(audit);
		}
		printf("audit 9005 events      %ld (want %u)\n", after - before, b.n);
		if (after - before != (long)b.n) {
			fprintf(stderr, "bench_httpd: FAIL: %ld success events for %u handshakes\n",
				after - before, b.n);
			rc = 1;
		}
	}
out_curl:
	curl_global_cleanup();
out:
	if (userpwd)
		explicit_bzero(userpwd, len);
	free(userpwd);
	free(w);
	return rc;
}
