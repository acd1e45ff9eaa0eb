// SPDX-License-Identifier: GPL-2.0
/*
 * The policy: text grammar, every error message with its line and token,
 * the limits, the binary layout, the decoder refusing each kind of
 * corruption, and the round trip text -> binary -> text -> binary.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy.h"

#define HDR	sizeof(struct daudit_policy_header)
#define DSZ	sizeof(struct daudit_policy_dataset)
#define SSZ	sizeof(struct daudit_policy_source)

/* The example of docs/policy.md: every kind of source. */
static const char example[] =
	"# comments run from '#' to end of line; blank lines ignored\n"
	"dataset customers {\n"
	"    tree /srv/data/customers          # a directory and everything below it\n"
	"    file /srv/exports/vip.csv         # one file\n"
	"    reader /usr/lib/postgresql/15/bin/postgres   # trusted reader\n"
	"    unix /run/postgresql/.s.PGSQL.5432\n"
	"    tcp 10.1.2.3 port 5432\n"
	"    tcp 10.0.0.0/8 port 5432-5440\n"
	"    tcp 2001:db8::/32 port 5432\n"
	"    udp ::1 port 53\n"
	"}\n"
	"\n"
	"dataset \"hr-records\" { tree \"/srv/hr data\" }     # quoted\n";

static const char example_canonical[] =
	"dataset customers {\n"
	"\ttree /srv/data/customers\n"
	"\tfile /srv/exports/vip.csv\n"
	"\treader /usr/lib/postgresql/15/bin/postgres\n"
	"\tunix /run/postgresql/.s.PGSQL.5432\n"
	"\ttcp 10.1.2.3 port 5432\n"
	"\ttcp 10.0.0.0/8 port 5432-5440\n"
	"\ttcp 2001:db8::/32 port 5432\n"
	"\tudp ::1 port 53\n"
	"}\n"
	"\n"
	"dataset hr-records {\n"
	"\ttree \"/srv/hr data\"\n"
	"}\n";

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

struct text {
	char *s;
	size_t len;
	FILE *f;
};

static FILE *text_open(struct text *t)
{
	t->f = open_memstream(&t->s, &t->len);
	assert_non_null(t->f);
	return t->f;
}

static char *text_close(struct text *t)
{
	fclose(t->f);
	return t->s;
}

/* Parse @src as file "p"; every error as printed, "" if none. */
static char *errors_of_len(const char *src, size_t len)
{
	struct policy p;
	struct text t;

	policy_parse_string(&p, "p", src, len);
	policy_print_errors(&p, text_open(&t));
	policy_free(&p);
	return text_close(&t);
}

static char *errors_of(const char *src)
{
	return errors_of_len(src, strlen(src));
}

static void expect_errors(const char *src, const char *want)
{
	char *got = errors_of(src);

	if (strcmp(got, want))
		print_error("policy:\n%s\nwant errors:\n%s\ngot:\n%s\n", src,
			    want, got);
	assert_string_equal(got, want);
	free(got);
}

static void parse_ok(struct policy *p, const char *src)
{
	unsigned int n = policy_parse_string(p, "p", src, strlen(src));

	if (n) {
		policy_print_errors(p, stderr);
		fail_msg("%u unexpected errors", n);
	}
}

static void *encode_ok(const char *src, size_t *len)
{
	struct policy p;
	void *blob;

	parse_ok(&p, src);
	assert_int_equal(policy_encode(&p, &blob, len), 0);
	assert_int_equal(*len, policy_encoded_size(&p));
	policy_free(&p);
	return blob;
}

static char *print_of(const struct policy *p)
{
	struct text t;

	policy_print(p, text_open(&t));
	return text_close(&t);
}

/* Decode must succeed; returns the canonical text. */
static char *decode_print(const void *blob, size_t len)
{
	struct policy_decode_error e;
	struct policy p;
	char *s;

	if (policy_decode(&p, blob, len, &e))
		fail_msg("decode: kind %u item %u: %s", e.kind, e.item, e.msg);
	s = print_of(&p);
	policy_free(&p);
	return s;
}

/* Decode must fail with @kind and @item; returns the message. */
static void expect_decode_error(const void *blob, size_t len, uint32_t kind,
				uint32_t item, const char *msg_part)
{
	struct policy_decode_error e;
	struct policy p;

	if (policy_decode(&p, blob, len, &e) == 0) {
		policy_free(&p);
		fail_msg("decode accepted a corrupt policy (want: %s)", msg_part);
	}
	if (e.kind != kind || e.item != item || !strstr(e.msg, msg_part))
		fail_msg("want kind %u item %u '%s', got kind %u item %u '%s'",
			 kind, item, msg_part, e.kind, e.item, e.msg);
	assert_int_equal(p.n_datasets, 0);
	assert_int_equal(p.n_sources, 0);
}

static struct daudit_policy_header *hdr(void *blob)
{
	return blob;
}

static struct daudit_policy_dataset *ds_at(void *blob, unsigned int i)
{
	return (void *)((char *)blob + HDR + i * DSZ);
}

static struct daudit_policy_source *src_at(void *blob, unsigned int i)
{
	return (void *)((char *)blob + HDR + hdr(blob)->n_datasets * DSZ +
			i * SSZ);
}

static char *strings_of(void *blob)
{
	return (char *)src_at(blob, hdr(blob)->n_sources);
}

/* A copy of the example's binary to corrupt. */
static void *example_blob(size_t *len)
{
	return encode_ok(example, len);
}

static void zero_lines(void *blob)
{
	uint32_t i;

	for (i = 0; i < hdr(blob)->n_sources; i++)
		src_at(blob, i)->line = 0;
}

/* A growing string for generated policies. */
struct gen {
	char *s;
	size_t len;
	size_t cap;
};

static void gen_add(struct gen *g, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(g->s + g->len, g->cap - g->len, fmt, ap);
		va_end(ap);
		if ((size_t)n < g->cap - g->len)
			break;
		g->cap = 2 * g->cap + (size_t)n + 4096;
		g->s = realloc(g->s, g->cap);
		assert_non_null(g->s);
	}
	g->len += n;
}

/* ------------------------------------------------------------------ */
/* Grammar                                                             */
/* ------------------------------------------------------------------ */

static void example_parses_to_every_field(void **state)
{
	const struct policy_source *s;
	uint8_t v4[4], v6[16];
	struct policy p;

	(void)state;
	parse_ok(&p, example);
	assert_int_equal(p.n_datasets, 2);
	assert_int_equal(p.n_sources, 9);
	assert_string_equal(p.datasets[0].name, "customers");
	assert_int_equal(p.datasets[0].line, 2);
	assert_int_equal(p.datasets[0].n_sources, 8);
	assert_int_equal(p.datasets[0].n_protected, 7);
	assert_string_equal(p.datasets[1].name, "hr-records");
	assert_int_equal(p.datasets[1].line, 13);

	s = &p.sources[0];
	assert_int_equal(s->type, DAUDIT_SRC_TREE);
	assert_string_equal(s->path, "/srv/data/customers");
	assert_int_equal(s->path_len, strlen("/srv/data/customers"));
	assert_int_equal(s->line, 3);
	assert_int_equal(s->family, 0);
	assert_int_equal(p.sources[1].type, DAUDIT_SRC_FILE);
	assert_int_equal(p.sources[1].line, 4);
	assert_int_equal(p.sources[2].type, DAUDIT_SRC_READER);
	assert_string_equal(p.sources[2].path,
			    "/usr/lib/postgresql/15/bin/postgres");
	assert_int_equal(p.sources[3].type, DAUDIT_SRC_UNIX);
	assert_string_equal(p.sources[3].path, "/run/postgresql/.s.PGSQL.5432");

	s = &p.sources[4];
	assert_int_equal(s->type, DAUDIT_SRC_TCP);
	assert_int_equal(s->family, AF_INET);
	assert_int_equal(s->prefix_len, 32);
	inet_pton(AF_INET, "10.1.2.3", v4);
	assert_memory_equal(s->addr, v4, 4);
	assert_int_equal(s->addr[4], 0);
	assert_int_equal(s->port_lo, 5432);
	assert_int_equal(s->port_hi, 5432);
	assert_null(s->path);
	assert_int_equal(s->line, 7);

	s = &p.sources[5];
	assert_int_equal(s->prefix_len, 8);
	assert_int_equal(s->addr[0], 10);
	assert_int_equal(s->port_lo, 5432);
	assert_int_equal(s->port_hi, 5440);

	s = &p.sources[6];
	assert_int_equal(s->family, AF_INET6);
	assert_int_equal(s->prefix_len, 32);
	inet_pton(AF_INET6, "2001:db8::", v6);
	assert_memory_equal(s->addr, v6, 16);

	s = &p.sources[7];
	assert_int_equal(s->type, DAUDIT_SRC_UDP);
	assert_int_equal(s->family, AF_INET6);
	assert_int_equal(s->prefix_len, 128);
	assert_int_equal(s->addr[15], 1);
	assert_int_equal(s->port_lo, 53);

	s = &p.sources[8];
	assert_int_equal(s->type, DAUDIT_SRC_TREE);
	assert_int_equal(s->dataset, 1);
	assert_string_equal(s->path, "/srv/hr data");
	assert_int_equal(s->line, 13);
	policy_free(&p);
}

static void comments_blank_lines_and_crlf(void **state)
{
	struct policy p;

	(void)state;
	parse_ok(&p,
		 "\n\n   # only a comment\n"
		 "dataset a {   # comment after a brace\r\n"
		 "\r\n"
		 "\ttree /srv/a#b   # '#' inside a word is part of it\r\n"
		 "\t#tree /commented/out\n"
		 "}# comment right after a brace\n"
		 "# last line without newline");
	assert_int_equal(p.n_sources, 1);
	assert_string_equal(p.sources[0].path, "/srv/a#b");
	assert_int_equal(p.sources[0].line, 6);
	policy_free(&p);
}

static void quoting_and_escapes(void **state)
{
	struct policy p;

	(void)state;
	parse_ok(&p,
		 "dataset \"q\" {\n"
		 "\ttree \"/srv/with space\"\n"
		 "\tfile \"/srv/quote\\\"d\"\n"
		 "\tfile \"/srv/back\\\\slash\"\n"
		 "\tfile \"/srv/{braces};semi#hash\"\n"
		 "\tfile /srv/caf\xc3\xa9\n"
		 "}\n");
	assert_string_equal(p.datasets[0].name, "q");
	assert_string_equal(p.sources[0].path, "/srv/with space");
	assert_string_equal(p.sources[1].path, "/srv/quote\"d");
	assert_string_equal(p.sources[2].path, "/srv/back\\slash");
	assert_string_equal(p.sources[3].path, "/srv/{braces};semi#hash");
	assert_string_equal(p.sources[4].path, "/srv/caf\xc3\xa9");
	policy_free(&p);
}

static void one_line_datasets_and_semicolons(void **state)
{
	struct policy p;

	(void)state;
	parse_ok(&p,
		 "dataset \"hr-records\" { tree \"/srv/hr data\" }\n"
		 "dataset b { tree /b; file /c ; unix /d;tcp 10.0.0.1 port 1;}\n"
		 "dataset c{tree /e}dataset d {tree /f};\n"
		 "dataset\ne\n{\ntree /g\n\n}\n");
	assert_int_equal(p.n_datasets, 5);
	assert_int_equal(p.n_sources, 8);
	assert_string_equal(p.datasets[0].name, "hr-records");
	assert_int_equal(p.datasets[1].n_sources, 4);
	assert_int_equal(p.sources[4].port_lo, 1);
	assert_string_equal(p.datasets[3].name, "d");
	assert_string_equal(p.datasets[4].name, "e");
	assert_int_equal(p.datasets[4].line, 4);
	assert_int_equal(p.sources[7].line, 7);
	policy_free(&p);
}

static void endpoints(void **state)
{
	struct policy p;

	(void)state;
	parse_ok(&p,
		 "dataset n {\n"
		 "\ttcp 0.0.0.0/0 port 1-65535\n"
		 "\tudp ::/0 port 65535\n"
		 "\ttcp 192.168.1.128/25 port 80\n"
		 "\ttcp fe80::1:2 port 00443\n"
		 "\tudp \"10.0.0.7\" port 53\n"
		 "}\n");
	assert_int_equal(p.sources[0].prefix_len, 0);
	assert_int_equal(p.sources[0].port_lo, 1);
	assert_int_equal(p.sources[0].port_hi, 65535);
	assert_int_equal(p.sources[1].family, AF_INET6);
	assert_int_equal(p.sources[1].prefix_len, 0);
	assert_int_equal(p.sources[2].addr[3], 128);
	assert_int_equal(p.sources[2].prefix_len, 25);
	assert_int_equal(p.sources[3].addr[0], 0xfe);
	assert_int_equal(p.sources[3].addr[14], 0);
	assert_int_equal(p.sources[3].addr[15], 2);
	assert_int_equal(p.sources[3].port_lo, 443);
	assert_int_equal(p.sources[4].type, DAUDIT_SRC_UDP);
	policy_free(&p);
}

/* Things that look alike but are allowed. */
static void allowed_overlaps(void **state)
{
	struct policy p;

	(void)state;
	parse_ok(&p,
		 "dataset a {\n"
		 "\ttree /srv\n"
		 "\ttree /srv/inner\n"		/* nested within one dataset */
		 "\tfile /srv/inner/f\n"
		 "\treader /usr/bin/pg\n"
		 "\tfile /usr/bin/pg\n"		/* a reader may be protected too */
		 "\ttcp 10.0.0.0/8 port 5432\n"
		 "\ttcp 10.1.0.0/16 port 5432\n"	/* nested, same dataset */
		 "\tudp 10.0.0.0/8 port 5432\n"	/* other protocol */
		 "}\n"
		 "dataset b {\n"
		 "\treader /usr/bin/pg\n"		/* readers may be shared */
		 "\ttree /srvx\n"			/* a sibling, not inside /srv */
		 "\ttcp 10.0.0.0/8 port 3306\n"	/* other ports */
		 "\ttcp 11.0.0.0/8 port 5432\n"	/* other network */
		 "\ttcp ::/0 port 5432\n"		/* other family */
		 "}\n");
	assert_int_equal(p.n_sources, 13);
	policy_free(&p);
}

/* ------------------------------------------------------------------ */
/* Every error message, with its line and token                        */
/* ------------------------------------------------------------------ */

/* A dataset whose line 3 is @src. */
#define L3(src) "dataset a {\n\ttree /ok\n\t" src "\n}\n"

static void source_errors(void **state)
{
	static const struct {
		const char *src;
		const char *want;
	} cases[] = {
		{ L3("tree srv/data"), "p:3: path must be absolute: 'srv/data'\n" },
		{ L3("file /a/./b"), "p:3: path has a '.' or '..' component: '/a/./b'\n" },
		{ L3("file /a/../b"), "p:3: path has a '.' or '..' component: '/a/../b'\n" },
		{ L3("tree /a/.."), "p:3: path has a '.' or '..' component: '/a/..'\n" },
		{ L3("tree /."), "p:3: path has a '.' or '..' component: '/.'\n" },
		{ L3("tree /a//b"), "p:3: path has an empty component ('//'): '/a//b'\n" },
		{ L3("tree //"), "p:3: path must not end with '/': '//'\n" },
		{ L3("unix /a/"), "p:3: path must not end with '/': '/a/'\n" },
		{ L3("reader \"\""), "p:3: path is empty: ''\n" },
		{ L3("tree"), "p:3: missing path: 'tree'\n" },
		{ L3("tcp"), "p:3: missing address: 'tcp'\n" },
		{ L3("tree;"), "p:3: missing path: 'tree'\n" },
		{ L3("tree {"), "p:3: expected a path after 'tree': '{'\n" },
		{ L3("udp {"), "p:3: expected an address after 'udp': '{'\n" },
		{ L3("tree /b port 5"), "p:3: 'port' is only for tcp and udp: 'port'\n" },
		{ L3("tree /b extra"),
		  "p:3: unexpected text after the source (one source per line, or separate them with ';'): 'extra'\n" },
		{ L3("tree /b /c"),
		  "p:3: unexpected text after the source (one source per line, or separate them with ';'): '/c'\n" },
		{ L3("foo /b"),
		  "p:3: unknown source kind (tree, file, device, reader, app, unix, tcp or udp): 'foo'\n" },
		{ L3("TREE /b"),
		  "p:3: unknown source kind (tree, file, device, reader, app, unix, tcp or udp): 'TREE'\n" },
		{ L3("\"tree\" /b"),
		  "p:3: expected a source kind (tree, file, reader, app, unix, tcp or udp): 'tree'\n" },
		{ L3("{"),
		  "p:3: expected a source kind (tree, file, reader, app, unix, tcp or udp): '{'\n" },
		{ L3("tcp 10.1.2.3"), "p:3: tcp needs a port ('port N' or 'port N-M'): '10.1.2.3'\n" },
		{ L3("udp ::1 53"), "p:3: expected 'port' after the address: '53'\n" },
		{ L3("tcp 10.1.2.3 port"), "p:3: missing port number: 'port'\n" },
		{ L3("tcp 10.1.2.3 port 0"), "p:3: port 0 cannot be protected (ports are 1-65535): '0'\n" },
		{ L3("tcp 10.1.2.3 port 0-5"), "p:3: port 0 cannot be protected (ports are 1-65535): '0-5'\n" },
		{ L3("tcp 10.1.2.3 port 65536"), "p:3: port must be a number 1-65535 or a range N-M: '65536'\n" },
		{ L3("tcp 10.1.2.3 port 123456"), "p:3: port must be a number 1-65535 or a range N-M: '123456'\n" },
		{ L3("tcp 10.1.2.3 port 5-"), "p:3: port must be a number 1-65535 or a range N-M: '5-'\n" },
		{ L3("tcp 10.1.2.3 port -5"), "p:3: port must be a number 1-65535 or a range N-M: '-5'\n" },
		{ L3("tcp 10.1.2.3 port +5"), "p:3: port must be a number 1-65535 or a range N-M: '+5'\n" },
		{ L3("tcp 10.1.2.3 port 1-2-3"), "p:3: port must be a number 1-65535 or a range N-M: '1-2-3'\n" },
		{ L3("tcp 10.1.2.3 port https"), "p:3: port must be a number 1-65535 or a range N-M: 'https'\n" },
		{ L3("tcp 10.1.2.3 port 9-8"), "p:3: port range is reversed: '9-8'\n" },
		{ L3("tcp 10.1.2.3/33 port 1"), "p:3: prefix length must be 0-32 for IPv4: '10.1.2.3/33'\n" },
		{ L3("tcp ::1/129 port 1"), "p:3: prefix length must be 0-128 for IPv6: '::1/129'\n" },
		{ L3("tcp 10.0.0.0/ port 1"), "p:3: prefix length must be 0-32 for IPv4: '10.0.0.0/'\n" },
		{ L3("tcp 10.0.0.0/x port 1"), "p:3: prefix length must be 0-32 for IPv4: '10.0.0.0/x'\n" },
		{ L3("tcp 10.0.0.0/-8 port 1"), "p:3: prefix length must be 0-32 for IPv4: '10.0.0.0/-8'\n" },
		{ L3("tcp 10.1.2.3/8 port 1"),
		  "p:3: host bits set beyond the prefix (the network is 10.0.0.0/8): '10.1.2.3/8'\n" },
		{ L3("tcp 2001:db8::1/32 port 1"),
		  "p:3: host bits set beyond the prefix (the network is 2001:db8::/32): '2001:db8::1/32'\n" },
		{ L3("tcp 300.1.1.1 port 1"), "p:3: not an IPv4 or IPv6 address: '300.1.1.1'\n" },
		{ L3("tcp 10.1.2 port 1"), "p:3: not an IPv4 or IPv6 address: '10.1.2'\n" },
		{ L3("tcp example.com port 1"), "p:3: not an IPv4 or IPv6 address: 'example.com'\n" },
		{ L3("tcp fe80::1%eth0 port 1"), "p:3: not an IPv4 or IPv6 address: 'fe80::1%eth0'\n" },
		{ L3("tcp [::1] port 1"), "p:3: not an IPv4 or IPv6 address: '[::1]'\n" },
		{ L3("tcp /srv port 1"), "p:3: not an IPv4 or IPv6 address: '/srv'\n" },
		{ L3("tcp ::ffff:10.0.0.1 port 1"),
		  "p:3: IPv4-mapped IPv6 address (write it as IPv4): '::ffff:10.0.0.1'\n" },
		{ L3("tree \"/unterminated"), "p:3: unterminated quoted string: '\"/unterminated'\n" },
		{ L3("tree \"/a\\nb\""), "p:3: unknown escape in quoted string (only \\\", \\\\ and \\xHH): '\\n'\n" },
		{ L3("tree \"/a\tb\""), "p:3: control character in quoted string: '\\x09'\n" },
		{ L3("tree \"/a\"b"), "p:3: missing space after quoted string: '\"/a\"b'\n" },
		{ L3("tree /a\"b\""), "p:3: quote inside a word: '/a\"'\n" },
		{ L3("tree /a\x01"), "p:3: control character: '/a\\x01'\n" },
		{ L3("\x7f"), "p:3: invalid character: '\\x7f'\n" },
		{ L3("tree /d\n\ttree /d"), "p:4: duplicate source (also at line 3): '/d'\n" },
		{ L3("tree /d\n\tfile /d"), "p:4: path already listed as 'tree' at line 3: '/d'\n" },
		{ L3("reader /d\n\treader /d"), "p:4: duplicate source (also at line 3): '/d'\n" },
		{ L3("tcp 10.0.0.1 port 1\n\ttcp 10.0.0.1 port 1"),
		  "p:4: duplicate source (also at line 3): '10.0.0.1'\n" },
		{ L3("udp ::/0 port 1-9\n\tudp ::/0 port 1-9"),
		  "p:4: duplicate source (also at line 3): '::/0'\n" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_errors(cases[i].src, cases[i].want);
}

static void dataset_errors(void **state)
{
	static const struct {
		const char *src;
		const char *want;
	} cases[] = {
		{ "dataset bad$ { tree /a }",
		  "p:1: dataset name may only contain A-Z a-z 0-9 _ . -: 'bad$'\n" },
		{ "dataset \"with space\" { tree /a }",
		  "p:1: dataset name may only contain A-Z a-z 0-9 _ . -: 'with space'\n" },
		{ "dataset \"\" { tree /a }", "p:1: dataset name is empty: ''\n" },
		{ "dataset a { tree /a }\n\ndataset a { tree /b }",
		  "p:3: duplicate dataset name (also at line 1): 'a'\n" },
		{ "dataset { tree /a }", "p:1: expected a dataset name after 'dataset': '{'\n" },
		{ "dataset a tree /a }", "p:1: expected '{' after the dataset name: 'tree'\n" },
		{ "dataset a b { tree /a }", "p:1: expected '{' after the dataset name: 'b'\n" },
		{ "dataset a\n", "p:2: expected '{' after the dataset name: 'end of file'\n" },
		{ "dataset a {\n\ttree /a\n", "p:1: missing '}' to close dataset: 'a'\n" },
		{ "dataset a {\n\ttree /a\ndataset b { tree /b }",
		  "p:1: missing '}' to close dataset: 'a'\n" },
		{ "dataset a { reader /usr/bin/x }",
		  "p:1: dataset has no protected source (tree, file, device, unix, tcp or udp): 'a'\n" },
		{ "dataset a { }\n",
		  "p:1: dataset has no protected source (tree, file, device, unix, tcp or udp): 'a'\n" },
		{ "\n\ntree /a\n",
		  "p: no dataset: a policy protects at least one\n"
		  "p:3: expected 'dataset': 'tree'\n" },
		{ "dataset a { tree /a }\n}\n", "p:2: expected 'dataset': '}'\n" },
		{ "dataset a { tree /a }\n\"dataset\" b { tree /b }\n",
		  "p:2: expected 'dataset': 'dataset'\n" },
		{ "", "p: no dataset: a policy protects at least one\n" },
		{ "# only comments\n\n", "p: no dataset: a policy protects at least one\n" },
		/* A file belongs to one dataset. */
		{ "dataset a { tree /x }\ndataset b { tree /x }",
		  "p:2: path already protected by dataset 'a' (line 1): '/x'\n" },
		{ "dataset a { file /x }\ndataset b { unix /x }",
		  "p:2: path already protected by dataset 'a' (line 1): '/x'\n" },
		{ "dataset a { tree /x }\ndataset b { file /x/y }",
		  "p:2: path is inside tree '/x' of dataset 'a' (line 1): '/x/y'\n" },
		{ "dataset a { file /x/y/z }\ndataset b { tree /x }",
		  "p:1: path is inside tree '/x' of dataset 'b' (line 2): '/x/y/z'\n" },
		{ "dataset a { tree / }\ndataset b { tree /srv }",
		  "p:2: path is inside tree '/' of dataset 'a' (line 1): '/srv'\n" },
		{ "dataset a { tcp 10.0.0.0/8 port 5432-5440 }\ndataset b { tcp 10.1.2.3 port 5432 }",
		  "p:2: tcp endpoint overlaps 10.0.0.0/8 port 5432-5440 of dataset 'a' (line 1): '10.1.2.3'\n" },
		{ "dataset a { udp 10.1.2.3 port 53 }\ndataset b { udp 0.0.0.0/0 port 1-100 }",
		  "p:2: udp endpoint overlaps 10.1.2.3 port 53 of dataset 'a' (line 1): '0.0.0.0/0'\n" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_errors(cases[i].src, cases[i].want);
}

/* One run reports everything, sorted by line. */
static void every_error_is_collected(void **state)
{
	static const char src[] =
		"dataset customers {\n"
		"    tree srv/data\n"
		"    file /srv/./x\n"
		"    tcp 10.1.2.3/8 port 5432\n"
		"    tcp 10.1.2.3\n"
		"    foo /b\n"
		"    tree /ok\n"
		"}\n"
		"dataset bad$name { tree /e }\n"
		"dataset customers { tree /ok/inner }\n"
		"dataset unclosed {\n"
		"  tree /z\n";
	static const char want[] =
		"p:2: path must be absolute: 'srv/data'\n"
		"p:3: path has a '.' or '..' component: '/srv/./x'\n"
		"p:4: host bits set beyond the prefix (the network is 10.0.0.0/8): '10.1.2.3/8'\n"
		"p:5: tcp needs a port ('port N' or 'port N-M'): '10.1.2.3'\n"
		"p:6: unknown source kind (tree, file, device, reader, app, unix, tcp or udp): 'foo'\n"
		"p:9: dataset name may only contain A-Z a-z 0-9 _ . -: 'bad$name'\n"
		"p:10: duplicate dataset name (also at line 1): 'customers'\n"
		"p:10: path is inside tree '/ok' of dataset 'customers' (line 7): '/ok/inner'\n"
		"p:11: missing '}' to close dataset: 'unclosed'\n";
	struct policy p;

	(void)state;
	expect_errors(src, want);
	assert_int_equal(policy_parse_string(&p, "p", src, strlen(src)), 9);
	policy_free(&p);
}

/* A binary file given by mistake: errors are capped, and counted. */
static void errors_are_capped(void **state)
{
	struct gen g = { 0 };
	struct policy p;
	struct text t;
	char *out, last[64];
	unsigned int i;

	(void)state;
	gen_add(&g, "dataset a {\n");
	for (i = 0; i < POLICY_MAX_ERRORS + 500; i++)
		gen_add(&g, "\ttree rel%u\n", i);
	gen_add(&g, "}\n");
	assert_int_equal(policy_parse_string(&p, "p", g.s, g.len),
			 POLICY_MAX_ERRORS + 500);
	assert_int_equal(p.n_errors, POLICY_MAX_ERRORS);
	assert_int_equal(p.n_errors_dropped, 500);
	policy_print_errors(&p, text_open(&t));
	out = text_close(&t);
	snprintf(last, sizeof(last), "p: 500 more errors not shown\n");
	assert_non_null(strstr(out, last));
	assert_non_null(strstr(out, "p:2: path must be absolute: 'rel0'\n"));
	free(out);
	policy_free(&p);
	free(g.s);
}

static void binary_garbage_is_refused(void **state)
{
	static const char junk[] = "dataset a {\n\ttree /x\n\0\0\0\xff\xfe}\n";
	char *got;

	(void)state;
	got = errors_of_len(junk, sizeof(junk) - 1);
	assert_string_equal(got, "p:3: invalid character: '\\x00'\n");
	free(got);
}

static void long_tokens_are_cut_in_messages(void **state)
{
	char src[600], *got;

	(void)state;
	memset(src, 'x', sizeof(src));
	memcpy(src, "dataset a { tree ", 17);
	memcpy(src + sizeof(src) - 3, " }", 3);
	got = errors_of(src);
	assert_non_null(strstr(got, "p:1: path must be absolute: 'xxxx"));
	assert_non_null(strstr(got, "xxx...'\n"));
	assert_true(strlen(got) < 200);
	free(got);
}

/* ------------------------------------------------------------------ */
/* Limits                                                              */
/* ------------------------------------------------------------------ */

static void name_length_limit(void **state)
{
	char ok[100], bad[100];
	char *got;

	(void)state;
	snprintf(ok, sizeof(ok), "dataset %.31s { tree /a }",
		 "abcdefghijklmnopqrstuvwxyz0123456789");
	snprintf(bad, sizeof(bad), "dataset %.32s { tree /a }",
		 "abcdefghijklmnopqrstuvwxyz0123456789");
	got = errors_of(ok);
	assert_string_equal(got, "");
	free(got);
	expect_errors(bad, "p:1: dataset name longer than 31 bytes: 'abcdefghijklmnopqrstuvwxyz012345'\n");
}

static void path_length_limit(void **state)
{
	char path[4097], *src;
	struct policy p;
	char *got;

	(void)state;
	memset(path, 'a', sizeof(path));
	path[0] = '/';
	path[4095] = 0;				/* 4095 bytes: the longest */
	assert_true(asprintf(&src, "dataset a {\n\ttree %s\n}\n", path) > 0);
	parse_ok(&p, src);
	assert_int_equal(p.sources[0].path_len, 4095);
	policy_free(&p);
	free(src);

	path[4095] = 'a';
	path[4096] = 0;				/* 4096: one too many */
	assert_true(asprintf(&src, "dataset a {\n\ttree %s\n}\n", path) > 0);
	got = errors_of(src);
	assert_non_null(strstr(got, "p:2: path longer than 4095 bytes (4096 bytes): '/aaaa"));
	assert_non_null(strstr(got, "aaa...'\n"));
	free(got);
	free(src);
}

static void dataset_count_limit(void **state)
{
	struct gen g = { 0 };
	struct policy p;
	unsigned int i;
	char *got;

	(void)state;
	for (i = 0; i < DAUDIT_POLICY_MAX_DATASETS; i++)
		gen_add(&g, "dataset d%u { tree /d%u }\n", i, i);
	parse_ok(&p, g.s);
	assert_int_equal(p.n_datasets, 256);
	policy_free(&p);
	for (; i < DAUDIT_POLICY_MAX_DATASETS + 10; i++)
		gen_add(&g, "dataset d%u { tree /d%u }\n", i, i);
	got = errors_of(g.s);
	assert_string_equal(got, "p:257: too many datasets (at most 256): 'd256'\n");
	free(got);
	free(g.s);
}

static void source_count_limit(void **state)
{
	struct gen g = { 0 };
	struct policy p;
	unsigned int i;
	size_t len;
	void *blob;
	char *got;

	(void)state;
	gen_add(&g, "dataset many {\n");
	for (i = 0; i < DAUDIT_POLICY_MAX_SOURCES; i++)
		gen_add(&g, "\tfile /f/%u\n", i);
	gen_add(&g, "}\n");
	parse_ok(&p, g.s);
	assert_int_equal(p.n_sources, 65536);
	assert_int_equal(policy_encode(&p, &blob, &len), 0);
	assert_int_equal(hdr(blob)->n_sources, 65536);
	free(blob);
	policy_free(&p);

	g.len -= 2;				/* drop the "}\n" */
	gen_add(&g, "\tfile /f/%u\n\tfile /f/x\n}\n", i);
	got = errors_of(g.s);
	assert_string_equal(got, "p:65538: too many sources (at most 65536): '/f/65536'\n");
	free(got);
	free(g.s);
}

/* Exactly DAUDIT_POLICY_MAX_SIZE bytes pass; one more does not. */
static void total_size_limit(void **state)
{
	const unsigned int n = 1040;
	size_t fixed = HDR + DSZ + n * SSZ + n;	/* n NULs */
	size_t room = DAUDIT_POLICY_MAX_SIZE - fixed, each = room / n;
	struct gen g = { 0 };
	char pad[4096];
	struct policy p;
	unsigned int i;
	size_t len;
	void *blob;
	char *got;

	(void)state;
	memset(pad, 'p', sizeof(pad));
	gen_add(&g, "dataset big {\n");
	for (i = 0; i < n; i++) {
		/* "/NNNN/" is 6 bytes; the padding makes up the rest. */
		size_t want = each + (i < room % n);

		gen_add(&g, "\tfile /%04u/%.*s\n", i, (int)(want - 6), pad);
	}
	gen_add(&g, "}\n");
	parse_ok(&p, g.s);
	assert_int_equal(policy_encoded_size(&p), DAUDIT_POLICY_MAX_SIZE);
	assert_int_equal(policy_encode(&p, &blob, &len), 0);
	assert_int_equal(len, DAUDIT_POLICY_MAX_SIZE);
	free(decode_print(blob, len));
	free(blob);
	policy_free(&p);

	g.len -= 2;
	gen_add(&g, "\tfile /x\n}\n");		/* 8 + 40 more bytes */
	got = errors_of(g.s);
	assert_string_equal(got, "p:1042: policy larger than 4194304 bytes in binary form: '/x'\n");
	free(got);
	free(g.s);
}

static void text_file_limits_and_errors(void **state)
{
	char dir[] = "/tmp/test_policy.XXXXXX", path[300], *got;
	struct policy p;
	struct text t;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));

	snprintf(path, sizeof(path), "%s/missing.conf", dir);
	assert_int_equal(policy_parse_file(&p, path), 1);
	policy_print_errors(&p, text_open(&t));
	got = text_close(&t);
	assert_non_null(strstr(got, "missing.conf: cannot open: No such file or directory\n"));
	free(got);
	policy_free(&p);

	assert_int_equal(policy_parse_file(&p, dir), 1);
	assert_string_equal(p.errors[0].msg, "cannot read: Is a directory");
	policy_free(&p);

	snprintf(path, sizeof(path), "%s/huge.conf", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, POLICY_TEXT_MAX + 1), 0);
	close(fd);
	assert_int_equal(policy_parse_file(&p, path), 1);
	assert_string_equal(p.errors[0].msg, "larger than 64 MiB: not a policy");
	policy_free(&p);
	unlink(path);

	snprintf(path, sizeof(path), "%s/ok.conf", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, example, strlen(example)), (ssize_t)strlen(example));
	close(fd);
	assert_int_equal(policy_parse_file(&p, path), 0);
	assert_string_equal(p.file, path);
	assert_int_equal(p.n_sources, 9);
	policy_free(&p);
	unlink(path);
	rmdir(dir);
}

/*
 * The example installed as /etc/daudit/policy.conf protects nothing as
 * shipped (its datasets are commented out, so no path a host lacks can
 * refuse it), and its examples, uncommented, are a valid policy.
 */
static void shipped_example_parses(void **state)
{
	char *text = NULL, *out, *line, *save = NULL;
	size_t len = 0, n = 0;
	struct policy p;
	FILE *f;

	(void)state;
	assert_int_equal(policy_parse_file(&p, "../../dist/policy.conf"), 1);
	assert_int_equal(p.n_datasets, 0);
	assert_non_null(strstr(p.errors[0].msg, "no dataset"));
	policy_free(&p);

	f = fopen("../../dist/policy.conf", "r");
	assert_non_null(f);
	assert_true(getdelim(&text, &len, '\0', f) > 0);
	fclose(f);
	out = calloc(1, strlen(text) + 1);
	assert_non_null(out);
	/* "#dataset", "#\ttree", "#}": an example line; "# " is prose. */
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#' && line[1] && line[1] != ' ' && line[1] != '#')
			line++;
		n += (size_t)sprintf(out + n, "%s\n", line);
	}
	if (policy_parse_string(&p, "policy.conf, uncommented", out, n)) {
		policy_print_errors(&p, stderr);
		fail();
	}
	assert_int_equal(p.n_datasets, 3);
	policy_free(&p);
	free(out);
	free(text);
}

/* ------------------------------------------------------------------ */
/* Binary form                                                         */
/* ------------------------------------------------------------------ */

static void binary_layout(void **state)
{
	struct daudit_policy_source *s;
	size_t len, strings_at;
	uint32_t i, off = 0;
	void *blob;
	char *str;

	(void)state;
	blob = example_blob(&len);
	assert_int_equal(hdr(blob)->magic, DAUDIT_POLICY_MAGIC);
	assert_memory_equal(blob, "DAUP", 4);
	assert_int_equal(hdr(blob)->abi_major, DAUDIT_ABI_MAJOR);
	assert_int_equal(hdr(blob)->header_size, HDR);
	assert_int_equal(hdr(blob)->total_size, len);
	assert_int_equal(hdr(blob)->n_datasets, 2);
	assert_int_equal(hdr(blob)->n_sources, 9);
	assert_int_equal(hdr(blob)->reserved[0], 0);
	assert_int_equal(hdr(blob)->reserved[1], 0);
	strings_at = HDR + 2 * DSZ + 9 * SSZ;
	assert_int_equal(hdr(blob)->strings_len, len - strings_at);
	assert_ptr_equal(strings_of(blob), (char *)blob + strings_at);

	assert_string_equal(ds_at(blob, 0)->name, "customers");
	assert_int_equal(ds_at(blob, 0)->flags, 0);
	assert_string_equal(ds_at(blob, 1)->name, "hr-records");
	for (i = strlen("hr-records"); i < DAUDIT_NAME_MAX; i++)
		assert_int_equal(ds_at(blob, 1)->name[i], 0);

	/* Strings follow each other in source order, each NUL-terminated. */
	str = strings_of(blob);
	for (i = 0; i < 9; i++) {
		s = src_at(blob, i);
		if (s->type == DAUDIT_SRC_TCP || s->type == DAUDIT_SRC_UDP) {
			assert_int_equal(s->path_off, 0);
			assert_int_equal(s->path_len, 0);
			continue;
		}
		assert_int_equal(s->path_off, off);
		assert_int_equal(str[s->path_off + s->path_len], 0);
		assert_int_equal(strlen(str + s->path_off), s->path_len);
		off += s->path_len + 1;
	}
	assert_int_equal(off, hdr(blob)->strings_len);

	s = src_at(blob, 0);
	assert_int_equal(s->type, DAUDIT_SRC_TREE);
	assert_int_equal(s->dataset, 0);
	assert_int_equal(s->line, 3);
	assert_memory_equal(str + s->path_off, "/srv/data/customers", 20);
	s = src_at(blob, 5);
	assert_int_equal(s->type, DAUDIT_SRC_TCP);
	assert_int_equal(s->family, AF_INET);
	assert_int_equal(s->prefix_len, 8);
	assert_int_equal(s->addr[0], 10);
	assert_int_equal(s->port_lo, 5432);
	assert_int_equal(s->port_hi, 5440);
	assert_int_equal(s->flags, 0);
	assert_int_equal(s->line, 8);
	s = src_at(blob, 8);
	assert_int_equal(s->dataset, 1);
	assert_int_equal(s->line, 13);
	free(blob);
}

static void encode_refuses_a_policy_with_errors(void **state)
{
	struct policy p;
	size_t len = 0;
	void *blob = NULL;

	(void)state;
	policy_parse_string(&p, "p", "dataset a { tree x }", 20);
	assert_int_equal(policy_encode(&p, &blob, &len), -1);
	assert_null(blob);
	policy_free(&p);
}

/* text -> binary -> text -> binary: the canonical text is a fixed point. */
static void round_trip(const char *src)
{
	char *t1, *t2, *t3;
	void *b0, *b1, *b2;
	size_t l0, l1, l2;

	b0 = encode_ok(src, &l0);
	t1 = decode_print(b0, l0);
	b1 = encode_ok(t1, &l1);
	t2 = decode_print(b1, l1);
	assert_string_equal(t1, t2);
	b2 = encode_ok(t2, &l2);
	assert_int_equal(l1, l2);
	assert_memory_equal(b1, b2, l1);	/* byte for byte, lines too */
	/* From the original text, only the line numbers may differ. */
	assert_int_equal(l0, l1);
	zero_lines(b0);
	zero_lines(b1);
	assert_memory_equal(b0, b1, l0);
	t3 = decode_print(b2, l2);
	assert_string_equal(t1, t3);
	free(t1);
	free(t2);
	free(t3);
	free(b0);
	free(b1);
	free(b2);
}

static void round_trips(void **state)
{
	char *t;
	size_t len;
	void *blob;

	(void)state;
	blob = example_blob(&len);
	t = decode_print(blob, len);
	assert_string_equal(t, example_canonical);
	free(t);
	free(blob);

	round_trip(example);
	round_trip(example_canonical);
	round_trip("dataset \"q\" { file \"/a\\\"b\\\\c#d\"; file \"/e f\" ; file /caf\xc3\xa9;"
		   " file \"/{x};\" }");
	round_trip("dataset a{tcp 0.0.0.0/0 port 1-65535;udp ::/0 port 7}"
		   "dataset b{tcp fe80::1:0:0:0/80 port 22; tree /}");
}

/*
 * Issue 18: policy show writes a path's bidirectional and C1 controls and
 * invalid UTF-8 (which a path may hold; control characters it may not)
 * as \xHH in a quoted string, which parses back to the same bytes.
 */
static void paths_print_safely_and_back(void **state)
{
	static const char raw[] = "/srv/\xe2\x80\xaeslx.exe\xc2\x9b\xff\\x41 \xc3\xa9";
	struct policy p, q;
	char *text;

	(void)state;
	parse_ok(&p, "dataset a {\n\tfile \"/srv/\\xE2\\x80\\xaeslx.exe\\xC2\\x9B\\xff\\\\x41 \xc3\xa9\"\n}\n");
	assert_string_equal(p.sources[0].path, raw);
	text = print_of(&p);
	assert_string_equal(text, "dataset a {\n\tfile \"/srv/\\xE2\\x80\\xAEslx.exe\\xC2\\x9B\\xFF\\\\x41 \xc3\xa9\"\n}\n");
	parse_ok(&q, text);
	assert_string_equal(q.sources[0].path, raw);
	policy_free(&q);
	policy_free(&p);
	free(text);
	/* Through \xHH a control character is still refused. */
	expect_errors(L3("file \"/a\\x1Bb\""), "p:3: path contains a control character: '/a\\x1bb'\n");
}

/*
 * `app PATH` names a program that may declare actors: a path source that
 * protects nothing, may be shared between datasets, and round-trips.
 */
static void app_sources(void **state)
{
	struct policy p;

	(void)state;
	parse_ok(&p,
		 "dataset crm {\n"
		 "\ttree /srv/crm\n"
		 "\tapp /opt/crm/bin/crm-python\n"
		 "\treader /usr/bin/pg\n"
		 "}\n"
		 "dataset hr { file /srv/hr.csv; app /opt/crm/bin/crm-python }\n");
	assert_int_equal(p.n_sources, 5);
	assert_int_equal(p.sources[1].type, DAUDIT_SRC_APP);
	assert_string_equal(p.sources[1].path, "/opt/crm/bin/crm-python");
	assert_int_equal(p.sources[1].line, 3);
	assert_int_equal(p.datasets[0].n_sources, 3);
	assert_int_equal(p.datasets[0].n_protected, 1);
	assert_int_equal(p.datasets[1].n_protected, 1);
	assert_string_equal(policy_source_kind(DAUDIT_SRC_APP), "app");
	policy_free(&p);

	round_trip("dataset crm { tree /srv/crm; app /opt/crm/bin/crm-python;"
		   " app \"/opt/my app\"; file /opt/crm/bin/crm-python }");
	/* A device alone protects; a linked file prints back as one. */
	round_trip("dataset raw { device /dev/sda2; linked /srv/x/a.csv }");
	parse_ok(&p, "dataset raw { device /dev/sda2 }");
	assert_int_equal(p.sources[0].type, DAUDIT_SRC_DEVICE);
	assert_int_equal(p.datasets[0].n_protected, 1);
	assert_string_equal(policy_source_kind(DAUDIT_SRC_DEVICE), "device");
	policy_free(&p);
	expect_errors("dataset a { app /opt/crm/bin/crm }",
		      "p:1: dataset has no protected source (tree, file, device, unix, tcp or udp): 'a'\n");
	expect_errors("dataset a { tree /a; app }",
		      "p:1: missing path: 'app'\n");
	expect_errors("dataset a { tree /a; app opt/crm }",
		      "p:1: path must be absolute: 'opt/crm'\n");
	expect_errors("dataset a { tree /a; app /x port 80 }",
		      "p:1: 'port' is only for tcp and udp: 'port'\n");
	expect_errors("dataset a { tree /a; app /x; app /x }",
		      "p:1: duplicate source (also at line 1): '/x'\n");
	expect_errors("dataset a { tree /a; reader /x; app /x }",
		      "p:1: path already listed as 'reader' at line 1: '/x'\n");
}

/* A policy with 1,000 tree roots goes through every stage intact. */
static void thousand_tree_roots(void **state)
{
	struct gen g = { 0 };
	struct policy p;
	unsigned int i;
	size_t len;
	void *blob;
	char *t;

	(void)state;
	for (i = 0; i < 1000; i++) {
		if (i % 100 == 0)
			gen_add(&g, "%sdataset set%u {\n", i ? "}\n" : "", i / 100);
		gen_add(&g, "\ttree /srv/data/tenant%04u/records\n", i);
	}
	gen_add(&g, "}\n");
	parse_ok(&p, g.s);
	assert_int_equal(p.n_datasets, 10);
	assert_int_equal(p.n_sources, 1000);
	assert_int_equal(policy_encode(&p, &blob, &len), 0);
	t = decode_print(blob, len);
	assert_int_equal(strncmp(t, "dataset set0 {\n\ttree /srv/data/tenant0000/records\n", 50), 0);
	assert_non_null(strstr(t, "\ttree /srv/data/tenant0999/records\n}\n"));
	free(t);
	free(blob);
	policy_free(&p);
	round_trip(g.s);
	free(g.s);
}

/* ------------------------------------------------------------------ */
/* The decoder                                                         */
/* ------------------------------------------------------------------ */

static void decoder_refuses_every_truncation(void **state)
{
	size_t len, n;
	void *blob, *big;

	(void)state;
	blob = example_blob(&len);
	for (n = 0; n < len; n++) {
		/* A copy of exactly n bytes, so ASan sees any over-read. */
		void *cut = malloc(n ? n : 1);

		memcpy(cut, blob, n);
		expect_decode_error(cut, n, DAUDIT_PERR_HEADER, UINT32_MAX,
				    n < HDR ? "truncated" : "bytes given");
		free(cut);
	}
	big = calloc(1, len + 1);
	memcpy(big, blob, len);
	expect_decode_error(big, len + 1, DAUDIT_PERR_HEADER, UINT32_MAX,
			    "bytes given");
	free(big);
	free(blob);
}

/* Apply @corrupt to a fresh copy and expect the decoder to refuse it. */
#define CORRUPT(kind, item, msg, ...) do {				\
	size_t len_;							\
	void *b_ = example_blob(&len_);					\
	{ void *b = b_; (void)b; __VA_ARGS__; }				\
	expect_decode_error(b_, len_, kind, item, msg);			\
	free(b_);							\
} while (0)

static void decoder_refuses_bad_headers(void **state)
{
	(void)state;
	CORRUPT(DAUDIT_PERR_HEADER, UINT32_MAX, "bad magic", hdr(b)->magic ^= 1);
	CORRUPT(DAUDIT_PERR_HEADER, UINT32_MAX, "ABI major", hdr(b)->abi_major++);
	CORRUPT(DAUDIT_PERR_HEADER, UINT32_MAX, "header_size", hdr(b)->header_size += 8);
	CORRUPT(DAUDIT_PERR_HEADER, UINT32_MAX, "header_size", hdr(b)->header_size = 0);
	CORRUPT(DAUDIT_PERR_HEADER, UINT32_MAX, "bytes given", hdr(b)->total_size++);
	CORRUPT(DAUDIT_PERR_HEADER, UINT32_MAX, "bytes given", hdr(b)->total_size--);
	CORRUPT(DAUDIT_PERR_HEADER, UINT32_MAX, "add up", hdr(b)->n_datasets++);
	CORRUPT(DAUDIT_PERR_HEADER, UINT32_MAX, "add up", hdr(b)->n_datasets--);
	CORRUPT(DAUDIT_PERR_HEADER, UINT32_MAX, "no dataset", hdr(b)->n_datasets = 0);
	CORRUPT(DAUDIT_PERR_HEADER, UINT32_MAX, "at most 256", hdr(b)->n_datasets = 257);
	CORRUPT(DAUDIT_PERR_HEADER, UINT32_MAX, "at most 256", hdr(b)->n_datasets = UINT32_MAX);
	CORRUPT(DAUDIT_PERR_HEADER, UINT32_MAX, "add up", hdr(b)->n_sources++);
	CORRUPT(DAUDIT_PERR_HEADER, UINT32_MAX, "add up", hdr(b)->n_sources--);
	CORRUPT(DAUDIT_PERR_HEADER, UINT32_MAX, "at most 65536", hdr(b)->n_sources = 65537);
	CORRUPT(DAUDIT_PERR_HEADER, UINT32_MAX, "add up", hdr(b)->strings_len++);
	CORRUPT(DAUDIT_PERR_HEADER, UINT32_MAX, "add up", hdr(b)->strings_len = UINT32_MAX);
	CORRUPT(DAUDIT_PERR_HEADER, UINT32_MAX, "reserved", hdr(b)->reserved[0] = 1);
	CORRUPT(DAUDIT_PERR_HEADER, UINT32_MAX, "reserved", hdr(b)->reserved[1] = 0x80000000);
	/* Sizes that add up but move the parts. */
	CORRUPT(DAUDIT_PERR_HEADER, UINT32_MAX, "add up",
		hdr(b)->n_sources--; hdr(b)->strings_len += SSZ - 1);
	CORRUPT(DAUDIT_PERR_HEADER, UINT32_MAX, "end with a NUL",
		((char *)b)[hdr(b)->total_size - 1] = 'x');
}

static void decoder_refuses_too_big(void **state)
{
	size_t len = DAUDIT_POLICY_MAX_SIZE + 8;
	void *blob = calloc(1, len);

	(void)state;
	assert_non_null(blob);
	hdr(blob)->magic = DAUDIT_POLICY_MAGIC;
	hdr(blob)->abi_major = DAUDIT_ABI_MAJOR;
	hdr(blob)->header_size = HDR;
	hdr(blob)->total_size = len;
	hdr(blob)->n_datasets = 1;
	hdr(blob)->strings_len = len - HDR - DSZ;
	expect_decode_error(blob, len, DAUDIT_PERR_HEADER, UINT32_MAX, "exceeds");
	free(blob);
}

static void decoder_refuses_bad_datasets(void **state)
{
	(void)state;
	CORRUPT(DAUDIT_PERR_DATASET, 1, "not NUL-terminated",
		memset(ds_at(b, 1)->name, 'a', DAUDIT_NAME_MAX));
	CORRUPT(DAUDIT_PERR_DATASET, 0, "not NUL-padded",
		ds_at(b, 0)->name[DAUDIT_NAME_MAX - 1] = 'x');
	CORRUPT(DAUDIT_PERR_DATASET, 0, "not NUL-padded",
		ds_at(b, 0)->name[10] = 'x');
	CORRUPT(DAUDIT_PERR_DATASET, 0, "empty",
		memset(ds_at(b, 0)->name, 0, DAUDIT_NAME_MAX));
	CORRUPT(DAUDIT_PERR_DATASET, 1, "may only contain", ds_at(b, 1)->name[2] = '/');
	CORRUPT(DAUDIT_PERR_DATASET, 1, "may only contain", ds_at(b, 1)->name[2] = ' ');
	CORRUPT(DAUDIT_PERR_DATASET, 1, "may only contain", ds_at(b, 1)->name[2] = '\xc3');
	CORRUPT(DAUDIT_PERR_DATASET, 0, "flags or reserved", ds_at(b, 0)->flags = 1);
	CORRUPT(DAUDIT_PERR_DATASET, 1, "flags or reserved", ds_at(b, 1)->reserved = 1);
	CORRUPT(DAUDIT_PERR_DATASET, 1, "duplicate",
		memcpy(ds_at(b, 1)->name, ds_at(b, 0)->name, DAUDIT_NAME_MAX));
	/* hr-records loses its only source to customers. */
	CORRUPT(DAUDIT_PERR_DATASET, 1, "no protected source", src_at(b, 8)->dataset = 0);
	/* customers keeps only its reader. */
	CORRUPT(DAUDIT_PERR_DATASET, 0, "no protected source",
		{ unsigned int i; for (i = 0; i < 8; i++)
			if (i != 2)
				src_at(b, i)->dataset = 1; });
}

static void decoder_refuses_bad_sources(void **state)
{
	(void)state;
	/* Any source. */
	CORRUPT(DAUDIT_PERR_SOURCE, 0, "unknown source type", src_at(b, 0)->type = 0);
	CORRUPT(DAUDIT_PERR_SOURCE, 3, "unknown source type",
		src_at(b, 3)->type = DAUDIT_SRC_TYPE_MAX + 1);
	CORRUPT(DAUDIT_PERR_SOURCE, 3, "unknown source type", src_at(b, 3)->type = 0xffff);
	CORRUPT(DAUDIT_PERR_SOURCE, 1, "dataset index 2", src_at(b, 1)->dataset = 2);
	CORRUPT(DAUDIT_PERR_SOURCE, 1, "dataset index", src_at(b, 1)->dataset = 0xffff);
	CORRUPT(DAUDIT_PERR_SOURCE, 4, "flags not zero", src_at(b, 4)->flags = 1);
	CORRUPT(DAUDIT_PERR_SOURCE, 0, "flags not zero", src_at(b, 0)->flags = 0x80);
	/* Only a file may be a linked one, and linked is the only flag. */
	CORRUPT(DAUDIT_PERR_SOURCE, 0, "flags not zero",
		src_at(b, 0)->flags = DAUDIT_SRC_F_LINKED);
	CORRUPT(DAUDIT_PERR_SOURCE, 1, "flags not zero", src_at(b, 1)->flags = 2);

	/* Paths: offsets, lengths, termination, the text rules. */
	CORRUPT(DAUDIT_PERR_SOURCE, 1, "outside the",
		src_at(b, 1)->path_off = hdr(b)->strings_len);
	CORRUPT(DAUDIT_PERR_SOURCE, 1, "outside the",
		src_at(b, 1)->path_off = UINT32_MAX);
	CORRUPT(DAUDIT_PERR_SOURCE, 1, "outside the",
		src_at(b, 1)->path_len = UINT32_MAX);
	CORRUPT(DAUDIT_PERR_SOURCE, 8, "outside the",
		src_at(b, 8)->path_len++);
	CORRUPT(DAUDIT_PERR_SOURCE, 0, "not NUL-terminated",
		src_at(b, 0)->path_len--);
	CORRUPT(DAUDIT_PERR_SOURCE, 0, "not NUL-terminated",
		src_at(b, 0)->path_len++);
	CORRUPT(DAUDIT_PERR_SOURCE, 0, "not NUL-terminated",
		strings_of(b)[src_at(b, 0)->path_len] = 'x');
	CORRUPT(DAUDIT_PERR_SOURCE, 0, "NUL byte",
		strings_of(b)[4] = 0);
	CORRUPT(DAUDIT_PERR_SOURCE, 0, "path is empty",
		src_at(b, 0)->path_off = src_at(b, 0)->path_len;
		src_at(b, 0)->path_len = 0);
	CORRUPT(DAUDIT_PERR_SOURCE, 0, "absolute",
		src_at(b, 0)->path_off++; src_at(b, 0)->path_len--);
	CORRUPT(DAUDIT_PERR_SOURCE, 0, "control character",
		strings_of(b)[4] = '\n');
	CORRUPT(DAUDIT_PERR_SOURCE, 0, "'.' or '..'",
		memcpy(strings_of(b) + 4, "/../", 4));
	CORRUPT(DAUDIT_PERR_SOURCE, 0, "empty component",
		strings_of(b)[5] = '/');
	CORRUPT(DAUDIT_PERR_SOURCE, 0, "must not end with",
		strings_of(b)[src_at(b, 0)->path_len - 1] = '/');
	CORRUPT(DAUDIT_PERR_SOURCE, 2, "address or port",
		src_at(b, 2)->family = AF_INET);
	CORRUPT(DAUDIT_PERR_SOURCE, 2, "address or port",
		src_at(b, 2)->prefix_len = 1);
	CORRUPT(DAUDIT_PERR_SOURCE, 2, "address or port",
		src_at(b, 2)->addr[15] = 1);
	CORRUPT(DAUDIT_PERR_SOURCE, 3, "address or port",
		src_at(b, 3)->port_lo = 1);
	CORRUPT(DAUDIT_PERR_SOURCE, 3, "address or port",
		src_at(b, 3)->port_hi = 1);

	/* Endpoints: family, prefix, host bits, ports, no path. */
	CORRUPT(DAUDIT_PERR_SOURCE, 4, "family", src_at(b, 4)->family = 0);
	CORRUPT(DAUDIT_PERR_SOURCE, 4, "family", src_at(b, 4)->family = 3);
	CORRUPT(DAUDIT_PERR_SOURCE, 4, "prefix length", src_at(b, 4)->prefix_len = 33);
	CORRUPT(DAUDIT_PERR_SOURCE, 6, "prefix length", src_at(b, 6)->prefix_len = 129);
	CORRUPT(DAUDIT_PERR_SOURCE, 6, "prefix length", src_at(b, 6)->prefix_len = 255);
	CORRUPT(DAUDIT_PERR_SOURCE, 5, "host bits", src_at(b, 5)->addr[3] = 1);
	CORRUPT(DAUDIT_PERR_SOURCE, 5, "host bits", src_at(b, 5)->prefix_len = 7;
		src_at(b, 5)->addr[0] = 11);
	CORRUPT(DAUDIT_PERR_SOURCE, 6, "host bits", src_at(b, 6)->addr[15] = 1);
	CORRUPT(DAUDIT_PERR_SOURCE, 4, "beyond the first 4", src_at(b, 4)->addr[4] = 1);
	CORRUPT(DAUDIT_PERR_SOURCE, 4, "beyond the first 4", src_at(b, 4)->addr[15] = 1);
	CORRUPT(DAUDIT_PERR_SOURCE, 7, "IPv4-mapped",
		memset(src_at(b, 7)->addr, 0, 16); src_at(b, 7)->addr[10] = 0xff;
		src_at(b, 7)->addr[11] = 0xff; src_at(b, 7)->addr[15] = 1);
	CORRUPT(DAUDIT_PERR_SOURCE, 4, "port range", src_at(b, 4)->port_lo = 0);
	CORRUPT(DAUDIT_PERR_SOURCE, 5, "port range", src_at(b, 5)->port_hi = 5431);
	CORRUPT(DAUDIT_PERR_SOURCE, 5, "port range", src_at(b, 5)->port_lo = 0;
		src_at(b, 5)->port_hi = 0);
	CORRUPT(DAUDIT_PERR_SOURCE, 7, "with a path", src_at(b, 7)->path_len = 1);
	CORRUPT(DAUDIT_PERR_SOURCE, 7, "with a path", src_at(b, 7)->path_off = 1);

	/* Rules across sources. */
	CORRUPT(DAUDIT_PERR_SOURCE, 1, "duplicate source",
		src_at(b, 1)->type = DAUDIT_SRC_TREE;
		src_at(b, 1)->path_off = src_at(b, 0)->path_off;
		src_at(b, 1)->path_len = src_at(b, 0)->path_len);
	CORRUPT(DAUDIT_PERR_SOURCE, 5, "duplicate source",
		memcpy(src_at(b, 4), src_at(b, 5), SSZ));
	CORRUPT(DAUDIT_PERR_SOURCE, 6, "overlaps",
		memcpy(src_at(b, 6), src_at(b, 5), SSZ);
		src_at(b, 6)->dataset = 1);
	CORRUPT(DAUDIT_PERR_SOURCE, 8, "already protected by dataset 'customers'",
		src_at(b, 8)->path_off = src_at(b, 0)->path_off;
		src_at(b, 8)->path_len = src_at(b, 0)->path_len);
	/* customers' tree becomes "/srv": hr-records' "/srv/hr data" is inside. */
	CORRUPT(DAUDIT_PERR_SOURCE, 8, "inside tree '/srv' of dataset 'customers'",
		strings_of(b)[src_at(b, 0)->path_off + 4] = 0;
		src_at(b, 0)->path_len = 4);
}

/*
 * Whatever the decoder accepts prints as text that parses back to the
 * same text: flip every bit of a valid policy and check.
 */
static void decoder_accepts_only_what_prints_back(void **state)
{
	size_t len, i, accepted = 0;
	void *blob;
	int bit;

	(void)state;
	blob = example_blob(&len);
	for (i = 0; i < len; i++)
		for (bit = 0; bit < 8; bit++) {
			struct policy_decode_error e;
			struct policy p;
			char *t, *t2;
			size_t l2;
			void *b2;

			((unsigned char *)blob)[i] ^= 1 << bit;
			if (policy_decode(&p, blob, len, &e) == 0) {
				accepted++;
				t = print_of(&p);
				b2 = encode_ok(t, &l2);
				t2 = decode_print(b2, l2);
				assert_string_equal(t, t2);
				free(t);
				free(t2);
				free(b2);
				policy_free(&p);
			}
			((unsigned char *)blob)[i] ^= 1 << bit;
		}
	/* Line numbers, addresses, ports and path letters may change. */
	assert_true(accepted > 0);
	free(blob);
}

/* A binary need not group sources by dataset; the text does. */
static void decoder_accepts_interleaved_sources(void **state)
{
	struct daudit_policy_source tmp;
	size_t len;
	void *blob;
	char *t;

	(void)state;
	blob = example_blob(&len);
	memcpy(&tmp, src_at(blob, 0), SSZ);
	memcpy(src_at(blob, 0), src_at(blob, 8), SSZ);
	memcpy(src_at(blob, 8), &tmp, SSZ);
	t = decode_print(blob, len);
	assert_non_null(strstr(t, "dataset customers {\n\tfile /srv/exports/vip.csv\n"));
	assert_non_null(strstr(t, "\tudp ::1 port 53\n\ttree /srv/data/customers\n}\n"));
	assert_non_null(strstr(t, "dataset hr-records {\n\ttree \"/srv/hr data\"\n}\n"));
	free(t);
	free(blob);
}

/*
 * A tree with a file of two names (one outside the tree), one of three
 * names (all inside), a file of one name and a file the policy names:
 * the loader adds the first two, once each, as linked files of the
 * tree's dataset, and they print, encode and decode as such.
 */
/* @dir/@name made empty, or @dir/@to made another name of @dir/@from. */
static void touch_at(const char *dir, const char *name)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	close(fd);
}

static void link_at(const char *dir, const char *from, const char *to)
{
	char a[512], b[512];

	snprintf(a, sizeof(a), "%s/%s", dir, from);
	snprintf(b, sizeof(b), "%s/%s", dir, to);
	assert_int_equal(link(a, b), 0);
}

static void linked_files_in_trees(void **state)
{
	char dir[] = "/tmp/daudit-links-XXXXXX", path[512], *text, *want;
	struct policy_decode_error e;
	struct policy_links l;
	struct policy p, q;
	size_t len;
	void *blob;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/tree", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/tree/sub", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	touch_at(dir, "tree/two.csv");
	link_at(dir, "tree/two.csv", "outside.csv");
	touch_at(dir, "tree/sub/three.csv");
	link_at(dir, "tree/sub/three.csv", "tree/three-b.csv");
	link_at(dir, "tree/sub/three.csv", "tree/sub/three-c.csv");
	touch_at(dir, "tree/one.csv");
	touch_at(dir, "tree/named.csv");
	link_at(dir, "tree/named.csv", "named-b.csv");
	assert_true(asprintf(&text, "dataset d {\n\ttree %s/tree\n\tfile %s/tree/named.csv\n}\n",
			     dir, dir) > 0);
	parse_ok(&p, text);
	free(text);
	policy_add_links(&p, &l);
	assert_int_equal(l.added, 2);
	assert_int_equal(l.unreadable, 0);
	assert_int_equal(l.left_out, 0);
	assert_int_equal(p.n_sources, 4);
	assert_int_equal(p.sources[2].type, DAUDIT_SRC_FILE);
	assert_int_equal(p.sources[2].flags, DAUDIT_SRC_F_LINKED);
	assert_int_equal(p.sources[3].flags, DAUDIT_SRC_F_LINKED);
	assert_int_equal(p.sources[2].dataset, 0);
	assert_int_equal(p.sources[2].line, 2);
	assert_string_equal(policy_source_kind_of(&p.sources[2]), "linked");
	/* The round trip keeps them linked. */
	assert_int_equal(policy_encode(&p, &blob, &len), 0);
	assert_int_equal(policy_decode(&q, blob, len, &e), 0);
	text = print_of(&q);
	policy_free(&q);
	free(blob);
	assert_non_null(strstr(text, "\tlinked "));
	assert_true(asprintf(&want, "\tlinked %s/tree/two.csv\n", dir) > 0);
	assert_non_null(strstr(text, want));
	free(want);
	/* One of the three names of the other file, whichever came first. */
	assert_true(strstr(text, "three.csv\n") || strstr(text, "three-b.csv\n") ||
		    strstr(text, "three-c.csv\n"));
	parse_ok(&q, text);
	assert_int_equal(q.n_sources, 4);
	assert_int_equal(q.sources[3].flags, DAUDIT_SRC_F_LINKED);
	policy_free(&q);
	free(text);
	policy_free(&p);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	assert_int_equal(system(path), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(example_parses_to_every_field),
		cmocka_unit_test(comments_blank_lines_and_crlf),
		cmocka_unit_test(quoting_and_escapes),
		cmocka_unit_test(one_line_datasets_and_semicolons),
		cmocka_unit_test(endpoints),
		cmocka_unit_test(allowed_overlaps),
		cmocka_unit_test(source_errors),
		cmocka_unit_test(dataset_errors),
		cmocka_unit_test(every_error_is_collected),
		cmocka_unit_test(errors_are_capped),
		cmocka_unit_test(binary_garbage_is_refused),
		cmocka_unit_test(long_tokens_are_cut_in_messages),
		cmocka_unit_test(name_length_limit),
		cmocka_unit_test(path_length_limit),
		cmocka_unit_test(dataset_count_limit),
		cmocka_unit_test(source_count_limit),
		cmocka_unit_test(total_size_limit),
		cmocka_unit_test(text_file_limits_and_errors),
		cmocka_unit_test(shipped_example_parses),
		cmocka_unit_test(binary_layout),
		cmocka_unit_test(encode_refuses_a_policy_with_errors),
		cmocka_unit_test(round_trips),
		cmocka_unit_test(paths_print_safely_and_back),
		cmocka_unit_test(app_sources),
		cmocka_unit_test(thousand_tree_roots),
		cmocka_unit_test(decoder_refuses_every_truncation),
		cmocka_unit_test(decoder_refuses_bad_headers),
		cmocka_unit_test(decoder_refuses_too_big),
		cmocka_unit_test(decoder_refuses_bad_datasets),
		cmocka_unit_test(decoder_refuses_bad_sources),
		cmocka_unit_test(decoder_accepts_only_what_prints_back),
		cmocka_unit_test(decoder_accepts_interleaved_sources),
		cmocka_unit_test(linked_files_in_trees),
	};

	return cmocka_run_group_tests_name("policy", tests, NULL, NULL);
}
