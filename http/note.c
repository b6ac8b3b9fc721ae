/* SPDX-License-Identifier: MIT */
/*
 * http/note.c: audit records for refusals that happen in the HTTP layer,
 * where the library never gets to see a token it could judge (an
 * AUTHENTICATE on a connection that holds no handshake; one that comes
 * after the handshake timeout). The record has the library's JSON Lines
 * shape (docs/audit-events.md) so one reader handles both, and goes to the
 * same file in one O_APPEND write, so lines never interleave.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "httpd.h"

static int note_fd = -1;

int httpd_note_open(const char *path, char *why, size_t why_len)
{
	if (!path) {
		note_fd = STDERR_FILENO;
		return 0;
	}
	note_fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (note_fd < 0) {
		snprintf(why, why_len, "--audit %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

void httpd_note_close(void)
{
	if (note_fd > STDERR_FILENO)
		close(note_fd);
	note_fd = -1;
}

void httpd_note(uint32_t id, const char *name, const char *target, const char *peer,
		const char *reason)
{
	struct ntlm_buf b = { 0 };
	struct timespec ts;
	struct tm tm;
	char when[64];

	if (note_fd < 0)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	size_t n = strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(when + n, sizeof(when) - n, ".%06ldZ", ts.tv_nsec / 1000);

	ntlm_buf_printf(&b, "{\"event\":%u,\"name\":", (unsigned)id);
	ntlm_buf_json(&b, name);
	ntlm_buf_printf(&b,
			",\"time\":\"%s\",\"pid\":%ld,\"severity\":\"warning\","
			"\"direction\":\"incoming\",\"outcome\":\"failed\",\"target\":",
			when, (long)getpid());
	ntlm_buf_json(&b, target);
	ntlm_buf_puts(&b, ",\"peer\":");
	ntlm_buf_json(&b, peer);
	ntlm_buf_puts(&b, ",\"workstation\":\"\",\"user\":\"\",\"domain\":\"\","
			  "\"flags\":\"0x00000000\",\"flag_names\":[],\"response_type\":null,"
			  "\"setting\":\"\",\"reason\":");
	ntlm_buf_json(&b, reason);
	ntlm_buf_puts(&b, ",\"missing\":\"0x00000000\",\"missing_names\":[],"
			  "\"insecure\":false,\"source\":\"httpd\"}\n");
	if (b.err == NTLM_OK) {
		ssize_t w;
		do
			w = write(note_fd, b.p, b.len);
		while (w < 0 && errno == EINTR);
	}
	ntlm_buf_free(&b);
}
