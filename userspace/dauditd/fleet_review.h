/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fleet's review: findings over every host's rows in the PostgreSQL
 * store, computed by exactly one dauditd at a time.  Every dauditd with a
 * store tries, every store_review_interval, to take a session-level
 * PostgreSQL advisory lock (pg_try_advisory_lock(1682011492, 3)) on its
 * store connection; the one that holds it computes the findings into
 * daudit.findings, the others do nothing.  The lock goes with the
 * connection: if the reviewer dies or loses the server, another host
 * takes it at its next try.  A finding is found again by its key, so a
 * new reviewer continues the same findings.
 *
 * Rules over the fleet so far: enumeration (distinct files of one person
 * in one UTC hour, summed over hosts) and volume_spike (one person's UTC
 * day on all hosts against the fleet's baseline days), over the last two
 * days of records (from the latest record any host stored).  The other
 * rules still judge each host alone, in its SQLite review
 * (docs/collector.md).
 */
#ifndef DAUDITD_FLEET_REVIEW_H
#define DAUDITD_FLEET_REVIEW_H

#include <stdint.h>

struct config;
struct store_pg;

struct fleet_review {
	int64_t last_ms;		/* last try, monotonic */
	uint64_t lock_conn;		/* connection the lock was taken on; 0: none */
	uint64_t found;			/* findings written since start */
};

/* A review if one is due and this host holds (or takes) the lock. */
void fleet_review_tick(struct fleet_review *fr, struct store_pg *pg,
		       const struct config *c, int64_t now_ms);

#endif
