// SPDX-License-Identifier: GPL-2.0
/*
 * holdfiles: keep many read sessions live in one process.
 *
 *   holdfiles DIR N       open DIR/f1 .. DIR/fN, read one byte of each and
 *                         keep them all open (each one a live session when
 *                         DIR is protected); prints "ready" and waits for a
 *                         signal
 *
 * Raises its descriptor limit to the hard limit first.
 */
#include "bench.h"

#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct rlimit rl;
	char path[4096], c;
	long i, n;

	if (argc != 3) {
		fprintf(stderr, "usage: holdfiles DIR N\n");
		return 2;
	}
	n = atol(argv[2]);
	if (!getrlimit(RLIMIT_NOFILE, &rl)) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	for (i = 1; i <= n; i++) {
		int fd;

		snprintf(path, sizeof(path), "%s/f%ld", argv[1], i);
		fd = bench_open(path, O_RDONLY);
		if (read(fd, &c, 1) != 1) {
			perror(path);
			return 1;
		}
	}
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}
