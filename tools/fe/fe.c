/* SPDX-License-Identifier: MIT */
/* What the front ends share (fe.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fe.h"

bool fe_write_all(int fd, const void *p, size_t len)
{
	const uint8_t *b = p;
	while (len) {
		ssize_t r = write(fd, b, len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		b += r;
		len -= (size_t)r;
	}
	return true;
}

static bool parse_port(const char *s, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!s[0] || s[0] < '0' || s[0] > '9' || strlen(s) > 5)
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > 65535)
		return false;
	*out = v;
	return true;
}

bool fe_parse_hostport(const char *s, bool allow_zero, char *host, size_t hostlen, char *port,
		       size_t portlen, char *err, size_t errlen)
{
	const char *colon, *h = s;
	size_t hl;
	unsigned long v;

	if (s[0] == '[') {
		const char *close_br = strchr(s, ']');
		if (!close_br || close_br[1] != ':') {
			snprintf(err, errlen, "expected [IPV6]:PORT");
			return false;
		}
		h = s + 1;
		hl = (size_t)(close_br - h);
		colon = close_br + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon) {
			snprintf(err, errlen, "expected HOST:PORT (no ':')");
			return false;
		}
		hl = (size_t)(colon - s);
		if (memchr(s, ':', hl)) {
			snprintf(err, errlen, "an IPv6 address goes in brackets: [ADDR]:PORT");
			return false;
		}
	}
	if (hl == 0) {
		snprintf(err, errlen, "the host is empty");
		return false;
	}
	if (hl >= hostlen) {
		snprintf(err, errlen, "the host is longer than %zu bytes", hostlen - 1);
		return false;
	}
	for (size_t i = 0; i < hl; i++) {
		unsigned char ch = (unsigned char)h[i];
		if (ch <= 0x20 || ch >= 0x7f) {
			snprintf(err, errlen, "the host contains a space or a non-ASCII byte");
			return false;
		}
	}
	if (!parse_port(colon + 1, &v) || (v == 0 && !allow_zero)) {
		snprintf(err, errlen, "the port must be a number from %d to 65535",
			 allow_zero ? 0 : 1);
		return false;
	}
	memcpy(host, h, hl);
	host[hl] = '\0';
	snprintf(port, portlen, "%lu", v);
	return true;
}

void fe_sockaddr_text(const struct sockaddr *sa, char *buf, size_t len)
{
	char h[NI_MAXHOST], p[NI_MAXSERV];
	socklen_t sl;

	if (!sa || (sa->sa_family != AF_INET && sa->sa_family != AF_INET6)) {
		snprintf(buf, len, "?");
		return;
	}
	sl = sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	if (getnameinfo(sa, sl, h, sizeof(h), p, sizeof(p), NI_NUMERICHOST | NI_NUMERICSERV)) {
		snprintf(buf, len, "?");
		return;
	}
	snprintf(buf, len, sa->sa_family == AF_INET6 ? "[%s]:%s" : "%s:%s", h, p);
}

void fe_sockaddr_addr(const struct sockaddr *sa, char *buf, size_t len)
{
	const void *a = NULL;

	if (sa && sa->sa_family == AF_INET)
		a = &((const struct sockaddr_in *)sa)->sin_addr;
	else if (sa && sa->sa_family == AF_INET6)
		a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
	if (!a || !inet_ntop(sa->sa_family, a, buf, (socklen_t)len))
		snprintf(buf, len, "?");
}

enum fe_listen_rc fe_listen(const char *host, const char *port, bool nonblock, int *fd_out,
			    int *family, char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC,
				  .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_PASSIVE | AI_NUMERICSERV },
			*res, *ai;
	int fd = -1, one = 1, r;

	r = getaddrinfo(host, port, &hints, &res);
	if (r != 0) {
		snprintf(err, errlen, "%s", gai_strerror(r));
		return FE_LISTEN_RESOLVE;
	}
	snprintf(err, errlen, "no address");
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family,
			    ai->ai_socktype | SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0),
			    ai->ai_protocol);
		if (fd < 0) {
			snprintf(err, errlen, "socket: %s", strerror(errno));
			continue;
		}
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 128) == 0) {
			*family = ai->ai_family;
			break;
		}
		snprintf(err, errlen, "%s", strerror(errno));
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		return FE_LISTEN_SOCKET;
	*fd_out = fd;
	return FE_LISTEN_OK;
}
