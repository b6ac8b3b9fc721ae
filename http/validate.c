/* SPDX-License-Identifier: MIT */
/*
 * http/validate.c: the AUTHENTICATE steps that may wait (a domain logon:
 * winbindd, then a domain controller, ntlm_accounts_may_wait), taken off
 * the worker threads. A worker serves many connections; while it waited on
 * the domain every other connection it holds, local logons and
 * authenticated requests included, waited too, and at most one logon per
 * worker was ever in flight. Now the worker suspends the connection
 * (libmicrohttpd stops reading and serving it), hands the step to one of up
 * to --domain-threads threads, and goes on with its other connections; the
 * thread runs the step (httpd_finish_step: the same code, audit and
 * refusals as on a worker) and resumes the connection, whose worker then
 * answers. The threads start on demand and stay until the server stops.
 *
 * Ownership: a job's connection stays suspended until its thread resumes
 * it, and libmicrohttpd neither reads it, times it out nor frees it in the
 * meantime, so struct hconn and struct hreq are the thread's alone. The
 * guard may still reset its socket (a deadline): the answer then fails to
 * go out, and the connection closes once resumed.
 *
 * Stopping: libmicrohttpd refuses to stop with a connection suspended. Jobs
 * not started are answered 503 without asking the domain; running ones are
 * waited for up to a bound (a winbindd that is stopped, not dead, answers
 * nothing for minutes): httpd_validate_stop says whether all came back.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conn.h"

struct httpd_job {
	struct MHD_Connection *conn; /* suspended until the job is done */
	struct hconn *hc;
	struct hreq *rq;
	bool spnego;
	size_t len;
	struct httpd_job *next;
	uint8_t tok[]; /* the AUTHENTICATE (or NegTokenResp); wiped */
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t work; /* a job queued, or stopping */
	pthread_cond_t done; /* a job finished (for the stop) */
	struct httpd_job *head, *tail;
	unsigned max;	  /* --domain-threads */
	unsigned threads; /* started */
	unsigned idle;	  /* waiting for work */
	unsigned queued;  /* jobs waiting for a thread */
	unsigned running; /* jobs taken, not yet finished */
	bool stopping;
	bool started; /* lock and conditions initialised */
	pthread_t tid[HTTPD_DOMAIN_THREADS_MAX];
} P = { .lock = PTHREAD_MUTEX_INITIALIZER };

struct httpd_job *httpd_job_new(struct MHD_Connection *conn, struct hconn *hc, struct hreq *rq,
				bool spnego, const uint8_t *tok, size_t len)
{
	struct httpd_job *j = malloc(sizeof(*j) + len);
	if (!j)
		return NULL;
	j->conn = conn;
	j->hc = hc;
	j->rq = rq;
	j->spnego = spnego;
	j->len = len;
	j->next = NULL;
	memcpy(j->tok, tok, len);
	return j;
}

static void job_free(struct httpd_job *j)
{
	if (!j)
		return;
	explicit_bzero(j->tok, j->len);
	free(j);
}

void httpd_job_run_here(struct httpd_job *j)
{
	httpd_finish_step(j->hc, j->rq, j->spnego, j->tok, j->len);
	job_free(j);
}

static void *pool_thread(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&P.lock);
	for (;;) {
		while (!P.head && !P.stopping) {
			P.idle++;
			pthread_cond_wait(&P.work, &P.lock);
			P.idle--;
		}
		if (!P.head) /* stopping, nothing left */
			break;
		struct httpd_job *j = P.head;
		P.head = j->next;
		if (!P.head)
			P.tail = NULL;
		P.queued--;
		P.running++;
		pthread_mutex_unlock(&P.lock);

		struct MHD_Connection *conn = j->conn;
		httpd_job_run_here(j);
		MHD_resume_connection(conn);

		pthread_mutex_lock(&P.lock);
		P.running--;
		pthread_cond_broadcast(&P.done);
	}
	pthread_mutex_unlock(&P.lock);
	return NULL;
}

int httpd_validate_start(unsigned max_threads, char *why, size_t why_len)
{
	pthread_condattr_t ca;

	if (max_threads < 1 || max_threads > HTTPD_DOMAIN_THREADS_MAX) {
		snprintf(why, why_len, "--domain-threads %u: from 1 to %u", max_threads,
			 HTTPD_DOMAIN_THREADS_MAX);
		return -1;
	}
	if (pthread_condattr_init(&ca) != 0 ||
	    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 ||
	    pthread_cond_init(&P.work, &ca) != 0 || pthread_cond_init(&P.done, &ca) != 0) {
		snprintf(why, why_len, "cannot set up the domain threads");
		return -1;
	}
	pthread_condattr_destroy(&ca);
	P.head = P.tail = NULL;
	P.max = max_threads;
	P.threads = P.idle = P.queued = P.running = 0;
	P.stopping = false;
	P.started = true;
	return 0;
}

/* One more thread, under the lock; false when none can be had. */
static bool grow(void)
{
	if (P.threads >= P.max)
		return false;
	if (pthread_create(&P.tid[P.threads], NULL, pool_thread, NULL) != 0)
		return false;
	P.threads++;
	return true;
}

bool httpd_validate_ready(void)
{
	bool ok;
	if (!P.started)
		return false;
	pthread_mutex_lock(&P.lock);
	ok = !P.stopping && (P.threads > 0 || grow());
	pthread_mutex_unlock(&P.lock);
	return ok;
}

/* A job that will not run: answered 503, its connection resumed. */
static void refuse_job(struct httpd_job *j)
{
	struct MHD_Connection *conn = j->conn;
	httpd_refuse_stopping(j->hc, j->rq);
	job_free(j);
	MHD_resume_connection(conn);
}

void httpd_validate_submit(struct httpd_job *j)
{
	pthread_mutex_lock(&P.lock);
	if (P.stopping) { /* httpd_validate_ready said yes just before the stop */
		pthread_mutex_unlock(&P.lock);
		refuse_job(j);
		return;
	}
	if (P.tail)
		P.tail->next = j;
	else
		P.head = j;
	P.tail = j;
	P.queued++;
	/* More jobs waiting than threads idle: one more thread, if allowed
	 * (if none can be started, the ones there take them in turn). */
	if (P.queued > P.idle)
		(void)grow();
	pthread_cond_signal(&P.work);
	pthread_mutex_unlock(&P.lock);
}

unsigned httpd_validate_stop(unsigned wait_ms)
{
	struct httpd_job *left;
	struct timespec until;
	unsigned running;

	if (!P.started)
		return 0;
	pthread_mutex_lock(&P.lock);
	P.stopping = true;
	left = P.head;
	P.head = P.tail = NULL;
	P.queued = 0;
	pthread_cond_broadcast(&P.work);
	pthread_mutex_unlock(&P.lock);

	/* Not started: answered without asking the domain. */
	while (left) {
		struct httpd_job *j = left;
		left = j->next;
		refuse_job(j);
	}

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += wait_ms / 1000;
	until.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&P.lock);
	while (P.running > 0)
		if (pthread_cond_timedwait(&P.done, &P.lock, &until) == ETIMEDOUT)
			break;
	running = P.running;
	unsigned n = P.threads;
	pthread_mutex_unlock(&P.lock);
	if (running > 0)
		return running; /* their threads still wait on the domain: left as they are */
	for (unsigned i = 0; i < n; i++)
		pthread_join(P.tid[i], NULL);
	pthread_mutex_lock(&P.lock);
	P.threads = 0;
	pthread_mutex_unlock(&P.lock);
	pthread_cond_destroy(&P.work);
	pthread_cond_destroy(&P.done);
	P.started = false;
	return 0;
}
