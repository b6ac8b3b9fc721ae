/* SPDX-License-Identifier: MIT */
/*
 * wire: NEGOTIATE / CHALLENGE / AUTHENTICATE as plain structs <-> bytes
 * (MS-NLMP 2.2), AV pairs (2.2.2.1), VERSION (2.2.2.10), the NTLMv2 client
 * challenge (2.2.2.7), the flag-name table (2.2.2.5).
 *
 * Decoders locate every payload by its security buffer, never by an assumed
 * struct size, and borrow slices of the input: a decoded struct is valid as
 * long as the input bytes are. Encoders write into a struct ntlm_wr, which
 * must be empty (offsets count from its start; else NTLM_E_INVALID_ARGUMENT).
 * The wire layer decides nothing and computes no crypto.
 */
#ifndef NTLM_WIRE_H
#define NTLM_WIRE_H

#include "bytes/bytes.h"
#include "internal.h"

/* ---- NegotiateFlags, MS-NLMP 2.2.2.5: the public NTLMSSP_* constants of
 * ntlmssp.h; the OEM bit also under its older internal name. */
#define NTLM_NEGOTIATE_OEM NTLMSSP_NEGOTIATE_OEM

/* Name of one bit ("NTLMSSP_NEGOTIATE_SEAL"); "reserved(0x...)" bits -> NULL. */
const char *ntlm_wire_flag_name(uint32_t bit);
/* The bits of flags that MS-NLMP reserves (r1..r10: no name). A set of
 * flags is formatted by ntlm_buf_flags() (include/ntlmssp/unstable.h). */
uint32_t ntlm_wire_flags_reserved(uint32_t flags);

/* ---- message framing ------------------------------------------------- */
#define NTLM_WIRE_NEGOTIATE 1u
#define NTLM_WIRE_CHALLENGE 2u
#define NTLM_WIRE_AUTHENTICATE 3u

/* Fixed header sizes: everything before the optional VERSION field. */
#define NTLM_WIRE_NEGOTIATE_FIXED 32u
#define NTLM_WIRE_CHALLENGE_FIXED 48u
#define NTLM_WIRE_AUTHENTICATE_FIXED 64u
#define NTLM_WIRE_MIC_OFFSET 72u /* AUTHENTICATE: MIC follows VERSION */

/* Checks size limit, signature and length of the common header; returns the
 * MessageType in *type (any value; callers check). */
NTLM_RESULT ntlm_wire_peek_type(const uint8_t *msg, size_t len, uint32_t *type);

/* ---- VERSION, 2.2.2.10 ----------------------------------------------- */
struct ntlm_wire_version {
	uint8_t major;
	uint8_t minor;
	uint16_t build;
	uint8_t reserved[3]; /* kept so a decode/encode round trip is exact */
	uint8_t revision;    /* NTLMSSP_REVISION_W2K3 = 0x0F */
};
#define NTLMSSP_REVISION_W2K3 0x0Fu
NTLM_RESULT ntlm_wire_version_decode(struct ntlm_rd *r, struct ntlm_wire_version *v);
void ntlm_wire_version_encode(struct ntlm_wr *w, const struct ntlm_wire_version *v);

/* ---- AV pairs, 2.2.2.1 ----------------------------------------------- */
enum ntlm_av_id {
	MsvAvEOL = 0x0000,
	MsvAvNbComputerName = 0x0001,
	MsvAvNbDomainName = 0x0002,
	MsvAvDnsComputerName = 0x0003,
	MsvAvDnsDomainName = 0x0004,
	MsvAvDnsTreeName = 0x0005,
	MsvAvFlags = 0x0006,
	MsvAvTimestamp = 0x0007,
	MsvAvSingleHost = 0x0008,
	MsvAvTargetName = 0x0009,
	MsvAvChannelBindings = 0x000A,
};
/* MsvAvFlags bits */
#define NTLM_AVFLAG_CONSTRAINED 0x00000001u
#define NTLM_AVFLAG_MIC_PRESENT 0x00000002u
#define NTLM_AVFLAG_UNVERIFIED_SPN 0x00000004u

const char *ntlm_wire_av_name(uint16_t id); /* "MsvAvFlags"; NULL if unknown */

#define NTLM_WIRE_AV_MAX 32 /* pairs kept (EOL excluded); more -> NTLM_E_AV_TOO_MANY */

struct ntlm_wire_av {
	uint16_t id;
	struct ntlm_slice value; /* borrowed */
};

/* An AV list in wire order, MsvAvEOL not stored (the encoder appends it). */
struct ntlm_wire_avlist {
	size_t n;
	struct ntlm_wire_av av[NTLM_WIRE_AV_MAX];
};

/* Single_Host_Data, 2.2.2.2 */
struct ntlm_wire_single_host {
	uint32_t size;
	uint32_t z4;
	uint8_t custom_data[8];
	uint8_t machine_id[32];
};

/*
 * Decodes an AV list from `in`. Stops at MsvAvEOL; *consumed (if not NULL)
 * gets the bytes up to and including it, so callers can keep what follows
 * (Windows pads the NTLMv2 blob). Errors: NTLM_E_AV_NO_EOL, NTLM_E_TRUNCATED
 * (pair header or value past the end), NTLM_E_AV_DUPLICATE,
 * NTLM_E_AV_BAD_LENGTH (MsvAvEOL != 0, MsvAvFlags != 4, MsvAvTimestamp != 8,
 * MsvAvChannelBindings != 16, MsvAvSingleHost < 48 or != its Size field),
 * NTLM_E_UTF16_ODD_LENGTH / NTLM_E_UTF16_INVALID in a name pair,
 * NTLM_E_AV_TOO_MANY. Unknown AvIds are kept (and must not repeat either).
 */
NTLM_RESULT ntlm_wire_avlist_decode(struct ntlm_slice in, struct ntlm_wire_avlist *out,
				    size_t *consumed);
/* Writes the pairs then MsvAvEOL. */
void ntlm_wire_avlist_encode(struct ntlm_wr *w, const struct ntlm_wire_avlist *l);

/* Lookups on a decoded list (NULL / false when absent). */
const struct ntlm_wire_av *ntlm_wire_avlist_find(const struct ntlm_wire_avlist *l, uint16_t id);
bool ntlm_wire_avlist_flags(const struct ntlm_wire_avlist *l, uint32_t *flags);
bool ntlm_wire_avlist_timestamp(const struct ntlm_wire_avlist *l, uint64_t *filetime);
bool ntlm_wire_avlist_single_host(const struct ntlm_wire_avlist *l,
				  struct ntlm_wire_single_host *sh);
/* Appends (or replaces the value of) a pair; NTLM_E_AV_TOO_MANY when full. */
NTLM_RESULT ntlm_wire_avlist_set(struct ntlm_wire_avlist *l, uint16_t id, struct ntlm_slice v);

/* ---- NEGOTIATE_MESSAGE, 2.2.1.1 -------------------------------------- */
struct ntlm_wire_negotiate {
	uint32_t flags;
	struct ntlm_slice domain;      /* OEM bytes; borrowed */
	struct ntlm_slice workstation; /* OEM bytes; borrowed */
	bool has_version;	       /* VERSION flag set and field present */
	struct ntlm_wire_version version;
};
NTLM_RESULT ntlm_wire_negotiate_decode(const uint8_t *msg, size_t len,
				       struct ntlm_wire_negotiate *out);
/* Writes VERSION iff has_version. */
NTLM_RESULT ntlm_wire_negotiate_encode(const struct ntlm_wire_negotiate *m, struct ntlm_wr *w);

/* ---- CHALLENGE_MESSAGE, 2.2.1.2 -------------------------------------- */
struct ntlm_wire_challenge {
	uint32_t flags;
	struct ntlm_slice target_name; /* UTF-16LE or OEM per flags; borrowed */
	uint8_t server_challenge[8];
	uint8_t reserved[8];	       /* kept for exact round trips */
	struct ntlm_slice target_info; /* raw AV list bytes; borrowed */
	struct ntlm_wire_avlist av;    /* decoded target_info (empty if none) */
	bool has_version;
	struct ntlm_wire_version version;
};
/* Validates target_name (UTF-16 when UNICODE) and decodes target_info. */
NTLM_RESULT ntlm_wire_challenge_decode(const uint8_t *msg, size_t len,
				       struct ntlm_wire_challenge *out);
/* Encodes from m->target_info (raw bytes; m->av is ignored). An empty
 * TargetInfo without NEGOTIATE_TARGET_INFO is written as all-zero fields. */
NTLM_RESULT ntlm_wire_challenge_encode(const struct ntlm_wire_challenge *m, struct ntlm_wr *w);

/* ---- AUTHENTICATE_MESSAGE, 2.2.1.3 ----------------------------------- */
struct ntlm_wire_authenticate {
	uint32_t flags;
	struct ntlm_slice lm_response; /* borrowed */
	struct ntlm_slice nt_response;
	struct ntlm_slice domain; /* UTF-16LE or OEM */
	struct ntlm_slice user;
	struct ntlm_slice workstation;
	struct ntlm_slice enc_session_key;
	bool has_version;
	struct ntlm_wire_version version;
	bool has_mic; /* the 16-byte MIC field is present */
	uint8_t mic[16];
};
/* Payload order written: Domain, User, Workstation, Lm, Nt, SessionKey
 * (the order of the MS-NLMP 4.2 examples); an empty field points at the end
 * of the payload written so far. Writes VERSION iff has_version (8 zero
 * bytes if only has_mic) and the MIC field iff has_mic. */
NTLM_RESULT ntlm_wire_authenticate_decode(const uint8_t *msg, size_t len,
					  struct ntlm_wire_authenticate *out);
NTLM_RESULT ntlm_wire_authenticate_encode(const struct ntlm_wire_authenticate *m,
					  struct ntlm_wr *w);

/* ---- responses ------------------------------------------------------- */
enum ntlm_response_type {
	NTLM_RESP_ANONYMOUS = 0,
	NTLM_RESP_LM, /* only an LM response */
	NTLM_RESP_NTLMV1,
	NTLM_RESP_NTLMV1_ESS,
	NTLM_RESP_NTLMV2,
};
const char *ntlm_wire_response_type_name(enum ntlm_response_type t); /* "NTLMv2" */

/* Classifies by the response lengths and the ESS flag (MS-NLMP 3.2.5.1.2,
 * 3.3): NT empty and LM empty or Z(1) -> anonymous; NT empty, LM 24 -> LM;
 * NT 24 -> NTLMv1 (NTLMv1-ESS when ESS is set); NT >= 48 -> NTLMv2.
 * Anything else -> NTLM_E_BAD_RESPONSE. */
NTLM_RESULT ntlm_wire_response_classify(const struct ntlm_wire_authenticate *m,
					enum ntlm_response_type *t);

/* NTLMv2_RESPONSE, 2.2.2.8 / NTLMv2_CLIENT_CHALLENGE, 2.2.2.7 */
struct ntlm_wire_ntlmv2_response {
	uint8_t ntproofstr[16];
	struct ntlm_slice temp; /* everything after NTProofStr: the HMAC input */
	uint8_t resp_type;	/* 1 */
	uint8_t hi_resp_type;	/* 1 */
	uint64_t timestamp;	/* FILETIME */
	uint8_t client_challenge[8];
	struct ntlm_slice av_raw; /* AV list bytes incl. MsvAvEOL */
	struct ntlm_wire_avlist av;
	struct ntlm_slice trailing; /* bytes after MsvAvEOL (Z(4) or more) */
};
NTLM_RESULT ntlm_wire_ntlmv2_response_decode(struct ntlm_slice nt,
					     struct ntlm_wire_ntlmv2_response *out);
/* Writes `temp` of 3.3.2: 01 01 Z(6) Time CC Z(4) AvPairs(+EOL) Z(4). */
void ntlm_wire_ntlmv2_temp_encode(struct ntlm_wr *w, uint64_t timestamp,
				  const uint8_t client_challenge[8],
				  const struct ntlm_wire_avlist *av);

/* ---- strings on the wire --------------------------------------------- */
/* Converts a wire string (UTF-16LE when `unicode`, else OEM) to UTF-8. */
NTLM_RESULT ntlm_wire_str_to_utf8(struct ntlm_slice s, bool unicode, char **out, const char *what);
/* Converts UTF-8 to a wire string; *out is malloc'd. */
NTLM_RESULT ntlm_wire_str_from_utf8(const char *s, bool unicode, uint8_t **out, size_t *out_len);

#endif
