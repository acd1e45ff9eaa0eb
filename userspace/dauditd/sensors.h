/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which sensor the collector reads (config `sensor`): daudit.ko through
 * /dev/daudit, or the eBPF programs (userspace/ebpf/, docs/ebpf.md).
 * Either is a struct source (loop.h); the choice and its reason are
 * kept in the store's meta table for `daudit status`.
 */
#ifndef DAUDITD_SENSORS_H
#define DAUDITD_SENSORS_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "loop.h"

struct sensor_choice {
	int sensor;			/* SENSOR_MODULE or SENSOR_EBPF */
	char why[160];
};

/*
 * Open the source @cfg asks for (auto: the module when /dev/daudit
 * exists, else eBPF) into @src.  -1 with @err.
 */
int sensor_source_open(struct source *src, const struct config *cfg,
		       struct sensor_choice *ch, char *err, size_t errlen);
void sensor_source_close(struct source *src, const struct sensor_choice *ch);

/*
 * Load the binary policy @blob into the eBPF sensor, if it runs; 1 when
 * it did (0 or -1: the module's way applies, or it failed).
 */
int sensor_ebpf_policy(const char *file, const void *blob, size_t len);

/* Generation, datasets and sources in force under the eBPF sensor. */
int sensor_ebpf_protection(uint64_t *generation, unsigned int *datasets,
			   unsigned int *sources);

/*
 * The eBPF sensor's counters since it was loaded (docs/ebpf.md), as the
 * JSON object `daudit status` shows (SENSOR_COUNTS_META): reads,
 * read_bytes, sessions_ended, dropped, uring_missed, aio_missed,
 * sessions_full, procs_full, socks_full, paths_cut.  Logs a warning when
 * io_uring or AIO reads went unrecorded since the last call.  -1 without
 * the eBPF sensor.  For the indexer's thread alone: it reads only the
 * counters map, beside the main thread's reads of records.
 */
int sensor_ebpf_counts(char *buf, size_t len);

/*
 * Once a second, from the indexer's thread: interim records of the eBPF
 * sensor's sessions older than ebpf_flush_age_sec.  Nothing without it.
 */
void sensor_ebpf_tick(void);

#endif
