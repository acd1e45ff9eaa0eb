// SPDX-License-Identifier: GPL-2.0
/* --since/--until, durations, sizes, and local-time buckets. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "timeparse.h"

/* 2026-11-27 12:00:00 UTC, a Friday. */
#define NOW 1795780800LL

static int64_t at(const char *s)
{
	char err[256];
	int64_t t = -1;

	if (tp_parse(s, NOW, &t, err, sizeof(err)) < 0)
		fail_msg("'%s' refused: %s", s, err);
	return t;
}

static void bad(const char *s)
{
	char err[256];
	int64_t t;

	if (tp_parse(s, NOW, &t, err, sizeof(err)) == 0)
		fail_msg("'%s' accepted as %lld", s, (long long)t);
	assert_non_null(strstr(err, "bad time '"));
	assert_non_null(strstr(err, "use a duration (30m, 24h, 7d)"));
}

static void durations_mean_that_long_ago(void **state)
{
	(void)state;
	assert_int_equal(at("30m"), NOW - 1800);
	assert_int_equal(at("24h"), NOW - 86400);
	assert_int_equal(at("7d"), NOW - 7 * 86400);
	assert_int_equal(at("2w"), NOW - 14 * 86400);
	assert_int_equal(at("90s"), NOW - 90);
	assert_int_equal(at("now"), NOW);
}

static void iso_dates_in_utc_local_and_offsets(void **state)
{
	(void)state;
	/* Tests run with TZ=UTC, so local time is UTC here. */
	assert_int_equal(at("2026-11-27"), 1795737600);
	assert_int_equal(at("2026-11-27T10:00"), 1795737600 + 36000);
	assert_int_equal(at("2026-11-27 10:00:05"), 1795737600 + 36005);
	assert_int_equal(at("2026-11-27T10:00:05.123456Z"), 1795737600 + 36005);
	assert_int_equal(at("2026-11-27T10:00+01:00"), 1795737600 + 32400);
	assert_int_equal(at("2026-11-27T10:00-0530"), 1795737600 + 36000 + 19800);
	assert_int_equal(at("2026-11-27T10:00Z"), 1795737600 + 36000);
	assert_int_equal(at("today"), 1795737600);
	assert_int_equal(at("yesterday"), 1795737600 - 86400);
	assert_int_equal(at("2024-02-29"), 1709164800);
}

static void iso_dates_follow_the_local_zone(void **state)
{
	(void)state;
	setenv("TZ", "Europe/Berlin", 1);
	tzset();
	/* CET is UTC+1 in November. */
	assert_int_equal(at("2026-11-27T10:00"), 1795737600 + 32400);
	assert_int_equal(at("2026-11-27T10:00Z"), 1795737600 + 36000);
	setenv("TZ", "UTC", 1);
	tzset();
}

static void bad_times_are_refused(void **state)
{
	(void)state;
	bad("");
	bad("24");
	bad("24x");
	bad("-5m");
	bad("5 m");
	bad("2026-13-01");
	bad("2026-02-30");
	bad("2025-02-29");
	bad("2026-11-27T25:00");
	bad("2026-11-27T10:61");
	bad("2026-11-27T10");
	bad("2026-11-27T10:00+25:00");
	bad("2026-11-27T10:00 UTC");
	bad("27/11/2026");
	bad("tomorrow");
	bad("99999999999999999999d");
}

static void durations_and_sizes(void **state)
{
	int64_t s;
	uint64_t b;

	(void)state;
	assert_int_equal(tp_duration("15m", &s), 0);
	assert_int_equal(s, 900);
	assert_int_equal(tp_duration("900", &s), 0);
	assert_int_equal(s, 900);
	assert_int_equal(tp_duration("1h5m", &s), -1);
	assert_int_equal(tp_duration("m", &s), -1);
	assert_int_equal(tp_size("10M", &b), 0);
	assert_int_equal(b, 10485760);
	assert_int_equal(tp_size("10MiB", &b), 0);
	assert_int_equal(b, 10485760);
	assert_int_equal(tp_size("10mb", &b), 0);
	assert_int_equal(b, 10485760);
	assert_int_equal(tp_size("4096", &b), 0);
	assert_int_equal(b, 4096);
	assert_int_equal(tp_size("4096B", &b), 0);
	assert_int_equal(b, 4096);
	assert_int_equal(tp_size("1G", &b), 0);
	assert_int_equal(b, 1073741824);
	assert_int_equal(tp_size("1.5G", &b), -1);
	assert_int_equal(tp_size("10Q", &b), -1);
	assert_int_equal(tp_size("99999999999T", &b), -1);
}

static void buckets_are_local_hours_and_days(void **state)
{
	struct tp_cache c;
	int64_t hour, day;
	int minute, wday;

	(void)state;
	tp_cache_init(&c);
	tp_bucket(&c, NOW + 125, &hour, &day);
	assert_int_equal(hour, NOW);
	assert_int_equal(day, NOW - 12 * 3600);
	tp_local_minute(&c, NOW + 125, &minute, &wday);
	assert_int_equal(minute, 12 * 60 + 2);
	assert_int_equal(wday, 5);
	assert_int_equal(tp_day_add(day, -14), day - 14 * 86400);

	/* Berlin, 2026-10-25: 25 hours, 02:00-03:00 twice. */
	setenv("TZ", "Europe/Berlin", 1);
	tzset();
	tp_cache_init(&c);
	tp_bucket(&c, 1792888200, &hour, &day);	/* 00:30 UTC = 02:30 CEST */
	assert_int_equal(hour, 1792886400);
	assert_int_equal(day, 1792879200);	/* 2026-10-24T22:00Z */
	tp_bucket(&c, 1792891800, &hour, &day);	/* 01:30 UTC = 02:30 CET */
	assert_int_equal(hour, 1792890000);
	assert_int_equal(day, 1792879200);
	assert_int_equal(tp_day_add(day, 1) - day, 25 * 3600);
	setenv("TZ", "UTC", 1);
	tzset();
}

static void formatting(void **state)
{
	char buf[40];

	(void)state;
	assert_string_equal(tp_format_utc(NOW, buf, sizeof(buf)), "2026-11-27T12:00:00Z");
	assert_string_equal(tp_format_local(NOW, buf, sizeof(buf)), "2026-11-27 12:00:00");
	assert_string_equal(tp_format_iso_local(NOW, buf, sizeof(buf)), "2026-11-27T12:00:00+00:00");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(durations_mean_that_long_ago),
		cmocka_unit_test(iso_dates_in_utc_local_and_offsets),
		cmocka_unit_test(iso_dates_follow_the_local_zone),
		cmocka_unit_test(bad_times_are_refused),
		cmocka_unit_test(durations_and_sizes),
		cmocka_unit_test(buckets_are_local_hours_and_days),
		cmocka_unit_test(formatting),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	return cmocka_run_group_tests_name("timeparse", tests, NULL, NULL);
}
