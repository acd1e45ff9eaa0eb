/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The collector's delivery cycle and event loop, in two stages:
 *
 *   intake:  read records -> journal row, COMMIT -> ACK      (intake.h)
 *   indexer: journal rows -> ingest -> mark, COMMIT -> sinks  (indexer.h)
 *
 * and about once a second (rollup_flush_ms) the rollups, gathered in
 * memory, are written in the indexer's transaction before its COMMIT.
 *
 * The kernel keeps every record it delivered until it is acknowledged
 * (ack mode), and the acknowledgement comes only after the journal
 * commit that holds it; the indexer deletes a journal row only after the
 * store's commit that advanced the mark past it.  So a crash at any
 * point loses nothing: what was not acknowledged is delivered again,
 * what the journal holds is indexed at the next start, and what was
 * stored is recognised by its sequence number (ingest.h) and not counted
 * twice.
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
#include "health.h"
#include "indexer.h"
#include "fleet_review.h"
#include "store_pg.h"
#include "ingest.h"
#include "intake.h"
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
	/* "module" or "ebpf" and why (sensors.h); "" for tests and replay. */
	char sensor[16];
	char sensor_why[160];
};

/* /dev/daudit as the single consumer, in ack mode. */
int source_open_device(struct source *src, char *err, size_t errlen);
void source_close_device(struct source *src);

struct collector {
	struct config cfg;
	struct store store;
	struct store_pg *pg;		/* the fleet's PostgreSQL, or NULL */
	struct fleet_review review;	/* its findings, if this host holds the lock */
	struct rollup rollup;
	struct rules rules;
	struct ingest ingest;
	struct sinks *sinks;		/* SIEM forwarding ([sink NAME]) */
	struct source *src;
	struct intake intake;		/* device -> journal -> ack */
	struct indexer ix;		/* journal -> store */
	struct health health;		/* what is protected (health.h) */
	int index_hold;			/* tests: the indexer does not run */
	int device_paused;		/* journal full: not read */
	uint64_t *ackv;
	int64_t last_commit_ms;		/* the intake's last journal commit */
	int64_t last_rollup_ms;		/* rollups last written */
	uint64_t replayed;		/* events added to rollups at start */
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
/*
 * Commit and acknowledge what is pending, let the indexer finish the
 * journal (unless index_hold), then close the database.
 */
void collector_close(struct collector *c);

/*
 * Read what is ready (at most a few batches) into the journal; commits
 * and acknowledges when a batch is full or its time is up, or always
 * with @force.  Without the indexer's thread (tests, the benchmark) the
 * journal is indexed after each commit unless index_hold is set.
 * Returns records read (0 also when the journal is full), or -1 on a
 * read error.
 */
long collector_pump(struct collector *c, int force);
/*
 * Commit and acknowledge what is pending; without the indexer's thread
 * (and without index_hold) index the journal and commit the store,
 * rollups included.
 */
void collector_commit(struct collector *c);
/* Retention (store.h), from the indexer's side (indexer.c). */
void collector_retention(struct collector *c);

/* Replace the configuration (SIGHUP); the database path stays. */
int collector_reload(struct collector *c, char *err, size_t errlen);

/*
 * The event loop: starts the indexer's thread, then reads the device
 * until SIGTERM or SIGINT arrives on @sigfd, then flushes the kernel's
 * sessions, drains, commits, acknowledges (collector_close() lets the
 * indexer finish the journal).  Returns the exit status.
 */
int collector_run(struct collector *c, int sigfd);

int64_t collector_now_ms(void);
/* A timerfd ticking every @ms (non-blocking), or -1. */
int collector_timer(unsigned int ms);

#endif
