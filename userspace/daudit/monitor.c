// SPDX-License-Identifier: GPL-2.0
/*
 * daudit monitor: attach to /dev/daudit as the consumer and print every
 * record as one ECS JSON line, for a quick look without the collector and
 * for tests.  It consumes what it reads: run it only while dauditd is
 * stopped (the device allows one consumer, so it cannot run alongside).
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
#include <sys/signalfd.h>
#include <unistd.h>

#include "commands.h"
#include "device.h"
#include "ecs.h"
#include "record.h"
#include "text.h"
#include "util.h"

/* Room for many records per read(): the kernel fills whole records only. */
#define MONITOR_BUF	(DAUDIT_RECORD_MAX * 16)
/* Without --follow: empty polls, IDLE_MS apart, before giving up. */
#define IDLE_RETRIES	2
#define IDLE_MS		100

/* The types a user may select with --type: those ecs renders. */
static const unsigned int selectable[] = {
	DAUDIT_REC_FILE_READ, DAUDIT_REC_PROCESS, DAUDIT_REC_ALERT,
	DAUDIT_REC_LOST, DAUDIT_REC_MODULE, DAUDIT_REC_POLICY,
	DAUDIT_REC_SOCK_READ, DAUDIT_REC_EGRESS,
};

/* Per CPU: the sequence number the next record should carry. */
struct cpu_seq {
	uint64_t next;
	int seen;
};

struct monitor {
	struct ecs_ctx ecs;
	unsigned int types;	/* bit per record type to print */
	uint64_t count;		/* stop after this many; 0: never */
	uint64_t printed;
	struct cpu_seq *cpus;
	size_t ncpus;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: daudit monitor [--follow] [--count N] [--type T[,T...]]\n"
		"\n"
		"Attach to the device as its single consumer and print each record as\n"
		"one JSON line with ECS field names (see docs/records.md).  Records\n"
		"printed are consumed: stop dauditd first.\n"
		"\n"
		"  -F, --follow      keep printing until SIGINT or SIGTERM; without it,\n"
		"                    print what is buffered and exit\n"
		"  -n, --count N     exit after N records printed\n"
		"  -t, --type LIST   only these types: file_read, socket_read, egress,\n"
		"                    process, alert, lost, module, policy (comma-separated)\n"
		"  -h, --help        this help\n"
		"\n"
		"A line with event.action \"sequence-gap\" reports records missing from\n"
		"a CPU's sequence that no records-lost line accounts for.\n"
		"\n"
		"Exit status: 0 when done or stopped, 1 if the device cannot be read\n"
		"(not loaded, already has a consumer, malformed records), 2 on a usage\n"
		"error.\n");
}

static int parse_types(const char *arg, unsigned int *mask)
{
	char *copy = util_xstrdup(arg), *save = NULL, *tok;
	int rc = 0;

	*mask = 0;
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		size_t i;

		for (i = 0; i < sizeof(selectable) / sizeof(selectable[0]); i++)
			if (!strcmp(tok, rec_type_name(selectable[i])))
				break;
		if (i == sizeof(selectable) / sizeof(selectable[0])) {
			util_err("monitor: unknown record type '%s' (file_read, socket_read, egress, process, alert, lost, module, policy)",
				 tok);
			rc = -1;
			break;
		}
		*mask |= 1U << selectable[i];
	}
	free(copy);
	if (!rc && !*mask) {
		util_err("monitor: --type needs at least one type");
		rc = -1;
	}
	return rc;
}

static void print_object(json_object *o)
{
	/* The ECS the sinks get, with nothing a terminal would act on. */
	char *shown = text_json(ecs_to_string(o));

	fputs(shown, stdout);
	fputc('\n', stdout);
	free(shown);
	json_object_put(o);
}

static struct cpu_seq *cpu_slot(struct monitor *m, unsigned int cpu)
{
	if (cpu >= m->ncpus) {
		size_t n = (size_t)cpu + 1;

		m->cpus = util_xrecalloc(m->cpus, m->ncpus, n,
					 sizeof(*m->cpus));
		m->ncpus = n;
	}
	return &m->cpus[cpu];
}

/*
 * A CPU's records arrive in sequence order.  A LOST record covers
 * [first_seq, hdr.seq], so after it the next record is hdr.seq + 1; any
 * other jump forward is a gap nothing explained.  The first record of a
 * CPU only sets the baseline: earlier ones may have gone to an earlier
 * consumer.
 */
static void check_seq(struct monitor *m, const struct daudit_rec_header *h)
{
	struct cpu_seq *c = cpu_slot(m, h->cpu);
	uint64_t first = h->seq;

	if (h->type == DAUDIT_REC_LOST) {
		const struct daudit_rec_lost *l = (const void *)h;

		if (l->first_seq < first)
			first = l->first_seq;
	}
	if (c->seen && first > c->next)
		print_object(ecs_sequence_gap(&m->ecs, h->cpu, c->next, first));
	c->next = h->seq + 1;
	c->seen = 1;
}

/* Print one read()'s worth; 1 when --count is reached. */
static int handle_batch(struct monitor *m, const void *buf, size_t len)
{
	const struct daudit_rec_header *h;
	const char *why = NULL;
	struct rec_iter it;
	size_t at = 0;
	int done = 0;

	/*
	 * Processes first seen in this read() first: each CPU's ring comes
	 * in order, but a process announced on one CPU may have read on
	 * another whose records come earlier in the same read().  An exec
	 * is taken in its place, so the records before it keep the old
	 * program.
	 */
	rec_iter_init(&it, buf, len);
	while ((h = rec_next(&it, &why))) {
		const struct daudit_rec_process *r = (const void *)h;

		if (h->type == DAUDIT_REC_PROCESS && r->event == DAUDIT_PROC_SEEN &&
		    !ecs_lookup_process(&m->ecs, r->subj.tgid, r->subj.start_ns, NULL))
			ecs_note_process(&m->ecs, h);
	}
	why = NULL;
	rec_iter_init(&it, buf, len);
	while (!done && (h = rec_next(&it, &why))) {
		json_object *o;

		check_seq(m, h);
		ecs_note_process(&m->ecs, h);
		at = it.off;
		if (h->type >= 32 || !(m->types & (1U << h->type)))
			continue;
		o = ecs_from_record(&m->ecs, h);
		if (!o)
			continue;
		print_object(o);
		if (m->count && ++m->printed >= m->count)
			done = 1;
	}
	if (fflush(stdout) == EOF || ferror(stdout))
		util_die(EXIT_FAIL, "monitor: writing to standard output: %m");
	if (why)
		util_die(EXIT_FAIL, "monitor: malformed record from %s at byte %zu of a %zu-byte read: %s",
			 dev_path(), at, len, why);
	return done;
}

/*
 * SIGINT and SIGTERM arrive on a signalfd polled with the device, so a
 * signal is never missed between a check and a blocking poll().
 */
static int signal_fd(void)
{
	sigset_t set;
	int fd;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0 ||
	    (fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK)) < 0)
		util_die(EXIT_FAIL, "monitor: cannot set up signal handling: %m");
	return fd;
}

/* Read and print until done, signalled, or (without @follow) idle. */
static void run(struct monitor *m, int devfd, int sigfd, int follow)
{
	char *buf = util_xmalloc(MONITOR_BUF);
	int idle = 0;

	for (;;) {
		struct pollfd p[2] = {
			{ .fd = devfd, .events = POLLIN },
			{ .fd = sigfd, .events = POLLIN },
		};
		int timeout = follow ? -1 : idle ? IDLE_MS : 0;
		ssize_t n;

		if (poll(p, 2, timeout) < 0) {
			if (errno == EINTR)
				continue;
			util_die(EXIT_FAIL, "monitor: poll: %m");
		}
		if (p[1].revents & POLLIN)
			break;
		if (p[0].revents & (POLLERR | POLLNVAL))
			util_die(EXIT_FAIL, "monitor: %s reports an error", dev_path());
		/* The device never hangs up; a stand-in (a FIFO in tests) may. */
		if ((p[0].revents & POLLHUP) && !(p[0].revents & POLLIN))
			break;
		n = 0;
		if (p[0].revents & POLLIN)
			n = read(devfd, buf, MONITOR_BUF);
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			util_die(EXIT_FAIL, "monitor: read %s: %m", dev_path());
		if (n <= 0) {
			/* Nothing now; records written just before may be late. */
			if (!follow && ++idle > IDLE_RETRIES)
				break;
			continue;
		}
		if (handle_batch(m, buf, (size_t)n))
			break;
	}
	free(buf);
}

int cmd_monitor(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "follow", no_argument, NULL, 'F' },
		{ "count", required_argument, NULL, 'n' },
		{ "type", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct monitor m = { .types = ~0U };
	int follow = 0, c, sigfd;
	struct dev d;
	char err[256];
	char *end;

	optind = 0;
	while ((c = getopt_long(argc, argv, "Ffn:t:h", opts, NULL)) != -1) {
		switch (c) {
		case 'F':
			follow = 1;
			break;
		case 'f':
			/* -f is --format in every verb, as events' -F is --follow. */
			util_die(EXIT_USAGE, "monitor: -f is --format in every verb, and monitor writes ECS JSON only; --follow is -F");
		case 'n':
			errno = 0;
			m.count = strtoull(optarg, &end, 10);
			if (errno || end == optarg || *end || !m.count ||
			    optarg[0] == '-')
				util_die(EXIT_USAGE, "monitor: --count needs a positive number, not '%s'",
					 optarg);
			break;
		case 't':
			if (parse_types(optarg, &m.types) < 0)
				return EXIT_USAGE;
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
		util_die(EXIT_USAGE, "monitor: unexpected argument '%s'", argv[optind]);

	/*
	 * Signals blocked before the device is opened: from the moment this
	 * process is the consumer (what `daudit status` shows), SIGTERM is
	 * a clean exit, not death by the default action (status 143).
	 */
	sigfd = signal_fd();
	if (dev_open(&d, DEV_CONSUMER, O_NONBLOCK, "monitor", err, sizeof(err)) < 0)
		util_die(EXIT_FAIL, "%s", err);
	ecs_ctx_init(&m.ecs, NULL, d.ver.instance_id, 0);
	run(&m, d.fd, sigfd, follow);
	close(sigfd);
	ecs_ctx_free(&m.ecs);
	free(m.cpus);
	dev_close(&d);
	return 0;
}
