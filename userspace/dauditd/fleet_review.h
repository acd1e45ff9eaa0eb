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
 * Every review rule runs over the fleet (fleet_rules.c), each one
 * statement over the raw events of the review's window (from the UTC day
 * two days before the latest record any host stored) and the fleet's
 * daily rollups (daudit.rollup_day, which the reviewer writes first: per
 * person, host, dataset and UTC day), per person: login user, account
 * or declared actor, by the name every host agrees on.  Each finding
 * says each host's part (by_host); its key, and so its id, is the
 * fleet's (docs/collector.md).
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
	/* The last review that went through: the hosts' marks, and where. */
	int64_t marks;
	uint64_t reviewed_conn;
	int64_t last_took_ms;		/* how long it took */
	int slow;			/* over half the interval (said once) */
};

/* One review: what fleet_rules.c needs. */
struct fleet_run {
	struct fleet_review *fr;
	struct store_pg *pg;
	const struct config *c;
	int64_t latest;			/* the latest record any host stored */
	int64_t from_ns;		/* the window's start: a UTC day */
	int failed;			/* statements that failed */
};

/*
 * Every rule the configuration enables, over the window.  The number of
 * statements that failed (logged).
 */
int fleet_rules_run(struct fleet_run *x);

/* The rules changed (SIGHUP): the next review runs whatever was stored. */
void fleet_review_config_changed(struct fleet_review *fr);

/* A review if one is due and this host holds (or takes) the lock. */
void fleet_review_tick(struct fleet_review *fr, struct store_pg *pg,
		       const struct config *c, int64_t now_ms);

#endif
