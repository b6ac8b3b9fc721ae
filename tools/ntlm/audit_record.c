/* SPDX-License-Identifier: MIT */
/*
 * `ntlm audit`: one line of our JSON Lines audit records
 * (docs/audit-events.md) into an observation (audit_input.h): checked by
 * the strict reader of audit_json.c, then each member's type. No I/O.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_input.h"

/* ---- one record ------------------------------------------------------------ */

static bool bad_type(const char *key, const char *want, char *err, size_t err_len)
{
	snprintf(err, err_len, "\"%s\": expected %s", key, want);
	return false;
}

/* A string member (or null / absent: *s = NULL). */
/* The members a record may have, found in one pass (aj_index). */
static const char *const keys[] = { "schema",
				    "event",
				    "direction",
				    "outcome",
				    "time",
				    "target",
				    "peer",
				    "workstation",
				    "user",
				    "domain",
				    "response_type",
				    "setting",
				    "target_host",
				    "target_name",
				    "process_exe",
				    "account_type",
				    "offered",
				    "mic",
				    "channel_bindings",
				    "domain_account",
				    "flags" };
enum {
	K_SCHEMA,
	K_EVENT,
	K_DIRECTION,
	K_OUTCOME,
	K_TIME,
	K_TARGET,
	K_PEER,
	K_WORKSTATION,
	K_USER,
	K_DOMAIN,
	K_RESPONSE_TYPE,
	K_SETTING,
	K_TARGET_HOST,
	K_TARGET_NAME,
	K_PROCESS_EXE,
	K_ACCOUNT_TYPE,
	K_OFFERED,
	K_MIC,
	K_CHANNEL_BINDINGS,
	K_DOMAIN_ACCOUNT,
	K_FLAGS,
	K_COUNT
};

static bool get_str(const struct aj_member *const *ix, int k, const char **s, char *err,
		    size_t err_len)
{
	const char *key = keys[k];
	const struct aj_member *m = ix[k];
	*s = NULL;
	if (!m || m->type == AJ_NULL)
		return true;
	if (m->type != AJ_STRING || m->nul)
		return bad_type(key, "a string", err, err_len);
	*s = m->str;
	return true;
}

/* "0x" and 1..8 hex digits. */
static bool get_hex(const struct aj_member *const *ix, int k, int *has, uint32_t *v, char *err,
		    size_t err_len)
{
	const char *key = keys[k], *s;
	*has = 0;
	*v = 0;
	if (!get_str(ix, k, &s, err, err_len))
		return false;
	if (!s)
		return true;
	size_t n = strlen(s);
	if (n < 3 || n > 10 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return bad_type(key, "flags as \"0x\" and hex digits", err, err_len);
	for (size_t i = 2; i < n; i++) {
		char c = s[i];
		unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
			     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
			     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
						    : 16u;
		if (d == 16)
			return bad_type(key, "flags as \"0x\" and hex digits", err, err_len);
		*v = *v << 4 | d;
	}
	*has = 1;
	return true;
}

static bool get_fact(const struct aj_member *const *ix, int k, int *v, char *err, size_t err_len)
{
	const char *key = keys[k];
	const struct aj_member *m = ix[k];
	*v = OBS_UNKNOWN;
	if (!m || m->type == AJ_NULL)
		return true;
	if (m->type != AJ_BOOL)
		return bad_type(key, "true, false or null", err, err_len);
	*v = m->b ? 1 : 0;
	return true;
}

/* The records that end an exchange: the client's answer or refusal, the
 * server's verdict. 8001, 8002 and 9006 come before one of these. */
static bool is_terminal(unsigned id, int incoming)
{
	static const unsigned out_ids[] = { 9010, 4001, 4010, 9009 };
	static const unsigned in_ids[] = { 9005, 9004, 4002, 4011, 9001,
					   9002, 9003, 9007, 9008, 9009 };
	const unsigned *ids = incoming ? in_ids : out_ids;
	size_t n = incoming ? sizeof(in_ids) / sizeof(in_ids[0])
			    : sizeof(out_ids) / sizeof(out_ids[0]);
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

static bool map_record(const struct aj_object *o, struct obs *ob, char *err, size_t err_len)
{
	const struct aj_member *m;
	const char *s, *acct = NULL;

	static struct aj_hint hint; /* the tool reads on one thread */
	const struct aj_member *ix[K_COUNT];
	aj_index(o, keys, K_COUNT, ix, &hint);
	memset(ob, 0, sizeof(*ob));
	m = ix[K_SCHEMA];
	if (m && (m->type != AJ_STRING || strncmp(m->str, "1.", 2) != 0)) {
		snprintf(err, err_len, "\"schema\": not a version this tool reads (1.x)");
		return false;
	}
	m = ix[K_EVENT];
	if (!m)
		return bad_type("event", "an event id (no \"event\" member)", err, err_len);
	if (m->type != AJ_INT || m->i < 0 || m->i > 65535)
		return bad_type("event", "an event id", err, err_len);
	ob->event = (unsigned)m->i;
	if (!get_str(ix, K_DIRECTION, &s, err, err_len))
		return false;
	if (!s || (strcmp(s, "incoming") != 0 && strcmp(s, "outgoing") != 0))
		return bad_type("direction", "\"incoming\" or \"outgoing\"", err, err_len);
	ob->incoming = strcmp(s, "incoming") == 0;
	if (!get_str(ix, K_OUTCOME, &s, err, err_len))
		return false;
	static const char *const oc[] = { "success", "audited", "blocked", "failed" };
	ob->outcome = OC_COUNT;
	for (int i = 0; s && i < (int)(sizeof(oc) / sizeof(oc[0])); i++)
		if (strcmp(s, oc[i]) == 0)
			ob->outcome = (enum obs_outcome)i;
	if (ob->outcome == OC_COUNT)
		return bad_type("outcome", "success, audited, blocked or failed", err, err_len);
	if (!get_str(ix, K_TIME, &ob->time, err, err_len) ||
	    !get_str(ix, K_TARGET, &ob->target, err, err_len) ||
	    !get_str(ix, K_PEER, &ob->peer, err, err_len) ||
	    !get_str(ix, K_WORKSTATION, &ob->workstation, err, err_len) ||
	    !get_str(ix, K_USER, &ob->user, err, err_len) ||
	    !get_str(ix, K_DOMAIN, &ob->domain, err, err_len) ||
	    !get_str(ix, K_RESPONSE_TYPE, &ob->response_type, err, err_len) ||
	    !get_str(ix, K_SETTING, &ob->setting, err, err_len) ||
	    !get_str(ix, K_TARGET_HOST, &ob->target_host, err, err_len) ||
	    !get_str(ix, K_TARGET_NAME, &ob->target_name, err, err_len) ||
	    !get_str(ix, K_PROCESS_EXE, &ob->process_exe, err, err_len) ||
	    !get_str(ix, K_ACCOUNT_TYPE, &acct, err, err_len) ||
	    !get_hex(ix, K_OFFERED, &ob->has_offered, &ob->offered, err, err_len) ||
	    !get_fact(ix, K_MIC, &ob->mic, err, err_len) ||
	    !get_fact(ix, K_CHANNEL_BINDINGS, &ob->channel_bindings, err, err_len) ||
	    !get_fact(ix, K_DOMAIN_ACCOUNT, &ob->domain_account, err, err_len))
		return false;
	if (!get_hex(ix, K_FLAGS, &ob->has_flags, &ob->flags, err, err_len))
		return false;
	if (ob->has_flags && ob->flags == 0)
		ob->has_flags = 0; /* 0x00000000: not known yet */
	if (ob->time && strlen(ob->time) > 40)
		return bad_type("time", "an ISO 8601 time", err, err_len);
	size_t ul = ob->user ? strlen(ob->user) : 0;
	ob->machine = (acct && strcmp(acct, "machine") == 0) || (ul && ob->user[ul - 1] == '$');
	ob->anonymous = (acct && strcmp(acct, "anonymous") == 0) ||
			(ob->response_type && strcmp(ob->response_type, "anonymous") == 0);
	ob->terminal = is_terminal(ob->event, ob->incoming);
	return true;
}

bool audit_record_parse(const char *p, size_t n, char *scratch, size_t scratch_len,
			struct aj_object *obj, struct obs *o, char *err, size_t err_len)
{
	if (!aj_parse(p, n, scratch, scratch_len, obj, err, err_len))
		return false;
	return map_record(obj, o, err, err_len);
}

/* Our own records: one JSON object per line, its first member "event"
 * (docs/audit-events.md). */
static bool ntlm_jsonl_sniff(const char *p, size_t n)
{
	static const char key[] = "\"event\"";
	size_t k = 1;
	if (p[0] != '{')
		return false;
	while (k < n && (p[k] == ' ' || p[k] == '\t'))
		k++;
	return n - k >= sizeof(key) - 1 && memcmp(p + k, key, sizeof(key) - 1) == 0;
}

static int ntlm_jsonl_line(struct reader *r, const char *p, size_t n, struct obs *o, char *why,
			   size_t why_len)
{
	void **state = reader_state(r);
	size_t len;
	char *scratch = reader_scratch(r, &len);

	if (!*state && !(*state = calloc(1, sizeof(struct aj_object)))) {
		snprintf(why, why_len, "out of memory");
		return -1;
	}
	return audit_record_parse(p, n, scratch, len, *state, o, why, why_len) ? 1 : -1;
}

static void ntlm_jsonl_close(struct reader *r)
{
	void **state = reader_state(r);
	free(*state);
	*state = NULL;
}

const struct input_format audit_format_ntlm_jsonl = {
	.name = "ntlm-jsonl",
	.sniff = ntlm_jsonl_sniff,
	.line = ntlm_jsonl_line,
	.close = ntlm_jsonl_close,
};
