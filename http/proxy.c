/* SPDX-License-Identifier: MIT */
/*
 * http/proxy.c: --proxy URL. An authenticated request is forwarded to the
 * backend with libcurl: same method, request target and body; the client's
 * headers except the hop-by-hop ones, Authorization and every spelling of
 * X-Remote-User (X-REMOTE-USER, x_remote_user, ...); then
 * X-Remote-User: DOMAIN\user and X-Forwarded-For / -Host / -Proto. The
 * backend's response comes back whole (status, end-to-end headers, body up
 * to PROXY_MAX_RESPONSE bytes). One libcurl handle per client connection
 * keeps the backend connection alive between requests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <microhttpd.h>

#include "httpd.h"

#define PROXY_MAX_RESPONSE (64u * 1024u * 1024u)
#define PROXY_MAX_HEADERS 100u

static char *base_url;
static size_t base_len;
static unsigned timeout_s;

int httpd_proxy_init(const char *base, unsigned timeout, char *why, size_t why_len)
{
	size_t n = strlen(base);

	if (strncasecmp(base, "http://", 7) != 0 && strncasecmp(base, "https://", 8) != 0) {
		snprintf(why, why_len, "--proxy %s: the URL must start with http:// or https://",
			 base);
		return -1;
	}
	if (!httpd_header_value_ok(base) || strchr(base, ' ') || strchr(base, '?') ||
	    strchr(base, '#')) {
		snprintf(why, why_len,
			 "--proxy: the URL must not hold spaces, control characters, a query "
			 "or a fragment");
		return -1;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(why, why_len, "libcurl initialisation failed");
		return -1;
	}
	while (n && base[n - 1] == '/')
		n--;
	base_url = strndup(base, n);
	if (!base_url) {
		curl_global_cleanup();
		snprintf(why, why_len, "out of memory");
		return -1;
	}
	base_len = n;
	timeout_s = timeout;
	return 0;
}

void httpd_proxy_cleanup(void)
{
	if (!base_url)
		return;
	free(base_url);
	base_url = NULL;
	curl_global_cleanup();
}

void httpd_proxy_free_handle(void *h)
{
	if (h)
		curl_easy_cleanup(h);
}

struct hdr {
	char *name, *value;
};

struct fwd {
	struct curl_slist *req; /* request headers for the backend; owned */
	bool req_failed;
	const char *connection; /* the client's Connection header (names to drop) */
	struct ntlm_buf body;	/* the backend's response body */
	bool too_large;
	long status;
	struct hdr hdrs[PROXY_MAX_HEADERS];
	size_t n_hdrs;
};

/* Is name listed in the Connection header (RFC 9110 7.6.1)? */
static bool in_connection(const char *connection, const char *name)
{
	size_t n = strlen(name);
	const char *p = connection;

	while (p && *p) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		size_t k = strcspn(p, ", \t");
		if (k == n && strncasecmp(p, name, n) == 0)
			return true;
		p += k;
	}
	return false;
}

static void add_req(struct fwd *f, const char *name, const char *value)
{
	struct ntlm_buf line = { 0 };
	ntlm_buf_puts(&line, name);
	ntlm_buf_puts(&line, ": ");
	ntlm_buf_puts(&line, value);
	if (line.err != NTLM_OK) {
		f->req_failed = true;
	} else {
		struct curl_slist *l = curl_slist_append(f->req, line.p);
		if (l)
			f->req = l;
		else
			f->req_failed = true;
	}
	ntlm_buf_free(&line);
}

static enum MHD_Result copy_header(void *cls, enum MHD_ValueKind kind, const char *key,
				   const char *value)
{
	struct fwd *f = cls;
	(void)kind;
	if (!key || !*key || !value || httpd_is_hop_header(key) ||
	    httpd_is_remote_user_header(key) || strncasecmp(key, "x-forwarded-", 12) == 0 ||
	    in_connection(f->connection, key) || !httpd_header_value_ok(value))
		return MHD_YES;
	/* Header names are tokens; MHD checked the syntax of the line. */
	add_req(f, key, value);
	return MHD_YES;
}

static size_t on_body(char *p, size_t size, size_t nmemb, void *cls)
{
	struct fwd *f = cls;
	size_t n = size * nmemb;
	if (f->body.len + n > PROXY_MAX_RESPONSE) {
		f->too_large = true;
		return 0;
	}
	ntlm_buf_put(&f->body, p, n);
	return f->body.err != NTLM_OK ? 0 : n;
}

static void clear_hdrs(struct fwd *f)
{
	for (size_t i = 0; i < f->n_hdrs; i++) {
		free(f->hdrs[i].name);
		free(f->hdrs[i].value);
	}
	f->n_hdrs = 0;
}

static size_t on_header(char *p, size_t size, size_t nmemb, void *cls)
{
	struct fwd *f = cls;
	size_t n = size * nmemb, k, v;

	if (n >= 5 && strncmp(p, "HTTP/", 5) == 0) {
		clear_hdrs(f); /* a new response (after a 1xx) */
		return n;
	}
	for (k = 0; k < n && p[k] != ':'; k++)
		if (p[k] == ' ' || p[k] == '\t' || p[k] == '\r' || p[k] == '\n')
			return n; /* not a header line (the blank line, folding) */
	if (k == 0 || k == n || f->n_hdrs >= PROXY_MAX_HEADERS)
		return n;
	for (v = k + 1; v < n && (p[v] == ' ' || p[v] == '\t'); v++)
		;
	size_t e = n;
	while (e > v && (p[e - 1] == '\r' || p[e - 1] == '\n' || p[e - 1] == ' '))
		e--;
	char *name = strndup(p, k), *value = strndup(p + v, e - v);
	if (!name || !value || !httpd_header_value_ok(value)) {
		free(name);
		free(value);
		return n;
	}
	f->hdrs[f->n_hdrs].name = name;
	f->hdrs[f->n_hdrs].value = value;
	f->n_hdrs++;
	return n;
}

static bool method_ok(const char *m)
{
	if (!*m)
		return false;
	for (; *m; m++)
		if (!((*m >= 'A' && *m <= 'Z') || (*m >= 'a' && *m <= 'z') || *m == '-' ||
		      *m == '_'))
			return false;
	return true;
}

static struct MHD_Response *text(const char *msg)
{
	return MHD_create_response_from_buffer(strlen(msg), (void *)msg, MHD_RESPMEM_PERSISTENT);
}

struct MHD_Response *httpd_proxy_response(struct MHD_Connection *conn, void **handle,
					  const char *method, const char *target,
					  const char *remote_user, const char *peer,
					  const uint8_t *body, size_t body_len, unsigned *status)
{
	struct fwd f = { 0 };
	struct ntlm_buf url = { 0 };
	struct MHD_Response *r = NULL;
	char ip[64];
	CURL *c = *handle;

	*status = MHD_HTTP_BAD_GATEWAY;
	/* Origin-form only ("/path?query"): this is not a forward proxy. */
	if (target[0] != '/' || !httpd_header_value_ok(target) || strchr(target, ' ') ||
	    !method_ok(method)) {
		*status = MHD_HTTP_BAD_REQUEST;
		r = text("bad request target\n");
		goto out;
	}
	if (!c) {
		c = curl_easy_init();
		if (!c)
			goto fail;
		*handle = c;
	} else {
		curl_easy_reset(c);
	}
	ntlm_buf_put(&url, base_url, base_len);
	ntlm_buf_puts(&url, target);

	f.connection = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Connection");
	MHD_get_connection_values(conn, MHD_HEADER_KIND, copy_header, &f);
	const char *host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Host");
	if (host && httpd_header_value_ok(host))
		add_req(&f, "X-Forwarded-Host", host);
	/* peer is "ip:port" or "[v6]:port": the address alone. */
	snprintf(ip, sizeof(ip), "%s", peer);
	char *colon = strrchr(ip, ':');
	if (colon)
		*colon = '\0';
	add_req(&f, "X-Forwarded-For", ip);
	add_req(&f, "X-Forwarded-Proto", "http");
	add_req(&f, "X-Remote-User", remote_user);
	/* "Expect:" with no value makes libcurl send no Expect: 100-continue. */
	struct curl_slist *l = curl_slist_append(f.req, "Expect:");
	if (l)
		f.req = l;
	else
		f.req_failed = true;
	if (url.err != NTLM_OK || f.req_failed)
		goto fail;

	curl_easy_setopt(c, CURLOPT_URL, url.p);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)timeout_s);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, f.req);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &f);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &f);
	if (strcmp(method, "HEAD") == 0) {
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	} else {
		if (strcmp(method, "GET") != 0 || body_len) {
			curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
			curl_easy_setopt(c, CURLOPT_POSTFIELDS, body_len ? (const char *)body : "");
		}
		if (strcmp(method, "GET") != 0 || body_len)
			curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	}

	CURLcode cc = curl_easy_perform(c);
	if (cc != CURLE_OK) {
		*status = cc == CURLE_OPERATION_TIMEDOUT ? MHD_HTTP_GATEWAY_TIMEOUT
							 : MHD_HTTP_BAD_GATEWAY;
		r = text(f.too_large ? "backend response too large\n" : "backend unavailable\n");
		goto out;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &f.status);
	if (f.status < 200 || f.status > 599)
		goto fail;
	if (f.body.len) {
		r = MHD_create_response_from_buffer(f.body.len, f.body.p, MHD_RESPMEM_MUST_FREE);
		if (r)
			f.body.p = NULL; /* owned by the response */
	} else {
		r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	}
	if (!r)
		goto fail;
	for (size_t i = 0; i < f.n_hdrs; i++) {
		const char *k = f.hdrs[i].name;
		if (httpd_is_hop_header(k) || strcasecmp(k, "date") == 0)
			continue;
		MHD_add_response_header(r, k, f.hdrs[i].value);
	}
	*status = (unsigned)f.status;
	goto out;

fail:
	*status = MHD_HTTP_BAD_GATEWAY;
	r = text("backend unavailable\n");
out:
	clear_hdrs(&f);
	ntlm_buf_free(&f.body);
	ntlm_buf_free(&url);
	curl_slist_free_all(f.req);
	return r;
}
