// SPDX-License-Identifier: GPL-2.0
/*
 * Records as ECS JSON objects.  See ecs.h for the conventions and the
 * string escaping rule, docs/records.md for the field table.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <grp.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "ecs.h"
#include "record.h"
#include "ruleinfo.h"
#include "util.h"

struct ecs_proc {
	uint32_t tgid;
	uint64_t start_ns;
	char *exe;
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

static void put(json_object *root, const char *path, json_object *v)
{
	const char *leaf;
	json_object *parent = parent_of(root, path, &leaf);

	json_object_object_add(parent, leaf, v);
}

/* A string this program made: ASCII, nothing to escape. */
static void put_str(json_object *root, const char *path, const char *s)
{
	put(root, path, json_object_new_string(s));
}

/* Bytes from the kernel or NSS, escaped (see ecs.h). */
static void put_bytes(json_object *root, const char *path, const char *s,
		      size_t len)
{
	char *e = ecs_escape(s, len);

	put(root, path, json_object_new_string(e));
	free(e);
}

static void put_u64(json_object *root, const char *path, uint64_t v)
{
	put(root, path, json_object_new_uint64(v));
}

static void put_id(json_object *root, const char *path, uint64_t id)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRIu64, id);
	put_str(root, path, buf);
}

static void put_time(json_object *root, const char *path, uint64_t ns)
{
	char buf[ECS_TIME_LEN];

	put_str(root, path, ecs_format_time(ns, buf, sizeof(buf)));
}

/* ECS categorisation fields are arrays even with one value. */
static void put_list(json_object *root, const char *path, const char *s)
{
	json_object *a = json_object_new_array();

	json_object_array_add(a, json_object_new_string(s));
	put(root, path, a);
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
static const char *cached_name(struct ecs_ctx *ctx, uint32_t id, int group)
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

static void put_user(struct ecs_ctx *ctx, json_object *o, const char *idpath,
		     const char *namepath, uint32_t id, int group)
{
	const char *name = cached_name(ctx, id, group);

	put_id(o, idpath, id);
	if (name)
		put_bytes(o, namepath, name, strlen(name));
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
		free(p->exe);
		p->exe = util_xstrdup(r->exe);
		return;
	}
	if (ctx->nprocs >= ctx->max_procs)
		proc_evict(ctx);
	p = util_xcalloc(1, sizeof(*p));
	p->tgid = r->subj.tgid;
	p->start_ns = r->subj.start_ns;
	p->exe = util_xstrdup(r->exe);
	b = proc_hash(ctx, p->tgid, p->start_ns);
	p->hnext = ctx->buckets[b];
	ctx->buckets[b] = p;
	lru_push(ctx, p);
	ctx->nprocs++;
}

const char *ecs_lookup_process(struct ecs_ctx *ctx, uint32_t tgid,
			       uint64_t start_ns)
{
	struct ecs_proc *p = proc_find(ctx, tgid, start_ns);

	if (p)
		return p->exe;
	if (ctx->exe_lookup)
		return ctx->exe_lookup(ctx->exe_lookup_arg, tgid, start_ns);
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
/* Records                                                             */
/* ------------------------------------------------------------------ */

/* Fields every rendered object carries. */
static json_object *base_at(struct ecs_ctx *ctx, uint64_t time_ns,
			    const char *dataset_type, const char *kind)
{
	json_object *o = json_object_new_object();
	char buf[64];

	put_time(o, "@timestamp", time_ns);
	put_str(o, "ecs.version", ECS_VERSION);
	put_str(o, "event.kind", kind);
	put_str(o, "event.module", "daudit");
	snprintf(buf, sizeof(buf), "daudit.%s", dataset_type);
	put_str(o, "event.dataset", buf);
	put_bytes(o, "host.hostname", ctx->hostname, strlen(ctx->hostname));
	snprintf(buf, sizeof(buf), "%016" PRIx64, ctx->instance_id);
	put_str(o, "daudit.instance", buf);
	return o;
}

/* Fields every rendered record carries. */
static json_object *base(struct ecs_ctx *ctx, const struct daudit_rec_header *h,
			 const char *dataset_type, const char *kind)
{
	json_object *o = base_at(ctx, h->time_ns, dataset_type, kind);
	char buf[64];

	put_u64(o, "event.sequence", h->seq);
	/* Unique per record: instance, CPU, sequence number. */
	snprintf(buf, sizeof(buf), "%016" PRIx64 "-%u-%" PRIu64,
		 ctx->instance_id, h->cpu, (uint64_t)h->seq);
	put_str(o, "event.id", buf);
	put_u64(o, "daudit.cpu", h->cpu);
	put_u64(o, "daudit.seq", h->seq);
	return o;
}

static void put_subject(struct ecs_ctx *ctx, json_object *o,
			const struct daudit_subject *s)
{
	const char *exe;

	put_u64(o, "process.pid", s->tgid);
	put_u64(o, "process.thread.id", s->tid);
	put_u64(o, "process.parent.pid", s->ppid);
	put_bytes(o, "process.name", s->comm, strnlen(s->comm, sizeof(s->comm)));
	exe = ecs_lookup_process(ctx, s->tgid, s->start_ns);
	if (exe)
		put_bytes(o, "process.executable", exe, strlen(exe));

	put_user(ctx, o, "user.id", "user.name", s->uid, 0);
	put_user(ctx, o, "user.group.id", "user.group.name", s->gid, 1);
	put_user(ctx, o, "user.effective.id", "user.effective.name", s->euid, 0);
	put_user(ctx, o, "user.effective.group.id", "user.effective.group.name",
		 s->egid, 1);
	/* auid 0 is root's login; a daemon's is unset, never 0. */
	if (s->auid == DAUDIT_UID_UNSET)
		put_str(o, "user.audit.id", "unset");
	else
		put_user(ctx, o, "user.audit.id", "user.audit.name", s->auid, 0);
	if (s->sessionid == DAUDIT_SESSION_UNSET)
		put_str(o, "daudit.login_session", "unset");
	else
		put_id(o, "daudit.login_session", s->sessionid);

	put_id(o, "daudit.fsuid", s->fsuid);
	put_id(o, "daudit.fsgid", s->fsgid);
	put_u64(o, "daudit.cgroup_id", s->cgroup_id);
	put_u64(o, "daudit.mnt_ns", s->mnt_ns);
	put_u64(o, "daudit.pid_ns", s->pid_ns);
	put_u64(o, "daudit.process_start_ns", s->start_ns);
}

/* file.path, file.name, file.directory, file.inode, file.device. */
static void put_file(json_object *o, const char *path, size_t len,
		     uint64_t dev, uint64_t ino)
{
	const char *slash = memrchr(path, '/', len);
	char buf[32];

	put_bytes(o, "file.path", path, len);
	/* '/' is never part of a multi-byte sequence: parts escape alike. */
	if (slash) {
		size_t dlen = (size_t)(slash - path);

		if (dlen)
			put_bytes(o, "file.directory", path, dlen);
		else
			put_str(o, "file.directory", "/");
		if (slash + 1 < path + len)
			put_bytes(o, "file.name", slash + 1,
				  len - dlen - 1);
	} else if (len) {
		put_bytes(o, "file.name", path, len);
	}
	put_id(o, "file.inode", ino);
	snprintf(buf, sizeof(buf), "%u:%u", major((dev_t)dev),
		 minor((dev_t)dev));
	put_str(o, "file.device", buf);
}

/* DAUDIT_PATH_* bits as an array of names, unknown bits by number. */
static void put_paths(json_object *o, const char *path, uint32_t bits)
{
	json_object *paths = json_object_new_array();
	unsigned int bit;
	char buf[64];

	for (bit = 0; bit < 32; bit++) {
		if (!(bits & (1U << bit)))
			continue;
		rec_paths_str(1U << bit, buf, sizeof(buf));
		if (!buf[0])
			snprintf(buf, sizeof(buf), "bit%u", bit);
		json_object_array_add(paths, json_object_new_string(buf));
	}
	put(o, path, paths);
}

/* daudit.session.*: the per-open (or per-destination) session. */
static void put_session(json_object *o, uint64_t id, uint32_t part, int final)
{
	put_u64(o, "daudit.session.id", id);
	put_u64(o, "daudit.session.part", part);
	put(o, "daudit.session.final", json_object_new_boolean(final != 0));
}

static void put_dataset(json_object *o, const char *name, size_t max)
{
	put_bytes(o, "daudit.dataset", name, strnlen(name, max));
}

/*
 * A declared actor (ABI 1.3) is the person the record is about: user.id
 * and user.name are its id (the escaping rule with control characters
 * escaped, as the collector stores it); the account the application runs
 * as, which put_subject() wrote there, moves to process.user.*; both
 * are in related.user.  daudit.actor.* has the rest (docs/siem.md).
 */
static void put_actor_ids(struct ecs_ctx *ctx, json_object *o,
			  const char *actor, uint32_t uid, const char *app)
{
	const char *name = cached_name(ctx, uid, 0);
	json_object *rel = json_object_new_array();
	char buf[24];

	put_str(o, "user.id", actor);
	put_str(o, "user.name", actor);
	put_user(ctx, o, "process.user.id", "process.user.name", uid, 0);
	json_object_array_add(rel, json_object_new_string(actor));
	if (name) {
		char *e = ecs_escape(name, strlen(name));

		json_object_array_add(rel, json_object_new_string(e));
		free(e);
	} else {
		snprintf(buf, sizeof(buf), "%u", uid);
		json_object_array_add(rel, json_object_new_string(buf));
	}
	put(o, "related.user", rel);
	put_str(o, "daudit.actor.id", actor);
	if (app)
		put_bytes(o, "daudit.actor.app.executable", app, strlen(app));
}

static void put_actor(struct ecs_ctx *ctx, json_object *o,
		      const struct daudit_rec_header *h,
		      const struct daudit_subject *s)
{
	const struct daudit_rec_actor *a = rec_actor(h);
	char text[REC_ACTOR_TEXT], client[64];
	const char *app;

	if (!a)
		return;
	rec_actor_text(a->actor, a->actor_len, text);
	app = ecs_lookup_process(ctx, s->tgid, s->start_ns);
	put_actor_ids(ctx, o, text, s->uid, app);
	if (a->request_len) {
		rec_actor_text(a->request, a->request_len, text);
		put_str(o, "daudit.actor.request", text);
	}
	put_u64(o, "daudit.actor.requests", a->requests);
	put_u64(o, "daudit.actor.seq", a->seq);
	put_u64(o, "daudit.actor.thread", a->tid);
	put_id(o, "daudit.actor.app.inode", a->app_ino);
	snprintf(text, sizeof(text), "%u:%u", major((dev_t)a->app_dev),
		 minor((dev_t)a->app_dev));
	put_str(o, "daudit.actor.app.device", text);
	if (*rec_actor_client(a, client, sizeof(client))) {
		put_str(o, "daudit.actor.client.address", client);
		if (inet_ntop(a->client_family, a->client_addr, text, sizeof(text)))
			put_str(o, "daudit.actor.client.ip", text);
		put_u64(o, "daudit.actor.client.port", a->client_port);
	}
}

static json_object *render_file(struct ecs_ctx *ctx,
				const struct daudit_rec_file *r)
{
	json_object *o = base(ctx, &r->hdr, "file_read", "event");

	put_list(o, "event.category", "file");
	put_list(o, "event.type", "access");
	put_str(o, "event.action", "file-read");
	put_u64(o, "event.severity", ECS_SEV_READ);
	put_time(o, "event.start", r->first_ns);
	put_time(o, "event.end", r->last_ns);
	put_str(o, "event.reason", rec_end_reason_name(r->reason));
	put_subject(ctx, o, &r->subj);
	put_actor(ctx, o, &r->hdr, &r->subj);
	put_file(o, r->path, r->path_len, r->dev, r->ino);
	put_dataset(o, r->dataset, sizeof(r->dataset));
	put_u64(o, "daudit.bytes", r->bytes);
	put_u64(o, "daudit.calls", r->calls);
	put_u64(o, "daudit.mmap_bytes", r->mmap_bytes);
	put_u64(o, "daudit.mmap_len", r->mmap_len);
	put_paths(o, "daudit.read_paths", r->paths);
	if (r->off_min != DAUDIT_OFFSET_UNKNOWN)
		put_u64(o, "daudit.offset.min", r->off_min);
	if (r->off_max != DAUDIT_OFFSET_UNKNOWN)
		put_u64(o, "daudit.offset.max", r->off_max);
	put_session(o, r->session_id, r->part, r->final);
	put_time(o, "daudit.session.open", r->open_ns);
	return o;
}

/* ------------------------------------------------------------------ */
/* Sockets and egress                                                  */
/* ------------------------------------------------------------------ */

static const char *transport_name(unsigned int family, unsigned int proto)
{
	if (family == AF_UNIX)
		return "unix";
	return proto == 6 ? "tcp" : proto == 17 ? "udp" : NULL;
}

static const char *family_name(unsigned int family)
{
	return family == AF_INET ? "ipv4" : family == AF_INET6 ? "ipv6" :
	       family == AF_UNIX ? "unix" : NULL;
}

/* network.transport, network.type (and daudit.socket.family). */
static void put_network(json_object *o, unsigned int family,
			unsigned int proto)
{
	const char *t = transport_name(family, proto);

	if (t)
		put_str(o, "network.transport", t);
	if (family == AF_INET || family == AF_INET6)
		put_str(o, "network.type", family_name(family));
	if (family_name(family))
		put_str(o, "daudit.socket.family", family_name(family));
	else
		put_u64(o, "daudit.socket.family", family);
}

/* PREFIX.ip, PREFIX.port, PREFIX.address of an IPv4 or IPv6 endpoint. */
static void put_endpoint(json_object *o, const char *prefix,
			 unsigned int family, const uint8_t *addr,
			 unsigned int port)
{
	static const uint8_t zero[16];
	char a[INET6_ADDRSTRLEN], key[32];

	/* Not known (an unbound sender): nothing rather than 0.0.0.0:0. */
	if (!port && !memcmp(addr, zero, family == AF_INET ? 4 : 16))
		return;
	if ((family != AF_INET && family != AF_INET6) ||
	    !inet_ntop((int)family, addr, a, sizeof(a)))
		return;
	snprintf(key, sizeof(key), "%s.ip", prefix);
	put_str(o, key, a);
	snprintf(key, sizeof(key), "%s.address", prefix);
	put_str(o, key, a);
	snprintf(key, sizeof(key), "%s.port", prefix);
	put_u64(o, key, port);
}

/* PREFIX.address of a unix socket: its path. */
static void put_unix(json_object *o, const char *prefix, const char *path,
		     size_t len)
{
	char key[32];

	if (!len)
		return;
	snprintf(key, sizeof(key), "%s.address", prefix);
	put_bytes(o, key, path, len);
}

/*
 * Reads from a protected socket.  The peer sent the data: it is the
 * protected endpoint (the data service), so it is source.* (the sender,
 * as ECS defines source for a packet) and server.*; the reading process's
 * own socket is destination.* and client.*.  Who opened the connection
 * is not recorded; docs/records.md says so.
 */
static json_object *render_sock(struct ecs_ctx *ctx,
				const struct daudit_rec_sock *r)
{
	json_object *o = base(ctx, &r->hdr, "socket_read", "event");
	static const char *const types[] = { NULL, "stream", "dgram", NULL,
					     NULL, "seqpacket" };

	put_list(o, "event.category", "network");
	put_list(o, "event.type", "access");
	put_str(o, "event.action", "socket-read");
	put_u64(o, "event.severity", ECS_SEV_READ);
	put_time(o, "event.start", r->first_ns);
	put_time(o, "event.end", r->last_ns);
	put_str(o, "event.reason", rec_end_reason_name(r->reason));
	put_subject(ctx, o, &r->subj);
	put_actor(ctx, o, &r->hdr, &r->subj);
	put_network(o, r->family, r->protocol);
	if (r->sock_type < sizeof(types) / sizeof(types[0]) &&
	    types[r->sock_type])
		put_str(o, "daudit.socket.type", types[r->sock_type]);
	else
		put_u64(o, "daudit.socket.type", r->sock_type);
	if (r->family == AF_UNIX) {
		put_unix(o, "source", r->path, r->path_len);
		put_unix(o, "server", r->path, r->path_len);
		if (r->path_len)
			put_bytes(o, "daudit.unix.path", r->path, r->path_len);
	} else {
		put_endpoint(o, "source", r->family, r->peer_addr, r->peer_port);
		put_endpoint(o, "server", r->family, r->peer_addr, r->peer_port);
		put_endpoint(o, "destination", r->family, r->local_addr,
			     r->local_port);
		put_endpoint(o, "client", r->family, r->local_addr,
			     r->local_port);
	}
	put_u64(o, "source.bytes", r->bytes);
	if (r->peer_pid)
		put_u64(o, "daudit.peer.pid", r->peer_pid);
	if (r->peer_uid != DAUDIT_UID_UNSET && (r->peer_pid || r->peer_uid))
		put_id(o, "daudit.peer.uid", r->peer_uid);
	put_dataset(o, r->dataset, sizeof(r->dataset));
	put_u64(o, "daudit.bytes", r->bytes);
	put_u64(o, "daudit.calls", r->calls);
	put_paths(o, "daudit.read_paths", r->paths);
	put_session(o, r->session_id, r->part, r->final);
	put_time(o, "daudit.session.open", r->open_ns);
	return o;
}

static json_object *render_egress(struct ecs_ctx *ctx,
				  const struct daudit_rec_egress *r)
{
	json_object *o = base(ctx, &r->hdr, "egress", "event");
	const char *path = r->strings;
	const char *mount = path + r->path_len + 1;
	const char *fstype = mount + r->mount_len + 1;
	int file = r->kind == DAUDIT_EGRESS_FILE;

	put_list(o, "event.category", file ? "file" : "network");
	put_list(o, "event.type", file ? "change" : "connection");
	put_str(o, "event.action", "egress");
	put_u64(o, "event.severity", ECS_SEV_EGRESS);
	put_time(o, "event.start", r->first_ns);
	put_time(o, "event.end", r->last_ns);
	put_str(o, "event.reason", rec_end_reason_name(r->reason));
	put_subject(ctx, o, &r->subj);
	put_actor(ctx, o, &r->hdr, &r->subj);
	switch (r->kind) {
	case DAUDIT_EGRESS_NET:
		put_str(o, "daudit.egress.kind", "net");
		put_str(o, "network.direction", "egress");
		put_network(o, r->family, r->protocol);
		put_endpoint(o, "destination", r->family, r->dst_addr,
			     r->dst_port);
		put_endpoint(o, "source", r->family, r->src_addr, r->src_port);
		put_u64(o, "source.bytes", r->bytes);
		break;
	case DAUDIT_EGRESS_UNIX:
		put_str(o, "daudit.egress.kind", "unix");
		put_str(o, "network.direction", "egress");
		put_network(o, AF_UNIX, 0);
		put_unix(o, "destination", path, r->path_len);
		if (r->path_len)
			put_bytes(o, "daudit.unix.path", path, r->path_len);
		put_u64(o, "source.bytes", r->bytes);
		break;
	case DAUDIT_EGRESS_FILE:
		put_str(o, "daudit.egress.kind", "file");
		put_file(o, path, r->path_len, r->dev, r->ino);
		if (r->mount_len)
			put_bytes(o, "daudit.mount.point", mount, r->mount_len);
		if (r->fstype_len)
			put_bytes(o, "daudit.mount.fstype", fstype,
				  r->fstype_len);
		break;
	default:
		put_u64(o, "daudit.egress.kind", r->kind);
		if (r->path_len)
			put_bytes(o, "daudit.egress.path", path, r->path_len);
	}
	put(o, "daudit.egress.loopback",
	    json_object_new_boolean(!!(r->flags & DAUDIT_EGRESS_F_LOOPBACK)));
	put_str(o, "daudit.egress.marked_by",
		r->flags & DAUDIT_EGRESS_F_LOGIN ? "login_session" : "process");
	put_time(o, "daudit.egress.marked", r->marked_ns);
	put_dataset(o, r->dataset, sizeof(r->dataset));
	put_u64(o, "daudit.bytes", r->bytes);
	put_u64(o, "daudit.calls", r->calls);
	put_paths(o, "daudit.write_paths", r->paths);
	put_session(o, r->session_id, r->part, r->final);
	return o;
}

static json_object *render_process(struct ecs_ctx *ctx,
				   const struct daudit_rec_process *r)
{
	json_object *o = base(ctx, &r->hdr, "process", "event");
	int exec = r->event == DAUDIT_PROC_EXEC;

	put_list(o, "event.category", "process");
	put_list(o, "event.type", exec ? "start" : "info");
	put_str(o, "event.action", exec ? "process-exec" :
		r->event == DAUDIT_PROC_SEEN ? "process-seen" : "process-event");
	put_u64(o, "event.severity", ECS_SEV_PROCESS);
	put_subject(ctx, o, &r->subj);
	/* The record's own exe, whether or not the table remembered it. */
	put_bytes(o, "process.executable", r->exe, r->exe_len);
	return o;
}

/* How each alert kind is categorized; the last entry is for unknown kinds. */
static const struct {
	uint32_t kind;
	const char *category, *type, *action;
} alert_kinds[] = {
	{ DAUDIT_ALERT_HARDLINK, "file", "creation", "hardlink-protected-file" },
	{ DAUDIT_ALERT_RENAME, "file", "change", "rename-protected-file" },
	{ DAUDIT_ALERT_LOGINUID, "iam", "change", "loginuid-changed" },
	{ DAUDIT_ALERT_KPROBES, "configuration", "change", "kprobes-toggled" },
	{ DAUDIT_ALERT_ACTOR, "intrusion_detection", "denied", "actor-refused" },
	{ 0, "file", "info", "alert-unknown" },
};

static json_object *render_alert(struct ecs_ctx *ctx,
				 const struct daudit_rec_alert *r)
{
	json_object *o = base(ctx, &r->hdr, "alert", "alert");
	const char *link = r->paths + r->path_len + 1;
	size_t i;

	for (i = 0; i + 1 < sizeof(alert_kinds) / sizeof(alert_kinds[0]); i++)
		if (alert_kinds[i].kind == r->kind)
			break;
	put_list(o, "event.category", alert_kinds[i].category);
	put_list(o, "event.type", alert_kinds[i].type);
	put_str(o, "event.action", alert_kinds[i].action);
	put_u64(o, "event.severity", ECS_SEV_ALERT);
	put_u64(o, "daudit.alert.kind", r->kind);
	put_subject(ctx, o, &r->subj);
	switch (r->kind) {
	case DAUDIT_ALERT_LOGINUID:
		/* Who the process was, before it claimed to be someone else. */
		put_user(ctx, o, "daudit.previous.audit.id",
			 "daudit.previous.audit.name", (uint32_t)r->ino, 0);
		put_id(o, "daudit.previous.login_session", (uint32_t)r->dev);
		break;
	case DAUDIT_ALERT_KPROBES:
		put_bytes(o, "daudit.kprobes.written", link, r->path2_len);
		break;
	case DAUDIT_ALERT_ACTOR:
		/* The executable that tried to declare actors, and why not. */
		put_bytes(o, "process.executable", r->paths, r->path_len);
		put_id(o, "daudit.actor.app.inode", r->ino);
		put_bytes(o, "event.reason", link, r->path2_len);
		put_str(o, "event.outcome", "failure");
		break;
	default:
		put_file(o, r->paths, r->path_len, r->dev, r->ino);
		put_bytes(o, "daudit.link_path", link, r->path2_len);
		put_dataset(o, r->dataset, sizeof(r->dataset));
	}
	return o;
}

static json_object *render_lost(struct ecs_ctx *ctx,
				const struct daudit_rec_lost *r)
{
	json_object *o = base(ctx, &r->hdr, "lost", "event");
	json_object *by = json_object_new_object();
	unsigned int t;

	put_list(o, "event.category", "host");
	put_list(o, "event.type", "info");
	put_str(o, "event.action", "records-lost");
	put_u64(o, "event.severity", ECS_SEV_LOSS);
	put_u64(o, "daudit.lost.count", r->count);
	put_u64(o, "daudit.lost.first_seq", r->first_seq);
	put_u64(o, "daudit.lost.last_seq", r->hdr.seq);
	for (t = 0; t < DAUDIT_REC_TYPE_MAX; t++) {
		const char *name = rec_type_name(t);
		char key[16];

		if (!r->by_type[t])
			continue;
		if (!strcmp(name, "unknown")) {
			snprintf(key, sizeof(key), "type_%u", t);
			name = key;
		}
		json_object_object_add(by, name,
				       json_object_new_uint64(r->by_type[t]));
	}
	put(o, "daudit.lost.by_type", by);
	return o;
}

/* ECS files kernel modules under the "driver" category. */
static json_object *render_module(struct ecs_ctx *ctx,
				  const struct daudit_rec_module *r)
{
	json_object *o = base(ctx, &r->hdr, "module", "event");
	char buf[32];

	put_list(o, "event.category", "driver");
	if (r->event == DAUDIT_MOD_LOAD) {
		put_list(o, "event.type", "start");
		put_str(o, "event.action", "module-load");
	} else if (r->event == DAUDIT_MOD_UNLOAD) {
		put_list(o, "event.type", "end");
		put_str(o, "event.action", "module-unload");
	} else {
		put_list(o, "event.type", "info");
		put_str(o, "event.action", "module-event");
	}
	put_u64(o, "event.severity", ECS_SEV_CONFIG);
	put_subject(ctx, o, &r->subj);
	put_bytes(o, "daudit.module.version", r->version,
		  strnlen(r->version, sizeof(r->version)));
	snprintf(buf, sizeof(buf), "%u.%u", r->abi_major, r->abi_minor);
	put_str(o, "daudit.module.abi", buf);
	snprintf(buf, sizeof(buf), "%016" PRIx64, (uint64_t)r->instance_id);
	put_str(o, "daudit.module.instance", buf);
	return o;
}

static json_object *render_policy(struct ecs_ctx *ctx,
				  const struct daudit_rec_policy *r)
{
	json_object *o = base(ctx, &r->hdr, "policy", "event");

	put_list(o, "event.category", "configuration");
	put_list(o, "event.type", "change");
	put_str(o, "event.action", "policy-load");
	put_str(o, "event.outcome", r->result ? "failure" : "success");
	put_u64(o, "event.severity", r->result ? ECS_SEV_CONFIG_FAILED :
		ECS_SEV_CONFIG);
	put_subject(ctx, o, &r->subj);
	put_u64(o, "daudit.policy.generation", r->generation);
	put_u64(o, "daudit.policy.datasets", r->n_datasets);
	put_u64(o, "daudit.policy.sources", r->n_sources);
	put_u64(o, "daudit.policy.size", r->size);
	if (r->result) {
		const char *name = r->result < 4096 ?
				   strerrorname_np((int)r->result) : NULL;
		const char *desc;
		char buf[24];

		if (!name) {
			snprintf(buf, sizeof(buf), "E%u", r->result);
			name = buf;
		}
		put_str(o, "error.code", name);
		/* strerrordesc_np: thread-safe and never translated. */
		desc = r->result < 4096 ? strerrordesc_np((int)r->result) : NULL;
		put_str(o, "error.message", desc ? desc : "unknown error");
		put_u64(o, "daudit.policy.errno", r->result);
	}
	return o;
}

json_object *ecs_from_record(struct ecs_ctx *ctx,
			     const struct daudit_rec_header *h)
{
	switch (h->type) {
	case DAUDIT_REC_FILE_READ:
		return render_file(ctx, (const void *)h);
	case DAUDIT_REC_PROCESS:
		return render_process(ctx, (const void *)h);
	case DAUDIT_REC_ALERT:
		return render_alert(ctx, (const void *)h);
	case DAUDIT_REC_LOST:
		return render_lost(ctx, (const void *)h);
	case DAUDIT_REC_MODULE:
		return render_module(ctx, (const void *)h);
	case DAUDIT_REC_POLICY:
		return render_policy(ctx, (const void *)h);
	case DAUDIT_REC_SOCK_READ:
		return render_sock(ctx, (const void *)h);
	case DAUDIT_REC_EGRESS:
		return render_egress(ctx, (const void *)h);
	default:
		return NULL;
	}
}

json_object *ecs_sequence_gap(struct ecs_ctx *ctx, unsigned int cpu,
			      uint64_t expected, uint64_t got)
{
	struct daudit_rec_header h = { .cpu = (uint16_t)cpu, .seq = got };
	char buf[64];
	struct timespec ts;
	json_object *o;

	clock_gettime(CLOCK_REALTIME, &ts);
	h.time_ns = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	o = base(ctx, &h, "sequence_gap", "event");
	/* Not a record: named after the record that revealed it. */
	snprintf(buf, sizeof(buf), "%016" PRIx64 "-%u-%" PRIu64 "-gap",
		 ctx->instance_id, cpu, got);
	put_str(o, "event.id", buf);
	put_list(o, "event.category", "host");
	put_list(o, "event.type", "info");
	put_str(o, "event.action", "sequence-gap");
	put_u64(o, "event.severity", ECS_SEV_LOSS);
	put_u64(o, "daudit.gap.expected", expected);
	put_u64(o, "daudit.gap.got", got);
	put_u64(o, "daudit.gap.missing", got - expected);
	return o;
}

/* ------------------------------------------------------------------ */
/* Findings                                                            */
/* ------------------------------------------------------------------ */

const char *ecs_finding_level(int64_t score)
{
	return score >= 40 ? "high" : score >= 20 ? "medium" : "low";
}

json_object *ecs_from_finding(struct ecs_ctx *ctx, const struct ecs_finding *f)
{
	const char *level = ecs_finding_level(f->score);
	int rule = rule_by_name(f->rule);
	json_object *o;
	char buf[64];

	/* Named by its row of the collector's database, not by a record. */
	o = base_at(ctx, f->last_ns, "finding", "alert");
	snprintf(buf, sizeof(buf), "finding-%" PRId64, f->id);
	put_str(o, "event.id", buf);
	put_list(o, "event.category", "intrusion_detection");
	put_list(o, "event.type", "info");
	put_bytes(o, "event.action", f->rule, strlen(f->rule));
	put_u64(o, "event.severity", !strcmp(level, "high") ?
		ECS_SEV_FINDING_HIGH : !strcmp(level, "medium") ?
		ECS_SEV_FINDING_MEDIUM : ECS_SEV_FINDING_LOW);
	put(o, "event.risk_score", json_object_new_double((double)f->score));
	put_time(o, "event.start", f->first_ns);
	put_time(o, "event.end", f->last_ns);
	put_bytes(o, "event.reason", f->reason, strlen(f->reason));
	put_bytes(o, "message", f->reason, strlen(f->reason));
	put_bytes(o, "rule.name", f->rule, strlen(f->rule));
	put_bytes(o, "rule.id", f->rule, strlen(f->rule));
	put_str(o, "rule.ruleset", "daudit");
	if (rule >= 0)
		put_str(o, "rule.description", rule_info[rule].summary);
	if (f->actor) {
		put_actor_ids(ctx, o, f->actor, f->account, f->actor_app);
	} else {
		put_user(ctx, o, "user.id", "user.name", f->user, 0);
		if (f->login)
			put_user(ctx, o, "user.audit.id", "user.audit.name",
				 f->user, 0);
	}
	if (f->dataset)
		put_bytes(o, "daudit.dataset", f->dataset, strlen(f->dataset));
	put_u64(o, "daudit.bytes", f->bytes);
	put_u64(o, "daudit.finding.id", (uint64_t)f->id);
	put_bytes(o, "daudit.finding.key", f->key, strlen(f->key));
	put_str(o, "daudit.finding.severity", level);
	put_u64(o, "daudit.finding.score", (uint64_t)f->score);
	put_u64(o, "daudit.finding.count", f->count);
	put(o, "daudit.finding.login", json_object_new_boolean(f->actor ?
	    f->account_login != 0 : f->login != 0));
	return o;
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
