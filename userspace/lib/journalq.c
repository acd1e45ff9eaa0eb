// SPDX-License-Identifier: GPL-2.0
/*
 * The journal's path and backlog, for dauditd and the CLI (journalq.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "journalq.h"
#include "util.h"

char *journal_path(const char *database)
{
	size_t n = strlen(database) + sizeof(".journal");
	char *p = util_xmalloc(n);

	snprintf(p, n, "%s.journal", database);
	return p;
}

void journal_backlog_query(sqlite3 *db, int64_t mark,
			   struct journal_backlog *b)
{
	sqlite3_stmt *st;

	memset(b, 0, sizeof(*b));
	if (sqlite3_prepare_v2(db,
			"SELECT COUNT(*), IFNULL(SUM(records), 0),"
			" IFNULL(SUM(length(data)), 0), IFNULL(MAX(id), 0)"
			" FROM batches WHERE id > ?", -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_int64(st, 1, mark);
	if (sqlite3_step(st) == SQLITE_ROW) {
		b->batches = sqlite3_column_int64(st, 0);
		b->records = sqlite3_column_int64(st, 1);
		b->bytes = sqlite3_column_int64(st, 2);
		b->last_id = sqlite3_column_int64(st, 3);
	}
	sqlite3_finalize(st);
}

int journal_backlog_read(const char *database, int64_t mark,
			 struct journal_backlog *b)
{
	char *path = journal_path(database);
	sqlite3 *db = NULL;
	int rc = -1;

	memset(b, 0, sizeof(*b));
	if (access(path, F_OK) == 0 &&
	    sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
		sqlite3_busy_timeout(db, 2000);
		journal_backlog_query(db, mark, b);
		rc = 0;
	}
	sqlite3_close(db);
	free(path);
	return rc;
}
