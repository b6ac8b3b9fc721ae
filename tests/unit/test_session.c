/* SPDX-License-Identifier: MIT */
/* session: seal/unseal and sign/verify properties in every mode, tamper and
 * replay detection, state left unchanged by failures, flag errors. The
 * MS-NLMP 4.2 and extra vectors are in tests/vectors. */
#include <stdio.h>
#include <string.h>

#include "testutil.h"
#include "crypto/crypto.h"
#include "session/session.h"
#include "wire/wire.h"

#define SIGN NTLMSSP_NEGOTIATE_SIGN
#define SEAL NTLMSSP_NEGOTIATE_SEAL
#define ESS NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY
#define KX NTLMSSP_NEGOTIATE_KEY_EXCH
#define LMK NTLMSSP_NEGOTIATE_LM_KEY
#define F128 NTLMSSP_NEGOTIATE_128
#define F56 NTLMSSP_NEGOTIATE_56
#define ALWAYS NTLMSSP_NEGOTIATE_ALWAYS_SIGN

/* Every sealing mode: ESS 128/56/40 with and without KEY_EXCH, legacy
 * 128/56/40 with and without LM_KEY (with KEY_EXCH bits sprinkled in: they
 * only matter for ESS). */
static const uint32_t modes[] = {
	SIGN | SEAL | ESS | F128 | KX,
	SIGN | SEAL | ESS | F56 | KX,
	SIGN | SEAL | ESS | KX,
	SIGN | SEAL | ESS | F128,
	SIGN | SEAL | ESS | F56,
	SIGN | SEAL | ESS,
	SIGN | SEAL | F128 | KX,
	SIGN | SEAL | F56,
	SIGN | SEAL,
	SIGN | SEAL | LMK | F128 | KX,
	SIGN | SEAL | LMK | F56,
	SIGN | SEAL | LMK,
	SEAL | ESS | F128 | KX, /* SEAL alone implies signing */
	SEAL | LMK | F56,
};

static const uint8_t key[16] = { 0x01, 0x12, 0x23, 0x34, 0x45, 0x56, 0x67, 0x78,
				 0x89, 0x9a, 0xab, 0xbc, 0xcd, 0xde, 0xef, 0xf0 };

static void pair(uint32_t flags, struct ntlm_session *c, struct ntlm_session *s)
{
	ntlm_session_init(c, flags, key, true);
	ntlm_session_init(s, flags, key, false);
}

static void fill(uint8_t *p, size_t n, unsigned salt)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 31u + salt * 7u + 1u);
}

#define MAXLEN 300

/* One message from `from` to `to`: seal/unseal, or sign/verify. */
static void one(struct ntlm_session *from, struct ntlm_session *to, size_t len, unsigned salt,
		bool seal, bool in_place)
{
	uint8_t pt[MAXLEN], ct[MAXLEN], back[MAXLEN], sig[16];
	fill(pt, len, salt);
	if (seal) {
		if (in_place) {
			memcpy(ct, pt, len);
			assert_int_equal(ntlm_session_seal(from, ct, ct, len, sig), NTLM_OK);
		} else {
			assert_int_equal(ntlm_session_seal(from, pt, ct, len, sig), NTLM_OK);
		}
		if (len >= 8) /* RC4 changed the data */
			assert_false(memcmp(ct, pt, len) == 0);
		if (in_place) {
			assert_int_equal(ntlm_session_unseal(to, ct, ct, len, sig), NTLM_OK);
			assert_bytes_equal(ct, pt, len);
		} else {
			assert_int_equal(ntlm_session_unseal(to, ct, back, len, sig), NTLM_OK);
			assert_bytes_equal(back, pt, len);
		}
	} else {
		assert_int_equal(ntlm_session_sign(from, pt, len, sig), NTLM_OK);
		assert_int_equal(ntlm_session_verify(to, pt, len, sig), NTLM_OK);
	}
	assert_int_equal(sig[0], 1);
}

/* unseal(seal(m)) == m for every length 0..300 in both directions, many
 * messages in a row, mixing seal and sign on the same streams. */
static void test_round_trip_all_modes(void **state)
{
	(void)state;
	struct ntlm_session c, s;
	for (size_t m = 0; m < ARRAY_SIZE(modes); m++) {
		pair(modes[m], &c, &s);
		for (size_t len = 0; len <= MAXLEN; len++) {
			one(&c, &s, len, (unsigned)len, true, len % 5 == 1);
			one(&s, &c, len, (unsigned)len + 1000, true, len % 7 == 3);
			if (len % 3 == 0) {
				one(&c, &s, len, (unsigned)len + 2000, false, false);
				one(&s, &c, len, (unsigned)len + 3000, false, false);
			}
		}
		/* both sides counted the same messages; without ESS one counter
		 * (and one RC4 stream) serves both directions */
		assert_int_equal(c.send.seq, ntlm_session_rx(&s)->seq);
		assert_int_equal(s.send.seq, ntlm_session_rx(&c)->seq);
		if (modes[m] & ESS)
			assert_int_equal(c.send.seq, 301 + 101);
		else
			assert_int_equal(c.send.seq, 2 * (301 + 101));
		ntlm_session_clear(&c);
		ntlm_session_clear(&s);
	}
}

/* Sign-only sessions (SIGN without SEAL), ESS and legacy. */
static void test_sign_only(void **state)
{
	(void)state;
	const uint32_t f[] = { SIGN | ESS | F128 | KX, SIGN | ESS, SIGN, SIGN | LMK | F56 };
	struct ntlm_session c, s;
	uint8_t buf[4] = { 1, 2, 3, 4 }, sig[16];
	for (size_t i = 0; i < ARRAY_SIZE(f); i++) {
		pair(f[i], &c, &s);
		for (size_t len = 0; len < 64; len++) {
			one(&c, &s, len, (unsigned)len, false, false);
			one(&s, &c, len, (unsigned)len, false, false);
		}
		assert_int_equal(ntlm_session_seal(&c, buf, buf, 4, sig), NTLM_E_NOT_NEGOTIATED);
		assert_int_equal(ntlm_session_unseal(&s, buf, buf, 4, sig), NTLM_E_NOT_NEGOTIATED);
		ntlm_session_clear(&c);
		ntlm_session_clear(&s);
	}
}

/* Flipping any single bit of the signature or of the sealed data fails and
 * leaves the receiving session byte-for-byte as it was; the genuine message
 * still unseals afterwards. */
static void test_every_bit_flip(void **state)
{
	(void)state;
	enum { LEN = 37 };
	struct ntlm_session c, s, before;
	uint8_t pt[LEN], ct[LEN], bad[LEN], out[LEN], sig[16], badsig[16];

	for (size_t m = 0; m < ARRAY_SIZE(modes); m++) {
		pair(modes[m], &c, &s);
		/* move both streams along a little first */
		one(&c, &s, 5, 1, true, false);
		fill(pt, LEN, (unsigned)m);
		assert_int_equal(ntlm_session_seal(&c, pt, ct, LEN, sig), NTLM_OK);
		memcpy(&before, &s, sizeof(s));

		for (size_t bit = 0; bit < 128; bit++) {
			memcpy(badsig, sig, 16);
			badsig[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			ntlm_status st = ntlm_session_unseal(&s, ct, out, LEN, badsig);
			if (st == NTLM_OK)
				fail_msg("mode %zu: signature bit %zu flipped, accepted", m, bit);
			assert_true(st == NTLM_E_MESSAGE_ALTERED || st == NTLM_E_OUT_OF_SEQUENCE);
			assert_true(memcmp(&before, &s, sizeof(s)) == 0);
			for (size_t i = 0; i < LEN; i++) /* no unauthenticated plaintext */
				assert_int_equal(out[i], 0);
		}
		for (size_t bit = 0; bit < LEN * 8; bit++) {
			memcpy(bad, ct, LEN);
			bad[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			ntlm_status st = ntlm_session_unseal(&s, bad, out, LEN, sig);
			if (st == NTLM_OK)
				fail_msg("mode %zu: data bit %zu flipped, still accepted", m, bit);
			assert_int_equal(st, NTLM_E_MESSAGE_ALTERED);
			assert_true(memcmp(&before, &s, sizeof(s)) == 0);
		}
		assert_int_equal(ntlm_session_unseal(&s, ct, out, LEN, sig), NTLM_OK);
		assert_bytes_equal(out, pt, LEN);
		/* and the session goes on */
		one(&c, &s, 12, 9, true, false);
		one(&s, &c, 12, 9, true, false);

		/* the same for sign/verify: flip the message or the signature */
		assert_int_equal(ntlm_session_sign(&c, pt, LEN, sig), NTLM_OK);
		memcpy(&before, &s, sizeof(s));
		for (size_t bit = 0; bit < 128; bit++) {
			memcpy(badsig, sig, 16);
			badsig[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			assert_int_not_equal(ntlm_session_verify(&s, pt, LEN, badsig), NTLM_OK);
			assert_true(memcmp(&before, &s, sizeof(s)) == 0);
		}
		for (size_t bit = 0; bit < LEN * 8; bit++) {
			memcpy(bad, pt, LEN);
			bad[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			assert_int_equal(ntlm_session_verify(&s, bad, LEN, sig),
					 NTLM_E_MESSAGE_ALTERED);
			assert_true(memcmp(&before, &s, sizeof(s)) == 0);
		}
		/* a truncated or extended message */
		assert_int_not_equal(ntlm_session_verify(&s, pt, LEN - 1, sig), NTLM_OK);
		assert_int_equal(ntlm_session_verify(&s, pt, LEN, sig), NTLM_OK);
		ntlm_session_clear(&c);
		ntlm_session_clear(&s);
	}
}

/* A replayed message is out of sequence (ESS: the SeqNum field is clear). */
static void test_replay_ess(void **state)
{
	(void)state;
	const uint32_t f[] = { SIGN | SEAL | ESS | F128 | KX, SIGN | SEAL | ESS | F56 };
	struct ntlm_session c, s;
	uint8_t m1[10], c1[10], c2[10], out[10], sig1[16], sig2[16];

	for (size_t i = 0; i < ARRAY_SIZE(f); i++) {
		pair(f[i], &c, &s);
		fill(m1, 10, 1);
		assert_int_equal(ntlm_session_seal(&c, m1, c1, 10, sig1), NTLM_OK);
		assert_int_equal(ntlm_session_seal(&c, m1, c2, 10, sig2), NTLM_OK);
		assert_false(memcmp(c1, c2, 10) == 0); /* same plaintext, new keystream */

		/* reordered: the second message first */
		assert_int_equal(ntlm_session_unseal(&s, c2, out, 10, sig2),
				 NTLM_E_OUT_OF_SEQUENCE);
		assert_int_equal(ntlm_session_unseal(&s, c1, out, 10, sig1), NTLM_OK);
		/* replayed */
		assert_int_equal(ntlm_session_unseal(&s, c1, out, 10, sig1),
				 NTLM_E_OUT_OF_SEQUENCE);
		assert_int_equal(ntlm_session_unseal(&s, c2, out, 10, sig2), NTLM_OK);
		assert_bytes_equal(out, m1, 10);

		/* the same for signatures */
		assert_int_equal(ntlm_session_sign(&c, m1, 10, sig1), NTLM_OK);
		assert_int_equal(ntlm_session_sign(&c, m1, 10, sig2), NTLM_OK);
		assert_int_equal(sig1[12], 2);
		assert_int_equal(sig2[12], 3);
		assert_int_equal(ntlm_session_verify(&s, m1, 10, sig2), NTLM_E_OUT_OF_SEQUENCE);
		assert_int_equal(ntlm_session_verify(&s, m1, 10, sig1), NTLM_OK);
		assert_int_equal(ntlm_session_verify(&s, m1, 10, sig1), NTLM_E_OUT_OF_SEQUENCE);
		assert_int_equal(ntlm_session_verify(&s, m1, 10, sig2), NTLM_OK);

		/* a message from the wrong direction (the receiver's own) fails */
		assert_int_equal(ntlm_session_seal(&s, m1, c1, 10, sig1), NTLM_OK);
		assert_int_not_equal(ntlm_session_unseal(&s, c1, out, 10, sig1), NTLM_OK);
		ntlm_session_clear(&c);
		ntlm_session_clear(&s);
	}
}

/* Legacy (CRC32) form: replay and reordering fail too; the SeqNum field is
 * encrypted, so a message from another keystream position reads as out of
 * sequence. */
static void test_replay_legacy(void **state)
{
	(void)state;
	const uint32_t f[] = {
		SIGN | SEAL | F128 | KX,
		SIGN | SEAL | LMK | F56,
		SIGN | SEAL | LMK,
	};
	struct ntlm_session c, s;
	uint8_t m1[10], c1[10], c2[10], out[10], sig1[16], sig2[16];

	for (size_t i = 0; i < ARRAY_SIZE(f); i++) {
		pair(f[i], &c, &s);
		fill(m1, 10, 1);
		assert_int_equal(ntlm_session_seal(&c, m1, c1, 10, sig1), NTLM_OK);
		assert_int_equal(ntlm_session_seal(&c, m1, c2, 10, sig2), NTLM_OK);
		assert_int_equal(ntlm_session_unseal(&s, c2, out, 10, sig2),
				 NTLM_E_OUT_OF_SEQUENCE);
		assert_int_equal(ntlm_session_unseal(&s, c1, out, 10, sig1), NTLM_OK);
		assert_int_equal(ntlm_session_unseal(&s, c1, out, 10, sig1),
				 NTLM_E_OUT_OF_SEQUENCE);
		assert_int_equal(ntlm_session_unseal(&s, c2, out, 10, sig2), NTLM_OK);
		assert_bytes_equal(out, m1, 10);
		/* RandomPad is always zero in what we emit */
		assert_int_equal(sig1[4] | sig1[5] | sig1[6] | sig1[7], 0);

		assert_int_equal(ntlm_session_sign(&c, m1, 10, sig1), NTLM_OK);
		assert_int_equal(ntlm_session_verify(&s, m1, 10, sig1), NTLM_OK);
		assert_int_equal(ntlm_session_verify(&s, m1, 10, sig1), NTLM_E_OUT_OF_SEQUENCE);
		ntlm_session_clear(&c);
		ntlm_session_clear(&s);
	}
}

/* 3.4.4.3: ALWAYS_SIGN without SIGN/SEAL gives the dummy signature. */
static void test_always_sign_dummy(void **state)
{
	(void)state;
	struct ntlm_session c, s;
	uint8_t sig[16], other[16] = { 1 }, buf[3] = { 1, 2, 3 };

	pair(ALWAYS | ESS | F128 | KX, &c, &s);
	memset(sig, 0xee, sizeof(sig));
	assert_int_equal(ntlm_session_sign(&c, buf, 3, sig), NTLM_OK);
	assert_hex_equal(sig, 16, "01000000000000000000000000000000");
	assert_int_equal(ntlm_session_sign(&c, NULL, 0, sig), NTLM_OK);
	assert_hex_equal(sig, 16, "01000000000000000000000000000000");
	assert_int_equal(ntlm_session_verify(&s, buf, 3, sig), NTLM_OK);
	assert_int_equal(ntlm_session_verify(&s, buf, 3, sig), NTLM_OK); /* no sequence */
	for (size_t bit = 0; bit < 128; bit++) {
		memcpy(other, sig, 16);
		other[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		assert_int_equal(ntlm_session_verify(&s, buf, 3, other), NTLM_E_MESSAGE_ALTERED);
	}
	assert_int_equal(ntlm_session_seal(&c, buf, buf, 3, sig), NTLM_E_NOT_NEGOTIATED);
	assert_int_equal(ntlm_session_unseal(&s, buf, buf, 3, sig), NTLM_E_NOT_NEGOTIATED);
	ntlm_session_clear(&c);
	ntlm_session_clear(&s);
}

static void test_not_negotiated(void **state)
{
	(void)state;
	struct ntlm_session c;
	uint8_t sig[16] = { 1 }, buf[3] = { 1, 2, 3 };
	const uint32_t f[] = { 0, ESS | F128 | KX, LMK | F56, NTLMSSP_NEGOTIATE_UNICODE };

	for (size_t i = 0; i < ARRAY_SIZE(f); i++) {
		ntlm_session_init(&c, f[i], key, true);
		assert_int_equal(ntlm_session_sign(&c, buf, 3, sig), NTLM_E_NOT_NEGOTIATED);
		assert_int_equal(ntlm_session_verify(&c, buf, 3, sig), NTLM_E_NOT_NEGOTIATED);
		assert_int_equal(ntlm_session_seal(&c, buf, buf, 3, sig), NTLM_E_NOT_NEGOTIATED);
		assert_int_equal(ntlm_session_unseal(&c, buf, buf, 3, sig), NTLM_E_NOT_NEGOTIATED);
		assert_hex_equal(buf, 3, "010203"); /* nothing touched */
		ntlm_session_clear(&c);
	}
}

static void test_invalid_arguments(void **state)
{
	(void)state;
	struct ntlm_session c;
	uint8_t sig[16], buf[3] = { 0 };
	ntlm_session_init(&c, SIGN | SEAL | ESS | F128, key, true);
	assert_int_equal(ntlm_session_sign(&c, NULL, 3, sig), NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(ntlm_session_sign(&c, buf, 3, NULL), NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(ntlm_session_seal(&c, NULL, buf, 3, sig), NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(ntlm_session_unseal(&c, buf, NULL, 3, sig), NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(c.send.seq, 0);
	/* empty messages are fine */
	assert_int_equal(ntlm_session_sign(&c, NULL, 0, sig), NTLM_OK);
	assert_int_equal(ntlm_session_seal(&c, NULL, NULL, 0, sig), NTLM_OK);
	assert_int_equal(c.send.seq, 2);
	ntlm_session_clear(&c);
}

/* Direction keys: the client's send keys are the server's receive keys, and
 * the two directions differ with ESS. Without ESS the seal key is shared but
 * each direction has its own RC4 handle. */
static void test_directions(void **state)
{
	(void)state;
	struct ntlm_session c, s;
	uint8_t zero[16] = { 0 };

	pair(SIGN | SEAL | ESS | F128 | KX, &c, &s);
	assert_bytes_equal(c.send.sign_key, s.recv.sign_key, 16);
	assert_bytes_equal(c.recv.sign_key, s.send.sign_key, 16);
	assert_false(memcmp(c.send.sign_key, c.recv.sign_key, 16) == 0);
	assert_true(memcmp(&c.send.seal, &s.recv.seal, sizeof(c.send.seal)) == 0);
	assert_false(memcmp(&c.send.seal, &c.recv.seal, sizeof(c.send.seal)) == 0);
	ntlm_session_clear(&c);
	ntlm_session_clear(&s);

	pair(SIGN | SEAL | LMK | F56, &c, &s);
	assert_bytes_equal(c.send.sign_key, zero, 16); /* no SIGNKEY without ESS */
	assert_true(memcmp(&c.send.seal, &c.recv.seal, sizeof(c.send.seal)) == 0);
	/* separate handles: sending does not move the receive stream */
	uint8_t m[8] = { 0 }, sig[16];
	assert_int_equal(ntlm_session_seal(&c, m, m, 8, sig), NTLM_OK);
	assert_false(memcmp(&c.send.seal, &c.recv.seal, sizeof(c.send.seal)) == 0);
	ntlm_session_clear(&c);
	ntlm_session_clear(&s);
}

static void test_clear_wipes(void **state)
{
	(void)state;
	struct ntlm_session c;
	ntlm_session_init(&c, SIGN | SEAL | ESS | F128 | KX, key, true);
	ntlm_session_clear(&c);
	const uint8_t *p = (const uint8_t *)&c;
	for (size_t i = 0; i < sizeof(c); i++)
		assert_int_equal(p[i], 0);
	ntlm_session_clear(NULL);
}

/* ntlm_session_key_bits decides the key strength; ntlm_session_sealkey
 * follows it (8-byte legacy keys with LM_KEY or DATAGRAM, MS-NLMP 3.4.5.3). */
static void test_key_bits(void **state)
{
	(void)state;
	static const struct {
		uint32_t flags;
		unsigned bits;
		size_t key_len;
	} cases[] = {
		{ ESS | F128, 128, 16 },
		{ ESS | F128 | F56, 128, 16 },
		{ ESS | F56, 56, 16 },
		{ ESS, 40, 16 },
		{ ESS | LMK | F56, 56, 16 }, /* ESS wins over LM_KEY */
		{ F128, 128, 16 },
		{ F56, 128, 16 },
		{ 0, 128, 16 },
		{ LMK | F128, 40, 8 },
		{ LMK | F128 | F56, 56, 8 },
		{ LMK | F56, 56, 8 },
		{ LMK, 40, 8 },
		{ NTLMSSP_NEGOTIATE_DATAGRAM | F128, 40, 8 },
		{ NTLMSSP_NEGOTIATE_DATAGRAM | F56, 56, 8 },
		{ NTLMSSP_NEGOTIATE_DATAGRAM | F128 | F56, 56, 8 },
		{ NTLMSSP_NEGOTIATE_DATAGRAM | ESS | F128, 128, 16 },
	};
	uint8_t k[16], out[16];

	for (size_t i = 0; i < 16; i++)
		k[i] = (uint8_t)(0x10 + i);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(ntlm_session_key_bits(cases[i].flags), cases[i].bits);
		size_t n = ntlm_session_sealkey(cases[i].flags, k, true, out);
		assert_int_equal(n, cases[i].key_len);
		if (n == 8) {
			/* 56 bits: key[0..6] || A0; 40 bits: key[0..4] || E5 38 B0 */
			assert_memory_equal(out, k, cases[i].bits == 56 ? 7 : 5);
			assert_int_equal(out[7], cases[i].bits == 56 ? 0xa0 : 0xb0);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_all_modes),
		cmocka_unit_test(test_key_bits),
		cmocka_unit_test(test_sign_only),
		cmocka_unit_test(test_every_bit_flip),
		cmocka_unit_test(test_replay_ess),
		cmocka_unit_test(test_replay_legacy),
		cmocka_unit_test(test_always_sign_dummy),
		cmocka_unit_test(test_not_negotiated),
		cmocka_unit_test(test_invalid_arguments),
		cmocka_unit_test(test_directions),
		cmocka_unit_test(test_clear_wipes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
