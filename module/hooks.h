/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where daudit.ko attaches to the kernel.  Each hook_*.c holds the probes
 * of one area; hooks.c registers them all, in order, and tears them down.
 * docs/hooks.md says why each point was chosen, per kernel version.
 */
#ifndef _DAUDIT_HOOKS_H
#define _DAUDIT_HOOKS_H

#include <linux/kprobes.h>
#include <linux/ptrace.h>
#include <linux/sched.h>

#include "fcache.h"
#include "policy.h"
#include "session.h"

int daudit_hooks_init(void);
void daudit_hooks_exit(void);
u64 daudit_hooks_missed(void);

/*
 * hook_syscall.c: raw_syscalls:sys_exit, the syscall read paths, and the
 * entries of sendfile, splice and copy_file_range (64-bit and ia32), the
 * egress mark of in-kernel copies.
 */
void daudit_probe_sys_exit(void *data, struct pt_regs *regs, long ret);
#define DAUDIT_KP_COPIES 7
extern struct kprobe daudit_kp_copies[DAUDIT_KP_COPIES];
int daudit_syscall_read_fd(struct task_struct *t);
/*
 * Work that waits for some task's next sys_exit: a swap or a claim
 * (hook_fdswap.c), an AIO read completed away from its submitter
 * (hook_aio.c).  Nearly always 0: the sys_exit probe tests it, after its
 * descriptor lookup.
 */
extern atomic_t daudit_exit_work;
/*
 * hook_fdswap.c: a protected file swapped out of a descriptor while
 * another thread reads it; claims on it for the readers' sys_exit.
 */
#define DAUDIT_KP_SWAPS 9
extern struct kprobe daudit_kp_swaps[DAUDIT_KP_SWAPS];
extern struct kretprobe daudit_krp_uring_close;
void daudit_claims_sys_exit(bool reading);
struct file *daudit_claim_take(int fd);
void daudit_claim_put(struct file *file);
void daudit_claim_task_gone(struct task_struct *t);
u64 daudit_claims_missed(void);
void daudit_claims_exit(void);
/* hook_uring.c: io_uring:io_uring_complete; reads that post no CQE. */
void daudit_probe_uring_complete(void *data, void *ctx, void *req,
				 u64 user_data, int res, unsigned int cflags,
				 u64 extra1, u64 extra2);
extern struct kretprobe daudit_krp_uring_read;
extern struct kprobe daudit_kp_uring_rw_complete;
extern struct kretprobe daudit_krp_uring_aux;
extern struct kretprobe daudit_krp_uring_splice;
extern struct kretprobe daudit_krp_do_splice;
extern struct kretprobe daudit_krp_uring_recv;
extern struct kretprobe daudit_krp_uring_recvmsg;
extern struct kprobe daudit_kp_uring_iopoll;
/* Multishot receives (6.1) and polled reads not followed for want of a slot. */
u64 daudit_uring_missed(void);
/* hook_sched.c: sched:sched_process_exec and sched_process_exit. */
void daudit_probe_exec(void *data, struct task_struct *p, pid_t old_pid,
		       struct linux_binprm *bprm);
void daudit_probe_exit(void *data, struct task_struct *p);
/* hook_vfs.c: the final release of a file; hard links. */
extern struct kprobe daudit_kp_fput;
extern struct kprobe daudit_kp_link;
extern struct kprobe daudit_kp_rename;
extern struct kretprobe daudit_krp_clone;
/* hook_mm.c: page table entries installed for file pages. */
extern struct kprobe daudit_kp_pte;
extern struct kprobe daudit_kp_pmd;
extern struct kprobe daudit_kp_uffd;
/* hook_aio.c: legacy AIO read completions. */
extern struct kprobe daudit_kp_aio;
extern struct kretprobe daudit_krp_aio_submit;
void daudit_aio_sys_exit(void);
void daudit_defer_read(struct task_struct *t, struct file *file, long bytes,
		       u32 path);
void daudit_aio_task_gone(struct task_struct *t);
u64 daudit_aio_missed(void);
void daudit_aio_exit(void);
/* hook_tamper.c: login uid rewritten, kprobes disarmed. */
extern struct kretprobe daudit_krp_loginuid;
extern struct kprobe daudit_kp_kprobes;

/*
 * Shared by the read and write hooks.  The caller is in an RCU read-side
 * critical section: rcu_read_lock(), or the disabled preemption of the
 * tracepoint probe it runs in (compat.h, daudit_syscall_probe_enter()).
 */
struct daudit_io;
/**
 * daudit_hook_read_in - account one read of a file under a policy.
 * @p: the policy in force.
 * @file: the file read.
 * @pinned: the caller holds a reference on @file.
 * @fd: else, its descriptor in current's table.
 * @task: the task the read is attributed to.
 * @io: the read.
 *
 * The per-read path: a superblock check and one hash lookup for files the
 * first level (fcache.h) does not know; no allocation, no path walk, no
 * sleep.
 *
 * Context: RCU read-side critical section (rcu_read_lock() or preemption
 * disabled).
 */
static inline void daudit_hook_read_in(struct daudit_policy *p,
				       struct file *file, bool pinned, int fd,
				       struct task_struct *task,
				       struct daudit_io *io)
{
	struct daudit_fentry *fe = daudit_fcache_get(p, file, pinned, fd);

	if (fe)
		daudit_session_account(p, fe, task, io);
}

/* The same under the policy in force, if any.  Same context. */
static inline void daudit_hook_read(struct file *file, bool pinned, int fd,
				    struct task_struct *task,
				    struct daudit_io *io)
{
	struct daudit_policy *p = daudit_policy_current();

	if (p)
		daudit_hook_read_in(p, file, pinned, fd, task, io);
}

/*
 * Mark @task's session for egress before it reads @file, if that is
 * protected data (the copies inside the kernel, whose output another
 * process can take before the read is counted).  Same context.
 */
static inline void daudit_hook_mark_early(struct file *file, bool pinned,
					  int fd, struct task_struct *task)
{
	struct daudit_policy *p = daudit_policy_current();
	struct daudit_fentry *fe;

	fe = p ? daudit_fcache_get(p, file, pinned, fd) : NULL;
	if (fe)
		daudit_session_mark_early(p, fe, task);
}

/*
 * A kprobe on a syscall's entry point (__x64_sys_*, __ia32_sys_*): its one
 * argument, the caller's saved registers.
 */
static inline const struct pt_regs *daudit_user_regs(struct pt_regs *regs)
{
	return (const struct pt_regs *)regs_get_kernel_argument(regs, 0);
}

void daudit_hook_write(struct file *file, bool pinned, int fd,
		       struct task_struct *task, struct daudit_io *io);

#endif /* _DAUDIT_HOOKS_H */
