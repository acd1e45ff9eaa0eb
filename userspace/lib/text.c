// SPDX-License-Identifier: GPL-2.0
/* Text for a person's terminal: see text.h. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ecs.h"
#include "text.h"

char *text_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t len, i = 0;
	char *out, *o;

	if (!s)
		return NULL;
	len = strlen(s);
	out = o = util_xmalloc(4 * len + 1);
	while (i < len) {
		size_t n = ecs_shown_len(s + i, len - i);

		if (!n) {
			*o++ = '\\';
			*o++ = 'x';
			*o++ = hex[(unsigned char)s[i] >> 4];
			*o++ = hex[s[i] & 15];
			i++;
			continue;
		}
		memcpy(o, s + i, n);
		o += n;
		i += n;
	}
	*o = '\0';
	return out;
}

char *text_json(const char *json)
{
	size_t len = strlen(json), i = 0;
	/* Each byte of a 2- or 3-byte character becomes at most 6 bytes. */
	char *out = util_xmalloc(6 * len + 1), *o = out;

	while (i < len) {
		const unsigned char *u = (const unsigned char *)json + i;
		size_t n = ecs_shown_len(json + i, len - i);
		unsigned int cp;

		if (u[0] == 0x7f) {
			/* DEL, which json-c leaves raw. */
			o += sprintf(o, "\\u007f");
			i++;
			continue;
		}
		if (n || u[0] < 0x80) {
			/* Shown as is, or a line end between values. */
			n = n ? n : 1;
			memcpy(o, json + i, n);
			o += n;
			i += n;
			continue;
		}
		/* A C1 or bidirectional control: 2 or 3 bytes, well formed. */
		if (u[0] < 0xe0 && i + 1 < len) {
			cp = (u[0] & 0x1fU) << 6 | (u[1] & 0x3fU);
			n = 2;
		} else if (i + 2 < len) {
			cp = (u[0] & 0x0fU) << 12 | (u[1] & 0x3fU) << 6 |
			     (u[2] & 0x3fU);
			n = 3;
		} else {
			cp = 0xfffd;	/* not UTF-8: json-c never writes it */
			n = 1;
		}
		o += sprintf(o, "\\u%04x", cp);
		i += n;
	}
	*o = '\0';
	return out;
}

/* One conversion of a format, such as "%-*.*lld". */
struct conv {
	char prefix[32];	/* '%', flags, width and precision */
	int star_width, star_prec;
	char len;		/* length modifier: 0, 'h', 'l', 'z', 'j', 't', 'L' */
	int llong;		/* "ll" or "q" */
	int hh;			/* "hh" */
	char type;		/* the conversion character */
};

/* A width or precision at @p: '*' (taken from the arguments) or digits. */
static const char *copy_number(const char *p, struct conv *c, size_t *n,
			       int *star)
{
	if (*p == '*') {
		*star = 1;
		c->prefix[(*n)++] = *p++;
	}
	while (*p >= '0' && *p <= '9' && *n < sizeof(c->prefix) - 8)
		c->prefix[(*n)++] = *p++;
	return p;
}

/* Parse the conversion at @p (just after '%'); returns what follows it. */
static const char *parse_conv(const char *p, struct conv *c)
{
	size_t n = 0;

	memset(c, 0, sizeof(*c));
	c->prefix[n++] = '%';
	while (*p && strchr("-+ #0'", *p) && n < 8)
		c->prefix[n++] = *p++;
	p = copy_number(p, c, &n, &c->star_width);
	if (*p == '.') {
		c->prefix[n++] = *p++;
		p = copy_number(p, c, &n, &c->star_prec);
	}
	while (*p && strchr("hlzjtqL", *p)) {
		if (*p == 'q' || (*p == 'l' && c->len == 'l'))
			c->llong = 1;
		if (*p == 'h' && c->len == 'h')
			c->hh = 1;
		c->len = *p++;
	}
	c->type = *p;
	return *p ? p + 1 : p;
}

/*
 * printf of one value @v with @c's flags, width and precision.  @spec is
 * built here from a format the compiler checked at the caller.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#define PUT(f, c, spec, w, pr, v) \
	((c)->star_width && (c)->star_prec ? fprintf(f, spec, w, pr, v) : \
	 (c)->star_width ? fprintf(f, spec, w, v) : \
	 (c)->star_prec ? fprintf(f, spec, pr, v) : fprintf(f, spec, v))

static void make_spec(const struct conv *c, const char *conv, char *spec,
		      size_t len)
{
	snprintf(spec, len, "%s%s", c->prefix, conv);
}

static int emit_string(FILE *f, const struct conv *c, int w, int pr,
		       const char *s, char *(*esc)(const char *))
{
	char *e = esc(s ? s : "(null)");
	char spec[48];
	int r;

	make_spec(c, "s", spec, sizeof(spec));
	r = PUT(f, c, spec, w, pr, e);
	free(e);
	return r;
}

/* The signed integer argument of @c, as printf would take it. */
static intmax_t signed_arg(const struct conv *c, va_list *ap)
{
	if (c->llong)
		return va_arg(*ap, long long);
	switch (c->len) {
	case 'l': return va_arg(*ap, long);
	case 'z': return va_arg(*ap, ptrdiff_t);	/* ssize_t's width */
	case 'j': return va_arg(*ap, intmax_t);
	case 't': return va_arg(*ap, ptrdiff_t);
	case 'h': return c->hh ? (signed char)va_arg(*ap, int) :
			     (short)va_arg(*ap, int);
	default: return va_arg(*ap, int);
	}
}

static uintmax_t unsigned_arg(const struct conv *c, va_list *ap)
{
	if (c->llong)
		return va_arg(*ap, unsigned long long);
	switch (c->len) {
	case 'l': return va_arg(*ap, unsigned long);
	case 'z': return va_arg(*ap, size_t);
	case 'j': return va_arg(*ap, uintmax_t);
	case 't': return (uintmax_t)va_arg(*ap, ptrdiff_t);
	case 'h': return c->hh ? (unsigned char)va_arg(*ap, unsigned int) :
			     (unsigned short)va_arg(*ap, unsigned int);
	default: return va_arg(*ap, unsigned int);
	}
}

/* Write conversion @c with its arguments from @ap; the count, or -1. */
static int emit(FILE *f, const struct conv *c, va_list *ap,
		char *(*esc)(const char *))
{
	int w = c->star_width ? va_arg(*ap, int) : 0;
	int pr = c->star_prec ? va_arg(*ap, int) : 0;
	char conv[3] = { 'j', c->type, '\0' }, spec[48], one[2];

	switch (c->type) {
	case 's':
		return emit_string(f, c, w, pr, va_arg(*ap, const char *), esc);
	case 'c':
		one[0] = (char)va_arg(*ap, int);
		one[1] = '\0';
		return emit_string(f, c, w, pr, one, esc);
	case 'd': case 'i': {
		intmax_t v = signed_arg(c, ap);

		make_spec(c, conv, spec, sizeof(spec));
		return PUT(f, c, spec, w, pr, v);
	}
	case 'u': case 'o': case 'x': case 'X': {
		uintmax_t v = unsigned_arg(c, ap);

		make_spec(c, conv, spec, sizeof(spec));
		return PUT(f, c, spec, w, pr, v);
	}
	case 'e': case 'E': case 'f': case 'F': case 'g': case 'G':
	case 'a': case 'A':
		if (c->len == 'L') {
			long double v = va_arg(*ap, long double);

			conv[0] = 'L';
			make_spec(c, conv, spec, sizeof(spec));
			return PUT(f, c, spec, w, pr, v);
		} else {
			double v = va_arg(*ap, double);

			make_spec(c, conv + 1, spec, sizeof(spec));
			return PUT(f, c, spec, w, pr, v);
		}
	case 'p': {
		void *v = va_arg(*ap, void *);

		make_spec(c, "p", spec, sizeof(spec));
		return PUT(f, c, spec, w, pr, v);
	}
	case '%':
		return fputc('%', f) == EOF ? -1 : 1;
	default:
		/* %n and unknown conversions: a programming error. */
		abort();
	}
}
#pragma GCC diagnostic pop

int text_vfprintf_esc(FILE *f, char *(*esc)(const char *), const char *fmt,
		     va_list ap)
{
	const char *p = fmt;
	struct conv c;
	va_list aq;
	int total = 0, r;

	va_copy(aq, ap);
	while (*p) {
		const char *pct = strchr(p, '%');
		size_t lit = pct ? (size_t)(pct - p) : strlen(p);

		if (lit && fwrite(p, 1, lit, f) != lit) {
			total = -1;
			break;
		}
		total += (int)lit;
		if (!pct)
			break;
		p = parse_conv(pct + 1, &c);
		r = emit(f, &c, &aq, esc);
		if (r < 0) {
			total = -1;
			break;
		}
		total += r;
	}
	va_end(aq);
	return total;
}

int text_vfprintf(FILE *f, const char *fmt, va_list ap)
{
	return text_vfprintf_esc(f, text_escape, fmt, ap);
}

int text_printf(const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = text_vfprintf(stdout, fmt, ap);
	va_end(ap);
	return r;
}
