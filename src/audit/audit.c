/* SPDX-License-Identifier: MIT */
/*
 * audit: the sink list. Emitting sends the event to every sink in the order
 * they were added; a failing sink does not stop the others; the event is
 * counted as lost and the failure's message kept for ntlm_audit_lost(). A
 * buffering file sink that fails to write records it had accepted counts
 * them here too (ntlm_audit_count_lost).
 */
#include <stdlib.h>
#include <string.h>

#include "audit/sink.h"

ntlm_status ntlm_audit_new(struct ntlm_audit **out)
{
	struct ntlm_audit *a;

	if (!out)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "audit: NULL output");
	*out = NULL;
	a = calloc(1, sizeof(*a));
	if (!a)
		return ntlm_err(NTLM_E_NOMEM, "out of memory");
	a->refs = 1;
	pthread_mutex_init(&a->lock, NULL);
	*out = a;
	return NTLM_OK;
}

struct ntlm_audit *ntlm_audit_ref(struct ntlm_audit *a)
{
	if (a)
		__atomic_add_fetch(&a->refs, 1, __ATOMIC_RELAXED);
	return a;
}

void ntlm_audit_free(struct ntlm_audit *a)
{
	if (!a || __atomic_sub_fetch(&a->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	for (size_t i = 0; i < a->n; i++)
		a->sinks[i]->ops->close(a->sinks[i]);
	pthread_mutex_destroy(&a->lock);
	free(a);
}

/* Refuses before opening anything, so a full list leaves no file behind. */
static ntlm_status check(struct ntlm_audit *a, bool arg_ok, const char *kind)
{
	if (!a || !arg_ok)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "audit: NULL %s argument", kind);
	if (a->n == NTLM_AUDIT_MAX_SINKS)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "audit: more than %d sinks (adding %s)",
				NTLM_AUDIT_MAX_SINKS, kind);
	return NTLM_OK;
}

static void add(struct ntlm_audit *a, struct ntlm_audit_sink *s)
{
	s->owner = a;
	a->sinks[a->n++] = s;
}

ntlm_status ntlm_audit_add_jsonl(struct ntlm_audit *a, const char *path)
{
	struct ntlm_audit_sink *s = NULL;
	NTLM_TRY(check(a, path != NULL, "jsonl"));
	NTLM_TRY(ntlm_audit_sink_jsonl_open(path, &s));
	if (a->buffer) {
		ntlm_status st = s->ops->set_buffer(s, a->buffer);
		if (st != NTLM_OK) {
			s->ops->close(s);
			return st;
		}
	}
	add(a, s);
	return NTLM_OK;
}

ntlm_status ntlm_audit_set_buffer(struct ntlm_audit *a, size_t bytes)
{
	if (!a)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "audit: NULL audit");
	if (bytes > NTLM_AUDIT_BUFFER_MAX)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "audit: a buffer of %zu bytes (max %u)",
				bytes, NTLM_AUDIT_BUFFER_MAX);
	a->buffer = bytes;
	for (size_t i = 0; i < a->n; i++)
		if (a->sinks[i]->ops->set_buffer)
			NTLM_TRY(a->sinks[i]->ops->set_buffer(a->sinks[i], bytes));
	return NTLM_OK;
}

void ntlm_audit_count_lost(struct ntlm_audit *a, unsigned n, const char *why)
{
	if (!a || !n)
		return;
	__atomic_add_fetch(&a->lost, n, __ATOMIC_RELAXED);
	pthread_mutex_lock(&a->lock);
	ntlm_audit_set_str(a->why, sizeof(a->why), why);
	pthread_mutex_unlock(&a->lock);
}

ntlm_status ntlm_audit_flush_sinks(struct ntlm_audit *a)
{
	ntlm_status first = NTLM_OK;
	char msg[256] = "";

	if (!a)
		return NTLM_OK;
	for (size_t i = 0; i < a->n; i++) {
		if (!a->sinks[i]->ops->flush)
			continue;
		ntlm_status st = a->sinks[i]->ops->flush(a->sinks[i]);
		if (st != NTLM_OK && first == NTLM_OK) {
			first = st;
			ntlm_audit_set_str(msg, sizeof(msg), ntlm_error_message());
		}
	}
	if (first != NTLM_OK)
		ntlm_err(first, "%s", msg); /* the first failure's, not a later one's */
	return first;
}

ntlm_status ntlm_audit_add_syslog(struct ntlm_audit *a, const char *ident)
{
	struct ntlm_audit_sink *s = NULL;
	NTLM_TRY(check(a, true, "syslog")); /* ident may be NULL */
	NTLM_TRY(ntlm_audit_sink_syslog_open(ident, &s));
	add(a, s);
	return NTLM_OK;
}

ntlm_status ntlm_audit_add_socket(struct ntlm_audit *a, bool journal, const char *path,
				  const char *ident)
{
	struct ntlm_audit_sink *s = NULL;
	NTLM_TRY(check(a, true, journal ? "journal" : "syslog"));
	NTLM_TRY(ntlm_audit_sink_socket_open(journal, path, ident, &s));
	add(a, s);
	return NTLM_OK;
}

ntlm_status ntlm_audit_add_callback(struct ntlm_audit *a, ntlm_audit_cb cb, void *arg)
{
	struct ntlm_audit_sink *s = NULL;
	NTLM_TRY(check(a, cb != NULL, "callback"));
	NTLM_TRY(ntlm_audit_sink_cb_open(cb, arg, &s));
	add(a, s);
	return NTLM_OK;
}

ntlm_status ntlm_audit_emit(struct ntlm_audit *a, const struct ntlm_audit_event *e)
{
	return ntlm_audit_emit_as(a, e, true);
}

ntlm_status ntlm_audit_emit_as(struct ntlm_audit *a, const struct ntlm_audit_event *e,
			       bool must_write)
{
	ntlm_status first = NTLM_OK;
	char saved[256], msg[256] = "";

	if (!a)
		return NTLM_OK;
	if (!e)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "audit: NULL event");
	/* Sinks report through ntlm_err; what the caller had recorded is put
	 * back afterwards (a full disk must not hide why a logon failed). */
	ntlm_audit_set_str(saved, sizeof(saved), ntlm_error_message());
	for (size_t i = 0; i < a->n; i++) {
		ntlm_status st = a->sinks[i]->ops->emit(a->sinks[i], e, must_write);
		if (st != NTLM_OK && first == NTLM_OK) {
			first = st;
			ntlm_audit_set_str(msg, sizeof(msg), ntlm_error_message());
		}
	}
	ntlm_err(NTLM_OK, "%s", saved);
	if (first != NTLM_OK) {
		__atomic_add_fetch(&a->lost, 1, __ATOMIC_RELAXED);
		pthread_mutex_lock(&a->lock);
		memcpy(a->why, msg, sizeof(a->why));
		pthread_mutex_unlock(&a->lock);
	}
	return first;
}

uint64_t ntlm_audit_lost_count(struct ntlm_audit *a, char *why, size_t len)
{
	if (why && len)
		why[0] = '\0';
	if (!a)
		return 0;
	if (why && len) {
		pthread_mutex_lock(&a->lock);
		ntlm_audit_set_str(why, len, a->why);
		pthread_mutex_unlock(&a->lock);
	}
	return __atomic_load_n(&a->lost, __ATOMIC_RELAXED);
}
