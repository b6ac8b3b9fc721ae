/* SPDX-License-Identifier: MIT */
/*
 * bytes: hex digits, the one place that turns '0'-'9', 'a'-'f' and 'A'-'F'
 * into their values (policy numbers, account NT hashes, test vectors).
 */
#ifndef NTLM_BYTES_HEX_H
#define NTLM_BYTES_HEX_H

/* The value 0..15 of an ASCII hex digit (either case); -1 for anything
 * else, including bytes >= 0x80 and EOF. */
int ntlm_bytes_hex_digit(int c);

#endif
