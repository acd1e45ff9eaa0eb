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
 *           close_range (close_range() of the number alone, then dup2)
 *           uring_close (io_uring IORING_OP_CLOSE of the number, done
 *           in the swapping thread's io_uring_enter, then dup2)
 *           uring_close_async (the same with IOSQE_ASYNC: an io-wq
 *           worker of the process closes it)
 *           seccomp_setfd (the swapping thread's getppid() is sent to a
 *           seccomp supervisor, a third thread, which answers with
 *           SECCOMP_IOCTL_NOTIF_ADDFD and SECCOMP_ADDFD_FLAG_SETFD:
 *           /dev/null at the number; then dup2 the file back)
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
#include <liburing.h>
#include <linux/audit.h>
#include <linux/close_range.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <pthread.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

static int src, nul, num;
static atomic_int stop, sup_stop;
static long swaps;
static const char *how;
static struct io_uring ring;
static int listener = -1;
static pthread_mutex_t listener_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t listener_set = PTHREAD_COND_INITIALIZER;

static void die(const char *what)
{
	fprintf(stderr, "fdswap: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* io_uring IORING_OP_CLOSE of @fd, in a worker if @async. */
static void uring_close(int fd, int async)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
	struct io_uring_cqe *cqe;

	io_uring_prep_close(sqe, fd);
	if (async)
		sqe->flags |= IOSQE_ASYNC;
	if (io_uring_submit_and_wait(&ring, 1) != 1 ||
	    io_uring_wait_cqe(&ring, &cqe) < 0)
		die("io_uring close");
	if (cqe->res < 0) {
		errno = -cqe->res;
		die("io_uring close");
	}
	io_uring_cqe_seen(&ring, cqe);
}

/*
 * A filter on the calling thread alone: its getppid() waits for the
 * supervisor; everything else runs.  The listener goes to the supervisor.
 */
static void filter_getppid(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_getppid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {
		.len = sizeof(f) / sizeof(f[0]),
		.filter = f,
	};
	int fd;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		die("PR_SET_NO_NEW_PRIVS");
	fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
		     SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	if (fd < 0)
		die("seccomp");
	pthread_mutex_lock(&listener_lock);
	listener = fd;
	pthread_cond_signal(&listener_set);
	pthread_mutex_unlock(&listener_lock);
}

/* Answer each getppid() of the swapper: /dev/null at the number first. */
static void *supervisor(void *arg)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;
	struct seccomp_notif_addfd add;
	struct pollfd pfd;

	(void)arg;
	pthread_mutex_lock(&listener_lock);
	while (listener < 0)
		pthread_cond_wait(&listener_set, &listener_lock);
	pthread_mutex_unlock(&listener_lock);
	pfd.fd = listener;
	pfd.events = POLLIN;
	/* Until the swapper is done: it may wait on one more answer. */
	while (!atomic_load(&sup_stop)) {
		if (poll(&pfd, 1, 100) <= 0 || !(pfd.revents & POLLIN))
			continue;
		memset(&req, 0, sizeof(req));
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
			die("SECCOMP_IOCTL_NOTIF_RECV");
		memset(&add, 0, sizeof(add));
		add.id = req.id;
		add.flags = SECCOMP_ADDFD_FLAG_SETFD;
		add.srcfd = nul;
		add.newfd = num;
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_ADDFD, &add) < 0)
			die("SECCOMP_IOCTL_NOTIF_ADDFD");
		memset(&resp, 0, sizeof(resp));
		resp.id = req.id;
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0)
			die("SECCOMP_IOCTL_NOTIF_SEND");
	}
	return NULL;
}

static void *swapper(void *arg)
{
	(void)arg;
	if (!strcmp(how, "seccomp_setfd"))
		filter_getppid();
	while (!atomic_load(&stop)) {
		if (!strcmp(how, "close"))
			close(num);
		else if (!strcmp(how, "close_range")) {
			if (syscall(SYS_close_range, num, num, 0) < 0)
				die("close_range");
		} else if (!strcmp(how, "uring_close"))
			uring_close(num, 0);
		else if (!strcmp(how, "uring_close_async"))
			uring_close(num, 1);
		else if (!strcmp(how, "seccomp_setfd"))
			syscall(SYS_getppid);
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
	pthread_t th, sup;
	struct stat st;
	time_t end;
	int same = 1;
	ssize_t n;

	if (argc != 5) {
		fprintf(stderr, "usage: fdswap FILE SECONDS pread|pread4k|read|readv dup2|close|close_range|uring_close|uring_close_async|seccomp_setfd\n");
		return 2;
	}
	mode = argv[3];
	how = argv[4];
	if (strcmp(how, "dup2") && strcmp(how, "close") &&
	    strcmp(how, "close_range") && strcmp(how, "uring_close") &&
	    strcmp(how, "uring_close_async") && strcmp(how, "seccomp_setfd")) {
		fprintf(stderr, "fdswap: unknown SWAP %s\n", how);
		return 2;
	}
	if (!strncmp(how, "uring_", 6) && io_uring_queue_init(4, &ring, 0) < 0)
		die("io_uring_queue_init");
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
	if (!strcmp(how, "seccomp_setfd") &&
	    pthread_create(&sup, NULL, supervisor, NULL))
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
	if (!strcmp(how, "seccomp_setfd")) {
		atomic_store(&sup_stop, 1);
		pthread_join(sup, NULL);
	}
	printf("bytes=%lld reads=%lld swaps=%ld same=%s\n", got, reads, swaps,
	       same ? "yes" : "no");
	return 0;
}
