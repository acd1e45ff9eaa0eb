// SPDX-License-Identifier: GPL-2.0
/* Retention: raw events by age and by database size; rollups kept longer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "synth.h"

static const struct who alice = { 1000, 1000, 7, 4242, 111 * NS, "cat" };

struct fixture {
	char *path;
	struct collector c;
	struct source src;
	struct synth s;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->path = test_db_path("retention");
	test_db_remove(f->path);
	fake_source(&f->src, NULL, 0x99);
	test_collector(&f->c, f->path, &f->src, NULL);
	synth_init(&f->s);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	collector_close(&f->c);
	test_db_remove(f->path);
	synth_free(&f->s);
	free(f->path);
	free(f);
	return 0;
}

static void raw_events_older_than_retention_days_go(void **state)
{
	struct fixture *f = *state;
	struct retention_stats st;
	unsigned int d;

	for (d = 0; d < 10; d++)
		synth_read1(&f->s, 0, T0 + d * DAY_NS + 10 * HOUR_NS, &alice,
			    "customers", "/c/1", 100);
	test_feed(&f->c, &f->s);
	f->c.cfg.retention_days = 3;
	f->c.cfg.rollup_retention_days = 8;
	/* "Now" is day 10, 00:00: days 7, 8 and 9 are the last three. */
	store_retention(&f->c.store, (int64_t)((T0 + 10 * DAY_NS) / NS), &f->c.cfg, &st);
	assert_int_equal(st.events_by_age, 7);
	assert_int_equal(st.events_by_size, 0);
	assert_int_equal(test_int(&f->c, "SELECT COUNT(*) FROM events"), 3);
	assert_int_equal(test_int(&f->c, "SELECT MIN(time_ns) FROM events"),
			 (int64_t)(T0 + 7 * DAY_NS + 10 * HOUR_NS));
	/* Rollups outlive raw events: 8 days of them, not 3. */
	assert_int_equal(test_int(&f->c, "SELECT COUNT(*) FROM rollup WHERE period = 86400"), 8);
	assert_int_equal(test_int(&f->c, "SELECT SUM(bytes) FROM rollup WHERE period = 86400"), 800);
	assert_int_equal(test_int(&f->c, "SELECT COUNT(*) FROM rollup WHERE period = 3600"), 8);
}

static void the_oldest_raw_events_go_to_fit_the_size_cap(void **state)
{
	struct fixture *f = *state;
	struct retention_stats st;
	char path[2100];
	unsigned int i;
	struct stat sb;

	memset(path, 'p', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	for (i = 0; i < 6000; i++) {
		synth_read1(&f->s, i % 4, T0 + i * NS, &alice, "customers", path, 1);
		if (i % 1000 == 999) {
			test_feed(&f->c, &f->s);
			{
				uint64_t seq[SYNTH_CPUS];

				memcpy(seq, f->s.seq, sizeof(seq));
				synth_free(&f->s);
				synth_init(&f->s);
				memcpy(f->s.seq, seq, sizeof(seq));
			}
		}
	}
	assert_true(store_db_bytes(&f->c.store) > 12 * 1024 * 1024);
	f->c.cfg.retention_mb = 4;
	store_retention(&f->c.store, (int64_t)(T0 / NS) + 86400, &f->c.cfg, &st);
	assert_int_equal(st.events_by_age, 0);
	assert_true(st.events_by_size > 0);
	assert_true(st.db_bytes <= 4 * 1024 * 1024);
	assert_int_equal(stat(f->path, &sb), 0);
	assert_true(sb.st_size <= 4 * 1024 * 1024);
	/* The newest stay: the last record is still there. */
	assert_int_equal(test_int(&f->c, "SELECT MAX(time_ns) FROM events"),
			 (int64_t)(T0 + 5999 * NS));
	assert_int_equal(test_int(&f->c, "SELECT COUNT(*) FROM events") + st.events_by_size, 6000);
	/* ... and the ones deleted are the oldest. */
	assert_int_equal(test_int(&f->c, "SELECT MIN(id) FROM events"), st.events_by_size + 1);
	/* Rollups are not touched by the size cap. */
	assert_int_equal(test_int(&f->c, "SELECT SUM(bytes) FROM rollup WHERE period = 86400"), 6000);
}

/*
 * Retention may delete every raw event; SQLite then numbers new events
 * from 1 again.  Events stored after that, committed but killed before
 * their rollups were written, are still added to the rollups at the next
 * start: the rollup mark came down with the events.
 */
static void rollups_are_rebuilt_after_retention_emptied_the_events(void **state)
{
	char *path = test_db_path("retention-crash");
	struct collector c;
	struct source src;
	struct synth s;
	int status, i;
	pid_t pid;

	(void)state;
	test_db_remove(path);
	synth_init(&s);
	fake_source(&src, NULL, 0x99);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		test_collector(&c, path, &src, NULL);
		for (i = 0; i < 4; i++)
			synth_read1(&s, 0, T0 + (uint64_t)i * HOUR_NS, &alice,
				    "customers", "/c/1", 100);
		test_feed(&c, &s);
		c.cfg.retention_days = 1;
		collector_retention(&c);
		if (test_int(&c, "SELECT COUNT(*) FROM events") != 0)
			_exit(2);
		s.len = 0;
		for (i = 0; i < 3; i++)
			synth_read1(&s, 0, T0 + 5 * DAY_NS + (uint64_t)i * NS,
				    &alice, "customers", "/c/2", 1000);
		ingest_buffer(&c.ingest, s.buf, s.len);
		/* Events committed, rollups not yet: then the crash. */
		ingest_commit(&c.ingest, 0);
		if (test_int(&c, "SELECT MAX(id) FROM events") != 3)
			_exit(3);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	test_collector(&c, path, &src, NULL);
	assert_int_equal(c.replayed, 3);
	assert_int_equal(test_int(&c, "SELECT SUM(bytes) FROM rollup WHERE period = 86400"), 3400);
	assert_int_equal(test_int(&c, "SELECT SUM(bytes) FROM rollup WHERE period = 3600"), 3400);
	collector_close(&c);
	test_db_remove(path);
	free(path);
	synth_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(raw_events_older_than_retention_days_go, setup, teardown),
		cmocka_unit_test_setup_teardown(the_oldest_raw_events_go_to_fit_the_size_cap, setup, teardown),
		cmocka_unit_test(rollups_are_rebuilt_after_retention_emptied_the_events),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	util_progname = "test_retention";
	return cmocka_run_group_tests_name("retention", tests, NULL, NULL);
}
