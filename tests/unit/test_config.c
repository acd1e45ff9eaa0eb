// SPDX-License-Identifier: GPL-2.0
/* dauditd.conf: every key accepted with good values, refused with bad. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

static int parse(const char *text, struct config *c, char *err, size_t len)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int rc;

	assert_non_null(f);
	err[0] = '\0';
	rc = config_parse(c, f, "t.conf", err, len);
	fclose(f);
	return rc;
}

/* @text must fail with exactly @msg. */
static void refused(const char *text, const char *msg)
{
	struct config c;
	char err[512];

	if (parse(text, &c, err, sizeof(err)) == 0)
		fail_msg("accepted: %s", text);
	if (strcmp(err, msg))
		fail_msg("for %s\n  got:  %s\n  want: %s", text, err, msg);
	config_free(&c);
}

static void defaults_are_documented_values(void **state)
{
	struct config c;

	(void)state;
	config_defaults(&c);
	assert_string_equal(c.database, "/var/lib/daudit/daudit.db");
	assert_string_equal(c.policy, "/etc/daudit/policy.conf");
	assert_int_equal(c.batch_ms, 100);
	assert_int_equal(c.batch_records, 10000);
	assert_int_equal(c.retention_days, 30);
	assert_int_equal(c.retention_mb, 1024);
	assert_int_equal(c.rollup_retention_days, 400);
	assert_int_equal(c.evidence_max, 100);
	assert_int_equal(c.rules.spike_days, 14);
	assert_int_equal(c.rules.spike_min_active_days, 7);
	assert_true(c.rules.spike_stddevs == 4);
	assert_true(c.rules.spike_p95_factor == 3);
	assert_int_equal(c.rules.first_access_days, 30);
	assert_int_equal(c.rules.enumeration_files, 200);
	assert_int_equal(c.rules.egress_read_bytes, 10 * 1024 * 1024);
	assert_int_equal(c.rules.egress_window, 900);
	assert_int_equal(c.rules.egress_loopback, 0);
	assert_int_equal(c.rules.off_hours_nologin, 0);
	assert_int_equal(c.rules.disabled, 0);
	assert_int_equal(c.rules.weight[RULE_READ_THEN_EGRESS], 50);
	assert_int_equal(c.hours.start, 480);
	assert_int_equal(c.hours.end, 1080);
	assert_int_equal(c.hours.days, 0x3e);
	config_free(&c);
}

static void the_shipped_file_is_the_defaults(void **state)
{
	struct config c, d;
	char err[512];

	(void)state;
	if (config_load(&c, "../../dist/dauditd.conf", 0, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	config_defaults(&d);
	assert_string_equal(c.database, d.database);
	assert_string_equal(c.policy, d.policy);
	assert_int_equal(c.batch_ms, d.batch_ms);
	assert_int_equal(c.batch_records, d.batch_records);
	assert_int_equal(c.retention_days, d.retention_days);
	assert_int_equal(c.retention_mb, d.retention_mb);
	assert_int_equal(c.rollup_retention_days, d.rollup_retention_days);
	assert_int_equal(c.evidence_max, d.evidence_max);
	assert_memory_equal(&c.rules, &d.rules, sizeof(c.rules));
	assert_memory_equal(&c.hours, &d.hours, sizeof(c.hours));
	assert_int_equal(c.n_allow, 0);
	config_free(&c);
	config_free(&d);
}

static void every_key_takes_a_good_value(void **state)
{
	struct config c;
	char err[512];

	(void)state;
	if (parse("# comment\n"
		  "[collector]\n"
		  "database = /srv/daudit.db\n"
		  "policy =\n"
		  "batch_ms = 250\n"
		  "batch_records = 20000\n"
		  "retention_days = 7\n"
		  "retention_mb = 64\n"
		  "rollup_retention_days = 90\n"
		  "evidence_max = 5 ; inline comment\n"
		  "[rules]\n"
		  "spike_days = 21\n"
		  "spike_min_active_days = 10\n"
		  "spike_stddevs = 3.5\n"
		  "spike_p95_factor = 2\n"
		  "first_access_days = 60\n"
		  "enumeration_files = 500\n"
		  "egress_read_bytes = 1G\n"
		  "egress_window = 1h\n"
		  "egress_loopback = yes\n"
		  "off_hours_nologin = true\n"
		  "disabled = first_access, off_hours\n"
		  "weight_hardlink = 0\n"
		  "[hours]\n"
		  "start = 22:00\n"
		  "end = 06:30\n"
		  "days = fri-mon\n"
		  "[allowlist]\n"
		  "customers = /usr/bin/psql, /usr/lib/postgresql/*/bin/postgres\n"
		  "payroll-2.0 = /opt/payroll/bin/server\n"
		  "[sink siem]\n"
		  "type = syslog\n"
		  "anything = goes here\n",
		  &c, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	assert_string_equal(c.database, "/srv/daudit.db");
	assert_null(c.policy);
	assert_int_equal(c.batch_ms, 250);
	assert_int_equal(c.batch_records, 20000);
	assert_int_equal(c.retention_days, 7);
	assert_int_equal(c.retention_mb, 64);
	assert_int_equal(c.rollup_retention_days, 90);
	assert_int_equal(c.evidence_max, 5);
	assert_int_equal(c.rules.spike_days, 21);
	assert_int_equal(c.rules.spike_min_active_days, 10);
	assert_true(c.rules.spike_stddevs == 3.5);
	assert_true(c.rules.spike_p95_factor == 2);
	assert_int_equal(c.rules.first_access_days, 60);
	assert_int_equal(c.rules.enumeration_files, 500);
	assert_int_equal(c.rules.egress_read_bytes, 1ULL << 30);
	assert_int_equal(c.rules.egress_window, 3600);
	assert_int_equal(c.rules.egress_loopback, 1);
	assert_int_equal(c.rules.off_hours_nologin, 1);
	assert_int_equal(c.rules.disabled, (1U << RULE_FIRST_ACCESS) | (1U << RULE_OFF_HOURS));
	assert_int_equal(c.rules.weight[RULE_HARDLINK], 0);
	assert_int_equal(c.hours.start, 22 * 60);
	assert_int_equal(c.hours.end, 6 * 60 + 30);
	/* fri, sat, sun, mon */
	assert_int_equal(c.hours.days, (1U << 5) | (1U << 6) | (1U << 0) | (1U << 1));
	assert_int_equal(c.n_allow, 2);
	assert_string_equal(c.allow[0].dataset, "customers");
	assert_int_equal(c.allow[0].n, 2);
	assert_true(config_allowed(config_allowlist(&c, "customers"),
				   "/usr/lib/postgresql/15/bin/postgres"));
	assert_false(config_allowed(config_allowlist(&c, "customers"), "/usr/bin/sqlite3"));
	assert_false(config_allowed(config_allowlist(&c, "customers"), NULL));
	assert_null(config_allowlist(&c, "orders"));
	/* The overnight shift: Monday 23:00 and Monday 05:00 are working. */
	assert_true(config_working_time(&c.hours, 23 * 60, 1));
	assert_true(config_working_time(&c.hours, 5 * 60, 1));
	assert_false(config_working_time(&c.hours, 12 * 60, 1));
	assert_false(config_working_time(&c.hours, 23 * 60, 3));
	config_free(&c);
}

static void bad_values_are_refused_with_line_and_token(void **state)
{
	(void)state;
	refused("[collector]\ndatabase = var/db\n",
		"t.conf:2: database must be an absolute path: 'var/db'");
	refused("[collector]\npolicy = policy.conf\n",
		"t.conf:2: policy must be an absolute path: 'policy.conf'");
	refused("[collector]\nbatch_ms = 0\n",
		"t.conf:2: batch_ms must be a whole number from 1 to 10000: '0'");
	refused("[collector]\nbatch_ms = 10ms\n",
		"t.conf:2: batch_ms must be a whole number from 1 to 10000: '10ms'");
	refused("[collector]\nbatch_records = 1000001\n",
		"t.conf:2: batch_records must be a whole number from 1 to 1000000: '1000001'");
	refused("[collector]\nretention_days = -1\n",
		"t.conf:2: retention_days must be a whole number from 1 to 3650: '-1'");
	refused("[collector]\nretention_mb = 1G\n",
		"t.conf:2: retention_mb must be a whole number from 1 to 16777216: '1G'");
	refused("[collector]\nrollup_retention_days = 0\n",
		"t.conf:2: rollup_retention_days must be a whole number from 1 to 36500: '0'");
	refused("[collector]\nevidence_max = many\n",
		"t.conf:2: evidence_max must be a whole number from 1 to 100000: 'many'");
	refused("[rules]\nspike_days = 1\n",
		"t.conf:2: spike_days must be a whole number from 2 to 365: '1'");
	refused("[rules]\nspike_min_active_days = 0\n",
		"t.conf:2: spike_min_active_days must be a whole number from 1 to 365: '0'");
	refused("[rules]\nspike_stddevs = four\n",
		"t.conf:2: spike_stddevs must be a number from 0 to 1000: 'four'");
	refused("[rules]\nspike_stddevs = nan\n",
		"t.conf:2: spike_stddevs must be a number from 0 to 1000: 'nan'");
	refused("[rules]\nspike_p95_factor = -3\n",
		"t.conf:2: spike_p95_factor must be a number from 0 to 1000: '-3'");
	refused("[rules]\nfirst_access_days = 0\n",
		"t.conf:2: first_access_days must be a whole number from 1 to 3650: '0'");
	refused("[rules]\nenumeration_files = 2e2\n",
		"t.conf:2: enumeration_files must be a whole number from 1 to 100000000: '2e2'");
	refused("[rules]\negress_read_bytes = 10Q\n",
		"t.conf:2: egress_read_bytes must be a size in bytes, optionally with K, M or G: '10Q'");
	refused("[rules]\negress_read_bytes = 0\n",
		"t.conf:2: egress_read_bytes must be a size in bytes, optionally with K, M or G: '0'");
	refused("[rules]\negress_window = 2d\n",
		"t.conf:2: egress_window must be a duration from 1s to 1d (90s, 15m, 1h): '2d'");
	refused("[rules]\negress_window = soon\n",
		"t.conf:2: egress_window must be a duration from 1s to 1d (90s, 15m, 1h): 'soon'");
	refused("[rules]\negress_loopback = maybe\n",
		"t.conf:2: egress_loopback must be yes or no: 'maybe'");
	refused("[rules]\noff_hours_nologin = 2\n",
		"t.conf:2: off_hours_nologin must be yes or no: '2'");
	refused("[rules]\ndisabled = volume_spike, spikes\n",
		"t.conf:2: disabled: unknown rule (one of volume_spike, first_access, off_hours, enumeration, unapproved_reader, read_then_egress, hardlink): 'spikes'");
	refused("[rules]\nweight_read_then_egress = 1001\n",
		"t.conf:2: weight_read_then_egress must be a whole number from 0 to 1000: '1001'");
	refused("[rules]\nweight_typo = 1\n",
		"t.conf:2: unknown key in [rules]: 'weight_typo'");
	refused("[hours]\nstart = 8:00\n",
		"t.conf:2: start must be a time of day HH:MM (00:00 to 23:59): '8:00'");
	refused("[hours]\nstart = 24:00\n",
		"t.conf:2: start must be a time of day HH:MM (00:00 to 23:59): '24:00'");
	refused("[hours]\nend = 00:00\n",
		"t.conf:2: end must be a time of day HH:MM (00:01 to 24:00): '00:00'");
	refused("[hours]\nend = 18:60\n",
		"t.conf:2: end must be a time of day HH:MM (00:01 to 24:00): '18:60'");
	refused("[hours]\ndays = mon-fry\n",
		"t.conf:2: days must be names such as mon-fri or sat,sun: 'mon-fry'");
	refused("[hours]\ndays =\n",
		"t.conf:2: days must name at least one day: ''");
	refused("[allowlist]\ncustomer data = /usr/bin/psql\n",
		"t.conf:2: dataset names are 1 to 31 of A-Z a-z 0-9 _ . -: 'customer data'");
	refused("[allowlist]\ncustomers = /usr/bin/psql, psql\n",
		"t.conf:2: allowlist entries must be absolute executable paths or patterns: 'psql'");
	refused("[allowlist]\ncustomers =\n",
		"t.conf:2: allowlist of customers is empty (remove the line to allow every program): ''");
}

static void structure_errors_are_refused(void **state)
{
	(void)state;
	refused("[collector]\n\nbatch_size = 10\n",
		"t.conf:3: unknown key in [collector]: 'batch_size'");
	refused("[collectors]\nbatch_ms = 10\n",
		"t.conf:2: unknown section (known: collector, rules, hours, allowlist, sink NAME): 'collectors'");
	refused("batch_ms = 10\n",
		"t.conf:1: key outside of a section: 'batch_ms'");
	refused("[collector]\nbatch_ms = 10\nbatch_ms = 20\n",
		"t.conf:3: duplicate key in [collector]: 'batch_ms'");
	refused("[collector]\n  batch_ms 10  \n",
		"t.conf:2: expected 'key = value' or '[section]': 'batch_ms 10'");
	refused("[collector\nbatch_ms = 10\n",
		"t.conf:1: expected 'key = value' or '[section]': '[collector'");
}

static void keys_that_depend_on_each_other(void **state)
{
	(void)state;
	refused("[rules]\nspike_days = 5\nspike_min_active_days = 6\n",
		"t.conf:3: spike_min_active_days must not exceed spike_days (5): '6'");
	refused("[collector]\nrollup_retention_days = 30\n",
		"t.conf:2: rollup_retention_days must exceed first_access_days and spike_days (30), the rules look back that far: '30'");
	refused("[hours]\nstart = 09:00\nend = 09:00\n",
		"t.conf:3: working hours start and end at the same time: '09:00'");
}

static void a_long_line_keeps_its_line_number(void **state)
{
	char *text = malloc(20000), err[512];
	struct config c;
	int n;

	(void)state;
	n = sprintf(text, "[allowlist]\ncustomers = ");
	memset(text + n, 'x', 10000);
	sprintf(text + n + 10000, "\n[collector]\nbatch_ms = x\n");
	text[n] = '/';
	assert_int_equal(parse(text, &c, err, sizeof(err)), -1);
	assert_string_equal(err, "t.conf:4: batch_ms must be a whole number from 1 to 10000: 'x'");
	config_free(&c);
	free(text);
}

static void missing_files(void **state)
{
	struct config c;
	char err[512];

	(void)state;
	assert_int_equal(config_load(&c, "/nonexistent/dauditd.conf", 1, err, sizeof(err)), 0);
	assert_int_equal(c.batch_ms, 100);
	config_free(&c);
	assert_int_equal(config_load(&c, "/nonexistent/dauditd.conf", 0, err, sizeof(err)), -1);
	assert_string_equal(err, "/nonexistent/dauditd.conf: cannot read: No such file or directory");
	config_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_are_documented_values),
		cmocka_unit_test(the_shipped_file_is_the_defaults),
		cmocka_unit_test(every_key_takes_a_good_value),
		cmocka_unit_test(bad_values_are_refused_with_line_and_token),
		cmocka_unit_test(structure_errors_are_refused),
		cmocka_unit_test(keys_that_depend_on_each_other),
		cmocka_unit_test(a_long_line_keeps_its_line_number),
		cmocka_unit_test(missing_files),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
