/* SPDX-License-Identifier: GPL-2.0 */
/* Inside the eBPF sensor's loader (sensor.h): shared by its files. */
#ifndef DAUDIT_EBPF_SENSOR_INT_H
#define DAUDIT_EBPF_SENSOR_INT_H

#include <stddef.h>
#include <stdint.h>

#include "sensor.h"

#include <pthread.h>

struct bpf_link;
struct daudit_bpf;
struct ring_buffer;

/* Actor socket connections served at once (sensor_actor.c). */
#define SENSOR_ACTOR_CONNS	64

struct sensor_cpu {
	uint64_t seq;			/* next sequence number */
	uint64_t dropped[DAUDIT_REC_TYPE_MAX];	/* as last reported */
};

struct sensor {
	struct daudit_bpf *skel;
	struct ring_buffer *rb;
	uint64_t instance_id;
	unsigned int ncpus;
	uint32_t ring_bytes;
	struct sensor_cpu *cpu;
	/* Records built and not yet handed out. */
	unsigned char *q;
	size_t qlen, qoff, qcap;
	size_t fill;			/* stop taking events past this much */
	uint64_t records;
	/* The policy in force: its dataset names, for the records. */
	char (*datasets)[DAUDIT_NAME_MAX];
	uint32_t n_datasets;
	uint32_t n_sources;
	uint32_t n_objects;
	uint64_t generation;
	/* The flush iterator (sensor_flush.c): one run at a time. */
	pthread_mutex_t flush_lock;
	struct bpf_link *flush_link;
	int detached;			/* the hooks' programs, at the stop */
	/* What the collector watches: the ring, and the actor socket's fds. */
	int ep;
	/* Declared actors (sensor_actor.c), in the records' thread. */
	int actor_lfd;			/* the listening socket, -1: none */
	char actor_path[108];
	struct {
		int fd;			/* -1: free */
		int64_t since_ns;
	} conn[SENSOR_ACTOR_CONNS];
	uint64_t (*apps)[2];		/* the policy's apps: st_dev, inode */
	size_t n_apps;
	/* Read by other threads (sensor_get_counts()): atomic. */
	uint64_t actor_added;		/* registrations made */
	uint64_t actor_dropped;		/* ended by dauditd (policy, unregister) */
	uint64_t actor_refused;
};

/* Append a record of @size bytes (header filled but seq/cpu/time). */
void *sensor_rec_new(struct sensor *s, size_t size, uint16_t type,
		     unsigned int cpu, uint64_t mono_ns);
/* The ring buffer's callback (libbpf ring_buffer_sample_fn). */
int sensor_on_event(void *ctx, void *data, size_t len);
/* Our own subject (the policy record's), as the kernel would fill it. */
void sensor_self_subject(struct daudit_subject *subj);
/* An event's path as a record's: its length; "" if none was walked. */
struct sensor_path;
size_t sensor_join_path(const struct sensor_path *p, char *out);
/* Append a DAUDIT_REC_ALERT record: paths @path and @path2. */
void sensor_alert(struct sensor *s, const struct daudit_subject *subj,
		  uint32_t kind, uint64_t dev, uint64_t ino, const char *path,
		  const char *path2);
/*
 * Declared actors (sensor_actor.c): serve the actor socket's requests
 * (from sensor_read()); the policy's applications, (st_dev, inode)
 * pairs, which drops the registrations of any other; the counts; the end.
 */
void sensor_actor_serve(struct sensor *s);
void sensor_actor_apps(struct sensor *s, const uint64_t (*apps)[2], size_t n);
void sensor_actor_counts(const struct sensor *s, uint64_t gone,
			 uint64_t *threads, uint64_t *refused);
void sensor_actor_close(struct sensor *s);

#endif
