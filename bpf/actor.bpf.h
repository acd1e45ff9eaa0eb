/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declared actors (docs/actors.md), as the module's actor.c does them,
 * without its device (docs/ebpf.md, "Declared actors").
 *
 * A thread registers its area by sending a request on dauditd's actor
 * socket (libdaudit does, when /dev/daudit-actor is not there).  The
 * send runs actor_ask() in the sending thread: it notes what the kernel
 * knows of that thread (its executable, whether it is traced, whether
 * its environment asks the loader to inject code, and what trust.bpf.h
 * keeps of its code: mapped from a file that is not the program's or
 * root's, or not followed) in actor_asks.  dauditd reads the request,
 * finds that note by the sender's process and the tid it gave, judges it
 * against the policy's applications, and on success puts the thread in
 * actors.  From then on each protected read of that thread reads the
 * area without faulting (actor_now()): a new declaration is a new copy.
 */
#ifndef DAUDIT_BPF_ACTOR_H
#define DAUDIT_BPF_ACTOR_H

/* Set by the loader. */
__u32 actors_on;		/* a registration was made: look threads up */
__u32 actor_asks_on;		/* dauditd's actor socket is open */
__u64 actor_seed;		/* actor keys: FNV-1a from this basis */
char actor_sock[SENSOR_UNIX_BUF];	/* its path, NUL-padded */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, SENSOR_MAX_ACTORS);
	__type(key, __u32);
	__type(value, struct sensor_actor);
} actors SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, SENSOR_MAX_ACTOR_ASKS);
	__type(key, struct sensor_actor_ask_key);
	__type(value, struct sensor_actor_ask);
} actor_asks SEC(".maps");

/* A registration with the area just read, while its copy is made. */
struct actor_work {
	struct sensor_actor reg;
	struct daudit_actor_area area;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct actor_work);
} actor_scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sensor_actor_ask);
} ask_scratch SEC(".maps");

/* The tid @t knows itself by: in the pid namespace it lives in. */
static __always_inline __u32 ns_tid(struct task_struct *t)
{
	int nr = 0;

	bpf_probe_read_kernel(&nr, sizeof(nr),
			      own_upid(t) + bpf_core_field_offset(struct upid, nr));
	return nr;
}

/* Is @sock connected to dauditd's actor socket? */
static __always_inline int to_actor_sock(struct socket *sock)
{
	struct sock *sk = BPF_CORE_READ(sock, sk);
	struct sock *peer = BPF_CORE_READ((struct unix_sock *)sk, peer);
	struct unix_address *addr;
	__u64 path[SENSOR_UNIX_BUF / 8] = {};
	const __u64 *want = (const __u64 *)actor_sock;
	const char *name;
	int i;

	if (!peer)
		return 0;
	addr = BPF_CORE_READ((struct unix_sock *)peer, addr);
	if (!addr)
		return 0;
	name = (void *)addr + bpf_core_field_offset(struct unix_address, name) +
	       bpf_core_field_offset(struct sockaddr_un, sun_path);
	if (bpf_probe_read_kernel_str(path, SENSOR_UNIX_PATH + 1, name) <= 1)
		return 0;
	for (i = 0; i < SENSOR_UNIX_BUF / 8; i++)
		if (path[i] != want[i])
			return 0;
	return 1;
}

/*
 * A thread sends on a unix seqpacket socket: when it is a request on
 * dauditd's actor socket, note what the kernel knows of the thread for
 * dauditd to judge (actor_asks, by the sender's process and the tid it
 * knows itself by, which its request names).
 */
SEC("fentry/unix_seqpacket_sendmsg")
int BPF_PROG(actor_ask, struct socket *sock)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	struct sensor_actor_ask_key key = {};
	struct sensor_actor_ask *a;
	struct sensor_path *p;
	struct mm_struct *mm;
	struct file *exe;
	__u32 zero = 0;

	if (!actor_asks_on || !to_actor_sock(sock))
		return 0;
	a = bpf_map_lookup_elem(&ask_scratch, &zero);
	mm = BPF_CORE_READ(t, mm);
	if (!a || !mm)
		return 0;
	key.tgid = BPF_CORE_READ(t, tgid);
	key.ns_tid = ns_tid(t);
	a->now_ns = bpf_ktime_get_ns();
	a->mm = (__u64)mm;
	a->start_ns = BPF_CORE_READ(t, start_boottime);
	a->tid = BPF_CORE_READ(t, pid);
	a->traced = BPF_CORE_READ(t, ptrace) || BPF_CORE_READ(t, group_leader, ptrace);
	a->injects = env_injects(mm);
	a->code = code_verdict(mm);
	fill_subject(&a->subj, t);
	a->exe_dev = 0;
	a->exe_ino = 0;
	a->exe.names_len = 0;
	a->exe.ncomp = 0;
	a->exe.cut = 1;
	exe = BPF_CORE_READ(mm, exe_file);
	if (exe) {
		a->exe_dev = BPF_CORE_READ(exe, f_inode, i_sb, s_dev);
		a->exe_ino = BPF_CORE_READ(exe, f_inode, i_ino);
		/* The path is walked into the process event's scratch. */
		fill_path((__u64)BPF_CORE_READ(exe, f_path.dentry),
			  (__u64)BPF_CORE_READ(exe, f_path.mnt), PATH_OF_PROC);
		p = scratch_path(PATH_OF_PROC);
		if (p)
			bpf_probe_read_kernel(&a->exe, sizeof(a->exe), p);
	}
	bpf_map_update_elem(&actor_asks, &key, a, BPF_ANY);
	return 0;
}

/*
 * 1 if @i < @len, else 0, with no branch: the verifier explores both
 * sides of every branch, and a comparison per byte of an id would make
 * it explore a path per length (6.12 took minutes over them).
 */
static __always_inline __u64 below(__u64 i, __u64 len)
{
	__u64 d = i - len;

	asm volatile("" : "+r"(d));	/* not turned back into a compare */
	return d >> 63;
}

/*
 * @w's area into its snapshot, as the module's refresh(): the ids' bytes
 * past their lengths zeroed, and the actor's key (0: none declared):
 * FNV-1a of the id's 64 bytes and its length from a secret basis, odd.
 */
static __always_inline void take_area(struct actor_work *w, __u32 seq)
{
	struct daudit_rec_actor *s = &w->reg.snap;
	struct daudit_actor_area *a = &w->area;
	__u64 alen = a->actor_len, rlen = a->request_len, h = actor_seed;
	int i;

	/* Lengths are the application's word: hold them to the arrays. */
	if (alen > DAUDIT_ACTOR_MAX)
		alen = DAUDIT_ACTOR_MAX;
	if (rlen > DAUDIT_REQUEST_MAX)
		rlen = DAUDIT_REQUEST_MAX;
	/* Loops, not unrolled: the verifier walks each step once. */
#pragma nounroll
	for (i = 0; i < DAUDIT_ACTOR_MAX; i++) {
		__u8 c = (__u8)a->actor[i] * below(i, alen);

		s->actor[i] = c;
		h = (h ^ c) * 0x100000001b3ULL;
	}
#pragma nounroll
	for (i = 0; i < DAUDIT_REQUEST_MAX; i++)
		s->request[i] = (__u8)a->request[i] * below(i, rlen);
	__builtin_memcpy(s->client_addr, a->client_addr, sizeof(s->client_addr));
	s->seq = seq;
	s->actor_len = alen;
	s->request_len = rlen;
	s->client_family = a->client_family;
	s->client_port = a->client_port;
	w->reg.seq = seq;
	w->reg.key = alen ? ((h ^ alen) * 0x100000001b3ULL) | 1 : 0;
}

/*
 * The actor task @t declares for data counted now: its key (0: none),
 * and in *@snap the declaration, valid until this CPU's next call.  The
 * area is read only from @t's own address space (its thread, an io-wq
 * worker or the SQPOLL thread of its process), as a seqcount: seq, the
 * area, seq again; a torn or unreadable area, or one read from elsewhere
 * (a completion in another process), gives the last good copy.
 */
static __always_inline __u64 actor_now(struct task_struct *t,
				       struct daudit_rec_actor **snap)
{
	struct task_struct *cur = (void *)bpf_get_current_task();
	struct sensor_actor *a;
	struct actor_work *w;
	struct mm_struct *mm;
	__u32 tid, zero = 0, seq = 0, seq2 = 1;

	if (!actors_on)
		return 0;
	tid = BPF_CORE_READ(t, pid);
	a = bpf_map_lookup_elem(&actors, &tid);
	if (!a)
		return 0;
	mm = BPF_CORE_READ(t, mm);
	/* The same thread, and the same program: not a reused tid, no exec. */
	if (a->tgid != (__u32)BPF_CORE_READ(t, tgid) || a->mm != (__u64)mm ||
	    a->start_ns != BPF_CORE_READ(t, start_boottime))
		return 0;
	w = bpf_map_lookup_elem(&actor_scratch, &zero);
	if (!w)
		return 0;
	/* One helper call, not 55 moves for the verifier to walk per path. */
	bpf_probe_read_kernel(&w->reg, sizeof(w->reg), a);
	if (mm && mm == BPF_CORE_READ(cur, mm) &&
	    !bpf_probe_read_user(&seq, sizeof(seq), (void *)w->reg.area) &&
	    !(seq & 1) && seq != w->reg.seq &&
	    !bpf_probe_read_user(&w->area, sizeof(w->area), (void *)w->reg.area) &&
	    !bpf_probe_read_user(&seq2, sizeof(seq2), (void *)w->reg.area) &&
	    w->area.seq == seq && seq2 == seq) {
		take_area(w, seq);
		/* The whole value replaced: a reader never sees half of it. */
		bpf_map_update_elem(&actors, &tid, &w->reg, BPF_EXIST);
	}
	if (w->reg.seq & 1)
		return 0;	/* nothing good read yet */
	*snap = &w->reg.snap;
	return w->reg.key;
}

/*
 * Session actor block @act sees declaration @snap: a new request (or the
 * interval's first read) is kept for the record and counted.
 */
static __always_inline void note_actor(struct daudit_rec_actor *act,
				       const struct daudit_rec_actor *snap)
{
	__u32 n = act->requests;

	if (act->seq != snap->seq) {
		bpf_probe_read_kernel(act, sizeof(*act), snap);
		n++;
	}
	act->requests = n ? n : 1;
}

/* A thread exits or runs a new program: its registration ends. */
static __always_inline void actor_gone(__u32 tid)
{
	if (actors_on && !bpf_map_delete_elem(&actors, &tid))
		count(SENSOR_C_ACTORS_GONE, 1);
}

#endif
