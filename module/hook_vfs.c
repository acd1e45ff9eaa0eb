// SPDX-License-Identifier: GPL-2.0
/*
 * VFS points without a tracepoint: the final release of a file (__fput),
 * which ends its sessions, and vfs_link(), where a hard link to protected
 * data made outside its tree is reported and remembered.
 */
#include <linux/dcache.h>
#include <linux/kdev_t.h>

#include "classify.h"
#include "fcache.h"
#include "hooks.h"
#include "policy.h"
#include "record.h"

static int fput_pre(struct kprobe *kp, struct pt_regs *regs)
{
	daudit_fcache_release((struct file *)regs_get_kernel_argument(regs, 0));
	return 0;
}

struct kprobe daudit_kp_fput = {
	.symbol_name = "__fput",
	.pre_handler = fput_pre,
};

/* vfs_link(old_dentry, idmap or userns, dir, new_dentry, delegated) */
static int link_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct dentry *old = (void *)regs_get_kernel_argument(regs, 0);
	struct dentry *new = (void *)regs_get_kernel_argument(regs, 3);
	struct daudit_policy *p;
	struct daudit_verdict v;
	struct inode *inode;
	char *buf, *np;
	u32 off;

	rcu_read_lock();
	p = daudit_policy_current();
	buf = p ? daudit_scratch_get() : NULL;
	if (!buf)
		goto out;
	daudit_classify(p, old, buf, &v);
	/* A link inside the same tree is the same protected object. */
	if (v.dataset < 0 || daudit_classify_dir(p, new->d_parent) == v.dataset)
		goto put;
	daudit_classify_note_link(p, old, &v);
	off = v.path_len + 1;
	np = dentry_path_raw(new, buf + off, PATH_MAX - off);
	if (IS_ERR(np))
		buf[off] = '\0';	/* too long: report it empty */
	else
		memmove(buf + off, np, strlen(np) + 1);
	inode = d_inode(old);
	daudit_emit_alert(DAUDIT_ALERT_HARDLINK,
			  daudit_policy_dataset_name(p, v.dataset),
			  new_encode_dev(inode->i_sb->s_dev), inode->i_ino,
			  buf, v.path_len, strlen(buf + off));
put:
	daudit_scratch_put();
out:
	rcu_read_unlock();
	return 0;
}

struct kprobe daudit_kp_link = {
	.symbol_name = "vfs_link",
	.pre_handler = link_pre,
};
