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
 * Lists (each file's sessions, all live sessions, the sessions of each
 * process by pid) change only under daudit_sessions_lock, at session start
 * and end, never per read.  A process's exit walks only its pid's bucket,
 * so its cost does not grow with the sessions other processes hold.
 * Sessions are freed after an RCU grace period.
 */
#include <linux/atomic.h>
#include <linux/hash.h>
#include <linux/module.h>
#include <linux/rculist.h>
#include <linux/sched/mm.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>

#include "actor.h"
#include "egress.h"
#include "fcache.h"
#include "policy.h"
#include "pool.h"
#include "proc.h"
#include "prof.h"
#include "record.h"
#include "ring.h"
#include "session_int.h"
#include "socket.h"
#include "stats.h"
#include "trust.h"

static unsigned long flush_bytes = 64UL << 20;
module_param(flush_bytes, ulong, 0644);
MODULE_PARM_DESC(flush_bytes,
		 "Emit an interim record when a session has read this many bytes since its last record (default 64 MiB)");

static unsigned int flush_age_sec = 60;
module_param(flush_age_sec, uint, 0644);
MODULE_PARM_DESC(flush_age_sec,
		 "Emit an interim record this many seconds after a session's first unreported read (default 60)");

static unsigned int park_max = 65536;
module_param(park_max, uint, 0644);
MODULE_PARM_DESC(park_max,
		 "Ended sessions kept, at most, while their records wait for room in the ring; past that a record that does not fit is dropped and counted (default 65536)");

DEFINE_RAW_SPINLOCK(daudit_sessions_lock);
static LIST_HEAD(live_sessions);
/* Ended sessions whose last record did not fit: oldest first. */
static LIST_HEAD(parked);
static u64 n_parked;
#define PROC_SESSION_BITS 10
/* Sessions ended or flushed under one hold of daudit_sessions_lock. */
#define END_BATCH 64
static struct hlist_head proc_sessions[1 << PROC_SESSION_BITS];
static u64 n_live;
static atomic64_t n_ended = ATOMIC64_INIT(0);
static atomic64_t next_id = ATOMIC64_INIT(0);
static struct delayed_work age_work;
/* For a call with no session: a session-shaped scratch, per CPU. */
static DEFINE_PER_CPU(struct daudit_session, single);

static u64 now_ns(void)
{
	return ktime_get_coarse_real_ns();
}

/*
 * Count @io into @s.  s->lock held.  first_ns is 0 exactly when the
 * interval is empty (take() clears it, the clock is never 0); only
 * mappings carry mapped bytes.
 */
static __always_inline void add(struct daudit_session *s,
				const struct daudit_io *io, u64 t)
{
	if (!s->first_ns)
		s->first_ns = t;
	s->last_ns = t;
	s->bytes += io->bytes;
	s->calls += io->calls;
	if (unlikely(io->path & DAUDIT_PATH_MMAP)) {
		s->mmap_bytes += io->mmap_bytes;
		s->mmap_len += io->mmap_len;
	}
	s->paths |= io->path;
	if (io->off != DAUDIT_OFFSET_UNKNOWN && io->bytes) {
		s->off_min = min(s->off_min, io->off);
		s->off_max = max(s->off_max, io->off + io->bytes);
	}
}

/*
 * The thread declared a new request (or this is the interval's first
 * call): keep its declaration for the record, count the request.
 * s->lock held (or @s is private).
 */
static noinline void note_actor(struct daudit_session *s,
				const struct daudit_actor_ref *ref)
{
	u32 n = s->act.requests;

	if (s->act.seq != ref->seq && daudit_actor_copy(ref, &s->act))
		n++;
	s->act.requests = max(n, 1U);
}

/* Start @s as @ref's actor's session, if one is declared. */
static void set_actor(struct daudit_session *s,
		      const struct daudit_actor_ref *ref)
{
	s->act_key = ref->key;
	if (ref->key)
		daudit_actor_copy(ref, &s->act);
}

/* One call that has no session to go to: a record of its own. */
static void emit_single(struct daudit_fentry *fe, struct task_struct *task,
			const struct daudit_io *io, const char *dataset,
			u64 marked_ns, u16 reason,
			const struct daudit_actor_ref *ref)
{
	struct daudit_session *s = this_cpu_ptr(&single);
	struct daudit_rec_session r;
	u32 size;
	u16 type;

	/* Interrupts are off: this CPU's spare session is ours alone. */
	memset(s, 0, sizeof(*s));
	s->fe = fe;
	s->off_min = DAUDIT_OFFSET_UNKNOWN;
	s->open_ns = now_ns();
	s->marked_ns = marked_ns;
	strscpy(s->dataset, dataset, sizeof(s->dataset));
	daudit_subject_fill(&s->subj, task);
	set_actor(s, ref);
	if (s->act_key)
		s->act.requests = 1;
	add(s, io, s->open_ns);
	type = daudit_session_take(s, &r, &size, reason, true);
	daudit_session_write(type, &r, size, fe, NULL);
}

static void single_record(struct daudit_fentry *fe, struct task_struct *task,
			  const struct daudit_io *io, const char *dataset,
			  u64 marked_ns, u16 reason,
			  const struct daudit_actor_ref *ref)
{
	unsigned long flags;

	local_irq_save(flags);
	emit_single(fe, task, io, dataset, marked_ns, reason, ref);
	local_irq_restore(flags);
}

static void session_free_rcu(struct rcu_head *head)
{
	daudit_free(container_of(head, struct daudit_session, rcu));
}

/* Unlink an ended session.  daudit_sessions_lock held. */
static void unlink_session(struct daudit_session *s)
{
	hlist_del_rcu(&s->fnode);
	list_del(&s->live);
	hlist_del(&s->pnode);
	n_live--;
	atomic64_inc(&n_ended);
	call_rcu(&s->rcu, session_free_rcu);
}

/*
 * The session of process (@tgid, @start_ns) for actor @key on @fe.  The
 * sessions of declared actors are a list of their own, so a read with
 * no actor walks only sessions with none.
 */
static __always_inline struct daudit_session *
find(struct daudit_fentry *fe, pid_t tgid, u64 start_ns, u64 key)
{
	struct daudit_session *s;

	if (likely(!key)) {
		hlist_for_each_entry_rcu(s, &fe->sessions, fnode,
					 rcu_read_lock_any_held())
			if (s->tgid == tgid && s->start_ns == start_ns)
				return s;
		return NULL;
	}
	hlist_for_each_entry_rcu(s, &fe->actor_sessions, fnode,
				 rcu_read_lock_any_held())
		if (s->tgid == tgid && s->start_ns == start_ns &&
		    s->act_key == key)
			return s;
	return NULL;
}

/*
 * Is @task running one of the dataset's trusted readers, with only its
 * own code?  Trust is for the program, so not for a process being traced
 * (a debugger can make it do anything), nor one whose loader was told to
 * load other code (LD_PRELOAD, LD_AUDIT, LD_LIBRARY_PATH), nor one that
 * maps code from a file that is not the program or a system file.
 * Checked when the session starts, only for trusted programs.
 */
static bool trusted(const struct daudit_policy *p, u16 dataset,
		    struct task_struct *task)
{
	struct mm_struct *mm = task->mm;
	struct file *exe;
	struct inode *inode;
	bool ok = false;

	if (!p->n_readers || !mm || (task != current && mm != current->mm))
		return false;
	/*
	 * The executable's file is freed after a grace period: read it under
	 * rcu_read_lock() whatever the caller holds (a kprobe on copy paths
	 * runs with preemption off only; PROVE_RCU reported it).
	 */
	rcu_read_lock();
	exe = rcu_dereference(mm->exe_file);
	if (!exe)
		goto out;
	inode = file_inode(exe);
	if (!daudit_policy_trusted(p, dataset, inode->i_sb->s_dev,
				   inode->i_ino))
		goto out;
	if (READ_ONCE(task->ptrace) || READ_ONCE(task->group_leader->ptrace))
		goto out;
	ok = !daudit_loader_injects(mm) && !daudit_foreign_code(mm, inode, false);
out:
	rcu_read_unlock();
	return ok;
}

static struct daudit_session *create(const struct daudit_policy *p,
				     struct daudit_fentry *fe,
				     struct task_struct *task,
				     const char *dataset, u64 marked_ns,
				     const struct daudit_actor_ref *ref)
{
	struct daudit_session *s, *other;
	unsigned long flags;
	u64 t0;

	s = daudit_alloc(sizeof(*s));
	if (!s) {
		daudit_count(alloc_failures, 1);
		return NULL;
	}
	raw_spin_lock_init(&s->lock);
	s->fe = fe;
	s->tgid = task->tgid;
	s->start_ns = task->group_leader->start_time;
	t0 = daudit_prof_begin();
	s->trusted = fe->role == DAUDIT_ROLE_READ &&
		     trusted(p, fe->dataset, task);
	daudit_prof_end(DAUDIT_ST_TRUSTED, t0);
	s->off_min = DAUDIT_OFFSET_UNKNOWN;
	s->open_ns = now_ns();
	s->marked_ns = marked_ns;
	strscpy(s->dataset, dataset, sizeof(s->dataset));
	t0 = daudit_prof_begin();
	daudit_subject_fill(&s->subj, task);
	daudit_prof_end(DAUDIT_ST_SUBJECT, t0);
	set_actor(s, ref);

	raw_spin_lock_irqsave(&daudit_sessions_lock, flags);
	other = fe->dead ? NULL : find(fe, s->tgid, s->start_ns, ref->key);
	if (fe->dead || other) {
		raw_spin_unlock_irqrestore(&daudit_sessions_lock, flags);
		daudit_free(s);
		return other;
	}
	s->id = atomic64_inc_return(&next_id);
	hlist_add_head_rcu(&s->fnode, ref->key ? &fe->actor_sessions :
						 &fe->sessions);
	list_add_tail(&s->live, &live_sessions);
	hlist_add_head(&s->pnode,
		       &proc_sessions[hash_32(s->tgid, PROC_SESSION_BITS)]);
	n_live++;
	raw_spin_unlock_irqrestore(&daudit_sessions_lock, flags);

	/* A trusted reader's sessions write no record: nothing to join. */
	if (!s->trusted) {
		u64 t0 = daudit_prof_begin();

		daudit_proc_seen(task, &s->subj);
		daudit_prof_end(DAUDIT_ST_PROC_SEEN, t0);
	}
	return s;
}

/* A call that raced with the close or exit ending its session. */
static noinline void late(struct daudit_session *s, struct task_struct *task,
			  const struct daudit_io *io, const char *dataset,
			  u64 marked_ns, const struct daudit_actor_ref *ref,
			  unsigned long flags)
	__releases(&s->lock)
{
	emit_single(s->fe, task, io, dataset, marked_ns, DAUDIT_END_LATE, ref);
	raw_spin_unlock_irqrestore(&s->lock, flags);
}

/* What account() did with a call. */
enum { ACC_ELSEWHERE, ACC_COUNTED, ACC_MARK };

/*
 * Count @io in @task's session on @fe.  For reads, ACC_MARK says the
 * session's egress mark is due for a refresh (at most once a second per
 * session, so the mark table stays off the per-read path).
 */
static __always_inline int account(const struct daudit_policy *p,
				   struct daudit_fentry *fe,
				   struct task_struct *task,
				   const struct daudit_io *io,
				   const char *dataset, u64 marked_ns)
{
	struct daudit_actor_ref ref;
	struct daudit_session *s;
	unsigned long flags;
	int ret = ACC_COUNTED;
	unsigned long tick;
	u64 t;

	daudit_actor_now(task, &ref);
	s = find(fe, task->tgid, task->group_leader->start_time, ref.key);
	if (unlikely(!s)) {
		u64 t0 = daudit_prof_begin();

		s = create(p, fe, task, dataset, marked_ns, &ref);
		daudit_prof_end(DAUDIT_ST_CREATE, t0);
		if (!s) {
			single_record(fe, task, io, dataset, marked_ns,
				      fe->dead ? DAUDIT_END_LATE :
						 DAUDIT_END_NOMEM, &ref);
			return ACC_MARK;
		}
	}
	if (s->trusted) {
		daudit_count(trusted_reads, 1);
		return ACC_ELSEWHERE;
	}

	raw_spin_lock_irqsave(&s->lock, flags);
	/* The coarse clock moves with the tick: within one, reuse its time. */
	tick = READ_ONCE(jiffies);
	if (likely(s->calls) && tick == s->last_jiffies) {
		t = s->last_ns;
	} else {
		s->last_jiffies = tick;
		t = now_ns();
	}
	if (unlikely(s->dead)) {
		late(s, task, io, dataset, marked_ns, &ref, flags);
		return ACC_MARK;
	}
	if (unlikely(ref.key) &&
	    (s->act.seq != ref.seq || !s->act.requests))
		note_actor(s, &ref);
	add(s, io, t);
	if (fe->role == DAUDIT_ROLE_READ && t - s->marked_ns >= NSEC_PER_SEC) {
		s->marked_ns = t;
		ret = ACC_MARK;
	}
	/* The age threshold is the flush worker's, once a second. */
	if (unlikely(s->bytes + s->mmap_bytes >= flush_bytes))
		daudit_session_interim(s, flags);
	else
		raw_spin_unlock_irqrestore(&s->lock, flags);
	return ret;
}

/**
 * daudit_session_account - count a read of protected data.
 * @p: the policy in force.
 * @fe: the file's cache entry (READ role, protected).
 * @task: the reading task.
 * @io: what was read.
 */
notrace daudit_nocanary void daudit_session_account(const struct daudit_policy *p,
				       struct daudit_fentry *fe,
				       struct task_struct *task,
				       const struct daudit_io *io)
{
	u64 t0 = daudit_prof_begin();
	int done = account(p, fe, task, io, fe->dsname, 0);

	if (done == ACC_MARK)
		daudit_egress_mark(task, fe->dsname);
	if (done != ACC_ELSEWHERE) {
		daudit_count(reads, io->calls);
		daudit_count(read_bytes, io->bytes + io->mmap_bytes);
	}
	daudit_prof_end(DAUDIT_ST_ACCOUNT, t0);
}

/**
 * daudit_session_mark_early - mark a reader's session before it reads.
 * @p: the policy in force.
 * @fe: the file's cache entry (READ role, protected).
 * @task: the task about to read it.
 *
 * For the copies inside the kernel, whose bytes another process can take
 * before the read is counted (hook_syscall.c).  A trusted reader marks
 * nothing, as its reads do not: its session says so, or, before its first
 * read of @fe, the same check its session will make.
 */
void daudit_session_mark_early(const struct daudit_policy *p,
			       struct daudit_fentry *fe,
			       struct task_struct *task)
{
	struct daudit_actor_ref ref;
	struct daudit_session *s;

	daudit_actor_now(task, &ref);
	s = find(fe, task->tgid, task->group_leader->start_time, ref.key);
	if (s ? s->trusted : trusted(p, fe->dataset, task))
		return;
	daudit_egress_mark(task, fe->dsname);
}

/**
 * daudit_session_egress - count data leaving through a marked session.
 * @p: the policy in force.
 * @fe: the destination's cache entry (EGRESS role).
 * @task: the sending or writing task.
 * @m: its mark.
 * @io: what was sent or written.
 */
void daudit_session_egress(const struct daudit_policy *p,
			   struct daudit_fentry *fe, struct task_struct *task,
			   const struct daudit_mark *m, const struct daudit_io *io)
{
	account(p, fe, task, io, m->dataset, READ_ONCE(m->last_ns));
	daudit_count(egress_bytes, io->bytes);
}

/*
 * Keep ended session @s, whose last record does not fit, until it does:
 * off its file's and process's lists, so nothing finds it, and on the
 * parked list, holding its file entry (for the path) until it is written.
 * daudit_sessions_lock held.  False when park_max sessions wait already.
 */
static bool park(struct daudit_session *s, u16 reason)
{
	if (n_parked >= READ_ONCE(park_max))
		return false;
	hlist_del_rcu(&s->fnode);
	hlist_del(&s->pnode);
	list_move_tail(&s->live, &parked);
	n_live--;
	n_parked++;
	s->park_reason = reason;
	s->fe->parked++;
	s->proc = daudit_proc_hold(s->tgid, s->start_ns);
	return true;
}

/*
 * Parked session @s is written (or given up): free it, and its file entry
 * if that was retired and waited for its last parked session.
 * daudit_sessions_lock held.
 */
static void unpark(struct daudit_session *s)
{
	struct daudit_fentry *fe = s->fe;

	list_del(&s->live);
	n_parked--;
	atomic64_inc(&n_ended);
	daudit_proc_put(s->proc);
	call_rcu(&s->rcu, session_free_rcu);
	if (!--fe->parked && fe->dead)
		daudit_fcache_free(fe);
}

/* End @s: its last record now, else parked, else dropped and counted. */
static void end(struct daudit_session *s, u16 reason)
{
	if (!daudit_session_emit(s, reason, true, false)) {
		if (park(s, reason))
			return;
		daudit_session_emit(s, reason, true, true);
	}
	unlink_session(s);
}

/**
 * daudit_session_end_file - end all sessions of a file.
 * @fe: the file's entry, being retired.
 * @reason: why (close, unload, policy).
 *
 * Returns true when @fe may be freed now, false when parked sessions
 * still use it: the last of them frees it (daudit_fcache_free()).
 */
bool daudit_session_end_file(struct daudit_fentry *fe, u16 reason)
{
	struct daudit_session *s;
	struct hlist_node *tmp;
	unsigned long flags;
	bool done;

	raw_spin_lock_irqsave(&daudit_sessions_lock, flags);
	fe->dead = true;
	hlist_for_each_entry_safe(s, tmp, &fe->sessions, fnode)
		end(s, reason);
	hlist_for_each_entry_safe(s, tmp, &fe->actor_sessions, fnode)
		end(s, reason);
	done = !fe->parked;
	raw_spin_unlock_irqrestore(&daudit_sessions_lock, flags);
	return done;
}

/**
 * daudit_session_end_process - a process exited: end its sessions.
 * @tgid: its id.
 * @start_ns: its start time.
 */
void daudit_session_end_process(pid_t tgid, u64 start_ns)
{
	struct hlist_head *head = &proc_sessions[hash_32(tgid, PROC_SESSION_BITS)];
	struct daudit_session *s;
	struct hlist_node *tmp;
	unsigned long flags;
	unsigned int n;
	bool more;

	/*
	 * A process may hold thousands of sessions: end them END_BATCH at a
	 * time, letting interrupts and other CPUs in between.  An ended
	 * session has left the bucket (ended or parked), and an exiting
	 * process starts no new one, so each pass starts again at the head.
	 */
	do {
		more = false;
		n = 0;
		raw_spin_lock_irqsave(&daudit_sessions_lock, flags);
		hlist_for_each_entry_safe(s, tmp, head, pnode) {
			if (s->tgid != tgid || s->start_ns != start_ns)
				continue;
			if (n++ == END_BATCH) {
				more = true;
				break;
			}
			end(s, DAUDIT_END_EXIT);
		}
		raw_spin_unlock_irqrestore(&daudit_sessions_lock, flags);
	} while (more);
}

/**
 * daudit_session_flush_all - interim records for every live session.
 * @reason: DAUDIT_END_FLUSH or DAUDIT_END_AGE.
 *
 * Process context only (the flush ioctl, the age worker): it may sleep
 * between batches.
 */
void daudit_session_flush_all(u16 reason)
{
	struct daudit_session *s;
	unsigned long flags;
	unsigned int n;
	u64 left, t = now_ns(), age = (u64)flush_age_sec * NSEC_PER_SEC;

	/*
	 * Every session live now, END_BATCH at a time under the lock: each
	 * visited one goes to the list's tail, so the ones not yet visited
	 * stay at its head, whatever starts or ends between two batches
	 * (new ones are added at the tail too).  One visited twice (when
	 * others ended meanwhile) has nothing new to write the second time.
	 */
	raw_spin_lock_irqsave(&daudit_sessions_lock, flags);
	left = n_live;
	while (left) {
		for (n = 0; n < END_BATCH && left; n++, left--) {
			u64 first;

			s = list_first_entry_or_null(&live_sessions,
						     struct daudit_session, live);
			if (!s) {
				left = 0;
				break;
			}
			list_move_tail(&s->live, &live_sessions);
			first = READ_ONCE(s->first_ns);
			/*
			 * Racy peek; daudit_session_emit() decides under the
			 * session's lock.  A session that began after @t was
			 * read (on another CPU, a tick later) is younger than
			 * @t, not 2^64 ns old.
			 */
			if (reason == DAUDIT_END_AGE &&
			    (!first || first > t || t - first < age))
				continue;
			/* One that does not fit keeps its counts for later. */
			daudit_session_emit(s, reason, false, false);
		}
		if (!left)
			break;
		raw_spin_unlock_irqrestore(&daudit_sessions_lock, flags);
		cond_resched();
		raw_spin_lock_irqsave(&daudit_sessions_lock, flags);
	}
	raw_spin_unlock_irqrestore(&daudit_sessions_lock, flags);
}

/**
 * daudit_session_drain - write parked sessions' records while they fit.
 *
 * From the consumer's read() and acknowledgement, which make room, and
 * from the age worker.  A few at a time under the lock, oldest first.
 */
void daudit_session_drain(void)
{
	struct daudit_session *s;
	unsigned long flags;
	unsigned int n;
	bool more = true;

	while (more && READ_ONCE(n_parked)) {
		raw_spin_lock_irqsave(&daudit_sessions_lock, flags);
		for (n = 0; n < 32; n++) {
			s = list_first_entry_or_null(&parked,
						     struct daudit_session, live);
			if (!s || !daudit_session_emit(s, s->park_reason, true,
						       false)) {
				more = false;
				break;
			}
			unpark(s);
		}
		raw_spin_unlock_irqrestore(&daudit_sessions_lock, flags);
	}
}

static void flush_worker(struct work_struct *work)
{
	daudit_session_drain();
	daudit_session_flush_all(DAUDIT_END_AGE);
	daudit_egress_expire();
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
	st->sessions_parked = READ_ONCE(n_parked);
	st->files_tracked = daudit_fcache_count();
	st->procs_tracked = daudit_proc_count();
}

int daudit_session_init(void)
{
	INIT_DELAYED_WORK(&age_work, flush_worker);
	schedule_delayed_work(&age_work, HZ);
	return 0;
}

/*
 * After the hooks are gone and every file entry retired.  Nobody reads
 * the ring any more: parked records are dropped (the unload's message
 * counts them with the ring's).  Returns how many.
 */
u64 daudit_session_exit(void)
{
	struct daudit_session *s, *tmp;
	unsigned long flags;
	u64 n = 0;

	cancel_delayed_work_sync(&age_work);
	raw_spin_lock_irqsave(&daudit_sessions_lock, flags);
	list_for_each_entry_safe(s, tmp, &parked, live) {
		unpark(s);
		n++;
	}
	raw_spin_unlock_irqrestore(&daudit_sessions_lock, flags);
	rcu_barrier();
	return n;
}
