/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the account store file loader (docs/accounts.md). The input
 * is the file; it is opened through a memfd, as a path, so the whole loader
 * runs (read, parse, sort, duplicate check). Checked: the text checker
 * agrees with the loader; an error names the file; every entry line of a
 * file that loads can be looked up, with the hash written on it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "accounts/accounts.h"
#include "ntlmssp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
	if (!ok)
		abort();
}

static void lookups(struct ntlm_accounts *s, const uint8_t *data, size_t size)
{
	size_t pos = 0;

	if (size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		pos = 3;
	while (pos < size) {
		const char *p = (const char *)data + pos, *nl = memchr(p, '\n', size - pos);
		size_t n = nl ? (size_t)(nl - p) : size - pos;
		struct ntlm_accounts_entry e;
		struct ntlm_account a;
		bool is_entry = false;

		pos += n + (nl != NULL);
		check(ntlm_accounts_parse_line(p, n, &is_entry, &e) == NTLM_OK);
		if (!is_entry)
			continue;
		check(ntlm_accounts_lookup(s, e.acct.domain, e.acct.user, &a) == NTLM_OK);
		check(memcmp(a.nt_hash, e.acct.nt_hash, 16) == 0);
		ntlm_account_clear(&a);
		/* the names upper-cased, as a client may send them */
		ntlm_status up = ntlm_accounts_lookup(s, e.domain_key, e.user_key, &a);
		check(up == NTLM_OK || up == NTLM_E_NO_SUCH_USER);
		ntlm_account_clear(&a);
		ntlm_accounts_entry_clear(&e);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ntlm_accounts *s = NULL;
	struct ntlm_account a;
	char path[64];
	ntlm_status st, st2;
	int fd;

	fd = memfd_create("fuzz-accounts", 0);
	if (fd < 0)
		return 0;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	st = ntlm_accounts_file_open(path, &s);
	close(fd);
	st2 = ntlm_accounts_check_text("x", (const char *)data, size);
	check((st == NTLM_OK) == (st2 == NTLM_OK));
	if (st != NTLM_OK) {
		check(s == NULL);
		check(st == NTLM_E_ACCOUNTS_FILE || st == NTLM_E_NOMEM);
		check(st == NTLM_E_NOMEM || strncmp(ntlm_error_message(), "x:", 2) == 0);
		return 0;
	}
	lookups(s, data, size);
	check(ntlm_accounts_lookup(s, "", "", &a) != NTLM_OK);
	ntlm_accounts_free(s);
	return 0;
}
