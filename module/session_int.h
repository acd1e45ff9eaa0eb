/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the sessions: the session itself and the record it writes,
 * shared by session.c (accounting, lists, ends) and session_record.c
 * (building records and writing them when they fit).
 */
#ifndef _DAUDIT_SESSION_INT_H
#define _DAUDIT_SESSION_INT_H

#include <linux/list.h>
#include <linux/rcupdate.h>
#include "session.h"

struct daudit_session {
	struct hlist_node fnode;	/* fe->sessions, or fe->actor_sessions */
	struct list_head live;		/* live_sessions, or the parked list */
	struct hlist_node pnode;	/* proc_sessions, by tgid */
	struct rcu_head rcu;
	struct daudit_fentry *fe;
	struct daudit_proc *proc;	/* parked: its process, held */
	raw_spinlock_t lock;		/* everything below */
	bool dead;
	bool trusted;
	u16 park_reason;		/* parked: why it ended */
	pid_t tgid;
	u64 start_ns;
	u64 id;
	u32 part;
	u32 paths;
	u64 open_ns;
	u64 marked_ns;			/* egress: when marked; reads: last mark */
	u64 bytes;
	u64 calls;
	u64 mmap_bytes;
	u64 mmap_len;
	u64 off_min;
	u64 off_max;
	u64 first_ns;
	u64 last_ns;
	unsigned long last_jiffies;	/* the tick last_ns was read in */
	u64 act_key;			/* the actor's, 0: none declared */
	char dataset[DAUDIT_NAME_MAX];
	struct daudit_subject subj;
	struct daudit_rec_actor act;	/* its last declaration seen */
};

/* Any record a session writes, and the actor block that may end it. */
struct daudit_rec_session {
	union {
		struct daudit_rec_header hdr;
		struct daudit_rec_file file;
		struct daudit_rec_sock sock;
		struct daudit_rec_egress egress;
	};
	u32 hflags;			/* DAUDIT_REC_F_ACTOR: @act is sent */
	struct daudit_rec_actor act;
};

/*
 * Fill @r from @s's interval and start a new one; returns the record's
 * type, *@size its fixed part.  s->lock held (or @s private).
 */
u16 daudit_session_take(struct daudit_session *s, struct daudit_rec_session *r,
			u32 *size, u16 reason, bool final);
/*
 * Write a record daudit_session_take() filled, with its process's record
 * first if this consumer lacks it (@proc: the process's held entry, or
 * NULL to look it up).
 */
void daudit_session_write(u16 type, struct daudit_rec_session *r, u32 size,
			  const struct daudit_fentry *fe,
			  struct daudit_proc *proc);

/*
 * Write @s's interval (@final: and end it) if it, with its process's
 * record before it, fits in this CPU's ring; false if not, and then
 * nothing is taken: the counts stay in @s for a later try.  @force
 * writes it anyway, and a record that does not fit is dropped and
 * counted as the ring counts every drop.  Lists are not touched.
 */
bool daudit_session_emit(struct daudit_session *s, u16 reason, bool final,
			 bool force);

/*
 * The byte threshold's interim record; s->lock held on entry (taken with
 * @flags), released here.  When it does not fit, the counts stay in @s
 * and the next read tries again.
 */
void daudit_session_interim(struct daudit_session *s, unsigned long flags)
	__releases(&s->lock);

#endif /* _DAUDIT_SESSION_INT_H */
