/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench.h: what the timing helpers share (readbench, callbench,
 * faultbench, spawnbench): the monotonic clock in ns, pinning to CPU 0,
 * and a loop timed in BENCH_BATCHES batches whose median batch mean is
 * the figure, so a host-side stall of the VM (qemu's thread preempted, a
 * translation-cache flush) spoils one batch, not the run.
 */
#ifndef DAUDIT_TESTS_BENCH_H
#define DAUDIT_TESTS_BENCH_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BENCH_BATCHES 21

static inline double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median of N values (sorts them). */
static inline double bench_median(double *v, int n)
{
	qsort(v, n, sizeof(*v), bench_cmp_double);
	return v[n / 2];
}

/* Every timed run of every configuration on the same vCPU. */
static inline void bench_pin_cpu0(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		perror("sched_setaffinity");
		exit(1);
	}
}

static inline int bench_open(const char *path, int flags)
{
	int fd = open(path, flags);

	if (fd < 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		exit(1);
	}
	return fd;
}

/*
 * BENCH_LOOP(result, n, stmt): run stmt n times in BENCH_BATCHES batches
 * (at least once per batch) and set result to the median of the batches'
 * ns per run.  A macro, not a function taking a callback: the indirect
 * call would add its instructions to every syscall measured.
 */
#define BENCH_LOOP(result, n, stmt)                                          \
	do {                                                                 \
		double per_[BENCH_BATCHES], t0_;                             \
		long pb_ = (n) / BENCH_BATCHES > 0 ? (n) / BENCH_BATCHES : 1; \
		for (int b_ = 0; b_ < BENCH_BATCHES; b_++) {                 \
			t0_ = bench_now();                                   \
			for (long i_ = 0; i_ < pb_; i_++) {                  \
				stmt;                                        \
			}                                                    \
			per_[b_] = (bench_now() - t0_) / pb_;                \
		}                                                            \
		(result) = bench_median(per_, BENCH_BATCHES);                \
	} while (0)

#endif
