/* SPDX-License-Identifier: MIT */
/* Fuzz target: AUTHENTICATE_MESSAGE decode, response classification and,
 * for NTLMv2-sized NT responses, the NTLMv2 response decoder. What decodes
 * must re-encode and decode to the same struct. */
#include <stdlib.h>

#include "../support/wire_eq.h"
#include "wire/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Names that passed the UTF-16 check must convert. */
static void names(const struct ntlm_wire_authenticate *a)
{
	const struct ntlm_slice s[] = { a->domain, a->user, a->workstation };
	char *u;
	if (!(a->flags & NTLMSSP_NEGOTIATE_UNICODE))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(s); i++) {
		if (ntlm_wire_str_to_utf8(s[i], true, &u, "name") != NTLM_OK)
			abort();
		free(u);
	}
}

static void ntlmv2(struct ntlm_slice nt)
{
	static uint8_t out[NTLM_MAX_TOKEN];
	struct ntlm_wire_ntlmv2_response a, b;
	struct ntlm_wr w;

	if (ntlm_wire_ntlmv2_response_decode(nt, &a) != NTLM_OK)
		return;
	if (a.temp.len + 16 != nt.len || a.av_raw.len + a.trailing.len + 44 != nt.len)
		abort();
	ntlm_wr_init(&w, out, sizeof(out));
	ntlm_wr_bytes(&w, a.ntproofstr, sizeof(a.ntproofstr));
	ntlm_wire_ntlmv2_temp_encode(&w, a.timestamp, a.client_challenge, &a.av);
	if (ntlm_wr_status(&w) != NTLM_OK)
		abort();
	struct ntlm_slice again = { out, w.len };
	if (ntlm_wire_ntlmv2_response_decode(again, &b) != NTLM_OK)
		abort();
	if (!wq_ntlmv2(&a, &b))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[7 * NTLM_MAX_TOKEN];
	struct ntlm_wire_authenticate a, b;
	enum ntlm_response_type t;
	struct ntlm_wr w;

	if (ntlm_wire_authenticate_decode(data, size, &a) != NTLM_OK)
		return 0;
	names(&a);
	if (ntlm_wire_response_classify(&a, &t) == NTLM_OK && t == NTLM_RESP_NTLMV2)
		ntlmv2(a.nt_response);
	else if (a.nt_response.len >= 48)
		abort();

	ntlm_wr_init(&w, out, sizeof(out));
	if (ntlm_wire_authenticate_encode(&a, &w) != NTLM_OK)
		abort();
	if (w.len > NTLM_MAX_TOKEN)
		return 0; /* overlapping buffers, written out more than once */
	if (ntlm_wire_authenticate_decode(out, w.len, &b) != NTLM_OK)
		abort();
	if (!wq_authenticate(&a, &b))
		abort();
	return 0;
}
