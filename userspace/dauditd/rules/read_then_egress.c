// SPDX-License-Identifier: GPL-2.0
/*
 * read_then_egress (per read and egress; one finding per login session
 * and day): within one login session (auid, sessionid), or one process
 * (uid, tgid, start_ns) without a login session, an egress record
 * (network not loopback unless egress_loopback, unix socket, or file)
 * and reads of protected data that ended at most egress_window before
 * the egress started, or overlap it, totalling egress_read_bytes or
 * more.  Reads that arrive after their egress (records from another CPU)
 * are judged when they arrive.  A declared actor's records form a
 * session of their own per process (actor, tgid, start_ns): what the
 * application read for that person and then sent, to the client it
 * declared for them (the person's own machine: the data left the server
 * for them) or anywhere else, is that person's read then egress, judged
 * by the same threshold (an ordinary lookup is far below it).  The
 * finding says which.  Evidence: the egress, then its linked reads.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rule.h"
#include "util.h"

/* Records from different CPUs arrive in any order within this much. */
#define REORDER_SLACK_NS	(600 * NSEC_PER_SEC)
#define SESSION_ITEMS_MAX	4096

static void free_items(struct rte_item *v, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		free(v[i].dest);
}

void free_session(void *v)
{
	struct rsession *s = v;

	free_items(s->egress.v + s->egress.head, s->egress.n - s->egress.head);
	free(s->reads.v);
	free(s->egress.v);
}

static int egress_counts(const struct rules *r, unsigned int kind,
			 uint32_t flags)
{
	if (kind == DAUDIT_EGRESS_NET && (flags & DAUDIT_EGRESS_F_LOOPBACK))
		return r->cfg->rules.egress_loopback;
	return 1;
}

static void make_session_key(struct session_key *k, int login, uint32_t user,
			     int64_t sessionid, uint32_t tgid,
			     uint64_t start_ns)
{
	memset(k, 0, sizeof(*k));
	k->user = user;
	if (login == DB_LOGIN_ACTOR) {
		/* One actor in one process: @user is the actor's id. */
		k->kind = 'A';
		k->id = tgid;
		k->start_ns = start_ns;
	} else if (login && sessionid >= 0) {
		k->kind = 'L';
		k->id = (uint32_t)sessionid;
	} else {
		k->kind = 'P';
		k->id = tgid;
		k->start_ns = start_ns;
	}
}

static void session_key(const struct event *e, struct session_key *k)
{
	const struct daudit_subject *j = e->subj;

	make_session_key(k, e->login, e->user,
			 j->sessionid == DAUDIT_SESSION_UNSET ? -1 :
			 (int64_t)j->sessionid, j->tgid, j->start_ns);
}

/*
 * Text for finding keys: "L/1000/7", "P/110/900/1000000000", or for an
 * actor (its id) in a process "A/3/900/1000000000".
 */
static void session_text(const struct session_key *k, char *buf, size_t len)
{
	if (k->kind == 'L')
		snprintf(buf, len, "L/%u/%u", k->user, k->id);
	else
		snprintf(buf, len, "%c/%u/%u/%" PRIu64, (char)k->kind, k->user,
			 k->id, k->start_ns);
}

static void list_drop_first(struct rules *r, struct rte_list *l)
{
	free(l->v[l->head].dest);
	l->head++;
	r->rte_items--;
}

static void list_add(struct rules *r, struct rte_list *l,
		     const struct rte_item *it, int fold)
{
	if (l->n - l->head == SESSION_ITEMS_MAX) {
		const struct rte_item *old = &l->v[l->head];

		if (fold) {
			if (!l->fold_bytes || old->first_ns < l->fold_first)
				l->fold_first = old->first_ns;
			if (old->last_ns > l->fold_last)
				l->fold_last = old->last_ns;
			l->fold_bytes += old->bytes;
		}
		list_drop_first(r, l);
	}
	if (l->n == l->cap && l->head) {
		memmove(l->v, l->v + l->head, (l->n - l->head) * sizeof(*l->v));
		l->n -= l->head;
		l->head = 0;
	}
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->v = util_xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = *it;
	r->rte_items++;
}

static void list_prune(struct rules *r, struct rte_list *l, uint64_t before)
{
	while (l->head < l->n && l->v[l->head].last_ns < before)
		list_drop_first(r, l);
	if (l->fold_bytes && l->fold_last < before)
		l->fold_bytes = l->fold_first = l->fold_last = 0;
}

static int linked(uint64_t rd_first, uint64_t rd_last,
		  const struct rte_item *eg, uint64_t window)
{
	return rd_first <= eg->last_ns && eg->first_ns <= rd_last + window;
}

/* The bytes of the session's reads linked to @eg. */
static uint64_t linked_bytes(const struct rsession *s,
			     const struct rte_item *eg, uint64_t window)
{
	const struct rte_list *l = &s->reads;
	uint64_t sum = 0;
	unsigned int i;

	if (l->fold_bytes && linked(l->fold_first, l->fold_last, eg, window))
		sum += l->fold_bytes;
	for (i = l->head; i < l->n; i++)
		if (linked(l->v[i].first_ns, l->v[i].last_ns, eg, window))
			sum += l->v[i].bytes;
	return sum;
}

static struct rsession *session_get(struct rules *r,
				    const struct session_key *k)
{
	struct rsession *s;

	/* Reads of one session tend to come one after another. */
	if (r->last_session && !memcmp(&r->last_skey, k, sizeof(*k)))
		return r->last_session;
	s = hmap_insert(&r->sessions, k, sizeof(*k), NULL);
	r->last_session = s;
	memcpy(&r->last_skey, k, sizeof(*k));
	return s;
}

/*
 * After a start (or after the sessions were dropped to bound memory),
 * rebuild what every session did in the last window from the events
 * table, in one scan: the reads and egress before @e (ids below its).
 */
static void sessions_load(struct rules *r, const struct event *e)
{
	uint64_t window = (uint64_t)r->cfg->rules.egress_window * NSEC_PER_SEC;
	uint64_t since = e->time_ns - window - 2 * REORDER_SLACK_NS;
	sqlite3_stmt *st = r->sess_all;
	struct rsession *s;
	size_t pos = 0;
	unsigned int i;

	r->sessions_loaded = 1;
	sqlite3_bind_int64(st, 1, (int64_t)since);
	sqlite3_bind_int64(st, 2, e->id);
	while (store_step(r->store, st)) {
		struct rte_item it = {
			.id = sqlite3_column_int64(st, 0),
			.first_ns = (uint64_t)sqlite3_column_int64(st, 2),
			.last_ns = (uint64_t)sqlite3_column_int64(st, 3),
			.bytes = (uint64_t)sqlite3_column_int64(st, 4),
			/* Judged by the earlier run, with its evidence. */
			.counted = 1,
			.evidenced = 1,
		};
		int type = sqlite3_column_int(st, 1);
		struct session_key k;

		make_session_key(&k, sqlite3_column_int(st, 9),
				 (uint32_t)sqlite3_column_int64(st, 8),
				 sqlite3_column_type(st, 11) == SQLITE_NULL ? -1 :
				 sqlite3_column_int64(st, 11),
				 (uint32_t)sqlite3_column_int64(st, 12),
				 (uint64_t)sqlite3_column_int64(st, 13));
		s = session_get(r, &k);
		if (type == DAUDIT_REC_EGRESS) {
			const unsigned char *dest = sqlite3_column_text(st, 7);

			if (!egress_counts(r, (unsigned int)sqlite3_column_int(st, 5),
					   (uint32_t)sqlite3_column_int(st, 6)))
				continue;
			it.delivery = actor_delivery((const char *)dest,
						     (const char *)sqlite3_column_text(st, 14));
			it.dest = dest ? util_xstrdup((const char *)dest) : NULL;
			list_add(r, &s->egress, &it, 0);
		} else if (it.bytes) {
			list_add(r, &s->reads, &it, 1);
		}
		if (it.last_ns > s->max_ns)
			s->max_ns = it.last_ns;
	}
	sqlite3_reset(st);
	while ((s = hmap_next(&r->sessions, &pos)))
		for (i = s->egress.head; i < s->egress.n; i++)
			s->egress.v[i].linked = linked_bytes(s, &s->egress.v[i],
							     window);
}

/*
 * Judge one egress item of a session whose linked read bytes (reads that
 * ended at most egress_window before it started, or overlap it) changed:
 * at egress_read_bytes or more it is a finding, one per login session and
 * day.  @rd is the read that was just linked, or NULL for a new egress.
 */
static void judge_egress(struct rules *r, struct rsession *s,
			 struct rte_item *eg, const struct event *e,
			 const struct session_key *sk, const struct rte_item *rd)
{
	char skey[64];
	uint64_t window = (uint64_t)r->cfg->rules.egress_window * NSEC_PER_SEC;
	const struct rte_list *l = &s->reads;
	struct finding_state *f;
	unsigned int i;
	char key[160];
	int created;

	if (eg->linked < r->cfg->rules.egress_read_bytes)
		return;
	session_text(sk, skey, sizeof(skey));
	snprintf(key, sizeof(key), "read_then_egress/%s/%" PRId64, skey,
		 day_of(r, eg->first_ns ? eg->first_ns : eg->last_ns));
	f = finding(r, RULE_READ_THEN_EGRESS, key, e->user, e->login,
		    e->dataset, eg->last_ns, &created);
	if ((double)eg->linked > f->v[0])
		f->v[0] = (double)eg->linked;
	f->have_v = 1;
	if (!eg->counted) {
		f->bytes += eg->bytes;
		f->count++;
		eg->counted = 1;
	}
	if (eg->dest)
		snprintf(f->detail, sizeof(f->detail), "%s%s", eg->dest,
			 eg->delivery ? ", the client declared for them" : "");
	if (eg->evidenced) {
		if (rd)
			evidence(r, f, rd->id);
		return;
	}
	/* The egress first: with evidence_max reached, it must not be the
	 * record that is left out. */
	eg->evidenced = 1;
	evidence(r, f, eg->id);
	for (i = l->head; i < l->n && f->evidence < r->cfg->evidence_max; i++)
		if (linked(l->v[i].first_ns, l->v[i].last_ns, eg, window))
			evidence(r, f, l->v[i].id);
}

void read_then_egress(struct rules *r, const struct event *e)
{
	uint64_t window = (uint64_t)r->cfg->rules.egress_window * NSEC_PER_SEC;
	struct rte_item it = {
		.first_ns = e->first_ns ? e->first_ns : e->time_ns,
		.last_ns = e->last_ns ? e->last_ns : e->time_ns,
		.id = e->id,
	};
	struct session_key sk;
	struct rsession *s;
	unsigned int i;

	if (e->type == DAUDIT_REC_EGRESS) {
		if (!e->bytes || !egress_counts(r, e->kind, e->flags))
			return;
		it.bytes = e->bytes;
		it.delivery = actor_delivery(e->dest, e->client);
	} else {
		it.bytes = event_read_bytes(e);
		if (!it.bytes)
			return;
	}
	if (!r->sessions_loaded)
		sessions_load(r, e);
	session_key(e, &sk);
	s = session_get(r, &sk);
	if (it.last_ns > s->max_ns)
		s->max_ns = it.last_ns;
	if (s->max_ns > window + 2 * REORDER_SLACK_NS) {
		uint64_t before = s->max_ns - window - 2 * REORDER_SLACK_NS;

		list_prune(r, &s->reads, before);
		list_prune(r, &s->egress, before);
	}
	if (e->type == DAUDIT_REC_EGRESS) {
		it.dest = e->dest ? util_xstrdup(e->dest) : NULL;
		it.linked = linked_bytes(s, &it, window);
		list_add(r, &s->egress, &it, 0);
		judge_egress(r, s, &s->egress.v[s->egress.n - 1], e, &sk, NULL);
		return;
	}
	list_add(r, &s->reads, &it, 1);
	/* Egress already seen that this read preceded (or overlaps). */
	for (i = s->egress.head; i < s->egress.n; i++) {
		struct rte_item *eg = &s->egress.v[i];

		if (!linked(it.first_ns, it.last_ns, eg, window))
			continue;
		eg->linked += it.bytes;
		judge_egress(r, s, eg, e, &sk, &it);
	}
}

void read_then_egress_reason(struct rules *r, const struct finding_state *f,
			     char *out, size_t len)
{
	const struct rules_config *rc = &r->cfg->rules;
	char a[64], b[64];

	if (f->login == DB_LOGIN_ACTOR)
		snprintf(out, len,
			 "the application read %s of protected data for this actor, then sent %s out for the same actor (last to %s) within %u minutes, in the same process",
			 hbytes((uint64_t)f->v[0], a, sizeof(a)),
			 hbytes(f->bytes, b, sizeof(b)), f->detail,
			 rc->egress_window / 60 ? rc->egress_window / 60 : 1);
	else
		snprintf(out, len,
			 "read %s of protected data, then sent %s out (last to %s) within %u minutes, in the same login session",
			 hbytes((uint64_t)f->v[0], a, sizeof(a)),
			 hbytes(f->bytes, b, sizeof(b)), f->detail,
			 rc->egress_window / 60 ? rc->egress_window / 60 : 1);
}
