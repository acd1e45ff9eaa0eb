/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SIEM sinks: where the collector forwards every record and every finding,
 * as configured by [sink NAME] sections (docs/siem.md).
 *
 *   sink.c          the interface below, and the registry the collector
 *                   drives: rendering, deduplication, status
 *   sink_file.c     JSON lines (or CEF, LEEF, OCSF lines) to a file,
 *                   rotated by size, reopened on SIGHUP
 *   sink_syslog.c   RFC 5424 over UDP, TCP (RFC 6587 octet counting) or
 *                   TLS (RFC 5425, transport_tls.c), from a disk spool
 *                   (spool.c)
 *
 * Delivery.  A record reaches the sinks while the indexer stores its
 * journal batch; the indexer deletes the batch from the journal only
 * after sinks_commit(), which makes every sink's copy durable (appended
 * to the file, or to the spool, and the sink's marks saved).  So a
 * record the collector accepted is delivered or spooled even across a
 * crash of dauditd (the journal, or the kernel, has it until then), and
 * the marks (marks.h) keep a record read again from reaching a sink
 * twice.  Findings are read from the database after each
 * commit, by id, with the same marks.
 */
#ifndef DAUDITD_SINK_H
#define DAUDITD_SINK_H

#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "daudit.h"
#include "ecs.h"
#include "fmt.h"
#include "marks.h"

struct store;
struct sink;
struct sinks;

/* One message for a sink: a rendered record or finding, and its key. */
struct sink_msg {
	uint64_t instance;
	uint32_t stream;		/* CPU, MARK_FINDINGS or MARK_TRIAGE */
	uint64_t seq;			/* sequence number, or findings.id */
	uint64_t time_ns;		/* when it happened */
	int severity;			/* event.severity, 0..10 */
	int urgent;			/* a finding or an alert */
	const char *type;		/* "file_read", ..., "finding" */
	const char *body;		/* in the sink's format, one line */
	size_t len;
};

/* What status shows of a sink. */
struct sink_stats {
	uint64_t accepted;		/* messages taken (written or spooled) */
	uint64_t delivered;		/* messages the receiver has */
	uint64_t duplicates;		/* skipped: the sink had them */
	uint64_t refused;		/* spool full (counted, never silent) */
	uint64_t refused_bytes;
	uint64_t refused_first_ns, refused_last_ns;
	uint64_t lost;			/* could not be written or sent */
	uint64_t reconnects;
	uint64_t resent;		/* sent again; the receiver may have them */
	int connected;			/* network: the connection is up */
	int64_t state_since_ns;
	char last_error[256];
	int64_t last_error_ns;
};

struct sink_ops {
	/* Get ready (files open, spool open, credentials loaded). */
	int (*open)(struct sink *s, char *err, size_t errlen);
	/* Take one message: 0, or 1 if it was refused or lost (counted). */
	int (*put)(struct sink *s, const struct sink_msg *m);
	/* Make what was put durable, marks included; 0 or -1. */
	int (*sync)(struct sink *s);
	/* Deliver, connect, notice a receiver going away; @now_ms monotonic. */
	void (*pump)(struct sink *s, int64_t now_ms);
	/* SIGHUP: reopen files. */
	void (*reopen)(struct sink *s);
	/* Deliver what it can within @ms (dauditd is stopping). */
	void (*flush)(struct sink *s, int ms);
	/* Save state, free everything. */
	void (*close)(struct sink *s);
	/* Type-specific status fields. */
	void (*status)(struct sink *s, json_object *o);
};

struct sink {
	struct sink_config cfg;		/* a copy, owned */
	const struct sink_ops *ops;
	struct sinks *reg;
	struct marks *marks;		/* what it has (owned by the type) */
	struct sink_stats st;
	char *target;			/* "tls://host:6514", "/var/log/x.json" */
	char *state_dir;		/* spool or marks directory */
	void *priv;
	int watch_fd;			/* in the registry's epoll, or -1 */
	uint32_t watch_events;
};

extern const struct sink_ops sink_file_ops;
extern const struct sink_ops sink_syslog_ops;

/* For the types: errors into st.last_error (and the log, once a state). */
void sink_error(struct sink *s, const char *fmt, ...) UTIL_PRINTF(2, 3);
void sink_set_state(struct sink *s, int connected);
/* Watch @fd for @events (EPOLLIN...) in the registry's epoll; -1 stops. */
void sink_watch(struct sink *s, int fd, uint32_t events);
int64_t sink_now_ns(void);
/* Pump @s again at @at_ms (monotonic), or earlier. */
void sink_wake(struct sink *s, int64_t at_ms);

/* ------------------------------------------------------------------ */
/* The registry, as the collector uses it                              */
/* ------------------------------------------------------------------ */

/*
 * The sinks of @cfg, with their state under the directory of @database
 * unless configured elsewhere; findings come from @store.  Returns a
 * registry (possibly with no sinks), or NULL with @err when one cannot
 * be opened.
 */
struct sinks *sinks_new(const struct config *cfg, const char *database,
			struct store *store, uint64_t instance_id,
			char *err, size_t errlen);
void sinks_free(struct sinks *r);

/*
 * The module instance of the records that follow (the indexer reads
 * journal rows an earlier instance wrote before one written by the
 * running one).
 */
void sinks_set_instance(struct sinks *r, uint64_t instance_id);

/*
 * process.executable and process.command_line for records whose process
 * record came earlier.
 */
void sinks_set_exe_lookup(struct sinks *r,
			  const char *(*fn)(void *arg, uint32_t tgid,
					    uint64_t start_ns,
					    const char **cmdline),
			  void *arg);

/* A record (every one the collector reads, duplicates included). */
void sinks_record(struct sinks *r, const struct daudit_rec_header *h);
/* Records @expected .. @got - 1 of @cpu never arrived. */
void sinks_gap(struct sinks *r, unsigned int cpu, uint64_t expected,
	       uint64_t got);
/*
 * What is protected changed (or dauditd started with nothing protected):
 * an event of type "protection" to every sink that takes "policy".
 */
void sinks_protection(struct sinks *r, int protecting, uint64_t generation,
		      uint32_t datasets, uint32_t sources, const char *reason);
/*
 * After the database commit, before the journal rows are deleted: new
 * findings to every sink, then every sink made durable.
 */
void sinks_commit(struct sinks *r);
/* Periodically: deliver, reconnect, save cursors, publish status. */
void sinks_tick(struct sinks *r);
/* A descriptor the event loop watches (readable: call sinks_ready). */
int sinks_fd(const struct sinks *r);
void sinks_ready(struct sinks *r);
/*
 * SIGHUP: sinks whose settings are unchanged are kept (files reopened),
 * others closed and opened anew (their spools stay on disk).  -1 with
 * @err naming a sink that could not be opened (the others still change).
 */
int sinks_reload(struct sinks *r, const struct config *cfg,
		 const char *database, char *err, size_t errlen);
unsigned int sinks_count(const struct sinks *r);

/* The status file of the sinks of a database: DATABASE-sinks.json. */
char *sinks_status_path(const char *database);

#endif
