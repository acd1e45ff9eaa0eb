/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-open read sessions: the reads of one open file by one process,
 * coalesced into one record at the end (final close, process exit) and
 * into interim records when a byte or age threshold is crossed.
 */
#ifndef _DAUDIT_SESSION_H
#define _DAUDIT_SESSION_H

#include <linux/sched.h>
#include <linux/spinlock.h>
#include "uapi/daudit.h"

struct daudit_fentry;
struct daudit_policy;

/* One read (or mapping, or faulted range) to account. */
struct daudit_io {
	u64 bytes;
	u64 off;		/* DAUDIT_OFFSET_UNKNOWN if unknown */
	u32 path;		/* DAUDIT_PATH_* */
	u32 calls;		/* 1 for a read call, 0 for faults */
	u64 mmap_bytes;
	u64 mmap_len;
};

/* Protects every fentry's session list and the list of live sessions. */
extern raw_spinlock_t daudit_sessions_lock;

/*
 * Account @io on protected file @fe by @task (current, or the task that
 * submitted an io_uring request).  Caller holds rcu_read_lock() or runs
 * with preemption disabled.
 */
void daudit_session_account(const struct daudit_policy *p,
			    struct daudit_fentry *fe, struct task_struct *task,
			    const struct daudit_io *io);

/*
 * Mark @task's login session for egress before it reads protected file
 * @fe, unless it reads as a trusted reader.  Same context.
 */
void daudit_session_mark_early(const struct daudit_policy *p,
			       struct daudit_fentry *fe,
			       struct task_struct *task);

/* Count data leaving through the marked session of @task. */
struct daudit_mark;
void daudit_session_egress(const struct daudit_policy *p,
			   struct daudit_fentry *fe, struct task_struct *task,
			   const struct daudit_mark *m,
			   const struct daudit_io *io);

/*
 * End every session of @fe (fcache, with its bucket lock held).  True
 * when @fe may be freed now; false when sessions whose last record waits
 * for room in the ring still use it, and the last of them frees it.
 */
bool daudit_session_end_file(struct daudit_fentry *fe, u16 reason);
/* End every session of the process @tgid started at @start_ns. */
void daudit_session_end_process(pid_t tgid, u64 start_ns);
/* Interim records for every open session (DAUDIT_IOC_FLUSH). */
void daudit_session_flush_all(u16 reason);
/* Write the records that waited for room in the ring, while they fit. */
void daudit_session_drain(void);

void daudit_session_stats(struct daudit_stats *st);
int daudit_session_init(void);
/* Returns the records still waiting for room, dropped with the ring. */
u64 daudit_session_exit(void);

#endif /* _DAUDIT_SESSION_H */
