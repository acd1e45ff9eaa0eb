/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where sessions end: the last close of an open file, the exit of a
 * process; and a new program's exec.
 */
#ifndef DAUDIT_BPF_LIFECYCLE_H
#define DAUDIT_BPF_LIFECYCLE_H

/* The last reference to an open file is going: end its sessions. */
SEC("fentry/__fput")
int BPF_PROG(file_put, struct file *file)
{
	struct sweep_ctx sw = {
		.key.file = (__u64)file,
		.reason = DAUDIT_END_CLOSE,
		.by_file = 1,
	};
	struct sensor_open *o;

	bpf_map_delete_elem(&verdicts, &sw.key.file);
	/* Reads of it completed elsewhere and not yet counted: before its end. */
	deferred_count_file(file);
	o = bpf_map_lookup_elem(&open_files, &sw.key.file);
	if (!o) {
		bpf_map_delete_elem(&socks, &sw.key.file);
		return 0;
	}
	/*
	 * One session: the first's, unless that one ended at its process's
	 * exit and another began since: then it is found by the walk.
	 */
	sw.key.tgid = o->tgid;
	sw.key.actor = o->actor;
	if (o->sessions > 1 || !end_session(file, &sw.key, DAUDIT_END_CLOSE))
		bpf_for_each_map_elem(&sessions, sweep_one, &sw, 0);
	bpf_map_delete_elem(&open_files, &sw.key.file);
	bpf_map_delete_elem(&socks, &sw.key.file);
	return 0;
}

/* The last thread of a process exits (its files are still open here). */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(proc_exit, struct task_struct *t)
{
	__u32 tgid = BPF_CORE_READ(t, tgid);
	struct sensor_proc *p;
	struct sweep_ctx sw = { .key.tgid = tgid, .reason = DAUDIT_END_EXIT };

	/* Every thread's exit ends its actor registration. */
	actor_gone(BPF_CORE_READ(t, pid));
	if (BPF_CORE_READ(t, signal, live.counter))
		return 0;
	/* Its polled io_uring and AIO reads completed elsewhere, not counted. */
	uring_deferred_count(tgid);
	p = bpf_map_lookup_elem(&procs, &tgid);
	if (!p)
		return 0;
	if (p->sessions)
		bpf_for_each_map_elem(&sessions, sweep_one, &sw, 0);
	bpf_map_delete_elem(&procs, &tgid);
	return 0;
}

/*
 * A new program: the next session says so with a new process record, and
 * no thread declares an actor any more (the exec's thread took the
 * leader's tid; the others are gone).
 */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(proc_exec, struct task_struct *t, int old_pid)
{
	__u32 tgid = BPF_CORE_READ(t, tgid);
	struct sensor_proc *p = bpf_map_lookup_elem(&procs, &tgid);

	actor_gone(BPF_CORE_READ(t, pid));
	if (old_pid != BPF_CORE_READ(t, pid))
		actor_gone(old_pid);
	/* Its new address space: every executable mapping of it was seen. */
	if (trust_on && BPF_CORE_READ(t, mm)) {
		know(BPF_CORE_READ(t, mm), NULL);
		judge_env(BPF_CORE_READ(t, mm));
	}

	if (p)
		p->start_ns = 0;
	return 0;
}

#endif
