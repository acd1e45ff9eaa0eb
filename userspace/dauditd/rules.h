/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Review rules, the interface the rest of dauditd uses; the engine and
 * one file per rule are in rules/.  Each rule is a function with its
 * thresholds from [rules] and [hours] and [allowlist]; each finding is
 * one row of `findings` (one per rule and subject and period, see the
 * keys in rules/) with the records that justify it copied into
 * `evidence`.
 *
 * Rules about single records (off_hours, first_access, unapproved_reader,
 * read_then_egress, hardlink, tamper) run as each record is stored, and
 * their findings are written in the batch's transaction, so a finding is
 * committed with the records it is about, exactly once.  Rules about
 * totals (volume_spike, enumeration) run when the rollups are written
 * (rollup_flush_ms), in that transaction.
 */
#ifndef DAUDITD_RULES_H
#define DAUDITD_RULES_H

#include <sqlite3.h>
#include <stdint.h>

#include "baseline.h"
#include "config.h"
#include "event.h"
#include "hmap.h"
#include "timeparse.h"

struct store;
struct rollup;
struct finding_state;

/*
 * read_then_egress groups by login session (auid, sessionid), or by
 * process (uid, tgid, start_ns) when there is no login session.
 */
struct session_key {
	uint64_t start_ns;
	uint32_t kind;			/* 'L' or 'P' */
	uint32_t user;
	uint32_t id;			/* sessionid or tgid */
	uint32_t pad;
};

struct rules {
	const struct config *cfg;
	struct store *store;
	struct tp_cache tc;
	struct hmap findings;		/* key -> struct finding_state */
	struct finding_state **dirty;	/* changed since the last flush */
	size_t n_dirty, cap_dirty;
	struct hmap last_access;	/* user, dataset -> time (ns) */
	struct hmap sessions;		/* login session -> reads, egress */
	struct rsession *last_session;	/* looked up last, and its key */
	struct session_key last_skey;
	struct hmap baselines;		/* user, day -> struct baseline */
	int sessions_loaded;		/* read_then_egress state rebuilt */
	uint64_t history_start_ns;	/* first record the database holds */
	uint64_t instance_id;		/* of the last record: findings' */
	uint64_t findings_created;
	uint64_t rte_items;		/* reads and egress held in sessions */
	sqlite3_stmt *find_get, *find_ins, *find_upd;
	sqlite3_stmt *ev_count, *ev_ins;
	sqlite3_stmt *ev_spike, *ev_first_files;
	sqlite3_stmt *last_bucket, *day_totals, *day_sum, *hour_files;
	sqlite3_stmt *day_hours;
	sqlite3_stmt *sess_all;
};

void rules_init(struct rules *r, struct store *s, const struct config *c);
void rules_free(struct rules *r);
/* A new configuration (SIGHUP): thresholds apply from now on. */
void rules_set_config(struct rules *r, const struct config *c);

/* A stored event (e->id set). */
void rules_event(struct rules *r, const struct event *e);
/*
 * Write the findings that changed (every commit: a finding is committed
 * with the records it is about).
 */
void rules_write(struct rules *r);
/*
 * The rollups were written (rollup_flush()): totals rules on what they
 * touched, then rules_write().
 */
void rules_flush(struct rules *r, struct rollup *ru);

/* [hours] as off_hours' reasons give it: "Mon,Tue,Wed,Thu,Fri 08:00-18:00". */
const char *rules_hours_text(const struct hours_config *h, char *buf,
			     size_t len);

#endif
