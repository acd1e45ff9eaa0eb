// SPDX-License-Identifier: GPL-2.0
/*
 * The rule engine: its state and statements, findings and their
 * evidence, which rules run on each stored record (rules_event()) and on
 * the totals of each rollup flush (rules_flush()), and writing the
 * findings that changed with their reasons.  The rules themselves are
 * one file each beside this one; docs/collector.md gives each one's exact
 * definition.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rule.h"
#include "table.h"
#include "util.h"

/* Reads and egress remembered over all sessions (about 64 bytes each). */
#define RTE_ITEMS_MAX		1000000
#define CACHE_MAX		100000

/* ------------------------------------------------------------------ */
/* Findings and evidence                                               */
/* ------------------------------------------------------------------ */

static const char evidence_cols[] = STORE_EVIDENCE_COLS;
static const char evidence_sel[] = STORE_EVIDENCE_SEL;

static sqlite3_stmt *prep(struct rules *r, const char *fmt, ...)
	UTIL_PRINTF(2, 3);

static sqlite3_stmt *prep(struct rules *r, const char *fmt, ...)
{
	char sql[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	return store_prepare(r->store, sql);
}

void rules_init(struct rules *r, struct store *s, const struct config *c)
{
	memset(r, 0, sizeof(*r));
	r->cfg = c;
	r->store = s;
	tp_cache_init(&r->tc);
	hmap_init(&r->findings, sizeof(struct finding_state));
	hmap_init(&r->last_access, sizeof(uint64_t));
	hmap_init(&r->sessions, sizeof(struct rsession));
	hmap_init(&r->baselines, sizeof(struct baseline_entry));
	r->history_start_ns = (uint64_t)store_meta_get_int(s, "first_record_ns", 0);
	r->find_get = prep(r, "SELECT id, first_ns, last_ns, bytes, count,"
			   " (SELECT COUNT(*) FROM evidence WHERE finding_id = id)"
			   " FROM findings WHERE key = ?");
	r->find_ins = prep(r, "INSERT INTO findings (rule, key, user_uid, login,"
			   " dataset, first_ns, last_ns, score, reason, instance_id)"
			   " VALUES (?,?,?,?,?,?,?,?,'',?)");
	r->find_upd = prep(r, "UPDATE findings SET first_ns = ?2, last_ns = ?3,"
			   " bytes = ?4, count = ?5, reason = ?6 WHERE id = ?1");
	r->ev_ins = prep(r, "INSERT OR IGNORE INTO evidence (%s) SELECT ?1, id, %s"
			 " FROM events WHERE id = ?2", evidence_cols, evidence_sel);
	/*
	 * Evidence of totals: the first read of each file, from the rollup
	 * members (their primary key starts with period, bucket, user).
	 */
	/*
	 * volume_spike: the first read of each (hour, member) from hour ?3
	 * to the day's end ?2 (up to 25 hours, each one seek in the key),
	 * most bytes first, leaving out what is evidence already.
	 */
	r->ev_spike = prep(r, "WITH RECURSIVE h(b) AS (SELECT ?3 UNION ALL"
			   " SELECT b + 3600 FROM h WHERE b + 3600 < ?2)"
			   " INSERT OR IGNORE INTO evidence (%s) SELECT ?1,"
			   " id, %s FROM events WHERE id IN (SELECT first_event"
			   " FROM rollup_file WHERE period = 3600 AND bucket IN h"
			   " AND user_uid = ?4 AND login = ?5 AND first_event"
			   " NOT IN (SELECT event_id FROM evidence WHERE"
			   " finding_id = ?1) ORDER BY bytes DESC, bucket,"
			   " first_event LIMIT ?6)", evidence_cols, evidence_sel);
	r->ev_first_files = prep(r, "INSERT OR IGNORE INTO evidence (%s) SELECT ?1,"
				 " id, %s FROM events WHERE id IN (SELECT first_event"
				 " FROM rollup_file WHERE period = ?2 AND bucket = ?3"
				 " AND user_uid = ?4 AND login = ?5 ORDER BY"
				 " first_event LIMIT ?6)", evidence_cols, evidence_sel);
	r->last_bucket = prep(r, "SELECT bucket FROM rollup WHERE user_uid = ?1"
			      " AND login = ?2 AND period = 3600 AND bucket <= ?3"
			      " AND dataset = ?4 AND (bytes > 0 OR calls > 0)"
			      " ORDER BY bucket DESC LIMIT 1");
	r->day_totals = prep(r, "SELECT bucket, SUM(bytes) FROM rollup WHERE"
			     " user_uid = ?1 AND login = ?2 AND period = 86400"
			     " AND bucket >= ?3 AND bucket < ?4 GROUP BY bucket");
	r->day_sum = prep(r, "SELECT IFNULL(SUM(bytes), 0) FROM rollup WHERE"
			  " user_uid = ?1 AND login = ?2 AND period = 86400 AND"
			  " bucket = ?3");
	r->day_hours = prep(r, "SELECT bucket, SUM(bytes) FROM rollup WHERE"
			    " user_uid = ?1 AND login = ?2 AND period = 3600 AND"
			    " bucket >= ?3 AND bucket < ?4 GROUP BY bucket"
			    " ORDER BY bucket");
	r->hour_files = prep(r, "SELECT IFNULL(SUM(files), 0), IFNULL(SUM(bytes), 0)"
			     " FROM rollup WHERE user_uid = ?1 AND login = ?2"
			     " AND period = 3600 AND bucket = ?3");
	/* After a restart: what every session did in the last window. */
	r->sess_all = prep(r, "SELECT id, type, first_ns, last_ns, IFNULL(bytes, 0)"
			   " + IFNULL(mmap_bytes, 0), kind, flags, dest, user_uid,"
			   " login, auid, sessionid, tgid, start_ns, client FROM events"
			   " WHERE time_ns >= ?1 AND id < ?2 AND type IN (5, 7, 8)"
			   " ORDER BY id");
}

void rules_free(struct rules *r)
{
	sqlite3_stmt *st[] = { r->find_get, r->find_ins, r->find_upd,
			       r->ev_ins, r->ev_spike, r->ev_first_files,
			       r->last_bucket, r->day_totals, r->day_sum,
			       r->hour_files, r->sess_all, r->day_hours };
	size_t i;

	for (i = 0; i < sizeof(st) / sizeof(st[0]); i++)
		sqlite3_finalize(st[i]);
	hmap_free(&r->findings, NULL);
	free(r->dirty);
	hmap_free(&r->last_access, NULL);
	hmap_free(&r->sessions, free_session);
	hmap_free(&r->baselines, NULL);
	memset(r, 0, sizeof(*r));
}

void rules_set_config(struct rules *r, const struct config *c)
{
	r->cfg = c;
	/* Baselines depend on spike_days and spike_min_active_days. */
	hmap_clear(&r->baselines, NULL);
}

static int enabled(const struct rules *r, int rule)
{
	return !(r->cfg->rules.disabled & (1U << rule));
}

static void load_finding(struct rules *r, struct finding_state *f,
			 const char *key)
{
	sqlite3_stmt *st = r->find_get;

	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (store_step(r->store, st)) {
		f->id = sqlite3_column_int64(st, 0);
		f->first_ns = (uint64_t)sqlite3_column_int64(st, 1);
		f->last_ns = (uint64_t)sqlite3_column_int64(st, 2);
		f->bytes = (uint64_t)sqlite3_column_int64(st, 3);
		f->count = (uint64_t)sqlite3_column_int64(st, 4);
		f->evidence = (unsigned int)sqlite3_column_int(st, 5);
	}
	sqlite3_reset(st);
}

struct finding_state *finding(struct rules *r, int rule, const char *key,
			      uint32_t user, int login, const char *dataset,
			      uint64_t t_ns, int *created)
{
	struct finding_state *f;
	int fresh;

	*created = 0;
	f = hmap_insert(&r->findings, key, strlen(key), &fresh);
	if (fresh) {
		f->rule = rule;
		f->user = user;
		f->login = login;
		snprintf(f->dataset, sizeof(f->dataset), "%s",
			 dataset ? dataset : "");
		load_finding(r, f, key);
	}
	if (!f->id) {
		sqlite3_stmt *st = r->find_ins;

		sqlite3_bind_text(st, 1, rule_info[rule].name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, user);
		sqlite3_bind_int(st, 4, login);
		if (dataset)
			sqlite3_bind_text(st, 5, dataset, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 5);
		sqlite3_bind_int64(st, 6, (int64_t)t_ns);
		sqlite3_bind_int64(st, 7, (int64_t)t_ns);
		sqlite3_bind_int(st, 8, (int)r->cfg->rules.weight[rule]);
		/* Incident ids (incident.h) name the instance read then. */
		sqlite3_bind_int64(st, 9, (int64_t)r->instance_id);
		store_run(r->store, st);
		f->id = sqlite3_last_insert_rowid(r->store->db);
		f->first_ns = f->last_ns = t_ns;
		r->findings_created++;
		*created = 1;
	}
	if (t_ns && (!f->first_ns || t_ns < f->first_ns))
		f->first_ns = t_ns;
	if (t_ns > f->last_ns)
		f->last_ns = t_ns;
	if (!f->dirty) {
		/* Written at the next flush; the cache keeps f where it is. */
		if (r->n_dirty == r->cap_dirty) {
			r->cap_dirty = r->cap_dirty ? r->cap_dirty * 2 : 64;
			r->dirty = util_xrealloc(r->dirty, r->cap_dirty *
						 sizeof(*r->dirty));
		}
		r->dirty[r->n_dirty++] = f;
		f->dirty = 1;
	}
	return f;
}

void evidence(struct rules *r, struct finding_state *f, int64_t id)
{
	sqlite3_stmt *st = r->ev_ins;

	if (f->evidence >= r->cfg->evidence_max)
		return;
	sqlite3_bind_int64(st, 1, f->id);
	sqlite3_bind_int64(st, 2, id);
	store_run(r->store, st);
	f->evidence += (unsigned int)sqlite3_changes(r->store->db);
}

void evidence_query(struct rules *r, struct finding_state *f,
		    sqlite3_stmt *st, int64_t p2, int64_t p3)
{
	unsigned int room = r->cfg->evidence_max - f->evidence;

	if (f->evidence >= r->cfg->evidence_max)
		return;
	sqlite3_bind_int64(st, 1, f->id);
	sqlite3_bind_int64(st, 2, p2);
	sqlite3_bind_int64(st, 3, p3);
	sqlite3_bind_int64(st, 4, f->user);
	sqlite3_bind_int(st, 5, f->login);
	sqlite3_bind_int(st, 6, (int)room);
	store_run(r->store, st);
	f->evidence += (unsigned int)sqlite3_changes(r->store->db);
}

struct finding_state *alert_finding(struct rules *r, int rule,
				    const struct event *e)
{
	struct finding_state *f;
	char key[128];
	int created;

	snprintf(key, sizeof(key), "%s/%" PRIx64 "/%u/%" PRIu64,
		 rule_info[rule].name, e->instance_id, e->cpu, e->seq);
	f = finding(r, rule, key, e->user, e->login, e->dataset, e->time_ns,
		    &created);
	f->count = 1;
	evidence(r, f, e->id);
	return f;
}

/* ------------------------------------------------------------------ */
/* For the rules: days, totals                                        */
/* ------------------------------------------------------------------ */

int64_t day_of(struct rules *r, uint64_t ns)
{
	int64_t day;

	tp_bucket(&r->tc, (int64_t)(ns / NSEC_PER_SEC), NULL, &day);
	return day;
}

uint64_t query_u64(struct rules *r, sqlite3_stmt *st,
		   const struct rollup_touch *t, uint64_t *second)
{
	uint64_t v = 0;

	sqlite3_bind_int64(st, 1, t->user);
	sqlite3_bind_int(st, 2, (int)t->login);
	sqlite3_bind_int64(st, 3, t->bucket);
	if (store_step(r->store, st)) {
		v = (uint64_t)sqlite3_column_int64(st, 0);
		if (second)
			*second = (uint64_t)sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return v;
}

/* ------------------------------------------------------------------ */
/* Reasons: one sentence a reviewer can check against the evidence    */
/* ------------------------------------------------------------------ */

const char *hbytes(uint64_t v, char *buf, size_t len)
{
	char h[32];

	if (v < 1024)
		snprintf(buf, len, "%" PRIu64 " bytes", v);
	else
		snprintf(buf, len, "%s (%" PRIu64 " bytes)",
			 table_human_bytes(v, h, sizeof(h)), v);
	return buf;
}

const char *local_time(uint64_t ns, char *buf, size_t len)
{
	return tp_format_local((int64_t)(ns / NSEC_PER_SEC), buf, len);
}

static void reason(struct rules *r, const struct finding_state *f, char *out,
		   size_t len)
{
	switch (f->rule) {
	case RULE_VOLUME_SPIKE:
		volume_spike_reason(r, f, out, len);
		break;
	case RULE_FIRST_ACCESS:
		first_access_reason(r, f, out, len);
		break;
	case RULE_OFF_HOURS:
		off_hours_reason(r, f, out, len);
		break;
	case RULE_ENUMERATION:
		enumeration_reason(r, f, out, len);
		break;
	case RULE_UNAPPROVED_READER:
		unapproved_reader_reason(r, f, out, len);
		break;
	case RULE_READ_THEN_EGRESS:
		read_then_egress_reason(r, f, out, len);
		break;
	case RULE_HARDLINK:
		hardlink_reason(r, f, out, len);
		break;
	case RULE_TAMPER:
		tamper_reason(r, f, out, len);
		break;
	default:
		snprintf(out, len, "?");
	}
}

static void write_findings(struct rules *r)
{
	char text[1024];
	size_t i;

	for (i = 0; i < r->n_dirty; i++) {
		struct finding_state *f = r->dirty[i];
		sqlite3_stmt *st = r->find_upd;

		sqlite3_bind_int64(st, 1, f->id);
		sqlite3_bind_int64(st, 2, (int64_t)f->first_ns);
		sqlite3_bind_int64(st, 3, (int64_t)f->last_ns);
		sqlite3_bind_int64(st, 4, (int64_t)f->bytes);
		sqlite3_bind_int64(st, 5, (int64_t)f->count);
		reason(r, f, text, sizeof(text));
		sqlite3_bind_text(st, 6, text, -1, SQLITE_STATIC);
		/* A finding taken over from the database keeps its reason
		 * until this run has the numbers to write a new one. */
		if ((f->rule == RULE_VOLUME_SPIKE || f->rule == RULE_READ_THEN_EGRESS ||
		     f->rule == RULE_FIRST_ACCESS) && !f->have_v) {
			sqlite3_stmt *keep = store_prepare(r->store,
				"UPDATE findings SET first_ns = ?2, last_ns = ?3,"
				" bytes = ?4, count = ?5 WHERE id = ?1");

			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			sqlite3_bind_int64(keep, 1, f->id);
			sqlite3_bind_int64(keep, 2, (int64_t)f->first_ns);
			sqlite3_bind_int64(keep, 3, (int64_t)f->last_ns);
			sqlite3_bind_int64(keep, 4, (int64_t)f->bytes);
			sqlite3_bind_int64(keep, 5, (int64_t)f->count);
			store_run(r->store, keep);
			sqlite3_finalize(keep);
		} else {
			store_run(r->store, st);
		}
		f->dirty = 0;
	}
	r->n_dirty = 0;
}

void rules_write(struct rules *r)
{
	write_findings(r);
	/* Caches of the database: dropped when large, rebuilt on demand. */
	if (r->findings.n > CACHE_MAX)
		hmap_clear(&r->findings, NULL);
	if (r->sessions.n > CACHE_MAX || r->rte_items > RTE_ITEMS_MAX) {
		hmap_clear(&r->sessions, free_session);
		r->last_session = NULL;
		r->rte_items = 0;
		/* Rebuilt from the table at the next read or egress. */
		r->sessions_loaded = 0;
	}
}

/* ------------------------------------------------------------------ */
/* Which rules run: on each record, on the totals of a flush          */
/* ------------------------------------------------------------------ */

void rules_event(struct rules *r, const struct event *e)
{
	if (!e->subj)
		return;
	if (!r->history_start_ns)
		r->history_start_ns = e->time_ns;
	r->instance_id = e->instance_id;
	switch (e->type) {
	case DAUDIT_REC_FILE_READ:
	case DAUDIT_REC_SOCK_READ:
		if (!event_read_bytes(e) && !e->calls)
			return;
		if (enabled(r, RULE_FIRST_ACCESS))
			first_access(r, e);
		if (enabled(r, RULE_OFF_HOURS))
			off_hours(r, e);
		if (enabled(r, RULE_UNAPPROVED_READER))
			unapproved_reader(r, e);
		if (enabled(r, RULE_READ_THEN_EGRESS))
			read_then_egress(r, e);
		break;
	case DAUDIT_REC_EGRESS:
		if (enabled(r, RULE_READ_THEN_EGRESS))
			read_then_egress(r, e);
		break;
	case DAUDIT_REC_ALERT:
		if (e->kind == DAUDIT_ALERT_HARDLINK ||
		    e->kind == DAUDIT_ALERT_RENAME) {
			if (enabled(r, RULE_HARDLINK))
				hardlink(r, e);
		} else if (e->kind == DAUDIT_ALERT_LOGINUID ||
			   e->kind == DAUDIT_ALERT_KPROBES ||
			   e->kind == DAUDIT_ALERT_ACTOR ||
			   e->kind == DAUDIT_ALERT_LOOP) {
			if (enabled(r, RULE_TAMPER))
				tamper(r, e);
		}
		break;
	}
}

void rules_flush(struct rules *r, struct rollup *ru)
{
	const struct rollup_touch *t;
	size_t pos = 0;

	if (enabled(r, RULE_VOLUME_SPIKE))
		while ((t = hmap_next(&ru->days_read, &pos)))
			volume_spike(r, t);
	pos = 0;
	if (enabled(r, RULE_ENUMERATION))
		while ((t = hmap_next(&ru->hours_files, &pos)))
			enumeration(r, t);
	rules_write(r);
	rollup_clear_touched(ru);
	/*
	 * These read the rollup tables, complete only now: dropped here, a
	 * miss between flushes would not see the records since the last.
	 */
	if (r->last_access.n > CACHE_MAX)
		hmap_clear(&r->last_access, NULL);
	if (r->baselines.n > CACHE_MAX)
		hmap_clear(&r->baselines, NULL);
}
