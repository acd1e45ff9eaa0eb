// SPDX-License-Identifier: GPL-2.0
/*
 * Rollups.  A read adds to its hour and its day: bytes (read plus mmap
 * faults), calls, records, a session when it is the session's first
 * record (part 0, so interim and final records count one session), and
 * the file and executable to the distinct sets (bytes per file and per
 * executable are kept per hour; a day's set only records membership).  An egress record adds
 * its bytes to the column of its kind, but a declared actor's egress to
 * the client the application declared for it (event_is_delivery(): the
 * application's answer to that person) to delivered instead.  Distinct counts are exact: the
 * sets are tables (rollup_file, rollup_exe), and a member counts when its
 * row is first inserted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rollup.h"
#include "store.h"
#include "util.h"

struct rkey {
	int64_t bucket;
	uint32_t user;
	uint32_t period;
	uint32_t login;
	uint32_t pad;
	char names[];			/* dataset NUL [member NUL] */
};

struct delta {
	uint64_t bytes, mmap_bytes, calls, records, sessions, files, exes;
	uint64_t egress_net, egress_loopback, egress_unix, egress_file;
	uint64_t delivered;
};

/* A member of a distinct set, in this batch. */
struct member {
	uint64_t bytes;
	uint64_t records;
	int64_t first_event;		/* lowest events.id */
};

#define KEYBUF (sizeof(struct rkey) + DAUDIT_NAME_MAX + DAUDIT_PATH_MAX + 80)

void rollup_init(struct rollup *r, struct store *s)
{
	memset(r, 0, sizeof(*r));
	r->store = s;
	r->mark = -1;
	tp_cache_init(&r->tc);
	hmap_init_arena(&r->deltas, sizeof(struct delta));
	hmap_init_arena(&r->days, sizeof(struct delta));
	hmap_init_arena(&r->files, sizeof(struct member));
	hmap_init_arena(&r->exes, sizeof(struct member));
	hmap_init(&r->days_read, 0);
	hmap_init(&r->hours_files, 0);
	r->upsert = store_prepare(s,
		"INSERT INTO rollup (period, bucket, user_uid, login, dataset,"
		" bytes, mmap_bytes, calls, records, sessions, files, exes,"
		" egress_net, egress_loopback, egress_unix, egress_file, delivered)"
		" VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17)"
		" ON CONFLICT (period, bucket, user_uid, login, dataset) DO UPDATE SET"
		" bytes = bytes + ?6, mmap_bytes = mmap_bytes + ?7,"
		" calls = calls + ?8, records = records + ?9,"
		" sessions = sessions + ?10, files = files + ?11, exes = exes + ?12,"
		" egress_net = egress_net + ?13,"
		" egress_loopback = egress_loopback + ?14,"
		" egress_unix = egress_unix + ?15, egress_file = egress_file + ?16,"
		" delivered = delivered + ?17");
	r->upd_row = store_prepare(s,
		"UPDATE rollup SET bytes = bytes + ?6, mmap_bytes = mmap_bytes + ?7,"
		" calls = calls + ?8, records = records + ?9,"
		" sessions = sessions + ?10, files = files + ?11, exes = exes + ?12,"
		" egress_net = egress_net + ?13,"
		" egress_loopback = egress_loopback + ?14,"
		" egress_unix = egress_unix + ?15, egress_file = egress_file + ?16,"
		" delivered = delivered + ?17 WHERE period = ?1 AND bucket = ?2 AND user_uid = ?3 AND"
		" login = ?4 AND dataset = ?5");
	r->upd_file = store_prepare(s,
		"UPDATE rollup_file SET bytes = bytes + ?7, records = records + ?8"
		" WHERE period = ?1 AND bucket = ?2 AND user_uid = ?3 AND"
		" login = ?4 AND dataset = ?5 AND path = ?6");
	r->ins_file = store_prepare(s,
		"INSERT OR IGNORE INTO rollup_file (period, bucket, user_uid, login,"
		" dataset, path, bytes, records, first_event)"
		" VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)");
	r->upd_exe = store_prepare(s,
		"UPDATE rollup_exe SET bytes = bytes + ?7, records = records + ?8"
		" WHERE period = ?1 AND bucket = ?2 AND user_uid = ?3 AND"
		" login = ?4 AND dataset = ?5 AND exe = ?6");
	r->ins_exe = store_prepare(s,
		"INSERT OR IGNORE INTO rollup_exe (period, bucket, user_uid, login,"
		" dataset, exe, bytes, records, first_event)"
		" VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)");
}

void rollup_free(struct rollup *r)
{
	hmap_free(&r->deltas, NULL);
	hmap_free(&r->days, NULL);
	hmap_free(&r->files, NULL);
	hmap_free(&r->exes, NULL);
	hmap_free(&r->days_read, NULL);
	hmap_free(&r->hours_files, NULL);
	hset_free(&r->known);
	sqlite3_finalize(r->upsert);
	sqlite3_finalize(r->upd_row);
	sqlite3_finalize(r->upd_file);
	sqlite3_finalize(r->ins_file);
	sqlite3_finalize(r->upd_exe);
	sqlite3_finalize(r->ins_exe);
	memset(r, 0, sizeof(*r));
}

/* Build a key; returns its length. */
static size_t make_key(void *buf, uint32_t period, int64_t bucket,
		       const struct event *e, const char *member)
{
	struct rkey *k = buf;
	size_t n = strlen(e->dataset) + 1;

	memset(k, 0, sizeof(*k));
	k->bucket = bucket;
	k->user = e->user;
	k->period = period;
	k->login = (uint32_t)e->login;
	memcpy(k->names, e->dataset, n);
	if (member) {
		size_t m = strlen(member) + 1;

		memcpy(k->names + n, member, m);
		n += m;
	}
	return sizeof(*k) + n;
}

const char *rollup_exe_name(const struct event *e, char *buf, size_t len)
{
	char comm[DAUDIT_COMM_LEN + 1];

	if (e->exe)
		return e->exe;
	/* Unknown only when the process record was lost: name the comm. */
	memcpy(comm, e->subj ? e->subj->comm : "", e->subj ? DAUDIT_COMM_LEN : 1);
	comm[DAUDIT_COMM_LEN] = '\0';
	snprintf(buf, len, "[%s]", comm);
	return buf;
}

static void add_member(struct hmap *m, int64_t hour, const struct event *e,
		       const char *member, uint64_t bytes)
{
	unsigned char key[KEYBUF];
	size_t n = make_key(key, ROLLUP_HOUR, hour, e, member);
	struct member *v = hmap_insert(m, key, n, NULL);

	v->bytes += bytes;
	v->records++;
	if (!v->first_event || e->id < v->first_event)
		v->first_event = e->id;
}

/*
 * The batch keeps one entry per local hour; the day rows are written
 * from the same entries when the batch is flushed (an hour lies in one
 * day), so a record costs three map lookups, not six.
 */
static struct delta *hour_delta(struct rollup *r, int64_t hour,
				const struct event *e)
{
	unsigned char key[KEYBUF];

	return hmap_insert(&r->deltas, key,
			   make_key(key, ROLLUP_HOUR, hour, e, NULL), NULL);
}

static void add_read(struct rollup *r, int64_t hour, const struct event *e)
{
	struct delta *d = hour_delta(r, hour, e);
	uint64_t b = event_read_bytes(e);
	char exe[64];

	d->bytes += b;
	d->mmap_bytes += e->mmap_bytes;
	d->calls += e->calls;
	d->records++;
	d->sessions += e->part == 0;
	add_member(&r->files, hour, e, e->path ? e->path : "", b);
	add_member(&r->exes, hour, e, rollup_exe_name(e, exe, sizeof(exe)), b);
}

static void add_egress(struct rollup *r, int64_t hour, const struct event *e)
{
	struct delta *d = hour_delta(r, hour, e);

	d->records++;
	/* An actor's answer to its own client: not data leaving. */
	if (event_is_delivery(e)) {
		d->delivered += e->bytes;
		return;
	}
	switch (e->kind) {
	case DAUDIT_EGRESS_NET:
		if (e->flags & DAUDIT_EGRESS_F_LOOPBACK)
			d->egress_loopback += e->bytes;
		else
			d->egress_net += e->bytes;
		break;
	case DAUDIT_EGRESS_UNIX:
		d->egress_unix += e->bytes;
		break;
	default:
		d->egress_file += e->bytes;
	}
}

void rollup_event(struct rollup *r, const struct event *e)
{
	int64_t hour;

	if (!e->subj || !e->dataset)
		return;
	if (!event_is_read(e) && e->type != DAUDIT_REC_EGRESS)
		return;
	tp_bucket(&r->tc, (int64_t)(e->time_ns / NSEC_PER_SEC), &hour, NULL);
	if (event_is_read(e))
		add_read(r, hour, e);
	else
		add_egress(r, hour, e);
}

static void bind_key(sqlite3_stmt *st, const struct rkey *k, size_t klen,
		     int with_member)
{
	const char *ds = k->names;

	sqlite3_bind_int(st, 1, (int)k->period);
	sqlite3_bind_int64(st, 2, k->bucket);
	sqlite3_bind_int64(st, 3, k->user);
	sqlite3_bind_int(st, 4, (int)k->login);
	sqlite3_bind_text(st, 5, ds, -1, SQLITE_STATIC);
	if (with_member) {
		const char *m = ds + strlen(ds) + 1;

		(void)klen;
		sqlite3_bind_text(st, 6, m, -1, SQLITE_STATIC);
	}
}

static void bind_member(sqlite3_stmt *st, const struct rkey *k, size_t klen,
			const struct member *v)
{
	bind_key(st, k, klen, 1);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)v->bytes);
	sqlite3_bind_int64(st, 8, (sqlite3_int64)v->records);
}

/* Add @v to its row, or insert the row; returns 1 if it was new. */
static int write_member(struct rollup *r, const struct rkey *k, size_t klen,
			const struct member *v, sqlite3_stmt *upd,
			sqlite3_stmt *ins, uint64_t h)
{
	sqlite3 *db = r->store->db;

	/*
	 * Rows this run wrote before: one UPDATE.  (A hash that only looks
	 * known updates nothing and falls through to the insert.)
	 */
	if (hset_has(&r->known, h)) {
		bind_member(upd, k, klen, v);
		store_run(r->store, upd);
		if (sqlite3_changes(db))
			return 0;
	}
	if (r->known.n >= ROLLUP_KNOWN_MAX)
		hset_clear(&r->known);
	hset_add(&r->known, h);
	bind_member(ins, k, klen, v);
	sqlite3_bind_int64(ins, 9, v->first_event);
	store_run(r->store, ins);
	if (sqlite3_changes(db))
		return 1;
	/* Written before a restart, or before the set was cleared. */
	bind_member(upd, k, klen, v);
	store_run(r->store, upd);
	return 0;
}

/*
 * A day's member rows only say that the member was read that day (and
 * which event first): bytes per member are kept per hour.  So a member
 * this run already wrote for the day costs nothing.  Returns 1 if new.
 */
static int day_member(struct rollup *r, const struct rkey *k, size_t klen,
		      const struct member *v, sqlite3_stmt *ins, uint64_t h)
{
	const struct member none = { 0, 0, v->first_event };

	if (hset_has(&r->known, h))
		return 0;
	if (r->known.n >= ROLLUP_KNOWN_MAX)
		hset_clear(&r->known);
	hset_add(&r->known, h);
	bind_member(ins, k, klen, &none);
	sqlite3_bind_int64(ins, 9, v->first_event);
	store_run(r->store, ins);
	return sqlite3_changes(r->store->db) > 0;
}

/* The day version of an hour key, into @buf. */
static const struct rkey *day_key(struct rollup *r, const struct rkey *k,
				  size_t klen, unsigned char *buf)
{
	struct rkey *d = (void *)buf;
	int64_t day;

	memcpy(buf, k, klen);
	tp_bucket(&r->tc, k->bucket, NULL, &day);
	d->bucket = day;
	d->period = ROLLUP_DAY;
	return d;
}

/* The rollup row a member counts in (its key without the member). */
static struct delta *row_of(struct hmap *m, const struct rkey *k)
{
	unsigned char key[KEYBUF];
	size_t n = sizeof(struct rkey) + strlen(k->names) + 1;

	memcpy(key, k, n);
	return hmap_insert(m, key, n, NULL);
}

/*
 * Write a set: add to each member's hour and day rows, or insert them,
 * and count the new ones as distinct members of their rollup rows.
 */
static void flush_set(struct rollup *r, struct hmap *set, sqlite3_stmt *upd,
		      sqlite3_stmt *ins, int is_files)
{
	unsigned char dbuf[KEYBUF];
	size_t pos = 0, klen;
	struct member *v;

	while ((v = hmap_next(set, &pos))) {
		const struct rkey *k = hmap_key(v, &klen), *dk;
		uint64_t h = hmap_hash(k, klen) ^ (uint64_t)is_files;

		if (write_member(r, k, klen, v, upd, ins, h)) {
			struct delta *d = row_of(&r->deltas, k);

			if (is_files) {
				struct rollup_touch t = { k->bucket, k->user,
							  k->login };

				d->files++;
				hmap_insert(&r->hours_files, &t, sizeof(t), NULL);
			} else {
				d->exes++;
			}
		}
		dk = day_key(r, k, klen, dbuf);
		if (day_member(r, dk, klen, v, ins,
			       hmap_hash(dk, klen) ^ (uint64_t)is_files)) {
			struct delta *d = row_of(&r->days, dk);

			if (is_files)
				d->files++;
			else
				d->exes++;
		}
	}
	hmap_clear(set, NULL);
}

static void bind_delta(sqlite3_stmt *st, const struct rkey *k, size_t klen,
		       const struct delta *d)
{
	const uint64_t v[] = { d->bytes, d->mmap_bytes, d->calls, d->records,
			       d->sessions, d->files, d->exes, d->egress_net,
			       d->egress_loopback, d->egress_unix,
			       d->egress_file, d->delivered };
	unsigned int i;

	bind_key(st, k, klen, 0);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		sqlite3_bind_int64(st, 6 + (int)i, (sqlite3_int64)v[i]);
}

/* Add to a rollup row: a plain UPDATE for rows this run wrote before. */
static void upsert_row(struct rollup *r, const struct rkey *k, size_t klen,
		       const struct delta *d)
{
	uint64_t h = hmap_hash(k, klen) ^ 2;

	if (hset_has(&r->known, h)) {
		bind_delta(r->upd_row, k, klen, d);
		store_run(r->store, r->upd_row);
		if (sqlite3_changes(r->store->db))
			return;
	}
	if (r->known.n >= ROLLUP_KNOWN_MAX)
		hset_clear(&r->known);
	hset_add(&r->known, h);
	bind_delta(r->upsert, k, klen, d);
	store_run(r->store, r->upsert);
}

void rollup_flush(struct rollup *r)
{
	unsigned char dbuf[KEYBUF];
	size_t pos = 0, klen;
	struct delta *d;

	flush_set(r, &r->files, r->upd_file, r->ins_file, 1);
	flush_set(r, &r->exes, r->upd_exe, r->ins_exe, 0);
	/* Each hour's totals go to the hour and to its day. */
	while ((d = hmap_next(&r->deltas, &pos))) {
		const struct rkey *k = hmap_key(d, &klen), *dk;
		struct delta *day;
		struct delta hd = *d;

		upsert_row(r, k, klen, d);
		dk = day_key(r, k, klen, dbuf);
		day = row_of(&r->days, dk);
		/* The day's distinct counts come from its own members. */
		hd.files = day->files;
		hd.exes = day->exes;
		day->files = day->exes = 0;
		upsert_row(r, dk, klen, &hd);
		if (d->bytes) {
			struct rollup_touch t = { dk->bucket, dk->user, dk->login };

			hmap_insert(&r->days_read, &t, sizeof(t), NULL);
		}
	}
	hmap_clear(&r->deltas, NULL);
	hmap_clear(&r->days, NULL);
	/* Same transaction: the rows and how far they count. */
	r->mark = r->store->last_event_id;
	store_meta_int(r->store, ROLLUP_MARK, r->mark);
}

int rollup_pending(const struct rollup *r)
{
	return r->deltas.n > 0 || r->mark != r->store->last_event_id;
}

/*
 * The events after the mark into the in-memory rollups: what a run that
 * ended before its next flush had committed as events only.  A database
 * without a mark (older dauditd wrote rollups with every commit) or with
 * a mark above the last event (retention emptied the table, and ids
 * start again) is complete.
 */
uint64_t rollup_replay(struct rollup *r)
{
	struct store *s = r->store;
	int64_t last = store_reload_last_event_id(s);
	int64_t mark = store_meta_get_int(s, ROLLUP_MARK, -1);
	struct daudit_subject subj;
	sqlite3_stmt *st;
	uint64_t n = 0;
	char sql[512];

	r->mark = mark;
	if (mark < 0 || mark > last)
		return 0;
	snprintf(sql, sizeof(sql),
		 "SELECT id, type, time_ns, user_uid, login, comm, exe, dataset,"
		 " path, IFNULL(bytes, 0), IFNULL(mmap_bytes, 0), IFNULL(calls, 0),"
		 " IFNULL(part, 0), IFNULL(kind, 0), IFNULL(flags, 0), dest,"
		 " client FROM events"
		 " WHERE id > ?1 AND type IN (%d, %d, %d) AND dataset IS NOT NULL"
		 " AND comm IS NOT NULL ORDER BY id", DAUDIT_REC_FILE_READ,
		 DAUDIT_REC_SOCK_READ, DAUDIT_REC_EGRESS);
	st = store_prepare(s, sql);
	sqlite3_bind_int64(st, 1, mark);
	while (store_step(s, st)) {
		struct event e;
		const char *comm = (const char *)sqlite3_column_text(st, 5);

		memset(&e, 0, sizeof(e));
		memset(&subj, 0, sizeof(subj));
		memcpy(subj.comm, comm, strnlen(comm, sizeof(subj.comm)));
		e.subj = &subj;
		e.id = sqlite3_column_int64(st, 0);
		e.type = (uint32_t)sqlite3_column_int(st, 1);
		e.time_ns = (uint64_t)sqlite3_column_int64(st, 2);
		e.user = (uint32_t)sqlite3_column_int64(st, 3);
		e.login = sqlite3_column_int(st, 4);
		e.exe = (const char *)sqlite3_column_text(st, 6);
		e.dataset = (const char *)sqlite3_column_text(st, 7);
		e.path = (const char *)sqlite3_column_text(st, 8);
		e.bytes = (uint64_t)sqlite3_column_int64(st, 9);
		e.mmap_bytes = (uint64_t)sqlite3_column_int64(st, 10);
		e.calls = (uint64_t)sqlite3_column_int64(st, 11);
		e.part = (uint32_t)sqlite3_column_int64(st, 12);
		e.kind = (uint32_t)sqlite3_column_int(st, 13);
		e.flags = (uint32_t)sqlite3_column_int64(st, 14);
		e.dest = (const char *)sqlite3_column_text(st, 15);
		e.client = (const char *)sqlite3_column_text(st, 16);
		rollup_event(r, &e);
		n++;
	}
	sqlite3_finalize(st);
	return n;
}

void rollup_clear_touched(struct rollup *r)
{
	hmap_clear(&r->days_read, NULL);
	hmap_clear(&r->hours_files, NULL);
}
