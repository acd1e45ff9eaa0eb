// SPDX-License-Identifier: GPL-2.0
/*
 * Ring buffer events into records of module/uapi/daudit.h, as daudit.ko
 * writes them: the same structures, 8-byte aligned, with a sequence
 * number per CPU, CLOCK_REALTIME times, and a DAUDIT_REC_LOST record
 * before the next record of a CPU whose events did not fit in the ring
 * (the programs count them per CPU and per kind), leaving exactly that
 * gap in the CPU's sequence.  Every record built is checked with
 * rec_check() before it is handed out.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "daudit.bpf.skel.h"
#include "record.h"
#include "sensor_int.h"
#include "util.h"

#include "../../bpf/sensor.h"

#define ALIGN8(n)	(((n) + 7) & ~(size_t)7)

/* CLOCK_REALTIME - CLOCK_MONOTONIC now: the programs read the latter. */
static int64_t realtime_offset(void)
{
	struct timespec r, m;

	clock_gettime(CLOCK_MONOTONIC, &m);
	clock_gettime(CLOCK_REALTIME, &r);
	return ((int64_t)r.tv_sec - m.tv_sec) * 1000000000LL +
	       (r.tv_nsec - m.tv_nsec);
}

static uint64_t realtime(uint64_t mono_ns)
{
	return mono_ns ? (uint64_t)((int64_t)mono_ns + realtime_offset()) : 0;
}

void *sensor_rec_new(struct sensor *s, size_t size, uint16_t type,
		     unsigned int cpu, uint64_t mono_ns)
{
	struct daudit_rec_header *h;
	struct timespec now;

	size = ALIGN8(size);
	if (s->qcap - s->qlen < size) {
		s->qcap = s->qlen + size > 2 * s->qcap ? s->qlen + size :
			  2 * s->qcap;
		s->q = util_xrealloc(s->q, s->qcap);
	}
	h = (void *)(s->q + s->qlen);
	memset(h, 0, size);
	h->size = (uint32_t)size;
	h->type = type;
	if (cpu >= s->ncpus)
		cpu = 0;
	h->cpu = (uint16_t)cpu;
	h->seq = s->cpu[cpu].seq++;
	if (mono_ns) {
		h->time_ns = realtime(mono_ns);
	} else {
		clock_gettime(CLOCK_REALTIME, &now);
		h->time_ns = (uint64_t)now.tv_sec * 1000000000ULL +
			     (uint64_t)now.tv_nsec;
	}
	s->qlen += size;
	s->records++;
	return h;
}

/*
 * The path of an event: its components come leaf first, NUL-terminated;
 * the path is "/" and them in reverse.  Returns its length (< DAUDIT_PATH_MAX).
 */
static size_t join_path(const char *names, size_t len, unsigned int ncomp,
			char *out)
{
	const char *comp[SENSOR_PATH_DEPTH];
	size_t off = 0, o = 0;
	unsigned int n = 0;
	int i;

	while (off < len && n < ncomp && n < SENSOR_PATH_DEPTH) {
		const char *end = memchr(names + off, '\0', len - off);

		if (!end)
			break;
		comp[n++] = names + off;
		off = (size_t)(end - names) + 1;
	}
	for (i = (int)n - 1; i >= 0; i--) {
		size_t l = strlen(comp[i]);

		if (o + 1 + l >= DAUDIT_PATH_MAX)
			break;
		out[o++] = '/';
		memcpy(out + o, comp[i], l);
		o += l;
	}
	if (!o)
		out[o++] = '/';
	out[o] = '\0';
	return o;
}

static void check(struct sensor *s, size_t at)
{
	const struct daudit_rec_header *h = (const void *)(s->q + at);
	const char *why;

	if (rec_check(h, s->qlen - at, &why) < 0) {
		util_err("eBPF sensor: built a bad %s record (%s); dropped",
			 rec_type_name(h->type), why);
		s->qlen = at;
	}
}

/*
 * A session's last record: at close, exit, no room, or dauditd's stop;
 * the others (bytes, age) are interim.
 */
static uint8_t end_is_final(uint16_t reason)
{
	return reason == DAUDIT_END_CLOSE || reason == DAUDIT_END_EXIT ||
	       reason == DAUDIT_END_NOMEM || reason == DAUDIT_END_UNLOAD;
}

/* A record of @size bytes, and its actor block after its strings. */
static size_t with_actor(size_t size, uint64_t act_key)
{
	return act_key ? ALIGN8(size) + sizeof(struct daudit_rec_actor) : size;
}

/* The actor block fills the last bytes of the record (uapi/daudit.h). */
static void put_actor(struct daudit_rec_header *h, uint64_t act_key,
		      const struct daudit_rec_actor *act)
{
	if (!act_key)
		return;
	h->flags |= DAUDIT_REC_F_ACTOR;
	memcpy((char *)h + h->size - sizeof(*act), act, sizeof(*act));
}

static void file_event(struct sensor *s, const struct sensor_file_ev *ev)
{
	char path[DAUDIT_PATH_MAX];
	size_t plen, at = s->qlen;
	struct daudit_rec_file *r;

	plen = join_path(ev->path.names, ev->path.names_len, ev->path.ncomp, path);
	r = sensor_rec_new(s, with_actor(sizeof(*r) + plen + 1, ev->act_key),
			   DAUDIT_REC_FILE_READ, ev->cpu, ev->now_ns);
	r->subj = ev->subj;
	r->session_id = ev->session_id;
	r->bytes = ev->bytes;
	r->calls = ev->calls;
	r->mmap_bytes = ev->mmap_bytes;
	r->mmap_len = ev->mmap_len;
	r->off_min = ev->off_min;
	r->off_max = ev->off_max;
	r->first_ns = realtime(ev->first_ns);
	r->last_ns = realtime(ev->last_ns);
	r->open_ns = realtime(ev->open_ns);
	/* The kernel's MKDEV into st_dev's encoding, as the module reports. */
	r->dev = makedev((unsigned int)(ev->dev >> 20),
			 (unsigned int)(ev->dev & 0xfffff));
	r->ino = ev->ino;
	r->paths = ev->paths;
	r->reason = ev->reason;
	r->final = end_is_final(ev->reason);
	r->part = ev->part;
	r->path_len = (uint16_t)plen;
	if (ev->dataset < s->n_datasets)
		memcpy(r->dataset, s->datasets[ev->dataset], DAUDIT_NAME_MAX);
	r->dataset[DAUDIT_NAME_MAX - 1] = '\0';
	memcpy(r->path, path, plen + 1);
	put_actor(&r->hdr, ev->act_key, &ev->act);
	check(s, at);
}

/* As the module's fill_sock(): both ends as judged, the unix path matched. */
static void sock_event(struct sensor *s, const struct sensor_sock_ev *ev)
{
	const struct sensor_sockinfo *si = &ev->si;
	size_t plen = si->path_len, at = s->qlen;
	struct daudit_rec_sock *r;

	if (plen > SENSOR_UNIX_PATH)
		plen = SENSOR_UNIX_PATH;
	r = sensor_rec_new(s, with_actor(sizeof(*r) + plen + 1, ev->act_key),
			   DAUDIT_REC_SOCK_READ, ev->cpu, ev->now_ns);
	r->subj = ev->subj;
	r->session_id = ev->session_id;
	r->bytes = ev->bytes;
	r->calls = ev->calls;
	r->first_ns = realtime(ev->first_ns);
	r->last_ns = realtime(ev->last_ns);
	r->open_ns = realtime(ev->open_ns);
	r->paths = ev->paths;
	r->reason = ev->reason;
	r->final = end_is_final(ev->reason);
	r->family = si->family;
	r->protocol = si->protocol;
	r->sock_type = si->type;
	r->part = ev->part;
	r->local_port = si->local_port;
	r->peer_port = si->peer_port;
	r->peer_pid = si->peer_pid;
	r->peer_uid = si->peer_uid;
	memcpy(r->local_addr, si->local_addr, sizeof(r->local_addr));
	memcpy(r->peer_addr, si->peer_addr, sizeof(r->peer_addr));
	if (ev->dataset < s->n_datasets)
		memcpy(r->dataset, s->datasets[ev->dataset], DAUDIT_NAME_MAX);
	r->dataset[DAUDIT_NAME_MAX - 1] = '\0';
	r->path_len = (uint16_t)plen;
	memcpy(r->path, si->path, plen);
	r->path[plen] = '\0';
	put_actor(&r->hdr, ev->act_key, &ev->act);
	check(s, at);
}

size_t sensor_join_path(const struct sensor_path *p, char *out)
{
	size_t len = p->names_len;

	if (len > sizeof(p->names))
		len = sizeof(p->names);
	if (!p->ncomp && p->cut) {
		out[0] = '\0';
		return 0;
	}
	return join_path(p->names, len, p->ncomp, out);
}

void sensor_alert(struct sensor *s, const struct daudit_subject *subj,
		  uint32_t kind, uint64_t dev, uint64_t ino, const char *path,
		  const char *path2)
{
	size_t l1 = strlen(path), l2 = strlen(path2), at = s->qlen;
	struct daudit_rec_alert *r;

	if (l1 >= DAUDIT_PATH_MAX)
		l1 = DAUDIT_PATH_MAX - 1;
	if (l2 >= DAUDIT_PATH_MAX)
		l2 = DAUDIT_PATH_MAX - 1;
	r = sensor_rec_new(s, sizeof(*r) + l1 + 1 + l2 + 1, DAUDIT_REC_ALERT,
			   0, 0);
	r->subj = *subj;
	r->kind = kind;
	r->path_len = (uint16_t)l1;
	r->path2_len = (uint16_t)l2;
	r->dev = dev;
	r->ino = ino;
	memcpy(r->paths, path, l1);
	memcpy(r->paths + l1 + 1, path2, l2);
	check(s, at);
}

static void proc_event(struct sensor *s, const struct sensor_proc_ev *ev)
{
	char exe[DAUDIT_PATH_MAX];
	size_t elen, clen = ev->cmdline_len, at = s->qlen;
	struct daudit_rec_process *r;
	int cut = ev->cmdline_cut;

	elen = ev->path.ncomp || !ev->path.cut ?
	       join_path(ev->path.names, ev->path.names_len, ev->path.ncomp, exe) : 0;
	exe[elen] = '\0';
	if (clen > SENSOR_CMDLINE_MAX)
		clen = SENSOR_CMDLINE_MAX;
	/* Each argument ends with a NUL; the last one's ends the record. */
	if (clen && ev->cmdline[clen - 1] == '\0')
		clen--;
	else if (clen)
		cut = 1;
	r = sensor_rec_new(s, sizeof(*r) + elen + 1 + (clen ? clen + 1 : 0),
			   DAUDIT_REC_PROCESS, ev->cpu, ev->now_ns);
	if (cut && clen)
		r->hdr.flags |= DAUDIT_REC_F_CMDLINE_CUT;
	r->subj = ev->subj;
	r->event = DAUDIT_PROC_SEEN;
	r->exe_len = (uint16_t)elen;
	r->cmdline_len = (uint16_t)clen;
	memcpy(r->exe, exe, elen + 1);
	if (clen)
		memcpy(r->exe + elen + 1, ev->cmdline, clen);
	check(s, at);
}

/*
 * Copy an event of @len bytes into @ev (@size bytes) and trust no more of
 * its path than the bytes that came: 0, or -1 if it is too short.
 */
static int take(void *ev, size_t size, struct sensor_path *path,
		const void *data, size_t len)
{
	size_t names = (size_t)((char *)path->names - (char *)ev);

	if (len < names)
		return -1;
	memset(ev, 0, size);
	memcpy(ev, data, len < size ? len : size);
	if (path->names_len > len - names)
		path->names_len = (uint16_t)(len - names);
	return 0;
}

int sensor_on_event(void *ctx, void *data, size_t len)
{
	static struct sensor_file_ev fev;
	static struct sensor_proc_ev pev;
	static struct sensor_sock_ev sev;
	struct sensor *s = ctx;
	const uint32_t *type = data;

	if (len < sizeof(*type))
		return 0;
	if (*type == SENSOR_EV_FILE &&
	    !take(&fev, sizeof(fev), &fev.path, data, len))
		file_event(s, &fev);
	else if (*type == SENSOR_EV_PROC &&
		 !take(&pev, sizeof(pev), &pev.path, data, len))
		proc_event(s, &pev);
	else if (*type == SENSOR_EV_SOCK && len >= sizeof(sev)) {
		memcpy(&sev, data, sizeof(sev));
		sock_event(s, &sev);
	}
	/*
	 * Stop while the next record would still fit the read: all that is
	 * queued goes out in this read, so none waits in this process
	 * unseen by epoll (which watches the ring).  The rest stays in the
	 * ring.
	 */
	return s->qlen - s->qoff >= s->fill ? -EAGAIN : 0;
}

/* The per-CPU drop counters: a LOST record for each CPU that dropped. */
static void report_drops(struct sensor *s)
{
	struct sensor_counters *c;
	unsigned int cpu, t;
	uint32_t zero = 0;

	c = util_xcalloc(s->ncpus, sizeof(*c));
	if (bpf_map_lookup_elem(bpf_map__fd(s->skel->maps.counters), &zero, c) < 0) {
		free(c);
		return;
	}
	for (cpu = 0; cpu < s->ncpus; cpu++) {
		struct sensor_cpu *sc = &s->cpu[cpu];
		uint64_t by_type[DAUDIT_REC_TYPE_MAX], n = 0;
		struct daudit_rec_lost *l;

		for (t = 0; t < DAUDIT_REC_TYPE_MAX; t++) {
			by_type[t] = c[cpu].dropped[t] - sc->dropped[t];
			sc->dropped[t] = c[cpu].dropped[t];
			n += by_type[t];
		}
		if (!n)
			continue;
		/* The lost records took [seq, seq + n); the report the last. */
		sc->seq += n - 1;
		l = sensor_rec_new(s, sizeof(*l), DAUDIT_REC_LOST, cpu, 0);
		l->first_seq = l->hdr.seq - (n - 1);
		l->count = n;
		memcpy(l->by_type, by_type, sizeof(l->by_type));
	}
	free(c);
}

ssize_t sensor_read(struct sensor *s, void *buf, size_t len)
{
	size_t n = 0;
	int e;

	/* Registrations first: a refusal's record goes out with this read. */
	sensor_actor_serve(s);
	if (s->qoff == s->qlen) {
		size_t lost = s->ncpus * sizeof(struct daudit_rec_lost);

		s->qoff = s->qlen = 0;
		/* Room for one more record and every CPU's LOST record. */
		s->fill = len > lost + 2 * DAUDIT_RECORD_MAX ?
			  len - lost - DAUDIT_RECORD_MAX : 1;
		e = ring_buffer__consume(s->rb);
		if (e < 0 && e != -EAGAIN) {
			errno = -e;
			return -1;
		}
		report_drops(s);
	}
	while (s->qoff + n < s->qlen) {
		const struct daudit_rec_header *h = (const void *)(s->q + s->qoff + n);

		if (n + h->size > len)
			break;
		n += h->size;
	}
	memcpy(buf, s->q + s->qoff, n);
	s->qoff += n;
	return (ssize_t)n;
}

/* Read a small /proc/self file as a number; @dflt if it cannot be. */
static uint64_t proc_self_num(const char *name, uint64_t dflt)
{
	char path[64], buf[32];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return dflt;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return dflt;
	buf[n] = '\0';
	return strtoull(buf, NULL, 10);
}

void sensor_self_subject(struct daudit_subject *subj)
{
	uid_t r, e, sv;
	gid_t gr, ge, gs;
	FILE *f;

	memset(subj, 0, sizeof(*subj));
	subj->tgid = (uint32_t)getpid();
	subj->tid = (uint32_t)gettid();
	subj->ppid = (uint32_t)getppid();
	getresuid(&r, &e, &sv);
	getresgid(&gr, &ge, &gs);
	subj->uid = r;
	subj->euid = e;
	subj->fsuid = e;
	subj->gid = gr;
	subj->egid = ge;
	subj->fsgid = ge;
	subj->auid = (uint32_t)proc_self_num("loginuid", DAUDIT_UID_UNSET);
	subj->sessionid = (uint32_t)proc_self_num("sessionid",
						  DAUDIT_SESSION_UNSET);
	f = fopen("/proc/self/comm", "re");
	if (f) {
		if (fgets(subj->comm, sizeof(subj->comm), f))
			subj->comm[strcspn(subj->comm, "\n")] = '\0';
		fclose(f);
	}
}

void sensor_get_stats(struct sensor *s, struct sensor_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->policy_generation = s->generation;
	st->policy_datasets = s->n_datasets;
	st->policy_sources = s->n_sources;
	st->protected_objects = s->n_objects;
	st->ncpus = s->ncpus;
	st->records = s->records;
}

int sensor_get_counts(const struct sensor *s, struct sensor_counts *n)
{
	struct sensor_counters *c;
	unsigned int cpu, t;
	uint32_t zero = 0;
	uint64_t gone = 0;
	int rc, e;

	memset(n, 0, sizeof(*n));
	c = util_xcalloc(s->ncpus, sizeof(*c));
	rc = bpf_map_lookup_elem(bpf_map__fd(s->skel->maps.counters), &zero, c);
	e = errno;
	for (cpu = 0; !rc && cpu < s->ncpus; cpu++) {
		const __u64 *o = c[cpu].other;

		for (t = 0; t < DAUDIT_REC_TYPE_MAX; t++)
			n->dropped += c[cpu].dropped[t];
		n->reads += o[SENSOR_C_READS];
		n->read_bytes += o[SENSOR_C_READ_BYTES];
		n->sessions_ended += o[SENSOR_C_SESSIONS_ENDED];
		n->sessions_full += o[SENSOR_C_SESSIONS_FULL];
		n->procs_full += o[SENSOR_C_PROCS_FULL];
		n->socks_full += o[SENSOR_C_SOCKS_FULL];
		n->paths_cut += o[SENSOR_C_PATH_CUT];
		n->uring_missed += o[SENSOR_C_URING_MISSED];
		n->aio_missed += o[SENSOR_C_AIO_MISSED];
		n->clones_full += o[SENSOR_C_CLONES_FULL];
		gone += o[SENSOR_C_ACTORS_GONE];
		n->trusted_reads += o[SENSOR_C_TRUSTED];
	}
	n->trust_off = !s->skel->bss->trust_on || s->skel->bss->taint_full;
	sensor_actor_counts(s, gone, &n->actor_threads, &n->actor_refused);
	free(c);
	errno = e;
	return rc ? -1 : 0;
}
