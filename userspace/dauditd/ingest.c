// SPDX-License-Identifier: GPL-2.0
/*
 * Decoding, deduplication and enrichment of records.
 *
 * The time of an event is when it happened: for reads and egress the
 * last read or send of the interval the record covers (last_ns), for
 * other records when the kernel wrote them.  Rollups and rules bucket by
 * it.
 *
 * The user an event counts for is the login user: subj.auid when it is
 * set (who logged in, kept across sudo and su), else the real uid marked
 * "no login" (daemons, services).  Names come from NSS (getpwuid_r), asked
 * once per uid per run and stored in `names` so the CLI shows the name
 * the collector saw.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <pwd.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "event.h"
#include "ingest.h"
#include "record.h"
#include "rollup.h"
#include "rules.h"
#include "store.h"
#include "timeparse.h"
#include "util.h"

#define PROCS_MAX	200000
#define DEST_MAX	(DAUDIT_PATH_MAX * 2 + 128)

struct proc_key {
	uint64_t start_ns;
	uint32_t tgid;
	uint32_t pad;
};

struct proc_entry {
	char *exe;			/* NULL: not known */
	char *cmdline;			/* rec_cmdline(); NULL: none */
	char *prev_exe;			/* before the last exec */
	char *prev_cmdline;
	uint64_t exec_ns;		/* when that exec happened */
};

/* Key: account uid, its login flag, then the actor text (no NUL). */
struct actor_key {
	uint32_t uid;
	uint32_t login;
	char actor[REC_ACTOR_TEXT];
};

struct actor_entry {
	int64_t id;			/* actors.id */
	uint64_t app_dev, app_ino;	/* as last written to the row */
};

struct name_entry {
	char *name;			/* NULL: NSS does not know it */
	int stored;
};

void ingest_init(struct ingest *ig, struct store *s, struct rollup *ru,
		 struct rules *rl, const struct config *c,
		 uint64_t instance_id, unsigned int ncpus,
		 uint32_t ring_bytes)
{
	memset(ig, 0, sizeof(*ig));
	ig->store = s;
	ig->rollup = ru;
	ig->rules = rl;
	ig->cfg = c;
	ig->instance_id = instance_id;
	ig->ncpus = ncpus ? ncpus : 1;
	ig->ring_bytes = ring_bytes;
	ig->cpu = util_xcalloc(ig->ncpus, sizeof(*ig->cpu));
	hmap_init(&ig->procs, sizeof(struct proc_entry));
	hmap_init(&ig->names, sizeof(struct name_entry));
	hmap_init(&ig->actors, sizeof(struct actor_entry));
	ig->buf = util_xmalloc(DEST_MAX);
	ig->xbuf = util_xmalloc(DEST_MAX);
}

void ingest_set_instance(struct ingest *ig, uint64_t instance_id)
{
	if (instance_id == ig->instance_id)
		return;
	ig->instance_id = instance_id;
	/* Its marks are its own: looked up again on its first record. */
	memset(ig->cpu, 0, ig->ncpus * sizeof(*ig->cpu));
}

static void free_proc(void *v)
{
	struct proc_entry *p = v;

	free(p->exe);
	free(p->cmdline);
	free(p->prev_exe);
	free(p->prev_cmdline);
}

static void free_name(void *v)
{
	free(((struct name_entry *)v)->name);
}

void ingest_free(struct ingest *ig)
{
	hmap_free(&ig->procs, free_proc);
	hmap_free(&ig->names, free_name);
	hmap_free(&ig->actors, NULL);
	free(ig->cpu);
	free(ig->buf);
	free(ig->xbuf);
	memset(ig, 0, sizeof(*ig));
}

static struct name_entry *name_entry(struct ingest *ig, uint32_t uid)
{
	struct name_entry *n;
	int fresh;

	n = hmap_insert(&ig->names, &uid, sizeof(uid), &fresh);
	if (fresh) {
		struct passwd pw, *res = NULL;
		char buf[4096];

		if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) == 0 && res)
			n->name = util_xstrdup(res->pw_name);
	}
	return n;
}

const char *ingest_user_name(struct ingest *ig, uint32_t uid)
{
	return name_entry(ig, uid)->name;
}

/* Remember the name the first time a uid is stored in this run. */
static void note_user(struct ingest *ig, uint32_t uid, uint64_t ns)
{
	struct name_entry *n;

	/* Most records come from the uid of the one before. */
	if (uid == ig->last_uid && ig->last_uid_noted)
		return;
	n = name_entry(ig, uid);
	if (n->name && !n->stored) {
		store_begin(ig->store);
		store_name(ig->store, uid, n->name, ns);
		n->stored = 1;
	}
	ig->last_uid = uid;
	ig->last_uid_noted = 1;
}

/* ------------------------------------------------------------------ */
/* Processes                                                           */
/* ------------------------------------------------------------------ */

static struct proc_entry *proc_get(struct ingest *ig, uint32_t tgid,
				   uint64_t start_ns, int lookup)
{
	struct proc_key k = { start_ns, tgid, 0 };
	struct proc_entry *p;
	int fresh;

	/* Records of one process tend to come one after another. */
	if (ig->last_proc && ig->last_tgid == tgid && ig->last_start == start_ns)
		return ig->last_proc;
	if (ig->procs.n >= PROCS_MAX)
		hmap_clear(&ig->procs, free_proc);
	p = hmap_insert(&ig->procs, &k, sizeof(k), &fresh);
	/* A process from before a restart is in the table. */
	if (fresh && lookup)
		p->exe = store_proc_exe(ig->store, tgid, start_ns, &p->cmdline);
	ig->last_proc = p;
	ig->last_tgid = tgid;
	ig->last_start = start_ns;
	return p;
}

static void on_process(struct ingest *ig, const struct daudit_rec_header *h)
{
	const struct daudit_rec_process *r = (const void *)h;
	struct proc_entry *p = proc_get(ig, r->subj.tgid, r->subj.start_ns, 0);
	char *cmdline = rec_cmdline(h);

	/* Reads before the exec keep the program they were made with. */
	if (r->event == DAUDIT_PROC_EXEC && p->exe &&
	    (strcmp(p->exe, r->exe) || !util_streq_null(p->cmdline, cmdline))) {
		free(p->prev_exe);
		free(p->prev_cmdline);
		p->prev_exe = p->exe;
		p->prev_cmdline = p->cmdline;
		p->exe = NULL;
		p->cmdline = NULL;
		p->exec_ns = h->time_ns;
	}
	if (!p->exe || strcmp(p->exe, r->exe)) {
		free(p->exe);
		p->exe = util_xstrdup(r->exe);
	}
	/* A module older than ABI 1.7 sends none: keep what is known. */
	if (cmdline) {
		free(p->cmdline);
		p->cmdline = cmdline;
	}
	store_proc(ig->store, &r->subj, r->exe, p->cmdline, h->time_ns);
}

const char *ingest_exe(struct ingest *ig, uint32_t tgid, uint64_t start_ns,
		       const char **cmdline)
{
	struct proc_entry *p = proc_get(ig, tgid, start_ns, 1);

	*cmdline = p->cmdline;
	return p->exe;
}

/*
 * The executable and command line at the time of @ns (a read before an
 * exec gets the old ones) into @e.
 */
static void exe_of(struct ingest *ig, struct event *e, uint64_t ns)
{
	struct proc_entry *p = proc_get(ig, e->subj->tgid, e->subj->start_ns, 1);

	if (p->prev_exe && ns && ns < p->exec_ns) {
		e->exe = p->prev_exe;
		e->cmdline = p->prev_cmdline;
	} else {
		e->exe = p->exe;
		e->cmdline = p->cmdline;
	}
}

/* ------------------------------------------------------------------ */
/* Decoding                                                            */
/* ------------------------------------------------------------------ */

static void subject(struct ingest *ig, struct event *e,
		    const struct daudit_subject *j)
{
	e->subj = j;
	e->login = j->auid != DAUDIT_UID_UNSET;
	e->user = e->login ? j->auid : j->uid;
	e->acct_user = e->user;
	e->acct_login = e->login;
	note_user(ig, e->user, e->hdr_ns);
	if (e->user != j->uid)
		note_user(ig, j->uid, e->hdr_ns);
}

static const char *proto_name(unsigned int p)
{
	return p == 6 ? "tcp" : p == 17 ? "udp" : "ip";
}

/* "203.0.113.5:443/tcp" or "[2001:db8::1]:443/tcp". */
static void format_addr(char *buf, size_t len, unsigned int family,
			const uint8_t *addr, unsigned int port,
			unsigned int proto)
{
	char a[INET6_ADDRSTRLEN];

	if (family == AF_INET6 && inet_ntop(AF_INET6, addr, a, sizeof(a)))
		snprintf(buf, len, "[%s]:%u/%s", a, port, proto_name(proto));
	else if (family == AF_INET && inet_ntop(AF_INET, addr, a, sizeof(a)))
		snprintf(buf, len, "%s:%u/%s", a, port, proto_name(proto));
	else
		snprintf(buf, len, "family %u", family);
}

static void decode_file(struct ingest *ig, struct event *e,
			const struct daudit_rec_header *h)
{
	const struct daudit_rec_file *f = (const void *)h;

	subject(ig, e, &f->subj);
	e->session_id = f->session_id;
	e->bytes = f->bytes;
	e->calls = f->calls;
	e->mmap_bytes = f->mmap_bytes;
	e->first_ns = f->first_ns;
	e->last_ns = f->last_ns;
	e->paths = f->paths;
	e->reason = f->reason;
	e->final = f->final;
	e->part = f->part;
	e->dev = f->dev;
	e->ino = f->ino;
	e->dataset = f->dataset;
	e->path = f->path;
	e->off_min = f->off_min;
	e->off_max = f->off_max;
	if (f->mmap_len) {
		snprintf(ig->xbuf, DEST_MAX, "mmap_len=%" PRIu64,
			 (uint64_t)f->mmap_len);
		e->extra = ig->xbuf;
	}
}

static void decode_sock(struct ingest *ig, struct event *e,
			const struct daudit_rec_header *h)
{
	const struct daudit_rec_sock *k = (const void *)h;

	subject(ig, e, &k->subj);
	e->session_id = k->session_id;
	e->bytes = k->bytes;
	e->calls = k->calls;
	e->first_ns = k->first_ns;
	e->last_ns = k->last_ns;
	e->paths = k->paths;
	e->reason = k->reason;
	e->final = k->final;
	e->part = k->part;
	e->dataset = k->dataset;
	if (k->family == AF_UNIX) {
		e->path = k->path;
		if (k->peer_pid) {
			snprintf(ig->xbuf, DEST_MAX, "peer_pid=%u peer_uid=%u",
				 k->peer_pid, k->peer_uid);
			e->extra = ig->xbuf;
		}
	} else {
		/* The protected endpoint is the peer the data came from. */
		format_addr(ig->buf, DEST_MAX, k->family, k->peer_addr,
			    k->peer_port, k->protocol);
		e->path = ig->buf;
	}
}

static void decode_egress(struct ingest *ig, struct event *e,
			  const struct daudit_rec_header *h)
{
	const struct daudit_rec_egress *g = (const void *)h;
	const char *path = g->strings;
	const char *mount = path + g->path_len + 1;
	const char *fstype = mount + g->mount_len + 1;

	subject(ig, e, &g->subj);
	e->session_id = g->session_id;
	e->bytes = g->bytes;
	e->calls = g->calls;
	e->first_ns = g->first_ns;
	e->last_ns = g->last_ns;
	e->paths = g->paths;
	e->reason = g->reason;
	e->final = g->final;
	e->part = g->part;
	e->kind = g->kind;
	e->flags = g->flags;
	e->dataset = g->dataset;
	e->dev = g->dev;
	e->ino = g->ino;
	switch (g->kind) {
	case DAUDIT_EGRESS_NET:
		format_addr(ig->buf, DEST_MAX, g->family, g->dst_addr,
			    g->dst_port, g->protocol);
		e->dest = ig->buf;
		break;
	case DAUDIT_EGRESS_UNIX:
		e->dest = g->path_len ? path : "(unnamed unix socket)";
		break;
	default:
		e->dest = path;
	}
	if (g->kind == DAUDIT_EGRESS_FILE && g->mount_len)
		snprintf(ig->xbuf, DEST_MAX, "mount=%s fstype=%s marked_ns=%" PRIu64,
			 mount, fstype, (uint64_t)g->marked_ns);
	else
		snprintf(ig->xbuf, DEST_MAX, "marked_ns=%" PRIu64,
			 (uint64_t)g->marked_ns);
	e->extra = ig->xbuf;
}

/*
 * A record of a declared actor counts for the actor: e->user becomes its
 * actors.id (found or added, cached) and e->login DB_LOGIN_ACTOR; the
 * account it came through stays in acct_user and acct_login, the
 * subject's ids in the event as always.  After exe_of(): the actors row
 * names the declaring executable.
 */
static void decode_actor(struct ingest *ig, struct event *e,
			 const struct daudit_rec_header *h)
{
	const struct daudit_rec_actor *a = rec_actor(h);
	struct actor_key k;
	struct actor_entry *ae;
	size_t n;
	int fresh;

	if (!a)
		return;
	e->actor_rec = a;
	rec_actor_text(a->actor, a->actor_len, ig->abuf);
	e->actor = ig->abuf;
	if (a->request_len) {
		rec_actor_text(a->request, a->request_len, ig->rbuf);
		e->request = ig->rbuf;
	}
	if (*rec_actor_client(a, ig->cbuf, sizeof(ig->cbuf)))
		e->client = ig->cbuf;
	if (ig->actors.n >= PROCS_MAX)
		hmap_clear(&ig->actors, NULL);
	memset(&k, 0, offsetof(struct actor_key, actor));
	k.uid = e->user;
	k.login = (uint32_t)e->login;
	n = strlen(ig->abuf);
	memcpy(k.actor, ig->abuf, n);
	ae = hmap_insert(&ig->actors, &k, offsetof(struct actor_key, actor) + n,
			 &fresh);
	if (fresh || ae->app_dev != a->app_dev || ae->app_ino != a->app_ino) {
		store_begin(ig->store);
		ae->id = store_actor(ig->store, e, ae->id);
		ae->app_dev = a->app_dev;
		ae->app_ino = a->app_ino;
	}
	e->user = (uint32_t)ae->id;
	e->login = DB_LOGIN_ACTOR;
}

static void decode_alert(struct ingest *ig, struct event *e,
			 const struct daudit_rec_header *h)
{
	const struct daudit_rec_alert *a = (const void *)h;

	subject(ig, e, &a->subj);
	e->kind = a->kind;
	e->dataset = a->dataset;
	e->path = a->paths;
	e->dest = a->paths + a->path_len + 1;
	e->dev = a->dev;
	e->ino = a->ino;
}

static void decode_module(struct ingest *ig, struct event *e,
			  const struct daudit_rec_header *h)
{
	const struct daudit_rec_module *m = (const void *)h;

	subject(ig, e, &m->subj);
	e->kind = m->event;
	snprintf(ig->xbuf, DEST_MAX, "version=%s abi=%u.%u instance=%016" PRIx64,
		 m->version, m->abi_major, m->abi_minor,
		 (uint64_t)m->instance_id);
	e->extra = ig->xbuf;
}

static void decode_policy(struct ingest *ig, struct event *e,
			  const struct daudit_rec_header *h)
{
	const struct daudit_rec_policy *p = (const void *)h;

	subject(ig, e, &p->subj);
	snprintf(ig->xbuf, DEST_MAX,
		 "generation=%" PRIu64 " result=%u datasets=%u sources=%u size=%u",
		 (uint64_t)p->generation, p->result, p->n_datasets,
		 p->n_sources, p->size);
	e->extra = ig->xbuf;
}

/* ------------------------------------------------------------------ */
/* Sequence numbers                                                    */
/* ------------------------------------------------------------------ */

static struct cpu_state *cpu_state(struct ingest *ig, unsigned int cpu)
{
	struct cpu_state *cs;

	if (cpu >= ig->ncpus) {
		unsigned int n = cpu + 1;

		ig->cpu = util_xrecalloc(ig->cpu, ig->ncpus, n,
					 sizeof(*ig->cpu));
		ig->ncpus = n;
	}
	cs = &ig->cpu[cpu];
	if (!cs->known) {
		uint64_t next, last;

		if (store_hwm_get(ig->store, ig->instance_id, cpu, &next,
				  &last)) {
			cs->next_seq = next;
			cs->last_ns = last;
			cs->known = 1;
		}
	}
	return cs;
}

static void by_type_text(const struct daudit_rec_lost *l, char *buf,
			 size_t len)
{
	size_t used = 0;
	unsigned int t;

	buf[0] = '\0';
	for (t = 0; t < DAUDIT_REC_TYPE_MAX && used < len; t++)
		if (l->by_type[t])
			used += (size_t)snprintf(buf + used, len - used,
						 "%s%s=%" PRIu64, used ? " " : "",
						 rec_type_name(t),
						 (uint64_t)l->by_type[t]);
}

/*
 * Check @h against the CPU's mark.  Returns 0 to skip it (stored
 * before), 1 to store it; records gaps and losses on the way.
 */
static int sequence(struct ingest *ig, const struct daudit_rec_header *h)
{
	struct cpu_state *cs = cpu_state(ig, h->cpu);
	uint64_t first = h->seq;
	char by_type[256];

	cs->touched = 1;
	cs->unacked_bytes += h->size;
	if (ig->ring_bytes && cs->unacked_bytes > ig->ring_bytes / 2)
		ig->need_commit = 1;
	if (h->type == DAUDIT_REC_LOST)
		first = ((const struct daudit_rec_lost *)h)->first_seq;
	if (cs->known && h->seq < cs->next_seq) {
		ig->st.duplicates++;
		return 0;
	}
	store_begin(ig->store);
	if (!cs->known && first > 0) {
		/* Written before this collector first read this instance. */
		store_gap(ig->store, ig->instance_id, h->cpu, "unseen", 0,
			  first - 1, first, 0, h->time_ns, NULL);
		ig->st.gaps++;
	} else if (cs->known && first > cs->next_seq) {
		store_gap(ig->store, ig->instance_id, h->cpu, "gap",
			  cs->next_seq, first - 1, first - cs->next_seq,
			  cs->last_ns, h->time_ns, NULL);
		ig->st.gaps++;
		if (ig->on_gap)
			ig->on_gap(ig->hook_arg, h->cpu, cs->next_seq, first);
	}
	if (h->type == DAUDIT_REC_LOST) {
		const struct daudit_rec_lost *l = (const void *)h;

		by_type_text(l, by_type, sizeof(by_type));
		store_gap(ig->store, ig->instance_id, h->cpu, "lost",
			  l->first_seq, h->seq, l->count, cs->last_ns,
			  h->time_ns, by_type);
		ig->st.lost += l->count;
	}
	cs->known = 1;
	cs->next_seq = h->seq + 1;
	cs->last_ns = h->time_ns;
	cs->dirty = 1;
	return 1;
}

/* ------------------------------------------------------------------ */

uint64_t ingest_prof_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

/* Add the time since *@t to @acc and restart *@t (profiling only). */
static void lap(const struct ingest *ig, uint64_t *acc, uint64_t *t)
{
	uint64_t now;

	if (!ig->prof.on)
		return;
	now = ingest_prof_ns();
	*acc += now - *t;
	*t = now;
}

/*
 * Who the event counts for, by a name every host agrees on: the actor
 * id, the account's name, or "#UID" for a uid without one.
 */
static const char *fleet_name(struct ingest *ig, const struct event *e)
{
	const char *n;

	if (event_is_actor(e))
		return e->actor;
	n = ingest_user_name(ig, e->user);
	if (n)
		return n;
	snprintf(ig->nbuf, sizeof(ig->nbuf), "#%u", e->user);
	return ig->nbuf;
}

static void ingest_one(struct ingest *ig, const struct daudit_rec_header *h)
{
	uint64_t t = ig->prof.on ? ingest_prof_ns() : 0;
	struct event e;

	ig->st.records++;
	if (!sequence(ig, h))
		return;
	ig->pending++;
	memset(&e, 0, sizeof(e));
	e.type = h->type;
	e.hdr_ns = h->time_ns;
	e.time_ns = h->time_ns;
	e.instance_id = ig->instance_id;
	e.cpu = h->cpu;
	e.seq = h->seq;
	switch (h->type) {
	case DAUDIT_REC_PROCESS:
		/* ingest_buffer() took it first. */
		if (!ig->procs_first)
			on_process(ig, h);
		lap(ig, &ig->prof.decode, &t);
		return;
	case DAUDIT_REC_FILE_READ:
		decode_file(ig, &e, h);
		break;
	case DAUDIT_REC_SOCK_READ:
		decode_sock(ig, &e, h);
		break;
	case DAUDIT_REC_EGRESS:
		decode_egress(ig, &e, h);
		break;
	case DAUDIT_REC_ALERT:
		decode_alert(ig, &e, h);
		break;
	case DAUDIT_REC_MODULE:
		decode_module(ig, &e, h);
		break;
	case DAUDIT_REC_POLICY:
		decode_policy(ig, &e, h);
		break;
	case DAUDIT_REC_LOST:
		e.calls = ((const struct daudit_rec_lost *)h)->count;
		break;
	default:
		/* A newer module's record: its sequence number still counts. */
		ig->st.unknown++;
		return;
	}
	if (event_is_read(&e) || e.type == DAUDIT_REC_EGRESS) {
		if (e.last_ns)
			e.time_ns = e.last_ns;
		exe_of(ig, &e, e.first_ns);
		decode_actor(ig, &e, h);
	} else if (e.subj) {
		exe_of(ig, &e, e.hdr_ns);
	}
	if (ig->store->mirror && e.subj)
		e.user_name = fleet_name(ig, &e);
	lap(ig, &ig->prof.decode, &t);
	store_event(ig->store, &e);
	lap(ig, &ig->prof.insert, &t);
	ig->st.stored++;
	ig->pending_events++;
	if (e.time_ns > ig->last_record_ns)
		ig->last_record_ns = e.time_ns;
	if (!ig->first_record_ns || e.time_ns < ig->first_record_ns)
		ig->first_record_ns = e.time_ns;
	rollup_event(ig->rollup, &e);
	lap(ig, &ig->prof.rollup, &t);
	rules_event(ig->rules, &e);
	lap(ig, &ig->prof.rules, &t);
}

void ingest_record(struct ingest *ig, const struct daudit_rec_header *h)
{
	ingest_one(ig, h);
	if (ig->on_record) {
		uint64_t t = ig->prof.on ? ingest_prof_ns() : 0;

		ig->on_record(ig->hook_arg, h);
		lap(ig, &ig->prof.sinks, &t);
	}
}

/*
 * A buffer holds each CPU's records in turn, and a process's record is
 * written on the CPU where its first session began, so a session ended on
 * another CPU may come before it.  The process records not stored before
 * are taken first, so that every read in the buffer finds its program.
 */
static void processes_first(struct ingest *ig, const void *buf, size_t len)
{
	const struct daudit_rec_header *h;
	const char *why = NULL;
	struct rec_iter it;

	rec_iter_init(&it, buf, len);
	while ((h = rec_next(&it, &why))) {
		const struct cpu_state *cs;

		if (h->type != DAUDIT_REC_PROCESS)
			continue;
		cs = cpu_state(ig, h->cpu);
		if (cs->known && h->seq < cs->next_seq)
			continue;
		store_begin(ig->store);
		on_process(ig, h);
	}
}

void ingest_buffer(struct ingest *ig, const void *buf, size_t len)
{
	const struct daudit_rec_header *h;
	const char *why = NULL;
	struct rec_iter it;

	processes_first(ig, buf, len);
	ig->procs_first = 1;
	rec_iter_init(&it, buf, len);
	while ((h = rec_next(&it, &why)))
		ingest_record(ig, h);
	ig->procs_first = 0;
	if (why) {
		/* What follows in this buffer is lost; the gap shows it. */
		ig->st.malformed++;
		util_err("malformed records from %s: %s", "the device", why);
	}
}

void ingest_commit(struct ingest *ig, int rollups)
{
	uint64_t t = ig->prof.on ? ingest_prof_ns() : 0, t0 = t;
	unsigned int i;

	if (rollups && rollup_pending(ig->rollup))
		store_begin(ig->store);
	if (!ig->store->in_txn)
		return;
	if (rollups) {
		rollup_flush(ig->rollup);
		lap(ig, &ig->prof.flush_rollup, &t);
		rules_flush(ig->rules, ig->rollup);
		ig->prof.rollup_flushes++;
	} else {
		rules_write(ig->rules);
	}
	lap(ig, &ig->prof.flush_rules, &t);
	for (i = 0; i < ig->ncpus; i++) {
		struct cpu_state *cs = &ig->cpu[i];

		if (!cs->dirty)
			continue;
		store_hwm_put(ig->store, ig->instance_id, i, cs->next_seq,
			      cs->last_ns);
		cs->dirty = 0;
	}
	if (ig->pending_events) {
		int64_t total = store_meta_get_int(ig->store, "records_stored", 0);

		store_meta_int(ig->store, "records_stored",
			       total + (int64_t)ig->pending_events);
		if (!store_meta_get_int(ig->store, "first_record_ns", 0))
			store_meta_int(ig->store, "first_record_ns",
				       (int64_t)ig->first_record_ns);
		if ((int64_t)ig->last_record_ns >
		    store_meta_get_int(ig->store, "last_record_ns", 0))
			store_meta_int(ig->store, "last_record_ns",
				       (int64_t)ig->last_record_ns);
	}
	store_meta_int(ig->store, "last_commit_ns",
		       (int64_t)time(NULL) * NSEC_PER_SEC);
	store_commit(ig->store);
	lap(ig, &ig->prof.commit, &t);
	if (t - t0 > ig->prof.longest_commit)
		ig->prof.longest_commit = t - t0;
	ig->prof.commits++;
	ig->pending = 0;
	ig->pending_events = 0;
}

unsigned int ingest_ack_vector(struct ingest *ig, uint64_t *seq,
			       unsigned int n)
{
	unsigned int i, count = 0;

	for (i = 0; i < n; i++) {
		struct cpu_state *cs = i < ig->ncpus ? &ig->cpu[i] : NULL;

		seq[i] = ~0ULL;
		if (!cs || !cs->touched || !cs->known)
			continue;
		seq[i] = cs->next_seq;
		cs->touched = 0;
		cs->unacked_bytes = 0;
		count++;
	}
	ig->need_commit = 0;
	return count;
}
