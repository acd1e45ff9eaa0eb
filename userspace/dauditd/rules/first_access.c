// SPDX-License-Identifier: GPL-2.0
/*
 * first_access (per read; one finding per user, dataset and day): a read
 * of a dataset by a user whose previous read of it is more than
 * first_access_days before, or who never read it since records began.
 * Accesses are remembered to the hour: an earlier access counts as the
 * end of its local hour (the hourly rollups are the memory, so a restart
 * judges alike).  Evidence: that read.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "rule.h"

void first_access(struct rules *r, const struct event *e)
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

void first_access_reason(struct rules *r, const struct finding_state *f,
			 char *out, size_t len)
{
	const struct rules_config *rc = &r->cfg->rules;
	char t1[32];

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
}
