// SPDX-License-Identifier: GPL-2.0
/*
 * The record stream of one host of tests/fleet/run.sh, written to
 * standard output as /dev/daudit's read() returns it (dauditd --replay):
 *
 *   gen --host K --from I --to J [--sum]
 *   gen --host K --spike
 *   gen --host K --actor
 *   gen --host K --rules
 *
 * Record I goes to CPU I % 4 with sequence number I / 4, so consecutive
 * runs continue each CPU's sequence.  All records fall in one working
 * hour, 2026-11-02 10:00 to 11:00 UTC.  Every 10th of the first 1000
 * (100 in all) is dave (uid 1004, a login user) reading a file only
 * this host serves, /data/customers/part-K-NNN.csv: 100 distinct files
 * on each host, below the enumeration rule's 200, but 300 across three
 * hosts.  The others are carol (uid 1005) reading one of 50 files every
 * host serves.  Record I reads 1000 + I bytes.  With --sum it writes
 * nothing but "RECORDS BYTES" of the range, for the checks.
 *
 * --spike writes dave's days on CPU 5 (its own sequence): his daily work,
 * 10 MiB plus (day % 5) x 512 KiB at 09:00 UTC, goes to one host a day
 * (day % 3 + 1: a sticky load balancer) for the 14 days from 2026-11-02,
 * so no host has the 7 days of reads the volume_spike rule needs, while
 * the fleet has 14; on the 15th day, 2026-11-16, he reads 25 MiB on every
 * host, 75 MiB in all.
 *
 * --actor writes, on CPU 6 (its own sequence), the reads of emp-07, an
 * employee the CRM application (the account svc-crm, uid 990, no login)
 * declares as the actor of its requests (struct daudit_rec_actor): 100
 * distinct files this host only serves, /data/customers/crm-K-NNN.csv,
 * in the hour from 2026-11-16 12:00 UTC (inside the fleet review's
 * window once the spike days are stored).  Below every rule's threshold
 * on each host (the enumeration rule wants 200 files), 300 files across
 * three.
 *
 * --rules writes, on CPU 7, what the other rules judge: erin (uid 1006,
 * a login user) on Sunday 2026-11-15 at 12:00 UTC (not a working day in
 * any time zone from UTC-11 to UTC+11) reads 12 MiB of
 * /srv/payroll/salaries-K.csv (dataset payroll, her executable
 * unknown), sends 1 MiB to 203.0.113.5:443 a minute later in the same
 * login session, and hard-links the file to /tmp/s-K.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "synth.h"

#define RECS_PER_HOUR	40000ULL

int main(int argc, char **argv)
{
	unsigned long long from = 0, to = 0, i;
	unsigned int host = 0;
	int sum = 0, spike = 0, actor = 0, rules = 0, a;
	struct synth s;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--host") && a + 1 < argc)
			host = (unsigned int)strtoul(argv[++a], NULL, 10);
		else if (!strcmp(argv[a], "--from") && a + 1 < argc)
			from = strtoull(argv[++a], NULL, 10);
		else if (!strcmp(argv[a], "--to") && a + 1 < argc)
			to = strtoull(argv[++a], NULL, 10);
		else if (!strcmp(argv[a], "--sum"))
			sum = 1;
		else if (!strcmp(argv[a], "--spike"))
			spike = 1;
		else if (!strcmp(argv[a], "--actor"))
			actor = 1;
		else if (!strcmp(argv[a], "--rules"))
			rules = 1;
		else {
			fprintf(stderr, "usage: gen --host K --from I --to J [--sum] | --spike | --actor | --rules\n");
			return 2;
		}
	}
	if (sum) {
		unsigned long long bytes = 0;

		for (i = from; i < to; i++)
			bytes += 1000 + i;
		printf("%llu %llu\n", to - from, bytes);
		return 0;
	}
	synth_init(&s);
	if (spike) {
		struct who dave = { 1004, 1004, 42, 4200, NS, "psql" };
		char path[64];
		unsigned int d;

		for (d = 0; d <= 14; d++) {
			if (d < 14 && d % 3 + 1 != host)
				continue;
			snprintf(path, sizeof(path),
				 "/data/customers/daily-%02u.csv", d);
			synth_read1(&s, 5, T0 + d * DAY_NS + 9 * HOUR_NS, &dave,
				    "customers", path,
				    d < 14 ? (10ULL << 20) + (d % 5) * (512ULL << 10) :
					     25ULL << 20);
		}
	}
	if (actor) {
		struct who crm = { 990, DAUDIT_UID_UNSET, DAUDIT_SESSION_UNSET,
				   4500, 7 * NS, "crm-server" };
		char path[64];

		for (i = 0; i < 100; i++) {
			snprintf(path, sizeof(path),
				 "/data/customers/crm-%u-%03llu.csv", host, i);
			synth_read1(&s, 6, T0 + 14 * DAY_NS + 12 * HOUR_NS +
				    i * 30 * NS, &crm, "customers", path, 2000);
			synth_actor(&s, "emp-07", 6, "req-1", 0, 0);
		}
	}
	if (rules) {
		struct who erin = { 1006, 1006, 60, 6000 + host, NS, "cat" };
		uint64_t t = T0 + 13 * DAY_NS + 12 * HOUR_NS;
		char path[64], link[64];

		snprintf(path, sizeof(path), "/srv/payroll/salaries-%u.csv", host);
		snprintf(link, sizeof(link), "/tmp/s-%u", host);
		/* Her command line goes to the store with each record. */
		synth_process_cmd(&s, 7, t, &erin, "/usr/bin/cat", DAUDIT_PROC_SEEN,
				  SYNTH_ARGS("cat\0-v\0salaries.csv"));
		synth_read1(&s, 7, t, &erin, "payroll", path, 12ULL << 20);
		synth_egress(&s, 7, t + 60 * NS, &erin, "payroll", DAUDIT_EGRESS_NET, 0,
			     NULL, 1ULL << 20);
		synth_alert(&s, 7, t + 120 * NS, &erin, "payroll", path, link);
	}
	for (i = from; i < to; i++) {
		struct who dave = { 1004, 1004, 40, 4000, NS, "psql" };
		struct who carol = { 1005, 1005, 41, 4100, NS, "psql" };
		uint64_t t = T0 + 10 * HOUR_NS + i * (HOUR_NS / RECS_PER_HOUR);
		unsigned int cpu = (unsigned int)(i % 4);
		char path[64];

		/* Continue this CPU's sequence where the last run stopped. */
		s.seq[cpu] = i / 4;
		if (i < 1000 && i % 10 == 0) {
			snprintf(path, sizeof(path),
				 "/data/customers/part-%u-%03llu.csv", host,
				 i / 10);
			synth_read1(&s, cpu, t, &dave, "customers", path,
				    1000 + i);
		} else {
			snprintf(path, sizeof(path),
				 "/data/customers/common-%02llu.csv", i % 50);
			synth_read1(&s, cpu, t, &carol, "customers", path,
				    1000 + i);
		}
		if (s.len > (1 << 20)) {
			if (fwrite(s.buf, 1, s.len, stdout) != s.len)
				return 1;
			s.len = 0;
		}
	}
	if (s.len && fwrite(s.buf, 1, s.len, stdout) != s.len)
		return 1;
	synth_free(&s);
	return fflush(stdout) ? 1 : 0;
}
