/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Attaching to kernel tracepoints by name: modules may not reference the
 * tracepoint symbols directly, so they are found by walking
 * for_each_kernel_tracepoint() once.
 */
#ifndef _DAUDIT_TRACEPOINT_H
#define _DAUDIT_TRACEPOINT_H

#include <linux/tracepoint.h>

struct daudit_tp {
	const char *name;
	void *probe;
	struct tracepoint *tp;
	bool registered;
};

/* Register every probe of @tps, or none (returns the error). */
int daudit_tp_register(struct daudit_tp *tps, unsigned int n);
/* Unregister those registered and wait until no probe runs any more. */
void daudit_tp_unregister(struct daudit_tp *tps, unsigned int n);

#endif /* _DAUDIT_TRACEPOINT_H */
