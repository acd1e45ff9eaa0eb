// SPDX-License-Identifier: GPL-2.0
/*
 * daudit incident: the findings of one person that overlap in time, as
 * one incident to review (lib/incident.h), and its triage: list, show,
 * ack, dismiss, confirm, reopen, note, suppress, suppressions,
 * unsuppress.  This file lists and shows them and dispatches; the
 * verbs that write are in incident_triage.c, the loading and grouping
 * they share in incident_load.c.
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

/* As the SIEM names the finding (docs/siem.md). */
static const char *finding_id(uint64_t instance, int64_t id, char *buf,
			      size_t len)
{
	snprintf(buf, len, "%016" PRIx64 "-finding-%" PRId64, instance, id);
	return buf;
}

/* ------------------------------------------------------------------ */
/* list                                                                */
/* ------------------------------------------------------------------ */

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
	table_str(t, incident_person(in, g, who, sizeof(who)));
	table_int(t, g->first_ns / NSEC_PER_SEC);
	table_int(t, g->last_ns / NSEC_PER_SEC);
	table_u64(t, g->n);
	table_str(t, incident_rules(in, g, rules, sizeof(rules)));
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

		if (!incident_listed(in, g))
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

static void tl_print(struct incidents *in, const struct tl_line *l, void *arg)
{
	char t[32], b[32];
	const char *verb = l->type == DAUDIT_REC_EGRESS ? "sent" :
			   l->type == DAUDIT_REC_ALERT ? "alert:" : "read";
	char who[8192];

	(void)arg;
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

static void print_timeline(struct incidents *in, const struct inc_group *g)
{
	int64_t records;

	text_printf("Timeline (each record once; the rules that cite it in brackets; the command line, with the executable, where the module recorded it):\n");
	records = incident_timeline(in, g, tl_print, NULL);
	if (!records)
		text_printf("  (no evidence kept)\n");
	text_printf("  %" PRId64 " record%s of evidence.\n", records, records == 1 ? "" : "s");
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
	char *ids = incident_ids_json(in, g);
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
		    incident_person(in, g, who, sizeof(who)));
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
	char id[64], fid[64], *ids = incident_ids_json(in, g);
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
	st = incident_timeline_stmt(in, ids);
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
	incident_close(&in);
	return rc;
}
