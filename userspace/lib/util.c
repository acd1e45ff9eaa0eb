// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

const char *util_progname = "daudit";

static void vmsg(const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", util_progname);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void util_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void util_die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	exit(status);
}

void *util_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		util_die(EXIT_FAIL, "out of memory");
	return p;
}

void *util_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		util_die(EXIT_FAIL, "out of memory");
	return p;
}

void *util_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		util_die(EXIT_FAIL, "out of memory");
	return p;
}

void *util_xrecalloc(void *p, size_t old, size_t n, size_t size)
{
	p = util_xrealloc(p, n * size);
	if (n > old)
		memset((char *)p + old * size, 0, (n - old) * size);
	return p;
}

char *util_xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		util_die(EXIT_FAIL, "out of memory");
	return d;
}

int util_mkdir_p(const char *path, unsigned int mode)
{
	char *d = util_xstrdup(path), *s;
	int r = 0;

	for (s = d + 1; ; s++) {
		if (*s == '/' || !*s) {
			char c = *s;

			*s = '\0';
			if (mkdir(d, (mode_t)mode) < 0 && errno != EEXIST) {
				r = -1;
				break;
			}
			*s = c;
			if (!c)
				break;
		}
	}
	free(d);
	return r;
}
