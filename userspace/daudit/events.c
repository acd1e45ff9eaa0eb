// SPDX-License-Identifier: GPL-2.0
/*
 * daudit events: the raw records the collector kept, filtered the way
 * ausearch filters audit records, optionally following new ones.
 */
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "format.h"
#include "query.h"
#include "record.h"
#include "table.h"
#include "text.h"
#include "timeparse.h"
#include "util.h"

static volatile sig_atomic_t stop;

static void on_sigint(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: daudit events [FILTERS] [--limit N] [--follow]\n"
		"                     [--since TIME] [--until TIME] [--format F] [--database PATH]\n"
		"                     [--store URL [--password-file F] | --fleet] [--host NAME]\n"
		"\n"
		"The records the collector stored (raw records are kept for\n"
		"retention_days): reads of protected files and sockets with their exact\n"
		"bytes, egress after such reads, alerts, policy loads, module loads, and\n"
		"records the sensor lost.  The most recent N in the period, oldest first.\n"
		"With --store (or --fleet), every host's records in the fleet's store,\n"
		"each with its host; --user is then the person as daudit users --store\n"
		"shows them (uids are per host), and --login-user and --follow are\n"
		"not taken.\n"
		"\n"
		"Filters (all must match):\n"
		"  -u, --user NAME        real uid of the process (name or number)\n"
		"  -l, --login-user NAME  login uid (who logged in, kept across sudo/su)\n"
		"  -a, --actor ID         the actor an application declared (the person\n"
		"                         it worked for), as 'daudit users --by actor'\n"
		"                         shows it; the user columns stay the account\n"
		"  -d, --dataset NAME     dataset\n"
		"  -e, --exe PATTERN      executable, a glob pattern (/usr/bin/python*)\n"
		"  -p, --path PATTERN     file, socket or destination, a glob pattern\n"
		"  -t, --type TYPE        file_read, socket_read, egress, alert,\n"
		"                         policy, module or lost\n"
		"  -H, --host NAME        with --store: one host's records\n"
		"Options:\n"
		"  -n, --limit N          at most N records (default 1000, 0 for all)\n"
		"  -F, --follow           then print new records as they are stored,\n"
		"                         until interrupted (JSON: one object per line)\n"
		QOPTS_HELP
		"  -h, --help             this help\n", "24h");
}

static const struct table_col people_cols[] = {
	{ "time", TCOL_TIME }, { "type", TCOL_STR }, { "user", TCOL_STR },
	{ "login", TCOL_STR }, { "pid", TCOL_INT }, { "exe", TCOL_STR },
	{ "dataset", TCOL_STR }, { "bytes", TCOL_BYTES }, { "target", TCOL_STR },
};

static const struct table_col machine_cols[] = {
	{ "id", TCOL_INT }, { "time", TCOL_TIME }, { "time_ns", TCOL_INT },
	{ "type", TCOL_STR }, { "user", TCOL_STR }, { "uid", TCOL_INT },
	{ "login_user", TCOL_STR }, { "auid", TCOL_INT },
	{ "sessionid", TCOL_INT }, { "pid", TCOL_INT }, { "ppid", TCOL_INT },
	{ "comm", TCOL_STR }, { "exe", TCOL_STR }, { "dataset", TCOL_STR },
	{ "path", TCOL_STR }, { "dest", TCOL_STR }, { "bytes", TCOL_BYTES },
	{ "mmap_bytes", TCOL_BYTES }, { "calls", TCOL_INT },
	{ "session_id", TCOL_INT }, { "part", TCOL_INT }, { "final", TCOL_INT },
	{ "end_reason", TCOL_STR }, { "paths", TCOL_STR },
	{ "kind", TCOL_INT }, { "flags", TCOL_INT }, { "extra", TCOL_STR },
	{ "off_min", TCOL_INT }, { "off_max", TCOL_INT },
	{ "actor", TCOL_STR }, { "request", TCOL_STR }, { "client", TCOL_STR },
	{ "cmdline", TCOL_STR },
};

#define COLUMNS "id, time_ns, type, uid, auid, sessionid, tgid, ppid, comm," \
	" exe, dataset, path, dest, bytes, mmap_bytes, calls, session_id," \
	" part, final, reason, paths, kind, flags, extra, off_min, off_max," \
	" actor, request, client, cmdline"
#define FILTERS "time_ns >= ?1 AND time_ns < ?2 AND (?3 IS NULL OR uid = ?3)" \
	" AND (?4 IS NULL OR auid = ?4) AND (?5 IS NULL OR dataset = ?5)" \
	" AND (?6 IS NULL OR exe GLOB ?6)" \
	" AND (?7 IS NULL OR path GLOB ?7 OR dest GLOB ?7)" \
	" AND (?8 IS NULL OR type = ?8) AND id > ?9" \
	" AND (?11 IS NULL OR actor = ?11)"

struct filter {
	int64_t uid, auid, type;	/* -1: any */
	const char *dataset, *exe, *path, *actor;
};

static int type_of(const char *s)
{
	/* The names of record.h, as monitor and the sinks' types take them. */
	static const struct { const char *name; int type; } t[] = {
		{ "file_read", DAUDIT_REC_FILE_READ },
		/* The old spelling, still taken so that scripts keep working. */
		{ "read", DAUDIT_REC_FILE_READ },
		{ "socket_read", DAUDIT_REC_SOCK_READ }, { "egress", DAUDIT_REC_EGRESS },
		{ "alert", DAUDIT_REC_ALERT }, { "policy", DAUDIT_REC_POLICY },
		{ "module", DAUDIT_REC_MODULE }, { "lost", DAUDIT_REC_LOST },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(s, t[i].name))
			return t[i].type;
	util_die(EXIT_USAGE, "events: --type must be file_read, socket_read, egress, alert, policy, module or lost, not '%s'",
		 s);
}

static void bind_filters(sqlite3_stmt *st, const struct filter *f, int64_t lo,
		 int64_t hi, int64_t after)
{
	sqlite3_bind_int64(st, 1, lo);
	sqlite3_bind_int64(st, 2, hi);
	if (f->uid >= 0)
		sqlite3_bind_int64(st, 3, f->uid);
	if (f->auid >= 0)
		sqlite3_bind_int64(st, 4, f->auid);
	if (f->dataset)
		sqlite3_bind_text(st, 5, f->dataset, -1, SQLITE_STATIC);
	if (f->exe)
		sqlite3_bind_text(st, 6, f->exe, -1, SQLITE_STATIC);
	if (f->path)
		sqlite3_bind_text(st, 7, f->path, -1, SQLITE_STATIC);
	if (f->type >= 0)
		sqlite3_bind_int64(st, 8, f->type);
	sqlite3_bind_int64(st, 9, after);
	if (f->actor)
		sqlite3_bind_text(st, 11, f->actor, -1, SQLITE_STATIC);
}

static const char *col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static void int_or_null(struct table *t, sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		table_null(t);
	else
		table_int(t, sqlite3_column_int64(st, i));
}

/* What a person wants in one column: the file, or where data went. */
static const char *target(sqlite3_stmt *st, char *buf, size_t len)
{
	int type = sqlite3_column_int(st, 2);
	const char *path = col_text(st, 11), *dest = col_text(st, 12);

	switch (type) {
	case DAUDIT_REC_EGRESS:
		snprintf(buf, len, "-> %s", dest ? dest : "?");
		break;
	case DAUDIT_REC_ALERT:
		snprintf(buf, len, "hard link %s -> %s", path ? path : "?",
			 dest ? dest : "?");
		break;
	case DAUDIT_REC_LOST:
		snprintf(buf, len, "%" PRId64 " records lost by the sensor",
			 (int64_t)sqlite3_column_int64(st, 15));
		break;
	case DAUDIT_REC_MODULE:
	case DAUDIT_REC_POLICY:
		snprintf(buf, len, "%s", col_text(st, 23) ? col_text(st, 23) : "");
		break;
	default:
		snprintf(buf, len, "%s", path ? path : "");
	}
	return buf;
}

static void people_row(struct table *t, struct qdb *q, sqlite3_stmt *st)
{
	char buf[8192], comm[40];
	const char *exe = col_text(st, 9);

	table_int(t, sqlite3_column_int64(st, 1) / NSEC_PER_SEC);
	table_str(t, rec_type_name((unsigned int)sqlite3_column_int(st, 2)));
	table_str(t, sqlite3_column_type(st, 3) == SQLITE_NULL ? NULL :
		  qdb_user_name(q, (uint32_t)sqlite3_column_int64(st, 3)));
	/* The person: a declared actor, else the login user. */
	if (col_text(st, 26)) {
		snprintf(buf, sizeof(buf), "%s (actor)", col_text(st, 26));
		table_str(t, buf);
	} else {
		table_str(t, sqlite3_column_type(st, 4) == SQLITE_NULL ? NULL :
			  qdb_user_name(q, (uint32_t)sqlite3_column_int64(st, 4)));
	}
	int_or_null(t, st, 6);
	if (!exe && col_text(st, 8)) {
		snprintf(comm, sizeof(comm), "[%s]", col_text(st, 8));
		exe = comm;
	}
	table_str(t, exe);
	table_str(t, col_text(st, 10));
	if (sqlite3_column_type(st, 13) == SQLITE_NULL)
		table_null(t);
	else
		table_int(t, sqlite3_column_int64(st, 13) + sqlite3_column_int64(st, 14));
	table_str(t, target(st, buf, sizeof(buf)));
}

static void machine_row(struct table *t, struct qdb *q, sqlite3_stmt *st)
{
	char buf[256];
	int type = sqlite3_column_int(st, 2);

	table_int(t, sqlite3_column_int64(st, 0));
	table_int(t, sqlite3_column_int64(st, 1) / NSEC_PER_SEC);
	table_int(t, sqlite3_column_int64(st, 1));
	table_str(t, rec_type_name((unsigned int)type));
	table_str(t, sqlite3_column_type(st, 3) == SQLITE_NULL ? NULL :
		  qdb_user_name(q, (uint32_t)sqlite3_column_int64(st, 3)));
	int_or_null(t, st, 3);
	table_str(t, sqlite3_column_type(st, 4) == SQLITE_NULL ? NULL :
		  qdb_user_name(q, (uint32_t)sqlite3_column_int64(st, 4)));
	int_or_null(t, st, 4);
	int_or_null(t, st, 5);
	int_or_null(t, st, 6);
	int_or_null(t, st, 7);
	table_str(t, col_text(st, 8));
	table_str(t, col_text(st, 9));
	table_str(t, col_text(st, 10));
	table_str(t, col_text(st, 11));
	table_str(t, col_text(st, 12));
	int_or_null(t, st, 13);
	int_or_null(t, st, 14);
	int_or_null(t, st, 15);
	int_or_null(t, st, 16);
	int_or_null(t, st, 17);
	int_or_null(t, st, 18);
	table_str(t, sqlite3_column_type(st, 19) == SQLITE_NULL ? NULL :
		  rec_end_reason_name((unsigned int)sqlite3_column_int(st, 19)));
	table_str(t, sqlite3_column_type(st, 20) == SQLITE_NULL ? NULL :
		  rec_paths_str((uint32_t)sqlite3_column_int64(st, 20), buf, sizeof(buf)));
	int_or_null(t, st, 21);
	int_or_null(t, st, 22);
	table_str(t, col_text(st, 23));
	int_or_null(t, st, 24);
	int_or_null(t, st, 25);
	table_str(t, col_text(st, 26));
	table_str(t, col_text(st, 27));
	table_str(t, col_text(st, 28));
	table_str(t, col_text(st, 29));
}

/* Rows of @st into @t; returns the last id seen. */
static int64_t emit(struct table *t, struct qdb *q, sqlite3_stmt *st,
		    int people, int64_t last)
{
	while (qdb_step(q, st)) {
		if (people)
			people_row(t, q, st);
		else
			machine_row(t, q, st);
		if (sqlite3_column_int64(st, 0) > last)
			last = sqlite3_column_int64(st, 0);
	}
	return last;
}

static void follow(struct qdb *q, struct table *t, const struct filter *f,
		   int64_t lo, int64_t last, int people)
{
	sqlite3_stmt *st = qdb_prepare(q, "SELECT " COLUMNS " FROM events WHERE "
				       FILTERS " ORDER BY id");
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (!stop) {
		bind_filters(st, f, lo, INT64_MAX, last);
		last = emit(t, q, st, people, last);
		sqlite3_reset(st);
		table_print(t, stdout);
		sleep(1);
	}
	sqlite3_finalize(st);
}

static int64_t user_arg(struct qdb *q, const char *name, const char *opt)
{
	uint32_t uid;

	if (qdb_user_lookup(q, name, &uid) < 0)
		util_die(EXIT_USAGE, "events: %s: no user '%s'", opt, name);
	return uid;
}

/* --store: the fleet's records, with the filters that mean the same there. */
static int store_events(const struct qopts *o, const struct filter *f,
			const char *user, const char *login, const char *host,
			int do_follow, unsigned long limit)
{
	struct events_fleet_filter ff = { user, f->actor, f->dataset, f->exe,
					  f->path, host, (int)f->type };

	if (do_follow)
		util_die(EXIT_USAGE, "events: --follow reads one host's database, not the fleet's store");
	if (login)
		util_die(EXIT_USAGE, "events: --login-user is a uid of one host; with --store, --user names the person across hosts");
	return events_fleet(o, &ff, limit);
}

int cmd_events(int argc, char **argv)
{
	static const struct option opts[] = {
		QOPTS_LONG,
		{ "user", required_argument, NULL, 'u' },
		{ "login-user", required_argument, NULL, 'l' },
		{ "actor", required_argument, NULL, 'a' },
		{ "dataset", required_argument, NULL, 'd' },
		{ "exe", required_argument, NULL, 'e' },
		{ "path", required_argument, NULL, 'p' },
		{ "type", required_argument, NULL, 't' },
		{ "limit", required_argument, NULL, 'n' },
		{ "follow", no_argument, NULL, 'F' },
		{ "host", required_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct filter f = { -1, -1, -1, NULL, NULL, NULL, NULL };
	const char *user = NULL, *login = NULL, *host = NULL;
	unsigned long limit = 1000;
	int do_follow = 0, c, people;
	sqlite3_stmt *st;
	struct table *t;
	struct qopts o;
	struct qdb q;
	int64_t last;
	char *end;

	qopts_init(&o);
	optind = 0;
	while ((c = getopt_long(argc, argv, "u:l:a:d:e:p:t:n:FH:f:h", opts, NULL)) != -1) {
		if (qopts_option(&o, c, optarg, "events"))
			continue;
		switch (c) {
		case 'u':
			user = optarg;
			break;
		case 'l':
			login = optarg;
			break;
		case 'a':
			f.actor = optarg;
			break;
		case 'd':
			f.dataset = optarg;
			break;
		case 'e':
			f.exe = optarg;
			break;
		case 'p':
			f.path = optarg;
			break;
		case 't':
			f.type = type_of(optarg);
			break;
		case 'n':
			limit = strtoul(optarg, &end, 10);
			if (!*optarg || *end || optarg[0] == '-')
				util_die(EXIT_USAGE, "events: --limit must be a number, not '%s'", optarg);
			break;
		case 'F':
			do_follow = 1;
			break;
		case 'H':
			host = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc)
		util_die(EXIT_USAGE, "events: unexpected argument '%s'", argv[optind]);
	if (do_follow && o.until_arg)
		util_die(EXIT_USAGE, "events: --follow prints what comes next; it takes no --until");
	qopts_finish(&o, "events", 86400);
	if (o.store)
		return store_events(&o, &f, user, login, host, do_follow, limit);
	if (host)
		util_die(EXIT_USAGE, "events: --host is the fleet's: give --store URL or --fleet");
	qopts_open(&o, &q);
	if (user)
		f.uid = user_arg(&q, user, "--user");
	if (login)
		f.auid = user_arg(&q, login, "--login-user");
	if (f.actor)
		f.actor = qdb_actor_id(&q, f.actor);

	people = o.format == FORMAT_TABLE;
	t = people ? table_new(o.format, people_cols,
			       sizeof(people_cols) / sizeof(people_cols[0])) :
	    table_new(o.format, machine_cols,
		      sizeof(machine_cols) / sizeof(machine_cols[0]));
	table_set_stream(t, do_follow);
	st = qdb_prepare(&q, "SELECT * FROM (SELECT " COLUMNS " FROM events WHERE "
			 FILTERS " ORDER BY time_ns DESC, id DESC LIMIT ?10)"
			 " ORDER BY time_ns, id");
	bind_filters(st, &f, o.since * NSEC_PER_SEC,
	     do_follow ? INT64_MAX : o.until * NSEC_PER_SEC, 0);
	sqlite3_bind_int64(st, 10, limit ? (int64_t)limit : -1);
	last = emit(t, &q, st, people, 0);
	sqlite3_finalize(st);
	if (!table_rows(t) && people && !do_follow)
		text_printf("(no records match)\n");
	else
		table_print(t, stdout);
	if (do_follow) {
		/* Follow from the newest record stored, matching or not. */
		int64_t top = qdb_int(&q, "SELECT MAX(id) FROM events", 0);

		follow(&q, t, &f, o.since * NSEC_PER_SEC, last > top ? last : top,
		       people);
	}
	table_free(t);
	qdb_close(&q);
	return 0;
}
