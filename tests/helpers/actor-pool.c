// SPDX-License-Identifier: GPL-2.0
/*
 * actor-pool: a service that works for many people through a shared
 * connection pool, declaring each request's actor with libdaudit.
 *
 *   actor-pool SOCKPATH THREADS REQUESTS CONNS BYTES
 *            connect CONNS times to the unix stream server at SOCKPATH
 *            (the pool); thread i works for actor "emp-%02d" (i): each of
 *            its REQUESTS requests declares the actor (request id
 *            "req-I-R", client 192.0.2.(I+1) port 40000+I), takes a
 *            connection, sends an 8-byte little-endian length n (around
 *            BYTES, different per request), reads exactly n bytes back,
 *            returns the connection and clears the actor.  Prints
 *            "emp-XX TOTAL" per actor (bytes read) and "status N", the
 *            daudit_actor_status() of thread 0 after its last request
 *   actor-pool serve SOCKPATH
 *            the server: one thread per connection reads 8-byte lengths
 *            and answers each with that many bytes; prints "ready"
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <daudit/actor.h>

#define CHUNK		65536
#define MAX_REQUEST	(64ULL << 20)

static void die(const char *what)
{
	fprintf(stderr, "actor-pool: %s: %s\n", what, strerror(errno));
	exit(1);
}

static unsigned long arg_num(const char *s, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end) {
		fprintf(stderr, "actor-pool: bad %s '%s'\n", what, s);
		exit(2);
	}
	return v;
}

static struct sockaddr_un unix_addr(const char *path)
{
	struct sockaddr_un u = { .sun_family = AF_UNIX };

	if (strlen(path) >= sizeof(u.sun_path)) {
		fprintf(stderr, "actor-pool: socket path too long\n");
		exit(2);
	}
	strcpy(u.sun_path, path);
	return u;
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

/* Reads exactly @len bytes with read(2); 1 at a clean EOF before any. */
static int read_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, p + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0 && got == 0)
			return 1;
		if (n <= 0)
			return -1;
		got += n;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* serve                                                               */
/* ------------------------------------------------------------------ */

static char data[CHUNK];	/* what the server answers with */

static void *serve_conn(void *arg)
{
	int fd = (int)(intptr_t)arg;
	uint64_t le, n;

	while (read_all(fd, &le, sizeof(le)) == 0) {
		n = le64toh(le);
		if (n > MAX_REQUEST)
			break;
		while (n) {
			size_t part = n < CHUNK ? n : CHUNK;

			if (write_all(fd, data, part))
				goto out;
			n -= part;
		}
	}
out:
	close(fd);
	return NULL;
}

static __attribute__((noreturn)) void serve(const char *path)
{
	struct sockaddr_un u = unix_addr(path);
	pthread_attr_t attr;
	pthread_t t;
	int lfd, fd;

	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0)
		die("socket");
	unlink(path);
	if (bind(lfd, (struct sockaddr *)&u, sizeof(u)) || listen(lfd, 128))
		die(path);
	memset(data, 'd', sizeof(data));
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			die("accept");
		}
		if (pthread_create(&t, &attr, serve_conn, (void *)(intptr_t)fd))
			die("pthread_create");
	}
}

/* ------------------------------------------------------------------ */
/* the pool                                                            */
/* ------------------------------------------------------------------ */

static struct {
	pthread_mutex_t lock;
	pthread_cond_t freed;
	int *fds;
	unsigned long n_free;
} pool = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, 0 };

static int pool_take(void)
{
	int fd;

	pthread_mutex_lock(&pool.lock);
	while (!pool.n_free)
		pthread_cond_wait(&pool.freed, &pool.lock);
	fd = pool.fds[--pool.n_free];
	pthread_mutex_unlock(&pool.lock);
	return fd;
}

static void pool_return(int fd)
{
	pthread_mutex_lock(&pool.lock);
	pool.fds[pool.n_free++] = fd;
	pthread_cond_signal(&pool.freed);
	pthread_mutex_unlock(&pool.lock);
}

struct worker {
	pthread_t thread;
	unsigned long i, requests, bytes;
	uint64_t total;
	int status;
};

/* The length of request @r of thread @i: BYTES/2 .. BYTES*3/2, fixed. */
static uint64_t request_len(const struct worker *w, unsigned long r)
{
	return w->bytes / 2 + (w->i * 7919 + r * 104729) % (w->bytes + 1);
}

static void *work(void *arg)
{
	struct worker *w = arg;
	struct sockaddr_in client = {
		.sin_family = AF_INET,
		.sin_port = htons(40000 + w->i),
		.sin_addr.s_addr = htonl(0xc0000200 + w->i + 1), /* 192.0.2.(i+1) */
	};
	char actor[DAUDIT_ACTOR_MAX + 1], request[DAUDIT_REQUEST_MAX + 1];
	char buf[CHUNK];
	unsigned long r;

	snprintf(actor, sizeof(actor), "emp-%02lu", w->i);
	for (r = 0; r < w->requests; r++) {
		uint64_t n = request_len(w, r), le = htole64(n);
		int fd;

		snprintf(request, sizeof(request), "req-%lu-%lu", w->i, r);
		daudit_actor_set(actor, request, (struct sockaddr *)&client,
				 sizeof(client));
		fd = pool_take();
		if (write_all(fd, &le, sizeof(le)))
			die("send request");
		while (n) {
			size_t part = n < CHUNK ? n : CHUNK;

			if (read_all(fd, buf, part))
				die("read reply");
			w->total += part;
			n -= part;
		}
		pool_return(fd);
		daudit_actor_clear();
	}
	w->status = daudit_actor_status();
	return NULL;
}

static int run_pool(char **argv)
{
	struct sockaddr_un u = unix_addr(argv[1]);
	unsigned long threads = arg_num(argv[2], "THREADS");
	unsigned long requests = arg_num(argv[3], "REQUESTS");
	unsigned long conns = arg_num(argv[4], "CONNS");
	unsigned long bytes = arg_num(argv[5], "BYTES");
	struct worker *w;
	unsigned long i;

	if (!threads || threads > 100 || !conns || conns > 4096) {
		fprintf(stderr, "actor-pool: THREADS 1-100, CONNS 1-4096\n");
		return 2;
	}
	pool.fds = calloc(conns, sizeof(*pool.fds));
	w = calloc(threads, sizeof(*w));
	if (!pool.fds || !w)
		die("calloc");
	for (i = 0; i < conns; i++) {
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (fd < 0 || connect(fd, (struct sockaddr *)&u, sizeof(u)))
			die(argv[1]);
		pool.fds[pool.n_free++] = fd;
	}
	for (i = 0; i < threads; i++) {
		w[i].i = i;
		w[i].requests = requests;
		w[i].bytes = bytes;
		if (pthread_create(&w[i].thread, NULL, work, &w[i]))
			die("pthread_create");
	}
	for (i = 0; i < threads; i++)
		pthread_join(w[i].thread, NULL);
	for (i = 0; i < threads; i++)
		printf("emp-%02lu %llu\n", i, (unsigned long long)w[i].total);
	printf("status %d\n", w[0].status);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "serve"))
		serve(argv[2]);
	if (argc == 6)
		return run_pool(argv);
	fprintf(stderr, "usage: actor-pool SOCKPATH THREADS REQUESTS CONNS BYTES\n"
		"       actor-pool serve SOCKPATH\n");
	return 2;
}
