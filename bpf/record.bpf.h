/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A record's subject (the reading task), a process's record, and a file
 * session's record.
 */
#ifndef DAUDIT_BPF_RECORD_H
#define DAUDIT_BPF_RECORD_H

/*
 * The address of @t's struct upid in the pid namespace it lives in (its
 * deepest level): the number it knows itself by, and that namespace.
 */
static __always_inline void *own_upid(struct task_struct *t)
{
	struct pid *pid = BPF_CORE_READ(t, thread_pid);
	unsigned int level = BPF_CORE_READ(pid, level);

	return (void *)pid + bpf_core_field_offset(struct pid, numbers) +
	       (__u64)(level & 31) * bpf_core_type_size(struct upid);
}

static __always_inline void fill_subject(struct daudit_subject *s,
					 struct task_struct *t)
{
	const struct cred *c = BPF_CORE_READ(t, real_cred);
	struct pid_namespace *pidns = NULL;

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
	/* The task's, as bpf_get_current_cgroup_id() is current's. */
	s->cgroup_id = BPF_CORE_READ(t, cgroups, dfl_cgrp, kn, id);
	s->mnt_ns = BPF_CORE_READ(t, nsproxy, mnt_ns, ns.inum);
	bpf_probe_read_kernel(&pidns, sizeof(pidns),
			      own_upid(t) + bpf_core_field_offset(struct upid, ns));
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
	/*
	 * The arguments are user memory: read only from a task of the same
	 * address space (an io-wq worker or SQPOLL thread shares it); else
	 * none, cut.
	 */
	if (mm && mm != BPF_CORE_READ((struct task_struct *)bpf_get_current_task(), mm)) {
		ev->cmdline_cut = 1;
	} else if (mm) {
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
	}
	exe = mm ? BPF_CORE_READ(mm, exe_file) : NULL;
	if (exe)
		fill_path((__u64)BPF_CORE_READ(exe, f_path.dentry),
			  (__u64)BPF_CORE_READ(exe, f_path.mnt), PATH_OF_PROC);
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
	(ev)->part = (s)->part;					\
	(ev)->act_key = (s)->act_key;				\
	if ((s)->act_key)					\
		bpf_probe_read_kernel(&(ev)->act, sizeof((ev)->act), &(s)->act); \
} while (0)

/*
 * Write the record of session @s of @file; @reason: enum daudit_end_reason;
 * @slot: SCRATCH_*, whose scratch event it is built in.
 */
static __always_inline void emit_file(struct file *file, struct sensor_sess *s,
				      __u16 reason, __u32 slot)
{
	struct sensor_file_ev *ev = bpf_map_lookup_elem(&file_scratch, &slot);
	__u64 size;

	if (!ev)
		return;
	EV_COMMON(ev, SENSOR_EV_FILE, s, reason);
	ev->mmap_bytes = s->mmap_bytes;
	ev->mmap_len = s->mmap_len;
	ev->off_min = s->off_min;
	ev->off_max = s->off_max;
	ev->dev = s->dev;
	ev->ino = s->ino;
	fill_path((__u64)BPF_CORE_READ(file, f_path.dentry),
		  (__u64)BPF_CORE_READ(file, f_path.mnt), PATH_OF_FILE + slot);
	size = at_most(offsetof(struct sensor_file_ev, path.names) +
		       (__u64)ev->path.names_len, sizeof(*ev));
	if (bpf_ringbuf_output(&events, ev, size, 0))
		count_drop(DAUDIT_REC_FILE_READ);
	count(SENSOR_C_SESSIONS_ENDED, 1);
}

#endif
