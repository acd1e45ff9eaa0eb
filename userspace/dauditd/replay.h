/* SPDX-License-Identifier: GPL-2.0 */
/* dauditd --replay FILE: records from a file or FIFO (a test aid). */
#ifndef DAUDITD_REPLAY_H
#define DAUDITD_REPLAY_H

#include <stddef.h>

#include "loop.h"

#define REPLAY_INSTANCE	0x00007265706c6179ULL	/* "replay" */
#define REPLAY_CPUS	64

int source_open_replay(struct source *src, const char *path, char *err,
		       size_t errlen);
void source_close_replay(struct source *src);

#endif
