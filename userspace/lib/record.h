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

/*
 * The actor block (ABI 1.3) of a record that passed rec_check(): the last
 * sizeof(struct daudit_rec_actor) bytes of a FILE_READ, SOCK_READ or
 * EGRESS record with DAUDIT_REC_F_ACTOR, or NULL (no flag, another type,
 * or an empty actor id: the thread worked for itself).  rec_check() has
 * verified the record holds it after its strings and that actor_len and
 * request_len are at most 64.
 */
const struct daudit_rec_actor *rec_actor(const struct daudit_rec_header *h);

/*
 * Room for an actor or request id as text: every byte may become \xHH.
 * The text is the escaping rule of ecs.h with every control character
 * escaped too (ecs_set_controls): printable, lossless (ecs_unescape()
 * gives the bytes back), the same in the database, the CLI and the SIEM
 * formats, and what `--actor` takes.
 */
#define REC_ACTOR_TEXT	(4 * DAUDIT_ACTOR_MAX + 1)
void rec_actor_text(const char *id, size_t len, char out[REC_ACTOR_TEXT]);

/*
 * The actor's client as "203.0.113.5:51000" or "[2001:db8::1]:51000"
 * ("203.0.113.5" or "[2001:db8::1]" when the port is 0), into @buf; "" when no client was
 * declared (family 0) or the family is unknown.
 */
const char *rec_actor_client(const struct daudit_rec_actor *a, char *buf,
			     size_t len);

/*
 * The command line of a PROCESS record that passed rec_check() (ABI 1.7),
 * as one line a shell reads back as the same words: each argument that
 * holds a space, a quote or another shell metacharacter (or is empty) in
 * single quotes, ' as '\''; " [truncated]" at the end when the module
 * cut it at DAUDIT_CMDLINE_MAX.  Control characters are kept: text that
 * reaches a terminal is escaped where it is printed (text.h).  Allocated
 * (free() it); NULL when the record has none.
 */
char *rec_cmdline(const struct daudit_rec_header *h);

/* "file_read", "process", ...; "unknown" for others. */
const char *rec_type_name(unsigned int type);
const char *rec_end_reason_name(unsigned int reason);
/* Names of DAUDIT_PATH_* bits, comma-separated, into @buf. */
const char *rec_paths_str(uint32_t paths, char *buf, size_t len);

#endif
