// SPDX-License-Identifier: GPL-2.0
/*
 * The intake (intake.h): a batch of records as read, walked only for
 * what the acknowledgement needs, then one journal row.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "daudit.h"
#include "ingest.h"
#include "intake.h"
#include "util.h"

#define MB	(1024 * 1024)

int intake_open(struct intake *in, const char *database, uint64_t max_bytes,
		char *err, size_t errlen)
{
	memset(in, 0, sizeof(*in));
	if (journal_open(&in->j, database, 0, err, errlen) < 0)
		return -1;
	in->max_bytes = max_bytes;
	atomic_init(&in->held, journal_bytes(&in->j));
	return 0;
}

void intake_attach(struct intake *in, unsigned int ncpus, uint32_t ring_bytes)
{
	in->ncpus = ncpus ? ncpus : 1;
	in->cpu = util_xcalloc(in->ncpus, sizeof(*in->cpu));
	in->ring_bytes = ring_bytes;
}

void intake_close(struct intake *in)
{
	journal_close(&in->j);
	free(in->buf);
	free(in->cpu);
	memset(in, 0, sizeof(*in));
}

void *intake_space(struct intake *in, size_t len)
{
	if (in->cap - in->len < len) {
		in->cap = in->len + len > 2 * in->cap ? in->len + len :
			  2 * in->cap;
		in->buf = util_xrealloc(in->buf, in->cap);
	}
	return in->buf + in->len;
}

static struct intake_cpu *cpu_of(struct intake *in, unsigned int cpu)
{
	if (cpu >= in->ncpus) {
		unsigned int n = cpu + 1;

		in->cpu = util_xrecalloc(in->cpu, in->ncpus, n,
					 sizeof(*in->cpu));
		in->ncpus = n;
	}
	return &in->cpu[cpu];
}

void intake_take(struct intake *in, size_t len)
{
	uint64_t t = in->prof_on ? ingest_prof_ns() : 0;
	size_t off = in->len, end = in->len + len;
	uint64_t n = 0;

	while (off < end) {
		const struct daudit_rec_header *h = (const void *)(in->buf + off);
		struct intake_cpu *c;

		/*
		 * What the indexer cannot walk is cut off here: the rest of
		 * this read is lost, and the indexer's sequence check
		 * reports the gap (rec_next() checks each record fully).
		 */
		if (end - off < sizeof(*h) || h->size < sizeof(*h) ||
		    h->size > end - off || h->size % 8) {
			in->malformed++;
			util_err("malformed records from the device: %zu bytes of a read dropped",
				 end - off);
			break;
		}
		c = cpu_of(in, h->cpu);
		if (h->seq + 1 > c->next)
			c->next = h->seq + 1;
		c->touched = 1;
		c->unacked_bytes += h->size;
		if (in->ring_bytes && c->unacked_bytes > in->ring_bytes / 2)
			in->need_commit = 1;
		if (!in->first_ns || h->time_ns < in->first_ns)
			in->first_ns = h->time_ns;
		if (h->time_ns > in->last_ns)
			in->last_ns = h->time_ns;
		n++;
		off += h->size;
	}
	in->records += n;
	in->total += n;
	in->len = off;
	if (in->prof_on)
		in->prof.walk += ingest_prof_ns() - t;
}

int intake_full(const struct intake *in)
{
	return in->max_bytes &&
	       (uint64_t)atomic_load(&in->held) + in->len >= in->max_bytes;
}

unsigned int intake_commit(struct intake *in, uint64_t instance_id,
			   uint64_t *ackv, unsigned int n)
{
	uint64_t t = in->prof_on ? ingest_prof_ns() : 0, t1;
	unsigned int i, count = 0;

	if (in->len) {
		journal_append(&in->j, instance_id, in->first_ns, in->last_ns,
			       in->records, in->buf, in->len);
		atomic_fetch_add(&in->held, (int_fast64_t)in->len);
	}
	for (i = 0; i < n; i++) {
		struct intake_cpu *c = i < in->ncpus ? &in->cpu[i] : NULL;

		ackv[i] = ~0ULL;
		if (!c || !c->touched)
			continue;
		ackv[i] = c->next;
		c->touched = 0;
		c->unacked_bytes = 0;
		count++;
	}
	in->len = 0;
	in->records = 0;
	in->first_ns = in->last_ns = 0;
	in->need_commit = 0;
	if (in->prof_on) {
		t1 = ingest_prof_ns();
		in->prof.commit += t1 - t;
		in->prof.commits++;
		if (t1 - t > in->prof.longest_commit)
			in->prof.longest_commit = t1 - t;
	}
	return count;
}

void intake_watch(struct intake *in)
{
	int64_t held = atomic_load(&in->held);

	if (!in->max_bytes)
		return;
	if (in->warned < 2 && intake_full(in)) {
		util_err("journal full: %" PRId64 " MB wait to be indexed (journal_max_mb %" PRIu64 "); the device is not read until the indexer catches up, and the kernel's rings drop and count what does not fit",
			 held / MB, in->max_bytes / MB);
		in->warned = 2;
	} else if (!in->warned && (uint64_t)held > in->max_bytes / 2) {
		util_log(LOG_WARNING, "journal: %" PRId64 " MB wait to be indexed, over half of journal_max_mb (%" PRIu64 "): the indexer is behind the device",
			 held / MB, in->max_bytes / MB);
		in->warned = 1;
	} else if (in->warned && (uint64_t)held < in->max_bytes / 4) {
		util_log(LOG_NOTICE, "journal: the indexer caught up (%" PRId64 " MB waiting)",
			 held / MB);
		in->warned = 0;
	}
}
