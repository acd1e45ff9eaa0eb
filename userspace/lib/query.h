/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Read-only access to the collector's database for the CLI verbs: opening
 * it beside a running dauditd (SQLITE_OPEN_READONLY, WAL), the options
 * every query verb shares (--since, --until, --format, --database), user
 * names, and the per-user aggregate that users, top and report share.
 * The schema is written by userspace/dauditd/store.c and described in
 * docs/collector.md.
 */
#ifndef DAUDIT_QUERY_H
#define DAUDIT_QUERY_H

#include <getopt.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

/*
 * 2 (ABI 1.3): the actors table and the events columns actor, request,
 * client, actor_tid, actor_requests.  3: rollup.delivered (an actor's
 * egress to its own declared client, apart from egress).  4:
 * findings.instance_id and the triage tables (incident.h).  dauditd
 * upgrades a version 1, 2 or 3 database in place when it opens it
 * (store.c); the CLI reads version 4.
 */
#define DB_SCHEMA_VERSION	5
#define DB_SCHEMA_OLDEST	1	/* dauditd upgrades from this one */
/*
 * The login column of events, rollup*, and findings: 1 a login user, 0 a
 * real uid without a login session, DB_LOGIN_ACTOR a declared actor:
 * then user_uid is actors.id, not a uid.
 */
#define DB_LOGIN_ACTOR		2
#define DB_LOGIN_ACTOR_SQL	"2"
/*
 * PRAGMA application_id of the collector's database ("dAud"); databases
 * created before it was set have 0 and are recognised by their tables.
 */
#define DB_APPLICATION_ID	1682011492
#define DB_APPLICATION_ID_SQL	"1682011492"
#define DB_DEFAULT_PATH		"/var/lib/daudit/daudit.db"
#define DB_CONFIG_PATH		"/etc/daudit/dauditd.conf"

/* A row of the actors table (docs/collector.md). */
struct qactor {
	uint32_t id;
	char *actor;			/* canonical text (record.h) */
	uint32_t account_uid;		/* the account it came through */
	int account_login;
	char *app_exe;			/* the declaring executable, or NULL */
};

struct qdb {
	sqlite3 *db;
	char *path;
	struct qname {
		uint32_t uid;
		char *name;
	} names[256];
	unsigned int nnames;
	struct qactor *actors;		/* cache, by id */
	unsigned int nactors;
	char *actor_arg;		/* qdb_actor_id()'s answer */
};

/*
 * The database to read: @override, else $DAUDIT_DATABASE, else
 * [collector] database in dauditd.conf ($DAUDIT_CONFIG or
 * /etc/daudit/dauditd.conf), else /var/lib/daudit/daudit.db.  malloc'd.
 */
char *qdb_path(const char *override);

/*
 * The fleet's store named in dauditd.conf (DAUDIT_CONFIG, else the
 * default path): [collector] store and store_password_file, each set
 * only where the pointer is still NULL (malloc'd).  A file that cannot
 * be read names no store.
 */
void qdb_store_config(char **store, char **passfile);

/*
 * Whether @path is a daudit database of a known schema version, judged
 * without changing it: no lock, no -wal or -shm created (immutable=1
 * unless a -wal exists).  @integrity adds PRAGMA integrity_check (or
 * quick_check on a large file).  1: ours; 0: nothing there yet (no file,
 * an empty one, or an SQLite file without tables); -1 with a one-line
 * reason in @err that says how to move the file aside: another
 * program's database, a future schema version, damage.
 */
int qdb_check(const char *path, int integrity, char *err, size_t errlen);

/* Open read-only; -1 with a one-line reason in @err. */
int qdb_open(struct qdb *q, const char *path, char *err, size_t errlen);
void qdb_close(struct qdb *q);

/* Prepare and step; SQLite errors exit 1 with a message. */
sqlite3_stmt *qdb_prepare(struct qdb *q, const char *sql);
int qdb_step(struct qdb *q, sqlite3_stmt *st);
/* A one-value query without parameters; @dflt for NULL or no row. */
int64_t qdb_int(struct qdb *q, const char *sql, int64_t dflt);
int64_t qdb_meta_int(struct qdb *q, const char *key, int64_t dflt);
/* malloc'd, or NULL. */
char *qdb_meta(struct qdb *q, const char *key);

/* The name the collector stored for @uid, else NSS, else the number. */
const char *qdb_user_name(struct qdb *q, uint32_t uid);
/* "alice", or "postgres (no login)" for a user without a login session. */
const char *qdb_user_label(struct qdb *q, uint32_t uid, int login,
			   char *buf, size_t len);
/*
 * The actor of actors.id @id (cached), or NULL.  Its strings live as
 * long as @q.
 */
const struct qactor *qdb_actor(struct qdb *q, uint32_t id);
/*
 * Who a (user_uid, login) pair of the rollups and findings is: the
 * actor id for DB_LOGIN_ACTOR, else the user's name.
 */
const char *qdb_person_name(struct qdb *q, uint32_t uid, int login);
/* "emp-07 (actor via /opt/crm/bin/crm-server as svc-crm)"; a user as
 * qdb_user_label() says. */
const char *qdb_person_label(struct qdb *q, uint32_t uid, int login,
			     char *buf, size_t len);
/* For an actor, "svc-crm" or "svc-crm (no login)"; "" for a user. */
const char *qdb_account_label(struct qdb *q, uint32_t uid, int login,
			      char *buf, size_t len);

/* A uid from a name or number; 0 or -1. */
int qdb_user_lookup(struct qdb *q, const char *name, uint32_t *uid);
/*
 * The actor id as the actors table stores it (record.h) for @actor as a
 * person gives it: stored text, or as a terminal shows it (text.h: its
 * bidirectional controls escaped too).  @actor itself if neither is
 * stored; else a string that lives as long as @q (or @actor).
 */
const char *qdb_actor_id(struct qdb *q, const char *actor);
/*
 * The same, but exit 1 with "@verb: no actor ..." unless the actors table
 * has it (its id as 'daudit users --by actor' shows it), the way a
 * verb's --actor refuses an id the collector never stored.
 */
const char *qdb_need_actor(struct qdb *q, const char *actor, const char *verb);

/* ------------------------------------------------------------------ */
/* Options shared by the query verbs                                   */
/* ------------------------------------------------------------------ */

struct qopts {
	int format;
	const char *database;
	const char *since_arg;
	const char *until_arg;
	int64_t since, until;		/* seconds, [since, until) */
	int utc;			/* --utc: times shown and read in UTC */
	const char *store;		/* --store: the fleet's PostgreSQL */
	const char *passfile;		/* --password-file */
	int fleet;			/* --fleet: the store of dauditd.conf */
};

/* getopt_long entries; a verb puts QOPTS_LONG in its option table. */
#define QOPT_SINCE	0x1001
#define QOPT_UNTIL	0x1002
#define QOPT_DATABASE	0x1003
#define QOPT_UTC	0x1004
#define QOPT_NO_HEADINGS 0x1005
#define QOPT_STORE	0x1006
#define QOPT_PASSFILE	0x1007
#define QOPT_FLEET	0x1008
#define QOPTS_LONG \
	{ "since", required_argument, NULL, QOPT_SINCE }, \
	{ "until", required_argument, NULL, QOPT_UNTIL }, \
	{ "format", required_argument, NULL, 'f' }, \
	{ "database", required_argument, NULL, QOPT_DATABASE }, \
	{ "utc", no_argument, NULL, QOPT_UTC }, \
	{ "no-headings", no_argument, NULL, QOPT_NO_HEADINGS }, \
	{ "store", required_argument, NULL, QOPT_STORE }, \
	{ "password-file", required_argument, NULL, QOPT_PASSFILE }, \
	{ "fleet", no_argument, NULL, QOPT_FLEET }

#define QOPTS_HELP \
	"  --since TIME      start of the period (default: %s ago); TIME is a\n" \
	"                    duration ago (30m, 24h, 7d), today, yesterday, or\n" \
	"                    an ISO date/time (2026-11-27, 2026-11-27T10:00,\n" \
	"                    with an optional Z or +01:00); local time otherwise\n" \
	"  --until TIME      end of the period (default: now)\n" \
	"  -f, --format F    table (default), json or csv\n" \
	"  --utc             times in UTC, shown and read (--since, --until),\n" \
	"                    instead of local time\n" \
	"  --no-headings     tables and CSV without their header line\n" \
	"  --database PATH   the collector's database (default: from\n" \
	"                    /etc/daudit/dauditd.conf, else " DB_DEFAULT_PATH ")\n" \
	"  --store URL       the fleet's PostgreSQL store instead (users, user,\n" \
	"                    top, events, report): postgresql://USER@HOST/DB?...\n" \
	"  --password-file F its password, in a file only its owner reads\n" \
	"                    (default: libpq's PGPASSFILE, ~/.pgpass, service)\n" \
	"  --fleet           the store (and store_password_file) of dauditd.conf\n"

void qopts_init(struct qopts *o);
/* --utc: local times shown and read from now on are UTC (status too). */
void q_use_utc(const char *verb);
/* 1 if @c was a shared option (handled), 0 if not; bad values exit 2. */
int qopts_option(struct qopts *o, int c, const char *arg, const char *verb);
/* Resolve the period; @default_since is seconds before now. */
void qopts_finish(struct qopts *o, const char *verb, int64_t default_since);
/*
 * Open the database named by the options, or exit 1 with a message; a
 * verb that does not read the fleet's store (incident) exits 2 on --store.
 */
void qopts_open(struct qopts *o, struct qdb *q);

/* Start of the local hour holding @t: rollup ranges are whole hours. */
int64_t q_hour_floor(int64_t t);

/* ------------------------------------------------------------------ */
/* Per-user totals over a period (users, top, report)                  */
/* ------------------------------------------------------------------ */

struct quser {
	uint32_t uid;			/* actors.id for DB_LOGIN_ACTOR */
	int login;			/* 0, 1 or DB_LOGIN_ACTOR */
	uint64_t actors;		/* Q_BY_ACCOUNT: actors folded in */
	uint64_t bytes;			/* read, incl. mmap faults */
	uint64_t sessions;
	uint64_t files;			/* distinct (dataset, path) */
	uint64_t datasets;
	uint64_t exes;
	uint64_t egress;		/* net (not loopback), unix, file;
					 * not an actor's answers to its client */
	uint64_t egress_net, egress_loopback, egress_unix, egress_file;
	uint64_t delivered;		/* actors: answers to their own client */
	char *top_exe;			/* by bytes read */
	uint64_t top_exe_bytes;
	uint64_t findings;
	uint64_t risk;			/* sum of finding scores */
};

/*
 * Every person with reads, egress or findings in [since, until),
 * restricted to @dataset when not NULL, into a malloc'd array: login
 * users, users without a login, and declared actors, each apart (the
 * people a review ranks).  Returns the count.
 */
size_t q_users(struct qdb *q, int64_t since, int64_t until,
	       const char *dataset, struct quser **out);

enum q_by {
	Q_BY_PERSON,			/* actors apart from their accounts */
	Q_BY_ACCOUNT,			/* actors counted in their account */
};
/* q_users() grouped as @by says. */
size_t q_users_by(struct qdb *q, int64_t since, int64_t until,
		  const char *dataset, enum q_by by, struct quser **out);
void q_users_free(struct quser *u, size_t n);
/*
 * Keep only the rows of actor @actor (one per account it came through)
 * at the front of @u, freeing the others' strings; returns how many.
 */
size_t q_users_keep_actor(struct qdb *q, struct quser *u, size_t n,
			  const char *actor);

#endif
