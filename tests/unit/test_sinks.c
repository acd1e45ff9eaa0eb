// SPDX-License-Identifier: GPL-2.0
/*
 * The collector's SIEM sinks, end to end on the host with a simulated
 * device: a record the collector accepted is written or spooled before
 * the kernel is told, even when dauditd is killed (-9) at any moment, and
 * reaches a sink once; a TCP receiver gets RFC 6587 octet-counted
 * RFC 5424 frames, in order, once, across its own restarts; the file
 * sink rotates and reopens; the status file shows spool use and what a
 * full spool refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "record.h"
#include "sink.h"
#include "spool.h"
#include "synth.h"
#include "cli.h"
#include "../../userspace/daudit/incident.c"
#include "../../userspace/daudit/incident_load.c"
#include "../../userspace/daudit/incident_triage.c"

#define INSTANCE	0x5eedULL
#define NREC		1200

static char tmp[128];
static char db[160];

static int setup(void **state)
{
	(void)state;
	snprintf(tmp, sizeof(tmp), "/tmp/daudit-test-%d-sinks", (int)getpid());
	mkdir(tmp, 0700);
	snprintf(db, sizeof(db), "%s/daudit.db", tmp);
	return 0;
}

static int teardown(void **state)
{
	char cmd[200];

	(void)state;
	if (getenv("KEEP_DB"))
		return 0;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
	assert_int_equal(system(cmd), 0);
	return 0;
}

/* A collector on db with the sinks of @conf ([sink ...] sections). */
static void open_collector(struct collector *c, struct source *src,
			   const char *conf)
{
	FILE *f = fmemopen((void *)conf, strlen(conf), "r");
	struct config cfg;
	char err[512];

	assert_non_null(f);
	if (config_parse(&cfg, f, "t.conf", err, sizeof(err)) < 0)
		fail_msg("%s", err);
	fclose(f);
	free(cfg.database);
	cfg.database = util_xstrdup(db);
	free(cfg.policy);
	cfg.policy = NULL;
	cfg.batch_records = 37;
	cfg.batch_ms = 1;
	if (collector_open(c, &cfg, src, err, sizeof(err)) < 0)
		fail_msg("collector_open: %s", err);
}

static void stream(struct synth *s, unsigned int n)
{
	struct who w[4];
	unsigned int i, u;
	char path[64];

	for (u = 0; u < 4; u++) {
		w[u].uid = 1000 + u;
		w[u].auid = u == 3 ? DAUDIT_UID_UNSET : 1000 + u;
		w[u].sessionid = u == 3 ? DAUDIT_SESSION_UNSET : 100 + u;
		w[u].tgid = 2000 + u;
		w[u].start_ns = (u + 1) * NS;
		w[u].comm = "cat";
		synth_process(s, u % SYNTH_CPUS, T0, &w[u], "/usr/bin/cat",
			      DAUDIT_PROC_SEEN);
	}
	for (i = 0; i < n; i++) {
		u = i % 4;
		snprintf(path, sizeof(path), "/data/customers/%u.csv", i);
		if (i % 10 == 9)
			synth_egress(s, i % SYNTH_CPUS, T0 + i * NS, &w[u],
				     "customers", DAUDIT_EGRESS_NET, 0, NULL,
				     100 + i);
		else
			synth_read1(s, i % SYNTH_CPUS, T0 + i * NS, &w[u],
				    "customers", path, 1000 + i);
	}
}

static void id_of(const struct daudit_rec_header *h, char *buf, size_t len)
{
	snprintf(buf, len, "%016llx-%u-%llu", (unsigned long long)INSTANCE,
		 h->cpu, (unsigned long long)h->seq);
}

/* The event.id of an ECS JSON message (after a syslog header or not). */
static int msg_id(const char *msg, char *id, size_t len)
{
	const char *p = strstr(msg, "\"id\":\"");
	const char *e;

	if (!p)
		return -1;
	p += 6;
	e = strchr(p, '"');
	snprintf(id, len, "%.*s", (int)(e - p), p);
	return 0;
}

struct idset {
	char (*id)[48];
	unsigned int *count;
	unsigned int n, cap;
};

static unsigned int *idset_get(struct idset *s, const char *id)
{
	unsigned int i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->id[i], id))
			return &s->count[i];
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 1024;
		s->id = realloc(s->id, s->cap * sizeof(*s->id));
		s->count = realloc(s->count, s->cap * sizeof(*s->count));
	}
	snprintf(s->id[s->n], sizeof(s->id[0]), "%s", id);
	s->count[s->n] = 0;
	return &s->count[s->n++];
}

static void idset_free(struct idset *s)
{
	free(s->id);
	free(s->count);
	memset(s, 0, sizeof(*s));
}

/* Every record of @syn in @got: exactly once (@exact) or at least once. */
static void check_records(const struct synth *syn, struct idset *got,
			  int exact)
{
	const struct daudit_rec_header *h;
	const char *why = NULL;
	struct rec_iter it;
	char id[48];

	rec_iter_init(&it, syn->buf, syn->len);
	while ((h = rec_next(&it, &why))) {
		unsigned int *c;

		id_of(h, id, sizeof(id));
		c = idset_get(got, id);
		if (*c == 0 || (exact && *c != 1))
			fail_msg("record %s arrived %u times", id, *c);
	}
}

/* Messages in a spool directory (delivered or not), by event.id. */
static void spool_ids(const char *dir, struct idset *got, unsigned int *total)
{
	struct spool sp;
	struct spool_pos pos, next;
	struct fmt_buf b = { 0 };
	char err[256], id[48];
	int r;

	assert_int_equal(spool_open(&sp, dir, 1ULL << 30, err, sizeof(err)), 0);
	pos.seg = sp.first_seg;
	pos.off = 0;
	*total = 0;
	while ((r = spool_read(&sp, &pos, &b, &next)) == 1) {
		assert_true(!strncmp(b.s, "<", 1));
		assert_int_equal(msg_id(b.s, id, sizeof(id)), 0);
		(*idset_get(got, id))++;
		(*total)++;
		pos = next;
	}
	assert_int_equal(r, 0);
	fb_free(&b);
	spool_close(&sp);
}

static void file_ids(const char *path, struct idset *got, unsigned int *total)
{
	FILE *f = fopen(path, "r");
	char *line = NULL, id[48];
	size_t cap = 0;

	assert_non_null(f);
	*total = 0;
	while (getline(&line, &cap, f) > 0) {
		assert_int_equal(msg_id(line, id, sizeof(id)), 0);
		(*idset_get(got, id))++;
		(*total)++;
	}
	free(line);
	fclose(f);
}

/* ------------------------------------------------------------------ */
/* kill -9                                                             */
/* ------------------------------------------------------------------ */

static char conf[2048];

static void run_child(struct fakedev *d, int kill_after_ms, int *killed)
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0) {
		struct collector c;
		struct source src;

		fakedev_reopen(d);
		fake_source(&src, d, INSTANCE);
		open_collector(&c, &src, conf);
		while (collector_pump(&c, 0) > 0)
			;
		collector_commit(&c);
		collector_close(&c);
		_exit(0);
	}
	if (kill_after_ms > 0) {
		struct timespec ts = { 0, kill_after_ms * 1000000L };

		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status)) {
		assert_int_equal(WTERMSIG(status), SIGKILL);
		(*killed)++;
	} else {
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
}

static void killed_collectors_spool_every_record_once(void **state)
{
	struct synth syn;
	struct fakedev *d;
	struct idset sp = { 0 }, fl = { 0 };
	unsigned int round, total, dups = 0, findings = 0, i;
	int killed = 0;
	char path[200];

	(void)state;
	/* A receiver that never answers: everything stays in the spool. */
	snprintf(conf, sizeof(conf),
		 "[sink down]\ntype = syslog\ntransport = tcp\nhost = 127.0.0.1\n"
		 "port = 1\nspool_dir = %s/spool-down\nreconnect_min = 1d\n"
		 "reconnect_max = 1d\n"
		 "[sink file]\ntype = file\npath = %s/records.json\n", tmp, tmp);
	synth_init(&syn);
	stream(&syn, NREC);
	d = fakedev_new(&syn);
	assert_non_null(d);
	srand(7);
	d->per_read = 9;
	for (round = 0; round < 8 && fakedev_unacked(d); round++)
		run_child(d, 3 + rand() % 40, &killed);
	/* Some at chosen points too: between a commit and its ack. */
	d->kill_at_ack = 3;
	run_child(d, 0, &killed);
	d->kill_at_ack = 0;
	run_child(d, 0, &killed);
	assert_true(killed > 0);
	assert_int_equal(fakedev_unacked(d), 0);

	snprintf(path, sizeof(path), "%s/spool-down", tmp);
	spool_ids(path, &sp, &total);
	check_records(&syn, &sp, 1);
	/* Findings go out too, each once. */
	for (i = 0; i < sp.n; i++) {
		/* INSTANCE-finding-ID: the module instance, 16 hex digits. */
		const char *f = strstr(sp.id[i], "-finding-");

		if (!f)
			continue;
		findings++;
		assert_int_equal(f - sp.id[i], 16);
		if (sp.count[i] != 1)
			fail_msg("%s spooled %u times", sp.id[i], sp.count[i]);
	}
	assert_true(findings > 0);
	snprintf(path, sizeof(path), "%s/records.json", tmp);
	file_ids(path, &fl, &total);
	check_records(&syn, &fl, 0);
	for (i = 0; i < fl.n; i++)
		dups += fl.count[i] - 1;
	/* A file sink may repeat at most what a killed batch wrote. */
	print_message("# %d collectors killed; the file sink repeated %u lines\n",
		      killed, dups);
	idset_free(&sp);
	idset_free(&fl);
	fakedev_free(d);
	synth_free(&syn);
}

/* The status file dauditd wrote last, and its first sink in *@s0. */
static json_object *status_file(json_object **s0)
{
	char path[256];
	json_object *st;

	snprintf(path, sizeof(path), "%s-sinks.json", db);
	st = json_object_from_file(path);
	assert_non_null(st);
	*s0 = json_object_array_get_idx(ecs_get(st, "sinks"), 0);
	assert_non_null(*s0);
	return st;
}

/* ------------------------------------------------------------------ */
/* A TCP receiver                                                      */
/* ------------------------------------------------------------------ */

struct receiver {
	int lfd, fd;
	unsigned int port;
	struct fmt_buf in;
};

static void receiver_listen(struct receiver *r)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (r->port)
		a.sin_port = htons((uint16_t)r->port);
	r->lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	assert_true(r->lfd >= 0);
	setsockopt(r->lfd, SOL_SOCKET, SO_REUSEADDR, &(int){ 1 }, sizeof(int));
	assert_int_equal(bind(r->lfd, (void *)&a, sizeof(a)), 0);
	assert_int_equal(listen(r->lfd, 4), 0);
	assert_int_equal(getsockname(r->lfd, (void *)&a, &len), 0);
	r->port = ntohs(a.sin_port);
	r->fd = -1;
}

/* Accept and read what is there; returns bytes read. */
static size_t receiver_poll(struct receiver *r)
{
	char buf[65536];
	size_t got = 0;
	ssize_t n;

	if (r->fd < 0 && r->lfd >= 0) {
		r->fd = accept4(r->lfd, NULL, NULL, SOCK_NONBLOCK);
		if (r->fd < 0)
			return 0;
	}
	if (r->fd < 0)
		return 0;
	while ((n = read(r->fd, buf, sizeof(buf))) > 0) {
		fb_add(&r->in, buf, (size_t)n);
		got += (size_t)n;
	}
	return got;
}

static void receiver_stop(struct receiver *r)
{
	if (r->fd >= 0)
		close(r->fd);
	if (r->lfd >= 0)
		close(r->lfd);
	r->fd = r->lfd = -1;
}

/* Run the collector's loop (without epoll) and the receiver a while. */
static void spin(struct collector *c, struct receiver *r, int rounds)
{
	int i;

	for (i = 0; i < rounds; i++) {
		struct timespec ts = { 0, 2000000 };

		collector_pump(c, 1);
		sinks_ready(c->sinks);
		sinks_tick(c->sinks);
		if (r)
			receiver_poll(r);
		nanosleep(&ts, NULL);
	}
}

/* "LEN SP MSG" frames: check each syslog header, collect the ids. */
static void frames(const struct fmt_buf *in, struct idset *got,
		   unsigned int *n)
{
	size_t off = 0;

	*n = 0;
	while (off < in->len) {
		char *end, id[48];
		unsigned long len = strtoul(in->s + off, &end, 10);
		char *msg, *sp;

		assert_true(end > in->s + off && *end == ' ');
		assert_true(len > 0 && end + 1 + len <= in->s + in->len);
		msg = strndup(end + 1, len);
		/* <PRI>1 TIMESTAMP HOST APP PROCID MSGID - MSG */
		assert_true(!strncmp(msg, "<", 1));
		sp = strstr(msg, ">1 ");
		assert_non_null(sp);
		assert_true(strtol(msg + 1, NULL, 10) / 8 == 10);	/* authpriv */
		assert_non_null(strstr(msg, "Z "));
		assert_non_null(strstr(msg, " daudit "));
		assert_non_null(strstr(msg, " - {\"@timestamp\":"));
		assert_int_equal(msg_id(msg, id, sizeof(id)), 0);
		(*idset_get(got, id))++;
		free(msg);
		off = (size_t)(end + 1 + len - in->s);
		(*n)++;
	}
}

static void a_tcp_receiver_gets_every_record_once_across_restarts(void **state)
{
	struct synth a, b;
	struct fakedev *d1, *d2;
	struct receiver r = { .lfd = -1, .fd = -1 };
	struct collector c;
	struct source src;
	struct idset got = { 0 };
	unsigned int n;
	char cfg[1024];

	(void)state;
	receiver_listen(&r);
	snprintf(cfg, sizeof(cfg),
		 "[sink siem]\ntype = syslog\ntransport = tcp\nhost = 127.0.0.1\n"
		 "port = %u\nspool_dir = %s/spool-siem\nreconnect_min = 1s\n"
		 "reconnect_max = 1s\n", r.port, tmp);
	synth_init(&a);
	stream(&a, 300);
	d1 = fakedev_new(&a);
	fake_source(&src, d1, INSTANCE);
	open_collector(&c, &src, cfg);
	spin(&c, &r, 200);
	/* The receiver goes away after reading everything ... */
	receiver_stop(&r);
	/* ... records arrive meanwhile and are spooled ... */
	synth_init(&b);
	memcpy(b.seq, a.seq, sizeof(a.seq));
	stream(&b, 200);
	d2 = fakedev_new(&b);
	src.ctx = d2;
	spin(&c, NULL, 100);
	/* ... and it comes back on the same port. */
	receiver_listen(&r);
	spin(&c, &r, 900);
	collector_close(&c);
	receiver_poll(&r);
	receiver_stop(&r);

	frames(&r.in, &got, &n);
	check_records(&a, &got, 1);
	check_records(&b, &got, 1);
	/* The status file saw it through. */
	{
		json_object *s0, *st = status_file(&s0);

		assert_string_equal(ecs_get_str(s0, "name"), "siem");
		assert_int_equal(json_object_get_int(ecs_get(s0, "spool.records")), 0);
		assert_int_equal(json_object_get_int(ecs_get(s0, "refused")), 0);
		assert_true(json_object_get_int(ecs_get(s0, "reconnects")) >= 2);
		/* It closed cleanly: nothing it may have had went again. */
		assert_int_equal(json_object_get_int(ecs_get(s0, "resent")), 0);
		assert_int_equal(json_object_get_int(ecs_get(s0, "delivered")),
				 json_object_get_int(ecs_get(s0, "accepted")));
		assert_false(json_object_get_boolean(ecs_get(st, "running")));
		json_object_put(st);
	}
	idset_free(&got);
	fb_free(&r.in);
	fakedev_free(d1);
	fakedev_free(d2);
	synth_free(&a);
	synth_free(&b);
}

/* Accept a connection and read nothing. */
static void receiver_accept(struct receiver *r)
{
	if (r->fd < 0)
		r->fd = accept4(r->lfd, NULL, NULL, SOCK_NONBLOCK);
}

static void a_receiver_that_dies_with_unread_data_gets_it_again(void **state)
{
	struct synth a;
	struct fakedev *d;
	struct receiver r = { .lfd = -1, .fd = -1 };
	struct collector c;
	struct source src;
	struct idset got = { 0 };
	unsigned int n, i, dups = 0;
	uint64_t resent;
	char cfg[1024];
	int k;

	(void)state;
	receiver_listen(&r);
	snprintf(cfg, sizeof(cfg),
		 "[sink siem]\ntype = syslog\ntransport = tcp\nhost = 127.0.0.1\n"
		 "port = %u\nspool_dir = %s/spool-reset\nreconnect_min = 1s\n"
		 "reconnect_max = 1s\n", r.port, tmp);
	synth_init(&a);
	stream(&a, 200);
	d = fakedev_new(&a);
	fake_source(&src, d, INSTANCE);
	open_collector(&c, &src, cfg);
	/* Its kernel acknowledges what it receives; it reads none of it ... */
	for (k = 0; k < 100; k++) {
		struct timespec ts = { 0, 2000000 };

		collector_pump(&c, 1);
		sinks_ready(c.sinks);
		sinks_tick(c.sinks);
		receiver_accept(&r);
		nanosleep(&ts, NULL);
	}
	assert_true(r.fd >= 0);
	/* ... and dies: the unread data makes its close a reset. */
	receiver_stop(&r);
	spin(&c, NULL, 50);
	receiver_listen(&r);
	spin(&c, &r, 2500);
	collector_close(&c);
	receiver_poll(&r);
	receiver_stop(&r);
	frames(&r.in, &got, &n);
	/* Nothing missed; some may come twice (what was in flight) ... */
	check_records(&a, &got, 0);
	for (i = 0; i < got.n; i++)
		dups += got.count[i] - 1;
	/* ... and no more than the status counted as sent again. */
	{
		json_object *s0, *st = status_file(&s0);

		resent = json_object_get_uint64(ecs_get(s0, "resent"));
		json_object_put(st);
	}
	assert_true(resent > 0);
	assert_true(dups <= resent);
	print_message("# %u frames, %u repeated after the reset, %llu counted as sent again\n",
		      n, dups, (unsigned long long)resent);
	idset_free(&got);
	fb_free(&r.in);
	fakedev_free(d);
	synth_free(&a);
}

/* ------------------------------------------------------------------ */
/* Overflow, rotation, reopening                                       */
/* ------------------------------------------------------------------ */

/*
 * A CA certificate for sinks that must load one but never connect (a
 * minimal system has no /etc/ssl/certs): self-signed, P-256, 100 years.
 */
static const char test_ca[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIBkjCCATmgAwIBAgIUSK4nAiHRG+GxgmnndJCKvj3TWVIwCgYIKoZIzj0EAwIw\n"
	"HjEcMBoGA1UEAwwTZGF1ZGl0IHVuaXQgdGVzdCBDQTAgFw0yNjEyMDYyMzE0MDZa\n"
	"GA8yMTI2MTExMjIzMTQwNlowHjEcMBoGA1UEAwwTZGF1ZGl0IHVuaXQgdGVzdCBD\n"
	"QTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABMtqlioU69kyJVUeD32WnPFyx0kb\n"
	"NMBtwAfq0qcLHLfng2PXHdG+QgP9f7i3pukf/cm6pCqogiDb2mmW08CjfVWjUzBR\n"
	"MB0GA1UdDgQWBBSsOllpgVbiwqV5NccVzSZZk3S3DTAfBgNVHSMEGDAWgBSsOllp\n"
	"gVbiwqV5NccVzSZZk3S3DTAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0cA\n"
	"MEQCIB5jq7WKVPQlJG7w/uDR2y7ws/XaRWKXa7Dfm0ysDmgqAiBS/crKb0JNaUH/\n"
	"bFb3Rph8tL5ltUNIs4qqV3s8S40XQA==\n"
	"-----END CERTIFICATE-----\n";

static void a_full_spool_shows_in_the_status_file(void **state)
{
	struct synth syn;
	struct fakedev *d;
	struct collector c;
	struct source src;
	json_object *st, *s0;
	char cfg[768], ca[256];
	FILE *f;

	(void)state;
	snprintf(ca, sizeof(ca), "%s/test-ca.pem", tmp);
	f = fopen(ca, "w");
	assert_non_null(f);
	assert_int_equal(fputs(test_ca, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	snprintf(cfg, sizeof(cfg),
		 "[sink full]\ntype = syslog\ntransport = tls\nhost = 127.0.0.1\n"
		 "port = 1\nca_file = %s\n"
		 "spool_dir = %s/spool-full\nspool_max = 64K\n"
		 "types = file_read, egress\n", ca, tmp);
	synth_init(&syn);
	stream(&syn, 400);
	d = fakedev_new(&syn);
	fake_source(&src, d, INSTANCE);
	open_collector(&c, &src, cfg);
	spin(&c, NULL, 50);
	/* Records the spool refused are acknowledged all the same. */
	assert_int_equal(fakedev_unacked(d), 0);
	collector_close(&c);
	st = status_file(&s0);
	assert_string_equal(ecs_get_str(s0, "type"), "syslog");
	assert_string_equal(ecs_get_str(s0, "target"), "tls://127.0.0.1:1");
	assert_false(json_object_get_boolean(ecs_get(s0, "connected")));
	assert_true(json_object_get_int(ecs_get(s0, "refused")) > 0);
	assert_non_null(ecs_get_str(s0, "refused_first"));
	assert_non_null(ecs_get_str(s0, "refused_last"));
	assert_non_null(strstr(ecs_get_str(s0, "last_error"), "Connection refused"));
	assert_true(json_object_get_int64(ecs_get(s0, "spool.bytes")) <= 64 * 1024);
	assert_int_equal(json_object_get_int(ecs_get(s0, "spool.records")) +
			 json_object_get_int(ecs_get(s0, "refused")), 400);
	json_object_put(st);
	fakedev_free(d);
	synth_free(&syn);
}

static void file_sinks_rotate_and_reopen(void **state)
{
	struct synth syn, more;
	struct fakedev *d, *d2;
	struct collector c;
	struct source src;
	struct idset got = { 0 };
	char cfg[512], path[256], moved[256];
	unsigned int g, total, all = 0;
	struct stat sb;

	(void)state;
	snprintf(cfg, sizeof(cfg),
		 "[sink rot]\ntype = file\npath = %s/rot.json\nmax_size = 64K\n"
		 "generations = 50\ntypes = file_read\n"
		 "[sink cef]\ntype = file\nformat = cef\npath = %s/cef.log\n",
		 tmp, tmp);
	synth_init(&syn);
	stream(&syn, 500);
	d = fakedev_new(&syn);
	fake_source(&src, d, INSTANCE);
	open_collector(&c, &src, cfg);
	spin(&c, NULL, 30);
	/* logrotate moves a file away; SIGHUP reopens it. */
	snprintf(path, sizeof(path), "%s/cef.log", tmp);
	snprintf(moved, sizeof(moved), "%s/cef.log.old", tmp);
	assert_int_equal(rename(path, moved), 0);
	{
		struct config cf;
		char err[256];
		FILE *f = fmemopen(cfg, strlen(cfg), "r");

		assert_int_equal(config_parse(&cf, f, "t.conf", err, sizeof(err)), 0);
		fclose(f);
		assert_int_equal(sinks_reload(c.sinks, &cf, db, err, sizeof(err)), 0);
		config_free(&cf);
	}
	synth_init(&more);
	memcpy(more.seq, syn.seq, sizeof(syn.seq));
	stream(&more, 50);
	d2 = fakedev_new(&more);
	src.ctx = d2;
	spin(&c, NULL, 30);
	collector_close(&c);
	assert_int_equal(stat(path, &sb), 0);
	assert_true(sb.st_size > 0);
	assert_int_equal(stat(moved, &sb), 0);

	/* Every file read once across the generations, each file small. */
	for (g = 0; g <= 51; g++) {
		if (g)
			snprintf(path, sizeof(path), "%s/rot.json.%u", tmp, g);
		else
			snprintf(path, sizeof(path), "%s/rot.json", tmp);
		if (stat(path, &sb) < 0) {
			assert_true(g > 2 && g <= 51);
			break;
		}
		assert_true(sb.st_size <= 64 * 1024);
		file_ids(path, &got, &total);
		all += total;
	}
	assert_int_equal(all, 450 + 45);	/* the file reads */
	{
		const struct daudit_rec_header *h;
		const char *why = NULL;
		struct rec_iter it;
		char id[48];

		rec_iter_init(&it, syn.buf, syn.len);
		while ((h = rec_next(&it, &why))) {
			id_of(h, id, sizeof(id));
			if (h->type == DAUDIT_REC_FILE_READ)
				assert_int_equal(*idset_get(&got, id), 1);
		}
	}
	idset_free(&got);
	fakedev_free(d);
	fakedev_free(d2);
	synth_free(&syn);
	synth_free(&more);
}

/* ------------------------------------------------------------------ */
/* Triage                                                              */
/* ------------------------------------------------------------------ */

static char *file_text(const char *path)
{
	FILE *f = fopen(path, "r");
	char *t;

	assert_non_null(f);
	t = slurp(f);
	fclose(f);
	return t;
}

/*
 * The verb in a child of a process that holds a running collector:
 * LeakSanitizer at its exit would judge the collector's memory too
 * (test_verb_incident checks the verb's own).
 */
static int cmd_incident_child(int argc, char **argv)
{
	int rc = cmd_incident(argc, argv);

	fflush(stdout);
	fflush(stderr);
	_exit(rc);
}

/*
 * Issue 18 item 4: states and notes go to the SIEM as updates of the
 * findings, once each, while dauditd runs and the CLI writes them.
 */
static void triage_goes_to_the_siem_as_updates_of_its_findings(void **state)
{
	struct synth syn;
	struct fakedev *d;
	struct collector c;
	struct source src;
	struct cli cl;
	json_object *o;
	char cfg[512], path[256], *id, *text, needle[128];
	int64_t nf;

	(void)state;
	snprintf(cfg, sizeof(cfg),
		 "[sink f]\ntype = file\npath = %s/f.json\ntypes = finding\n", tmp);
	snprintf(path, sizeof(path), "%s/f.json", tmp);
	synth_init(&syn);
	stream(&syn, NREC);
	d = fakedev_new(&syn);
	fake_source(&src, d, INSTANCE);
	open_collector(&c, &src, cfg);
	spin(&c, NULL, 60);
	collector_commit(&c);

	cli_run(&cl, cmd_incident_child, "incident", "list", "--database", db,
		"--since", "2026-11-01", "--until", "2026-12-01", "--format",
		"json", END);
	if (cl.status)
		fail_msg("list: %d: %s", cl.status, cl.err);
	o = json_tokener_parse(cl.out);
	assert_non_null(o);
	assert_true(json_object_array_length(o) > 0);
	id = strdup(json_object_get_string(json_object_object_get(
		json_object_array_get_idx(o, 0), "incident")));
	nf = json_object_get_int64(json_object_object_get(
		json_object_array_get_idx(o, 0), "findings"));
	json_object_put(o);
	cli_free(&cl);
	cli_run(&cl, cmd_incident_child, "incident", "confirm", id, "--note",
		"took \x1b[2J the table", "--database", db, END);
	assert_int_equal(cl.status, 0);
	cli_free(&cl);
	cli_run(&cl, cmd_incident_child, "incident", "note", id, "called HR",
		"--database", db, END);
	assert_int_equal(cl.status, 0);
	cli_free(&cl);
	sinks_commit(c.sinks);
	collector_close(&c);

	text = file_text(path);
	/* Every finding of the incident again, with its state, then the note. */
	assert_int_equal(count_of(text, "\"triage\":{\"action\":\"state\""), nf);
	/* The note's message says the finding's state too. */
	assert_int_equal(count_of(text, "\"state\":\"confirmed\""), nf + 1);
	assert_int_equal(count_of(text, "\"action\":\"note\""), 1);
	assert_int_equal(count_of(text, "\"note\":\"took \\u001b[2J the table\""), nf);
	assert_int_equal(count_of(text, "\"note\":\"called HR\""), 1);
	snprintf(needle, sizeof(needle), "\"incident\":{\"id\":\"%s\"", id);
	assert_int_equal(count_of(text, needle), nf + 1);
	free(text);

	/* Started again: nothing twice. */
	fakedev_reopen(d);
	open_collector(&c, &src, cfg);
	spin(&c, NULL, 10);
	sinks_commit(c.sinks);
	collector_close(&c);
	text = file_text(path);
	assert_int_equal(count_of(text, "\"note\":\"called HR\""), 1);
	free(text);
	free(id);
	fakedev_free(d);
	synth_free(&syn);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(killed_collectors_spool_every_record_once, setup, teardown),
		cmocka_unit_test_setup_teardown(a_tcp_receiver_gets_every_record_once_across_restarts, setup, teardown),
		cmocka_unit_test_setup_teardown(a_receiver_that_dies_with_unread_data_gets_it_again, setup, teardown),
		cmocka_unit_test_setup_teardown(a_full_spool_shows_in_the_status_file, setup, teardown),
		cmocka_unit_test_setup_teardown(file_sinks_rotate_and_reopen, setup, teardown),
		cmocka_unit_test_setup_teardown(triage_goes_to_the_siem_as_updates_of_its_findings, setup, teardown),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	signal(SIGPIPE, SIG_IGN);
	util_progname = "test_sinks";
	return cmocka_run_group_tests_name("sinks", tests, NULL, NULL);
}
