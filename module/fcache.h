/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-open-file cache: the verdict for each struct file that was read, so
 * the per-read fast path is one hash lookup.  Entries die with the file
 * (the final __fput), which also ends the file's read sessions.
 */
#ifndef _DAUDIT_FCACHE_H
#define _DAUDIT_FCACHE_H

#include <linux/fs.h>
#include <linux/rculist.h>
#include <linux/types.h>
#include "uapi/daudit.h"

struct daudit_policy;

struct daudit_fentry {
	struct hlist_node node;		/* hash bucket, RCU */
	struct rcu_head rcu;
	const struct file *file;	/* key; no reference held */
	const struct dentry *dentry;	/* guards against a reused file */
	u64 gen;			/* policy generation of the verdict */
	int dataset;			/* -1: not protected */
	bool dead;			/* released; under daudit_sessions_lock */
	struct hlist_head sessions;	/* under daudit_sessions_lock, RCU */
	u64 dev;			/* st_dev encoding */
	u64 ino;
	char dsname[DAUDIT_NAME_MAX];
	u32 path_len;
	char path[];			/* canonical path (protected only) */
};

int daudit_fcache_init(void);
void daudit_fcache_exit(void);

/*
 * The entry for @file under the policy @p, classifying it on first sight.
 * @pinned: the caller holds a reference on @file (else @fd names it in
 * current's table and a reference is taken for the classification).
 * Caller holds rcu_read_lock(); the entry is valid until it drops it.
 * Returns NULL when the file is not protected.
 */
struct daudit_fentry *daudit_fcache_get(const struct daudit_policy *p,
					struct file *file, bool pinned, int fd);

/* The final release of @file: end its sessions and forget it. */
void daudit_fcache_release(struct file *file);

u64 daudit_fcache_count(void);

#endif /* _DAUDIT_FCACHE_H */
