/* SPDX-License-Identifier: MIT */
/*
 * ntlmssp — a policy-enforcing NTLM Security Support Provider.
 *
 * The one stable public header. Opaque types only; every function that can
 * fail returns an ntlm_status (0 = NTLM_OK). After a failure,
 * ntlm_error_message() returns a one-line description naming the field or
 * setting that caused it (thread-local, valid until the next failing call on
 * the same thread).
 */
#ifndef NTLMSSP_H
#define NTLMSSP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define NTLM_API __attribute__((visibility("default")))
#define NTLM_MUST_USE __attribute__((warn_unused_result))
#else
#define NTLM_API
#define NTLM_MUST_USE
#endif

/* The version of these headers. CMake's project(VERSION) must say the same
 * (checked when configuring, and by test_version). */
#define NTLMSSP_VERSION_MAJOR 0
#define NTLMSSP_VERSION_MINOR 1
#define NTLMSSP_VERSION_PATCH 0
#define NTLMSSP_VERSION "0.1.0"
/* One number for #if comparisons: 0xMMmmpp. */
#define NTLMSSP_VERSION_NUMBER \
	((NTLMSSP_VERSION_MAJOR << 16) | (NTLMSSP_VERSION_MINOR << 8) | NTLMSSP_VERSION_PATCH)

/* Largest token Windows accepts (MS-NLMP: 2888 bytes). */
#define NTLM_MAX_TOKEN 2888

/* Status codes. Grouped by kind; see docs/errors.md for the full table. */
typedef enum ntlm_status {
	NTLM_OK = 0,
	NTLM_CONTINUE = 1, /* ntlm_step: send the output token and call again */

	/* MALFORMED: bytes from the peer (or a file) are not a valid message */
	NTLM_E_BAD_SIGNATURE = 100,    /* not "NTLMSSP\0" */
	NTLM_E_BAD_MESSAGE_TYPE,       /* MessageType is not the expected one */
	NTLM_E_TRUNCATED,	       /* shorter than its fixed header / field */
	NTLM_E_BUFFER_OUT_OF_BOUNDS,   /* security buffer ends past the message */
	NTLM_E_BUFFER_OVERFLOW,	       /* offset + length wraps 32 bits */
	NTLM_E_BUFFER_OVERLAPS_HEADER, /* security buffer points into the fixed header */
	NTLM_E_UTF16_ODD_LENGTH,       /* UTF-16 string with an odd byte count */
	NTLM_E_UTF16_INVALID,	       /* unpaired surrogate, or not convertible */
	NTLM_E_AV_NO_EOL,	       /* AV list does not end with MsvAvEOL */
	NTLM_E_AV_DUPLICATE,	       /* the same AvId twice */
	NTLM_E_AV_BAD_LENGTH,	       /* fixed-size AV pair with the wrong AvLen */
	NTLM_E_AV_TOO_MANY,	       /* more AV pairs than we keep */
	NTLM_E_TOKEN_TOO_LARGE,	       /* over NTLM_MAX_TOKEN bytes */
	NTLM_E_NO_CHARSET,	       /* neither UNICODE nor OEM negotiated */
	NTLM_E_BAD_RESPONSE,	       /* LM/NT response of an impossible shape */
	NTLM_E_BAD_ENCODING,	       /* base64 / hex / token text not decodable */
	NTLM_E_CONFIG,		       /* policy file: syntax, unknown key, bad value */
	NTLM_E_ACCOUNTS_FILE,	       /* account store file: malformed line */
	NTLM_E_BAD_KEY_EXCHANGE,       /* KEY_EXCH without a 16-byte EncryptedRandomSessionKey */
	NTLM_E_NO_COMMON_MECH,	       /* SPNEGO: the peer offers no NTLMSSP */

	/* AUTH_FAILED: crypto check on the peer's data failed */
	NTLM_E_MESSAGE_ALTERED = 200, /* signature does not verify */
	NTLM_E_OUT_OF_SEQUENCE,	      /* sequence number is not the expected one */
	NTLM_E_LOGON_FAILURE,	      /* wrong password (response does not verify) */
	NTLM_E_NO_SUCH_USER,	      /* user not in the account store */
	NTLM_E_MIC_MISMATCH,	      /* MIC present but wrong */
	NTLM_E_BAD_BINDINGS,	      /* channel bindings differ from ours */
	NTLM_E_REPLAY,		      /* challenge already answered */
	NTLM_E_TIME_SKEW,	      /* NTLMv2 timestamp outside MaxClockSkew */
	NTLM_E_TARGET_INFO_ALTERED,   /* client's AV pairs differ from what we sent */
	/* The domain's verdicts on a valid response (docs/domain.md) */
	NTLM_E_ACCOUNT_DISABLED,       /* STATUS_ACCOUNT_DISABLED */
	NTLM_E_ACCOUNT_EXPIRED,	       /* STATUS_ACCOUNT_EXPIRED */
	NTLM_E_ACCOUNT_LOCKED_OUT,     /* STATUS_ACCOUNT_LOCKED_OUT */
	NTLM_E_PASSWORD_EXPIRED,       /* STATUS_PASSWORD_EXPIRED */
	NTLM_E_PASSWORD_MUST_CHANGE,   /* STATUS_PASSWORD_MUST_CHANGE */
	NTLM_E_LOGON_HOURS,	       /* STATUS_INVALID_LOGON_HOURS */
	NTLM_E_WORKSTATION_RESTRICTED, /* STATUS_INVALID_WORKSTATION */
	NTLM_E_ACCOUNT_RESTRICTED,     /* STATUS_ACCOUNT_RESTRICTION, logon type not granted */

	/* POLICY_DENIED: a setting refused the exchange */
	NTLM_E_POLICY_SEND_BLOCKED = 300, /* RestrictSendingNTLMTraffic */
	NTLM_E_POLICY_MIN_SEC,		  /* NtlmMinClientSec / NtlmMinServerSec */
	NTLM_E_POLICY_RECEIVE_BLOCKED,	  /* RestrictReceivingNTLMTraffic */
	NTLM_E_POLICY_RESPONSE_REFUSED,	  /* LmCompatibilityLevel */
	NTLM_E_POLICY_ANONYMOUS,	  /* anonymous logon not allowed */
	NTLM_E_POLICY_MIC_REQUIRED,	  /* RequireMIC and no MIC */
	NTLM_E_POLICY_BINDINGS_REQUIRED,  /* ChannelBindings = Require and none */
	NTLM_E_POLICY_PROTECTION,   /* a protection required by ntlm_ctx_require not granted */
	NTLM_E_POLICY_AUDIT_FAILED, /* AuditFailure = deny and a record was not written */

	/* USAGE: the caller did something wrong */
	NTLM_E_INVALID_ARGUMENT = 400,
	NTLM_E_BUFFER_TOO_SMALL, /* output does not fit */
	NTLM_E_BAD_STRING,	 /* input string is not valid UTF-8 */
	NTLM_E_UNREPRESENTABLE,	 /* string has no OEM (CP850) form / LM limit */
	NTLM_E_NOT_NEGOTIATED,	 /* operation needs a flag that was not negotiated */
	NTLM_E_BAD_STATE,	 /* call not valid in the context's current state */

	/* INTERNAL */
	NTLM_E_NOMEM = 500,
	NTLM_E_RANDOM, /* getrandom() failed */
	NTLM_E_INTERNAL,
	NTLM_E_NO_LOGON_SERVERS,    /* the domain controller cannot be reached */
	NTLM_E_BACKEND_UNAVAILABLE, /* an account backend (winbindd) cannot be reached */
} ntlm_status;

enum ntlm_status_kind {
	NTLM_KIND_OK = 0,
	NTLM_KIND_MALFORMED,
	NTLM_KIND_POLICY_DENIED,
	NTLM_KIND_AUTH_FAILED,
	NTLM_KIND_USAGE,
	NTLM_KIND_INTERNAL
};

NTLM_API enum ntlm_status_kind ntlm_status_kind(ntlm_status st);
/* "NTLM_E_AV_NO_EOL"; "NTLM_E_UNKNOWN" for a value not in the table. */
NTLM_API const char *ntlm_status_name(ntlm_status st);
/* A fixed sentence describing the code. */
NTLM_API const char *ntlm_status_text(ntlm_status st);
/* The Windows SEC_E_* / STATUS_* equivalent (0 for NTLM_OK). */
NTLM_API uint32_t ntlm_status_win32(ntlm_status st);
/* Detail of the last failure on this thread ("" if none). */
NTLM_API const char *ntlm_error_message(void);

/* The version of the library loaded at run time ("0.1.0"), which may be newer
 * than the NTLMSSP_VERSION a program was compiled with. */
NTLM_API const char *ntlm_version(void);

/* Frees memory returned by this library. */
NTLM_API void ntlm_free(void *p);

/* NegotiateFlags bits (MS-NLMP 2.2.2.5), as ntlm_ctx_flags() returns them. */
#define NTLMSSP_NEGOTIATE_UNICODE 0x00000001u
#define NTLMSSP_NEGOTIATE_OEM 0x00000002u
#define NTLMSSP_REQUEST_TARGET 0x00000004u
#define NTLMSSP_NEGOTIATE_SIGN 0x00000010u
#define NTLMSSP_NEGOTIATE_SEAL 0x00000020u
#define NTLMSSP_NEGOTIATE_DATAGRAM 0x00000040u
#define NTLMSSP_NEGOTIATE_LM_KEY 0x00000080u
#define NTLMSSP_NEGOTIATE_NTLM 0x00000200u
#define NTLMSSP_ANONYMOUS 0x00000800u
#define NTLMSSP_NEGOTIATE_OEM_DOMAIN_SUPPLIED 0x00001000u
#define NTLMSSP_NEGOTIATE_OEM_WORKSTATION_SUPPLIED 0x00002000u
#define NTLMSSP_NEGOTIATE_ALWAYS_SIGN 0x00008000u
#define NTLMSSP_TARGET_TYPE_DOMAIN 0x00010000u
#define NTLMSSP_TARGET_TYPE_SERVER 0x00020000u
#define NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY 0x00080000u
#define NTLMSSP_NEGOTIATE_IDENTIFY 0x00100000u
#define NTLMSSP_REQUEST_NON_NT_SESSION_KEY 0x00400000u
#define NTLMSSP_NEGOTIATE_TARGET_INFO 0x00800000u
#define NTLMSSP_NEGOTIATE_VERSION 0x02000000u
#define NTLMSSP_NEGOTIATE_128 0x20000000u
#define NTLMSSP_NEGOTIATE_KEY_EXCH 0x40000000u
#define NTLMSSP_NEGOTIATE_56 0x80000000u

/* Name of one NegotiateFlags bit ("NTLMSSP_NEGOTIATE_SEAL"), or NULL. */
NTLM_API const char *ntlm_flag_name(uint32_t bit);

/*
 * Password hashes (MS-NLMP 3.3.1, 3.3.2). Passwords and names are UTF-8,
 * NUL-terminated. The output is a secret: wipe it when done.
 */
NTLM_API NTLM_MUST_USE ntlm_status ntlm_hash_nt(const char *password, uint8_t out[16]);
NTLM_API NTLM_MUST_USE ntlm_status ntlm_hash_lm(const char *password, uint8_t out[16]);
NTLM_API NTLM_MUST_USE ntlm_status ntlm_hash_ntv2(const char *password, const char *user,
						  const char *domain, uint8_t out[16]);

/* ---- policy (the Windows NTLM security settings) ----------------------- */
struct ntlm_policy;
/* A named profile: "cis" (the default when name is NULL), "windows-default",
 * "legacy-insecure". */
NTLM_API NTLM_MUST_USE ntlm_status ntlm_policy_new(const char *profile, struct ntlm_policy **out);
/* Loads a native config, security template INF or .reg file (docs/policy.md). */
NTLM_API NTLM_MUST_USE ntlm_status ntlm_policy_load(const char *path, struct ntlm_policy **out);
/* Several files, in order, later wins (Group Policy over local policy;
 * docs/policy.md "Several files"): the first file chooses the starting
 * point (a native config its Profile line or cis; an INF or .reg
 * windows-default, every setting not defined), each later file sets only
 * the values it defines, and each value remembers the file:line that won.
 * n == 0 gives the cis profile. The first error fails the whole load. */
NTLM_API NTLM_MUST_USE ntlm_status ntlm_policy_load_files(const char *const *paths, size_t n,
							  struct ntlm_policy **out);
/* The system's policy, as ntlm_policy_load_files over DIR/ntlmssp.conf
 * (when present) and then every DIR/policy.d/ *.conf, *.inf and *.reg in
 * byte order of their names; dir NULL means /etc/ntlmssp. No file at all
 * gives the cis profile. For daemons that reload their policy. */
NTLM_API NTLM_MUST_USE ntlm_status ntlm_policy_load_dir(const char *dir, struct ntlm_policy **out);
NTLM_API void ntlm_policy_free(struct ntlm_policy *p);

/* ---- client credentials -------------------------------------------------- */
struct ntlm_cred;
/* Only the hashes are kept; the password is not stored. */
NTLM_API NTLM_MUST_USE ntlm_status ntlm_cred_new_password(const char *domain, const char *user,
							  const char *password,
							  struct ntlm_cred **out);
NTLM_API NTLM_MUST_USE ntlm_status ntlm_cred_new_hash(const char *domain, const char *user,
						      const uint8_t nt_hash[16],
						      struct ntlm_cred **out);
NTLM_API void ntlm_cred_free(struct ntlm_cred *c); /* wipes the hashes */

/* ---- server account store ------------------------------------------------ */
struct ntlm_accounts;
/* A file of DOMAIN:USER:NTHASH lines (docs/accounts.md). */
NTLM_API NTLM_MUST_USE ntlm_status ntlm_accounts_open(const char *path, struct ntlm_accounts **out);
/* Account backends in lookup order (docs/domain.md): "file:PATH" (as
 * ntlm_accounts_open), "winbind" (domain accounts, verified by a domain
 * controller through Samba's winbindd), or several, comma-separated:
 * "file:PATH, winbind". The first backend that knows an account decides;
 * only "no such user" moves on to the next. A spec without "file:", comma
 * or "winbind" is a PATH. */
NTLM_API NTLM_MUST_USE ntlm_status ntlm_accounts_open_spec(const char *spec,
							   struct ntlm_accounts **out);
/* The backends a server should use: spec when not NULL (a front end's
 * --accounts), else the policy's `[ntlmssp] Accounts` list, else
 * NTLM_E_INVALID_ARGUMENT ("no account backends"). */
NTLM_API NTLM_MUST_USE ntlm_status ntlm_accounts_open_policy(const struct ntlm_policy *policy,
							     const char *spec,
							     struct ntlm_accounts **out);
/* A store backed by the caller: fn fills nt_hash for (domain, user) and
 * returns NTLM_OK, or NTLM_E_NO_SUCH_USER. It may be called from several
 * threads at once. */
typedef ntlm_status (*ntlm_accounts_fn)(void *arg, const char *domain, const char *user,
					uint8_t nt_hash[16]);
NTLM_API NTLM_MUST_USE ntlm_status ntlm_accounts_new_callback(ntlm_accounts_fn fn, void *arg,
							      struct ntlm_accounts **out);
/* Can checking a response against a (ntlm_step on an AUTHENTICATE) wait
 * on something outside this process: a "winbind" backend (winbindd, then a
 * domain controller: milliseconds, or seconds when one is down), or a
 * callback store (the library cannot tell what the callback does)? 1 if
 * so, 0 for file stores alone and for NULL. A server that serves many
 * connections on one thread takes such steps to another thread. */
NTLM_API int ntlm_accounts_may_wait(const struct ntlm_accounts *a);
NTLM_API void ntlm_accounts_close(struct ntlm_accounts *a);

/* ---- audit --------------------------------------------------------------- */
struct ntlm_audit;
struct ntlm_audit_event;
typedef void (*ntlm_audit_fn)(const struct ntlm_audit_event *e, void *arg);
NTLM_API NTLM_MUST_USE ntlm_status ntlm_audit_open(struct ntlm_audit **out);
/* JSON Lines file (created 0600, appended atomically). */
NTLM_API NTLM_MUST_USE ntlm_status ntlm_audit_to_file(struct ntlm_audit *a, const char *path);
NTLM_API NTLM_MUST_USE ntlm_status ntlm_audit_to_syslog(struct ntlm_audit *a, const char *ident);
NTLM_API NTLM_MUST_USE ntlm_status ntlm_audit_to_callback(struct ntlm_audit *a, ntlm_audit_fn fn,
							  void *arg);
/* One audit destination as an [ntlmssp] AuditLog entry spells it
 * (docs/audit-events.md): "syslog" (/dev/log, LOG_AUTHPRIV), "journal"
 * (systemd's native protocol), "file:PATH" (JSON Lines), "none" (nothing
 * added), or "syslog:SOCKET" / "journal:SOCKET" for another datagram socket
 * (a chroot's, a test's). ident: the syslog identifier (NULL: the program's
 * name). A syslog or journal socket that is missing is not an error here:
 * each record it cannot take is lost (ntlm_audit_lost, AuditFailure). */
NTLM_API NTLM_MUST_USE ntlm_status ntlm_audit_to_spec(struct ntlm_audit *a, const char *spec,
						      const char *ident);
/* Every destination of the policy's AuditLog (default: syslog), in order. */
NTLM_API NTLM_MUST_USE ntlm_status ntlm_audit_to_policy(struct ntlm_audit *a,
							const struct ntlm_policy *policy,
							const char *ident);
/* Lets the file destinations of a (those added before and after) keep up to
 * bytes of records in memory and write them whole lines at a time, one
 * write(2) for many records instead of one each (0, the default: none; at
 * most 16 MiB). A record of a handshake whose policy says AuditFailure =
 * deny is never kept: it is written, after everything kept before it, before
 * ntlm_step returns, so a logon still fails when its record cannot be
 * written. Under AuditFailure = continue (the default) and for front-end
 * events, a record is written when the next one does not fit, at
 * ntlm_audit_flush, or at ntlm_audit_close: the caller flushes on a timer
 * (e.g. every 100 ms) and before reopening or exiting. Records lost when a
 * kept block cannot be written count in ntlm_audit_lost. Call while setting
 * up, before a is shared. */
NTLM_API NTLM_MUST_USE ntlm_status ntlm_audit_buffer(struct ntlm_audit *a, size_t bytes);
/* Writes what the destinations of a keep (ntlm_audit_buffer); may be called
 * from any thread at any time. The first failure's status. */
NTLM_API ntlm_status ntlm_audit_flush(struct ntlm_audit *a);
/* Flushes (ntlm_audit_flush) and frees. */
NTLM_API void ntlm_audit_close(struct ntlm_audit *a);
/* Events that some sink of a could not record (disk full, file size limit,
 * a failing callback...) since it was opened; why, when not NULL, gets the
 * last failure's message (e.g. "audit log F: write: No space left on
 * device; the record is lost"). For a log line and a health check. */
NTLM_API uint64_t ntlm_audit_lost(struct ntlm_audit *a, char *why, size_t len);
/* Event accessors (valid during the callback only). */
NTLM_API uint32_t ntlm_audit_event_id(const struct ntlm_audit_event *e);
/* The event as one JSON object (docs/audit-events.md). */
NTLM_API NTLM_MUST_USE ntlm_status ntlm_audit_event_to_json(const struct ntlm_audit_event *e,
							    char *buf, size_t len);

/*
 * Events a front end raises for what the library never sees
 * (docs/audit-events.md), sent through a's sinks like the library's own:
 * incoming, outcome "failed" (9105: "audited"), target our name, peer the
 * client's address, reason one line. Other ids: NTLM_E_INVALID_ARGUMENT.
 * NTLM_EVENT_REPLAY (9008) may also be raised, for an AUTHENTICATE the
 * front end refuses before a context sees it.
 */
#define NTLM_EVENT_CONN_REFUSED 9100u	     /* connection refused: a connection limit */
#define NTLM_EVENT_CONN_EVICTED 9101u	     /* unauthenticated connection closed for room */
#define NTLM_EVENT_HANDSHAKE_TIMEOUT 9102u   /* headers or handshake not done in time */
#define NTLM_EVENT_HANDSHAKE_ABANDONED 9103u /* closed with a handshake in progress */
#define NTLM_EVENT_MALFORMED_REQUEST 9104u   /* malformed before a context judged it */
#define NTLM_EVENT_SUPPRESSED 9105u	     /* front-end events left out (rate limit) */
NTLM_API NTLM_MUST_USE ntlm_status ntlm_audit_frontend_event(struct ntlm_audit *a, uint32_t id,
							     const char *target, const char *peer,
							     const char *reason);

/* ---- security contexts --------------------------------------------------- */
struct ntlm_ctx;

#define NTLM_REQ_INTEGRITY 0x1u	      /* ask for SIGN */
#define NTLM_REQ_CONFIDENTIALITY 0x2u /* ask for SEAL (and SIGN) */

/* policy, cred, accounts and audit are borrowed: they must outlive the
 * context. target is the SPN ("HTTP/web.example.com") or host name. */
NTLM_API NTLM_MUST_USE ntlm_status ntlm_client_new(const struct ntlm_policy *policy,
						   const struct ntlm_cred *cred, const char *target,
						   unsigned req, struct ntlm_ctx **out);
NTLM_API NTLM_MUST_USE ntlm_status ntlm_server_new(const struct ntlm_policy *policy,
						   struct ntlm_accounts *accounts,
						   struct ntlm_ctx **out);
NTLM_API void ntlm_ctx_free(struct ntlm_ctx *ctx); /* wipes keys */

/* Optional settings, before the first ntlm_step. */
NTLM_API NTLM_MUST_USE ntlm_status ntlm_ctx_set_audit(struct ntlm_ctx *ctx, struct ntlm_audit *a);
/* Channel bindings: the application data of gss_channel_bindings_struct
 * (e.g. "tls-server-end-point:" || hash of the certificate); addresses empty. */
NTLM_API NTLM_MUST_USE ntlm_status ntlm_ctx_set_channel_bindings(struct ntlm_ctx *ctx,
								 const uint8_t *app_data,
								 size_t len);
/* Server: the names sent in the CHALLENGE (NetBIOS computer / domain, DNS
 * computer / domain; NULL keeps the default from gethostname()). Client:
 * only nb_computer is used, as the workstation name. */
NTLM_API NTLM_MUST_USE ntlm_status ntlm_ctx_set_names(struct ntlm_ctx *ctx, const char *nb_computer,
						      const char *nb_domain,
						      const char *dns_computer,
						      const char *dns_domain);
/*
 * Makes what the caller asks for a condition of success: with
 * NTLM_REQ_INTEGRITY the exchange fails unless NTLMSSP_NEGOTIATE_SIGN is
 * negotiated, with NTLM_REQ_CONFIDENTIALITY unless NTLMSSP_NEGOTIATE_SEAL is
 * (NTLM_E_POLICY_PROTECTION, audited as 9009 with what was asked and what
 * was granted). Without it a peer, or a man in the middle where no MIC
 * protects the NEGOTIATE and CHALLENGE (NTLMv1), can silently drop the
 * protection and the caller only sees it in ntlm_ctx_flags(). A client also
 * asks for what it requires. Before the first ntlm_step.
 */
NTLM_API NTLM_MUST_USE ntlm_status ntlm_ctx_require(struct ntlm_ctx *ctx, unsigned req);
/* Audit records of this context that some sink failed to write. */
NTLM_API unsigned ntlm_ctx_audit_errors(const struct ntlm_ctx *ctx);
/* Where the peer is, for audit records ("192.0.2.1:50000"). */
NTLM_API NTLM_MUST_USE ntlm_status ntlm_ctx_set_peer(struct ntlm_ctx *ctx, const char *peer);

/*
 * One step of the exchange, for both roles. Client: first call with in = NULL.
 * Returns NTLM_CONTINUE when *out (allocated; ntlm_free) must be sent and a
 * reply awaited, NTLM_OK when the exchange is complete (a client then still
 * sends *out, the AUTHENTICATE; a server's *out is NULL), or an error (the
 * context is then unusable; ntlm_error_message() says why).
 */
NTLM_API NTLM_MUST_USE ntlm_status ntlm_step(struct ntlm_ctx *ctx, const uint8_t *in, size_t in_len,
					     uint8_t **out, size_t *out_len);
/*
 * Would ntlm_step(ctx, in, in_len) wait on something outside this process?
 * 1 when ctx is a server waiting for its AUTHENTICATE, in is one, and the
 * account it names would be checked by a backend that may wait
 * (ntlm_accounts_may_wait): no file store before it knows the name. 0
 * otherwise: a file store knows the account, a client, a NEGOTIATE, a
 * message that does not decode (the step fails at once). Changes nothing in
 * ctx and asks no backend that may wait; clears ntlm_error_message(). A
 * server that serves many connections on one thread takes the steps for
 * which this says 1 to another thread, and keeps the others.
 */
NTLM_API int ntlm_step_may_wait(struct ntlm_ctx *ctx, const uint8_t *in, size_t in_len);

/* Message protection after NTLM_OK. sig is the 16-byte NTLMSSP_MESSAGE_SIGNATURE. */
NTLM_API NTLM_MUST_USE ntlm_status ntlm_sign(struct ntlm_ctx *ctx, const uint8_t *msg, size_t len,
					     uint8_t sig[16]);
NTLM_API NTLM_MUST_USE ntlm_status ntlm_verify(struct ntlm_ctx *ctx, const uint8_t *msg, size_t len,
					       const uint8_t sig[16]);
/* Wrap layout (as SSPI / gss_wrap): out = 16-byte signature || sealed data;
 * out must hold len + 16 bytes. Unseal takes that layout and writes len - 16
 * plaintext bytes. */
NTLM_API NTLM_MUST_USE ntlm_status ntlm_seal(struct ntlm_ctx *ctx, const uint8_t *in, size_t len,
					     uint8_t *out);
NTLM_API NTLM_MUST_USE ntlm_status ntlm_unseal(struct ntlm_ctx *ctx, const uint8_t *in, size_t len,
					       uint8_t *out);

/* Queries (after NTLM_OK unless noted). Strings are owned by the context. */
NTLM_API uint32_t ntlm_ctx_flags(const struct ntlm_ctx *ctx);		 /* negotiated so far */
NTLM_API const char *ntlm_ctx_response_type(const struct ntlm_ctx *ctx); /* "NTLMv2", ... or "" */
NTLM_API const char *ntlm_ctx_user(const struct ntlm_ctx *ctx);
NTLM_API const char *ntlm_ctx_domain(const struct ntlm_ctx *ctx);
NTLM_API const char *ntlm_ctx_workstation(const struct ntlm_ctx *ctx);
/* 128, 56 or 40 when a key is in use for signing/sealing; 0 otherwise. */
NTLM_API unsigned ntlm_ctx_key_strength(const struct ntlm_ctx *ctx);
NTLM_API NTLM_MUST_USE ntlm_status ntlm_ctx_session_key(const struct ntlm_ctx *ctx,
							uint8_t key[16]);

#ifdef __cplusplus
}
#endif
#endif /* NTLMSSP_H */
