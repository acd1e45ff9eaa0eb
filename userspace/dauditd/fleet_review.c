// SPDX-License-Identifier: GPL-2.0
/* The fleet's review (fleet_review.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "config.h"
#include "fleet_review.h"
#include "pgconn.h"
#include "pgschema.h"
#include "ruleinfo.h"
#include "store_pg.h"
#include "util.h"

/* The review's window: from the UTC day two days before the latest record. */
#define WINDOW_NS	((int64_t)2 * 86400 * 1000000000)

/*
 * The fleet's daily rollup of UTC day $1 (daudit.rollup_day), from its
 * raw events: per person, host and dataset, what they read.
 */
static const char rollup_sql[] =
	"INSERT INTO daudit.rollup_day AS x (day, user_name, login, host_id,"
	" dataset, bytes, reads, files, first_ns, last_ns)"
	" SELECT $1::int, user_name, coalesce(login, 0), host_id,"
	"  coalesce(dataset, ''),"
	"  sum(coalesce(bytes, 0) + coalesce(mmap_bytes, 0)), count(*),"
	"  count(DISTINCT path), min(time_ns), max(time_ns)"
	" FROM daudit.events WHERE type IN (5, 7) AND user_name IS NOT NULL"
	"  AND time_ns >= $1::bigint * 86400000000000"
	"  AND time_ns < ($1::bigint + 1) * 86400000000000"
	" GROUP BY user_name, coalesce(login, 0), host_id, coalesce(dataset, '')"
	" ON CONFLICT (user_name, login, dataset, day, host_id) DO UPDATE SET"
	"  bytes = EXCLUDED.bytes, reads = EXCLUDED.reads,"
	"  files = EXCLUDED.files, first_ns = EXCLUDED.first_ns,"
	"  last_ns = EXCLUDED.last_ns"
	" WHERE (x.reads, x.bytes, x.last_ns) IS DISTINCT FROM"
	"  (EXCLUDED.reads, EXCLUDED.bytes, EXCLUDED.last_ns)";

/*
 * The days to roll up, with the rows the hosts stored of each: the day
 * partitions of the window ($1: its first day), and those before it
 * whose count moved since they were rolled up (or never were).
 */
static const char rollup_days_sql[] =
	"SELECT p.d, p.n FROM (SELECT d, (SELECT coalesce(sum(r.rows), 0)"
	"  FROM daudit.day_rows r WHERE r.day = d) AS n"
	" FROM (SELECT (extract(epoch FROM to_date(substr(c.relname, 8),"
	"  'YYYYMMDD')) / 86400)::int AS d FROM pg_inherits i"
	"  JOIN pg_class c ON c.oid = i.inhrelid"
	"  WHERE i.inhparent = 'daudit.events'::regclass"
	"  AND c.relname ~ '^events_[0-9]{8}$') q) p"
	" WHERE p.d >= $1::int OR p.n IS DISTINCT FROM"
	"  (SELECT o.rows FROM daudit.rollup_done o WHERE o.day = p.d)"
	" ORDER BY p.d";

/* 1: this connection holds the review lock (taken now or before). */
static int hold_lock(struct fleet_review *fr, struct store_pg *pg)
{
	char sql[96], err[512];
	PGresult *r;
	int got;

	if (fr->lock_conn && fr->lock_conn == pg->conn_serial)
		return 1;
	snprintf(sql, sizeof(sql), "SELECT pg_try_advisory_lock(%d, %d)",
		 PGSCHEMA_LOCK, PGSCHEMA_LOCK_REVIEW);
	r = PQexec(pg->conn, sql);
	if (!r || PQresultStatus(r) != PGRES_TUPLES_OK) {
		util_err("PostgreSQL store %s: fleet review: %s", pg->url,
			 pgconn_error(pg->conn, r, err, sizeof(err)));
		PQclear(r);
		return 0;
	}
	got = !strcmp(PQgetvalue(r, 0, 0), "t");
	PQclear(r);
	if (!got) {
		fr->lock_conn = 0;
		return 0;
	}
	fr->lock_conn = pg->conn_serial;
	util_log(LOG_NOTICE, "PostgreSQL store %s: host %s now computes the fleet's findings (it holds the review lock; the other hosts wait)",
		 pg->url, pg->host);
	return 1;
}

/*
 * The latest record any host stored (ns), or -1; *@marks: the sum of
 * every host's marks, which grows with every row stored.
 */
static int64_t latest_ns(struct store_pg *pg, int64_t *marks)
{
	PGresult *r = PQexec(pg->conn,
			     "SELECT coalesce(max(last_ns), 0),"
			     " coalesce(sum(next_seq), 0) FROM daudit.hwm");
	int64_t v = -1;

	if (r && PQresultStatus(r) == PGRES_TUPLES_OK) {
		v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		*marks = strtoll(PQgetvalue(r, 0, 1), NULL, 10);
	}
	PQclear(r);
	return v;
}

/* The rollups of the days a review reads; 0, or -1 (logged). */
static int rollup(struct fleet_run *x)
{
	int64_t first = x->from_ns / PGSCHEMA_DAY_NS;
	char day[32], rows[32], err[512];
	const char *v[2] = { day, rows };
	PGresult *r, *u;
	int i, rc = 0;

	snprintf(day, sizeof(day), "%" PRId64, first);
	r = PQexecParams(x->pg->conn, rollup_days_sql, 1, NULL, v, NULL, NULL, 0);
	if (!r || PQresultStatus(r) != PGRES_TUPLES_OK)
		goto fail;
	for (i = 0; i < PQntuples(r); i++) {
		snprintf(day, sizeof(day), "%s", PQgetvalue(r, i, 0));
		snprintf(rows, sizeof(rows), "%s", PQgetvalue(r, i, 1));
		u = PQexecParams(x->pg->conn, rollup_sql, 1, NULL, v, NULL,
				 NULL, 0);
		if (!u || PQresultStatus(u) != PGRES_COMMAND_OK) {
			PQclear(r);
			r = u;
			goto fail;
		}
		PQclear(u);
		if (strtoll(day, NULL, 10) >= first)
			continue;
		/* The count read before the rollup: a row it missed moves it. */
		u = PQexecParams(x->pg->conn, "INSERT INTO daudit.rollup_done"
				 " (day, rows) VALUES ($1::int, $2::bigint)"
				 " ON CONFLICT (day) DO UPDATE SET rows = EXCLUDED.rows,"
				 " rolled = now()", 2, NULL, v, NULL, NULL, 0);
		rc = u && PQresultStatus(u) == PGRES_COMMAND_OK ? 0 : -1;
		PQclear(u);
	}
	PQclear(r);
	return rc;
fail:
	util_err("PostgreSQL store %s: fleet review, rollups: %s", x->pg->url,
		 pgconn_error(x->pg->conn, r, err, sizeof(err)));
	PQclear(r);
	return -1;
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Say once when reviews take more than half their interval (the fleet
 * outgrew reading its window's raw events each time), and once when
 * they no longer do.
 */
static void took(struct fleet_review *fr, struct store_pg *pg,
		 const struct config *c, int64_t ms)
{
	int slow = ms > (int64_t)c->store_review_interval * 500;

	if (slow != fr->slow)
		util_log(LOG_NOTICE, slow ?
			 "PostgreSQL store %s: the fleet review took %" PRId64 " ms, more than half of store_review_interval (%u s); a longer interval, or fewer days of raw events, would do" :
			 "PostgreSQL store %s: the fleet review took %" PRId64 " ms, within half of store_review_interval (%u s) again",
			 pg->url, ms, c->store_review_interval);
	fr->slow = slow;
	fr->last_took_ms = ms;
}

void fleet_review_config_changed(struct fleet_review *fr)
{
	fr->reviewed_conn = 0;
}

void fleet_review_tick(struct fleet_review *fr, struct store_pg *pg,
		       const struct config *c, int64_t now_ms)
{
	struct fleet_run x = { .fr = fr, .pg = pg, .c = c };
	int64_t latest, marks = 0, start;
	char err[512];

	if (now_ms - fr->last_ms < (int64_t)c->store_review_interval * 1000)
		return;
	fr->last_ms = now_ms;
	if ((c->rules.disabled & ((1U << RULE_MAX) - 1)) == (1U << RULE_MAX) - 1)
		return;
	/* Down: the shipping says so; the review waits for it. */
	if (store_pg_connect(pg, err, sizeof(err)) < 0 || !hold_lock(fr, pg))
		return;
	latest = latest_ns(pg, &marks);
	if (latest <= 0)
		return;
	/*
	 * Nothing stored since a review that went through, with the same
	 * rules: it would find the same.  An idle fleet costs one query.
	 */
	if (marks == fr->marks && fr->lock_conn == fr->reviewed_conn)
		return;
	start = mono_ms();
	x.latest = latest;
	x.from_ns = latest > WINDOW_NS ?
		    (latest - WINDOW_NS) / PGSCHEMA_DAY_NS * PGSCHEMA_DAY_NS : 0;
	if (rollup(&x) < 0 || fleet_rules_run(&x) > 0)
		return;
	took(fr, pg, c, mono_ms() - start);
	fr->marks = marks;
	fr->reviewed_conn = fr->lock_conn;
}
