/* SPDX-License-Identifier: MIT */
/*
 * The client state machine (MS-NLMP 3.1.5.1):
 *
 *   state               input        handler         next
 *   CTX_INIT            (none)       send_negotiate  CTX_WAIT_CHALLENGE
 *   CTX_WAIT_CHALLENGE  CHALLENGE    on_challenge    CTX_DONE (AUTHENTICATE out)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "context/ctx.h"
#include "crypto/crypto.h"
#include "text/text.h"

/* The VERSION we announce: 6.1.7601 (what Windows 7 SP1 sends), W2K3 revision. */
static const struct ntlm_wire_version our_version = {
	6, 1, 7601, { 0, 0, 0 }, NTLMSSP_REVISION_W2K3
};

static ntlm_status fail(struct ntlm_ctx *c, ntlm_status st)
{
	c->state = CTX_FAILED;
	return st;
}

/* MS-NLMP 3.1.5.1.1 + RestrictSendingNTLMTraffic (decided before any bytes exist). */
static ntlm_status send_negotiate(struct ntlm_ctx *c, uint8_t **out, size_t *out_len)
{
	struct ntlm_verdict v;
	struct ntlm_wire_negotiate m = { 0 };
	uint8_t buf[64];
	struct ntlm_wr w;

	ntlm_policy_may_send(c->policy, c->target, &v);
	if (v.kind != NTLM_ALLOW)
		ntlm_ctx_audit_verdict(c, &v);
	if (v.kind == NTLM_DENY)
		return fail(c, ntlm_err(NTLM_E_POLICY_SEND_BLOCKED, "%s", v.reason));

	m.flags = ntlm_policy_client_negotiate_flags(c->policy, c->req & NTLM_REQ_INTEGRITY,
						     c->req & NTLM_REQ_CONFIDENTIALITY);
	m.has_version = (m.flags & NTLMSSP_NEGOTIATE_VERSION) != 0;
	m.version = our_version;
	ntlm_wr_init(&w, buf, sizeof(buf));
	NTLM_TRY(ntlm_wire_negotiate_encode(&m, &w));
	memcpy(c->neg, buf, w.len);
	c->neg_len = w.len;
	c->flags = m.flags;
	NTLM_TRY(ntlm_ctx_output(&w, out, out_len));
	c->state = CTX_WAIT_CHALLENGE;
	return NTLM_CONTINUE;
}

/* The flags of the AUTHENTICATE: what we asked for and the server granted. */
static uint32_t final_flags(const struct ntlm_ctx *c, uint32_t server)
{
	uint32_t f = c->flags & server;
	/* Charset: UNICODE when the server chose it, else OEM. */
	f &= ~(NTLMSSP_NEGOTIATE_UNICODE | NTLM_NEGOTIATE_OEM);
	f |= (server & NTLMSSP_NEGOTIATE_UNICODE) ? NTLMSSP_NEGOTIATE_UNICODE : NTLM_NEGOTIATE_OEM;
	/* Granted by the server, whether or not we asked: target info, target type. */
	f |= server & (NTLMSSP_NEGOTIATE_TARGET_INFO | NTLMSSP_TARGET_TYPE_DOMAIN |
		       NTLMSSP_TARGET_TYPE_SERVER);
	if (f & NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY)
		f &= ~NTLMSSP_NEGOTIATE_LM_KEY;
	return f;
}

struct response {
	uint8_t lm[24];
	size_t lm_len;
	uint8_t nt[NTLM_MAX_TOKEN];
	size_t nt_len;
	uint8_t session_base_key[16];
	uint8_t kxkey[16];
	bool timestamp; /* MsvAvTimestamp came: MIC and Z(24) LM */
	enum ntlm_response_type type;
};

static void response_clear(struct response *r)
{
	ntlm_crypto_wipe(r, sizeof(*r));
}

/* NTLMv1 and NTLMv1-ESS per LmCompatibilityLevel 0-2 (3.3.1). */
static ntlm_status respond_v1(struct ntlm_ctx *c, const struct ntlm_wire_challenge *ch,
			      struct response *r)
{
	const struct ntlm_cred *cr = c->cred;
	uint8_t cc[8];

	ntlm_auth_session_base_key_v1(cr->nt_hash, r->session_base_key);
	r->lm_len = r->nt_len = 24;
	if (c->flags & NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY) {
		NTLM_TRY(ntlm_crypto_random(cc, sizeof(cc)));
		ntlm_auth_ess_response(cr->nt_hash, ch->server_challenge, cc, r->nt, r->lm);
		r->type = NTLM_RESP_NTLMV1_ESS;
		ntlm_crypto_wipe(cc, sizeof(cc));
	} else {
		ntlm_auth_ntlmv1_response(cr->nt_hash, ch->server_challenge, r->nt);
		/* Level 0-1 send the LM response when the password has one;
		 * level 2 (and a hash-only credential) copy the NT response
		 * (NoLMResponseNTLMv1, 3.3.1). */
		if (ntlm_policy_client_sends_lm(c->policy, c->flags) && cr->has_lm)
			ntlm_auth_ntlmv1_response(cr->lm_hash, ch->server_challenge, r->lm);
		else
			memcpy(r->lm, r->nt, 24);
		r->type = NTLM_RESP_NTLMV1;
	}
	ntlm_auth_kxkey_v1(c->flags, r->session_base_key, cr->has_lm ? cr->lm_hash : cr->nt_hash,
			   r->lm, ch->server_challenge, r->kxkey);
	return NTLM_OK;
}

/* The client's AV list (3.1.5.1.2): the server's pairs, then MsvAvFlags (MIC
 * bit when a timestamp came), MsvAvChannelBindings when bindings were given,
 * MsvAvTargetName = the SPN. */
static ntlm_status client_avlist(struct ntlm_ctx *c, const struct ntlm_wire_challenge *ch,
				 struct ntlm_wire_avlist *av, uint8_t flags_le[4], uint8_t *spn16,
				 size_t spn16_len, bool *timestamp)
{
	uint32_t avflags = 0;

	*av = ch->av;
	*timestamp = ntlm_wire_avlist_find(av, MsvAvTimestamp) != NULL;
	(void)ntlm_wire_avlist_flags(av, &avflags);
	if (*timestamp)
		avflags |= NTLM_AVFLAG_MIC_PRESENT;
	if (avflags) {
		for (int i = 0; i < 4; i++)
			flags_le[i] = (uint8_t)(avflags >> (8 * i));
		NTLM_TRY(ntlm_wire_avlist_set(av, MsvAvFlags, (struct ntlm_slice){ flags_le, 4 }));
	}
	if (c->has_cb)
		NTLM_TRY(ntlm_wire_avlist_set(av, MsvAvChannelBindings,
					      (struct ntlm_slice){ c->cb_hash, 16 }));
	NTLM_TRY(
		ntlm_wire_avlist_set(av, MsvAvTargetName, (struct ntlm_slice){ spn16, spn16_len }));
	return NTLM_OK;
}

/* NTLMv2 and LMv2, LmCompatibilityLevel 3-5 (3.3.2). */
static ntlm_status respond_v2(struct ntlm_ctx *c, const struct ntlm_wire_challenge *ch,
			      struct response *r)
{
	const struct ntlm_cred *cr = c->cred;
	struct ntlm_wire_avlist av;
	uint8_t flags_le[4], cc[8], ntowfv2[16], proof[16];
	uint8_t *spn16 = NULL;
	size_t spn16_len = 0;
	uint64_t ts = 0;
	struct ntlm_wr w;
	ntlm_status st;

	NTLM_TRY(ntlm_text_utf8_to_utf16le(c->target, &spn16, &spn16_len));
	NTLM_TRY_GOTO(st, client_avlist(c, ch, &av, flags_le, spn16, spn16_len, &r->timestamp),
		      out);
	if (!ntlm_wire_avlist_timestamp(&ch->av, &ts))
		ts = ntlm_ctx_filetime_now();
	NTLM_TRY_GOTO(st, ntlm_crypto_random(cc, sizeof(cc)), out);
	NTLM_TRY_GOTO(st, ntlm_auth_ntowfv2(cr->nt_hash, cr->user, cr->domain, ntowfv2), out);

	/* temp goes after the 16-byte NTProofStr in the NT response. */
	ntlm_wr_init(&w, r->nt + 16, sizeof(r->nt) - 16);
	ntlm_wire_ntlmv2_temp_encode(&w, ts, cc, &av);
	NTLM_TRY_GOTO(st, ntlm_wr_status(&w), out);
	ntlm_auth_ntlmv2_response(ntowfv2, ch->server_challenge, r->nt + 16, w.len, proof,
				  r->session_base_key);
	memcpy(r->nt, proof, 16);
	r->nt_len = 16 + w.len;
	r->lm_len = 24;
	if (r->timestamp)
		memset(r->lm, 0, 24); /* Z(24) when MsvAvTimestamp is present */
	else
		ntlm_auth_lmv2_response(ntowfv2, ch->server_challenge, cc, r->lm);
	memcpy(r->kxkey, r->session_base_key, 16);
	r->type = NTLM_RESP_NTLMV2;
	st = NTLM_OK;
out:
	ntlm_crypto_wipe(ntowfv2, sizeof(ntowfv2));
	ntlm_crypto_wipe(proof, sizeof(proof));
	ntlm_crypto_wipe(cc, sizeof(cc));
	free(spn16);
	return st;
}

/* Names in the negotiated charset. */
struct names {
	uint8_t *domain, *user, *ws;
	size_t domain_len, user_len, ws_len;
};

static void names_free(struct names *n)
{
	free(n->domain);
	free(n->user);
	free(n->ws);
}

static ntlm_status encode_names(const struct ntlm_ctx *c, struct names *n)
{
	bool uni = (c->flags & NTLMSSP_NEGOTIATE_UNICODE) != 0;
	NTLM_TRY(ntlm_wire_str_from_utf8(c->cred->domain, uni, &n->domain, &n->domain_len));
	NTLM_TRY(ntlm_wire_str_from_utf8(c->cred->user, uni, &n->user, &n->user_len));
	NTLM_TRY(ntlm_wire_str_from_utf8(c->nb_computer, uni, &n->ws, &n->ws_len));
	return NTLM_OK;
}

/* 9010: the client answered the CHALLENGE (whether the server accepts the
 * AUTHENTICATE is the server's record). Every fact of the exchange is known
 * here, so this is the client's record of a complete exchange. */
static void audit_answered(struct ntlm_ctx *c)
{
	struct ntlm_audit_event e;
	ntlm_audit_event_init(&e, NTLM_EVENT_OUT_ANSWERED, NTLM_AUDIT_OUTGOING,
			      NTLM_OUTCOME_SUCCESS);
	struct ntlm_buf b;
	ntlm_buf_fixed(&b, e.reason, sizeof(e.reason));
	ntlm_buf_printf(&b, "AUTHENTICATE (%s) sent to '", ntlm_wire_response_type_name(c->resp));
	ntlm_buf_escape(&b, c->target, strnlen(c->target, sizeof(c->target)), NTLM_ESCAPE_TEXT);
	ntlm_buf_puts(&b, "'");
	ntlm_ctx_audit(c, &e);
}

/* MS-NLMP 3.1.5.1.2: check the CHALLENGE against NtlmMinClientSec, compute the
 * response and keys, and build the AUTHENTICATE (with its MIC). */
static ntlm_status on_challenge(struct ntlm_ctx *c, const uint8_t *in, size_t in_len, uint8_t **out,
				size_t *out_len)
{
	struct ntlm_wire_challenge ch;
	struct ntlm_wire_authenticate am = { 0 };
	struct ntlm_verdict v;
	struct response r = { 0 };
	struct names n = { 0 };
	uint8_t enc_key[16], mic[16];
	uint8_t *buf = NULL;
	struct ntlm_wr w;
	ntlm_status st;

	NTLM_TRY_GOTO(st, ntlm_wire_challenge_decode(in, in_len, &ch), out);
	if (in_len > sizeof(c->chal)) {
		st = ntlm_err(NTLM_E_TOKEN_TOO_LARGE, "CHALLENGE of %zu bytes", in_len);
		goto out;
	}
	memcpy(c->chal, in, in_len);
	c->chal_len = in_len;
	memcpy(c->server_challenge, ch.server_challenge, 8);

	/* NtlmMinClientSec: every required bit must be among the server's flags. */
	ntlm_policy_check_min_sec(c->policy, false, ch.flags, &v);
	if (v.kind == NTLM_DENY) {
		c->flags = ch.flags;
		ntlm_ctx_audit_verdict(c, &v);
		st = ntlm_err(NTLM_E_POLICY_MIN_SEC, "%s", v.reason);
		goto out;
	}
	c->flags = final_flags(c, ch.flags);
	/* What the caller requires (ntlm_ctx_require): refused before any
	 * credential is used. Without a MIC (NTLMv1) nothing else would notice a
	 * CHALLENGE whose SIGN/SEAL were cleared in flight. */
	NTLM_TRY_GOTO(st, ntlm_ctx_check_protection(c, c->flags), out);

	/* LmCompatibilityLevel picks the response; sending NTLMv1 is audited. */
	enum ntlm_response_type type = ntlm_policy_client_response(c->policy, c->flags, &v);
	if (v.kind != NTLM_ALLOW)
		ntlm_ctx_audit_verdict(c, &v);

	/* 3.1.5.1.2: NTLMv2 with integrity or confidentiality needs both NetBIOS names. */
	if (type == NTLM_RESP_NTLMV2 &&
	    (c->flags & (NTLMSSP_NEGOTIATE_SIGN | NTLMSSP_NEGOTIATE_SEAL)) &&
	    (!ntlm_wire_avlist_find(&ch.av, MsvAvNbComputerName) ||
	     !ntlm_wire_avlist_find(&ch.av, MsvAvNbDomainName))) {
		st = ntlm_err(
			NTLM_E_LOGON_FAILURE,
			"CHALLENGE TargetInfo lacks MsvAvNbComputerName or MsvAvNbDomainName");
		goto out;
	}

	if (type == NTLM_RESP_NTLMV2)
		NTLM_TRY_GOTO(st, respond_v2(c, &ch, &r), out);
	else
		NTLM_TRY_GOTO(st, respond_v1(c, &ch, &r), out);

	/* Key exchange (3.1.5.1.2): a fresh exported key when KEY_EXCH is negotiated
	 * (we ask for it only with SIGN or SEAL). */
	if ((c->flags & NTLMSSP_NEGOTIATE_KEY_EXCH) &&
	    (c->flags & (NTLMSSP_NEGOTIATE_SIGN | NTLMSSP_NEGOTIATE_SEAL))) {
		NTLM_TRY_GOTO(st, ntlm_crypto_random(c->exported_key, 16), out);
		ntlm_auth_key_exchange(r.kxkey, c->exported_key, enc_key);
	} else {
		c->flags &= ~NTLMSSP_NEGOTIATE_KEY_EXCH;
		memcpy(c->exported_key, r.kxkey, 16);
	}
	c->has_key = true;

	NTLM_TRY_GOTO(st, encode_names(c, &n), out);
	am.flags = c->flags;
	am.lm_response = (struct ntlm_slice){ r.lm, r.lm_len };
	am.nt_response = (struct ntlm_slice){ r.nt, r.nt_len };
	am.domain = (struct ntlm_slice){ n.domain, n.domain_len };
	am.user = (struct ntlm_slice){ n.user, n.user_len };
	am.workstation = (struct ntlm_slice){ n.ws, n.ws_len };
	if (c->flags & NTLMSSP_NEGOTIATE_KEY_EXCH)
		am.enc_session_key = (struct ntlm_slice){ enc_key, 16 };
	am.has_version = (c->flags & NTLMSSP_NEGOTIATE_VERSION) != 0;
	am.version = our_version;
	am.has_mic = r.timestamp;
	c->mic = am.has_mic;

	buf = malloc(NTLM_MAX_TOKEN);
	if (!buf) {
		st = ntlm_err(NTLM_E_NOMEM, "out of memory");
		goto out;
	}
	ntlm_wr_init(&w, buf, NTLM_MAX_TOKEN);
	NTLM_TRY_GOTO(st, ntlm_wire_authenticate_encode(&am, &w), out);
	if (am.has_mic) {
		NTLM_TRY_GOTO(st,
			      ntlm_auth_mic(c->exported_key, c->neg, c->neg_len, c->chal,
					    c->chal_len, buf, w.len, NTLM_WIRE_MIC_OFFSET, mic),
			      out);
		ntlm_wr_patch_bytes(&w, NTLM_WIRE_MIC_OFFSET, mic, 16);
		NTLM_TRY_GOTO(st, ntlm_wr_status(&w), out);
	}
	NTLM_TRY_GOTO(st, ntlm_ctx_output(&w, out, out_len), out);

	c->resp = r.type;
	c->has_resp = true;
	snprintf(c->user, sizeof(c->user), "%s", c->cred->user);
	snprintf(c->domain, sizeof(c->domain), "%s", c->cred->domain);
	snprintf(c->workstation, sizeof(c->workstation), "%s", c->nb_computer);
	ntlm_session_init(&c->session, c->flags, c->exported_key, true);
	c->has_session = true;
	c->state = CTX_DONE;
	/* What went out, as the server will see it (respond_v2 always names
	 * the target), and the record of it (9010). */
	c->av_mic = am.has_mic ? NTLM_FACT_YES : NTLM_FACT_NO;
	c->av_cb = c->has_cb && r.type == NTLM_RESP_NTLMV2 ? NTLM_FACT_YES : NTLM_FACT_NO;
	c->av_tname = r.type == NTLM_RESP_NTLMV2 ? NTLM_FACT_YES : NTLM_FACT_NO;
	if (c->av_tname == NTLM_FACT_YES)
		snprintf(c->av_tname_value, sizeof(c->av_tname_value), "%s", c->target);
	audit_answered(c);
	st = NTLM_OK;
out:
	response_clear(&r);
	names_free(&n);
	ntlm_crypto_wipe(enc_key, sizeof(enc_key));
	ntlm_crypto_wipe(mic, sizeof(mic));
	if (buf) {
		ntlm_crypto_wipe(buf, NTLM_MAX_TOKEN);
		free(buf);
	}
	if (st != NTLM_OK)
		c->state = CTX_FAILED;
	return st;
}

typedef ntlm_status (*client_handler)(struct ntlm_ctx *c, const uint8_t *in, size_t in_len,
				      uint8_t **out, size_t *out_len);

static ntlm_status start(struct ntlm_ctx *c, const uint8_t *in, size_t in_len, uint8_t **out,
			 size_t *out_len)
{
	if (in || in_len)
		return fail(c, ntlm_err(NTLM_E_BAD_STATE,
					"client: the first ntlm_step takes no input token"));
	return send_negotiate(c, out, out_len);
}

static const struct {
	enum ntlm_ctx_state state;
	uint32_t expect; /* message type expected as input; 0 = none */
	client_handler handler;
} client_table[] = {
	{ CTX_INIT, 0, start },
	{ CTX_WAIT_CHALLENGE, NTLM_WIRE_CHALLENGE, on_challenge },
};

ntlm_status ntlm_ctx_client_step(struct ntlm_ctx *c, const uint8_t *in, size_t in_len,
				 uint8_t **out, size_t *out_len)
{
	for (size_t i = 0; i < ARRAY_SIZE(client_table); i++) {
		if (client_table[i].state != c->state)
			continue;
		if (client_table[i].expect) {
			uint32_t type;
			ntlm_status st = ntlm_wire_peek_type(in, in_len, &type);
			if (st != NTLM_OK)
				return fail(c, st);
			if (type != client_table[i].expect)
				return fail(c, ntlm_err(NTLM_E_BAD_MESSAGE_TYPE,
							"client expected a CHALLENGE_MESSAGE, "
							"got message type %u",
							type));
		}
		return client_table[i].handler(c, in, in_len, out, out_len);
	}
	return ntlm_err(NTLM_E_BAD_STATE, "client: ntlm_step after the exchange ended");
}
