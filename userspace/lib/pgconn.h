/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Connecting to the fleet's PostgreSQL store, for dauditd and daudit:
 * the store URL (`store = postgresql://...`), its password from a file
 * only root (or the caller) may read, or libpq's own means (PGPASSFILE,
 * ~/.pgpass, a service file), and libpq's TLS (sslmode=verify-full and
 * sslrootcert= in the URL).  Errors are one line.
 */
#ifndef DAUDIT_PGCONN_H
#define DAUDIT_PGCONN_H

#include <libpq-fe.h>
#include <stddef.h>

/* @s names a PostgreSQL store (postgresql:// or postgres://). */
int pgconn_is_url(const char *s);

/*
 * A store URL dauditd.conf may hold: parseable by libpq, and without a
 * password (dauditd.conf is world-readable: store_password_file).  0,
 * or -1 with the reason in @err.
 */
int pgconn_check_url(const char *url, char *err, size_t errlen);

/*
 * @url as a person gave it, for showing (headers, errors): without the
 * password of its user part (user:secret@) or of a password= parameter.
 * Returns @buf.
 */
const char *pgconn_url_shown(const char *url, char *buf, size_t len);

/*
 * The password in @path: a regular file owned by root or by us, not
 * readable by group or others; its first line.  malloc'd, or NULL with
 * @err.
 */
char *pgconn_read_password(const char *path, char *err, size_t errlen);

/*
 * Connect: @url, the password of @passfile when not NULL, application
 * name @app, a 10 s connect timeout.  NULL with libpq's message as one
 * line in @err.
 */
PGconn *pgconn_open(const char *url, const char *passfile, const char *app,
		    char *err, size_t errlen);

/* libpq's message for @c (or @r when not NULL) as one line, into @buf. */
const char *pgconn_error(PGconn *c, const PGresult *r, char *buf,
			 size_t len);

/*
 * Run @sql (no result rows wanted).  0, or -1 with the server's message
 * in @err.
 */
int pgconn_exec(PGconn *c, const char *sql, char *err, size_t errlen);

#endif
