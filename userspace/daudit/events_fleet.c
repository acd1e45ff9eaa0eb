// SPDX-License-Identifier: GPL-2.0
/*
 * daudit events --store: the records of every host in the fleet's
 * PostgreSQL store, each with its host; the most recent N of the period,
 * oldest first, as on one host.  The person is the name every host
 * agrees on (user_name: a login name, #UID without one, or an actor id);
 * uids stay per host.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "format.h"
#include "query.h"
#include "query_pg.h"
#include "table.h"
#include "text.h"
#include "util.h"

#define FLEET_TYPE_NAME							\
	" CASE e.type WHEN 1 THEN 'lost' WHEN 2 THEN 'module'"		\
	"  WHEN 3 THEN 'policy' WHEN 4 THEN 'process' WHEN 5 THEN 'file_read'" \
	"  WHEN 6 THEN 'alert' WHEN 7 THEN 'socket_read' WHEN 8 THEN 'egress'" \
	"  ELSE e.type::text END"

/*
 * $1, $2: the period (ns); $3: the person; $4: an actor; $5: a dataset;
 * $6: an executable and $7 a path or destination (LIKE patterns); $8: a
 * type; $9: a host; $10: the limit (each NULL: any).
 */
#define FLEET_FILTERS								\
	" FROM daudit.events e JOIN daudit.hosts s ON s.id = e.host_id"	\
	" WHERE e.time_ns >= $1::bigint AND e.time_ns < $2::bigint"	\
	" AND ($3::text IS NULL OR (e.user_name = $3"			\
	"  AND coalesce(e.login, 0) <> 2))"				\
	" AND ($4::text IS NULL OR (e.user_name = $4 AND e.login = 2))"	\
	" AND ($5::text IS NULL OR e.dataset = $5)"			\
	" AND ($6::text IS NULL OR e.exe LIKE $6)"			\
	" AND ($7::text IS NULL OR e.path LIKE $7 OR e.dest LIKE $7)"	\
	" AND ($8::int IS NULL OR e.type = $8::int)"			\
	" AND ($9::text IS NULL OR s.name = $9)"
#define FLEET_NEWEST(cols)							\
	"SELECT * FROM (SELECT " cols ", e.time_ns AS tn, e.seq AS sq"	\
	FLEET_FILTERS " ORDER BY e.time_ns DESC, s.name DESC, e.seq DESC"	\
	" LIMIT $10::bigint) x ORDER BY tn, 1, sq"

static const char people_sql[] =
	FLEET_NEWEST("s.name, e.time_ns / 1000000000 AS t," FLEET_TYPE_NAME ","
	       " e.user_name || CASE WHEN e.login = 2 THEN ' (actor)' ELSE '' END,"
	       " e.tgid, coalesce(e.exe, '[' || e.comm || ']'), e.dataset,"
	       " e.bytes + coalesce(e.mmap_bytes, 0),"
	       " CASE e.type WHEN 8 THEN '-> ' || coalesce(e.dest, '?')"
	       "  WHEN 6 THEN coalesce(e.path, '?') || ' -> ' || coalesce(e.dest, '?')"
	       "  WHEN 1 THEN e.calls || ' records lost by the sensor'"
	       "  WHEN 2 THEN e.extra WHEN 3 THEN e.extra ELSE e.path END");

static const struct table_col people_fleet_cols[] = {
	{ "host", TCOL_STR }, { "time", TCOL_TIME }, { "type", TCOL_STR },
	{ "user", TCOL_STR }, { "pid", TCOL_INT }, { "exe", TCOL_STR },
	{ "dataset", TCOL_STR }, { "bytes", TCOL_BYTES }, { "target", TCOL_STR },
};

static const char machine_sql[] =
	FLEET_NEWEST("s.name, e.time_ns / 1000000000 AS t, e.time_ns," FLEET_TYPE_NAME ","
	       " e.user_name, CASE e.login WHEN 2 THEN 'actor' WHEN 1 THEN 'yes'"
	       "  ELSE 'no' END, e.uid, e.auid, e.sessionid, e.tgid, e.ppid,"
	       " e.comm, e.exe, e.dataset, e.path, e.dest, e.bytes, e.mmap_bytes,"
	       " e.calls, e.session_id, e.part, e.final, e.kind, e.flags,"
	       " e.extra, e.actor, e.request, e.client, e.instance_id, e.cpu,"
	       " e.seq");

static const struct table_col machine_fleet_cols[] = {
	{ "host", TCOL_STR }, { "time", TCOL_TIME }, { "time_ns", TCOL_INT },
	{ "type", TCOL_STR }, { "user", TCOL_STR }, { "login", TCOL_STR },
	{ "uid", TCOL_INT }, { "auid", TCOL_INT }, { "sessionid", TCOL_INT },
	{ "pid", TCOL_INT }, { "ppid", TCOL_INT }, { "comm", TCOL_STR },
	{ "exe", TCOL_STR }, { "dataset", TCOL_STR }, { "path", TCOL_STR },
	{ "dest", TCOL_STR }, { "bytes", TCOL_BYTES },
	{ "mmap_bytes", TCOL_BYTES }, { "calls", TCOL_INT },
	{ "session_id", TCOL_INT }, { "part", TCOL_INT }, { "final", TCOL_INT },
	{ "kind", TCOL_INT }, { "flags", TCOL_INT }, { "extra", TCOL_STR },
	{ "actor", TCOL_STR }, { "request", TCOL_STR }, { "client", TCOL_STR },
	{ "instance_id", TCOL_INT }, { "cpu", TCOL_INT }, { "seq", TCOL_INT },
};

/* A glob pattern (*, ?) as a LIKE pattern; malloc'd, NULL for NULL. */
static char *like_of(const char *glob)
{
	char *out, *o;

	if (!glob)
		return NULL;
	out = o = util_xmalloc(2 * strlen(glob) + 1);
	for (; *glob; glob++) {
		if (*glob == '*') {
			*o++ = '%';
		} else if (*glob == '?') {
			*o++ = '_';
		} else {
			if (*glob == '%' || *glob == '_' || *glob == '\\')
				*o++ = '\\';
			*o++ = *glob;
		}
	}
	*o = '\0';
	return out;
}

int events_fleet(const struct qopts *o, const struct events_fleet_filter *f,
		 unsigned long limit)
{
	char since[24], until[24], lim[24], type[16], err[512];
	char *exe = like_of(f->exe), *path = like_of(f->path);
	const char *v[10] = { since, until, f->user, f->actor, f->dataset, exe,
			      path, f->type >= 0 ? type : NULL, f->host,
			      limit ? lim : NULL };
	int people = o->format == FORMAT_TABLE;
	const struct table_col *cols = people ? people_fleet_cols :
				       machine_fleet_cols;
	unsigned int ncols = people ?
		sizeof(people_fleet_cols) / sizeof(people_fleet_cols[0]) :
		sizeof(machine_fleet_cols) / sizeof(machine_fleet_cols[0]);
	struct table *t = table_new(o->format, cols, ncols);
	PGconn *c = qpg_open(o, "events");
	long n;

	snprintf(since, sizeof(since), "%" PRId64, o->since * 1000000000);
	snprintf(until, sizeof(until), "%" PRId64, o->until * 1000000000);
	snprintf(lim, sizeof(lim), "%lu", limit);
	snprintf(type, sizeof(type), "%d", f->type);
	n = qpg_table(c, people ? people_sql : machine_sql, 10, v, t, cols,
		      ncols, err, sizeof(err));
	PQfinish(c);
	free(exe);
	free(path);
	if (n < 0)
		util_die(EXIT_FAIL, "store %s: %s", qpg_url(o), err);
	if (!n && people)
		text_printf("(no records match)\n");
	else
		table_print(t, stdout);
	table_free(t);
	return 0;
}
