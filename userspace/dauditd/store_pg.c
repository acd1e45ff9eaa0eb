// SPDX-License-Identifier: GPL-2.0
/*
 * The fleet store in PostgreSQL (store_pg.h): events buffered as COPY
 * text, shipped in one transaction before the SQLite store commits (the
 * rows above the host's marks by COPY straight into the events: 30 to
 * 40 % faster than a staging table and ON CONFLICT on this machine),
 * retried until the server takes them.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "ecs.h"
#include "event.h"
#include "pgconn.h"
#include "pgschema.h"
#include "store_pg.h"
#include "timeparse.h"
#include "util.h"

#define RETRY_FIRST_MS	1000
#define RETRY_MAX_MS	30000

/* ------------------------------------------------------------------ */
/* COPY text                                                           */
/* ------------------------------------------------------------------ */

static void put(struct store_pg *pg, const char *s, size_t n)
{
	if (pg->len + n + 1 > pg->cap) {
		size_t cap = pg->cap ? pg->cap : 1 << 20;

		while (pg->len + n + 1 > cap)
			cap *= 2;
		pg->buf = util_xrealloc(pg->buf, cap);
		pg->cap = cap;
	}
	memcpy(pg->buf + pg->len, s, n);
	pg->len += n;
}

static void put_null(struct store_pg *pg)
{
	put(pg, "\\N\t", 3);
}

static void put_i64(struct store_pg *pg, int64_t v)
{
	char b[24];
	int n = snprintf(b, sizeof(b), "%" PRId64 "\t", v);

	put(pg, b, (size_t)n);
}

/* uint64 values (instance ids) as their two's complement, as in SQLite. */
static void put_u64(struct store_pg *pg, uint64_t v)
{
	put_i64(pg, (int64_t)v);
}

static void put_id(struct store_pg *pg, uint32_t v)
{
	if (v == DAUDIT_UID_UNSET)
		put_null(pg);
	else
		put_i64(pg, v);
}

static int plain(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e ||
		    s[i] == '\\')
			return 0;
	return 1;
}

/*
 * Text as the database takes it: the server wants valid UTF-8, and the
 * kernel's paths and names are bytes, so anything else (and control
 * characters) is written as \xHH, the rule of ecs.h; then COPY's own
 * escape, a doubled backslash.
 */
static void put_text_n(struct store_pg *pg, const char *s, size_t n)
{
	size_t i, m;

	if (!s) {
		put_null(pg);
		return;
	}
	if (plain(s, n)) {
		put(pg, s, n);
		put(pg, "\t", 1);
		return;
	}
	if (4 * n + 1 > pg->esc_cap) {
		pg->esc_cap = 4 * n + 1;
		pg->esc = util_xrealloc(pg->esc, pg->esc_cap);
	}
	m = ecs_escape_into(s, n, ecs_set_controls, pg->esc);
	for (i = 0; i < m; i++) {
		if (pg->esc[i] == '\\')
			put(pg, "\\", 1);
		put(pg, pg->esc + i, 1);
	}
	put(pg, "\t", 1);
}

static void put_text(struct store_pg *pg, const char *s)
{
	put_text_n(pg, s, s ? strlen(s) : 0);
}

static void note_day(struct store_pg *pg, uint64_t time_ns)
{
	int64_t day = (int64_t)(time_ns / PGSCHEMA_DAY_NS);
	unsigned int i;

	for (i = 0; i < pg->ndays; i++)
		if (pg->days[i] == day)
			return;
	if (pg->ndays == pg->cap_days) {
		pg->cap_days = pg->cap_days ? 2 * pg->cap_days : 8;
		pg->days = util_xrealloc(pg->days,
					 pg->cap_days * sizeof(*pg->days));
		pg->day_sent = util_xrealloc(pg->day_sent, pg->cap_days *
					     sizeof(*pg->day_sent));
	}
	pg->days[pg->ndays++] = day;
}

/* One row of the staging table: daudit.events without host_id. */
static void pg_event(void *arg, const struct event *e)
{
	struct store_pg *pg = arg;
	const struct daudit_subject *j = e->subj;
	int rw = event_is_read(e) || e->type == DAUDIT_REC_EGRESS;
	struct store_pg_row *w;
	int i;

	if (pg->rows == pg->cap_rows) {
		pg->cap_rows = pg->cap_rows ? 2 * pg->cap_rows : 4096;
		pg->row = util_xrealloc(pg->row, pg->cap_rows * sizeof(*pg->row));
	}
	w = &pg->row[pg->rows];
	w->instance = e->instance_id;
	w->cpu = e->cpu;
	w->seq = e->seq;
	w->time_ns = e->time_ns;
	w->off = pg->len;
	put_u64(pg, e->instance_id);
	put_i64(pg, e->cpu);
	put_u64(pg, e->seq);
	put_u64(pg, e->time_ns);
	put_i64(pg, e->type);
	if (j) {
		put_text(pg, e->user_name);
		put_i64(pg, e->login);
		put_i64(pg, e->user);
		put_i64(pg, j->uid);
		put_i64(pg, j->euid);
		put_id(pg, j->auid);
		put_id(pg, j->sessionid);
		put_i64(pg, j->tgid);
		put_i64(pg, j->ppid);
		put_u64(pg, j->start_ns);
		put_text_n(pg, j->comm, strnlen(j->comm, DAUDIT_COMM_LEN));
	} else {
		for (i = 0; i < 11; i++)
			put_null(pg);
	}
	put_text(pg, e->exe);
	put_text(pg, e->dataset);
	put_text(pg, e->path);
	if (rw) {
		put_u64(pg, e->session_id);
		put_i64(pg, e->part);
		put_i64(pg, e->final);
		put_i64(pg, e->reason);
		put_i64(pg, e->paths);
	} else {
		for (i = 0; i < 5; i++)
			put_null(pg);
	}
	if (rw || e->type == DAUDIT_REC_LOST) {
		put_u64(pg, rw ? e->bytes : 0);
		put_u64(pg, e->calls);
	} else {
		put_null(pg);
		put_null(pg);
	}
	if (rw) {
		put_u64(pg, e->mmap_bytes);
		put_u64(pg, e->first_ns);
		put_u64(pg, e->last_ns);
	} else {
		for (i = 0; i < 3; i++)
			put_null(pg);
	}
	put_i64(pg, e->kind);
	put_i64(pg, e->flags);
	put_text(pg, e->dest);
	if (e->dev || e->ino) {
		put_u64(pg, e->dev);
		put_u64(pg, e->ino);
	} else {
		put_null(pg);
		put_null(pg);
	}
	/* The table's order (pgschema.c): off_min, off_max, then extra. */
	if (e->type == DAUDIT_REC_FILE_READ &&
	    e->off_min != DAUDIT_OFFSET_UNKNOWN) {
		put_u64(pg, e->off_min);
		put_u64(pg, e->off_max);
	} else {
		put_null(pg);
		put_null(pg);
	}
	put_text(pg, e->extra);
	if (e->actor_rec) {
		put_text(pg, e->actor);
		put_text(pg, e->request);
		put_text(pg, e->client);
		put_i64(pg, e->actor_rec->tid);
		put_i64(pg, e->actor_rec->requests);
	} else {
		for (i = 0; i < 5; i++)
			put_null(pg);
	}
	put_text(pg, e->cmdline);	/* migration 4 */
	pg->buf[pg->len - 1] = '\n';	/* the last tab ends the row */
	pg->rows++;
	note_day(pg, e->time_ns);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ------------------------------------------------------------------ */
/* The server                                                          */
/* ------------------------------------------------------------------ */

static void drop_conn(struct store_pg *pg)
{
	PQfinish(pg->conn);
	pg->conn = NULL;
}

static int result_ok(struct store_pg *pg, PGresult *r, ExecStatusType want,
		     char *err, size_t errlen)
{
	int ok = r && PQresultStatus(r) == want;

	if (!ok)
		pgconn_error(pg->conn, r, err, errlen);
	PQclear(r);
	return ok ? 0 : -1;
}

/* Connected, the schema current, our host's id and the staging table. */
static int connect_pg(struct store_pg *pg, char *err, size_t errlen)
{
	const char *params[1] = { pg->host };
	char app[64];
	PGresult *r;
	int from;

	if (pg->conn && PQstatus(pg->conn) == CONNECTION_OK)
		return 0;
	drop_conn(pg);
	pg->hwm_known = 0;
	/* The server's views (pg_stat_activity) name the host. */
	snprintf(app, sizeof(app), "dauditd %s", pg->host);
	pg->conn = pgconn_open(pg->url, pg->passfile, app, err, errlen);
	if (!pg->conn)
		return -1;
	pg->conn_serial++;
	from = pgschema_migrate(pg->conn, err, errlen);
	if (from < 0)
		goto fail;
	if (from < PGSCHEMA_VERSION)
		util_log(LOG_NOTICE, "PostgreSQL store %s: schema brought from version %d to %d",
			 pg->url, from, PGSCHEMA_VERSION);
	r = PQexecParams(pg->conn,
			 "INSERT INTO daudit.hosts (name) VALUES ($1)"
			 " ON CONFLICT (name) DO UPDATE SET last_seen = now()"
			 " RETURNING id", 1, NULL, params, NULL, NULL, 0);
	if (!r || PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
		pgconn_error(pg->conn, r, err, errlen);
		PQclear(r);
		goto fail;
	}
	pg->host_id = atoi(PQgetvalue(r, 0, 0));
	PQclear(r);
	if (pgconn_exec(pg->conn,
			"CREATE TEMP TABLE stage (LIKE daudit.events)"
			" ON COMMIT DELETE ROWS;"
			"ALTER TABLE stage DROP COLUMN host_id", err, errlen) < 0)
		goto fail;
	return 0;
fail:
	drop_conn(pg);
	return -1;
}

int store_pg_connect(struct store_pg *pg, char *err, size_t errlen)
{
	return connect_pg(pg, err, errlen);
}

static int made(struct store_pg *pg, int64_t day)
{
	unsigned int i;

	for (i = 0; i < pg->nmade; i++)
		if (pg->made[i] == day)
			return 1;
	return 0;
}

static int ensure_days(struct store_pg *pg, char *err, size_t errlen)
{
	unsigned int i;

	for (i = 0; i < pg->ndays; i++) {
		if (made(pg, pg->days[i]))
			continue;
		if (pgschema_ensure_day(pg->conn, pg->days[i], err, errlen) < 0)
			return -1;
		if (pg->nmade == pg->cap_made) {
			pg->cap_made = pg->cap_made ? 2 * pg->cap_made : 16;
			pg->made = util_xrealloc(pg->made,
						 pg->cap_made * sizeof(*pg->made));
		}
		pg->made[pg->nmade++] = pg->days[i];
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* High-water marks: what this host stored before                      */
/* ------------------------------------------------------------------ */

static struct store_pg_hwm *hwm_of(struct store_pg *pg, uint64_t instance,
				   unsigned int cpu)
{
	struct store_pg_hwm *h;
	unsigned int i;

	for (i = 0; i < pg->nhwm; i++)
		if (pg->hwm[i].cpu == cpu && pg->hwm[i].instance == instance)
			return &pg->hwm[i];
	if (pg->nhwm == pg->cap_hwm) {
		pg->cap_hwm = pg->cap_hwm ? 2 * pg->cap_hwm : 64;
		pg->hwm = util_xrealloc(pg->hwm, pg->cap_hwm * sizeof(*pg->hwm));
	}
	h = &pg->hwm[pg->nhwm++];
	memset(h, 0, sizeof(*h));
	h->instance = instance;
	h->cpu = cpu;
	return h;
}

/* daudit.hwm of this host, once per connection (a failed commit may have landed). */
static int load_hwm(struct store_pg *pg, char *err, size_t errlen)
{
	char sql[96];
	PGresult *r;
	int i;

	if (pg->hwm_known)
		return 0;
	snprintf(sql, sizeof(sql),
		 "SELECT instance_id, cpu, next_seq FROM daudit.hwm WHERE host_id = %d",
		 pg->host_id);
	r = PQexec(pg->conn, sql);
	if (!r || PQresultStatus(r) != PGRES_TUPLES_OK) {
		pgconn_error(pg->conn, r, err, errlen);
		PQclear(r);
		return -1;
	}
	pg->nhwm = 0;
	for (i = 0; i < PQntuples(r); i++)
		hwm_of(pg, (uint64_t)strtoll(PQgetvalue(r, i, 0), NULL, 10),
		       (unsigned int)atoi(PQgetvalue(r, i, 1)))->next_seq =
			(uint64_t)strtoll(PQgetvalue(r, i, 2), NULL, 10);
	PQclear(r);
	pg->hwm_known = 1;
	return 0;
}

/*
 * What to send: the rows at or above their mark, each with host_id in
 * front (@out); each mark's sent is the highest sent + 1.  The rows
 * kept.
 */
static void count_day(struct store_pg *pg, uint64_t time_ns)
{
	int64_t day = (int64_t)(time_ns / PGSCHEMA_DAY_NS);
	unsigned int i;

	for (i = 0; i < pg->ndays; i++)
		if (pg->days[i] == day) {
			pg->day_sent[i]++;
			return;
		}
}

static uint64_t rows_to_send(struct store_pg *pg)
{
	char id[16];
	int n = snprintf(id, sizeof(id), "%d\t", pg->host_id);
	uint64_t i, kept = 0;

	pg->out_len = 0;
	for (i = 0; i < pg->nhwm; i++)
		pg->hwm[i].sent = pg->hwm[i].last_ns = 0;
	for (i = 0; i < pg->ndays; i++)
		pg->day_sent[i] = 0;
	for (i = 0; i < pg->rows; i++) {
		const struct store_pg_row *w = &pg->row[i];
		struct store_pg_hwm *h = hwm_of(pg, w->instance, w->cpu);
		size_t end = i + 1 < pg->rows ? pg->row[i + 1].off : pg->len;
		size_t need = pg->out_len + (size_t)n + (end - w->off);

		if (w->seq < h->next_seq)
			continue;		/* stored before */
		if (need > pg->out_cap) {
			pg->out_cap = need * 2;
			pg->out = util_xrealloc(pg->out, pg->out_cap);
		}
		memcpy(pg->out + pg->out_len, id, (size_t)n);
		memcpy(pg->out + pg->out_len + n, pg->buf + w->off, end - w->off);
		pg->out_len = need;
		if (w->seq + 1 > h->sent)
			h->sent = w->seq + 1;
		if (w->time_ns > h->last_ns)
			h->last_ns = w->time_ns;
		count_day(pg, w->time_ns);
		kept++;
	}
	return kept;
}

/*
 * The marks that moved, and the rows sent of each day (the fleet review
 * rolls a day up again while its count moves, fleet_review.c), in the
 * open transaction.
 */
static int put_marks(struct store_pg *pg, char *err, size_t errlen)
{
	char *sql = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&sql, &len);
	unsigned int i, n = 0, d = 0;
	int rc;

	if (!f) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < pg->nhwm; i++) {
		const struct store_pg_hwm *h = &pg->hwm[i];

		if (h->sent <= h->next_seq)
			continue;
		fprintf(f, "%s(%d, %" PRId64 ", %u, %" PRId64 ", %" PRId64 ")",
			n++ ? ", " : "INSERT INTO daudit.hwm VALUES ",
			pg->host_id, (int64_t)h->instance, h->cpu,
			(int64_t)h->sent, (int64_t)h->last_ns);
	}
	if (n)
		fputs(" ON CONFLICT (host_id, instance_id, cpu) DO UPDATE"
		      " SET next_seq = greatest(hwm.next_seq, EXCLUDED.next_seq),"
		      " last_ns = greatest(hwm.last_ns, EXCLUDED.last_ns);", f);
	for (i = 0; i < pg->ndays; i++)
		if (pg->day_sent[i])
			fprintf(f, "%s(%" PRId64 ", %d, %" PRIu64 ")",
				d++ ? ", " : "INSERT INTO daudit.day_rows AS d"
				" (day, host_id, rows) VALUES ", pg->days[i],
				pg->host_id, pg->day_sent[i]);
	if (d)
		fputs(" ON CONFLICT (day, host_id) DO UPDATE"
		      " SET rows = d.rows + EXCLUDED.rows", f);
	fclose(f);
	rc = n || d ? pgconn_exec(pg->conn, sql, err, errlen) : 0;
	free(sql);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Shipping                                                            */
/* ------------------------------------------------------------------ */

/*
 * @sql (a COPY ... FROM STDIN) with @len bytes of @data.  0, or -1 with
 * @err; *dup set when a row met a unique key.
 */
static int copy_in(struct store_pg *pg, const char *sql, const char *data,
		   size_t len, int *dup, char *err, size_t errlen)
{
	PGresult *r = PQexec(pg->conn, sql);
	const char *state;

	*dup = 0;
	if (result_ok(pg, r, PGRES_COPY_IN, err, errlen) < 0)
		return -1;
	if (PQputCopyData(pg->conn, data, (int)len) != 1 ||
	    PQputCopyEnd(pg->conn, NULL) != 1) {
		pgconn_error(pg->conn, NULL, err, errlen);
		return -1;
	}
	r = PQgetResult(pg->conn);
	state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	*dup = state && !strcmp(state, "23505");	/* unique_violation */
	if (result_ok(pg, r, PGRES_COMMAND_OK, err, errlen) < 0)
		return -1;
	while ((r = PQgetResult(pg->conn)))
		PQclear(r);
	return 0;
}

/*
 * The slow way, for a batch whose rows met their key although they were
 * above the marks: all of it through the staging table, the rows
 * PostgreSQL has skipped.
 */
static int ship_staged(struct store_pg *pg, char *err, size_t errlen)
{
	char sql[160];
	int dup;

	if (pgconn_exec(pg->conn, "ROLLBACK; BEGIN", err, errlen) < 0 ||
	    copy_in(pg, "COPY stage FROM STDIN", pg->buf, pg->len, &dup, err,
		    errlen) < 0)
		return -1;
	snprintf(sql, sizeof(sql),
		 "INSERT INTO daudit.events SELECT %d, * FROM stage"
		 " ON CONFLICT DO NOTHING", pg->host_id);
	return pgconn_exec(pg->conn, sql, err, errlen);
}

/* One attempt: the buffer in one transaction.  0, or -1 with @err. */
static int ship(struct store_pg *pg, char *err, size_t errlen)
{
	unsigned int i;
	int dup = 0;

	if (connect_pg(pg, err, errlen) < 0)
		return -1;
	if (ensure_days(pg, err, errlen) < 0 ||
	    load_hwm(pg, err, errlen) < 0 ||
	    pgconn_exec(pg->conn, "BEGIN", err, errlen) < 0)
		goto fail;
	if (rows_to_send(pg) &&
	    copy_in(pg, "COPY daudit.events FROM STDIN", pg->out, pg->out_len,
		    &dup, err, errlen) < 0) {
		if (!dup)
			goto fail;
		util_log(LOG_WARNING, "PostgreSQL store %s: rows of host %s above its marks were stored already (is store_host %s used by another host?); storing the batch through the staging table",
			 pg->url, pg->host, pg->host);
		if (ship_staged(pg, err, errlen) < 0)
			goto fail;
	}
	if (put_marks(pg, err, errlen) < 0 ||
	    pgconn_exec(pg->conn, "COMMIT", err, errlen) < 0)
		goto fail;
	for (i = 0; i < pg->nhwm; i++)
		if (pg->hwm[i].sent > pg->hwm[i].next_seq)
			pg->hwm[i].next_seq = pg->hwm[i].sent;
	return 0;
fail:
	/* Whatever state the connection is in, the next attempt starts anew. */
	drop_conn(pg);
	return -1;
}

static void failed(struct store_pg *pg, const char *err)
{
	pg->attempts++;
	if (!pg->down_since_ms)
		pg->down_since_ms = now_ms();
	if (strcmp(err, pg->last_err)) {
		util_err("PostgreSQL store %s: %s; records wait in the journal and are retried (daudit status counts them)",
			 pg->url, err);
		snprintf(pg->last_err, sizeof(pg->last_err), "%s", err);
	}
}

static int stopping(const struct store_pg *pg)
{
	return pg->stop && atomic_load(pg->stop);
}

void store_pg_commit(struct store_pg *pg)
{
	unsigned int delay = RETRY_FIRST_MS, waited;
	char err[512];

	if (!pg->rows)
		return;
	while (ship(pg, err, sizeof(err)) < 0) {
		failed(pg, err);
		for (waited = 0; waited < delay && !stopping(pg); waited += 100)
			usleep(100 * 1000);
		if (stopping(pg))
			util_die(EXIT_FAIL, "PostgreSQL store %s: stopping while it cannot be reached: the %" PRIu64 " records of this transaction, and any after them, stay in the journal for the next start",
				 pg->url, pg->rows);
		if (delay < RETRY_MAX_MS)
			delay = delay * 2 < RETRY_MAX_MS ? delay * 2 :
				RETRY_MAX_MS;
	}
	if (pg->down_since_ms) {
		util_log(LOG_NOTICE, "PostgreSQL store %s: reachable again after %" PRId64 " s; storing the records that waited",
			 pg->url,
			 (now_ms() - pg->down_since_ms) / 1000);
		pg->down_since_ms = 0;
		pg->last_err[0] = '\0';
	}
	pg->shipped += pg->rows;
	pg->rows = 0;
	pg->len = 0;
	pg->ndays = 0;
}

static void pg_commit(void *arg)
{
	store_pg_commit(arg);
}

void store_pg_retention(struct store_pg *pg, int64_t now, unsigned int days)
{
	char err[512];
	int n;

	if (connect_pg(pg, err, sizeof(err)) < 0) {
		failed(pg, err);
		return;
	}
	n = pgschema_drop_before(pg->conn,
				 (now - (int64_t)days * 86400) * NSEC_PER_SEC,
				 err, sizeof(err));
	if (n < 0) {
		util_err("PostgreSQL store %s: retention: %s", pg->url, err);
		drop_conn(pg);
		return;
	}
	/* Partitions dropped may be made again by a late record. */
	pg->nmade = 0;
	if (n)
		util_log(LOG_INFO, "PostgreSQL store %s: retention dropped %d day partitions older than %u days",
			 pg->url, n, days);
}

int store_pg_open(struct store_pg *pg, const struct config *c, char *err,
		  size_t errlen)
{
	char host[256], why[512];

	memset(pg, 0, sizeof(*pg));
	if (c->store_password_file) {
		char *pw = pgconn_read_password(c->store_password_file, err,
						errlen);

		if (!pw)
			return -1;
		free(pw);
		pg->passfile = util_xstrdup(c->store_password_file);
	}
	if (c->store_host) {
		snprintf(host, sizeof(host), "%s", c->store_host);
	} else if (gethostname(host, sizeof(host)) < 0) {
		snprintf(host, sizeof(host), "localhost");
	}
	host[sizeof(host) - 1] = '\0';
	pg->url = util_xstrdup(c->store);
	pg->host = util_xstrdup(host);
	pg->mirror.event = pg_event;
	pg->mirror.commit = pg_commit;
	pg->mirror.arg = pg;
	if (connect_pg(pg, why, sizeof(why)) < 0)
		failed(pg, why);
	else
		util_log(LOG_INFO, "PostgreSQL store %s: connected as host %s (id %d), schema version %d",
			 pg->url, pg->host, pg->host_id, PGSCHEMA_VERSION);
	return 0;
}

void store_pg_close(struct store_pg *pg)
{
	drop_conn(pg);
	free(pg->url);
	free(pg->passfile);
	free(pg->host);
	free(pg->buf);
	free(pg->days);
	free(pg->day_sent);
	free(pg->made);
	free(pg->esc);
	free(pg->row);
	free(pg->out);
	free(pg->hwm);
	memset(pg, 0, sizeof(*pg));
}

void store_pg_set_stop(struct store_pg *pg, atomic_int *stop)
{
	pg->stop = stop;
}
