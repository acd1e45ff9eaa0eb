// SPDX-License-Identifier: GPL-2.0
/*
 * The sink registry: renders each record once as ECS, maps it to every
 * format a sink wants, hands it to every sink that does not have it yet,
 * forwards new findings after each commit, and publishes the sinks'
 * state for `daudit status`.  sink.h has the delivery rules.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "ecs_build.h"
#include "incident.h"
#include "record.h"
#include "sink.h"
#include "sinkstatus.h"
#include "store.h"
#include "util.h"

#define STATUS_EVERY_MS		1000
#define STATUS_ANYWAY_MS	2000	/* a heartbeat for readers */
#define FINDINGS_BATCH		500
#define CLOSE_FLUSH_MS		2000
#define TRIAGE_EVERY_MS		1000	/* the CLI writes triage any time */

struct sinks {
	struct sink **v;
	unsigned int n;
	struct store *store;
	uint64_t instance;
	struct ecs_ctx ecs;
	int ep;				/* epoll over the sinks' sockets */
	int tfd;			/* in ep: a sink asked to be woken */
	int64_t wake_ms;
	struct fmt_buf body[FMT_MAX];	/* the current message, per format */
	int have[FMT_MAX];
	int64_t finding_hwm;		/* findings above it go out next */
	sqlite3_stmt *find_new;
	sqlite3_stmt *triage_new;
	int64_t triage_ms;
	char *status_path;
	int64_t status_ms;
	int status_dirty;
	uint64_t status_sig;		/* counters when last written */
	int stopped;
};

int64_t sink_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void sink_error(struct sink *s, const char *fmt, ...)
{
	char msg[sizeof(s->st.last_error)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* The log gets each new error once, not once per retry. */
	if (strcmp(msg, s->st.last_error))
		util_err("sink %s: %s", s->cfg.name, msg);
	memcpy(s->st.last_error, msg, sizeof(msg));
	s->st.last_error_ns = sink_now_ns();
	if (s->reg)
		s->reg->status_dirty = 1;
}

void sink_set_state(struct sink *s, int connected)
{
	if (s->st.connected == connected && s->st.state_since_ns)
		return;
	s->st.connected = connected;
	s->st.state_since_ns = sink_now_ns();
	if (s->reg)
		s->reg->status_dirty = 1;
}

void sink_wake(struct sink *s, int64_t at_ms)
{
	struct sinks *r = s->reg;
	struct itimerspec its;

	if (!r || r->tfd < 0 || (r->wake_ms && r->wake_ms <= at_ms))
		return;
	r->wake_ms = at_ms;
	memset(&its, 0, sizeof(its));
	its.it_value.tv_sec = at_ms / 1000;
	its.it_value.tv_nsec = (at_ms % 1000) * 1000000;
	if (!its.it_value.tv_sec && !its.it_value.tv_nsec)
		its.it_value.tv_nsec = 1;
	timerfd_settime(r->tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

/* The epoll of the sinks, with the wake-up timer in it. */
static int make_epoll(struct sinks *r, char *err, size_t errlen)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };

	r->ep = epoll_create1(EPOLL_CLOEXEC);
	r->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (r->ep < 0 || r->tfd < 0 ||
	    epoll_ctl(r->ep, EPOLL_CTL_ADD, r->tfd, &ev) < 0) {
		snprintf(err, errlen, "sinks: epoll or timerfd: %s",
			 strerror(errno));
		return -1;
	}
	return 0;
}

void sink_watch(struct sink *s, int fd, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = s };
	int ep = s->reg ? s->reg->ep : -1;

	if (ep < 0)
		return;
	if (s->watch_fd >= 0 && s->watch_fd != fd) {
		epoll_ctl(ep, EPOLL_CTL_DEL, s->watch_fd, NULL);
		s->watch_fd = -1;
	}
	if (fd < 0)
		return;
	if (s->watch_fd == fd) {
		if (s->watch_events != events)
			epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
	} else if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0) {
		s->watch_fd = fd;
	}
	s->watch_events = events;
}

/* ------------------------------------------------------------------ */
/* Opening and closing one sink                                        */
/* ------------------------------------------------------------------ */

/* The highest row id of @table (findings, notes), 0 if none. */
static int64_t max_id(struct sinks *r, const char *table)
{
	sqlite3_stmt *st;
	char sql[64];
	int64_t id = 0;

	if (!r->store)
		return 0;
	snprintf(sql, sizeof(sql), "SELECT IFNULL(MAX(id), 0) FROM %s", table);
	st = store_prepare(r->store, sql);
	if (store_step(r->store, st))
		id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return id;
}

static struct sink *sink_open(struct sinks *r, const struct sink_config *cfg,
			      const char *database, char *err, size_t errlen)
{
	struct sink *s = util_xcalloc(1, sizeof(*s));
	char buf[512];

	config_sink_copy(&s->cfg, cfg);
	s->reg = r;
	s->watch_fd = -1;
	s->state_dir = config_spool_dir(cfg, database);
	if (cfg->type == SINK_FILE) {
		s->ops = &sink_file_ops;
		s->target = util_xstrdup(cfg->path);
	} else {
		s->ops = &sink_syslog_ops;
		snprintf(buf, sizeof(buf), "%s://%s%s%s:%u",
			 cfg->transport == SINK_UDP ? "udp" :
			 cfg->transport == SINK_TCP ? "tcp" : "tls",
			 strchr(cfg->host, ':') ? "[" : "", cfg->host,
			 strchr(cfg->host, ':') ? "]" : "", cfg->port);
		s->target = util_xstrdup(buf);
	}
	if (s->ops->open(s, buf, sizeof(buf)) < 0) {
		snprintf(err, errlen, "sink %s: %s", cfg->name, buf);
		config_sink_free(&s->cfg);
		free(s->target);
		free(s->state_dir);
		free(s);
		return NULL;
	}
	/* A new sink starts with the findings made from now on. */
	if (!marks_get(s->marks, 0, MARK_FINDINGS))
		marks_set(s->marks, 0, MARK_FINDINGS, (uint64_t)max_id(r, "findings") + 1);
	/* And with the triage done from now on. */
	if (!marks_get(s->marks, 0, MARK_TRIAGE))
		marks_set(s->marks, 0, MARK_TRIAGE,
			  ((uint64_t)max_id(r, "notes") + 1) << TRIAGE_SEQ_SHIFT);
	return s;
}

static void sink_close(struct sink *s)
{
	sink_watch(s, -1, 0);
	s->ops->close(s);
	config_sink_free(&s->cfg);
	free(s->target);
	free(s->state_dir);
	free(s);
}

static void update_finding_hwm(struct sinks *r)
{
	unsigned int i;

	r->finding_hwm = INT64_MAX;
	for (i = 0; i < r->n; i++) {
		int64_t next = (int64_t)marks_get(r->v[i]->marks, 0,
						  MARK_FINDINGS);

		if (next - 1 < r->finding_hwm)
			r->finding_hwm = next - 1;
	}
	if (!r->n)
		r->finding_hwm = 0;
}

char *sinks_status_path(const char *database)
{
	size_t n = strlen(database) + sizeof(SINKS_STATUS_SUFFIX);
	char *p = util_xmalloc(n);

	snprintf(p, n, "%s%s", database, SINKS_STATUS_SUFFIX);
	return p;
}

static void write_status(struct sinks *r);

struct sinks *sinks_new(const struct config *cfg, const char *database,
			struct store *store, uint64_t instance_id,
			char *err, size_t errlen)
{
	struct sinks *r = util_xcalloc(1, sizeof(*r));
	unsigned int i;

	r->store = store;
	r->instance = instance_id;
	r->ep = r->tfd = -1;
	ecs_ctx_init(&r->ecs, NULL, instance_id, 0);
	r->status_path = sinks_status_path(database);
	if (cfg->n_sinks && make_epoll(r, err, errlen) < 0) {
		sinks_free(r);
		return NULL;
	}
	r->v = util_xcalloc(cfg->n_sinks, sizeof(*r->v));
	for (i = 0; i < cfg->n_sinks; i++) {
		struct sink *s = sink_open(r, &cfg->sinks[i], database, err,
					   errlen);

		if (!s) {
			sinks_free(r);
			return NULL;
		}
		r->v[r->n++] = s;
	}
	update_finding_hwm(r);
	if (r->n) {
		r->status_dirty = 1;
		write_status(r);
	}
	return r;
}

void sinks_free(struct sinks *r)
{
	unsigned int i;
	int k;

	if (!r)
		return;
	if (r->n) {
		int64_t end = now_ms() + CLOSE_FLUSH_MS;

		for (i = 0; i < r->n; i++) {
			int64_t left = end - now_ms();

			r->v[i]->ops->flush(r->v[i], left > 0 ? (int)left : 0);
		}
		r->stopped = 1;
		write_status(r);
	}
	for (i = 0; i < r->n; i++)
		sink_close(r->v[i]);
	free(r->v);
	if (r->find_new)
		sqlite3_finalize(r->find_new);
	if (r->triage_new)
		sqlite3_finalize(r->triage_new);
	for (k = 0; k < FMT_MAX; k++)
		fb_free(&r->body[k]);
	ecs_ctx_free(&r->ecs);
	if (r->ep >= 0)
		close(r->ep);
	if (r->tfd >= 0)
		close(r->tfd);
	free(r->status_path);
	free(r);
}

void sinks_set_instance(struct sinks *r, uint64_t instance_id)
{
	r->instance = instance_id;
	r->ecs.instance_id = instance_id;
}

void sinks_set_exe_lookup(struct sinks *r,
			  const char *(*fn)(void *arg, uint32_t tgid,
					    uint64_t start_ns,
					    const char **cmdline),
			  void *arg)
{
	r->ecs.exe_lookup = fn;
	r->ecs.exe_lookup_arg = arg;
}

unsigned int sinks_count(const struct sinks *r)
{
	return r ? r->n : 0;
}

int sinks_fd(const struct sinks *r)
{
	return r ? r->ep : -1;
}

/* ------------------------------------------------------------------ */
/* Messages                                                            */
/* ------------------------------------------------------------------ */

/*
 * @o to every sink that wants @bit and does not have (stream, seq) yet;
 * @take: the message is the one that key names (a gap event is not).
 */
static void deliver(struct sinks *r, json_object *o, uint64_t instance,
		    uint32_t stream, uint64_t seq, unsigned int bit,
		    int urgent, int take, uint64_t time_ns)
{
	struct sink_msg m;
	unsigned int i;

	memset(r->have, 0, sizeof(r->have));
	memset(&m, 0, sizeof(m));
	m.instance = instance;
	m.stream = stream;
	m.seq = seq;
	m.time_ns = time_ns;
	m.severity = fmt_severity(o);
	m.urgent = urgent;
	m.type = fmt_type(o);
	for (i = 0; i < r->n; i++) {
		struct sink *s = r->v[i];
		int f = s->cfg.format;

		if (!(s->cfg.types & (1U << bit)))
			continue;
		if (!marks_new(s->marks, instance, stream, seq)) {
			s->st.duplicates++;
			continue;
		}
		if (!r->have[f]) {
			fb_reset(&r->body[f]);
			fmt_render(f, o, &r->body[f]);
			r->have[f] = 1;
		}
		m.body = r->body[f].s;
		m.len = r->body[f].len;
		if (s->ops->put(s, &m) == 0)
			s->st.accepted++;
		if (take)
			marks_take(s->marks, instance, stream, seq);
	}
	r->status_dirty = 1;
}

/* Does any sink want this record (and not have it)? */
static int wanted(struct sinks *r, unsigned int bit, uint32_t stream,
		  uint64_t seq)
{
	unsigned int i;
	int any = 0;

	for (i = 0; i < r->n; i++) {
		struct sink *s = r->v[i];

		if (!(s->cfg.types & (1U << bit)))
			continue;
		if (marks_new(s->marks, r->instance, stream, seq))
			any = 1;
		else
			s->st.duplicates++;
	}
	return any;
}

void sinks_record(struct sinks *r, const struct daudit_rec_header *h)
{
	json_object *o;

	if (!r->n)
		return;
	ecs_note_process(&r->ecs, h);
	if (h->type >= DAUDIT_REC_TYPE_MAX || !wanted(r, h->type, h->cpu, h->seq))
		return;
	o = ecs_from_record(&r->ecs, h);
	if (!o)
		return;
	deliver(r, o, r->instance, h->cpu, h->seq, h->type,
		h->type == DAUDIT_REC_ALERT, 1, h->time_ns);
	json_object_put(o);
}

void sinks_gap(struct sinks *r, unsigned int cpu, uint64_t expected,
	       uint64_t got)
{
	json_object *o;

	if (!r->n)
		return;
	o = ecs_sequence_gap(&r->ecs, cpu, expected, got);
	/* Keyed by the record that revealed it, which is not taken yet. */
	deliver(r, o, r->instance, cpu, got, DAUDIT_REC_LOST, 0, 0,
		(uint64_t)sink_now_ns());
	json_object_put(o);
}

void sinks_protection(struct sinks *r, int protecting, uint64_t generation,
		      uint32_t datasets, uint32_t sources, const char *reason)
{
	json_object *o;

	if (!r || !r->n)
		return;
	o = ecs_protection(&r->ecs, protecting, generation, datasets, sources,
			   reason);
	/* Not a record and not marked: each is said once, when it happens. */
	deliver(r, o, r->instance, MARK_PROTECTION, (uint64_t)sink_now_ns(),
		DAUDIT_REC_POLICY, !protecting, 0, (uint64_t)sink_now_ns());
	json_object_put(o);
}

/* What finding_row() reads, from findings f and actors a. */
#define FINDING_COLUMNS \
	"f.id, f.rule, f.key, f.user_uid, f.login, f.dataset, f.first_ns," \
	" f.last_ns, f.score, f.bytes, f.count, f.reason, a.actor," \
	" a.account_uid, a.account_login, a.app_exe"

/* A finding from FINDING_COLUMNS at column @c of @st. */
static void finding_row(sqlite3_stmt *st, int c, struct ecs_finding *f)
{
	memset(f, 0, sizeof(*f));
	f->id = sqlite3_column_int64(st, c);
	f->rule = (const char *)sqlite3_column_text(st, c + 1);
	f->key = (const char *)sqlite3_column_text(st, c + 2);
	f->user = (uint32_t)sqlite3_column_int64(st, c + 3);
	f->login = sqlite3_column_int(st, c + 4);
	f->dataset = (const char *)sqlite3_column_text(st, c + 5);
	f->first_ns = (uint64_t)sqlite3_column_int64(st, c + 6);
	f->last_ns = (uint64_t)sqlite3_column_int64(st, c + 7);
	f->score = sqlite3_column_int64(st, c + 8);
	f->bytes = (uint64_t)sqlite3_column_int64(st, c + 9);
	f->count = (uint64_t)sqlite3_column_int64(st, c + 10);
	f->reason = (const char *)sqlite3_column_text(st, c + 11);
	f->actor = (const char *)sqlite3_column_text(st, c + 12);
	f->account = (uint32_t)sqlite3_column_int64(st, c + 13);
	f->account_login = sqlite3_column_int(st, c + 14);
	f->actor_app = (const char *)sqlite3_column_text(st, c + 15);
	if (!f->rule)
		f->rule = "?";
	if (!f->key)
		f->key = "";
	if (!f->reason)
		f->reason = "";
}

static void new_findings(struct sinks *r)
{
	sqlite3_stmt *st;
	int rows;

	if (!r->store)
		return;
	if (!r->find_new)
		r->find_new = store_prepare(r->store,
			"SELECT " FINDING_COLUMNS " FROM findings f"
			" LEFT JOIN actors a ON f.login = " DB_LOGIN_ACTOR_SQL
			" AND a.id = f.user_uid WHERE f.id > ? ORDER BY f.id LIMIT 500");
	st = r->find_new;
	do {
		rows = 0;
		sqlite3_bind_int64(st, 1, r->finding_hwm);
		while (store_step(r->store, st)) {
			struct ecs_finding f;
			json_object *o;

			finding_row(st, 0, &f);
			o = ecs_from_finding(&r->ecs, &f);
			deliver(r, o, 0, MARK_FINDINGS, (uint64_t)f.id,
				SINK_TYPE_FINDING, 1, 1, f.last_ns);
			json_object_put(o);
			r->finding_hwm = f.id;
			rows++;
		}
		sqlite3_reset(st);
	} while (rows == FINDINGS_BATCH);
}

/* The lowest note some sink still wants part of. */
static int64_t triage_hwm(struct sinks *r)
{
	int64_t low = INT64_MAX;
	unsigned int i;

	for (i = 0; i < r->n; i++) {
		int64_t next = (int64_t)(marks_get(r->v[i]->marks, 0, MARK_TRIAGE) >>
					 TRIAGE_SEQ_SHIFT);

		if (next - 1 < low)
			low = next - 1;
	}
	return r->n ? low : 0;
}

/*
 * Triage ('daudit incident', lib/incident.h) as updates of the findings
 * it was about: each finding again, with the same event.id, its state,
 * the incident, who and when, and the note.  A SIEM that indexes by
 * event.id replaces the finding with it.  A change of state names every
 * finding it set (the triage rows of that time and author); a note, the
 * incident's lowest finding.  Keyed (0, MARK_TRIAGE, note << 16 | n).
 */
static unsigned int new_triage(struct sinks *r)
{
	sqlite3_stmt *st;
	int64_t note = -1;
	uint64_t n = 0;
	unsigned int sent = 0;

	if (!r->store)
		return 0;
	if (!r->triage_new)
		r->triage_new = store_prepare(r->store,
			"SELECT n.id, n.state, n.author, n.sudo, n.text, n.time_ns,"
			" n.finding_id, IFNULL((SELECT instance_id FROM findings"
			" WHERE id = n.finding_id), 0), IFNULL(t.state, 0), "
			FINDING_COLUMNS " FROM notes n JOIN findings f ON"
			" f.id = n.finding_id OR (n.state IS NOT NULL AND f.id IN"
			" (SELECT finding_id FROM triage WHERE time_ns = n.time_ns"
			" AND author = n.author)) LEFT JOIN triage t ON"
			" t.finding_id = f.id LEFT JOIN actors a ON f.login = "
			DB_LOGIN_ACTOR_SQL " AND a.id = f.user_uid WHERE n.id > ?"
			" ORDER BY n.id, f.id");
	st = r->triage_new;
	sqlite3_bind_int64(st, 1, triage_hwm(r));
	while (store_step(r->store, st)) {
		const char *author = (const char *)sqlite3_column_text(st, 2);
		const char *text = (const char *)sqlite3_column_text(st, 4);
		int set = sqlite3_column_type(st, 1) != SQLITE_NULL;
		struct ecs_finding f;
		json_object *o;
		char id[64];

		if (sqlite3_column_int64(st, 0) != note) {
			note = sqlite3_column_int64(st, 0);
			n = 0;
		}
		if (n >= (1U << TRIAGE_SEQ_SHIFT))
			continue;
		finding_row(st, 9, &f);
		o = ecs_from_finding(&r->ecs, &f);
		ecs_put_str(o, "daudit.finding.state", inc_state_name(set ?
			    sqlite3_column_int(st, 1) : sqlite3_column_int(st, 8)));
		ecs_put_str(o, "daudit.incident.id",
			    inc_id((uint64_t)sqlite3_column_int64(st, 7),
				   sqlite3_column_int64(st, 6), id, sizeof(id)));
		ecs_put_str(o, "daudit.triage.action", set ? "state" : "note");
		ecs_put_bytes(o, "daudit.triage.author", author ? author : "",
			      author ? strlen(author) : 0);
		ecs_put(o, "daudit.triage.sudo",
			json_object_new_boolean(sqlite3_column_int(st, 3)));
		ecs_put_time(o, "daudit.triage.time",
			     (uint64_t)sqlite3_column_int64(st, 5));
		if (text && *text)
			ecs_put_bytes(o, "daudit.triage.note", text, strlen(text));
		deliver(r, o, 0, MARK_TRIAGE,
			((uint64_t)note << TRIAGE_SEQ_SHIFT) | n++,
			SINK_TYPE_FINDING, 0, 1,
			(uint64_t)sqlite3_column_int64(st, 5));
		json_object_put(o);
		sent++;
	}
	sqlite3_reset(st);
	return sent;
}

void sinks_commit(struct sinks *r)
{
	unsigned int i;

	if (!r || !r->n)
		return;
	new_findings(r);
	new_triage(r);
	r->triage_ms = now_ms();
	for (i = 0; i < r->n; i++)
		if (r->v[i]->ops->sync(r->v[i]) < 0)
			sink_error(r->v[i], "cannot save its state in %s: %s",
				   r->v[i]->state_dir, strerror(errno));
}

/* ------------------------------------------------------------------ */
/* Running                                                             */
/* ------------------------------------------------------------------ */

void sinks_ready(struct sinks *r)
{
	struct epoll_event evs[16];
	int n, i;

	if (!r || r->ep < 0)
		return;
	n = epoll_wait(r->ep, evs, 16, 0);
	for (i = 0; i < n; i++) {
		struct sink *s = evs[i].data.ptr;
		unsigned int j;
		uint64_t ticks;

		if (s) {
			s->ops->pump(s, now_ms());
			continue;
		}
		/* The wake-up timer: every sink gets a turn. */
		if (read(r->tfd, &ticks, sizeof(ticks)) < 0 && errno != EAGAIN)
			util_err("sinks: timerfd: %s", strerror(errno));
		r->wake_ms = 0;
		for (j = 0; j < r->n; j++)
			r->v[j]->ops->pump(r->v[j], now_ms());
	}
}

void sinks_tick(struct sinks *r)
{
	int64_t now = now_ms();
	uint64_t sig = 0;
	unsigned int i;

	if (!r || !r->n)
		return;
	for (i = 0; i < r->n; i++) {
		struct sink *s = r->v[i];

		s->ops->pump(s, now);
		sig += s->st.accepted + s->st.delivered * 3 + s->st.refused * 5 +
		       s->st.lost * 7 + (uint64_t)s->st.connected * 11;
	}
	if (sig != r->status_sig)
		r->status_dirty = 1;
	/* Triage comes from the CLI, not with records: look for it. */
	if (now - r->triage_ms >= TRIAGE_EVERY_MS) {
		r->triage_ms = now;
		for (i = new_triage(r) ? 0 : r->n; i < r->n; i++)
			if (r->v[i]->ops->sync(r->v[i]) < 0)
				sink_error(r->v[i], "cannot save its state in %s: %s",
					   r->v[i]->state_dir, strerror(errno));
	}
	if ((r->status_dirty && now - r->status_ms >= STATUS_EVERY_MS) ||
	    now - r->status_ms >= STATUS_ANYWAY_MS) {
		r->status_sig = sig;
		write_status(r);
	}
}

int sinks_reload(struct sinks *r, const struct config *cfg,
		 const char *database, char *err, size_t errlen)
{
	struct sink **nv = util_xcalloc(cfg->n_sinks, sizeof(*nv));
	unsigned int i, j, nn = 0;
	int rc = 0;

	if (cfg->n_sinks && r->ep < 0 && make_epoll(r, err, errlen) < 0) {
		free(nv);
		return -1;
	}
	for (i = 0; i < cfg->n_sinks; i++) {
		const struct sink_config *c = &cfg->sinks[i];
		struct sink *old = NULL, *s;

		for (j = 0; j < r->n; j++)
			if (r->v[j] && !strcmp(r->v[j]->cfg.name, c->name)) {
				old = r->v[j];
				r->v[j] = NULL;
				break;
			}
		if (old && config_sink_equal(&old->cfg, c)) {
			old->ops->reopen(old);
			nv[nn++] = old;
			continue;
		}
		/* Its spool and marks stay on disk: the new one goes on. */
		if (old)
			sink_close(old);
		s = sink_open(r, c, database, err, errlen);
		if (!s) {
			rc = -1;
			continue;
		}
		nv[nn++] = s;
	}
	for (j = 0; j < r->n; j++)
		if (r->v[j]) {
			util_err("sink %s removed from the configuration; what it had not delivered stays in %s",
				 r->v[j]->cfg.name, r->v[j]->state_dir);
			sink_close(r->v[j]);
		}
	free(r->v);
	r->v = nv;
	r->n = nn;
	update_finding_hwm(r);
	r->status_dirty = 1;
	write_status(r);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Status for `daudit status`                                          */
/* ------------------------------------------------------------------ */

static void add_time(json_object *o, const char *k, int64_t ns)
{
	char buf[ECS_TIME_LEN];

	json_object_object_add(o, k, ns ? json_object_new_string(
		ecs_format_time((uint64_t)ns, buf, sizeof(buf))) : NULL);
}

static void add_u64(json_object *o, const char *k, uint64_t v)
{
	json_object_object_add(o, k, json_object_new_uint64(v));
}

static json_object *sink_json(struct sink *s)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(s->cfg.name));
	json_object_object_add(o, "type", json_object_new_string(
		s->cfg.type == SINK_FILE ? "file" : "syslog"));
	json_object_object_add(o, "format",
			       json_object_new_string(fmt_name(s->cfg.format)));
	json_object_object_add(o, "target", json_object_new_string(s->target));
	add_u64(o, "accepted", s->st.accepted);
	add_u64(o, "delivered", s->st.delivered);
	add_u64(o, "duplicates", s->st.duplicates);
	add_u64(o, "lost", s->st.lost);
	add_u64(o, "refused", s->st.refused);
	add_u64(o, "refused_bytes", s->st.refused_bytes);
	add_time(o, "refused_first", (int64_t)s->st.refused_first_ns);
	add_time(o, "refused_last", (int64_t)s->st.refused_last_ns);
	json_object_object_add(o, "last_error", s->st.last_error[0] ?
			       json_object_new_string(s->st.last_error) : NULL);
	add_time(o, "last_error_time", s->st.last_error_ns);
	s->ops->status(s, o);
	return o;
}

static void write_status(struct sinks *r)
{
	json_object *o = json_object_new_object(), *arr;
	size_t n = strlen(r->status_path) + 8;
	char *tmp = util_xmalloc(n);
	unsigned int i;
	FILE *f;

	arr = json_object_new_array();
	add_time(o, "written", sink_now_ns());
	add_u64(o, "pid", (uint64_t)getpid());
	json_object_object_add(o, "running", json_object_new_boolean(!r->stopped));
	for (i = 0; i < r->n; i++)
		json_object_array_add(arr, sink_json(r->v[i]));
	json_object_object_add(o, "sinks", arr);
	snprintf(tmp, n, "%s.tmp", r->status_path);
	f = fopen(tmp, "we");
	if (f) {
		int ok = fputs(json_object_to_json_string_ext(o,
				JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE),
			       f) >= 0 && fputc('\n', f) != EOF;

		ok = fclose(f) == 0 && ok;
		if (!ok || rename(tmp, r->status_path) < 0)
			unlink(tmp);
	}
	free(tmp);
	json_object_put(o);
	r->status_ms = now_ms();
	r->status_dirty = 0;
}
