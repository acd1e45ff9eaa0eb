// SPDX-License-Identifier: GPL-2.0
/*
 * daudit monitor's command line (reading records needs the device: the VM
 * suites test that).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "cli.h"
#include "../../userspace/daudit/monitor.c"

/* Issue 18 item 7: -f is --format in every verb; --follow is -F as in events. */
static void f_means_format_everywhere(void **state)
{
	struct cli c;

	(void)state;
	cli_run(&c, cmd_monitor, "monitor", "-f", END);
	assert_int_equal(c.status, 2);
	assert_string_equal(c.err, "daudit: monitor: -f is --format in every verb, and monitor writes ECS JSON only; --follow is -F\n");
	assert_string_equal(c.out, "");
	cli_free(&c);
	cli_run(&c, cmd_monitor, "monitor", "--help", END);
	assert_int_equal(c.status, 0);
	assert_non_null(strstr(c.out, "  -F, --follow      keep printing"));
	cli_free(&c);
	cli_run(&c, cmd_monitor, "monitor", "--type", "read", END);
	assert_int_equal(c.status, 2);
	assert_non_null(strstr(c.err, "monitor: unknown record type 'read' (file_read, socket_read,"));
	cli_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(f_means_format_everywhere),
	};

	util_progname = "daudit";
	return cmocka_run_group_tests_name("verb_monitor", tests, NULL, NULL);
}
