/* SPDX-License-Identifier: MIT */
/*
 * audit: the syslog and journal sinks. Both send one datagram per record on
 * an AF_UNIX socket of their own, so a destination that is missing or
 * refuses a record is seen (and the record counted as lost), which
 * syslog(3) would hide.
 *
 * syslog: "<PRI>Mmm dd hh:mm:ss IDENT[PID]: JSON" to /dev/log (the format
 * syslog(3) writes there), facility LOG_AUTHPRIV (authentication records
 * are private to the administrator). Severity: blocked, failed or insecure
 * -> LOG_WARNING, audited -> LOG_NOTICE, success -> LOG_INFO.
 *
 * journal: systemd's native protocol to /run/systemd/journal/socket, one
 * "FIELD=value\n" per field (a value with a newline in the length-prefixed
 * form): MESSAGE (the JSON object), PRIORITY, SYSLOG_FACILITY,
 * SYSLOG_IDENTIFIER, SYSLOG_PID, NTLM_EVENT_ID, NTLM_EVENT, NTLM_OUTCOME.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "audit/sink.h"

struct slog {
	struct ntlm_audit_sink base;
	bool journal;
	int fd; /* -1 until connected */
	pthread_mutex_t lock;
	char ident[64];
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

static int priority(const struct ntlm_audit_event *e)
{
	switch (ntlm_audit_event_severity(e)) {
	case NTLM_SEVERITY_INFO:
		return LOG_INFO;
	case NTLM_SEVERITY_NOTICE:
		return LOG_NOTICE;
	case NTLM_SEVERITY_WARNING:
	default:
		return LOG_WARNING;
	}
}

/* Under the lock: a connected datagram socket, or errno set. */
static bool connect_socket(struct slog *l)
{
	struct sockaddr_un sa;
	struct timeval tv = { 1, 0 }; /* a stuck daemon costs a record, not a hang */

	if (l->fd >= 0)
		return true;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, l->path, strlen(l->path) + 1);
	l->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (l->fd < 0)
		return false;
	(void)setsockopt(l->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(l->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		int e = errno;
		close(l->fd);
		l->fd = -1;
		errno = e;
		return false;
	}
	return true;
}

/* Under the lock: sends one datagram; reconnects once (a restarted daemon
 * has a new socket at the same path). */
static bool send_record(struct slog *l, const char *buf, size_t n)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		if (!connect_socket(l))
			return false;
		ssize_t w;
		do {
			w = send(l->fd, buf, n, MSG_NOSIGNAL);
		} while (w < 0 && errno == EINTR);
		if (w >= 0 && (size_t)w == n)
			return true;
		if (w >= 0)
			errno = EMSGSIZE;
		int e = errno;
		close(l->fd);
		l->fd = -1;
		errno = e;
		if (e != ECONNREFUSED && e != ENOTCONN && e != ECONNRESET)
			return false;
	}
	return false;
}

/* "<PRI>Mmm dd hh:mm:ss IDENT[PID]: " (months in English whatever the
 * locale, as syslog(3) in the C locale). */
static size_t syslog_header(const struct slog *l, int pri, char *buf, size_t len)
{
	static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t now = time(NULL);
	struct tm tm;
	int k;

	if (!localtime_r(&now, &tm))
		memset(&tm, 0, sizeof(tm));
	k = snprintf(buf, len, "<%d>%s %2d %02d:%02d:%02d %s[%ld]: ", LOG_AUTHPRIV | pri,
		     months[tm.tm_mon % 12], tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, l->ident,
		     (long)getpid());
	return k < 0 ? 0 : (size_t)k >= len ? len - 1 : (size_t)k;
}

/* Appends "NAME=value\n", or the length-prefixed form when value has a
 * newline. false when it does not fit. */
static bool journal_field(char *buf, size_t len, size_t *k, const char *name, const char *value)
{
	size_t nl = strlen(name), vl = strlen(value);

	if (!strchr(value, '\n')) {
		if (*k + nl + 1 + vl + 1 > len)
			return false;
		memcpy(buf + *k, name, nl);
		buf[*k + nl] = '=';
		memcpy(buf + *k + nl + 1, value, vl);
		buf[*k + nl + 1 + vl] = '\n';
		*k += nl + vl + 2;
		return true;
	}
	if (*k + nl + 1 + 8 + vl + 1 > len)
		return false;
	memcpy(buf + *k, name, nl);
	buf[*k + nl] = '\n';
	for (int i = 0; i < 8; i++)
		buf[*k + nl + 1 + i] = (char)(((uint64_t)vl >> (8 * i)) & 0xff);
	memcpy(buf + *k + nl + 9, value, vl);
	buf[*k + nl + 9 + vl] = '\n';
	*k += nl + vl + 10;
	return true;
}

static ntlm_status slog_emit(struct ntlm_audit_sink *s, const struct ntlm_audit_event *e,
			     bool must_write)
{
	(void)must_write; /* a datagram per record: nothing is kept */
	struct slog *l = (struct slog *)s;
	char msg[NTLM_AUDIT_JSON_MAX];
	char buf[NTLM_AUDIT_JSON_MAX + 512], num[32], eb[128];
	size_t k = 0;
	int pri = priority(e);
	bool ok;

	NTLM_TRY(ntlm_audit_event_json(e, msg, sizeof(msg)));
	if (l->journal) {
		bool fits = journal_field(buf, sizeof(buf), &k, "MESSAGE", msg);
		snprintf(num, sizeof(num), "%d", pri);
		fits = fits && journal_field(buf, sizeof(buf), &k, "PRIORITY", num);
		snprintf(num, sizeof(num), "%d", LOG_AUTHPRIV >> 3);
		fits = fits && journal_field(buf, sizeof(buf), &k, "SYSLOG_FACILITY", num);
		fits = fits && journal_field(buf, sizeof(buf), &k, "SYSLOG_IDENTIFIER", l->ident);
		snprintf(num, sizeof(num), "%ld", (long)getpid());
		fits = fits && journal_field(buf, sizeof(buf), &k, "SYSLOG_PID", num);
		snprintf(num, sizeof(num), "%u", (unsigned)e->id);
		fits = fits && journal_field(buf, sizeof(buf), &k, "NTLM_EVENT_ID", num);
		fits = fits && journal_field(buf, sizeof(buf), &k, "NTLM_EVENT",
					     ntlm_audit_event_name(e->id));
		fits = fits && journal_field(buf, sizeof(buf), &k, "NTLM_OUTCOME",
					     ntlm_audit_outcome_name(e->outcome));
		if (!fits)
			return ntlm_err(NTLM_E_INTERNAL,
					"audit journal %s: record too long; the record is lost",
					l->path);
	} else {
		k = syslog_header(l, pri, buf, sizeof(buf));
		size_t ml = strlen(msg);
		if (k + ml > sizeof(buf))
			ml = sizeof(buf) - k;
		memcpy(buf + k, msg, ml);
		k += ml;
	}
	pthread_mutex_lock(&l->lock);
	ok = send_record(l, buf, k);
	int err = errno;
	pthread_mutex_unlock(&l->lock);
	if (!ok)
		return ntlm_err(NTLM_E_INTERNAL, "audit %s %s: %s; the record is lost",
				l->journal ? "journal" : "syslog", l->path,
				strerror_r(err, eb, sizeof(eb)));
	return NTLM_OK;
}

static void slog_close(struct ntlm_audit_sink *s)
{
	struct slog *l = (struct slog *)s;
	if (l->fd >= 0)
		close(l->fd);
	pthread_mutex_destroy(&l->lock);
	free(l);
}

static const struct ntlm_audit_sink_ops slog_ops = {
	.kind = "syslog",
	.emit = slog_emit,
	.close = slog_close,
};

static const struct ntlm_audit_sink_ops journal_ops = {
	.kind = "journal",
	.emit = slog_emit,
	.close = slog_close,
};

ntlm_status ntlm_audit_sink_socket_open(bool journal, const char *path, const char *ident,
					struct ntlm_audit_sink **out)
{
	struct slog *l;
	const char *id = ident ? ident : program_invocation_short_name;

	*out = NULL;
	if (!path)
		path = journal ? NTLM_AUDIT_JOURNAL_SOCKET : NTLM_AUDIT_SYSLOG_SOCKET;
	if (path[0] != '/' || strlen(path) >= sizeof(l->path))
		return ntlm_err(NTLM_E_INVALID_ARGUMENT,
				"audit %s: the socket must be an absolute path shorter than %zu "
				"bytes",
				journal ? "journal" : "syslog", sizeof(l->path));
	l = calloc(1, sizeof(*l));
	if (!l)
		return ntlm_err(NTLM_E_NOMEM, "out of memory");
	l->base.ops = journal ? &journal_ops : &slog_ops;
	l->journal = journal;
	l->fd = -1;
	pthread_mutex_init(&l->lock, NULL);
	snprintf(l->path, sizeof(l->path), "%s", path);
	/* printable, no space: it is a syslog header field */
	size_t j = 0;
	for (size_t i = 0; id && id[i] && j + 1 < sizeof(l->ident); i++)
		if ((unsigned char)id[i] > 0x20 && (unsigned char)id[i] < 0x7f && id[i] != '[')
			l->ident[j++] = id[i];
	l->ident[j] = '\0';
	if (!j)
		snprintf(l->ident, sizeof(l->ident), "ntlmssp");
	*out = &l->base;
	return NTLM_OK;
}

ntlm_status ntlm_audit_sink_syslog_open(const char *ident, struct ntlm_audit_sink **out)
{
	return ntlm_audit_sink_socket_open(false, NULL, ident, out);
}
