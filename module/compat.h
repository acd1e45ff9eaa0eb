/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every kernel-version difference daudit.ko has to know about, in one
 * place.  Force-included into every object by Kbuild, so the rest of the
 * module reads like mainline code.  Verified against Debian's 6.1 and 6.12
 * cloud kernels; see docs/hooks.md.
 */
#ifndef _DAUDIT_COMPAT_H
#define _DAUDIT_COMPAT_H

/* Every message of the module carries its name. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/version.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/ns_common.h>
#include <linux/nsproxy.h>
#include <linux/ptrace.h>

/*
 * struct mnt_namespace is private to fs/; its first member is its
 * ns_common in every kernel we build for (fs/mount.h in 6.1 and 6.12), so
 * the namespace inode number is read through that.
 */
static inline unsigned int daudit_mnt_ns_inum(struct nsproxy *nsp)
{
	if (!nsp || !nsp->mnt_ns)
		return 0;
	return ((struct ns_common *)nsp->mnt_ns)->inum;
}

/*
 * Take a reference on a file found under RCU, or fail if it is being
 * released.  6.7 made files SLAB_TYPESAFE_BY_RCU and get_file_rcu() takes
 * the slot and re-checks it; before, it was a macro on the file itself.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
static inline struct file *daudit_get_file_rcu(struct file __rcu **slot)
{
	return get_file_rcu(slot);
}
#else
static inline struct file *daudit_get_file_rcu(struct file __rcu **slot)
{
	struct file *f = rcu_dereference_raw(*slot);

	if (f && !get_file_rcu(f))
		return NULL;
	return f;
}
#endif

/*
 * The function that installs page table entries for file pages on a
 * fault (and on fault-around).  6.6 replaced do_set_pte(vmf, page, addr),
 * one page, by set_pte_range(vmf, folio, page, nr, addr).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
#define DAUDIT_PTE_SYMBOL "set_pte_range"
static inline unsigned long daudit_pte_nr(struct pt_regs *regs)
{
	return regs_get_kernel_argument(regs, 3);
}
#else
#define DAUDIT_PTE_SYMBOL "do_set_pte"
static inline unsigned long daudit_pte_nr(struct pt_regs *regs)
{
	return 1;
}
#endif

/*
 * A huge folio of a file mapped whole by one PMD entry (tmpfs huge=,
 * MADV_HUGEPAGE and MADV_COLLAPSE on file systems with large folios).
 * Since 6.8, folio_add_file_rmap_pmd(folio, page, vma) adds the mapping's
 * rmap once the PMD is set, so a probe there counts only mappings made.
 * 6.1 has only page_add_file_rmap(), which every PTE mapping calls too, so
 * the probe sits on do_set_pmd(vmf, page) and repeats its checks: the
 * folio is PMD-sized, the range fits the mapping, the PMD is still empty.
 * Returns the VMA mapped, or NULL when no PMD mapping will be made.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
#define DAUDIT_PMD_SYMBOL "folio_add_file_rmap_pmd"
static inline struct vm_area_struct *daudit_pmd_vma(struct pt_regs *regs)
{
	return (struct vm_area_struct *)regs_get_kernel_argument(regs, 2);
}
#else
#define DAUDIT_PMD_SYMBOL "do_set_pmd"
static inline struct vm_area_struct *daudit_pmd_vma(struct pt_regs *regs)
{
	struct vm_fault *vmf = (struct vm_fault *)regs_get_kernel_argument(regs, 0);
	struct page *page = (struct page *)regs_get_kernel_argument(regs, 1);
	unsigned long haddr = vmf->address & HPAGE_PMD_MASK;

	if (compound_order(compound_head(page)) != HPAGE_PMD_ORDER ||
	    !transhuge_vma_suitable(vmf->vma, haddr) ||
	    !pmd_none(READ_ONCE(*vmf->pmd)))
		return NULL;
	return vmf->vma;
}
#endif

/*
 * userfaultfd maps a page of a file without a fault installing a page
 * table entry: UFFDIO_CONTINUE resolves a minor fault with the page
 * already in the page cache.  Both kernels end in the (global)
 * mfill_atomic_install_pte(); up to 6.4 it takes the mm first, from 6.5
 * it does not.
 * @page_in_cache is false for a page the call allocated and filled
 * with the caller's own bytes (UFFDIO_COPY into shmem): no read.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
static inline struct vm_area_struct *daudit_uffd_vma(struct pt_regs *regs,
						     bool *page_in_cache)
{
	*page_in_cache = !regs_get_kernel_argument(regs, 4);
	return (struct vm_area_struct *)regs_get_kernel_argument(regs, 1);
}
#else
static inline struct vm_area_struct *daudit_uffd_vma(struct pt_regs *regs,
						     bool *page_in_cache)
{
	*page_in_cache = !regs_get_kernel_argument(regs, 5);
	return (struct vm_area_struct *)regs_get_kernel_argument(regs, 2);
}
#endif

/* io_uring gained multishot reads in 6.7. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
#define DAUDIT_HAVE_READ_MULTISHOT 1
#endif

/*
 * A multishot request's extra completions (each RECV of a multishot
 * receive) pass no request to the io_uring_complete tracepoint.  6.12
 * posts them through io_req_post_cqe(req, res, cflags), which has it;
 * 6.1 through io_post_aux_cqe(ctx, user_data, res, cflags, overflow),
 * which does not: there the request is remembered while io_recv() or
 * io_recvmsg() runs in the task (hook_uring.c).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
#define DAUDIT_URING_AUX_HAS_REQ 1
#define DAUDIT_URING_AUX_SYMBOL "io_req_post_cqe"
#define DAUDIT_URING_AUX_RES_ARG 1	/* (req, res, cflags) */
#else
#define DAUDIT_URING_AUX_SYMBOL "io_post_aux_cqe"
#define DAUDIT_URING_AUX_RES_ARG 2	/* (ctx, user_data, res, ...) */
#endif

/*
 * The syscall probe's RCU read-side critical section.  Up to 6.12 every
 * tracepoint probe runs with preemption disabled (__DO_TRACE), and since
 * v4.20 a preemption-disabled region is an RCU read-side critical section
 * (synchronize_rcu() and call_rcu() wait for it;
 * Documentation/RCU/whatisRCU.rst), so the per-read path takes no
 * rcu_read_lock() of its own.  6.13 made the syscall tracepoints faultable:
 * their probes run preemptible, so there the probe disables preemption
 * itself (its per-CPU state needs that as well).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
#define daudit_syscall_probe_enter()	preempt_disable_notrace()
#define daudit_syscall_probe_exit()	preempt_enable_notrace()
#else
#define daudit_syscall_probe_enter()	do { } while (0)
#define daudit_syscall_probe_exit()	do { } while (0)
#endif

/*
 * The dentry that holds a stacked file's data: overlayfs answers d_real()
 * with the upper or lower file's dentry, which is where a protected tree
 * is.  Any other file system answers with the dentry itself.  Until 6.10
 * d_real() took an inode (NULL: the data's dentry); since, a type.  Both
 * forms read only the overlay's own pointers: no lock, no sleep.
 * D_REAL_METADATA, not D_REAL_DATA, because on 6.12 the latter may look up
 * a lazy data-only lower layer (a sleeping lookup); the two differ only
 * for a metacopy upper, which needs a mount by root (docs/hooks.md).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
#define daudit_d_real_data(dentry)	d_real((dentry), D_REAL_METADATA)
#else
#define daudit_d_real_data(dentry)	d_real((dentry), NULL)
#endif

/*
 * The per-read path's own functions are notrace (no __fentry__ call) and
 * daudit_nocanary: no stack canary where the compiler allows it (gcc 11
 * and later).  Their only locals are scalars and a small struct passed
 * down by pointer, no arrays.  Each saves a few instructions on every
 * read (docs/performance.md).
 */
#if __has_attribute(__no_stack_protector__)
#define daudit_nocanary __attribute__((__no_stack_protector__))
#else
#define daudit_nocanary
#endif

/*
 * PREEMPT_RT: spinlock_t and the slab allocator's own locks sleep, and
 * hooks run with preemption disabled, where nothing may be allocated or
 * kfree()d (Documentation/locking/locktypes.rst).  There pool.c hands out
 * only blocks it keeps ready and leaves kfree() to its worker; elsewhere
 * it may fall back on GFP_NOWAIT and free at once (docs/rt.md).
 */
#ifdef CONFIG_PREEMPT_RT
#define DAUDIT_SLAB_IN_ATOMIC 0
#else
#define DAUDIT_SLAB_IN_ATOMIC 1
#endif

/*
 * A kernel spinlock_t a hook has to take (an inode's i_lock, a unix
 * socket's state lock, a socket's sk_peer_lock).  On PREEMPT_RT it is a
 * sleeping lock, which a hook, running with preemption disabled, may not
 * wait for: there it is only tried (a trylock never sleeps), and when it
 * is busy the caller does without what it guards (docs/rt.md says what).
 * Elsewhere it is taken as it always was.
 */
#ifdef CONFIG_PREEMPT_RT
#define daudit_hook_spin_lock(lock)	spin_trylock(lock)
#else
#define daudit_hook_spin_lock(lock)	({ spin_lock(lock); true; })
#endif
/*
 * Its unlock.  Before 6.12, PREEMPT_RT's rt_spin_unlock() lacks the
 * __releases() that balances spin_trylock()'s __cond_lock() for sparse
 * (annotation only: the code is spin_unlock()).
 */
#if defined(CONFIG_PREEMPT_RT) && LINUX_VERSION_CODE < KERNEL_VERSION(6, 12, 0)
#define daudit_hook_spin_unlock(lock)					\
	do { spin_unlock(lock); __release(lock); } while (0)
#else
#define daudit_hook_spin_unlock(lock)	spin_unlock(lock)
#endif

/*
 * rename_lock's count, at the start of a walk of d_parent from hook
 * context; the walk ends with read_seqretry() and retries a few times.
 * On PREEMPT_RT a seqlock_t reader that finds a rename in progress takes
 * the renamer's (sleeping) lock to wait for it, so there the plain count
 * is read, never waiting.  Elsewhere, @may_spin waits for a rename in
 * progress unless the caller holds an inode's i_lock (classify.c).
 */
#ifdef CONFIG_PREEMPT_RT
static inline unsigned int daudit_rename_seqbegin(bool may_spin)
{
	return raw_seqcount_begin(&rename_lock.seqcount.seqcount);
}
#else
static inline unsigned int daudit_rename_seqbegin(bool may_spin)
{
	return may_spin ? read_seqbegin(&rename_lock) :
			  raw_seqcount_begin(&rename_lock.seqcount);
}
#endif

#endif /* _DAUDIT_COMPAT_H */
