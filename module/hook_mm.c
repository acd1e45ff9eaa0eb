// SPDX-License-Identifier: GPL-2.0
/*
 * mmap: the mapping itself is seen at the mmap syscall's exit; the bytes
 * are counted as pages of the file get mapped into the reader's page
 * tables, on a fault or on fault-around.  That is exact for pages mapped
 * and an upper bound for bytes touched: fault-around maps up to 16
 * neighbouring pages that may never be read, and re-reading a mapped page
 * costs nothing and is not seen.  Huge folios mapped by one PMD entry
 * count their whole size; pages mapped by userfaultfd's UFFDIO_CONTINUE,
 * with no fault of their own, count too.  docs/hooks.md has the details.
 */
#include <linux/mm.h>

#include "hooks.h"
#include "prof.h"
#include "session.h"

static int pte_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct vm_fault *vmf = (void *)regs_get_kernel_argument(regs, 0);
	struct file *file = vmf->vma->vm_file;
	struct daudit_io io = {
		.off = DAUDIT_OFFSET_UNKNOWN,
		.path = DAUDIT_PATH_MMAP,
	};
	u64 t0;

	if (!file)
		return 0;
	t0 = daudit_prof_begin();
	io.mmap_bytes = daudit_pte_nr(regs) * PAGE_SIZE;
	/* A kprobe handler runs with preemption disabled: an RCU section. */
	daudit_hook_read(file, true, -1, current, &io);
	daudit_prof_end(DAUDIT_ST_FAULT, t0);
	return 0;
}

struct kprobe daudit_kp_pte = {
	.symbol_name = DAUDIT_PTE_SYMBOL,
	.pre_handler = pte_pre,
};

#ifdef CONFIG_TRANSPARENT_HUGEPAGE
static int pmd_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct vm_area_struct *vma = daudit_pmd_vma(regs);
	struct daudit_io io = {
		.off = DAUDIT_OFFSET_UNKNOWN,
		.path = DAUDIT_PATH_MMAP,
		.mmap_bytes = HPAGE_PMD_SIZE,
	};

	/*
	 * Only a task's own fault maps into its own page tables; a PMD
	 * re-established for another mm (migration) is no new read.
	 */
	if (!vma || !vma->vm_file || vma->vm_mm != current->mm)
		return 0;
	daudit_hook_read(vma->vm_file, true, -1, current, &io);
	return 0;
}

struct kprobe daudit_kp_pmd = {
	.symbol_name = DAUDIT_PMD_SYMBOL,
	.pre_handler = pmd_pre,
};
#endif

static int uffd_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct vm_area_struct *vma;
	bool page_in_cache;
	struct daudit_io io = {
		.off = DAUDIT_OFFSET_UNKNOWN,
		.path = DAUDIT_PATH_MMAP,
		.mmap_bytes = PAGE_SIZE,
	};

	vma = daudit_uffd_vma(regs, &page_in_cache);
	if (!page_in_cache || !vma->vm_file)
		return 0;
	/* The task whose ioctl maps the page into @vma. */
	daudit_hook_read(vma->vm_file, true, -1, current, &io);
	return 0;
}

struct kprobe daudit_kp_uffd = {
	.symbol_name = "mfill_atomic_install_pte",
	.pre_handler = uffd_pre,
};
