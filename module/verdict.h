/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The verdict on an open file (verdict.c): what fcache.c caches.  Each
 * returns a new entry, protected or not, or NULL when none could be
 * allocated; free it with daudit_free(fe->sock) and daudit_free(fe) if
 * not kept.
 * @buf is PATH_MAX bytes of scratch.  Context: RCU read-side critical
 * section; never sleeps.
 */
#ifndef _DAUDIT_VERDICT_H
#define _DAUDIT_VERDICT_H

#include "fcache.h"

struct daudit_policy;

/* READ role: is reading @file reading protected data? */
struct daudit_fentry *daudit_verdict_read(const struct daudit_policy *p,
					  struct file *file, char *buf);
/* EGRESS role: is writing to @file taking data out? */
struct daudit_fentry *daudit_verdict_egress(const struct daudit_policy *p,
					    struct file *file, char *buf);
/* Do two entries say the same of the same file? */
bool daudit_verdict_same(const struct daudit_fentry *a,
			 const struct daudit_fentry *b);

#endif /* _DAUDIT_VERDICT_H */
