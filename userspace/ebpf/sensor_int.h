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
};

/* Append a record of @size bytes (header filled but seq/cpu/time). */
void *sensor_rec_new(struct sensor *s, size_t size, uint16_t type,
		     unsigned int cpu, uint64_t mono_ns);
/* The ring buffer's callback (libbpf ring_buffer_sample_fn). */
int sensor_on_event(void *ctx, void *data, size_t len);
/* Our own subject (the policy record's), as the kernel would fill it. */
void sensor_self_subject(struct daudit_subject *subj);

#endif
