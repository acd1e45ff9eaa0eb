// SPDX-License-Identifier: GPL-2.0
/*
 * daudit incident's triage: ack, dismiss, confirm, reopen, note,
 * suppress, suppressions, unsuppress.  What a reviewer decides is
 * written to the collector's database (lib/incident.h: triage, notes,
 * suppressions), so these need write access to it, and say which
 * permission is missing; the author of each is recorded.
 */
#include <errno.h>
#include <inttypes.h>
#include <libgen.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "format.h"
#include "incident_verb.h"
#include "table.h"
#include "text.h"
#include "timeparse.h"
#include "util.h"

/*
 * Triage writes: say which permission is missing before SQLite says
 * "attempt to write a readonly database".  The directory too: SQLite
 * makes the -wal and -shm files beside the database.
 */
static void need_write(const char *path, const char *verb)
{
	char *copy = util_xstrdup(path);
	const char *dir = dirname(copy);
	struct passwd *pw = getpwuid(getuid());
	char who[128];
	struct stat st;

	snprintf(who, sizeof(who), "uid %u%s%s%s", (unsigned int)getuid(),
		 pw ? " (" : "", pw ? pw->pw_name : "", pw ? ")" : "");
	if (access(path, W_OK) < 0 && errno != ENOENT) {
		if (stat(path, &st) == 0)
			util_die(EXIT_FAIL, "incident %s: cannot record triage: %s has no write permission on the database %s (owner uid %u, mode %04o); triage writes the collector's database: run it as root, e.g. with sudo",
				 verb, who, path, (unsigned int)st.st_uid,
				 (unsigned int)(st.st_mode & 07777));
		util_die(EXIT_FAIL, "incident %s: cannot record triage: %s cannot write the database %s: %s",
			 verb, who, path, strerror(errno));
	}
	if (access(dir, W_OK | X_OK) < 0)
		util_die(EXIT_FAIL, "incident %s: cannot record triage: %s has no write permission on the directory %s, where SQLite keeps the database's -wal and -shm files; run it as root, e.g. with sudo",
			 verb, who, dir);
	free(copy);
}

static void open_write(struct incidents *in, const char *verb)
{
	char *path;

	incident_open(in);
	path = util_xstrdup(in->q.path);
	need_write(path, verb);
	sqlite3_close(in->q.db);
	if (sqlite3_open_v2(path, &in->q.db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		util_die(EXIT_FAIL, "incident %s: cannot open %s for writing: %s",
			 verb, path, sqlite3_errmsg(in->q.db));
	sqlite3_busy_timeout(in->q.db, 5000);
	free(path);
}

static void run_sql(struct incidents *in, const char *sql, const char *verb)
{
	char *msg = NULL;

	if (sqlite3_exec(in->q.db, sql, NULL, NULL, &msg) != SQLITE_OK)
		util_die(EXIT_FAIL, "incident %s: %s: %s", verb, in->q.path,
			 msg ? msg : sqlite3_errmsg(in->q.db));
}

/*
 * Who is recording this: the invoking user's name; under sudo (uid 0
 * and SUDO_USER set) the person sudo ran it for, marked as such.  Root
 * could set SUDO_USER to anything: the mark says where the name came
 * from, not that it is proven.
 */
static const char *author(int *sudo, char *buf, size_t len)
{
	const char *su = getenv("SUDO_USER");
	struct passwd *pw;

	*sudo = 0;
	if (getuid() == 0 && su && *su) {
		*sudo = 1;
		snprintf(buf, len, "%s", su);
		return buf;
	}
	pw = getpwuid(getuid());
	if (pw)
		snprintf(buf, len, "%s", pw->pw_name);
	else
		snprintf(buf, len, "%u", (unsigned int)getuid());
	return buf;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

/* A note, or with @state >= 0 the record of a change of state. */
static void add_note(struct incidents *in, int64_t finding, int state,
		     const char *text, int64_t time_ns, const char *verb)
{
	sqlite3_stmt *st = qdb_prepare(&in->q,
		"INSERT INTO notes (finding_id, time_ns, author, sudo, text, state)"
		" VALUES (?,?,?,?,?,?)");
	char who[128];
	int sudo;

	author(&sudo, who, sizeof(who));
	sqlite3_bind_int64(st, 1, finding);
	sqlite3_bind_int64(st, 2, time_ns);
	sqlite3_bind_text(st, 3, who, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 4, sudo);
	sqlite3_bind_text(st, 5, text ? text : "", -1, SQLITE_TRANSIENT);
	if (state >= 0)
		sqlite3_bind_int(st, 6, state);
	if (sqlite3_step(st) != SQLITE_DONE)
		util_die(EXIT_FAIL, "incident %s: %s: %s", verb, in->q.path,
			 sqlite3_errmsg(in->q.db));
	sqlite3_finalize(st);
}

int triage_set_state(struct incidents *in, const char *verb, int state,
			 const char *arg)
{
	const struct inc_group *g;
	sqlite3_stmt *st;
	char who[128], id[64];
	int64_t now = now_ns();
	size_t j;
	int sudo;

	open_write(in, verb);
	g = incident_find(in, arg, verb);
	author(&sudo, who, sizeof(who));
	run_sql(in, "BEGIN IMMEDIATE", verb);
	/* reopen too: a row of state new says who reopened it, for the SIEM. */
	st = qdb_prepare(&in->q,
		"INSERT OR REPLACE INTO triage (finding_id, state, time_ns, author,"
		" sudo) VALUES (?1, ?2, ?3, ?4, ?5)");
	/* Every finding of it: the state is stored with the findings. */
	for (j = 0; j < g->n; j++) {
		const struct inc_finding *f;

		incident_member(in, g, j, &f);
		sqlite3_bind_int64(st, 1, f->id);
		sqlite3_bind_int(st, 2, state);
		sqlite3_bind_int64(st, 3, now);
		sqlite3_bind_text(st, 4, who, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(st, 5, sudo);
		if (sqlite3_step(st) != SQLITE_DONE)
			util_die(EXIT_FAIL, "incident %s: %s: %s", verb, in->q.path,
				 sqlite3_errmsg(in->q.db));
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	/* The same time as the triage rows: the SIEM finds them by it. */
	add_note(in, g->anchor, state, in->note, now, verb);
	run_sql(in, "COMMIT", verb);
	text_printf("%s: %s (%zu finding%s), by %s%s\n", incident_name(in, g, id, sizeof(id)),
		    inc_state_name(state), g->n, g->n == 1 ? "" : "s", who,
		    sudo ? " (through sudo)" : "");
	return 0;
}

int triage_note(struct incidents *in, const char *arg, const char *text)
{
	const struct inc_group *g;
	char id[64];

	if (!*text)
		util_die(EXIT_USAGE, "incident note: the note is empty");
	open_write(in, "note");
	g = incident_find(in, arg, "note");
	run_sql(in, "BEGIN IMMEDIATE", "note");
	add_note(in, g->anchor, -1, text, now_ns(), "note");
	run_sql(in, "COMMIT", "note");
	text_printf("%s: note added\n", incident_name(in, g, id, sizeof(id)));
	return 0;
}

int triage_suppress(struct incidents *in)
{
	sqlite3_stmt *st;
	char who[128], until[32];
	uint32_t uid = 0;
	int sudo, login = -1;

	if (!in->has_until)
		util_die(EXIT_USAGE, "incident suppress: --until TIME is required (a suppression ends)");
	if (!in->reason || !*in->reason)
		util_die(EXIT_USAGE, "incident suppress: --reason TEXT is required (later reviews show it)");
	if (!in->user && !in->actor && !in->program && !in->dataset)
		util_die(EXIT_USAGE, "incident suppress: say whose or what: --user, --actor, --program or --dataset");
	if (in->user && in->actor)
		util_die(EXIT_USAGE, "incident suppress: --user or --actor, not both");
	open_write(in, "suppress");
	if (in->user) {
		if (qdb_user_lookup(&in->q, in->user, &uid) < 0)
			util_die(EXIT_FAIL, "incident suppress: no user '%s'", in->user);
		login = 1;
	}
	if (in->actor) {
		const char *a = qdb_need_actor(&in->q, in->actor, "incident suppress");

		st = qdb_prepare(&in->q, "SELECT id FROM actors WHERE actor = ?1 ORDER BY id LIMIT 1");
		sqlite3_bind_text(st, 1, a, -1, SQLITE_TRANSIENT);
		if (qdb_step(&in->q, st))
			uid = (uint32_t)sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		login = DB_LOGIN_ACTOR;
	}
	author(&sudo, who, sizeof(who));
	st = qdb_prepare(&in->q,
		"INSERT INTO suppressions (user_uid, login, exe, dataset, until_ns,"
		" time_ns, author, sudo, reason) VALUES (?,?,?,?,?,?,?,?,?)");
	if (login >= 0) {
		sqlite3_bind_int64(st, 1, uid);
		sqlite3_bind_int(st, 2, login);
	}
	if (in->program)
		sqlite3_bind_text(st, 3, in->program, -1, SQLITE_TRANSIENT);
	if (in->dataset)
		sqlite3_bind_text(st, 4, in->dataset, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 5, in->suppress_until * NSEC_PER_SEC);
	sqlite3_bind_int64(st, 6, now_ns());
	sqlite3_bind_text(st, 7, who, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 8, sudo);
	sqlite3_bind_text(st, 9, in->reason, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE)
		util_die(EXIT_FAIL, "incident suppress: %s: %s", in->q.path,
			 sqlite3_errmsg(in->q.db));
	sqlite3_finalize(st);
	text_printf("suppression #%lld: findings starting before %s%s%s%s%s%s%s are listed as suppressed\n",
		    (long long)sqlite3_last_insert_rowid(in->q.db),
		    tp_format_local(in->suppress_until, until, sizeof(until)),
		    in->user || in->actor ? ", of " : "",
		    in->user ? in->user : in->actor ? in->actor : "",
		    in->program ? ", by " : "", in->program ? in->program : "",
		    in->dataset ? ", of dataset " : "", in->dataset ? in->dataset : "");
	return 0;
}

static const struct table_col sup_cols[] = {
	{ "id", TCOL_INT }, { "person", TCOL_STR }, { "program", TCOL_STR },
	{ "dataset", TCOL_STR }, { "until", TCOL_TIME }, { "author", TCOL_STR },
	{ "created", TCOL_TIME }, { "reason", TCOL_STR },
};

int triage_suppressions(struct incidents *in)
{
	struct table *t = table_new(in->o.format, sup_cols, 8);
	sqlite3_stmt *st;

	qopts_open(&in->o, &in->q);
	st = qdb_prepare(&in->q,
		"SELECT id, user_uid, login, exe, dataset, until_ns, author, sudo,"
		" time_ns, reason FROM suppressions ORDER BY id");
	while (qdb_step(&in->q, st)) {
		char who[400], by[160];

		table_int(t, sqlite3_column_int64(st, 0));
		if (sqlite3_column_type(st, 2) == SQLITE_NULL)
			table_str(t, in->o.format == FORMAT_TABLE ? "anyone" : NULL);
		else
			table_str(t, qdb_person_label(&in->q, (uint32_t)sqlite3_column_int64(st, 1),
						      sqlite3_column_int(st, 2), who, sizeof(who)));
		table_str(t, (const char *)sqlite3_column_text(st, 3));
		table_str(t, (const char *)sqlite3_column_text(st, 4));
		table_int(t, sqlite3_column_int64(st, 5) / NSEC_PER_SEC);
		snprintf(by, sizeof(by), "%s%s", (const char *)sqlite3_column_text(st, 6),
			 sqlite3_column_int(st, 7) ? " (sudo)" : "");
		table_str(t, by);
		table_int(t, sqlite3_column_int64(st, 8) / NSEC_PER_SEC);
		table_str(t, (const char *)sqlite3_column_text(st, 9));
	}
	sqlite3_finalize(st);
	table_print(t, stdout);
	table_free(t);
	return 0;
}

int triage_unsuppress(struct incidents *in, const char *arg)
{
	sqlite3_stmt *st;
	char *end;
	long long id = strtoll(arg, &end, 10);

	if (*arg == '#')
		id = strtoll(arg + 1, &end, 10);
	if (*end || id <= 0)
		util_die(EXIT_USAGE, "incident unsuppress: '%s' is not a suppression number (see daudit incident suppressions)",
			 arg);
	open_write(in, "unsuppress");
	/* Ended, not deleted: what was suppressed when stays explained. */
	st = qdb_prepare(&in->q, "UPDATE suppressions SET until_ns = MIN(until_ns, ?2)"
			 " WHERE id = ?1");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now_ns());
	if (sqlite3_step(st) != SQLITE_DONE)
		util_die(EXIT_FAIL, "incident unsuppress: %s: %s", in->q.path,
			 sqlite3_errmsg(in->q.db));
	sqlite3_finalize(st);
	if (!sqlite3_changes(in->q.db))
		util_die(EXIT_FAIL, "incident unsuppress: no suppression #%lld", id);
	text_printf("suppression #%lld ended\n", id);
	return 0;
}
