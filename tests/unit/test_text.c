// SPDX-License-Identifier: GPL-2.0
/*
 * Text for a person's terminal (text.h): what a terminal would act on is
 * shown as \xHH, everything else as it is, and text_printf() escapes
 * every string argument while formatting the rest as printf(3) does.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecs.h"
#include "text.h"

static void expect(const char *in, const char *want)
{
	char *e = text_escape(in);

	assert_string_equal(e, want);
	free(e);
}

static void what_a_terminal_acts_on_is_escaped(void **state)
{
	(void)state;
	/* C0 controls (ESC, CR, LF, BEL, TAB) and DEL. */
	expect("a\x1b[2Jb\rc\nd\ae\tf\x7fg", "a\\x1B[2Jb\\x0Dc\\x0Ad\\x07e\\x09f\\x7Fg");
	/* Invalid UTF-8: a stray continuation, an overlong '/', a cut sequence, 0xFF. */
	expect("\x80/\xc0\xaf/\xe2\x80/\xff", "\\x80/\\xC0\\xAF/\\xE2\\x80/\\xFF");
	/* A surrogate and a code point above U+10FFFF. */
	expect("\xed\xa0\x80|\xf4\x90\x80\x80", "\\xED\\xA0\\x80|\\xF4\\x90\\x80\\x80");
	/* C1 controls: U+0085 and U+009B (CSI for some terminals). */
	expect("\xc2\x85\xc2\x9b" "31m", "\\xC2\\x85\\xC2\\x9B31m");
	/* Every bidirectional control. */
	expect("\xd8\x9c\xe2\x80\x8e\xe2\x80\x8f\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac"
	       "\xe2\x80\xad\xe2\x80\xae\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9",
	       "\\xD8\\x9C\\xE2\\x80\\x8E\\xE2\\x80\\x8F\\xE2\\x80\\xAA\\xE2\\x80\\xAB"
	       "\\xE2\\x80\\xAC\\xE2\\x80\\xAD\\xE2\\x80\\xAE\\xE2\\x81\\xA6"
	       "\\xE2\\x81\\xA7\\xE2\\x81\\xA8\\xE2\\x81\\xA9");
}

static void other_text_is_shown_as_it_is(void **state)
{
	(void)state;
	/* Letters of other scripts, U+00A0, U+2028's neighbours, emoji. */
	expect("caf\xc3\xa9 \xe4\xb8\xad \xc2\xa0 \xe2\x80\xa9 \xe2\x81\xaa \xf0\x9f\x93\x81",
	       "caf\xc3\xa9 \xe4\xb8\xad \xc2\xa0 \xe2\x80\xa9 \xe2\x81\xaa \xf0\x9f\x93\x81");
	/* A backslash is never doubled: escaping twice changes nothing. */
	expect("C:\\x41\\", "C:\\x41\\");
	expect("a\\x1B[2J\\xE2\\x80\\xAE", "a\\x1B[2J\\xE2\\x80\\xAE");
	assert_null(text_escape(NULL));
}

static char *printed(const char *fmt, ...) UTIL_PRINTF(1, 2);

static char *printed(const char *fmt, ...)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = text_vfprintf(f, fmt, ap);
	va_end(ap);
	fclose(f);
	assert_int_equal(n, (int)len);
	return out;
}

static void printf_escapes_strings_and_formats_the_rest(void **state)
{
	char *s;

	(void)state;
	s = printed("%s|%-6s|%6s|%.3s|%-*s|%c|%c|%%\n", "a\x1b", "b\r", "\xe2\x80\xae",
		    "abcdef", 4, "x", 'y', '\a');
	assert_string_equal(s, "a\\x1B|b\\x0D |\\xE2\\x80\\xAE|abc|x   |y|\\x07|%\n");
	free(s);
	s = printed("%d %5u %-3x %X %o %ld %lld %zu %zd %" PRId64 " %" PRIu64 " %" PRIx64
		    " %hhd %hu %jd %.2f %5.1e %g %%",
		    -42, 7U, 255U, 255U, 8U, -1L, -2LL, (size_t)3, (ssize_t)-4,
		    INT64_MIN, UINT64_MAX, (uint64_t)0xabc, 300, 70000, (intmax_t)-9,
		    3.14159, 12345.6, 0.5);
	assert_string_equal(s, "-42     7 ff  FF 10 -1 -2 3 -4 -9223372036854775808 "
			    "18446744073709551615 abc 44 4464 -9 3.14 1.2e+04 0.5 %");
	free(s);
	s = printed("%*d|%-*.*s|%08.3f|%+d|% d|%#x", 5, 12, 6, 2, "\x1bxyz", 3.5, 4, 5, 255U);
	assert_string_equal(s, "   12|\\x    |0003.500|+4| 5|0xff");
	free(s);
}

static void json_escaping_for_people_decodes_back(void **state)
{
	static const char in[] = "a\x1b\xe2\x80\xae\xc2\x9b\\x41\xff";
	char *e, back[sizeof(in)];

	(void)state;
	e = ecs_escape_shown(in, sizeof(in) - 1, NULL);
	/* C0 left to JSON; the bidi and C1 controls escaped; "\x41" kept apart. */
	assert_string_equal(e, "a\x1b\\xE2\\x80\\xAE\\xC2\\x9B\\\\x41\\xFF");
	assert_int_equal(ecs_unescape(e, back), sizeof(in) - 1);
	assert_memory_equal(back, in, sizeof(in) - 1);
	free(e);
	/* The collector's rule is unchanged: bidi stays as it is there. */
	e = ecs_escape(in, sizeof(in) - 1);
	assert_string_equal(e, "a\x1b\xe2\x80\xae\xc2\x9b\\\\x41\\xFF");
	free(e);
}

/* daudit monitor's ECS: the same JSON value, nothing a terminal acts on. */
static void json_for_a_terminal_is_the_same_value(void **state)
{
	static const char evil[] = "a\x1b[2J\x7f\xc2\x9b" "31m\xe2\x80\xae"
				   "txt\xe2\x81\xa6\xd8\x9c\xc3\xa9\xf0\x9f\x93\x81";
	json_object *o = json_object_new_object(), *back;
	char *shown;
	size_t i, len;

	(void)state;
	json_object_object_add(o, "path", json_object_new_string(evil));
	shown = text_json(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	assert_string_equal(shown, "{\"path\":\"a\\u001b[2J\\u007f\\u009b31m\\u202etxt"
			    "\\u2066\\u061c\xc3\xa9\xf0\x9f\x93\x81\"}");
	len = strlen(shown);
	for (i = 0; i < len; i++)
		assert_true(ecs_shown_len(shown + i, len - i) || (shown[i] & 0xc0) == 0x80);
	back = json_tokener_parse(shown);
	assert_non_null(back);
	assert_string_equal(json_object_get_string(json_object_object_get(back, "path")), evil);
	json_object_put(back);
	json_object_put(o);
	free(shown);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(what_a_terminal_acts_on_is_escaped),
		cmocka_unit_test(other_text_is_shown_as_it_is),
		cmocka_unit_test(printf_escapes_strings_and_formats_the_rest),
		cmocka_unit_test(json_escaping_for_people_decodes_back),
		cmocka_unit_test(json_for_a_terminal_is_the_same_value),
	};

	return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
