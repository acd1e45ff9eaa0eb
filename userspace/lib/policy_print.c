// SPDX-License-Identifier: GPL-2.0
/* The canonical text of a policy: it parses back to the same binary. */
#include <arpa/inet.h>
#include <stdio.h>

#include "ecs.h"
#include "policy_int.h"

/* ------------------------------------------------------------------ */
/* Canonical text                                                      */
/* ------------------------------------------------------------------ */

const char *policy_source_arg(const struct policy_source *s, char *buf,
			      size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (s->path)
		return s->path;
	if (!inet_ntop(s->family, s->addr, a, sizeof(a)))
		snprintf(a, sizeof(a), "?");
	if (s->prefix_len == family_bits(s->family))
		snprintf(buf, len, "%s", a);
	else
		snprintf(buf, len, "%s/%u", a, s->prefix_len);
	return buf;
}

/*
 * Bare when the lexer would read it back as one word and a terminal shows
 * it as it is, else quoted, with what a terminal would act on instead of
 * showing (invalid UTF-8, C1 and bidirectional controls: ecs.h) as \xHH,
 * which the lexer reads back as the byte.
 */
static void print_string(FILE *f, const char *s, size_t len)
{
	size_t i, n;

	for (i = 0; i < len; i += n) {
		n = ecs_shown_len(s + i, len - i);
		if (!n || !is_word_char(s[i]) || s[i] == '#' || s[i] == '\\')
			break;
	}
	if (i == len && len) {
		fwrite(s, 1, len, f);
		return;
	}
	fputc('"', f);
	for (i = 0; i < len; i += n) {
		n = ecs_shown_len(s + i, len - i);
		if (!n) {
			fprintf(f, "\\x%02X", (unsigned char)s[i]);
			n = 1;
			continue;
		}
		if (s[i] == '"' || s[i] == '\\')
			fputc('\\', f);
		fwrite(s + i, 1, n, f);
	}
	fputc('"', f);
}

static void print_source(FILE *f, const struct policy_source *s)
{
	char arg[64];

	fprintf(f, "\t%s ", policy_source_kind_of(s));
	if (s->path) {
		print_string(f, s->path, s->path_len);
	} else {
		fputs(policy_source_arg(s, arg, sizeof(arg)), f);
		if (s->port_lo == s->port_hi)
			fprintf(f, " port %u", s->port_lo);
		else
			fprintf(f, " port %u-%u", s->port_lo, s->port_hi);
	}
	fputc('\n', f);
}

void policy_print(const struct policy *p, FILE *f)
{
	uint32_t d, i;

	for (d = 0; d < p->n_datasets; d++) {
		if (d)
			fputc('\n', f);
		fprintf(f, "dataset %s {\n", p->datasets[d].name);
		for (i = 0; i < p->n_sources; i++)
			if (p->sources[i].dataset == d)
				print_source(f, &p->sources[i]);
		fputs("}\n", f);
	}
}
