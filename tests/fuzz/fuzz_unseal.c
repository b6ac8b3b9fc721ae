/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: ntlm_unseal / ntlm_verify on arbitrary bytes, on contexts that
 * finished a real handshake. Input: one byte choosing the session (0: NTLMv2
 * with ESS, sealing; 1: NTLMv2 with ESS, signing only; 2: NTLMv1 without ESS,
 * sealing, the legacy RC4 stream shared by both directions; 3: NTLMv1 with
 * ESS, sealing), one byte choosing the receiver (bit 0: the client, else the
 * server) and the operation (bit 1: verify, else unseal), then the bytes
 * (unseal: 16-byte signature || sealed data; verify: 16-byte signature ||
 * message). Each input starts from a copy of the same established contexts,
 * so runs do not depend on each other. Checked: arbitrary bytes never pass
 * (and a failed unseal wipes its output); what the peer sealed or signed
 * passes and reads back; one flipped bit fails.
 */
#include "fuzz_ctx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct pair {
	struct ntlm_policy cpol, spol;
	struct ntlm_ctx *client, *server;
};

static void handshake(struct pair *p, unsigned mode)
{
	uint8_t *neg = NULL, *chal = NULL, *auth = NULL, *none = NULL;
	size_t neg_len, chal_len, auth_len, none_len;
	unsigned req = mode == 1 ? NTLM_REQ_INTEGRITY : NTLM_REQ_CONFIDENTIALITY;

	fz_policy(mode >= 2 ? 0xe3 : 0xe0, &p->cpol); /* the profile's own LmCompatibilityLevel */
	p->spol = p->cpol;
	if (mode == 2)
		p->cpol.lm_compat = 0; /* NTLMv1, no ESS */
	if (mode == 3)
		p->cpol.lm_compat = 1; /* NTLMv1 with ESS */
	if (mode >= 2) {
		p->cpol.min_client_sec = p->spol.min_server_sec = 0;
		p->spol.lm_compat = 0;
	}
	p->client = fz_client(&p->cpol, 0, req);
	p->server = fz_server(&p->spol, 0);
	fz_check(ntlm_step(p->client, NULL, 0, &neg, &neg_len) == NTLM_CONTINUE);
	fz_check(ntlm_step(p->server, neg, neg_len, &chal, &chal_len) == NTLM_CONTINUE);
	fz_check(ntlm_step(p->client, chal, chal_len, &auth, &auth_len) == NTLM_OK);
	fz_check(ntlm_step(p->server, auth, auth_len, &none, &none_len) == NTLM_OK);
	uint32_t f = ntlm_ctx_flags(p->server);
	fz_check(f == ntlm_ctx_flags(p->client));
	fz_check(!!(f & NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY) == (mode != 2));
	fz_check(!!(f & NTLMSSP_NEGOTIATE_SEAL) == (mode != 1));
	ntlm_free(neg);
	ntlm_free(chal);
	ntlm_free(auth);
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pair pairs[4];
	static struct ntlm_ctx tx, rx;
	uint8_t *out, *wrapped;
	const uint8_t *in;
	size_t len;
	bool verify, sealing;
	struct pair *p;

	if (size < 2)
		return 0;
	p = &pairs[data[0] & 3];
	if (!p->client)
		handshake(p, data[0] & 3);
	in = data + 2;
	len = size - 2;
	verify = (data[1] & 2) != 0;
	sealing = (ntlm_ctx_flags(p->client) & NTLMSSP_NEGOTIATE_SEAL) != 0;
	if (data[1] & 1) {
		rx = *p->client;
		tx = *p->server;
	} else {
		rx = *p->server;
		tx = *p->client;
	}

	out = malloc(len + 16);
	wrapped = malloc(len + 16);
	fz_check(out && wrapped);

	/* 1. the bytes as they came */
	if (verify) {
		if (len >= 16)
			fz_check(ntlm_verify(&rx, in + 16, len - 16, in) != NTLM_OK);
	} else {
		ntlm_status st = ntlm_unseal(&rx, in, len, out);
		fz_check(st != NTLM_OK);
		if (len >= 16 && st != NTLM_E_NOT_NEGOTIATED)
			fz_check(all_zero(out, len - 16));
	}

	rx = (data[1] & 1) ? *p->client : *p->server;

	/* 2. what the peer protects passes once, and a flipped bit does not */
	if (verify) {
		fz_check(ntlm_sign(&tx, in, len, wrapped) == NTLM_OK);
		memcpy(out, wrapped, 16);
		if (len) {
			uint8_t *m = malloc(len);
			fz_check(m != NULL);
			memcpy(m, in, len);
			m[data[1] % len] ^= 0x01;
			struct ntlm_ctx save = rx;
			fz_check(ntlm_verify(&rx, m, len, out) != NTLM_OK);
			rx = save;
			free(m);
		}
		fz_check(ntlm_verify(&rx, in, len, out) == NTLM_OK);
		fz_check(ntlm_verify(&rx, in, len, out) != NTLM_OK); /* replayed */
	} else if (sealing) {
		fz_check(ntlm_seal(&tx, in, len, wrapped) == NTLM_OK);
		struct ntlm_ctx save = rx;
		wrapped[data[1] % (len + 16)] ^= 0x80;
		fz_check(ntlm_unseal(&rx, wrapped, len + 16, out) != NTLM_OK);
		rx = save;
		wrapped[data[1] % (len + 16)] ^= 0x80;
		fz_check(ntlm_unseal(&rx, wrapped, len + 16, out) == NTLM_OK);
		fz_check(len == 0 || memcmp(out, in, len) == 0);
	}
	free(out);
	free(wrapped);
	return 0;
}
