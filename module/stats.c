// SPDX-License-Identifier: GPL-2.0
/* Gathers every subsystem's counters for DAUDIT_IOC_STATS. */

#include <linux/cpumask.h>
#include <linux/string.h>

#include "device.h"
#include "hooks.h"
#include "ring.h"
#include "stats.h"

DEFINE_PER_CPU(struct daudit_counters, daudit_counters);

/**
 * daudit_stats_fill - module-wide counters, except the per-CPU array.
 * @st: filled in; its input fields are left alone.
 */
void daudit_stats_fill(struct daudit_stats *st)
{
	unsigned int cpu;

	st->ncpus = nr_cpu_ids;
	st->consumer_pid = daudit_device_consumer();
	daudit_ring_totals(&st->records, &st->dropped);
	st->probes_missed = daudit_hooks_missed();
	for_each_possible_cpu(cpu) {
		const struct daudit_counters *c = per_cpu_ptr(&daudit_counters, cpu);

		st->reads += READ_ONCE(c->reads);
		st->read_bytes += READ_ONCE(c->read_bytes);
		st->trusted_reads += READ_ONCE(c->trusted_reads);
		st->alloc_failures += READ_ONCE(c->alloc_failures);
		st->cache_full += READ_ONCE(c->cache_full);
		st->egress_bytes += READ_ONCE(c->egress_bytes);
	}
}
