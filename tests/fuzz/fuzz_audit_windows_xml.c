/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: a stream of Windows event XML as `ntlm audit` reads it
 * (tools/ntlm/audit_fmt_windows.c: libexpat without DTD, one <Event> at a
 * time, into observations), from a memory buffer handed out in small
 * pieces. Properties checked: every call ends in 1, 0, -1 or -2; -1 and -2
 * come with a message; after -2 or 0 the stream stays ended; an observation
 * has a known direction and outcome, is terminal, and its strings are
 * NUL-terminated and valid to read; the number of observations is at most
 * the number of "<" in the input.
 */
#include <stdlib.h>
#include <string.h>

#include "audit_fmt_windows.h"

struct mem {
	const uint8_t *p;
	size_t n, off;
};

static void check(int ok)
{
	if (!ok)
		abort();
}

/* Pieces of 1 to 4096 bytes, their size taken from the data itself. */
static long from_mem(void *ctx, void *buf, size_t n, char *err, size_t err_len)
{
	struct mem *m = ctx;
	(void)err;
	(void)err_len;
	size_t left = m->n - m->off;
	size_t k = left ? 1 + (m->p[m->off] * 16u) % 4096u : 0;
	if (k > left)
		k = left;
	if (k > n)
		k = n;
	memcpy(buf, m->p + m->off, k);
	m->off += k;
	return (long)k;
}

static void str(const char *s)
{
	if (s)
		check(strlen(s) < (1u << 20));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mem m = { data, size, 0 };
	struct winxml *x = winxml_new("fuzz", 0, "banner ", from_mem, &m);
	struct obs o;
	char err[600];
	size_t lt = 0, got = 0;

	if (!x)
		return 0;
	for (size_t i = 0; i < size; i++)
		lt += data[i] == '<';
	for (;;) {
		err[0] = '\0';
		int st = winxml_next(x, &o, err, sizeof(err));
		check(st >= -2 && st <= 1);
		if (st == 0 || st == -2) {
			if (st == -2)
				check(err[0] != '\0');
			check(winxml_next(x, &o, err, sizeof(err)) == 0);
			break;
		}
		if (st == -1) {
			check(err[0] != '\0' && memchr(err, '\0', sizeof(err)));
			continue;
		}
		got++;
		check(got <= lt + 1);
		check(o.incoming == 0 || o.incoming == 1);
		check(o.outcome < OC_COUNT);
		check(o.terminal);
		const char *s[] = { o.time,	   o.target,	  o.peer,	   o.workstation,
				    o.user,	   o.domain,	  o.response_type, o.setting,
				    o.target_host, o.target_name, o.process_exe };
		for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
			str(s[i]);
	}
	winxml_free(x);
	return 0;
}
