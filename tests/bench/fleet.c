// SPDX-License-Identifier: GPL-2.0
/*
 * Ingest into the fleet's PostgreSQL store from N concurrent instances
 * (make bench-collector, through tests/bench/fleet.sh, which starts a
 * private PostgreSQL 15):
 *
 *   fleet --store URL [--password-file F] [--instances N] [--records M]
 *         [--batch B]
 *
 * N processes, each the fleet store of one dauditd (store_pg.c, host
 * bench-K, its own connection), get M decoded read events each, as the
 * ingest hands them over (users, sessions, working sets of files, the
 * paths and executables of collector.c's stream), and ship them in
 * transactions of B records (10000: batch_records), COPY into the
 * staging table and INSERT ... ON CONFLICT DO NOTHING, exactly as
 * dauditd does.  Prints the records per second of all N together (wall
 * time from a common start to the last commit).  The SQLite store's
 * figure is collector.c's "indexing records/s", printed before it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "event.h"
#include "store_pg.h"
#include "util.h"

#define USERS		50
#define FILES		20000
#define NS		1000000000ULL
/* 2026-11-02 00:00:00 UTC. */
#define T0		(1793577600ULL * NS)

static const char *const datasets[] = { "customers", "orders", "billing",
					"support" };
static const char *const exes[] = {
	"/usr/lib/postgresql/15/bin/postgres", "/usr/bin/psql",
	"/usr/bin/python3.11", "/opt/crm/bin/crm-server", "/usr/bin/cat",
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int instance(const char *url, const char *passfile, unsigned int k,
		    uint64_t records, unsigned int batch, int go)
{
	struct config c;
	struct store_pg pg;
	char host[32], err[512], path[96], name[16];
	struct daudit_subject subj;
	struct event e;
	uint32_t rng = 12345 + k;
	uint64_t i;
	char byte;

	memset(&c, 0, sizeof(c));
	snprintf(host, sizeof(host), "bench-%u", k);
	c.store = (char *)url;
	c.store_password_file = (char *)passfile;
	c.store_host = host;
	if (store_pg_open(&pg, &c, err, sizeof(err)) < 0) {
		fprintf(stderr, "fleet bench: %s\n", err);
		return 1;
	}
	/* Connected: wait for the common start. */
	if (read(go, &byte, 1) < 0)
		return 1;
	memset(&subj, 0, sizeof(subj));
	for (i = 0; i < records; i++) {
		unsigned int u, f;

		rng = rng * 1103515245U + 12345U;
		u = (rng >> 8) % USERS;
		rng = rng * 1103515245U + 12345U;
		f = ((u * 7919) + (rng >> 8) % (20 + u % 80)) % FILES;
		snprintf(path, sizeof(path), "/srv/data/%s/%03u/%05u.dat",
			 datasets[f % 4], f % 997, f);
		snprintf(name, sizeof(name), "user%02u", u);
		subj.uid = subj.euid = subj.auid = 1000 + u;
		subj.sessionid = 5000 + u;
		subj.tgid = 100000 + u;
		subj.ppid = 1;
		subj.start_ns = (u + 1) * NS;
		memcpy(subj.comm, "worker", 7);
		memset(&e, 0, sizeof(e));
		e.type = DAUDIT_REC_FILE_READ;
		e.instance_id = 0x1000 + k;
		e.cpu = (unsigned int)(i % 4);
		e.seq = i / 4;
		e.time_ns = e.first_ns = e.last_ns = T0 + 10 * 3600 * NS +
						     i * 1000000;
		e.user = 1000 + u;
		e.login = 1;
		e.user_name = name;
		e.subj = &subj;
		e.exe = exes[u % 5];
		e.dataset = datasets[f % 4];
		e.path = path;
		e.session_id = i;
		e.final = 1;
		e.paths = 1;
		e.bytes = 512 + (rng >> 8) % 262144;
		e.calls = 1 + e.bytes / 65536;
		e.off_min = 0;
		e.off_max = e.bytes;
		e.dev = 0x801;
		e.ino = 1000 + f;
		pg.mirror.event(pg.mirror.arg, &e);
		if ((i + 1) % batch == 0)
			store_pg_commit(&pg);
	}
	store_pg_commit(&pg);
	store_pg_close(&pg);
	return 0;
}

int main(int argc, char **argv)
{
	const char *url = NULL, *passfile = NULL;
	unsigned int n = 3, batch = 10000, k;
	uint64_t records = 200000;
	int go[2], a, failed = 0;
	pid_t pids[64];
	double t;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--store") && a + 1 < argc)
			url = argv[++a];
		else if (!strcmp(argv[a], "--password-file") && a + 1 < argc)
			passfile = argv[++a];
		else if (!strcmp(argv[a], "--instances") && a + 1 < argc)
			n = (unsigned int)strtoul(argv[++a], NULL, 10);
		else if (!strcmp(argv[a], "--records") && a + 1 < argc)
			records = strtoull(argv[++a], NULL, 10);
		else if (!strcmp(argv[a], "--batch") && a + 1 < argc)
			batch = (unsigned int)strtoul(argv[++a], NULL, 10);
		else
			url = NULL, a = argc;
	}
	if (!url || !n || n > 64 || !batch) {
		fprintf(stderr, "usage: fleet --store URL [--password-file F] [--instances N (1-64)] [--records M] [--batch B]\n");
		return 2;
	}
	util_progname = "fleet bench";
	if (pipe(go) < 0)
		return 1;
	for (k = 0; k < n; k++) {
		pids[k] = fork();
		if (pids[k] < 0)
			return 1;
		if (!pids[k]) {
			close(go[1]);
			_exit(instance(url, passfile, k + 1, records, batch, go[0]));
		}
	}
	close(go[0]);
	sleep(1);			/* all connected (or failed) by then */
	t = now_s();
	close(go[1]);			/* the common start: every read() returns */
	for (k = 0; k < n; k++) {
		int st;

		if (waitpid(pids[k], &st, 0) < 0 || !WIFEXITED(st) ||
		    WEXITSTATUS(st))
			failed = 1;
	}
	t = now_s() - t;
	if (failed) {
		fprintf(stderr, "fleet bench: an instance failed\n");
		return 1;
	}
	printf("postgresql %u instances  %" PRIu64 " records in %.2f s: %.0f records/s in total (%.0f per instance), transactions of %u\n",
	       n, records * n, t, (double)(records * n) / t,
	       (double)records / t, batch);
	return 0;
}
