/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The disk spool of a network sink: every message the sink accepts is
 * appended here first, and sent from here; it is deleted only once the
 * receiver has it.  So a receiver that is down, slow or restarting loses
 * nothing, and messages reach it in the order they were accepted.
 *
 * A directory per sink holds:
 *
 *   NNNNNNNNNNNNNNNN.seg   append-only segments (16 hex digits, counting
 *                          up), each a run of entries: a 32-byte header
 *                          (magic, length, stream key, CRC-32) and the
 *                          message;
 *   cursor                 where delivery stands: segment, offset, and
 *                          the number of messages delivered so far;
 *   state                  the sink's marks (marks.h) with the number of
 *                          messages appended and where the spool ended
 *                          when they were saved.
 *
 * Segments before the cursor's are deleted.  At open, the entries after
 * the saved end are checked (a torn last entry after a crash is cut off)
 * and their keys brought into the marks, so a message appended just
 * before a crash is not appended again when the kernel delivers its
 * record again.
 *
 * The spool is capped at max_bytes of undelivered messages.  When it is
 * full a new message is refused and counted (with the time of the first
 * and last refused): nothing is dropped silently, and what was spooled
 * stays a gap-free prefix, delivered in order.  Urgent messages
 * (findings and alerts) may use an extra eighth of the cap.
 */
#ifndef DAUDITD_SPOOL_H
#define DAUDITD_SPOOL_H

#include <stddef.h>
#include <stdint.h>

#include "fmt.h"
#include "marks.h"

#define SPOOL_ENTRY_MAX		(1U << 20)	/* a message, at most */
#define SPOOL_HDR		32

enum {
	SPOOL_OK = 0,
	SPOOL_FULL = 1,		/* refused and counted */
	SPOOL_ERROR = -1,	/* could not write (errno), counted as refused */
};

struct spool_pos {
	uint64_t seg;
	uint64_t off;
};

struct spool {
	char *dir;
	uint64_t max_bytes;
	uint64_t seg_max;		/* rotate segments at this size */
	uint64_t first_seg;		/* oldest segment on disk */
	uint64_t cur_seg;		/* the one appended to */
	uint64_t cur_size;
	int fd;				/* cur_seg, for appending */
	int rfd;			/* rseg, for reading */
	uint64_t rseg;
	struct spool_pos cursor;	/* delivered up to here */
	uint64_t appended;		/* messages, ever */
	uint64_t delivered;		/* messages, ever */
	uint64_t bytes;			/* undelivered bytes on disk */
	uint64_t refused, refused_bytes;
	uint64_t refused_first_ns, refused_last_ns;
	int cursor_dirty;
	struct marks marks;
};

/*
 * Open (creating) the spool in @dir, capped at @max_bytes.  -1 with @err
 * on failure.
 */
int spool_open(struct spool *sp, const char *dir, uint64_t max_bytes,
	       char *err, size_t errlen);
/* Save state and cursor, close. */
void spool_close(struct spool *sp);

/*
 * Append one message with its key.  @urgent messages may use an eighth
 * more than the cap.  @time_ns is recorded when it is refused.
 */
int spool_append(struct spool *sp, uint64_t instance, uint32_t stream,
		 uint64_t seq, const void *msg, size_t len, int urgent,
		 uint64_t time_ns);

/*
 * Make what was appended count: save the state file (marks, appended,
 * end).  Called before the collector acknowledges records.  0 or -1.
 */
int spool_commit(struct spool *sp);

/*
 * The entry at *@pos into @out (its message only), and in *@next the
 * position after it.  1 when one was read, 0 at the end, -1 on a
 * damaged entry (@pos then skips to the next segment).
 */
int spool_read(struct spool *sp, struct spool_pos *pos, struct fmt_buf *out,
	       struct spool_pos *next);

/* Entries before @pos, @records messages of @bytes bytes, were delivered. */
void spool_delivered(struct spool *sp, struct spool_pos pos,
		     uint64_t records, uint64_t bytes);
/* Save the cursor if it moved; 0 or -1. */
int spool_save_cursor(struct spool *sp);

/* Messages waiting. */
static inline uint64_t spool_pending(const struct spool *sp)
{
	return sp->appended - sp->delivered;
}

/* The CRC-32 (IEEE 802.3) of @len bytes, continuing @crc. */
uint32_t spool_crc32(uint32_t crc, const void *buf, size_t len);

#endif
