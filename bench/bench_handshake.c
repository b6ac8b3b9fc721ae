/* SPDX-License-Identifier: MIT */
/*
 * bench_handshake: NTLM handshakes per second and their latency against
 * `ntlm httpd`. N threads each make K requests, every one on a new
 * connection (so every request is a whole NEGOTIATE / CHALLENGE /
 * AUTHENTICATE handshake: with --accounts winbind, one validation by the
 * domain). Reports handshakes/s and the p50 / p99 / max latency of one
 * handshake (curl's total time for the request). Exits 1 if any request did
 * not get 200.
 *
 * usage: bench_handshake --url URL --user 'DOMAIN\user' --password PW
 *                        [--clients N] [--handshakes K] [--rate R] [--negotiate]
 *
 * --rate R: open loop. The N*K handshakes are started on a fixed schedule,
 * R per second in all (handshake s at start + s/R, client s mod N), instead
 * of each client starting its next one as soon as the last ended (closed
 * loop, the default, which saturates the slowest stage and measures its
 * queue). A handshake's latency is then counted from its scheduled start, so
 * a client still busy with the previous one makes it late, and that counts
 * (no coordinated omission); "late" says how many started over 1 ms late.
 *
 * --negotiate: HTTP Negotiate through libcurl's GSSAPI (SPNEGO over the
 * NTLM mechanism GSS_MECH_CONFIG names, credentials from its environment,
 * e.g. gss-ntlmssp's NTLM_USER_FILE); --user and --password are then not
 * used. A client Apache + mod_auth_gssapi + gss-ntlmssp and ntlm httpd both
 * accept (docs/performance.md).
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "bench_util.h"

struct bench {
	const char *url, *userpwd;
	unsigned n, k;
	bool negotiate;
	double rate;	       /* handshakes/s offered in all; 0: closed loop */
	struct timespec epoch; /* --rate: the schedule's start */
	pthread_barrier_t start;
};

struct worker {
	struct bench *b;
	pthread_t th;
	unsigned idx; /* this client's number, 0..n-1 */
	unsigned failed, late;
	long last_status;
	double *lat_ms; /* k entries */
	double *svc_ms; /* k entries: curl's time alone (--rate: without the lateness) */
};

static size_t sink(char *p, size_t size, size_t nmemb, void *arg)
{
	(void)p;
	(void)arg;
	return size * nmemb;
}

static void *run(void *arg)
{
	struct worker *w = arg;
	struct bench *b = w->b;
	CURL *c = curl_easy_init();

	if (c) {
		curl_easy_setopt(c, CURLOPT_URL, b->url);
		curl_easy_setopt(c, CURLOPT_HTTPAUTH,
				 (long)(b->negotiate ? CURLAUTH_NEGOTIATE : CURLAUTH_NTLM));
		curl_easy_setopt(c, CURLOPT_USERPWD, b->negotiate ? ":" : b->userpwd);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
		curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
		curl_easy_setopt(c, CURLOPT_PROXY, "");
		curl_easy_setopt(c, CURLOPT_FRESH_CONNECT, 1L);
		curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
	}
	pthread_barrier_wait(&b->start);
	for (unsigned i = 0; i < b->k; i++) {
		long code = 0;
		curl_off_t us = 0;
		double wait_ms = 0;
		if (b->rate > 0) {
			struct timespec due;
			wait_ms = bench_wait_turn(&b->epoch, (size_t)i * b->n + w->idx, b->rate,
						  &due);
			if (wait_ms > 1.0)
				w->late++;
		}
		if (!c || curl_easy_perform(c) != CURLE_OK) {
			w->failed++;
			w->lat_ms[i] = -1;
			w->svc_ms[i] = -1;
			continue;
		}
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
		curl_easy_getinfo(c, CURLINFO_TOTAL_TIME_T, &us);
		w->last_status = code;
		if (code != 200)
			w->failed++;
		w->lat_ms[i] = wait_ms + (double)us / 1000.0;
		w->svc_ms[i] = (double)us / 1000.0;
	}
	curl_easy_cleanup(c);
	return NULL;
}

int main(int argc, char **argv)
{
	struct bench b = { .n = 32, .k = 20 };
	const char *user = NULL, *pw = NULL;
	struct timespec t0, t1;
	char userpwd[1024];

	for (int i = 1; i < argc; i += 2) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--negotiate") == 0) {
			b.negotiate = true;
			i--;
			continue;
		}
		if (!v) {
			fprintf(stderr, "bench_handshake: %s needs a value\n", a);
			return 2;
		}
		if (strcmp(a, "--url") == 0)
			b.url = v;
		else if (strcmp(a, "--user") == 0)
			user = v;
		else if (strcmp(a, "--password") == 0)
			pw = v;
		else if (strcmp(a, "--clients") == 0)
			b.n = (unsigned)bench_number("bench_handshake", a, v, 100000);
		else if (strcmp(a, "--handshakes") == 0)
			b.k = (unsigned)bench_number("bench_handshake", a, v, 100000);
		else if (strcmp(a, "--rate") == 0) {
			if (!bench_rate("bench_handshake", v, &b.rate))
				return 2;
		} else {
			fprintf(stderr, "bench_handshake: unknown option %s\n", a);
			return 2;
		}
	}
	if (b.negotiate && (!user || !pw))
		user = pw = "";
	if (!b.url || !user || !pw) {
		fprintf(stderr, "usage: bench_handshake --url URL --user 'DOMAIN\\user' --password "
				"PW [--clients N] [--handshakes K] [--rate R]\n");
		return 2;
	}
	snprintf(userpwd, sizeof(userpwd), "%s:%s", user, pw);
	b.userpwd = userpwd;
	size_t total = (size_t)b.n * b.k;
	struct worker *w = calloc(b.n, sizeof(*w));
	double *all = calloc(total, sizeof(double));
	double *svc = calloc(total, sizeof(double));
	if (!w || !all || !svc || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "bench_handshake: out of memory\n");
		return 2;
	}
	pthread_barrier_init(&b.start, NULL, b.n + 1);
	for (unsigned i = 0; i < b.n; i++) {
		w[i].b = &b;
		w[i].idx = i;
		w[i].lat_ms = all + (size_t)i * b.k;
		w[i].svc_ms = svc + (size_t)i * b.k;
		if (pthread_create(&w[i].th, NULL, run, &w[i]) != 0) {
			fprintf(stderr, "bench_handshake: cannot start thread %u\n", i);
			exit(2);
		}
	}
	b.epoch = bench_epoch(0.02); /* every client is past the barrier by then */
	pthread_barrier_wait(&b.start);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (b.rate > 0)
		t0 = b.epoch;
	unsigned long failed = 0, late = 0;
	for (unsigned i = 0; i < b.n; i++) {
		pthread_join(w[i].th, NULL);
		failed += w[i].failed;
		late += w[i].late;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	qsort(all, total, sizeof(double), cmp_double);
	size_t first = 0;
	while (first < total && all[first] < 0)
		first++;
	size_t n_ok = total - first;
	if (b.rate > 0)
		printf("clients %u, offered %.1f/s, handshakes %zu (%lu failed, %lu late) in %.3f "
		       "s: "
		       "%.1f handshakes/s",
		       b.n, b.rate, total, failed, late, secs, total / secs);
	else
		printf("clients %u, handshakes %zu (%lu failed) in %.3f s: %.1f handshakes/s", b.n,
		       total, failed, secs, total / secs);
	if (n_ok)
		printf(", latency p50 %.2f ms, p99 %.2f ms, max %.2f ms",
		       rank_pct(all + first, n_ok, 50), rank_pct(all + first, n_ok, 99),
		       all[total - 1]);
	if (n_ok && b.rate > 0) {
		/* the same without the time a handshake waited for its client */
		qsort(svc, total, sizeof(double), cmp_double);
		printf(" (service alone: p50 %.2f ms, p99 %.2f ms)",
		       rank_pct(svc + first, n_ok, 50), rank_pct(svc + first, n_ok, 99));
	}
	printf("\n");
	curl_global_cleanup();
	free(all);
	free(svc);
	free(w);
	pthread_barrier_destroy(&b.start);
	if (failed) {
		fprintf(stderr, "bench_handshake: FAIL: %lu handshakes did not get 200\n", failed);
		return 1;
	}
	return 0;
}
