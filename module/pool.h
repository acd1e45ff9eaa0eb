/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Memory for the objects hooks make and free: sessions, file entries,
 * process entries, egress marks, link entries.  Hooks run with preemption
 * disabled, where a PREEMPT_RT kernel allows no allocation and no kfree()
 * (its slab locks sleep), so blocks come from pools kept full by a worker
 * and blocks given back go to the pools or to the worker (docs/rt.md).
 */
#ifndef _DAUDIT_POOL_H
#define _DAUDIT_POOL_H

#include <linux/types.h>

/*
 * A zeroed block of at least @size bytes, or NULL: the caller counts a
 * failure, as for a failed GFP_NOWAIT allocation.  Any context but NMI.
 */
void *daudit_alloc(size_t size);
/* Give back a block of daudit_alloc() (NULL: nothing).  Same context. */
void daudit_free(const void *obj);

int daudit_pool_init(void);
/* After the last daudit_free() (hooks gone, rcu_barrier() done). */
void daudit_pool_exit(void);

#endif /* _DAUDIT_POOL_H */
