/* SPDX-License-Identifier: MIT */
/*
 * gss/names.c: names. A user name is "DOMAIN\user", "user@domain" or "user"
 * (no domain: any domain, as gss-ntlmssp does); a host-based service name is
 * "service@host" or "service" (this host), and becomes the target
 * "service/host" the client announces (MsvAvTargetName) and the policy's
 * ClientAllowedNTLMServers matches. Names are compared without regard to case,
 * as Windows compares account names (ASCII folding only).
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "mech.h"

#define NAME_MAX_LEN 512

static gss_OID_desc anon_oid = { 6, (void *)"\x2b\x06\x01\x05\x06\x03" };

void gssn_name_free(struct gssn_name *n)
{
	if (!n)
		return;
	free(n->domain);
	free(n->user);
	free(n->service);
	free(n->host);
	free(n);
}

static char *dup_or_null(const char *s, bool *fail)
{
	if (!s)
		return NULL;
	char *d = strdup(s);
	if (!d)
		*fail = true;
	return d;
}

OM_uint32 gssn_name_user(OM_uint32 *minor, const char *domain, const char *user,
			 struct gssn_name **out)
{
	bool fail = false;
	struct gssn_name *n = calloc(1, sizeof(*n));
	if (!n)
		return gssn_failf(minor, GSS_S_FAILURE, NTLM_E_NOMEM, "out of memory");
	n->kind = GSSN_USER;
	n->domain = dup_or_null(domain, &fail);
	n->user = dup_or_null(user, &fail);
	if (fail) {
		gssn_name_free(n);
		return gssn_failf(minor, GSS_S_FAILURE, NTLM_E_NOMEM, "out of memory");
	}
	*out = n;
	return gssn_ok(minor, GSS_S_COMPLETE);
}

OM_uint32 gssn_name_dup(OM_uint32 *minor, const struct gssn_name *s, struct gssn_name **out)
{
	bool fail = false;
	struct gssn_name *n = calloc(1, sizeof(*n));
	if (!n)
		return gssn_failf(minor, GSS_S_FAILURE, NTLM_E_NOMEM, "out of memory");
	n->kind = s->kind;
	n->domain = dup_or_null(s->domain, &fail);
	n->user = dup_or_null(s->user, &fail);
	n->service = dup_or_null(s->service, &fail);
	n->host = dup_or_null(s->host, &fail);
	if (fail) {
		gssn_name_free(n);
		return gssn_failf(minor, GSS_S_FAILURE, NTLM_E_NOMEM, "out of memory");
	}
	*out = n;
	return gssn_ok(minor, GSS_S_COMPLETE);
}

static char *join(const char *a, const char *sep, const char *b)
{
	size_t n = strlen(a) + strlen(sep) + strlen(b) + 1;
	char *s = malloc(n);
	if (s)
		snprintf(s, n, "%s%s%s", a, sep, b);
	return s;
}

char *gssn_name_text(const struct gssn_name *n)
{
	switch (n->kind) {
	case GSSN_USER:
		return n->domain && n->domain[0] ? join(n->domain, "\\", n->user) : strdup(n->user);
	case GSSN_SERVICE:
		return n->host ? join(n->service, "@", n->host) : strdup(n->service);
	default:
		return strdup("NT AUTHORITY\\ANONYMOUS LOGON");
	}
}

char *gssn_name_target(const struct gssn_name *n)
{
	if (n->kind == GSSN_SERVICE) {
		char host[256] = "localhost";
		if (!n->host && gethostname(host, sizeof(host) - 1) != 0)
			snprintf(host, sizeof(host), "localhost");
		host[sizeof(host) - 1] = '\0';
		return join(n->service, "/", n->host ? n->host : host);
	}
	return gssn_name_text(n);
}

/* Printable text only: no control characters (the name goes into audit
 * records and onto the wire). */
static bool printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

static OM_uint32 bad_name(OM_uint32 *minor, const char *why)
{
	return gssn_failf(minor, GSS_S_BAD_NAME, NTLM_E_INVALID_ARGUMENT, "name: %s", why);
}

static OM_uint32 parse_user(OM_uint32 *minor, const char *s, struct gssn_name **out)
{
	const char *bs = strchr(s, '\\'), *at = strrchr(s, '@');
	char *dom = NULL, *usr = NULL;
	OM_uint32 maj;

	if (bs) {
		if (strchr(bs + 1, '\\'))
			return bad_name(minor, "more than one '\\' in a DOMAIN\\user name");
		dom = strndup(s, (size_t)(bs - s));
		usr = strdup(bs + 1);
	} else if (at) {
		usr = strndup(s, (size_t)(at - s));
		dom = strdup(at + 1);
	} else {
		usr = strdup(s);
	}
	if (!usr || ((bs || at) && !dom)) {
		maj = gssn_failf(minor, GSS_S_FAILURE, NTLM_E_NOMEM, "out of memory");
		goto out;
	}
	if (!usr[0]) {
		maj = bad_name(minor, "empty user name");
		goto out;
	}
	if (at && !bs && !dom[0]) {
		maj = bad_name(minor, "empty domain after '@'");
		goto out;
	}
	maj = gssn_name_user(minor, dom, usr, out);
out:
	free(dom);
	free(usr);
	return maj;
}

static OM_uint32 parse_service(OM_uint32 *minor, const char *s, struct gssn_name **out)
{
	const char *at = strchr(s, '@');
	if (at == s || !s[0])
		return bad_name(minor, "empty service in a host-based service name");
	if (strchr(s, '/') || strchr(s, '\\'))
		return bad_name(minor, "a host-based service name is service@host");
	if (at && !at[1])
		return bad_name(minor, "empty host after '@'");
	struct gssn_name *n = calloc(1, sizeof(*n));
	if (!n)
		return gssn_failf(minor, GSS_S_FAILURE, NTLM_E_NOMEM, "out of memory");
	n->kind = GSSN_SERVICE;
	n->service = at ? strndup(s, (size_t)(at - s)) : strdup(s);
	n->host = at ? strdup(at + 1) : NULL;
	if (!n->service || (at && !n->host)) {
		gssn_name_free(n);
		return gssn_failf(minor, GSS_S_FAILURE, NTLM_E_NOMEM, "out of memory");
	}
	*out = n;
	return gssn_ok(minor, GSS_S_COMPLETE);
}

static OM_uint32 uid_name(OM_uint32 *minor, uid_t uid, struct gssn_name **out)
{
	struct passwd pw, *res = NULL;
	char buf[4096];
	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) != 0 || !res)
		return bad_name(minor, "no such local user id");
	return gssn_name_user(minor, NULL, res->pw_name, out);
}

/* The RFC 2743 3.2 exported name: 04 01, OID length (2, big-endian), DER
 * OID, name length (4, big-endian), name. */
static OM_uint32 parse_export(OM_uint32 *minor, const gss_buffer_t b, struct gssn_name **out)
{
	const uint8_t *p = b->value;
	size_t n = b->length;
	if (n < 4 || p[0] != 4 || p[1] != 1)
		return bad_name(minor, "not an exported name token");
	size_t oidl = (size_t)p[2] << 8 | p[3];
	/* public: the mechanism OID */
	if (oidl != gssn_oid.length + 2 || n < 4 + oidl + 4 || p[4] != 6 ||
	    p[5] != gssn_oid.length ||
	    memcmp(p + 6, gssn_oid.elements, gssn_oid.length) != 0) /* public: OID */
		return gssn_failf(minor, GSS_S_BAD_MECH, NTLM_E_INVALID_ARGUMENT,
				  "name: exported name of another mechanism");
	const uint8_t *q = p + 4 + oidl;
	size_t nl = (size_t)q[0] << 24 | (size_t)q[1] << 16 | (size_t)q[2] << 8 | q[3];
	if (nl != n - 4 - oidl - 4)
		return bad_name(minor, "exported name: length does not match");
	gss_buffer_desc inner = { nl, (void *)(q + 4) };
	bool bad;
	char *s = gssn_buf_str(&inner, &bad);
	if (!s)
		return bad ? bad_name(minor, "NUL inside the name")
			   : gssn_failf(minor, GSS_S_FAILURE, NTLM_E_NOMEM, "out of memory");
	OM_uint32 maj = !s[0] || !printable(s) ? bad_name(minor, "not a user name")
					       : parse_user(minor, s, out);
	free(s);
	return maj;
}

MECH_EXPORT OM_uint32 gss_import_name(OM_uint32 *minor, gss_buffer_t in, gss_OID type,
				      gss_name_t *out)
{
	struct gssn_name *n = NULL;
	OM_uint32 maj;
	bool bad;

	if (!out)
		return gssn_failf(minor, GSS_S_CALL_INACCESSIBLE_WRITE, NTLM_E_INVALID_ARGUMENT,
				  "gss_import_name: NULL output");
	*out = GSS_C_NO_NAME;
	if (!in || (!in->value && in->length))
		return gssn_failf(minor, GSS_S_CALL_INACCESSIBLE_READ, NTLM_E_INVALID_ARGUMENT,
				  "gss_import_name: NULL input");
	if (in->length > NAME_MAX_LEN)
		return bad_name(minor, "longer than 512 bytes");
	if (type && gss_oid_equal(type, GSS_C_NT_EXPORT_NAME)) {
		maj = parse_export(minor, in, &n);
		goto done;
	}
	if (type && gss_oid_equal(type, &anon_oid)) {
		n = calloc(1, sizeof(*n));
		if (!n)
			return gssn_failf(minor, GSS_S_FAILURE, NTLM_E_NOMEM, "out of memory");
		n->kind = GSSN_ANONYMOUS;
		maj = gssn_ok(minor, GSS_S_COMPLETE);
		goto done;
	}
	char *s = gssn_buf_str(in, &bad);
	if (!s)
		return bad ? bad_name(minor, "NUL inside the name")
			   : gssn_failf(minor, GSS_S_FAILURE, NTLM_E_NOMEM, "out of memory");
	if (!s[0] && !(type && (gss_oid_equal(type, GSS_C_NT_MACHINE_UID_NAME) ||
				gss_oid_equal(type, GSS_C_NT_STRING_UID_NAME))))
		maj = bad_name(minor, "empty name");
	else if (!printable(s))
		maj = bad_name(minor, "control character in the name");
	else if (!type || gss_oid_equal(type, GSS_C_NT_USER_NAME))
		maj = parse_user(minor, s, &n);
	else if (gss_oid_equal(type, GSS_C_NT_HOSTBASED_SERVICE) ||
		 gss_oid_equal(type, GSS_C_NT_HOSTBASED_SERVICE_X))
		maj = parse_service(minor, s, &n);
	else if (gss_oid_equal(type, GSS_C_NT_STRING_UID_NAME)) {
		char *end;
		unsigned long uid = strtoul(s, &end, 10);
		maj = *s && !*end ? uid_name(minor, (uid_t)uid, &n)
				  : bad_name(minor, "not a decimal user id");
	} else if (gss_oid_equal(type, GSS_C_NT_MACHINE_UID_NAME)) {
		uid_t uid;
		maj = in->length == sizeof(uid)
			      ? (memcpy(&uid, in->value, sizeof(uid)), uid_name(minor, uid, &n))
			      : bad_name(minor, "a machine uid name is a uid_t");
	} else {
		maj = gssn_failf(minor, GSS_S_BAD_NAMETYPE, NTLM_E_INVALID_ARGUMENT,
				 "name: type not supported (user, host-based service, "
				 "anonymous, uid, export names are)");
	}
	free(s);
done:
	if (maj == GSS_S_COMPLETE)
		*out = (gss_name_t)n;
	return maj;
}

MECH_EXPORT OM_uint32 gssspi_import_name_by_mech(OM_uint32 *minor, gss_const_OID mech,
						 gss_buffer_t in, gss_OID type, gss_name_t *out)
{
	if (mech && !gss_oid_equal(mech, &gssn_oid))
		return gssn_failf(minor, GSS_S_BAD_MECH, NTLM_E_INVALID_ARGUMENT,
				  "name: another mechanism");
	return gss_import_name(minor, in, type, out);
}

MECH_EXPORT OM_uint32 gss_release_name(OM_uint32 *minor, gss_name_t *name)
{
	if (!name)
		return gssn_failf(minor, GSS_S_CALL_INACCESSIBLE_WRITE, NTLM_E_INVALID_ARGUMENT,
				  "gss_release_name: NULL");
	gssn_name_free((struct gssn_name *)*name);
	*name = GSS_C_NO_NAME;
	return gssn_ok(minor, GSS_S_COMPLETE);
}

MECH_EXPORT OM_uint32 gss_duplicate_name(OM_uint32 *minor, const gss_name_t in, gss_name_t *out)
{
	struct gssn_name *n = NULL;
	if (!out)
		return gssn_failf(minor, GSS_S_CALL_INACCESSIBLE_WRITE, NTLM_E_INVALID_ARGUMENT,
				  "gss_duplicate_name: NULL output");
	*out = GSS_C_NO_NAME;
	if (in == GSS_C_NO_NAME)
		return gssn_failf(minor, GSS_S_BAD_NAME, NTLM_E_INVALID_ARGUMENT,
				  "gss_duplicate_name: no name");
	OM_uint32 maj = gssn_name_dup(minor, (const struct gssn_name *)in, &n);
	if (maj == GSS_S_COMPLETE)
		*out = (gss_name_t)n;
	return maj;
}

MECH_EXPORT OM_uint32 gss_display_name(OM_uint32 *minor, gss_name_t name, gss_buffer_t out,
				       gss_OID *type)
{
	const struct gssn_name *n = (const struct gssn_name *)name;
	if (!out)
		return gssn_failf(minor, GSS_S_CALL_INACCESSIBLE_WRITE, NTLM_E_INVALID_ARGUMENT,
				  "gss_display_name: NULL output");
	if (!n)
		return gssn_failf(minor, GSS_S_BAD_NAME, NTLM_E_INVALID_ARGUMENT,
				  "gss_display_name: no name");
	char *s = gssn_name_text(n);
	if (!s)
		return gssn_failf(minor, GSS_S_FAILURE, NTLM_E_NOMEM, "out of memory");
	out->value = s;
	out->length = strlen(s);
	if (type)
		*type = n->kind == GSSN_USER	  ? GSS_C_NT_USER_NAME
			: n->kind == GSSN_SERVICE ? GSS_C_NT_HOSTBASED_SERVICE
						  : &anon_oid;
	return gssn_ok(minor, GSS_S_COMPLETE);
}

static bool eq_ci(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcasecmp(a, b) == 0; /* public: names */
}

MECH_EXPORT OM_uint32 gss_compare_name(OM_uint32 *minor, gss_name_t a, gss_name_t b, int *equal)
{
	const struct gssn_name *x = (const void *)a, *y = (const void *)b;
	if (!equal)
		return gssn_failf(minor, GSS_S_CALL_INACCESSIBLE_WRITE, NTLM_E_INVALID_ARGUMENT,
				  "gss_compare_name: NULL output");
	if (!x || !y)
		return gssn_failf(minor, GSS_S_BAD_NAME, NTLM_E_INVALID_ARGUMENT,
				  "gss_compare_name: no name");
	*equal = 0;
	if (x->kind != y->kind)
		return gssn_ok(minor, GSS_S_COMPLETE);
	if (x->kind == GSSN_USER)
		/* no domain on one side: any domain (gss-ntlmssp's rule) */
		*equal = eq_ci(x->user, y->user) &&
			 (!x->domain || !y->domain || eq_ci(x->domain, y->domain));
	else if (x->kind == GSSN_SERVICE)
		*equal = eq_ci(x->service, y->service) &&
			 (!x->host || !y->host || eq_ci(x->host, y->host));
	else
		*equal = 1;
	return gssn_ok(minor, GSS_S_COMPLETE);
}

/* The local account of an authenticated user: its user part, if a local
 * user of that name exists (gss-ntlmssp returns the user part unchecked). */
MECH_EXPORT OM_uint32 gss_localname(OM_uint32 *minor, const gss_name_t name,
				    gss_const_OID mech_type, gss_buffer_t localname)
{
	const struct gssn_name *n = (const struct gssn_name *)name;
	(void)mech_type;
	if (!localname)
		return gssn_failf(minor, GSS_S_CALL_INACCESSIBLE_WRITE, NTLM_E_INVALID_ARGUMENT,
				  "gss_localname: NULL output");
	if (!n || n->kind != GSSN_USER)
		return gssn_failf(minor, GSS_S_BAD_NAME, NTLM_E_INVALID_ARGUMENT,
				  "gss_localname: not a user name");
	struct passwd pw, *res = NULL;
	char buf[4096];
	if (getpwnam_r(n->user, &pw, buf, sizeof(buf), &res) != 0 || !res)
		return gssn_failf(minor, GSS_S_UNAVAILABLE, NTLM_E_NO_SUCH_USER,
				  "gss_localname: no local user '%s'", n->user);
	return gssn_buf_set(minor, localname, res->pw_name, strlen(res->pw_name));
}

MECH_EXPORT OM_uint32 gss_inquire_name(OM_uint32 *minor, gss_name_t name, int *name_is_MN,
				       gss_OID *MN_mech, gss_buffer_set_t *attrs)
{
	if (!name)
		return gssn_failf(minor, GSS_S_BAD_NAME, NTLM_E_INVALID_ARGUMENT,
				  "gss_inquire_name: no name");
	if (name_is_MN)
		*name_is_MN = 1;
	if (MN_mech)
		*MN_mech = &gssn_oid;
	if (attrs)
		*attrs = GSS_C_NO_BUFFER_SET; /* no name attributes (see docs/gssapi.md) */
	return gssn_ok(minor, GSS_S_COMPLETE);
}

MECH_EXPORT OM_uint32 gss_inquire_names_for_mech(OM_uint32 *minor, gss_OID mech, gss_OID_set *types)
{
	OM_uint32 m;
	(void)mech;
	if (!types)
		return gssn_failf(minor, GSS_S_CALL_INACCESSIBLE_WRITE, NTLM_E_INVALID_ARGUMENT,
				  "gss_inquire_names_for_mech: NULL output");
	if (GSS_ERROR(gss_create_empty_oid_set(&m, types)) ||
	    GSS_ERROR(gss_add_oid_set_member(&m, GSS_C_NT_USER_NAME, types)) ||
	    GSS_ERROR(gss_add_oid_set_member(&m, GSS_C_NT_HOSTBASED_SERVICE, types)) ||
	    GSS_ERROR(gss_add_oid_set_member(&m, &anon_oid, types)) ||
	    GSS_ERROR(gss_add_oid_set_member(&m, GSS_C_NT_STRING_UID_NAME, types)) ||
	    GSS_ERROR(gss_add_oid_set_member(&m, GSS_C_NT_MACHINE_UID_NAME, types)) ||
	    GSS_ERROR(gss_add_oid_set_member(&m, GSS_C_NT_EXPORT_NAME, types))) {
		gss_release_oid_set(&m, types);
		return gssn_failf(minor, GSS_S_FAILURE, NTLM_E_NOMEM, "out of memory");
	}
	return gssn_ok(minor, GSS_S_COMPLETE);
}
