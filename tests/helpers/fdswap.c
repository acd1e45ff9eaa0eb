// SPDX-License-Identifier: GPL-2.0
/*
 * fdswap: read a protected file through a descriptor that a second thread
 * keeps swapping for /dev/null, so that at the read's return the number
 * often names /dev/null (the trick of issue 12: the sensor found the file
 * by number after the read).
 *
 *   fdswap FILE SECONDS READ SWAP
 *     READ: pread (pread64 of the whole file at 0), pread4k (pread64 of
 *           4 KiB, offsets cycling through the file: many more reads end
 *           while a swap is under way), read (read(2) of the whole file,
 *           after rewinding it), readv (readv(2), two iovecs)
 *     SWAP: dup2 (dup2 /dev/null over the number, then the file back)
 *           close (close the number, then dup2 the file back)
 *
 * Prints "bytes=B reads=R swaps=S same=yes|no": B bytes of the file
 * obtained by R reads that returned data (a read of /dev/null returns 0),
 * and whether every one matched the file where it was read, read once at
 * the start through the file's own descriptor (also a read the sensor
 * must count).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

static int src, nul, num;
static atomic_int stop;
static long swaps;
static int use_close;

static void die(const char *what)
{
	fprintf(stderr, "fdswap: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void *swapper(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop)) {
		if (use_close)
			close(num);
		else if (dup2(nul, num) < 0)
			die("dup2 /dev/null");
		if (dup2(src, num) < 0)
			die("dup2 file");
		swaps++;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	long long got = 0, reads = 0, off = 0;
	char *ref, *buf;
	const char *mode;
	pthread_t th;
	struct stat st;
	time_t end;
	int same = 1;
	ssize_t n;

	if (argc != 5) {
		fprintf(stderr, "usage: fdswap FILE SECONDS pread|pread4k|read|readv dup2|close\n");
		return 2;
	}
	mode = argv[3];
	use_close = !strcmp(argv[4], "close");
	src = open(argv[1], O_RDONLY);
	nul = open("/dev/null", O_RDONLY);
	if (src < 0 || nul < 0 || fstat(src, &st))
		die("open");
	ref = malloc(st.st_size + 1);
	buf = malloc(st.st_size + 1);
	if (!ref || !buf)
		die("malloc");
	if (pread(src, ref, st.st_size, 0) != st.st_size)
		die("reference read");
	num = dup(src);
	if (num < 0)
		die("dup");
	end = time(NULL) + atoi(argv[2]);
	if (pthread_create(&th, NULL, swapper, NULL))
		die("pthread_create");
	while (time(NULL) < end) {
		if (!strcmp(mode, "pread")) {
			off = 0;
			n = pread(num, buf, st.st_size, 0);
		} else if (!strcmp(mode, "pread4k")) {
			off = (reads * 4096) % st.st_size;
			n = pread(num, buf, 4096, off);
		} else if (!strcmp(mode, "read")) {
			off = 0;
			lseek(src, 0, SEEK_SET);	/* shared with num's */
			n = read(num, buf, st.st_size);
		} else {
			struct iovec iov[2] = {
				{ buf, st.st_size / 2 },
				{ buf + st.st_size / 2, st.st_size - st.st_size / 2 },
			};

			off = 0;
			lseek(src, 0, SEEK_SET);
			n = readv(num, iov, 2);
		}
		if (n <= 0)
			continue;
		got += n;
		reads++;
		if (memcmp(buf, ref + off, n))
			same = 0;
	}
	atomic_store(&stop, 1);
	pthread_join(th, NULL);
	printf("bytes=%lld reads=%lld swaps=%ld same=%s\n", got, reads, swaps,
	       same ? "yes" : "no");
	return 0;
}
