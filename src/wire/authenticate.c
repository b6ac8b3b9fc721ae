/* SPDX-License-Identifier: MIT */
/*
 * wire: AUTHENTICATE_MESSAGE, MS-NLMP 2.2.1.3.
 *
 *   off size field
 *   0   8    Signature "NTLMSSP\0"
 *   8   4    MessageType = 3
 *   12  8    LmChallengeResponseFields
 *   20  8    NtChallengeResponseFields
 *   28  8    DomainNameFields
 *   36  8    UserNameFields
 *   44  8    WorkstationFields
 *   52  8    EncryptedRandomSessionKeyFields
 *   60  4    NegotiateFlags
 *   64  8    Version                (VERSION flag and payload at >= 72)
 *   72  16   MIC                    (payload at >= 88; bit 0x2 of MsvAvFlags says so)
 *   64|72|88 Payload: the six buffers, located only by their offsets
 *
 * Domain, user and workstation are UTF-16LE when UNICODE is set, else OEM;
 * one of the two must be set. We write the payload in the order of the
 * MS-NLMP 4.2 examples: Domain, User, Workstation, Lm, Nt, SessionKey.
 */
#include <string.h>

#include "wire/priv.h"

#define NAME "AUTHENTICATE_MESSAGE"

enum { LM, NT, DOMAIN, USER, WORKSTATION, SESSION_KEY, NBUF };

static const char *const fields[NBUF] = {
	[LM] = "LmChallengeResponseFields",  [NT] = "NtChallengeResponseFields",
	[DOMAIN] = "DomainNameFields",	     [USER] = "UserNameFields",
	[WORKSTATION] = "WorkstationFields", [SESSION_KEY] = "EncryptedRandomSessionKeyFields",
};

ntlm_status ntlm_wire_authenticate_decode(const uint8_t *msg, size_t len,
					  struct ntlm_wire_authenticate *out)
{
	const size_t fixed = NTLM_WIRE_AUTHENTICATE_FIXED;
	struct ntlm_secbuf sb[NBUF];
	struct ntlm_rd r;
	size_t payload;

	memset(out, 0, sizeof(*out));
	NTLM_TRY(ntlm_wire_begin(&r, msg, len, NTLM_WIRE_AUTHENTICATE, fixed, NAME));
	for (size_t i = 0; i < NBUF; i++)
		NTLM_TRY(ntlm_rd_secbuf(&r, fixed, &sb[i], fields[i]));
	NTLM_TRY(ntlm_rd_u32le(&r, &out->flags, "NegotiateFlags"));
	out->lm_response = sb[LM].data;
	out->nt_response = sb[NT].data;
	out->domain = sb[DOMAIN].data;
	out->user = sb[USER].data;
	out->workstation = sb[WORKSTATION].data;
	out->enc_session_key = sb[SESSION_KEY].data;

	payload = ntlm_wire_payload_start(sb, NBUF, len);
	if ((out->flags & NTLMSSP_NEGOTIATE_VERSION) && payload >= fixed + 8) {
		NTLM_TRY(ntlm_wire_version_decode(&r, &out->version));
		out->has_version = true;
	}
	if (payload >= NTLM_WIRE_MIC_OFFSET + sizeof(out->mic)) {
		r.pos = NTLM_WIRE_MIC_OFFSET; /* whether or not VERSION was read */
		NTLM_TRY(ntlm_rd_bytes(&r, out->mic, sizeof(out->mic), "MIC"));
		out->has_mic = true;
	}

	NTLM_TRY(ntlm_wire_need_charset(out->flags, NAME));
	NTLM_TRY(ntlm_wire_check_text(out->flags, out->domain, "DomainName"));
	NTLM_TRY(ntlm_wire_check_text(out->flags, out->user, "UserName"));
	NTLM_TRY(ntlm_wire_check_text(out->flags, out->workstation, "Workstation"));
	return NTLM_OK;
}

ntlm_status ntlm_wire_authenticate_encode(const struct ntlm_wire_authenticate *m, struct ntlm_wr *w)
{
	struct ntlm_wr_secbuf sb[NBUF];

	NTLM_TRY(ntlm_wire_need_empty(w, NAME));
	ntlm_wire_put_header(w, NTLM_WIRE_AUTHENTICATE);
	for (size_t i = 0; i < NBUF; i++)
		ntlm_wr_secbuf_reserve(w, &sb[i]);
	ntlm_wr_u32le(w, m->flags);
	if (m->has_version)
		ntlm_wire_version_encode(w, &m->version);
	else if (m->has_mic)
		ntlm_wr_zeros(w, 8);
	if (m->has_mic)
		ntlm_wr_bytes(w, m->mic, sizeof(m->mic));

	ntlm_wr_secbuf_put(w, &sb[DOMAIN], m->domain.p, m->domain.len);
	ntlm_wr_secbuf_put(w, &sb[USER], m->user.p, m->user.len);
	ntlm_wr_secbuf_put(w, &sb[WORKSTATION], m->workstation.p, m->workstation.len);
	ntlm_wr_secbuf_put(w, &sb[LM], m->lm_response.p, m->lm_response.len);
	ntlm_wr_secbuf_put(w, &sb[NT], m->nt_response.p, m->nt_response.len);
	ntlm_wr_secbuf_put(w, &sb[SESSION_KEY], m->enc_session_key.p, m->enc_session_key.len);
	return ntlm_wr_status(w);
}
