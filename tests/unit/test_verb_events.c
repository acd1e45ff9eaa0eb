// SPDX-License-Identifier: GPL-2.0
/* daudit events on the scenario: filters, formats, and --follow. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "scenario.h"
#include "cli.h"
#include "scenario_hostile.h"
#include "../../userspace/daudit/events.c"
#include "../../userspace/daudit/events_fleet.c"

static char *db, *hostile;

#define DAY "--since", "2026-11-20", "--until", "2026-11-21"

static void filters(void **state)
{
	struct cli c;

	(void)state;
	cli_run(&c, cmd_events, "events", "--database", db, DAY, "--login-user", "mallory",
		"--exe", "/usr/bin/sql*", "--limit", "0", "--format", "csv", END);
	if (c.status)
		fail_msg("status %d: %s", c.status, c.err);
	/* 300 customer files and one payroll file, and the header. */
	assert_int_equal(count_of(c.out, "\r\n"), 302);
	assert_int_equal(count_of(c.out, ",/usr/bin/sqlite3,"), 301);
	cli_free(&c);
	cli_run(&c, cmd_events, "events", "--database", db, DAY, "--type", "egress", END);
	assert_int_equal(c.status, 0);
	assert_non_null(strstr(c.out, "TIME                 TYPE    USER     LOGIN     PID  EXE            DATASET       BYTES  TARGET\n"));
	assert_non_null(strstr(c.out, "2026-11-20 14:01:02  egress  eve      eve      3401  /usr/bin/cp    customers  15.0 MiB  -> /media/usb0/part-01.csv\n"));
	assert_non_null(strstr(c.out, "2026-11-20 23:25:00  egress  mallory  mallory  3302  /usr/bin/curl  customers   900 MiB  -> 203.0.113.5:443/tcp\n"));
	assert_int_equal(count_of(c.out, "\n"), 3);
	cli_free(&c);
	cli_run(&c, cmd_events, "events", "--database", db, DAY, "--path", "*/payroll/*", END);
	assert_int_equal(c.status, 0);
	assert_int_equal(count_of(c.out, "\n"), 2);
	cli_free(&c);
	/* The real uid of the daemon; the most recent three, oldest first. */
	cli_run(&c, cmd_events, "events", "--database", db, DAY, "--user", "postgres",
		"--limit", "3", "--format", "json", END);
	assert_int_equal(c.status, 0);
	assert_int_equal(count_of(c.out, "\"user\": \"postgres\""), 3);
	assert_int_equal(count_of(c.out, "\"login_user\": null"), 3);
	assert_non_null(strstr(c.out, "\"time\": \"2026-11-20T05:57:00Z\""));
	assert_non_null(strstr(c.out, "\"time\": \"2026-11-20T06:31:00Z\""));
	cli_free(&c);
	cli_run(&c, cmd_events, "events", "--database", db, DAY, "--type", "lost",
		"--type", "alert", END);
	assert_int_equal(c.status, 0);
	assert_non_null(strstr(c.out, "hard link /data/customers/export/part-01.csv -> /home/eve/notes.csv"));
	cli_free(&c);
	cli_run(&c, cmd_events, "events", "--database", db, DAY, "--type", "lost", END);
	assert_int_equal(c.status, 0);
	assert_non_null(strstr(c.out, "42 records lost by the sensor"));
	cli_free(&c);
}

static void errors(void **state)
{
	struct cli c;

	(void)state;
	cli_run(&c, cmd_events, "events", "--database", db, "--type", "write", END);
	assert_int_equal(c.status, 2);
	assert_non_null(strstr(c.err, "events: --type must be file_read, socket_read, egress, alert, policy, module or lost, not 'write'"));
	cli_free(&c);
	cli_run(&c, cmd_events, "events", "--database", db, "--follow", "--until", "1h", END);
	assert_int_equal(c.status, 2);
	assert_non_null(strstr(c.err, "--follow prints what comes next"));
	cli_free(&c);
	cli_run(&c, cmd_events, "events", "--database", db, "--host", "host-1", END);
	assert_int_equal(c.status, 2);
	assert_non_null(strstr(c.err, "events: --host is the fleet's"));
	cli_free(&c);
	cli_run(&c, cmd_events, "events", "--store", "postgresql://u@h/d", "--follow", END);
	assert_int_equal(c.status, 2);
	assert_non_null(strstr(c.err, "events: --follow reads one host's database"));
	cli_free(&c);
	cli_run(&c, cmd_events, "events", "--database", db, "--user", "no-such-user-x", END);
	assert_int_equal(c.status, 2);
	cli_free(&c);
}

/* Appends one read by bob through a collector while events --follow runs. */
static void follow_sees_new_records(void **state)
{
	FILE *out = tmpfile();
	struct collector col;
	struct source src;
	struct synth s;
	char *text;
	pid_t pid;
	int status;

	(void)state;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char *argv[] = { "events", "--database", db, "--since", "2026-11-20",
				 "--follow", "--format", "json", "--limit", "1", NULL };

		dup2(fileno(out), 1);
		_exit(cmd_events(10, argv));
	}
	sleep(1);
	synth_init(&s);
	s.seq[0] = 1000000;
	synth_read1(&s, 0, T0 + 18 * DAY_NS + 23 * HOUR_NS + 50 * 60 * NS, &sc_bob,
		    "customers", "/data/customers/late.csv", 777);
	fake_source(&src, NULL, 0x5ce4a210);
	test_collector(&col, db, &src, NULL);
	ingest_buffer(&col.ingest, s.buf, s.len);
	collector_commit(&col);
	collector_close(&col);
	synth_free(&s);
	sleep(2);
	kill(pid, SIGINT);
	waitpid(pid, &status, 0);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	text = slurp(out);
	fclose(out);
	/* The newest record first, then the new one, one object a line. */
	assert_int_equal(count_of(text, "\n"), 2);
	assert_non_null(strstr(text, "\"path\":\"/data/customers/late.csv\""));
	assert_non_null(strstr(text, "\"bytes\":777"));
	free(text);
}

/* Issue 18: names chosen to forge the output reach the terminal escaped. */
static void hostile_names_are_escaped_in_the_table(void **state)
{
	struct cli c;

	(void)state;
	hostile_run(&c, cmd_events, "events",
		    "events", "--database", hostile, DAY, "--user", "1004",
		    "--limit", "0");
	hostile_assert_in(c.out, "  egress     " HOSTILE_NAME_SHOWN "  " HOSTILE_NAME_SHOWN
			       "  3500  " HOSTILE_EXE_SHOWN "  customers   200 MiB  -> "
			       HOSTILE_DEST_SHOWN "\n");
	hostile_assert_in(c.out, "  300 MiB  " HOSTILE_PATH_SHOWN "\n");
	hostile_assert_in(c.out, "hard link " HOSTILE_PATH_SHOWN " -> " HOSTILE_LINK_SHOWN "\n");
	hostile_assert_in(c.out, "\\x1B[2J.csv\n");
	cli_free(&c);
	/* The actor as shown finds its record; comm and actor columns too. */
	cli_run(&c, cmd_events, "events", "--database", hostile, DAY, "--actor",
		HOSTILE_ACTOR_SHOWN, "--format", "json", END);
	assert_int_equal(c.status, 0);
	hostile_output_is_safe(c.out, "events --format json");
	assert_int_equal(count_of(c.out, "\"type\": \"socket_read\""), 1);
	cli_free(&c);
	/* CSV: the exact bytes, quoted as RFC 4180 says where CR is. */
	cli_run(&c, cmd_events, "events", "--database", hostile, DAY, "--user", "1004",
		"--type", "egress", "--format", "csv", END);
	assert_int_equal(c.status, 0);
	hostile_assert_in(c.out, ",\"" HOSTILE_DEST "\",");
	cli_free(&c);
}

/*
 * Issue 18 item 7: the type is spelled as everywhere else (file_read),
 * --utc shows and reads times in UTC whatever TZ says, --no-headings
 * leaves the header out.
 */
static void one_spelling_utc_and_no_headings(void **state)
{
	struct cli c;

	(void)state;
	/* Japan: local 14:00 would be 05:00 UTC, where nothing happened. */
	setenv("TZ", "JST-9", 1);
	cli_run(&c, cmd_events, "events", "--database", db, "--utc", "--no-headings",
		"--since", "2026-11-20T14:00", "--until", "2026-11-20T14:02", END);
	setenv("TZ", "UTC", 1);
	if (c.status)
		fail_msg("status %d: %s", c.status, c.err);
	assert_string_equal(c.out,
		"2026-11-20 14:00:00  alert      eve  eve  3400  /usr/bin/ln  customers         -  hard link /data/customers/export/part-01.csv -> /home/eve/notes.csv\n"
		"2026-11-20 14:01:01  file_read  eve  eve  3401  /usr/bin/cp  customers  15.0 MiB  /data/customers/export/part-01.csv\n"
		"2026-11-20 14:01:02  egress     eve  eve  3401  /usr/bin/cp  customers  15.0 MiB  -> /media/usb0/part-01.csv\n");
	cli_free(&c);
	/* CSV without its header row; the old spelling of the type still taken. */
	cli_run(&c, cmd_events, "events", "--database", db, DAY, "--type", "read",
		"--login-user", "eve", "--format", "csv", "--no-headings", END);
	assert_int_equal(c.status, 0);
	assert_int_equal(count_of(c.out, "\r\n"), 1);
	assert_non_null(strstr(c.out, ",file_read,eve,1003,"));
	cli_free(&c);
}

static int setup(void **state)
{
	(void)state;
	db = test_db_path("events");
	scenario_db(db, T0);
	hostile = hostile_db("events-hostile");
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
		cmocka_unit_test(filters),
		cmocka_unit_test(errors),
		cmocka_unit_test(one_spelling_utc_and_no_headings),
		cmocka_unit_test(follow_sees_new_records),
		cmocka_unit_test(hostile_names_are_escaped_in_the_table),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	util_progname = "daudit";
	return cmocka_run_group_tests_name("verb_events", tests, setup, teardown);
}
