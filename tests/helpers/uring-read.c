// SPDX-License-Identifier: GPL-2.0
/*
 * uring-read: read a whole file through io_uring and print "bytes=N pid=P".
 *
 *   uring-read read FILE        IORING_OP_READ
 *   uring-read readv FILE       IORING_OP_READV
 *   uring-read fixed FILE       IORING_OP_READ_FIXED (registered buffer)
 *   uring-read fixedfile FILE   IORING_OP_READ on a registered file
 *   uring-read splice FILE      IORING_OP_SPLICE from the file into a
 *                               pipe, then read(2) of the pipe
 *   uring-read splice-fixed FILE  the same from a registered file
 *                               (SPLICE_F_FD_IN_FIXED)
 *   uring-read splice-skip FILE   the same with IOSQE_CQE_SKIP_SUCCESS,
 *                               as skip below
 *   uring-read skip FILE        IORING_OP_READ with IOSQE_CQE_SKIP_SUCCESS:
 *                               each read, of exactly the bytes left, posts
 *                               no completion; a NOP linked after it does
 *   uring-read overflow FILE    every chunk's READ submitted, 4 at a time,
 *                               before any completion is reaped: the
 *                               8-entry completion queue overflows; then
 *                               prints "overflowed=1" if the kernel said so
 *
 * With URING_ASYNC in the environment, every READ, READV, READ_FIXED and
 * SPLICE is submitted with IOSQE_ASYNC (run by an io-wq worker), and the
 * io-wq workers the process has at the end are counted: "iou_workers=N".
 *
 * With URING_SQPOLL, the ring is polled by a kernel SQ thread
 * (IORING_SETUP_SQPOLL, "iou-sqp-PID"), which submits the requests.
 *
 * With a third argument OUT, what was read is also written to OUT (the
 * test compares it with FILE).  With URING_O_DIRECT in the environment,
 * FILE is opened O_DIRECT (its size a multiple of 8 KiB); with
 * URING_IOPOLL too, the rings are polled (IORING_SETUP_IOPOLL): reads
 * complete only when the ring is polled for completions.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <dirent.h>
#include <unistd.h>

#define CHUNK 8192

/* IOSQE_ASYNC on the reads (URING_ASYNC set), or 0. */
static unsigned int async_flag;

static void die(const char *what, int err)
{
	fprintf(stderr, "uring-read: %s: %s\n", what, strerror(err));
	exit(1);
}

/*
 * Read @fd into @buf, chunk by chunk, with no completion for any read
 * that succeeds: only the NOP linked after each read completes.  A read
 * that fails or comes short posts its CQE (user_data 1), which is fatal.
 * With @pfd, each chunk is a SPLICE into the pipe @pfd, then read from it.
 */
static long long read_skipping(struct io_uring *ring, int fd, char *buf,
			       int ofd, const int *pfd)
{
	struct io_uring_cqe *cqe;
	long long total = 0;
	struct stat st;
	int ret;

	if (fstat(fd, &st) < 0)
		die("fstat", errno);
	while (total < st.st_size) {
		unsigned int len = st.st_size - total < CHUNK ?
				   st.st_size - total : CHUNK;
		struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

		if (pfd)
			io_uring_prep_splice(sqe, fd, total, pfd[1], -1, len, 0);
		else
			io_uring_prep_read(sqe, fd, buf, len, total);
		sqe->flags |= IOSQE_CQE_SKIP_SUCCESS | IOSQE_IO_LINK | async_flag;
		sqe->user_data = 1;
		sqe = io_uring_get_sqe(ring);
		io_uring_prep_nop(sqe);
		sqe->user_data = 2;
		ret = io_uring_submit(ring);
		if (ret < 0)
			die("submit", -ret);
		ret = io_uring_wait_cqe(ring, &cqe);
		if (ret < 0)
			die("wait_cqe", -ret);
		if (cqe->user_data != 2 || cqe->res < 0)
			die("read with CQE_SKIP_SUCCESS posted a completion",
			    cqe->res < 0 ? -cqe->res : EIO);
		io_uring_cqe_seen(ring, cqe);
		if (pfd && read(pfd[0], buf, len) != (ssize_t)len)
			die("read pipe", errno);
		if (ofd >= 0 && write(ofd, buf, len) != (ssize_t)len)
			die("write", errno);
		total += len;
	}
	return total;
}

/*
 * Read @fd with one READ per chunk, all submitted before any completion
 * is reaped, so that the completion queue overflows; each chunk goes to
 * its own offset of @ofd.
 */
static long long read_overflowing(struct io_uring *ring, int fd, int ofd)
{
	struct io_uring_cqe *cqe;
	long long total = 0;
	unsigned int i, n, done = 0;
	int overflowed = 0, ret;
	struct stat st;
	char *bufs;

	if (fstat(fd, &st) < 0)
		die("fstat", errno);
	n = (st.st_size + CHUNK - 1) / CHUNK;
	/* Aligned for O_DIRECT. */
	bufs = aligned_alloc(4096, (size_t)n * CHUNK);
	if (!bufs)
		die("aligned_alloc", ENOMEM);
	for (i = 0; i < n; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

		if (!sqe) {
			ret = io_uring_submit(ring);
			if (ret < 0)
				die("submit", -ret);
			sqe = io_uring_get_sqe(ring);
		}
		io_uring_prep_read(sqe, fd, bufs + (size_t)i * CHUNK, CHUNK,
				   (unsigned long long)i * CHUNK);
		sqe->user_data = i;
		if (io_uring_cq_has_overflow(ring))
			overflowed = 1;
	}
	ret = io_uring_submit(ring);
	if (ret < 0)
		die("submit", -ret);
	/*
	 * Reads a kernel hands to io-wq workers (6.12: tmpfs) complete while
	 * we would be reaping: give them time to fill the queue first.
	 */
	usleep(300000);
	if (io_uring_cq_has_overflow(ring))
		overflowed = 1;
	while (done < n) {
		ret = io_uring_wait_cqe(ring, &cqe);
		if (ret < 0)
			die("wait_cqe", -ret);
		/* A polled ring posts them only when it is polled: now. */
		if (io_uring_cq_has_overflow(ring))
			overflowed = 1;
		if (cqe->res < 0)
			die("read", -cqe->res);
		i = cqe->user_data;
		if (ofd >= 0 && pwrite(ofd, bufs + (size_t)i * CHUNK, cqe->res,
				       (off_t)i * CHUNK) != cqe->res)
			die("pwrite", errno);
		total += cqe->res;
		io_uring_cqe_seen(ring, cqe);
		done++;
	}
	free(bufs);
	printf("overflowed=%d\n", overflowed);
	return total;
}

/* Threads of this process that are io-wq workers ("iou-wrk-PID"). */
static int io_workers(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	char path[300], comm[32];
	int n = 0;

	if (!d)
		die("/proc/self/task", errno);
	while ((e = readdir(d))) {
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f) && !strncmp(comm, "iou-wrk-", 8))
			n++;
		fclose(f);
	}
	closedir(d);
	return n;
}

int main(int argc, char **argv)
{
	/* Anonymous memory: registered buffers may not be file-backed. */
	char *buf = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct iovec iov = { buf, CHUNK };
	struct io_uring ring;
	const char *mode;
	long long total = 0;
	int fd, ret, target, ofd = -1, pfd[2];
	unsigned int setup = (getenv("URING_IOPOLL") ? IORING_SETUP_IOPOLL : 0) |
			     (getenv("URING_SQPOLL") ? IORING_SETUP_SQPOLL : 0);

	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: uring-read read|readv|fixed|fixedfile|splice|splice-fixed|splice-skip|skip|overflow FILE [OUT]\n");
		return 2;
	}
	if (argc == 4) {
		ofd = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (ofd < 0)
			die(argv[3], errno);
	}
	if (pipe(pfd) < 0)
		die("pipe", errno);
	if (buf == MAP_FAILED)
		die("mmap", errno);
	mode = argv[1];
	if (getenv("URING_ASYNC"))
		async_flag = IOSQE_ASYNC;
	/* URING_O_DIRECT set: O_DIRECT, so reads complete asynchronously. */
	fd = open(argv[2], O_RDONLY | (getenv("URING_O_DIRECT") ? O_DIRECT : 0));
	if (fd < 0)
		die(argv[2], errno);
	ret = io_uring_queue_init(8, &ring, setup);
	if (ret < 0)
		die("io_uring_queue_init", -ret);
	if (!strcmp(mode, "fixed")) {
		ret = io_uring_register_buffers(&ring, &iov, 1);
		if (ret < 0)
			die("register_buffers", -ret);
	}
	if (!strcmp(mode, "skip") || !strcmp(mode, "splice-skip")) {
		total = read_skipping(&ring, fd, buf, ofd,
				      !strcmp(mode, "skip") ? NULL : pfd);
		goto out;
	}
	if (!strcmp(mode, "overflow")) {
		struct io_uring small;

		/* 4 submission entries, 8 completion entries. */
		ret = io_uring_queue_init(4, &small, setup);
		if (ret < 0)
			die("io_uring_queue_init", -ret);
		total = read_overflowing(&small, fd, ofd);
		io_uring_queue_exit(&small);
		goto out;
	}
	target = fd;
	if (!strcmp(mode, "fixedfile") || !strcmp(mode, "splice-fixed")) {
		ret = io_uring_register_files(&ring, &fd, 1);
		if (ret < 0)
			die("register_files", -ret);
		target = 0;
	}
	for (;;) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
		struct io_uring_cqe *cqe;

		if (!strcmp(mode, "readv"))
			io_uring_prep_readv(sqe, target, &iov, 1, total);
		else if (!strcmp(mode, "splice"))
			io_uring_prep_splice(sqe, target, total, pfd[1], -1,
					     CHUNK, 0);
		else if (!strcmp(mode, "splice-fixed"))
			io_uring_prep_splice(sqe, target, total, pfd[1], -1,
					     CHUNK, SPLICE_F_FD_IN_FIXED);
		else if (!strcmp(mode, "fixed"))
			io_uring_prep_read_fixed(sqe, target, buf, CHUNK,
						 total, 0);
		else
			io_uring_prep_read(sqe, target, buf, CHUNK, total);
		if (!strcmp(mode, "fixedfile"))
			sqe->flags |= IOSQE_FIXED_FILE;
		sqe->flags |= async_flag;
		ret = io_uring_submit(&ring);
		if (ret < 0)
			die("submit", -ret);
		ret = io_uring_wait_cqe(&ring, &cqe);
		if (ret < 0)
			die("wait_cqe", -ret);
		ret = cqe->res;
		io_uring_cqe_seen(&ring, cqe);
		if (ret < 0)
			die("read", -ret);
		if (ret == 0)
			break;
		/* Spliced bytes wait in the pipe: take them out. */
		if (!strncmp(mode, "splice", 6) && read(pfd[0], buf, ret) != ret)
			die("read pipe", errno);
		if (ofd >= 0 && write(ofd, buf, ret) != ret)
			die("write", errno);
		total += ret;
	}
out:
	if (async_flag)
		printf("iou_workers=%d\n", io_workers());
	io_uring_queue_exit(&ring);
	printf("bytes=%lld pid=%d\n", total, getpid());
	return 0;
}
