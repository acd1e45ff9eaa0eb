// SPDX-License-Identifier: GPL-2.0
/*
 * memread: read a whole file through its mapping in the ways an insider
 * might use to dodge per-page accounting, copy what was read to OUT (so
 * the test can prove the data was really obtained), and print
 * "bytes=N pid=P".
 *
 *   memread map FILE OUT    plain mmap(MAP_SHARED), every page touched
 *   memread thp FILE OUT    mmap(MAP_SHARED) with MADV_HUGEPAGE: on a
 *                           tmpfs mounted huge=always the file's pages are
 *                           huge folios, mapped by PMD entries
 *   memread collapse FILE OUT
 *                           on a tmpfs mounted huge=advise, whose file's
 *                           pages are small: MADV_HUGEPAGE and
 *                           MADV_COLLAPSE turn them into huge ones (mapped
 *                           at once by PMD entries), then a later mapping
 *                           with MADV_HUGEPAGE maps them by PMD entries;
 *                           prints "pmd_kb=N" too, the later mapping's,
 *                           from /proc/self/smaps
 *   memread uffd FILE OUT   register the mapping with userfaultfd for
 *                           minor faults (UFFD_USER_MODE_ONLY, so no
 *                           privilege is needed) and map every page with
 *                           UFFDIO_CONTINUE from a handler thread: no
 *                           page fault ever installs a page table entry
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY 1
#endif

static void die(const char *what)
{
	fprintf(stderr, "memread: %s: %s\n", what, strerror(errno));
	exit(1);
}

static long page;

/*
 * Copy @len bytes at @p to @out.  The mapping is read in user mode
 * (memcpy), as a program would: a userfaultfd registered user-mode only
 * sees no fault taken inside the kernel.
 */
static void copy_out(const unsigned char *p, size_t len, const char *out)
{
	int ofd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	static unsigned char buf[65536];
	size_t done = 0;

	if (ofd < 0)
		die(out);
	while (done < len) {
		size_t n = len - done < sizeof(buf) ? len - done : sizeof(buf);

		memcpy(buf, p + done, n);
		if (write(ofd, buf, n) != (ssize_t)n)
			die("write");
		done += n;
	}
	close(ofd);
}

static int uffd;

static void *handler(void *arg)
{
	struct uffd_msg msg;

	(void)arg;
	for (;;) {
		struct pollfd pfd = { .fd = uffd, .events = POLLIN };
		struct uffdio_continue cont;

		if (poll(&pfd, 1, -1) < 0)
			die("poll");
		if (read(uffd, &msg, sizeof(msg)) != sizeof(msg))
			continue;
		if (msg.event != UFFD_EVENT_PAGEFAULT)
			continue;
		memset(&cont, 0, sizeof(cont));
		cont.range.start = msg.arg.pagefault.address & ~(page - 1);
		cont.range.len = page;
		if (ioctl(uffd, UFFDIO_CONTINUE, &cont) < 0 && errno != EEXIST)
			die("UFFDIO_CONTINUE");
	}
	return NULL;
}

static void *map_uffd(int fd, size_t len)
{
	struct uffdio_api api = { .api = UFFD_API,
				  .features = UFFD_FEATURE_MINOR_SHMEM };
	struct uffdio_register reg;
	pthread_t t;
	void *p;

	uffd = syscall(SYS_userfaultfd, O_CLOEXEC | UFFD_USER_MODE_ONLY);
	if (uffd < 0)
		die("userfaultfd");
	if (ioctl(uffd, UFFDIO_API, &api) < 0)
		die("UFFDIO_API (minor faults on shmem)");
	/* Private: a read-only descriptor is enough (no VM_MAYWRITE needed). */
	len = (len + page - 1) & ~(page - 1);
	p = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		die("mmap");
	memset(&reg, 0, sizeof(reg));
	reg.range.start = (uintptr_t)p;
	reg.range.len = len;
	reg.mode = UFFDIO_REGISTER_MODE_MINOR;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg) < 0)
		die("UFFDIO_REGISTER (minor)");
	if (pthread_create(&t, NULL, handler, NULL))
		die("pthread_create");
	return p;
}

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif
#define HUGE (2UL << 20)

/* A read-only shared mapping of @fd at an address a PMD maps. */
static void *map_aligned(int fd, size_t len)
{
	char *r = mmap(NULL, len + HUGE, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *a;

	if (r == MAP_FAILED)
		die("mmap");
	a = (char *)(((unsigned long)r + HUGE - 1) & ~(HUGE - 1));
	if (mmap(a, len, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 0) == MAP_FAILED)
		die("mmap");
	return a;
}

/* Kilobytes of the mapping at @p mapped by PMD entries (smaps). */
static long pmd_kb(void *p)
{
	char line[256], want[32];
	FILE *f = fopen("/proc/self/smaps", "r");
	int in = 0;
	long kb = 0, v;

	if (!f)
		die("smaps");
	snprintf(want, sizeof(want), "%lx-", (unsigned long)p);
	while (fgets(line, sizeof(line), f)) {
		if (strchr(line, '-') && strchr(line, ' ') &&
		    strchr(line, '-') < strchr(line, ' '))
			in = !strncmp(line, want, strlen(want));
		else if (in && (sscanf(line, "ShmemPmdMapped: %ld", &v) == 1 ||
				sscanf(line, "FilePmdMapped: %ld", &v) == 1))
			kb += v;
	}
	fclose(f);
	return kb;
}

int main(int argc, char **argv)
{
	struct stat st;
	size_t len;
	void *p;
	int fd;

	if (argc != 4 || (strcmp(argv[1], "map") && strcmp(argv[1], "thp") &&
			  strcmp(argv[1], "uffd") && strcmp(argv[1], "collapse"))) {
		fprintf(stderr, "usage: memread map|thp|collapse|uffd FILE OUT\n");
		return 2;
	}
	page = sysconf(_SC_PAGESIZE);
	fd = open(argv[2], O_RDONLY);
	if (fd < 0 || fstat(fd, &st) < 0)
		die(argv[2]);
	len = st.st_size;
	if (!strcmp(argv[1], "uffd")) {
		p = map_uffd(fd, len);
	} else if (!strcmp(argv[1], "collapse")) {
		p = map_aligned(fd, len);
		if (madvise(p, len, MADV_HUGEPAGE) < 0)
			die("madvise(MADV_HUGEPAGE)");
		if (madvise(p, len, MADV_COLLAPSE) < 0)
			die("madvise(MADV_COLLAPSE)");
		munmap(p, len);
		p = map_aligned(fd, len);
		if (madvise(p, len, MADV_HUGEPAGE) < 0)
			die("madvise(MADV_HUGEPAGE)");
		copy_out(p, len, argv[3]);
		printf("bytes=%zu pid=%d pmd_kb=%ld\n", len, getpid(), pmd_kb(p));
		return 0;
	} else {
		p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED)
			die("mmap");
		if (!strcmp(argv[1], "thp") &&
		    madvise(p, len, MADV_HUGEPAGE) < 0)
			die("madvise(MADV_HUGEPAGE)");
	}
	copy_out(p, len, argv[3]);
	printf("bytes=%zu pid=%d\n", len, getpid());
	return 0;
}
