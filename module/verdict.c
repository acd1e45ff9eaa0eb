// SPDX-License-Identifier: GPL-2.0
/*
 * The verdict on one open file, made once and cached by fcache.c: for a
 * read, is it protected data (a file by inode and dentry ancestry, the
 * data's dentry for a stacked file, a block device holding a protected
 * file system, a socket by its peer), and for a write by a marked session,
 * is it a way out (a socket to an unprotected peer, a file on a real file
 * system, with its path and mount).  Never sleeps: d_path() and the
 * classification walk run under RCU.
 */
#include <linux/in.h>
#include <linux/magic.h>
#include <linux/net.h>

#include "classify.h"
#include "fcache.h"
#include "policy.h"
#include "pool.h"
#include "prof.h"
#include "socket.h"
#include "verdict.h"

/* A new entry with room for @tail bytes of strings. */
static struct daudit_fentry *fentry_alloc(const struct daudit_policy *p,
					  struct file *file, u8 role, u32 tail)
{
	struct inode *inode = file_inode(file);
	struct daudit_fentry *fe;

	/* Egress entries end "path NUL mount NUL fstype NUL", even if empty. */
	if (role == DAUDIT_ROLE_EGRESS)
		tail += 2;
	fe = daudit_alloc(struct_size(fe, path, tail + 1));
	if (!fe)
		return NULL;
	fe->file = file;
	fe->dentry = file->f_path.dentry;
	fe->gen = p->generation;
	fe->role = role;
	fe->dataset = -1;
	INIT_HLIST_HEAD(&fe->sessions);
	INIT_HLIST_HEAD(&fe->actor_sessions);
	fe->dev = new_encode_dev(inode->i_sb->s_dev);
	fe->ino = inode->i_ino;
	return fe;
}

static bool attach_sock(struct daudit_fentry *fe,
			const struct daudit_sockinfo *si)
{
	fe->kind = DAUDIT_KIND_SOCK;
	fe->sock = daudit_alloc(sizeof(*si));
	if (fe->sock)
		memcpy(fe->sock, si, sizeof(*si));
	return fe->sock;
}

/*
 * A block device holding a protected file system, read raw: protected
 * data of the first dataset there, under the device's own path.
 */
static void raw_device(const struct daudit_policy *p, struct file *file,
		       char *buf, struct daudit_verdict *v)
{
	char *path;

	v->dataset = daudit_policy_raw(p, file_inode(file)->i_rdev);
	path = d_path(&file->f_path, buf, PATH_MAX);
	if (IS_ERR(path))
		path = "";
	v->path_len = strlen(path);
	memmove(buf, path, v->path_len + 1);
	v->path = buf;
}

/* READ role: is reading @file reading protected data? */
struct daudit_fentry *daudit_verdict_read(const struct daudit_policy *p,
					  struct file *file, char *buf)
{
	struct daudit_fentry *fe;
	struct daudit_sockinfo si;
	struct daudit_verdict v;
	struct dentry *real = NULL;
	u64 t0;

	if (S_ISSOCK(file_inode(file)->i_mode)) {
		if (!daudit_sock_describe(file, &si))
			return fentry_alloc(p, file, DAUDIT_ROLE_READ, 0);
		v.dataset = daudit_sock_classify(p, &si);
		v.path = si.path;
		v.path_len = si.path_len;
	} else if (S_ISBLK(file_inode(file)->i_mode)) {
		raw_device(p, file, buf, &v);
	} else {
		/* A stacked file (overlayfs) is judged by its data's dentry. */
		real = daudit_d_real_data(file->f_path.dentry);
		t0 = daudit_prof_begin();
		daudit_classify(p, real, buf, &v);
		daudit_prof_end(DAUDIT_ST_CLASSIFY, t0);
	}
	if (v.dataset < 0)
		v.path_len = 0;
	fe = fentry_alloc(p, file, DAUDIT_ROLE_READ, v.path_len);
	if (!fe)
		return NULL;
	if (real && d_inode(real) != file_inode(file)) {
		fe->dev = new_encode_dev(d_inode(real)->i_sb->s_dev);
		fe->ino = d_inode(real)->i_ino;
	}
	if (S_ISSOCK(file_inode(file)->i_mode) && !attach_sock(fe, &si)) {
		daudit_free(fe);
		return NULL;
	}
	fe->dataset = v.dataset;
	fe->path_len = v.path_len;
	if (v.dataset >= 0) {
		strscpy(fe->dsname, daudit_policy_dataset_name(p, v.dataset),
			sizeof(fe->dsname));
		memcpy(fe->path, v.path, v.path_len);
	}
	return fe;
}

/* Filesystems that are the kernel's own interfaces, not a place data goes. */
static bool pseudo_fs(struct super_block *sb)
{
	switch (sb->s_magic) {
	case PROC_SUPER_MAGIC: case SYSFS_MAGIC: case CGROUP_SUPER_MAGIC:
	case CGROUP2_SUPER_MAGIC: case DEBUGFS_MAGIC: case TRACEFS_MAGIC:
	case SECURITYFS_MAGIC: case DEVPTS_SUPER_MAGIC: case BPF_FS_MAGIC:
	case PSTOREFS_MAGIC: case EFIVARFS_MAGIC: case NSFS_MAGIC:
	case PIPEFS_MAGIC: case SOCKFS_MAGIC: case ANON_INODE_FS_MAGIC:
		return true;
	}
	return false;
}

static struct daudit_fentry *egress_sock(const struct daudit_policy *p,
					 struct file *file)
{
	struct daudit_sockinfo si;
	struct daudit_fentry *fe;
	bool out;

	/* Sending to a protected data service is not taking data out. */
	out = daudit_sock_describe(file, &si) &&
	      (si.family == AF_UNIX || si.protocol == IPPROTO_TCP ||
	       si.protocol == IPPROTO_UDP) &&
	      daudit_sock_classify(p, &si) < 0;
	fe = fentry_alloc(p, file, DAUDIT_ROLE_EGRESS, out ? si.path_len : 0);
	if (!fe || !out)
		return fe;
	if (!attach_sock(fe, &si)) {
		daudit_free(fe);
		return NULL;
	}
	fe->dataset = 0;
	fe->egress_kind = si.family == AF_UNIX ? DAUDIT_EGRESS_UNIX :
						 DAUDIT_EGRESS_NET;
	if (daudit_sock_loopback(&si))
		fe->egress_flags |= DAUDIT_EGRESS_F_LOOPBACK;
	fe->path_len = si.path_len;
	memcpy(fe->path, si.path, si.path_len);
	return fe;
}

/* A file outside protected trees: its path, mount point and fs type. */
static struct daudit_fentry *egress_file(const struct daudit_policy *p,
					 struct file *file, char *buf)
{
	struct path mnt = { .mnt = file->f_path.mnt,
			    .dentry = file->f_path.mnt->mnt_root };
	const char *fstype = file_inode(file)->i_sb->s_type->name;
	struct daudit_fentry *fe;
	char *path, *mpath, *fpath;
	u32 plen, mlen, tlen = strlen(fstype);

	path = d_path(&file->f_path, buf, PATH_MAX);
	if (IS_ERR(path))
		path = "";
	plen = strlen(path);
	fpath = daudit_alloc(plen + 1);
	if (!fpath)
		return NULL;
	memcpy(fpath, path, plen + 1);
	mpath = d_path(&mnt, buf, PATH_MAX);
	if (IS_ERR(mpath))
		mpath = "";
	mlen = strlen(mpath);
	fe = fentry_alloc(p, file, DAUDIT_ROLE_EGRESS, plen + mlen + tlen);
	if (fe) {
		fe->dataset = 0;
		fe->egress_kind = DAUDIT_EGRESS_FILE;
		fe->path_len = plen;
		fe->mount_len = mlen;
		fe->fstype_len = tlen;
		memcpy(fe->path, fpath, plen + 1);
		memcpy(fe->path + plen + 1, mpath, mlen + 1);
		memcpy(fe->path + plen + mlen + 2, fstype, tlen + 1);
	}
	daudit_free(fpath);
	return fe;
}

/* EGRESS role: is writing to @file taking data out? */
struct daudit_fentry *daudit_verdict_egress(const struct daudit_policy *p,
					    struct file *file, char *buf)
{
	struct inode *inode = file_inode(file);
	struct daudit_verdict v;

	if (S_ISSOCK(inode->i_mode))
		return egress_sock(p, file);
	if ((S_ISREG(inode->i_mode) || S_ISBLK(inode->i_mode)) &&
	    !pseudo_fs(inode->i_sb)) {
		daudit_classify(p, file->f_path.dentry, buf, &v);
		if (v.dataset < 0)
			return egress_file(p, file, buf);
	}
	/* Pipes, terminals, /dev/null, protected files: not a way out. */
	return fentry_alloc(p, file, DAUDIT_ROLE_EGRESS, 0);
}

/* Same verdict as an existing entry? */
bool daudit_verdict_same(const struct daudit_fentry *a,
			const struct daudit_fentry *b)
{
	return a->dataset == b->dataset && a->egress_kind == b->egress_kind &&
	       !strcmp(a->dsname, b->dsname) && a->path_len == b->path_len &&
	       !memcmp(a->path, b->path, a->path_len);
}
