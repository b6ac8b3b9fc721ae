/* SPDX-License-Identifier: MIT */
/*
 * http/log.c: the server's log on stderr (request lines, reloads, errors),
 * buffered so that a request does not cost a write(2) of its own.
 *
 * Lines go into one buffer under a lock, whole (a line is never split
 * between two writes); the buffer is written when it is full, by the
 * connection guard every 100 ms (guard.c), at once for a line that says
 * something an operator waits for (httpd_log_now: start, reload, stop,
 * errors), and on the way out. So a clean stop or a SIGHUP loses no line.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "conn.h"
#include "fe.h"

#define LOG_BUF 32768
#define LOG_LINE 12288 /* an audit record on stderr (no --audit) fits */

static struct {
	pthread_mutex_t lock;
	size_t len;
	char buf[LOG_BUF];
} L = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* Under the lock. A write that fails (stderr gone) drops the buffer: the
 * log is for the operator, the audit trail is elsewhere. */
static void flush_locked(void)
{
	if (L.len)
		(void)fe_write_all(STDERR_FILENO, L.buf, L.len);
	L.len = 0;
}

static void add(bool now, const char *fmt, va_list ap)
{
	char line[LOG_LINE];
	int n = vsnprintf(line, sizeof(line), fmt, ap);

	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line)) { /* cut: still one line */
		n = (int)sizeof(line) - 1;
		line[n - 1] = '\n';
	}
	pthread_mutex_lock(&L.lock);
	if (L.len + (size_t)n > sizeof(L.buf))
		flush_locked();
	memcpy(L.buf + L.len, line, (size_t)n);
	L.len += (size_t)n;
	if (now)
		flush_locked();
	pthread_mutex_unlock(&L.lock);
}

void httpd_log(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add(false, fmt, ap);
	va_end(ap);
}

void httpd_log_now(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add(true, fmt, ap);
	va_end(ap);
}

void httpd_log_flush(void)
{
	pthread_mutex_lock(&L.lock);
	flush_locked();
	pthread_mutex_unlock(&L.lock);
}
