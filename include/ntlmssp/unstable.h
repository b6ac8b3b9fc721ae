/* SPDX-License-Identifier: MIT */
/*
 * APIs not yet frozen. They may change between releases.
 */
#ifndef NTLMSSP_UNSTABLE_H
#define NTLMSSP_UNSTABLE_H

#include <stdbool.h>

#include "../ntlmssp.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NTLM_DESCRIBE_TEXT 0u
#define NTLM_DESCRIBE_JSON 1u

/*
 * Decodes one NEGOTIATE, CHALLENGE or AUTHENTICATE message (raw bytes) and
 * renders every field as text or as one JSON object (with a trailing
 * newline). *out is allocated; release it with ntlm_free(). On a malformed
 * token the decoder's status is returned and nothing is allocated.
 */
NTLM_API NTLM_MUST_USE ntlm_status ntlm_token_describe(const uint8_t *token, size_t len,
						       unsigned format, char **out);

/*
 * Decodes a token as people paste it: bare base64, "NTLM <base64>",
 * "Negotiate <base64>", a whole header line ("Authorization: NTLM <base64>",
 * "WWW-Authenticate: Negotiate <base64>", Proxy-Authorization,
 * Proxy-Authenticate; names and schemes case-insensitive), or hex (an even
 * number of hex digits, whitespace allowed, that decodes to bytes starting
 * with "NTLMSSP\0"). Surrounding whitespace and CR/LF are ignored. Base64 is
 * strict: standard alphabet, '=' padding required, nothing else inside.
 * Errors: NTLM_E_BAD_ENCODING, NTLM_E_TOKEN_TOO_LARGE (over NTLM_MAX_TOKEN
 * bytes). The bytes are not checked beyond that. *out is allocated; release
 * it with ntlm_free().
 */
NTLM_API NTLM_MUST_USE ntlm_status ntlm_token_from_text(const char *text, uint8_t **out,
							size_t *len);

/* Standard base64 with padding, NUL-terminated ("" for len 0). *out is
 * allocated; release it with ntlm_free(). */
NTLM_API NTLM_MUST_USE ntlm_status ntlm_base64_encode(const uint8_t *p, size_t len, char **out);

/* Strict base64, the rules of ntlm_token_from_text() (standard alphabet,
 * '=' padding required, nothing else inside, zero unused bits), over exactly
 * len bytes of text; "" decodes to nothing. Errors: NTLM_E_BAD_ENCODING,
 * NTLM_E_TOKEN_TOO_LARGE (more than max bytes; checked before allocating).
 * *out is allocated even for 0 bytes; release it with ntlm_free(). */
NTLM_API NTLM_MUST_USE ntlm_status ntlm_base64_decode(const char *text, size_t len, size_t max,
						      uint8_t **out, size_t *out_len);

/* ---- text: one buffer, one escaper, one flag-set formatter ---------------- */

/*
 * A text buffer with a sticky error. Zeroed (= { 0 }) it is growable:
 * heap storage, NUL-terminated, up to max bytes (0: NTLM_BUF_MAX); release it
 * with ntlm_buf_free() or take the text with ntlm_buf_take(). Set up with
 * ntlm_buf_fixed() it writes into the caller's storage and never allocates.
 * The first write that fails sets err (NTLM_E_NOMEM, NTLM_E_BUFFER_TOO_SMALL)
 * and makes every later write a no-op: check err once at the end. The
 * functions never change ntlm_error_message(). What a fixed buffer holds
 * after a failure is what fitted before it.
 */
struct ntlm_buf {
	char *p;	 /* the text, NUL-terminated (NULL while nothing was written) */
	size_t len;	 /* bytes of text */
	size_t cap;	 /* bytes of text p can hold (its size minus the NUL) */
	size_t max;	 /* growable: the largest len allowed (0: NTLM_BUF_MAX) */
	bool fixed;	 /* p is the caller's storage */
	ntlm_status err; /* the first failure, or NTLM_OK */
};
#define NTLM_BUF_MAX ((size_t)1 << 30)

/* Writes into storage[0..size) (size counts the NUL). */
NTLM_API void ntlm_buf_fixed(struct ntlm_buf *b, char *storage, size_t size);
NTLM_API void ntlm_buf_put(struct ntlm_buf *b, const char *s, size_t n);
NTLM_API void ntlm_buf_puts(struct ntlm_buf *b, const char *s);
NTLM_API void ntlm_buf_printf(struct ntlm_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A growable buffer's text (release it with ntlm_free()), or NULL if it
 * failed or is fixed; the buffer is released either way. */
NTLM_API char *ntlm_buf_take(struct ntlm_buf *b);
NTLM_API void ntlm_buf_free(struct ntlm_buf *b);

#define NTLM_ESCAPE_JSON 0u /* the inside of a JSON string */
#define NTLM_ESCAPE_TEXT 1u /* one line of text for people and log files */
/*
 * Appends n bytes of untrusted text, escaped. The bytes are read as UTF-8;
 * '\', and in JSON '"', are escaped with a backslash; C0 controls (NUL
 * included), DEL, C1 controls, U+2028, U+2029 and the bidirectional
 * controls (U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069) become
 * \uXXXX (TEXT: an ASCII control becomes \xNN). A byte that is not part of
 * valid UTF-8 becomes \ufffd in JSON (replaced) and \xNN in TEXT (shown).
 */
NTLM_API void ntlm_buf_escape(struct ntlm_buf *b, const char *s, size_t n, unsigned mode);
/* A JSON string: '"', the NUL-terminated s escaped as above, '"' (NULL: ""). */
NTLM_API void ntlm_buf_json(struct ntlm_buf *b, const char *s);

#define NTLM_FLAGS_TEXT 0u /* A|B|0x00000008 */
#define NTLM_FLAGS_JSON 1u /* ["A","B","0x00000008"] */
/*
 * The NegotiateFlags set in flags, bit 0 first, by their MS-NLMP names
 * (ntlm_flag_name()); a reserved bit as 0x%08x. TEXT separates them with '|'
 * and writes nothing for 0; JSON writes an array ([] for 0). 0x0000000d is
 * NTLMSSP_NEGOTIATE_UNICODE|NTLMSSP_REQUEST_TARGET|0x00000008 and
 * ["NTLMSSP_NEGOTIATE_UNICODE","NTLMSSP_REQUEST_TARGET","0x00000008"].
 */
NTLM_API void ntlm_buf_flags(struct ntlm_buf *b, uint32_t flags, unsigned format);

/* ---- policy as text (`ntlm policy`) -------------------------------------- */

#define NTLM_POLICY_TEXT_SHOW 0u   /* per setting: value, Windows name, meaning, source */
#define NTLM_POLICY_TEXT_DUMP 1u   /* one "Name = value  # symbolic; source" line each */
#define NTLM_POLICY_TEXT_NATIVE 2u /* a native config file that loads back the same */

/*
 * Renders a policy as text in one of the formats above (docs/cli.md,
 * docs/policy.md). *out is allocated, NUL-terminated; release it with
 * ntlm_free().
 */
NTLM_API NTLM_MUST_USE ntlm_status ntlm_policy_render(const struct ntlm_policy *p, unsigned format,
						      char **out);

/*
 * Loads a native config, security template INF or .reg file, as
 * ntlm_policy_load() does, but reports every error rather than the first:
 * on failure *errors (when not NULL) holds each one as a "file:line: message"
 * line, in file order (allocated; ntlm_free()), and *n_errors (when not
 * NULL) their number; the status is that of the first. A file that cannot be
 * read gives one "file: ..." line. On success *errors is NULL, *n_errors 0
 * and, when out is not NULL, *out the policy (ntlm_policy_free()).
 */
NTLM_API NTLM_MUST_USE ntlm_status ntlm_policy_check_file(const char *path,
							  struct ntlm_policy **out, char **errors,
							  size_t *n_errors);
/* The same over several files, later wins (ntlm_policy_load_files), each
 * error from every file reported; profile (NULL = the first file's own
 * choice) names the starting point, as `ntlm policy import --profile`. */
NTLM_API NTLM_MUST_USE ntlm_status ntlm_policy_check_files(const char *profile,
							   const char *const *paths, size_t n,
							   struct ntlm_policy **out, char **errors,
							   size_t *n_errors);

/* ---- deciding a recorded exchange again (`ntlm audit simulate`) ----------- */

/* A fact of a recorded exchange that may be unknown. */
#define NTLM_OBS_UNKNOWN (-1)

/*
 * What an audit record says of one exchange (docs/audit-events.md
 * "Facts"): the facts the policy decides on, each possibly unknown.
 */
struct ntlm_observation {
	int incoming;	    /* 1: a server's record; 0: a client's */
	const char *target; /* client: the target as given; NULL: unknown */
	int has_offered;    /* the NEGOTIATE's flags are known */
	uint32_t offered;
	int has_flags; /* the negotiated flags are known (client: ours and the server's) */
	uint32_t flags;
	const char *response_type; /* "anonymous", "LM", "NTLMv1", "NTLMv1-ESS", "NTLMv2"; NULL */
	int domain_account;	   /* 1, 0 or NTLM_OBS_UNKNOWN (server) */
	int mic;		   /* MsvAvFlags announces a MIC: 1, 0 or NTLM_OBS_UNKNOWN */
	int channel_bindings;	   /* non-zero MsvAvChannelBindings: 1, 0, NTLM_OBS_UNKNOWN */
};

#define NTLM_DECIDE_ALLOW 0u	   /* allowed, nothing to record */
#define NTLM_DECIDE_AUDIT 1u	   /* allowed, and audited (8001, 8002, 9006) */
#define NTLM_DECIDE_DENY 2u	   /* refused by a setting */
#define NTLM_DECIDE_UNDECIDABLE 3u /* a fact the decision needs is unknown */

struct ntlm_decision {
	unsigned verdict;  /* NTLM_DECIDE_* */
	char setting[40];  /* deny: the setting that refused; audit: the one that audits */
	uint32_t event_id; /* the event the exchange would raise (4001, 9001, ...) */
	char reason[200];  /* the deciding function's own sentence */
	char unknown[96];  /* undecidable: the missing facts, comma-separated */
};

/*
 * Decides a recorded exchange under a policy with the functions the
 * contexts enforce with, in the order a context calls them: a client's
 * RestrictSendingNTLMTraffic / ClientAllowedNTLMServers on the target,
 * NtlmMinClientSec on the server's flags, LmCompatibilityLevel (what it
 * would send); a server's RestrictReceivingNTLMTraffic at the NEGOTIATE,
 * NtlmMinServerSec on the offered then the final flags,
 * LmCompatibilityLevel / AllowAnonymous on the response type,
 * RestrictReceivingNTLMTraffic / AuditReceivingNTLMTraffic on the account,
 * ChannelBindings (NTLMv2) and RequireMIC. The first refusal decides. A
 * decision that needs an unknown fact is NTLM_DECIDE_UNDECIDABLE (and names
 * it) unless a later step refuses on known facts. Not decided: passwords,
 * MaxClockSkew, what a caller requires (ntlm_ctx_require).
 */
NTLM_API NTLM_MUST_USE ntlm_status ntlm_policy_decide(const struct ntlm_policy *p,
						      const struct ntlm_observation *o,
						      struct ntlm_decision *d);

/* ---- editing an account store file (`ntlm accounts`) --------------------- */

#define NTLM_ACCOUNTS_REPLACE 0x1u /* ntlm_accounts_add: replace an existing entry's hash */

/*
 * Adds DOMAIN:USER:NTHASH to the store file at path (docs/accounts.md),
 * creating it with mode 0600 when absent. domain may be "" (an entry for
 * any domain). The names must be storable: user not empty, each at most 127
 * bytes of UTF-8, no ':' or control characters, no leading or trailing
 * spaces, and a domain must not start with '#'. An entry with the same names
 * (compared as lookups compare them) is an error (NTLM_E_INVALID_ARGUMENT)
 * unless flags has NTLM_ACCOUNTS_REPLACE, which rewrites that line.
 *
 * Every edit takes an exclusive lock on "<path>.lock" (created beside the
 * file and left there), reads the file, refuses to edit one the loader
 * would refuse (NTLM_E_ACCOUNTS_FILE, "file:line: ..."), and replaces it
 * atomically: a temporary file in the same directory, fsync, rename. Other
 * lines, comments included, are kept byte for byte; an existing file keeps
 * its mode and owner. Concurrent editors (processes or threads) never lose
 * each other's entries.
 */
NTLM_API NTLM_MUST_USE ntlm_status ntlm_accounts_add(const char *path, const char *domain,
						     const char *user, const uint8_t nt_hash[16],
						     unsigned flags);
/* Removes the entry for exactly this domain ("" = the any-domain entry) and
 * user; NTLM_E_NO_SUCH_USER when there is none. Locking and rewriting as
 * ntlm_accounts_add. */
NTLM_API NTLM_MUST_USE ntlm_status ntlm_accounts_remove(const char *path, const char *domain,
							const char *user);
/* The names in a store file, never the hashes: one line per entry, in file
 * order: DOMAIN\USER, or USER alone when the domain is empty. The file is
 * checked as the loader checks it. *out is allocated, NUL-terminated
 * (ntlm_free()); *count gets the number of entries. */
NTLM_API NTLM_MUST_USE ntlm_status ntlm_accounts_list(const char *path, char **out, size_t *count);

/* ---- for the GSSAPI mechanism (gss/, docs/gssapi.md) --------------------- */

/* Sets one policy setting by its native-config name and value
 * ("LmCompatibilityLevel", "2"), as a line of the config file would; the
 * setting's source becomes "(set)". Errors: NTLM_E_CONFIG with the reason. */
NTLM_API NTLM_MUST_USE ntlm_status ntlm_policy_set_value(struct ntlm_policy *p, const char *name,
							 const char *value);

/* 1 when the AUTHENTICATE carried a MIC (client: we sent one; server: the
 * client's was checked), else 0. SPNEGO then requires a mechListMIC. */
NTLM_API int ntlm_ctx_mic_present(const struct ntlm_ctx *ctx);

/* MS-SPNG 3.3.5.1: after SPNEGO's mechListMIC, restarts the RC4 handle of
 * one direction from its sealing key (recv != 0: the handle that checks what
 * the peer sends; otherwise ours). Sequence numbers are kept. */
NTLM_API NTLM_MUST_USE ntlm_status ntlm_ctx_reset_crypto(struct ntlm_ctx *ctx, int recv);

/* One piece of a message sealed in place (DCE/RPC: header, body, trailer). */
struct ntlm_msg_part {
	uint8_t *data; /* borrowed; rewritten in place unless SIGN_ONLY */
	size_t len;
	unsigned flags; /* NTLM_PART_* */
};
#define NTLM_PART_SIGN_ONLY 0x1u /* covered by the signature, never encrypted */

/* ntlm_seal / ntlm_unseal over pieces: the signature covers every piece in
 * order (plaintext), only the pieces without NTLM_PART_SIGN_ONLY are
 * encrypted or decrypted, in place. Unseal commits the sequence number only
 * when the signature matches, and wipes the decrypted pieces when not. */
NTLM_API NTLM_MUST_USE ntlm_status ntlm_seal_parts(struct ntlm_ctx *ctx, struct ntlm_msg_part *v,
						   size_t n, uint8_t sig[16]);
NTLM_API NTLM_MUST_USE ntlm_status ntlm_unseal_parts(struct ntlm_ctx *ctx, struct ntlm_msg_part *v,
						     size_t n, const uint8_t sig[16]);

/*
 * A context as bytes, for another process (gssproxy: gss_export_sec_context
 * then gss_import_sec_context), in any state before failure. The bytes hold
 * the session keys and, for a client still waiting for the CHALLENGE, its
 * credential's hashes: they are a secret (wipe them). The format is this
 * build's only (a version and the layout sizes are checked on import).
 * *out is allocated; release it with ntlm_free() after wiping.
 */
NTLM_API NTLM_MUST_USE ntlm_status ntlm_ctx_export(const struct ntlm_ctx *ctx, uint8_t **out,
						   size_t *len);
/* The inverse. policy (and, for a server not yet done, accounts) are
 * borrowed as in ntlm_client_new / ntlm_server_new; a client waiting for
 * the CHALLENGE gets its credential back in *cred_out (owned by the caller,
 * who must keep it while the context lives; NULL otherwise). Malformed
 * bytes: NTLM_E_BAD_ENCODING. */
NTLM_API NTLM_MUST_USE ntlm_status ntlm_ctx_import(const struct ntlm_policy *policy,
						   struct ntlm_accounts *accounts,
						   const uint8_t *in, size_t len,
						   struct ntlm_ctx **out,
						   struct ntlm_cred **cred_out);

/* ---- SPNEGO (RFC 4178), NTLMSSP inside (docs/spnego.md) ------------------- */

/* The largest SPNEGO token the decoder takes (a browser's NegTokenInit may
 * carry a Kerberos token first, which we skip but must read past). */
#define NTLM_SPNEGO_MAX_TOKEN 16384u
#define NTLM_SPNEGO_MAX_MECHS 16u /* mechTypes entries kept */

#define NTLM_SPNEGO_INIT 1u /* NegTokenInit, inside the RFC 2743 InitialContextToken */
#define NTLM_SPNEGO_RESP 2u /* NegTokenResp (bare, as every later token) */

/* negState (RFC 4178 4.2.2); NTLM_SPNEGO_NO_STATE: absent. */
#define NTLM_SPNEGO_NO_STATE (-1)
#define NTLM_SPNEGO_ACCEPT_COMPLETED 0
#define NTLM_SPNEGO_ACCEPT_INCOMPLETE 1
#define NTLM_SPNEGO_REJECT 2
#define NTLM_SPNEGO_REQUEST_MIC 3

/* Borrowed bytes inside the decoded token; p is NULL when the field is absent. */
struct ntlm_spnego_bytes {
	const uint8_t *p;
	size_t len;
};

/* A decoded SPNEGO token. Every pointer points into the decoded input. */
struct ntlm_spnego_token {
	unsigned kind; /* NTLM_SPNEGO_INIT or NTLM_SPNEGO_RESP */
	/* NegTokenInit */
	struct ntlm_spnego_bytes mech_types;		       /* the MechTypeList's DER */
	struct ntlm_spnego_bytes mechs[NTLM_SPNEGO_MAX_MECHS]; /* each OID's content octets */
	size_t n_mechs;
	int ntlm_index; /* NTLMSSP's place in mechs, or -1 */
	struct ntlm_spnego_bytes
		req_flags; /* reqFlags BIT STRING content (unused-bits byte first) */
	/* NegTokenResp */
	int neg_state;				 /* NTLM_SPNEGO_* state, or NTLM_SPNEGO_NO_STATE */
	struct ntlm_spnego_bytes supported_mech; /* OID content octets */
	/* both */
	struct ntlm_spnego_bytes mech_token;	/* mechToken (Init) or responseToken (Resp) */
	struct ntlm_spnego_bytes mech_list_mic; /* mechListMIC */
};

/*
 * Decodes a NegTokenInit (wrapped in the InitialContextToken with the SPNEGO
 * OID 1.3.6.1.5.5.2) or a bare NegTokenResp, strictly: DER definite lengths
 * in their shortest form, each field at most once and in order, every OID
 * well formed, no byte left over, at most NTLM_SPNEGO_MAX_TOKEN bytes and
 * NTLM_SPNEGO_MAX_MECHS mechanisms. A NegTokenInit must list at least one
 * mechanism. Errors: NTLM_E_BAD_ENCODING (the detail names the field),
 * NTLM_E_TOKEN_TOO_LARGE. Nothing is allocated: *out borrows from tok.
 */
NTLM_API NTLM_MUST_USE ntlm_status ntlm_spnego_decode(const uint8_t *tok, size_t len,
						      struct ntlm_spnego_token *out);

/* A mechanism's name from its OID content octets: "NTLMSSP", "Kerberos 5",
 * "Kerberos 5 (Microsoft)", "NegoEx", "IAKERB", "SPNEGO"; NULL if unknown. */
NTLM_API const char *ntlm_spnego_mech_name(const uint8_t *oid, size_t len);
/* Appends an OID's dotted form ("1.3.6.1.4.1.311.2.2.10") to b. */
NTLM_API void ntlm_spnego_oid_text(struct ntlm_buf *b, const uint8_t *oid, size_t len);

/*
 * Encoders (for clients and tests; an acceptor uses ntlm_spnego_accept).
 * NegTokenInit: mechs (OID content octets; NULL: NTLMSSP alone), then the
 * optional mechToken and mechListMIC (NULL: absent), in the InitialContextToken.
 * NegTokenResp: neg_state (NTLM_SPNEGO_NO_STATE: absent), supportedMech
 * NTLMSSP when supported_ntlm, then the optional responseToken and
 * mechListMIC. *out is allocated; release it with ntlm_free().
 */
NTLM_API NTLM_MUST_USE ntlm_status ntlm_spnego_encode_init(const struct ntlm_spnego_bytes *mechs,
							   size_t n_mechs, const uint8_t *token,
							   size_t token_len, const uint8_t *mic,
							   size_t mic_len, uint8_t **out,
							   size_t *out_len);
NTLM_API NTLM_MUST_USE ntlm_status ntlm_spnego_encode_resp(int neg_state, int supported_ntlm,
							   const uint8_t *token, size_t token_len,
							   const uint8_t *mic, size_t mic_len,
							   uint8_t **out, size_t *out_len);

/*
 * The acceptor's side of SPNEGO with NTLMSSP, on a server context
 * (ntlm_server_new) used for nothing else. First call: the client's
 * NegTokenInit; then each NegTokenResp. Returns NTLM_CONTINUE with *out the
 * NegTokenResp to send (accept-incomplete with the CHALLENGE, or request-mic
 * asking for NTLMSSP's first token when NTLMSSP is not the client's first
 * choice), or NTLM_OK with *out the final NegTokenResp (accept-completed),
 * which must be sent too. *out is allocated; release it with ntlm_free().
 *
 * The mechListMIC (RFC 4178 5) is the NTLM signature of the DER of the
 * client's mechTypes with the session's keys: it is required when the
 * AUTHENTICATE carried an NTLM MIC (MS-SPNG 3.3.5.1) or NTLMSSP was not the
 * client's first mechanism, and signing keys exist; a client's mechListMIC
 * is always checked. Ours is sent whenever one was exchanged. After each the
 * RC4 state of that direction restarts (MS-SPNG 3.3.5.1), as in
 * ntlm_ctx_reset_crypto. The success event (9005) is raised only once the
 * mechListMIC is checked; a mechListMIC that is wrong or missing fails with
 * NTLM_E_MIC_MISMATCH and event 9002. A NegTokenInit without NTLMSSP:
 * NTLM_E_NO_COMMON_MECH (the detail lists the mechanisms offered).
 */
NTLM_API NTLM_MUST_USE ntlm_status ntlm_spnego_accept(struct ntlm_ctx *ctx, const uint8_t *in,
						      size_t in_len, uint8_t **out,
						      size_t *out_len);

#ifdef __cplusplus
}
#endif
#endif
