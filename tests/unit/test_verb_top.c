// SPDX-License-Identifier: GPL-2.0
/* daudit top on the scenario. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "scenario.h"
#include "scenario_crm.h"
#include "cli.h"
#include "scenario_hostile.h"
#include "../../userspace/daudit/top.c"
#include "../../userspace/daudit/top_fleet.c"

static char *db, *crm, *hostile;

#define DAY "--since", "2026-11-20", "--until", "2026-11-21"

static void rankings(void **state)
{
	struct cli c;

	(void)state;
	cli_run(&c, cmd_top, "top", "--database", db, DAY, "--by", "files", "--format", "csv", END);
	assert_int_equal(c.status, 0);
	assert_non_null(strstr(c.out, "rank,user,uid,login,files,bytes,egress,top_exe\r\n1,mallory,1002,yes,305,"));
	cli_free(&c);
	cli_run(&c, cmd_top, "top", "--database", db, DAY, "--format", "csv", END);
	assert_int_equal(c.status, 0);
	assert_non_null(strstr(c.out, "\r\n1,postgres,110,no,2147483640,"));
	assert_non_null(strstr(c.out, "\r\n2,mallory,1002,yes,1282408448,"));
	cli_free(&c);
	/* Egress: only those who sent something. */
	cli_run(&c, cmd_top, "top", "--database", db, DAY, "--by", "egress", "--format", "csv", END);
	assert_int_equal(c.status, 0);
	assert_string_equal(c.out, "rank,user,uid,login,egress,bytes,files,top_exe\r\n"
			    "1,mallory,1002,yes,943718400,1282408448,305,/usr/bin/sqlite3\r\n"
			    "2,eve,1003,yes,15728640,15728640,1,/usr/bin/cp\r\n");
	cli_free(&c);
	cli_run(&c, cmd_top, "top", "--database", db, DAY, "--dataset", "payroll", END);
	assert_int_equal(c.status, 0);
	assert_non_null(strstr(c.out, "   1  mallory  1002  yes    2.00 MiB      1     0 B  /usr/bin/sqlite3\n"));
	assert_int_equal(count_of(c.out, "\n"), 2);
	cli_free(&c);
	cli_run(&c, cmd_top, "top", "--database", db, DAY, "--limit", "1", "--format", "json", END);
	assert_int_equal(c.status, 0);
	assert_int_equal(count_of(c.out, "\"rank\""), 1);
	cli_free(&c);
}

/* Actors rank beside users; --actor keeps one (scenario_crm.h). */
static void actors_and_one_actor(void **state)
{
	struct cli c;
	char want[128];

	(void)state;
	cli_run(&c, cmd_top, "top", "--database", crm, CRM_REVIEW, "--by", "egress",
		"--format", "csv", END);
	assert_int_equal(c.status, 0);
	assert_non_null(strstr(c.out, "\r\n1,emp-13,13,actor,"));
	cli_free(&c);
	cli_run(&c, cmd_top, "top", "--database", crm, CRM_REVIEW, "--actor", "emp-07",
		"--format", "csv", END);
	assert_int_equal(c.status, 0);
	/* Her answers went to her own client: delivered, no egress. */
	snprintf(want, sizeof(want), "rank,user,uid,login,bytes,files,egress,delivered,top_exe\r\n"
		 "1,emp-07,7,actor,%" PRIu64 ",1,0,", crm_review_bytes(CRM_INSIDER_A));
	assert_ptr_equal(strstr(c.out, want), c.out);
	assert_int_equal(count_of(c.out, "\r\n"), 2);
	cli_free(&c);
	cli_run(&c, cmd_top, "top", "--database", crm, CRM_REVIEW, "--actor", "emp-07",
		"--dataset", "payroll", END);
	assert_int_equal(c.status, 0);
	assert_string_equal(c.out, "RANK  USER  UID  LOGIN  BYTES  FILES  EGRESS  TOP_EXE\n"
			    "(nothing to rank in this period for dataset payroll for actor emp-07)\n");
	cli_free(&c);
	cli_run(&c, cmd_top, "top", "--database", crm, "--actor", "emp-21", END);
	assert_int_equal(c.status, 1);
	assert_non_null(strstr(c.err, "top: no actor 'emp-21' in the collector's records"));
	cli_free(&c);
	/* Login users are no actors. */
	cli_run(&c, cmd_top, "top", "--database", db, DAY, "--actor", "mallory", END);
	assert_int_equal(c.status, 1);
	cli_free(&c);
}

static void bad_arguments(void **state)
{
	struct cli c;

	(void)state;
	cli_run(&c, cmd_top, "top", "--database", db, "--by", "size", END);
	assert_int_equal(c.status, 2);
	assert_non_null(strstr(c.err, "top: --by must be bytes, files or egress, not 'size'"));
	cli_free(&c);
	cli_run(&c, cmd_top, "top", "--database", db, "--limit", "-1", END);
	assert_int_equal(c.status, 2);
	cli_free(&c);
}

/* Issue 18: names chosen to forge the output reach the terminal escaped. */
static void hostile_names_are_escaped_in_the_ranking(void **state)
{
	struct cli c;

	(void)state;
	hostile_run(&c, cmd_top, "top",
		    "top", "--database", hostile, DAY);
	hostile_assert_in(c.out, HOSTILE_NAME_SHOWN);
	hostile_assert_in(c.out, HOSTILE_EXE_SHOWN "\n");
	cli_free(&c);
	hostile_run(&c, cmd_top, "top --actor",
		    "top", "--database", hostile, DAY, "--actor",
		    HOSTILE_ACTOR_SHOWN);
	hostile_assert_in(c.out, "\n   1  " HOSTILE_ACTOR_SHOWN " (actor via /opt/app/bin/app as 991 (no login))  ");
	cli_free(&c);
}

static int setup(void **state)
{
	(void)state;
	db = test_db_path("top");
	scenario_db(db, T0);
	crm = test_db_path("top-crm");
	crm_db(crm, T0);
	hostile = hostile_db("top-hostile");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	test_db_remove(db);
	free(db);
	test_db_remove(crm);
	free(crm);
	hostile_db_free(hostile);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rankings),
		cmocka_unit_test(actors_and_one_actor),
		cmocka_unit_test(bad_arguments),
		cmocka_unit_test(hostile_names_are_escaped_in_the_ranking),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	util_progname = "daudit";
	return cmocka_run_group_tests_name("verb_top", tests, setup, teardown);
}
