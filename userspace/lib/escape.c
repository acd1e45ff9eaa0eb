// SPDX-License-Identifier: GPL-2.0
/*
 * The escaping rule of ecs.h: arbitrary bytes as lossless UTF-8, and
 * back.  Every string from the kernel or NSS that reaches JSON, a SIEM
 * format or the collector's canonical actor ids goes through it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ecs.h"
#include "util.h"

/* ------------------------------------------------------------------ */
/* Escaping                                                            */
/* ------------------------------------------------------------------ */

/*
 * Length of the well-formed UTF-8 sequence at @s (Unicode table 3-7), or 0
 * if the byte there does not start one.  NUL counts as not well-formed so
 * that escaped strings stay C strings.
 */
static size_t utf8_len(const unsigned char *s, size_t avail)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (c == 0)
		return 0;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	/* The second byte's range is what excludes overlongs and surrogates. */
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (avail < n || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

static int is_hex(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

static unsigned int hex_val(unsigned char c)
{
	if (c <= '9')
		return c - '0';
	return (c | 0x20) - 'a' + 10;
}

static int in_set(const uint32_t *also, unsigned char c)
{
	return also && (also[c / 32] >> (c % 32) & 1);
}

/*
 * Is the well-formed sequence at @s (@n bytes) a character a terminal
 * acts on instead of showing: a C1 control (U+0080..U+009F; some
 * terminals read U+009B as CSI), or a Bidi_Control character (U+061C,
 * U+200E, U+200F, U+202A..U+202E, U+2066..U+2069) that reorders the text
 * shown after it, so that a name can make a line read differently from
 * its bytes.
 */
static int terminal_acts_on(const unsigned char *s, size_t n)
{
	if (n == 2)
		return (s[0] == 0xc2 && s[1] <= 0x9f) ||
		       (s[0] == 0xd8 && s[1] == 0x9c);
	if (n != 3 || s[0] != 0xe2)
		return 0;
	if (s[1] == 0x80)
		return s[2] == 0x8e || s[2] == 0x8f ||
		       (s[2] >= 0xaa && s[2] <= 0xae);
	return s[1] == 0x81 && s[2] >= 0xa6 && s[2] <= 0xa9;
}

size_t ecs_shown_len(const char *s, size_t avail)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = utf8_len(u, avail);

	if (n == 1 && (u[0] < 0x20 || u[0] == 0x7f))
		return 0;
	return terminal_acts_on(u, n) ? 0 : n;
}

/* Length of what is copied as is at @s, or 0 when @s[0] is escaped. */
static size_t keep_len(const unsigned char *s, size_t avail,
		       const uint32_t *also, int terminal)
{
	size_t n;

	if (in_set(also, s[0]))
		return 0;
	n = utf8_len(s, avail);
	return terminal && terminal_acts_on(s, n) ? 0 : n;
}

/* Would the output for @s[0..] start with '\' or "xHH"? */
static int backslash_needs_doubling(const unsigned char *s, size_t avail,
				    const uint32_t *also, int terminal)
{
	if (!avail)
		return 0;
	if (s[0] == '\\' || !keep_len(s, avail, also, terminal))
		return 1;
	return avail >= 3 && s[0] == 'x' && is_hex(s[1]) && is_hex(s[2]);
}

/* C0 controls and DEL: bits 0..31 and 127. */
const uint32_t ecs_set_controls[8] = { 0xffffffffU, 0, 0, 0x80000000U };

char *ecs_escape_set(const char *str, size_t len, const uint32_t also[8])
{
	char *out = util_xmalloc(4 * len + 1);

	ecs_escape_into(str, len, also, out);
	return out;
}

static size_t escape_into(const char *str, size_t len, const uint32_t *also,
			  int terminal, char *out)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *s = (const unsigned char *)str;
	char *o = out;
	size_t i = 0;

	while (i < len) {
		size_t n = keep_len(s + i, len - i, also, terminal);

		if (!n) {
			*o++ = '\\';
			*o++ = 'x';
			*o++ = hex[s[i] >> 4];
			*o++ = hex[s[i] & 15];
			i++;
			continue;
		}
		if (s[i] == '\\' &&
		    backslash_needs_doubling(s + i + 1, len - i - 1, also,
					     terminal))
			*o++ = '\\';
		memcpy(o, s + i, n);
		o += n;
		i += n;
	}
	*o = '\0';
	return (size_t)(o - out);
}

size_t ecs_escape_into(const char *str, size_t len, const uint32_t also[8],
		       char *out)
{
	return escape_into(str, len, also, 0, out);
}

char *ecs_escape_shown(const char *str, size_t len, const uint32_t also[8])
{
	char *out = util_xmalloc(4 * len + 1);

	escape_into(str, len, also, 1, out);
	return out;
}

char *ecs_escape(const char *str, size_t len)
{
	return ecs_escape_set(str, len, NULL);
}

size_t ecs_unescape(const char *str, char *out)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = 0;

	while (*s) {
		if (s[0] == '\\' && s[1] == '\\') {
			out[n++] = '\\';
			s += 2;
		} else if (s[0] == '\\' && s[1] == 'x' && is_hex(s[2]) &&
			   is_hex(s[3])) {
			out[n++] = (char)(hex_val(s[2]) << 4 | hex_val(s[3]));
			s += 4;
		} else {
			out[n++] = (char)*s++;
		}
	}
	out[n] = '\0';
	return n;
}
