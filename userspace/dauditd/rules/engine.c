// SPDX-License-Identifier: GPL-2.0
/*
 * The review rules.  docs/collector.md gives each one's exact definition;
 * the comment above each function here says the same in short.
 *
 * In-memory state (findings being added to, last accesses, login
 * sessions, baselines) is a cache of what the database holds: it can be
 * dropped after any commit and is rebuilt from the tables on demand, so
 * a restart continues the same findings instead of opening new ones.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rollup.h"
#include "rules.h"
#include "store.h"
#include "table.h"
#include "util.h"

/* Records from different CPUs arrive in any order within this much. */
#define REORDER_SLACK_NS	(600 * NSEC_PER_SEC)
#define SESSION_ITEMS_MAX	4096
/* Reads and egress remembered over all sessions (about 64 bytes each). */
#define RTE_ITEMS_MAX		1000000
#define CACHE_MAX		100000

struct finding_state {
	int64_t id;
	int rule;
	uint32_t user;
	int login;
	uint64_t first_ns, last_ns;
	uint64_t bytes;
	uint64_t count;
	unsigned int evidence;
	int have_v;
	int dirty;
	double v[4];
	char dataset[DAUDIT_NAME_MAX];
	char detail[256];
};

struct rte_item {
	uint64_t first_ns, last_ns, bytes;
	int64_t id;
	uint64_t linked;		/* egress: bytes of the reads linked to it */
	int counted;			/* egress: its bytes are in a finding */
	int evidenced;			/* egress: it and its reads are evidence */
	char *dest;			/* egress: where it went (malloc'd) */
};

/*
 * Items in arrival order, which is time order but for the reordering
 * between CPUs: v[head..n).  Pruning takes from the front, so each item
 * costs O(1) however long the session.  Reads beyond SESSION_ITEMS_MAX
 * are folded into one span so a bulk read of many files still counts.
 */
struct rte_list {
	struct rte_item *v;
	unsigned int head, n, cap;
	uint64_t fold_bytes, fold_first, fold_last;
};

struct rsession {
	struct rte_list reads, egress;
	uint64_t max_ns;
};

struct baseline_entry {
	struct baseline b;
	unsigned int days;
};

/* ------------------------------------------------------------------ */
/* Findings and evidence                                               */
/* ------------------------------------------------------------------ */

static const char evidence_cols[] =
	"finding_id, event_id, time_ns, type, uid, auid, sessionid, tgid,"
	" exe, comm, dataset, path, dest, bytes";
static const char evidence_sel[] =
	"time_ns, type, uid, auid, sessionid, tgid, exe, comm, dataset, path,"
	" dest, bytes + IFNULL(mmap_bytes, 0)";

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
			   " dataset, first_ns, last_ns, score, reason)"
			   " VALUES (?,?,?,?,?,?,?,?,'')");
	r->find_upd = prep(r, "UPDATE findings SET first_ns = ?2, last_ns = ?3,"
			   " bytes = ?4, count = ?5, reason = ?6 WHERE id = ?1");
	r->ev_ins = prep(r, "INSERT OR IGNORE INTO evidence (%s) SELECT ?1, id, %s"
			 " FROM events WHERE id = ?2", evidence_cols, evidence_sel);
	/*
	 * Evidence of totals: the first read of each file, from the rollup
	 * members (their primary key starts with period, bucket, user).
	 */
	/* The day's hours (23 to 25 of them), each one seek in the key. */
	r->ev_top_files = prep(r, "WITH RECURSIVE h(b) AS (SELECT ?3 UNION ALL"
			       " SELECT b + 3600 FROM h WHERE b + 3600 < ?2)"
			       " INSERT OR IGNORE INTO evidence (%s) SELECT ?1,"
			       " id, %s FROM events WHERE id IN (SELECT"
			       " MIN(first_event) FROM rollup_file WHERE period ="
			       " 3600 AND bucket IN h AND user_uid = ?4 AND"
			       " login = ?5 GROUP BY dataset, path ORDER BY"
			       " SUM(bytes) DESC LIMIT ?6)", evidence_cols,
			       evidence_sel);
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
	r->hour_files = prep(r, "SELECT IFNULL(SUM(files), 0), IFNULL(SUM(bytes), 0)"
			     " FROM rollup WHERE user_uid = ?1 AND login = ?2"
			     " AND period = 3600 AND bucket = ?3");
	/* After a restart: what every session did in the last window. */
	r->sess_all = prep(r, "SELECT id, type, first_ns, last_ns, IFNULL(bytes, 0)"
			   " + IFNULL(mmap_bytes, 0), kind, flags, dest, user_uid,"
			   " login, auid, sessionid, tgid, start_ns FROM events"
			   " WHERE time_ns >= ?1 AND id < ?2 AND type IN (5, 7, 8)"
			   " ORDER BY id");
}

static void free_items(struct rte_item *v, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		free(v[i].dest);
}

static void free_session(void *v)
{
	struct rsession *s = v;

	free_items(s->egress.v + s->egress.head, s->egress.n - s->egress.head);
	free(s->reads.v);
	free(s->egress.v);
}

void rules_free(struct rules *r)
{
	sqlite3_stmt *st[] = { r->find_get, r->find_ins, r->find_upd,
			       r->ev_ins, r->ev_top_files, r->ev_first_files,
			       r->last_bucket, r->day_totals, r->day_sum,
			       r->hour_files, r->sess_all };
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

/*
 * The finding of @rule under @key: from the cache, from the database,
 * or inserted now (*created).  Its time span grows to cover @t_ns.
 */
static struct finding_state *finding(struct rules *r, int rule,
				     const char *key, uint32_t user, int login,
				     const char *dataset, uint64_t t_ns,
				     int *created)
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

static void evidence(struct rules *r, struct finding_state *f, int64_t id)
{
	sqlite3_stmt *st = r->ev_ins;

	if (f->evidence >= r->cfg->evidence_max)
		return;
	sqlite3_bind_int64(st, 1, f->id);
	sqlite3_bind_int64(st, 2, id);
	store_run(r->store, st);
	f->evidence += (unsigned int)sqlite3_changes(r->store->db);
}

/*
 * Evidence chosen from rollup members: ?2 and ?3 are the statement's
 * (a period and a bucket, or the end and start of a day).
 */
static void evidence_query(struct rules *r, struct finding_state *f,
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

/* ------------------------------------------------------------------ */
/* Reasons: one sentence a reviewer can check against the evidence     */
/* ------------------------------------------------------------------ */

static const char *hbytes(uint64_t v, char *buf, size_t len)
{
	char h[32];

	if (v < 1024)
		snprintf(buf, len, "%" PRIu64 " bytes", v);
	else
		snprintf(buf, len, "%s (%" PRIu64 " bytes)",
			 table_human_bytes(v, h, sizeof(h)), v);
	return buf;
}

static const char *local_time(uint64_t ns, char *buf, size_t len)
{
	return tp_format_local((int64_t)(ns / NSEC_PER_SEC), buf, len);
}

static const char *hours_text(const struct hours_config *h, char *buf,
			      size_t len)
{
	static const char *const d[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
					 "Fri", "Sat" };
	size_t used = 0;
	int i;

	buf[0] = '\0';
	for (i = 1; i <= 7; i++) {
		int day = i % 7;

		if (h->days & (1U << day))
			used += (size_t)snprintf(buf + used, len - used, "%s%s",
						 used ? "," : "", d[day]);
		if (used >= len)
			return buf;
	}
	snprintf(buf + used, len - used, " %02u:%02u-%02u:%02u", h->start / 60,
		 h->start % 60, h->end / 60, h->end % 60);
	return buf;
}

static void reason(struct rules *r, const struct finding_state *f, char *out,
		   size_t len)
{
	const struct rules_config *rc = &r->cfg->rules;
	char a[64], b[64], t1[32], t2[32], h[80];

	switch (f->rule) {
	case RULE_VOLUME_SPIKE: {
		char m[32], sd[32], p[32], l1[32], l2[32];

		snprintf(out, len,
			 "read %s in one day, far above this user's previous %u days (%.0f with reads): mean %s, standard deviation %s, 95th percentile %s a day; the rule needs more than mean + %g sd (%s) and more than %g x p95 (%s)",
			 hbytes(f->bytes, a, sizeof(a)), rc->spike_days, f->v[3],
			 table_human_bytes((uint64_t)f->v[0], m, sizeof(m)),
			 table_human_bytes((uint64_t)f->v[1], sd, sizeof(sd)),
			 table_human_bytes((uint64_t)f->v[2], p, sizeof(p)),
			 rc->spike_stddevs,
			 table_human_bytes((uint64_t)(f->v[0] + rc->spike_stddevs * f->v[1]),
					   l1, sizeof(l1)),
			 rc->spike_p95_factor,
			 table_human_bytes((uint64_t)(rc->spike_p95_factor * f->v[2]),
					   l2, sizeof(l2)));
		break;
	}
	case RULE_FIRST_ACCESS:
		if (f->v[0] > 0)
			snprintf(out, len,
				 "first read of dataset %s in %u days (previous read in the hour of %s)",
				 f->dataset, rc->first_access_days,
				 local_time((uint64_t)f->v[0], t1, sizeof(t1)));
		else
			snprintf(out, len,
				 "first read of dataset %s in %u days (none recorded; records start %s)",
				 f->dataset, rc->first_access_days,
				 r->history_start_ns ?
				 local_time(r->history_start_ns, t1, sizeof(t1)) :
				 "now");
		break;
	case RULE_OFF_HOURS:
		snprintf(out, len,
			 "read %s of %s outside working hours (%s): %" PRIu64 " record%s between %s and %s",
			 hbytes(f->bytes, a, sizeof(a)), f->dataset,
			 hours_text(&r->cfg->hours, h, sizeof(h)), f->count,
			 f->count == 1 ? "" : "s",
			 local_time(f->first_ns, t1, sizeof(t1)),
			 local_time(f->last_ns, t2, sizeof(t2)));
		break;
	case RULE_ENUMERATION:
		snprintf(out, len,
			 "read %" PRIu64 " distinct files, %s, in the hour from %s; the rule flags %u or more",
			 f->count, hbytes(f->bytes, a, sizeof(a)),
			 local_time((uint64_t)f->v[0] * NSEC_PER_SEC, t1, sizeof(t1)),
			 rc->enumeration_files);
		break;
	case RULE_UNAPPROVED_READER:
		snprintf(out, len,
			 "%s read %s of %s in %" PRIu64 " record%s; it is not on the dataset's allowlist",
			 f->detail, hbytes(f->bytes, a, sizeof(a)), f->dataset,
			 f->count, f->count == 1 ? "" : "s");
		break;
	case RULE_READ_THEN_EGRESS:
		snprintf(out, len,
			 "read %s of protected data, then sent %s out (last to %s) within %u minutes, in the same login session",
			 hbytes((uint64_t)f->v[0], a, sizeof(a)),
			 hbytes(f->bytes, b, sizeof(b)), f->detail,
			 rc->egress_window / 60 ? rc->egress_window / 60 : 1);
		break;
	case RULE_HARDLINK:
		snprintf(out, len, "protected file of %s under an unprotected name: %s",
			 f->dataset, f->detail);
		break;
	case RULE_TAMPER:
		snprintf(out, len, "the sensor or its attribution tampered with: %s",
			 f->detail);
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

/* ------------------------------------------------------------------ */
/* Rules on single records                                             */
/* ------------------------------------------------------------------ */

static int64_t day_of(struct rules *r, uint64_t ns)
{
	int64_t day;

	tp_bucket(&r->tc, (int64_t)(ns / NSEC_PER_SEC), NULL, &day);
	return day;
}

static int working(struct rules *r, uint64_t ns)
{
	int minute, wday;

	tp_local_minute(&r->tc, (int64_t)(ns / NSEC_PER_SEC), &minute, &wday);
	return config_working_time(&r->cfg->hours, minute, wday);
}

/*
 * off_hours: a read whose first or last read time falls outside the
 * working hours.  One finding per user, dataset and local day.  Users
 * without a login (daemons) only when off_hours_nologin is set.
 */
static void off_hours(struct rules *r, const struct event *e)
{
	uint64_t t1 = e->first_ns ? e->first_ns : e->time_ns;
	uint64_t t2 = e->last_ns ? e->last_ns : e->time_ns;
	struct finding_state *f;
	char key[128];
	uint64_t t;
	int created;

	if (!e->login && !r->cfg->rules.off_hours_nologin)
		return;
	if (working(r, t1) && working(r, t2))
		return;
	t = working(r, t1) ? t2 : t1;
	snprintf(key, sizeof(key), "off_hours/%u/%d/%s/%" PRId64, e->user,
		 e->login, e->dataset, day_of(r, t));
	f = finding(r, RULE_OFF_HOURS, key, e->user, e->login, e->dataset, t,
		    &created);
	f->bytes += event_read_bytes(e);
	f->count++;
	evidence(r, f, e->id);
}

/*
 * unapproved_reader: a read of a dataset that has an allowlist by an
 * executable that matches none of its entries (an unknown executable
 * matches none).  One finding per user, dataset, executable and day.
 */
static void unapproved_reader(struct rules *r, const struct event *e)
{
	const struct allowlist *a = config_allowlist(r->cfg, e->dataset);
	struct finding_state *f;
	char key[DAUDIT_PATH_MAX + 128], exe[64];
	const char *name;
	int created;

	if (!a || config_allowed(a, e->exe))
		return;
	name = rollup_exe_name(e, exe, sizeof(exe));
	snprintf(key, sizeof(key), "unapproved_reader/%u/%d/%s/%" PRId64 "/%s",
		 e->user, e->login, e->dataset, day_of(r, e->time_ns), name);
	f = finding(r, RULE_UNAPPROVED_READER, key, e->user, e->login,
		    e->dataset, e->time_ns, &created);
	if (created || !f->detail[0])
		snprintf(f->detail, sizeof(f->detail), "%s", e->exe ? e->exe :
			 "an unknown executable (its process record was lost)");
	f->bytes += event_read_bytes(e);
	f->count++;
	evidence(r, f, e->id);
}

/*
 * first_access: a read of a dataset by a user who had not read it in the
 * previous first_access_days (to the hour: an access counts as the end of
 * its local hour), or never since records began.  One finding per user, dataset
 * and day.
 */
static void first_access(struct rules *r, const struct event *e)
{
	unsigned char key[DAUDIT_NAME_MAX + 16];
	uint64_t *last, window, end_of_hour;
	size_t n = strlen(e->dataset);
	int64_t hour;
	int fresh;

	/*
	 * Accesses are remembered to the hour (the end of the hour they fell
	 * in), in memory as in the rollups, so a restart judges alike.
	 */
	tp_bucket(&r->tc, (int64_t)(e->time_ns / NSEC_PER_SEC), &hour, NULL);
	end_of_hour = (uint64_t)(hour + 3599) * NSEC_PER_SEC;
	memcpy(key, &e->user, 4);
	key[4] = (unsigned char)e->login;
	memcpy(key + 5, e->dataset, n);
	last = hmap_insert(&r->last_access, key, 5 + n, &fresh);
	if (fresh) {
		sqlite3_stmt *st = r->last_bucket;

		sqlite3_bind_int64(st, 1, e->user);
		sqlite3_bind_int(st, 2, e->login);
		sqlite3_bind_int64(st, 3, hour);
		sqlite3_bind_text(st, 4, e->dataset, -1, SQLITE_STATIC);
		/* The latest moment of that hour: never overstates the gap. */
		if (store_step(r->store, st))
			*last = (uint64_t)(sqlite3_column_int64(st, 0) + 3599) *
				NSEC_PER_SEC;
		sqlite3_reset(st);
	}
	window = (uint64_t)r->cfg->rules.first_access_days * 86400 * NSEC_PER_SEC;
	if (!*last || (e->time_ns > *last && e->time_ns - *last > window)) {
		struct finding_state *f;
		char fkey[128];
		int created;

		snprintf(fkey, sizeof(fkey), "first_access/%u/%d/%s/%" PRId64,
			 e->user, e->login, e->dataset, day_of(r, e->time_ns));
		f = finding(r, RULE_FIRST_ACCESS, fkey, e->user, e->login,
			    e->dataset, e->time_ns, &created);
		if (created) {
			f->v[0] = (double)*last;
			f->have_v = 1;
			f->bytes = event_read_bytes(e);
			f->count = 1;
			evidence(r, f, e->id);
		}
	}
	if (end_of_hour > *last)
		*last = end_of_hour;
}

/* A finding of its own for the ALERT record @e, with its evidence. */
static struct finding_state *alert_finding(struct rules *r, int rule,
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

/* hardlink: every link or move out of a tree is a finding of its own. */
static void hardlink(struct rules *r, const struct event *e)
{
	struct finding_state *f = alert_finding(r, RULE_HARDLINK, e);

	snprintf(f->detail, sizeof(f->detail), "%s %s %s",
		 e->path ? e->path : "?",
		 e->kind == DAUDIT_ALERT_RENAME ? "moved to" : "linked as",
		 e->dest ? e->dest : "?");
}

/* tamper: a login uid rewritten, kprobes disarmed: each a finding. */
static void tamper(struct rules *r, const struct event *e)
{
	struct finding_state *f = alert_finding(r, RULE_TAMPER, e);

	if (e->kind == DAUDIT_ALERT_LOGINUID)
		snprintf(f->detail, sizeof(f->detail),
			 "login uid %" PRIu64 " (session %" PRIu64 ") rewritten to %" PRIu32 " by uid %" PRIu32,
			 (uint64_t)e->ino, (uint64_t)e->dev, e->subj->auid,
			 e->subj->uid);
	else
		snprintf(f->detail, sizeof(f->detail),
			 "wrote '%s' to kprobes/enabled%s",
			 e->dest ? e->dest : "",
			 e->dest && e->dest[0] == '0' ? ": probes disarmed" : "");
}

/* ------------------------------------------------------------------ */
/* read_then_egress                                                    */
/* ------------------------------------------------------------------ */

static int egress_counts(const struct rules *r, unsigned int kind,
			 uint32_t flags)
{
	if (kind == DAUDIT_EGRESS_NET && (flags & DAUDIT_EGRESS_F_LOOPBACK))
		return r->cfg->rules.egress_loopback;
	return 1;
}

static void make_session_key(struct session_key *k, int login, uint32_t user,
			     int64_t sessionid, uint32_t tgid,
			     uint64_t start_ns)
{
	memset(k, 0, sizeof(*k));
	k->user = user;
	if (login && sessionid >= 0) {
		k->kind = 'L';
		k->id = (uint32_t)sessionid;
	} else {
		k->kind = 'P';
		k->id = tgid;
		k->start_ns = start_ns;
	}
}

static void session_key(const struct event *e, struct session_key *k)
{
	const struct daudit_subject *j = e->subj;

	make_session_key(k, e->login, e->user,
			 j->sessionid == DAUDIT_SESSION_UNSET ? -1 :
			 (int64_t)j->sessionid, j->tgid, j->start_ns);
}

/* Text for finding keys: "L/1000/7" or "P/110/900/1000000000". */
static void session_text(const struct session_key *k, char *buf, size_t len)
{
	if (k->kind == 'L')
		snprintf(buf, len, "L/%u/%u", k->user, k->id);
	else
		snprintf(buf, len, "P/%u/%u/%" PRIu64, k->user, k->id,
			 k->start_ns);
}

static void list_drop_first(struct rules *r, struct rte_list *l)
{
	free(l->v[l->head].dest);
	l->head++;
	r->rte_items--;
}

static void list_add(struct rules *r, struct rte_list *l,
		     const struct rte_item *it, int fold)
{
	if (l->n - l->head == SESSION_ITEMS_MAX) {
		const struct rte_item *old = &l->v[l->head];

		if (fold) {
			if (!l->fold_bytes || old->first_ns < l->fold_first)
				l->fold_first = old->first_ns;
			if (old->last_ns > l->fold_last)
				l->fold_last = old->last_ns;
			l->fold_bytes += old->bytes;
		}
		list_drop_first(r, l);
	}
	if (l->n == l->cap && l->head) {
		memmove(l->v, l->v + l->head, (l->n - l->head) * sizeof(*l->v));
		l->n -= l->head;
		l->head = 0;
	}
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->v = util_xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = *it;
	r->rte_items++;
}

static void list_prune(struct rules *r, struct rte_list *l, uint64_t before)
{
	while (l->head < l->n && l->v[l->head].last_ns < before)
		list_drop_first(r, l);
	if (l->fold_bytes && l->fold_last < before)
		l->fold_bytes = l->fold_first = l->fold_last = 0;
}

static int linked(uint64_t rd_first, uint64_t rd_last,
		  const struct rte_item *eg, uint64_t window)
{
	return rd_first <= eg->last_ns && eg->first_ns <= rd_last + window;
}

/* The bytes of the session's reads linked to @eg. */
static uint64_t linked_bytes(const struct rsession *s,
			     const struct rte_item *eg, uint64_t window)
{
	const struct rte_list *l = &s->reads;
	uint64_t sum = 0;
	unsigned int i;

	if (l->fold_bytes && linked(l->fold_first, l->fold_last, eg, window))
		sum += l->fold_bytes;
	for (i = l->head; i < l->n; i++)
		if (linked(l->v[i].first_ns, l->v[i].last_ns, eg, window))
			sum += l->v[i].bytes;
	return sum;
}

static struct rsession *session_get(struct rules *r,
				    const struct session_key *k)
{
	struct rsession *s;

	/* Reads of one session tend to come one after another. */
	if (r->last_session && !memcmp(&r->last_skey, k, sizeof(*k)))
		return r->last_session;
	s = hmap_insert(&r->sessions, k, sizeof(*k), NULL);
	r->last_session = s;
	memcpy(&r->last_skey, k, sizeof(*k));
	return s;
}

/*
 * After a start (or after the sessions were dropped to bound memory),
 * rebuild what every session did in the last window from the events
 * table, in one scan: the reads and egress before @e (ids below its).
 */
static void sessions_load(struct rules *r, const struct event *e)
{
	uint64_t window = (uint64_t)r->cfg->rules.egress_window * NSEC_PER_SEC;
	uint64_t since = e->time_ns - window - 2 * REORDER_SLACK_NS;
	sqlite3_stmt *st = r->sess_all;
	struct rsession *s;
	size_t pos = 0;
	unsigned int i;

	r->sessions_loaded = 1;
	sqlite3_bind_int64(st, 1, (int64_t)since);
	sqlite3_bind_int64(st, 2, e->id);
	while (store_step(r->store, st)) {
		struct rte_item it = {
			.id = sqlite3_column_int64(st, 0),
			.first_ns = (uint64_t)sqlite3_column_int64(st, 2),
			.last_ns = (uint64_t)sqlite3_column_int64(st, 3),
			.bytes = (uint64_t)sqlite3_column_int64(st, 4),
			/* Judged by the earlier run, with its evidence. */
			.counted = 1,
			.evidenced = 1,
		};
		int type = sqlite3_column_int(st, 1);
		struct session_key k;

		make_session_key(&k, sqlite3_column_int(st, 9),
				 (uint32_t)sqlite3_column_int64(st, 8),
				 sqlite3_column_type(st, 11) == SQLITE_NULL ? -1 :
				 sqlite3_column_int64(st, 11),
				 (uint32_t)sqlite3_column_int64(st, 12),
				 (uint64_t)sqlite3_column_int64(st, 13));
		s = session_get(r, &k);
		if (type == DAUDIT_REC_EGRESS) {
			const unsigned char *dest = sqlite3_column_text(st, 7);

			if (!egress_counts(r, (unsigned int)sqlite3_column_int(st, 5),
					   (uint32_t)sqlite3_column_int(st, 6)))
				continue;
			it.dest = dest ? util_xstrdup((const char *)dest) : NULL;
			list_add(r, &s->egress, &it, 0);
		} else if (it.bytes) {
			list_add(r, &s->reads, &it, 1);
		}
		if (it.last_ns > s->max_ns)
			s->max_ns = it.last_ns;
	}
	sqlite3_reset(st);
	while ((s = hmap_next(&r->sessions, &pos)))
		for (i = s->egress.head; i < s->egress.n; i++)
			s->egress.v[i].linked = linked_bytes(s, &s->egress.v[i],
							     window);
}

/*
 * Judge one egress item of a session whose linked read bytes (reads that
 * ended at most egress_window before it started, or overlap it) changed:
 * at egress_read_bytes or more it is a finding, one per login session and
 * day.  @rd is the read that was just linked, or NULL for a new egress.
 */
static void judge_egress(struct rules *r, struct rsession *s,
			 struct rte_item *eg, const struct event *e,
			 const struct session_key *sk, const struct rte_item *rd)
{
	char skey[64];
	uint64_t window = (uint64_t)r->cfg->rules.egress_window * NSEC_PER_SEC;
	const struct rte_list *l = &s->reads;
	struct finding_state *f;
	unsigned int i;
	char key[160];
	int created;

	if (eg->linked < r->cfg->rules.egress_read_bytes)
		return;
	session_text(sk, skey, sizeof(skey));
	snprintf(key, sizeof(key), "read_then_egress/%s/%" PRId64, skey,
		 day_of(r, eg->first_ns ? eg->first_ns : eg->last_ns));
	f = finding(r, RULE_READ_THEN_EGRESS, key, e->user, e->login,
		    e->dataset, eg->last_ns, &created);
	if ((double)eg->linked > f->v[0])
		f->v[0] = (double)eg->linked;
	f->have_v = 1;
	if (!eg->counted) {
		f->bytes += eg->bytes;
		f->count++;
		eg->counted = 1;
	}
	if (eg->dest)
		snprintf(f->detail, sizeof(f->detail), "%s", eg->dest);
	if (eg->evidenced) {
		if (rd)
			evidence(r, f, rd->id);
		return;
	}
	/* The egress first: with evidence_max reached, it must not be the
	 * record that is left out. */
	eg->evidenced = 1;
	evidence(r, f, eg->id);
	for (i = l->head; i < l->n && f->evidence < r->cfg->evidence_max; i++)
		if (linked(l->v[i].first_ns, l->v[i].last_ns, eg, window))
			evidence(r, f, l->v[i].id);
}

static void read_then_egress(struct rules *r, const struct event *e)
{
	uint64_t window = (uint64_t)r->cfg->rules.egress_window * NSEC_PER_SEC;
	struct rte_item it = {
		.first_ns = e->first_ns ? e->first_ns : e->time_ns,
		.last_ns = e->last_ns ? e->last_ns : e->time_ns,
		.id = e->id,
	};
	struct session_key sk;
	struct rsession *s;
	unsigned int i;

	if (e->type == DAUDIT_REC_EGRESS) {
		if (!e->bytes || !egress_counts(r, e->kind, e->flags))
			return;
		it.bytes = e->bytes;
	} else {
		it.bytes = event_read_bytes(e);
		if (!it.bytes)
			return;
	}
	if (!r->sessions_loaded)
		sessions_load(r, e);
	session_key(e, &sk);
	s = session_get(r, &sk);
	if (it.last_ns > s->max_ns)
		s->max_ns = it.last_ns;
	if (s->max_ns > window + 2 * REORDER_SLACK_NS) {
		uint64_t before = s->max_ns - window - 2 * REORDER_SLACK_NS;

		list_prune(r, &s->reads, before);
		list_prune(r, &s->egress, before);
	}
	if (e->type == DAUDIT_REC_EGRESS) {
		it.dest = e->dest ? util_xstrdup(e->dest) : NULL;
		it.linked = linked_bytes(s, &it, window);
		list_add(r, &s->egress, &it, 0);
		judge_egress(r, s, &s->egress.v[s->egress.n - 1], e, &sk, NULL);
		return;
	}
	list_add(r, &s->reads, &it, 1);
	/* Egress already seen that this read preceded (or overlaps). */
	for (i = s->egress.head; i < s->egress.n; i++) {
		struct rte_item *eg = &s->egress.v[i];

		if (!linked(it.first_ns, it.last_ns, eg, window))
			continue;
		eg->linked += it.bytes;
		judge_egress(r, s, eg, e, &sk, &it);
	}
}

void rules_event(struct rules *r, const struct event *e)
{
	if (!e->subj)
		return;
	if (!r->history_start_ns)
		r->history_start_ns = e->time_ns;
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
			   e->kind == DAUDIT_ALERT_KPROBES) {
			if (enabled(r, RULE_TAMPER))
				tamper(r, e);
		}
		break;
	}
}

/* ------------------------------------------------------------------ */
/* Rules on totals                                                     */
/* ------------------------------------------------------------------ */

/* Newton's method: the Makefile links no libm for one square root. */
static double root(double x)
{
	double r = x > 1 ? x / 2 : 1, prev = 0;
	int i;

	if (x <= 0)
		return 0;
	for (i = 0; i < 200 && r != prev; i++) {
		prev = r;
		r = (r + x / r) / 2;
	}
	return r;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

void rules_baseline(const uint64_t *days, unsigned int n,
		    unsigned int min_active, struct baseline *b)
{
	uint64_t *s = util_xcalloc(n, sizeof(*s));
	double sum = 0, var = 0, pos, frac;
	unsigned int i, lo;

	memset(b, 0, sizeof(*b));
	for (i = 0; i < n; i++) {
		sum += (double)days[i];
		b->active += days[i] > 0;
		s[i] = days[i];
	}
	if (!n) {
		free(s);
		return;
	}
	b->mean = sum / n;
	for (i = 0; i < n; i++)
		var += ((double)days[i] - b->mean) * ((double)days[i] - b->mean);
	b->sd = root(var / n);
	qsort(s, n, sizeof(*s), cmp_u64);
	pos = 0.95 * (n - 1);
	lo = (unsigned int)pos;
	frac = pos - lo;
	b->p95 = lo + 1 < n ? (double)s[lo] + frac * ((double)s[lo + 1] - (double)s[lo]) :
		 (double)s[lo];
	b->ok = b->active >= min_active;
	free(s);
}

static const struct baseline *baseline_for(struct rules *r,
					   const struct rollup_touch *t)
{
	unsigned int n = r->cfg->rules.spike_days, i;
	struct baseline_entry *be;
	sqlite3_stmt *st = r->day_totals;
	int64_t *starts;
	uint64_t *vals;
	int fresh;

	be = hmap_insert(&r->baselines, t, sizeof(*t), &fresh);
	if (!fresh && be->days == n)
		return &be->b;
	starts = util_xcalloc(n, sizeof(*starts));
	vals = util_xcalloc(n, sizeof(*vals));
	for (i = 0; i < n; i++)
		starts[i] = tp_day_add(t->bucket, -(int)(n - i));
	sqlite3_bind_int64(st, 1, t->user);
	sqlite3_bind_int(st, 2, (int)t->login);
	sqlite3_bind_int64(st, 3, starts[0]);
	sqlite3_bind_int64(st, 4, t->bucket);
	while (store_step(r->store, st)) {
		int64_t bucket = sqlite3_column_int64(st, 0);

		for (i = 0; i < n; i++)
			if (starts[i] == bucket)
				vals[i] = (uint64_t)sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	rules_baseline(vals, n, r->cfg->rules.spike_min_active_days, &be->b);
	be->days = n;
	free(starts);
	free(vals);
	return &be->b;
}

static uint64_t query_u64(struct rules *r, sqlite3_stmt *st,
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

/*
 * volume_spike: the user's bytes read in a local day exceed both the
 * mean + spike_stddevs standard deviations and spike_p95_factor times the
 * 95th percentile of their previous spike_days daily totals (days without
 * reads count as 0), provided at least spike_min_active_days of those had
 * reads.  One finding per user and day.
 */
static void volume_spike(struct rules *r, const struct rollup_touch *t)
{
	const struct rules_config *rc = &r->cfg->rules;
	const struct baseline *b = baseline_for(r, t);
	struct finding_state *f;
	uint64_t today;
	char key[96];
	int created;

	if (!b->ok)
		return;
	today = query_u64(r, r->day_sum, t, NULL);
	if (!((double)today > b->mean + rc->spike_stddevs * b->sd &&
	      (double)today > rc->spike_p95_factor * b->p95))
		return;
	snprintf(key, sizeof(key), "volume_spike/%u/%u/%" PRId64, t->user,
		 t->login, t->bucket);
	f = finding(r, RULE_VOLUME_SPIKE, key, t->user, (int)t->login, NULL,
		    (uint64_t)t->bucket * NSEC_PER_SEC, &created);
	/* It is about the whole day. */
	f->last_ns = (uint64_t)(tp_day_add(t->bucket, 1) - 1) * NSEC_PER_SEC;
	f->bytes = today;
	f->v[0] = b->mean;
	f->v[1] = b->sd;
	f->v[2] = b->p95;
	f->v[3] = b->active;
	f->have_v = 1;
	/* The first read of each of the day's most-read files. */
	if (created)
		evidence_query(r, f, r->ev_top_files, tp_day_add(t->bucket, 1),
			       t->bucket);
}

/*
 * enumeration: enumeration_files or more distinct files (per dataset,
 * summed over datasets) read by one user within one local hour.  One
 * finding per user and hour; the evidence is each file's first read.
 */
static void enumeration(struct rules *r, const struct rollup_touch *t)
{
	struct finding_state *f;
	uint64_t files, bytes = 0;
	char key[96];
	int created;

	files = query_u64(r, r->hour_files, t, &bytes);
	if (files < r->cfg->rules.enumeration_files)
		return;
	snprintf(key, sizeof(key), "enumeration/%u/%u/%" PRId64, t->user,
		 t->login, t->bucket);
	f = finding(r, RULE_ENUMERATION, key, t->user, (int)t->login, NULL,
		    (uint64_t)t->bucket * NSEC_PER_SEC, &created);
	f->last_ns = (uint64_t)(t->bucket + 3599) * NSEC_PER_SEC;
	f->count = files;
	f->bytes = bytes;
	f->v[0] = (double)t->bucket;
	evidence_query(r, f, r->ev_first_files, ROLLUP_HOUR, t->bucket);
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
