/* SPDX-License-Identifier: MIT */
/* Fuzz target: CHALLENGE_MESSAGE decode (with its TargetInfo AV list); what
 * decodes must re-encode and decode to the same struct. */
#include <stdlib.h>

#include "../support/wire_eq.h"
#include "wire/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[3 * NTLM_MAX_TOKEN];
	struct ntlm_wire_challenge a, b;
	struct ntlm_wire_single_host sh;
	struct ntlm_wr w;
	uint32_t flags;
	uint64_t ts;
	char *name;

	if (ntlm_wire_challenge_decode(data, size, &a) != NTLM_OK)
		return 0;
	(void)ntlm_wire_avlist_flags(&a.av, &flags);
	(void)ntlm_wire_avlist_timestamp(&a.av, &ts);
	(void)ntlm_wire_avlist_single_host(&a.av, &sh);
	/* a TargetName that passed the UTF-16 check must convert */
	if (a.flags & NTLMSSP_NEGOTIATE_UNICODE) {
		if (ntlm_wire_str_to_utf8(a.target_name, true, &name, "TargetName") != NTLM_OK)
			abort();
		free(name);
	}

	ntlm_wr_init(&w, out, sizeof(out));
	if (ntlm_wire_challenge_encode(&a, &w) != NTLM_OK)
		abort();
	if (w.len > NTLM_MAX_TOKEN)
		return 0; /* overlapping buffers, written out twice */
	if (ntlm_wire_challenge_decode(out, w.len, &b) != NTLM_OK)
		abort();
	if (!wq_challenge(&a, &b))
		abort();
	return 0;
}
