/* SPDX-License-Identifier: MIT */
/*
 * `ntlm audit`: Windows events as XML (`wevtutil qe ... /f:xml`, or what
 * evtxexport writes for an .evtx file) read with libexpat, one <Event> at a
 * time, into observations (docs/audit.md "Windows events"). No DTD: a
 * document type declaration or an entity declaration is refused; no entity
 * is ever expanded. Memory is bounded: an event is at most WINXML_EVENT_MAX
 * bytes, a single XML token at most WINXML_TOKEN_MAX, and a stream with
 * no whole event in WINXML_BARREN_MAX bytes is given up.
 */
#ifndef NTLM_AUDIT_FMT_WINDOWS_H
#define NTLM_AUDIT_FMT_WINDOWS_H

#include <stdbool.h>
#include <stddef.h>

#include "audit_input.h"

#define WINXML_EVENT_MAX (64u << 10)
#define WINXML_TOKEN_MAX (1u << 20)
#define WINXML_DEPTH_MAX 32
/* Bytes with no whole <Event> in them (a decompression bomb, or not an
 * event log) before the stream is given up. */
#define WINXML_BARREN_MAX (256ull << 20)

/* Where the XML comes from: up to n bytes into buf, the count, 0 at the
 * end, -1 on an error (message in err). */
typedef long (*winxml_read_fn)(void *ctx, void *buf, size_t n, char *err, size_t err_len);

struct winxml;

/* name: how messages name the stream ("file" or "file: evtxexport output");
 * line0: lines before the stream's first byte; banner: when the stream's
 * first line starts with it, that line is not XML and is skipped (NULL:
 * none). NULL when out of memory. */
struct winxml *winxml_new(const char *name, unsigned long line0, const char *banner,
			  winxml_read_fn read, void *ctx);
void winxml_free(struct winxml *x);
/* The next NTLM event: 1 with *o filled (its strings live in x until the
 * next call), 0 at the end, -1 for an event that is refused ("name:line:
 * ..." in err; reading goes on), -2 when the XML itself is broken or
 * cannot be read (the rest of the stream is lost; further calls return 0). */
int winxml_next(struct winxml *x, struct obs *o, char *err, size_t err_len);
/* The line where the stream stopped (for messages). */
unsigned long winxml_line(const struct winxml *x);

#endif
