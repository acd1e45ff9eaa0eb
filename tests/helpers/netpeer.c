// SPDX-License-Identifier: GPL-2.0
/*
 * netpeer: both ends of the socket tests.
 *
 *   netpeer serve tcp|udp|unix ADDR FILE [DELAY_MS]
 *            serve FILE to every client (tcp, unix: each connection gets
 *            the whole file then EOF; udp: each datagram received is
 *            answered with the file in datagrams of 1000 bytes, then an
 *            empty one); prints "ready".  With DELAY_MS (stream sockets),
 *            each connection is served by its own child after that long,
 *            so clients wait in recv meanwhile
 *   netpeer sink tcp|unix ADDR              receive and discard; prints
 *            "received=N" per connection when it closes
 *   netpeer get tcp|udp|unix ADDR MODE      read everything from a server
 *            through MODE: read, readv, recv, recvfrom, recvmsg,
 *            recvmmsg, splice, uring-recv, uring-read, uring-recv-multi
 *            (one multishot RECV into provided buffers, submitted again
 *            only when the kernel ends it), uring-recv-skip and
 *            uring-recvmsg-skip (RECV or RECVMSG of a whole chunk with
 *            IOSQE_CQE_SKIP_SUCCESS: no completion posted for it);
 *            prints "bytes=N pid=P"
 * ADDR is HOST:PORT, or a path for unix sockets.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHUNK 4096

static void die(const char *what)
{
	fprintf(stderr, "netpeer: %s: %s\n", what, strerror(errno));
	exit(1);
}

struct addr {
	struct sockaddr_storage ss;
	socklen_t len;
	int family, type;
};

static void parse(const char *kind, const char *spec, struct addr *a)
{
	memset(a, 0, sizeof(*a));
	a->type = !strcmp(kind, "udp") ? SOCK_DGRAM : SOCK_STREAM;
	if (!strcmp(kind, "unix")) {
		struct sockaddr_un *u = (void *)&a->ss;

		u->sun_family = AF_UNIX;
		snprintf(u->sun_path, sizeof(u->sun_path), "%s", spec);
		a->len = sizeof(*u);
		a->family = AF_UNIX;
	} else {
		struct sockaddr_in *in = (void *)&a->ss;
		char host[64];
		const char *colon = strrchr(spec, ':');

		if (!colon)
			die("ADDR must be HOST:PORT");
		snprintf(host, sizeof(host), "%.*s", (int)(colon - spec), spec);
		in->sin_family = AF_INET;
		in->sin_port = htons(atoi(colon + 1));
		if (inet_pton(AF_INET, host, &in->sin_addr) != 1)
			die("bad IPv4 address");
		a->len = sizeof(*in);
		a->family = AF_INET;
	}
}

static char *slurp(const char *path, size_t *len)
{
	struct stat st;
	char *buf;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st) < 0)
		die(path);
	buf = malloc(st.st_size + 1);
	if (read(fd, buf, st.st_size) != st.st_size)
		die("read");
	close(fd);
	*len = st.st_size;
	return buf;
}

static int listener(struct addr *a)
{
	int one = 1, fd = socket(a->family, a->type, 0);

	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (a->family == AF_UNIX)
		unlink(((struct sockaddr_un *)&a->ss)->sun_path);
	if (bind(fd, (void *)&a->ss, a->len) < 0)
		die("bind");
	if (a->type == SOCK_STREAM && listen(fd, 16) < 0)
		die("listen");
	if (a->family == AF_UNIX)
		chmod(((struct sockaddr_un *)&a->ss)->sun_path, 0666);
	printf("ready\n");
	fflush(stdout);
	return fd;
}

static void send_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n <= 0)
			return;
		buf += n;
		len -= n;
	}
}

static _Noreturn void serve(struct addr *a, const char *file, long delay_ms)
{
	size_t len;
	char *data = slurp(file, &len);
	int lfd = listener(a);

	signal(SIGCHLD, SIG_IGN);
	for (;;) {
		if (a->type == SOCK_DGRAM) {
			struct sockaddr_storage from;
			socklen_t fl = sizeof(from);
			char c;
			size_t off;

			if (recvfrom(lfd, &c, 1, 0, (void *)&from, &fl) < 0)
				die("recvfrom");
			for (off = 0; off < len; off += 1000)
				sendto(lfd, data + off, len - off < 1000 ? len - off : 1000,
				       0, (void *)&from, fl);
			sendto(lfd, "", 0, 0, (void *)&from, fl);
			continue;
		}
		int c = accept(lfd, NULL, NULL);

		if (c < 0)
			continue;
		if (delay_ms > 0) {
			pid_t pid = fork();

			if (pid == 0) {
				close(lfd);
				usleep(delay_ms * 1000);
				send_all(c, data, len);
				_exit(0);
			}
			if (pid > 0) {
				close(c);
				continue;
			}
			/* No child: serve it here, without the delay. */
		}
		send_all(c, data, len);
		close(c);
	}
}

static _Noreturn void sink(struct addr *a)
{
	int lfd = listener(a);
	char buf[CHUNK];

	for (;;) {
		int c = accept(lfd, NULL, NULL);
		long long total = 0;
		ssize_t n;

		if (c < 0)
			continue;
		while ((n = read(c, buf, sizeof(buf))) > 0)
			total += n;
		close(c);
		printf("received=%lld\n", total);
		fflush(stdout);
	}
}

/*
 * One RECV (or RECVMSG) of a whole chunk (MSG_WAITALL) with
 * IOSQE_CQE_SKIP_SUCCESS, linked to a NOP: a full one posts no completion
 * and the NOP does; a short one (the last piece, or the end) fails, posts
 * its own, and cancels the NOP.
 */
static ssize_t recv_skip(int fd, char *buf, struct io_uring *ring, int msg)
{
	struct iovec iov = { buf, CHUNK };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	struct io_uring_cqe *cqe;
	ssize_t n;

	if (msg)
		io_uring_prep_recvmsg(sqe, fd, &m, MSG_WAITALL);
	else
		io_uring_prep_recv(sqe, fd, buf, CHUNK, MSG_WAITALL);
	sqe->flags |= IOSQE_CQE_SKIP_SUCCESS | IOSQE_IO_LINK;
	sqe->user_data = 1;
	sqe = io_uring_get_sqe(ring);
	io_uring_prep_nop(sqe);
	sqe->user_data = 2;
	if (io_uring_submit(ring) != 2)
		die("submit");
	for (;;) {
		if (io_uring_wait_cqe(ring, &cqe) < 0)
			die("wait_cqe");
		if (cqe->user_data == 2 && cqe->res < 0) {
			/* A NOP cancelled by a short receive before. */
			io_uring_cqe_seen(ring, cqe);
			continue;
		}
		n = cqe->user_data == 2 ? CHUNK : cqe->res;
		io_uring_cqe_seen(ring, cqe);
		if (n < 0) {
			errno = -n;
			return -1;
		}
		return n;
	}
}

static ssize_t get_one(int fd, const char *mode, char *buf, int *pipefd,
		       struct io_uring *ring)
{
	if (!strcmp(mode, "read"))
		return read(fd, buf, CHUNK);
	if (!strcmp(mode, "readv")) {
		struct iovec iov[2] = { { buf, 1000 }, { buf + 1000, CHUNK - 1000 } };

		return readv(fd, iov, 2);
	}
	if (!strcmp(mode, "recv"))
		return recv(fd, buf, CHUNK, 0);
	if (!strcmp(mode, "recvfrom"))
		return recvfrom(fd, buf, CHUNK, 0, NULL, NULL);
	if (!strcmp(mode, "recvmsg")) {
		struct iovec iov = { buf, CHUNK };
		struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };

		return recvmsg(fd, &m, 0);
	}
	if (!strcmp(mode, "recvmmsg")) {
		struct iovec iov[2] = { { buf, CHUNK / 2 }, { buf + CHUNK / 2, CHUNK / 2 } };
		struct mmsghdr mm[2];
		ssize_t n, total = 0;
		int i;

		memset(mm, 0, sizeof(mm));
		for (i = 0; i < 2; i++) {
			mm[i].msg_hdr.msg_iov = &iov[i];
			mm[i].msg_hdr.msg_iovlen = 1;
		}
		n = recvmmsg(fd, mm, 1, 0, NULL);
		if (n <= 0)
			return n;
		for (i = 0; i < n; i++)
			total += mm[i].msg_len;
		return total;
	}
	if (!strcmp(mode, "splice")) {
		ssize_t n = splice(fd, NULL, pipefd[1], NULL, CHUNK, 0);

		if (n > 0 && read(pipefd[0], buf, n) != n)
			die("pipe read");
		return n;
	}
	if (!strcmp(mode, "uring-recv-skip") || !strcmp(mode, "uring-recvmsg-skip"))
		return recv_skip(fd, buf, ring, !strcmp(mode, "uring-recvmsg-skip"));
	if (!strncmp(mode, "uring-", 6)) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
		struct io_uring_cqe *cqe;
		int ret;

		if (!strcmp(mode, "uring-recv"))
			io_uring_prep_recv(sqe, fd, buf, CHUNK, 0);
		else
			io_uring_prep_read(sqe, fd, buf, CHUNK, 0);
		io_uring_submit(ring);
		if (io_uring_wait_cqe(ring, &cqe) < 0)
			die("wait_cqe");
		ret = cqe->res;
		io_uring_cqe_seen(ring, cqe);
		if (ret < 0) {
			errno = -ret;
			return -1;
		}
		return ret;
	}
	fprintf(stderr, "netpeer: unknown mode %s\n", mode);
	exit(2);
}

#define MSHOT_BUFS 8

/* (Re)provide buffer @bid (all of them with @bid < 0) to group 1. */
static void provide(struct io_uring *ring, char *bufs, int bid)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	if (bid < 0)
		io_uring_prep_provide_buffers(sqe, bufs, CHUNK, MSHOT_BUFS, 1, 0);
	else
		io_uring_prep_provide_buffers(sqe, bufs + bid * CHUNK, CHUNK, 1,
					      1, bid);
	sqe->user_data = 0;
}

static void recv_multishot(struct io_uring *ring, int fd)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	io_uring_prep_recv_multishot(sqe, fd, NULL, 0, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = 1;
	sqe->user_data = 1;
}

/*
 * Everything from @fd through multishot RECVs: each completion names the
 * buffer it filled, given back at once; a RECV the kernel ends (out of
 * buffers) is submitted again; a completion of 0 bytes is the end.
 */
static long long get_multishot(int fd)
{
	static char bufs[MSHOT_BUFS * CHUNK];
	struct io_uring_cqe *cqe;
	struct io_uring ring;
	long long total = 0;

	if (io_uring_queue_init(64, &ring, 0) < 0)
		die("io_uring");
	provide(&ring, bufs, -1);
	recv_multishot(&ring, fd);
	for (;;) {
		int res, more;

		if (io_uring_submit_and_wait(&ring, 1) < 0 ||
		    io_uring_wait_cqe(&ring, &cqe) < 0)
			die("wait_cqe");
		res = cqe->res;
		more = cqe->flags & IORING_CQE_F_MORE;
		if (cqe->user_data == 0) {
			io_uring_cqe_seen(&ring, cqe);
			if (res < 0) {
				errno = -res;
				die("provide buffers");
			}
			continue;
		}
		if (res > 0) {
			total += res;
			provide(&ring, bufs, cqe->flags >> IORING_CQE_BUFFER_SHIFT);
		}
		io_uring_cqe_seen(&ring, cqe);
		if (res == 0)
			break;
		if (res < 0 && res != -ENOBUFS) {
			errno = -res;
			die("multishot recv");
		}
		if (!more)
			recv_multishot(&ring, fd);
	}
	io_uring_queue_exit(&ring);
	return total;
}

static int get(struct addr *a, const char *mode)
{
	char buf[CHUNK];
	long long total = 0;
	int fd, pipefd[2];
	struct io_uring ring;
	ssize_t n;

	if (pipe(pipefd) < 0)
		die("pipe");
	if (io_uring_queue_init(4, &ring, 0) < 0)
		die("io_uring");
	fd = socket(a->family, a->type, 0);
	if (fd < 0 || connect(fd, (void *)&a->ss, a->len) < 0)
		die("connect");
	if (a->type == SOCK_DGRAM) {
		/*
		 * UDP may drop any datagram, the empty one that ends the
		 * stream too: two seconds of silence end it as well.
		 */
		struct timeval tv = { .tv_sec = 2 };

		if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
			die("SO_RCVTIMEO");
		if (send(fd, "?", 1, 0) != 1)
			die("send");
	}
	if (!strcmp(mode, "uring-recv-multi")) {
		total = get_multishot(fd);
		n = 0;
	} else {
		while ((n = get_one(fd, mode, buf, pipefd, &ring)) > 0)
			total += n;
	}
	if (n < 0 && !(a->type == SOCK_DGRAM &&
		       (errno == EAGAIN || errno == EWOULDBLOCK)))
		die(mode);
	close(fd);
	printf("bytes=%lld pid=%d\n", total, getpid());
	return 0;
}

int main(int argc, char **argv)
{
	struct addr a;

	if (argc < 4) {
		fprintf(stderr, "usage: netpeer serve|sink|get KIND ADDR [FILE|MODE]\n");
		return 2;
	}
	parse(argv[2], argv[3], &a);
	if (!strcmp(argv[1], "serve") && argc > 4)
		serve(&a, argv[4], argc > 5 ? atol(argv[5]) : 0);
	if (!strcmp(argv[1], "sink"))
		sink(&a);
	if (!strcmp(argv[1], "get") && argc > 4)
		return get(&a, argv[4]);
	fprintf(stderr, "netpeer: bad arguments\n");
	return 2;
}
