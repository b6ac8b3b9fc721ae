/*
 * policy: the Windows NTLM security settings as one struct, loaded from the
 * native config file, a security template INF or a .reg export, and pure
 * decision functions over it. No I/O beyond loading; no crypto.
 *
 * Semantics: shared/reference/windows-policy.md; our choices: docs/policy.md.
 */
#ifndef NTLM_POLICY_H
#define NTLM_POLICY_H

#include "internal.h"
#include "wire/wire.h"

/* The four bits NtlmMinClientSec / NtlmMinServerSec may hold. */
#define NTLM_MINSEC_INTEGRITY NTLMSSP_NEGOTIATE_SIGN                  /* 0x00000010 */
#define NTLM_MINSEC_CONFIDENTIALITY NTLMSSP_NEGOTIATE_SEAL            /* 0x00000020 */
#define NTLM_MINSEC_NTLM2 NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY  /* 0x00080000 */
#define NTLM_MINSEC_128 NTLMSSP_NEGOTIATE_128                         /* 0x20000000 */
#define NTLM_MINSEC_ALLOWED                                                               \
	(NTLM_MINSEC_INTEGRITY | NTLM_MINSEC_CONFIDENTIALITY | NTLM_MINSEC_NTLM2 | NTLM_MINSEC_128)

enum ntlm_cb_mode {
	NTLM_CB_OFF = 0,    /* channel bindings ignored */
	NTLM_CB_ACCEPT = 1, /* checked when the client sends them; absent is fine */
	NTLM_CB_REQUIRE = 2 /* must be present and match */
};

/* Identifies one setting; the index into struct ntlm_policy's source table. */
enum ntlm_setting {
	NTLM_SET_LM_COMPAT = 0,           /* [Lsa] LmCompatibilityLevel */
	NTLM_SET_MIN_CLIENT_SEC,          /* [MSV1_0] NtlmMinClientSec */
	NTLM_SET_MIN_SERVER_SEC,          /* [MSV1_0] NtlmMinServerSec */
	NTLM_SET_RESTRICT_SENDING,        /* [MSV1_0] RestrictSendingNTLMTraffic */
	NTLM_SET_CLIENT_ALLOWED_SERVERS,  /* [MSV1_0] ClientAllowedNTLMServers */
	NTLM_SET_RESTRICT_RECEIVING,      /* [MSV1_0] RestrictReceivingNTLMTraffic */
	NTLM_SET_AUDIT_RECEIVING,         /* [MSV1_0] AuditReceivingNTLMTraffic */
	NTLM_SET_RESTRICT_IN_DOMAIN,      /* [Netlogon] RestrictNTLMInDomain */
	NTLM_SET_AUDIT_IN_DOMAIN,         /* [Netlogon] AuditNTLMInDomain */
	NTLM_SET_DC_ALLOWED_SERVERS,      /* [Netlogon] DCAllowedNTLMServers */
	NTLM_SET_STRICT_MIN_SEC,          /* [ntlmssp] StrictMinSec (ours) */
	NTLM_SET_REQUIRE_MIC,             /* [ntlmssp] RequireMIC (ours) */
	NTLM_SET_CHANNEL_BINDINGS,        /* [ntlmssp] ChannelBindings = Off|Accept|Require */
	NTLM_SET_MAX_CLOCK_SKEW,          /* [ntlmssp] MaxClockSkew (seconds) */
	NTLM_SET_ALLOW_ANONYMOUS,         /* [ntlmssp] AllowAnonymous (insecure) */
	NTLM_SET_COUNT
};
/* The Windows (or our) value name, e.g. "NtlmMinClientSec". */
const char *ntlm_policy_setting_name(enum ntlm_setting s);

#define NTLM_POLICY_MAX_SERVERS 64

/* Where a value came from: a profile default, or file:line. */
struct ntlm_policy_source {
	char file[128]; /* "" = the profile's default */
	unsigned line;
};

struct ntlm_policy {
	char profile[32];          /* "cis", "windows-default", "legacy-insecure" */
	bool insecure;             /* profile or settings re-enable LM/NTLMv1/no-MIC/anonymous */
	unsigned lm_compat;        /* 0..5 */
	uint32_t min_client_sec;   /* subset of NTLM_MINSEC_ALLOWED */
	uint32_t min_server_sec;
	unsigned restrict_sending; /* 0 allow, 1 audit, 2 deny */
	size_t n_client_allowed;
	char client_allowed[NTLM_POLICY_MAX_SERVERS][256]; /* patterns, '*' wildcard */
	unsigned restrict_receiving; /* 0 allow, 1 deny domain accounts, 2 deny all */
	unsigned audit_receiving;    /* 0 off, 1 domain accounts, 2 all */
	unsigned restrict_in_domain; /* 0,1,3,5,7 (DC setting; loaded and shown only) */
	unsigned audit_in_domain;    /* 0,1,3,5,7 (DC setting; loaded and shown only) */
	size_t n_dc_allowed;
	char dc_allowed[NTLM_POLICY_MAX_SERVERS][256];
	bool strict_min_sec;       /* every NtlmMin*Sec bit absolute (see docs/policy.md) */
	bool require_mic;
	enum ntlm_cb_mode channel_bindings;
	uint32_t max_clock_skew;   /* seconds; NTLMv2 timestamp bound */
	bool allow_anonymous;
	struct ntlm_policy_source source[NTLM_SET_COUNT];
};

/* ---- profiles (const tables in profiles.c) ---------------------------- */
/* "cis" (the default), "windows-default", "legacy-insecure". */
NTLM_RESULT ntlm_policy_profile(const char *name, struct ntlm_policy *out);
/* NULL-terminated list of profile names. */
const char *const *ntlm_policy_profile_names(void);

/* ---- loading ---------------------------------------------------------- */
/*
 * Loads a file of any of the three formats (detected from content: a UTF-16LE
 * BOM or "[Unicode]"/"[Version]"/"[Registry Values]" -> INF; "REGEDIT4" or
 * "Windows Registry Editor Version 5.00" -> .reg; otherwise native config)
 * on top of the "cis" profile (or the `Profile = NAME` the native file names).
 * Errors carry "file:line: ..." in ntlm_error_message(). When `errors` is not
 * NULL, every error is appended to it (one per line, up to errors_len) and
 * loading goes on to report them all; the status is that of the first.
 */
NTLM_RESULT ntlm_policy_load_file(const char *path, struct ntlm_policy *out, char *errors,
				  size_t errors_len);
/* The same over bytes already in memory; `name` is used in messages. */
NTLM_RESULT ntlm_policy_load_buffer(const char *name, const uint8_t *data, size_t len,
				    struct ntlm_policy *out, char *errors, size_t errors_len);
/* Writes the native config equivalent of a policy (for `ntlm policy import`). */
NTLM_RESULT ntlm_policy_write_native(const struct ntlm_policy *p, char *buf, size_t len);

/* ---- decisions (pure) ------------------------------------------------- */
enum ntlm_verdict_kind {
	NTLM_ALLOW = 0,
	NTLM_ALLOW_AUDIT, /* allowed, and an audit event is due */
	NTLM_DENY
};

struct ntlm_verdict {
	enum ntlm_verdict_kind kind;
	enum ntlm_setting setting; /* the setting that decided */
	uint32_t event_id;         /* Windows-compatible or our event id; 0 = none */
	uint32_t missing;          /* NtlmMin*Sec bits not met (0 otherwise) */
	char reason[200];          /* one line naming the setting and value */
};

/* RestrictSendingNTLMTraffic + ClientAllowedNTLMServers, before any NEGOTIATE.
 * Deny -> event 4001; audit -> 8001. target is the SPN ("HTTP/host.dom") or a
 * host name; matching: case-insensitive, '*' = any run of characters, against
 * the full SPN, its host part, and the host's first DNS label. */
void ntlm_policy_may_send(const struct ntlm_policy *p, const char *target,
			  struct ntlm_verdict *v);
bool ntlm_policy_server_allowed(const struct ntlm_policy *p, const char *target);

/* The flags a client puts in its NEGOTIATE: UNICODE|OEM|REQUEST_TARGET|NTLM|
 * ALWAYS_SIGN|128|56|VERSION|ESS(level >= 1)|TARGET_INFO? (see client.c) plus
 * SIGN/SEAL/KEY_EXCH when asked or required by NtlmMinClientSec. */
uint32_t ntlm_policy_client_negotiate_flags(const struct ntlm_policy *p, bool want_sign,
					    bool want_seal);

/* NtlmMinClientSec (is_server = false) or NtlmMinServerSec against flags.
 * Unless strict_min_sec, the 128 bit is satisfied when neither SIGN nor SEAL
 * is in `flags` (MS-NLMP 2.2.2.5; Windows accepts unsigned clients under its
 * default "Require 128-bit"). Deny -> event 4010 (client) / 4011 (server),
 * v->missing = the unmet bits. */
void ntlm_policy_check_min_sec(const struct ntlm_policy *p, bool is_server, uint32_t flags,
			       struct ntlm_verdict *v);

/* LmCompatibilityLevel on the server: 0-3 accept all, 4 refuses LM, 5 refuses
 * LM and NTLMv1 (ESS included). Deny -> our event (NTLM_EVENT_RESPONSE_REFUSED). */
void ntlm_policy_accept_response(const struct ntlm_policy *p, enum ntlm_response_type t,
				 struct ntlm_verdict *v);

/* RestrictReceivingNTLMTraffic / AuditReceivingNTLMTraffic.
 * At NEGOTIATE (domain_account unknown: pass at_negotiate = true): 2 denies
 * (4002); audit 2 with restrict 0 logs 8002. At AUTHENTICATE: 1 denies domain
 * accounts (4002); audit logs 8002 for what the deny options would block. */
void ntlm_policy_may_receive(const struct ntlm_policy *p, bool at_negotiate,
			     bool domain_account, struct ntlm_verdict *v);

/* Our event ids for what Windows leaves silent (documented in docs/audit-events.md). */
#define NTLM_EVENT_OUT_AUDIT 8001u
#define NTLM_EVENT_IN_AUDIT 8002u
#define NTLM_EVENT_OUT_BLOCKED 4001u
#define NTLM_EVENT_IN_BLOCKED 4002u
#define NTLM_EVENT_MIN_CLIENT_SEC 4010u
#define NTLM_EVENT_MIN_SERVER_SEC 4011u
#define NTLM_EVENT_RESPONSE_REFUSED 9001u /* LmCompatibilityLevel refused the response type */
#define NTLM_EVENT_MIC_FAILURE 9002u      /* MIC missing when required, or wrong */
#define NTLM_EVENT_BAD_BINDINGS 9003u     /* channel bindings mismatch / missing */
#define NTLM_EVENT_LOGON_FAILURE 9004u    /* bad password or unknown user */
#define NTLM_EVENT_SUCCESS 9005u          /* authentication succeeded */
#define NTLM_EVENT_INSECURE_POLICY 9006u  /* an insecure setting was used */
#define NTLM_EVENT_ANONYMOUS_REFUSED 9007u
#define NTLM_EVENT_REPLAY 9008u           /* AUTHENTICATE for a used challenge, or timestamp skew */

#endif
