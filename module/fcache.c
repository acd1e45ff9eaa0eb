// SPDX-License-Identifier: GPL-2.0
/*
 * The per-open-file verdict cache.
 *
 * First, for the syscall read paths, the first level (fcache.h): open
 * files known unprotected, two compares in the probe.  Reads of files on
 * filesystems that hold no protected object, and of sockets when no
 * socket is protected, stop at the policy's filters (and the files go
 * into the first level).  Others are looked up by their struct file
 * pointer and role (read, or egress for writes by a marked session) in a
 * fixed hash table under RCU.  A miss, or a verdict from an older policy,
 * has the file judged once (verdict.c: never sleeps) and caches the
 * result; an entry whose verdict changes is replaced, never edited, so
 * readers see either whole.
 */
#include <linux/atomic.h>
#include <linux/file.h>
#include <linux/hash.h>
#include <linux/module.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>

#include "fcache.h"
#include "policy.h"
#include "pool.h"
#include "prof.h"
#include "record.h"
#include "session.h"
#include "stats.h"
#include "verdict.h"

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
static raw_spinlock_t locks[LOCK_STRIPES];
static atomic64_t n_entries = ATOMIC64_INIT(0);

u64 daudit_fcache_count(void)
{
	return atomic64_read(&n_entries);
}

static u32 bucket_of(const struct file *file)
{
	return hash_ptr(file, file_cache_bits);
}

static struct daudit_fentry *lookup(const struct file *file, u8 role, u32 b)
{
	struct daudit_fentry *fe;

	hlist_for_each_entry_rcu(fe, &buckets[b], node,
				 rcu_read_lock_any_held())
		if (fe->file == file && fe->role == role)
			return fe;
	return NULL;
}

static void fentry_free_rcu(struct rcu_head *head)
{
	struct daudit_fentry *fe = container_of(head, struct daudit_fentry, rcu);

	daudit_free(fe->sock);
	daudit_free(fe);
}

void daudit_fcache_free(struct daudit_fentry *fe)
{
	call_rcu(&fe->rcu, fentry_free_rcu);
}

/*
 * Unhash @fe (bucket lock held by caller) and end its sessions; free it
 * unless sessions whose last record waits for room still name it.
 */
static void retire(struct daudit_fentry *fe, u16 reason)
{
	u64 t0;
	bool done;

	hlist_del_rcu(&fe->node);
	atomic64_dec(&n_entries);
	t0 = daudit_prof_begin();
	done = daudit_session_end_file(fe, reason);
	daudit_prof_end(DAUDIT_ST_END_FILE, t0);
	if (done)
		daudit_fcache_free(fe);
}

/*
 * Classify @file (referenced) for @role and install the verdict.  Returns
 * the entry, protected or not, or NULL if none could be made or kept.
 */
static struct daudit_fentry *install(const struct daudit_policy *p,
				     struct file *file, u8 role)
{
	struct daudit_fentry *fe, *old, *ret = NULL;
	unsigned long flags;
	u32 b = bucket_of(file);
	char *buf;
	u64 t0;

	buf = daudit_scratch_get();
	if (!buf)
		return NULL;
	t0 = daudit_prof_begin();
	fe = role == DAUDIT_ROLE_READ ? daudit_verdict_read(p, file, buf) :
					daudit_verdict_egress(p, file, buf);
	daudit_prof_end(DAUDIT_ST_VERDICT, t0);
	daudit_scratch_put();
	if (!fe) {
		daudit_count(alloc_failures, 1);
		return NULL;
	}

	raw_spin_lock_irqsave(&locks[b % LOCK_STRIPES], flags);
	old = lookup(file, role, b);
	if (old && old->dentry == fe->dentry && daudit_verdict_same(old, fe)) {
		/* Policy changed but not for this file: keep its sessions. */
		WRITE_ONCE(old->gen, p->generation);
		ret = old;
		goto out;
	}
	if (old)
		retire(old, DAUDIT_END_POLICY);
	if (fe->dataset < 0 && atomic64_read(&n_entries) >= max_files) {
		daudit_count(cache_full, 1);
		goto out;
	}
	hlist_add_head_rcu(&fe->node, &buckets[b]);
	atomic64_inc(&n_entries);
	ret = fe;
	fe = NULL;
out:
	raw_spin_unlock_irqrestore(&locks[b % LOCK_STRIPES], flags);
	if (fe) {
		daudit_free(fe->sock);
		daudit_free(fe);
	}
	return ret;
}

/*
 * The first level (fcache.h).  Fills, clears and policy changes are
 * serialized by fslot_lock; readers take no lock.
 */
struct daudit_fslot daudit_fslots[DAUDIT_FSLOTS];
static DEFINE_RAW_SPINLOCK(fslot_lock);

/* Could @file take its slot?  Not if another holds it, nor a socket. */
static bool fslot_free_for(const struct file *file)
{
	return !READ_ONCE(daudit_fslot_of(file)->file) &&
	       !S_ISSOCK(file_inode(file)->i_mode);
}

/*
 * @file is not protected under @p (NULL: no policy).  Caller holds a
 * reference on @file, so its final release, which empties the slot, comes
 * after; a slot filled under a policy no longer in force would outlive
 * the emptying that came with the new one, so it is not filled.
 */
static void fslot_fill(const struct daudit_policy *p, const struct file *file)
{
	struct daudit_fslot *s = daudit_fslot_of(file);
	unsigned long flags;

	if (!fslot_free_for(file))
		return;
	raw_spin_lock_irqsave(&fslot_lock, flags);
	if (!s->file && rcu_access_pointer(daudit_cur_policy) == p) {
		WRITE_ONCE(s->dentry, file->f_path.dentry);
		smp_wmb();	/* the dentry before the file: fcache.h */
		WRITE_ONCE(s->file, file);
	}
	raw_spin_unlock_irqrestore(&fslot_lock, flags);
}

/*
 * Hold @file for the caller: pinned already, or a reference taken through
 * @fd in current's table if it still names @file.  Undone by unhold().
 */
static bool hold(struct file *file, bool pinned, int fd)
{
	struct file *ref;

	if (pinned)
		return true;
	ref = fd >= 0 ? fget(fd) : NULL;
	if (ref == file)
		return true;
	/* The descriptor changed under us: not worth guessing. */
	if (ref)
		fput(ref);
	return false;
}

static void unhold(struct file *file, bool pinned)
{
	if (!pinned)
		fput(file);
}

/*
 * The same without a reference held, if the slot is free (checked first:
 * this is on the path of every socket read).
 */
static noinline void fslot_remember(const struct daudit_policy *p,
				    struct file *file, bool pinned, int fd)
{
	if (!fslot_free_for(file) || !hold(file, pinned, fd))
		return;
	fslot_fill(p, file);
	unhold(file, pinned);
}

void daudit_fcache_no_policy(struct file *file, bool pinned, int fd)
{
	fslot_remember(NULL, file, pinned, fd);
}

static void fslot_forget(const struct file *file)
{
	struct daudit_fslot *s = daudit_fslot_of(file);
	unsigned long flags;

	if (READ_ONCE(s->file) != file)
		return;
	raw_spin_lock_irqsave(&fslot_lock, flags);
	if (s->file == file)
		WRITE_ONCE(s->file, NULL);
	raw_spin_unlock_irqrestore(&fslot_lock, flags);
}

struct daudit_policy *daudit_fcache_swap_policy(struct daudit_policy *p)
{
	struct daudit_policy *old;
	unsigned long flags;
	u32 i;

	raw_spin_lock_irqsave(&fslot_lock, flags);
	for (i = 0; i < DAUDIT_FSLOTS; i++)
		WRITE_ONCE(daudit_fslots[i].file, NULL);
	old = rcu_replace_pointer(daudit_cur_policy, p, true);
	raw_spin_unlock_irqrestore(&fslot_lock, flags);
	return old;
}

/* Once per open file: classify it with a reference held. */
static noinline struct daudit_fentry *get_slow(const struct daudit_policy *p,
					       struct file *file, bool pinned,
					       int fd, u8 role)
{
	struct daudit_fentry *fe;
	u64 t0 = daudit_prof_begin();

	if (!hold(file, pinned, fd))
		return NULL;
	fe = install(p, file, role);
	if (fe && fe->dataset < 0) {
		if (role == DAUDIT_ROLE_READ)
			fslot_fill(p, file);
		fe = NULL;
	}
	unhold(file, pinned);
	daudit_prof_end(DAUDIT_ST_GET_SLOW, t0);
	return fe;
}

static __always_inline struct daudit_fentry *get(const struct daudit_policy *p,
							struct file *file,
							bool pinned, int fd,
							u8 role)
{
	struct daudit_fentry *fe = lookup(file, role, bucket_of(file));

	if (likely(fe && READ_ONCE(fe->gen) == p->generation &&
		   fe->dentry == file->f_path.dentry)) {
		if (fe->dataset >= 0)
			return fe;
		if (role == DAUDIT_ROLE_READ)
			fslot_remember(p, file, pinned, fd);
		return NULL;
	}
	return get_slow(p, file, pinned, fd, role);
}

/**
 * daudit_fcache_get - the protected-read entry for a file, if any.
 * @p: the policy in force.
 * @file: the file read.
 * @pinned: the caller holds a reference on @file.
 * @fd: else, its descriptor in current's table.
 *
 * Return: the entry when reading @file reads protected data, else NULL.
 */
notrace daudit_nocanary struct daudit_fentry *
daudit_fcache_get(const struct daudit_policy *p, struct file *file,
		  bool pinned, int fd)
{
	struct inode *inode = file_inode(file);

	/* The common case: nothing protected where this file lives. */
	if (S_ISSOCK(inode->i_mode)) {
		if (!p->n_nets && !p->n_unixes)
			return NULL;
	} else if (!daudit_policy_has_dev(p, inode->i_sb->s_dev) &&
		   likely(!inode->i_sb->s_stack_depth) &&
		   !(S_ISBLK(inode->i_mode) &&
		     daudit_policy_raw(p, inode->i_rdev) >= 0)) {
		fslot_remember(p, file, pinned, fd);
		return NULL;
	}
	/*
	 * A stacked file system's data may live on a protected one; a block
	 * device may hold one.
	 */
	return get(p, file, pinned, fd, DAUDIT_ROLE_READ);
}

/**
 * daudit_fcache_get_egress - the egress entry for a file, if any.
 * @p: the policy in force.
 * @file: the file written or sent to by a marked session.
 * @pinned: the caller holds a reference on @file.
 * @fd: else, its descriptor in current's table.
 *
 * Return: the entry when writing to @file takes data out, else NULL.
 */
struct daudit_fentry *daudit_fcache_get_egress(const struct daudit_policy *p,
					       struct file *file, bool pinned,
					       int fd)
{
	return get(p, file, pinned, fd, DAUDIT_ROLE_EGRESS);
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
	u8 role;

	fslot_forget(file);
	if (!atomic64_read(&n_entries))
		return;
	for (role = DAUDIT_ROLE_READ; role <= DAUDIT_ROLE_EGRESS; role++) {
		rcu_read_lock();
		fe = lookup(file, role, b);
		rcu_read_unlock();
		if (!fe)
			continue;
		raw_spin_lock_irqsave(&locks[b % LOCK_STRIPES], flags);
		fe = lookup(file, role, b);
		if (fe)
			retire(fe, DAUDIT_END_CLOSE);
		raw_spin_unlock_irqrestore(&locks[b % LOCK_STRIPES], flags);
	}
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
		raw_spin_lock_init(&locks[i]);
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
		raw_spin_lock_irqsave(&locks[b % LOCK_STRIPES], flags);
		hlist_for_each_entry_safe(fe, tmp, &buckets[b], node)
			retire(fe, DAUDIT_END_UNLOAD);
		raw_spin_unlock_irqrestore(&locks[b % LOCK_STRIPES], flags);
	}
	rcu_barrier();
	vfree(buckets);
	buckets = NULL;
}
