/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Synthetic record streams for the collector's tests, built from the
 * uapi structs exactly as daudit.ko lays them out, and a simulated
 * /dev/daudit in ack mode (struct fakedev) that can live in shared memory
 * so a test can kill -9 a collector process and start another.
 */
#ifndef DAUDIT_TEST_SYNTH_H
#define DAUDIT_TEST_SYNTH_H

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daudit.h"
#include "loop.h"
#include "util.h"

#define SYNTH_CPUS	8
#define NS		1000000000ULL

/* 2026-11-02 00:00:00 UTC, a Monday: tests run with TZ=UTC. */
#define T0		(1793577600ULL * NS)
#define HOUR_NS		(3600ULL * NS)
#define DAY_NS		(86400ULL * NS)

struct who {
	uint32_t uid;
	uint32_t auid;			/* DAUDIT_UID_UNSET: no login */
	uint32_t sessionid;
	uint32_t tgid;
	uint64_t start_ns;
	const char *comm;
};

struct synth {
	unsigned char *buf;
	size_t len, cap;
	uint64_t seq[SYNTH_CPUS];
	uint64_t session;		/* next session id */
	size_t last;			/* offset of the last record added */
};

static inline void synth_init(struct synth *s)
{
	memset(s, 0, sizeof(*s));
	s->session = 1;
}

static inline void synth_free(struct synth *s)
{
	free(s->buf);
	memset(s, 0, sizeof(*s));
}

static inline void *synth_add(struct synth *s, size_t size, unsigned int type,
			      unsigned int cpu, uint64_t t)
{
	struct daudit_rec_header *h;

	size = (size + 7) & ~(size_t)7;
	if (s->len + size > s->cap) {
		s->cap = (s->len + size) * 2 + 4096;
		s->buf = realloc(s->buf, s->cap);
	}
	h = (void *)(s->buf + s->len);
	s->last = s->len;
	memset(h, 0, size);
	h->size = (uint32_t)size;
	h->type = (uint16_t)type;
	h->cpu = (uint16_t)cpu;
	h->seq = s->seq[cpu]++;
	h->time_ns = t;
	s->len += size;
	return h;
}

/* Records the kernel dropped: the sequence moves on, nothing is written. */
static inline void synth_skip(struct synth *s, unsigned int cpu, uint64_t n)
{
	s->seq[cpu] += n;
}

static inline void synth_subj(struct daudit_subject *j, const struct who *w)
{
	j->tgid = w->tgid;
	j->tid = w->tgid;
	j->ppid = 1;
	j->uid = w->uid;
	j->gid = w->uid;
	j->euid = w->uid;
	j->egid = w->uid;
	j->fsuid = w->uid;
	j->fsgid = w->uid;
	j->auid = w->auid;
	j->sessionid = w->sessionid;
	j->start_ns = w->start_ns;
	snprintf(j->comm, sizeof(j->comm), "%s", w->comm ? w->comm : "proc");
}

/*
 * A process record (ABI 1.7) with the command line @args: @args_len bytes,
 * the arguments separated by NULs as the module sends them (no NUL after
 * the last); none when @args_len is 0.
 */
static inline struct daudit_rec_process *
synth_process_cmd(struct synth *s, unsigned int cpu, uint64_t t,
		  const struct who *w, const char *exe, unsigned int event,
		  const char *args, size_t args_len)
{
	size_t n = strlen(exe);
	struct daudit_rec_process *p =
		synth_add(s, sizeof(*p) + n + 1 + (args_len ? args_len + 1 : 0),
			  DAUDIT_REC_PROCESS, cpu, t);

	synth_subj(&p->subj, w);
	p->event = event;
	p->exe_len = (uint16_t)n;
	memcpy(p->exe, exe, n + 1);
	if (args_len) {
		p->cmdline_len = (uint16_t)args_len;
		memcpy(p->exe + n + 1, args, args_len);
		p->exe[n + 1 + args_len] = '\0';
	}
	return p;
}

static inline void synth_process(struct synth *s, unsigned int cpu,
				 uint64_t t, const struct who *w,
				 const char *exe, unsigned int event)
{
	synth_process_cmd(s, cpu, t, w, exe, event, NULL, 0);
}

/* The same with a command line given as a string literal, NULs and all. */
#define SYNTH_ARGS(lit)	(lit), (sizeof(lit) - 1)

/* One file-read record: the interval [t, t] with @bytes read. */
static inline void synth_read(struct synth *s, unsigned int cpu, uint64_t t,
			      const struct who *w, const char *dataset,
			      const char *path, uint64_t session,
			      uint32_t part, int final, uint64_t bytes)
{
	size_t n = strlen(path);
	struct daudit_rec_file *f = synth_add(s, sizeof(*f) + n + 1,
					      DAUDIT_REC_FILE_READ, cpu, t);

	synth_subj(&f->subj, w);
	f->session_id = session;
	f->bytes = bytes;
	f->calls = bytes ? 1 + bytes / 65536 : 0;
	f->off_min = 0;
	f->off_max = bytes;
	f->first_ns = t;
	f->last_ns = t;
	f->open_ns = t;
	f->dev = 0x801;
	f->ino = 1000 + n;
	f->paths = DAUDIT_PATH_READ;
	f->reason = final ? DAUDIT_END_CLOSE : DAUDIT_END_BYTES;
	f->final = (uint8_t)final;
	f->part = part;
	f->path_len = (uint16_t)n;
	snprintf(f->dataset, sizeof(f->dataset), "%s", dataset);
	memcpy(f->path, path, n + 1);
}

/* A whole session of one record: part 0, final. */
static inline uint64_t synth_read1(struct synth *s, unsigned int cpu,
				   uint64_t t, const struct who *w,
				   const char *dataset, const char *path,
				   uint64_t bytes)
{
	uint64_t id = s->session++;

	synth_read(s, cpu, t, w, dataset, path, id, 0, 1, bytes);
	return id;
}

static inline void synth_sock(struct synth *s, unsigned int cpu, uint64_t t,
			      const struct who *w, const char *dataset,
			      const char *unix_path, uint64_t bytes)
{
	size_t n = unix_path ? strlen(unix_path) : 0;
	struct daudit_rec_sock *k = synth_add(s, sizeof(*k) + n + 1,
					      DAUDIT_REC_SOCK_READ, cpu, t);

	synth_subj(&k->subj, w);
	k->session_id = s->session++;
	k->bytes = bytes;
	k->calls = 1;
	k->first_ns = k->last_ns = k->open_ns = t;
	k->paths = DAUDIT_PATH_RECV;
	k->reason = DAUDIT_END_CLOSE;
	k->final = 1;
	k->sock_type = 1;
	if (unix_path) {
		k->family = AF_UNIX;
		k->path_len = (uint16_t)n;
		memcpy(k->path, unix_path, n + 1);
	} else {
		k->family = AF_INET;
		k->protocol = 6;
		k->peer_port = 5432;
		k->local_port = 40000;
		k->peer_addr[0] = 10;
		k->peer_addr[3] = 5;
	}
	snprintf(k->dataset, sizeof(k->dataset), "%s", dataset);
}

/*
 * Egress of @bytes over [t, t]: NET to 203.0.113.5:443 (@flags may say
 * loopback), UNIX to @path, FILE to @path on /media/usb0 (vfat).
 */
static inline void synth_egress(struct synth *s, unsigned int cpu, uint64_t t,
				const struct who *w, const char *dataset,
				unsigned int kind, uint32_t flags,
				const char *path, uint64_t bytes)
{
	const char *mount = kind == DAUDIT_EGRESS_FILE ? "/media/usb0" : "";
	const char *fstype = kind == DAUDIT_EGRESS_FILE ? "vfat" : "";
	size_t pl = path ? strlen(path) : 0, ml = strlen(mount),
	       fl = strlen(fstype);
	struct daudit_rec_egress *g = synth_add(s, sizeof(*g) + pl + ml + fl + 3,
						DAUDIT_REC_EGRESS, cpu, t);
	char *p = g->strings;

	synth_subj(&g->subj, w);
	g->session_id = s->session++;
	g->bytes = bytes;
	g->calls = 1;
	g->first_ns = g->last_ns = t;
	g->marked_ns = t;
	g->paths = DAUDIT_PATH_WRITE;
	g->reason = DAUDIT_END_CLOSE;
	g->final = 1;
	g->kind = (uint8_t)kind;
	g->flags = flags;
	if (kind == DAUDIT_EGRESS_NET) {
		g->family = AF_INET;
		g->protocol = 6;
		g->dst_port = 443;
		if (flags & DAUDIT_EGRESS_F_LOOPBACK) {
			g->dst_addr[0] = 127;
			g->dst_addr[3] = 1;
		} else {
			g->dst_addr[0] = 203;
			g->dst_addr[2] = 113;
			g->dst_addr[3] = 5;
		}
	} else if (kind == DAUDIT_EGRESS_UNIX) {
		g->family = AF_UNIX;
	}
	snprintf(g->dataset, sizeof(g->dataset), "%s", dataset);
	g->path_len = (uint16_t)pl;
	g->mount_len = (uint16_t)ml;
	g->fstype_len = (uint16_t)fl;
	if (path)
		memcpy(p, path, pl);
	p[pl] = '\0';
	memcpy(p + pl + 1, mount, ml + 1);
	memcpy(p + pl + ml + 2, fstype, fl + 1);
}

/*
 * Make the last record added one of a declared actor (ABI 1.3): the
 * record grows by a struct daudit_rec_actor after its strings and gets
 * DAUDIT_REC_F_ACTOR.  @client: IPv4 address in host order (0: none),
 * @port its port.  The declaring executable is (0x801, 77).
 */
static inline void synth_actor(struct synth *s, const char *actor,
			       size_t actor_len, const char *request,
			       uint32_t client, uint16_t port)
{
	struct daudit_rec_header *h = (void *)(s->buf + s->last);
	struct daudit_rec_actor *a;
	size_t add = sizeof(*a);

	if (s->len + add > s->cap) {
		s->cap = (s->len + add) * 2 + 4096;
		s->buf = realloc(s->buf, s->cap);
		h = (void *)(s->buf + s->last);
	}
	a = (void *)(s->buf + s->len);
	memset(a, 0, add);
	h->size += (uint32_t)add;
	h->flags |= DAUDIT_REC_F_ACTOR;
	s->len += add;
	a->app_dev = 0x801;
	a->app_ino = 77;
	a->tid = 4321;
	a->seq = 2;
	a->requests = 1;
	a->actor_len = (uint16_t)actor_len;
	memcpy(a->actor, actor, actor_len);
	if (request) {
		a->request_len = (uint16_t)strlen(request);
		memcpy(a->request, request, a->request_len);
	}
	if (client) {
		a->client_family = AF_INET;
		a->client_port = port;
		a->client_addr[0] = (uint8_t)(client >> 24);
		a->client_addr[1] = (uint8_t)(client >> 16);
		a->client_addr[2] = (uint8_t)(client >> 8);
		a->client_addr[3] = (uint8_t)client;
	}
}

static inline void synth_alert(struct synth *s, unsigned int cpu, uint64_t t,
			       const struct who *w, const char *dataset,
			       const char *path, const char *link)
{
	size_t a = strlen(path), b = strlen(link);
	struct daudit_rec_alert *r = synth_add(s, sizeof(*r) + a + b + 2,
					       DAUDIT_REC_ALERT, cpu, t);

	synth_subj(&r->subj, w);
	r->kind = DAUDIT_ALERT_HARDLINK;
	r->path_len = (uint16_t)a;
	r->path2_len = (uint16_t)b;
	snprintf(r->dataset, sizeof(r->dataset), "%s", dataset);
	memcpy(r->paths, path, a + 1);
	memcpy(r->paths + a + 1, link, b + 1);
}

/*
 * The kernel dropped @count records on @cpu (their numbers are taken),
 * then wrote a LOST record carrying the last of them.
 */
static inline void synth_lost(struct synth *s, unsigned int cpu, uint64_t t,
			      uint64_t count, unsigned int type)
{
	uint64_t first = s->seq[cpu];
	struct daudit_rec_lost *l;

	s->seq[cpu] += count - 1;
	l = synth_add(s, sizeof(*l), DAUDIT_REC_LOST, cpu, t);
	l->first_seq = first;
	l->count = count;
	l->by_type[type] = count;
}

/* ------------------------------------------------------------------ */
/* A simulated device in ack mode                                      */
/* ------------------------------------------------------------------ */

#define FAKE_MAX_RECS	200000

struct fakedev {
	size_t nrec;
	size_t off[FAKE_MAX_RECS];
	uint64_t acked[SYNTH_CPUS];	/* every seq below is consumed */
	size_t cursor;			/* next record this open delivers */
	unsigned int per_read;		/* records per read(), at most */
	unsigned int reads, acks;
	int kill_at_read;		/* SIGKILL ourselves on that read */
	int kill_at_ack;		/* ... or before that acknowledgement */
	size_t len;
	unsigned char data[];
};

/* In shared memory, so it survives a killed child. */
static inline struct fakedev *fakedev_new(const struct synth *s)
{
	size_t size = sizeof(struct fakedev) + s->len;
	struct fakedev *d = mmap(NULL, size, PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	size_t off = 0;

	if (d == MAP_FAILED)
		return NULL;
	memset(d, 0, sizeof(*d));
	memcpy(d->data, s->buf, s->len);
	d->len = s->len;
	while (off < s->len && d->nrec < FAKE_MAX_RECS) {
		const struct daudit_rec_header *h = (const void *)(d->data + off);

		d->off[d->nrec++] = off;
		off += h->size;
	}
	d->per_read = 64;
	return d;
}

static inline void fakedev_free(struct fakedev *d)
{
	munmap(d, sizeof(*d) + d->len);
}

static inline const struct daudit_rec_header *fakedev_rec(struct fakedev *d,
							   size_t i)
{
	return (const void *)(d->data + d->off[i]);
}

/* A new open: everything not acknowledged is delivered again. */
static inline void fakedev_reopen(struct fakedev *d)
{
	d->cursor = 0;
	d->reads = 0;
	d->acks = 0;
}

static inline size_t fakedev_unacked(struct fakedev *d)
{
	size_t i, n = 0;

	for (i = 0; i < d->nrec; i++) {
		const struct daudit_rec_header *h = fakedev_rec(d, i);

		n += h->seq >= d->acked[h->cpu];
	}
	return n;
}

static inline ssize_t fake_read(struct source *src, void *buf, size_t len)
{
	struct fakedev *d = src->ctx;
	size_t done = 0;
	unsigned int n = 0;

	if (!d)
		return 0;
	if (d->kill_at_read && (int)++d->reads == d->kill_at_read)
		kill(getpid(), SIGKILL);
	while (d->cursor < d->nrec && n < d->per_read) {
		const struct daudit_rec_header *h = fakedev_rec(d, d->cursor);

		if (h->seq < d->acked[h->cpu]) {
			d->cursor++;
			continue;
		}
		if (h->size > len - done)
			break;
		memcpy((unsigned char *)buf + done, h, h->size);
		done += h->size;
		d->cursor++;
		n++;
	}
	return (ssize_t)done;
}

static inline int fake_ack(struct source *src, const uint64_t *seq,
			   unsigned int n)
{
	struct fakedev *d = src->ctx;
	unsigned int i;

	if (!d)
		return 0;
	if (d->kill_at_ack && (int)++d->acks == d->kill_at_ack)
		kill(getpid(), SIGKILL);
	for (i = 0; i < n && i < SYNTH_CPUS; i++)
		if (seq[i] != ~0ULL && seq[i] > d->acked[i])
			d->acked[i] = seq[i];
	return 0;
}

static inline int fake_flush(struct source *src)
{
	(void)src;
	return 0;
}

static const struct source_ops fake_ops = {
	.read = fake_read,
	.ack = fake_ack,
	.flush = fake_flush,
};

static inline void fake_source(struct source *src, struct fakedev *d,
			       uint64_t instance)
{
	memset(src, 0, sizeof(*src));
	src->ops = &fake_ops;
	src->ctx = d;
	src->fd = -1;
	src->instance_id = instance;
	src->ncpus = SYNTH_CPUS;
	src->ring_bytes = 0;
	snprintf(src->module_version, sizeof(src->module_version), "test");
}

/* ------------------------------------------------------------------ */
/* A collector on a temporary database                                 */
/* ------------------------------------------------------------------ */

static inline char *test_db_path(const char *name)
{
	char *p = malloc(256);

	snprintf(p, 256, "/tmp/daudit-test-%d-%s.db", (int)getpid(), name);
	return p;
}

/* The database and its journal (DATABASE.journal), with their WAL files. */
static inline void test_db_remove(const char *path)
{
	static const char *const tails[] = { "", "-wal", "-shm", ".journal",
					     ".journal-wal", ".journal-shm" };
	char buf[300];
	size_t i;

	for (i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
		snprintf(buf, sizeof(buf), "%s%s", path, tails[i]);
		unlink(buf);
	}
}

/* Open a collector on @path with defaults adjusted by @tweak. */
static inline void test_collector(struct collector *c, const char *path,
				  struct source *src,
				  void (*tweak)(struct config *cfg))
{
	struct config cfg;
	char err[512];

	config_defaults(&cfg);
	free(cfg.database);
	cfg.database = util_xstrdup(path);
	free(cfg.policy);
	cfg.policy = NULL;
	cfg.file = util_xstrdup("(test)");
	if (tweak)
		tweak(&cfg);
	if (collector_open(c, &cfg, src, err, sizeof(err)) < 0) {
		fprintf(stderr, "collector_open: %s\n", err);
		abort();
	}
}

/* Feed every record of @s straight in, then commit. */
static inline void test_feed(struct collector *c, const struct synth *s)
{
	ingest_buffer(&c->ingest, s->buf, s->len);
	collector_commit(c);
}

/* Pump a (fake) source until nothing is left unacknowledged. */
static inline void test_drain(struct collector *c, struct fakedev *d)
{
	while (collector_pump(c, 1) > 0)
		;
	collector_commit(c);
	(void)d;
}

/*
 * A new database at @path holding every record of @s, fed in batches as
 * the collector would commit them, with the collector's configuration
 * adjusted by @tweak; then @sql (names NSS would give) if not NULL.
 */
static inline void test_db_build(const char *path, const struct synth *s,
				 uint64_t instance,
				 void (*tweak)(struct config *cfg),
				 const char *sql)
{
	struct collector c;
	struct source src;
	size_t off = 0;

	test_db_remove(path);
	fake_source(&src, NULL, instance);
	test_collector(&c, path, &src, tweak);
	while (off < s->len) {
		size_t n = 0;

		while (off + n < s->len && n < 64 * 1024)
			n += ((const struct daudit_rec_header *)(s->buf + off + n))->size;
		ingest_buffer(&c.ingest, s->buf + off, n);
		collector_commit(&c);
		off += n;
	}
	if (sql)
		store_exec(&c.store, sql);
	collector_close(&c);
}

static inline int64_t test_int(struct collector *c, const char *sql)
{
	sqlite3_stmt *st = store_prepare(&c->store, sql);
	int64_t v = -1;

	if (store_step(&c->store, st))
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static inline char *test_text(struct collector *c, const char *sql)
{
	sqlite3_stmt *st = store_prepare(&c->store, sql);
	char *v = NULL;

	if (store_step(&c->store, st) && sqlite3_column_text(st, 0))
		v = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return v;
}

#endif
