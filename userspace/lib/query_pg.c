// SPDX-License-Identifier: GPL-2.0
/* The query verbs over the fleet's PostgreSQL store (query_pg.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daudit.h"
#include "pgconn.h"
#include "query.h"
#include "query_pg.h"
#include "table.h"
#include "util.h"

/*
 * One pass over the period's rows (the BRIN index finds them): the totals
 * per person and per person and host at once (GROUPING SETS), the top
 * executable from a second grouping by executable.  Reads are types 5
 * (file) and 7 (socket), egress 8; loopback egress is left out, as in the
 * SQLite rollups' egress.
 */
static const char users_sql[] =
	"WITH r AS ("
	" SELECT e.*, h.name AS host FROM daudit.events e"
	" JOIN daudit.hosts h ON h.id = e.host_id"
	" WHERE e.time_ns >= $1 AND e.time_ns < $2 AND e.user_name IS NOT NULL),"
	" t AS ("
	" SELECT user_name, login, host, grouping(host) AS total,"
	"  count(DISTINCT host) AS hosts,"
	"  coalesce(sum(coalesce(bytes, 0) + coalesce(mmap_bytes, 0))"
	"   FILTER (WHERE type IN (5, 7)), 0) AS bytes,"
	"  count(DISTINCT path) FILTER (WHERE type IN (5, 7)) AS files,"
	"  count(DISTINCT dataset) FILTER (WHERE type IN (5, 7)) AS datasets,"
	"  count(*) FILTER (WHERE type IN (5, 7) AND part = 0) AS sessions,"
	"  coalesce(sum(bytes) FILTER (WHERE type = 8 AND NOT (kind = 1 AND"
	"   (flags & 1) <> 0)), 0) AS egress"
	" FROM r GROUP BY GROUPING SETS ((user_name, login),"
	"  (user_name, login, host))),"
	" x AS ("
	" SELECT DISTINCT ON (user_name, login, host) user_name, login, host, exe"
	" FROM (SELECT user_name, login, host, exe,"
	"  sum(coalesce(bytes, 0) + coalesce(mmap_bytes, 0)) AS b"
	"  FROM r WHERE type IN (5, 7) AND exe IS NOT NULL"
	"  GROUP BY GROUPING SETS ((user_name, login, exe),"
	"   (user_name, login, host, exe))) g"
	" ORDER BY user_name, login, host, b DESC, exe)"
	" SELECT t.user_name, t.login, t.host, t.hosts, t.bytes, t.files,"
	"  t.datasets, t.sessions, t.egress, x.exe,"
	"  coalesce(f.n, 0), coalesce(f.risk, 0)"
	" FROM t LEFT JOIN x ON x.user_name = t.user_name AND x.login = t.login"
	"  AND x.host IS NOT DISTINCT FROM t.host"
	/* The fleet's findings in the period, on the fleet's line. */
	" LEFT JOIN (SELECT user_name, login, count(*) AS n, sum(score) AS risk"
	"  FROM daudit.findings WHERE last_ns >= $1 AND first_ns < $2"
	"  GROUP BY user_name, login) f ON t.host IS NULL"
	"  AND f.user_name = t.user_name AND f.login = t.login"
	" WHERE t.bytes > 0 OR t.egress > 0"
	" ORDER BY max(t.bytes) OVER (PARTITION BY t.user_name, t.login) DESC,"
	"  t.user_name, t.login, t.total DESC, t.bytes DESC, t.host";

const char *qpg_url(const struct qopts *o)
{
	static char shown[2048];

	return pgconn_url_shown(o->store ? o->store : "", shown, sizeof(shown));
}

PGconn *qpg_open(const struct qopts *o, const char *verb)
{
	char err[512];
	PGconn *c;

	if (!pgconn_is_url(o->store))
		util_die(EXIT_USAGE, "%s: --store must be a postgresql:// URL, not '%s'",
			 verb, qpg_url(o));
	c = pgconn_open(o->store, o->passfile, "daudit", err, sizeof(err));
	if (!c)
		util_die(EXIT_FAIL, "store %s: %s", qpg_url(o), err);
	return c;
}

static char *text_or_null(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? NULL :
	       util_xstrdup(PQgetvalue(r, row, col));
}

static uint64_t u64(const PGresult *r, int row, int col)
{
	return strtoull(PQgetvalue(r, row, col), NULL, 10);
}

/*
 * The period's two parameters, in nanoseconds, run with @sql; @n 3: a
 * third, @p3 (NULL: SQL's NULL).
 */
static PGresult *run_period(PGconn *c, const char *sql, int64_t since,
			    int64_t until, int n, const char *p3, char *err,
			    size_t errlen)
{
	char a[24], b[24];
	const char *params[3] = { a, b, p3 };
	PGresult *r;

	snprintf(a, sizeof(a), "%lld", (long long)since * 1000000000LL);
	snprintf(b, sizeof(b), "%lld", (long long)until * 1000000000LL);
	r = PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
	if (!r || PQresultStatus(r) != PGRES_TUPLES_OK) {
		pgconn_error(c, r, err, errlen);
		PQclear(r);
		return NULL;
	}
	return r;
}

long qpg_users(PGconn *c, int64_t since, int64_t until,
	       struct qpg_user **out, char *err, size_t errlen)
{
	PGresult *r = run_period(c, users_sql, since, until, 2, NULL, err,
				 errlen);
	struct qpg_user *u;
	int i, n;

	if (!r)
		return -1;
	n = PQntuples(r);
	u = util_xcalloc(n ? (size_t)n : 1, sizeof(*u));
	for (i = 0; i < n; i++) {
		u[i].name = text_or_null(r, i, 0);
		u[i].login = atoi(PQgetvalue(r, i, 1));
		u[i].host = text_or_null(r, i, 2);
		u[i].hosts = u64(r, i, 3);
		u[i].bytes = u64(r, i, 4);
		u[i].files = u64(r, i, 5);
		u[i].datasets = u64(r, i, 6);
		u[i].sessions = u64(r, i, 7);
		u[i].egress = u64(r, i, 8);
		u[i].top_exe = text_or_null(r, i, 9);
		u[i].findings = u64(r, i, 10);
		u[i].risk = u64(r, i, 11);
	}
	PQclear(r);
	*out = u;
	return n;
}

static const char findings_sql[] =
	"SELECT user_name, login, rule, score, first_ns, last_ns, bytes, count,"
	" hosts, reason, by_host,"
	" sum(score) OVER (PARTITION BY user_name, login),"
	" count(*) OVER (PARTITION BY user_name, login)"
	" FROM daudit.findings WHERE last_ns >= $1 AND first_ns < $2"
	" AND ($3::text IS NULL OR (user_name = $3 AND login = 2))"
	" ORDER BY 12 DESC, user_name, login, score DESC, first_ns, rule";

long qpg_findings(PGconn *c, int64_t since, int64_t until, const char *actor,
		  struct qpg_finding **out, char *err, size_t errlen)
{
	PGresult *r = run_period(c, findings_sql, since, until, 3, actor, err,
				 errlen);
	struct qpg_finding *f;
	int i, n;

	if (!r)
		return -1;
	n = PQntuples(r);
	f = util_xcalloc(n ? (size_t)n : 1, sizeof(*f));
	for (i = 0; i < n; i++) {
		f[i].name = text_or_null(r, i, 0);
		f[i].login = atoi(PQgetvalue(r, i, 1));
		f[i].rule = text_or_null(r, i, 2);
		f[i].score = u64(r, i, 3);
		f[i].first_ns = u64(r, i, 4);
		f[i].last_ns = u64(r, i, 5);
		f[i].bytes = u64(r, i, 6);
		f[i].count = u64(r, i, 7);
		f[i].hosts = u64(r, i, 8);
		f[i].reason = text_or_null(r, i, 9);
		f[i].by_host = text_or_null(r, i, 10);
		f[i].risk = u64(r, i, 11);
		f[i].findings = u64(r, i, 12);
	}
	PQclear(r);
	*out = f;
	return n;
}

void qpg_findings_free(struct qpg_finding *f, long n)
{
	long i;

	for (i = 0; i < n; i++) {
		free(f[i].name);
		free(f[i].rule);
		free(f[i].reason);
		free(f[i].by_host);
	}
	free(f);
}

void qpg_users_free(struct qpg_user *u, long n)
{
	long i;

	for (i = 0; i < n; i++) {
		free(u[i].name);
		free(u[i].host);
		free(u[i].top_exe);
	}
	free(u);
}

long qpg_table(PGconn *c, const char *sql, int n, const char *const *params,
	       struct table *t, const struct table_col *cols,
	       unsigned int ncols, char *err, size_t errlen)
{
	PGresult *r = PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
	unsigned int col;
	int row;

	if (!r || PQresultStatus(r) != PGRES_TUPLES_OK ||
	    (unsigned int)PQnfields(r) < ncols) {
		pgconn_error(c, r, err, errlen);
		PQclear(r);
		return -1;
	}
	for (row = 0; row < PQntuples(r); row++)
		for (col = 0; col < ncols; col++) {
			const char *v = PQgetvalue(r, row, (int)col);

			if (PQgetisnull(r, row, (int)col))
				table_null(t);
			else if (cols[col].type == TCOL_STR)
				table_str(t, v);
			else if (cols[col].type == TCOL_BYTES)
				table_u64(t, strtoull(v, NULL, 10));
			else
				table_int(t, strtoll(v, NULL, 10));
		}
	row = PQntuples(r);
	PQclear(r);
	return row;
}
