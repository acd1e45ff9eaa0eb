// SPDX-License-Identifier: GPL-2.0
/*
 * calib: wait until the guest clock reads 1 ns per instruction.
 *
 *   calib MAX_SECONDS     time a loop of a known number of instructions
 *                         (dec + jnz: 2 per iteration, 20 million in all)
 *                         with clock_gettime, again and again, until three
 *                         runs in a row read within 0.3 % of 1 ns per
 *                         instruction; prints the runs taken, the guest
 *                         seconds waited and the last reading.  Exits 1 if
 *                         that has not happened within MAX_SECONDS.
 *
 * Under qemu -icount shift=0 the guest clock advances 1 ns per guest
 * instruction: the loop reads 1.000 once nothing else (boot-time kernel
 * threads, the page cache being filled) shares the vCPU with it.
 */
#include "bench.h"

#define ITERS 10000000UL

static double ns_per_instruction(void)
{
	unsigned long n = ITERS;
	double t0 = bench_now();

	__asm__ volatile("1:\n\tdec %0\n\tjnz 1b" : "+r"(n) : : "cc");
	return (bench_now() - t0) / (2.0 * ITERS);
}

int main(int argc, char **argv)
{
	double start = bench_now(), v = 0;
	int runs = 0, good = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: calib MAX_SECONDS\n");
		return 2;
	}
	bench_pin_cpu0();
	while (good < 3) {
		v = ns_per_instruction();
		runs++;
		good = (v > 0.997 && v < 1.003) ? good + 1 : 0;
		if (bench_now() - start > atof(argv[1]) * 1e9) {
			printf("calib: not within 0.3%% after %d runs, %.1f s: %.4f ns per instruction\n",
			       runs, (bench_now() - start) / 1e9, v);
			return 1;
		}
	}
	printf("calib: %d runs, %.2f s waited, %.4f ns per instruction\n", runs,
	       (bench_now() - start) / 1e9, v);
	return 0;
}
