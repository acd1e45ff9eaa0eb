// SPDX-License-Identifier: GPL-2.0
/*
 * Loading tracing programs needs CAP_BPF and CAP_PERFMON (or
 * CAP_SYS_ADMIN, which implies both): say which is missing in one line
 * before libbpf fails with a bare EPERM.
 */
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sensor_int.h"

#ifndef CAP_PERFMON
#define CAP_PERFMON	38
#endif
#ifndef CAP_BPF
#define CAP_BPF		39
#endif

static int has(const struct __user_cap_data_struct *d, unsigned int cap)
{
	return !!(d[cap / 32].effective & (1U << (cap % 32)));
}

int sensor_check_caps(char *err, size_t errlen)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
		.pid = 0,
	};
	struct __user_cap_data_struct d[2];
	int bpf, perfmon;

	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &h, d) < 0) {
		snprintf(err, errlen, "cannot read this process's capabilities: %s",
			 strerror(errno));
		return -1;
	}
	if (has(d, CAP_SYS_ADMIN))
		return 0;
	bpf = has(d, CAP_BPF);
	perfmon = has(d, CAP_PERFMON);
	if (bpf && perfmon)
		return 0;
	snprintf(err, errlen, "the eBPF sensor needs CAP_BPF and CAP_PERFMON (or root): %s missing",
		 !bpf && !perfmon ? "CAP_BPF and CAP_PERFMON are" :
		 !bpf ? "CAP_BPF is" : "CAP_PERFMON is");
	return -1;
}
