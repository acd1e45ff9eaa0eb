// SPDX-License-Identifier: GPL-2.0
/*
 * The disk spool of network sinks: order, the cap (refuse and count),
 * delete only after delivery, and a restart (clean, or after a crash in
 * the middle of a write) that keeps every message and every key.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "spool.h"

static char dir[128];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/daudit-test-%d-spool/a/b", (int)getpid());
	return 0;
}

static int teardown(void **state)
{
	char cmd[200];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf /tmp/daudit-test-%d-spool", (int)getpid());
	assert_int_equal(system(cmd), 0);
	return 0;
}

static unsigned int count_segments(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	unsigned int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		n += strlen(de->d_name) == 20 && strstr(de->d_name, ".seg");
	closedir(d);
	return n;
}

/* Message i: "msg-<i>-" and filler so messages differ in length. */
static size_t message(unsigned int i, char *buf, size_t len)
{
	int n = snprintf(buf, len, "msg-%u-", i);
	size_t want = 200 + (i * 37) % 900, k;

	for (k = (size_t)n; k < want && k < len; k++)
		buf[k] = (char)('a' + (i + k) % 26);
	return k;
}

static void append(struct spool *sp, unsigned int i)
{
	char buf[2048];
	size_t n = message(i, buf, sizeof(buf));

	assert_int_equal(spool_append(sp, 0x77, i % 3, i / 3, buf, n, 0, 1000 + i),
			 SPOOL_OK);
	marks_take(&sp->marks, 0x77, i % 3, i / 3);
}

/* Read from the cursor; check messages first..last-1 come in order. */
static void expect(struct spool *sp, unsigned int first, unsigned int last,
		   int deliver)
{
	struct spool_pos pos = sp->cursor, next;
	struct fmt_buf b = { 0 };
	uint64_t bytes = 0;
	unsigned int i;

	for (i = first; i < last; i++) {
		char want[2048];
		size_t n = message(i, want, sizeof(want));

		assert_int_equal(spool_read(sp, &pos, &b, &next), 1);
		assert_int_equal(b.len, n);
		assert_memory_equal(b.s, want, n);
		bytes += SPOOL_HDR + n;
		pos = next;
	}
	assert_int_equal(spool_read(sp, &pos, &b, &next), 0);
	if (deliver)
		spool_delivered(sp, pos, last - first, bytes);
	fb_free(&b);
}

static void in_order_and_deleted_once_delivered(void **state)
{
	struct spool sp;
	char err[256];
	unsigned int i;

	(void)state;
	assert_int_equal(spool_open(&sp, dir, 1 << 20, err, sizeof(err)), 0);
	assert_int_equal(sp.seg_max, 128 * 1024);
	for (i = 0; i < 600; i++)
		append(&sp, i);
	assert_int_equal(spool_pending(&sp), 600);
	assert_true(count_segments() > 2);
	/* Half delivered: the segments before the cursor's are gone. */
	{
		struct spool_pos pos = sp.cursor, next;
		struct fmt_buf b = { 0 };
		uint64_t bytes = 0;

		for (i = 0; i < 300; i++) {
			assert_int_equal(spool_read(&sp, &pos, &b, &next), 1);
			bytes += SPOOL_HDR + b.len;
			pos = next;
		}
		spool_delivered(&sp, pos, 300, bytes);
		fb_free(&b);
	}
	assert_int_equal(spool_pending(&sp), 300);
	assert_int_equal(sp.first_seg, sp.cursor.seg);
	expect(&sp, 300, 600, 1);
	assert_int_equal(spool_pending(&sp), 0);
	assert_int_equal(sp.bytes, 0);
	assert_int_equal(count_segments(), sp.cur_seg - sp.first_seg + 1);
	assert_true(count_segments() <= 2);
	spool_close(&sp);
}

static void a_full_spool_refuses_and_counts(void **state)
{
	struct spool sp;
	char err[256], buf[1000];
	unsigned int i, ok = 0, refused = 0;

	(void)state;
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(spool_open(&sp, dir, 64 * 1024, err, sizeof(err)), 0);
	for (i = 0; i < 100; i++) {
		int r = spool_append(&sp, 1, 0, i, buf, sizeof(buf), 0,
				     5000 + i);

		if (r == SPOOL_OK)
			ok++;
		else
			refused++;
		assert_true(r == SPOOL_OK || r == SPOOL_FULL);
	}
	assert_int_equal(ok, 64 * 1024 / (SPOOL_HDR + sizeof(buf)));
	assert_int_equal(refused, 100 - ok);
	assert_int_equal(sp.refused, refused);
	assert_int_equal(sp.refused_bytes, refused * sizeof(buf));
	assert_int_equal(sp.refused_first_ns, 5000 + ok);
	assert_int_equal(sp.refused_last_ns, 5099);
	assert_true(sp.bytes <= 64 * 1024);
	/* Findings and alerts have an eighth more room. */
	for (i = 0; i < 100; i++)
		if (spool_append(&sp, 1, 0, 200 + i, buf, sizeof(buf), 1, 1) != SPOOL_OK)
			break;
	assert_int_equal(i, (72 * 1024 - ok * (SPOOL_HDR + sizeof(buf))) /
			 (SPOOL_HDR + sizeof(buf)));
	assert_true(sp.bytes <= 64 * 1024 + 8 * 1024);
	/* What is spooled is a gap-free prefix, in order. */
	assert_int_equal(spool_pending(&sp), ok + i);
	spool_close(&sp);
}

static void a_restart_keeps_messages_cursor_and_keys(void **state)
{
	struct spool sp;
	char err[256];
	unsigned int i;

	(void)state;
	assert_int_equal(spool_open(&sp, dir, 1 << 20, err, sizeof(err)), 0);
	for (i = 0; i < 100; i++)
		append(&sp, i);
	expect(&sp, 0, 100, 1);
	for (i = 100; i < 250; i++)
		append(&sp, i);
	assert_int_equal(spool_commit(&sp), 0);
	spool_close(&sp);

	assert_int_equal(spool_open(&sp, dir, 1 << 20, err, sizeof(err)), 0);
	assert_int_equal(sp.delivered, 100);
	assert_int_equal(spool_pending(&sp), 150);
	assert_false(marks_new(&sp.marks, 0x77, 249 % 3, 249 / 3));
	assert_true(marks_new(&sp.marks, 0x77, 250 % 3, 250 / 3));
	expect(&sp, 100, 250, 0);
	spool_close(&sp);
}

static void a_crash_before_commit_loses_no_key(void **state)
{
	struct spool sp;
	char err[256], seg[200];
	unsigned int i;
	pid_t pid;
	int status, fd;

	(void)state;
	assert_int_equal(spool_open(&sp, dir, 1 << 20, err, sizeof(err)), 0);
	for (i = 0; i < 10; i++)
		append(&sp, i);
	assert_int_equal(spool_commit(&sp), 0);
	spool_close(&sp);
	/* A collector appends more and dies before saving its state. */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		assert_int_equal(spool_open(&sp, dir, 1 << 20, err, sizeof(err)), 0);
		for (i = 10; i < 40; i++)
			append(&sp, i);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	/* ... and the last entry was cut short. */
	snprintf(seg, sizeof(seg), "%s/0000000000000001.seg", dir);
	fd = open(seg, O_WRONLY | O_APPEND);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "DSP1\x10\x00\x00\x00garbage", 15), 15);
	close(fd);

	assert_int_equal(spool_open(&sp, dir, 1 << 20, err, sizeof(err)), 0);
	assert_int_equal(spool_pending(&sp), 40);
	for (i = 0; i < 40; i++)
		assert_false(marks_new(&sp.marks, 0x77, i % 3, i / 3));
	/* The torn end is gone: new messages follow the last whole one. */
	append(&sp, 40);
	expect(&sp, 0, 41, 1);
	spool_close(&sp);
}

static void damaged_entries_are_skipped_and_reported(void **state)
{
	struct spool sp;
	struct spool_pos pos, next;
	struct fmt_buf b = { 0 };
	char err[256], seg[200];
	unsigned int i;
	int fd;

	(void)state;
	assert_int_equal(spool_open(&sp, dir, 1 << 20, err, sizeof(err)), 0);
	for (i = 0; i < 400; i++)
		append(&sp, i);
	assert_true(sp.cur_seg >= 2);
	/* Flip a byte of the first message. */
	snprintf(seg, sizeof(seg), "%s/0000000000000001.seg", dir);
	fd = open(seg, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, "X", 1, SPOOL_HDR + 2), 1);
	close(fd);
	pos = sp.cursor;
	assert_int_equal(spool_read(&sp, &pos, &b, &next), -1);
	/* Reading goes on at the next segment. */
	assert_int_equal(pos.seg, 2);
	assert_int_equal(pos.off, 0);
	assert_int_equal(spool_read(&sp, &pos, &b, &next), 1);
	assert_true(!strncmp(b.s, "msg-", 4));
	fb_free(&b);
	spool_close(&sp);
}

static void marks_files(void **state)
{
	struct marks m;
	char path[200], err[256];
	FILE *f;

	(void)state;
	assert_int_equal(system("true"), 0);
	snprintf(path, sizeof(path), "/tmp/daudit-test-%d-spool", (int)getpid());
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "/tmp/daudit-test-%d-spool/marks", (int)getpid());
	marks_init(&m);
	assert_int_equal(marks_load(&m, path, err, sizeof(err)), 0);
	marks_take(&m, 5, 0, 10);
	marks_take(&m, 5, 1, 3);
	marks_take(&m, 5, 0, 4);		/* below: no change */
	marks_take(&m, 0, MARK_FINDINGS, 41);
	/* Triage is the database's, like findings: the records' marks stay. */
	marks_take(&m, 0, MARK_TRIAGE, 7 << TRIAGE_SEQ_SHIFT);
	assert_int_equal(marks_get(&m, 5, 0), 11);
	marks_set_meta(&m, "appended", 99);
	assert_true(m.dirty);
	assert_int_equal(marks_save(&m, path), 0);
	assert_false(m.dirty);
	marks_free(&m);
	assert_int_equal(marks_load(&m, path, err, sizeof(err)), 1);
	assert_int_equal(marks_get(&m, 5, 0), 11);
	assert_int_equal(marks_get(&m, 5, 1), 4);
	assert_int_equal(marks_get(&m, 0, MARK_FINDINGS), 42);
	assert_int_equal(marks_meta(&m, "appended"), 99);
	assert_false(marks_new(&m, 5, 0, 10));
	assert_true(marks_new(&m, 5, 0, 11));
	assert_true(marks_new(&m, 5, 2, 0));
	/* A new module instance: the old one's marks go, findings stay. */
	marks_take(&m, 6, 0, 0);
	assert_int_equal(marks_get(&m, 5, 0), 0);
	assert_int_equal(marks_get(&m, 0, MARK_FINDINGS), 42);
	assert_int_equal(marks_get(&m, 0, MARK_TRIAGE), (7 << TRIAGE_SEQ_SHIFT) + 1);
	assert_int_equal(m.n, 3);
	marks_free(&m);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("something else\n", f);
	fclose(f);
	assert_int_equal(marks_load(&m, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a daudit marks file"));
	marks_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(in_order_and_deleted_once_delivered, setup, teardown),
		cmocka_unit_test_setup_teardown(a_full_spool_refuses_and_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(a_restart_keeps_messages_cursor_and_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(a_crash_before_commit_loses_no_key, setup, teardown),
		cmocka_unit_test_setup_teardown(damaged_entries_are_skipped_and_reported, setup, teardown),
		cmocka_unit_test_setup_teardown(marks_files, setup, teardown),
	};

	util_progname = "test_spool";
	return cmocka_run_group_tests_name("spool", tests, NULL, NULL);
}
