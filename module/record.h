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

extern u64 daudit_instance_id;

#endif /* _DAUDIT_RECORD_H */
