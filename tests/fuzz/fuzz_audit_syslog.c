/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: a whole log in the `syslog` format of `ntlm audit`
 * (tools/ntlm/audit_fmt_syslog.c), its lines handed
 * straight to the format (fuzz_audit_lines.h: how, and the properties checked).
 */
#include "fuzz_audit_lines.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_lines(data, size, "syslog");
}
