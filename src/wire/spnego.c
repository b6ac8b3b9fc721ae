/* SPDX-License-Identifier: MIT */
/*
 * wire/spnego.c: SPNEGO tokens (RFC 4178) as strict DER, and the RFC 2743
 * InitialContextToken around the first one. Public: ntlm_spnego_decode and
 * the encoders (include/ntlmssp/unstable.h). Only what NTLMSSP under SPNEGO
 * needs: NegTokenInit from a client, NegTokenResp both ways.
 *
 *   InitialContextToken ::= [APPLICATION 0] IMPLICIT SEQUENCE {
 *       thisMech OID (1.3.6.1.5.5.2), innerContextToken [0] NegTokenInit }
 *   NegTokenInit ::= SEQUENCE { mechTypes [0] SEQUENCE OF OID,
 *       reqFlags [1] BIT STRING OPTIONAL, mechToken [2] OCTET STRING OPTIONAL,
 *       mechListMIC [3] OCTET STRING OPTIONAL }
 *   NegTokenResp ::= [1] SEQUENCE { negState [0] ENUMERATED OPTIONAL,
 *       supportedMech [1] OID OPTIONAL, responseToken [2] OCTET STRING OPTIONAL,
 *       mechListMIC [3] OCTET STRING OPTIONAL }
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes/bytes.h"
#include "ntlmssp/unstable.h"
#include "text/text.h"
#include "wire/wire.h"

#define T_SEQ 0x30u
#define T_OID 0x06u
#define T_OCTETS 0x04u
#define T_BITS 0x03u
#define T_ENUM 0x0au
#define T_APP0 0x60u
#define T_CTX(n) (0xa0u + (n))

/* 1.3.6.1.5.5.2 and 1.3.6.1.4.1.311.2.2.10, content octets. */
static const uint8_t oid_spnego[] = { 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02 };
static const uint8_t oid_ntlm[] = { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a };

static const struct {
	const char *name;
	uint8_t len;
	uint8_t oid[10];
} known[] = {
	{ "NTLMSSP", 10, { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a } },
	{ "Kerberos 5", 9, { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02 } },
	{ "Kerberos 5 (Microsoft)", 9, { 0x2a, 0x86, 0x48, 0x82, 0xf7, 0x12, 0x01, 0x02, 0x02 } },
	{ "NegoEx", 10, { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x1e } },
	{ "IAKERB", 6, { 0x2b, 0x06, 0x01, 0x05, 0x02, 0x05 } },
	{ "SPNEGO", 6, { 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02 } },
};

static bool same(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	/* public: OIDs */
	return alen == blen && memcmp(a, b, alen) == 0;
}

const char *ntlm_spnego_mech_name(const uint8_t *oid, size_t len)
{
	if (!oid)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(known); i++)
		if (same(oid, len, known[i].oid, known[i].len))
			return known[i].name;
	return NULL;
}

void ntlm_spnego_oid_text(struct ntlm_buf *b, const uint8_t *oid, size_t len)
{
	uint64_t v = 0;
	bool first = true;
	for (size_t i = 0; oid && i < len; i++) {
		if (v > (UINT64_MAX >> 7)) {
			ntlm_buf_puts(b, first ? "?" : ".?");
			return;
		}
		v = (v << 7) | (oid[i] & 0x7fu);
		if (oid[i] & 0x80u)
			continue;
		if (first) {
			unsigned top = v < 40 ? 0 : v < 80 ? 1 : 2;
			ntlm_buf_printf(b, "%u.%llu", top, (unsigned long long)(v - 40u * top));
			first = false;
		} else {
			ntlm_buf_printf(b, ".%llu", (unsigned long long)v);
		}
		v = 0;
	}
}

/* ---- reading ----------------------------------------------------------------- */

static ntlm_status bad(const char *what, const char *why)
{
	return ntlm_err(NTLM_E_BAD_ENCODING, "SPNEGO %s: %s", what, why);
}

static bool peek(const struct ntlm_rd *r, uint8_t tag)
{
	return r->pos < r->len && r->base[r->pos] == tag;
}

/* One DER TLV with this tag: definite length in its shortest form. */
static ntlm_status tlv(struct ntlm_rd *r, uint8_t tag, struct ntlm_slice *v, const char *what)
{
	uint8_t t, b;
	size_t len = 0;

	if (!ntlm_rd_left(r))
		return bad(what, "missing");
	NTLM_TRY(ntlm_rd_u8(r, &t, what));
	if (t != tag)
		return ntlm_err(NTLM_E_BAD_ENCODING, "SPNEGO %s: tag 0x%02x where 0x%02x belongs",
				what, t, tag);
	if (ntlm_rd_u8(r, &b, what) != NTLM_OK)
		return bad(what, "no length");
	if (b == 0x80)
		return bad(what, "indefinite length (not DER)");
	if (b < 0x80) {
		len = b;
	} else {
		unsigned n = b & 0x7fu;
		if (n > 3)
			return bad(what, "length of more than 3 bytes");
		for (unsigned i = 0; i < n; i++) {
			uint8_t x;
			if (ntlm_rd_u8(r, &x, what) != NTLM_OK)
				return bad(what, "truncated length");
			if (i == 0 && x == 0)
				return bad(what, "length with a leading zero (not DER)");
			len = (len << 8) | x;
		}
		if (len < 0x80)
			return bad(what, "long form for a short length (not DER)");
	}
	if (len > ntlm_rd_left(r))
		return ntlm_err(NTLM_E_BAD_ENCODING,
				"SPNEGO %s: %zu bytes, %zu left in the enclosing element", what,
				len, ntlm_rd_left(r));
	return ntlm_rd_sub(r, len, v, what);
}

static ntlm_status end(const struct ntlm_rd *r, const char *what)
{
	if (ntlm_rd_left(r))
		return ntlm_err(NTLM_E_BAD_ENCODING, "SPNEGO %s: %zu unexpected bytes at its end",
				what, ntlm_rd_left(r));
	return NTLM_OK;
}

/* An OBJECT IDENTIFIER's content: not empty, each arc in its shortest form,
 * the last one complete. */
static ntlm_status oid_ok(struct ntlm_slice s, const char *what)
{
	if (s.len == 0)
		return bad(what, "an empty OID");
	if (s.len > 64)
		return bad(what, "an OID over 64 bytes");
	bool start = true;
	for (size_t i = 0; i < s.len; i++) {
		if (start && s.p[i] == 0x80)
			return bad(what, "an OID arc with a leading 0x80 (not DER)");
		start = !(s.p[i] & 0x80u);
	}
	if (!start)
		return bad(what, "an OID whose last arc is cut");
	return NTLM_OK;
}

static ntlm_status explicit_tlv(struct ntlm_rd *r, unsigned n, uint8_t inner, struct ntlm_slice *v,
				const char *what)
{
	struct ntlm_slice outer;
	struct ntlm_rd in;
	NTLM_TRY(tlv(r, (uint8_t)T_CTX(n), &outer, what));
	ntlm_rd_init(&in, outer.p, outer.len);
	NTLM_TRY(tlv(&in, inner, v, what));
	return end(&in, what);
}

static void keep(struct ntlm_spnego_bytes *b, struct ntlm_slice s)
{
	b->p = s.p ? s.p : (const uint8_t *)"";
	b->len = s.len;
}

static ntlm_status mech_types(struct ntlm_rd *r, struct ntlm_spnego_token *t)
{
	struct ntlm_slice outer, seq, oid;
	struct ntlm_rd in, list;
	NTLM_TRY(tlv(r, (uint8_t)T_CTX(0), &outer, "mechTypes"));
	ntlm_rd_init(&in, outer.p, outer.len);
	size_t start = in.pos;
	NTLM_TRY(tlv(&in, T_SEQ, &seq, "mechTypes"));
	NTLM_TRY(end(&in, "mechTypes"));
	t->mech_types.p = outer.p + start;
	t->mech_types.len = in.pos - start;
	ntlm_rd_init(&list, seq.p, seq.len);
	if (!ntlm_rd_left(&list))
		return bad("mechTypes", "no mechanism listed");
	while (ntlm_rd_left(&list)) {
		if (t->n_mechs == NTLM_SPNEGO_MAX_MECHS)
			return ntlm_err(NTLM_E_BAD_ENCODING, "SPNEGO mechTypes: more than %u",
					NTLM_SPNEGO_MAX_MECHS);
		NTLM_TRY(tlv(&list, T_OID, &oid, "mechTypes"));
		NTLM_TRY(oid_ok(oid, "mechTypes"));
		if (t->ntlm_index < 0 && same(oid.p, oid.len, oid_ntlm, sizeof(oid_ntlm)))
			t->ntlm_index = (int)t->n_mechs;
		keep(&t->mechs[t->n_mechs++], oid);
	}
	return NTLM_OK;
}

static ntlm_status neg_token_init(struct ntlm_rd *r, struct ntlm_spnego_token *t)
{
	struct ntlm_slice seq, v;
	struct ntlm_rd in;
	NTLM_TRY(tlv(r, T_SEQ, &seq, "NegTokenInit"));
	NTLM_TRY(end(r, "NegTokenInit"));
	ntlm_rd_init(&in, seq.p, seq.len);
	NTLM_TRY(mech_types(&in, t));
	if (peek(&in, (uint8_t)T_CTX(1))) {
		NTLM_TRY(explicit_tlv(&in, 1, T_BITS, &v, "reqFlags"));
		if (v.len == 0 || v.p[0] > 7 || (v.len == 1 && v.p[0]))
			return bad("reqFlags", "not a valid BIT STRING");
		keep(&t->req_flags, v);
	}
	if (peek(&in, (uint8_t)T_CTX(2))) {
		NTLM_TRY(explicit_tlv(&in, 2, T_OCTETS, &v, "mechToken"));
		keep(&t->mech_token, v);
	}
	if (peek(&in, (uint8_t)T_CTX(3))) {
		NTLM_TRY(explicit_tlv(&in, 3, T_OCTETS, &v, "mechListMIC"));
		keep(&t->mech_list_mic, v);
	}
	return end(&in, "NegTokenInit");
}

static ntlm_status neg_token_resp(struct ntlm_rd *r, struct ntlm_spnego_token *t)
{
	struct ntlm_slice outer, seq, v;
	struct ntlm_rd in, fields;
	NTLM_TRY(tlv(r, (uint8_t)T_CTX(1), &outer, "NegTokenResp"));
	NTLM_TRY(end(r, "NegTokenResp"));
	ntlm_rd_init(&in, outer.p, outer.len);
	NTLM_TRY(tlv(&in, T_SEQ, &seq, "NegTokenResp"));
	NTLM_TRY(end(&in, "NegTokenResp"));
	ntlm_rd_init(&fields, seq.p, seq.len);
	if (peek(&fields, (uint8_t)T_CTX(0))) {
		NTLM_TRY(explicit_tlv(&fields, 0, T_ENUM, &v, "negState"));
		if (v.len != 1 || v.p[0] > NTLM_SPNEGO_REQUEST_MIC)
			return bad("negState", "not one of 0..3 in one byte");
		t->neg_state = v.p[0];
	}
	if (peek(&fields, (uint8_t)T_CTX(1))) {
		NTLM_TRY(explicit_tlv(&fields, 1, T_OID, &v, "supportedMech"));
		NTLM_TRY(oid_ok(v, "supportedMech"));
		keep(&t->supported_mech, v);
	}
	if (peek(&fields, (uint8_t)T_CTX(2))) {
		NTLM_TRY(explicit_tlv(&fields, 2, T_OCTETS, &v, "responseToken"));
		keep(&t->mech_token, v);
	}
	if (peek(&fields, (uint8_t)T_CTX(3))) {
		NTLM_TRY(explicit_tlv(&fields, 3, T_OCTETS, &v, "mechListMIC"));
		keep(&t->mech_list_mic, v);
	}
	return end(&fields, "NegTokenResp");
}

ntlm_status ntlm_spnego_decode(const uint8_t *tok, size_t len, struct ntlm_spnego_token *out)
{
	struct ntlm_rd r;
	struct ntlm_spnego_token t;

	ntlm_err_clear();
	if (!out || (!tok && len))
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "ntlm_spnego_decode: NULL argument");
	memset(out, 0, sizeof(*out));
	memset(&t, 0, sizeof(t));
	t.ntlm_index = -1;
	t.neg_state = NTLM_SPNEGO_NO_STATE;
	if (len > NTLM_SPNEGO_MAX_TOKEN)
		return ntlm_err(NTLM_E_TOKEN_TOO_LARGE, "SPNEGO token of %zu bytes (at most %u)",
				len, NTLM_SPNEGO_MAX_TOKEN);
	ntlm_rd_init(&r, tok, len);
	if (peek(&r, T_APP0)) {
		struct ntlm_slice app, mech, inner;
		struct ntlm_rd in;
		NTLM_TRY(tlv(&r, T_APP0, &app, "InitialContextToken"));
		NTLM_TRY(end(&r, "InitialContextToken"));
		ntlm_rd_init(&in, app.p, app.len);
		NTLM_TRY(tlv(&in, T_OID, &mech, "InitialContextToken thisMech"));
		if (!same(mech.p, mech.len, oid_spnego, sizeof(oid_spnego)))
			return bad("InitialContextToken", "thisMech is not SPNEGO (1.3.6.1.5.5.2)");
		NTLM_TRY(tlv(&in, (uint8_t)T_CTX(0), &inner, "NegTokenInit"));
		NTLM_TRY(end(&in, "InitialContextToken"));
		ntlm_rd_init(&in, inner.p, inner.len);
		t.kind = NTLM_SPNEGO_INIT;
		NTLM_TRY(neg_token_init(&in, &t));
	} else if (peek(&r, (uint8_t)T_CTX(1))) {
		t.kind = NTLM_SPNEGO_RESP;
		NTLM_TRY(neg_token_resp(&r, &t));
	} else {
		return bad("token", len ? "neither an InitialContextToken (0x60) nor a "
					  "NegTokenResp (0xa1)"
					: "empty");
	}
	*out = t;
	return NTLM_OK;
}

/* ---- writing ----------------------------------------------------------------- */

static size_t len_size(size_t n)
{
	return n < 0x80 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 4;
}

static size_t tlv_size(size_t content)
{
	return 1 + len_size(content) + content;
}

static void put_hdr(struct ntlm_wr *w, uint8_t tag, size_t n)
{
	ntlm_wr_u8(w, tag);
	if (n < 0x80) {
		ntlm_wr_u8(w, (uint8_t)n);
	} else if (n < 0x100) {
		ntlm_wr_u8(w, 0x81);
		ntlm_wr_u8(w, (uint8_t)n);
	} else if (n < 0x10000) {
		ntlm_wr_u8(w, 0x82);
		ntlm_wr_u8(w, (uint8_t)(n >> 8));
		ntlm_wr_u8(w, (uint8_t)n);
	} else {
		ntlm_wr_u8(w, 0x83);
		ntlm_wr_u8(w, (uint8_t)(n >> 16));
		ntlm_wr_u8(w, (uint8_t)(n >> 8));
		ntlm_wr_u8(w, (uint8_t)n);
	}
}

/* [n] EXPLICIT OCTET STRING */
static size_t octets_field_size(size_t len)
{
	return tlv_size(tlv_size(len));
}

static void put_octets_field(struct ntlm_wr *w, unsigned n, const uint8_t *p, size_t len)
{
	put_hdr(w, (uint8_t)T_CTX(n), tlv_size(len));
	put_hdr(w, T_OCTETS, len);
	ntlm_wr_bytes(w, p, len);
}

static ntlm_status finish(struct ntlm_wr *w, uint8_t *buf, size_t total, uint8_t **out,
			  size_t *out_len)
{
	ntlm_status st = ntlm_wr_status(w);
	if (st == NTLM_OK && w->len != total)
		st = ntlm_err(NTLM_E_INTERNAL, "SPNEGO encoder: %zu bytes written, %zu planned",
			      w->len, total);
	if (st != NTLM_OK) {
		free(buf);
		return st;
	}
	*out = buf;
	*out_len = total;
	return NTLM_OK;
}

static ntlm_status check_args(const uint8_t *token, size_t token_len, const uint8_t *mic,
			      size_t mic_len, uint8_t **out, size_t *out_len)
{
	if (!out || !out_len || (!token && token_len) || (!mic && mic_len))
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "SPNEGO encoder: NULL argument");
	*out = NULL;
	*out_len = 0;
	if (token_len > NTLM_SPNEGO_MAX_TOKEN || mic_len > NTLM_SPNEGO_MAX_TOKEN)
		return ntlm_err(NTLM_E_TOKEN_TOO_LARGE, "SPNEGO encoder: a field over %u bytes",
				NTLM_SPNEGO_MAX_TOKEN);
	return NTLM_OK;
}

ntlm_status ntlm_spnego_encode_init(const struct ntlm_spnego_bytes *mechs, size_t n_mechs,
				    const uint8_t *token, size_t token_len, const uint8_t *mic,
				    size_t mic_len, uint8_t **out, size_t *out_len)
{
	struct ntlm_spnego_bytes ntlm = { oid_ntlm, sizeof(oid_ntlm) };
	struct ntlm_wr w;

	ntlm_err_clear();
	NTLM_TRY(check_args(token, token_len, mic, mic_len, out, out_len));
	if (!mechs) {
		mechs = &ntlm;
		n_mechs = 1;
	}
	if (n_mechs == 0 || n_mechs > NTLM_SPNEGO_MAX_MECHS)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "SPNEGO NegTokenInit: 1 to %u mechanisms",
				NTLM_SPNEGO_MAX_MECHS);
	size_t list = 0;
	for (size_t i = 0; i < n_mechs; i++) {
		struct ntlm_slice s = { mechs[i].p, mechs[i].len };
		if (!s.p || oid_ok(s, "mechTypes") != NTLM_OK)
			return ntlm_err(NTLM_E_INVALID_ARGUMENT,
					"SPNEGO NegTokenInit: mechanism %zu is not an OID", i);
		list += tlv_size(s.len);
	}
	size_t types = tlv_size(list);
	size_t fields = tlv_size(types) + (token ? octets_field_size(token_len) : 0) +
			(mic ? octets_field_size(mic_len) : 0);
	size_t choice = tlv_size(tlv_size(fields));
	size_t app = tlv_size(sizeof(oid_spnego)) + choice;
	size_t total = tlv_size(app);
	uint8_t *buf = malloc(total);
	if (!buf)
		return ntlm_err(NTLM_E_NOMEM, "out of memory");
	ntlm_wr_init(&w, buf, total);
	put_hdr(&w, T_APP0, app);
	put_hdr(&w, T_OID, sizeof(oid_spnego));
	ntlm_wr_bytes(&w, oid_spnego, sizeof(oid_spnego));
	put_hdr(&w, (uint8_t)T_CTX(0), tlv_size(fields));
	put_hdr(&w, T_SEQ, fields);
	put_hdr(&w, (uint8_t)T_CTX(0), types);
	put_hdr(&w, T_SEQ, list);
	for (size_t i = 0; i < n_mechs; i++) {
		put_hdr(&w, T_OID, mechs[i].len);
		ntlm_wr_bytes(&w, mechs[i].p, mechs[i].len);
	}
	if (token)
		put_octets_field(&w, 2, token, token_len);
	if (mic)
		put_octets_field(&w, 3, mic, mic_len);
	return finish(&w, buf, total, out, out_len);
}

ntlm_status ntlm_spnego_encode_resp(int neg_state, int supported_ntlm, const uint8_t *token,
				    size_t token_len, const uint8_t *mic, size_t mic_len,
				    uint8_t **out, size_t *out_len)
{
	struct ntlm_wr w;

	ntlm_err_clear();
	NTLM_TRY(check_args(token, token_len, mic, mic_len, out, out_len));
	if (neg_state != NTLM_SPNEGO_NO_STATE &&
	    (neg_state < NTLM_SPNEGO_ACCEPT_COMPLETED || neg_state > NTLM_SPNEGO_REQUEST_MIC))
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "SPNEGO NegTokenResp: negState %d",
				neg_state);
	size_t fields = (neg_state != NTLM_SPNEGO_NO_STATE ? tlv_size(tlv_size(1)) : 0) +
			(supported_ntlm ? tlv_size(tlv_size(sizeof(oid_ntlm))) : 0) +
			(token ? octets_field_size(token_len) : 0) +
			(mic ? octets_field_size(mic_len) : 0);
	size_t total = tlv_size(tlv_size(fields));
	uint8_t *buf = malloc(total);
	if (!buf)
		return ntlm_err(NTLM_E_NOMEM, "out of memory");
	ntlm_wr_init(&w, buf, total);
	put_hdr(&w, (uint8_t)T_CTX(1), tlv_size(fields));
	put_hdr(&w, T_SEQ, fields);
	if (neg_state != NTLM_SPNEGO_NO_STATE) {
		put_hdr(&w, (uint8_t)T_CTX(0), tlv_size(1));
		put_hdr(&w, T_ENUM, 1);
		ntlm_wr_u8(&w, (uint8_t)neg_state);
	}
	if (supported_ntlm) {
		put_hdr(&w, (uint8_t)T_CTX(1), tlv_size(sizeof(oid_ntlm)));
		put_hdr(&w, T_OID, sizeof(oid_ntlm));
		ntlm_wr_bytes(&w, oid_ntlm, sizeof(oid_ntlm));
	}
	if (token)
		put_octets_field(&w, 2, token, token_len);
	if (mic)
		put_octets_field(&w, 3, mic, mic_len);
	return finish(&w, buf, total, out, out_len);
}
