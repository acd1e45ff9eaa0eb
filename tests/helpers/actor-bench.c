// SPDX-License-Identifier: GPL-2.0
/*
 * actor-bench: what declaring actors costs an application (make bench).
 *
 *   actor-bench declare N
 *        N declarations (daudit_actor_set with a request id and a client,
 *        then daudit_actor_clear), as a server does per request, the ids
 *        formatted beforehand as a server has them from its request; prints
 *        the nanoseconds per declared request (under qemu -icount:
 *        instructions)
 *   actor-bench request SOCKPATH N tagged|untagged
 *        N small requests over one connection to a unix stream server
 *        (actor-pool serve): send an 8-byte length 4096, read the 4096
 *        bytes back; "tagged" declares an actor around each request.
 *        Prints nanoseconds per request.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <daudit/actor.h>

#define ANSWER	4096

static void die(const char *what)
{
	fprintf(stderr, "actor-bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/*
 * The ids a server has at hand when a request comes in (from its
 * headers): formatted before the clock starts, so what is measured is
 * the declaration, not printf.
 */
#define N_ACTORS	20
#define N_REQUESTS	1024
static char actors[N_ACTORS][16], requests[N_REQUESTS][24];

static void make_ids(void)
{
	unsigned int i;

	for (i = 0; i < N_ACTORS; i++)
		snprintf(actors[i], sizeof(actors[i]), "emp-%02u", i);
	for (i = 0; i < N_REQUESTS; i++)
		snprintf(requests[i], sizeof(requests[i]), "req-%08u", i);
}

/* The per-request declaration a server makes: actor, request, client. */
static void declare(unsigned long i, const struct sockaddr_in *client)
{
	daudit_actor_set(actors[i % N_ACTORS], requests[i % N_REQUESTS],
			 (const struct sockaddr *)client, sizeof(*client));
}

static int connect_unix(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (strlen(path) >= sizeof(a.sun_path)) {
		errno = ENAMETOOLONG;
		die(path);
	}
	strcpy(a.sun_path, path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		die(path);
	return fd;
}

static void one_request(int fd, char *buf)
{
	uint64_t len = htole64(ANSWER);
	size_t got = 0;
	ssize_t n;

	if (write(fd, &len, sizeof(len)) != sizeof(len))
		die("write");
	while (got < ANSWER) {
		n = read(fd, buf + got, ANSWER - got);
		if (n <= 0)
			die("read");
		got += n;
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_in client = { .sin_family = AF_INET,
				      .sin_port = htons(51234) };
	static char buf[ANSWER];
	unsigned long i, n;
	uint64_t t0, t1;

	inet_pton(AF_INET, "192.0.2.7", &client.sin_addr);
	make_ids();
	if (argc == 3 && !strcmp(argv[1], "declare")) {
		n = strtoul(argv[2], NULL, 10);
		declare(0, &client);	/* the thread's one registration */
		t0 = now_ns();
		for (i = 0; i < n; i++) {
			declare(i, &client);
			daudit_actor_clear();
		}
		t1 = now_ns();
	} else if (argc == 5 && !strcmp(argv[1], "request")) {
		int fd = connect_unix(argv[2]);
		int tagged = !strcmp(argv[4], "tagged");

		n = strtoul(argv[3], NULL, 10);
		if (tagged)
			declare(0, &client);
		one_request(fd, buf);	/* warm */
		daudit_actor_clear();
		t0 = now_ns();
		for (i = 0; i < n; i++) {
			if (tagged)
				declare(i, &client);
			one_request(fd, buf);
			if (tagged)
				daudit_actor_clear();
		}
		t1 = now_ns();
		close(fd);
	} else {
		fprintf(stderr, "usage: actor-bench declare N | request SOCKPATH N tagged|untagged\n");
		return 2;
	}
	if (!n)
		return 2;
	printf("%.1f\n", (double)(t1 - t0) / n);
	return 0;
}
