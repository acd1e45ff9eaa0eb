// SPDX-License-Identifier: GPL-2.0
/*
 * callbench: time system calls that read nothing, the cost the module's
 * syscall tracepoint puts on every task.
 *
 *   callbench getppid N   N getppid(2) (the syscall itself, no libc cache);
 *                         prints ns per call
 *   callbench write N [MARKFILE]
 *                         read MARKFILE to its end first (a protected file
 *                         marks the login session for egress), then N
 *                         write(2) of 4 KiB to /dev/null; prints ns per write
 *
 * Pinned to CPU 0 and timed in batches (bench.h).
 */
#include "bench.h"

#include <sys/syscall.h>
#include <unistd.h>

static int getppids(long n)
{
	double ns;

	BENCH_LOOP(ns, n, syscall(SYS_getppid));
	printf("%.1f\n", ns);
	return 0;
}

static int writes(long n, const char *mark)
{
	static char buf[4096];
	double ns;
	int fd;

	if (mark) {
		fd = bench_open(mark, O_RDONLY);
		while (read(fd, buf, sizeof(buf)) > 0)
			;
		close(fd);
	}
	fd = bench_open("/dev/null", O_WRONLY);
	BENCH_LOOP(ns, n, {
		if (write(fd, buf, sizeof(buf)) != sizeof(buf)) {
			perror("write");
			return 1;
		}
	});
	printf("%.1f\n", ns);
	return 0;
}

int main(int argc, char **argv)
{
	bench_pin_cpu0();
	if (argc == 3 && !strcmp(argv[1], "getppid"))
		return getppids(atol(argv[2]));
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "write"))
		return writes(atol(argv[2]), argc == 4 ? argv[3] : NULL);
	fprintf(stderr, "usage: callbench getppid N | callbench write N [MARKFILE]\n");
	return 2;
}
