// SPDX-License-Identifier: GPL-2.0
/*
 * off_hours (per read; one finding per user, dataset and day): a read
 * whose first or last read time falls outside [hours] (not a working
 * day, or outside start..end).  Users without a login only with
 * off_hours_nologin = yes.  Evidence: those reads.
 */
#include <inttypes.h>
#include <stdio.h>

#include "rule.h"

static int working(struct rules *r, uint64_t ns)
{
	int minute, wday;

	tp_local_minute(&r->tc, (int64_t)(ns / NSEC_PER_SEC), &minute, &wday);
	return config_working_time(&r->cfg->hours, minute, wday);
}

void off_hours(struct rules *r, const struct event *e)
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

const char *rules_hours_text(const struct hours_config *h, char *buf,
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

void off_hours_reason(struct rules *r, const struct finding_state *f,
		      char *out, size_t len)
{
	char a[64], t1[32], t2[32], h[80];

	snprintf(out, len,
		 "read %s of %s outside working hours (%s): %" PRIu64 " record%s between %s and %s",
		 hbytes(f->bytes, a, sizeof(a)), f->dataset,
		 rules_hours_text(&r->cfg->hours, h, sizeof(h)), f->count,
		 f->count == 1 ? "" : "s",
		 local_time(f->first_ns, t1, sizeof(t1)),
		 local_time(f->last_ns, t2, sizeof(t2)));
}
