/* SPDX-License-Identifier: MIT */
/*
 * wire: CHALLENGE_MESSAGE, MS-NLMP 2.2.1.2.
 *
 *   off size field
 *   0   8    Signature "NTLMSSP\0"
 *   8   4    MessageType = 2
 *   12  8    TargetNameFields
 *   20  4    NegotiateFlags
 *   24  8    ServerChallenge
 *   32  8    Reserved
 *   40  8    TargetInfoFields       (AV_PAIR list, 2.2.2.1)
 *   48  8    Version                (present: VERSION flag and room before the payload)
 *   48|56    Payload: TargetName, TargetInfo
 *
 * TargetName is UTF-16LE when UNICODE is set, else OEM; one of the two
 * must be set. An empty or absent TargetInfo decodes to an empty AV list.
 */
#include <string.h>

#include "wire/priv.h"

#define NAME "CHALLENGE_MESSAGE"

ntlm_status ntlm_wire_challenge_decode(const uint8_t *msg, size_t len,
				       struct ntlm_wire_challenge *out)
{
	const size_t fixed = NTLM_WIRE_CHALLENGE_FIXED;
	struct ntlm_secbuf sb[2];
	struct ntlm_rd r;
	ntlm_status st;

	memset(out, 0, sizeof(*out));
	NTLM_TRY(ntlm_wire_begin(&r, msg, len, NTLM_WIRE_CHALLENGE, fixed, NAME));
	NTLM_TRY(ntlm_rd_secbuf(&r, fixed, &sb[0], "TargetNameFields"));
	NTLM_TRY(ntlm_rd_u32le(&r, &out->flags, "NegotiateFlags"));
	NTLM_TRY(ntlm_rd_bytes(&r, out->server_challenge, 8, "ServerChallenge"));
	NTLM_TRY(ntlm_rd_bytes(&r, out->reserved, 8, "Reserved"));
	NTLM_TRY(ntlm_rd_secbuf(&r, fixed, &sb[1], "TargetInfoFields"));
	out->target_name = sb[0].data;
	out->target_info = sb[1].data;

	if ((out->flags & NTLMSSP_NEGOTIATE_VERSION) &&
	    ntlm_wire_payload_start(sb, ARRAY_SIZE(sb), len) >= fixed + 8) {
		NTLM_TRY(ntlm_wire_version_decode(&r, &out->version));
		out->has_version = true;
	}

	NTLM_TRY(ntlm_wire_need_charset(out->flags, NAME));
	NTLM_TRY(ntlm_wire_check_text(out->flags, out->target_name, "TargetName"));
	if (out->target_info.len) {
		st = ntlm_wire_avlist_decode(out->target_info, &out->av, NULL);
		if (st != NTLM_OK)
			return ntlm_wire_err_prefix(st, "TargetInfo");
	}
	return NTLM_OK;
}

ntlm_status ntlm_wire_challenge_encode(const struct ntlm_wire_challenge *m, struct ntlm_wr *w)
{
	struct ntlm_wr_secbuf target_name, target_info;

	NTLM_TRY(ntlm_wire_need_empty(w, NAME));
	ntlm_wire_put_header(w, NTLM_WIRE_CHALLENGE);
	ntlm_wr_secbuf_reserve(w, &target_name);
	ntlm_wr_u32le(w, m->flags);
	ntlm_wr_bytes(w, m->server_challenge, 8);
	ntlm_wr_bytes(w, m->reserved, 8);
	ntlm_wr_secbuf_reserve(w, &target_info);
	if (m->has_version)
		ntlm_wire_version_encode(w, &m->version);

	ntlm_wr_secbuf_put(w, &target_name, m->target_name.p, m->target_name.len);
	/* Absent TargetInfo: leave the reserved all-zero fields (4.2.2, 4.2.3). */
	if (m->target_info.len || (m->flags & NTLMSSP_NEGOTIATE_TARGET_INFO))
		ntlm_wr_secbuf_put(w, &target_info, m->target_info.p, m->target_info.len);
	return ntlm_wr_status(w);
}
