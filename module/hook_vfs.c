// SPDX-License-Identifier: GPL-2.0
/*
 * VFS points without a tracepoint: the final release of a file (__fput),
 * which ends its sessions, and vfs_link() and vfs_rename(), where a hard
 * link to protected data made outside its tree, or a protected file
 * moved out of it, is reported and remembered.
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

/*
 * @old, a protected file or a directory of a protected tree, gets the
 * name @new (a hard link, or a rename): if @new is outside its tree,
 * remember the inode as protected under every name (the link set; for a
 * directory, everything below it) and report the new name.
 */
static void protected_elsewhere(struct dentry *old, struct dentry *new,
				u32 kind)
{
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
	if (d_is_dir(old))
		daudit_classify_tree_dir(p, old, buf, &v);
	else
		daudit_classify(p, old, buf, &v);
	/* A name inside the same tree is the same protected object. */
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
	daudit_emit_alert(kind, daudit_policy_dataset_name(p, v.dataset),
			  new_encode_dev(inode->i_sb->s_dev), inode->i_ino,
			  buf, v.path_len, strlen(buf + off));
put:
	daudit_scratch_put();
out:
	rcu_read_unlock();
}

/* vfs_link(old_dentry, idmap or userns, dir, new_dentry, delegated) */
static int link_pre(struct kprobe *kp, struct pt_regs *regs)
{
	protected_elsewhere((struct dentry *)regs_get_kernel_argument(regs, 0),
			    (struct dentry *)regs_get_kernel_argument(regs, 3),
			    DAUDIT_ALERT_HARDLINK);
	return 0;
}

struct kprobe daudit_kp_link = {
	.symbol_name = "vfs_link",
	.pre_handler = link_pre,
};

/*
 * vfs_rename(struct renamedata *rd): old_dentry and new_dentry have the
 * same names on 6.1 and 6.12.  A file moved out of its tree stays
 * protected (the link set) and the move is an alert; with RENAME_EXCHANGE
 * the file coming the other way is judged too.  A directory of a tree
 * moved out keeps everything below it protected, under the directory's
 * protected path.  Reported before the move happens: a rename that then
 * fails is reported all the same.
 */
static int rename_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct renamedata *rd = (struct renamedata *)regs_get_kernel_argument(regs, 0);

	if (d_is_reg(rd->old_dentry) || d_is_dir(rd->old_dentry))
		protected_elsewhere(rd->old_dentry, rd->new_dentry,
				    DAUDIT_ALERT_RENAME);
	if ((rd->flags & RENAME_EXCHANGE) &&
	    (d_is_reg(rd->new_dentry) || d_is_dir(rd->new_dentry)))
		protected_elsewhere(rd->new_dentry, rd->old_dentry,
				    DAUDIT_ALERT_RENAME);
	return 0;
}

struct kprobe daudit_kp_rename = {
	.symbol_name = "vfs_rename",
	.pre_handler = rename_pre,
};
