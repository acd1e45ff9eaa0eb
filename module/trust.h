/* SPDX-License-Identifier: GPL-2.0 */
/* Is a program running only its own code?  (trust.c) */
#ifndef _DAUDIT_TRUST_H
#define _DAUDIT_TRUST_H

#include <linux/types.h>

struct mm_struct;
struct inode;

/*
 * Does @mm's environment ask the loader to run other code (LD_PRELOAD,
 * LD_AUDIT, LD_LIBRARY_PATH)?  Read without faulting; unreadable is yes.
 */
bool daudit_loader_injects(struct mm_struct *mm);
/*
 * Does @mm map executable code from a file other than @exe or a system
 * file?  Waits for the mmap lock when @may_sleep, else tries it once;
 * not had is yes.
 */
bool daudit_foreign_code(struct mm_struct *mm, const struct inode *exe,
			 bool may_sleep);

#endif /* _DAUDIT_TRUST_H */
