/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fleet store: every event the collector stores in its SQLite
 * database also goes to a shared PostgreSQL (`store = postgresql://...`
 * in dauditd.conf), one row per record, keyed by (host, module
 * instance, CPU, sequence number), so many hosts are reviewed as one.
 *
 * It is a mirror of the SQLite store (store.h, struct store_mirror):
 * events are buffered as they are stored, and shipped in one PostgreSQL
 * transaction, which commits before the SQLite transaction does.  Rows
 * below the host's high-water marks in PostgreSQL (daudit.hwm: per
 * module instance and CPU, the next sequence number not stored, written
 * in the same transaction) were stored before and are left out; the rest
 * go straight into the events with COPY.  Should a row still meet its
 * key (two hosts with one store_host), the batch is sent again through
 * a staging table and INSERT ... ON CONFLICT DO NOTHING.  The journal
 * rows are deleted only after that SQLite COMMIT, so:
 *
 *  - while PostgreSQL is down (or refuses the password), the commit
 *    waits and retries (1 s, doubling to 30 s), the indexer waits with
 *    it, and new records wait in the journal (counted by `daudit
 *    status`), then in the kernel's rings: nothing is dropped by the
 *    collector, and one line says why, once per distinct error;
 *  - a crash at any moment leaves the records in the journal; the next
 *    start indexes them again and sends them again, and the rows
 *    PostgreSQL already has are skipped by the key: none is doubled.
 */
#ifndef DAUDITD_STORE_PG_H
#define DAUDITD_STORE_PG_H

#include <libpq-fe.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

struct config;

struct store_pg_row {
	uint64_t instance, seq, time_ns;
	unsigned int cpu;
	size_t off;			/* in buf; it ends where the next begins */
};

struct store_pg_hwm {
	uint64_t instance, next_seq;
	unsigned int cpu;
	uint64_t sent;			/* in this batch: the highest + 1 */
	uint64_t last_ns;		/* in this batch: the latest time */
};

struct store_pg {
	char *url;
	char *passfile;			/* NULL: libpq's own (PGPASSFILE...) */
	char *host;			/* the name rows carry */
	PGconn *conn;
	uint64_t conn_serial;		/* counts connections made */
	int host_id;			/* hosts.id of @host on this server */
	char *buf;			/* COPY text of the open transaction */
	size_t len, cap;
	uint64_t rows;			/* in @buf */
	struct store_pg_row *row;	/* where each row is, whose it is */
	uint64_t cap_rows;
	char *out;			/* what is sent: host_id, then a row */
	size_t out_len, out_cap;
	struct store_pg_hwm *hwm;	/* daudit.hwm of this host, as known */
	unsigned int nhwm, cap_hwm;
	int hwm_known;			/* read on this connection */
	int64_t *days;			/* days of @buf's rows, distinct */
	uint64_t *day_sent;		/* rows of each day sent (daudit.day_rows) */
	unsigned int ndays, cap_days;
	int64_t *made;			/* day partitions known to exist */
	unsigned int nmade, cap_made;
	char *esc;			/* scratch for escaping */
	size_t esc_cap;
	atomic_int *stop;		/* set: give up waiting (see commit) */
	char last_err[512];		/* the error logged last */
	int64_t down_since_ms;		/* 0: up */
	uint64_t shipped;		/* rows sent since start */
	uint64_t attempts;		/* failed attempts since start */
	struct store_mirror mirror;
};

/*
 * Set up the fleet store of @c (c->store): the password file must be
 * readable and private.  It connects once and applies the schema's
 * migrations; a server that cannot be reached or refuses us now is
 * logged (one line) and tried again at the first commit.  0, or -1 with
 * @err.
 */
int store_pg_open(struct store_pg *pg, const struct config *c, char *err,
		  size_t errlen);
void store_pg_close(struct store_pg *pg);

/*
 * While the server is down, a commit waits until it is up again; with
 * @stop set (dauditd is stopping) it gives up instead: the process
 * exits 1, its SQLite transaction rolled back, and the records stay in
 * the journal for the next start.
 */
void store_pg_set_stop(struct store_pg *pg, atomic_int *stop);

/*
 * Connected (now or before), the schema current.  0, or -1 with @err
 * (nothing logged).
 */
int store_pg_connect(struct store_pg *pg, char *err, size_t errlen);

/* The buffered events into PostgreSQL; returns only once they are. */
void store_pg_commit(struct store_pg *pg);

/*
 * Drop the day partitions older than @days days before @now (seconds);
 * a failure is logged and tried again next time.
 */
void store_pg_retention(struct store_pg *pg, int64_t now, unsigned int days);

#endif
