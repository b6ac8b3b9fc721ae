/* SPDX-License-Identifier: MIT */
/* The run-time version: the NTLMSSP_VERSION this library was built with. */
#include "internal.h"

const char *ntlm_version(void)
{
	return NTLMSSP_VERSION;
}
