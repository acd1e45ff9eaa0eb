// SPDX-License-Identifier: GPL-2.0
/*
 * Synthetic records for tests/siem/run.sh, written to standard output as
 * /dev/daudit's read() would return them (dauditd --replay reads them),
 * and what each one says, as one JSON line per record, appended to the
 * manifest file the checker compares the receivers' output with.
 *
 *   gen --from I --to J [--delay-ms D] [--manifest FILE]
 *
 * Record I (global index) goes to CPU I % 4 with sequence number I / 4,
 * so consecutive runs continue each CPU's sequence.  Process records of
 * the test's processes come first when I is 0, on CPU 7.  Every 7th
 * record carries hostile strings: 4 KiB paths and executables with
 * quotes, backslashes, '|', '=', ']', newlines, tabs, "\x41" and bytes
 * that are not UTF-8; and a hostile command name.  Every 5th record
 * (from the third) that can carry one has a declared actor (ABI 1.3):
 * emp-NN with its request and client, or, when hostile, an actor and a
 * request id full of control bytes, quotes, separators, "\x41" and bytes
 * that are not UTF-8.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "record.h"
#include "synth.h"

#define NPROC	3
#define HOSTILE_EVERY	7
#define ACTOR_EVERY	5

static const char hostile_piece[] =
	"/srv/\"quoted\"/back\\slash/\\x41/pipe|eq=br]/new\nline/tab\there/"
	"\x80\xff/\xe2\x82/\xc3\xa9/\xf0\x9f\x98\x80/cr\rz";
static const char hostile_comm[DAUDIT_COMM_LEN] =
	"\"\\x41\xff|=]\n\xe2\x82\xac\\\x80z";

/* 64 bytes, the most an actor id may have. */
static const char hostile_actor[] =
	"emp\n\x1b[2J|=]\\x41\"\t\x80\xff\xc3\xa9 cs3=0\rsuser=x\x7f\x01-07......"
	"......" "............";
static const char hostile_request[] = "r\n\\x41|=\xfe\"q";

static FILE *manifest;

static void hex(FILE *f, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		fprintf(f, "%02x", (unsigned char)s[i]);
}

/* A hostile path of 4095 bytes ending in a name. */
static void hostile_path(char *buf, size_t len, unsigned int i)
{
	size_t n = 0, p = sizeof(hostile_piece) - 1;
	char tail[32];
	int t = snprintf(tail, sizeof(tail), "/end-%u.csv", i);

	while (n + t < len - 1) {
		buf[n] = hostile_piece[n % p];
		n++;
	}
	memcpy(buf + n, tail, (size_t)t);
	buf[n + t] = '\0';
}

static void who_of(struct who *w, unsigned int k)
{
	static const char *const comms[NPROC] = { "cat", "psql", "curl" };

	memset(w, 0, sizeof(*w));
	w->uid = 1000 + k;
	w->auid = k == 2 ? DAUDIT_UID_UNSET : 1000 + k;
	w->sessionid = k == 2 ? DAUDIT_SESSION_UNSET : 10 + k;
	w->tgid = 3000 + k;
	w->start_ns = (k + 1) * NS;
	w->comm = comms[k];
}

static const char *exe_of(unsigned int k)
{
	static const char *const exes[NPROC] = { "/usr/bin/cat", "/usr/bin/psql",
						 "/usr/bin/curl" };

	return exes[k];
}

/* "key":"hex of the bytes" */
static void hexfield(const char *key, const char *v, size_t len)
{
	fprintf(manifest, ",\"%s\":\"", key);
	hex(manifest, v, len);
	fputc('"', manifest);
}

static void record(struct synth *s, unsigned int i, uint64_t t)
{
	static const char unix_path[] = "/run/postgresql/.s.PGSQL.5432";
	static char path[DAUDIT_PATH_MAX];
	unsigned int k = i % NPROC, kind = i % 6, cpu = i % 4;
	int hostile = i % HOSTILE_EVERY == 3, net = i % 3 == 0;
	int actor = i % ACTOR_EVERY == 2 && kind <= 4;
	char actor_id[16], request[32], client[32];
	struct daudit_rec_header *h;
	struct who w;
	uint64_t bytes = 1000 + (uint64_t)i * 7;
	size_t before = s->len;

	who_of(&w, k);
	if (hostile)
		hostile_path(path, sizeof(path), i);
	else
		snprintf(path, sizeof(path), "/data/customers/part-%05u.csv", i);
	s->seq[cpu] = i / 4;
	switch (kind) {
	case 0:
	case 1:
	case 2:
		synth_read(s, cpu, t, &w, "customers", path, 100000 + i, 0, 1,
			   bytes);
		break;
	case 3:
		synth_sock(s, cpu, t, &w, "db", i % 2 ? unix_path : NULL, bytes);
		break;
	case 4:
		synth_egress(s, cpu, t, &w, "customers", net ?
			     DAUDIT_EGRESS_NET : DAUDIT_EGRESS_FILE,
			     DAUDIT_EGRESS_F_LOGIN, net ? NULL : path, bytes);
		break;
	default:
		synth_alert(s, cpu, t, &w, "customers", path, "/tmp/innocent.csv");
	}
	_Static_assert(sizeof(hostile_actor) - 1 == 64, "the longest actor id");
	snprintf(actor_id, sizeof(actor_id), "emp-%02u", i % 20 + 1);
	snprintf(request, sizeof(request), "req-%u", i);
	snprintf(client, sizeof(client), "10.1.0.%u:%u", i % 20 + 1, 50000 + i);
	if (actor && hostile)
		synth_actor(s, hostile_actor, sizeof(hostile_actor) - 1,
			    hostile_request, 0x0a010000U | (i % 20 + 1),
			    (uint16_t)(50000 + i));
	else if (actor)
		synth_actor(s, actor_id, strlen(actor_id), request,
			    0x0a010000U | (i % 20 + 1), (uint16_t)(50000 + i));
	/* After synth_actor(), which may move the buffer. */
	h = (void *)(s->buf + before);
	if (hostile) {
		struct daudit_rec_file *f = (void *)h;

		/* comm is at the same place in every record with a subject. */
		memcpy(f->subj.comm, hostile_comm, sizeof(hostile_comm));
	}
	fprintf(manifest, "{\"i\":%u,\"type\":\"%s\",\"cpu\":%u,\"seq\":%u,"
		"\"time_ns\":%llu,\"pid\":%u,\"uid\":%u,\"auid\":%lld,"
		"\"hostile\":%s", i, rec_type_name(h->type), cpu, i / 4,
		(unsigned long long)t, w.tgid, w.uid,
		w.auid == DAUDIT_UID_UNSET ? -1LL : (long long)w.auid,
		hostile ? "true" : "false");
	if (kind != 5)
		fprintf(manifest, ",\"bytes\":%llu", (unsigned long long)bytes);
	if (kind <= 2 || kind == 5 || (kind == 4 && !net))
		hexfield("fpath", path, strlen(path));
	if (kind == 3 && i % 2)
		hexfield("unix", unix_path, strlen(unix_path));
	if (kind == 4 && net)
		fprintf(manifest, ",\"dest\":\"203.0.113.5:443\"");
	if (hostile)
		hexfield("comm", hostile_comm, sizeof(hostile_comm));
	else
		hexfield("comm", w.comm, strlen(w.comm));
	hexfield("exe", exe_of(k), strlen(exe_of(k)));
	if (actor) {
		if (hostile) {
			hexfield("actor", hostile_actor, sizeof(hostile_actor) - 1);
			hexfield("request", hostile_request, strlen(hostile_request));
		} else {
			hexfield("actor", actor_id, strlen(actor_id));
			hexfield("request", request, strlen(request));
		}
		fprintf(manifest, ",\"client\":\"%s\"", client);
	}
	fprintf(manifest, "}\n");
}

static void flush_out(struct synth *s)
{
	size_t off = 0;

	while (off < s->len) {
		ssize_t n = write(1, s->buf + off, s->len - off);

		if (n <= 0) {
			perror("gen: write");
			exit(1);
		}
		off += (size_t)n;
	}
	s->len = 0;
}

int main(int argc, char **argv)
{
	unsigned int from = 0, to = 100, delay = 0, i, k;
	const char *mpath = "/dev/null";
	struct synth s;
	int a;

	for (a = 1; a + 1 < argc; a += 2) {
		if (!strcmp(argv[a], "--from"))
			from = (unsigned int)atoi(argv[a + 1]);
		else if (!strcmp(argv[a], "--to"))
			to = (unsigned int)atoi(argv[a + 1]);
		else if (!strcmp(argv[a], "--delay-ms"))
			delay = (unsigned int)atoi(argv[a + 1]);
		else if (!strcmp(argv[a], "--manifest"))
			mpath = argv[a + 1];
		else
			break;
	}
	if (a != argc) {
		fprintf(stderr, "usage: gen --from I --to J [--delay-ms D] [--manifest FILE]\n");
		return 2;
	}
	manifest = fopen(mpath, "a");
	if (!manifest) {
		perror(mpath);
		return 1;
	}
	synth_init(&s);
	if (from == 0)
		for (k = 0; k < NPROC; k++) {
			struct who w;

			who_of(&w, k);
			synth_process(&s, 7, T0, &w, exe_of(k), DAUDIT_PROC_SEEN);
		}
	for (i = from; i < to; i++) {
		record(&s, i, T0 + (uint64_t)i * 1000000ULL + 123456);
		if (delay) {
			struct timespec ts = { 0, (long)delay * 1000000L };

			fflush(manifest);
			flush_out(&s);
			nanosleep(&ts, NULL);
		}
	}
	flush_out(&s);
	fclose(manifest);
	synth_free(&s);
	return 0;
}
