// SPDX-License-Identifier: GPL-2.0
/*
 * daudit report --format html: the review as one self-contained page
 * for a person to read, on screen or on paper.  No script, no network:
 * inline CSS, inline SVG, and a Content-Security-Policy that forbids
 * everything else, so a page mailed around cannot call home.
 *
 *   1. the incidents of the period, highest score first (incident_load.c,
 *      the ones 'daudit incident list' shows)
 *   2. per person with an incident: daily bytes read against their own
 *      baseline band (the volume_spike rule's numbers, lib/baseline.h),
 *      an hour-of-day by weekday heat map, the datasets read and where
 *      data went (egress destinations)
 *   3. each incident's findings and timeline, drawn and listed
 *
 * Every name in the page went through html_fprintf() (lib/html.h): the
 * audited choose file names, and a page that ran their <script> or let
 * a right-to-left override reorder its lines would serve them.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "baseline.h"
#include "commands.h"
#include "html.h"
#include "incident_verb.h"
#include "query.h"
#include "record.h"
#include "report.h"
#include "ruleinfo.h"
#include "table.h"
#include "timeparse.h"
#include "util.h"

/* At most this many people and incident timelines drawn; the rest listed. */
#define HTML_MAX_DRAWN	20
/* Days of the daily chart at most (the period's, and the baseline's before). */
#define HTML_MAX_DAYS	62
#define SVG_W		760

/* Bytes sent by one person to one destination in the period. */
struct egress_dest {
	uint32_t uid;
	int login;
	char *dest;
	int64_t bytes, records, last_ns;
	int delivered;			/* an actor's to its own client */
};

struct page {
	struct incidents in;
	struct egress_dest *egress;	/* by person, then bytes */
	size_t negress;
	FILE *f;
	struct quser *users;
	size_t nusers;
	size_t *shown;			/* indexes into in.g, listed, in order */
	size_t nshown;
	struct tp_cache tc;
};

#define P(...) html_fprintf(pg->f, __VA_ARGS__)

static const char *html_hb(uint64_t n, char *buf, size_t len)
{
	return table_human_bytes(n, buf, len);
}

static const char *html_when(int64_t ns, char *buf, size_t len)
{
	return tp_format_local(ns / NSEC_PER_SEC, buf, len);
}

static const char html_css[] =
	":root{--ink:#111;--mute:#555;--line:#bbb;--band:#cfe0f3;--bar:#6b7a8f;"
	"--hot:#b3261e;--read:#2b6cb0;--sent:#b3261e;--alert:#c77700}"
	"body{font:14px/1.4 system-ui,'DejaVu Sans',sans-serif;color:var(--ink);"
	"max-width:1100px;margin:1.5em auto;padding:0 1em;background:#fff}"
	"h1{font-size:1.6em;margin:0 0 .2em}h2{border-bottom:2px solid var(--ink);"
	"margin-top:1.6em;font-size:1.3em}h3{margin:1.2em 0 .3em;font-size:1.1em}"
	"table{border-collapse:collapse;margin:.4em 0 .8em;width:100%}"
	"th,td{border-bottom:1px solid var(--line);padding:.2em .5em;text-align:left;"
	"vertical-align:top}th{background:#eee}td.who{min-width:10em}td.n,th.n{text-align:right;"
	"white-space:nowrap}td.t{white-space:nowrap}.path{overflow-wrap:anywhere}"
	".score{font-weight:700;font-size:1.2em}.high{color:var(--hot)}"
	".mute{color:var(--mute)}.gap{color:var(--hot);font-weight:600}"
	".sev{display:inline-block;padding:0 .4em;border:1px solid currentColor;"
	"border-radius:3px;font-size:.85em}figure{margin:.5em 0}"
	"figcaption{color:var(--mute);font-size:.9em}svg text{font:11px sans-serif;"
	"fill:var(--ink)}.two{display:flex;gap:1.5em;flex-wrap:wrap}"
	".two>div{flex:1 1 320px}section.person,section.incident{"
	"border-top:1px solid var(--line);padding-top:.3em}"
	"@page{size:A4;margin:12mm}"
	"@media print{body{font-size:10pt;margin:0;max-width:none}"
	"figure,tr,.findings li{break-inside:avoid}"
	"section.person,section.incident{break-before:page}"
	"h2,h3{break-after:avoid}a{color:inherit;text-decoration:none}}";

/* ------------------------------------------------------------------ */
/* Head and incidents                                                  */
/* ------------------------------------------------------------------ */

static void html_head(struct page *pg)
{
	struct qdb *q = &pg->in.q;
	int64_t first = qdb_meta_int(q, "first_record_ns", 0);
	int64_t last = qdb_meta_int(q, "last_record_ns", 0);
	char a[32], b[32], line[1024];
	sqlite3_stmt *st;
	int gaps = 0;

	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
	      "'none'; style-src 'unsafe-inline'\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width\">\n", pg->f);
	P("<title>daudit review %s to %s</title>\n",
	  tp_format_local(pg->in.o.since, a, sizeof(a)),
	  tp_format_local(pg->in.o.until, b, sizeof(b)));
	fprintf(pg->f, "<style>%s</style></head><body>\n", html_css);
	P("<h1>daudit review</h1>\n<p>%s to %s (%s). ",
	  tp_format_local(pg->in.o.since, a, sizeof(a)),
	  tp_format_local(pg->in.o.until, b, sizeof(b)),
	  pg->in.o.utc ? "UTC" : "local time");
	if (first)
		P("Records from %s to %s, database <span class=\"path\">%s</span>.</p>\n",
		  html_when(first, a, sizeof(a)), html_when(last, b, sizeof(b)), q->path);
	else
		P("The collector has stored no records yet (database %s).</p>\n", q->path);
	st = report_gaps_stmt(q, pg->in.o.since, pg->in.o.until);
	while (qdb_step(q, st)) {
		if (!gaps++)
			fputs("<p class=\"gap\">Sensor gaps:</p><ul>\n", pg->f);
		P("<li class=\"gap\">%s</li>\n", report_gap_text(st, line, sizeof(line)));
	}
	sqlite3_finalize(st);
	fputs(gaps ? "</ul>\n" : "<p>Sensor gaps: none; every record the module "
	      "wrote in this period was stored.</p>\n", pg->f);
}

/* The listed incidents: not suppressed first, each by score. */
static void html_pick(struct page *pg)
{
	size_t i, pass;

	pg->shown = util_xcalloc(pg->in.ng ? pg->in.ng : 1, sizeof(*pg->shown));
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < pg->in.ng; i++)
			if (incident_listed(&pg->in, &pg->in.g[i]) &&
			    !pg->in.g[i].suppressed == !pass)
				pg->shown[pg->nshown++] = i;
}

static void html_incidents_table(struct page *pg)
{
	char id[64], who[400], rules[256], a[32], b[32];
	size_t k;

	fputs("<h2 id=\"incidents\">Incidents, highest score first</h2>\n", pg->f);
	if (!pg->nshown) {
		fputs("<p>No incidents in this period.</p>\n", pg->f);
		return;
	}
	fputs("<p class=\"mute\">An incident is the findings of one person that "
	      "overlap in time or come within an hour of each other. Score 0-100: "
	      "each rule once, 100 &times; (1 &minus; &prod;(1 &minus; points/100)).</p>\n"
	      "<table><tr><th class=\"n\">#</th><th class=\"n\">Score</th><th>Person</th>"
	      "<th>State</th><th>From</th><th>To</th><th class=\"n\">Findings</th>"
	      "<th>Rules</th><th>Incident</th></tr>\n", pg->f);
	for (k = 0; k < pg->nshown; k++) {
		const struct inc_group *g = &pg->in.g[pg->shown[k]];
		char sup[48] = "";

		if (g->suppressed)
			snprintf(sup, sizeof(sup), ", suppressed #%d", g->suppressed);
		P("<tr class=\"inc\"><td class=\"n\">%zu</td><td class=\"n score %s\">%d "
		  "<span class=\"sev\">%s</span></td><td class=\"who\">%s</td><td>%s%s</td>"
		  "<td class=\"t\">%s</td><td class=\"t\">%s</td><td class=\"n\">%zu</td>"
		  "<td>%s</td><td><a href=\"#i%zu\">%s</a></td></tr>\n",
		  k + 1, inc_severity(g->score), g->score, inc_severity(g->score),
		  incident_person(&pg->in, g, who, sizeof(who)),
		  inc_state_name(g->state), sup,
		  html_when(g->first_ns, a, sizeof(a)), html_when(g->last_ns, b, sizeof(b)),
		  g->n, incident_rules(&pg->in, g, rules, sizeof(rules)), k + 1,
		  incident_name(&pg->in, g, id, sizeof(id)));
	}
	fputs("</table>\n", pg->f);
}

/* ------------------------------------------------------------------ */
/* People                                                              */
/* ------------------------------------------------------------------ */

static const struct quser *html_find_user(struct page *pg, uint32_t uid, int login)
{
	size_t i;

	for (i = 0; i < pg->nusers; i++)
		if (pg->users[i].uid == uid && pg->users[i].login == login)
			return &pg->users[i];
	return NULL;
}

/* Local day starts: day[0] is @back days before the chart's first. */
static size_t html_chart_days(struct page *pg, int back, int64_t **days)
{
	int64_t hour, first, last, d;
	size_t n = 0;

	tp_bucket(&pg->tc, pg->in.o.since, &hour, &first);
	tp_bucket(&pg->tc, pg->in.o.until - 1, &hour, &last);
	if (tp_day_add(first, HTML_MAX_DAYS - 1) < last)
		first = tp_day_add(last, -(HTML_MAX_DAYS - 1));
	/* A short period is shown with the baseline's days before it. */
	first = tp_day_add(first, -BASELINE_DAYS);
	*days = util_xcalloc(HTML_MAX_DAYS + BASELINE_DAYS * 2 + 2, sizeof(**days));
	for (d = tp_day_add(first, -back); d <= last; d = tp_day_add(d, 1))
		(*days)[n++] = d;
	return n;
}

/* Newton's method: daudit links no libm for one square root. */
static double html_sqroot(double x)
{
	double r = 1, prev = 0;
	int i;

	for (i = 0; i < 60 && r != prev && x > 0; i++) {
		prev = r;
		r = (r + x / r) / 2;
	}
	return x > 0 ? r : 0;
}

/* Height of @v on a square-root scale topped by @top: a spike and the
 * ordinary days under it both show. */
static double html_ys(double v, double top, double h)
{
	return h * html_sqroot(v / top);
}

static void html_daily_chart(struct page *pg, const struct inc_group *g)
{
	sqlite3_stmt *st = qdb_prepare(&pg->in.q,
		"SELECT bucket, SUM(bytes) FROM rollup WHERE period = 86400 AND"
		" user_uid = ?1 AND login = ?2 AND bucket >= ?3 AND bucket < ?4"
		" GROUP BY bucket");
	int64_t *days, since_day, hour;
	size_t nd = html_chart_days(pg, BASELINE_DAYS, &days), n = nd - BASELINE_DAYS, i, j;
	uint64_t *v = util_xcalloc(nd, sizeof(*v));
	double *thr = util_xcalloc(n, sizeof(*thr)), *mean = util_xcalloc(n, sizeof(*mean));
	double top = 1, x0 = 60, w = (SVG_W - x0 - 10) / (double)n, y0 = 170, h = 150;
	char a[32], b[32];
	int over = 0;

	sqlite3_bind_int64(st, 1, g->user_uid);
	sqlite3_bind_int(st, 2, g->login);
	sqlite3_bind_int64(st, 3, days[0]);
	sqlite3_bind_int64(st, 4, tp_day_add(days[nd - 1], 1));
	/*
	 * Buckets are the collector's local days: into the day shown that
	 * holds the bucket's start (the same day unless --utc differs).
	 */
	while (qdb_step(&pg->in.q, st))
		for (j = nd; j-- > 0;)
			if (days[j] <= sqlite3_column_int64(st, 0)) {
				v[j] += (uint64_t)sqlite3_column_int64(st, 1);
				break;
			}
	sqlite3_finalize(st);
	for (i = 0; i < n; i++) {
		struct baseline bl;

		baseline_of(v + i, BASELINE_DAYS, BASELINE_MIN_ACTIVE, &bl);
		thr[i] = -1;
		if (bl.ok) {
			thr[i] = bl.mean + BASELINE_STDDEVS * bl.sd;
			if (BASELINE_P95_FACTOR * bl.p95 > thr[i])
				thr[i] = BASELINE_P95_FACTOR * bl.p95;
			mean[i] = bl.mean;
		}
		if ((double)v[i + BASELINE_DAYS] > top)
			top = (double)v[i + BASELINE_DAYS];
		if (thr[i] > top)
			top = thr[i];
	}
	tp_bucket(&pg->tc, pg->in.o.since, &hour, &since_day);
	fprintf(pg->f, "<figure><svg class=\"daily\" width=\"%d\" height=\"200\" "
		"viewBox=\"0 0 %d 200\" role=\"img\" aria-label=\"daily bytes read\">\n",
		SVG_W, SVG_W);
	for (i = 0; i < n; i++) {
		double x = x0 + i * w;
		int64_t d = days[i + BASELINE_DAYS];

		if (d >= since_day && d < pg->in.o.until)
			fprintf(pg->f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
				"height=\"%.1f\" fill=\"#f3efe2\"/>\n", x, y0 - h, w, h);
		if (thr[i] >= 0)
			fprintf(pg->f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
				"height=\"%.1f\" fill=\"var(--band)\"/>\n<line x1=\"%.1f\" "
				"x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"var(--read)\" "
				"stroke-dasharray=\"3 2\"/>\n", x, y0 - html_ys(thr[i], top, h), w,
				html_ys(thr[i], top, h), x, x + w, y0 - html_ys(mean[i], top, h),
				y0 - html_ys(mean[i], top, h));
	}
	for (i = 0; i < n; i++) {
		uint64_t val = v[i + BASELINE_DAYS];
		int hot = thr[i] >= 0 && (double)val > thr[i];
		double bh = html_ys((double)val, top, h);

		over += hot;
		if (!val)
			continue;
		P("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
		  "fill=\"var(--%s)\"><title>%s: %s%s</title></rect>\n",
		  x0 + i * w + w * 0.15, y0 - (bh < 1 ? 1 : bh), w * 0.7, bh < 1 ? 1 : bh,
		  hot ? "hot" : "bar", tp_format_local(days[i + BASELINE_DAYS], a, sizeof(a)),
		  html_hb(val, b, sizeof(b)), hot ? ", above the baseline band" : "");
	}
	P("<line x1=\"%.0f\" x2=\"%d\" y1=\"%.0f\" y2=\"%.0f\" stroke=\"#000\"/>"
	  "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\">0</text>\n",
	  x0, SVG_W - 10, y0, y0, x0 - 4, y0);
	for (i = 1; i <= 16; i *= 4)
		P("<line x1=\"%.0f\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ccc\" "
		  "stroke-dasharray=\"1 3\"/><text x=\"%.0f\" y=\"%.1f\" "
		  "text-anchor=\"end\">%s</text>\n", x0, SVG_W - 10, y0 - h / (i == 1 ? 1 : i == 4 ? 2 : 4),
		  y0 - h / (i == 1 ? 1 : i == 4 ? 2 : 4), x0 - 4, y0 - h / (i == 1 ? 1 : i == 4 ? 2 : 4) + 4,
		  html_hb((uint64_t)(top / (double)i), a, sizeof(a)));
	for (i = 0; i < n; i += n > 31 ? 7 : n > 14 ? 3 : 1) {
		tp_format_local(days[i + BASELINE_DAYS], a, sizeof(a));
		a[10] = 0;
		P("<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">%s</text>\n",
		  x0 + i * w + w / 2, y0 + 14, a + 5);
	}
	fputs("</svg><figcaption>Bytes read per local day (bars, square-root scale; red above the "
	      "band), against this person's own baseline: the shaded band reaches "
	      "the volume_spike threshold, max(mean + 4 sd, 3 &times; p95) of the 14 "
	      "days before (default thresholds), the dashed line is the mean; the "
	      "report's period is on a cream background.", pg->f);
	if (over)
		html_fprintf(pg->f, " %d day%s above the band.", over, over == 1 ? "" : "s");
	fputs("</figcaption></figure>\n", pg->f);
	free(days);
	free(v);
	free(thr);
	free(mean);
}

static void html_heat_map(struct page *pg, const struct inc_group *g)
{
	static const char *const wd[7] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
	sqlite3_stmt *st = qdb_prepare(&pg->in.q,
		"SELECT bucket, SUM(bytes) FROM rollup WHERE period = 3600 AND"
		" user_uid = ?1 AND login = ?2 AND bucket >= ?3 AND bucket < ?4"
		" GROUP BY bucket");
	uint64_t cell[7][24], top = 0;
	int64_t *days;
	char a[32], b[32], c[32];
	int d, hr;

	html_chart_days(pg, 0, &days);
	memset(cell, 0, sizeof(cell));
	sqlite3_bind_int64(st, 1, g->user_uid);
	sqlite3_bind_int(st, 2, g->login);
	sqlite3_bind_int64(st, 3, days[0]);
	sqlite3_bind_int64(st, 4, pg->in.o.until);
	while (qdb_step(&pg->in.q, st)) {
		time_t t = (time_t)sqlite3_column_int64(st, 0);
		struct tm tm;

		localtime_r(&t, &tm);
		cell[(tm.tm_wday + 6) % 7][tm.tm_hour] += (uint64_t)sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	for (d = 0; d < 7; d++)
		for (hr = 0; hr < 24; hr++)
			if (cell[d][hr] > top)
				top = cell[d][hr];
	fputs("<figure><svg class=\"heat\" width=\"560\" height=\"160\" "
	      "viewBox=\"0 0 560 160\" role=\"img\" aria-label=\"hour by weekday\">\n", pg->f);
	for (d = 0; d < 7; d++) {
		P("<text x=\"30\" y=\"%d\" text-anchor=\"end\">%s</text>\n", 14 + d * 18, wd[d]);
		for (hr = 0; hr < 24; hr++) {
			/* Square root: an evening's gigabyte and a morning's megabytes both show. */
			int level = cell[d][hr] ? 40 + (int)(215 * html_sqroot(
				(double)cell[d][hr] / (double)top)) : 0;

			P("<rect x=\"%d\" y=\"%d\" width=\"20\" height=\"16\" fill=\"rgb(%d,%d,%d)\" "
			  "stroke=\"#ddd\"><title>%s %02d:00: %s</title></rect>\n",
			  36 + hr * 21, 2 + d * 18, 255 - level, 255 - level * 3 / 4,
			  255 - level / 3, wd[d], hr, html_hb(cell[d][hr], a, sizeof(a)));
		}
	}
	for (hr = 0; hr < 24; hr += 3)
		fprintf(pg->f, "<text x=\"%d\" y=\"144\" text-anchor=\"middle\">%02d</text>\n",
			46 + hr * 21, hr);
	P("</svg><figcaption>Bytes read by hour of day and weekday (%s), %s to %s, "
	  "summed; the darkest cell is %s.</figcaption></figure>\n",
	  pg->in.o.utc ? "UTC" : "local time", tp_format_local(days[0], a, sizeof(a)),
	  tp_format_local(pg->in.o.until, b, sizeof(b)), html_hb(top, c, sizeof(c)));
	free(days);
}

/*
 * Where each person's data went in the period, from the raw records:
 * one pass over the period's records for everybody (the events table
 * has no index by user), each person's destinations by bytes.
 */
static void html_load_egress(struct page *pg)
{
	sqlite3_stmt *st = qdb_prepare(&pg->in.q,
		"SELECT user_uid, login, dest, SUM(bytes), COUNT(*), MAX(time_ns),"
		/*
		 * An actor's answers to the client it was declared with are
		 * delivered, not egress: actor_delivery() of dauditd's
		 * event.h, the same address and port, or any port when the
		 * client was declared without one.
		 */
		" MAX(login = " DB_LOGIN_ACTOR_SQL " AND IFNULL(client, '') != '' AND"
		"  substr(dest, 1, length(client) + 1) = client ||"
		"  CASE WHEN instr(client, CASE WHEN substr(client, 1, 1) = '['"
		"   THEN ']:' ELSE ':' END) > 0 THEN '/' ELSE ':' END)"
		" FROM events WHERE type = ?3 AND time_ns >= ?1 AND time_ns < ?2"
		" AND user_uid IS NOT NULL GROUP BY user_uid, login, dest"
		" ORDER BY 1, 2, 7, 4 DESC, 3");
	size_t cap = 0;

	sqlite3_bind_int64(st, 1, pg->in.o.since * NSEC_PER_SEC);
	sqlite3_bind_int64(st, 2, pg->in.o.until * NSEC_PER_SEC);
	sqlite3_bind_int(st, 3, DAUDIT_REC_EGRESS);
	while (qdb_step(&pg->in.q, st)) {
		struct egress_dest *d;
		const char *dest = (const char *)sqlite3_column_text(st, 2);

		if (pg->negress == cap) {
			cap = cap ? 2 * cap : 64;
			pg->egress = util_xrealloc(pg->egress, cap * sizeof(*pg->egress));
		}
		d = &pg->egress[pg->negress++];
		d->uid = (uint32_t)sqlite3_column_int64(st, 0);
		d->login = sqlite3_column_int(st, 1);
		d->dest = dest ? util_xstrdup(dest) : NULL;
		d->bytes = sqlite3_column_int64(st, 3);
		d->records = sqlite3_column_int64(st, 4);
		d->last_ns = sqlite3_column_int64(st, 5);
		d->delivered = sqlite3_column_int(st, 6);
	}
	sqlite3_finalize(st);
}

static void html_datasets_and_egress(struct page *pg, const struct inc_group *g)
{
	sqlite3_stmt *st = qdb_prepare(&pg->in.q,
		"SELECT dataset, SUM(bytes), SUM(sessions),"
		" SUM(egress_net + egress_unix + egress_file) FROM rollup"
		" WHERE period = 3600 AND user_uid = ?1 AND login = ?2 AND"
		" bucket >= ?3 AND bucket < ?4 GROUP BY dataset ORDER BY 2 DESC, 1");
	char a[32], b[32];
	size_t k;
	int n = 0;

	sqlite3_bind_int64(st, 1, g->user_uid);
	sqlite3_bind_int(st, 2, g->login);
	sqlite3_bind_int64(st, 3, q_hour_floor(pg->in.o.since));
	sqlite3_bind_int64(st, 4, pg->in.o.until);
	fputs("<div class=\"two\"><div><h4>Datasets read in the period</h4>\n", pg->f);
	while (qdb_step(&pg->in.q, st)) {
		if (!n++)
			fputs("<table><tr><th>Dataset</th><th class=\"n\">Read</th>"
			      "<th class=\"n\">Sessions</th><th class=\"n\">Egress</th></tr>\n", pg->f);
		P("<tr><td>%s</td><td class=\"n\">%s</td><td class=\"n\">%" PRId64
		  "</td><td class=\"n\">%s</td></tr>\n",
		  (const char *)sqlite3_column_text(st, 0),
		  html_hb((uint64_t)sqlite3_column_int64(st, 1), a, sizeof(a)),
		  (int64_t)sqlite3_column_int64(st, 2),
		  html_hb((uint64_t)sqlite3_column_int64(st, 3), b, sizeof(b)));
	}
	sqlite3_finalize(st);
	fputs(n ? "</table>\n" : "<p>None.</p>\n", pg->f);
	n = 0;
	fputs("</div><div><h4>Egress destinations in the period</h4>\n", pg->f);
	for (k = 0; k < pg->negress && n < 10; k++) {
		const struct egress_dest *d = &pg->egress[k];

		if (d->uid != g->user_uid || d->login != g->login)
			continue;
		if (!n++)
			fputs("<table><tr><th>Destination</th><th class=\"n\">Sent</th>"
			      "<th class=\"n\">Records</th><th>Last</th></tr>\n", pg->f);
		P("<tr><td class=\"path\">%s%s</td><td class=\"n\">%s</td><td class=\"n\">%"
		  PRId64 "</td><td class=\"t\">%s</td></tr>\n", d->dest ? d->dest : "?",
		  d->delivered ? " (the actor's own client: delivered, not egress)" : "",
		  html_hb((uint64_t)d->bytes, a, sizeof(a)), d->records,
		  html_when(d->last_ns, b, sizeof(b)));
	}
	fputs(n ? "</table>\n" : "<p>None in the raw records kept.</p>\n", pg->f);
	fputs("</div></div>\n", pg->f);
}

static void html_people(struct page *pg)
{
	size_t k, j, drawn = 0;
	char label[400], a[32], b[32];

	fputs("<h2 id=\"people\">People with incidents</h2>\n", pg->f);
	if (!pg->nshown)
		fputs("<p>None.</p>\n", pg->f);
	for (k = 0; k < pg->nshown; k++) {
		const struct inc_group *g = &pg->in.g[pg->shown[k]];
		const struct quser *u;
		int seen = 0;

		for (j = 0; j < k; j++)
			if (pg->in.g[pg->shown[j]].user_uid == g->user_uid &&
			    pg->in.g[pg->shown[j]].login == g->login)
				seen = 1;
		if (seen)
			continue;
		if (drawn++ == HTML_MAX_DRAWN) {
			fputs("<p>More people have incidents: daudit user NAME, "
			      "or a shorter period.</p>\n", pg->f);
			break;
		}
		u = html_find_user(pg, g->user_uid, g->login);
		P("<section class=\"person\"><h3>%s</h3>\n",
		  incident_person(&pg->in, g, label, sizeof(label)));
		if (u)
			P("<p>In the period: read %s from %" PRIu64 " file%s or socket%s, "
			  "egress %s; %" PRIu64 " finding%s, risk %" PRIu64 "; most read "
			  "with <span class=\"path\">%s</span>.</p>\n",
			  html_hb(u->bytes, a, sizeof(a)), u->files, u->files == 1 ? "" : "s",
			  u->files == 1 ? "" : "s", html_hb(u->egress, b, sizeof(b)),
			  u->findings, u->findings == 1 ? "" : "s", u->risk,
			  u->top_exe ? u->top_exe : "-");
		html_daily_chart(pg, g);
		html_heat_map(pg, g);
		html_datasets_and_egress(pg, g);
		fputs("</section>\n", pg->f);
	}
}

/* ------------------------------------------------------------------ */
/* Incident timelines                                                  */
/* ------------------------------------------------------------------ */

struct html_lines {
	struct tl_line *l;
	size_t n;
};

static char *html_dup_or_null(const char *s)
{
	return s ? util_xstrdup(s) : NULL;
}

static void html_keep_line(struct incidents *in, const struct tl_line *l, void *arg)
{
	struct html_lines *ls = arg;
	struct tl_line *c;

	(void)in;
	ls->l = util_xrealloc(ls->l, (ls->n + 1) * sizeof(*ls->l));
	c = &ls->l[ls->n++];
	*c = *l;
	c->exe = html_dup_or_null(l->exe);
	c->cmdline = html_dup_or_null(l->cmdline);
	c->dataset = html_dup_or_null(l->dataset);
	c->path = html_dup_or_null(l->path);
	c->dest = html_dup_or_null(l->dest);
	c->rules = html_dup_or_null(l->rules);
}

/* Reads, what was sent and alerts on one time axis, one lane each. */
static void html_timeline_svg(struct page *pg, const struct html_lines *ls)
{
	static const char *const lane[3] = { "read", "sent", "alert" };
	int64_t lo = ls->l[0].first_ns, hi = lo;
	double x0 = 50, w = SVG_W - x0 - 10;
	char a[32], b[32];
	size_t i;

	for (i = 0; i < ls->n; i++)
		if (ls->l[i].last_ns > hi)
			hi = ls->l[i].last_ns;
	if (hi == lo)
		hi = lo + NSEC_PER_SEC;
	fprintf(pg->f, "<figure><svg class=\"timeline\" width=\"%d\" height=\"96\" "
		"viewBox=\"0 0 %d 96\" role=\"img\" aria-label=\"timeline\">\n", SVG_W, SVG_W);
	for (i = 0; i < 3; i++)
		fprintf(pg->f, "<text x=\"%.0f\" y=\"%zu\" text-anchor=\"end\">%s</text>"
			"<line x1=\"%.0f\" x2=\"%d\" y1=\"%zu\" y2=\"%zu\" stroke=\"#ddd\"/>\n",
			x0 - 6, 18 + i * 22, lane[i], x0, SVG_W - 10, 14 + i * 22, 14 + i * 22);
	for (i = 0; i < ls->n; i++) {
		const struct tl_line *l = &ls->l[i];
		int k = l->type == DAUDIT_REC_EGRESS ? 1 : l->type == DAUDIT_REC_ALERT ? 2 : 0;
		double xa = x0 + w * (double)(l->first_ns - lo) / (double)(hi - lo);
		double xb = x0 + w * (double)(l->last_ns - lo) / (double)(hi - lo);

		P("<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"12\" fill=\"var(--%s)\" "
		  "opacity=\"0.8\"><title>%s %s %s%s%s</title></rect>\n",
		  xa - 2, 8 + k * 22, xb - xa + 4, lane[k], html_when(l->first_ns, a, sizeof(a)),
		  l->cmdline ? l->cmdline : l->exe ? l->exe : "?",
		  html_hb((uint64_t)l->bytes, b, sizeof(b)),
		  l->dest ? " -> " : "", l->dest ? l->dest : "");
	}
	P("<text x=\"%.0f\" y=\"86\">%s</text><text x=\"%d\" y=\"86\" "
	  "text-anchor=\"end\">%s</text>\n</svg></figure>\n", x0,
	  html_when(lo, a, sizeof(a)), SVG_W - 10, html_when(hi, b, sizeof(b)));
}

static void html_timeline_table(struct page *pg, const struct html_lines *ls)
{
	char a[32], b[32], who[8192];
	size_t i;

	fputs("<table class=\"tl\"><tr><th>Time</th><th>Program</th><th>What</th>"
	      "<th class=\"n\">Bytes</th><th>Object</th><th>Rules</th></tr>\n", pg->f);
	for (i = 0; i < ls->n; i++) {
		const struct tl_line *l = &ls->l[i];

		table_who(who, sizeof(who), l->exe, NULL, l->cmdline, l->tgid,
			  l->uid < 0 ? NULL :
			  qdb_user_name(&pg->in.q, (uint32_t)l->uid));
		P("<tr><td class=\"t\">%s</td><td class=\"path\">%s</td><td>%s",
		  html_when(l->first_ns, a, sizeof(a)), who,
		  l->type == DAUDIT_REC_EGRESS ? "sent" : l->type == DAUDIT_REC_ALERT ?
		  "alert" : "read");
		if (l->n > 1)
			P(" %" PRId64 " files, until %s", l->n, html_when(l->last_ns, b, sizeof(b)));
		if (l->dataset && l->type != DAUDIT_REC_EGRESS)
			P(" of %s", l->dataset);
		P("</td><td class=\"n\">%s</td><td class=\"path\">%s%s%s%s</td><td>%s</td></tr>\n",
		  html_hb((uint64_t)l->bytes, a, sizeof(a)), l->path ? l->path : "",
		  l->path && l->n > 1 ? ", ..." : "", l->dest ? " -> " : "",
		  l->dest ? l->dest : "", l->rules ? l->rules : "");
	}
	fputs("</table>\n", pg->f);
}

static void html_incident_section(struct page *pg, size_t rank, struct inc_group *g)
{
	char id[64], who[400], a[32], b[32];
	struct html_lines ls = { NULL, 0 };
	int64_t records;
	size_t j;

	P("<section class=\"incident\" id=\"i%zu\"><h3>%zu. %s: score <span class=\"score %s\">"
	  "%d</span> (%s), %s</h3>\n<p>State %s, %zu finding%s from %s to %s.</p>\n",
	  rank, rank, incident_person(&pg->in, g, who, sizeof(who)), inc_severity(g->score),
	  g->score, inc_severity(g->score), incident_name(&pg->in, g, id, sizeof(id)),
	  inc_state_name(g->state), g->n, g->n == 1 ? "" : "s",
	  html_when(g->first_ns, a, sizeof(a)), html_when(g->last_ns, b, sizeof(b)));
	fputs("<ul class=\"findings\">\n", pg->f);
	for (j = 0; j < g->n; j++) {
		const struct inc_finding *f;
		const struct ifinding *x = incident_member(&pg->in, g, j, &f);

		P("<li><b>%s</b>, %" PRId64 " points%s%s: %s</li>\n", x->rule, f->score,
		  x->dataset ? ", dataset " : "", x->dataset ? x->dataset : "",
		  x->reason ? x->reason : "");
	}
	fputs("</ul>\n", pg->f);
	records = incident_timeline(&pg->in, g, html_keep_line, &ls);
	if (ls.n) {
		html_timeline_svg(pg, &ls);
		html_timeline_table(pg, &ls);
	}
	P("<p class=\"mute\">%" PRId64 " record%s of evidence; each program by its "
	  "command line where the module recorded it, with its executable.</p></section>\n",
	  records, records == 1 ? "" : "s");
	for (j = 0; j < ls.n; j++) {
		free(ls.l[j].exe);
		free(ls.l[j].cmdline);
		free(ls.l[j].dataset);
		free(ls.l[j].path);
		free(ls.l[j].dest);
		free(ls.l[j].rules);
	}
	free(ls.l);
}

static void html_legend(struct page *pg)
{
	int rule;

	fputs("<h2>What the findings mean</h2>\n<table>\n", pg->f);
	for (rule = 0; rule < RULE_MAX; rule++)
		P("<tr><td><b>%s</b></td><td>%s</td></tr>\n", rule_info[rule].name,
		  rule_info[rule].summary);
	fputs("</table>\n<p class=\"mute\">Written by daudit report --format html. "
	      "More: daudit incident show ID, daudit user NAME, daudit events "
	      "--login-user NAME.</p>\n</body></html>\n", pg->f);
}

int report_html(const struct qopts *o, FILE *f)
{
	struct page pg;
	size_t k;

	memset(&pg, 0, sizeof(pg));
	pg.f = f;
	pg.in.o = *o;
	pg.in.state_filter = -1;
	tp_cache_init(&pg.tc);
	incident_open(&pg.in);
	pg.nusers = q_users(&pg.in.q, o->since, o->until, NULL, &pg.users);
	html_pick(&pg);
	html_load_egress(&pg);
	html_head(&pg);
	html_incidents_table(&pg);
	html_people(&pg);
	fputs("<h2 id=\"timelines\">Incident timelines</h2>\n", f);
	if (!pg.nshown)
		fputs("<p>None.</p>\n", f);
	for (k = 0; k < pg.nshown && k < HTML_MAX_DRAWN; k++)
		html_incident_section(&pg, k + 1, &pg.in.g[pg.shown[k]]);
	if (k < pg.nshown)
		html_fprintf(f, "<p>%zu more incidents: daudit incident show ID.</p>\n",
			     pg.nshown - k);
	html_legend(&pg);
	for (k = 0; k < pg.negress; k++)
		free(pg.egress[k].dest);
	free(pg.egress);
	free(pg.shown);
	q_users_free(pg.users, pg.nusers);
	incident_close(&pg.in);
	return fflush(f) || ferror(f) ? -1 : 0;
}
