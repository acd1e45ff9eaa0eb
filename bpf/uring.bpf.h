/* SPDX-License-Identifier: GPL-2.0 */
/*
 * io_uring reads, as the module's hook_uring.c counts them: file reads
 * (READ, READV, READ_FIXED) and receives (RECV, RECVMSG) where their
 * result is final, whether or not a completion is ever posted
 * (IOSQE_CQE_SKIP_SUCCESS posts none, a full completion queue makes it an
 * overflow entry):
 *  - io_read(), io_recv(), io_recvmsg() return 0 (IOU_OK; a receive also
 *    -ECANCELED, IOU_STOP_MULTISHOT) once the result is in req->cqe.res:
 *    done at once, in the submitter's task or an io-wq worker;
 *  - io_req_rw_complete(): a file read done later, run as task work in
 *    the submitter's task, its result in req->cqe.res;
 *  - polled rings (IORING_SETUP_IOPOLL): io_complete_rw_iopoll(kiocb,
 *    res), wherever the block layer completes the read (below);
 *  - a multishot receive's (and, 6.7+, read's) completions but the last
 *    are auxiliary: counted where they are posted (below); the last, and
 *    a READ_MULTISHOT's final one, as above or at the completion
 *    tracepoint.
 * Every read is attributed to the request's task (req->task, the
 * submitter), never to the io-wq worker or SQPOLL thread that ran it, as
 * the module's daudit_hook_read(..., r->task, ...).  The request holds its
 * file until after completion.  Offsets are not recorded (the module's
 * DAUDIT_OFFSET_UNKNOWN).
 */
#ifndef DAUDIT_BPF_URING_H
#define DAUDIT_BPF_URING_H

/* include/uapi/linux/io_uring.h (ABI) */
#define IORING_OP_READV		1
#define IORING_OP_READ_FIXED	4
#define IORING_OP_RECVMSG	10
#define IORING_OP_READ		22
#define IORING_OP_RECV		27
#define IORING_OP_READ_MULTISHOT 49	/* 6.7+ */
#define IORING_SETUP_IOPOLL	(1U << 0)
/* Kernel-internal returns (include/linux/errno.h, io_uring/io_uring.h). */
#define EIOCBQUEUED		529
#define ECANCELED		125

/* Polled reads of protected files issued, not yet completed (@req). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SENSOR_MAX_URING);
	__type(key, __u64);
	__type(value, __u32);
} uring_iopoll SEC(".maps");

/* Polled reads completed outside the submitter's process, to count there. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SENSOR_MAX_URING);
	__type(key, __u64);
	__type(value, struct sensor_uring_read);
} uring_deferred SEC(".maps");

/* 6.1: the multishot receive each task runs (pid_tgid -> request). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SENSOR_MAX_URING);
	__type(key, __u64);
	__type(value, __u64);
} uring_mshot SEC(".maps");

/* Entries in uring_deferred, so that nothing sweeps an empty map. */
__u32 n_deferred;
/* Set by the loader where auxiliary completions name no request (6.1). */
__u32 uring_aux_by_task;

static __always_inline __u32 uring_read_path(__u8 opcode)
{
	switch (opcode) {
	case IORING_OP_RECV:
	case IORING_OP_RECVMSG:
		return DAUDIT_PATH_URING_RECV;
	case IORING_OP_READ:
	case IORING_OP_READ_MULTISHOT:
		return DAUDIT_PATH_URING_READ;
	case IORING_OP_READV:
		return DAUDIT_PATH_URING_READV;
	case IORING_OP_READ_FIXED:
		return DAUDIT_PATH_URING_READ_FIXED;
	}
	return 0;
}

static __always_inline int file_read_op(__u8 opcode)
{
	return opcode == IORING_OP_READ || opcode == IORING_OP_READV ||
	       opcode == IORING_OP_READ_FIXED;
}

/* A read of @res bytes by request @r, done: count it for its submitter. */
static __always_inline int uring_read_done(struct io_kiocb *r, int res)
{
	__u32 path = uring_read_path(BPF_CORE_READ(r, opcode));

	if (res <= 0 || !path)
		return 0;
	return read_by((__u64)BPF_CORE_READ(r, task), (__u64)BPF_CORE_READ(r, file), res,
		       path, POS_UNKNOWN);
}

static __always_inline int uring_polled(struct io_kiocb *r)
{
	return BPF_CORE_READ(r, ctx, flags) & IORING_SETUP_IOPOLL;
}

/*
 * Polled rings (O_DIRECT only): the read's result is final in
 * io_complete_rw_iopoll(), which runs wherever the block layer completes
 * it: the polling task (the submitter or its SQPOLL thread), an
 * interrupt, a device's worker.  So io_read() on a polled ring, before the
 * read is issued, keeps the request of a protected file; the completion
 * takes it and keeps the bytes, counted when the submitter's process next
 * reaps polled completions (io_do_iopoll()'s return, in task context: the
 * request's file, put there, is released at the earliest when that task
 * next runs its task work, after this), or at its exit, or at the file's
 * release; the module defers it to the submitter's next system call exit
 * instead.
 */
SEC("fentry/io_read")
int BPF_PROG(uring_read_entry, struct io_kiocb *req)
{
	__u64 key = (__u64)req;
	__u32 one = 1;

	if (!uring_polled(req) || !verdict(BPF_CORE_READ(req, file)))
		return 0;
	if (bpf_map_update_elem(&uring_iopoll, &key, &one, BPF_ANY))
		count(SENSOR_C_URING_MISSED, 1);
	return 0;
}

/*
 * io_read() (READ, READV, READ_FIXED, through the opcode table, never
 * inlined) returns 0 once the read is done and its result, with what
 * earlier attempts of the same request read, is in req->cqe.res;
 * anything else is a retry (it is called again) or a completion later
 * (io_req_rw_complete()).  A polled read not issued, or to be issued
 * again, is forgotten.
 */
SEC("fexit/io_read")
int BPF_PROG(uring_read_exit, struct io_kiocb *req, unsigned int issue_flags, int ret)
{
	__u64 key = (__u64)req;

	if (uring_polled(req)) {
		if (ret != -EIOCBQUEUED)
			bpf_map_delete_elem(&uring_iopoll, &key);
		return 0;
	}
	if (ret == 0)
		uring_read_done(req, BPF_CORE_READ(req, cqe.res));
	return 0;
}

/* io_req_rw_complete(req, ...): a read done later, in the submitter's task. */
SEC("fentry/io_req_rw_complete")
int BPF_PROG(uring_rw_complete, struct io_kiocb *req)
{
	if (file_read_op(BPF_CORE_READ(req, opcode)))
		uring_read_done(req, BPF_CORE_READ(req, cqe.res));
	return 0;
}

/*
 * Keep read @d, completed outside its submitter (an interrupt, a worker),
 * under @key until deferred_one() counts it in task context; a full map
 * counts it in @missed (SENSOR_C_*).
 */
static __always_inline void defer_read(__u64 key, struct sensor_uring_read *d,
				       int missed)
{
	if (bpf_map_update_elem(&uring_deferred, &key, d, BPF_ANY))
		count(missed, 1);
	else
		__sync_fetch_and_add(&n_deferred, 1);
}

/* io_complete_rw_iopoll(kiocb, res): the kiocb leads the request. */
SEC("fentry/io_complete_rw_iopoll")
int BPF_PROG(uring_iopoll_complete, void *kiocb, long res)
{
	struct io_kiocb *r = kiocb;
	struct task_struct *t = BPF_CORE_READ(r, task);
	struct sensor_uring_read d = {};
	__u64 key = (__u64)r;

	if (bpf_map_delete_elem(&uring_iopoll, &key) || res <= 0 || !t)
		return 0;
	/*
	 * Always kept for io_do_iopoll()'s return, even in the submitter's
	 * process: this may be an interrupt, and counting here could
	 * overwrite the per-CPU scratch maps of the program it stopped.
	 */
	d.task = (__u64)t;
	d.file = (__u64)BPF_CORE_READ(r, file);
	d.res = res;
	d.path = uring_read_path(BPF_CORE_READ(r, opcode));
	d.tgid = BPF_CORE_READ(t, tgid);
	defer_read(key, &d, SENSOR_C_URING_MISSED);
	return 0;
}

/* Which deferred reads to count: of this process, or of this file. */
struct deferred_ctx {
	__u64 file;
	__u32 tgid;
	__u32 pad;
};

/*
 * Count a deferred read (a polled io_uring read, or a legacy AIO read
 * completed in an interrupt, aio.bpf.h) of the process or file asked.
 * One whose task is no longer the one kept (@start_ns, AIO) is counted
 * missed.
 */
static long deferred_one(struct bpf_map *map, __u64 *key,
			 struct sensor_uring_read *d, struct deferred_ctx *ctx)
{
	struct task_struct *t = (void *)d->task;
	__u64 k = *key;

	if (ctx->file ? d->file != ctx->file : d->tgid != ctx->tgid)
		return 0;
	if (d->start_ns && (BPF_CORE_READ(t, tgid) != d->tgid ||
			    BPF_CORE_READ(t, start_time) != d->start_ns))
		count(SENSOR_C_AIO_MISSED, 1);
	else
		read_by(d->task, d->file, d->res, d->path, POS_UNKNOWN);
	if (!bpf_map_delete_elem(&uring_deferred, &k))
		__sync_fetch_and_add(&n_deferred, -1);
	return 0;
}

/* The reads of process @tgid completed elsewhere: count them now. */
static __always_inline void uring_deferred_count(__u32 tgid)
{
	struct deferred_ctx ctx = { .tgid = tgid };

	if (n_deferred)
		bpf_for_each_map_elem(&uring_deferred, deferred_one, &ctx, 0);
}

/* The file @file is released: count its reads still deferred first. */
static __always_inline void deferred_count_file(struct file *file)
{
	struct deferred_ctx ctx = { .file = (__u64)file };

	if (n_deferred)
		bpf_for_each_map_elem(&uring_deferred, deferred_one, &ctx, 0);
}

/* The submitter's process reaps polled completions: count the deferred. */
SEC("fexit/io_do_iopoll")
int BPF_PROG(uring_do_iopoll, void *ring, __u64 force_nonspin, int ret)
{
	uring_deferred_count(bpf_get_current_pid_tgid() >> 32);
	return 0;
}

/*
 * io_recv() and io_recvmsg() (RECV, RECVMSG, through the opcode table,
 * never inlined) return 0, or -ECANCELED for a multishot request that
 * ends, exactly when the request's result, final, is in req->cqe.res:
 * counted then.  Anything else is a retry (partial bytes carried in the
 * request to the next call) or a multishot completion posted on its own.
 * On 6.1 a multishot receive's auxiliary completions name no request:
 * the one the task is running is kept while it runs (it runs in its
 * submitter's task, never in an io-wq worker).
 */
static __always_inline int recv_entry(struct io_kiocb *req)
{
	__u64 id = bpf_get_current_pid_tgid(), key = (__u64)req;

	/*
	 * Every receive, not only multishot ones: the flag's bit is in an
	 * anonymous enum, which CO-RE cannot find; io_recv() posts auxiliary
	 * completions for multishot requests only.
	 */
	if (uring_aux_by_task && bpf_map_update_elem(&uring_mshot, &id, &key, BPF_ANY))
		count(SENSOR_C_URING_MISSED, 1);
	return 0;
}

static __always_inline int recv_exit(struct io_kiocb *req, int ret)
{
	__u64 id = bpf_get_current_pid_tgid();

	if (uring_aux_by_task)
		bpf_map_delete_elem(&uring_mshot, &id);
	if (ret == 0 || ret == -ECANCELED)
		uring_read_done(req, BPF_CORE_READ(req, cqe.res));
	return 0;
}

SEC("fentry/io_recv")
int BPF_PROG(uring_recv_entry, struct io_kiocb *req)
{
	return recv_entry(req);
}

SEC("fexit/io_recv")
int BPF_PROG(uring_recv_exit, struct io_kiocb *req, unsigned int issue_flags, int ret)
{
	return recv_exit(req, ret);
}

SEC("fentry/io_recvmsg")
int BPF_PROG(uring_recvmsg_entry, struct io_kiocb *req)
{
	return recv_entry(req);
}

SEC("fexit/io_recvmsg")
int BPF_PROG(uring_recvmsg_exit, struct io_kiocb *req, unsigned int issue_flags, int ret)
{
	return recv_exit(req, ret);
}

/*
 * Auxiliary completions, counted when posted (when one is not, the
 * request ends with that result, counted as above).  The loader loads the
 * one its kernel has: 6.12's io_req_post_cqe(req, res, cflags), 6.1's
 * io_post_aux_cqe(ctx, user_data, res, cflags, allow_overflow).
 */
SEC("fexit/io_req_post_cqe")
int BPF_PROG(uring_aux_req, struct io_kiocb *req, int res, unsigned int cflags, __u64 posted)
{
	/* A bool: the low byte of the return register. */
	if (posted & 0xff)
		uring_read_done(req, res);
	return 0;
}

SEC("fexit/io_post_aux_cqe")
int BPF_PROG(uring_aux_6_1, void *ring, __u64 user_data, int res, unsigned int cflags,
	     __u64 allow_overflow, __u64 posted)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u64 *req = bpf_map_lookup_elem(&uring_mshot, &id);

	if ((posted & 0xff) && req)
		uring_read_done((struct io_kiocb *)*req, res);
	return 0;
}

/*
 * IORING_OP_SPLICE: io_splice() runs in an io-wq worker (it refuses a
 * nonblocking issue) and calls do_splice(in, ...), which returns the exact
 * bytes moved: a read of its input, counted there whether or not a
 * completion is ever posted, for the request io_splice() runs in that
 * worker (kept by thread in uring_splice for the call), as the module's
 * return probe on do_splice() in io-wq workers.  Without the request, the
 * worker's own process is the reader.  A splice(2) is the system call's
 * (syscalls.bpf.h), not counted here.
 */
#define PF_IO_WORKER	0x00000010

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SENSOR_MAX_URING);
	__type(key, __u64);
	__type(value, __u64);
} uring_splice SEC(".maps");

SEC("fentry/io_splice")
int BPF_PROG(uring_splice_entry, struct io_kiocb *req)
{
	__u64 id = bpf_get_current_pid_tgid(), key = (__u64)req;

	if (bpf_map_update_elem(&uring_splice, &id, &key, BPF_ANY))
		count(SENSOR_C_URING_MISSED, 1);
	return 0;
}

SEC("fexit/io_splice")
int BPF_PROG(uring_splice_exit, struct io_kiocb *req)
{
	__u64 id = bpf_get_current_pid_tgid();

	bpf_map_delete_elem(&uring_splice, &id);
	return 0;
}

SEC("fexit/do_splice")
int BPF_PROG(uring_do_splice, struct file *in, void *off_in, struct file *out,
	     void *off_out, __u64 len, unsigned int flags, long ret)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	__u64 id = bpf_get_current_pid_tgid(), file = 0;
	__u64 *req;

	if (ret <= 0 || !(BPF_CORE_READ(t, flags) & PF_IO_WORKER))
		return 0;
	/*
	 * @in as a number for read_by(), a global function: the verifier
	 * refuses the typed pointer itself as a scalar argument.
	 */
	bpf_probe_read_kernel(&file, sizeof(file), &ctx[0]);
	req = bpf_map_lookup_elem(&uring_splice, &id);
	if (req) {
		struct task_struct *sub = BPF_CORE_READ((struct io_kiocb *)*req, task);

		if (sub)
			t = sub;
	}
	return read_by((__u64)t, file, ret, DAUDIT_PATH_URING_OTHER, POS_UNKNOWN);
}

/*
 * A READ_MULTISHOT's last completion (6.7+): io_read_mshot() has no
 * return that says it is final, so it is taken where it is posted, as the
 * module does.
 */
SEC("tp_btf/io_uring_complete")
int BPF_PROG(uring_complete, void *ring, struct io_kiocb *req, __u64 user_data, int res)
{
	if (req && BPF_CORE_READ(req, opcode) == IORING_OP_READ_MULTISHOT)
		uring_read_done(req, res);
	return 0;
}

#endif
