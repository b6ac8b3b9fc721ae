/* SPDX-License-Identifier: MIT */
/*
 * The server state machine (MS-NLMP 3.2.5.1):
 *
 *   state                  input         handler          next
 *   CTX_INIT               NEGOTIATE     on_negotiate     CTX_WAIT_AUTHENTICATE (CHALLENGE out)
 *   CTX_WAIT_AUTHENTICATE  AUTHENTICATE  on_authenticate  CTX_DONE
 *
 * A context answers one challenge once: after CTX_DONE or CTX_FAILED every
 * further AUTHENTICATE is refused (NTLM_E_REPLAY).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accounts/verify.h"
#include "context/ctx.h"
#include "crypto/crypto.h"
#include "text/text.h"

static const struct ntlm_wire_version our_version = {
	10, 0, 20348, { 0, 0, 0 }, NTLMSSP_REVISION_W2K3
};

/* Flags a client may ask for that we grant when asked (3.2.5.1.1). LM_KEY
 * and DATAGRAM are never granted (docs/protocol.md). */
#define ECHO_FLAGS                                                                         \
	(NTLMSSP_NEGOTIATE_SIGN | NTLMSSP_NEGOTIATE_SEAL | NTLMSSP_NEGOTIATE_ALWAYS_SIGN | \
	 NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY | NTLMSSP_NEGOTIATE_VERSION |          \
	 NTLMSSP_NEGOTIATE_128 | NTLMSSP_NEGOTIATE_KEY_EXCH | NTLMSSP_NEGOTIATE_56 |       \
	 NTLMSSP_NEGOTIATE_IDENTIFY)

static ntlm_status fail(struct ntlm_ctx *c, ntlm_status st)
{
	c->state = CTX_FAILED;
	return st;
}

static uint32_t challenge_flags(uint32_t client)
{
	uint32_t f = (client & ECHO_FLAGS) | NTLMSSP_NEGOTIATE_NTLM |
		     NTLMSSP_NEGOTIATE_TARGET_INFO | NTLMSSP_REQUEST_TARGET |
		     NTLMSSP_TARGET_TYPE_DOMAIN;
	if (client & NTLMSSP_NEGOTIATE_UNICODE)
		f |= NTLMSSP_NEGOTIATE_UNICODE;
	else
		f |= NTLM_NEGOTIATE_OEM;
	return f;
}

/* Appends a UTF-16LE name pair; the bytes live in `store` until encoding. */
static ntlm_status add_name(struct ntlm_wire_avlist *av, uint16_t id, const char *name,
			    uint8_t **store)
{
	size_t len;
	if (!name[0])
		return NTLM_OK;
	NTLM_TRY(ntlm_text_utf8_to_utf16le(name, store, &len));
	return ntlm_wire_avlist_set(av, id, (struct ntlm_slice){ *store, len });
}

/* With a domain behind winbind, the CHALLENGE names the member as winbind
 * knows it: the DC checks MsvAvNbComputerName / MsvAvNbDomainName in the
 * NTLMv2 blob and refuses a right password when they differ. When winbindd
 * cannot be asked, the configured names stay: local accounts still work and
 * a domain logon fails at the AUTHENTICATE, with the cause. */
static void use_backend_names(struct ntlm_ctx *c)
{
	struct ntlm_verifier *vf = ntlm_accounts_first_verifier(c->accounts);
	struct ntlm_verify_names n;

	if (!vf || ntlm_verifier_names(vf, &n) != NTLM_OK)
		return;
	/* NetBIOS names have at most 15 characters; anything that does not
	 * fit is not a name winbind would report. */
	if (strlen(n.nb_computer) >= sizeof(c->nb_computer) ||
	    strlen(n.nb_domain) >= sizeof(c->nb_domain) ||
	    strlen(n.dns_domain) >= sizeof(c->dns_domain))
		return;
	memcpy(c->nb_computer, n.nb_computer, strlen(n.nb_computer) + 1);
	memcpy(c->nb_domain, n.nb_domain, strlen(n.nb_domain) + 1);
	if (n.dns_domain[0])
		memcpy(c->dns_domain, n.dns_domain, strlen(n.dns_domain) + 1);
	memcpy(c->target, c->nb_computer, strlen(c->nb_computer) + 1);
}

/* MS-NLMP 3.2.5.1.1: policy on the NEGOTIATE, then the CHALLENGE. */
static ntlm_status on_negotiate(struct ntlm_ctx *c, const uint8_t *in, size_t in_len, uint8_t **out,
				size_t *out_len)
{
	struct ntlm_wire_negotiate neg;
	struct ntlm_wire_challenge ch = { 0 };
	struct ntlm_verdict v;
	struct ntlm_wire_avlist av = { 0 };
	uint8_t *names[4] = { 0 }, *tname = NULL, ti[1024], ts_le[8];
	size_t tname_len = 0;
	struct ntlm_wr w, tw;
	ntlm_status st;

	NTLM_TRY_GOTO(st, ntlm_wire_negotiate_decode(in, in_len, &neg), out);
	memcpy(c->neg, in, in_len);
	c->neg_len = in_len;
	c->flags = neg.flags;
	c->peer_req = ((neg.flags & NTLMSSP_NEGOTIATE_SIGN) ? NTLM_REQ_INTEGRITY : 0) |
		      ((neg.flags & NTLMSSP_NEGOTIATE_SEAL) ? NTLM_REQ_CONFIDENTIALITY : 0);

	/* RestrictReceivingNTLMTraffic = 2 refuses here; audit 8002 when asked. */
	ntlm_policy_may_receive(c->policy, true, false, &v);
	if (v.kind != NTLM_ALLOW)
		ntlm_ctx_audit_verdict(c, &v);
	if (v.kind == NTLM_DENY) {
		st = ntlm_err(NTLM_E_POLICY_RECEIVE_BLOCKED, "%s", v.reason);
		goto out;
	}
	/* NtlmMinServerSec: every required bit must be offered. */
	ntlm_policy_check_min_sec(c->policy, true, neg.flags, &v);
	if (v.kind == NTLM_DENY) {
		ntlm_ctx_audit_verdict(c, &v);
		st = ntlm_err(NTLM_E_POLICY_MIN_SEC, "%s", v.reason);
		goto out;
	}

	use_backend_names(c);
	ch.flags = challenge_flags(neg.flags);
	/* A client that does not even offer what we require is refused here. */
	NTLM_TRY_GOTO(st, ntlm_ctx_check_protection(c, ch.flags), out);
	NTLM_TRY_GOTO(st, ntlm_crypto_random(c->server_challenge, 8), out);
	memcpy(ch.server_challenge, c->server_challenge, 8);
	NTLM_TRY_GOTO(st,
		      ntlm_wire_str_from_utf8(c->nb_domain, ch.flags & NTLMSSP_NEGOTIATE_UNICODE,
					      &tname, &tname_len),
		      out);
	ch.target_name = (struct ntlm_slice){ tname, tname_len };

	/* TargetInfo: names, and always MsvAvTimestamp (and never an empty MsvAvFlags). */
	NTLM_TRY_GOTO(st, add_name(&av, MsvAvNbDomainName, c->nb_domain, &names[0]), out);
	NTLM_TRY_GOTO(st, add_name(&av, MsvAvNbComputerName, c->nb_computer, &names[1]), out);
	NTLM_TRY_GOTO(st, add_name(&av, MsvAvDnsDomainName, c->dns_domain, &names[2]), out);
	NTLM_TRY_GOTO(st, add_name(&av, MsvAvDnsComputerName, c->dns_computer, &names[3]), out);
	uint64_t now = ntlm_ctx_filetime_now();
	for (int i = 0; i < 8; i++)
		ts_le[i] = (uint8_t)(now >> (8 * i));
	NTLM_TRY_GOTO(st,
		      ntlm_wire_avlist_set(&av, MsvAvTimestamp, (struct ntlm_slice){ ts_le, 8 }),
		      out);
	ntlm_wr_init(&tw, ti, sizeof(ti));
	ntlm_wire_avlist_encode(&tw, &av);
	NTLM_TRY_GOTO(st, ntlm_wr_status(&tw), out);
	ch.target_info = (struct ntlm_slice){ ti, tw.len };
	ch.has_version = (ch.flags & NTLMSSP_NEGOTIATE_VERSION) != 0;
	ch.version = our_version;

	ntlm_wr_init(&w, c->chal, sizeof(c->chal));
	NTLM_TRY_GOTO(st, ntlm_wire_challenge_encode(&ch, &w), out);
	c->chal_len = w.len;
	c->flags = ch.flags;
	NTLM_TRY_GOTO(st, ntlm_ctx_output(&w, out, out_len), out);
	c->state = CTX_WAIT_AUTHENTICATE;
	st = NTLM_CONTINUE;
out:
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		free(names[i]);
	free(tname);
	if (st != NTLM_CONTINUE)
		c->state = CTX_FAILED;
	return st;
}

/* Every pair we sent must come back with the same value (3.2.5.1.2). */
static ntlm_status check_target_info(const struct ntlm_ctx *c,
				     const struct ntlm_wire_avlist *client)
{
	struct ntlm_wire_challenge ch;
	NTLM_TRY(ntlm_wire_challenge_decode(c->chal, c->chal_len, &ch));
	for (size_t i = 0; i < ch.av.n; i++) {
		const struct ntlm_wire_av *ours = &ch.av.av[i];
		const struct ntlm_wire_av *theirs = ntlm_wire_avlist_find(client, ours->id);
		if (!theirs)
			return ntlm_err(NTLM_E_TARGET_INFO_ALTERED,
					"the client's AV pairs lack %s that the CHALLENGE carried",
					ntlm_wire_av_name(ours->id));
		if (theirs->value.len != ours->value.len ||
		    !ntlm_crypto_ct_eq(theirs->value.p, ours->value.p, ours->value.len))
			return ntlm_err(NTLM_E_TARGET_INFO_ALTERED,
					"the client's %s differs from the CHALLENGE's",
					ntlm_wire_av_name(ours->id));
	}
	return NTLM_OK;
}

static bool is_zero16(const uint8_t p[16])
{
	uint8_t acc = 0;
	for (int i = 0; i < 16; i++)
		acc |= p[i];
	return acc == 0;
}

/* Records a policy denial and returns its status with the verdict's reason. */
static ntlm_status deny(struct ntlm_ctx *c, const struct ntlm_verdict *v, ntlm_status st)
{
	ntlm_ctx_audit_verdict(c, v);
	return ntlm_err(st, "%s", v->reason);
}

/* Channel bindings: whether they must be there is policy (ChannelBindings
 * Off / Accept / Require); whether they match this channel is checked here. */
static ntlm_status check_bindings(struct ntlm_ctx *c, const struct ntlm_wire_avlist *av,
				  bool *audited)
{
	const struct ntlm_wire_av *cb = ntlm_wire_avlist_find(av, MsvAvChannelBindings);
	bool sent = cb && cb->value.len == 16 && !is_zero16(cb->value.p);
	struct ntlm_verdict v;

	switch (ntlm_policy_bindings_action(c->policy, sent, c->has_cb, &v)) {
	case NTLM_CBA_DENY:
		*audited = true;
		return deny(c, &v, NTLM_E_POLICY_BINDINGS_REQUIRED);
	case NTLM_CBA_NO_LOCAL:
		return ntlm_err(NTLM_E_BAD_BINDINGS,
				"ChannelBindings = Require but this server has no "
				"channel bindings to compare with");
	case NTLM_CBA_SKIP:
		return NTLM_OK;
	case NTLM_CBA_COMPARE:
		break;
	}
	if (!ntlm_crypto_ct_eq16(cb->value.p, c->cb_hash))
		return ntlm_err(NTLM_E_BAD_BINDINGS,
				"MsvAvChannelBindings does not match this channel");
	return NTLM_OK;
}

struct verified {
	uint8_t session_base_key[16];
	uint8_t kxkey[16];
	bool mic_flagged;
};

/* NTLMv2 (3.3.2 / 3.2.5.1.2): timestamp, NTProofStr, target info, bindings.
 * *audited is set when a policy verdict was already recorded. */
static ntlm_status verify_v2(struct ntlm_ctx *c, const struct ntlm_wire_authenticate *am,
			     const struct ntlm_account *acct, struct verified *out, uint32_t *event,
			     bool *audited)
{
	struct ntlm_wire_ntlmv2_response v2;
	struct ntlm_verdict v;
	uint8_t ntowfv2[16], proof[16];
	uint32_t avflags = 0;

	NTLM_TRY(ntlm_wire_ntlmv2_response_decode(am->nt_response, &v2));
	/* MaxClockSkew bounds the client's timestamp. */
	ntlm_policy_check_timestamp(c->policy, v2.timestamp, ntlm_ctx_filetime_now(), &v);
	if (v.kind == NTLM_DENY) {
		*audited = true;
		return deny(c, &v, NTLM_E_TIME_SKEW);
	}
	NTLM_TRY(ntlm_auth_ntowfv2(acct->nt_hash, c->user, c->domain, ntowfv2));
	ntlm_auth_ntlmv2_response(ntowfv2, c->server_challenge, v2.temp.p, v2.temp.len, proof,
				  out->session_base_key);
	bool ok = ntlm_crypto_ct_eq16(proof, v2.ntproofstr);
	ntlm_crypto_wipe(ntowfv2, sizeof(ntowfv2));
	ntlm_crypto_wipe(proof, sizeof(proof));
	if (!ok)
		return ntlm_err(NTLM_E_LOGON_FAILURE,
				"NTProofStr does not match the password of %s\\%s", c->domain,
				c->user);
	NTLM_TRY(check_target_info(c, &v2.av));
	*event = NTLM_EVENT_BAD_BINDINGS;
	NTLM_TRY(check_bindings(c, &v2.av, audited));
	(void)ntlm_wire_avlist_flags(&v2.av, &avflags);
	out->mic_flagged = (avflags & NTLM_AVFLAG_MIC_PRESENT) != 0;
	memcpy(out->kxkey, out->session_base_key, 16);
	*event = NTLM_EVENT_LOGON_FAILURE;
	return NTLM_OK;
}

/* NTLMv1 / NTLMv1-ESS (3.3.1). LM-only responses cannot be checked: the
 * store keeps NT hashes only. */
static ntlm_status verify_v1(struct ntlm_ctx *c, const struct ntlm_wire_authenticate *am,
			     const struct ntlm_account *acct, struct verified *out)
{
	uint8_t expect[24], lm[24];
	bool ok;

	if (c->resp == NTLM_RESP_LM)
		return ntlm_err(NTLM_E_LOGON_FAILURE,
				"LM-only response: the account store holds no LM hashes");
	if (c->resp == NTLM_RESP_NTLMV1_ESS) {
		if (am->lm_response.len < 8)
			return ntlm_err(NTLM_E_BAD_RESPONSE,
					"NTLMv1-ESS needs the client challenge in the LM field");
		ntlm_auth_ess_response(acct->nt_hash, c->server_challenge, am->lm_response.p,
				       expect, lm);
	} else {
		ntlm_auth_ntlmv1_response(acct->nt_hash, c->server_challenge, expect);
	}
	ok = ntlm_crypto_ct_eq(expect, am->nt_response.p, 24);
	ntlm_crypto_wipe(expect, sizeof(expect));
	if (!ok)
		return ntlm_err(NTLM_E_LOGON_FAILURE,
				"NTLMv1 response does not match the password of %s\\%s", c->domain,
				c->user);
	ntlm_auth_session_base_key_v1(acct->nt_hash, out->session_base_key);
	memset(lm, 0, sizeof(lm));
	if (am->lm_response.len) /* an empty LM field has no bytes (p may be NULL) */
		memcpy(lm, am->lm_response.p, am->lm_response.len < 24 ? am->lm_response.len : 24);
	ntlm_auth_kxkey_v1(c->flags & ~NTLMSSP_NEGOTIATE_LM_KEY, out->session_base_key,
			   acct->nt_hash, lm, c->server_challenge, out->kxkey);
	out->mic_flagged = false;
	return NTLM_OK;
}

/* A verifier (the domain, through winbind) checks the response. The checks
 * that need no key come first, so a skewed, altered or unbound blob never
 * reaches the domain controller (nor counts as a bad password there). The
 * keys follow from the SessionBaseKey it returns; the names it returns are
 * the canonical ones. */
static ntlm_status verify_remote(struct ntlm_ctx *c, const struct ntlm_wire_authenticate *am,
				 struct ntlm_verifier *vf, struct verified *out, uint32_t *event,
				 bool *audited)
{
	struct ntlm_verify_req req = { c->server_challenge, c->domain,	     c->user,
				       c->workstation,	    am->lm_response, am->nt_response };
	struct ntlm_verify_result r;
	struct ntlm_wire_ntlmv2_response v2;
	struct ntlm_verdict v;
	uint8_t lmowf[16] = { 0 }, lm[24] = { 0 }, ess_chal[8];
	uint32_t avflags = 0;
	ntlm_status st;

	out->mic_flagged = false;
	if (c->resp == NTLM_RESP_NTLMV2) {
		NTLM_TRY(ntlm_wire_ntlmv2_response_decode(am->nt_response, &v2));
		ntlm_policy_check_timestamp(c->policy, v2.timestamp, ntlm_ctx_filetime_now(), &v);
		if (v.kind == NTLM_DENY) {
			*audited = true;
			return deny(c, &v, NTLM_E_TIME_SKEW);
		}
		NTLM_TRY(check_target_info(c, &v2.av));
		*event = NTLM_EVENT_BAD_BINDINGS;
		NTLM_TRY(check_bindings(c, &v2.av, audited));
		*event = NTLM_EVENT_LOGON_FAILURE;
		(void)ntlm_wire_avlist_flags(&v2.av, &avflags);
		out->mic_flagged = (avflags & NTLM_AVFLAG_MIC_PRESENT) != 0;
	} else if (c->resp == NTLM_RESP_NTLMV1_ESS) {
		/* The DC checks an ESS response as plain NTLMv1 against
		 * MD5(SC || CC)[0..7]; the LM field (CC || zeros) is not a
		 * response and is not sent. */
		if (am->lm_response.len < 8)
			return ntlm_err(NTLM_E_BAD_RESPONSE,
					"NTLMv1-ESS needs the client challenge in the LM field");
		ntlm_auth_ess_challenge(c->server_challenge, am->lm_response.p, ess_chal);
		req.server_challenge = ess_chal;
		req.lm_response = (struct ntlm_slice){ NULL, 0 };
	}
	st = ntlm_verifier_verify(vf, &req, &r);
	if (st != NTLM_OK) {
		ntlm_verify_result_clear(&r);
		return st;
	}
	memcpy(out->session_base_key, r.session_base_key, 16);
	if (c->resp == NTLM_RESP_NTLMV2) {
		memcpy(out->kxkey, r.session_base_key, 16);
	} else {
		memcpy(lmowf, r.lm_session_key, 8);
		if (am->lm_response.len)
			memcpy(lm, am->lm_response.p,
			       am->lm_response.len < 24 ? am->lm_response.len : 24);
		ntlm_auth_kxkey_v1(c->flags & ~NTLMSSP_NEGOTIATE_LM_KEY, r.session_base_key, lmowf,
				   lm, c->server_challenge, out->kxkey);
	}
	snprintf(c->user, sizeof(c->user), "%s", r.user);
	snprintf(c->domain, sizeof(c->domain), "%s", r.domain);
	/* What the domain says the account is, not what the client claimed. */
	c->verified_domain_account = r.domain_account;
	c->has_verified_account = true;
	ntlm_verify_result_clear(&r);
	ntlm_crypto_wipe(lmowf, sizeof(lmowf));
	return NTLM_OK;
}

/* Asks each backend in lookup order; the first that knows the account
 * decides (a wrong password is final), only "no such user" moves on. */
static ntlm_status verify_response(struct ntlm_ctx *c, const struct ntlm_wire_authenticate *am,
				   struct ntlm_account *acct, struct verified *ver, uint32_t *event,
				   bool *audited)
{
	ntlm_status st = ntlm_err(NTLM_E_NO_SUCH_USER, "no account backend");

	for (struct ntlm_accounts *b = c->accounts; b; b = b->next) {
		if (b->verifier) {
			st = verify_remote(c, am, b->verifier, ver, event, audited);
		} else {
			st = ntlm_accounts_lookup(b, c->domain, c->user, acct);
			if (st == NTLM_OK)
				st = c->resp == NTLM_RESP_NTLMV2
					     ? verify_v2(c, am, acct, ver, event, audited)
					     : verify_v1(c, am, acct, ver);
		}
		if (st != NTLM_E_NO_SUCH_USER || *audited)
			break;
	}
	return st;
}

/* RestrictReceivingNTLMTraffic / AuditReceivingNTLMTraffic once more when
 * the domain said "domain account" of a logon whose claimed domain did not
 * look like one (an empty domain, say): the decision follows the account. */
static ntlm_status recheck_domain_account(struct ntlm_ctx *c, bool *audited)
{
	struct ntlm_verdict v;

	if (!c->has_verified_account || !c->verified_domain_account || c->domain_account)
		return NTLM_OK;
	c->domain_account = true;
	ntlm_policy_may_receive(c->policy, false, true, &v);
	if (v.kind == NTLM_DENY) {
		*audited = true;
		return deny(c, &v, NTLM_E_POLICY_RECEIVE_BLOCKED);
	}
	if (v.kind == NTLM_ALLOW_AUDIT)
		ntlm_ctx_audit_verdict(c, &v);
	return NTLM_OK;
}

void ntlm_ctx_server_result(struct ntlm_ctx *c, uint32_t id, enum ntlm_audit_outcome outcome)
{
	struct ntlm_audit_event e;
	ntlm_audit_event_init(&e, id, NTLM_AUDIT_INCOMING, outcome);
	NTLM_AUDIT_SET(&e, reason,
		       outcome == NTLM_OUTCOME_SUCCESS ? "authenticated" : ntlm_error_message());
	ntlm_ctx_audit(c, &e);
}

/* What the AUTHENTICATE claims (MIC, bindings, target name), before it is
 * verified, for the audit records' facts: an NTLMv1 or LM response carries
 * none of them. Leaves the thread's error detail as it was. */
static void note_av_facts(struct ntlm_ctx *c, const struct ntlm_wire_authenticate *am)
{
	struct ntlm_wire_ntlmv2_response v2;
	char saved[256];
	uint32_t avflags = 0;

	c->av_mic = c->av_cb = c->av_tname = NTLM_FACT_NO;
	if (c->resp != NTLM_RESP_NTLMV2)
		return;
	ntlm_audit_set_str(saved, sizeof(saved), ntlm_error_message());
	if (ntlm_wire_ntlmv2_response_decode(am->nt_response, &v2) != NTLM_OK) {
		c->av_mic = c->av_cb = c->av_tname = NTLM_FACT_UNKNOWN;
		(void)ntlm_err(NTLM_OK, "%s", saved);
		return;
	}
	(void)ntlm_wire_avlist_flags(&v2.av, &avflags);
	if (avflags & NTLM_AVFLAG_MIC_PRESENT)
		c->av_mic = NTLM_FACT_YES;
	const struct ntlm_wire_av *cb = ntlm_wire_avlist_find(&v2.av, MsvAvChannelBindings);
	if (cb && cb->value.len == 16 && !is_zero16(cb->value.p))
		c->av_cb = NTLM_FACT_YES;
	const struct ntlm_wire_av *tn = ntlm_wire_avlist_find(&v2.av, MsvAvTargetName);
	if (tn) {
		char *u = NULL;
		c->av_tname = NTLM_FACT_YES;
		if (ntlm_text_utf16le_to_utf8(tn->value.p, tn->value.len, &u, "MsvAvTargetName") ==
		    NTLM_OK)
			ntlm_audit_set_str(c->av_tname_value, sizeof(c->av_tname_value), u);
		free(u);
	}
	(void)ntlm_err(NTLM_OK, "%s", saved);
}

/* Decodes the AUTHENTICATE and copies the names out. */
static ntlm_status read_authenticate(struct ntlm_ctx *c, const uint8_t *in, size_t in_len,
				     struct ntlm_wire_authenticate *am)
{
	NTLM_TRY(ntlm_wire_authenticate_decode(in, in_len, am));
	NTLM_TRY(ntlm_wire_response_classify(am, &c->resp));
	c->has_resp = true;
	note_av_facts(c, am);
	NTLM_TRY(ntlm_ctx_wire_string(am->user, am->flags, c->user, sizeof(c->user), "UserName"));
	NTLM_TRY(ntlm_ctx_wire_string(am->domain, am->flags, c->domain, sizeof(c->domain),
				      "DomainName"));
	NTLM_TRY(ntlm_ctx_wire_string(am->workstation, am->flags, c->workstation,
				      sizeof(c->workstation), "Workstation"));
	return NTLM_OK;
}

/* The checks that need no password: the required protection and
 * NtlmMinServerSec on the final flags, LmCompatibilityLevel / AllowAnonymous,
 * RestrictReceivingNTLMTraffic. */
static ntlm_status policy_checks(struct ntlm_ctx *c)
{
	struct ntlm_verdict v;

	/* What the caller requires (ntlm_ctx_require); anonymous gets no keys. */
	NTLM_TRY(ntlm_ctx_check_protection(
		c, c->resp == NTLM_RESP_ANONYMOUS
			   ? c->flags & ~(NTLMSSP_NEGOTIATE_SIGN | NTLMSSP_NEGOTIATE_SEAL)
			   : c->flags));

	ntlm_policy_check_min_sec(c->policy, true, c->flags, &v);
	if (v.kind == NTLM_DENY)
		return deny(c, &v, NTLM_E_POLICY_MIN_SEC);
	ntlm_policy_accept_response(c->policy, c->resp, &v);
	if (v.kind == NTLM_DENY)
		return deny(c, &v,
			    c->resp == NTLM_RESP_ANONYMOUS ? NTLM_E_POLICY_ANONYMOUS
							   : NTLM_E_POLICY_RESPONSE_REFUSED);
	if (v.kind == NTLM_ALLOW_AUDIT)
		ntlm_ctx_audit_verdict(c, &v);
	c->domain_account = ntlm_accounts_is_domain_account(c->domain, c->nb_computer);
	ntlm_policy_may_receive(c->policy, false, c->domain_account, &v);
	if (v.kind == NTLM_DENY)
		return deny(c, &v, NTLM_E_POLICY_RECEIVE_BLOCKED);
	if (v.kind == NTLM_ALLOW_AUDIT)
		ntlm_ctx_audit_verdict(c, &v);
	return NTLM_OK;
}

/* MS-NLMP 3.2.5.1.2. */
static ntlm_status on_authenticate(struct ntlm_ctx *c, const uint8_t *in, size_t in_len,
				   uint8_t **out, size_t *out_len)
{
	struct ntlm_wire_authenticate am;
	struct ntlm_verdict v;
	struct ntlm_account acct = { 0 };
	struct verified ver = { 0 };
	uint8_t mic[16];
	uint32_t event = NTLM_EVENT_LOGON_FAILURE;
	bool audited = false;
	ntlm_status st;

	(void)out;
	(void)out_len;
	NTLM_TRY_GOTO(st, read_authenticate(c, in, in_len, &am), failed);
	/* The final flags: what we offered that the client kept. */
	c->flags &= am.flags | NTLMSSP_NEGOTIATE_TARGET_INFO | NTLMSSP_TARGET_TYPE_DOMAIN;

	st = policy_checks(c);
	if (st != NTLM_OK) {
		audited = true;
		goto failed;
	}
	if (c->resp == NTLM_RESP_ANONYMOUS) {
		/* Allowed by AllowAnonymous: no identity, no keys. */
		c->user[0] = c->domain[0] = '\0';
		c->flags &= ~(NTLMSSP_NEGOTIATE_SIGN | NTLMSSP_NEGOTIATE_SEAL |
			      NTLMSSP_NEGOTIATE_KEY_EXCH);
		goto success;
	}

	st = verify_response(c, &am, &acct, &ver, &event, &audited);
	if (st != NTLM_OK)
		goto failed;
	st = recheck_domain_account(c, &audited);
	if (st != NTLM_OK)
		goto failed;

	/* Key exchange. */
	if (c->flags & NTLMSSP_NEGOTIATE_KEY_EXCH) {
		if (am.enc_session_key.len != 16) {
			st = ntlm_err(NTLM_E_BAD_KEY_EXCHANGE,
				      "KEY_EXCH negotiated but EncryptedRandomSessionKey has %zu "
				      "bytes",
				      am.enc_session_key.len);
			goto failed;
		}
		ntlm_auth_key_exchange(ver.kxkey, am.enc_session_key.p, c->exported_key);
	} else {
		memcpy(c->exported_key, ver.kxkey, 16);
	}
	c->has_key = true;

	/* MIC: verified when MsvAvFlags announces it; RequireMIC decides its absence. */
	event = NTLM_EVENT_MIC_FAILURE;
	if (ver.mic_flagged) {
		if (!am.has_mic) {
			st = ntlm_err(
				NTLM_E_MIC_MISMATCH,
				"MsvAvFlags announces a MIC but the message has no MIC field");
			goto failed;
		}
		NTLM_TRY_GOTO(st,
			      ntlm_auth_mic(c->exported_key, c->neg, c->neg_len, c->chal,
					    c->chal_len, in, in_len, NTLM_WIRE_MIC_OFFSET, mic),
			      failed);
		if (!ntlm_crypto_ct_eq16(mic, am.mic)) {
			st = ntlm_err(NTLM_E_MIC_MISMATCH, "the MIC does not verify");
			goto failed;
		}
		c->mic = true;
	}
	ntlm_policy_check_mic(c->policy, ver.mic_flagged, &v);
	if (v.kind == NTLM_DENY) {
		st = deny(c, &v, NTLM_E_POLICY_MIC_REQUIRED);
		audited = true;
		goto failed;
	}

	if (c->flags &
	    (NTLMSSP_NEGOTIATE_SIGN | NTLMSSP_NEGOTIATE_SEAL | NTLMSSP_NEGOTIATE_ALWAYS_SIGN)) {
		ntlm_session_init(&c->session, c->flags, c->exported_key, false);
		c->has_session = true;
	}
success:
	c->state = CTX_DONE;
	/* Under SPNEGO the mechListMIC is still to be checked (spnego.c). */
	if (!c->spnego_defer)
		ntlm_ctx_server_result(c, NTLM_EVENT_SUCCESS, NTLM_OUTCOME_SUCCESS);
	st = NTLM_OK;
	goto out;

failed:
	if (!audited)
		ntlm_ctx_server_result(c, event,
				       ntlm_status_kind(st) == NTLM_KIND_POLICY_DENIED
					       ? NTLM_OUTCOME_BLOCKED
					       : NTLM_OUTCOME_FAILED);
out:
	ntlm_account_clear(&acct);
	ntlm_crypto_wipe(&ver, sizeof(ver));
	ntlm_crypto_wipe(mic, sizeof(mic));
	if (st != NTLM_OK) {
		c->state = CTX_FAILED;
		ntlm_crypto_wipe(c->exported_key, 16);
		c->has_key = false;
	}
	return st;
}

typedef ntlm_status (*server_handler)(struct ntlm_ctx *c, const uint8_t *in, size_t in_len,
				      uint8_t **out, size_t *out_len);

static const struct {
	enum ntlm_ctx_state state;
	uint32_t expect;
	server_handler handler;
} server_table[] = {
	{ CTX_INIT, NTLM_WIRE_NEGOTIATE, on_negotiate },
	{ CTX_WAIT_AUTHENTICATE, NTLM_WIRE_AUTHENTICATE, on_authenticate },
};

/* The backends in lookup order, as verify_response asks them, up to the
 * first that may wait; the file stores before it are asked for the name
 * (their answer is kept nowhere). */
int ntlm_ctx_server_may_wait(struct ntlm_ctx *c, const uint8_t *in, size_t in_len)
{
	struct ntlm_wire_authenticate am;
	struct ntlm_account acct;
	char user[sizeof(c->user)], domain[sizeof(c->domain)];
	uint32_t type;
	int r = 0;

	if (c->state != CTX_WAIT_AUTHENTICATE || !ntlm_accounts_chain_may_wait(c->accounts) ||
	    ntlm_wire_peek_type(in, in_len, &type) != NTLM_OK || type != NTLM_WIRE_AUTHENTICATE ||
	    ntlm_wire_authenticate_decode(in, in_len, &am) != NTLM_OK ||
	    ntlm_ctx_wire_string(am.user, am.flags, user, sizeof(user), "UserName") != NTLM_OK ||
	    ntlm_ctx_wire_string(am.domain, am.flags, domain, sizeof(domain), "DomainName") !=
		    NTLM_OK)
		return 0;
	if (!user[0])
		return 0; /* anonymous: no backend is asked */
	for (struct ntlm_accounts *b = c->accounts; b; b = b->next) {
		if (ntlm_accounts_backend_may_wait(b)) {
			r = 1;
			break;
		}
		if (ntlm_accounts_lookup(b, domain, user, &acct) != NTLM_E_NO_SUCH_USER)
			break; /* this store decides (or fails at once) */
	}
	ntlm_account_clear(&acct);
	return r;
}

ntlm_status ntlm_ctx_server_step(struct ntlm_ctx *c, const uint8_t *in, size_t in_len,
				 uint8_t **out, size_t *out_len)
{
	uint32_t type;
	ntlm_status st = ntlm_wire_peek_type(in, in_len, &type);

	if (st != NTLM_OK)
		return fail(c, st);
	if ((c->state == CTX_DONE || c->state == CTX_FAILED) && type == NTLM_WIRE_AUTHENTICATE) {
		st = ntlm_err(NTLM_E_REPLAY,
			      "this context's challenge was already answered; a second "
			      "AUTHENTICATE is refused");
		ntlm_ctx_server_result(c, NTLM_EVENT_REPLAY, NTLM_OUTCOME_FAILED);
		return fail(c, st);
	}
	/* An AUTHENTICATE for a challenge this context never issued: a replay,
	 * or (HTTP) a client that moved to a new connection mid-handshake. It is
	 * refused as out of order, and audited, since it carries credentials. */
	if (c->state == CTX_INIT && type == NTLM_WIRE_AUTHENTICATE) {
		st = ntlm_err(NTLM_E_BAD_MESSAGE_TYPE,
			      "server expected message type %u, got an AUTHENTICATE for a "
			      "challenge this context never issued (replayed, or sent on "
			      "another connection)",
			      (unsigned)NTLM_WIRE_NEGOTIATE);
		ntlm_ctx_server_result(c, NTLM_EVENT_REPLAY, NTLM_OUTCOME_FAILED);
		return fail(c, st);
	}
	for (size_t i = 0; i < ARRAY_SIZE(server_table); i++) {
		if (server_table[i].state != c->state)
			continue;
		if (type != server_table[i].expect)
			return fail(c, ntlm_err(NTLM_E_BAD_MESSAGE_TYPE,
						"server expected message type %u, got %u",
						server_table[i].expect, type));
		return server_table[i].handler(c, in, in_len, out, out_len);
	}
	return ntlm_err(NTLM_E_BAD_STATE, "server: ntlm_step after the exchange ended");
}
