// SPDX-License-Identifier: GPL-2.0
/*
 * spawnbench: the cost of making and ending processes.
 *
 *   spawnbench exec N [MARKFILE]
 *                         read MARKFILE to its end first (a protected file
 *                         marks the login session), then N times: fork, the
 *                         child execs this program ("spawnbench child",
 *                         which exits at once), wait; prints ns per fork +
 *                         exec + exit + wait
 *   spawnbench exit FILE N
 *                         N times: fork, the child opens FILE, reads 4 KiB
 *                         and exits holding it open (a protected FILE: its
 *                         session ends at the exit), wait; prints ns per
 *                         child
 *
 * Pinned to CPU 0 (the children inherit it) and timed in batches (bench.h).
 */
#include "bench.h"

#include <sys/wait.h>
#include <unistd.h>

static void reap(pid_t pid)
{
	int st;

	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "spawnbench: child failed\n");
		exit(1);
	}
}

static int execs(long n, const char *mark)
{
	static char buf[4096];
	char *const argv[] = { "spawnbench", "child", NULL };
	char self[4096];
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	double ns;

	if (len <= 0)
		return 1;
	self[len] = 0;
	if (mark) {
		int fd = bench_open(mark, O_RDONLY);

		while (read(fd, buf, sizeof(buf)) > 0)
			;
		close(fd);
	}
	BENCH_LOOP(ns, n, {
		pid_t pid = fork();

		if (pid == 0) {
			execv(self, argv);
			_exit(127);
		}
		reap(pid);
	});
	printf("%.1f\n", ns);
	return 0;
}

static int exits(const char *path, long n)
{
	double ns;

	BENCH_LOOP(ns, n, {
		pid_t pid = fork();

		if (pid == 0) {
			char buf[4096];
			int fd = bench_open(path, O_RDONLY);

			_exit(read(fd, buf, sizeof(buf)) < 0);
		}
		reap(pid);
	});
	printf("%.1f\n", ns);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "child"))
		return 0;
	bench_pin_cpu0();
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "exec"))
		return execs(atol(argv[2]), argc == 4 ? argv[3] : NULL);
	if (argc == 4 && !strcmp(argv[1], "exit"))
		return exits(argv[2], atol(argv[3]));
	fprintf(stderr, "usage: spawnbench exec N [MARKFILE] | spawnbench exit FILE N\n");
	return 2;
}
