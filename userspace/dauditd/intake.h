/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The intake: the device path of the collector, and all that stands
 * between a record read and its acknowledgement.
 *
 *   read() -> batch buffer -> journal row, COMMIT -> DAUDIT_IOC_ACK
 *
 * Per record it only walks the headers: the highest sequence number per
 * CPU (what the acknowledgement names), the bytes not yet acknowledged
 * per CPU (a ring half full of them forces a commit), and the batch's
 * time span.  Decoding, deduplication and storing are the indexer's
 * (indexer.h), which reads the journal behind it.  Records the kernel
 * delivers again after a crash go to the journal again; the indexer
 * skips them by the store's high-water marks.
 */
#ifndef DAUDITD_INTAKE_H
#define DAUDITD_INTAKE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "journal.h"

struct intake_cpu {
	uint64_t next;			/* highest sequence read + 1 */
	uint64_t unacked_bytes;
	int touched;			/* read since the last acknowledgement */
};

struct intake_prof {
	uint64_t walk;			/* the headers of the records read */
	uint64_t commit;		/* journal row and COMMIT */
	uint64_t ack;
	uint64_t commits;
	uint64_t longest_commit;
};

struct intake {
	struct journal j;
	unsigned char *buf;		/* the batch: records as read */
	size_t len, cap;
	uint64_t records;		/* in the batch */
	uint64_t first_ns, last_ns;
	struct intake_cpu *cpu;
	unsigned int ncpus;
	uint64_t ring_bytes;		/* per-CPU ring, for early commits */
	int need_commit;		/* a ring is half full of unacked records */
	uint64_t max_bytes;		/* journal_max_mb */
	atomic_int_fast64_t held;	/* bytes in the journal (the indexer subtracts) */
	uint64_t total;			/* records read since start */
	uint64_t malformed;		/* reads cut at a malformed record */
	int warned;			/* backlog warning logged */
	struct intake_prof prof;
	int prof_on;
};

/* The journal of @database, at most @max_bytes (0: no bound); -1 with @err. */
int intake_open(struct intake *in, const char *database, uint64_t max_bytes,
		char *err, size_t errlen);
/* The device: @ncpus rings of @ring_bytes. */
void intake_attach(struct intake *in, unsigned int ncpus, uint32_t ring_bytes);
void intake_close(struct intake *in);

/* Room for @len more bytes at in->buf + in->len. */
void *intake_space(struct intake *in, size_t len);
/* @len bytes were read into intake_space(): take their records. */
void intake_take(struct intake *in, size_t len);
/* The journal holds max_bytes or more: do not read. */
int intake_full(const struct intake *in);

/*
 * Commit the batch as a journal row of module instance @instance_id and
 * fill @ackv (one entry per CPU, ~0: nothing new).  Returns the number
 * of CPUs to acknowledge (0: nothing was pending); a journal error is
 * fatal (nothing is acknowledged).
 */
unsigned int intake_commit(struct intake *in, uint64_t instance_id,
			   uint64_t *ackv, unsigned int n);

/* Log the backlog when it passes half of journal_max_mb, and after. */
void intake_watch(struct intake *in);

#endif
