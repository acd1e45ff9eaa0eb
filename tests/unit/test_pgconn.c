// SPDX-License-Identifier: GPL-2.0
/*
 * The fleet store's URL as the tools show it (pgconn_url_shown()): as
 * given, but never with a password, in the user part or a parameter.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "pgconn.h"

static void shown(const char *url, const char *want)
{
	char buf[256];

	assert_string_equal(pgconn_url_shown(url, buf, sizeof(buf)), want);
}

static void a_url_is_shown_without_its_password(void **state)
{
	(void)state;
	shown("postgresql://daudit@db/daudit?sslmode=verify-full",
	      "postgresql://daudit@db/daudit?sslmode=verify-full");
	shown("postgresql://daudit:s3cret@db/daudit",
	      "postgresql://daudit@db/daudit");
	shown("postgres://a:p%40ss@h1:5432,h2/db?password=zz",
	      "postgres://a@h1:5432,h2/db");
	shown("postgresql://daudit@/daudit?password=x&host=/run/pg&port=5433",
	      "postgresql://daudit@/daudit?host=/run/pg&port=5433");
	shown("postgresql://u@h/d?sslmode=require&password=p&x=1#frag",
	      "postgresql://u@h/d?sslmode=require&x=1#frag");
	shown("postgresql://u:p@h", "postgresql://u@h");
	shown("postgresql://h", "postgresql://h");
	shown("pgsql://u:secret@h/d", "pgsql://u@h/d");
}

static void a_short_buffer_is_cut_not_overrun(void **state)
{
	char buf[12];

	(void)state;
	pgconn_url_shown("postgresql://daudit:secret@db/daudit", buf,
			 sizeof(buf));
	assert_string_equal(buf, "postgresql:");
	assert_null(strstr(buf, "secret"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_url_is_shown_without_its_password),
		cmocka_unit_test(a_short_buffer_is_cut_not_overrun),
	};

	return cmocka_run_group_tests_name("pgconn", tests, NULL, NULL);
}
