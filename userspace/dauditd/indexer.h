/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The indexer: journal rows into the store.
 *
 *   journal rows after the last read, in id order -> ingest (decode,
 *   event rows, rollups, rules, sinks) -> the mark (meta JOURNAL_MARK)
 *   -> COMMIT -> sinks durable -> DELETE the rows from the journal
 *
 * Each transaction takes journal rows until it holds four times
 * batch_records records or more (at least one row): a backlog is indexed
 * in fewer, larger transactions; at low rates each row is one.  The mark is written in
 * the same transaction as the rows, and the rows are deleted only after
 * the commit and the sinks' sync.  At start the indexer reads every row
 * the journal still holds: those after the mark are new; those at or
 * below it (a crash between the commit and the delete) are stored
 * already, so the store skips them by its high-water marks, and the
 * sinks see them again and skip by their own marks what they took.
 * Nothing is lost, nothing is counted twice.
 *
 * dauditd runs it in a thread of its own (indexer_start) with its own
 * epoll: an eventfd the intake signals after each journal commit, the
 * batch_ms timer (rollups every rollup_flush_ms, hourly retention, the
 * sinks' ticks) and the sinks' sockets.  The tests and the benchmark
 * call indexer_step() and indexer_drain() from their own thread instead.
 */
#ifndef DAUDITD_INDEXER_H
#define DAUDITD_INDEXER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "journal.h"

struct collector;

struct indexer_prof {
	uint64_t fetch;			/* journal rows read */
	uint64_t trim;			/* journal rows deleted */
};

struct indexer {
	struct journal j;		/* its own connection */
	int64_t pos;			/* the last row read this run */
	int64_t mark;			/* JOURNAL_MARK as last written */
	uint64_t indexed;		/* records since start */
	uint64_t rows;			/* journal rows since start */
	int64_t rate_ms;		/* the rate was last measured */
	uint64_t rate_n;		/* indexed then */
	uint64_t rate_cpu_ns;		/* the thread's CPU time then */
	struct indexer_prof prof;
	/* The thread. */
	int threaded;
	pthread_t thread;
	pthread_mutex_t lock;		/* held while it works */
	int wake_fd;			/* eventfd: rows to read, or stop */
	atomic_int stop;
	int64_t last_retention_ms;
	/* The eBPF sensor's counters as last published (sensors.h). */
	int64_t counts_ms;
	char counts[512];
};

/* Its journal connection and the mark; -1 with @err. */
int indexer_open(struct collector *c, char *err, size_t errlen);
void indexer_close(struct collector *c);

/*
 * One transaction of journal rows; returns the rows indexed, 0 when
 * none waited.
 */
int indexer_step(struct collector *c);
/* Every row the journal holds. */
void indexer_drain(struct collector *c);
/*
 * Commit what the store holds (@rollups: the rollups too), then make the
 * sinks durable.
 */
void indexer_commit(struct collector *c, int rollups);
/* Rollups are due (rollup_flush_ms since they were last written). */
int indexer_rollups_due(struct collector *c);

/* The thread: start it; tell it rows wait; drain the journal and join. */
int indexer_start(struct collector *c, char *err, size_t errlen);
void indexer_wake(struct collector *c);
void indexer_stop(struct collector *c);
/* Keep the thread out (configuration reload); no-ops without it. */
void indexer_lock(struct collector *c);
void indexer_unlock(struct collector *c);

#endif
