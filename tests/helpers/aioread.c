// SPDX-License-Identifier: GPL-2.0
/*
 * aioread: read through legacy AIO (io_setup/io_submit/io_getevents, the
 * raw syscalls: no libaio), which never passes through the read
 * syscalls; copy what was read to OUT (so the test can prove the data was
 * obtained) and print "bytes=N pid=P".
 *
 *   aioread pread FILE OUT       IOCB_CMD_PREAD, 64 KiB at a time
 *   aioread preadv FILE OUT      IOCB_CMD_PREADV, two iovecs at a time
 *   aioread direct FILE OUT [OFF LEN]
 *                                IOCB_CMD_PREAD, 64 KiB at a time, with
 *                                O_DIRECT: completed from the block
 *                                layer's interrupt, not the submitter;
 *                                LEN bytes from OFF (both multiples of
 *                                4096) rather than the whole file
 *   aioread tcp ADDR:PORT OUT    IOCB_CMD_PREAD on a connected TCP socket
 *                                until the server closes
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#define CHUNK 65536

static void die(const char *what)
{
	fprintf(stderr, "aioread: %s: %s\n", what, strerror(errno));
	exit(1);
}

static aio_context_t ctx;

/* One request of @len bytes at @off into @buf (or @iov); its result. */
static long aio_one(int fd, int op, void *buf, size_t len, long long off)
{
	struct iocb cb, *cbs[1] = { &cb };
	struct io_event ev;

	memset(&cb, 0, sizeof(cb));
	cb.aio_fildes = fd;
	cb.aio_lio_opcode = op;
	cb.aio_buf = (uintptr_t)buf;
	cb.aio_nbytes = len;
	cb.aio_offset = off;
	if (syscall(SYS_io_submit, ctx, 1, cbs) != 1)
		die("io_submit");
	if (syscall(SYS_io_getevents, ctx, 1, 1, &ev, NULL) != 1)
		die("io_getevents");
	if (ev.res < 0) {
		errno = -ev.res;
		die("aio result");
	}
	return ev.res;
}

static int connect_tcp(const char *spec)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	char host[64];
	const char *colon = strrchr(spec, ':');
	int fd;

	if (!colon || colon - spec >= (long)sizeof(host))
		die("ADDR:PORT");
	memcpy(host, spec, colon - spec);
	host[colon - spec] = '\0';
	sa.sin_port = htons(atoi(colon + 1));
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1)
		die("address");
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (void *)&sa, sizeof(sa)) < 0)
		die("connect");
	return fd;
}

int main(int argc, char **argv)
{
	static char buf[CHUNK] __attribute__((aligned(4096)));
	long long total = 0, off = 0, len = -1;
	int fd, ofd, vec, sock, direct;
	long n;

	direct = argc > 1 && !strcmp(argv[1], "direct");
	if ((argc != 4 && !(direct && argc == 6)) ||
	    (strcmp(argv[1], "pread") && strcmp(argv[1], "preadv") &&
	     !direct && strcmp(argv[1], "tcp"))) {
		fprintf(stderr, "usage: aioread pread|preadv FILE OUT | direct FILE OUT [OFF LEN] | tcp ADDR:PORT OUT\n");
		return 2;
	}
	if (argc == 6) {
		off = atoll(argv[4]);
		len = atoll(argv[5]);
		if (off < 0 || len <= 0 || off % 4096 || len % 4096) {
			fprintf(stderr, "aioread: OFF and LEN: multiples of 4096\n");
			return 2;
		}
	}
	vec = !strcmp(argv[1], "preadv");
	sock = !strcmp(argv[1], "tcp");
	fd = sock ? connect_tcp(argv[2]) :
		    open(argv[2], O_RDONLY | (direct ? O_DIRECT : 0));
	if (fd < 0)
		die(argv[2]);
	ofd = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (ofd < 0)
		die(argv[3]);
	if (syscall(SYS_io_setup, 4, &ctx) < 0)
		die("io_setup");
	do {
		if (vec) {
			struct iovec iov[2] = { { buf, 1000 },
						{ buf + 1000, CHUNK - 1000 } };

			n = aio_one(fd, IOCB_CMD_PREADV, iov, 2, total);
		} else {
			/* A socket has no offset (ESPIPE for any other). */
			size_t want = CHUNK;

			if (len >= 0 && len - total < CHUNK)
				want = len - total;
			n = aio_one(fd, IOCB_CMD_PREAD, buf, want,
				    sock ? 0 : off + total);
		}
		if (n > 0 && write(ofd, buf, n) != n)
			die("write");
		total += n;
	} while (n > 0 && total != len);
	close(ofd);
	printf("bytes=%lld pid=%d\n", total, getpid());
	return 0;
}
