// SPDX-License-Identifier: GPL-2.0
/*
 * The incidents as daudit's verbs read them (incident_verb.h): every
 * finding loaded with its triage and suppression, grouped
 * (lib/incident.h), named, and each one's timeline.  'daudit incident'
 * lists, shows and triages them (incident.c, incident_triage.c); 'daudit
 * report --format html' draws them (report_html.c).  Static names carry
 * an incident_ prefix: the unit tests include this file beside a verb's.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "incident_verb.h"
#include "query.h"
#include "record.h"
#include "ruleinfo.h"
#include "timeparse.h"
#include "util.h"

static char *incident_col(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s ? util_xstrdup((const char *)s) : NULL;
}

/*
 * Every finding the database keeps (retention bounds them), with its
 * triage state and the first suppression that covers it: incidents are
 * grouped from all, so an id and its members do not depend on --since.
 */
static void incident_load(struct incidents *in)
{
	sqlite3_stmt *st = qdb_prepare(&in->q,
		"SELECT f.id, f.user_uid, f.login, f.rule, f.dataset, f.first_ns,"
		" f.last_ns, f.score, f.bytes, f.count, f.reason,"
		" IFNULL(f.instance_id, 0), IFNULL(t.state, 0),"
		" (SELECT s.id FROM suppressions s WHERE"
		"  (s.login IS NULL OR (s.login = f.login AND (s.user_uid = f.user_uid"
		/* An actor is one person through every account. */
		"   OR (f.login = " DB_LOGIN_ACTOR_SQL " AND (SELECT actor FROM actors"
		"   WHERE id = f.user_uid) = (SELECT actor FROM actors"
		"   WHERE id = s.user_uid)))))"
		"  AND (s.dataset IS NULL OR s.dataset = f.dataset)"
		"  AND f.first_ns < s.until_ns"
		"  AND (s.exe IS NULL OR (EXISTS (SELECT 1 FROM evidence e WHERE"
		"   e.finding_id = f.id) AND NOT EXISTS (SELECT 1 FROM evidence e"
		"   WHERE e.finding_id = f.id AND IFNULL(e.exe, '') != s.exe)))"
		"  ORDER BY s.id LIMIT 1)"
		" FROM findings f LEFT JOIN triage t ON t.finding_id = f.id"
		" ORDER BY f.id");
	size_t cap = 0;

	in->fallback_instance = (uint64_t)qdb_int(&in->q,
		"SELECT instance_id FROM hwm ORDER BY last_ns DESC LIMIT 1", 0);
	while (qdb_step(&in->q, st)) {
		struct inc_finding *f;
		struct ifinding *x;

		if (in->n == cap) {
			cap = cap ? cap * 2 : 64;
			in->f = util_xrealloc(in->f, cap * sizeof(*in->f));
			in->x = util_xrealloc(in->x, cap * sizeof(*in->x));
		}
		f = &in->f[in->n];
		x = &in->x[in->n++];
		memset(f, 0, sizeof(*f));
		f->id = sqlite3_column_int64(st, 0);
		f->user_uid = (uint32_t)sqlite3_column_int64(st, 1);
		f->login = sqlite3_column_int(st, 2);
		x->rule = incident_col(st, 3);
		f->rule = x->rule ? rule_by_name(x->rule) : -1;
		x->dataset = incident_col(st, 4);
		f->first_ns = sqlite3_column_int64(st, 5);
		f->last_ns = sqlite3_column_int64(st, 6);
		f->score = sqlite3_column_int64(st, 7);
		x->bytes = sqlite3_column_int64(st, 8);
		x->count = sqlite3_column_int64(st, 9);
		x->reason = incident_col(st, 10);
		x->instance = (uint64_t)sqlite3_column_int64(st, 11);
		if (!x->instance)
			x->instance = in->fallback_instance;
		f->state = sqlite3_column_int(st, 12);
		f->suppressed = sqlite3_column_int(st, 13);
	}
	sqlite3_finalize(st);
	in->ng = inc_group(in->f, in->n, &in->g, &in->order);
}

void incident_close(struct incidents *in)
{
	size_t i;

	for (i = 0; i < in->n; i++) {
		free(in->x[i].rule);
		free(in->x[i].dataset);
		free(in->x[i].reason);
	}
	free(in->f);
	free(in->x);
	free(in->g);
	free(in->order);
	qdb_close(&in->q);
}

/* The index of finding @id in in->f (loaded by id), or -1. */
static ssize_t incident_index(const struct incidents *in, int64_t id)
{
	size_t lo = 0, hi = in->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (in->f[mid].id == id)
			return (ssize_t)mid;
		if (in->f[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

const struct ifinding *incident_member(const struct incidents *in,
				     const struct inc_group *g, size_t j,
				     const struct inc_finding **f)
{
	size_t i = in->order[g->first + j];

	if (f)
		*f = &in->f[i];
	return &in->x[i];
}

const char *incident_name(const struct incidents *in,
			    const struct inc_group *g, char *buf, size_t len)
{
	ssize_t i = incident_index(in, g->anchor);

	return inc_id(i >= 0 ? in->x[i].instance : in->fallback_instance,
		      g->anchor, buf, len);
}

/* The incident an id names, or exit 1 saying there is none. */
struct inc_group *incident_find(struct incidents *in, const char *arg,
				    const char *verb)
{
	uint64_t instance = 0;
	int64_t anchor = inc_parse_id(arg, &instance);
	ssize_t i;

	if (anchor < 0)
		util_die(EXIT_USAGE, "incident %s: '%s' is not an incident id (INSTANCE-incident-N, or N; see daudit incident list)",
			 verb, arg);
	i = incident_index(in, anchor);
	/* A finding that joined an older incident: that one is meant. */
	if (i < 0 || in->g[in->f[i].incident].anchor != anchor)
		util_die(EXIT_FAIL, "incident %s: no incident %s in %s%s (see daudit incident list)",
			 verb, arg, in->q.path,
			 i >= 0 ? " (its finding is now part of an older incident)" : "");
	return &in->g[in->f[i].incident];
}

const char *incident_person(struct incidents *in, const struct inc_group *g,
			  char *buf, size_t len)
{
	char label[300];

	qdb_person_label(&in->q, g->user_uid, g->login, label, sizeof(label));
	if (g->login == DB_LOGIN_ACTOR)
		snprintf(buf, len, "%s", label);
	else
		snprintf(buf, len, "%s (uid %u)", label, g->user_uid);
	return buf;
}

const char *incident_rules(const struct incidents *in,
			    const struct inc_group *g, char *buf, size_t len)
{
	size_t j, k, o = 0;

	buf[0] = 0;
	for (j = 0; j < g->n; j++) {
		const struct ifinding *x = incident_member(in, g, j, NULL);
		int seen = 0;

		for (k = 0; k < j; k++)
			if (!strcmp(incident_member(in, g, k, NULL)->rule, x->rule))
				seen = 1;
		if (!seen && o + strlen(x->rule) + 3 < len)
			o += (size_t)snprintf(buf + o, len - o, "%s%s",
					      o ? ", " : "", x->rule);
	}
	return buf;
}

/* Members by points, then time: the order show lists them in. */
static const struct incidents *incident_sort_in;

static int incident_by_points(const void *a, const void *b)
{
	const struct inc_finding *x = &incident_sort_in->f[*(const size_t *)a];
	const struct inc_finding *y = &incident_sort_in->f[*(const size_t *)b];

	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	if (x->first_ns != y->first_ns)
		return x->first_ns < y->first_ns ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static void incident_sort_members(struct incidents *in)
{
	size_t i;

	incident_sort_in = in;
	for (i = 0; i < in->ng; i++)
		qsort(in->order + in->g[i].first, in->g[i].n, sizeof(size_t),
		      incident_by_points);
	incident_sort_in = NULL;
}

/* ------------------------------------------------------------------ */
/* Opening                                                             */
/* ------------------------------------------------------------------ */

void incident_open(struct incidents *in)
{
	qopts_open(&in->o, &in->q);
	incident_load(in);
	incident_sort_members(in);
}

/* ------------------------------------------------------------------ */
/* Listing and timelines                                               */
/* ------------------------------------------------------------------ */

int incident_listed(const struct incidents *in, const struct inc_group *g)
{
	if (g->last_ns < in->o.since * NSEC_PER_SEC ||
	    g->first_ns >= in->o.until * NSEC_PER_SEC)
		return 0;
	return in->state_filter < 0 || g->state == in->state_filter;
}

char *incident_ids_json(const struct incidents *in, const struct inc_group *g)
{
	char *s = util_xmalloc(g->n * 24 + 3);
	size_t j, o = 0;

	s[o++] = '[';
	for (j = 0; j < g->n; j++) {
		const struct inc_finding *f;

		incident_member(in, g, j, &f);
		o += (size_t)sprintf(s + o, "%s%" PRId64, j ? "," : "", f->id);
	}
	s[o++] = ']';
	s[o] = 0;
	return s;
}

sqlite3_stmt *incident_timeline_stmt(struct incidents *in, const char *ids)
{
	sqlite3_stmt *st = qdb_prepare(&in->q,
		"SELECT e.event_id, MIN(e.time_ns), e.type, e.exe, e.comm, e.tgid,"
		" e.uid, e.dataset, e.path, e.dest, e.bytes,"
		" REPLACE(group_concat(DISTINCT f.rule), ',', ', '), e.cmdline"
		" FROM evidence e JOIN findings f ON f.id = e.finding_id"
		" WHERE e.finding_id IN (SELECT value FROM json_each(?1))"
		" GROUP BY e.event_id ORDER BY 2, 1");

	sqlite3_bind_text(st, 1, ids, -1, SQLITE_TRANSIENT);
	return st;
}


static void incident_tl_free(struct tl_line *l)
{
	free(l->exe);
	free(l->cmdline);
	free(l->dataset);
	free(l->path);
	free(l->dest);
	free(l->rules);
	memset(l, 0, sizeof(*l));
}

int64_t incident_timeline(struct incidents *in, const struct inc_group *g,
			  void (*line)(struct incidents *in,
				       const struct tl_line *l, void *arg),
			  void *arg)
{
	char *ids = incident_ids_json(in, g);
	sqlite3_stmt *st = incident_timeline_stmt(in, ids);
	struct tl_line cur;
	int64_t records = 0;

	memset(&cur, 0, sizeof(cur));
	while (qdb_step(&in->q, st)) {
		struct tl_line l;

		memset(&l, 0, sizeof(l));
		l.first_ns = l.last_ns = sqlite3_column_int64(st, 1);
		l.type = sqlite3_column_int(st, 2);
		l.exe = incident_col(st, 3);
		if (!l.exe)
			l.exe = incident_col(st, 4);
		l.tgid = sqlite3_column_int64(st, 5);
		l.uid = sqlite3_column_type(st, 6) == SQLITE_NULL ? -1 :
			sqlite3_column_int64(st, 6);
		l.dataset = incident_col(st, 7);
		l.path = incident_col(st, 8);
		l.dest = incident_col(st, 9);
		l.bytes = sqlite3_column_int64(st, 10);
		l.rules = incident_col(st, 11);
		l.cmdline = incident_col(st, 12);
		l.n = 1;
		records++;
		if (cur.n && l.type == cur.type && l.type != DAUDIT_REC_EGRESS &&
		    l.type != DAUDIT_REC_ALERT && l.tgid == cur.tgid &&
		    util_streq_null(l.exe, cur.exe) &&
		    util_streq_null(l.cmdline, cur.cmdline) &&
		    util_streq_null(l.dataset, cur.dataset) &&
		    util_streq_null(l.rules, cur.rules) && l.uid == cur.uid) {
			cur.n++;
			cur.bytes += l.bytes;
			cur.last_ns = l.last_ns;
			incident_tl_free(&l);
			continue;
		}
		if (cur.n)
			line(in, &cur, arg);
		incident_tl_free(&cur);
		cur = l;
	}
	if (cur.n)
		line(in, &cur, arg);
	incident_tl_free(&cur);
	sqlite3_finalize(st);
	free(ids);
	return records;
}

