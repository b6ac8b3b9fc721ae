/* SPDX-License-Identifier: MIT */
/* policy settings table: one row per setting in enum order, get/set through
 * the table reach the right struct field, the Windows defaults. */
#include <stddef.h>
#include <string.h>

#include "testutil.h"
#include "policy/profiles.h"
#include "policy/settings.h"

static void test_rows_in_enum_order(void **state)
{
	(void)state;
	for (unsigned i = 0; i < NTLM_SET_COUNT; i++) {
		const struct policy_desc *d = ntlm_policy_desc((enum ntlm_setting)i);
		assert_int_equal(d->id, i);
		assert_non_null(d->name);
		assert_ptr_equal(ntlm_policy_desc_find(sv_of(d->name)), d);
		assert_string_equal(ntlm_policy_setting_name((enum ntlm_setting)i), d->name);
		if (d->kind != PK_LIST)
			assert_true(d->size == 1 || d->size == 4);
	}
	assert_null(ntlm_policy_desc_find(sv_of("RestrictSendingNTLMTrafic")));
}

/* The field each setting lives in, written out by hand: the table must
 * agree. A setting added later (one row in settings.c) is checked by the
 * other tests; *known says whether it is listed here. */
static uint32_t field_of(const struct ntlm_policy *p, enum ntlm_setting id, bool *known)
{
	*known = true;
	switch (id) {
	case NTLM_SET_LM_COMPAT:
		return p->lm_compat;
	case NTLM_SET_MIN_CLIENT_SEC:
		return p->min_client_sec;
	case NTLM_SET_MIN_SERVER_SEC:
		return p->min_server_sec;
	case NTLM_SET_RESTRICT_SENDING:
		return p->restrict_sending;
	case NTLM_SET_CLIENT_ALLOWED_SERVERS:
		return (uint32_t)p->n_client_allowed;
	case NTLM_SET_RESTRICT_RECEIVING:
		return p->restrict_receiving;
	case NTLM_SET_AUDIT_RECEIVING:
		return p->audit_receiving;
	case NTLM_SET_RESTRICT_IN_DOMAIN:
		return p->restrict_in_domain;
	case NTLM_SET_AUDIT_IN_DOMAIN:
		return p->audit_in_domain;
	case NTLM_SET_DC_ALLOWED_SERVERS:
		return (uint32_t)p->n_dc_allowed;
	case NTLM_SET_STRICT_MIN_SEC:
		return p->strict_min_sec;
	case NTLM_SET_REQUIRE_MIC:
		return p->require_mic;
	case NTLM_SET_CHANNEL_BINDINGS:
		return (uint32_t)p->channel_bindings;
	case NTLM_SET_MAX_CLOCK_SKEW:
		return p->max_clock_skew;
	case NTLM_SET_ALLOW_ANONYMOUS:
		return p->allow_anonymous;
	case NTLM_SET_ACCOUNTS:
		return (uint32_t)p->n_accounts;
	case NTLM_SET_AUDIT_FAILURE:
		return p->audit_failure;
	case NTLM_SET_REQUIRE_REQUESTED:
		return p->require_requested;
	case NTLM_SET_AUDIT_LOG:
		return (uint32_t)p->n_audit_log;
	default:
		break;
	}
	*known = false;
	return 0;
}

static uint32_t field(const struct ntlm_policy *p, enum ntlm_setting id)
{
	bool known;
	return field_of(p, id, &known);
}

static void test_get_set_reach_the_field(void **state)
{
	(void)state;
	struct ntlm_policy p;

	for (unsigned i = 0; i < NTLM_SET_COUNT; i++) {
		enum ntlm_setting id = (enum ntlm_setting)i;
		const struct policy_desc *d = ntlm_policy_desc(id);
		uint32_t v;
		char msg[200];

		if (d->kind == PK_LIST)
			continue;
		switch (d->kind) {
		case PK_BOOL:
			v = 1;
			break;
		case PK_SECONDS:
			v = 1234;
			break;
		case PK_MASK:
			v = NTLM_MINSEC_INTEGRITY | NTLM_MINSEC_CONFIDENTIALITY;
			break;
		default: { /* the last symbolic value, so that it differs from 0 */
			const struct policy_sym *s = d->syms;
			while (s[1].name)
				s++;
			v = s->value;
		}
		}
		assert_true(ntlm_policy_check_u32(d, v, msg, sizeof(msg)));
		/* all other fields untouched */
		ntlm_policy_set_windows_defaults(&p);
		struct ntlm_policy before = p;
		bool known;
		(void)field_of(&p, id, &known);
		ntlm_policy_set_u32(&p, id, v);
		if (known)
			assert_int_equal(field(&p, id), v);
		assert_int_equal(ntlm_policy_get_u32(&p, id), v);
		for (unsigned j = 0; j < NTLM_SET_COUNT; j++)
			if (j != i)
				assert_int_equal(field(&p, (enum ntlm_setting)j),
						 field(&before, (enum ntlm_setting)j));
	}
}

static void test_lists(void **state)
{
	(void)state;
	struct ntlm_policy p;

	ntlm_policy_set_windows_defaults(&p);
	assert_true(ntlm_policy_list_push(&p, NTLM_SET_DC_ALLOWED_SERVERS, sv_of("dc*")));
	assert_int_equal(p.n_dc_allowed, 1);
	assert_string_equal(p.dc_allowed[0], "dc*");
	assert_int_equal(p.n_client_allowed, 0);
	for (int i = 0; i < NTLM_POLICY_MAX_SERVERS; i++)
		assert_true(ntlm_policy_list_push(&p, NTLM_SET_CLIENT_ALLOWED_SERVERS, sv_of("a")));
	assert_false(ntlm_policy_list_push(&p, NTLM_SET_CLIENT_ALLOWED_SERVERS, sv_of("b")));
	assert_int_equal(ntlm_policy_list_count(&p, NTLM_SET_CLIENT_ALLOWED_SERVERS),
			 NTLM_POLICY_MAX_SERVERS);
	struct sv e = ntlm_policy_list_entry(&p, NTLM_SET_DC_ALLOWED_SERVERS, 0);
	assert_int_equal(e.n, 3);
	assert_memory_equal(e.p, "dc*", 3);
	ntlm_policy_list_clear(&p, NTLM_SET_CLIENT_ALLOWED_SERVERS);
	assert_int_equal(p.n_client_allowed, 0);
	assert_int_equal(p.n_dc_allowed, 1);
}

/* The table's Windows defaults are the windows-default profile. */
static void test_windows_defaults(void **state)
{
	(void)state;
	struct ntlm_policy a, b;

	ntlm_policy_set_windows_defaults(&a);
	assert_true(ntlm_policy_profile_apply("windows-default", &b));
	assert_memory_equal(&a, &b, sizeof(a));
	assert_int_equal(a.lm_compat, 3);
	assert_int_equal(a.min_client_sec, NTLM_MINSEC_128);
	assert_int_equal(a.restrict_sending, 0);
	assert_int_equal(a.channel_bindings, NTLM_CB_OFF);
	assert_int_equal(a.max_clock_skew, 300);
	assert_false(a.insecure);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_in_enum_order),
		cmocka_unit_test(test_get_set_reach_the_field),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_windows_defaults),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
