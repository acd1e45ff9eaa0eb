/* SPDX-License-Identifier: GPL-2.0 */
/*
 * daudit incident, inside the verb: what incident.c (list, show,
 * dispatch) and incident_triage.c (the verbs that write) share.  The
 * incidents themselves are lib/incident.h.
 */
#ifndef DAUDIT_INCIDENT_VERB_H
#define DAUDIT_INCIDENT_VERB_H

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

/* Open the database the options name, load and group the findings. */
void incident_open(struct incidents *in);
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

/* incident_triage.c: each returns the exit status. */
int triage_set_state(struct incidents *in, const char *verb, int state,
		     const char *arg);
int triage_note(struct incidents *in, const char *arg, const char *text);
int triage_suppress(struct incidents *in);
int triage_suppressions(struct incidents *in);
int triage_unsuppress(struct incidents *in, const char *arg);

#endif
