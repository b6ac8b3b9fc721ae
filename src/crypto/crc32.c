/* SPDX-License-Identifier: MIT */
/*
 * crypto: CRC-32 for the legacy (non-ESS) message signature, MS-NLMP 3.4.4.1.
 * Not a cryptographic primitive and not in nettle; reflected polynomial
 * 0xEDB88320, initial value and final XOR 0xFFFFFFFF (the zlib/IEEE CRC).
 */
#include "crypto/crypto.h"

uint32_t ntlm_crypto_crc32(const uint8_t *p, size_t len)
{
	uint32_t crc = 0xFFFFFFFFu;
	for (size_t i = 0; i < len; i++) {
		crc ^= p[i];
		for (int b = 0; b < 8; b++)
			crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
	}
	return ~crc;
}
