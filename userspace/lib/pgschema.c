// SPDX-License-Identifier: GPL-2.0
/*
 * The fleet store's schema (pgschema.h).  Why native declarative
 * partitioning and not pg_partman: Debian's postgresql-15 has it without
 * an extension (CREATE EXTENSION needs a superuser or a trusted
 * extension, and pg_partman wants its background worker in
 * shared_preload_libraries, a server restart); a day partition is one
 * CREATE TABLE ... PARTITION OF that dauditd makes before it writes the
 * day's first row, and retention is DROP TABLE of a whole day.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pgconn.h"
#include "pgschema.h"

/*
 * Migration N brings version N-1 to N.  Append only: a released one is
 * never edited.
 */
static const char *const migrations[PGSCHEMA_VERSION] = {
	/* 1: hosts, day-partitioned raw events, the partition helpers. */
	"CREATE TABLE daudit.hosts ("
	" id serial PRIMARY KEY, name text NOT NULL UNIQUE,"
	" first_seen timestamptz NOT NULL DEFAULT now(),"
	" last_seen timestamptz NOT NULL DEFAULT now());"
	/*
	 * One row per record of one host.  The key is the record's identity
	 * (host, module instance, CPU, sequence number) plus time_ns: a
	 * unique key of a partitioned table must hold the partition key, and
	 * a record sent again has the same time, so it meets its first copy
	 * in the same partition and ON CONFLICT DO NOTHING skips it.  The
	 * host is in the key because module instance ids are only unique
	 * per host (dauditd --replay uses one fixed id).
	 */
	"CREATE TABLE daudit.events ("
	" host_id integer NOT NULL, instance_id bigint NOT NULL,"
	" cpu integer NOT NULL, seq bigint NOT NULL, time_ns bigint NOT NULL,"
	" type smallint NOT NULL, user_name text, login smallint,"
	" user_uid bigint, uid bigint, euid bigint, auid bigint,"
	" sessionid bigint, tgid bigint, ppid bigint, start_ns bigint,"
	" comm text, exe text, dataset text, path text, session_id bigint,"
	" part bigint, final smallint, reason smallint, paths integer,"
	" bytes bigint, calls bigint, mmap_bytes bigint, first_ns bigint,"
	" last_ns bigint, kind integer, flags bigint, dest text, dev bigint,"
	" ino bigint, off_min bigint, off_max bigint, extra text,"
	" actor text, request text, client text, actor_tid bigint,"
	" actor_requests bigint,"
	" PRIMARY KEY (host_id, instance_id, cpu, seq, time_ns)"
	") PARTITION BY RANGE (time_ns);"
	/*
	 * Per host, module instance and CPU, the next sequence number not
	 * stored (every record below is), written in the transaction of the
	 * rows: a host sends only rows at or above it, straight into the
	 * events with COPY.  The key above still refuses a row twice.
	 */
	"CREATE TABLE daudit.hwm ("
	" host_id integer NOT NULL, instance_id bigint NOT NULL,"
	" cpu integer NOT NULL, next_seq bigint NOT NULL,"
	" last_ns bigint NOT NULL DEFAULT 0,"
	" PRIMARY KEY (host_id, instance_id, cpu));"
	/*
	 * A period's records: BRIN, since rows arrive in time order (a few
	 * pages of summary per day, almost nothing per insert).  No index by
	 * user, as in SQLite: a B-tree by user costs a scattered page write
	 * per record; one user's records are found within a period.
	 */
	"CREATE INDEX events_time ON daudit.events USING brin (time_ns);"
	/* Day partitions: events_YYYYMMDD, [day, day + 1) in UTC. */
	"CREATE FUNCTION daudit.ensure_day(day bigint) RETURNS void"
	" LANGUAGE plpgsql AS $f$"
	" DECLARE n text := 'events_' || to_char(to_timestamp(day * 86400)"
	"  AT TIME ZONE 'UTC', 'YYYYMMDD');"
	" BEGIN"
	"  PERFORM pg_advisory_xact_lock(1682011492, 2);"
	"  IF to_regclass('daudit.' || n) IS NULL THEN"
	"   EXECUTE format('CREATE TABLE daudit.%I PARTITION OF daudit.events"
	" FOR VALUES FROM (%s) TO (%s)', n, day * 86400000000000,"
	" (day + 1) * 86400000000000);"
	"  END IF;"
	" END $f$;"
	"CREATE FUNCTION daudit.drop_days_before(cutoff_ns bigint)"
	" RETURNS integer LANGUAGE plpgsql AS $f$"
	" DECLARE r record; n integer := 0;"
	" BEGIN"
	"  PERFORM pg_advisory_xact_lock(1682011492, 2);"
	"  FOR r IN SELECT c.relname FROM pg_inherits i"
	"   JOIN pg_class c ON c.oid = i.inhrelid"
	"   WHERE i.inhparent = 'daudit.events'::regclass"
	"   AND c.relname ~ '^events_[0-9]{8}$'"
	"   AND (extract(epoch FROM to_date(substr(c.relname, 8), 'YYYYMMDD'))"
	"        + 86400)::bigint * 1000000000 <= cutoff_ns"
	"  LOOP"
	"   EXECUTE format('DROP TABLE daudit.%I', r.relname);"
	"   n := n + 1;"
	"  END LOOP;"
	"  RETURN n;"
	" END $f$;",
	/*
	 * 2: the fleet's findings, computed by one reviewer at a time (the
	 * holder of advisory lock PGSCHEMA_LOCK_REVIEW); a finding is found
	 * again by its key, as in SQLite.
	 */
	"CREATE TABLE daudit.findings ("
	" id bigserial PRIMARY KEY, rule text NOT NULL, key text NOT NULL UNIQUE,"
	" user_name text NOT NULL, login smallint NOT NULL, dataset text,"
	" first_ns bigint NOT NULL, last_ns bigint NOT NULL,"
	" score integer NOT NULL, bytes bigint NOT NULL DEFAULT 0,"
	" count bigint NOT NULL DEFAULT 0, hosts integer NOT NULL DEFAULT 0,"
	" reason text NOT NULL, by_host text NOT NULL,"
	" computed timestamptz NOT NULL DEFAULT now());"
	"CREATE INDEX findings_time ON daudit.findings (last_ns);",
	/*
	 * 3: the fleet's daily rollups, written by the reviewer: per person
	 * (user_name and kind), host, dataset and UTC day, what they read.
	 * The review's memory beyond its window of raw events (volume_spike's
	 * baseline, first_access's last read), and the cheap source of
	 * per-host totals.  day_rows counts each host's rows of each day, in
	 * the transaction that stores them; rollup_done lists the days older
	 * than the review's window that are rolled up, with the count they
	 * had: a day is rolled up again while its count moves (a host that
	 * ships late), and days of the window at every review.
	 */
	"CREATE TABLE daudit.rollup_day ("
	" day integer NOT NULL, user_name text NOT NULL,"
	" login smallint NOT NULL, host_id integer NOT NULL,"
	" dataset text NOT NULL, bytes bigint NOT NULL, reads bigint NOT NULL,"
	" files bigint NOT NULL, first_ns bigint NOT NULL,"
	" last_ns bigint NOT NULL,"
	" PRIMARY KEY (user_name, login, dataset, day, host_id));"
	"CREATE INDEX rollup_day_day ON daudit.rollup_day (day);"
	"CREATE TABLE daudit.day_rows (day integer NOT NULL,"
	" host_id integer NOT NULL, rows bigint NOT NULL,"
	" PRIMARY KEY (day, host_id));"
	"CREATE TABLE daudit.rollup_done (day integer PRIMARY KEY,"
	" rows bigint NOT NULL,"
	" rolled timestamptz NOT NULL DEFAULT now());",
	/*
	 * 4: the process's command line (ABI 1.7, SQLite schema 5), last, so
	 * COPY rows end with it.
	 */
	"ALTER TABLE daudit.events ADD COLUMN cmdline text;",
};

static int one_int(PGconn *c, const char *sql, int64_t *out, char *err,
		   size_t errlen)
{
	PGresult *r = PQexec(c, sql);
	int rc = -1;

	if (r && PQresultStatus(r) == PGRES_TUPLES_OK) {
		*out = PQntuples(r) && !PQgetisnull(r, 0, 0) ?
		       strtoll(PQgetvalue(r, 0, 0), NULL, 10) : 0;
		rc = 0;
	} else {
		pgconn_error(c, r, err, errlen);
	}
	PQclear(r);
	return rc;
}

int pgschema_version(PGconn *c, char *err, size_t errlen)
{
	int64_t v;

	if (one_int(c, "SELECT CASE WHEN to_regclass('daudit.schema_version')"
		    " IS NULL THEN 0 ELSE 1 END", &v, err, errlen) < 0)
		return -1;
	if (!v)
		return 0;
	if (one_int(c, "SELECT max(version) FROM daudit.schema_version", &v,
		    err, errlen) < 0)
		return -1;
	return (int)v;
}

static int rollback(PGconn *c)
{
	PQclear(PQexec(c, "ROLLBACK"));
	return -1;
}

int pgschema_migrate(PGconn *c, char *err, size_t errlen)
{
	char sql[160];
	int from, v;

	/* Concurrent first starts: the lock comes before CREATE. */
	if (pgconn_exec(c, "BEGIN", err, errlen) < 0)
		return -1;
	snprintf(sql, sizeof(sql), "SELECT pg_advisory_xact_lock(%d, %d)",
		 PGSCHEMA_LOCK, PGSCHEMA_LOCK_MIGRATE);
	if (pgconn_exec(c, sql, err, errlen) < 0 ||
	    pgconn_exec(c, "CREATE SCHEMA IF NOT EXISTS daudit;"
			"CREATE TABLE IF NOT EXISTS daudit.schema_version ("
			" version integer PRIMARY KEY,"
			" applied timestamptz NOT NULL DEFAULT now(),"
			" by text NOT NULL DEFAULT current_user)",
			err, errlen) < 0)
		return rollback(c);
	from = pgschema_version(c, err, errlen);
	if (from < 0)
		return rollback(c);
	if (from > PGSCHEMA_VERSION) {
		snprintf(err, errlen,
			 "the store has schema version %d, this daudit knows version %d only (a newer daudit wrote it?); it was left unchanged",
			 from, PGSCHEMA_VERSION);
		return rollback(c);
	}
	/* All in the one transaction: a failed step leaves the old version. */
	for (v = from + 1; v <= PGSCHEMA_VERSION; v++) {
		snprintf(sql, sizeof(sql),
			 "INSERT INTO daudit.schema_version (version) VALUES (%d)",
			 v);
		if (pgconn_exec(c, migrations[v - 1], err, errlen) < 0 ||
		    pgconn_exec(c, sql, err, errlen) < 0) {
			char what[64];

			snprintf(what, sizeof(what), "migration to version %d: ",
				 v);
			if (strlen(what) + strlen(err) < errlen) {
				memmove(err + strlen(what), err, strlen(err) + 1);
				memcpy(err, what, strlen(what));
			}
			return rollback(c);
		}
	}
	if (pgconn_exec(c, "COMMIT", err, errlen) < 0)
		return -1;
	return from;
}

int pgschema_ensure_day(PGconn *c, int64_t day, char *err, size_t errlen)
{
	char sql[96];

	snprintf(sql, sizeof(sql), "SELECT daudit.ensure_day(%" PRId64 ")", day);
	return pgconn_exec(c, sql, err, errlen);
}

int pgschema_drop_before(PGconn *c, int64_t cutoff_ns, char *err,
			 size_t errlen)
{
	char sql[96];
	int64_t n;

	snprintf(sql, sizeof(sql), "SELECT daudit.drop_days_before(%" PRId64 ")",
		 cutoff_ns);
	if (one_int(c, sql, &n, err, errlen) < 0)
		return -1;
	return (int)n;
}
