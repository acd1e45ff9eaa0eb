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
#include "daudit.h"
#include "fmt.h"

/* fmemopen of @len bytes: the text may hold NUL bytes. */
static int parse_bytes(const char *text, size_t len, struct config *c,
		       char *err, size_t errlen)
{
	FILE *f = fmemopen((void *)text, len, "r");
	int rc;

	assert_non_null(f);
	err[0] = '\0';
	rc = config_parse(c, f, "t.conf", err, errlen);
	fclose(f);
	return rc;
}

static int parse(const char *text, struct config *c, char *err, size_t len)
{
	return parse_bytes(text, strlen(text), c, err, len);
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
	assert_int_equal(c.sensor, SENSOR_AUTO);
	assert_int_equal(c.ebpf_ring_kb, 4096);
	assert_int_equal(c.ebpf_flush_kb, 65536);
	assert_int_equal(c.ebpf_flush_age_sec, 60);
	assert_int_equal(c.batch_records, 10000);
	assert_int_equal(c.rollup_flush_ms, 1000);
	assert_int_equal(c.journal_max_mb, 1024);
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
	assert_int_equal(c.sensor, d.sensor);
	assert_int_equal(c.ebpf_ring_kb, d.ebpf_ring_kb);
	assert_int_equal(c.ebpf_flush_kb, d.ebpf_flush_kb);
	assert_int_equal(c.ebpf_flush_age_sec, d.ebpf_flush_age_sec);
	assert_int_equal(c.batch_records, d.batch_records);
	assert_int_equal(c.journal_max_mb, d.journal_max_mb);
	assert_int_equal(c.retention_days, d.retention_days);
	assert_int_equal(c.retention_mb, d.retention_mb);
	assert_int_equal(c.rollup_retention_days, d.rollup_retention_days);
	assert_int_equal(c.evidence_max, d.evidence_max);
	assert_memory_equal(&c.rules, &d.rules, sizeof(c.rules));
	assert_memory_equal(&c.hours, &d.hours, sizeof(c.hours));
	assert_int_equal(c.n_allow, 0);
	/* Its sinks are commented examples. */
	assert_int_equal(c.n_sinks, 0);
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
		  "sensor = ebpf\n"
		  "ebpf_ring_kb = 64\n"
		  "ebpf_flush_kb = 0\n"
		  "ebpf_flush_age_sec = 5\n"
		  "batch_ms = 250\n"
		  "batch_records = 20000\n"
		  "rollup_flush_ms = 0\n"
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
		  "host = siem.example.com\n",
		  &c, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	assert_string_equal(c.database, "/srv/daudit.db");
	assert_null(c.policy);
	assert_int_equal(c.batch_ms, 250);
	assert_int_equal(c.batch_records, 20000);
	assert_int_equal(c.sensor, SENSOR_EBPF);
	assert_int_equal(c.ebpf_ring_kb, 64);
	assert_int_equal(c.ebpf_flush_kb, 0);
	assert_int_equal(c.ebpf_flush_age_sec, 5);
	assert_int_equal(c.rollup_flush_ms, 0);
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
	refused("[collector]\nsensor = kmod\n",
		"t.conf:2: sensor must be auto, module or ebpf: 'kmod'");
	refused("[collector]\nebpf_ring_kb = 2\n",
		"t.conf:2: ebpf_ring_kb must be a whole number from 4 to 1048576: '2'");
	refused("[collector]\nebpf_flush_kb = 16777217\n",
		"t.conf:2: ebpf_flush_kb must be a whole number from 0 to 16777216: '16777217'");
	refused("[collector]\nebpf_flush_age_sec = -1\n",
		"t.conf:2: ebpf_flush_age_sec must be a whole number from 0 to 86400: '-1'");
	refused("[collector]\nbatch_ms = 0\n",
		"t.conf:2: batch_ms must be a whole number from 1 to 10000: '0'");
	refused("[collector]\nbatch_ms = 10ms\n",
		"t.conf:2: batch_ms must be a whole number from 1 to 10000: '10ms'");
	refused("[collector]\nbatch_records = 1000001\n",
		"t.conf:2: batch_records must be a whole number from 1 to 1000000: '1000001'");
	refused("[collector]\nrollup_flush_ms = 60001\n",
		"t.conf:2: rollup_flush_ms must be a whole number from 0 to 60000: '60001'");
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
		"t.conf:2: disabled: unknown rule (one of volume_spike, first_access, off_hours, enumeration, unapproved_reader, read_then_egress, hardlink, tamper): 'spikes'");
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

static void a_nul_byte_is_refused_on_its_line(void **state)
{
	static const char first[] = "batch_ms = 5\0junk\n[collector]\n";
	static const char later[] =
		"[collector]\nbatch_ms = 5\n\n# a comment\0 and more\nretention_days = 1\n";
	static const char mid[] = "[collector]\nbatch_ms = 5\nretention_days = \0\n";
	struct config c;
	char err[512];

	(void)state;
	assert_int_equal(parse_bytes(first, sizeof(first) - 1, &c, err, sizeof(err)), -1);
	assert_string_equal(err, "t.conf:1: the line has a NUL byte (a configuration file is text)");
	config_free(&c);
	assert_int_equal(parse_bytes(later, sizeof(later) - 1, &c, err, sizeof(err)), -1);
	assert_string_equal(err, "t.conf:4: the line has a NUL byte (a configuration file is text)");
	config_free(&c);
	assert_int_equal(parse_bytes(mid, sizeof(mid) - 1, &c, err, sizeof(err)), -1);
	assert_string_equal(err, "t.conf:3: the line has a NUL byte (a configuration file is text)");
	/* After the refusal the defaults stand, not a half-read file. */
	assert_int_equal(c.batch_ms, 100);
	config_free(&c);
}

static void a_directory_is_not_a_configuration(void **state)
{
	struct config c;
	char err[512];

	(void)state;
	/* Named with --config, or in place of the default file. */
	assert_int_equal(config_load(&c, "/tmp", 0, err, sizeof(err)), -1);
	assert_string_equal(err, "/tmp: cannot read: Is a directory");
	config_free(&c);
	assert_int_equal(config_load(&c, "/tmp", 1, err, sizeof(err)), -1);
	assert_string_equal(err, "/tmp: cannot read: Is a directory");
	config_free(&c);
}

static void sinks_take_every_key(void **state)
{
	struct config c;
	struct sink_config *a, *b, *f, *u;
	char err[512], *dir;

	(void)state;
	if (parse("[collector]\n"
		  "database = /srv/d/daudit.db\n"
		  "[sink siem-1]\n"
		  "type = syslog\n"
		  "format = cef\n"
		  "types = file_read, egress, finding\n"
		  "transport = tls\n"
		  "host = siem.example.com\n"
		  "port = 10514\n"
		  "ca_file = /etc/daudit/ca.pem\n"
		  "verify = yes\n"
		  "server_name = collector.example.com\n"
		  "cert_file = /etc/daudit/client.pem\n"
		  "key_file = /etc/daudit/client.key\n"
		  "facility = local4\n"
		  "app_name = daudit-prod\n"
		  "spool_dir = /var/spool/daudit/siem\n"
		  "spool_max = 2G\n"
		  "reconnect_min = 2s\n"
		  "reconnect_max = 5m\n"
		  "[sink tcp]\n"
		  "type = syslog\n"
		  "transport = tcp\n"
		  "host = 192.0.2.7\n"
		  "format = leef\n"
		  "[sink archive]\n"
		  "path = /var/log/daudit/records.json\n"
		  "type = file\n"
		  "max_size = 10M\n"
		  "generations = 9\n"
		  "[sink u]\n"
		  "type = syslog\n"
		  "transport = udp\n"
		  "host = ::1\n"
		  "format = ocsf\n"
		  "facility = 17\n",
		  &c, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	assert_int_equal(c.n_sinks, 4);
	a = &c.sinks[0];
	b = &c.sinks[1];
	f = &c.sinks[2];
	u = &c.sinks[3];
	assert_string_equal(a->name, "siem-1");
	assert_int_equal(a->line, 3);
	assert_int_equal(a->type, SINK_SYSLOG);
	assert_int_equal(a->format, FMT_CEF);
	assert_int_equal(a->types, (1U << DAUDIT_REC_FILE_READ) |
			 (1U << DAUDIT_REC_EGRESS) | (1U << SINK_TYPE_FINDING));
	assert_int_equal(a->transport, SINK_TLS);
	assert_string_equal(a->host, "siem.example.com");
	assert_int_equal(a->port, 10514);
	assert_string_equal(a->ca_file, "/etc/daudit/ca.pem");
	assert_int_equal(a->verify, 1);
	assert_string_equal(a->server_name, "collector.example.com");
	assert_string_equal(a->cert_file, "/etc/daudit/client.pem");
	assert_string_equal(a->key_file, "/etc/daudit/client.key");
	assert_int_equal(a->facility, 20);
	assert_string_equal(a->app_name, "daudit-prod");
	assert_string_equal(a->spool_dir, "/var/spool/daudit/siem");
	assert_int_equal(a->spool_max, 2ULL << 30);
	assert_int_equal(a->reconnect_min, 2);
	assert_int_equal(a->reconnect_max, 300);
	/* Defaults: TLS port for TLS, 514 otherwise, everything sent. */
	assert_int_equal(b->transport, SINK_TCP);
	assert_int_equal(b->port, 514);
	assert_int_equal(b->format, FMT_LEEF);
	assert_int_equal(b->types, SINK_TYPES_ALL);
	assert_int_equal(b->verify, 1);
	assert_int_equal(b->facility, 10);
	assert_string_equal(b->app_name, "daudit");
	assert_int_equal(b->spool_max, 1ULL << 30);
	assert_int_equal(b->reconnect_min, 1);
	assert_int_equal(b->reconnect_max, 60);
	assert_null(b->spool_dir);
	dir = config_spool_dir(b, c.database);
	assert_string_equal(dir, "/srv/d/sinks/tcp");
	free(dir);
	assert_int_equal(f->type, SINK_FILE);
	assert_int_equal(f->format, FMT_ECS);
	assert_string_equal(f->path, "/var/log/daudit/records.json");
	assert_int_equal(f->max_size, 10ULL << 20);
	assert_int_equal(f->generations, 9);
	assert_int_equal(u->transport, SINK_UDP);
	assert_int_equal(u->port, 514);
	assert_string_equal(u->host, "::1");
	assert_int_equal(u->facility, 17);
	assert_int_equal(u->format, FMT_OCSF);
	/* Copies compare equal; a change does not. */
	{
		struct sink_config x;

		config_sink_copy(&x, a);
		assert_true(config_sink_equal(&x, a));
		x.port++;
		assert_false(config_sink_equal(&x, a));
		config_sink_free(&x);
	}
	config_free(&c);
}

static void sink_errors_name_the_line_and_token(void **state)
{
	(void)state;
	refused("[sink a b]\ntype = file\n",
		"t.conf:2: sink names are 1 to 31 of A-Z a-z 0-9 _ . -: 'a b'");
	refused("[sink siem]\n\n",
		"t.conf:1: sink has no type (type = file or syslog): 'siem'");
	refused("[sink siem]\nformat = cef\n",
		"t.conf:1: sink has no type (type = file or syslog): 'siem'");
	refused("[sink siem]\ntype = kafka\n",
		"t.conf:2: type must be file or syslog: 'kafka'");
	refused("[sink siem]\ntype = syslog\nhost = h\nformat = json\n",
		"t.conf:4: format must be ecs, cef, leef or ocsf: 'json'");
	refused("[sink siem]\ntype = syslog\nhost = h\ntypes = file_read, reads\n",
		"t.conf:4: types: unknown type (all, or some of file_read, socket_read, egress, alert, finding, process, policy, module, lost): 'reads'");
	refused("[sink siem]\ntype = syslog\nhost = h\nbogus = 1\n",
		"t.conf:4: unknown key in [sink siem]: 'bogus'");
	refused("[sink siem]\ntype = syslog\nhost = h\nhost = i\n",
		"t.conf:4: duplicate key in [sink siem]: 'host'");
	refused("[sink siem]\ntype = syslog\n",
		"t.conf:1: a syslog sink needs host: 'siem'");
	refused("[sink f]\ntype = file\n",
		"t.conf:1: a file sink needs path: 'f'");
	refused("[sink f]\ntype = file\npath = records.json\n",
		"t.conf:3: path must be an absolute path: 'records.json'");
	refused("[sink f]\ntype = file\npath = /x\nport = 514\n",
		"t.conf:4: this key applies to syslog sinks only: 'port'");
	refused("[sink s]\nmax_size = 1M\ntype = syslog\nhost = h\n",
		"t.conf:2: this key applies to file sinks only: 'max_size'");
	refused("[sink s]\ntype = syslog\ntransport = tcp\nhost = h\nca_file = /ca.pem\n",
		"t.conf:5: this key needs transport = tls: 'ca_file'");
	refused("[sink s]\ntype = syslog\ntransport = quic\n",
		"t.conf:3: transport must be udp, tcp or tls: 'quic'");
	refused("[sink s]\ntype = syslog\nhost = a b\n",
		"t.conf:3: host must be a host name or an IP address: 'a b'");
	refused("[sink s]\ntype = syslog\nhost = h\nport = 65536\n",
		"t.conf:4: port must be a whole number from 1 to 65535: '65536'");
	refused("[sink s]\ntype = syslog\nhost = h\nverify = perhaps\n",
		"t.conf:4: verify must be yes or no: 'perhaps'");
	refused("[sink s]\ntype = syslog\nhost = h\ncert_file = /c.pem\n",
		"t.conf:4: cert_file and key_file go together: 'cert_file'");
	refused("[sink s]\ntype = syslog\nhost = h\nfacility = local8\n",
		"t.conf:4: facility must be a syslog facility name (auth, authpriv, local0 ... local7, ...) or 0 to 23: 'local8'");
	refused("[sink s]\ntype = syslog\nhost = h\napp_name = my app\n",
		"t.conf:4: app_name must be 1 to 48 printable ASCII characters without spaces: 'my app'");
	refused("[sink s]\ntype = syslog\nhost = h\nspool_max = 1K\n",
		"t.conf:4: spool_max must be a size from 64K up, optionally with K, M or G: '1K'");
	refused("[sink s]\ntype = syslog\nhost = h\nreconnect_min = 0s\n",
		"t.conf:4: reconnect_min must be a duration from 1s to 1d (1s, 30s, 5m): '0s'");
	refused("[sink s]\ntype = syslog\nhost = h\nreconnect_min = 2m\nreconnect_max = 1m\n",
		"t.conf:5: reconnect_min must not exceed reconnect_max (60s): '120s'");
	refused("[sink f]\ntype = file\npath = /x\nmax_size = 100\n",
		"t.conf:4: max_size must be 0 (never rotate) or a size of at least 4K, optionally with K, M or G: '100'");
	refused("[sink f]\ntype = file\npath = /x\ngenerations = 0\n",
		"t.conf:4: generations must be a whole number from 1 to 1000: '0'");
	refused("[sink f]\ntype = file\npath = /x\n[sink g]\ntype = file\npath = /x\n",
		"t.conf:6: sink f writes to the same file: '/x'");
	refused("[sink a]\ntype = syslog\nhost = h\nspool_dir = /s\n"
		"[sink b]\ntype = syslog\nhost = h\nspool_dir = /s\n",
		"t.conf:8: sink a spools to the same directory: '/s'");
}

/* The fleet store: a postgresql:// URL without a password, or nothing. */
static void the_fleet_store_keys(void **state)
{
	struct config c;
	char err[512];

	(void)state;
	assert_int_equal(parse("[collector]\nstore = postgresql://daudit@db.example.com/daudit?sslmode=verify-full&sslrootcert=/etc/daudit/pg-ca.pem\n"
			       "store_password_file = /etc/daudit/store.pass\nstore_host = app-07\n",
			       &c, err, sizeof(err)), 0);
	assert_string_equal(c.store, "postgresql://daudit@db.example.com/daudit?sslmode=verify-full&sslrootcert=/etc/daudit/pg-ca.pem");
	assert_string_equal(c.store_password_file, "/etc/daudit/store.pass");
	assert_string_equal(c.store_host, "app-07");
	config_free(&c);
	assert_int_equal(parse("[collector]\nstore =\n", &c, err, sizeof(err)), 0);
	assert_null(c.store);
	assert_null(c.store_host);
	config_free(&c);
	refused("[collector]\nstore = mysql://db/daudit\n",
		"t.conf:2: store must be a postgresql:// URL: 'mysql://db/daudit'");
	refused("[collector]\nstore = postgresql://daudit:secret@db/daudit\n",
		"t.conf:2: store has a password: dauditd.conf is readable by all; put it in store_password_file (mode 0600) or PGPASSFILE: 'postgresql://daudit:secret@db/daudit'");
	refused("[collector]\nstore = postgresql://db/daudit?sslmode=verify-full&nosuchkey=1\n",
		"t.conf:2: store invalid URI query parameter: \"nosuchkey\": 'postgresql://db/daudit?sslmode=verify-full&nosuchkey=1'");
	refused("[collector]\nstore_host = app 07\n",
		"t.conf:2: store_host must be a host name (letters, digits, '.', '-', '_'): 'app 07'");
	refused("[collector]\nstore_password_file = store.pass\n",
		"t.conf:2: store_password_file must be an absolute path: 'store.pass'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_fleet_store_keys),
		cmocka_unit_test(defaults_are_documented_values),
		cmocka_unit_test(the_shipped_file_is_the_defaults),
		cmocka_unit_test(every_key_takes_a_good_value),
		cmocka_unit_test(bad_values_are_refused_with_line_and_token),
		cmocka_unit_test(structure_errors_are_refused),
		cmocka_unit_test(keys_that_depend_on_each_other),
		cmocka_unit_test(a_long_line_keeps_its_line_number),
		cmocka_unit_test(missing_files),
		cmocka_unit_test(a_nul_byte_is_refused_on_its_line),
		cmocka_unit_test(a_directory_is_not_a_configuration),
		cmocka_unit_test(sinks_take_every_key),
		cmocka_unit_test(sink_errors_name_the_line_and_token),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
