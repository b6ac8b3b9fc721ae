/* SPDX-License-Identifier: MIT */
/*
 * For the fuzz targets of `ntlm audit`'s line formats (syslog, journal-json,
 * zeek-ntlm, zeek-ntlm-json, samba-json): the input's lines handed straight
 * to the format's sniff and line functions, as the reader hands them (no
 * newline, blank lines skipped, at most 64 KiB), with no file and no
 * inflating in between: thousands of runs a second where the whole reader
 * (fuzz_audit_reader.h, fuzz_audit_reader.c) gives tens. The format's state
 * is dropped after each input. Properties checked: the line function says
 * 1, 0 or -1; a refusal says why; every record handed out has NUL-terminated
 * strings of bounded length, a known outcome and direction.
 */
#ifndef FUZZ_AUDIT_LINES_H
#define FUZZ_AUDIT_LINES_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_input.h"

static void fuzz_lines_check(int ok)
{
	if (!ok)
		abort();
}

static void fuzz_lines_obs(const struct obs *o)
{
	const char *strs[] = { o->time,	       o->target,      o->peer,		 o->workstation,
			       o->user,	       o->domain,      o->response_type, o->setting,
			       o->target_host, o->target_name, o->process_exe };
	for (size_t k = 0; k < sizeof(strs) / sizeof(strs[0]); k++)
		if (strs[k])
			fuzz_lines_check(strnlen(strs[k], READER_SCRATCH) < READER_SCRATCH);
	fuzz_lines_check(o->outcome < OC_COUNT);
	fuzz_lines_check(o->incoming == 0 || o->incoming == 1);
	fuzz_lines_check(!o->time || strlen(o->time) <= 40);
}

static int fuzz_lines(const uint8_t *data, size_t size, const char *format)
{
	/* a reader only for its scratch memory and the format's state */
	static struct reader *r;
	static const struct input_format *f;
	char err[300], why[200];
	struct obs o;

	if (!r) {
		for (size_t i = 0; audit_input_formats[i]; i++)
			if (strcmp(audit_input_formats[i]->name, format) == 0)
				f = audit_input_formats[i];
		r = reader_open("/dev/null", format, err, sizeof(err));
		fuzz_lines_check(f && f->line && r);
	}
	const char *p = (const char *)data, *end = p + size;
	bool first = true;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		size_t k = 0;
		while (k < n && (p[k] == ' ' || p[k] == '\t' || p[k] == '\r'))
			k++;
		if (k < n && n <= 65536) {
			if (first)
				(void)f->sniff(p, n);
			first = false;
			memset(why, 0, sizeof(why));
			int st = f->line(r, p, n, &o, why, sizeof(why));
			fuzz_lines_check(st >= -1 && st <= 1);
			if (st < 0)
				fuzz_lines_check(why[0] != '\0' && memchr(why, '\0', sizeof(why)));
			if (st == 1)
				fuzz_lines_obs(&o);
		}
		p += n + (nl ? 1 : 0);
	}
	if (f->close)
		f->close(r);
	return 0;
}

#endif
