// SPDX-License-Identifier: GPL-2.0
/*
 * The text policy parser: tokens from the lexer (policy_lex.c) into the
 * model, every error collected with its line (docs/policy.md).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "policy_int.h"

/* ------------------------------------------------------------------ */
/* Parser                                                              */
/* ------------------------------------------------------------------ */

static struct token next(struct parser *ps)
{
	if (ps->peeked) {
		ps->peeked = false;
		return ps->peek;
	}
	return lex(ps);
}

static void unget(struct parser *ps, struct token t)
{
	ps->peek = t;
	ps->peeked = true;
}

static struct token next_skip_nl(struct parser *ps)
{
	struct token t;

	while ((t = next(ps)).kind == T_NL)
		;
	return t;
}

static bool is_word(const struct token *t, const char *w)
{
	return t->kind == T_WORD && !strcmp(t->text, w);
}

static bool is_value(const struct token *t)
{
	return t->kind == T_WORD || t->kind == T_STRING;
}

static bool is_end(const struct token *t)
{
	return t->kind == T_NL || t->kind == T_SEMI || t->kind == T_RBRACE ||
	       t->kind == T_EOF;
}

/* A source ends at a newline, a ';' (both eaten) or a '}' (left). */
static void end_source(struct parser *ps, struct token t)
{
	if (t.kind == T_RBRACE || t.kind == T_EOF)
		unget(ps, t);
	else
		tok_free(&t);
}

/* After a mistake: drop the rest of the source, silently. */
static void skip_source(struct parser *ps)
{
	struct token t = next(ps);

	while (!is_end(&t)) {
		tok_free(&t);
		t = next(ps);
	}
	end_source(ps, t);
}

static bool parse_path(struct parser *ps, const struct token *arg,
		       struct policy_source *s)
{
	const char *why = path_problem(arg->text, arg->len);

	if (why) {
		if (arg->len > DAUDIT_PATH_MAX - 1)
			tok_error(ps, arg, "%s (%zu bytes)", why, arg->len);
		else
			tok_error(ps, arg, "%s", why);
		return false;
	}
	s->path = util_xstrdup(arg->text);
	s->path_len = arg->len;
	return true;
}

static bool parse_uint(const char *s, size_t len, unsigned long max,
		       unsigned long *v)
{
	size_t i;

	if (len == 0 || len > 5)
		return false;
	*v = 0;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (s[i] - '0');
	}
	return *v <= max;
}

/* ADDR or ADDR/PREFIX; inet_pton decides what an address is. */
static bool parse_endpoint(struct parser *ps, const struct token *arg,
			   struct policy_source *s)
{
	char addr[INET6_ADDRSTRLEN], net[INET6_ADDRSTRLEN];
	const char *slash = memchr(arg->text, '/', arg->len);
	size_t alen = slash ? (size_t)(slash - arg->text) : arg->len;
	unsigned long prefix;
	const char *why;

	if (alen >= sizeof(addr))
		goto bad_addr;
	memcpy(addr, arg->text, alen);
	addr[alen] = 0;
	if (inet_pton(AF_INET, addr, s->addr) == 1)
		s->family = AF_INET;
	else if (inet_pton(AF_INET6, addr, s->addr) == 1)
		s->family = AF_INET6;
	else
		goto bad_addr;
	prefix = family_bits(s->family);
	if (slash && !parse_uint(slash + 1, arg->len - alen - 1, prefix,
				 &prefix)) {
		tok_error(ps, arg, "prefix length must be 0-%u for %s",
			  family_bits(s->family),
			  s->family == AF_INET ? "IPv4" : "IPv6");
		return false;
	}
	s->prefix_len = prefix;
	why = net_problem(s->family, prefix, s->addr);
	if (why && !host_bits_clear(s->addr, prefix, family_bits(s->family))) {
		unsigned int i;

		for (i = prefix; i < family_bits(s->family); i++)
			s->addr[i / 8] &= ~(0x80 >> (i % 8));
		inet_ntop(s->family, s->addr, net, sizeof(net));
		tok_error(ps, arg, "host bits set beyond the prefix (the network is %s/%lu)",
			  net, prefix);
		return false;
	}
	if (why) {
		tok_error(ps, arg, "%s", why);
		return false;
	}
	return true;
bad_addr:
	tok_error(ps, arg, "not an IPv4 or IPv6 address");
	return false;
}

/* P or P-Q, 1..65535, P <= Q. */
static bool parse_ports(struct parser *ps, const struct token *t,
			struct policy_source *s)
{
	const char *dash = memchr(t->text, '-', t->len);
	size_t llen = dash ? (size_t)(dash - t->text) : t->len;
	unsigned long lo, hi;

	if (!parse_uint(t->text, llen, 65535, &lo) ||
	    (dash && !parse_uint(dash + 1, t->len - llen - 1, 65535, &hi))) {
		tok_error(ps, t, "port must be a number 1-65535 or a range N-M");
		return false;
	}
	if (!dash)
		hi = lo;
	if (lo == 0 || hi == 0) {
		tok_error(ps, t, "port 0 cannot be protected (ports are 1-65535)");
		return false;
	}
	if (lo > hi) {
		tok_error(ps, t, "port range is reversed");
		return false;
	}
	s->port_lo = lo;
	s->port_hi = hi;
	return true;
}

static unsigned int kind_of(const struct token *t)
{
	unsigned int i;

	for (i = 1; i <= DAUDIT_SRC_TYPE_MAX; i++)
		if (is_word(t, kind_names[i]))
			return i;
	return 0;
}

/* Count a new part of the binary against the limits; false past one. */
static bool fits(struct parser *ps, const struct token *t, size_t bytes)
{
	ps->size += bytes;
	if (ps->size <= DAUDIT_POLICY_MAX_SIZE)
		return true;
	if (!ps->too_big)
		tok_error(ps, t, "policy larger than %u bytes in binary form",
			  DAUDIT_POLICY_MAX_SIZE);
	ps->too_big = true;
	return false;
}

static void store_source(struct parser *ps, int ds, const struct token *arg,
			 struct policy_source *s)
{
	struct policy *p = ps->p;

	if (ds < 0) {
		free(s->path);
		return;
	}
	if (p->n_sources >= DAUDIT_POLICY_MAX_SOURCES) {
		if (!ps->sources_full)
			tok_error(ps, arg, "too many sources (at most %u)",
				  DAUDIT_POLICY_MAX_SOURCES);
		ps->sources_full = true;
		free(s->path);
		return;
	}
	fits(ps, arg, sizeof(struct daudit_policy_source) +
	     (s->path ? s->path_len + 1 : 0));
	s->dataset = ds;
	add_source(p, s);
}

/* After the argument: "port P[-Q]" for endpoints, then the source's end. */
static bool parse_tail(struct parser *ps, const struct token *kw,
		       const struct token *arg, struct policy_source *s)
{
	struct token t = next(ps), pt;
	bool ok = true;

	if (is_word(&t, "port") && !is_net(s->type)) {
		tok_error(ps, &t, "'port' is only for tcp and udp");
		goto skip;
	}
	if (is_word(&t, "port")) {
		pt = next(ps);
		if (!is_value(&pt)) {
			if (pt.kind != T_BAD)
				tok_error(ps, &t, "missing port number");
			tok_free(&t);
			t = pt;
			goto bad_end;
		}
		ok = parse_ports(ps, &pt, s);
		tok_free(&pt);
		tok_free(&t);
		t = next(ps);
	} else if (is_net(s->type)) {
		if (is_end(&t))
			tok_error(ps, arg, "%s needs a port ('port N' or 'port N-M')",
				  kw->text);
		else if (t.kind != T_BAD)
			tok_error(ps, &t, "expected 'port' after the address");
		goto bad_end;
	}
	if (is_end(&t)) {
		end_source(ps, t);
		return ok;
	}
	if (t.kind != T_BAD)
		tok_error(ps, &t, "unexpected text after the source (one source per line, or separate them with ';')");
skip:
	tok_free(&t);
	skip_source(ps);
	return false;
bad_end:
	if (is_end(&t)) {
		end_source(ps, t);
		return false;
	}
	goto skip;
}

/* KIND ARG [port P[-Q]]; false if it had an error. */
static bool parse_source(struct parser *ps, int ds, const struct token *kw)
{
	struct policy_source s = { .type = kind_of(kw), .line = kw->line };
	struct token arg;
	bool ok;

	/* What the loader added (policy_links.c), as 'daudit policy' prints it. */
	if (is_word(kw, POLICY_LINKED_KIND)) {
		s.type = DAUDIT_SRC_FILE;
		s.flags = DAUDIT_SRC_F_LINKED;
	}
	if (!s.type) {
		tok_error(ps, kw, "unknown source kind (tree, file, device, reader, app, unix, tcp or udp)");
		skip_source(ps);
		return false;
	}
	arg = next(ps);
	if (!is_value(&arg)) {
		if (is_end(&arg)) {
			tok_error(ps, kw, "missing %s",
				  is_net(s.type) ? "address" : "path");
			end_source(ps, arg);
			return false;
		}
		if (arg.kind != T_BAD)
			tok_error(ps, &arg, "expected %s after '%s'",
				  is_net(s.type) ? "an address" : "a path",
				  kw->text);
		skip_source(ps);
		return false;
	}
	ok = is_net(s.type) ? parse_endpoint(ps, &arg, &s) :
			      parse_path(ps, &arg, &s);
	ok = parse_tail(ps, kw, &arg, &s) && ok;
	if (ok)
		store_source(ps, ds, &arg, &s);
	else
		free(s.path);
	tok_free(&arg);
	return ok;
}

/* The sources of a dataset, up to its '}'. */
static void parse_block(struct parser *ps, int ds, const struct token *name)
{
	unsigned int bad = 0;
	struct token t;

	for (;;) {
		t = next(ps);
		if (t.kind == T_NL || t.kind == T_SEMI)
			continue;
		if (t.kind == T_RBRACE)
			break;
		if (t.kind == T_EOF || is_word(&t, "dataset")) {
			tok_error(ps, name, "missing '}' to close dataset");
			unget(ps, t);
			return;
		}
		if (t.kind == T_WORD) {
			bad += !parse_source(ps, ds, &t);
		} else {
			if (t.kind != T_BAD)
				tok_error(ps, &t, "expected a source kind (tree, file, reader, app, unix, tcp or udp)");
			bad++;
			skip_source(ps);
		}
		tok_free(&t);
	}
	/* A dataset whose sources all had errors has been reported enough. */
	if (ds >= 0 && !ps->p->datasets[ds].n_protected && !bad)
		tok_error(ps, name, "dataset has no protected source (tree, file, device, unix, tcp or udp)");
}

/* The index of a new dataset, or -1 if its name is wrong or no room. */
static int new_dataset(struct parser *ps, const struct token *name,
		       uint32_t line)
{
	struct policy *p = ps->p;
	const char *why = name_problem(name->text, name->len);
	int dup;

	if (why) {
		tok_error(ps, name, "%s", why);
		return -1;
	}
	dup = find_dataset(p, name->text, name->len);
	if (dup >= 0)
		tok_error(ps, name, "duplicate dataset name (also at line %u)",
			  p->datasets[dup].line);
	if (p->n_datasets >= DAUDIT_POLICY_MAX_DATASETS) {
		if (!ps->datasets_full)
			tok_error(ps, name, "too many datasets (at most %u)",
				  DAUDIT_POLICY_MAX_DATASETS);
		ps->datasets_full = true;
		return -1;
	}
	fits(ps, name, sizeof(struct daudit_policy_dataset));
	return add_dataset(p, name->text, name->len, line);
}

/* dataset NAME { ... } */
static void parse_dataset(struct parser *ps, const struct token *kw)
{
	struct token name = next_skip_nl(ps), brace;
	int ds = -1;

	if (!is_value(&name)) {
		if (name.kind != T_BAD)
			tok_error(ps, &name, "expected a dataset name after 'dataset'");
		brace = name;
		name = *kw;
		name.text = util_xstrdup("dataset");
	} else {
		ds = new_dataset(ps, &name, kw->line);
		brace = next_skip_nl(ps);
	}
	if (brace.kind != T_LBRACE) {
		if (brace.kind != T_BAD)
			tok_error(ps, &brace, "expected '{' after the dataset name");
		/* Resynchronise on the '{' that was probably meant. */
		while (brace.kind != T_LBRACE && brace.kind != T_RBRACE &&
		       brace.kind != T_EOF && !is_word(&brace, "dataset")) {
			tok_free(&brace);
			brace = next(ps);
		}
		if (brace.kind != T_LBRACE) {
			if (brace.kind != T_RBRACE)
				unget(ps, brace);
			tok_free(&name);
			return;
		}
	}
	parse_block(ps, ds, &name);
	tok_free(&name);
}

struct error_order {
	uint32_t line;
	uint32_t found;		/* position in the order they were found */
};

static int cmp_error_order(const void *a, const void *b)
{
	const struct error_order *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->found < y->found ? -1 : x->found > y->found;
}

/* By line, and in the order found within a line (qsort is not stable). */
static void sort_errors(struct policy *p)
{
	struct error_order *o = util_xcalloc(p->n_errors, sizeof(*o));
	struct policy_error *sorted;
	uint32_t i;

	if (!p->n_errors) {
		free(o);
		return;
	}
	for (i = 0; i < p->n_errors; i++) {
		o[i].line = p->errors[i].line;
		o[i].found = i;
	}
	qsort(o, p->n_errors, sizeof(*o), cmp_error_order);
	sorted = util_xcalloc(p->cap_errors, sizeof(*sorted));
	for (i = 0; i < p->n_errors; i++)
		sorted[i] = p->errors[o[i].found];
	free(p->errors);
	p->errors = sorted;
	free(o);
}

static void parse_text(struct policy *p, const char *text, size_t len)
{
	struct parser ps = {
		.p = p, .s = text, .len = len, .line = 1,
		.size = sizeof(struct daudit_policy_header),
	};
	struct token t;

	while ((t = next(&ps)).kind != T_EOF) {
		if (is_word(&t, "dataset")) {
			ps.saw_dataset = true;
			parse_dataset(&ps, &t);
		} else if (t.kind != T_NL && t.kind != T_SEMI) {
			if (t.kind != T_BAD)
				tok_error(&ps, &t, "expected 'dataset'");
			/* Skip to the next dataset. */
			do {
				tok_free(&t);
				t = next(&ps);
			} while (t.kind != T_EOF && !is_word(&t, "dataset"));
			unget(&ps, t);
			continue;
		}
		tok_free(&t);
	}
	/* The kernel refuses an empty policy; say so before it has to. */
	if (!ps.saw_dataset)
		add_error(p, 0, DAUDIT_PERR_HEADER, NO_ITEM, NULL, 0,
			  "no dataset: a policy protects at least one");
	check_conflicts(p);
	sort_errors(p);
}

unsigned int policy_parse_string(struct policy *p, const char *file,
				 const char *text, size_t len)
{
	policy_init(p);
	p->file = util_xstrdup(file ? file : "policy");
	parse_text(p, text, len);
	return error_count(p);
}

/* Read all of @fd, at most POLICY_TEXT_MAX bytes; 0 or an errno. */
static int read_all(int fd, char **text, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *buf = util_xmalloc(cap);

	for (;;) {
		ssize_t r;

		if (n == cap) {
			if (cap > POLICY_TEXT_MAX) {
				free(buf);
				return EFBIG;
			}
			cap *= 2;
			buf = util_xrealloc(buf, cap);
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;

			free(buf);
			return e;
		}
		if (r == 0)
			break;
		n += r;
	}
	if (n > POLICY_TEXT_MAX) {
		free(buf);
		return EFBIG;
	}
	*text = buf;
	*len = n;
	return 0;
}

unsigned int policy_parse_file(struct policy *p, const char *path)
{
	bool is_stdin = !strcmp(path, "-");
	int fd = is_stdin ? 0 : open(path, O_RDONLY | O_CLOEXEC);
	char *text = NULL;
	size_t len = 0;
	int e;

	policy_init(p);
	p->file = util_xstrdup(is_stdin ? "<stdin>" : path);
	if (fd < 0) {
		add_error(p, 0, DAUDIT_PERR_NONE, NO_ITEM, NULL, 0,
			  "cannot open: %s", strerror(errno));
		return error_count(p);
	}
	e = read_all(fd, &text, &len);
	if (!is_stdin)
		close(fd);
	if (e == EFBIG) {
		add_error(p, 0, DAUDIT_PERR_NONE, NO_ITEM, NULL, 0,
			  "larger than %u MiB: not a policy", POLICY_TEXT_MAX >> 20);
		return error_count(p);
	}
	if (e) {
		add_error(p, 0, DAUDIT_PERR_NONE, NO_ITEM, NULL, 0,
			  "cannot read: %s", strerror(e));
		return error_count(p);
	}
	parse_text(p, text, len);
	free(text);
	return error_count(p);
}
