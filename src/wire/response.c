/* SPDX-License-Identifier: MIT */
/*
 * wire: the LM/NT challenge responses. Classification by shape (MS-NLMP
 * 3.2.5.1.2, 3.3) and the NTLMv2 response, 2.2.2.8 / 2.2.2.7:
 *
 *   off size field
 *   0   16   NTProofStr
 *   16  1    RespType = 1           NTLMv2_CLIENT_CHALLENGE ("temp") from here
 *   17  1    HiRespType = 1
 *   18  2    Reserved1
 *   20  4    Reserved2
 *   24  8    TimeStamp (FILETIME)
 *   32  8    ChallengeFromClient
 *   40  4    Reserved3
 *   44  ...  AvPairs, ending in MsvAvEOL
 *   ...      trailing bytes: Z(4) in temp (3.3.2), Windows may send more
 */
#include "wire/priv.h"

#define NTLMV1_LEN 24u
#define NTPROOFSTR_LEN 16u
#define CLIENT_CHALLENGE_HDR 28u
#define NTLMV2_MIN (NTPROOFSTR_LEN + CLIENT_CHALLENGE_HDR + 4u) /* + MsvAvEOL */

static const char *const type_names[] = {
	[NTLM_RESP_ANONYMOUS] = "anonymous", [NTLM_RESP_LM] = "LM",
	[NTLM_RESP_NTLMV1] = "NTLMv1",	     [NTLM_RESP_NTLMV1_ESS] = "NTLMv1-ESS",
	[NTLM_RESP_NTLMV2] = "NTLMv2",
};

const char *ntlm_wire_response_type_name(enum ntlm_response_type t)
{
	if ((unsigned)t < ARRAY_SIZE(type_names))
		return type_names[t];
	return "unknown";
}

ntlm_status ntlm_wire_response_classify(const struct ntlm_wire_authenticate *m,
					enum ntlm_response_type *t)
{
	size_t nt = m->nt_response.len, lm = m->lm_response.len;

	if (nt == 0 && (lm == 0 || (lm == 1 && m->lm_response.p[0] == 0))) {
		*t = NTLM_RESP_ANONYMOUS;
	} else if (nt == 0 && lm == NTLMV1_LEN) {
		*t = NTLM_RESP_LM;
	} else if (nt == NTLMV1_LEN) {
		*t = (m->flags & NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY) ? NTLM_RESP_NTLMV1_ESS
									     : NTLM_RESP_NTLMV1;
	} else if (nt >= NTLMV2_MIN) {
		*t = NTLM_RESP_NTLMV2;
	} else {
		return ntlm_err(NTLM_E_BAD_RESPONSE,
				"NtChallengeResponse: %zu bytes with a %zu-byte "
				"LmChallengeResponse fits no response type",
				nt, lm);
	}
	return NTLM_OK;
}

ntlm_status ntlm_wire_ntlmv2_response_decode(struct ntlm_slice nt,
					     struct ntlm_wire_ntlmv2_response *out)
{
	struct ntlm_rd r;
	size_t used;
	ntlm_status st;

	*out = (struct ntlm_wire_ntlmv2_response){ 0 };
	if (nt.len < NTLMV2_MIN)
		return ntlm_err(NTLM_E_BAD_RESPONSE,
				"NTLMv2_RESPONSE: %zu bytes, shorter than the %u-byte minimum",
				nt.len, NTLMV2_MIN);
	ntlm_rd_init(&r, nt.p, nt.len);
	NTLM_TRY(ntlm_rd_bytes(&r, out->ntproofstr, NTPROOFSTR_LEN, "NTProofStr"));
	out->temp.p = nt.p + r.pos;
	out->temp.len = ntlm_rd_left(&r);
	NTLM_TRY(ntlm_rd_u8(&r, &out->resp_type, "RespType"));
	NTLM_TRY(ntlm_rd_u8(&r, &out->hi_resp_type, "HiRespType"));
	if (out->resp_type != 1 || out->hi_resp_type != 1)
		return ntlm_err(NTLM_E_BAD_RESPONSE,
				"NTLMv2_CLIENT_CHALLENGE: RespType %u / HiRespType %u, must be 1",
				out->resp_type, out->hi_resp_type);
	NTLM_TRY(ntlm_rd_skip(&r, 2 + 4, "Reserved1/Reserved2"));
	NTLM_TRY(ntlm_rd_u64le(&r, &out->timestamp, "TimeStamp"));
	NTLM_TRY(ntlm_rd_bytes(&r, out->client_challenge, 8, "ChallengeFromClient"));
	NTLM_TRY(ntlm_rd_skip(&r, 4, "Reserved3"));

	struct ntlm_slice rest = { nt.p + r.pos, ntlm_rd_left(&r) };
	st = ntlm_wire_avlist_decode(rest, &out->av, &used);
	if (st != NTLM_OK)
		return ntlm_wire_err_prefix(st, "NTLMv2_CLIENT_CHALLENGE.AvPairs");
	out->av_raw.p = rest.p;
	out->av_raw.len = used;
	out->trailing.len = rest.len - used;
	out->trailing.p = out->trailing.len ? rest.p + used : NULL;
	return NTLM_OK;
}

void ntlm_wire_ntlmv2_temp_encode(struct ntlm_wr *w, uint64_t timestamp,
				  const uint8_t client_challenge[8],
				  const struct ntlm_wire_avlist *av)
{
	ntlm_wr_u8(w, 1); /* RespType */
	ntlm_wr_u8(w, 1); /* HiRespType */
	ntlm_wr_zeros(w, 2 + 4);
	ntlm_wr_u64le(w, timestamp);
	ntlm_wr_bytes(w, client_challenge, 8);
	ntlm_wr_zeros(w, 4);
	ntlm_wire_avlist_encode(w, av);
	ntlm_wr_zeros(w, 4);
}
