// SPDX-License-Identifier: GPL-2.0
/*
 * reflink: share a file's extents with another file (xfs, btrfs), the
 * way cp --reflink does, without reading a byte, and print
 * "bytes=N pid=P" (N: the bytes cloned).
 *
 *   reflink clone SRC DST         ioctl FICLONE: the whole file
 *   reflink range SRC DST LEN     ioctl FICLONERANGE: LEN bytes from 0
 *                                 (LEN a multiple of the block size)
 *   reflink extent FILE           ioctl FS_IOC_FIEMAP: print "physical=N
 *                                 length=L" of the file's first extent
 *                                 (bytes on its device), after a sync
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "reflink: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int extent(const char *path)
{
	struct {
		struct fiemap map;
		struct fiemap_extent ext[1];
	} f;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		die(path);
	memset(&f, 0, sizeof(f));
	f.map.fm_length = ~0ULL;
	f.map.fm_flags = FIEMAP_FLAG_SYNC;
	f.map.fm_extent_count = 1;
	if (ioctl(fd, FS_IOC_FIEMAP, &f.map) < 0)
		die("FS_IOC_FIEMAP");
	if (f.map.fm_mapped_extents < 1) {
		fprintf(stderr, "reflink: %s: no extent\n", path);
		return 1;
	}
	printf("physical=%llu length=%llu\n",
	       (unsigned long long)f.ext[0].fe_physical,
	       (unsigned long long)f.ext[0].fe_length);
	return 0;
}

int main(int argc, char **argv)
{
	struct file_clone_range r;
	struct stat st;
	long long n;
	int in, out;

	if (argc == 3 && !strcmp(argv[1], "extent"))
		return extent(argv[2]);
	if (!(argc == 4 && !strcmp(argv[1], "clone")) &&
	    !(argc == 5 && !strcmp(argv[1], "range"))) {
		fprintf(stderr, "usage: reflink clone SRC DST | range SRC DST LEN | extent FILE\n");
		return 2;
	}
	in = open(argv[2], O_RDONLY);
	if (in < 0 || fstat(in, &st) < 0)
		die(argv[2]);
	out = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (out < 0)
		die(argv[3]);
	if (argc == 4) {
		if (ioctl(out, FICLONE, in) < 0)
			die("FICLONE");
		n = st.st_size;
	} else {
		memset(&r, 0, sizeof(r));
		r.src_fd = in;
		r.src_length = strtoull(argv[4], NULL, 0);
		if (ioctl(out, FICLONERANGE, &r) < 0)
			die("FICLONERANGE");
		n = r.src_length;
	}
	printf("bytes=%lld pid=%d\n", n, getpid());
	return 0;
}
