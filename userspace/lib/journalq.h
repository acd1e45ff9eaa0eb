/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The collector's journal as its readers see it: where it is, and how
 * much of it waits to be indexed.  dauditd's intake appends the records
 * it reads to the journal, one row per batch, and acknowledges them to
 * the kernel once that row is committed; its indexer stores them in the
 * database and advances the mark (meta JOURNAL_MARK of the database) in
 * the same transaction (userspace/dauditd/journal.h, docs/collector.md).
 */
#ifndef DAUDIT_JOURNALQ_H
#define DAUDIT_JOURNALQ_H

#include <sqlite3.h>
#include <stdint.h>

/* meta key of the database: the highest journal row indexed. */
#define JOURNAL_MARK		"journal_mark"
/* meta keys: the indexer's rate (records/s) and when it was measured. */
#define JOURNAL_RATE		"indexer_rate"
#define JOURNAL_RATE_BUSY	"indexer_rate_busy"
#define JOURNAL_RATE_NS		"indexer_rate_ns"
/* PRAGMA application_id of a journal ("dAuJ"). */
#define JOURNAL_APPLICATION_ID	1682011466

/*
 * The journal of @database: DATABASE.journal (not DATABASE-journal,
 * which is the name of SQLite's own rollback journal of the database).
 * Malloc'd.
 */
char *journal_path(const char *database);

struct journal_backlog {
	int64_t batches;		/* rows after the mark */
	int64_t records;
	int64_t bytes;			/* their raw records */
	int64_t last_id;		/* the newest row (0: none) */
};

/*
 * What waits in the journal of @database past @mark, read-only.  0, or
 * -1 when there is no journal (@b zeroed).
 */
int journal_backlog_read(const char *database, int64_t mark,
			 struct journal_backlog *b);
/* The same through an open connection to the journal. */
void journal_backlog_query(sqlite3 *db, int64_t mark,
			   struct journal_backlog *b);

#endif
