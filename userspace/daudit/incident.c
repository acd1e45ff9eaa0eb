// SPDX-License-Identifier: GPL-2.0
/*
 * daudit incident: the findings of one person that overlap in time, as
 * one incident to review (lib/incident.h), and its triage: list, show,
 * ack, dismiss, confirm, reopen, note, suppress, suppressions,
 * unsuppress.  This file lists and shows them and dispatches; the
 * verbs that write are in incident_triage.c.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "format.h"
#include "incident_verb.h"
#include "query.h"
#include "record.h"
#include "ruleinfo.h"
#include "table.h"
#include "text.h"
#include "timeparse.h"
#include "util.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: daudit incident list [--state S] [--since TIME] [--until TIME]\n"
		"                            [--format F] [--database PATH]\n"
		"       daudit incident show ID [--format json] [--database PATH]\n"
		"       daudit incident ack|dismiss|confirm|reopen ID [--note TEXT]\n"
		"       daudit incident note ID TEXT\n"
		"       daudit incident suppress [--user NAME | --actor ID]\n"
		"                [--program EXE] [--dataset NAME] --until TIME\n"
		"                --reason TEXT\n"
		"       daudit incident suppressions [--format F]\n"
		"       daudit incident unsuppress N\n"
		"\n"
		"An incident is the findings of one user or actor that overlap in\n"
		"time (or come within an hour of each other), with one score from 0\n"
		"to 100, one timeline and the evidence listed once.  ID is as list\n"
		"shows it (INSTANCE-incident-N) or N alone.\n"
		"\n"
		"  list          incidents ranked by score; suppressed ones apart,\n"
		"                never hidden\n"
		"  show          the findings, the timeline (what was read, with\n"
		"                which program, what left and where), the score,\n"
		"                the triage and the notes\n"
		"  ack           state 'reviewed': looked at, nothing to do\n"
		"  dismiss       state 'false positive'\n"
		"  confirm       state 'confirmed': a real incident\n"
		"  reopen        state 'new' again\n"
		"  note          add a note (author and time are recorded)\n"
		"  suppress      leave matching findings out of review until TIME\n"
		"                (they are still listed, as suppressed)\n"
		"  suppressions  the suppressions; unsuppress N ends one now\n"
		"\n"
		"Triage writes the collector's database: it needs write access to\n"
		"the file and its directory (root, or sudo; the author is then\n"
		"SUDO_USER, and shown as through sudo).\n"
		"\n"
		"Options:\n"
		"  --state S         list: only new, reviewed, false-positive or\n"
		"                    confirmed incidents\n"
		"  -n, --note TEXT   ack, dismiss, confirm, reopen: add a note too\n"
		"  --user NAME, --actor ID, --program EXE, --dataset NAME\n"
		"                    suppress: whose findings, of which program (all\n"
		"                    of the finding's evidence), of which dataset;\n"
		"                    at least one\n"
		"  --reason TEXT     suppress: why (required)\n"
		QOPTS_HELP
		"  -h, --help        this help\n", "30d");
}

static char *dup_col(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s ? util_xstrdup((const char *)s) : NULL;
}

/*
 * Every finding the database keeps (retention bounds them), with its
 * triage state and the first suppression that covers it: incidents are
 * grouped from all, so an id and its members do not depend on --since.
 */
static void load(struct incidents *in)
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
		x->rule = dup_col(st, 3);
		f->rule = x->rule ? rule_by_name(x->rule) : -1;
		x->dataset = dup_col(st, 4);
		f->first_ns = sqlite3_column_int64(st, 5);
		f->last_ns = sqlite3_column_int64(st, 6);
		f->score = sqlite3_column_int64(st, 7);
		x->bytes = sqlite3_column_int64(st, 8);
		x->count = sqlite3_column_int64(st, 9);
		x->reason = dup_col(st, 10);
		x->instance = (uint64_t)sqlite3_column_int64(st, 11);
		if (!x->instance)
			x->instance = in->fallback_instance;
		f->state = sqlite3_column_int(st, 12);
		f->suppressed = sqlite3_column_int(st, 13);
	}
	sqlite3_finalize(st);
	in->ng = inc_group(in->f, in->n, &in->g, &in->order);
}

static void free_incidents(struct incidents *in)
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
static ssize_t finding_index(const struct incidents *in, int64_t id)
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
	ssize_t i = finding_index(in, g->anchor);

	return inc_id(i >= 0 ? in->x[i].instance : in->fallback_instance,
		      g->anchor, buf, len);
}

/* As the SIEM names the finding (docs/siem.md). */
static const char *finding_id(uint64_t instance, int64_t id, char *buf,
			      size_t len)
{
	snprintf(buf, len, "%016" PRIx64 "-finding-%" PRId64, instance, id);
	return buf;
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
	i = finding_index(in, anchor);
	/* A finding that joined an older incident: that one is meant. */
	if (i < 0 || in->g[in->f[i].incident].anchor != anchor)
		util_die(EXIT_FAIL, "incident %s: no incident %s in %s%s (see daudit incident list)",
			 verb, arg, in->q.path,
			 i >= 0 ? " (its finding is now part of an older incident)" : "");
	return &in->g[in->f[i].incident];
}

/* "mallory (uid 1002)", or the actor with its application. */
static const char *person(struct incidents *in, const struct inc_group *g,
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

/* The rules of @g, each once, by points: "read_then_egress, ...". */
static const char *rules_of(const struct incidents *in,
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
static const struct incidents *sort_in;

static int by_points(const void *a, const void *b)
{
	const struct inc_finding *x = &sort_in->f[*(const size_t *)a];
	const struct inc_finding *y = &sort_in->f[*(const size_t *)b];

	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	if (x->first_ns != y->first_ns)
		return x->first_ns < y->first_ns ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static void sort_members(struct incidents *in)
{
	size_t i;

	sort_in = in;
	for (i = 0; i < in->ng; i++)
		qsort(in->order + in->g[i].first, in->g[i].n, sizeof(size_t),
		      by_points);
	sort_in = NULL;
}

/* ------------------------------------------------------------------ */
/* Opening                                                             */
/* ------------------------------------------------------------------ */

void incident_open(struct incidents *in)
{
	qopts_open(&in->o, &in->q);
	load(in);
	sort_members(in);
}

/* ------------------------------------------------------------------ */
/* list                                                                */
/* ------------------------------------------------------------------ */

static int listed(const struct incidents *in, const struct inc_group *g)
{
	if (g->last_ns < in->o.since * NSEC_PER_SEC ||
	    g->first_ns >= in->o.until * NSEC_PER_SEC)
		return 0;
	return in->state_filter < 0 || g->state == in->state_filter;
}

static const struct table_col list_cols[] = {
	{ "incident", TCOL_STR }, { "state", TCOL_STR }, { "score", TCOL_INT },
	{ "severity", TCOL_STR }, { "person", TCOL_STR }, { "first", TCOL_TIME },
	{ "last", TCOL_TIME }, { "findings", TCOL_INT }, { "rules", TCOL_STR },
	{ "suppressed", TCOL_STR },
};

static void list_row(struct incidents *in, struct table *t,
		     const struct inc_group *g)
{
	char id[64], who[400], rules[256], sup[32];

	table_str(t, incident_name(in, g, id, sizeof(id)));
	table_str(t, inc_state_name(g->state));
	table_int(t, g->score);
	table_str(t, inc_severity(g->score));
	table_str(t, person(in, g, who, sizeof(who)));
	table_int(t, g->first_ns / NSEC_PER_SEC);
	table_int(t, g->last_ns / NSEC_PER_SEC);
	table_u64(t, g->n);
	table_str(t, rules_of(in, g, rules, sizeof(rules)));
	snprintf(sup, sizeof(sup), "#%d", g->suppressed);
	table_str(t, g->suppressed ? sup : (in->o.format == FORMAT_TABLE ? "-" : NULL));
}

static int cmd_list(struct incidents *in)
{
	struct table *t = table_new(in->o.format, list_cols, 10);
	struct table *s = NULL;
	size_t i, nsup = 0, nrows;

	incident_open(in);
	for (i = 0; i < in->ng; i++) {
		const struct inc_group *g = &in->g[i];

		if (!listed(in, g))
			continue;
		/* Machines get one list; people the suppressed apart. */
		if (g->suppressed && in->o.format == FORMAT_TABLE) {
			if (!s)
				s = table_new(in->o.format, list_cols, 10);
			list_row(in, s, g);
			nsup++;
			continue;
		}
		list_row(in, t, g);
	}
	nrows = table_rows(t);
	if (in->o.format != FORMAT_TABLE) {
		table_print(t, stdout);
	} else {
		if (nrows)
			table_print(t, stdout);
		else
			text_printf("No incidents to review in this period%s%s.\n",
				    in->state_filter >= 0 ? " in state " : "",
				    in->state_filter >= 0 ? inc_state_name(in->state_filter) : "");
		if (s) {
			text_printf("\n%zu suppressed incident%s (daudit incident suppressions says why):\n",
				    nsup, nsup == 1 ? "" : "s");
			table_print(s, stdout);
		}
		if (nrows || s)
			text_printf("\nScore 0-100: each rule once, 100 x (1 - product of (1 - points/100)). 'daudit incident show ID' for the timeline.\n");
	}
	table_free(t);
	if (s)
		table_free(s);
	return 0;
}

/* ------------------------------------------------------------------ */
/* show                                                                */
/* ------------------------------------------------------------------ */

/* The finding ids of @g as a JSON array, for json_each(). */
static char *ids_json(const struct incidents *in, const struct inc_group *g)
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

/*
 * The evidence of every finding of the incident, each record once, in
 * time order, with the rules that cite it.
 */
static sqlite3_stmt *timeline_stmt(struct incidents *in, const char *ids)
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

struct tl_line {
	int64_t first_ns, last_ns;
	int type;
	char *exe;
	char *cmdline;			/* NULL: not recorded */
	int64_t tgid;
	int64_t uid;			/* -1: unknown */
	char *dataset, *path, *dest, *rules;
	int64_t bytes, n;
};

static void tl_free(struct tl_line *l)
{
	free(l->exe);
	free(l->cmdline);
	free(l->dataset);
	free(l->path);
	free(l->dest);
	free(l->rules);
	memset(l, 0, sizeof(*l));
}

static void tl_print(struct incidents *in, const struct tl_line *l)
{
	char t[32], b[32];
	const char *verb = l->type == DAUDIT_REC_EGRESS ? "sent" :
			   l->type == DAUDIT_REC_ALERT ? "alert:" : "read";
	char who[8192];

	table_who(who, sizeof(who), l->exe, NULL, l->cmdline, l->tgid,
		  l->uid < 0 ? NULL : qdb_user_name(&in->q, (uint32_t)l->uid));
	text_printf("  %s  %s %s %s", tp_format_local(l->first_ns / NSEC_PER_SEC, t, sizeof(t)),
		    who, verb, table_human_bytes((uint64_t)l->bytes, b, sizeof(b)));
	if (l->n > 1)
		text_printf(" from %" PRId64 " files", l->n);
	if (l->dataset && l->type != DAUDIT_REC_EGRESS)
		text_printf(" of %s", l->dataset);
	if (l->path)
		text_printf(l->n > 1 ? ": %s, ..." : ": %s", l->path);
	if (l->dest)
		text_printf(" -> %s", l->dest);
	if (l->n > 1)
		text_printf(", until %s", tp_format_local(l->last_ns / NSEC_PER_SEC, t, sizeof(t)));
	text_printf("  [%s]\n", l->rules ? l->rules : "");
}

/*
 * One line per record, but a program's run of reads of one dataset
 * cited by the same rules is one line: 300 files read by sqlite3 is
 * one thing to see.  JSON has every record.
 */
static void print_timeline(struct incidents *in, const struct inc_group *g)
{
	char *ids = ids_json(in, g);
	sqlite3_stmt *st = timeline_stmt(in, ids);
	struct tl_line cur;
	int64_t records = 0;

	memset(&cur, 0, sizeof(cur));
	text_printf("Timeline (each record once; the rules that cite it in brackets; the command line, with the executable, where the module recorded it):\n");
	while (qdb_step(&in->q, st)) {
		struct tl_line l;

		memset(&l, 0, sizeof(l));
		l.first_ns = l.last_ns = sqlite3_column_int64(st, 1);
		l.type = sqlite3_column_int(st, 2);
		l.exe = dup_col(st, 3);
		if (!l.exe)
			l.exe = dup_col(st, 4);
		l.tgid = sqlite3_column_int64(st, 5);
		l.uid = sqlite3_column_type(st, 6) == SQLITE_NULL ? -1 :
			sqlite3_column_int64(st, 6);
		l.dataset = dup_col(st, 7);
		l.path = dup_col(st, 8);
		l.dest = dup_col(st, 9);
		l.bytes = sqlite3_column_int64(st, 10);
		l.rules = dup_col(st, 11);
		l.cmdline = dup_col(st, 12);
		l.n = 1;
		records++;
		if (cur.n && l.type == cur.type && l.type != DAUDIT_REC_EGRESS &&
		    l.type != DAUDIT_REC_ALERT && l.tgid == cur.tgid &&
		    util_streq_null(l.exe, cur.exe) && util_streq_null(l.cmdline, cur.cmdline) &&
		    util_streq_null(l.dataset, cur.dataset) &&
		    util_streq_null(l.rules, cur.rules) && l.uid == cur.uid) {
			cur.n++;
			cur.bytes += l.bytes;
			cur.last_ns = l.last_ns;
			tl_free(&l);
			continue;
		}
		if (cur.n)
			tl_print(in, &cur);
		tl_free(&cur);
		cur = l;
	}
	if (cur.n)
		tl_print(in, &cur);
	else
		text_printf("  (no evidence kept)\n");
	tl_free(&cur);
	text_printf("  %" PRId64 " record%s of evidence.\n", records, records == 1 ? "" : "s");
	sqlite3_finalize(st);
	free(ids);
}

/* The history of findings @ids: time, author, sudo, state, text. */
static sqlite3_stmt *notes_stmt(struct incidents *in, const char *ids)
{
	sqlite3_stmt *st = qdb_prepare(&in->q,
		"SELECT time_ns, author, sudo, state, text FROM notes"
		" WHERE finding_id IN (SELECT value FROM json_each(?1))"
		" ORDER BY time_ns, id");

	sqlite3_bind_text(st, 1, ids, -1, SQLITE_TRANSIENT);
	return st;
}

/* The history: changes of state and notes, oldest first. */
static void print_history(struct incidents *in, const struct inc_group *g)
{
	char *ids = ids_json(in, g);
	sqlite3_stmt *st = notes_stmt(in, ids);
	char t[32];
	int n = 0;

	while (qdb_step(&in->q, st)) {
		const char *text = (const char *)sqlite3_column_text(st, 4);

		if (!n++)
			text_printf("Triage and notes:\n");
		text_printf("  %s  %s%s",
			    tp_format_local(sqlite3_column_int64(st, 0) / NSEC_PER_SEC, t, sizeof(t)),
			    (const char *)sqlite3_column_text(st, 1),
			    sqlite3_column_int(st, 2) ? " (through sudo)" : "");
		if (sqlite3_column_type(st, 3) != SQLITE_NULL)
			text_printf(" set %s", inc_state_name(sqlite3_column_int(st, 3)));
		text_printf("%s%s\n", text && *text ? ": " : "", text ? text : "");
	}
	if (!n)
		text_printf("Triage and notes: none yet (daudit incident ack|dismiss|confirm|note)\n");
	sqlite3_finalize(st);
	free(ids);
}

static void print_suppression(struct incidents *in, int id)
{
	sqlite3_stmt *st = qdb_prepare(&in->q,
		"SELECT until_ns, author, sudo, reason FROM suppressions WHERE id = ?1");
	char t[32];

	sqlite3_bind_int(st, 1, id);
	if (qdb_step(&in->q, st))
		text_printf("Suppressed by #%d until %s, by %s%s: %s (listed, not for review)\n",
			    id, tp_format_local(sqlite3_column_int64(st, 0) / NSEC_PER_SEC, t, sizeof(t)),
			    (const char *)sqlite3_column_text(st, 1),
			    sqlite3_column_int(st, 2) ? " (through sudo)" : "",
			    (const char *)sqlite3_column_text(st, 3));
	sqlite3_finalize(st);
}

static void show_text(struct incidents *in, const struct inc_group *g)
{
	char id[64], who[400], a[32], b[32], fid[64];
	size_t j;

	text_printf("Incident %s: %s\n", incident_name(in, g, id, sizeof(id)),
		    person(in, g, who, sizeof(who)));
	text_printf("Score %d of 100 (%s), state %s, %zu finding%s from %s to %s\n",
		    g->score, inc_severity(g->score), inc_state_name(g->state),
		    g->n, g->n == 1 ? "" : "s",
		    tp_format_local(g->first_ns / NSEC_PER_SEC, a, sizeof(a)),
		    tp_format_local(g->last_ns / NSEC_PER_SEC, b, sizeof(b)));
	if (g->suppressed)
		print_suppression(in, g->suppressed);
	text_printf("\nFindings (score: each rule once, 100 x (1 - product of (1 - points/100))):\n");
	for (j = 0; j < g->n; j++) {
		const struct inc_finding *f;
		const struct ifinding *x = incident_member(in, g, j, &f);

		text_printf("  [%s] %s, %" PRId64 " points, %s to %s%s%s, %s (%s)\n",
			    f->score >= 40 ? "high" : f->score >= 20 ? "medium" : "low",
			    x->rule, f->score,
			    tp_format_local(f->first_ns / NSEC_PER_SEC, a, sizeof(a)),
			    tp_format_local(f->last_ns / NSEC_PER_SEC, b, sizeof(b)),
			    x->dataset ? ", dataset " : "", x->dataset ? x->dataset : "",
			    inc_state_name(f->state),
			    finding_id(x->instance, f->id, fid, sizeof(fid)));
		text_printf("     %s\n", x->reason ? x->reason : "");
	}
	text_printf("\n");
	print_timeline(in, g);
	text_printf("\n");
	print_history(in, g);
}

static json_object *jtime(int64_t ns)
{
	char buf[32];

	return json_object_new_string(tp_format_utc(ns / NSEC_PER_SEC, buf, sizeof(buf)));
}

static json_object *show_json(struct incidents *in, const struct inc_group *g)
{
	json_object *o = json_object_new_object(), *fs = json_object_new_array();
	json_object *tl = json_object_new_array(), *notes = json_object_new_array();
	char id[64], fid[64], *ids = ids_json(in, g);
	sqlite3_stmt *st;
	size_t j;

	json_object_object_add(o, "id", json_object_new_string(incident_name(in, g, id, sizeof(id))));
	json_object_object_add(o, "person", table_json_string(
				       qdb_person_name(&in->q, g->user_uid, g->login)));
	json_object_object_add(o, "uid", json_object_new_int64(g->user_uid));
	json_object_object_add(o, "actor", json_object_new_boolean(g->login == DB_LOGIN_ACTOR));
	json_object_object_add(o, "score", json_object_new_int(g->score));
	json_object_object_add(o, "severity", json_object_new_string(inc_severity(g->score)));
	json_object_object_add(o, "state", json_object_new_string(inc_state_name(g->state)));
	json_object_object_add(o, "first", jtime(g->first_ns));
	json_object_object_add(o, "last", jtime(g->last_ns));
	json_object_object_add(o, "suppressed", g->suppressed ?
			       json_object_new_int(g->suppressed) : NULL);
	for (j = 0; j < g->n; j++) {
		const struct inc_finding *f;
		const struct ifinding *x = incident_member(in, g, j, &f);
		json_object *fo = json_object_new_object();

		json_object_object_add(fo, "id", json_object_new_string(
					       finding_id(x->instance, f->id, fid, sizeof(fid))));
		json_object_object_add(fo, "rule", table_json_string(x->rule));
		json_object_object_add(fo, "score", json_object_new_int64(f->score));
		json_object_object_add(fo, "state", json_object_new_string(inc_state_name(f->state)));
		json_object_object_add(fo, "dataset", table_json_string(x->dataset));
		json_object_object_add(fo, "first", jtime(f->first_ns));
		json_object_object_add(fo, "last", jtime(f->last_ns));
		json_object_object_add(fo, "reason", table_json_string(x->reason));
		json_object_array_add(fs, fo);
	}
	json_object_object_add(o, "findings", fs);
	st = timeline_stmt(in, ids);
	while (qdb_step(&in->q, st)) {
		json_object *e = json_object_new_object();

		json_object_object_add(e, "event_id", json_object_new_int64(sqlite3_column_int64(st, 0)));
		json_object_object_add(e, "time", jtime(sqlite3_column_int64(st, 1)));
		json_object_object_add(e, "type", json_object_new_string(
			rec_type_name((unsigned int)sqlite3_column_int(st, 2))));
		json_object_object_add(e, "exe", table_json_string((const char *)sqlite3_column_text(st, 3)));
		json_object_object_add(e, "comm", table_json_string((const char *)sqlite3_column_text(st, 4)));
		json_object_object_add(e, "pid", json_object_new_int64(sqlite3_column_int64(st, 5)));
		json_object_object_add(e, "uid", sqlite3_column_type(st, 6) == SQLITE_NULL ? NULL :
				       json_object_new_int64(sqlite3_column_int64(st, 6)));
		json_object_object_add(e, "dataset", table_json_string((const char *)sqlite3_column_text(st, 7)));
		json_object_object_add(e, "path", table_json_string((const char *)sqlite3_column_text(st, 8)));
		json_object_object_add(e, "dest", table_json_string((const char *)sqlite3_column_text(st, 9)));
		json_object_object_add(e, "bytes", json_object_new_int64(sqlite3_column_int64(st, 10)));
		json_object_object_add(e, "rules", table_json_string((const char *)sqlite3_column_text(st, 11)));
		json_object_object_add(e, "cmdline", table_json_string((const char *)sqlite3_column_text(st, 12)));
		json_object_array_add(tl, e);
	}
	sqlite3_finalize(st);
	json_object_object_add(o, "timeline", tl);
	st = notes_stmt(in, ids);
	while (qdb_step(&in->q, st)) {
		json_object *n = json_object_new_object();

		json_object_object_add(n, "time", jtime(sqlite3_column_int64(st, 0)));
		json_object_object_add(n, "author", table_json_string((const char *)sqlite3_column_text(st, 1)));
		json_object_object_add(n, "sudo", json_object_new_boolean(sqlite3_column_int(st, 2)));
		json_object_object_add(n, "state", sqlite3_column_type(st, 3) == SQLITE_NULL ?
				       NULL : json_object_new_string(inc_state_name(
					       sqlite3_column_int(st, 3))));
		json_object_object_add(n, "text", table_json_string((const char *)sqlite3_column_text(st, 4)));
		json_object_array_add(notes, n);
	}
	sqlite3_finalize(st);
	json_object_object_add(o, "notes", notes);
	free(ids);
	return o;
}

static int cmd_show(struct incidents *in, const char *arg)
{
	const struct inc_group *g;

	incident_open(in);
	g = incident_find(in, arg, "show");
	if (in->o.format == FORMAT_JSON) {
		json_object *o = show_json(in, g);

		printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
			JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	} else {
		show_text(in, g);
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Dispatch                                                            */
/* ------------------------------------------------------------------ */

#define OPT_STATE	0x2001
#define OPT_USER	0x2002
#define OPT_ACTOR	0x2003
#define OPT_PROGRAM	0x2004
#define OPT_DATASET	0x2005
#define OPT_REASON	0x2006

int cmd_incident(int argc, char **argv)
{
	static const struct option opts[] = {
		QOPTS_LONG,
		{ "state", required_argument, NULL, OPT_STATE },
		{ "note", required_argument, NULL, 'n' },
		{ "user", required_argument, NULL, OPT_USER },
		{ "actor", required_argument, NULL, OPT_ACTOR },
		{ "program", required_argument, NULL, OPT_PROGRAM },
		{ "dataset", required_argument, NULL, OPT_DATASET },
		{ "reason", required_argument, NULL, OPT_REASON },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct {
		const char *name;
		int state;
	} setters[] = {
		{ "ack", INC_REVIEWED }, { "dismiss", INC_FALSE_POSITIVE },
		{ "confirm", INC_CONFIRMED }, { "reopen", INC_NEW },
	};
	struct incidents in;
	const char *verb, *args[2];
	int c, nargs = 0, rc = EXIT_USAGE;
	size_t i;

	memset(&in, 0, sizeof(in));
	qopts_init(&in.o);
	in.state_filter = -1;
	optind = 0;
	while ((c = getopt_long(argc, argv, "n:f:h", opts, NULL)) != -1) {
		if (qopts_option(&in.o, c, optarg, "incident"))
			continue;
		switch (c) {
		case OPT_STATE:
			in.state_filter = inc_state_by_name(optarg);
			if (in.state_filter < 0)
				util_die(EXIT_USAGE, "incident: --state must be new, reviewed, false-positive or confirmed, not '%s'",
					 optarg);
			break;
		case 'n':
			in.note = optarg;
			break;
		case OPT_USER:
			in.user = optarg;
			break;
		case OPT_ACTOR:
			in.actor = optarg;
			break;
		case OPT_PROGRAM:
			in.program = optarg;
			break;
		case OPT_DATASET:
			in.dataset = optarg;
			break;
		case OPT_REASON:
			in.reason = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	verb = argv[optind++];
	for (; optind < argc; optind++) {
		if (nargs < 2)
			args[nargs++] = argv[optind];
		else
			util_die(EXIT_USAGE, "incident %s: unexpected argument '%s'",
				 verb, argv[optind]);
	}
	/* suppress --until is a date to come, not the end of a period. */
	if (!strcmp(verb, "suppress") && in.o.until_arg) {
		char err[256];

		if (tp_parse(in.o.until_arg, time(NULL), &in.suppress_until, err,
			     sizeof(err)) < 0)
			util_die(EXIT_USAGE, "incident suppress: --until: %s", err);
		in.o.until_arg = NULL;
		in.has_until = 1;
	}
	qopts_finish(&in.o, "incident", 30 * 86400);
	if (!strcmp(verb, "list") && nargs == 0) {
		rc = cmd_list(&in);
	} else if (!strcmp(verb, "show") && nargs == 1) {
		rc = cmd_show(&in, args[0]);
	} else if (!strcmp(verb, "note") && nargs == 2) {
		rc = triage_note(&in, args[0], args[1]);
	} else if (!strcmp(verb, "suppress") && nargs == 0) {
		rc = triage_suppress(&in);
	} else if (!strcmp(verb, "suppressions") && nargs == 0) {
		rc = triage_suppressions(&in);
	} else if (!strcmp(verb, "unsuppress") && nargs == 1) {
		rc = triage_unsuppress(&in, args[0]);
	} else {
		int state = -1;

		for (i = 0; i < sizeof(setters) / sizeof(setters[0]); i++)
			if (!strcmp(verb, setters[i].name) && nargs == 1)
				state = setters[i].state;
		if (state < 0)
			util_die(EXIT_USAGE, "incident: '%s' with %d argument%s: see 'daudit incident --help'",
				 verb, nargs, nargs == 1 ? "" : "s");
		rc = triage_set_state(&in, verb, state, args[0]);
	}
	free_incidents(&in);
	return rc;
}
