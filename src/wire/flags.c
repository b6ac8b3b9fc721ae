/* SPDX-License-Identifier: MIT */
/*
 * wire: NegotiateFlags names, MS-NLMP 2.2.2.5. One row per bit, bit 0 first;
 * reserved bits (r1..r10) have no name and are printed as hex. And the one
 * formatter of a flag set, ntlm_buf_flags(), used by the audit events, the
 * token description, `ntlm server`, and `ntlm httpd`.
 */
#include "text/text.h"
#include "wire/wire.h"

/* Indexed by bit number; a static check below ties each row to its macro. */
static const char *const names[32] = {
	[0] = "NTLMSSP_NEGOTIATE_UNICODE", /* A */
	[1] = "NTLM_NEGOTIATE_OEM",	   /* B */
	[2] = "NTLMSSP_REQUEST_TARGET",	   /* C */
	/* [3] 0x00000008 r10: reserved */
	[4] = "NTLMSSP_NEGOTIATE_SIGN",	    /* D */
	[5] = "NTLMSSP_NEGOTIATE_SEAL",	    /* E */
	[6] = "NTLMSSP_NEGOTIATE_DATAGRAM", /* F */
	[7] = "NTLMSSP_NEGOTIATE_LM_KEY",   /* G */
	/* [8] 0x00000100 r9: reserved */
	[9] = "NTLMSSP_NEGOTIATE_NTLM", /* H */
	/* [10] 0x00000400 r8: reserved */
	[11] = "NTLMSSP_ANONYMOUS",			     /* J */
	[12] = "NTLMSSP_NEGOTIATE_OEM_DOMAIN_SUPPLIED",	     /* K */
	[13] = "NTLMSSP_NEGOTIATE_OEM_WORKSTATION_SUPPLIED", /* L */
	/* [14] 0x00004000 r7: reserved */
	[15] = "NTLMSSP_NEGOTIATE_ALWAYS_SIGN", /* M */
	[16] = "NTLMSSP_TARGET_TYPE_DOMAIN",	/* N */
	[17] = "NTLMSSP_TARGET_TYPE_SERVER",	/* O */
	/* [18] 0x00040000 r6: reserved */
	[19] = "NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY", /* P */
	[20] = "NTLMSSP_NEGOTIATE_IDENTIFY",		     /* Q */
	/* [21] 0x00200000 r5: reserved */
	[22] = "NTLMSSP_REQUEST_NON_NT_SESSION_KEY", /* R */
	[23] = "NTLMSSP_NEGOTIATE_TARGET_INFO",	     /* S */
	/* [24] 0x01000000 r4: reserved */
	[25] = "NTLMSSP_NEGOTIATE_VERSION", /* T */
	/* [26] 0x04000000 r3: reserved */
	/* [27] 0x08000000 r2: reserved */
	/* [28] 0x10000000 r1: reserved */
	[29] = "NTLMSSP_NEGOTIATE_128",	     /* U */
	[30] = "NTLMSSP_NEGOTIATE_KEY_EXCH", /* V */
	[31] = "NTLMSSP_NEGOTIATE_56",	     /* W */
};

_Static_assert(NTLMSSP_NEGOTIATE_UNICODE == 1u << 0, "flag table row");
_Static_assert(NTLM_NEGOTIATE_OEM == 1u << 1, "flag table row");
_Static_assert(NTLMSSP_REQUEST_TARGET == 1u << 2, "flag table row");
_Static_assert(NTLMSSP_NEGOTIATE_SIGN == 1u << 4, "flag table row");
_Static_assert(NTLMSSP_NEGOTIATE_SEAL == 1u << 5, "flag table row");
_Static_assert(NTLMSSP_NEGOTIATE_DATAGRAM == 1u << 6, "flag table row");
_Static_assert(NTLMSSP_NEGOTIATE_LM_KEY == 1u << 7, "flag table row");
_Static_assert(NTLMSSP_NEGOTIATE_NTLM == 1u << 9, "flag table row");
_Static_assert(NTLMSSP_ANONYMOUS == 1u << 11, "flag table row");
_Static_assert(NTLMSSP_NEGOTIATE_OEM_DOMAIN_SUPPLIED == 1u << 12, "flag table row");
_Static_assert(NTLMSSP_NEGOTIATE_OEM_WORKSTATION_SUPPLIED == 1u << 13, "flag table row");
_Static_assert(NTLMSSP_NEGOTIATE_ALWAYS_SIGN == 1u << 15, "flag table row");
_Static_assert(NTLMSSP_TARGET_TYPE_DOMAIN == 1u << 16, "flag table row");
_Static_assert(NTLMSSP_TARGET_TYPE_SERVER == 1u << 17, "flag table row");
_Static_assert(NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY == 1u << 19, "flag table row");
_Static_assert(NTLMSSP_NEGOTIATE_IDENTIFY == 1u << 20, "flag table row");
_Static_assert(NTLMSSP_REQUEST_NON_NT_SESSION_KEY == 1u << 22, "flag table row");
_Static_assert(NTLMSSP_NEGOTIATE_TARGET_INFO == 1u << 23, "flag table row");
_Static_assert(NTLMSSP_NEGOTIATE_VERSION == 1u << 25, "flag table row");
_Static_assert(NTLMSSP_NEGOTIATE_128 == 1u << 29, "flag table row");
_Static_assert(NTLMSSP_NEGOTIATE_KEY_EXCH == 1u << 30, "flag table row");
_Static_assert(NTLMSSP_NEGOTIATE_56 == 1u << 31, "flag table row");

const char *ntlm_wire_flag_name(uint32_t bit)
{
	if (bit == 0 || (bit & (bit - 1)) != 0)
		return NULL; /* not exactly one bit */
	return names[__builtin_ctz(bit)];
}

uint32_t ntlm_wire_flags_reserved(uint32_t flags)
{
	uint32_t r = 0;

	for (unsigned i = 0; i < 32; i++)
		if (!names[i])
			r |= 1u << i;
	return flags & r;
}

/* The one flag-set formatter (public: include/ntlmssp/unstable.h). */
void ntlm_buf_flags(struct ntlm_buf *b, uint32_t flags, unsigned format)
{
	bool json = format == NTLM_FLAGS_JSON, first = true;

	if (json)
		ntlm_buf_put(b, "[", 1);
	for (unsigned i = 0; i < 32; i++) {
		uint32_t bit = 1u << i;
		if (!(flags & bit))
			continue;
		if (!first)
			ntlm_buf_put(b, json ? "," : "|", 1);
		first = false;
		if (names[i] && json)
			ntlm_buf_printf(b, "\"%s\"", names[i]);
		else if (names[i])
			ntlm_buf_puts(b, names[i]);
		else
			ntlm_buf_printf(b, json ? "\"0x%08x\"" : "0x%08x", bit);
	}
	if (json)
		ntlm_buf_put(b, "]", 1);
}
