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

/*
 * Decodes a token as people paste it: bare base64, "NTLM <base64>",
 * "Negotiate <base64>", a whole header line ("Authorization: NTLM <base64>",
 * "WWW-Authenticate: Negotiate <base64>", Proxy-Authorization,
 * Proxy-Authenticate; names and schemes case-insensitive), or hex (an even
 * number of hex digits, whitespace allowed, that decodes to bytes starting
 * with "NTLMSSP\0"). Surrounding whitespace and CR/LF are ignored. Base64 is
 * strict: standard alphabet, '=' padding required, nothing else inside.
 * Errors: NTLM_E_BAD_ENCODING, NTLM_E_TOKEN_TOO_LARGE (over NTLM_MAX_TOKEN
 * bytes). The bytes are not checked beyond that. *out is allocated; release
 * it with ntlm_free().
 */
NTLM_API NTLM_MUST_USE ntlm_status ntlm_token_from_text(const char *text, uint8_t **out,
							size_t *len);

/* Standard base64 with padding, NUL-terminated ("" for len 0). *out is
 * allocated; release it with ntlm_free(). */
NTLM_API NTLM_MUST_USE ntlm_status ntlm_base64_encode(const uint8_t *p, size_t len, char **out);

#ifdef __cplusplus
}
#endif
#endif
