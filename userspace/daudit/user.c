// SPDX-License-Identifier: GPL-2.0
/*
 * daudit user NAME: what one user read in a period: datasets, files,
 * executables, and an hourly timeline, from the collector's rollups.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "format.h"
#include "query.h"
#include "query_pg.h"
#include "table.h"
#include "text.h"
#include "timeparse.h"
#include "util.h"

enum { SEC_DATASETS = 1, SEC_FILES = 2, SEC_EXES = 4, SEC_TIMELINE = 8,
       SEC_ALL = 15, SEC_HOSTS = 16 };

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: daudit user NAME|UID|--actor ID [--section S] [--limit N]\n"
		"                   [--since TIME] [--until TIME] [--format F] [--database PATH]\n"
		"                   [--store URL [--password-file F] | --fleet]\n"
		"\n"
		"What one user read in the period: per dataset (bytes, sessions, files,\n"
		"egress), the files read most, the executables that read, and an hourly\n"
		"timeline.  Covers the user's login sessions and their processes without\n"
		"a login (both are listed apart by 'daudit users').  Periods are whole\n"
		"local hours.  CSV holds one section: pick it with --section.\n"
		"With --actor, the same for an actor an application declared (the\n"
		"person it worked for; see daudit users --by actor), over every\n"
		"application and account it came through; its datasets and timeline\n"
		"add delivered: what the application sent to the client it declared\n"
		"for the actor (its answers to that person), which egress leaves out.\n"
		"With --store (or --fleet), the person across the fleet's hosts: NAME\n"
		"as daudit users --store shows it; a section per host first (hosts),\n"
		"and the number of hosts in the others; the period is exact.\n"
		"\n"
		"Options:\n"
		"  -a, --actor ID    an actor, not a user: its id as daudit users\n"
		"                    --by actor shows it (control bytes as \\xHH)\n"
		"  -s, --section S   datasets, files, executables, timeline, or with\n"
		"                    --store hosts (default: all)\n"
		"  -n, --limit N     files and executables shown, most bytes first\n"
		"                    (default 20, 0 for all)\n"
		QOPTS_HELP
		"  -h, --help        this help\n", "24h");
}

static const struct table_col ds_cols[] = {
	{ "dataset", TCOL_STR }, { "bytes", TCOL_BYTES },
	{ "sessions", TCOL_INT }, { "files", TCOL_INT },
	{ "egress", TCOL_BYTES }, { "delivered", TCOL_BYTES },
};
static const struct table_col file_cols[] = {
	{ "path", TCOL_STR }, { "dataset", TCOL_STR }, { "bytes", TCOL_BYTES },
	{ "first_hour", TCOL_TIME }, { "last_hour", TCOL_TIME },
};
static const struct table_col exe_cols[] = {
	{ "executable", TCOL_STR }, { "bytes", TCOL_BYTES },
	{ "datasets", TCOL_INT },
};
static const struct table_col time_cols[] = {
	{ "hour", TCOL_TIME }, { "bytes", TCOL_BYTES }, { "sessions", TCOL_INT },
	{ "files", TCOL_INT }, { "egress", TCOL_BYTES },
	{ "delivered", TCOL_BYTES },
};

struct ctx {
	struct qdb q;
	PGconn *pg;			/* --store: the fleet's, and q unused */
	const char *name;		/* as given, for the store */
	struct qopts o;
	uint32_t uid;
	const char *actor;		/* --actor: its id, and uid unused */
	int64_t lo;			/* first hour bucket */
	unsigned long limit;
};

/*
 * @sql with each "[P.]user_uid = ?1" made to select the user's rows
 * (login users and without a login, not actors) or, with --actor, the
 * actor's rows over every account it came through (?5).
 */
static void who(const struct ctx *x, const char *sql, char *out, size_t len)
{
	static const char key[] = "user_uid = ?1";
	size_t used = 0;
	const char *m;

	out[0] = '\0';
	while ((m = strstr(sql, key))) {
		const char *p = m;
		int n;

		/* The table alias before it ("f."), if any. */
		while (p > sql && (p[-1] == '.' || (p[-1] >= 'a' && p[-1] <= 'z')))
			p--;
		n = snprintf(out + used, len - used, "%.*s", (int)(p - sql), sql);
		used += (size_t)n;
		n = x->actor ?
		    snprintf(out + used, len - used,
			     "(%.*slogin = " DB_LOGIN_ACTOR_SQL " AND %.*suser_uid IN"
			     " (SELECT id FROM actors WHERE actor = ?5))",
			     (int)(m - p), p, (int)(m - p), p) :
		    snprintf(out + used, len - used,
			     "(%.*suser_uid = ?1 AND %.*slogin <> " DB_LOGIN_ACTOR_SQL ")",
			     (int)(m - p), p, (int)(m - p), p);
		used += (size_t)n;
		sql = m + sizeof(key) - 1;
		if (used >= len)
			util_die(EXIT_FAIL, "user: query too long");
	}
	snprintf(out + used, len - used, "%s", sql);
}

static sqlite3_stmt *stmt(struct ctx *x, const char *sql)
{
	char buf[2048];
	sqlite3_stmt *st;

	who(x, sql, buf, sizeof(buf));
	st = qdb_prepare(&x->q, buf);
	if (x->actor)
		sqlite3_bind_text(st, 5, x->actor, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 1, x->uid);
	sqlite3_bind_int64(st, 2, x->lo);
	sqlite3_bind_int64(st, 3, x->o.until);
	sqlite3_bind_int64(st, 4, x->limit ? (int64_t)x->limit : -1);
	return st;
}

static void text_or_null(struct table *t, sqlite3_stmt *st, int col)
{
	table_str(t, (const char *)sqlite3_column_text(st, col));
}

static struct table *datasets(struct ctx *x)
{
	struct table *t = table_new(x->o.format, ds_cols, 5 + !!x->actor);
	sqlite3_stmt *st = stmt(x,
		"SELECT r.dataset, SUM(r.bytes), SUM(r.sessions),"
		" (SELECT COUNT(DISTINCT f.path) FROM rollup_file f WHERE"
		"  f.period = 3600 AND f.bucket >= ?2 AND f.bucket < ?3 AND"
		"  f.user_uid = ?1 AND f.dataset = r.dataset),"
		" SUM(r.egress_net + r.egress_unix + r.egress_file),"
		" SUM(r.delivered) FROM rollup r WHERE r.user_uid = ?1 AND r.period = 3600 AND"
		" r.bucket >= ?2 AND r.bucket < ?3 AND ?4 = ?4"
		" GROUP BY r.dataset ORDER BY 2 DESC, 1");

	while (qdb_step(&x->q, st)) {
		text_or_null(t, st, 0);
		table_int(t, sqlite3_column_int64(st, 1));
		table_int(t, sqlite3_column_int64(st, 2));
		table_int(t, sqlite3_column_int64(st, 3));
		table_int(t, sqlite3_column_int64(st, 4));
		if (x->actor)
			table_int(t, sqlite3_column_int64(st, 5));
	}
	sqlite3_finalize(st);
	return t;
}

static struct table *files(struct ctx *x)
{
	struct table *t = table_new(x->o.format, file_cols, 5);
	sqlite3_stmt *st = stmt(x,
		"SELECT path, dataset, SUM(bytes), MIN(bucket), MAX(bucket)"
		" FROM rollup_file WHERE user_uid = ?1 AND period = 3600 AND"
		" bucket >= ?2 AND bucket < ?3 GROUP BY dataset, path"
		" ORDER BY 3 DESC, 1 LIMIT ?4");

	while (qdb_step(&x->q, st)) {
		text_or_null(t, st, 0);
		text_or_null(t, st, 1);
		table_int(t, sqlite3_column_int64(st, 2));
		table_int(t, sqlite3_column_int64(st, 3));
		table_int(t, sqlite3_column_int64(st, 4));
	}
	sqlite3_finalize(st);
	return t;
}

static struct table *exes(struct ctx *x)
{
	struct table *t = table_new(x->o.format, exe_cols, 3);
	sqlite3_stmt *st = stmt(x,
		"SELECT exe, SUM(bytes), COUNT(DISTINCT dataset) FROM rollup_exe"
		" WHERE user_uid = ?1 AND period = 3600 AND bucket >= ?2 AND"
		" bucket < ?3 GROUP BY exe ORDER BY 2 DESC, 1 LIMIT ?4");

	while (qdb_step(&x->q, st)) {
		text_or_null(t, st, 0);
		table_int(t, sqlite3_column_int64(st, 1));
		table_int(t, sqlite3_column_int64(st, 2));
	}
	sqlite3_finalize(st);
	return t;
}

static struct table *timeline(struct ctx *x)
{
	struct table *t = table_new(x->o.format, time_cols, 5 + !!x->actor);
	sqlite3_stmt *st = stmt(x,
		"SELECT bucket, SUM(bytes), SUM(sessions), SUM(files),"
		" SUM(egress_net + egress_unix + egress_file), SUM(delivered)"
		" FROM rollup"
		" WHERE user_uid = ?1 AND period = 3600 AND bucket >= ?2 AND"
		" bucket < ?3 AND ?4 = ?4 GROUP BY bucket ORDER BY bucket");

	while (qdb_step(&x->q, st)) {
		table_int(t, sqlite3_column_int64(st, 0));
		table_int(t, sqlite3_column_int64(st, 1));
		table_int(t, sqlite3_column_int64(st, 2));
		table_int(t, sqlite3_column_int64(st, 3));
		table_int(t, sqlite3_column_int64(st, 4));
		if (x->actor)
			table_int(t, sqlite3_column_int64(st, 5));
	}
	sqlite3_finalize(st);
	return t;
}

/* Each section from the rollups, or with --store from the fleet's store. */
static const struct {
	int bit;
	const char *name;
	const char *title;
	struct table *(*local)(struct ctx *x);	/* NULL: only the fleet's */
	int fleet;				/* USER_FLEET_* */
} sections[] = {
	{ SEC_HOSTS, "hosts", "Per host", NULL, USER_FLEET_HOSTS },
	{ SEC_DATASETS, "datasets", "Datasets", datasets, USER_FLEET_DATASETS },
	{ SEC_FILES, "files", "Files read most", files, USER_FLEET_FILES },
	{ SEC_EXES, "executables", "Executables", exes, USER_FLEET_EXES },
	{ SEC_TIMELINE, "timeline", "Hourly timeline (hours with activity)",
	  timeline, USER_FLEET_TIMELINE },
};

static struct table *build(struct ctx *x, size_t i)
{
	if (x->pg)
		return user_fleet_table(x->pg, &x->o, x->name, !!x->actor,
					sections[i].fleet, x->limit);
	return sections[i].local(x);
}

/* Where an actor came from: each application and account, with bytes. */
static void print_accounts(struct ctx *x)
{
	sqlite3_stmt *st = qdb_prepare(&x->q,
		"SELECT a.id, a.account_uid, a.account_login, a.app_exe,"
		" (SELECT IFNULL(SUM(r.bytes), 0) FROM rollup r WHERE r.period = 3600"
		"  AND r.login = " DB_LOGIN_ACTOR_SQL " AND r.user_uid = a.id AND"
		"  r.bucket >= ?2 AND r.bucket < ?3)"
		" FROM actors a WHERE a.actor = ?1 ORDER BY a.id");
	char acct[300], h[32];

	sqlite3_bind_text(st, 1, x->actor, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, x->lo);
	sqlite3_bind_int64(st, 3, x->o.until);
	while (qdb_step(&x->q, st))
		text_printf("  through %s as %s: read %s\n",
			    sqlite3_column_type(st, 3) == SQLITE_TEXT ?
			    (const char *)sqlite3_column_text(st, 3) : "an unknown executable",
			    qdb_user_label(&x->q, (uint32_t)sqlite3_column_int64(st, 1),
				      sqlite3_column_int(st, 2), acct, sizeof(acct)),
			    table_human_bytes((uint64_t)sqlite3_column_int64(st, 4), h,
					 sizeof(h)));
	sqlite3_finalize(st);
}

static void print_people(struct ctx *x, const char *name, int which)
{
	char a[32], b[32];
	size_t i;

	if (x->pg)
		text_printf("%s %s across the fleet, %s to %s\n",
			    x->actor ? "Actor" : "User", name,
			    tp_format_local(x->lo, a, sizeof(a)),
			    tp_format_local(x->o.until, b, sizeof(b)));
	else if (x->actor)
		text_printf("Actor %s, %s to %s\n", name,
			    tp_format_local(x->lo, a, sizeof(a)),
			    tp_format_local(x->o.until, b, sizeof(b)));
	else
		text_printf("User %s (uid %u), %s to %s\n", name, x->uid,
			    tp_format_local(x->lo, a, sizeof(a)),
			    tp_format_local(x->o.until, b, sizeof(b)));
	if (x->actor && !x->pg)
		print_accounts(x);
	for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		struct table *t;

		if (!(which & sections[i].bit))
			continue;
		t = build(x, i);
		text_printf("\n%s:\n", sections[i].title);
		if (table_rows(t))
			table_print(t, stdout);
		else
			text_printf("(none)\n");
		table_free(t);
	}
}

static void print_json(struct ctx *x, const char *name, int which)
{
	json_object *o = json_object_new_object();
	char a[32];
	size_t i;

	if (x->actor) {
		json_object_object_add(o, "actor", table_json_string(name));
	} else {
		json_object_object_add(o, "user", table_json_string(name));
		if (!x->pg)
			json_object_object_add(o, "uid",
					       json_object_new_int64(x->uid));
	}
	json_object_object_add(o, "since", json_object_new_string(
				       tp_format_utc(x->lo, a, sizeof(a))));
	json_object_object_add(o, "until", json_object_new_string(
				       tp_format_utc(x->o.until, a, sizeof(a))));
	for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		struct table *t;

		if (!(which & sections[i].bit))
			continue;
		t = build(x, i);
		json_object_object_add(o, sections[i].name, table_to_json(t));
		table_free(t);
	}
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
			JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

static int section_bit(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
		if (!strcmp(s, sections[i].name))
			return sections[i].bit;
	util_die(EXIT_USAGE, "user: --section must be datasets, files, executables, timeline or hosts, not '%s'",
		 s);
}

/* Table or CSV (one section). */
static void print_any(struct ctx *x, const char *name, int which)
{
	size_t i;

	if (x->o.format != FORMAT_CSV) {
		print_people(x, name, which);
		return;
	}
	for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
		if (which == sections[i].bit) {
			struct table *t = build(x, i);

			table_print(t, stdout);
			table_free(t);
		}
}

/* --store: @name across the fleet, from its PostgreSQL store. */
static int user_store(struct ctx *x, const char *name, int which)
{
	x->pg = qpg_open(&x->o, "user");
	x->name = name;
	x->lo = x->o.since;
	if (x->o.format == FORMAT_JSON)
		print_json(x, name, which);
	else
		print_any(x, name, which);
	PQfinish(x->pg);
	return 0;
}

int cmd_user(int argc, char **argv)
{
	static const struct option opts[] = {
		QOPTS_LONG,
		{ "section", required_argument, NULL, 's' },
		{ "limit", required_argument, NULL, 'n' },
		{ "actor", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctx x;
	int which = 0, c;
	const char *name;
	char *end;

	memset(&x, 0, sizeof(x));
	qopts_init(&x.o);
	x.limit = 20;
	optind = 0;
	while ((c = getopt_long(argc, argv, "a:s:n:f:h", opts, NULL)) != -1) {
		if (qopts_option(&x.o, c, optarg, "user"))
			continue;
		switch (c) {
		case 'a':
			x.actor = optarg;
			break;
		case 's':
			which |= section_bit(optarg);
			break;
		case 'n':
			x.limit = strtoul(optarg, &end, 10);
			if (!*optarg || *end || optarg[0] == '-')
				util_die(EXIT_USAGE, "user: --limit must be a number, not '%s'", optarg);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind + !x.actor != argc)
		util_die(EXIT_USAGE, optind == argc ?
			 "user: which user? (daudit user NAME; see daudit users)" :
			 "user: one user at a time");
	name = x.actor ? x.actor : argv[optind];
	qopts_finish(&x.o, "user", 86400);
	if (!which)
		which = x.o.store ? SEC_ALL | SEC_HOSTS : SEC_ALL;
	if ((which & SEC_HOSTS) && !x.o.store)
		util_die(EXIT_USAGE, "user: --section hosts is the fleet's: give --store URL or --fleet");
	if (x.o.format == FORMAT_CSV && which != SEC_DATASETS &&
	    which != SEC_FILES && which != SEC_EXES && which != SEC_TIMELINE &&
	    which != SEC_HOSTS)
		util_die(EXIT_USAGE, "user: --format csv needs one --section (datasets, files, executables, timeline or hosts)");
	if (x.o.store)
		return user_store(&x, name, which);
	qopts_open(&x.o, &x.q);
	if (x.actor)
		name = x.actor = qdb_need_actor(&x.q, x.actor, "user");
	else if (qdb_user_lookup(&x.q, name, &x.uid) < 0)
		util_die(EXIT_FAIL, "user: no user '%s' (not in the collector's records, not known to NSS)",
			 name);
	x.lo = q_hour_floor(x.o.since);
	if (!x.actor)
		name = qdb_user_name(&x.q, x.uid);
	if (x.o.format == FORMAT_JSON) {
		print_json(&x, name, which);
	} else {
		print_any(&x, name, which);
	}
	qdb_close(&x.q);
	return 0;
}
