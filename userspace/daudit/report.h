/* SPDX-License-Identifier: GPL-2.0 */
/*
 * daudit report, inside the verb: what report.c (the review as text,
 * JSON and CSV) and report_html.c (the review as one HTML page) share.
 */
#ifndef DAUDIT_REPORT_H
#define DAUDIT_REPORT_H

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>

#include "query.h"

/* The sensor's gaps whose end falls in [@since, @until) (seconds). */
sqlite3_stmt *report_gaps_stmt(struct qdb *q, int64_t since, int64_t until);
/* A row of report_gaps_stmt() as one sentence, in @buf. */
const char *report_gap_text(sqlite3_stmt *st, char *buf, size_t len);

/*
 * The review of the period @o names as one self-contained HTML page on
 * @f: incidents, each person's charts, each incident's timeline
 * (report_html.c).  0, or -1 if @f could not be written.
 */
int report_html(const struct qopts *o, FILE *f);

#endif
