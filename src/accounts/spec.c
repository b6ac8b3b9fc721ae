/* SPDX-License-Identifier: MIT */
/*
 * accounts/spec: "file:PATH, winbind" -> a chain of backends in that order
 * (docs/domain.md).
 */
#include <stdlib.h>
#include <string.h>

#include "accounts/accounts.h"
#include "accounts/verify.h"

#define SPEC_MAX 4096

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

/* One item (trimmed, NUL-terminated) -> one backend. */
static ntlm_status open_item(const char *item, bool *seen_winbind, struct ntlm_accounts **out)
{
	struct ntlm_verifier *v = NULL;

	/* public: the spec's words, not secrets */
	if (strcmp(item, "winbind") == 0) {
		if (*seen_winbind)
			return ntlm_err(NTLM_E_INVALID_ARGUMENT,
					"accounts: winbind is named twice");
		*seen_winbind = true;
		NTLM_TRY(ntlm_verifier_winbind_new(&v));
		return ntlm_accounts_from_verifier(v, out);
	}
	/* public: the spec's words */
	if (strncmp(item, "file:", 5) == 0) {
		if (!item[5])
			return ntlm_err(NTLM_E_INVALID_ARGUMENT, "accounts: file: without a path");
		return ntlm_accounts_file_open(item + 5, out);
	}
	return ntlm_err(NTLM_E_INVALID_ARGUMENT,
			"accounts: unknown backend '%.64s' (file:PATH or winbind)", item);
}

ntlm_status ntlm_accounts_spec_open(const char *spec, struct ntlm_accounts **out)
{
	struct ntlm_accounts *head = NULL, *one = NULL;
	bool seen_winbind = false;
	char buf[SPEC_MAX + 1];
	ntlm_status st = NTLM_OK;
	size_t n;

	if (out)
		*out = NULL;
	if (!spec || !out)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "accounts: NULL argument");
	n = strlen(spec);
	if (n > SPEC_MAX)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "accounts: spec longer than %d bytes",
				SPEC_MAX);
	/* A bare path, as before backends had names. */
	/* public: the spec's words */
	bool bare = n && !strchr(spec, ',') && strcmp(spec, "winbind") != 0;
	/* public: the spec's words */
	if (bare && strncmp(spec, "file:", 5) != 0)
		return ntlm_accounts_file_open(spec, out);

	memcpy(buf, spec, n + 1);
	char *p = buf;
	for (;;) {
		char *end = strchr(p, ','), *stop = end ? end : p + strlen(p);
		while (blank(*p))
			p++;
		char *q = stop;
		while (q > p && blank(q[-1]))
			q--;
		*q = '\0';
		if (!*p) {
			st = ntlm_err(NTLM_E_INVALID_ARGUMENT,
				      "accounts: empty item in '%.64s' (file:PATH or winbind)",
				      spec);
			break;
		}
		st = open_item(p, &seen_winbind, &one);
		if (st != NTLM_OK)
			break;
		if (head)
			ntlm_accounts_append(head, one);
		else
			head = one;
		one = NULL;
		if (!end)
			break;
		p = end + 1;
	}
	if (st != NTLM_OK) {
		ntlm_accounts_free(head);
		return st;
	}
	*out = head;
	return NTLM_OK;
}
