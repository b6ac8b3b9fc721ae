/* SPDX-License-Identifier: MIT */
/* Fuzz target: the policy loaders (native config, security template INF, .reg;
 * the format is detected from the bytes, as ntlm_policy_load does). The
 * checks are in fuzz_policy.h; fuzz_policy_inf and fuzz_policy_reg force the
 * other two formats. */
#include "fuzz_policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_policy_load_check(data, size);
	return 0;
}
