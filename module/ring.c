// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU record rings.
 *
 * Each possible CPU owns a power-of-two byte ring.  The producer is whatever
 * runs on that CPU with interrupts disabled for the few hundred bytes it
 * copies, so there is exactly one producer per ring at any instant and no
 * lock.  Positions are free-running u64 byte counts; a record never wraps:
 * when it does not fit before the end, a PAD record fills the rest.
 *
 *   tail   <= cursor <= head
 *   [tail, cursor)  delivered to the consumer, not yet acknowledged
 *   [cursor, head)  not yet delivered
 *
 * In the default mode read() also moves tail.  In ack mode only
 * daudit_ring_ack() moves tail, so a consumer that dies re-reads what it
 * had not acknowledged.
 *
 * Every record the producer tries to write takes the next per-CPU sequence
 * number, written or not; drops are counted per type and reported by a
 * LOST record written before the next record that fits.
 */

#include <linux/cpu.h>
#include <linux/irq_work.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/timekeeping.h>
#include <linux/timer.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>

#include "prof.h"
#include "ring.h"

struct daudit_ring {
	char *buf;
	u64 mask;

	/* Written by the producer only. */
	u64 head;
	u64 seq;
	u64 records;
	u64 bytes;
	u64 dropped[DAUDIT_REC_TYPE_MAX];
	u64 lost_count;
	u64 lost_first;
	u64 lost_last;
	u64 lost_by_type[DAUDIT_REC_TYPE_MAX];

	/* Written by the consumer only. */
	u64 tail;
	u64 cursor;
};

static struct daudit_ring __percpu *rings;
static unsigned int ring_size;
static bool ack_mode;

DECLARE_WAIT_QUEUE_HEAD(daudit_ring_wait);

/*
 * A sleeping consumer is woken for the records written since it slept at
 * most wakeup_ms later (one timer for every CPU), and at once when the
 * writer's ring holds a quarter of its size undelivered, as perf's
 * wakeup_watermark does.  Waking it for every record cost 1,000 to 2,000
 * instructions a record in the writer (the irq_work's interrupt) and a
 * context switch of the consumer's (docs/performance.md).  0: every
 * record wakes it.  poll() and read() see every record at once, woken or
 * not; this only decides when a sleeper is told.
 */
#define WAKEUP_MS_MAX	1000

static unsigned int wakeup_ms = 10;

static int wakeup_ms_set(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 0, WAKEUP_MS_MAX);
}

static const struct kernel_param_ops wakeup_ms_ops = {
	.set = wakeup_ms_set,
	.get = param_get_uint,
};

module_param_cb(wakeup_ms, &wakeup_ms_ops, &wakeup_ms, 0644);
MODULE_PARM_DESC(wakeup_ms,
		 "Wake a sleeping consumer at most this many ms after a record, 0..1000 (default 10; 0: at every record)");

static void ring_wake(struct irq_work *work)
{
	wake_up_interruptible(&daudit_ring_wait);
}

static struct irq_work wake_work;

static void ring_wake_timer(struct timer_list *t)
{
	wake_up_interruptible(&daudit_ring_wait);
}

static struct timer_list wake_timer;

/*
 * After a record: tell a sleeping consumer now (@urgent: the ring fills,
 * or no delay is set) through an irq_work, since the writer may hold
 * locks a wake-up takes; else make sure the timer will.  An armed timer
 * is never pushed later (timer_reduce), so a steady stream of records
 * cannot keep the consumer asleep.
 */
static void ring_notify(bool urgent)
{
	unsigned int ms = READ_ONCE(wakeup_ms);

	if (!wq_has_sleeper(&daudit_ring_wait))
		return;
	if (urgent || !ms)
		irq_work_queue(&wake_work);
	else if (!timer_pending(&wake_timer))
		timer_reduce(&wake_timer, jiffies + msecs_to_jiffies(ms));
}

unsigned int daudit_ring_bytes(void)
{
	return ring_size;
}

/* Bytes a record of @size takes at head: itself, plus a PAD if it wraps. */
static u64 ring_need(const struct daudit_ring *r, u64 head, u32 size)
{
	u64 to_end = ring_size - (head & r->mask);

	return size <= to_end ? size : to_end + size;
}

/* Reserve @size bytes at head; returns the record or NULL. Irqs are off. */
static struct daudit_rec_header *ring_reserve(struct daudit_ring *r, u32 size)
{
	/* Pairs with the consumer's release of tail: that space is free. */
	u64 tail = smp_load_acquire(&r->tail);
	u64 off = r->head & r->mask;
	u64 to_end = ring_size - off;
	struct daudit_rec_header *pad;

	if (r->head + ring_need(r, r->head, size) - tail > ring_size)
		return NULL;
	if (size > to_end) {
		pad = (struct daudit_rec_header *)(r->buf + off);
		pad->size = to_end;
		pad->type = DAUDIT_REC_PAD;
		r->head += to_end;
	}
	return (struct daudit_rec_header *)(r->buf + (r->head & r->mask));
}

static void ring_publish(struct daudit_ring *r, struct daudit_rec_header *h)
{
	r->records++;
	r->bytes += h->size;
	/* The record is complete before the consumer can see it. */
	smp_store_release(&r->head, r->head + h->size);
}

static void fill_header(struct daudit_rec_header *h, u32 size, u16 type,
			u16 cpu, u64 seq, u32 flags)
{
	h->size = size;
	h->type = type;
	h->cpu = cpu;
	h->flags = flags;
	h->reserved = 0;
	h->seq = seq;
	h->time_ns = ktime_get_real_ns();
}

/*
 * Write the pending LOST report of @cpu's ring if it fits.  Runs as that
 * ring's producer: on @cpu with interrupts off, or, for an offline CPU,
 * from the consumer with CPU hotplug held off (daudit_ring_flush_lost()).
 */
static void ring_write_lost(struct daudit_ring *r, unsigned int cpu)
{
	struct daudit_rec_lost *l;

	if (!r->lost_count)
		return;
	l = (struct daudit_rec_lost *)ring_reserve(r, sizeof(*l));
	if (!l)
		return;
	fill_header(&l->hdr, sizeof(*l), DAUDIT_REC_LOST, cpu, r->lost_last, 0);
	l->first_seq = r->lost_first;
	l->count = r->lost_count;
	memcpy(l->by_type, r->lost_by_type, sizeof(l->by_type));
	memset(r->lost_by_type, 0, sizeof(r->lost_by_type));
	r->lost_count = 0;
	ring_publish(r, &l->hdr);
}

bool daudit_ring_fits(u32 a, u32 b)
{
	struct daudit_ring *r = this_cpu_ptr(rings);
	/* Pairs with the consumer's release of tail, as in ring_reserve(). */
	u64 tail = smp_load_acquire(&r->tail);
	u64 head = r->head;

	lockdep_assert_irqs_disabled();
	if (r->lost_count)
		head += ring_need(r, head, sizeof(struct daudit_rec_lost));
	if (a)
		head += ring_need(r, head, a);
	if (b)
		head += ring_need(r, head, b);
	return head - tail <= ring_size;
}

int daudit_ring_write_ext(u16 type, u32 hflags, const void *rec, u32 len,
			  const char *tail, u32 tail_len,
			  const void *ext, u32 ext_len)
{
	u32 hlen = sizeof(struct daudit_rec_header);
	u32 body = daudit_ring_rec_size(len, tail, tail_len, 0);
	u32 size = body + ext_len;
	struct daudit_rec_header *h;
	struct daudit_ring *r;
	unsigned long flags;
	bool urgent;
	char *p;
	u64 seq, t0;

	if (WARN_ON_ONCE(type >= DAUDIT_REC_TYPE_MAX || len < hlen ||
			 !IS_ALIGNED(ext_len, 8) || size > DAUDIT_RECORD_MAX))
		return -EINVAL;

	local_irq_save(flags);
	t0 = daudit_prof_begin();
	r = this_cpu_ptr(rings);
	seq = r->seq++;
	ring_write_lost(r, smp_processor_id());
	/*
	 * A loss report that did not fit must still come before any later
	 * record, or the reader would see the gap unexplained: drop this
	 * one too until the report is out.
	 */
	h = r->lost_count ? NULL : ring_reserve(r, size);
	if (!h) {
		if (!r->lost_count)
			r->lost_first = seq;
		r->lost_count++;
		r->lost_last = seq;
		r->lost_by_type[type]++;
		r->dropped[type]++;
		daudit_prof_end(DAUDIT_ST_RING, t0);
		local_irq_restore(flags);
		return -ENOSPC;
	}
	fill_header(h, size, type, smp_processor_id(), seq, hflags);
	p = (char *)h + hlen;
	memcpy(p, (const char *)rec + hlen, len - hlen);
	p += len - hlen;
	if (tail) {
		memcpy(p, tail, tail_len);
		p[tail_len] = '\0';
		p += tail_len + 1;
	}
	memset(p, 0, (char *)h + body - p);
	if (ext_len)
		memcpy((char *)h + body, ext, ext_len);
	ring_publish(r, h);
	/* The consumer's cursor: what it has not read yet. */
	urgent = r->head - READ_ONCE(r->cursor) >= ring_size / 4;
	daudit_prof_end(DAUDIT_ST_RING, t0);
	local_irq_restore(flags);

	t0 = daudit_prof_begin();
	ring_notify(urgent);
	daudit_prof_end(DAUDIT_ST_WAKE, t0);
	return 0;
}

static void flush_lost_on_cpu(void *unused)
{
	unsigned long flags;

	local_irq_save(flags);
	ring_write_lost(this_cpu_ptr(rings), smp_processor_id());
	local_irq_restore(flags);
}

/*
 * A CPU that stopped producing after a drop still owes its LOST report.
 * An online CPU writes it itself (producers run with interrupts off, so
 * the IPI never interleaves with one).  An offline CPU runs nothing, and
 * with CPU hotplug held off it cannot come back while we write in its
 * place, so the consumer writes the report for it: waiting for the CPU
 * would leave the report, and the reader, hanging until it returns.
 */
void daudit_ring_flush_lost(void)
{
	unsigned int cpu;

	cpus_read_lock();
	for_each_possible_cpu(cpu) {
		struct daudit_ring *r = per_cpu_ptr(rings, cpu);

		if (!READ_ONCE(r->lost_count))
			continue;
		if (cpu_online(cpu))
			smp_call_function_single(cpu, flush_lost_on_cpu, NULL, 1);
		else
			ring_write_lost(r, cpu);
	}
	cpus_read_unlock();
}

void daudit_ring_consumer_reset(void)
{
	unsigned int cpu;

	ack_mode = false;
	for_each_possible_cpu(cpu) {
		struct daudit_ring *r = per_cpu_ptr(rings, cpu);

		r->cursor = r->tail;
	}
}

void daudit_ring_set_ack_mode(bool on)
{
	ack_mode = on;
}

static bool ring_has_data(struct daudit_ring *r)
{
	/* Pairs with ring_publish(). */
	return r->cursor != smp_load_acquire(&r->head);
}

/*
 * A pending loss report that a flush could write now: one that does not
 * fit (in ack mode, a ring full of records delivered but not yet
 * acknowledged) waits for an acknowledgement, which wakes the reader.
 * Counting it readable would make read() and poll() spin on it.
 */
static bool ring_lost_writable(struct daudit_ring *r)
{
	u64 head = READ_ONCE(r->head);

	if (!READ_ONCE(r->lost_count))
		return false;
	return head + ring_need(r, head, sizeof(struct daudit_rec_lost)) -
	       READ_ONCE(r->tail) <= ring_size;
}

/* Records to read, or a loss report a read would get written. */
bool daudit_ring_readable(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		struct daudit_ring *r = per_cpu_ptr(rings, cpu);

		if (ring_has_data(r) || ring_lost_writable(r))
			return true;
	}
	return false;
}

/*
 * Copy whole records of one ring into @buf; returns the bytes copied.
 * A record is delivered, and the cursor moves past it, only once all of it
 * reached the user: a fault part-way (*@fault set) leaves it, and all after
 * it, in the ring for the next read.
 */
static size_t ring_read_one(struct daudit_ring *r, char __user *buf,
			    size_t len, bool *fault)
{
	/* Pairs with ring_publish(): records up to head are complete. */
	u64 head = smp_load_acquire(&r->head);
	size_t done = 0;

	while (r->cursor != head) {
		const struct daudit_rec_header *h =
			(const void *)(r->buf + (r->cursor & r->mask));
		u32 size = READ_ONCE(h->size);

		if (h->type != DAUDIT_REC_PAD) {
			if (size > len - done)
				break;
			if (copy_to_user(buf + done, h, size)) {
				*fault = true;
				break;
			}
			done += size;
		}
		r->cursor += size;
		if (!ack_mode) /* record read before the producer reuses it */
			smp_store_release(&r->tail, r->cursor);
	}
	return done;
}

ssize_t daudit_ring_read(char __user *buf, size_t len)
{
	static unsigned int next_cpu;
	unsigned int i, cpu = next_cpu;
	bool fault = false;
	size_t done = 0;

	for (i = 0; i < nr_cpu_ids && len - done >= DAUDIT_RECORD_MAX; i++) {
		cpu = cpumask_next(cpu, cpu_possible_mask);
		if (cpu >= nr_cpu_ids)
			cpu = cpumask_first(cpu_possible_mask);
		done += ring_read_one(per_cpu_ptr(rings, cpu), buf + done,
				      len - done, &fault);
		if (fault)
			break;
	}
	next_cpu = cpu;
	/* What was copied before a fault is delivered; a fault alone fails. */
	if (fault && !done)
		return -EFAULT;
	return done;
}

int daudit_ring_ack(const u64 *seq, unsigned int n)
{
	unsigned int cpu;

	for (cpu = 0; cpu < n && cpu < nr_cpu_ids; cpu++) {
		struct daudit_ring *r;
		u64 pos;

		if (seq[cpu] == ~0ULL || !cpu_possible(cpu))
			continue;
		r = per_cpu_ptr(rings, cpu);
		pos = r->tail;
		while (pos != r->cursor) {
			const struct daudit_rec_header *h =
				(const void *)(r->buf + (pos & r->mask));

			if (h->type != DAUDIT_REC_PAD && h->seq >= seq[cpu])
				break;
			pos += h->size;
		}
		/* Acknowledged records may now be overwritten. */
		smp_store_release(&r->tail, pos);
	}
	/* The room made may let a waiting loss report be written. */
	wake_up_interruptible(&daudit_ring_wait);
	return 0;
}

void daudit_ring_cpu_stats(unsigned int cpu, struct daudit_cpu_stats *st)
{
	struct daudit_ring *r = per_cpu_ptr(rings, cpu);

	memset(st, 0, sizeof(*st));
	st->cpu = cpu;
	st->ring_used = READ_ONCE(r->head) - READ_ONCE(r->tail);
	st->records = READ_ONCE(r->records);
	st->bytes = READ_ONCE(r->bytes);
	st->next_seq = READ_ONCE(r->seq);
	BUILD_BUG_ON(ARRAY_SIZE(st->dropped) != DAUDIT_REC_TYPE_MAX);
	memcpy(st->dropped, r->dropped, sizeof(st->dropped));
}

void daudit_ring_totals(u64 *records, u64 *dropped)
{
	unsigned int cpu, t;

	*records = 0;
	*dropped = 0;
	for_each_possible_cpu(cpu) {
		struct daudit_ring *r = per_cpu_ptr(rings, cpu);

		*records += READ_ONCE(r->records);
		for (t = 0; t < DAUDIT_REC_TYPE_MAX; t++)
			*dropped += READ_ONCE(r->dropped[t]);
	}
}

int daudit_ring_init(unsigned int ring_bytes)
{
	unsigned int cpu;

	ring_size = ring_bytes;
	init_irq_work(&wake_work, ring_wake);
	timer_setup(&wake_timer, ring_wake_timer, 0);
	rings = alloc_percpu(struct daudit_ring);
	if (!rings)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct daudit_ring *r = per_cpu_ptr(rings, cpu);

		r->buf = vzalloc_node(ring_size, cpu_to_node(cpu));
		if (!r->buf) {
			daudit_ring_exit();
			return -ENOMEM;
		}
		r->mask = ring_size - 1;
	}
	return 0;
}

void daudit_ring_exit(void)
{
	unsigned int cpu;

	if (!rings)
		return;
	/* No record is written now: nothing arms the timer again. */
	timer_shutdown_sync(&wake_timer);
	irq_work_sync(&wake_work);
	for_each_possible_cpu(cpu)
		vfree(per_cpu_ptr(rings, cpu)->buf);
	free_percpu(rings);
	rings = NULL;
}
