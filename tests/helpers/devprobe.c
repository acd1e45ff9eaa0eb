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
 *   devprobe policy-corpus SEED N FILE...
 *                                load each binary policy FILE as it is
 *                                (a line "FILE ERRNO"), then N mutations
 *                                of each (bytes flipped, overwritten with
 *                                edge values, cut or grown); a last line
 *                                "mutations: ERRNO COUNT ..."
 *   devprobe ctl-stats           DAUDIT_IOC_VERSION, DAUDIT_IOC_STATS and
 *                                an empty DAUDIT_IOC_POLICY_LOAD on a
 *                                control handle: "version=E stats=E
 *                                load=E"
 *   devprobe no-ack              consumer in ack mode that reads and never
 *                                acknowledges; prints the running count of
 *                                records after each read
 *   devprobe consume             consumer that reads (blocking) and prints
 *                                the running count, and each LOST record
 *                                as "lost CPU FIRST COUNT"
 *   devprobe fault-read STOPFILE [ack]
 *                                consume until STOPFILE exists with every other
 *                                read()'s buffer running into an
 *                                unmapped page, then drain; check that on
 *                                every CPU each sequence number from the
 *                                first to the last arrived exactly once or
 *                                inside a LOST record's range; prints
 *                                "records=N lost=N faults=N partial=N
 *                                holes=N dups=N late=N" (late: CPUs whose
 *                                first sequence number seen was not 0)
 *                                and fails on a hole or a duplicate
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
#include <sys/mman.h>
#include <time.h>
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

/* The request itself is wrong: its pointer, size or reserved field. */
static int load_request(int fd, const char *c, const void *blob, size_t len)
{
	struct daudit_policy_load req;

	memset(&req, 0, sizeof(req));
	req.ptr = (uintptr_t)blob;
	req.len = len;
	if (!strcmp(c, "req-len=0"))
		req.len = 0;
	else if (!strcmp(c, "req-len=5MiB"))
		req.len = 5 << 20;
	else if (!strcmp(c, "req-ptr-bad"))
		req.ptr = 16;
	else if (!strcmp(c, "req-ptr-null"))
		req.ptr = 0;
	else if (!strcmp(c, "req-reserved"))
		req.reserved = 1;
	else if (!strcmp(c, "req-unmapped"))
		return ioctl(fd, DAUDIT_IOC_POLICY_LOAD, (void *)16);
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
		"only-reader", "name-latin1", "name-high-bit",
		"req-len=0", "req-len=5MiB", "req-ptr-bad", "req-ptr-null",
		"req-reserved", "req-unmapped",
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
		else if (!strcmp(c, "name-latin1")) t.d.name[0] = (char)0xC0;
		else if (!strcmp(c, "name-high-bit")) t.d.name[1] = (char)0xFF;
		if (!strncmp(c, "req-", 4))
			printf("%s %s\n", c, load_request(fd, c, &t, len) < 0 ?
			       strerrorname_np(errno) : "OK");
		else
			printf("%s %s\n", c, load_blob(fd, &t, len) < 0 ?
			       strerrorname_np(errno) : "OK");
	}
	return 0;
}

/*
 * The fuzzers' seeds (tests/fuzz/corpus/policy_decode) through the kernel's
 * own decoder, as they are and mutated the way libFuzzer mutates them:
 * every answer must be a clean accept or a clean errno.
 */
static void mutate(unsigned char *b, size_t *len, size_t cap)
{
	static const unsigned char edge[] = { 0x00, 0x01, 0x7f, 0x80, 0xff };
	unsigned int k, n = 1 + rnd() % 8;

	for (k = 0; k < n && *len; k++) {
		size_t at = rnd() % *len;

		switch (rnd() % 5) {
		case 0:
			b[at] ^= (unsigned char)(1u << (rnd() % 8));
			break;
		case 1:
			b[at] = edge[rnd() % sizeof(edge)];
			break;
		case 2: /* a 32-bit field set to an edge value */
			if (at + 4 <= *len) {
				uint32_t v = rnd() % 2 ? 0xffffffffu : rnd() % 4096;

				memcpy(b + at, &v, sizeof(v));
			}
			break;
		case 3:
			*len = at;
			break;
		default:
			if (*len < cap)
				b[(*len)++] = (unsigned char)rnd();
			break;
		}
	}
}

static int policy_corpus(unsigned int seed, long n, char **files, int nfiles)
{
	static unsigned char orig[1 << 16], buf[1 << 16];
	long counts[256] = { 0 };
	int fd = open_dev(O_WRONLY), i;
	long k;

	srandom(seed);
	for (i = 0; i < nfiles; i++) {
		FILE *f = fopen(files[i], "rb");
		size_t olen, len;

		if (!f) {
			fprintf(stderr, "devprobe: %s: %s\n", files[i], strerror(errno));
			return 1;
		}
		olen = fread(orig, 1, sizeof(orig), f);
		fclose(f);
		printf("%s %s\n", files[i], load_blob(fd, orig, olen) < 0 ?
		       strerrorname_np(errno) : "OK");
		for (k = 0; k < n; k++) {
			memcpy(buf, orig, olen);
			len = olen;
			mutate(buf, &len, sizeof(buf));
			counts[load_blob(fd, buf, len) < 0 ? errno & 255 : 0]++;
		}
	}
	printf("mutations:");
	for (i = 0; i < 256; i++)
		if (counts[i])
			printf(" %s %ld", i ? strerrorname_np(i) : "OK", counts[i]);
	printf("\n");
	return 0;
}

static int ctl_stats(void)
{
	struct daudit_version v;
	struct daudit_stats st;
	int fd = open_dev(O_WRONLY);
	int rv, rs, rl;

	memset(&st, 0, sizeof(st));
	rv = ioctl(fd, DAUDIT_IOC_VERSION, &v) < 0 ? errno : 0;
	rs = ioctl(fd, DAUDIT_IOC_STATS, &st) < 0 ? errno : 0;
	rl = load_blob(fd, &st, 0) < 0 ? errno : 0;
	printf("version=%s stats=%s load=%s\n",
	       rv ? strerrorname_np(rv) : "OK", rs ? strerrorname_np(rs) : "OK",
	       rl ? strerrorname_np(rl) : "OK");
	return 0;
}

/* Blocking consumer; @ack: ack mode, never acknowledging. */
static int consume(int ack)
{
	static char buf[DAUDIT_RECORD_MAX * 16];
	int fd = open_dev(O_RDONLY);
	unsigned int on = 1;
	long got = 0;

	if (ack && ioctl(fd, DAUDIT_IOC_ACK_MODE, &on) < 0)
		return report(-1);
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf)), off;

		if (n < 0)
			return report(n);
		for (off = 0; off < n;
		     off += ((struct daudit_rec_header *)(buf + off))->size) {
			const struct daudit_rec_lost *l = (const void *)(buf + off);

			got++;
			if (l->hdr.type == DAUDIT_REC_LOST)
				printf("lost %u %llu %llu\n", l->hdr.cpu,
				       (unsigned long long)l->first_seq,
				       (unsigned long long)l->count);
		}
		printf("%ld\n", got);
		fflush(stdout);
	}
}

#define FR_MAXCPU 64
#define FR_MAXSEQ (1 << 20)

/* Per CPU: one byte per sequence number seen (1 record, 2 lost). */
static unsigned char *fr_seen[FR_MAXCPU];
static uint64_t fr_min[FR_MAXCPU], fr_max[FR_MAXCPU];
static long fr_dups;

static void fr_mark(unsigned int cpu, uint64_t first, uint64_t last)
{
	uint64_t s;

	if (cpu >= FR_MAXCPU || last >= FR_MAXSEQ) {
		fprintf(stderr, "fault-read: cpu %u seq %llu out of range\n",
			cpu, (unsigned long long)last);
		exit(1);
	}
	if (!fr_seen[cpu]) {
		fr_seen[cpu] = calloc(FR_MAXSEQ, 1);
		fr_min[cpu] = first;
	}
	if (first < fr_min[cpu])
		fr_min[cpu] = first;
	if (last > fr_max[cpu])
		fr_max[cpu] = last;
	for (s = first; s <= last; s++)
		if (fr_seen[cpu][s]++)
			fr_dups++;
}

/* Account whole records in buf[0, n); returns how many. */
static long fr_account(const char *buf, ssize_t n, long *lost, uint64_t *ack)
{
	long k = 0;
	ssize_t off;

	for (off = 0; off < n; k++) {
		const struct daudit_rec_lost *l = (const void *)(buf + off);
		const struct daudit_rec_header *h = &l->hdr;

		if (h->size < sizeof(*h) || h->size > n - off) {
			fprintf(stderr, "fault-read: torn record at %zd\n", off);
			exit(1);
		}
		if (h->type == DAUDIT_REC_LOST) {
			fr_mark(h->cpu, l->first_seq, h->seq);
			*lost += l->count;
		} else {
			fr_mark(h->cpu, h->seq, h->seq);
		}
		if (h->cpu < FR_MAXCPU && h->seq + 1 > ack[h->cpu])
			ack[h->cpu] = h->seq + 1;
		off += h->size;
	}
	return k;
}

/* Bytes waiting in all rings, not yet delivered (acknowledged, in ack mode). */
static long ring_pending(int fd)
{
	static struct daudit_cpu_stats cs[FR_MAXCPU];
	struct daudit_stats st;
	long sum = 0;
	unsigned int i;

	memset(&st, 0, sizeof(st));
	st.cpu_stats_ptr = (uintptr_t)cs;
	st.cpu_stats_len = FR_MAXCPU;
	if (ioctl(fd, DAUDIT_IOC_STATS, &st) < 0)
		return -1;
	for (i = 0; i < st.cpu_stats_len; i++)
		sum += cs[i].ring_used;
	return sum;
}

static int fault_read(const char *stop, int ack)
{
	static char good[DAUDIT_RECORD_MAX * 4];
	long page = sysconf(_SC_PAGESIZE), records = 0, lost = 0, faults = 0,
	     partial = 0, holes = 0, late = 0,
	     ncpus = sysconf(_SC_NPROCESSORS_CONF);
	/* Room for a few records, then an inaccessible page. */
	size_t room = 1000;
	uint64_t acks[FR_MAXCPU];
	unsigned int on = 1, cpu;
	int fd = open_dev(O_RDONLY | O_NONBLOCK), idle = 0, i, w;
	long pending = 0;
	char *map, *bad;

	/* Sequence numbers below 0: nothing acknowledged yet. */
	memset(acks, 0, sizeof(acks));
	if (ack && ioctl(fd, DAUDIT_IOC_ACK_MODE, &on) < 0)
		return report(-1);
	map = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED || mprotect(map + 2 * page, page, PROT_NONE))
		return report(-1);
	bad = map + 2 * page - room;
	for (i = 0;; i++) {
		/* Odd reads: a buffer that runs into the inaccessible page. */
		char *buf = i % 2 ? bad : good;
		ssize_t n;

		/* Before an odd read, let more pile up than its buffer holds. */
		for (w = 0; i % 2 && w < 20; w++) {
			pending = ring_pending(fd);
			if (pending < 0)
				return report(-1);
			if ((size_t)pending > 2 * room)
				break;
			usleep(10000);
		}
		n = read(fd, buf, sizeof(good));

		if (n < 0 && errno == EFAULT) {
			faults++;
			continue;
		}
		if (n < 0 && errno != EAGAIN)
			return report(n);
		/*
		 * An odd read that returned records while more waited than
		 * its buffer holds: it stopped at the inaccessible page.
		 */
		if (i % 2 && n > 0 && (size_t)pending > 2 * room)
			partial++;
		if (n > 0) {
			records += fr_account(buf, n, &lost, acks);
			idle = 0;
		} else if (!access(stop, F_OK) && ++idle > 20) {
			/* Drained: the flood is over and nothing came for 0.2 s. */
			break;
		}
		if (n <= 0)
			usleep(10000);
		if (ack && n > 0) {
			struct daudit_ack a = { .seq_ptr = (uintptr_t)acks,
						.ncpus = ncpus < FR_MAXCPU ? ncpus : FR_MAXCPU };

			if (ioctl(fd, DAUDIT_IOC_ACK, &a) < 0)
				return report(-1);
		}
	}
	for (cpu = 0; cpu < FR_MAXCPU; cpu++) {
		uint64_t q;

		if (!fr_seen[cpu])
			continue;
		for (q = fr_min[cpu]; q <= fr_max[cpu]; q++)
			if (!fr_seen[cpu][q]) {
				if (holes < 10)
					fprintf(stderr, "hole: cpu %u seq %llu\n",
						cpu, (unsigned long long)q);
				holes++;
			}
		/* A fresh module's first consumer sees each CPU from 0. */
		if (fr_min[cpu])
			late++;
		fprintf(stderr, "cpu %u: seq %llu..%llu\n", cpu,
			(unsigned long long)fr_min[cpu],
			(unsigned long long)fr_max[cpu]);
	}
	printf("records=%ld lost=%ld faults=%ld partial=%ld holes=%ld dups=%ld late=%ld\n",
	       records, lost, faults, partial, holes, fr_dups, late);
	return holes || fr_dups ? 1 : 0;
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
		st.reserved[2] = 1;
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
	if (!strcmp(cmd, "policy-corpus") && argc > 4)
		return policy_corpus(atoi(arg), atol(argv[3]), argv + 4, argc - 4);
	if (!strcmp(cmd, "ctl-stats"))
		return ctl_stats();
	if (!strcmp(cmd, "no-ack"))
		return consume(1);
	if (!strcmp(cmd, "consume"))
		return consume(0);
	if (!strcmp(cmd, "fault-read"))
		return fault_read(arg, argc > 3 && !strcmp(argv[3], "ack"));
	fprintf(stderr, "usage: devprobe open|hold|version-size|version-ptr|stats-ptr|stats-reserved|ioctl-nr|read-small|ack-ctl|first-record|drain|fuzz-ioctl|policy-fields|policy-corpus|ctl-stats|no-ack|consume|fault-read [ARG]\n");
	return 2;
}
