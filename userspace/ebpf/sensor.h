/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The eBPF sensor's loader: loads and attaches the programs of bpf/
 * (a bpftool skeleton), fills their maps from the binary policy, and
 * turns what they write into the ring buffer into the records of
 * module/uapi/daudit.h, byte for byte what /dev/daudit would give, so
 * the collector reads either the same way (docs/ebpf.md).
 *
 *   sensor_caps.c     what loading needs (CAP_BPF, CAP_PERFMON or root)
 *   sensor_load.c     open, load, attach, detach
 *   sensor_policy.c   binary policy -> the protected map
 *   sensor_records.c  ring buffer events -> records, drops -> LOST
 */
#ifndef DAUDIT_EBPF_SENSOR_H
#define DAUDIT_EBPF_SENSOR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "daudit.h"

struct sensor;

/* The policy the sensor holds, and what it handed out (its owner's thread). */
struct sensor_stats {
	uint64_t policy_generation;
	uint32_t policy_datasets;
	uint32_t policy_sources;
	uint32_t protected_objects;	/* (dev, ino) in the map now */
	uint32_t ncpus;
	uint64_t records;		/* records handed out */
};

/*
 * What the programs counted since the sensor was loaded, summed over the
 * CPUs.  Read from the counters map alone, so any thread may ask while
 * another reads records.
 */
struct sensor_counts {
	uint64_t dropped;		/* ring buffer full: records lost (LOST records) */
	uint64_t reads;			/* protected reads */
	uint64_t read_bytes;
	uint64_t sessions_ended;
	uint64_t sessions_full;		/* no session slot: a record for one read */
	uint64_t procs_full;		/* no process slot: described again */
	uint64_t socks_full;		/* no socket slot: described at its record */
	uint64_t paths_cut;		/* a path longer than an event holds */
	uint64_t uring_missed;		/* io_uring reads not followed: unrecorded */
	uint64_t aio_missed;		/* legacy AIO reads not followed: unrecorded */
	uint64_t clones_full;		/* reflink clones not protected: map full */
	uint64_t trusted_reads;		/* reads by trusted readers: not recorded */
	uint64_t trust_off;		/* 1: no process can be trusted (see the log) */
	uint64_t actor_threads;		/* threads with an actor area registered */
	uint64_t actor_refused;		/* registrations refused */
};

/*
 * Can this process load the sensor?  0, or -1 with a one-line reason
 * naming the capabilities it lacks.
 */
int sensor_check_caps(char *err, size_t errlen);

/*
 * Load and attach the programs with a ring buffer of @ring_bytes (a
 * power of two, at least a page).  NULL with @err on failure, nothing
 * left attached.
 */
struct sensor *sensor_open(uint32_t ring_bytes, char *err, size_t errlen);
/* Detach and unload: the kernel frees every map and program. */
void sensor_close(struct sensor *s);

/* Pollable when events wait (epoll). */
int sensor_fd(const struct sensor *s);
uint64_t sensor_instance(const struct sensor *s);
unsigned int sensor_ncpus(const struct sensor *s);
uint32_t sensor_ring_bytes(const struct sensor *s);

/*
 * Replace the policy with the binary policy @blob (as DAUDIT_IOC_POLICY_LOAD
 * takes it).  Tree and file sources are resolved to (dev, ino) here;
 * other kinds are not covered by this sensor yet and are counted in
 * *@skipped.  A DAUDIT_REC_POLICY record says what happened.  0, or -1
 * with @err (the previous policy stays in force).
 */
int sensor_policy(struct sensor *s, const void *blob, size_t len,
		  unsigned int *skipped, char *err, size_t errlen);

/*
 * Whole records into @buf (at least DAUDIT_RECORD_MAX bytes): bytes, 0
 * when none are ready, -1 with errno.
 */
ssize_t sensor_read(struct sensor *s, void *buf, size_t len);

/*
 * A session that read or mapped @bytes since its last record gets an
 * interim one at its next read (as the module's flush_bytes).
 */
void sensor_set_flush_bytes(struct sensor *s, uint64_t bytes);

/*
 * Take declared actors' registrations on the unix socket at @path
 * (DAUDIT_ACTOR_SOCKET_PATH; its directory is made, the socket is mode
 * 0666), served by sensor_read().  0, or -1 with a reason in @err.
 */
int sensor_actor_listen(struct sensor *s, const char *path, char *err,
			size_t errlen);
/*
 * Interim records (DAUDIT_END_AGE) of the sessions whose first read
 * since their last record is at least @age_sec old (as the module's
 * flush_age_sec; dauditd calls it once a second).  Safe beside
 * sensor_read() in another thread.  0, or -1 with errno.
 */
int sensor_flush_age(struct sensor *s, unsigned int age_sec);
/*
 * At dauditd's stop: detach the hooks' programs, then a last record
 * (DAUDIT_END_UNLOAD, final) of every session still open, to read with
 * sensor_read() before sensor_close().  0, or -1 with errno.
 */
int sensor_flush_stop(struct sensor *s);

void sensor_get_stats(struct sensor *s, struct sensor_stats *st);
/* 0, or -1 with errno (the map could not be read). */
int sensor_get_counts(const struct sensor *s, struct sensor_counts *n);

#endif
