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
/*
 * report --store: the fleet review's findings (report_fleet.c), of one
 * actor with @actor.
 */
int report_fleet(const struct qopts *o, const char *actor);

/* user --store: one section of one person across the fleet (user_fleet.c). */
enum { USER_FLEET_HOSTS, USER_FLEET_DATASETS, USER_FLEET_FILES,
       USER_FLEET_EXES, USER_FLEET_TIMELINE };
struct table;
typedef struct pg_conn PGconn;
struct table *user_fleet_table(PGconn *c, const struct qopts *o,
			       const char *name, int actor, int section,
			       unsigned long limit);

/* top --store: people ranked across the fleet (top_fleet.c). */
int top_fleet(const struct qopts *o, const char *by, const char *dataset,
	      const char *actor, unsigned long limit);

/* events --store: the fleet's records (events_fleet.c); NULL, -1: any. */
struct events_fleet_filter {
	const char *user, *actor, *dataset, *exe, *path, *host;
	int type;
};
int events_fleet(const struct qopts *o, const struct events_fleet_filter *f,
		 unsigned long limit);

#endif
