/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Egress marks: a login session (or, without one, a process) that read
 * protected data is marked for egress_window_sec; its sends to endpoints
 * that are not protected sources and its writes to files outside
 * protected trees become egress records.
 */
#ifndef _DAUDIT_EGRESS_H
#define _DAUDIT_EGRESS_H

#include <linux/sched.h>
#include "uapi/daudit.h"

struct daudit_mark {
	struct hlist_node node;
	struct rcu_head rcu;
	u64 key;
	u64 last_ns;			/* last protected read */
	char dataset[DAUDIT_NAME_MAX];	/* of that read */
};

/* @task read protected data of @dataset. */
void daudit_egress_mark(struct task_struct *task, const char *dataset);
/* @task's mark if it is within the window; caller holds rcu_read_lock. */
struct daudit_mark *daudit_egress_marked(struct task_struct *task);
/* Forget marks older than the window (the age worker calls this). */
void daudit_egress_expire(void);
/* Is any mark live?  The write hooks' first, cheapest test. */
bool daudit_egress_any(void);

int daudit_egress_init(void);
void daudit_egress_exit(void);

#endif /* _DAUDIT_EGRESS_H */
