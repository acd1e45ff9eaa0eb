// SPDX-License-Identifier: GPL-2.0
/*
 * The syslog sink: RFC 5424 messages
 *
 *   <PRI>1 TIMESTAMP HOSTNAME daudit PROCID MSGID - MSG
 *
 * with the record (or finding) in the sink's format as MSG, over UDP
 * (one datagram each), TCP (RFC 6587 octet counting: "LEN SP MSG") or
 * TLS (RFC 5425, the same framing inside TLS).  Every message goes to
 * the disk spool first (spool.c) and is sent from there, in order.
 *
 * What "delivered" means, so the spool keeps exactly what the receiver
 * may not have:
 *
 *  - TCP and TLS: the receiver's TCP acknowledged every byte of the
 *    message (TCP_INFO tcpi_bytes_acked against the bytes we wrote, TLS
 *    records included), and then either TCP_SETTLE_MS passed or the
 *    receiver closed the connection cleanly.  A receiver that closes
 *    cleanly (FIN) has read all it acknowledged; one that dies with data
 *    it acknowledged but never read resets the connection instead, and
 *    then everything acknowledged in the last TCP_SETTLE_MS is sent again
 *    (the receiver may see some twice, rather than miss any).  Whatever
 *    was not acknowledged is sent again on the next connection.
 *  - UDP: there is no acknowledgement.  A datagram counts as delivered
 *    when no ICMP error (port unreachable) came back within UDP_SETTLE_MS
 *    of sending it; after an error everything not yet settled is sent
 *    again (so a receiver that dies may see a few twice).
 *
 * Connections (sink_syslog_conn.c) are non-blocking and watched by the
 * collector's event loop; a failure waits reconnect_min, doubling up to
 * reconnect_max.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/tcp.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <syslog.h>

#include "sink_syslog_int.h"
#include "util.h"

static const char *const state_names[] = {
	[ST_DOWN] = "disconnected",
	[ST_CONNECTING] = "connecting",
	[ST_HANDSHAKE] = "handshake",
	[ST_UP] = "connected",
};

/* ------------------------------------------------------------------ */
/* The in-flight queue                                                 */
/* ------------------------------------------------------------------ */

static void q_push(struct syslog_sink *y, const struct inflight *e)
{
	if (y->qhead + y->qn == y->qcap) {
		if (y->qhead) {
			memmove(y->q, y->q + y->qhead, y->qn * sizeof(*y->q));
			y->qhead = 0;
		} else {
			y->qcap = y->qcap ? y->qcap * 2 : 256;
			y->q = util_xrealloc(y->q, y->qcap * sizeof(*y->q));
		}
	}
	y->q[y->qhead + y->qn++] = *e;
}

/* The first @n in flight were delivered. */
static void q_deliver(struct sink *s, struct syslog_sink *y, size_t n)
{
	uint64_t bytes = 0;
	size_t i;

	if (!n)
		return;
	for (i = 0; i < n; i++) {
		bytes += y->q[y->qhead + i].bytes;
		if (!y->q[y->qhead + i].dropped)
			s->st.delivered++;
	}
	spool_delivered(&y->sp, y->q[y->qhead + n - 1].next, n, bytes);
	y->qhead += n;
	y->qn -= n;
	if (!y->qn)
		y->qhead = 0;
}

/*
 * TCP and TLS: note what the receiver's TCP acknowledged, and deliver
 * what was acknowledged TCP_SETTLE_MS ago, or all of it when the
 * receiver closed cleanly (@clean).
 */
void tcp_acked(struct sink *s, struct syslog_sink *y, int64_t now,
	       int clean)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);
	uint64_t acked;
	size_t i, n = 0;

	if (y->fd < 0 || !y->qn)
		return;
	memset(&ti, 0, sizeof(ti));
	if (getsockopt(y->fd, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0 ||
	    len < offsetof(struct tcp_info, tcpi_bytes_acked) +
		  sizeof(ti.tcpi_bytes_acked))
		return;
	acked = ti.tcpi_bytes_acked > y->acked_base ?
		ti.tcpi_bytes_acked - y->acked_base : 0;
	for (i = 0; i < y->qn && y->q[y->qhead + i].end <= acked; i++)
		if (!y->q[y->qhead + i].acked_ms)
			y->q[y->qhead + i].acked_ms = now;
	while (n < y->qn && y->q[y->qhead + n].acked_ms &&
	       (clean || now - y->q[y->qhead + n].acked_ms >= TCP_SETTLE_MS))
		n++;
	q_deliver(s, y, n);
}

/* Is everything sent also acknowledged by TCP (or settled, for UDP)? */
static int all_acked(const struct syslog_sink *y)
{
	return !y->qn || y->q[y->qhead + y->qn - 1].acked_ms;
}

/* UDP: settled when no ICMP error came back in UDP_SETTLE_MS. */
static int udp_settle(struct sink *s, struct syslog_sink *y, int64_t now)
{
	int soerr = 0;
	socklen_t len = sizeof(soerr);
	size_t n = 0;

	if (y->fd < 0)
		return 0;
	if (getsockopt(y->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == 0 &&
	    soerr) {
		errno = soerr;
		return -1;
	}
	while (n < y->qn && now - y->q[y->qhead + n].sent_ms >= UDP_SETTLE_MS)
		n++;
	q_deliver(s, y, n);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Sending from the spool                                              */
/* ------------------------------------------------------------------ */

/* The next entry as a frame; 0 when the spool has nothing more. */
static int next_frame(struct sink *s, struct syslog_sink *y)
{
	struct spool_pos next;
	int r;

	for (;;) {
		r = spool_read(&y->sp, &y->send_pos, &y->entry, &next);
		if (r == 1)
			break;
		if (r == 0)
			return 0;
		sink_error(s, "spool %s: damaged entry skipped", y->sp.dir);
	}
	fb_reset(&y->frame);
	if (s->cfg.transport != SINK_UDP)
		fb_printf(&y->frame, "%zu ", y->entry.len);
	fb_add(&y->frame, y->entry.s, y->entry.len);
	y->frame_off = 0;
	y->frame_next = next;
	y->frame_bytes = (uint32_t)(SPOOL_HDR + y->entry.len);
	y->have_frame = 1;
	return 1;
}

/* One frame is out: it is in flight from now. */
static void frame_sent(struct syslog_sink *y, int64_t now, int dropped)
{
	struct inflight e = {
		.next = y->frame_next,
		.sent_ms = now,
		.bytes = y->frame_bytes,
		.dropped = dropped,
	};

	e.end = y->tls ? tls_pushed(y->tls) : y->written;
	q_push(y, &e);
	y->send_pos = y->frame_next;
	y->have_frame = 0;
}

/*
 * A send failed with @err (y->err says how); -1.  EPIPE is the kernel's
 * word for a reset that came after the receiver's FIN (tcp_reset() in
 * CLOSE_WAIT; a reset before any FIN is ECONNRESET): the receiver closed
 * cleanly, having read all it acknowledged, and the reset answers what
 * we sent after.
 */
static int send_failed(struct syslog_sink *y, int err)
{
	if (err == EPIPE) {
		snprintf(y->err, sizeof(y->err),
			 "the receiver closed the connection");
		y->clean = 1;
	}
	return -1;
}

/* Send while the socket takes it; -1 when the connection failed. */
static int send_some(struct sink *s, struct syslog_sink *y, int64_t now)
{
	int udp = s->cfg.transport == SINK_UDP;
	unsigned int burst = 0;
	size_t burst_bytes = 0;

	for (;;) {
		ssize_t n;

		if (udp && (y->qn >= UDP_INFLIGHT_MAX || burst >= UDP_BURST ||
			    burst_bytes >= UDP_BURST_BYTES)) {
			sink_wake(s, now + (y->qn >= UDP_INFLIGHT_MAX ?
					    UDP_SETTLE_MS : UDP_PAUSE_MS));
			break;
		}
		if (!y->have_frame && !next_frame(s, y))
			break;
		if (udp && y->frame.len > UDP_MAX) {
			/* Cannot go as one datagram: counted, skipped. */
			s->st.lost++;
			sink_error(s, "a %zu-byte message is too large for UDP: dropped (use tcp or tls)",
				   y->frame.len);
			frame_sent(y, now - UDP_SETTLE_MS, 1);
			continue;
		}
		if (y->tls) {
			n = tls_send(y->tls, y->frame.s + y->frame_off,
				     y->frame.len - y->frame_off, y->err,
				     sizeof(y->err));
			if (n < 0)
				return send_failed(y, errno);
			if (n == 0) {
				sink_watch(s, y->fd, EPOLLIN | (tls_wants_write(y->tls) ?
						     EPOLLOUT : 0));
				return 0;
			}
		} else {
			n = send(y->fd, y->frame.s + y->frame_off,
				 y->frame.len - y->frame_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);
			if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
				sink_watch(s, y->fd, EPOLLIN | EPOLLOUT);
				return 0;
			}
			if (n < 0) {
				int err = errno;

				snprintf(y->err, sizeof(y->err), "sending to %s: %s",
					 s->target, strerror(err));
				return send_failed(y, err);
			}
			y->written += (uint64_t)n;
		}
		y->frame_off += (size_t)n;
		if (y->frame_off == y->frame.len) {
			frame_sent(y, now, 0);
			burst++;
			burst_bytes += y->frame.len;
		}
	}
	sink_watch(s, y->fd, EPOLLIN);
	return 0;
}

static void pump(struct sink *s, int64_t now)
{
	struct syslog_sink *y = s->priv;

	if (y->state == ST_DOWN) {
		if (now < y->next_try_ms)
			return;
		start_connect(s, y, now);
	}
	if (y->state == ST_CONNECTING)
		check_connect(s, y, now);
	if (y->state == ST_HANDSHAKE) {
		int r = tls_handshake(y->tls, y->err, sizeof(y->err));

		if (r < 0) {
			go_down(s, y, y->err, 0);
			return;
		}
		if (r == 0) {
			sink_watch(s, y->fd, tls_wants_write(y->tls) ? EPOLLOUT :
				   EPOLLIN);
			if (now - y->state_ms > CONNECT_TIMEOUT_MS) {
				snprintf(y->err, sizeof(y->err),
					 "TLS handshake with %s: timed out", s->target);
				go_down(s, y, y->err, 0);
			}
			return;
		}
		went_up(s, y);
	}
	if (y->state != ST_UP)
		return;
	if (check_incoming(s, y) < 0) {
		go_down(s, y, y->err, y->clean);
		return;
	}
	if (s->cfg.transport == SINK_UDP) {
		if (udp_settle(s, y, now) < 0) {
			snprintf(y->err, sizeof(y->err), "sending to %s: %s",
				 s->target, strerror(errno));
			go_down(s, y, y->err, 0);
			return;
		}
	} else {
		tcp_acked(s, y, now, 0);
	}
	if (send_some(s, y, now) < 0) {
		go_down(s, y, y->err, y->clean);
		return;
	}
	if (s->cfg.transport != SINK_UDP)
		tcp_acked(s, y, now, 0);
	if (y->sp.cursor_dirty && now - y->cursor_ms >= CURSOR_EVERY_MS) {
		spool_save_cursor(&y->sp);
		y->cursor_ms = now;
	}
}

/* ------------------------------------------------------------------ */
/* The sink interface                                                  */
/* ------------------------------------------------------------------ */

static void sanitize_host(char *h)
{
	size_t i;

	for (i = 0; h[i]; i++)
		if (h[i] < 33 || h[i] > 126)
			h[i] = '_';
	if (!h[0])
		snprintf(h, 2, "-");
}

static int syslog_open(struct sink *s, char *err, size_t errlen)
{
	struct syslog_sink *y = util_xcalloc(1, sizeof(*y));

	y->fd = -1;
	s->priv = y;
	if (s->cfg.transport == SINK_TLS) {
		if (!s->cfg.verify)
			util_err("sink %s: verify = no: the server's certificate is not checked",
				 s->cfg.name);
		y->tls = tls_new(s->cfg.ca_file, s->cfg.verify,
				 s->cfg.server_name ? s->cfg.server_name :
				 s->cfg.host, s->cfg.cert_file, s->cfg.key_file,
				 err, errlen);
		if (!y->tls)
			goto fail;
	}
	if (spool_open(&y->sp, s->state_dir, s->cfg.spool_max, err, errlen) < 0)
		goto fail;
	s->marks = &y->sp.marks;
	y->send_pos = y->sp.cursor;
	y->backoff = s->cfg.reconnect_min;
	if (gethostname(y->hostname, sizeof(y->hostname)) < 0)
		snprintf(y->hostname, sizeof(y->hostname), "-");
	y->hostname[sizeof(y->hostname) - 1] = '\0';
	sanitize_host(y->hostname);
	y->state = ST_DOWN;
	y->state_ms = mono_ms();
	sink_set_state(s, 0);
	if (spool_pending(&y->sp))
		util_log(LOG_WARNING, "sink %s: %" PRIu64 " messages (%" PRIu64 " bytes) wait in %s",
			 s->cfg.name, spool_pending(&y->sp), y->sp.bytes,
			 y->sp.dir);
	return 0;
fail:
	tls_free(y->tls);
	free(y);
	s->priv = NULL;
	return -1;
}

/* RFC 5424 PRI severity from event.severity (docs/siem.md). */
static unsigned int syslog_severity(int sev)
{
	return sev >= 8 ? 2 : sev >= 6 ? 4 : sev >= 4 ? 5 : 6;
}

static int syslog_put(struct sink *s, const struct sink_msg *m)
{
	struct syslog_sink *y = s->priv;
	time_t sec = (time_t)(m->time_ns / 1000000000ULL);
	struct tm tm;
	char ts[40];
	int r;

	if (!gmtime_r(&sec, &tm) ||
	    !strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm))
		snprintf(ts, sizeof(ts), "1970-01-01T00:00:00");
	fb_reset(&y->msg);
	fb_printf(&y->msg, "<%u>1 %s.%06uZ %s %s %d %.32s - ",
		  s->cfg.facility * 8 + syslog_severity(m->severity), ts,
		  (unsigned int)(m->time_ns % 1000000000ULL / 1000), y->hostname,
		  s->cfg.app_name, (int)getpid(), m->type);
	fb_add(&y->msg, m->body, m->len);
	r = spool_append(&y->sp, m->instance, m->stream, m->seq, y->msg.s,
			 y->msg.len, m->urgent, m->time_ns);
	s->st.refused = y->sp.refused;
	s->st.refused_bytes = y->sp.refused_bytes;
	s->st.refused_first_ns = y->sp.refused_first_ns;
	s->st.refused_last_ns = y->sp.refused_last_ns;
	if (r == SPOOL_FULL) {
		if (y->sp.refused == 1 || !(y->sp.refused % 10000))
			sink_error(s, "spool %s is full (%" PRIu64 " bytes): %" PRIu64 " messages refused so far",
				   y->sp.dir, s->cfg.spool_max, y->sp.refused);
		return 1;
	}
	if (r == SPOOL_ERROR) {
		sink_error(s, "cannot write to spool %s: %s", y->sp.dir,
			   strerror(errno));
		return 1;
	}
	return 0;
}

static int syslog_sync(struct sink *s)
{
	struct syslog_sink *y = s->priv;

	return spool_commit(&y->sp);
}

static void syslog_pump(struct sink *s, int64_t now_ms)
{
	pump(s, now_ms);
}

static void syslog_reopen(struct sink *s)
{
	(void)s;
}

static void syslog_flush(struct sink *s, int ms)
{
	struct syslog_sink *y = s->priv;
	int64_t end = mono_ms() + ms;

	/* Until everything is sent and acknowledged (not settled). */
	while (mono_ms() < end &&
	       (spool_pending(&y->sp) > y->qn || !all_acked(y))) {
		struct pollfd p = { .fd = y->fd, .events = POLLIN };

		if (y->state == ST_DOWN && y->next_try_ms > mono_ms())
			break;
		pump(s, mono_ms());
		if (y->fd >= 0) {
			if (y->have_frame || y->state != ST_UP ||
			    (y->tls && tls_wants_write(y->tls)))
				p.events |= POLLOUT;
			poll(&p, 1, 20);
		}
	}
	/* We close cleanly next: the receiver reads what it acknowledged. */
	if (y->fd >= 0 && s->cfg.transport != SINK_UDP)
		tcp_acked(s, y, mono_ms(), 1);
}

static void syslog_close(struct sink *s)
{
	struct syslog_sink *y = s->priv;

	if (y->fd >= 0) {
		/* We close cleanly: the receiver reads what it acknowledged. */
		if (s->cfg.transport != SINK_UDP)
			tcp_acked(s, y, mono_ms(), 1);
		if (y->tls)
			tls_detach(y->tls);
		close(y->fd);
	}
	spool_close(&y->sp);
	tls_free(y->tls);
	if (y->ai)
		freeaddrinfo(y->ai);
	fb_free(&y->entry);
	fb_free(&y->frame);
	fb_free(&y->msg);
	free(y->q);
	free(y);
	s->priv = NULL;
}

static void syslog_status(struct sink *s, json_object *o)
{
	struct syslog_sink *y = s->priv;
	json_object *sp = json_object_new_object();

	json_object_object_add(o, "state",
			       json_object_new_string(state_names[y->state]));
	json_object_object_add(o, "connected",
			       json_object_new_boolean(y->state == ST_UP));
	json_object_object_add(o, "in_flight", json_object_new_uint64(y->qn));
	json_object_object_add(o, "reconnects",
			       json_object_new_uint64(s->st.reconnects));
	json_object_object_add(o, "resent", json_object_new_uint64(s->st.resent));
	json_object_object_add(sp, "dir", json_object_new_string(y->sp.dir));
	json_object_object_add(sp, "bytes", json_object_new_uint64(y->sp.bytes));
	json_object_object_add(sp, "max_bytes",
			       json_object_new_uint64(y->sp.max_bytes));
	json_object_object_add(sp, "records",
			       json_object_new_uint64(spool_pending(&y->sp)));
	json_object_object_add(o, "spool", sp);
}

const struct sink_ops sink_syslog_ops = {
	.open = syslog_open,
	.put = syslog_put,
	.sync = syslog_sync,
	.pump = syslog_pump,
	.reopen = syslog_reopen,
	.flush = syslog_flush,
	.close = syslog_close,
	.status = syslog_status,
};
