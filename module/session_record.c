// SPDX-License-Identifier: GPL-2.0
/*
 * A session's records: built from its counters, and written only when
 * they fit.
 *
 * A record that would not fit in this CPU's ring is not taken: an interim
 * one leaves its counts in the session, so the next record carries them;
 * a final one (close, exit, policy, unload) leaves the session parked
 * (session.c) until a read of /dev/daudit makes room.  So a full ring
 * delays records rather than dropping them, up to park_max parked
 * sessions (docs/transport.md, "A full ring").
 */
#include <linux/rcupdate.h>
#include <linux/string.h>

#include "fcache.h"
#include "proc.h"
#include "prof.h"
#include "ring.h"
#include "session_int.h"
#include "socket.h"

static bool has_data(const struct daudit_session *s)
{
	return s->calls || s->mmap_bytes || s->mmap_len;
}

static void fill_file(const struct daudit_session *s, struct daudit_rec_file *r)
{
	const struct daudit_fentry *fe = s->fe;

	r->mmap_bytes = s->mmap_bytes;
	r->mmap_len = s->mmap_len;
	r->off_min = s->off_min;
	r->off_max = s->off_max ? s->off_max : DAUDIT_OFFSET_UNKNOWN;
	r->dev = fe->dev;
	r->ino = fe->ino;
	r->path_len = fe->path_len;
	memcpy(r->dataset, s->dataset, sizeof(r->dataset));
}

static void fill_sock(const struct daudit_session *s, struct daudit_rec_sock *r)
{
	const struct daudit_sockinfo *si = s->fe->sock;

	r->family = si->family;
	r->protocol = si->protocol;
	r->sock_type = si->type;
	r->local_port = si->local_port;
	r->peer_port = si->peer_port;
	memcpy(r->local_addr, si->local_addr, sizeof(r->local_addr));
	memcpy(r->peer_addr, si->peer_addr, sizeof(r->peer_addr));
	r->peer_pid = si->peer_pid;
	r->peer_uid = si->peer_uid;
	r->path_len = s->fe->path_len;
	memcpy(r->dataset, s->dataset, sizeof(r->dataset));
}

static void fill_egress(const struct daudit_session *s,
			struct daudit_rec_egress *r)
{
	const struct daudit_fentry *fe = s->fe;
	const struct daudit_sockinfo *si = fe->sock;

	r->marked_ns = s->marked_ns;
	r->kind = fe->egress_kind;
	r->flags = fe->egress_flags;
	if (s->subj.sessionid != DAUDIT_SESSION_UNSET)
		r->flags |= DAUDIT_EGRESS_F_LOGIN;
	if (si) {
		r->family = si->family;
		r->protocol = si->protocol;
		r->dst_port = si->peer_port;
		r->src_port = si->local_port;
		memcpy(r->dst_addr, si->peer_addr, sizeof(r->dst_addr));
		memcpy(r->src_addr, si->local_addr, sizeof(r->src_addr));
	}
	r->dev = fe->dev;
	r->ino = fe->ino;
	r->path_len = fe->path_len;
	r->mount_len = fe->mount_len;
	r->fstype_len = fe->fstype_len;
	memcpy(r->dataset, s->dataset, sizeof(r->dataset));
}

/* The fields every session record has, named alike in each. */
#define TAKE_COMMON(rec, s, why, end) do {		\
	(rec)->subj = (s)->subj;			\
	(rec)->session_id = (s)->id;			\
	(rec)->bytes = (s)->bytes;			\
	(rec)->calls = (s)->calls;			\
	(rec)->first_ns = (s)->first_ns;		\
	(rec)->last_ns = (s)->last_ns;			\
	(rec)->paths = (s)->paths;			\
	(rec)->reason = (why);				\
	(rec)->final = (end);				\
	(rec)->part = (s)->part;			\
} while (0)

/* See session_int.h. */
u16 daudit_session_take(struct daudit_session *s, struct daudit_rec_session *r,
			u32 *size, u16 reason, bool final)
{
	u16 type;

	memset(r, 0, sizeof(*r));
	if (s->act_key) {
		r->hflags = DAUDIT_REC_F_ACTOR;
		r->act = s->act;
		s->act.requests = 0;
	}
	if (s->fe->role == DAUDIT_ROLE_EGRESS) {
		type = DAUDIT_REC_EGRESS;
		*size = sizeof(r->egress);
		fill_egress(s, &r->egress);
		TAKE_COMMON(&r->egress, s, reason, final);
	} else if (s->fe->kind == DAUDIT_KIND_SOCK) {
		type = DAUDIT_REC_SOCK_READ;
		*size = sizeof(r->sock);
		fill_sock(s, &r->sock);
		TAKE_COMMON(&r->sock, s, reason, final);
		r->sock.open_ns = s->open_ns;
	} else {
		type = DAUDIT_REC_FILE_READ;
		*size = sizeof(r->file);
		fill_file(s, &r->file);
		TAKE_COMMON(&r->file, s, reason, final);
		r->file.open_ns = s->open_ns;
	}
	s->part++;

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
	return type;
}

void daudit_session_write(u16 type, struct daudit_rec_session *r, u32 size,
			  const struct daudit_fentry *fe,
			  struct daudit_proc *proc)
{
	/* subj follows the header in every record type. */
	BUILD_BUG_ON(offsetof(struct daudit_rec_sock, subj) !=
		     offsetof(struct daudit_rec_file, subj) ||
		     offsetof(struct daudit_rec_egress, subj) !=
		     offsetof(struct daudit_rec_file, subj));
	if (proc)
		daudit_proc_announce_held(proc);
	else
		daudit_proc_announce(r->file.subj.tgid, r->file.subj.start_ns);
	daudit_ring_write_ext(type, r->hflags, r, size, fe->path,
			      daudit_fentry_tail_len(fe),
			      r->hflags ? &r->act : NULL,
			      r->hflags ? sizeof(r->act) : 0);
}

/* The bytes @s's next record takes in the ring, as take() will fill it. */
static u32 record_size(const struct daudit_session *s)
{
	const struct daudit_fentry *fe = s->fe;
	u32 len;

	if (fe->role == DAUDIT_ROLE_EGRESS)
		len = sizeof(struct daudit_rec_egress);
	else if (fe->kind == DAUDIT_KIND_SOCK)
		len = sizeof(struct daudit_rec_sock);
	else
		len = sizeof(struct daudit_rec_file);
	return daudit_ring_rec_size(len, true, daudit_fentry_tail_len(fe),
				    s->act_key ? sizeof(s->act) : 0);
}

/*
 * Does @s's next record fit in this CPU's ring, with its process's record
 * before it?  Interrupts off, so the answer holds until they are back on:
 * nothing else writes to this CPU's ring meanwhile.  The process record
 * is counted whether or not this consumer has seen it yet.
 */
static bool fits(const struct daudit_session *s)
{
	lockdep_assert_irqs_disabled();
	return daudit_ring_fits(daudit_proc_record_size(s->tgid, s->start_ns,
							s->proc),
				record_size(s));
}

/* See session_int.h. */
bool daudit_session_emit(struct daudit_session *s, u16 reason, bool final,
			 bool force)
{
	struct daudit_rec_session r;
	unsigned long flags;
	u32 size;
	u16 type;
	u64 t0;

	raw_spin_lock_irqsave(&s->lock, flags);
	if (s->dead || s->trusted || (!final && !has_data(s))) {
		if (final)
			s->dead = true;
		raw_spin_unlock_irqrestore(&s->lock, flags);
		return true;
	}
	if (!force && !fits(s)) {
		raw_spin_unlock_irqrestore(&s->lock, flags);
		return false;
	}
	t0 = daudit_prof_begin();
	type = daudit_session_take(s, &r, &size, reason, final);
	/* Interrupts stay off until it is written: it still fits then. */
	raw_spin_unlock(&s->lock);
	rcu_read_lock();
	daudit_session_write(type, &r, size, s->fe, s->proc);
	rcu_read_unlock();
	daudit_prof_end(DAUDIT_ST_EMIT, t0);
	local_irq_restore(flags);
	return true;
}

/*
 * See session_int.h.  Out of line, so the record's stack space is not
 * set up on every read.
 */
noinline void daudit_session_interim(struct daudit_session *s,
				     unsigned long flags)
	__releases(&s->lock)
{
	struct daudit_rec_session r;
	u32 size = 0;
	u16 type;

	if (!fits(s)) {
		raw_spin_unlock_irqrestore(&s->lock, flags);
		return;
	}
	type = daudit_session_take(s, &r, &size, DAUDIT_END_BYTES, false);
	raw_spin_unlock(&s->lock);
	daudit_session_write(type, &r, size, s->fe, NULL);
	local_irq_restore(flags);
}
