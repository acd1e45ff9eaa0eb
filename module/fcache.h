/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-open-file cache: the verdict for each struct file that was read (is
 * it protected data?) or written by a marked session (is it a way out?),
 * so the per-call fast path is one hash lookup.  Entries die with the file
 * (the final __fput), which also ends the file's sessions.
 */
#ifndef _DAUDIT_FCACHE_H
#define _DAUDIT_FCACHE_H

#include <linux/fs.h>
#include <linux/rculist.h>
#include <linux/types.h>
#include "uapi/daudit.h"

struct daudit_policy;
struct daudit_sockinfo;

enum daudit_role {
	DAUDIT_ROLE_READ = 0,		/* reads of it are protected reads */
	DAUDIT_ROLE_EGRESS = 1,		/* writes to it are egress */
};

enum daudit_kind {
	DAUDIT_KIND_FILE = 0,
	DAUDIT_KIND_SOCK = 1,
};

struct daudit_fentry {
	struct hlist_node node;		/* hash bucket, RCU */
	struct rcu_head rcu;
	const struct file *file;	/* key, with role; no reference held */
	const struct dentry *dentry;	/* guards against a reused file */
	u64 gen;			/* policy generation of the verdict */
	int dataset;			/* READ: dataset or -1; EGRESS: 0 or -1 */
	u8 role;			/* enum daudit_role */
	u8 kind;			/* enum daudit_kind */
	u8 egress_kind;			/* EGRESS: enum daudit_egress_kind */
	u8 egress_flags;		/* EGRESS: DAUDIT_EGRESS_F_* */
	bool dead;			/* released; under daudit_sessions_lock */
	struct hlist_head sessions;	/* under daudit_sessions_lock, RCU */
	u64 dev;			/* st_dev encoding */
	u64 ino;
	char dsname[DAUDIT_NAME_MAX];	/* READ: the dataset's name */
	struct daudit_sockinfo *sock;	/* sockets: both ends */
	u16 mount_len;			/* EGRESS files: mount point ... */
	u16 fstype_len;			/* ... and filesystem type */
	u32 path_len;
	char path[];			/* path NUL [mount NUL fstype NUL] */
};

/* Length of path[] as a record tail: all its strings, without the last NUL. */
static inline u32 daudit_fentry_tail_len(const struct daudit_fentry *fe)
{
	if (fe->role == DAUDIT_ROLE_EGRESS)
		return fe->path_len + 1 + fe->mount_len + 1 + fe->fstype_len;
	return fe->path_len;
}

int daudit_fcache_init(void);
void daudit_fcache_exit(void);

/*
 * The READ entry for @file under the policy @p, classifying it on first
 * sight.  @pinned: the caller holds a reference on @file (else @fd names it
 * in current's table and a reference is taken for the classification).
 * Caller holds rcu_read_lock() or runs with preemption disabled; the entry
 * is valid until it leaves that section.
 * Returns NULL when reads of the file are not protected reads.
 */
struct daudit_fentry *daudit_fcache_get(const struct daudit_policy *p,
					struct file *file, bool pinned, int fd);

/* The same for writes: the EGRESS entry if @file is a way out, else NULL. */
struct daudit_fentry *daudit_fcache_get_egress(const struct daudit_policy *p,
					       struct file *file, bool pinned,
					       int fd);

/* The final release of @file: end its sessions and forget it. */
void daudit_fcache_release(struct file *file);

u64 daudit_fcache_count(void);

#endif /* _DAUDIT_FCACHE_H */
