// SPDX-License-Identifier: GPL-2.0
/*
 * dauditd: the collector.  At this stage it attaches to /dev/daudit as the
 * consumer and counts records by type until SIGTERM/SIGINT, then prints
 * the counts; storage, rollups and sinks come with the collector work.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "device.h"
#include "util.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: dauditd [--foreground] [--help]\n"
		"\n"
		"Attach to %s as its single consumer and collect records.\n"
		"SIGTERM or SIGINT stops it.\n",
		DAUDIT_DEVICE_PATH);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t by_type[DAUDIT_REC_TYPE_MAX] = { 0 };
	struct sigaction sa;
	struct dev d;
	char err[256];
	char *buf;
	int c;

	util_progname = "dauditd";
	while ((c = getopt_long(argc, argv, "fh", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc)
		util_die(EXIT_USAGE, "unexpected argument '%s'", argv[optind]);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	if (dev_open(&d, DEV_CONSUMER, O_NONBLOCK, err, sizeof(err)) < 0)
		util_die(EXIT_FAIL, "%s", err);
	buf = util_xmalloc(DAUDIT_RECORD_MAX * 4);
	while (!stop) {
		struct pollfd p = { .fd = d.fd, .events = POLLIN };
		ssize_t n, off;

		if (poll(&p, 1, 1000) < 0 && errno != EINTR)
			util_die(EXIT_FAIL, "poll: %m");
		n = read(d.fd, buf, DAUDIT_RECORD_MAX * 4);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0)
			util_die(EXIT_FAIL, "read %s: %m", dev_path());
		for (off = 0; off < n;) {
			const struct daudit_rec_header *h = (const void *)(buf + off);

			if (h->type < DAUDIT_REC_TYPE_MAX)
				by_type[h->type]++;
			off += h->size;
		}
	}
	for (c = 0; c < DAUDIT_REC_TYPE_MAX; c++)
		if (by_type[c])
			printf("type %d: %" PRIu64 " records\n", c, by_type[c]);
	free(buf);
	dev_close(&d);
	return 0;
}
