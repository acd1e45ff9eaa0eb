/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Legacy AIO (io_submit IOCB_CMD_PREAD and PREADV), as the module's
 * hook_aio.c: the read passes through no read system call, and each one
 * ends in its kiocb's completion, aio_complete_rw(kiocb, res) (static,
 * not inlined on 6.1 or 6.12), with the file (the request holds it until
 * after the completion) and the exact bytes.
 *
 * aio_read(), in the submitter's task, keeps the submitter of a kiocb of
 * a protected file; the completion takes it and counts the read for it,
 * wherever it runs: inside io_submit (the page cache), in the block
 * layer's interrupt (O_DIRECT), in a loop device's worker.  The module
 * defers an interrupt's completion to the submitter's next system call
 * exit, where it may allocate and lock; the programs' maps need neither,
 * so the read is counted at once.
 *
 * The submitter is kept as its task pointer and start time, without a
 * reference (6.1 has no BPF task references): an exit waits for its
 * process's AIO (exit_aio()), but a thread that submitted and ended
 * before its read completed may be gone; a task no longer the one kept
 * is not trusted, and the read is counted missed (SENSOR_C_AIO_MISSED),
 * as is one the full map could not keep.  Offsets are not recorded (the
 * module's DAUDIT_OFFSET_UNKNOWN).
 */
#ifndef DAUDIT_BPF_AIO_H
#define DAUDIT_BPF_AIO_H

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SENSOR_MAX_AIO);
	__type(key, __u64);			/* the kiocb */
	__type(value, struct sensor_aio);
} aio_inflight SEC(".maps");

/* aio_read(req, iocb, vectored, compat): io_submit put the file in req. */
SEC("fentry/aio_read")
int BPF_PROG(aio_read_entry, struct kiocb *req)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	struct sensor_aio a = {};
	__u64 key = (__u64)req;

	if (!verdict(BPF_CORE_READ(req, ki_filp)))
		return 0;
	a.task = (__u64)t;
	a.start_ns = BPF_CORE_READ(t, start_time);
	a.tgid = BPF_CORE_READ(t, tgid);
	if (bpf_map_update_elem(&aio_inflight, &key, &a, BPF_ANY))
		count(SENSOR_C_AIO_MISSED, 1);
	return 0;
}

/* Non-zero: the read was never issued and no completion will come. */
SEC("fexit/aio_read")
int BPF_PROG(aio_read_exit, struct kiocb *req, void *iocb, __u64 vectored,
	     __u64 compat, int ret)
{
	__u64 key = (__u64)req;

	if (ret)
		bpf_map_delete_elem(&aio_inflight, &key);
	return 0;
}

/* aio_complete_rw(kiocb, res): reads and writes; only reads are kept. */
SEC("fentry/aio_complete_rw")
int BPF_PROG(aio_complete, struct kiocb *kiocb, long res)
{
	__u64 key = (__u64)kiocb;
	struct sensor_aio *a = bpf_map_lookup_elem(&aio_inflight, &key);
	struct task_struct *t;
	struct sensor_aio k;

	if (!a)
		return 0;
	k = *a;
	bpf_map_delete_elem(&aio_inflight, &key);
	if (res <= 0)
		return 0;
	t = (void *)k.task;
	if (BPF_CORE_READ(t, tgid) != k.tgid ||
	    BPF_CORE_READ(t, start_time) != k.start_ns) {
		count(SENSOR_C_AIO_MISSED, 1);
		return 0;
	}
	return read_by(k.task, (__u64)BPF_CORE_READ(kiocb, ki_filp), res,
		       DAUDIT_PATH_AIO, POS_UNKNOWN);
}

#endif
