/* SPDX-License-Identifier: MIT */
/* Fuzz target: NEGOTIATE_MESSAGE decode; what decodes must re-encode and
 * decode to the same struct. */
#include <stdlib.h>

#include "../support/wire_eq.h"
#include "wire/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[3 * NTLM_MAX_TOKEN];
	struct ntlm_wire_negotiate a, b;
	struct ntlm_wr w;

	if (ntlm_wire_negotiate_decode(data, size, &a) != NTLM_OK)
		return 0;
	ntlm_wr_init(&w, out, sizeof(out));
	if (ntlm_wire_negotiate_encode(&a, &w) != NTLM_OK)
		abort();
	if (w.len > NTLM_MAX_TOKEN)
		return 0; /* overlapping buffers, written out twice */
	if (ntlm_wire_negotiate_decode(out, w.len, &b) != NTLM_OK)
		abort();
	if (!wq_negotiate(&a, &b))
		abort();
	return 0;
}
