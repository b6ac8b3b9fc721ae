/* SPDX-License-Identifier: MIT */
/*
 * policy loading: the loader's state and the pieces the three parsers share
 * (load_common.c), and the parsers' entry points. Not part of the layer's
 * interface.
 */
#ifndef NTLM_POLICY_LOAD_COMMON_H
#define NTLM_POLICY_LOAD_COMMON_H

#include "policy/settings.h"

/* ---- numbers ----------------------------------------------------------- */

enum num_result {
	NUM_OK = 0,
	NUM_NOT_NUMBER, /* does not start with a digit: maybe a symbolic name */
	NUM_MALFORMED,	/* starts like a number but is not one ("12x", "0x") */
	NUM_OVERFLOW	/* more than 32 bits */
};
/* Decimal or 0x-hex, digits only: no sign, no spaces. */
enum num_result ntlm_policy_parse_u32(struct sv s, uint32_t *out);
/* Hex digits only (the .reg "dword:" form), 1..8 of them. */
enum num_result ntlm_policy_parse_hex32(struct sv s, uint32_t *out);

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
	bool profile_allowed;		    /* a `Profile =` line may choose the start */
};

/* Records an error at `line` ("name:line: message"). */
void ntlm_policy_error(struct policy_load *l, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Records an error about the whole file ("name: message"). */
void ntlm_policy_file_error(struct policy_load *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Line iteration over l->text. */
struct policy_lines {
	const char *p;
	const char *end;
	unsigned line;
};
void ntlm_policy_lines_init(struct policy_lines *it, const struct policy_load *l);
/* The next line without its '\n' and trailing '\r'; false at the end. */
bool ntlm_policy_lines_next(struct policy_lines *it, struct sv *line, unsigned *lineno);

/* Applies a value to setting `d` from line `line`, checking duplicates (in
 * files) and the value; errors are recorded. */
void ntlm_policy_apply_u32(struct policy_load *l, const struct policy_desc *d, uint32_t v,
			   unsigned line);
/* Starts a list setting (duplicate check); false if it was set already. */
bool ntlm_policy_list_begin(struct policy_load *l, const struct policy_desc *d, unsigned line);
/* Appends one entry to a list setting begun with policy_list_begin. */
void ntlm_policy_list_add(struct policy_load *l, const struct policy_desc *d, struct sv entry,
			  unsigned line);
/* Parses a comma-separated list into a list setting (empty entries skipped,
 * surrounding double quotes removed when `unquote`). */
void ntlm_policy_apply_list_text(struct policy_load *l, const struct policy_desc *d, struct sv v,
				 unsigned line, bool unquote);
/* Makes setting d "not defined" (its Windows default) at line `line`, as a
 * .reg deletion does; `check_duplicate` as for a value. */
void ntlm_policy_unset(struct policy_load *l, const struct policy_desc *d, unsigned line,
		       bool check_duplicate);
/* Marks every setting "not defined" (the start of an INF or .reg). */
void ntlm_policy_mark_all_undefined(struct ntlm_policy *p);
/* Marks setting d as coming from line `line`. */
void ntlm_policy_mark_source(struct policy_load *l, enum ntlm_setting id, unsigned line);

/*
 * Registry-backed formats (INF, .reg). `key` is the key path without its hive
 * ("System\CurrentControlSet\Control\Lsa\MSV1_0"); `value` the value name.
 * Returns the setting when the value is ours and in the right key; NULL
 * otherwise. A value named like ours under ...\Control\Lsa or
 * ...\Services\Netlogon but in the wrong key is reported as an error (and
 * NULL returned); anywhere else it is not ours.
 */
const struct policy_desc *ntlm_policy_reg_lookup(struct policy_load *l, struct sv key,
						 struct sv value, unsigned line);

/* Registry types (MS-RRP 2.2.5 REG_*) as the INF and .reg formats name them. */
#define POLICY_REG_SZ 1u
#define POLICY_REG_EXPAND_SZ 2u
#define POLICY_REG_BINARY 3u
#define POLICY_REG_DWORD 4u
#define POLICY_REG_MULTI_SZ 7u
#define POLICY_REG_QWORD 11u
const char *ntlm_policy_reg_type_name(uint32_t type);
/* Checks that a registry value of `type` fits setting d; error otherwise. */
bool ntlm_policy_reg_type_ok(struct policy_load *l, const struct policy_desc *d, uint32_t type,
			     unsigned line);

/* Writes the "... and N more errors" line when some did not fit. */
void ntlm_policy_load_finish(struct policy_load *l);

/* The three parsers (load_conf.c, load_inf.c, load_reg.c), called by
 * load.c only; each records errors in l. */
void ntlm_policy_parse_conf(struct policy_load *l);
void ntlm_policy_parse_inf(struct policy_load *l);
void ntlm_policy_parse_reg(struct policy_load *l, bool regedit4);

#endif
