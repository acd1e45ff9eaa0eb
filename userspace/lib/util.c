// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "util.h"

const char *util_progname = "daudit";

/*
 * Is stderr the journal?  systemd sets JOURNAL_STREAM to the device and
 * inode of the stream it connected (systemd.exec(5)); a program that
 * redirected stderr elsewhere no longer matches.  Asked once.
 */
static int stderr_is_journal(void)
{
	static int known = -1;
	unsigned long long dev, ino;
	const char *e;
	struct stat sb;

	if (known >= 0)
		return known;
	known = 0;
	e = getenv("JOURNAL_STREAM");
	if (e && sscanf(e, "%llu:%llu", &dev, &ino) == 2 &&
	    fstat(STDERR_FILENO, &sb) == 0 &&
	    (unsigned long long)sb.st_dev == dev &&
	    (unsigned long long)sb.st_ino == ino)
		known = 1;
	return known;
}

static void vmsg(int prio, const char *fmt, va_list ap)
{
	if (stderr_is_journal())
		fprintf(stderr, "<%d>", prio & LOG_PRIMASK);
	fprintf(stderr, "%s: ", util_progname);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void util_log(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(prio, fmt, ap);
	va_end(ap);
}

void util_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(LOG_ERR, fmt, ap);
	va_end(ap);
}

void util_die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(LOG_ERR, fmt, ap);
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

int util_streq_null(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
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
