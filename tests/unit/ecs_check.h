/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the ECS tests share: records built in place as the device lays
 * them out, rendered, serialised and parsed back, and fields read by
 * dotted path.
 */
#ifndef DAUDIT_TEST_ECS_CHECK_H
#define DAUDIT_TEST_ECS_CHECK_H

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>

#include "ecs.h"
#include "record.h"
#include "utf8.h"

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
static inline json_object *field(json_object *o, const char *path)
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

static inline const char *str(json_object *o, const char *path)
{
	json_object *v = field(o, path);

	if (!v)
		fail_msg("field %s missing", path);
	if (!json_object_is_type(v, json_type_string))
		fail_msg("field %s is not a string", path);
	return json_object_get_string(v);
}

static inline uint64_t num(json_object *o, const char *path)
{
	json_object *v = field(o, path);

	if (!v)
		fail_msg("field %s missing", path);
	if (!json_object_is_type(v, json_type_int))
		fail_msg("field %s is not an integer", path);
	return json_object_get_uint64(v);
}

/* A one-element array holding @s. */
static inline void assert_list1(json_object *o, const char *path, const char *s)
{
	json_object *v = field(o, path);

	assert_non_null(v);
	assert_true(json_object_is_type(v, json_type_array));
	assert_int_equal(json_object_array_length(v), 1);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(v, 0)), s);
}

/*
 * Serialise @o, check the text is valid UTF-8 and parses strictly (with
 * json-c's own UTF-8 check) back to an equal object; return the parse.
 */
static inline json_object *roundtrip(json_object *o)
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
static inline void assert_decodes(json_object *o, const char *path,
				  const char *want, size_t len)
{
	const char *s = str(o, path);
	char *out = malloc(strlen(s) + 1);

	assert_non_null(out);
	assert_int_equal(ecs_unescape(s, out), len);
	assert_memory_equal(out, want, len);
	free(out);
}

static inline void fill_subject(struct daudit_subject *s)
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

static inline void fill_header(struct daudit_rec_header *h, unsigned int type,
			       size_t size)
{
	h->size = (uint32_t)size;
	h->type = (uint16_t)type;
	h->cpu = 3;
	h->seq = 99;
	h->time_ns = T_NS;
}

static inline struct daudit_rec_file *make_file(const char *path, size_t len)
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

static inline struct daudit_rec_process *make_process(uint32_t tgid,
						      uint64_t start,
						      const char *exe,
						      size_t len)
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

static inline void ctx_setup(struct ecs_ctx *ctx, size_t max_procs)
{
	ecs_ctx_init(ctx, "host-1", 0xfeedface01020304ULL, max_procs);
}

/* Check it, render it, re-parse it; the caller puts the result. */
static inline json_object *render(struct ecs_ctx *ctx)
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
static inline void assert_host_and_message(json_object *o, const char *msg)
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

#endif
