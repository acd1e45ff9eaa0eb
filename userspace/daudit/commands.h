/* SPDX-License-Identifier: GPL-2.0 */
/* The daudit subcommands; each lives in its own file. */
#ifndef DAUDIT_COMMANDS_H
#define DAUDIT_COMMANDS_H

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

int cmd_status(int argc, char **argv);
int cmd_users(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_events(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_incident(int argc, char **argv);
int cmd_monitor(int argc, char **argv);
int cmd_policy(int argc, char **argv);
int cmd_store(int argc, char **argv);

struct qopts;
/* report --store: the fleet review's findings (report_fleet.c). */
int report_fleet(const struct qopts *o);

#endif
