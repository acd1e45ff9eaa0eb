// SPDX-License-Identifier: GPL-2.0
/*
 * volume_spike (on totals; one finding per user and local day): the
 * user's bytes read that day exceed both mean + spike_stddevs x sd and
 * spike_p95_factor x p95 of their daily totals over the previous
 * spike_days local days, days without reads counting as 0, provided at
 * least spike_min_active_days of those days had reads.  sd is the
 * population standard deviation, p95 by linear interpolation between
 * closest ranks; both comparisons are strict.  Evidence: the reads that
 * took the day over the threshold: from the hour in which the day's
 * running total first exceeded it to the day's end, the first read of
 * each (hour, file or socket) read in those hours, most bytes first.
 * So a socket-backed dataset (one object all day) whose evening reads
 * make the spike is evidenced by evening reads, not by its first
 * morning look-up.  Added to as the day goes on, up to evidence_max.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rule.h"
#include "table.h"
#include "util.h"

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
	baseline_of(vals, n, r->cfg->rules.spike_min_active_days, &be->b);
	be->days = n;
	free(starts);
	free(vals);
	return &be->b;
}

/*
 * The local hour in which the day's running total of @t's user first
 * exceeded @threshold (the day's start if the hours never add up to it).
 */
static int64_t crossing_hour(struct rules *r, const struct rollup_touch *t,
			     double threshold)
{
	sqlite3_stmt *st = r->day_hours;
	int64_t hour = t->bucket;
	uint64_t sum = 0;

	sqlite3_bind_int64(st, 1, t->user);
	sqlite3_bind_int(st, 2, (int)t->login);
	sqlite3_bind_int64(st, 3, t->bucket);
	sqlite3_bind_int64(st, 4, tp_day_add(t->bucket, 1));
	while (store_step(r->store, st)) {
		sum += (uint64_t)sqlite3_column_int64(st, 1);
		if ((double)sum > threshold) {
			hour = sqlite3_column_int64(st, 0);
			break;
		}
	}
	sqlite3_reset(st);
	return hour;
}

void volume_spike(struct rules *r, const struct rollup_touch *t)
{
	const struct rules_config *rc = &r->cfg->rules;
	const struct baseline *b = baseline_for(r, t);
	struct finding_state *f;
	uint64_t today;
	double threshold;
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
	/* The reads from the hour the day went over the threshold on. */
	if (f->evidence >= r->cfg->evidence_max)
		return;
	threshold = b->mean + rc->spike_stddevs * b->sd;
	if (rc->spike_p95_factor * b->p95 > threshold)
		threshold = rc->spike_p95_factor * b->p95;
	evidence_query(r, f, r->ev_spike, tp_day_add(t->bucket, 1),
		       crossing_hour(r, t, threshold));
}

void volume_spike_reason(struct rules *r, const struct finding_state *f,
			 char *out, size_t len)
{
	const struct rules_config *rc = &r->cfg->rules;
	char a[64], m[32], sd[32], p[32], l1[32], l2[32];

	snprintf(out, len,
		 "%s %s in one day, far above this %s's previous %u days (%.0f with reads): mean %s, standard deviation %s, 95th percentile %s a day; the rule needs more than mean + %g sd (%s) and more than %g x p95 (%s)",
		 f->login == DB_LOGIN_ACTOR ? "the application read for this actor" : "read",
		 hbytes(f->bytes, a, sizeof(a)),
		 f->login == DB_LOGIN_ACTOR ? "actor" : "user",
		 rc->spike_days, f->v[3],
		 table_human_bytes((uint64_t)f->v[0], m, sizeof(m)),
		 table_human_bytes((uint64_t)f->v[1], sd, sizeof(sd)),
		 table_human_bytes((uint64_t)f->v[2], p, sizeof(p)),
		 rc->spike_stddevs,
		 table_human_bytes((uint64_t)(f->v[0] + rc->spike_stddevs * f->v[1]),
				   l1, sizeof(l1)),
		 rc->spike_p95_factor,
		 table_human_bytes((uint64_t)(rc->spike_p95_factor * f->v[2]),
				   l2, sizeof(l2)));
}
