// SPDX-License-Identifier: GPL-2.0
/*
 * Declared actors.
 *
 * A thread of an application the policy names with `app` registers once,
 * through /dev/daudit-actor, an area of its own memory (struct
 * daudit_actor_area).  From then on the application declares the person
 * it works for by writing that memory, with no system call.  When the
 * thread's data is counted (session.c), the area is read without
 * faulting and the session is the actor's: sessions are split per actor,
 * so one actor's bytes never land in another's record.
 *
 * What the kernel verifies: which thread registered, running which
 * executable (by inode, against the policy), not traced, with no code
 * injected by the loader.  What it does not: the actor itself, which the
 * application only claims (docs/actors.md).
 *
 * Registrations live in a hash table keyed by task, read under RCU and
 * changed under a spinlock: at registration, at the thread's exit or
 * exec, and when a new policy stops naming the executable.  A thread's
 * last good copy of its declaration (its snapshot) serves reads counted
 * where its memory cannot be read (an interrupt) or is being rewritten.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/hashtable.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/siphash.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "actor.h"
#include "policy.h"
#include "record.h"
#include "trust.h"

#define THREAD_BITS	10
#define THREADS_MAX	65536

struct daudit_actor_thread {
	struct hlist_node node;
	struct rcu_head rcu;
	const struct task_struct *task;	/* the key; never dereferenced */
	pid_t tid;
	u64 start_ns;
	unsigned long area;		/* user address in the task's mm */
	dev_t app_dev;
	u64 app_ino;
	raw_spinlock_t lock;		/* the snapshot below */
	bool have;
	u32 seq;
	u64 key;
	struct daudit_rec_actor snap;
};

atomic_t daudit_actor_threads = ATOMIC_INIT(0);
static DEFINE_HASHTABLE(threads, THREAD_BITS);
static DEFINE_RAW_SPINLOCK(threads_lock);
static atomic64_t refused = ATOMIC64_INIT(0);
static siphash_key_t actor_secret;

static struct daudit_actor_thread *lookup(const struct task_struct *t)
{
	struct daudit_actor_thread *a;

	hash_for_each_possible_rcu(threads, a, node, (unsigned long)t,
				   rcu_read_lock_any_held() ||
				   lockdep_is_held(&threads_lock))
		if (a->task == t && a->tid == t->pid &&
		    a->start_ns == t->start_time)
			return a;
	return NULL;
}

static void thread_free_rcu(struct rcu_head *head)
{
	kfree(container_of(head, struct daudit_actor_thread, rcu));
}

/* threads_lock held. */
static void drop(struct daudit_actor_thread *a)
{
	hash_del_rcu(&a->node);
	atomic_dec(&daudit_actor_threads);
	call_rcu(&a->rcu, thread_free_rcu);
}

/*
 * Take a new snapshot if the thread declared something since the last.
 * The area is read as a seqlock is: seq, the fields, seq again; a torn or
 * unreadable area leaves the last snapshot in force.
 */
static void refresh(struct daudit_actor_thread *a)
{
	const struct daudit_actor_area __user *u = (const void __user *)a->area;
	struct daudit_actor_area area;
	unsigned long flags;
	u32 seq, seq2;
	u64 key = 0;

	if (copy_from_user_nofault(&seq, &u->seq, sizeof(seq)) ||
	    (seq == READ_ONCE(a->seq) && READ_ONCE(a->have)) || (seq & 1))
		return;
	smp_rmb();	/* seq before the fields, as the writer's order */
	if (copy_from_user_nofault(&area, u, sizeof(area)))
		return;
	smp_rmb();	/* the fields before seq again */
	if (copy_from_user_nofault(&seq2, &u->seq, sizeof(seq2)) ||
	    area.seq != seq || seq2 != seq)
		return;
	/* Lengths are the application's word: hold them to the arrays. */
	area.actor_len = min_t(u16, area.actor_len, DAUDIT_ACTOR_MAX);
	area.request_len = min_t(u16, area.request_len, DAUDIT_REQUEST_MAX);
	if (area.actor_len)
		key = siphash(area.actor, area.actor_len, &actor_secret) | 1;

	raw_spin_lock_irqsave(&a->lock, flags);
	a->seq = seq;
	a->key = key;
	a->snap.seq = seq;
	a->snap.actor_len = area.actor_len;
	a->snap.request_len = area.request_len;
	a->snap.client_family = area.client_family;
	a->snap.client_port = area.client_port;
	memcpy(a->snap.client_addr, area.client_addr,
	       sizeof(a->snap.client_addr));
	memset(a->snap.actor, 0, sizeof(a->snap.actor));
	memcpy(a->snap.actor, area.actor, area.actor_len);
	memset(a->snap.request, 0, sizeof(a->snap.request));
	memcpy(a->snap.request, area.request, area.request_len);
	WRITE_ONCE(a->have, true);
	raw_spin_unlock_irqrestore(&a->lock, flags);
}

/**
 * __daudit_actor_now - the slow half of daudit_actor_now().
 * @task: the task the data is counted for.
 * @ref: filled in.
 */
void __daudit_actor_now(struct task_struct *task, struct daudit_actor_ref *ref)
{
	struct daudit_actor_thread *a = lookup(task);
	struct mm_struct *mm = current->mm;
	unsigned long flags;

	ref->thread = a;
	if (!a)
		return;
	if (task == current || (mm && in_task() && mm == READ_ONCE(task->mm)))
		refresh(a);
	raw_spin_lock_irqsave(&a->lock, flags);
	ref->key = a->have ? a->key : 0;
	ref->seq = a->seq;
	raw_spin_unlock_irqrestore(&a->lock, flags);
}

/**
 * daudit_actor_copy - the declaration a read saw, for its record.
 * @ref: from daudit_actor_now(), with a non-zero key.
 * @out: filled in when the thread still declares that actor.
 *
 * Return: false when it has declared another actor since.
 */
bool daudit_actor_copy(const struct daudit_actor_ref *ref,
		       struct daudit_rec_actor *out)
{
	struct daudit_actor_thread *a = ref->thread;
	unsigned long flags;
	bool same;

	raw_spin_lock_irqsave(&a->lock, flags);
	same = a->key == ref->key;
	if (same) {
		*out = a->snap;
		out->app_dev = new_encode_dev(a->app_dev);
		out->app_ino = a->app_ino;
		out->tid = a->tid;
	}
	raw_spin_unlock_irqrestore(&a->lock, flags);
	return same;
}

/**
 * daudit_actor_task_gone - a thread exits or runs a new program.
 * @task: the thread (current).
 */
void daudit_actor_task_gone(struct task_struct *task)
{
	struct daudit_actor_thread *a;
	unsigned long flags;

	if (likely(!atomic_read(&daudit_actor_threads)))
		return;
	rcu_read_lock();
	a = lookup(task);
	rcu_read_unlock();
	if (!a)
		return;
	raw_spin_lock_irqsave(&threads_lock, flags);
	a = lookup(task);
	if (a)
		drop(a);
	raw_spin_unlock_irqrestore(&threads_lock, flags);
}

/**
 * daudit_actor_policy_changed - a policy came into force.
 * @p: it (NULL: none).  Threads of executables it does not name as
 *	applications lose their registration at once.
 */
void daudit_actor_policy_changed(const struct daudit_policy *p)
{
	struct daudit_actor_thread *a;
	struct hlist_node *tmp;
	unsigned long flags;
	int bkt;

	raw_spin_lock_irqsave(&threads_lock, flags);
	hash_for_each_safe(threads, bkt, tmp, a, node)
		if (!p || !daudit_policy_app(p, a->app_dev, a->app_ino))
			drop(a);
	raw_spin_unlock_irqrestore(&threads_lock, flags);
}

/* A refused registration: counted, and a record for the reviewer. */
static void refuse(struct file *exe, const char *why)
{
	struct inode *inode = file_inode(exe);
	char *buf, *path, *paths;
	size_t len, wlen = strlen(why);

	atomic64_inc(&refused);
	buf = kmalloc(PATH_MAX + 64, GFP_KERNEL);
	if (!buf)
		return;
	path = d_path(&exe->f_path, buf, PATH_MAX);
	if (IS_ERR(path))
		path = "?";
	len = strlen(path);
	/* "path NUL reason": move the path to the start, the reason after. */
	paths = memmove(buf, path, len + 1);
	memcpy(paths + len + 1, why, wlen + 1);
	daudit_emit_alert(DAUDIT_ALERT_ACTOR, "",
			  new_encode_dev(inode->i_sb->s_dev), inode->i_ino,
			  paths, len, wlen);
	kfree(buf);
}

/*
 * Does the policy in force name executable (@dev, @ino) as an app?
 * @gen: out, its generation (0: none loaded).
 */
static bool app_in_force(dev_t dev, u64 ino, u64 *gen)
{
	struct daudit_policy *p;
	bool app;

	rcu_read_lock();
	p = daudit_policy_current();
	*gen = p ? p->generation : 0;
	app = p && daudit_policy_app(p, dev, ino);
	rcu_read_unlock();
	return app;
}

/*
 * Why current may not declare actors under the policy in force, or NULL.
 * @gen: out, the generation judged against.
 */
static const char *refusal(struct file *exe, u64 *gen)
{
	struct inode *inode = file_inode(exe);
	struct mm_struct *mm = current->mm;

	if (!app_in_force(inode->i_sb->s_dev, inode->i_ino, gen))
		return "not an app of the policy";
	if (READ_ONCE(current->ptrace) ||
	    READ_ONCE(current->group_leader->ptrace))
		return "traced";
	if (daudit_loader_injects(mm) || daudit_foreign_code(mm, inode, true))
		return "code injected";
	return NULL;
}

static long ioc_register(const void __user *arg)
{
	struct daudit_actor_reg req;
	struct daudit_actor_area area;
	struct daudit_actor_thread *a, *old;
	struct mm_struct *mm = current->mm;
	struct file *exe;
	const char *why;
	unsigned long flags;
	long ret = 0;
	u64 gen, gen2, ino;
	dev_t dev;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.flags || req.area_size != sizeof(area) || !req.area_ptr ||
	    !IS_ALIGNED(req.area_ptr, 8))
		return -EINVAL;
	if (copy_from_user(&area, u64_to_user_ptr(req.area_ptr), sizeof(area)))
		return -EFAULT;
	if (!mm || (current->flags & PF_KTHREAD))
		return -EPERM;
	rcu_read_lock();
	exe = daudit_get_file_rcu(&mm->exe_file);
	rcu_read_unlock();
	if (!exe)
		return -EPERM;

	why = refusal(exe, &gen);
	if (why) {
		refuse(exe, why);
		fput(exe);
		return -EPERM;
	}
	a = kzalloc(sizeof(*a), GFP_KERNEL_ACCOUNT);
	if (!a) {
		fput(exe);
		return -ENOMEM;
	}
	a->task = current;
	a->tid = current->pid;
	a->start_ns = current->start_time;
	a->area = (unsigned long)req.area_ptr;
	/* Kept apart: once in the table, @a may be dropped and freed. */
	dev = file_inode(exe)->i_sb->s_dev;
	ino = file_inode(exe)->i_ino;
	a->app_dev = dev;
	a->app_ino = ino;
	a->seq = 1;	/* no snapshot yet: never equal to an even seq */
	raw_spin_lock_init(&a->lock);
	fput(exe);

	raw_spin_lock_irqsave(&threads_lock, flags);
	old = lookup(current);
	if (!old && atomic_read(&daudit_actor_threads) >= THREADS_MAX) {
		ret = -ENOSPC;
	} else {
		if (old)
			drop(old);
		hash_add_rcu(threads, &a->node, (unsigned long)current);
		atomic_inc(&daudit_actor_threads);
	}
	raw_spin_unlock_irqrestore(&threads_lock, flags);
	if (ret) {
		kfree(a);
		return ret;
	}
	/*
	 * A policy that came into force since the check walked the table
	 * before this thread was in it: judge again under the new one (the
	 * thread's entry is not touched: it may be gone already).
	 */
	if (!app_in_force(dev, ino, &gen2) && gen2 != gen) {
		daudit_actor_task_gone(current);
		atomic64_inc(&refused);
		return -EPERM;
	}
	return 0;
}

static long actor_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case DAUDIT_IOC_ACTOR_REGISTER:
		return ioc_register((const void __user *)arg);
	case DAUDIT_IOC_ACTOR_UNREGISTER:
		daudit_actor_task_gone(current);
		return 0;
	}
	if (_IOC_TYPE(cmd) == DAUDIT_IOC_MAGIC &&
	    (_IOC_NR(cmd) == 8 || _IOC_NR(cmd) == 9))
		return -EINVAL;
	return -ENOTTY;
}

static const struct file_operations actor_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = actor_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice actor_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = DAUDIT_ACTOR_DEVICE_NAME,
	.fops = &actor_fops,
	.mode = 0666,
};

/**
 * daudit_actor_stats - the actor part of DAUDIT_IOC_STATS.
 * @st: filled in.
 */
void daudit_actor_stats(struct daudit_stats *st)
{
	st->actor_threads = atomic_read(&daudit_actor_threads);
	st->actor_refused = atomic64_read(&refused);
}

int daudit_actor_init(void)
{
	get_random_bytes(&actor_secret, sizeof(actor_secret));
	return misc_register(&actor_misc);
}

/* After the hooks are gone: nothing reads the table any more. */
void daudit_actor_exit(void)
{
	misc_deregister(&actor_misc);
	daudit_actor_policy_changed(NULL);
	rcu_barrier();
}
