// SPDX-License-Identifier: GPL-2.0
/*
 * The intake's side: one epoll loop over three descriptors: the device
 * (records ready; not watched while the journal is full), a signalfd
 * (SIGTERM/SIGINT: drain and stop; SIGHUP: reload), and a timerfd that
 * ticks every batch_ms (commit what waits).  Nothing blocks but
 * epoll_wait.  The indexer's thread (indexer.c) has the store, the
 * rollups, the rules, the sinks and retention.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>
#include <syslog.h>

#include "device.h"
#include "indexer.h"
#include "loop.h"
#include "sensorstatus.h"
#include "timeparse.h"
#include "util.h"

#define READ_BUF		(256 * 1024)
#define READS_PER_PUMP		64

int64_t collector_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ------------------------------------------------------------------ */
/* The device                                                          */
/* ------------------------------------------------------------------ */

static ssize_t dev_read(struct source *src, void *buf, size_t len)
{
	ssize_t n = read(src->fd, buf, len);

	if (n < 0 && errno == EAGAIN)
		return 0;
	return n;
}

static int dev_ack(struct source *src, const uint64_t *seq, unsigned int n)
{
	struct daudit_ack a = { .seq_ptr = (uintptr_t)seq, .ncpus = n };

	return ioctl(src->fd, DAUDIT_IOC_ACK, &a);
}

static int dev_flush(struct source *src)
{
	return ioctl(src->fd, DAUDIT_IOC_FLUSH);
}

static const struct source_ops device_ops = {
	.read = dev_read,
	.ack = dev_ack,
	.flush = dev_flush,
};

int source_open_device(struct source *src, char *err, size_t errlen)
{
	struct dev *d = util_xcalloc(1, sizeof(*d));
	uint32_t on = 1;

	memset(src, 0, sizeof(*src));
	if (dev_open(d, DEV_CONSUMER, O_NONBLOCK, "the collector", err, errlen) < 0) {
		free(d);
		return -1;
	}
	if (ioctl(d->fd, DAUDIT_IOC_ACK_MODE, &on) < 0) {
		snprintf(err, errlen, "cannot switch %s to ack mode: %s",
			 dev_path(), strerror(errno));
		dev_close(d);
		free(d);
		return -1;
	}
	src->ops = &device_ops;
	src->ctx = d;
	src->fd = d->fd;
	src->instance_id = d->ver.instance_id;
	src->ncpus = d->ver.ncpus;
	src->ring_bytes = d->ver.ring_bytes;
	snprintf(src->module_version, sizeof(src->module_version), "%s",
		 d->ver.module_version);
	return 0;
}

void source_close_device(struct source *src)
{
	struct dev *d = src->ctx;

	if (d) {
		dev_close(d);
		free(d);
	}
	src->ctx = NULL;
	src->fd = -1;
}

/* ------------------------------------------------------------------ */
/* The delivery cycle                                                  */
/* ------------------------------------------------------------------ */

static void mark_state(struct collector *c, const char *state)
{
	char inst[24];

	store_begin(&c->store);
	store_meta(&c->store, "collector_state", state);
	store_meta_int(&c->store, "collector_pid", getpid());
	store_meta_int(&c->store, !strcmp(state, "running") ? "started_ns" :
		       "stopped_ns", (int64_t)time(NULL) * NSEC_PER_SEC);
	if (!strcmp(state, "running")) {
		snprintf(inst, sizeof(inst), "%016" PRIx64, c->src->instance_id);
		store_meta(&c->store, "instance_id", inst);
		store_meta(&c->store, "module_version", c->src->module_version);
		store_meta(&c->store, SENSOR_META, c->src->sensor);
		store_meta(&c->store, SENSOR_REASON_META, c->src->sensor_why);
		/* A previous run's counters are not this sensor's. */
		store_meta(&c->store, SENSOR_COUNTS_META, NULL);
		store_meta(&c->store, "config", c->config_path);
		store_meta_int(&c->store, "retention_days", c->cfg.retention_days);
		store_meta_int(&c->store, "retention_mb", c->cfg.retention_mb);
		store_meta_int(&c->store, "rollup_retention_days",
			       c->cfg.rollup_retention_days);
	}
	store_commit(&c->store);
}

static void hook_record(void *arg, const struct daudit_rec_header *h)
{
	struct collector *c = arg;

	sinks_record(c->sinks, h);
	if (h->type == DAUDIT_REC_POLICY)
		health_record(&c->health, c->sinks, h);
}

static void hook_gap(void *arg, unsigned int cpu, uint64_t expected,
		     uint64_t got)
{
	struct collector *c = arg;

	sinks_gap(c->sinks, cpu, expected, got);
}

static const char *hook_exe(void *arg, uint32_t tgid, uint64_t start_ns,
			    const char **cmdline)
{
	return ingest_exe(arg, tgid, start_ns, cmdline);
}

int collector_open_store(struct collector *c, struct config *cfg,
			 char *err, size_t errlen)
{
	memset(c, 0, sizeof(*c));
	health_init(&c->health);
	c->cfg = *cfg;
	memset(cfg, 0, sizeof(*cfg));
	if (store_open(&c->store, c->cfg.database, err, errlen) < 0) {
		config_free(&c->cfg);
		return -1;
	}
	/* The fleet's PostgreSQL gets every event the store gets. */
	if (c->cfg.store) {
		c->pg = util_xcalloc(1, sizeof(*c->pg));
		if (store_pg_open(c->pg, &c->cfg, err, errlen) < 0) {
			free(c->pg);
			c->pg = NULL;
			store_close(&c->store);
			config_free(&c->cfg);
			return -1;
		}
		c->store.mirror = &c->pg->mirror;
	}
	/* The journal, one connection for each side. */
	if (intake_open(&c->intake, c->cfg.database,
			(uint64_t)c->cfg.journal_max_mb * 1024 * 1024, err,
			errlen) < 0) {
		store_close(&c->store);
		config_free(&c->cfg);
		return -1;
	}
	if (indexer_open(c, err, errlen) < 0) {
		intake_close(&c->intake);
		store_close(&c->store);
		config_free(&c->cfg);
		return -1;
	}
	return 0;
}

int collector_attach(struct collector *c, struct source *src, char *err,
		     size_t errlen)
{
	const char *db = c->cfg.database;

	c->src = src;
	intake_attach(&c->intake, src->ncpus, src->ring_bytes);
	rollup_init(&c->rollup, &c->store);
	rules_init(&c->rules, &c->store, &c->cfg);
	/* The rings are the intake's concern: no early commit here. */
	ingest_init(&c->ingest, &c->store, &c->rollup, &c->rules, &c->cfg,
		    src->instance_id, src->ncpus, 0);
	c->sinks = sinks_new(&c->cfg, db, &c->store, src->instance_id, err,
			     errlen);
	if (!c->sinks) {
		ingest_free(&c->ingest);
		rules_free(&c->rules);
		rollup_free(&c->rollup);
		indexer_close(c);
		intake_close(&c->intake);
		store_close(&c->store);
		config_free(&c->cfg);
		return -1;
	}
	sinks_set_exe_lookup(c->sinks, hook_exe, &c->ingest);
	c->ingest.on_record = hook_record;
	c->ingest.on_gap = hook_gap;
	c->ingest.hook_arg = c;
	c->ackv = util_xcalloc(src->ncpus ? src->ncpus : 1, sizeof(*c->ackv));
	c->last_commit_ms = collector_now_ms();
	c->config_path = c->cfg.file ? c->cfg.file : "(defaults)";
	/*
	 * Rollups that a crash kept from being written: from the events,
	 * before any new record.
	 */
	c->replayed = rollup_replay(&c->rollup);
	if (c->replayed)
		util_log(LOG_NOTICE, "rollups: added %" PRIu64 " events stored after the last rollup write (the previous run ended before it)",
			 c->replayed);
	indexer_commit(c, 1);
	mark_state(c, "running");
	return 0;
}

int collector_open(struct collector *c, struct config *cfg,
		   struct source *src, char *err, size_t errlen)
{
	if (collector_open_store(c, cfg, err, errlen) < 0)
		return -1;
	return collector_attach(c, src, err, errlen);
}

/*
 * The batch to the journal, committed, then acknowledged; the indexer
 * is told (or, without its thread, runs now).
 */
static void flush_intake(struct collector *c)
{
	struct intake *in = &c->intake;
	unsigned int n;
	uint64_t t;

	if (!in->len)
		return;
	n = intake_commit(in, c->src->instance_id, c->ackv, c->src->ncpus);
	c->last_commit_ms = collector_now_ms();
	if (n && c->src->ncpus) {
		/* Only now is it safe for the kernel to forget these records. */
		t = in->prof_on ? ingest_prof_ns() : 0;
		if (c->src->ops->ack(c->src, c->ackv, c->src->ncpus) < 0)
			util_err("acknowledging records: %s (they will be delivered again and skipped)",
				 strerror(errno));
		if (in->prof_on)
			in->prof.ack += ingest_prof_ns() - t;
		c->acks++;
	}
	intake_watch(in);
	if (c->ix.threaded)
		indexer_wake(c);
	else if (!c->index_hold)
		indexer_drain(c);
}

void collector_commit(struct collector *c)
{
	flush_intake(c);
	if (c->ix.threaded || c->index_hold)
		return;
	indexer_drain(c);
	indexer_commit(c, 1);
}

static int batch_due(struct collector *c)
{
	const struct intake *in = &c->intake;

	return in->records >= c->cfg.batch_records || in->need_commit ||
	       (in->len &&
		collector_now_ms() - c->last_commit_ms >= c->cfg.batch_ms);
}

long collector_pump(struct collector *c, int force)
{
	struct ingest_prof *p = &c->ingest.prof;
	long records = 0;
	int i;

	c->intake.prof_on = p->on;
	for (i = 0; i < READS_PER_PUMP; i++) {
		uint64_t t;
		ssize_t n;
		void *buf;

		/* A full journal: the rings hold (and then drop) meanwhile. */
		if (intake_full(&c->intake)) {
			flush_intake(c);
			break;
		}
		buf = intake_space(&c->intake, READ_BUF);
		t = p->on ? ingest_prof_ns() : 0;
		n = c->src->ops->read(c->src, buf, READ_BUF);
		if (p->on)
			p->read += ingest_prof_ns() - t;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			util_err("reading records: %s", strerror(errno));
			collector_commit(c);
			return -1;
		}
		if (n == 0)
			break;
		t = c->intake.total;
		intake_take(&c->intake, (size_t)n);
		records += (long)(c->intake.total - t);
		if (batch_due(c))
			flush_intake(c);
	}
	if (force || batch_due(c))
		flush_intake(c);
	return records;
}

void collector_close(struct collector *c)
{
	flush_intake(c);
	/* The indexer finishes the journal, then stops. */
	indexer_stop(c);
	if (!c->index_hold) {
		indexer_drain(c);
		indexer_commit(c, 1);
	}
	sinks_free(c->sinks);
	c->sinks = NULL;
	mark_state(c, "stopped");
	ingest_free(&c->ingest);
	rules_free(&c->rules);
	rollup_free(&c->rollup);
	indexer_close(c);
	intake_close(&c->intake);
	store_close(&c->store);
	if (c->pg) {
		store_pg_close(c->pg);
		free(c->pg);
		c->pg = NULL;
	}
	config_free(&c->cfg);
	free(c->ackv);
	c->ackv = NULL;
}

int collector_reload(struct collector *c, char *err, size_t errlen)
{
	struct config n;

	if (config_load(&n, c->config_path, 0, err, errlen) < 0) {
		config_free(&n);
		return -1;
	}
	if (c->db_override) {
		free(n.database);
		n.database = util_xstrdup(c->db_override);
	}
	if (strcmp(n.database, c->cfg.database))
		util_log(LOG_WARNING, "%s: database changed to %s; it takes effect at the next start, %s stays in use",
			 c->config_path, n.database, c->cfg.database);
	/* Everything that points at the config sees the new values. */
	collector_commit(c);
	indexer_lock(c);
	free(n.database);
	n.database = c->cfg.database;
	c->cfg.database = NULL;
	free(n.file);
	n.file = c->cfg.file;
	c->cfg.file = NULL;
	config_free(&c->cfg);
	c->cfg = n;
	c->config_path = c->cfg.file;
	c->intake.max_bytes = (uint64_t)c->cfg.journal_max_mb * 1024 * 1024;
	rules_set_config(&c->rules, &c->cfg);
	fleet_review_config_changed(&c->review);
	/* Sinks: unchanged ones reopen their files, others start anew. */
	if (sinks_reload(c->sinks, &c->cfg, c->cfg.database, err, errlen) < 0)
		util_err("%s", err);
	indexer_unlock(c);
	return 0;
}

/* ------------------------------------------------------------------ */
/* The loop                                                            */
/* ------------------------------------------------------------------ */

static int add_fd(int ep, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

/* Every @ms from now on, or never when @ms is 0. */
static void set_timer(int fd, unsigned int ms)
{
	struct itimerspec its;

	memset(&its, 0, sizeof(its));
	its.it_interval.tv_sec = ms / 1000;
	its.it_interval.tv_nsec = (long)(ms % 1000) * 1000000;
	its.it_value = its.it_interval;
	timerfd_settime(fd, 0, &its, NULL);
}

int collector_timer(unsigned int ms)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);

	if (fd >= 0)
		set_timer(fd, ms);
	return fd;
}

/*
 * The loop's timer runs only while it has something to do: records in
 * the intake to commit after batch_ms, or a journal over half full (the
 * device unwatched when full, the backlog warnings) to look at again as
 * the indexer drains it.  An idle dauditd then sleeps in epoll_wait
 * until the device has records.
 */
static int timer_needed(const struct collector *c)
{
	return c->intake.len || intake_full(&c->intake) || c->intake.warned;
}

/* SIGTERM: ask for interim records of open sessions, read all, commit. */
static void drain(struct collector *c)
{
	int rounds;

	if (c->src->ops->flush && c->src->ops->flush(c->src) < 0 &&
	    errno != EPERM)
		util_err("flushing open sessions: %s", strerror(errno));
	for (rounds = 0; rounds < 1000; rounds++)
		if (collector_pump(c, 1) <= 0)
			break;
	flush_intake(c);
	if (intake_full(&c->intake))
		util_err("journal full at stop: records still in the kernel's rings are read at the next start");
}

/* Read the device or not: not while the journal is full. */
static int watch_device(struct collector *c, int ep, int on)
{
	struct epoll_event ev = { .events = on ? EPOLLIN : 0,
				  .data.fd = c->src->fd };

	if (c->device_paused == !on)
		return 0;
	c->device_paused = !on;
	return epoll_ctl(ep, EPOLL_CTL_MOD, c->src->fd, &ev);
}

static void on_timer(struct collector *c)
{
	if (c->intake.len &&
	    collector_now_ms() - c->last_commit_ms >= c->cfg.batch_ms)
		flush_intake(c);
	intake_watch(&c->intake);
}

/* Returns 1 to stop. */
static int on_signal(struct collector *c, int sigfd)
{
	struct signalfd_siginfo si;
	char err[512];

	while (read(sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			health_reloading();
			if (collector_reload(c, err, sizeof(err)) < 0) {
				util_err("%s; keeping the previous configuration", err);
			} else {
				util_log(LOG_NOTICE, "configuration reloaded from %s",
					 c->config_path);
				if (c->on_reload)
					c->on_reload(c);
			}
			health_reloaded();
			continue;
		}
		health_stopping();
		return 1;
	}
	return 0;
}

int collector_run(struct collector *c, int sigfd)
{
	struct epoll_event evs[4];
	int ep, tfd, status = 0, stop = 0;
	unsigned int tick = c->cfg.batch_ms;
	int armed = 1;
	char err[256];

	ep = epoll_create1(EPOLL_CLOEXEC);
	tfd = collector_timer(tick);
	if (ep < 0 || tfd < 0 || add_fd(ep, c->src->fd) < 0 ||
	    add_fd(ep, sigfd) < 0 || add_fd(ep, tfd) < 0) {
		util_err("setting up the event loop: %s", strerror(errno));
		status = EXIT_FAIL;
		goto out;
	}
	/* From here the store and the sinks are the indexer thread's. */
	if (indexer_start(c, err, sizeof(err)) < 0) {
		util_err("%s", err);
		status = EXIT_FAIL;
		goto out;
	}
	while (!stop) {
		int n = epoll_wait(ep, evs, 4, -1), i;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			util_err("epoll_wait: %s", strerror(errno));
			status = EXIT_FAIL;
			break;
		}
		for (i = 0; i < n; i++) {
			int fd = evs[i].data.fd;

			if (fd == c->src->fd) {
				if (collector_pump(c, 0) < 0) {
					status = EXIT_FAIL;
					stop = 1;
				}
			} else if (fd == tfd) {
				uint64_t ticks;

				if (read(tfd, &ticks, sizeof(ticks)) < 0 &&
				    errno != EAGAIN)
					util_err("timerfd: %s", strerror(errno));
				on_timer(c);
			} else if (fd == sigfd && on_signal(c, sigfd)) {
				stop = 1;
			}
		}
		if (watch_device(c, ep, !intake_full(&c->intake)) < 0) {
			util_err("epoll_ctl: %s", strerror(errno));
			status = EXIT_FAIL;
			break;
		}
		if (!stop && c->cfg.batch_ms != tick) {
			close(tfd);
			tick = c->cfg.batch_ms;
			tfd = collector_timer(tick);
			armed = 1;
			if (tfd < 0 || add_fd(ep, tfd) < 0) {
				util_err("timerfd: %s", strerror(errno));
				status = EXIT_FAIL;
				break;
			}
		}
		if (armed != timer_needed(c)) {
			armed = !armed;
			set_timer(tfd, armed ? tick : 0);
		}
	}
	if (!status)
		drain(c);
out:
	if (tfd >= 0)
		close(tfd);
	if (ep >= 0)
		close(ep);
	return status;
}
