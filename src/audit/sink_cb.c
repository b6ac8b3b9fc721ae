/* SPDX-License-Identifier: MIT */
/* audit: the callback sink. The callback gets the struct, not text. */
#include <stdlib.h>

#include "audit/sink.h"

struct cbsink {
	struct ntlm_audit_sink base;
	ntlm_audit_cb cb;
	void *arg; /* borrowed */
};

static ntlm_status cb_emit(struct ntlm_audit_sink *s, const struct ntlm_audit_event *e,
			   bool must_write)
{
	struct cbsink *c = (struct cbsink *)s;
	(void)must_write; /* called at once */
	c->cb(e, c->arg);
	return NTLM_OK;
}

static void cb_close(struct ntlm_audit_sink *s)
{
	free(s);
}

static const struct ntlm_audit_sink_ops cb_ops = {
	.kind = "callback",
	.emit = cb_emit,
	.close = cb_close,
};

ntlm_status ntlm_audit_sink_cb_open(ntlm_audit_cb cb, void *arg, struct ntlm_audit_sink **out)
{
	struct cbsink *c;

	*out = NULL;
	if (!cb)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "audit callback is NULL");
	c = malloc(sizeof(*c));
	if (!c)
		return ntlm_err(NTLM_E_NOMEM, "out of memory");
	c->base.ops = &cb_ops;
	c->cb = cb;
	c->arg = arg;
	*out = &c->base;
	return NTLM_OK;
}
