/* SPDX-License-Identifier: MIT */
/* Whole AUTHENTICATE_MESSAGEs of MS-NLMP 4.2.2, 4.2.3 and 4.2.4, built from
 * the 4.2.1 common inputs with the auth functions and the wire encoder, and
 * compared byte for byte with the spec's; plus the Chromium NTLMv2 `temp`
 * (docs/vectors.md §6) rebuilt from the 4.2.4 CHALLENGE's AV pairs. */
#include "vecutil.h"

#include "auth/auth.h"
#include "crypto/crypto.h"
#include "text/text.h"
#include "wire/wire.h"

static struct t_vec *common, *v422, *v423, *v424, *cr;

static int setup(void **state)
{
	(void)state;
	common = vec_load("msnlmp-4.2.1-common.vec");
	v422 = vec_load("msnlmp-4.2.2-ntlmv1.vec");
	v423 = vec_load("msnlmp-4.2.3-ntlmv1-ess.vec");
	v424 = vec_load("msnlmp-4.2.4-ntlmv2.vec");
	cr = vec_load("chromium-mic-cbt.vec");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	t_vec_free(common);
	t_vec_free(v422);
	t_vec_free(v423);
	t_vec_free(v424);
	t_vec_free(cr);
	return 0;
}

/* The names of 4.2.1 in UTF-16LE, owned here. */
struct names {
	uint8_t *user, *domain, *ws;
	size_t user_len, domain_len, ws_len;
};

static void names_load(struct names *n)
{
	assert_int_equal(
		ntlm_text_utf8_to_utf16le(t_vec_str(common, "user"), &n->user, &n->user_len),
		NTLM_OK);
	assert_int_equal(
		ntlm_text_utf8_to_utf16le(t_vec_str(common, "domain"), &n->domain, &n->domain_len),
		NTLM_OK);
	assert_int_equal(
		ntlm_text_utf8_to_utf16le(t_vec_str(common, "workstation"), &n->ws, &n->ws_len),
		NTLM_OK);
}

static void names_free(struct names *n)
{
	ntlm_text_free_secret(n->user, n->user_len);
	ntlm_text_free_secret(n->domain, n->domain_len);
	ntlm_text_free_secret(n->ws, n->ws_len);
}

static struct ntlm_slice sl(const uint8_t *p, size_t n)
{
	struct ntlm_slice s = { p, n };
	return s;
}

/* Fills the common fields: flags, names, VERSION 5.1.2600 rev 15, no MIC. */
static void auth_init(struct ntlm_wire_authenticate *m, uint32_t flags, const struct names *n)
{
	memset(m, 0, sizeof(*m));
	m->flags = flags;
	m->domain = sl(n->domain, n->domain_len);
	m->user = sl(n->user, n->user_len);
	m->workstation = sl(n->ws, n->ws_len);
	m->has_version = true;
	m->version.major = 5;
	m->version.minor = 1;
	m->version.build = 2600;
	m->version.revision = NTLMSSP_REVISION_W2K3;
}

static void encode_and_compare(const struct t_vec *v, const struct ntlm_wire_authenticate *m)
{
	uint8_t buf[512];
	struct ntlm_wr w;
	ntlm_wr_init(&w, buf, sizeof(buf));
	assert_int_equal(ntlm_wire_authenticate_encode(m, &w), NTLM_OK);
	assert_vec(v, "authenticate_message", buf, w.len);
}

/* Decodes a section's CHALLENGE_MESSAGE (the server's input to the client). */
static uint8_t *challenge(const struct t_vec *v, struct ntlm_wire_challenge *ch)
{
	size_t len;
	uint8_t *msg = t_vec_bytes(v, "challenge_message", &len);
	assert_int_equal(ntlm_wire_challenge_decode(msg, len, ch), NTLM_OK);
	assert_int_equal(ch->flags, vec_flags(v, "challenge_flags"));
	return msg; /* ch borrows it */
}

/* 4.2.2: NTLMv1, LM = DESL(LMOWFv1), KEY_EXCH with the plain KXKEY. */
static void test_422_authenticate(void **state)
{
	(void)state;
	struct ntlm_wire_challenge ch;
	struct ntlm_wire_authenticate m;
	struct names n;
	const uint32_t flags = vec_flags(v422, "authenticate_flags");
	uint8_t lm[16], nt[16], sbk[16], lmr[24], ntr[24], kx[16], rsk[16], enc[16];
	uint8_t *chal = challenge(v422, &ch);

	const char *pw = t_vec_str(common, "password");
	assert_int_equal(ntlm_auth_lmowfv1(pw, lm), NTLM_OK);
	assert_int_equal(ntlm_auth_ntowfv1(pw, nt), NTLM_OK);
	ntlm_auth_ntlmv1_response(nt, ch.server_challenge, ntr);
	ntlm_auth_ntlmv1_response(lm, ch.server_challenge, lmr);
	ntlm_auth_session_base_key_v1(nt, sbk);
	ntlm_auth_kxkey_v1(flags, sbk, lm, lmr, ch.server_challenge, kx);
	t_vec_get(common, "random_session_key", rsk, 16);
	ntlm_auth_key_exchange(kx, rsk, enc);

	names_load(&n);
	auth_init(&m, flags, &n);
	m.lm_response = sl(lmr, 24);
	m.nt_response = sl(ntr, 24);
	m.enc_session_key = sl(enc, 16);
	encode_and_compare(v422, &m);
	names_free(&n);
	free(chal);
}

/* 4.2.3: NTLMv1 with ESS, no KEY_EXCH (empty EncryptedRandomSessionKey). */
static void test_423_authenticate(void **state)
{
	(void)state;
	struct ntlm_wire_challenge ch;
	struct ntlm_wire_authenticate m;
	struct names n;
	const uint32_t flags = vec_flags(v423, "authenticate_flags");
	uint8_t nt[16], cc[8], lmr[24], ntr[24];
	uint8_t *chal = challenge(v423, &ch);

	assert_int_equal(ntlm_auth_ntowfv1(t_vec_str(common, "password"), nt), NTLM_OK);
	t_vec_get(common, "client_challenge", cc, 8);
	ntlm_auth_ess_response(nt, ch.server_challenge, cc, ntr, lmr);

	names_load(&n);
	auth_init(&m, flags, &n);
	m.lm_response = sl(lmr, 24);
	m.nt_response = sl(ntr, 24);
	encode_and_compare(v423, &m);
	names_free(&n);
	free(chal);
}

/* 4.2.4: NTLMv2; temp from the CHALLENGE's TargetInfo, LMv2, KEY_EXCH. */
static void test_424_authenticate(void **state)
{
	(void)state;
	struct ntlm_wire_challenge ch;
	struct ntlm_wire_authenticate m;
	struct names n;
	const uint32_t flags = vec_flags(v424, "authenticate_flags");
	uint8_t nt1[16], v2[16], cc[8], time[8], lmr[24], rsk[16], enc[16];
	uint8_t ntr[16 + 256], sbk[16];
	uint8_t *chal = challenge(v424, &ch);

	assert_int_equal(ntlm_auth_ntowfv1(t_vec_str(common, "password"), nt1), NTLM_OK);
	assert_int_equal(
		ntlm_auth_ntowfv2(nt1, t_vec_str(common, "user"), t_vec_str(common, "domain"), v2),
		NTLM_OK);
	t_vec_get(common, "client_challenge", cc, 8);
	t_vec_get(common, "time", time, 8);
	uint64_t ts = (uint64_t)vec_rd32(time) | (uint64_t)vec_rd32(time + 4) << 32;

	/* NtChallengeResponse = NTProofStr || temp, temp written in place */
	struct ntlm_wr w;
	ntlm_wr_init(&w, ntr + 16, sizeof(ntr) - 16);
	ntlm_wire_ntlmv2_temp_encode(&w, ts, cc, &ch.av);
	assert_int_equal(ntlm_wr_status(&w), NTLM_OK);
	assert_vec(v424, "temp", ntr + 16, w.len);
	ntlm_auth_ntlmv2_response(v2, ch.server_challenge, ntr + 16, w.len, ntr, sbk);
	assert_vec(v424, "nt_response", ntr, 16 + w.len);
	assert_vec(v424, "session_base_key", sbk, 16);
	ntlm_auth_lmv2_response(v2, ch.server_challenge, cc, lmr);
	t_vec_get(common, "random_session_key", rsk, 16);
	ntlm_auth_key_exchange(sbk, rsk, enc); /* NTLMv2: KXKEY = SessionBaseKey */

	names_load(&n);
	auth_init(&m, flags, &n);
	m.lm_response = sl(lmr, 24);
	m.nt_response = sl(ntr, 16 + w.len);
	m.enc_session_key = sl(enc, 16);
	encode_and_compare(v424, &m);
	names_free(&n);
	free(chal);
}

/* 7.1: the client's AV list is the server's plus MsvAvFlags (MIC present),
 * MsvAvChannelBindings and MsvAvTargetName; temp rebuilt from it gives the
 * NTProofStr in the captured message. */
static void test_chromium_temp(void **state)
{
	(void)state;
	struct ntlm_wire_challenge ch;
	uint8_t *chal = challenge(v424, &ch);
	uint8_t cc[8], ts8[8], cbh[16], nt1[16], v2[16], proof[16], sbk[16], temp[256];
	const uint8_t avflags[4] = { NTLM_AVFLAG_MIC_PRESENT, 0, 0, 0 };
	size_t app_len, auth_len;
	struct ntlm_auth_cb cb = { 0 };
	uint8_t *app = t_vec_bytes(cr, "cb_application_data", &app_len);
	cb.application_data = app;
	cb.application_data_len = (uint32_t)app_len;
	ntlm_auth_cbt_hash(&cb, cbh);
	uint8_t *spn;
	size_t spn_len;
	assert_int_equal(ntlm_text_utf8_to_utf16le(t_vec_str(cr, "spn"), &spn, &spn_len), NTLM_OK);

	struct ntlm_wire_avlist av = ch.av;
	assert_int_equal(ntlm_wire_avlist_set(&av, MsvAvFlags, sl(avflags, 4)), NTLM_OK);
	assert_int_equal(ntlm_wire_avlist_set(&av, MsvAvChannelBindings, sl(cbh, 16)), NTLM_OK);
	assert_int_equal(ntlm_wire_avlist_set(&av, MsvAvTargetName, sl(spn, spn_len)), NTLM_OK);

	t_vec_get(common, "client_challenge", cc, 8);
	t_vec_get(cr, "client_timestamp", ts8, 8);
	uint64_t ts = (uint64_t)vec_rd32(ts8) | (uint64_t)vec_rd32(ts8 + 4) << 32;
	struct ntlm_wr w;
	ntlm_wr_init(&w, temp, sizeof(temp));
	ntlm_wire_ntlmv2_temp_encode(&w, ts, cc, &av);
	assert_int_equal(ntlm_wr_status(&w), NTLM_OK);
	assert_vec(cr, "client_av_pairs", temp + 28, w.len - 32);

	uint8_t *auth = t_vec_bytes(cr, "authenticate_message", &auth_len);
	struct ntlm_slice nt = vec_secbuf(auth, auth_len, 20);
	assert_int_equal(nt.len, 16 + w.len);
	assert_bytes_equal(nt.p + 16, temp, w.len);

	assert_int_equal(ntlm_auth_ntowfv1(t_vec_str(common, "password"), nt1), NTLM_OK);
	assert_int_equal(
		ntlm_auth_ntowfv2(nt1, t_vec_str(common, "user"), t_vec_str(common, "domain"), v2),
		NTLM_OK);
	ntlm_auth_ntlmv2_response(v2, ch.server_challenge, temp, w.len, proof, sbk);
	assert_vec(cr, "ntproofstr", proof, 16);
	assert_vec(cr, "session_base_key", sbk, 16);

	free(auth);
	ntlm_text_free_secret(spn, spn_len);
	free(app);
	free(chal);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_422_authenticate),
		cmocka_unit_test(test_423_authenticate),
		cmocka_unit_test(test_424_authenticate),
		cmocka_unit_test(test_chromium_temp),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
