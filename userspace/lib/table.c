// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ecs.h"
#include "format.h"
#include "table.h"
#include "text.h"
#include "timeparse.h"
#include "util.h"

struct cell {
	int missing;
	int64_t i;
	char *s;		/* the string, or the formatted value for tables */
};

struct table {
	int format;
	int stream;
	const struct table_col *cols;
	unsigned int ncols;
	struct cell *cells;	/* rows * ncols */
	size_t ncells, cap;
	size_t *width;
	int header_done;
	int json_open;
};

static int headings = 1;

void table_headings(int on)
{
	headings = on;
}

struct table *table_new(int format, const struct table_col *cols,
			unsigned int ncols)
{
	struct table *t = util_xcalloc(1, sizeof(*t));
	unsigned int i;

	t->format = format;
	/* No header to write: as if it were written. */
	t->header_done = !headings;
	t->cols = cols;
	t->ncols = ncols;
	t->width = util_xcalloc(ncols, sizeof(*t->width));
	for (i = 0; i < ncols; i++)
		t->width[i] = headings ? strlen(cols[i].name) : 0;
	return t;
}

static void drop_cells(struct table *t)
{
	size_t i;

	for (i = 0; i < t->ncells; i++)
		free(t->cells[i].s);
	t->ncells = 0;
}

void table_free(struct table *t)
{
	if (!t)
		return;
	drop_cells(t);
	free(t->cells);
	free(t->width);
	free(t);
}

void table_set_stream(struct table *t, int on)
{
	t->stream = on;
}

unsigned int table_rows(const struct table *t)
{
	return (unsigned int)(t->ncells / t->ncols);
}

static struct cell *next_cell(struct table *t)
{
	struct cell *c;

	if (t->ncells == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64 * t->ncols;
		t->cells = util_xrealloc(t->cells, t->cap * sizeof(*t->cells));
	}
	c = &t->cells[t->ncells++];
	memset(c, 0, sizeof(*c));
	return c;
}

static const struct table_col *cur_col(const struct table *t)
{
	return &t->cols[t->ncells % t->ncols];
}

const char *table_who(char *buf, size_t len, const char *exe,
		      const char *comm, const char *cmdline, int64_t pid,
		      const char *user)
{
	char name[40];

	if (!exe && comm) {
		snprintf(name, sizeof(name), "[%s]", comm);
		exe = name;
	}
	if (cmdline)
		snprintf(buf, len, "%s (%s, pid %" PRId64 ", uid %s)", cmdline,
			 exe ? exe : "?", pid, user ? user : "?");
	else
		snprintf(buf, len, "%s (pid %" PRId64 ", uid %s)",
			 exe ? exe : "?", pid, user ? user : "?");
	return buf;
}

const char *table_human_bytes(uint64_t v, char *buf, size_t len)
{
	static const char *const unit[] = { "KiB", "MiB", "GiB", "TiB", "PiB" };
	double d = (double)v;
	int u = -1;

	if (v < 1024) {
		snprintf(buf, len, "%" PRIu64 " B", v);
		return buf;
	}
	while (d >= 1024 && u < 4) {
		d /= 1024;
		u++;
	}
	snprintf(buf, len, d < 10 ? "%.2f %s" : d < 100 ? "%.1f %s" : "%.0f %s",
		 d, unit[u]);
	return buf;
}

void table_str(struct table *t, const char *s)
{
	struct cell *c = next_cell(t);

	if (!s) {
		c->missing = 1;
		return;
	}
	/* JSON escapes at the end (table_json_string()); CSV is exact. */
	c->s = t->format == FORMAT_TABLE ? text_escape(s) : util_xstrdup(s);
}

void table_null(struct table *t)
{
	next_cell(t)->missing = 1;
}

static void format_number(struct table *t, struct cell *c,
			  const struct table_col *col, int64_t v, int is_u64)
{
	char buf[64];

	c->i = v;
	if (col->type == TCOL_TIME) {
		if (t->format == FORMAT_TABLE)
			tp_format_local(v, buf, sizeof(buf));
		else
			tp_format_utc(v, buf, sizeof(buf));
	} else if (col->type == TCOL_BYTES && t->format == FORMAT_TABLE) {
		table_human_bytes((uint64_t)v, buf, sizeof(buf));
	} else if (is_u64) {
		snprintf(buf, sizeof(buf), "%" PRIu64, (uint64_t)v);
	} else {
		snprintf(buf, sizeof(buf), "%" PRId64, v);
	}
	c->s = util_xstrdup(buf);
}

void table_int(struct table *t, int64_t v)
{
	const struct table_col *col = cur_col(t);

	format_number(t, next_cell(t), col, v, 0);
}

void table_u64(struct table *t, uint64_t v)
{
	const struct table_col *col = cur_col(t);

	format_number(t, next_cell(t), col, (int64_t)v,
		      col->type != TCOL_TIME);
}

static int right_aligned(const struct table_col *c)
{
	return c->type == TCOL_INT || c->type == TCOL_BYTES;
}

static void print_people(struct table *t, FILE *f)
{
	size_t rows = t->ncells / t->ncols, r;
	unsigned int i;

	/* Widths grow with what was printed before, never shrink. */
	for (r = 0; r < rows; r++)
		for (i = 0; i < t->ncols; i++) {
			const struct cell *c = &t->cells[r * t->ncols + i];
			size_t w = c->missing ? 1 : strlen(c->s);

			if (w > t->width[i])
				t->width[i] = w;
		}
	if (!t->header_done) {
		for (i = 0; i < t->ncols; i++) {
			const char *n = t->cols[i].name;
			size_t k;
			int last = i + 1 == t->ncols;

			if (right_aligned(&t->cols[i]))
				fprintf(f, "%*s", (int)(t->width[i] - strlen(n)), "");
			for (k = 0; n[k]; k++)
				fputc(toupper((unsigned char)n[k]), f);
			if (!right_aligned(&t->cols[i]) && !last)
				fprintf(f, "%*s", (int)(t->width[i] - strlen(n)), "");
			fputs(last ? "\n" : "  ", f);
		}
		t->header_done = 1;
	}
	for (r = 0; r < rows; r++)
		for (i = 0; i < t->ncols; i++) {
			const struct cell *c = &t->cells[r * t->ncols + i];
			const char *s = c->missing ? "-" : c->s;
			int last = i + 1 == t->ncols;

			if (right_aligned(&t->cols[i]))
				fprintf(f, "%*s", (int)t->width[i], s);
			else if (last)
				fputs(s, f);
			else
				fprintf(f, "%-*s", (int)t->width[i], s);
			fputs(last ? "\n" : "  ", f);
		}
}

static void csv_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void print_csv(struct table *t, FILE *f)
{
	size_t n;
	unsigned int i;

	if (!t->header_done) {
		for (i = 0; i < t->ncols; i++) {
			csv_field(f, t->cols[i].name);
			fputs(i + 1 == t->ncols ? "\r\n" : ",", f);
		}
		t->header_done = 1;
	}
	for (n = 0; n + t->ncols <= t->ncells; n += t->ncols)
		for (i = 0; i < t->ncols; i++) {
			const struct cell *c = &t->cells[n + i];

			if (!c->missing)
				csv_field(f, c->s);
			fputs(i + 1 == t->ncols ? "\r\n" : ",", f);
		}
}

json_object *table_json_string(const char *s)
{
	json_object *o;
	char *e;

	if (!s)
		return NULL;
	/* C0 controls are left to json-c's own \u escapes. */
	e = ecs_escape_shown(s, strlen(s), NULL);
	o = json_object_new_string(e);
	free(e);
	return o;
}

static json_object *row_json(struct table *t, size_t first)
{
	json_object *o = json_object_new_object();
	unsigned int i;

	for (i = 0; i < t->ncols; i++) {
		const struct cell *c = &t->cells[first + i];
		const struct table_col *col = &t->cols[i];
		json_object *v = NULL;

		if (c->missing)
			v = NULL;
		else if (col->type == TCOL_STR || col->type == TCOL_TIME)
			v = table_json_string(c->s);
		else if (c->s[0] != '-' && strtoull(c->s, NULL, 10) > INT64_MAX)
			v = json_object_new_uint64(strtoull(c->s, NULL, 10));
		else
			v = json_object_new_int64(c->i);
		json_object_object_add(o, col->name, v);
	}
	return o;
}

json_object *table_to_json(struct table *t)
{
	json_object *arr = json_object_new_array();
	size_t n;

	for (n = 0; n + t->ncols <= t->ncells; n += t->ncols)
		json_object_array_add(arr, row_json(t, n));
	drop_cells(t);
	return arr;
}

static void print_json(struct table *t, FILE *f)
{
	json_object *arr;
	size_t n;

	if (t->stream) {
		for (n = 0; n + t->ncols <= t->ncells; n += t->ncols) {
			json_object *o = row_json(t, n);

			fprintf(f, "%s\n", json_object_to_json_string_ext(o,
					JSON_C_TO_STRING_PLAIN |
					JSON_C_TO_STRING_NOSLASHESCAPE));
			json_object_put(o);
		}
		return;
	}
	arr = table_to_json(t);
	fprintf(f, "%s\n", json_object_to_json_string_ext(arr,
			JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
			JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(arr);
}

void table_print(struct table *t, FILE *f)
{
	switch (t->format) {
	case FORMAT_CSV:
		print_csv(t, f);
		break;
	case FORMAT_JSON:
		print_json(t, f);
		break;
	default:
		print_people(t, f);
	}
	drop_cells(t);
	fflush(f);
}
