/* SPDX-License-Identifier: MIT */
/*
 * policy: a policy's identity for audit records: a hash of its effective
 * settings (the native config it renders to, less the comment lines and the
 * Profile line, so two policies that decide alike hash alike whatever their
 * files) and a summary of where its values came from.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"

/* FNV-1a, 64 bits: an identity, not a secret (nothing here is one). */
static uint64_t fnv1a(uint64_t h, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

static ntlm_status work_out(const struct ntlm_policy *p, char *hash, size_t hash_len, char *source,
			    size_t source_len)
{
	char *text = malloc(NTLM_POLICY_TEXT_MAX);
	uint64_t h = 0xcbf29ce484222325ull;

	if (hash_len)
		hash[0] = '\0';
	if (source_len)
		source[0] = '\0';
	if (!text)
		return ntlm_err(NTLM_E_NOMEM, "out of memory");
	ntlm_status st = ntlm_policy_write_native(p, text, NTLM_POLICY_TEXT_MAX);
	if (st != NTLM_OK) {
		free(text);
		return st;
	}
	for (const char *l = text; *l;) {
		const char *nl = strchr(l, '\n');
		size_t n = nl ? (size_t)(nl - l) : strlen(l);
		if (n && l[0] != '#' && strncmp(l, "Profile =", 9) != 0)
			h = fnv1a(h, l, n + (nl != NULL));
		l += n + (nl != NULL);
	}
	free(text);
	if (hash_len)
		snprintf(hash, hash_len, "%016llx", (unsigned long long)h);

	/* "profile cis", then each file that set a value, once, in setting order. */
	if (source_len) {
		size_t used = 0;
		int n = snprintf(source, source_len, "profile %s", p->profile);
		used = n > 0 ? (size_t)n : 0;
		for (unsigned i = 0; i < NTLM_SET_COUNT && used < source_len; i++) {
			const char *f = p->source[i].file;
			bool seen = !f[0];
			for (unsigned j = 0; j < i && !seen; j++)
				seen = strcmp(p->source[j].file, f) == 0;
			if (seen)
				continue;
			n = snprintf(source + used, source_len - used, ", %s", f);
			if (n < 0 || (size_t)n >= source_len - used) {
				source[used] = '\0'; /* whole names only */
				break;
			}
			used += (size_t)n;
		}
	}
	return NTLM_OK;
}

void ntlm_policy_identity_forget(struct ntlm_policy *p)
{
	atomic_store_explicit(&p->id_state, 0, memory_order_release);
}

ntlm_status ntlm_policy_identity(const struct ntlm_policy *p, char *hash, size_t hash_len,
				 char *source, size_t source_len)
{
	/* The kept answer serves callers whose buffers hold it whole (a shorter
	 * source is cut at whole names, as work_out cuts it). The policy is
	 * const to its users: only these kept fields are written, once, by the
	 * thread that moves id_state from 0 to 1; the others read them after
	 * seeing 2. */
	struct ntlm_policy *kept = (struct ntlm_policy *)p;
	bool whole = hash_len >= sizeof(p->id_hash) && source_len >= sizeof(p->id_source);
	if (!whole)
		return work_out(p, hash, hash_len, source, source_len);
	if (atomic_load_explicit(&kept->id_state, memory_order_acquire) != 2) {
		ntlm_status st = work_out(p, hash, hash_len, source, source_len);
		unsigned empty = 0;
		if (st == NTLM_OK && atomic_compare_exchange_strong_explicit(
					     &kept->id_state, &empty, 1, memory_order_acquire,
					     memory_order_relaxed)) {
			memcpy(kept->id_hash, hash, sizeof(kept->id_hash));
			memcpy(kept->id_source, source, sizeof(kept->id_source));
			atomic_store_explicit(&kept->id_state, 2, memory_order_release);
		}
		return st;
	}
	memcpy(hash, p->id_hash, sizeof(p->id_hash));
	memcpy(source, p->id_source, sizeof(p->id_source));
	return NTLM_OK;
}
