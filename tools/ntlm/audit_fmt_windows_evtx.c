/* SPDX-License-Identifier: MIT */
/*
 * `ntlm audit`: Windows .evtx files. They are not parsed here: evtxexport
 * (libyal's libevtx, Debian package libevtx-utils) writes each record as
 * event XML, which is read by the Windows XML reader (audit_fmt_windows.c).
 * The child runs without a shell (posix_spawnp with an argument vector),
 * its stderr is ours, and a non-zero exit is an error. Control characters
 * in its output (it writes some binary values raw) become '?'. A gzip-compressed
 * .evtx is decompressed into an unlinked temporary file first (evtxexport
 * seeks in its input), at most EVTX_MAX bytes.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audit_fmt_windows.h"

#define EVTXEXPORT "evtxexport"
#define EVTX_PACKAGE "libevtx-utils"
#define EVTX_MAX (4ull << 30)

extern char **environ;

struct evtx {
	pid_t pid;
	int fd, tmp;
	struct winxml *x;
};

static long from_pipe(void *ctx, void *buf, size_t n, char *err, size_t err_len)
{
	struct evtx *e = ctx;
	for (;;) {
		ssize_t k = read(e->fd, buf, n);
		if (k >= 0) {
			/* evtxexport writes control characters of some values (binary
			 * data in a string) as they are, which XML 1.0 does not allow */
			unsigned char *u = buf;
			for (ssize_t i = 0; i < k; i++)
				if (u[i] < 0x20 && u[i] != '\t' && u[i] != '\n' && u[i] != '\r')
					u[i] = '?';
			return (long)k;
		}
		if (errno != EINTR) {
			snprintf(err, err_len, EVTXEXPORT ": reading its output: %s",
				 strerror(errno));
			return -1;
		}
	}
}

static bool is_gzip(const char *path)
{
	unsigned char m[2];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, m, 2);
	close(fd);
	return n == 2 && m[0] == 0x1f && m[1] == 0x8b;
}

/* The decompressed file into an unlinked temporary file: its fd, or -1. */
static int decompress(struct reader *r, char *err, size_t err_len)
{
	const char *dir = getenv("TMPDIR");
	char name[4200];
	snprintf(name, sizeof(name), "%s/ntlm-audit-evtx-XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(name);
	if (fd < 0) {
		snprintf(err, err_len, "%s: a temporary file for the decompressed .evtx: %s",
			 reader_path(r), strerror(errno));
		return -1;
	}
	unlink(name);
	char *buf = malloc(1u << 20);
	unsigned long long total = 0;
	long n;
	while (buf && (n = reader_read(r, buf, 1u << 20, err, err_len)) > 0) {
		total += (unsigned long long)n;
		if (total > EVTX_MAX) {
			snprintf(err, err_len, "%s: more than %llu bytes once decompressed",
				 reader_path(r), EVTX_MAX);
			n = -1;
			break;
		}
		for (long off = 0; off < n;) {
			ssize_t w = write(fd, buf + off, (size_t)(n - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				snprintf(err, err_len, "%s: writing the decompressed .evtx: %s",
					 reader_path(r), strerror(errno));
				free(buf);
				close(fd);
				return -1;
			}
			off += w;
		}
	}
	if (!buf || n < 0) {
		if (!buf)
			snprintf(err, err_len, "%s: out of memory", reader_path(r));
		free(buf);
		close(fd);
		return -1;
	}
	free(buf);
	return fd;
}

static struct evtx *start(struct reader *r, char *err, size_t err_len)
{
	const char *path = reader_path(r);
	char arg[4200], name[4300];
	int p[2] = { -1, -1 };
	struct evtx *e = calloc(1, sizeof(*e));

	if (!e) {
		snprintf(err, err_len, "%s: out of memory", path);
		return NULL;
	}
	e->pid = -1;
	e->fd = e->tmp = -1;
	if (is_gzip(path)) {
		if ((e->tmp = decompress(r, err, err_len)) < 0) {
			free(e);
			return NULL;
		}
		snprintf(arg, sizeof(arg), "/dev/fd/%d", e->tmp);
	} else {
		/* a name that starts with '-' is not an option */
		snprintf(arg, sizeof(arg), "%s%s", path[0] == '-' ? "./" : "", path);
	}
	posix_spawn_file_actions_t fa;
	char *argv[] = { EVTXEXPORT, "-f", "xml", arg, NULL };
	int rc = pipe2(p, O_CLOEXEC);
	if (rc == 0) {
		posix_spawn_file_actions_init(&fa);
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
		posix_spawn_file_actions_adddup2(&fa, p[1], 1);
		rc = posix_spawnp(&e->pid, EVTXEXPORT, &fa, NULL, argv, environ);
		posix_spawn_file_actions_destroy(&fa);
		close(p[1]);
	} else {
		rc = errno;
	}
	if (rc != 0) {
		if (rc == ENOENT)
			snprintf(err, err_len,
				 "%s: .evtx files are read through " EVTXEXPORT
				 ", which is not installed (Debian package " EVTX_PACKAGE ")",
				 path);
		else
			snprintf(err, err_len, "%s: running " EVTXEXPORT ": %s", path,
				 strerror(rc));
		if (p[0] >= 0)
			close(p[0]);
		if (e->tmp >= 0)
			close(e->tmp);
		free(e);
		return NULL;
	}
	e->fd = p[0];
	snprintf(name, sizeof(name), "%s (" EVTXEXPORT " output)", path);
	e->x = winxml_new(name, 0, EVTXEXPORT " ", from_pipe, e);
	if (!e->x)
		snprintf(err, err_len, "%s: out of memory", path);
	return e;
}

/* Waits for the child: 0 when it exited with 0, else -2 and a message. */
static int finish(struct evtx *e, const char *path, bool kill_it, char *err, size_t err_len)
{
	int status = 0;
	if (e->fd >= 0) {
		close(e->fd);
		e->fd = -1;
	}
	if (e->pid <= 0)
		return 0;
	if (kill_it)
		kill(e->pid, SIGTERM);
	while (waitpid(e->pid, &status, 0) < 0 && errno == EINTR)
		;
	e->pid = -1;
	if (kill_it)
		return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		snprintf(err, err_len, "%s: " EVTXEXPORT " exited with status %d", path,
			 WEXITSTATUS(status));
	else
		snprintf(err, err_len, "%s: " EVTXEXPORT " was killed by signal %d", path,
			 WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	return -2;
}

static void stop(struct evtx *e)
{
	if (!e)
		return;
	finish(e, "", true, NULL, 0);
	if (e->tmp >= 0)
		close(e->tmp);
	winxml_free(e->x);
	free(e);
}

static bool evtx_sniff(const char *p, size_t n)
{
	return n >= 8 && memcmp(p, "ElfFile\0", 8) == 0;
}

static int evtx_next(struct reader *r, struct obs *o, char *err, size_t err_len)
{
	void **state = reader_state(r);
	struct evtx *e = *state;

	if (!e) {
		if (!(e = start(r, err, err_len)))
			return -2;
		*state = e;
		if (!e->x)
			return -2;
	}
	if (!e->x)
		return 0;
	int st = winxml_next(e->x, o, err, err_len);
	if (st == 0)
		return finish(e, reader_path(r), false, err, err_len);
	if (st == -2) {
		finish(e, reader_path(r), true, NULL, 0);
		winxml_free(e->x);
		e->x = NULL;
	}
	return st;
}

static void evtx_close(struct reader *r)
{
	void **state = reader_state(r);
	stop(*state);
	*state = NULL;
}

const struct input_format audit_format_windows_evtx = {
	.name = "windows-evtx",
	.sniff = evtx_sniff,
	.next = evtx_next,
	.close = evtx_close,
};
