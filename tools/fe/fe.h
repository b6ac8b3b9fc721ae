/* SPDX-License-Identifier: MIT */
/*
 * tools/fe: what the front ends (the ntlm tool and ntlm httpd) share beyond
 * the library: small POSIX and text jobs the public API has no business
 * doing. Like every front end, it includes only the public headers.
 */
#ifndef NTLM_FE_H
#define NTLM_FE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

/* Writes all of p to fd (retrying EINTR and short writes). */
bool fe_write_all(int fd, const void *p, size_t len);

/* The value of one hex digit (either case), or -1. */
static inline int fe_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Splits "HOST:PORT" / "[V6]:PORT". PORT is 0..65535 in decimal (0 only with
 * allow_zero); an IPv6 address must be in brackets. false with a reason in
 * err. */
bool fe_parse_hostport(const char *s, bool allow_zero, char *host, size_t hostlen, char *port,
		       size_t portlen, char *err, size_t errlen);

/* A socket address as "ADDR:PORT" or "[V6ADDR]:PORT", numeric; "?" when it
 * cannot be shown (NULL, or a family other than IPv4 / IPv6). */
void fe_sockaddr_text(const struct sockaddr *sa, char *buf, size_t len);

enum fe_listen_rc { FE_LISTEN_OK = 0, FE_LISTEN_RESOLVE, FE_LISTEN_SOCKET };

/* A listening TCP socket on host:port (a numeric port; each address
 * getaddrinfo gives is tried in turn): close-on-exec, SO_REUSEADDR, a backlog
 * of 128, non-blocking with nonblock. *fd and *family on success; otherwise
 * the reason in err (FE_LISTEN_RESOLVE: the host did not resolve). */
enum fe_listen_rc fe_listen(const char *host, const char *port, bool nonblock, int *fd, int *family,
			    char *err, size_t errlen);

#endif
