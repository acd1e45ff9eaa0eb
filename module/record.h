/* SPDX-License-Identifier: GPL-2.0 */
/* Building records: attribution and the small life-cycle records. */
#ifndef _DAUDIT_RECORD_H
#define _DAUDIT_RECORD_H

#include <linux/sched.h>
#include "uapi/daudit.h"

void daudit_subject_fill(struct daudit_subject *s, struct task_struct *t);
void daudit_emit_module(u32 event);
void daudit_emit_policy(u64 generation, u32 result, u32 n_datasets,
			u32 n_sources, u32 size);

void daudit_audit_lifecycle(const char *op, u64 records, u64 dropped);
void daudit_emit_alert(u32 kind, const char *dataset, u64 dev, u64 ino,
		       const char *paths, u32 path_len, u32 path2_len);

/*
 * A PATH_MAX scratch buffer of this CPU, for building paths in hook
 * context; NULL in hard interrupt or NMI context, or if this context
 * already holds it.  Preemption must be disabled until daudit_scratch_put.
 */
char *daudit_scratch_get(void);
void daudit_scratch_put(void);
int daudit_scratch_init(void);
void daudit_scratch_exit(void);

extern u64 daudit_instance_id;

#endif /* _DAUDIT_RECORD_H */
