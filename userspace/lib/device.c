// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "device.h"

const char *dev_path(void)
{
	const char *p = getenv("DAUDIT_DEVICE");

	return p && *p ? p : DAUDIT_DEVICE_PATH;
}

/* What the module's open (module/device.c) asks for in each mode. */
static const char *open_caps(enum dev_mode mode)
{
	return mode == DEV_CONSUMER ? "CAP_AUDIT_READ or CAP_SYS_ADMIN" :
	       "CAP_AUDIT_READ, CAP_AUDIT_CONTROL or CAP_SYS_ADMIN";
}

static void explain_open(int e, enum dev_mode mode, const char *who,
			 char *err, size_t len)
{
	const char *path = dev_path();
	struct stat st;

	switch (e) {
	case ENOENT:
	case ENODEV:
	case ENXIO:
		snprintf(err, len,
			 "daudit.ko is not loaded (no %s); load it with 'modprobe daudit' or 'insmod daudit.ko'",
			 path);
		break;
	case EACCES:
		/* The file's mode refused, before the module was asked. */
		if (stat(path, &st) < 0)
			memset(&st, 0, sizeof(st));
		snprintf(err, len,
			 "%s needs root to open %s (mode %04o, owner uid %u; or CAP_DAC_OVERRIDE, with %s)",
			 who, path, (unsigned int)(st.st_mode & 07777),
			 (unsigned int)st.st_uid, open_caps(mode));
		break;
	case EPERM:
		/* The module refused: a capability is missing. */
		snprintf(err, len, "%s needs %s (or root) to open %s", who,
			 open_caps(mode), path);
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

void dev_explain_ioctl(const char *who, unsigned long cmd, int e, char *err,
		       size_t len)
{
	if (e != EPERM && e != EACCES)
		snprintf(err, len, "%s: %s refused %s: %s", who, dev_path(),
			 cmd == DAUDIT_IOC_POLICY_LOAD ? "the policy" :
			 cmd == DAUDIT_IOC_STATS ? "its counters" : "the request",
			 strerror(e));
	else if (cmd == DAUDIT_IOC_POLICY_LOAD || cmd == DAUDIT_IOC_FLUSH)
		snprintf(err, len,
			 "%s needs CAP_AUDIT_CONTROL or CAP_SYS_ADMIN (or root) to %s daudit.ko",
			 who, cmd == DAUDIT_IOC_FLUSH ? "flush the sessions of" :
			 "load a policy into");
	else
		snprintf(err, len,
			 "%s needs CAP_AUDIT_READ or CAP_SYS_ADMIN (or root) to read the counters of %s",
			 who, dev_path());
}

int dev_open(struct dev *d, enum dev_mode mode, int flags, const char *who,
	     char *err, size_t errlen)
{
	int oflags = (mode == DEV_CONSUMER ? O_RDONLY : O_WRONLY) | O_CLOEXEC;

	memset(d, 0, sizeof(*d));
	d->fd = open(dev_path(), oflags | flags);
	if (d->fd < 0) {
		explain_open(errno, mode, who, err, errlen);
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
