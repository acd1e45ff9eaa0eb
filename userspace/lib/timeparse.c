// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "timeparse.h"

/* Digits only, no sign, no overflow; the end of the digits in *end. */
static int parse_digits(const char *s, uint64_t *v, const char **end)
{
	uint64_t n = 0;

	if (!isdigit((unsigned char)*s))
		return -1;
	for (; isdigit((unsigned char)*s); s++) {
		if (n > (UINT64_MAX - 9) / 10)
			return -1;
		n = n * 10 + (uint64_t)(*s - '0');
	}
	*v = n;
	*end = s;
	return 0;
}

int tp_duration(const char *s, int64_t *secs)
{
	const char *end;
	uint64_t n, mul;

	if (parse_digits(s, &n, &end) < 0)
		return -1;
	switch (*end) {
	case '\0':
	case 's':
		mul = 1;
		break;
	case 'm':
		mul = 60;
		break;
	case 'h':
		mul = 3600;
		break;
	case 'd':
		mul = 86400;
		break;
	case 'w':
		mul = 7 * 86400;
		break;
	default:
		return -1;
	}
	if (*end && end[1])
		return -1;
	/* A century is plenty and keeps every later sum far from overflow. */
	if (n > (uint64_t)100 * 366 * 86400 / mul)
		return -1;
	*secs = (int64_t)(n * mul);
	return 0;
}

int tp_size(const char *s, uint64_t *bytes)
{
	static const char *const units[] = { "", "K", "M", "G", "T" };
	const char *end;
	uint64_t n;
	unsigned int i, shift = 0;

	if (parse_digits(s, &n, &end) < 0)
		return -1;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		size_t ul = strlen(units[i]);

		if (strncasecmp(end, units[i], ul))
			continue;
		if (!strcmp(end + ul, "") || (ul && (!strcasecmp(end + ul, "B") ||
					       !strcasecmp(end + ul, "iB")))) {
			shift = 10 * i;
			break;
		}
		if (!ul && !strcasecmp(end, "B"))
			break;
	}
	if (i == sizeof(units) / sizeof(units[0]))
		return -1;
	if (shift && n > (UINT64_MAX >> shift))
		return -1;
	*bytes = n << shift;
	return 0;
}

static int days_in_month(int year, int month)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (year % 4 == 0 && year % 100) || year % 400 == 0;

	return month == 2 ? 28 + leap : d[month - 1];
}

/* Exactly @n digits at *s into *v; advances *s. */
static int fixed_digits(const char **s, int n, int *v)
{
	int i, x = 0;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*s)[i]))
			return -1;
		x = x * 10 + ((*s)[i] - '0');
	}
	*s += n;
	*v = x;
	return 0;
}

/* "Z", "+HH:MM", "+HHMM", "+HH" or nothing; *off in seconds east of UTC. */
static int parse_offset(const char *s, int *has, int *off)
{
	int sign, hh, mm = 0;

	*has = 0;
	*off = 0;
	if (!*s)
		return 0;
	if ((*s == 'Z' || *s == 'z') && !s[1]) {
		*has = 1;
		return 0;
	}
	if (*s != '+' && *s != '-')
		return -1;
	sign = *s++ == '-' ? -1 : 1;
	if (fixed_digits(&s, 2, &hh) < 0)
		return -1;
	if (*s == ':')
		s++;
	if (*s && fixed_digits(&s, 2, &mm) < 0)
		return -1;
	if (*s || hh > 23 || mm > 59)
		return -1;
	*has = 1;
	*off = sign * (hh * 3600 + mm * 60);
	return 0;
}

static int parse_iso(const char *s, int64_t *out)
{
	struct tm tm;
	int y, mo, d, h = 0, mi = 0, sec = 0, has_off, off;
	time_t t;

	if (fixed_digits(&s, 4, &y) < 0 || *s++ != '-' ||
	    fixed_digits(&s, 2, &mo) < 0 || *s++ != '-' ||
	    fixed_digits(&s, 2, &d) < 0)
		return -1;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 ||
	    d > days_in_month(y, mo))
		return -1;
	if (*s == 'T' || *s == 't' || *s == ' ') {
		s++;
		if (fixed_digits(&s, 2, &h) < 0 || *s++ != ':' ||
		    fixed_digits(&s, 2, &mi) < 0)
			return -1;
		if (*s == ':') {
			s++;
			if (fixed_digits(&s, 2, &sec) < 0)
				return -1;
			if (*s == '.' || *s == ',') {
				/* Fractions are accepted and dropped. */
				s++;
				if (!isdigit((unsigned char)*s))
					return -1;
				while (isdigit((unsigned char)*s))
					s++;
			}
		}
		if (h > 23 || mi > 59 || sec > 60)
			return -1;
	}
	if (parse_offset(s, &has_off, &off) < 0)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	tm.tm_isdst = -1;
	if (has_off) {
		t = timegm(&tm);
		if (t == (time_t)-1)
			return -1;
		*out = (int64_t)t - off;
	} else {
		t = mktime(&tm);
		if (t == (time_t)-1)
			return -1;
		*out = t;
	}
	return 0;
}

static int64_t local_midnight(int64_t now, int days_back)
{
	struct tm tm;
	time_t t = (time_t)now;

	localtime_r(&t, &tm);
	tm.tm_hour = 0;
	tm.tm_min = 0;
	tm.tm_sec = 0;
	tm.tm_mday -= days_back;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

int tp_parse(const char *s, int64_t now, int64_t *out, char *err,
	     size_t errlen)
{
	int64_t d;

	if (!strcmp(s, "now")) {
		*out = now;
		return 0;
	}
	if (!strcmp(s, "today") || !strcmp(s, "yesterday")) {
		*out = local_midnight(now, s[0] == 'y');
		return 0;
	}
	/* A bare number would be ambiguous: a duration needs its unit. */
	if (*s && isalpha((unsigned char)s[strlen(s) - 1]) &&
	    tp_duration(s, &d) == 0) {
		*out = now - d;
		return 0;
	}
	if (parse_iso(s, out) == 0)
		return 0;
	snprintf(err, errlen,
		 "bad time '%s': use a duration (30m, 24h, 7d), today, yesterday, or an ISO date such as 2026-11-27 or 2026-11-27T10:00[Z|+01:00]",
		 s);
	return -1;
}

void tp_cache_init(struct tp_cache *c)
{
	memset(c, 0, sizeof(*c));
	c->hour_hi = c->day_hi = INT64_MIN;
	c->hour_lo = c->day_lo = INT64_MAX;
}

static void fill_cache(struct tp_cache *c, int64_t sec)
{
	struct tm tm, d;
	time_t t = (time_t)sec;

	localtime_r(&t, &tm);
	c->hour = tm.tm_hour;
	c->wday = tm.tm_wday;
	d = tm;
	/* Keep tm_isdst so the repeated hour of a DST change stays apart. */
	tm.tm_min = 0;
	tm.tm_sec = 0;
	c->hour_lo = mktime(&tm);
	d.tm_hour = 0;
	d.tm_min = 0;
	d.tm_sec = 0;
	d.tm_isdst = -1;
	c->day_lo = mktime(&d);
	d.tm_mday += 1;
	d.tm_isdst = -1;
	c->day_hi = mktime(&d);
	c->hour_hi = c->hour_lo + 3600;
	if (c->hour_hi > c->day_hi)
		c->hour_hi = c->day_hi;
	if (c->hour_lo > sec || c->hour_hi <= sec) {
		/* Offsets that are not whole hours: fall back to UTC hours. */
		c->hour_lo = sec - ((sec % 3600) + 3600) % 3600;
		c->hour_hi = c->hour_lo + 3600;
	}
}

void tp_bucket(struct tp_cache *c, int64_t sec, int64_t *hour, int64_t *day)
{
	if (sec < c->hour_lo || sec >= c->hour_hi || sec < c->day_lo ||
	    sec >= c->day_hi)
		fill_cache(c, sec);
	if (hour)
		*hour = c->hour_lo;
	if (day)
		*day = c->day_lo;
}

void tp_local_minute(struct tp_cache *c, int64_t sec, int *minute, int *wday)
{
	tp_bucket(c, sec, NULL, NULL);
	*minute = c->hour * 60 + (int)((sec - c->hour_lo) / 60);
	if (*minute > 1439)
		*minute = 1439;
	*wday = c->wday;
}

int64_t tp_day_add(int64_t day, int days)
{
	struct tm tm;
	time_t t = (time_t)day;

	localtime_r(&t, &tm);
	tm.tm_hour = 0;
	tm.tm_min = 0;
	tm.tm_sec = 0;
	tm.tm_mday += days;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

const char *tp_format_local(int64_t sec, char *buf, size_t len)
{
	struct tm tm;
	time_t t = (time_t)sec;

	localtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
	return buf;
}

const char *tp_format_utc(int64_t sec, char *buf, size_t len)
{
	struct tm tm;
	time_t t = (time_t)sec;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

const char *tp_format_iso_local(int64_t sec, char *buf, size_t len)
{
	struct tm tm;
	time_t t = (time_t)sec;
	char z[8];

	localtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	strftime(z, sizeof(z), "%z", &tm);
	if (strlen(z) == 5 && strlen(buf) + 7 <= len)
		snprintf(buf + strlen(buf), len - strlen(buf), "%.3s:%.2s", z,
			 z + 3);
	return buf;
}
