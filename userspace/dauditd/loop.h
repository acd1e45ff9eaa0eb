/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The collector's delivery cycle and event loop.
 *
 *   read records -> ingest (inside a transaction) -> COMMIT -> ACK
 *
 * and about once a second (rollup_flush_ms) the rollups, gathered in
 * memory, are written in the batch's transaction before its COMMIT.
 *
 * The kernel keeps every record it delivered until it is acknowledged
 * (ack mode), and the acknowledgement comes only after the commit that
 * stored it, so a crash at any point loses nothing: what was not
 * acknowledged is delivered again, and what was committed is recognised
 * by its sequence number (ingest.h) and not counted twice.
 *
 * Where records come from is a struct source, so tests drive the same
 * cycle with a simulated device.
 */
#ifndef DAUDITD_LOOP_H
#define DAUDITD_LOOP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "config.h"
#include "ingest.h"
#include "rollup.h"
#include "rules.h"
#include "sink.h"
#include "store.h"

struct source;

struct source_ops {
	/* Whole records into @buf: bytes, 0 when none are ready, -1 (errno). */
	ssize_t (*read)(struct source *src, void *buf, size_t len);
	/* DAUDIT_IOC_ACK with one entry per CPU; 0 or -1 (errno). */
	int (*ack)(struct source *src, const uint64_t *seq, unsigned int n);
	/* DAUDIT_IOC_FLUSH: interim records for every open session. */
	int (*flush)(struct source *src);
};

struct source {
	const struct source_ops *ops;
	void *ctx;
	int fd;				/* for epoll; -1 if there is none */
	uint64_t instance_id;
	unsigned int ncpus;
	uint32_t ring_bytes;
	char module_version[DAUDIT_VERSION_MAX];
};

/* /dev/daudit as the single consumer, in ack mode. */
int source_open_device(struct source *src, char *err, size_t errlen);
void source_close_device(struct source *src);

struct collector {
	struct config cfg;
	struct store store;
	struct rollup rollup;
	struct rules rules;
	struct ingest ingest;
	struct sinks *sinks;		/* SIEM forwarding ([sink NAME]) */
	struct source *src;
	unsigned char *buf;
	size_t buflen;
	uint64_t *ackv;
	int64_t last_commit_ms;
	int64_t last_rollup_ms;		/* rollups last written */
	uint64_t replayed;		/* events added to rollups at start */
	int64_t last_retention_ms;
	uint64_t acks;			/* acknowledgements sent */
	/* Called on SIGHUP after a good config was read (policy reload). */
	void (*on_reload)(struct collector *c);
	const char *config_path;
	const char *db_override;
};

/*
 * Open the database named by @cfg (taken over by the collector): a
 * database it may not use is refused here, before anything else is
 * touched.  -1 with @err on failure (@c is then empty).
 */
int collector_open_store(struct collector *c, struct config *cfg,
			 char *err, size_t errlen);
/*
 * Then get ready to read @src.  -1 with @err on failure, the database
 * closed.
 */
int collector_attach(struct collector *c, struct source *src, char *err,
		     size_t errlen);
/* Both at once (what the tests use). */
int collector_open(struct collector *c, struct config *cfg,
		   struct source *src, char *err, size_t errlen);
/* Commit and acknowledge what is pending, then close the database. */
void collector_close(struct collector *c);

/*
 * Read what is ready (at most a few batches), storing it; commits and
 * acknowledges when a batch is full or its time is up, or always with
 * @force.  Returns records read, or -1 on a read error.
 */
long collector_pump(struct collector *c, int force);
/* Commit and acknowledge what is pending, rollups included. */
void collector_commit(struct collector *c);
void collector_retention(struct collector *c);

/* Replace the configuration (SIGHUP); the database path stays. */
int collector_reload(struct collector *c, char *err, size_t errlen);

/*
 * The event loop: until SIGTERM or SIGINT arrives on @sigfd, then flush
 * the kernel's sessions, drain, commit, acknowledge.  Returns the exit
 * status.
 */
int collector_run(struct collector *c, int sigfd);

int64_t collector_now_ms(void);

#endif
