/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Legacy AIO (io_submit IOCB_CMD_PREAD and PREADV), as the module's
 * hook_aio.c: the read passes through no read system call, and each one
 * ends in its kiocb's completion, aio_complete_rw(kiocb, res) (static,
 * not inlined on 6.1 or 6.12), with the file (the request holds it until
 * after the completion) and the exact bytes.
 *
 * aio_read(), in the submitter's thread, keeps the submitter of a kiocb
 * of a protected file (aio_inflight), and marks the thread as inside it
 * for that kiocb (aio_current).  The completion takes the submitter:
 *  - inside that aio_read() (the page cache: io_submit completes it at
 *    once), the read is counted there, for the thread running it;
 *  - anywhere else (the block layer's interrupt for O_DIRECT, a loop
 *    device's worker) it is kept in uring_deferred with its file and
 *    counted, as the module defers it, in the submitter's process: when
 *    it reaps completions (io_getevents, io_pgetevents) or exits, or
 *    when the file is released first, whichever comes first.  Not in the
 *    interrupt: the programs' per-CPU scratch maps may be in use by the
 *    program the interrupt stopped.
 *
 * The submitter is kept as its task pointer, tgid and start time,
 * without a reference (6.1 has no BPF task references).  A process's
 * exit waits for its AIO (exit_aio(), before sched_process_exit), but a
 * thread that submitted and ended before its read was counted may be
 * gone: a task that no longer has the kept tgid and start time is not
 * trusted, and that read is counted missed (SENSOR_C_AIO_MISSED), as is
 * one a full map could not keep.  Offsets are not recorded (the module's
 * DAUDIT_OFFSET_UNKNOWN).
 */
#ifndef DAUDIT_BPF_AIO_H
#define DAUDIT_BPF_AIO_H

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SENSOR_MAX_AIO);
	__type(key, __u64);			/* the kiocb */
	__type(value, struct sensor_aio);
} aio_inflight SEC(".maps");

/* Threads inside aio_read() for a protected file: pid_tgid -> kiocb. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SENSOR_MAX_AIO);
	__type(key, __u64);
	__type(value, __u64);
} aio_current SEC(".maps");

/* aio_read(req, iocb, vectored, compat): io_submit put the file in req. */
SEC("fentry/aio_read")
int BPF_PROG(aio_read_entry, struct kiocb *req)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	__u64 key = (__u64)req, id = bpf_get_current_pid_tgid();
	struct sensor_aio a = {};

	if (!verdict(BPF_CORE_READ(req, ki_filp)))
		return 0;
	a.task = (__u64)t;
	a.start_ns = BPF_CORE_READ(t, start_time);
	a.tgid = id >> 32;
	if (bpf_map_update_elem(&aio_inflight, &key, &a, BPF_ANY)) {
		count(SENSOR_C_AIO_MISSED, 1);
		return 0;
	}
	if (bpf_map_update_elem(&aio_current, &id, &key, BPF_ANY))
		bpf_map_delete_elem(&aio_inflight, &key);
	return 0;
}

/* Non-zero: the read was never issued and no completion will come. */
SEC("fexit/aio_read")
int BPF_PROG(aio_read_exit, struct kiocb *req, void *iocb, __u64 vectored,
	     __u64 compat, int ret)
{
	__u64 key = (__u64)req, id = bpf_get_current_pid_tgid();

	bpf_map_delete_elem(&aio_current, &id);
	if (ret)
		bpf_map_delete_elem(&aio_inflight, &key);
	return 0;
}

/* aio_complete_rw(kiocb, res): reads and writes; only reads are kept. */
SEC("fentry/aio_complete_rw")
int BPF_PROG(aio_complete, struct kiocb *kiocb, long res)
{
	__u64 key = (__u64)kiocb, id = bpf_get_current_pid_tgid();
	struct sensor_aio *a = bpf_map_lookup_elem(&aio_inflight, &key);
	struct sensor_uring_read d = {};
	__u64 *here;
	struct sensor_aio k;

	if (!a)
		return 0;
	k = *a;
	bpf_map_delete_elem(&aio_inflight, &key);
	if (res <= 0)
		return 0;
	here = bpf_map_lookup_elem(&aio_current, &id);
	if (here && *here == key)
		return read_by(k.task, (__u64)BPF_CORE_READ(kiocb, ki_filp), res,
			       DAUDIT_PATH_AIO, POS_UNKNOWN);
	d.task = k.task;
	d.file = (__u64)BPF_CORE_READ(kiocb, ki_filp);
	d.res = res;
	d.path = DAUDIT_PATH_AIO;
	d.tgid = k.tgid;
	d.start_ns = k.start_ns;
	defer_read(key, &d, SENSOR_C_AIO_MISSED);
	return 0;
}

/* The submitter reaps its completions: count what completed elsewhere. */
SEC("fexit/__x64_sys_io_getevents")
int BPF_PROG(aio_getevents, struct pt_regs *regs, long ret)
{
	uring_deferred_count(bpf_get_current_pid_tgid() >> 32);
	return 0;
}

SEC("fexit/__x64_sys_io_pgetevents")
int BPF_PROG(aio_pgetevents, struct pt_regs *regs, long ret)
{
	uring_deferred_count(bpf_get_current_pid_tgid() >> 32);
	return 0;
}

#endif
