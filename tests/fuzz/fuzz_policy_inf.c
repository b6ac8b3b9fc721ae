/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the security template INF loader. Input: one byte (bit 0:
 * UTF-16LE with a byte-order mark, as secedit writes it; else UTF-8), then
 * the rest of the file, which is put after a "[Version]" line so the loader
 * always takes it as an INF. Checks: fuzz_policy.h.
 */
#include "fuzz_policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char head8[] = "[Version]\r\n";
	static const uint8_t head16[] = { 0xff, 0xfe, '[', 0, 'V', 0, 'e', 0, 'r',  0, 's',  0,
					  'i',	0,    'o', 0, 'n', 0, ']', 0, '\r', 0, '\n', 0 };
	const uint8_t *head;
	size_t hlen;
	uint8_t *buf;

	if (size < 1)
		return 0;
	if (data[0] & 1) {
		head = head16;
		hlen = sizeof(head16);
	} else {
		head = (const uint8_t *)head8;
		hlen = sizeof(head8) - 1;
	}
	buf = malloc(hlen + size - 1);
	if (!buf)
		return 0;
	memcpy(buf, head, hlen);
	memcpy(buf + hlen, data + 1, size - 1);
	fz_policy_load_check(buf, hlen + size - 1);
	free(buf);
	return 0;
}
