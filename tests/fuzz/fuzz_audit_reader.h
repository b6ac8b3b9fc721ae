/* SPDX-License-Identifier: MIT */
/*
 * For the fuzz targets of `ntlm audit`'s log formats (fuzz_audit_<name>.c):
 * the input as a whole file (a memfd), read through the reader as `ntlm
 * audit` reads it, once with the format named and once detected.
 * Properties checked: every record handed out has NUL-terminated strings
 * of bounded length, a known outcome and direction; every refusal names
 * file:line; reading ends.
 */
#ifndef FUZZ_AUDIT_READER_H
#define FUZZ_AUDIT_READER_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "audit_input.h"

static void fuzz_check(int ok)
{
	if (!ok)
		abort();
}

static void fuzz_str(const char *s)
{
	if (s)
		fuzz_check(strnlen(s, READER_SCRATCH) < READER_SCRATCH);
}

static void fuzz_read(const char *path, const char *format)
{
	char err[600];
	struct obs o;
	struct reader *r = reader_open(path, format, err, sizeof(err));
	fuzz_check(r != NULL);
	for (int i = 0; i < 100000; i++) {
		int st = reader_next(r, &o, err, sizeof(err));
		if (st == 0 || st == -2)
			break;
		if (st < 0) {
			fuzz_check(strncmp(err, path, strlen(path)) == 0 &&
				   err[strlen(path)] == ':');
			continue;
		}
		fuzz_check(st == 1);
		const char *strs[] = { o.time,	      o.target,	     o.peer,	      o.workstation,
				       o.user,	      o.domain,	     o.response_type, o.setting,
				       o.target_host, o.target_name, o.process_exe };
		for (size_t k = 0; k < sizeof(strs) / sizeof(strs[0]); k++)
			fuzz_str(strs[k]);
		fuzz_check(o.outcome < OC_COUNT);
		fuzz_check(o.incoming == 0 || o.incoming == 1);
		fuzz_check(!o.time || strlen(o.time) <= 40);
	}
	reader_close(r);
}

/* The input as a file (a memfd): read with format named (NULL: only
 * detected), then detected. */
static int fuzz_reader(const uint8_t *data, size_t size, const char *format)
{
	char path[64];
	int fd = memfd_create("fuzz_audit", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	size_t off = 0;
	while (off < size) {
		ssize_t w = write(fd, data + off, size - off);
		if (w <= 0) {
			close(fd);
			return 0;
		}
		off += (size_t)w;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (format)
		fuzz_read(path, format);
	fuzz_read(path, NULL);
	close(fd);
	return 0;
}

static inline int fuzz_reader_detected(const uint8_t *data, size_t size)
{
	return fuzz_reader(data, size, NULL);
}

#endif
