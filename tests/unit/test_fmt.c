// SPDX-License-Identifier: GPL-2.0
/*
 * The SIEM formats: CEF escaping exactly as the CEF specification says,
 * LEEF 2.0 and OCSF layouts, and hostile strings (quotes, backslashes,
 * '|', '=', ']', newlines, bytes that are not UTF-8, 4 KiB long) that
 * must come back byte for byte from every format, parsed the way a
 * receiver parses it and decoded with the documented rule.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <json-c/json.h>

#include "ecs.h"
#include "fmt.h"
#include "record.h"
#include "synth.h"

#define MAXF	128

static const char hostile_piece[] =
	"/srv/\"quoted\"/back\\slash/\\x41/pipe|eq=br]/new\nline/tab\there/"
	"\x80\xff/\xe2\x82/\xc3\xa9/\xf0\x9f\x98\x80/cr\r/\x1b[31m/x\\";
static const char hostile_comm[DAUDIT_COMM_LEN] =
	"\"\\x41\xff|=]\n\xe2\x82\xac\\\x80z";

/* ------------------------------------------------------------------ */
/* Receivers' parsers                                                  */
/* ------------------------------------------------------------------ */

struct kv {
	char key[64];
	char *value;			/* after the format's unescaping */
};

struct parsed {
	char *header[8];
	unsigned int nheader;
	struct kv f[MAXF];
	unsigned int n;
};

static void parsed_free(struct parsed *p)
{
	unsigned int i;

	for (i = 0; i < p->nheader; i++)
		free(p->header[i]);
	for (i = 0; i < p->n; i++)
		free(p->f[i].value);
	memset(p, 0, sizeof(*p));
}

static const char *get(const struct parsed *p, const char *key)
{
	unsigned int i;

	for (i = 0; i < p->n; i++)
		if (!strcmp(p->f[i].key, key))
			return p->f[i].value;
	return NULL;
}

static int is_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

/* Does " KEY=" (unescaped '=') start at @s? */
static int key_follows(const char *s)
{
	const char *k = s + 1;

	if (*s != ' ' || !is_key_char(*k))
		return 0;
	while (is_key_char(*k))
		k++;
	return *k == '=';
}

/* CEF: 7 header fields split at unescaped '|', then key=value pairs. */
static void parse_cef(const char *line, struct parsed *p)
{
	const char *s = line;
	char *buf = malloc(strlen(line) + 1);
	size_t n = 0;

	memset(p, 0, sizeof(*p));
	assert_non_null(buf);
	while (p->nheader < 7) {
		if (*s == '\\' && s[1]) {
			/* Header escapes: \| and \\ only. */
			assert_true(s[1] == '|' || s[1] == '\\');
			buf[n++] = s[1];
			s += 2;
			continue;
		}
		assert_true(*s != '\0');
		if (*s == '|') {
			buf[n] = '\0';
			p->header[p->nheader++] = strdup(buf);
			n = 0;
			s++;
			continue;
		}
		buf[n++] = *s++;
	}
	while (*s) {
		struct kv *f = &p->f[p->n++];
		size_t k = 0;

		assert_true(p->n < MAXF);
		while (is_key_char(*s))
			f->key[k++] = *s++;
		f->key[k] = '\0';
		assert_true(k > 0);
		assert_int_equal(*s, '=');
		s++;
		n = 0;
		while (*s && !key_follows(s)) {
			if (*s == '\\') {
				switch (s[1]) {
				case '\\':
				case '=':
					buf[n++] = s[1];
					break;
				case 'n':
					buf[n++] = '\n';
					break;
				case 'r':
					buf[n++] = '\r';
					break;
				default:
					fail_msg("bad CEF escape \\%c in %s", s[1], f->key);
				}
				s += 2;
				continue;
			}
			/* Never raw: '=' and line ends. */
			assert_true(*s != '=' && *s != '\n' && *s != '\r');
			buf[n++] = *s++;
		}
		buf[n] = '\0';
		f->value = strdup(buf);
		if (*s == ' ')
			s++;
	}
	free(buf);
}

/* LEEF 2.0: 6 header fields, then tab-separated key=value. */
static void parse_leef(const char *line, struct parsed *p)
{
	char *copy = strdup(line), *s = copy, *field;

	memset(p, 0, sizeof(*p));
	while (p->nheader < 6) {
		char *bar = strchr(s, '|');

		assert_non_null(bar);
		*bar = '\0';
		p->header[p->nheader++] = strdup(s);
		s = bar + 1;
	}
	for (field = strsep(&s, "\t"); field; field = strsep(&s, "\t")) {
		char *eq = strchr(field, '=');
		struct kv *f = &p->f[p->n++];

		assert_true(p->n < MAXF);
		assert_non_null(eq);
		*eq = '\0';
		snprintf(f->key, sizeof(f->key), "%s", field);
		f->value = strdup(eq + 1);
	}
	free(copy);
}

/* @value decodes (ecs_unescape) to exactly @len bytes at @want. */
static void assert_decodes(const char *value, const char *want, size_t len)
{
	char *out;

	assert_non_null(value);
	out = malloc(strlen(value) + 1);
	assert_non_null(out);
	assert_int_equal(ecs_unescape(value, out), len);
	assert_memory_equal(out, want, len);
	free(out);
}

/* Printable ASCII or UTF-8: no control character but those allowed. */
static void assert_printable(const char *s, const char *allowed)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			assert_non_null(strchr(allowed, *s));
}

/* ------------------------------------------------------------------ */
/* Records                                                             */
/* ------------------------------------------------------------------ */

static struct ecs_ctx ctx;
static struct synth syn;

static json_object *ecs_of_last(void)
{
	const struct daudit_rec_header *h = NULL, *x;
	const char *why = NULL;
	struct rec_iter it;

	rec_iter_init(&it, syn.buf, syn.len);
	while ((x = rec_next(&it, &why))) {
		ecs_note_process(&ctx, x);
		h = x;
	}
	assert_null(why);
	assert_non_null(h);
	return ecs_from_record(&ctx, h);
}

static char *render(int kind, json_object *o)
{
	struct fmt_buf b = { 0 };

	fmt_render(kind, o, &b);
	assert_non_null(b.s);
	return b.s;
}

static const struct who alice = { 1000, 1000, 7, 4242, 5 * NS, "cat" };

static void setup_ctx(void)
{
	ecs_ctx_init(&ctx, "host-1", 0xfeedface01020304ULL, 0);
	ctx.resolve_names = 0;	/* the same everywhere */
	synth_init(&syn);
}

static void teardown_ctx(void)
{
	ecs_ctx_free(&ctx);
	synth_free(&syn);
}

/* ------------------------------------------------------------------ */
/* Tests                                                               */
/* ------------------------------------------------------------------ */

static void cef_escaping_is_the_specs(void **state)
{
	struct fmt_buf b = { 0 };

	(void)state;
	fmt_cef_header(&b, "a|b\\c=d\ne");
	assert_string_equal(b.s, "a\\|b\\\\c=d e");
	fb_reset(&b);
	fmt_cef_value(&b, "a|b\\c=d\ne\rf g");
	assert_string_equal(b.s, "a|b\\\\c\\=d\\ne\\rf g");
	fb_reset(&b);
	fmt_cef_value(&b, "");
	assert_string_equal(b.s, "");
	fb_free(&b);
}

static void cef_of_a_file_read(void **state)
{
	json_object *o;
	char *line;

	(void)state;
	setup_ctx();
	synth_process(&syn, 0, T0, &alice, "/usr/bin/cat", DAUDIT_PROC_EXEC);
	syn.seq[2] = 41;
	synth_read(&syn, 2, T0 + 1500000, &alice, "customers",
		   "/data/customers/a=b.csv", 77, 0, 1, 12345);
	o = ecs_of_last();
	line = render(FMT_CEF, o);
	assert_string_equal(line,
		"CEF:0|daudit|daudit|test|file_read|protected file read|3|"
		"rt=1793577600001 externalId=feedface01020304-2-41 cat=file "
		"act=file_read reason=close start=1793577600001 "
		"end=1793577600001 dvchost=host-1 "
		"deviceExternalId=feedface01020304 suid=1000 spid=4242 "
		"sproc=/usr/bin/cat fname=a\\=b.csv "
		"filePath=/data/customers/a\\=b.csv fileId=1023 in=12345 "
		"cs1=customers cs1Label=dataset cs2=77 cs2Label=session "
		"cs3=1000 cs3Label=uid cs4=1000 cs4Label=euid cs5=7 "
		"cs5Label=loginSession cn1=1 cn1Label=calls cn2=0 "
		"cn2Label=mmapBytes msg=uid 1000 read 12345 bytes of customers "
		"from /data/customers/a\\=b.csv with /usr/bin/cat");
	free(line);
	json_object_put(o);
	teardown_ctx();
}

static void leef_of_an_egress(void **state)
{
	struct parsed p;
	json_object *o;
	char *line;

	(void)state;
	setup_ctx();
	synth_egress(&syn, 1, T0 + 2000000, &alice, "customers",
		     DAUDIT_EGRESS_NET, DAUDIT_EGRESS_F_LOGIN, NULL, 900);
	o = ecs_of_last();
	line = render(FMT_LEEF, o);
	assert_true(!strncmp(line, "LEEF:2.0|daudit|daudit|test|egress|x09|", 39));
	assert_printable(line, "\t");
	parse_leef(line, &p);
	assert_string_equal(p.header[0], "LEEF:2.0");
	assert_string_equal(p.header[4], "egress");
	assert_string_equal(p.header[5], "x09");
	assert_string_equal(get(&p, "devTimeFormat"), "yyyy-MM-dd'T'HH:mm:ss.SSSZ");
	assert_string_equal(get(&p, "devTime"), "2026-11-02T00:00:00.002+0000");
	assert_string_equal(get(&p, "cat"), "egress");
	assert_string_equal(get(&p, "sev"), "5");
	assert_string_equal(get(&p, "usrName"), "1000");
	assert_string_equal(get(&p, "dst"), "203.0.113.5");
	assert_string_equal(get(&p, "dstPort"), "443");
	assert_string_equal(get(&p, "proto"), "TCP");
	assert_string_equal(get(&p, "srcBytes"), "900");
	assert_string_equal(get(&p, "eventId"), "feedface01020304-1-0");
	assert_string_equal(get(&p, "dataset"), "customers");
	assert_string_equal(get(&p, "egressKind"), "net");
	assert_string_equal(get(&p, "loopback"), "false");
	assert_string_equal(get(&p, "markedAt"), "2026-11-02T00:00:00.002+0000");
	assert_null(get(&p, "src"));
	parsed_free(&p);
	free(line);
	json_object_put(o);
	teardown_ctx();
}

/* IPv6 endpoints go in keys of the CEF dictionary (it has no c6a2). */
static void cef_ipv6_endpoints(void **state)
{
	static const uint8_t peer[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 5 };
	struct daudit_rec_sock *k;
	struct parsed p;
	json_object *o;
	char *line;

	(void)state;
	setup_ctx();
	synth_sock(&syn, 0, T0, &alice, "db", NULL, 10);
	k = (void *)(syn.buf + syn.last);
	k->family = AF_INET6;
	memcpy(k->peer_addr, peer, sizeof(peer));
	memset(k->local_addr, 0, sizeof(k->local_addr));
	k->local_addr[15] = 1;
	o = ecs_of_last();
	line = render(FMT_CEF, o);
	parse_cef(line, &p);
	assert_string_equal(get(&p, "c6a1"), "2001:db8::5");
	assert_string_equal(get(&p, "c6a1Label"), "Source IPv6 Address");
	assert_string_equal(get(&p, "spt"), "5432");
	assert_string_equal(get(&p, "c6a3"), "::1");
	assert_string_equal(get(&p, "c6a3Label"), "Destination IPv6 Address");
	assert_null(get(&p, "c6a2"));
	assert_null(get(&p, "src"));
	parsed_free(&p);
	free(line);
	json_object_put(o);
	teardown_ctx();
}

static void ocsf_classes(void **state)
{
	static const struct {
		int kind;
		int class_uid, activity_id, category_uid;
		long long type_uid;
	} want[] = {
		{ 0, 1001, 2, 1, 100102 },	/* file read */
		{ 1, 4001, 6, 4, 400106 },	/* socket read */
		{ 2, 4001, 6, 4, 400106 },	/* egress net */
		{ 3, 1001, 3, 1, 100103 },	/* egress to a file */
		{ 4, 1001, 1, 1, 100101 },	/* hard link */
		{ 5, 1007, 1, 1, 100701 },	/* exec */
		{ 6, 0, 99, 0, 99 },		/* lost */
		{ 7, 4001, 6, 4, 400106 },	/* socket read over unix */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		json_object *o, *j, *v;
		char *line;

		setup_ctx();
		switch (want[i].kind) {
		case 0:
			synth_read1(&syn, 0, T0, &alice, "customers", "/d/x.csv", 10);
			break;
		case 1:
			synth_sock(&syn, 0, T0, &alice, "db", NULL, 10);
			break;
		case 2:
			synth_egress(&syn, 0, T0, &alice, "customers",
				     DAUDIT_EGRESS_NET, 0, NULL, 10);
			break;
		case 3:
			synth_egress(&syn, 0, T0, &alice, "customers",
				     DAUDIT_EGRESS_FILE, 0, "/media/usb0/x", 10);
			break;
		case 4:
			synth_alert(&syn, 0, T0, &alice, "customers", "/d/x.csv",
				    "/tmp/y");
			break;
		case 5:
			synth_process(&syn, 0, T0, &alice, "/usr/bin/cat",
				      DAUDIT_PROC_EXEC);
			break;
		case 7:
			synth_sock(&syn, 0, T0, &alice, "db", "/run/pg.sock", 10);
			break;
		default:
			synth_lost(&syn, 0, T0, 5, DAUDIT_REC_FILE_READ);
		}
		o = ecs_of_last();
		line = render(FMT_OCSF, o);
		j = json_tokener_parse(line);
		assert_non_null(j);
		assert_int_equal(json_object_get_int(ecs_get(j, "class_uid")), want[i].class_uid);
		assert_int_equal(json_object_get_int(ecs_get(j, "activity_id")), want[i].activity_id);
		assert_int_equal(json_object_get_int(ecs_get(j, "category_uid")), want[i].category_uid);
		assert_int_equal(json_object_get_int64(ecs_get(j, "type_uid")), want[i].type_uid);
		assert_int_equal(json_object_get_int64(ecs_get(j, "time")), 1793577600000LL);
		assert_string_equal(ecs_get_str(j, "metadata.version"), "1.1.0");
		assert_string_equal(ecs_get_str(j, "metadata.product.name"), "daudit");
		assert_string_equal(ecs_get_str(j, "metadata.uid"), ecs_get_str(o, "event.id"));
		assert_non_null(ecs_get(j, "severity_id"));
		if (want[i].kind == 0) {
			assert_string_equal(ecs_get_str(j, "type_name"), "File System Activity: Read");
			assert_string_equal(ecs_get_str(j, "file.path"), "/d/x.csv");
			assert_string_equal(ecs_get_str(j, "file.name"), "x.csv");
			assert_int_equal(json_object_get_int(ecs_get(j, "actor.process.pid")), 4242);
			assert_string_equal(ecs_get_str(j, "actor.user.uid"), "1000");
			assert_string_equal(ecs_get_str(j, "actor.session.uid"), "7");
			assert_string_equal(ecs_get_str(j, "device.hostname"), "host-1");
			v = ecs_get(j, "unmapped.daudit.bytes");
			assert_non_null(v);
			assert_int_equal(json_object_get_int(v), 10);
			assert_int_equal(json_object_get_int(ecs_get(j, "severity_id")), 1);
		}
		/* Every event says what it is in one line (issue 18). */
		assert_string_equal(ecs_get_str(j, "message"), ecs_get_str(o, "message"));
		if (want[i].kind == 1) {
			/* The reader initiated the connection; the server answered. */
			assert_string_equal(ecs_get_str(j, "dst_endpoint.ip"), "10.0.0.5");
			assert_int_equal(json_object_get_int(ecs_get(j, "dst_endpoint.port")), 5432);
			assert_int_equal(json_object_get_int(ecs_get(j, "src_endpoint.port")), 40000);
			assert_int_equal(json_object_get_int(ecs_get(j, "traffic.bytes_in")), 10);
		}
		if (want[i].kind == 7) {
			/* The socket read from is the endpoint that answered. */
			assert_string_equal(ecs_get_str(j, "dst_endpoint.name"), "/run/pg.sock");
			assert_null(ecs_get(j, "src_endpoint"));
		}
		if (want[i].kind == 2) {
			assert_string_equal(ecs_get_str(j, "dst_endpoint.ip"), "203.0.113.5");
			assert_int_equal(json_object_get_int(ecs_get(j, "traffic.bytes_out")), 10);
			assert_string_equal(ecs_get_str(j, "connection_info.direction"), "Outbound");
		}
		json_object_put(j);
		free(line);
		json_object_put(o);
		teardown_ctx();
	}
}

static void findings_in_every_format(void **state)
{
	struct ecs_finding f = {
		.id = 9, .rule = "hardlink", .key = "hardlink|k=v|x", .user = 1003,
		.login = 1, .dataset = "customers", .first_ns = T0,
		.last_ns = T0, .score = 50, .bytes = 0, .count = 1,
		.reason = "hard link to a protected file of customers: /a -> /b=c",
	};
	struct parsed p;
	json_object *o, *j;
	char *line;

	(void)state;
	setup_ctx();
	o = ecs_from_finding(&ctx, &f);
	line = render(FMT_CEF, o);
	parse_cef(line, &p);
	assert_string_equal(p.header[4], "finding:hardlink");
	assert_string_equal(p.header[6], "8");
	assert_string_equal(get(&p, "externalId"), ecs_get_str(o, "event.id"));
	assert_non_null(strstr(get(&p, "externalId"), "-finding-9"));
	assert_string_equal(get(&p, "act"), "hardlink");
	assert_string_equal(get(&p, "cs6"), "hardlink|k=v|x");
	assert_string_equal(get(&p, "cs6Label"), "findingKey");
	assert_string_equal(get(&p, "msg"), f.reason);
	assert_string_equal(get(&p, "cn3"), "50");
	parsed_free(&p);
	free(line);
	line = render(FMT_LEEF, o);
	parse_leef(line, &p);
	assert_string_equal(p.header[4], "finding:hardlink");
	assert_string_equal(get(&p, "sev"), "8");
	assert_string_equal(get(&p, "ruleName"), "hardlink");
	assert_decodes(get(&p, "findingKey"), f.key, strlen(f.key));
	assert_string_equal(get(&p, "msg"), f.reason);
	parsed_free(&p);
	free(line);
	line = render(FMT_OCSF, o);
	j = json_tokener_parse(line);
	assert_int_equal(json_object_get_int(ecs_get(j, "class_uid")), 2004);
	assert_int_equal(json_object_get_int(ecs_get(j, "type_uid")), 200401);
	assert_string_equal(ecs_get_str(j, "finding_info.uid"), ecs_get_str(o, "event.id"));
	assert_string_equal(ecs_get_str(j, "finding_info.title"), "hardlink");
	assert_string_equal(ecs_get_str(j, "finding_info.desc"), f.reason);
	assert_int_equal(json_object_get_int(ecs_get(j, "severity_id")), 4);
	assert_string_equal(ecs_get_str(j, "actor.user.uid"), "1003");
	json_object_put(j);
	free(line);
	json_object_put(o);
	teardown_ctx();
}

/* 4 KiB of hostile bytes, ending in a name. */
static char *hostile(size_t *len)
{
	size_t n = DAUDIT_PATH_MAX - 1, i, p = sizeof(hostile_piece) - 1;
	char *s = malloc(n + 1);

	assert_non_null(s);
	for (i = 0; i < n - 8; i++)
		s[i] = hostile_piece[i % p];
	memcpy(s + n - 8, "/f|=\\.\n\xff", 8);
	s[n] = '\0';
	*len = n;
	return s;
}

static void hostile_strings_survive_every_format(void **state)
{
	size_t len, dlen;
	char *path = hostile(&len);
	const char *slash = memrchr(path, '/', len);
	struct daudit_rec_file *f;
	int kind;

	(void)state;
	dlen = (size_t)(slash - path);
	setup_ctx();
	/* The executable is hostile too, and so is the command name. */
	synth_process(&syn, 0, T0, &alice, path, DAUDIT_PROC_EXEC);
	synth_read1(&syn, 0, T0, &alice, "customers", path, 123);
	f = (void *)(syn.buf + syn.len - ((sizeof(*f) + len + 1 + 7) & ~(size_t)7));
	assert_int_equal(f->hdr.type, DAUDIT_REC_FILE_READ);
	memcpy(f->subj.comm, hostile_comm, sizeof(hostile_comm));
	for (kind = 0; kind < FMT_MAX; kind++) {
		json_object *o = ecs_of_last();
		char *line = render(kind, o);
		struct parsed p;

		if (kind == FMT_CEF) {
			assert_printable(line, "");
			parse_cef(line, &p);
			assert_decodes(get(&p, "filePath"), path, len);
			assert_decodes(get(&p, "fname"), slash + 1, len - dlen - 1);
			assert_decodes(get(&p, "sproc"), path, len);
			assert_string_equal(get(&p, "in"), "123");
			assert_string_equal(get(&p, "cs1"), "customers");
			parsed_free(&p);
		} else if (kind == FMT_LEEF) {
			assert_printable(line, "\t");
			/* After the header no raw '|' may appear. */
			assert_null(strchr(strstr(line, "|x09|") + 5, '|'));
			parse_leef(line, &p);
			assert_decodes(get(&p, "filePath"), path, len);
			assert_decodes(get(&p, "fileName"), slash + 1, len - dlen - 1);
			assert_decodes(get(&p, "exe"), path, len);
			assert_decodes(get(&p, "comm"), hostile_comm, sizeof(hostile_comm));
			assert_string_equal(get(&p, "bytes"), "123");
			parsed_free(&p);
		} else {
			json_object *j;

			assert_null(strchr(line, '\n'));
			j = json_tokener_parse(line);
			assert_non_null(j);
			if (kind == FMT_ECS) {
				assert_decodes(ecs_get_str(j, "file.path"), path, len);
				assert_decodes(ecs_get_str(j, "file.directory"), path, dlen);
				assert_decodes(ecs_get_str(j, "process.executable"), path, len);
				assert_decodes(ecs_get_str(j, "process.name"), hostile_comm,
					       sizeof(hostile_comm));
			} else {
				assert_decodes(ecs_get_str(j, "file.path"), path, len);
				assert_decodes(ecs_get_str(j, "file.name"), slash + 1,
					       len - dlen - 1);
				assert_decodes(ecs_get_str(j, "actor.process.file.path"),
					       path, len);
				assert_decodes(ecs_get_str(j, "actor.process.name"),
					       hostile_comm, sizeof(hostile_comm));
			}
			json_object_put(j);
		}
		free(line);
		json_object_put(o);
	}
	teardown_ctx();
	free(path);
}

static void times_in_milliseconds(void **state)
{
	(void)state;
	assert_int_equal(fmt_time_ms("2026-11-27T20:20:32.123456789Z"), 1795810832123LL);
	assert_int_equal(fmt_time_ms("1970-01-01T00:00:01Z"), 1000);
	assert_int_equal(fmt_time_ms("1970-01-01T00:00:00.5Z"), 500);
	assert_int_equal(fmt_time_ms("yesterday"), -1);
	assert_int_equal(fmt_time_ms(NULL), -1);
	assert_int_equal(fmt_by_name("leef"), FMT_LEEF);
	assert_int_equal(fmt_by_name("json"), -1);
	assert_string_equal(fmt_name(FMT_OCSF), "ocsf");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cef_escaping_is_the_specs),
		cmocka_unit_test(cef_of_a_file_read),
		cmocka_unit_test(leef_of_an_egress),
		cmocka_unit_test(cef_ipv6_endpoints),
		cmocka_unit_test(ocsf_classes),
		cmocka_unit_test(findings_in_every_format),
		cmocka_unit_test(hostile_strings_survive_every_format),
		cmocka_unit_test(times_in_milliseconds),
	};

	setenv("TZ", "UTC", 1);
	return cmocka_run_group_tests_name("fmt", tests, NULL, NULL);
}
