// SPDX-License-Identifier: GPL-2.0
/*
 * daudit's eBPF sensor: reads of protected files, coalesced per open file
 * and process into sessions, each written at its end as one event that
 * the loader (userspace/ebpf/) turns into a DAUDIT_REC_FILE_READ record.
 *
 * Hooks (docs/ebpf.md says why these):
 *  - fexit on the read, pread64, readv, preadv and preadv2 system calls:
 *    the return value is the exact byte count, and the call names the
 *    read path;
 *  - fexit on sendfile64, splice and copy_file_range: the bytes the
 *    kernel moved out of the input descriptor are a read of it;
 *  - fentry on __fput, the last close of an open file: ends its sessions;
 *  - tp_btf/sched_process_exit of a thread group's last thread: ends the
 *    sessions of the process that are still open (files it shares with
 *    another process stay open after it);
 *  - tp_btf/sched_process_exec: a new program gets a new process record.
 *
 * A file is protected when its inode, or one of its first
 * SENSOR_TREE_DEPTH ancestors by d_parent, is in the map protected:
 * protection follows the object, whatever the path or mount it was
 * opened by.  The verdict is cached per struct file for the policy's
 * generation.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "kernel.h"
#include "daudit.h"
#include "sensor.h"

struct bpf_map;

#define EEXIST	17

char LICENSE[] SEC("license") = "GPL";

/* Set by the loader; a new generation invalidates every cached verdict. */
__u64 policy_gen;
/* The loader's process: its own reads are not recorded. */
__u32 self_tgid;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, SENSOR_RING_DEFAULT);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SENSOR_MAX_PROTECTED);
	__type(key, struct sensor_obj_key);
	__type(value, struct sensor_obj);
} protected SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, SENSOR_MAX_VERDICTS);
	__type(key, __u64);
	__type(value, struct sensor_verdict);
} verdicts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SENSOR_MAX_SESSIONS);
	__type(key, struct sensor_sess_key);
	__type(value, struct sensor_sess);
} sessions SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SENSOR_MAX_SESSIONS);
	__type(key, __u64);
	__type(value, struct sensor_open);
} open_files SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SENSOR_MAX_PROCS);
	__type(key, __u32);
	__type(value, struct sensor_proc);
} procs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sensor_counters);
} counters SEC(".maps");

/* Events are built here, then copied into the ring (bpf_ringbuf_output). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sensor_file_ev);
} file_scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sensor_proc_ev);
} proc_scratch SEC(".maps");

/* Session ids: the CPU in the top bits, a per-CPU count below. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} next_id SEC(".maps");

static __always_inline void count(int what, __u64 n)
{
	__u32 zero = 0;
	struct sensor_counters *c = bpf_map_lookup_elem(&counters, &zero);

	if (c && what >= 0 && what < SENSOR_C_MAX)
		c->other[what] += n;
}

static __always_inline void count_drop(unsigned int type)
{
	__u32 zero = 0;
	struct sensor_counters *c = bpf_map_lookup_elem(&counters, &zero);

	if (c && type < 16)
		c->dropped[type]++;
}

static __always_inline struct vfsmount *mount_vfs(struct mount *m)
{
	return (void *)m + bpf_core_field_offset(struct mount, mnt);
}

static __always_inline struct mount *vfs_mount(struct vfsmount *v)
{
	return (void *)v - bpf_core_field_offset(struct mount, mnt);
}

/* The scratch event whose path fill_path() writes. */
#define PATH_OF_FILE	0
#define PATH_OF_PROC	1

static __always_inline struct sensor_path *scratch_path(__u32 which)
{
	struct sensor_file_ev *fev;
	struct sensor_proc_ev *pev;
	__u32 zero = 0;

	if (which == PATH_OF_FILE) {
		fev = bpf_map_lookup_elem(&file_scratch, &zero);
		if (!fev)
			return NULL;
		/* Not before the NULL check (the verifier refuses that). */
		asm volatile("" : "+r"(fev));
		return &fev->path;
	}
	pev = bpf_map_lookup_elem(&proc_scratch, &zero);
	if (!pev)
		return NULL;
	asm volatile("" : "+r"(pev));
	return &pev->path;
}

struct walk {
	struct dentry *d;
	struct vfsmount *vmnt;
	struct mount *mnt;
	__u32 which;
	__u32 off;
	__u32 n;
	__u32 done;
};

/* One step up (bpf_loop's callback): 0 goes on, 1 stops. */
static long walk_step(__u32 i, struct walk *w)
{
	struct dentry *d = w->d;
	struct vfsmount *vmnt = w->vmnt;
	struct mount *mnt = w->mnt;
	struct dentry *parent = BPF_CORE_READ(d, d_parent);
	struct dentry *root = BPF_CORE_READ(vmnt, mnt_root);
	struct sensor_path *out;
	__u32 off = w->off;
	long len;

	if (d == root || d == parent) {
		struct mount *up = BPF_CORE_READ(mnt, mnt_parent);

		if (up == mnt || !up) {
			w->done = 1;
			return 1;
		}
		w->d = BPF_CORE_READ(mnt, mnt_mountpoint);
		w->mnt = up;
		w->vmnt = mount_vfs(up);
		return 0;
	}
	out = scratch_path(w->which);
	if (!out || off >= SENSOR_NAMES_MAX)
		return 1;
	len = bpf_probe_read_kernel_str(out->names + (off & (SENSOR_NAMES_MAX - 1)),
					SENSOR_NAME_MAX, BPF_CORE_READ(d, d_name.name));
	if (len <= 0)
		return 1;
	w->off = off + len;
	w->n++;
	w->d = parent;
	return 0;
}

/*
 * Path components of (@dentry, @vfsmount) up to the root of the mount
 * tree, leaf first, into the path of this CPU's scratch event @which:
 * at most SENSOR_PATH_DEPTH steps (bpf_loop: the verifier checks a step
 * once).  Returns the bytes used.
 */
__noinline int fill_path(__u64 dentry, __u64 vfsmount, __u32 which)
{
	struct walk w = {
		.d = (void *)dentry,
		.vmnt = (void *)vfsmount,
		.mnt = vfs_mount((void *)vfsmount),
		.which = which,
	};
	struct sensor_path *out;

	bpf_loop(SENSOR_PATH_DEPTH, walk_step, &w, 0);
	out = scratch_path(which);
	if (!out)
		return 0;
	if (!w.done)
		count(SENSOR_C_PATH_CUT, 1);
	if (w.off > SENSOR_NAMES_MAX + SENSOR_NAME_MAX)
		w.off = SENSOR_NAMES_MAX + SENSOR_NAME_MAX;
	out->names_len = w.off;
	out->ncomp = w.n;
	out->cut = !w.done;
	return w.off;
}

/* @v, at most @max, in a way the verifier sees (the compiler may not drop it). */
static __always_inline __u64 at_most(__u64 v, __u64 max)
{
	asm volatile("" : "+r"(v));
	if (v > max)
		v = max;
	asm volatile("" : "+r"(v));
	return v;
}

static __always_inline void fill_subject(struct daudit_subject *s,
					 struct task_struct *t)
{
	const struct cred *c = BPF_CORE_READ(t, real_cred);
	struct pid *pid = BPF_CORE_READ(t, thread_pid);
	struct pid_namespace *pidns = NULL;
	unsigned int level = BPF_CORE_READ(pid, level);

	s->tgid = BPF_CORE_READ(t, tgid);
	s->tid = BPF_CORE_READ(t, pid);
	s->ppid = BPF_CORE_READ(t, real_parent, tgid);
	s->uid = BPF_CORE_READ(c, uid.val);
	s->gid = BPF_CORE_READ(c, gid.val);
	s->euid = BPF_CORE_READ(c, euid.val);
	s->egid = BPF_CORE_READ(c, egid.val);
	s->fsuid = BPF_CORE_READ(c, fsuid.val);
	s->fsgid = BPF_CORE_READ(c, fsgid.val);
	/* Without CONFIG_AUDIT nobody has a login: unset, as the module says. */
	s->auid = DAUDIT_UID_UNSET;
	s->sessionid = DAUDIT_SESSION_UNSET;
	if (bpf_core_field_exists(t->loginuid)) {
		s->auid = BPF_CORE_READ(t, loginuid.val);
		s->sessionid = BPF_CORE_READ(t, sessionid);
	}
	s->reserved = 0;
	s->start_ns = BPF_CORE_READ(t, group_leader, start_time);
	s->cgroup_id = bpf_get_current_cgroup_id();
	s->mnt_ns = BPF_CORE_READ(t, nsproxy, mnt_ns, ns.inum);
	bpf_probe_read_kernel(&pidns, sizeof(pidns),
			      (void *)pid + bpf_core_field_offset(struct pid, numbers) +
			      (__u64)(level & 31) * bpf_core_type_size(struct upid) +
			      bpf_core_field_offset(struct upid, ns));
	s->pid_ns = pidns ? BPF_CORE_READ(pidns, ns.inum) : 0;
	BPF_CORE_READ_STR_INTO(&s->comm, t, comm);
}

/* The first session of a process: its executable and command line. */
static __always_inline void emit_proc(struct task_struct *t, __u32 event)
{
	__u32 zero = 0;
	struct sensor_proc_ev *ev = bpf_map_lookup_elem(&proc_scratch, &zero);
	struct mm_struct *mm;
	struct file *exe;
	unsigned long start, end, len;
	__u64 size;

	if (!ev)
		return;
	ev->type = SENSOR_EV_PROC;
	ev->cpu = bpf_get_smp_processor_id();
	ev->now_ns = bpf_ktime_get_ns();
	fill_subject(&ev->subj, t);
	ev->cmdline_len = 0;
	ev->cmdline_cut = 0;
	ev->path.names_len = 0;
	ev->path.ncomp = 0;
	ev->path.cut = 1;
	mm = BPF_CORE_READ(t, mm);
	if (mm) {
		start = BPF_CORE_READ(mm, arg_start);
		end = BPF_CORE_READ(mm, arg_end);
		len = end > start ? end - start : 0;
		if (len > SENSOR_CMDLINE_MAX) {
			len = SENSOR_CMDLINE_MAX;
			ev->cmdline_cut = 1;
		}
		if (len && !bpf_probe_read_user(ev->cmdline, len & (SENSOR_CMDLINE_MAX - 1 | SENSOR_CMDLINE_MAX),
						(void *)start))
			ev->cmdline_len = len;
		exe = BPF_CORE_READ(mm, exe_file);
		if (exe)
			fill_path((__u64)BPF_CORE_READ(exe, f_path.dentry),
				  (__u64)BPF_CORE_READ(exe, f_path.mnt), PATH_OF_PROC);
	}
	size = at_most(offsetof(struct sensor_proc_ev, path.names) +
		       (__u64)ev->path.names_len, sizeof(*ev));
	if (bpf_ringbuf_output(&events, ev, size, 0))
		count_drop(DAUDIT_REC_PROCESS);
}

/* Write the record of session @s of @file; @reason: enum daudit_end_reason. */
static __always_inline void emit_file(struct file *file, struct sensor_sess *s,
				      __u16 reason)
{
	__u32 zero = 0;
	struct sensor_file_ev *ev = bpf_map_lookup_elem(&file_scratch, &zero);
	__u64 size;

	if (!ev)
		return;
	ev->type = SENSOR_EV_FILE;
	ev->cpu = bpf_get_smp_processor_id();
	ev->now_ns = bpf_ktime_get_ns();
	ev->subj = s->subj;
	ev->session_id = s->id;
	ev->bytes = s->bytes;
	ev->calls = s->calls;
	ev->off_min = s->off_min;
	ev->off_max = s->off_max;
	ev->first_ns = s->first_ns;
	ev->last_ns = s->last_ns;
	ev->open_ns = s->open_ns;
	ev->dev = s->dev;
	ev->ino = s->ino;
	ev->paths = s->paths;
	ev->dataset = s->dataset;
	ev->reason = reason;
	fill_path((__u64)BPF_CORE_READ(file, f_path.dentry),
		  (__u64)BPF_CORE_READ(file, f_path.mnt), PATH_OF_FILE);
	size = at_most(offsetof(struct sensor_file_ev, path.names) +
		       (__u64)ev->path.names_len, sizeof(*ev));
	if (bpf_ringbuf_output(&events, ev, size, 0))
		count_drop(DAUDIT_REC_FILE_READ);
	count(SENSOR_C_SESSIONS_ENDED, 1);
}

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
	nv.dataset = classify(file, gen);
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

/* Count a read of @ret bytes of [@start, @end) in session @s. */
static __always_inline void add_read(struct sensor_sess *s, long ret, __u32 path,
				     __u64 now, __u64 start, __u64 end)
{
	__sync_fetch_and_add(&s->bytes, ret);
	__sync_fetch_and_add(&s->calls, 1);
	s->paths |= path;
	s->last_ns = now;
	if (start == DAUDIT_OFFSET_UNKNOWN)
		return;
	if (s->off_min == DAUDIT_OFFSET_UNKNOWN || start < s->off_min)
		s->off_min = start;
	if (s->off_max == DAUDIT_OFFSET_UNKNOWN || end > s->off_max)
		s->off_max = end;
}

/* on_read()'s @pos: the read used and moved the file's position; no offset known. */
#define POS_FILE	(-1LL)
#define POS_UNKNOWN	(-2LL)

/*
 * A read of @ret bytes on @fd by the current task through @path
 * (DAUDIT_PATH_*); @pos is the offset read from, POS_FILE for the file's
 * position, or POS_UNKNOWN.
 */
static __always_inline int on_read(unsigned long fd, long ret, __u32 path, long long pos)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	__u64 tgid_pid = bpf_get_current_pid_tgid();
	__u32 tgid = tgid_pid >> 32;
	struct sensor_sess_key key = {};
	struct sensor_sess *s, ns = {};
	struct sensor_open *o, no = {};
	struct sensor_proc *p, np = {};
	__u64 now, start, end;
	struct inode *inode;
	struct file *file;
	__u32 ds;
	long err;

	if (ret <= 0 || tgid == self_tgid)
		return 0;
	file = fd_file(t, fd);
	if (!file)
		return 0;
	ds = verdict(file);
	if (!ds)
		return 0;
	now = bpf_ktime_get_ns();
	inode = BPF_CORE_READ(file, f_inode);
	start = DAUDIT_OFFSET_UNKNOWN;
	end = DAUDIT_OFFSET_UNKNOWN;
	if ((BPF_CORE_READ(inode, i_mode) & S_IFMT) == S_IFREG && pos != POS_UNKNOWN) {
		/* After the read the position has moved past what it read. */
		start = pos >= 0 ? (__u64)pos : BPF_CORE_READ(file, f_pos) - ret;
		end = start + ret;
	}
	count(SENSOR_C_READS, 1);
	count(SENSOR_C_READ_BYTES, ret);

	key.file = (__u64)file;
	key.tgid = tgid;
	s = bpf_map_lookup_elem(&sessions, &key);
	if (s) {
		add_read(s, ret, path, now, start, end);
		return 0;
	}

	/* The first read of this open file by this process. */
	ns.id = new_id();
	ns.bytes = ret;
	ns.calls = 1;
	ns.off_min = start;
	ns.off_max = end;
	ns.first_ns = now;
	ns.last_ns = now;
	ns.open_ns = now;
	ns.dev = BPF_CORE_READ(inode, i_sb, s_dev);
	ns.ino = BPF_CORE_READ(inode, i_ino);
	ns.paths = path;
	ns.dataset = ds - 1;
	fill_subject(&ns.subj, t);

	p = bpf_map_lookup_elem(&procs, &tgid);
	if (!p || p->start_ns != ns.subj.start_ns) {
		emit_proc(t, DAUDIT_PROC_SEEN);
		np.start_ns = ns.subj.start_ns;
		if (bpf_map_update_elem(&procs, &tgid, &np, BPF_ANY))
			count(SENSOR_C_PROCS_FULL, 1);
		p = bpf_map_lookup_elem(&procs, &tgid);
	}

	err = bpf_map_update_elem(&sessions, &key, &ns, BPF_NOEXIST);
	if (err == -EEXIST) {
		/* Another thread of the process began it meanwhile. */
		s = bpf_map_lookup_elem(&sessions, &key);
		if (s) {
			add_read(s, ret, path, now, start, end);
			return 0;
		}
	}
	if (err) {
		/* No slot: this read gets a record of its own, now. */
		count(SENSOR_C_SESSIONS_FULL, 1);
		emit_file(file, &ns, DAUDIT_END_NOMEM);
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
		bpf_map_update_elem(&open_files, &key.file, &no, BPF_ANY);
	}
	return 0;
}

static __always_inline void end_session(struct file *file, struct sensor_sess_key *key,
					__u16 reason)
{
	struct sensor_sess *s = bpf_map_lookup_elem(&sessions, key);
	struct sensor_proc *p;

	if (!s)
		return;
	emit_file(file, s, reason);
	p = bpf_map_lookup_elem(&procs, &key->tgid);
	if (p && p->sessions)
		__sync_fetch_and_add(&p->sessions, -1);
	bpf_map_delete_elem(&sessions, key);
}

struct sweep_ctx {
	__u64 file;			/* end the sessions of this file, or */
	__u32 tgid;			/* of this process */
	__u16 reason;
};

static long sweep_one(struct bpf_map *map, struct sensor_sess_key *key,
		      struct sensor_sess *s, struct sweep_ctx *ctx)
{
	struct sensor_sess_key k = *key;
	struct sensor_open *o;

	if (ctx->file ? k.file != ctx->file : k.tgid != ctx->tgid)
		return 0;
	end_session((struct file *)k.file, &k, ctx->reason);
	if (!ctx->file) {
		o = bpf_map_lookup_elem(&open_files, &k.file);
		if (o && o->sessions > 1)
			__sync_fetch_and_add(&o->sessions, -1);
		else if (o)
			bpf_map_delete_elem(&open_files, &k.file);
	}
	return 0;
}

SEC("fexit/__x64_sys_read")
int BPF_PROG(sys_read, const struct pt_regs *regs, long ret)
{
	return on_read(BPF_CORE_READ(regs, di), ret, DAUDIT_PATH_READ, POS_FILE);
}

SEC("fexit/__x64_sys_pread64")
int BPF_PROG(sys_pread64, const struct pt_regs *regs, long ret)
{
	return on_read(BPF_CORE_READ(regs, di), ret, DAUDIT_PATH_PREAD,
		       (long long)BPF_CORE_READ(regs, r10));
}

SEC("fexit/__x64_sys_readv")
int BPF_PROG(sys_readv, const struct pt_regs *regs, long ret)
{
	return on_read(BPF_CORE_READ(regs, di), ret, DAUDIT_PATH_READV, POS_FILE);
}

SEC("fexit/__x64_sys_preadv")
int BPF_PROG(sys_preadv, const struct pt_regs *regs, long ret)
{
	return on_read(BPF_CORE_READ(regs, di), ret, DAUDIT_PATH_PREADV,
		       (long long)BPF_CORE_READ(regs, r10));
}

SEC("fexit/__x64_sys_preadv2")
int BPF_PROG(sys_preadv2, const struct pt_regs *regs, long ret)
{
	/* An offset of -1 means the file's position, as for readv. */
	return on_read(BPF_CORE_READ(regs, di), ret, DAUDIT_PATH_PREADV2,
		       (long long)BPF_CORE_READ(regs, r10));
}

/*
 * The start of what a copy read, when its offset was passed by pointer
 * (@uptr): the kernel has just stored there the offset after the bytes it
 * moved, as the module's off_ptr() reads it.  No pointer: the copy used
 * and moved the file's position.  A pointer that cannot be read without
 * faulting, or another thread's store to it during the call that leaves
 * it below @ret: POS_UNKNOWN.
 */
static __always_inline long long off_ptr(__u64 uptr, long ret)
{
	long long off;

	if (!uptr)
		return POS_FILE;
	if (ret <= 0 || bpf_probe_read_user(&off, sizeof(off), (void *)uptr))
		return POS_UNKNOWN;
	return off >= ret ? off - ret : POS_UNKNOWN;
}

/*
 * The copies inside the kernel: what they return is what they moved out
 * of the input descriptor, a read of it when it is a protected file (a
 * pipe or a socket as input is not; classify() says so).  What they
 * write is no read: a splice from a pipe into a protected file counts
 * nothing.  The copies these calls make inside the kernel (do_splice_direct)
 * pass through none of the read family's system calls: nothing is counted
 * twice.
 */

/* sendfile64(out_fd, in_fd, *offset, count): sendfile(2) on x86-64. */
SEC("fexit/__x64_sys_sendfile64")
int BPF_PROG(sys_sendfile64, const struct pt_regs *regs, long ret)
{
	return on_read(BPF_CORE_READ(regs, si), ret, DAUDIT_PATH_SENDFILE,
		       off_ptr(BPF_CORE_READ(regs, dx), ret));
}

/* splice(fd_in, *off_in, fd_out, *off_out, len, flags) */
SEC("fexit/__x64_sys_splice")
int BPF_PROG(sys_splice, const struct pt_regs *regs, long ret)
{
	return on_read(BPF_CORE_READ(regs, di), ret, DAUDIT_PATH_SPLICE,
		       off_ptr(BPF_CORE_READ(regs, si), ret));
}

/*
 * copy_file_range(fd_in, *off_in, fd_out, *off_out, len, flags).  6.12's
 * BTF knows this function only by the prototype of its COND_SYSCALL stub
 * (an argument named __unused): the same types, so the same program.
 */
SEC("fexit/__x64_sys_copy_file_range")
int BPF_PROG(sys_copy_file_range, const struct pt_regs *regs, long ret)
{
	return on_read(BPF_CORE_READ(regs, di), ret, DAUDIT_PATH_COPY_FILE_RANGE,
		       off_ptr(BPF_CORE_READ(regs, si), ret));
}

/* The last reference to an open file is going: end its sessions. */
SEC("fentry/__fput")
int BPF_PROG(file_put, struct file *file)
{
	__u64 key = (__u64)file;
	struct sensor_open *o;
	struct sensor_sess_key sk = { .file = key };
	struct sweep_ctx sw = { .file = key, .reason = DAUDIT_END_CLOSE };

	bpf_map_delete_elem(&verdicts, &key);
	o = bpf_map_lookup_elem(&open_files, &key);
	if (!o)
		return 0;
	if (o->sessions <= 1) {
		sk.tgid = o->tgid;
		end_session(file, &sk, DAUDIT_END_CLOSE);
	} else {
		bpf_for_each_map_elem(&sessions, sweep_one, &sw, 0);
	}
	bpf_map_delete_elem(&open_files, &key);
	return 0;
}

/* The last thread of a process exits (its files are still open here). */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(proc_exit, struct task_struct *t)
{
	__u32 tgid = BPF_CORE_READ(t, tgid);
	struct sensor_proc *p;
	struct sweep_ctx sw = { .tgid = tgid, .reason = DAUDIT_END_EXIT };

	if (BPF_CORE_READ(t, signal, live.counter))
		return 0;
	p = bpf_map_lookup_elem(&procs, &tgid);
	if (!p)
		return 0;
	if (p->sessions)
		bpf_for_each_map_elem(&sessions, sweep_one, &sw, 0);
	bpf_map_delete_elem(&procs, &tgid);
	return 0;
}

/* A new program: the next session says so with a new process record. */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(proc_exec, struct task_struct *t)
{
	__u32 tgid = BPF_CORE_READ(t, tgid);
	struct sensor_proc *p = bpf_map_lookup_elem(&procs, &tgid);

	if (p)
		p->start_ns = 0;
	return 0;
}
