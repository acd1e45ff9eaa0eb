// SPDX-License-Identifier: GPL-2.0
/*
 * fhandle: open a file by its handle, as NFS servers in user space do,
 * with no path: once the kernel has dropped the file's dentry, the file
 * it opens has no known parent.
 *
 *   fhandle save PATH HANDLE     name_to_handle_at(PATH) into the file
 *                                HANDLE
 *   fhandle read MOUNT HANDLE OUT
 *                                open_by_handle_at() (CAP_DAC_READ_SEARCH)
 *                                on the file system mounted at MOUNT, read
 *                                the file whole into OUT; print
 *                                "bytes=N pid=P fdpath=<its /proc fd link>"
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "fhandle: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int save(const char *path, const char *out)
{
	struct file_handle *h = malloc(sizeof(*h) + MAX_HANDLE_SZ);
	int mount_id, fd;
	size_t len;

	if (!h)
		die("malloc");
	h->handle_bytes = MAX_HANDLE_SZ;
	if (name_to_handle_at(AT_FDCWD, path, h, &mount_id, 0) < 0)
		die(path);
	len = sizeof(*h) + h->handle_bytes;
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, h, len) != (ssize_t)len || close(fd) < 0)
		die(out);
	free(h);
	return 0;
}

static int readback(const char *mnt, const char *handle, const char *out)
{
	struct file_handle *h = malloc(sizeof(*h) + MAX_HANDLE_SZ);
	char buf[65536], link[64], target[PATH_MAX];
	long long total = 0;
	int mfd, hfd, fd, ofd;
	ssize_t n;

	if (!h)
		die("malloc");
	hfd = open(handle, O_RDONLY);
	if (hfd < 0)
		die(handle);
	n = read(hfd, h, sizeof(*h) + MAX_HANDLE_SZ);
	if (n < (ssize_t)sizeof(*h) ||
	    n != (ssize_t)(sizeof(*h) + h->handle_bytes)) {
		errno = EINVAL;
		die(handle);
	}
	close(hfd);
	mfd = open(mnt, O_RDONLY | O_DIRECTORY);
	if (mfd < 0)
		die(mnt);
	fd = open_by_handle_at(mfd, h, O_RDONLY);
	if (fd < 0)
		die("open_by_handle_at");
	ofd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (ofd < 0)
		die(out);
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (write(ofd, buf, n) != n)
			die(out);
		total += n;
	}
	if (n < 0)
		die("read");
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	target[n < 0 ? 0 : n] = '\0';
	printf("bytes=%lld pid=%d fdpath=%s\n", total, getpid(), target);
	close(ofd);
	close(fd);
	free(h);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "save"))
		return save(argv[2], argv[3]);
	if (argc == 5 && !strcmp(argv[1], "read"))
		return readback(argv[2], argv[3], argv[4]);
	fprintf(stderr, "usage: fhandle save PATH HANDLE | read MOUNT HANDLE OUT\n");
	return 2;
}
