/* SPDX-License-Identifier: MIT */
/*
 * Writes the seed corpora of the context fuzz targets from real exchanges
 * between our client and our server (the same fixtures as the targets,
 * fuzz_ctx.h), for a spread of policies and requests:
 *   fuzz_client_challenge: mode, req, CHALLENGE
 *   fuzz_server:           mode, u16le len, NEGOTIATE, AUTHENTICATE (one that
 *                          verifies against the pinned server)
 *   fuzz_unseal:           session, op, 16-byte signature, data
 * Usage: fuzz_gen_seeds CORPUS_ROOT (tests/fuzz/corpus). Only exchanges that
 * succeed are written; file names say the mode and request bits. The
 * client's nonces are random, so each run writes different bytes.
 */
#include <stdio.h>

#include "fuzz_ctx.h"

static int put(const char *root, const char *target, const char *name, const uint8_t *a,
	       size_t alen, const uint8_t *b, size_t blen)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/%s", root, target, name);
	f = fopen(path, "wb");
	if (!f) {
		perror(path);
		return -1;
	}
	fwrite(a, 1, alen, f);
	if (blen)
		fwrite(b, 1, blen, f);
	return fclose(f) == 0 ? 0 : -1;
}

/* One exchange; 1 when written, 0 when the policies refuse it, -1 on error. */
static int exchange(const char *root, uint8_t mode, uint8_t req)
{
	struct ntlm_policy pol;
	struct ntlm_ctx *c, *s;
	uint8_t *neg = NULL, *chal = NULL, *auth = NULL, *none = NULL, head[3];
	size_t neg_len, chal_len, auth_len, none_len;
	char name[64];
	int rc = 0;

	fz_policy(mode, &pol);
	c = fz_client(&pol, mode, req);
	s = fz_server(&pol, mode);
	if (ntlm_step(c, NULL, 0, &neg, &neg_len) != NTLM_CONTINUE ||
	    ntlm_step(s, neg, neg_len, &chal, &chal_len) != NTLM_CONTINUE)
		goto out;
	fz_pin_server(s);
	if (ntlm_step(c, s->chal, s->chal_len, &auth, &auth_len) != NTLM_OK)
		goto out;
	head[0] = mode;
	head[1] = req;
	snprintf(name, sizeof(name), "gen-m%02x-r%u", mode, req);
	rc = put(root, "fuzz_client_challenge", name, head, 2, s->chal, s->chal_len);
	if (rc)
		goto out;
	if (ntlm_step(s, auth, auth_len, &none, &none_len) != NTLM_OK) {
		/* a server policy the client does not meet (strict without
		 * channel bindings): no seed for fuzz_server */
		fprintf(stderr, "mode %02x req %u: server refused: %s\n", mode, req,
			ntlm_error_message());
		goto out;
	}
	uint8_t *both = malloc(neg_len + auth_len);
	fz_check(both != NULL);
	memcpy(both, neg, neg_len);
	memcpy(both + neg_len, auth, auth_len);
	head[1] = (uint8_t)neg_len;
	head[2] = (uint8_t)(neg_len >> 8);
	rc = put(root, "fuzz_server", name, head, 3, both, neg_len + auth_len);
	free(both);
	if (rc == 0)
		rc = 1;
out:
	ntlm_free(neg);
	ntlm_free(chal);
	ntlm_free(auth);
	ntlm_ctx_free(c);
	ntlm_ctx_free(s);
	return rc;
}

int main(int argc, char **argv)
{
	static const uint8_t lm[] = { 7, 0, 1, 3 };
	unsigned written = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s CORPUS_ROOT\n", argv[0]);
		return 2;
	}
	for (unsigned prof = 0; prof < 4; prof++)
		for (unsigned cb = 0; cb <= 4; cb += 4)
			for (size_t l = 0; l < sizeof(lm); l++)
				for (unsigned req = 0; req <= 3; req += 3) {
					uint8_t mode = (uint8_t)(prof | cb | lm[l] << 5);
					if (prof == 0 && cb == 0 && l == 0)
						mode |= 8; /* RequireMIC once */
					int rc = exchange(argv[1], mode, (uint8_t)req);
					if (rc < 0)
						return 1;
					written += (unsigned)rc;
				}

	/* fuzz_unseal: every session and operation, over a short message. */
	for (unsigned sess = 0; sess < 4; sess++)
		for (unsigned op = 0; op < 4; op++) {
			uint8_t in[2 + 16 + 12] = { (uint8_t)sess, (uint8_t)op };
			char name[32];
			memcpy(in + 18, "hello, peer!", 12);
			snprintf(name, sizeof(name), "gen-s%u-op%u", sess, op);
			if (put(argv[1], "fuzz_unseal", name, in, sizeof(in), NULL, 0))
				return 1;
			written++;
		}
	printf("%u seeds written\n", written);
	return 0;
}
