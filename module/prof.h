/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-stage cost of the module's paths, for `make bench` (issue 14, item
 * 4).  Only a build with DAUDIT_PROF=1 (`make module-prof`) times stages:
 * it adds two clock reads around each, which the bench subtracts (the
 * stage "empty" times nothing).  In every other build the calls below
 * are empty and the compiler drops them.
 */
#ifndef DAUDIT_PROF_H
#define DAUDIT_PROF_H

#include <linux/types.h>

enum daudit_stage {
	DAUDIT_ST_EMPTY,	/* two clock reads around nothing */
	DAUDIT_ST_SYSCALL,	/* the sys_exit probe, any syscall */
	DAUDIT_ST_READ_SLOW,	/* a read of a file the first level does not know */
	DAUDIT_ST_GET_SLOW,	/* first read of an open file: hold, verdict, insert */
	DAUDIT_ST_VERDICT,	/* the verdict: classification and path */
	DAUDIT_ST_CLASSIFY,	/* a regular file's classification */
	DAUDIT_ST_RENDER,	/* rendering its protected path */
	DAUDIT_ST_ACCOUNT,	/* counting a protected read in its session */
	DAUDIT_ST_CREATE,	/* starting a session */
	DAUDIT_ST_TRUSTED,	/* is the reader a trusted program? */
	DAUDIT_ST_SUBJECT,	/* the reader's ids, session, command */
	DAUDIT_ST_ALLOC,	/* daudit_alloc() */
	DAUDIT_ST_PROC_SEEN,	/* a process's first session: its record */
	DAUDIT_ST_RELEASE,	/* __fput: the open file's last close */
	DAUDIT_ST_END_FILE,	/* ending the sessions of a file */
	DAUDIT_ST_EMIT,		/* a session's record: encode and write */
	DAUDIT_ST_RING,		/* a ring write */
	DAUDIT_ST_WAKE,		/* waking the consumer after a ring write */
	DAUDIT_ST_FAULT,	/* a page-table fill of a file mapping */
	DAUDIT_ST_EXIT,		/* a thread's exit */
	DAUDIT_ST_NR
};

#ifdef DAUDIT_PROF
#include <linux/percpu.h>
#include <linux/sched/clock.h>

struct daudit_prof_stage {
	u64 ns;
	u64 calls;
};

DECLARE_PER_CPU(struct daudit_prof_stage, daudit_prof[DAUDIT_ST_NR]);

static __always_inline u64 daudit_prof_begin(void)
{
	return local_clock();
}

static __always_inline void daudit_prof_end(enum daudit_stage st, u64 t0)
{
	u64 t = local_clock();

	this_cpu_add(daudit_prof[st].ns, t - t0);
	this_cpu_inc(daudit_prof[st].calls);
}

int daudit_prof_init(void);
void daudit_prof_exit(void);
#else
static __always_inline u64 daudit_prof_begin(void)
{
	return 0;
}

static __always_inline void daudit_prof_end(enum daudit_stage st, u64 t0)
{
}

static inline int daudit_prof_init(void)
{
	return 0;
}

static inline void daudit_prof_exit(void)
{
}
#endif

#endif
