// SPDX-License-Identifier: GPL-2.0
/*
 * daudit top: users ranked by bytes read, distinct files read, or egress,
 * optionally for one dataset.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "format.h"
#include "query.h"
#include "table.h"
#include "text.h"
#include "timeparse.h"
#include "util.h"

enum by { BY_BYTES, BY_FILES, BY_EGRESS };

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: daudit top [--by bytes|files|egress] [--dataset NAME] [--actor ID]\n"
		"                  [--limit N] [--since TIME] [--until TIME] [--format F]\n"
		"                  [--database PATH | --store URL [--password-file F] | --fleet]\n"
		"\n"
		"Users ranked by bytes of protected data read (the default), by distinct\n"
		"files read, or by egress bytes after reading (network not loopback,\n"
		"unix sockets, files), over the period and optionally one dataset.\n"
		"Users are login users, as in 'daudit users', and the actors that\n"
		"applications declared, each ranked apart (login \"actor\"; uid: the\n"
		"actor's number in the database).  Periods are whole local hours.\n"
		"When actors are ranked, column delivered: what the application sent\n"
		"to the client it declared for the actor (its answers to that person),\n"
		"which egress leaves out.\n"
		"With --store (or --fleet), people across the fleet's hosts (by the\n"
		"name every host agrees on), with the number of hosts and each host's\n"
		"part of the ranked measure (by_host); the period is exact.\n"
		"\n"
		"Options:\n"
		"  -b, --by WHAT     bytes, files or egress\n"
		"  -d, --dataset D   only this dataset\n"
		"  -a, --actor ID    only this actor (one row per account it came\n"
		"                    through), its id as 'daudit users --by actor'\n"
		"                    shows it (control bytes as \\xHH)\n"
		"  -n, --limit N     at most N users (default 10, 0 for all)\n"
		QOPTS_HELP
		"  -h, --help        this help\n", "24h");
}

static enum by sort_by;

static uint64_t metric(const struct quser *u)
{
	return sort_by == BY_FILES ? u->files :
	       sort_by == BY_EGRESS ? u->egress : u->bytes;
}

static int ranked(const void *a, const void *b)
{
	const struct quser *x = a, *y = b;

	if (metric(x) != metric(y))
		return metric(x) < metric(y) ? 1 : -1;
	if (x->bytes != y->bytes)
		return x->bytes < y->bytes ? 1 : -1;
	return x->uid < y->uid ? -1 : x->uid > y->uid;
}

static const struct table_col cols_bytes[] = {
	{ "rank", TCOL_INT }, { "user", TCOL_STR }, { "uid", TCOL_INT },
	{ "login", TCOL_STR }, { "bytes", TCOL_BYTES }, { "files", TCOL_INT },
	{ "egress", TCOL_BYTES }, { "top_exe", TCOL_STR },
};
static const struct table_col cols_files[] = {
	{ "rank", TCOL_INT }, { "user", TCOL_STR }, { "uid", TCOL_INT },
	{ "login", TCOL_STR }, { "files", TCOL_INT }, { "bytes", TCOL_BYTES },
	{ "egress", TCOL_BYTES }, { "top_exe", TCOL_STR },
};
static const struct table_col cols_egress[] = {
	{ "rank", TCOL_INT }, { "user", TCOL_STR }, { "uid", TCOL_INT },
	{ "login", TCOL_STR }, { "egress", TCOL_BYTES }, { "bytes", TCOL_BYTES },
	{ "files", TCOL_INT }, { "top_exe", TCOL_STR },
};

/*
 * @cols with a delivered column after egress (for actors), into @out;
 * returns the count.
 */
static size_t with_delivered(const struct table_col *cols,
			     struct table_col *out)
{
	size_t i, n = 0;

	for (i = 0; i < 8; i++) {
		out[n++] = cols[i];
		if (!strcmp(cols[i].name, "egress"))
			out[n++] = (struct table_col){ "delivered", TCOL_BYTES };
	}
	return n;
}

static void egress_cells(struct table *t, const struct quser *u,
			 int delivered)
{
	table_u64(t, u->egress);
	if (delivered)
		table_u64(t, u->delivered);
}

static void row(struct table *t, struct qdb *q, const struct quser *u,
		size_t rank, int people, int delivered)
{
	char label[300];

	table_u64(t, rank);
	table_str(t, people ? qdb_person_label(q, u->uid, u->login, label, sizeof(label)) :
		  qdb_person_name(q, u->uid, u->login));
	table_u64(t, u->uid);
	table_str(t, u->login == DB_LOGIN_ACTOR ? "actor" : u->login ? "yes" : "no");
	if (sort_by == BY_FILES) {
		table_u64(t, u->files);
		table_u64(t, u->bytes);
		egress_cells(t, u, delivered);
	} else if (sort_by == BY_EGRESS) {
		egress_cells(t, u, delivered);
		table_u64(t, u->bytes);
		table_u64(t, u->files);
	} else {
		table_u64(t, u->bytes);
		table_u64(t, u->files);
		egress_cells(t, u, delivered);
	}
	table_str(t, u->top_exe);
}

int cmd_top(int argc, char **argv)
{
	static const struct option opts[] = {
		QOPTS_LONG,
		{ "by", required_argument, NULL, 'b' },
		{ "dataset", required_argument, NULL, 'd' },
		{ "actor", required_argument, NULL, 'a' },
		{ "limit", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dataset = NULL, *actor = NULL;
	unsigned long limit = 10;
	struct quser *u;
	struct table *t;
	struct qopts o;
	struct qdb q;
	struct table_col cols[9];
	size_t n, i, shown = 0, ncols;
	char *end;
	int c, delivered = 0;

	qopts_init(&o);
	sort_by = BY_BYTES;
	optind = 0;
	while ((c = getopt_long(argc, argv, "b:d:a:n:f:h", opts, NULL)) != -1) {
		if (qopts_option(&o, c, optarg, "top"))
			continue;
		switch (c) {
		case 'b':
			if (!strcmp(optarg, "bytes"))
				sort_by = BY_BYTES;
			else if (!strcmp(optarg, "files"))
				sort_by = BY_FILES;
			else if (!strcmp(optarg, "egress"))
				sort_by = BY_EGRESS;
			else
				util_die(EXIT_USAGE, "top: --by must be bytes, files or egress, not '%s'",
					 optarg);
			break;
		case 'd':
			dataset = optarg;
			break;
		case 'a':
			actor = optarg;
			break;
		case 'n':
			limit = strtoul(optarg, &end, 10);
			if (!*optarg || *end || optarg[0] == '-')
				util_die(EXIT_USAGE, "top: --limit must be a number, not '%s'", optarg);
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
		util_die(EXIT_USAGE, "top: unexpected argument '%s'", argv[optind]);
	qopts_finish(&o, "top", 86400);
	if (o.store)
		return top_fleet(&o, sort_by == BY_FILES ? "files" :
				 sort_by == BY_EGRESS ? "egress" : "bytes",
				 dataset, actor, limit);
	qopts_open(&o, &q);
	if (actor)
		actor = qdb_need_actor(&q, actor, "top");

	n = q_users(&q, o.since, o.until, dataset, &u);
	if (actor)
		n = q_users_keep_actor(&q, u, n, actor);
	if (n > 1)
		qsort(u, n, sizeof(*u), ranked);
	/* A delivered column when actors are ranked. */
	for (i = 0; i < n; i++)
		if (u[i].login == DB_LOGIN_ACTOR && metric(&u[i]))
			delivered = 1;
	memcpy(cols, sort_by == BY_FILES ? cols_files :
	       sort_by == BY_EGRESS ? cols_egress : cols_bytes,
	       8 * sizeof(cols[0]));
	ncols = delivered ? with_delivered(sort_by == BY_FILES ? cols_files :
					   sort_by == BY_EGRESS ? cols_egress :
					   cols_bytes, cols) : 8;
	t = table_new(o.format, cols, ncols);
	for (i = 0; i < n && (!limit || shown < limit); i++) {
		if (!metric(&u[i]))
			continue;
		row(t, &q, &u[i], ++shown, o.format == FORMAT_TABLE, delivered);
	}
	table_print(t, stdout);
	if (!shown && o.format == FORMAT_TABLE)
		text_printf("(nothing to rank in this period%s%s%s%s)\n",
			    dataset ? " for dataset " : "", dataset ? dataset : "",
			    actor ? " for actor " : "", actor ? actor : "");
	table_free(t);
	q_users_free(u, n);
	qdb_close(&q);
	return 0;
}
