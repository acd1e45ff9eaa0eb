/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a sink already has, so nothing reaches it twice.  The kernel
 * delivers again every record the collector did not acknowledge (ack
 * mode), and the indexer reads again every journal batch it had not
 * deleted, which it does only after every sink took the batch's
 * records; a sink therefore remembers, per stream, the next sequence
 * number it expects (a high-water mark) and skips what lies below:
 *
 *   stream (instance, cpu)          records of one module instance's CPU
 *   stream (0, MARK_FINDINGS)       findings, by findings.id
 *   stream (0, MARK_TRIAGE)         triage updates, by notes.id << 16
 *                                   and the finding's number in it
 *
 * Marks live in a small text file in the sink's state directory,
 * replaced atomically (write, rename), with a few named numbers a sink
 * may keep beside them.  Only the running module instance matters: a
 * new instance cannot deliver an old instance's records again, so the
 * marks of other instances are dropped when a new one appears.
 */
#ifndef DAUDITD_MARKS_H
#define DAUDITD_MARKS_H

#include <stddef.h>
#include <stdint.h>

#define MARK_FINDINGS	0xffffffffU
/* The collector's protection events: never marked (sinks_protection()). */
#define MARK_PROTECTION	0xfffffffeU
/* Triage of findings (sink.c): notes.id << TRIAGE_SEQ_SHIFT | n. */
#define MARK_TRIAGE	0xfffffffdU
#define TRIAGE_SEQ_SHIFT 16
#define MARKS_META_MAX	8

struct mark {
	uint64_t instance;
	uint32_t stream;
	uint64_t next;			/* every seq below is taken */
};

struct marks {
	struct mark *v;
	unsigned int n, cap;
	int dirty;
	char meta_name[MARKS_META_MAX][24];
	uint64_t meta[MARKS_META_MAX];
	unsigned int n_meta;
};

void marks_init(struct marks *m);
void marks_free(struct marks *m);

/*
 * Read @path into @m (emptied first).  Returns 1 when the file was read,
 * 0 when it does not exist, -1 with @err when it cannot be read or is
 * not a marks file.
 */
int marks_load(struct marks *m, const char *path, char *err, size_t errlen);
/* Replace @path atomically (PATH.tmp, then rename); 0 or -1 (errno). */
int marks_save(struct marks *m, const char *path);

/* Is (instance, stream, seq) new to the sink: at or above the mark? */
int marks_new(const struct marks *m, uint64_t instance, uint32_t stream,
	      uint64_t seq);
/* The sink took seq: the mark becomes at least seq + 1. */
void marks_take(struct marks *m, uint64_t instance, uint32_t stream,
		uint64_t seq);
/* The mark of a stream, or 0 if there is none. */
uint64_t marks_get(const struct marks *m, uint64_t instance, uint32_t stream);
void marks_set(struct marks *m, uint64_t instance, uint32_t stream,
	       uint64_t next);

/* Named numbers kept in the same file (absent: 0). */
uint64_t marks_meta(const struct marks *m, const char *name);
void marks_set_meta(struct marks *m, const char *name, uint64_t v);

#endif
