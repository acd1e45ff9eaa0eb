// SPDX-License-Identifier: GPL-2.0
/*
 * Every review rule against synthetic streams, at its thresholds, with
 * the evidence each finding keeps.  Runs in UTC; day 0 is Monday
 * 2026-11-02.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "synth.h"

#define MIB (1024ULL * 1024)

struct fixture {
	char *path;
	struct collector c;
	struct source src;
	struct synth s;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->path = test_db_path("rules");
	test_db_remove(f->path);
	fake_source(&f->src, NULL, 0x77);
	test_collector(&f->c, f->path, &f->src, NULL);
	synth_init(&f->s);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	collector_close(&f->c);
	test_db_remove(f->path);
	synth_free(&f->s);
	free(f->path);
	free(f);
	return 0;
}

static void reopen(struct fixture *f, void (*tweak)(struct config *))
{
	collector_close(&f->c);
	test_collector(&f->c, f->path, &f->src, tweak);
}

/* Feed what was built so far, commit, and start a new batch. */
static void feed(struct fixture *f)
{
	uint64_t seq[SYNTH_CPUS];

	test_feed(&f->c, &f->s);
	memcpy(seq, f->s.seq, sizeof(seq));
	synth_free(&f->s);
	synth_init(&f->s);
	memcpy(f->s.seq, seq, sizeof(seq));
}

static int64_t findings(struct fixture *f, const char *rule)
{
	char sql[200];

	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM findings WHERE rule = '%s'", rule);
	return test_int(&f->c, sql);
}

static int64_t evidence(struct fixture *f, const char *rule)
{
	char sql[200];

	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM evidence e JOIN findings f ON f.id = e.finding_id WHERE f.rule = '%s'", rule);
	return test_int(&f->c, sql);
}

static struct who user(uint32_t uid, uint32_t session)
{
	struct who w = { uid, uid, session, 10000 + uid, uid * NS, "cat" };

	return w;
}

/* One read of @bytes at 10:00 of day @day (working hours). */
static void day_read(struct fixture *f, const struct who *w, unsigned int day,
		     uint64_t bytes)
{
	synth_read1(&f->s, 0, T0 + day * DAY_NS + 10 * HOUR_NS, w, "customers",
		    "/data/customers/all.csv", bytes);
}

/* ------------------------------------------------------------------ */

static void baseline_statistics(void **state)
{
	const uint64_t v[14] = { 100, 100, 100, 100, 100, 100, 100, 100, 100,
				 100, 100, 100, 100, 10000 };
	const uint64_t w[14] = { 0, 0, 0, 0, 0, 0, 0, 0, 5, 5, 5, 5, 5, 5 };
	struct baseline b;

	(void)state;
	baseline_of(v, 14, 7, &b);
	assert_true(b.ok);
	assert_int_equal(b.active, 14);
	assert_true(b.mean > 807.14 && b.mean < 807.15);
	assert_true(b.sd > 2549.6 && b.sd < 2549.7);
	/* Position 0.95 * 13 = 12.35: 100 + 0.35 * 9900. */
	assert_true(b.p95 > 3564.99 && b.p95 < 3565.01);
	baseline_of(w, 14, 7, &b);
	assert_false(b.ok);
	assert_int_equal(b.active, 6);
}

static void volume_spike_over_a_21_day_baseline(void **state)
{
	struct fixture *f = *state;
	struct who a = user(1000, 1);
	unsigned int d;
	char *reason;

	/* Twenty ordinary days around 100 MiB, then 1 GiB. */
	for (d = 0; d < 20; d++) {
		day_read(f, &a, d, 90 * MIB + (d % 5) * 5 * MIB);
		feed(f);
		assert_int_equal(findings(f, "volume_spike"), 0);
	}
	day_read(f, &a, 20, 600 * MIB);
	day_read(f, &a, 20, 424 * MIB);
	feed(f);
	assert_int_equal(findings(f, "volume_spike"), 1);
	assert_int_equal(test_int(&f->c, "SELECT bytes FROM findings WHERE rule = 'volume_spike'"),
			 (int64_t)(1024 * MIB));
	assert_int_equal(test_int(&f->c, "SELECT first_ns FROM findings WHERE rule = 'volume_spike'"),
			 (int64_t)(T0 + 20 * DAY_NS));
	/* The evidence: the first read of each file read that day (one). */
	assert_int_equal(evidence(f, "volume_spike"), 1);
	assert_int_equal(test_int(&f->c, "SELECT e.bytes FROM evidence e JOIN findings f ON f.id = e.finding_id WHERE f.rule = 'volume_spike'"),
			 (int64_t)(600 * MIB));
	reason = test_text(&f->c, "SELECT reason FROM findings WHERE rule = 'volume_spike'");
	assert_non_null(strstr(reason, "1.00 GiB"));
	assert_non_null(strstr(reason, "previous 14 days (14 with reads)"));
	free(reason);
	/* More of the same day updates the finding, no second one. */
	day_read(f, &a, 20, 100 * MIB);
	feed(f);
	assert_int_equal(findings(f, "volume_spike"), 1);
	assert_int_equal(test_int(&f->c, "SELECT bytes FROM findings WHERE rule = 'volume_spike'"),
			 (int64_t)(1124 * MIB));
}

static void volume_spike_needs_seven_active_days(void **state)
{
	struct fixture *f = *state;
	struct who six = user(1000, 1), seven = user(1001, 2);
	unsigned int d;

	/* Days 8..13 (six) and 7..13 (seven) of the 14 before day 14. */
	for (d = 7; d < 14; d++) {
		if (d >= 8)
			day_read(f, &six, d, 100 * MIB);
		day_read(f, &seven, d, 100 * MIB);
	}
	feed(f);
	day_read(f, &six, 14, 10240 * MIB);
	day_read(f, &seven, 14, 10240 * MIB);
	feed(f);
	assert_int_equal(findings(f, "volume_spike"), 1);
	assert_int_equal(test_int(&f->c, "SELECT user_uid FROM findings WHERE rule = 'volume_spike'"), 1001);
}

static void volume_spike_must_exceed_three_times_p95(void **state)
{
	struct fixture *f = *state;
	struct who at = user(1000, 1), above = user(1001, 2);
	unsigned int d;

	/* 14 days of exactly 100 bytes: sd 0, mean + 4 sd = 100, 3 x p95 = 300. */
	for (d = 0; d < 14; d++) {
		day_read(f, &at, d, 100);
		day_read(f, &above, d, 100);
	}
	feed(f);
	day_read(f, &at, 14, 300);
	day_read(f, &above, 14, 301);
	feed(f);
	assert_int_equal(findings(f, "volume_spike"), 1);
	assert_int_equal(test_int(&f->c, "SELECT user_uid FROM findings WHERE rule = 'volume_spike'"), 1001);
}

static void volume_spike_must_exceed_mean_plus_four_sd(void **state)
{
	struct fixture *f = *state;
	const uint64_t v[14] = { 100, 100, 100, 100, 100, 100, 100, 100, 100,
				 100, 100, 100, 100, 10000 };
	struct who at = user(1000, 1), above = user(1001, 2);
	struct baseline b;
	uint64_t limit;
	unsigned int d;

	baseline_of(v, 14, 7, &b);
	/* Here the binding threshold is mean + 4 sd, not 3 x p95. */
	assert_true(b.mean + 4 * b.sd > 3 * b.p95);
	limit = (uint64_t)(b.mean + 4 * b.sd);
	for (d = 0; d < 14; d++) {
		day_read(f, &at, d, v[d]);
		day_read(f, &above, d, v[d]);
	}
	feed(f);
	day_read(f, &at, 14, limit);
	day_read(f, &above, 14, limit + 1);
	feed(f);
	/* (Day 13's 10000 bytes is a spike of its own, against 100s.) */
	assert_int_equal(test_int(&f->c, "SELECT COUNT(*) FROM findings WHERE rule = 'volume_spike' AND first_ns = 1794787200000000000"), 1);
	assert_int_equal(test_int(&f->c, "SELECT user_uid FROM findings WHERE rule = 'volume_spike' AND first_ns = 1794787200000000000"), 1001);
}

static void first_access_in_thirty_days(void **state)
{
	struct fixture *f = *state;
	struct who a = user(1000, 1), b = user(1001, 2);

	day_read(f, &a, 0, 10);
	day_read(f, &b, 0, 10);
	feed(f);
	/* Never read before: both are first accesses. */
	assert_int_equal(findings(f, "first_access"), 2);
	day_read(f, &a, 10, 10);
	day_read(f, &b, 10, 10);
	feed(f);
	assert_int_equal(findings(f, "first_access"), 2);
	/* From the database after a restart, to the hour: 30 days less an
	 * hour later is not a first access, 31 days later is. */
	reopen(f, NULL);
	day_read(f, &a, 40, 10);
	day_read(f, &b, 41, 10);
	feed(f);
	assert_int_equal(findings(f, "first_access"), 3);
	assert_int_equal(test_int(&f->c, "SELECT user_uid FROM findings WHERE rule = 'first_access' ORDER BY id DESC LIMIT 1"), 1001);
	/* Another dataset is a first access of its own. */
	synth_read1(&f->s, 0, T0 + 41 * DAY_NS + 11 * HOUR_NS, &a, "payroll", "/p/1", 10);
	feed(f);
	assert_int_equal(findings(f, "first_access"), 4);
	assert_int_equal(test_int(&f->c, "SELECT COUNT(*) FROM evidence e JOIN findings f ON f.id = e.finding_id WHERE f.rule = 'first_access'"), 4);
}

static void nologin_offhours(struct config *c)
{
	c->rules.off_hours_nologin = 1;
}

static void off_hours_reads(void **state)
{
	struct fixture *f = *state;
	struct who a = user(1000, 1);
	struct who daemon = { 110, DAUDIT_UID_UNSET, DAUDIT_SESSION_UNSET, 900, NS, "postgres" };

	synth_read1(&f->s, 0, T0 + 10 * HOUR_NS, &a, "customers", "/c/1", 10);
	synth_read1(&f->s, 0, T0 + 17 * HOUR_NS + 59 * 60 * NS, &a, "customers", "/c/1", 10);
	feed(f);
	assert_int_equal(findings(f, "off_hours"), 0);
	synth_read1(&f->s, 0, T0 + 18 * HOUR_NS, &a, "customers", "/c/1", 10);
	synth_read1(&f->s, 0, T0 + 23 * HOUR_NS, &a, "customers", "/c/2", 20);
	synth_read1(&f->s, 0, T0 + 23 * HOUR_NS, &daemon, "customers", "/c/3", 20);
	feed(f);
	/* 18:00 is already outside 08:00-18:00; one finding for the day. */
	assert_int_equal(findings(f, "off_hours"), 1);
	assert_int_equal(test_int(&f->c, "SELECT count FROM findings WHERE rule = 'off_hours'"), 2);
	assert_int_equal(test_int(&f->c, "SELECT bytes FROM findings WHERE rule = 'off_hours'"), 30);
	assert_int_equal(evidence(f, "off_hours"), 2);
	/* Saturday 11:00 is not a working day. */
	synth_read1(&f->s, 0, T0 + 5 * DAY_NS + 11 * HOUR_NS, &a, "customers", "/c/1", 10);
	feed(f);
	assert_int_equal(findings(f, "off_hours"), 2);
	/* Daemons only when asked for. */
	reopen(f, nologin_offhours);
	synth_read1(&f->s, 0, T0 + 6 * DAY_NS + 23 * HOUR_NS, &daemon, "customers", "/c/3", 20);
	feed(f);
	assert_int_equal(findings(f, "off_hours"), 3);
}

static void files_in_hour(struct fixture *f, const struct who *w,
			  uint64_t hour, unsigned int from, unsigned int n)
{
	unsigned int i;
	char path[64];

	for (i = from; i < from + n; i++) {
		snprintf(path, sizeof(path), "/data/customers/%u.json", i);
		synth_read1(&f->s, i % 4, T0 + hour + (uint64_t)i * NS, w,
			    "customers", path, 100);
	}
}

static void enumeration_at_199_and_200_files(void **state)
{
	struct fixture *f = *state;
	struct who a = user(1000, 1), b = user(1001, 2);

	files_in_hour(f, &a, 10 * HOUR_NS, 0, 199);
	/* The 200th file of a falls in the next hour. */
	files_in_hour(f, &a, 11 * HOUR_NS, 199, 1);
	files_in_hour(f, &b, 10 * HOUR_NS, 0, 150);
	feed(f);
	assert_int_equal(findings(f, "enumeration"), 0);
	/* b's files reach 200 in a later batch; re-reads do not count. */
	files_in_hour(f, &b, 10 * HOUR_NS, 100, 50);
	feed(f);
	assert_int_equal(findings(f, "enumeration"), 0);
	files_in_hour(f, &b, 10 * HOUR_NS, 150, 50);
	feed(f);
	assert_int_equal(findings(f, "enumeration"), 1);
	assert_int_equal(test_int(&f->c, "SELECT user_uid FROM findings WHERE rule = 'enumeration'"), 1001);
	assert_int_equal(test_int(&f->c, "SELECT count FROM findings WHERE rule = 'enumeration'"), 200);
	/* One evidence row per distinct file, up to evidence_max (100). */
	assert_int_equal(evidence(f, "enumeration"), 100);
	assert_int_equal(test_int(&f->c, "SELECT COUNT(DISTINCT e.path) FROM evidence e JOIN findings f ON f.id = e.finding_id WHERE f.rule = 'enumeration'"), 100);
}

static void allowlist(struct config *c)
{
	c->allow = calloc(1, sizeof(*c->allow));
	c->n_allow = 1;
	snprintf(c->allow[0].dataset, sizeof(c->allow[0].dataset), "customers");
	c->allow[0].n = 2;
	c->allow[0].exes = calloc(2, sizeof(char *));
	c->allow[0].exes[0] = strdup("/usr/bin/psql");
	c->allow[0].exes[1] = strdup("/usr/lib/postgresql/*/bin/postgres");
}

static void unapproved_reader_outside_the_allowlist(void **state)
{
	struct fixture *f = *state;
	struct who psql = user(1000, 1), pg = user(1001, 2), sq = user(1002, 3),
		   unk = user(1003, 4);
	char *s;

	reopen(f, allowlist);
	synth_process(&f->s, 0, T0, &psql, "/usr/bin/psql", DAUDIT_PROC_SEEN);
	synth_process(&f->s, 0, T0, &pg, "/usr/lib/postgresql/15/bin/postgres", DAUDIT_PROC_SEEN);
	synth_process(&f->s, 0, T0, &sq, "/usr/bin/sqlite3", DAUDIT_PROC_SEEN);
	day_read(f, &psql, 0, 10);
	day_read(f, &pg, 0, 10);
	day_read(f, &sq, 0, 10);
	day_read(f, &sq, 0, 15);
	day_read(f, &unk, 0, 10);
	/* payroll has no allowlist: any program may read it. */
	synth_read1(&f->s, 0, T0 + 10 * HOUR_NS, &sq, "payroll", "/p/1", 10);
	feed(f);
	assert_int_equal(findings(f, "unapproved_reader"), 2);
	s = test_text(&f->c, "SELECT reason FROM findings WHERE rule = 'unapproved_reader' AND user_uid = 1002");
	assert_non_null(strstr(s, "/usr/bin/sqlite3 read 25 bytes of customers in 2 records"));
	free(s);
	s = test_text(&f->c, "SELECT reason FROM findings WHERE rule = 'unapproved_reader' AND user_uid = 1003");
	assert_non_null(strstr(s, "unknown executable"));
	free(s);
	assert_int_equal(evidence(f, "unapproved_reader"), 3);
}

/* Read @bytes at @t and send 1 MiB at @t + @after, in session @w. */
static void read_send(struct fixture *f, const struct who *r, const struct who *s,
		      uint64_t t, uint64_t bytes, uint64_t after, uint32_t flags)
{
	synth_read1(&f->s, 0, t, r, "customers", "/data/customers/all.csv", bytes);
	synth_egress(&f->s, 1, t + after, s, "customers", DAUDIT_EGRESS_NET, flags,
		     NULL, MIB);
}

static void read_then_egress_in_one_login_session(void **state)
{
	struct fixture *f = *state;
	struct who a = user(1000, 1), b = user(1001, 2), c = user(1002, 3),
		   c2 = user(1002, 33), d = user(1003, 4), e = user(1004, 5),
		   g = user(1005, 6);
	uint64_t t = T0 + 10 * HOUR_NS, m = 60 * NS;
	char *s;

	c2.tgid = 77777;
	read_send(f, &a, &a, t, 12 * MIB, 10 * m, 0);		/* yes */
	read_send(f, &b, &b, t, 12 * MIB, 16 * m, 0);		/* too late */
	read_send(f, &c, &c2, t, 12 * MIB, 1 * m, 0);		/* other session */
	read_send(f, &d, &d, t, 9 * MIB, 1 * m, 0);		/* too little */
	read_send(f, &g, &g, t, 12 * MIB, 1 * m, DAUDIT_EGRESS_F_LOOPBACK);
	/* Egress delivered before the read that preceded it (other CPU). */
	synth_egress(&f->s, 1, t + 5 * m, &e, "customers", DAUDIT_EGRESS_FILE, 0,
		     "/media/usb0/x.csv", MIB);
	synth_read1(&f->s, 0, t, &e, "customers", "/data/customers/all.csv", 6 * MIB);
	synth_read1(&f->s, 2, t + m, &e, "customers", "/data/customers/b.csv", 6 * MIB);
	feed(f);

	assert_int_equal(findings(f, "read_then_egress"), 2);
	assert_int_equal(test_int(&f->c, "SELECT COUNT(*) FROM findings WHERE rule = 'read_then_egress' AND user_uid IN (1000, 1004)"), 2);
	s = test_text(&f->c, "SELECT reason FROM findings WHERE rule = 'read_then_egress' AND user_uid = 1000");
	assert_non_null(strstr(s, "read 12.0 MiB (12582912 bytes) of protected data, then sent 1.00 MiB"));
	assert_non_null(strstr(s, "203.0.113.5:443/tcp"));
	free(s);
	/* The read and the egress that justify it. */
	assert_int_equal(test_int(&f->c, "SELECT COUNT(*) FROM evidence e JOIN findings f ON f.id = e.finding_id WHERE f.user_uid = 1000 AND f.rule = 'read_then_egress'"), 2);
	assert_int_equal(test_int(&f->c, "SELECT COUNT(*) FROM evidence e JOIN findings f ON f.id = e.finding_id WHERE f.user_uid = 1004 AND f.rule = 'read_then_egress'"), 3);
	s = test_text(&f->c, "SELECT reason FROM findings WHERE rule = 'read_then_egress' AND user_uid = 1004");
	assert_non_null(strstr(s, "(last to /media/usb0/x.csv)"));
	free(s);
}

static void read_then_egress_window_edge(void **state)
{
	struct fixture *f = *state;
	struct who in = user(1000, 1), out = user(1001, 2);
	uint64_t t = T0 + 10 * HOUR_NS;

	/* Exactly 15 minutes after the read ended: inside. One ns more: not. */
	read_send(f, &in, &in, t, 10 * MIB, 15 * 60 * NS, 0);
	read_send(f, &out, &out, t, 10 * MIB, 15 * 60 * NS + 1, 0);
	feed(f);
	assert_int_equal(findings(f, "read_then_egress"), 1);
	assert_int_equal(test_int(&f->c, "SELECT user_uid FROM findings WHERE rule = 'read_then_egress'"), 1000);
}

static void read_then_egress_across_a_restart(void **state)
{
	struct fixture *f = *state;
	struct who a = user(1000, 1);
	uint64_t t = T0 + 10 * HOUR_NS;

	synth_read1(&f->s, 0, t, &a, "customers", "/c/1", 11 * MIB);
	feed(f);
	reopen(f, NULL);
	synth_egress(&f->s, 1, t + 60 * NS, &a, "customers", DAUDIT_EGRESS_NET, 0, NULL, 100);
	feed(f);
	assert_int_equal(findings(f, "read_then_egress"), 1);
}

static void read_then_egress_after_a_bulk_read_of_many_files(void **state)
{
	struct fixture *f = *state;
	struct who a = user(1000, 1);
	uint64_t t = T0 + 10 * HOUR_NS;
	unsigned int i;
	char path[64];

	/* 5000 files of 4 KiB: more reads than a session keeps one by one. */
	for (i = 0; i < 5000; i++) {
		snprintf(path, sizeof(path), "/data/customers/%u", i);
		synth_read1(&f->s, i % 4, t + i * 100000ULL, &a, "customers", path, 4096);
	}
	synth_egress(&f->s, 1, t + 600 * NS, &a, "customers", DAUDIT_EGRESS_NET, 0, NULL, MIB);
	feed(f);
	assert_int_equal(findings(f, "read_then_egress"), 1);
	assert_int_equal(evidence(f, "read_then_egress"), 100);
	/* The egress is among the evidence kept. */
	assert_int_equal(test_int(&f->c, "SELECT COUNT(*) FROM evidence e JOIN findings f ON f.id = e.finding_id WHERE f.rule = 'read_then_egress' AND e.type = 8"), 1);
}

static void hard_links_are_findings(void **state)
{
	struct fixture *f = *state;
	struct who a = user(1000, 1);
	char *s;

	synth_alert(&f->s, 0, T0 + 10 * HOUR_NS, &a, "customers",
		    "/data/customers/all.csv", "/home/alice/x");
	feed(f);
	assert_int_equal(findings(f, "hardlink"), 1);
	s = test_text(&f->c, "SELECT reason FROM findings WHERE rule = 'hardlink'");
	assert_string_equal(s, "protected file of customers under an unprotected name: /data/customers/all.csv linked as /home/alice/x");
	free(s);
	assert_int_equal(evidence(f, "hardlink"), 1);
	assert_int_equal(test_int(&f->c, "SELECT score FROM findings"), 50);
}

static void moves_out_of_the_tree_are_findings(void **state)
{
	struct fixture *f = *state;
	struct who a = user(1000, 1);
	struct daudit_rec_alert *r;
	size_t at = f->s.len;
	char *s;

	synth_alert(&f->s, 0, T0 + 10 * HOUR_NS, &a, "customers",
		    "/data/customers/all.csv", "/home/alice/x");
	/* The record just made: a move, not a link. */
	r = (void *)(f->s.buf + at);
	assert_int_equal(r->hdr.type, DAUDIT_REC_ALERT);
	r->kind = DAUDIT_ALERT_RENAME;
	feed(f);
	assert_int_equal(findings(f, "hardlink"), 1);
	s = test_text(&f->c, "SELECT reason FROM findings WHERE rule = 'hardlink'");
	assert_string_equal(s, "protected file of customers under an unprotected name: /data/customers/all.csv moved to /home/alice/x");
	free(s);
}

static void tampering_is_a_finding(void **state)
{
	struct fixture *f = *state;
	struct who a = { 0, 1002, 9, 10100, NS, "bash" };
	struct daudit_rec_alert *r;
	size_t at = f->s.len;
	char *s;

	/* A login uid 1001 (session 7) claimed as 1002's by root. */
	synth_alert(&f->s, 0, T0 + 10 * HOUR_NS, &a, "", "", "");
	r = (void *)(f->s.buf + at);
	r->kind = DAUDIT_ALERT_LOGINUID;
	r->ino = 1001;
	r->dev = 7;
	/* kprobes disarmed. */
	at = f->s.len;
	synth_alert(&f->s, 1, T0 + 11 * HOUR_NS, &a, "", "kprobes/enabled", "0");
	r = (void *)(f->s.buf + at);
	r->kind = DAUDIT_ALERT_KPROBES;
	/* A loop device set up over a protected file. */
	at = f->s.len;
	synth_alert(&f->s, 1, T0 + 12 * HOUR_NS, &a, "customers",
		    "/srv/data/disk.image", "/dev/loop0");
	r = (void *)(f->s.buf + at);
	r->kind = DAUDIT_ALERT_LOOP;
	feed(f);
	assert_int_equal(findings(f, "tamper"), 3);
	assert_int_equal(findings(f, "hardlink"), 0);
	assert_int_equal(evidence(f, "tamper"), 3);
	s = test_text(&f->c, "SELECT reason FROM findings WHERE rule = 'tamper' ORDER BY first_ns LIMIT 1");
	assert_string_equal(s, "the sensor or its attribution tampered with: login uid 1001 (session 7) rewritten to 1002 by uid 0");
	free(s);
	s = test_text(&f->c, "SELECT reason FROM findings WHERE rule = 'tamper' ORDER BY first_ns LIMIT 1 OFFSET 1");
	assert_string_equal(s, "the sensor or its attribution tampered with: wrote '0' to kprobes/enabled: probes disarmed");
	free(s);
	s = test_text(&f->c, "SELECT reason FROM findings WHERE rule = 'tamper' ORDER BY first_ns DESC LIMIT 1");
	assert_string_equal(s, "the sensor or its attribution tampered with: set up loop device /dev/loop0 over /srv/data/disk.image (uid 0)");
	free(s);
	assert_int_equal(test_int(&f->c, "SELECT MAX(score) FROM findings"), 60);
}

static void findings_continue_across_restarts_and_replays(void **state)
{
	struct fixture *f = *state;
	struct who a = user(1000, 1);
	struct synth again;

	synth_read1(&f->s, 0, T0 + 22 * HOUR_NS, &a, "customers", "/c/1", 10);
	synth_read1(&f->s, 0, T0 + 23 * HOUR_NS, &a, "customers", "/c/2", 10);
	again = f->s;
	again.buf = malloc(f->s.len);
	memcpy(again.buf, f->s.buf, f->s.len);
	feed(f);
	reopen(f, NULL);
	/* Everything delivered again, then one more off-hours read. */
	test_feed(&f->c, &again);
	synth_read1(&f->s, 0, T0 + 23 * HOUR_NS + 60 * NS, &a, "customers", "/c/3", 10);
	feed(f);
	synth_free(&again);
	assert_int_equal(findings(f, "off_hours"), 1);
	assert_int_equal(findings(f, "first_access"), 1);
	assert_int_equal(test_int(&f->c, "SELECT count FROM findings WHERE rule = 'off_hours'"), 3);
	assert_int_equal(test_int(&f->c, "SELECT COUNT(*) FROM evidence e JOIN findings f ON f.id = e.finding_id WHERE f.rule = 'off_hours'"), 3);
}

static void evidence_outlives_raw_retention(void **state)
{
	struct fixture *f = *state;
	struct who a = user(1000, 1);
	struct retention_stats st;

	synth_alert(&f->s, 0, T0, &a, "customers", "/data/customers/all.csv", "/tmp/x");
	feed(f);
	f->c.cfg.retention_days = 1;
	f->c.cfg.rollup_retention_days = 3650;
	store_retention(&f->c.store, (int64_t)(T0 / NS) + 3 * 86400, &f->c.cfg, &st);
	assert_int_equal(st.events_by_age, 1);
	assert_int_equal(test_int(&f->c, "SELECT COUNT(*) FROM events"), 0);
	assert_int_equal(test_int(&f->c, "SELECT COUNT(*) FROM evidence WHERE path = '/data/customers/all.csv'"), 1);
}

static void no_spikes(struct config *c)
{
	c->rules.disabled = 1U << RULE_HARDLINK;
}

static void disabled_rules_find_nothing(void **state)
{
	struct fixture *f = *state;
	struct who a = user(1000, 1);

	reopen(f, no_spikes);
	synth_alert(&f->s, 0, T0, &a, "customers", "/data/customers/all.csv", "/tmp/x");
	feed(f);
	assert_int_equal(findings(f, "hardlink"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(baseline_statistics),
		cmocka_unit_test_setup_teardown(volume_spike_over_a_21_day_baseline, setup, teardown),
		cmocka_unit_test_setup_teardown(volume_spike_needs_seven_active_days, setup, teardown),
		cmocka_unit_test_setup_teardown(volume_spike_must_exceed_three_times_p95, setup, teardown),
		cmocka_unit_test_setup_teardown(volume_spike_must_exceed_mean_plus_four_sd, setup, teardown),
		cmocka_unit_test_setup_teardown(first_access_in_thirty_days, setup, teardown),
		cmocka_unit_test_setup_teardown(off_hours_reads, setup, teardown),
		cmocka_unit_test_setup_teardown(enumeration_at_199_and_200_files, setup, teardown),
		cmocka_unit_test_setup_teardown(unapproved_reader_outside_the_allowlist, setup, teardown),
		cmocka_unit_test_setup_teardown(read_then_egress_in_one_login_session, setup, teardown),
		cmocka_unit_test_setup_teardown(read_then_egress_window_edge, setup, teardown),
		cmocka_unit_test_setup_teardown(read_then_egress_across_a_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(read_then_egress_after_a_bulk_read_of_many_files, setup, teardown),
		cmocka_unit_test_setup_teardown(hard_links_are_findings, setup, teardown),
		cmocka_unit_test_setup_teardown(moves_out_of_the_tree_are_findings, setup, teardown),
		cmocka_unit_test_setup_teardown(tampering_is_a_finding, setup, teardown),
		cmocka_unit_test_setup_teardown(findings_continue_across_restarts_and_replays, setup, teardown),
		cmocka_unit_test_setup_teardown(evidence_outlives_raw_retention, setup, teardown),
		cmocka_unit_test_setup_teardown(disabled_rules_find_nothing, setup, teardown),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	util_progname = "test_rules";
	return cmocka_run_group_tests_name("rules", tests, NULL, NULL);
}
