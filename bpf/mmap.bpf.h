/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmap, as the module's hook_mm.c counts it: the mapping at the mmap
 * system call's exit (mmap_len), and the bytes of the file's pages as
 * they are mapped into the reader's page tables, by a fault or by
 * fault-around (mmap_bytes).  That is exact for pages mapped and an upper
 * bound for bytes touched: fault-around maps neighbouring pages that may
 * never be read, and a page read again once mapped costs nothing and is
 * not seen.  A huge folio mapped by one PMD entry counts its whole size;
 * pages userfaultfd's UFFDIO_CONTINUE maps, with no fault of their own,
 * count too, where that ioctl returns.  The loader attaches the programs this kernel has
 * (userspace/ebpf/sensor_load.c, mm_choose()).
 */
#ifndef DAUDIT_BPF_MMAP_H
#define DAUDIT_BPF_MMAP_H

#define MAP_ANONYMOUS	0x20
#define HPAGE_PMD_SIZE	(2UL << 20)	/* x86-64 */
#define PAGE_SIZE	4096UL

/* mmap(addr, len, prot, flags, fd, off): a mapping of the file made. */
SEC("fexit/__x64_sys_mmap")
int BPF_PROG(sys_mmap, const struct pt_regs *regs, long ret)
{
	struct task_struct *t = (void *)bpf_get_current_task();

	if (ret <= 0 || (BPF_CORE_READ(regs, r10) & MAP_ANONYMOUS))
		return 0;
	return read_by((__u64)t, (__u64)fd_file(t, BPF_CORE_READ(regs, r8)),
		       (long)BPF_CORE_READ(regs, si), DAUDIT_PATH_MMAP, POS_MAPPING);
}

/* @nr pages of the file of @vmf's mapping mapped by the current task. */
static __always_inline int mapped(struct vm_fault *vmf, __u64 nr)
{
	struct file *file = BPF_CORE_READ(vmf, vma, vm_file);

	if (!file)
		return 0;
	return read_by(bpf_get_current_task(), (__u64)file, (long)(nr * PAGE_SIZE),
		       DAUDIT_PATH_MMAP, POS_MAPPED);
}

/* 6.5+: @nr pages of one folio at once, by a fault or fault-around. */
SEC("fentry/set_pte_range")
int BPF_PROG(mm_pte, struct vm_fault *vmf, struct folio *folio, struct page *page,
	     unsigned int nr, unsigned long addr)
{
	return mapped(vmf, nr);
}

/* Before 6.5: one page at a time. */
SEC("fentry/do_set_pte")
int BPF_PROG(mm_pte_6_1, struct vm_fault *vmf, struct page *page, unsigned long addr)
{
	return mapped(vmf, 1);
}

/*
 * A huge folio mapped whole by one PMD entry, for the task's own mm (a
 * PMD re-established for another mm, by migration, is no new read).
 */
static __always_inline int pmd_mapped(struct vm_area_struct *vma)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	struct file *file = BPF_CORE_READ(vma, vm_file);

	if (!file || BPF_CORE_READ(vma, vm_mm) != BPF_CORE_READ(t, mm))
		return 0;
	return read_by((__u64)t, (__u64)file, (long)HPAGE_PMD_SIZE,
		       DAUDIT_PATH_MMAP, POS_MAPPED);
}

/* 6.8+: the rmap of a file folio mapped by a PMD, once it is set. */
SEC("fentry/folio_add_file_rmap_pmd")
int BPF_PROG(mm_pmd, struct folio *folio, struct page *page, struct vm_area_struct *vma)
{
	return pmd_mapped(vma);
}

/* Before: do_set_pmd() returned 0, so it set the PMD entry. */
SEC("fexit/do_set_pmd")
int BPF_PROG(mm_pmd_6_1, struct vm_fault *vmf, struct page *page, unsigned int ret)
{
	if (ret)
		return 0;
	return pmd_mapped(BPF_CORE_READ(vmf, vma));
}

static long vma_file(struct task_struct *t, struct vm_area_struct *vma, __u64 *file)
{
	*file = (__u64)BPF_CORE_READ(vma, vm_file);
	return 0;
}

/*
 * userfaultfd's UFFDIO_CONTINUE maps @ret bytes of pages already in the
 * file's cache at @start in the caller's mapping, with no fault of their
 * own.  Counted where the ioctl returns, for the file of the mapping at
 * @start (the kernel refuses a range that is not within one mapping).
 * The module counts the same pages one by one where each is installed;
 * the function it probes there took seven arguments before 6.5, more
 * than a trampoline takes on 6.1, and a kprobe needs CAP_SYS_ADMIN on
 * Debian (perf_event_paranoid 3).
 */
static __always_inline int uffd_continued(unsigned long start, long ret)
{
	__u64 file = 0;

	if (ret <= 0)
		return 0;
	/* bpf_find_vma() takes the kernel's typed pointer, read_by() a number. */
	bpf_find_vma(bpf_get_current_task_btf(), start, vma_file, &file, 0);
	if (!file)
		return 0;
	return read_by(bpf_get_current_task(), file, ret, DAUDIT_PATH_MMAP, POS_MAPPED);
}

/* 6.12: mfill_atomic_continue(ctx, start, len, flags) (renamed in 6.5). */
SEC("fexit/mfill_atomic_continue")
int BPF_PROG(mm_uffd, void *uctx, unsigned long start, unsigned long len,
	     unsigned int flags, long ret)
{
	return uffd_continued(start, ret);
}

/* 6.1: mcopy_continue(mm, start, len, mmap_changing). */
SEC("fexit/mcopy_continue")
int BPF_PROG(mm_uffd_6_1, struct mm_struct *mm, unsigned long start, unsigned long len,
	     atomic_t *changing, long ret)
{
	return uffd_continued(start, ret);
}

#endif
