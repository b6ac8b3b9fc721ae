/* SPDX-License-Identifier: MIT */
/*
 * http/page.c: the built-in page, served when neither --root nor --proxy
 * is given: who the connection authenticated as and what was negotiated.
 * Every string from the AUTHENTICATE is escaped (the names come from the
 * client).
 */
#include <stdio.h>

#include "httpd.h"

static void flags_json(struct httpd_buf *b, uint32_t flags)
{
	bool first = true;
	httpd_buf_puts(b, "[");
	for (unsigned i = 0; i < 32; i++) {
		uint32_t bit = (uint32_t)1 << i;
		if (!(flags & bit))
			continue;
		const char *name = ntlm_flag_name(bit);
		char hex[16];
		snprintf(hex, sizeof(hex), "0x%08x", (unsigned)bit);
		if (!first)
			httpd_buf_puts(b, ",");
		httpd_buf_json(b, name ? name : hex);
		first = false;
	}
	httpd_buf_puts(b, "]");
}

static void row(struct httpd_buf *b, const char *key, const char *value)
{
	httpd_buf_puts(b, "<tr><th>");
	httpd_buf_puts(b, key);
	httpd_buf_puts(b, "</th><td>");
	httpd_buf_html(b, value);
	httpd_buf_puts(b, "</td></tr>\n");
}

static void page_json(const struct httpd_identity *id, struct httpd_buf *b)
{
	httpd_buf_puts(b, "{\"user\":");
	httpd_buf_json(b, id->user);
	httpd_buf_puts(b, ",\"domain\":");
	httpd_buf_json(b, id->domain);
	httpd_buf_puts(b, ",\"workstation\":");
	httpd_buf_json(b, id->workstation);
	httpd_buf_puts(b, ",\"response_type\":");
	httpd_buf_json(b, id->response_type);
	httpd_buf_printf(b, ",\"flags\":\"0x%08x\",\"flag_names\":", (unsigned)id->flags);
	flags_json(b, id->flags);
	httpd_buf_printf(b, ",\"key_strength\":%u,\"peer\":", id->key_strength);
	httpd_buf_json(b, id->peer);
	httpd_buf_printf(b, ",\"connection_requests\":%u,\"connection_handshakes\":%u}\n",
			 id->requests, id->handshakes);
}

static void page_html(const struct httpd_identity *id, struct httpd_buf *b)
{
	char tmp[64];

	httpd_buf_puts(b, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
			  "<title>ntlm httpd: who am I</title>\n"
			  "<style>body{font-family:sans-serif;margin:2em}"
			  "th{text-align:left;padding-right:1em;vertical-align:top}"
			  "code{font-size:90%}</style></head>\n<body>\n"
			  "<h1>Authenticated with NTLM</h1>\n<table>\n");
	httpd_buf_puts(b, "<tr><th>User</th><td>");
	httpd_buf_html(b, id->domain);
	httpd_buf_puts(b, "\\");
	httpd_buf_html(b, id->user);
	httpd_buf_puts(b, "</td></tr>\n");
	row(b, "User name", id->user);
	row(b, "Domain", id->domain);
	row(b, "Workstation", id->workstation);
	row(b, "Response type", id->response_type);
	if (id->key_strength)
		snprintf(tmp, sizeof(tmp), "%u-bit", id->key_strength);
	else
		snprintf(tmp, sizeof(tmp), "none (no signing or sealing negotiated)");
	row(b, "Key strength", tmp);
	snprintf(tmp, sizeof(tmp), "0x%08x", (unsigned)id->flags);
	httpd_buf_puts(b, "<tr><th>Flags</th><td><code>");
	httpd_buf_puts(b, tmp);
	httpd_buf_puts(b, "</code><ul>\n");
	for (unsigned i = 0; i < 32; i++) {
		uint32_t bit = (uint32_t)1 << i;
		if (!(id->flags & bit))
			continue;
		const char *name = ntlm_flag_name(bit);
		snprintf(tmp, sizeof(tmp), "0x%08x", (unsigned)bit);
		httpd_buf_puts(b, "<li><code>");
		httpd_buf_html(b, name ? name : tmp);
		httpd_buf_puts(b, "</code></li>\n");
	}
	httpd_buf_puts(b, "</ul></td></tr>\n");
	row(b, "Client address", id->peer);
	snprintf(tmp, sizeof(tmp), "%u request(s), %u handshake(s)", id->requests, id->handshakes);
	row(b, "This connection", tmp);
	httpd_buf_puts(b, "</table>\n<p>The authentication belongs to this TCP connection: "
			  "later requests on it are served without a new handshake.</p>\n"
			  "<p><a href=\"?format=json\">JSON</a></p>\n</body></html>\n");
}

bool httpd_page(const struct httpd_identity *id, bool json, struct httpd_buf *out)
{
	if (json)
		page_json(id, out);
	else
		page_html(id, out);
	return !out->failed;
}
