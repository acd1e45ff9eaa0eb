// SPDX-License-Identifier: GPL-2.0
/*
 * devprobe: poke /dev/daudit the way a broken or hostile client would, and
 * print the errno name the kernel answered with ("OK" on success).
 *
 *   devprobe open r|w|rw         open the device in that mode
 *   devprobe hold SECONDS        hold the consumer slot for a while
 *   devprobe version-size N      DAUDIT_IOC_VERSION encoded with size N
 *   devprobe version-ptr         DAUDIT_IOC_VERSION with a bad pointer
 *   devprobe stats-ptr           DAUDIT_IOC_STATS with a bad cpu array
 *   devprobe stats-reserved      DAUDIT_IOC_STATS with reserved bits set
 *   devprobe ioctl-nr N          an unknown ioctl number
 *   devprobe read-small          read() with a buffer below DAUDIT_RECORD_MAX
 *   devprobe ack-ctl             DAUDIT_IOC_ACK on a control handle
 *   devprobe first-record        type and event of the first record
 *   devprobe drain N             consume records as fast as possible
 *                                until N were read or it is killed; print
 *                                the count
 *   devprobe fuzz-ioctl N SEED   N random ioctls (numbers, sizes,
 *                                directions, pointers, contents) on a
 *                                control and a consumer handle; prints the
 *                                count of each errno seen
 *   devprobe policy-fields DIR   load a minimal valid binary policy
 *                                protecting DIR, then each of a list of
 *                                single-field corruptions of it; print
 *                                one line per case with the errno
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "daudit.h"

static int report(int ret)
{
	if (ret < 0) {
		printf("%s\n", strerrorname_np(errno));
		return 1;
	}
	printf("OK\n");
	return 0;
}

static int open_dev(int flags)
{
	int fd = open(DAUDIT_DEVICE_PATH, flags | O_CLOEXEC);

	if (fd < 0) {
		printf("%s\n", strerrorname_np(errno));
		exit(1);
	}
	return fd;
}

static unsigned long rnd(void)
{
	return ((unsigned long)random() << 31) ^ (unsigned long)random();
}

/* A pointer a hostile caller might pass: valid, NULL, kernel, unmapped. */
static void *fuzz_ptr(char *buf, size_t len)
{
	switch (rnd() % 6) {
	case 0:
		return NULL;
	case 1:
		return (void *)0xffffffff81000000UL;
	case 2:
		return (void *)(rnd() & 0x7fffffffffffUL);
	case 3:
		return buf + len - (rnd() % 64);	/* runs off the end */
	default:
		return buf;
	}
}

static int fuzz_ioctl(long n, unsigned int seed)
{
	static char buf[1 << 16];
	long counts[256] = { 0 };
	int fds[2], i;
	long k;

	srandom(seed);
	fds[0] = open_dev(O_WRONLY);
	fds[1] = open(DAUDIT_DEVICE_PATH, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	for (k = 0; k < n; k++) {
		unsigned int dir = rnd() % 4, nr = rnd() % 10;
		unsigned int size = rnd() % 3 ? rnd() % 512 : rnd() % (1 << 14);
		unsigned long cmd = _IOC(dir, rnd() % 8 ? DAUDIT_IOC_MAGIC : rnd() % 256,
					 nr, size);
		int fd = fds[rnd() % 2];
		size_t j;
		long r;

		/* Sometimes the exact numbers, with random contents. */
		if (rnd() % 3 == 0) {
			static const unsigned long real[] = {
				DAUDIT_IOC_VERSION, DAUDIT_IOC_STATS,
				DAUDIT_IOC_POLICY_LOAD, DAUDIT_IOC_POLICY_GET,
				DAUDIT_IOC_ACK_MODE, DAUDIT_IOC_ACK,
			};
			cmd = real[rnd() % 6];
		}
		for (j = 0; j < 512; j++)
			buf[j] = rnd() % 4 ? (char)rnd() : 0;
		/* Embedded pointers and lengths point somewhere plausible. */
		if (rnd() % 2) {
			unsigned long p = (unsigned long)fuzz_ptr(buf, sizeof(buf));
			unsigned int l = rnd() % 2 ? rnd() % 4096 : rnd();

			memcpy(buf, &p, sizeof(p));
			memcpy(buf + 8, &l, sizeof(l));
		}
		if (fd < 0)
			continue;
		r = ioctl(fd, cmd, fuzz_ptr(buf, sizeof(buf)));
		counts[r < 0 ? errno & 255 : 0]++;
	}
	for (i = 0; i < 256; i++)
		if (counts[i])
			printf("%s %ld\n", i ? strerrorname_np(i) : "OK", counts[i]);
	return 0;
}

/* A valid policy: one dataset "t", one tree source DIR. */
struct tiny {
	struct daudit_policy_header h;
	struct daudit_policy_dataset d;
	struct daudit_policy_source s;
	char strings[256];
};

static size_t tiny_build(struct tiny *t, const char *dir)
{
	size_t n = strlen(dir) + 1;

	memset(t, 0, sizeof(*t));
	t->h.magic = DAUDIT_POLICY_MAGIC;
	t->h.abi_major = DAUDIT_ABI_MAJOR;
	t->h.header_size = sizeof(t->h);
	t->h.n_datasets = 1;
	t->h.n_sources = 1;
	t->h.strings_len = n;
	t->h.total_size = offsetof(struct tiny, strings) + n;
	strcpy(t->d.name, "t");
	t->s.type = DAUDIT_SRC_TREE;
	t->s.path_len = n - 1;
	memcpy(t->strings, dir, n);
	return t->h.total_size;
}

static int load_blob(int fd, const void *blob, size_t len)
{
	struct daudit_policy_load req;

	memset(&req, 0, sizeof(req));
	req.ptr = (uintptr_t)blob;
	req.len = len;
	return ioctl(fd, DAUDIT_IOC_POLICY_LOAD, &req);
}

static int policy_fields(const char *dir)
{
	struct tiny t;
	size_t len;
	int fd = open_dev(O_WRONLY), i;
	static const char *const cases[] = {
		"valid", "magic", "abi", "header_size", "total_size+8",
		"short", "n_datasets=0", "n_sources=70000", "strings_len+1",
		"reserved", "name-empty", "name-bad-char", "name-unterminated",
		"name-junk-after-nul", "dataset-flags", "type=0", "type=99",
		"dataset-index", "src-flags", "path-relative", "path-off",
		"path-len-0", "path-no-nul", "path-with-port", "path-missing",
		"path-not-dir", "net-prefix", "net-hostbits", "net-ports",
		"only-reader",
	};

	for (i = 0; i < (int)(sizeof(cases) / sizeof(cases[0])); i++) {
		const char *c = cases[i];

		len = tiny_build(&t, dir);
		if (!strcmp(c, "magic")) t.h.magic ^= 1;
		else if (!strcmp(c, "abi")) t.h.abi_major++;
		else if (!strcmp(c, "header_size")) t.h.header_size += 8;
		else if (!strcmp(c, "total_size+8")) t.h.total_size += 8;
		else if (!strcmp(c, "short")) len -= 1;
		else if (!strcmp(c, "n_datasets=0")) t.h.n_datasets = 0;
		else if (!strcmp(c, "n_sources=70000")) t.h.n_sources = 70000;
		else if (!strcmp(c, "strings_len+1")) t.h.strings_len++;
		else if (!strcmp(c, "reserved")) t.h.reserved[1] = 1;
		else if (!strcmp(c, "name-empty")) t.d.name[0] = 0;
		else if (!strcmp(c, "name-bad-char")) t.d.name[0] = '/';
		else if (!strcmp(c, "name-unterminated")) memset(t.d.name, 'a', sizeof(t.d.name));
		else if (!strcmp(c, "name-junk-after-nul")) t.d.name[10] = 'x';
		else if (!strcmp(c, "dataset-flags")) t.d.flags = 1;
		else if (!strcmp(c, "type=0")) t.s.type = 0;
		else if (!strcmp(c, "type=99")) t.s.type = 99;
		else if (!strcmp(c, "dataset-index")) t.s.dataset = 1;
		else if (!strcmp(c, "src-flags")) t.s.flags = 1;
		else if (!strcmp(c, "path-relative")) t.strings[0] = 'x';
		else if (!strcmp(c, "path-off")) t.s.path_off = 200;
		else if (!strcmp(c, "path-len-0")) t.s.path_len = 0;
		else if (!strcmp(c, "path-no-nul")) t.s.path_len--;
		else if (!strcmp(c, "path-with-port")) t.s.port_lo = 1;
		else if (!strcmp(c, "path-missing")) { len = tiny_build(&t, "/nonexistent/dir"); }
		else if (!strcmp(c, "path-not-dir")) { len = tiny_build(&t, "/init"); }
		else if (!strcmp(c, "net-prefix")) { t.s.type = DAUDIT_SRC_TCP; t.s.family = 2; t.s.prefix_len = 33; t.s.port_lo = t.s.port_hi = 1; t.s.path_len = 0; }
		else if (!strcmp(c, "net-hostbits")) { t.s.type = DAUDIT_SRC_TCP; t.s.family = 2; t.s.prefix_len = 8; t.s.addr[1] = 1; t.s.port_lo = t.s.port_hi = 1; t.s.path_len = 0; }
		else if (!strcmp(c, "net-ports")) { t.s.type = DAUDIT_SRC_TCP; t.s.family = 2; t.s.prefix_len = 32; t.s.port_lo = 9; t.s.port_hi = 8; t.s.path_len = 0; }
		else if (!strcmp(c, "only-reader")) t.s.type = DAUDIT_SRC_READER;
		printf("%s %s\n", c, load_blob(fd, &t, len) < 0 ?
		       strerrorname_np(errno) : "OK");
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	const char *arg = argc > 2 ? argv[2] : "";
	int fd;

	if (!strcmp(cmd, "open")) {
		int fl = !strcmp(arg, "r") ? O_RDONLY :
			 !strcmp(arg, "w") ? O_WRONLY : O_RDWR;

		fd = open(DAUDIT_DEVICE_PATH, fl | O_CLOEXEC);
		return report(fd);
	}
	if (!strcmp(cmd, "hold")) {
		fd = open_dev(O_RDONLY);
		printf("HOLDING\n");
		fflush(stdout);
		sleep(atoi(arg));
		return 0;
	}
	if (!strcmp(cmd, "version-size")) {
		struct daudit_version v[2];
		unsigned long nr = _IOC(_IOC_READ, DAUDIT_IOC_MAGIC, 1,
					strtoul(arg, NULL, 0));

		fd = open_dev(O_WRONLY);
		return report(ioctl(fd, nr, v));
	}
	if (!strcmp(cmd, "version-ptr")) {
		fd = open_dev(O_WRONLY);
		return report(ioctl(fd, DAUDIT_IOC_VERSION, (void *)16));
	}
	if (!strcmp(cmd, "stats-ptr")) {
		struct daudit_stats st;

		memset(&st, 0, sizeof(st));
		st.cpu_stats_ptr = 16;
		st.cpu_stats_len = 4;
		fd = open_dev(O_WRONLY);
		return report(ioctl(fd, DAUDIT_IOC_STATS, &st));
	}
	if (!strcmp(cmd, "stats-reserved")) {
		struct daudit_stats st;

		memset(&st, 0, sizeof(st));
		st.reserved[3] = 1;
		fd = open_dev(O_WRONLY);
		return report(ioctl(fd, DAUDIT_IOC_STATS, &st));
	}
	if (!strcmp(cmd, "ioctl-nr")) {
		fd = open_dev(O_WRONLY);
		return report(ioctl(fd, _IO(DAUDIT_IOC_MAGIC, atoi(arg)), 0));
	}
	if (!strcmp(cmd, "read-small")) {
		char buf[64];

		fd = open_dev(O_RDONLY | O_NONBLOCK);
		return report(read(fd, buf, sizeof(buf)));
	}
	if (!strcmp(cmd, "ack-ctl")) {
		uint64_t seq = 0;
		struct daudit_ack a = { .seq_ptr = (uintptr_t)&seq, .ncpus = 1 };

		fd = open_dev(O_WRONLY);
		return report(ioctl(fd, DAUDIT_IOC_ACK, &a));
	}
	if (!strcmp(cmd, "first-record")) {
		static char buf[DAUDIT_RECORD_MAX * 4];
		const struct daudit_rec_header *h = (const void *)buf;
		ssize_t n;

		fd = open_dev(O_RDONLY | O_NONBLOCK);
		n = read(fd, buf, sizeof(buf));
		if (n < 0)
			return report(n);
		if (h->type == DAUDIT_REC_MODULE) {
			const struct daudit_rec_module *m = (const void *)buf;

			printf("type=module event=%u abi=%u.%u version=%s uid=%u\n",
			       m->event, m->abi_major, m->abi_minor, m->version,
			       m->subj.uid);
		} else {
			printf("type=%u\n", h->type);
		}
		return 0;
	}
	if (!strcmp(cmd, "fuzz-ioctl"))
		return fuzz_ioctl(atol(arg), argc > 3 ? atoi(argv[3]) : 1);
	if (!strcmp(cmd, "drain")) {
		static char buf[DAUDIT_RECORD_MAX * 16];
		long want = atol(arg), got = 0;

		fd = open_dev(O_RDONLY);
		while (got < want) {
			ssize_t n = read(fd, buf, sizeof(buf)), off;

			if (n < 0)
				return report(n);
			for (off = 0; off < n;
			     off += ((struct daudit_rec_header *)(buf + off))->size)
				got++;
			printf("%ld\n", got);
			fflush(stdout);
		}
		return 0;
	}
	if (!strcmp(cmd, "policy-fields"))
		return policy_fields(arg);
	fprintf(stderr, "usage: devprobe open|hold|version-size|version-ptr|stats-ptr|stats-reserved|ioctl-nr|read-small|ack-ctl|first-record [ARG]\n");
	return 2;
}
