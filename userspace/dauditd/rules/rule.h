/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the rule engine (engine.c) and the rules (one file each) share:
 * the state of a finding and of read_then_egress's sessions, and the
 * engine's helpers that find or open a finding and copy its evidence.
 * Private to rules/: the rest of dauditd uses ../rules.h.
 *
 * In-memory state (findings being added to, last accesses, login
 * sessions, baselines) is a cache of what the database holds: it can be
 * dropped after any commit and is rebuilt from the tables on demand, so
 * a restart continues the same findings instead of opening new ones.
 */
#ifndef DAUDITD_RULES_RULE_H
#define DAUDITD_RULES_RULE_H

#include <stddef.h>
#include <stdint.h>

#include "../rollup.h"
#include "../rules.h"
#include "../store.h"

struct finding_state {
	int64_t id;
	int rule;
	uint32_t user;
	int login;
	uint64_t first_ns, last_ns;
	uint64_t bytes;
	uint64_t count;
	unsigned int evidence;
	int have_v;
	int dirty;
	double v[4];
	char dataset[DAUDIT_NAME_MAX];
	char detail[256];
};

struct rte_item {
	uint64_t first_ns, last_ns, bytes;
	int64_t id;
	uint64_t linked;		/* egress: bytes of the reads linked to it */
	int counted;			/* egress: its bytes are in a finding */
	int evidenced;			/* egress: it and its reads are evidence */
	char *dest;			/* egress: where it went (malloc'd) */
	int delivery;			/* egress: to the actor's declared client */
};

/*
 * Items in arrival order, which is time order but for the reordering
 * between CPUs: v[head..n).  Pruning takes from the front, so each item
 * costs O(1) however long the session.  Reads beyond SESSION_ITEMS_MAX
 * (read_then_egress.c) are folded into one span so a bulk read of many
 * files still counts.
 */
struct rte_list {
	struct rte_item *v;
	unsigned int head, n, cap;
	uint64_t fold_bytes, fold_first, fold_last;
};

struct rsession {
	struct rte_list reads, egress;
	uint64_t max_ns;
};

struct baseline_entry {
	struct baseline b;
	unsigned int days;
};

/* engine.c: findings and evidence */

/*
 * The finding of @rule under @key: from the cache, from the database,
 * or inserted now (*created).  Its time span grows to cover @t_ns.
 */
struct finding_state *finding(struct rules *r, int rule, const char *key,
			      uint32_t user, int login, const char *dataset,
			      uint64_t t_ns, int *created);
/* Record @id as evidence of @f, up to evidence_max. */
void evidence(struct rules *r, struct finding_state *f, int64_t id);
/*
 * Evidence chosen from rollup members: ?2 and ?3 are the statement's
 * (a period and a bucket, or the end and start of a day).
 */
void evidence_query(struct rules *r, struct finding_state *f,
		    sqlite3_stmt *st, int64_t p2, int64_t p3);
/* A finding of its own for the ALERT record @e, with its evidence. */
struct finding_state *alert_finding(struct rules *r, int rule,
				    const struct event *e);

/* engine.c: helpers */

/* The local day (its start, seconds) of @ns. */
int64_t day_of(struct rules *r, uint64_t ns);
/* The first column of @st for @t's user, login and bucket (and the second). */
uint64_t query_u64(struct rules *r, sqlite3_stmt *st,
		   const struct rollup_touch *t, uint64_t *second);
/* For reasons: "512 bytes" or "1.00 MiB (1048576 bytes)". */
const char *hbytes(uint64_t v, char *buf, size_t len);
/* For reasons: @ns as local date and time. */
const char *local_time(uint64_t ns, char *buf, size_t len);

/*
 * The rules, each in its own file named after it.  Rules on single
 * records take the stored event; rules on totals a rollup the flush
 * touched.  Each writes the reason of its findings: one sentence a
 * reviewer can check against the evidence.
 */
typedef void record_rule_fn(struct rules *r, const struct event *e);
typedef void totals_rule_fn(struct rules *r, const struct rollup_touch *t);
typedef void rule_reason_fn(struct rules *r, const struct finding_state *f,
			    char *out, size_t len);

totals_rule_fn volume_spike, enumeration;
record_rule_fn first_access, off_hours, unapproved_reader, read_then_egress,
	hardlink, tamper;
rule_reason_fn volume_spike_reason, first_access_reason, off_hours_reason,
	enumeration_reason, unapproved_reader_reason, read_then_egress_reason,
	hardlink_reason, tamper_reason;

/* read_then_egress.c: a session's reads and egress, for hmap_free(). */
void free_session(void *v);

#endif
