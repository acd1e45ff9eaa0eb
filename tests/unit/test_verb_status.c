// SPDX-License-Identifier: GPL-2.0
/*
 * The collector section of daudit status, from a database (the module's
 * lines need the device: the VM suites test those).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <cmocka.h>

#include "scenario.h"
#include "cli.h"
#include "scenario_hostile.h"
#include "journal.h"
#include <sys/wait.h>
#include <grp.h>
#include "../../userspace/daudit/status.c"

static char *db;

/* The section as status prints it, captured; @wait: for the indexer. */
static char *section_w(const char *path, struct daudit_stats *st, int json,
		       bool wait)
{
	struct collector_state col;
	FILE *out = tmpfile();
	char *text;
	int saved = dup(1);

	fflush(stdout);
	dup2(fileno(out), 1);
	read_collector(&col, path, st, wait);
	if (json) {
		json_object *o = collector_json(&col);

		printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
		json_object_put(o);
	} else {
		print_collector(&col);
	}
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	free_collector(&col);
	text = slurp(out);
	fclose(out);
	return text;
}

static char *section(const char *path, struct daudit_stats *st, int json)
{
	return section_w(path, st, json, true);
}

static void a_stopped_collector_with_a_loss(void **state)
{
	struct daudit_stats st;
	char *s;

	(void)state;
	memset(&st, 0, sizeof(st));
	s = section(db, &st, 0);
	assert_non_null(strstr(s, "\ncollector:   not running (stopped "));
	assert_non_null(strstr(s, "\ndatabase:    "));
	assert_non_null(strstr(s, "; raw records kept 30 days or 1024 MB, rollups 400 days\n"));
	assert_non_null(strstr(s, "\nstored:      "));
	assert_non_null(strstr(s, " records, the last from 2026-11-20 23:25:00 (committed "));
	assert_non_null(strstr(s, "\ngaps:        1 gap or loss, 42 records missing: totals may be low (see daudit report)\n"));
	free(s);
	s = section(db, &st, 1);
	assert_non_null(strstr(s, "\"present\":true"));
	assert_non_null(strstr(s, "\"state\":\"stopped\""));
	assert_non_null(strstr(s, "\"gaps\":1"));
	assert_non_null(strstr(s, "\"records_missing\":42"));
	free(s);
}

static void a_collector_that_was_killed(void **state)
{
	struct daudit_stats st;
	sqlite3 *h;
	char *s;

	(void)state;
	/* The state says running, but no such process exists. */
	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "UPDATE meta SET value = 'running' WHERE key = 'collector_state';"
				      "UPDATE meta SET value = 2147483000 WHERE key = 'collector_pid'",
				      NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	memset(&st, 0, sizeof(st));
	s = section(db, &st, 0);
	assert_non_null(strstr(s, "\ncollector:   not running: pid 2147483000 ended without stopping (killed?); a restart resumes without loss\n"));
	free(s);
	/* Running and attached: our own pid, and the module names it. */
	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	{
		char sql[128];

		snprintf(sql, sizeof(sql), "UPDATE meta SET value = %d WHERE key = 'collector_pid'",
			 (int)getpid());
		assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	}
	sqlite3_close(h);
	st.consumer_pid = (uint32_t)getpid();
	s = section(db, &st, 0);
	assert_non_null(strstr(s, "\ncollector:   running, pid "));
	assert_non_null(strstr(s, ", attached to the module\n"));
	free(s);
}

static void no_database(void **state)
{
	struct daudit_stats st;
	char *s;

	(void)state;
	memset(&st, 0, sizeof(st));
	s = section("/nonexistent/daudit.db", &st, 0);
	assert_non_null(strstr(s, "\ncollector:   no database at /nonexistent/daudit.db: No such file or directory"));
	free(s);
	s = section("/nonexistent/daudit.db", &st, 1);
	assert_non_null(strstr(s, "\"present\":false"));
	assert_non_null(strstr(s, "\"state\":\"absent\""));
	free(s);
}

/* The sinks' status file beside the database, holding @json; its path. */
static void write_sinks(const char *json, char *path, size_t len)
{
	FILE *f;

	snprintf(path, len, "%s-sinks.json", db);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(json, f);
	fclose(f);
}

static void the_sinks_section(void **state)
{
	static const char sinks[] =
		"{\"written\":\"2026-11-20T23:30:00.5Z\",\"pid\":1,\"running\":true,"
		"\"sinks\":[{\"name\":\"archive\",\"type\":\"file\",\"format\":\"ecs\","
		"\"target\":\"/var/log/daudit/records.json\",\"accepted\":10,"
		"\"delivered\":10,\"lost\":0,\"refused\":0,\"last_error\":null,"
		"\"state\":\"writing\",\"connected\":true,\"pending\":0},"
		"{\"name\":\"siem\",\"type\":\"syslog\",\"format\":\"cef\","
		"\"target\":\"tls://siem.example.com:6514\",\"accepted\":7,"
		"\"delivered\":2,\"lost\":3,\"refused\":42,\"refused_bytes\":43008,"
		"\"refused_first\":\"2026-11-20T23:20:00Z\",\"refused_last\":\"2026-11-20T23:25:00Z\","
		"\"last_error\":\"cannot connect to tls://siem.example.com:6514: Connection refused\","
		"\"last_error_time\":\"2026-11-20T23:29:00Z\",\"state\":\"disconnected\","
		"\"connected\":false,\"in_flight\":0,\"resent\":12,\"spool\":{\"dir\":\"/x\","
		"\"bytes\":7140000,\"max_bytes\":1073741824,\"records\":5120}}]}";
	struct daudit_stats st;
	char path[512];
	FILE *f;
	char *s;

	(void)state;
	memset(&st, 0, sizeof(st));
	/* None configured: said so. */
	s = section(db, &st, 0);
	assert_non_null(strstr(s, "\nsinks:       none configured\n"));
	free(s);
	write_sinks(sinks, path, sizeof(path));
	s = section(db, &st, 0);
	assert_non_null(strstr(s, "\nsinks:       2, as of 2026-11-20 23:30:00\n"));
	assert_non_null(strstr(s, "\n  archive file /var/log/daudit/records.json, ecs: writing; 10 written\n"));
	assert_non_null(strstr(s, "\n  siem    syslog tls://siem.example.com:6514, cef: disconnected; 2 delivered, 5120 waiting in the spool (6.81 MiB of 1.00 GiB)\n"));
	assert_non_null(strstr(s, "\n          ! spool full: 42 messages (42.0 KiB) refused from 2026-11-20 23:20:00 to 2026-11-20 23:25:00; the records are in the database (daudit events)\n"));
	assert_non_null(strstr(s, "\n          ! 3 messages could not be written or sent (see the last error)\n"));
	assert_non_null(strstr(s, "\n          12 messages sent again after a reset or error: the receiver may have some twice (same event id)\n"));
	assert_non_null(strstr(s, "\n          last error 2026-11-20 23:29:00: cannot connect to tls://siem.example.com:6514: Connection refused\n"));
	free(s);
	s = section(db, &st, 1);
	assert_non_null(strstr(s, "\"sinks\":{\"written\":\"2026-11-20T23:30:00.5Z\""));
	assert_non_null(strstr(s, "\"refused\":42"));
	free(s);
	/* Written by a dauditd that stopped since. */
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("{\"written\":\"2026-11-20T23:30:00Z\",\"running\":false,\"sinks\":[{\"name\":\"a\"}]}", f);
	fclose(f);
	s = section(db, &st, 0);
	assert_non_null(strstr(s, "\nsinks:       1, as of 2026-11-20 23:30:00 (dauditd is not running: nothing is sent until it runs)\n"));
	free(s);
	unlink(path);
}

/* Run @sql on the database. */
static void exec_sql(const char *sql)
{
	sqlite3 *h;

	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	sqlite3_busy_timeout(h, 5000);
	assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
}

/* Which sensor dauditd ran (docs/ebpf.md), and why, from its meta. */
static void the_sensor_line(void **state)
{
	struct daudit_stats st;
	char *s;

	(void)state;
	memset(&st, 0, sizeof(st));
	exec_sql("UPDATE meta SET value = 'stopped' WHERE key = 'collector_state'");
	exec_sql("INSERT OR REPLACE INTO meta (key, value) VALUES ('sensor', 'ebpf'),"
		 " ('sensor_reason', 'sensor = auto and /dev/daudit does not exist (daudit.ko is not loaded)')");
	s = section(db, &st, 0);
	assert_non_null(strstr(s, "\nsensor:      ebpf when it last ran (sensor = auto and /dev/daudit does not exist (daudit.ko is not loaded))\n"));
	free(s);
	s = section(db, &st, 1);
	assert_non_null(strstr(s, "\"sensor\":\"ebpf\""));
	assert_non_null(strstr(s, "\"sensor_reason\":\"sensor = auto and \\/dev\\/daudit does not exist"));
	free(s);
	/* A database of a dauditd older than the eBPF sensor: no line. */
	exec_sql("DELETE FROM meta WHERE key IN ('sensor', 'sensor_reason')");
	s = section(db, &st, 0);
	assert_null(strstr(s, "\nsensor:"));
	free(s);
}

/* The eBPF sensor's counters (sensorstatus.h), and what they say was missed. */
static void the_sensor_counters(void **state)
{
	struct daudit_stats st;
	char *s;

	(void)state;
	memset(&st, 0, sizeof(st));
	exec_sql("INSERT OR REPLACE INTO meta (key, value) VALUES ('sensor', 'ebpf'),"
		 " ('sensor_reason', 'sensor = ebpf'),"
		 " ('sensor_counts', '{\"reads\":12,\"read_bytes\":1200000,"
		 "\"sessions_ended\":3,\"dropped\":0,\"uring_missed\":0,"
		 "\"sessions_full\":0,\"procs_full\":0,\"socks_full\":0,\"paths_cut\":0}')");
	s = section(db, &st, 0);
	assert_non_null(strstr(s, "\ncounted:     12 protected reads, 1200000 bytes; 3 sessions ended; 0 records dropped (ring buffer full)\n"));
	/* Nothing missed, no map full: no line says otherwise. */
	assert_null(strstr(s, "\nmissed:"));
	assert_null(strstr(s, "\nclones:"));
	assert_null(strstr(s, "\npressure:"));
	free(s);
	s = section(db, &st, 1);
	assert_non_null(strstr(s, "\"sensor_counts\":{\"reads\":12,\"read_bytes\":1200000,"));
	free(s);
	exec_sql("UPDATE meta SET value = '{\"reads\":12,\"read_bytes\":1200000,"
		 "\"sessions_ended\":3,\"dropped\":5,\"uring_missed\":2,\"clones_full\":6,"
		 "\"sessions_full\":7,\"procs_full\":1,\"socks_full\":4,\"paths_cut\":9}'"
		 " WHERE key = 'sensor_counts'");
	s = section(db, &st, 0);
	assert_non_null(strstr(s, "; 5 records dropped (ring buffer full)\n"));
	assert_non_null(strstr(s, "\nmissed:      2 io_uring and 0 legacy AIO reads not followed: not recorded\n"));
	assert_non_null(strstr(s, "\nclones:      6 reflink clones of protected files not protected (map full): their reads not recorded\n"));
	assert_non_null(strstr(s, "\npressure:    7 reads recorded alone (sessions map full), 1 processes and 4 sockets described again (maps full), 9 paths cut\n"));
	free(s);
	/* Cleared at a start (a NULL value), or not JSON: no counters. */
	exec_sql("UPDATE meta SET value = NULL WHERE key = 'sensor_counts'");
	s = section(db, &st, 0);
	assert_null(strstr(s, "\ncounted:"));
	free(s);
	s = section(db, &st, 1);
	assert_null(strstr(s, "sensor_counts"));
	free(s);
	exec_sql("UPDATE meta SET value = 'not json' WHERE key = 'sensor_counts'");
	s = section(db, &st, 0);
	assert_null(strstr(s, "\ncounted:"));
	free(s);
	exec_sql("DELETE FROM meta WHERE key IN ('sensor', 'sensor_reason', 'sensor_counts')");
}

static void the_journal_backlog_and_the_indexer(void **state)
{
	static const char rec[64];
	struct daudit_stats st;
	struct journal j;
	char err[256], sql[256];
	int64_t last;
	pid_t pid;
	char *s;

	(void)state;
	memset(&st, 0, sizeof(st));
	exec_sql("UPDATE meta SET value = 'stopped' WHERE key = 'collector_state'");
	/* Two batches the indexer has not stored. */
	assert_int_equal(journal_open(&j, db, 1, err, sizeof(err)), 0);
	journal_append(&j, 1, T0, T0, 5, rec, sizeof(rec));
	last = journal_append(&j, 1, T0, T0, 7, rec, sizeof(rec));
	journal_close(&j);
	exec_sql("INSERT OR REPLACE INTO meta (key, value) VALUES"
		 " ('indexer_rate', 41000), ('indexer_rate_busy', 150000),"
		 " ('indexer_rate_ns', 1795215000000000000)");
	s = section(db, &st, 0);
	assert_non_null(strstr(s, "\njournal:     12 records in 2 batches (128 B) wait to be indexed\n"));
	assert_non_null(strstr(s, "\nindexer:     41000 records/s, 150000 per second of its CPU time (measured "));
	free(s);
	s = section(db, &st, 1);
	assert_non_null(strstr(s, "\"journal\":{\"batches\":2,\"records\":12,\"bytes\":128,\"waited_ms\":0}"));
	assert_non_null(strstr(s, "\"indexer_rate\":41000"));
	free(s);
	/*
	 * A running collector (this process stands for it): status waits
	 * until the indexer has stored what was in the journal when it was
	 * called.
	 */
	snprintf(sql, sizeof(sql),
		 "UPDATE meta SET value = 'running' WHERE key = 'collector_state';"
		 " UPDATE meta SET value = %d WHERE key = 'collector_pid'",
		 (int)getpid());
	exec_sql(sql);
	/* --no-wait: the backlog as it is, at once. */
	s = section_w(db, &st, 1, false);
	assert_non_null(strstr(s, "\"journal\":{\"batches\":2,\"records\":12,\"bytes\":128,\"waited_ms\":0}"));
	free(s);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct timespec ts = { 0, 300 * 1000000L };

		nanosleep(&ts, NULL);
		snprintf(sql, sizeof(sql),
			 "INSERT OR REPLACE INTO meta (key, value) VALUES ('journal_mark', %lld)",
			 (long long)last);
		exec_sql(sql);
		_exit(0);
	}
	s = section(db, &st, 1);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	assert_non_null(strstr(s, "\"journal\":{\"batches\":0,\"records\":0,\"bytes\":0,\"waited_ms\":"));
	assert_null(strstr(s, "\"waited_ms\":0}"));
	free(s);
	exec_sql("UPDATE meta SET value = 'stopped' WHERE key = 'collector_state'");
}

/*
 * Issue 18: a sink's name, target and last error (which may quote what a
 * receiver or a file system said) reach the terminal escaped.
 */
static void hostile_sink_text_is_escaped(void **state)
{
	static const char sinks[] =
		"{\"written\":\"2026-11-20T23:30:00Z\",\"pid\":1,\"running\":true,"
		"\"sinks\":[{\"name\":\"a\\rb\",\"type\":\"file\",\"format\":\"ecs\","
		"\"target\":\"/var/log/\\u001b[2J\\u202e.json\",\"accepted\":1,"
		"\"delivered\":1,\"lost\":1,\"refused\":0,"
		"\"last_error\":\"cannot write: \\u001b]0;x\\u0007\\u009b31m\","
		"\"last_error_time\":\"2026-11-20T23:29:00Z\",\"state\":\"writing\"}]}";
	struct daudit_stats st;
	char path[512];
	char *s;

	(void)state;
	memset(&st, 0, sizeof(st));
	write_sinks(sinks, path, sizeof(path));
	s = section(db, &st, 0);
	hostile_output_is_safe(s, "status");
	hostile_assert_in(s, "\n  a\\x0Db file /var/log/\\x1B[2J\\xE2\\x80\\xAE.json, ecs: writing; 1 written\n");
	hostile_assert_in(s, " last error 2026-11-20 23:29:00: cannot write: \\x1B]0;x\\x07\\xC2\\x9B31m\n");
	free(s);
	unlink(path);
}

/* Issue 18 item 7: --utc shows the collector's times in UTC whatever TZ says. */
static void times_in_utc(void **state)
{
	struct daudit_stats st;
	char *s;

	(void)state;
	memset(&st, 0, sizeof(st));
	setenv("TZ", "JST-9", 1);
	tzset();
	s = section(db, &st, 0);
	hostile_assert_in(s, ", the last from 2026-11-21 08:25:00 ");
	free(s);
	q_use_utc("status");
	s = section(db, &st, 0);
	hostile_assert_in(s, ", the last from 2026-11-20 23:25:00 ");
	free(s);
	setenv("TZ", "UTC", 1);
	tzset();
}

static int setup(void **state)
{
	(void)state;
	db = test_db_path("status");
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

/* status as uid 65534, without the group or capabilities root has. */
static int status_as_nobody(int argc, char **argv)
{
	if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0)
		return 99;
	return cmd_status(argc, argv);
}

/*
 * Issue 18 item 7: a refusal names what is missing, in one line, exit 1:
 * the device's mode (root) here; the module's capabilities in the VM
 * (consumer.bats), and each ioctl's capability below.
 */
static void a_refused_device_names_what_is_missing(void **state)
{
	char dev[] = "/tmp/daudit-test-dev-XXXXXX", want[512], err[256];
	struct cli c;
	int fd;

	(void)state;
	fd = mkstemp(dev);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(chmod(dev, 0600), 0);
	setenv("DAUDIT_DEVICE", dev, 1);
	cli_run(&c, status_as_nobody, "status", END);
	unsetenv("DAUDIT_DEVICE");
	unlink(dev);
	snprintf(want, sizeof(want),
		 "daudit: status needs root to open %s (mode 0600, owner uid 0; or CAP_DAC_OVERRIDE, with CAP_AUDIT_READ, CAP_AUDIT_CONTROL or CAP_SYS_ADMIN)\n",
		 dev);
	assert_int_equal(c.status, 1);
	assert_string_equal(c.err, want);
	assert_string_equal(c.out, "");
	cli_free(&c);
	dev_explain_ioctl("status", DAUDIT_IOC_STATS, EPERM, err, sizeof(err));
	assert_string_equal(err, "status needs CAP_AUDIT_READ or CAP_SYS_ADMIN (or root) to read the counters of /dev/daudit");
	dev_explain_ioctl("policy load", DAUDIT_IOC_POLICY_LOAD, EPERM, err, sizeof(err));
	assert_string_equal(err, "policy load needs CAP_AUDIT_CONTROL or CAP_SYS_ADMIN (or root) to load a policy into daudit.ko");
	dev_explain_ioctl("status", DAUDIT_IOC_STATS, EINVAL, err, sizeof(err));
	assert_string_equal(err, "status: /dev/daudit refused its counters: Invalid argument");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_stopped_collector_with_a_loss),
		cmocka_unit_test(a_collector_that_was_killed),
		cmocka_unit_test(no_database),
		cmocka_unit_test(a_refused_device_names_what_is_missing),
		cmocka_unit_test(the_sinks_section),
		cmocka_unit_test(hostile_sink_text_is_escaped),
		cmocka_unit_test(times_in_utc),
		cmocka_unit_test(the_sensor_line),
		cmocka_unit_test(the_sensor_counters),
		cmocka_unit_test(the_journal_backlog_and_the_indexer),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	util_progname = "daudit";
	return cmocka_run_group_tests_name("verb_status", tests, setup, teardown);
}
