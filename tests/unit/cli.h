/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Running one daudit verb in a child process with its output captured.
 * A test_verb_*.c includes the verb's source file directly: its helpers
 * are static, and the unit Makefile links only userspace/lib and the
 * collector.  The database comes from scenario.h.
 */
#ifndef DAUDIT_TEST_CLI_H
#define DAUDIT_TEST_CLI_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The end of cli_run()'s arguments, typed as variadic functions need. */
#define END ((const char *)NULL)

struct cli {
	int status;
	char *out;
	char *err;
};

static inline char *slurp(FILE *f)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	size_t n;

	rewind(f);
	while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (cap - len < 2) {
			char *more = realloc(buf, cap * 2);

			if (!more)
				break;
			buf = more;
			cap *= 2;
		}
	}
	buf[len] = '\0';
	return buf;
}

/*
 * A verb that ends in util_die() leaves what it allocated: end the
 * process before LeakSanitizer's exit check sees it (on_exit handlers
 * registered later run first).
 */
static int cli_returned;

static inline void cli_exit_now(int status, void *arg)
{
	(void)arg;
	if (cli_returned)
		return;
	fflush(stdout);
	fflush(stderr);
	_exit(status);
}

/* Run @cmd with the arguments after @name, up to END. */
static inline void cli_run(struct cli *c, int (*cmd)(int, char **),
			   const char *name, ...)
{
	FILE *out = tmpfile(), *err = tmpfile();
	char *argv[64];
	int argc = 0, status;
	const char *a;
	va_list ap;
	pid_t pid;

	argv[argc++] = (char *)name;
	va_start(ap, name);
	while ((a = va_arg(ap, const char *)) && argc < 63)
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		dup2(fileno(out), 1);
		dup2(fileno(err), 2);
		on_exit(cli_exit_now, NULL);
		status = cmd(argc, argv);
		fflush(stdout);
		fflush(stderr);
		/* A normal return: let LeakSanitizer check the verb. */
		cli_returned = 1;
		exit(status);
	}
	waitpid(pid, &status, 0);
	c->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	c->out = slurp(out);
	c->err = slurp(err);
	fclose(out);
	fclose(err);
}

static inline void cli_free(struct cli *c)
{
	free(c->out);
	free(c->err);
}

/* How many times @needle occurs in @hay. */
static inline int count_of(const char *hay, const char *needle)
{
	int n = 0;

	while ((hay = strstr(hay, needle))) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

#endif
