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

#define WINDOW_NS	((int64_t)2 * 86400 * 1000000000)

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

/*
 * volume_spike over the fleet: per person and UTC day of the review, the
 * bytes read on all hosts against the previous spike_days days (days
 * without reads count as 0; population sd; p95 by linear interpolation,
 * percentile_cont), judged only with spike_min_active_days days of
 * reads, as the per-host rule (docs/collector.md).  $1: the first day
 * reviewed, $2: spike_days, $3: spike_min_active_days, $4:
 * spike_stddevs, $5: spike_p95_factor, $6: the weight.
 */
static const char volume_spike_sql[] =
	"WITH d AS ("
	" SELECT user_name, login, time_ns / 86400000000000 AS day,"
	"  sum(coalesce(bytes, 0) + coalesce(mmap_bytes, 0)) AS b,"
	"  min(time_ns) AS first_ns, max(time_ns) AS last_ns,"
	"  count(DISTINCT host_id) AS hosts"
	" FROM daudit.events"
	" WHERE type IN (5, 7) AND user_name IS NOT NULL"
	"  AND time_ns >= ($1::bigint - $2::int) * 86400000000000"
	" GROUP BY user_name, login, day),"
	" s AS ("
	" SELECT c.user_name, c.login, c.day, c.b, c.first_ns, c.last_ns,"
	"  c.hosts, avg(coalesce(p.b, 0)) AS mean,"
	"  stddev_pop(coalesce(p.b, 0)) AS sd,"
	"  percentile_cont(0.95) WITHIN GROUP (ORDER BY coalesce(p.b, 0)) AS p95,"
	"  count(p.b) AS active"
	" FROM d c CROSS JOIN LATERAL generate_series(c.day - $2::int, c.day - 1) g(day)"
	" LEFT JOIN d p ON p.user_name = c.user_name AND p.login = c.login"
	"  AND p.day = g.day"
	" WHERE c.day >= $1::bigint"
	" GROUP BY c.user_name, c.login, c.day, c.b, c.first_ns, c.last_ns, c.hosts),"
	" f AS (SELECT * FROM s WHERE active >= $3::int"
	"  AND b > mean + $4::float8 * sd AND b > $5::float8 * p95),"
	" h AS ("
	" SELECT e.user_name, e.login, f.day, e.host_id,"
	"  sum(coalesce(e.bytes, 0) + coalesce(e.mmap_bytes, 0)) AS n"
	" FROM daudit.events e JOIN f ON f.user_name = e.user_name"
	"  AND f.login = e.login AND e.time_ns / 86400000000000 = f.day"
	" WHERE e.type IN (5, 7) AND e.time_ns >= $1::bigint * 86400000000000"
	" GROUP BY e.user_name, e.login, f.day, e.host_id)"
	" INSERT INTO daudit.findings AS x (rule, key, user_name, login,"
	"  first_ns, last_ns, score, bytes, count, hosts, reason, by_host)"
	" SELECT 'volume_spike',"
	"  'volume_spike/' || f.login || '/' || f.day || '/' || f.user_name,"
	"  f.user_name, f.login, f.first_ns, f.last_ns, $6::int, f.b, f.active,"
	"  f.hosts,"
	"  format('read %s bytes in the UTC day %s across %s hosts, far above the"
	" fleet''s previous %s days (%s with reads): mean %s, standard deviation"
	" %s, 95th percentile %s a day; the rule needs more than mean + %s sd"
	" and more than %s x p95', f.b,"
	"  to_char(to_timestamp(f.day * 86400) AT TIME ZONE 'UTC', 'YYYY-MM-DD'),"
	"  f.hosts, $2, f.active, round(f.mean), round(f.sd), round(f.p95::numeric),"
	"  $4, $5),"
	"  (SELECT string_agg(s.name || ' ' || h.n, ', ' ORDER BY s.name)"
	"   FROM h JOIN daudit.hosts s ON s.id = h.host_id"
	"   WHERE h.user_name = f.user_name AND h.login = f.login"
	"   AND h.day = f.day)"
	" FROM f"
	" ON CONFLICT (key) DO UPDATE SET first_ns = EXCLUDED.first_ns,"
	"  last_ns = EXCLUDED.last_ns, score = EXCLUDED.score,"
	"  bytes = EXCLUDED.bytes, count = EXCLUDED.count,"
	"  hosts = EXCLUDED.hosts, reason = EXCLUDED.reason,"
	"  by_host = EXCLUDED.by_host, computed = now()"
	" WHERE (x.bytes, x.hosts, x.last_ns) IS DISTINCT FROM"
	"  (EXCLUDED.bytes, EXCLUDED.hosts, EXCLUDED.last_ns)"
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

/* One rule's statement with its parameters; new findings are logged. */
static void run_rule(struct fleet_review *fr, struct store_pg *pg,
		     const char *rule, const char *sql, int n,
		     const char *const *params)
{
	char err[512];
	PGresult *r = PQexecParams(pg->conn, sql, n, NULL, params, NULL, NULL,
				   0);
	int i, fresh = 0;

	if (!r || PQresultStatus(r) != PGRES_TUPLES_OK) {
		util_err("PostgreSQL store %s: fleet review, %s: %s", pg->url,
			 rule, pgconn_error(pg->conn, r, err, sizeof(err)));
		PQclear(r);
		return;
	}
	for (i = 0; i < PQntuples(r); i++)
		fresh += !strcmp(PQgetvalue(r, i, 0), "t");
	PQclear(r);
	fr->found += (uint64_t)fresh;
	if (fresh)
		util_log(LOG_NOTICE, "PostgreSQL store %s: fleet review: %d new %s findings",
			 pg->url, fresh, rule);
}

static int enabled(const struct config *c, int rule)
{
	return !(c->rules.disabled & (1U << rule));
}

static void review(struct fleet_review *fr, struct store_pg *pg,
		   const struct config *c, int64_t latest)
{
	const struct rules_config *k = &c->rules;
	char p[6][32];
	const char *const v[6] = { p[0], p[1], p[2], p[3], p[4], p[5] };

	if (enabled(c, RULE_ENUMERATION)) {
		snprintf(p[0], sizeof(p[0]), "%" PRId64,
			 latest > WINDOW_NS ? latest - WINDOW_NS : 0);
		snprintf(p[1], sizeof(p[1]), "%u", k->enumeration_files);
		snprintf(p[2], sizeof(p[2]), "%u", k->weight[RULE_ENUMERATION]);
		run_rule(fr, pg, "enumeration", enumeration_sql, 3, v);
	}
	if (enabled(c, RULE_VOLUME_SPIKE)) {
		/* The days of the window: the latest record's and the one before. */
		snprintf(p[0], sizeof(p[0]), "%" PRId64,
			 latest / PGSCHEMA_DAY_NS - WINDOW_NS / PGSCHEMA_DAY_NS + 1);
		snprintf(p[1], sizeof(p[1]), "%u", k->spike_days);
		snprintf(p[2], sizeof(p[2]), "%u", k->spike_min_active_days);
		snprintf(p[3], sizeof(p[3]), "%g", k->spike_stddevs);
		snprintf(p[4], sizeof(p[4]), "%g", k->spike_p95_factor);
		snprintf(p[5], sizeof(p[5]), "%u", k->weight[RULE_VOLUME_SPIKE]);
		run_rule(fr, pg, "volume_spike", volume_spike_sql, 6, v);
	}
}

void fleet_review_tick(struct fleet_review *fr, struct store_pg *pg,
		       const struct config *c, int64_t now_ms)
{
	char err[512];
	int64_t latest;

	if (now_ms - fr->last_ms < (int64_t)c->store_review_interval * 1000)
		return;
	fr->last_ms = now_ms;
	if (!enabled(c, RULE_ENUMERATION) && !enabled(c, RULE_VOLUME_SPIKE))
		return;
	/* Down: the shipping says so; the review waits for it. */
	if (store_pg_connect(pg, err, sizeof(err)) < 0 || !hold_lock(fr, pg))
		return;
	latest = latest_ns(pg);
	if (latest <= 0)
		return;
	review(fr, pg, c, latest);
}
