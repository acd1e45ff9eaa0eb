/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-CPU record rings: one lock-free producer per CPU (interrupts off
 * while it writes), one consumer (the /dev/daudit reader, under a mutex).
 */
#ifndef _DAUDIT_RING_H
#define _DAUDIT_RING_H

#include <linux/align.h>
#include <linux/types.h>
#include "uapi/daudit.h"

int daudit_ring_init(unsigned int ring_bytes);
void daudit_ring_exit(void);
unsigned int daudit_ring_bytes(void);

/*
 * Write one record on this CPU: @rec (@len bytes, its header is filled in
 * here), then @tail (a string, written with its NUL) and padding to 8,
 * then @ext if any.  Never sleeps, never blocks; when the ring is full the
 * record is dropped and counted.  Returns 0 or -ENOSPC.
 */
/*
 * The bytes a record takes in the ring: @len of its own, the string
 * @tail_len (with its NUL, if @tail) and padding to 8, then @ext_len.
 */
static inline u32 daudit_ring_rec_size(u32 len, bool tail, u32 tail_len,
				       u32 ext_len)
{
	return ALIGN(len + (tail ? tail_len + 1 : 0), 8) + ext_len;
}

/*
 * Would records of @a and then @b bytes (0: none) fit in this CPU's ring
 * now, after the loss report it may owe?  Interrupts off: the answer
 * holds until they are back on.
 */
bool daudit_ring_fits(u32 a, u32 b);

int daudit_ring_write_ext(u16 type, u32 hflags, const void *rec, u32 len,
			  const char *tail, u32 tail_len,
			  const void *ext, u32 ext_len);

/*
 * The same with a block @ext (@ext_len bytes, a multiple of 8) ending the
 * record, after the padded string, and @hflags in its header.
 */
static inline int daudit_ring_write(u16 type, const void *rec, u32 len,
				    const char *tail, u32 tail_len)
{
	return daudit_ring_write_ext(type, 0, rec, len, tail, tail_len,
				     NULL, 0);
}

/* Consumer side; the caller serialises these (device mutex). */
void daudit_ring_consumer_reset(void);
void daudit_ring_set_ack_mode(bool on);
ssize_t daudit_ring_read(char __user *buf, size_t len);
bool daudit_ring_readable(void);
int daudit_ring_ack(const u64 *seq, unsigned int n);
void daudit_ring_flush_lost(void);
void daudit_ring_cpu_stats(unsigned int cpu, struct daudit_cpu_stats *st);
void daudit_ring_totals(u64 *records, u64 *dropped);

/* Wait queue the consumer sleeps on; woken through an irq_work. */
extern struct wait_queue_head daudit_ring_wait;

#endif /* _DAUDIT_RING_H */
