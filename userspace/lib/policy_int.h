/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the policy code (policy*.c): what its parts share.  The model
 * and its errors (policy.c), the rules and conflict checks the parser and
 * the decoder both apply (policy_rules.c, policy_conflicts.c), and the
 * lexer the parser reads tokens from (policy_lex.c).  Not for use outside
 * policy*.c: policy.h is the interface.
 */
#ifndef DAUDIT_POLICY_INT_H
#define DAUDIT_POLICY_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "policy.h"
#include "util.h"

#define NO_ITEM		UINT32_MAX

/* Source kinds by type, as the text writes them (policy.c). */
extern const char *const kind_names[DAUDIT_SRC_TYPE_MAX + 1];

static inline bool is_net(unsigned int type)
{
	return type == DAUDIT_SRC_TCP || type == DAUDIT_SRC_UDP;
}

/* Readers and apps name executables: they protect nothing themselves. */
static inline bool is_protected(unsigned int type)
{
	return type != DAUDIT_SRC_READER && type != DAUDIT_SRC_APP;
}

static inline unsigned int family_bits(uint16_t family)
{
	return family == AF_INET ? 32 : 128;
}

/* Lexer rules; the printer quotes what the lexer would not read back. */
static inline bool is_ctl(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

static inline bool is_word_char(unsigned char c)
{
	return !is_ctl(c) && c != ' ' && !strchr("{};\"", c);
}

/* The model (policy.c). */
void add_error(struct policy *p, uint32_t line, uint32_t kind, uint32_t item,
	       const char *tok, size_t toklen, const char *fmt, ...)
	UTIL_PRINTF(7, 8);
unsigned int error_count(const struct policy *p);
uint32_t add_dataset(struct policy *p, const char *name, size_t len,
		     uint32_t line);
void add_source(struct policy *p, const struct policy_source *s);
int find_dataset(const struct policy *p, const char *name, size_t len);

/* Rules shared by the parser and the decoder (policy_rules.c). */
const char *name_problem(const char *s, size_t len);
const char *path_problem(const char *s, size_t len);
bool host_bits_clear(const uint8_t *addr, unsigned int prefix,
		     unsigned int bits);
const char *net_problem(uint16_t family, unsigned int prefix,
			const uint8_t *addr);

/* Conflicts between sources, as errors in @p (policy_conflicts.c). */
void check_conflicts(struct policy *p);

/* The lexer (policy_lex.c), for the parser (policy_parse.c). */
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

struct token lex(struct parser *ps);
void tok_free(struct token *t);
void tok_error(struct parser *ps, const struct token *t, const char *fmt, ...)
	UTIL_PRINTF(3, 4);

#endif
