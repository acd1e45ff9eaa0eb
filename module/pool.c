// SPDX-License-Identifier: GPL-2.0
/*
 * Pools of blocks for objects made in hook context.
 *
 * Seven size classes, blocks of 256 bytes to 16 KiB (a 16-byte header
 * and the object), each a free list under a raw spinlock held for a few
 * pointer moves.  daudit_alloc() pops a block and, when the class falls
 * below seven eighths of its target, kicks the refill worker (through
 * irq_work, as a hook may run where queue_work() may not; on a
 * high-priority workqueue, as readers opening files at full speed drain
 * the pools while freed blocks wait for their grace period); the worker
 * fills every class back to its target with GFP_KERNEL.  daudit_free()
 * pushes the block back if its class is below target, else kfree()s it,
 * at once where the kernel allows that in atomic context, else through
 * the worker.
 *
 * On PREEMPT_RT a class that is empty fails the allocation: the caller
 * counts it where it counted a failed GFP_NOWAIT allocation before
 * (alloc_failures).  Elsewhere an empty class falls back on GFP_NOWAIT,
 * as before the pools, so nothing fails there that did not fail before.
 */
#include <linux/irq_work.h>
#include <linux/llist.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "pool.h"
#include "prof.h"

static unsigned int pool_objects = 1024;
module_param(pool_objects, uint, 0444);
MODULE_PARM_DESC(pool_objects,
		 "Blocks kept ready per size class for hook context, at most 256 KiB per class, at least 8; a quarter of that where the slab may be used in atomic context (default 1024)");

#define POOL_CLASSES	7
#define POOL_MIN_SHIFT	8		/* 256-byte blocks */
#define POOL_CLASS_MAX	(256U << 10)	/* bytes kept ready per class */

struct blk {
	union {
		struct blk *next;		/* in its pool */
		struct llist_node dead;		/* waiting for kfree() */
	};
	unsigned long class;
};

struct pool {
	raw_spinlock_t lock;
	struct blk *free;
	unsigned int nfree;
	unsigned int target;
	/* For the unload report: how close the pool came to running dry. */
	unsigned int lowest;
	u64 taken;
	u64 empty;
};

static struct pool pools[POOL_CLASSES];
static LLIST_HEAD(dead);
static bool stopping;

static void refill_worker(struct work_struct *work);
static DECLARE_WORK(refill_work, refill_worker);
/* High priority: readers opening files at full speed wait on it. */
static struct workqueue_struct *pool_wq;

static void kick(struct irq_work *w)
{
	if (!READ_ONCE(stopping))
		queue_work(pool_wq, &refill_work);
}

static struct irq_work kick_work;

static size_t block_size(unsigned int c)
{
	return (size_t)1 << (POOL_MIN_SHIFT + c);
}

static int class_of(size_t size)
{
	size_t need = size + sizeof(struct blk);
	int c;

	if (need <= block_size(0))
		return 0;
	c = order_base_2(need) - POOL_MIN_SHIFT;
	return c < POOL_CLASSES ? c : -1;
}

/* Take a block of class @c, or NULL; kick the worker when it runs low. */
static struct blk *pop(unsigned int c)
{
	struct pool *pl = &pools[c];
	struct blk *b;
	unsigned long flags;
	bool low;

	raw_spin_lock_irqsave(&pl->lock, flags);
	b = pl->free;
	if (b) {
		pl->free = b->next;
		pl->nfree--;
		pl->taken++;
		pl->lowest = min(pl->lowest, pl->nfree);
	} else {
		pl->empty++;
		pl->lowest = 0;
	}
	low = pl->nfree < pl->target - pl->target / 8;
	raw_spin_unlock_irqrestore(&pl->lock, flags);
	if (low)
		irq_work_queue(&kick_work);
	return b;
}

/* Keep @b in its class if that is below target. */
static bool push(struct blk *b)
{
	struct pool *pl = &pools[b->class];
	unsigned long flags;
	bool kept = false;

	raw_spin_lock_irqsave(&pl->lock, flags);
	if (pl->nfree < pl->target) {
		b->next = pl->free;
		pl->free = b;
		pl->nfree++;
		kept = true;
	}
	raw_spin_unlock_irqrestore(&pl->lock, flags);
	return kept;
}

/* daudit_alloc(), timed around it in a DAUDIT_PROF build. */
static __always_inline void *alloc(size_t size)
{
	int c = class_of(size);
	struct blk *b;

	if (WARN_ON_ONCE(c < 0))
		return NULL;
	b = pop(c);
	if (!b) {
		if (!DAUDIT_SLAB_IN_ATOMIC)
			return NULL;
		b = kmalloc(block_size(c), GFP_NOWAIT | __GFP_NOWARN);
		if (!b)
			return NULL;
		b->class = c;
	}
	memset(b + 1, 0, size);
	return b + 1;
}

/**
 * daudit_alloc - a zeroed block for an object made in hook context.
 * @size: the object's size, at most 16 KiB less 16 bytes.
 *
 * Return: the object, or NULL (the caller counts the failure).
 */
void *daudit_alloc(size_t size)
{
	u64 t0 = daudit_prof_begin();
	void *obj = alloc(size);

	daudit_prof_end(DAUDIT_ST_ALLOC, t0);
	return obj;
}

/**
 * daudit_free - give back a block of daudit_alloc().
 * @obj: the object, or NULL.
 */
void daudit_free(const void *obj)
{
	struct blk *b;

	if (!obj)
		return;
	b = (struct blk *)obj - 1;
	if (push(b))
		return;
	if (DAUDIT_SLAB_IN_ATOMIC) {
		kfree(b);
		return;
	}
	llist_add(&b->dead, &dead);
	irq_work_queue(&kick_work);
}

static void free_dead(void)
{
	struct llist_node *n = llist_del_all(&dead);
	struct blk *b, *tmp;

	llist_for_each_entry_safe(b, tmp, n, dead)
		kfree(b);
}

/* Process context: free what hooks gave up, fill every class. */
static void refill_worker(struct work_struct *work)
{
	unsigned int c;

	free_dead();
	for (c = 0; c < POOL_CLASSES; c++) {
		while (READ_ONCE(pools[c].nfree) < pools[c].target) {
			struct blk *b = kmalloc(block_size(c), GFP_KERNEL);

			if (!b)
				break;
			b->class = c;
			if (!push(b)) {
				kfree(b);
				break;
			}
		}
	}
}

int daudit_pool_init(void)
{
	unsigned int c;

	for (c = 0; c < POOL_CLASSES; c++) {
		unsigned int n = clamp_t(unsigned int, pool_objects, 8,
					 POOL_CLASS_MAX / block_size(c));

		/* With GFP_NOWAIT behind them, pools only save a slab trip. */
		if (DAUDIT_SLAB_IN_ATOMIC)
			n = max(n / 4, 8U);
		raw_spin_lock_init(&pools[c].lock);
		pools[c].target = n;
	}
	pool_wq = alloc_workqueue("daudit_pool", WQ_HIGHPRI, 0);
	if (!pool_wq)
		return -ENOMEM;
	init_irq_work(&kick_work, kick);
	refill_worker(NULL);
	for (c = 0; c < POOL_CLASSES; c++)
		pools[c].lowest = pools[c].nfree;
	for (c = 0; c < POOL_CLASSES; c++)
		if (pools[c].nfree < pools[c].target) {
			daudit_pool_exit();
			return -ENOMEM;
		}
	return 0;
}

void daudit_pool_exit(void)
{
	unsigned int c;

	WRITE_ONCE(stopping, true);
	irq_work_sync(&kick_work);
	cancel_work_sync(&refill_work);
	if (pool_wq)
		destroy_workqueue(pool_wq);
	pool_wq = NULL;
	free_dead();
	for (c = 0; c < POOL_CLASSES; c++) {
		if (pools[c].taken || pools[c].empty)
			pr_info("pool %zu B: %llu taken, %llu found empty, fewest ready %u of %u\n",
				block_size(c), pools[c].taken, pools[c].empty,
				pools[c].lowest, pools[c].target);
		while (pools[c].free) {
			struct blk *b = pools[c].free;

			pools[c].free = b->next;
			kfree(b);
		}
		pools[c].nfree = 0;
	}
}
