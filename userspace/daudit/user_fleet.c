// SPDX-License-Identifier: GPL-2.0
/*
 * daudit user --store: one person across the fleet, from the raw events
 * of the fleet's PostgreSQL store (so the period is exact, not whole
 * hours): their totals per host, then per dataset, file, executable and
 * UTC hour over every host, each with the number of hosts.  The person
 * is the name every host agrees on (daudit users --store shows it: a
 * login name, #UID without one, or with --actor an actor id).
 */
#include <inttypes.h>
#include <stdio.h>

#include "commands.h"
#include "query.h"
#include "query_pg.h"
#include "table.h"
#include "util.h"

/* $1, $2: the period (ns); $3: the name; $4: an actor; $5: the limit. */
#define PERSON								\
	" FROM daudit.events e JOIN daudit.hosts s ON s.id = e.host_id"	\
	" WHERE e.time_ns >= $1::bigint AND e.time_ns < $2::bigint"	\
	" AND e.user_name = $3 AND (coalesce(e.login, 0) = 2) = $4::boolean"
#define READS	"e.type IN (5, 7)"
#define RB	"coalesce(e.bytes, 0) + coalesce(e.mmap_bytes, 0)"
#define EGRESS	"e.type = 8 AND NOT (coalesce(e.kind, 0) = 1 AND (coalesce(e.flags, 0) & 1) <> 0)"

static const struct table_col fleet_host_cols[] = {
	{ "host", TCOL_STR }, { "bytes", TCOL_BYTES }, { "sessions", TCOL_INT },
	{ "files", TCOL_INT }, { "datasets", TCOL_INT },
	{ "egress", TCOL_BYTES }, { "first", TCOL_TIME }, { "last", TCOL_TIME },
};
static const struct table_col fleet_ds_cols[] = {
	{ "dataset", TCOL_STR }, { "bytes", TCOL_BYTES },
	{ "sessions", TCOL_INT }, { "files", TCOL_INT }, { "hosts", TCOL_INT },
};
static const struct table_col fleet_file_cols[] = {
	{ "path", TCOL_STR }, { "dataset", TCOL_STR }, { "bytes", TCOL_BYTES },
	{ "hosts", TCOL_INT }, { "first", TCOL_TIME }, { "last", TCOL_TIME },
};
static const struct table_col fleet_exe_cols[] = {
	{ "executable", TCOL_STR }, { "bytes", TCOL_BYTES },
	{ "datasets", TCOL_INT }, { "hosts", TCOL_INT },
};
static const struct table_col fleet_time_cols[] = {
	{ "hour", TCOL_TIME }, { "bytes", TCOL_BYTES }, { "sessions", TCOL_INT },
	{ "files", TCOL_INT }, { "egress", TCOL_BYTES }, { "hosts", TCOL_INT },
};

static const struct {
	const char *sql;
	const struct table_col *cols;
	unsigned int ncols;
} fleet_sections[] = {
	[USER_FLEET_HOSTS] = {
		/* The fleet's line ("all (N)") first, then each host. */
		"SELECT CASE WHEN grouping(s.name) = 1 THEN 'all (' ||"
		"  count(DISTINCT s.name) || ')' ELSE s.name END,"
		" coalesce(sum(" RB ") FILTER (WHERE " READS "), 0),"
		" count(*) FILTER (WHERE " READS " AND e.part = 0),"
		" count(DISTINCT e.dataset || ':' || e.path) FILTER (WHERE " READS "),"
		" count(DISTINCT e.dataset) FILTER (WHERE " READS "),"
		" coalesce(sum(e.bytes) FILTER (WHERE " EGRESS "), 0),"
		" min(e.time_ns) / 1000000000, max(e.time_ns) / 1000000000"
		PERSON " AND ($5::bigint IS NULL OR TRUE)"
		" GROUP BY GROUPING SETS ((), (s.name)) HAVING count(*) > 0"
		" ORDER BY grouping(s.name) DESC, 2 DESC, 1",
		fleet_host_cols, sizeof(fleet_host_cols) / sizeof(fleet_host_cols[0]) },
	[USER_FLEET_DATASETS] = {
		"SELECT e.dataset, sum(" RB "), count(*) FILTER (WHERE e.part = 0),"
		" count(DISTINCT e.path), count(DISTINCT e.host_id)"
		PERSON " AND " READS " AND ($5::bigint IS NULL OR TRUE)"
		" GROUP BY e.dataset ORDER BY 2 DESC, 1",
		fleet_ds_cols, sizeof(fleet_ds_cols) / sizeof(fleet_ds_cols[0]) },
	[USER_FLEET_FILES] = {
		"SELECT e.path, e.dataset, sum(" RB "), count(DISTINCT e.host_id),"
		" min(e.time_ns) / 1000000000, max(e.time_ns) / 1000000000"
		PERSON " AND " READS
		" GROUP BY e.dataset, e.path ORDER BY 3 DESC, 1 LIMIT $5::bigint",
		fleet_file_cols, sizeof(fleet_file_cols) / sizeof(fleet_file_cols[0]) },
	[USER_FLEET_EXES] = {
		"SELECT e.exe, sum(" RB "), count(DISTINCT e.dataset),"
		" count(DISTINCT e.host_id)"
		PERSON " AND " READS
		" GROUP BY e.exe ORDER BY 2 DESC, 1 LIMIT $5::bigint",
		fleet_exe_cols, sizeof(fleet_exe_cols) / sizeof(fleet_exe_cols[0]) },
	[USER_FLEET_TIMELINE] = {
		"SELECT e.time_ns / 3600000000000 * 3600,"
		" coalesce(sum(" RB ") FILTER (WHERE " READS "), 0),"
		" count(*) FILTER (WHERE " READS " AND e.part = 0),"
		" count(DISTINCT e.dataset || ':' || e.path) FILTER (WHERE " READS "),"
		" coalesce(sum(e.bytes) FILTER (WHERE " EGRESS "), 0),"
		" count(DISTINCT e.host_id)"
		PERSON " AND ($5::bigint IS NULL OR TRUE)"
		" GROUP BY 1 ORDER BY 1",
		fleet_time_cols, sizeof(fleet_time_cols) / sizeof(fleet_time_cols[0]) },
};

struct table *user_fleet_table(PGconn *c, const struct qopts *o,
			       const char *name, int actor, int section,
			       unsigned long limit)
{
	char since[24], until[24], lim[24], err[512];
	const char *v[5] = { since, until, name, actor ? "true" : "false",
			     limit ? lim : NULL };
	struct table *t = table_new(o->format, fleet_sections[section].cols,
				    fleet_sections[section].ncols);

	snprintf(since, sizeof(since), "%" PRId64, o->since * 1000000000);
	snprintf(until, sizeof(until), "%" PRId64, o->until * 1000000000);
	snprintf(lim, sizeof(lim), "%lu", limit);
	if (qpg_table(c, fleet_sections[section].sql, 5, v, t, fleet_sections[section].cols,
		      fleet_sections[section].ncols, err, sizeof(err)) < 0)
		util_die(EXIT_FAIL, "store %s: %s", qpg_url(o), err);
	return t;
}
