// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <inttypes.h>
#include <libsmartcols.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wchar.h>

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

	t->format = format;
	/* No header to write: as if it were written. */
	t->header_done = !headings;
	t->cols = cols;
	t->ncols = ncols;
	t->width = util_xcalloc(ncols, sizeof(*t->width));
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

/*
 * libsmartcols measures text with mbrtowc(), in the locale in use: in C
 * (a cron job, a unit) it takes "é" for two bad bytes and, with its own
 * encoding off, loops forever.  Escaped cells are valid UTF-8, so they
 * are measured as such whatever the locale (glibc builds C.UTF-8 in);
 * the bytes written are the same in any locale.
 */
static locale_t utf8_locale(void)
{
	static locale_t loc;

	if (!loc)
		loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	if (!loc)
		util_die(EXIT_FAIL, "no C.UTF-8 locale to measure text with: %m");
	return loc;
}

/*
 * A character with no width (unassigned: wcwidth() -1) would be cut in
 * two where libsmartcols wraps a cell: shown as \xHH per byte, as
 * text_escape() shows what a terminal would act on.  Takes @s.
 */
static char *measurable(char *s)
{
	locale_t prev = uselocale(utf8_locale());
	size_t n = strlen(s), i = 0, o = 0, k;
	char *out = NULL;
	mbstate_t ps;
	wchar_t wc;

	memset(&ps, 0, sizeof(ps));
	while (i < n) {
		k = mbrtowc(&wc, s + i, n - i, &ps);
		if (k == (size_t)-1 || k == (size_t)-2 || !k) {
			/* Not after text_escape(); one byte at a time. */
			memset(&ps, 0, sizeof(ps));
			k = 1;
		} else if (wcwidth(wc) >= 0) {
			if (out)
				memcpy(out + o, s + i, k);
			o += k;
			i += k;
			continue;
		}
		if (!out) {
			out = util_xmalloc(4 * n + 1);
			memcpy(out, s, o);
		}
		for (; k; k--, i++, o += 4)
			snprintf(out + o, 5, "\\x%02X", (unsigned char)s[i]);
	}
	uselocale(prev);
	if (!out)
		return s;
	out[o] = '\0';
	free(s);
	return out;
}

void table_str(struct table *t, const char *s)
{
	struct cell *c = next_cell(t);

	if (!s) {
		c->missing = 1;
		return;
	}
	/* JSON escapes at the end (table_json_string()); CSV is exact. */
	c->s = t->format == FORMAT_TABLE ? measurable(text_escape(s)) :
					   util_xstrdup(s);
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

size_t table_out_width(int fd)
{
	const char *env = getenv("COLUMNS");
	struct winsize ws;
	char *end;
	long n;

	if (isatty(fd) && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	if (env && *env) {
		n = strtol(env, &end, 10);
		if (!*end && n > 0 && n <= 10000)
			return (size_t)n;
	}
	return isatty(fd) ? 80 : 0;
}

static void scols_fail(void)
{
	util_die(EXIT_FAIL, "out of memory");
}

/*
 * A text column is wrapped when the table is wider than its width; one
 * not wider than 16 columns is kept whole if it can be (a user name
 * rather than a path), the hint libsmartcols takes as a share of the
 * width.  One printed before (events --follow) is at least as wide as
 * it was then.
 */
static struct libscols_column *people_column(struct libscols_table *tb,
					     const struct table_col *col,
					     int heading, size_t before,
					     size_t width)
{
	char name[64];
	size_t k;
	int flags = 0;
	double hint = (double)before;
	struct libscols_column *cl;

	/* No header line: its width must not count either. */
	for (k = 0; heading && col->name[k] && k + 1 < sizeof(name); k++)
		name[k] = (char)toupper((unsigned char)col->name[k]);
	name[k] = '\0';
	if (right_aligned(col)) {
		flags = SCOLS_FL_RIGHT;
	} else if (col->type == TCOL_STR) {
		flags = SCOLS_FL_WRAP;
		if (!before && width)
			hint = 16.0 / (double)width;
	}
	cl = scols_table_new_column(tb, name, hint, flags);
	if (!cl)
		scols_fail();
	return cl;
}

/* The header alone, for a table with no rows yet (libsmartcols prints nothing). */
static void print_header(struct table *t, FILE *f)
{
	unsigned int i;

	for (i = 0; i < t->ncols; i++) {
		const char *n = t->cols[i].name;
		size_t k;

		for (k = 0; n[k]; k++)
			fputc(toupper((unsigned char)n[k]), f);
		fputs(i + 1 == t->ncols ? "\n" : "  ", f);
		if (k > t->width[i])
			t->width[i] = k;
	}
	t->header_done = 1;
}

/*
 * For people: libsmartcols lays the rows out in columns of their display
 * width, fitted to the width table_out_width() gives by wrapping text
 * columns onto more lines (never cutting them: a review shows every
 * byte of a path).  Cells are escaped already (table_str()), so its own
 * encoding, which would rewrite a "\x" the escaping wrote, is off.
 */
static void print_people(struct table *t, FILE *f)
{
	size_t rows = t->ncells / t->ncols, r, width;
	struct libscols_column **cl;
	struct libscols_table *tb;
	locale_t prev;
	unsigned int i;

	if (!rows) {
		if (!t->header_done)
			print_header(t, f);
		return;
	}
	tb = scols_new_table();
	if (!tb)
		scols_fail();
	cl = util_xcalloc(t->ncols, sizeof(*cl));
	width = table_out_width(fileno(f));
	prev = uselocale(utf8_locale());
	scols_table_set_stream(tb, f);
	scols_table_set_column_separator(tb, "  ");
	scols_table_enable_noencoding(tb, 1);
	scols_table_enable_noheadings(tb, t->header_done);
	if (width) {
		scols_table_set_termforce(tb, SCOLS_TERMFORCE_ALWAYS);
		scols_table_set_termwidth(tb, width);
	} else {
		scols_table_set_termforce(tb, SCOLS_TERMFORCE_NEVER);
	}
	for (i = 0; i < t->ncols; i++)
		cl[i] = people_column(tb, &t->cols[i], !t->header_done,
				      t->width[i], width);
	for (r = 0; r < rows; r++) {
		struct libscols_line *ln = scols_table_new_line(tb, NULL);

		if (!ln)
			scols_fail();
		for (i = 0; i < t->ncols; i++) {
			const struct cell *c = &t->cells[r * t->ncols + i];

			if (scols_line_set_data(ln, i, c->missing ? "-" : c->s))
				scols_fail();
		}
	}
	scols_print_table(tb);
	uselocale(prev);
	/* Widths grow with what was printed before, never shrink. */
	for (i = 0; i < t->ncols; i++)
		if (scols_column_get_width(cl[i]) > t->width[i])
			t->width[i] = scols_column_get_width(cl[i]);
	t->header_done = 1;
	free(cl);
	scols_unref_table(tb);
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
