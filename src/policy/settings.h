/* SPDX-License-Identifier: MIT */
/*
 * policy: the settings table. One row per setting (enum ntlm_setting order)
 * says everything the rest of the package needs: its name and native config
 * section, its registry key, the kind and allowed values, where it lives in
 * struct ntlm_policy (offsetof), its Windows default (the value a Windows
 * machine uses when the setting is not defined) and a line of words for
 * `policy show`. Loaders, renderers, profiles and the docs test all walk the
 * table: adding a setting is an enum id, a struct field and one row.
 */
#ifndef NTLM_POLICY_SETTINGS_H
#define NTLM_POLICY_SETTINGS_H

#include "policy/policy.h"
#include "policy/sv.h"

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
	size_t offset;		  /* of the field in struct ntlm_policy (the count for lists) */
	size_t size;		  /* its size: 1 (bool) or 4 (unsigned, uint32_t, enum) */
	size_t list_offset;	  /* PK_LIST: of the entry array */
	uint32_t windows_default; /* the value when not defined */
	const char *doc;	  /* one line for `policy show` when it has no more to say */
};

/* The descriptor of a setting (never NULL: an invalid id gives row 0). */
const struct policy_desc *ntlm_policy_desc(enum ntlm_setting id);
/* Looks a setting up by name, case-insensitively; NULL if unknown. */
const struct policy_desc *ntlm_policy_desc_find(struct sv name);

/* The symbolic name of a value (PK_ENUM: exact match; PK_BOOL: yes/no), or NULL. */
const char *ntlm_policy_sym_name(const struct policy_desc *d, uint32_t v);
/* Like ntlm_policy_sym_name, "invalid" instead of NULL (PK_ENUM, PK_BOOL). */
const char *ntlm_policy_sym_or_invalid(const struct policy_desc *d, uint32_t v);
/* A comma-separated list of the symbolic names, for messages. */
const char *ntlm_policy_sym_list(const struct policy_desc *d, char *buf, size_t len);
/* A name from the setting's list (PK_BOOL: yes/no/true/false/on/off), case-insensitively. */
bool ntlm_policy_sym_lookup(const struct policy_desc *d, struct sv s, uint32_t *v);
/* Formats a mask as "RequireNTLMv2SessionSecurity|Require128" ("None" for 0). */
const char *ntlm_policy_mask_names(uint32_t mask, char *buf, size_t len);

/* The numeric value of a setting (lists: the number of entries). */
uint32_t ntlm_policy_get_u32(const struct ntlm_policy *p, enum ntlm_setting id);
/* Stores a checked scalar value and recomputes p->insecure (lists: ignored). */
void ntlm_policy_set_u32(struct ntlm_policy *p, enum ntlm_setting id, uint32_t v);
/* Checks a scalar value against the setting's range / allowed values /
 * allowed bits; on failure writes a message ("out of range (0..5)") and
 * returns false. */
bool ntlm_policy_check_u32(const struct policy_desc *d, uint32_t v, char *msg, size_t len);

/* A list setting's entries: its count (cut to NTLM_POLICY_MAX_SERVERS) and
 * entry i (NUL-terminated, at most NTLM_POLICY_MAX_PATTERN bytes). */
size_t ntlm_policy_list_count(const struct ntlm_policy *p, enum ntlm_setting id);
struct sv ntlm_policy_list_entry(const struct ntlm_policy *p, enum ntlm_setting id, size_t i);
/* Empties a list setting. */
void ntlm_policy_list_clear(struct ntlm_policy *p, enum ntlm_setting id);
/* Appends a checked entry; false when the list is full. */
bool ntlm_policy_list_push(struct ntlm_policy *p, enum ntlm_setting id, struct sv entry);
/* Checks one server-name pattern; false + message when unusable. */
bool ntlm_policy_check_pattern(struct sv s, char *msg, size_t len);
/* Checks one Accounts entry: "winbind" or "file:PATH"; false + message. */
bool ntlm_policy_check_backend(struct sv s, char *msg, size_t len);
/* Checks one AuditLog entry: syslog, journal, none, file:PATH,
 * syslog:SOCKET, journal:SOCKET (absolute paths); false + message. */
bool ntlm_policy_check_audit_log(struct sv s, char *msg, size_t len);

/* Every setting at its Windows default (lists empty, sources reset), profile
 * name "windows-default". */
void ntlm_policy_set_windows_defaults(struct ntlm_policy *p);

/* True when this one setting makes the policy insecure. */
bool ntlm_policy_setting_insecure(const struct ntlm_policy *p, enum ntlm_setting id);
/* Recomputes p->insecure from the settings (see docs/policy.md). */
void ntlm_policy_update_insecure(struct ntlm_policy *p);

#endif
