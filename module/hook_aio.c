// SPDX-License-Identifier: GPL-2.0
/*
 * Legacy AIO (io_submit IOCB_CMD_PREAD and PREADV) calls a file's or a
 * socket's ->read_iter() without any read syscall, and every such read
 * ends in the kiocb's completion, aio_complete_rw(kiocb, res) (static,
 * not inlined on 6.1 or 6.12): the file and the exact byte count.  A
 * read served at once (the page cache, tmpfs, a socket with data)
 * completes inside io_submit, in the submitter's context, and is
 * attributed to it.
 *
 * A read that completes later (O_DIRECT through iomap on ext4, xfs and
 * btrfs, a block device's own direct I/O, either under overlayfs)
 * completes from the block layer's interrupt: no task of its own.  So
 * its submission, aio_read() in the submitter's context, remembers the
 * submitter for the kiocb when the file is protected; the completion
 * finds it there and leaves the read (the file held, the bytes) for the
 * submitter's next sys_exit, which accounts it in its own context
 * (daudit_exit_work), or for its exit.  A completion in interrupt
 * context takes no lock it could meet there but this file's own, and
 * renders nothing.  Overlayfs completes its real file's kiocb by calling
 * the original's completion: the kiocb io_submit made, the one
 * remembered.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/sched/task.h>
#include <linux/spinlock.h>
#include <linux/uio.h>

#include "hooks.h"
#include "session.h"

#define DAUDIT_AIO_SLOTS	256

/* A protected read submitted and not yet completed. */
struct aio_inflight {
	const struct kiocb *kiocb;
	struct task_struct *task;	/* a reference */
};

/* A completed one, waiting for its submitter's next sys_exit. */
struct aio_done {
	struct task_struct *task;	/* a reference */
	struct file *file;		/* a reference */
	long bytes;
	u32 path;			/* DAUDIT_PATH_* */
};

static struct aio_inflight inflight[DAUDIT_AIO_SLOTS];
static struct aio_done done[DAUDIT_AIO_SLOTS];
static int n_inflight, n_done;	/* used slots, at the front */
static DEFINE_RAW_SPINLOCK(aio_lock);	/* both arrays; taken in interrupts */
static u64 aio_missed;

/*
 * The submitter remembered for @k, if any: its slot is freed and its
 * reference passes to the caller.  Caller holds aio_lock.
 */
static struct task_struct *inflight_take(const struct kiocb *k)
{
	struct task_struct *t;
	int i;

	for (i = 0; i < n_inflight; i++) {
		if (inflight[i].kiocb != k)
			continue;
		t = inflight[i].task;
		inflight[i] = inflight[--n_inflight];
		return t;
	}
	return NULL;
}

/* aio_read(req, iocb, vectored, compat): the one kiocb followed. */
struct aio_submit {
	const struct kiocb *kiocb;
};

static int submit_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct kiocb *k = (struct kiocb *)regs_get_kernel_argument(regs, 0);
	struct aio_submit *d = (void *)ri->data;
	struct daudit_policy *p;
	unsigned long flags;
	int ret = 1;

	if (current->flags & PF_KTHREAD)
		return 1;
	/*
	 * Classified now, in the submitter's context (io_submit took the
	 * file into the kiocb before this; the request holds it).
	 */
	p = daudit_policy_current();
	if (!p || !daudit_fcache_get(p, k->ki_filp, true, -1))
		return 1;
	raw_spin_lock_irqsave(&aio_lock, flags);
	if (n_inflight < DAUDIT_AIO_SLOTS) {
		inflight[n_inflight].kiocb = k;
		inflight[n_inflight].task = get_task_struct(current);
		n_inflight++;
		d->kiocb = k;
		ret = 0;
	} else {
		aio_missed++;
	}
	raw_spin_unlock_irqrestore(&aio_lock, flags);
	return ret;
}

/*
 * aio_read() returns non-zero only when the read was never issued: no
 * completion will come for the kiocb, which io_submit frees after this.
 */
static int submit_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	const struct kiocb *k = ((struct aio_submit *)ri->data)->kiocb;
	struct task_struct *t;
	unsigned long flags;

	if (regs_return_value(regs) == 0)
		return 0;
	raw_spin_lock_irqsave(&aio_lock, flags);
	t = inflight_take(k);
	raw_spin_unlock_irqrestore(&aio_lock, flags);
	if (t)
		put_task_struct(t);
	return 0;
}

/*
 * aio_read() (static, not inlined on 6.1 or 6.12) sets up every legacy
 * AIO read, whatever reads the file: iomap, a block device's own direct
 * I/O, overlayfs passing it on to its real file.  It may sleep (a
 * buffered read waits for the page cache): room for many at once; a
 * shortage is counted (nmissed, probes_missed).
 */
struct kretprobe daudit_krp_aio_submit = {
	.kp.symbol_name = "aio_read",
	.entry_handler = submit_entry,
	.handler = submit_return,
	.data_size = sizeof(struct aio_submit),
	.maxactive = 256,
};

/*
 * Leave @bytes of @file read by @t for its next sys_exit (@bytes 0: only
 * @t's reference to drop, outside interrupt context).  Takes over the
 * reference on @t.  Caller holds aio_lock.
 */
static void defer(struct task_struct *t, struct file *file, long bytes,
		  u32 path)
{
	if (n_done == DAUDIT_AIO_SLOTS) {
		aio_missed++;
		/* As an RCU callback may, in any context but PREEMPT_RT's. */
		put_task_struct(t);
		return;
	}
	done[n_done].task = t;
	done[n_done].file = file ? get_file(file) : NULL;
	done[n_done].bytes = bytes;
	done[n_done].path = path;
	n_done++;
	atomic_inc(&daudit_exit_work);
}

static int aio_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct kiocb *k = (struct kiocb *)regs_get_kernel_argument(regs, 0);
	long res = (long)regs_get_kernel_argument(regs, 1);
	bool here = in_task() && !(current->flags & PF_KTHREAD);
	struct task_struct *t = NULL;
	struct daudit_io io = {
		.off = DAUDIT_OFFSET_UNKNOWN,
		.calls = 1,
		.path = DAUDIT_PATH_AIO,
	};
	unsigned long flags;

	if (READ_ONCE(n_inflight)) {
		raw_spin_lock_irqsave(&aio_lock, flags);
		t = inflight_take(k);
		if (t && (!here || t != current)) {
			/* Elsewhere: for the submitter's sys_exit. */
			defer(t, res > 0 ? k->ki_filp : NULL,
			      res > 0 ? res : 0, DAUDIT_PATH_AIO);
			t = NULL;
			res = 0;
		}
		raw_spin_unlock_irqrestore(&aio_lock, flags);
	}
	if (res > 0 && !(k->ki_flags & IOCB_WRITE) && here) {
		io.bytes = res;
		/* The request holds its file until it is freed, after this. */
		daudit_hook_read(k->ki_filp, true, -1, current, &io);
	}
	if (t)
		put_task_struct(t);
	return 0;
}

struct kprobe daudit_kp_aio = {
	.symbol_name = "aio_complete_rw",
	.pre_handler = aio_pre,
};

/**
 * daudit_defer_read - leave a read done away from its reader for later.
 * @t: the task the read is attributed to (a reference is taken).
 * @file: the file read, held by the caller until this returns.
 * @bytes: the bytes read, more than 0.
 * @path: its read path (DAUDIT_PATH_*).
 *
 * For completions in interrupt context or in another process's kernel
 * thread: the read is accounted at @t's next sys_exit, or at its exit,
 * in @t's context.  A shortage of slots is counted in probes_missed.
 *
 * Context: any, interrupts included.
 */
void daudit_defer_read(struct task_struct *t, struct file *file, long bytes,
		       u32 path)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&aio_lock, flags);
	defer(get_task_struct(t), file, bytes, path);
	raw_spin_unlock_irqrestore(&aio_lock, flags);
}

/*
 * Account, in its submitter's context, one read left by defer(); if the
 * submitter exited before it came (@mine false), it is counted missed.
 */
static void account_done(struct aio_done *d, bool mine)
{
	struct daudit_io io = {
		.off = DAUDIT_OFFSET_UNKNOWN,
		.calls = 1,
		.path = d->path,
		.bytes = d->bytes,
	};

	rcu_read_lock();
	if (d->file && d->bytes > 0 && mine)
		daudit_hook_read(d->file, true, -1, current, &io);
	else if (d->file && d->bytes > 0)
		WRITE_ONCE(aio_missed, aio_missed + 1);
	rcu_read_unlock();
	if (d->file)
		fput(d->file);
	put_task_struct(d->task);
}

/*
 * Take the reads left for @t, current, and account them; NULL: those of
 * tasks past their exit, whose own sys_exit will not come (missed).
 */
static void run_done(struct task_struct *t)
{
	struct aio_done batch[8];
	unsigned long flags;
	int i, n;

	do {
		n = 0;
		raw_spin_lock_irqsave(&aio_lock, flags);
		for (i = 0; i < n_done && n < ARRAY_SIZE(batch);) {
			if (t ? done[i].task != t :
			    !(READ_ONCE(done[i].task->flags) & PF_EXITING)) {
				i++;
				continue;
			}
			batch[n++] = done[i];
			done[i] = done[--n_done];
			atomic_dec(&daudit_exit_work);
		}
		raw_spin_unlock_irqrestore(&aio_lock, flags);
		for (i = 0; i < n; i++)
			account_done(&batch[i], t);
	} while (n == ARRAY_SIZE(batch));
}

/**
 * daudit_aio_sys_exit - at a task's sys_exit while exit work is pending.
 *
 * Accounts the O_DIRECT reads completed for current away from it, and
 * lets go of those whose submitter exited before they completed.
 */
void daudit_aio_sys_exit(void)
{
	int i, mine = 0;

	if (!READ_ONCE(n_done))
		return;
	/* Lockless first: every syscall comes here while one is left. */
	for (i = 0; i < DAUDIT_AIO_SLOTS && i < READ_ONCE(n_done); i++) {
		struct task_struct *t = READ_ONCE(done[i].task);

		if (t == current ||
		    (t && (READ_ONCE(t->flags) & PF_EXITING)))
			mine = 1;
	}
	if (!mine)
		return;
	run_done(current);
	run_done(NULL);
}

/* @t exits: the reads left for it are accounted now. */
void daudit_aio_task_gone(struct task_struct *t)
{
	if (READ_ONCE(n_done))
		run_done(t);
}

/* Reads not followed for want of a slot (counted with probe misses). */
u64 daudit_aio_missed(void)
{
	return READ_ONCE(aio_missed);
}

/* The probes are gone: drop what is left. */
void daudit_aio_exit(void)
{
	int i;

	for (i = 0; i < n_inflight; i++)
		put_task_struct(inflight[i].task);
	n_inflight = 0;
	for (i = 0; i < n_done; i++) {
		if (done[i].file)
			fput(done[i].file);
		put_task_struct(done[i].task);
		atomic_dec(&daudit_exit_work);
	}
	n_done = 0;
}
