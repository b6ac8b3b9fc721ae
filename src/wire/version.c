/* SPDX-License-Identifier: MIT */
/*
 * wire: VERSION, MS-NLMP 2.2.2.10.
 *
 *   off size field
 *   0   1    ProductMajorVersion
 *   1   1    ProductMinorVersion
 *   2   2    ProductBuild
 *   4   3    Reserved
 *   7   1    NTLMRevisionCurrent (NTLMSSP_REVISION_W2K3 = 0x0F)
 */
#include "wire/wire.h"

ntlm_status ntlm_wire_version_decode(struct ntlm_rd *r, struct ntlm_wire_version *v)
{
	NTLM_TRY(ntlm_rd_u8(r, &v->major, "Version.ProductMajorVersion"));
	NTLM_TRY(ntlm_rd_u8(r, &v->minor, "Version.ProductMinorVersion"));
	NTLM_TRY(ntlm_rd_u16le(r, &v->build, "Version.ProductBuild"));
	NTLM_TRY(ntlm_rd_bytes(r, v->reserved, sizeof(v->reserved), "Version.Reserved"));
	NTLM_TRY(ntlm_rd_u8(r, &v->revision, "Version.NTLMRevisionCurrent"));
	return NTLM_OK;
}

void ntlm_wire_version_encode(struct ntlm_wr *w, const struct ntlm_wire_version *v)
{
	ntlm_wr_u8(w, v->major);
	ntlm_wr_u8(w, v->minor);
	ntlm_wr_u16le(w, v->build);
	ntlm_wr_bytes(w, v->reserved, sizeof(v->reserved));
	ntlm_wr_u8(w, v->revision);
}
