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
#define AF_UNIX		1
#define AF_INET		2
#define AF_INET6	10
#define IPPROTO_TCP	6
#define IPPROTO_UDP	17

char LICENSE[] SEC("license") = "GPL";

/* Set by the loader; a new generation invalidates every cached verdict. */
__u64 policy_gen;
/* The loader's process: its own reads are not recorded. */
__u32 self_tgid;
/* Entries of nets used in each policy slot. */
__u32 n_nets[2];

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

/* Protected TCP and UDP endpoints, in the policy's order, per slot. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2 * SENSOR_MAX_NETS);
	__type(key, __u32);
	__type(value, struct sensor_net);
} nets SEC(".maps");

/* Protected unix sockets, by the path their server is bound to. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2 * SENSOR_MAX_UNIX);
	__type(key, struct sensor_unix_key);
	__type(value, struct sensor_obj);
} unixes SEC(".maps");

/* Both ends of each protected socket, as judged (the module's fe->sock). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SENSOR_MAX_SESSIONS);
	__type(key, __u64);
	__type(value, struct sensor_sockinfo);
} socks SEC(".maps");

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

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sensor_sock_ev);
} sock_scratch SEC(".maps");

/* A socket being judged, and the unix path looked up for it. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sensor_sockinfo);
} judge_scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sensor_unix_key);
} unix_scratch SEC(".maps");

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

/* The fields of session @s every session event has, named alike in each. */
#define EV_COMMON(ev, evtype, s, why) do {			\
	(ev)->type = (evtype);					\
	(ev)->cpu = bpf_get_smp_processor_id();			\
	(ev)->now_ns = bpf_ktime_get_ns();			\
	(ev)->subj = (s)->subj;					\
	(ev)->session_id = (s)->id;				\
	(ev)->bytes = (s)->bytes;				\
	(ev)->calls = (s)->calls;				\
	(ev)->first_ns = (s)->first_ns;				\
	(ev)->last_ns = (s)->last_ns;				\
	(ev)->open_ns = (s)->open_ns;				\
	(ev)->paths = (s)->paths;				\
	(ev)->dataset = (s)->dataset;				\
	(ev)->reason = (why);					\
} while (0)

/* Write the record of session @s of @file; @reason: enum daudit_end_reason. */
static __always_inline void emit_file(struct file *file, struct sensor_sess *s,
				      __u16 reason)
{
	__u32 zero = 0;
	struct sensor_file_ev *ev = bpf_map_lookup_elem(&file_scratch, &zero);
	__u64 size;

	if (!ev)
		return;
	EV_COMMON(ev, SENSOR_EV_FILE, s, reason);
	ev->off_min = s->off_min;
	ev->off_max = s->off_max;
	ev->dev = s->dev;
	ev->ino = s->ino;
	fill_path((__u64)BPF_CORE_READ(file, f_path.dentry),
		  (__u64)BPF_CORE_READ(file, f_path.mnt), PATH_OF_FILE);
	size = at_most(offsetof(struct sensor_file_ev, path.names) +
		       (__u64)ev->path.names_len, sizeof(*ev));
	if (bpf_ringbuf_output(&events, ev, size, 0))
		count_drop(DAUDIT_REC_FILE_READ);
	count(SENSOR_C_SESSIONS_ENDED, 1);
}

/* The unix socket's peer: the path it is bound to, the peer's pid and uid. */
static __always_inline void describe_unix(struct sock *sk, struct sensor_sockinfo *si)
{
	struct sock *peer = BPF_CORE_READ((struct unix_sock *)sk, peer);
	struct unix_address *addr;
	struct pid *pid;
	const struct cred *cred;
	__u64 *w = (__u64 *)si->path;
	long len;
	char c = 0;
	int i;

	if (!peer)
		return;
	si->connected = 1;
	addr = BPF_CORE_READ((struct unix_sock *)peer, addr);
	if (addr && BPF_CORE_READ(addr, len) >
		    (int)bpf_core_field_offset(struct sockaddr_un, sun_path)) {
		const char *name = (void *)addr +
			bpf_core_field_offset(struct unix_address, name) +
			bpf_core_field_offset(struct sockaddr_un, sun_path);

		/*
		 * A path name only: an abstract one (a NUL first) never
		 * matches a policy's path, so its record is never written.
		 */
		bpf_probe_read_kernel(&c, 1, name);
		if (c) {
			for (i = 0; i < (int)(sizeof(si->path) / 8); i++)
				w[i] = 0;
			len = bpf_probe_read_kernel_str(si->path, SENSOR_UNIX_PATH + 1, name);
			si->path_len = len > 1 ? len - 1 : 0;
		}
	}
	pid = BPF_CORE_READ(sk, sk_peer_pid);
	if (pid)
		si->peer_pid = BPF_CORE_READ(pid, numbers[0].nr);
	cred = BPF_CORE_READ(sk, sk_peer_cred);
	if (cred)
		si->peer_uid = BPF_CORE_READ(cred, euid.val);
}

static __always_inline __u16 ntohs16(__u16 v)
{
	return __builtin_bswap16(v);
}

/*
 * Both ends of the socket behind @file into @si, as the module's
 * daudit_sock_describe(): 0 if it is no unix, IPv4 or IPv6 socket.
 */
static __always_inline int describe(struct file *file, struct sensor_sockinfo *si)
{
	struct socket *sock = BPF_CORE_READ(file, private_data);
	struct sock *sk = BPF_CORE_READ(sock, sk);
	struct in6_addr d, l;
	int i;

	if (!sk)
		return 0;
	si->family = BPF_CORE_READ(sk, __sk_common.skc_family);
	si->type = BPF_CORE_READ(sk, sk_type);
	si->protocol = 0;
	si->local_port = 0;
	si->peer_port = 0;
	for (i = 0; i < 4; i++) {
		si->local_addr[i] = 0;
		si->peer_addr[i] = 0;
	}
	si->connected = 0;
	si->peer_pid = 0;
	si->peer_uid = DAUDIT_UID_UNSET;
	si->path_len = 0;
	si->path[0] = 0;
	if (si->family == AF_UNIX) {
		describe_unix(sk, si);
		return 1;
	}
	if (si->family != AF_INET && si->family != AF_INET6)
		return 0;
	si->protocol = BPF_CORE_READ(sk, sk_protocol);
	si->peer_port = ntohs16(BPF_CORE_READ(sk, __sk_common.skc_dport));
	si->local_port = ntohs16(BPF_CORE_READ((struct inet_sock *)sk, inet_sport));
	if (si->family == AF_INET) {
		si->peer_addr[0] = BPF_CORE_READ(sk, __sk_common.skc_daddr);
		si->local_addr[0] = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
		si->connected = si->peer_addr[0] || si->peer_port;
		return 1;
	}
	bpf_core_read(&d, sizeof(d), &sk->__sk_common.skc_v6_daddr);
	bpf_core_read(&l, sizeof(l), &sk->__sk_common.skc_v6_rcv_saddr);
	/* An IPv4 peer reached through an IPv6 socket is an IPv4 peer. */
	if (!d.w[0] && !d.w[1] && d.w[2] == __builtin_bswap32(0xffff)) {
		si->family = AF_INET;
		si->peer_addr[0] = d.w[3];
		si->local_addr[0] = l.w[3];
	} else {
		for (i = 0; i < 4; i++) {
			si->peer_addr[i] = d.w[i];
			si->local_addr[i] = l.w[i];
		}
	}
	si->connected = d.w[0] || d.w[1] || d.w[2] || d.w[3] || si->peer_port;
	return 1;
}

struct net_match {
	__u32 addr[4];
	__u32 base;			/* slot * SENSOR_MAX_NETS */
	__u32 n;			/* entries used in the slot */
	__u32 dataset;			/* index + 1 once matched */
	__u16 family;
	__u16 port;
	__u8 protocol;
};

/* One protected endpoint (bpf_loop's callback): 1 stops at a match. */
static long net_step(__u32 i, struct net_match *m)
{
	__u32 key = m->base + i;
	struct sensor_net *n;
	int w;

	if (i >= m->n)
		return 1;
	n = bpf_map_lookup_elem(&nets, &key);
	if (!n || n->protocol != m->protocol || n->family != m->family ||
	    m->port < n->port_lo || m->port > n->port_hi)
		return 0;
	for (w = 0; w < 4; w++)
		if ((m->addr[w] & n->mask[w]) != n->addr[w])
			return 0;
	m->dataset = n->dataset + 1;
	return 1;
}

/*
 * Dataset index + 1 if the socket behind @file has a protected peer now,
 * as the module's daudit_sock_classify(); its description is then kept
 * in socks for its records.
 */
static __always_inline __u32 classify_sock(struct file *file, __u64 gen)
{
	__u32 zero = 0, slot = gen & 1;
	struct sensor_sockinfo *si = bpf_map_lookup_elem(&judge_scratch, &zero);
	struct sensor_unix_key *uk = bpf_map_lookup_elem(&unix_scratch, &zero);
	struct net_match m = {};
	struct sensor_obj *o;
	__u64 key = (__u64)file;
	int i;

	if (!si || !uk || !describe(file, si) || !si->connected)
		return 0;
	if (si->family == AF_UNIX) {
		if (!si->path_len || si->path[0] != '/')
			return 0;
		uk->slot = slot;
		for (i = 0; i < (int)(sizeof(uk->path) / 8); i++)
			((__u64 *)uk->path)[i] = ((__u64 *)si->path)[i];
		o = bpf_map_lookup_elem(&unixes, uk);
		m.dataset = o ? o->dataset + 1 : 0;
	} else {
		if (si->protocol != IPPROTO_TCP && si->protocol != IPPROTO_UDP)
			return 0;
		for (i = 0; i < 4; i++)
			m.addr[i] = si->peer_addr[i];
		m.base = slot * SENSOR_MAX_NETS;
		m.n = n_nets[slot & 1];
		m.family = si->family;
		m.port = si->peer_port;
		m.protocol = si->protocol;
		if (m.n)
			bpf_loop(SENSOR_MAX_NETS, net_step, &m, 0);
	}
	if (m.dataset && bpf_map_update_elem(&socks, &key, si, BPF_ANY))
		count(SENSOR_C_SOCKS_FULL, 1);
	return m.dataset;
}

static __always_inline int is_sock(struct file *file)
{
	return (BPF_CORE_READ(file, f_inode, i_mode) & S_IFMT) == S_IFSOCK;
}

/* Write the record of socket session @s of @file, as emit_file(). */
static __always_inline void emit_sock(struct file *file, struct sensor_sess *s,
				      __u16 reason)
{
	__u32 zero = 0;
	struct sensor_sock_ev *ev = bpf_map_lookup_elem(&sock_scratch, &zero);
	__u64 key = (__u64)file;
	struct sensor_sockinfo *si;

	if (!ev)
		return;
	EV_COMMON(ev, SENSOR_EV_SOCK, s, reason);
	si = bpf_map_lookup_elem(&socks, &key);
	if (si)
		ev->si = *si;
	else
		describe(file, &ev->si);	/* socks was full: as it is now */
	if (bpf_ringbuf_output(&events, ev, sizeof(*ev), 0))
		count_drop(DAUDIT_REC_SOCK_READ);
	count(SENSOR_C_SESSIONS_ENDED, 1);
}

/* A session's record: a socket's or a file's. */
static __always_inline void emit(struct file *file, struct sensor_sess *s, __u16 reason)
{
	if (is_sock(file))
		emit_sock(file, s, reason);
	else
		emit_file(file, s, reason);
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
		emit(file, &ns, DAUDIT_END_NOMEM);
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
	emit(file, s, reason);
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

/*
 * The receive calls on a socket (read and readv on one are counted above,
 * splice from one with the copies): what they return is what they read,
 * with the module's read paths.  recv(2) is recvfrom(2) on x86-64.
 */
SEC("fexit/__x64_sys_recvfrom")
int BPF_PROG(sys_recvfrom, const struct pt_regs *regs, long ret)
{
	return on_read(BPF_CORE_READ(regs, di), ret, DAUDIT_PATH_RECV, POS_UNKNOWN);
}

SEC("fexit/__x64_sys_recvmsg")
int BPF_PROG(sys_recvmsg, const struct pt_regs *regs, long ret)
{
	return on_read(BPF_CORE_READ(regs, di), ret, DAUDIT_PATH_RECVMSG, POS_UNKNOWN);
}

/* struct mmsghdr on x86-64: a struct user_msghdr (56 bytes), msg_len. */
#define MMSG_SIZE	64
#define MMSG_LEN_OFF	56

struct mmsg_sum {
	__u64 uptr;
	__u64 total;
	__u32 bad;
};

static long mmsg_step(__u32 i, struct mmsg_sum *m)
{
	__u32 len;

	if (bpf_probe_read_user(&len, sizeof(len),
				(void *)(m->uptr + (__u64)i * MMSG_SIZE + MMSG_LEN_OFF))) {
		m->bad = 1;
		return 1;
	}
	m->total += len;
	return 0;
}

/*
 * recvmmsg(fd, *msgvec, vlen, flags, *timeout) returns a count of
 * messages; the bytes are in each one's msg_len, which the kernel has
 * just written, as the module's mmsg_bytes() sums them (nothing if one
 * cannot be read).
 */
/* A function of its own, so that its frame is not added to on_read()'s. */
__noinline long mmsg_bytes(__u64 uptr, __u64 n)
{
	struct mmsg_sum m = { .uptr = uptr };

	bpf_loop(at_most(n, SENSOR_MMSG_MAX), mmsg_step, &m, 0);
	return m.bad ? 0 : (long)m.total;
}

SEC("fexit/__x64_sys_recvmmsg")
int BPF_PROG(sys_recvmmsg, const struct pt_regs *regs, long ret)
{
	if (ret <= 0)
		return 0;
	return on_read(BPF_CORE_READ(regs, di), mmsg_bytes(BPF_CORE_READ(regs, si), ret),
		       DAUDIT_PATH_RECVMMSG, POS_UNKNOWN);
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
	if (!o) {
		bpf_map_delete_elem(&socks, &key);
		return 0;
	}
	if (o->sessions <= 1) {
		sk.tgid = o->tgid;
		end_session(file, &sk, DAUDIT_END_CLOSE);
	} else {
		bpf_for_each_map_elem(&sessions, sweep_one, &sw, 0);
	}
	bpf_map_delete_elem(&open_files, &key);
	bpf_map_delete_elem(&socks, &key);
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
