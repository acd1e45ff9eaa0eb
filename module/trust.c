// SPDX-License-Identifier: GPL-2.0
/*
 * Is a program running only its own code?  The checks behind trusted
 * readers (session.c) and declaring applications (actor.c): what the
 * loader was told to inject, and what code the process maps.
 */
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "trust.h"

#define ENV_SCAN_MAX	(64 * 1024)

/*
 * Does the environment of current's process, @mm, ask the dynamic loader
 * to run code that is not the program's own?  The strings are read
 * without faulting (atomic context); an environment that cannot be read
 * whole, or is too long to scan, counts as yes: trust is only given when
 * it can be checked.
 */
bool daudit_loader_injects(struct mm_struct *mm)
{
	static const char *const vars[] = {
		"LD_PRELOAD=", "LD_AUDIT=", "LD_LIBRARY_PATH=",
	};
	unsigned long start = READ_ONCE(mm->env_start);
	unsigned long end = READ_ONCE(mm->env_end), pos;
	char buf[128], name[20];
	bool at_start = true;
	size_t i, j, n;

	if (end <= start)
		return false;
	if (end - start > ENV_SCAN_MAX)
		return true;
	for (pos = start; pos < end; pos += n) {
		n = min_t(unsigned long, end - pos, sizeof(buf));
		if (copy_from_user_nofault(buf, (const void __user *)pos, n))
			return true;
		for (i = 0; i < n; i++) {
			bool first = at_start;

			at_start = buf[i] == '\0';
			if (!first || buf[i] != 'L')
				continue;
			/* A string starting with L: read its first bytes. */
			memset(name, 0, sizeof(name));
			if (copy_from_user_nofault(name, (const void __user *)(pos + i),
						   min_t(unsigned long, end - pos - i,
							 sizeof(name) - 1)))
				return true;
			for (j = 0; j < ARRAY_SIZE(vars); j++)
				if (!strncmp(name, vars[j], strlen(vars[j])))
					return true;
		}
	}
	return false;
}

/* Root's, and writable by root alone. */
static bool root_only(const struct inode *inode)
{
	return inode && uid_eq(inode->i_uid, GLOBAL_ROOT_UID) &&
	       !(inode->i_mode & 0022);
}

/*
 * Does @mm map code from a file other than its executable @exe or a
 * system file (root's and writable by root alone, in a directory that is
 * too)?  That is code someone other than root could have put there: a
 * plugin of the user's choosing, a memfd.  The mappings are walked under
 * the mmap lock, waited for when @may_sleep, else taken without waiting
 * (atomic context); when it cannot be had, the answer is yes.  Anonymous
 * executable memory (a JIT) is the program's own doing and does not count.
 */
bool daudit_foreign_code(struct mm_struct *mm, const struct inode *exe,
			 bool may_sleep)
{
	VMA_ITERATOR(vmi, mm, 0);
	struct vm_area_struct *vma;
	bool foreign = false;

	if (may_sleep ? mmap_read_lock_killable(mm) : !mmap_read_trylock(mm))
		return true;
	for_each_vma(vmi, vma) {
		struct file *f = vma->vm_file;
		struct dentry *parent;

		if (!(vma->vm_flags & VM_EXEC) || !f || file_inode(f) == exe)
			continue;
		parent = READ_ONCE(f->f_path.dentry->d_parent);
		if (!root_only(file_inode(f)) ||
		    !root_only(d_inode_rcu(parent))) {
			foreign = true;
			break;
		}
	}
	mmap_read_unlock(mm);
	return foreign;
}
