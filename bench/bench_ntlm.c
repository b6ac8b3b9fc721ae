/* SPDX-License-Identifier: MIT */
/*
 * bench_ntlm: ntlmssp against gss-ntlmssp (through MIT GSSAPI) and against
 * the raw limit (nettle RC4 + HMAC-MD5, no protocol), in one run
 * (docs/performance.md).
 *
 * Every measurement runs in its own process (this program re-executed with
 * --one), so no implementation warms caches or allocators for another. The
 * driver interleaves them, ours, gss-ntlmssp, limit, ours, ..., repeats the
 * whole sequence --reps times, and prints one table of medians and of the
 * medians of the per-repetition ratios (ours/gss-ntlmssp, ours/limit: each
 * ratio pairs the measurements of one repetition, taken seconds apart).
 *
 * Implementations (columns): ours (the C API), gss (gss-ntlmssp through MIT
 * GSSAPI), mech (ntlmssp's own mechanism, ntlmssp_gss.so, through MIT GSSAPI
 * with GSS_MECH_CONFIG naming it: the same GSSAPI calls as the gss column),
 * limit.
 *
 * Rows:
 *   handshake        a complete NEGOTIATE/CHALLENGE/AUTHENTICATE exchange,
 *                    client and server in this process: NTLMv2 with a MIC,
 *                    SIGN + SEAL + KEY_EXCH + ESS + 128-bit negotiated; new
 *                    contexts each time, credentials and account store made
 *                    once;
 *   seal+unseal N    client seals N bytes, server unseals them (ntlm_seal /
 *                    ntlm_unseal; gss_wrap conf=1 / gss_unwrap);
 *   sign+verify N    client signs, server verifies (ntlm_sign / ntlm_verify;
 *                    gss_get_mic / gss_verify_mic).
 *
 * Rates are operations per second of the process's CPU time
 * (CLOCK_PROCESS_CPUTIME_ID), which other work sharing the machine disturbs
 * less than wall time.
 *
 * usage: bench_ntlm [--reps R] [--ms T]        the table (R = 5, T = 300)
 *        bench_ntlm --one IMPL ROW [--ms T]    one measurement: prints ops/s
 *        bench_ntlm --dump IMPL                hex tokens of one handshake
 *   IMPL: ours | gss | limit | mech; ROW: handshake | seal16 | seal1k | seal64k |
 *         sign16 | sign1k | sign64k.
 * BENCH_REPS and BENCH_MS set the defaults of --reps and --ms.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_ntlmssp.h>
#include <nettle/arcfour.h>
#include <nettle/hmac.h>
#include <nettle/md4.h>
#include <nettle/md5.h>
#include <nettle/memops.h>
#include <nettle/version.h>

#include "ntlmssp.h"

#include "bench_util.h"

#if NETTLE_VERSION_MAJOR >= 4
#define DIGEST(fn, ctx, len, out) fn(ctx, out)
#else
#define DIGEST(fn, ctx, len, out) fn(ctx, len, out)
#endif

#define DOMAIN "BENCH"
#define USER "user"
#define PASSWORD "Bench-Passw0rd!"
#define MAXMSG 65536

/* NegotiateFlags the handshake rows must end with. */
#define F_SIGN 0x00000010u
#define F_SEAL 0x00000020u
#define F_ESS 0x00080000u
#define F_128 0x20000000u
#define F_KEY_EXCH 0x40000000u
#define F_WANT (F_SIGN | F_SEAL | F_ESS | F_128 | F_KEY_EXCH)

enum impl { OURS, GSS, LIMIT, MECH, NIMPL };
static const char *const impl_names[NIMPL] = { "ours", "gss", "limit", "mech" };

static const struct row {
	const char *name;  /* --one argument */
	const char *label; /* table */
	int kind;	   /* 0 handshake, 1 seal+unseal, 2 sign+verify */
	size_t size;
} rows[] = {
	{ "handshake", "handshake (NTLMv2+MIC, sign+seal)", 0, 0 },
	{ "seal16", "seal+unseal 16 B", 1, 16 },
	{ "seal1k", "seal+unseal 1 KiB", 1, 1024 },
	{ "seal64k", "seal+unseal 64 KiB", 1, 65536 },
	{ "sign16", "sign+verify 16 B", 2, 16 },
	{ "sign1k", "sign+verify 1 KiB", 2, 1024 },
	{ "sign64k", "sign+verify 64 KiB", 2, 65536 },
};
#define NROWS (sizeof(rows) / sizeof(rows[0]))

static void die(const char *fmt, const char *a, const char *b)
{
	fprintf(stderr, "bench_ntlm: ");
	fprintf(stderr, fmt, a, b);
	fputc('\n', stderr);
	exit(1);
}

static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The measured operation: one handshake, or one message both ways. */
struct op {
	void (*run)(void *arg);
	void *arg;
};

/* Runs op for about ms milliseconds of CPU time (after a warm-up of a
 * quarter of that) in batches of at least 2 ms; returns operations/s. */
static double measure(const struct op *op, unsigned ms)
{
	double limit = ms / 1000.0, t0, t;
	unsigned long batch = 1, n = 0;

	t0 = cpu_now();
	while (cpu_now() - t0 < limit / 4)
		op->run(op->arg);
	for (;;) { /* calibrate the batch size */
		t0 = cpu_now();
		for (unsigned long i = 0; i < batch; i++)
			op->run(op->arg);
		if (cpu_now() - t0 >= 0.002)
			break;
		batch *= 2;
	}
	t0 = cpu_now();
	do {
		for (unsigned long i = 0; i < batch; i++)
			op->run(op->arg);
		n += batch;
		t = cpu_now() - t0;
	} while (t < limit);
	return (double)n / t;
}

/* ---- ours: the public API of include/ntlmssp.h ----------------------------- */

struct ours {
	struct ntlm_policy *pol;
	struct ntlm_cred *cred;
	struct ntlm_accounts *acc;
	struct ntlm_ctx *cli, *srv;
	char accounts_path[64];
	size_t size;
	uint8_t msg[MAXMSG], wrapped[MAXMSG + 16], plain[MAXMSG], sig[16];
	/* token sizes of the last handshake (for the limit's handshake) */
	size_t tok_len[3];
	uint8_t tok[3][NTLM_MAX_TOKEN];
};

static void ours_check(ntlm_status st, ntlm_status want, const char *what)
{
	if (st != want)
		die("ours: %s: %s", what,
		    ntlm_error_message()[0] ? ntlm_error_message() : ntlm_status_name(st));
}

/* One complete exchange on fresh contexts; leaves them in o->cli / o->srv. */
static void ours_handshake_keep(struct ours *o)
{
	uint8_t *t1, *t2, *t3, *t4;
	size_t l1, l2, l3, l4;

	ours_check(ntlm_client_new(o->pol, o->cred, "HTTP/bench.example", NTLM_REQ_CONFIDENTIALITY,
				   &o->cli),
		   NTLM_OK, "client_new");
	ours_check(ntlm_server_new(o->pol, o->acc, &o->srv), NTLM_OK, "server_new");
	ours_check(ntlm_step(o->cli, NULL, 0, &t1, &l1), NTLM_CONTINUE, "NEGOTIATE");
	ours_check(ntlm_step(o->srv, t1, l1, &t2, &l2), NTLM_CONTINUE, "CHALLENGE");
	ours_check(ntlm_step(o->cli, t2, l2, &t3, &l3), NTLM_OK, "AUTHENTICATE");
	ours_check(ntlm_step(o->srv, t3, l3, &t4, &l4), NTLM_OK, "accept");
	if (l1 <= NTLM_MAX_TOKEN && l2 <= NTLM_MAX_TOKEN && l3 <= NTLM_MAX_TOKEN) {
		o->tok_len[0] = l1, o->tok_len[1] = l2, o->tok_len[2] = l3;
		memcpy(o->tok[0], t1, l1), memcpy(o->tok[1], t2, l2), memcpy(o->tok[2], t3, l3);
	}
	ntlm_free(t1);
	ntlm_free(t2);
	ntlm_free(t3);
	ntlm_free(t4);
}

static void ours_handshake(void *arg)
{
	struct ours *o = arg;
	ours_handshake_keep(o);
	ntlm_ctx_free(o->cli);
	ntlm_ctx_free(o->srv);
	o->cli = o->srv = NULL;
}

static void ours_seal(void *arg)
{
	struct ours *o = arg;
	ours_check(ntlm_seal(o->cli, o->msg, o->size, o->wrapped), NTLM_OK, "seal");
	ours_check(ntlm_unseal(o->srv, o->wrapped, o->size + 16, o->plain), NTLM_OK, "unseal");
}

static void ours_sign(void *arg)
{
	struct ours *o = arg;
	ours_check(ntlm_sign(o->cli, o->msg, o->size, o->sig), NTLM_OK, "sign");
	ours_check(ntlm_verify(o->srv, o->msg, o->size, o->sig), NTLM_OK, "verify");
}

/* The cis profile (NTLMv2 only, 128-bit, NtlmMin*Sec = 0x20080000); the
 * server's accounts are a DOMAIN:USER:NTHASH file, read once when opened. */
static void ours_setup(struct ours *o)
{
	uint8_t h[16];
	FILE *f;

	ours_check(ntlm_policy_new("cis", &o->pol), NTLM_OK, "policy");
	ours_check(ntlm_cred_new_password(DOMAIN, USER, PASSWORD, &o->cred), NTLM_OK, "cred");
	ours_check(ntlm_hash_nt(PASSWORD, h), NTLM_OK, "hash");
	snprintf(o->accounts_path, sizeof(o->accounts_path), "/tmp/bench-ntlm-%d.accounts",
		 (int)getpid());
	if (!(f = fopen(o->accounts_path, "w")))
		die("%s: %s", o->accounts_path, strerror(errno));
	fprintf(f, "%s:%s:", DOMAIN, USER);
	for (int i = 0; i < 16; i++)
		fprintf(f, "%02X", h[i]);
	fputc('\n', f);
	fclose(f);
	ours_check(ntlm_accounts_open(o->accounts_path, &o->acc), NTLM_OK, "accounts");
	unlink(o->accounts_path);
	memset(o->msg, 0x5a, sizeof(o->msg));
	ours_handshake_keep(o);
	if ((ntlm_ctx_flags(o->srv) & F_WANT) != F_WANT ||
	    strcmp(ntlm_ctx_response_type(o->srv), "NTLMv2") != 0)
		die("ours: negotiated %s without SIGN+SEAL+ESS+128+KEY_EXCH%s",
		    ntlm_ctx_response_type(o->srv), "");
}

static void ours_teardown(struct ours *o)
{
	ntlm_ctx_free(o->cli);
	ntlm_ctx_free(o->srv);
	ntlm_accounts_close(o->acc);
	ntlm_cred_free(o->cred);
	ntlm_policy_free(o->pol);
	o->cli = o->srv = NULL;
	o->acc = NULL;
	o->cred = NULL;
	o->pol = NULL;
}

/* ---- gss-ntlmssp through MIT GSSAPI ---------------------------------------- */

static gss_OID_desc ntlm_oid = { GSS_NTLMSSP_OID_LENGTH, (void *)GSS_NTLMSSP_OID_STRING };
static gss_OID_desc spnego_mic_oid = { GSS_SPNEGO_REQUIRE_MIC_OID_LENGTH,
				       (void *)GSS_SPNEGO_REQUIRE_MIC_OID_STRING };

struct gss {
	gss_cred_id_t icred, acred;
	gss_name_t tname;
	gss_ctx_id_t cli, srv;
	char user_file[64];
	gss_buffer_desc msg;
	uint8_t buf[MAXMSG];
	size_t tok_len[3];
	uint8_t tok[3][NTLM_MAX_TOKEN];
};

static void gssn_check(OM_uint32 maj, OM_uint32 min, OM_uint32 want, const char *what)
{
	char m[32], n[32];
	if (maj == want)
		return;
	snprintf(m, sizeof(m), "major 0x%x", maj);
	snprintf(n, sizeof(n), "minor 0x%x", min);
	fprintf(stderr, "bench_ntlm: gss-ntlmssp: %s: ", what);
	die("%s %s", m, n);
}

static void keep_tok(struct gss *g, int i, const gss_buffer_desc *b)
{
	if (b->length <= NTLM_MAX_TOKEN) {
		g->tok_len[i] = b->length;
		memcpy(g->tok[i], b->value, b->length);
	}
}

static void gssn_handshake_keep(struct gss *g)
{
	OM_uint32 maj, min, flags = 0;
	gss_buffer_desc t1 = GSS_C_EMPTY_BUFFER, t2 = GSS_C_EMPTY_BUFFER;
	gss_buffer_desc t3 = GSS_C_EMPTY_BUFFER, t4 = GSS_C_EMPTY_BUFFER;
	gss_buffer_set_t set = GSS_C_NO_BUFFER_SET;
	const OM_uint32 req = GSS_C_INTEG_FLAG | GSS_C_CONF_FLAG;

	g->cli = g->srv = GSS_C_NO_CONTEXT;
	maj = gss_init_sec_context(&min, g->icred, &g->cli, g->tname, &ntlm_oid, req, 0, NULL,
				   GSS_C_NO_BUFFER, NULL, &t1, NULL, NULL);
	gssn_check(maj, min, GSS_S_CONTINUE_NEEDED, "init (NEGOTIATE)");
	/* what SPNEGO does to get a MIC in the AUTHENTICATE (asking for this
	 * OID tells gss-ntlmssp that a MIC can be handled): without it,
	 * gss-ntlmssp sends none (MsvAvFlags 0) */
	maj = gss_inquire_sec_context_by_oid(&min, g->cli, &spnego_mic_oid, &set);
	gssn_check(maj, min, GSS_S_COMPLETE, "inquire SPNEGO_REQUIRE_MIC");
	gss_release_buffer_set(&min, &set);
	maj = gss_accept_sec_context(&min, &g->srv, g->acred, &t1, GSS_C_NO_CHANNEL_BINDINGS, NULL,
				     NULL, &t2, NULL, NULL, NULL);
	gssn_check(maj, min, GSS_S_CONTINUE_NEEDED, "accept (CHALLENGE)");
	maj = gss_init_sec_context(&min, g->icred, &g->cli, g->tname, &ntlm_oid, req, 0, NULL, &t2,
				   NULL, &t3, &flags, NULL);
	gssn_check(maj, min, GSS_S_COMPLETE, "init (AUTHENTICATE)");
	maj = gss_accept_sec_context(&min, &g->srv, g->acred, &t3, GSS_C_NO_CHANNEL_BINDINGS, NULL,
				     NULL, &t4, NULL, NULL, NULL);
	gssn_check(maj, min, GSS_S_COMPLETE, "accept");
	if ((flags & req) != req)
		die("gss-ntlmssp: %s%s", "integrity and confidentiality not negotiated", "");
	keep_tok(g, 0, &t1);
	keep_tok(g, 1, &t2);
	keep_tok(g, 2, &t3);
	gss_release_buffer(&min, &t1);
	gss_release_buffer(&min, &t2);
	gss_release_buffer(&min, &t3);
	gss_release_buffer(&min, &t4);
}

static void gssn_handshake(void *arg)
{
	struct gss *g = arg;
	OM_uint32 min;
	gssn_handshake_keep(g);
	gss_delete_sec_context(&min, &g->cli, GSS_C_NO_BUFFER);
	gss_delete_sec_context(&min, &g->srv, GSS_C_NO_BUFFER);
}

static void gssn_seal(void *arg)
{
	struct gss *g = arg;
	OM_uint32 maj, min;
	int conf = 0;
	gss_buffer_desc w = GSS_C_EMPTY_BUFFER, p = GSS_C_EMPTY_BUFFER;

	maj = gss_wrap(&min, g->cli, 1, GSS_C_QOP_DEFAULT, &g->msg, &conf, &w);
	gssn_check(maj, min, GSS_S_COMPLETE, "gss_wrap");
	if (!conf)
		die("gss-ntlmssp: %s%s", "gss_wrap did not seal", "");
	maj = gss_unwrap(&min, g->srv, &w, &p, NULL, NULL);
	gssn_check(maj, min, GSS_S_COMPLETE, "gss_unwrap");
	gss_release_buffer(&min, &w);
	gss_release_buffer(&min, &p);
}

static void gssn_sign(void *arg)
{
	struct gss *g = arg;
	OM_uint32 maj, min;
	gss_buffer_desc s = GSS_C_EMPTY_BUFFER;

	maj = gss_get_mic(&min, g->cli, GSS_C_QOP_DEFAULT, &g->msg, &s);
	gssn_check(maj, min, GSS_S_COMPLETE, "gss_get_mic");
	maj = gss_verify_mic(&min, g->srv, &g->msg, &s, NULL);
	gssn_check(maj, min, GSS_S_COMPLETE, "gss_verify_mic");
	gss_release_buffer(&min, &s);
}

/* The initiator's credential (from the password) and the acceptor's (the
 * host's) are acquired once; the acceptor reads NTLM_USER_FILE
 * (DOMAIN:USER:PASSWORD) on each AUTHENTICATE. LM_COMPAT_LEVEL = 5: NTLMv2
 * only, as our cis profile. */
static void gssn_setup(struct gss *g)
{
	OM_uint32 maj, min;
	gss_name_t uname;
	gss_OID_set_desc mechs = { 1, &ntlm_oid };
	gss_buffer_desc ub = { strlen(DOMAIN "\\" USER), (void *)(DOMAIN "\\" USER) };
	gss_buffer_desc pw = { strlen(PASSWORD), (void *)PASSWORD };
	gss_buffer_desc tb = { strlen("HTTP@bench.example"), (void *)"HTTP@bench.example" };
	FILE *f;

	snprintf(g->user_file, sizeof(g->user_file), "/tmp/bench-ntlm-%d.users", (int)getpid());
	if (!(f = fopen(g->user_file, "w")))
		die("%s: %s", g->user_file, strerror(errno));
	fprintf(f, "%s:%s:%s\n", DOMAIN, USER, PASSWORD);
	fclose(f);
	setenv("NTLM_USER_FILE", g->user_file, 1);
	setenv("LM_COMPAT_LEVEL", "5", 1);
	setenv("NETBIOS_COMPUTER_NAME", "BENCHSRV", 1);
	setenv("NETBIOS_DOMAIN_NAME", DOMAIN, 1);

	maj = gss_import_name(&min, &ub, GSS_C_NT_USER_NAME, &uname);
	gssn_check(maj, min, GSS_S_COMPLETE, "import user");
	maj = gss_import_name(&min, &tb, GSS_C_NT_HOSTBASED_SERVICE, &g->tname);
	gssn_check(maj, min, GSS_S_COMPLETE, "import target");
	maj = gss_acquire_cred_with_password(&min, uname, &pw, GSS_C_INDEFINITE, &mechs,
					     GSS_C_INITIATE, &g->icred, NULL, NULL);
	gssn_check(maj, min, GSS_S_COMPLETE, "acquire initiator cred");
	maj = gss_acquire_cred(&min, GSS_C_NO_NAME, GSS_C_INDEFINITE, &mechs, GSS_C_ACCEPT,
			       &g->acred, NULL, NULL);
	if (maj != GSS_S_COMPLETE)
		g->acred = GSS_C_NO_CREDENTIAL;
	gss_release_name(&min, &uname);
	memset(g->buf, 0x5a, sizeof(g->buf));
	gssn_handshake_keep(g);
}

static void gssn_teardown(struct gss *g)
{
	unlink(g->user_file);
}

/* ---- the raw limit: nettle RC4 + HMAC-MD5, no protocol --------------------- */

struct dir {
	struct hmac_md5_ctx mac; /* keyed once */
	struct arcfour_ctx rc4;
	uint32_t seq;
};

struct limit {
	struct dir tx, rx;
	size_t size;
	uint8_t msg[MAXMSG], out[MAXMSG], plain[MAXMSG], sig[16], want[16];
	size_t tok_len[3];
	uint8_t tok[3][NTLM_MAX_TOKEN];
	uint8_t nt_hash[16], ident[64];
	size_t ident_len;
	const uint8_t *blob; /* the NTLMv2 blob (temp) inside tok[2] */
	size_t blob_len;
};

/* HMAC_MD5(SigningKey, SeqNum || msg), with the key schedule kept. */
static void limit_hmac(struct dir *d, const uint8_t *msg, size_t len, uint8_t mac[16])
{
	uint8_t seq[4] = { (uint8_t)d->seq, (uint8_t)(d->seq >> 8), (uint8_t)(d->seq >> 16),
			   (uint8_t)(d->seq >> 24) };
	hmac_md5_update(&d->mac, 4, seq);
	hmac_md5_update(&d->mac, len, msg);
	DIGEST(hmac_md5_digest, &d->mac, 16, mac); /* leaves the key set */
}

/* The signature: version, RC4 of the first 8 bytes of the HMAC, SeqNum. */
static void limit_sig(struct dir *d, const uint8_t mac[16], uint8_t sig[16])
{
	sig[0] = 1, sig[1] = sig[2] = sig[3] = 0;
	arcfour_crypt(&d->rc4, 8, sig + 4, mac);
	sig[12] = (uint8_t)d->seq, sig[13] = (uint8_t)(d->seq >> 8);
	sig[14] = (uint8_t)(d->seq >> 16), sig[15] = (uint8_t)(d->seq >> 24);
	d->seq++;
}

/* Seal: MAC of the plaintext, RC4 of the message, then RC4 of the checksum;
 * unseal: the reverse, and a constant-time compare. */
static void limit_seal(void *arg)
{
	struct limit *l = arg;
	uint8_t mac[16];
	limit_hmac(&l->tx, l->msg, l->size, mac);
	arcfour_crypt(&l->tx.rc4, l->size, l->out, l->msg);
	limit_sig(&l->tx, mac, l->sig);
	arcfour_crypt(&l->rx.rc4, l->size, l->plain, l->out);
	limit_hmac(&l->rx, l->plain, l->size, mac);
	limit_sig(&l->rx, mac, l->want);
	if (!memeql_sec(l->sig, l->want, 16))
		die("limit: %s%s", "seal/unseal mismatch", "");
}

static void limit_sign(void *arg)
{
	struct limit *l = arg;
	uint8_t mac[16];
	limit_hmac(&l->tx, l->msg, l->size, mac);
	limit_sig(&l->tx, mac, l->sig);
	limit_hmac(&l->rx, l->msg, l->size, mac);
	limit_sig(&l->rx, mac, l->want);
	if (!memeql_sec(l->sig, l->want, 16))
		die("limit: %s%s", "sign/verify mismatch", "");
}

static void hmac1(const uint8_t *key, const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
		  uint8_t out[16])
{
	struct hmac_md5_ctx h;
	hmac_md5_set_key(&h, 16, key);
	hmac_md5_update(&h, alen, a);
	if (blen)
		hmac_md5_update(&h, blen, b);
	DIGEST(hmac_md5_digest, &h, 16, out);
}

static void md5_2(const uint8_t *a, size_t alen, const char *b, size_t blen, uint8_t out[16])
{
	struct md5_ctx m;
	md5_init(&m);
	md5_update(&m, alen, a);
	md5_update(&m, blen, (const uint8_t *)b);
	DIGEST(md5_digest, &m, 16, out);
}

/* One side's share of an NTLMv2 handshake's cryptography, over the sizes of
 * our own handshake's tokens: NTOWFv2, NTProofStr, SessionBaseKey, RC4 of
 * the session key (KEY_EXCH), the MIC over the three messages, SIGNKEY and
 * SEALKEY both ways and the two RC4 schedules. */
static void limit_side(struct limit *l, const uint8_t chal[8], uint8_t exported[16])
{
	static const char k[4][59] = {
		"session key to client-to-server signing key magic constant",
		"session key to server-to-client signing key magic constant",
		"session key to client-to-server sealing key magic constant",
		"session key to server-to-client sealing key magic constant",
	};
	uint8_t v2[16], proof[16], base[16], key[16], mic[16];
	struct hmac_md5_ctx h;
	struct arcfour_ctx rc4;
	hmac1(l->nt_hash, l->ident, l->ident_len, NULL, 0, v2);
	hmac1(v2, chal, 8, l->blob, l->blob_len, proof);
	hmac1(v2, proof, 16, NULL, 0, base);
	arcfour_set_key(&rc4, 16, base);
	arcfour_crypt(&rc4, 16, key, exported);
	hmac_md5_set_key(&h, 16, exported);
	for (int i = 0; i < 3; i++)
		hmac_md5_update(&h, l->tok_len[i], l->tok[i]);
	DIGEST(hmac_md5_digest, &h, 16, mic);
	for (int i = 0; i < 4; i++)
		md5_2(exported, 16, k[i], sizeof(k[i]), key);
	arcfour_set_key(&l->tx.rc4, 16, key);
	arcfour_set_key(&l->rx.rc4, 16, key);
}

static void limit_handshake(void *arg)
{
	struct limit *l = arg;
	uint8_t chal[8], cchal[8], exported[16];
	if (getrandom(chal, 8, 0) != 8 || getrandom(cchal, 8, 0) != 8 ||
	    getrandom(exported, 16, 0) != 16)
		die("limit: %s%s", "getrandom", "");
	limit_side(l, chal, exported); /* client */
	limit_side(l, chal, exported); /* server */
}

static void limit_setup(struct limit *l, const struct ours *o)
{
	uint8_t key1[16], key2[16];
	static const uint8_t ident[] = { 'U', 0,   'S', 0,   'E', 0,   'R', 0,	 'B',
					 0,   'E', 0,	'N', 0,	  'C', 0,   'H', 0 };
	struct md4_ctx m;
	uint8_t pw[64];
	size_t n = strlen(PASSWORD);

	for (size_t i = 0; i < n; i++)
		pw[2 * i] = (uint8_t)PASSWORD[i], pw[2 * i + 1] = 0;
	md4_init(&m);
	md4_update(&m, 2 * n, pw);
	DIGEST(md4_digest, &m, 16, l->nt_hash);
	memcpy(l->ident, ident, sizeof(ident));
	l->ident_len = sizeof(ident);
	memcpy(l->tok_len, o->tok_len, sizeof(l->tok_len));
	memcpy(l->tok, o->tok, sizeof(l->tok));
	/* AUTHENTICATE: NtChallengeResponseFields at 20 (Len u16, Offset u32 at
	 * 24); the blob follows the 16-byte NTProofStr */
	const uint8_t *a = l->tok[2];
	size_t nlen = (size_t)a[20] | (size_t)a[21] << 8;
	size_t noff = (size_t)a[24] | (size_t)a[25] << 8 | (size_t)a[26] << 16;
	if (l->tok_len[2] < 64 || nlen < 16 || noff > l->tok_len[2] || l->tok_len[2] - noff < nlen)
		die("limit: %s%s", "no NTLMv2 response in our AUTHENTICATE", "");
	l->blob = a + noff + 16;
	l->blob_len = nlen - 16;
	if (getrandom(key1, 16, 0) != 16 || getrandom(key2, 16, 0) != 16)
		die("limit: %s%s", "getrandom", "");
	hmac_md5_set_key(&l->tx.mac, 16, key1);
	hmac_md5_set_key(&l->rx.mac, 16, key1);
	arcfour_set_key(&l->tx.rc4, 16, key2);
	arcfour_set_key(&l->rx.rc4, 16, key2);
	memset(l->msg, 0x5a, sizeof(l->msg));
}

/* ---- one measurement --------------------------------------------------------- */

static int find_impl(const char *s)
{
	for (int i = 0; i < NIMPL; i++)
		if (strcmp(s, impl_names[i]) == 0)
			return i;
	die("unknown implementation %s%s", s, "");
	return -1;
}

static const struct row *find_row(const char *s)
{
	for (size_t i = 0; i < NROWS; i++)
		if (strcmp(s, rows[i].name) == 0)
			return &rows[i];
	die("unknown row %s%s", s, "");
	return NULL;
}

static double one(int impl, const struct row *r, unsigned ms)
{
	static struct ours o;
	static struct gss g;
	static struct limit l;
	struct op op = { 0 };
	double rate;

	switch (impl) {
	case OURS:
		ours_setup(&o);
		if (r->kind == 0) { /* each run makes (and frees) its own pair */
			ntlm_ctx_free(o.cli);
			ntlm_ctx_free(o.srv);
			o.cli = o.srv = NULL;
		}
		o.size = r->size;
		op.arg = &o;
		op.run = r->kind == 0 ? ours_handshake : r->kind == 1 ? ours_seal : ours_sign;
		break;
	case MECH:
#ifdef NTLM_GSS_MECH_CONF
		/* before the first GSSAPI call: mechglue reads it once */
		setenv("GSS_MECH_CONFIG", NTLM_GSS_MECH_CONF, 1);
		setenv("NTLMSSP_AUDIT_LOG", "none", 1);
#else
		die("mech: %s%s", "ntlmssp_gss.so was not built", "");
#endif
		/* fall through */
	case GSS:
		gssn_setup(&g);
		g.msg.length = r->size;
		g.msg.value = g.buf;
		op.arg = &g;
		op.run = r->kind == 0 ? gssn_handshake : r->kind == 1 ? gssn_seal : gssn_sign;
		break;
	default:
		ours_setup(&o); /* the token sizes of a real handshake */
		limit_setup(&l, &o);
		l.size = r->size;
		op.arg = &l;
		op.run = r->kind == 0 ? limit_handshake : r->kind == 1 ? limit_seal : limit_sign;
		break;
	}
	rate = measure(&op, ms);
	if (impl == GSS || impl == MECH)
		gssn_teardown(&g);
	else
		ours_teardown(&o);
	return rate;
}

static void dump(int impl)
{
	static struct ours o;
	static struct gss g;
	size_t *len = o.tok_len;
	uint8_t(*tok)[NTLM_MAX_TOKEN] = o.tok;

	if (impl == GSS) {
		gssn_setup(&g);
		gssn_teardown(&g);
		len = g.tok_len;
		tok = g.tok;
	} else {
		ours_setup(&o);
	}
	for (int i = 0; i < 3; i++) {
		for (size_t j = 0; j < len[i]; j++)
			printf("%02x", tok[i][j]);
		printf("\n");
	}
	if (impl != GSS)
		ours_teardown(&o);
}

/* ---- the driver ------------------------------------------------------------- */

static double child(const char *self, int impl, const struct row *r, unsigned ms)
{
	int fd[2], status;
	char msarg[16], buf[64] = { 0 };
	ssize_t got;
	pid_t pid;

	snprintf(msarg, sizeof(msarg), "%u", ms);
	if (pipe(fd) != 0)
		die("pipe: %s%s", strerror(errno), "");
	pid = fork();
	if (pid < 0)
		die("fork: %s%s", strerror(errno), "");
	if (pid == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		execl(self, self, "--one", impl_names[impl], r->name, "--ms", msarg, (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	got = read(fd[0], buf, sizeof(buf) - 1);
	close(fd[0]);
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
	    got <= 0)
		die("%s %s: the measurement failed", impl_names[impl], r->name);
	return strtod(buf, NULL);
}

static double median(double *v, unsigned n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void fmt_rate(char *buf, size_t len, double ops, size_t size)
{
	if (size >= 1024)
		snprintf(buf, len, "%.0f/s %.0f MiB/s", ops, ops * (double)size / 1048576.0);
	else
		snprintf(buf, len, "%.0f/s", ops);
}

static unsigned env_uint(const char *name, unsigned dflt)
{
	const char *v = getenv(name);
	if (!v || !*v)
		return dflt;
	char *end;
	unsigned long x = strtoul(v, &end, 10);
	if (*end || x == 0 || x > 100000)
		die("%s=%s: not a positive number", name, v);
	return (unsigned)x;
}

int main(int argc, char **argv)
{
	unsigned reps = env_uint("BENCH_REPS", 5), ms = env_uint("BENCH_MS", 300);
	const char *one_impl = NULL, *one_row = NULL, *dump_impl = NULL;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--one") == 0 && i + 2 < argc) {
			one_impl = argv[++i];
			one_row = argv[++i];
		} else if (strcmp(argv[i], "--dump") == 0 && i + 1 < argc) {
			dump_impl = argv[++i];
		} else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc) {
			reps = (unsigned)strtoul(argv[++i], NULL, 10);
		} else if (strcmp(argv[i], "--ms") == 0 && i + 1 < argc) {
			ms = (unsigned)strtoul(argv[++i], NULL, 10);
		} else {
			fprintf(stderr, "usage: bench_ntlm [--reps R] [--ms T] | --one IMPL ROW "
					"[--ms T] | --dump ours|gss\n");
			return 2;
		}
	}
	if (reps == 0 || reps > 1000 || ms == 0 || ms > 600000)
		die("bad --reps or --ms%s%s", "", "");
	if (dump_impl) {
		dump(find_impl(dump_impl));
		return 0;
	}
	if (one_impl) {
		printf("%.3f\n", one(find_impl(one_impl), find_row(one_row), ms));
		return 0;
	}

	/* rate[row][impl][rep] */
	static double rate[NROWS][NIMPL][1000], ratio[2][1000], mratio[NROWS][2][1000];
	printf("== bench_ntlm: %u repetitions of %u ms CPU each, interleaved "
	       "(ours, gss-ntlmssp, limit, ours via mechglue), one process per measurement\n",
	       reps, ms);
	fflush(stdout);
	for (unsigned k = 0; k < reps; k++)
		for (size_t r = 0; r < NROWS; r++)
			for (int i = 0; i < NIMPL; i++)
				rate[r][i][k] = child("/proc/self/exe", i, &rows[r], ms);

	printf("| %-34s | %20s | %20s | %20s | %8s | %10s |\n", "row (one op = both sides)", "ours",
	       "gss-ntlmssp", "limit (nettle)", "ours/gss", "ours/limit");
	printf("|%s|%s|%s|%s|%s|%s|\n", "------------------------------------",
	       "---------------------:", "---------------------:", "---------------------:",
	       "---------:", "-----------:");
	for (size_t r = 0; r < NROWS; r++) {
		char cell[NIMPL][48];
		for (unsigned k = 0; k < reps; k++) {
			ratio[0][k] = rate[r][OURS][k] / rate[r][GSS][k];
			ratio[1][k] = rate[r][OURS][k] / rate[r][LIMIT][k];
			/* before median() sorts the rates */
			mratio[r][0][k] = rate[r][MECH][k] / rate[r][GSS][k];
			mratio[r][1][k] = rate[r][MECH][k] / rate[r][OURS][k];
		}
		double rg = median(ratio[0], reps), rl = median(ratio[1], reps);
		for (int i = 0; i < NIMPL; i++)
			fmt_rate(cell[i], sizeof(cell[i]), median(rate[r][i], reps), rows[r].size);
		printf("| %-34s | %20s | %20s | %20s | %7.2fx | %9.2fx |\n", rows[r].label,
		       cell[OURS], cell[GSS], cell[LIMIT], rg, rl);
	}
	printf("\nThrough MIT GSSAPI (mechglue), the same calls for both mechanisms:\n");
	printf("| %-34s | %20s | %20s | %9s | %13s |\n", "row (one op = both sides)",
	       "ntlmssp_gss.so", "gss-ntlmssp", "mech/gss", "mech/ours API");
	printf("|%s|%s|%s|%s|%s|\n", "------------------------------------",
	       "---------------------:", "---------------------:", "----------:",
	       "--------------:");
	for (size_t r = 0; r < NROWS; r++) {
		char cm[48], cg[48];
		double mg = median(mratio[r][0], reps), mo = median(mratio[r][1], reps);
		fmt_rate(cm, sizeof(cm), median(rate[r][MECH], reps), rows[r].size);
		fmt_rate(cg, sizeof(cg), median(rate[r][GSS], reps), rows[r].size);
		printf("| %-34s | %20s | %20s | %8.2fx | %13.2f |\n", rows[r].label, cm, cg, mg,
		       mo);
	}
	printf("(medians over %u repetitions; each ratio is the median of the per-repetition "
	       "ratios; mech/ours API below 1.00 is the cost of mechglue)\n",
	       reps);
	return 0;
}
