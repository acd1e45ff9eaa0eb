/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fleet store's schema in PostgreSQL (schema `daudit`): versioned
 * migrations, applied in order, each in its own transaction, under an
 * advisory lock so that many dauditd starting at once apply each one
 * exactly once.  docs/collector.md, "The fleet store", lists the tables.
 *
 * Raw events are partitioned by day (native declarative partitioning on
 * time_ns): retention drops whole partitions, it never deletes rows.
 */
#ifndef DAUDIT_PGSCHEMA_H
#define DAUDIT_PGSCHEMA_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

/* The version this program writes and reads. */
#define PGSCHEMA_VERSION	4

/*
 * Advisory lock keys (pg_advisory_lock(PGSCHEMA_LOCK, what)): the
 * application id of the SQLite store, "dAud", and what is locked.
 */
#define PGSCHEMA_LOCK		1682011492
#define PGSCHEMA_LOCK_MIGRATE	1
#define PGSCHEMA_LOCK_PARTITION	2
/* Held, for as long as its connection lives, by the fleet's reviewer. */
#define PGSCHEMA_LOCK_REVIEW	3

#define PGSCHEMA_DAY_NS		((int64_t)86400 * 1000000000)

/*
 * Bring the schema to PGSCHEMA_VERSION.  Returns the version found before
 * (0: none), or -1 with @err (a newer schema than this program knows is
 * refused and changes nothing).
 */
int pgschema_migrate(PGconn *c, char *err, size_t errlen);

/* The schema's version (0 when there is none), or -1 with @err. */
int pgschema_version(PGconn *c, char *err, size_t errlen);

/*
 * The day partition of @day (days since the epoch, UTC) exists
 * afterwards.  0, or -1 with @err.
 */
int pgschema_ensure_day(PGconn *c, int64_t day, char *err, size_t errlen);

/*
 * Drop the day partitions that end at or before @cutoff_ns.  The number
 * dropped, or -1 with @err.
 */
int pgschema_drop_before(PGconn *c, int64_t cutoff_ns, char *err,
			 size_t errlen);

#endif
