// SPDX-License-Identifier: GPL-2.0
/*
 * Egress marks.  Keyed by the audit session id when the task has one, so
 * `cat customers.csv | nc host 9000` marks the session through cat and
 * catches the bytes nc sends; by process otherwise.  The window counts
 * from the last protected read.
 */
#include <linux/atomic.h>
#include <linux/audit.h>
#include <linux/hash.h>
#include <linux/module.h>
#include <linux/rculist.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>

#include "egress.h"
#include "pool.h"
#include "stats.h"

static unsigned int egress_window_sec = 900;
module_param(egress_window_sec, uint, 0644);
MODULE_PARM_DESC(egress_window_sec,
		 "Seconds after a protected read during which the session's sends and writes are egress (default 900)");

#define MARK_BITS 8
#define MARKS_MAX 65536
/* Refresh a live mark's time at most this often: reads are frequent. */
#define MARK_REFRESH_NS NSEC_PER_SEC

static struct hlist_head marks[1 << MARK_BITS];
static DEFINE_RAW_SPINLOCK(marks_lock);
static atomic_t n_marks = ATOMIC_INIT(0);

static u64 key_of(struct task_struct *task)
{
	unsigned int sid = audit_get_sessionid(task);

	if (sid != AUDIT_SID_UNSET)
		return (1ULL << 63) | sid;
	return ((u64)task->tgid << 32) ^ (task->group_leader->start_time & 0xffffffff);
}

static struct daudit_mark *find(u64 key)
{
	struct daudit_mark *m;

	hlist_for_each_entry_rcu(m, &marks[hash_64(key, MARK_BITS)], node)
		if (m->key == key)
			return m;
	return NULL;
}

static void mark_free_rcu(struct rcu_head *head)
{
	daudit_free(container_of(head, struct daudit_mark, rcu));
}

static u64 window_ns(void)
{
	return (u64)READ_ONCE(egress_window_sec) * NSEC_PER_SEC;
}

/**
 * daudit_egress_mark - a task read protected data.
 * @task: the reader.
 * @dataset: what it read.
 */
void daudit_egress_mark(struct task_struct *task, const char *dataset)
{
	u64 key = key_of(task), now = ktime_get_coarse_real_ns();
	struct daudit_mark *m, *new;
	unsigned long flags;

	rcu_read_lock();
	m = find(key);
	if (m && now - READ_ONCE(m->last_ns) < MARK_REFRESH_NS) {
		rcu_read_unlock();
		return;
	}
	if (m) {
		WRITE_ONCE(m->last_ns, now);
		rcu_read_unlock();
		return;
	}
	rcu_read_unlock();

	new = daudit_alloc(sizeof(*new));
	if (!new) {
		daudit_count(alloc_failures, 1);
		return;
	}
	new->key = key;
	new->last_ns = now;
	strscpy(new->dataset, dataset, sizeof(new->dataset));
	raw_spin_lock_irqsave(&marks_lock, flags);
	if (find(key) || atomic_read(&n_marks) >= MARKS_MAX) {
		raw_spin_unlock_irqrestore(&marks_lock, flags);
		daudit_free(new);
		return;
	}
	hlist_add_head_rcu(&new->node, &marks[hash_64(key, MARK_BITS)]);
	atomic_inc(&n_marks);
	raw_spin_unlock_irqrestore(&marks_lock, flags);
}

bool daudit_egress_any(void)
{
	return atomic_read(&n_marks);
}

/**
 * daudit_egress_marked - the task's live mark.
 * @task: a task about to send or write.
 *
 * Return: its mark if it read protected data within the window, else NULL.
 */
struct daudit_mark *daudit_egress_marked(struct task_struct *task)
{
	struct daudit_mark *m = find(key_of(task));

	if (m && ktime_get_coarse_real_ns() - READ_ONCE(m->last_ns) <= window_ns())
		return m;
	return NULL;
}

void daudit_egress_expire(void)
{
	struct daudit_mark *m;
	struct hlist_node *tmp;
	unsigned long flags;
	u64 now = ktime_get_coarse_real_ns();
	unsigned int i;

	if (!atomic_read(&n_marks))
		return;
	raw_spin_lock_irqsave(&marks_lock, flags);
	for (i = 0; i < ARRAY_SIZE(marks); i++) {
		hlist_for_each_entry_safe(m, tmp, &marks[i], node) {
			if (now - READ_ONCE(m->last_ns) <= window_ns())
				continue;
			hlist_del_rcu(&m->node);
			atomic_dec(&n_marks);
			call_rcu(&m->rcu, mark_free_rcu);
		}
	}
	raw_spin_unlock_irqrestore(&marks_lock, flags);
}

int daudit_egress_init(void)
{
	return 0;
}

void daudit_egress_exit(void)
{
	struct daudit_mark *m;
	struct hlist_node *tmp;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(marks); i++) {
		hlist_for_each_entry_safe(m, tmp, &marks[i], node) {
			hlist_del(&m->node);
			daudit_free(m);
		}
	}
	atomic_set(&n_marks, 0);
}
