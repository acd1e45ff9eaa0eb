/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Records to rows.  Every record passes the sequence check first: per
 * (module instance, CPU) the database keeps the next sequence number it
 * expects (the high-water mark), updated in the same transaction as the
 * rows, so a record below it was stored before and is skipped, and a
 * record above it reveals a gap.  Then it is decoded, attributed to a
 * user, joined to its process's executable, stored, and handed to the
 * rollups and the rules.
 */
#ifndef DAUDITD_INGEST_H
#define DAUDITD_INGEST_H

#include <stddef.h>
#include <stdint.h>

#include "daudit.h"
#include "hmap.h"
#include "record.h"

struct store;
struct rollup;
struct rules;
struct config;

struct cpu_state {
	uint64_t next_seq;		/* first sequence number not yet stored */
	uint64_t last_ns;		/* time of the last record stored */
	uint64_t unacked_bytes;		/* read since the last acknowledgement */
	uint8_t known;			/* next_seq is meaningful */
	uint8_t dirty;			/* mark to save at commit */
	uint8_t touched;		/* something to acknowledge */
};

struct ingest_stats {
	uint64_t records;		/* handed to ingest_record() */
	uint64_t stored;		/* events inserted */
	uint64_t duplicates;		/* below the mark: stored before */
	uint64_t gaps;			/* sequence gaps found */
	uint64_t lost;			/* records the sensor reported lost */
	uint64_t malformed;		/* buffers that failed rec_next() */
	uint64_t unknown;		/* record types this version skips */
};

/*
 * Where the time goes, in nanoseconds, when @on is set (the benchmark
 * sets it; dauditd does not: the clock reads cost about 2 % at 1 µs a
 * record).
 */
struct ingest_prof {
	int on;
	uint64_t read;			/* the source's read() */
	uint64_t decode;		/* sequence check, decoding, users, exe */
	uint64_t insert;		/* the events row */
	uint64_t rollup;		/* into the batch's in-memory rollups */
	uint64_t rules;			/* per-record rules */
	uint64_t sinks;			/* the record hook (SIEM sinks) */
	uint64_t flush_rollup;		/* rollup rows and sets, and their mark */
	uint64_t flush_rules;		/* findings; rules on totals */
	uint64_t commit;		/* commit: marks, meta, COMMIT */
	uint64_t sinks_commit;		/* commit: sinks durable */
	uint64_t ack;			/* DAUDIT_IOC_ACK */
	uint64_t commits;
	uint64_t rollup_flushes;
	uint64_t longest_commit;	/* flushes and COMMIT: reads wait */
};

uint64_t ingest_prof_ns(void);

struct ingest {
	struct store *store;
	struct rollup *rollup;
	struct rules *rules;
	const struct config *cfg;
	uint64_t instance_id;
	struct cpu_state *cpu;
	unsigned int ncpus;		/* entries in @cpu */
	uint64_t ring_bytes;		/* per-CPU ring size, for early commits */
	int procs_first;		/* ingest_buffer() took the process records */
	struct hmap procs;		/* (tgid, start_ns) -> struct proc_entry */
	struct proc_entry *last_proc;	/* the one looked up last */
	uint32_t last_tgid;
	uint64_t last_start;
	struct hmap names;		/* uid -> struct name_entry */
	struct hmap actors;		/* account, actor -> struct actor_entry */
	uint32_t last_uid;		/* its name is stored */
	int last_uid_noted;
	uint64_t pending;		/* records in the open transaction */
	uint64_t pending_events;	/* events inserted in it */
	uint64_t last_record_ns;
	uint64_t first_record_ns;
	int need_commit;		/* a ring is half full of unacked records */
	struct ingest_stats st;
	struct ingest_prof prof;
	char *buf;			/* scratch: addresses for path/dest */
	char *xbuf;			/* scratch: the extra column */
	char abuf[REC_ACTOR_TEXT];	/* scratch: the actor id as text */
	char rbuf[REC_ACTOR_TEXT];	/* scratch: the request id as text */
	char cbuf[64];			/* scratch: the actor's client */
	char nbuf[16];			/* scratch: "#UID" */
	/*
	 * Every record read, duplicates included, after it was handled
	 * (the SIEM sinks, which keep their own marks); and every gap
	 * found, before the record that revealed it.  NULL: none.
	 */
	void (*on_record)(void *arg, const struct daudit_rec_header *h);
	void (*on_gap)(void *arg, unsigned int cpu, uint64_t expected,
		       uint64_t got);
	void *hook_arg;
};

void ingest_init(struct ingest *ig, struct store *s, struct rollup *ru,
		 struct rules *rl, const struct config *c,
		 uint64_t instance_id, unsigned int ncpus,
		 uint32_t ring_bytes);
void ingest_free(struct ingest *ig);

/*
 * Records of module instance @instance_id follow (journal rows of an
 * earlier instance are indexed before those of the running one).  Call
 * it between transactions: the marks of the previous instance must have
 * been committed.
 */
void ingest_set_instance(struct ingest *ig, uint64_t instance_id);

/* Every record in a buffer read from the device. */
void ingest_buffer(struct ingest *ig, const void *buf, size_t len);
/* One record that passed rec_check(). */
void ingest_record(struct ingest *ig, const struct daudit_rec_header *h);

/*
 * Save the findings and the marks and commit: after it returns, every
 * record handed in is durable.  With @rollups, write the rollups (and
 * their mark) and run the totals rules first; without, the rollups stay
 * in memory for a later call (a crash before it is undone at the next
 * start by rollup_replay()).
 */
void ingest_commit(struct ingest *ig, int rollups);

/*
 * The DAUDIT_IOC_ACK vector after a commit: for each CPU the next
 * sequence number (everything below is stored), ~0 where there is
 * nothing new.  Returns how many CPUs have something to acknowledge and
 * clears that state.
 */
unsigned int ingest_ack_vector(struct ingest *ig, uint64_t *seq,
			       unsigned int n);

/* The executable of a process as far as the collector knows, or NULL. */
const char *ingest_exe(struct ingest *ig, uint32_t tgid, uint64_t start_ns,
		       const char **cmdline);

/* The name of a uid through NSS (cached), or NULL. */
const char *ingest_user_name(struct ingest *ig, uint32_t uid);

#endif
