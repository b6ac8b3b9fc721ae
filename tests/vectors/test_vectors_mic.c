/* SPDX-License-Identifier: MIT */
/* Channel bindings and MIC (chromium-mic-cbt.vec, docs/vectors.md §6)
 * and the Windows 7 -> Server 2008 R2 capture (windows7-capture.vec, 7.3).
 * The NT responses are read out of the captured AUTHENTICATE_MESSAGEs with
 * plain byte reads (NtChallengeResponseFields at offset 20). */
#include "vecutil.h"

#include "auth/auth.h"
#include "crypto/crypto.h"
#include "text/text.h"
#include "wire/wire.h"

#define NT_FIELDS 20  /* NtChallengeResponseFields */
#define MIC_AT 72     /* MIC, after VERSION */
#define TEMP_AV_AT 28 /* AV pairs inside temp: 01 01 Z(6) Time CC Z(4) */

static struct t_vec *common, *v424, *cr, *w7;

static int setup(void **state)
{
	(void)state;
	common = vec_load("msnlmp-4.2.1-common.vec");
	v424 = vec_load("msnlmp-4.2.4-ntlmv2.vec");
	cr = vec_load("chromium-mic-cbt.vec");
	w7 = vec_load("windows7-capture.vec");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	t_vec_free(common);
	t_vec_free(v424);
	t_vec_free(cr);
	t_vec_free(w7);
	return 0;
}

/* Finds one AV pair's value in an AV list (plain reads, stops at EOL). */
static struct ntlm_slice find_av(const uint8_t *p, size_t len, uint16_t id)
{
	struct ntlm_slice none = { NULL, 0 };
	size_t at = 0;
	while (at + 4 <= len) {
		uint16_t aid = vec_rd16(p + at), alen = vec_rd16(p + at + 2);
		if (aid == MsvAvEOL)
			return none;
		assert_true(at + 4 + alen <= len);
		if (aid == id) {
			struct ntlm_slice s = { p + at + 4, alen };
			return s;
		}
		at += 4u + alen;
	}
	fail_msg("AV list without MsvAvEOL");
	return none;
}

static void tls_bindings(struct ntlm_auth_cb *cb, uint8_t **app, size_t *app_len)
{
	*app = t_vec_bytes(cr, "cb_application_data", app_len);
	memset(cb, 0, sizeof(*cb));
	cb->application_data = *app;
	cb->application_data_len = (uint32_t)*app_len;
}

/* ---- channel bindings, 3.1 ------------------------------------------------ */

static void test_cbt_hash(void **state)
{
	(void)state;
	struct ntlm_auth_cb cb;
	uint8_t *app, h[16];
	size_t app_len, st_len;
	tls_bindings(&cb, &app, &app_len);
	assert_int_equal(app_len, 53);

	ntlm_auth_cbt_hash(&cb, h);
	assert_vec(cr, "cb_hash", h, 16);

	/* cb_struct is the serialised header: four zero u32s, then the length */
	uint8_t *hdr = t_vec_bytes(cr, "cb_struct", &st_len);
	assert_int_equal(st_len, 20);
	assert_hex_equal(hdr, 16, "00000000000000000000000000000000");
	assert_int_equal(vec_rd32(hdr + 16), app_len);
	struct ntlm_iov v[2] = { { hdr, st_len }, { app, app_len } };
	ntlm_crypto_md5v(v, 2, h);
	assert_vec(cr, "cb_hash", h, 16);

	/* the client blob carries it as MsvAvChannelBindings */
	size_t av_len;
	uint8_t *av = t_vec_bytes(cr, "client_av_pairs", &av_len);
	struct ntlm_slice cbv = find_av(av, av_len, MsvAvChannelBindings);
	assert_int_equal(cbv.len, 16);
	assert_vec(cr, "cb_hash", cbv.p, 16);
	free(av);
	free(hdr);
	free(app);
}

/* ---- Chromium NTLMv2 + MIC + EPA, 7.1 -------------------------------------- */

static void test_chromium_ntlmv2(void **state)
{
	(void)state;
	uint8_t nt1[16], v2[16], sc[8], cc[8], proof[16], sbk[16], mic[16];
	size_t auth_len, neg_len, chal_len, av_len;
	uint8_t *auth = t_vec_bytes(cr, "authenticate_message", &auth_len);
	uint8_t *neg = t_vec_bytes(cr, "negotiate_message", &neg_len);
	uint8_t *chal = t_vec_bytes(v424, "challenge_message", &chal_len);
	uint8_t *av = t_vec_bytes(cr, "client_av_pairs", &av_len);
	t_vec_get(common, "server_challenge", sc, 8);
	t_vec_get(common, "client_challenge", cc, 8);
	assert_int_equal(auth_len, 286);
	assert_int_equal(vec_rd32(auth + 60), vec_flags(cr, "client_flags"));

	/* the NT response, by its security buffer */
	struct ntlm_slice nt = vec_secbuf(auth, auth_len, NT_FIELDS);
	assert_true(nt.len > 16 + TEMP_AV_AT);
	assert_vec(cr, "ntproofstr", nt.p, 16);
	const uint8_t *temp = nt.p + 16;
	size_t temp_len = nt.len - 16;
	assert_hex_equal(temp, 8, "0101000000000000");
	assert_vec(cr, "client_timestamp", temp + 8, 8);
	assert_bytes_equal(temp + 16, cc, 8);
	assert_true(temp_len >= TEMP_AV_AT + av_len);
	assert_bytes_equal(temp + TEMP_AV_AT, av, av_len);

	/* SPN in MsvAvTargetName */
	struct ntlm_slice spn = find_av(av, av_len, MsvAvTargetName);
	uint8_t *spn16;
	size_t spn16_len;
	assert_int_equal(ntlm_text_utf8_to_utf16le(t_vec_str(cr, "spn"), &spn16, &spn16_len),
			 NTLM_OK);
	assert_int_equal(spn.len, spn16_len);
	assert_bytes_equal(spn.p, spn16, spn16_len);
	ntlm_text_free_secret(spn16, spn16_len);

	assert_int_equal(ntlm_auth_ntowfv1(t_vec_str(common, "password"), nt1), NTLM_OK);
	assert_int_equal(
		ntlm_auth_ntowfv2(nt1, t_vec_str(common, "user"), t_vec_str(common, "domain"), v2),
		NTLM_OK);
	ntlm_auth_ntlmv2_response(v2, sc, temp, temp_len, proof, sbk);
	assert_vec(cr, "ntproofstr", proof, 16);
	assert_vec(cr, "session_base_key", sbk, 16);

	/* no KEY_EXCH: ExportedSessionKey = SessionBaseKey */
	assert_false(vec_flags(cr, "client_flags") & NTLMSSP_NEGOTIATE_KEY_EXCH);
	assert_vec(cr, "mic", auth + MIC_AT, 16);
	assert_int_equal(
		ntlm_auth_mic(sbk, neg, neg_len, chal, chal_len, auth, auth_len, MIC_AT, mic),
		NTLM_OK);
	assert_vec(cr, "mic", mic, 16);

	/* the MIC covers every other byte: change one and it moves */
	auth[auth_len - 1] ^= 1;
	assert_int_equal(
		ntlm_auth_mic(sbk, neg, neg_len, chal, chal_len, auth, auth_len, MIC_AT, mic),
		NTLM_OK);
	assert_false(memcmp(mic, auth + MIC_AT, 16) == 0);

	free(av);
	free(chal);
	free(neg);
	free(auth);
}

/* ---- Windows 7 capture, 7.3 ------------------------------------------------ */

static void test_windows7_capture(void **state)
{
	(void)state;
	uint8_t nt1[16], v2[16], sc[8], proof[16], sbk[16], h[16];
	size_t auth_len, chal_len;
	uint8_t *auth = t_vec_bytes(w7, "authenticate_message", &auth_len);
	uint8_t *chal = t_vec_bytes(w7, "challenge_message", &chal_len);
	assert_int_equal(auth_len, 552);
	assert_int_equal(chal_len, 254);
	t_vec_get(w7, "server_challenge", sc, 8);
	assert_bytes_equal(chal + 24, sc, 8);
	assert_int_equal(vec_rd32(chal + 20), vec_flags(w7, "challenge_flags"));
	assert_int_equal(vec_rd32(auth + 60), vec_flags(w7, "authenticate_flags"));

	assert_int_equal(ntlm_auth_ntowfv1(t_vec_str(w7, "password"), nt1), NTLM_OK);
	assert_vec(w7, "nt_hash", nt1, 16);
	assert_int_equal(ntlm_auth_ntowfv2(nt1, t_vec_str(w7, "user"), t_vec_str(w7, "domain"), v2),
			 NTLM_OK);
	assert_vec(w7, "ntowfv2", v2, 16);

	struct ntlm_slice nt = vec_secbuf(auth, auth_len, NT_FIELDS);
	assert_int_equal(nt.len, 0x17c);
	assert_vec(w7, "ntproofstr", nt.p, 16);
	ntlm_auth_ntlmv2_response(v2, sc, nt.p + 16, nt.len - 16, proof, sbk);
	assert_vec(w7, "ntproofstr", proof, 16);
	assert_vec(w7, "session_base_key", sbk, 16);

	/* LmChallengeResponse is Z(24) (MsvAvTimestamp present) */
	struct ntlm_slice lm = vec_secbuf(auth, auth_len, 12);
	assert_int_equal(lm.len, 24);
	for (size_t i = 0; i < 24; i++)
		assert_int_equal(lm.p[i], 0);

	/* the MIC as sent (the NEGOTIATE was not captured: bytes only) */
	assert_vec(w7, "mic", auth + MIC_AT, 16);

	/* MsvAvChannelBindings: the same TLS bindings as 3.1 */
	const uint8_t *av = nt.p + 16 + TEMP_AV_AT;
	size_t av_len = nt.len - 16 - TEMP_AV_AT;
	struct ntlm_slice cbv = find_av(av, av_len, MsvAvChannelBindings);
	assert_int_equal(cbv.len, 16);
	assert_vec(w7, "channel_bindings", cbv.p, 16);
	struct ntlm_auth_cb cb;
	uint8_t *app;
	size_t app_len;
	tls_bindings(&cb, &app, &app_len);
	ntlm_auth_cbt_hash(&cb, h);
	assert_vec(w7, "channel_bindings", h, 16);
	free(app);

	struct ntlm_slice tn = find_av(av, av_len, MsvAvTargetName);
	uint8_t *tn16;
	size_t tn16_len;
	assert_int_equal(ntlm_text_utf8_to_utf16le(t_vec_str(w7, "target_name"), &tn16, &tn16_len),
			 NTLM_OK);
	assert_int_equal(tn.len, tn16_len);
	assert_bytes_equal(tn.p, tn16, tn16_len);
	ntlm_text_free_secret(tn16, tn16_len);

	/* user / domain / workstation strings, UTF-16LE */
	const struct {
		size_t at;
		const char *row;
	} names[] = { { 28, "domain" }, { 36, "user" }, { 44, "workstation" } };
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		struct ntlm_slice f = vec_secbuf(auth, auth_len, names[i].at);
		char *s;
		assert_int_equal(ntlm_text_utf16le_to_utf8(f.p, f.len, &s, names[i].row), NTLM_OK);
		assert_string_equal(s, t_vec_str(w7, names[i].row));
		free(s);
	}
	free(chal);
	free(auth);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cbt_hash),
		cmocka_unit_test(test_chromium_ntlmv2),
		cmocka_unit_test(test_windows7_capture),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
