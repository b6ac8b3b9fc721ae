/* SPDX-License-Identifier: MIT */
/*
 * policy loading, the entry points: reading the file, turning it into UTF-8
 * lines (UTF-8 with or without BOM, UTF-16LE with BOM), detecting its
 * format and handing it to the parser of that format (load_conf.c,
 * load_inf.c, load_reg.c). The top of the package: nothing calls up here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/load_common.h"
#include "policy/profiles.h"
#include "text/text.h"

/* ---- decoding the file into UTF-8 text ----------------------------------- */

/* UTF-16LE (after the BOM): converted line by line so a bad line is reported
 * with its number and blanked, and the other lines still load. */
static ntlm_status decode_utf16(struct policy_load *l, const uint8_t *d, size_t n)
{
	ntlm_status st = NTLM_OK;
	size_t units, start = 0, o = 0;
	unsigned line = 1;

	if (n % 2) {
		unsigned last = 1;
		for (size_t i = 0; i + 1 < n; i += 2)
			if (d[i] == '\n' && d[i + 1] == 0)
				last++;
		ntlm_policy_error(l, last, "UTF-16LE text is truncated (odd number of bytes: %zu)",
				  n + 2);
		n--;
	}
	units = n / 2;
	l->text = malloc(units * 3 + 1);
	if (!l->text)
		return NTLM_E_NOMEM;
	for (size_t i = 0; i <= units; i++) {
		bool eol = i == units || (d[2 * i] == '\n' && d[2 * i + 1] == 0);
		if (!eol)
			continue;
		bool has_nul = false;
		for (size_t k = start; k < i; k++)
			if (d[2 * k] == 0 && d[2 * k + 1] == 0)
				has_nul = true;
		if (has_nul) {
			ntlm_policy_error(l, line, "NUL character in the line");
		} else if (i > start) {
			char *s = NULL;
			ntlm_status cs = ntlm_text_utf16le_to_utf8(d + 2 * start, (i - start) * 2,
								   &s, "line");
			if (cs == NTLM_E_NOMEM) {
				st = cs;
				goto out;
			}
			if (cs != NTLM_OK) {
				ntlm_policy_error(l, line, "invalid UTF-16LE (unpaired surrogate)");
			} else {
				size_t sl = strlen(s);
				memcpy(l->text + o, s, sl);
				o += sl;
			}
			free(s);
		}
		if (i < units)
			l->text[o++] = '\n';
		start = i + 1;
		line++;
	}
out:
	l->text[o] = '\0';
	l->text_len = o;
	return st;
}

/* UTF-8 (BOM already skipped): copied, lines with a NUL byte blanked. */
static ntlm_status decode_utf8(struct policy_load *l, const uint8_t *d, size_t n)
{
	size_t o = 0, start = 0;
	unsigned line = 1;

	l->text = malloc(n + 1);
	if (!l->text)
		return NTLM_E_NOMEM;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && d[i] != '\n')
			continue;
		if (memchr(d + start, 0, i - start)) {
			ntlm_policy_error(l, line, "NUL byte in the line");
		} else {
			memcpy(l->text + o, d + start, i - start);
			o += i - start;
		}
		if (i < n)
			l->text[o++] = '\n';
		start = i + 1;
		line++;
	}
	l->text[o] = '\0';
	l->text_len = o;
	return NTLM_OK;
}

static ntlm_status decode(struct policy_load *l, const uint8_t *d, size_t n)
{
	if (n >= 2 && d[0] == 0xff && d[1] == 0xfe)
		return decode_utf16(l, d + 2, n - 2);
	if (n >= 2 && d[0] == 0xfe && d[1] == 0xff) {
		ntlm_policy_error(l, 1,
				  "UTF-16BE text is not supported; save it as UTF-16LE or UTF-8");
		return decode_utf8(l, d, 0);
	}
	if (n >= 2 && d[0] != 0 && d[1] == 0) {
		ntlm_policy_error(l, 1,
				  "text looks like UTF-16LE without a byte-order mark; "
				  "save it with a BOM (FF FE) or as UTF-8");
		return decode_utf8(l, d, 0);
	}
	if (n >= 3 && d[0] == 0xef && d[1] == 0xbb && d[2] == 0xbf)
		return decode_utf8(l, d + 3, n - 3);
	return decode_utf8(l, d, n);
}

/* ---- format detection -------------------------------------------------- */

enum policy_format { FMT_CONF, FMT_INF, FMT_REG4, FMT_REG5 };

static enum policy_format detect(const struct policy_load *l)
{
	struct policy_lines it;
	struct sv line;
	unsigned no;
	bool first = true;

	ntlm_policy_lines_init(&it, l);
	while (ntlm_policy_lines_next(&it, &line, &no)) {
		struct sv t = sv_trim(line);
		if (t.n == 0)
			continue;
		if (first) {
			if (sv_eq_ci(t, "REGEDIT4"))
				return FMT_REG4;
			if (sv_eq_ci(t, "Windows Registry Editor Version 5.00"))
				return FMT_REG5;
			first = false;
		}
		if (t.p[0] != '[')
			continue;
		struct sv name, rest;
		if (!sv_split(t, ']', &name, &rest))
			continue;
		name.p++;
		name.n--;
		name = sv_trim(name);
		if (sv_eq_ci(name, "Unicode") || sv_eq_ci(name, "Version") ||
		    sv_eq_ci(name, "Registry Values"))
			return FMT_INF;
	}
	return FMT_CONF;
}

/* ---- entry points -------------------------------------------------------- */

static void set_src_name(struct policy_load *l, const char *name)
{
	size_t n = strlen(name), cap = sizeof(l->src_name) - 1;
	if (n <= cap) {
		memcpy(l->src_name, name, n + 1);
		return;
	}
	memcpy(l->src_name, "...", 3);
	memcpy(l->src_name + 3, name + n - (cap - 3), cap - 3);
	l->src_name[cap] = '\0';
}

static void reset_to_default(struct ntlm_policy *out)
{
	if (!ntlm_policy_profile_apply(NTLM_POLICY_DEFAULT_PROFILE, out))
		memset(out, 0, sizeof(*out)); /* unreachable: the default profile exists */
}

static void report(struct ntlm_policy_load_report *rep, const struct policy_load *l)
{
	if (!rep)
		return;
	rep->n_errors = l->n_errors;
	rep->n_dropped = l->n_dropped;
}

static ntlm_status load_buffer(const char *name, const uint8_t *data, size_t len,
			       struct ntlm_policy *out, char *errors, size_t errors_len,
			       struct ntlm_policy_load_report *rep)
{
	struct policy_load l;
	struct ntlm_policy *tmp = NULL;
	ntlm_status st = NTLM_OK;

	if (errors && errors_len)
		errors[0] = '\0';
	if (!out)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "policy load: no output policy");
	reset_to_default(out);
	if (!data && len)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "policy load: no data");
	memset(&l, 0, sizeof(l));
	l.name = name ? name : "(policy)";
	set_src_name(&l, l.name);
	l.errors = errors;
	l.errors_len = errors_len;
	if (len > NTLM_POLICY_MAX_FILE) {
		ntlm_policy_error(&l, 1, "file too large (%zu bytes; the limit is %u)", len,
				  NTLM_POLICY_MAX_FILE);
		st = l.first;
		goto out;
	}
	tmp = malloc(sizeof(*tmp));
	if (!tmp) {
		st = NTLM_E_NOMEM;
		goto out;
	}
	reset_to_default(tmp);
	l.p = tmp;
	st = decode(&l, data ? data : (const uint8_t *)"", len);
	if (st != NTLM_OK)
		goto out;
	switch (detect(&l)) {
	case FMT_INF:
		ntlm_policy_parse_inf(&l);
		break;
	case FMT_REG4:
		ntlm_policy_parse_reg(&l, true);
		break;
	case FMT_REG5:
		ntlm_policy_parse_reg(&l, false);
		break;
	case FMT_CONF:
		ntlm_policy_parse_conf(&l);
		break;
	}
	ntlm_policy_update_insecure(tmp);
	if (l.n_errors == 0)
		*out = *tmp;
	st = l.n_errors ? l.first : NTLM_OK;
out:
	if (st == NTLM_E_NOMEM) {
		snprintf(l.first_msg, sizeof(l.first_msg), "%s: out of memory", l.name);
		if (l.n_errors == 0)
			l.n_errors = 1;
	}
	ntlm_policy_load_finish(&l);
	report(rep, &l);
	free(l.text);
	free(tmp);
	if (st != NTLM_OK)
		return ntlm_err(st, "%s", l.first_msg);
	return NTLM_OK;
}

ntlm_status ntlm_policy_load_buffer(const char *name, const uint8_t *data, size_t len,
				    struct ntlm_policy *out, char *errors, size_t errors_len)
{
	return load_buffer(name, data, len, out, errors, errors_len, NULL);
}

ntlm_status ntlm_policy_load_file_report(const char *path, struct ntlm_policy *out, char *errors,
					 size_t errors_len, struct ntlm_policy_load_report *rep)
{
	FILE *f = NULL;
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;
	ntlm_status st = NTLM_OK;
	char eb[128];

	if (errors && errors_len)
		errors[0] = '\0';
	if (rep) {
		rep->n_errors = 1; /* until the loader says otherwise */
		rep->n_dropped = 0;
	}
	if (!path || !out) {
		if (out)
			reset_to_default(out);
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "policy load: no path or output");
	}
	f = fopen(path, "rb");
	if (!f) {
		st = ntlm_err(NTLM_E_CONFIG, "%s: cannot open: %s", path,
			      strerror_r(errno, eb, sizeof(eb)));
		goto fail;
	}
	for (;;) {
		if (len == cap) {
			size_t ncap = cap ? cap * 2 : 16384;
			if (ncap > NTLM_POLICY_MAX_FILE + 1)
				ncap = NTLM_POLICY_MAX_FILE + 1;
			if (ncap == cap)
				break; /* over the limit: load_buffer says so */
			uint8_t *nb = realloc(buf, ncap);
			if (!nb) {
				st = ntlm_err(NTLM_E_NOMEM, "%s: out of memory", path);
				goto fail;
			}
			buf = nb;
			cap = ncap;
		}
		size_t got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0) {
			if (ferror(f)) {
				st = ntlm_err(NTLM_E_CONFIG, "%s: read error", path);
				goto fail;
			}
			break;
		}
	}
	fclose(f);
	f = NULL;
	st = load_buffer(path, buf, len, out, errors, errors_len, rep);
	free(buf);
	return st;
fail:
	if (f)
		fclose(f);
	free(buf);
	reset_to_default(out);
	if (errors && errors_len)
		snprintf(errors, errors_len, "%s\n", ntlm_error_message());
	return st;
}

ntlm_status ntlm_policy_load_file(const char *path, struct ntlm_policy *out, char *errors,
				  size_t errors_len)
{
	return ntlm_policy_load_file_report(path, out, errors, errors_len, NULL);
}
