/* SPDX-License-Identifier: MIT */
/* api/frontend_event.c: the events a front end raises through the sinks. */
#include <stdio.h>
#include <string.h>

#include "testutil.h"
#include "ntlmssp.h"

struct seen {
	unsigned n;
	uint32_t id;
	char json[8192];
};

static void on_event(const struct ntlm_audit_event *e, void *arg)
{
	struct seen *s = arg;
	s->n++;
	s->id = ntlm_audit_event_id(e);
	assert_int_equal(ntlm_audit_event_to_json(e, s->json, sizeof(s->json)), NTLM_OK);
}

static void test_frontend_events(void **state)
{
	(void)state;
	static const struct {
		uint32_t id;
		const char *name, *outcome;
	} ids[] = {
		{ NTLM_EVENT_CONN_REFUSED, "connection-refused", "failed" },
		{ NTLM_EVENT_CONN_EVICTED, "connection-evicted", "failed" },
		{ NTLM_EVENT_HANDSHAKE_TIMEOUT, "handshake-timeout", "failed" },
		{ NTLM_EVENT_HANDSHAKE_ABANDONED, "handshake-abandoned", "failed" },
		{ NTLM_EVENT_MALFORMED_REQUEST, "malformed-request", "failed" },
		{ NTLM_EVENT_SUPPRESSED, "events-suppressed", "audited" },
		{ 9008u, "replay", "failed" },
	};
	struct ntlm_audit *a = NULL;
	struct seen s = { 0 };
	char want[128];

	assert_int_equal(ntlm_audit_open(&a), NTLM_OK);
	assert_int_equal(ntlm_audit_to_callback(a, on_event, &s), NTLM_OK);
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		s.n = 0;
		assert_int_equal(ntlm_audit_frontend_event(a, ids[i].id, "WEBSRV", "192.0.2.7:5000",
							   "a reason \"quoted\"\n"),
				 NTLM_OK);
		assert_int_equal(s.n, 1);
		assert_int_equal(s.id, ids[i].id);
		snprintf(want, sizeof(want), "{\"event\":%u,\"name\":\"%s\",", (unsigned)ids[i].id,
			 ids[i].name);
		assert_true(strncmp(s.json, want, strlen(want)) == 0);
		snprintf(want, sizeof(want), "\"outcome\":\"%s\"", ids[i].outcome);
		assert_non_null(strstr(s.json, want));
		assert_non_null(strstr(s.json, "\"direction\":\"incoming\""));
		assert_non_null(strstr(s.json, "\"target\":\"WEBSRV\""));
		assert_non_null(strstr(s.json, "\"peer\":\"192.0.2.7:5000\""));
		/* The reason is escaped by the library's one escaper. */
		assert_non_null(strstr(s.json, "\"reason\":\"a reason \\\"quoted\\\"\\u000a\""));
	}
	/* Only the front-end ids: not the library's decisions, nor unknown ones. */
	s.n = 0;
	assert_int_equal(ntlm_audit_frontend_event(a, 9005u, "T", "P", "r"),
			 NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(ntlm_audit_frontend_event(a, 4002u, "T", "P", "r"),
			 NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(ntlm_audit_frontend_event(a, 9106u, "T", "P", "r"),
			 NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(s.n, 0);
	assert_int_equal(ntlm_audit_frontend_event(NULL, NTLM_EVENT_CONN_REFUSED, "T", "P", "r"),
			 NTLM_E_INVALID_ARGUMENT);
	/* NULL strings are empty. */
	assert_int_equal(ntlm_audit_frontend_event(a, NTLM_EVENT_CONN_REFUSED, NULL, NULL, NULL),
			 NTLM_OK);
	assert_non_null(strstr(s.json, "\"peer\":\"\""));
	ntlm_audit_close(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frontend_events),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
