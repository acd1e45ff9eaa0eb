// SPDX-License-Identifier: GPL-2.0
/*
 * The policy: text parser, binary encoder and decoder, canonical printer.
 *
 * The parser never stops at the first problem: a mistake costs the rest of
 * its source (up to the end of the line, a ';' or a '}') and parsing goes
 * on, so one run of `daudit policy check` shows everything to fix.  The
 * rules a text policy obeys are checked by helpers shared with the
 * decoder, so a binary the decoder accepts always prints as valid text.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "policy.h"
#include "util.h"

#define NO_ITEM		UINT32_MAX
#define TOKEN_SHOW_MAX	100	/* bytes of a token quoted in a message */

static const char *const kind_names[] = {
	[DAUDIT_SRC_TREE] = "tree",
	[DAUDIT_SRC_FILE] = "file",
	[DAUDIT_SRC_READER] = "reader",
	[DAUDIT_SRC_UNIX] = "unix",
	[DAUDIT_SRC_TCP] = "tcp",
	[DAUDIT_SRC_UDP] = "udp",
	[DAUDIT_SRC_APP] = "app",
};

const char *policy_source_kind(unsigned int type)
{
	if (type < 1 || type > DAUDIT_SRC_TYPE_MAX)
		return NULL;
	return kind_names[type];
}

static bool is_net(unsigned int type)
{
	return type == DAUDIT_SRC_TCP || type == DAUDIT_SRC_UDP;
}

/* Readers and apps name executables: they protect nothing themselves. */
static bool is_protected(unsigned int type)
{
	return type != DAUDIT_SRC_READER && type != DAUDIT_SRC_APP;
}

/* ------------------------------------------------------------------ */
/* The model                                                           */
/* ------------------------------------------------------------------ */

void policy_init(struct policy *p)
{
	memset(p, 0, sizeof(*p));
}

void policy_free(struct policy *p)
{
	uint32_t i;

	for (i = 0; i < p->n_sources; i++)
		free(p->sources[i].path);
	for (i = 0; i < p->n_errors; i++)
		free(p->errors[i].msg);
	free(p->sources);
	free(p->datasets);
	free(p->errors);
	free(p->file);
	policy_init(p);
}

/* A token as a message quotes it: control bytes escaped, long ones cut. */
static void show_token(char *out, size_t outlen, const char *tok, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0;

	for (i = 0; i < len && i < TOKEN_SHOW_MAX && o + 5 < outlen; i++) {
		unsigned char c = tok[i];

		if (c < 0x20 || c == 0x7f) {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		} else {
			out[o++] = c;
		}
	}
	if (i < len && o + 4 <= outlen) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = 0;
}

/*
 * Record "message: 'token'" (or just the message when @tok is NULL).
 * Past POLICY_MAX_ERRORS errors are only counted: a binary file given by
 * mistake must not flood the terminal.
 */
UTIL_PRINTF(7, 8)
static void add_error(struct policy *p, uint32_t line, uint32_t kind,
		      uint32_t item, const char *tok, size_t toklen,
		      const char *fmt, ...)
{
	char shown[4 * TOKEN_SHOW_MAX + 8], *msg, *full;
	struct policy_error *e;
	va_list ap;
	int n;

	if (p->n_errors >= POLICY_MAX_ERRORS) {
		p->n_errors_dropped++;
		return;
	}
	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		util_die(EXIT_FAIL, "out of memory");
	if (tok) {
		show_token(shown, sizeof(shown), tok, toklen);
		if (asprintf(&full, "%s: '%s'", msg, shown) < 0)
			util_die(EXIT_FAIL, "out of memory");
		free(msg);
		msg = full;
	}
	if (p->n_errors == p->cap_errors) {
		p->cap_errors = p->cap_errors ? 2 * p->cap_errors : 8;
		p->errors = util_xrealloc(p->errors,
					  p->cap_errors * sizeof(*p->errors));
	}
	e = &p->errors[p->n_errors++];
	e->line = line;
	e->kind = kind;
	e->item = item;
	e->msg = msg;
}

static unsigned int error_count(const struct policy *p)
{
	return p->n_errors + p->n_errors_dropped;
}

void policy_print_errors(const struct policy *p, FILE *f)
{
	const char *file = p->file ? p->file : "policy";
	uint32_t i;

	for (i = 0; i < p->n_errors; i++) {
		if (p->errors[i].line)
			fprintf(f, "%s:%u: %s\n", file, p->errors[i].line,
				p->errors[i].msg);
		else
			fprintf(f, "%s: %s\n", file, p->errors[i].msg);
	}
	if (p->n_errors_dropped)
		fprintf(f, "%s: %u more errors not shown\n", file,
			p->n_errors_dropped);
}

static uint32_t add_dataset(struct policy *p, const char *name, size_t len,
			    uint32_t line)
{
	struct policy_dataset *d;

	if (p->n_datasets == p->cap_datasets) {
		p->cap_datasets = p->cap_datasets ? 2 * p->cap_datasets : 8;
		p->datasets = util_xrealloc(p->datasets,
					    p->cap_datasets * sizeof(*d));
	}
	d = &p->datasets[p->n_datasets];
	memset(d, 0, sizeof(*d));
	memcpy(d->name, name, len < DAUDIT_NAME_MAX ? len : DAUDIT_NAME_MAX - 1);
	d->line = line;
	return p->n_datasets++;
}

/* Append a copy of @s; the model takes over s->path. */
static void add_source(struct policy *p, const struct policy_source *s)
{
	struct policy_dataset *d = &p->datasets[s->dataset];

	if (p->n_sources == p->cap_sources) {
		p->cap_sources = p->cap_sources ? 2 * p->cap_sources : 16;
		p->sources = util_xrealloc(p->sources,
					   p->cap_sources * sizeof(*s));
	}
	p->sources[p->n_sources++] = *s;
	d->n_sources++;
	if (is_protected(s->type))
		d->n_protected++;
}

static int find_dataset(const struct policy *p, const char *name, size_t len)
{
	uint32_t i;

	for (i = 0; i < p->n_datasets; i++)
		if (strlen(p->datasets[i].name) == len &&
		    !memcmp(p->datasets[i].name, name, len))
			return i;
	return -1;
}

size_t policy_encoded_size(const struct policy *p)
{
	size_t n = sizeof(struct daudit_policy_header);
	uint32_t i;

	n += (size_t)p->n_datasets * sizeof(struct daudit_policy_dataset);
	n += (size_t)p->n_sources * sizeof(struct daudit_policy_source);
	for (i = 0; i < p->n_sources; i++)
		if (p->sources[i].path)
			n += p->sources[i].path_len + 1;
	return n;
}

/* ------------------------------------------------------------------ */
/* Rules shared by the parser and the decoder                          */
/* ------------------------------------------------------------------ */

static const char *name_problem(const char *s, size_t len)
{
	size_t i;

	if (len == 0)
		return "dataset name is empty";
	if (len >= DAUDIT_NAME_MAX)
		return "dataset name longer than 31 bytes";
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
			return "dataset name may only contain A-Z a-z 0-9 _ . -";
	}
	return NULL;
}

/*
 * A path the kernel resolves as written: absolute and normalised, so two
 * spellings of one place cannot both appear and a typo is not silently
 * a different place.
 */
static const char *path_problem(const char *s, size_t len)
{
	size_t i, start;

	if (len == 0)
		return "path is empty";
	if (s[0] != '/')
		return "path must be absolute";
	if (len > DAUDIT_PATH_MAX - 1)
		return "path longer than 4095 bytes";
	for (i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (c == 0)
			return "path contains a NUL byte";
		if (c < 0x20 || c == 0x7f)
			return "path contains a control character";
	}
	if (len > 1 && s[len - 1] == '/')
		return "path must not end with '/'";
	for (start = 1; start <= len; start = i + 1) {
		for (i = start; i < len && s[i] != '/'; i++)
			;
		if (i == start && len > 1)
			return "path has an empty component ('//')";
		if ((i - start == 1 && s[start] == '.') ||
		    (i - start == 2 && s[start] == '.' && s[start + 1] == '.'))
			return "path has a '.' or '..' component";
	}
	return NULL;
}

static unsigned int family_bits(uint16_t family)
{
	return family == AF_INET ? 32 : 128;
}

/* Are the bits of @addr beyond @prefix all zero? */
static bool host_bits_clear(const uint8_t *addr, unsigned int prefix,
			    unsigned int bits)
{
	unsigned int i;

	for (i = prefix; i < bits; i++)
		if (addr[i / 8] & (0x80 >> (i % 8)))
			return false;
	return true;
}

static bool is_v4_mapped(const uint8_t *addr, unsigned int prefix)
{
	static const uint8_t mapped[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
	};

	return prefix >= 96 && !memcmp(addr, mapped, sizeof(mapped));
}

static const char *net_problem(uint16_t family, unsigned int prefix,
			       const uint8_t *addr)
{
	unsigned int bits = family_bits(family), i;

	if (family != AF_INET && family != AF_INET6)
		return "address family is neither AF_INET nor AF_INET6";
	if (prefix > bits)
		return "prefix length out of range";
	for (i = bits / 8; i < 16; i++)
		if (addr[i])
			return "IPv4 address with bytes beyond the first 4";
	if (!host_bits_clear(addr, prefix, bits))
		return "host bits set beyond the prefix";
	if (family == AF_INET6 && is_v4_mapped(addr, prefix))
		return "IPv4-mapped IPv6 address (write it as IPv4)";
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Conflicts between sources, shared by the parser and the decoder     */
/* ------------------------------------------------------------------ */

static int cmp_path_idx(const void *a, const void *b, void *arg)
{
	const struct policy_source *s = arg;
	uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
	uint32_t n = s[i].path_len < s[j].path_len ? s[i].path_len : s[j].path_len;
	int c = memcmp(s[i].path, s[j].path, n);

	if (c)
		return c;
	if (s[i].path_len != s[j].path_len)
		return s[i].path_len < s[j].path_len ? -1 : 1;
	return i < j ? -1 : i > j;
}

struct conflicts {
	struct policy *p;
	bool *reported;			/* per source: already has an error */
};

UTIL_PRINTF(3, 4)
static void conflict(struct conflicts *c, uint32_t idx, const char *fmt, ...)
{
	const struct policy_source *s = &c->p->sources[idx];
	char *msg, arg[64];
	const char *tok;
	va_list ap;

	if (c->reported[idx])
		return;
	c->reported[idx] = true;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		util_die(EXIT_FAIL, "out of memory");
	va_end(ap);
	tok = policy_source_arg(s, arg, sizeof(arg));
	add_error(c->p, s->line, DAUDIT_PERR_SOURCE, idx, tok, strlen(tok),
		  "%s", msg);
	free(msg);
}

/* Two sources naming the same path; @a comes before @b. */
static void same_path(struct conflicts *c, uint32_t a, uint32_t b)
{
	const struct policy_source *sa = &c->p->sources[a];
	const struct policy_source *sb = &c->p->sources[b];

	/*
	 * A trusted reader or an app may be shared, and may be protected
	 * itself.
	 */
	if (is_protected(sa->type) != is_protected(sb->type))
		return;
	if (sa->dataset == sb->dataset && sa->type == sb->type)
		conflict(c, b, "duplicate source (also at line %u)", sa->line);
	else if (sa->dataset == sb->dataset)
		conflict(c, b, "path already listed as '%s' at line %u",
			 kind_names[sa->type], sa->line);
	else if (is_protected(sa->type))
		conflict(c, b, "path already protected by dataset '%s' (line %u)",
			 c->p->datasets[sa->dataset].name, sa->line);
}

/* First entry of the sorted @idx whose path equals s[0..len). */
static uint32_t lower_bound(const struct policy_source *src,
			    const uint32_t *idx, uint32_t n, const char *s,
			    size_t len)
{
	uint32_t lo = 0, hi = n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const struct policy_source *m = &src[idx[mid]];
		size_t k = m->path_len < len ? m->path_len : len;
		int cmp = memcmp(m->path, s, k);

		if (cmp < 0 || (cmp == 0 && m->path_len < len))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * A file or tree below another dataset's tree would belong to two
 * datasets, and which one a read is counted against would depend on the
 * kernel's search order: refuse it.  Within one dataset it is harmless.
 */
static void check_nesting(struct conflicts *c, const uint32_t *trees,
			  uint32_t ntrees, uint32_t idx)
{
	const struct policy_source *src = c->p->sources, *s = &src[idx];
	uint32_t i, k;

	for (i = 0; i + 1 < s->path_len; i++) {
		size_t plen = i ? i : 1;

		if (s->path[i] != '/')
			continue;
		for (k = lower_bound(src, trees, ntrees, s->path, plen);
		     k < ntrees; k++) {
			const struct policy_source *t = &src[trees[k]];

			if (t->path_len != plen || memcmp(t->path, s->path, plen))
				break;
			if (t->dataset == s->dataset)
				continue;
			conflict(c, idx,
				 "path is inside tree '%s' of dataset '%s' (line %u)",
				 t->path, c->p->datasets[t->dataset].name,
				 t->line);
			return;
		}
	}
}

static void check_paths(struct conflicts *c)
{
	struct policy *p = c->p;
	uint32_t *idx, *trees, n = 0, ntrees = 0, i, j, k;

	idx = util_xcalloc(p->n_sources, sizeof(*idx));
	trees = util_xcalloc(p->n_sources, sizeof(*trees));
	for (i = 0; i < p->n_sources; i++)
		if (p->sources[i].path)
			idx[n++] = i;
	qsort_r(idx, n, sizeof(*idx), cmp_path_idx, p->sources);
	for (i = 0; i < n; i = j) {
		const struct policy_source *s = &p->sources[idx[i]];

		for (j = i + 1; j < n; j++) {
			const struct policy_source *t = &p->sources[idx[j]];

			if (t->path_len != s->path_len ||
			    memcmp(t->path, s->path, s->path_len))
				break;
		}
		/* Equal paths sort by index: each meets those before it. */
		for (k = i + 1; k < j; k++) {
			uint32_t a;

			for (a = i; a < k && !c->reported[idx[k]]; a++)
				same_path(c, idx[a], idx[k]);
		}
	}
	for (i = 0; i < n; i++)
		if (p->sources[idx[i]].type == DAUDIT_SRC_TREE)
			trees[ntrees++] = idx[i];
	for (i = 0; i < p->n_sources; i++) {
		unsigned int t = p->sources[i].type;

		if (p->sources[i].path && is_protected(t) && !c->reported[i])
			check_nesting(c, trees, ntrees, i);
	}
	free(trees);
	free(idx);
}

static int cmp_net_idx(const void *a, const void *b, void *arg)
{
	const struct policy_source *s = arg;
	uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
	int c;

	if (s[i].type != s[j].type)
		return s[i].type < s[j].type ? -1 : 1;
	if (s[i].family != s[j].family)
		return s[i].family < s[j].family ? -1 : 1;
	c = memcmp(s[i].addr, s[j].addr, sizeof(s[i].addr));
	if (c)
		return c;
	if (s[i].prefix_len != s[j].prefix_len)
		return s[i].prefix_len < s[j].prefix_len ? -1 : 1;
	return i < j ? -1 : i > j;
}

/* Is @t inside the network of @s (same protocol and family)? */
static bool net_contains(const struct policy_source *s,
			 const struct policy_source *t)
{
	unsigned int i;

	if (s->type != t->type || s->family != t->family)
		return false;
	for (i = 0; i < s->prefix_len; i++)
		if ((s->addr[i / 8] ^ t->addr[i / 8]) & (0x80 >> (i % 8)))
			return false;
	return true;
}

static void net_pair(struct conflicts *c, uint32_t a, uint32_t b)
{
	const struct policy_source *src = c->p->sources;
	uint32_t first = a < b ? a : b, later = a < b ? b : a;
	const struct policy_source *e = &src[first], *l = &src[later];
	char arg[64], ports[16];

	if (e->port_hi < l->port_lo || l->port_hi < e->port_lo)
		return;
	if (e->port_lo == e->port_hi)
		snprintf(ports, sizeof(ports), "%u", e->port_lo);
	else
		snprintf(ports, sizeof(ports), "%u-%u", e->port_lo, e->port_hi);
	if (e->dataset != l->dataset) {
		conflict(c, later,
			 "%s endpoint overlaps %s port %s of dataset '%s' (line %u)",
			 kind_names[l->type], policy_source_arg(e, arg, sizeof(arg)),
			 ports, c->p->datasets[e->dataset].name, e->line);
	} else if (e->prefix_len == l->prefix_len &&
		   !memcmp(e->addr, l->addr, sizeof(e->addr)) &&
		   e->port_lo == l->port_lo && e->port_hi == l->port_hi) {
		conflict(c, later, "duplicate source (also at line %u)",
			 e->line);
	}
}

/*
 * Sorted by address then prefix, everything inside a network follows it
 * directly, so each endpoint is compared only with those it contains.
 */
static void check_endpoints(struct conflicts *c)
{
	struct policy *p = c->p;
	uint32_t *idx, n = 0, i, j;

	idx = util_xcalloc(p->n_sources, sizeof(*idx));
	for (i = 0; i < p->n_sources; i++)
		if (is_net(p->sources[i].type))
			idx[n++] = i;
	qsort_r(idx, n, sizeof(*idx), cmp_net_idx, p->sources);
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++) {
			if (!net_contains(&p->sources[idx[i]],
					  &p->sources[idx[j]]))
				break;
			net_pair(c, idx[i], idx[j]);
		}
	free(idx);
}

static void check_conflicts(struct policy *p)
{
	struct conflicts c = { .p = p };

	c.reported = util_xcalloc(p->n_sources, sizeof(*c.reported));
	check_paths(&c);
	check_endpoints(&c);
	free(c.reported);
}

/* ------------------------------------------------------------------ */
/* Lexer                                                               */
/* ------------------------------------------------------------------ */

enum tok_kind {
	T_EOF,
	T_NL,
	T_SEMI,
	T_LBRACE,
	T_RBRACE,
	T_WORD,			/* bare word: keywords are only ever these */
	T_STRING,		/* "quoted" */
	T_BAD,			/* a lexical error, already reported */
};

struct token {
	enum tok_kind kind;
	uint32_t line;
	char *text;		/* WORD and STRING: the value, NUL-terminated */
	size_t len;
};

struct parser {
	struct policy *p;
	const char *s;
	size_t len;
	size_t pos;
	uint32_t line;
	uint32_t lex_err_line;	/* one lexical error per line is enough */
	struct token peek;
	bool peeked;
	bool datasets_full;	/* limit errors are reported once */
	bool sources_full;
	bool too_big;
	bool saw_dataset;
	size_t size;		/* binary size so far */
};

static bool is_ctl(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

static bool is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static bool is_word_char(unsigned char c)
{
	return !is_ctl(c) && c != ' ' && !strchr("{};\"", c);
}

static void tok_free(struct token *t)
{
	free(t->text);
	t->text = NULL;
}

/* How a message quotes a token that has no text of its own. */
static const char *tok_shown(const struct token *t)
{
	switch (t->kind) {
	case T_EOF:
		return "end of file";
	case T_NL:
		return "end of line";
	case T_SEMI:
		return ";";
	case T_LBRACE:
		return "{";
	case T_RBRACE:
		return "}";
	default:
		return t->text ? t->text : "";
	}
}

UTIL_PRINTF(3, 4)
static void tok_error(struct parser *ps, const struct token *t,
		      const char *fmt, ...)
{
	const char *shown = tok_shown(t);
	size_t len = t->text ? t->len : strlen(shown);
	char *msg;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		util_die(EXIT_FAIL, "out of memory");
	va_end(ap);
	add_error(ps->p, t->line, DAUDIT_PERR_NONE, NO_ITEM, shown, len, "%s",
		  msg);
	free(msg);
}

static enum tok_kind lex_error(struct parser *ps, size_t start, size_t end,
			       const char *msg)
{
	if (ps->lex_err_line != ps->line)
		add_error(ps->p, ps->line, DAUDIT_PERR_NONE, NO_ITEM,
			  ps->s + start, end - start, "%s", msg);
	ps->lex_err_line = ps->line;
	return T_BAD;
}

static bool at_delimiter(const struct parser *ps)
{
	char c;

	if (ps->pos >= ps->len)
		return true;
	c = ps->s[ps->pos];
	return is_blank(c) || (c && strchr("\n{};", c));
}

/* A "quoted string": only \" and \\ are escapes, and it ends on its line. */
static enum tok_kind lex_string(struct parser *ps, struct token *t)
{
	const char *nl = memchr(ps->s + ps->pos, '\n', ps->len - ps->pos);
	size_t start = ps->pos++, eol = nl ? (size_t)(nl - ps->s) : ps->len;
	size_t o = 0, bad = 0, badlen = 1;
	const char *why = NULL;
	char *out;

	out = util_xmalloc(eol - start);
	for (;;) {
		unsigned char c;

		if (ps->pos >= eol) {
			free(out);
			return lex_error(ps, start, eol,
					 "unterminated quoted string");
		}
		c = ps->s[ps->pos];
		if (c == '"')
			break;
		if (c == '\\' && ps->pos + 1 < eol &&
		    (ps->s[ps->pos + 1] == '"' || ps->s[ps->pos + 1] == '\\')) {
			out[o++] = ps->s[++ps->pos];
		} else if (!why && c == '\\') {
			why = "unknown escape in quoted string (only \\\" and \\\\)";
			bad = ps->pos;
			badlen = ps->pos + 1 < eol ? 2 : 1;
		} else if (!why && is_ctl(c)) {
			why = "control character in quoted string";
			bad = ps->pos;
		} else {
			out[o++] = c;
		}
		ps->pos++;
	}
	ps->pos++;
	if (why) {
		free(out);
		return lex_error(ps, bad, bad + badlen, why);
	}
	if (!at_delimiter(ps)) {
		free(out);
		return lex_error(ps, start, ps->pos + 1,
				 "missing space after quoted string");
	}
	out[o] = 0;
	t->text = out;
	t->len = o;
	return T_STRING;
}

static enum tok_kind lex_word(struct parser *ps, struct token *t)
{
	size_t start = ps->pos;

	while (ps->pos < ps->len && is_word_char(ps->s[ps->pos]))
		ps->pos++;
	if (ps->pos < ps->len && ps->s[ps->pos] == '"')
		return lex_error(ps, start, ++ps->pos, "quote inside a word");
	if (ps->pos < ps->len && !at_delimiter(ps))
		return lex_error(ps, start, ++ps->pos, "control character");
	t->len = ps->pos - start;
	t->text = util_xmalloc(t->len + 1);
	memcpy(t->text, ps->s + start, t->len);
	t->text[t->len] = 0;
	return T_WORD;
}

static struct token lex(struct parser *ps)
{
	struct token t = { .kind = T_EOF };
	unsigned char c;

	for (;;) {
		while (ps->pos < ps->len && is_blank(ps->s[ps->pos]))
			ps->pos++;
		if (ps->pos >= ps->len || ps->s[ps->pos] != '#')
			break;
		/* A comment starts where a token could, and ends the line. */
		while (ps->pos < ps->len && ps->s[ps->pos] != '\n')
			ps->pos++;
	}
	t.line = ps->line;
	if (ps->pos >= ps->len)
		return t;
	c = ps->s[ps->pos];
	switch (c) {
	case '\n':
		ps->pos++;
		ps->line++;
		t.kind = T_NL;
		break;
	case ';':
	case '{':
	case '}':
		ps->pos++;
		t.kind = c == ';' ? T_SEMI : c == '{' ? T_LBRACE : T_RBRACE;
		break;
	case '"':
		t.kind = lex_string(ps, &t);
		break;
	default:
		if (is_ctl(c)) {
			ps->pos++;
			t.kind = lex_error(ps, ps->pos - 1, ps->pos,
					   "invalid character");
		} else {
			t.kind = lex_word(ps, &t);
		}
	}
	return t;
}

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

	if (!s.type) {
		tok_error(ps, kw, "unknown source kind (tree, file, reader, app, unix, tcp or udp)");
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
		tok_error(ps, name, "dataset has no protected source (tree, file, unix, tcp or udp)");
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

/* ------------------------------------------------------------------ */
/* Binary form                                                         */
/* ------------------------------------------------------------------ */

int policy_encode(const struct policy *p, void **out, size_t *outlen)
{
	const size_t ds_at = sizeof(struct daudit_policy_header);
	const size_t src_at = ds_at +
		p->n_datasets * sizeof(struct daudit_policy_dataset);
	const size_t str_at = src_at +
		p->n_sources * sizeof(struct daudit_policy_source);
	size_t size = policy_encoded_size(p), str_len = 0;
	struct daudit_policy_header h = { 0 };
	unsigned char *buf;
	uint32_t i;

	if (error_count(p) || !p->n_datasets) {
		errno = EINVAL;
		return -1;
	}
	if (size > DAUDIT_POLICY_MAX_SIZE ||
	    p->n_datasets > DAUDIT_POLICY_MAX_DATASETS ||
	    p->n_sources > DAUDIT_POLICY_MAX_SOURCES) {
		errno = E2BIG;
		return -1;
	}
	buf = util_xcalloc(1, size);
	for (i = 0; i < p->n_datasets; i++) {
		struct daudit_policy_dataset d = { 0 };

		memcpy(d.name, p->datasets[i].name, strlen(p->datasets[i].name));
		memcpy(buf + ds_at + i * sizeof(d), &d, sizeof(d));
	}
	for (i = 0; i < p->n_sources; i++) {
		const struct policy_source *s = &p->sources[i];
		struct daudit_policy_source b = {
			.type = s->type, .dataset = s->dataset,
			.family = s->family, .prefix_len = s->prefix_len,
			.port_lo = s->port_lo, .port_hi = s->port_hi,
			.line = s->line,
		};

		memcpy(b.addr, s->addr, sizeof(b.addr));
		if (s->path) {
			b.path_off = str_len;
			b.path_len = s->path_len;
			memcpy(buf + str_at + str_len, s->path, s->path_len + 1);
			str_len += s->path_len + 1;
		}
		memcpy(buf + src_at + i * sizeof(b), &b, sizeof(b));
	}
	h.magic = DAUDIT_POLICY_MAGIC;
	h.abi_major = DAUDIT_ABI_MAJOR;
	h.header_size = sizeof(h);
	h.total_size = size;
	h.n_datasets = p->n_datasets;
	h.n_sources = p->n_sources;
	h.strings_len = str_len;
	memcpy(buf, &h, sizeof(h));
	*out = buf;
	*outlen = size;
	return 0;
}

UTIL_PRINTF(4, 5)
static int dec_error(struct policy_decode_error *err, uint32_t kind,
		     uint32_t item, const char *fmt, ...)
{
	va_list ap;

	err->kind = kind;
	err->item = item;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

static int decode_header(const unsigned char *buf, size_t len,
			 struct daudit_policy_header *h,
			 struct policy_decode_error *err)
{
	uint64_t want;

	if (len < sizeof(*h))
		return dec_error(err, DAUDIT_PERR_HEADER, NO_ITEM,
				 "truncated: %zu bytes, the header alone is %zu",
				 len, sizeof(*h));
	memcpy(h, buf, sizeof(*h));
	if (h->magic != DAUDIT_POLICY_MAGIC)
		return dec_error(err, DAUDIT_PERR_HEADER, NO_ITEM,
				 "bad magic 0x%08x", h->magic);
	if (h->abi_major != DAUDIT_ABI_MAJOR)
		return dec_error(err, DAUDIT_PERR_HEADER, NO_ITEM,
				 "ABI major %u, expected %u", h->abi_major,
				 DAUDIT_ABI_MAJOR);
	if (h->header_size != sizeof(*h))
		return dec_error(err, DAUDIT_PERR_HEADER, NO_ITEM,
				 "header_size %u, expected %zu", h->header_size,
				 sizeof(*h));
	if (h->reserved[0] || h->reserved[1])
		return dec_error(err, DAUDIT_PERR_HEADER, NO_ITEM,
				 "reserved header fields are not zero");
	if (h->total_size != len)
		return dec_error(err, DAUDIT_PERR_HEADER, NO_ITEM,
				 "total_size %u but %zu bytes given",
				 h->total_size, len);
	if (h->total_size > DAUDIT_POLICY_MAX_SIZE)
		return dec_error(err, DAUDIT_PERR_HEADER, NO_ITEM,
				 "total_size %u exceeds %u", h->total_size,
				 DAUDIT_POLICY_MAX_SIZE);
	if (!h->n_datasets)
		return dec_error(err, DAUDIT_PERR_HEADER, NO_ITEM,
				 "no dataset");
	if (h->n_datasets > DAUDIT_POLICY_MAX_DATASETS)
		return dec_error(err, DAUDIT_PERR_HEADER, NO_ITEM,
				 "%u datasets, at most %u", h->n_datasets,
				 DAUDIT_POLICY_MAX_DATASETS);
	if (h->n_sources > DAUDIT_POLICY_MAX_SOURCES)
		return dec_error(err, DAUDIT_PERR_HEADER, NO_ITEM,
				 "%u sources, at most %u", h->n_sources,
				 DAUDIT_POLICY_MAX_SOURCES);
	want = (uint64_t)sizeof(*h) +
	       (uint64_t)h->n_datasets * sizeof(struct daudit_policy_dataset) +
	       (uint64_t)h->n_sources * sizeof(struct daudit_policy_source) +
	       h->strings_len;
	if (want != h->total_size)
		return dec_error(err, DAUDIT_PERR_HEADER, NO_ITEM,
				 "parts add up to %llu bytes, total_size is %u",
				 (unsigned long long)want, h->total_size);
	if (h->strings_len && buf[len - 1])
		return dec_error(err, DAUDIT_PERR_HEADER, NO_ITEM,
				 "string table does not end with a NUL");
	return 0;
}

static int decode_dataset(struct policy *p, const unsigned char *at,
			  uint32_t i, struct policy_decode_error *err)
{
	struct daudit_policy_dataset d;
	const char *end, *why;
	size_t n, k;

	memcpy(&d, at, sizeof(d));
	end = memchr(d.name, 0, sizeof(d.name));
	if (!end)
		return dec_error(err, DAUDIT_PERR_DATASET, i,
				 "name not NUL-terminated");
	n = end - d.name;
	for (k = n; k < sizeof(d.name); k++)
		if (d.name[k])
			return dec_error(err, DAUDIT_PERR_DATASET, i,
					 "name not NUL-padded");
	why = name_problem(d.name, n);
	if (why)
		return dec_error(err, DAUDIT_PERR_DATASET, i, "%s", why);
	if (d.flags || d.reserved)
		return dec_error(err, DAUDIT_PERR_DATASET, i,
				 "flags or reserved not zero");
	if (find_dataset(p, d.name, n) >= 0)
		return dec_error(err, DAUDIT_PERR_DATASET, i,
				 "duplicate dataset name '%s'", d.name);
	add_dataset(p, d.name, n, 0);
	return 0;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

static int decode_path(struct policy_source *s,
		       const struct daudit_policy_source *b,
		       const char *strings, uint32_t strings_len, uint32_t i,
		       struct policy_decode_error *err)
{
	const char *why;

	if (b->family || b->prefix_len || b->port_lo || b->port_hi ||
	    !all_zero(b->addr, sizeof(b->addr)))
		return dec_error(err, DAUDIT_PERR_SOURCE, i,
				 "%s source with address or port fields set",
				 kind_names[b->type]);
	if ((uint64_t)b->path_off + b->path_len >= strings_len)
		return dec_error(err, DAUDIT_PERR_SOURCE, i,
				 "path at %u+%u outside the %u-byte string table",
				 b->path_off, b->path_len, strings_len);
	if (strings[b->path_off + b->path_len])
		return dec_error(err, DAUDIT_PERR_SOURCE, i,
				 "path not NUL-terminated at its length");
	why = path_problem(strings + b->path_off, b->path_len);
	if (why)
		return dec_error(err, DAUDIT_PERR_SOURCE, i, "%s", why);
	s->path = util_xmalloc(b->path_len + 1);
	memcpy(s->path, strings + b->path_off, b->path_len + 1);
	s->path_len = b->path_len;
	return 0;
}

static int decode_endpoint(struct policy_source *s,
			   const struct daudit_policy_source *b, uint32_t i,
			   struct policy_decode_error *err)
{
	const char *why;

	if (b->path_off || b->path_len)
		return dec_error(err, DAUDIT_PERR_SOURCE, i,
				 "%s source with a path", kind_names[b->type]);
	why = net_problem(b->family, b->prefix_len, b->addr);
	if (why)
		return dec_error(err, DAUDIT_PERR_SOURCE, i, "%s", why);
	if (b->port_lo == 0 || b->port_hi < b->port_lo)
		return dec_error(err, DAUDIT_PERR_SOURCE, i,
				 "bad port range %u-%u", b->port_lo, b->port_hi);
	s->family = b->family;
	s->prefix_len = b->prefix_len;
	memcpy(s->addr, b->addr, sizeof(s->addr));
	s->port_lo = b->port_lo;
	s->port_hi = b->port_hi;
	return 0;
}

static int decode_source(struct policy *p, const unsigned char *at,
			 const char *strings, uint32_t strings_len, uint32_t i,
			 struct policy_decode_error *err)
{
	struct daudit_policy_source b;
	struct policy_source s = { 0 };
	int r;

	memcpy(&b, at, sizeof(b));
	if (b.type < 1 || b.type > DAUDIT_SRC_TYPE_MAX)
		return dec_error(err, DAUDIT_PERR_SOURCE, i,
				 "unknown source type %u", b.type);
	if (b.dataset >= p->n_datasets)
		return dec_error(err, DAUDIT_PERR_SOURCE, i,
				 "dataset index %u, only %u datasets", b.dataset,
				 p->n_datasets);
	if (b.flags)
		return dec_error(err, DAUDIT_PERR_SOURCE, i, "flags not zero");
	s.type = b.type;
	s.dataset = b.dataset;
	s.line = b.line;
	if (is_net(b.type))
		r = decode_endpoint(&s, &b, i, err);
	else
		r = decode_path(&s, &b, strings, strings_len, i, err);
	if (r == 0)
		add_source(p, &s);
	return r;
}

static int decode_body(struct policy *p, const unsigned char *buf,
		       const struct daudit_policy_header *h,
		       struct policy_decode_error *err)
{
	const unsigned char *ds = buf + sizeof(*h);
	const unsigned char *src = ds + h->n_datasets * sizeof(struct daudit_policy_dataset);
	const char *strings = (const char *)src +
			      h->n_sources * sizeof(struct daudit_policy_source);
	uint32_t i;

	for (i = 0; i < h->n_datasets; i++)
		if (decode_dataset(p, ds + i * sizeof(struct daudit_policy_dataset),
				   i, err))
			return -1;
	for (i = 0; i < h->n_sources; i++)
		if (decode_source(p, src + i * sizeof(struct daudit_policy_source),
				  strings, h->strings_len, i, err))
			return -1;
	for (i = 0; i < p->n_datasets; i++)
		if (!p->datasets[i].n_protected)
			return dec_error(err, DAUDIT_PERR_DATASET, i,
					 "dataset '%s' has no protected source",
					 p->datasets[i].name);
	check_conflicts(p);
	if (p->n_errors)
		return dec_error(err, p->errors[0].kind, p->errors[0].item,
				 "%s", p->errors[0].msg);
	return 0;
}

int policy_decode(struct policy *p, const void *buf, size_t len,
		  struct policy_decode_error *err)
{
	struct daudit_policy_header h;

	policy_init(p);
	memset(err, 0, sizeof(*err));
	err->item = NO_ITEM;
	if (decode_header(buf, len, &h, err) || decode_body(p, buf, &h, err)) {
		policy_free(p);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Canonical text                                                      */
/* ------------------------------------------------------------------ */

const char *policy_source_arg(const struct policy_source *s, char *buf,
			      size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (s->path)
		return s->path;
	if (!inet_ntop(s->family, s->addr, a, sizeof(a)))
		snprintf(a, sizeof(a), "?");
	if (s->prefix_len == family_bits(s->family))
		snprintf(buf, len, "%s", a);
	else
		snprintf(buf, len, "%s/%u", a, s->prefix_len);
	return buf;
}

/* Bare when the lexer would read it back as one word, else quoted. */
static void print_string(FILE *f, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!is_word_char(s[i]) || s[i] == '#' || s[i] == '\\')
			break;
	if (i == len && len) {
		fwrite(s, 1, len, f);
		return;
	}
	fputc('"', f);
	for (i = 0; i < len; i++) {
		if (s[i] == '"' || s[i] == '\\')
			fputc('\\', f);
		fputc(s[i], f);
	}
	fputc('"', f);
}

static void print_source(FILE *f, const struct policy_source *s)
{
	char arg[64];

	fprintf(f, "\t%s ", kind_names[s->type]);
	if (s->path) {
		print_string(f, s->path, s->path_len);
	} else {
		fputs(policy_source_arg(s, arg, sizeof(arg)), f);
		if (s->port_lo == s->port_hi)
			fprintf(f, " port %u", s->port_lo);
		else
			fprintf(f, " port %u-%u", s->port_lo, s->port_hi);
	}
	fputc('\n', f);
}

void policy_print(const struct policy *p, FILE *f)
{
	uint32_t d, i;

	for (d = 0; d < p->n_datasets; d++) {
		if (d)
			fputc('\n', f);
		fprintf(f, "dataset %s {\n", p->datasets[d].name);
		for (i = 0; i < p->n_sources; i++)
			if (p->sources[i].dataset == d)
				print_source(f, &p->sources[i]);
		fputs("}\n", f);
	}
}
