// SPDX-License-Identifier: GPL-2.0
/*
 * Process life cycle: exec gives a known process a new executable; the
 * exit of its last thread ends its sessions.  Exec and the exit of any
 * thread end its actor registration.
 */
#include "actor.h"
#include "hooks.h"
#include "proc.h"
#include "prof.h"

/**
 * daudit_probe_exec - sched:sched_process_exec probe.
 * @data: unused.
 * @p: the task (current).
 * @old_pid: its pid before exec.
 * @bprm: the program.
 */
void daudit_probe_exec(void *data, struct task_struct *p, pid_t old_pid,
		       struct linux_binprm *bprm)
{
	/* A new program declares nothing its old one did. */
	daudit_actor_task_gone(p);
	if (daudit_proc_count())
		daudit_proc_exec(p);
}

/**
 * daudit_probe_exit - sched:sched_process_exit probe.
 * @data: unused.
 * @p: the exiting task (current).
 */
void daudit_probe_exit(void *data, struct task_struct *p)
{
	u64 t0 = daudit_prof_begin();

	daudit_claim_task_gone(p);
	daudit_aio_task_gone(p);
	daudit_actor_task_gone(p);
	daudit_proc_exit(p);
	daudit_prof_end(DAUDIT_ST_EXIT, t0);
}
