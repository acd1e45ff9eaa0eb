/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A person's own baseline of daily bytes read: what the volume_spike
 * rule compares a day with (userspace/dauditd/rules/volume_spike.c), and
 * the band the HTML report draws behind each day
 * (userspace/daudit/report_html.c).  One computation, so the picture
 * shows the rule's own numbers.
 */
#ifndef DAUDIT_BASELINE_H
#define DAUDIT_BASELINE_H

#include <stdint.h>

/* The [rules] defaults of dauditd.conf: spike_days, spike_min_active_days,
 * spike_stddevs, spike_p95_factor. */
#define BASELINE_DAYS		14
#define BASELINE_MIN_ACTIVE	7
#define BASELINE_STDDEVS	4
#define BASELINE_P95_FACTOR	3

/*
 * The baseline from @n daily totals (days without reads as 0): mean,
 * population standard deviation, 95th percentile by linear
 * interpolation between closest ranks, and the active (non-zero) days.
 */
struct baseline {
	int ok;				/* enough active days */
	unsigned int active;
	double mean, sd, p95;
};
void baseline_of(const uint64_t *days, unsigned int n,
		 unsigned int min_active, struct baseline *b);

#endif
