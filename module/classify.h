/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Is this file protected, and by which dataset?  Decided once per open
 * file by inode identity and dentry ancestry, never by path spelling.
 */
#ifndef _DAUDIT_CLASSIFY_H
#define _DAUDIT_CLASSIFY_H

#include <linux/dcache.h>
#include "policy.h"

struct daudit_verdict {
	int dataset;		/* index in the policy, -1 if not protected */
	u32 path_len;
	char *path;		/* canonical path, in the caller's buffer */
};

/*
 * Classify the object at @dentry (a regular file).  @buf of PATH_MAX bytes
 * receives the canonical path (the protected root's path from the policy
 * plus the names below it).  Never sleeps.
 */
void daudit_classify(const struct daudit_policy *p, struct dentry *dentry,
		     char *buf, struct daudit_verdict *v);

/*
 * Directory @dir inside a TREE (or moved out of one): its dataset and
 * protected path in @v, as daudit_classify() does for files.
 */
void daudit_classify_tree_dir(const struct daudit_policy *p,
			      struct dentry *dir, char *buf,
			      struct daudit_verdict *v);

/* The dataset whose TREE contains directory @dir, or -1. */
int daudit_classify_dir(const struct daudit_policy *p, struct dentry *dir);

/*
 * Remember that @dentry's inode is protected data under another name (a
 * hard link made to it, or moved out of its tree; for a directory, the
 * files below it), so reads through that name are caught too.
 */
void daudit_classify_note_link(const struct daudit_policy *p,
			       struct dentry *dentry,
			       const struct daudit_verdict *v);

int daudit_classify_init(void);
void daudit_classify_exit(void);

#endif /* _DAUDIT_CLASSIFY_H */
