// SPDX-License-Identifier: GPL-2.0
/*
 * faultbench: the cost of a page fault on a file mapping.
 *
 *   faultbench FILE PAGES ROUNDS
 *                         map the first PAGES pages of FILE read-only
 *                         (MAP_PRIVATE), touch one byte of each page,
 *                         unmap; ROUNDS times.  Prints ns per page:
 *                         mmap, the faults (fault-around maps up to 16
 *                         pages a fault) and munmap, divided by PAGES.
 *
 * The file is read once first so that its pages are in the page cache.
 * Pinned to CPU 0 and timed in batches (bench.h).
 */
#include "bench.h"

#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static char buf[65536];
	volatile unsigned long sum = 0;
	long pages, rounds, page = sysconf(_SC_PAGESIZE);
	double ns;
	int fd;

	if (argc != 4) {
		fprintf(stderr, "usage: faultbench FILE PAGES ROUNDS\n");
		return 2;
	}
	pages = atol(argv[2]);
	rounds = atol(argv[3]);
	bench_pin_cpu0();
	fd = bench_open(argv[1], O_RDONLY);
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	BENCH_LOOP(ns, rounds, {
		char *p = mmap(NULL, pages * page, PROT_READ, MAP_PRIVATE, fd, 0);

		if (p == MAP_FAILED) {
			perror("mmap");
			return 1;
		}
		for (long k = 0; k < pages; k++)
			sum += p[k * page];
		munmap(p, pages * page);
	});
	printf("%.1f\n", ns / pages);
	return 0;
}
