/* SPDX-License-Identifier: MIT */
/* accounts: the file store (format, case rules, every error), the callback
 * store, the interface dispatch, wiping. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "accounts/accounts.h"

/* NT hash of "Password" (MS-NLMP 4.2.2.1.2) and two others. */
#define H_PASSWORD "a4f49c406510bdcab6824ee7c30fd852"
#define H_B "8846F7EAEE8FB117AD06BDD830B7586C"
#define H_C "00112233445566778899aabbccddeeff"

static char dir[4096];
static char path[4200];

static int setup(void **state)
{
	(void)state;
	if (t_mkdtemp(dir, sizeof(dir), "accounts") != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/accounts", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	rmdir(dir);
	return 0;
}

static void write_file(const char *data, size_t len)
{
	t_write_file(path, data, len);
}

static struct ntlm_accounts *load(const char *text)
{
	struct ntlm_accounts *s = NULL;
	write_file(text, strlen(text));
	ntlm_status st = ntlm_accounts_file_open(path, &s);
	if (st != NTLM_OK)
		fail_msg("load: %s: %s", ntlm_status_name(st), ntlm_error_message());
	return s;
}

static void expect_found(struct ntlm_accounts *s, const char *d, const char *u, const char *hash,
			 const char *want_d, const char *want_u)
{
	struct ntlm_account a;
	ntlm_status st = ntlm_accounts_lookup(s, d, u, &a);
	if (st != NTLM_OK)
		fail_msg("lookup \"%s\"\\\"%s\": %s: %s", d, u, ntlm_status_name(st),
			 ntlm_error_message());
	assert_hex_equal(a.nt_hash, 16, hash);
	assert_string_equal(a.domain, want_d);
	assert_string_equal(a.user, want_u);
	ntlm_account_clear(&a);
}

static void expect_absent(struct ntlm_accounts *s, const char *d, const char *u)
{
	struct ntlm_account a;
	assert_int_equal(ntlm_accounts_lookup(s, d, u, &a), NTLM_E_NO_SUCH_USER);
}

static bool all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

/* ---- the file store: lookups ------------------------------------------- */

static void test_lookup_case_insensitive(void **state)
{
	(void)state;
	struct ntlm_accounts *s = load("# accounts\n"
				       "\n"
				       "   \t\n"
				       "CORP:alice:" H_PASSWORD "\n"
				       "  corp : Bob :  " H_B "  \n"
				       "   # an indented comment\n"
				       "CORP:Zoë:" H_C "\n");
	expect_found(s, "CORP", "alice", H_PASSWORD, "CORP", "alice");
	expect_found(s, "corp", "ALICE", H_PASSWORD, "CORP", "alice");
	expect_found(s, "Corp", "aLiCe", H_PASSWORD, "CORP", "alice");
	expect_found(s, "CORP", "bob", H_B, "corp", "Bob");
	expect_found(s, "corp", "ZOË", H_C, "CORP", "Zoë"); /* non-ASCII upper-casing */
	expect_found(s, "corp", "zoë", H_C, "CORP", "Zoë");
	expect_absent(s, "CORP", "zoe"); /* no accent folding */
	expect_absent(s, "OTHER", "alice");
	expect_absent(s, "", "alice"); /* an empty client domain is not a wildcard */
	expect_absent(s, "CORP", "alic");
	expect_absent(s, "CORP", "alice ");
	expect_absent(s, "CORP", "\xff"); /* invalid UTF-8 from the peer matches nothing */
	ntlm_accounts_free(s);
}

/* Full Unicode case mapping: upper("straße") = "STRASSE", so both spellings
 * name one account (docs/accounts.md: broader than Windows' 1:1 table). */
static void test_lookup_full_case_mapping(void **state)
{
	(void)state;
	struct ntlm_accounts *s = load("Straße:straße:" H_PASSWORD "\n"
				       "ΕΛΛΑΣ:Σοφία:" H_B "\n");
	expect_found(s, "STRASSE", "STRASSE", H_PASSWORD, "Straße", "straße");
	expect_found(s, "strasse", "Strasse", H_PASSWORD, "Straße", "straße");
	expect_found(s, "straße", "STRAßE", H_PASSWORD, "Straße", "straße");
	/* Both sigmas upper-case to Σ; accents are kept, not folded away. */
	expect_found(s, "ελλας", "ΣΟΦΊΑ", H_B, "ΕΛΛΑΣ", "Σοφία");
	expect_found(s, "ελλασ", "σοφία", H_B, "ΕΛΛΑΣ", "Σοφία");
	expect_absent(s, "ΕΛΛΑΣ", "ΣΟΦΙΑ");
	ntlm_accounts_free(s);
}

static void test_empty_domain_entries(void **state)
{
	(void)state;
	struct ntlm_accounts *s = load(":carol:" H_PASSWORD "\n"
				       ":dave:" H_B "\n"
				       "CORP:dave:" H_C "\n");
	expect_found(s, "", "carol", H_PASSWORD, "", "carol");
	expect_found(s, "ANYTHING", "Carol", H_PASSWORD, "", "carol");
	/* An entry for the client's domain wins over an any-domain one. */
	expect_found(s, "corp", "dave", H_C, "CORP", "dave");
	expect_found(s, "OTHER", "dave", H_B, "", "dave");
	expect_found(s, "", "dave", H_B, "", "dave");
	ntlm_accounts_free(s);
}

static void test_crlf_bom_and_no_final_newline(void **state)
{
	(void)state;
	struct ntlm_accounts *s = load("\xEF\xBB\xBF"
				       "CORP:alice:" H_PASSWORD "\r\n"
				       "CORP:bob:" H_B);
	expect_found(s, "CORP", "alice", H_PASSWORD, "CORP", "alice");
	expect_found(s, "CORP", "bob", H_B, "CORP", "bob");
	ntlm_accounts_free(s);
}

static void test_empty_file_and_limits_that_pass(void **state)
{
	(void)state;
	struct ntlm_accounts *s = load("");
	expect_absent(s, "CORP", "alice");
	ntlm_accounts_free(s);

	/* 127-byte names and a 1024-byte comment line are accepted. */
	char text[4096], d[128], u[128], comment[1025];
	memset(d, 'D', 127);
	d[127] = '\0';
	memset(u, 'u', 127);
	u[127] = '\0';
	memset(comment, 'c', 1024);
	comment[0] = '#';
	comment[1024] = '\0';
	snprintf(text, sizeof(text), "%s\n%s:%s:%s\n", comment, d, u, H_PASSWORD);
	s = load(text);
	expect_found(s, d, u, H_PASSWORD, d, u);
	/* A name the store cannot hold is refused before it is looked up. */
	char longer[200];
	memset(longer, 'u', 128);
	longer[128] = '\0';
	expect_absent(s, d, longer);
	expect_absent(s, longer, u);
	ntlm_accounts_free(s);
}

/* Many entries: sorted lookups find each one. */
static void test_many_entries(void **state)
{
	(void)state;
	size_t cap = 2000 * 64, n = 0;
	char *text = malloc(cap);
	assert_non_null(text);
	for (int i = 0; i < 2000; i++)
		n += (size_t)snprintf(text + n, cap - n, "D%d:user%04d:%032x\n", i % 7, i, i);
	struct ntlm_accounts *s = load(text);
	for (int i = 0; i < 2000; i += 37) {
		char d[16], u[16], h[33];
		snprintf(d, sizeof(d), "d%d", i % 7);
		snprintf(u, sizeof(u), "USER%04d", i);
		snprintf(h, sizeof(h), "%032x", i);
		char wd[16], wu[16];
		snprintf(wd, sizeof(wd), "D%d", i % 7);
		snprintf(wu, sizeof(wu), "user%04d", i);
		expect_found(s, d, u, h, wd, wu);
	}
	expect_absent(s, "D0", "user0001"); /* 1 % 7 = 1 */
	ntlm_accounts_free(s);
	free(text);
}

/* ---- the file store: errors -------------------------------------------- */

static void expect_error(const char *data, size_t len, unsigned line, const char *what)
{
	struct ntlm_accounts *s = (struct ntlm_accounts *)&s; /* must be reset to NULL */
	char prefix[4300];
	write_file(data, len);
	assert_int_equal(ntlm_accounts_file_open(path, &s), NTLM_E_ACCOUNTS_FILE);
	assert_null(s);
	const char *msg = ntlm_error_message();
	snprintf(prefix, sizeof(prefix), "%s:%u: ", path, line);
	if (strncmp(msg, prefix, strlen(prefix)) != 0 || !strstr(msg, what))
		fail_msg("want \"%s...%s\", got \"%s\"", prefix, what, msg);
}

#define EXPECT_ERROR(text, line, what) expect_error((text), sizeof(text) - 1, (line), (what))

static void test_errors_with_file_and_line(void **state)
{
	(void)state;
	EXPECT_ERROR("CORP:alice\n", 1, "3 fields separated by ':'), found 2 fields");
	EXPECT_ERROR("alice\n", 1, "found 1 field");
	EXPECT_ERROR("CORP:alice:" H_PASSWORD ":x\n", 1, "found 4 fields");
	EXPECT_ERROR("CORP:alice:" H_PASSWORD "\n# ok\nCORP:bob:0123\n", 3, "not an NT hash");
	EXPECT_ERROR("CORP:alice:" H_PASSWORD "0\n", 1, "not an NT hash");
	EXPECT_ERROR("CORP:alice:g4f49c406510bdcab6824ee7c30fd852\n", 1, "not an NT hash");
	EXPECT_ERROR("CORP:alice:a4f49c40 6510bdcab6824ee7c30fd852\n", 1, "not an NT hash");
	EXPECT_ERROR("CORP:alice:\n", 1, "not an NT hash");
	EXPECT_ERROR("CORP::" H_PASSWORD "\n", 1, "empty user name");
	EXPECT_ERROR("CORP:  :" H_PASSWORD "\n", 1, "empty user name");
	EXPECT_ERROR("CORP:al\x01ice:" H_PASSWORD "\n", 1, "control character in the user name");
	EXPECT_ERROR("CO\x7fRP:alice:" H_PASSWORD "\n", 1, "control character in the domain name");
	EXPECT_ERROR("CORP:al\xffice:" H_PASSWORD "\n", 1, "user name is not valid UTF-8");
	EXPECT_ERROR("C\xc3(RP:alice:" H_PASSWORD "\n", 1, "domain name is not valid UTF-8");
	EXPECT_ERROR("CORP:\xed\xa0\x80:" H_PASSWORD "\n", 1, "user name is not valid UTF-8");
	EXPECT_ERROR("# x\nCORP:al\0ice:" H_PASSWORD "\n", 2, "NUL byte");
	/* Duplicates, compared as the lookups compare: reported at the second. */
	EXPECT_ERROR("CORP:alice:" H_PASSWORD "\n:bob:" H_B "\ncorp:ALICE:" H_B "\n", 3,
		     "duplicate entry for domain \"corp\" user \"ALICE\" (names compare "
		     "case-insensitively; first on line 1)");
	EXPECT_ERROR(":x:" H_B "\n:straße:" H_PASSWORD "\n\n:STRASSE:" H_B "\n", 4,
		     "first on line 2");
	/* With two duplicate pairs, the earlier second line is reported. */
	EXPECT_ERROR("A:b:" H_B "\nC:d:" H_B "\nc:D:" H_B "\na:B:" H_B "\n", 3, "first on line 2");

	char text[2200];
	memset(text, 'D', 128);
	snprintf(text + 128, sizeof(text) - 128, ":alice:%s\n", H_PASSWORD);
	expect_error(text, strlen(text), 1, "domain name longer than 127 bytes");
	snprintf(text, sizeof(text), "CORP:");
	memset(text + 5, 'u', 128);
	snprintf(text + 133, sizeof(text) - 133, ":%s\n", H_PASSWORD);
	expect_error(text, strlen(text), 1, "user name longer than 127 bytes");
	/* A line over 1024 bytes, even a comment. */
	memset(text, 0, sizeof(text));
	snprintf(text, sizeof(text), "CORP:a:%s\n", H_PASSWORD);
	size_t off = strlen(text);
	text[off] = '#';
	memset(text + off + 1, 'c', 1024);
	text[off + 1025] = '\n';
	expect_error(text, off + 1026, 2, "line longer than 1024 bytes");
}

static void test_huge_line(void **state)
{
	(void)state;
	size_t n = 1 << 20;
	char *big = malloc(n);
	assert_non_null(big);
	memset(big, 'A', n);
	memcpy(big, "CORP:alice:", 11);
	big[n - 1] = '\n';
	expect_error(big, n, 1, "line longer than 1024 bytes");
	free(big);
}

/* A password where the hash goes: the error points to `ntlm hash` and does
 * not repeat the password. */
static void test_plaintext_password_not_echoed(void **state)
{
	(void)state;
	static const char *const lines[] = {
		"CORP:alice:Sup3rS3cret!\n",  "CORP:alice:Sup3rS3cret!Sup3rS3cret!Sup3rS3cret!\n",
		"alice:Sup3rS3cret!\n",	      /* DOMAIN missing */
		"CORP:alice:Sup3r:S3cret!\n", /* a password with a colon */
		"CORP\\alice:Sup3rS3cret!\n", "CORP:alice:Sup3rS3cret!\xff\n", /* and bad UTF-8 */
	};
	for (size_t i = 0; i < ARRAY_SIZE(lines); i++) {
		struct ntlm_accounts *s = NULL;
		write_file(lines[i], strlen(lines[i]));
		assert_int_equal(ntlm_accounts_file_open(path, &s), NTLM_E_ACCOUNTS_FILE);
		const char *msg = ntlm_error_message();
		assert_null(strstr(msg, "Sup3r"));
		assert_null(strstr(msg, "S3cret"));
		assert_non_null(strstr(msg, ":1: "));
	}
	struct ntlm_accounts *s = NULL;
	write_file(lines[0], strlen(lines[0]));
	assert_int_equal(ntlm_accounts_file_open(path, &s), NTLM_E_ACCOUNTS_FILE);
	assert_non_null(strstr(ntlm_error_message(), "store NT hashes, never passwords"));
	assert_non_null(strstr(ntlm_error_message(), "ntlm hash"));
}

static void test_unreadable_files(void **state)
{
	(void)state;
	struct ntlm_accounts *s = NULL;
	char missing[4300];
	snprintf(missing, sizeof(missing), "%s/no-such-file", dir);
	assert_int_equal(ntlm_accounts_file_open(missing, &s), NTLM_E_ACCOUNTS_FILE);
	assert_null(s);
	assert_non_null(strstr(ntlm_error_message(), missing));
	assert_non_null(strstr(ntlm_error_message(), "No such file"));

	assert_int_equal(ntlm_accounts_file_open(dir, &s), NTLM_E_ACCOUNTS_FILE);
	assert_non_null(strstr(ntlm_error_message(), "not a regular file"));

	/* Over the size limit: refused before reading (a sparse file). */
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)NTLM_ACCOUNTS_FILE_MAX + 1), 0);
	close(fd);
	assert_int_equal(ntlm_accounts_file_open(path, &s), NTLM_E_ACCOUNTS_FILE);
	assert_non_null(strstr(ntlm_error_message(), "larger than 16 MiB"));
	assert_non_null(strstr(ntlm_error_message(), path));

	assert_int_equal(ntlm_accounts_file_open(NULL, &s), NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(ntlm_accounts_file_open(path, NULL), NTLM_E_INVALID_ARGUMENT);
}

/* ---- one line ---------------------------------------------------------- */

static void test_parse_line(void **state)
{
	(void)state;
	struct ntlm_accounts_entry e;
	bool is_entry = true;
	const char *l;

	memset(&e, 0x5a, sizeof(e));
	assert_int_equal(ntlm_accounts_parse_line("  # c", 5, &is_entry, &e), NTLM_OK);
	assert_false(is_entry);
	assert_int_equal(ntlm_accounts_parse_line("", 0, &is_entry, &e), NTLM_OK);
	assert_false(is_entry);

	l = " Straße : Zoë : " H_B " ";
	assert_int_equal(ntlm_accounts_parse_line(l, strlen(l), &is_entry, &e), NTLM_OK);
	assert_true(is_entry);
	assert_string_equal(e.acct.domain, "Straße");
	assert_string_equal(e.acct.user, "Zoë");
	assert_string_equal(e.domain_key, "STRASSE");
	assert_string_equal(e.user_key, "ZOË");
	assert_hex_equal(e.acct.nt_hash, 16, H_B);
	ntlm_accounts_entry_clear(&e);
	assert_true(all_zero(&e, sizeof(e)));

	/* Only len bytes are read: the rest of the buffer is not part of the line. */
	l = "CORP:alice:" H_PASSWORD "ff";
	assert_int_equal(ntlm_accounts_parse_line(l, strlen(l) - 2, &is_entry, &e), NTLM_OK);
	ntlm_accounts_entry_clear(&e);

	/* A failed parse leaves nothing behind, and the message has no position. */
	l = "CORP:alice:" H_PASSWORD "0";
	assert_int_equal(ntlm_accounts_parse_line(l, strlen(l), &is_entry, &e),
			 NTLM_E_ACCOUNTS_FILE);
	assert_false(is_entry);
	assert_true(strncmp(ntlm_error_message(), "third field", 11) == 0);
}

/* ---- the interface, the callback store, wiping -------------------------- */

struct cbstate {
	int calls;
};

static ntlm_status cb(void *arg, const char *domain, const char *user, uint8_t nt_hash[16])
{
	struct cbstate *c = arg;
	c->calls++;
	if (strcmp(domain, "D") == 0 && strcmp(user, "u") == 0) {
		t_hex_n(H_PASSWORD, nt_hash, 16);
		return NTLM_OK;
	}
	if (strcmp(user, "broken") == 0)
		return NTLM_E_INTERNAL; /* without a message */
	return ntlm_err(NTLM_E_NO_SUCH_USER, "callback: no %s", user);
}

static void test_callback_store(void **state)
{
	(void)state;
	struct cbstate c = { 0 };
	struct ntlm_accounts *s = NULL;
	struct ntlm_account a;
	assert_int_equal(ntlm_accounts_callback_new(NULL, &c, &s), NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(ntlm_accounts_callback_new(cb, &c, &s), NTLM_OK);

	expect_found(s, "D", "u", H_PASSWORD, "D", "u");
	assert_int_equal(c.calls, 1);

	memset(&a, 0xAA, sizeof(a));
	assert_int_equal(ntlm_accounts_lookup(s, "D", "nobody", &a), NTLM_E_NO_SUCH_USER);
	assert_string_equal(ntlm_error_message(), "callback: no nobody");
	assert_true(all_zero(&a, sizeof(a))); /* failure leaves *acct wiped */

	assert_int_equal(ntlm_accounts_lookup(s, "D", "broken", &a), NTLM_E_INTERNAL);
	assert_non_null(strstr(ntlm_error_message(), "account callback"));

	/* Over-long names never reach the store. */
	char longer[200];
	memset(longer, 'x', 150);
	longer[150] = '\0';
	int before = c.calls;
	assert_int_equal(ntlm_accounts_lookup(s, "D", longer, &a), NTLM_E_NO_SUCH_USER);
	assert_int_equal(c.calls, before);

	assert_int_equal(ntlm_accounts_lookup(s, NULL, "u", &a), NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(ntlm_accounts_lookup(s, "D", NULL, &a), NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(ntlm_accounts_lookup(s, "D", "u", NULL), NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(ntlm_accounts_lookup(NULL, "D", "u", &a), NTLM_E_INVALID_ARGUMENT);
	ntlm_accounts_free(s);
	ntlm_accounts_free(NULL);
}

/* A store written against the ops interface (as a pass-through would be). */
static int custom_frees;

static ntlm_status custom_lookup(void *self, const char *domain, const char *user,
				 struct ntlm_account *acct)
{
	(void)self;
	(void)domain;
	memset(acct->nt_hash, 0x11, 16);
	snprintf(acct->user, sizeof(acct->user), "%s", user);
	return NTLM_OK;
}

static void custom_free(void *self)
{
	custom_frees++;
	free(self);
}

static const struct ntlm_accounts_ops custom_ops = { custom_lookup, custom_free };

static void test_custom_ops(void **state)
{
	(void)state;
	struct ntlm_accounts *s = NULL;
	struct ntlm_account a;
	custom_frees = 0;
	assert_int_equal(ntlm_accounts_new(&custom_ops, malloc(8), &s), NTLM_OK);
	assert_int_equal(ntlm_accounts_lookup(s, "", "x", &a), NTLM_OK);
	assert_string_equal(a.user, "x");
	ntlm_accounts_free(s);
	assert_int_equal(custom_frees, 1);
	/* Ownership of self is taken on failure too. */
	assert_int_equal(ntlm_accounts_new(&custom_ops, malloc(8), NULL), NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(custom_frees, 2);
}

static void test_account_clear_wipes(void **state)
{
	(void)state;
	struct ntlm_account a;
	memset(&a, 0xAA, sizeof(a));
	snprintf(a.user, sizeof(a.user), "alice");
	ntlm_account_clear(&a);
	assert_true(all_zero(&a, sizeof(a)));
	ntlm_account_clear(NULL);

	/* A failed file lookup wipes what the caller passed in. */
	struct ntlm_accounts *s = load("CORP:alice:" H_PASSWORD "\n");
	memset(&a, 0xAA, sizeof(a));
	assert_int_equal(ntlm_accounts_lookup(s, "CORP", "bob", &a), NTLM_E_NO_SUCH_USER);
	assert_true(all_zero(&a, sizeof(a)));
	ntlm_accounts_free(s);
}

/* The accounts layer decides what a domain account is (for
 * RestrictReceivingNTLMTraffic): a domain that is not empty and not this
 * machine's NetBIOS name. */
static void test_is_domain_account(void **state)
{
	(void)state;
	assert_false(ntlm_accounts_is_domain_account("", "SRV1"));
	assert_false(ntlm_accounts_is_domain_account(NULL, "SRV1"));
	assert_false(ntlm_accounts_is_domain_account("SRV1", "SRV1"));
	assert_false(ntlm_accounts_is_domain_account("srv1", "SRV1"));
	assert_true(ntlm_accounts_is_domain_account("CORP", "SRV1"));
	assert_true(ntlm_accounts_is_domain_account("SRV10", "SRV1"));
	assert_true(ntlm_accounts_is_domain_account("CORP", ""));
	assert_true(ntlm_accounts_is_domain_account("CORP", NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup_case_insensitive),
		cmocka_unit_test(test_is_domain_account),
		cmocka_unit_test(test_lookup_full_case_mapping),
		cmocka_unit_test(test_empty_domain_entries),
		cmocka_unit_test(test_crlf_bom_and_no_final_newline),
		cmocka_unit_test(test_empty_file_and_limits_that_pass),
		cmocka_unit_test(test_many_entries),
		cmocka_unit_test(test_errors_with_file_and_line),
		cmocka_unit_test(test_huge_line),
		cmocka_unit_test(test_plaintext_password_not_echoed),
		cmocka_unit_test(test_unreadable_files),
		cmocka_unit_test(test_parse_line),
		cmocka_unit_test(test_callback_store),
		cmocka_unit_test(test_custom_ops),
		cmocka_unit_test(test_account_clear_wipes),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
