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
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
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
	fprintf(stderr, "usage: devprobe open|hold|version-size|version-ptr|stats-ptr|stats-reserved|ioctl-nr|read-small|ack-ctl|first-record [ARG]\n");
	return 2;
}
