// SPDX-License-Identifier: GPL-2.0
/*
 * VFS points without a tracepoint: the final release of a file (__fput),
 * which ends its sessions; vfs_link() and vfs_rename(), where a hard
 * link to protected data made outside its tree, or a protected file
 * moved out of it, is reported and remembered; vfs_clone_file_range(),
 * where a reflink copies protected data without reading it.
 */
#include <linux/dcache.h>
#include <linux/kdev_t.h>

#include "classify.h"
#include "fcache.h"
#include "hooks.h"
#include "policy.h"
#include "prof.h"
#include "record.h"

static int fput_pre(struct kprobe *kp, struct pt_regs *regs)
{
	u64 t0 = daudit_prof_begin();

	daudit_fcache_release((struct file *)regs_get_kernel_argument(regs, 0));
	daudit_prof_end(DAUDIT_ST_RELEASE, t0);
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

/*
 * vfs_clone_file_range(file_in, pos_in, file_out, pos_out, len, flags):
 * FICLONE and FICLONERANGE (xfs, btrfs) share a protected file's extents
 * with another file without a read.  Once it returned the bytes cloned,
 * that is a copy of those bytes taken by the caller: accounted as a read
 * of the source (read path "reflink"), and the clone joins the link set,
 * so that its own reads are recorded as reads of the protected file.
 * The caller holds both files for the whole call.
 */
struct reflink_args {
	struct file *in;
	struct file *out;
	loff_t pos_in;
};

static int clone_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct reflink_args *a = (void *)ri->data;

	a->in = (struct file *)regs_get_kernel_argument(regs, 0);
	a->pos_in = (loff_t)regs_get_kernel_argument(regs, 1);
	a->out = (struct file *)regs_get_kernel_argument(regs, 2);
	return 0;
}

static int clone_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct reflink_args *a = (void *)ri->data;
	loff_t ret = (loff_t)regs_return_value(regs);
	struct daudit_io io = {
		.calls = 1,
		.path = DAUDIT_PATH_REFLINK,
	};
	struct daudit_policy *p;
	struct daudit_fentry *fe;
	struct daudit_verdict v;

	if (ret <= 0)
		return 0;
	/* A return handler runs with preemption disabled: an RCU section. */
	p = daudit_policy_current();
	fe = p ? daudit_fcache_get(p, a->in, true, -1) : NULL;
	if (!fe || fe->kind != DAUDIT_KIND_FILE)
		return 0;
	io.bytes = ret;
	io.off = a->pos_in;
	daudit_session_account(p, fe, current, &io);
	v.dataset = fe->dataset;
	v.path = fe->path;
	v.path_len = fe->path_len;
	daudit_classify_note_link(p, a->out->f_path.dentry, &v);
	return 0;
}

struct kretprobe daudit_krp_clone = {
	.kp.symbol_name = "vfs_clone_file_range",
	.entry_handler = clone_entry,
	.handler = clone_return,
	.data_size = sizeof(struct reflink_args),
	.maxactive = 64,
};
