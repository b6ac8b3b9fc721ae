/* SPDX-License-Identifier: MIT */
/*
 * wire: strings as they travel. UTF-16LE when NTLMSSP_NEGOTIATE_UNICODE was
 * negotiated, else the OEM code page (MS-NLMP 2.2.2.5, flags A and B).
 */
#include <stdlib.h>

#include "text/text.h"
#include "wire/priv.h"

ntlm_status ntlm_wire_str_to_utf8(struct ntlm_slice s, bool unicode, char **out, const char *what)
{
	static const uint8_t none[1];
	const uint8_t *p = s.len ? s.p : none;
	ntlm_status st;

	*out = NULL;
	if (unicode)
		return ntlm_text_utf16le_to_utf8(p, s.len, out, what);
	st = ntlm_text_oem_to_utf8(p, s.len, out);
	if (st != NTLM_OK)
		return ntlm_wire_err_prefix(st, what);
	return NTLM_OK;
}

ntlm_status ntlm_wire_str_from_utf8(const char *s, bool unicode, uint8_t **out, size_t *out_len)
{
	*out = NULL;
	*out_len = 0;
	if (unicode)
		return ntlm_text_utf8_to_utf16le(s, out, out_len);
	return ntlm_text_utf8_to_oem(s, out, out_len);
}
