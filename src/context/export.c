/* SPDX-License-Identifier: MIT */
/*
 * context/export.c: a context as bytes and back (gss_export_sec_context /
 * gss_import_sec_context; gssproxy moves contexts between processes that
 * way, also in the middle of the exchange).
 *
 * Layout: "NTLMCTX\0", a version byte, the role and state, then each field
 * in a fixed order: fixed-size byte fields as they are, strings as a 16-bit
 * length and bytes, the two transcripts as a 16-bit length and bytes. The
 * session (RC4 handles and keyed HMAC states) is copied as this build lays
 * it out, preceded by its size, which import checks: the bytes are for the
 * same library on the same machine, as gssproxy uses them. A client that
 * still has to answer the CHALLENGE carries its credential (names and
 * hashes). Everything is a secret; the caller wipes it.
 */
#include <stdlib.h>
#include <string.h>

#include "context/ctx.h"

#define EXPORT_VERSION 1
static const uint8_t magic[8] = "NTLMCTX";

struct out {
	uint8_t *p;
	size_t len, cap;
	bool fail;
};

static void put(struct out *o, const void *p, size_t n)
{
	if (o->fail)
		return;
	if (o->cap - o->len < n) {
		size_t cap = o->cap * 2 + n + 256;
		uint8_t *q = malloc(cap);
		if (!q) {
			o->fail = true;
			return;
		}
		if (o->len)
			memcpy(q, o->p, o->len);
		if (o->p) {
			ntlm_crypto_wipe(o->p, o->cap);
			free(o->p);
		}
		o->p = q;
		o->cap = cap;
	}
	if (n)
		memcpy(o->p + o->len, p, n);
	o->len += n;
}

static void put_u8(struct out *o, unsigned v)
{
	uint8_t b = (uint8_t)v;
	put(o, &b, 1);
}

static void put_u32(struct out *o, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
	put(o, b, 4);
}

static void put_blob(struct out *o, const void *p, size_t n)
{
	put_u32(o, (uint32_t)n);
	put(o, p, n);
}

static void put_str(struct out *o, const char *s)
{
	put_blob(o, s, strlen(s));
}

ntlm_status ntlm_ctx_export(const struct ntlm_ctx *c, uint8_t **out, size_t *len)
{
	struct out o = { 0 };
	ntlm_err_clear();
	if (!c || !out || !len)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "ntlm_ctx_export: NULL argument");
	*out = NULL;
	*len = 0;
	if (c->state == CTX_FAILED)
		return ntlm_err(NTLM_E_BAD_STATE, "the context has failed");
	bool with_cred = !c->is_server && c->state != CTX_DONE && c->cred;
	put(&o, magic, sizeof(magic));
	put_u8(&o, EXPORT_VERSION);
	put_u8(&o, c->is_server);
	put_u8(&o, c->state);
	put_u32(&o, c->req);
	put_str(&o, c->target);
	put_str(&o, c->peer);
	put_str(&o, c->nb_computer);
	put_str(&o, c->nb_domain);
	put_str(&o, c->dns_computer);
	put_str(&o, c->dns_domain);
	put_u8(&o, c->has_cb);
	put(&o, c->cb_hash, 16);
	put_blob(&o, c->neg, c->neg_len);
	put_blob(&o, c->chal, c->chal_len);
	put(&o, c->server_challenge, 8);
	put_u32(&o, c->flags);
	put_u8(&o, c->has_resp);
	put_u8(&o, c->resp);
	put_str(&o, c->user);
	put_str(&o, c->domain);
	put_str(&o, c->workstation);
	put_u8(&o, c->has_key);
	put(&o, c->exported_key, 16);
	put_u8(&o, c->mic);
	put_u8(&o, c->has_session);
	put_blob(&o, &c->session, c->has_session ? sizeof(c->session) : 0);
	put_u8(&o, with_cred);
	if (with_cred) {
		put_str(&o, c->cred->domain);
		put_str(&o, c->cred->user);
		put(&o, c->cred->nt_hash, 16);
		put_u8(&o, c->cred->has_lm);
		put(&o, c->cred->lm_hash, 16);
	}
	if (o.fail) {
		if (o.p) {
			ntlm_crypto_wipe(o.p, o.cap);
			free(o.p);
		}
		return ntlm_err(NTLM_E_NOMEM, "out of memory");
	}
	*out = o.p;
	*len = o.len;
	return NTLM_OK;
}

/* ---- import ---------------------------------------------------------------- */

struct in {
	const uint8_t *p;
	size_t len, off;
	bool bad;
};

static const uint8_t *take(struct in *i, size_t n)
{
	if (i->bad || i->len - i->off < n) {
		i->bad = true;
		return NULL;
	}
	const uint8_t *p = i->p + i->off;
	i->off += n;
	return p;
}

static unsigned get_u8(struct in *i)
{
	const uint8_t *p = take(i, 1);
	return p ? *p : 0;
}

static uint32_t get_u32(struct in *i)
{
	const uint8_t *p = take(i, 4);
	return p ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
			       (uint32_t)p[3] << 24
		 : 0;
}

static bool get_bool(struct in *i)
{
	unsigned v = get_u8(i);
	if (v > 1)
		i->bad = true;
	return v == 1;
}

static void get_fixed(struct in *i, void *dst, size_t n)
{
	const uint8_t *p = take(i, n);
	if (p)
		memcpy(dst, p, n);
}

/* A blob of at most cap bytes into dst; its length into *n. */
static void get_blob(struct in *i, void *dst, size_t cap, size_t *n)
{
	uint32_t l = get_u32(i);
	if (l > cap) {
		i->bad = true;
		return;
	}
	const uint8_t *p = take(i, l);
	if (p && l)
		memcpy(dst, p, l);
	if (n)
		*n = p ? l : 0;
}

/* A string into a char array of cap bytes: no NUL inside, room for one. */
static void get_str(struct in *i, char *dst, size_t cap)
{
	size_t n = 0;
	get_blob(i, dst, cap - 1, &n);
	if (i->bad)
		n = 0;
	dst[n] = '\0';
	if (strlen(dst) != n)
		i->bad = true;
}

ntlm_status ntlm_ctx_import(const struct ntlm_policy *policy, struct ntlm_accounts *accounts,
			    const uint8_t *buf, size_t len, struct ntlm_ctx **out,
			    struct ntlm_cred **cred_out)
{
	struct in i = { buf, len, 0, false };
	struct ntlm_ctx *c = NULL;
	struct ntlm_cred *cred = NULL;
	ntlm_status st = NTLM_OK;

	ntlm_err_clear();
	if (!policy || !buf || !out || !cred_out)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "ntlm_ctx_import: NULL argument");
	*out = NULL;
	*cred_out = NULL;
	const uint8_t *m = take(&i, sizeof(magic));
	/* public: the format's magic */
	if (!m || memcmp(m, magic, sizeof(magic)) != 0 || get_u8(&i) != EXPORT_VERSION)
		return ntlm_err(NTLM_E_BAD_ENCODING, "not an exported ntlmssp context");
	c = calloc(1, sizeof(*c));
	if (!c)
		return ntlm_err(NTLM_E_NOMEM, "out of memory");
	c->policy = policy;
	c->is_server = get_bool(&i);
	unsigned state = get_u8(&i);
	if (state != CTX_INIT && state != CTX_WAIT_CHALLENGE && state != CTX_WAIT_AUTHENTICATE &&
	    state != CTX_DONE)
		i.bad = true;
	c->state = (enum ntlm_ctx_state)state;
	c->req = get_u32(&i);
	get_str(&i, c->target, sizeof(c->target));
	get_str(&i, c->peer, sizeof(c->peer));
	get_str(&i, c->nb_computer, sizeof(c->nb_computer));
	get_str(&i, c->nb_domain, sizeof(c->nb_domain));
	get_str(&i, c->dns_computer, sizeof(c->dns_computer));
	get_str(&i, c->dns_domain, sizeof(c->dns_domain));
	c->has_cb = get_bool(&i);
	get_fixed(&i, c->cb_hash, 16);
	get_blob(&i, c->neg, sizeof(c->neg), &c->neg_len);
	get_blob(&i, c->chal, sizeof(c->chal), &c->chal_len);
	get_fixed(&i, c->server_challenge, 8);
	c->flags = get_u32(&i);
	c->has_resp = get_bool(&i);
	unsigned resp = get_u8(&i);
	if (resp > NTLM_RESP_NTLMV2)
		i.bad = true;
	c->resp = (enum ntlm_response_type)resp;
	get_str(&i, c->user, sizeof(c->user));
	get_str(&i, c->domain, sizeof(c->domain));
	get_str(&i, c->workstation, sizeof(c->workstation));
	c->has_key = get_bool(&i);
	get_fixed(&i, c->exported_key, 16);
	c->mic = get_bool(&i);
	c->has_session = get_bool(&i);
	size_t slen = 0;
	get_blob(&i, &c->session, sizeof(c->session), &slen);
	if (slen != (c->has_session ? sizeof(c->session) : 0))
		i.bad = true;
	if (c->has_session && c->session.flags != c->flags)
		i.bad = true;
	bool with_cred = get_bool(&i);
	if (with_cred != (!c->is_server && c->state != CTX_DONE))
		i.bad = true;
	if (with_cred && !i.bad) {
		char dom[256], user[256];
		uint8_t nt[16], lm[16];
		get_str(&i, dom, sizeof(dom));
		get_str(&i, user, sizeof(user));
		get_fixed(&i, nt, 16);
		bool has_lm = get_bool(&i);
		get_fixed(&i, lm, 16);
		if (!i.bad) {
			st = ntlm_cred_new_hash(dom, user, nt, &cred);
			if (st == NTLM_OK) {
				cred->has_lm = has_lm;
				memcpy(cred->lm_hash, lm, 16);
			}
		}
		ntlm_crypto_wipe(nt, sizeof(nt));
		ntlm_crypto_wipe(lm, sizeof(lm));
		if (st != NTLM_OK)
			goto fail;
	}
	if (!i.bad && i.off != i.len)
		i.bad = true;
	if (i.bad) {
		st = ntlm_err(NTLM_E_BAD_ENCODING, "exported context: malformed at byte %zu",
			      i.off);
		goto fail;
	}
	if (c->is_server && c->state != CTX_DONE && !accounts) {
		st = ntlm_err(NTLM_E_INVALID_ARGUMENT, "a server context needs accounts");
		goto fail;
	}
	c->accounts = accounts;
	c->cred = cred;
	*out = c;
	*cred_out = cred;
	return NTLM_OK;
fail:
	ntlm_cred_free(cred);
	ntlm_crypto_wipe(c, sizeof(*c));
	free(c);
	return st;
}
