/* SPDX-License-Identifier: MIT */
/*
 * gss/protect.c: per-message protection.
 *
 * gss_get_mic / gss_verify_mic: the 16-byte NTLMSSP_MESSAGE_SIGNATURE.
 * gss_wrap / gss_unwrap: signature || data, the layout of SSPI and
 * gss-ntlmssp. NTLM wrap tokens say nothing about whether they are sealed,
 * so the context decides for both sides: with SEAL negotiated the data is
 * always encrypted (conf_state 1, whatever conf_req_flag says, as
 * gss-ntlmssp and SSPI do); with SIGN only, the token is signature ||
 * plaintext (conf_state 0), which gss-ntlmssp cannot produce (it seals
 * anyway, with a key the peer never agreed to).
 *
 * gss_wrap_iov / gss_unwrap_iov (DCE/RPC): the signature goes to the HEADER
 * buffer (or the TRAILER when there is no HEADER), DATA buffers are sealed in
 * place, SIGN_ONLY buffers are covered by the signature in their place in
 * the list and never encrypted, PADDING is empty. unwrap_iov also takes one
 * STREAM buffer (a whole wrap token) and points the DATA buffer into it.
 *
 * gss_get_mic_iov / gss_verify_mic_iov: the signature of gss_get_mic over the
 * DATA and SIGN_ONLY buffers in list order, in the one MIC_TOKEN buffer
 * (allocated when it asks for it); gss_get_mic_iov_length sets its length.
 */
#include <stdlib.h>
#include <string.h>

#include "mech.h"

#define SIG_LEN 16

static OM_uint32 ready(OM_uint32 *minor, gss_ctx_id_t h, const char *who, struct gssn_ctx **out)
{
	struct gssn_ctx *c = (struct gssn_ctx *)h;
	if (!c)
		return gssn_failf(minor, GSS_S_NO_CONTEXT, NTLM_E_BAD_STATE, "%s: no context", who);
	if (!c->established)
		return gssn_failf(minor, GSS_S_NO_CONTEXT, NTLM_E_BAD_STATE,
				  "%s: the context is not established", who);
	*out = c;
	return GSS_S_COMPLETE;
}

static bool bad_buf(const gss_buffer_t b)
{
	return !b || (!b->value && b->length);
}

static bool sealing(const struct gssn_ctx *c)
{
	return (c->ret_flags & GSS_C_CONF_FLAG) != 0;
}

MECH_EXPORT OM_uint32 gss_get_mic(OM_uint32 *minor, gss_ctx_id_t h, gss_qop_t qop, gss_buffer_t msg,
				  gss_buffer_t token)
{
	struct gssn_ctx *c = NULL;
	uint8_t sig[SIG_LEN];
	OM_uint32 maj = ready(minor, h, "get_mic", &c);
	if (maj)
		return maj;
	if (!token || bad_buf(msg))
		return gssn_failf(minor, GSS_S_CALL_INACCESSIBLE_READ, NTLM_E_INVALID_ARGUMENT,
				  "get_mic: NULL buffer");
	token->length = 0;
	token->value = NULL;
	if (qop != GSS_C_QOP_DEFAULT)
		return gssn_failf(minor, GSS_S_BAD_QOP, NTLM_E_INVALID_ARGUMENT,
				  "get_mic: only the default QOP");
	ntlm_status st = ntlm_sign(c->ctx, msg->value, msg->length, sig);
	if (st != NTLM_OK)
		return gssn_lib_fail(minor, st);
	return gssn_buf_set(minor, token, sig, SIG_LEN);
}

MECH_EXPORT OM_uint32 gss_verify_mic(OM_uint32 *minor, gss_ctx_id_t h, gss_buffer_t msg,
				     gss_buffer_t token, gss_qop_t *qop)
{
	struct gssn_ctx *c = NULL;
	OM_uint32 maj = ready(minor, h, "verify_mic", &c);
	if (maj)
		return maj;
	if (bad_buf(msg) || bad_buf(token))
		return gssn_failf(minor, GSS_S_CALL_INACCESSIBLE_READ, NTLM_E_INVALID_ARGUMENT,
				  "verify_mic: NULL buffer");
	if (token->length != SIG_LEN)
		return gssn_failf(minor, GSS_S_DEFECTIVE_TOKEN, NTLM_E_TRUNCATED,
				  "verify_mic: a signature is 16 bytes, not %zu", token->length);
	if (qop)
		*qop = GSS_C_QOP_DEFAULT;
	ntlm_status st = ntlm_verify(c->ctx, msg->value, msg->length, token->value);
	return st == NTLM_OK ? gssn_ok(minor, GSS_S_COMPLETE) : gssn_lib_fail(minor, st);
}

MECH_EXPORT OM_uint32 gss_wrap(OM_uint32 *minor, gss_ctx_id_t h, int conf_req, gss_qop_t qop,
			       gss_buffer_t in, int *conf_state, gss_buffer_t out)
{
	struct gssn_ctx *c = NULL;
	(void)conf_req;
	OM_uint32 maj = ready(minor, h, "wrap", &c);
	if (maj)
		return maj;
	if (!out || bad_buf(in))
		return gssn_failf(minor, GSS_S_CALL_INACCESSIBLE_READ, NTLM_E_INVALID_ARGUMENT,
				  "wrap: NULL buffer");
	out->length = 0;
	out->value = NULL;
	if (qop != GSS_C_QOP_DEFAULT)
		return gssn_failf(minor, GSS_S_BAD_QOP, NTLM_E_INVALID_ARGUMENT,
				  "wrap: only the default QOP");
	if (in->length > SIZE_MAX - SIG_LEN)
		return gssn_failf(minor, GSS_S_FAILURE, NTLM_E_INVALID_ARGUMENT, "wrap: too large");
	uint8_t *p = malloc(in->length + SIG_LEN);
	if (!p)
		return gssn_failf(minor, GSS_S_FAILURE, NTLM_E_NOMEM, "out of memory");
	ntlm_status st;
	if (sealing(c)) {
		st = ntlm_seal(c->ctx, in->value, in->length, p);
	} else {
		st = ntlm_sign(c->ctx, in->value, in->length, p);
		if (in->length)
			memcpy(p + SIG_LEN, in->value, in->length);
	}
	if (st != NTLM_OK) {
		free(p);
		return gssn_lib_fail(minor, st);
	}
	if (conf_state)
		*conf_state = sealing(c);
	out->value = p;
	out->length = in->length + SIG_LEN;
	return gssn_ok(minor, GSS_S_COMPLETE);
}

MECH_EXPORT OM_uint32 gss_unwrap(OM_uint32 *minor, gss_ctx_id_t h, gss_buffer_t in,
				 gss_buffer_t out, int *conf_state, gss_qop_t *qop)
{
	struct gssn_ctx *c = NULL;
	OM_uint32 maj = ready(minor, h, "unwrap", &c);
	if (maj)
		return maj;
	if (!out || bad_buf(in))
		return gssn_failf(minor, GSS_S_CALL_INACCESSIBLE_READ, NTLM_E_INVALID_ARGUMENT,
				  "unwrap: NULL buffer");
	out->length = 0;
	out->value = NULL;
	if (in->length < SIG_LEN)
		return gssn_failf(minor, GSS_S_DEFECTIVE_TOKEN, NTLM_E_TRUNCATED,
				  "unwrap: %zu bytes, shorter than the 16-byte signature",
				  in->length);
	size_t n = in->length - SIG_LEN;
	const uint8_t *tok = in->value;
	uint8_t *p = malloc(n ? n : 1);
	if (!p)
		return gssn_failf(minor, GSS_S_FAILURE, NTLM_E_NOMEM, "out of memory");
	ntlm_status st = sealing(c) ? ntlm_unseal(c->ctx, tok, in->length, p)
				    : ntlm_verify(c->ctx, tok + SIG_LEN, n, tok);
	if (st != NTLM_OK) {
		free(p);
		return gssn_lib_fail(minor, st);
	}
	if (!sealing(c) && n)
		memcpy(p, tok + SIG_LEN, n);
	if (conf_state)
		*conf_state = sealing(c);
	if (qop)
		*qop = GSS_C_QOP_DEFAULT;
	if (n) {
		out->value = p;
		out->length = n;
	} else {
		free(p);
	}
	return gssn_ok(minor, GSS_S_COMPLETE);
}

MECH_EXPORT OM_uint32 gss_wrap_size_limit(OM_uint32 *minor, gss_ctx_id_t h, int conf_req,
					  gss_qop_t qop, OM_uint32 req_output_size,
					  OM_uint32 *max_input_size)
{
	struct gssn_ctx *c = NULL;
	(void)conf_req;
	OM_uint32 maj = ready(minor, h, "wrap_size_limit", &c);
	if (maj)
		return maj;
	if (qop != GSS_C_QOP_DEFAULT)
		return gssn_failf(minor, GSS_S_BAD_QOP, NTLM_E_INVALID_ARGUMENT,
				  "wrap_size_limit: only the default QOP");
	if (max_input_size)
		*max_input_size = req_output_size > SIG_LEN ? req_output_size - SIG_LEN : 0;
	return gssn_ok(minor, GSS_S_COMPLETE);
}

/* ---- IOV ------------------------------------------------------------------ */

#define IOV_TYPE(t) GSS_IOV_BUFFER_TYPE(t)

static gss_iov_buffer_desc *find(gss_iov_buffer_desc *iov, int n, OM_uint32 type, int *count)
{
	gss_iov_buffer_desc *f = NULL;
	*count = 0;
	for (int i = 0; i < n; i++)
		if (IOV_TYPE(iov[i].type) == type) {
			if (!f)
				f = &iov[i];
			(*count)++;
		}
	return f;
}

/* The signature's buffer: HEADER, else TRAILER. */
static OM_uint32 sig_buffer(OM_uint32 *minor, gss_iov_buffer_desc *iov, int n,
			    gss_iov_buffer_desc **out)
{
	int nh, nt;
	gss_iov_buffer_desc *hdr = find(iov, n, GSS_IOV_BUFFER_TYPE_HEADER, &nh);
	gss_iov_buffer_desc *trl = find(iov, n, GSS_IOV_BUFFER_TYPE_TRAILER, &nt);
	if (nh > 1 || nt > 1)
		return gssn_failf(minor, GSS_S_FAILURE, NTLM_E_INVALID_ARGUMENT,
				  "iov: more than one HEADER or TRAILER buffer");
	if (!hdr && !trl)
		return gssn_failf(minor, GSS_S_FAILURE, NTLM_E_INVALID_ARGUMENT,
				  "iov: no HEADER or TRAILER buffer for the signature");
	*out = hdr ? hdr : trl;
	return GSS_S_COMPLETE;
}

/* The DATA and SIGN_ONLY buffers as message pieces, in list order. */
static OM_uint32 parts(OM_uint32 *minor, gss_iov_buffer_desc *iov, int n,
		       struct ntlm_msg_part **out, size_t *np)
{
	struct ntlm_msg_part *v = calloc((size_t)n + 1, sizeof(*v));
	size_t k = 0;
	if (!v)
		return gssn_failf(minor, GSS_S_FAILURE, NTLM_E_NOMEM, "out of memory");
	for (int i = 0; i < n; i++) {
		OM_uint32 t = IOV_TYPE(iov[i].type);
		if (t != GSS_IOV_BUFFER_TYPE_DATA && t != GSS_IOV_BUFFER_TYPE_SIGN_ONLY)
			continue;
		if (!iov[i].buffer.value && iov[i].buffer.length) {
			free(v);
			return gssn_failf(minor, GSS_S_CALL_INACCESSIBLE_READ,
					  NTLM_E_INVALID_ARGUMENT, "iov: NULL data buffer");
		}
		v[k].data = iov[i].buffer.value;
		v[k].len = iov[i].buffer.length;
		v[k].flags = t == GSS_IOV_BUFFER_TYPE_SIGN_ONLY ? NTLM_PART_SIGN_ONLY : 0;
		k++;
	}
	*out = v;
	*np = k;
	return GSS_S_COMPLETE;
}

/* Integrity only: the pieces concatenated, for ntlm_sign / ntlm_verify. */
static uint8_t *concat(const struct ntlm_msg_part *v, size_t n, size_t *len)
{
	size_t total = 0, off = 0;
	for (size_t i = 0; i < n; i++)
		total += v[i].len;
	uint8_t *p = malloc(total ? total : 1);
	if (!p)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (v[i].len)
			memcpy(p + off, v[i].data, v[i].len);
		off += v[i].len;
	}
	*len = total;
	return p;
}

static void empty_extras(gss_iov_buffer_desc *iov, int n, const gss_iov_buffer_desc *sig)
{
	for (int i = 0; i < n; i++) {
		OM_uint32 t = IOV_TYPE(iov[i].type);
		if (&iov[i] != sig &&
		    (t == GSS_IOV_BUFFER_TYPE_TRAILER || t == GSS_IOV_BUFFER_TYPE_PADDING))
			iov[i].buffer.length = 0;
	}
}

MECH_EXPORT OM_uint32 gss_wrap_iov(OM_uint32 *minor, gss_ctx_id_t h, int conf_req, gss_qop_t qop,
				   int *conf_state, gss_iov_buffer_desc *iov, int iov_count)
{
	struct gssn_ctx *c = NULL;
	gss_iov_buffer_desc *sb;
	struct ntlm_msg_part *v = NULL;
	size_t np = 0;
	uint8_t sig[SIG_LEN];
	ntlm_status st;
	(void)conf_req;
	OM_uint32 maj = ready(minor, h, "wrap_iov", &c);
	if (maj)
		return maj;
	if (!iov || iov_count <= 0)
		return gssn_failf(minor, GSS_S_CALL_INACCESSIBLE_READ, NTLM_E_INVALID_ARGUMENT,
				  "wrap_iov: no buffers");
	if (qop != GSS_C_QOP_DEFAULT)
		return gssn_failf(minor, GSS_S_BAD_QOP, NTLM_E_INVALID_ARGUMENT,
				  "wrap_iov: only the default QOP");
	if ((maj = sig_buffer(minor, iov, iov_count, &sb)) != GSS_S_COMPLETE)
		return maj;
	if (!(sb->type & GSS_IOV_BUFFER_FLAG_ALLOCATE) &&
	    (sb->buffer.length < SIG_LEN || !sb->buffer.value))
		return gssn_failf(minor, GSS_S_FAILURE, NTLM_E_BUFFER_TOO_SMALL,
				  "wrap_iov: the signature buffer needs 16 bytes");
	if ((maj = parts(minor, iov, iov_count, &v, &np)) != GSS_S_COMPLETE)
		return maj;
	if (sealing(c)) {
		st = ntlm_seal_parts(c->ctx, v, np, sig);
	} else {
		size_t len = 0;
		uint8_t *all = concat(v, np, &len);
		st = all ? ntlm_sign(c->ctx, all, len, sig) : NTLM_E_NOMEM;
		free(all);
	}
	free(v);
	if (st != NTLM_OK)
		return gssn_lib_fail(minor, st);
	if (sb->type & GSS_IOV_BUFFER_FLAG_ALLOCATE) {
		void *p = malloc(SIG_LEN);
		if (!p)
			return gssn_failf(minor, GSS_S_FAILURE, NTLM_E_NOMEM, "out of memory");
		sb->buffer.value = p;
		sb->type |= GSS_IOV_BUFFER_FLAG_ALLOCATED;
	}
	memcpy(sb->buffer.value, sig, SIG_LEN);
	sb->buffer.length = SIG_LEN;
	empty_extras(iov, iov_count, sb);
	if (conf_state)
		*conf_state = sealing(c);
	return gssn_ok(minor, GSS_S_COMPLETE);
}

MECH_EXPORT OM_uint32 gss_unwrap_iov(OM_uint32 *minor, gss_ctx_id_t h, int *conf_state,
				     gss_qop_t *qop, gss_iov_buffer_desc *iov, int iov_count)
{
	struct gssn_ctx *c = NULL;
	struct ntlm_msg_part *v = NULL;
	size_t np = 0;
	const uint8_t *sig;
	ntlm_status st;
	int ns, nd;
	OM_uint32 maj = ready(minor, h, "unwrap_iov", &c);
	if (maj)
		return maj;
	if (!iov || iov_count <= 0)
		return gssn_failf(minor, GSS_S_CALL_INACCESSIBLE_READ, NTLM_E_INVALID_ARGUMENT,
				  "unwrap_iov: no buffers");
	gss_iov_buffer_desc *stream = find(iov, iov_count, GSS_IOV_BUFFER_TYPE_STREAM, &ns);
	if (stream) {
		gss_iov_buffer_desc *data = find(iov, iov_count, GSS_IOV_BUFFER_TYPE_DATA, &nd);
		if (ns > 1 || nd != 1)
			return gssn_failf(minor, GSS_S_FAILURE, NTLM_E_INVALID_ARGUMENT,
					  "unwrap_iov: a STREAM needs exactly one DATA buffer");
		if (stream->buffer.length < SIG_LEN || !stream->buffer.value)
			return gssn_failf(minor, GSS_S_DEFECTIVE_TOKEN, NTLM_E_TRUNCATED,
					  "unwrap_iov: stream shorter than the signature");
		sig = stream->buffer.value;
		data->buffer.value = (uint8_t *)stream->buffer.value + SIG_LEN;
		data->buffer.length = stream->buffer.length - SIG_LEN;
	} else {
		gss_iov_buffer_desc *sb;
		if ((maj = sig_buffer(minor, iov, iov_count, &sb)) != GSS_S_COMPLETE)
			return maj;
		if (sb->buffer.length != SIG_LEN || !sb->buffer.value)
			return gssn_failf(minor, GSS_S_DEFECTIVE_TOKEN, NTLM_E_TRUNCATED,
					  "unwrap_iov: the signature is 16 bytes, not %zu",
					  sb->buffer.length);
		sig = sb->buffer.value;
	}
	if ((maj = parts(minor, iov, iov_count, &v, &np)) != GSS_S_COMPLETE)
		return maj;
	if (sealing(c)) {
		st = ntlm_unseal_parts(c->ctx, v, np, sig);
	} else {
		size_t len = 0;
		uint8_t *all = concat(v, np, &len);
		st = all ? ntlm_verify(c->ctx, all, len, sig) : NTLM_E_NOMEM;
		free(all);
	}
	free(v);
	if (st != NTLM_OK)
		return gssn_lib_fail(minor, st);
	if (conf_state)
		*conf_state = sealing(c);
	if (qop)
		*qop = GSS_C_QOP_DEFAULT;
	return gssn_ok(minor, GSS_S_COMPLETE);
}

MECH_EXPORT OM_uint32 gss_wrap_iov_length(OM_uint32 *minor, gss_ctx_id_t h, int conf_req,
					  gss_qop_t qop, int *conf_state, gss_iov_buffer_desc *iov,
					  int iov_count)
{
	struct gssn_ctx *c = NULL;
	gss_iov_buffer_desc *sb;
	(void)conf_req;
	OM_uint32 maj = ready(minor, h, "wrap_iov_length", &c);
	if (maj)
		return maj;
	if (!iov || iov_count <= 0)
		return gssn_failf(minor, GSS_S_CALL_INACCESSIBLE_READ, NTLM_E_INVALID_ARGUMENT,
				  "wrap_iov_length: no buffers");
	if (qop != GSS_C_QOP_DEFAULT)
		return gssn_failf(minor, GSS_S_BAD_QOP, NTLM_E_INVALID_ARGUMENT,
				  "wrap_iov_length: only the default QOP");
	if ((maj = sig_buffer(minor, iov, iov_count, &sb)) != GSS_S_COMPLETE)
		return maj;
	sb->buffer.length = SIG_LEN;
	empty_extras(iov, iov_count, sb);
	if (conf_state)
		*conf_state = sealing(c);
	return gssn_ok(minor, GSS_S_COMPLETE);
}

/* ---- MICs over buffers (gss_get_mic_iov, RFC 4121-style IOV for get_mic) ---- */

/* The one MIC_TOKEN buffer; *msg the DATA and SIGN_ONLY buffers concatenated. */
static OM_uint32 mic_iov(OM_uint32 *minor, gss_iov_buffer_desc *iov, int n, const char *who,
			 gss_iov_buffer_desc **tok, uint8_t **msg, size_t *len)
{
	int count;
	struct ntlm_msg_part *v = NULL;
	size_t np = 0;
	OM_uint32 maj;
	if (!iov || n <= 0)
		return gssn_failf(minor, GSS_S_CALL_INACCESSIBLE_READ, NTLM_E_INVALID_ARGUMENT,
				  "%s: no buffers", who);
	*tok = find(iov, n, GSS_IOV_BUFFER_TYPE_MIC_TOKEN, &count);
	if (count != 1)
		return gssn_failf(minor, GSS_S_FAILURE, NTLM_E_INVALID_ARGUMENT,
				  "%s: %d MIC_TOKEN buffers (one is needed)", who, count);
	if (!msg)
		return GSS_S_COMPLETE;
	if ((maj = parts(minor, iov, n, &v, &np)) != GSS_S_COMPLETE)
		return maj;
	*msg = concat(v, np, len);
	free(v);
	if (!*msg)
		return gssn_failf(minor, GSS_S_FAILURE, NTLM_E_NOMEM, "out of memory");
	return GSS_S_COMPLETE;
}

MECH_EXPORT OM_uint32 gss_get_mic_iov(OM_uint32 *minor, gss_ctx_id_t h, gss_qop_t qop,
				      gss_iov_buffer_desc *iov, int iov_count)
{
	struct gssn_ctx *c = NULL;
	gss_iov_buffer_desc *tok;
	uint8_t *msg = NULL;
	size_t len = 0;
	OM_uint32 maj = ready(minor, h, "get_mic_iov", &c);
	if (maj)
		return maj;
	if (qop != GSS_C_QOP_DEFAULT)
		return gssn_failf(minor, GSS_S_BAD_QOP, NTLM_E_INVALID_ARGUMENT,
				  "get_mic_iov: only the default QOP");
	if ((maj = mic_iov(minor, iov, iov_count, "get_mic_iov", &tok, &msg, &len)) !=
	    GSS_S_COMPLETE)
		return maj;
	if ((tok->type & GSS_IOV_BUFFER_FLAG_ALLOCATED) && tok->buffer.value &&
	    tok->buffer.length >= SIG_LEN) {
		/* ours from an earlier call on the same buffers: used again */
	} else if (tok->type & GSS_IOV_BUFFER_FLAG_ALLOCATE) {
		if (!(tok->buffer.value = malloc(SIG_LEN))) {
			free(msg);
			return gssn_failf(minor, GSS_S_FAILURE, NTLM_E_NOMEM, "out of memory");
		}
		tok->type |= GSS_IOV_BUFFER_FLAG_ALLOCATED;
	} else if (!tok->buffer.value || tok->buffer.length < SIG_LEN) {
		free(msg);
		return gssn_failf(minor, GSS_S_FAILURE, NTLM_E_BUFFER_TOO_SMALL,
				  "get_mic_iov: the MIC_TOKEN buffer holds %zu bytes, not 16",
				  tok->buffer.length);
	}
	tok->buffer.length = SIG_LEN;
	ntlm_status st = ntlm_sign(c->ctx, msg, len, tok->buffer.value);
	free(msg);
	return st == NTLM_OK ? gssn_ok(minor, GSS_S_COMPLETE) : gssn_lib_fail(minor, st);
}

MECH_EXPORT OM_uint32 gss_get_mic_iov_length(OM_uint32 *minor, gss_ctx_id_t h, gss_qop_t qop,
					     gss_iov_buffer_desc *iov, int iov_count)
{
	struct gssn_ctx *c = NULL;
	gss_iov_buffer_desc *tok;
	OM_uint32 maj = ready(minor, h, "get_mic_iov_length", &c);
	if (maj)
		return maj;
	if (qop != GSS_C_QOP_DEFAULT)
		return gssn_failf(minor, GSS_S_BAD_QOP, NTLM_E_INVALID_ARGUMENT,
				  "get_mic_iov_length: only the default QOP");
	if ((maj = mic_iov(minor, iov, iov_count, "get_mic_iov_length", &tok, NULL, NULL)) !=
	    GSS_S_COMPLETE)
		return maj;
	tok->buffer.length = SIG_LEN;
	return gssn_ok(minor, GSS_S_COMPLETE);
}

MECH_EXPORT OM_uint32 gss_verify_mic_iov(OM_uint32 *minor, gss_ctx_id_t h, gss_qop_t *qop,
					 gss_iov_buffer_desc *iov, int iov_count)
{
	struct gssn_ctx *c = NULL;
	gss_iov_buffer_desc *tok;
	uint8_t *msg = NULL;
	size_t len = 0;
	OM_uint32 maj = ready(minor, h, "verify_mic_iov", &c);
	if (maj)
		return maj;
	if ((maj = mic_iov(minor, iov, iov_count, "verify_mic_iov", &tok, &msg, &len)) !=
	    GSS_S_COMPLETE)
		return maj;
	if (tok->buffer.length != SIG_LEN || !tok->buffer.value) {
		free(msg);
		return gssn_failf(minor, GSS_S_DEFECTIVE_TOKEN, NTLM_E_TRUNCATED,
				  "verify_mic_iov: a signature is 16 bytes, not %zu",
				  tok->buffer.length);
	}
	if (qop)
		*qop = GSS_C_QOP_DEFAULT;
	ntlm_status st = ntlm_verify(c->ctx, msg, len, tok->buffer.value);
	free(msg);
	return st == NTLM_OK ? gssn_ok(minor, GSS_S_COMPLETE) : gssn_lib_fail(minor, st);
}
