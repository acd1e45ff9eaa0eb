// SPDX-License-Identifier: GPL-2.0
/*
 * daudit: the command-line tool.  This file only dispatches subcommands;
 * each lives in its own file.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "daudit.h"
#include "util.h"

#ifndef DAUDIT_PKG_VERSION
#define DAUDIT_PKG_VERSION "unknown"
#endif

static const struct command commands[] = {
	{ "status", cmd_status, "module, ABI, policy, counters and drops" },
	{ "users", cmd_users, "per user: bytes, files, datasets, top program, egress" },
	{ "user", cmd_user, "one user: datasets, files, programs, hourly timeline" },
	{ "top", cmd_top, "users ranked by bytes, files or egress" },
	{ "events", cmd_events, "the stored records, filtered; --follow for new ones" },
	{ "report", cmd_report, "the review: users by risk, findings, evidence, gaps" },
	{ "incident", cmd_incident, "incidents: findings grouped, timeline, triage" },
	{ "monitor", cmd_monitor, "print records from the module as ECS JSON lines" },
	{ "policy", cmd_policy, "check, load or show the policy of protected sources" },
	{ "store", cmd_store, "the fleet's PostgreSQL store: migrate its schema" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"Usage: daudit COMMAND [OPTIONS]\n"
		"       daudit COMMAND --help\n"
		"\n"
		"Query daudit.ko and the daudit collector: who read protected data,\n"
		"how much, with what, and whether it left the machine.\n"
		"\n"
		"Commands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f,
		"\n"
		"Options:\n"
		"  -h, --help     this help\n"
		"  -V, --version  print the version and the ABI this tool speaks\n"
		"\n"
		"See daudit(8).\n");
}

int main(int argc, char **argv)
{
	size_t i;

	util_progname = "daudit";
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
		printf("daudit %s (ABI %u.%u)\n", DAUDIT_PKG_VERSION,
		       DAUDIT_ABI_MAJOR, DAUDIT_ABI_MINOR);
		return 0;
	}
	for (i = 0; i < NCOMMANDS; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	util_err("unknown command '%s' (see 'daudit --help')", argv[1]);
	return EXIT_USAGE;
}
