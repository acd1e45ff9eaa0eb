/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Rows out of every daudit verb, in the three --format modes:
 *
 *  table  aligned columns for people: upper-case headers, numbers right
 *         aligned, bytes as "12.3 MiB", times as local "2026-11-27
 *         10:00:05", a missing value as "-";
 *  csv    RFC 4180: a header row of column names, CRLF line ends, fields
 *         quoted when they hold a comma, quote, CR or LF; exact integers;
 *         times as UTC ISO 8601 ("2026-11-27T09:00:05Z"); missing empty;
 *  json   an array of objects keyed by column name; exact integers;
 *         times as UTC ISO 8601 strings; missing values null.
 *
 * Strings come from the people audited, so none reaches a terminal raw:
 * in tables they are escaped as text.h says (control characters, invalid
 * UTF-8, C1 and bidirectional controls as \xHH, not reversibly); in JSON
 * by ecs.h's lossless rule with the same characters escaped
 * (ecs_escape_shown(); C0 controls become JSON's own \u escapes).  CSV,
 * for programs, holds the exact bytes, quoted as RFC 4180 says.
 *
 * Cells are added left to right; a row ends after the last column.
 * table_print() writes the rows added so far and forgets them, so a
 * verb that follows new data (events --follow) calls it repeatedly: the
 * header is written once, and JSON then comes as one object per line.
 */
#ifndef DAUDIT_TABLE_H
#define DAUDIT_TABLE_H

#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>

enum table_type {
	TCOL_STR,
	TCOL_INT,
	TCOL_BYTES,
	TCOL_TIME,		/* seconds since the epoch */
};

struct table_col {
	const char *name;	/* lower case; tables print it upper case */
	enum table_type type;
};

struct table;

struct table *table_new(int format, const struct table_col *cols,
			unsigned int ncols);
void table_free(struct table *t);

/*
 * Whether tables and CSV made from now on start with their header line
 * (default yes; the verbs' --no-headings turns it off).  JSON is the same
 * either way.
 */
void table_headings(int on);

/* One JSON object per line instead of an array (events --follow). */
void table_set_stream(struct table *t, int on);

void table_str(struct table *t, const char *s);	/* NULL: missing */
void table_int(struct table *t, int64_t v);
void table_u64(struct table *t, uint64_t v);
void table_null(struct table *t);

/* Rows added so far (complete ones). */
unsigned int table_rows(const struct table *t);

/* Write the rows added since the last call, in the table's format. */
void table_print(struct table *t, FILE *f);

/* The rows as a JSON array (consumes them), to embed in a larger object. */
json_object *table_to_json(struct table *t);

/*
 * The width tables for people are fitted to on @fd: a terminal's own
 * (else $COLUMNS, else 80); anything else, $COLUMNS when set, else 0:
 * no limit, every row one line, as scripts and files want it.
 */
size_t table_out_width(int fd);

/* Helpers also used outside tables. */
const char *table_human_bytes(uint64_t v, char *buf, size_t len);
/*
 * Who did it, as the review prints it: "CMDLINE (EXE, pid N, uid U)" when
 * the command line is known, else "EXE (pid N, uid U)"; @comm in brackets
 * when the executable is not known either.  Into @buf; not escaped (print
 * it with text_printf()).
 */
const char *table_who(char *buf, size_t len, const char *exe,
		      const char *comm, const char *cmdline, int64_t pid,
		      const char *user);
/* A string as JSON: escaped as ecs.h says; NULL gives null. */
json_object *table_json_string(const char *s);

#endif
