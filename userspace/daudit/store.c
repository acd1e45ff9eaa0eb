// SPDX-License-Identifier: GPL-2.0
/*
 * daudit store migrate: bring the fleet's PostgreSQL store to the schema
 * this daudit writes (dauditd does the same when it connects; this is for
 * an administrator who wants it done, and seen, before the first host).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "pgconn.h"
#include "pgschema.h"
#include "query.h"
#include "util.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: daudit store migrate [--store URL] [--password-file FILE]\n"
		"\n"
		"Apply the schema migrations this daudit knows to the fleet's PostgreSQL\n"
		"store (schema daudit), each once, under an advisory lock: any number of\n"
		"dauditd may be starting meanwhile.  A newer schema than this daudit\n"
		"knows is refused and left unchanged.\n"
		"\n"
		"  --store URL           postgresql://USER@HOST/DB?sslmode=verify-full...;\n"
		"                        default: 'store' in [collector] of dauditd.conf\n"
		"  --password-file FILE  the password, in a file only its owner reads;\n"
		"                        default: 'store_password_file' there, else\n"
		"                        libpq's own (PGPASSFILE, ~/.pgpass, a service file)\n"
		"\n"
		"Exit status: 0 when the schema is current, 1 on failure, 2 on a usage error.\n");
}

static int migrate(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "store", required_argument, NULL, 's' },
		{ "password-file", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct {
		char *store, *passfile;
	} k = { NULL, NULL };
	char err[512], shown[1024];
	PGconn *c;
	int o, from;

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 's':
			free(k.store);
			k.store = util_xstrdup(optarg);
			break;
		case 'p':
			free(k.passfile);
			k.passfile = util_xstrdup(optarg);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	/* A file that cannot be read names no store: said below. */
	qdb_store_config(&k.store, &k.passfile);
	if (!k.store)
		util_die(EXIT_USAGE, "store migrate: no store: give --store postgresql://... or set 'store' in dauditd.conf");
	/* Shown without a password, if it has one. */
	pgconn_url_shown(k.store, shown, sizeof(shown));
	if (!pgconn_is_url(k.store))
		util_die(EXIT_USAGE, "store migrate: %s: not a postgresql:// URL",
			 shown);
	c = pgconn_open(k.store, k.passfile, "daudit", err, sizeof(err));
	if (!c)
		util_die(EXIT_FAIL, "store %s: %s", shown, err);
	from = pgschema_migrate(c, err, sizeof(err));
	PQfinish(c);
	if (from < 0)
		util_die(EXIT_FAIL, "store %s: %s", shown, err);
	if (from == PGSCHEMA_VERSION)
		printf("store %s: already at schema version %d\n", shown,
		       PGSCHEMA_VERSION);
	else
		printf("store %s: schema version %d (from %d)\n", shown,
		       PGSCHEMA_VERSION, from);
	free(k.store);
	free(k.passfile);
	return 0;
}

int cmd_store(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	if (!strcmp(argv[1], "migrate"))
		return migrate(argc - 1, argv + 1);
	fprintf(stderr, "daudit store: unknown subcommand '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
