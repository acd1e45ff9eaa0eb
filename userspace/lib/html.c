// SPDX-License-Identifier: GPL-2.0
/* Text for an HTML page: see html.h. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "text.h"

char *html_escape(const char *s)
{
	char *t = text_escape(s), *out, *o;
	const char *p;

	if (!t)
		return NULL;
	/* "&quot;" is the longest entity: 6 bytes for one. */
	out = o = util_xmalloc(6 * strlen(t) + 1);
	for (p = t; *p; p++) {
		const char *ent = NULL;

		switch (*p) {
		case '&': ent = "&amp;"; break;
		case '<': ent = "&lt;"; break;
		case '>': ent = "&gt;"; break;
		case '"': ent = "&quot;"; break;
		case '\'': ent = "&#39;"; break;
		default: *o++ = *p; continue;
		}
		memcpy(o, ent, strlen(ent));
		o += strlen(ent);
	}
	*o = '\0';
	free(t);
	return out;
}

int html_fprintf(FILE *f, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = text_vfprintf_esc(f, html_escape, fmt, ap);
	va_end(ap);
	return r;
}
