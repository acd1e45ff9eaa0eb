/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Processes that read protected data: their executable, announced once per
 * consumer in a PROCESS record so that other records carry only
 * (tgid, start time) and no path is walked per read.
 */
#ifndef _DAUDIT_PROC_H
#define _DAUDIT_PROC_H

#include <linux/sched.h>
#include "uapi/daudit.h"

/* First sight of @task (it just started a session): remember, announce. */
void daudit_proc_seen(struct task_struct *task,
		      const struct daudit_subject *subj);
/* Before a record about (tgid, start): re-announce for a new consumer. */
void daudit_proc_announce(pid_t tgid, u64 start_ns);
/*
 * Keep (tgid, start)'s entry past its exit, for a record that waits for
 * room in the ring (NULL: the process has none); give it back with
 * daudit_proc_put().  Announce a held entry, and the size announcing
 * may write (@held, or the entry looked up; 0 if none).
 */
struct daudit_proc;
struct daudit_proc *daudit_proc_hold(pid_t tgid, u64 start_ns);
void daudit_proc_put(struct daudit_proc *e);
void daudit_proc_announce_held(struct daudit_proc *e);
u32 daudit_proc_record_size(pid_t tgid, u64 start_ns,
			    const struct daudit_proc *held);
/* A known process ran a new program. */
void daudit_proc_exec(struct task_struct *task);
/* A process exited (its last thread): end its sessions, forget it. */
void daudit_proc_exit(struct task_struct *task);
/* A new consumer attached: every process is announced again. */
void daudit_proc_new_epoch(void);
u64 daudit_proc_count(void);

int daudit_proc_init(void);
void daudit_proc_exit_all(void);

#endif /* _DAUDIT_PROC_H */
