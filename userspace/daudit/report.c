// SPDX-License-Identifier: GPL-2.0
/*
 * daudit report: the review.  Users ranked by risk (the sum of their
 * findings' points), each finding with its reason and the records that
 * justify it, and the sensor's gaps, which make totals low.  Written to
 * be read by someone who did not set the system up.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "format.h"
#include "query.h"
#include "record.h"
#include "report.h"
#include "ruleinfo.h"
#include "table.h"
#include "text.h"
#include "timeparse.h"
#include "util.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: daudit report [--evidence N] [--actor ID] [--since TIME]\n"
		"                     [--until TIME] [--format F] [--database PATH]\n"
		"       daudit report --format html [-o FILE] [--since TIME] ...\n"
		"\n"
		"The review of a period: users and the actors applications declared\n"
		"(the people an application works for, shown with the application and\n"
		"its account) ranked by risk, each of their findings\n"
		"with its reason and evidence (the records that justify it, kept even\n"
		"after raw records expire), then users who read protected data without\n"
		"findings, and any records the sensor lost (totals are then low).\n"
		"CSV has one row per finding.  --format html writes one self-contained\n"
		"page (no script, nothing fetched; readable printed): the incidents\n"
		"ranked, per person their daily bytes against their own baseline, an\n"
		"hour-by-weekday heat map, datasets and egress destinations, and each\n"
		"incident's timeline; it is not written to a terminal.  The rules and\n"
		"their thresholds are in /etc/daudit/dauditd.conf and docs/collector.md.\n"
		"\n"
		"Options:\n"
		"  -e, --evidence N  evidence records shown per finding (default 5,\n"
		"                    0 for all; JSON always has all)\n"
		"  -a, --actor ID    only this actor (the person an application\n"
		"                    declared), its id as 'daudit users --by actor'\n"
		"                    shows it; the sensor's gaps are still shown\n"
		"  -o, --output FILE write to FILE (created mode 0600: the review\n"
		"                    names people and files) instead of stdout\n"
		"  -f, --format html one self-contained page (see above)\n"
		QOPTS_HELP
		"  -h, --help        this help\n", "24h");
}

struct finding {
	int64_t id;
	char *rule;
	char *dataset;
	char *reason;
	int64_t first_ns, last_ns;
	int64_t score, bytes, count;
};

struct ruser {
	struct quser *u;
	struct finding *f;
	size_t nf;
};

struct report {
	struct qdb q;
	struct qopts o;
	unsigned long evidence;
	const char *actor;		/* --actor, or NULL */
	struct quser *users;
	size_t nusers;
	struct ruser *ranked;
	size_t nranked;
	unsigned int rules_seen;	/* rules with findings of users */
	unsigned int rules_seen_actor;	/* ... of actors */
};

static const char *severity(int64_t score)
{
	return score >= 40 ? "high" : score >= 20 ? "medium" : "low";
}

static char *dup_col(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s ? util_xstrdup((const char *)s) : NULL;
}

static void load_findings(struct report *r, struct ruser *ru)
{
	sqlite3_stmt *st = qdb_prepare(&r->q,
		"SELECT id, rule, dataset, reason, first_ns, last_ns, score,"
		" bytes, count FROM findings WHERE user_uid = ?1 AND login = ?2"
		" AND last_ns >= ?3 AND first_ns < ?4"
		" ORDER BY score DESC, first_ns, id");

	sqlite3_bind_int64(st, 1, ru->u->uid);
	sqlite3_bind_int(st, 2, ru->u->login);
	sqlite3_bind_int64(st, 3, r->o.since * NSEC_PER_SEC);
	sqlite3_bind_int64(st, 4, r->o.until * NSEC_PER_SEC);
	while (qdb_step(&r->q, st)) {
		struct finding *f;
		int rule;

		ru->f = util_xrealloc(ru->f, (ru->nf + 1) * sizeof(*ru->f));
		f = &ru->f[ru->nf++];
		f->id = sqlite3_column_int64(st, 0);
		f->rule = dup_col(st, 1);
		f->dataset = dup_col(st, 2);
		f->reason = dup_col(st, 3);
		f->first_ns = sqlite3_column_int64(st, 4);
		f->last_ns = sqlite3_column_int64(st, 5);
		f->score = sqlite3_column_int64(st, 6);
		f->bytes = sqlite3_column_int64(st, 7);
		f->count = sqlite3_column_int64(st, 8);
		rule = rule_by_name(f->rule);
		if (rule >= 0 && ru->u->login == DB_LOGIN_ACTOR)
			r->rules_seen_actor |= 1U << rule;
		else if (rule >= 0)
			r->rules_seen |= 1U << rule;
	}
	sqlite3_finalize(st);
}

static int by_risk(const void *a, const void *b)
{
	const struct ruser *x = a, *y = b;

	if (x->u->risk != y->u->risk)
		return x->u->risk < y->u->risk ? 1 : -1;
	if (x->u->bytes != y->u->bytes)
		return x->u->bytes < y->u->bytes ? 1 : -1;
	return x->u->uid < y->u->uid ? -1 : x->u->uid > y->u->uid;
}

static void collect(struct report *r)
{
	size_t i;

	r->nusers = q_users(&r->q, r->o.since, r->o.until, NULL, &r->users);
	if (r->actor)
		r->nusers = q_users_keep_actor(&r->q, r->users, r->nusers, r->actor);
	r->ranked = util_xcalloc(r->nusers ? r->nusers : 1, sizeof(*r->ranked));
	for (i = 0; i < r->nusers; i++) {
		struct ruser *ru;

		if (!r->users[i].findings)
			continue;
		ru = &r->ranked[r->nranked++];
		ru->u = &r->users[i];
		load_findings(r, ru);
	}
	if (r->nranked > 1)
		qsort(r->ranked, r->nranked, sizeof(*r->ranked), by_risk);
}

static void free_report(struct report *r)
{
	size_t i, j;

	for (i = 0; i < r->nranked; i++) {
		for (j = 0; j < r->ranked[i].nf; j++) {
			free(r->ranked[i].f[j].rule);
			free(r->ranked[i].f[j].dataset);
			free(r->ranked[i].f[j].reason);
		}
		free(r->ranked[i].f);
	}
	free(r->ranked);
	q_users_free(r->users, r->nusers);
}

/* ------------------------------------------------------------------ */
/* Gaps                                                                */
/* ------------------------------------------------------------------ */

sqlite3_stmt *report_gaps_stmt(struct qdb *q, int64_t since, int64_t until)
{
	sqlite3_stmt *st = qdb_prepare(q,
		"SELECT kind, cpu, count, first_seq, last_seq, from_ns, to_ns,"
		" by_type, instance_id FROM gaps WHERE to_ns >= ?1 AND to_ns < ?2"
		" ORDER BY to_ns, id");

	sqlite3_bind_int64(st, 1, since * NSEC_PER_SEC);
	sqlite3_bind_int64(st, 2, until * NSEC_PER_SEC);
	return st;
}

const char *report_gap_text(sqlite3_stmt *st, char *buf, size_t len)
{
	const char *kind = (const char *)sqlite3_column_text(st, 0);
	int64_t count = sqlite3_column_int64(st, 2);
	int cpu = sqlite3_column_int(st, 1);
	int64_t from = sqlite3_column_int64(st, 5) / NSEC_PER_SEC;
	int64_t to = sqlite3_column_int64(st, 6) / NSEC_PER_SEC;
	const char *by = (const char *)sqlite3_column_text(st, 7);
	char a[32], b[32];

	if (!strcmp(kind, "unseen"))
		snprintf(buf, len,
			 "%" PRId64 " records on cpu %d were written before the collector first read this module instance (read by another consumer, or lost) and are not counted, before %s: totals may be low",
			 count, cpu, tp_format_local(to, b, sizeof(b)));
	else
		snprintf(buf, len,
			 "sensor %s %" PRId64 " records on cpu %d between %s and %s%s%s%s: totals may be low",
			 strcmp(kind, "lost") ? "skipped (sequence gap)" : "lost",
			 count, cpu,
			 from ? tp_format_local(from, a, sizeof(a)) : "the collector's start",
			 tp_format_local(to, b, sizeof(b)),
			 by && *by ? " (" : "", by && *by ? by : "",
			 by && *by ? ")" : "");
	return buf;
}

/* ------------------------------------------------------------------ */
/* People                                                              */
/* ------------------------------------------------------------------ */

static void print_evidence(struct report *r, const struct finding *f)
{
	sqlite3_stmt *st = qdb_prepare(&r->q,
		"SELECT time_ns, type, exe, comm, tgid, path, dest, bytes, uid,"
		" cmdline FROM evidence WHERE finding_id = ?1 ORDER BY"
		/* What left, or the alert, before the reads that led to it. */
		" type IN (6, 8) DESC, time_ns, event_id LIMIT ?2");
	int64_t total = 0;
	sqlite3_stmt *cnt = qdb_prepare(&r->q,
		"SELECT COUNT(*) FROM evidence WHERE finding_id = ?1");
	char t[32], b[32], who[8192];
	int64_t shown = 0;

	sqlite3_bind_int64(cnt, 1, f->id);
	if (qdb_step(&r->q, cnt))
		total = sqlite3_column_int64(cnt, 0);
	sqlite3_finalize(cnt);
	sqlite3_bind_int64(st, 1, f->id);
	sqlite3_bind_int64(st, 2, r->evidence ? (int64_t)r->evidence : -1);
	text_printf("      evidence (%" PRId64 " record%s kept%s):\n", total,
		    total == 1 ? "" : "s",
		    f->count > total ? ", more in daudit events" : "");
	while (qdb_step(&r->q, st)) {
		int type = sqlite3_column_int(st, 1);
		const char *exe = (const char *)sqlite3_column_text(st, 2);
		const char *comm = (const char *)sqlite3_column_text(st, 3);
		const char *path = (const char *)sqlite3_column_text(st, 5);
		const char *dest = (const char *)sqlite3_column_text(st, 6);

		table_who(who, sizeof(who), exe, comm,
			  (const char *)sqlite3_column_text(st, 9),
			  (int64_t)sqlite3_column_int64(st, 4),
			  sqlite3_column_type(st, 8) == SQLITE_NULL ? NULL :
			  qdb_user_name(&r->q, (uint32_t)sqlite3_column_int64(st, 8)));
		text_printf("        %s  %-11s %10s  %s  %s%s%s%s\n",
			    tp_format_local(sqlite3_column_int64(st, 0) / NSEC_PER_SEC, t, sizeof(t)),
			    rec_type_name((unsigned int)type),
			    table_human_bytes((uint64_t)sqlite3_column_int64(st, 7), b, sizeof(b)),
			    who, path ? path : "", path && dest ? " " : "",
			    dest ? "-> " : "", dest ? dest : "");
		shown++;
	}
	sqlite3_finalize(st);
	if (shown < total)
		text_printf("        ... and %" PRId64 " more (daudit report --evidence 0, or --format json)\n",
			    total - shown);
}

/*
 * Actors with reads and no finding, on one line: each by its id, and the
 * application and account they came through said once for all that share
 * them (a service's employees would otherwise repeat it twenty times).
 */
static void quiet_actors(struct report *r)
{
	char label[300], a[32];
	const struct qactor *act;
	/* Copies: the actor cache may move as it grows. */
	uint32_t acct_uid = 0;
	int acct_login = 0, same = 1, n = 0;
	char *app = NULL;
	size_t i;

	for (i = 0; i < r->nusers; i++) {
		struct quser *u = &r->users[i];

		if (u->findings || !u->bytes || u->login != DB_LOGIN_ACTOR)
			continue;
		act = qdb_actor(&r->q, u->uid);
		if (!act)
			continue;
		if (!n++) {
			acct_uid = act->account_uid;
			acct_login = act->account_login;
			app = util_xstrdup(act->app_exe ? act->app_exe :
					   "an unknown executable");
		} else if (act->account_uid != acct_uid ||
			   act->account_login != acct_login ||
			   strcmp(act->app_exe ? act->app_exe :
				  "an unknown executable", app)) {
			same = 0;
		}
	}
	if (!n)
		return;
	n = 0;
	for (i = 0; i < r->nusers; i++) {
		struct quser *u = &r->users[i];

		if (u->findings || !u->bytes || u->login != DB_LOGIN_ACTOR)
			continue;
		act = qdb_actor(&r->q, u->uid);
		if (!act)
			continue;
		text_printf("%s%s (%s)", n++ ? ", " : "Actors who read protected data without findings: ",
			    same ? act->actor :
			    qdb_person_label(&r->q, u->uid, u->login, label, sizeof(label)),
			    table_human_bytes(u->bytes, a, sizeof(a)));
	}
	if (same)
		text_printf("; all through %s as %s", app,
			    qdb_user_label(&r->q, acct_uid, acct_login, label,
				      sizeof(label)));
	text_printf("\n\n");
	free(app);
}

static void print_user(struct report *r, size_t rank, struct ruser *ru)
{
	char label[300], a[32], b[32], c[32], d[32];
	size_t i;

	if (ru->u->login == DB_LOGIN_ACTOR)
		snprintf(d, sizeof(d), "%s",
			 table_human_bytes(ru->u->delivered, c, sizeof(c)));
	/* An actor's number is the database's own: its label names it. */
	if (ru->u->login == DB_LOGIN_ACTOR)
		snprintf(b, sizeof(b), ":");
	else
		snprintf(b, sizeof(b), " (uid %u):", ru->u->uid);
	text_printf("%zu. %s%s risk %" PRIu64 " from %zu finding%s; read %s from %" PRIu64 " file%s or socket%s, ",
		    rank, qdb_person_label(&r->q, ru->u->uid, ru->u->login, label, sizeof(label)),
		    b, ru->u->risk, ru->nf, ru->nf == 1 ? "" : "s",
		    table_human_bytes(ru->u->bytes, a, sizeof(a)), ru->u->files,
		    ru->u->files == 1 ? "" : "s", ru->u->files == 1 ? "" : "s");
	text_printf("egress %s%s%s%s\n",
		    table_human_bytes(ru->u->egress, b, sizeof(b)),
		    ru->u->login == DB_LOGIN_ACTOR ? ", delivered " : "",
		    ru->u->login == DB_LOGIN_ACTOR ? d : "",
		    ru->u->login == DB_LOGIN_ACTOR ? " to the actor's own client" : "");
	for (i = 0; i < ru->nf; i++) {
		const struct finding *f = &ru->f[i];

		text_printf("   [%s] %s, %" PRId64 " points, %s to %s%s%s\n",
			    severity(f->score), f->rule, f->score,
			    tp_format_local(f->first_ns / NSEC_PER_SEC, c, sizeof(c)),
			    tp_format_local(f->last_ns / NSEC_PER_SEC, d, sizeof(d)),
			    f->dataset ? ", dataset " : "", f->dataset ? f->dataset : "");
		text_printf("      %s\n", f->reason);
		print_evidence(r, f);
	}
	text_printf("\n");
}

/* Where to look next: commands for the kinds of people listed. */
static void print_more(struct report *r)
{
	int users = 0, actors = 0;
	size_t i;

	for (i = 0; i < r->nusers; i++) {
		if (!r->users[i].findings && !r->users[i].bytes)
			continue;
		if (r->users[i].login == DB_LOGIN_ACTOR)
			actors = 1;
		else
			users = 1;
	}
	if (r->actor)
		text_printf("More: 'daudit user --actor %s' (what the actor read), 'daudit events --actor %s' (the records).\n",
			    r->actor, r->actor);
	else if (actors && !users)
		text_printf("More: 'daudit user --actor ID' (what an actor read), 'daudit events --actor ID' (the records); 'daudit users --by actor' lists the actors.\n");
	else if (actors)
		text_printf("More: 'daudit user NAME' (what one user read), 'daudit events --login-user NAME' (the records); for an actor, 'daudit user --actor ID' and 'daudit events --actor ID' ('daudit users --by actor' lists them).\n");
	else
		text_printf("More: 'daudit user NAME' (what one user read), 'daudit events --login-user NAME' (the records).\n");
}

static void print_people(struct report *r)
{
	char a[32], b[32], line[1024];
	sqlite3_stmt *st;
	size_t i, quiet = 0;
	int64_t first = qdb_meta_int(&r->q, "first_record_ns", 0);
	int64_t last = qdb_meta_int(&r->q, "last_record_ns", 0);
	int gaps = 0, rule;

	text_printf("daudit review: %s to %s (%s)\n",
		    tp_format_local(r->o.since, a, sizeof(a)),
		    tp_format_local(r->o.until, b, sizeof(b)),
		    r->o.utc ? "UTC" : "local time");
	if (first)
		text_printf("Records from %s to %s, database %s\n",
			    tp_format_local(first / NSEC_PER_SEC, a, sizeof(a)),
			    tp_format_local(last / NSEC_PER_SEC, b, sizeof(b)), r->q.path);
	else
		text_printf("The collector has stored no records yet (database %s)\n", r->q.path);
	text_printf("\n");

	st = report_gaps_stmt(&r->q, r->o.since, r->o.until);
	while (qdb_step(&r->q, st)) {
		if (!gaps++)
			text_printf("Sensor gaps:\n");
		text_printf("  ! %s\n", report_gap_text(st, line, sizeof(line)));
	}
	sqlite3_finalize(st);
	if (!gaps)
		text_printf("Sensor gaps: none; every record the module wrote in this period was stored.\n");
	text_printf("\n");

	if (r->nranked)
		text_printf("%zu user%s with findings, highest risk first (risk = sum of the findings' points):\n\n",
			    r->nranked, r->nranked == 1 ? "" : "s");
	else
		text_printf("No findings in this period%s%s.\n\n",
			    r->actor ? " for actor " : "", r->actor ? r->actor : "");
	for (i = 0; i < r->nranked; i++)
		print_user(r, i + 1, &r->ranked[i]);

	for (i = 0; i < r->nusers; i++) {
		struct quser *u = &r->users[i];
		char label[300];

		if (u->findings || !u->bytes || u->login == DB_LOGIN_ACTOR)
			continue;
		text_printf("%s%s (%s)", quiet++ ? ", " : "Users who read protected data without findings: ",
			    qdb_person_label(&r->q, u->uid, u->login, label, sizeof(label)),
			    table_human_bytes(u->bytes, a, sizeof(a)));
	}
	if (quiet)
		text_printf("\n\n");
	quiet_actors(r);

	if (r->rules_seen | r->rules_seen_actor) {
		text_printf("What the findings mean:\n");
		for (rule = 0; rule < RULE_MAX; rule++) {
			unsigned int bit = 1U << rule;
			const char *as = rule_summary(rule, DB_LOGIN_ACTOR);

			if (r->rules_seen & bit)
				text_printf("  %-18s %s\n", rule_info[rule].name,
					    rule_info[rule].summary);
			/* For an actor, unless the same words say it. */
			if ((r->rules_seen_actor & bit) &&
			    (!(r->rules_seen & bit) || as != rule_info[rule].summary))
				text_printf("  %-18s %s%s\n",
					    r->rules_seen & bit ? "" : rule_info[rule].name,
					    as != rule_info[rule].summary ? "for an actor: " : "", as);
		}
		text_printf("\n");
	}
	print_more(r);
}

/* ------------------------------------------------------------------ */
/* Machines                                                            */
/* ------------------------------------------------------------------ */

static json_object *jtime(int64_t ns)
{
	char buf[32];

	return json_object_new_string(tp_format_utc(ns / NSEC_PER_SEC, buf, sizeof(buf)));
}

static json_object *evidence_json(struct report *r, const struct finding *f)
{
	sqlite3_stmt *st = qdb_prepare(&r->q,
		"SELECT event_id, time_ns, type, uid, auid, sessionid, tgid, exe,"
		" comm, dataset, path, dest, bytes, cmdline FROM evidence WHERE"
		" finding_id = ?1 ORDER BY time_ns, event_id");
	json_object *arr = json_object_new_array();

	sqlite3_bind_int64(st, 1, f->id);
	while (qdb_step(&r->q, st)) {
		json_object *o = json_object_new_object();
		static const char *const names[] = {
			"event_id", "time", "type", "uid", "auid", "sessionid",
			"pid", "exe", "comm", "dataset", "path", "dest", "bytes",
			"cmdline",
		};
		int i;

		for (i = 0; i < 14; i++) {
			json_object *v = NULL;

			if (sqlite3_column_type(st, i) == SQLITE_NULL)
				v = NULL;
			else if (i == 1)
				v = jtime(sqlite3_column_int64(st, i));
			else if (i == 2)
				v = json_object_new_string(rec_type_name(
					(unsigned int)sqlite3_column_int(st, i)));
			else if (sqlite3_column_type(st, i) == SQLITE_TEXT)
				v = table_json_string((const char *)sqlite3_column_text(st, i));
			else
				v = json_object_new_int64(sqlite3_column_int64(st, i));
			json_object_object_add(o, names[i], v);
		}
		json_object_array_add(arr, o);
	}
	sqlite3_finalize(st);
	return arr;
}

static json_object *finding_json(struct report *r, const struct finding *f)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "rule", json_object_new_string(f->rule));
	json_object_object_add(o, "severity", json_object_new_string(severity(f->score)));
	json_object_object_add(o, "score", json_object_new_int64(f->score));
	json_object_object_add(o, "dataset", table_json_string(f->dataset));
	json_object_object_add(o, "first", jtime(f->first_ns));
	json_object_object_add(o, "last", jtime(f->last_ns));
	json_object_object_add(o, "bytes", json_object_new_int64(f->bytes));
	json_object_object_add(o, "count", json_object_new_int64(f->count));
	json_object_object_add(o, "reason", table_json_string(f->reason));
	json_object_object_add(o, "evidence", evidence_json(r, f));
	return o;
}

static void add_user_fields(struct report *r, json_object *o,
			    const struct quser *u)
{
	json_object_object_add(o, "user", table_json_string(
				       qdb_person_name(&r->q, u->uid, u->login)));
	json_object_object_add(o, "uid", json_object_new_int64(u->uid));
	json_object_object_add(o, "login", json_object_new_boolean(u->login == 1));
	if (u->login == DB_LOGIN_ACTOR) {
		const struct qactor *a = qdb_actor(&r->q, u->uid);
		char acct[300];

		json_object_object_add(o, "actor", json_object_new_boolean(1));
		json_object_object_add(o, "account", table_json_string(
			qdb_account_label(&r->q, u->uid, u->login, acct, sizeof(acct))));
		json_object_object_add(o, "app", table_json_string(a ? a->app_exe : NULL));
	}
	json_object_object_add(o, "risk", json_object_new_int64((int64_t)u->risk));
	json_object_object_add(o, "bytes", json_object_new_int64((int64_t)u->bytes));
	json_object_object_add(o, "files", json_object_new_int64((int64_t)u->files));
	json_object_object_add(o, "egress", json_object_new_int64((int64_t)u->egress));
	json_object_object_add(o, "delivered", json_object_new_int64((int64_t)u->delivered));
}

static void print_json(struct report *r)
{
	json_object *o = json_object_new_object(), *users, *gaps, *quiet;
	char line[1024];
	sqlite3_stmt *st;
	size_t i, j;

	json_object_object_add(o, "since", jtime(r->o.since * NSEC_PER_SEC));
	json_object_object_add(o, "until", jtime(r->o.until * NSEC_PER_SEC));
	json_object_object_add(o, "database", table_json_string(r->q.path));
	if (r->actor)
		json_object_object_add(o, "actor", table_json_string(r->actor));
	gaps = json_object_new_array();
	st = report_gaps_stmt(&r->q, r->o.since, r->o.until);
	while (qdb_step(&r->q, st)) {
		json_object *g = json_object_new_object();

		json_object_object_add(g, "kind", json_object_new_string(
					       (const char *)sqlite3_column_text(st, 0)));
		json_object_object_add(g, "cpu", json_object_new_int(sqlite3_column_int(st, 1)));
		json_object_object_add(g, "count", json_object_new_int64(sqlite3_column_int64(st, 2)));
		json_object_object_add(g, "first_seq", json_object_new_int64(sqlite3_column_int64(st, 3)));
		json_object_object_add(g, "last_seq", json_object_new_int64(sqlite3_column_int64(st, 4)));
		json_object_object_add(g, "from", sqlite3_column_int64(st, 5) ?
				       jtime(sqlite3_column_int64(st, 5)) : NULL);
		json_object_object_add(g, "to", jtime(sqlite3_column_int64(st, 6)));
		json_object_object_add(g, "text", json_object_new_string(report_gap_text(st, line, sizeof(line))));
		json_object_array_add(gaps, g);
	}
	sqlite3_finalize(st);
	json_object_object_add(o, "gaps", gaps);
	users = json_object_new_array();
	for (i = 0; i < r->nranked; i++) {
		json_object *u = json_object_new_object(), *fs = json_object_new_array();

		json_object_object_add(u, "rank", json_object_new_int64((int64_t)i + 1));
		add_user_fields(r, u, r->ranked[i].u);
		for (j = 0; j < r->ranked[i].nf; j++)
			json_object_array_add(fs, finding_json(r, &r->ranked[i].f[j]));
		json_object_object_add(u, "findings", fs);
		json_object_array_add(users, u);
	}
	json_object_object_add(o, "users", users);
	quiet = json_object_new_array();
	for (i = 0; i < r->nusers; i++) {
		json_object *u;

		if (r->users[i].findings || !r->users[i].bytes)
			continue;
		u = json_object_new_object();
		add_user_fields(r, u, &r->users[i]);
		json_object_array_add(quiet, u);
	}
	json_object_object_add(o, "users_without_findings", quiet);
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
			JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

static const struct table_col csv_cols[] = {
	{ "rank", TCOL_INT }, { "user", TCOL_STR }, { "uid", TCOL_INT },
	{ "login", TCOL_STR }, { "risk", TCOL_INT }, { "rule", TCOL_STR },
	{ "severity", TCOL_STR }, { "score", TCOL_INT }, { "dataset", TCOL_STR },
	{ "first", TCOL_TIME }, { "last", TCOL_TIME }, { "bytes", TCOL_INT },
	{ "count", TCOL_INT }, { "reason", TCOL_STR },
};

static void print_csv(struct report *r)
{
	struct table *t = table_new(FORMAT_CSV, csv_cols, 14);
	size_t i, j;

	for (i = 0; i < r->nranked; i++)
		for (j = 0; j < r->ranked[i].nf; j++) {
			const struct ruser *ru = &r->ranked[i];
			const struct finding *f = &ru->f[j];

			table_u64(t, i + 1);
			table_str(t, qdb_person_name(&r->q, ru->u->uid, ru->u->login));
			table_u64(t, ru->u->uid);
			table_str(t, ru->u->login == DB_LOGIN_ACTOR ? "actor" :
				  ru->u->login ? "yes" : "no");
			table_u64(t, ru->u->risk);
			table_str(t, f->rule);
			table_str(t, severity(f->score));
			table_int(t, f->score);
			table_str(t, f->dataset);
			table_int(t, f->first_ns / NSEC_PER_SEC);
			table_int(t, f->last_ns / NSEC_PER_SEC);
			table_int(t, f->bytes);
			table_int(t, f->count);
			table_str(t, f->reason);
		}
	table_print(t, stdout);
	table_free(t);
}

/* -o FILE: stdout goes there, mode 0600 (it names people and files). */
static void to_file(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0)
		util_die(EXIT_FAIL, "report: cannot write %s: %s", path, strerror(errno));
	fflush(stdout);
	if (dup2(fd, STDOUT_FILENO) < 0)
		util_die(EXIT_FAIL, "report: %s: %s", path, strerror(errno));
	close(fd);
}

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		QOPTS_LONG,
		{ "evidence", required_argument, NULL, 'e' },
		{ "actor", required_argument, NULL, 'a' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct report r;
	const char *output = NULL;
	int c, html = 0;
	char *end;

	memset(&r, 0, sizeof(r));
	qopts_init(&r.o);
	r.evidence = 5;
	optind = 0;
	while ((c = getopt_long(argc, argv, "e:a:f:o:h", opts, NULL)) != -1) {
		/* html is this verb's alone: the others' --format is for tables. */
		html = c == 'f' ? !strcmp(optarg, "html") : html;
		if (c == 'f' && html)
			continue;
		if (qopts_option(&r.o, c, optarg, "report"))
			continue;
		switch (c) {
		case 'e':
			r.evidence = strtoul(optarg, &end, 10);
			if (!*optarg || *end || optarg[0] == '-')
				util_die(EXIT_USAGE, "report: --evidence must be a number, not '%s'",
					 optarg);
			break;
		case 'a':
			r.actor = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc)
		util_die(EXIT_USAGE, "report: unexpected argument '%s'", argv[optind]);
	qopts_finish(&r.o, "report", 86400);
	if (html && r.o.store)
		util_die(EXIT_USAGE, "report: --format html: --store is not there yet");
	if (html && r.actor)
		util_die(EXIT_USAGE, "report: --format html: --actor is not there yet");
	if (html && !output && isatty(STDOUT_FILENO))
		util_die(EXIT_USAGE, "report: --format html writes a page for a browser, not for a terminal: give -o FILE, or redirect");
	if (output)
		to_file(output);
	if (html)
		return report_html(&r.o, stdout) ?
		       (util_err("report: writing %s failed", output ? output : "stdout"), EXIT_FAIL) : 0;
	if (r.o.store)
		return report_fleet(&r.o, r.actor);
	qopts_open(&r.o, &r.q);
	if (r.actor)
		r.actor = qdb_need_actor(&r.q, r.actor, "report");
	collect(&r);
	if (r.o.format == FORMAT_JSON)
		print_json(&r);
	else if (r.o.format == FORMAT_CSV)
		print_csv(&r);
	else
		print_people(&r);
	free_report(&r);
	qdb_close(&r.q);
	return 0;
}
