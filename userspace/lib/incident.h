/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Incidents: the findings of one person (a user, or an actor an
 * application declared) that overlap in time, or come within
 * INCIDENT_GAP_NS of each other, grouped into one thing to review, with
 * a bounded score, one timeline and the evidence listed once.
 *
 * Incidents are not stored: they are grouped from the findings each
 * time, so they follow what the rules found since.  What a reviewer
 * decides is stored with the findings it was about (the triage table,
 * one row per finding), so an incident that grows by a new finding is
 * new again until someone looks at it, and two incidents that a later
 * finding joins keep both their states and notes.
 *
 * An incident is named by the lowest finding in it, as findings are by
 * their row: "INSTANCE-incident-ID", INSTANCE the module instance (16
 * hex digits) the collector read when it made that finding, so ids of
 * two hosts do not collide (docs/collector.md, "Incidents").
 */
#ifndef DAUDIT_INCIDENT_H
#define DAUDIT_INCIDENT_H

#include <stddef.h>
#include <stdint.h>

/*
 * The tables of triage, created with the collector's schema
 * (userspace/dauditd/store.c) and written by 'daudit incident'.
 *   triage        the state of a finding: state (enum inc_state; no
 *                 row is new too),
 *                 when, by whom (author, sudo: 1 when the name came from
 *                 SUDO_USER), one row per finding
 *   notes         the history of the incident of finding_id (its
 *                 lowest finding then): free text, or a change of state
 *                 (state set, text the note given with it), when and
 *                 by whom
 *   suppressions  findings not to review: of a person (user_uid, login;
 *                 NULL for anyone), of a program (exe: every record of
 *                 the finding's evidence is of it), of a dataset, that
 *                 start before until_ns; with who, when and why
 */
#define INCIDENT_SCHEMA \
	"CREATE TABLE IF NOT EXISTS triage (" \
	" finding_id INTEGER PRIMARY KEY, state INTEGER NOT NULL," \
	" time_ns INTEGER NOT NULL, author TEXT NOT NULL," \
	" sudo INTEGER NOT NULL DEFAULT 0);" \
	"CREATE TABLE IF NOT EXISTS notes (" \
	" id INTEGER PRIMARY KEY, finding_id INTEGER NOT NULL," \
	" time_ns INTEGER NOT NULL, author TEXT NOT NULL," \
	" sudo INTEGER NOT NULL DEFAULT 0, state INTEGER, text TEXT NOT NULL);" \
	"CREATE INDEX IF NOT EXISTS notes_finding ON notes (finding_id);" \
	"CREATE TABLE IF NOT EXISTS suppressions (" \
	" id INTEGER PRIMARY KEY, user_uid INTEGER, login INTEGER," \
	" exe TEXT, dataset TEXT, until_ns INTEGER NOT NULL," \
	" time_ns INTEGER NOT NULL, author TEXT NOT NULL," \
	" sudo INTEGER NOT NULL DEFAULT 0, reason TEXT NOT NULL);"

/* Retention: triage and notes go with their findings. */
#define INCIDENT_RETENTION_TRIAGE_SQL \
	"DELETE FROM triage WHERE finding_id NOT IN (SELECT id FROM findings)" \
	" AND ?1 = ?1"
#define INCIDENT_RETENTION_NOTES_SQL \
	"DELETE FROM notes WHERE finding_id NOT IN (SELECT id FROM findings)" \
	" AND ?1 = ?1"

/* Findings this close (or overlapping) are one incident. */
#define INCIDENT_GAP_NS		(3600LL * 1000000000LL)

enum inc_state {
	INC_NEW,			/* not triaged, or reopened */
	INC_REVIEWED,			/* ack: looked at, nothing to do */
	INC_FALSE_POSITIVE,		/* dismiss: not what the rule meant */
	INC_CONFIRMED,			/* confirm: a real incident */
	INC_STATE_MAX,
};

/* "new", "reviewed", "false positive", "confirmed". */
const char *inc_state_name(int state);
/* The state of that name (also "false-positive", "fp"), or -1. */
int inc_state_by_name(const char *name);

/* A finding as grouping needs it (the caller's other data by index). */
struct inc_finding {
	int64_t id;
	uint32_t user_uid;
	int login;
	int rule;			/* enum rule_id, -1 if unknown */
	int64_t first_ns, last_ns;
	int64_t score;			/* the rule's points */
	int state;			/* enum inc_state; INC_NEW if none */
	int suppressed;			/* a suppression's id, or 0 */
	size_t incident;		/* out: index into the incidents */
};

struct inc_group {
	size_t first, n;		/* members: order[first .. first+n) */
	int64_t anchor;			/* lowest finding id: the name */
	uint32_t user_uid;
	int login;
	int64_t first_ns, last_ns;
	int score;			/* 0..100, inc_score() */
	int state;			/* inc_state_of() */
	int suppressed;			/* every finding suppressed: one id */
};

/*
 * Group @n findings into incidents: by person, then in time order, a
 * finding that starts within INCIDENT_GAP_NS of the end of the group so
 * far joins it.  Fills @f[i].incident and returns the count; *@groups
 * (malloc'd) sorted by score, highest first (then latest first), and
 * *@order (malloc'd) the finding indexes grouped.
 */
size_t inc_group(struct inc_finding *f, size_t n, struct inc_group **groups,
		 size_t **order);

/*
 * The score of findings @order[0..n) of @f: each rule counts once, with
 * its highest points p (capped at 100), as an independent chance p/100
 * that the incident is real:  100 × (1 − Π (1 − p/100)), rounded.
 * 0 to 100 however many findings; 50 + 40 + 30 + 10 + 5 gives 82.
 */
int inc_score(const struct inc_finding *f, const size_t *order, size_t n);
/* "high" (40 and more, as a finding), "medium" (20), "low". */
const char *inc_severity(int score);
/*
 * The state of an incident from its findings': new while any finding
 * is; else the gravest of them: confirmed, then reviewed, then false
 * positive.
 */
int inc_state_of(const struct inc_finding *f, const size_t *order, size_t n);

/* "0123456789abcdef-incident-12" into @buf. */
const char *inc_id(uint64_t instance, int64_t anchor, char *buf, size_t len);
/*
 * The anchor finding of an id as a person types it: the whole id or its
 * number alone; -1 if neither.  *@instance is set when it was given
 * (else left alone).
 */
int64_t inc_parse_id(const char *s, uint64_t *instance);

#endif
