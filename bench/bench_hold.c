/* SPDX-License-Identifier: MIT */
/*
 * bench_hold: many authenticated keep-alive connections to `ntlm httpd` at
 * once, from one thread (libcurl's multi interface).
 *
 *   phase 1: N connections each authenticate (NTLM handshake: a request
 *            that ends in 200), BATCH at a time; every connection is kept
 *            open in the multi handle's connection cache;
 *   hold:    all N are open and authenticated: the server's resident memory
 *            and thread count are read from /proc (--server-pid);
 *   phase 2: one more request per connection, all at once; each must reuse
 *            an authenticated connection (no new connection, no handshake).
 *
 * Each connection is to a name of its own (cN.bench, resolved to the
 * URL's address with CURLOPT_RESOLVE), so libcurl never hands one
 * connection's requests to another's: the server sees exactly N handshakes.
 * Raises its own descriptor limit to the hard limit (the server's limit is
 * the caller's business: bench/run.sh starts it under a raised ulimit).
 * Exits 1 if a request did not get 200 or phase 2 opened a connection.
 *
 * usage: bench_hold --url URL --user 'DOMAIN\user' --password PW
 *                   [--connections N] [--batch B] [--server-pid PID]
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <curl/curl.h>

#include "bench_util.h"

static size_t sink(char *p, size_t size, size_t nmemb, void *arg)
{
	(void)p;
	(void)arg;
	return size * nmemb;
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* "VmRSS" or "Threads" of /proc/PID/status, or -1. */
static long proc_status(long pid, const char *key)
{
	char path[64], line[256];
	size_t kl = strlen(key);
	long v = -1;
	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, kl) == 0 && line[kl] == ':') {
			v = strtol(line + kl + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

static long count_fds(long pid)
{
	char path[64];
	long n = 0;
	snprintf(path, sizeof(path), "/proc/%ld/fd", pid);
	DIR *d = opendir(path);
	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n - 2;
}

/* Runs the multi handle until no transfer is left; counts what ended in 200
 * and how many new connections the finished transfers opened. */
static void drain(CURLM *m, unsigned long *ok, unsigned long *bad, unsigned long *connects)
{
	int running = 1, left;
	CURLMsg *msg;

	while (running) {
		if (curl_multi_perform(m, &running) != CURLM_OK)
			break;
		while ((msg = curl_multi_info_read(m, &left)) != NULL) {
			long code = 0, nc = 0;
			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &code);
			curl_easy_getinfo(msg->easy_handle, CURLINFO_NUM_CONNECTS, &nc);
			if (msg->data.result == CURLE_OK && code == 200)
				(*ok)++;
			else
				(*bad)++;
			*connects += (unsigned long)nc;
			curl_multi_remove_handle(m, msg->easy_handle);
		}
		if (running)
			curl_multi_poll(m, NULL, 0, 1000, NULL);
	}
}

int main(int argc, char **argv)
{
	const char *url = NULL, *user = NULL, *pw = NULL;
	unsigned long n = 1000, batch = 200, ok1 = 0, bad1 = 0, c1 = 0, ok2 = 0, bad2 = 0, c2 = 0;
	long server = 0;
	char userpwd[1024];
	struct rlimit rl;

	for (int i = 1; i < argc; i += 2) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!v) {
			fprintf(stderr, "bench_hold: %s needs a value\n", a);
			return 2;
		}
		if (strcmp(a, "--url") == 0)
			url = v;
		else if (strcmp(a, "--user") == 0)
			user = v;
		else if (strcmp(a, "--password") == 0)
			pw = v;
		else if (strcmp(a, "--connections") == 0)
			n = bench_number("bench_hold", a, v, 100000);
		else if (strcmp(a, "--batch") == 0)
			batch = bench_number("bench_hold", a, v, 100000);
		else if (strcmp(a, "--server-pid") == 0)
			server = (long)bench_number("bench_hold", a, v, 1UL << 30);
		else {
			fprintf(stderr, "bench_hold: unknown option %s\n", a);
			return 2;
		}
	}
	if (!url || !user || !pw) {
		fprintf(stderr, "usage: bench_hold --url URL --user 'DOMAIN\\user' --password PW "
				"[--connections N] [--batch B] [--server-pid PID]\n");
		return 2;
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < n + 64) {
		fprintf(stderr,
			"bench_hold: %lu connections need %lu descriptors; the limit is %lu\n", n,
			n + 64, (unsigned long)rl.rlim_cur);
		return 2;
	}
	snprintf(userpwd, sizeof(userpwd), "%s:%s", user, pw);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return 2;
	CURLM *m = curl_multi_init();
	CURL **e = calloc(n, sizeof(*e));
	if (!m || !e) {
		fprintf(stderr, "bench_hold: out of memory\n");
		return 2;
	}
	curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, (long)(n + 16));
	/* http://ADDR:PORT/PATH: each handle gets http://cI.bench:PORT/PATH */
	const char *hs = strstr(url, "://"), *port, *path;
	hs = hs ? hs + 3 : url;
	port = strchr(hs, ':');
	path = port ? strchr(port, '/') : NULL;
	if (!port || !path || port - hs > 64 || path - port > 7) {
		fprintf(stderr, "bench_hold: --url must be http://ADDRESS:PORT/PATH\n");
		return 2;
	}
	struct curl_slist **res = calloc(n, sizeof(*res));
	if (!res)
		return 2;
	for (unsigned long i = 0; i < n; i++) {
		e[i] = curl_easy_init();
		if (!e[i]) {
			fprintf(stderr, "bench_hold: out of memory\n");
			return 2;
		}
		char u[2048], r[160];
		snprintf(u, sizeof(u), "http://c%lu.bench%.*s", i, (int)strlen(port), port);
		snprintf(r, sizeof(r), "c%lu.bench:%.*s:%.*s", i, (int)(path - port - 1), port + 1,
			 (int)(port - hs), hs);
		res[i] = curl_slist_append(NULL, r);
		curl_easy_setopt(e[i], CURLOPT_URL, u);
		curl_easy_setopt(e[i], CURLOPT_RESOLVE, res[i]);
		curl_easy_setopt(e[i], CURLOPT_HTTPAUTH, (long)CURLAUTH_NTLM);
		curl_easy_setopt(e[i], CURLOPT_USERPWD, userpwd);
		curl_easy_setopt(e[i], CURLOPT_WRITEFUNCTION, sink);
		curl_easy_setopt(e[i], CURLOPT_PROXY, "");
		curl_easy_setopt(e[i], CURLOPT_TIMEOUT, 120L);
		curl_easy_setopt(e[i], CURLOPT_MAXAGE_CONN, 600L);
	}

	double t0 = now();
	for (unsigned long i = 0; i < n; i += batch) {
		for (unsigned long j = i; j < n && j < i + batch; j++) {
			/* a connection of its own: the cache holds the others */
			curl_easy_setopt(e[j], CURLOPT_FRESH_CONNECT, 1L);
			curl_multi_add_handle(m, e[j]);
		}
		drain(m, &ok1, &bad1, &c1);
	}
	double t1 = now();
	long rss = server ? proc_status(server, "VmRSS") : -1;
	long threads = server ? proc_status(server, "Threads") : -1;
	long fds = server ? count_fds(server) : -1;
	for (unsigned long i = 0; i < n; i++) {
		curl_easy_setopt(e[i], CURLOPT_FRESH_CONNECT, 0L);
		curl_multi_add_handle(m, e[i]);
	}
	drain(m, &ok2, &bad2, &c2);
	double t2 = now();

	printf("connections %lu: authenticated %lu (%lu failed) in %.2f s; all held open", n, ok1,
	       bad1, t1 - t0);
	if (server)
		printf(": server RSS %.1f MB, %ld threads, %ld descriptors", (double)rss / 1024.0,
		       threads, fds);
	printf("\nthen one request on each: %lu ok (%lu failed), %lu new connections, in %.2f s\n",
	       ok2, bad2, c2, t2 - t1);
	for (unsigned long i = 0; i < n; i++) {
		curl_easy_cleanup(e[i]);
		curl_slist_free_all(res[i]);
	}
	free(e);
	free(res);
	curl_multi_cleanup(m);
	curl_global_cleanup();
	if (bad1 || bad2 || ok1 != n || ok2 != n || c2) {
		fprintf(stderr, "bench_hold: FAIL: every connection must authenticate once and be "
				"reused\n");
		return 1;
	}
	return 0;
}
