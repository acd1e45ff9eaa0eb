/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Text for an HTML page (daudit report --format html).  The names in it
 * come from the people being audited, as on a terminal (text.h): a file
 * named "<script>..." must not run in the reviewer's browser, and one
 * named with ESC, CR or a right-to-left override must not hide or
 * reorder the page's words.  html_escape() is text_escape() (each byte a
 * terminal would act on, invalid UTF-8 and the bidirectional controls
 * shown as \xHH), then the five characters HTML gives a meaning to as
 * entities: & < > " '.  Safe in element text and in quoted attribute
 * values; never in a script, a style or an unquoted attribute.
 *
 * html_printf() is text_printf() with html_escape() for every %s and %c
 * argument: the format string is the program's own markup, written as
 * it is.
 */
#ifndef DAUDIT_HTML_H
#define DAUDIT_HTML_H

#include <stdarg.h>
#include <stdio.h>

#include "util.h"

/* @s escaped for HTML text or a quoted attribute, malloc'd; NULL gives NULL. */
char *html_escape(const char *s);

/* printf(3) to @f with every %s and %c argument html_escape()d. */
int html_fprintf(FILE *f, const char *fmt, ...) UTIL_PRINTF(2, 3);

#endif
