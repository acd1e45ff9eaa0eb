// SPDX-License-Identifier: GPL-2.0
/*
 * io_uring bypasses the syscalls: its completion tracepoint carries the
 * request (file, opcode, submitting task) and the result, the exact byte
 * count of a read, receive, write or send.  The request holds its file
 * until after completion.  A SPLICE is counted where it calls
 * do_splice(), with its input file in hand.  File reads (READ, READV,
 * READ_FIXED) and receives (RECV, RECVMSG) are the exception: a
 * completion event is not a read's (IOSQE_CQE_SKIP_SUCCESS posts none; a
 * full completion queue makes it an overflow entry, another event), so
 * they are counted where their result is final, whether or not it is ever
 * posted: when io_read(), io_recv() or io_recvmsg() returns it (done at
 * once), or in io_req_rw_complete() (a file read done later, in the
 * submitter's task).  A multishot RECV's completions but the last carry
 * no request either: they are taken where they are posted.
 */
#include <linux/fdtable.h>
#include <linux/io_uring_types.h>

#include "hooks.h"
#include "session.h"

static u32 read_path(u8 opcode)
{
	switch (opcode) {
	case IORING_OP_RECV:
	case IORING_OP_RECVMSG:
		return DAUDIT_PATH_URING_RECV;
	case IORING_OP_READ:
		return DAUDIT_PATH_URING_READ;
	case IORING_OP_READV:
		return DAUDIT_PATH_URING_READV;
	case IORING_OP_READ_FIXED:
		return DAUDIT_PATH_URING_READ_FIXED;
#ifdef DAUDIT_HAVE_READ_MULTISHOT
	case IORING_OP_READ_MULTISHOT:
		return DAUDIT_PATH_URING_READ;
#endif
	}
	return 0;
}

/* Counted where the read ends, not by the completion event (below). */
static bool file_read_op(u8 opcode)
{
	return opcode == IORING_OP_READ || opcode == IORING_OP_READV ||
	       opcode == IORING_OP_READ_FIXED;
}

static bool recv_op(u8 opcode)
{
	return opcode == IORING_OP_RECV || opcode == IORING_OP_RECVMSG;
}

/* A read of @res bytes by request @r, done: account it. */
static void read_done(struct io_kiocb *r, int res)
{
	struct daudit_io io = {
		.off = DAUDIT_OFFSET_UNKNOWN,
		.calls = 1,
		.bytes = res,
		.path = read_path(READ_ONCE(r->opcode)),
	};

	if (res <= 0 || !io.path || !r->file || !r->task)
		return;
	/* Every caller is a probe, run with preemption disabled: RCU. */
	daudit_hook_read(r->file, true, -1, r->task, &io);
}

static u32 write_path(u8 opcode)
{
	switch (opcode) {
	case IORING_OP_WRITE:
	case IORING_OP_WRITEV:
	case IORING_OP_WRITE_FIXED:
		return DAUDIT_PATH_URING_WRITE;
	case IORING_OP_SEND:
	case IORING_OP_SENDMSG:
	case IORING_OP_SEND_ZC:
	case IORING_OP_SENDMSG_ZC:
		return DAUDIT_PATH_URING_SEND;
	}
	return 0;
}

/**
 * daudit_probe_uring_complete - io_uring:io_uring_complete probe.
 * @data: unused.
 * @ctx: the ring (unused).
 * @req: the request (struct io_kiocb), NULL for auxiliary completions.
 * @user_data: the request's tag.
 * @res: its result: bytes for reads.
 * @cflags: completion flags.
 * @extra1: unused.
 * @extra2: unused.
 */
void daudit_probe_uring_complete(void *data, void *ctx, void *req,
				 u64 user_data, int res, unsigned int cflags,
				 u64 extra1, u64 extra2)
{
	struct io_kiocb *r = req;
	struct daudit_io io = { .off = DAUDIT_OFFSET_UNKNOWN, .calls = 1 };

	u8 op;

	if (res <= 0 || !r || !r->file || !r->task)
		return;
	op = READ_ONCE(r->opcode);
	if (read_path(op)) {
		/* File reads and receives are counted where they end. */
		if (!recv_op(op) && !file_read_op(op))
			read_done(r, res);
		return;
	}
	io.bytes = res;
	io.path = write_path(op);
	/* A tracepoint probe runs with preemption disabled: an RCU section. */
	if (io.path)
		daudit_hook_write(r->file, true, -1, r->task, &io);
}

/*
 * Polled rings (IORING_SETUP_IOPOLL, O_DIRECT only): a read's result is
 * final in io_complete_rw_iopoll(kiocb, res) (static, its kiocb's
 * completion; not inlined on 6.1 or 6.12), which runs wherever the block
 * layer completes the read: the polling task, an interrupt, a device's
 * worker.  io_do_iopoll() then posts its completion, skips it
 * (IOSQE_CQE_SKIP_SUCCESS) or overflows.  So io_read() on a polled ring,
 * in the submitter's context before the read is issued, classifies the
 * file and keeps the request of a protected one in a slot; the
 * completion takes the slot and counts the bytes, at once in one of the
 * submitter's threads, else at the submitter's next sys_exit
 * (daudit_defer_read()).  A read not issued, or to be issued again,
 * gives its slot back at io_read()'s return.  A shortage of slots is
 * counted in probes_missed.
 */
#define IOPOLL_SLOTS 256
static struct io_kiocb *iopoll_reqs[IOPOLL_SLOTS];
static int n_iopoll;
static DEFINE_RAW_SPINLOCK(iopoll_lock);	/* taken in interrupts */
static u64 iopoll_missed;

/* Forget @r; whether it was kept.  Caller holds iopoll_lock. */
static bool iopoll_take(const struct io_kiocb *r)
{
	int i;

	for (i = 0; i < n_iopoll; i++) {
		if (iopoll_reqs[i] == r) {
			iopoll_reqs[i] = iopoll_reqs[--n_iopoll];
			return true;
		}
	}
	return false;
}

static bool iopoll_forget(const struct io_kiocb *r)
{
	unsigned long flags;
	bool had;

	if (!READ_ONCE(n_iopoll))
		return false;
	raw_spin_lock_irqsave(&iopoll_lock, flags);
	had = iopoll_take(r);
	raw_spin_unlock_irqrestore(&iopoll_lock, flags);
	return had;
}

/* io_read() of @r on a polled ring, before it is issued. */
static void iopoll_keep(struct io_kiocb *r)
{
	struct daudit_policy *p = daudit_policy_current();
	unsigned long flags;

	if (!p || !r->file || !r->task ||
	    !daudit_fcache_get(p, r->file, true, -1))
		return;
	raw_spin_lock_irqsave(&iopoll_lock, flags);
	iopoll_take(r);		/* issued again: kept once */
	if (n_iopoll < IOPOLL_SLOTS)
		iopoll_reqs[n_iopoll++] = r;
	else
		iopoll_missed++;
	raw_spin_unlock_irqrestore(&iopoll_lock, flags);
}

/* io_complete_rw_iopoll(kiocb, res) */
static int iopoll_complete_pre(struct kprobe *kp, struct pt_regs *regs)
{
	/*
	 * The kiocb leads the request's command (struct io_rw), which
	 * leads the request.
	 */
	struct io_kiocb *r = (void *)regs_get_kernel_argument(regs, 0);
	long res = (long)regs_get_kernel_argument(regs, 1);
	struct task_struct *t;

	BUILD_BUG_ON(offsetof(struct io_kiocb, cmd) != 0);
	if (!iopoll_forget(r) || res <= 0)
		return 0;
	t = r->task;
	if (in_task() && same_thread_group(current, t))
		read_done(r, res);
	else
		daudit_defer_read(t, r->file, res,
				  read_path(READ_ONCE(r->opcode)));
	return 0;
}

struct kprobe daudit_kp_uring_iopoll = {
	.symbol_name = "io_complete_rw_iopoll",
	.pre_handler = iopoll_complete_pre,
};

/*
 * io_read() (READ, READV, READ_FIXED; called through the opcode table,
 * never inlined) returns IOU_OK, 0, once the read is done and its result,
 * with what earlier attempts of the same request read, is in
 * req->cqe.res; anything else is a retry (it is called again) or an
 * asynchronous completion (io_req_rw_complete(), below).  Polled rings
 * never return IOU_OK here: their reads are issued, and
 * IOU_ISSUE_SKIP_COMPLETE (-EIOCBQUEUED) returned, or not (above).
 */
struct uring_ret {
	struct io_kiocb *req;
	bool polled;
};

static int read_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct uring_ret *d = (void *)ri->data;
	struct io_kiocb *r = (void *)regs_get_kernel_argument(regs, 0);

	d->req = r;
	d->polled = READ_ONCE(r->ctx->flags) & IORING_SETUP_IOPOLL;
	if (d->polled)
		iopoll_keep(r);
	return 0;
}

static int read_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct uring_ret *d = (void *)ri->data;
	int ret = (int)regs_return_value(regs);

	if (d->polled) {
		if (ret != -EIOCBQUEUED)
			iopoll_forget(d->req);
		return 0;
	}
	if (ret == 0)
		read_done(d->req, READ_ONCE(d->req->cqe.res));
	return 0;
}

/*
 * Reads waiting in io-wq workers may sleep inside io_read(): room for
 * many at once; a shortage is counted (nmissed, probes_missed).
 */
struct kretprobe daudit_krp_uring_read = {
	.kp.symbol_name = "io_read",
	.entry_handler = read_entry,
	.handler = read_return,
	.data_size = sizeof(struct uring_ret),
	.maxactive = 1024,
};

/*
 * io_req_rw_complete(req, ...): an asynchronous read or write done, run
 * as task work in the submitter's task (static, reached through
 * req->io_task_work.func); the read's result, final, is in req->cqe.res.
 */
static int rw_complete_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct io_kiocb *r = (void *)regs_get_kernel_argument(regs, 0);

	if (file_read_op(READ_ONCE(r->opcode)))
		read_done(r, READ_ONCE(r->cqe.res));
	return 0;
}

struct kprobe daudit_kp_uring_rw_complete = {
	.symbol_name = "io_req_rw_complete",
	.pre_handler = rw_complete_pre,
};

/*
 * The request a task is running, for probes inside it that see no
 * request: a slot per task, taken when the request's function starts and
 * given back when it returns.  Only the task that took a slot reads it.
 */
#define REQ_SLOTS 64
struct req_slot {
	struct task_struct *task;
	struct io_kiocb *req;
};

static bool req_slot_take(struct req_slot *t, struct io_kiocb *r)
{
	unsigned int i;

	for (i = 0; i < REQ_SLOTS; i++) {
		if (cmpxchg(&t[i].task, NULL, current) == NULL) {
			WRITE_ONCE(t[i].req, r);
			return true;
		}
	}
	return false;
}

static struct req_slot *req_slot_of(struct req_slot *t)
{
	unsigned int i;

	for (i = 0; i < REQ_SLOTS; i++)
		if (READ_ONCE(t[i].task) == current)
			return &t[i];
	return NULL;
}

static struct io_kiocb *req_slot_mine(struct req_slot *t)
{
	struct req_slot *s = req_slot_of(t);

	return s ? READ_ONCE(s->req) : NULL;
}

static void req_slot_put(struct req_slot *t)
{
	struct req_slot *s = req_slot_of(t);

	if (s) {
		WRITE_ONCE(s->req, NULL);
		/* The slot is free only once its request is gone. */
		smp_store_release(&s->task, NULL);
	}
}

/*
 * IORING_OP_SPLICE: io_splice() (the opcode table's) runs in an io-wq
 * worker, as it refuses a nonblocking issue; it takes its input, a
 * descriptor or a registered file (SPLICE_F_FD_IN_FIXED), and calls
 * do_splice(in, ...), which returns the exact bytes moved.  A return
 * probe on do_splice() in io-wq workers (a splice(2) is the syscall
 * probe's) counts them as a read of the input, held for the call, whether
 * or not a completion is ever posted; the request, for its submitter's
 * task and actor, is the one io_splice() runs in that worker (a slot).
 * Without a slot, the worker's own process is the reader.  As for
 * splice(2) (hook_syscall.c), a protected input marks the session for
 * egress before a byte moves.
 */
static struct req_slot splice_slots[REQ_SLOTS];

static int io_splice_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return req_slot_take(splice_slots,
			     (void *)regs_get_kernel_argument(regs, 0)) ? 0 : 1;
}

static int io_splice_return(struct kretprobe_instance *ri,
			    struct pt_regs *regs)
{
	req_slot_put(splice_slots);
	return 0;
}

struct kretprobe daudit_krp_uring_splice = {
	.kp.symbol_name = "io_splice",
	.entry_handler = io_splice_entry,
	.handler = io_splice_return,
	.maxactive = REQ_SLOTS,
};

struct splice_call {
	struct file *in;
	struct task_struct *task;
};

static int do_splice_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct splice_call *c = (void *)ri->data;
	struct io_kiocb *r;

	if (!(current->flags & PF_IO_WORKER))
		return 1;
	r = req_slot_mine(splice_slots);
	c->in = (void *)regs_get_kernel_argument(regs, 0);
	c->task = r && r->task ? r->task : current;
	daudit_hook_mark_early(c->in, true, -1, c->task);
	return 0;
}

static int do_splice_return(struct kretprobe_instance *ri,
			    struct pt_regs *regs)
{
	struct splice_call *c = (void *)ri->data;
	long ret = regs_return_value(regs);
	struct daudit_io io = {
		.off = DAUDIT_OFFSET_UNKNOWN,
		.calls = 1,
		.path = DAUDIT_PATH_URING_OTHER,
	};

	if (ret <= 0)
		return 0;
	io.bytes = ret;
	daudit_hook_read(c->in, true, -1, c->task, &io);
	return 0;
}

/* Workers may sleep in do_splice(): room for many at once. */
struct kretprobe daudit_krp_do_splice = {
	.kp.symbol_name = "do_splice",
	.entry_handler = do_splice_entry,
	.handler = do_splice_return,
	.data_size = sizeof(struct splice_call),
	.maxactive = 256,
};

/*
 * Multishot receives (and reads, 6.7+): every completion but the last is
 * an "auxiliary" CQE, posted by a function that returns whether it was
 * posted (when it was not, the request ends and its final completion,
 * with the same result, goes through the tracepoint).  Counted at that
 * function's return, attributed to the request's task.
 */
struct uring_aux {
	struct io_kiocb *req;
	int res;
};

#ifndef DAUDIT_URING_AUX_HAS_REQ
/*
 * 6.1: the request whose io_recv() or io_recvmsg() is running in a task,
 * for that task's auxiliary completions.  A multishot receive runs in its
 * submitter's task, never in an io-wq worker; a slot is taken at entry and
 * given back at return.  When all are taken the receive's auxiliary
 * completions are not followed, and counted as missed.
 */
static struct req_slot mshot_slots[REQ_SLOTS];
static atomic64_t mshot_missed;

static bool mshot_take(struct io_kiocb *r)
{
	if (!(READ_ONCE(r->flags) & REQ_F_APOLL_MULTISHOT))
		return false;
	if (req_slot_take(mshot_slots, r))
		return true;
	atomic64_inc(&mshot_missed);
	return false;
}

static void mshot_put(void)
{
	req_slot_put(mshot_slots);
}
#else
static bool mshot_take(struct io_kiocb *r)
{
	return false;
}

static void mshot_put(void)
{
}
#endif

/*
 * io_recv() and io_recvmsg() (RECV, RECVMSG; called through the opcode
 * table, never inlined) return IOU_OK (0), or IOU_STOP_MULTISHOT
 * (-ECANCELED) for a multishot request that ends, exactly when the
 * request's result, final, has been put in req->cqe.res
 * (io_recv_finish()): counted then.  Anything else is a retry (partial
 * bytes carried in the request to the next call) or a multishot
 * completion posted on its own (below).
 */
struct recv_call {
	struct io_kiocb *req;
	bool slot;
};

static int recv_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct recv_call *c = (void *)ri->data;

	c->req = (void *)regs_get_kernel_argument(regs, 0);
	c->slot = mshot_take(c->req);
	return 0;
}

static int recv_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct recv_call *c = (void *)ri->data;
	int ret = (int)regs_return_value(regs);

	if (c->slot)
		mshot_put();
	if (ret == 0 || ret == -ECANCELED)
		read_done(c->req, READ_ONCE(c->req->cqe.res));
	return 0;
}

/*
 * Blocking receives wait in io-wq workers inside these: room for many at
 * once; a shortage is counted (nmissed, probes_missed).
 */
struct kretprobe daudit_krp_uring_recv = {
	.kp.symbol_name = "io_recv",
	.entry_handler = recv_entry,
	.handler = recv_return,
	.data_size = sizeof(struct recv_call),
	.maxactive = 1024,
};

struct kretprobe daudit_krp_uring_recvmsg = {
	.kp.symbol_name = "io_recvmsg",
	.entry_handler = recv_entry,
	.handler = recv_return,
	.data_size = sizeof(struct recv_call),
	.maxactive = 1024,
};

#ifndef DAUDIT_URING_AUX_HAS_REQ
/* io_post_aux_cqe(ctx, user_data, res, cflags, allow_overflow) */
static struct io_kiocb *aux_req(struct pt_regs *regs)
{
	return req_slot_mine(mshot_slots);
}

u64 daudit_uring_missed(void)
{
	return atomic64_read(&mshot_missed) + READ_ONCE(iopoll_missed);
}
#else
/* io_req_post_cqe(req, res, cflags) */
static struct io_kiocb *aux_req(struct pt_regs *regs)
{
	return (void *)regs_get_kernel_argument(regs, 0);
}

u64 daudit_uring_missed(void)
{
	return READ_ONCE(iopoll_missed);
}
#endif

static int aux_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct uring_aux *a = (void *)ri->data;

	a->req = aux_req(regs);
	a->res = (int)regs_get_kernel_argument(regs, DAUDIT_URING_AUX_RES_ARG);
	/* Only reads of some bytes are followed to their return. */
	if (!a->req || a->res <= 0 || !read_path(READ_ONCE(a->req->opcode)))
		return 1;
	return 0;
}

static int aux_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct uring_aux *a = (void *)ri->data;

	/* Not posted: the request ends with this result, counted then. */
	if (regs_return_value(regs) & 0xff)
		read_done(a->req, a->res);
	return 0;
}

struct kretprobe daudit_krp_uring_aux = {
	.kp.symbol_name = DAUDIT_URING_AUX_SYMBOL,
	.entry_handler = aux_entry,
	.handler = aux_return,
	.data_size = sizeof(struct uring_aux),
	.maxactive = 64,
};
