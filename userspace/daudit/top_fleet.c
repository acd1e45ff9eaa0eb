// SPDX-License-Identifier: GPL-2.0
/*
 * daudit top --store: the people who read the most across the fleet, from
 * the raw events of its PostgreSQL store (the period is exact): bytes,
 * files and egress over every host, how many hosts, and each host's part
 * of the ranked measure, most first.
 */
#include <inttypes.h>
#include <stdio.h>

#include "commands.h"
#include "format.h"
#include "query.h"
#include "query_pg.h"
#include "table.h"
#include "text.h"
#include "util.h"

/*
 * $1, $2: the period (ns); $3: a dataset or NULL; $4: an actor or NULL;
 * $5: the limit or NULL; $6: bytes, files or egress.
 */
static const char top_sql[] =
	"WITH r AS (SELECT e.*, s.name AS host,"
	"  e.type IN (5, 7) AS rd,"
	"  coalesce(e.bytes, 0) + coalesce(e.mmap_bytes, 0) AS rb,"
	"  e.type = 8 AND NOT (coalesce(e.kind, 0) = 1"
	"   AND (coalesce(e.flags, 0) & 1) <> 0) AS eg"
	" FROM daudit.events e JOIN daudit.hosts s ON s.id = e.host_id"
	" WHERE e.time_ns >= $1::bigint AND e.time_ns < $2::bigint"
	"  AND e.user_name IS NOT NULL"
	"  AND ($3::text IS NULL OR e.dataset = $3)"
	"  AND ($4::text IS NULL OR (e.login = 2 AND e.user_name = $4))),"
	" g AS (SELECT user_name, coalesce(login, 0) AS login, host,"
	"  grouping(host) AS total,"
	"  coalesce(sum(rb) FILTER (WHERE rd), 0) AS bytes,"
	"  count(DISTINCT dataset || ':' || path) FILTER (WHERE rd) AS files,"
	"  coalesce(sum(bytes) FILTER (WHERE eg), 0) AS egress,"
	"  count(DISTINCT host) AS hosts"
	"  FROM r GROUP BY GROUPING SETS ((user_name, coalesce(login, 0)),"
	"   (user_name, coalesce(login, 0), host))),"
	" m AS (SELECT g.*, CASE $6::text WHEN 'files' THEN files"
	"  WHEN 'egress' THEN egress ELSE bytes END AS m FROM g)"
	" SELECT row_number() OVER (ORDER BY t.m DESC, t.user_name, t.login),"
	"  t.user_name, CASE t.login WHEN 2 THEN 'actor' WHEN 1 THEN 'yes'"
	"  ELSE 'no' END, t.hosts, t.bytes, t.files, t.egress,"
	"  (SELECT string_agg(h.host || ' ' || h.m, ', ' ORDER BY h.m DESC, h.host)"
	"   FROM m h WHERE h.total = 0 AND h.user_name = t.user_name"
	"   AND h.login = t.login AND h.m > 0)"
	" FROM m t WHERE t.total = 1 AND t.m > 0"
	" ORDER BY t.m DESC, t.user_name, t.login LIMIT $5::bigint";

static const struct table_col top_cols[] = {
	{ "rank", TCOL_INT }, { "user", TCOL_STR }, { "login", TCOL_STR },
	{ "hosts", TCOL_INT }, { "bytes", TCOL_BYTES }, { "files", TCOL_INT },
	{ "egress", TCOL_BYTES }, { "by_host", TCOL_STR },
};

int top_fleet(const struct qopts *o, const char *by, const char *dataset,
	      const char *actor, unsigned long limit)
{
	char since[24], until[24], lim[24], err[512];
	const char *v[6] = { since, until, dataset, actor, limit ? lim : NULL,
			     by };
	struct table *t = table_new(o->format, top_cols,
				    sizeof(top_cols) / sizeof(top_cols[0]));
	PGconn *c = qpg_open(o, "top");
	long n;

	snprintf(since, sizeof(since), "%" PRId64, o->since * 1000000000);
	snprintf(until, sizeof(until), "%" PRId64, o->until * 1000000000);
	snprintf(lim, sizeof(lim), "%lu", limit);
	n = qpg_table(c, top_sql, 6, v, t, top_cols,
		      sizeof(top_cols) / sizeof(top_cols[0]), err, sizeof(err));
	PQfinish(c);
	if (n < 0)
		util_die(EXIT_FAIL, "store %s: %s", qpg_url(o), err);
	table_print(t, stdout);
	if (!n && o->format == FORMAT_TABLE)
		text_printf("(nothing to rank in this period across the fleet%s%s%s%s)\n",
			    dataset ? " for dataset " : "", dataset ? dataset : "",
			    actor ? " for actor " : "", actor ? actor : "");
	table_free(t);
	return 0;
}
