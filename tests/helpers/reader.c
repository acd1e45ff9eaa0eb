// SPDX-License-Identifier: GPL-2.0
/*
 * reader: read a whole file through one particular kernel read path, and
 * print "bytes=N pid=P" (what was read, by whom) for the test to compare
 * with daudit's records.
 *
 *   reader read FILE [BUFSIZE]     read(2)
 *   reader pread FILE              pread64(2) at explicit offsets
 *   reader readv FILE              readv(2), two iovecs
 *   reader preadv FILE             preadv(2)
 *   reader preadv2 FILE            preadv2(2) at explicit offsets
 *   reader sendfile-sock FILE      sendfile(2) to a socket
 *   reader sendfile-file FILE OUT  sendfile(2) to a regular file
 *   reader splice FILE             splice(2) from the file into a pipe
 *   reader copy FILE OUT           copy_file_range(2)
 *   reader copy-once FILE OUT      copy_file_range(2) of the whole file
 *                                  in one call
 *   reader sendfile-at FILE OUT OFF  sendfile-file, splice and copy from
 *   reader splice-at FILE OFF        offset OFF to the end, the offset
 *   reader copy-at FILE OUT OFF      passed by pointer, not the file's
 *                                  position
 *   reader splice-into FILE N      splice(2) N bytes from a pipe into FILE
 *                                  (a write of FILE, no read of it)
 *   reader mmap FILE               mmap(2) the file and touch every byte
 *   reader fdpass FILE             open, pass the fd over SCM_RIGHTS to a
 *                                  child, which reads it; prints the child
 *   reader hold FILE N SECONDS     read N bytes, keep the file open SECONDS
 *   reader partial FILE N          read(2) only the first N bytes
 *   reader list LISTFILE [ROUNDS]  open, read whole, close each file named
 *                                  in LISTFILE (one per line), ROUNDS times
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHUNK 4096

static void die(const char *what)
{
	fprintf(stderr, "reader: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int open_in(const char *path)
{
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		die(path);
	return fd;
}

static off_t size_of(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		die("fstat");
	return st.st_size;
}

static long long do_read(int fd, size_t bufsize)
{
	char *buf = malloc(bufsize);
	long long total = 0;
	ssize_t n;

	if (!buf)
		die("malloc");
	while ((n = read(fd, buf, bufsize)) > 0)
		total += n;
	if (n < 0)
		die("read");
	free(buf);
	return total;
}

static long long do_partial(int fd, long long want)
{
	char buf[CHUNK];
	long long total = 0;
	ssize_t n;

	while (total < want) {
		size_t len = want - total < CHUNK ? want - total : CHUNK;

		n = read(fd, buf, len);
		if (n < 0)
			die("read");
		if (n == 0)
			break;
		total += n;
	}
	return total;
}

static long long do_pread(int fd, int v2)
{
	char buf[CHUNK];
	long long total = 0;
	ssize_t n;

	for (;;) {
		if (v2) {
			struct iovec iov = { buf, sizeof(buf) };

			n = preadv2(fd, &iov, 1, total, 0);
		} else {
			n = pread(fd, buf, sizeof(buf), total);
		}
		if (n < 0)
			die("pread");
		if (n == 0)
			return total;
		total += n;
	}
}

static long long do_readv(int fd, int positional)
{
	char a[1000], b[3096];
	struct iovec iov[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
	long long total = 0;
	ssize_t n;

	for (;;) {
		n = positional ? preadv(fd, iov, 2, total) : readv(fd, iov, 2);
		if (n < 0)
			die("readv");
		if (n == 0)
			return total;
		total += n;
	}
}

/* Drain @fd in a child so the writer never blocks; the child drops
 * @other, the writing end, so it sees end of file when the writer closes. */
static pid_t drain(int fd, int other)
{
	pid_t pid = fork();
	char buf[CHUNK];

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(other);
		while (read(fd, buf, sizeof(buf)) > 0)
			;
		_exit(0);
	}
	return pid;
}

static long long do_sendfile_sock(int fd)
{
	int sv[2];
	long long total = 0;
	ssize_t n;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		die("socketpair");
	pid = drain(sv[1], sv[0]);
	close(sv[1]);
	while ((n = sendfile(sv[0], fd, NULL, 65536)) > 0)
		total += n;
	if (n < 0)
		die("sendfile");
	close(sv[0]);
	waitpid(pid, NULL, 0);
	return total;
}

static int open_out(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd < 0)
		die(path);
	return fd;
}

/* The copies below: from @off (passed by pointer) if not NULL, else from
 * the file's position. */
static long long do_sendfile_file(int fd, const char *out, off_t *off)
{
	int ofd = open_out(out);
	long long total = 0;
	ssize_t n;

	while ((n = sendfile(ofd, fd, off, 65536)) > 0)
		total += n;
	if (n < 0)
		die("sendfile");
	close(ofd);
	return total;
}

static long long do_splice(int fd, loff_t *off)
{
	int p[2];
	long long total = 0;
	ssize_t n;
	pid_t pid;

	if (pipe(p) < 0)
		die("pipe");
	pid = drain(p[0], p[1]);
	close(p[0]);
	while ((n = splice(fd, off, p[1], NULL, 65536, 0)) > 0)
		total += n;
	if (n < 0)
		die("splice");
	close(p[1]);
	waitpid(pid, NULL, 0);
	return total;
}

static long long do_copy(int fd, const char *out, size_t len, loff_t *off)
{
	int ofd = open_out(out);
	long long total = 0;
	ssize_t n;

	while ((n = copy_file_range(fd, off, ofd, NULL, len, 0)) > 0)
		total += n;
	if (n < 0)
		die("copy_file_range");
	close(ofd);
	return total;
}

/* @len bytes written into a pipe, spliced from it into @path. */
static long long do_splice_into(const char *path, size_t len)
{
	int fd = open(path, O_WRONLY), p[2];
	long long total = 0;
	char buf[CHUNK];
	ssize_t n;

	if (fd < 0)
		die(path);
	if (pipe(p) < 0)
		die("pipe");
	memset(buf, 'x', sizeof(buf));
	while ((size_t)total < len) {
		size_t want = len - total < CHUNK ? len - total : CHUNK;

		if (write(p[1], buf, want) != (ssize_t)want)
			die("write");
		n = splice(p[0], NULL, fd, NULL, want, 0);
		if (n != (ssize_t)want)
			die("splice");
		total += n;
	}
	close(fd);
	return total;
}

static long long do_mmap(int fd)
{
	off_t size = size_of(fd), i;
	volatile unsigned char sum = 0;
	unsigned char *p;

	p = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		die("mmap");
	for (i = 0; i < size; i++)
		sum += p[i];
	munmap(p, size);
	(void)sum;
	return size;
}

static void send_fd(int sock, int fd)
{
	char c = 'F';
	struct iovec iov = { &c, 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *c1 = CMSG_FIRSTHDR(&msg);

	c1->cmsg_level = SOL_SOCKET;
	c1->cmsg_type = SCM_RIGHTS;
	c1->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c1), &fd, sizeof(int));
	if (sendmsg(sock, &msg, 0) < 0)
		die("sendmsg");
}

static int recv_fd(int sock)
{
	char c;
	struct iovec iov = { &c, 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *c1;
	int fd;

	if (recvmsg(sock, &msg, 0) <= 0)
		die("recvmsg");
	c1 = CMSG_FIRSTHDR(&msg);
	if (!c1 || c1->cmsg_type != SCM_RIGHTS)
		die("no fd received");
	memcpy(&fd, CMSG_DATA(c1), sizeof(int));
	return fd;
}

/* The parent opens; the child, which never opened anything, reads. */
static int do_fdpass(const char *path)
{
	int sv[2], fd, st;
	long long n;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		die("socketpair");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(sv[0]);
		fd = recv_fd(sv[1]);
		n = do_read(fd, CHUNK);
		close(fd);
		printf("bytes=%lld pid=%d\n", n, getpid());
		fflush(stdout);
		_exit(0);
	}
	close(sv[1]);
	fd = open_in(path);
	send_fd(sv[0], fd);
	close(fd);
	close(sv[0]);
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}

static int do_list(const char *list, int rounds)
{
	char path[4096];
	long long total = 0;
	FILE *f;
	int r;

	for (r = 0; r < rounds; r++) {
		f = fopen(list, "r");
		if (!f)
			die(list);
		while (fgets(path, sizeof(path), f)) {
			int fd;

			path[strcspn(path, "\n")] = '\0';
			fd = open_in(path);
			total += do_read(fd, CHUNK);
			close(fd);
		}
		fclose(f);
	}
	printf("bytes=%lld pid=%d\n", total, getpid());
	return 0;
}

/*
 * READER_MAP_EXEC=FILE: first map FILE executable, as a program loading a
 * plugin would (the trusted-reader tests: code that is not the program's).
 */
static void map_exec(void)
{
	const char *path = getenv("READER_MAP_EXEC");
	int fd;

	if (!path)
		return;
	fd = open(path, O_RDONLY);
	if (fd < 0 || mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0) == MAP_FAILED)
		die(path);
	close(fd);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	long long n;
	int fd;

	map_exec();
	if (argc < 3) {
		fprintf(stderr, "usage: reader MODE FILE [ARGS] (see the source)\n");
		return 2;
	}
	if (!strcmp(mode, "fdpass"))
		return do_fdpass(argv[2]);
	if (!strcmp(mode, "list"))
		return do_list(argv[2], argc > 3 ? atoi(argv[3]) : 1);
	if (!strcmp(mode, "splice-into") && argc > 3) {
		n = do_splice_into(argv[2], strtoul(argv[3], NULL, 0));
		printf("bytes=%lld pid=%d\n", n, getpid());
		return 0;
	}
	fd = open_in(argv[2]);
	if (!strcmp(mode, "read"))
		n = do_read(fd, argc > 3 ? strtoul(argv[3], NULL, 0) : CHUNK);
	else if (!strcmp(mode, "pread"))
		n = do_pread(fd, 0);
	else if (!strcmp(mode, "preadv2"))
		n = do_pread(fd, 1);
	else if (!strcmp(mode, "readv"))
		n = do_readv(fd, 0);
	else if (!strcmp(mode, "preadv"))
		n = do_readv(fd, 1);
	else if (!strcmp(mode, "sendfile-sock"))
		n = do_sendfile_sock(fd);
	else if (!strcmp(mode, "sendfile-file") && argc > 3)
		n = do_sendfile_file(fd, argv[3], NULL);
	else if (!strcmp(mode, "sendfile-at") && argc > 4)
		n = do_sendfile_file(fd, argv[3], &(off_t){ strtoll(argv[4], NULL, 0) });
	else if (!strcmp(mode, "splice"))
		n = do_splice(fd, NULL);
	else if (!strcmp(mode, "splice-at") && argc > 3)
		n = do_splice(fd, &(loff_t){ strtoll(argv[3], NULL, 0) });
	else if (!strcmp(mode, "copy") && argc > 3)
		n = do_copy(fd, argv[3], 65536, NULL);
	else if (!strcmp(mode, "copy-at") && argc > 4)
		n = do_copy(fd, argv[3], 65536, &(loff_t){ strtoll(argv[4], NULL, 0) });
	else if (!strcmp(mode, "copy-once") && argc > 3)
		n = do_copy(fd, argv[3], size_of(fd), NULL);
	else if (!strcmp(mode, "mmap"))
		n = do_mmap(fd);
	else if (!strcmp(mode, "partial") && argc > 3)
		n = do_partial(fd, strtoll(argv[3], NULL, 0));
	else if (!strcmp(mode, "hold") && argc > 4) {
		char *buf = malloc(strtoul(argv[3], NULL, 0) + 1);

		n = read(fd, buf, strtoul(argv[3], NULL, 0));
		printf("bytes=%lld pid=%d\n", n, getpid());
		fflush(stdout);
		sleep(atoi(argv[4]));
		free(buf);
		return 0;
	} else {
		fprintf(stderr, "reader: unknown mode '%s'\n", mode);
		return 2;
	}
	close(fd);
	printf("bytes=%lld pid=%d\n", n, getpid());
	return 0;
}
