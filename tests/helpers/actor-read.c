// SPDX-License-Identifier: GPL-2.0
/*
 * actor-read: read a protected file while declaring actors (libdaudit),
 * in the ways the actor tests need.  Every phase prints one line
 * "phase=NAME actor=ACTOR bytes=N pid=P tid=T" (actor "-" when none is
 * declared), and the first line is "status=S" (daudit_actor_status()
 * after the first declaration: 1 registered, else -errno).
 *
 *   actor-read plain A FILE     declare A, read FILE whole; clear; read it
 *                               whole again on the same descriptor
 *   actor-read two A B FILE     one descriptor: A reads the first half,
 *                               B the rest
 *   actor-read fork A FILE      declare A; a forked child reads FILE; then
 *                               the parent reads it
 *   actor-read exec A FILE PROG ARGS...  declare A, read FILE, then exec
 *                               PROG ARGS (which reads with no actor)
 *   actor-read thread A FILE    a thread declares A, reads FILE and
 *                               exits; a new thread reads it, declaring
 *                               nothing
 *   actor-read uring A FILE     declare A, read FILE through io_uring
 *                               (IOSQE_ASYNC with ACTOR_URING_ASYNC set:
 *                               every read runs in an io-wq worker)
 *   actor-read mmap A FILE      declare A, map FILE and touch every page
 *   actor-read wait A FILE      declare A, read FILE, print "ready", wait
 *                               for a line on stdin, read FILE again
 */
#define _GNU_SOURCE
#include <daudit/actor.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *file;

static void die(const char *what)
{
	fprintf(stderr, "actor-read: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void declare(const char *actor, int first)
{
	struct sockaddr_in c = { .sin_family = AF_INET, .sin_port = htons(40001) };
	char req[32];
	int ret;

	inet_pton(AF_INET, "192.0.2.1", &c.sin_addr);
	snprintf(req, sizeof(req), "req-%d", getpid());
	ret = daudit_actor_set(actor, req, (struct sockaddr *)&c, sizeof(c));
	if (first)
		printf("status=%d\n", ret < 0 ? ret : daudit_actor_status());
	fflush(stdout);
}

static void report(const char *phase, const char *actor, long long n)
{
	printf("phase=%s actor=%s bytes=%lld pid=%d tid=%ld\n", phase,
	       actor ? actor : "-", n, getpid(), (long)syscall(SYS_gettid));
	fflush(stdout);
}

/* Read @fd from its offset to its end, or @max bytes. */
static long long drain(int fd, long long max)
{
	char buf[8192];
	long long total = 0;
	ssize_t n;

	while (max < 0 || total < max) {
		size_t want = sizeof(buf);

		if (max >= 0 && max - total < (long long)want)
			want = max - total;
		n = read(fd, buf, want);
		if (n < 0)
			die("read");
		if (!n)
			break;
		total += n;
	}
	return total;
}

static long long read_file(void)
{
	int fd = open(file, O_RDONLY);
	long long n;

	if (fd < 0)
		die(file);
	n = drain(fd, -1);
	close(fd);
	return n;
}

static void *thread_declaring(void *actor)
{
	declare(actor, 1);
	report("thread1", actor, read_file());
	return NULL;
}

static void *thread_plain(void *unused)
{
	(void)unused;
	report("thread2", NULL, read_file());
	return NULL;
}

static long long read_uring(void)
{
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	long long total = 0;
	static char buf[65536];
	int fd = open(file, O_RDONLY), ret;
	int async = getenv("ACTOR_URING_ASYNC") != NULL;

	if (fd < 0)
		die(file);
	ret = io_uring_queue_init(4, &ring, 0);
	if (ret < 0) {
		errno = -ret;
		die("io_uring_queue_init");
	}
	for (;;) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

		io_uring_prep_read(sqe, fd, buf, sizeof(buf), total);
		if (async)
			sqe->flags |= IOSQE_ASYNC;
		io_uring_submit(&ring);
		ret = io_uring_wait_cqe(&ring, &cqe);
		if (ret < 0) {
			errno = -ret;
			die("io_uring_wait_cqe");
		}
		ret = cqe->res;
		io_uring_cqe_seen(&ring, cqe);
		if (ret < 0) {
			errno = -ret;
			die("io_uring read");
		}
		if (!ret)
			break;
		total += ret;
	}
	io_uring_queue_exit(&ring);
	close(fd);
	return total;
}

static long long read_mmap(void)
{
	int fd = open(file, O_RDONLY);
	volatile const char *p;
	unsigned long sum = 0;
	struct stat st;
	off_t i;

	if (fd < 0 || fstat(fd, &st) < 0)
		die(file);
	p = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		die("mmap");
	for (i = 0; i < st.st_size; i += 4096)
		sum += p[i];
	munmap((void *)p, st.st_size);
	close(fd);
	(void)sum;
	return st.st_size;
}

int main(int argc, char **argv)
{
	const char *mode, *a;
	pthread_t t;
	long long n;
	int fd;

	if (argc < 4) {
		fprintf(stderr, "usage: actor-read MODE ACTOR [ACTOR2] FILE ...\n");
		return 2;
	}
	mode = argv[1];
	a = argv[2];
	file = argv[3];
	if (!strcmp(mode, "plain")) {
		fd = open(file, O_RDONLY);
		if (fd < 0)
			die(file);
		declare(a, 1);
		report("declared", a, drain(fd, -1));
		daudit_actor_clear();
		if (lseek(fd, 0, SEEK_SET) < 0)
			die("lseek");
		report("cleared", NULL, drain(fd, -1));
		close(fd);
	} else if (!strcmp(mode, "two") && argc == 5) {
		struct stat st;

		file = argv[4];
		fd = open(file, O_RDONLY);
		if (fd < 0 || fstat(fd, &st) < 0)
			die(file);
		declare(a, 1);
		report("first", a, drain(fd, st.st_size / 2));
		declare(argv[3], 0);
		report("second", argv[3], drain(fd, -1));
		daudit_actor_clear();
		close(fd);
	} else if (!strcmp(mode, "fork")) {
		pid_t pid;
		int status;

		declare(a, 1);
		pid = fork();
		if (pid < 0)
			die("fork");
		if (!pid) {
			report("child", NULL, read_file());
			_exit(0);
		}
		if (waitpid(pid, &status, 0) < 0 || status)
			die("child");
		report("parent", a, read_file());
	} else if (!strcmp(mode, "exec") && argc > 4) {
		declare(a, 1);
		report("before", a, read_file());
		execv(argv[4], argv + 4);
		die(argv[4]);
	} else if (!strcmp(mode, "thread")) {
		if (pthread_create(&t, NULL, thread_declaring, (void *)a) ||
		    pthread_join(t, NULL))
			die("thread");
		if (pthread_create(&t, NULL, thread_plain, NULL) ||
		    pthread_join(t, NULL))
			die("thread");
	} else if (!strcmp(mode, "uring")) {
		declare(a, 1);
		report("uring", a, read_uring());
		daudit_actor_clear();
	} else if (!strcmp(mode, "mmap")) {
		declare(a, 1);
		report("mmap", a, read_mmap());
		daudit_actor_clear();
	} else if (!strcmp(mode, "wait")) {
		char line[16];

		declare(a, 1);
		report("before", a, read_file());
		printf("ready\n");
		fflush(stdout);
		if (!fgets(line, sizeof(line), stdin))
			die("stdin");
		n = read_file();
		report("after", a, n);
		printf("status=%d\n", daudit_actor_status());
	} else {
		fprintf(stderr, "actor-read: unknown mode %s\n", mode);
		return 2;
	}
	return 0;
}
