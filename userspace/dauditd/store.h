/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The collector's SQLite database: schema, prepared statements,
 * transactions, high-water marks, gaps, retention.  docs/collector.md
 * describes every table.
 *
 * Errors are fatal: a statement that fails ends the process (exit 1)
 * before anything is acknowledged to the kernel, so a restart gets the
 * unacknowledged records again and the database is never half updated
 * (the open transaction is rolled back).
 */
#ifndef DAUDITD_STORE_H
#define DAUDITD_STORE_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "query.h"

struct config;

/*
 * A second store the events also go to (the fleet's PostgreSQL,
 * store_pg.h): @event with each event as it is inserted, @commit before
 * the store's own COMMIT, returning only once those events are durable
 * there.  So every event the SQLite store holds is in the mirror too, and
 * the journal rows are deleted only after both.
 */
struct store_mirror {
	void (*event)(void *arg, const struct event *e);
	void (*commit)(void *arg);
	void *arg;
};

struct store {
	sqlite3 *db;
	char *path;
	int in_txn;
	int64_t last_event_id;		/* events.id of the last insert */
	sqlite3_stmt *ins_event;
	sqlite3_stmt *put_proc;
	sqlite3_stmt *get_proc;
	sqlite3_stmt *get_hwm;
	sqlite3_stmt *put_hwm;
	sqlite3_stmt *ins_gap;
	sqlite3_stmt *put_meta;
	sqlite3_stmt *get_meta;
	sqlite3_stmt *put_name;
	sqlite3_stmt *get_actor, *ins_actor, *upd_actor;
	int size_warned;
	const struct store_mirror *mirror;	/* NULL: SQLite only */
};

struct retention_stats {
	int64_t evidence_kept;		/* store_keep_high_evidence(), by age */
	int64_t events_by_age;
	int64_t events_by_size;
	int64_t rollup_rows;
	int64_t other_rows;
	int64_t db_bytes;		/* file size afterwards */
};

/* Open or create the database; -1 with @err on failure. */
int store_open(struct store *s, const char *path, char *err, size_t errlen);
void store_close(struct store *s);

/* A prepared statement on the store's connection; fatal on error. */
sqlite3_stmt *store_prepare(struct store *s, const char *sql);
/*
 * Step a statement that returns no row, then reset it (its bindings
 * stay); fatal on error.
 */
void store_run(struct store *s, sqlite3_stmt *st);
/* Step expecting a row (1) or the end (0); fatal on error. */
int store_step(struct store *s, sqlite3_stmt *st);
void store_exec(struct store *s, const char *sql);
/* Fatal SQLite error: message and exit(1). */
void store_die(struct store *s, const char *what);

void store_begin(struct store *s);	/* no-op inside a transaction */
void store_commit(struct store *s);	/* no-op outside one */

/* Insert one event; returns its id (sets e->id and last_event_id). */
int64_t store_event(struct store *s, struct event *e);

/*
 * The actors.id of @e's actor (e->actor, acct_user, acct_login), found
 * or inserted; with @known (its id, from the caller's cache) only the
 * declaring executable is brought up to date.
 */
int64_t store_actor(struct store *s, const struct event *e, int64_t known);

void store_proc(struct store *s, const struct daudit_subject *subj,
		const char *exe, const char *cmdline, uint64_t ns);
/*
 * The executable recorded for a process, malloc'd, or NULL; *@cmdline its
 * command line, malloc'd, or NULL.
 */
char *store_proc_exe(struct store *s, uint32_t tgid, uint64_t start_ns,
		     char **cmdline);

/* 1 with the mark of (instance, cpu), 0 when there is none. */
int store_hwm_get(struct store *s, uint64_t instance, unsigned int cpu,
		  uint64_t *next_seq, uint64_t *last_ns);
void store_hwm_put(struct store *s, uint64_t instance, unsigned int cpu,
		   uint64_t next_seq, uint64_t last_ns);

void store_gap(struct store *s, uint64_t instance, unsigned int cpu,
	       const char *kind, uint64_t first_seq, uint64_t last_seq,
	       uint64_t count, uint64_t from_ns, uint64_t to_ns,
	       const char *by_type);

void store_meta(struct store *s, const char *key, const char *value);
void store_meta_int(struct store *s, const char *key, int64_t value);
int64_t store_meta_get_int(struct store *s, const char *key, int64_t dflt);

void store_name(struct store *s, uint32_t uid, const char *name,
		uint64_t ns);

/*
 * Apply the retention limits of @c at @now (seconds): raw events older
 * than retention_days, then the oldest raw events until the database
 * file fits retention_mb; rollups, findings and gaps older than
 * rollup_retention_days.  Each step commits by itself; call it outside
 * an ingest transaction.
 */
void store_retention(struct store *s, int64_t now, const struct config *c,
		     struct retention_stats *st);

/*
 * The columns of evidence a rule (or retention) copies from events: the
 * INSERT's column list, and the SELECT's from events after ?1 (the
 * finding) and the event's id.
 */
#define STORE_EVIDENCE_COLS \
	"finding_id, event_id, time_ns, type, uid, auid, sessionid, tgid," \
	" exe, comm, dataset, path, dest, bytes, cmdline"
#define STORE_EVIDENCE_SEL \
	"time_ns, type, uid, auid, sessionid, tgid, exe, comm, dataset, path," \
	" dest, bytes + IFNULL(mmap_bytes, 0), cmdline"

/*
 * Before raw events go (keep.c): every record of a finding of a
 * high-severity incident among the events about to be deleted (time_ns
 * before @cut_ns, or id below @cut_id) is copied into its evidence, past
 * evidence_max.  One transaction; returns the rows copied.
 */
int64_t store_keep_high_evidence(struct store *s, int64_t cut_ns,
				 int64_t cut_id);

/* The value of one-row, one-column @sql (0 if none); fatal on error. */
int64_t store_one_int(struct store *s, const char *sql);

/*
 * last_event_id from the table itself (0 when empty): at start, and after
 * retention, which may have deleted the last rows.  Returns it.
 */
int64_t store_reload_last_event_id(struct store *s);

/* Size of the database file in bytes (pages in use and free). */
int64_t store_db_bytes(struct store *s);

#endif
