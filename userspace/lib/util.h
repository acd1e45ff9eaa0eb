/* SPDX-License-Identifier: GPL-2.0 */
/* Small helpers shared by daudit and dauditd: messages and allocation. */
#ifndef DAUDIT_UTIL_H
#define DAUDIT_UTIL_H

#include <stddef.h>
#include <stdnoreturn.h>

/* Name used to prefix messages ("daudit: ..."). */
extern const char *util_progname;

#define UTIL_PRINTF(a, b) __attribute__((format(printf, a, b)))

/*
 * One-line message on stderr, prefixed by the program name.  When stderr
 * is the journal (systemd's JOURNAL_STREAM names it), the line starts
 * with its priority as sd-daemon(3) prefixes ("<3>"), so the journal
 * files it at that level: util_err() and util_die() at LOG_ERR, the
 * others at the LOG_* level given.
 */
void util_log(int prio, const char *fmt, ...) UTIL_PRINTF(2, 3);
void util_err(const char *fmt, ...) UTIL_PRINTF(1, 2);
noreturn void util_die(int status, const char *fmt, ...) UTIL_PRINTF(2, 3);

void *util_xmalloc(size_t n);
void *util_xcalloc(size_t n, size_t size);
void *util_xrealloc(void *p, size_t n);
/* @p, an array of @old elements of @size bytes, grown to @n, the new ones zero. */
void *util_xrecalloc(void *p, size_t old, size_t n, size_t size);
char *util_xstrdup(const char *s);
/* Both NULL, or both strings and equal. */
int util_streq_null(const char *a, const char *b);

/* mkdir -p: create @path and its missing parents with @mode; 0 or -1. */
int util_mkdir_p(const char *path, unsigned int mode);

/* Exit codes shared by the tools. */
enum {
	EXIT_FAIL = 1,		/* the operation failed */
	EXIT_USAGE = 2,		/* bad command line */
	EXIT_UNPROTECTED = 3,	/* working, but no policy in force */
};

#endif
