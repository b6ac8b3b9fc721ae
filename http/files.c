/* SPDX-License-Identifier: MIT */
/*
 * http/files.c: --root DIR. A request path is decoded and checked by
 * httpd_target_to_path() (no ".." or "." segments, no dot files, no encoded
 * '/', NUL or backslash), then opened one component at a time with
 * openat(O_NOFOLLOW) from a descriptor of the root: a symbolic link is never
 * followed, so nothing outside the root can be reached, whatever is renamed
 * in the meantime. Only regular files are served; a directory serves its
 * index.html; there are no listings.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <microhttpd.h>

#include "httpd.h"

static int root_fd = -1;

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
