// SPDX-License-Identifier: GPL-2.0
/*
 * Collector ingest benchmark: records per second from a synthetic stream
 * into SQLite with rollups and rules, on one core, and peak memory; in
 * two stages as dauditd runs them: the intake (device to journal rows,
 * committed and acknowledged) over the whole stream, then the indexer
 * (journal to store) over the journal it left.
 *
 *   build/bench/collector [--worst] [RECORDS] [DB]
 *   build/bench/collector --scenario DB   (the story of tests/unit/scenario.h)
 *
 * NORULES=1 switches the review rules off, BATCH=N sets batch_records,
 * ROLLUP_MS=N rollup_flush_ms, to see what each costs; KEEP_DB=1 keeps the database.  A second run with
 * clock reads around each stage prints where the time goes (STAGES=0:
 * not).  docs/performance.md
 * has the figures.
 *
 * The stream is generated while it is read, in device-sized reads
 * (256 KiB), so the measured process holds what a collector holds, not a
 * gigabyte of input; generation is timed alone first and reported.  The
 * records are what daudit.ko writes: process records on first sight,
 * reads of one session split into interim and final records, reads on
 * four CPUs interleaved, egress now and then, over several hours.
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "scenario.h"

#define USERS		500
#define PROCS		4		/* per user */
#define FILES		50000
#define DATASETS	4

static const char *const datasets[DATASETS] = { "customers", "orders",
						 "payroll", "tickets" };
static const char *const exes[] = {
	"/usr/bin/psql", "/usr/lib/postgresql/15/bin/postgres",
	"/usr/bin/python3.11", "/usr/bin/cat", "/usr/bin/rsync",
	"/usr/bin/sqlite3", "/opt/app/bin/server", "/usr/bin/grep",
};

struct gen {
	struct synth s;
	int worst;			/* every read a file new to its user */
	uint64_t step;			/* simulated ns between sessions */
	uint64_t made;			/* records generated */
	uint64_t want;
	uint64_t t;
	unsigned int rng;
	unsigned char seen[USERS * PROCS];
	size_t pos;			/* read position in s.buf */
};

static unsigned int rnd(struct gen *g)
{
	g->rng = g->rng * 1103515245U + 12345U;
	return g->rng >> 8;
}

static struct who who_of(unsigned int u, unsigned int p)
{
	struct who w;

	w.uid = 1000 + u;
	/* One user in five is a service without a login session. */
	w.auid = u % 5 ? 1000 + u : DAUDIT_UID_UNSET;
	w.sessionid = u % 5 ? 5000 + u : DAUDIT_SESSION_UNSET;
	w.tgid = 100000 + u * PROCS + p;
	w.start_ns = (uint64_t)(u * PROCS + p + 1) * NS;
	w.comm = "worker";
	return w;
}

/* One read session (1 to 4 records), now and then an egress. */
static void gen_session(struct gen *g)
{
	unsigned int u = rnd(g) % USERS, p = rnd(g) % PROCS, k = u * PROCS + p;
	unsigned int parts = 1 + rnd(g) % 4, i, f;
	unsigned int cpu = rnd(g) % 4;
	struct who w = who_of(u, p);
	uint64_t id = g->s.session++;
	char path[96];

	if (g->worst) {
		f = rnd(g) % FILES;
	} else {
		/*
		 * People and services read a working set: 20 to 100 files a
		 * person, 200 for a service, and now and then anything.
		 */
		unsigned int ws = u % 5 ? 20 + u % 80 : 200;
		unsigned int base = (u * 7919) % FILES;

		f = rnd(g) % 10 ? (base + rnd(g) % ws) % FILES : rnd(g) % FILES;
	}
	if (!g->seen[k]) {
		g->seen[k] = 1;
		synth_process(&g->s, cpu, g->t, &w,
			      exes[k % (sizeof(exes) / sizeof(exes[0]))],
			      DAUDIT_PROC_SEEN);
		g->made++;
	}
	snprintf(path, sizeof(path), "/srv/data/%s/%03u/%05u.dat",
		 datasets[f % DATASETS], f % 997, f);
	for (i = 0; i < parts; i++) {
		synth_read(&g->s, (cpu + i) % 4, g->t + i * 1000, &w,
			   datasets[f % DATASETS], path, id, i, i + 1 == parts,
			   512 + rnd(g) % 262144);
		g->made++;
	}
	if (rnd(g) % 50 == 0) {
		synth_egress(&g->s, cpu, g->t + parts * 1000, &w,
			     datasets[f % DATASETS], DAUDIT_EGRESS_NET, 0, NULL,
			     1000 + rnd(g) % 100000);
		g->made++;
	}
	g->t += g->step;
}

/* A source that generates records as they are read. */
static ssize_t gen_read(struct source *src, void *buf, size_t len)
{
	struct gen *g = src->ctx;
	size_t done = 0;

	while (g->s.len - g->pos < len && g->made < g->want) {
		/* Keep what was not read yet, drop the rest, make more. */
		memmove(g->s.buf, g->s.buf + g->pos, g->s.len - g->pos);
		g->s.len -= g->pos;
		g->pos = 0;
		while (g->s.len < 2 * len && g->made < g->want)
			gen_session(g);
	}
	while (g->pos + done < g->s.len) {
		const struct daudit_rec_header *h =
			(const void *)(g->s.buf + g->pos + done);

		if (done + h->size > len)
			break;
		done += h->size;
	}
	memcpy(buf, g->s.buf + g->pos, done);
	g->pos += done;
	return (ssize_t)done;
}

static int gen_ack(struct source *src, const uint64_t *seq, unsigned int n)
{
	(void)src;
	(void)seq;
	(void)n;
	return 0;
}

static const struct source_ops gen_ops = { gen_read, gen_ack, NULL };

static void gen_init(struct gen *g, uint64_t want, int worst)
{
	memset(g, 0, sizeof(*g));
	synth_init(&g->s);
	g->want = want;
	g->worst = worst;
	/* The stream covers two hours, whatever its length (2.6 records a
	 * session on average). */
	g->step = 2 * HOUR_NS / (want / 2.6 + 1);
	g->t = T0 + 8 * HOUR_NS;
	g->rng = 12345;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* Payroll is read by its server and the usual tools; sqlite3 is not allowed. */
static void allow(struct config *c)
{
	unsigned int i, n = 0;

	c->allow = calloc(1, sizeof(*c->allow));
	c->n_allow = 1;
	snprintf(c->allow[0].dataset, sizeof(c->allow[0].dataset), "payroll");
	c->allow[0].exes = calloc(sizeof(exes) / sizeof(exes[0]), sizeof(char *));
	for (i = 0; i < sizeof(exes) / sizeof(exes[0]); i++)
		if (strcmp(exes[i], "/usr/bin/sqlite3"))
			c->allow[0].exes[n++] = strdup(exes[i]);
	c->allow[0].n = n;
	if (getenv("BATCH"))
		c->batch_records = (unsigned int)atoi(getenv("BATCH"));
	if (getenv("ROLLUP_MS"))
		c->rollup_flush_ms = (unsigned int)atoi(getenv("ROLLUP_MS"));
	if (getenv("NORULES"))
		c->rules.disabled = ~0U;
}

static int64_t count(struct collector *c, const char *sql)
{
	return test_int(c, sql);
}

static void stage(const char *name, uint64_t ns, uint64_t records,
		  double total_ns)
{
	printf("  %-22s %8.3f s %8.0f ns/record %5.1f %%\n", name, ns / 1e9,
	       (double)ns / (double)records, 100.0 * (double)ns / total_ns);
}

static void other(uint64_t known, uint64_t records, double total)
{
	stage("other (loop, clock)", (uint64_t)total > known ?
	      (uint64_t)total - known : 0, records, total);
}

struct run {
	double wall, cpu;		/* intake: device to journal, acknowledged */
	double ix_wall, ix_cpu;		/* indexing: journal to store */
	struct ingest_prof prof;
	struct intake_prof in;
	struct indexer_prof ix;
};

/* Where the time went, from the profiled run. */
static void print_stages(const struct run *r, uint64_t records)
{
	const struct ingest_prof *p = &r->prof;
	double total = r->wall * 1e9;
	uint64_t known = p->read + r->in.walk + r->in.commit + r->in.ack;

	printf("intake per stage (a second run with clock reads around each stage, %.2f s, %.0f records/s):\n",
	       r->wall, records / r->wall);
	stage("read (generator)", p->read, records, total);
	stage("walk headers", r->in.walk, records, total);
	stage("journal row + commit", r->in.commit, records, total);
	stage("ack", r->in.ack, records, total);
	other(known, records, total);
	printf("  %llu journal commits, %.0f records each; longest %.1f ms\n",
	       (unsigned long long)r->in.commits,
	       r->in.commits ? (double)records / (double)r->in.commits : 0.0,
	       r->in.longest_commit / 1e6);
	total = r->ix_wall * 1e9;
	known = r->ix.fetch + r->ix.trim + p->decode + p->insert + p->rollup +
		p->rules + p->sinks + p->flush_rollup + p->flush_rules +
		p->commit + p->sinks_commit;
	printf("indexing per stage (%.2f s, %.0f records/s):\n", r->ix_wall,
	       records / r->ix_wall);
	stage("journal rows read", r->ix.fetch, records, total);
	stage("decode", p->decode, records, total);
	stage("insert event row", p->insert, records, total);
	stage("rollups (memory)", p->rollup, records, total);
	stage("rules (per record)", p->rules, records, total);
	stage("sinks (per record)", p->sinks, records, total);
	stage("flush rollups", p->flush_rollup, records, total);
	stage("flush rules", p->flush_rules, records, total);
	stage("commit", p->commit, records, total);
	stage("sinks commit", p->sinks_commit, records, total);
	stage("journal rows deleted", r->ix.trim, records, total);
	other(known, records, total);
	printf("  %llu commits, %.0f records each; rollups written %llu times\n",
	       (unsigned long long)p->commits,
	       p->commits ? (double)records / (double)p->commits : 0.0,
	       (unsigned long long)p->rollup_flushes);
	printf("  longest commit %.0f ms (the journal holds the device meanwhile)\n",
	       p->longest_commit / 1e6);
}

/*
 * One run over the whole stream into a new @db: the intake alone (the
 * device to committed, acknowledged journal rows), then the indexer over
 * the journal it left; @c is left open.
 */
static void run_once(struct collector *c, const char *db, uint64_t want,
		     int worst, int prof, struct run *out)
{
	static struct source src;
	static struct gen g;
	double t0, c0;

	test_db_remove(db);
	gen_init(&g, want, worst);
	fake_source(&src, NULL, 1);
	src.ops = &gen_ops;
	src.ctx = &g;
	src.ring_bytes = 0;
	test_collector(c, db, &src, allow);
	c->ingest.prof.on = prof;
	c->index_hold = 1;
	t0 = now_s();
	c0 = cpu_s();
	while (collector_pump(c, 0) > 0)
		;
	collector_commit(c);
	out->wall = now_s() - t0;
	out->cpu = cpu_s() - c0;
	c->index_hold = 0;
	t0 = now_s();
	c0 = cpu_s();
	indexer_drain(c);
	indexer_commit(c, 1);
	out->ix_wall = now_s() - t0;
	out->ix_cpu = cpu_s() - c0;
	out->prof = c->ingest.prof;
	out->in = c->intake.prof;
	out->ix = c->ix.prof;
	synth_free(&g.s);
}

int main(int argc, char **argv)
{
	int worst = argc > 1 && !strcmp(argv[1], "--worst");
	uint64_t want = argc > 1 + worst && argv[1 + worst][0] != '-' ?
			strtoull(argv[1 + worst], NULL, 10) : 1000000;
	const char *db = argc > 2 + worst ? argv[2 + worst] : "/tmp/daudit-bench.db";
	int stages = !getenv("STAGES") || strcmp(getenv("STAGES"), "0");
	double t0, gen_s;
	struct collector c;
	struct source src;
	struct rusage ru;
	struct run r, rp;
	struct gen g;
	cpu_set_t one;
	uint64_t records;
	unsigned char *buf;
	struct stat sb;

	setenv("TZ", "UTC", 1);
	tzset();
	util_progname = "bench";
	if (argc > 2 && !strcmp(argv[1], "--scenario")) {
		scenario_db(argv[2], T0);
		printf("scenario written to %s\n", argv[2]);
		return 0;
	}
	CPU_ZERO(&one);
	CPU_SET(0, &one);
	if (sched_setaffinity(0, sizeof(one), &one) < 0)
		perror("sched_setaffinity (continuing on any core)");

	/* The generator alone, to know its share. */
	gen_init(&g, want, worst);
	fake_source(&src, NULL, 1);
	src.ops = &gen_ops;
	src.ctx = &g;
	buf = malloc(256 * 1024);
	t0 = now_s();
	while (gen_read(&src, buf, 256 * 1024) > 0)
		;
	gen_s = now_s() - t0;
	synth_free(&g.s);
	free(buf);

	run_once(&c, db, want, worst, 0, &r);
	records = c.intake.total;
	getrusage(RUSAGE_SELF, &ru);
	stat(db, &sb);

	printf("stream                  %s\n", worst ?
	       "worst case: every read a file new to its user" :
	       "working sets: 500 users, 50,000 files, 2 simulated hours");
	printf("records                 %llu (%llu stored as events, %llu process records)\n",
	       (unsigned long long)records, (unsigned long long)c.ingest.st.stored,
	       (unsigned long long)(records - c.ingest.st.stored));
	printf("generator alone         %.2f s (%.0f records/s), included in intake\n",
	       gen_s, records / gen_s);
	printf("intake wall time        %.2f s (CPU %.2f s): device to journal, committed and acknowledged\n",
	       r.wall, r.cpu);
	printf("intake records/s        %.0f\n", records / r.wall);
	printf("indexing wall time      %.2f s (CPU %.2f s): journal to store\n",
	       r.ix_wall, r.ix_cpu);
	printf("indexing records/s      %.0f\n", records / r.ix_wall);
	printf("records/s (wall)        %.0f (both stages one after the other, one core)\n",
	       records / (r.wall + r.ix_wall));
	printf("peak RSS                %.1f MiB\n", ru.ru_maxrss / 1024.0);
	printf("database                %.1f MiB\n", sb.st_size / 1048576.0);
	printf("rollup rows             %lld (+ %lld file, %lld executable)\n",
	       (long long)count(&c, "SELECT COUNT(*) FROM rollup"),
	       (long long)count(&c, "SELECT COUNT(*) FROM rollup_file"),
	       (long long)count(&c, "SELECT COUNT(*) FROM rollup_exe"));
	printf("findings                %lld (%lld evidence rows)\n",
	       (long long)count(&c, "SELECT COUNT(*) FROM findings"),
	       (long long)count(&c, "SELECT COUNT(*) FROM evidence"));
	collector_close(&c);
	if (stages) {
		run_once(&c, db, want, worst, 1, &rp);
		collector_close(&c);
		print_stages(&rp, records);
	}
	if (!getenv("KEEP_DB"))
		test_db_remove(db);
	return 0;
}
