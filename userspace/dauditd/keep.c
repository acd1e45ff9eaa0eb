// SPDX-License-Identifier: GPL-2.0
/*
 * High-severity incidents keep all their evidence (issue 18, item 2).
 *
 * The rules copy at most evidence_max records into a finding's evidence
 * when they make it; the raw events behind the rest go with raw
 * retention.  Before they go, this copies every record of each finding
 * of a high-severity incident (lib/incident.h groups them, as the CLI
 * does) that is about to be deleted: the person's reads, socket reads,
 * egress and alerts in the finding's time span (reads of its dataset
 * when it names one).  An incident stays wholly explained for as long as
 * its findings are kept (rollup_retention_days).
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "incident.h"
#include "query.h"
#include "ruleinfo.h"
#include "store.h"
#include "util.h"

struct kept {
	struct inc_finding *f;
	char **dataset;
	size_t n, cap;
};

static void load(struct store *s, struct kept *k)
{
	sqlite3_stmt *st = store_prepare(s,
		"SELECT id, user_uid, login, rule, first_ns, last_ns, score,"
		" dataset FROM findings ORDER BY id");

	while (store_step(s, st)) {
		struct inc_finding *f;
		const char *rule = (const char *)sqlite3_column_text(st, 3);
		const char *ds = (const char *)sqlite3_column_text(st, 7);

		if (k->n == k->cap) {
			k->cap = k->cap ? 2 * k->cap : 64;
			k->f = util_xrealloc(k->f, k->cap * sizeof(*k->f));
			k->dataset = util_xrealloc(k->dataset,
						   k->cap * sizeof(*k->dataset));
		}
		f = &k->f[k->n];
		memset(f, 0, sizeof(*f));
		f->id = sqlite3_column_int64(st, 0);
		f->user_uid = (uint32_t)sqlite3_column_int64(st, 1);
		f->login = sqlite3_column_int(st, 2);
		f->rule = rule ? rule_by_name(rule) : -1;
		f->first_ns = sqlite3_column_int64(st, 4);
		f->last_ns = sqlite3_column_int64(st, 5);
		f->score = sqlite3_column_int64(st, 6);
		k->dataset[k->n++] = ds ? util_xstrdup(ds) : NULL;
	}
	sqlite3_finalize(st);
}

int64_t store_keep_high_evidence(struct store *s, int64_t cut_ns,
				 int64_t cut_id)
{
	struct kept k = { NULL, NULL, 0, 0 };
	struct inc_group *g = NULL;
	size_t *order = NULL, ng, i, j;
	sqlite3_stmt *ins;
	int64_t total = 0;

	load(s, &k);
	if (!k.n)
		return 0;
	ng = inc_group(k.f, k.n, &g, &order);
	ins = store_prepare(s,
		"INSERT OR IGNORE INTO evidence (" STORE_EVIDENCE_COLS ")"
		" SELECT ?1, id, " STORE_EVIDENCE_SEL " FROM events"
		" WHERE time_ns >= ?2 AND time_ns <= ?3"
		" AND (time_ns < ?4 OR id < ?5)"
		" AND user_uid = ?6 AND login = ?7 AND type IN (5, 6, 7, 8)"
		" AND (?8 IS NULL OR dataset = ?8 OR type IN (6, 8))");
	store_begin(s);
	for (i = 0; i < ng; i++) {
		if (strcmp(inc_severity(g[i].score), "high"))
			continue;
		for (j = 0; j < g[i].n; j++) {
			size_t m = order[g[i].first + j];
			const struct inc_finding *f = &k.f[m];

			if (f->first_ns >= cut_ns && !cut_id)
				continue;
			sqlite3_bind_int64(ins, 1, f->id);
			sqlite3_bind_int64(ins, 2, f->first_ns);
			sqlite3_bind_int64(ins, 3, f->last_ns);
			sqlite3_bind_int64(ins, 4, cut_ns);
			sqlite3_bind_int64(ins, 5, cut_id);
			sqlite3_bind_int64(ins, 6, f->user_uid);
			sqlite3_bind_int(ins, 7, f->login);
			if (k.dataset[m])
				sqlite3_bind_text(ins, 8, k.dataset[m], -1,
						  SQLITE_STATIC);
			else
				sqlite3_bind_null(ins, 8);
			store_run(s, ins);
			total += sqlite3_changes(s->db);
		}
	}
	store_commit(s);
	sqlite3_finalize(ins);
	for (i = 0; i < k.n; i++)
		free(k.dataset[i]);
	free(k.dataset);
	free(k.f);
	free(g);
	free(order);
	return total;
}
