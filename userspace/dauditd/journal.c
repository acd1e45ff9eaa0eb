// SPDX-License-Identifier: GPL-2.0
/*
 * The journal (journal.h): SQLite, WAL, synchronous=NORMAL like the
 * store (a commit survives a crash of dauditd; after a power loss the
 * last commits may be lost, and so is the kernel's ring).  64 KiB pages:
 * a batch is one row of a few MB, its blob a chain of overflow pages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "journal.h"
#include "util.h"

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS batches ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" instance_id INTEGER NOT NULL, first_ns INTEGER, last_ns INTEGER,"
	" records INTEGER NOT NULL, data BLOB NOT NULL);";

static void die(struct journal *j, const char *what)
{
	util_die(EXIT_FAIL, "journal %s: %s: %s", j->path ? j->path : "?",
		 what, j->db ? sqlite3_errmsg(j->db) : "not open");
}

static void exec(struct journal *j, const char *sql)
{
	if (sqlite3_exec(j->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		die(j, sql);
}

static sqlite3_stmt *prepare(struct journal *j, const char *sql)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v3(j->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st,
			       NULL) != SQLITE_OK)
		die(j, sql);
	return st;
}

static void run(struct journal *j, sqlite3_stmt *st)
{
	if (sqlite3_step(st) != SQLITE_DONE)
		die(j, sqlite3_sql(st));
	sqlite3_reset(st);
}

static int64_t one_int(struct journal *j, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = 0;

	if (sqlite3_prepare_v2(j->db, sql, -1, &st, NULL) != SQLITE_OK)
		die(j, sql);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

int journal_open(struct journal *j, const char *database, int checkpoints,
		 char *err, size_t errlen)
{
	int64_t app;

	memset(j, 0, sizeof(*j));
	j->path = journal_path(database);
	if (sqlite3_open_v2(j->path, &j->db, SQLITE_OPEN_READWRITE |
			    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot open journal %s: %s", j->path,
			 j->db ? sqlite3_errmsg(j->db) : "out of memory");
		journal_close(j);
		return -1;
	}
	sqlite3_busy_timeout(j->db, 10000);
	sqlite3_extended_result_codes(j->db, 1);
	app = one_int(j, "PRAGMA application_id");
	if (app && app != JOURNAL_APPLICATION_ID) {
		snprintf(err, errlen, "%s is not a daudit journal (application_id %lld); move it aside",
			 j->path, (long long)app);
		journal_close(j);
		return -1;
	}
	if (sqlite3_exec(j->db, "PRAGMA page_size = 65536;"
			 "PRAGMA journal_mode = WAL;"
			 "PRAGMA synchronous = NORMAL;"
			 /*
			  * Debian builds SQLite with SECURE_DELETE: every
			  * freed page of a deleted batch was zeroed, 450
			  * ns a record.  FAST zeroes what costs no extra
			  * write (inside b-tree pages), not the freed
			  * overflow pages; new batches overwrite them.
			  */
			 "PRAGMA secure_delete = FAST;"
			 "PRAGMA cache_size = -16384;", NULL, NULL,
			 NULL) != SQLITE_OK ||
	    sqlite3_exec(j->db, schema, NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot set up journal %s: %s", j->path,
			 sqlite3_errmsg(j->db));
		journal_close(j);
		return -1;
	}
	if (!app) {
		char sql[64];

		snprintf(sql, sizeof(sql), "PRAGMA application_id = %d",
			 JOURNAL_APPLICATION_ID);
		exec(j, sql);
	}
	/*
	 * Copying the WAL into the file (and its two fdatasyncs) is the
	 * deleting side's work, after its commit: not the intake's, which
	 * the kernel's rings wait on.
	 */
	sqlite3_wal_autocheckpoint(j->db, checkpoints ? 1000 : 0);
	j->ins = prepare(j, "INSERT INTO batches (instance_id, first_ns,"
			 " last_ns, records, data) VALUES (?,?,?,?,?)");
	j->next = prepare(j, "SELECT id, instance_id, records, data FROM"
			  " batches WHERE id > ? ORDER BY id LIMIT 1");
	j->del = prepare(j, "DELETE FROM batches WHERE id <= ?");
	return 0;
}

void journal_close(struct journal *j)
{
	sqlite3_finalize(j->ins);
	sqlite3_finalize(j->next);
	sqlite3_finalize(j->del);
	if (j->db && sqlite3_close(j->db) != SQLITE_OK)
		util_err("journal %s: close: %s", j->path,
			 sqlite3_errmsg(j->db));
	free(j->path);
	memset(j, 0, sizeof(*j));
}

int64_t journal_append(struct journal *j, uint64_t instance_id,
		       uint64_t first_ns, uint64_t last_ns, uint64_t records,
		       const void *data, size_t len)
{
	sqlite3_stmt *st = j->ins;
	int64_t id;

	exec(j, "BEGIN IMMEDIATE");
	sqlite3_bind_int64(st, 1, (sqlite3_int64)instance_id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)first_ns);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)last_ns);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)records);
	sqlite3_bind_blob64(st, 5, data, len, SQLITE_STATIC);
	run(j, st);
	sqlite3_bind_null(st, 5);
	id = sqlite3_last_insert_rowid(j->db);
	exec(j, "COMMIT");
	return id;
}

int journal_next(struct journal *j, int64_t after, struct journal_row *r)
{
	sqlite3_stmt *st = j->next;
	int rc;

	sqlite3_bind_int64(st, 1, after);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return 0;
	}
	if (rc != SQLITE_ROW)
		die(j, sqlite3_sql(st));
	r->id = sqlite3_column_int64(st, 0);
	r->instance_id = (uint64_t)sqlite3_column_int64(st, 1);
	r->records = (uint64_t)sqlite3_column_int64(st, 2);
	r->data = sqlite3_column_blob(st, 3);
	r->len = (size_t)sqlite3_column_bytes(st, 3);
	return 1;
}

void journal_row_done(struct journal *j)
{
	sqlite3_reset(j->next);
}

void journal_delete_upto(struct journal *j, int64_t id)
{
	sqlite3_bind_int64(j->del, 1, id);
	run(j, j->del);
}

void journal_ids_above(struct journal *j, int64_t mark)
{
	char sql[160];

	if (one_int(j, "SELECT IFNULL(MAX(seq), 0) FROM sqlite_sequence"
		    " WHERE name = 'batches'") >= mark)
		return;
	exec(j, "BEGIN IMMEDIATE");
	exec(j, "DELETE FROM sqlite_sequence WHERE name = 'batches'");
	snprintf(sql, sizeof(sql),
		 "INSERT INTO sqlite_sequence (name, seq) VALUES ('batches', %lld)",
		 (long long)mark);
	exec(j, sql);
	exec(j, "COMMIT");
}

int64_t journal_bytes(struct journal *j)
{
	return one_int(j, "SELECT IFNULL(SUM(length(data)), 0) FROM batches");
}
