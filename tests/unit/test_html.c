// SPDX-License-Identifier: GPL-2.0
/*
 * Text for an HTML page (html.h): what a terminal would act on is shown
 * as \xHH as text.h does, then & < > " ' become entities, so a name
 * cannot open an element, close an attribute or reorder the page.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"

static void expect(const char *in, const char *want)
{
	char *e = html_escape(in);

	assert_string_equal(e, want);
	free(e);
}

static void markup_characters_become_entities(void **state)
{
	(void)state;
	expect("<script>alert('x')</script>",
	       "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
	expect("a\" onmouseover=\"b", "a&quot; onmouseover=&quot;b");
	/* An entity in a name is shown, not decoded. */
	expect("&amp; &#x3c;", "&amp;amp; &amp;#x3c;");
	expect("plain /data/customers/0001.json", "plain /data/customers/0001.json");
	assert_null(html_escape(NULL));
}

static void controls_and_bad_utf8_are_shown_as_bytes(void **state)
{
	(void)state;
	/* ESC, CR, LF, NUL-free C0, DEL. */
	expect("a\x1b[2Jb\rc\nd\x7f", "a\\x1B[2Jb\\x0Dc\\x0Ad\\x7F");
	/* U+202E (RIGHT-TO-LEFT OVERRIDE) would reorder the rest of the line. */
	expect("invoice\xe2\x80\xaegpj.exe", "invoice\\xE2\\x80\\xAEgpj.exe");
	/* Invalid UTF-8 and a C1 control. */
	expect("\xff\xc0\xaf\xc2\x9b", "\\xFF\\xC0\\xAF\\xC2\\x9B");
	/* Both at once: the escapes themselves hold nothing HTML reads. */
	expect("<\x1b>", "&lt;\\x1B&gt;");
	/* Other scripts are shown as they are. */
	expect("caf\xc3\xa9 \xe4\xb8\xad", "caf\xc3\xa9 \xe4\xb8\xad");
}

static void printf_escapes_arguments_not_the_format(void **state)
{
	FILE *f = tmpfile();
	char buf[256];
	size_t n;

	(void)state;
	assert_non_null(f);
	html_fprintf(f, "<td class=\"%s\">%5d %s%c</td>", "a\"b", 42, "<b>", '&');
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	assert_string_equal(buf, "<td class=\"a&quot;b\">   42 &lt;b&gt;&amp;</td>");
	fclose(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(markup_characters_become_entities),
		cmocka_unit_test(controls_and_bad_utf8_are_shown_as_bytes),
		cmocka_unit_test(printf_escapes_arguments_not_the_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
