// SPDX-License-Identifier: GPL-2.0
/* --format argument parsing shared by every command. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "format.h"

static void known_formats_parse(void **state)
{
	(void)state;
	assert_int_equal(format_parse("table"), FORMAT_TABLE);
	assert_int_equal(format_parse("json"), FORMAT_JSON);
	assert_int_equal(format_parse("csv"), FORMAT_CSV);
}

static void unknown_formats_are_refused(void **state)
{
	(void)state;
	assert_int_equal(format_parse("xml"), -1);
	assert_int_equal(format_parse(""), -1);
	assert_int_equal(format_parse("JSON"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(known_formats_parse),
		cmocka_unit_test(unknown_formats_are_refused),
	};

	return cmocka_run_group_tests_name("format", tests, NULL, NULL);
}
