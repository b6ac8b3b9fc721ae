/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the .reg loader. Input: one byte (bit 0: UTF-16LE with a
 * byte-order mark, as regedit writes it; else UTF-8; bit 1: the REGEDIT4
 * header, else "Windows Registry Editor Version 5.00"), then the rest of the
 * file, which is put after that header line so the loader always takes it as
 * a .reg file. Checks: fuzz_policy.h.
 */
#include "fuzz_policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *line;
	uint8_t *buf;
	size_t n, o = 0;
	bool utf16;

	if (size < 1)
		return 0;
	utf16 = data[0] & 1;
	line = (data[0] & 2) ? "REGEDIT4\r\n" : "Windows Registry Editor Version 5.00\r\n";
	n = strlen(line);
	buf = malloc(2 + 2 * n + size - 1);
	if (!buf)
		return 0;
	if (utf16) {
		buf[o++] = 0xff;
		buf[o++] = 0xfe;
		for (size_t i = 0; i < n; i++) {
			buf[o++] = (uint8_t)line[i];
			buf[o++] = 0;
		}
	} else {
		memcpy(buf, line, n);
		o = n;
	}
	memcpy(buf + o, data + 1, size - 1);
	fz_policy_load_check(buf, o + size - 1);
	free(buf);
	return 0;
}
