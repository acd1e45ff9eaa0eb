// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "device.h"

const char *dev_path(void)
{
	const char *p = getenv("DAUDIT_DEVICE");

	return p && *p ? p : DAUDIT_DEVICE_PATH;
}

static void explain_open(int e, enum dev_mode mode, char *err, size_t len)
{
	const char *path = dev_path();

	switch (e) {
	case ENOENT:
	case ENODEV:
	case ENXIO:
		snprintf(err, len,
			 "daudit.ko is not loaded (no %s); load it with 'modprobe daudit' or 'insmod daudit.ko'",
			 path);
		break;
	case EACCES:
	case EPERM:
		snprintf(err, len,
			 "permission denied opening %s: needs root with CAP_AUDIT_READ or CAP_SYS_ADMIN",
			 path);
		break;
	case EBUSY:
		snprintf(err, len,
			 "%s already has a consumer (is dauditd running?); only one may read records at a time",
			 path);
		break;
	default:
		snprintf(err, len, "cannot open %s%s: %s", path,
			 mode == DEV_CONSUMER ? " for reading" : "",
			 strerror(e));
	}
}

int dev_open(struct dev *d, enum dev_mode mode, int flags, char *err,
	     size_t errlen)
{
	int oflags = (mode == DEV_CONSUMER ? O_RDONLY : O_WRONLY) | O_CLOEXEC;

	memset(d, 0, sizeof(*d));
	d->fd = open(dev_path(), oflags | flags);
	if (d->fd < 0) {
		explain_open(errno, mode, err, errlen);
		return -1;
	}
	if (ioctl(d->fd, DAUDIT_IOC_VERSION, &d->ver) < 0) {
		snprintf(err, errlen,
			 "%s does not answer the version handshake (%s): is it daudit.ko?",
			 dev_path(), strerror(errno));
		goto fail;
	}
	if (d->ver.abi_major != DAUDIT_TOOL_ABI_MAJOR) {
		d->ver.module_version[sizeof(d->ver.module_version) - 1] = 0;
		snprintf(err, errlen,
			 "ABI mismatch: daudit.ko %s speaks ABI %u.%u, this program speaks ABI %u.%u; install matching versions",
			 d->ver.module_version, d->ver.abi_major,
			 d->ver.abi_minor, DAUDIT_TOOL_ABI_MAJOR,
			 DAUDIT_TOOL_ABI_MINOR);
		goto fail;
	}
	d->ver.module_version[sizeof(d->ver.module_version) - 1] = 0;
	return 0;
fail:
	close(d->fd);
	d->fd = -1;
	return -1;
}

void dev_close(struct dev *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
}

int dev_stats(struct dev *d, struct daudit_stats *st,
	      struct daudit_cpu_stats *cpus, unsigned int ncpus)
{
	memset(st, 0, sizeof(*st));
	st->cpu_stats_ptr = (uintptr_t)cpus;
	st->cpu_stats_len = cpus ? ncpus : 0;
	return ioctl(d->fd, DAUDIT_IOC_STATS, st);
}
