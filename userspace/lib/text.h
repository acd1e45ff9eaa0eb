/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Text for a person's terminal.  Names in daudit's output (files,
 * executables, egress destinations, actors, user names, a sink's last
 * error) come from the people being audited: a file named with ESC
 * sequences, CR or a right-to-left override could clear or forge lines of
 * the very review meant to catch them.  So every string a verb shows in
 * its text form goes through text_escape(): C0 controls, DEL, invalid
 * UTF-8, C1 controls and the bidirectional controls (ecs.h) come out as
 * \xHH, one escape per byte; every other character is shown as it is.
 *
 * Text for people is not meant to be decoded: a backslash is never
 * doubled, so a name that holds the four characters "\x1B" looks like
 * one that holds ESC (--format json gives the exact bytes).  That makes
 * escaping idempotent: actor ids, stored already escaped (record.h),
 * show as they are stored, which is how --actor takes them, and a string
 * escaped twice is no different from one escaped once.
 *
 * Tables do it in table_str() (table.h).  Prose (daudit report, user,
 * users, top, events, status, policy) is written with text_printf(): a
 * printf whose every %s and %c argument is escaped before it is
 * formatted, so a verb cannot forget one.  Its format string is the
 * program's own and is written as is.  JSON is printed as json-c
 * writes it: its strings are escaped already (table.h).
 */
#ifndef DAUDIT_TEXT_H
#define DAUDIT_TEXT_H

#include <stdarg.h>
#include <stdio.h>

#include "util.h"

/* @s escaped for a terminal, as a new string (free() it); NULL gives NULL. */
char *text_escape(const char *s);

/*
 * JSON text (as json-c writes it) with DEL and the C1 and bidirectional
 * controls in its strings written as \uXXXX: the same JSON value, safe on a
 * terminal (json-c escapes C0 controls itself).  For output that must
 * stay the collector's ECS (daudit monitor).  free() it.
 */
char *text_json(const char *json);

/* printf(3) to @f (stdout) with every %s and %c argument escaped. */
int text_vfprintf(FILE *f, const char *fmt, va_list ap);
int text_printf(const char *fmt, ...) UTIL_PRINTF(1, 2);
/*
 * The same with @esc instead of text_escape() (it returns a malloc'd
 * string): html.h writes HTML with it.
 */
int text_vfprintf_esc(FILE *f, char *(*esc)(const char *), const char *fmt,
		      va_list ap);

#endif
