/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Times and durations as people type them, and the local-time buckets
 * the collector aggregates into.
 *
 * A time is either a duration meaning "that long ago" (30m, 24h, 7d, 2w,
 * 90s), a word (now, today, yesterday: local midnight), or an ISO 8601
 * date or date-time: 2026-11-27, 2026-11-27T10:00, 2026-11-27 10:00:05,
 * optionally with fractional seconds and a Z or +HH:MM / -HHMM offset.
 * Without an offset the time is local time of this machine.
 *
 * Buckets (hours and days) are local time of this machine, the way the
 * people reviewing the data read a clock: a day is local midnight to
 * local midnight, 23 or 25 hours long across a DST change.
 */
#ifndef DAUDIT_TIMEPARSE_H
#define DAUDIT_TIMEPARSE_H

#include <stddef.h>
#include <stdint.h>

#define NSEC_PER_SEC	1000000000LL

/*
 * A duration: digits and a unit s, m, h, d or w (a bare number is
 * seconds).  Returns 0 with *secs, or -1.
 */
int tp_duration(const char *s, int64_t *secs);

/*
 * A size: digits and an optional unit K, M, G, T (KiB, MiB, ...; "KB",
 * "KiB", "MB" ... are accepted and all mean powers of 1024).  0 or -1.
 */
int tp_size(const char *s, uint64_t *bytes);

/*
 * A point in time as described above, relative to @now (seconds since
 * the epoch).  Returns 0 with *out in seconds since the epoch, or -1 with
 * a reason in @err.
 */
int tp_parse(const char *s, int64_t now, int64_t *out, char *err,
	     size_t errlen);

/* Local-time bucket boundaries, cached for the hour and day last asked. */
struct tp_cache {
	int64_t hour_lo, hour_hi;	/* [lo, hi) seconds */
	int64_t day_lo, day_hi;
	int hour;			/* local hour of hour_lo, 0..23 */
	int wday;			/* 0 = Sunday */
};

void tp_cache_init(struct tp_cache *c);
/* Start of the local hour and local day containing @sec. */
void tp_bucket(struct tp_cache *c, int64_t sec, int64_t *hour, int64_t *day);
/* Minutes since local midnight (0..1439) and weekday of @sec. */
void tp_local_minute(struct tp_cache *c, int64_t sec, int *minute,
		     int *wday);

/* Start of the local day @days before the local day starting at @day. */
int64_t tp_day_add(int64_t day, int days);

/* "2026-11-27 10:00:05" local time, into @buf (20 bytes). */
const char *tp_format_local(int64_t sec, char *buf, size_t len);
/* "2026-11-27T09:00:05Z", into @buf (21 bytes). */
const char *tp_format_utc(int64_t sec, char *buf, size_t len);
/* "2026-11-27T10:00:05+01:00" local time with its offset (26 bytes). */
const char *tp_format_iso_local(int64_t sec, char *buf, size_t len);

#endif
