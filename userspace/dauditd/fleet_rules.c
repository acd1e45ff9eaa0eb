// SPDX-License-Identifier: GPL-2.0
/*
 * The eight review rules over the fleet's rows (fleet_review.h): each one
 * statement in PostgreSQL over the review's window of raw events and the
 * fleet's daily rollups, writing daudit.findings with each host's part.
 * A person is (user_name, login): a login user, an account without a
 * login, or a declared actor (login 2, its id as the name), judged apart
 * as the per-host rules judge them.  What only C knows (working hours
 * in the reviewer's local time, the allowlists' fnmatch patterns) is
 * decided here with the per-host rules' own functions and handed to the
 * statement as arrays; docs/collector.md gives each rule's fleet
 * definition beside its per-host one.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "config.h"
#include "fleet_review.h"
#include "pgconn.h"
#include "pgschema.h"
#include "rules.h"
#include "ruleinfo.h"
#include "store_pg.h"
#include "timeparse.h"
#include "util.h"

#define DAY		"86400000000000"
#define MINUTE_NS	((int64_t)60 * 1000000000)
/* read_then_egress: records of one session arrive out of order within this. */
#define REORDER_NS	((int64_t)1200 * 1000000000)

/*
 * The update every rule's INSERT ends with: a finding found again by key
 * takes the numbers of this review when they changed (rows that came
 * since, a baseline day rolled up again).
 */
#define UPSERT								\
	" ON CONFLICT (key) DO UPDATE SET first_ns = EXCLUDED.first_ns,"	\
	"  last_ns = EXCLUDED.last_ns, score = EXCLUDED.score,"		\
	"  bytes = EXCLUDED.bytes, count = EXCLUDED.count,"		\
	"  hosts = EXCLUDED.hosts, reason = EXCLUDED.reason,"		\
	"  by_host = EXCLUDED.by_host, computed = now()"			\
	" WHERE (x.first_ns, x.last_ns, x.score, x.bytes, x.count, x.hosts,"	\
	"  x.reason, x.by_host) IS DISTINCT FROM (EXCLUDED.first_ns,"	\
	"  EXCLUDED.last_ns, EXCLUDED.score, EXCLUDED.bytes, EXCLUDED.count," \
	"  EXCLUDED.hosts, EXCLUDED.reason, EXCLUDED.by_host)"		\
	" RETURNING (xmax = 0)"

#define INSERT_FINDING							\
	" INSERT INTO daudit.findings AS x (rule, key, user_name, login,"	\
	"  dataset, first_ns, last_ns, score, bytes, count, hosts, reason,"	\
	"  by_host)"

/* "host-1 100, host-2 100" of CTE @cte's rows matching @on. */
#define BY_HOST(cte, on)						\
	" (SELECT string_agg(s.name || ' ' || " cte ".n, ', ' ORDER BY s.name)" \
	"  FROM " cte " JOIN daudit.hosts s ON s.id = " cte ".host_id"	\
	"  WHERE " on ")"

/* Read bytes of an events row, and "it read something". */
#define RB	"(coalesce(bytes, 0) + coalesce(mmap_bytes, 0))"
#define READ	"type IN (5, 7) AND user_name IS NOT NULL AND dataset IS NOT NULL" \
	" AND (" RB " > 0 OR coalesce(calls, 0) > 0)"

/*
 * enumeration: per person and UTC hour, the distinct files (dataset and
 * path) read on any host.  $1: from (ns), $2: the threshold, $3: weight.
 */
static const char enumeration_sql[] =
	"WITH r AS ("
	" SELECT user_name, login, host_id, time_ns,"
	"  time_ns / 3600000000000 AS hour, dataset || ':' || path AS f,"
	"  " RB " AS b"
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
	INSERT_FINDING
	" SELECT 'enumeration',"
	"  'enumeration/' || t.login || '/' || t.hour || '/' || t.user_name,"
	"  t.user_name, t.login, NULL, t.first_ns, t.last_ns, $3, t.bytes,"
	"  t.files, t.hosts,"
	"  format('read %s distinct files, %s bytes, in the UTC hour from %s across"
	" %s hosts; the rule flags %s or more', t.files, t.bytes,"
	"  to_char(to_timestamp(t.hour * 3600) AT TIME ZONE 'UTC',"
	"   'YYYY-MM-DD HH24:00'), t.hosts, $2),"
	BY_HOST("h", "h.user_name = t.user_name AND h.login = t.login"
		" AND h.hour = t.hour")
	" FROM t"
	UPSERT;

/*
 * volume_spike: per person and UTC day of the review, the bytes read on
 * all hosts against the previous spike_days days, from the daily rollups
 * (days without reads count as 0; population sd; p95 by linear
 * interpolation, percentile_cont), judged only with
 * spike_min_active_days days of reads, as the per-host rule.  $1: the
 * first day reviewed, $2: spike_days, $3: spike_min_active_days, $4:
 * spike_stddevs, $5: spike_p95_factor, $6: the weight.
 */
static const char volume_spike_sql[] =
	"WITH d AS ("
	" SELECT user_name, login, day, sum(bytes) AS b,"
	"  min(first_ns) AS first_ns, max(last_ns) AS last_ns,"
	"  count(DISTINCT host_id) AS hosts"
	" FROM daudit.rollup_day WHERE day >= $1::int - $2::int"
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
	" WHERE c.day >= $1::int"
	" GROUP BY c.user_name, c.login, c.day, c.b, c.first_ns, c.last_ns, c.hosts),"
	" f AS (SELECT * FROM s WHERE active >= $3::int"
	"  AND b > mean + $4::float8 * sd AND b > $5::float8 * p95),"
	" h AS ("
	" SELECT r.user_name, r.login, r.day, r.host_id, sum(r.bytes) AS n"
	" FROM daudit.rollup_day r JOIN f USING (user_name, login, day)"
	" GROUP BY r.user_name, r.login, r.day, r.host_id)"
	INSERT_FINDING
	" SELECT 'volume_spike',"
	"  'volume_spike/' || f.login || '/' || f.day || '/' || f.user_name,"
	"  f.user_name, f.login, NULL, f.first_ns, f.last_ns, $6::int, f.b,"
	"  f.active, f.hosts,"
	"  format('read %s bytes in the UTC day %s across %s hosts, far above the"
	" fleet''s previous %s days (%s with reads): mean %s, standard deviation"
	" %s, 95th percentile %s a day; the rule needs more than mean + %s sd"
	" and more than %s x p95', f.b,"
	"  to_char(to_timestamp(f.day::bigint * 86400) AT TIME ZONE 'UTC', 'YYYY-MM-DD'),"
	"  f.hosts, $2, f.active, round(f.mean), round(f.sd), round(f.p95::numeric),"
	"  $4, $5),"
	BY_HOST("h", "h.user_name = f.user_name AND h.login = f.login"
		" AND h.day = f.day")
	" FROM f"
	UPSERT;

/*
 * first_access: per person and dataset, a UTC hour of reads whose
 * previous read on any host (remembered to the end of its hour, or of its
 * UTC day in the rollups before the window) is more than
 * first_access_days before, or who never read it since the fleet's
 * records began; one finding per person, dataset and UTC day, at its
 * first such hour.  $1: from (ns), $2: from's day, $3:
 * first_access_days, $4: the weight.
 */
static const char first_access_sql[] =
	"WITH h AS ("
	" SELECT user_name, login, dataset, time_ns / 3600000000000 AS hour,"
	"  min(time_ns) AS t, sum(" RB ") AS b, count(*) AS n"
	" FROM daudit.events WHERE " READ " AND time_ns >= $1::bigint"
	" GROUP BY user_name, login, dataset, hour),"
	" l AS (SELECT h.*, lag(hour) OVER (PARTITION BY user_name, login,"
	"  dataset ORDER BY hour) AS ph FROM h),"
	" c AS (SELECT l.*, CASE WHEN ph IS NOT NULL"
	"  THEN ph * 3600000000000 + 3599999999999"
	"  ELSE (SELECT (max(r.day)::bigint + 1) * " DAY " - 1"
	"   FROM daudit.rollup_day r WHERE r.user_name = l.user_name"
	"   AND r.login = l.login AND r.dataset = l.dataset"
	"   AND r.day < $2::int) END AS prev FROM l),"
	" f AS (SELECT DISTINCT ON (user_name, login, dataset, t / " DAY ") *"
	"  FROM c WHERE prev IS NULL OR t - prev > $3::bigint * " DAY
	"  ORDER BY user_name, login, dataset, t / " DAY ", t),"
	" hh AS (SELECT e.user_name, e.login, e.dataset,"
	"  e.time_ns / 3600000000000 AS hour, e.host_id, count(*) AS n"
	"  FROM daudit.events e JOIN f ON f.user_name = e.user_name"
	"  AND f.login = e.login AND f.dataset = e.dataset"
	"  AND e.time_ns / 3600000000000 = f.hour"
	"  WHERE e.type IN (5, 7) AND e.time_ns >= $1::bigint"
	"  GROUP BY 1, 2, 3, 4, 5)"
	INSERT_FINDING
	" SELECT 'first_access', 'first_access/' || f.login || '/' ||"
	"  f.user_name || '/' || f.dataset || '/' || (f.t / " DAY "),"
	"  f.user_name, f.login, f.dataset, f.t, f.t, $4::int, f.b, f.n,"
	"  (SELECT count(*) FROM hh WHERE hh.user_name = f.user_name"
	"   AND hh.login = f.login AND hh.dataset = f.dataset"
	"   AND hh.hour = f.hour),"
	"  CASE WHEN f.prev IS NULL THEN format('first read of dataset %s in %s"
	" days on any host (none recorded; the fleet''s records start %s)',"
	"   f.dataset, $3, (SELECT to_char(to_timestamp(min(day)::bigint * 86400)"
	"   AT TIME ZONE 'UTC', 'YYYY-MM-DD') FROM daudit.rollup_day))"
	"  ELSE format('first read of dataset %s in %s days on any host"
	" (previous read in the UTC hour of %s)', f.dataset, $3,"
	"   to_char(to_timestamp(f.prev / 1000000000) AT TIME ZONE 'UTC',"
	"   'YYYY-MM-DD HH24:00')) END,"
	BY_HOST("hh", "hh.user_name = f.user_name AND hh.login = f.login"
		" AND hh.dataset = f.dataset AND hh.hour = f.hour")
	" FROM f"
	" ON CONFLICT (key) DO NOTHING RETURNING (xmax = 0)";

/*
 * off_hours: reads whose first or last time falls in a minute outside
 * [hours] in the reviewer's local time (the minutes, since the epoch,
 * are $2: decided by config_working_time()), one finding per person,
 * dataset and UTC day.  $1: from (ns), $3: off_hours_nologin, $4: the
 * weight, $5: [hours] as text.
 */
static const char off_hours_sql[] =
	"WITH off AS (SELECT unnest($2::bigint[]) AS m),"
	" r AS (SELECT user_name, login, dataset, host_id,"
	"  coalesce(nullif(first_ns, 0), time_ns) AS t1,"
	"  coalesce(nullif(last_ns, 0), time_ns) AS t2, " RB " AS b"
	"  FROM daudit.events WHERE " READ " AND time_ns >= $1::bigint"
	"  AND (login <> 0 OR $3::boolean)),"
	" o AS (SELECT r.*, CASE WHEN r.t1 / 60000000000 IN (SELECT m FROM off)"
	"  THEN r.t1 ELSE r.t2 END AS t FROM r"
	"  WHERE r.t1 / 60000000000 IN (SELECT m FROM off)"
	"  OR r.t2 / 60000000000 IN (SELECT m FROM off)),"
	" t AS (SELECT user_name, login, dataset, t / " DAY " AS day,"
	"  min(t) AS first_ns, max(t) AS last_ns, sum(b) AS bytes,"
	"  count(*) AS n, count(DISTINCT host_id) AS hosts FROM o"
	"  GROUP BY 1, 2, 3, 4),"
	" h AS (SELECT user_name, login, dataset, t / " DAY " AS day, host_id,"
	"  count(*) AS n FROM o GROUP BY 1, 2, 3, 4, 5)"
	INSERT_FINDING
	" SELECT 'off_hours', 'off_hours/' || t.login || '/' || t.user_name"
	"  || '/' || t.dataset || '/' || t.day, t.user_name, t.login,"
	"  t.dataset, t.first_ns, t.last_ns, $4::int, t.bytes, t.n, t.hosts,"
	"  format('read %s bytes of %s outside working hours (%s, the reviewer''s"
	" local time): %s records between %s and %s UTC on %s hosts', t.bytes,"
	"  t.dataset, $5::text, t.n,"
	"  to_char(to_timestamp(t.first_ns / 1000000000) AT TIME ZONE 'UTC',"
	"   'YYYY-MM-DD HH24:MI:SS'),"
	"  to_char(to_timestamp(t.last_ns / 1000000000) AT TIME ZONE 'UTC',"
	"   'YYYY-MM-DD HH24:MI:SS'), t.hosts),"
	BY_HOST("h", "h.user_name = t.user_name AND h.login = t.login"
		" AND h.dataset = t.dataset AND h.day = t.day")
	" FROM t"
	UPSERT;

/* unapproved_reader, step 1: what read the datasets with an allowlist. */
static const char readers_sql[] =
	"SELECT DISTINCT dataset, coalesce(exe, '') FROM daudit.events"
	" WHERE type IN (5, 7) AND time_ns >= $1::bigint"
	" AND dataset = ANY($2::text[])";

/*
 * unapproved_reader, step 2: reads of (dataset, executable) pairs that
 * config_allowed() refused ($2, $3; '' is an unknown executable), one
 * finding per person, dataset, executable and UTC day.  $1: from (ns),
 * $4: the weight.
 */
static const char unapproved_sql[] =
	"WITH u AS (SELECT * FROM unnest($2::text[], $3::text[]) AS u(dataset, exe)),"
	" r AS (SELECT e.user_name, e.login, e.dataset, coalesce(e.exe, '') AS exe,"
	"  e.host_id, e.time_ns, e.b FROM (SELECT *, " RB " AS b"
	"  FROM daudit.events WHERE " READ " AND time_ns >= $1::bigint) e"
	"  JOIN u ON u.dataset = e.dataset AND u.exe = coalesce(e.exe, '')),"
	" t AS (SELECT user_name, login, dataset, exe, time_ns / " DAY " AS day,"
	"  min(time_ns) AS first_ns, max(time_ns) AS last_ns, sum(b) AS bytes,"
	"  count(*) AS n, count(DISTINCT host_id) AS hosts FROM r"
	"  GROUP BY 1, 2, 3, 4, 5),"
	" h AS (SELECT user_name, login, dataset, exe, time_ns / " DAY " AS day,"
	"  host_id, count(*) AS n FROM r GROUP BY 1, 2, 3, 4, 5, 6)"
	INSERT_FINDING
	" SELECT 'unapproved_reader', 'unapproved_reader/' || t.login || '/' ||"
	"  t.user_name || '/' || t.dataset || '/' || t.day || '/' || t.exe,"
	"  t.user_name, t.login, t.dataset, t.first_ns, t.last_ns, $4::int,"
	"  t.bytes, t.n, t.hosts,"
	"  format('%s read %s bytes of %s in %s records on %s hosts; it is not"
	" on the dataset''s allowlist', CASE WHEN t.exe = '' THEN 'an unknown"
	" executable (its process record was lost)' ELSE t.exe END, t.bytes,"
	"  t.dataset, t.n, t.hosts),"
	BY_HOST("h", "h.user_name = t.user_name AND h.login = t.login"
		" AND h.dataset = t.dataset AND h.exe = t.exe AND h.day = t.day")
	" FROM t"
	UPSERT;

/*
 * The session of a row, as read_then_egress.c keys it: a declared actor
 * in one process, a login session, or a process.
 */
#define SESSION								\
	" CASE WHEN login = 2 THEN 'A/' || tgid || '/' || start_ns"	\
	"  WHEN login = 1 AND sessionid IS NOT NULL THEN 'L/' || sessionid" \
	"  ELSE 'P/' || tgid || '/' || start_ns END AS sk"

/*
 * read_then_egress: an egress and the reads of its session (on its host)
 * that ended at most egress_window before it started, or overlap it,
 * totalling egress_read_bytes or more; one finding per host, session and
 * UTC day.  A session lives on one host, so the fleet's finding is the
 * host's, kept with the others.  $1: from (ns), $2: egress_window (ns),
 * $3: egress_read_bytes, $4: egress_loopback, $5: the weight, $6: the
 * window in minutes.
 */
static const char read_then_egress_sql[] =
	"WITH e AS (SELECT host_id, user_name, login, instance_id, cpu, seq,"
	SESSION ", coalesce(nullif(first_ns, 0), time_ns) AS f,"
	"  coalesce(nullif(last_ns, 0), time_ns) AS l, bytes, dest"
	"  FROM daudit.events WHERE type = 8 AND time_ns >= $1::bigint"
	"  AND coalesce(bytes, 0) > 0 AND user_name IS NOT NULL"
	"  AND (coalesce(kind, 0) <> 1 OR (coalesce(flags, 0) & 1) = 0"
	"   OR $4::boolean)),"
	" r AS (SELECT host_id, user_name, login," SESSION ","
	"  coalesce(nullif(first_ns, 0), time_ns) AS f,"
	"  coalesce(nullif(last_ns, 0), time_ns) AS l, " RB " AS b"
	"  FROM daudit.events WHERE type IN (5, 7) AND user_name IS NOT NULL"
	"  AND time_ns >= $1::bigint - $2::bigint - " "$7::bigint AND " RB " > 0),"
	" k AS (SELECT e.host_id, e.user_name, e.login, e.sk, e.instance_id,"
	"  e.cpu, e.seq, e.f, e.l, e.bytes, e.dest, sum(r.b) AS linked"
	"  FROM e JOIN r ON r.host_id = e.host_id AND r.user_name = e.user_name"
	"  AND r.login = e.login AND r.sk = e.sk AND r.f <= e.l"
	"  AND e.f <= r.l + $2::bigint"
	"  GROUP BY e.host_id, e.user_name, e.login, e.sk, e.instance_id, e.cpu,"
	"  e.seq, e.f, e.l, e.bytes, e.dest HAVING sum(r.b) >= $3::bigint),"
	" t AS (SELECT host_id, user_name, login, sk, f / " DAY " AS day,"
	"  min(f) AS first_ns, max(l) AS last_ns, sum(bytes) AS bytes,"
	"  count(*) AS n, max(linked) AS linked,"
	"  (array_agg(dest ORDER BY l DESC))[1] AS dest FROM k"
	"  GROUP BY 1, 2, 3, 4, 5)"
	INSERT_FINDING
	" SELECT 'read_then_egress', 'read_then_egress/' || s.name || '/' ||"
	"  t.login || '/' || t.user_name || '/' || t.sk || '/' || t.day,"
	"  t.user_name, t.login, NULL, t.first_ns, t.last_ns, $5::int,"
	"  t.bytes, t.n, 1,"
	"  CASE WHEN t.login = 2 THEN format('the application read %s bytes of"
	" protected data for this actor, then sent %s bytes out for the same"
	" actor (last to %s) within %s minutes, in the same process, on %s',"
	"   t.linked, t.bytes, t.dest, $6::int, s.name)"
	"  ELSE format('read %s bytes of protected data, then sent %s bytes out"
	" (last to %s) within %s minutes, in the same login session, on %s',"
	"   t.linked, t.bytes, t.dest, $6::int, s.name) END,"
	"  s.name || ' ' || t.linked"
	" FROM t JOIN daudit.hosts s ON s.id = t.host_id"
	UPSERT;

/*
 * hardlink and tamper: one finding per alert record, as on each host,
 * its key naming the host (a record's identity is unique per host only).
 * $1: from (ns), $2: hardlink's weight, $3: tamper's (-1: disabled).
 */
static const char alerts_sql[] =
	"WITH a AS (SELECT e.*, s.name AS host, CASE WHEN e.kind IN (1, 2)"
	"  THEN 'hardlink' ELSE 'tamper' END AS rule"
	"  FROM daudit.events e JOIN daudit.hosts s ON s.id = e.host_id"
	"  WHERE e.type = 6 AND e.time_ns >= $1::bigint"
	"  AND ((e.kind IN (1, 2) AND $2::int >= 0)"
	"   OR (e.kind IN (3, 4, 5, 6) AND $3::int >= 0)))"
	INSERT_FINDING
	" SELECT a.rule, a.rule || '/' || a.host || '/' || a.instance_id ||"
	"  '/' || a.cpu || '/' || a.seq, coalesce(a.user_name, '#' || a.uid),"
	"  coalesce(a.login, 0), a.dataset, a.time_ns, a.time_ns,"
	"  CASE a.rule WHEN 'hardlink' THEN $2::int ELSE $3::int END, 0, 1, 1,"
	"  CASE a.kind"
	"  WHEN 1 THEN format('protected file of %s under an unprotected name:"
	" %s linked as %s', a.dataset, coalesce(a.path, '?'), coalesce(a.dest, '?'))"
	"  WHEN 2 THEN format('protected file of %s under an unprotected name:"
	" %s moved to %s', a.dataset, coalesce(a.path, '?'), coalesce(a.dest, '?'))"
	"  WHEN 3 THEN format('the sensor or its attribution tampered with: login"
	" uid %s (session %s) rewritten to %s by uid %s', a.ino, a.dev, a.auid,"
	"   a.uid)"
	"  WHEN 5 THEN format('the sensor or its attribution tampered with: %s"
	" (uid %s) was refused the declaration of actors: %s',"
	"   coalesce(nullif(a.path, ''), 'an unknown executable'), a.uid,"
	"   coalesce(a.dest, ''))"
	"  WHEN 6 THEN format('the sensor or its attribution tampered with: set"
	" up loop device %s over %s (uid %s)', coalesce(nullif(a.dest, ''),"
	"   '(unknown)'), coalesce(nullif(a.path, ''), 'a protected file'), a.uid)"
	"  ELSE format('the sensor or its attribution tampered with: wrote ''%s''"
	" to kprobes/enabled%s', coalesce(a.dest, ''), CASE WHEN a.dest LIKE '0%'"
	"   THEN ': probes disarmed' ELSE '' END) END,"
	"  a.host || ' 1'"
	" FROM a ON CONFLICT (key) DO NOTHING RETURNING (xmax = 0)";

/* Up to 8 parameters of a statement, as text. */
struct params {
	char buf[8][32];
	const char *v[8];
	int n;
};

static void param(struct params *p, const char *fmt, ...) UTIL_PRINTF(2, 3);

static void param(struct params *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->buf[p->n], sizeof(p->buf[0]), fmt, ap);
	va_end(ap);
	p->v[p->n] = p->buf[p->n];
	p->n++;
}

/* A parameter held elsewhere (arrays, text). */
static void param_str(struct params *p, const char *s)
{
	p->v[p->n++] = s;
}

static int enabled(const struct config *c, int rule)
{
	return !(c->rules.disabled & (1U << rule));
}

/*
 * Run one statement.  With @count its rows are "t" for each new finding,
 * counted and logged; without, its result is the caller's (NULL: failed,
 * logged).
 */
static PGresult *run(struct fleet_run *x, const char *rule, const char *sql,
		     const struct params *p, int count)
{
	char err[512];
	PGresult *r = PQexecParams(x->pg->conn, sql, p->n, NULL, p->v, NULL,
				   NULL, 0);
	int i, fresh = 0;

	if (!r || PQresultStatus(r) != PGRES_TUPLES_OK) {
		util_err("PostgreSQL store %s: fleet review, %s: %s", x->pg->url,
			 rule, pgconn_error(x->pg->conn, r, err, sizeof(err)));
		PQclear(r);
		x->failed++;
		return NULL;
	}
	if (!count)
		return r;
	for (i = 0; i < PQntuples(r); i++)
		fresh += !strcmp(PQgetvalue(r, i, 0), "t");
	PQclear(r);
	x->fr->found += (uint64_t)fresh;
	if (fresh)
		util_log(LOG_NOTICE, "PostgreSQL store %s: fleet review: %d new %s findings",
			 x->pg->url, fresh, rule);
	return NULL;
}

/* A PostgreSQL array literal of @n strings, each quoted. */
static char *array_text(char *const *v, size_t n)
{
	size_t len = 3, i;
	char *out, *o;

	for (i = 0; i < n; i++)
		len += 2 * strlen(v[i]) + 3;
	out = o = util_xmalloc(len);
	*o++ = '{';
	for (i = 0; i < n; i++) {
		const char *s;

		if (i)
			*o++ = ',';
		*o++ = '"';
		for (s = v[i]; *s; s++) {
			if (*s == '"' || *s == '\\')
				*o++ = '\\';
			*o++ = *s;
		}
		*o++ = '"';
	}
	*o++ = '}';
	*o = '\0';
	return out;
}

static void strv_add(char ***v, size_t *n, size_t *cap, const char *s)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*v = util_xrealloc(*v, *cap * sizeof(**v));
	}
	(*v)[(*n)++] = util_xstrdup(s);
}

static void strv_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/*
 * The minutes (since the epoch) outside [hours] in the reviewer's local
 * time, from a day before the window to a day after the latest record:
 * "{m,m,...}".
 */
static char *off_minutes(const struct fleet_run *x)
{
	int64_t m, from = x->from_ns / MINUTE_NS - 1440;
	int64_t to = x->latest / MINUTE_NS + 1440;
	size_t cap = 64, len = 0;
	char *out = util_xmalloc(cap);
	struct tp_cache tc;

	tp_cache_init(&tc);
	out[len++] = '{';
	for (m = from; m <= to; m++) {
		int minute, wday;

		tp_local_minute(&tc, m * 60, &minute, &wday);
		if (config_working_time(&x->c->hours, minute, wday))
			continue;
		if (len + 24 > cap) {
			cap *= 2;
			out = util_xrealloc(out, cap);
		}
		len += (size_t)snprintf(out + len, cap - len, "%s%" PRId64,
					out[len - 1] == '{' ? "" : ",", m);
	}
	out[len++] = '}';
	out[len] = '\0';
	return out;
}

static void off_hours(struct fleet_run *x)
{
	const struct rules_config *k = &x->c->rules;
	struct params p = { .n = 0 };
	char hours[80], *mins = off_minutes(x);

	param(&p, "%" PRId64, x->from_ns);
	param_str(&p, mins);
	param(&p, "%s", k->off_hours_nologin ? "true" : "false");
	param(&p, "%u", k->weight[RULE_OFF_HOURS]);
	param_str(&p, rules_hours_text(&x->c->hours, hours, sizeof(hours)));
	run(x, "off_hours", off_hours_sql, &p, 1);
	free(mins);
}

static void unapproved_reader(struct fleet_run *x)
{
	char **ds = NULL, **bad_ds = NULL, **bad_exe = NULL;
	size_t nds = 0, cds = 0, nbad = 0, cbad = 0, cexe = 0, nexe = 0;
	struct params p = { .n = 0 };
	char *list, *a1, *a2;
	unsigned int i;
	PGresult *r;
	int row;

	for (i = 0; i < x->c->n_allow; i++)
		strv_add(&ds, &nds, &cds, x->c->allow[i].dataset);
	if (!nds)
		return;
	list = array_text(ds, nds);
	param(&p, "%" PRId64, x->from_ns);
	param_str(&p, list);
	r = run(x, "unapproved_reader", readers_sql, &p, 0);
	for (row = 0; r && row < PQntuples(r); row++) {
		const char *d = PQgetvalue(r, row, 0), *exe = PQgetvalue(r, row, 1);
		const struct allowlist *a = config_allowlist(x->c, d);

		/* No process record: an unknown executable matches nothing. */
		if (!a || (*exe && config_allowed(a, exe)))
			continue;
		strv_add(&bad_ds, &nbad, &cbad, d);
		strv_add(&bad_exe, &nexe, &cexe, exe);
	}
	PQclear(r);
	if (nbad) {
		a1 = array_text(bad_ds, nbad);
		a2 = array_text(bad_exe, nexe);
		p.n = 1;
		param_str(&p, a1);
		param_str(&p, a2);
		param(&p, "%u", x->c->rules.weight[RULE_UNAPPROVED_READER]);
		run(x, "unapproved_reader", unapproved_sql, &p, 1);
		free(a1);
		free(a2);
	}
	free(list);
	strv_free(ds, nds);
	strv_free(bad_ds, nbad);
	strv_free(bad_exe, nexe);
}

int fleet_rules_run(struct fleet_run *x)
{
	const struct rules_config *k = &x->c->rules;
	const struct config *c = x->c;
	struct params p = { .n = 0 };

	if (enabled(c, RULE_ENUMERATION)) {
		param(&p, "%" PRId64, x->from_ns);
		param(&p, "%u", k->enumeration_files);
		param(&p, "%u", k->weight[RULE_ENUMERATION]);
		run(x, "enumeration", enumeration_sql, &p, 1);
	}
	if (enabled(c, RULE_VOLUME_SPIKE)) {
		p.n = 0;
		param(&p, "%" PRId64, x->from_ns / PGSCHEMA_DAY_NS);
		param(&p, "%u", k->spike_days);
		param(&p, "%u", k->spike_min_active_days);
		param(&p, "%g", k->spike_stddevs);
		param(&p, "%g", k->spike_p95_factor);
		param(&p, "%u", k->weight[RULE_VOLUME_SPIKE]);
		run(x, "volume_spike", volume_spike_sql, &p, 1);
	}
	if (enabled(c, RULE_FIRST_ACCESS)) {
		p.n = 0;
		param(&p, "%" PRId64, x->from_ns);
		param(&p, "%" PRId64, x->from_ns / PGSCHEMA_DAY_NS);
		param(&p, "%u", k->first_access_days);
		param(&p, "%u", k->weight[RULE_FIRST_ACCESS]);
		run(x, "first_access", first_access_sql, &p, 1);
	}
	if (enabled(c, RULE_OFF_HOURS))
		off_hours(x);
	if (enabled(c, RULE_UNAPPROVED_READER))
		unapproved_reader(x);
	if (enabled(c, RULE_READ_THEN_EGRESS)) {
		p.n = 0;
		param(&p, "%" PRId64, x->from_ns);
		param(&p, "%" PRId64, (int64_t)k->egress_window * 1000000000);
		param(&p, "%" PRIu64, k->egress_read_bytes);
		param(&p, "%s", k->egress_loopback ? "true" : "false");
		param(&p, "%u", k->weight[RULE_READ_THEN_EGRESS]);
		param(&p, "%u", k->egress_window / 60 ? k->egress_window / 60 : 1);
		param(&p, "%" PRId64, REORDER_NS);
		run(x, "read_then_egress", read_then_egress_sql, &p, 1);
	}
	if (enabled(c, RULE_HARDLINK) || enabled(c, RULE_TAMPER)) {
		p.n = 0;
		param(&p, "%" PRId64, x->from_ns);
		param(&p, "%d", enabled(c, RULE_HARDLINK) ?
		      (int)k->weight[RULE_HARDLINK] : -1);
		param(&p, "%d", enabled(c, RULE_TAMPER) ?
		      (int)k->weight[RULE_TAMPER] : -1);
		run(x, "hardlink and tamper", alerts_sql, &p, 1);
	}
	return x->failed;
}
