// SPDX-License-Identifier: GPL-2.0
/*
 * A person's daily baseline (baseline.h): the volume_spike rule's in the
 * collector, and the band of daily bytes in daudit report --format html.
 */
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "util.h"

/* Newton's method: the Makefile links no libm for one square root. */
static double root(double x)
{
	double r = x > 1 ? x / 2 : 1, prev = 0;
	int i;

	if (x <= 0)
		return 0;
	for (i = 0; i < 200 && r != prev; i++) {
		prev = r;
		r = (r + x / r) / 2;
	}
	return r;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

void baseline_of(const uint64_t *days, unsigned int n,
		    unsigned int min_active, struct baseline *b)
{
	uint64_t *s = util_xcalloc(n, sizeof(*s));
	double sum = 0, var = 0, pos, frac;
	unsigned int i, lo;

	memset(b, 0, sizeof(*b));
	for (i = 0; i < n; i++) {
		sum += (double)days[i];
		b->active += days[i] > 0;
		s[i] = days[i];
	}
	if (!n) {
		free(s);
		return;
	}
	b->mean = sum / n;
	for (i = 0; i < n; i++)
		var += ((double)days[i] - b->mean) * ((double)days[i] - b->mean);
	b->sd = root(var / n);
	qsort(s, n, sizeof(*s), cmp_u64);
	pos = 0.95 * (n - 1);
	lo = (unsigned int)pos;
	frac = pos - lo;
	b->p95 = lo + 1 < n ? (double)s[lo] + frac * ((double)s[lo + 1] - (double)s[lo]) :
		 (double)s[lo];
	b->ok = b->active >= min_active;
	free(s);
}
