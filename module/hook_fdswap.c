// SPDX-License-Identifier: GPL-2.0
/*
 * A descriptor swapped under a read.  The syscall read paths find the
 * file by its number at sys_exit (hook_syscall.c), after the read.  In a
 * descriptor table that threads share, one thread can replace number N
 * (dup2() of /dev/null over it, or close() and a new open) while another
 * is still reading the protected file N named: the read took its own
 * reference at its start, reads the protected file to the end, and at
 * sys_exit N names the new file.
 *
 * Two records close that, both under claims_lock:
 *
 * - A swap: close(), dup2(), dup3() and close_range() (64-bit and ia32),
 *   at their entry, and io_uring's CLOSE, in a shared table, over a
 *   number that names a protected file, record the table, the number and
 *   the file until the swapping syscall's own sys_exit (io_close()'s
 *   return for io_uring, which may run in an io-wq worker).  Meanwhile a
 *   read on that number in that table that returns counts for the file.
 * - A claim: at that sys_exit, every other thread sharing the table whose
 *   saved registers show a read syscall on the number gets a claim on the
 *   file.  Its next sys_exit takes it: a read on that number counts for
 *   the file; any other syscall drops it.
 *
 * The swap turns into the claims in one step under the lock, so a read
 * that ends at any moment finds one or the other, provided it looks after
 * its descriptor lookup: the swap is recorded before the table changes,
 * so a lookup that sees the change is followed by a look that sees the
 * swap or its claims (x86 keeps stores, and loads, in order).  Counted
 * reads carry read path "fd_swapped" beside their own.  A thread seen
 * between two reads on the number (its registers still name the last)
 * has its next read of that number counted for the file: over-reporting,
 * never a protected read unseen.  Elsewhere: a close or dup in a table
 * nobody shares leaves at the second compare, and sys_exit tests one word
 * that is 0 unless a swap or a claim is pending, after the descriptor
 * lookup.  close_range() records a swap for each protected file in its
 * range.  A seccomp supervisor's SECCOMP_ADDFD_FLAG_SETFD replaces a number
 * through replace_fd() in the target thread, inside the syscall the
 * supervisor answers: a swap like dup2(), ended at that syscall's exit.
 */
#include <linux/close_range.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/io_uring_types.h>
#include <linux/sched/signal.h>
#include <linux/seqlock.h>
#include <linux/spinlock.h>

#include "hooks.h"

#define DAUDIT_CLAIMS	32
#define DAUDIT_SWAPS	8

struct daudit_claim {
	struct task_struct *task;	/* a reference */
	struct file *file;		/* a reference */
	int fd;
};

struct daudit_swap {
	struct task_struct *task;	/* the swapping thread; it removes it */
	const struct files_struct *files;
	struct file *file;		/* a reference */
	int fd;
};

static struct daudit_claim claims[DAUDIT_CLAIMS];
static struct daudit_swap swaps[DAUDIT_SWAPS];
static DEFINE_RAW_SPINLOCK(claims_lock);
/* Every change of claims[] and swaps[]: for the lockless look at sys_exit. */
static seqcount_raw_spinlock_t claims_seq =
	SEQCNT_RAW_SPINLOCK_ZERO(claims_seq, &claims_lock);
static u64 claims_missed;

static void pending_add(int n)
{
	atomic_add(n, &daudit_exit_work);
}

/*
 * Empty claim @c, returning its file's reference to the caller.  Caller
 * holds claims_lock, in a write section of claims_seq.
 */
static struct file *unclaim_at(struct daudit_claim *c)
{
	struct file *file = c->file;

	put_task_struct(c->task);
	c->task = NULL;
	c->file = NULL;
	pending_add(-1);
	return file;
}

/*
 * A slot for a new claim.  A task that began to exit after it got its
 * claim may be past its exit probe: its slot is taken back.  Caller holds
 * claims_lock, in a write section of claims_seq.
 */
static struct daudit_claim *free_claim(void)
{
	int i;

	for (i = 0; i < DAUDIT_CLAIMS; i++)
		if (!claims[i].task)
			return &claims[i];
	for (i = 0; i < DAUDIT_CLAIMS; i++) {
		if (READ_ONCE(claims[i].task->flags) & PF_EXITING) {
			fput(unclaim_at(&claims[i]));
			return &claims[i];
		}
	}
	return NULL;
}

/* Give @t a claim on @file, read through @fd.  Same context. */
static void claim(struct task_struct *t, struct file *file, int fd)
{
	struct daudit_claim *c;
	int i;

	if (READ_ONCE(t->flags) & (PF_EXITING | PF_KTHREAD | PF_IO_WORKER))
		return;
	for (i = 0; i < DAUDIT_CLAIMS; i++)
		if (claims[i].task == t)
			return;		/* the first file swapped out counts */
	c = free_claim();
	if (!c) {
		claims_missed++;
		return;
	}
	c->task = get_task_struct(t);
	c->file = get_file(file);
	c->fd = fd;
	pending_add(1);
}

/*
 * Claims for the threads sharing @files, other than current, in a read
 * of @fd.  Same context.
 */
static void claim_readers(const struct files_struct *files,
			  struct file *file, int fd)
{
	struct task_struct *g, *t;
	int sharers = 1, rfd;

	rcu_read_lock();
	for_each_thread(current, t) {
		if (t == current || READ_ONCE(t->files) != files)
			continue;
		sharers++;
		rfd = daudit_syscall_read_fd(t);
		if (rfd == fd)
			claim(t, file, rfd);
	}
	/* A table shared beyond the thread group (clone(CLONE_FILES)). */
	if (atomic_read(&files->count) > sharers) {
		for_each_process_thread(g, t) {
			if (same_thread_group(t, current) ||
			    READ_ONCE(t->files) != files)
				continue;
			rfd = daudit_syscall_read_fd(t);
			if (rfd == fd)
				claim(t, file, rfd);
		}
	}
	rcu_read_unlock();
}

/* Is current's table shared with another task?  Kernel threads' is. */
static struct files_struct *shared_files(void)
{
	struct files_struct *files = current->files;

	if (!files || atomic_read(&files->count) < 2 ||
	    (current->flags & PF_KTHREAD))
		return NULL;
	return files;
}

/* Is @file, held, protected data under the policy in force? */
static bool protected(struct file *file)
{
	struct daudit_policy *p = daudit_policy_current();

	return p && daudit_fcache_get(p, file, true, -1);
}

/*
 * close(), dup2() or dup3() of @fd is about to change current's table:
 * whether a swap was recorded.
 */
static bool swap_begin(int fd)
{
	struct files_struct *files = shared_files();
	struct daudit_swap *s = NULL;
	struct file *file;
	int i;

	if (!files || fd < 0)
		return false;
	file = fget(fd);
	if (!file)
		return false;
	if (!protected(file)) {
		fput(file);
		return false;
	}
	raw_spin_lock(&claims_lock);
	write_seqcount_begin(&claims_seq);
	for (i = 0; i < DAUDIT_SWAPS && !s; i++)
		if (!swaps[i].task)
			s = &swaps[i];
	if (s) {
		s->task = current;
		s->files = files;
		s->file = file;
		s->fd = fd;
		pending_add(1);
		file = NULL;
	} else {
		claims_missed++;
	}
	write_seqcount_end(&claims_seq);
	raw_spin_unlock(&claims_lock);
	if (file) {
		fput(file);
		return false;
	}
	return true;
}

/*
 * close_range(@first, @last, @flags): a swap for each protected file in
 * the range.  CLOSE_RANGE_UNSHARE closes in a copy of the table, and
 * CLOSE_RANGE_CLOEXEC closes nothing yet.
 */
static void swap_range(unsigned int first, unsigned int last,
		       unsigned int flags)
{
	struct files_struct *files = shared_files();
	unsigned int fd = first;

	if (!files || first > last ||
	    (flags & (CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC)))
		return;
	for (;;) {
		struct fdtable *fdt;
		unsigned int max;

		rcu_read_lock();
		fdt = files_fdtable(files);
		max = min(last, fdt->max_fds - 1) + 1;
		fd = fd < max ? find_next_bit(fdt->open_fds, max, fd) : max;
		rcu_read_unlock();
		if (fd >= max)
			return;
		swap_begin(fd);
		if (fd++ == last)
			return;
	}
}

/*
 * Current's swaps, if it has any, end: its claims are made in the same
 * step.  @made: make them (false: the task is exiting).
 */
static void swap_end(struct task_struct *t, bool made)
{
	struct file *files[DAUDIT_SWAPS];
	int i, n = 0;

	raw_spin_lock(&claims_lock);
	write_seqcount_begin(&claims_seq);
	for (i = 0; i < DAUDIT_SWAPS; i++) {
		if (swaps[i].task != t)
			continue;
		files[n++] = swaps[i].file;
		if (made)
			claim_readers(swaps[i].files, swaps[i].file,
				      swaps[i].fd);
		swaps[i].task = NULL;
		swaps[i].file = NULL;
		pending_add(-1);
	}
	write_seqcount_end(&claims_seq);
	raw_spin_unlock(&claims_lock);
	for (i = 0; i < n; i++)
		fput(files[i]);
}

/* close(fd) */
static int close_pre(struct kprobe *kp, struct pt_regs *regs)
{
	swap_begin(daudit_user_regs(regs)->di);
	return 0;
}

/* dup2(oldfd, newfd), dup3(oldfd, newfd, flags) */
static int dup_pre(struct kprobe *kp, struct pt_regs *regs)
{
	swap_begin(daudit_user_regs(regs)->si);
	return 0;
}

/* close_range(fd, max_fd, flags) */
static int close_range_pre(struct kprobe *kp, struct pt_regs *regs)
{
	const struct pt_regs *u = daudit_user_regs(regs);

	swap_range(u->di, u->si, u->dx);
	return 0;
}

static int ia32_close_range_pre(struct kprobe *kp, struct pt_regs *regs)
{
	const struct pt_regs *u = daudit_user_regs(regs);

	swap_range((u32)u->bx, (u32)u->cx, (u32)u->dx);
	return 0;
}

static int ia32_close_pre(struct kprobe *kp, struct pt_regs *regs)
{
	swap_begin((u32)daudit_user_regs(regs)->bx);
	return 0;
}

static int ia32_dup_pre(struct kprobe *kp, struct pt_regs *regs)
{
	swap_begin((u32)daudit_user_regs(regs)->cx);
	return 0;
}

/*
 * replace_fd(fd, file, flags): a seccomp supervisor's addfd with
 * SECCOMP_ADDFD_FLAG_SETFD puts its file at number @fd of the target's
 * table, in the target thread, before the notified syscall returns.
 */
static int replace_pre(struct kprobe *kp, struct pt_regs *regs)
{
	swap_begin((int)regs_get_kernel_argument(regs, 0));
	return 0;
}

struct kprobe daudit_kp_swaps[DAUDIT_KP_SWAPS] = {
	{ .symbol_name = "__x64_sys_close", .pre_handler = close_pre },
	{ .symbol_name = "__x64_sys_dup2", .pre_handler = dup_pre },
	{ .symbol_name = "__x64_sys_dup3", .pre_handler = dup_pre },
	{ .symbol_name = "__ia32_sys_close", .pre_handler = ia32_close_pre },
	{ .symbol_name = "__ia32_sys_dup2", .pre_handler = ia32_dup_pre },
	{ .symbol_name = "__ia32_sys_dup3", .pre_handler = ia32_dup_pre },
	{ .symbol_name = "__x64_sys_close_range",
	  .pre_handler = close_range_pre },
	{ .symbol_name = "__ia32_sys_close_range",
	  .pre_handler = ia32_close_range_pre },
	{ .symbol_name = "replace_fd", .pre_handler = replace_pre },
};

/*
 * io_uring's CLOSE: io_close(req, issue_flags) (the opcode table's, never
 * inlined) closes a number of current's table, the submitter's or that of
 * the io-wq worker it runs in, which shares it; its swap ends when it
 * returns (a worker has no sys_exit).  Its command, at the start of the
 * request, is struct io_close of io_uring/openclose.c: the same on 6.1
 * and 6.12.
 */
struct uring_close_cmd {
	struct file *file;
	int fd;
	u32 file_slot;		/* a registered file's, not a number's */
};

static int uring_close_entry(struct kretprobe_instance *ri,
			     struct pt_regs *regs)
{
	const struct uring_close_cmd *c =
		(const void *)regs_get_kernel_argument(regs, 0);

	BUILD_BUG_ON(offsetof(struct io_kiocb, cmd) != 0);
	if (READ_ONCE(c->file_slot))
		return 1;
	return swap_begin(READ_ONCE(c->fd)) ? 0 : 1;
}

static int uring_close_return(struct kretprobe_instance *ri,
			      struct pt_regs *regs)
{
	swap_end(current, true);
	return 0;
}

/* io-wq workers may sleep in io_close() (a file's flush): room for many. */
struct kretprobe daudit_krp_uring_close = {
	.kp.symbol_name = "io_close",
	.entry_handler = uring_close_entry,
	.handler = uring_close_return,
	.maxactive = 64,
};

/*
 * What current's syscall, reading @fd (-1: no read), reads by claim or
 * swap: the index of its claim, or DAUDIT_CLAIMS + the index of a swap
 * of @fd in its table; -1 if none.  Caller holds claims_lock, or reads
 * inside claims_seq and retries if it changed (hence READ_ONCE()).
 */
static int find(int fd)
{
	const struct files_struct *files = current->files;
	int i;

	for (i = 0; i < DAUDIT_CLAIMS; i++)
		if (READ_ONCE(claims[i].task) == current)
			return i;
	if (fd < 0)
		return -1;
	for (i = 0; i < DAUDIT_SWAPS; i++)
		if (READ_ONCE(swaps[i].task) && READ_ONCE(swaps[i].fd) == fd &&
		    READ_ONCE(swaps[i].files) == files)
			return DAUDIT_CLAIMS + i;
	return -1;
}

/**
 * daudit_claims_sys_exit - current's sys_exit, while something is pending.
 * @reading: its syscall is a read that returned data.
 *
 * Ends current's own swap, if it has one (making its claims); drops its
 * claim unless it is reading (then daudit_claim_take() takes it, after
 * the descriptor lookup).
 */
void daudit_claims_sys_exit(bool reading)
{
	struct file *file = NULL;
	bool swapping, claimed;
	unsigned int seq;
	int i;

	/* Lockless first: every syscall comes here while one is pending. */
	do {
		seq = read_seqcount_begin(&claims_seq);
		swapping = false;
		for (i = 0; i < DAUDIT_SWAPS; i++)
			if (READ_ONCE(swaps[i].task) == current)
				swapping = true;
		claimed = !reading && find(-1) >= 0;
	} while (read_seqcount_retry(&claims_seq, seq));
	if (swapping)
		swap_end(current, true);
	if (!claimed)
		return;
	raw_spin_lock(&claims_lock);
	write_seqcount_begin(&claims_seq);
	i = find(-1);
	if (i >= 0)
		file = unclaim_at(&claims[i]);
	write_seqcount_end(&claims_seq);
	raw_spin_unlock(&claims_lock);
	if (file)
		fput(file);
}

/**
 * daudit_claim_take - the file current's read of @fd read, if swapped out.
 * @fd: the descriptor current's read syscall read; looked up already.
 *
 * Takes current's claim, if it has one, or finds a swap of @fd in
 * progress in its table.
 *
 * Return: the file swapped out of @fd while the read ran, with a
 * reference for daudit_claim_put(); or NULL.
 */
struct file *daudit_claim_take(int fd)
{
	struct file *file = NULL;
	unsigned int seq;
	int i;

	/* Lockless first: every read comes here while one is pending. */
	do {
		seq = read_seqcount_begin(&claims_seq);
		i = find(fd);
	} while (read_seqcount_retry(&claims_seq, seq));
	if (i < 0)
		return NULL;
	raw_spin_lock(&claims_lock);
	write_seqcount_begin(&claims_seq);
	i = find(fd);
	if (i >= DAUDIT_CLAIMS) {
		file = get_file(swaps[i - DAUDIT_CLAIMS].file);
	} else if (i >= 0) {
		bool same = claims[i].fd == fd;

		file = unclaim_at(&claims[i]);
		if (!same) {
			fput(file);
			file = NULL;
		}
	}
	write_seqcount_end(&claims_seq);
	raw_spin_unlock(&claims_lock);
	return file;
}

void daudit_claim_put(struct file *file)
{
	fput(file);
}

/* @t exits: its claim and its swap, if any, go. */
void daudit_claim_task_gone(struct task_struct *t)
{
	struct file *file = NULL;
	int i;

	if (!atomic_read(&daudit_exit_work))
		return;
	swap_end(t, false);
	raw_spin_lock(&claims_lock);
	write_seqcount_begin(&claims_seq);
	for (i = 0; i < DAUDIT_CLAIMS; i++) {
		if (claims[i].task == t) {
			file = unclaim_at(&claims[i]);
			break;
		}
	}
	write_seqcount_end(&claims_seq);
	raw_spin_unlock(&claims_lock);
	if (file)
		fput(file);
}

/* Claims and swaps that found no slot (counted with the probes' misses). */
u64 daudit_claims_missed(void)
{
	return READ_ONCE(claims_missed);
}

/* The probes are gone: drop everything. */
void daudit_claims_exit(void)
{
	int i;

	for (i = 0; i < DAUDIT_CLAIMS; i++)
		if (claims[i].task)
			fput(unclaim_at(&claims[i]));
	for (i = 0; i < DAUDIT_SWAPS; i++) {
		if (!swaps[i].task)
			continue;
		fput(swaps[i].file);
		swaps[i].task = NULL;
		swaps[i].file = NULL;
		pending_add(-1);
	}
}
