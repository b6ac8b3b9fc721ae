/* SPDX-License-Identifier: MIT */
/*
 * api/common.c: the small public functions of include/ntlmssp.h that are
 * not part of a state machine: memory release, flag names, password hashes.
 *
 * Each entry point clears the thread's error detail first, checks its
 * arguments, and wipes every intermediate secret before returning. On
 * failure the 16-byte output is zeroed, so a caller that ignores the status
 * never uses a half-computed hash.
 */
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "crypto/crypto.h"
#include "wire/wire.h"

void ntlm_free(void *p)
{
	free(p);
}

const char *ntlm_flag_name(uint32_t bit)
{
	return ntlm_wire_flag_name(bit);
}

/* MS-NLMP 3.3.1: NTOWFv1 */
ntlm_status ntlm_hash_nt(const char *password, uint8_t out[16])
{
	uint8_t h[16];
	ntlm_status st;

	ntlm_err_clear();
	if (!password || !out)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "ntlm_hash_nt: NULL argument");
	NTLM_TRY_GOTO(st, ntlm_auth_ntowfv1(password, h), out);
	memcpy(out, h, sizeof(h));
out:
	if (st != NTLM_OK)
		ntlm_crypto_wipe(out, 16);
	ntlm_crypto_wipe(h, sizeof(h));
	return st;
}

/* MS-NLMP 3.3.1: LMOWFv1 */
ntlm_status ntlm_hash_lm(const char *password, uint8_t out[16])
{
	uint8_t h[16];
	ntlm_status st;

	ntlm_err_clear();
	if (!password || !out)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "ntlm_hash_lm: NULL argument");
	NTLM_TRY_GOTO(st, ntlm_auth_lmowfv1(password, h), out);
	memcpy(out, h, sizeof(h));
out:
	if (st != NTLM_OK)
		ntlm_crypto_wipe(out, 16);
	ntlm_crypto_wipe(h, sizeof(h));
	return st;
}

/* MS-NLMP 3.3.2: NTOWFv2 (= LMOWFv2) */
ntlm_status ntlm_hash_ntv2(const char *password, const char *user, const char *domain,
			   uint8_t out[16])
{
	uint8_t v1[16], h[16];
	ntlm_status st;

	ntlm_err_clear();
	if (!password || !user || !domain || !out)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "ntlm_hash_ntv2: NULL argument");
	NTLM_TRY_GOTO(st, ntlm_auth_ntowfv1(password, v1), out);
	NTLM_TRY_GOTO(st, ntlm_auth_ntowfv2(v1, user, domain, h), out);
	memcpy(out, h, sizeof(h));
out:
	if (st != NTLM_OK)
		ntlm_crypto_wipe(out, 16);
	ntlm_crypto_wipe(v1, sizeof(v1));
	ntlm_crypto_wipe(h, sizeof(h));
	return st;
}
