// SPDX-License-Identifier: GPL-2.0
/*
 * TLS with GnuTLS (transport_tls.h).  The transport functions count the
 * bytes written to the socket, so the syslog sink can tell from TCP's
 * acknowledgements (TCP_INFO) which messages the receiver has.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "transport_tls.h"
#include "util.h"

struct tls_conn {
	gnutls_certificate_credentials_t cred;
	gnutls_session_t session;
	char *server_name;
	int verify;
	int fd;
	uint64_t pushed;
	int push_errno;			/* why the last push failed */
};

static ssize_t push(gnutls_transport_ptr_t p, const void *buf, size_t len)
{
	struct tls_conn *t = p;
	ssize_t n = send(t->fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);

	if (n < 0) {
		t->push_errno = errno;
		gnutls_transport_set_errno(t->session, errno);
	} else {
		t->pushed += (uint64_t)n;
	}
	return n;
}

static ssize_t pull(gnutls_transport_ptr_t p, void *buf, size_t len)
{
	struct tls_conn *t = p;
	ssize_t n = recv(t->fd, buf, len, MSG_DONTWAIT);

	if (n < 0)
		gnutls_transport_set_errno(t->session, errno);
	return n;
}

static int pull_timeout(gnutls_transport_ptr_t p, unsigned int ms)
{
	struct tls_conn *t = p;
	struct pollfd pfd = { .fd = t->fd, .events = POLLIN };

	(void)ms;	/* never wait: the event loop does */
	return poll(&pfd, 1, 0);
}

struct tls_conn *tls_new(const char *ca_file, int verify,
			 const char *server_name, const char *cert_file,
			 const char *key_file, char *err, size_t errlen)
{
	struct tls_conn *t = util_xcalloc(1, sizeof(*t));
	int r;

	t->fd = -1;
	t->verify = verify;
	t->server_name = util_xstrdup(server_name);
	r = gnutls_certificate_allocate_credentials(&t->cred);
	if (r < 0) {
		snprintf(err, errlen, "TLS credentials: %s", gnutls_strerror(r));
		goto fail;
	}
	if (ca_file) {
		r = gnutls_certificate_set_x509_trust_file(t->cred, ca_file,
							   GNUTLS_X509_FMT_PEM);
		if (r <= 0) {
			snprintf(err, errlen, "ca_file %s: %s", ca_file,
				 r < 0 ? gnutls_strerror(r) : "no certificate in it");
			goto fail;
		}
	} else {
		r = gnutls_certificate_set_x509_system_trust(t->cred);
		if (r <= 0 && verify) {
			snprintf(err, errlen, "the system's trust store has no CA certificate (%s); set ca_file",
				 r < 0 ? gnutls_strerror(r) : "none found");
			goto fail;
		}
	}
	if (cert_file) {
		r = gnutls_certificate_set_x509_key_file(t->cred, cert_file,
							 key_file,
							 GNUTLS_X509_FMT_PEM);
		if (r < 0) {
			snprintf(err, errlen, "cert_file %s / key_file %s: %s",
				 cert_file, key_file, gnutls_strerror(r));
			goto fail;
		}
	}
	return t;
fail:
	tls_free(t);
	return NULL;
}

void tls_free(struct tls_conn *t)
{
	if (!t)
		return;
	tls_detach(t);
	if (t->cred)
		gnutls_certificate_free_credentials(t->cred);
	free(t->server_name);
	free(t);
}

static int is_ip(const char *s)
{
	unsigned char buf[16];

	return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

int tls_attach(struct tls_conn *t, int fd, char *err, size_t errlen)
{
	int r;

	tls_detach(t);
	r = gnutls_init(&t->session, GNUTLS_CLIENT | GNUTLS_NONBLOCK);
	if (r < 0) {
		t->session = NULL;
		snprintf(err, errlen, "TLS session: %s", gnutls_strerror(r));
		return -1;
	}
	r = gnutls_set_default_priority(t->session);
	if (r >= 0)
		r = gnutls_credentials_set(t->session, GNUTLS_CRD_CERTIFICATE,
					   t->cred);
	/* SNI carries names only (RFC 6066). */
	if (r >= 0 && !is_ip(t->server_name))
		r = gnutls_server_name_set(t->session, GNUTLS_NAME_DNS,
					   t->server_name,
					   strlen(t->server_name));
	if (r < 0) {
		snprintf(err, errlen, "TLS session: %s", gnutls_strerror(r));
		tls_detach(t);
		return -1;
	}
	/* The chain, its dates, and the name (or IP address) it is for. */
	if (t->verify)
		gnutls_session_set_verify_cert(t->session, t->server_name, 0);
	t->fd = fd;
	t->pushed = 0;
	t->push_errno = 0;
	gnutls_transport_set_ptr(t->session, t);
	gnutls_transport_set_push_function(t->session, push);
	gnutls_transport_set_pull_function(t->session, pull);
	gnutls_transport_set_pull_timeout_function(t->session, pull_timeout);
	return 0;
}

void tls_detach(struct tls_conn *t)
{
	if (!t->session)
		return;
	/* One try at close_notify; the socket is closed right after. */
	if (t->fd >= 0)
		gnutls_bye(t->session, GNUTLS_SHUT_WR);
	gnutls_deinit(t->session);
	t->session = NULL;
	t->fd = -1;
}

int tls_handshake(struct tls_conn *t, char *err, size_t errlen)
{
	int r = gnutls_handshake(t->session);

	if (r == 0)
		return 1;
	if (!gnutls_error_is_fatal(r))
		return 0;
	if (r == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR) {
		unsigned int status = gnutls_session_get_verify_cert_status(t->session);
		gnutls_datum_t out = { NULL, 0 };

		if (gnutls_certificate_verification_status_print(status,
				gnutls_certificate_type_get(t->session), &out, 0) == 0) {
			snprintf(err, errlen, "TLS: the server's certificate is not trusted for %s: %s",
				 t->server_name, out.data);
			gnutls_free(out.data);
			return -1;
		}
	}
	snprintf(err, errlen, "TLS handshake with %s: %s", t->server_name,
		 gnutls_strerror(r));
	return -1;
}

ssize_t tls_send(struct tls_conn *t, const void *buf, size_t len, char *err,
		 size_t errlen)
{
	ssize_t r = gnutls_record_send(t->session, buf, len);

	if (r >= 0)
		return r;
	if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED)
		return 0;
	if (r == GNUTLS_E_PUSH_ERROR && t->push_errno) {
		snprintf(err, errlen, "TLS send: %s", strerror(t->push_errno));
		errno = t->push_errno;
		return -1;
	}
	snprintf(err, errlen, "TLS send: %s", gnutls_strerror((int)r));
	errno = EPROTO;
	return -1;
}

int tls_read_drop(struct tls_conn *t, int *clean, char *err, size_t errlen)
{
	char buf[4096];
	int rounds;

	for (rounds = 0; rounds < 64; rounds++) {
		ssize_t r = gnutls_record_recv(t->session, buf, sizeof(buf));

		if (r > 0)
			continue;
		if (r == 0 || r == GNUTLS_E_PREMATURE_TERMINATION) {
			/* Without close_notify, but a clean end of the stream. */
			snprintf(err, errlen, "the receiver closed the %s",
				 r ? "connection" : "TLS session");
			*clean = 1;
			return -1;
		}
		if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED)
			return 0;
		if (!gnutls_error_is_fatal((int)r))
			continue;
		snprintf(err, errlen, "TLS: %s", gnutls_strerror((int)r));
		return -1;
	}
	return 0;
}

int tls_wants_write(struct tls_conn *t)
{
	return t->session && gnutls_record_get_direction(t->session) == 1;
}

uint64_t tls_pushed(const struct tls_conn *t)
{
	return t->pushed;
}

const char *tls_describe(struct tls_conn *t, char *buf, size_t len)
{
	char *d = t->session ? gnutls_session_get_desc(t->session) : NULL;

	snprintf(buf, len, "%s", d ? d : "TLS");
	gnutls_free(d);
	return buf;
}
