// SPDX-License-Identifier: GPL-2.0
/*
 * The record iterator: a consumer may cast what rec_next() returns, so
 * every malformation a buffer can carry must stop iteration with a reason
 * instead of handing out a record.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "record.h"

#define ALIGN8(x)	(((x) + 7) & ~(size_t)7)

/* A stream of records, 8-byte aligned like the device's read buffer. */
static uint64_t sbuf[4 * DAUDIT_RECORD_MAX / 8];
static size_t slen;

static void *add(unsigned int type, size_t size)
{
	struct daudit_rec_header *h = (void *)((char *)sbuf + slen);

	assert_true(slen + size <= sizeof(sbuf));
	memset(h, 0, size);
	h->size = (uint32_t)size;
	h->type = (uint16_t)type;
	h->seq = slen;
	slen += size;
	return h;
}

static struct daudit_rec_file *add_file(const char *path)
{
	size_t len = strlen(path);
	struct daudit_rec_file *f = add(DAUDIT_REC_FILE_READ,
					ALIGN8(sizeof(*f) + len + 1));

	strcpy(f->dataset, "customers");
	f->path_len = (uint16_t)len;
	memcpy(f->path, path, len + 1);
	return f;
}

static struct daudit_rec_process *add_process(const char *exe)
{
	size_t len = strlen(exe);
	struct daudit_rec_process *p = add(DAUDIT_REC_PROCESS,
					   ALIGN8(sizeof(*p) + len + 1));

	p->exe_len = (uint16_t)len;
	memcpy(p->exe, exe, len + 1);
	return p;
}

static struct daudit_rec_alert *add_alert(const char *p1, const char *p2)
{
	size_t l1 = strlen(p1), l2 = strlen(p2);
	struct daudit_rec_alert *a = add(DAUDIT_REC_ALERT,
					 ALIGN8(sizeof(*a) + l1 + l2 + 2));

	a->kind = DAUDIT_ALERT_HARDLINK;
	a->path_len = (uint16_t)l1;
	a->path2_len = (uint16_t)l2;
	strcpy(a->dataset, "customers");
	memcpy(a->paths, p1, l1 + 1);
	memcpy(a->paths + l1 + 1, p2, l2 + 1);
	return a;
}

static struct daudit_rec_sock *add_sock(const char *path)
{
	size_t len = strlen(path);
	struct daudit_rec_sock *k = add(DAUDIT_REC_SOCK_READ,
					ALIGN8(sizeof(*k) + len + 1));

	strcpy(k->dataset, "billing");
	k->path_len = (uint16_t)len;
	memcpy(k->path, path, len + 1);
	return k;
}

/* "path NUL mount NUL fstype NUL", padded to 8. */
static struct daudit_rec_egress *add_egress(const char *path,
					    const char *mnt, const char *fs)
{
	size_t l1 = strlen(path), l2 = strlen(mnt), l3 = strlen(fs);
	struct daudit_rec_egress *e = add(DAUDIT_REC_EGRESS,
					  ALIGN8(sizeof(*e) + l1 + l2 + l3 + 3));

	strcpy(e->dataset, "customers");
	e->path_len = (uint16_t)l1;
	e->mount_len = (uint16_t)l2;
	e->fstype_len = (uint16_t)l3;
	memcpy(e->strings, path, l1 + 1);
	memcpy(e->strings + l1 + 1, mnt, l2 + 1);
	memcpy(e->strings + l1 + l2 + 2, fs, l3 + 1);
	return e;
}

static struct daudit_rec_module *add_module(void)
{
	struct daudit_rec_module *m = add(DAUDIT_REC_MODULE, sizeof(*m));

	strcpy(m->version, "0.1.0");
	return m;
}

static int setup(void **state)
{
	(void)state;
	memset(sbuf, 0, sizeof(sbuf));
	slen = 0;
	return 0;
}

/* Walk the stream; it must fail with @want at record @at (0-based). */
static void expect_malformed(size_t at, const char *want)
{
	const char *why = NULL;
	struct rec_iter it;
	size_t n = 0;

	rec_iter_init(&it, sbuf, slen);
	while (rec_next(&it, &why))
		n++;
	assert_int_equal(n, at);
	assert_non_null(why);
	assert_string_equal(why, want);
	/* Iteration stays stopped. */
	why = NULL;
	assert_null(rec_next(&it, &why));
	assert_null(why);
}

static void mixed_stream_is_walked_in_order(void **state)
{
	static const unsigned int want[] = {
		DAUDIT_REC_LOST, DAUDIT_REC_MODULE, DAUDIT_REC_POLICY,
		DAUDIT_REC_PROCESS, DAUDIT_REC_FILE_READ, DAUDIT_REC_ALERT,
		DAUDIT_REC_SOCK_READ, DAUDIT_REC_EGRESS, DAUDIT_REC_EGRESS,
		12, 15, DAUDIT_REC_FILE_READ,
	};
	const struct daudit_rec_header *h;
	const char *why = NULL;
	struct rec_iter it;
	size_t n = 0;

	(void)state;
	add(DAUDIT_REC_LOST, sizeof(struct daudit_rec_lost));
	add_module();
	add(DAUDIT_REC_POLICY, sizeof(struct daudit_rec_policy));
	add_process("/usr/bin/cat");
	add_file("/srv/data/customers.csv");
	add_alert("/srv/data/customers.csv", "/tmp/x");
	add_sock("/run/billing.sock");
	add_egress("/media/usb0/x.csv", "/media/usb0", "vfat");
	/* A network egress: three empty strings. */
	add_egress("", "", "");
	/* Types this program does not know are handed out by size. */
	add(12, 40);
	add(15, sizeof(struct daudit_rec_header));
	/* An empty path is still terminated. */
	add_file("");

	rec_iter_init(&it, sbuf, slen);
	while ((h = rec_next(&it, &why))) {
		assert_true(n < sizeof(want) / sizeof(want[0]));
		assert_int_equal(h->type, want[n]);
		assert_int_equal(h->seq, (const char *)h - (const char *)sbuf);
		n++;
	}
	if (why)
		fail_msg("record %zu: %s", n, why);
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
	assert_int_equal(it.off, slen);
}

static void empty_buffer_has_no_records(void **state)
{
	const char *why = NULL;
	struct rec_iter it;

	(void)state;
	rec_iter_init(&it, sbuf, 0);
	assert_null(rec_next(&it, &why));
	assert_null(why);
}

static void records_of_the_largest_size_pass(void **state)
{
	const char *why = NULL;
	struct rec_iter it;

	(void)state;
	add(12, DAUDIT_RECORD_MAX);
	rec_iter_init(&it, sbuf, slen);
	assert_non_null(rec_next(&it, &why));
	assert_null(rec_next(&it, &why));
	assert_null(why);
}

static void size_zero_is_refused(void **state)
{
	(void)state;
	add_module();
	((struct daudit_rec_header *)add(DAUDIT_REC_POLICY, 64))->size = 0;
	expect_malformed(1, "record size out of range");
}

static void size_not_multiple_of_8_is_refused(void **state)
{
	(void)state;
	((struct daudit_rec_header *)add(12, 48))->size = 44;
	expect_malformed(0, "record size out of range");
}

static void size_beyond_buffer_is_refused(void **state)
{
	(void)state;
	add_module();
	((struct daudit_rec_header *)add(12, 48))->size = 56;
	expect_malformed(1, "record size out of range");
}

static void size_above_record_max_is_refused(void **state)
{
	(void)state;
	add(12, DAUDIT_RECORD_MAX + 8);
	expect_malformed(0, "record size out of range");
}

static void truncated_header_is_refused(void **state)
{
	(void)state;
	add_module();
	slen += 16;	/* half a header of zeros */
	expect_malformed(1, "truncated record header");
}

/* Each type at one size below its minimum (rounded to 8). */
static void records_too_short_for_their_type_are_refused(void **state)
{
	static const struct {
		unsigned int type;
		size_t min;
	} t[] = {
		{ DAUDIT_REC_LOST, sizeof(struct daudit_rec_lost) },
		{ DAUDIT_REC_MODULE, sizeof(struct daudit_rec_module) },
		{ DAUDIT_REC_POLICY, sizeof(struct daudit_rec_policy) },
		{ DAUDIT_REC_PROCESS, sizeof(struct daudit_rec_process) + 1 },
		{ DAUDIT_REC_FILE_READ, sizeof(struct daudit_rec_file) + 1 },
		{ DAUDIT_REC_ALERT, sizeof(struct daudit_rec_alert) + 2 },
		{ DAUDIT_REC_SOCK_READ, sizeof(struct daudit_rec_sock) + 1 },
		{ DAUDIT_REC_EGRESS, sizeof(struct daudit_rec_egress) + 3 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		setup(NULL);
		add(t[i].type, ALIGN8(t[i].min) - 8);
		expect_malformed(0, "record shorter than its type");
	}
}

static void unterminated_file_path_is_refused(void **state)
{
	struct daudit_rec_file *f;

	(void)state;
	f = add_file("/srv/data/abcdefg");
	f->path[f->path_len] = 'X';	/* padding NULs follow: not enough */
	expect_malformed(0, "file path or dataset not terminated");
}

static void file_path_len_beyond_record_is_refused(void **state)
{
	struct daudit_rec_file *f;

	(void)state;
	f = add_file("/srv/a");
	f->path_len = 4000;
	add_module();
	expect_malformed(0, "file path or dataset not terminated");
}

static void file_path_len_short_of_the_nul_is_refused(void **state)
{
	struct daudit_rec_file *f;

	(void)state;
	/* A NUL inside the declared length: a truncated path would be read. */
	f = add_file("/srv/a_bc");
	f->path[6] = '\0';
	expect_malformed(0, "file path or dataset not terminated");

	setup(NULL);
	f = add_file("/srv/data/x");
	f->path_len = 3;
	expect_malformed(0, "file path or dataset not terminated");
}

static void unterminated_dataset_is_refused(void **state)
{
	struct daudit_rec_alert *a;
	struct daudit_rec_file *f;

	(void)state;
	f = add_file("/srv/a");
	memset(f->dataset, 'd', sizeof(f->dataset));
	expect_malformed(0, "file path or dataset not terminated");

	setup(NULL);
	a = add_alert("/a", "/b");
	memset(a->dataset, 'd', sizeof(a->dataset));
	expect_malformed(0, "alert paths or dataset not terminated");
}

static void unterminated_process_exe_is_refused(void **state)
{
	struct daudit_rec_process *p;

	(void)state;
	p = add_process("/usr/bin/cat");
	p->exe_len = 200;
	expect_malformed(0, "process exe not terminated");

	setup(NULL);
	p = add_process("1234567");		/* exe + NUL fill 8 bytes */
	p->exe[7] = 'X';
	expect_malformed(0, "process exe not terminated");
}

/* A process record with command line @args (@n bytes, NUL-separated). */
static struct daudit_rec_process *add_process_cmd(const char *exe,
						  const char *args, size_t n)
{
	size_t len = strlen(exe);
	struct daudit_rec_process *p = add(DAUDIT_REC_PROCESS,
					   ALIGN8(sizeof(*p) + len + 1 + n + 1));

	p->exe_len = (uint16_t)len;
	memcpy(p->exe, exe, len + 1);
	p->cmdline_len = (uint16_t)n;
	memcpy(p->exe + len + 1, args, n);
	return p;
}

static void process_command_lines_are_checked(void **state)
{
	struct daudit_rec_process *p;
	const char *why = NULL;
	struct rec_iter it;

	(void)state;
	p = add_process_cmd("/usr/bin/tar", "tar\0cf\0-", 9);
	rec_iter_init(&it, sbuf, slen);
	assert_ptr_equal(rec_next(&it, &why), p);

	/* Its length runs past the record. */
	setup(NULL);
	p = add_process_cmd("/usr/bin/tar", "tar\0cf\0-", 9);
	p->cmdline_len = 200;
	expect_malformed(0, "process command line not terminated");

	/* No NUL after the last argument. */
	setup(NULL);
	p = add_process_cmd("/usr/bin/tar", "tar\0cf\0-", 9);
	p->exe[12 + 1 + 9] = 'X';
	expect_malformed(0, "process command line not terminated");

	/* Longer than the module ever sends. */
	setup(NULL);
	p = add_process_cmd("/bin/x", "", 0);
	p->cmdline_len = DAUDIT_CMDLINE_MAX + 1;
	expect_malformed(0, "process command line not terminated");
}

static void command_lines_read_back_as_the_same_words(void **state)
{
	static const struct {
		const char *args;
		size_t n;
		uint32_t flags;
		const char *want;
	} c[] = {
		{ "tar\0cf\0-\0/srv/crm", 17, 0, "tar cf - /srv/crm" },
		{ "nc\0host\0" "443", 11, 0, "nc host 443" },
		{ "sh\0-c\0tar cf - /srv | nc h 443", 30, 0,
		  "sh -c 'tar cf - /srv | nc h 443'" },
		{ "echo\0it's\0\0$HOME", 16, 0, "echo 'it'\\''s' '' '$HOME'" },
		{ "cat\0/srv/a", 10, DAUDIT_REC_F_CMDLINE_CUT,
		  "cat /srv/a [truncated]" },
		{ "\x1b[2J", 4, 0, "\x1b[2J" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct daudit_rec_process *p;
		char *line;

		setup(NULL);
		p = add_process_cmd("/bin/x", c[i].args, c[i].n);
		p->hdr.flags = c[i].flags;
		line = rec_cmdline(&p->hdr);
		assert_non_null(line);
		assert_string_equal(line, c[i].want);
		free(line);
	}
	/* None from a module older than ABI 1.7. */
	setup(NULL);
	{
		struct daudit_rec_process *p = add_process_cmd("/bin/x", "", 0);

		assert_null(rec_cmdline(&p->hdr));
	}
}

static void bad_alert_paths_are_refused(void **state)
{
	struct daudit_rec_alert *a;

	(void)state;
	/* Second path's length runs past the record. */
	a = add_alert("/srv/a", "/tmp/b");
	a->path2_len = 100;
	expect_malformed(0, "alert paths or dataset not terminated");

	/* First path's length runs past the record. */
	setup(NULL);
	a = add_alert("/srv/a", "/tmp/b");
	a->path_len = 1000;
	expect_malformed(0, "alert paths or dataset not terminated");

	/* The second path's NUL overwritten, padding included. */
	setup(NULL);
	a = add_alert("/srv/a", "/tmp/bcdefgh");	/* 7 + 13 = 20: 4 pad bytes */
	memset(a->paths + 7 + 12, 'X', 5);
	expect_malformed(0, "alert paths or dataset not terminated");
}

static void bad_socket_path_is_refused(void **state)
{
	struct daudit_rec_sock *k;

	(void)state;
	k = add_sock("/run/a.sock");
	k->path_len = 500;
	expect_malformed(0, "socket path or dataset not terminated");

	setup(NULL);
	k = add_sock("/run/a.sock");
	memset(k->dataset, 'd', sizeof(k->dataset));
	expect_malformed(0, "socket path or dataset not terminated");
}

static void bad_egress_strings_are_refused(void **state)
{
	struct daudit_rec_egress *e;

	(void)state;
	e = add_egress("/media/usb0/x.csv", "/media/usb0", "vfat");
	e->path_len = 16;	/* one short: the NUL is not where it says */
	expect_malformed(0, "egress strings or dataset not terminated");

	setup(NULL);
	e = add_egress("/media/usb0/x.csv", "/media/usb0", "vfat");
	e->mount_len = 300;
	expect_malformed(0, "egress strings or dataset not terminated");

	setup(NULL);
	e = add_egress("/media/usb0/x.csv", "/media/usb0", "vfat");
	e->fstype_len = 300;
	expect_malformed(0, "egress strings or dataset not terminated");

	setup(NULL);
	e = add_egress("/m/x", "/m", "ext4");	/* 5 + 3 + 5 = 13: 3 pad bytes */
	memset(e->strings + 12, 'X', 4);
	expect_malformed(0, "egress strings or dataset not terminated");

	setup(NULL);
	e = add_egress("", "", "");
	memset(e->dataset, 'd', sizeof(e->dataset));
	expect_malformed(0, "egress strings or dataset not terminated");
}

static void unterminated_module_version_is_refused(void **state)
{
	struct daudit_rec_module *m;

	(void)state;
	m = add_module();
	memset(m->version, 'v', sizeof(m->version));
	expect_malformed(0, "module version not terminated");
}

static void misaligned_offset_is_refused(void **state)
{
	const char *why = NULL;
	struct rec_iter it;

	(void)state;
	add_module();
	add_module();
	rec_iter_init(&it, sbuf, slen);
	it.off = 4;
	assert_null(rec_next(&it, &why));
	assert_non_null(why);
	assert_string_equal(why, "misaligned record");
	assert_int_equal(it.off, slen);
}

static void names_of_types_reasons_and_paths(void **state)
{
	char buf[256], small[8];

	(void)state;
	assert_string_equal(rec_type_name(DAUDIT_REC_FILE_READ), "file_read");
	assert_string_equal(rec_type_name(DAUDIT_REC_LOST), "lost");
	assert_string_equal(rec_type_name(DAUDIT_REC_PAD), "unknown");
	assert_string_equal(rec_type_name(9), "unknown");
	assert_string_equal(rec_type_name(70000), "unknown");
	assert_string_equal(rec_end_reason_name(DAUDIT_END_CLOSE), "close");
	assert_string_equal(rec_end_reason_name(DAUDIT_END_NOMEM), "nomem");
	assert_string_equal(rec_end_reason_name(DAUDIT_END_POLICY), "policy");
	assert_string_equal(rec_end_reason_name(0), "unknown");
	assert_string_equal(rec_end_reason_name(99), "unknown");
	assert_string_equal(rec_paths_str(0, buf, sizeof(buf)), "");
	assert_string_equal(rec_paths_str(DAUDIT_PATH_READ | DAUDIT_PATH_MMAP |
					  DAUDIT_PATH_URING_OTHER, buf, sizeof(buf)),
			    "read,mmap,io_uring_other");
	/* Bits no module sets yet are left out. */
	assert_string_equal(rec_paths_str(DAUDIT_PATH_RECV | DAUDIT_PATH_URING_SEND |
					  (1U << 27) | (1U << 31), buf, sizeof(buf)),
			    "recv,io_uring_send");
	assert_string_equal(rec_paths_str(DAUDIT_PATH_PREAD |
					  DAUDIT_PATH_FD_SWAPPED, buf, sizeof(buf)),
			    "pread,fd_swapped");
	assert_string_equal(rec_paths_str(DAUDIT_PATH_AIO, buf, sizeof(buf)), "aio");
	assert_string_equal(rec_paths_str(DAUDIT_PATH_REFLINK, buf, sizeof(buf)),
			    "reflink");
	/* Too small: stays inside the buffer, terminated. */
	rec_paths_str(~0U, small, sizeof(small));
	assert_true(strlen(small) < sizeof(small));
	assert_int_equal(strncmp(small, "read", 4), 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, setup)
	const struct CMUnitTest tests[] = {
		T(mixed_stream_is_walked_in_order),
		T(empty_buffer_has_no_records),
		T(records_of_the_largest_size_pass),
		T(size_zero_is_refused),
		T(size_not_multiple_of_8_is_refused),
		T(size_beyond_buffer_is_refused),
		T(size_above_record_max_is_refused),
		T(truncated_header_is_refused),
		T(records_too_short_for_their_type_are_refused),
		T(unterminated_file_path_is_refused),
		T(file_path_len_beyond_record_is_refused),
		T(file_path_len_short_of_the_nul_is_refused),
		T(unterminated_dataset_is_refused),
		T(unterminated_process_exe_is_refused),
		T(process_command_lines_are_checked),
		T(command_lines_read_back_as_the_same_words),
		T(bad_alert_paths_are_refused),
		T(bad_socket_path_is_refused),
		T(bad_egress_strings_are_refused),
		T(unterminated_module_version_is_refused),
		T(misaligned_offset_is_refused),
		T(names_of_types_reasons_and_paths),
	};
#undef T

	return cmocka_run_group_tests_name("record", tests, NULL, NULL);
}
