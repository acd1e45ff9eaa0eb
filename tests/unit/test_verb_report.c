// SPDX-License-Identifier: GPL-2.0
/* daudit report on the scenario's last day: the review a person reads. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "scenario.h"
#include "cli.h"
#include "../../userspace/daudit/report.c"

static char *db;

#define DAY "--since", "2026-11-20", "--until", "2026-11-21"

static void the_review_ranks_users_and_explains_findings(void **state)
{
	struct cli c;
	const char *m, *e;

	(void)state;
	cli_run(&c, cmd_report, "report", "--database", db, DAY, END);
	if (c.status)
		fail_msg("status %d: %s", c.status, c.err);
	m = strstr(c.out, "1. mallory (uid 1002): risk ");
	e = strstr(c.out, "2. eve (uid 1003): risk ");
	if (!m || !e || e < m)
		fail_msg("ranking wrong:\n%s", c.out);
	assert_non_null(strstr(c.out, "daudit review: 2026-11-20 00:00:00 to 2026-11-21 00:00:00 (local time)"));
	assert_non_null(strstr(c.out, "  ! sensor lost 42 records on cpu 1 between "));
	assert_non_null(strstr(c.out, " (file_read=42): totals may be low"));
	assert_non_null(strstr(c.out, "[high] read_then_egress, 50 points"));
	assert_non_null(strstr(c.out, "(last to 203.0.113.5:443/tcp) within 15 minutes, in the same login session"));
	assert_non_null(strstr(c.out, "[high] volume_spike, 40 points"));
	assert_non_null(strstr(c.out, "[medium] enumeration, 30 points"));
	assert_non_null(strstr(c.out, "read 301 distinct files"));
	assert_non_null(strstr(c.out, "/usr/bin/sqlite3 read "));
	assert_non_null(strstr(c.out, "[low] off_hours"));
	assert_non_null(strstr(c.out, "first read of dataset payroll in 30 days"));
	assert_non_null(strstr(c.out, "protected file of customers under an unprotected name: /data/customers/export/part-01.csv linked as /home/eve/notes.csv"));
	assert_non_null(strstr(c.out, "-> /media/usb0/part-01.csv"));
	assert_non_null(strstr(c.out, "/usr/bin/curl (pid 3302, uid mallory)"));
	assert_non_null(strstr(c.out, "Users who read protected data without findings: "));
	assert_non_null(strstr(c.out, "postgres (no login)"));
	assert_non_null(strstr(c.out, "What the findings mean:\n"));
	assert_non_null(strstr(c.out, "  read_then_egress   a large read was followed shortly"));
	cli_free(&c);
}

static void json_and_csv(void **state)
{
	struct cli c;
	json_object *o, *users, *first, *findings;

	(void)state;
	cli_run(&c, cmd_report, "report", "--database", db, DAY, "--format", "json", END);
	if (c.status)
		fail_msg("status %d: %s", c.status, c.err);
	o = json_tokener_parse(c.out);
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "users", &users));
	first = json_object_array_get_idx(users, 0);
	assert_string_equal(json_object_get_string(json_object_object_get(first, "user")), "mallory");
	assert_true(json_object_object_get_ex(first, "findings", &findings));
	assert_true(json_object_array_length(findings) >= 5);
	assert_true(json_object_array_length(json_object_object_get(
		json_object_array_get_idx(findings, 0), "evidence")) > 0);
	assert_int_equal(json_object_array_length(json_object_object_get(o, "gaps")), 1);
	json_object_put(o);
	cli_free(&c);

	cli_run(&c, cmd_report, "report", "--database", db, DAY, "--format", "csv", END);
	assert_int_equal(c.status, 0);
	assert_ptr_equal(strstr(c.out, "rank,user,uid,login,risk,rule,severity,score,dataset,first,last,bytes,count,reason\r\n"), c.out);
	assert_non_null(strstr(c.out, "\r\n1,mallory,1002,yes,"));
	cli_free(&c);
}

static void an_empty_period_says_so(void **state)
{
	struct cli c;

	(void)state;
	cli_run(&c, cmd_report, "report", "--database", db, "--since", "2026-10-01",
		"--until", "2026-10-02", END);
	assert_int_equal(c.status, 0);
	assert_non_null(strstr(c.out, "No findings in this period."));
	assert_non_null(strstr(c.out, "Sensor gaps: none"));
	cli_free(&c);
}

static void usage_errors(void **state)
{
	struct cli c;

	(void)state;
	cli_run(&c, cmd_report, "report", "--database", db, "--since", "last tuesday", END);
	assert_int_equal(c.status, 2);
	assert_non_null(strstr(c.err, "report: --since: bad time 'last tuesday'"));
	cli_free(&c);
	cli_run(&c, cmd_report, "report", "--database", "/nonexistent/x.db", END);
	assert_int_equal(c.status, 1);
	assert_non_null(strstr(c.err, "no database at /nonexistent/x.db"));
	cli_free(&c);
	cli_run(&c, cmd_report, "report", "--help", END);
	assert_int_equal(c.status, 0);
	assert_non_null(strstr(c.out, "Usage: daudit report"));
	cli_free(&c);
}

static int setup(void **state)
{
	(void)state;
	db = test_db_path("report");
	scenario_db(db, T0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	test_db_remove(db);
	free(db);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_review_ranks_users_and_explains_findings),
		cmocka_unit_test(json_and_csv),
		cmocka_unit_test(an_empty_period_says_so),
		cmocka_unit_test(usage_errors),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	util_progname = "daudit";
	return cmocka_run_group_tests_name("verb_report", tests, setup, teardown);
}
