/* SPDX-License-Identifier: GPL-2.0 */
/* How the tools talk to daudit.ko: /dev/daudit and its ioctls. */
#ifndef DAUDIT_DEVICE_H
#define DAUDIT_DEVICE_H

#include <stddef.h>
#include <stdint.h>

#include "daudit.h"

/* The ABI this program was built for; a test build may override it. */
#ifndef DAUDIT_TOOL_ABI_MAJOR
#define DAUDIT_TOOL_ABI_MAJOR DAUDIT_ABI_MAJOR
#endif
#ifndef DAUDIT_TOOL_ABI_MINOR
#define DAUDIT_TOOL_ABI_MINOR DAUDIT_ABI_MINOR
#endif

enum dev_mode {
	DEV_CONTROL,		/* ioctls only; any number at once */
	DEV_CONSUMER,		/* reads records; one at a time */
};

struct dev {
	int fd;
	struct daudit_version ver;
};

/*
 * Open the device and check the ABI.  On failure returns -1 and leaves a
 * one-line explanation in @err.
 */
int dev_open(struct dev *d, enum dev_mode mode, int flags, char *err,
	     size_t errlen);
void dev_close(struct dev *d);

/* Path of the device; DAUDIT_DEVICE in the environment overrides it. */
const char *dev_path(void);

/* Counters; @cpus gets up to @ncpus per-CPU entries. 0 or -1 (errno). */
int dev_stats(struct dev *d, struct daudit_stats *st,
	      struct daudit_cpu_stats *cpus, unsigned int ncpus);

#endif
