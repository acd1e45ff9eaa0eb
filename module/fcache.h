/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-open-file cache: the verdict for each struct file that was read (is
 * it protected data?) or written by a marked session (is it a way out?),
 * so the per-call fast path is two compares (the first level, below) or
 * one hash lookup.  Entries die with the file (the final __fput), which
 * also ends the file's sessions.
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
	/* Ended sessions waiting to write their record (same lock). */
	u32 parked;
	struct hlist_head sessions;	/* under daudit_sessions_lock, RCU */
	/* Sessions of declared actors (actor.h): off the plain reads' walk. */
	struct hlist_head actor_sessions;
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

/*
 * The first level, in front of the hash table: a direct-mapped table of
 * open files known not to be protected data under the policy in force, so
 * that the commonest read of all, of an unprotected file, costs two loads
 * and two compares.  Like the hash table's, the verdict holds for the open
 * file under one policy.  A slot names the file and, as a second check,
 * its dentry; sockets are never in it (their verdict follows the peer).
 * Filled only while the file cannot be released (a reference held), only
 * if empty, and only if the policy it was judged by is still in force;
 * emptied at the file's final release, and all at once before a new
 * policy takes effect (daudit_fcache_swap_policy()).  A file whose slot
 * another holds takes the hash table.
 */
struct daudit_fslot {
	const struct file *file;
	const struct dentry *dentry;
};

#define DAUDIT_FSLOT_BITS	13
#define DAUDIT_FSLOTS		(1U << DAUDIT_FSLOT_BITS)

extern struct daudit_fslot daudit_fslots[DAUDIT_FSLOTS];

/* A struct file is cache-line aligned: index by its line number. */
static __always_inline struct daudit_fslot *
daudit_fslot_of(const struct file *file)
{
	BUILD_BUG_ON(sizeof(struct daudit_fslot) != 16);
	return (void *)daudit_fslots +
	       (((unsigned long)file >> (L1_CACHE_SHIFT - 4)) &
		((DAUDIT_FSLOTS - 1) << 4));
}

/* Is @file, open, known not to be protected under the policy in force? */
static __always_inline bool daudit_fcache_unprotected(const struct file *file)
{
	const struct daudit_fslot *s = daudit_fslot_of(file);

	/*
	 * No lock: writers store the dentry, smp_wmb(), then the file
	 * (WRITE_ONCE), so a reader that sees its file here sees its dentry.
	 * data_race(): plain loads, which the compiler folds into the
	 * compares (aligned words: not torn).
	 */
	if (data_race(s->file) != file)
		return false;
	smp_rmb();	/* pairs with the fill's smp_wmb() */
	/* data_race(): as above */
	return data_race(s->dentry) == file->f_path.dentry;
}

/*
 * Put @p in force (NULL: none), emptying the first level first.  Caller
 * serializes policy changes.  Returns the policy it replaces.
 */
struct daudit_policy *daudit_fcache_swap_policy(struct daudit_policy *p);

/*
 * A read of @file when no policy is in force: remember that it reads
 * nothing protected.  @pinned, @fd: as for daudit_fcache_get().
 */
void daudit_fcache_no_policy(struct file *file, bool pinned, int fd);

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

/*
 * Free @fe, retired while ended sessions still waited to write records
 * naming it, when the last of them is written (daudit_sessions_lock).
 */
void daudit_fcache_free(struct daudit_fentry *fe);

u64 daudit_fcache_count(void);

#endif /* _DAUDIT_FCACHE_H */
