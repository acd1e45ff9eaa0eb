// SPDX-License-Identifier: GPL-2.0
/*
 * Opening the collector's database.  dauditd (store_open) refuses a
 * damaged database, another program's and one of a future schema version,
 * and the CLI (qdb_open) refuses the last two, without changing a byte of
 * the file or creating a -wal, -shm or -journal beside it (SHA-256 before
 * and after); our own database opens again, one made before the
 * application_id too, and a fresh path is created.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <gnutls/crypto.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "query.h"
#include "store.h"
#include "util.h"

static char path[256];

static int exists(const char *suffix)
{
	char p[300];

	snprintf(p, sizeof(p), "%s%s", path, suffix);
	return access(p, F_OK) == 0;
}

static void remove_db(void)
{
	static const char *const suffix[] = { "", "-wal", "-shm", "-journal" };
	char p[300];
	size_t i;

	for (i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", path, suffix[i]);
		unlink(p);
	}
}

static void sha256_file(unsigned char out[32])
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long len;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	buf = malloc(len ? (size_t)len : 1);
	assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	assert_int_equal(gnutls_hash_fast(GNUTLS_DIG_SHA256, buf, (size_t)len, out), 0);
	free(buf);
}

/* The file has the hash @before and nothing appeared beside it. */
static void assert_untouched(const unsigned char before[32])
{
	unsigned char after[32];

	sha256_file(after);
	assert_memory_equal(before, after, 32);
	assert_false(exists("-wal"));
	assert_false(exists("-shm"));
	assert_false(exists("-journal"));
}

/* @sql on the file through plain SQLite, as another program would. */
static void raw(const char *sql)
{
	sqlite3 *db;
	char *msg = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

static int64_t raw_int(const char *sql)
{
	sqlite3_stmt *st;
	sqlite3 *db;
	int64_t v = -1;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	return v;
}

/* A database dauditd made and closed cleanly, with @names rows. */
static void make_ours(int names)
{
	struct store s;
	char err[512], name[64];
	int i;

	remove_db();
	if (store_open(&s, path, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	store_begin(&s);
	for (i = 0; i < names; i++) {
		snprintf(name, sizeof(name), "user-%06d-with-a-longer-name", i);
		store_name(&s, (uint32_t)i, name, 1);
	}
	store_commit(&s);
	store_close(&s);
	assert_false(exists("-wal"));
}

/* @err is one line naming the file and how to move it aside as .@suffix. */
static void assert_refusal(const char *err, const char *want,
			   const char *suffix)
{
	char mv[700];

	snprintf(mv, sizeof(mv), "database %s ", path);
	if (strncmp(err, mv, strlen(mv)) || !strstr(err, want) ||
	    !strstr(err, "it was left unchanged"))
		fail_msg("got: %s\nwant: %s", err, want);
	snprintf(mv, sizeof(mv), "move it aside (mv %s %s.%s, and its -wal and -shm files if any)",
		 path, path, suffix);
	if (!strstr(err, mv))
		fail_msg("got: %s\nwant: %s", err, mv);
	assert_null(strchr(err, '\n'));
}

/* dauditd and the CLI refuse the file with @want; nothing changes. */
static void refused(const char *want, const char *suffix)
{
	unsigned char before[32];
	struct store s;
	struct qdb q;
	char err[1024];

	sha256_file(before);
	assert_int_equal(store_open(&s, path, err, sizeof(err)), -1);
	assert_refusal(err, want, suffix);
	assert_untouched(before);
	assert_int_equal(qdb_open(&q, path, err, sizeof(err)), -1);
	assert_refusal(err, want, suffix);
	assert_untouched(before);
}

static void a_fresh_path_is_created(void **state)
{
	struct store s;
	struct qdb q;
	char err[512];
	FILE *f;

	(void)state;
	remove_db();
	assert_int_equal(qdb_check(path, 1, err, sizeof(err)), 0);
	if (store_open(&s, path, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	store_close(&s);
	assert_int_equal(raw_int("PRAGMA application_id"), DB_APPLICATION_ID);
	assert_int_equal(raw_int("SELECT value FROM meta WHERE key = 'schema_version'"),
			 DB_SCHEMA_VERSION);
	assert_int_equal(qdb_check(path, 1, err, sizeof(err)), 1);
	assert_int_equal(qdb_open(&q, path, err, sizeof(err)), 0);
	qdb_close(&q);

	/* An empty file holds nothing to lose: it becomes the database. */
	remove_db();
	f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
	if (store_open(&s, path, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	store_close(&s);
	assert_int_equal(raw_int("PRAGMA application_id"), DB_APPLICATION_ID);
	remove_db();
}

static void our_database_opens_again(void **state)
{
	struct store s;
	struct qdb q;
	char err[512];

	(void)state;
	make_ours(100);
	if (store_open(&s, path, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	store_close(&s);
	assert_int_equal(raw_int("SELECT count(*) FROM names"), 100);

	/* One made before dauditd set application_id: ours, and now marked. */
	raw("PRAGMA application_id = 0");
	assert_int_equal(raw_int("PRAGMA application_id"), 0);
	assert_int_equal(qdb_check(path, 1, err, sizeof(err)), 1);
	assert_int_equal(qdb_open(&q, path, err, sizeof(err)), 0);
	qdb_close(&q);
	if (store_open(&s, path, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	store_close(&s);
	assert_int_equal(raw_int("PRAGMA application_id"), DB_APPLICATION_ID);
	assert_int_equal(raw_int("SELECT count(*) FROM names"), 100);
	remove_db();
}

static void a_damaged_page_is_refused(void **state)
{
	unsigned char before[32], after[32];
	char page[8192], err[1024];
	struct store s;
	int64_t root;
	struct qdb q;
	FILE *f;

	(void)state;
	make_ours(3000);
	root = raw_int("SELECT rootpage FROM sqlite_master WHERE name = 'names'");
	assert_true(root > 1);
	assert_true(raw_int("PRAGMA page_count") > 10);
	/* The table's root page overwritten, as a bad disk block would. */
	memset(page, 0xa5, sizeof(page));
	f = fopen(path, "r+b");
	assert_non_null(f);
	assert_int_equal(fseek(f, (long)(root - 1) * 8192, SEEK_SET), 0);
	assert_int_equal(fwrite(page, 1, sizeof(page), f), sizeof(page));
	fclose(f);

	sha256_file(before);
	assert_int_equal(store_open(&s, path, err, sizeof(err)), -1);
	assert_refusal(err, "is damaged (integrity_check: ", "damaged");
	assert_untouched(before);
	/* The CLI reads it read-only (queries then fail): not a byte changes. */
	assert_int_equal(qdb_open(&q, path, err, sizeof(err)), 0);
	qdb_close(&q);
	sha256_file(after);
	assert_memory_equal(before, after, 32);
	remove_db();
}

static void another_programs_database_is_refused(void **state)
{
	FILE *f;
	int i;

	(void)state;
	/* A WAL database of another program: its tables give it away. */
	remove_db();
	raw("PRAGMA journal_mode = WAL;"
	    "CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT);"
	    "INSERT INTO moz_places (url) VALUES ('https://example.com/');"
	    "CREATE TABLE moz_bookmarks (id INTEGER PRIMARY KEY, fk INTEGER);");
	assert_false(exists("-wal"));
	refused("is not a daudit database (another program's tables: moz_places, moz_bookmarks)",
		"other");

	/* Its own application_id, even with a meta table like ours. */
	remove_db();
	raw("PRAGMA application_id = 0x0f055112;"
	    "CREATE TABLE meta (key TEXT PRIMARY KEY, value);"
	    "INSERT INTO meta VALUES ('schema_version', 1);");
	refused("is not a daudit database (application_id 0x0f055112, another program's)",
		"other");

	/* Without one: a meta table with schema_version 1 is not enough. */
	remove_db();
	raw("CREATE TABLE meta (key TEXT PRIMARY KEY, value);"
	    "INSERT INTO meta VALUES ('schema_version', 1);"
	    "CREATE TABLE events (id INTEGER PRIMARY KEY);"
	    "CREATE TABLE settings (k, v);");
	refused("is not a daudit database (another program's tables: settings)",
		"other");

	/* No tables yet, but a user_version: someone's. */
	remove_db();
	raw("PRAGMA user_version = 7; CREATE TABLE t (x); DROP TABLE t;");
	refused("is not a daudit database (no tables, user_version 7)", "other");

	/* Not SQLite at all. */
	remove_db();
	f = fopen(path, "w");
	assert_non_null(f);
	for (i = 0; i < 1000; i++)
		fprintf(f, "line %d of somebody's notes\n", i);
	fclose(f);
	refused("is not an SQLite database (file is not a database)", "other");
	remove_db();
}

static void a_future_schema_version_is_refused(void **state)
{
	(void)state;
	make_ours(10);
	raw("UPDATE meta SET value = 6 WHERE key = 'schema_version'");
	assert_false(exists("-wal"));
	refused("has schema version 6, this daudit knows version 5 only", "v6");
	remove_db();
}

/* What the CLI verbs do to find the database. */
static int which_database(int argc, char **argv)
{
	char *p = qdb_path(NULL);

	(void)argc;
	(void)argv;
	printf("%s\n", p);
	free(p);
	return 0;
}

static void the_clis_configuration_must_be_a_file(void **state)
{
	char want[512];
	struct cli c;

	(void)state;
	unsetenv("DAUDIT_DATABASE");
	setenv("DAUDIT_CONFIG", "/tmp", 1);
	cli_run(&c, which_database, "daudit", END);
	assert_int_equal(c.status, 1);
	assert_string_equal(c.out, "");
	assert_string_equal(c.err, "daudit: /tmp: cannot read: Is a directory (DAUDIT_CONFIG or --database picks another)\n");
	cli_free(&c);

	/* A missing file still means the default database. */
	setenv("DAUDIT_CONFIG", "/nonexistent/dauditd.conf", 1);
	cli_run(&c, which_database, "daudit", END);
	assert_int_equal(c.status, 0);
	snprintf(want, sizeof(want), "%s\n", DB_DEFAULT_PATH);
	assert_string_equal(c.out, want);
	cli_free(&c);
	unsetenv("DAUDIT_CONFIG");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_fresh_path_is_created),
		cmocka_unit_test(our_database_opens_again),
		cmocka_unit_test(a_damaged_page_is_refused),
		cmocka_unit_test(another_programs_database_is_refused),
		cmocka_unit_test(a_future_schema_version_is_refused),
		cmocka_unit_test(the_clis_configuration_must_be_a_file),
	};

	snprintf(path, sizeof(path), "/tmp/daudit-test-%d-open.db", (int)getpid());
	util_progname = "daudit";
	return cmocka_run_group_tests_name("store_open", tests, NULL, NULL);
}
