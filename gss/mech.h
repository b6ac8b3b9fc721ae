/* SPDX-License-Identifier: MIT */
/*
 * gss/: the GSSAPI mechanism (ntlmssp_gss.so), loaded by MIT krb5's mechglue
 * from a mech.d line (docs/gssapi.md). A front end: it uses only the public
 * API (include/ntlmssp.h, include/ntlmssp/unstable.h) and turns GSSAPI calls
 * into ntlm_* calls. Every exported entry point is a gss_* / gssspi_* name
 * that mechglue looks up with dlsym; everything else is hidden.
 *
 * Objects handed to mechglue (names, credentials, contexts) are the structs
 * below, cast to the opaque GSSAPI handle types.
 */
#ifndef NTLM_GSS_MECH_H
#define NTLM_GSS_MECH_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>

#include "ntlmssp.h"
#include "ntlmssp/unstable.h"

#define MECH_EXPORT __attribute__((visibility("default")))

/* 1.3.6.1.4.1.311.2.2.10, the OID gss-ntlmssp and Windows use for NTLM. */
extern gss_OID_desc gssn_oid;
extern gss_OID_set_desc gssn_oid_set;

/* ---- names (names.c) ---------------------------------------------------- */
enum gssn_name_kind { GSSN_USER = 1, GSSN_SERVICE, GSSN_ANONYMOUS };

struct gssn_name {
	enum gssn_name_kind kind;
	char *domain;  /* user: may be NULL (any / the default domain) */
	char *user;    /* user */
	char *service; /* service: "HTTP" */
	char *host;    /* service: may be NULL */
};

OM_uint32 gssn_name_user(OM_uint32 *minor, const char *domain, const char *user,
			 struct gssn_name **out);
OM_uint32 gssn_name_dup(OM_uint32 *minor, const struct gssn_name *n, struct gssn_name **out);
void gssn_name_free(struct gssn_name *n);
/* "DOMAIN\user", "user", "service@host" as an allocated string. */
char *gssn_name_text(const struct gssn_name *n);
/* The target for ntlm_client_new: "service/host" for a service. */
char *gssn_name_target(const struct gssn_name *n);

/* ---- configuration and credentials (creds.c) ------------------------------ */

/* What every context of a credential shares: the policy, the audit sinks and
 * the names we announce. Reference counted; shared between threads. */
struct gssn_conf {
	atomic_int refs;
	struct ntlm_policy *policy;
	struct ntlm_audit *audit; /* NULL: no audit sink */
	char *nb_computer;	  /* NETBIOS_COMPUTER_NAME, or NULL */
	char *nb_domain;	  /* NETBIOS_DOMAIN_NAME, or NULL */
};

/* An acceptor's gss-ntlmssp user file (creds.c), read again whenever it
 * changes: the last lookup's answer is kept while the file's identity
 * (device, inode, size, mtime, ctime) stays the same. */
struct gssn_uf;

struct gssn_cred {
	atomic_int refs;
	gss_cred_usage_t usage;
	struct gssn_conf *conf;		/* owned reference */
	struct gssn_name *name;		/* owned; the initiator's user, or NULL */
	struct ntlm_cred *cred;		/* owned; initiator */
	struct ntlm_accounts *accounts; /* owned; acceptor */
	struct gssn_uf *user_file;	/* owned; acceptor reading NTLM_USER_FILE */
};

/* The process-wide default configuration (NTLMSSP_CONF, /etc/ntlmssp/ntlmssp.conf,
 * else the cis profile; then gss-ntlmssp's environment). A new reference. */
OM_uint32 gssn_conf_default(OM_uint32 *minor, struct gssn_conf **out);
struct gssn_conf *gssn_conf_ref(struct gssn_conf *c);
void gssn_conf_unref(struct gssn_conf *c);

/* Credentials for usage (GSS_C_INITIATE / GSS_C_ACCEPT / GSS_C_BOTH), from
 * the cred store (may be NULL) and the environment. password may be NULL. */
OM_uint32 gssn_cred_acquire(OM_uint32 *minor, const struct gssn_name *name,
			    const gss_buffer_t password, gss_cred_usage_t usage,
			    gss_const_key_value_set_t store, struct gssn_cred **out);
struct gssn_cred *gssn_cred_ref(struct gssn_cred *c);
void gssn_cred_unref(struct gssn_cred *c);
/* An acceptor's account store (ntlm_accounts) for the default places. */
OM_uint32 gssn_accounts_default(OM_uint32 *minor, struct gssn_cred *c);

/* ---- contexts (context.c) ------------------------------------------------- */
struct gssn_ctx {
	struct ntlm_ctx *ctx;
	bool initiator;
	bool established;
	struct gssn_cred *cred;	    /* owned reference: the ntlm_ctx borrows from it */
	struct gssn_conf *conf;	    /* owned reference */
	struct ntlm_cred *own_cred; /* owned; an imported client's credential */
	struct gssn_name *src;	    /* owned: initiator (or NULL until known) */
	struct gssn_name *targ;	    /* owned: acceptor / target (or NULL) */
	OM_uint32 req_flags;
	OM_uint32 ret_flags;
};

OM_uint32 gssn_ret_flags(const struct gssn_ctx *c);

/* ---- status (status.c) ---------------------------------------------------- */

/* Minor status codes are ntlm_status values. A failure records the library's
 * (or our) one-line detail for this thread, which display_status returns
 * with the code's text. */
OM_uint32 gssn_fail(OM_uint32 *minor, OM_uint32 major, ntlm_status st);
OM_uint32 gssn_failf(OM_uint32 *minor, OM_uint32 major, ntlm_status st, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* The detail recorded for minor on this thread (or the code's fixed text). */
void gssn_status_detail(OM_uint32 minor, char *buf, size_t len);
/* The GSS major status for a library failure. */
OM_uint32 gssn_major(ntlm_status st);
/* gssn_fail with the major that fits st. */
static inline OM_uint32 gssn_lib_fail(OM_uint32 *minor, ntlm_status st)
{
	return gssn_fail(minor, gssn_major(st), st);
}

static inline OM_uint32 gssn_ok(OM_uint32 *minor, OM_uint32 major)
{
	if (minor)
		*minor = 0;
	return major;
}

/* Secrets: wipe before free (volatile, so the compiler keeps it). */
void gssn_wipe(void *p, size_t n);
/* malloc'd copy of a buffer as a NUL-terminated string; NULL if it holds a
 * NUL or allocation fails (*bad says which). */
char *gssn_buf_str(const gss_buffer_t b, bool *bad);
/* malloc'd output buffer with a copy of p (GSSAPI frees it with free()). */
OM_uint32 gssn_buf_set(OM_uint32 *minor, gss_buffer_t out, const void *p, size_t n);

#endif
