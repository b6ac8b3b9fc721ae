/* SPDX-License-Identifier: MIT */
/* SPNEGO (RFC 4178): the DER codec (wire/spnego.c) on tokens captured from
 * curl --negotiate through MIT SPNEGO, hostile DER, and the acceptor
 * (context/spnego.c) driven by our client: the mechListMIC both ways, a bad
 * or missing one (9002, no 9005), NTLMSSP not first, no NTLMSSP at all. */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "ntlmssp.h"
#include "ntlmssp/unstable.h"

/* curl 7.88 --negotiate, MIT krb5 1.20 SPNEGO over gss-ntlmssp: the
 * NegTokenInit (NTLMSSP alone, its NEGOTIATE as the optimistic token). */
static const char curl_init[] =
	"604806062b0601050502a03e303ca00e300c060a2b06010401823702020aa22a04284e544c4d535350"
	"0001000000178208e2000000002800000000000000280000000601b11d0000000f";
/* The DER of that mechTypes list: what the mechListMIC signs. */
static const char ntlm_types[] = "300c060a2b06010401823702020a";
static const uint8_t krb5_oid[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02 };
static const uint8_t ntlm_oid[] = { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a };

static void test_decode_curl(void **state)
{
	(void)state;
	size_t len;
	uint8_t *tok = t_hex(curl_init, &len);
	struct ntlm_spnego_token t;
	assert_int_equal(ntlm_spnego_decode(tok, len, &t), NTLM_OK);
	assert_int_equal(t.kind, NTLM_SPNEGO_INIT);
	assert_int_equal(t.n_mechs, 1);
	assert_int_equal(t.ntlm_index, 0);
	assert_string_equal(ntlm_spnego_mech_name(t.mechs[0].p, t.mechs[0].len), "NTLMSSP");
	assert_hex_equal(t.mech_types.p, t.mech_types.len, ntlm_types);
	assert_int_equal(t.mech_token.len, 40);
	assert_memory_equal(t.mech_token.p, "NTLMSSP\0\1", 9);
	assert_null(t.mech_list_mic.p);
	assert_null(t.req_flags.p);
	assert_int_equal(t.neg_state, NTLM_SPNEGO_NO_STATE);

	/* every proper prefix is refused, never read past */
	for (size_t n = 0; n < len; n++) {
		uint8_t *cut = malloc(n ? n : 1);
		memcpy(cut, tok, n);
		assert_int_not_equal(ntlm_spnego_decode(cut, n, &t), NTLM_OK);
		free(cut);
	}
	/* one byte more */
	uint8_t *more = malloc(len + 1);
	memcpy(more, tok, len);
	more[len] = 0;
	assert_int_equal(ntlm_spnego_decode(more, len + 1, &t), NTLM_E_BAD_ENCODING);
	free(more);

	struct ntlm_buf b = { 0 };
	ntlm_spnego_oid_text(&b, ntlm_oid, sizeof(ntlm_oid));
	ntlm_spnego_oid_text(&b, krb5_oid, sizeof(krb5_oid));
	assert_string_equal(b.p, "1.3.6.1.4.1.311.2.2.101.2.840.113554.1.2.2");
	ntlm_buf_free(&b);
	free(tok);
}

static void bad_hex(const char *hex, ntlm_status want, const char *detail)
{
	size_t len;
	uint8_t *tok = t_hex(hex, &len);
	struct ntlm_spnego_token t;
	assert_int_equal(ntlm_spnego_decode(tok, len, &t), want);
	if (!strstr(ntlm_error_message(), detail))
		fail_msg("%s: detail '%s' lacks '%s'", hex, ntlm_error_message(), detail);
	free(tok);
}

static void test_decode_hostile(void **state)
{
	(void)state;
	/* thisMech is Kerberos, not SPNEGO */
	bad_hex("600d06092a864886f712010202a000", NTLM_E_BAD_ENCODING, "thisMech");
	/* indefinite length */
	bad_hex("6080062b0601050502", NTLM_E_BAD_ENCODING, "indefinite");
	/* a long form for a short length */
	bad_hex("a18103300100", NTLM_E_BAD_ENCODING, "long form");
	/* a length with a leading zero */
	bad_hex("a1820003300100", NTLM_E_BAD_ENCODING, "leading zero");
	/* a length past the end */
	bad_hex("a10630030a0101", NTLM_E_BAD_ENCODING, "left");
	/* an empty mechTypes */
	bad_hex("600e06062b0601050502a004300200a0", NTLM_E_BAD_ENCODING, "mechTypes");
	bad_hex("601006062b0601050502a0063004a0023000", NTLM_E_BAD_ENCODING, "no mechanism");
	/* an OID whose last arc is cut */
	bad_hex("601306062b0601050502a0093007a0053003060181", NTLM_E_BAD_ENCODING, "cut");
	/* negState 4, negState of two bytes */
	bad_hex("a1073005a0030a0104", NTLM_E_BAD_ENCODING, "negState");
	bad_hex("a1083006a0040a020001", NTLM_E_BAD_ENCODING, "negState");
	/* fields out of order: responseToken before negState */
	bad_hex("a10b3009a2020400a0030a0101", NTLM_E_BAD_ENCODING, "unexpected");
	/* neither 0x60 nor 0xa1; empty */
	bad_hex("304e", NTLM_E_BAD_ENCODING, "neither");
	bad_hex("", NTLM_E_BAD_ENCODING, "empty");
	/* a length of 4 bytes */
	bad_hex("a18400000003300100", NTLM_E_BAD_ENCODING, "more than 3");
	/* NegTokenResp with one of each field decodes */
	size_t len;
	uint8_t *tok = t_hex("a1193017a0030a0101a10c060a2b06010401823702020aa2020400", &len);
	struct ntlm_spnego_token t;
	assert_int_equal(ntlm_spnego_decode(tok, len, &t), NTLM_OK);
	assert_int_equal(t.kind, NTLM_SPNEGO_RESP);
	assert_int_equal(t.neg_state, NTLM_SPNEGO_ACCEPT_INCOMPLETE);
	assert_hex_equal(t.supported_mech.p, t.supported_mech.len, "2b06010401823702020a");
	assert_non_null(t.mech_token.p);
	assert_int_equal(t.mech_token.len, 0);
	free(tok);
	/* too large */
	uint8_t *big = calloc(1, NTLM_SPNEGO_MAX_TOKEN + 1);
	assert_int_equal(ntlm_spnego_decode(big, NTLM_SPNEGO_MAX_TOKEN + 1, &t),
			 NTLM_E_TOKEN_TOO_LARGE);
	free(big);
}

static void test_encode(void **state)
{
	(void)state;
	uint8_t *out;
	size_t len;
	uint8_t mic[16];
	memset(mic, 0x11, sizeof(mic));
	/* the final answer: accept-completed and a mechListMIC */
	assert_int_equal(ntlm_spnego_encode_resp(NTLM_SPNEGO_ACCEPT_COMPLETED, 0, NULL, 0, mic, 16,
						 &out, &len),
			 NTLM_OK);
	assert_hex_equal(out, len, "a11b3019a0030a0100a312041011111111111111111111111111111111");
	ntlm_free(out);
	/* the NegTokenInit curl sent, rebuilt */
	size_t clen;
	uint8_t *ctok = t_hex(curl_init, &clen);
	assert_int_equal(
		ntlm_spnego_encode_init(NULL, 0, ctok + clen - 40, 40, NULL, 0, &out, &len),
		NTLM_OK);
	assert_hex_equal(out, len, curl_init);
	ntlm_free(out);
	free(ctok);
	/* long lengths round-trip */
	uint8_t *tok = calloc(1, 3000);
	struct ntlm_spnego_token t;
	assert_int_equal(
		ntlm_spnego_encode_resp(NTLM_SPNEGO_NO_STATE, 1, tok, 3000, NULL, 0, &out, &len),
		NTLM_OK);
	assert_int_equal(ntlm_spnego_decode(out, len, &t), NTLM_OK);
	assert_int_equal(t.mech_token.len, 3000);
	assert_int_equal(t.neg_state, NTLM_SPNEGO_NO_STATE);
	assert_int_equal(ntlm_spnego_mech_name(t.supported_mech.p, t.supported_mech.len)[0], 'N');
	ntlm_free(out);
	free(tok);
	assert_int_equal(ntlm_spnego_encode_resp(7, 0, NULL, 0, NULL, 0, &out, &len),
			 NTLM_E_INVALID_ARGUMENT);
}

/* ---- the acceptor ------------------------------------------------------------ */

struct events {
	uint32_t id[32];
	size_t n;
};

static void on_event(const struct ntlm_audit_event *e, void *arg)
{
	struct events *ev = arg;
	if (ev->n < 32)
		ev->id[ev->n++] = ntlm_audit_event_id(e);
}

static size_t count(const struct events *ev, uint32_t id)
{
	size_t n = 0;
	for (size_t i = 0; i < ev->n; i++)
		n += ev->id[i] == id;
	return n;
}

static ntlm_status lookup(void *arg, const char *domain, const char *user, uint8_t h[16])
{
	(void)arg;
	(void)domain;
	if (strcmp(user, "demo") != 0)
		return NTLM_E_NO_SUCH_USER;
	return ntlm_hash_nt("Demo-Passw0rd!", h);
}

struct pair {
	struct ntlm_policy *pol;
	struct ntlm_cred *cred;
	struct ntlm_accounts *acc;
	struct ntlm_audit *audit;
	struct ntlm_ctx *cli, *srv;
	struct events ev;
};

static void pair_new(struct pair *p)
{
	memset(p, 0, sizeof(*p));
	assert_int_equal(ntlm_policy_new("cis", &p->pol), NTLM_OK);
	assert_int_equal(ntlm_cred_new_password("DEMO", "demo", "Demo-Passw0rd!", &p->cred),
			 NTLM_OK);
	assert_int_equal(ntlm_accounts_new_callback(lookup, NULL, &p->acc), NTLM_OK);
	assert_int_equal(ntlm_audit_open(&p->audit), NTLM_OK);
	assert_int_equal(ntlm_audit_to_callback(p->audit, on_event, &p->ev), NTLM_OK);
	assert_int_equal(ntlm_client_new(p->pol, p->cred, "HTTP/web.example.com",
					 NTLM_REQ_INTEGRITY, &p->cli),
			 NTLM_OK);
	assert_int_equal(ntlm_server_new(p->pol, p->acc, &p->srv), NTLM_OK);
	assert_int_equal(ntlm_ctx_set_audit(p->srv, p->audit), NTLM_OK);
}

static void pair_free(struct pair *p)
{
	ntlm_ctx_free(p->cli);
	ntlm_ctx_free(p->srv);
	ntlm_audit_close(p->audit);
	ntlm_accounts_close(p->acc);
	ntlm_cred_free(p->cred);
	ntlm_policy_free(p->pol);
}

/* NegTokenResp in -> the NTLM token in it, checked. */
static uint8_t *inner(const uint8_t *resp, size_t len, int state, bool supported, size_t *out_len)
{
	struct ntlm_spnego_token t;
	assert_int_equal(ntlm_spnego_decode(resp, len, &t), NTLM_OK);
	assert_int_equal(t.kind, NTLM_SPNEGO_RESP);
	assert_int_equal(t.neg_state, state);
	assert_int_equal(t.supported_mech.p != NULL, supported);
	if (!t.mech_token.p)
		return NULL;
	uint8_t *p = malloc(t.mech_token.len);
	memcpy(p, t.mech_token.p, t.mech_token.len);
	*out_len = t.mech_token.len;
	return p;
}

enum mic_mode { MIC_GOOD, MIC_BAD, MIC_NONE };

/* The client's AUTHENTICATE and mechListMIC over types (DER hex). */
static ntlm_status finish_with(struct pair *p, const uint8_t *chal, size_t chal_len,
			       const char *types_hex, enum mic_mode mode, uint8_t **out,
			       size_t *out_len)
{
	uint8_t *auth, *resp, sig[16];
	size_t auth_len, resp_len, tl;
	assert_int_equal(ntlm_step(p->cli, chal, chal_len, &auth, &auth_len), NTLM_OK);
	assert_int_equal(ntlm_ctx_mic_present(p->cli), 1);
	uint8_t *types = t_hex(types_hex, &tl);
	assert_int_equal(ntlm_sign(p->cli, types, tl, sig), NTLM_OK);
	if (mode == MIC_BAD)
		sig[15] ^= 1;
	assert_int_equal(ntlm_spnego_encode_resp(NTLM_SPNEGO_NO_STATE, 0, auth, auth_len,
						 mode == MIC_NONE ? NULL : sig,
						 mode == MIC_NONE ? 0 : 16, &resp, &resp_len),
			 NTLM_OK);
	ntlm_status st = ntlm_spnego_accept(p->srv, resp, resp_len, out, out_len);
	ntlm_free(auth);
	ntlm_free(resp);
	free(types);
	return st;
}

static void run_ntlm_first(enum mic_mode mode)
{
	struct pair p;
	uint8_t *neg, *init, *out, *chal;
	size_t neg_len, init_len, out_len, chal_len;
	pair_new(&p);
	assert_int_equal(ntlm_step(p.cli, NULL, 0, &neg, &neg_len), NTLM_CONTINUE);
	assert_int_equal(ntlm_spnego_encode_init(NULL, 0, neg, neg_len, NULL, 0, &init, &init_len),
			 NTLM_OK);
	assert_int_equal(ntlm_spnego_accept(p.srv, init, init_len, &out, &out_len), NTLM_CONTINUE);
	chal = inner(out, out_len, NTLM_SPNEGO_ACCEPT_INCOMPLETE, true, &chal_len);
	assert_non_null(chal);
	assert_memory_equal(chal, "NTLMSSP\0\2", 9);
	ntlm_free(out);
	ntlm_status st = finish_with(&p, chal, chal_len, ntlm_types, mode, &out, &out_len);
	if (mode == MIC_GOOD) {
		assert_int_equal(st, NTLM_OK);
		struct ntlm_spnego_token t;
		assert_int_equal(ntlm_spnego_decode(out, out_len, &t), NTLM_OK);
		assert_int_equal(t.neg_state, NTLM_SPNEGO_ACCEPT_COMPLETED);
		assert_null(t.mech_token.p);
		assert_int_equal(t.mech_list_mic.len, 16);
		/* our mechListMIC verifies on the client, over the same bytes */
		size_t tl;
		uint8_t *types = t_hex(ntlm_types, &tl);
		assert_int_equal(ntlm_verify(p.cli, types, tl, t.mech_list_mic.p), NTLM_OK);
		free(types);
		assert_string_equal(ntlm_ctx_user(p.srv), "demo");
		assert_int_equal(count(&p.ev, 9005), 1);
		assert_int_equal(count(&p.ev, 9002), 0);
		ntlm_free(out);
	} else {
		assert_int_equal(st, NTLM_E_MIC_MISMATCH);
		assert_null(out);
		assert_non_null(strstr(ntlm_error_message(),
				       mode == MIC_BAD ? "does not verify" : "required because"));
		assert_int_equal(count(&p.ev, 9005), 0);
		assert_int_equal(count(&p.ev, 9002), 1);
		/* the context is dead: no keys */
		uint8_t sig[16];
		assert_int_not_equal(ntlm_sign(p.srv, (const uint8_t *)"x", 1, sig), NTLM_OK);
		assert_int_equal(ntlm_spnego_accept(p.srv, init, init_len, &out, &out_len),
				 NTLM_E_BAD_STATE);
	}
	free(chal);
	ntlm_free(neg);
	ntlm_free(init);
	pair_free(&p);
}

static void test_accept(void **state)
{
	(void)state;
	run_ntlm_first(MIC_GOOD);
}

static void test_accept_bad_mic(void **state)
{
	(void)state;
	run_ntlm_first(MIC_BAD);
}

static void test_accept_no_mic(void **state)
{
	(void)state;
	run_ntlm_first(MIC_NONE);
}

/* A browser's list: Kerberos first (its token ours to skip), NTLMSSP later. */
static void test_accept_not_first(void **state)
{
	(void)state;
	struct pair p;
	struct ntlm_spnego_bytes mechs[2] = { { krb5_oid, sizeof(krb5_oid) },
					      { ntlm_oid, sizeof(ntlm_oid) } };
	uint8_t *neg, *init, *out, *chal, *resp;
	size_t neg_len, init_len, out_len, chal_len, resp_len, dummy = 0;
	pair_new(&p);
	assert_int_equal(ntlm_spnego_encode_init(mechs, 2, (const uint8_t *)"\x60\x01\x00", 3, NULL,
						 0, &init, &init_len),
			 NTLM_OK);
	assert_int_equal(ntlm_spnego_accept(p.srv, init, init_len, &out, &out_len), NTLM_CONTINUE);
	assert_null(inner(out, out_len, NTLM_SPNEGO_REQUEST_MIC, true, &dummy));
	ntlm_free(out);
	assert_int_equal(ntlm_step(p.cli, NULL, 0, &neg, &neg_len), NTLM_CONTINUE);
	assert_int_equal(ntlm_spnego_encode_resp(NTLM_SPNEGO_NO_STATE, 0, neg, neg_len, NULL, 0,
						 &resp, &resp_len),
			 NTLM_OK);
	assert_int_equal(ntlm_spnego_accept(p.srv, resp, resp_len, &out, &out_len), NTLM_CONTINUE);
	chal = inner(out, out_len, NTLM_SPNEGO_ACCEPT_INCOMPLETE, false, &chal_len);
	assert_non_null(chal);
	ntlm_free(out);
	/* the mechListMIC covers both mechanisms */
	assert_int_equal(finish_with(&p, chal, chal_len,
				     "3017"
				     "06092a864886f712010202"
				     "060a2b06010401823702020a",
				     MIC_GOOD, &out, &out_len),
			 NTLM_OK);
	assert_int_equal(count(&p.ev, 9005), 1);
	ntlm_free(out);
	free(chal);
	ntlm_free(neg);
	ntlm_free(resp);
	ntlm_free(init);
	pair_free(&p);
}

static void test_accept_no_ntlm(void **state)
{
	(void)state;
	struct pair p;
	struct ntlm_spnego_bytes mechs[1] = { { krb5_oid, sizeof(krb5_oid) } };
	uint8_t *init, *out;
	size_t init_len, out_len;
	pair_new(&p);
	assert_int_equal(ntlm_spnego_encode_init(mechs, 1, (const uint8_t *)"\x60\x01\x00", 3, NULL,
						 0, &init, &init_len),
			 NTLM_OK);
	assert_int_equal(ntlm_spnego_accept(p.srv, init, init_len, &out, &out_len),
			 NTLM_E_NO_COMMON_MECH);
	assert_string_equal(ntlm_error_message(), "SPNEGO: the NegTokenInit offers no NTLMSSP: "
						  "Kerberos 5 (1.2.840.113554.1.2.2)");
	assert_int_equal(ntlm_status_kind(NTLM_E_NO_COMMON_MECH), NTLM_KIND_MALFORMED);
	/* a NegTokenResp first; a client context */
	ntlm_free(init);
	ntlm_ctx_free(p.srv);
	assert_int_equal(ntlm_server_new(p.pol, p.acc, &p.srv), NTLM_OK);
	assert_int_equal(ntlm_spnego_encode_resp(1, 0, NULL, 0, NULL, 0, &init, &init_len),
			 NTLM_OK);
	assert_int_equal(ntlm_spnego_accept(p.srv, init, init_len, &out, &out_len),
			 NTLM_E_BAD_MESSAGE_TYPE);
	assert_int_equal(ntlm_spnego_accept(p.cli, init, init_len, &out, &out_len),
			 NTLM_E_INVALID_ARGUMENT);
	ntlm_free(init);
	pair_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_curl),	 cmocka_unit_test(test_decode_hostile),
		cmocka_unit_test(test_encode),		 cmocka_unit_test(test_accept),
		cmocka_unit_test(test_accept_bad_mic),	 cmocka_unit_test(test_accept_no_mic),
		cmocka_unit_test(test_accept_not_first), cmocka_unit_test(test_accept_no_ntlm),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
