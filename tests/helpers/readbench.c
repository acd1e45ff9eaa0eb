// SPDX-License-Identifier: GPL-2.0
/*
 * readbench: time read(2) of 4 KiB from the page cache.
 *
 *   readbench FILE N [SIZE]
 *                         N reads of SIZE bytes (default 4 KiB), sequential
 *                         through FILE (lseek back to 0 at its end); prints
 *                         ns per read
 *   readbench pread FILE N [SIZE]
 *                         the same with pread(2) at an explicit offset
 *   readbench open FILE N open, read 4 KiB, close, N times; prints the
 *                         mean ns per open+read+close (each one a session,
 *                         so a record when the file is protected)
 *   readbench recv HOST:PORT N
 *                         connect and recv(2) 4 KiB N times from a server
 *                         that streams; prints ns per recv
 *   readbench send HOST:PORT N [MARKFILE]
 *                         read MARKFILE first (a protected file marks the
 *                         session for egress), connect and send(2) 4 KiB
 *                         N times; prints ns per send
 *   readbench flood FILE SECONDS
 *                         open, read 4 KiB, close, as fast as possible for
 *                         SECONDS; prints the number of opens (each one a
 *                         session, so one record)
 *   readbench count FILE N  open, read 4 KiB, close, N times as fast as
 *                         possible; prints N
 *   readbench paced FILE RATE SECONDS
 *                         the same at RATE opens per second (on a 10 ms
 *                         schedule) for SECONDS; prints the opens done,
 *                         fewer than RATE * SECONDS if it fell behind
 *
 * The N calls are timed in batches and the figure printed is the median
 * of the batches' means (bench.h).  The timed modes pin themselves to CPU
 * 0, so every run of every configuration is timed on the same vCPU.
 */
#include "bench.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

static int open_or_die(const char *path)
{
	return bench_open(path, O_RDONLY);
}

static int flood(const char *path, int seconds)
{
	char buf[4096];
	double end = bench_now() + seconds * 1e9;
	long n = 0;

	while (bench_now() < end) {
		int fd = open_or_die(path);

		if (read(fd, buf, sizeof(buf)) < 0)
			return 1;
		close(fd);
		n++;
	}
	printf("%ld\n", n);
	return 0;
}

static int count(const char *path, long n)
{
	char buf[4096];
	long i;

	for (i = 0; i < n; i++) {
		int fd = open_or_die(path);

		if (read(fd, buf, sizeof(buf)) < 0)
			return 1;
		close(fd);
	}
	printf("%ld\n", n);
	return 0;
}

static int paced(const char *path, long rate, int seconds)
{
	char buf[4096];
	struct timespec tick;
	long n = 0, k, ticks = seconds * 100L;

	clock_gettime(CLOCK_MONOTONIC, &tick);
	for (k = 1; k <= ticks; k++) {
		double end = bench_now() + 1e7;

		/* Catch up to the schedule, but never past this tick. */
		while (n < rate * k / 100 && bench_now() < end) {
			int fd = open_or_die(path);

			if (read(fd, buf, sizeof(buf)) < 0)
				return 1;
			close(fd);
			n++;
		}
		tick.tv_nsec += 10000000;
		if (tick.tv_nsec >= 1000000000) {
			tick.tv_nsec -= 1000000000;
			tick.tv_sec++;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &tick, NULL);
	}
	printf("%ld\n", n);
	return 0;
}

static int connect_to(const char *spec)
{
	struct sockaddr_in in = { .sin_family = AF_INET };
	const char *colon = strrchr(spec, ':');
	char host[64];
	int fd;

	if (!colon)
		exit(2);
	snprintf(host, sizeof(host), "%.*s", (int)(colon - spec), spec);
	in.sin_port = htons(atoi(colon + 1));
	inet_pton(AF_INET, host, &in.sin_addr);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (void *)&in, sizeof(in)) < 0) {
		fprintf(stderr, "readbench: connect %s: %s\n", spec, strerror(errno));
		exit(1);
	}
	return fd;
}

static int net(const char *mode, const char *spec, long n, const char *mark)
{
	static char buf[4096];
	double t0, per[BENCH_BATCHES];
	long i, per_batch = n / BENCH_BATCHES > 0 ? n / BENCH_BATCHES : 1;
	int fd, b;

	bench_pin_cpu0();
	if (mark) {
		fd = open_or_die(mark);
		while (read(fd, buf, sizeof(buf)) > 0)
			;
		close(fd);
	}
	fd = connect_to(spec);
	/* Warm up, then time. */
	for (i = 0; i < 100; i++)
		if ((!strcmp(mode, "recv") ? recv(fd, buf, sizeof(buf), MSG_WAITALL) :
		     send(fd, buf, sizeof(buf), 0)) <= 0)
			return 1;
	for (b = 0; b < BENCH_BATCHES; b++) {
		t0 = bench_now();
		for (i = 0; i < per_batch; i++)
			if ((!strcmp(mode, "recv") ?
			     recv(fd, buf, sizeof(buf), MSG_WAITALL) :
			     send(fd, buf, sizeof(buf), 0)) <= 0) {
				perror(mode);
				return 1;
			}
		per[b] = (bench_now() - t0) / per_batch;
	}
	printf("%.1f\n", bench_median(per, BENCH_BATCHES));
	close(fd);
	return 0;
}

/* pread(2) of SIZE bytes, the offset walking through FILE. */
static int preads(const char *path, long n, long size)
{
	static char buf[65536];
	off_t off = 0, end;
	double ns;
	int fd;

	bench_pin_cpu0();
	fd = open_or_die(path);
	end = lseek(fd, 0, SEEK_END);
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	BENCH_LOOP(ns, n, {
		if (pread(fd, buf, size, off) != size) {
			perror("pread");
			return 1;
		}
		off += size;
		if (off + size > end)
			off = 0;
	});
	printf("%.1f\n", ns);
	return 0;
}

/*
 * open, read 4 KiB, close: a session per iteration.  The mean over all N,
 * not a batch median: a consumer's work comes in bursts (it is woken as
 * a ring fills), and the median batch would leave them out.
 */
static int opens(const char *path, long n)
{
	char buf[4096];
	double t0;
	long i;

	bench_pin_cpu0();
	t0 = bench_now();
	for (i = 0; i < n; i++) {
		int fd = open_or_die(path);

		if (read(fd, buf, sizeof(buf)) < 0) {
			perror("read");
			return 1;
		}
		close(fd);
	}
	printf("%.1f\n", (bench_now() - t0) / n);
	return 0;
}

int main(int argc, char **argv)
{
	static char buf[65536];
	long i, n, per_batch, size = 4096;
	double t0, per[BENCH_BATCHES];
	int fd, b;

	if (argc == 4 && !strcmp(argv[1], "flood"))
		return flood(argv[2], atoi(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "count"))
		return count(argv[2], atol(argv[3]));
	if (argc == 5 && !strcmp(argv[1], "paced"))
		return paced(argv[2], atol(argv[3]), atoi(argv[4]));
	if (argc >= 4 && (!strcmp(argv[1], "recv") || !strcmp(argv[1], "send")))
		return net(argv[1], argv[2], atol(argv[3]), argc > 4 ? argv[4] : NULL);
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "pread"))
		return preads(argv[2], atol(argv[3]), argc == 5 ? atol(argv[4]) : 4096);
	if (argc == 4 && !strcmp(argv[1], "open"))
		return opens(argv[2], atol(argv[3]));
	if (argc == 4)
		size = atol(argv[3]);
	if ((argc != 3 && argc != 4) || size <= 0 || size > (long)sizeof(buf)) {
		fprintf(stderr, "usage: readbench FILE N [SIZE] | readbench pread FILE N [SIZE] | "
			"readbench open FILE N | readbench flood FILE SECONDS | "
			"readbench count FILE N | readbench paced FILE RATE SECONDS\n");
		return 2;
	}
	n = atol(argv[2]);
	per_batch = n / BENCH_BATCHES > 0 ? n / BENCH_BATCHES : 1;
	bench_pin_cpu0();
	fd = open_or_die(argv[1]);
	/* Warm the page cache and the code paths. */
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	lseek(fd, 0, SEEK_SET);
	for (b = 0; b < BENCH_BATCHES; b++) {
		t0 = bench_now();
		for (i = 0; i < per_batch; i++) {
			ssize_t r = read(fd, buf, size);

			if (r == 0) {
				lseek(fd, 0, SEEK_SET);
				i--;
			} else if (r < 0) {
				perror("read");
				return 1;
			}
		}
		per[b] = (bench_now() - t0) / per_batch;
	}
	printf("%.1f\n", bench_median(per, BENCH_BATCHES));
	return 0;
}
