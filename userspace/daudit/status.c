// SPDX-License-Identifier: GPL-2.0
/*
 * daudit status: is the module loaded, which ABI, which policy, how many
 * records written and dropped, per CPU.
 */
#include <errno.h>
#include <stdbool.h>
#include <getopt.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "commands.h"
#include "device.h"
#include "format.h"
#include "journalq.h"
#include "query.h"
#include "sensorstatus.h"
#include "sinkstatus.h"
#include "table.h"
#include "text.h"
#include "timeparse.h"
#include "util.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: daudit status [--format table|json] [--utc] [--database PATH] [--no-wait]\n"
		"\n"
		"Show whether daudit.ko is loaded, its version and ABI, the policy in\n"
		"force, the attached consumer, and the per-CPU ring counters: records\n"
		"written and records dropped because a ring was full.  Then the\n"
		"collector: running or not, its database and size, records stored and\n"
		"the time of the last, the records its journal holds that wait to be\n"
		"indexed and the indexer's rate, the gaps and losses it recorded, and\n"
		"its SIEM sinks: connected or not, messages waiting in the spool,\n"
		"refused, and sent again after a reset.  With dauditd running, status\n"
		"first waits (up to 10 s) until what was acknowledged before it was\n"
		"called is indexed, so the counters and the database agree.\n"
		"\n"
		"  -f, --format F   table (default) or json\n"
		"  --utc            times in UTC instead of local time\n"
		"  --database PATH  the collector's database (default: from\n"
		"                   /etc/daudit/dauditd.conf, else " DB_DEFAULT_PATH ")\n"
		"  --no-wait        do not wait for the indexer: show the journal's\n"
		"                   backlog as it is (for a probe that must answer at once)\n"
		"\n"
		"Without the module, a dauditd running the eBPF sensor (sensor = ebpf\n"
		"or auto, docs/ebpf.md) is shown from its database instead, with the\n"
		"sensor it runs and why, and the sensor's counters: reads and bytes\n"
		"counted, records dropped, io_uring and AIO reads missed, clones not\n"
		"protected, maps full, threads declaring actors and registrations\n"
		"refused, reads by trusted readers.\n"
		"\n"
		"Exit status: 0 if the module answered and a policy is in force, or\n"
		"dauditd runs the eBPF sensor; 1 if the module is not loaded or cannot\n"
		"be queried (and no eBPF sensor runs), 2 on a usage error, 3 if it\n"
		"answered but no policy is in force: nothing is protected (everything\n"
		"is still shown).\n");
}

static uint64_t sum_dropped(const struct daudit_cpu_stats *c)
{
	uint64_t n = 0;
	unsigned int t;

	for (t = 0; t < DAUDIT_REC_TYPE_MAX; t++)
		n += c->dropped[t];
	return n;
}

static void print_table(const struct dev *d, const struct daudit_stats *st,
			const struct daudit_cpu_stats *cpus)
{
	unsigned int i;

	text_printf("module:      loaded, version %s, ABI %u.%u (this tool: %u.%u)\n",
		    d->ver.module_version, d->ver.abi_major, d->ver.abi_minor,
		    DAUDIT_TOOL_ABI_MAJOR, DAUDIT_TOOL_ABI_MINOR);
	text_printf("instance:    %016" PRIx64 "\n", (uint64_t)d->ver.instance_id);
	if (st->policy_generation)
		text_printf("policy:      generation %" PRIu64 ", %u datasets, %u sources\n",
			    (uint64_t)st->policy_generation, st->policy_datasets,
			    st->policy_sources);
	else
		text_printf("policy:      NONE LOADED: nothing is protected, no read is recorded\n");
	if (st->consumer_pid)
		text_printf("consumer:    pid %u\n", st->consumer_pid);
	else
		text_printf("consumer:    none (records wait in the rings)\n");
	text_printf("records:     %" PRIu64 " written, %" PRIu64 " dropped\n",
		    (uint64_t)st->records, (uint64_t)st->dropped);
	text_printf("reads:       %" PRIu64 " protected reads, %" PRIu64 " bytes; %" PRIu64 " by trusted readers\n",
		    (uint64_t)st->reads, (uint64_t)st->read_bytes,
		    (uint64_t)st->trusted_reads);
	text_printf("sessions:    %" PRIu64 " open, %" PRIu64 " ended; %" PRIu64 " files tracked, %" PRIu64 " processes\n",
		    (uint64_t)st->sessions_open, (uint64_t)st->sessions_ended,
		    (uint64_t)st->files_tracked, (uint64_t)st->procs_tracked);
	/* ABI 1.8; an older module leaves it 0 (reserved). */
	if (st->sessions_parked)
		text_printf("waiting:     %" PRIu64 " ended sessions' records wait for room in the ring (written as the consumer reads)\n",
			    (uint64_t)st->sessions_parked);
	/* ABI 1.3; an older module leaves both 0 (reserved). */
	if (d->ver.abi_minor >= 3 || st->actor_threads || st->actor_refused)
		text_printf("actors:      %" PRIu64 " threads declaring actors, %" PRIu64 " registrations refused\n",
			    (uint64_t)st->actor_threads, (uint64_t)st->actor_refused);
	if (st->probes_missed)
		text_printf("missed:      %" PRIu64 " reads may be unrecorded (probe hits whose handler did not run)\n",
			    (uint64_t)st->probes_missed);
	if (st->alloc_failures || st->cache_full)
		text_printf("pressure:    %" PRIu64 " allocation failures, %" PRIu64 " uncached classifications\n",
			    (uint64_t)st->alloc_failures, (uint64_t)st->cache_full);
	text_printf("rings:       %u CPUs x %u KiB\n", st->ncpus,
		    d->ver.ring_bytes / 1024);
	text_printf("\n%-5s %12s %12s %12s %10s\n", "CPU", "RECORDS", "DROPPED",
		    "NEXT_SEQ", "USED");
	for (i = 0; i < st->cpu_stats_len; i++)
		text_printf("%-5u %12" PRIu64 " %12" PRIu64 " %12" PRIu64 " %10u\n",
			    cpus[i].cpu, (uint64_t)cpus[i].records,
			    sum_dropped(&cpus[i]), (uint64_t)cpus[i].next_seq,
			    cpus[i].ring_used);
}

static void add_u64(json_object *o, const char *k, uint64_t v)
{
	json_object_object_add(o, k, json_object_new_uint64(v));
}

static void print_json(const struct dev *d, const struct daudit_stats *st,
		       const struct daudit_cpu_stats *cpus, json_object *collector)
{
	json_object *o = json_object_new_object();
	json_object *arr = json_object_new_array();
	char inst[17];
	unsigned int i;

	snprintf(inst, sizeof(inst), "%016" PRIx64, (uint64_t)d->ver.instance_id);
	json_object_object_add(o, "module_loaded", json_object_new_boolean(1));
	json_object_object_add(o, "module_version",
			       json_object_new_string(d->ver.module_version));
	add_u64(o, "abi_major", d->ver.abi_major);
	add_u64(o, "abi_minor", d->ver.abi_minor);
	json_object_object_add(o, "instance_id", json_object_new_string(inst));
	add_u64(o, "policy_generation", st->policy_generation);
	add_u64(o, "policy_datasets", st->policy_datasets);
	add_u64(o, "policy_sources", st->policy_sources);
	add_u64(o, "consumer_pid", st->consumer_pid);
	add_u64(o, "records", st->records);
	add_u64(o, "dropped", st->dropped);
	add_u64(o, "reads", st->reads);
	add_u64(o, "read_bytes", st->read_bytes);
	add_u64(o, "trusted_reads", st->trusted_reads);
	add_u64(o, "sessions_open", st->sessions_open);
	add_u64(o, "sessions_ended", st->sessions_ended);
	add_u64(o, "sessions_parked", st->sessions_parked);
	add_u64(o, "files_tracked", st->files_tracked);
	add_u64(o, "procs_tracked", st->procs_tracked);
	add_u64(o, "alloc_failures", st->alloc_failures);
	add_u64(o, "cache_full", st->cache_full);
	add_u64(o, "probes_missed", st->probes_missed);
	add_u64(o, "actor_threads", st->actor_threads);
	add_u64(o, "actor_refused", st->actor_refused);
	add_u64(o, "ring_bytes", d->ver.ring_bytes);
	for (i = 0; i < st->cpu_stats_len; i++) {
		json_object *c = json_object_new_object();
		json_object *drops = json_object_new_array();
		unsigned int t;

		add_u64(c, "cpu", cpus[i].cpu);
		add_u64(c, "records", cpus[i].records);
		add_u64(c, "bytes", cpus[i].bytes);
		add_u64(c, "next_seq", cpus[i].next_seq);
		add_u64(c, "ring_used", cpus[i].ring_used);
		add_u64(c, "dropped", sum_dropped(&cpus[i]));
		for (t = 0; t < DAUDIT_REC_TYPE_MAX; t++)
			json_object_array_add(drops,
					      json_object_new_uint64(cpus[i].dropped[t]));
		json_object_object_add(c, "dropped_by_type", drops);
		json_object_array_add(arr, c);
	}
	json_object_object_add(o, "cpus", arr);
	json_object_object_add(o, "collector", collector);
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
}

/* ------------------------------------------------------------------ */
/* The collector, from its database                                    */
/* ------------------------------------------------------------------ */

struct collector_state {
	char *path;
	char err[512];
	int present;
	char *state;
	int64_t pid;
	int alive;
	int attached;
	int64_t db_bytes;
	int64_t records;
	int64_t started_ns, stopped_ns, last_record_ns, last_commit_ns;
	int64_t gaps, lost;
	int64_t retention_days, retention_mb, rollup_days;
	json_object *sinks;		/* DATABASE-sinks.json, or NULL */
	int journal;			/* DATABASE.journal exists */
	struct journal_backlog backlog;	/* waiting to be indexed */
	int64_t waited_ms;		/* for the indexer, before reading */
	int64_t rate, rate_busy, rate_ns;	/* the indexer's */
	char *sensor;			/* "module", "ebpf", or NULL (older) */
	char *sensor_why;
	json_object *counts;		/* the eBPF sensor's counters, or NULL */
};

/*
 * How long status waits for the indexer to store what was acknowledged
 * before it was called: what the kernel no longer holds is then in the
 * database too, as long as the indexer keeps up.
 */
#define INDEXER_WAIT_MS		10000

static int64_t file_size(const char *path, const char *suffix)
{
	char name[4200];
	struct stat sb;

	snprintf(name, sizeof(name), "%s%s", path, suffix);
	return stat(name, &sb) == 0 ? (int64_t)sb.st_size : 0;
}

/* The sinks' state the collector publishes next to its database. */
static void read_sinks(struct collector_state *c)
{
	size_t n = strlen(c->path) + sizeof(SINKS_STATUS_SUFFIX);
	char *p = util_xmalloc(n);
	json_object *o;

	snprintf(p, n, "%s%s", c->path, SINKS_STATUS_SUFFIX);
	o = json_object_from_file(p);
	free(p);
	if (o && !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		o = NULL;
	}
	c->sinks = o;
}

/*
 * A running collector: wait (up to INDEXER_WAIT_MS) until the indexer
 * has stored every journal row committed before now; then what waits.
 */
static void wait_indexer(struct collector_state *c, struct qdb *q)
{
	int64_t mark = qdb_meta_int(q, JOURNAL_MARK, 0), last;
	struct timespec ts = { 0, 20 * 1000000L };

	c->journal = journal_backlog_read(c->path, mark, &c->backlog) == 0;
	last = c->backlog.last_id;
	while (c->journal && c->backlog.batches && c->alive && mark < last &&
	       c->state && !strcmp(c->state, "running") &&
	       c->waited_ms < INDEXER_WAIT_MS) {
		nanosleep(&ts, NULL);
		c->waited_ms += 20;
		mark = qdb_meta_int(q, JOURNAL_MARK, 0);
		c->alive = kill((pid_t)c->pid, 0) == 0 || errno == EPERM;
	}
	if (c->journal)
		journal_backlog_read(c->path, mark, &c->backlog);
}

/* The eBPF sensor's counters (sensorstatus.h): an object, else none. */
static void read_counts(struct collector_state *c, struct qdb *q)
{
	char *v = qdb_meta(q, SENSOR_COUNTS_META);
	json_object *o = v ? json_tokener_parse(v) : NULL;

	free(v);
	if (o && !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		o = NULL;
	}
	c->counts = o;
}

static void read_collector(struct collector_state *c, const char *override,
			   const struct daudit_stats *st, bool wait)
{
	struct qdb q;

	memset(c, 0, sizeof(*c));
	c->path = qdb_path(override);
	if (qdb_open(&q, c->path, c->err, sizeof(c->err)) < 0)
		return;
	c->present = 1;
	c->state = qdb_meta(&q, "collector_state");
	c->pid = qdb_meta_int(&q, "collector_pid", 0);
	c->alive = c->pid > 0 && (kill((pid_t)c->pid, 0) == 0 || errno == EPERM);
	c->attached = c->pid > 0 && st && st->consumer_pid == (uint32_t)c->pid;
	c->sensor = qdb_meta(&q, SENSOR_META);
	c->sensor_why = qdb_meta(&q, SENSOR_REASON_META);
	read_counts(c, &q);
	c->db_bytes = file_size(c->path, "") + file_size(c->path, "-wal");
	c->records = qdb_meta_int(&q, "records_stored", 0);
	c->started_ns = qdb_meta_int(&q, "started_ns", 0);
	c->stopped_ns = qdb_meta_int(&q, "stopped_ns", 0);
	c->last_record_ns = qdb_meta_int(&q, "last_record_ns", 0);
	c->last_commit_ns = qdb_meta_int(&q, "last_commit_ns", 0);
	c->retention_days = qdb_meta_int(&q, "retention_days", 0);
	c->retention_mb = qdb_meta_int(&q, "retention_mb", 0);
	c->rollup_days = qdb_meta_int(&q, "rollup_retention_days", 0);
	if (wait) {
		wait_indexer(c, &q);
	} else {
		c->journal = journal_backlog_read(c->path,
						  qdb_meta_int(&q, JOURNAL_MARK, 0),
						  &c->backlog) == 0;
	}
	c->rate = qdb_meta_int(&q, JOURNAL_RATE, 0);
	c->rate_busy = qdb_meta_int(&q, JOURNAL_RATE_BUSY, 0);
	c->rate_ns = qdb_meta_int(&q, JOURNAL_RATE_NS, 0);
	c->gaps = qdb_int(&q, "SELECT COUNT(*) FROM gaps", 0);
	c->lost = qdb_int(&q, "SELECT IFNULL(SUM(count), 0) FROM gaps", 0);
	qdb_close(&q);
	read_sinks(c);
}

static const char *run_state(const struct collector_state *c)
{
	if (!c->present)
		return "absent";
	if (c->state && !strcmp(c->state, "running") && c->alive)
		return "running";
	if (c->state && !strcmp(c->state, "running"))
		return "died";
	return "stopped";
}

static const char *ltime(int64_t ns, char *buf, size_t len)
{
	return ns ? tp_format_local(ns / NSEC_PER_SEC, buf, len) : "never";
}

static const char *jstr(json_object *o, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v) && v ?
	       json_object_get_string(v) : NULL;
}

static uint64_t jnum(json_object *o, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v) && v ?
	       (uint64_t)json_object_get_int64(v) : 0;
}

/* "2026-11-27T10:01:02.123Z" as local time, or the text itself. */
static const char *jtime(json_object *o, const char *k, char *buf, size_t len)
{
	const char *t = jstr(o, k);
	int64_t sec;
	char err[64];

	if (!t)
		return "never";
	if (tp_parse(t, 0, &sec, err, sizeof(err)) < 0)
		return t;
	return tp_format_local(sec, buf, len);
}

static void print_sink(const struct collector_state *c, json_object *s,
		       int width)
{
	const char *name = jstr(s, "name"), *type = jstr(s, "type");
	const char *state = jstr(s, "state"), *err = jstr(s, "last_error");
	json_object *sp = NULL;
	char a[32], b[32], t1[32], t2[32];

	(void)c;
	text_printf("  %-*s %s %s, %s: %s", width, name ? name : "?",
		    type ? type : "?", jstr(s, "target") ? jstr(s, "target") : "?",
		    jstr(s, "format") ? jstr(s, "format") : "?",
		    state ? state : "?");
	if (json_object_object_get_ex(s, "spool", &sp) && sp) {
		text_printf("; %" PRIu64 " delivered, %" PRIu64 " waiting in the spool (%s of %s)\n",
			    jnum(s, "delivered"), jnum(sp, "records"),
			    table_human_bytes(jnum(sp, "bytes"), a, sizeof(a)),
			    table_human_bytes(jnum(sp, "max_bytes"), b, sizeof(b)));
	} else {
		text_printf("; %" PRIu64 " written\n", jnum(s, "delivered"));
	}
	if (jnum(s, "refused"))
		text_printf("  %-*s ! spool full: %" PRIu64 " messages (%s) refused from %s to %s; the records are in the database (daudit events)\n",
			    width, "", jnum(s, "refused"),
			    table_human_bytes(jnum(s, "refused_bytes"), a, sizeof(a)),
			    jtime(s, "refused_first", t1, sizeof(t1)),
			    jtime(s, "refused_last", t2, sizeof(t2)));
	if (jnum(s, "lost"))
		text_printf("  %-*s ! %" PRIu64 " messages could not be written or sent (see the last error)\n",
			    width, "", jnum(s, "lost"));
	if (jnum(s, "resent"))
		text_printf("  %-*s %" PRIu64 " messages sent again after a reset or error: the receiver may have some twice (same event id)\n",
			    width, "", jnum(s, "resent"));
	if (err)
		text_printf("  %-*s last error %s: %s\n", width, "",
			    jtime(s, "last_error_time", t1, sizeof(t1)), err);
}

static void print_sinks(const struct collector_state *c)
{
	json_object *arr = NULL, *run = NULL;
	size_t i, n;
	int width = 4;
	char t[32];

	if (!c->sinks || !json_object_object_get_ex(c->sinks, "sinks", &arr) ||
	    !json_object_is_type(arr, json_type_array) ||
	    !(n = json_object_array_length(arr))) {
		text_printf("sinks:       none configured\n");
		return;
	}
	json_object_object_get_ex(c->sinks, "running", &run);
	text_printf("sinks:       %zu, as of %s%s\n", n,
		    jtime(c->sinks, "written", t, sizeof(t)),
		    run && json_object_get_boolean(run) && c->alive ? "" :
		    " (dauditd is not running: nothing is sent until it runs)");
	for (i = 0; i < n; i++) {
		const char *name = jstr(json_object_array_get_idx(arr, i), "name");

		if (name && (int)strlen(name) > width)
			width = (int)strlen(name);
	}
	for (i = 0; i < n; i++)
		print_sink(c, json_object_array_get_idx(arr, i), width);
}

/* The eBPF sensor's counters, and what they say was missed. */
static void print_counts(const struct collector_state *c)
{
	json_object *n = c->counts;

	if (!n)
		return;
	text_printf("counted:     %" PRIu64 " protected reads, %" PRIu64 " bytes; %" PRIu64 " sessions ended; %" PRIu64 " records dropped (ring buffer full)\n",
		    jnum(n, "reads"), jnum(n, "read_bytes"),
		    jnum(n, "sessions_ended"), jnum(n, "dropped"));
	if (jnum(n, "uring_missed") || jnum(n, "aio_missed"))
		text_printf("missed:      %" PRIu64 " io_uring and %" PRIu64 " legacy AIO reads not followed: not recorded\n",
			    jnum(n, "uring_missed"), jnum(n, "aio_missed"));
	if (jnum(n, "clones_full"))
		text_printf("clones:      %" PRIu64 " reflink clones of protected files not protected (map full): their reads not recorded\n",
			    jnum(n, "clones_full"));
	text_printf("actors:      %" PRIu64 " threads declaring actors, %" PRIu64 " registrations refused\n",
		    jnum(n, "actor_threads"), jnum(n, "actor_refused"));
	text_printf("trusted:     %" PRIu64 " reads by trusted readers, not recorded%s\n",
		    jnum(n, "trusted_reads"),
		    jnum(n, "trust_off") ? "; ! trust is off: no reader is trusted, their reads are recorded (see dauditd's log)" : "");
	if (jnum(n, "sessions_full") || jnum(n, "procs_full") ||
	    jnum(n, "socks_full") || jnum(n, "paths_cut"))
		text_printf("pressure:    %" PRIu64 " reads recorded alone (sessions map full), %" PRIu64 " processes and %" PRIu64 " sockets described again (maps full), %" PRIu64 " paths cut\n",
			    jnum(n, "sessions_full"), jnum(n, "procs_full"),
			    jnum(n, "socks_full"), jnum(n, "paths_cut"));
}

static int is_ebpf(const struct collector_state *c)
{
	return c->sensor && !strcmp(c->sensor, "ebpf");
}

static void print_collector(const struct collector_state *c)
{
	const char *state = run_state(c);
	char a[32], b[32];

	text_printf("\n");
	if (!c->present) {
		text_printf("collector:   %s\n", c->err);
		return;
	}
	if (!strcmp(state, "running") && is_ebpf(c))
		text_printf("collector:   running, pid %" PRId64 " since %s, with the eBPF sensor\n",
			    c->pid, ltime(c->started_ns, a, sizeof(a)));
	else if (!strcmp(state, "running"))
		text_printf("collector:   running, pid %" PRId64 " since %s, %s\n", c->pid,
			    ltime(c->started_ns, a, sizeof(a)), c->attached ?
			    "attached to the module" : "not attached to this module");
	if (c->sensor && *c->sensor)
		text_printf("sensor:      %s%s (%s)\n", c->sensor,
			    !strcmp(state, "running") ? "" : " when it last ran",
			    c->sensor_why ? c->sensor_why : "");
	else if (!strcmp(state, "died"))
		text_printf("collector:   not running: pid %" PRId64 " ended without stopping (killed?); a restart resumes without loss\n",
			    c->pid);
	else
		text_printf("collector:   not running (stopped %s)\n",
			    ltime(c->stopped_ns, a, sizeof(a)));
	print_counts(c);
	text_printf("database:    %s, %s; raw records kept %" PRId64 " days or %" PRId64 " MB, rollups %" PRId64 " days\n",
		    c->path, table_human_bytes((uint64_t)c->db_bytes, b, sizeof(b)),
		    c->retention_days, c->retention_mb, c->rollup_days);
	text_printf("stored:      %" PRId64 " records, the last from %s (committed %s)\n",
		    c->records, ltime(c->last_record_ns, a, sizeof(a)),
		    ltime(c->last_commit_ns, b, sizeof(b)));
	if (c->journal)
		text_printf("journal:     %" PRId64 " records in %" PRId64 " batches (%s) wait to be indexed%s\n",
			    c->backlog.records, c->backlog.batches,
			    table_human_bytes((uint64_t)c->backlog.bytes, b, sizeof(b)),
			    c->waited_ms >= INDEXER_WAIT_MS ?
			    " (the indexer is behind the device)" : "");
	if (c->rate_ns)
		text_printf("indexer:     %" PRId64 " records/s, %" PRId64 " per second of its CPU time (measured %s)\n",
			    c->rate, c->rate_busy, ltime(c->rate_ns, a, sizeof(a)));
	if (c->gaps)
		text_printf("gaps:        %" PRId64 " gap%s or loss%s, %" PRId64 " records missing: totals may be low (see daudit report)\n",
			    c->gaps, c->gaps == 1 ? "" : "s", c->gaps == 1 ? "" : "es",
			    c->lost);
	else
		text_printf("gaps:        none\n");
	print_sinks(c);
}

static json_object *collector_json(const struct collector_state *c)
{
	json_object *o = json_object_new_object();
	char buf[32];

	json_object_object_add(o, "database", table_json_string(c->path));
	json_object_object_add(o, "present", json_object_new_boolean(c->present));
	json_object_object_add(o, "state", json_object_new_string(run_state(c)));
	if (!c->present) {
		json_object_object_add(o, "error", json_object_new_string(c->err));
		return o;
	}
	add_u64(o, "pid", (uint64_t)c->pid);
	json_object_object_add(o, "attached", json_object_new_boolean(c->attached));
	json_object_object_add(o, "sensor", c->sensor && *c->sensor ?
			       json_object_new_string(c->sensor) : NULL);
	json_object_object_add(o, "sensor_reason", c->sensor_why && *c->sensor_why ?
			       json_object_new_string(c->sensor_why) : NULL);
	if (c->counts)
		json_object_object_add(o, "sensor_counts",
				       json_object_get(c->counts));
	add_u64(o, "db_bytes", (uint64_t)c->db_bytes);
	add_u64(o, "records_stored", (uint64_t)c->records);
	json_object_object_add(o, "last_record", c->last_record_ns ?
			       json_object_new_string(tp_format_utc(c->last_record_ns / NSEC_PER_SEC,
								    buf, sizeof(buf))) : NULL);
	json_object_object_add(o, "last_commit", c->last_commit_ns ?
			       json_object_new_string(tp_format_utc(c->last_commit_ns / NSEC_PER_SEC,
								    buf, sizeof(buf))) : NULL);
	add_u64(o, "gaps", (uint64_t)c->gaps);
	add_u64(o, "records_missing", (uint64_t)c->lost);
	if (c->journal) {
		json_object *j = json_object_new_object();

		add_u64(j, "batches", (uint64_t)c->backlog.batches);
		add_u64(j, "records", (uint64_t)c->backlog.records);
		add_u64(j, "bytes", (uint64_t)c->backlog.bytes);
		add_u64(j, "waited_ms", (uint64_t)c->waited_ms);
		json_object_object_add(o, "journal", j);
	}
	if (c->rate_ns) {
		add_u64(o, "indexer_rate", (uint64_t)c->rate);
		add_u64(o, "indexer_rate_busy", (uint64_t)c->rate_busy);
		json_object_object_add(o, "indexer_rate_at",
				       json_object_new_string(tp_format_utc(c->rate_ns / NSEC_PER_SEC,
									    buf, sizeof(buf))));
	}
	json_object_object_add(o, "sinks", c->sinks ? json_object_get(c->sinks) :
			       NULL);
	return o;
}

static void free_collector(struct collector_state *c)
{
	free(c->path);
	free(c->state);
	free(c->sensor);
	free(c->sensor_why);
	json_object_put(c->counts);
	json_object_put(c->sinks);
}

/*
 * No module to ask: a collector running the eBPF sensor is what records
 * (docs/ebpf.md); anything else is the module's error @err.
 */
static int status_ebpf(const char *db, int fmt, bool wait, const char *err)
{
	struct collector_state col;
	json_object *o;

	/* No wait for a collector that is not the one asked about. */
	read_collector(&col, db, NULL, false);
	if (!is_ebpf(&col) || strcmp(run_state(&col), "running")) {
		free_collector(&col);
		util_die(EXIT_FAIL, "%s", err);
	}
	if (wait) {
		free_collector(&col);
		read_collector(&col, db, NULL, true);
	}
	if (fmt == FORMAT_JSON) {
		o = json_object_new_object();
		json_object_object_add(o, "module_loaded",
				       json_object_new_boolean(0));
		json_object_object_add(o, "sensor", json_object_new_string("ebpf"));
		json_object_object_add(o, "collector", collector_json(&col));
		puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
		json_object_put(o);
	} else {
		text_printf("module:      not loaded (%s)\n", err);
		print_collector(&col);
	}
	free_collector(&col);
	return 0;
}

int cmd_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "database", required_argument, NULL, QOPT_DATABASE },
		{ "utc", no_argument, NULL, QOPT_UTC },
		{ "no-wait", no_argument, NULL, 'W' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct collector_state col;
	const char *db = NULL;
	int fmt = FORMAT_TABLE, c;
	bool wait = true;
	struct daudit_cpu_stats *cpus;
	struct daudit_stats st;
	struct dev d;
	char err[256];

	optind = 0;
	while ((c = getopt_long(argc, argv, "f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			fmt = format_parse(optarg);
			if (fmt < 0 || fmt == FORMAT_CSV)
				util_die(EXIT_USAGE, "status: --format must be table or json, not '%s'",
					 optarg);
			break;
		case QOPT_DATABASE:
			db = optarg;
			break;
		case QOPT_UTC:
			q_use_utc("status");
			break;
		case 'W':
			wait = false;
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
		util_die(EXIT_USAGE, "status: unexpected argument '%s'", argv[optind]);

	if (dev_open(&d, DEV_CONTROL, 0, "status", err, sizeof(err)) < 0)
		return status_ebpf(db, fmt, wait, err);
	cpus = util_xcalloc(d.ver.ncpus, sizeof(*cpus));
	if (dev_stats(&d, &st, cpus, d.ver.ncpus) < 0) {
		dev_explain_ioctl("status", DAUDIT_IOC_STATS, errno, err, sizeof(err));
		util_die(EXIT_FAIL, "%s", err);
	}
	read_collector(&col, db, &st, wait);
	if (fmt == FORMAT_JSON) {
		print_json(&d, &st, cpus, collector_json(&col));
	} else {
		print_table(&d, &st, cpus);
		print_collector(&col);
	}
	free_collector(&col);
	free(cpus);
	dev_close(&d);
	if (!st.policy_generation || !st.policy_sources) {
		util_err("status: no policy in force: nothing is protected (daudit policy load FILE)");
		return EXIT_UNPROTECTED;
	}
	return 0;
}
