/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Classification of an open file, and its sessions per process: a read
 * counted, a session begun or ended.
 */
#ifndef DAUDIT_BPF_SESSION_H
#define DAUDIT_BPF_SESSION_H

/* Dataset index + 1 if @file is protected now, else 0. */
static __always_inline __u32 classify(struct file *file, __u64 gen)
{
	struct dentry *d = BPF_CORE_READ(file, f_path.dentry);
	struct sensor_obj_key key = {
		.dev = BPF_CORE_READ(d, d_sb, s_dev),
		.slot = gen & 1,
	};
	int i;

	for (i = 0; i < SENSOR_TREE_DEPTH; i++) {
		struct dentry *parent = BPF_CORE_READ(d, d_parent);
		struct sensor_obj *o;

		key.ino = BPF_CORE_READ(d, d_inode, i_ino);
		o = bpf_map_lookup_elem(&protected, &key);
		if (o && (o->type == SENSOR_OBJ_TREE || i == 0))
			return o->dataset + 1;
		if (parent == d)
			break;
		d = parent;
	}
	return 0;
}

static __always_inline __u32 verdict(struct file *file)
{
	__u64 key = (__u64)file, gen = policy_gen;
	struct sensor_verdict *v = bpf_map_lookup_elem(&verdicts, &key);
	struct sensor_verdict nv = { .gen = gen };

	if (!gen)
		return 0;
	if (v && v->gen == gen)
		return v->dataset;
	/* A socket by its peer, when first judged, as the module. */
	nv.dataset = is_sock(file) ? classify_sock(file, gen) : classify(file, gen);
	bpf_map_update_elem(&verdicts, &key, &nv, BPF_ANY);
	return nv.dataset;
}

static __always_inline struct file *fd_file(struct task_struct *t, unsigned long fd)
{
	struct fdtable *fdt = BPF_CORE_READ(t, files, fdt);
	struct file **fds;
	struct file *f = NULL;

	if (!fdt || fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	fds = BPF_CORE_READ(fdt, fd);
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	return f;
}

static __always_inline __u64 new_id(void)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&next_id, &zero);

	if (!n)
		return 0;
	*n += 1;
	return ((__u64)bpf_get_smp_processor_id() << 48) | *n;
}

/* on_read()'s @pos: the read used and moved the file's position; no offset known. */
#define POS_FILE	(-1LL)
#define POS_UNKNOWN	(-2LL)
/* No read: @ret bytes of the file's pages mapped by a fault (mmap.bpf.h). */
#define POS_MAPPED	(-3LL)
/* No read: a mapping of @ret bytes of the file made (mmap.bpf.h). */
#define POS_MAPPING	(-4LL)

/*
 * Count @ret bytes in session @s: read of [@start, @end), or, by @pos,
 * mapped by a fault or a new mapping's length (neither is a read call,
 * as in the module's records).
 */
static __always_inline void add_io(struct sensor_sess *s, long ret, __u32 path,
				   long long pos, __u64 now, __u64 start, __u64 end)
{
	if (pos == POS_MAPPED) {
		__sync_fetch_and_add(&s->mmap_bytes, ret);
	} else if (pos == POS_MAPPING) {
		__sync_fetch_and_add(&s->mmap_len, ret);
	} else {
		__sync_fetch_and_add(&s->bytes, ret);
		__sync_fetch_and_add(&s->calls, 1);
	}
	s->paths |= path;
	if (!s->first_ns)
		s->first_ns = now;	/* the interval's first, after a record */
	s->last_ns = now;
	if (start == DAUDIT_OFFSET_UNKNOWN)
		return;
	if (s->off_min == DAUDIT_OFFSET_UNKNOWN || start < s->off_min)
		s->off_min = start;
	if (s->off_max == DAUDIT_OFFSET_UNKNOWN || end > s->off_max)
		s->off_max = end;
}

/*
 * What session @s's next record says, into the scratch session of @slot
 * (SCRATCH_*): its counters since its last record, and the interval
 * starts again.  Each counter is taken by subtracting atomically what
 * was read of it, so a read counted on another CPU meanwhile stays for
 * the next record: in this one or the next, never both, never neither.
 * (The BPF ISA's exchange would need -mcpu=v3, whose 32-bit code 6.1's
 * verifier bounds less well.)  Offsets, read paths and the interval's
 * start are reset plainly: a concurrent read may leave its path bit or
 * offsets out of the interval it is counted in.
 */
static __always_inline struct sensor_sess *take(struct sensor_sess *s, __u32 slot)
{
	struct sensor_sess *r = bpf_map_lookup_elem(&sess_scratch, &slot);

	if (!r)
		return NULL;
	/* A helper call: the session is 400 bytes, 50 moves per path otherwise. */
	bpf_probe_read_kernel(r, sizeof(*r), s);
	/* The next interval counts its own requests (the module's take()). */
	s->act.requests = 0;
	__sync_fetch_and_add(&s->bytes, -r->bytes);
	__sync_fetch_and_add(&s->calls, -r->calls);
	__sync_fetch_and_add(&s->mmap_bytes, -r->mmap_bytes);
	__sync_fetch_and_add(&s->mmap_len, -r->mmap_len);
	__sync_fetch_and_add(&s->part, 1);
	s->paths = 0;
	s->first_ns = 0;
	s->off_min = DAUDIT_OFFSET_UNKNOWN;
	s->off_max = DAUDIT_OFFSET_UNKNOWN;
	return r;
}

/*
 * An interim record of session @s of @file (DAUDIT_END_BYTES, _AGE) or
 * its last (DAUDIT_END_UNLOAD, and the ends below), built in @slot.
 */
static __always_inline void record(struct file *file, struct sensor_sess *s,
				   __u16 reason, __u32 slot)
{
	struct sensor_sess *r;

	/* A trusted reader's session writes none (its reads are counted). */
	if (s->trusted)
		return;
	r = take(s, slot);

	if (r)
		emit(file, r, reason, slot);
}

/*
 * A read of @ret bytes of the struct file at @filep attributed to the
 * task at @task (the current task, or for io_uring the request's
 * submitter) through @path (DAUDIT_PATH_*); @pos is the offset read from,
 * POS_FILE for the file's position, or POS_UNKNOWN; or, with
 * DAUDIT_PATH_MMAP, POS_MAPPED or POS_MAPPING: no read but pages mapped.
 *
 * A global function: the verifier checks it once, not again inside each
 * of the two dozen programs that count reads (which made every load of
 * the sensor slower); so its arguments are scalars, and everything it
 * reads of them goes through BPF_CORE_READ.
 */
__noinline int read_by(__u64 task, __u64 filep, long ret, __u32 path, long long pos)
{
	struct task_struct *t = (void *)task;
	struct file *file = (void *)filep;
	__u32 tgid = BPF_CORE_READ(t, tgid), zero = 0;
	struct sensor_sess_key key = {};
	struct sensor_sess *s, *ns;
	struct sensor_open *o, no = {};
	struct sensor_proc *p, np = {};
	struct daudit_rec_actor *snap = NULL;
	__u64 now, start, end;
	struct inode *inode;
	__u32 ds;
	long err;

	if (ret <= 0 || !file || tgid == self_tgid)
		return 0;
	ds = verdict(file);
	if (!ds)
		return 0;
	now = bpf_ktime_get_ns();
	inode = BPF_CORE_READ(file, f_inode);
	start = DAUDIT_OFFSET_UNKNOWN;
	end = DAUDIT_OFFSET_UNKNOWN;
	if ((BPF_CORE_READ(inode, i_mode) & S_IFMT) == S_IFREG && pos >= POS_FILE) {
		/* After the read the position has moved past what it read. */
		start = pos >= 0 ? (__u64)pos : BPF_CORE_READ(file, f_pos) - ret;
		end = start + ret;
	}
	/* As the module counts: read calls, and bytes read or faulted in. */
	if (pos >= POS_UNKNOWN)
		count(SENSOR_C_READS, 1);
	if (pos != POS_MAPPING)
		count(SENSOR_C_READ_BYTES, ret);

	key.file = (__u64)file;
	key.tgid = tgid;
	/* Sessions are per actor: one actor's bytes never in another's. */
	key.actor = actor_now(t, &snap);
	s = bpf_map_lookup_elem(&sessions, &key);
	if (s) {
		if (s->trusted) {
			count(SENSOR_C_TRUSTED, 1);
			return 0;
		}
		if (key.actor && snap)
			note_actor(&s->act, snap);
		add_io(s, ret, path, pos, now, start, end);
		/* As the module's flush_bytes: an interim record. */
		if (flush_bytes && s->bytes + s->mmap_bytes >= flush_bytes)
			record(file, s, DAUDIT_END_BYTES, SCRATCH_HOOK);
		return 0;
	}

	/* The first read of this open file by this process. */
	/*
	 * Built in a per-CPU map, not on the stack: the stack of a program
	 * with its calls (fill_path, its bpf_loop step) is at most 512 bytes.
	 */
	ns = bpf_map_lookup_elem(&sess_scratch, &zero);
	if (!ns)
		return 0;
	__builtin_memset(ns, 0, sizeof(*ns));
	ns->id = new_id();
	ns->off_min = DAUDIT_OFFSET_UNKNOWN;
	ns->off_max = DAUDIT_OFFSET_UNKNOWN;
	add_io(ns, ret, path, pos, now, start, end);
	ns->first_ns = now;
	ns->open_ns = now;
	ns->dev = BPF_CORE_READ(inode, i_sb, s_dev);
	ns->ino = BPF_CORE_READ(inode, i_ino);
	ns->dataset = ds - 1;
	fill_subject(&ns->subj, t);
	ns->act_key = key.actor;
	if (key.actor && snap)
		note_actor(&ns->act, snap);
	/* Judged once, when the session starts, as the module does. */
	ns->trusted = trusted_reader(t, ds - 1, policy_gen);
	if (ns->trusted)
		count(SENSOR_C_TRUSTED, 1);

	p = bpf_map_lookup_elem(&procs, &tgid);
	if (!p || p->start_ns != ns->subj.start_ns) {
		emit_proc(t, DAUDIT_PROC_SEEN);
		np.start_ns = ns->subj.start_ns;
		if (bpf_map_update_elem(&procs, &tgid, &np, BPF_ANY))
			count(SENSOR_C_PROCS_FULL, 1);
		p = bpf_map_lookup_elem(&procs, &tgid);
	}

	err = bpf_map_update_elem(&sessions, &key, ns, BPF_NOEXIST);
	if (err == -EEXIST) {
		/* Another thread of the process began it meanwhile. */
		s = bpf_map_lookup_elem(&sessions, &key);
		if (s) {
			if (s->trusted)
				return 0;
			if (key.actor && snap)
				note_actor(&s->act, snap);
			add_io(s, ret, path, pos, now, start, end);
			return 0;
		}
	}
	if (err) {
		/* No slot: this read gets a record of its own, now. */
		count(SENSOR_C_SESSIONS_FULL, 1);
		if (!ns->trusted)
			emit(file, ns, DAUDIT_END_NOMEM, SCRATCH_HOOK);
		return 0;
	}
	if (p)
		__sync_fetch_and_add(&p->sessions, 1);
	o = bpf_map_lookup_elem(&open_files, &key.file);
	if (o) {
		__sync_fetch_and_add(&o->sessions, 1);
	} else {
		no.sessions = 1;
		no.tgid = tgid;
		no.actor = key.actor;
		bpf_map_update_elem(&open_files, &key.file, &no, BPF_ANY);
	}
	return 0;
}

/* End session @key of @file with its last record: 0 if there was none. */
static __always_inline int end_session(struct file *file, struct sensor_sess_key *key,
				       __u16 reason)
{
	struct sensor_sess *s = bpf_map_lookup_elem(&sessions, key);
	struct sensor_proc *p;

	if (!s)
		return 0;
	record(file, s, reason, SCRATCH_HOOK);
	p = bpf_map_lookup_elem(&procs, &key->tgid);
	if (p && p->sessions)
		__sync_fetch_and_add(&p->sessions, -1);
	bpf_map_delete_elem(&sessions, key);
	return 1;
}

/*
 * End the sessions of file key.file (@by_file), or of process key.tgid.
 * The caller's key is here too, for the one session it may end itself:
 * one struct on its stack, not two (file_put()'s calls are at the
 * verifier's 512-byte bound).
 */
struct sweep_ctx {
	struct sensor_sess_key key;
	__u16 reason;
	__u16 by_file;
};

static long sweep_one(struct bpf_map *map, struct sensor_sess_key *key,
		      struct sensor_sess *s, struct sweep_ctx *ctx)
{
	/*
	 * The element's own key, not a copy (the stack bound above): what is
	 * used of it after its deletion is read before.
	 */
	__u64 file = key->file;
	struct sensor_open *o;

	if (ctx->by_file ? file != ctx->key.file : key->tgid != ctx->key.tgid)
		return 0;
	end_session((struct file *)file, key, ctx->reason);
	if (!ctx->by_file) {
		o = bpf_map_lookup_elem(&open_files, &file);
		if (o && o->sessions > 1)
			__sync_fetch_and_add(&o->sessions, -1);
		else if (o)
			bpf_map_delete_elem(&open_files, &file);
	}
	return 0;
}

#endif
