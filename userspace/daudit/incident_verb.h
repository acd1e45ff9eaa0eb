/* SPDX-License-Identifier: GPL-2.0 */
/*
 * daudit incident, inside the verb: what incident.c (list, show,
 * dispatch), incident_triage.c (the verbs that write) and report_html.c
 * share, all in incident_load.c.  The incidents themselves are
 * lib/incident.h.
 */
#ifndef DAUDIT_INCIDENT_VERB_H
#define DAUDIT_INCIDENT_VERB_H

#include <sqlite3.h>
#include <stdint.h>

#include "incident.h"
#include "query.h"

/* One finding as the verb shows it; in->f[i] is what grouping needs. */
struct ifinding {
	char *rule;
	char *dataset;
	char *reason;
	int64_t bytes, count;
	uint64_t instance;
};

struct incidents {
	struct qdb q;
	struct qopts o;
	struct inc_finding *f;
	struct ifinding *x;
	size_t n;
	struct inc_group *g;
	size_t ng;
	size_t *order;
	uint64_t fallback_instance;	/* for findings made before schema 4 */
	int state_filter;		/* -1: all */
	const char *note;
	const char *user, *actor, *program, *dataset, *reason;
	int64_t suppress_until;		/* seconds */
	int has_until;
};

/*
 * Open the database the options name, load and group the findings (each
 * incident's members by points, then time); incident_close() frees them
 * and closes it.
 */
void incident_open(struct incidents *in);
void incident_close(struct incidents *in);
/* The incident an id names, or exit 1 (2 for no id) saying why. */
struct inc_group *incident_find(struct incidents *in, const char *arg,
				const char *verb);
/* The @j-th finding of @g (and its grouping data in *@f). */
const struct ifinding *incident_member(const struct incidents *in,
				       const struct inc_group *g, size_t j,
				       const struct inc_finding **f);
/* "INSTANCE-incident-N" of @g into @buf. */
const char *incident_name(const struct incidents *in,
			  const struct inc_group *g, char *buf, size_t len);

/* "mallory (uid 1002)", or the actor with its application. */
const char *incident_person(struct incidents *in, const struct inc_group *g,
			    char *buf, size_t len);
/* The rules of @g, each once, by points: "read_then_egress, ...". */
const char *incident_rules(const struct incidents *in,
			   const struct inc_group *g, char *buf, size_t len);
/* Whether @g falls in the period (and state) the options ask for. */
int incident_listed(const struct incidents *in, const struct inc_group *g);
/* The finding ids of @g as a JSON array, for json_each(); free() it. */
char *incident_ids_json(const struct incidents *in, const struct inc_group *g);
/*
 * The evidence of findings @ids, each record once, in time order, with
 * the rules that cite it: event_id, time_ns, type, exe, comm, tgid, uid,
 * dataset, path, dest, bytes, rules.
 */
sqlite3_stmt *incident_timeline_stmt(struct incidents *in, const char *ids);

/* A line of an incident's timeline: one record, or a run of reads. */
struct tl_line {
	int64_t first_ns, last_ns;
	int type;
	char *exe;
	char *cmdline;			/* NULL: not recorded */
	int64_t tgid;
	int64_t uid;			/* -1: unknown */
	char *dataset, *path, *dest, *rules;
	int64_t bytes, n;		/* n records */
};
/*
 * The timeline of @g, @line called for each line in time order: one per
 * record, but a program's run of reads of one dataset cited by the same
 * rules is one line (300 files read by sqlite3 is one thing to see).
 * Returns the number of records.
 */
int64_t incident_timeline(struct incidents *in, const struct inc_group *g,
			  void (*line)(struct incidents *in,
				       const struct tl_line *l, void *arg),
			  void *arg);

/* incident_triage.c: each returns the exit status. */
int triage_set_state(struct incidents *in, const char *verb, int state,
		     const char *arg);
int triage_note(struct incidents *in, const char *arg, const char *text);
int triage_suppress(struct incidents *in);
int triage_suppressions(struct incidents *in);
int triage_unsuppress(struct incidents *in, const char *arg);

#endif
