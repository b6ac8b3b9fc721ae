/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: a whole log as `ntlm audit` reads a file: through zlib (so a
 * gzip input is inflated), its format detected from the first bytes, then
 * read by that format (fuzz_audit_reader.h: the properties checked). The
 * line formats' own targets skip the file; this one keeps the path a file
 * takes.
 */
#include "fuzz_audit_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_reader_detected(data, size);
}
