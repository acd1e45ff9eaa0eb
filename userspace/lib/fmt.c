// SPDX-License-Identifier: GPL-2.0
/*
 * What the SIEM formats share: their names, a growing buffer, reading
 * fields of the ECS object they are mapped from, and re-escaping.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ecs.h"
#include "fmt.h"

#ifndef DAUDIT_PKG_VERSION
#define DAUDIT_PKG_VERSION "unknown"
#endif

const char fmt_product_version[] = DAUDIT_PKG_VERSION;

/* Bit c of word c / 32. */
#define CTL_NO_CRLF	(0xffffffffU & ~(1U << '\n') & ~(1U << '\r'))
#define DEL_BIT		(1U << (127 - 96))
#define PIPE_BIT	(1U << ('|' - 96))

const uint32_t fmt_set_cef[8] = { CTL_NO_CRLF, 0, 0, DEL_BIT };
const uint32_t fmt_set_leef[8] = { 0xffffffffU, 0, 0, DEL_BIT | PIPE_BIT };

static const char *const names[FMT_MAX] = {
	[FMT_ECS] = "ecs",
	[FMT_CEF] = "cef",
	[FMT_LEEF] = "leef",
	[FMT_OCSF] = "ocsf",
};

const char *fmt_name(int kind)
{
	return kind >= 0 && kind < FMT_MAX ? names[kind] : "?";
}

int fmt_by_name(const char *name)
{
	int i;

	for (i = 0; i < FMT_MAX; i++)
		if (!strcmp(names[i], name))
			return i;
	return -1;
}

/* ------------------------------------------------------------------ */
/* Buffer                                                              */
/* ------------------------------------------------------------------ */

void fb_free(struct fmt_buf *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}

void fb_reset(struct fmt_buf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

static void fb_room(struct fmt_buf *b, size_t n)
{
	if (b->len + n + 1 <= b->cap)
		return;
	b->cap = b->cap ? b->cap : 1024;
	while (b->len + n + 1 > b->cap)
		b->cap *= 2;
	b->s = util_xrealloc(b->s, b->cap);
}

char *fb_reserve(struct fmt_buf *b, size_t n)
{
	fb_room(b, n);
	b->s[b->len] = '\0';
	return b->s + b->len;
}

void fb_add(struct fmt_buf *b, const char *s, size_t n)
{
	fb_room(b, n);
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void fb_puts(struct fmt_buf *b, const char *s)
{
	fb_add(b, s, strlen(s));
}

void fb_putc(struct fmt_buf *b, char c)
{
	fb_add(b, &c, 1);
}

void fb_printf(struct fmt_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	fb_room(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* ------------------------------------------------------------------ */
/* Escaping                                                            */
/* ------------------------------------------------------------------ */

void fmt_cef_header(struct fmt_buf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '|')
			fb_putc(out, '\\');
		fb_putc(out, *s == '\n' || *s == '\r' ? ' ' : *s);
	}
}

void fmt_cef_value(struct fmt_buf *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '\\':
			fb_puts(out, "\\\\");
			break;
		case '=':
			fb_puts(out, "\\=");
			break;
		case '\n':
			fb_puts(out, "\\n");
			break;
		case '\r':
			fb_puts(out, "\\r");
			break;
		default:
			fb_putc(out, *s);
		}
	}
}

char *fmt_reescape(const char *ecs_value, const uint32_t also[8])
{
	size_t n = strlen(ecs_value);
	char *raw = util_xmalloc(n + 1), *out;

	n = ecs_unescape(ecs_value, raw);
	out = ecs_escape_set(raw, n, also);
	free(raw);
	return out;
}

/* ------------------------------------------------------------------ */
/* Fields                                                              */
/* ------------------------------------------------------------------ */

int64_t fmt_time_ms(const char *t)
{
	struct tm tm;
	unsigned int ms = 0;
	int n = 0;
	time_t sec;

	if (!t)
		return -1;
	memset(&tm, 0, sizeof(tm));
	if (sscanf(t, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
		   &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6)
		return -1;
	t += n;
	if (*t == '.') {
		int digits = 0;

		for (t++; *t >= '0' && *t <= '9'; t++, digits++)
			if (digits < 3)
				ms = ms * 10 + (unsigned int)(*t - '0');
		while (digits++ < 3)
			ms *= 10;
	}
	if (strcmp(t, "Z"))
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	sec = timegm(&tm);
	return (int64_t)sec * 1000 + ms;
}

int fmt_severity(json_object *ecs)
{
	json_object *v = ecs_get(ecs, "event.severity");

	return v ? json_object_get_int(v) : 0;
}

const char *fmt_type(json_object *ecs)
{
	const char *d = ecs_get_str(ecs, "event.dataset");

	if (!d)
		return "unknown";
	return strncmp(d, "daudit.", 7) ? d : d + 7;
}

const char *fmt_first(json_object *ecs, const char *path)
{
	json_object *v = ecs_get(ecs, path);

	if (!v || !json_object_is_type(v, json_type_array) ||
	    !json_object_array_length(v))
		return NULL;
	return json_object_get_string(json_object_array_get_idx(v, 0));
}

void fmt_render(int kind, json_object *ecs, struct fmt_buf *out)
{
	switch (kind) {
	case FMT_CEF:
		fmt_cef(ecs, out);
		break;
	case FMT_LEEF:
		fmt_leef(ecs, out);
		break;
	case FMT_OCSF:
		fmt_ocsf(ecs, out);
		break;
	default:
		fb_puts(out, ecs_to_string(ecs));
	}
}
