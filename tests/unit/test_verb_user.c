// SPDX-License-Identifier: GPL-2.0
/* daudit user NAME on the scenario. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "scenario.h"
#include "cli.h"
#include "scenario_hostile.h"
#include "../../userspace/daudit/user.c"
#include "../../userspace/daudit/user_fleet.c"

static char *db, *hostile;

#define DAY "--since", "2026-11-20", "--until", "2026-11-21"

static void one_users_sections(void **state)
{
	struct cli c;
	json_object *o, *tl;

	(void)state;
	cli_run(&c, cmd_user, "user", "mallory", "--database", db, DAY, "--limit", "3", END);
	if (c.status)
		fail_msg("status %d: %s", c.status, c.err);
	assert_ptr_equal(strstr(c.out, "User mallory (uid 1002), 2026-11-20 00:00:00 to 2026-11-21 00:00:00\n"), c.out);
	assert_non_null(strstr(c.out, "\nDatasets:\nDATASET       BYTES  SESSIONS  FILES   EGRESS\ncustomers  1.19 GiB       304    304  900 MiB\npayroll    2.00 MiB         1      1      0 B\n"));
	assert_non_null(strstr(c.out, "\nExecutables:\nEXECUTABLE           BYTES  DATASETS\n/usr/bin/sqlite3  1.17 GiB         2\n/usr/bin/psql     21.0 MiB         1\n"));
	assert_non_null(strstr(c.out, "2026-11-20 23:00:00  1.17 GiB       301    301  900 MiB\n"));
	assert_int_equal(count_of(c.out, "/data/customers/export/part-0"), 3);
	cli_free(&c);
	/* By uid, as JSON. */
	cli_run(&c, cmd_user, "user", "1002", "--database", db, DAY, "--format", "json", END);
	assert_int_equal(c.status, 0);
	o = json_tokener_parse(c.out);
	assert_non_null(o);
	assert_string_equal(json_object_get_string(json_object_object_get(o, "user")), "mallory");
	tl = json_object_object_get(o, "timeline");
	assert_int_equal(json_object_array_length(tl), 2);
	assert_int_equal(json_object_array_length(json_object_object_get(o, "files")), 20);
	json_object_put(o);
	cli_free(&c);
	cli_run(&c, cmd_user, "user", "mallory", "--database", db, DAY, "--format", "csv",
		"--section", "executables", END);
	assert_int_equal(c.status, 0);
	assert_string_equal(c.out, "executable,bytes,datasets\r\n/usr/bin/sqlite3,1260388352,2\r\n/usr/bin/psql,22020096,1\r\n");
	cli_free(&c);
}

static void errors(void **state)
{
	struct cli c;

	(void)state;
	cli_run(&c, cmd_user, "user", "nobody-here-xyz", "--database", db, END);
	assert_int_equal(c.status, 1);
	assert_non_null(strstr(c.err, "user: no user 'nobody-here-xyz'"));
	cli_free(&c);
	cli_run(&c, cmd_user, "user", "--database", db, END);
	assert_int_equal(c.status, 2);
	assert_non_null(strstr(c.err, "user: which user?"));
	cli_free(&c);
	cli_run(&c, cmd_user, "user", "mallory", "--database", db, "--format", "csv", END);
	assert_int_equal(c.status, 2);
	assert_non_null(strstr(c.err, "user: --format csv needs one --section"));
	cli_free(&c);
	/* Hosts are the fleet's: one host's database has none. */
	cli_run(&c, cmd_user, "user", "mallory", "--database", db, "--section", "hosts", END);
	assert_int_equal(c.status, 2);
	assert_non_null(strstr(c.err, "user: --section hosts is the fleet's"));
	cli_free(&c);
	/* Refused before any connection: the URL is not PostgreSQL's. */
	cli_run(&c, cmd_user, "user", "mallory", "--store", "mysql://u:secret@h/d", END);
	assert_int_equal(c.status, 2);
	assert_non_null(strstr(c.err, "--store must be a postgresql:// URL, not 'mysql://u@h/d'"));
	assert_null(strstr(c.err, "secret"));
	cli_free(&c);
}

/* Issue 18: names chosen to forge the output reach the terminal escaped. */
static void hostile_names_are_escaped_in_one_users_sections(void **state)
{
	struct cli c;

	(void)state;
	hostile_run(&c, cmd_user, "user",
		    "user", "1004", "--database", hostile, DAY);
	assert_ptr_equal(strstr(c.out, "User " HOSTILE_NAME_SHOWN " (uid 1004), "), c.out);
	/* Rows as wide as the 4,000-byte path. */
	hostile_assert_in(c.out, "\n" HOSTILE_PATH_SHOWN "   ");
	hostile_assert_in(c.out, "\nExecutables:\nEXECUTABLE" );
	hostile_assert_in(c.out, "\n" HOSTILE_EXE_SHOWN "  301 MiB ");
	hostile_assert_in(c.out, "aaaa\\x1B[2J.csv  customers  1.00 MiB  ");
	cli_free(&c);
	/* An actor's id as the terminal shows it is the id to ask for. */
	hostile_run(&c, cmd_user, "user --actor",
		    "user", "--actor", HOSTILE_ACTOR_SHOWN, "--database",
		    hostile, DAY);
	assert_ptr_equal(strstr(c.out, "Actor " HOSTILE_ACTOR_SHOWN ", "), c.out);
	hostile_assert_in(c.out, "\n  through /opt/app/bin/app as 991 (no login): read 2.00 MiB\n");
	cli_free(&c);
}

static int setup(void **state)
{
	(void)state;
	db = test_db_path("user");
	scenario_db(db, T0);
	hostile = hostile_db("user-hostile");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	test_db_remove(db);
	free(db);
	hostile_db_free(hostile);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_users_sections),
		cmocka_unit_test(errors),
		cmocka_unit_test(hostile_names_are_escaped_in_one_users_sections),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	util_progname = "daudit";
	return cmocka_run_group_tests_name("verb_user", tests, setup, teardown);
}
