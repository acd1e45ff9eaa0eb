// SPDX-License-Identifier: GPL-2.0
/*
 * Records rendered as ECS JSON: every mapped field, unset ids, names from
 * NSS, the process join, and hostile strings that must come out as valid,
 * lossless JSON under the escaping rule documented in ecs.h.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>

#include "ecs.h"
#include "record.h"

#define ALIGN8(x)	(((x) + 7) & ~(size_t)7)
#define T_NS		1795810832123456789ULL	/* 2026-11-27T20:20:32.123456789Z */
#define T_STR		"2026-11-27T20:20:32.123456789Z"
#define NO_SUCH_ID	3999999999U		/* in no passwd or group file */

/* Records are built here: 8-byte aligned like the device's. */
static uint64_t rbuf[DAUDIT_RECORD_MAX / 8];

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

/* The value at a dotted path, or NULL. */
static json_object *field(json_object *o, const char *path)
{
	char key[64];
	const char *dot;

	while ((dot = strchr(path, '.'))) {
		size_t n = (size_t)(dot - path);

		assert_true(n < sizeof(key));
		memcpy(key, path, n);
		key[n] = '\0';
		if (!json_object_object_get_ex(o, key, &o))
			return NULL;
		path = dot + 1;
	}
	return json_object_object_get_ex(o, path, &o) ? o : NULL;
}

static const char *str(json_object *o, const char *path)
{
	json_object *v = field(o, path);

	if (!v)
		fail_msg("field %s missing", path);
	if (!json_object_is_type(v, json_type_string))
		fail_msg("field %s is not a string", path);
	return json_object_get_string(v);
}

static uint64_t num(json_object *o, const char *path)
{
	json_object *v = field(o, path);

	if (!v)
		fail_msg("field %s missing", path);
	if (!json_object_is_type(v, json_type_int))
		fail_msg("field %s is not an integer", path);
	return json_object_get_uint64(v);
}

/* A one-element array holding @s. */
static void assert_list1(json_object *o, const char *path, const char *s)
{
	json_object *v = field(o, path);

	assert_non_null(v);
	assert_true(json_object_is_type(v, json_type_array));
	assert_int_equal(json_object_array_length(v), 1);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(v, 0)), s);
}

/* Independent of ecs.c's table: decode code points and check ranges. */
static int valid_utf8(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned int cp, need, min;

		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0) {
			cp = s[i] & 0x1f; need = 1; min = 0x80;
		} else if ((s[i] & 0xf0) == 0xe0) {
			cp = s[i] & 0x0f; need = 2; min = 0x800;
		} else if ((s[i] & 0xf8) == 0xf0) {
			cp = s[i] & 0x07; need = 3; min = 0x10000;
		} else {
			return 0;
		}
		if (i + need >= len)
			return 0;
		for (i++; need; need--, i++) {
			if ((s[i] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
	}
	return 1;
}

/*
 * Serialise @o, check the text is valid UTF-8 and parses strictly (with
 * json-c's own UTF-8 check) back to an equal object; return the parse.
 */
static json_object *roundtrip(json_object *o)
{
	const char *text = ecs_to_string(o);
	struct json_tokener *tok = json_tokener_new();
	json_object *back;

	assert_non_null(text);
	assert_null(strchr(text, '\n'));
	assert_true(valid_utf8((const unsigned char *)text, strlen(text)));
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	back = json_tokener_parse_ex(tok, text, (int)strlen(text) + 1);
	if (json_tokener_get_error(tok) != json_tokener_success)
		fail_msg("reparse: %s in %s",
			 json_tokener_error_desc(json_tokener_get_error(tok)), text);
	json_tokener_free(tok);
	assert_non_null(back);
	assert_true(json_object_equal(o, back));
	return back;
}

/* The escaped string at @path decodes to exactly @len bytes at @want. */
static void assert_decodes(json_object *o, const char *path, const char *want,
			   size_t len)
{
	const char *s = str(o, path);
	char *out = malloc(strlen(s) + 1);

	assert_non_null(out);
	assert_int_equal(ecs_unescape(s, out), len);
	assert_memory_equal(out, want, len);
	free(out);
}

static void fill_subject(struct daudit_subject *s)
{
	s->tgid = 4242;
	s->tid = 4243;
	s->ppid = 1;
	s->uid = 0;
	s->gid = 0;
	s->euid = NO_SUCH_ID;
	s->egid = NO_SUCH_ID;
	s->fsuid = 1001;
	s->fsgid = 1002;
	s->auid = 1000;
	s->sessionid = 7;
	s->start_ns = 123456789012ULL;
	s->cgroup_id = 0x1234567890ULL;
	s->mnt_ns = 4026531840U;
	s->pid_ns = 4026531836U;
	memcpy(s->comm, "cat", 4);
}

static void fill_header(struct daudit_rec_header *h, unsigned int type,
			size_t size)
{
	h->size = (uint32_t)size;
	h->type = (uint16_t)type;
	h->cpu = 3;
	h->seq = 99;
	h->time_ns = T_NS;
}

static struct daudit_rec_file *make_file(const char *path, size_t len)
{
	struct daudit_rec_file *f = (void *)rbuf;
	size_t size = ALIGN8(sizeof(*f) + len + 1);

	assert_true(size <= sizeof(rbuf));
	memset(rbuf, 0, size);
	fill_header(&f->hdr, DAUDIT_REC_FILE_READ, size);
	fill_subject(&f->subj);
	f->session_id = 77;
	f->bytes = 1ULL << 40;
	f->calls = 12;
	f->mmap_bytes = 8192;
	f->mmap_len = 65536;
	f->off_min = 0;
	f->off_max = 1ULL << 40;
	f->first_ns = T_NS - 1000000000ULL;
	f->last_ns = T_NS;
	f->open_ns = T_NS - 2000000000ULL;
	f->dev = makedev(259, 65539);
	f->ino = 18446744073709551557ULL;
	f->paths = DAUDIT_PATH_READ | DAUDIT_PATH_MMAP;
	f->reason = DAUDIT_END_CLOSE;
	f->part = 2;
	f->final = 1;
	strcpy(f->dataset, "customers");
	f->path_len = (uint16_t)len;
	memcpy(f->path, path, len);
	return f;
}

static struct daudit_rec_process *make_process(uint32_t tgid, uint64_t start,
					       const char *exe, size_t len)
{
	struct daudit_rec_process *p = (void *)rbuf;
	size_t size = ALIGN8(sizeof(*p) + len + 1);

	memset(rbuf, 0, size);
	fill_header(&p->hdr, DAUDIT_REC_PROCESS, size);
	fill_subject(&p->subj);
	p->subj.tgid = tgid;
	p->subj.start_ns = start;
	p->event = DAUDIT_PROC_EXEC;
	p->exe_len = (uint16_t)len;
	memcpy(p->exe, exe, len);
	return p;
}

static void ctx_setup(struct ecs_ctx *ctx, size_t max_procs)
{
	ecs_ctx_init(ctx, "host-1", 0xfeedface01020304ULL, max_procs);
}

/* Check it, render it, re-parse it; the caller puts the result. */
static json_object *render(struct ecs_ctx *ctx)
{
	const struct daudit_rec_header *h = (const void *)rbuf;
	const char *why = NULL;
	json_object *o, *back;

	assert_int_equal(rec_check(h, h->size, &why), 0);
	o = ecs_from_record(ctx, h);
	assert_non_null(o);
	back = roundtrip(o);
	json_object_put(o);
	return back;
}

/*
 * Issue 18: every object names its host as ECS keys hosts (host.name) and
 * says what it is in one line (message).
 */
static void assert_host_and_message(json_object *o, const char *msg)
{
	/* WHO in @msg: the login user's name, which NSS gives or not. */
	const char *who = ecs_get_str(o, "user.audit.name") ?
			  ecs_get_str(o, "user.audit.name") : ecs_get_str(o, "user.name");
	const char *at = strstr(msg, "WHO");
	char want[512];

	assert_string_equal(str(o, "host.name"), str(o, "host.hostname"));
	if (at && who)
		snprintf(want, sizeof(want), "%.*s%s%s", (int)(at - msg), msg,
			 who, at + 3);
	else if (at)
		snprintf(want, sizeof(want), "%.*suid %s%s", (int)(at - msg), msg,
			 ecs_get_str(o, "user.id"), at + 3);
	else
		snprintf(want, sizeof(want), "%s", msg);
	assert_string_equal(str(o, "message"), want);
}

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
	assert_string_equal(ecs_lookup_process(&ctx, 4242, 123456789012ULL),
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
	assert_non_null(ecs_lookup_process(&ctx, 1, 10));
	ecs_note_process(&ctx, &make_process(4, 40, "/bin/b", 6)->hdr);
	assert_int_equal(ctx.nprocs, 3);
	assert_null(ecs_lookup_process(&ctx, 2, 20));
	assert_non_null(ecs_lookup_process(&ctx, 1, 10));
	assert_non_null(ecs_lookup_process(&ctx, 3, 30));
	assert_string_equal(ecs_lookup_process(&ctx, 4, 40), "/bin/b");

	/* Many more than fit: bounded, and the newest are kept. */
	for (pid = 100; pid < 10100; pid++)
		ecs_note_process(&ctx, &make_process(pid, 5, "/bin/c", 6)->hdr);
	assert_int_equal(ctx.nprocs, 3);
	assert_non_null(ecs_lookup_process(&ctx, 10099, 5));
	assert_null(ecs_lookup_process(&ctx, 100, 5));
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
/* Escaping                                                            */
/* ------------------------------------------------------------------ */

static void check_escape(const char *in, size_t len, const char *want)
{
	char *e = ecs_escape(in, len);
	char *back = malloc(strlen(e) + 1);

	assert_non_null(back);
	assert_string_equal(e, want);
	assert_int_equal(ecs_unescape(e, back), len);
	assert_memory_equal(back, in, len);
	free(back);
	free(e);
}

#define ESC(in, want) check_escape(in, sizeof(in) - 1, want)

static void escaping_follows_the_documented_rule(void **state)
{
	(void)state;
	/* Valid UTF-8 passes unchanged, including lone backslashes. */
	ESC("plain /path", "plain /path");
	ESC("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	ESC("a\\b", "a\\b");
	ESC("end\\", "end\\");
	ESC("\\n\\t\\", "\\n\\t\\");
	ESC("q\"|=]\n\t\x01\x7f", "q\"|=]\n\t\x01\x7f");
	ESC("\\xg1 \\x1", "\\xg1 \\x1");
	/* Bytes that start no well-formed sequence: one escape each. */
	ESC("\x80", "\\x80");
	ESC("a\xff" "b", "a\\xFFb");
	ESC("\xc3", "\\xC3");
	ESC("\xe2\x82", "\\xE2\\x82");
	ESC("\xe2\x82z", "\\xE2\\x82z");
	ESC("\xc0\xaf", "\\xC0\\xAF");			/* overlong '/' */
	ESC("\xe0\x80\xaf", "\\xE0\\x80\\xAF");		/* overlong */
	ESC("\xed\xa0\x80", "\\xED\\xA0\\x80");		/* surrogate */
	ESC("\xf4\x90\x80\x80", "\\xF4\\x90\\x80\\x80");	/* > U+10FFFF */
	ESC("\xf5", "\\xF5");
	check_escape("a\0b", 3, "a\\x00b");
	/* A backslash that would read as an escape is doubled. */
	ESC("\\x41", "\\\\x41");
	ESC("\\xfF", "\\\\xfF");
	ESC("\\\\", "\\\\\\");
	ESC("\\\\\\", "\\\\\\\\\\");
	ESC("\\\xff", "\\\\\\xFF");
	ESC("\\x4", "\\x4");
}

/* Deterministic random strings over the characters that matter. */
static void escaping_roundtrips_random_bytes(void **state)
{
	static const char alphabet[] = "\\\\\\xxX0aFg/\"\n";
	uint32_t seed = 12345;
	int round;

	(void)state;
	for (round = 0; round < 20000; round++) {
		unsigned char in[24];
		size_t len, i;
		char *e, *back;

		seed = seed * 1103515245 + 12345;
		len = (seed >> 16) % sizeof(in);
		for (i = 0; i < len; i++) {
			seed = seed * 1103515245 + 12345;
			in[i] = (seed >> 24) & 1 ? (unsigned char)(seed >> 16) :
				(unsigned char)alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
		}
		e = ecs_escape((const char *)in, len);
		assert_true(valid_utf8((const unsigned char *)e, strlen(e)));
		back = malloc(strlen(e) + 1);
		assert_non_null(back);
		assert_int_equal(ecs_unescape(e, back), len);
		assert_memory_equal(back, in, len);
		free(back);
		free(e);
	}
}

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

static struct daudit_rec_sock *make_sock(unsigned int family, const char *path)
{
	struct daudit_rec_sock *k = (void *)rbuf;
	size_t len = path ? strlen(path) : 0;
	size_t size = ALIGN8(sizeof(*k) + len + 1);

	memset(rbuf, 0, size);
	fill_header(&k->hdr, DAUDIT_REC_SOCK_READ, size);
	fill_subject(&k->subj);
	k->session_id = 88;
	k->bytes = 4096;
	k->calls = 3;
	k->first_ns = T_NS - 1000000000ULL;
	k->last_ns = T_NS;
	k->open_ns = T_NS - 2000000000ULL;
	k->paths = DAUDIT_PATH_RECV | DAUDIT_PATH_RECVMSG;
	k->reason = DAUDIT_END_CLOSE;
	k->final = 1;
	k->part = 1;
	k->family = (uint16_t)family;
	k->sock_type = 1;
	k->peer_uid = DAUDIT_UID_UNSET;
	strcpy(k->dataset, "db");
	if (family == AF_INET) {
		static const uint8_t peer[4] = { 10, 0, 0, 5 };
		static const uint8_t local[4] = { 10, 0, 0, 9 };

		k->protocol = 6;
		k->peer_port = 5432;
		k->local_port = 40001;
		memcpy(k->peer_addr, peer, 4);
		memcpy(k->local_addr, local, 4);
	} else if (family == AF_INET6) {
		k->protocol = 17;
		k->peer_port = 53;
		k->local_port = 40002;
		k->peer_addr[0] = 0x20;
		k->peer_addr[1] = 0x01;
		k->peer_addr[2] = 0x0d;
		k->peer_addr[3] = 0xb8;
		k->peer_addr[15] = 1;
		k->local_addr[15] = 1;
		k->sock_type = 2;
	} else {
		k->peer_pid = 777;
		k->peer_uid = 107;
		k->path_len = (uint16_t)len;
		memcpy(k->path, path, len);
	}
	return k;
}

static void socket_read_over_tcp(void **state)
{
	struct ecs_ctx ctx;
	json_object *o, *v;

	(void)state;
	ctx_setup(&ctx, 0);
	make_sock(AF_INET, NULL);
	o = render(&ctx);
	assert_string_equal(str(o, "event.dataset"), "daudit.socket_read");
	assert_string_equal(str(o, "event.kind"), "event");
	assert_list1(o, "event.category", "network");
	assert_list1(o, "event.type", "access");
	assert_string_equal(str(o, "event.action"), "socket_read");
	assert_int_equal(num(o, "event.severity"), ECS_SEV_READ);
	assert_string_equal(str(o, "event.id"), "feedface01020304-3-99");
	assert_string_equal(str(o, "event.start"), "2026-11-27T20:20:31.123456789Z");
	assert_string_equal(str(o, "event.end"), T_STR);
	assert_string_equal(str(o, "event.reason"), "close");
	assert_string_equal(str(o, "network.transport"), "tcp");
	assert_string_equal(str(o, "network.type"), "ipv4");
	/* The peer sent the data: source and server; we are the rest. */
	assert_string_equal(str(o, "source.ip"), "10.0.0.5");
	assert_string_equal(str(o, "source.address"), "10.0.0.5");
	assert_int_equal(num(o, "source.port"), 5432);
	assert_int_equal(num(o, "source.bytes"), 4096);
	assert_string_equal(str(o, "server.ip"), "10.0.0.5");
	assert_int_equal(num(o, "server.port"), 5432);
	assert_string_equal(str(o, "destination.ip"), "10.0.0.9");
	assert_int_equal(num(o, "destination.port"), 40001);
	assert_string_equal(str(o, "client.ip"), "10.0.0.9");
	assert_int_equal(num(o, "client.port"), 40001);
	assert_string_equal(str(o, "daudit.socket.family"), "ipv4");
	assert_string_equal(str(o, "daudit.socket.type"), "stream");
	assert_null(field(o, "daudit.unix"));
	assert_null(field(o, "daudit.peer"));
	assert_string_equal(str(o, "daudit.dataset"), "db");
	assert_int_equal(num(o, "daudit.bytes"), 4096);
	assert_int_equal(num(o, "daudit.calls"), 3);
	v = field(o, "daudit.read_paths");
	assert_int_equal(json_object_array_length(v), 2);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(v, 0)), "recv");
	assert_string_equal(json_object_get_string(json_object_array_get_idx(v, 1)), "recvmsg");
	assert_int_equal(num(o, "daudit.session.id"), 88);
	assert_int_equal(num(o, "daudit.session.part"), 1);
	assert_true(json_object_get_boolean(field(o, "daudit.session.final")));
	assert_string_equal(str(o, "daudit.session.open"), "2026-11-27T20:20:30.123456789Z");
	assert_int_equal(num(o, "process.pid"), 4242);
	assert_string_equal(str(o, "user.audit.id"), "1000");
	assert_null(field(o, "file"));
	assert_host_and_message(o, "WHO read 4096 bytes of db from 10.0.0.5:5432");
	json_object_put(o);

	make_sock(AF_INET6, NULL);
	o = render(&ctx);
	assert_string_equal(str(o, "network.transport"), "udp");
	assert_string_equal(str(o, "network.type"), "ipv6");
	assert_string_equal(str(o, "source.ip"), "2001:db8::1");
	assert_int_equal(num(o, "source.port"), 53);
	assert_string_equal(str(o, "destination.ip"), "::1");
	assert_string_equal(str(o, "daudit.socket.type"), "dgram");
	json_object_put(o);
	ecs_ctx_free(&ctx);
}

static void socket_read_over_unix(void **state)
{
	struct ecs_ctx ctx;
	json_object *o;

	(void)state;
	ctx_setup(&ctx, 0);
	make_sock(AF_UNIX, "/run/postgresql/.s.PGSQL.5432");
	o = render(&ctx);
	assert_string_equal(str(o, "network.transport"), "unix");
	assert_null(field(o, "network.type"));
	assert_string_equal(str(o, "daudit.socket.family"), "unix");
	assert_string_equal(str(o, "daudit.unix.path"), "/run/postgresql/.s.PGSQL.5432");
	assert_string_equal(str(o, "source.address"), "/run/postgresql/.s.PGSQL.5432");
	assert_string_equal(str(o, "server.address"), "/run/postgresql/.s.PGSQL.5432");
	assert_null(field(o, "source.ip"));
	assert_null(field(o, "destination"));
	assert_int_equal(num(o, "daudit.peer.pid"), 777);
	assert_string_equal(str(o, "daudit.peer.uid"), "107");
	assert_null(field(o, "file.path"));
	assert_host_and_message(o, "WHO read 4096 bytes of db from /run/postgresql/.s.PGSQL.5432");
	json_object_put(o);
	ecs_ctx_free(&ctx);
}

static struct daudit_rec_egress *make_egress(unsigned int kind, uint32_t flags,
					     const char *path,
					     const char *mount,
					     const char *fstype)
{
	struct daudit_rec_egress *g = (void *)rbuf;
	size_t pl = path ? strlen(path) : 0, ml = strlen(mount), fl = strlen(fstype);
	size_t size = ALIGN8(sizeof(*g) + pl + ml + fl + 3);

	memset(rbuf, 0, size);
	fill_header(&g->hdr, DAUDIT_REC_EGRESS, size);
	fill_subject(&g->subj);
	g->session_id = 99;
	g->bytes = 943718400;
	g->calls = 230;
	g->first_ns = T_NS - 1000000000ULL;
	g->last_ns = T_NS;
	g->marked_ns = T_NS - 60000000000ULL;
	g->paths = DAUDIT_PATH_SEND | DAUDIT_PATH_WRITE;
	g->reason = DAUDIT_END_CLOSE;
	g->final = 1;
	g->kind = (uint8_t)kind;
	g->flags = flags;
	strcpy(g->dataset, "customers");
	if (kind == DAUDIT_EGRESS_NET) {
		static const uint8_t dst[4] = { 203, 0, 113, 5 };
		static const uint8_t src[4] = { 192, 168, 1, 20 };

		g->family = AF_INET;
		g->protocol = 6;
		g->dst_port = 443;
		g->src_port = 51000;
		memcpy(g->dst_addr, dst, 4);
		memcpy(g->src_addr, src, 4);
	} else if (kind == DAUDIT_EGRESS_UNIX) {
		g->family = AF_UNIX;
	} else {
		g->dev = makedev(8, 17);
		g->ino = 4711;
	}
	g->path_len = (uint16_t)pl;
	g->mount_len = (uint16_t)ml;
	g->fstype_len = (uint16_t)fl;
	if (path)
		memcpy(g->strings, path, pl);
	memcpy(g->strings + pl + 1, mount, ml);
	memcpy(g->strings + pl + ml + 2, fstype, fl);
	return g;
}

static void egress_to_the_network(void **state)
{
	struct ecs_ctx ctx;
	json_object *o, *v;

	(void)state;
	ctx_setup(&ctx, 0);
	make_egress(DAUDIT_EGRESS_NET, DAUDIT_EGRESS_F_LOGIN, NULL, "", "");
	o = render(&ctx);
	assert_string_equal(str(o, "event.dataset"), "daudit.egress");
	assert_list1(o, "event.category", "network");
	assert_list1(o, "event.type", "connection");
	assert_string_equal(str(o, "event.action"), "egress");
	assert_int_equal(num(o, "event.severity"), ECS_SEV_EGRESS);
	assert_string_equal(str(o, "network.direction"), "egress");
	assert_string_equal(str(o, "network.transport"), "tcp");
	assert_string_equal(str(o, "network.type"), "ipv4");
	assert_string_equal(str(o, "destination.ip"), "203.0.113.5");
	assert_string_equal(str(o, "destination.address"), "203.0.113.5");
	assert_int_equal(num(o, "destination.port"), 443);
	assert_string_equal(str(o, "source.ip"), "192.168.1.20");
	assert_int_equal(num(o, "source.port"), 51000);
	assert_int_equal(num(o, "source.bytes"), 943718400);
	assert_string_equal(str(o, "daudit.egress.kind"), "net");
	v = field(o, "daudit.egress.loopback");
	assert_true(json_object_is_type(v, json_type_boolean));
	assert_false(json_object_get_boolean(v));
	assert_string_equal(str(o, "daudit.egress.marked_by"), "login_session");
	assert_string_equal(str(o, "daudit.egress.marked"), "2026-11-27T20:19:32.123456789Z");
	assert_string_equal(str(o, "daudit.dataset"), "customers");
	assert_int_equal(num(o, "daudit.bytes"), 943718400);
	assert_int_equal(num(o, "daudit.calls"), 230);
	v = field(o, "daudit.write_paths");
	assert_int_equal(json_object_array_length(v), 2);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(v, 0)), "write");
	assert_string_equal(json_object_get_string(json_object_array_get_idx(v, 1)), "send");
	assert_int_equal(num(o, "daudit.session.id"), 99);
	assert_null(field(o, "file"));
	assert_host_and_message(o, "WHO sent 943718400 bytes of customers to 203.0.113.5:443");
	json_object_put(o);

	/* Loopback, marked by the process; no source address known. */
	make_egress(DAUDIT_EGRESS_NET, DAUDIT_EGRESS_F_LOOPBACK, NULL, "", "");
	memset(((struct daudit_rec_egress *)rbuf)->src_addr, 0, 16);
	((struct daudit_rec_egress *)rbuf)->src_port = 0;
	o = render(&ctx);
	assert_true(json_object_get_boolean(field(o, "daudit.egress.loopback")));
	assert_string_equal(str(o, "daudit.egress.marked_by"), "process");
	assert_null(field(o, "source.ip"));
	assert_int_equal(num(o, "source.bytes"), 943718400);
	json_object_put(o);
	ecs_ctx_free(&ctx);
}

static void egress_to_a_unix_socket_and_a_file(void **state)
{
	struct ecs_ctx ctx;
	json_object *o;

	(void)state;
	ctx_setup(&ctx, 0);
	make_egress(DAUDIT_EGRESS_UNIX, 0, "/tmp/.x11-unix/X0", "", "");
	o = render(&ctx);
	assert_list1(o, "event.category", "network");
	assert_string_equal(str(o, "daudit.egress.kind"), "unix");
	assert_string_equal(str(o, "network.transport"), "unix");
	assert_string_equal(str(o, "destination.address"), "/tmp/.x11-unix/X0");
	assert_string_equal(str(o, "daudit.unix.path"), "/tmp/.x11-unix/X0");
	assert_null(field(o, "destination.ip"));
	assert_host_and_message(o, "WHO sent 943718400 bytes of customers to /tmp/.x11-unix/X0");
	json_object_put(o);

	make_egress(DAUDIT_EGRESS_UNIX, 0, NULL, "", "");
	o = render(&ctx);
	assert_null(field(o, "destination"));
	assert_null(field(o, "daudit.unix"));
	json_object_put(o);

	make_egress(DAUDIT_EGRESS_FILE, DAUDIT_EGRESS_F_LOGIN,
		    "/media/usb0/part-01.csv", "/media/usb0", "vfat");
	o = render(&ctx);
	assert_list1(o, "event.category", "file");
	assert_list1(o, "event.type", "change");
	assert_string_equal(str(o, "daudit.egress.kind"), "file");
	assert_string_equal(str(o, "file.path"), "/media/usb0/part-01.csv");
	assert_string_equal(str(o, "file.name"), "part-01.csv");
	assert_string_equal(str(o, "file.directory"), "/media/usb0");
	assert_string_equal(str(o, "file.inode"), "4711");
	assert_string_equal(str(o, "file.device"), "8:17");
	assert_string_equal(str(o, "daudit.mount.point"), "/media/usb0");
	assert_string_equal(str(o, "daudit.mount.fstype"), "vfat");
	assert_null(field(o, "network"));
	assert_null(field(o, "destination"));
	assert_null(field(o, "source"));
	json_object_put(o);
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

static const char *lookup_exe(void *arg, uint32_t tgid, uint64_t start_ns)
{
	(void)start_ns;
	*(int *)arg += 1;
	return tgid == 4242 ? "/usr/bin/from-the-collector" : NULL;
}

static void the_collector_may_answer_for_executables(void **state)
{
	struct ecs_ctx ctx;
	json_object *o;
	int asked = 0;

	(void)state;
	ctx_setup(&ctx, 0);
	ctx.exe_lookup = lookup_exe;
	ctx.exe_lookup_arg = &asked;
	make_sock(AF_INET, NULL);
	o = render(&ctx);
	assert_string_equal(str(o, "process.executable"), "/usr/bin/from-the-collector");
	json_object_put(o);
	assert_int_equal(asked, 1);
	/* The table comes first. */
	ecs_note_process(&ctx, &make_process(4242, 123456789012ULL, "/bin/cat", 8)->hdr);
	make_sock(AF_INET, NULL);
	o = render(&ctx);
	assert_string_equal(str(o, "process.executable"), "/bin/cat");
	json_object_put(o);
	assert_int_equal(asked, 1);
	ecs_ctx_free(&ctx);
}

static void escaping_more_bytes_decodes_the_same_way(void **state)
{
	static const uint32_t ctl[8] = { 0xffffffffU, 0, 0, 1U << 28 | 1U << 31 };
	static const char in[] = "a\tb\nc|d\\\te\\x41\xff\x7f";
	char *e, *back;

	(void)state;
	e = ecs_escape_set(in, sizeof(in) - 1, ctl);
	/* Tab, LF, '|', DEL escaped; a backslash before an escape doubled. */
	assert_string_equal(e, "a\\x09b\\x0Ac\\x7Cd\\\\\\x09e\\\\x41\\xFF\\x7F");
	back = malloc(strlen(e) + 1);
	assert_non_null(back);
	assert_int_equal(ecs_unescape(e, back), sizeof(in) - 1);
	assert_memory_equal(back, in, sizeof(in) - 1);
	free(back);
	free(e);
	/* No extra set: the plain rule. */
	e = ecs_escape_set(in, sizeof(in) - 1, NULL);
	assert_string_equal(e, "a\tb\nc|d\\\te\\\\x41\\xFF\x7f");
	free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(file_read_maps_every_field),
		cmocka_unit_test(unknown_offsets_and_interim_sessions),
		cmocka_unit_test(unset_auid_is_never_zero),
		cmocka_unit_test(ids_resolve_to_names),
		cmocka_unit_test(process_records_join_later_records),
		cmocka_unit_test(process_table_evicts_least_recently_used),
		cmocka_unit_test(alert_hardlink_fields),
		cmocka_unit_test(alert_tamper_fields),
		cmocka_unit_test(lost_fields),
		cmocka_unit_test(module_fields),
		cmocka_unit_test(policy_fields),
		cmocka_unit_test(other_types_are_not_rendered),
		cmocka_unit_test(sequence_gap_event),
		cmocka_unit_test(socket_read_over_tcp),
		cmocka_unit_test(socket_read_over_unix),
		cmocka_unit_test(egress_to_the_network),
		cmocka_unit_test(egress_to_a_unix_socket_and_a_file),
		cmocka_unit_test(findings_are_alerts),
		cmocka_unit_test(the_collector_may_answer_for_executables),
		cmocka_unit_test(escaping_more_bytes_decodes_the_same_way),
		cmocka_unit_test(times_are_rfc3339_nanoseconds),
		cmocka_unit_test(escaping_follows_the_documented_rule),
		cmocka_unit_test(escaping_roundtrips_random_bytes),
		cmocka_unit_test(hostile_strings_give_valid_lossless_json),
	};

	return cmocka_run_group_tests_name("ecs", tests, NULL, NULL);
}
