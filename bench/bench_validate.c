/* SPDX-License-Identifier: MIT */
/*
 * bench_validate: NTLM handshakes in one process, with no HTTP and no
 * socket of ours: N threads each run whole handshakes between a client
 * context and a server context (ntlm_server_new on the accounts of --accounts,
 * "file:PATH" or "winbind", under the policy profile ntlm httpd uses by
 * default). With --accounts winbind every handshake is one validation by the
 * domain (winbindd, then the DC); with a file, none. The same command with
 * both, at the same rate, shows what the winbind path alone adds to a
 * handshake (docs/domain.md, "The winbind path alone").
 *
 * usage: bench_validate --accounts SPEC --user 'DOMAIN\user' --password PW
 *                       [--threads N] [--handshakes K] [--rate R]
 *                       [--profile NAME] [--audit FILE] [--self-check]
 *
 * Closed loop (the default): each thread starts its next handshake as soon
 * as the last one ended. --rate R: open loop, the N*K handshakes start on a
 * fixed schedule, R per second in all (handshake s at start + s/R, on thread
 * s mod N), and a handshake's latency counts from its scheduled start, so a
 * thread still busy with the previous one makes it late and the queue shows
 * ("late": started over 1 ms after its time).
 *
 * Every handshake must succeed: each step's status, the user name the
 * server reports (the canonical name may differ in case only) and the
 * session key of both sides, which must be equal. Before the run, one
 * handshake with the password (it also warms up the path: winbindd's
 * connection to the DC), then one per thread, all at once, not measured
 * (as a server that has run a while, the backend holds a connection to
 * winbindd per call in flight). With --self-check, before that, one handshake
 * with a wrong password (the password with "-wrong" appended), which must
 * be refused as a logon failure, so a store that accepted anything fails
 * the run. Not by default: a DC does more for a wrong password (it counts
 * it, and the next success resets the count), which would weigh on the
 * handshakes measured right after it. With --audit FILE the server
 * contexts write their audit records there, as ntlm httpd does with
 * --audit, and FILE must gain exactly one success event per success.
 *
 * Prints handshakes/s, failures, the p50 / p90 / p99 / max latency, and the
 * CPU time of the process per handshake (getrusage: every thread, client
 * and server), with the part spent in the server's calls (the thread CPU
 * clock around ntlm_server_new, its ntlm_step calls and ntlm_ctx_free).
 * Exits 1 when any handshake failed or the self-check did not hold, 2 on a
 * usage or setup error.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>

#include <ntlmssp.h>

#include "bench_util.h"

struct bench {
	struct ntlm_policy *pol;
	struct ntlm_accounts *acc;
	struct ntlm_audit *audit;
	struct ntlm_cred *cred;
	const char *user; /* the part after the backslash */
	unsigned n, k;
	double rate;	       /* handshakes/s offered in all; 0: closed loop */
	struct timespec epoch; /* --rate: the schedule's start */
	pthread_barrier_t start;
};

struct worker {
	struct bench *b;
	pthread_t th;
	unsigned idx;
	unsigned failed, late;
	bool warm;	   /* its warm-up handshake succeeded */
	double server_cpu; /* s, this thread's CPU inside the server's calls */
	double *lat_ms;	   /* k entries, -1 for a failure */
	double *svc_ms;	   /* k entries: the handshake alone, without lateness */
	char why[400];	   /* the first failure */
	ntlm_status first;
};

static double ts_ms(const struct timespec *a, const struct timespec *b) /* b - a */
{
	return (double)(b->tv_sec - a->tv_sec) * 1e3 + (double)(b->tv_nsec - a->tv_nsec) / 1e6;
}

static double thread_cpu(void)
{
	struct timespec t;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* One whole handshake with cred. NTLM_OK when it succeeded and was checked;
 * otherwise the failing status, and why gets a line. *server_cpu gains the
 * CPU time of the server's calls. */
static ntlm_status handshake(const struct bench *b, const struct ntlm_cred *cred,
			     double *server_cpu, char *why, size_t why_len)
{
	struct ntlm_ctx *cli = NULL, *srv = NULL;
	uint8_t *neg = NULL, *chal = NULL, *auth = NULL, *none = NULL;
	size_t neg_len = 0, chal_len = 0, auth_len = 0, none_len = 0;
	uint8_t kc[16], ks[16];
	const char *step = "client context";
	double c0;
	ntlm_status st;

	st = ntlm_client_new(b->pol, cred, "HTTP/bench", 0, &cli);
	if (st == NTLM_OK) {
		step = "NEGOTIATE";
		st = ntlm_step(cli, NULL, 0, &neg, &neg_len);
		if (st == NTLM_CONTINUE)
			st = NTLM_OK;
	}
	c0 = thread_cpu();
	if (st == NTLM_OK) {
		step = "server context";
		st = ntlm_server_new(b->pol, b->acc, &srv);
		if (st == NTLM_OK && b->audit)
			st = ntlm_ctx_set_audit(srv, b->audit);
		if (st == NTLM_OK)
			st = ntlm_ctx_set_peer(srv, "127.0.0.1:0");
	}
	if (st == NTLM_OK) {
		step = "CHALLENGE";
		st = ntlm_step(srv, neg, neg_len, &chal, &chal_len);
		if (st == NTLM_CONTINUE)
			st = NTLM_OK;
	}
	*server_cpu += thread_cpu() - c0;
	if (st == NTLM_OK) {
		step = "AUTHENTICATE";
		st = ntlm_step(cli, chal, chal_len, &auth, &auth_len);
		if (st == NTLM_CONTINUE) /* a client ends with NTLM_OK */
			st = NTLM_E_BAD_STATE;
	}
	c0 = thread_cpu();
	if (st == NTLM_OK) {
		step = "validation";
		st = ntlm_step(srv, auth, auth_len, &none, &none_len);
		if (st == NTLM_CONTINUE)
			st = NTLM_E_BAD_STATE;
	}
	if (st != NTLM_OK) {
		snprintf(why, why_len, "%s: %s: %s", step, ntlm_status_name(st),
			 ntlm_error_message());
	} else {
		const char *u = ntlm_ctx_user(srv);
		if (!u || strcasecmp(u, b->user) != 0) {
			snprintf(why, why_len, "the server says user '%s', not '%s'", u ? u : "",
				 b->user);
			st = NTLM_E_INTERNAL;
		} else if (ntlm_ctx_session_key(cli, kc) != NTLM_OK ||
			   ntlm_ctx_session_key(srv, ks) != NTLM_OK || memcmp(kc, ks, 16) != 0) {
			snprintf(why, why_len, "the session keys of client and server differ");
			st = NTLM_E_INTERNAL;
		}
	}
	ntlm_ctx_free(srv);
	*server_cpu += thread_cpu() - c0;
	ntlm_ctx_free(cli);
	ntlm_free(neg);
	ntlm_free(chal);
	ntlm_free(auth);
	ntlm_free(none);
	memset(kc, 0, sizeof(kc));
	memset(ks, 0, sizeof(ks));
	return st;
}

static void *run(void *arg)
{
	struct worker *w = arg;
	struct bench *b = w->b;

	/* wake on time (the default slack, 50 us, would count as lateness) */
	prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
	/* One handshake per thread, all at once and not measured: the backend
	 * then holds what a server that has run a while holds (winbind: a
	 * connection to winbindd per call in flight, up to its pool). */
	char why[sizeof(w->why)];
	double cpu = 0;
	w->warm = handshake(b, b->cred, &cpu, why, sizeof(why)) == NTLM_OK;
	pthread_barrier_wait(&b->start); /* every thread warm */
	pthread_barrier_wait(&b->start); /* the schedule is set */
	for (unsigned i = 0; i < b->k; i++) {
		struct timespec due = { 0 }, t0, t1;
		double wait_ms = 0;
		if (b->rate > 0) {
			wait_ms = bench_wait_turn(&b->epoch, (size_t)i * b->n + w->idx, b->rate,
						  &due);
			if (wait_ms > 1.0)
				w->late++;
		}
		clock_gettime(CLOCK_MONOTONIC, &t0);
		ntlm_status st = handshake(b, b->cred, &w->server_cpu, why, sizeof(why));
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (st != NTLM_OK) {
			if (!w->failed++) {
				w->first = st;
				memcpy(w->why, why, sizeof(why));
			}
			w->lat_ms[i] = -1;
			w->svc_ms[i] = -1;
			continue;
		}
		w->svc_ms[i] = ts_ms(&t0, &t1);
		w->lat_ms[i] = wait_ms + w->svc_ms[i];
	}
	return NULL;
}

/* Frees what main set up (each may be NULL). */
static void release(struct bench *b)
{
	ntlm_audit_close(b->audit);
	ntlm_cred_free(b->cred);
	ntlm_accounts_close(b->acc);
	ntlm_policy_free(b->pol);
	b->audit = NULL;
	b->cred = NULL;
	b->acc = NULL;
	b->pol = NULL;
}

static double tv_s(const struct timeval *t)
{
	return (double)t->tv_sec + (double)t->tv_usec / 1e6;
}

int main(int argc, char **argv)
{
	struct bench b = { .n = 32, .k = 20 };
	const char *spec = NULL, *user = NULL, *pw = NULL, *profile = "cis", *audit = NULL;
	bool self_check = false;
	int rc = 0;

	for (int i = 1; i < argc; i += 2) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--self-check") == 0) {
			self_check = true;
			i--;
			continue;
		}
		if (!v) {
			fprintf(stderr, "bench_validate: %s needs a value\n", a);
			return 2;
		}
		if (strcmp(a, "--accounts") == 0)
			spec = v;
		else if (strcmp(a, "--user") == 0)
			user = v;
		else if (strcmp(a, "--password") == 0)
			pw = v;
		else if (strcmp(a, "--profile") == 0)
			profile = v;
		else if (strcmp(a, "--audit") == 0)
			audit = v;
		else if (strcmp(a, "--threads") == 0)
			b.n = (unsigned)bench_number("bench_validate", a, v, 100000);
		else if (strcmp(a, "--handshakes") == 0)
			b.k = (unsigned)bench_number("bench_validate", a, v, 100000);
		else if (strcmp(a, "--rate") == 0) {
			if (!bench_rate("bench_validate", v, &b.rate))
				return 2;
		} else {
			fprintf(stderr, "bench_validate: unknown option %s\n", a);
			return 2;
		}
	}
	const char *bs = user ? strchr(user, '\\') : NULL;
	if (!spec || !bs || !bs[1] || !pw) {
		fprintf(stderr, "usage: bench_validate --accounts SPEC --user 'DOMAIN\\user' "
				"--password PW [--threads N] [--handshakes K] [--rate R] "
				"[--profile NAME] [--audit FILE] [--self-check]\n");
		return 2;
	}
	size_t dlen = (size_t)(bs - user);
	char domain[256], wrong[512];
	if (dlen >= sizeof(domain) || strlen(pw) + 7 > sizeof(wrong)) {
		fprintf(stderr, "bench_validate: --user or --password too long\n");
		return 2;
	}
	memcpy(domain, user, dlen);
	domain[dlen] = '\0';
	b.user = bs + 1;
	snprintf(wrong, sizeof(wrong), "%s-wrong", pw);

	struct ntlm_cred *bad = NULL;
	ntlm_status st = ntlm_policy_new(profile, &b.pol);
	const char *what = "--profile";
	if (st == NTLM_OK) {
		what = "--accounts";
		st = ntlm_accounts_open_spec(spec, &b.acc);
	}
	if (st == NTLM_OK && audit) {
		what = "--audit";
		st = ntlm_audit_open(&b.audit);
		if (st == NTLM_OK)
			st = ntlm_audit_to_file(b.audit, audit);
	}
	if (st == NTLM_OK) {
		what = "--user/--password";
		st = ntlm_cred_new_password(domain, b.user, pw, &b.cred);
	}
	if (st == NTLM_OK)
		st = ntlm_cred_new_password(domain, b.user, wrong, &bad);
	memset(wrong, 0, sizeof(wrong));
	if (st != NTLM_OK) {
		fprintf(stderr, "bench_validate: %s: %s: %s\n", what, ntlm_status_name(st),
			ntlm_error_message());
		ntlm_cred_free(bad);
		release(&b);
		return 2;
	}
	long events0 = audit ? count_success(audit) : 0;

	/* --self-check: a wrong password is refused; then the warm-up: the
	 * password passes. In this order: a success after a refusal resets the
	 * account's bad password count, a write on a DC, then not in the run. */
	char why[400];
	double ignored = 0;
	unsigned long ok_before = 0;
	if (self_check) {
		st = handshake(&b, bad, &ignored, why, sizeof(why));
		if (st == NTLM_OK) {
			printf("self-check: a wrong password: ACCEPTED (the store does not "
			       "check)\n");
			rc = 1;
		} else if (ntlm_status_kind(st) != NTLM_KIND_AUTH_FAILED) {
			printf("self-check: a wrong password: not a logon failure (%s)\n", why);
			rc = 1;
		} else {
			printf("self-check: a wrong password: refused, %s\n", ntlm_status_name(st));
		}
	}
	ntlm_cred_free(bad);
	st = handshake(&b, b.cred, &ignored, why, sizeof(why));
	if (st == NTLM_OK) {
		ok_before = 1;
		printf("warm-up: the password: ok\n");
	} else {
		printf("warm-up: the password: FAILED (%s)\n", why);
		rc = 1;
	}

	size_t total = (size_t)b.n * b.k;
	struct worker *w = calloc(b.n, sizeof(*w));
	double *all = calloc(total, sizeof(double));
	double *svc = calloc(total, sizeof(double));
	if (!w || !all || !svc) {
		fprintf(stderr, "bench_validate: out of memory\n");
		free(w);
		free(all);
		free(svc);
		release(&b);
		return 2;
	}
	pthread_barrier_init(&b.start, NULL, b.n + 1);
	for (unsigned i = 0; i < b.n; i++) {
		w[i].b = &b;
		w[i].idx = i;
		w[i].lat_ms = all + (size_t)i * b.k;
		w[i].svc_ms = svc + (size_t)i * b.k;
		if (pthread_create(&w[i].th, NULL, run, &w[i]) != 0) {
			fprintf(stderr, "bench_validate: cannot start thread %u\n", i);
			return 2;
		}
	}
	struct rusage r0, r1;
	struct timespec t0, t1;
	pthread_barrier_wait(&b.start); /* every thread warm */
	b.epoch = bench_epoch(0.02);	/* every thread is past the barrier by then */
	getrusage(RUSAGE_SELF, &r0);
	pthread_barrier_wait(&b.start);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (b.rate > 0)
		t0 = b.epoch;
	unsigned long failed = 0, late = 0, warm = 0;
	double server_cpu = 0;
	const struct worker *first = NULL;
	for (unsigned i = 0; i < b.n; i++) {
		pthread_join(w[i].th, NULL);
		warm += w[i].warm;
		failed += w[i].failed;
		late += w[i].late;
		server_cpu += w[i].server_cpu;
		if (w[i].failed && !first)
			first = &w[i];
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	getrusage(RUSAGE_SELF, &r1);
	double secs = ts_ms(&t0, &t1) / 1e3;
	double ucpu = tv_s(&r1.ru_utime) - tv_s(&r0.ru_utime);
	double scpu = tv_s(&r1.ru_stime) - tv_s(&r0.ru_stime);

	qsort(all, total, sizeof(double), cmp_double);
	qsort(svc, total, sizeof(double), cmp_double);
	size_t lo = 0;
	while (lo < total && all[lo] < 0)
		lo++;
	size_t n_ok = total - lo;
	printf("accounts %s, threads %u, ", spec, b.n);
	if (b.rate > 0)
		printf("offered %.1f/s, handshakes %zu (%lu failed, %lu late)", b.rate, total,
		       failed, late);
	else
		printf("handshakes %zu (%lu failed)", total, failed);
	printf(" in %.3f s: %.1f handshakes/s", secs, secs > 0 ? (double)n_ok / secs : 0.0);
	if (n_ok) {
		/* p50 and p99 first, as bench_handshake prints them (bench/run.sh reads both) */
		printf(", latency p50 %.2f ms, p99 %.2f ms, max %.2f ms, p90 %.2f ms",
		       rank_pct(all + lo, n_ok, 50), rank_pct(all + lo, n_ok, 99), all[total - 1],
		       rank_pct(all + lo, n_ok, 90));
		if (b.rate > 0)
			printf(" (service alone: p50 %.2f ms, p99 %.2f ms, max %.2f ms)",
			       rank_pct(svc + lo, n_ok, 50), rank_pct(svc + lo, n_ok, 99),
			       svc[total - 1]);
	}
	printf("\n");
	printf("ok %zu of %zu (warm-up: %lu of %u threads ok)\n", n_ok, total, warm, b.n);
	if (warm != b.n)
		rc = 1;
	if (n_ok)
		printf("cpu per handshake: process %.3f ms (user %.3f, sys %.3f), server calls "
		       "%.3f ms, load %.2f CPUs\n",
		       (ucpu + scpu) * 1e3 / (double)n_ok, ucpu * 1e3 / (double)n_ok,
		       scpu * 1e3 / (double)n_ok, server_cpu * 1e3 / (double)n_ok,
		       secs > 0 ? (ucpu + scpu) / secs : 0.0);
	if (first)
		printf("first failure: %s\n", first->why);

	if (b.audit) {
		ntlm_audit_close(b.audit); /* flushes */
		b.audit = NULL;
		long got = count_success(audit) - events0;
		long want = (long)(n_ok + ok_before + warm);
		printf("audit 9005 events %ld (want %ld)\n", got, want);
		if (got != want)
			rc = 1;
	}
	if (failed) {
		fprintf(stderr, "bench_validate: FAIL: %lu of %zu handshakes failed\n", failed,
			total);
		rc = 1;
	}
	pthread_barrier_destroy(&b.start);
	free(all);
	free(svc);
	free(w);
	release(&b);
	return rc;
}
