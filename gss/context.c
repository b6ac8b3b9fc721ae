/* SPDX-License-Identifier: MIT */
/*
 * gss/context.c: security contexts. gss_init_sec_context and
 * gss_accept_sec_context drive one ntlm_ctx each (ntlm_step): the initiator
 * sends NEGOTIATE (GSS_S_CONTINUE_NEEDED), then AUTHENTICATE
 * (GSS_S_COMPLETE); the acceptor answers NEGOTIATE with CHALLENGE
 * (GSS_S_CONTINUE_NEEDED) and checks AUTHENTICATE (GSS_S_COMPLETE). The
 * policy, audit and account store come from the credential, which the
 * context keeps a reference to.
 *
 * ret_flags say what was granted, from the negotiated flags: INTEG with
 * SIGN, CONF with SEAL, REPLAY and SEQUENCE with either (NTLM sequence
 * numbers detect both), never MUTUAL or DELEG (NTLM has neither), TRANS (the
 * context can be exported), ANON for an anonymous logon. A request the peer
 * or the policy did not grant is not an error here: the caller reads
 * ret_flags (RFC 2743 2.2.1), and the policy's NtlmMin*Sec refuses what it
 * must (docs/gssapi.md).
 */
#include <stdlib.h>
#include <string.h>

#include "mech.h"

/* gss-ntlmssp's OIDs (1.3.6.1.4.1.7165.655.1.x, gssapi_ntlmssp.h), which MIT
 * SPNEGO and Samba use by number. */
static gss_OID_desc req_mic_oid = { 11, (void *)"\x2b\x06\x01\x04\x01\xb7\x7d\x85\x0f\x01\x02" };
static gss_OID_desc reset_crypto_oid = { 11,
					 (void *)"\x2b\x06\x01\x04\x01\xb7\x7d\x85\x0f\x01\x03" };
static gss_OID_desc set_seq_num_oid = { 11,
					(void *)"\x2b\x06\x01\x04\x01\xb7\x7d\x85\x0f\x01\x01" };
/* GSS_C_SEC_CONTEXT_SASL_SSF, 1.2.840.113554.1.2.2.5.15 */
static gss_OID_desc sasl_ssf_oid = { 11, (void *)"\x2a\x86\x48\x86\xf7\x12\x01\x02\x02\x05\x0f" };

static void ctx_free(struct gssn_ctx *c)
{
	if (!c)
		return;
	ntlm_ctx_free(c->ctx);
	ntlm_cred_free(c->own_cred);
	gssn_cred_unref(c->cred);
	gssn_conf_unref(c->conf);
	gssn_name_free(c->src);
	gssn_name_free(c->targ);
	free(c);
}

OM_uint32 gssn_ret_flags(const struct gssn_ctx *c)
{
	uint32_t f = c->ctx ? ntlm_ctx_flags(c->ctx) : 0;
	OM_uint32 r = GSS_C_TRANS_FLAG;
	if (f & (NTLMSSP_NEGOTIATE_SIGN | NTLMSSP_NEGOTIATE_SEAL))
		r |= GSS_C_INTEG_FLAG | GSS_C_REPLAY_FLAG | GSS_C_SEQUENCE_FLAG;
	if (f & NTLMSSP_NEGOTIATE_SEAL)
		r |= GSS_C_CONF_FLAG;
	/* public: the response type's name */
	if (c->established && strcmp(ntlm_ctx_response_type(c->ctx), "anonymous") == 0)
		r |= GSS_C_ANON_FLAG;
	if (c->established)
		r |= GSS_C_PROT_READY_FLAG;
	return r;
}

/* The application data of the channel bindings; addresses are not part of
 * NTLM's hash input as Windows and gss-ntlmssp compute it, so bindings with
 * addresses are refused rather than silently mis-hashed. */
static OM_uint32 set_bindings(OM_uint32 *minor, struct ntlm_ctx *ctx, gss_channel_bindings_t cb)
{
	if (cb == GSS_C_NO_CHANNEL_BINDINGS)
		return gssn_ok(minor, GSS_S_COMPLETE);
	if (cb->initiator_address.length || cb->acceptor_address.length || cb->initiator_addrtype ||
	    cb->acceptor_addrtype)
		return gssn_failf(minor, GSS_S_BAD_BINDINGS, NTLM_E_INVALID_ARGUMENT,
				  "channel bindings with addresses are not supported "
				  "(application data only, e.g. tls-server-end-point)");
	if (!cb->application_data.length)
		return gssn_ok(minor, GSS_S_COMPLETE);
	ntlm_status st = ntlm_ctx_set_channel_bindings(ctx, cb->application_data.value,
						       cb->application_data.length);
	return st == NTLM_OK ? gssn_ok(minor, GSS_S_COMPLETE)
			     : gssn_fail(minor, GSS_S_BAD_BINDINGS, st);
}

/* The audit sink, and (for a new context only) the names we announce. */
static OM_uint32 set_common(OM_uint32 *minor, struct gssn_ctx *c, bool names)
{
	ntlm_status st = NTLM_OK;
	struct gssn_conf *conf = c->conf;
	if (conf->audit)
		st = ntlm_ctx_set_audit(c->ctx, conf->audit);
	if (st == NTLM_OK && names && (conf->nb_computer || conf->nb_domain))
		st = ntlm_ctx_set_names(c->ctx, conf->nb_computer, conf->nb_domain, NULL, NULL);
	return st == NTLM_OK ? gssn_ok(minor, GSS_S_COMPLETE) : gssn_lib_fail(minor, st);
}

static OM_uint32 out_token(OM_uint32 *minor, gss_buffer_t out, uint8_t *tok, size_t len)
{
	OM_uint32 maj = gssn_buf_set(minor, out, tok, len);
	ntlm_free(tok);
	return maj;
}

static OM_uint32 init_first(OM_uint32 *minor, struct gssn_cred *cred, gss_name_t target,
			    OM_uint32 req_flags, gss_channel_bindings_t cb, struct gssn_ctx **out)
{
	OM_uint32 maj;
	ntlm_status st;
	struct gssn_name *t = (struct gssn_name *)target;
	if (!t)
		return gssn_failf(minor, GSS_S_BAD_NAME, NTLM_E_INVALID_ARGUMENT,
				  "init_sec_context: no target name");
	if (t->kind == GSSN_ANONYMOUS)
		return gssn_failf(minor, GSS_S_BAD_NAME, NTLM_E_INVALID_ARGUMENT,
				  "init_sec_context: the target is anonymous");
	struct gssn_ctx *c = calloc(1, sizeof(*c));
	if (!c)
		return gssn_failf(minor, GSS_S_FAILURE, NTLM_E_NOMEM, "out of memory");
	c->initiator = true;
	c->req_flags = req_flags;
	if (cred) {
		c->cred = gssn_cred_ref(cred);
	} else if ((maj = gssn_cred_acquire(minor, NULL, NULL, GSS_C_INITIATE, NULL, &c->cred)) !=
		   GSS_S_COMPLETE) {
		goto fail;
	}
	if (!c->cred->cred) {
		maj = gssn_failf(minor, GSS_S_NO_CRED, NTLM_E_INVALID_ARGUMENT,
				 "init_sec_context: an acceptor-only credential");
		goto fail;
	}
	c->conf = gssn_conf_ref(c->cred->conf);
	if ((maj = gssn_name_dup(minor, t, &c->targ)) != GSS_S_COMPLETE)
		goto fail;
	if (c->cred->name && (maj = gssn_name_dup(minor, c->cred->name, &c->src)) != GSS_S_COMPLETE)
		goto fail;
	unsigned req = 0;
	if (req_flags & GSS_C_CONF_FLAG)
		req |= NTLM_REQ_CONFIDENTIALITY;
	if (req_flags & (GSS_C_INTEG_FLAG | GSS_C_REPLAY_FLAG | GSS_C_SEQUENCE_FLAG))
		req |= NTLM_REQ_INTEGRITY;
	char *spn = gssn_name_target(t);
	if (!spn) {
		maj = gssn_failf(minor, GSS_S_FAILURE, NTLM_E_NOMEM, "out of memory");
		goto fail;
	}
	st = ntlm_client_new(c->conf->policy, c->cred->cred, spn, req, &c->ctx);
	free(spn);
	if (st != NTLM_OK) {
		maj = gssn_lib_fail(minor, st);
		goto fail;
	}
	if ((maj = set_common(minor, c, true)) != GSS_S_COMPLETE ||
	    (maj = set_bindings(minor, c->ctx, cb)) != GSS_S_COMPLETE)
		goto fail;
	*out = c;
	return gssn_ok(minor, GSS_S_COMPLETE);
fail:
	ctx_free(c);
	return maj;
}

static bool empty(const gss_buffer_t b)
{
	return b == GSS_C_NO_BUFFER || b->length == 0;
}

MECH_EXPORT OM_uint32 gss_init_sec_context(OM_uint32 *minor, gss_cred_id_t cred,
					   gss_ctx_id_t *context_handle, gss_name_t target,
					   gss_OID mech_type, OM_uint32 req_flags,
					   OM_uint32 time_req, gss_channel_bindings_t cb,
					   gss_buffer_t input, gss_OID *actual_mech,
					   gss_buffer_t output, OM_uint32 *ret_flags,
					   OM_uint32 *time_rec)
{
	struct gssn_ctx *c;
	OM_uint32 maj;
	uint8_t *tok = NULL;
	size_t len = 0;
	(void)time_req;

	if (!context_handle || !output)
		return gssn_failf(minor, GSS_S_CALL_INACCESSIBLE_WRITE, NTLM_E_INVALID_ARGUMENT,
				  "init_sec_context: NULL context or output");
	output->length = 0;
	output->value = NULL;
	if (actual_mech)
		*actual_mech = &gssn_oid;
	if (mech_type && !gss_oid_equal(mech_type, &gssn_oid))
		return gssn_failf(minor, GSS_S_BAD_MECH, NTLM_E_INVALID_ARGUMENT,
				  "init_sec_context: another mechanism");
	if (input && !input->value && input->length)
		return gssn_failf(minor, GSS_S_CALL_INACCESSIBLE_READ, NTLM_E_INVALID_ARGUMENT,
				  "init_sec_context: NULL input buffer");
	c = (struct gssn_ctx *)*context_handle;
	if (!c) {
		if (!empty(input))
			return gssn_failf(minor, GSS_S_DEFECTIVE_TOKEN, NTLM_E_BAD_STATE,
					  "init_sec_context: an input token before NEGOTIATE");
		maj = init_first(minor, (struct gssn_cred *)cred, target, req_flags, cb, &c);
		if (maj != GSS_S_COMPLETE)
			return maj;
		ntlm_status st = ntlm_step(c->ctx, NULL, 0, &tok, &len);
		if (st != NTLM_CONTINUE) {
			maj = gssn_lib_fail(minor, st);
			ctx_free(c);
			return maj;
		}
		maj = out_token(minor, output, tok, len);
		if (maj != GSS_S_COMPLETE) {
			ctx_free(c);
			return maj;
		}
		*context_handle = (gss_ctx_id_t)c;
		if (ret_flags)
			*ret_flags = gssn_ret_flags(c);
		if (time_rec)
			*time_rec = GSS_C_INDEFINITE;
		return gssn_ok(minor, GSS_S_CONTINUE_NEEDED);
	}
	if (!c->initiator || c->established)
		return gssn_failf(minor, GSS_S_NO_CONTEXT, NTLM_E_BAD_STATE,
				  "init_sec_context: %s context",
				  c->initiator ? "an established" : "an acceptor's");
	if (empty(input))
		return gssn_failf(minor, GSS_S_DEFECTIVE_TOKEN, NTLM_E_TRUNCATED,
				  "init_sec_context: no CHALLENGE token");
	ntlm_status st = ntlm_step(c->ctx, input->value, input->length, &tok, &len);
	if (st != NTLM_OK)
		/* the context is unusable now; the caller deletes it */
		return gssn_lib_fail(minor, st);
	if ((maj = out_token(minor, output, tok, len)) != GSS_S_COMPLETE)
		return maj;
	c->established = true;
	c->ret_flags = gssn_ret_flags(c);
	if (ret_flags)
		*ret_flags = c->ret_flags;
	if (time_rec)
		*time_rec = GSS_C_INDEFINITE;
	return gssn_ok(minor, GSS_S_COMPLETE);
}

MECH_EXPORT OM_uint32 gss_accept_sec_context(OM_uint32 *minor, gss_ctx_id_t *context_handle,
					     gss_cred_id_t cred, gss_buffer_t input,
					     gss_channel_bindings_t cb, gss_name_t *src_name,
					     gss_OID *mech_type, gss_buffer_t output,
					     OM_uint32 *ret_flags, OM_uint32 *time_rec,
					     gss_cred_id_t *delegated)
{
	struct gssn_ctx *c;
	OM_uint32 maj;
	uint8_t *tok = NULL;
	size_t len = 0;
	ntlm_status st;

	if (!context_handle || !output)
		return gssn_failf(minor, GSS_S_CALL_INACCESSIBLE_WRITE, NTLM_E_INVALID_ARGUMENT,
				  "accept_sec_context: NULL context or output");
	output->length = 0;
	output->value = NULL;
	if (src_name)
		*src_name = GSS_C_NO_NAME;
	if (mech_type)
		*mech_type = &gssn_oid;
	if (delegated)
		*delegated = GSS_C_NO_CREDENTIAL;
	if (empty(input) || !input->value)
		return gssn_failf(minor, GSS_S_DEFECTIVE_TOKEN, NTLM_E_TRUNCATED,
				  "accept_sec_context: no input token");
	c = (struct gssn_ctx *)*context_handle;
	bool fresh = !c;
	if (fresh) {
		c = calloc(1, sizeof(*c));
		if (!c)
			return gssn_failf(minor, GSS_S_FAILURE, NTLM_E_NOMEM, "out of memory");
		if (cred)
			c->cred = gssn_cred_ref((struct gssn_cred *)cred);
		else if ((maj = gssn_cred_acquire(minor, NULL, NULL, GSS_C_ACCEPT, NULL,
						  &c->cred)) != GSS_S_COMPLETE)
			goto fail;
		if (!c->cred->accounts) {
			maj = gssn_failf(minor, GSS_S_NO_CRED, NTLM_E_INVALID_ARGUMENT,
					 "accept_sec_context: an initiator-only credential");
			goto fail;
		}
		c->conf = gssn_conf_ref(c->cred->conf);
		st = ntlm_server_new(c->conf->policy, c->cred->accounts, &c->ctx);
		if (st != NTLM_OK) {
			maj = gssn_lib_fail(minor, st);
			goto fail;
		}
		if ((maj = set_common(minor, c, true)) != GSS_S_COMPLETE ||
		    (maj = set_bindings(minor, c->ctx, cb)) != GSS_S_COMPLETE)
			goto fail;
	} else if (c->initiator || c->established) {
		return gssn_failf(minor, GSS_S_NO_CONTEXT, NTLM_E_BAD_STATE,
				  "accept_sec_context: %s context",
				  c->initiator ? "an initiator's" : "an established");
	}
	st = ntlm_step(c->ctx, input->value, input->length, &tok, &len);
	if (st == NTLM_CONTINUE) {
		if ((maj = out_token(minor, output, tok, len)) != GSS_S_COMPLETE)
			goto fail;
		*context_handle = (gss_ctx_id_t)c;
		if (ret_flags)
			*ret_flags = gssn_ret_flags(c);
		return gssn_ok(minor, GSS_S_CONTINUE_NEEDED);
	}
	ntlm_free(tok);
	if (st != NTLM_OK) {
		maj = gssn_lib_fail(minor, st);
		goto fail;
	}
	c->established = true;
	c->ret_flags = gssn_ret_flags(c);
	const char *d = ntlm_ctx_domain(c->ctx), *u = ntlm_ctx_user(c->ctx);
	if (c->ret_flags & GSS_C_ANON_FLAG) {
		c->src = calloc(1, sizeof(*c->src));
		if (c->src)
			c->src->kind = GSSN_ANONYMOUS;
		maj = c->src ? GSS_S_COMPLETE
			     : gssn_failf(minor, GSS_S_FAILURE, NTLM_E_NOMEM, "out of memory");
	} else {
		maj = gssn_name_user(minor, d && d[0] ? d : NULL, u, &c->src);
	}
	if (maj != GSS_S_COMPLETE)
		goto fail;
	if (src_name) {
		struct gssn_name *n;
		if ((maj = gssn_name_dup(minor, c->src, &n)) != GSS_S_COMPLETE)
			goto fail;
		*src_name = (gss_name_t)n;
	}
	*context_handle = (gss_ctx_id_t)c;
	if (ret_flags)
		*ret_flags = c->ret_flags;
	if (time_rec)
		*time_rec = GSS_C_INDEFINITE;
	return gssn_ok(minor, GSS_S_COMPLETE);
fail:
	/* a failed exchange is over: free what we made, and a context the
	 * caller passed in is left for gss_delete_sec_context */
	if (fresh)
		ctx_free(c);
	return maj;
}

MECH_EXPORT OM_uint32 gss_delete_sec_context(OM_uint32 *minor, gss_ctx_id_t *context_handle,
					     gss_buffer_t output)
{
	if (output) {
		output->length = 0;
		output->value = NULL;
	}
	if (!context_handle)
		return gssn_failf(minor, GSS_S_CALL_INACCESSIBLE_WRITE, NTLM_E_INVALID_ARGUMENT,
				  "delete_sec_context: NULL");
	if (*context_handle == GSS_C_NO_CONTEXT)
		return gssn_failf(minor, GSS_S_NO_CONTEXT, NTLM_E_BAD_STATE,
				  "delete_sec_context: no context");
	ctx_free((struct gssn_ctx *)*context_handle);
	*context_handle = GSS_C_NO_CONTEXT;
	return gssn_ok(minor, GSS_S_COMPLETE);
}

MECH_EXPORT OM_uint32 gss_process_context_token(OM_uint32 *minor, gss_ctx_id_t context_handle,
						gss_buffer_t token)
{
	(void)context_handle;
	(void)token;
	return gssn_failf(minor, GSS_S_DEFECTIVE_TOKEN, NTLM_E_BAD_MESSAGE_TYPE,
			  "NTLM has no context-level tokens");
}

static OM_uint32 need_ctx(OM_uint32 *minor, gss_ctx_id_t h, const char *who)
{
	if (h == GSS_C_NO_CONTEXT)
		return gssn_failf(minor, GSS_S_NO_CONTEXT, NTLM_E_BAD_STATE, "%s: no context", who);
	return GSS_S_COMPLETE;
}

MECH_EXPORT OM_uint32 gss_context_time(OM_uint32 *minor, gss_ctx_id_t context_handle,
				       OM_uint32 *time_rec)
{
	OM_uint32 maj = need_ctx(minor, context_handle, "context_time");
	if (maj)
		return maj;
	if (!((struct gssn_ctx *)context_handle)->established)
		return gssn_failf(minor, GSS_S_NO_CONTEXT, NTLM_E_BAD_STATE,
				  "context_time: the context is not established");
	if (time_rec)
		*time_rec = GSS_C_INDEFINITE; /* NTLM contexts do not expire */
	return gssn_ok(minor, GSS_S_COMPLETE);
}

MECH_EXPORT OM_uint32 gss_inquire_context(OM_uint32 *minor, gss_ctx_id_t context_handle,
					  gss_name_t *src_name, gss_name_t *targ_name,
					  OM_uint32 *lifetime, gss_OID *mech, OM_uint32 *flags,
					  int *locally_initiated, int *open)
{
	struct gssn_ctx *c = (struct gssn_ctx *)context_handle;
	struct gssn_name *s = NULL, *t = NULL;
	OM_uint32 maj = need_ctx(minor, context_handle, "inquire_context");
	if (maj)
		return maj;
	if (src_name && c->src && (maj = gssn_name_dup(minor, c->src, &s)) != GSS_S_COMPLETE)
		return maj;
	if (targ_name && c->targ && (maj = gssn_name_dup(minor, c->targ, &t)) != GSS_S_COMPLETE) {
		gssn_name_free(s);
		return maj;
	}
	if (src_name)
		*src_name = (gss_name_t)s;
	if (targ_name)
		*targ_name = (gss_name_t)t;
	if (lifetime)
		*lifetime = c->established ? GSS_C_INDEFINITE : 0;
	if (mech)
		*mech = &gssn_oid;
	if (flags)
		*flags = c->established ? c->ret_flags : gssn_ret_flags(c);
	if (locally_initiated)
		*locally_initiated = c->initiator;
	if (open)
		*open = c->established;
	return gssn_ok(minor, GSS_S_COMPLETE);
}

static OM_uint32 add_member(OM_uint32 *minor, const void *p, size_t n, gss_buffer_set_t *set)
{
	OM_uint32 m;
	gss_buffer_desc b = { n, (void *)p };
	if (GSS_ERROR(gss_add_buffer_set_member(&m, &b, set))) {
		gss_release_buffer_set(&m, set);
		return gssn_failf(minor, GSS_S_FAILURE, NTLM_E_NOMEM, "out of memory");
	}
	return gssn_ok(minor, GSS_S_COMPLETE);
}

MECH_EXPORT OM_uint32 gss_inquire_sec_context_by_oid(OM_uint32 *minor,
						     const gss_ctx_id_t context_handle,
						     const gss_OID desired_object,
						     gss_buffer_set_t *data_set)
{
	struct gssn_ctx *c = (struct gssn_ctx *)context_handle;
	OM_uint32 maj = need_ctx(minor, context_handle, "inquire_sec_context_by_oid");
	if (maj)
		return maj;
	if (!desired_object || !data_set)
		return gssn_failf(minor, GSS_S_CALL_INACCESSIBLE_READ, NTLM_E_INVALID_ARGUMENT,
				  "inquire_sec_context_by_oid: NULL argument");
	*data_set = GSS_C_NO_BUFFER_SET;
	if (gss_oid_equal(desired_object, &req_mic_oid)) {
		/* SPNEGO asks before and after the last token: 1 once the
		 * AUTHENTICATE carried a MIC, so that it adds a mechListMIC.
		 * Our initiator always sends a MIC when the CHALLENGE has a
		 * timestamp; it needs no permission for it. */
		uint8_t v = c->established && ntlm_ctx_mic_present(c->ctx);
		return add_member(minor, &v, 1, data_set);
	}
	if (gss_oid_equal(desired_object, GSS_C_INQ_SSPI_SESSION_KEY)) {
		uint8_t key[16];
		ntlm_status st =
			c->established ? ntlm_ctx_session_key(c->ctx, key) : NTLM_E_BAD_STATE;
		if (st != NTLM_OK)
			return gssn_failf(minor, GSS_S_UNAVAILABLE, st,
					  "no session key (the exchange is not complete)");
		maj = add_member(minor, key, 16, data_set);
		gssn_wipe(key, sizeof(key));
		return maj;
	}
	if (gss_oid_equal(desired_object, &sasl_ssf_oid)) {
		/* gss-ntlmssp's figures: RC4 counts as 64 at 128 bits */
		unsigned bits = ntlm_ctx_key_strength(c->ctx);
		uint32_t ssf = !(c->ret_flags & GSS_C_CONF_FLAG) ? (c->ret_flags & GSS_C_INTEG_FLAG)
			       : bits == 128			 ? 64
								 : bits;
		uint8_t be[4] = { (uint8_t)(ssf >> 24), (uint8_t)(ssf >> 16), (uint8_t)(ssf >> 8),
				  (uint8_t)ssf };
		return add_member(minor, be, 4, data_set);
	}
	return gssn_failf(minor, GSS_S_UNAVAILABLE, NTLM_E_INVALID_ARGUMENT,
			  "inquire_sec_context_by_oid: OID not supported");
}

MECH_EXPORT OM_uint32 gss_set_sec_context_option(OM_uint32 *minor, gss_ctx_id_t *context_handle,
						 const gss_OID desired_object,
						 const gss_buffer_t value)
{
	if (!context_handle || *context_handle == GSS_C_NO_CONTEXT)
		return gssn_failf(minor, GSS_S_NO_CONTEXT, NTLM_E_BAD_STATE,
				  "set_sec_context_option: no context");
	if (!desired_object)
		return gssn_failf(minor, GSS_S_CALL_INACCESSIBLE_READ, NTLM_E_INVALID_ARGUMENT,
				  "set_sec_context_option: no OID");
	struct gssn_ctx *c = (struct gssn_ctx *)*context_handle;
	if (gss_oid_equal(desired_object, &reset_crypto_oid)) {
		uint32_t v;
		if (!value || value->length != 4 || !value->value)
			return gssn_failf(minor, GSS_S_FAILURE, NTLM_E_INVALID_ARGUMENT,
					  "reset crypto: the value is 4 bytes");
		memcpy(&v, value->value, 4);
		/* nothing to reset without SIGN or SEAL */
		if (!c->established || !(c->ret_flags & GSS_C_INTEG_FLAG))
			return gssn_ok(minor, GSS_S_COMPLETE);
		ntlm_status st = ntlm_ctx_reset_crypto(c->ctx, v == 1);
		return st == NTLM_OK ? gssn_ok(minor, GSS_S_COMPLETE) : gssn_lib_fail(minor, st);
	}
	if (gss_oid_equal(desired_object, &set_seq_num_oid))
		return gssn_failf(minor, GSS_S_UNAVAILABLE, NTLM_E_NOT_NEGOTIATED,
				  "sequence numbers can be set only on datagram contexts, "
				  "which ntlmssp does not offer");
	return gssn_failf(minor, GSS_S_UNAVAILABLE, NTLM_E_INVALID_ARGUMENT,
			  "set_sec_context_option: OID not supported");
}

/* ---- export / import -------------------------------------------------------
 * Token: "GSSN" version 1, flags (initiator, established), req_flags,
 * ret_flags, the names as text (4-byte length each; 0 = none, kind byte
 * first), then ntlm_ctx_export's bytes. The importer uses the default
 * configuration (policy, audit, accounts) of its own process. */

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

MECH_EXPORT OM_uint32 gss_export_sec_context(OM_uint32 *minor, gss_ctx_id_t *context_handle,
					     gss_buffer_t token)
{
	if (!token)
		return gssn_failf(minor, GSS_S_CALL_INACCESSIBLE_WRITE, NTLM_E_INVALID_ARGUMENT,
				  "export_sec_context: NULL output");
	token->length = 0;
	token->value = NULL;
	if (!context_handle || *context_handle == GSS_C_NO_CONTEXT)
		return gssn_failf(minor, GSS_S_NO_CONTEXT, NTLM_E_BAD_STATE,
				  "export_sec_context: no context");
	struct gssn_ctx *c = (struct gssn_ctx *)*context_handle;
	uint8_t *inner = NULL;
	size_t ilen = 0;
	ntlm_status st = ntlm_ctx_export(c->ctx, &inner, &ilen);
	if (st != NTLM_OK)
		return gssn_lib_fail(minor, st);
	char *s = c->src ? gssn_name_text(c->src) : NULL;
	char *t = c->targ ? gssn_name_text(c->targ) : NULL;
	size_t sl = s ? strlen(s) : 0, tl = t ? strlen(t) : 0;
	size_t n = 4 + 1 + 1 + 8 + (1 + 4 + sl) + (1 + 4 + tl) + ilen;
	uint8_t *p = malloc(n);
	OM_uint32 maj;
	if (!p || (c->src && !s) || (c->targ && !t)) {
		maj = gssn_failf(minor, GSS_S_FAILURE, NTLM_E_NOMEM, "out of memory");
		free(p);
		goto out;
	}
	size_t o = 0;
	memcpy(p, "GSSN", 4);
	o = 4;
	p[o++] = 1;
	p[o++] = (uint8_t)(c->initiator | c->established << 1);
	put32(p + o, c->req_flags);
	put32(p + o + 4, c->ret_flags);
	o += 8;
	p[o++] = (uint8_t)(c->src ? c->src->kind : 0);
	put32(p + o, (uint32_t)sl);
	memcpy(p + o + 4, s ? s : "", sl);
	o += 4 + sl;
	p[o++] = (uint8_t)(c->targ ? c->targ->kind : 0);
	put32(p + o, (uint32_t)tl);
	memcpy(p + o + 4, t ? t : "", tl);
	o += 4 + tl;
	memcpy(p + o, inner, ilen);
	token->value = p;
	token->length = n;
	/* the exported context replaces this one (RFC 2743 2.2.8) */
	ctx_free(c);
	*context_handle = GSS_C_NO_CONTEXT;
	maj = gssn_ok(minor, GSS_S_COMPLETE);
out:
	gssn_wipe(inner, ilen);
	ntlm_free(inner);
	free(s);
	free(t);
	return maj;
}

/* A name from the export token: kind byte, length, text. */
static OM_uint32 take_name(OM_uint32 *minor, const uint8_t **p, size_t *n, struct gssn_name **out)
{
	*out = NULL;
	if (*n < 5)
		return GSS_S_DEFECTIVE_TOKEN;
	unsigned kind = (*p)[0];
	uint32_t l = get32(*p + 1);
	if (l > *n - 5 || l > 1024 || kind > GSSN_ANONYMOUS)
		return GSS_S_DEFECTIVE_TOKEN;
	gss_buffer_desc b = { l, (void *)(*p + 5) };
	*p += 5 + l;
	*n -= 5 + l;
	if (kind == 0)
		return l ? GSS_S_DEFECTIVE_TOKEN : GSS_S_COMPLETE;
	if (kind == GSSN_ANONYMOUS) {
		gss_OID_desc anon = { 6, (void *)"\x2b\x06\x01\x05\x06\x03" };
		return gss_import_name(minor, &b, &anon, (gss_name_t *)out);
	}
	return gss_import_name(minor, &b,
			       kind == GSSN_USER ? GSS_C_NT_USER_NAME : GSS_C_NT_HOSTBASED_SERVICE,
			       (gss_name_t *)out);
}

MECH_EXPORT OM_uint32 gss_import_sec_context(OM_uint32 *minor, gss_buffer_t token,
					     gss_ctx_id_t *context_handle)
{
	if (!context_handle)
		return gssn_failf(minor, GSS_S_CALL_INACCESSIBLE_WRITE, NTLM_E_INVALID_ARGUMENT,
				  "import_sec_context: NULL output");
	*context_handle = GSS_C_NO_CONTEXT;
	/* public: the export token's magic */
	if (!token || !token->value || token->length < 14 || memcmp(token->value, "GSSN", 4) ||
	    ((uint8_t *)token->value)[4] != 1)
		return gssn_failf(minor, GSS_S_DEFECTIVE_TOKEN, NTLM_E_BAD_ENCODING,
				  "import_sec_context: not an exported ntlmssp context");
	const uint8_t *p = token->value;
	size_t n = token->length;
	OM_uint32 maj;
	struct gssn_ctx *c = calloc(1, sizeof(*c));
	if (!c)
		return gssn_failf(minor, GSS_S_FAILURE, NTLM_E_NOMEM, "out of memory");
	c->initiator = p[5] & 1;
	c->established = (p[5] >> 1) & 1;
	c->req_flags = get32(p + 6);
	c->ret_flags = get32(p + 10);
	p += 14;
	n -= 14;
	if ((maj = take_name(minor, &p, &n, &c->src)) != GSS_S_COMPLETE ||
	    (maj = take_name(minor, &p, &n, &c->targ)) != GSS_S_COMPLETE) {
		if (maj == GSS_S_DEFECTIVE_TOKEN)
			gssn_failf(minor, maj, NTLM_E_BAD_ENCODING,
				   "import_sec_context: malformed names");
		goto fail;
	}
	/* an acceptor still waiting for AUTHENTICATE needs this process's
	 * accounts; anything else only the policy */
	gss_cred_usage_t usage = !c->initiator && !c->established ? GSS_C_ACCEPT : 0;
	if (usage) {
		maj = gssn_cred_acquire(minor, NULL, NULL, usage, NULL, &c->cred);
		if (maj != GSS_S_COMPLETE)
			goto fail;
		c->conf = gssn_conf_ref(c->cred->conf);
	} else if ((maj = gssn_conf_default(minor, &c->conf)) != GSS_S_COMPLETE) {
		goto fail;
	}
	ntlm_status st = ntlm_ctx_import(c->conf->policy, c->cred ? c->cred->accounts : NULL, p, n,
					 &c->ctx, &c->own_cred);
	if (st != NTLM_OK) {
		maj = gssn_fail(minor, GSS_S_DEFECTIVE_TOKEN, st);
		goto fail;
	}
	if ((maj = set_common(minor, c, false)) != GSS_S_COMPLETE)
		goto fail;
	*context_handle = (gss_ctx_id_t)c;
	return gssn_ok(minor, GSS_S_COMPLETE);
fail:
	ctx_free(c);
	return maj;
}
