/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-user rollups per local hour and per local day, per dataset: bytes
 * read, read sessions, distinct files, distinct executables, egress bytes
 * by kind of destination.  Deltas gather in memory while records are
 * stored and are written as a few upserts about once a second
 * (rollup_flush_ms), with a mark that says up to which event they count;
 * events after the mark are added again at start (rollup_replay()).
 */
#ifndef DAUDITD_ROLLUP_H
#define DAUDITD_ROLLUP_H

#include <sqlite3.h>
#include <stdint.h>

#include "event.h"
#include "hmap.h"
#include "timeparse.h"

struct store;

#define ROLLUP_HOUR	3600
#define ROLLUP_DAY	86400
/* Member rows remembered as written (8 to 16 bytes each). */
#define ROLLUP_KNOWN_MAX	(1U << 20)
/* meta key: every event up to this events.id is in the rollup tables. */
#define ROLLUP_MARK	"rollup_event_id"

/* A (period, bucket, user) whose totals changed in the last flush. */
struct rollup_touch {
	int64_t bucket;
	uint32_t user;
	uint32_t login;
};

struct rollup {
	struct store *store;
	struct tp_cache tc;
	struct hmap deltas;		/* (hour, user, dataset): totals */
	struct hmap days;		/* (day, user, dataset): new members */
	struct hmap files;		/* (hour, user, dataset, path) */
	struct hmap exes;		/* (hour, user, dataset, exe) */
	struct hmap days_read;		/* days whose bytes grew: spike rule */
	struct hmap hours_files;	/* hours with new files: enumeration */
	sqlite3_stmt *upsert, *upd_row;
	sqlite3_stmt *upd_file, *ins_file;
	sqlite3_stmt *upd_exe, *ins_exe;
	struct hset known;		/* members this run wrote (hashes) */
	int64_t mark;			/* ROLLUP_MARK as last written */
};

void rollup_init(struct rollup *r, struct store *s);
void rollup_free(struct rollup *r);

void rollup_event(struct rollup *r, const struct event *e);
/*
 * Write the deltas gathered since the last flush, and the mark: the
 * highest events.id they count (meta ROLLUP_MARK), inside the open
 * transaction.
 */
void rollup_flush(struct rollup *r);
/* 1 if a flush would write something (records, or a new mark). */
int rollup_pending(const struct rollup *r);
/*
 * At start: the events stored after the mark (committed, but a crash came
 * before their rollups were written) into the deltas, for the next
 * flush.  Returns how many.
 */
uint64_t rollup_replay(struct rollup *r);
/* Forget the touched hours and days (after the rules looked at them). */
void rollup_clear_touched(struct rollup *r);

/* The name a read counts under in distinct executables. */
const char *rollup_exe_name(const struct event *e, char *buf, size_t len);

#endif
