// SPDX-License-Identifier: GPL-2.0
/*
 * Open, load and attach the skeleton bpftool generated from bpf/.  The
 * programs and maps live as long as this process holds their file
 * descriptors: when dauditd exits, killed or not, the kernel detaches
 * the programs and frees the maps, so nothing stays behind for the next
 * start to take over (docs/ebpf.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "daudit.bpf.skel.h"
#include "sensor_int.h"
#include "util.h"

struct sensor *sensor_open(uint32_t ring_bytes, char *err, size_t errlen)
{
	struct sensor *s;
	int ncpus, e;

	if (sensor_check_caps(err, errlen) < 0)
		return NULL;
	ncpus = libbpf_num_possible_cpus();
	if (ncpus <= 0) {
		snprintf(err, errlen, "cannot count the possible CPUs: %s",
			 strerror(-ncpus));
		return NULL;
	}
	s = util_xcalloc(1, sizeof(*s));
	s->ncpus = (unsigned int)ncpus;
	s->cpu = util_xcalloc(s->ncpus, sizeof(*s->cpu));
	s->ring_bytes = ring_bytes;
	if (getrandom(&s->instance_id, sizeof(s->instance_id), 0) !=
	    sizeof(s->instance_id))
		s->instance_id = (uint64_t)getpid() << 32 ^ (uint64_t)time(NULL);

	s->skel = daudit_bpf__open();
	if (!s->skel) {
		snprintf(err, errlen, "cannot open the eBPF sensor: %s",
			 strerror(errno));
		goto fail;
	}
	e = bpf_map__set_max_entries(s->skel->maps.events, ring_bytes);
	if (!e)
		e = daudit_bpf__load(s->skel);
	if (e == -EPERM) {
		snprintf(err, errlen, "the kernel does not let this process load BPF programs: %s (the capabilities are there: a container, a seccomp filter or lockdown=confidentiality forbids it; docs/ebpf.md)",
			 strerror(-e));
		goto fail;
	}
	if (e) {
		snprintf(err, errlen, "the kernel refused the eBPF sensor's programs: %s (the verifier's log is above; docs/ebpf.md lists what the kernel needs: BTF, fentry)",
			 strerror(-e));
		goto fail;
	}
	s->skel->bss->self_tgid = (uint32_t)getpid();
	e = daudit_bpf__attach(s->skel);
	if (e) {
		snprintf(err, errlen, "cannot attach the eBPF sensor's programs: %s",
			 strerror(-e));
		goto fail;
	}
	s->rb = ring_buffer__new(bpf_map__fd(s->skel->maps.events),
				 sensor_on_event, s, NULL);
	if (!s->rb) {
		snprintf(err, errlen, "cannot map the eBPF sensor's ring buffer: %s",
			 strerror(errno));
		goto fail;
	}
	return s;
fail:
	sensor_close(s);
	return NULL;
}

void sensor_close(struct sensor *s)
{
	if (!s)
		return;
	ring_buffer__free(s->rb);
	daudit_bpf__destroy(s->skel);
	free(s->cpu);
	free(s->q);
	free(s->datasets);
	free(s);
}

int sensor_fd(const struct sensor *s)
{
	return ring_buffer__epoll_fd(s->rb);
}

uint64_t sensor_instance(const struct sensor *s)
{
	return s->instance_id;
}

unsigned int sensor_ncpus(const struct sensor *s)
{
	return s->ncpus;
}

uint32_t sensor_ring_bytes(const struct sensor *s)
{
	return s->ring_bytes;
}
