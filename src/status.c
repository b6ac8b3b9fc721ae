/* SPDX-License-Identifier: MIT */
/* The status table: name, sentence, Windows equivalent (MS-ERREF). */
#include <stdarg.h>
#include <stdio.h>

#include "internal.h"

#define SEC_I_CONTINUE_NEEDED 0x00090312u
#define SEC_E_INVALID_TOKEN 0x80090308u
#define SEC_E_MESSAGE_ALTERED 0x8009030Fu
#define SEC_E_OUT_OF_SEQUENCE 0x80090310u
#define SEC_E_INSUFFICIENT_MEMORY 0x80090300u
#define SEC_E_INTERNAL_ERROR 0x80090304u
#define SEC_E_SECPKG_NOT_FOUND 0x80090305u
#define SEC_E_UNSUPPORTED_FUNCTION 0x80090302u
#define SEC_E_BUFFER_TOO_SMALL 0x80090321u
#define STATUS_INVALID_PARAMETER 0xC000000Du
#define STATUS_NOT_SUPPORTED 0xC00000BBu
#define SEC_E_LOGON_DENIED 0x8009030Cu
#define SEC_E_BAD_BINDINGS 0x80090346u
#define SEC_E_TIME_SKEW 0x80090324u
#define SEC_E_INVALID_HANDLE 0x80090301u
#define SEC_E_NO_AUTHENTICATING_AUTHORITY 0x80090311u
#define STATUS_ACCOUNT_DISABLED 0xC0000072u
#define STATUS_ACCOUNT_EXPIRED 0xC0000193u
#define STATUS_ACCOUNT_LOCKED_OUT 0xC0000234u
#define STATUS_PASSWORD_EXPIRED 0xC0000071u
#define STATUS_PASSWORD_MUST_CHANGE 0xC0000224u
#define STATUS_INVALID_LOGON_HOURS 0xC000006Fu
#define STATUS_INVALID_WORKSTATION 0xC0000070u
#define STATUS_ACCOUNT_RESTRICTION 0xC000006Eu

struct status_row {
	ntlm_status st;
	const char *name;
	const char *text;
	uint32_t win32;
};

#define ROW(s, text, w)        \
	{                      \
		s, #s, text, w \
	}
static const struct status_row rows[] = {
	ROW(NTLM_OK, "success", 0),
	ROW(NTLM_CONTINUE, "continue: send the token and call again", SEC_I_CONTINUE_NEEDED),
	ROW(NTLM_E_BAD_SIGNATURE, "token does not start with the NTLMSSP signature",
	    SEC_E_INVALID_TOKEN),
	ROW(NTLM_E_BAD_MESSAGE_TYPE, "unexpected NTLMSSP message type", SEC_E_INVALID_TOKEN),
	ROW(NTLM_E_TRUNCATED, "message shorter than its fixed fields", SEC_E_INVALID_TOKEN),
	ROW(NTLM_E_BUFFER_OUT_OF_BOUNDS, "security buffer extends past the end of the message",
	    SEC_E_INVALID_TOKEN),
	ROW(NTLM_E_BUFFER_OVERFLOW, "security buffer offset plus length overflows",
	    SEC_E_INVALID_TOKEN),
	ROW(NTLM_E_BUFFER_OVERLAPS_HEADER, "security buffer points into the fixed header",
	    SEC_E_INVALID_TOKEN),
	ROW(NTLM_E_UTF16_ODD_LENGTH, "UTF-16 string has an odd number of bytes",
	    SEC_E_INVALID_TOKEN),
	ROW(NTLM_E_UTF16_INVALID, "UTF-16 string is not valid (unpaired surrogate)",
	    SEC_E_INVALID_TOKEN),
	ROW(NTLM_E_AV_NO_EOL, "AV pair list does not end with MsvAvEOL", SEC_E_INVALID_TOKEN),
	ROW(NTLM_E_AV_DUPLICATE, "AV pair list repeats an AvId", SEC_E_INVALID_TOKEN),
	ROW(NTLM_E_AV_BAD_LENGTH, "fixed-size AV pair has the wrong length", SEC_E_INVALID_TOKEN),
	ROW(NTLM_E_AV_TOO_MANY, "AV pair list has too many pairs", SEC_E_INVALID_TOKEN),
	ROW(NTLM_E_TOKEN_TOO_LARGE, "token larger than 2888 bytes", SEC_E_INVALID_TOKEN),
	ROW(NTLM_E_NO_CHARSET, "neither NTLMSSP_NEGOTIATE_UNICODE nor NTLM_NEGOTIATE_OEM is set",
	    SEC_E_INVALID_TOKEN),
	ROW(NTLM_E_BAD_RESPONSE, "challenge response has an impossible length or layout",
	    SEC_E_INVALID_TOKEN),
	ROW(NTLM_E_BAD_ENCODING, "token text is neither valid base64 nor hex", SEC_E_INVALID_TOKEN),
	ROW(NTLM_E_CONFIG, "policy file is not valid", STATUS_INVALID_PARAMETER),
	ROW(NTLM_E_ACCOUNTS_FILE, "account store file is not valid", STATUS_INVALID_PARAMETER),
	ROW(NTLM_E_BAD_KEY_EXCHANGE,
	    "KEY_EXCH negotiated without a valid EncryptedRandomSessionKey", SEC_E_INVALID_TOKEN),
	ROW(NTLM_E_NO_COMMON_MECH, "the SPNEGO token offers no NTLMSSP mechanism",
	    SEC_E_SECPKG_NOT_FOUND),
	ROW(NTLM_E_MESSAGE_ALTERED, "message signature does not verify", SEC_E_MESSAGE_ALTERED),
	ROW(NTLM_E_OUT_OF_SEQUENCE, "message sequence number is not the expected one",
	    SEC_E_OUT_OF_SEQUENCE),
	ROW(NTLM_E_LOGON_FAILURE, "the response does not match the account's password",
	    SEC_E_LOGON_DENIED),
	ROW(NTLM_E_NO_SUCH_USER, "no such account", SEC_E_LOGON_DENIED),
	ROW(NTLM_E_MIC_MISMATCH, "the AUTHENTICATE message's MIC does not verify",
	    SEC_E_LOGON_DENIED),
	ROW(NTLM_E_BAD_BINDINGS, "channel bindings do not match", SEC_E_BAD_BINDINGS),
	ROW(NTLM_E_REPLAY, "this challenge was already answered", SEC_E_LOGON_DENIED),
	ROW(NTLM_E_TIME_SKEW, "NTLMv2 timestamp outside the allowed clock skew", SEC_E_TIME_SKEW),
	ROW(NTLM_E_TARGET_INFO_ALTERED, "the client's copy of the target information differs",
	    SEC_E_LOGON_DENIED),
	ROW(NTLM_E_ACCOUNT_DISABLED, "the account is disabled", STATUS_ACCOUNT_DISABLED),
	ROW(NTLM_E_ACCOUNT_EXPIRED, "the account has expired", STATUS_ACCOUNT_EXPIRED),
	ROW(NTLM_E_ACCOUNT_LOCKED_OUT, "the account is locked out", STATUS_ACCOUNT_LOCKED_OUT),
	ROW(NTLM_E_PASSWORD_EXPIRED, "the account's password has expired", STATUS_PASSWORD_EXPIRED),
	ROW(NTLM_E_PASSWORD_MUST_CHANGE, "the account's password must be changed before logon",
	    STATUS_PASSWORD_MUST_CHANGE),
	ROW(NTLM_E_LOGON_HOURS, "the account may not log on at this time",
	    STATUS_INVALID_LOGON_HOURS),
	ROW(NTLM_E_WORKSTATION_RESTRICTED, "the account may not log on from this workstation",
	    STATUS_INVALID_WORKSTATION),
	ROW(NTLM_E_ACCOUNT_RESTRICTED, "an account restriction refuses this logon",
	    STATUS_ACCOUNT_RESTRICTION),
	ROW(NTLM_E_POLICY_SEND_BLOCKED, "outgoing NTLM blocked by RestrictSendingNTLMTraffic",
	    STATUS_NOT_SUPPORTED),
	ROW(NTLM_E_POLICY_MIN_SEC, "minimum session security not met", SEC_E_UNSUPPORTED_FUNCTION),
	ROW(NTLM_E_POLICY_RECEIVE_BLOCKED, "incoming NTLM blocked by RestrictReceivingNTLMTraffic",
	    STATUS_NOT_SUPPORTED),
	ROW(NTLM_E_POLICY_RESPONSE_REFUSED, "response type refused by LmCompatibilityLevel",
	    SEC_E_LOGON_DENIED),
	ROW(NTLM_E_POLICY_ANONYMOUS, "anonymous logon not allowed by policy", SEC_E_LOGON_DENIED),
	ROW(NTLM_E_POLICY_MIC_REQUIRED, "RequireMIC is set and the AUTHENTICATE carries no MIC",
	    SEC_E_LOGON_DENIED),
	ROW(NTLM_E_POLICY_BINDINGS_REQUIRED, "ChannelBindings = Require and the client sent none",
	    SEC_E_BAD_BINDINGS),
	ROW(NTLM_E_POLICY_PROTECTION, "a required protection (signing, sealing) was not granted",
	    SEC_E_UNSUPPORTED_FUNCTION),
	ROW(NTLM_E_POLICY_AUDIT_FAILED,
	    "AuditFailure = deny and an audit record of the handshake could not be written",
	    SEC_E_INTERNAL_ERROR),
	ROW(NTLM_E_INVALID_ARGUMENT, "invalid argument", STATUS_INVALID_PARAMETER),
	ROW(NTLM_E_BUFFER_TOO_SMALL, "output buffer too small", SEC_E_BUFFER_TOO_SMALL),
	ROW(NTLM_E_BAD_STRING, "string is not valid UTF-8", STATUS_INVALID_PARAMETER),
	ROW(NTLM_E_UNREPRESENTABLE, "string cannot be represented in the OEM code page",
	    STATUS_INVALID_PARAMETER),
	ROW(NTLM_E_NOT_NEGOTIATED, "operation needs a flag that was not negotiated",
	    SEC_E_UNSUPPORTED_FUNCTION),
	ROW(NTLM_E_BAD_STATE, "call not valid in the context's current state",
	    SEC_E_INVALID_HANDLE),
	ROW(NTLM_E_NOMEM, "out of memory", SEC_E_INSUFFICIENT_MEMORY),
	ROW(NTLM_E_RANDOM, "the system random generator failed", SEC_E_INTERNAL_ERROR),
	ROW(NTLM_E_INTERNAL, "internal error", SEC_E_INTERNAL_ERROR),
	ROW(NTLM_E_NO_LOGON_SERVERS, "no domain controller could be reached",
	    SEC_E_NO_AUTHENTICATING_AUTHORITY),
	ROW(NTLM_E_BACKEND_UNAVAILABLE, "the account backend (winbindd) cannot be reached",
	    SEC_E_INTERNAL_ERROR),
};
#undef ROW

static const struct status_row *find(ntlm_status st)
{
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++)
		if (rows[i].st == st)
			return &rows[i];
	return NULL;
}

enum ntlm_status_kind ntlm_status_kind(ntlm_status st)
{
	if (st == NTLM_OK || st == NTLM_CONTINUE)
		return NTLM_KIND_OK;
	if (st < 200)
		return NTLM_KIND_MALFORMED;
	if (st < 300)
		return NTLM_KIND_AUTH_FAILED;
	if (st < 400)
		return NTLM_KIND_POLICY_DENIED;
	if (st < 500)
		return NTLM_KIND_USAGE;
	return NTLM_KIND_INTERNAL;
}

const char *ntlm_status_name(ntlm_status st)
{
	const struct status_row *r = find(st);
	return r ? r->name : "NTLM_E_UNKNOWN";
}

const char *ntlm_status_text(ntlm_status st)
{
	const struct status_row *r = find(st);
	return r ? r->text : "unknown status";
}

uint32_t ntlm_status_win32(ntlm_status st)
{
	const struct status_row *r = find(st);
	return r ? r->win32 : SEC_E_INTERNAL_ERROR;
}

static _Thread_local char err_detail[256];

ntlm_status ntlm_err(ntlm_status st, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err_detail, sizeof(err_detail), fmt, ap);
	va_end(ap);
	return st;
}

void ntlm_err_clear(void)
{
	err_detail[0] = '\0';
}

const char *ntlm_error_message(void)
{
	return err_detail;
}
