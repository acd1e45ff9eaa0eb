// SPDX-License-Identifier: GPL-2.0
/*
 * The escaping rule of ecs.h: arbitrary bytes as lossless UTF-8, its
 * documented examples, random bytes both ways, and extra escaped bytes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecs.h"
#include "utf8.h"

static void check_escape(const char *in, size_t len, const char *want)
{
	char *e = ecs_escape(in, len);
	char *back = malloc(strlen(e) + 1);

	assert_non_null(back);
	assert_string_equal(e, want);
	assert_int_equal(ecs_unescape(e, back), len);
	assert_memory_equal(back, in, len);
	free(back);
	free(e);
}

#define ESC(in, want) check_escape(in, sizeof(in) - 1, want)

static void escaping_follows_the_documented_rule(void **state)
{
	(void)state;
	/* Valid UTF-8 passes unchanged, including lone backslashes. */
	ESC("plain /path", "plain /path");
	ESC("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	ESC("a\\b", "a\\b");
	ESC("end\\", "end\\");
	ESC("\\n\\t\\", "\\n\\t\\");
	ESC("q\"|=]\n\t\x01\x7f", "q\"|=]\n\t\x01\x7f");
	ESC("\\xg1 \\x1", "\\xg1 \\x1");
	/* Bytes that start no well-formed sequence: one escape each. */
	ESC("\x80", "\\x80");
	ESC("a\xff" "b", "a\\xFFb");
	ESC("\xc3", "\\xC3");
	ESC("\xe2\x82", "\\xE2\\x82");
	ESC("\xe2\x82z", "\\xE2\\x82z");
	ESC("\xc0\xaf", "\\xC0\\xAF");			/* overlong '/' */
	ESC("\xe0\x80\xaf", "\\xE0\\x80\\xAF");		/* overlong */
	ESC("\xed\xa0\x80", "\\xED\\xA0\\x80");		/* surrogate */
	ESC("\xf4\x90\x80\x80", "\\xF4\\x90\\x80\\x80");	/* > U+10FFFF */
	ESC("\xf5", "\\xF5");
	check_escape("a\0b", 3, "a\\x00b");
	/* A backslash that would read as an escape is doubled. */
	ESC("\\x41", "\\\\x41");
	ESC("\\xfF", "\\\\xfF");
	ESC("\\\\", "\\\\\\");
	ESC("\\\\\\", "\\\\\\\\\\");
	ESC("\\\xff", "\\\\\\xFF");
	ESC("\\x4", "\\x4");
}

/* Deterministic random strings over the characters that matter. */
static void escaping_roundtrips_random_bytes(void **state)
{
	static const char alphabet[] = "\\\\\\xxX0aFg/\"\n";
	uint32_t seed = 12345;
	int round;

	(void)state;
	for (round = 0; round < 20000; round++) {
		unsigned char in[24];
		size_t len, i;
		char *e, *back;

		seed = seed * 1103515245 + 12345;
		len = (seed >> 16) % sizeof(in);
		for (i = 0; i < len; i++) {
			seed = seed * 1103515245 + 12345;
			in[i] = (seed >> 24) & 1 ? (unsigned char)(seed >> 16) :
				(unsigned char)alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
		}
		e = ecs_escape((const char *)in, len);
		assert_true(valid_utf8((const unsigned char *)e, strlen(e)));
		back = malloc(strlen(e) + 1);
		assert_non_null(back);
		assert_int_equal(ecs_unescape(e, back), len);
		assert_memory_equal(back, in, len);
		free(back);
		free(e);
	}
}

static void escaping_more_bytes_decodes_the_same_way(void **state)
{
	static const uint32_t ctl[8] = { 0xffffffffU, 0, 0, 1U << 28 | 1U << 31 };
	static const char in[] = "a\tb\nc|d\\\te\\x41\xff\x7f";
	char *e, *back;

	(void)state;
	e = ecs_escape_set(in, sizeof(in) - 1, ctl);
	/* Tab, LF, '|', DEL escaped; a backslash before an escape doubled. */
	assert_string_equal(e, "a\\x09b\\x0Ac\\x7Cd\\\\\\x09e\\\\x41\\xFF\\x7F");
	back = malloc(strlen(e) + 1);
	assert_non_null(back);
	assert_int_equal(ecs_unescape(e, back), sizeof(in) - 1);
	assert_memory_equal(back, in, sizeof(in) - 1);
	free(back);
	free(e);
	/* No extra set: the plain rule. */
	e = ecs_escape_set(in, sizeof(in) - 1, NULL);
	assert_string_equal(e, "a\tb\nc|d\\\te\\\\x41\\xFF\x7f");
	free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escaping_follows_the_documented_rule),
		cmocka_unit_test(escaping_roundtrips_random_bytes),
		cmocka_unit_test(escaping_more_bytes_decodes_the_same_way),
	};

	return cmocka_run_group_tests_name("escape", tests, NULL, NULL);
}
