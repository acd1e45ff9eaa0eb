// SPDX-License-Identifier: GPL-2.0
/*
 * The lexer of the text policy: words, "quoted strings", newlines, ';',
 * '{' and '}'; comments run from '#' to the end of the line.  A lexical
 * error is reported once per line and read as a T_BAD token.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "policy_int.h"

/* ------------------------------------------------------------------ */
/* Lexer                                                               */
/* ------------------------------------------------------------------ */

static bool is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

void tok_free(struct token *t)
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
void tok_error(struct parser *ps, const struct token *t,
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
static unsigned int hex_digit(char c)
{
	return c <= '9' ? (unsigned int)(c - '0') : (unsigned int)((c | 0x20) - 'a' + 10);
}

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
		} else if (c == '\\' && ps->pos + 3 < eol &&
			   ps->s[ps->pos + 1] == 'x' &&
			   isxdigit((unsigned char)ps->s[ps->pos + 2]) &&
			   isxdigit((unsigned char)ps->s[ps->pos + 3])) {
			/* A byte as policy show writes what a terminal acts on. */
			out[o++] = (char)(hex_digit(ps->s[ps->pos + 2]) << 4 |
					  hex_digit(ps->s[ps->pos + 3]));
			ps->pos += 3;
		} else if (!why && c == '\\') {
			why = "unknown escape in quoted string (only \\\", \\\\ and \\xHH)";
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

struct token lex(struct parser *ps)
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
