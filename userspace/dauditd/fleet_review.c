// SPDX-License-Identifier: GPL-2.0
/* The fleet's review (fleet_review.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "config.h"
#include "fleet_review.h"
#include "pgconn.h"
#include "pgschema.h"
#include "ruleinfo.h"
#include "store_pg.h"
#include "util.h"

#define WINDOW_NS	(2 * 86400LL * 1000000000LL)

/*
 * enumeration over the fleet: per person and UTC hour, the distinct files
 * (dataset and path) read on any host; the per-host counts go in by_host.
 * $1: from (ns), $2: the threshold, $3: the weight.
 */
static const char enumeration_sql[] =
	"WITH r AS ("
	" SELECT user_name, login, host_id, time_ns,"
	"  time_ns / 3600000000000 AS hour, dataset || ':' || path AS f,"
	"  coalesce(bytes, 0) + coalesce(mmap_bytes, 0) AS b"
	" FROM daudit.events"
	" WHERE type IN (5, 7) AND time_ns >= $1 AND user_name IS NOT NULL"
	"  AND path IS NOT NULL),"
	" t AS ("
	" SELECT user_name, login, hour, min(time_ns) AS first_ns,"
	"  max(time_ns) AS last_ns, sum(b) AS bytes, count(DISTINCT f) AS files,"
	"  count(DISTINCT host_id) AS hosts"
	" FROM r GROUP BY user_name, login, hour"
	" HAVING count(DISTINCT f) >= $2),"
	" h AS ("
	" SELECT r.user_name, r.login, r.hour, r.host_id, count(DISTINCT r.f) AS n"
	" FROM r JOIN t USING (user_name, login, hour)"
	" GROUP BY r.user_name, r.login, r.hour, r.host_id)"
	" INSERT INTO daudit.findings AS x (rule, key, user_name, login,"
	"  first_ns, last_ns, score, bytes, count, hosts, reason, by_host)"
	" SELECT 'enumeration',"
	"  'enumeration/' || t.login || '/' || t.hour || '/' || t.user_name,"
	"  t.user_name, t.login, t.first_ns, t.last_ns, $3, t.bytes, t.files,"
	"  t.hosts,"
	"  format('read %s distinct files, %s bytes, in the UTC hour from %s across"
	" %s hosts; the rule flags %s or more', t.files, t.bytes,"
	"  to_char(to_timestamp(t.hour * 3600) AT TIME ZONE 'UTC',"
	"   'YYYY-MM-DD HH24:00'), t.hosts, $2),"
	"  (SELECT string_agg(s.name || ' ' || h.n, ', ' ORDER BY s.name)"
	"   FROM h JOIN daudit.hosts s ON s.id = h.host_id"
	"   WHERE h.user_name = t.user_name AND h.login = t.login"
	"   AND h.hour = t.hour)"
	" FROM t"
	" ON CONFLICT (key) DO UPDATE SET first_ns = EXCLUDED.first_ns,"
	"  last_ns = EXCLUDED.last_ns, score = EXCLUDED.score,"
	"  bytes = EXCLUDED.bytes, count = EXCLUDED.count,"
	"  hosts = EXCLUDED.hosts, reason = EXCLUDED.reason,"
	"  by_host = EXCLUDED.by_host, computed = now()"
	" WHERE (x.count, x.hosts, x.last_ns) IS DISTINCT FROM"
	"  (EXCLUDED.count, EXCLUDED.hosts, EXCLUDED.last_ns)"
	" RETURNING (xmax = 0)";

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

static int64_t latest_ns(struct store_pg *pg)
{
	PGresult *r = PQexec(pg->conn,
			     "SELECT coalesce(max(last_ns), 0) FROM daudit.hwm");
	int64_t v = -1;

	if (r && PQresultStatus(r) == PGRES_TUPLES_OK)
		v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return v;
}

static void enumeration(struct fleet_review *fr, struct store_pg *pg,
			const struct config *c, int64_t from)
{
	char a[24], b[24], w[24], err[512];
	const char *params[3] = { a, b, w };
	PGresult *r;
	int i, fresh = 0;

	snprintf(a, sizeof(a), "%" PRId64, from);
	snprintf(b, sizeof(b), "%u", c->rules.enumeration_files);
	snprintf(w, sizeof(w), "%u", c->rules.weight[RULE_ENUMERATION]);
	r = PQexecParams(pg->conn, enumeration_sql, 3, NULL, params, NULL,
			 NULL, 0);
	if (!r || PQresultStatus(r) != PGRES_TUPLES_OK) {
		util_err("PostgreSQL store %s: fleet review, enumeration: %s",
			 pg->url, pgconn_error(pg->conn, r, err, sizeof(err)));
		PQclear(r);
		return;
	}
	for (i = 0; i < PQntuples(r); i++)
		fresh += !strcmp(PQgetvalue(r, i, 0), "t");
	PQclear(r);
	fr->found += (uint64_t)fresh;
	if (fresh)
		util_log(LOG_NOTICE, "PostgreSQL store %s: fleet review: %d new enumeration findings",
			 pg->url, fresh);
}

void fleet_review_tick(struct fleet_review *fr, struct store_pg *pg,
		       const struct config *c, int64_t now_ms)
{
	char err[512];
	int64_t latest;

	if (now_ms - fr->last_ms < (int64_t)c->store_review_interval * 1000)
		return;
	fr->last_ms = now_ms;
	if (c->rules.disabled & (1U << RULE_ENUMERATION))
		return;
	/* Down: the shipping says so; the review waits for it. */
	if (store_pg_connect(pg, err, sizeof(err)) < 0 || !hold_lock(fr, pg))
		return;
	latest = latest_ns(pg);
	if (latest <= 0)
		return;
	enumeration(fr, pg, c, latest > WINDOW_NS ? latest - WINDOW_NS : 0);
}
