// SPDX-License-Identifier: GPL-2.0
/*
 * Records as ECS JSON objects.  See ecs.h for the conventions and the
 * string escaping rule, docs/records.md for the field table.  This file
 * has the context (names through NSS, the process table), building an
 * object by dotted field name, and reading fields back; ecs_render.c
 * renders each record type and findings.
 */
#include <errno.h>
#include <grp.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ecs.h"
#include "ecs_build.h"
#include "record.h"
#include "util.h"

struct ecs_proc {
	uint32_t tgid;
	uint64_t start_ns;
	char *exe;
	char *cmdline;
	struct ecs_proc *hnext;
	struct ecs_proc *prev;	/* towards the most recently used */
	struct ecs_proc *next;
};

/* ------------------------------------------------------------------ */
/* Building the object by dotted field name                            */
/* ------------------------------------------------------------------ */

/*
 * The object that holds the last component of @path ("a.b.c" -> a.b),
 * created as needed; *leaf points at that last component.
 */
static json_object *parent_of(json_object *root, const char *path,
			      const char **leaf)
{
	const char *dot;

	while ((dot = strchr(path, '.'))) {
		char key[64];
		size_t n = (size_t)(dot - path);
		json_object *child;

		if (n >= sizeof(key))
			n = sizeof(key) - 1;
		memcpy(key, path, n);
		key[n] = '\0';
		if (!json_object_object_get_ex(root, key, &child) ||
		    !json_object_is_type(child, json_type_object)) {
			child = json_object_new_object();
			json_object_object_add(root, key, child);
		}
		root = child;
		path = dot + 1;
	}
	*leaf = path;
	return root;
}

void ecs_put(json_object *root, const char *path, json_object *v)
{
	const char *leaf;
	json_object *parent = parent_of(root, path, &leaf);

	json_object_object_add(parent, leaf, v);
}

/* A string this program made: ASCII, nothing to escape. */
void ecs_put_str(json_object *root, const char *path, const char *s)
{
	ecs_put(root, path, json_object_new_string(s));
}

/* Bytes from the kernel or NSS, escaped (see ecs.h). */
void ecs_put_bytes(json_object *root, const char *path, const char *s,
		   size_t len)
{
	char *e = ecs_escape(s, len);

	ecs_put(root, path, json_object_new_string(e));
	free(e);
}

void ecs_put_u64(json_object *root, const char *path, uint64_t v)
{
	ecs_put(root, path, json_object_new_uint64(v));
}

void ecs_put_id(json_object *root, const char *path, uint64_t id)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRIu64, id);
	ecs_put_str(root, path, buf);
}

void ecs_put_time(json_object *root, const char *path, uint64_t ns)
{
	char buf[ECS_TIME_LEN];

	ecs_put_str(root, path, ecs_format_time(ns, buf, sizeof(buf)));
}

/* ECS categorisation fields are arrays even with one value. */
void ecs_put_list(json_object *root, const char *path, const char *s)
{
	json_object *a = json_object_new_array();

	json_object_array_add(a, json_object_new_string(s));
	ecs_put(root, path, a);
}

const char *ecs_format_time(uint64_t ns, char *buf, size_t len)
{
	time_t sec = (time_t)(ns / 1000000000ULL);
	struct tm tm;
	size_t n;

	if (!gmtime_r(&sec, &tm) ||
	    !(n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm))) {
		snprintf(buf, len, "1970-01-01T00:00:00.000000000Z");
		return buf;
	}
	snprintf(buf + n, len - n, ".%09uZ",
		 (unsigned int)(ns % 1000000000ULL));
	return buf;
}

const char *ecs_to_string(json_object *o)
{
	/* Paths read better without json-c's optional "\/". */
	return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
}

/* ------------------------------------------------------------------ */
/* Names through NSS                                                   */
/* ------------------------------------------------------------------ */

static time_t now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* getpwuid_r or getgrgid_r into a growing buffer; a new string or NULL. */
static char *nss_name(uint32_t id, int group)
{
	size_t len = 1024;
	char *buf = NULL, *name = NULL;

	for (;;) {
		struct passwd pw, *pwp = NULL;
		struct group gr, *grp = NULL;
		int rc;

		buf = util_xrealloc(buf, len);
		if (group)
			rc = getgrgid_r(id, &gr, buf, len, &grp);
		else
			rc = getpwuid_r(id, &pw, buf, len, &pwp);
		if (rc == ERANGE && len < (1U << 20)) {
			len *= 2;
			continue;
		}
		if (!rc && grp)
			name = util_xstrdup(grp->gr_name);
		else if (!rc && pwp)
			name = util_xstrdup(pwp->pw_name);
		break;
	}
	free(buf);
	return name;
}

/*
 * Direct-mapped cache: ids of one record are few and repeat, and a miss
 * only costs an NSS call.  Unknown ids are cached too, for ECS_NAMES_TTL,
 * so a flood of records from an unnamed uid does not hammer NSS while a
 * user created later still gets a name.
 */
const char *ecs_cached_name(struct ecs_ctx *ctx, uint32_t id, int group)
{
	struct ecs_name *e = &(group ? ctx->groups : ctx->users)
				      [id % ECS_NAMES_CACHE];
	time_t now = now_mono();

	if (!ctx->resolve_names)
		return NULL;
	if (e->used && e->id == id && now < e->expires)
		return e->name;
	free(e->name);
	e->name = nss_name(id, group);
	e->id = id;
	e->used = 1;
	e->expires = now + ECS_NAMES_TTL;
	return e->name;
}

void ecs_put_user(struct ecs_ctx *ctx, json_object *o, const char *idpath,
		  const char *namepath, uint32_t id, int group)
{
	const char *name = ecs_cached_name(ctx, id, group);

	ecs_put_id(o, idpath, id);
	if (name)
		ecs_put_bytes(o, namepath, name, strlen(name));
}

/* ------------------------------------------------------------------ */
/* Process table                                                       */
/* ------------------------------------------------------------------ */

static size_t proc_hash(const struct ecs_ctx *ctx, uint32_t tgid,
			uint64_t start_ns)
{
	uint64_t h = (tgid * 0x9e3779b97f4a7c15ULL) ^ start_ns;

	h *= 0xff51afd7ed558ccdULL;
	return (size_t)(h ^ (h >> 32)) & (ctx->nbuckets - 1);
}

static void lru_unlink(struct ecs_ctx *ctx, struct ecs_proc *p)
{
	if (p->prev)
		p->prev->next = p->next;
	else
		ctx->lru_head = p->next;
	if (p->next)
		p->next->prev = p->prev;
	else
		ctx->lru_tail = p->prev;
	p->prev = p->next = NULL;
}

static void lru_push(struct ecs_ctx *ctx, struct ecs_proc *p)
{
	p->prev = NULL;
	p->next = ctx->lru_head;
	if (ctx->lru_head)
		ctx->lru_head->prev = p;
	ctx->lru_head = p;
	if (!ctx->lru_tail)
		ctx->lru_tail = p;
}

static struct ecs_proc *proc_find(struct ecs_ctx *ctx, uint32_t tgid,
				  uint64_t start_ns)
{
	struct ecs_proc *p = ctx->buckets[proc_hash(ctx, tgid, start_ns)];

	while (p && (p->tgid != tgid || p->start_ns != start_ns))
		p = p->hnext;
	if (p) {
		lru_unlink(ctx, p);
		lru_push(ctx, p);
	}
	return p;
}

/* No exit notice reaches userspace, so the oldest unused entry goes. */
static void proc_evict(struct ecs_ctx *ctx)
{
	struct ecs_proc *p = ctx->lru_tail, **pp;

	pp = &ctx->buckets[proc_hash(ctx, p->tgid, p->start_ns)];
	while (*pp != p)
		pp = &(*pp)->hnext;
	*pp = p->hnext;
	lru_unlink(ctx, p);
	free(p->exe);
	free(p->cmdline);
	free(p);
	ctx->nprocs--;
}

void ecs_note_process(struct ecs_ctx *ctx, const struct daudit_rec_header *h)
{
	const struct daudit_rec_process *r = (const void *)h;
	struct ecs_proc *p;
	size_t b;

	if (h->type != DAUDIT_REC_PROCESS)
		return;
	p = proc_find(ctx, r->subj.tgid, r->subj.start_ns);
	if (p) {
		char *cmdline = rec_cmdline(h);

		free(p->exe);
		p->exe = util_xstrdup(r->exe);
		/* A module older than ABI 1.7 sends none: keep what is known. */
		if (cmdline) {
			free(p->cmdline);
			p->cmdline = cmdline;
		}
		return;
	}
	if (ctx->nprocs >= ctx->max_procs)
		proc_evict(ctx);
	p = util_xcalloc(1, sizeof(*p));
	p->tgid = r->subj.tgid;
	p->start_ns = r->subj.start_ns;
	p->exe = util_xstrdup(r->exe);
	p->cmdline = rec_cmdline(h);
	b = proc_hash(ctx, p->tgid, p->start_ns);
	p->hnext = ctx->buckets[b];
	ctx->buckets[b] = p;
	lru_push(ctx, p);
	ctx->nprocs++;
}

const char *ecs_lookup_process(struct ecs_ctx *ctx, uint32_t tgid,
			       uint64_t start_ns, const char **cmdline)
{
	struct ecs_proc *p = proc_find(ctx, tgid, start_ns);
	const char *none;

	if (!cmdline)
		cmdline = &none;
	*cmdline = NULL;
	if (p) {
		*cmdline = p->cmdline;
		return p->exe;
	}
	if (ctx->exe_lookup)
		return ctx->exe_lookup(ctx->exe_lookup_arg, tgid, start_ns,
				       cmdline);
	return NULL;
}

void ecs_ctx_init(struct ecs_ctx *ctx, const char *hostname,
		  uint64_t instance_id, size_t max_procs)
{
	char host[256];

	memset(ctx, 0, sizeof(*ctx));
	if (!hostname) {
		if (gethostname(host, sizeof(host)) < 0)
			snprintf(host, sizeof(host), "localhost");
		host[sizeof(host) - 1] = '\0';
		hostname = host;
	}
	ctx->hostname = util_xstrdup(hostname);
	ctx->instance_id = instance_id;
	ctx->resolve_names = 1;
	ctx->max_procs = max_procs ? max_procs : ECS_PROCS_DEFAULT;
	/* About one entry per bucket when full. */
	ctx->nbuckets = 16;
	while (ctx->nbuckets < ctx->max_procs && ctx->nbuckets < (1U << 24))
		ctx->nbuckets *= 2;
	ctx->buckets = util_xcalloc(ctx->nbuckets, sizeof(*ctx->buckets));
}

void ecs_ctx_free(struct ecs_ctx *ctx)
{
	size_t i;

	while (ctx->lru_tail)
		proc_evict(ctx);
	free(ctx->buckets);
	for (i = 0; i < ECS_NAMES_CACHE; i++) {
		free(ctx->users[i].name);
		free(ctx->groups[i].name);
	}
	free(ctx->hostname);
	memset(ctx, 0, sizeof(*ctx));
}

/* ------------------------------------------------------------------ */
/* Reading fields back (the other formats are mapped from this one)    */
/* ------------------------------------------------------------------ */

json_object *ecs_get(json_object *o, const char *path)
{
	const char *dot;

	while (o && (dot = strchr(path, '.'))) {
		char key[64];
		size_t n = (size_t)(dot - path);

		if (n >= sizeof(key))
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		if (!json_object_object_get_ex(o, key, &o))
			return NULL;
		path = dot + 1;
	}
	if (!o || !json_object_object_get_ex(o, path, &o))
		return NULL;
	return o;
}

const char *ecs_get_str(json_object *o, const char *path)
{
	json_object *v = ecs_get(o, path);

	return v && json_object_is_type(v, json_type_string) ?
	       json_object_get_string(v) : NULL;
}
