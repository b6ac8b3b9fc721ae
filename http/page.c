/* SPDX-License-Identifier: MIT */
/*
 * http/page.c: the built-in page, served when neither --root nor --proxy
 * is given: who the connection authenticated as and what was negotiated.
 * Every string from the AUTHENTICATE is escaped (the names come from the
 * client).
 */
#include <stdio.h>
#include <string.h>

#include "httpd.h"

static void row(struct ntlm_buf *b, const char *key, const char *value)
{
	ntlm_buf_puts(b, "<tr><th>");
	ntlm_buf_puts(b, key);
	ntlm_buf_puts(b, "</th><td>");
	httpd_buf_html(b, value);
	ntlm_buf_puts(b, "</td></tr>\n");
}

static void page_json(const struct httpd_identity *id, struct ntlm_buf *b)
{
	ntlm_buf_puts(b, "{\"user\":");
	ntlm_buf_json(b, id->user);
	ntlm_buf_puts(b, ",\"domain\":");
	ntlm_buf_json(b, id->domain);
	ntlm_buf_puts(b, ",\"workstation\":");
	ntlm_buf_json(b, id->workstation);
	ntlm_buf_puts(b, ",\"response_type\":");
	ntlm_buf_json(b, id->response_type);
	ntlm_buf_printf(b, ",\"flags\":\"0x%08x\",\"flag_names\":", (unsigned)id->flags);
	ntlm_buf_flags(b, id->flags, NTLM_FLAGS_JSON);
	ntlm_buf_printf(b, ",\"key_strength\":%u,\"peer\":", id->key_strength);
	ntlm_buf_json(b, id->peer);
	ntlm_buf_printf(b, ",\"connection_requests\":%u,\"connection_handshakes\":%u}\n",
			id->requests, id->handshakes);
}

static void page_html(const struct httpd_identity *id, struct ntlm_buf *b)
{
	char tmp[64], all[1024]; /* every name of the 32 bits fits */
	struct ntlm_buf names;

	ntlm_buf_puts(b, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
			 "<title>ntlm httpd: who am I</title>\n"
			 "<style>body{font-family:sans-serif;margin:2em}"
			 "th{text-align:left;padding-right:1em;vertical-align:top}"
			 "code{font-size:90%}</style></head>\n<body>\n"
			 "<h1>Authenticated with NTLM</h1>\n<table>\n");
	ntlm_buf_puts(b, "<tr><th>User</th><td>");
	httpd_buf_html(b, id->domain);
	ntlm_buf_puts(b, "\\");
	httpd_buf_html(b, id->user);
	ntlm_buf_puts(b, "</td></tr>\n");
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
	ntlm_buf_puts(b, "<tr><th>Flags</th><td><code>");
	ntlm_buf_puts(b, tmp);
	ntlm_buf_puts(b, "</code><ul>\n");
	/* one item per name of the library's flag-set formatter ("A|B|0x...") */
	ntlm_buf_fixed(&names, all, sizeof(all));
	ntlm_buf_flags(&names, id->flags, NTLM_FLAGS_TEXT);
	for (const char *p = all; *p;) {
		size_t n = strcspn(p, "|");
		ntlm_buf_puts(b, "<li><code>");
		ntlm_buf_put(b, p, n); /* flag names and hex: nothing to escape */
		ntlm_buf_puts(b, "</code></li>\n");
		p += n + (p[n] == '|');
	}
	ntlm_buf_puts(b, "</ul></td></tr>\n");
	row(b, "Client address", id->peer);
	snprintf(tmp, sizeof(tmp), "%u request(s), %u handshake(s)", id->requests, id->handshakes);
	row(b, "This connection", tmp);
	ntlm_buf_puts(b, "</table>\n<p>The authentication belongs to this TCP connection: "
			 "later requests on it are served without a new handshake.</p>\n"
			 "<p><a href=\"?format=json\">JSON</a></p>\n</body></html>\n");
}

bool httpd_page(const struct httpd_identity *id, bool json, struct ntlm_buf *out)
{
	if (json)
		page_json(id, out);
	else
		page_html(id, out);
	return out->err == NTLM_OK;
}
