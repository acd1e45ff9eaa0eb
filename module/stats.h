/* SPDX-License-Identifier: GPL-2.0 */
/* Module-wide counters, kept per CPU so hooks never share a cache line. */
#ifndef _DAUDIT_STATS_H
#define _DAUDIT_STATS_H

#include <linux/percpu.h>
#include "uapi/daudit.h"

struct daudit_counters {
	u64 reads;
	u64 read_bytes;
	u64 trusted_reads;
	u64 alloc_failures;
	u64 cache_full;
	u64 egress_bytes;
};

DECLARE_PER_CPU(struct daudit_counters, daudit_counters);

#define daudit_count(field, n) this_cpu_add(daudit_counters.field, (n))

void daudit_stats_fill(struct daudit_stats *st);

#endif /* _DAUDIT_STATS_H */
