// SPDX-License-Identifier: GPL-2.0
/*
 * A review without root: dauditd gives the analyst group (analyst_group
 * in dauditd.conf) read access to the store, a member reads it with the
 * CLI, anyone else is told which group may, and without the group the
 * store is root's alone.  Root here plays dauditd; the readers are
 * children that drop to uid 65534, with or without the group.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "analyst.h"
#include "config.h"
#include "intake.h"
#include "query.h"
#include "store.h"

/* A group that exists and that uid 65534 is not in. */
#define GROUP "adm"

static char top[64], dir[96], db[128];

static gid_t group_gid(void)
{
	const struct group *gr = getgrnam(GROUP);

	if (!gr)
		skip();
	return gr->gr_gid;
}

static mode_t mode_of(const char *suffix, gid_t *gid)
{
	char p[160];
	struct stat st;

	snprintf(p, sizeof(p), "%s%s", *suffix == '/' ? dir : db,
		 *suffix == '/' ? "" : suffix);
	assert_int_equal(lstat(p, &st), 0);
	if (gid)
		*gid = st.st_gid;
	return st.st_mode & 07777;
}

/*
 * In a child as uid 65534, in the group or not: 0 if qdb_open() reads
 * the store, 1 if it is refused with a message holding @want.
 */
static int read_as_nobody(int member, gid_t gid, const char *want)
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0) {
		struct qdb q;
		char err[512];

		if (setgroups(member ? 1 : 0, &gid) < 0 || setgid(65534) < 0 ||
		    setuid(65534) < 0)
			_exit(9);
		if (qdb_open(&q, db, err, sizeof(err)) == 0) {
			qdb_close(&q);
			_exit(0);
		}
		fprintf(stderr, "qdb_open: %s\n", err);
		_exit(want && strstr(err, want) ? 1 : 8);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void the_group_reads_the_store_others_are_told_which(void **state)
{
	gid_t gid = group_gid(), g;
	struct store s;
	struct intake in;
	char err[512];

	(void)state;
	assert_int_equal(analyst_share(db, GROUP, err, sizeof(err)), 0);
	assert_int_equal(mode_of("/", &g), 02750);
	assert_int_equal(g, gid);
	assert_int_equal(store_open(&s, db, err, sizeof(err)), 0);
	assert_int_equal(intake_open(&in, db, 0, err, sizeof(err)), 0);
	/* What SQLite made, in the directory's group under umask 027. */
	assert_int_equal(mode_of("", &g), 0640);
	assert_int_equal(g, gid);
	assert_int_equal(mode_of(".journal", &g), 0640);
	assert_int_equal(g, gid);
	assert_int_equal(mode_of("-wal", &g), 0640);
	assert_int_equal(g, gid);
	/* While dauditd holds it open, as it always does. */
	assert_int_equal(read_as_nobody(1, gid, NULL), 0);
	assert_int_equal(read_as_nobody(0, gid, "only root and the group " GROUP " may"), 1);
	intake_close(&in);
	store_close(&s);
	/* A file left private by an older dauditd is shared at the next start. */
	assert_int_equal(chmod(db, 0600), 0);
	assert_int_equal(analyst_share(db, GROUP, err, sizeof(err)), 0);
	assert_int_equal(mode_of("", NULL), 0640);
	assert_int_equal(read_as_nobody(1, gid, NULL), 0);
}

static void without_the_group_the_store_is_roots(void **state)
{
	gid_t gid = group_gid();
	char err[512];

	(void)state;
	/* Unset: shared before, private again. */
	assert_int_equal(analyst_share(db, NULL, err, sizeof(err)), 0);
	assert_int_equal(mode_of("/", NULL), 0700);
	assert_int_equal(mode_of("", NULL), 0600);
	assert_int_equal(mode_of(".journal", NULL), 0600);
	assert_int_equal(read_as_nobody(1, gid, "only root may"), 1);
	/* A group that does not exist: said in one line, and private. */
	assert_int_equal(analyst_share(db, "no-such-group-x", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "analyst_group no-such-group-x: no such group"));
	assert_null(strchr(err, '\n'));
	assert_int_equal(mode_of("/", NULL), 0700);
}

/* A directory anyone may write (/tmp) is never changed. */
static void a_shared_directory_is_left_alone(void **state)
{
	char p[128], err[512];
	struct stat st;

	(void)state;
	group_gid();
	snprintf(p, sizeof(p), "%s/x.db", top);
	assert_int_equal(chmod(top, 01777), 0);
	assert_int_equal(analyst_share(p, GROUP, err, sizeof(err)), 0);
	assert_int_equal(stat(top, &st), 0);
	assert_int_equal(st.st_mode & 07777, 01777);
	assert_int_equal(chmod(top, 0755), 0);
}

static void the_key_in_dauditd_conf(void **state)
{
	static const char *const bad[] = { "9x", "-x", "Adm", "a b", "a/b" };
	struct config c;
	char err[256];
	size_t i;
	FILE *f;

	(void)state;
	config_defaults(&c);
	assert_string_equal(c.analyst_group, "daudit");
	config_free(&c);
	f = fmemopen((char *)"[collector]\nanalyst_group =\n", 28, "r");
	assert_int_equal(config_parse(&c, f, "t.conf", err, sizeof(err)), 0);
	fclose(f);
	assert_null(c.analyst_group);
	config_free(&c);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[64];

		snprintf(text, sizeof(text), "[collector]\nanalyst_group = %s\n", bad[i]);
		f = fmemopen(text, strlen(text), "r");
		assert_int_equal(config_parse(&c, f, "t.conf", err, sizeof(err)), -1);
		fclose(f);
		assert_non_null(strstr(err, "t.conf:2: analyst_group must be a group name"));
		config_free(&c);
	}
}

static int setup(void **state)
{
	(void)state;
	snprintf(top, sizeof(top), "/tmp/daudit-analyst-XXXXXX");
	/* Searchable by all, as /var/lib is. */
	if (!mkdtemp(top) || chmod(top, 0755) < 0)
		return -1;
	snprintf(dir, sizeof(dir), "%s/store", top);
	snprintf(db, sizeof(db), "%s/daudit.db", dir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_group_reads_the_store_others_are_told_which),
		cmocka_unit_test(without_the_group_the_store_is_roots),
		cmocka_unit_test(a_shared_directory_is_left_alone),
		cmocka_unit_test(the_key_in_dauditd_conf),
	};

	return cmocka_run_group_tests_name("analyst", tests, setup, teardown);
}
