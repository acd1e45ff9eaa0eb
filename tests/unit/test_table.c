// SPDX-License-Identifier: GPL-2.0
/* The output helper every verb uses: tables, RFC 4180 CSV, JSON. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "format.h"
#include "table.h"

static const struct table_col cols[] = {
	{ "user", TCOL_STR },
	{ "bytes", TCOL_BYTES },
	{ "files", TCOL_INT },
	{ "time", TCOL_TIME },
	{ "path", TCOL_STR },
};

static char *render(int format, int stream)
{
	struct table *t = table_new(format, cols, 5);
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	table_set_stream(t, stream);
	table_str(t, "alice");
	table_u64(t, 12897484);
	table_int(t, 3);
	table_int(t, 1795780800);
	table_str(t, "/data/a,b \"quoted\".csv");
	table_str(t, "postgres (no login)");
	table_u64(t, 512);
	table_int(t, 1200);
	table_null(t);
	table_str(t, "/tmp/\x1b[31mred\n");
	assert_int_equal(table_rows(t), 2);
	table_print(t, f);
	fclose(f);
	table_free(t);
	return out;
}

static void tables_align_for_people(void **state)
{
	char *s = render(FORMAT_TABLE, 0);

	(void)state;
	assert_string_equal(s,
		"USER                    BYTES  FILES  TIME                 PATH\n"
		"alice                12.3 MiB      3  2026-11-27 12:00:00  /data/a,b \"quoted\".csv\n"
		"postgres (no login)     512 B   1200  -                    /tmp/\\x1B[31mred\\x0A\n");
	free(s);
}

static void csv_follows_rfc_4180(void **state)
{
	char *s = render(FORMAT_CSV, 0);

	(void)state;
	assert_string_equal(s,
		"user,bytes,files,time,path\r\n"
		"alice,12897484,3,2026-11-27T12:00:00Z,\"/data/a,b \"\"quoted\"\".csv\"\r\n"
		"postgres (no login),512,1200,,\"/tmp/\x1b[31mred\n\"\r\n");
	free(s);
}

static void json_has_exact_values_and_nulls(void **state)
{
	char *s = render(FORMAT_JSON, 1);

	(void)state;
	assert_string_equal(s,
		"{\"user\":\"alice\",\"bytes\":12897484,\"files\":3,\"time\":\"2026-11-27T12:00:00Z\",\"path\":\"/data/a,b \\\"quoted\\\".csv\"}\n"
		"{\"user\":\"postgres (no login)\",\"bytes\":512,\"files\":1200,\"time\":null,\"path\":\"/tmp/\\u001b[31mred\\n\"}\n");
	free(s);
}

static void json_arrays_and_invalid_utf8(void **state)
{
	static const struct table_col one[] = { { "path", TCOL_STR },
						{ "n", TCOL_BYTES } };
	struct table *t = table_new(FORMAT_JSON, one, 2);
	json_object *arr;

	(void)state;
	table_str(t, "/bad/\xff\xfe");
	table_u64(t, UINT64_MAX);
	arr = table_to_json(t);
	assert_string_equal(json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN),
			    "[{\"path\":\"\\/bad\\/\\\\xFF\\\\xFE\",\"n\":18446744073709551615}]");
	json_object_put(arr);
	table_free(t);
}

/* Issue 18: a name cannot reorder or break a row for people. */
static void tables_escape_bidi_c1_and_invalid_utf8(void **state)
{
	static const struct table_col one[] = { { "path", TCOL_STR },
						{ "n", TCOL_INT } };
	static const char evil[] = "/x/\xe2\x80\xaetxt.exe\xc2\x9b\xff\\x41";
	struct table *t;
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	t = table_new(FORMAT_TABLE, one, 2);
	f = open_memstream(&out, &len);
	table_str(t, evil);
	table_int(t, 1);
	table_print(t, f);
	fclose(f);
	table_free(t);
	assert_string_equal(out, "PATH                                    N\n"
			    "/x/\\xE2\\x80\\xAEtxt.exe\\xC2\\x9B\\xFF\\x41  1\n");
	free(out);
	/* JSON: the same characters escaped, losslessly. */
	t = table_new(FORMAT_JSON, one, 2);
	table_str(t, evil);
	table_int(t, 1);
	{
		json_object *arr = table_to_json(t);

		assert_string_equal(json_object_to_json_string_ext(arr,
					JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
				    "[{\"path\":\"/x/\\\\xE2\\\\x80\\\\xAEtxt.exe\\\\xC2\\\\x9B\\\\xFF\\\\\\\\x41\",\"n\":1}]");
		json_object_put(arr);
	}
	table_free(t);
}

static void human_bytes(void **state)
{
	char b[32];

	(void)state;
	assert_string_equal(table_human_bytes(0, b, sizeof(b)), "0 B");
	assert_string_equal(table_human_bytes(1023, b, sizeof(b)), "1023 B");
	assert_string_equal(table_human_bytes(1024, b, sizeof(b)), "1.00 KiB");
	assert_string_equal(table_human_bytes(10485760, b, sizeof(b)), "10.0 MiB");
	assert_string_equal(table_human_bytes(1073741824ULL * 500, b, sizeof(b)), "500 GiB");
}

/* A two-column table (user, path) rendered for people. */
static char *people(const char *user, const char *path, int print_twice)
{
	static const struct table_col two[] = { { "user", TCOL_STR },
						{ "bytes", TCOL_BYTES },
						{ "path", TCOL_STR } };
	struct table *t = table_new(FORMAT_TABLE, two, 3);
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	table_str(t, user);
	table_u64(t, 12897484);
	table_str(t, path);
	table_print(t, f);
	if (print_twice) {
		table_str(t, "bo");
		table_u64(t, 1);
		table_str(t, "/x");
		table_print(t, f);
	}
	fclose(f);
	table_free(t);
	return out;
}

/*
 * Issue 18: a table fits the width it is given ($COLUMNS here, the
 * terminal's on a terminal) by wrapping its text columns, every byte kept.
 */
static void tables_wrap_text_to_the_width(void **state)
{
	char *s;

	(void)state;
	setenv("COLUMNS", "40", 1);
	s = people("alice", "/srv/crm/customers/export-2026-11-27-full.csv", 0);
	unsetenv("COLUMNS");
	assert_string_equal(s,
		"USER      BYTES  PATH\n"
		"alice  12.3 MiB  /srv/crm/customers/expo\n"
		"                 rt-2026-11-27-full.csv\n");
	free(s);
}

/* Not a terminal and no $COLUMNS: no limit, one line per row, as before. */
static void tables_off_a_terminal_are_unlimited(void **state)
{
	char path[301];
	char *s, *want;

	(void)state;
	unsetenv("COLUMNS");
	memset(path, 'p', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	s = people("alice", path, 0);
	assert_int_equal(asprintf(&want, "USER      BYTES  PATH\n"
				  "alice  12.3 MiB  %s\n", path), (int)strlen(path) + 40);
	assert_string_equal(s, want);
	free(want);
	free(s);
}

/* Columns are as wide as their text is on screen, not its bytes. */
static void tables_align_by_display_width(void **state)
{
	char *s;

	(void)state;
	s = people("Jos\xc3\xa9", "/x", 0);
	assert_string_equal(s,
		"USER     BYTES  PATH\n"
		"Jos\xc3\xa9  12.3 MiB  /x\n");
	free(s);
}

/* A character with no width (unassigned) is escaped: wrapping cannot cut it in two. */
static void tables_escape_what_has_no_width(void **state)
{
	char *s;

	(void)state;
	s = people("x\xcd\xb8y", "/x", 0);
	assert_string_equal(s,
		"USER           BYTES  PATH\n"
		"x\\xCD\\xB8y  12.3 MiB  /x\n");
	free(s);
}

/* events --follow prints more rows later: no second header, no narrower columns. */
static void tables_printed_again_keep_header_and_widths(void **state)
{
	char *s;

	(void)state;
	s = people("alice", "/data/a", 1);
	assert_string_equal(s,
		"USER      BYTES  PATH\n"
		"alice  12.3 MiB  /data/a\n"
		"bo          1 B  /x\n");
	free(s);
}

/* --no-headings: the rows alone, still aligned. */
static void tables_without_headings(void **state)
{
	char *s;

	(void)state;
	table_headings(0);
	s = people("alice", "/data/a", 1);
	table_headings(1);
	assert_string_equal(s,
		"alice  12.3 MiB  /data/a\n"
		"bo          1 B  /x\n");
	free(s);
}

/* The width comes from the terminal itself before $COLUMNS; a pipe has none. */
static void out_width_from_the_terminal(void **state)
{
	struct winsize ws = { .ws_col = 57, .ws_row = 20 };
	int pipefd[2], m, sl;

	(void)state;
	m = posix_openpt(O_RDWR | O_NOCTTY);
	assert_true(m >= 0);
	assert_int_equal(grantpt(m), 0);
	assert_int_equal(unlockpt(m), 0);
	sl = open(ptsname(m), O_RDWR | O_NOCTTY);
	assert_true(sl >= 0);
	assert_int_equal(ioctl(sl, TIOCSWINSZ, &ws), 0);
	setenv("COLUMNS", "100", 1);
	assert_int_equal(table_out_width(sl), 57);
	ws.ws_col = 0;
	assert_int_equal(ioctl(sl, TIOCSWINSZ, &ws), 0);
	assert_int_equal(table_out_width(sl), 100);
	unsetenv("COLUMNS");
	assert_int_equal(table_out_width(sl), 80);
	assert_int_equal(pipe(pipefd), 0);
	assert_int_equal(table_out_width(pipefd[1]), 0);
	setenv("COLUMNS", "72", 1);
	assert_int_equal(table_out_width(pipefd[1]), 72);
	setenv("COLUMNS", "72x", 1);
	assert_int_equal(table_out_width(pipefd[1]), 0);
	unsetenv("COLUMNS");
	close(pipefd[0]);
	close(pipefd[1]);
	close(sl);
	close(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tables_align_for_people),
		cmocka_unit_test(csv_follows_rfc_4180),
		cmocka_unit_test(json_has_exact_values_and_nulls),
		cmocka_unit_test(json_arrays_and_invalid_utf8),
		cmocka_unit_test(tables_escape_bidi_c1_and_invalid_utf8),
		cmocka_unit_test(human_bytes),
		cmocka_unit_test(tables_wrap_text_to_the_width),
		cmocka_unit_test(tables_off_a_terminal_are_unlimited),
		cmocka_unit_test(tables_align_by_display_width),
		cmocka_unit_test(tables_escape_what_has_no_width),
		cmocka_unit_test(tables_printed_again_keep_header_and_widths),
		cmocka_unit_test(tables_without_headings),
		cmocka_unit_test(out_width_from_the_terminal),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	unsetenv("COLUMNS");
	return cmocka_run_group_tests_name("table", tests, NULL, NULL);
}
