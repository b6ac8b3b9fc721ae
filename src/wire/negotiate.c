/* SPDX-License-Identifier: MIT */
/*
 * wire: NEGOTIATE_MESSAGE, MS-NLMP 2.2.1.1.
 *
 *   off size field
 *   0   8    Signature "NTLMSSP\0"
 *   8   4    MessageType = 1
 *   12  4    NegotiateFlags
 *   16  8    DomainNameFields       (OEM; meaningful with OEM_DOMAIN_SUPPLIED)
 *   24  8    WorkstationFields      (OEM; with OEM_WORKSTATION_SUPPLIED)
 *   32  8    Version                (present: VERSION flag and room before the payload)
 *   32|40    Payload: DomainName, WorkstationName
 *
 * The flags only request a charset here, so neither UNICODE nor OEM is fine.
 */
#include "wire/priv.h"

#define NAME "NEGOTIATE_MESSAGE"

ntlm_status ntlm_wire_negotiate_decode(const uint8_t *msg, size_t len,
				       struct ntlm_wire_negotiate *out)
{
	const size_t fixed = NTLM_WIRE_NEGOTIATE_FIXED;
	struct ntlm_secbuf sb[2];
	struct ntlm_rd r;

	*out = (struct ntlm_wire_negotiate){ 0 };
	NTLM_TRY(ntlm_wire_begin(&r, msg, len, NTLM_WIRE_NEGOTIATE, fixed, NAME));
	NTLM_TRY(ntlm_rd_u32le(&r, &out->flags, "NegotiateFlags"));
	NTLM_TRY(ntlm_rd_secbuf(&r, fixed, &sb[0], "DomainNameFields"));
	NTLM_TRY(ntlm_rd_secbuf(&r, fixed, &sb[1], "WorkstationFields"));
	out->domain = sb[0].data;
	out->workstation = sb[1].data;

	if ((out->flags & NTLMSSP_NEGOTIATE_VERSION) &&
	    ntlm_wire_payload_start(sb, ARRAY_SIZE(sb), len) >= fixed + 8) {
		NTLM_TRY(ntlm_wire_version_decode(&r, &out->version));
		out->has_version = true;
	}
	return NTLM_OK;
}

ntlm_status ntlm_wire_negotiate_encode(const struct ntlm_wire_negotiate *m, struct ntlm_wr *w)
{
	struct ntlm_wr_secbuf domain, workstation;

	NTLM_TRY(ntlm_wire_need_empty(w, NAME));
	ntlm_wire_put_header(w, NTLM_WIRE_NEGOTIATE);
	ntlm_wr_u32le(w, m->flags);
	ntlm_wr_secbuf_reserve(w, &domain);
	ntlm_wr_secbuf_reserve(w, &workstation);
	if (m->has_version)
		ntlm_wire_version_encode(w, &m->version);

	ntlm_wr_secbuf_put(w, &domain, m->domain.p, m->domain.len);
	ntlm_wr_secbuf_put(w, &workstation, m->workstation.p, m->workstation.len);
	return ntlm_wr_status(w);
}
