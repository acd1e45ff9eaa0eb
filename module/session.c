// SPDX-License-Identifier: GPL-2.0
/*
 * Read sessions.
 *
 * A session is created at the first read of a protected open file by a
 * process, counts every later read of it by that process under its own
 * spinlock, and is written out as one record when the file's final close
 * or the process's exit ends it.  Interim records (bytes since the last
 * record) go out when a session crosses flush_bytes, or flush_age_sec after
 * the first read not yet reported, checked on each read and once a second
 * by a worker, so a server holding a file open for months still reports.
 *
 * Lists (each file's sessions, all live sessions) change only under
 * daudit_sessions_lock, at session start and end, never per read.
 * Sessions are freed after an RCU grace period.
 */
#include <linux/atomic.h>
#include <linux/module.h>
#include <linux/rculist.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>

#include "fcache.h"
#include "policy.h"
#include "proc.h"
#include "record.h"
#include "ring.h"
#include "session.h"
#include "stats.h"

static unsigned long flush_bytes = 64UL << 20;
module_param(flush_bytes, ulong, 0644);
MODULE_PARM_DESC(flush_bytes,
		 "Emit an interim record when a session has read this many bytes since its last record (default 64 MiB)");

static unsigned int flush_age_sec = 60;
module_param(flush_age_sec, uint, 0644);
MODULE_PARM_DESC(flush_age_sec,
		 "Emit an interim record this many seconds after a session's first unreported read (default 60)");

struct daudit_session {
	struct hlist_node fnode;	/* fe->sessions */
	struct list_head live;		/* live_sessions */
	struct rcu_head rcu;
	struct daudit_fentry *fe;
	spinlock_t lock;		/* everything below */
	bool dead;
	bool trusted;
	pid_t tgid;
	u64 start_ns;
	u64 id;
	u32 part;
	u32 paths;
	u64 open_ns;
	u64 bytes;
	u64 calls;
	u64 mmap_bytes;
	u64 mmap_len;
	u64 off_min;
	u64 off_max;
	u64 first_ns;
	u64 last_ns;
	struct daudit_subject subj;
};

DEFINE_SPINLOCK(daudit_sessions_lock);
static LIST_HEAD(live_sessions);
static u64 n_live;
static atomic64_t n_ended = ATOMIC64_INIT(0);
static atomic64_t next_id = ATOMIC64_INIT(0);
static struct kmem_cache *session_cache;
static struct delayed_work age_work;

static u64 now_ns(void)
{
	return ktime_get_coarse_real_ns();
}

static bool has_data(const struct daudit_session *s)
{
	return s->calls || s->mmap_bytes || s->mmap_len;
}

/* Fill a record from @s's interval and start a new one. s->lock held. */
static void take(struct daudit_session *s, struct daudit_rec_file *r,
		 u16 reason, bool final)
{
	const struct daudit_fentry *fe = s->fe;

	memset(r, 0, sizeof(*r));
	r->subj = s->subj;
	r->session_id = s->id;
	r->bytes = s->bytes;
	r->calls = s->calls;
	r->mmap_bytes = s->mmap_bytes;
	r->mmap_len = s->mmap_len;
	r->off_min = s->off_min;
	r->off_max = s->off_max ? s->off_max : DAUDIT_OFFSET_UNKNOWN;
	r->first_ns = s->first_ns;
	r->last_ns = s->last_ns;
	r->open_ns = s->open_ns;
	r->dev = fe->dev;
	r->ino = fe->ino;
	r->paths = s->paths;
	r->reason = reason;
	r->final = final;
	r->part = s->part++;
	r->path_len = fe->path_len;
	memcpy(r->dataset, fe->dsname, sizeof(r->dataset));

	s->bytes = 0;
	s->calls = 0;
	s->mmap_bytes = 0;
	s->mmap_len = 0;
	s->off_min = DAUDIT_OFFSET_UNKNOWN;
	s->off_max = 0;
	s->paths = 0;
	s->first_ns = 0;
	if (final)
		s->dead = true;
}

static void write_file_record(struct daudit_rec_file *r, const char *path)
{
	daudit_proc_announce(r->subj.tgid, r->subj.start_ns);
	daudit_ring_write(DAUDIT_REC_FILE_READ, r, sizeof(*r), path,
			  r->path_len);
}

/* Emit @s's interval; @final ends it.  Lists are not touched here. */
static void emit(struct daudit_session *s, u16 reason, bool final)
{
	struct daudit_rec_file r;
	unsigned long flags;

	spin_lock_irqsave(&s->lock, flags);
	if (s->dead || s->trusted || (!final && !has_data(s))) {
		if (final)
			s->dead = true;
		spin_unlock_irqrestore(&s->lock, flags);
		return;
	}
	take(s, &r, reason, final);
	spin_unlock_irqrestore(&s->lock, flags);
	rcu_read_lock();
	write_file_record(&r, s->fe->path);
	rcu_read_unlock();
}

/* One read that has no session to go to: a record of its own. */
static void emit_single(struct daudit_fentry *fe, struct task_struct *task,
			const struct daudit_io *io, u16 reason)
{
	struct daudit_rec_file r;
	u64 t = now_ns();

	memset(&r, 0, sizeof(r));
	daudit_subject_fill(&r.subj, task);
	r.bytes = io->bytes;
	r.calls = io->calls;
	r.mmap_bytes = io->mmap_bytes;
	r.mmap_len = io->mmap_len;
	r.off_min = io->off;
	r.off_max = io->off == DAUDIT_OFFSET_UNKNOWN ? io->off :
		    io->off + io->bytes;
	r.first_ns = t;
	r.last_ns = t;
	r.open_ns = t;
	r.dev = fe->dev;
	r.ino = fe->ino;
	r.paths = io->path;
	r.reason = reason;
	r.final = 1;
	r.path_len = fe->path_len;
	memcpy(r.dataset, fe->dsname, sizeof(r.dataset));
	write_file_record(&r, fe->path);
}

static void session_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(session_cache,
			container_of(head, struct daudit_session, rcu));
}

/* Unlink an ended session.  daudit_sessions_lock held. */
static void unlink_session(struct daudit_session *s)
{
	hlist_del_rcu(&s->fnode);
	list_del(&s->live);
	n_live--;
	atomic64_inc(&n_ended);
	call_rcu(&s->rcu, session_free_rcu);
}

static struct daudit_session *find(struct daudit_fentry *fe, pid_t tgid,
				   u64 start_ns)
{
	struct daudit_session *s;

	hlist_for_each_entry_rcu(s, &fe->sessions, fnode)
		if (s->tgid == tgid && s->start_ns == start_ns)
			return s;
	return NULL;
}

/* Is @task running one of the dataset's trusted readers? */
static bool trusted(const struct daudit_policy *p, u16 dataset,
		    struct task_struct *task)
{
	struct mm_struct *mm = task->mm;
	struct file *exe;
	struct inode *inode;

	if (!p->n_readers || !mm || (task != current && mm != current->mm))
		return false;
	exe = rcu_dereference(mm->exe_file);
	if (!exe)
		return false;
	inode = file_inode(exe);
	return daudit_policy_trusted(p, dataset, inode->i_sb->s_dev,
				     inode->i_ino);
}

static struct daudit_session *create(const struct daudit_policy *p,
				     struct daudit_fentry *fe,
				     struct task_struct *task)
{
	struct daudit_session *s, *other;
	unsigned long flags;

	s = kmem_cache_zalloc(session_cache, GFP_NOWAIT | __GFP_NOWARN);
	if (!s) {
		daudit_count(alloc_failures, 1);
		return NULL;
	}
	spin_lock_init(&s->lock);
	s->fe = fe;
	s->tgid = task->tgid;
	s->start_ns = task->group_leader->start_time;
	s->trusted = trusted(p, fe->dataset, task);
	s->off_min = DAUDIT_OFFSET_UNKNOWN;
	s->open_ns = now_ns();
	daudit_subject_fill(&s->subj, task);

	spin_lock_irqsave(&daudit_sessions_lock, flags);
	other = fe->dead ? NULL : find(fe, s->tgid, s->start_ns);
	if (fe->dead || other) {
		spin_unlock_irqrestore(&daudit_sessions_lock, flags);
		kmem_cache_free(session_cache, s);
		return other;
	}
	s->id = atomic64_inc_return(&next_id);
	hlist_add_head_rcu(&s->fnode, &fe->sessions);
	list_add_tail(&s->live, &live_sessions);
	n_live++;
	spin_unlock_irqrestore(&daudit_sessions_lock, flags);

	daudit_proc_seen(task, &s->subj);
	return s;
}

/**
 * daudit_session_account - count a read of a protected file.
 * @p: the policy in force.
 * @fe: the file's cache entry (protected).
 * @task: the reading task.
 * @io: what was read.
 */
void daudit_session_account(const struct daudit_policy *p,
			    struct daudit_fentry *fe, struct task_struct *task,
			    const struct daudit_io *io)
{
	struct daudit_session *s;
	struct daudit_rec_file r;
	unsigned long flags;
	u16 interim = 0;
	u64 t;

	s = find(fe, task->tgid, task->group_leader->start_time);
	if (!s)
		s = create(p, fe, task);
	if (!s) {
		emit_single(fe, task, io, fe->dead ? DAUDIT_END_LATE :
						     DAUDIT_END_NOMEM);
		goto count;
	}
	if (s->trusted) {
		daudit_count(trusted_reads, 1);
		return;
	}

	t = now_ns();
	spin_lock_irqsave(&s->lock, flags);
	if (s->dead) {
		spin_unlock_irqrestore(&s->lock, flags);
		emit_single(fe, task, io, DAUDIT_END_LATE);
		goto count;
	}
	if (!has_data(s))
		s->first_ns = t;
	s->last_ns = t;
	s->bytes += io->bytes;
	s->calls += io->calls;
	s->mmap_bytes += io->mmap_bytes;
	s->mmap_len += io->mmap_len;
	s->paths |= io->path;
	if (io->off != DAUDIT_OFFSET_UNKNOWN && io->bytes) {
		s->off_min = min(s->off_min, io->off);
		s->off_max = max(s->off_max, io->off + io->bytes);
	}
	if (s->bytes + s->mmap_bytes >= flush_bytes)
		interim = DAUDIT_END_BYTES;
	else if (t - s->first_ns >= (u64)flush_age_sec * NSEC_PER_SEC)
		interim = DAUDIT_END_AGE;
	if (interim)
		take(s, &r, interim, false);
	spin_unlock_irqrestore(&s->lock, flags);
	if (interim)
		write_file_record(&r, fe->path);
count:
	daudit_count(reads, io->calls);
	daudit_count(read_bytes, io->bytes + io->mmap_bytes);
}

/**
 * daudit_session_end_file - end all sessions of a file.
 * @fe: the file's entry, being retired.
 * @reason: why (close, unload, policy).
 */
void daudit_session_end_file(struct daudit_fentry *fe, u16 reason)
{
	struct daudit_session *s;
	struct hlist_node *tmp;
	unsigned long flags;

	spin_lock_irqsave(&daudit_sessions_lock, flags);
	fe->dead = true;
	hlist_for_each_entry_safe(s, tmp, &fe->sessions, fnode) {
		emit(s, reason, true);
		unlink_session(s);
	}
	spin_unlock_irqrestore(&daudit_sessions_lock, flags);
}

/**
 * daudit_session_end_process - a process exited: end its sessions.
 * @tgid: its id.
 * @start_ns: its start time.
 */
void daudit_session_end_process(pid_t tgid, u64 start_ns)
{
	struct daudit_session *s, *tmp;
	unsigned long flags;

	spin_lock_irqsave(&daudit_sessions_lock, flags);
	list_for_each_entry_safe(s, tmp, &live_sessions, live) {
		if (s->tgid != tgid || s->start_ns != start_ns)
			continue;
		emit(s, DAUDIT_END_EXIT, true);
		unlink_session(s);
	}
	spin_unlock_irqrestore(&daudit_sessions_lock, flags);
}

/**
 * daudit_session_flush_all - interim records for every live session.
 * @reason: DAUDIT_END_FLUSH or DAUDIT_END_AGE.
 */
void daudit_session_flush_all(u16 reason)
{
	struct daudit_session *s;
	unsigned long flags;
	u64 t = now_ns(), age = (u64)flush_age_sec * NSEC_PER_SEC;

	spin_lock_irqsave(&daudit_sessions_lock, flags);
	list_for_each_entry(s, &live_sessions, live) {
		/* Racy peek; emit() decides under the session's lock. */
		if (reason == DAUDIT_END_AGE &&
		    (!READ_ONCE(s->first_ns) || t - READ_ONCE(s->first_ns) < age))
			continue;
		emit(s, reason, false);
	}
	spin_unlock_irqrestore(&daudit_sessions_lock, flags);
}

static void flush_worker(struct work_struct *work)
{
	daudit_session_flush_all(DAUDIT_END_AGE);
	schedule_delayed_work(&age_work, HZ);
}

/**
 * daudit_session_stats - the session part of DAUDIT_IOC_STATS.
 * @st: filled in.
 */
void daudit_session_stats(struct daudit_stats *st)
{
	st->sessions_open = READ_ONCE(n_live);
	st->sessions_ended = atomic64_read(&n_ended);
	st->files_tracked = daudit_fcache_count();
	st->procs_tracked = daudit_proc_count();
}

int daudit_session_init(void)
{
	session_cache = KMEM_CACHE(daudit_session, 0);
	if (!session_cache)
		return -ENOMEM;
	INIT_DELAYED_WORK(&age_work, flush_worker);
	schedule_delayed_work(&age_work, HZ);
	return 0;
}

/* After the hooks are gone and every file entry retired. */
void daudit_session_exit(void)
{
	cancel_delayed_work_sync(&age_work);
	rcu_barrier();
	kmem_cache_destroy(session_cache);
}
