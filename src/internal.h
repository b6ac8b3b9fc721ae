/* SPDX-License-Identifier: MIT */
/*
 * Internal helpers shared by every layer: the error convention, visibility,
 * ARRAY_SIZE. No layer logic lives here.
 */
#ifndef NTLM_INTERNAL_H
#define NTLM_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ntlmssp.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Every internal function that can fail is declared with this. */
#define NTLM_RESULT __attribute__((warn_unused_result)) ntlm_status

/*
 * Records a one-line detail for ntlm_error_message() on this thread and
 * returns st, so a failure site reads:
 *     return ntlm_err(NTLM_E_AV_NO_EOL, "TargetInfo: no MsvAvEOL");
 */
ntlm_status ntlm_err(ntlm_status st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Clears the thread's error detail (called by public entry points). */
void ntlm_err_clear(void);

/* Propagate a failure unchanged. */
#define NTLM_TRY(expr)                        \
	do {                                  \
		ntlm_status try_st_ = (expr); \
		if (try_st_ != NTLM_OK)       \
			return try_st_;       \
	} while (0)

/* Propagate into a local `st` and jump to a cleanup label. */
#define NTLM_TRY_GOTO(st, expr, label) \
	do {                           \
		(st) = (expr);         \
		if ((st) != NTLM_OK)   \
			goto label;    \
	} while (0)

/* A borrowed, read-only view of bytes inside some larger buffer. */
struct ntlm_slice {
	const uint8_t *p; /* borrowed; may be NULL when len == 0 */
	size_t len;
};

#endif
