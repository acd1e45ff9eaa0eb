/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The query verbs over the fleet's PostgreSQL store (pgschema.h): per
 * person across every host, and per host, from the raw events.  A person
 * is the name every host agrees on (user_name: the login user's or
 * account's name, or the actor id), with its kind (login).
 */
#ifndef DAUDIT_QUERY_PG_H
#define DAUDIT_QUERY_PG_H

#include <libpq-fe.h>
#include <stdint.h>

struct qpg_user {
	char *name;			/* user_name */
	int login;			/* 0 no login, 1 login user, 2 actor */
	char *host;			/* NULL: the fleet's total */
	uint64_t hosts;			/* hosts the person read on */
	uint64_t bytes;			/* read bytes plus mmap'd pages */
	uint64_t files;			/* distinct files and sockets */
	uint64_t datasets;
	uint64_t sessions;		/* read sessions (first records) */
	uint64_t egress;		/* egress bytes, loopback left out */
	char *top_exe;			/* the executable that read the most */
	uint64_t findings, risk;	/* the fleet's (on its line only) */
};

/*
 * Everyone who read protected data in [@since, @until) (seconds): for
 * each, the fleet's total, then one row per host, most bytes first.  The
 * number of rows, or -1 with @err.
 */
struct qopts;

/*
 * Connected to the store of --store and --password-file, or exit: 2 for
 * a URL that is not postgresql://, 1 with libpq's message.
 */
PGconn *qpg_open(const struct qopts *o, const char *verb);

/*
 * The store's URL as given but without any password (pgconn_url_shown()):
 * what headers and errors print.  A buffer that lives until the next call.
 */
const char *qpg_url(const struct qopts *o);

long qpg_users(PGconn *c, int64_t since, int64_t until,
	       struct qpg_user **out, char *err, size_t errlen);
void qpg_users_free(struct qpg_user *u, long n);

/* A finding of the fleet review (daudit.findings). */
struct qpg_finding {
	char *name;			/* user_name */
	int login;
	char *rule;
	uint64_t score;
	uint64_t first_ns, last_ns;
	uint64_t bytes, count, hosts;
	char *reason;
	char *by_host;			/* "host-1 100, host-2 100" */
	uint64_t risk;			/* the person's, over the period */
	uint64_t findings;		/* the person's, over the period */
};

/*
 * The fleet's findings that overlap [@since, @until) (seconds), people
 * by risk, then each person's by points; with @actor, that actor's only.
 * The number, or -1 with @err.
 */
long qpg_findings(PGconn *c, int64_t since, int64_t until, const char *actor,
		  struct qpg_finding **out, char *err, size_t errlen);
void qpg_findings_free(struct qpg_finding *f, long n);

/*
 * Run @sql with @n text parameters and add each row to @t, whose columns
 * are @cols: TCOL_STR as text, TCOL_INT and TCOL_TIME as integers,
 * TCOL_BYTES as unsigned; NULL is a missing cell.  The number of rows,
 * or -1 with @err.
 */
struct table;
struct table_col;
long qpg_table(PGconn *c, const char *sql, int n, const char *const *params,
	       struct table *t, const struct table_col *cols,
	       unsigned int ncols, char *err, size_t errlen);

#endif
