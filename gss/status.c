/* SPDX-License-Identifier: MIT */
/*
 * gss/status.c: minor status codes and gss_display_status.
 *
 * A minor status is the library's ntlm_status. The detail of the last
 * failure on this thread (the library's ntlm_error_message(), which names the
 * field, file:line or policy setting and bit) is kept with its code, so that
 * gss_display_status(minor) right after a failed call says why:
 *   "NTLM_E_POLICY_MIN_SEC: NtlmMinClientSec requires ... (0x20000000) ...".
 * For any other code the fixed sentence of ntlm_status_text() is given.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mech.h"

static _Thread_local struct {
	OM_uint32 minor;
	char detail[512];
} last;

static void remember(ntlm_status st, const char *detail)
{
	last.minor = (OM_uint32)st;
	snprintf(last.detail, sizeof(last.detail), "%s", detail ? detail : "");
}

OM_uint32 gssn_fail(OM_uint32 *minor, OM_uint32 major, ntlm_status st)
{
	remember(st, ntlm_error_message());
	if (minor)
		*minor = (OM_uint32)st;
	return major;
}

OM_uint32 gssn_failf(OM_uint32 *minor, OM_uint32 major, ntlm_status st, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	remember(st, buf);
	if (minor)
		*minor = (OM_uint32)st;
	return major;
}

void gssn_status_detail(OM_uint32 minor, char *buf, size_t len)
{
	ntlm_status st = (ntlm_status)minor;
	if (minor == last.minor && last.detail[0])
		snprintf(buf, len, "%s", last.detail);
	else
		snprintf(buf, len, "%s", ntlm_status_text(st));
}

OM_uint32 gssn_major(ntlm_status st)
{
	switch (st) {
	case NTLM_OK:
		return GSS_S_COMPLETE;
	case NTLM_CONTINUE:
		return GSS_S_CONTINUE_NEEDED;
	case NTLM_E_MESSAGE_ALTERED:
		return GSS_S_BAD_SIG;
	/* the supplementary bits say why; alone they would not be errors, and
	 * the message was refused */
	case NTLM_E_OUT_OF_SEQUENCE:
		return GSS_S_BAD_SIG | GSS_S_UNSEQ_TOKEN;
	case NTLM_E_REPLAY:
		return GSS_S_DEFECTIVE_TOKEN | GSS_S_DUPLICATE_TOKEN;
	case NTLM_E_LOGON_FAILURE:
	case NTLM_E_NO_SUCH_USER:
		return GSS_S_DEFECTIVE_CREDENTIAL;
	case NTLM_E_BAD_BINDINGS:
	case NTLM_E_POLICY_BINDINGS_REQUIRED:
		return GSS_S_BAD_BINDINGS;
	case NTLM_E_NOT_NEGOTIATED:
		return GSS_S_UNAVAILABLE;
	case NTLM_E_BAD_STATE:
		return GSS_S_NO_CONTEXT;
	default:
		break;
	}
	switch (ntlm_status_kind(st)) {
	case NTLM_KIND_MALFORMED:
		return GSS_S_DEFECTIVE_TOKEN;
	case NTLM_KIND_POLICY_DENIED:
		return GSS_S_UNAUTHORIZED;
	case NTLM_KIND_AUTH_FAILED:
		return GSS_S_DEFECTIVE_TOKEN;
	default:
		return GSS_S_FAILURE;
	}
}

void gssn_wipe(void *p, size_t n)
{
	volatile uint8_t *v = p;
	while (p && n--)
		*v++ = 0;
}

char *gssn_buf_str(const gss_buffer_t b, bool *bad)
{
	*bad = false;
	size_t n = b && b->value ? b->length : 0;
	if (n && memchr(b->value, 0, n)) {
		/* a trailing NUL is how some callers spell a C string */
		if (memchr(b->value, 0, n) != (char *)b->value + n - 1) {
			*bad = true;
			return NULL;
		}
		n--;
	}
	char *s = malloc(n + 1);
	if (!s)
		return NULL;
	if (n)
		memcpy(s, b->value, n);
	s[n] = '\0';
	return s;
}

OM_uint32 gssn_buf_set(OM_uint32 *minor, gss_buffer_t out, const void *p, size_t n)
{
	out->length = 0;
	out->value = NULL;
	if (n == 0)
		return gssn_ok(minor, GSS_S_COMPLETE);
	/* one more byte, NUL: callers print display_status text as a C string
	 * (mod_auth_gssapi does), as MIT's own mechanisms allow */
	out->value = malloc(n + 1);
	if (!out->value)
		return gssn_failf(minor, GSS_S_FAILURE, NTLM_E_NOMEM, "out of memory");
	memcpy(out->value, p, n);
	((char *)out->value)[n] = '\0';
	out->length = n;
	return gssn_ok(minor, GSS_S_COMPLETE);
}

MECH_EXPORT OM_uint32 gss_display_status(OM_uint32 *minor, OM_uint32 status_value, int status_type,
					 gss_OID mech_type, OM_uint32 *message_context,
					 gss_buffer_t status_string)
{
	(void)mech_type;
	if (!status_string || !message_context)
		return gssn_failf(minor, GSS_S_CALL_INACCESSIBLE_WRITE, NTLM_E_INVALID_ARGUMENT,
				  "gss_display_status: NULL output");
	status_string->length = 0;
	status_string->value = NULL;
	/* major codes are mechglue's to describe */
	if (status_type != GSS_C_MECH_CODE)
		return gssn_failf(minor, GSS_S_BAD_STATUS, NTLM_E_INVALID_ARGUMENT,
				  "gss_display_status: only mechanism codes");
	*message_context = 0;
	char buf[768];
	ntlm_status st = (ntlm_status)status_value;
	if (status_value == 0)
		snprintf(buf, sizeof(buf), "success");
	else if (status_value == last.minor && last.detail[0])
		snprintf(buf, sizeof(buf), "%s: %s", ntlm_status_name(st), last.detail);
	else if (strcmp(ntlm_status_name(st), "NTLM_E_UNKNOWN") == 0) /* public: a name */
		snprintf(buf, sizeof(buf), "unknown ntlmssp minor status %u", status_value);
	else
		snprintf(buf, sizeof(buf), "%s: %s", ntlm_status_name(st), ntlm_status_text(st));
	return gssn_buf_set(minor, status_string, buf, strlen(buf));
}
