/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SIEM payload formats.  Every record (and every finding) is rendered once
 * as an ECS JSON object (ecs.h); the other formats are mapped from that
 * object, so they carry the same values with the same escaping of bytes
 * that are not UTF-8:
 *
 *   ecs    ECS JSON, one object (ecs.c)
 *   cef    ArcSight CEF:0 (fmt_cef.c)
 *   leef   IBM QRadar LEEF:2.0, tab-delimited (fmt_leef.c)
 *   ocsf   OCSF 1.1 JSON: File System Activity (1001) for file reads
 *          and more classes for the other records (fmt_ocsf.c)
 *
 * docs/siem.md has every mapping and the escaping rule of each format.
 */
#ifndef DAUDIT_FMT_H
#define DAUDIT_FMT_H

#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

enum fmt_kind {
	FMT_ECS,
	FMT_CEF,
	FMT_LEEF,
	FMT_OCSF,
	FMT_MAX,
};

/* "ecs", "cef", ... and back (-1 if unknown). */
const char *fmt_name(int kind);
int fmt_by_name(const char *name);

/* A growing string; s is always NUL-terminated once something was added. */
struct fmt_buf {
	char *s;
	size_t len, cap;
};

void fb_free(struct fmt_buf *b);
void fb_reset(struct fmt_buf *b);
void fb_add(struct fmt_buf *b, const char *s, size_t n);
void fb_puts(struct fmt_buf *b, const char *s);
void fb_putc(struct fmt_buf *b, char c);
/* Room for @n more bytes (and a NUL) after len; where they go. */
char *fb_reserve(struct fmt_buf *b, size_t n);
void fb_printf(struct fmt_buf *b, const char *fmt, ...) UTIL_PRINTF(2, 3);

/*
 * Append @ecs (from ecs_from_record(), ecs_from_finding() or
 * ecs_sequence_gap()) rendered as @kind to @out: one line, no newline at
 * the end, nothing but printable characters for CEF and LEEF.
 */
void fmt_render(int kind, json_object *ecs, struct fmt_buf *out);
void fmt_cef(json_object *ecs, struct fmt_buf *out);
void fmt_leef(json_object *ecs, struct fmt_buf *out);
void fmt_ocsf(json_object *ecs, struct fmt_buf *out);

/*
 * CEF escaping, exactly as the CEF specification says: in header fields
 * '\' and '|' get a backslash (CR and LF, which a header may not carry,
 * become spaces); in extension values '\' and '=' get a backslash, and
 * LF and CR become "\n" and "\r".
 */
void fmt_cef_header(struct fmt_buf *out, const char *s);
void fmt_cef_value(struct fmt_buf *out, const char *s);

/*
 * An ECS-escaped string (ecs.h) re-escaped so that the bytes set in
 * @also become \xHH too: the original bytes come back with the same
 * ecs_unescape().  A new string; free() it.
 */
char *fmt_reescape(const char *ecs_value, const uint32_t also[8]);

/* Byte sets for fmt_reescape(): C0 controls and DEL, without CR and LF
 * (CEF escapes those its own way), and with them plus '|' (LEEF). */
extern const uint32_t fmt_set_cef[8];
extern const uint32_t fmt_set_leef[8];

/* ECS time text ("2026-11-27T20:20:32.123456789Z") in ms since the epoch;
 * -1 if it is not one. */
int64_t fmt_time_ms(const char *rfc3339);

/* event.severity (0..10), 0 when absent. */
int fmt_severity(json_object *ecs);

/*
 * The type of what @ecs describes: the record type name of
 * event.dataset ("file_read", ..., "sequence_gap") or "finding".
 */
const char *fmt_type(json_object *ecs);

/* Value of the first element of an ECS array field, or NULL. */
const char *fmt_first(json_object *ecs, const char *path);

/* The version written as the product version in CEF, LEEF and OCSF. */
extern const char fmt_product_version[];

#endif
