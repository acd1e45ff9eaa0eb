// SPDX-License-Identifier: GPL-2.0
/*
 * The collector's decoding, attribution, rollups and delivery bookkeeping
 * against synthetic record streams built from the uapi structs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "synth.h"

static const struct who alice = { 1000, 1000, 7, 4242, 111 * NS, "cat" };
static const struct who bob = { 1001, 1001, 8, 4343, 222 * NS, "python3" };
static const struct who pgd = { 110, DAUDIT_UID_UNSET, DAUDIT_SESSION_UNSET,
				900, 5 * NS, "postgres" };
/* root after sudo by alice: real uid 0, login uid 1000. */
static const struct who alice_root = { 0, 1000, 7, 4444, 333 * NS, "sh" };

struct fixture {
	char *path;
	struct collector c;
	struct source src;
	struct synth s;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->path = test_db_path("ingest");
	test_db_remove(f->path);
	fake_source(&f->src, NULL, 0xabcdef);
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

static void restart(struct fixture *f)
{
	collector_close(&f->c);
	test_collector(&f->c, f->path, &f->src, NULL);
}

static void file_read_is_decoded_and_joined_to_its_process(void **state)
{
	struct fixture *f = *state;
	char *s;

	synth_process(&f->s, 0, T0, &alice, "/usr/bin/cat", DAUDIT_PROC_SEEN);
	synth_read1(&f->s, 0, T0 + 5 * NS, &alice, "customers",
		    "/data/customers/a.csv", 4096);
	test_feed(&f->c, &f->s);

	assert_int_equal(test_int(&f->c, "SELECT COUNT(*) FROM events"), 1);
	assert_int_equal(test_int(&f->c, "SELECT bytes FROM events"), 4096);
	assert_int_equal(test_int(&f->c, "SELECT time_ns FROM events"),
			 (int64_t)(T0 + 5 * NS));
	assert_int_equal(test_int(&f->c, "SELECT user_uid FROM events"), 1000);
	assert_int_equal(test_int(&f->c, "SELECT login FROM events"), 1);
	assert_int_equal(test_int(&f->c, "SELECT tgid FROM events"), 4242);
	s = test_text(&f->c, "SELECT exe FROM events");
	assert_string_equal(s, "/usr/bin/cat");
	free(s);
	s = test_text(&f->c, "SELECT path || '|' || dataset || '|' || comm FROM events");
	assert_string_equal(s, "/data/customers/a.csv|customers|cat");
	free(s);
	assert_int_equal(test_int(&f->c, "SELECT COUNT(*) FROM procs"), 1);
	assert_int_equal(f->c.ingest.st.stored, 1);
}

/*
 * A buffer holds each CPU's records in turn: a session ended on CPU 0 comes
 * before its process's record, written on CPU 1 where its first session
 * began.  It is still joined to its program.
 */
static void a_read_before_its_process_record_in_the_buffer_finds_its_program(void **state)
{
	struct fixture *f = *state;
	char *s;

	synth_read1(&f->s, 0, T0 + 5 * NS, &alice, "customers",
		    "/data/customers/a.csv", 4096);
	synth_process(&f->s, 1, T0, &alice, "/usr/bin/cat", DAUDIT_PROC_SEEN);
	test_feed(&f->c, &f->s);

	assert_int_equal(test_int(&f->c, "SELECT COUNT(*) FROM events"), 1);
	s = test_text(&f->c, "SELECT exe FROM events");
	assert_string_equal(s, "/usr/bin/cat");
	free(s);
	assert_int_equal(test_int(&f->c, "SELECT COUNT(*) FROM procs"), 1);
	assert_int_equal(test_int(&f->c, "SELECT COUNT(*) FROM gaps"), 0);
	/* The same buffer again (a restart before the ack): nothing twice. */
	test_feed(&f->c, &f->s);
	assert_int_equal(test_int(&f->c, "SELECT COUNT(*) FROM events"), 1);
	assert_int_equal(f->c.ingest.st.stored, 1);
}

static void interim_and_final_records_of_a_session_sum_once(void **state)
{
	struct fixture *f = *state;

	synth_read(&f->s, 0, T0 + 1 * NS, &alice, "customers", "/d/a", 77, 0, 0, 100);
	synth_read(&f->s, 1, T0 + 2 * NS, &alice, "customers", "/d/a", 77, 1, 0, 200);
	synth_read(&f->s, 0, T0 + 3 * NS, &alice, "customers", "/d/a", 77, 2, 1, 50);
	test_feed(&f->c, &f->s);

	assert_int_equal(test_int(&f->c, "SELECT bytes FROM rollup WHERE period = 3600"), 350);
	assert_int_equal(test_int(&f->c, "SELECT sessions FROM rollup WHERE period = 3600"), 1);
	assert_int_equal(test_int(&f->c, "SELECT records FROM rollup WHERE period = 3600"), 3);
	assert_int_equal(test_int(&f->c, "SELECT files FROM rollup WHERE period = 86400"), 1);
	assert_int_equal(test_int(&f->c, "SELECT bytes FROM rollup_file WHERE period = 3600"), 350);
	assert_int_equal(test_int(&f->c, "SELECT COUNT(*) FROM rollup_file WHERE period = 86400"), 1);
}

static void rollups_split_by_hour_day_and_dataset(void **state)
{
	struct fixture *f = *state;

	synth_read1(&f->s, 0, T0 + 10 * 60 * NS, &alice, "customers", "/c/1", 10);
	synth_read1(&f->s, 0, T0 + 50 * 60 * NS, &alice, "customers", "/c/2", 20);
	synth_read1(&f->s, 0, T0 + HOUR_NS + 5 * NS, &alice, "customers", "/c/1", 40);
	synth_read1(&f->s, 0, T0 + HOUR_NS + 6 * NS, &alice, "payroll", "/p/1", 80);
	synth_read1(&f->s, 0, T0 + DAY_NS + 1 * NS, &alice, "customers", "/c/3", 160);
	test_feed(&f->c, &f->s);

	assert_int_equal(test_int(&f->c, "SELECT COUNT(*) FROM rollup WHERE period = 3600"), 4);
	assert_int_equal(test_int(&f->c, "SELECT bytes FROM rollup WHERE period = 3600 AND bucket = 1793577600"), 30);
	assert_int_equal(test_int(&f->c, "SELECT files FROM rollup WHERE period = 3600 AND bucket = 1793577600"), 2);
	assert_int_equal(test_int(&f->c, "SELECT bytes FROM rollup WHERE period = 3600 AND bucket = 1793581200 AND dataset = 'customers'"), 40);
	assert_int_equal(test_int(&f->c, "SELECT bytes FROM rollup WHERE period = 3600 AND bucket = 1793581200 AND dataset = 'payroll'"), 80);
	/* The first day: customers 70 bytes in 2 distinct files, payroll 80. */
	assert_int_equal(test_int(&f->c, "SELECT bytes FROM rollup WHERE period = 86400 AND bucket = 1793577600 AND dataset = 'customers'"), 70);
	assert_int_equal(test_int(&f->c, "SELECT files FROM rollup WHERE period = 86400 AND bucket = 1793577600 AND dataset = 'customers'"), 2);
	assert_int_equal(test_int(&f->c, "SELECT sessions FROM rollup WHERE period = 86400 AND bucket = 1793577600 AND dataset = 'customers'"), 3);
	assert_int_equal(test_int(&f->c, "SELECT bytes FROM rollup WHERE period = 86400 AND bucket = 1793664000"), 160);
}

static void distinct_files_and_executables_count_once_across_batches(void **state)
{
	struct fixture *f = *state;
	struct who alice_py = alice;

	alice_py.tgid = 5000;
	alice_py.comm = "python3";
	synth_process(&f->s, 0, T0, &alice, "/usr/bin/cat", DAUDIT_PROC_SEEN);
	synth_process(&f->s, 0, T0, &alice_py, "/usr/bin/python3.11", DAUDIT_PROC_SEEN);
	synth_read1(&f->s, 0, T0 + 1 * NS, &alice, "customers", "/c/1", 1);
	synth_read1(&f->s, 0, T0 + 2 * NS, &alice, "customers", "/c/1", 1);
	test_feed(&f->c, &f->s);
	synth_free(&f->s);
	synth_init(&f->s);
	f->s.seq[0] = 4;
	synth_read1(&f->s, 0, T0 + 3 * NS, &alice_py, "customers", "/c/1", 1);
	synth_read1(&f->s, 0, T0 + 4 * NS, &alice_py, "customers", "/c/2", 1);
	test_feed(&f->c, &f->s);

	assert_int_equal(test_int(&f->c, "SELECT files FROM rollup WHERE period = 3600"), 2);
	assert_int_equal(test_int(&f->c, "SELECT exes FROM rollup WHERE period = 3600"), 2);
	assert_int_equal(test_int(&f->c, "SELECT files FROM rollup WHERE period = 86400"), 2);
	assert_int_equal(test_int(&f->c, "SELECT bytes FROM rollup_exe WHERE period = 3600 AND exe = '/usr/bin/python3.11'"), 2);
	assert_int_equal(test_int(&f->c, "SELECT sessions FROM rollup WHERE period = 3600"), 4);
}

static void egress_is_summed_by_kind_of_destination(void **state)
{
	struct fixture *f = *state;
	char *s;

	synth_egress(&f->s, 0, T0 + 1 * NS, &alice, "customers", DAUDIT_EGRESS_NET, 0, NULL, 1000);
	synth_egress(&f->s, 0, T0 + 2 * NS, &alice, "customers", DAUDIT_EGRESS_NET,
		     DAUDIT_EGRESS_F_LOOPBACK, NULL, 200);
	synth_egress(&f->s, 0, T0 + 3 * NS, &alice, "customers", DAUDIT_EGRESS_UNIX, 0,
		     "/run/other.sock", 30);
	synth_egress(&f->s, 0, T0 + 4 * NS, &alice, "customers", DAUDIT_EGRESS_FILE, 0,
		     "/media/usb0/dump.csv", 4);
	test_feed(&f->c, &f->s);

	assert_int_equal(test_int(&f->c, "SELECT egress_net FROM rollup WHERE period = 86400"), 1000);
	assert_int_equal(test_int(&f->c, "SELECT egress_loopback FROM rollup WHERE period = 86400"), 200);
	assert_int_equal(test_int(&f->c, "SELECT egress_unix FROM rollup WHERE period = 86400"), 30);
	assert_int_equal(test_int(&f->c, "SELECT egress_file FROM rollup WHERE period = 86400"), 4);
	assert_int_equal(test_int(&f->c, "SELECT bytes FROM rollup WHERE period = 86400"), 0);
	s = test_text(&f->c, "SELECT group_concat(dest, ' ') FROM (SELECT dest FROM events ORDER BY id)");
	assert_string_equal(s, "203.0.113.5:443/tcp 127.0.0.1:443/tcp /run/other.sock /media/usb0/dump.csv");
	free(s);
	s = test_text(&f->c, "SELECT extra FROM events WHERE kind = 3");
	assert_non_null(strstr(s, "mount=/media/usb0 fstype=vfat"));
	free(s);
}

static void socket_reads_name_their_endpoint(void **state)
{
	struct fixture *f = *state;
	char *s;

	synth_sock(&f->s, 0, T0 + 1 * NS, &bob, "orders", "/run/postgresql/.s.PGSQL.5432", 500);
	synth_sock(&f->s, 0, T0 + 2 * NS, &bob, "orders", NULL, 700);
	test_feed(&f->c, &f->s);

	s = test_text(&f->c, "SELECT group_concat(path, ' ') FROM (SELECT path FROM events ORDER BY id)");
	assert_string_equal(s, "/run/postgresql/.s.PGSQL.5432 10.0.0.5:5432/tcp");
	free(s);
	assert_int_equal(test_int(&f->c, "SELECT bytes FROM rollup WHERE period = 3600"), 1200);
	assert_int_equal(test_int(&f->c, "SELECT files FROM rollup WHERE period = 3600"), 2);
}

static void users_are_login_users_or_uids_without_login(void **state)
{
	struct fixture *f = *state;

	synth_read1(&f->s, 0, T0 + 1 * NS, &alice_root, "customers", "/c/1", 10);
	synth_read1(&f->s, 0, T0 + 2 * NS, &pgd, "customers", "/c/1", 20);
	test_feed(&f->c, &f->s);

	/* sudo keeps the login uid: alice's read, done as root. */
	assert_int_equal(test_int(&f->c, "SELECT user_uid FROM events WHERE uid = 0"), 1000);
	assert_int_equal(test_int(&f->c, "SELECT login FROM events WHERE uid = 0"), 1);
	assert_int_equal(test_int(&f->c, "SELECT user_uid FROM events WHERE uid = 110"), 110);
	assert_int_equal(test_int(&f->c, "SELECT login FROM events WHERE uid = 110"), 0);
	assert_int_equal(test_int(&f->c, "SELECT auid IS NULL FROM events WHERE uid = 110"), 1);
	assert_int_equal(test_int(&f->c, "SELECT bytes FROM rollup WHERE period = 3600 AND user_uid = 1000 AND login = 1"), 10);
	assert_int_equal(test_int(&f->c, "SELECT bytes FROM rollup WHERE period = 3600 AND user_uid = 110 AND login = 0"), 20);
	/* uid 0 has a name on every system: it is stored for the CLI. */
	assert_int_equal(test_int(&f->c, "SELECT COUNT(*) FROM names WHERE uid = 0 AND name = 'root'"), 1);
}

static void exec_changes_the_executable_from_its_time_on(void **state)
{
	struct fixture *f = *state;
	struct who ghost = alice;
	char *s;

	ghost.tgid = 31337;
	ghost.comm = "ghost";
	synth_process(&f->s, 0, T0, &alice, "/usr/bin/bash", DAUDIT_PROC_SEEN);
	synth_read1(&f->s, 0, T0 + 1 * NS, &alice, "customers", "/c/1", 1);
	synth_process(&f->s, 0, T0 + 2 * NS, &alice, "/usr/bin/sqlite3", DAUDIT_PROC_EXEC);
	synth_read1(&f->s, 0, T0 + 3 * NS, &alice, "customers", "/c/2", 1);
	/* Delivered late from another CPU, but read before the exec. */
	synth_read1(&f->s, 1, T0 + 1 * NS + 5, &alice, "customers", "/c/3", 1);
	/* No process record at all: stored without an executable. */
	synth_read1(&f->s, 1, T0 + 4 * NS, &ghost, "customers", "/c/4", 1);
	test_feed(&f->c, &f->s);

	s = test_text(&f->c, "SELECT group_concat(IFNULL(exe, 'NULL'), ' ') FROM (SELECT exe FROM events ORDER BY id)");
	assert_string_equal(s, "/usr/bin/bash /usr/bin/sqlite3 /usr/bin/bash NULL");
	free(s);
	assert_int_equal(test_int(&f->c, "SELECT COUNT(*) FROM rollup_exe WHERE period = 3600 AND exe = '[ghost]'"), 1);

	/* After a restart the process table still names the executable. */
	restart(f);
	synth_free(&f->s);
	synth_init(&f->s);
	f->s.seq[0] = 4;
	synth_read1(&f->s, 0, T0 + 5 * NS, &alice, "customers", "/c/5", 1);
	test_feed(&f->c, &f->s);
	s = test_text(&f->c, "SELECT exe FROM events WHERE path = '/c/5'");
	assert_string_equal(s, "/usr/bin/sqlite3");
	free(s);
}

static void replayed_records_after_a_restart_count_once(void **state)
{
	struct fixture *f = *state;
	int i;

	for (i = 0; i < 50; i++)
		synth_read1(&f->s, (unsigned int)i % 3, T0 + (uint64_t)i * NS, &alice,
			    "customers", "/c/x", 1000);
	synth_egress(&f->s, 2, T0 + 60 * NS, &alice, "customers", DAUDIT_EGRESS_NET, 0, NULL, 5);
	test_feed(&f->c, &f->s);
	restart(f);
	/* The kernel delivers everything again: nothing was acknowledged. */
	test_feed(&f->c, &f->s);

	assert_int_equal(f->c.ingest.st.duplicates, 51);
	assert_int_equal(f->c.ingest.st.stored, 0);
	assert_int_equal(test_int(&f->c, "SELECT COUNT(*) FROM events"), 51);
	assert_int_equal(test_int(&f->c, "SELECT bytes FROM rollup WHERE period = 86400"), 50000);
	assert_int_equal(test_int(&f->c, "SELECT sessions FROM rollup WHERE period = 86400"), 50);
	assert_int_equal(test_int(&f->c, "SELECT egress_net FROM rollup WHERE period = 86400"), 5);
	assert_int_equal(test_int(&f->c, "SELECT value FROM meta WHERE key = 'records_stored'"), 51);
	assert_int_equal(test_int(&f->c, "SELECT COUNT(*) FROM gaps"), 0);
}

static void sequence_gaps_and_lost_records_are_recorded(void **state)
{
	struct fixture *f = *state;

	synth_read1(&f->s, 1, T0 + 1 * NS, &alice, "customers", "/c/1", 1);
	synth_skip(&f->s, 1, 5);
	synth_read1(&f->s, 1, T0 + 2 * NS, &alice, "customers", "/c/2", 1);
	synth_lost(&f->s, 1, T0 + 3 * NS, 12, DAUDIT_REC_FILE_READ);
	synth_read1(&f->s, 1, T0 + 4 * NS, &alice, "customers", "/c/3", 1);
	test_feed(&f->c, &f->s);

	assert_int_equal(test_int(&f->c, "SELECT COUNT(*) FROM gaps"), 2);
	assert_int_equal(test_int(&f->c, "SELECT count FROM gaps WHERE kind = 'gap'"), 5);
	assert_int_equal(test_int(&f->c, "SELECT first_seq FROM gaps WHERE kind = 'gap'"), 1);
	assert_int_equal(test_int(&f->c, "SELECT last_seq FROM gaps WHERE kind = 'gap'"), 5);
	assert_int_equal(test_int(&f->c, "SELECT from_ns FROM gaps WHERE kind = 'gap'"), (int64_t)(T0 + 1 * NS));
	assert_int_equal(test_int(&f->c, "SELECT count FROM gaps WHERE kind = 'lost'"), 12);
	assert_int_equal(test_int(&f->c, "SELECT first_seq FROM gaps WHERE kind = 'lost'"), 7);
	assert_int_equal(test_int(&f->c, "SELECT last_seq FROM gaps WHERE kind = 'lost'"), 18);
	assert_int_equal(test_int(&f->c, "SELECT by_type = 'file_read=12' FROM gaps WHERE kind = 'lost'"), 1);
	assert_int_equal(test_int(&f->c, "SELECT calls FROM events WHERE type = 1"), 12);
	assert_int_equal(test_int(&f->c, "SELECT next_seq FROM hwm WHERE cpu = 1"), 20);
	assert_int_equal(f->c.ingest.st.lost, 12);
}

static void records_before_the_first_attach_are_an_unseen_gap(void **state)
{
	struct fixture *f = *state;

	synth_skip(&f->s, 2, 3);
	synth_read1(&f->s, 2, T0 + 1 * NS, &alice, "customers", "/c/1", 1);
	test_feed(&f->c, &f->s);
	assert_int_equal(test_int(&f->c, "SELECT count FROM gaps WHERE kind = 'unseen' AND cpu = 2"), 3);
}

static void a_new_module_instance_starts_new_sequences(void **state)
{
	struct fixture *f = *state;

	synth_read1(&f->s, 0, T0 + 1 * NS, &alice, "customers", "/c/1", 1);
	test_feed(&f->c, &f->s);
	collector_close(&f->c);
	fake_source(&f->src, NULL, 0x12345);
	test_collector(&f->c, f->path, &f->src, NULL);
	test_feed(&f->c, &f->s);

	assert_int_equal(test_int(&f->c, "SELECT COUNT(*) FROM events"), 2);
	assert_int_equal(test_int(&f->c, "SELECT COUNT(*) FROM hwm"), 2);
	assert_int_equal(test_int(&f->c, "SELECT COUNT(*) FROM gaps"), 0);
}

static void the_ack_vector_covers_what_was_committed(void **state)
{
	struct fixture *f = *state;
	uint64_t v[SYNTH_CPUS];
	unsigned int n;

	synth_read1(&f->s, 0, T0 + 1 * NS, &alice, "customers", "/c/1", 1);
	synth_read1(&f->s, 0, T0 + 2 * NS, &alice, "customers", "/c/1", 1);
	synth_read1(&f->s, 3, T0 + 3 * NS, &alice, "customers", "/c/1", 1);
	ingest_buffer(&f->c.ingest, f->s.buf, f->s.len);
	ingest_commit(&f->c.ingest, 1);
	n = ingest_ack_vector(&f->c.ingest, v, SYNTH_CPUS);
	assert_int_equal(n, 2);
	assert_int_equal(v[0], 2);
	assert_int_equal(v[3], 1);
	assert_true(v[1] == ~0ULL);
	/* Nothing new: nothing to acknowledge. */
	assert_int_equal(ingest_ack_vector(&f->c.ingest, v, SYNTH_CPUS), 0);
}

static void a_malformed_buffer_keeps_the_records_before_it(void **state)
{
	struct fixture *f = *state;
	struct daudit_rec_header *h;

	synth_read1(&f->s, 0, T0 + 1 * NS, &alice, "customers", "/c/1", 1);
	synth_read1(&f->s, 0, T0 + 2 * NS, &alice, "customers", "/c/2", 1);
	/* The second record claims a size past the end of the buffer. */
	h = (void *)(f->s.buf + ((struct daudit_rec_header *)f->s.buf)->size);
	h->size += 4096;
	test_feed(&f->c, &f->s);
	assert_int_equal(test_int(&f->c, "SELECT COUNT(*) FROM events"), 1);
	assert_int_equal(f->c.ingest.st.malformed, 1);
}

static void alerts_policy_and_module_records_are_events(void **state)
{
	struct fixture *f = *state;
	struct daudit_rec_module *m;
	struct daudit_rec_policy *p;
	char *s;

	m = synth_add(&f->s, sizeof(*m), DAUDIT_REC_MODULE, 0, T0);
	synth_subj(&m->subj, &alice_root);
	m->event = DAUDIT_MOD_LOAD;
	m->abi_major = 1;
	m->instance_id = 0xabcdef;
	snprintf(m->version, sizeof(m->version), "0.1.0");
	p = synth_add(&f->s, sizeof(*p), DAUDIT_REC_POLICY, 0, T0 + 1);
	synth_subj(&p->subj, &alice_root);
	p->generation = 3;
	p->n_datasets = 2;
	synth_alert(&f->s, 0, T0 + 2, &bob, "customers", "/data/customers/a.csv", "/tmp/a");
	test_feed(&f->c, &f->s);

	s = test_text(&f->c, "SELECT extra FROM events WHERE type = 2");
	assert_string_equal(s, "version=0.1.0 abi=1.0 instance=0000000000abcdef");
	free(s);
	s = test_text(&f->c, "SELECT extra FROM events WHERE type = 3");
	assert_string_equal(s, "generation=3 result=0 datasets=2 sources=0 size=0");
	free(s);
	s = test_text(&f->c, "SELECT path || ' -> ' || dest FROM events WHERE type = 6");
	assert_string_equal(s, "/data/customers/a.csv -> /tmp/a");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(file_read_is_decoded_and_joined_to_its_process, setup, teardown),
		cmocka_unit_test_setup_teardown(a_read_before_its_process_record_in_the_buffer_finds_its_program, setup, teardown),
		cmocka_unit_test_setup_teardown(interim_and_final_records_of_a_session_sum_once, setup, teardown),
		cmocka_unit_test_setup_teardown(rollups_split_by_hour_day_and_dataset, setup, teardown),
		cmocka_unit_test_setup_teardown(distinct_files_and_executables_count_once_across_batches, setup, teardown),
		cmocka_unit_test_setup_teardown(egress_is_summed_by_kind_of_destination, setup, teardown),
		cmocka_unit_test_setup_teardown(socket_reads_name_their_endpoint, setup, teardown),
		cmocka_unit_test_setup_teardown(users_are_login_users_or_uids_without_login, setup, teardown),
		cmocka_unit_test_setup_teardown(exec_changes_the_executable_from_its_time_on, setup, teardown),
		cmocka_unit_test_setup_teardown(replayed_records_after_a_restart_count_once, setup, teardown),
		cmocka_unit_test_setup_teardown(sequence_gaps_and_lost_records_are_recorded, setup, teardown),
		cmocka_unit_test_setup_teardown(records_before_the_first_attach_are_an_unseen_gap, setup, teardown),
		cmocka_unit_test_setup_teardown(a_new_module_instance_starts_new_sequences, setup, teardown),
		cmocka_unit_test_setup_teardown(the_ack_vector_covers_what_was_committed, setup, teardown),
		cmocka_unit_test_setup_teardown(a_malformed_buffer_keeps_the_records_before_it, setup, teardown),
		cmocka_unit_test_setup_teardown(alerts_policy_and_module_records_are_events, setup, teardown),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	util_progname = "test_ingest";
	return cmocka_run_group_tests_name("ingest", tests, NULL, NULL);
}
