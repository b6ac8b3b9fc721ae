/* SPDX-License-Identifier: MIT */
/*
 * policy: the Windows NTLM security settings as one struct, loaded from the
 * native config file, a security template INF or a .reg export, and pure
 * decision functions over it. No I/O beyond loading; no crypto.
 *
 * Semantics: docs/windows-policy.md; our choices: docs/policy.md.
 */
#ifndef NTLM_POLICY_H
#define NTLM_POLICY_H

#include <stdatomic.h>

#include "internal.h"
#include "wire/wire.h"

/* The four bits NtlmMinClientSec / NtlmMinServerSec may hold. */
#define NTLM_MINSEC_INTEGRITY NTLMSSP_NEGOTIATE_SIGN		     /* 0x00000010 */
#define NTLM_MINSEC_CONFIDENTIALITY NTLMSSP_NEGOTIATE_SEAL	     /* 0x00000020 */
#define NTLM_MINSEC_NTLM2 NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY /* 0x00080000 */
#define NTLM_MINSEC_128 NTLMSSP_NEGOTIATE_128			     /* 0x20000000 */
#define NTLM_MINSEC_ALLOWED \
	(NTLM_MINSEC_INTEGRITY | NTLM_MINSEC_CONFIDENTIALITY | NTLM_MINSEC_NTLM2 | NTLM_MINSEC_128)

enum ntlm_cb_mode {
	NTLM_CB_OFF = 0,    /* channel bindings ignored */
	NTLM_CB_ACCEPT = 1, /* checked when the client sends them; absent is fine */
	NTLM_CB_REQUIRE = 2 /* must be present and match */
};

/* Identifies one setting; the index into struct ntlm_policy's source table. */
enum ntlm_setting {
	NTLM_SET_LM_COMPAT = 0,		 /* [Lsa] LmCompatibilityLevel */
	NTLM_SET_MIN_CLIENT_SEC,	 /* [MSV1_0] NtlmMinClientSec */
	NTLM_SET_MIN_SERVER_SEC,	 /* [MSV1_0] NtlmMinServerSec */
	NTLM_SET_RESTRICT_SENDING,	 /* [MSV1_0] RestrictSendingNTLMTraffic */
	NTLM_SET_CLIENT_ALLOWED_SERVERS, /* [MSV1_0] ClientAllowedNTLMServers */
	NTLM_SET_RESTRICT_RECEIVING,	 /* [MSV1_0] RestrictReceivingNTLMTraffic */
	NTLM_SET_AUDIT_RECEIVING,	 /* [MSV1_0] AuditReceivingNTLMTraffic */
	NTLM_SET_RESTRICT_IN_DOMAIN,	 /* [Netlogon] RestrictNTLMInDomain */
	NTLM_SET_AUDIT_IN_DOMAIN,	 /* [Netlogon] AuditNTLMInDomain */
	NTLM_SET_DC_ALLOWED_SERVERS,	 /* [Netlogon] DCAllowedNTLMServers */
	NTLM_SET_STRICT_MIN_SEC,	 /* [ntlmssp] StrictMinSec (ours) */
	NTLM_SET_REQUIRE_MIC,		 /* [ntlmssp] RequireMIC (ours) */
	NTLM_SET_CHANNEL_BINDINGS,	 /* [ntlmssp] ChannelBindings = Off|Accept|Require */
	NTLM_SET_MAX_CLOCK_SKEW,	 /* [ntlmssp] MaxClockSkew (seconds) */
	NTLM_SET_ALLOW_ANONYMOUS,	 /* [ntlmssp] AllowAnonymous (insecure) */
	NTLM_SET_ACCOUNTS,	    /* [ntlmssp] Accounts = file:PATH, winbind (docs/domain.md) */
	NTLM_SET_AUDIT_FAILURE,	    /* [ntlmssp] AuditFailure = continue|deny */
	NTLM_SET_REQUIRE_REQUESTED, /* [ntlmssp] RequireRequestedProtection (bool) */
	NTLM_SET_AUDIT_LOG,	    /* [ntlmssp] AuditLog = syslog, journal, file:PATH | none */
	NTLM_SET_COUNT
};
/* The Windows (or our) value name, e.g. "NtlmMinClientSec"; "?" if out of range. */
const char *ntlm_policy_setting_name(enum ntlm_setting s);
/* The native config section of a setting: "MSV1_0", "Lsa", "Netlogon", "ntlmssp". */
const char *ntlm_policy_setting_section(enum ntlm_setting s);

#define NTLM_POLICY_MAX_SERVERS 64	  /* entries per exception list */
#define NTLM_POLICY_MAX_PATTERN 255	  /* bytes per entry (printable ASCII) */
#define NTLM_POLICY_MAX_CLOCK_SKEW 86400u /* MaxClockSkew range is 1..this */

/* Where a value came from: a profile default, file:line, or ntlm_policy_set. */
struct ntlm_policy_source {
	char file[128]; /* "" = the profile's default; "(set)" = ntlm_policy_set();
			 * else the file name (its last 127 bytes) */
	unsigned line;	/* 0 unless from a file */
	bool undefined; /* not defined: the Windows default applies (an INF or .reg
			 * that does not set it, or a .reg that deletes it at file:line) */
};

struct ntlm_policy {
	char profile[32]; /* "cis", "windows-default", "strict", "legacy-insecure" */
	/* where `Profile =` was read ("" = the default) */
	struct ntlm_policy_source profile_source;
	bool insecure;		 /* derived: lm_compat < 3 or allow_anonymous (docs/policy.md);
				  * kept up to date by every loader / setter */
	unsigned lm_compat;	 /* 0..5 */
	uint32_t min_client_sec; /* subset of NTLM_MINSEC_ALLOWED */
	uint32_t min_server_sec;
	unsigned restrict_sending; /* 0 allow, 1 audit, 2 deny */
	size_t n_client_allowed;
	char client_allowed[NTLM_POLICY_MAX_SERVERS]
			   [NTLM_POLICY_MAX_PATTERN + 1]; /* patterns, '*' wildcard */
	unsigned restrict_receiving; /* 0 allow, 1 deny domain accounts, 2 deny all */
	unsigned audit_receiving;    /* 0 off, 1 domain accounts, 2 all */
	unsigned restrict_in_domain; /* 0,1,3,5,7 (DC setting; loaded and shown only) */
	unsigned audit_in_domain;    /* 0,1,3,5,7 (DC setting; loaded and shown only) */
	size_t n_dc_allowed;
	char dc_allowed[NTLM_POLICY_MAX_SERVERS][NTLM_POLICY_MAX_PATTERN + 1];
	bool strict_min_sec; /* every NtlmMin*Sec bit absolute (see docs/policy.md) */
	bool require_mic;
	enum ntlm_cb_mode channel_bindings;
	uint32_t max_clock_skew; /* seconds; NTLMv2 timestamp bound */
	bool allow_anonymous;
	/* The account backends a server uses when its front end names none, in
	 * lookup order: "file:PATH" or "winbind" (docs/domain.md). */
	size_t n_accounts;
	char accounts[NTLM_POLICY_MAX_SERVERS][NTLM_POLICY_MAX_PATTERN + 1];
	unsigned audit_failure; /* NTLM_AUDIT_FAILURE_*: a record that cannot be written */
	/* A protection asked for (client: the caller's request; server: the
	 * client's NEGOTIATE) and not granted fails the handshake (9009). */
	bool require_requested;
	/* Where the front ends send audit records: "syslog", "journal",
	 * "file:PATH", "syslog:SOCKET", "journal:SOCKET", or the one entry
	 * "none" (docs/audit-events.md). Default: syslog. */
	size_t n_audit_log;
	char audit_log[NTLM_POLICY_MAX_SERVERS][NTLM_POLICY_MAX_PATTERN + 1];
	struct ntlm_policy_source source[NTLM_SET_COUNT];
	/* ntlm_policy_identity's answer, kept at its first call (every logon's
	 * audit records carry it, and working it out renders the whole policy):
	 * id_state 0 = not kept, 1 = being written, 2 = kept. Every setter
	 * forgets it (ntlm_policy_identity_forget); a loader starts from a
	 * zeroed policy. Read and written by any thread using the policy. */
	_Atomic unsigned id_state;
	char id_hash[17];
	char id_source[256];
};

/* AuditFailure: what a handshake does when one of its audit records cannot
 * be written (disk full, sink error). */
#define NTLM_AUDIT_FAILURE_CONTINUE 0u /* count it (ntlm_audit_lost) and go on, as Windows */
#define NTLM_AUDIT_FAILURE_DENY 1u     /* the handshake fails: no record, no logon */

/* ---- profiles (const tables in profiles.c) ---------------------------- */
/* "cis" (the default), "windows-default", "strict", "legacy-insecure";
 * names are matched case-insensitively. Unknown -> NTLM_E_CONFIG. */
NTLM_RESULT ntlm_policy_profile(const char *name, struct ntlm_policy *out);
/* The default profile's name: "cis". */
#define NTLM_POLICY_DEFAULT_PROFILE "cis"
/* NULL-terminated list of profile names. */
const char *const *ntlm_policy_profile_names(void);

/* ---- loading ---------------------------------------------------------- */
/*
 * Loads a file of any of the three formats (detected from content: a UTF-16LE
 * BOM or "[Unicode]"/"[Version]"/"[Registry Values]" -> INF; "REGEDIT4" or
 * "Windows Registry Editor Version 5.00" -> .reg; otherwise native config).
 * A native config starts from the "cis" profile (or the `Profile = NAME` it
 * names); an INF or .reg starts from "windows-default" with every setting
 * "not defined" (docs/policy.md "Not defined"), as Windows reads them.
 * Errors carry "file:line: ..." in ntlm_error_message(). Loading always goes
 * on to find every error; when `errors` is not NULL, each is appended to it
 * as one "file:line: message\n" line (whole lines only; when it fills up, a
 * last line says how many were left out); the status is that of the first
 * error (NTLM_E_CONFIG; NTLM_E_NOMEM; NTLM_E_INVALID_ARGUMENT for NULLs).
 * On any failure *out is set to the "cis" profile, never to a half-applied
 * file. Files over 4 MiB are refused.
 */
NTLM_RESULT ntlm_policy_load_file(const char *path, struct ntlm_policy *out, char *errors,
				  size_t errors_len);
/* How a load went, for callers that show every error (`ntlm policy check`):
 * n_errors counts them all, n_dropped those that did not fit in `errors`. */
struct ntlm_policy_load_report {
	unsigned n_errors;
	unsigned n_dropped;
};
/* ntlm_policy_load_file, also filling *rep (which may be NULL). */
NTLM_RESULT ntlm_policy_load_file_report(const char *path, struct ntlm_policy *out, char *errors,
					 size_t errors_len, struct ntlm_policy_load_report *rep);
/*
 * Several files, in order, later wins (docs/policy.md "Several files"): the
 * starting point is `profile` when not NULL, else the first file's own (as
 * ntlm_policy_load_file); each file then sets the values it defines, over
 * what the files before it set, and each value's source is the file:line
 * that won. A `Profile =` line is allowed only in the first file and only
 * when `profile` is NULL. Within one file a setting given twice is still an
 * error. n == 0 gives the starting point alone. Errors as above, from every
 * file, in order; a file that cannot be read is one "file: ..." error.
 */
NTLM_RESULT ntlm_policy_load_files_report(const char *profile, const char *const *paths, size_t n,
					  struct ntlm_policy *out, char *errors, size_t errors_len,
					  struct ntlm_policy_load_report *rep);
/* The files of a configuration directory, in the order they apply:
 * DIR/ntlmssp.conf (when it exists), then every regular file of
 * DIR/policy.d whose name ends in .conf, .inf or .reg (any case) and does
 * not start with '.', in byte order of their names. *paths is a
 * NULL-terminated array (free each and the array with free()); *n its count.
 * A missing directory or policy.d is no error. */
NTLM_RESULT ntlm_policy_config_dir_files(const char *dir, char ***paths, size_t *n);
/* Frees what ntlm_policy_config_dir_files returned (NULL is a no-op). */
void ntlm_policy_config_dir_free(char **paths);
#define NTLM_POLICY_CONFIG_DIR "/etc/ntlmssp"
/* The same over bytes already in memory; `name` is used in messages. */
NTLM_RESULT ntlm_policy_load_buffer(const char *name, const uint8_t *data, size_t len,
				    struct ntlm_policy *out, char *errors, size_t errors_len);
/* Sets one setting from its native-config spelling ("RestrictSendingNTLMTraffic",
 * "Deny"), as a [section] line would; the source becomes "(set)". Errors:
 * NTLM_E_CONFIG with the same message a file would get (without file:line). */
NTLM_RESULT ntlm_policy_set(struct ntlm_policy *p, const char *name, const char *value);

/* Big enough for ntlm_policy_dump / ntlm_policy_write_native of any policy. */
#define NTLM_POLICY_TEXT_MAX 40960u

/* Writes the native config equivalent of a policy (for `ntlm policy import`):
 * a Profile line, then every setting in its section. NUL-terminated;
 * NTLM_E_BUFFER_TOO_SMALL if it does not fit. */
NTLM_RESULT ntlm_policy_write_native(const struct ntlm_policy *p, char *buf, size_t len);

/* A policy's identity for audit records (docs/audit-events.md): hash gets
 * 16 hex digits of a 64-bit FNV-1a hash of its effective settings (the
 * native config it writes, without comments and the Profile line: policies
 * that decide alike hash alike), source "profile NAME" then ", FILE" for
 * each file that set a value (whole names; cut when source_len is short). */
NTLM_RESULT ntlm_policy_identity(const struct ntlm_policy *p, char *hash, size_t hash_len,
				 char *source, size_t source_len);
/* A setting of p changed: its identity is worked out again at the next call. */
void ntlm_policy_identity_forget(struct ntlm_policy *p);

/* Renders the effective settings (for `ntlm policy show` and the snapshot
 * tests): two header comments (profile, insecure), then one line per setting
 * in enum order, "Name = value  # symbolic; source[; INSECURE]". */
NTLM_RESULT ntlm_policy_dump(const struct ntlm_policy *p, char *buf, size_t len);

/* Renders the effective settings for people (`ntlm policy show`): a header
 * (profile and where it was named, insecure and why), then one block per
 * setting in enum order: "Name = value (symbolic)" with "  INSECURE" when it
 * makes the policy insecure, then indented "windows:" (the Group Policy
 * name and the value's label there), "registry:" (the value's path and type),
 * "meaning:" (what the value does, in words) and "source:" (profile default
 * or file:line) lines. Format: docs/cli.md "ntlm policy show". */
NTLM_RESULT ntlm_policy_show(const struct ntlm_policy *p, char *buf, size_t len);

/* ---- decisions (pure) ------------------------------------------------- */
enum ntlm_verdict_kind {
	NTLM_ALLOW = 0,
	NTLM_ALLOW_AUDIT, /* allowed, and an audit event is due */
	NTLM_DENY
};

struct ntlm_verdict {
	enum ntlm_verdict_kind kind;
	enum ntlm_setting setting; /* the setting that decided */
	uint32_t event_id;	   /* Windows-compatible or our event id; 0 = none */
	uint32_t missing;	   /* NtlmMin*Sec bits not met (0 otherwise) */
	char reason[200];	   /* one line naming the setting and value */
};

/* RestrictSendingNTLMTraffic + ClientAllowedNTLMServers, before any NEGOTIATE.
 * 0 -> allow; 1 -> allow + audit 8001 (every target, listed or not);
 * 2 -> allow (no event) when the target matches ClientAllowedNTLMServers,
 * else deny with event 4001. target (NULL = "") is the SPN ("HTTP/host.dom"),
 * a GSS host-based name ("HTTP@host.dom") or a host name. */
void ntlm_policy_may_send(const struct ntlm_policy *p, const char *target, struct ntlm_verdict *v);
/* Whether target matches an entry of ClientAllowedNTLMServers. */
bool ntlm_policy_server_allowed(const struct ntlm_policy *p, const char *target);

/* A target name taken apart (docs/policy.md "Exception lists"). */
enum ntlm_host_kind {
	NTLM_HOST_NAME = 0, /* one label: a NetBIOS or short name ("filesrv") */
	NTLM_HOST_DNS,	    /* two or more labels ("filesrv.corp.example") */
	NTLM_HOST_IPV4,
	NTLM_HOST_IPV6
};
struct ntlm_policy_target {
	char service[64]; /* service class ("HTTP"); "" for a bare host */
	char host[256];	  /* lower case; no brackets, no trailing dot */
	enum ntlm_host_kind kind;
	uint8_t addr[16]; /* the address of an IPv4 (4 bytes) / IPv6 host */
	unsigned port;	  /* 0 = none */
	char name[256];	  /* the SPN's service name after the host; "" */
};
/* Parses "svc/host[:port][/name]" (SPN), "svc@host" (GSS host-based name)
 * or "host[:port]", IPv6 literals in brackets ("[::1]:443"; bare "fe80::1"
 * without a port). Hosts are DNS-style labels of letters, digits, '-' and
 * '_' (1..63 bytes each, 253 in all) or IP literals; one trailing dot is
 * dropped; letters are folded to lower case. False, with *why saying what is
 * wrong, for anything else (two '@', '@' in an SPN, an empty label, a bad
 * port, spaces, ...): such a target matches no exception. */
bool ntlm_policy_target_parse(const char *target, struct ntlm_policy_target *t, char *why,
			      size_t why_len);
/* One exception-list entry against a target, host against host only:
 * "host" (one label) matches that exact one-label host only, never an FQDN
 * that starts with it; "a.b.c" matches that FQDN; '*' inside a label matches
 * any run of characters within that label; a first label that is just "*"
 * matches one or more labels ("*.corp.example": x.corp.example,
 * a.b.corp.example, not corp.example); "*" alone matches every host; IP
 * literals match the same address. An entry may add ":port" (then the port
 * must be the same) or start with "svc/" (then the service class must be the
 * same, '*' allowed). ASCII case-insensitive; a trailing dot is ignored. A
 * target that ntlm_policy_target_parse refuses matches nothing. */
bool ntlm_policy_target_matches(const char *pattern, const char *target);

/* The flags a client puts in its NEGOTIATE (docs/policy.md "Client flags"):
 * UNICODE|OEM|REQUEST_TARGET|NTLM|ALWAYS_SIGN|128|56|VERSION, plus ESS when
 * LmCompatibilityLevel >= 1 or NtlmMinClientSec has 0x80000, SIGN when
 * want_sign or 0x10 required, SEAL|SIGN when want_seal or 0x20 required,
 * KEY_EXCH whenever SIGN or SEAL is set. Never LM_KEY, TARGET_INFO, DATAGRAM,
 * IDENTIFY, ANONYMOUS. */
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
 * LM and NTLMv1 (ESS included). Deny -> our event (NTLM_EVENT_RESPONSE_REFUSED).
 * An accepted LM / NTLMv1 response is allow + audit NTLM_EVENT_INSECURE_POLICY.
 * NTLM_RESP_ANONYMOUS is decided by AllowAnonymous instead: deny with
 * NTLM_EVENT_ANONYMOUS_REFUSED when off, allow + audit
 * NTLM_EVENT_INSECURE_POLICY when on (setting NTLM_SET_ALLOW_ANONYMOUS). */
void ntlm_policy_accept_response(const struct ntlm_policy *p, enum ntlm_response_type t,
				 struct ntlm_verdict *v);

/* LmCompatibilityLevel on the client, given the flags the server chose in
 * its CHALLENGE: level >= 3 -> NTLMv2 (allow); 0..2 -> NTLMv1-ESS when ESS
 * is in `flags`, else NTLMv1 (allow + audit NTLM_EVENT_INSECURE_POLICY). */
enum ntlm_response_type ntlm_policy_client_response(const struct ntlm_policy *p, uint32_t flags,
						    struct ntlm_verdict *v);
/* Whether a client at this level puts a real LM response (DESL(LMOWFv1, ...))
 * in LmChallengeResponse: levels 0 and 1 without ESS. Level 2 copies the NT
 * response there; ESS puts CC||Z(16); NTLMv2 puts LMv2 or Z(24). */
bool ntlm_policy_client_sends_lm(const struct ntlm_policy *p, uint32_t flags);

/* RestrictReceivingNTLMTraffic / AuditReceivingNTLMTraffic.
 * At NEGOTIATE (domain_account unknown: pass at_negotiate = true): 2 denies
 * (4002); nothing is audited there. At AUTHENTICATE (the user is known):
 * 2 denies all, 1 denies domain accounts (4002); otherwise
 * AuditReceivingNTLMTraffic 2 (any account) or 1 (domain accounts) gives
 * allow + audit 8002 for what the deny options would block: exactly one 8002
 * per exchange, carrying the user. */
void ntlm_policy_may_receive(const struct ntlm_policy *p, bool at_negotiate, bool domain_account,
			     struct ntlm_verdict *v);

/* RequireMIC: deny (NTLM_EVENT_MIC_FAILURE) when set and the AUTHENTICATE
 * carries no MIC. A MIC that is present is verified whatever this says. */
void ntlm_policy_check_mic(const struct ntlm_policy *p, bool mic_present, struct ntlm_verdict *v);

/* ChannelBindings: Require and no (or all-zero) MsvAvChannelBindings -> deny
 * (NTLM_EVENT_BAD_BINDINGS). Accept / Require: present bindings are verified
 * by the caller; Off: they are ignored. */
void ntlm_policy_check_bindings(const struct ntlm_policy *p, bool bindings_present,
				struct ntlm_verdict *v);

/* What a server does with the client's MsvAvChannelBindings; the policy
 * decides, the caller only compares the hashes. */
enum ntlm_cb_action {
	NTLM_CBA_SKIP = 0, /* nothing to compare: Off; none sent under Accept; or
			    * Accept and this server has no bindings of its own */
	NTLM_CBA_COMPARE,  /* compare them with this channel's */
	NTLM_CBA_NO_LOCAL, /* Require, sent, but this server has none: fail */
	NTLM_CBA_DENY	   /* Require and none sent: deny with *v (event 9003) */
};
/* ntlm_policy_check_bindings (which fills *v) plus the action above, given
 * whether the client sent non-zero bindings and whether the server knows
 * its channel's. */
enum ntlm_cb_action ntlm_policy_bindings_action(const struct ntlm_policy *p, bool sent,
						bool have_local, struct ntlm_verdict *v);

/* MaxClockSkew: the NTLMv2 timestamp (FILETIME, 100 ns units) against the
 * server's clock; further apart than MaxClockSkew seconds -> deny
 * (NTLM_EVENT_REPLAY). */
void ntlm_policy_check_timestamp(const struct ntlm_policy *p, uint64_t client_filetime,
				 uint64_t now_filetime, struct ntlm_verdict *v);

/* Our event ids for what Windows leaves silent (documented in docs/audit-events.md). */
#define NTLM_EVENT_OUT_AUDIT 8001u
#define NTLM_EVENT_IN_AUDIT 8002u
#define NTLM_EVENT_OUT_BLOCKED 4001u
#define NTLM_EVENT_IN_BLOCKED 4002u
#define NTLM_EVENT_MIN_CLIENT_SEC 4010u
#define NTLM_EVENT_MIN_SERVER_SEC 4011u
#define NTLM_EVENT_RESPONSE_REFUSED 9001u /* LmCompatibilityLevel refused the response type */
#define NTLM_EVENT_MIC_FAILURE 9002u	  /* MIC missing when required, or wrong */
#define NTLM_EVENT_BAD_BINDINGS 9003u	  /* channel bindings mismatch / missing */
#define NTLM_EVENT_LOGON_FAILURE 9004u	  /* bad password or unknown user */
#define NTLM_EVENT_SUCCESS 9005u	  /* authentication succeeded */
#define NTLM_EVENT_INSECURE_POLICY 9006u  /* an insecure setting was used */
#define NTLM_EVENT_ANONYMOUS_REFUSED 9007u
#define NTLM_EVENT_REPLAY 9008u /* AUTHENTICATE for a used challenge, or timestamp skew */
#define NTLM_EVENT_PROTECTION_REFUSED 9009u /* required sign/seal not granted */
#define NTLM_EVENT_OUT_ANSWERED 9010u	    /* client: the CHALLENGE was answered */

#endif
