// SPDX-License-Identifier: GPL-2.0
/*
 * Per-person totals over a period, for daudit users, top and report:
 * reads, files, executables, egress and findings from the rollups, with
 * actors apart from their accounts or folded into them (query.h).
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "query.h"
#include "util.h"

/* ------------------------------------------------------------------ */
/* Per-user totals                                                     */
/* ------------------------------------------------------------------ */

struct ulist {
	struct quser *v;
	size_t n, cap;
};

static struct quser *user_row(struct ulist *l, uint32_t uid, int login)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].uid == uid && l->v[i].login == login)
			return &l->v[i];
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 32;
		l->v = util_xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	memset(&l->v[l->n], 0, sizeof(l->v[0]));
	l->v[l->n].uid = uid;
	l->v[l->n].login = login;
	return &l->v[l->n++];
}

/*
 * The (user_uid, login) a row counts for, and the join that maps an
 * actor to its account when actors are counted in their accounts.
 */
struct qwho {
	const char *uid, *login, *join, *actor;
};

static const struct qwho who_person = {
	"r.user_uid", "r.login", "", "0",
};
static const struct qwho who_account = {
	"CASE WHEN r.login = " DB_LOGIN_ACTOR_SQL " THEN a.account_uid ELSE r.user_uid END",
	"CASE WHEN r.login = " DB_LOGIN_ACTOR_SQL " THEN a.account_login ELSE r.login END",
	" LEFT JOIN actors a ON r.login = " DB_LOGIN_ACTOR_SQL " AND a.id = r.user_uid",
	"COUNT(DISTINCT CASE WHEN r.login = " DB_LOGIN_ACTOR_SQL " THEN r.user_uid END)",
};

/* @sql with {U}, {L}, {A} and {J} replaced by @w's expressions. */
static void expand(char *out, size_t len, const char *sql,
		   const struct qwho *w)
{
	size_t used = 0;

	while (*sql && used + 1 < len) {
		const char *v = NULL;

		if (sql[0] == '{' && sql[1] && sql[2] == '}') {
			v = sql[1] == 'U' ? w->uid : sql[1] == 'L' ? w->login :
			    sql[1] == 'A' ? w->actor : sql[1] == 'J' ? w->join :
			    NULL;
		}
		if (v) {
			size_t n = strlen(v);

			if (used + n >= len)
				break;
			memcpy(out + used, v, n);
			used += n;
			sql += 3;
		} else {
			out[used++] = *sql++;
		}
	}
	out[used] = '\0';
}

static sqlite3_stmt *range_stmt(struct qdb *q, const struct qwho *w,
				const char *sql, int64_t lo, int64_t hi,
				const char *dataset)
{
	char buf[2048];
	sqlite3_stmt *st;

	expand(buf, sizeof(buf), sql, w);
	st = qdb_prepare(q, buf);
	sqlite3_bind_int64(st, 1, lo);
	sqlite3_bind_int64(st, 2, hi);
	if (dataset)
		sqlite3_bind_text(st, 3, dataset, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 3);
	return st;
}

static void users_totals(struct qdb *q, const struct qwho *w,
			 struct ulist *l, int64_t lo, int64_t hi,
			 const char *ds)
{
	sqlite3_stmt *st = range_stmt(q, w,
		"SELECT {U}, {L}, SUM(r.bytes), SUM(r.sessions),"
		" COUNT(DISTINCT CASE WHEN r.bytes > 0 OR r.sessions > 0 OR r.calls > 0"
		" THEN r.dataset END), SUM(r.egress_net), SUM(r.egress_loopback),"
		" SUM(r.egress_unix), SUM(r.egress_file), {A}, SUM(r.delivered)"
		" FROM rollup r{J}"
		" WHERE r.period = 3600 AND r.bucket >= ?1 AND r.bucket < ?2"
		" AND (?3 IS NULL OR r.dataset = ?3) GROUP BY {U}, {L}",
		lo, hi, ds);

	while (qdb_step(q, st)) {
		struct quser *u = user_row(l, (uint32_t)sqlite3_column_int64(st, 0),
					   sqlite3_column_int(st, 1));

		u->bytes = (uint64_t)sqlite3_column_int64(st, 2);
		u->sessions = (uint64_t)sqlite3_column_int64(st, 3);
		u->datasets = (uint64_t)sqlite3_column_int64(st, 4);
		u->egress_net = (uint64_t)sqlite3_column_int64(st, 5);
		u->egress_loopback = (uint64_t)sqlite3_column_int64(st, 6);
		u->egress_unix = (uint64_t)sqlite3_column_int64(st, 7);
		u->egress_file = (uint64_t)sqlite3_column_int64(st, 8);
		u->egress = u->egress_net + u->egress_unix + u->egress_file;
		u->actors = (uint64_t)sqlite3_column_int64(st, 9);
		u->delivered = (uint64_t)sqlite3_column_int64(st, 10);
	}
	sqlite3_finalize(st);
}

static void users_files(struct qdb *q, const struct qwho *w,
			struct ulist *l, int64_t lo, int64_t hi,
			const char *ds)
{
	sqlite3_stmt *st = range_stmt(q, w,
		"SELECT u, l, COUNT(*) FROM (SELECT DISTINCT {U} AS u,"
		" {L} AS l, r.dataset, r.path FROM rollup_file r{J} WHERE"
		" r.period = 3600 AND r.bucket >= ?1 AND r.bucket < ?2 AND"
		" (?3 IS NULL OR r.dataset = ?3)) GROUP BY u, l", lo, hi, ds);

	while (qdb_step(q, st))
		user_row(l, (uint32_t)sqlite3_column_int64(st, 0),
			 sqlite3_column_int(st, 1))->files =
			(uint64_t)sqlite3_column_int64(st, 2);
	sqlite3_finalize(st);
}

static void users_exes(struct qdb *q, const struct qwho *w,
		       struct ulist *l, int64_t lo, int64_t hi,
		       const char *ds)
{
	sqlite3_stmt *st = range_stmt(q, w,
		"SELECT {U} AS u, {L} AS l, r.exe, SUM(r.bytes) AS b FROM"
		" rollup_exe r{J} WHERE r.period = 3600 AND r.bucket >= ?1 AND"
		" r.bucket < ?2 AND (?3 IS NULL OR r.dataset = ?3)"
		" GROUP BY u, l, r.exe ORDER BY u, l, b DESC, r.exe", lo, hi, ds);

	while (qdb_step(q, st)) {
		struct quser *u = user_row(l, (uint32_t)sqlite3_column_int64(st, 0),
					   sqlite3_column_int(st, 1));

		u->exes++;
		if (!u->top_exe) {
			u->top_exe = util_xstrdup((const char *)
						  sqlite3_column_text(st, 2));
			u->top_exe_bytes = (uint64_t)sqlite3_column_int64(st, 3);
		}
	}
	sqlite3_finalize(st);
}

static void users_findings(struct qdb *q, const struct qwho *w,
			   struct ulist *l, int64_t since, int64_t until,
			   const char *ds)
{
	sqlite3_stmt *st = range_stmt(q, w,
		"SELECT {U} AS u, {L} AS l, COUNT(*), SUM(r.score) FROM findings r{J}"
		" WHERE r.last_ns >= ?1 * 1000000000 AND r.first_ns < ?2 * 1000000000"
		" AND (?3 IS NULL OR r.dataset = ?3 OR r.dataset IS NULL)"
		" GROUP BY u, l", since, until, ds);

	while (qdb_step(q, st)) {
		struct quser *u;

		if (sqlite3_column_type(st, 0) == SQLITE_NULL)
			continue;
		u = user_row(l, (uint32_t)sqlite3_column_int64(st, 0),
			     sqlite3_column_int(st, 1));
		u->findings = (uint64_t)sqlite3_column_int64(st, 2);
		u->risk = (uint64_t)sqlite3_column_int64(st, 3);
	}
	sqlite3_finalize(st);
}

size_t q_users_by(struct qdb *q, int64_t since, int64_t until,
		  const char *dataset, enum q_by by, struct quser **out)
{
	const struct qwho *w = by == Q_BY_ACCOUNT ? &who_account : &who_person;
	struct ulist l = { NULL, 0, 0 };
	int64_t lo = q_hour_floor(since);

	users_totals(q, w, &l, lo, until, dataset);
	users_files(q, w, &l, lo, until, dataset);
	users_exes(q, w, &l, lo, until, dataset);
	users_findings(q, w, &l, since, until, dataset);
	*out = l.v;
	return l.n;
}

size_t q_users(struct qdb *q, int64_t since, int64_t until,
	       const char *dataset, struct quser **out)
{
	return q_users_by(q, since, until, dataset, Q_BY_PERSON, out);
}

void q_users_free(struct quser *u, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(u[i].top_exe);
	free(u);
}

size_t q_users_keep_actor(struct qdb *q, struct quser *u, size_t n,
			  const char *actor)
{
	size_t i, kept = 0;

	for (i = 0; i < n; i++) {
		const struct qactor *a = u[i].login == DB_LOGIN_ACTOR ?
					 qdb_actor(q, u[i].uid) : NULL;

		if (a && !strcmp(a->actor, actor))
			u[kept++] = u[i];
		else
			free(u[i].top_exe);
	}
	return kept;
}
