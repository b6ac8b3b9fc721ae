/* SPDX-License-Identifier: MIT */
/*
 * policy internals shared by policy.c, profiles.c and the loaders: the
 * setting descriptor table, value validation, and the loader's state
 * (text lines, error collection). Not part of the layer's interface.
 */
#ifndef NTLM_POLICY_PRIV_H
#define NTLM_POLICY_PRIV_H

#include "policy/policy.h"

/* ---- string views ------------------------------------------------------ */

/* A borrowed run of bytes (not NUL-terminated). */
struct sv {
	const char *p;
	size_t n;
};

struct sv sv_of(const char *s);
struct sv sv_trim(struct sv s);
bool sv_eq_ci(struct sv a, const char *b);
bool sv_eq_sv_ci(struct sv a, struct sv b);
bool sv_starts_ci(struct sv s, const char *prefix);
/* Splits at the first `c`: *left = before, *right = after; false if absent. */
bool sv_split(struct sv s, char c, struct sv *left, struct sv *right);
/* Copies s into buf (NUL-terminated) with non-printable bytes as \xNN and
 * at most `max` input bytes ("..." appended when cut). For messages. */
const char *sv_quote(struct sv s, char *buf, size_t len);
#define SV_QUOTE_LEN 100

/* ---- the settings ------------------------------------------------------ */

enum policy_kind {
	PK_ENUM,   /* DWORD with a fixed set of values and symbolic names */
	PK_MASK,   /* DWORD bitmask of NTLM_MINSEC_* bits, names joined by | or , */
	PK_LIST,   /* MULTI_SZ of server-name patterns */
	PK_BOOL,   /* ours: 0/1 yes/no true/false on/off */
	PK_SECONDS /* ours: seconds */
};

struct policy_sym {
	const char *name;
	uint32_t value;
};

struct policy_desc {
	enum ntlm_setting id;
	const char *name;    /* canonical spelling, e.g. "NtlmMinClientSec" */
	const char *section; /* native config section: "MSV1_0", "Lsa", "Netlogon", "ntlmssp" */
	const char *reg_key; /* key below CurrentControlSet, NULL for ours */
	enum policy_kind kind;
	const struct policy_sym *syms; /* NULL-name terminated; NULL for none */
};

/* The descriptor of a setting (never NULL for a valid id). */
const struct policy_desc *policy_desc(enum ntlm_setting id);
/* Looks a setting up by name, case-insensitively; NULL if unknown. */
const struct policy_desc *policy_desc_find(struct sv name);
/* The symbolic name of a value (PK_ENUM: exact match; PK_BOOL: yes/no), or NULL. */
const char *policy_sym_name(const struct policy_desc *d, uint32_t v);
/* A comma-separated list of the symbolic names, for messages. */
const char *policy_sym_list(const struct policy_desc *d, char *buf, size_t len);

/* Reads the numeric value of a scalar setting out of a policy. */
uint32_t policy_get_u32(const struct ntlm_policy *p, enum ntlm_setting id);
/* Checks a scalar value against the setting's range / allowed values /
 * allowed bits; on failure writes a message ("out of range (0..5)") and
 * returns false. */
bool policy_check_u32(const struct policy_desc *d, uint32_t v, char *msg, size_t len);
/* Stores a checked scalar value. */
void policy_set_u32(struct ntlm_policy *p, enum ntlm_setting id, uint32_t v);
/* Checks one server-name pattern; false + message when unusable. */
bool policy_check_pattern(struct sv s, char *msg, size_t len);

/* A setting's value as the native config spells it ("5", "0x20080000",
 * "Accept", "a, b"; "" for an empty list), cut to fit buf. */
const char *policy_value_text(const struct ntlm_policy *p, const struct policy_desc *d, char *buf,
			      size_t len);
/* Where a value came from: "profile cis", "file:line" or "(set)". */
const char *policy_source_text(const struct ntlm_policy *p, const struct ntlm_policy_source *s,
			       char *buf, size_t len);
/* The "(LmCompatibilityLevel, AllowAnonymous)" list of what makes p
 * insecure ("" when nothing does). */
const char *policy_insecure_text(const struct ntlm_policy *p, char *buf, size_t len);

/* Formats a mask as "RequireNTLMv2SessionSecurity|Require128" ("None" for 0). */
const char *policy_mask_names(uint32_t mask, char *buf, size_t len);

/* Copies the profile's values into *p (lists emptied, sources reset). */
bool policy_profile_apply(const char *name, struct ntlm_policy *p);
/* Recomputes p->insecure from the settings (see docs/policy.md). */
void policy_update_insecure(struct ntlm_policy *p);

/* A bounded text buffer for the renderers (policy.c, show.c): appends stop
 * at the first that does not fit, which sets full; p stays NUL-terminated. */
struct policy_out {
	char *p;
	size_t cap;
	size_t len;
	bool full;
};

void policy_out_printf(struct policy_out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* True when this one setting makes the policy insecure. */
bool policy_setting_insecure(const struct ntlm_policy *p, enum ntlm_setting id);

/* ---- numbers ----------------------------------------------------------- */

enum num_result {
	NUM_OK = 0,
	NUM_NOT_NUMBER, /* does not start with a digit: maybe a symbolic name */
	NUM_MALFORMED,	/* starts like a number but is not one ("12x", "0x") */
	NUM_OVERFLOW	/* more than 32 bits */
};
/* Decimal or 0x-hex, digits only: no sign, no spaces. */
enum num_result policy_parse_u32(struct sv s, uint32_t *out);
/* Hex digits only (the .reg "dword:" form), 1..8 of them. */
enum num_result policy_parse_hex32(struct sv s, uint32_t *out);

/* ---- loading ----------------------------------------------------------- */

/* Largest file the loaders take. */
#define NTLM_POLICY_MAX_FILE (4u << 20)

struct policy_load {
	const char *name;      /* file name for messages (borrowed) */
	char src_name[128];    /* name as stored in sources (tail-truncated) */
	struct ntlm_policy *p; /* the policy being built (borrowed) */
	char *text;	       /* the file as UTF-8, '\n'-separated (owned) */
	size_t text_len;
	char *errors; /* caller's error buffer (borrowed), may be NULL */
	size_t errors_len;
	size_t errors_used;
	unsigned n_errors;
	unsigned n_dropped;		    /* errors that did not fit in `errors` */
	ntlm_status first;		    /* status of the first error */
	char first_msg[256];		    /* its text */
	unsigned seen_line[NTLM_SET_COUNT]; /* line a setting was set on, 0 = not yet */
};

/* Records an error at `line` ("name:line: message"). */
void policy_error(struct policy_load *l, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Line iteration over l->text. */
struct policy_lines {
	const char *p;
	const char *end;
	unsigned line;
};
void policy_lines_init(struct policy_lines *it, const struct policy_load *l);
/* The next line without its '\n' and trailing '\r'; false at the end. */
bool policy_lines_next(struct policy_lines *it, struct sv *line, unsigned *lineno);

/* Applies a value to setting `d` from line `line`, checking duplicates (in
 * files) and the value; errors are recorded. */
void policy_apply_u32(struct policy_load *l, const struct policy_desc *d, uint32_t v,
		      unsigned line);
/* Starts a list setting (duplicate check); false if it was set already. */
bool policy_list_begin(struct policy_load *l, const struct policy_desc *d, unsigned line);
/* Appends one entry to a list setting begun with policy_list_begin. */
void policy_list_add(struct policy_load *l, const struct policy_desc *d, struct sv entry,
		     unsigned line);
/* Parses a comma-separated list into a list setting (empty entries skipped,
 * surrounding double quotes removed when `unquote`). */
void policy_apply_list_text(struct policy_load *l, const struct policy_desc *d, struct sv v,
			    unsigned line, bool unquote);
/* Marks setting d as coming from line `line`. */
void policy_mark_source(struct policy_load *l, enum ntlm_setting id, unsigned line);

/*
 * Registry-backed formats (INF, .reg). `key` is the key path without its hive
 * ("System\CurrentControlSet\Control\Lsa\MSV1_0"); `value` the value name.
 * Returns the setting when the value is ours and in the right key; NULL
 * otherwise. A value named like ours under ...\Control\Lsa or
 * ...\Services\Netlogon but in the wrong key is reported as an error (and
 * NULL returned); anywhere else it is not ours.
 */
const struct policy_desc *policy_reg_lookup(struct policy_load *l, struct sv key, struct sv value,
					    unsigned line);

/* Registry types (MS-RRP 2.2.5 REG_*) as the INF and .reg formats name them. */
#define POLICY_REG_SZ 1u
#define POLICY_REG_EXPAND_SZ 2u
#define POLICY_REG_BINARY 3u
#define POLICY_REG_DWORD 4u
#define POLICY_REG_MULTI_SZ 7u
#define POLICY_REG_QWORD 11u
const char *policy_reg_type_name(uint32_t type);
/* Checks that a registry value of `type` fits setting d; error otherwise. */
bool policy_reg_type_ok(struct policy_load *l, const struct policy_desc *d, uint32_t type,
			unsigned line);

/* Parses a native-config value for setting d and applies it (also used by
 * ntlm_policy_set). */
void policy_conf_apply(struct policy_load *l, const struct policy_desc *d, struct sv value,
		       unsigned line);

/* The three parsers; each records errors in l. */
void policy_parse_conf(struct policy_load *l);
void policy_parse_inf(struct policy_load *l);
void policy_parse_reg(struct policy_load *l, bool regedit4);

#endif
