// SPDX-License-Identifier: GPL-2.0
/*
 * The collector's database for the CLI (query.h): which one, whether it
 * is ours and whole, opening it read-only, names of users and actors,
 * and the options every query verb shares.  Per-person totals are in
 * query_users.c.
 */
#include <errno.h>
#include <grp.h>
#include <ini.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ecs.h"
#include "format.h"
#include "query.h"
#include "table.h"
#include "timeparse.h"
#include "util.h"

/* ------------------------------------------------------------------ */
/* Which database                                                      */
/* ------------------------------------------------------------------ */

static int db_key(void *user, const char *section, const char *name,
		  const char *value)
{
	char **out = user;

	if (!strcmp(section, "collector") && !strcmp(name, "database") &&
	    value[0] == '/') {
		free(*out);
		*out = util_xstrdup(value);
	}
	return 1;
}

char *qdb_path(const char *override)
{
	const char *env = getenv("DAUDIT_DATABASE");
	const char *conf = getenv("DAUDIT_CONFIG");
	char *found = NULL;
	struct stat st;
	FILE *f;
	int err;

	if (override && *override)
		return util_xstrdup(override);
	if (env && *env)
		return util_xstrdup(env);
	if (!conf || !*conf)
		conf = DB_CONFIG_PATH;
	/*
	 * Only the one key; dauditd --check-config judges the rest.  A
	 * missing file means the default database; one that cannot be read
	 * (a directory, no permission) is an error, not the default.
	 */
	f = fopen(conf, "re");
	if (!f) {
		if (errno != ENOENT)
			util_die(EXIT_FAIL, "%s: cannot read: %s (DAUDIT_CONFIG or --database picks another)",
				 conf, strerror(errno));
		return util_xstrdup(DB_DEFAULT_PATH);
	}
	err = 0;
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode))
		err = EISDIR;
	else if (ini_parse_file(f, db_key, &found) >= 0 && ferror(f))
		err = errno ? errno : EIO;
	fclose(f);
	if (err) {
		free(found);
		util_die(EXIT_FAIL, "%s: cannot read: %s (DAUDIT_CONFIG or --database picks another)",
			 conf, strerror(err));
	}
	return found ? found : util_xstrdup(DB_DEFAULT_PATH);
}

struct store_keys {
	char **store, **passfile;
};

static int store_key(void *user, const char *section, const char *name,
		     const char *value)
{
	struct store_keys *k = user;
	char **dst = NULL;

	if (strcmp(section, "collector") || !*value)
		return 1;
	if (!strcmp(name, "store"))
		dst = k->store;
	else if (!strcmp(name, "store_password_file"))
		dst = k->passfile;
	if (dst && !*dst)
		*dst = util_xstrdup(value);
	return 1;
}

void qdb_store_config(char **store, char **passfile)
{
	const char *conf = getenv("DAUDIT_CONFIG");
	struct store_keys k = { store, passfile };

	ini_parse(conf && *conf ? conf : DB_CONFIG_PATH, store_key, &k);
}

/* ------------------------------------------------------------------ */
/* Whose database, and is it whole                                     */
/* ------------------------------------------------------------------ */

/*
 * The tables userspace/dauditd/store.c creates.  A database without our
 * application_id whose tables are these (meta among them) is one that a
 * dauditd made before it set the id.
 */
static const char *const db_tables[] = {
	"meta", "hwm", "gaps", "names", "procs", "events", "rollup",
	"rollup_file", "rollup_exe", "findings", "evidence", "actors",
	"triage", "notes", "suppressions",
};

/* PRAGMA integrity_check up to this size, quick_check above. */
#define DB_INTEGRITY_MAX_BYTES	(64LL << 20)

static void refuse(char *err, size_t errlen, const char *path,
		   const char *suffix, const char *fmt, ...) UTIL_PRINTF(5, 6);

/* One line: what is wrong, that nothing changed, how to move it aside. */
static void refuse(char *err, size_t errlen, const char *path,
		   const char *suffix, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(err, errlen,
		 "database %s %s; it was left unchanged: move it aside (mv %s %s.%s, and its -wal and -shm files if any) for dauditd to start a new one, or pick another with --database",
		 path, what, path, path, suffix);
}

/* A failed read during the check: damage, not SQLite, or just an error. */
static int refuse_rc(sqlite3 *db, int rc, const char *path, char *err,
		     size_t errlen)
{
	if ((rc & 0xff) == SQLITE_NOTADB)
		refuse(err, errlen, path, "other",
		       "is not an SQLite database (%s)", sqlite3_errmsg(db));
	else if ((rc & 0xff) == SQLITE_CORRUPT)
		refuse(err, errlen, path, "damaged", "is damaged (%s)",
		       sqlite3_errmsg(db));
	else
		snprintf(err, errlen, "cannot check database %s: %s", path,
			 sqlite3_errmsg(db));
	return -1;
}

/* "file:PATH?QUERY", the path percent-encoded.  malloc'd. */
static char *file_uri(const char *path, const char *query)
{
	static const char hex[] = "0123456789abcdef";
	char *u = util_xmalloc(6 + 3 * strlen(path) + strlen(query)), *o = u;

	o += sprintf(o, "file:");
	for (; *path; path++) {
		unsigned char c = (unsigned char)*path;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '/' || c == '.' ||
		    c == '_' || c == '-') {
			*o++ = (char)c;
		} else {
			*o++ = '%';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		}
	}
	strcpy(o, query);
	return u;
}

/* Step @st to its first row: SQLITE_ROW, SQLITE_DONE or an error. */
static int first_row(sqlite3 *db, const char *sql, sqlite3_stmt **st)
{
	int rc = sqlite3_prepare_v2(db, sql, -1, st, NULL);

	return rc == SQLITE_OK ? sqlite3_step(*st) : rc;
}

/* The checks on a read-only connection; see qdb_check(). */
static int check_db(sqlite3 *db, const char *path, int64_t size,
		    int integrity, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int64_t app_id, user_version, version = 0;
	char other[160] = "";
	int rc, ntables = 0, meta = 0;
	size_t i, n;

	rc = first_row(db, "PRAGMA application_id", &st);
	app_id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return refuse_rc(db, rc, path, err, errlen);
	rc = first_row(db, "PRAGMA user_version", &st);
	user_version = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return refuse_rc(db, rc, path, err, errlen);
	for (rc = first_row(db, "SELECT name FROM sqlite_master WHERE type = 'table'"
			    " AND name NOT LIKE 'sqlite!_%' ESCAPE '!' ORDER BY rowid",
			    &st);
	     rc == SQLITE_ROW; rc = sqlite3_step(st)) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		int ours = 0;

		ntables++;
		for (i = 0; name && i < sizeof(db_tables) / sizeof(db_tables[0]); i++)
			ours |= !strcmp(name, db_tables[i]);
		meta |= name && !strcmp(name, "meta");
		n = strlen(other);
		if (!ours && n + 4 < sizeof(other))
			snprintf(other + n, sizeof(other) - n, "%s%s",
				 n ? ", " : "", name ? name : "?");
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return refuse_rc(db, rc, path, err, errlen);

	if (app_id != DB_APPLICATION_ID) {
		if (app_id) {
			refuse(err, errlen, path, "other",
			       "is not a daudit database (application_id 0x%08" PRIx32 ", another program's)",
			       (uint32_t)app_id);
			return -1;
		}
		if (!ntables && !user_version)
			return 0;	/* empty: nothing to lose */
		if (other[0] || !meta) {
			if (other[0])
				refuse(err, errlen, path, "other",
				       "is not a daudit database (another program's tables: %s)",
				       other);
			else
				refuse(err, errlen, path, "other",
				       "is not a daudit database (no tables, user_version %" PRId64 ")",
				       user_version);
			return -1;
		}
	}
	if (meta) {
		rc = first_row(db, "SELECT value FROM meta WHERE key = 'schema_version'",
			       &st);
		if (rc == SQLITE_ROW)
			version = sqlite3_column_type(st, 0) == SQLITE_INTEGER ?
				  sqlite3_column_int64(st, 0) : -1;
		sqlite3_finalize(st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return refuse_rc(db, rc, path, err, errlen);
	}
	/* 0: a dauditd stopped while creating it; it finishes the job. */
	if (version != 0 && (version < DB_SCHEMA_OLDEST ||
			     version > DB_SCHEMA_VERSION)) {
		char suffix[32];

		snprintf(suffix, sizeof(suffix), "v%" PRId64, version);
		refuse(err, errlen, path, suffix,
		       "has schema version %" PRId64 ", this daudit knows version %d only (a newer daudit wrote it?)",
		       version, DB_SCHEMA_VERSION);
		return -1;
	}
	if (!integrity)
		return 1;
	rc = first_row(db, size <= DB_INTEGRITY_MAX_BYTES ?
		       "PRAGMA integrity_check(1)" : "PRAGMA quick_check(1)", &st);
	if (rc == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		char why[256];

		snprintf(why, sizeof(why), "%s", t ? t : "?");
		if (strcmp(why, "ok")) {
			for (i = 0; why[i]; i++)
				if ((unsigned char)why[i] < ' ')
					why[i] = ' ';
			refuse(err, errlen, path, "damaged", "is damaged (%s: %s)",
			       size <= DB_INTEGRITY_MAX_BYTES ? "integrity_check" : "quick_check",
			       why);
			rc = -1;
		}
	}
	sqlite3_finalize(st);
	if (rc == -1)
		return -1;
	if (rc != SQLITE_ROW)
		return refuse_rc(db, rc, path, err, errlen);
	return 1;
}

int qdb_check(const char *path, int integrity, char *err, size_t errlen)
{
	char *wal = util_xmalloc(strlen(path) + 5), *uri = NULL;
	struct stat st;
	sqlite3 *db = NULL;
	int has_wal, rc;

	sprintf(wal, "%s-wal", path);
	has_wal = access(wal, F_OK) == 0;
	free(wal);
	if (stat(path, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "cannot open database %s: %s", path,
			 strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "cannot open database %s: not a regular file",
			 path);
		return -1;
	}
	if (st.st_size == 0 && !has_wal)
		return 0;
	/*
	 * immutable=1: no lock, no -shm, no -wal, nothing written.  A -wal
	 * that exists holds committed data (a running or killed writer), so
	 * then a plain read-only connection reads it; the -shm may appear.
	 */
	if (has_wal)
		rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
	else
		rc = sqlite3_open_v2(uri = file_uri(path, "?immutable=1"), &db,
				     SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
	free(uri);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "cannot open database %s: %s", path,
			 db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		sqlite3_close(db);
		return -1;
	}
	sqlite3_busy_timeout(db, 5000);
	sqlite3_extended_result_codes(db, 1);
	rc = check_db(db, path, (int64_t)st.st_size, integrity, err, errlen);
	sqlite3_close(db);
	return rc;
}

/*
 * Read-only.  With no -wal beside it (no dauditd has it open) a reader
 * that may not write the directory (the analyst group) could not make
 * the -wal and -shm SQLite wants: it reads the file as it is, as
 * immutable, which is what it is until a dauditd opens it.
 */
static int open_readonly(const char *path, sqlite3 **db)
{
	char *wal = util_xmalloc(strlen(path) + 5), *dir = util_xstrdup(path);
	char *slash = strrchr(dir, '/'), *uri;
	int rc;

	sprintf(wal, "%s-wal", path);
	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	if (access(wal, F_OK) == 0 || access(slash ? dir : ".", W_OK) == 0) {
		rc = sqlite3_open_v2(path, db, SQLITE_OPEN_READONLY, NULL);
	} else {
		uri = file_uri(path, "?immutable=1");
		rc = sqlite3_open_v2(uri, db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
		free(uri);
	}
	free(wal);
	free(dir);
	return rc;
}

/*
 * Why this process may not read @path: which group may (dauditd's
 * analyst_group, seen as the group of the directory or file that
 * refuses), or that only root may.
 */
static void explain_denied(const char *path, char *err, size_t errlen)
{
	char *p = util_xstrdup(path), *slash;
	const struct group *gr = NULL;
	struct stat st;
	int ok;

	/* The nearest of the path and its directories this process can see. */
	for (;;) {
		ok = stat(p, &st) == 0;
		slash = strrchr(p, '/');
		if (ok || !slash || slash == p)
			break;
		*slash = '\0';
	}
	if (ok && st.st_gid != 0 && (st.st_mode & (S_ISDIR(st.st_mode) ? 0010 : 0040)))
		gr = getgrgid(st.st_gid);
	if (gr)
		snprintf(err, errlen, "cannot read the database %s: only root and the group %s may (analyst_group in dauditd.conf), and this process is not in it (a member added since must log in again)",
			 path, gr->gr_name);
	else
		snprintf(err, errlen, "cannot read the database %s: only root may (%s is mode %04o; analyst_group in dauditd.conf names a group that may read it)",
			 path, p, ok ? (unsigned int)(st.st_mode & 07777) : 0);
	free(p);
}

int qdb_open(struct qdb *q, const char *path, char *err, size_t errlen)
{
	struct stat st;
	int64_t v;

	memset(q, 0, sizeof(*q));
	if (stat(path, &st) < 0 || access(path, R_OK) < 0) {
		if (errno == EACCES)
			explain_denied(path, err, errlen);
		else
			snprintf(err, errlen, "no database at %s: %s (is dauditd running? see dauditd(8); --database picks another)",
				 path, strerror(errno));
		return -1;
	}
	/* Before the read-only open, which may create a -wal and -shm. */
	if (qdb_check(path, 0, err, errlen) < 0)
		return -1;
	if (open_readonly(path, &q->db) != SQLITE_OK) {
		snprintf(err, errlen, "cannot open database %s: %s", path,
			 q->db ? sqlite3_errmsg(q->db) : "out of memory");
		sqlite3_close(q->db);
		q->db = NULL;
		return -1;
	}
	q->path = util_xstrdup(path);
	sqlite3_busy_timeout(q->db, 5000);
	v = qdb_meta_int(q, "schema_version", -1);
	if (v != DB_SCHEMA_VERSION) {
		if (v == -1)
			snprintf(err, errlen, "%s is not a daudit database (or cannot be read: %s)",
				 path, sqlite3_errmsg(q->db));
		else if (v >= DB_SCHEMA_OLDEST && v < DB_SCHEMA_VERSION)
			snprintf(err, errlen, "%s has schema version %lld: start this version's dauditd once to upgrade it to %d",
				 path, (long long)v, DB_SCHEMA_VERSION);
		else
			snprintf(err, errlen, "%s has schema version %lld, this daudit reads version %d",
				 path, (long long)v, DB_SCHEMA_VERSION);
		qdb_close(q);
		return -1;
	}
	return 0;
}

void qdb_close(struct qdb *q)
{
	unsigned int i;

	for (i = 0; i < q->nnames; i++)
		free(q->names[i].name);
	for (i = 0; i < q->nactors; i++) {
		free(q->actors[i].actor);
		free(q->actors[i].app_exe);
	}
	free(q->actors);
	free(q->actor_arg);
	if (q->db)
		sqlite3_close(q->db);
	free(q->path);
	memset(q, 0, sizeof(*q));
}

sqlite3_stmt *qdb_prepare(struct qdb *q, const char *sql)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(q->db, sql, -1, &st, NULL) != SQLITE_OK)
		util_die(EXIT_FAIL, "database %s: %s", q->path,
			 sqlite3_errmsg(q->db));
	return st;
}

int qdb_step(struct qdb *q, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc != SQLITE_DONE)
		util_die(EXIT_FAIL, "database %s: %s", q->path,
			 sqlite3_errmsg(q->db));
	return 0;
}

int64_t qdb_int(struct qdb *q, const char *sql, int64_t dflt)
{
	sqlite3_stmt *st = qdb_prepare(q, sql);
	int64_t v = dflt;

	if (qdb_step(q, st) && sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static sqlite3_stmt *meta_stmt(struct qdb *q, const char *key)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(q->db, "SELECT value FROM meta WHERE key = ?", -1,
			       &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW ||
	    sqlite3_column_type(st, 0) == SQLITE_NULL) {
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

int64_t qdb_meta_int(struct qdb *q, const char *key, int64_t dflt)
{
	sqlite3_stmt *st = meta_stmt(q, key);
	int64_t v;

	if (!st)
		return dflt;
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

char *qdb_meta(struct qdb *q, const char *key)
{
	sqlite3_stmt *st = meta_stmt(q, key);
	char *v;

	if (!st)
		return NULL;
	/* A NULL value (a key cleared) is no value. */
	v = sqlite3_column_type(st, 0) == SQLITE_NULL ? NULL :
	    util_xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return v;
}

/* ------------------------------------------------------------------ */
/* Names                                                               */
/* ------------------------------------------------------------------ */

static char *lookup_name(struct qdb *q, uint32_t uid)
{
	struct passwd pw, *res = NULL;
	sqlite3_stmt *st;
	char buf[4096];
	char *name = NULL;

	st = qdb_prepare(q, "SELECT name FROM names WHERE uid = ?");
	sqlite3_bind_int64(st, 1, uid);
	if (qdb_step(q, st))
		name = util_xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (name)
		return name;
	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) == 0 && res)
		return util_xstrdup(res->pw_name);
	snprintf(buf, sizeof(buf), "%u", uid);
	return util_xstrdup(buf);
}

const char *qdb_user_name(struct qdb *q, uint32_t uid)
{
	unsigned int i;
	char *name;

	for (i = 0; i < q->nnames; i++)
		if (q->names[i].uid == uid)
			return q->names[i].name;
	name = lookup_name(q, uid);
	if (q->nnames == sizeof(q->names) / sizeof(q->names[0])) {
		/* Full: forget the oldest half. */
		for (i = 0; i < q->nnames / 2; i++)
			free(q->names[i].name);
		memmove(q->names, q->names + q->nnames / 2,
			(q->nnames - q->nnames / 2) * sizeof(q->names[0]));
		q->nnames -= q->nnames / 2;
	}
	q->names[q->nnames].uid = uid;
	q->names[q->nnames].name = name;
	return q->names[q->nnames++].name;
}

const char *qdb_user_label(struct qdb *q, uint32_t uid, int login, char *buf,
			   size_t len)
{
	snprintf(buf, len, "%s%s", qdb_user_name(q, uid),
		 login ? "" : " (no login)");
	return buf;
}

const struct qactor *qdb_actor(struct qdb *q, uint32_t id)
{
	struct qactor *a;
	sqlite3_stmt *st;
	unsigned int i;

	for (i = 0; i < q->nactors; i++)
		if (q->actors[i].id == id)
			return &q->actors[i];
	st = qdb_prepare(q, "SELECT actor, account_uid, account_login, app_exe"
			 " FROM actors WHERE id = ?");
	sqlite3_bind_int64(st, 1, id);
	if (!qdb_step(q, st)) {
		sqlite3_finalize(st);
		return NULL;
	}
	q->actors = util_xrealloc(q->actors, (q->nactors + 1) * sizeof(*a));
	a = &q->actors[q->nactors++];
	a->id = id;
	a->actor = util_xstrdup((const char *)sqlite3_column_text(st, 0));
	a->account_uid = (uint32_t)sqlite3_column_int64(st, 1);
	a->account_login = sqlite3_column_int(st, 2);
	a->app_exe = sqlite3_column_type(st, 3) == SQLITE_TEXT ?
		     util_xstrdup((const char *)sqlite3_column_text(st, 3)) : NULL;
	sqlite3_finalize(st);
	return a;
}

const char *qdb_person_name(struct qdb *q, uint32_t uid, int login)
{
	const struct qactor *a;

	if (login != DB_LOGIN_ACTOR)
		return qdb_user_name(q, uid);
	a = qdb_actor(q, uid);
	return a ? a->actor : "(unknown actor)";
}

const char *qdb_account_label(struct qdb *q, uint32_t uid, int login,
			      char *buf, size_t len)
{
	const struct qactor *a;

	if (login != DB_LOGIN_ACTOR || !(a = qdb_actor(q, uid))) {
		if (len)
			buf[0] = '\0';
		return buf;
	}
	return qdb_user_label(q, a->account_uid, a->account_login, buf, len);
}

const char *qdb_person_label(struct qdb *q, uint32_t uid, int login,
			     char *buf, size_t len)
{
	const struct qactor *a;
	char acct[300];

	if (login != DB_LOGIN_ACTOR)
		return qdb_user_label(q, uid, login, buf, len);
	a = qdb_actor(q, uid);
	if (!a) {
		snprintf(buf, len, "actor #%u (unknown)", uid);
		return buf;
	}
	snprintf(buf, len, "%s (actor via %s as %s)", a->actor,
		 a->app_exe ? a->app_exe : "an unknown executable",
		 qdb_user_label(q, a->account_uid, a->account_login, acct,
				sizeof(acct)));
	return buf;
}

int qdb_user_lookup(struct qdb *q, const char *name, uint32_t *uid)
{
	struct passwd pw, *res = NULL;
	sqlite3_stmt *st;
	char buf[4096], *end;
	unsigned long n;
	int found = 0;

	if (!*name)
		return -1;
	n = strtoul(name, &end, 10);
	if (!*end && n <= UINT32_MAX) {
		*uid = (uint32_t)n;
		return 0;
	}
	st = qdb_prepare(q, "SELECT uid FROM names WHERE name = ? ORDER BY seen_ns DESC LIMIT 1");
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (qdb_step(q, st)) {
		*uid = (uint32_t)sqlite3_column_int64(st, 0);
		found = 1;
	}
	sqlite3_finalize(st);
	if (found)
		return 0;
	if (getpwnam_r(name, &pw, buf, sizeof(buf), &res) == 0 && res) {
		*uid = res->pw_uid;
		return 0;
	}
	return -1;
}

static int actor_stored(struct qdb *q, const char *actor)
{
	sqlite3_stmt *st = qdb_prepare(q, "SELECT 1 FROM actors WHERE actor = ?1 LIMIT 1");
	int found;

	sqlite3_bind_text(st, 1, actor, -1, SQLITE_STATIC);
	found = qdb_step(q, st);
	sqlite3_finalize(st);
	return found;
}

const char *qdb_actor_id(struct qdb *q, const char *actor)
{
	char *raw, *canon;

	if (actor_stored(q, actor))
		return actor;
	/*
	 * As a terminal shows it (text.h), the id has what the stored text
	 * keeps raw (bidirectional controls) escaped: decode, and escape
	 * again as the collector stored it (record.h).
	 */
	raw = util_xmalloc(strlen(actor) + 1);
	canon = ecs_escape_set(raw, ecs_unescape(actor, raw), ecs_set_controls);
	free(raw);
	if (!actor_stored(q, canon)) {
		free(canon);
		return actor;
	}
	free(q->actor_arg);
	q->actor_arg = canon;
	return canon;
}

const char *qdb_need_actor(struct qdb *q, const char *actor, const char *verb)
{
	const char *id = qdb_actor_id(q, actor);

	if (!actor_stored(q, id))
		util_die(EXIT_FAIL, "%s: no actor '%s' in the collector's records (see daudit users --by actor)",
			 verb, actor);
	return id;
}

/* ------------------------------------------------------------------ */
/* Shared options                                                      */
/* ------------------------------------------------------------------ */

void qopts_init(struct qopts *o)
{
	memset(o, 0, sizeof(*o));
	o->format = FORMAT_TABLE;
}

void q_use_utc(const char *verb)
{
	/* Every local time this process shows or reads becomes UTC. */
	if (setenv("TZ", "UTC0", 1) < 0)
		util_die(EXIT_FAIL, "%s: --utc: %m", verb);
	tzset();
}

int qopts_option(struct qopts *o, int c, const char *arg, const char *verb)
{
	switch (c) {
	case QOPT_SINCE:
		o->since_arg = arg;
		return 1;
	case QOPT_UNTIL:
		o->until_arg = arg;
		return 1;
	case QOPT_DATABASE:
		o->database = arg;
		return 1;
	case QOPT_UTC:
		o->utc = 1;
		q_use_utc(verb);
		return 1;
	case QOPT_NO_HEADINGS:
		table_headings(0);
		return 1;
	case QOPT_STORE:
		o->store = arg;
		return 1;
	case QOPT_PASSFILE:
		o->passfile = arg;
		return 1;
	case QOPT_FLEET:
		o->fleet = 1;
		return 1;
	case 'f':
		o->format = format_parse(arg);
		if (o->format < 0)
			util_die(EXIT_USAGE, "%s: --format must be table, json or csv, not '%s'",
				 verb, arg);
		return 1;
	}
	return 0;
}

void qopts_finish(struct qopts *o, const char *verb, int64_t default_since)
{
	int64_t now = time(NULL);
	char err[256];

	/* The end is exclusive: include records of the current second. */
	o->until = now + 1;
	o->since = now - default_since;
	if (o->since_arg && tp_parse(o->since_arg, now, &o->since, err,
				     sizeof(err)) < 0)
		util_die(EXIT_USAGE, "%s: --since: %s", verb, err);
	if (o->until_arg && tp_parse(o->until_arg, now, &o->until, err,
				     sizeof(err)) < 0)
		util_die(EXIT_USAGE, "%s: --until: %s", verb, err);
	if (o->until <= o->since)
		util_die(EXIT_USAGE, "%s: the period is empty: --until must be after --since",
			 verb);
	if (o->fleet) {
		/* Kept for the process's life, as optarg is. */
		char *store = NULL, *passfile = NULL;

		if (o->store)
			util_die(EXIT_USAGE, "%s: --fleet and --store: give one", verb);
		qdb_store_config(&store, &passfile);
		if (!store)
			util_die(EXIT_USAGE, "%s: --fleet: dauditd.conf names no store (set 'store' in [collector], or give --store URL)",
				 verb);
		o->store = store;
		if (!o->passfile)
			o->passfile = passfile;
		else
			free(passfile);
	}
}

void qopts_open(struct qopts *o, struct qdb *q)
{
	char *path, err[512];
	int rc;

	if (o->store)
		util_die(EXIT_USAGE, "--store: this verb reads one host's database (users, user, top, events and report read the fleet's store)");
	path = qdb_path(o->database);
	rc = qdb_open(q, path, err, sizeof(err));

	free(path);
	if (rc < 0)
		util_die(EXIT_FAIL, "%s", err);
}

int64_t q_hour_floor(int64_t t)
{
	struct tp_cache c;
	int64_t hour;

	tp_cache_init(&c);
	tp_bucket(&c, t, &hour, NULL);
	return hour;
}
