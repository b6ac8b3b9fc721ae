/* SPDX-License-Identifier: MIT */
/*
 * gss_driver: gss-ntlmssp (through MIT GSSAPI) speaking ntlm-lines/1
 * (docs/cli.md "--stdio") on stdin/stdout,
 * so that tests/interop/pair.py can pair it with `ntlm client --stdio` or
 * `ntlm server --stdio`. It does not link ntlmssp: it is the other side.
 *
 *   gss_driver server
 *       acceptor; users from NTLM_USER_FILE (DOMAIN:USER:PASSWORD lines)
 *   gss_driver client --user DOMAIN\USER --password P [--sign|--seal]
 *                     [--data N] [--target SERVICE@HOST] [--mic]
 *       initiator; --mic queries the SPNEGO require-MIC OID so that it sends
 *       a MIC; --data N runs N rounds of one WRAP and one MIC request with
 *       payloads of 1, 16, 100, 1500 and 65536 bytes in turn, then BYE.
 *
 * --iov (either role) makes and opens WRAP tokens with gss_wrap_iov (HEADER +
 * DATA) and gss_unwrap_iov (STREAM + DATA) instead of gss_wrap / gss_unwrap /
 * gss_get_mic: the token is the same bytes, so the peer needs no --iov (for
 * ntlmssp's mechanism; gss-ntlmssp has no IOV calls).
 *
 * LM_COMPAT_LEVEL (0-5) picks what the initiator sends (gss-ntlmssp reads it).
 * Diagnostics, and a last `gss_driver: ...` summary line, go to stderr.
 * Exit status: 0 authenticated and every request succeeded, 1 authentication
 * or data failure, 2 usage error or malformed line.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_ntlmssp.h>

static gss_OID_desc ntlm_oid = { GSS_NTLMSSP_OID_LENGTH, (void *)GSS_NTLMSSP_OID_STRING };
static gss_OID_desc mic_oid = { GSS_SPNEGO_REQUIRE_MIC_OID_LENGTH,
				(void *)GSS_SPNEGO_REQUIRE_MIC_OID_STRING };

/* ---- base64 (RFC 4648, standard alphabet, padded) ---------------------------- */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static char *b64_encode(const uint8_t *p, size_t n)
{
	char *o = malloc(4 * ((n + 2) / 3) + 1), *q = o;
	if (!o)
		abort();
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		*q++ = b64[v >> 18 & 63];
		*q++ = b64[v >> 12 & 63];
		*q++ = i + 1 < n ? b64[v >> 6 & 63] : '=';
		*q++ = i + 2 < n ? b64[v & 63] : '=';
	}
	*q = 0;
	return o;
}

static int b64_val(char c)
{
	const char *p = c ? strchr(b64, c) : NULL;
	return p ? (int)(p - b64) : -1;
}

/* Decodes s (len bytes); returns a malloc'd buffer and its length, or NULL. */
static uint8_t *b64_decode(const char *s, size_t len, size_t *out_len)
{
	if (len == 0 || len % 4)
		return NULL;
	uint8_t *o = malloc(len / 4 * 3), *q = o;
	if (!o)
		abort();
	for (size_t i = 0; i < len; i += 4) {
		int a = b64_val(s[i]), b = b64_val(s[i + 1]);
		int c = s[i + 2] == '=' && i + 4 == len ? -2 : b64_val(s[i + 2]);
		int d = s[i + 3] == '=' && i + 4 == len ? -2 : b64_val(s[i + 3]);
		if (a < 0 || b < 0 || c == -1 || d == -1 || (c == -2 && d != -2)) {
			free(o);
			return NULL;
		}
		*q++ = (uint8_t)(a << 2 | b >> 4);
		if (c >= 0)
			*q++ = (uint8_t)(b << 4 | c >> 2);
		if (d >= 0)
			*q++ = (uint8_t)(c << 6 | d);
	}
	*out_len = (size_t)(q - o);
	return o;
}

/* ---- lines -------------------------------------------------------------------- */

static char *line;
static size_t line_cap;

/* The next line without its "\n" (and "\r"), or NULL at the end of stdin. */
static char *read_line(void)
{
	ssize_t n = getline(&line, &line_cap, stdin);
	if (n < 0)
		return NULL;
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = 0;
	return line;
}

static void put_line(const char *head, const char *a, const char *b)
{
	printf("%s%s%s%s\n", head, a ? a : "", b ? " " : "", b ? b : "");
	fflush(stdout);
}

static void put_b64(const char *head, const void *p, size_t n)
{
	char *e = b64_encode(p, n);
	put_line(head, e, NULL);
	free(e);
}

static char *gss_message(OM_uint32 maj, OM_uint32 min)
{
	static char buf[1024];
	OM_uint32 m, ctx = 0;
	gss_buffer_desc s = GSS_C_EMPTY_BUFFER, t = GSS_C_EMPTY_BUFFER;
	gss_display_status(&m, maj, GSS_C_GSS_CODE, GSS_C_NO_OID, &ctx, &s);
	ctx = 0;
	gss_display_status(&m, min, GSS_C_MECH_CODE, &ntlm_oid, &ctx, &t);
	snprintf(buf, sizeof(buf), "gss major 0x%x (%.*s) minor 0x%x (%.*s)", maj, (int)s.length,
		 (char *)s.value, min, (int)t.length, (char *)t.value);
	gss_release_buffer(&m, &s);
	gss_release_buffer(&m, &t);
	for (char *p = buf; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return buf;
}

static bool has_prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

/* ---- wrapping ------------------------------------------------------------------
 * With confidentiality, gss_wrap/gss_unwrap. With integrity only, a WRAP token
 * is the SSPI layout signature || plaintext, and that signature is the MIC of
 * the plaintext, so it is made and checked with gss_get_mic/gss_verify_mic:
 * gss-ntlmssp's gss_wrap ignores conf_req_flag == 0 and always seals, even when
 * SEAL was not negotiated, which no other implementation does. */

static bool sealing, use_iov;

/* header || data from gss_wrap_iov; out is malloc'd */
static OM_uint32 iov_wrap(OM_uint32 *min, gss_ctx_id_t ctx, gss_buffer_t in, gss_buffer_t out)
{
	gss_iov_buffer_desc iov[2];
	OM_uint32 m;
	uint8_t *data = malloc(in->length + 1);
	memcpy(data, in->value, in->length);
	iov[0].type = GSS_IOV_BUFFER_TYPE_HEADER | GSS_IOV_BUFFER_FLAG_ALLOCATE;
	iov[0].buffer.length = 0;
	iov[0].buffer.value = NULL;
	iov[1].type = GSS_IOV_BUFFER_TYPE_DATA;
	iov[1].buffer.length = in->length;
	iov[1].buffer.value = data;
	OM_uint32 maj = gss_wrap_iov(min, ctx, sealing, GSS_C_QOP_DEFAULT, NULL, iov, 2);
	if (!GSS_ERROR(maj)) {
		out->length = iov[0].buffer.length + in->length;
		out->value = malloc(out->length);
		memcpy(out->value, iov[0].buffer.value, iov[0].buffer.length);
		memcpy((uint8_t *)out->value + iov[0].buffer.length, data, in->length);
	}
	gss_release_iov_buffer(&m, iov, 2);
	free(data);
	return maj;
}

/* the token as one STREAM buffer; out is malloc'd */
static OM_uint32 iov_unwrap(OM_uint32 *min, gss_ctx_id_t ctx, gss_buffer_t in, gss_buffer_t out)
{
	gss_iov_buffer_desc iov[2];
	uint8_t *tok = malloc(in->length + 1);
	memcpy(tok, in->value, in->length);
	iov[0].type = GSS_IOV_BUFFER_TYPE_STREAM;
	iov[0].buffer.length = in->length;
	iov[0].buffer.value = tok;
	iov[1].type = GSS_IOV_BUFFER_TYPE_DATA;
	iov[1].buffer.length = 0;
	iov[1].buffer.value = NULL;
	OM_uint32 maj = gss_unwrap_iov(min, ctx, NULL, NULL, iov, 2);
	if (!GSS_ERROR(maj)) {
		out->length = iov[1].buffer.length;
		out->value = malloc(out->length + 1);
		memcpy(out->value, iov[1].buffer.value, out->length);
	}
	free(tok);
	return maj;
}

static OM_uint32 drv_wrap(OM_uint32 *min, gss_ctx_id_t ctx, gss_buffer_t in, gss_buffer_t out)
{
	if (use_iov)
		return iov_wrap(min, ctx, in, out);
	if (sealing)
		return gss_wrap(min, ctx, 1, GSS_C_QOP_DEFAULT, in, NULL, out);
	gss_buffer_desc mic = GSS_C_EMPTY_BUFFER;
	OM_uint32 maj = gss_get_mic(min, ctx, GSS_C_QOP_DEFAULT, in, &mic), m;
	if (GSS_ERROR(maj))
		return maj;
	out->length = mic.length + in->length;
	out->value = malloc(out->length);
	memcpy(out->value, mic.value, mic.length);
	memcpy((uint8_t *)out->value + mic.length, in->value, in->length);
	gss_release_buffer(&m, &mic);
	return maj;
}

/* out is malloc'd (free(), not gss_release_buffer) */
static OM_uint32 drv_unwrap(OM_uint32 *min, gss_ctx_id_t ctx, gss_buffer_t in, gss_buffer_t out)
{
	if (use_iov)
		return iov_unwrap(min, ctx, in, out);
	if (sealing) {
		gss_buffer_desc g = GSS_C_EMPTY_BUFFER;
		OM_uint32 maj = gss_unwrap(min, ctx, in, &g, NULL, NULL), m;
		if (GSS_ERROR(maj))
			return maj;
		out->length = g.length;
		out->value = malloc(g.length + 1);
		memcpy(out->value, g.value, g.length);
		gss_release_buffer(&m, &g);
		return maj;
	}
	*min = 0;
	if (in->length < 16)
		return GSS_S_DEFECTIVE_TOKEN;
	gss_buffer_desc sig = { 16, in->value };
	gss_buffer_desc msg = { in->length - 16, (uint8_t *)in->value + 16 };
	OM_uint32 maj = gss_verify_mic(min, ctx, &msg, &sig, NULL);
	if (GSS_ERROR(maj))
		return maj;
	out->length = msg.length;
	out->value = malloc(msg.length + 1);
	memcpy(out->value, msg.value, msg.length);
	return maj;
}

/* ---- acceptor ----------------------------------------------------------------- */

/* Answers one WRAP or MIC request; false on a request that did not verify. */
static bool serve_request(gss_ctx_id_t ctx, const char *req)
{
	OM_uint32 maj, min;
	if (has_prefix(req, "WRAP ")) {
		size_t n;
		uint8_t *tok = b64_decode(req + 5, strlen(req + 5), &n);
		if (!tok) {
			put_line("ERR malformed base64", NULL, NULL);
			return false;
		}
		gss_buffer_desc in = { n, tok }, plain = GSS_C_EMPTY_BUFFER,
				out = GSS_C_EMPTY_BUFFER;
		maj = drv_unwrap(&min, ctx, &in, &plain);
		free(tok);
		if (GSS_ERROR(maj)) {
			put_line("ERR gss_unwrap: ", gss_message(maj, min), NULL);
			return false;
		}
		uint8_t *reply = malloc(plain.length + 6);
		memcpy(reply, "reply:", 6);
		if (plain.length)
			memcpy(reply + 6, plain.value, plain.length);
		gss_buffer_desc r = { plain.length + 6, reply };
		maj = drv_wrap(&min, ctx, &r, &out);
		free(plain.value);
		free(reply);
		if (GSS_ERROR(maj)) {
			put_line("ERR gss_wrap: ", gss_message(maj, min), NULL);
			return false;
		}
		put_b64("WRAP ", out.value, out.length);
		gss_release_buffer(&min, &out);
		return true;
	}
	/* MIC <msg> <mic> */
	const char *a = req + 4, *sp = strchr(a, ' ');
	size_t mn = 0, sn = 0;
	uint8_t *msg = sp ? b64_decode(a, (size_t)(sp - a), &mn) : NULL;
	uint8_t *sig = sp ? b64_decode(sp + 1, strlen(sp + 1), &sn) : NULL;
	if (!msg || !sig || sn != 16) {
		free(msg);
		free(sig);
		put_line("ERR malformed MIC request", NULL, NULL);
		return false;
	}
	gss_buffer_desc m = { mn, msg }, s = { sn, sig }, out = GSS_C_EMPTY_BUFFER;
	maj = gss_verify_mic(&min, ctx, &m, &s, NULL);
	free(sig);
	if (GSS_ERROR(maj)) {
		free(msg);
		put_line("ERR gss_verify_mic: ", gss_message(maj, min), NULL);
		return false;
	}
	uint8_t *reply = malloc(mn + 6);
	memcpy(reply, "reply:", 6);
	memcpy(reply + 6, msg, mn);
	free(msg);
	gss_buffer_desc r = { mn + 6, reply };
	maj = gss_get_mic(&min, ctx, GSS_C_QOP_DEFAULT, &r, &out);
	if (GSS_ERROR(maj)) {
		free(reply);
		put_line("ERR gss_get_mic: ", gss_message(maj, min), NULL);
		return false;
	}
	char *e1 = b64_encode(reply, mn + 6), *e2 = b64_encode(out.value, out.length);
	put_line("MIC ", e1, e2);
	free(e1);
	free(e2);
	free(reply);
	gss_release_buffer(&min, &out);
	return true;
}

static int run_server(void)
{
	OM_uint32 maj = GSS_S_CONTINUE_NEEDED, min, ret_flags = 0;
	gss_ctx_id_t ctx = GSS_C_NO_CONTEXT;
	gss_name_t src = GSS_C_NO_NAME;
	char *l;
	int requests = 0, failed = 0;

	for (int step = 0; step < 2; step++) {
		if (!(l = read_line())) {
			fprintf(stderr, "gss_driver: end of stdin during the handshake\n");
			return 2;
		}
		size_t n;
		uint8_t *tok = b64_decode(l, strlen(l), &n);
		if (!tok) {
			fprintf(stderr, "gss_driver: malformed handshake line\n");
			return 2;
		}
		gss_buffer_desc in = { n, tok }, out = GSS_C_EMPTY_BUFFER;
		maj = gss_accept_sec_context(&min, &ctx, GSS_C_NO_CREDENTIAL, &in,
					     GSS_C_NO_CHANNEL_BINDINGS, &src, NULL, &out,
					     &ret_flags, NULL, NULL);
		free(tok);
		if (GSS_ERROR(maj)) {
			char *msg = gss_message(maj, min);
			put_line("FAIL ", msg, NULL);
			fprintf(stderr, "gss_driver: acceptor: outcome=failed: %s\n", msg);
			return 1;
		}
		if (step == 0) {
			if (maj != GSS_S_CONTINUE_NEEDED) {
				put_line("FAIL acceptor did not continue", NULL, NULL);
				return 1;
			}
			put_b64("", out.value, out.length);
		}
		gss_release_buffer(&min, &out);
	}
	if (maj != GSS_S_COMPLETE) {
		put_line("FAIL acceptor not complete", NULL, NULL);
		return 1;
	}
	gss_buffer_desc name = GSS_C_EMPTY_BUFFER;
	gss_display_name(&min, src, &name, NULL);
	fprintf(stdout, "OK %.*s\n", (int)name.length, (char *)name.value);
	fflush(stdout);
	fprintf(stderr, "gss_driver: acceptor: user=%.*s integ=%d conf=%d\n", (int)name.length,
		(char *)name.value, !!(ret_flags & GSS_C_INTEG_FLAG),
		!!(ret_flags & GSS_C_CONF_FLAG));
	gss_release_buffer(&min, &name);
	gss_release_name(&min, &src);
	sealing = (ret_flags & GSS_C_CONF_FLAG) != 0;

	int rc = 2;
	while ((l = read_line())) {
		if (strcmp(l, "BYE") == 0) {
			put_line("BYE", NULL, NULL);
			rc = failed ? 1 : 0;
			break;
		}
		if (has_prefix(l, "WRAP ") || has_prefix(l, "MIC ")) {
			requests++;
			if (!serve_request(ctx, l))
				failed++;
		} else {
			put_line("ERR unknown request", NULL, NULL);
			failed++;
		}
	}
	fprintf(stderr, "gss_driver: acceptor: requests=%d failed=%d outcome=%s\n", requests,
		failed, rc == 0 ? "authenticated" : "error");
	gss_delete_sec_context(&min, &ctx, GSS_C_NO_BUFFER);
	return rc;
}

/* ---- initiator ---------------------------------------------------------------- */

static void fill(uint8_t *p, size_t n, int round)
{
	uint32_t x = 0x9e3779b9u * (uint32_t)(round + 1);
	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = (uint8_t)(x >> 16);
	}
}

static bool check_reply(const uint8_t *got, size_t gn, const uint8_t *want, size_t wn)
{
	return gn == wn + 6 && memcmp(got, "reply:", 6) == 0 && memcmp(got + 6, want, wn) == 0;
}

/* One WRAP and one MIC request; false when an answer is missing or wrong. */
static bool data_round(gss_ctx_id_t ctx, int round, size_t n)
{
	OM_uint32 maj, min;
	uint8_t *p = malloc(n);
	bool ok = false;
	fill(p, n, round);
	gss_buffer_desc in = { n, p }, out = GSS_C_EMPTY_BUFFER, plain = GSS_C_EMPTY_BUFFER;
	maj = drv_wrap(&min, ctx, &in, &out);
	if (GSS_ERROR(maj)) {
		fprintf(stderr, "gss_driver: gss_wrap: %s\n", gss_message(maj, min));
		goto done;
	}
	put_b64("WRAP ", out.value, out.length);
	gss_release_buffer(&min, &out);
	char *l = read_line();
	size_t tn;
	uint8_t *tok;
	if (!l || !has_prefix(l, "WRAP ") || !(tok = b64_decode(l + 5, strlen(l + 5), &tn))) {
		fprintf(stderr, "gss_driver: round %d: WRAP answer: %s\n", round, l ? l : "(eof)");
		goto done;
	}
	gss_buffer_desc t = { tn, tok };
	maj = drv_unwrap(&min, ctx, &t, &plain);
	free(tok);
	if (GSS_ERROR(maj)) {
		fprintf(stderr, "gss_driver: round %d: gss_unwrap: %s\n", round,
			gss_message(maj, min));
		goto done;
	}
	if (!check_reply(plain.value, plain.length, p, n)) {
		fprintf(stderr, "gss_driver: round %d: WRAP answer is not reply:+payload\n", round);
		free(plain.value);
		goto done;
	}
	free(plain.value);

	maj = gss_get_mic(&min, ctx, GSS_C_QOP_DEFAULT, &in, &out);
	if (GSS_ERROR(maj)) {
		fprintf(stderr, "gss_driver: gss_get_mic: %s\n", gss_message(maj, min));
		goto done;
	}
	char *e1 = b64_encode(p, n), *e2 = b64_encode(out.value, out.length);
	put_line("MIC ", e1, e2);
	free(e1);
	free(e2);
	gss_release_buffer(&min, &out);
	l = read_line();
	char *sp = l && has_prefix(l, "MIC ") ? strchr(l + 4, ' ') : NULL;
	size_t mn = 0, sn = 0;
	uint8_t *msg = sp ? b64_decode(l + 4, (size_t)(sp - l - 4), &mn) : NULL;
	uint8_t *sig = sp ? b64_decode(sp + 1, strlen(sp + 1), &sn) : NULL;
	if (!msg || !sig) {
		fprintf(stderr, "gss_driver: round %d: MIC answer: %s\n", round, l ? l : "(eof)");
		free(msg);
		free(sig);
		goto done;
	}
	gss_buffer_desc m = { mn, msg }, s = { sn, sig };
	maj = gss_verify_mic(&min, ctx, &m, &s, NULL);
	ok = !GSS_ERROR(maj) && check_reply(msg, mn, p, n);
	if (!ok)
		fprintf(stderr, "gss_driver: round %d: MIC answer does not verify: %s\n", round,
			GSS_ERROR(maj) ? gss_message(maj, min) : "content differs");
	free(msg);
	free(sig);
done:
	free(p);
	return ok;
}

static int run_client(const char *user, const char *password, const char *target, int want,
		      int rounds, bool mic)
{
	OM_uint32 maj, min, ret_flags = 0;
	gss_name_t uname = GSS_C_NO_NAME, tname = GSS_C_NO_NAME;
	gss_cred_id_t cred = GSS_C_NO_CREDENTIAL;
	gss_ctx_id_t ctx = GSS_C_NO_CONTEXT;
	gss_OID_set_desc mechs = { 1, &ntlm_oid };
	gss_buffer_desc ub = { strlen(user), (void *)user };
	gss_buffer_desc pw = { strlen(password), (void *)password };
	gss_buffer_desc tb = { strlen(target), (void *)target };
	gss_buffer_desc in = GSS_C_EMPTY_BUFFER, out = GSS_C_EMPTY_BUFFER;
	OM_uint32 req = want == 2   ? GSS_C_INTEG_FLAG | GSS_C_CONF_FLAG
			: want == 1 ? GSS_C_INTEG_FLAG
				    : 0;
	uint8_t *tok = NULL;

	if (GSS_ERROR(maj = gss_import_name(&min, &ub, GSS_C_NT_USER_NAME, &uname)) ||
	    GSS_ERROR(maj = gss_import_name(&min, &tb, GSS_C_NT_HOSTBASED_SERVICE, &tname)) ||
	    GSS_ERROR(maj = gss_acquire_cred_with_password(&min, uname, &pw, GSS_C_INDEFINITE,
							   &mechs, GSS_C_INITIATE, &cred, NULL,
							   NULL))) {
		fprintf(stderr, "gss_driver: credentials: %s\n", gss_message(maj, min));
		return 2;
	}
	for (int step = 0; step < 2; step++) {
		maj = gss_init_sec_context(&min, cred, &ctx, tname, &ntlm_oid, req, 0,
					   GSS_C_NO_CHANNEL_BINDINGS, &in, NULL, &out, &ret_flags,
					   NULL);
		free(tok);
		tok = NULL;
		if (GSS_ERROR(maj)) {
			fprintf(stderr, "gss_driver: initiator: outcome=refused: %s\n",
				gss_message(maj, min));
			return 1;
		}
		if (mic) { /* as SPNEGO does after each token: makes it add a MIC */
			gss_buffer_set_t set = GSS_C_NO_BUFFER_SET;
			gss_inquire_sec_context_by_oid(&min, ctx, &mic_oid, &set);
			gss_release_buffer_set(&min, &set);
		}
		put_b64("", out.value, out.length);
		gss_release_buffer(&min, &out);
		char *l = read_line();
		if (!l) {
			fprintf(stderr, "gss_driver: end of stdin during the handshake\n");
			return 2;
		}
		if (has_prefix(l, "FAIL")) {
			fprintf(stderr,
				"gss_driver: initiator: outcome=refused by the server: %s\n", l);
			return 1;
		}
		if (step == 1) {
			if (!has_prefix(l, "OK ")) {
				fprintf(stderr,
					"gss_driver: result line is neither OK nor FAIL: %s\n", l);
				return 2;
			}
			break;
		}
		size_t n;
		if (!(tok = b64_decode(l, strlen(l), &n))) {
			fprintf(stderr, "gss_driver: malformed CHALLENGE line\n");
			return 2;
		}
		in.value = tok;
		in.length = n;
	}
	if (maj != GSS_S_COMPLETE) {
		fprintf(stderr, "gss_driver: initiator not complete (major 0x%x)\n", maj);
		return 1;
	}
	sealing = (ret_flags & GSS_C_CONF_FLAG) != 0;
	static const size_t sizes[] = { 1, 16, 100, 1500, 65536 };
	int failed = 0, r;
	for (r = 0; r < rounds; r++)
		if (!data_round(ctx, r, sizes[r % 5])) {
			failed = 1;
			break;
		}
	put_line("BYE", NULL, NULL);
	char *l = read_line();
	if (!l || strcmp(l, "BYE") != 0) {
		fprintf(stderr, "gss_driver: no BYE answer\n");
		failed = 1;
	}
	fprintf(stderr, "gss_driver: initiator: integ=%d conf=%d rounds=%d outcome=%s\n",
		!!(ret_flags & GSS_C_INTEG_FLAG), !!(ret_flags & GSS_C_CONF_FLAG), r,
		failed ? "data-failed" : "authenticated");
	gss_delete_sec_context(&min, &ctx, GSS_C_NO_BUFFER);
	gss_release_cred(&min, &cred);
	gss_release_name(&min, &uname);
	gss_release_name(&min, &tname);
	return failed;
}

static int usage(void)
{
	fprintf(stderr, "usage: gss_driver server [--iov]\n"
			"       gss_driver client --user DOMAIN\\USER --password P [--sign|--seal]"
			" [--data N] [--target SERVICE@HOST] [--mic] [--iov]\n");
	return 2;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	if (strcmp(argv[1], "server") == 0) {
		if (argc == 3 && strcmp(argv[2], "--iov") == 0)
			use_iov = true;
		else if (argc != 2)
			return usage();
		int rc = run_server();
		free(line);
		return rc;
	}
	if (strcmp(argv[1], "client") != 0)
		return usage();
	const char *user = NULL, *password = NULL, *target = "host@localhost";
	int want = 0, rounds = 0;
	bool mic = false;
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		bool more = i + 1 < argc;
		if (strcmp(a, "--user") == 0 && more)
			user = argv[++i];
		else if (strcmp(a, "--password") == 0 && more)
			password = argv[++i];
		else if (strcmp(a, "--target") == 0 && more)
			target = argv[++i];
		else if (strcmp(a, "--data") == 0 && more)
			rounds = atoi(argv[++i]);
		else if (strcmp(a, "--sign") == 0)
			want = 1;
		else if (strcmp(a, "--seal") == 0)
			want = 2;
		else if (strcmp(a, "--mic") == 0)
			mic = true;
		else if (strcmp(a, "--iov") == 0)
			use_iov = true;
		else
			return usage();
	}
	if (!user || !password)
		return usage();
	int rc = run_client(user, password, target, want, rounds, mic);
	free(line);
	return rc;
}
