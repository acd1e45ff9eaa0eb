/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the syslog sink: its state, shared by the delivery, sending and
 * sink interface (sink_syslog.c) and the connection handling
 * (sink_syslog_conn.c).  sink.h is the interface (sink_syslog_ops).
 */
#ifndef DAUDITD_SINK_SYSLOG_INT_H
#define DAUDITD_SINK_SYSLOG_INT_H

#include <netdb.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "sink.h"
#include "spool.h"
#include "transport_tls.h"

#define UDP_MAX			65507
#define UDP_SETTLE_MS		200
#define UDP_INFLIGHT_MAX	4096
/* UDP has no flow control: bursts small enough for a receiver's buffer. */
#define UDP_BURST		16
#define UDP_BURST_BYTES		(32 * 1024)
#define UDP_PAUSE_MS		2
#define RESOLVE_EVERY_MS	(300 * 1000)
#define CONNECT_TIMEOUT_MS	10000
#define CURSOR_EVERY_MS		500
/* Acknowledged by TCP; read by the receiver unless it resets within it. */
#define TCP_SETTLE_MS		3000

enum conn_state {
	ST_DOWN,
	ST_CONNECTING,
	ST_HANDSHAKE,
	ST_UP,
};

/* A message sent and not yet known to be delivered. */
struct inflight {
	struct spool_pos next;		/* spool position after it */
	uint64_t end;			/* socket bytes written after it */
	int64_t sent_ms;
	int64_t acked_ms;		/* TCP acknowledged it then; 0: not yet */
	uint32_t bytes;			/* spool bytes it takes */
	int dropped;			/* too large for UDP: counted as lost */
};

struct syslog_sink {
	struct spool sp;
	struct tls_conn *tls;
	int fd;
	enum conn_state state;
	int64_t state_ms;
	int64_t next_try_ms;
	unsigned int backoff;		/* seconds */
	struct addrinfo *ai;
	struct addrinfo *cur;		/* the address being tried */
	int64_t resolved_ms;
	struct spool_pos send_pos;	/* the next entry to send */
	struct fmt_buf entry;		/* its message, read from the spool */
	struct fmt_buf frame;		/* what goes on the wire */
	size_t frame_off;
	int have_frame;
	struct spool_pos frame_next;
	uint32_t frame_bytes;
	uint64_t written;		/* socket bytes (TCP) */
	uint64_t acked_base;		/* tcpi_bytes_acked at connect */
	struct inflight *q;
	size_t qhead, qn, qcap;
	int64_t cursor_ms;
	char hostname[256];
	struct fmt_buf msg;		/* scratch for put */
	char err[256];
	int clean;			/* the receiver closed cleanly */
};

static inline int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Delivery (sink_syslog.c). */
void tcp_acked(struct sink *s, struct syslog_sink *y, int64_t now,
	       int clean);

/* The connection (sink_syslog_conn.c). */
void go_down(struct sink *s, struct syslog_sink *y, const char *why,
	     int clean);
void went_up(struct sink *s, struct syslog_sink *y);
void start_connect(struct sink *s, struct syslog_sink *y, int64_t now);
void check_connect(struct sink *s, struct syslog_sink *y, int64_t now);
int check_incoming(struct sink *s, struct syslog_sink *y);

#endif
