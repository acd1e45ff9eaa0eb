/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TLS for syslog sinks (RFC 5425), with GnuTLS from Debian: no
 * cryptography of our own.  Non-blocking, on a socket the caller
 * connected.  The server's certificate is verified by default (chain to
 * the CA file, or to the system's trust store, and the host name), and a
 * client certificate may be presented.
 */
#ifndef DAUDITD_TRANSPORT_TLS_H
#define DAUDITD_TRANSPORT_TLS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct tls_conn;

/*
 * Credentials: @ca_file (PEM; NULL: the system's trust store), @verify
 * the server's certificate against it and @server_name (also sent as
 * SNI when it is a name), optional client @cert_file and @key_file.
 * NULL with @err on failure.
 */
struct tls_conn *tls_new(const char *ca_file, int verify,
			 const char *server_name, const char *cert_file,
			 const char *key_file, char *err, size_t errlen);
void tls_free(struct tls_conn *t);

/* A session on connected socket @fd; 0, or -1 with @err. */
int tls_attach(struct tls_conn *t, int fd, char *err, size_t errlen);
/* End the session (close_notify, without waiting); the fd stays open. */
void tls_detach(struct tls_conn *t);

/* 1 when the handshake is done, 0 to call again, -1 with @err. */
int tls_handshake(struct tls_conn *t, char *err, size_t errlen);
/*
 * Send up to @len bytes: how many went, 0 to call again with the same
 * arguments, -1 with @err and errno (the socket's, or EPROTO).
 */
ssize_t tls_send(struct tls_conn *t, const void *buf, size_t len, char *err,
		 size_t errlen);
/*
 * Read and drop what the server sent; 0, or -1 (closed) with @err and
 * *@clean set when the server closed the connection (close_notify, or
 * the end of the TCP stream) rather than resetting it.
 */
int tls_read_drop(struct tls_conn *t, int *clean, char *err, size_t errlen);
/* 1 if the session waits to write, 0 to read. */
int tls_wants_write(struct tls_conn *t);
/* Bytes written to the socket since tls_attach(), handshake included. */
uint64_t tls_pushed(const struct tls_conn *t);
/* The negotiated version and cipher suite, for the log. */
const char *tls_describe(struct tls_conn *t, char *buf, size_t len);

#endif
