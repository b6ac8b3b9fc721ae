/* SPDX-License-Identifier: MIT */
/*
 * http/files.c: --root DIR. A request path is decoded and checked by
 * httpd_target_to_path() (no ".." or "." segments, no dot files, no encoded
 * '/', NUL or backslash), then opened one component at a time with
 * openat(O_NOFOLLOW) from a descriptor of the root: a symbolic link is never
 * followed, so nothing outside the root can be reached, whatever is renamed
 * in the meantime. Only regular files are served; a directory serves its
 * index.html; there are no listings.
 *
 * Small files (FILE_CACHE_MAX and under) are served from memory: the content
 * of a path is kept with the identity of the file it came from (device,
 * inode, size, modification and change times), and for FILE_CACHE_RECHECK_MS
 * after a check the path is served from memory without a system call. The
 * first request after that walks the path again exactly as above (so a link,
 * a rename, a removal or a directory put in its place is seen) and serves the
 * kept content only if the file is the same one, unchanged; otherwise it is
 * read again. What is refused (400, 403, 404) is never kept. Larger files
 * are sent from their descriptor (sendfile).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <microhttpd.h>

#include "fe.h"
#include "httpd.h"

/* Files up to this size are kept in memory, in at most FILE_CACHE_SLOTS
 * paths (a path's slot is its hash: another path with the same hash takes
 * it over), so at most 4 MiB are kept. */
#define FILE_CACHE_MAX 65536
#define FILE_CACHE_SLOTS 64u
#define FILE_CACHE_RECHECK_MS 1000

static int root_fd = -1;

/* One file's content, shared by the cache slot that keeps it and by the
 * responses that send it; freed with the last of them. */
struct fdata {
	unsigned refs; /* under C.lock */
	const char *type;
	size_t len;
	char bytes[];
};

struct fslot {
	char *rel; /* the checked relative path (the key), or NULL */
	struct fdata *data;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtim, ctim;
	int64_t checked_ms; /* fe_now_ms of the last walk that found it unchanged */
};

static struct {
	pthread_mutex_t lock;
	struct fslot slot[FILE_CACHE_SLOTS];
} C = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* Under C.lock. */
static void fdata_put_locked(struct fdata *d)
{
	if (d && --d->refs == 0)
		free(d);
}

static void fdata_release(void *cls)
{
	pthread_mutex_lock(&C.lock);
	fdata_put_locked(cls);
	pthread_mutex_unlock(&C.lock);
}

static struct fslot *slot_of(const char *rel)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)rel; *p; p++)
		h = (h ^ *p) * 16777619u;
	return &C.slot[h % FILE_CACHE_SLOTS];
}

static bool same_file(const struct fslot *s, const struct stat *st)
{
	return s->dev == st->st_dev && s->ino == st->st_ino && s->size == st->st_size &&
	       s->mtim.tv_sec == st->st_mtim.tv_sec && s->mtim.tv_nsec == st->st_mtim.tv_nsec &&
	       s->ctim.tv_sec == st->st_ctim.tv_sec && s->ctim.tv_nsec == st->st_ctim.tv_nsec;
}

/* A 200 that sends d (a reference taken under C.lock is handed over). */
static struct MHD_Response *from_memory(struct fdata *d, unsigned *status)
{
	struct MHD_Response *r = MHD_create_response_from_buffer_with_free_callback_cls(
		d->len, d->bytes, fdata_release, d);
	if (!r) {
		fdata_release(d);
		return NULL;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, d->type);
	*status = MHD_HTTP_OK;
	return r;
}

/* rel's kept content if it was checked less than FILE_CACHE_RECHECK_MS ago
 * (a reference for the caller), else NULL. */
static struct fdata *cache_fresh(const char *rel, int64_t now)
{
	struct fdata *d = NULL;
	pthread_mutex_lock(&C.lock);
	struct fslot *s = slot_of(rel);
	if (s->rel && s->data && now - s->checked_ms < FILE_CACHE_RECHECK_MS &&
	    now >= s->checked_ms && strcmp(s->rel, rel) == 0) {
		d = s->data;
		d->refs++;
	}
	pthread_mutex_unlock(&C.lock);
	return d;
}

/* The path was just walked to fd, a regular file of at most FILE_CACHE_MAX
 * bytes: its kept content if it is the same file unchanged, else the file
 * read now and kept. NULL: it could not be read whole (the caller sends it
 * from the descriptor). */
static struct fdata *cache_fill(const char *rel, int fd, const struct stat *st, const char *type,
				int64_t now)
{
	struct fdata *d = NULL;

	pthread_mutex_lock(&C.lock);
	struct fslot *s = slot_of(rel);
	if (s->rel && s->data && strcmp(s->rel, rel) == 0 && same_file(s, st) &&
	    s->data->type == type) {
		s->checked_ms = now;
		d = s->data;
		d->refs++;
	}
	pthread_mutex_unlock(&C.lock);
	if (d)
		return d;

	size_t len = (size_t)st->st_size, got = 0;
	d = malloc(sizeof(*d) + len + 1);
	char *key = strdup(rel);
	if (!d || !key)
		goto fail;
	while (got < len) {
		ssize_t n = pread(fd, d->bytes + got, len - got, (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail; /* shorter than its size: changing under us */
		got += (size_t)n;
	}
	d->len = len;
	d->type = type;
	d->refs = 2; /* the slot's and the caller's */

	pthread_mutex_lock(&C.lock);
	s = slot_of(rel);
	fdata_put_locked(s->data);
	free(s->rel);
	s->rel = key;
	s->data = d;
	s->dev = st->st_dev;
	s->ino = st->st_ino;
	s->size = st->st_size;
	s->mtim = st->st_mtim;
	s->ctim = st->st_ctim;
	s->checked_ms = now;
	pthread_mutex_unlock(&C.lock);
	return d;
fail:
	free(d);
	free(key);
	return NULL;
}

int httpd_files_open(const char *root, char *why, size_t why_len)
{
	root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0) {
		snprintf(why, why_len, "--root %s: %s", root, strerror(errno));
		return -1;
	}
	return 0;
}

void httpd_files_close(void)
{
	if (root_fd >= 0)
		close(root_fd);
	root_fd = -1;
	pthread_mutex_lock(&C.lock);
	for (unsigned i = 0; i < FILE_CACHE_SLOTS; i++) {
		fdata_put_locked(C.slot[i].data);
		free(C.slot[i].rel);
		memset(&C.slot[i], 0, sizeof(C.slot[i]));
	}
	pthread_mutex_unlock(&C.lock);
}

const char *httpd_content_type(const char *path)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{ "html", "text/html; charset=utf-8" },
		{ "htm", "text/html; charset=utf-8" },
		{ "css", "text/css; charset=utf-8" },
		{ "js", "text/javascript; charset=utf-8" },
		{ "mjs", "text/javascript; charset=utf-8" },
		{ "json", "application/json" },
		{ "txt", "text/plain; charset=utf-8" },
		{ "md", "text/markdown; charset=utf-8" },
		{ "csv", "text/csv; charset=utf-8" },
		{ "xml", "application/xml" },
		{ "svg", "image/svg+xml" },
		{ "png", "image/png" },
		{ "jpg", "image/jpeg" },
		{ "jpeg", "image/jpeg" },
		{ "gif", "image/gif" },
		{ "webp", "image/webp" },
		{ "ico", "image/vnd.microsoft.icon" },
		{ "pdf", "application/pdf" },
		{ "wasm", "application/wasm" },
		{ "woff", "font/woff" },
		{ "woff2", "font/woff2" },
		{ "zip", "application/zip" },
		{ "gz", "application/gzip" },
	};
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	const char *dot = strrchr(base, '.');

	if (dot && dot != base)
		for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
			if (strcasecmp(dot + 1, types[i].ext) == 0)
				return types[i].type;
	return "application/octet-stream";
}

/* Opens rel (checked, relative) under root without following any link.
 * Returns a descriptor or -1 with errno set. */
static int open_beneath(const char *rel)
{
	char comp[NAME_MAX + 1];
	int dir = dup(root_fd), fd = -1;
	const char *p = rel;

	if (dir < 0)
		return -1;
	if (!*p) {
		fd = dir;
		goto out;
	}
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		if (n == 0 || n > NAME_MAX) {
			errno = ENAMETOOLONG;
			goto fail;
		}
		memcpy(comp, p, n);
		comp[n] = '\0';
		int flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK;
		if (slash)
			flags |= O_DIRECTORY;
		int next = openat(dir, comp, flags);
		if (next < 0)
			goto fail;
		close(dir);
		dir = -1;
		if (!slash) {
			fd = next;
			goto out;
		}
		dir = next;
		p = slash + 1;
	}
fail:
	if (dir >= 0) {
		int e = errno;
		close(dir);
		errno = e;
	}
	return -1;
out:
	return fd;
}

static struct MHD_Response *text(const char *msg)
{
	return MHD_create_response_from_buffer(strlen(msg), (void *)msg, MHD_RESPMEM_PERSISTENT);
}

struct MHD_Response *httpd_files_response(const char *target, unsigned *status)
{
	char rel[PATH_MAX], name[PATH_MAX + 16];
	struct MHD_Response *r = NULL;
	struct stat st;
	int fd = -1, err;

	if (!httpd_target_to_path(target, rel, sizeof(rel))) {
		*status = MHD_HTTP_BAD_REQUEST;
		return text("bad request path\n");
	}
	int64_t now = fe_now_ms();
	struct fdata *d = cache_fresh(rel, now);
	if (d)
		return from_memory(d, status);
	fd = open_beneath(rel);
	if (fd < 0)
		goto not_found;
	if (fstat(fd, &st) != 0)
		goto not_found;
	snprintf(name, sizeof(name), "%s", rel);
	if (S_ISDIR(st.st_mode)) {
		int idx = openat(fd, "index.html",
				 O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);
		close(fd);
		fd = idx;
		if (fd < 0 || fstat(fd, &st) != 0)
			goto forbidden;
		snprintf(name, sizeof(name), "%s/index.html", rel);
	}
	if (!S_ISREG(st.st_mode))
		goto forbidden;
	if (st.st_size <= FILE_CACHE_MAX) {
		d = cache_fill(rel, fd, &st, httpd_content_type(name), now);
		if (d) {
			close(fd);
			return from_memory(d, status);
		}
	}
	/* Regular file: back to blocking reads for sendfile/pread. */
	int fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		(void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	r = MHD_create_response_from_fd64((uint64_t)st.st_size, fd);
	if (!r)
		goto forbidden;
	fd = -1; /* owned by the response now */
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, httpd_content_type(name));
	*status = MHD_HTTP_OK;
	return r;

forbidden:
	if (fd >= 0)
		close(fd);
	*status = MHD_HTTP_FORBIDDEN;
	return text("forbidden\n");
not_found:
	err = errno;
	if (fd >= 0)
		close(fd);
	*status = err == ELOOP || err == ENOTDIR || err == EACCES ? MHD_HTTP_FORBIDDEN
								  : MHD_HTTP_NOT_FOUND;
	return text(*status == MHD_HTTP_FORBIDDEN ? "forbidden\n" : "not found\n");
}
