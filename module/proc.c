// SPDX-License-Identifier: GPL-2.0
/*
 * The process table: one entry per process that has read protected data,
 * keyed by tgid and start time, holding its executable path.  Entries are
 * replaced (never edited) at exec and removed at exit; lookups are RCU.
 * The table holds one reference to an entry, and a session whose last
 * record waits for room in the ring holds another, so that the record's
 * process can still be announced after the process is gone.
 */
#include <linux/atomic.h>
#include <linux/dcache.h>
#include <linux/file.h>
#include <linux/hash.h>
#include <linux/mm_types.h>
#include <linux/rculist.h>
#include <linux/refcount.h>
#include <linux/sched/signal.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>

#include "pool.h"
#include "proc.h"
#include "record.h"
#include "ring.h"
#include "session.h"
#include "stats.h"

struct daudit_proc {
	struct hlist_node node;
	struct rcu_head rcu;
	refcount_t refs;		/* the table's, and parked sessions' */
	pid_t tgid;
	u64 start_ns;
	atomic_t epoch;			/* consumer epoch last announced to */
	struct daudit_subject subj;
	u16 exe_len;
	u16 cmdline_len;
	bool cmdline_cut;
	char exe[];			/* exe, NUL, command line */
};

#define PROC_BITS 10
static struct hlist_head procs[1 << PROC_BITS];
static DEFINE_RAW_SPINLOCK(procs_lock);
static atomic64_t n_procs = ATOMIC64_INIT(0);
static atomic_t epoch = ATOMIC_INIT(1);

u64 daudit_proc_count(void)
{
	return atomic64_read(&n_procs);
}

void daudit_proc_new_epoch(void)
{
	atomic_inc(&epoch);
}

static struct hlist_head *bucket(pid_t tgid)
{
	return &procs[hash_32(tgid, PROC_BITS)];
}

static struct daudit_proc *lookup(pid_t tgid, u64 start_ns)
{
	struct daudit_proc *e;

	hlist_for_each_entry_rcu(e, bucket(tgid), node)
		if (e->tgid == tgid && e->start_ns == start_ns)
			return e;
	return NULL;
}

static void proc_free_rcu(struct rcu_head *head)
{
	daudit_free(container_of(head, struct daudit_proc, rcu));
}

static void put(struct daudit_proc *e)
{
	if (refcount_dec_and_test(&e->refs))
		call_rcu(&e->rcu, proc_free_rcu);
}

/* The bytes @e's PROCESS record takes in the ring. */
static u32 record_size(const struct daudit_proc *e)
{
	return daudit_ring_rec_size(sizeof(struct daudit_rec_process), true,
				    e->exe_len + (e->cmdline_len ?
						  1 + e->cmdline_len : 0), 0);
}

static void emit(struct daudit_proc *e, u32 event)
{
	struct daudit_rec_process r;

	memset(&r, 0, sizeof(r));
	r.subj = e->subj;
	r.event = event;
	r.exe_len = e->exe_len;
	r.cmdline_len = e->cmdline_len;
	daudit_ring_write_ext(DAUDIT_REC_PROCESS,
			      e->cmdline_cut ? DAUDIT_REC_F_CMDLINE_CUT : 0,
			      &r, sizeof(r), e->exe,
			      e->exe_len + (e->cmdline_len ? 1 + e->cmdline_len : 0),
			      NULL, 0);
}

/*
 * Copy the arguments of current's process into @buf (room for
 * DAUDIT_CMDLINE_MAX bytes) without faulting: a page that is not resident
 * gives no command line rather than a sleep.  Returns the bytes kept, the
 * last argument's NUL dropped; *@cut when the arguments were longer.
 */
static u16 copy_cmdline(struct mm_struct *mm, char *buf, bool *cut)
{
	unsigned long start = READ_ONCE(mm->arg_start);
	unsigned long end = READ_ONCE(mm->arg_end);
	size_t n;

	*cut = false;
	if (end <= start)
		return 0;
	n = end - start;
	if (n > DAUDIT_CMDLINE_MAX) {
		n = DAUDIT_CMDLINE_MAX;
		*cut = true;
	}
	if (copy_from_user_nofault(buf, (const void __user *)start, n)) {
		*cut = false;
		return 0;
	}
	while (n && buf[n - 1] == '\0')
		n--;
	return n;
}

/* Announce @e unless this consumer has already seen it. */
static void announce(struct daudit_proc *e, u32 event)
{
	int cur = atomic_read(&epoch), old = atomic_read(&e->epoch);

	if (event == DAUDIT_PROC_SEEN &&
	    (old == cur || atomic_cmpxchg(&e->epoch, old, cur) != old))
		return;
	atomic_set(&e->epoch, cur);
	emit(e, event);
}

/*
 * A new entry for @task with its executable's path and command line.  Both
 * are read only when @task shares current's memory (the reader itself, or
 * its io_uring worker): another task's mm cannot be read safely from here.
 */
static struct daudit_proc *proc_new(struct task_struct *task,
				    const struct daudit_subject *subj)
{
	struct mm_struct *mm = task->mm;
	struct file *exe = NULL;
	struct daudit_proc *e;
	char *buf = NULL, *path = NULL;
	size_t len = 0;

	if (mm && mm == current->mm) {
		rcu_read_lock();
		exe = daudit_get_file_rcu(&mm->exe_file);
		rcu_read_unlock();
	}
	if (exe) {
		buf = daudit_scratch_get();
		if (buf) {
			path = d_path(&exe->f_path, buf, PATH_MAX);
			if (IS_ERR(path))
				path = NULL;
			else
				len = strlen(path);
		}
	}
	e = daudit_alloc(struct_size(e, exe, len + 1 +
				    (exe ? DAUDIT_CMDLINE_MAX + 1 : 0)));
	if (e) {
		e->tgid = task->tgid;
		e->start_ns = task->group_leader->start_time;
		refcount_set(&e->refs, 1);
		atomic_set(&e->epoch, 0);
		e->subj = *subj;
		e->exe_len = len;
		if (path)
			memcpy(e->exe, path, len);
		e->exe[len] = '\0';
		if (exe) {
			e->cmdline_len = copy_cmdline(mm, e->exe + len + 1,
						      &e->cmdline_cut);
			e->exe[len + 1 + e->cmdline_len] = '\0';
		}
	} else {
		daudit_count(alloc_failures, 1);
	}
	if (buf)
		daudit_scratch_put();
	if (exe)
		fput(exe);
	return e;
}

/**
 * daudit_proc_seen - first sight of a process reading protected data.
 * @task: the process (a thread of it).
 * @subj: its attribution, as its first session recorded it.
 */
void daudit_proc_seen(struct task_struct *task,
		      const struct daudit_subject *subj)
{
	struct daudit_proc *e, *other;
	unsigned long flags;

	rcu_read_lock();
	e = lookup(subj->tgid, subj->start_ns);
	if (e) {
		announce(e, DAUDIT_PROC_SEEN);
		rcu_read_unlock();
		return;
	}
	rcu_read_unlock();

	e = proc_new(task, subj);
	if (!e)
		return;
	raw_spin_lock_irqsave(&procs_lock, flags);
	other = lookup(e->tgid, e->start_ns);
	if (!other) {
		hlist_add_head_rcu(&e->node, bucket(e->tgid));
		atomic64_inc(&n_procs);
	}
	raw_spin_unlock_irqrestore(&procs_lock, flags);
	if (other) {
		daudit_free(e);
		return;
	}
	rcu_read_lock();
	announce(e, DAUDIT_PROC_SEEN);
	rcu_read_unlock();
}

/**
 * daudit_proc_announce - make sure the consumer knows this process.
 * @tgid: process id.
 * @start_ns: its start time.
 */
void daudit_proc_announce(pid_t tgid, u64 start_ns)
{
	struct daudit_proc *e;

	rcu_read_lock();
	e = lookup(tgid, start_ns);
	if (e)
		announce(e, DAUDIT_PROC_SEEN);
	rcu_read_unlock();
}

/**
 * daudit_proc_hold - keep a process's entry for a record written later.
 * @tgid: process id.
 * @start_ns: its start time.
 *
 * Returns the entry, to give back with daudit_proc_put(), or NULL if the
 * process has none.  Any context but NMI.
 */
struct daudit_proc *daudit_proc_hold(pid_t tgid, u64 start_ns)
{
	struct daudit_proc *e;

	rcu_read_lock();
	e = lookup(tgid, start_ns);
	if (e && !refcount_inc_not_zero(&e->refs))
		e = NULL;
	rcu_read_unlock();
	return e;
}

/* Give back an entry of daudit_proc_hold() (NULL: nothing). */
void daudit_proc_put(struct daudit_proc *e)
{
	if (e)
		put(e);
}

/* daudit_proc_announce() for a held entry. */
void daudit_proc_announce_held(struct daudit_proc *e)
{
	announce(e, DAUDIT_PROC_SEEN);
}

/**
 * daudit_proc_record_size - what announcing a process may write.
 * @tgid: process id.
 * @start_ns: its start time.
 * @held: its held entry, or NULL to look it up.
 *
 * The bytes of its PROCESS record, whether or not this consumer has it
 * already; 0 if the process has no entry.
 */
u32 daudit_proc_record_size(pid_t tgid, u64 start_ns,
			    const struct daudit_proc *held)
{
	const struct daudit_proc *e;
	u32 n = 0;

	if (held)
		return record_size(held);
	rcu_read_lock();
	e = lookup(tgid, start_ns);
	if (e)
		n = record_size(e);
	rcu_read_unlock();
	return n;
}

/**
 * daudit_proc_exec - a known process ran a new program: new executable.
 * @task: current, after exec.
 */
void daudit_proc_exec(struct task_struct *task)
{
	struct daudit_proc *old, *e;
	struct daudit_subject subj;
	unsigned long flags;

	rcu_read_lock();
	old = lookup(task->tgid, task->group_leader->start_time);
	rcu_read_unlock();
	if (!old)
		return;
	daudit_subject_fill(&subj, task);
	e = proc_new(task, &subj);
	if (!e)
		return;
	raw_spin_lock_irqsave(&procs_lock, flags);
	old = lookup(e->tgid, e->start_ns);
	if (old)
		hlist_replace_rcu(&old->node, &e->node);
	raw_spin_unlock_irqrestore(&procs_lock, flags);
	if (!old) {
		daudit_free(e);
		return;
	}
	put(old);
	rcu_read_lock();
	announce(e, DAUDIT_PROC_EXEC);
	rcu_read_unlock();
}

/**
 * daudit_proc_exit - a thread exited; when it was the last, end the
 * process's sessions and forget it.
 * @task: the exiting task (current).
 */
void daudit_proc_exit(struct task_struct *task)
{
	struct daudit_proc *e;
	unsigned long flags;
	u64 start = task->group_leader->start_time;

	if (atomic_read(&task->signal->live) || !atomic64_read(&n_procs))
		return;
	rcu_read_lock();
	e = lookup(task->tgid, start);
	rcu_read_unlock();
	if (!e)
		return;
	daudit_session_end_process(task->tgid, start);
	raw_spin_lock_irqsave(&procs_lock, flags);
	e = lookup(task->tgid, start);
	if (e) {
		hlist_del_rcu(&e->node);
		atomic64_dec(&n_procs);
	}
	raw_spin_unlock_irqrestore(&procs_lock, flags);
	if (e)
		put(e);
}

int daudit_proc_init(void)
{
	return 0;
}

/* Unload, after the hooks are gone and a grace period passed. */
void daudit_proc_exit_all(void)
{
	struct daudit_proc *e;
	struct hlist_node *tmp;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(procs); i++) {
		hlist_for_each_entry_safe(e, tmp, &procs[i], node) {
			hlist_del(&e->node);
			daudit_free(e);
		}
	}
	atomic64_set(&n_procs, 0);
}
