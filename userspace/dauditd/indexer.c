// SPDX-License-Identifier: GPL-2.0
/*
 * The indexer (indexer.h): journal rows through the ingest into the
 * store, in its own thread in dauditd.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>
#include <syslog.h>

#include "indexer.h"
#include "loop.h"
#include "sensors.h"
#include "sensorstatus.h"
#include "timeparse.h"
#include "util.h"

#define RETENTION_EVERY_MS	(3600 * 1000LL)
#define RATE_EVERY_MS		1000
/*
 * A transaction takes journal rows up to this many times batch_records:
 * with a backlog, fewer commits (callgrind, 200,000 records: 3.5 % fewer
 * instructions than one batch's worth); without one, a row each.
 */
#define ROWS_PER_TXN_FACTOR	4

int indexer_open(struct collector *c, char *err, size_t errlen)
{
	struct indexer *ix = &c->ix;
	struct journal_backlog b;

	memset(ix, 0, sizeof(*ix));
	ix->wake_fd = -1;
	if (journal_open(&ix->j, c->cfg.database, 1, err, errlen) < 0)
		return -1;
	pthread_mutex_init(&ix->lock, NULL);
	atomic_init(&ix->stop, 0);
	ix->mark = store_meta_get_int(&c->store, JOURNAL_MARK, 0);
	/* A journal deleted by hand must not reuse ids below the mark. */
	journal_ids_above(&ix->j, ix->mark);
	journal_backlog_query(ix->j.db, ix->mark, &b);
	if (b.batches)
		util_log(LOG_NOTICE, "journal %s: %" PRId64 " records in %" PRId64 " batches wait to be indexed (the previous run stopped before it indexed them)",
			 ix->j.path, b.records, b.batches);
	ix->rate_ms = collector_now_ms();
	return 0;
}

void indexer_close(struct collector *c)
{
	struct indexer *ix = &c->ix;

	if (ix->threaded)
		indexer_stop(c);
	if (ix->j.db) {
		journal_close(&ix->j);
		pthread_mutex_destroy(&ix->lock);
	}
}

int indexer_rollups_due(struct collector *c)
{
	return collector_now_ms() - c->last_rollup_ms >=
	       (int64_t)c->cfg.rollup_flush_ms;
}

void indexer_commit(struct collector *c, int rollups)
{
	struct ingest_prof *p = &c->ingest.prof;
	uint64_t t;

	ingest_commit(&c->ingest, rollups);
	if (rollups)
		c->last_rollup_ms = collector_now_ms();
	/* Every sink has its copy (written or spooled) before the delete. */
	t = p->on ? ingest_prof_ns() : 0;
	sinks_commit(c->sinks);
	if (p->on)
		p->sinks_commit += ingest_prof_ns() - t;
}

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

/*
 * The indexer's rate for `daudit status`, at most once a second, in the
 * open transaction: records per second of wall time since the last
 * measurement, and per second of the thread's CPU time (what it could
 * sustain).
 */
static void measure_rate(struct collector *c)
{
	struct indexer *ix = &c->ix;
	int64_t now = collector_now_ms();
	uint64_t cpu, n;

	if (now - ix->rate_ms < RATE_EVERY_MS)
		return;
	cpu = thread_cpu_ns();
	n = ix->indexed - ix->rate_n;
	store_meta_int(&c->store, JOURNAL_RATE,
		       (int64_t)(n * 1000 / (uint64_t)(now - ix->rate_ms)));
	if (cpu > ix->rate_cpu_ns)
		store_meta_int(&c->store, JOURNAL_RATE_BUSY,
			       (int64_t)((double)n * 1e9 /
					 (double)(cpu - ix->rate_cpu_ns)));
	store_meta_int(&c->store, JOURNAL_RATE_NS,
		       (int64_t)time(NULL) * NSEC_PER_SEC);
	ix->rate_ms = now;
	ix->rate_n = ix->indexed;
	ix->rate_cpu_ns = cpu;
}

int indexer_step(struct collector *c)
{
	struct indexer *ix = &c->ix;
	int prof = c->ingest.prof.on;
	uint64_t n = 0, t = prof ? ingest_prof_ns() : 0;
	int64_t bytes = 0;
	struct journal_row r;
	int rows = 0;

	while (n < ROWS_PER_TXN_FACTOR * (uint64_t)c->cfg.batch_records &&
	       journal_next(&ix->j, ix->pos, &r)) {
		if (r.instance_id != c->ingest.instance_id) {
			/* Another module instance's rows: a transaction of their own. */
			if (rows) {
				journal_row_done(&ix->j);
				break;
			}
			indexer_commit(c, 1);
			ingest_set_instance(&c->ingest, r.instance_id);
			sinks_set_instance(c->sinks, r.instance_id);
		}
		if (prof) {
			uint64_t t1 = ingest_prof_ns();

			ix->prof.fetch += t1 - t;
			t = t1;
		}
		ingest_buffer(&c->ingest, r.data, r.len);
		if (prof)
			t = ingest_prof_ns();
		ix->pos = r.id;
		n += r.records;
		bytes += (int64_t)r.len;
		rows++;
		journal_row_done(&ix->j);
	}
	if (prof)
		ix->prof.fetch += ingest_prof_ns() - t;
	if (!rows)
		return 0;
	ix->indexed += n;
	ix->rows += (uint64_t)rows;
	store_begin(&c->store);
	if (ix->pos > ix->mark) {
		ix->mark = ix->pos;
		store_meta_int(&c->store, JOURNAL_MARK, ix->mark);
	}
	measure_rate(c);
	indexer_commit(c, indexer_rollups_due(c));
	/* Stored and in every sink: the journal may forget them. */
	t = prof ? ingest_prof_ns() : 0;
	journal_delete_upto(&ix->j, ix->pos);
	atomic_fetch_sub(&c->intake.held, bytes);
	if (prof)
		ix->prof.trim += ingest_prof_ns() - t;
	return rows;
}

void indexer_drain(struct collector *c)
{
	while (indexer_step(c) > 0)
		;
}

/* ------------------------------------------------------------------ */
/* The thread                                                          */
/* ------------------------------------------------------------------ */

/*
 * The eBPF sensor's counters for `daudit status`, at most once a second
 * (or now, with @force) and only when they changed: an idle collector
 * writes nothing.
 */
static void publish_counts(struct collector *c, int force)
{
	struct indexer *ix = &c->ix;
	int64_t now = collector_now_ms();
	char buf[sizeof(ix->counts)];

	if (!force && now - ix->counts_ms < RATE_EVERY_MS)
		return;
	ix->counts_ms = now;
	if (sensor_ebpf_counts(buf, sizeof(buf)) < 0 || !strcmp(buf, ix->counts))
		return;
	store_meta(&c->store, SENSOR_COUNTS_META, buf);
	memcpy(ix->counts, buf, sizeof(buf));
}

static void tick(struct collector *c)
{
	struct indexer *ix = &c->ix;

	if (indexer_rollups_due(c) && rollup_pending(&c->rollup))
		indexer_commit(c, 1);
	if (collector_now_ms() - ix->last_retention_ms >= RETENTION_EVERY_MS) {
		collector_retention(c);
		ix->last_retention_ms = collector_now_ms();
	}
	/* One host at a time reviews the fleet (fleet_review.h). */
	if (c->pg)
		fleet_review_tick(&c->review, c->pg, &c->cfg,
				  collector_now_ms());
	sinks_tick(c->sinks);
	health_tick(&c->health, c->sinks);
	publish_counts(c, 0);
	sensor_ebpf_tick();
}

static int watch(int ep, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

/*
 * How often the thread wakes without rows to read: for the sinks every
 * batch_ms (as the loop did before the journal); without sinks only for
 * the rollups and retention, once a second, or every rollup_flush_ms if
 * that is shorter.  An idle dauditd must stay near no CPU at all.
 */
static unsigned int tick_ms_of(const struct collector *c)
{
	unsigned int ms = sinks_count(c->sinks) ? c->cfg.batch_ms : 1000;

	if (c->cfg.rollup_flush_ms && c->cfg.rollup_flush_ms < ms)
		ms = c->cfg.rollup_flush_ms;
	return ms;
}

static void *run(void *arg)
{
	struct collector *c = arg;
	struct indexer *ix = &c->ix;
	unsigned int tick_ms;
	int woken = 1;			/* rows a previous run left */
	int ep = epoll_create1(EPOLL_CLOEXEC), tfd, sfd = -1;
	struct epoll_event evs[4];

	/* The configuration changes under the lock (SIGHUP). */
	pthread_mutex_lock(&ix->lock);
	tick_ms = tick_ms_of(c);
	pthread_mutex_unlock(&ix->lock);
	tfd = collector_timer(tick_ms);
	if (ep < 0 || tfd < 0 || watch(ep, ix->wake_fd) < 0 || watch(ep, tfd) < 0)
		util_die(EXIT_FAIL, "indexer: setting up its event loop: %m");
	for (;;) {
		int n = epoll_wait(ep, evs, 4, -1), i, ticked = 0, stopping;
		uint64_t v;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			util_die(EXIT_FAIL, "indexer: epoll_wait: %m");
		pthread_mutex_lock(&ix->lock);
		for (i = 0; i < n; i++) {
			int fd = evs[i].data.fd;

			if (fd == ix->wake_fd) {
				if (read(fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
					util_err("indexer: eventfd: %m");
				woken = 1;
			} else if (fd == tfd) {
				if (read(fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
					util_err("indexer: timerfd: %m");
				ticked = 1;
			} else if (fd == sfd) {
				sinks_ready(c->sinks);
			}
		}
		stopping = atomic_load(&ix->stop);
		/* Between transactions a reload may take the lock. */
		while ((woken || stopping) && indexer_step(c) > 0) {
			pthread_mutex_unlock(&ix->lock);
			pthread_mutex_lock(&ix->lock);
		}
		woken = 0;
		if (ticked)
			tick(c);
		/* The sinks' descriptor exists once a sink is configured. */
		if (sfd < 0 && sinks_fd(c->sinks) >= 0) {
			sfd = sinks_fd(c->sinks);
			if (watch(ep, sfd) < 0)
				util_die(EXIT_FAIL, "indexer: epoll: %m");
		}
		if (tick_ms_of(c) != tick_ms) {
			close(tfd);
			tick_ms = tick_ms_of(c);
			tfd = collector_timer(tick_ms);
			if (tfd < 0 || watch(ep, tfd) < 0)
				util_die(EXIT_FAIL, "indexer: timerfd: %m");
		}
		if (stopping)
			publish_counts(c, 1);
		pthread_mutex_unlock(&ix->lock);
		if (stopping)
			break;
	}
	close(tfd);
	close(ep);
	return NULL;
}

int indexer_start(struct collector *c, char *err, size_t errlen)
{
	struct indexer *ix = &c->ix;
	int rc;

	ix->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (ix->wake_fd < 0) {
		snprintf(err, errlen, "indexer: eventfd: %s", strerror(errno));
		return -1;
	}
	ix->last_retention_ms = collector_now_ms() - RETENTION_EVERY_MS;
	ix->rate_cpu_ns = 0;
	atomic_store(&ix->stop, 0);
	/* Waiting for PostgreSQL ends when dauditd is asked to stop. */
	if (c->pg)
		store_pg_set_stop(c->pg, &ix->stop);
	/* The sinks are the thread's from now on. */
	ix->threaded = 1;
	rc = pthread_create(&ix->thread, NULL, run, c);
	if (rc) {
		ix->threaded = 0;
		close(ix->wake_fd);
		ix->wake_fd = -1;
		snprintf(err, errlen, "indexer: cannot start its thread: %s",
			 strerror(rc));
		return -1;
	}
	return 0;
}

void indexer_wake(struct collector *c)
{
	uint64_t one = 1;

	if (c->ix.threaded && write(c->ix.wake_fd, &one, sizeof(one)) < 0 &&
	    errno != EAGAIN)
		util_err("indexer: eventfd: %m");
}

void indexer_stop(struct collector *c)
{
	struct indexer *ix = &c->ix;

	if (!ix->threaded)
		return;
	atomic_store(&ix->stop, 1);
	indexer_wake(c);
	pthread_join(ix->thread, NULL);
	ix->threaded = 0;
	close(ix->wake_fd);
	ix->wake_fd = -1;
}

void indexer_lock(struct collector *c)
{
	if (c->ix.threaded)
		pthread_mutex_lock(&c->ix.lock);
}

void indexer_unlock(struct collector *c)
{
	if (c->ix.threaded)
		pthread_mutex_unlock(&c->ix.lock);
}

void collector_retention(struct collector *c)
{
	struct retention_stats st;

	indexer_commit(c, 1);
	store_retention(&c->store, time(NULL), &c->cfg, &st);
	/*
	 * New events take ids from the highest one left: the rollup mark
	 * must not stay above it (everything left is in the rollups).
	 */
	store_reload_last_event_id(&c->store);
	indexer_commit(c, 1);
	if (c->pg)
		store_pg_retention(c->pg, time(NULL), c->cfg.retention_days);
	if (st.events_by_age || st.events_by_size)
		util_log(LOG_INFO, "retention: deleted %" PRId64 " raw events older than %u days and %" PRId64 " more to stay under %u MB (%" PRId64 " of them kept as evidence of high-severity incidents); database now %" PRId64 " bytes",
			 st.events_by_age, c->cfg.retention_days,
			 st.events_by_size, c->cfg.retention_mb,
			 st.evidence_kept, st.db_bytes);
}
