// SPDX-License-Identifier: GPL-2.0
/*
 * daudit users: one line per user who read protected data in a period,
 * from the collector's hourly rollups.
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

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: daudit users [--by user|actor] [--since TIME] [--until TIME]\n"
		"                    [--format F] [--database PATH]\n"
		"\n"
		"Per user, what protected data they read in the period: bytes (exact read\n"
		"bytes plus mmap'd pages), distinct files, datasets, read sessions, the\n"
		"executable that read the most, egress bytes (network not loopback, unix\n"
		"sockets, files), and the review's findings with their risk points.\n"
		"A user is the login user (audit loginuid, kept across sudo and su); a\n"
		"process without a login session counts for its real uid, shown as\n"
		"\"NAME (no login)\".  Most bytes first.  Periods are whole local hours.\n"
		"An application that declares the people it works for (actors) counts\n"
		"their reads under its own account here (column actors: how many);\n"
		"--by actor lists the actors instead, each with the application and\n"
		"the account it came through.  What the application sent to the client\n"
		"it declared for an actor (its answers to that person) is not egress:\n"
		"column delivered.\n"
		"\n"
		"With --store, the fleet's PostgreSQL store instead: each person (a\n"
		"user by name, an account without a login, or an actor) across every\n"
		"host, then one line per host they read on; from the raw events, so\n"
		"the period is exact; findings and risk are the fleet review's.\n"
		"\n"
		"Options:\n"
		"  -b, --by WHAT     user (default): login users and accounts; actor:\n"
		"                    the actors declared by applications\n"
		QOPTS_HELP
		"  -h, --help        this help\n", "24h");
}

static int by_bytes(const void *a, const void *b)
{
	const struct quser *x = a, *y = b;

	if (x->bytes != y->bytes)
		return x->bytes < y->bytes ? 1 : -1;
	if (x->risk != y->risk)
		return x->risk < y->risk ? 1 : -1;
	return x->uid < y->uid ? -1 : x->uid > y->uid;
}

static const struct table_col cols[] = {
	{ "user", TCOL_STR },
	{ "uid", TCOL_INT },
	{ "login", TCOL_STR },
	{ "bytes", TCOL_BYTES },
	{ "files", TCOL_INT },
	{ "datasets", TCOL_INT },
	{ "sessions", TCOL_INT },
	{ "egress", TCOL_BYTES },
	{ "findings", TCOL_INT },
	{ "risk", TCOL_INT },
	{ "top_exe", TCOL_STR },
	{ "actors", TCOL_INT },
	{ "delivered", TCOL_BYTES },
};

static const struct table_col actor_cols[] = {
	{ "actor", TCOL_STR },
	{ "account", TCOL_STR },
	{ "app", TCOL_STR },
	{ "bytes", TCOL_BYTES },
	{ "files", TCOL_INT },
	{ "datasets", TCOL_INT },
	{ "sessions", TCOL_INT },
	{ "egress", TCOL_BYTES },
	{ "delivered", TCOL_BYTES },
	{ "findings", TCOL_INT },
	{ "risk", TCOL_INT },
};

static void actor_row(struct table *t, struct qdb *q, const struct quser *u)
{
	const struct qactor *a = qdb_actor(q, u->uid);
	char acct[300];

	table_str(t, a ? a->actor : NULL);
	table_str(t, qdb_account_label(q, u->uid, u->login, acct, sizeof(acct)));
	table_str(t, a ? a->app_exe : NULL);
	table_u64(t, u->bytes);
	table_u64(t, u->files);
	table_u64(t, u->datasets);
	table_u64(t, u->sessions);
	table_u64(t, u->egress);
	table_u64(t, u->delivered);
	table_u64(t, u->findings);
	table_u64(t, u->risk);
}

static const struct table_col fleet_cols[] = {
	{ "user", TCOL_STR },
	{ "login", TCOL_STR },
	{ "host", TCOL_STR },
	{ "hosts", TCOL_INT },
	{ "bytes", TCOL_BYTES },
	{ "files", TCOL_INT },
	{ "datasets", TCOL_INT },
	{ "sessions", TCOL_INT },
	{ "egress", TCOL_BYTES },
	{ "findings", TCOL_INT },
	{ "risk", TCOL_INT },
	{ "top_exe", TCOL_STR },
};

/*
 * The fleet: per person the total over every host, then per host.  In a
 * table the host lines are indented under their person; JSON and CSV
 * have one row each, the total with no host.
 */
static int fleet_users(const struct qopts *o)
{
	static const char *const kinds[] = { "no", "yes", "actor" };
	struct qpg_user *u;
	struct table *t;
	char err[512], a[32], b[32], all[32];
	PGconn *c = qpg_open(o, "users");
	long n, i;

	n = qpg_users(c, o->since, o->until, &u, err, sizeof(err));
	PQfinish(c);
	if (n < 0)
		util_die(EXIT_FAIL, "store %s: %s", qpg_url(o), err);
	t = table_new(o->format, fleet_cols,
		      sizeof(fleet_cols) / sizeof(fleet_cols[0]));
	for (i = 0; i < n; i++) {
		int indent = o->format == FORMAT_TABLE && u[i].host;

		table_str(t, indent ? "" : u[i].name);
		table_str(t, indent ? "" : kinds[u[i].login >= 0 && u[i].login <= 2 ?
						 u[i].login : 1]);
		if (o->format == FORMAT_TABLE && !u[i].host) {
			snprintf(all, sizeof(all), "all (%llu)",
				 (unsigned long long)u[i].hosts);
			table_str(t, all);
		} else {
			table_str(t, u[i].host);
		}
		table_u64(t, u[i].hosts);
		table_u64(t, u[i].bytes);
		table_u64(t, u[i].files);
		table_u64(t, u[i].datasets);
		table_u64(t, u[i].sessions);
		table_u64(t, u[i].egress);
		table_u64(t, u[i].findings);
		table_u64(t, u[i].risk);
		table_str(t, u[i].top_exe);
	}
	table_print(t, stdout);
	if (!n && o->format == FORMAT_TABLE)
		text_printf("(no reads of protected data on any host from %s to %s)\n",
		       tp_format_local(o->since, a, sizeof(a)),
		       tp_format_local(o->until, b, sizeof(b)));
	table_free(t);
	qpg_users_free(u, n);
	return 0;
}

int cmd_users(int argc, char **argv)
{
	static const struct option opts[] = {
		QOPTS_LONG,
		{ "by", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct quser *u;
	struct table *t;
	struct qopts o;
	struct qdb q;
	size_t n, i;
	char label[300], a[32], b[32];
	int c, actors = 0;
	uint64_t folded = 0;
	unsigned int rows;

	qopts_init(&o);
	optind = 0;
	while ((c = getopt_long(argc, argv, "b:f:h", opts, NULL)) != -1) {
		if (qopts_option(&o, c, optarg, "users"))
			continue;
		if (c == 'b') {
			if (strcmp(optarg, "user") && strcmp(optarg, "actor"))
				util_die(EXIT_USAGE, "users: --by must be user or actor, not '%s'",
					 optarg);
			actors = !strcmp(optarg, "actor");
			continue;
		}
		if (c == 'h') {
			usage(stdout);
			return 0;
		}
		usage(stderr);
		return EXIT_USAGE;
	}
	if (optind != argc)
		util_die(EXIT_USAGE, "users: unexpected argument '%s'", argv[optind]);
	qopts_finish(&o, "users", 86400);
	if (o.store) {
		if (actors)
			util_die(EXIT_USAGE, "users: --by actor is not there yet with --store (actors are listed with the users)");
		return fleet_users(&o);
	}
	qopts_open(&o, &q);

	n = q_users_by(&q, o.since, o.until, NULL,
		       actors ? Q_BY_PERSON : Q_BY_ACCOUNT, &u);
	if (n > 1)
		qsort(u, n, sizeof(*u), by_bytes);
	for (i = 0; i < n; i++)
		folded += u[i].actors;
	/*
	 * The actors and delivered columns only where an application
	 * declared actors.
	 */
	t = actors ? table_new(o.format, actor_cols,
			       sizeof(actor_cols) / sizeof(actor_cols[0])) :
		     table_new(o.format, cols, sizeof(cols) / sizeof(cols[0]) -
			       (folded ? 0 : 2));
	for (i = 0; i < n; i++) {
		if (actors) {
			if (u[i].login == DB_LOGIN_ACTOR)
				actor_row(t, &q, &u[i]);
			continue;
		}
		table_str(t, o.format == FORMAT_TABLE ?
			  qdb_user_label(&q, u[i].uid, u[i].login, label, sizeof(label)) :
			  qdb_user_name(&q, u[i].uid));
		table_u64(t, u[i].uid);
		table_str(t, u[i].login ? "yes" : "no");
		table_u64(t, u[i].bytes);
		table_u64(t, u[i].files);
		table_u64(t, u[i].datasets);
		table_u64(t, u[i].sessions);
		table_u64(t, u[i].egress);
		table_u64(t, u[i].findings);
		table_u64(t, u[i].risk);
		table_str(t, u[i].top_exe);
		if (folded) {
			table_u64(t, u[i].actors);
			table_u64(t, u[i].delivered);
		}
	}
	rows = table_rows(t);
	table_print(t, stdout);
	if (!rows && o.format == FORMAT_TABLE)
		text_printf(actors ? "(no actor read protected data from %s to %s)\n" :
			    "(no reads of protected data from %s to %s)\n",
			    tp_format_local(o.since, a, sizeof(a)),
			    tp_format_local(o.until, b, sizeof(b)));
	table_free(t);
	q_users_free(u, n);
	qdb_close(&q);
	return 0;
}
