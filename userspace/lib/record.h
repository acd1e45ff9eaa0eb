/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Walking and checking the records read from /dev/daudit.  Everything a
 * consumer does with a record starts here: rec_next() hands out only
 * records whose size covers their structure and whose strings are
 * terminated inside the record, so callers may cast and read.
 */
#ifndef DAUDIT_RECORD_H
#define DAUDIT_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "daudit.h"

struct rec_iter {
	const unsigned char *buf;
	size_t len;
	size_t off;
};

void rec_iter_init(struct rec_iter *it, const void *buf, size_t len);

/*
 * The next record, or NULL at the end of the buffer or when the buffer is
 * malformed (then *why says what, and iteration stops).  Records of a
 * type this program does not know are returned too (skip them by type).
 */
const struct daudit_rec_header *rec_next(struct rec_iter *it,
					 const char **why);

/* Check one record of @len bytes at @h; 0, or -1 with *why set. */
int rec_check(const struct daudit_rec_header *h, size_t len,
	      const char **why);

/* "file_read", "process", ...; "unknown" for others. */
const char *rec_type_name(unsigned int type);
const char *rec_end_reason_name(unsigned int reason);
/* Names of DAUDIT_PATH_* bits, comma-separated, into @buf. */
const char *rec_paths_str(uint32_t paths, char *buf, size_t len);

#endif
