/* SPDX-License-Identifier: MIT */
/*
 * gss/creds.c: configuration and credentials.
 *
 * Configuration, as the rest of ntlmssp reads it: the policy file named by
 * NTLMSSP_CONF, else /etc/ntlmssp/ntlmssp.conf when it exists, else the cis
 * profile; a file that is named or present but does not load is an error,
 * never a silent fallback. Then gss-ntlmssp's environment, for migrants:
 * LM_COMPAT_LEVEL sets LmCompatibilityLevel, NETBIOS_COMPUTER_NAME and
 * NETBIOS_DOMAIN_NAME the names we announce. Audit records go to the JSON
 * Lines file NTLMSSP_AUDIT_LOG, else to syslog; NTLMSSP_AUDIT_LOG=none turns
 * the sink off (the policy still decides which events exist).
 *
 * Initiator credentials: a password (gss_acquire_cred_with_password, or the
 * cred store's ntlmssp_password / ntlmssp_nthash), else the first matching
 * DOMAIN:USER:PASSWORD line of the user file (cred store ntlmssp_keyfile,
 * else NTLM_USER_FILE).
 *
 * Acceptor credentials, the first that is set: the account backends of the
 * cred store's "accounts" or of NTLMSSP_ACCOUNTS (a spec as ntlm server
 * --accounts takes: PATH, file:PATH, winbind, or several); gss-ntlmssp's
 * user file named by the cred store's ntlmssp_keyfile; the policy's
 * [ntlmssp] Accounts; gss-ntlmssp's user file NTLM_USER_FILE; the store
 * /etc/ntlmssp/accounts when it exists. A user file is read again when it
 * changes (looked at once a second: uf_accounts); gss-ntlmssp reads it at
 * each logon.
 *
 * Cred store keys (gss_acquire_cred_from): ntlmssp_conf, accounts,
 * audit_log, and gss-ntlmssp's ntlmssp_domain, ntlmssp_password,
 * ntlmssp_nthash, ntlmssp_keyfile.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mech.h"

#define SYS_CONF "/etc/ntlmssp/ntlmssp.conf"
#define SYS_ACCOUNTS "/etc/ntlmssp/accounts"

gss_OID_desc gssn_oid = { 10, (void *)"\x2b\x06\x01\x04\x01\x82\x37\x02\x02\x0a" };
gss_OID_set_desc gssn_oid_set = { 1, &gssn_oid };

/* ---- configuration -------------------------------------------------------- */

struct gssn_conf *gssn_conf_ref(struct gssn_conf *c)
{
	if (c)
		atomic_fetch_add(&c->refs, 1);
	return c;
}

void gssn_conf_unref(struct gssn_conf *c)
{
	if (!c || atomic_fetch_sub(&c->refs, 1) != 1)
		return;
	ntlm_audit_close(c->audit);
	ntlm_policy_free(c->policy);
	free(c->nb_computer);
	free(c->nb_domain);
	free(c);
}

static const char *store_get(gss_const_key_value_set_t store, const char *key)
{
	if (!store)
		return NULL;
	for (OM_uint32 i = 0; i < store->count; i++)
		/* public: cred store key names */
		if (store->elements[i].key && strcmp(store->elements[i].key, key) == 0)
			return store->elements[i].value;
	return NULL;
}

static const char *env(const char *name)
{
	const char *v = secure_getenv(name);
	return v && v[0] ? v : NULL;
}

/* Builds a configuration: conf_path (NULL: NTLMSSP_CONF, the system file or
 * cis), audit_path (NULL: NTLMSSP_AUDIT_LOG, else the policy's AuditLog). */
static OM_uint32 conf_new(OM_uint32 *minor, const char *conf_path, const char *audit_path,
			  struct gssn_conf **out)
{
	ntlm_status st;
	OM_uint32 maj;
	struct gssn_conf *c = calloc(1, sizeof(*c));
	if (!c)
		return gssn_failf(minor, GSS_S_FAILURE, NTLM_E_NOMEM, "out of memory");
	atomic_init(&c->refs, 1);
	if (!conf_path)
		conf_path = env("NTLMSSP_CONF");
	if (!conf_path && access(SYS_CONF, F_OK) == 0)
		conf_path = SYS_CONF;
	st = conf_path ? ntlm_policy_load(conf_path, &c->policy)
		       : ntlm_policy_new(NULL, &c->policy);
	if (st != NTLM_OK) {
		maj = gssn_fail(minor, GSS_S_FAILURE, st);
		goto fail;
	}
	const char *lvl = env("LM_COMPAT_LEVEL");
	if (lvl &&
	    (st = ntlm_policy_set_value(c->policy, "LmCompatibilityLevel", lvl)) != NTLM_OK) {
		maj = gssn_failf(minor, GSS_S_FAILURE, st, "LM_COMPAT_LEVEL: %s",
				 ntlm_error_message());
		goto fail;
	}
	if (!audit_path)
		audit_path = env("NTLMSSP_AUDIT_LOG");
	/* public: a path */
	if (!audit_path || strcmp(audit_path, "none") != 0) {
		if ((st = ntlm_audit_open(&c->audit)) != NTLM_OK ||
		    (st = audit_path ? ntlm_audit_to_file(c->audit, audit_path)
				     : ntlm_audit_to_policy(c->audit, c->policy, "ntlmssp-gss")) !=
			    NTLM_OK) {
			maj = gssn_fail(minor, GSS_S_FAILURE, st);
			goto fail;
		}
	}
	const char *nc = env("NETBIOS_COMPUTER_NAME"), *nd = env("NETBIOS_DOMAIN_NAME");
	if ((nc && !(c->nb_computer = strdup(nc))) || (nd && !(c->nb_domain = strdup(nd)))) {
		maj = gssn_failf(minor, GSS_S_FAILURE, NTLM_E_NOMEM, "out of memory");
		goto fail;
	}
	*out = c;
	return gssn_ok(minor, GSS_S_COMPLETE);
fail:
	gssn_conf_unref(c);
	return maj;
}

/* The default configuration is loaded once per process; a failure is kept
 * too (with its message), so every call reports the same cause. */
static pthread_once_t default_once = PTHREAD_ONCE_INIT;
static struct gssn_conf *default_conf;
static ntlm_status default_st;
static char default_msg[512];

static void load_default(void)
{
	OM_uint32 min = 0;
	if (conf_new(&min, NULL, NULL, &default_conf) != GSS_S_COMPLETE) {
		default_st = (ntlm_status)min;
		gssn_status_detail(min, default_msg, sizeof(default_msg));
	}
}

__attribute__((destructor)) static void unload_default(void)
{
	gssn_conf_unref(default_conf);
	default_conf = NULL;
}

OM_uint32 gssn_conf_default(OM_uint32 *minor, struct gssn_conf **out)
{
	pthread_once(&default_once, load_default);
	if (!default_conf)
		return gssn_failf(minor, GSS_S_FAILURE, default_st, "%s", default_msg);
	*out = gssn_conf_ref(default_conf);
	return gssn_ok(minor, GSS_S_COMPLETE);
}

/* ---- gss-ntlmssp's user file ---------------------------------------------- */

/* One line of the file: DOMAIN:USER:PASSWORD (Heimdal's format, gss-ntlmssp's
 * NTLM_USER_FILE), or smbpasswd's USER:UID:LMHASH:NTHASH:... (the user may be
 * DOMAIN\USER). Fills the names and either the password or the NT hash. */
struct uf_line {
	char *domain; /* may be NULL */
	char *user;
	char *password; /* points into the line, or NULL */
	uint8_t nt[16];
	bool has_nt;
};

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool parse_uf_line(char *l, struct uf_line *u)
{
	memset(u, 0, sizeof(*u));
	l[strcspn(l, "\r\n")] = '\0';
	if (l[0] == '#' || !l[0])
		return false;
	char *f[5] = { l };
	int n = 1;
	for (char *p = l; *p && n < 5; p++)
		if (*p == ':') {
			*p = '\0';
			f[n++] = p + 1;
		}
	if (n == 3) { /* DOMAIN:USER:PASSWORD; the password may hold ':' */
		u->domain = f[0][0] ? f[0] : NULL;
		u->user = f[1];
		u->password = f[2];
		return u->user[0] != '\0';
	}
	if (n >= 4) { /* smbpasswd */
		u->user = f[0];
		char *bs = strchr(u->user, '\\');
		if (bs) {
			*bs = '\0';
			u->domain = u->user;
			u->user = bs + 1;
		}
		const char *h = f[3];
		if (strlen(h) != 32) /* fields after NTHASH are ignored */
			return false;
		for (int i = 0; i < 16; i++) {
			int a = hexval(h[2 * i]), b = hexval(h[2 * i + 1]);
			if (a < 0 || b < 0)
				return false;
			u->nt[i] = (uint8_t)(a << 4 | b);
		}
		u->has_nt = true;
		return u->user[0] != '\0';
	}
	return false;
}

/* Finds user (and domain, when both sides have one) in the file; fills nt
 * with the NT hash. NTLM_E_NO_SUCH_USER when absent. */
static ntlm_status uf_lookup(const char *path, const char *domain, const char *user, char *dom_out,
			     size_t dom_len, char *user_out, size_t user_len, uint8_t nt[16])
{
	FILE *f = fopen(path, "re");
	if (!f)
		return NTLM_E_ACCOUNTS_FILE;
	char *line = NULL;
	size_t cap = 0;
	ntlm_status st = NTLM_E_NO_SUCH_USER;
	struct uf_line u;
	while (getline(&line, &cap, f) > 0) {
		if (!parse_uf_line(line, &u))
			continue;
		/* public: user names */
		if (user && strcasecmp(u.user, user) != 0)
			continue;
		/* public: domain names */
		if (domain && domain[0] && u.domain && strcasecmp(u.domain, domain) != 0)
			continue;
		if (u.has_nt) {
			memcpy(nt, u.nt, 16);
			st = NTLM_OK;
		} else {
			st = ntlm_hash_nt(u.password, nt);
		}
		if (dom_out)
			snprintf(dom_out, dom_len, "%s", u.domain ? u.domain : "");
		if (user_out)
			snprintf(user_out, user_len, "%s", u.user);
		gssn_wipe(&u, sizeof(u));
		break;
	}
	if (line) {
		gssn_wipe(line, cap);
		free(line);
	}
	fclose(f);
	return st;
}

struct gssn_uf {
	char *path;
	pthread_mutex_t lock;
	bool cached;
	struct stat id;	    /* the file when the answer below was read */
	int64_t checked_ms; /* when id was last compared with the file (monotonic) */
	char domain[256], user[256];
	ntlm_status st;
	uint8_t nt[16]; /* secret */
};

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* How long a lookup's answer stands without looking at the file again. */
#define UF_RECHECK_MS 1000

/* ntlm_accounts callback over the user file. gss-ntlmssp reads the file at
 * each logon; we read it again when it has changed (device, inode, size,
 * mtime, ctime), looking at most once a second: the same lookup within that
 * second, or on an unchanged file, costs no system call, no parsing and no
 * NT hash. An edit is seen by the logons that start a second later. */
static ntlm_status uf_accounts(void *arg, const char *domain, const char *user, uint8_t nt[16])
{
	struct gssn_uf *uf = arg;
	struct stat sb;
	const char *d = domain ? domain : "";
	ntlm_status st;
	int64_t now = now_ms();
	bool have = false; /* sb holds the file's identity */

	pthread_mutex_lock(&uf->lock);
	/* public: names */
	if (uf->cached && strcmp(uf->domain, d) == 0 && strcmp(uf->user, user) == 0) {
		if (now - uf->checked_ms >= UF_RECHECK_MS) {
			have = stat(uf->path, &sb) == 0;
			if (have && same_file(&uf->id, &sb))
				uf->checked_ms = now;
		}
		if (now - uf->checked_ms < UF_RECHECK_MS) {
			st = uf->st;
			if (st == NTLM_OK)
				memcpy(nt, uf->nt, 16);
			pthread_mutex_unlock(&uf->lock);
			return st;
		}
	}
	pthread_mutex_unlock(&uf->lock);
	if (!have && stat(uf->path, &sb) != 0)
		return NTLM_E_ACCOUNTS_FILE;
	st = uf_lookup(uf->path, domain, user, NULL, 0, NULL, 0, nt);
	if ((st != NTLM_OK && st != NTLM_E_NO_SUCH_USER) || strlen(d) >= sizeof(uf->domain) ||
	    strlen(user) >= sizeof(uf->user))
		return st;
	pthread_mutex_lock(&uf->lock);
	uf->cached = true;
	uf->id = sb; /* from before the read: a change since then reads again */
	uf->checked_ms = now;
	snprintf(uf->domain, sizeof(uf->domain), "%s", d);
	snprintf(uf->user, sizeof(uf->user), "%s", user);
	uf->st = st;
	if (st == NTLM_OK)
		memcpy(uf->nt, nt, 16);
	else
		gssn_wipe(uf->nt, 16);
	pthread_mutex_unlock(&uf->lock);
	return st;
}

static void uf_free(struct gssn_uf *uf)
{
	if (!uf)
		return;
	pthread_mutex_destroy(&uf->lock);
	free(uf->path);
	gssn_wipe(uf, sizeof(*uf));
	free(uf);
}

static struct gssn_uf *uf_new(const char *path)
{
	struct gssn_uf *uf = calloc(1, sizeof(*uf));
	if (!uf)
		return NULL;
	if (!(uf->path = strdup(path))) {
		free(uf);
		return NULL;
	}
	pthread_mutex_init(&uf->lock, NULL);
	return uf;
}

/* ---- credentials ---------------------------------------------------------- */

struct gssn_cred *gssn_cred_ref(struct gssn_cred *c)
{
	if (c)
		atomic_fetch_add(&c->refs, 1);
	return c;
}

void gssn_cred_unref(struct gssn_cred *c)
{
	if (!c || atomic_fetch_sub(&c->refs, 1) != 1)
		return;
	ntlm_cred_free(c->cred);
	ntlm_accounts_close(c->accounts);
	uf_free(c->user_file);
	gssn_name_free(c->name);
	gssn_conf_unref(c->conf);
	free(c);
}

static OM_uint32 acceptor_accounts(OM_uint32 *minor, struct gssn_cred *c,
				   gss_const_key_value_set_t store)
{
	ntlm_status st;
	const char *acc = store_get(store, "accounts");
	const char *uf = store_get(store, "ntlmssp_keyfile");
	if (!acc && !uf)
		acc = env("NTLMSSP_ACCOUNTS");
	if (acc) {
		st = ntlm_accounts_open_spec(acc, &c->accounts);
		return st == NTLM_OK ? gssn_ok(minor, GSS_S_COMPLETE)
				     : gssn_fail(minor, GSS_S_NO_CRED, st);
	}
	if (!uf) {
		/* The policy's [ntlmssp] Accounts (file:PATH, winbind), as ntlm
		 * server and ntlm httpd read it; "no account backends" when unset. */
		st = ntlm_accounts_open_policy(c->conf->policy, NULL, &c->accounts);
		if (st == NTLM_OK)
			return gssn_ok(minor, GSS_S_COMPLETE);
		if (st != NTLM_E_INVALID_ARGUMENT)
			return gssn_fail(minor, GSS_S_NO_CRED, st);
		uf = env("NTLM_USER_FILE");
	}
	if (!uf && access(SYS_ACCOUNTS, F_OK) == 0) {
		st = ntlm_accounts_open(SYS_ACCOUNTS, &c->accounts);
		return st == NTLM_OK ? gssn_ok(minor, GSS_S_COMPLETE)
				     : gssn_fail(minor, GSS_S_NO_CRED, st);
	}
	if (!uf)
		return gssn_failf(minor, GSS_S_NO_CRED, NTLM_E_NO_SUCH_USER,
				  "acceptor: no account store (cred store 'accounts', "
				  "NTLMSSP_ACCOUNTS, the policy's [ntlmssp] Accounts, "
				  "NTLM_USER_FILE or " SYS_ACCOUNTS ")");
	if (access(uf, R_OK) != 0)
		return gssn_failf(minor, GSS_S_NO_CRED, NTLM_E_ACCOUNTS_FILE, "%s: %s", uf,
				  strerror(errno));
	if (!(c->user_file = uf_new(uf)))
		return gssn_failf(minor, GSS_S_FAILURE, NTLM_E_NOMEM, "out of memory");
	st = ntlm_accounts_new_callback(uf_accounts, c->user_file, &c->accounts);
	return st == NTLM_OK ? gssn_ok(minor, GSS_S_COMPLETE) : gssn_fail(minor, GSS_S_FAILURE, st);
}

static bool hex16(const char *h, uint8_t out[16])
{
	if (strlen(h) != 32)
		return false;
	for (int i = 0; i < 16; i++) {
		int a = hexval(h[2 * i]), b = hexval(h[2 * i + 1]);
		if (a < 0 || b < 0)
			return false;
		out[i] = (uint8_t)(a << 4 | b);
	}
	return true;
}

static OM_uint32 initiator_cred(OM_uint32 *minor, struct gssn_cred *c, const struct gssn_name *name,
				const gss_buffer_t password, gss_const_key_value_set_t store)
{
	ntlm_status st;
	OM_uint32 maj;
	const char *domain = name && name->kind == GSSN_USER ? name->domain : NULL;
	const char *user = name && name->kind == GSSN_USER ? name->user : NULL;
	const char *sdom = store_get(store, "ntlmssp_domain");
	if (sdom)
		domain = sdom;
	if (name && name->kind != GSSN_USER)
		return gssn_failf(minor, GSS_S_BAD_NAME, NTLM_E_INVALID_ARGUMENT,
				  "initiator credentials need a user name");
	const char *spw = store_get(store, "ntlmssp_password");
	const char *shash = store_get(store, "ntlmssp_nthash");
	if (password || spw || shash) {
		if (!user)
			return gssn_failf(minor, GSS_S_BAD_NAME, NTLM_E_INVALID_ARGUMENT,
					  "a password needs a user name");
		if (shash) {
			uint8_t h[16];
			if (!hex16(shash, h))
				return gssn_failf(minor, GSS_S_FAILURE, NTLM_E_INVALID_ARGUMENT,
						  "ntlmssp_nthash: not 32 hex digits");
			st = ntlm_cred_new_hash(domain ? domain : "", user, h, &c->cred);
			gssn_wipe(h, sizeof(h));
		} else {
			bool bad = false;
			char *pw = spw ? strdup(spw) : gssn_buf_str(password, &bad);
			if (!pw)
				return bad ? gssn_failf(minor, GSS_S_FAILURE, NTLM_E_BAD_STRING,
							"password: NUL inside")
					   : gssn_failf(minor, GSS_S_FAILURE, NTLM_E_NOMEM,
							"out of memory");
			st = ntlm_cred_new_password(domain ? domain : "", user, pw, &c->cred);
			gssn_wipe(pw, strlen(pw));
			free(pw);
		}
		if (st != NTLM_OK)
			return gssn_fail(minor, GSS_S_FAILURE, st);
		return gssn_name_user(minor, domain, user, &c->name);
	}
	const char *uf = store_get(store, "ntlmssp_keyfile");
	if (!uf)
		uf = env("NTLM_USER_FILE");
	if (!uf)
		return gssn_failf(minor, GSS_S_NO_CRED, NTLM_E_NO_SUCH_USER,
				  "initiator: no password and no user file (NTLM_USER_FILE)");
	char fdom[256], fuser[256];
	uint8_t nt[16];
	st = uf_lookup(uf, domain, user, fdom, sizeof(fdom), fuser, sizeof(fuser), nt);
	if (st == NTLM_E_ACCOUNTS_FILE)
		return gssn_failf(minor, GSS_S_NO_CRED, st, "%s: %s", uf, strerror(errno));
	if (st == NTLM_E_NO_SUCH_USER)
		return gssn_failf(minor, GSS_S_NO_CRED, st, "%s: no entry for %s%s%s", uf,
				  domain ? domain : "", domain ? "\\" : "",
				  user ? user : "any user");
	if (st != NTLM_OK)
		return gssn_fail(minor, GSS_S_NO_CRED, st);
	if (domain)
		snprintf(fdom, sizeof(fdom), "%s", domain);
	st = ntlm_cred_new_hash(fdom, fuser, nt, &c->cred);
	gssn_wipe(nt, sizeof(nt));
	if (st != NTLM_OK)
		return gssn_fail(minor, GSS_S_FAILURE, st);
	maj = gssn_name_user(minor, fdom[0] ? fdom : NULL, fuser, &c->name);
	return maj;
}

OM_uint32 gssn_cred_acquire(OM_uint32 *minor, const struct gssn_name *name,
			    const gss_buffer_t password, gss_cred_usage_t usage,
			    gss_const_key_value_set_t store, struct gssn_cred **out)
{
	OM_uint32 maj;
	*out = NULL;
	if (usage != GSS_C_INITIATE && usage != GSS_C_ACCEPT && usage != GSS_C_BOTH)
		return gssn_failf(minor, GSS_S_FAILURE, NTLM_E_INVALID_ARGUMENT,
				  "credential usage %d", (int)usage);
	struct gssn_cred *c = calloc(1, sizeof(*c));
	if (!c)
		return gssn_failf(minor, GSS_S_FAILURE, NTLM_E_NOMEM, "out of memory");
	atomic_init(&c->refs, 1);
	c->usage = usage;
	const char *cp = store_get(store, "ntlmssp_conf"), *ap = store_get(store, "audit_log");
	maj = cp || ap ? conf_new(minor, cp, ap, &c->conf) : gssn_conf_default(minor, &c->conf);
	if (maj != GSS_S_COMPLETE)
		goto fail;
	if (usage != GSS_C_ACCEPT) {
		maj = initiator_cred(minor, c, name, password, store);
		if (maj != GSS_S_COMPLETE)
			goto fail;
	}
	if (usage != GSS_C_INITIATE) {
		maj = acceptor_accounts(minor, c, store);
		if (maj != GSS_S_COMPLETE)
			goto fail;
		if (!c->name && name && (maj = gssn_name_dup(minor, name, &c->name)) != 0)
			goto fail;
	}
	*out = c;
	return gssn_ok(minor, GSS_S_COMPLETE);
fail:
	gssn_cred_unref(c);
	return maj;
}

/* ---- entry points --------------------------------------------------------- */

static bool mech_wanted(const gss_OID_set mechs)
{
	if (mechs == GSS_C_NO_OID_SET)
		return true;
	for (size_t i = 0; i < mechs->count; i++)
		if (gss_oid_equal(&mechs->elements[i], &gssn_oid))
			return true;
	return false;
}

static OM_uint32 acquire(OM_uint32 *minor, gss_const_name_t desired_name,
			 const gss_buffer_t password, const gss_OID_set desired_mechs,
			 gss_cred_usage_t usage, gss_const_key_value_set_t store,
			 gss_cred_id_t *out, gss_OID_set *actual_mechs, OM_uint32 *time_rec)
{
	struct gssn_cred *c;
	if (!out)
		return gssn_failf(minor, GSS_S_CALL_INACCESSIBLE_WRITE, NTLM_E_INVALID_ARGUMENT,
				  "acquire_cred: NULL output");
	*out = GSS_C_NO_CREDENTIAL;
	if (actual_mechs)
		*actual_mechs = GSS_C_NO_OID_SET;
	if (!mech_wanted(desired_mechs))
		return gssn_failf(minor, GSS_S_BAD_MECH, NTLM_E_INVALID_ARGUMENT,
				  "acquire_cred: NTLM not among the desired mechanisms");
	OM_uint32 maj = gssn_cred_acquire(minor, (const struct gssn_name *)desired_name, password,
					  usage, store, &c);
	if (maj != GSS_S_COMPLETE)
		return maj;
	if (actual_mechs) {
		OM_uint32 m;
		if (GSS_ERROR(gss_create_empty_oid_set(&m, actual_mechs)) ||
		    GSS_ERROR(gss_add_oid_set_member(&m, &gssn_oid, actual_mechs))) {
			gssn_cred_unref(c);
			return gssn_failf(minor, GSS_S_FAILURE, NTLM_E_NOMEM, "out of memory");
		}
	}
	if (time_rec)
		*time_rec = GSS_C_INDEFINITE;
	*out = (gss_cred_id_t)c;
	return gssn_ok(minor, GSS_S_COMPLETE);
}

MECH_EXPORT OM_uint32 gss_acquire_cred(OM_uint32 *minor, gss_name_t desired_name,
				       OM_uint32 time_req, gss_OID_set desired_mechs,
				       gss_cred_usage_t usage, gss_cred_id_t *out,
				       gss_OID_set *actual_mechs, OM_uint32 *time_rec)
{
	(void)time_req;
	return acquire(minor, desired_name, NULL, desired_mechs, usage, NULL, out, actual_mechs,
		       time_rec);
}

MECH_EXPORT OM_uint32 gss_acquire_cred_from(OM_uint32 *minor, gss_name_t desired_name,
					    OM_uint32 time_req, gss_OID_set desired_mechs,
					    gss_cred_usage_t usage, gss_const_key_value_set_t store,
					    gss_cred_id_t *out, gss_OID_set *actual_mechs,
					    OM_uint32 *time_rec)
{
	(void)time_req;
	return acquire(minor, desired_name, NULL, desired_mechs, usage, store, out, actual_mechs,
		       time_rec);
}

MECH_EXPORT OM_uint32 gssspi_acquire_cred_with_password(
	OM_uint32 *minor, const gss_name_t desired_name, const gss_buffer_t password,
	OM_uint32 time_req, const gss_OID_set desired_mechs, gss_cred_usage_t usage,
	gss_cred_id_t *out, gss_OID_set *actual_mechs, OM_uint32 *time_rec)
{
	(void)time_req;
	if (!password || (!password->value && password->length))
		return gssn_failf(minor, GSS_S_CALL_INACCESSIBLE_READ, NTLM_E_INVALID_ARGUMENT,
				  "acquire_cred_with_password: no password");
	if (usage == GSS_C_ACCEPT)
		return gssn_failf(minor, GSS_S_FAILURE, NTLM_E_INVALID_ARGUMENT,
				  "a password makes initiator credentials only");
	if (desired_name == GSS_C_NO_NAME)
		return gssn_failf(minor, GSS_S_BAD_NAME, NTLM_E_INVALID_ARGUMENT,
				  "a password needs a user name");
	return acquire(minor, desired_name, password, desired_mechs, usage, NULL, out, actual_mechs,
		       time_rec);
}

MECH_EXPORT OM_uint32 gss_release_cred(OM_uint32 *minor, gss_cred_id_t *cred)
{
	if (!cred)
		return gssn_failf(minor, GSS_S_CALL_INACCESSIBLE_WRITE, NTLM_E_INVALID_ARGUMENT,
				  "gss_release_cred: NULL");
	gssn_cred_unref((struct gssn_cred *)*cred);
	*cred = GSS_C_NO_CREDENTIAL;
	return gssn_ok(minor, GSS_S_COMPLETE);
}

MECH_EXPORT OM_uint32 gss_inquire_cred(OM_uint32 *minor, gss_cred_id_t cred, gss_name_t *name,
				       OM_uint32 *lifetime, gss_cred_usage_t *usage,
				       gss_OID_set *mechs)
{
	struct gssn_cred *c = (struct gssn_cred *)cred, *def = NULL;
	OM_uint32 maj;
	if (!c) { /* the default initiator credential */
		maj = gssn_cred_acquire(minor, NULL, NULL, GSS_C_INITIATE, NULL, &def);
		if (maj != GSS_S_COMPLETE)
			return maj;
		c = def;
	}
	if (name) {
		*name = GSS_C_NO_NAME;
		if (c->name) {
			struct gssn_name *n;
			if ((maj = gssn_name_dup(minor, c->name, &n)) != GSS_S_COMPLETE)
				goto out;
			*name = (gss_name_t)n;
		}
	}
	if (lifetime)
		*lifetime = GSS_C_INDEFINITE;
	if (usage)
		*usage = c->usage;
	if (mechs) {
		OM_uint32 m;
		if (GSS_ERROR(gss_create_empty_oid_set(&m, mechs)) ||
		    GSS_ERROR(gss_add_oid_set_member(&m, &gssn_oid, mechs))) {
			maj = gssn_failf(minor, GSS_S_FAILURE, NTLM_E_NOMEM, "out of memory");
			goto out;
		}
	}
	maj = gssn_ok(minor, GSS_S_COMPLETE);
out:
	gssn_cred_unref(def);
	return maj;
}

MECH_EXPORT OM_uint32 gss_inquire_cred_by_mech(OM_uint32 *minor, gss_cred_id_t cred, gss_OID mech,
					       gss_name_t *name, OM_uint32 *init_lifetime,
					       OM_uint32 *accept_lifetime, gss_cred_usage_t *usage)
{
	gss_cred_usage_t u = 0;
	if (mech && !gss_oid_equal(mech, &gssn_oid))
		return gssn_failf(minor, GSS_S_BAD_MECH, NTLM_E_INVALID_ARGUMENT,
				  "inquire_cred_by_mech: another mechanism");
	OM_uint32 maj = gss_inquire_cred(minor, cred, name, NULL, &u, NULL);
	if (maj != GSS_S_COMPLETE)
		return maj;
	if (init_lifetime)
		*init_lifetime = u != GSS_C_ACCEPT ? GSS_C_INDEFINITE : 0;
	if (accept_lifetime)
		*accept_lifetime = u != GSS_C_INITIATE ? GSS_C_INDEFINITE : 0;
	if (usage)
		*usage = u;
	return maj;
}
