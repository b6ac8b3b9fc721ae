/* SPDX-License-Identifier: MIT */
/* MS-NLMP 4.2.1 common values, 4.2.2 NTLMv1 and 4.2.3 NTLMv1 with extended
 * session security: every auth/session row of msnlmp-4.2.{1,2,3}-*.vec. */
#include "vecutil.h"

#include "auth/auth.h"
#include "crypto/crypto.h"
#include "session/session.h"
#include "text/text.h"
#include "wire/wire.h"

static struct t_vec *common, *v422, *v423;

static int setup(void **state)
{
	(void)state;
	common = vec_load("msnlmp-4.2.1-common.vec");
	v422 = vec_load("msnlmp-4.2.2-ntlmv1.vec");
	v423 = vec_load("msnlmp-4.2.3-ntlmv1-ess.vec");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	t_vec_free(common);
	t_vec_free(v422);
	t_vec_free(v423);
	return 0;
}

static void get(const struct t_vec *v, const char *name, uint8_t *out, size_t n)
{
	t_vec_get(v, name, out, n);
}

/* ---- 4.2.1 ------------------------------------------------------------ */

static void utf16_row(const char *text_row, const char *bytes_row)
{
	uint8_t *u;
	size_t n;
	assert_int_equal(ntlm_text_utf8_to_utf16le(t_vec_str(common, text_row), &u, &n), NTLM_OK);
	assert_vec(common, bytes_row, u, n);
	ntlm_text_free_secret(u, n);
}

/* The text inputs, converted as the auth functions convert them. */
static void test_421_common_strings(void **state)
{
	(void)state;
	utf16_row("user", "user_utf16");
	utf16_row("domain", "domain_utf16");
	utf16_row("password", "password_utf16");
	utf16_row("server", "server_utf16");
	utf16_row("workstation", "workstation_utf16");

	/* the LMOWFv1 key input: upper-cased, OEM, NUL-padded to 14 */
	char *up;
	uint8_t *oem, padded[14] = { 0 };
	size_t n;
	assert_int_equal(ntlm_text_upper(t_vec_str(common, "password"), &up), NTLM_OK);
	assert_int_equal(ntlm_text_utf8_to_oem(up, &oem, &n), NTLM_OK);
	assert_true(n <= 14);
	memcpy(padded, oem, n);
	assert_vec(common, "password_oem_upper", padded, 14);
	ntlm_text_free_secret(oem, n);
	ntlm_text_free_secret(up, strlen(up));

	/* "Plaintext" in UTF-16LE is the wrap input */
	uint8_t *pt;
	assert_int_equal(ntlm_text_utf8_to_utf16le("Plaintext", &pt, &n), NTLM_OK);
	assert_vec(common, "plaintext", pt, n);
	ntlm_text_free_secret(pt, n);

	/* the challenge messages carry ServerChallenge at 24 and flags at 20 */
	uint8_t sc[8];
	get(common, "server_challenge", sc, 8);
	const struct t_vec *sect[2] = { v422, v423 };
	for (int i = 0; i < 2; i++) {
		size_t len;
		uint8_t *m = t_vec_bytes(sect[i], "challenge_message", &len);
		assert_true(len >= 32);
		assert_bytes_equal(m + 24, sc, 8);
		assert_int_equal(vec_rd32(m + 20), vec_flags(sect[i], "challenge_flags"));
		free(m);
		m = t_vec_bytes(sect[i], "authenticate_message", &len);
		assert_int_equal(vec_rd32(m + 60), vec_flags(sect[i], "authenticate_flags"));
		free(m);
	}
}

/* ---- 4.2.2 NTLMv1 ------------------------------------------------------- */

static void test_422_owf(void **state)
{
	(void)state;
	uint8_t lm[16], nt[16], sbk[16];
	assert_int_equal(ntlm_auth_lmowfv1(t_vec_str(common, "password"), lm), NTLM_OK);
	assert_vec(v422, "lmowfv1", lm, 16);
	assert_int_equal(ntlm_auth_ntowfv1(t_vec_str(common, "password"), nt), NTLM_OK);
	assert_vec(v422, "ntowfv1", nt, 16);
	ntlm_auth_session_base_key_v1(nt, sbk);
	assert_vec(v422, "session_base_key", sbk, 16);
}

static void test_422_responses(void **state)
{
	(void)state;
	uint8_t lm[16], nt[16], sc[8], resp[24];
	get(v422, "lmowfv1", lm, 16);
	get(v422, "ntowfv1", nt, 16);
	get(common, "server_challenge", sc, 8);
	ntlm_auth_ntlmv1_response(nt, sc, resp);
	assert_vec(v422, "nt_response", resp, 24);
	ntlm_auth_ntlmv1_response(lm, sc, resp);
	assert_vec(v422, "lm_response", resp, 24);
}

/* The three KXKEY variants of 3.4.5.1 and their EncryptedRandomSessionKeys. */
static void test_422_kxkey(void **state)
{
	(void)state;
	uint8_t lm[16], sbk[16], lmresp[24], sc[8], rsk[16], k[16], enc[16], dec[16];
	const uint32_t flags = vec_flags(v422, "authenticate_flags");
	get(v422, "lmowfv1", lm, 16);
	get(v422, "session_base_key", sbk, 16);
	get(v422, "lm_response", lmresp, 24);
	get(common, "server_challenge", sc, 8);
	get(common, "random_session_key", rsk, 16);
	assert_false(flags & (NTLMSSP_NEGOTIATE_LM_KEY | NTLMSSP_REQUEST_NON_NT_SESSION_KEY |
			      NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY));

	const struct {
		uint32_t extra;
		const char *kx, *enc;
	} rows[] = {
		{ 0, "kxkey", "encrypted_session_key" },
		{ NTLMSSP_REQUEST_NON_NT_SESSION_KEY, "kxkey_non_nt_session_key",
		  "encrypted_session_key_non_nt" },
		{ NTLMSSP_NEGOTIATE_LM_KEY, "kxkey_lm_key", "encrypted_session_key_lm_key" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		ntlm_auth_kxkey_v1(flags | rows[i].extra, sbk, lm, lmresp, sc, k);
		assert_vec(v422, rows[i].kx, k, 16);
		ntlm_auth_key_exchange(k, rsk, enc);
		assert_vec(v422, rows[i].enc, enc, 16);
		ntlm_auth_key_exchange(k, enc, dec); /* the server's side */
		assert_bytes_equal(dec, rsk, 16);
	}
}

/* 4.2.2.4 GSS_WrapEx without ESS. */
static void test_422_seal(void **state)
{
	(void)state;
	const uint32_t flags = vec_flags(v422, "authenticate_flags");
	uint8_t rsk[16], pt[18], ct[18], sig[16], back[18];
	struct ntlm_session c, s;
	get(common, "random_session_key", rsk, 16);
	get(common, "plaintext", pt, 18);

	/* no ESS, no LM_KEY/DATAGRAM: SealKey = ExportedSessionKey */
	uint8_t sealkey[16];
	assert_int_equal(ntlm_session_sealkey(flags, rsk, true, sealkey), 16);
	assert_bytes_equal(sealkey, rsk, 16);

	ntlm_session_init(&c, flags, rsk, true);
	assert_int_equal(ntlm_session_seal(&c, pt, ct, sizeof(pt), sig), NTLM_OK);
	assert_vec(v422, "sealed_data", ct, 18);
	assert_vec(v422, "signature", sig, 16);
	uint8_t printed[16];
	get(v422, "signature_as_printed", printed, 16);
	assert_false(memcmp(sig, printed, 16) == 0); /* pitfall 1: RandomPad zeroed */

	ntlm_session_init(&s, flags, rsk, false);
	assert_int_equal(ntlm_session_unseal(&s, ct, back, sizeof(ct), sig), NTLM_OK);
	assert_bytes_equal(back, pt, 18);
	/* the printed form is not what we accept: RandomPad must be 0 */
	ntlm_session_init(&s, flags, rsk, false);
	assert_int_equal(ntlm_session_unseal(&s, ct, back, sizeof(ct), printed),
			 NTLM_E_MESSAGE_ALTERED);
	ntlm_session_clear(&c);
	ntlm_session_clear(&s);
}

/* The pieces of 4.2.2.4, one RC4 step at a time on the 0x55 key. */
static void test_422_seal_pieces(void **state)
{
	(void)state;
	uint8_t rsk[16], pt[18], ct[18], crc[4], b[4];
	struct ntlm_rc4 h;
	get(common, "random_session_key", rsk, 16);
	get(common, "plaintext", pt, 18);

	uint32_t c = ntlm_crypto_crc32(pt, sizeof(pt));
	crc[0] = (uint8_t)c;
	crc[1] = (uint8_t)(c >> 8);
	crc[2] = (uint8_t)(c >> 16);
	crc[3] = (uint8_t)(c >> 24);
	assert_vec(v422, "crc32_plaintext", crc, 4);

	ntlm_crypto_rc4_init(&h, rsk, 16);
	ntlm_crypto_rc4(&h, pt, ct, sizeof(pt));
	assert_vec(v422, "sealed_data", ct, 18);
	memset(b, 0, 4);
	ntlm_crypto_rc4(&h, b, b, 4);
	assert_vec(v422, "rc4_random_pad", b, 4);
	ntlm_crypto_rc4(&h, crc, b, 4);
	assert_vec(v422, "rc4_checksum", b, 4);
	memset(b, 0, 4);
	ntlm_crypto_rc4(&h, b, b, 4); /* XOR SeqNum 0 */
	assert_vec(v422, "rc4_seqnum", b, 4);
	ntlm_crypto_rc4_clear(&h);

	/* the two signature forms are these pieces, with and without the pad */
	uint8_t sig[16], printed[16], pad[4];
	get(v422, "signature", sig, 16);
	get(v422, "signature_as_printed", printed, 16);
	get(v422, "rc4_random_pad", pad, 4);
	assert_hex_equal(sig, 8, "0100000000000000");
	assert_bytes_equal(printed + 4, pad, 4);
	assert_bytes_equal(sig + 8, printed + 8, 8);
	assert_vec(v422, "rc4_checksum", sig + 8, 4);
	assert_vec(v422, "rc4_seqnum", sig + 12, 4);
}

/* ---- 4.2.3 NTLMv1 with client challenge (ESS) --------------------------- */

static void test_423_keys(void **state)
{
	(void)state;
	const uint32_t flags = vec_flags(v423, "authenticate_flags");
	uint8_t nt[16], sbk[16], sc[8], cc[8], ntr[24], lmr[24], k[16], key[16];
	assert_true(flags & NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY);
	assert_false(flags & NTLMSSP_NEGOTIATE_KEY_EXCH);

	assert_int_equal(ntlm_auth_ntowfv1(t_vec_str(common, "password"), nt), NTLM_OK);
	assert_vec(v423, "ntowfv1", nt, 16);
	ntlm_auth_session_base_key_v1(nt, sbk);
	assert_vec(v423, "session_base_key", sbk, 16);
	get(common, "server_challenge", sc, 8);
	get(common, "client_challenge", cc, 8);
	ntlm_auth_ess_response(nt, sc, cc, ntr, lmr);
	assert_vec(v423, "nt_response", ntr, 24);
	assert_vec(v423, "lm_response", lmr, 24);
	ntlm_auth_kxkey_v1(flags, sbk, NULL, lmr, sc, k);
	assert_vec(v423, "kxkey", k, 16);
	/* ESS wins even if LM_KEY were also set */
	uint8_t lm[16];
	assert_int_equal(ntlm_auth_lmowfv1(t_vec_str(common, "password"), lm), NTLM_OK);
	ntlm_auth_kxkey_v1(flags | NTLMSSP_NEGOTIATE_LM_KEY, sbk, lm, lmr, sc, k);
	assert_vec(v423, "kxkey", k, 16);

	/* no KEY_EXCH: ExportedSessionKey = KeyExchangeKey (pitfall 3); 56-bit */
	assert_int_equal(ntlm_session_sealkey(flags, k, true, key), 16);
	assert_vec(v423, "seal_key_client_56", key, 16);
	ntlm_session_signkey(k, true, key);
	assert_vec(v423, "sign_key_client", key, 16);
}

static void test_423_seal(void **state)
{
	(void)state;
	const uint32_t flags = vec_flags(v423, "authenticate_flags");
	uint8_t k[16], pt[18], ct[18], back[18], sig[16], mac[16], signkey[16];
	struct ntlm_session c, s;
	get(v423, "kxkey", k, 16);
	get(common, "plaintext", pt, 18);

	ntlm_session_init(&c, flags, k, true);
	assert_int_equal(ntlm_session_seal(&c, pt, ct, 18, sig), NTLM_OK);
	assert_vec(v423, "sealed_data", ct, 18);
	assert_vec(v423, "signature", sig, 16);
	/* pitfall 2: the checksum is the HMAC prefix in clear */
	assert_vec(v423, "hmac_checksum", sig + 4, 8);
	get(v423, "sign_key_client", signkey, 16);
	const uint8_t seq0[4] = { 0 };
	struct ntlm_iov v[2] = { { seq0, 4 }, { pt, 18 } };
	ntlm_crypto_hmac_md5v(signkey, 16, v, 2, mac);
	assert_vec(v423, "hmac_checksum", mac, 8);

	ntlm_session_init(&s, flags, k, false);
	assert_int_equal(ntlm_session_unseal(&s, ct, back, 18, sig), NTLM_OK);
	assert_bytes_equal(back, pt, 18);
	ntlm_session_clear(&c);
	ntlm_session_clear(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_421_common_strings), cmocka_unit_test(test_422_owf),
		cmocka_unit_test(test_422_responses),	   cmocka_unit_test(test_422_kxkey),
		cmocka_unit_test(test_422_seal),	   cmocka_unit_test(test_422_seal_pieces),
		cmocka_unit_test(test_423_keys),	   cmocka_unit_test(test_423_seal),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
