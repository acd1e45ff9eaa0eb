// SPDX-License-Identifier: GPL-2.0
/* Connecting to the fleet's PostgreSQL store (pgconn.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pgconn.h"
#include "util.h"

int pgconn_is_url(const char *s)
{
	return s && (!strncmp(s, "postgresql://", 13) ||
		     !strncmp(s, "postgres://", 11));
}

/* libpq's messages span lines ("...failed: FATAL:  ...\n"): one line. */
static void one_line(char *dst, size_t len, const char *src)
{
	size_t n = 0;
	int space = 0;

	for (; src && *src && n + 1 < len; src++) {
		if (*src == '\n' || *src == '\r' || *src == '\t' || *src == ' ') {
			space = 1;
			continue;
		}
		if (space && n && n + 2 < len)
			dst[n++] = ' ';
		space = 0;
		dst[n++] = *src;
	}
	dst[n] = '\0';
}

const char *pgconn_error(PGconn *c, const PGresult *r, char *buf, size_t len)
{
	const char *m = r ? PQresultErrorMessage(r) : NULL;

	if (!m || !*m)
		m = c ? PQerrorMessage(c) : "out of memory";
	one_line(buf, len, m);
	if (!*buf)
		snprintf(buf, len, "unknown error");
	return buf;
}

int pgconn_check_url(const char *url, char *err, size_t errlen)
{
	PQconninfoOption *o, *opts;
	char *msg = NULL;
	int rc = 0;

	if (!pgconn_is_url(url)) {
		snprintf(err, errlen, "must be a postgresql:// URL");
		return -1;
	}
	opts = PQconninfoParse(url, &msg);
	if (!opts) {
		char line[256];

		one_line(line, sizeof(line), msg ? msg : "cannot parse it");
		snprintf(err, errlen, "%s", line);
		PQfreemem(msg);
		return -1;
	}
	for (o = opts; o->keyword; o++)
		if (!strcmp(o->keyword, "password") && o->val && *o->val) {
			snprintf(err, errlen,
				 "has a password: dauditd.conf is readable by all; put it in store_password_file (mode 0600) or PGPASSFILE");
			rc = -1;
		}
	PQconninfoFree(opts);
	return rc;
}

/* Append @n bytes of @s to @buf (of @len, used @at). */
static void put(char *buf, size_t len, size_t *at, const char *s, size_t n)
{
	if (*at + n >= len)
		n = *at + 1 < len ? len - *at - 1 : 0;
	memcpy(buf + *at, s, n);
	*at += n;
	buf[*at] = '\0';
}

const char *pgconn_url_shown(const char *url, char *buf, size_t len)
{
	const char *p, *auth, *end, *at, *colon, *q;
	size_t used = 0;
	int first = 1;

	if (!len)
		return buf;
	if (!url)
		url = "";
	p = strstr(url, "://");
	buf[0] = '\0';
	if (!p) {
		put(buf, len, &used, url, strlen(url));
		return buf;
	}
	auth = p + 3;
	end = auth + strcspn(auth, "/?#");
	put(buf, len, &used, url, (size_t)(auth - url));
	/* user[:password]@host: the last @ of the authority ends the user. */
	for (at = NULL, q = auth; q < end; q++)
		if (*q == '@')
			at = q;
	colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
	if (colon) {
		put(buf, len, &used, auth, (size_t)(colon - auth));
		put(buf, len, &used, at, (size_t)(end - at));
	} else {
		put(buf, len, &used, auth, (size_t)(end - auth));
	}
	/* The path, then the parameters. */
	p = end + strcspn(end, "?#");
	put(buf, len, &used, end, (size_t)(p - end));
	if (*p != '?') {
		put(buf, len, &used, p, strlen(p));
		return buf;
	}
	/* The parameters but password=. */
	for (p++; *p && *p != '#';) {
		size_t n = strcspn(p, "&#");

		if (!(n >= 9 && !strncmp(p, "password=", 9))) {
			put(buf, len, &used, first ? "?" : "&", 1);
			put(buf, len, &used, p, n);
			first = 0;
		}
		p += n;
		if (*p == '&')
			p++;
	}
	put(buf, len, &used, p, strlen(p));
	return buf;
}

char *pgconn_read_password(const char *path, char *err, size_t errlen)
{
	char buf[1024];
	struct stat st;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0) {
		snprintf(err, errlen, "password file %s: %s", path,
			 strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "password file %s: not a regular file",
			 path);
		close(fd);
		return NULL;
	}
	if ((st.st_mode & 077) || (st.st_uid != 0 && st.st_uid != geteuid())) {
		snprintf(err, errlen,
			 "password file %s: mode %04o, owner uid %u: it must be readable by its owner only (chmod 600) and owned by root",
			 path, (unsigned int)(st.st_mode & 07777),
			 (unsigned int)st.st_uid);
		close(fd);
		return NULL;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0) {
		snprintf(err, errlen, "password file %s: %s", path,
			 strerror(errno));
		return NULL;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	return util_xstrdup(buf);
}

/* The server's NOTICEs ("schema ... already exists, skipping") are not ours to print. */
static void quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

PGconn *pgconn_open(const char *url, const char *passfile, const char *app,
		    char *err, size_t errlen)
{
	const char *keys[] = { "dbname", "application_name", "connect_timeout",
			       "password", NULL };
	const char *vals[] = { url, app, "10", NULL, NULL };
	char *pw = NULL;
	PGconn *c;

	if (passfile) {
		pw = pgconn_read_password(passfile, err, errlen);
		if (!pw)
			return NULL;
		vals[3] = pw;
	}
	c = PQconnectdbParams(keys, vals, 1);
	if (pw) {
		explicit_bzero(pw, strlen(pw));
		free(pw);
	}
	if (!c || PQstatus(c) != CONNECTION_OK) {
		pgconn_error(c, NULL, err, errlen);
		PQfinish(c);
		return NULL;
	}
	PQsetNoticeProcessor(c, quiet, NULL);
	return c;
}

int pgconn_exec(PGconn *c, const char *sql, char *err, size_t errlen)
{
	PGresult *r = PQexec(c, sql);
	int ok = r && (PQresultStatus(r) == PGRES_COMMAND_OK ||
		       PQresultStatus(r) == PGRES_TUPLES_OK);

	if (!ok)
		pgconn_error(c, r, err, errlen);
	PQclear(r);
	return ok ? 0 : -1;
}
