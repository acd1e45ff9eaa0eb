/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declared actors: the person an application thread says it works for,
 * read from an area of the thread's own memory that it registered once
 * through /dev/daudit-actor (uapi/daudit.h, docs/actors.md).
 */
#ifndef _DAUDIT_ACTOR_H
#define _DAUDIT_ACTOR_H

#include <linux/atomic.h>
#include <linux/sched.h>
#include "uapi/daudit.h"

struct daudit_policy;
struct daudit_actor_thread;

/* What a read saw: the thread's registration and its declaration then. */
struct daudit_actor_ref {
	struct daudit_actor_thread *thread;
	u64 key;		/* 0: no actor declared */
	u32 seq;		/* the area's seq of that declaration */
};

/* Threads registered now; 0 keeps every read off the lookup. */
extern atomic_t daudit_actor_threads;

void __daudit_actor_now(struct task_struct *task, struct daudit_actor_ref *ref);

/*
 * The actor @task declares for a read it is making now.  Reads the area
 * without faulting when the caller runs in @task's memory (its own
 * thread, an io_uring worker of the process), else takes the thread's
 * last copy.  Context: RCU read-side (rcu_read_lock or preemption off);
 * @ref is good until it ends.
 */
static __always_inline void daudit_actor_now(struct task_struct *task,
					     struct daudit_actor_ref *ref)
{
	ref->key = 0;
	if (unlikely(atomic_read(&daudit_actor_threads)))
		__daudit_actor_now(task, ref);
}

/*
 * The declaration @ref saw, for a record; false if the thread declared
 * another actor meanwhile (the caller keeps what it had).
 */
bool daudit_actor_copy(const struct daudit_actor_ref *ref,
		       struct daudit_rec_actor *out);

/* A thread exits or execs: its registration ends. */
void daudit_actor_task_gone(struct task_struct *task);
/* A new policy is in force: drop threads of programs it does not name. */
void daudit_actor_policy_changed(const struct daudit_policy *p);
void daudit_actor_stats(struct daudit_stats *st);

int daudit_actor_init(void);
void daudit_actor_exit(void);

#endif /* _DAUDIT_ACTOR_H */
