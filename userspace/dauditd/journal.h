/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The journal: the raw records the intake read from the device, one row
 * per batch, in a SQLite database of its own beside the store
 * (DATABASE.journal, WAL).  The intake appends a row and commits it
 * before it acknowledges the batch to the kernel; the indexer reads the
 * rows in id order, stores them (ingest.c) and deletes them once the
 * store's transaction that advanced the mark is committed.
 *
 *   batches (id INTEGER PRIMARY KEY AUTOINCREMENT, instance_id,
 *            first_ns, last_ns, records, data BLOB)
 *
 * AUTOINCREMENT: an id is never used twice, even after every row was
 * deleted, so a mark in the store stays meaningful.  Each thread opens
 * its own connection.  Errors are fatal, as in store.c: nothing read is
 * acknowledged before its row is committed.
 */
#ifndef DAUDITD_JOURNAL_H
#define DAUDITD_JOURNAL_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "journalq.h"

struct journal {
	sqlite3 *db;
	char *path;
	sqlite3_stmt *ins, *next, *del;
};

struct journal_row {
	int64_t id;
	uint64_t instance_id;
	uint64_t records;
	const void *data;		/* valid until journal_row_done() */
	size_t len;
};

/*
 * Open (or create) the journal of @database; -1 with @err.  With
 * @checkpoints this connection copies the WAL into the file when it
 * passes 1,000 pages (the indexer's, after its deletes); without, never
 * (the intake's).
 */
int journal_open(struct journal *j, const char *database, int checkpoints,
		 char *err, size_t errlen);
void journal_close(struct journal *j);

/* Append one batch and commit it; returns its id. */
int64_t journal_append(struct journal *j, uint64_t instance_id,
		       uint64_t first_ns, uint64_t last_ns, uint64_t records,
		       const void *data, size_t len);

/* The first row after @after: 1 with it in @r, 0 when there is none. */
int journal_next(struct journal *j, int64_t after, struct journal_row *r);
/* Done with the row journal_next() returned (its data goes). */
void journal_row_done(struct journal *j);

/* Delete the rows up to @id (indexed); idempotent. */
void journal_delete_upto(struct journal *j, int64_t id);

/* New ids are above @mark (a journal deleted or replaced by hand). */
void journal_ids_above(struct journal *j, int64_t mark);

/* Bytes of raw records held (all rows). */
int64_t journal_bytes(struct journal *j);

#endif
