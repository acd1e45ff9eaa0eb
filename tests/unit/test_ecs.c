// SPDX-License-Identifier: GPL-2.0
/*
 * Records rendered as ECS JSON: every mapped field, unset ids, names from
 * NSS, the process join, and hostile strings that must come out as valid,
 * lossless JSON under the escaping rule documented in ecs.h (the rule
 * itself: test_escape.c; socket reads and egress: test_ecs_net.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "ecs_check.h"

/* ------------------------------------------------------------------ */
/* Fields                                                              */
/* ------------------------------------------------------------------ */

static void file_read_maps_every_field(void **state)
{
	struct ecs_ctx ctx;
	json_object *o, *v;

	(void)state;
	ctx_setup(&ctx, 0);
	make_file("/srv/data/customers.csv", 23);
	o = render(&ctx);

	assert_string_equal(str(o, "@timestamp"), T_STR);
	assert_string_equal(str(o, "ecs.version"), ECS_VERSION);
	assert_string_equal(str(o, "event.kind"), "event");
	assert_string_equal(str(o, "event.module"), "daudit");
	assert_string_equal(str(o, "event.dataset"), "daudit.file_read");
	assert_int_equal(num(o, "event.sequence"), 99);
	assert_string_equal(str(o, "event.action"), "file_read");
	assert_list1(o, "event.category", "file");
	assert_list1(o, "event.type", "access");
	assert_string_equal(str(o, "event.start"), "2026-11-27T20:20:31.123456789Z");
	assert_string_equal(str(o, "event.end"), T_STR);
	assert_string_equal(str(o, "event.reason"), "close");
	assert_string_equal(str(o, "host.hostname"), "host-1");
	assert_string_equal(str(o, "daudit.instance"), "feedface01020304");
	assert_int_equal(num(o, "daudit.cpu"), 3);
	assert_int_equal(num(o, "daudit.seq"), 99);

	assert_int_equal(num(o, "process.pid"), 4242);
	assert_int_equal(num(o, "process.thread.id"), 4243);
	assert_int_equal(num(o, "process.parent.pid"), 1);
	assert_string_equal(str(o, "process.name"), "cat");
	assert_null(field(o, "process.executable"));
	assert_string_equal(str(o, "user.id"), "0");
	assert_string_equal(str(o, "user.group.id"), "0");
	assert_string_equal(str(o, "user.effective.id"), "3999999999");
	assert_string_equal(str(o, "user.effective.group.id"), "3999999999");
	assert_string_equal(str(o, "user.audit.id"), "1000");
	assert_string_equal(str(o, "daudit.login_session"), "7");
	assert_string_equal(str(o, "daudit.fsuid"), "1001");
	assert_string_equal(str(o, "daudit.fsgid"), "1002");
	assert_int_equal(num(o, "daudit.cgroup_id"), 0x1234567890ULL);
	assert_int_equal(num(o, "daudit.mnt_ns"), 4026531840U);
	assert_int_equal(num(o, "daudit.pid_ns"), 4026531836U);
	assert_int_equal(num(o, "daudit.process_start_ns"), 123456789012ULL);

	assert_string_equal(str(o, "file.path"), "/srv/data/customers.csv");
	assert_string_equal(str(o, "file.name"), "customers.csv");
	assert_string_equal(str(o, "file.directory"), "/srv/data");
	assert_string_equal(str(o, "file.inode"), "18446744073709551557");
	assert_string_equal(str(o, "file.device"), "259:65539");
	assert_string_equal(str(o, "daudit.dataset"), "customers");
	assert_int_equal(num(o, "daudit.bytes"), 1ULL << 40);
	assert_int_equal(num(o, "daudit.calls"), 12);
	assert_int_equal(num(o, "daudit.mmap_bytes"), 8192);
	assert_int_equal(num(o, "daudit.mmap_len"), 65536);
	v = field(o, "daudit.read_paths");
	assert_non_null(v);
	assert_int_equal(json_object_array_length(v), 2);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(v, 0)), "read");
	assert_string_equal(json_object_get_string(json_object_array_get_idx(v, 1)), "mmap");
	assert_int_equal(num(o, "daudit.offset.min"), 0);
	assert_int_equal(num(o, "daudit.offset.max"), 1ULL << 40);
	assert_int_equal(num(o, "daudit.session.id"), 77);
	assert_int_equal(num(o, "daudit.session.part"), 2);
	v = field(o, "daudit.session.final");
	assert_non_null(v);
	assert_true(json_object_is_type(v, json_type_boolean));
	assert_true(json_object_get_boolean(v));
	assert_string_equal(str(o, "daudit.session.open"), "2026-11-27T20:20:30.123456789Z");

	assert_host_and_message(o, "WHO read 1099511627776 bytes of customers from /srv/data/customers.csv");
	json_object_put(o);
	ecs_ctx_free(&ctx);
}

static void unknown_offsets_and_interim_sessions(void **state)
{
	struct daudit_rec_file *f;
	struct ecs_ctx ctx;
	json_object *o;

	(void)state;
	ctx_setup(&ctx, 0);
	f = make_file("relative", 8);
	f->off_min = DAUDIT_OFFSET_UNKNOWN;
	f->off_max = DAUDIT_OFFSET_UNKNOWN;
	f->final = 0;
	f->reason = DAUDIT_END_BYTES;
	f->paths = 0;
	o = render(&ctx);
	assert_null(field(o, "daudit.offset"));
	assert_false(json_object_get_boolean(field(o, "daudit.session.final")));
	assert_string_equal(str(o, "event.reason"), "bytes");
	assert_int_equal(json_object_array_length(field(o, "daudit.read_paths")), 0);
	/* A path without a slash is all name. */
	assert_string_equal(str(o, "file.name"), "relative");
	assert_null(field(o, "file.directory"));
	json_object_put(o);

	make_file("/etc", 4);
	o = render(&ctx);
	assert_string_equal(str(o, "file.directory"), "/");
	assert_string_equal(str(o, "file.name"), "etc");
	json_object_put(o);
	ecs_ctx_free(&ctx);
}

static void unset_auid_is_never_zero(void **state)
{
	struct daudit_rec_file *f;
	struct ecs_ctx ctx;
	json_object *o;

	(void)state;
	ctx_setup(&ctx, 0);
	f = make_file("/x", 2);
	f->subj.auid = DAUDIT_UID_UNSET;
	f->subj.sessionid = DAUDIT_SESSION_UNSET;
	o = render(&ctx);
	assert_string_equal(str(o, "user.audit.id"), "unset");
	assert_null(field(o, "user.audit.name"));
	assert_string_equal(str(o, "daudit.login_session"), "unset");
	json_object_put(o);

	/* auid 0 is a real login: root's. */
	f = make_file("/x", 2);
	f->subj.auid = 0;
	o = render(&ctx);
	assert_string_equal(str(o, "user.audit.id"), "0");
	assert_string_equal(str(o, "user.audit.name"), "root");
	json_object_put(o);
	ecs_ctx_free(&ctx);
}

static void ids_resolve_to_names(void **state)
{
	struct ecs_ctx ctx;
	json_object *o;
	int pass;

	(void)state;
	ctx_setup(&ctx, 0);
	/* Twice: the second answer comes from the cache. */
	for (pass = 0; pass < 2; pass++) {
		make_file("/x", 2);
		o = render(&ctx);
		assert_string_equal(str(o, "user.name"), "root");
		assert_string_equal(str(o, "user.group.name"), "root");
		assert_string_equal(str(o, "user.effective.id"), "3999999999");
		assert_null(field(o, "user.effective.name"));
		assert_null(field(o, "user.effective.group.name"));
		json_object_put(o);
	}
	ecs_ctx_free(&ctx);

	/* Without NSS, only ids. */
	ctx_setup(&ctx, 0);
	ctx.resolve_names = 0;
	make_file("/x", 2);
	o = render(&ctx);
	assert_string_equal(str(o, "user.id"), "0");
	assert_null(field(o, "user.name"));
	json_object_put(o);
	ecs_ctx_free(&ctx);
}

/* ABI 1.7: a process record's command line, then later records'. */
static void command_lines_go_with_the_process(void **state)
{
	static const char args[] = "tar\0cf\0-\0/srv/crm\0\x1b[2J x";
	struct daudit_rec_process *p;
	struct ecs_ctx ctx;
	json_object *o, *a;
	size_t n = sizeof(args) - 1;

	(void)state;
	ctx_setup(&ctx, 0);
	p = make_process(4242, 123456789012ULL, "/usr/bin/tar", 12);
	p->hdr.size = (uint32_t)ALIGN8(sizeof(*p) + 12 + 1 + n + 1);
	p->cmdline_len = (uint16_t)n;
	memcpy(p->exe + 13, args, n);
	ecs_note_process(&ctx, &p->hdr);
	o = render(&ctx);
	assert_string_equal(str(o, "process.command_line"),
			    "tar cf - /srv/crm '\x1b[2J x'");
	a = field(o, "process.args");
	assert_int_equal(json_object_array_length(a), 5);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(a, 0)), "tar");
	assert_string_equal(json_object_get_string(json_object_array_get_idx(a, 4)),
			    "\x1b[2J x");
	assert_int_equal(json_object_get_int(field(o, "process.args_count")), 5);
	json_object_put(o);

	make_file("/srv/crm/a", 10);
	o = render(&ctx);
	assert_string_equal(str(o, "process.command_line"),
			    "tar cf - /srv/crm '\x1b[2J x'");
	assert_null(field(o, "process.args"));
	json_object_put(o);

	/* A record of an older module keeps the line known. */
	p = make_process(4242, 123456789012ULL, "/usr/bin/tar", 12);
	p->event = DAUDIT_PROC_SEEN;
	ecs_note_process(&ctx, &p->hdr);
	make_file("/srv/crm/a", 10);
	o = render(&ctx);
	assert_non_null(field(o, "process.command_line"));
	json_object_put(o);
	ecs_ctx_free(&ctx);
}

static void process_records_join_later_records(void **state)
{
	struct daudit_rec_process *p;
	struct ecs_ctx ctx;
	json_object *o;

	(void)state;
	ctx_setup(&ctx, 0);
	p = make_process(4242, 123456789012ULL, "/usr/bin/cat", 12);
	ecs_note_process(&ctx, &p->hdr);
	o = render(&ctx);
	assert_string_equal(str(o, "event.dataset"), "daudit.process");
	assert_string_equal(str(o, "event.action"), "process-exec");
	assert_list1(o, "event.category", "process");
	assert_list1(o, "event.type", "start");
	assert_string_equal(str(o, "process.executable"), "/usr/bin/cat");
	assert_host_and_message(o, "process-exec: /usr/bin/cat by WHO");
	json_object_put(o);

	make_file("/srv/a", 6);
	o = render(&ctx);
	assert_string_equal(str(o, "process.executable"), "/usr/bin/cat");
	json_object_put(o);

	/* Same pid, another start time: another process. */
	make_file("/srv/a", 6)->subj.start_ns++;
	o = render(&ctx);
	assert_null(field(o, "process.executable"));
	json_object_put(o);

	/* An exec replaces the executable. */
	p = make_process(4242, 123456789012ULL, "/usr/bin/tac", 12);
	p->event = DAUDIT_PROC_SEEN;
	ecs_note_process(&ctx, &p->hdr);
	o = render(&ctx);
	assert_list1(o, "event.type", "info");
	assert_string_equal(str(o, "event.action"), "process-seen");
	json_object_put(o);
	assert_string_equal(ecs_lookup_process(&ctx, 4242, 123456789012ULL, NULL),
			    "/usr/bin/tac");

	/* Other record types are ignored. */
	ecs_note_process(&ctx, &make_file("/x", 2)->hdr);
	assert_int_equal(ctx.nprocs, 1);
	ecs_ctx_free(&ctx);
}

static void process_table_evicts_least_recently_used(void **state)
{
	struct ecs_ctx ctx;
	uint32_t pid;

	(void)state;
	ctx_setup(&ctx, 3);
	for (pid = 1; pid <= 3; pid++)
		ecs_note_process(&ctx, &make_process(pid, pid * 10, "/bin/a", 6)->hdr);
	/* Use 1, so 2 is now the oldest. */
	assert_non_null(ecs_lookup_process(&ctx, 1, 10, NULL));
	ecs_note_process(&ctx, &make_process(4, 40, "/bin/b", 6)->hdr);
	assert_int_equal(ctx.nprocs, 3);
	assert_null(ecs_lookup_process(&ctx, 2, 20, NULL));
	assert_non_null(ecs_lookup_process(&ctx, 1, 10, NULL));
	assert_non_null(ecs_lookup_process(&ctx, 3, 30, NULL));
	assert_string_equal(ecs_lookup_process(&ctx, 4, 40, NULL), "/bin/b");

	/* Many more than fit: bounded, and the newest are kept. */
	for (pid = 100; pid < 10100; pid++)
		ecs_note_process(&ctx, &make_process(pid, 5, "/bin/c", 6)->hdr);
	assert_int_equal(ctx.nprocs, 3);
	assert_non_null(ecs_lookup_process(&ctx, 10099, 5, NULL));
	assert_null(ecs_lookup_process(&ctx, 100, 5, NULL));
	ecs_ctx_free(&ctx);
}

/*
 * An ALERT record of @kind in rbuf, its two paths (@len bytes with both
 * NULs) of lengths @len1 and @len2.
 */
static struct daudit_rec_alert *alert_rec(uint32_t kind, const char *paths,
					  size_t len, uint16_t len1,
					  uint16_t len2)
{
	struct daudit_rec_alert *a = (void *)rbuf;
	size_t size = ALIGN8(sizeof(*a) + len);

	memset(rbuf, 0, size);
	fill_header(&a->hdr, DAUDIT_REC_ALERT, size);
	fill_subject(&a->subj);
	a->kind = kind;
	a->path_len = len1;
	a->path2_len = len2;
	memcpy(a->paths, paths, len);
	return a;
}

static void alert_hardlink_fields(void **state)
{
	static const char paths[] = "/srv/data/c.csv\0/tmp/innocent";
	struct daudit_rec_alert *a;
	struct ecs_ctx ctx;
	json_object *o;

	(void)state;
	ctx_setup(&ctx, 0);
	a = alert_rec(DAUDIT_ALERT_HARDLINK, paths, sizeof(paths), 15, 13);
	a->dev = makedev(8, 1);
	a->ino = 555;
	strcpy(a->dataset, "customers");
	o = render(&ctx);
	assert_string_equal(str(o, "event.kind"), "alert");
	assert_string_equal(str(o, "event.dataset"), "daudit.alert");
	assert_list1(o, "event.category", "file");
	assert_list1(o, "event.type", "creation");
	assert_string_equal(str(o, "event.action"), "hardlink-protected-file");
	assert_string_equal(str(o, "file.path"), "/srv/data/c.csv");
	assert_string_equal(str(o, "daudit.link_path"), "/tmp/innocent");
	assert_string_equal(str(o, "daudit.dataset"), "customers");
	assert_string_equal(str(o, "file.inode"), "555");
	assert_string_equal(str(o, "file.device"), "8:1");
	assert_int_equal(num(o, "process.pid"), 4242);
	assert_host_and_message(o, "hardlink-protected-file: /srv/data/c.csv by WHO");
	json_object_put(o);
	/* The same record for a move out of the tree. */
	a->kind = DAUDIT_ALERT_RENAME;
	o = render(&ctx);
	assert_list1(o, "event.type", "change");
	assert_string_equal(str(o, "event.action"), "rename-protected-file");
	assert_string_equal(str(o, "daudit.link_path"), "/tmp/innocent");
	json_object_put(o);
	ecs_ctx_free(&ctx);
}

static void alert_tamper_fields(void **state)
{
	static const char paths[] = "kprobes/enabled\0" "0";
	static const char loop_paths[] = "/srv/data/disk.image\0/dev/loop0";
	struct daudit_rec_alert *a;
	struct ecs_ctx ctx;
	json_object *o;

	(void)state;
	ctx_setup(&ctx, 0);
	/* A login uid changed: the old one and its session in ino and dev. */
	a = alert_rec(DAUDIT_ALERT_LOGINUID, "\0", 2, 0, 0);
	a->ino = 1001;
	a->dev = 7;
	o = render(&ctx);
	assert_string_equal(str(o, "event.kind"), "alert");
	assert_list1(o, "event.category", "iam");
	assert_list1(o, "event.type", "change");
	assert_string_equal(str(o, "event.action"), "loginuid-changed");
	assert_string_equal(str(o, "daudit.previous.audit.id"), "1001");
	assert_string_equal(str(o, "daudit.previous.login_session"), "7");
	assert_null(ecs_get(o, "file.path"));
	json_object_put(o);
	/* kprobes disarmed: the value written. */
	alert_rec(DAUDIT_ALERT_KPROBES, paths, sizeof(paths), 15, 1);
	o = render(&ctx);
	assert_list1(o, "event.category", "configuration");
	assert_string_equal(str(o, "event.action"), "kprobes-toggled");
	assert_string_equal(str(o, "daudit.kprobes.written"), "0");
	json_object_put(o);
	/* A loop device over a protected file: the file and the device. */
	a = alert_rec(DAUDIT_ALERT_LOOP, loop_paths, sizeof(loop_paths), 20, 10);
	a->dev = (8u << 20) | 1;
	a->ino = 77;
	strcpy(a->dataset, "customers");
	o = render(&ctx);
	assert_list1(o, "event.category", "file");
	assert_list1(o, "event.type", "access");
	assert_string_equal(str(o, "event.action"), "loop-protected-file");
	assert_string_equal(str(o, "file.path"), "/srv/data/disk.image");
	assert_string_equal(str(o, "daudit.loop.device"), "/dev/loop0");
	assert_string_equal(str(o, "daudit.dataset"), "customers");
	assert_string_equal(str(o, "file.inode"), "77");
	assert_null(ecs_get(o, "daudit.link_path"));
	json_object_put(o);
	ecs_ctx_free(&ctx);
}

static void lost_fields(void **state)
{
	struct daudit_rec_lost *l = (void *)rbuf;
	struct ecs_ctx ctx;
	json_object *o, *by;

	(void)state;
	ctx_setup(&ctx, 0);
	memset(rbuf, 0, sizeof(*l));
	fill_header(&l->hdr, DAUDIT_REC_LOST, sizeof(*l));
	l->hdr.seq = 140;
	l->first_seq = 100;
	l->count = 41;
	l->by_type[DAUDIT_REC_FILE_READ] = 40;
	l->by_type[DAUDIT_REC_PROCESS] = 1;
	o = render(&ctx);
	assert_string_equal(str(o, "event.kind"), "event");
	assert_string_equal(str(o, "event.action"), "records-lost");
	assert_list1(o, "event.category", "host");
	assert_list1(o, "event.type", "info");
	assert_int_equal(num(o, "daudit.lost.count"), 41);
	assert_int_equal(num(o, "daudit.lost.first_seq"), 100);
	assert_int_equal(num(o, "daudit.lost.last_seq"), 140);
	by = field(o, "daudit.lost.by_type");
	assert_non_null(by);
	assert_int_equal(json_object_object_length(by), 2);
	assert_int_equal(num(o, "daudit.lost.by_type.file_read"), 40);
	assert_int_equal(num(o, "daudit.lost.by_type.process"), 1);
	/* No subject on a LOST record. */
	assert_null(field(o, "process"));
	assert_null(field(o, "user"));
	assert_host_and_message(o, "the sensor lost 41 records");
	json_object_put(o);
	ecs_ctx_free(&ctx);
}

static void module_fields(void **state)
{
	struct daudit_rec_module *m = (void *)rbuf;
	struct ecs_ctx ctx;
	json_object *o;

	(void)state;
	ctx_setup(&ctx, 0);
	memset(rbuf, 0, sizeof(*m));
	fill_header(&m->hdr, DAUDIT_REC_MODULE, sizeof(*m));
	fill_subject(&m->subj);
	m->event = DAUDIT_MOD_LOAD;
	m->abi_major = 1;
	m->abi_minor = 0;
	m->instance_id = 0xabcULL;
	strcpy(m->version, "0.1.0");
	o = render(&ctx);
	assert_string_equal(str(o, "event.action"), "module-load");
	assert_string_equal(str(o, "event.dataset"), "daudit.module");
	assert_list1(o, "event.category", "driver");
	assert_list1(o, "event.type", "start");
	assert_string_equal(str(o, "daudit.module.version"), "0.1.0");
	assert_string_equal(str(o, "daudit.module.abi"), "1.0");
	assert_string_equal(str(o, "daudit.module.instance"), "0000000000000abc");
	assert_host_and_message(o, "module-load 0.1.0 by WHO");
	json_object_put(o);

	m->event = DAUDIT_MOD_UNLOAD;
	o = render(&ctx);
	assert_string_equal(str(o, "event.action"), "module-unload");
	assert_list1(o, "event.type", "end");
	json_object_put(o);
	ecs_ctx_free(&ctx);
}

static void policy_fields(void **state)
{
	struct daudit_rec_policy *p = (void *)rbuf;
	struct ecs_ctx ctx;
	json_object *o;

	(void)state;
	ctx_setup(&ctx, 0);
	memset(rbuf, 0, sizeof(*p));
	fill_header(&p->hdr, DAUDIT_REC_POLICY, sizeof(*p));
	fill_subject(&p->subj);
	p->generation = 5;
	p->n_datasets = 2;
	p->n_sources = 9;
	p->size = 1024;
	o = render(&ctx);
	assert_string_equal(str(o, "event.action"), "policy-load");
	assert_list1(o, "event.category", "configuration");
	assert_list1(o, "event.type", "change");
	assert_string_equal(str(o, "event.outcome"), "success");
	assert_int_equal(num(o, "daudit.policy.generation"), 5);
	assert_int_equal(num(o, "daudit.policy.datasets"), 2);
	assert_int_equal(num(o, "daudit.policy.sources"), 9);
	assert_int_equal(num(o, "daudit.policy.size"), 1024);
	assert_null(field(o, "error"));
	assert_host_and_message(o, "policy-load: generation 5, success by WHO");
	json_object_put(o);

	p->result = 22;
	o = render(&ctx);
	assert_string_equal(str(o, "event.outcome"), "failure");
	assert_string_equal(str(o, "error.code"), "EINVAL");
	assert_int_equal(num(o, "daudit.policy.errno"), 22);
	json_object_put(o);
	ecs_ctx_free(&ctx);
}

static void other_types_are_not_rendered(void **state)
{
	static const unsigned int types[] = {
		DAUDIT_REC_PAD, 15, 300,
	};
	struct daudit_rec_header *h = (void *)rbuf;
	struct ecs_ctx ctx;
	size_t i;

	(void)state;
	ctx_setup(&ctx, 0);
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		memset(rbuf, 0, 64);
		fill_header(h, types[i], 64);
		assert_null(ecs_from_record(&ctx, h));
	}
	ecs_ctx_free(&ctx);
}

static void sequence_gap_event(void **state)
{
	struct ecs_ctx ctx;
	json_object *o, *back;

	(void)state;
	ctx_setup(&ctx, 0);
	o = ecs_sequence_gap(&ctx, 5, 10, 13);
	back = roundtrip(o);
	assert_string_equal(str(back, "event.action"), "sequence-gap");
	assert_int_equal(num(back, "daudit.cpu"), 5);
	assert_int_equal(num(back, "daudit.gap.expected"), 10);
	assert_int_equal(num(back, "daudit.gap.got"), 13);
	assert_int_equal(num(back, "daudit.gap.missing"), 3);
	json_object_put(back);
	assert_host_and_message(o, "3 records missing from the sequence");
	json_object_put(o);
	ecs_ctx_free(&ctx);
}

static void times_are_rfc3339_nanoseconds(void **state)
{
	char buf[ECS_TIME_LEN];

	(void)state;
	assert_string_equal(ecs_format_time(T_NS, buf, sizeof(buf)), T_STR);
	assert_string_equal(ecs_format_time(0, buf, sizeof(buf)),
			    "1970-01-01T00:00:00.000000000Z");
	assert_string_equal(ecs_format_time(1000000001ULL, buf, sizeof(buf)),
			    "1970-01-01T00:00:01.000000001Z");
}

/* ------------------------------------------------------------------ */
/* Hostile strings (the escaping rule itself: test_escape.c)            */
/* ------------------------------------------------------------------ */

static void hostile_strings_give_valid_lossless_json(void **state)
{
	static const char hostile[] =
		"/srv/\"quoted\"/back\\slash/\\x41/pipe|eq=br]/new\nline/"
		"\x80\xff/\xe2\x82/\xf0\x9f\x98/\xc3\xa9/tab\t/\x01\x1b[31m";
	size_t len = DAUDIT_PATH_MAX - 1, i;
	char *path = malloc(len), comm[DAUDIT_COMM_LEN];
	struct daudit_rec_process *p;
	struct daudit_rec_file *f;
	struct ecs_ctx ctx;
	json_object *o;

	(void)state;
	assert_non_null(path);
	/* 4 KiB of hostile bytes, no NUL. */
	for (i = 0; i < len; i++)
		path[i] = hostile[i % (sizeof(hostile) - 1)];
	ctx_setup(&ctx, 0);

	p = make_process(4242, 123456789012ULL, path, len);
	ecs_note_process(&ctx, &p->hdr);
	o = render(&ctx);
	assert_decodes(o, "process.executable", path, len);
	json_object_put(o);

	f = make_file(path, len);
	/* comm fills its 16 bytes: no NUL inside the record's field. */
	memcpy(comm, "\"\\x41\xff|=]\n\xe2\x82\xac\\\\\x80z", sizeof(comm));
	memcpy(f->subj.comm, comm, sizeof(comm));
	o = render(&ctx);
	assert_decodes(o, "file.path", path, len);
	assert_decodes(o, "process.executable", path, len);
	assert_decodes(o, "process.name", comm, sizeof(comm));
	/* Directory and name split the path at its last '/'. */
	{
		const char *slash = memrchr(path, '/', len);
		size_t dlen = (size_t)(slash - path);

		assert_decodes(o, "file.directory", path, dlen);
		assert_decodes(o, "file.name", slash + 1, len - dlen - 1);
	}
	json_object_put(o);
	free(path);
	ecs_ctx_free(&ctx);
}

static void findings_are_alerts(void **state)
{
	struct ecs_finding f = {
		.id = 42, .rule = "read_then_egress",
		.key = "read_then_egress|L1000/7|2026-11-27", .user = 1000,
		.login = 1, .dataset = "customers",
		.first_ns = T_NS - 1000000000ULL, .last_ns = T_NS, .score = 50,
		.bytes = 943718400, .count = 3,
		.reason = "read 1.17 GiB, then sent \"900 MiB\" out",
	};
	struct ecs_ctx ctx;
	json_object *o, *back;

	(void)state;
	ctx_setup(&ctx, 0);
	o = ecs_from_finding(&ctx, &f);
	back = roundtrip(o);
	assert_host_and_message(o, f.reason);
	json_object_put(o);
	o = back;
	assert_string_equal(str(o, "@timestamp"), T_STR);
	assert_string_equal(str(o, "event.kind"), "alert");
	assert_string_equal(str(o, "event.dataset"), "daudit.finding");
	assert_string_equal(str(o, "event.id"), "feedface01020304-finding-42");
	assert_null(field(o, "event.sequence"));
	assert_list1(o, "event.category", "intrusion_detection");
	assert_list1(o, "event.type", "info");
	assert_string_equal(str(o, "event.action"), "read_then_egress");
	assert_int_equal(num(o, "event.severity"), ECS_SEV_FINDING_HIGH);
	assert_true(json_object_get_double(field(o, "event.risk_score")) == 50.0);
	assert_string_equal(str(o, "event.start"), "2026-11-27T20:20:31.123456789Z");
	assert_string_equal(str(o, "event.end"), T_STR);
	assert_string_equal(str(o, "message"), f.reason);
	assert_string_equal(str(o, "event.reason"), f.reason);
	assert_string_equal(str(o, "rule.name"), "read_then_egress");
	assert_string_equal(str(o, "rule.ruleset"), "daudit");
	assert_non_null(strstr(str(o, "rule.description"), "large read"));
	assert_string_equal(str(o, "user.id"), "1000");
	assert_string_equal(str(o, "user.audit.id"), "1000");
	assert_string_equal(str(o, "daudit.dataset"), "customers");
	assert_int_equal(num(o, "daudit.bytes"), 943718400);
	assert_int_equal(num(o, "daudit.finding.id"), 42);
	assert_string_equal(str(o, "daudit.finding.key"), f.key);
	assert_string_equal(str(o, "daudit.finding.severity"), "high");
	assert_int_equal(num(o, "daudit.finding.count"), 3);
	assert_string_equal(str(o, "daudit.instance"), "feedface01020304");
	json_object_put(o);

	/* Without a login, without a dataset; a low score. */
	f.login = 0;
	f.dataset = NULL;
	f.score = 5;
	o = ecs_from_finding(&ctx, &f);
	assert_null(field(o, "user.audit"));
	assert_null(field(o, "daudit.dataset"));
	assert_int_equal(num(o, "event.severity"), ECS_SEV_FINDING_LOW);
	assert_string_equal(str(o, "daudit.finding.severity"), "low");
	assert_false(json_object_get_boolean(field(o, "daudit.finding.login")));
	json_object_put(o);
	assert_string_equal(ecs_finding_level(40), "high");
	assert_string_equal(ecs_finding_level(39), "medium");
	assert_string_equal(ecs_finding_level(20), "medium");
	assert_string_equal(ecs_finding_level(19), "low");
	ecs_ctx_free(&ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(file_read_maps_every_field),
		cmocka_unit_test(unknown_offsets_and_interim_sessions),
		cmocka_unit_test(unset_auid_is_never_zero),
		cmocka_unit_test(ids_resolve_to_names),
		cmocka_unit_test(process_records_join_later_records),
		cmocka_unit_test(command_lines_go_with_the_process),
		cmocka_unit_test(process_table_evicts_least_recently_used),
		cmocka_unit_test(alert_hardlink_fields),
		cmocka_unit_test(alert_tamper_fields),
		cmocka_unit_test(lost_fields),
		cmocka_unit_test(module_fields),
		cmocka_unit_test(policy_fields),
		cmocka_unit_test(other_types_are_not_rendered),
		cmocka_unit_test(sequence_gap_event),
		cmocka_unit_test(findings_are_alerts),
		cmocka_unit_test(times_are_rfc3339_nanoseconds),
		cmocka_unit_test(hostile_strings_give_valid_lossless_json),
	};

	return cmocka_run_group_tests_name("ecs", tests, NULL, NULL);
}
