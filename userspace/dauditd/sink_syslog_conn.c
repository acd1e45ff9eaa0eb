// SPDX-License-Identifier: GPL-2.0
/*
 * The syslog sink's connection: resolve the receiver, connect to each of
 * its addresses in turn (non-blocking), TLS if configured, and go down
 * with what may have been lost sent again (sink_syslog.c says what
 * "delivered" means).
 */
#include <errno.h>
#include <linux/tcp.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <syslog.h>

#include "sink_syslog_int.h"
#include "util.h"

/* ------------------------------------------------------------------ */
/* Connection                                                          */
/* ------------------------------------------------------------------ */

static uint64_t bytes_acked(int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0)
		return 0;
	return ti.tcpi_bytes_acked;
}

/*
 * The connection ended: @clean when the receiver closed it (it read what
 * it acknowledged), not when it reset it or a send failed.
 */
void go_down(struct sink *s, struct syslog_sink *y, const char *why,
	     int clean)
{
	int64_t now = mono_ms();

	if (y->fd >= 0) {
		if (s->cfg.transport != SINK_UDP)
			tcp_acked(s, y, now, clean);
		if (y->tls)
			tls_detach(y->tls);
		sink_watch(s, -1, 0);
		close(y->fd);
		y->fd = -1;
	}
	/*
	 * What the receiver may not have goes again, in order.  After a
	 * clean close that is only what it never acknowledged, hence never
	 * read; otherwise (a reset, an error, UDP) it may have some of it.
	 */
	if (!clean && y->qn) {
		s->st.resent += y->qn;
		if (why)
			sink_error(s, "%s; %zu message%s it may already have go again",
				   why, y->qn, y->qn == 1 ? "" : "s");
	} else if (why) {
		sink_error(s, "%s", why);
	}
	y->qhead = y->qn = 0;
	y->have_frame = 0;
	y->send_pos = y->sp.cursor;
	y->state = ST_DOWN;
	y->state_ms = now;
	y->next_try_ms = now + (int64_t)y->backoff * 1000;
	y->backoff = y->backoff * 2 > s->cfg.reconnect_max ?
		     s->cfg.reconnect_max : y->backoff * 2;
	sink_set_state(s, 0);
	sink_wake(s, y->next_try_ms);
}

void went_up(struct sink *s, struct syslog_sink *y)
{
	char d[128];

	y->state = ST_UP;
	y->state_ms = mono_ms();
	y->backoff = s->cfg.reconnect_min;
	sink_set_state(s, 1);
	if (y->tls)
		util_log(LOG_NOTICE, "sink %s: connected to %s (%s)", s->cfg.name, s->target,
			 tls_describe(y->tls, d, sizeof(d)));
	else
		util_log(LOG_NOTICE, "sink %s: connected to %s", s->cfg.name, s->target);
	s->st.last_error[0] = '\0';
}

/* The socket is connected: TLS next, or up. */
static void connected(struct sink *s, struct syslog_sink *y)
{
	if (s->cfg.transport != SINK_UDP)
		y->acked_base = bytes_acked(y->fd);
	y->written = 0;
	if (y->tls) {
		if (tls_attach(y->tls, y->fd, y->err, sizeof(y->err)) < 0) {
			go_down(s, y, y->err, 0);
			return;
		}
		y->state = ST_HANDSHAKE;
		y->state_ms = mono_ms();
		return;
	}
	went_up(s, y);
}

static int resolve(struct sink *s, struct syslog_sink *y, int64_t now)
{
	struct addrinfo hints;
	char port[8];
	int r;

	if (y->ai && now - y->resolved_ms < RESOLVE_EVERY_MS)
		return 0;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = s->cfg.transport == SINK_UDP ? SOCK_DGRAM :
			    SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	snprintf(port, sizeof(port), "%u", s->cfg.port);
	if (y->ai)
		freeaddrinfo(y->ai);
	y->ai = NULL;
	r = getaddrinfo(s->cfg.host, port, &hints, &y->ai);
	if (r) {
		snprintf(y->err, sizeof(y->err), "cannot resolve %s: %s",
			 s->cfg.host, gai_strerror(r));
		y->ai = NULL;
		return -1;
	}
	y->resolved_ms = now;
	return 0;
}

/*
 * Connect to y->cur or, failing that, to each address after it in turn
 * (a name such as localhost is often ::1 and 127.0.0.1, and a receiver
 * may listen on one only); down when none is left.
 */
static void try_connect(struct sink *s, struct syslog_sink *y, int64_t now)
{
	for (; y->cur; y->cur = y->cur->ai_next) {
		struct addrinfo *a = y->cur;
		int fd = socket(a->ai_family,
				a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
				a->ai_protocol);

		if (fd < 0) {
			snprintf(y->err, sizeof(y->err), "socket: %s",
				 strerror(errno));
			continue;
		}
		y->fd = fd;
		y->state_ms = now;
		if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
			connected(s, y);
			return;
		}
		if (errno == EINPROGRESS) {
			y->state = ST_CONNECTING;
			sink_watch(s, fd, EPOLLOUT);
			return;
		}
		snprintf(y->err, sizeof(y->err), "cannot connect to %s: %s",
			 s->target, strerror(errno));
		close(fd);
		y->fd = -1;
	}
	go_down(s, y, y->err, 0);
}

void start_connect(struct sink *s, struct syslog_sink *y, int64_t now)
{
	if (resolve(s, y, now) < 0) {
		go_down(s, y, y->err, 0);
		return;
	}
	s->st.reconnects++;
	y->cur = y->ai;
	try_connect(s, y, now);
}

/* The connection to y->cur failed: the next address, if any. */
static void next_address(struct sink *s, struct syslog_sink *y, int64_t now)
{
	if (!y->cur || !y->cur->ai_next) {
		go_down(s, y, y->err, 0);
		return;
	}
	sink_watch(s, -1, 0);
	close(y->fd);
	y->fd = -1;
	y->cur = y->cur->ai_next;
	try_connect(s, y, now);
}

void check_connect(struct sink *s, struct syslog_sink *y, int64_t now)
{
	struct pollfd p = { .fd = y->fd, .events = POLLOUT };
	int soerr = 0;
	socklen_t len = sizeof(soerr);

	if (poll(&p, 1, 0) <= 0) {
		if (now - y->state_ms > CONNECT_TIMEOUT_MS) {
			snprintf(y->err, sizeof(y->err),
				 "cannot connect to %s: timed out", s->target);
			next_address(s, y, now);
		}
		return;
	}
	if (getsockopt(y->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
		soerr = errno;
	if (soerr) {
		snprintf(y->err, sizeof(y->err), "cannot connect to %s: %s",
			 s->target, strerror(soerr));
		next_address(s, y, now);
		return;
	}
	connected(s, y);
}

/* A syslog receiver never talks: anything readable is an end or noise. */
int check_incoming(struct sink *s, struct syslog_sink *y)
{
	char buf[4096];
	ssize_t n;

	y->clean = 0;
	if (y->tls)
		return tls_read_drop(y->tls, &y->clean, y->err, sizeof(y->err));
	if (s->cfg.transport == SINK_UDP)
		return 0;
	for (;;) {
		n = recv(y->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n > 0)
			continue;
		if (n == 0) {
			snprintf(y->err, sizeof(y->err),
				 "the receiver closed the connection");
			y->clean = 1;
			return -1;
		}
		if (errno == EAGAIN || errno == EINTR)
			return 0;
		snprintf(y->err, sizeof(y->err), "connection to %s: %s",
			 s->target, strerror(errno));
		return -1;
	}
}
