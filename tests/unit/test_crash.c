// SPDX-License-Identifier: GPL-2.0
/*
 * kill -9 of the collector mid-stream, then a restart: no record that the
 * (simulated) kernel ring still held is lost, none is counted twice.
 *
 * The device lives in shared memory and keeps what was not acknowledged,
 * as daudit.ko does in ack mode; each collector runs in a child process
 * that is killed with SIGKILL, at chosen points (between reads, between a
 * commit and its acknowledgement) and at random moments.  The database
 * after the last, uninterrupted run must equal that of a run that was
 * never interrupted.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <sys/wait.h>
#include <time.h>

#include "synth.h"

#define USERS		12
#define RECORDS		6000

struct expect {
	uint64_t events, read_bytes, sessions, egress;
};

static void stream(struct synth *s, struct expect *x)
{
	struct who w[USERS];
	unsigned int i, u;
	char path[64];

	memset(x, 0, sizeof(*x));
	for (u = 0; u < USERS; u++) {
		w[u].uid = 1000 + u;
		w[u].auid = u % 4 ? 1000 + u : DAUDIT_UID_UNSET;
		w[u].sessionid = u % 4 ? 100 + u : DAUDIT_SESSION_UNSET;
		w[u].tgid = 2000 + u;
		w[u].start_ns = (u + 1) * NS;
		w[u].comm = u % 3 ? "cat" : "python3";
		synth_process(s, u % SYNTH_CPUS, T0, &w[u],
			      u % 3 ? "/usr/bin/cat" : "/usr/bin/python3.11",
			      DAUDIT_PROC_SEEN);
	}
	for (i = 0; s->len < 200 * RECORDS && x->events < RECORDS; i++) {
		unsigned int cpu = (i * 7) % SYNTH_CPUS, parts = 1 + i % 3, p;
		uint64_t t = T0 + (uint64_t)i * 3 * NS, id = s->session++;

		u = (i * 5) % USERS;
		snprintf(path, sizeof(path), "/data/customers/%u.csv", i % 311);
		for (p = 0; p < parts; p++) {
			uint64_t bytes = 1000 + (i * 131 + p * 17) % 70000;

			synth_read(s, (cpu + p) % SYNTH_CPUS, t + p * NS, &w[u],
				   i % 5 ? "customers" : "payroll", path, id, p,
				   p + 1 == parts, bytes);
			x->events++;
			x->read_bytes += bytes;
		}
		x->sessions++;
		if (i % 9 == 0) {
			synth_egress(s, cpu, t + 2 * NS, &w[u], "customers",
				     DAUDIT_EGRESS_NET, 0, NULL, 100 + i);
			x->events++;
			x->egress += 100 + i;
		}
	}
}

/* Rollups written by the collectors the tests start (0: with every commit). */
static unsigned int rollup_flush_ms = 1000;

static void small_batches(struct config *c)
{
	c->batch_records = 37;
	c->batch_ms = 1;
	c->rollup_flush_ms = rollup_flush_ms;
}

/* One collector run over the device until it is drained (or killed). */
static void run_collector(const char *db, struct fakedev *d)
{
	struct collector c;
	struct source src;

	fakedev_reopen(d);
	fake_source(&src, d, 0x5eed);
	test_collector(&c, db, &src, small_batches);
	while (collector_pump(&c, 0) > 0)
		;
	collector_commit(&c);
	collector_close(&c);
}

/* Run it in a child; returns 1 if the child was killed by SIGKILL. */
static int child_run(const char *db, struct fakedev *d, int kill_after_ms)
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0) {
		run_collector(db, d);
		_exit(0);
	}
	if (kill_after_ms > 0) {
		struct timespec ts = { 0, kill_after_ms * 1000000L };

		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status)) {
		assert_int_equal(WTERMSIG(status), SIGKILL);
		return 1;
	}
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	return 0;
}

static char *digest(const char *db)
{
	struct collector c;
	struct source src;
	char *all, *parts[4];
	size_t n = 0, i;

	fake_source(&src, NULL, 0x5eed);
	test_collector(&c, db, &src, NULL);
	parts[0] = test_text(&c, "SELECT group_concat(x, ';') FROM (SELECT period || ',' || bucket || ',' || user_uid || ',' || login || ',' || dataset || ',' || bytes || ',' || calls || ',' || records || ',' || sessions || ',' || files || ',' || exes || ',' || egress_net AS x FROM rollup ORDER BY period, bucket, user_uid, login, dataset)");
	parts[1] = test_text(&c, "SELECT group_concat(x, ';') FROM (SELECT period || bucket || user_uid || dataset || path || ',' || bytes AS x FROM rollup_file ORDER BY 1)");
	parts[2] = test_text(&c, "SELECT group_concat(x, ';') FROM (SELECT period || bucket || user_uid || dataset || exe || ',' || bytes AS x FROM rollup_exe ORDER BY 1)");
	parts[3] = test_text(&c, "SELECT group_concat(key, ';') FROM (SELECT key FROM findings ORDER BY key)");
	collector_close(&c);
	for (i = 0; i < 4; i++)
		n += parts[i] ? strlen(parts[i]) + 1 : 2;
	all = calloc(1, n + 1);
	for (i = 0; i < 4; i++) {
		strcat(all, parts[i] ? parts[i] : "-");
		strcat(all, "|");
		free(parts[i]);
	}
	return all;
}

static void check_exact(const char *db, const struct expect *x,
			const char *reference)
{
	struct collector c;
	struct source src;
	char *d;

	fake_source(&src, NULL, 0x5eed);
	test_collector(&c, db, &src, NULL);
	assert_int_equal(test_int(&c, "SELECT COUNT(*) FROM events"), x->events);
	assert_int_equal(test_int(&c, "SELECT COUNT(DISTINCT cpu * 1000000 + seq) FROM events"), x->events);
	assert_int_equal(test_int(&c, "SELECT SUM(bytes) FROM events WHERE type = 5"), x->read_bytes);
	assert_int_equal(test_int(&c, "SELECT SUM(bytes) FROM rollup WHERE period = 86400"), x->read_bytes);
	assert_int_equal(test_int(&c, "SELECT SUM(bytes) FROM rollup WHERE period = 3600"), x->read_bytes);
	assert_int_equal(test_int(&c, "SELECT SUM(sessions) FROM rollup WHERE period = 86400"), x->sessions);
	assert_int_equal(test_int(&c, "SELECT SUM(egress_net) FROM rollup WHERE period = 86400"), x->egress);
	assert_int_equal(test_int(&c, "SELECT value FROM meta WHERE key = 'records_stored'"), x->events);
	assert_int_equal(test_int(&c, "SELECT COUNT(*) FROM gaps"), 0);
	collector_close(&c);
	d = digest(db);
	assert_string_equal(d, reference);
	free(d);
}

/* A number from the database file itself, as the crash left it. */
static int64_t raw_int(const char *db, const char *sql)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	int64_t v = -1;

	assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return v;
}

/* The rollups hold exactly what the stored events add up to. */
static void check_rollups_match_events(struct collector *c)
{
	int64_t read_bytes = test_int(c, "SELECT IFNULL(SUM(bytes), 0) FROM events WHERE type = 5");

	assert_true(read_bytes > 0);
	assert_int_equal(test_int(c, "SELECT SUM(bytes) FROM rollup WHERE period = 3600"), read_bytes);
	assert_int_equal(test_int(c, "SELECT SUM(bytes) FROM rollup WHERE period = 86400"), read_bytes);
	assert_int_equal(test_int(c, "SELECT SUM(records) FROM rollup WHERE period = 3600"),
			 test_int(c, "SELECT COUNT(*) FROM events WHERE type IN (5, 8)"));
	assert_int_equal(test_int(c, "SELECT SUM(sessions) FROM rollup WHERE period = 86400"),
			 test_int(c, "SELECT COUNT(*) FROM events WHERE type = 5 AND part = 0"));
	assert_int_equal(test_int(c, "SELECT SUM(egress_net) FROM rollup WHERE period = 86400"),
			 test_int(c, "SELECT IFNULL(SUM(bytes), 0) FROM events WHERE type = 8"));
	/* Distinct files per hour (TZ=UTC: hours are whole 3600 s). */
	assert_int_equal(test_int(c, "SELECT SUM(files) FROM rollup WHERE period = 3600"),
			 test_int(c, "SELECT COUNT(*) FROM (SELECT DISTINCT time_ns / 3600000000000, user_uid, login, dataset, path FROM events WHERE type = 5)"));
	assert_int_equal(test_int(c, "SELECT SUM(files) FROM rollup WHERE period = 3600"),
			 test_int(c, "SELECT COUNT(*) FROM rollup_file WHERE period = 3600"));
	assert_int_equal(test_int(c, "SELECT SUM(bytes) FROM rollup_file WHERE period = 3600"), read_bytes);
}

struct fixture {
	struct synth s;
	struct expect x;
	struct fakedev *d;
	char *db, *ref_db;
	char *reference;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	synth_init(&f->s);
	stream(&f->s, &f->x);
	f->db = test_db_path("crash");
	f->ref_db = test_db_path("crash-ref");
	test_db_remove(f->db);
	test_db_remove(f->ref_db);
	/* The reference: one run, never interrupted. */
	f->d = fakedev_new(&f->s);
	assert_non_null(f->d);
	assert_int_equal(child_run(f->ref_db, f->d, 0), 0);
	assert_int_equal(fakedev_unacked(f->d), 0);
	f->reference = digest(f->ref_db);
	fakedev_free(f->d);
	f->d = fakedev_new(&f->s);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	fakedev_free(f->d);
	/* KEEP_DB=1 leaves the databases in /tmp to look at. */
	if (!getenv("KEEP_DB")) {
		test_db_remove(f->db);
		test_db_remove(f->ref_db);
	}
	free(f->db);
	free(f->ref_db);
	free(f->reference);
	synth_free(&f->s);
	free(f);
	return 0;
}

static void the_reference_run_counts_everything(void **state)
{
	struct fixture *f = *state;

	check_exact(f->ref_db, &f->x, f->reference);
}

static void killed_between_reads_loses_nothing(void **state)
{
	struct fixture *f = *state;
	int at;

	f->d->per_read = 23;
	for (at = 3; at < 40; at += 9) {
		f->d->kill_at_read = at;
		assert_int_equal(child_run(f->db, f->d, 0), 1);
		assert_true(fakedev_unacked(f->d) > 0);
	}
	f->d->kill_at_read = 0;
	assert_int_equal(child_run(f->db, f->d, 0), 0);
	assert_int_equal(fakedev_unacked(f->d), 0);
	check_exact(f->db, &f->x, f->reference);
}

static void killed_after_commit_before_ack_counts_nothing_twice(void **state)
{
	struct fixture *f = *state;
	int at;

	f->d->per_read = 50;
	for (at = 1; at < 30; at += 7) {
		f->d->kill_at_ack = at;
		assert_int_equal(child_run(f->db, f->d, 0), 1);
	}
	f->d->kill_at_ack = 0;
	assert_int_equal(child_run(f->db, f->d, 0), 0);
	assert_int_equal(fakedev_unacked(f->d), 0);
	check_exact(f->db, &f->x, f->reference);
}

static void killed_at_random_moments(void **state)
{
	struct fixture *f = *state;
	unsigned int round, killed = 0;

	srand(42);
	f->d->per_read = 7;
	for (round = 0; round < 12 && fakedev_unacked(f->d); round++)
		killed += (unsigned int)child_run(f->db, f->d, 5 + rand() % 60);
	assert_true(killed > 0);
	assert_int_equal(child_run(f->db, f->d, 0), 0);
	assert_int_equal(fakedev_unacked(f->d), 0);
	check_exact(f->db, &f->x, f->reference);
}

/*
 * Events are committed and acknowledged with every batch, rollups only
 * every rollup_flush_ms: a crash in between leaves events whose rollups
 * were never written.  The next start adds them from the events.
 */
static void killed_between_rollup_flushes_rebuilds_them(void **state)
{
	struct fixture *f = *state;
	struct collector c;
	struct source src;

	rollup_flush_ms = 60000;	/* none but the one at start */
	f->d->per_read = 23;
	f->d->kill_at_read = 40;
	assert_int_equal(child_run(f->db, f->d, 0), 1);
	/* As the crash left it: events acknowledged, rollups behind. */
	assert_true(raw_int(f->db, "SELECT COUNT(*) FROM events") > 500);
	assert_true(raw_int(f->db, "SELECT IFNULL(SUM(bytes), 0) FROM rollup WHERE period = 3600") <
		    raw_int(f->db, "SELECT SUM(bytes) FROM events WHERE type = 5"));
	assert_true(fakedev_unacked(f->d) < f->d->nrec - 500);
	/* A start with nothing new to read rebuilds them. */
	fake_source(&src, NULL, 0x5eed);
	test_collector(&c, f->db, &src, small_batches);
	assert_true(c.replayed > 500);
	check_rollups_match_events(&c);
	collector_close(&c);
	/* Killed again after the start wrote them, and again. */
	f->d->kill_at_read = 25;
	assert_int_equal(child_run(f->db, f->d, 0), 1);
	assert_int_equal(child_run(f->db, f->d, 0), 1);
	rollup_flush_ms = 1000;
	f->d->kill_at_read = 0;
	assert_int_equal(child_run(f->db, f->d, 0), 0);
	assert_int_equal(fakedev_unacked(f->d), 0);
	check_exact(f->db, &f->x, f->reference);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(the_reference_run_counts_everything, setup, teardown),
		cmocka_unit_test_setup_teardown(killed_between_reads_loses_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(killed_after_commit_before_ack_counts_nothing_twice, setup, teardown),
		cmocka_unit_test_setup_teardown(killed_at_random_moments, setup, teardown),
		cmocka_unit_test_setup_teardown(killed_between_rollup_flushes_rebuilds_them, setup, teardown),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	util_progname = "test_crash";
	return cmocka_run_group_tests_name("crash", tests, NULL, NULL);
}
