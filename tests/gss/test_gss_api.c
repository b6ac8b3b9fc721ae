/* SPDX-License-Identifier: MIT */
/*
 * test_gss_api: ntlmssp's GSSAPI mechanism in one process, through MIT
 * mechglue (GSS_MECH_CONFIG names only our module): names, credentials and
 * the cred store, both roles of the handshake with channel bindings,
 * context queries and options, get_mic / wrap / wrap_iov (sign-only regions,
 * header and trailer apart, a stream), export / import mid-handshake and
 * after, and bad input: each failure has the right major status and a minor
 * status that gss_display_status explains.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_ntlmssp.h>

#include "ntlmssp.h"
#include "testutil.h"

static gss_OID_desc ntlm_oid = { GSS_NTLMSSP_OID_LENGTH, (void *)GSS_NTLMSSP_OID_STRING };
static gss_OID_set_desc ntlm_set = { 1, &ntlm_oid };
static gss_OID_desc req_mic_oid = { GSS_SPNEGO_REQUIRE_MIC_OID_LENGTH,
				    (void *)GSS_SPNEGO_REQUIRE_MIC_OID_STRING };
static gss_OID_desc reset_oid = { GSS_NTLMSSP_RESET_CRYPTO_OID_LENGTH,
				  (void *)GSS_NTLMSSP_RESET_CRYPTO_OID_STRING };

static char dir[256], users[300], accounts[300], audit[300], badconf[300], rrpconf[300];

#define PW "Alice-Pass-1"

/* "major (text) / minor (text)" of a failed call, for assertions. */
static char *why(OM_uint32 maj, OM_uint32 min)
{
	static char buf[1024];
	OM_uint32 m, ctx = 0;
	gss_buffer_desc t = GSS_C_EMPTY_BUFFER;
	gss_display_status(&m, min, GSS_C_MECH_CODE, &ntlm_oid, &ctx, &t);
	snprintf(buf, sizeof(buf), "major 0x%x minor %u: %.*s", maj, min, (int)t.length,
		 (char *)t.value);
	gss_release_buffer(&m, &t);
	return buf;
}

static gss_name_t name_of(const char *s, gss_OID type)
{
	OM_uint32 maj, min;
	gss_buffer_desc b = { strlen(s), (void *)s };
	gss_name_t n = GSS_C_NO_NAME, mn = GSS_C_NO_NAME;
	maj = gss_import_name(&min, &b, type, &n);
	assert_int_equal(maj, GSS_S_COMPLETE);
	maj = gss_canonicalize_name(&min, n, &ntlm_oid, &mn);
	gss_release_name(&min, &n);
	if (maj != GSS_S_COMPLETE)
		return GSS_C_NO_NAME;
	return mn;
}

static char *text_of(gss_name_t n, gss_OID *type)
{
	static char buf[512];
	OM_uint32 min;
	gss_buffer_desc b = GSS_C_EMPTY_BUFFER;
	assert_int_equal(gss_display_name(&min, n, &b, type), GSS_S_COMPLETE);
	snprintf(buf, sizeof(buf), "%.*s", (int)b.length, (char *)b.value);
	gss_release_buffer(&min, &b);
	return buf;
}

static gss_cred_id_t initiator(const char *user, const char *pw)
{
	OM_uint32 min, maj;
	gss_name_t n = name_of(user, GSS_C_NT_USER_NAME);
	gss_buffer_desc p = { strlen(pw), (void *)pw };
	gss_cred_id_t c = GSS_C_NO_CREDENTIAL;
	maj = gss_acquire_cred_with_password(&min, n, &p, GSS_C_INDEFINITE, &ntlm_set,
					     GSS_C_INITIATE, &c, NULL, NULL);
	if (maj != GSS_S_COMPLETE)
		fail_msg("acquire_cred_with_password: %s", why(maj, min));
	gss_release_name(&min, &n);
	return c;
}

static gss_cred_id_t acceptor(void)
{
	OM_uint32 min, maj;
	gss_cred_id_t c = GSS_C_NO_CREDENTIAL;
	gss_key_value_element_desc e[] = { { "accounts", accounts } };
	gss_key_value_set_desc store = { 1, e };
	maj = gss_acquire_cred_from(&min, GSS_C_NO_NAME, GSS_C_INDEFINITE, &ntlm_set, GSS_C_ACCEPT,
				    &store, &c, NULL, NULL);
	if (maj != GSS_S_COMPLETE)
		fail_msg("acquire_cred_from(accounts): %s", why(maj, min));
	return c;
}

struct pair {
	gss_ctx_id_t ic, ac;
	OM_uint32 iflags, aflags;
	gss_name_t src;
	OM_uint32 maj, min; /* of the call that failed, or GSS_S_COMPLETE */
};

/* Runs the handshake; stops at the first failure (recorded in p). */
static void handshake(struct pair *p, gss_cred_id_t ic, gss_cred_id_t ac, OM_uint32 req,
		      gss_channel_bindings_t icb, gss_channel_bindings_t acb)
{
	OM_uint32 min;
	gss_name_t target = name_of("HTTP@web.example.com", GSS_C_NT_HOSTBASED_SERVICE);
	gss_buffer_desc in = GSS_C_EMPTY_BUFFER, out = GSS_C_EMPTY_BUFFER;
	memset(p, 0, sizeof(*p));
	for (int i = 0; i < 3; i++) {
		p->maj = gss_init_sec_context(&p->min, ic, &p->ic, target, &ntlm_oid, req, 0, icb,
					      &in, NULL, &out, &p->iflags, NULL);
		gss_release_buffer(&min, &in);
		if (GSS_ERROR(p->maj) || out.length == 0)
			break;
		p->maj = gss_accept_sec_context(&p->min, &p->ac, ac, &out, acb, &p->src, NULL, &in,
						&p->aflags, NULL, NULL);
		gss_release_buffer(&min, &out);
		if (GSS_ERROR(p->maj) || p->maj == GSS_S_COMPLETE)
			break;
	}
	gss_release_buffer(&min, &in);
	gss_release_buffer(&min, &out);
	gss_release_name(&min, &target);
}

static void pair_free(struct pair *p)
{
	OM_uint32 min;
	gss_delete_sec_context(&min, &p->ic, GSS_C_NO_BUFFER);
	gss_delete_sec_context(&min, &p->ac, GSS_C_NO_BUFFER);
	gss_release_name(&min, &p->src);
}

static void established(struct pair *p, OM_uint32 req)
{
	gss_cred_id_t ic = initiator("CORP\\alice", PW), ac = acceptor();
	OM_uint32 min;
	handshake(p, ic, ac, req, GSS_C_NO_CHANNEL_BINDINGS, GSS_C_NO_CHANNEL_BINDINGS);
	if (p->maj != GSS_S_COMPLETE)
		fail_msg("handshake: %s", why(p->maj, p->min));
	gss_release_cred(&min, &ic);
	gss_release_cred(&min, &ac);
}

/* ---- names ------------------------------------------------------------------ */

static void test_names(void **state)
{
	(void)state;
	OM_uint32 min, maj;
	gss_OID type;
	gss_name_t a = name_of("CORP\\alice", GSS_C_NT_USER_NAME);
	assert_string_equal(text_of(a, &type), "CORP\\alice");
	assert_true(gss_oid_equal(type, GSS_C_NT_USER_NAME));
	gss_name_t b = name_of("alice@corp", GSS_C_NT_USER_NAME);
	assert_string_equal(text_of(b, NULL), "corp\\alice");
	int eq = 0;
	assert_int_equal(gss_compare_name(&min, a, b, &eq), GSS_S_COMPLETE);
	assert_int_equal(eq, 1); /* case-insensitive, as Windows */
	gss_name_t c = name_of("OTHER\\alice", GSS_C_NT_USER_NAME);
	assert_int_equal(gss_compare_name(&min, a, c, &eq), GSS_S_COMPLETE);
	assert_int_equal(eq, 0);
	gss_name_t s = name_of("HTTP@web.example.com", GSS_C_NT_HOSTBASED_SERVICE);
	assert_string_equal(text_of(s, &type), "HTTP@web.example.com");
	assert_true(gss_oid_equal(type, GSS_C_NT_HOSTBASED_SERVICE));
	gss_name_t d = GSS_C_NO_NAME;
	assert_int_equal(gss_duplicate_name(&min, a, &d), GSS_S_COMPLETE);
	assert_string_equal(text_of(d, NULL), "CORP\\alice");

	/* export and back */
	gss_buffer_desc exp = GSS_C_EMPTY_BUFFER;
	gss_name_t back = GSS_C_NO_NAME;
	assert_int_equal(gss_export_name(&min, a, &exp), GSS_S_COMPLETE);
	assert_int_equal(((uint8_t *)exp.value)[0], 4);
	assert_int_equal(gss_import_name(&min, &exp, GSS_C_NT_EXPORT_NAME, &back), GSS_S_COMPLETE);
	assert_int_equal(gss_compare_name(&min, a, back, &eq), GSS_S_COMPLETE);
	assert_int_equal(eq, 1);
	gss_release_buffer(&min, &exp);

	/* localname: a local user exists for root */
	gss_name_t r = name_of("root", GSS_C_NT_USER_NAME);
	gss_buffer_desc ln = GSS_C_EMPTY_BUFFER;
	maj = gss_localname(&min, r, &ntlm_oid, &ln);
	assert_int_equal(maj, GSS_S_COMPLETE);
	assert_memory_equal(ln.value, "root", 4);
	gss_release_buffer(&min, &ln);
	gss_name_t nobody = name_of("CORP\\no-such-local-user-x", GSS_C_NT_USER_NAME);
	maj = gss_localname(&min, nobody, &ntlm_oid, &ln);
	assert_true(GSS_ERROR(maj));

	gss_name_t all[] = { a, b, c, s, d, back, r, nobody };
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		gss_release_name(&min, &all[i]);
}

static void test_bad_names(void **state)
{
	(void)state;
	static const char *bad_user[] = { "", "a\\b\\c", "alice@", "x\001y", "\\" };
	for (size_t i = 0; i < sizeof(bad_user) / sizeof(bad_user[0]); i++) {
		OM_uint32 min, maj;
		gss_buffer_desc b = { strlen(bad_user[i]), (void *)bad_user[i] };
		gss_name_t n = GSS_C_NO_NAME, mn = GSS_C_NO_NAME;
		maj = gss_import_name(&min, &b, GSS_C_NT_USER_NAME, &n);
		if (maj == GSS_S_COMPLETE)
			maj = gss_canonicalize_name(&min, n, &ntlm_oid, &mn);
		assert_int_equal(GSS_ROUTINE_ERROR(maj), GSS_S_BAD_NAME);
		if (b.length) /* mechglue answers the empty name itself */
			assert_non_null(strstr(why(maj, min), "name: "));
		gss_release_name(&min, &n);
	}
	/* a name of a type we do not know */
	OM_uint32 min, maj;
	gss_OID_desc weird = { 3, (void *)"\x2a\x03\x04" };
	gss_buffer_desc b = { 5, (void *)"alice" };
	gss_name_t n = GSS_C_NO_NAME, mn = GSS_C_NO_NAME;
	assert_int_equal(gss_import_name(&min, &b, &weird, &n), GSS_S_COMPLETE);
	maj = gss_canonicalize_name(&min, n, &ntlm_oid, &mn);
	assert_true(GSS_ERROR(maj));
	gss_release_name(&min, &n);
	/* a service name is not an initiator credential */
	gss_name_t svc = name_of("HTTP@web", GSS_C_NT_HOSTBASED_SERVICE);
	gss_buffer_desc pw = { 3, (void *)"pwd" };
	gss_cred_id_t c = GSS_C_NO_CREDENTIAL;
	maj = gss_acquire_cred_with_password(&min, svc, &pw, 0, &ntlm_set, GSS_C_INITIATE, &c, NULL,
					     NULL);
	assert_int_equal(GSS_ROUTINE_ERROR(maj), GSS_S_BAD_NAME);
	assert_non_null(strstr(why(maj, min), "user name"));
	gss_release_name(&min, &svc);
}

/* ---- credentials ------------------------------------------------------------ */

static void test_creds(void **state)
{
	(void)state;
	OM_uint32 min, maj, life = 0;
	gss_cred_usage_t usage = 0;
	gss_name_t n = GSS_C_NO_NAME;
	gss_OID_set mechs = GSS_C_NO_OID_SET;
	gss_cred_id_t c = initiator("CORP\\alice", PW);
	maj = gss_inquire_cred(&min, c, &n, &life, &usage, &mechs);
	assert_int_equal(maj, GSS_S_COMPLETE);
	assert_string_equal(text_of(n, NULL), "CORP\\alice");
	assert_int_equal(usage, GSS_C_INITIATE);
	int present = 0;
	gss_test_oid_set_member(&min, &ntlm_oid, mechs, &present);
	assert_int_equal(present, 1);
	gss_release_oid_set(&min, &mechs);
	gss_release_name(&min, &n);
	OM_uint32 il = 0, al = 1;
	maj = gss_inquire_cred_by_mech(&min, c, &ntlm_oid, NULL, &il, &al, &usage);
	assert_int_equal(maj, GSS_S_COMPLETE);
	assert_int_equal(il, GSS_C_INDEFINITE);
	assert_int_equal(al, 0);
	gss_release_cred(&min, &c);

	/* the cred store: gss-ntlmssp's keys for the initiator */
	gss_name_t alice = name_of("alice", GSS_C_NT_USER_NAME);
	gss_key_value_element_desc e[] = { { "ntlmssp_domain", "CORP" },
					   { "ntlmssp_password", PW } };
	gss_key_value_set_desc store = { 2, e };
	maj = gss_acquire_cred_from(&min, alice, 0, &ntlm_set, GSS_C_INITIATE, &store, &c, NULL,
				    NULL);
	assert_int_equal(maj, GSS_S_COMPLETE);
	maj = gss_inquire_cred(&min, c, &n, NULL, NULL, NULL);
	assert_string_equal(text_of(n, NULL), "CORP\\alice");
	gss_release_name(&min, &n);
	gss_cred_id_t ac = acceptor();
	struct pair p;
	handshake(&p, c, ac, GSS_C_CONF_FLAG, GSS_C_NO_CHANNEL_BINDINGS, GSS_C_NO_CHANNEL_BINDINGS);
	assert_int_equal(p.maj, GSS_S_COMPLETE);
	pair_free(&p);
	gss_release_cred(&min, &c);

	/* the initiator from gss-ntlmssp's user file (ntlmssp_keyfile) */
	gss_key_value_element_desc k[] = { { "ntlmssp_keyfile", users } };
	gss_key_value_set_desc kstore = { 1, k };
	maj = gss_acquire_cred_from(&min, alice, 0, &ntlm_set, GSS_C_INITIATE, &kstore, &c, NULL,
				    NULL);
	assert_int_equal(maj, GSS_S_COMPLETE);
	handshake(&p, c, ac, GSS_C_CONF_FLAG, GSS_C_NO_CHANNEL_BINDINGS, GSS_C_NO_CHANNEL_BINDINGS);
	assert_int_equal(p.maj, GSS_S_COMPLETE);
	assert_string_equal(text_of(p.src, NULL), "CORP\\alice");
	pair_free(&p);
	gss_release_cred(&min, &c);

	/* an acceptor reading the user file */
	gss_cred_id_t uac = GSS_C_NO_CREDENTIAL;
	maj = gss_acquire_cred_from(&min, GSS_C_NO_NAME, 0, &ntlm_set, GSS_C_ACCEPT, &kstore, &uac,
				    NULL, NULL);
	assert_int_equal(maj, GSS_S_COMPLETE);
	c = initiator("CORP\\alice", PW);
	handshake(&p, c, uac, GSS_C_INTEG_FLAG, GSS_C_NO_CHANNEL_BINDINGS,
		  GSS_C_NO_CHANNEL_BINDINGS);
	assert_int_equal(p.maj, GSS_S_COMPLETE);
	pair_free(&p);
	gss_release_cred(&min, &c);
	/* the user file changes (a new password): a logon a second later sees it,
	 * the old password is refused, and the file is read again */
	char line[200];
	snprintf(line, sizeof(line), "CORP:alice:%s-new\n", PW);
	t_write_file(users, line, strlen(line));
	usleep(1100 * 1000);
	c = initiator("CORP\\alice", PW);
	handshake(&p, c, uac, GSS_C_INTEG_FLAG, GSS_C_NO_CHANNEL_BINDINGS,
		  GSS_C_NO_CHANNEL_BINDINGS);
	assert_true(GSS_ERROR(p.maj));
	assert_non_null(strstr(why(p.maj, p.min), "NTLM_E_LOGON_FAILURE"));
	pair_free(&p);
	gss_release_cred(&min, &c);
	snprintf(line, sizeof(line), "%s-new", PW);
	c = initiator("CORP\\alice", line);
	handshake(&p, c, uac, GSS_C_INTEG_FLAG, GSS_C_NO_CHANNEL_BINDINGS,
		  GSS_C_NO_CHANNEL_BINDINGS);
	assert_int_equal(p.maj, GSS_S_COMPLETE);
	pair_free(&p);
	gss_release_cred(&min, &c);
	snprintf(line, sizeof(line), "CORP:alice:%s\n", PW);
	t_write_file(users, line, strlen(line));
	gss_release_cred(&min, &uac);

	/* a config file that does not load: the error names file and line */
	gss_key_value_element_desc bc[] = { { "ntlmssp_conf", badconf },
					    { "ntlmssp_password", "x" } };
	gss_key_value_set_desc bstore = { 2, bc };
	maj = gss_acquire_cred_from(&min, alice, 0, &ntlm_set, GSS_C_INITIATE, &bstore, &c, NULL,
				    NULL);
	assert_true(GSS_ERROR(maj));
	assert_non_null(strstr(why(maj, min), "NTLM_E_CONFIG"));
	assert_non_null(strstr(why(maj, min), ":2:"));
	gss_release_name(&min, &alice);
	gss_release_cred(&min, &ac);
}

/* An acceptor with only a config file (cred store ntlmssp_conf) holding
 * [ntlmssp] Accounts. */
static OM_uint32 acceptor_conf(const char *accounts_line, gss_cred_id_t *c, OM_uint32 *min)
{
	char conf[300], text[400];
	snprintf(conf, sizeof(conf), "%s/accounts-setting.conf", dir);
	snprintf(text, sizeof(text), "[ntlmssp]\n%s\n", accounts_line);
	t_write_file(conf, text, strlen(text));
	gss_key_value_element_desc e[] = { { "ntlmssp_conf", conf } };
	gss_key_value_set_desc store = { 1, e };
	*c = GSS_C_NO_CREDENTIAL;
	return gss_acquire_cred_from(min, GSS_C_NO_NAME, 0, &ntlm_set, GSS_C_ACCEPT, &store, c,
				     NULL, NULL);
}

/* issue 14 item 3: the acceptor honours [ntlmssp] Accounts as ntlm server and
 * ntlm httpd do (file backend here; winbind in tests/domain). */
static void test_accounts_setting(void **state)
{
	(void)state;
	OM_uint32 min, maj;
	gss_cred_id_t ac, ic;
	struct pair p;
	char line[400], other[300];
	unsetenv("NTLMSSP_ACCOUNTS");

	snprintf(line, sizeof(line), "Accounts = file:%s", accounts);
	maj = acceptor_conf(line, &ac, &min);
	if (maj != GSS_S_COMPLETE)
		fail_msg("acceptor from Accounts = file: %s", why(maj, min));
	ic = initiator("CORP\\alice", PW);
	handshake(&p, ic, ac, GSS_C_INTEG_FLAG, GSS_C_NO_CHANNEL_BINDINGS,
		  GSS_C_NO_CHANNEL_BINDINGS);
	if (p.maj != GSS_S_COMPLETE)
		fail_msg("handshake through Accounts = file: %s", why(p.maj, p.min));
	assert_string_equal(text_of(p.src, NULL), "CORP\\alice");
	pair_free(&p);
	gss_release_cred(&min, &ac);

	/* a store without alice, through the setting: the setting decides */
	snprintf(other, sizeof(other), "%s/other-accounts", dir);
	t_write_file(other, "CORP:bob:00112233445566778899aabbccddeeff\n", 42);
	snprintf(line, sizeof(line), "Accounts = file:%s", other);
	maj = acceptor_conf(line, &ac, &min);
	assert_int_equal(maj, GSS_S_COMPLETE);
	handshake(&p, ic, ac, GSS_C_INTEG_FLAG, GSS_C_NO_CHANNEL_BINDINGS,
		  GSS_C_NO_CHANNEL_BINDINGS);
	assert_true(GSS_ERROR(p.maj));
	assert_non_null(strstr(why(p.maj, p.min), "NTLM_E_NO_SUCH_USER"));
	pair_free(&p);
	gss_release_cred(&min, &ac);

	/* a setting naming a file that is not there: no credential, and why */
	snprintf(line, sizeof(line), "Accounts = file:%s/none", dir);
	maj = acceptor_conf(line, &ac, &min);
	assert_int_equal(GSS_ROUTINE_ERROR(maj), GSS_S_NO_CRED);
	assert_non_null(strstr(why(maj, min), "none"));

	/* no setting and nothing else: the error names every place looked at */
	maj = acceptor_conf("AuditFailure = 0", &ac, &min);
	if (!GSS_ERROR(maj)) /* a system store in SYS_ACCOUNTS */
		gss_release_cred(&min, &ac);
	else
		assert_non_null(strstr(why(maj, min), "[ntlmssp] Accounts"));
	gss_release_cred(&min, &ic);
	setenv("NTLMSSP_ACCOUNTS", accounts, 1);
}

/* ---- the handshake and queries ---------------------------------------------- */

static void test_handshake_queries(void **state)
{
	(void)state;
	OM_uint32 min, maj, life = 0, flags = 0;
	struct pair p;
	established(&p, GSS_C_CONF_FLAG | GSS_C_INTEG_FLAG | GSS_C_MUTUAL_FLAG);
	assert_true(p.iflags & GSS_C_CONF_FLAG);
	assert_true(p.iflags & GSS_C_INTEG_FLAG);
	assert_false(p.iflags & GSS_C_MUTUAL_FLAG); /* NTLM cannot */
	assert_true(p.aflags & GSS_C_CONF_FLAG);
	assert_string_equal(text_of(p.src, NULL), "CORP\\alice");

	assert_int_equal(gss_context_time(&min, p.ic, &life), GSS_S_COMPLETE);
	assert_int_equal(life, GSS_C_INDEFINITE);
	gss_name_t src = GSS_C_NO_NAME, targ = GSS_C_NO_NAME;
	int local = -1, open = -1;
	gss_OID mech = GSS_C_NO_OID;
	maj = gss_inquire_context(&min, p.ac, &src, &targ, &life, &mech, &flags, &local, &open);
	assert_int_equal(maj, GSS_S_COMPLETE);
	assert_string_equal(text_of(src, NULL), "CORP\\alice");
	assert_int_equal(local, 0);
	assert_int_equal(open, 1);
	assert_true(gss_oid_equal(mech, &ntlm_oid));
	gss_release_name(&min, &src);
	gss_release_name(&min, &targ);
	maj = gss_inquire_context(&min, p.ic, &src, &targ, NULL, NULL, NULL, &local, NULL);
	assert_int_equal(maj, GSS_S_COMPLETE);
	assert_int_equal(local, 1);
	assert_string_equal(text_of(targ, NULL), "HTTP@web.example.com");
	gss_release_name(&min, &src);
	gss_release_name(&min, &targ);

	/* the session key is the same on both sides; SPNEGO would need a MIC */
	gss_buffer_set_t ik = GSS_C_NO_BUFFER_SET, ak = GSS_C_NO_BUFFER_SET;
	assert_int_equal(
		gss_inquire_sec_context_by_oid(&min, p.ic, GSS_C_INQ_SSPI_SESSION_KEY, &ik),
		GSS_S_COMPLETE);
	assert_int_equal(
		gss_inquire_sec_context_by_oid(&min, p.ac, GSS_C_INQ_SSPI_SESSION_KEY, &ak),
		GSS_S_COMPLETE);
	assert_int_equal(ik->elements[0].length, 16);
	assert_memory_equal(ik->elements[0].value, ak->elements[0].value, 16);
	gss_release_buffer_set(&min, &ik);
	gss_release_buffer_set(&min, &ak);
	for (int side = 0; side < 2; side++) {
		gss_buffer_set_t m = GSS_C_NO_BUFFER_SET;
		maj = gss_inquire_sec_context_by_oid(&min, side ? p.ac : p.ic, &req_mic_oid, &m);
		assert_int_equal(maj, GSS_S_COMPLETE);
		assert_int_equal(m->elements[0].length, 1);
		assert_int_equal(((uint8_t *)m->elements[0].value)[0], 1);
		gss_release_buffer_set(&min, &m);
	}
	gss_OID_desc unknown = { 3, (void *)"\x2a\x03\x05" };
	gss_buffer_set_t u = GSS_C_NO_BUFFER_SET;
	maj = gss_inquire_sec_context_by_oid(&min, p.ic, &unknown, &u);
	assert_int_equal(GSS_ROUTINE_ERROR(maj), GSS_S_UNAVAILABLE);
	pair_free(&p);
}

static void test_channel_bindings(void **state)
{
	(void)state;
	OM_uint32 min;
	gss_cred_id_t ic = initiator("CORP\\alice", PW), ac = acceptor();
	struct gss_channel_bindings_struct a = { 0 }, b = { 0 }, addr = { 0 };
	a.application_data.value = (void *)"tls-server-end-point:AAAA";
	a.application_data.length = 25;
	b.application_data.value = (void *)"tls-server-end-point:BBBB";
	b.application_data.length = 25;
	struct pair p;
	handshake(&p, ic, ac, GSS_C_CONF_FLAG, &a, &a);
	assert_int_equal(p.maj, GSS_S_COMPLETE);
	pair_free(&p);
	handshake(&p, ic, ac, GSS_C_CONF_FLAG, &a, &b);
	assert_int_equal(GSS_ROUTINE_ERROR(p.maj), GSS_S_BAD_BINDINGS);
	assert_non_null(strstr(why(p.maj, p.min), "NTLM_E_BAD_BINDINGS"));
	pair_free(&p);
	addr.initiator_addrtype = GSS_C_AF_INET;
	addr.initiator_address.value = (void *)"\x7f\0\0\1";
	addr.initiator_address.length = 4;
	handshake(&p, ic, ac, GSS_C_CONF_FLAG, &addr, GSS_C_NO_CHANNEL_BINDINGS);
	assert_int_equal(GSS_ROUTINE_ERROR(p.maj), GSS_S_BAD_BINDINGS);
	assert_non_null(strstr(why(p.maj, p.min), "addresses"));
	pair_free(&p);
	gss_release_cred(&min, &ic);
	gss_release_cred(&min, &ac);
}

/* ---- protection ------------------------------------------------------------- */

static void mic_roundtrip(gss_ctx_id_t from, gss_ctx_id_t to, OM_uint32 want)
{
	OM_uint32 min, maj;
	gss_buffer_desc msg = { 11, (void *)"hello world" }, mic = GSS_C_EMPTY_BUFFER;
	assert_int_equal(gss_get_mic(&min, from, GSS_C_QOP_DEFAULT, &msg, &mic), GSS_S_COMPLETE);
	assert_int_equal(mic.length, 16);
	maj = gss_verify_mic(&min, to, &msg, &mic, NULL);
	assert_int_equal(GSS_ROUTINE_ERROR(maj), want);
	gss_release_buffer(&min, &mic);
}

/* gss_get_mic_iov / gss_verify_mic_iov / gss_get_mic_iov_length: the MIC of
 * gss_get_mic over DATA and SIGN_ONLY in order, both ways and against the
 * plain calls. */
static void test_mic_iov(void **state)
{
	(void)state;
	OM_uint32 min, maj;
	struct pair p;
	char hdr[] = "header-", body[] = "body";
	established(&p, GSS_C_INTEG_FLAG);
	gss_iov_buffer_desc iov[4] = {
		{ GSS_IOV_BUFFER_TYPE_SIGN_ONLY, { 7, hdr } },
		{ GSS_IOV_BUFFER_TYPE_DATA, { 4, body } },
		{ GSS_IOV_BUFFER_TYPE_EMPTY, { 0, NULL } },
		{ GSS_IOV_BUFFER_TYPE_MIC_TOKEN | GSS_IOV_BUFFER_FLAG_ALLOCATE, { 0, NULL } },
	};
	assert_int_equal(gss_get_mic_iov_length(&min, p.ic, GSS_C_QOP_DEFAULT, iov, 4),
			 GSS_S_COMPLETE);
	assert_int_equal(iov[3].buffer.length, 16);
	maj = gss_get_mic_iov(&min, p.ic, GSS_C_QOP_DEFAULT, iov, 4);
	if (maj != GSS_S_COMPLETE)
		fail_msg("get_mic_iov: %s", why(maj, min));
	assert_int_equal(iov[3].buffer.length, 16);
	assert_true(iov[3].type & GSS_IOV_BUFFER_FLAG_ALLOCATED);
	/* the acceptor checks it over the same buffers ... */
	maj = gss_verify_mic_iov(&min, p.ac, NULL, iov, 4);
	if (maj != GSS_S_COMPLETE)
		fail_msg("verify_mic_iov: %s", why(maj, min));
	/* ... and gss_verify_mic over the concatenation checks the next one */
	assert_int_equal(gss_get_mic_iov(&min, p.ic, GSS_C_QOP_DEFAULT, iov, 4), GSS_S_COMPLETE);
	gss_buffer_desc msg = { 11, (void *)"header-body" };
	assert_int_equal(gss_verify_mic(&min, p.ac, &msg, &iov[3].buffer, NULL), GSS_S_COMPLETE);
	/* and the other way: gss_get_mic checked by verify_mic_iov */
	gss_buffer_desc mic = GSS_C_EMPTY_BUFFER;
	assert_int_equal(gss_get_mic(&min, p.ac, GSS_C_QOP_DEFAULT, &msg, &mic), GSS_S_COMPLETE);
	gss_iov_buffer_desc back[3] = {
		{ GSS_IOV_BUFFER_TYPE_DATA, { 7, hdr } },
		{ GSS_IOV_BUFFER_TYPE_SIGN_ONLY, { 4, body } },
		{ GSS_IOV_BUFFER_TYPE_MIC_TOKEN, mic },
	};
	assert_int_equal(gss_verify_mic_iov(&min, p.ic, NULL, back, 3), GSS_S_COMPLETE);
	/* an altered byte: BAD_SIG */
	assert_int_equal(gss_get_mic(&min, p.ac, GSS_C_QOP_DEFAULT, &msg, &back[2].buffer),
			 GSS_S_COMPLETE);
	body[0] = 'B';
	maj = gss_verify_mic_iov(&min, p.ic, NULL, back, 3);
	assert_int_equal(GSS_ROUTINE_ERROR(maj), GSS_S_BAD_SIG);
	gss_release_buffer(&min, &back[2].buffer);
	gss_release_buffer(&min, &mic);
	/* no MIC_TOKEN buffer; a short one; a caller's buffer of 16 bytes */
	maj = gss_get_mic_iov(&min, p.ic, GSS_C_QOP_DEFAULT, iov, 2);
	assert_true(GSS_ERROR(maj));
	assert_non_null(strstr(why(maj, min), "MIC_TOKEN"));
	uint8_t small[8], room[16];
	gss_iov_buffer_desc s2[2] = { { GSS_IOV_BUFFER_TYPE_DATA, { 4, body } },
				      { GSS_IOV_BUFFER_TYPE_MIC_TOKEN, { 8, small } } };
	assert_true(GSS_ERROR(gss_get_mic_iov(&min, p.ic, GSS_C_QOP_DEFAULT, s2, 2)));
	assert_true(GSS_ERROR(gss_verify_mic_iov(&min, p.ac, NULL, s2, 2)));
	s2[1].buffer.length = 16;
	s2[1].buffer.value = room;
	assert_int_equal(gss_get_mic_iov(&min, p.ic, GSS_C_QOP_DEFAULT, s2, 2), GSS_S_COMPLETE);
	assert_int_equal(gss_verify_mic_iov(&min, p.ac, NULL, s2, 2), GSS_S_COMPLETE);
	gss_release_iov_buffer(&min, iov, 4);
	pair_free(&p);
}

static void test_mic_wrap(void **state)
{
	(void)state;
	OM_uint32 min, maj, max = 0;
	int conf = 0;
	struct pair p;
	established(&p, GSS_C_CONF_FLAG);
	mic_roundtrip(p.ic, p.ac, GSS_S_COMPLETE);
	mic_roundtrip(p.ac, p.ic, GSS_S_COMPLETE);

	gss_buffer_desc msg = { 11, (void *)"hello world" }, mic = GSS_C_EMPTY_BUFFER;
	assert_int_equal(gss_get_mic(&min, p.ic, 0, &msg, &mic), GSS_S_COMPLETE);
	((uint8_t *)mic.value)[5] ^= 1;
	maj = gss_verify_mic(&min, p.ac, &msg, &mic, NULL);
	assert_int_equal(GSS_ROUTINE_ERROR(maj), GSS_S_BAD_SIG);
	assert_non_null(strstr(why(maj, min), "NTLM_E_MESSAGE_ALTERED"));
	((uint8_t *)mic.value)[5] ^= 1;
	assert_int_equal(gss_verify_mic(&min, p.ac, &msg, &mic, NULL), GSS_S_COMPLETE);
	maj = gss_verify_mic(&min, p.ac, &msg, &mic, NULL); /* a replay */
	assert_int_equal(maj, GSS_S_BAD_SIG | GSS_S_UNSEQ_TOKEN);
	assert_non_null(strstr(why(maj, min), "NTLM_E_OUT_OF_SEQUENCE"));
	gss_release_buffer(&min, &mic);
	mic_roundtrip(p.ic, p.ac, GSS_S_COMPLETE); /* the failures changed nothing */

	gss_buffer_desc w = GSS_C_EMPTY_BUFFER, back = GSS_C_EMPTY_BUFFER;
	assert_int_equal(gss_wrap(&min, p.ac, 1, 0, &msg, &conf, &w), GSS_S_COMPLETE);
	assert_int_equal(conf, 1);
	assert_int_equal(w.length, 27);
	assert_null(memmem(w.value, w.length, "hello", 5)); /* sealed */
	assert_int_equal(gss_unwrap(&min, p.ic, &w, &back, &conf, NULL), GSS_S_COMPLETE);
	assert_int_equal(back.length, 11);
	assert_memory_equal(back.value, "hello world", 11);
	gss_release_buffer(&min, &w);
	gss_release_buffer(&min, &back);
	assert_int_equal(gss_wrap_size_limit(&min, p.ic, 1, 0, 100, &max), GSS_S_COMPLETE);
	assert_int_equal(max, 84);
	gss_buffer_desc shortb = { 10, (void *)"0123456789" };
	maj = gss_unwrap(&min, p.ic, &shortb, &back, NULL, NULL);
	assert_int_equal(GSS_ROUTINE_ERROR(maj), GSS_S_DEFECTIVE_TOKEN);
	assert_non_null(strstr(why(maj, min), "shorter than the 16-byte signature"));
	pair_free(&p);

	/* integrity only: a wrap token is signature || plaintext */
	established(&p, GSS_C_INTEG_FLAG);
	assert_false(p.iflags & GSS_C_CONF_FLAG);
	assert_int_equal(gss_wrap(&min, p.ic, 1, 0, &msg, &conf, &w), GSS_S_COMPLETE);
	assert_int_equal(conf, 0);
	assert_memory_equal((uint8_t *)w.value + 16, "hello world", 11);
	assert_int_equal(gss_unwrap(&min, p.ac, &w, &back, &conf, NULL), GSS_S_COMPLETE);
	assert_int_equal(conf, 0);
	assert_memory_equal(back.value, "hello world", 11);
	gss_release_buffer(&min, &w);
	gss_release_buffer(&min, &back);
	pair_free(&p);
}

static void test_reset_crypto(void **state)
{
	(void)state;
	OM_uint32 min, one = 1, zero = 0;
	struct pair p;
	established(&p, GSS_C_CONF_FLAG);
	gss_buffer_desc v1 = { 4, &one }, v0 = { 4, &zero };
	mic_roundtrip(p.ic, p.ac, GSS_S_COMPLETE);
	/* MS-SPNG 3.3.5.1: the sender resets its handle, the verifier its own */
	assert_int_equal(gss_set_sec_context_option(&min, &p.ic, &reset_oid, &v0), GSS_S_COMPLETE);
	assert_int_equal(gss_set_sec_context_option(&min, &p.ac, &reset_oid, &v1), GSS_S_COMPLETE);
	mic_roundtrip(p.ic, p.ac, GSS_S_COMPLETE);
	/* only one side resets: the next MIC does not verify */
	assert_int_equal(gss_set_sec_context_option(&min, &p.ic, &reset_oid, &v0), GSS_S_COMPLETE);
	mic_roundtrip(p.ic, p.ac, GSS_S_BAD_SIG);
	gss_buffer_desc bad = { 2, (void *)"xx" };
	OM_uint32 maj = gss_set_sec_context_option(&min, &p.ic, &reset_oid, &bad);
	assert_true(GSS_ERROR(maj));
	pair_free(&p);
}

/* DCE/RPC: header and trailer in their own buffers, the PDU header and the
 * auth trailer signed but not sealed. */
static void test_wrap_iov(void **state)
{
	(void)state;
	OM_uint32 min, maj;
	int conf = 0;
	struct pair p;
	established(&p, GSS_C_CONF_FLAG);
	uint8_t hdr[24], body[100], trl[8], sig[16], body0[100];
	for (size_t i = 0; i < sizeof(body); i++)
		body[i] = body0[i] = (uint8_t)i;
	memset(hdr, 0x11, sizeof(hdr));
	memset(trl, 0x22, sizeof(trl));
	gss_iov_buffer_desc iov[5] = {
		{ GSS_IOV_BUFFER_TYPE_SIGN_ONLY, { sizeof(hdr), hdr } },
		{ GSS_IOV_BUFFER_TYPE_DATA, { sizeof(body), body } },
		{ GSS_IOV_BUFFER_TYPE_SIGN_ONLY, { sizeof(trl), trl } },
		{ GSS_IOV_BUFFER_TYPE_PADDING, { 0, NULL } },
		{ GSS_IOV_BUFFER_TYPE_TRAILER, { sizeof(sig), sig } },
	};
	maj = gss_wrap_iov_length(&min, p.ic, 1, 0, &conf, iov, 5);
	assert_int_equal(maj, GSS_S_COMPLETE);
	assert_int_equal(iov[4].buffer.length, 16);
	assert_int_equal(iov[3].buffer.length, 0);
	maj = gss_wrap_iov(&min, p.ic, 1, 0, &conf, iov, 5);
	assert_int_equal(maj, GSS_S_COMPLETE);
	assert_int_equal(conf, 1);
	assert_memory_not_equal(body, body0, sizeof(body));
	for (size_t i = 0; i < sizeof(hdr); i++)
		assert_int_equal(hdr[i], 0x11); /* sign-only: untouched */
	uint8_t body1[100];
	memcpy(body1, body, sizeof(body));
	trl[0] ^= 1; /* a sign-only byte changed: the signature fails */
	maj = gss_unwrap_iov(&min, p.ac, &conf, NULL, iov, 5);
	assert_int_equal(GSS_ROUTINE_ERROR(maj), GSS_S_BAD_SIG);
	trl[0] ^= 1;
	memcpy(body, body1, sizeof(body));
	maj = gss_unwrap_iov(&min, p.ac, &conf, NULL, iov, 5);
	assert_int_equal(maj, GSS_S_COMPLETE);
	assert_memory_equal(body, body0, sizeof(body));

	/* HEADER + DATA is the gss_wrap layout: gss_unwrap opens it */
	uint8_t data[5] = "abcde";
	gss_iov_buffer_desc two[2] = {
		{ GSS_IOV_BUFFER_TYPE_HEADER | GSS_IOV_BUFFER_FLAG_ALLOCATE, { 0, NULL } },
		{ GSS_IOV_BUFFER_TYPE_DATA, { 5, data } },
	};
	assert_int_equal(gss_wrap_iov(&min, p.ac, 1, 0, NULL, two, 2), GSS_S_COMPLETE);
	uint8_t tok[21];
	memcpy(tok, two[0].buffer.value, 16);
	memcpy(tok + 16, data, 5);
	gss_release_iov_buffer(&min, two, 2);
	gss_buffer_desc t = { 21, tok }, out = GSS_C_EMPTY_BUFFER;
	assert_int_equal(gss_unwrap(&min, p.ic, &t, &out, NULL, NULL), GSS_S_COMPLETE);
	assert_memory_equal(out.value, "abcde", 5);
	gss_release_buffer(&min, &out);

	/* a gss_wrap token through unwrap_iov as a STREAM */
	gss_buffer_desc m = { 5, (void *)"vwxyz" }, w = GSS_C_EMPTY_BUFFER;
	assert_int_equal(gss_wrap(&min, p.ac, 1, 0, &m, NULL, &w), GSS_S_COMPLETE);
	gss_iov_buffer_desc st[2] = { { GSS_IOV_BUFFER_TYPE_STREAM, w },
				      { GSS_IOV_BUFFER_TYPE_DATA, { 0, NULL } } };
	assert_int_equal(gss_unwrap_iov(&min, p.ic, NULL, NULL, st, 2), GSS_S_COMPLETE);
	assert_int_equal(st[1].buffer.length, 5);
	assert_memory_equal(st[1].buffer.value, "vwxyz", 5);
	gss_release_buffer(&min, &w);

	/* no buffer for the signature */
	gss_iov_buffer_desc nosig[1] = { { GSS_IOV_BUFFER_TYPE_DATA, { 5, data } } };
	maj = gss_wrap_iov(&min, p.ic, 1, 0, NULL, nosig, 1);
	assert_true(GSS_ERROR(maj));
	assert_non_null(strstr(why(maj, min), "HEADER or TRAILER"));
	pair_free(&p);
}

/* ---- export / import -------------------------------------------------------- */

static gss_ctx_id_t move(gss_ctx_id_t *c)
{
	OM_uint32 min, maj;
	gss_buffer_desc tok = GSS_C_EMPTY_BUFFER;
	gss_ctx_id_t n = GSS_C_NO_CONTEXT;
	maj = gss_export_sec_context(&min, c, &tok);
	if (maj != GSS_S_COMPLETE)
		fail_msg("export: %s", why(maj, min));
	assert_ptr_equal(*c, GSS_C_NO_CONTEXT);
	maj = gss_import_sec_context(&min, &tok, &n);
	if (maj != GSS_S_COMPLETE)
		fail_msg("import: %s", why(maj, min));
	gss_release_buffer(&min, &tok);
	return n;
}

static void test_export_import(void **state)
{
	(void)state;
	OM_uint32 min, maj, fl;
	struct pair p;
	established(&p, GSS_C_CONF_FLAG);
	mic_roundtrip(p.ic, p.ac, GSS_S_COMPLETE);
	p.ic = move(&p.ic);
	p.ac = move(&p.ac);
	mic_roundtrip(p.ic, p.ac, GSS_S_COMPLETE);
	mic_roundtrip(p.ac, p.ic, GSS_S_COMPLETE);
	gss_name_t src = GSS_C_NO_NAME;
	assert_int_equal(gss_inquire_context(&min, p.ac, &src, NULL, NULL, NULL, &fl, NULL, NULL),
			 GSS_S_COMPLETE);
	assert_string_equal(text_of(src, NULL), "CORP\\alice");
	assert_true(fl & GSS_C_CONF_FLAG);
	gss_release_name(&min, &src);
	pair_free(&p);

	/* in the middle of the exchange, both roles (as gssproxy does) */
	gss_cred_id_t ic = initiator("CORP\\alice", PW), ac = acceptor();
	gss_name_t target = name_of("HTTP@web.example.com", GSS_C_NT_HOSTBASED_SERVICE);
	gss_ctx_id_t i = GSS_C_NO_CONTEXT, a = GSS_C_NO_CONTEXT;
	gss_buffer_desc t1 = GSS_C_EMPTY_BUFFER, t2 = GSS_C_EMPTY_BUFFER, t3 = GSS_C_EMPTY_BUFFER,
			none = GSS_C_EMPTY_BUFFER;
	maj = gss_init_sec_context(&min, ic, &i, target, &ntlm_oid, GSS_C_CONF_FLAG, 0, NULL, &none,
				   NULL, &t1, NULL, NULL);
	assert_int_equal(maj, GSS_S_CONTINUE_NEEDED);
	i = move(&i);
	gss_release_cred(&min, &ic); /* the exported context carries what it needs */
	maj = gss_accept_sec_context(&min, &a, ac, &t1, NULL, NULL, NULL, &t2, NULL, NULL, NULL);
	assert_int_equal(maj, GSS_S_CONTINUE_NEEDED);
	a = move(&a);
	maj = gss_init_sec_context(&min, GSS_C_NO_CREDENTIAL, &i, target, &ntlm_oid,
				   GSS_C_CONF_FLAG, 0, NULL, &t2, NULL, &t3, NULL, NULL);
	if (maj != GSS_S_COMPLETE)
		fail_msg("init after import: %s", why(maj, min));
	maj = gss_accept_sec_context(&min, &a, GSS_C_NO_CREDENTIAL, &t3, NULL, NULL, NULL, &none,
				     NULL, NULL, NULL);
	if (maj != GSS_S_COMPLETE)
		fail_msg("accept after import: %s", why(maj, min));
	mic_roundtrip(i, a, GSS_S_COMPLETE);
	gss_release_buffer(&min, &t1);
	gss_release_buffer(&min, &t2);
	gss_release_buffer(&min, &t3);
	gss_delete_sec_context(&min, &i, NULL);
	gss_delete_sec_context(&min, &a, NULL);
	gss_release_cred(&min, &ac);
	gss_release_name(&min, &target);
}

/* ---- bad input -------------------------------------------------------------- */

static void test_bad_input(void **state)
{
	(void)state;
	OM_uint32 min, maj;
	gss_cred_id_t ic = initiator("CORP\\alice", PW), ac = acceptor();
	gss_ctx_id_t a = GSS_C_NO_CONTEXT, i = GSS_C_NO_CONTEXT;
	gss_buffer_desc out = GSS_C_EMPTY_BUFFER;
	gss_name_t target = name_of("HTTP@web.example.com", GSS_C_NT_HOSTBASED_SERVICE);

	/* an AUTHENTICATE where a NEGOTIATE belongs */
	uint8_t auth[64] = "NTLMSSP\0\3\0\0\0";
	gss_buffer_desc b = { sizeof(auth), auth };
	maj = gss_accept_sec_context(&min, &a, ac, &b, NULL, NULL, NULL, &out, NULL, NULL, NULL);
	assert_int_equal(GSS_ROUTINE_ERROR(maj), GSS_S_DEFECTIVE_TOKEN);
	assert_non_null(strstr(why(maj, min), "NTLM_E_"));
	assert_ptr_equal(a, GSS_C_NO_CONTEXT);

	/* empty and NULL tokens */
	gss_buffer_desc empty = GSS_C_EMPTY_BUFFER;
	maj = gss_accept_sec_context(&min, &a, ac, &empty, NULL, NULL, NULL, &out, NULL, NULL,
				     NULL);
	assert_true(GSS_ERROR(maj));

	/* a token of another mechanism (Kerberos AP-REQ framing) */
	uint8_t krb[] = { 0x60, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
			  0xf7, 0x12, 0x01, 0x02, 0x02, 0x01, 0x00 };
	gss_buffer_desc kb = { sizeof(krb), krb };
	maj = gss_accept_sec_context(&min, &a, ac, &kb, NULL, NULL, NULL, &out, NULL, NULL, NULL);
	assert_true(GSS_ERROR(maj));

	/* garbage where the CHALLENGE belongs, on a live initiator */
	maj = gss_init_sec_context(&min, ic, &i, target, &ntlm_oid, 0, 0, NULL, GSS_C_NO_BUFFER,
				   NULL, &out, NULL, NULL);
	assert_int_equal(maj, GSS_S_CONTINUE_NEEDED);
	gss_release_buffer(&min, &out);
	/* not established yet: no protection */
	gss_buffer_desc msg = { 2, (void *)"hi" }, mic = GSS_C_EMPTY_BUFFER;
	maj = gss_get_mic(&min, i, 0, &msg, &mic);
	assert_int_equal(GSS_ROUTINE_ERROR(maj), GSS_S_NO_CONTEXT);
	assert_non_null(strstr(why(maj, min), "not established"));
	uint8_t junk[40] = "NTLMSSP\0\2\0\0\0\xff\xff\xff\xff";
	gss_buffer_desc jb = { sizeof(junk), junk };
	maj = gss_init_sec_context(&min, ic, &i, target, &ntlm_oid, 0, 0, NULL, &jb, NULL, &out,
				   NULL, NULL);
	assert_int_equal(GSS_ROUTINE_ERROR(maj), GSS_S_DEFECTIVE_TOKEN);
	assert_non_null(strstr(why(maj, min), "NTLM_E_"));

	/* a deleted context */
	assert_int_equal(gss_delete_sec_context(&min, &i, NULL), GSS_S_COMPLETE);
	maj = gss_get_mic(&min, i, 0, &msg, &mic);
	assert_int_equal(GSS_ROUTINE_ERROR(maj), GSS_S_NO_CONTEXT);
	maj = gss_delete_sec_context(&min, &i, NULL);
	assert_int_equal(GSS_ROUTINE_ERROR(maj), GSS_S_NO_CONTEXT);

	/* a wrong password: the acceptor says why */
	gss_cred_id_t wrong = initiator("CORP\\alice", "not-it");
	struct pair p;
	handshake(&p, wrong, ac, GSS_C_CONF_FLAG, NULL, NULL);
	assert_int_equal(GSS_ROUTINE_ERROR(p.maj), GSS_S_DEFECTIVE_CREDENTIAL);
	assert_non_null(strstr(why(p.maj, p.min), "NTLM_E_LOGON_FAILURE"));
	pair_free(&p);

	/* an exported context that is not one */
	gss_buffer_desc fake = { 20, (void *)"GSSN\1\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0" };
	gss_ctx_id_t n = GSS_C_NO_CONTEXT;
	maj = gss_import_sec_context(&min, &fake, &n);
	assert_true(GSS_ERROR(maj));

	gss_release_cred(&min, &wrong);
	gss_release_cred(&min, &ic);
	gss_release_cred(&min, &ac);
	gss_release_name(&min, &target);
}

/* ---- a requested protection that is not granted (issue 12 item 2) ---------- */

/* A credential from the cred store: CORP\alice, or the acceptor; with conf
 * (ntlmssp_conf) when not NULL. */
static gss_cred_id_t cred_with(const char *conf, gss_cred_usage_t usage)
{
	OM_uint32 min, maj;
	gss_name_t alice =
		usage == GSS_C_ACCEPT ? GSS_C_NO_NAME : name_of("alice", GSS_C_NT_USER_NAME);
	gss_key_value_element_desc e[4];
	size_t n = 0;
	if (usage == GSS_C_ACCEPT) {
		e[n++] = (gss_key_value_element_desc){ "accounts", accounts };
	} else {
		e[n++] = (gss_key_value_element_desc){ "ntlmssp_domain", "CORP" };
		e[n++] = (gss_key_value_element_desc){ "ntlmssp_password", PW };
	}
	if (conf)
		e[n++] = (gss_key_value_element_desc){ "ntlmssp_conf", conf };
	gss_key_value_set_desc store = { (OM_uint32)n, e };
	gss_cred_id_t c = GSS_C_NO_CREDENTIAL;
	maj = gss_acquire_cred_from(&min, alice, 0, &ntlm_set, usage, &store, &c, NULL, NULL);
	if (maj != GSS_S_COMPLETE)
		fail_msg("acquire_cred_from: %s", why(maj, min));
	gss_release_name(&min, &alice);
	return c;
}

/* A handshake whose CHALLENGE loses SIGN, SEAL and 128 in flight (a man in
 * the middle: the initiator checks the CHALLENGE before any MIC could tell).
 * Returns the initiator's last major status; p has the last call's. */
static OM_uint32 stripped_handshake(struct pair *p, gss_cred_id_t ic, gss_cred_id_t ac,
				    OM_uint32 req)
{
	OM_uint32 imaj;
	OM_uint32 min;
	gss_name_t target = name_of("HTTP@web.example.com", GSS_C_NT_HOSTBASED_SERVICE);
	gss_buffer_desc neg = GSS_C_EMPTY_BUFFER, chal = GSS_C_EMPTY_BUFFER;
	gss_buffer_desc auth = GSS_C_EMPTY_BUFFER, none = GSS_C_EMPTY_BUFFER;
	memset(p, 0, sizeof(*p));
	p->maj = gss_init_sec_context(&p->min, ic, &p->ic, target, &ntlm_oid, req, 0,
				      GSS_C_NO_CHANNEL_BINDINGS, &none, NULL, &neg, &p->iflags,
				      NULL);
	assert_int_equal(p->maj, GSS_S_CONTINUE_NEEDED);
	p->maj = gss_accept_sec_context(&p->min, &p->ac, ac, &neg, GSS_C_NO_CHANNEL_BINDINGS,
					&p->src, NULL, &chal, &p->aflags, NULL, NULL);
	assert_int_equal(p->maj, GSS_S_CONTINUE_NEEDED);
	assert_true(chal.length >= 24);
	uint8_t *f = (uint8_t *)chal.value + 20; /* NegotiateFlags, little-endian */
	uint32_t flags =
		(uint32_t)f[0] | (uint32_t)f[1] << 8 | (uint32_t)f[2] << 16 | (uint32_t)f[3] << 24;
	if (req & GSS_C_CONF_FLAG)
		assert_true(flags & NTLMSSP_NEGOTIATE_SEAL); /* the acceptor offered it */
	flags &= ~(uint32_t)(NTLMSSP_NEGOTIATE_SIGN | NTLMSSP_NEGOTIATE_SEAL |
			     NTLMSSP_NEGOTIATE_128);
	for (int i = 0; i < 4; i++)
		f[i] = (uint8_t)(flags >> (8 * i));
	p->maj = gss_init_sec_context(&p->min, ic, &p->ic, target, &ntlm_oid, req, 0,
				      GSS_C_NO_CHANNEL_BINDINGS, &chal, NULL, &auth, &p->iflags,
				      NULL);
	imaj = p->maj;
	if (!GSS_ERROR(p->maj))
		p->maj = gss_accept_sec_context(&p->min, &p->ac, ac, &auth,
						GSS_C_NO_CHANNEL_BINDINGS, &p->src, NULL, &none,
						&p->aflags, NULL, NULL);
	gss_release_buffer(&min, &neg);
	gss_release_buffer(&min, &chal);
	gss_release_buffer(&min, &auth);
	gss_release_buffer(&min, &none);
	gss_release_name(&min, &target);
	return imaj;
}

static void test_requested_protection(void **state)
{
	(void)state;
	OM_uint32 min;
	struct pair p;
	gss_cred_id_t ic = cred_with(NULL, GSS_C_INITIATE), ac = cred_with(NULL, GSS_C_ACCEPT);
	gss_cred_id_t ric = cred_with(rrpconf, GSS_C_INITIATE);
	gss_cred_id_t rac = cred_with(rrpconf, GSS_C_ACCEPT);

	/* Asked and granted: ret_flags say so on both sides. */
	handshake(&p, ric, rac, GSS_C_CONF_FLAG | GSS_C_INTEG_FLAG, GSS_C_NO_CHANNEL_BINDINGS,
		  GSS_C_NO_CHANNEL_BINDINGS);
	assert_int_equal(p.maj, GSS_S_COMPLETE);
	assert_true(p.iflags & GSS_C_CONF_FLAG);
	assert_true(p.iflags & GSS_C_INTEG_FLAG);
	assert_true(p.aflags & GSS_C_CONF_FLAG);
	pair_free(&p);

	/* Not granted, the setting off (cis): the initiator completes and its
	 * ret_flags tell the truth (RFC 2743 2.2.1): no CONF, no INTEG. (The
	 * acceptor then sees the NTLMv2 MIC over the edited CHALLENGE fail.) */
	assert_int_equal(stripped_handshake(&p, ic, ac, GSS_C_CONF_FLAG | GSS_C_INTEG_FLAG),
			 GSS_S_COMPLETE);
	assert_false(p.iflags & GSS_C_CONF_FLAG);
	assert_false(p.iflags & GSS_C_INTEG_FLAG);
	assert_int_equal(p.maj, GSS_S_DEFECTIVE_TOKEN);
	assert_non_null(strstr(why(p.maj, p.min), "NTLM_E_MIC_MISMATCH"));
	pair_free(&p);

	/* Not granted, RequireRequestedProtection on at the initiator: it fails
	 * on the CHALLENGE (GSS_S_UNAUTHORIZED, as every policy refusal), and
	 * display_status says why. */
	stripped_handshake(&p, ric, ac, GSS_C_CONF_FLAG);
	assert_int_equal(p.maj, GSS_S_UNAUTHORIZED);
	char *w = why(p.maj, p.min);
	assert_non_null(strstr(w, "NTLM_E_POLICY_PROTECTION"));
	assert_non_null(strstr(w, "NTLMSSP_NEGOTIATE_SEAL required, not granted"));
	assert_non_null(strstr(w, "RequireRequestedProtection"));
	pair_free(&p);

	/* Only integrity asked: the same for INTEG. */
	stripped_handshake(&p, ric, ac, GSS_C_INTEG_FLAG);
	assert_int_equal(p.maj, GSS_S_UNAUTHORIZED);
	assert_non_null(strstr(why(p.maj, p.min), "NTLMSSP_NEGOTIATE_SIGN required"));
	pair_free(&p);

	/* Nothing asked: nothing to refuse, even with the setting on. */
	assert_int_equal(stripped_handshake(&p, ric, rac, 0), GSS_S_COMPLETE);
	pair_free(&p);

	/* The acceptor with the setting on: the client's NEGOTIATE asked for
	 * SEAL, its AUTHENTICATE comes back without it: refused (9009). */
	stripped_handshake(&p, ic, rac, GSS_C_CONF_FLAG);
	assert_int_equal(p.maj, GSS_S_UNAUTHORIZED);
	w = why(p.maj, p.min);
	assert_non_null(strstr(w, "NTLM_E_POLICY_PROTECTION"));
	assert_non_null(strstr(w, "client's NEGOTIATE asked for it"));
	pair_free(&p);

	gss_release_cred(&min, &ic);
	gss_release_cred(&min, &ac);
	gss_release_cred(&min, &ric);
	gss_release_cred(&min, &rac);

	/* Both refusals are audited as 9009, with what was asked and granted. */
	FILE *f = fopen(audit, "r");
	char line[8192];
	int outgoing = 0, incoming = 0;
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "{\"event\":9009,", 14) != 0 ||
		    !strstr(line, "RequireRequestedProtection"))
			continue;
		if (strstr(line, "\"missing_names\":[\"NTLMSSP_NEGOTIATE_SEAL\"") &&
		    strstr(line, "application asked for it"))
			outgoing++;
		/* the server's record says what the client asked: SEAL (+SIGN) */
		if (strstr(line, "client's NEGOTIATE asked for it") &&
		    strstr(line, "\"requested\":\"0x00000030\""))
			incoming++;
	}
	fclose(f);
	assert_int_equal(outgoing, 1);
	assert_int_equal(incoming, 1);
}

/* AuditLog (issue 12 item 4): without NTLMSSP_AUDIT_LOG or audit_log, the
 * mechanism audits to the policy's destinations (here a syslog socket the
 * test binds), ident ntlmssp-gss. */
static void test_audit_log_policy(void **state)
{
	(void)state;
	OM_uint32 min;
	struct pair p;
	char sock[400], conf[400], text[600], buf[8192];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sock, sizeof(sock), "%s/log", dir);
	snprintf(conf, sizeof(conf), "%s/auditlog.conf", dir);
	int n = snprintf(text, sizeof(text), "[ntlmssp]\nAuditLog = syslog:%s\n", sock);
	t_write_file(conf, text, (size_t)n);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0 && strlen(sock) < sizeof(sa.sun_path));
	memcpy(sa.sun_path, sock, strlen(sock) + 1);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	unsetenv("NTLMSSP_AUDIT_LOG");
	gss_cred_id_t ic = cred_with(conf, GSS_C_INITIATE), ac = cred_with(conf, GSS_C_ACCEPT);
	setenv("NTLMSSP_AUDIT_LOG", audit, 1);
	handshake(&p, ic, ac, GSS_C_INTEG_FLAG, GSS_C_NO_CHANNEL_BINDINGS,
		  GSS_C_NO_CHANNEL_BINDINGS);
	assert_int_equal(p.maj, GSS_S_COMPLETE);
	pair_free(&p);
	int success = 0;
	ssize_t got;
	while ((got = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT)) > 0) {
		buf[got] = '\0';
		assert_true(strncmp(buf, "<8", 2) == 0); /* facility authpriv */
		assert_non_null(strstr(buf, " ntlmssp-gss["));
		if (strstr(buf, "]: {\"event\":9005,"))
			success++;
	}
	assert_int_equal(success, 1);
	close(fd);
	unlink(sock);
	gss_release_cred(&min, &ic);
	gss_release_cred(&min, &ac);
}

static int setup(void **state)
{
	(void)state;
	char line[200];
	uint8_t h[16];
	if (t_mkdtemp(dir, sizeof(dir), "gss") != 0)
		return -1;
	snprintf(users, sizeof(users), "%s/users", dir);
	snprintf(accounts, sizeof(accounts), "%s/accounts", dir);
	snprintf(audit, sizeof(audit), "%s/audit.jsonl", dir);
	snprintf(badconf, sizeof(badconf), "%s/bad.conf", dir);
	snprintf(line, sizeof(line), "CORP:alice:%s\n", PW);
	t_write_file(users, line, strlen(line));
	if (ntlm_hash_nt(PW, h) != NTLM_OK)
		return -1;
	int n = snprintf(line, sizeof(line), "CORP:alice:");
	for (int i = 0; i < 16; i++)
		n += snprintf(line + n, sizeof(line) - (size_t)n, "%02x", h[i]);
	snprintf(line + n, sizeof(line) - (size_t)n, "\n");
	t_write_file(accounts, line, strlen(line));
	t_write_file(badconf, "[Lsa]\nNoSuchSetting = 1\n", 24);
	snprintf(rrpconf, sizeof(rrpconf), "%s/rrp.conf", dir);
	t_write_file(rrpconf, "[ntlmssp]\nRequireRequestedProtection = yes\n", 43);
	setenv("NTLMSSP_AUDIT_LOG", audit, 1);
	/* what a process importing an acceptor's context finds by default */
	setenv("NTLMSSP_ACCOUNTS", accounts, 1);
	unsetenv("NTLMSSP_CONF");
	unsetenv("NTLM_USER_FILE");
	unsetenv("LM_COMPAT_LEVEL");
	return 0;
}

int main(void)
{
	/* only our mechanism, before mechglue reads its configuration */
	setenv("GSS_MECH_CONFIG", NTLM_GSS_MECH_CONF, 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_bad_names),
		cmocka_unit_test(test_creds),
		cmocka_unit_test(test_accounts_setting),
		cmocka_unit_test(test_handshake_queries),
		cmocka_unit_test(test_channel_bindings),
		cmocka_unit_test(test_mic_wrap),
		cmocka_unit_test(test_mic_iov),
		cmocka_unit_test(test_reset_crypto),
		cmocka_unit_test(test_wrap_iov),
		cmocka_unit_test(test_export_import),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_requested_protection),
		cmocka_unit_test(test_audit_log_policy),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
