// SPDX-License-Identifier: GPL-2.0
/*
 * The per-open-file verdict cache.
 *
 * Reads of files on filesystems that hold no protected object never get
 * here (the policy's superblock filter).  Others are looked up by their
 * struct file pointer in a fixed hash table under RCU.  A miss, or a
 * verdict from an older policy, classifies the file (dentry ancestry, no
 * path walk, no sleeping) and caches the result; an entry whose verdict
 * changes is replaced, never edited, so readers see either whole.
 */
#include <linux/atomic.h>
#include <linux/file.h>
#include <linux/hash.h>
#include <linux/kdev_t.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>

#include "classify.h"
#include "fcache.h"
#include "policy.h"
#include "record.h"
#include "session.h"
#include "stats.h"

static unsigned int file_cache_bits = 14;
module_param(file_cache_bits, uint, 0444);
MODULE_PARM_DESC(file_cache_bits,
		 "log2 of the buckets of the open-file cache, 8..22 (default 14)");

static unsigned int max_files = 1 << 20;
module_param(max_files, uint, 0644);
MODULE_PARM_DESC(max_files,
		 "Most open files whose verdict is cached (default 1048576); beyond, files are classified on every read");

#define LOCK_STRIPES 256
static struct hlist_head *buckets;
static spinlock_t locks[LOCK_STRIPES];
static atomic64_t n_entries = ATOMIC64_INIT(0);

u64 daudit_fcache_count(void)
{
	return atomic64_read(&n_entries);
}

static u32 bucket_of(const struct file *file)
{
	return hash_ptr(file, file_cache_bits);
}

static struct daudit_fentry *lookup(const struct file *file, u32 b)
{
	struct daudit_fentry *fe;

	hlist_for_each_entry_rcu(fe, &buckets[b], node)
		if (fe->file == file)
			return fe;
	return NULL;
}

static void fentry_free_rcu(struct rcu_head *head)
{
	kfree(container_of(head, struct daudit_fentry, rcu));
}

/* Unhash @fe (bucket lock held by caller) and end its sessions. */
static void retire(struct daudit_fentry *fe, u16 reason)
{
	hlist_del_rcu(&fe->node);
	atomic64_dec(&n_entries);
	daudit_session_end_file(fe, reason);
	call_rcu(&fe->rcu, fentry_free_rcu);
}

static struct daudit_fentry *fentry_new(const struct daudit_policy *p,
					struct file *file,
					const struct daudit_verdict *v)
{
	struct inode *inode = file_inode(file);
	struct daudit_fentry *fe;
	u32 plen = v->dataset >= 0 ? v->path_len + 1 : 0;

	fe = kmalloc(struct_size(fe, path, plen), GFP_NOWAIT | __GFP_NOWARN);
	if (!fe)
		return NULL;
	fe->file = file;
	fe->dentry = file->f_path.dentry;
	fe->gen = p->generation;
	fe->dataset = v->dataset;
	fe->dead = false;
	INIT_HLIST_HEAD(&fe->sessions);
	fe->dev = new_encode_dev(inode->i_sb->s_dev);
	fe->ino = inode->i_ino;
	fe->path_len = v->dataset >= 0 ? v->path_len : 0;
	memset(fe->dsname, 0, sizeof(fe->dsname));
	if (v->dataset >= 0) {
		strscpy(fe->dsname, daudit_policy_dataset_name(p, v->dataset),
			sizeof(fe->dsname));
		memcpy(fe->path, v->path, plen);
	}
	return fe;
}

/* Same verdict (dataset and path) as an existing entry? */
static bool same_verdict(const struct daudit_fentry *fe,
			 const struct daudit_policy *p,
			 const struct daudit_verdict *v)
{
	if (fe->dataset < 0 || v->dataset < 0)
		return fe->dataset == v->dataset;
	return !strcmp(fe->dsname, daudit_policy_dataset_name(p, v->dataset)) &&
	       fe->path_len == v->path_len &&
	       !memcmp(fe->path, v->path, v->path_len);
}

/* Classify @file (referenced) and install the verdict. */
static struct daudit_fentry *install(const struct daudit_policy *p,
				     struct file *file)
{
	struct daudit_verdict v;
	struct daudit_fentry *fe, *old, *ret;
	unsigned long flags;
	char *buf;
	u32 b = bucket_of(file);

	buf = daudit_scratch_get();
	if (!buf)
		return NULL;
	daudit_classify(p, file->f_path.dentry, buf, &v);

	spin_lock_irqsave(&locks[b % LOCK_STRIPES], flags);
	old = lookup(file, b);
	if (old && old->dentry == file->f_path.dentry &&
	    same_verdict(old, p, &v)) {
		/* Policy changed but not for this file: keep its sessions. */
		WRITE_ONCE(old->gen, p->generation);
		ret = old;
		goto out;
	}
	if (old)
		retire(old, DAUDIT_END_POLICY);
	ret = NULL;
	if (v.dataset < 0 && atomic64_read(&n_entries) >= max_files) {
		daudit_count(cache_full, 1);
		goto out;
	}
	fe = fentry_new(p, file, &v);
	if (!fe) {
		daudit_count(alloc_failures, 1);
		goto out;
	}
	hlist_add_head_rcu(&fe->node, &buckets[b]);
	atomic64_inc(&n_entries);
	ret = fe;
out:
	spin_unlock_irqrestore(&locks[b % LOCK_STRIPES], flags);
	daudit_scratch_put();
	if (!ret && v.dataset >= 0)
		daudit_count(alloc_failures, 1);
	return ret && ret->dataset >= 0 ? ret : NULL;
}

/**
 * daudit_fcache_get - the protected-file entry for a file, if any.
 * @p: the policy in force.
 * @file: the file read.
 * @pinned: the caller holds a reference on @file.
 * @fd: else, its descriptor in current's table.
 *
 * Return: the entry when @file is protected, else NULL.
 */
struct daudit_fentry *daudit_fcache_get(const struct daudit_policy *p,
					struct file *file, bool pinned, int fd)
{
	struct daudit_fentry *fe;
	struct file *ref;

	if (!daudit_policy_has_dev(p, file_inode(file)->i_sb->s_dev))
		return NULL;
	fe = lookup(file, bucket_of(file));
	if (likely(fe && READ_ONCE(fe->gen) == p->generation &&
		   fe->dentry == file->f_path.dentry))
		return fe->dataset >= 0 ? fe : NULL;

	/* Slow path, once per open file: classify with a reference held. */
	if (pinned)
		return install(p, file);
	ref = fd >= 0 ? fget(fd) : NULL;
	if (ref != file) {
		/* The descriptor changed under us: not worth guessing. */
		if (ref)
			fput(ref);
		return NULL;
	}
	fe = install(p, file);
	fput(ref);
	return fe;
}

/**
 * daudit_fcache_release - a file's final release: end its sessions.
 * @file: the file being released.
 */
void daudit_fcache_release(struct file *file)
{
	struct daudit_fentry *fe;
	unsigned long flags;
	u32 b = bucket_of(file);

	if (!atomic64_read(&n_entries))
		return;
	rcu_read_lock();
	fe = lookup(file, b);
	rcu_read_unlock();
	if (!fe)
		return;
	spin_lock_irqsave(&locks[b % LOCK_STRIPES], flags);
	fe = lookup(file, b);
	if (fe)
		retire(fe, DAUDIT_END_CLOSE);
	spin_unlock_irqrestore(&locks[b % LOCK_STRIPES], flags);
}

int daudit_fcache_init(void)
{
	unsigned int i;

	if (file_cache_bits < 8 || file_cache_bits > 22) {
		pr_err("file_cache_bits=%u: must be 8..22\n", file_cache_bits);
		return -EINVAL;
	}
	buckets = vzalloc(sizeof(*buckets) << file_cache_bits);
	if (!buckets)
		return -ENOMEM;
	for (i = 0; i < LOCK_STRIPES; i++)
		spin_lock_init(&locks[i]);
	return 0;
}

/* Module unload: hooks are gone, end every session and free everything. */
void daudit_fcache_exit(void)
{
	struct daudit_fentry *fe;
	struct hlist_node *tmp;
	unsigned long flags;
	u32 b;

	if (!buckets)
		return;
	for (b = 0; b < (1U << file_cache_bits); b++) {
		spin_lock_irqsave(&locks[b % LOCK_STRIPES], flags);
		hlist_for_each_entry_safe(fe, tmp, &buckets[b], node)
			retire(fe, DAUDIT_END_UNLOAD);
		spin_unlock_irqrestore(&locks[b % LOCK_STRIPES], flags);
	}
	rcu_barrier();
	vfree(buckets);
	buckets = NULL;
}
