// SPDX-License-Identifier: GPL-2.0
/*
 * SQLite for the collector: one connection, one writer, WAL so the CLI
 * reads while we write.  synchronous=NORMAL: a commit survives a crash of
 * dauditd (what ack mode protects against); after a power loss the last
 * commits may be lost, but so is the kernel ring that held the records.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <syslog.h>

#include "config.h"
#include "event.h"
#include "incident.h"
#include "rollup.h"
#include "store.h"
#include "timeparse.h"
#include "util.h"

/* Added by schema version 2; a version 1 database gets them by ALTER. */
#define EVENTS_V2_COLUMNS \
	", actor TEXT, request TEXT, client TEXT, actor_tid INTEGER," \
	" actor_requests INTEGER"
static const char *const events_v2[] = {
	"actor TEXT", "request TEXT", "client TEXT", "actor_tid INTEGER",
	"actor_requests INTEGER",
};

/*
 * Added by schema version 3: an actor's egress to the client the
 * application declared for it (its answer to that person), apart from
 * egress.  A version 2 database gets it by ALTER.
 */
#define ROLLUP_V3_COLUMN	"delivered INTEGER NOT NULL DEFAULT 0"
#define ROLLUP_V3_COLUMNS	" " ROLLUP_V3_COLUMN ","

/*
 * Added by schema version 4: the module instance a finding was made
 * under, for ids unique across hosts (incident.h); the triage tables are
 * INCIDENT_SCHEMA, created if missing like every table.
 */
#define FINDINGS_V4_COLUMN	"instance_id INTEGER"

/*
 * Added by schema version 5: the command line of the process (rec_cmdline()
 * of its PROCESS record) beside its executable, in the process table, each
 * event and each finding's evidence.
 */
#define CMDLINE_V5_COLUMN	"cmdline TEXT"

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS meta ("
	" key TEXT PRIMARY KEY, value) WITHOUT ROWID;"
	/* Next sequence number expected per (module instance, CPU). */
	"CREATE TABLE IF NOT EXISTS hwm ("
	" instance_id INTEGER NOT NULL, cpu INTEGER NOT NULL,"
	" next_seq INTEGER NOT NULL, last_ns INTEGER NOT NULL,"
	" PRIMARY KEY (instance_id, cpu)) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS gaps ("
	" id INTEGER PRIMARY KEY, instance_id INTEGER NOT NULL,"
	" cpu INTEGER NOT NULL, kind TEXT NOT NULL,"
	" first_seq INTEGER NOT NULL, last_seq INTEGER NOT NULL,"
	" count INTEGER NOT NULL, from_ns INTEGER NOT NULL,"
	" to_ns INTEGER NOT NULL, by_type TEXT);"
	"CREATE INDEX IF NOT EXISTS gaps_time ON gaps (to_ns);"
	"CREATE TABLE IF NOT EXISTS names ("
	" uid INTEGER PRIMARY KEY, name TEXT NOT NULL, seen_ns INTEGER);"
	"CREATE TABLE IF NOT EXISTS procs ("
	" tgid INTEGER NOT NULL, start_ns INTEGER NOT NULL, exe TEXT,"
	" comm TEXT, uid INTEGER, auid INTEGER, seen_ns INTEGER,"
	" " CMDLINE_V5_COLUMN ","
	" PRIMARY KEY (tgid, start_ns)) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS events ("
	" id INTEGER PRIMARY KEY, time_ns INTEGER NOT NULL,"
	" type INTEGER NOT NULL, instance_id INTEGER NOT NULL,"
	" cpu INTEGER NOT NULL, seq INTEGER NOT NULL,"
	" user_uid INTEGER, login INTEGER, uid INTEGER, euid INTEGER,"
	" auid INTEGER, sessionid INTEGER, tgid INTEGER, ppid INTEGER,"
	" start_ns INTEGER, comm TEXT, exe TEXT, dataset TEXT, path TEXT,"
	" session_id INTEGER, part INTEGER, final INTEGER, reason INTEGER,"
	" paths INTEGER, bytes INTEGER, calls INTEGER, mmap_bytes INTEGER,"
	" first_ns INTEGER, last_ns INTEGER, kind INTEGER, flags INTEGER,"
	" dest TEXT, dev INTEGER, ino INTEGER, off_min INTEGER,"
	" off_max INTEGER, extra TEXT" EVENTS_V2_COLUMNS ","
	" " CMDLINE_V5_COLUMN ");"
	/*
	 * Declared actors (schema 2): one row per actor id and account it
	 * came through; events, rollups and findings of an actor have
	 * login = DB_LOGIN_ACTOR and user_uid = its id.
	 */
	"CREATE TABLE IF NOT EXISTS actors ("
	" id INTEGER PRIMARY KEY, actor TEXT NOT NULL,"
	" account_uid INTEGER NOT NULL, account_login INTEGER NOT NULL,"
	" app_exe TEXT, app_dev INTEGER, app_ino INTEGER,"
	" first_ns INTEGER, UNIQUE (actor, account_uid, account_login));"
	"CREATE INDEX IF NOT EXISTS events_time ON events (time_ns);"
	/*
	 * No index by user: it costs a scattered page write per record.
	 * Rules find their evidence through the rollups' first_event.
	 */
	/* period: 3600 or 86400; bucket: local hour or day start, seconds. */
	"CREATE TABLE IF NOT EXISTS rollup ("
	" period INTEGER NOT NULL, bucket INTEGER NOT NULL,"
	" user_uid INTEGER NOT NULL, login INTEGER NOT NULL,"
	" dataset TEXT NOT NULL,"
	" bytes INTEGER NOT NULL DEFAULT 0, mmap_bytes INTEGER NOT NULL DEFAULT 0,"
	" calls INTEGER NOT NULL DEFAULT 0, records INTEGER NOT NULL DEFAULT 0,"
	" sessions INTEGER NOT NULL DEFAULT 0, files INTEGER NOT NULL DEFAULT 0,"
	" exes INTEGER NOT NULL DEFAULT 0,"
	" egress_net INTEGER NOT NULL DEFAULT 0,"
	" egress_loopback INTEGER NOT NULL DEFAULT 0,"
	" egress_unix INTEGER NOT NULL DEFAULT 0,"
	" egress_file INTEGER NOT NULL DEFAULT 0," ROLLUP_V3_COLUMNS
	" PRIMARY KEY (period, bucket, user_uid, login, dataset)) WITHOUT ROWID;"
	"CREATE INDEX IF NOT EXISTS rollup_user ON rollup (user_uid, login, period, bucket);"
	/* Distinct members; first_event: events.id of its first read. */
	"CREATE TABLE IF NOT EXISTS rollup_file ("
	" period INTEGER NOT NULL, bucket INTEGER NOT NULL,"
	" user_uid INTEGER NOT NULL, login INTEGER NOT NULL,"
	" dataset TEXT NOT NULL, path TEXT NOT NULL,"
	" bytes INTEGER NOT NULL DEFAULT 0, records INTEGER NOT NULL DEFAULT 0,"
	" first_event INTEGER,"
	" PRIMARY KEY (period, bucket, user_uid, login, dataset, path)) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS rollup_exe ("
	" period INTEGER NOT NULL, bucket INTEGER NOT NULL,"
	" user_uid INTEGER NOT NULL, login INTEGER NOT NULL,"
	" dataset TEXT NOT NULL, exe TEXT NOT NULL,"
	" bytes INTEGER NOT NULL DEFAULT 0, records INTEGER NOT NULL DEFAULT 0,"
	" first_event INTEGER,"
	" PRIMARY KEY (period, bucket, user_uid, login, dataset, exe)) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS findings ("
	" id INTEGER PRIMARY KEY, rule TEXT NOT NULL, key TEXT NOT NULL UNIQUE,"
	" user_uid INTEGER, login INTEGER, dataset TEXT,"
	" first_ns INTEGER NOT NULL, last_ns INTEGER NOT NULL,"
	" score INTEGER NOT NULL, bytes INTEGER NOT NULL DEFAULT 0,"
	" count INTEGER NOT NULL DEFAULT 0, reason TEXT NOT NULL,"
	" " FINDINGS_V4_COLUMN ");"
	"CREATE INDEX IF NOT EXISTS findings_time ON findings (last_ns);"
	/* Copies, so a finding stays explained after raw retention. */
	"CREATE TABLE IF NOT EXISTS evidence ("
	" finding_id INTEGER NOT NULL, event_id INTEGER NOT NULL,"
	" time_ns INTEGER, type INTEGER, uid INTEGER, auid INTEGER,"
	" sessionid INTEGER, tgid INTEGER, exe TEXT, comm TEXT, dataset TEXT,"
	" path TEXT, dest TEXT, bytes INTEGER, " CMDLINE_V5_COLUMN ","
	" PRIMARY KEY (finding_id, event_id)) WITHOUT ROWID;"
	INCIDENT_SCHEMA;

void store_die(struct store *s, const char *what)
{
	util_die(EXIT_FAIL, "database %s: %s: %s", s->path ? s->path : "?",
		 what, s->db ? sqlite3_errmsg(s->db) : "not open");
}

sqlite3_stmt *store_prepare(struct store *s, const char *sql)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st,
			       NULL) != SQLITE_OK)
		store_die(s, sql);
	return st;
}

int store_step(struct store *s, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc != SQLITE_DONE)
		store_die(s, sqlite3_sql(st));
	return 0;
}

void store_run(struct store *s, sqlite3_stmt *st)
{
	store_step(s, st);
	sqlite3_reset(st);
}

void store_exec(struct store *s, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK)
		util_die(EXIT_FAIL, "database %s: %s: %s", s->path, sql,
			 msg ? msg : sqlite3_errmsg(s->db));
}

/*
 * 2 to 3: the rollups of a version 2 database counted an actor's answers
 * to its own client as egress.  For the events still kept that the
 * rollups count (up to the rollup mark; rollup.c replays the rest with
 * the new rule), move their bytes from the egress column of their kind
 * to delivered, in their hour and their day.  Older answers, whose raw
 * events retention deleted, stay counted as egress.  Returns how many.
 */
static int64_t reclassify_deliveries(struct store *s)
{
	static const char *const cols[] = {
		"egress_net", "egress_loopback", "egress_unix", "egress_file",
	};
	sqlite3_stmt *upd[4], *st;
	int64_t mark = store_meta_get_int(s, ROLLUP_MARK, -1), last = 0, n = 0;
	struct tp_cache tc;
	char sql[400];
	size_t i;

	st = store_prepare(s, "SELECT IFNULL(MAX(id), 0) FROM events");
	if (store_step(s, st))
		last = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	/* No mark, or one above the last event: the rollups count them all. */
	if (mark < 0 || mark > last)
		mark = last;
	for (i = 0; i < 4; i++) {
		snprintf(sql, sizeof(sql),
			 "UPDATE rollup SET %s = MAX(%s - ?6, 0), delivered ="
			 " delivered + MIN(%s, ?6) WHERE period = ?1 AND bucket = ?2"
			 " AND user_uid = ?3 AND login = ?4 AND dataset = ?5",
			 cols[i], cols[i], cols[i]);
		upd[i] = store_prepare(s, sql);
	}
	tp_cache_init(&tc);
	st = store_prepare(s,
		"SELECT time_ns, user_uid, login, dataset, IFNULL(kind, 0),"
		" IFNULL(flags, 0), IFNULL(bytes, 0), dest, client FROM events"
		" WHERE type = ?2 AND login = " DB_LOGIN_ACTOR_SQL
		" AND client IS NOT NULL AND dataset IS NOT NULL AND"
		" comm IS NOT NULL AND id <= ?1");
	sqlite3_bind_int64(st, 1, mark);
	sqlite3_bind_int(st, 2, DAUDIT_REC_EGRESS);
	while (store_step(s, st)) {
		unsigned int kind = (unsigned int)sqlite3_column_int(st, 4);
		uint32_t flags = (uint32_t)sqlite3_column_int64(st, 5);
		int64_t b = sqlite3_column_int64(st, 6), bucket[2];
		sqlite3_stmt *u;
		int p;

		if (!actor_delivery((const char *)sqlite3_column_text(st, 7),
				    (const char *)sqlite3_column_text(st, 8)) || !b)
			continue;
		u = upd[kind == DAUDIT_EGRESS_NET ?
			(flags & DAUDIT_EGRESS_F_LOOPBACK ? 1 : 0) :
			kind == DAUDIT_EGRESS_UNIX ? 2 : 3];
		tp_bucket(&tc, sqlite3_column_int64(st, 0) / NSEC_PER_SEC,
			  &bucket[0], &bucket[1]);
		for (p = 0; p < 2; p++) {
			sqlite3_bind_int(u, 1, p ? ROLLUP_DAY : ROLLUP_HOUR);
			sqlite3_bind_int64(u, 2, bucket[p]);
			sqlite3_bind_int64(u, 3, sqlite3_column_int64(st, 1));
			sqlite3_bind_int(u, 4, sqlite3_column_int(st, 2));
			sqlite3_bind_value(u, 5, sqlite3_column_value(st, 3));
			sqlite3_bind_int64(u, 6, b);
			store_run(s, u);
		}
		n++;
	}
	sqlite3_finalize(st);
	for (i = 0; i < 4; i++)
		sqlite3_finalize(upd[i]);
	return n;
}

/*
 * Upgrade an older schema in one transaction: 1 to 2 adds the events
 * columns of actors (the actors table itself is in the schema, created
 * if missing); 2 to 3 adds rollup.delivered and moves the answers to
 * actors' clients that the kept events show into it; 3 to 4 adds
 * findings.instance_id, the older findings given the instance read last
 * (the triage tables come with the schema); 4 to 5 adds the cmdline
 * columns of procs, events and evidence.  Columns only: no table is
 * rewritten; the move reads the kept egress of actors once.
 */
static void migrate(struct store *s, int64_t from)
{
	char sql[128];
	int64_t moved = 0;
	size_t i;

	store_exec(s, "BEGIN IMMEDIATE");
	if (from < 2)
		for (i = 0; i < sizeof(events_v2) / sizeof(events_v2[0]); i++) {
			snprintf(sql, sizeof(sql), "ALTER TABLE events ADD COLUMN %s",
				 events_v2[i]);
			store_exec(s, sql);
		}
	if (from < 3) {
		store_exec(s, "ALTER TABLE rollup ADD COLUMN " ROLLUP_V3_COLUMN);
		moved = reclassify_deliveries(s);
	}
	if (from < 4) {
		store_exec(s, "ALTER TABLE findings ADD COLUMN " FINDINGS_V4_COLUMN);
		store_exec(s, "UPDATE findings SET instance_id = (SELECT instance_id"
			   " FROM hwm ORDER BY last_ns DESC LIMIT 1)");
	}
	if (from < 5) {
		store_exec(s, "ALTER TABLE procs ADD COLUMN " CMDLINE_V5_COLUMN);
		store_exec(s, "ALTER TABLE events ADD COLUMN " CMDLINE_V5_COLUMN);
		store_exec(s, "ALTER TABLE evidence ADD COLUMN " CMDLINE_V5_COLUMN);
	}
	store_meta_int(s, "schema_version", DB_SCHEMA_VERSION);
	store_exec(s, "COMMIT");
	util_log(LOG_NOTICE, "database %s: schema upgraded from version %" PRId64 " to %d%s",
		 s->path, from, DB_SCHEMA_VERSION,
		 moved ? " (answers to actors' own clients moved from egress to delivered)" : "");
}

static int check_version(struct store *s, char *err, size_t errlen)
{
	int64_t v = store_meta_get_int(s, "schema_version", 0);

	if (v == 0) {
		store_meta_int(s, "schema_version", DB_SCHEMA_VERSION);
		return 0;
	}
	if (v >= DB_SCHEMA_OLDEST && v < DB_SCHEMA_VERSION) {
		migrate(s, v);
		return 0;
	}
	if (v != DB_SCHEMA_VERSION) {
		snprintf(err, errlen,
			 "%s has schema version %" PRId64 ", this dauditd uses %d; move it aside or use a matching dauditd",
			 s->path, v, DB_SCHEMA_VERSION);
		return -1;
	}
	return 0;
}

static void prepare_all(struct store *s)
{
	s->ins_event = store_prepare(s,
		"INSERT INTO events (time_ns, type, instance_id, cpu, seq,"
		" user_uid, login, uid, euid, auid, sessionid, tgid, ppid,"
		" start_ns, comm, exe, dataset, path, session_id, part, final,"
		" reason, paths, bytes, calls, mmap_bytes, first_ns, last_ns,"
		" kind, flags, dest, dev, ino, extra, off_min, off_max, actor,"
		" request, client, actor_tid, actor_requests, cmdline)"
		" VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
		"?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	s->get_actor = store_prepare(s,
		"SELECT id FROM actors WHERE actor = ? AND account_uid = ? AND"
		" account_login = ?");
	s->ins_actor = store_prepare(s,
		"INSERT INTO actors (actor, account_uid, account_login, app_exe,"
		" app_dev, app_ino, first_ns) VALUES (?,?,?,?,?,?,?)");
	s->upd_actor = store_prepare(s,
		"UPDATE actors SET app_exe = ?2, app_dev = ?3, app_ino = ?4"
		" WHERE id = ?1");
	s->put_proc = store_prepare(s,
		"INSERT INTO procs (tgid, start_ns, exe, comm, uid, auid, seen_ns,"
		" cmdline) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (tgid, start_ns)"
		" DO UPDATE SET exe = excluded.exe, comm = excluded.comm,"
		" seen_ns = excluded.seen_ns, cmdline = excluded.cmdline");
	s->get_proc = store_prepare(s,
		"SELECT exe, cmdline FROM procs WHERE tgid = ? AND start_ns = ?");
	s->get_hwm = store_prepare(s,
		"SELECT next_seq, last_ns FROM hwm WHERE instance_id = ? AND cpu = ?");
	s->put_hwm = store_prepare(s,
		"INSERT OR REPLACE INTO hwm (instance_id, cpu, next_seq, last_ns)"
		" VALUES (?,?,?,?)");
	s->ins_gap = store_prepare(s,
		"INSERT INTO gaps (instance_id, cpu, kind, first_seq, last_seq,"
		" count, from_ns, to_ns, by_type) VALUES (?,?,?,?,?,?,?,?,?)");
	s->put_name = store_prepare(s,
		"INSERT OR REPLACE INTO names (uid, name, seen_ns) VALUES (?,?,?)");
}

int store_open(struct store *s, const char *path, char *err, size_t errlen)
{
	int rc;

	memset(s, 0, sizeof(*s));
	/*
	 * Judged read-only first: a damaged database, another program's or
	 * one of an unknown schema version is refused before anything below
	 * (WAL, page size, the schema) could change it.
	 */
	if (qdb_check(path, 1, err, errlen) < 0)
		return -1;
	s->path = util_xstrdup(path);
	rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE |
			     SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "cannot open database %s: %s", path,
			 s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
		store_close(s);
		return -1;
	}
	sqlite3_busy_timeout(s->db, 5000);
	sqlite3_extended_result_codes(s->db, 1);
	/* Only takes effect on a new file: lets retention shrink it. */
	if (sqlite3_exec(s->db, "PRAGMA page_size = 8192;"
			 "PRAGMA auto_vacuum = INCREMENTAL;"
			 "PRAGMA journal_mode = WAL;"
			 /* Ours from the start; set on older ones too. */
			 "PRAGMA application_id = " DB_APPLICATION_ID_SQL ";"
			 "PRAGMA synchronous = NORMAL;"
			 "PRAGMA temp_store = MEMORY;"
			 /* Hot pages are copied to the file once per 40 MB. */
			 "PRAGMA wal_autocheckpoint = 10000;"
			 "PRAGMA cache_size = -65536;"
			 "PRAGMA foreign_keys = OFF;", NULL, NULL,
			 NULL) != SQLITE_OK ||
	    sqlite3_exec(s->db, schema, NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot set up database %s: %s", path,
			 sqlite3_errmsg(s->db));
		store_close(s);
		return -1;
	}
	s->put_meta = store_prepare(s,
		"INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)");
	s->get_meta = store_prepare(s, "SELECT value FROM meta WHERE key = ?");
	if (check_version(s, err, errlen) < 0) {
		store_close(s);
		return -1;
	}
	if (store_meta_get_int(s, "created_ns", 0) == 0)
		store_meta_int(s, "created_ns", (int64_t)time(NULL) * NSEC_PER_SEC);
	prepare_all(s);
	return 0;
}

void store_close(struct store *s)
{
	sqlite3_stmt *st[] = { s->ins_event, s->put_proc, s->get_proc,
			       s->get_hwm, s->put_hwm, s->ins_gap, s->put_meta,
			       s->get_meta, s->put_name, s->get_actor,
			       s->ins_actor, s->upd_actor };
	size_t i;

	for (i = 0; i < sizeof(st) / sizeof(st[0]); i++)
		sqlite3_finalize(st[i]);
	if (s->db) {
		/* Other modules' statements must be finalized before this. */
		if (sqlite3_close(s->db) != SQLITE_OK)
			util_err("database %s: close: %s", s->path,
				 sqlite3_errmsg(s->db));
	}
	free(s->path);
	memset(s, 0, sizeof(*s));
}

void store_begin(struct store *s)
{
	if (s->in_txn)
		return;
	store_exec(s, "BEGIN IMMEDIATE");
	s->in_txn = 1;
}

void store_commit(struct store *s)
{
	if (!s->in_txn)
		return;
	if (s->mirror)
		s->mirror->commit(s->mirror->arg);
	store_exec(s, "COMMIT");
	s->in_txn = 0;
}

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static void bind_u64(sqlite3_stmt *st, int i, uint64_t v)
{
	sqlite3_bind_int64(st, i, (sqlite3_int64)v);
}

static void bind_id(sqlite3_stmt *st, int i, uint32_t v)
{
	if (v == DAUDIT_UID_UNSET)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_int64(st, i, v);
}

/*
 * Every column is bound for every event, NULL where the type has no
 * value: cheaper than sqlite3_clear_bindings() on all 36 after each row.
 */
static void bind_nulls(sqlite3_stmt *st, int from, int to)
{
	int i;

	for (i = from; i <= to; i++)
		sqlite3_bind_null(st, i);
}

int64_t store_event(struct store *s, struct event *e)
{
	const struct daudit_subject *j = e->subj;
	sqlite3_stmt *st = s->ins_event;
	char comm[DAUDIT_COMM_LEN + 1];

	bind_u64(st, 1, e->time_ns);
	sqlite3_bind_int(st, 2, (int)e->type);
	bind_u64(st, 3, e->instance_id);
	sqlite3_bind_int(st, 4, (int)e->cpu);
	bind_u64(st, 5, e->seq);
	if (j) {
		memcpy(comm, j->comm, DAUDIT_COMM_LEN);
		comm[DAUDIT_COMM_LEN] = '\0';
		sqlite3_bind_int64(st, 6, e->user);
		sqlite3_bind_int(st, 7, e->login);
		sqlite3_bind_int64(st, 8, j->uid);
		sqlite3_bind_int64(st, 9, j->euid);
		bind_id(st, 10, j->auid);
		bind_id(st, 11, j->sessionid);
		sqlite3_bind_int64(st, 12, j->tgid);
		sqlite3_bind_int64(st, 13, j->ppid);
		bind_u64(st, 14, j->start_ns);
		/* comm outlives the step: no copy. */
		sqlite3_bind_text(st, 15, comm, -1, SQLITE_STATIC);
	} else {
		bind_nulls(st, 6, 15);
	}
	bind_text(st, 16, e->exe);
	bind_text(st, 17, e->dataset);
	bind_text(st, 18, e->path);
	if (event_is_read(e) || e->type == DAUDIT_REC_EGRESS) {
		bind_u64(st, 19, e->session_id);
		sqlite3_bind_int64(st, 20, e->part);
		sqlite3_bind_int(st, 21, e->final);
		sqlite3_bind_int(st, 22, e->reason);
		sqlite3_bind_int64(st, 23, e->paths);
		bind_u64(st, 24, e->bytes);
		bind_u64(st, 25, e->calls);
		bind_u64(st, 26, e->mmap_bytes);
		bind_u64(st, 27, e->first_ns);
		bind_u64(st, 28, e->last_ns);
	} else if (e->type == DAUDIT_REC_LOST) {
		bind_nulls(st, 19, 23);
		bind_u64(st, 24, 0);
		bind_u64(st, 25, e->calls);	/* records lost */
		bind_nulls(st, 26, 28);
	} else {
		bind_nulls(st, 19, 28);
	}
	sqlite3_bind_int(st, 29, (int)e->kind);
	sqlite3_bind_int64(st, 30, e->flags);
	bind_text(st, 31, e->dest);
	if (e->dev || e->ino) {
		bind_u64(st, 32, e->dev);
		bind_u64(st, 33, e->ino);
	} else {
		bind_nulls(st, 32, 33);
	}
	bind_text(st, 34, e->extra);
	if (e->type == DAUDIT_REC_FILE_READ &&
	    e->off_min != DAUDIT_OFFSET_UNKNOWN) {
		bind_u64(st, 35, e->off_min);
		bind_u64(st, 36, e->off_max);
	} else {
		bind_nulls(st, 35, 36);
	}
	if (e->actor_rec) {
		bind_text(st, 37, e->actor);
		bind_text(st, 38, e->request);
		bind_text(st, 39, e->client);
		sqlite3_bind_int64(st, 40, e->actor_rec->tid);
		sqlite3_bind_int64(st, 41, e->actor_rec->requests);
	} else {
		bind_nulls(st, 37, 41);
	}
	bind_text(st, 42, e->cmdline);
	store_run(s, st);
	e->id = sqlite3_last_insert_rowid(s->db);
	s->last_event_id = e->id;
	if (s->mirror)
		s->mirror->event(s->mirror->arg, e);
	return e->id;
}

int64_t store_actor(struct store *s, const struct event *e, int64_t known)
{
	const struct daudit_rec_actor *a = e->actor_rec;
	sqlite3_stmt *st;
	int64_t id = known;

	if (!id) {
		st = s->get_actor;
		sqlite3_bind_text(st, 1, e->actor, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, e->acct_user);
		sqlite3_bind_int(st, 3, e->acct_login);
		if (store_step(s, st))
			id = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
	}
	if (!id) {
		st = s->ins_actor;
		sqlite3_bind_text(st, 1, e->actor, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, e->acct_user);
		sqlite3_bind_int(st, 3, e->acct_login);
		bind_text(st, 4, e->exe);
		bind_u64(st, 5, a->app_dev);
		bind_u64(st, 6, a->app_ino);
		bind_u64(st, 7, e->time_ns);
		store_run(s, st);
		return sqlite3_last_insert_rowid(s->db);
	}
	st = s->upd_actor;
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, e->exe);
	bind_u64(st, 3, a->app_dev);
	bind_u64(st, 4, a->app_ino);
	store_run(s, st);
	return id;
}

void store_proc(struct store *s, const struct daudit_subject *subj,
		const char *exe, const char *cmdline, uint64_t ns)
{
	sqlite3_stmt *st = s->put_proc;
	char comm[DAUDIT_COMM_LEN + 1];

	memcpy(comm, subj->comm, DAUDIT_COMM_LEN);
	comm[DAUDIT_COMM_LEN] = '\0';
	sqlite3_bind_int64(st, 1, subj->tgid);
	bind_u64(st, 2, subj->start_ns);
	bind_text(st, 3, exe);
	sqlite3_bind_text(st, 4, comm, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 5, subj->uid);
	bind_id(st, 6, subj->auid);
	bind_u64(st, 7, ns);
	bind_text(st, 8, cmdline);
	store_run(s, st);
}

char *store_proc_exe(struct store *s, uint32_t tgid, uint64_t start_ns,
		     char **cmdline)
{
	sqlite3_stmt *st = s->get_proc;
	char *exe = NULL;

	*cmdline = NULL;
	sqlite3_bind_int64(st, 1, tgid);
	bind_u64(st, 2, start_ns);
	if (store_step(s, st)) {
		if (sqlite3_column_type(st, 0) == SQLITE_TEXT)
			exe = util_xstrdup((const char *)sqlite3_column_text(st, 0));
		if (sqlite3_column_type(st, 1) == SQLITE_TEXT)
			*cmdline = util_xstrdup((const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_reset(st);
	return exe;
}

int store_hwm_get(struct store *s, uint64_t instance, unsigned int cpu,
		  uint64_t *next_seq, uint64_t *last_ns)
{
	sqlite3_stmt *st = s->get_hwm;
	int found;

	bind_u64(st, 1, instance);
	sqlite3_bind_int(st, 2, (int)cpu);
	found = store_step(s, st);
	if (found) {
		*next_seq = (uint64_t)sqlite3_column_int64(st, 0);
		*last_ns = (uint64_t)sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return found;
}

void store_hwm_put(struct store *s, uint64_t instance, unsigned int cpu,
		   uint64_t next_seq, uint64_t last_ns)
{
	sqlite3_stmt *st = s->put_hwm;

	bind_u64(st, 1, instance);
	sqlite3_bind_int(st, 2, (int)cpu);
	bind_u64(st, 3, next_seq);
	bind_u64(st, 4, last_ns);
	store_run(s, st);
}

void store_gap(struct store *s, uint64_t instance, unsigned int cpu,
	       const char *kind, uint64_t first_seq, uint64_t last_seq,
	       uint64_t count, uint64_t from_ns, uint64_t to_ns,
	       const char *by_type)
{
	sqlite3_stmt *st = s->ins_gap;

	bind_u64(st, 1, instance);
	sqlite3_bind_int(st, 2, (int)cpu);
	bind_text(st, 3, kind);
	bind_u64(st, 4, first_seq);
	bind_u64(st, 5, last_seq);
	bind_u64(st, 6, count);
	bind_u64(st, 7, from_ns);
	bind_u64(st, 8, to_ns);
	bind_text(st, 9, by_type);
	store_run(s, st);
}

void store_meta(struct store *s, const char *key, const char *value)
{
	sqlite3_stmt *st = s->put_meta;

	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	bind_text(st, 2, value);
	store_run(s, st);
}

void store_meta_int(struct store *s, const char *key, int64_t value)
{
	sqlite3_stmt *st = s->put_meta;

	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, value);
	store_run(s, st);
}

int64_t store_meta_get_int(struct store *s, const char *key, int64_t dflt)
{
	sqlite3_stmt *st = s->get_meta;
	int64_t v = dflt;

	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (store_step(s, st) && sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return v;
}

void store_name(struct store *s, uint32_t uid, const char *name, uint64_t ns)
{
	sqlite3_stmt *st = s->put_name;

	sqlite3_bind_int64(st, 1, uid);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	bind_u64(st, 3, ns);
	store_run(s, st);
}

int64_t store_db_bytes(struct store *s)
{
	sqlite3_stmt *st = store_prepare(s,
		"SELECT page_count * page_size FROM pragma_page_count(),"
		" pragma_page_size()");
	int64_t n = 0;

	if (store_step(s, st))
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* Run a DELETE in chunks, each its own transaction; rows deleted. */
static int64_t delete_chunked(struct store *s, const char *sql, int64_t arg)
{
	sqlite3_stmt *st = store_prepare(s, sql);
	int64_t total = 0;
	int n;

	do {
		store_begin(s);
		sqlite3_bind_int64(st, 1, arg);
		store_run(s, st);
		n = sqlite3_changes(s->db);
		store_commit(s);
		total += n;
	} while (n >= 20000);
	sqlite3_finalize(st);
	return total;
}

/* One DELETE in its own transaction; rows deleted. */
static int64_t delete_rows(struct store *s, const char *sql, int64_t arg)
{
	sqlite3_stmt *st = store_prepare(s, sql);
	int64_t n;

	store_begin(s);
	sqlite3_bind_int64(st, 1, arg);
	store_run(s, st);
	n = sqlite3_changes(s->db);
	store_commit(s);
	sqlite3_finalize(st);
	return n;
}

int64_t store_one_int(struct store *s, const char *sql)
{
	sqlite3_stmt *st = store_prepare(s, sql);
	int64_t v = 0;

	if (store_step(s, st))
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

int64_t store_reload_last_event_id(struct store *s)
{
	s->last_event_id = store_one_int(s, "SELECT IFNULL(MAX(id), 0) FROM events");
	return s->last_event_id;
}

/* Pages in use (not on the free list), in bytes. */
static int64_t used_bytes(struct store *s)
{
	return store_one_int(s, "SELECT (p.page_count - f.freelist_count) * s.page_size"
			  " FROM pragma_page_count() p, pragma_freelist_count() f,"
			  " pragma_page_size() s");
}

/* Delete the oldest events until the file fits @cap bytes. */
static int64_t trim_to_size(struct store *s, int64_t cap)
{
	sqlite3_stmt *del = store_prepare(s,
		"DELETE FROM events WHERE id < ?");
	int64_t total = 0, used;
	int round;

	for (round = 0; round < 64; round++) {
		int64_t lo, hi, n;

		used = used_bytes(s);
		if (used <= cap)
			break;
		lo = store_one_int(s, "SELECT MIN(id) FROM events");
		hi = store_one_int(s, "SELECT MAX(id) FROM events");
		if (!lo) {
			if (!s->size_warned)
				util_err("database %s: rollups and findings alone take %" PRId64 " bytes, above retention_mb; lower rollup_retention_days",
					 s->path, used);
			s->size_warned = 1;
			break;
		}
		/*
		 * Events are most of the file: delete the share of them
		 * that is over the cap, plus a little, and look again.
		 */
		n = (int64_t)((double)(hi - lo + 1) *
			      ((double)(used - cap) / (double)used) * 1.05) + 1;
		store_keep_high_evidence(s, 0, lo + n);
		store_begin(s);
		sqlite3_bind_int64(del, 1, lo + n);
		store_run(s, del);
		total += sqlite3_changes(s->db);
		store_commit(s);
	}
	sqlite3_finalize(del);
	return total;
}

void store_retention(struct store *s, int64_t now, const struct config *c,
		     struct retention_stats *st)
{
	int64_t raw_cut = (now - (int64_t)c->retention_days * 86400) *
			  NSEC_PER_SEC;
	int64_t roll_cut = now - (int64_t)c->rollup_retention_days * 86400;
	int64_t roll_cut_ns = roll_cut * NSEC_PER_SEC;
	int64_t n;

	memset(st, 0, sizeof(*st));
	st->evidence_kept = store_keep_high_evidence(s, raw_cut, 0);
	st->events_by_age = delete_chunked(s,
		"DELETE FROM events WHERE id IN (SELECT id FROM events"
		" WHERE time_ns < ?1 LIMIT 20000)", raw_cut);
	st->other_rows += delete_rows(s,
		"DELETE FROM procs WHERE seen_ns < ?1", raw_cut);
	/* The primary keys start (period, bucket): these are range deletes. */
	st->rollup_rows = delete_rows(s,
		"DELETE FROM rollup WHERE period IN (3600, 86400) AND bucket < ?1",
		roll_cut);
	st->rollup_rows += delete_rows(s,
		"DELETE FROM rollup_file WHERE period IN (3600, 86400)"
		" AND bucket < ?1", roll_cut);
	st->rollup_rows += delete_rows(s,
		"DELETE FROM rollup_exe WHERE period IN (3600, 86400)"
		" AND bucket < ?1", roll_cut);
	n = delete_chunked(s,
		"DELETE FROM findings WHERE id IN (SELECT id FROM findings"
		" WHERE last_ns < ?1 LIMIT 20000)", roll_cut_ns);
	if (n) {
		n += delete_rows(s, "DELETE FROM evidence WHERE finding_id NOT IN"
				 " (SELECT id FROM findings) AND ?1 = ?1", 0);
		n += delete_rows(s, INCIDENT_RETENTION_TRIAGE_SQL, 0);
		n += delete_rows(s, INCIDENT_RETENTION_NOTES_SQL, 0);
	}
	st->other_rows += n;
	st->other_rows += delete_chunked(s,
		"DELETE FROM gaps WHERE id IN (SELECT id FROM gaps"
		" WHERE to_ns < ?1 LIMIT 20000)", roll_cut_ns);
	st->events_by_size = trim_to_size(s,
		(int64_t)c->retention_mb * 1024 * 1024);
	if (st->events_by_age || st->events_by_size || st->rollup_rows ||
	    st->other_rows) {
		/* Give the freed pages back, then keep the WAL small. */
		store_exec(s, "PRAGMA incremental_vacuum");
		sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE,
					  NULL, NULL);
	}
	st->db_bytes = store_db_bytes(s);
}
