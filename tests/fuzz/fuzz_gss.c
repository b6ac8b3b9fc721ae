/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the GSSAPI mechanism's entry points (gss/), called as
 * mechglue calls them, with arbitrary tokens and buffers. The first byte picks
 * the entry point:
 *   0  gss_accept_sec_context: a 2-byte little-endian length n, n bytes of
 *      NEGOTIATE, then the rest as AUTHENTICATE
 *   1  gss_init_sec_context: the rest as the CHALLENGE
 *   2  gss_import_sec_context: the rest as an exported context
 *   3  gss_import_name: the next byte picks the name type, the rest the name
 *   4  on an established, sealing pair: gss_unwrap, gss_verify_mic and
 *      gss_verify_mic_iov (first 16 bytes as the signature), gss_unwrap_iov
 *      (as a STREAM)
 * Checked: no crash or leak, every failure has a minor status that
 * gss_display_status explains, and a failed call returns no output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>

#include "ntlmssp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* the mechanism's SPI entry point (gss/creds.c; no public GSSAPI header has it) */
OM_uint32 gssspi_acquire_cred_with_password(OM_uint32 *minor, const gss_name_t desired_name,
					    const gss_buffer_t password, OM_uint32 time_req,
					    const gss_OID_set desired_mechs, gss_cred_usage_t usage,
					    gss_cred_id_t *out, gss_OID_set *actual_mechs,
					    OM_uint32 *time_rec);

#define CHECK(x)                                                                                 \
	do {                                                                                     \
		if (!(x)) {                                                                      \
			fprintf(stderr, "fuzz_gss: check failed: %s (line %d)\n", #x, __LINE__); \
			abort();                                                                 \
		}                                                                                \
	} while (0)

static gss_OID_desc oid = { 10, (void *)"\x2b\x06\x01\x04\x01\x82\x37\x02\x02\x0a" };
static gss_cred_id_t icred, acred;
static gss_name_t target;
static gss_ctx_id_t pi, pa; /* the established pair of mode 4 */

static void explained(OM_uint32 maj, OM_uint32 min)
{
	OM_uint32 m, ctx = 0;
	gss_buffer_desc t = GSS_C_EMPTY_BUFFER;
	if (!GSS_ERROR(maj))
		return;
	CHECK(min != 0);
	CHECK(gss_display_status(&m, min, GSS_C_MECH_CODE, &oid, &ctx, &t) == GSS_S_COMPLETE);
	CHECK(t.length > 0);
	free(t.value);
}

static void setup(void)
{
	static int done;
	OM_uint32 min;
	char dir[] = "/tmp/fuzz-gss-XXXXXX", path[64], line[80];
	uint8_t h[16];
	if (done)
		return;
	done = 1;
	CHECK(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/accounts", dir);
	CHECK(ntlm_hash_nt("pw", h) == NTLM_OK);
	int n = snprintf(line, sizeof(line), "D:u:");
	for (int i = 0; i < 16; i++)
		n += snprintf(line + n, sizeof(line) - (size_t)n, "%02x", h[i]);
	FILE *f = fopen(path, "w");
	CHECK(f);
	fprintf(f, "%s\n", line);
	fclose(f);
	setenv("NTLMSSP_AUDIT_LOG", "none", 1);
	unsetenv("NTLMSSP_CONF");
	gss_key_value_element_desc ae[] = { { "accounts", path } };
	gss_key_value_set_desc as = { 1, ae };
	CHECK(gss_acquire_cred_from(&min, GSS_C_NO_NAME, 0, GSS_C_NO_OID_SET, GSS_C_ACCEPT, &as,
				    &acred, NULL, NULL) == GSS_S_COMPLETE);
	gss_buffer_desc un = { 4, (void *)"D\\u" };
	un.length = 3;
	gss_name_t user;
	CHECK(gss_import_name(&min, &un, GSS_C_NT_USER_NAME, &user) == GSS_S_COMPLETE);
	gss_buffer_desc pw = { 2, (void *)"pw" };
	CHECK(gssspi_acquire_cred_with_password(&min, user, &pw, 0, GSS_C_NO_OID_SET,
						GSS_C_INITIATE, &icred, NULL,
						NULL) == GSS_S_COMPLETE);
	gss_release_name(&min, &user);
	gss_buffer_desc tn = { 8, (void *)"HTTP@web" };
	CHECK(gss_import_name(&min, &tn, GSS_C_NT_HOSTBASED_SERVICE, &target) == GSS_S_COMPLETE);
	/* the pair for mode 4 */
	gss_buffer_desc a = GSS_C_EMPTY_BUFFER, b = GSS_C_EMPTY_BUFFER, c = GSS_C_EMPTY_BUFFER;
	CHECK(gss_init_sec_context(&min, icred, &pi, target, &oid, GSS_C_CONF_FLAG, 0, NULL, NULL,
				   NULL, &a, NULL, NULL) == GSS_S_CONTINUE_NEEDED);
	CHECK(gss_accept_sec_context(&min, &pa, acred, &a, NULL, NULL, NULL, &b, NULL, NULL,
				     NULL) == GSS_S_CONTINUE_NEEDED);
	CHECK(gss_init_sec_context(&min, icred, &pi, target, &oid, GSS_C_CONF_FLAG, 0, NULL, &b,
				   NULL, &c, NULL, NULL) == GSS_S_COMPLETE);
	gss_buffer_desc none = GSS_C_EMPTY_BUFFER;
	CHECK(gss_accept_sec_context(&min, &pa, acred, &c, NULL, NULL, NULL, &none, NULL, NULL,
				     NULL) == GSS_S_COMPLETE);
	free(a.value);
	free(b.value);
	free(c.value);
	unlink(path);
	rmdir(dir);
}

static void accept_mode(const uint8_t *d, size_t n)
{
	OM_uint32 maj, min;
	gss_ctx_id_t ctx = GSS_C_NO_CONTEXT;
	gss_name_t src = GSS_C_NO_NAME;
	gss_buffer_desc out = GSS_C_EMPTY_BUFFER;
	if (n < 2)
		return;
	size_t l = (size_t)d[0] | (size_t)d[1] << 8;
	d += 2;
	n -= 2;
	if (l > n)
		l = n;
	gss_buffer_desc neg = { l, (void *)d }, auth = { n - l, (void *)(d + l) };
	maj = gss_accept_sec_context(&min, &ctx, acred, &neg, NULL, &src, NULL, &out, NULL, NULL,
				     NULL);
	explained(maj, min);
	if (maj == GSS_S_CONTINUE_NEEDED) {
		free(out.value);
		out.value = NULL;
		maj = gss_accept_sec_context(&min, &ctx, acred, &auth, NULL, &src, NULL, &out, NULL,
					     NULL, NULL);
		explained(maj, min);
		if (GSS_ERROR(maj))
			CHECK(src == GSS_C_NO_NAME);
	} else if (GSS_ERROR(maj)) {
		CHECK(ctx == GSS_C_NO_CONTEXT && out.length == 0);
	}
	free(out.value);
	gss_release_name(&min, &src);
	if (ctx != GSS_C_NO_CONTEXT)
		gss_delete_sec_context(&min, &ctx, NULL);
}

static void init_mode(const uint8_t *d, size_t n)
{
	OM_uint32 maj, min;
	gss_ctx_id_t ctx = GSS_C_NO_CONTEXT;
	gss_buffer_desc out = GSS_C_EMPTY_BUFFER, in = { n, (void *)d };
	maj = gss_init_sec_context(&min, icred, &ctx, target, &oid, GSS_C_CONF_FLAG, 0, NULL, NULL,
				   NULL, &out, NULL, NULL);
	CHECK(maj == GSS_S_CONTINUE_NEEDED);
	free(out.value);
	out.value = NULL;
	out.length = 0;
	maj = gss_init_sec_context(&min, icred, &ctx, target, &oid, GSS_C_CONF_FLAG, 0, NULL, &in,
				   NULL, &out, NULL, NULL);
	explained(maj, min);
	if (GSS_ERROR(maj))
		CHECK(out.length == 0);
	free(out.value);
	gss_delete_sec_context(&min, &ctx, NULL);
}

static void import_ctx_mode(const uint8_t *d, size_t n)
{
	OM_uint32 maj, min;
	gss_ctx_id_t ctx = GSS_C_NO_CONTEXT;
	gss_buffer_desc in = { n, (void *)d };
	maj = gss_import_sec_context(&min, &in, &ctx);
	explained(maj, min);
	if (!GSS_ERROR(maj)) {
		gss_buffer_desc msg = { 3, (void *)"abc" }, mic = GSS_C_EMPTY_BUFFER;
		maj = gss_get_mic(&min, ctx, 0, &msg, &mic);
		explained(maj, min);
		free(mic.value);
		gss_delete_sec_context(&min, &ctx, NULL);
	}
}

static void name_mode(const uint8_t *d, size_t n)
{
	OM_uint32 maj, min;
	gss_OID types[] = {
		GSS_C_NO_OID,	      GSS_C_NT_USER_NAME,	GSS_C_NT_HOSTBASED_SERVICE,
		GSS_C_NT_EXPORT_NAME, GSS_C_NT_STRING_UID_NAME, GSS_C_NT_MACHINE_UID_NAME
	};
	if (n < 1)
		return;
	gss_buffer_desc in = { n - 1, (void *)(d + 1) };
	gss_name_t name = GSS_C_NO_NAME;
	maj = gss_import_name(&min, &in, types[d[0] % 6], &name);
	explained(maj, min);
	if (!GSS_ERROR(maj)) {
		gss_buffer_desc t = GSS_C_EMPTY_BUFFER;
		CHECK(gss_display_name(&min, name, &t, NULL) == GSS_S_COMPLETE);
		free(t.value);
		gss_release_name(&min, &name);
	} else {
		CHECK(name == GSS_C_NO_NAME);
	}
}

static void message_mode(const uint8_t *d, size_t n)
{
	OM_uint32 maj, min;
	gss_buffer_desc in = { n, (void *)d }, out = GSS_C_EMPTY_BUFFER;
	maj = gss_unwrap(&min, pa, &in, &out, NULL, NULL);
	explained(maj, min);
	free(out.value);
	if (n >= 16) {
		gss_buffer_desc sig = { 16, (void *)d }, msg = { n - 16, (void *)(d + 16) };
		maj = gss_verify_mic(&min, pa, &msg, &sig, NULL);
		explained(maj, min);
		/* the same through gss_verify_mic_iov, the message in two pieces */
		size_t half = (n - 16) / 2;
		gss_iov_buffer_desc mv[3] = {
			{ GSS_IOV_BUFFER_TYPE_SIGN_ONLY, { half, (void *)(d + 16) } },
			{ GSS_IOV_BUFFER_TYPE_DATA, { n - 16 - half, (void *)(d + 16 + half) } },
			{ GSS_IOV_BUFFER_TYPE_MIC_TOKEN, { 16, (void *)d } },
		};
		maj = gss_verify_mic_iov(&min, pa, NULL, mv, 3);
		explained(maj, min);
	}
	uint8_t *copy = malloc(n ? n : 1);
	CHECK(copy);
	if (n)
		memcpy(copy, d, n);
	gss_iov_buffer_desc iov[2] = { { GSS_IOV_BUFFER_TYPE_STREAM, { n, copy } },
				       { GSS_IOV_BUFFER_TYPE_DATA, { 0, NULL } } };
	maj = gss_unwrap_iov(&min, pa, NULL, NULL, iov, 2);
	explained(maj, min);
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 70000)
		return 0;
	setup();
	switch (data[0] % 5) {
	case 0:
		accept_mode(data + 1, size - 1);
		break;
	case 1:
		init_mode(data + 1, size - 1);
		break;
	case 2:
		import_ctx_mode(data + 1, size - 1);
		break;
	case 3:
		name_mode(data + 1, size - 1);
		break;
	default:
		message_mode(data + 1, size - 1);
		break;
	}
	return 0;
}
