/* SPDX-License-Identifier: MIT */
/* Fuzz target: AV_PAIR list decode (and the NTLMv2 response decoder on the
 * same bytes). A list that decodes must re-encode to exactly the bytes
 * consumed and decode to the same list. */
#include <stdlib.h>
#include <string.h>

#include "../support/wire_eq.h"
#include "wire/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[NTLM_MAX_TOKEN * 2 + 64];
	struct ntlm_wire_avlist a, b;
	struct ntlm_wire_ntlmv2_response r;
	struct ntlm_slice in = { data, size };
	size_t used, used2;
	struct ntlm_wr w;

	if (ntlm_wire_ntlmv2_response_decode(in, &r) == NTLM_OK &&
	    r.av_raw.len + r.trailing.len + 44 != size)
		abort();
	if (size > sizeof(out))
		return 0;
	if (ntlm_wire_avlist_decode(in, &a, &used) != NTLM_OK)
		return 0;
	ntlm_wr_init(&w, out, sizeof(out));
	ntlm_wire_avlist_encode(&w, &a);
	if (ntlm_wr_status(&w) != NTLM_OK)
		abort();
	/* the wire form is canonical: re-encoding gives back the bytes read */
	if (w.len != used || memcmp(out, data, used) != 0)
		abort();
	struct ntlm_slice again = { out, w.len };
	if (ntlm_wire_avlist_decode(again, &b, &used2) != NTLM_OK || used2 != used)
		abort();
	if (!wq_avlist(&a, &b))
		abort();
	return 0;
}
