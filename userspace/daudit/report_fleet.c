// SPDX-License-Identifier: GPL-2.0
/*
 * daudit report --store: the fleet review, the findings the reviewing
 * dauditd wrote into the fleet's PostgreSQL store (daudit.findings), per
 * person across every host, highest risk first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "format.h"
#include "query.h"
#include "query_pg.h"
#include "ruleinfo.h"
#include "table.h"
#include "text.h"
#include "timeparse.h"
#include "util.h"

static const char *const kinds[] = { "account without a login", "login user",
				     "actor" };

static const char *kind(int login)
{
	return kinds[login >= 0 && login <= 2 ? login : 1];
}

static const struct table_col cols[] = {
	{ "user", TCOL_STR },
	{ "kind", TCOL_STR },
	{ "risk", TCOL_INT },
	{ "rule", TCOL_STR },
	{ "score", TCOL_INT },
	{ "first", TCOL_TIME },
	{ "last", TCOL_TIME },
	{ "hosts", TCOL_INT },
	{ "count", TCOL_INT },
	{ "bytes", TCOL_INT },
	{ "by_host", TCOL_STR },
	{ "reason", TCOL_STR },
};

/* One row per finding, for machines. */
static void rows(const struct qpg_finding *f, long n, int format)
{
	struct table *t = table_new(format, cols, sizeof(cols) / sizeof(cols[0]));
	long i;

	for (i = 0; i < n; i++) {
		table_str(t, f[i].name);
		table_str(t, kind(f[i].login));
		table_u64(t, f[i].risk);
		table_str(t, f[i].rule);
		table_u64(t, f[i].score);
		table_int(t, (int64_t)(f[i].first_ns / 1000000000ULL));
		table_int(t, (int64_t)(f[i].last_ns / 1000000000ULL));
		table_u64(t, f[i].hosts);
		table_u64(t, f[i].count);
		table_u64(t, f[i].bytes);
		table_str(t, f[i].by_host);
		table_str(t, f[i].reason);
	}
	table_print(t, stdout);
	table_free(t);
}

/* For people: each person, then their findings with the hosts' part. */
static void people(const struct qopts *o, const char *actor,
		   const struct qpg_finding *f, long n)
{
	char a[32], b[32];
	long i, person = 0;
	int rule;

	text_printf("daudit fleet review: %s to %s (local time), store %s\n\n",
	       tp_format_local(o->since, a, sizeof(a)),
	       tp_format_local(o->until, b, sizeof(b)), qpg_url(o));
	if (!n) {
		text_printf("No findings over the fleet in this period%s%s.\n",
			    actor ? " for actor " : "", actor ? actor : "");
		return;
	}
	for (i = 0; i < n; i++) {
		if (!i || f[i].login != f[i - 1].login ||
		    strcmp(f[i].name, f[i - 1].name)) {
			/* Not through %s: text_printf() escapes its arguments. */
			if (i)
				text_printf("\n");
			text_printf("%ld. %s (%s): risk %llu from %llu finding%s\n",
			       ++person, f[i].name,
			       kind(f[i].login), (unsigned long long)f[i].risk,
			       (unsigned long long)f[i].findings,
			       f[i].findings == 1 ? "" : "s");
		}
		text_printf("   [%s] %s, %llu points, %s to %s, on %llu host%s\n",
		       f[i].score >= 40 ? "high" : f[i].score >= 20 ? "medium" : "low",
		       f[i].rule, (unsigned long long)f[i].score,
		       tp_format_local((int64_t)(f[i].first_ns / 1000000000ULL),
				       a, sizeof(a)),
		       tp_format_local((int64_t)(f[i].last_ns / 1000000000ULL),
				       b, sizeof(b)),
		       (unsigned long long)f[i].hosts,
		       f[i].hosts == 1 ? "" : "s");
		text_printf("      %s\n", f[i].reason);
		if (f[i].by_host)
			text_printf("      per host: %s\n", f[i].by_host);
	}
	text_printf("\nWhat the findings mean:\n");
	for (rule = 0; rule < RULE_MAX; rule++)
		for (i = 0; i < n; i++)
			if (!strcmp(f[i].rule, rule_info[rule].name)) {
				text_printf("  %-18s %s\n", rule_info[rule].name,
				       rule_summary(rule, f[i].login));
				break;
			}
	text_printf("\nPer person and host: daudit users --store URL.\n");
}

int report_fleet(const struct qopts *o, const char *actor)
{
	struct qpg_finding *f;
	char err[512];
	PGconn *c = qpg_open(o, "report");
	long n = qpg_findings(c, o->since, o->until, actor, &f, err,
			      sizeof(err));

	PQfinish(c);
	if (n < 0)
		util_die(EXIT_FAIL, "store %s: %s", qpg_url(o), err);
	if (o->format == FORMAT_TABLE)
		people(o, actor, f, n);
	else
		rows(f, n, o->format);
	qpg_findings_free(f, n);
	return 0;
}
