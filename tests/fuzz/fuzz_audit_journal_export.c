/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: a whole log in the `journal-export` format of `ntlm audit`
 * (tools/ntlm/audit_fmt_journal.c), read as the tool reads it
 * (fuzz_audit_reader.h: the properties checked).
 */
#include "fuzz_audit_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_reader(data, size, "journal-export");
}
