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
 * one-line explanation in @err; a refusal names what @who (the verb:
 * "status", "policy load") lacks: root for the file's mode (EACCES), or
 * the capabilities the module asks for (EPERM):
 * "status needs CAP_AUDIT_READ, CAP_AUDIT_CONTROL or CAP_SYS_ADMIN (or
 * root) to open /dev/daudit".
 */
int dev_open(struct dev *d, enum dev_mode mode, int flags, const char *who,
	     char *err, size_t errlen);

/*
 * The one line for ioctl @cmd refused with @e: for EPERM, the
 * capabilities the module wants for it (DAUDIT_IOC_STATS: CAP_AUDIT_READ;
 * DAUDIT_IOC_POLICY_LOAD and _FLUSH: CAP_AUDIT_CONTROL; or CAP_SYS_ADMIN).
 */
void dev_explain_ioctl(const char *who, unsigned long cmd, int e, char *err,
		       size_t len);
void dev_close(struct dev *d);

/* Path of the device; DAUDIT_DEVICE in the environment overrides it. */
const char *dev_path(void);

/* Counters; @cpus gets up to @ncpus per-CPU entries. 0 or -1 (errno). */
int dev_stats(struct dev *d, struct daudit_stats *st,
	      struct daudit_cpu_stats *cpus, unsigned int ncpus);

#endif
