// SPDX-License-Identifier: GPL-2.0
/* daudit users on the scenario: one line per login user (or daemon). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "scenario.h"
#include "scenario_crm.h"
#include "cli.h"
#include "scenario_hostile.h"
#include "../../userspace/daudit/users.c"

#define DAY "--since", "2026-11-20", "--until", "2026-11-21"

static char *db, *crm, *hostile;

static void one_line_per_user_most_bytes_first(void **state)
{
	struct cli c;
	const char *pg, *m, *a;

	(void)state;
	cli_run(&c, cmd_users, "users", "--database", db, "--since", "2026-11-20",
		"--until", "2026-11-21", END);
	if (c.status)
		fail_msg("status %d: %s", c.status, c.err);
	assert_ptr_equal(strstr(c.out, "USER "), c.out);
	pg = strstr(c.out, "\npostgres (no login)   110  no     2.00 GiB     12         1        24       0 B         0     0  /usr/lib/postgresql/15/bin/postgres\n");
	m = strstr(c.out, "\nmallory              1002  yes    1.19 GiB    305         2       305   900 MiB         7   175  /usr/bin/sqlite3\n");
	a = strstr(c.out, "\nalice ");
	if (!pg || !m || !a || !(pg < m && m < a))
		fail_msg("unexpected:\n%s", c.out);
	cli_free(&c);
}

static void machines_get_exact_numbers(void **state)
{
	struct cli c;
	json_object *o, *u;

	(void)state;
	cli_run(&c, cmd_users, "users", "--database", db, "--since", "2026-11-20",
		"--until", "2026-11-21", "--format", "csv", END);
	assert_int_equal(c.status, 0);
	assert_non_null(strstr(c.out, "user,uid,login,bytes,files,datasets,sessions,egress,findings,risk,top_exe\r\n"));
	assert_non_null(strstr(c.out, "\r\nmallory,1002,yes,1282408448,305,2,305,943718400,7,175,/usr/bin/sqlite3\r\n"));
	cli_free(&c);
	cli_run(&c, cmd_users, "users", "--database", db, "--since", "2026-11-20",
		"--until", "2026-11-21", "--format", "json", END);
	assert_int_equal(c.status, 0);
	o = json_tokener_parse(c.out);
	assert_non_null(o);
	assert_int_equal(json_object_array_length(o), 5);
	u = json_object_array_get_idx(o, 1);
	assert_string_equal(json_object_get_string(json_object_object_get(u, "user")), "mallory");
	assert_int_equal(json_object_get_int64(json_object_object_get(u, "bytes")), 1282408448);
	json_object_put(o);
	cli_free(&c);
}

static void periods(void **state)
{
	struct cli c;

	(void)state;
	/* The whole story: alice read every working day. */
	cli_run(&c, cmd_users, "users", "--database", db, "--since", "2026-11-02",
		"--until", "2026-11-21", "--format", "csv", END);
	if (c.status)
		fail_msg("status %d: %s", c.status, c.err);
	if (!strstr(c.out, "\r\nalice,1000,yes,"))
		fail_msg("%s", c.out);
	cli_free(&c);
	cli_run(&c, cmd_users, "users", "--database", db, "--since", "2026-10-01",
		"--until", "2026-10-02", END);
	if (c.status)
		fail_msg("status %d: %s", c.status, c.err);
	assert_non_null(strstr(c.out, "(no reads of protected data from 2026-10-01 00:00:00 to 2026-10-02 00:00:00)"));
	cli_free(&c);
	cli_run(&c, cmd_users, "users", "--database", db, "--since", "2026-11-21",
		"--until", "2026-11-20", END);
	assert_int_equal(c.status, 2);
	assert_non_null(strstr(c.err, "users: the period is empty"));
	cli_free(&c);
	cli_run(&c, cmd_users, "users", "--database", db, "--until", "soon", END);
	assert_int_equal(c.status, 2);
	assert_non_null(strstr(c.err, "users: --until: bad time 'soon'"));
	cli_free(&c);
	cli_run(&c, cmd_users, "users", "--database", db, "--format", "xml", END);
	assert_int_equal(c.status, 2);
	assert_non_null(strstr(c.err, "users: --format must be table, json or csv, not 'xml'"));
	cli_free(&c);
}

/*
 * The CRM case (scenario_crm.h): by login, one user, svc-crm, whose reads
 * are its twenty employees'; by actor, the twenty.
 */
static void an_application_s_actors_count_in_its_account(void **state)
{
	struct cli c;
	unsigned int e;
	char want[64];

	(void)state;
	cli_run(&c, cmd_users, "users", "--database", crm, CRM_WEEKS, "--format", "csv", END);
	if (c.status)
		fail_msg("status %d: %s", c.status, c.err);
	assert_ptr_equal(strstr(c.out, "user,uid,login,"), c.out);
	assert_int_equal(count_of(c.out, "\r\n"), 2);
	if (!strstr(c.out, "\r\nsvc-crm,990,no,") ||
	    !strstr(c.out, "," CRM_EXE ",20,"))
		fail_msg("%s", c.out);
	cli_free(&c);

	cli_run(&c, cmd_users, "users", "--database", crm, CRM_WEEKS, "--by", "actor",
		"--format", "csv", END);
	assert_int_equal(c.status, 0);
	assert_int_equal(count_of(c.out, "\r\n"), 1 + CRM_EMPLOYEES);
	for (e = 1; e <= CRM_EMPLOYEES; e++) {
		snprintf(want, sizeof(want), "\r\nemp-%02u,svc-crm (no login),", e);
		if (!strstr(c.out, want))
			fail_msg("no %s in\n%s", want, c.out);
	}
	assert_null(strstr(c.out, "\r\nsvc-crm"));
	/*
	 * Egress is what left elsewhere: emp-13's two evenings' export;
	 * an ordinary employee's answers are delivered, not egress.
	 */
	for (e = 3; e <= CRM_INSIDER_B; e += CRM_INSIDER_B - 3) {
		unsigned long long v[6], delivered = 0;
		unsigned int d, i;
		const char *line;

		snprintf(want, sizeof(want), "\r\nemp-%02u,svc-crm (no login)," CRM_EXE ",", e);
		line = strstr(c.out, want);
		assert_non_null(line);
		assert_int_equal(sscanf(line + strlen(want), "%llu,%llu,%llu,%llu,%llu,%llu",
					&v[0], &v[1], &v[2], &v[3], &v[4], &v[5]), 6);
		for (d = 0; d < CRM_DAYS; d++) {
			for (i = 0; i < crm_lookups(e, d); i++)
				delivered += crm_lookup_bytes(e, d, i) + 2048;
			if (e == CRM_INSIDER_B && CRM_EVENING(d))
				delivered += CRM_TABLE + CRM_PAGES * 2048;
		}
		/* egress, delivered */
		assert_int_equal(v[4], e == CRM_INSIDER_B ? 2 * CRM_TABLE : 0);
		assert_int_equal(v[5], delivered);
	}
	cli_free(&c);
}

/* Issue 18: names chosen to forge the output reach the terminal escaped. */
static void hostile_names_are_escaped_in_the_list(void **state)
{
	struct cli c;

	(void)state;
	hostile_run(&c, cmd_users, "users",
		    "users", "--database", hostile, DAY);
	hostile_assert_in(c.out, "\n" HOSTILE_NAME_SHOWN "  ");
	cli_free(&c);
	hostile_run(&c, cmd_users, "users --by actor",
		    "users", "--database", hostile, DAY, "--by", "actor");
	hostile_assert_in(c.out, "\n" HOSTILE_ACTOR_SHOWN "  991 (no login)  /opt/app/bin/app  ");
	cli_free(&c);
}

static int setup(void **state)
{
	(void)state;
	db = test_db_path("users");
	scenario_db(db, T0);
	crm = test_db_path("users-crm");
	crm_db(crm, T0);
	hostile = hostile_db("users-hostile");
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
		cmocka_unit_test(one_line_per_user_most_bytes_first),
		cmocka_unit_test(machines_get_exact_numbers),
		cmocka_unit_test(periods),
		cmocka_unit_test(an_application_s_actors_count_in_its_account),
		cmocka_unit_test(hostile_names_are_escaped_in_the_list),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	util_progname = "daudit";
	return cmocka_run_group_tests_name("verb_users", tests, setup, teardown);
}
