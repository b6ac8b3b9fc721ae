/* SPDX-License-Identifier: MIT */
/*
 * policy loading, the entry points: reading the file, turning it into UTF-8
 * lines (UTF-8 with or without BOM, UTF-16LE with BOM), detecting its
 * format and handing it to the parser of that format (load_conf.c,
 * load_inf.c, load_reg.c). The top of the package: nothing calls up here.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

/* The error state that runs across the files of one load. */
static void carry(struct policy_load *to, const struct policy_load *from)
{
	to->errors = from->errors;
	to->errors_len = from->errors_len;
	to->errors_used = from->errors_used;
	to->n_errors = from->n_errors;
	to->n_dropped = from->n_dropped;
	to->first = from->first;
	memcpy(to->first_msg, from->first_msg, sizeof(to->first_msg));
}

/*
 * One file's bytes over *acc->p. `start`: this file chooses the starting
 * point (no profile named and no file before it): a native config its
 * Profile line or cis, an INF or .reg windows-default with every setting
 * not defined. Errors go to acc. NTLM_E_NOMEM only; the rest are in acc.
 */
static ntlm_status load_layer(struct policy_load *acc, const char *name, const uint8_t *data,
			      size_t len, bool start)
{
	struct policy_load l;
	enum policy_format fmt;
	ntlm_status st;

	memset(&l, 0, sizeof(l));
	carry(&l, acc);
	l.p = acc->p;
	l.name = name ? name : "(policy)";
	set_src_name(&l, l.name);
	l.profile_allowed = start;
	if (len > NTLM_POLICY_MAX_FILE) {
		ntlm_policy_error(&l, 1, "file too large (%zu bytes; the limit is %u)", len,
				  NTLM_POLICY_MAX_FILE);
		carry(acc, &l);
		return NTLM_OK;
	}
	st = decode(&l, data ? data : (const uint8_t *)"", len);
	if (st == NTLM_OK) {
		fmt = detect(&l);
		if (start && fmt != FMT_CONF) {
			/* what Windows reads: whatever the file does not set is not
			 * defined, and not defined is the Windows default */
			(void)ntlm_policy_profile_apply("windows-default", l.p);
			ntlm_policy_mark_all_undefined(l.p);
		}
		switch (fmt) {
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
	}
	free(l.text);
	carry(acc, &l);
	return st;
}

/* Reads a whole file (at most NTLM_POLICY_MAX_FILE + 1 bytes: load_layer
 * says when it is over); false with the reason in msg. */
static bool read_file(const char *path, uint8_t **out, size_t *out_len, bool *nomem, char *msg,
		      size_t msg_len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;
	char eb[128];

	*nomem = false;
	if (!f) {
		snprintf(msg, msg_len, "cannot open: %s", strerror_r(errno, eb, sizeof(eb)));
		return false;
	}
	for (;;) {
		if (len == cap) {
			size_t ncap = cap ? cap * 2 : 16384;
			if (ncap > NTLM_POLICY_MAX_FILE + 1)
				ncap = NTLM_POLICY_MAX_FILE + 1;
			if (ncap == cap)
				break; /* over the limit: load_layer says so */
			uint8_t *nb = realloc(buf, ncap);
			if (!nb) {
				*nomem = true;
				snprintf(msg, msg_len, "out of memory");
				goto fail;
			}
			buf = nb;
			cap = ncap;
		}
		size_t got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0) {
			if (ferror(f)) {
				snprintf(msg, msg_len, "read error");
				goto fail;
			}
			break;
		}
	}
	fclose(f);
	*out = buf;
	*out_len = len;
	return true;
fail:
	fclose(f);
	free(buf);
	return false;
}

/* One source of bytes: a file to read, or a buffer. */
struct layer_src {
	const char *name;
	const uint8_t *data; /* NULL: read the file `name` */
	size_t len;
};

static ntlm_status load_layers(const char *profile, const struct layer_src *src, size_t n,
			       struct ntlm_policy *out, char *errors, size_t errors_len,
			       struct ntlm_policy_load_report *rep)
{
	struct policy_load acc;
	struct ntlm_policy *tmp = NULL;
	ntlm_status st = NTLM_OK;
	char q[SV_QUOTE_LEN];

	if (errors && errors_len)
		errors[0] = '\0';
	if (rep)
		*rep = (struct ntlm_policy_load_report){ 1, 0 };
	if (!out)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "policy load: no output policy");
	reset_to_default(out);
	if (n && !src)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "policy load: no files");
	memset(&acc, 0, sizeof(acc));
	acc.errors = errors;
	acc.errors_len = errors_len;
	acc.name = "(policy)";
	tmp = malloc(sizeof(*tmp));
	if (!tmp) {
		st = NTLM_E_NOMEM;
		goto out;
	}
	reset_to_default(tmp);
	acc.p = tmp;
	if (profile && !ntlm_policy_profile_apply(profile, tmp)) {
		ntlm_policy_file_error(&acc,
				       "unknown profile '%s' (known: cis, windows-default, "
				       "strict, legacy-insecure)",
				       ntlm_policy_sv_quote(sv_of(profile), q, sizeof(q)));
		goto out;
	}
	for (size_t i = 0; i < n && st == NTLM_OK; i++) {
		const char *name = src[i].name ? src[i].name : "(policy)";
		bool start = i == 0 && !profile;
		if (src[i].data || !src[i].name) {
			if (!src[i].data && src[i].len) {
				st = ntlm_err(NTLM_E_INVALID_ARGUMENT, "policy load: no data");
				goto out_free;
			}
			st = load_layer(&acc, name, src[i].data, src[i].len, start);
			continue;
		}
		uint8_t *buf = NULL;
		size_t len = 0;
		bool nomem;
		char msg[200];
		if (!read_file(name, &buf, &len, &nomem, msg, sizeof(msg))) {
			acc.name = name;
			if (nomem)
				st = NTLM_E_NOMEM;
			else
				ntlm_policy_file_error(&acc, "%s", msg);
			continue;
		}
		st = load_layer(&acc, name, buf, len, start);
		free(buf);
	}
	ntlm_policy_update_insecure(tmp);
	if (st == NTLM_OK && acc.n_errors == 0)
		*out = *tmp;
	if (st == NTLM_OK)
		st = acc.n_errors ? acc.first : NTLM_OK;
out:
	if (st == NTLM_E_NOMEM) {
		snprintf(acc.first_msg, sizeof(acc.first_msg), "%s: out of memory", acc.name);
		if (acc.n_errors == 0)
			acc.n_errors = 1;
	}
	if (st == NTLM_OK && acc.n_errors)
		st = acc.first;
	ntlm_policy_load_finish(&acc);
	if (rep) {
		rep->n_errors = acc.n_errors;
		rep->n_dropped = acc.n_dropped;
	}
	free(tmp);
	if (st != NTLM_OK)
		return ntlm_err(st, "%s", acc.first_msg);
	return NTLM_OK;
out_free:
	free(tmp);
	return st;
}

ntlm_status ntlm_policy_load_buffer(const char *name, const uint8_t *data, size_t len,
				    struct ntlm_policy *out, char *errors, size_t errors_len)
{
	struct layer_src src = { name ? name : "(policy)", data ? data : (const uint8_t *)"", len };

	if (!data && len) {
		if (errors && errors_len)
			errors[0] = '\0';
		if (out)
			reset_to_default(out);
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "policy load: no data");
	}
	return load_layers(NULL, &src, 1, out, errors, errors_len, NULL);
}

ntlm_status ntlm_policy_load_files_report(const char *profile, const char *const *paths, size_t n,
					  struct ntlm_policy *out, char *errors, size_t errors_len,
					  struct ntlm_policy_load_report *rep)
{
	struct layer_src *src;
	ntlm_status st;

	if (n > 1024) {
		if (out)
			reset_to_default(out);
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "policy load: more than 1024 files");
	}
	for (size_t i = 0; i < n; i++) {
		if (!paths || !paths[i]) {
			if (out)
				reset_to_default(out);
			if (errors && errors_len)
				errors[0] = '\0';
			return ntlm_err(NTLM_E_INVALID_ARGUMENT, "policy load: no path");
		}
	}
	src = calloc(n ? n : 1, sizeof(*src));
	if (!src)
		return ntlm_err(NTLM_E_NOMEM, "out of memory");
	for (size_t i = 0; i < n; i++)
		src[i].name = paths[i];
	st = load_layers(profile, src, n, out, errors, errors_len, rep);
	free(src);
	return st;
}

ntlm_status ntlm_policy_load_file_report(const char *path, struct ntlm_policy *out, char *errors,
					 size_t errors_len, struct ntlm_policy_load_report *rep)
{
	if (!path || !out) {
		if (errors && errors_len)
			errors[0] = '\0';
		if (rep)
			*rep = (struct ntlm_policy_load_report){ 1, 0 };
		if (out)
			reset_to_default(out);
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "policy load: no path or output");
	}
	return ntlm_policy_load_files_report(NULL, &path, 1, out, errors, errors_len, rep);
}

ntlm_status ntlm_policy_load_file(const char *path, struct ntlm_policy *out, char *errors,
				  size_t errors_len)
{
	return ntlm_policy_load_file_report(path, out, errors, errors_len, NULL);
}

/* ---- a configuration directory -------------------------------------------- */

static bool policy_file_name(const char *n)
{
	size_t len = strlen(n);
	struct sv ext;

	if (n[0] == '.' || len < 6)
		return false;
	ext = (struct sv){ n + len - 5, 5 };
	return sv_eq_ci(ext, ".conf") || sv_eq_ci((struct sv){ n + len - 4, 4 }, ".inf") ||
	       sv_eq_ci((struct sv){ n + len - 4, 4 }, ".reg");
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static char *join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "%s/%s", dir, name);
	return p;
}

static bool is_regular(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

void ntlm_policy_config_dir_free(char **paths)
{
	for (size_t i = 0; paths && paths[i]; i++)
		free(paths[i]);
	free(paths);
}

ntlm_status ntlm_policy_config_dir_files(const char *dir, char ***paths, size_t *n)
{
	char **v = NULL, *d = NULL, *first = NULL;
	size_t count = 0, cap = 0, first_n;
	DIR *dh = NULL;
	struct dirent *e;

	if (!paths || !n)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "policy dir: no output");
	*paths = NULL;
	*n = 0;
	if (!dir)
		dir = NTLM_POLICY_CONFIG_DIR;
	first = join(dir, "ntlmssp.conf");
	d = join(dir, "policy.d");
	if (!first || !d)
		goto nomem;
	cap = 8;
	v = calloc(cap, sizeof(*v));
	if (!v)
		goto nomem;
	if (is_regular(first)) {
		v[count++] = first;
		first = NULL;
	}
	first_n = count;
	dh = opendir(d);
	while (dh && (e = readdir(dh)) != NULL) {
		if (!policy_file_name(e->d_name))
			continue;
		char *path = join(d, e->d_name);
		if (!path)
			goto nomem;
		if (!is_regular(path)) {
			free(path);
			continue;
		}
		if (count + 2 > cap) {
			char **nv = realloc(v, cap * 2 * sizeof(*v));
			if (!nv) {
				free(path);
				goto nomem;
			}
			v = nv;
			cap *= 2;
		}
		v[count++] = path;
	}
	if (dh)
		closedir(dh);
	qsort(v + first_n, count - first_n, sizeof(*v), by_name);
	v[count] = NULL;
	free(first);
	free(d);
	*paths = v;
	*n = count;
	return NTLM_OK;
nomem:
	if (dh)
		closedir(dh);
	if (v) {
		v[count] = NULL;
		ntlm_policy_config_dir_free(v);
	}
	free(first);
	free(d);
	return ntlm_err(NTLM_E_NOMEM, "out of memory");
}
