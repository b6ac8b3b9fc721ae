/* SPDX-License-Identifier: MIT */
/* accounts: editing a file store (store_edit.c) and the public wrappers:
 * add / replace / remove / list, what is kept byte for byte, name checks,
 * modes, refusing malformed files and links, atomicity (a failed write leaves
 * the old file), and locking (processes and threads never lose an entry). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"
#include "accounts/accounts.h"
#include "ntlmssp/unstable.h"

#define H_PASSWORD "a4f49c406510bdcab6824ee7c30fd852" /* NT hash of "Password" */
#define H_B "8846f7eaee8fb117ad06bdd830b7586c"
#define H_C "00112233445566778899aabbccddeeff"

static char dir[4096];
static char path[4200];

static int setup(void **state)
{
	(void)state;
	if (t_mkdtemp(dir, sizeof(dir), "accounts-edit") != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/accounts", dir);
	return 0;
}

/* Empties the directory (every test starts without a store). */
static void clean(void)
{
	DIR *d = opendir(dir);
	struct dirent *ent;
	char p[8400];

	if (!d)
		return;
	while ((ent = readdir(d)) != NULL) {
		if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, ent->d_name);
		unlink(p);
	}
	closedir(d);
}

static int per_test(void **state)
{
	(void)state;
	clean();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	clean();
	rmdir(dir);
	return 0;
}

static void write_file(const char *data)
{
	t_write_file(path, data, strlen(data));
}

/* The store's bytes (NUL-terminated; caller frees). */
static char *read_file(void)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char *b = calloc(1, 1 << 20);
	assert_non_null(b);
	size_t n = fread(b, 1, (1 << 20) - 1, f);
	b[n] = '\0';
	fclose(f);
	return b;
}

static void expect_file(const char *want)
{
	char *got = read_file();
	assert_string_equal(got, want);
	free(got);
}

static void h16(const char *hex, uint8_t out[16])
{
	t_hex_n(hex, out, 16);
}

static void add_ok(const char *d, const char *u, const char *hex, unsigned flags)
{
	uint8_t h[16];
	h16(hex, h);
	ntlm_status st = ntlm_accounts_add(path, d, u, h, flags);
	if (st != NTLM_OK)
		fail_msg("add %s\\%s: %s: %s", d, u, ntlm_status_name(st), ntlm_error_message());
}

static ntlm_status add(const char *d, const char *u, const char *hex)
{
	uint8_t h[16];
	h16(hex, h);
	return ntlm_accounts_add(path, d, u, h, 0);
}

/* The store loads as the server loads it, and d\u has this hash. */
static void expect_lookup(const char *d, const char *u, const char *hex)
{
	struct ntlm_accounts *s = NULL;
	struct ntlm_account a;
	ntlm_status st = ntlm_accounts_file_open(path, &s);
	if (st != NTLM_OK)
		fail_msg("load: %s: %s", ntlm_status_name(st), ntlm_error_message());
	st = ntlm_accounts_lookup(s, d, u, &a);
	if (st != NTLM_OK)
		fail_msg("lookup %s\\%s: %s", d, u, ntlm_error_message());
	assert_hex_equal(a.nt_hash, 16, hex);
	ntlm_account_clear(&a);
	ntlm_accounts_free(s);
}

/* No temporary file is left beside the store. */
static void expect_no_temp(void)
{
	DIR *d = opendir(dir);
	struct dirent *ent;

	assert_non_null(d);
	while ((ent = readdir(d)) != NULL)
		if (strstr(ent->d_name, ".tmp."))
			fail_msg("temporary file left: %s", ent->d_name);
	closedir(d);
}

static mode_t mode_of(const char *p)
{
	struct stat sb;
	assert_int_equal(stat(p, &sb), 0);
	return sb.st_mode & 07777;
}

/* ---- add / remove / list ------------------------------------------------ */

static void test_add_creates_0600(void **state)
{
	(void)state;
	char lock[4300];
	mode_t old = umask(0); /* the mode must not depend on the umask */
	add_ok("CORP", "alice", H_PASSWORD, 0);
	umask(old);
	expect_file("CORP:alice:" H_PASSWORD "\n");
	assert_int_equal(mode_of(path), 0600);
	snprintf(lock, sizeof(lock), "%s.lock", path);
	assert_int_equal(mode_of(lock), 0600);
	expect_lookup("corp", "ALICE", H_PASSWORD);
	expect_no_temp();
}

static void test_add_appends_and_keeps_lines(void **state)
{
	(void)state;
	const char *before = "# accounts for WEB01\n"
			     "\n"
			     "  corp : Bob :  " H_B "  \n"
			     "   # indented comment\n";
	write_file(before);
	add_ok("", "svc", H_C, 0);
	add_ok("CORP", "Zoë", H_PASSWORD, 0);
	char want[1024];
	snprintf(want, sizeof(want), "%s:svc:%s\nCORP:Zoë:%s\n", before, H_C, H_PASSWORD);
	expect_file(want);
	expect_lookup("OTHER", "svc", H_C);
	expect_lookup("corp", "ZOË", H_PASSWORD);
	expect_lookup("CORP", "bob", H_B);
}

static void test_add_crlf_bom_no_final_newline(void **state)
{
	(void)state;
	write_file("\xEF\xBB\xBF# windows\r\nCORP:alice:" H_PASSWORD);
	add_ok("CORP", "bob", H_B, 0);
	/* The last line is ended first; the file's CRLF is used; the BOM stays. */
	expect_file("\xEF\xBB\xBF# windows\r\nCORP:alice:" H_PASSWORD "\r\nCORP:bob:" H_B "\r\n");
	expect_lookup("CORP", "alice", H_PASSWORD);
	expect_lookup("CORP", "bob", H_B);
}

static void test_add_duplicate_and_replace(void **state)
{
	(void)state;
	const char *before = "# c\nCORP:alice:" H_PASSWORD "\n:alice:" H_B "\nX:y:" H_C "\n";
	write_file(before);
	/* Names compare as lookups compare them. */
	assert_int_equal(add("corp", "ALICE", H_C), NTLM_E_INVALID_ARGUMENT);
	assert_non_null(strstr(ntlm_error_message(), ":2: corp\\ALICE is already there"));
	assert_int_equal(add("", "Alice", H_C), NTLM_E_INVALID_ARGUMENT);
	assert_non_null(strstr(ntlm_error_message(), ":3: "));
	expect_file(before);
	/* Replace rewrites that line in place, with the names as now given. */
	add_ok("corp", "ALICE", H_C, NTLM_ACCOUNTS_REPLACE);
	expect_file("# c\ncorp:ALICE:" H_C "\n:alice:" H_B "\nX:y:" H_C "\n");
	/* Replace of an absent entry adds it. */
	add_ok("NEW", "u", H_B, NTLM_ACCOUNTS_REPLACE);
	expect_lookup("new", "U", H_B);
	expect_no_temp();
}

static void test_remove(void **state)
{
	(void)state;
	const char *before = "# c\nCORP:alice:" H_PASSWORD "\n:alice:" H_B "\r\n\nX:y:" H_C;
	write_file(before);
	assert_int_equal(ntlm_accounts_remove(path, "corp", "nobody"), NTLM_E_NO_SUCH_USER);
	assert_non_null(strstr(ntlm_error_message(), "no entry for corp\\nobody"));
	/* No any-domain fallback: OTHER\alice is not :alice. */
	assert_int_equal(ntlm_accounts_remove(path, "OTHER", "alice"), NTLM_E_NO_SUCH_USER);
	expect_file(before);
	assert_int_equal(ntlm_accounts_remove(path, "", "ALICE"), NTLM_OK);
	expect_file("# c\nCORP:alice:" H_PASSWORD "\n\nX:y:" H_C);
	assert_int_equal(ntlm_accounts_remove(path, "x", "Y"), NTLM_OK);
	expect_file("# c\nCORP:alice:" H_PASSWORD "\n\n");
	assert_int_equal(ntlm_accounts_remove(path, "CORP", "alice"), NTLM_OK);
	expect_file("# c\n\n");
	assert_int_equal(ntlm_accounts_remove(path, "CORP", "alice"), NTLM_E_NO_SUCH_USER);
	expect_no_temp();

	/* No store at all. */
	clean();
	assert_int_equal(ntlm_accounts_remove(path, "CORP", "alice"), NTLM_E_ACCOUNTS_FILE);
	assert_non_null(strstr(ntlm_error_message(), "cannot open"));
	assert_int_equal(access(path, F_OK), -1);
}

static void test_list_names_only(void **state)
{
	(void)state;
	char *out = NULL;
	size_t n = 99;

	write_file("\xEF\xBB\xBF# c\n  corp : Bob :  " H_B "\n:svc:" H_C "\r\nΣ:σοφία:" H_PASSWORD);
	assert_int_equal(ntlm_accounts_list(path, &out, &n), NTLM_OK);
	assert_int_equal(n, 3);
	assert_string_equal(out, "corp\\Bob\nsvc\nΣ\\σοφία\n");
	assert_null(strstr(out, "8846"));
	ntlm_free(out);

	write_file("# nothing\n");
	assert_int_equal(ntlm_accounts_list(path, &out, &n), NTLM_OK);
	assert_int_equal(n, 0);
	assert_string_equal(out, "");
	ntlm_free(out);

	clean();
	assert_int_equal(ntlm_accounts_list(path, &out, &n), NTLM_E_ACCOUNTS_FILE);
	assert_null(out);
	assert_int_equal(n, 0);
}

/* ---- refusing ------------------------------------------------------------- */

static void test_bad_names(void **state)
{
	(void)state;
	static const struct {
		const char *d, *u, *msg;
	} bad[] = {
		{ "CORP", "", "empty user name" },
		{ "CORP", "a:b", "user name contains ':'" },
		{ "CO:RP", "a", "domain name contains ':'" },
		{ "CORP", " alice", "starts or ends with a space" },
		{ "CORP ", "alice", "starts or ends with a space" },
		{ "#CORP", "alice", "starts with '#'" },
		{ "CORP", "al\x1bice", "control character in the user name" },
		{ "CO\x7fRP", "alice", "control character in the domain name" },
		{ "CORP", "al\xffice", "not valid UTF-8" },
		{ "CORP", "\tx", "control character" },
	};
	char longname[200];
	memset(longname, 'x', 128);
	longname[128] = '\0';

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (add(bad[i].d, bad[i].u, H_B) != NTLM_E_INVALID_ARGUMENT)
			fail_msg("%zu: accepted", i);
		if (!strstr(ntlm_error_message(), bad[i].msg))
			fail_msg("%zu: message '%s' lacks '%s'", i, ntlm_error_message(),
				 bad[i].msg);
	}
	assert_int_equal(add("CORP", longname, H_B), NTLM_E_INVALID_ARGUMENT);
	assert_non_null(strstr(ntlm_error_message(), "longer than 127 bytes"));
	assert_int_equal(add(longname, "u", H_B), NTLM_E_INVALID_ARGUMENT);
	/* Nothing was created for a name that cannot be stored. */
	assert_int_equal(access(path, F_OK), -1);

	/* 127 bytes, a UPN and non-ASCII names are fine. */
	longname[127] = '\0';
	add_ok(longname, longname, H_B, 0);
	add_ok("", "alice@corp.example", H_C, 0);
	add_ok("", "#x", H_C, 0); /* ":#x:..." is not a comment */
	expect_lookup(longname, longname, H_B);
	expect_lookup("", "ALICE@CORP.EXAMPLE", H_C);
	expect_lookup("any", "#X", H_C);

	assert_int_equal(ntlm_accounts_edit_check_names("CORP", "alice"), NTLM_OK);
	assert_int_equal(ntlm_accounts_edit_check_names(NULL, "alice"), NTLM_E_INVALID_ARGUMENT);
}

static void test_malformed_store_not_edited(void **state)
{
	(void)state;
	char *out = NULL;
	size_t n = 0;
	const char *bad = "CORP:alice:" H_PASSWORD "\n# ok\nCORP:bob:Password1\n";
	write_file(bad);
	assert_int_equal(add("CORP", "carol", H_C), NTLM_E_ACCOUNTS_FILE);
	assert_non_null(strstr(ntlm_error_message(), "accounts:3: third field is not an NT hash"));
	assert_null(strstr(ntlm_error_message(), "Password1"));
	assert_int_equal(ntlm_accounts_remove(path, "CORP", "alice"), NTLM_E_ACCOUNTS_FILE);
	assert_int_equal(ntlm_accounts_list(path, &out, &n), NTLM_E_ACCOUNTS_FILE);
	assert_non_null(strstr(ntlm_error_message(), "accounts:3: "));
	expect_file(bad);

	/* Duplicates: the loader refuses them, so the editor does too. */
	const char *dup = "CORP:alice:" H_PASSWORD "\ncorp:ALICE:" H_B "\n";
	write_file(dup);
	assert_int_equal(add("CORP", "carol", H_C), NTLM_E_ACCOUNTS_FILE);
	assert_non_null(strstr(ntlm_error_message(), "accounts:2: duplicate entry"));
	expect_file(dup);
	expect_no_temp();
}

static void test_links_and_directories_refused(void **state)
{
	(void)state;
	char target[4300];
	snprintf(target, sizeof(target), "%s/real", dir);
	FILE *f = fopen(target, "wb");
	assert_non_null(f);
	fputs("CORP:alice:" H_PASSWORD "\n", f);
	fclose(f);
	assert_int_equal(symlink(target, path), 0);
	assert_int_equal(add("CORP", "bob", H_B), NTLM_E_ACCOUNTS_FILE);
	assert_non_null(strstr(ntlm_error_message(), "symbolic link"));
	assert_int_equal(ntlm_accounts_remove(path, "CORP", "alice"), NTLM_E_ACCOUNTS_FILE);
	/* Listing follows the link: it changes nothing. */
	char *out = NULL;
	size_t n = 0;
	assert_int_equal(ntlm_accounts_list(path, &out, &n), NTLM_OK);
	assert_string_equal(out, "CORP\\alice\n");
	ntlm_free(out);
	unlink(path);

	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(add("CORP", "bob", H_B), NTLM_E_ACCOUNTS_FILE);
	assert_non_null(strstr(ntlm_error_message(), "not a regular file"));
	rmdir(path);
}

static void test_mode_kept(void **state)
{
	(void)state;
	write_file("CORP:alice:" H_PASSWORD "\n");
	assert_int_equal(chmod(path, 0640), 0);
	add_ok("CORP", "bob", H_B, 0);
	assert_int_equal(mode_of(path), 0640);
	assert_int_equal(ntlm_accounts_remove(path, "CORP", "alice"), NTLM_OK);
	assert_int_equal(mode_of(path), 0640);
}

static void test_public_arguments(void **state)
{
	(void)state;
	uint8_t h[16] = { 0 };
	char *out = NULL;
	size_t n = 0;
	assert_int_equal(ntlm_accounts_add(NULL, "", "u", h, 0), NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(ntlm_accounts_add(path, NULL, "u", h, 0), NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(ntlm_accounts_add(path, "", "u", NULL, 0), NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(ntlm_accounts_add(path, "", "u", h, 0x2), NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(ntlm_accounts_remove(path, NULL, "u"), NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(ntlm_accounts_list(path, NULL, &n), NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(ntlm_accounts_list(path, &out, NULL), NTLM_E_INVALID_ARGUMENT);
	assert_int_equal(access(path, F_OK), -1);
}

/* ---- atomicity ------------------------------------------------------------- */

/* A write that fails (here: the file size limit, which binds root too) leaves
 * the old store as it was and no temporary file behind. In this process, not
 * a child: under valgrind a forked child reports the parent's blocks. */
static void test_failed_write_keeps_old_file(void **state)
{
	(void)state;
	size_t cap = 300 * 64, n = 0;
	char *text = malloc(cap);
	struct rlimit rl, saved;
	uint8_t h[16] = { 0 };
	ntlm_status st;

	assert_non_null(text);
	for (int i = 0; i < 300; i++)
		n += (size_t)snprintf(text + n, cap - n, "D:user%04d:%032x\n", i, i);
	write_file(text); /* ~15 KiB */

	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &saved), 0);
	rl = saved;
	rl.rlim_cur = 4096;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &rl), 0);
	st = ntlm_accounts_add(path, "D", "new", h, 0);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &saved), 0);
	signal(SIGXFSZ, SIG_DFL);
	assert_int_equal(st, NTLM_E_ACCOUNTS_FILE);
	assert_non_null(strstr(ntlm_error_message(), "cannot write"));
	expect_file(text);
	expect_no_temp();
	free(text);

	/* And the same edit without the limit works. */
	add_ok("D", "new", H_B, 0);
	expect_lookup("D", "new", H_B);
}

/* ---- locking --------------------------------------------------------------- */

struct waiter {
	volatile int done;
	ntlm_status st;
};

static void *add_bob(void *arg)
{
	struct waiter *w = arg;
	uint8_t h[16] = { 0 };
	w->st = ntlm_accounts_add(path, "CORP", "bob", h, 0);
	__atomic_store_n(&w->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/* An editor waits for the lock: while the test holds it, the store does not
 * change; once released, the edit goes through. (A thread with its own open
 * of the lock file is excluded exactly as another process would be.) */
static void test_lock_excludes(void **state)
{
	(void)state;
	char lock[4300];
	struct waiter w = { 0, NTLM_E_INTERNAL };
	pthread_t th;

	snprintf(lock, sizeof(lock), "%s.lock", path);
	write_file("CORP:alice:" H_PASSWORD "\n");
	int fd = open(lock, O_RDONLY | O_CREAT | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(flock(fd, LOCK_EX), 0);
	assert_int_equal(pthread_create(&th, NULL, add_bob, &w), 0);
	struct timespec ts = { 0, 300 * 1000 * 1000 };
	nanosleep(&ts, NULL);
	assert_int_equal(__atomic_load_n(&w.done, __ATOMIC_SEQ_CST), 0); /* still waiting */
	expect_file("CORP:alice:" H_PASSWORD "\n");
	close(fd); /* releases the lock */
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(w.st, NTLM_OK);
	expect_lookup("CORP", "bob", "00000000000000000000000000000000");
}

#define N_PROCS 20

/* 20 processes add 20 users at once: all 20 are there afterwards. */
static void test_concurrent_processes(void **state)
{
	(void)state;
	for (int round = 0; round < 3; round++) {
		clean();
		write_file("# shared store\n");
		pid_t pids[N_PROCS];
		for (int i = 0; i < N_PROCS; i++) {
			pids[i] = fork();
			assert_true(pids[i] >= 0);
			if (pids[i] == 0) {
				char u[32];
				uint8_t h[16];
				memset(h, i, sizeof(h));
				snprintf(u, sizeof(u), "user%02d", i);
				_exit(ntlm_accounts_add(path, "CORP", u, h, 0) == NTLM_OK ? 0 : 1);
			}
		}
		for (int i = 0; i < N_PROCS; i++) {
			int ws = 0;
			assert_int_equal(waitpid(pids[i], &ws, 0), pids[i]);
			assert_true(WIFEXITED(ws));
			assert_int_equal(WEXITSTATUS(ws), 0);
		}
		char *out = NULL;
		size_t n = 0;
		assert_int_equal(ntlm_accounts_list(path, &out, &n), NTLM_OK);
		assert_int_equal(n, N_PROCS);
		ntlm_free(out);
		for (int i = 0; i < N_PROCS; i++) {
			char u[32], hex[33];
			snprintf(u, sizeof(u), "user%02d", i);
			for (int k = 0; k < 16; k++)
				snprintf(hex + 2 * k, 3, "%02x", i);
			expect_lookup("CORP", u, hex);
		}
		expect_no_temp();
	}
}

#define N_THREADS 8
#define PER_THREAD 10

struct worker {
	int id;
	int failures;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	for (int i = 0; i < PER_THREAD; i++) {
		char u[32];
		uint8_t h[16] = { 0 };
		snprintf(u, sizeof(u), "t%d-%d", w->id, i);
		if (ntlm_accounts_add(path, "", u, h, 0) != NTLM_OK)
			w->failures++;
		/* Each thread also removes its own first entry once, mid-way. */
		if (i == PER_THREAD / 2) {
			snprintf(u, sizeof(u), "t%d-0", w->id);
			if (ntlm_accounts_remove(path, "", u) != NTLM_OK)
				w->failures++;
		}
	}
	return NULL;
}

/* Threads of one process exclude each other too (flock, not fcntl). */
static void test_concurrent_threads(void **state)
{
	(void)state;
	pthread_t th[N_THREADS];
	struct worker w[N_THREADS];
	char *out = NULL;
	size_t n = 0;

	for (int i = 0; i < N_THREADS; i++) {
		w[i].id = i;
		w[i].failures = 0;
		assert_int_equal(pthread_create(&th[i], NULL, work, &w[i]), 0);
	}
	for (int i = 0; i < N_THREADS; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(w[i].failures, 0);
	}
	assert_int_equal(ntlm_accounts_list(path, &out, &n), NTLM_OK);
	assert_int_equal(n, N_THREADS * (PER_THREAD - 1));
	assert_null(strstr(out, "t0-0\n"));
	assert_non_null(strstr(out, "t7-9\n"));
	ntlm_free(out);
	assert_int_equal(mode_of(path), 0600);
	expect_no_temp();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_add_creates_0600, per_test),
		cmocka_unit_test_setup(test_add_appends_and_keeps_lines, per_test),
		cmocka_unit_test_setup(test_add_crlf_bom_no_final_newline, per_test),
		cmocka_unit_test_setup(test_add_duplicate_and_replace, per_test),
		cmocka_unit_test_setup(test_remove, per_test),
		cmocka_unit_test_setup(test_list_names_only, per_test),
		cmocka_unit_test_setup(test_bad_names, per_test),
		cmocka_unit_test_setup(test_malformed_store_not_edited, per_test),
		cmocka_unit_test_setup(test_links_and_directories_refused, per_test),
		cmocka_unit_test_setup(test_mode_kept, per_test),
		cmocka_unit_test_setup(test_public_arguments, per_test),
		cmocka_unit_test_setup(test_failed_write_keeps_old_file, per_test),
		cmocka_unit_test_setup(test_lock_excludes, per_test),
		cmocka_unit_test_setup(test_concurrent_processes, per_test),
		cmocka_unit_test_setup(test_concurrent_threads, per_test),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
