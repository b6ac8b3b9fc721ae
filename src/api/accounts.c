/* SPDX-License-Identifier: MIT */
/*
 * api/accounts.c: the public functions of include/ntlmssp/unstable.h
 * that edit an account store file (`ntlm accounts`). Thin wrappers over the
 * accounts layer's editor (src/accounts/store_edit.c).
 */
#include "accounts/accounts.h"
#include "ntlmssp/unstable.h"

ntlm_status ntlm_accounts_add(const char *path, const char *domain, const char *user,
			      const uint8_t nt_hash[16], unsigned flags)
{
	ntlm_err_clear();
	if (!path || !domain || !user || !nt_hash)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "ntlm_accounts_add: NULL argument");
	if (flags & ~NTLM_ACCOUNTS_REPLACE)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "ntlm_accounts_add: unknown flags 0x%x",
				flags & ~NTLM_ACCOUNTS_REPLACE);
	return ntlm_accounts_edit_add(path, domain, user, nt_hash,
				      (flags & NTLM_ACCOUNTS_REPLACE) ? NTLM_ACCOUNTS_EDIT_REPLACE
								      : 0);
}

ntlm_status ntlm_accounts_remove(const char *path, const char *domain, const char *user)
{
	ntlm_err_clear();
	if (!path || !domain || !user)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "ntlm_accounts_remove: NULL argument");
	return ntlm_accounts_edit_remove(path, domain, user);
}

ntlm_status ntlm_accounts_list(const char *path, char **out, size_t *count)
{
	ntlm_err_clear();
	if (!path || !out || !count)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "ntlm_accounts_list: NULL argument");
	return ntlm_accounts_edit_list(path, out, count);
}
