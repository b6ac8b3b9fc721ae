/* SPDX-License-Identifier: MIT */
/* MS-NLMP 4.2.4 NTLMv2 and the additional key/signature vectors of
 * docs/vectors.md §5 (msnlmp-keys-extra.vec): every auth/session row. */
#include "vecutil.h"

#include "auth/auth.h"
#include "crypto/crypto.h"
#include "session/session.h"
#include "wire/wire.h"

static struct t_vec *common, *v424, *extra;

static int setup(void **state)
{
	(void)state;
	common = vec_load("msnlmp-4.2.1-common.vec");
	v424 = vec_load("msnlmp-4.2.4-ntlmv2.vec");
	extra = vec_load("msnlmp-keys-extra.vec");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	t_vec_free(common);
	t_vec_free(v424);
	t_vec_free(extra);
	return 0;
}

static void get(const struct t_vec *v, const char *name, uint8_t *out, size_t n)
{
	t_vec_get(v, name, out, n);
}

/* ---- 4.2.4 NTLMv2 ------------------------------------------------------- */

static void test_424_ntowfv2(void **state)
{
	(void)state;
	uint8_t nt[16], v2[16];
	assert_int_equal(ntlm_auth_ntowfv1(t_vec_str(common, "password"), nt), NTLM_OK);
	assert_int_equal(
		ntlm_auth_ntowfv2(nt, t_vec_str(common, "user"), t_vec_str(common, "domain"), v2),
		NTLM_OK);
	assert_vec(v424, "ntowfv2", v2, 16);
}

static void test_424_responses(void **state)
{
	(void)state;
	uint8_t v2[16], sc[8], cc[8], proof[16], sbk[16], lmv2[24];
	size_t temp_len, nt_len, ti_len;
	get(v424, "ntowfv2", v2, 16);
	get(common, "server_challenge", sc, 8);
	get(common, "client_challenge", cc, 8);
	uint8_t *temp = t_vec_bytes(v424, "temp", &temp_len);

	ntlm_auth_ntlmv2_response(v2, sc, temp, temp_len, proof, sbk);
	assert_vec(v424, "ntproofstr", proof, 16);
	assert_vec(v424, "session_base_key", sbk, 16);

	/* NtChallengeResponse = NTProofStr || temp */
	uint8_t *nt = t_vec_bytes(v424, "nt_response", &nt_len);
	assert_int_equal(nt_len, 16 + temp_len);
	assert_bytes_equal(nt, proof, 16);
	assert_bytes_equal(nt + 16, temp, temp_len);

	/* temp = 01 01 Z(6) Time CC Z(4) TargetInfo Z(4) */
	uint8_t *ti = t_vec_bytes(v424, "target_info", &ti_len);
	uint8_t time[8];
	get(common, "time", time, 8);
	assert_int_equal(temp_len, 28 + ti_len + 4);
	assert_hex_equal(temp, 8, "0101000000000000");
	assert_bytes_equal(temp + 8, time, 8);
	assert_bytes_equal(temp + 16, cc, 8);
	assert_hex_equal(temp + 24, 4, "00000000");
	assert_bytes_equal(temp + 28, ti, ti_len);
	assert_hex_equal(temp + 28 + ti_len, 4, "00000000");

	/* ... and TargetInfo is what the CHALLENGE_MESSAGE carries */
	size_t chal_len;
	uint8_t *chal = t_vec_bytes(v424, "challenge_message", &chal_len);
	struct ntlm_slice t = vec_secbuf(chal, chal_len, 40);
	assert_int_equal(t.len, ti_len);
	assert_bytes_equal(t.p, ti, ti_len);
	assert_bytes_equal(chal + 24, sc, 8);
	assert_int_equal(vec_rd32(chal + 20), vec_flags(v424, "challenge_flags"));

	ntlm_auth_lmv2_response(v2, sc, cc, lmv2); /* LMOWFv2 = NTOWFv2 */
	assert_vec(v424, "lmv2_response", lmv2, 24);

	free(chal);
	free(ti);
	free(nt);
	free(temp);
}

static void test_424_keys(void **state)
{
	(void)state;
	const uint32_t flags = vec_flags(v424, "authenticate_flags");
	uint8_t sbk[16], rsk[16], enc[16], key[16];
	assert_true(flags & NTLMSSP_NEGOTIATE_KEY_EXCH);
	get(v424, "session_base_key", sbk, 16);
	get(common, "random_session_key", rsk, 16);

	/* NTLMv2: KeyExchangeKey = SessionBaseKey */
	ntlm_auth_key_exchange(sbk, rsk, enc);
	assert_vec(v424, "encrypted_session_key", enc, 16);
	ntlm_auth_key_exchange(sbk, enc, key);
	assert_bytes_equal(key, rsk, 16);

	assert_int_equal(ntlm_session_sealkey(flags, rsk, true, key), 16);
	assert_vec(v424, "seal_key_client", key, 16);
	ntlm_session_signkey(rsk, true, key);
	assert_vec(v424, "sign_key_client", key, 16);
}

static void test_424_seal(void **state)
{
	(void)state;
	const uint32_t flags = vec_flags(v424, "authenticate_flags");
	uint8_t rsk[16], pt[18], ct[18], back[18], sig[16], mac[16], signkey[16], sealkey[16];
	struct ntlm_session c, s;
	get(common, "random_session_key", rsk, 16);
	get(common, "plaintext", pt, 18);

	ntlm_session_init(&c, flags, rsk, true);
	assert_int_equal(ntlm_session_seal(&c, pt, ct, 18, sig), NTLM_OK);
	assert_vec(v424, "sealed_data", ct, 18);
	assert_vec(v424, "signature", sig, 16);
	assert_vec(v424, "rc4_checksum", sig + 4, 8);

	/* the checksum before RC4, and RC4 continuing after the message */
	get(v424, "sign_key_client", signkey, 16);
	get(v424, "seal_key_client", sealkey, 16);
	const uint8_t seq0[4] = { 0 };
	struct ntlm_iov v[2] = { { seq0, 4 }, { pt, 18 } };
	ntlm_crypto_hmac_md5v(signkey, 16, v, 2, mac);
	assert_vec(v424, "hmac_checksum", mac, 8);
	struct ntlm_rc4 h;
	uint8_t tmp[18];
	ntlm_crypto_rc4_init(&h, sealkey, 16);
	ntlm_crypto_rc4(&h, pt, tmp, 18);
	assert_vec(v424, "sealed_data", tmp, 18);
	ntlm_crypto_rc4(&h, mac, tmp, 8);
	assert_vec(v424, "rc4_checksum", tmp, 8);
	ntlm_crypto_rc4_clear(&h);

	ntlm_session_init(&s, flags, rsk, false);
	assert_int_equal(ntlm_session_unseal(&s, ct, back, 18, sig), NTLM_OK);
	assert_bytes_equal(back, pt, 18);
	ntlm_session_clear(&c);
	ntlm_session_clear(&s);
}

/* ---- docs/vectors.md §5 --------------------------------------------------- */

static void test_extra_ess_keys(void **state)
{
	(void)state;
	const uint32_t ess = NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY;
	uint8_t rsk[16], key[16];
	get(common, "random_session_key", rsk, 16);
	const struct {
		uint32_t flags;
		bool c2s;
		const char *row;
	} rows[] = {
		{ ess | NTLMSSP_NEGOTIATE_128, true, "ess_seal_key_client_128" },
		{ ess | NTLMSSP_NEGOTIATE_128, false, "ess_seal_key_server_128" },
		/* 128 wins when both strength bits are set */
		{ ess | NTLMSSP_NEGOTIATE_128 | NTLMSSP_NEGOTIATE_56, true,
		  "ess_seal_key_client_128" },
		{ ess | NTLMSSP_NEGOTIATE_56, true, "ess_seal_key_client_56" },
		{ ess | NTLMSSP_NEGOTIATE_56, false, "ess_seal_key_server_56" },
		{ ess, true, "ess_seal_key_client_40" },
		{ ess, false, "ess_seal_key_server_40" },
		/* ESS wins over LM_KEY */
		{ ess | NTLMSSP_NEGOTIATE_LM_KEY, false, "ess_seal_key_server_40" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		assert_int_equal(ntlm_session_sealkey(rows[i].flags, rsk, rows[i].c2s, key), 16);
		assert_vec(extra, rows[i].row, key, 16);
	}
	ntlm_session_signkey(rsk, false, key);
	assert_vec(extra, "ess_sign_key_server", key, 16);
}

static void test_extra_lm_key_seal_keys(void **state)
{
	(void)state;
	uint8_t rsk[16], key[16];
	get(common, "random_session_key", rsk, 16);
	const struct {
		uint32_t flags;
		const char *row;
	} rows[] = {
		{ NTLMSSP_NEGOTIATE_LM_KEY | NTLMSSP_NEGOTIATE_56, "lmkey_seal_key_56" },
		{ NTLMSSP_NEGOTIATE_LM_KEY | NTLMSSP_NEGOTIATE_56 | NTLMSSP_NEGOTIATE_128,
		  "lmkey_seal_key_56" },
		{ NTLMSSP_NEGOTIATE_DATAGRAM | NTLMSSP_NEGOTIATE_56, "lmkey_seal_key_56" },
		{ NTLMSSP_NEGOTIATE_LM_KEY, "lmkey_seal_key_40" },
		{ NTLMSSP_NEGOTIATE_LM_KEY | NTLMSSP_NEGOTIATE_128, "lmkey_seal_key_40" },
		{ NTLMSSP_NEGOTIATE_DATAGRAM, "lmkey_seal_key_40" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		/* no direction without ESS */
		assert_int_equal(ntlm_session_sealkey(rows[i].flags, rsk, true, key), 8);
		assert_vec(extra, rows[i].row, key, 8);
		assert_int_equal(ntlm_session_sealkey(rows[i].flags, rsk, false, key), 8);
		assert_vec(extra, rows[i].row, key, 8);
	}
	/* neither ESS nor LM_KEY/DATAGRAM: the key itself */
	assert_int_equal(ntlm_session_sealkey(NTLMSSP_NEGOTIATE_56, rsk, false, key), 16);
	assert_bytes_equal(key, rsk, 16);
}

/* NTLMv2 wrap with SEAL|SIGN|ESS|128 and no KEY_EXCH. */
static void test_extra_no_key_exch(void **state)
{
	(void)state;
	const uint32_t flags = NTLMSSP_NEGOTIATE_SEAL | NTLMSSP_NEGOTIATE_SIGN |
			       NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY | NTLMSSP_NEGOTIATE_128;
	uint8_t rsk[16], pt[18], ct[18], sig[16], back[18];
	struct ntlm_session c, s;
	get(common, "random_session_key", rsk, 16);
	get(common, "plaintext", pt, 18);
	ntlm_session_init(&c, flags, rsk, true);
	assert_int_equal(ntlm_session_seal(&c, pt, ct, 18, sig), NTLM_OK);
	assert_vec(extra, "nokx_sealed_data", ct, 18);
	assert_vec(extra, "nokx_signature", sig, 16);
	assert_vec(v424, "hmac_checksum", sig + 4, 8); /* in clear */
	ntlm_session_init(&s, flags, rsk, false);
	assert_int_equal(ntlm_session_unseal(&s, ct, back, 18, sig), NTLM_OK);
	assert_bytes_equal(back, pt, 18);
	ntlm_session_clear(&c);
	ntlm_session_clear(&s);
}

/* Client->server 1st and 2nd and server->client 1st messages with the 4.2.4
 * flags, from real session objects; each side unseals the other's. */
static void test_extra_sequences(void **state)
{
	(void)state;
	const uint32_t flags = vec_flags(v424, "authenticate_flags");
	uint8_t rsk[16], pt[18], ct1[18], ct2[18], ct3[18], sig1[16], sig2[16], sig3[16];
	uint8_t back[18];
	struct ntlm_session c, s;
	get(common, "random_session_key", rsk, 16);
	get(common, "plaintext", pt, 18);

	ntlm_session_init(&c, flags, rsk, true);
	ntlm_session_init(&s, flags, rsk, false);
	assert_int_equal(ntlm_session_seal(&c, pt, ct1, 18, sig1), NTLM_OK);
	assert_vec(v424, "sealed_data", ct1, 18);
	assert_vec(v424, "signature", sig1, 16);
	assert_int_equal(ntlm_session_seal(&c, pt, ct2, 18, sig2), NTLM_OK);
	assert_vec(extra, "c2s_2nd_sealed_data", ct2, 18);
	assert_vec(extra, "c2s_2nd_signature", sig2, 16);
	assert_int_equal(ntlm_session_seal(&s, pt, ct3, 18, sig3), NTLM_OK);
	assert_vec(extra, "s2c_1st_sealed_data", ct3, 18);
	assert_vec(extra, "s2c_1st_signature", sig3, 16);

	assert_int_equal(ntlm_session_unseal(&s, ct1, back, 18, sig1), NTLM_OK);
	assert_bytes_equal(back, pt, 18);
	assert_int_equal(ntlm_session_unseal(&s, ct2, back, 18, sig2), NTLM_OK);
	assert_bytes_equal(back, pt, 18);
	assert_int_equal(ntlm_session_unseal(&c, ct3, back, 18, sig3), NTLM_OK);
	assert_bytes_equal(back, pt, 18);

	/* the server keys behind s2c_1st */
	uint8_t key[16];
	assert_int_equal(ntlm_session_sealkey(flags, rsk, false, key), 16);
	assert_vec(extra, "ess_seal_key_server_128", key, 16);
	ntlm_session_clear(&c);
	ntlm_session_clear(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_424_ntowfv2),
		cmocka_unit_test(test_424_responses),
		cmocka_unit_test(test_424_keys),
		cmocka_unit_test(test_424_seal),
		cmocka_unit_test(test_extra_ess_keys),
		cmocka_unit_test(test_extra_lm_key_seal_keys),
		cmocka_unit_test(test_extra_no_key_exch),
		cmocka_unit_test(test_extra_sequences),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
