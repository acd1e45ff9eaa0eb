// SPDX-License-Identifier: GPL-2.0
/*
 * The journal between the intake and the indexer: a crash between the
 * journal commit and the indexing, a crash between the indexer's commit
 * and its delete, a full journal, and the drain at stop with the
 * indexer in its thread.  Each time: every record stored once, nothing
 * lost, the journal empty at the end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <sys/wait.h>

#include "synth.h"

#define INSTANCE	0x10e5
#define SESSIONS	9000

static const struct who carol = { 1005, 1005, 21, 4100, 41 * NS, "cat" };

struct fixture {
	struct synth s;
	struct fakedev *d;
	char *db;
	uint64_t bytes;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char path[64];
	unsigned int i;

	synth_init(&f->s);
	synth_process(&f->s, 0, T0, &carol, "/usr/bin/cat", DAUDIT_PROC_SEEN);
	for (i = 0; i < SESSIONS; i++) {
		snprintf(path, sizeof(path), "/data/customers/%05u.csv", i % 700);
		synth_read1(&f->s, i % SYNTH_CPUS, T0 + (uint64_t)i * NS, &carol,
			    "customers", path, 100 + i);
		f->bytes += 100 + i;
	}
	f->d = fakedev_new(&f->s);
	assert_non_null(f->d);
	f->db = test_db_path("journal");
	test_db_remove(f->db);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	fakedev_free(f->d);
	test_db_remove(f->db);
	free(f->db);
	synth_free(&f->s);
	free(f);
	return 0;
}

static unsigned int max_mb;

static void tweak(struct config *c)
{
	c->batch_records = 500;
	/* The stream is from T0: the indexer thread's retention keeps it. */
	c->retention_days = 3650;
	if (max_mb)
		c->journal_max_mb = max_mb;
}

static void open_on(struct collector *c, struct fixture *f,
		    struct source *src)
{
	fakedev_reopen(f->d);
	fake_source(src, f->d, INSTANCE);
	test_collector(c, f->db, src, tweak);
}

/* Everything once, the journal empty. */
static void check_all_once(struct fixture *f)
{
	struct journal_backlog b;
	struct collector c;
	struct source src;

	fake_source(&src, NULL, INSTANCE);
	test_collector(&c, f->db, &src, NULL);
	assert_int_equal(test_int(&c, "SELECT COUNT(*) FROM events"), SESSIONS);
	assert_int_equal(test_int(&c, "SELECT COUNT(DISTINCT cpu * 1000000 + seq) FROM events"),
			 SESSIONS);
	assert_int_equal(test_int(&c, "SELECT SUM(bytes) FROM events"), f->bytes);
	assert_int_equal(test_int(&c, "SELECT SUM(bytes) FROM rollup WHERE period = 86400"),
			 f->bytes);
	assert_int_equal(test_int(&c, "SELECT value FROM meta WHERE key = 'records_stored'"),
			 SESSIONS);
	assert_int_equal(test_int(&c, "SELECT COUNT(*) FROM gaps"), 0);
	collector_close(&c);
	assert_int_equal(journal_backlog_read(f->db, 0, &b), 0);
	assert_int_equal(b.batches, 0);
	assert_int_equal(fakedev_unacked(f->d), 0);
}

/* Intake only, in a child killed before its @at-th acknowledgement. */
static void intake_killed_at_ack(struct fixture *f, int at)
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0) {
		struct collector c;
		struct source src;

		open_on(&c, f, &src);
		c.index_hold = 1;
		f->d->kill_at_ack = at;
		while (collector_pump(&c, 0) > 0)
			;
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	f->d->kill_at_ack = 0;
}

static void killed_between_journal_commit_and_indexing(void **state)
{
	struct fixture *f = *state;
	struct journal_backlog b;
	struct collector c;
	struct source src;

	f->d->per_read = 100;
	intake_killed_at_ack(f, 4);
	/* Four batches committed to the journal, three acknowledged. */
	assert_int_equal(journal_backlog_read(f->db, 0, &b), 0);
	assert_int_equal(b.batches, 4);
	assert_int_equal(b.records, 4 * 500);
	/* The store has none of them yet. */
	open_on(&c, f, &src);
	c.index_hold = 1;
	assert_int_equal(test_int(&c, "SELECT COUNT(*) FROM events"), 0);
	collector_close(&c);
	/* Killed again, then a run to the end: the journal first. */
	intake_killed_at_ack(f, 2);
	open_on(&c, f, &src);
	while (collector_pump(&c, 0) > 0)
		;
	collector_commit(&c);
	/* The fourth batch came again from the device: skipped. */
	assert_true(c.ingest.st.duplicates >= 500);
	collector_close(&c);
	check_all_once(f);
}

static void killed_between_the_store_commit_and_the_delete(void **state)
{
	struct fixture *f = *state;
	struct journal_backlog b;
	struct collector c;
	struct source src;
	struct journal j;
	char err[256];
	int64_t id;

	open_on(&c, f, &src);
	while (collector_pump(&c, 0) > 0)
		;
	collector_close(&c);
	/*
	 * As a crash after the indexer's COMMIT would leave it: a row at
	 * the mark, stored already, not deleted yet.
	 */
	assert_int_equal(journal_open(&j, f->db, 1, err, sizeof(err)), 0);
	id = journal_append(&j, INSTANCE, T0, T0, 1000, f->s.buf +
			    (f->d->off[1]), f->d->off[1001] - f->d->off[1]);
	journal_close(&j);
	open_on(&c, f, &src);
	store_begin(&c.store);
	store_meta_int(&c.store, JOURNAL_MARK, id);
	store_commit(&c.store);
	c.index_hold = 1;
	collector_close(&c);
	assert_int_equal(journal_backlog_read(f->db, id - 1, &b), 0);
	assert_int_equal(b.batches, 1);
	/* The next start reads it again; the store skips every record. */
	open_on(&c, f, &src);
	collector_commit(&c);
	assert_int_equal(c.ingest.st.duplicates, 1000);
	assert_int_equal(c.ingest.st.stored, 0);
	collector_close(&c);
	check_all_once(f);
}

static void a_full_journal_stops_the_reads_and_discards_nothing(void **state)
{
	struct fixture *f = *state;
	struct collector c;
	struct source src;
	unsigned int reads;
	int64_t held;

	max_mb = 1;
	f->d->per_read = 50;
	open_on(&c, f, &src);
	c.index_hold = 1;
	while (collector_pump(&c, 0) > 0)
		;
	/* Full: a megabyte held, the rest left in the (simulated) rings. */
	held = atomic_load(&c.intake.held);
	assert_true(intake_full(&c.intake));
	assert_true(held >= 1024 * 1024);
	assert_true(held < 1024 * 1024 + 500 * 300);
	assert_true(fakedev_unacked(f->d) > 1000);
	reads = f->d->reads;
	assert_int_equal(collector_pump(&c, 1), 0);
	assert_int_equal(f->d->reads, reads);
	/* The indexer catches up: reading resumes, and ends. */
	c.index_hold = 0;
	indexer_drain(&c);
	assert_int_equal(atomic_load(&c.intake.held), 0);
	assert_false(intake_full(&c.intake));
	while (collector_pump(&c, 0) > 0)
		;
	collector_commit(&c);
	collector_close(&c);
	max_mb = 0;
	check_all_once(f);
}

static void stop_drains_the_journal_through_the_indexer_thread(void **state)
{
	struct fixture *f = *state;
	struct collector c;
	struct source src;
	char err[256];

	f->d->per_read = 30;
	open_on(&c, f, &src);
	assert_int_equal(indexer_start(&c, err, sizeof(err)), 0);
	while (collector_pump(&c, 0) > 0)
		;
	collector_commit(&c);
	/* Everything acknowledged; the thread may still be behind. */
	assert_int_equal(fakedev_unacked(f->d), 0);
	collector_close(&c);
	check_all_once(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(killed_between_journal_commit_and_indexing, setup, teardown),
		cmocka_unit_test_setup_teardown(killed_between_the_store_commit_and_the_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(a_full_journal_stops_the_reads_and_discards_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(stop_drains_the_journal_through_the_indexer_thread, setup, teardown),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	util_progname = "test_journal";
	return cmocka_run_group_tests_name("journal", tests, NULL, NULL);
}
