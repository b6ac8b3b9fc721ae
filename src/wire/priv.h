/* SPDX-License-Identifier: MIT */
/*
 * wire: helpers shared by the message files of this folder only.
 */
#ifndef NTLM_WIRE_PRIV_H
#define NTLM_WIRE_PRIV_H

#include "wire/wire.h"

/*
 * The common start of every decoder: size limit, signature, MessageType ==
 * `type`, and at least `fixed` bytes. On success the reader is positioned
 * after MessageType (offset 12). `name` is the message name for errors.
 */
NTLM_RESULT ntlm_wire_begin(struct ntlm_rd *r, const uint8_t *msg, size_t len, uint32_t type,
			    size_t fixed, const char *name);

/* Offset of the first payload byte: the lowest offset of the non-empty
 * buffers, or msg_len when all are empty. */
size_t ntlm_wire_payload_start(const struct ntlm_secbuf *sb, size_t n, size_t msg_len);

/* Neither UNICODE nor OEM -> NTLM_E_NO_CHARSET. */
NTLM_RESULT ntlm_wire_need_charset(uint32_t flags, const char *name);

/* When UNICODE is negotiated, checks a text field as UTF-16LE. */
NTLM_RESULT ntlm_wire_check_text(uint32_t flags, struct ntlm_slice s, const char *what);

/* Re-raises the current error with "prefix: " in front of its message. */
ntlm_status ntlm_wire_err_prefix(ntlm_status st, const char *prefix);

/* Writes the 8-byte signature and the MessageType. */
void ntlm_wire_put_header(struct ntlm_wr *w, uint32_t type);

/* Encoders write whole messages: offsets are from the writer's start. */
NTLM_RESULT ntlm_wire_need_empty(const struct ntlm_wr *w, const char *name);

#endif
