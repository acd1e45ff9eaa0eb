// SPDX-License-Identifier: GPL-2.0
/*
 * Incidents from findings (incident.h): grouping, the bounded score, the
 * state from the findings' triage, and the ids.  No database here: the
 * verb (userspace/daudit/incident.c) loads the findings.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "incident.h"
#include "ruleinfo.h"
#include "util.h"

static const char *const state_names[INC_STATE_MAX] = {
	[INC_NEW] = "new",
	[INC_REVIEWED] = "reviewed",
	[INC_FALSE_POSITIVE] = "false positive",
	[INC_CONFIRMED] = "confirmed",
};

const char *inc_state_name(int state)
{
	return state >= 0 && state < INC_STATE_MAX ? state_names[state] : "?";
}

int inc_state_by_name(const char *name)
{
	int i;

	if (!strcmp(name, "false-positive") || !strcmp(name, "fp") ||
	    !strcmp(name, "false_positive"))
		return INC_FALSE_POSITIVE;
	for (i = 0; i < INC_STATE_MAX; i++)
		if (!strcmp(name, state_names[i]))
			return i;
	return -1;
}

/* qsort has no context: the findings being sorted. */
static const struct inc_finding *sort_f;

static int by_person_time(const void *a, const void *b)
{
	const struct inc_finding *x = &sort_f[*(const size_t *)a];
	const struct inc_finding *y = &sort_f[*(const size_t *)b];

	if (x->login != y->login)
		return x->login < y->login ? -1 : 1;
	if (x->user_uid != y->user_uid)
		return x->user_uid < y->user_uid ? -1 : 1;
	if (x->first_ns != y->first_ns)
		return x->first_ns < y->first_ns ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int by_score(const void *a, const void *b)
{
	const struct inc_group *x = a, *y = b;

	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	if (x->last_ns != y->last_ns)
		return x->last_ns < y->last_ns ? 1 : -1;
	return x->anchor < y->anchor ? -1 : x->anchor > y->anchor;
}

int inc_score(const struct inc_finding *f, const size_t *order, size_t n)
{
	int64_t best[RULE_MAX + 1];
	double keep = 1.0;
	size_t i;
	int r;

	for (r = 0; r <= RULE_MAX; r++)
		best[r] = 0;
	for (i = 0; i < n; i++) {
		const struct inc_finding *x = &f[order[i]];
		int64_t p = x->score < 0 ? 0 : x->score > 100 ? 100 : x->score;

		/* An unknown rule counts as one more rule. */
		r = x->rule >= 0 && x->rule < RULE_MAX ? x->rule : RULE_MAX;
		if (p > best[r])
			best[r] = p;
	}
	for (r = 0; r <= RULE_MAX; r++)
		keep *= 1.0 - (double)best[r] / 100.0;
	return (int)(100.0 * (1.0 - keep) + 0.5);
}

const char *inc_severity(int score)
{
	return score >= 40 ? "high" : score >= 20 ? "medium" : "low";
}

int inc_state_of(const struct inc_finding *f, const size_t *order, size_t n)
{
	/* Gravest first: what a reviewer must not lose. */
	static const int rank[INC_STATE_MAX] = {
		[INC_NEW] = 3, [INC_CONFIRMED] = 2, [INC_REVIEWED] = 1,
		[INC_FALSE_POSITIVE] = 0,
	};
	int state = INC_FALSE_POSITIVE;
	size_t i;

	for (i = 0; i < n; i++) {
		int s = f[order[i]].state;

		if (s < 0 || s >= INC_STATE_MAX)
			s = INC_NEW;
		if (rank[s] > rank[state])
			state = s;
	}
	return n ? state : INC_NEW;
}

size_t inc_group(struct inc_finding *f, size_t n, struct inc_group **groups,
		 size_t **order)
{
	struct inc_group *g = util_xcalloc(n ? n : 1, sizeof(*g));
	size_t *o = util_xcalloc(n ? n : 1, sizeof(*o));
	size_t i, ng = 0;

	for (i = 0; i < n; i++)
		o[i] = i;
	sort_f = f;
	if (n > 1)
		qsort(o, n, sizeof(*o), by_person_time);
	sort_f = NULL;
	for (i = 0; i < n; i++) {
		struct inc_finding *x = &f[o[i]];
		struct inc_group *cur = ng ? &g[ng - 1] : NULL;

		if (!cur || cur->login != x->login || cur->user_uid != x->user_uid ||
		    x->first_ns > cur->last_ns + INCIDENT_GAP_NS) {
			cur = &g[ng++];
			cur->first = i;
			cur->anchor = x->id;
			cur->user_uid = x->user_uid;
			cur->login = x->login;
			cur->first_ns = x->first_ns;
			cur->last_ns = x->last_ns;
		}
		cur->n++;
		if (x->id < cur->anchor)
			cur->anchor = x->id;
		if (x->last_ns > cur->last_ns)
			cur->last_ns = x->last_ns;
	}
	for (i = 0; i < ng; i++) {
		struct inc_group *x = &g[i];
		size_t j;

		x->score = inc_score(f, o + x->first, x->n);
		x->state = inc_state_of(f, o + x->first, x->n);
		/* Suppressed only when every finding is: one shown. */
		x->suppressed = f[o[x->first]].suppressed;
		for (j = 0; j < x->n; j++)
			if (!f[o[x->first + j]].suppressed)
				x->suppressed = 0;
	}
	if (ng > 1)
		qsort(g, ng, sizeof(*g), by_score);
	for (i = 0; i < ng; i++) {
		size_t j;

		for (j = 0; j < g[i].n; j++)
			f[o[g[i].first + j]].incident = i;
	}
	*groups = g;
	*order = o;
	return ng;
}

const char *inc_id(uint64_t instance, int64_t anchor, char *buf, size_t len)
{
	snprintf(buf, len, "%016" PRIx64 "-incident-%" PRId64, instance, anchor);
	return buf;
}

int64_t inc_parse_id(const char *s, uint64_t *instance)
{
	const char *num = s, *dash = strstr(s, "-incident-");
	unsigned long long v;
	char *end;

	if (dash) {
		if (dash - s != 16)
			return -1;
		for (end = (char *)s; end < dash; end++)
			if (!strchr("0123456789abcdefABCDEF", *end))
				return -1;
		if (instance)
			*instance = strtoull(s, NULL, 16);
		num = dash + strlen("-incident-");
	}
	if (*num < '0' || *num > '9')
		return -1;
	v = strtoull(num, &end, 10);
	if (*end || v == 0 || v > INT64_MAX)
		return -1;
	return (int64_t)v;
}
