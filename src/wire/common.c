/* SPDX-License-Identifier: MIT */
/* wire: the common message header (MS-NLMP 2.2.1) and shared decode checks. */
#include <stdio.h>
#include <string.h>

#include "text/text.h"
#include "wire/priv.h"

static const uint8_t signature[8] = { 'N', 'T', 'L', 'M', 'S', 'S', 'P', 0 };

static const char *type_name(uint32_t type)
{
	switch (type) {
	case NTLM_WIRE_NEGOTIATE:
		return "NEGOTIATE_MESSAGE";
	case NTLM_WIRE_CHALLENGE:
		return "CHALLENGE_MESSAGE";
	case NTLM_WIRE_AUTHENTICATE:
		return "AUTHENTICATE_MESSAGE";
	default:
		return "unknown";
	}
}

ntlm_status ntlm_wire_peek_type(const uint8_t *msg, size_t len, uint32_t *type)
{
	struct ntlm_rd r;
	uint8_t sig[8];
	size_t have;

	*type = 0;
	if (len > NTLM_MAX_TOKEN)
		return ntlm_err(NTLM_E_TOKEN_TOO_LARGE,
				"token: %zu bytes, more than the %d allowed", len, NTLM_MAX_TOKEN);
	/* A short token that starts like the signature is truncated; anything
	 * else is not NTLMSSP at all. */
	if (!msg && len)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "token: NULL with length %zu", len);
	have = len < sizeof(signature) ? len : sizeof(signature);
	if (have && memcmp(msg, signature, have) != 0)
		return ntlm_err(NTLM_E_BAD_SIGNATURE,
				"Signature: token does not start with \"NTLMSSP\\0\"");
	ntlm_rd_init(&r, msg, len);
	NTLM_TRY(ntlm_rd_bytes(&r, sig, sizeof(sig), "Signature"));
	NTLM_TRY(ntlm_rd_u32le(&r, type, "MessageType"));
	return NTLM_OK;
}

ntlm_status ntlm_wire_begin(struct ntlm_rd *r, const uint8_t *msg, size_t len, uint32_t type,
			    size_t fixed, const char *name)
{
	uint32_t got;

	NTLM_TRY(ntlm_wire_peek_type(msg, len, &got));
	if (got != type)
		return ntlm_err(NTLM_E_BAD_MESSAGE_TYPE, "MessageType: %u (%s), expected %u (%s)",
				got, type_name(got), type, name);
	if (len < fixed)
		return ntlm_err(NTLM_E_TRUNCATED,
				"%s: %zu bytes, shorter than its %zu-byte fixed header", name, len,
				fixed);
	ntlm_rd_init(r, msg, len);
	r->pos = 12; /* Signature and MessageType were checked above */
	return NTLM_OK;
}

size_t ntlm_wire_payload_start(const struct ntlm_secbuf *sb, size_t n, size_t msg_len)
{
	size_t lowest = msg_len;
	for (size_t i = 0; i < n; i++)
		if (sb[i].data.len && sb[i].offset < lowest)
			lowest = sb[i].offset;
	return lowest;
}

ntlm_status ntlm_wire_need_charset(uint32_t flags, const char *name)
{
	if (flags & (NTLMSSP_NEGOTIATE_UNICODE | NTLM_NEGOTIATE_OEM))
		return NTLM_OK;
	return ntlm_err(NTLM_E_NO_CHARSET,
			"%s: NegotiateFlags 0x%08x has neither "
			"NTLMSSP_NEGOTIATE_UNICODE nor NTLM_NEGOTIATE_OEM",
			name, flags);
}

ntlm_status ntlm_wire_check_text(uint32_t flags, struct ntlm_slice s, const char *what)
{
	if (!(flags & NTLMSSP_NEGOTIATE_UNICODE))
		return NTLM_OK;
	return ntlm_text_utf16le_check(s.p, s.len, what);
}

ntlm_status ntlm_wire_err_prefix(ntlm_status st, const char *prefix)
{
	char detail[256];
	snprintf(detail, sizeof(detail), "%s", ntlm_error_message());
	return ntlm_err(st, "%s: %s", prefix, detail);
}

void ntlm_wire_put_header(struct ntlm_wr *w, uint32_t type)
{
	ntlm_wr_bytes(w, signature, sizeof(signature));
	ntlm_wr_u32le(w, type);
}

ntlm_status ntlm_wire_need_empty(const struct ntlm_wr *w, const char *name)
{
	NTLM_TRY(ntlm_wr_status(w));
	if (w->len != 0)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT,
				"%s: encoder needs an empty writer (%zu bytes already written)",
				name, w->len);
	return NTLM_OK;
}
