/*
 * APIs not yet frozen. They may change between releases.
 */
#ifndef NTLMSSP_UNSTABLE_H
#define NTLMSSP_UNSTABLE_H

#include "../ntlmssp.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NTLM_DESCRIBE_TEXT 0u
#define NTLM_DESCRIBE_JSON 1u

/*
 * Decodes one NEGOTIATE, CHALLENGE or AUTHENTICATE message (raw bytes) and
 * renders every field as text or as one JSON object (with a trailing
 * newline). *out is allocated; release it with ntlm_free(). On a malformed
 * token the decoder's status is returned and nothing is allocated.
 */
NTLM_API NTLM_MUST_USE ntlm_status ntlm_token_describe(const uint8_t *token, size_t len,
						       unsigned format, char **out);

#ifdef __cplusplus
}
#endif
#endif
