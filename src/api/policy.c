/* SPDX-License-Identifier: MIT */
/*
 * api/policy.c: the public policy functions of
 * include/ntlmssp/unstable.h behind `ntlm policy`: rendering a policy as text
 * (show, dump, native config) and loading files with every error reported.
 * Thin wrappers over the policy layer; they only size the buffers.
 */
#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"
#include "ntlmssp/unstable.h"

/* Rendered text is far below this; the limit only stops a runaway loop. */
#define RENDER_MAX (1u << 20)
/* Error text beyond this is cut, with a last line "... and N more errors". */
#define ERRORS_MAX (16u << 20)

ntlm_status ntlm_policy_render(const struct ntlm_policy *p, unsigned format, char **out)
{
	size_t cap = NTLM_POLICY_TEXT_MAX;
	ntlm_status st;
	char *buf;

	ntlm_err_clear();
	if (!out)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "ntlm_policy_render: out is NULL");
	*out = NULL;
	if (!p || format > NTLM_POLICY_TEXT_NATIVE)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "ntlm_policy_render: bad argument");
	for (;;) {
		buf = malloc(cap);
		if (!buf)
			return ntlm_err(NTLM_E_NOMEM, "out of memory");
		switch (format) {
		case NTLM_POLICY_TEXT_SHOW:
			st = ntlm_policy_show(p, buf, cap);
			break;
		case NTLM_POLICY_TEXT_DUMP:
			st = ntlm_policy_dump(p, buf, cap);
			break;
		default:
			st = ntlm_policy_write_native(p, buf, cap);
			break;
		}
		if (st != NTLM_E_BUFFER_TOO_SMALL || cap >= RENDER_MAX)
			break;
		free(buf);
		cap *= 2;
	}
	if (st != NTLM_OK) {
		free(buf);
		return st;
	}
	ntlm_err_clear();
	*out = buf;
	return NTLM_OK;
}

ntlm_status ntlm_policy_check_files(const char *profile, const char *const *paths, size_t n,
				    struct ntlm_policy **out, char **errors, size_t *n_errors)
{
	struct ntlm_policy_load_report rep = { 0, 0 };
	struct ntlm_policy *p = NULL;
	size_t cap = 65536;
	char *buf = NULL;
	ntlm_status st;

	ntlm_err_clear();
	if (out)
		*out = NULL;
	if (errors)
		*errors = NULL;
	if (n_errors)
		*n_errors = 0;
	if (n && !paths)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "ntlm_policy_check_files: paths is NULL");
	for (size_t i = 0; i < n; i++)
		if (!paths[i])
			return ntlm_err(NTLM_E_INVALID_ARGUMENT,
					"ntlm_policy_check_files: a path is NULL");
	p = malloc(sizeof(*p));
	if (!p)
		return ntlm_err(NTLM_E_NOMEM, "out of memory");
	/* Load again with a larger buffer until no error is left out. */
	for (;;) {
		buf = malloc(cap);
		if (!buf) {
			st = ntlm_err(NTLM_E_NOMEM, "out of memory");
			goto fail;
		}
		st = ntlm_policy_load_files_report(profile, paths, n, p, buf, cap, &rep);
		if (st == NTLM_OK || rep.n_dropped == 0 || cap >= ERRORS_MAX)
			break;
		free(buf);
		buf = NULL;
		cap *= 2;
	}
	if (n_errors)
		*n_errors = st == NTLM_OK ? 0 : rep.n_errors;
	if (st != NTLM_OK) {
		if (errors) {
			*errors = buf;
			buf = NULL;
		}
		goto fail;
	}
	free(buf);
	if (out)
		*out = p;
	else
		free(p);
	return NTLM_OK;
fail:
	free(buf);
	free(p);
	return st;
}

ntlm_status ntlm_policy_check_file(const char *path, struct ntlm_policy **out, char **errors,
				   size_t *n_errors)
{
	if (!path) {
		ntlm_err_clear();
		if (out)
			*out = NULL;
		if (errors)
			*errors = NULL;
		if (n_errors)
			*n_errors = 0;
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "ntlm_policy_check_file: path is NULL");
	}
	return ntlm_policy_check_files(NULL, &path, 1, out, errors, n_errors);
}
