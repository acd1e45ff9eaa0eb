// SPDX-License-Identifier: GPL-2.0
/*
 * The policy: the in-memory model the text parser (policy_parse.c) and
 * the binary decoder (policy_decode.c) fill, the encoder
 * (policy_encode.c) and the printer (policy_print.c) read, and the errors
 * found on the way.
 *
 * The parser never stops at the first problem: a mistake costs the rest of
 * its source (up to the end of the line, a ';' or a '}') and parsing goes
 * on, so one run of `daudit policy check` shows everything to fix.  The
 * rules a text policy obeys are checked by helpers shared with the
 * decoder, so a binary the decoder accepts always prints as valid text.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "policy_int.h"

#define TOKEN_SHOW_MAX	100	/* bytes of a token quoted in a message */

const char *const kind_names[DAUDIT_SRC_TYPE_MAX + 1] = {
	[DAUDIT_SRC_TREE] = "tree",
	[DAUDIT_SRC_FILE] = "file",
	[DAUDIT_SRC_READER] = "reader",
	[DAUDIT_SRC_UNIX] = "unix",
	[DAUDIT_SRC_TCP] = "tcp",
	[DAUDIT_SRC_UDP] = "udp",
	[DAUDIT_SRC_APP] = "app",
	[DAUDIT_SRC_DEVICE] = "device",
};

const char *policy_source_kind(unsigned int type)
{
	if (type < 1 || type > DAUDIT_SRC_TYPE_MAX)
		return NULL;
	return kind_names[type];
}

const char *policy_source_kind_of(const struct policy_source *s)
{
	if (s->flags & DAUDIT_SRC_F_LINKED)
		return POLICY_LINKED_KIND;
	return policy_source_kind(s->type);
}

/* ------------------------------------------------------------------ */
/* The model                                                           */
/* ------------------------------------------------------------------ */

void policy_init(struct policy *p)
{
	memset(p, 0, sizeof(*p));
}

void policy_free(struct policy *p)
{
	uint32_t i;

	for (i = 0; i < p->n_sources; i++)
		free(p->sources[i].path);
	for (i = 0; i < p->n_errors; i++)
		free(p->errors[i].msg);
	free(p->sources);
	free(p->datasets);
	free(p->errors);
	free(p->file);
	policy_init(p);
}

/* A token as a message quotes it: control bytes escaped, long ones cut. */
static void show_token(char *out, size_t outlen, const char *tok, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0;

	for (i = 0; i < len && i < TOKEN_SHOW_MAX && o + 5 < outlen; i++) {
		unsigned char c = tok[i];

		if (c < 0x20 || c == 0x7f) {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		} else {
			out[o++] = c;
		}
	}
	if (i < len && o + 4 <= outlen) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = 0;
}

/*
 * Record "message: 'token'" (or just the message when @tok is NULL).
 * Past POLICY_MAX_ERRORS errors are only counted: a binary file given by
 * mistake must not flood the terminal.
 */
UTIL_PRINTF(7, 8)
void add_error(struct policy *p, uint32_t line, uint32_t kind,
	       uint32_t item, const char *tok, size_t toklen,
	       const char *fmt, ...)
{
	char shown[4 * TOKEN_SHOW_MAX + 8], *msg, *full;
	struct policy_error *e;
	va_list ap;
	int n;

	if (p->n_errors >= POLICY_MAX_ERRORS) {
		p->n_errors_dropped++;
		return;
	}
	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		util_die(EXIT_FAIL, "out of memory");
	if (tok) {
		show_token(shown, sizeof(shown), tok, toklen);
		if (asprintf(&full, "%s: '%s'", msg, shown) < 0)
			util_die(EXIT_FAIL, "out of memory");
		free(msg);
		msg = full;
	}
	if (p->n_errors == p->cap_errors) {
		p->cap_errors = p->cap_errors ? 2 * p->cap_errors : 8;
		p->errors = util_xrealloc(p->errors,
					  p->cap_errors * sizeof(*p->errors));
	}
	e = &p->errors[p->n_errors++];
	e->line = line;
	e->kind = kind;
	e->item = item;
	e->msg = msg;
}

unsigned int error_count(const struct policy *p)
{
	return p->n_errors + p->n_errors_dropped;
}

void policy_print_errors(const struct policy *p, FILE *f)
{
	const char *file = p->file ? p->file : "policy";
	uint32_t i;

	for (i = 0; i < p->n_errors; i++) {
		if (p->errors[i].line)
			fprintf(f, "%s:%u: %s\n", file, p->errors[i].line,
				p->errors[i].msg);
		else
			fprintf(f, "%s: %s\n", file, p->errors[i].msg);
	}
	if (p->n_errors_dropped)
		fprintf(f, "%s: %u more errors not shown\n", file,
			p->n_errors_dropped);
}

uint32_t add_dataset(struct policy *p, const char *name, size_t len,
		     uint32_t line)
{
	struct policy_dataset *d;

	if (p->n_datasets == p->cap_datasets) {
		p->cap_datasets = p->cap_datasets ? 2 * p->cap_datasets : 8;
		p->datasets = util_xrealloc(p->datasets,
					    p->cap_datasets * sizeof(*d));
	}
	d = &p->datasets[p->n_datasets];
	memset(d, 0, sizeof(*d));
	memcpy(d->name, name, len < DAUDIT_NAME_MAX ? len : DAUDIT_NAME_MAX - 1);
	d->line = line;
	return p->n_datasets++;
}

/* Append a copy of @s; the model takes over s->path. */
void add_source(struct policy *p, const struct policy_source *s)
{
	struct policy_dataset *d = &p->datasets[s->dataset];

	if (p->n_sources == p->cap_sources) {
		p->cap_sources = p->cap_sources ? 2 * p->cap_sources : 16;
		p->sources = util_xrealloc(p->sources,
					   p->cap_sources * sizeof(*s));
	}
	p->sources[p->n_sources++] = *s;
	d->n_sources++;
	if (is_protected(s->type))
		d->n_protected++;
}

int find_dataset(const struct policy *p, const char *name, size_t len)
{
	uint32_t i;

	for (i = 0; i < p->n_datasets; i++)
		if (strlen(p->datasets[i].name) == len &&
		    !memcmp(p->datasets[i].name, name, len))
			return i;
	return -1;
}
