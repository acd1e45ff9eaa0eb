// SPDX-License-Identifier: GPL-2.0
/*
 * A test aid: records from a file or FIFO instead of /dev/daudit
 * (dauditd --replay FILE).  The bytes are records exactly as read() from
 * the device returns them; they may arrive in any pieces, and only whole
 * records are handed on.  A FIFO is opened read-write, so writers may
 * come and go without an end of file; a regular file is read once.
 * Nothing is acknowledged (there is no kernel to keep records), the
 * module instance is REPLAY_INSTANCE and there are REPLAY_CPUS CPUs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "replay.h"
#include "util.h"

#define CARRY_MAX	(1024 * 1024)

struct replay {
	int fd;				/* the file or FIFO */
	int evfd;			/* regular file: readable until its end */
	int eof;
	unsigned char *carry;
	size_t clen;
};

/* Whole records at the start of @b; their length. */
static size_t whole(const unsigned char *b, size_t len, size_t max)
{
	size_t off = 0;

	while (len - off >= sizeof(struct daudit_rec_header)) {
		const struct daudit_rec_header *h = (const void *)(b + off);

		/* A bad size goes on as is: the record checker reports it. */
		if (h->size < sizeof(*h) || h->size % 8 ||
		    h->size > DAUDIT_RECORD_MAX)
			return off ? off : (len < max ? len : max);
		if (h->size > len - off || off + h->size > max)
			break;
		off += h->size;
	}
	return off;
}

static ssize_t replay_read(struct source *src, void *buf, size_t len)
{
	struct replay *r = src->ctx;
	size_t n;

	while (!r->eof && r->clen < CARRY_MAX) {
		ssize_t got = read(r->fd, r->carry + r->clen,
				   CARRY_MAX - r->clen);

		if (got > 0) {
			r->clen += (size_t)got;
			continue;
		}
		if (got == 0) {
			uint64_t v;

			r->eof = 1;
			/* Not readable any more: the loop stops asking. */
			if (r->evfd >= 0 && read(r->evfd, &v, sizeof(v)) < 0 &&
			    errno != EAGAIN)
				return -1;
			break;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN)
			break;
		return -1;
	}
	n = whole(r->carry, r->clen, len);
	if (!n)
		return 0;
	memcpy(buf, r->carry, n);
	memmove(r->carry, r->carry + n, r->clen - n);
	r->clen -= n;
	return (ssize_t)n;
}

static int replay_ack(struct source *src, const uint64_t *seq, unsigned int n)
{
	(void)src;
	(void)seq;
	(void)n;
	return 0;
}

static int replay_flush(struct source *src)
{
	(void)src;
	return 0;
}

static const struct source_ops replay_ops = {
	.read = replay_read,
	.ack = replay_ack,
	.flush = replay_flush,
};

int source_open_replay(struct source *src, const char *path, char *err,
		       size_t errlen)
{
	struct replay *r = util_xcalloc(1, sizeof(*r));
	struct stat st;

	memset(src, 0, sizeof(*src));
	r->evfd = -1;
	if (stat(path, &st) < 0) {
		snprintf(err, errlen, "--replay %s: %s", path, strerror(errno));
		free(r);
		return -1;
	}
	/* A FIFO read-write: never an end of file, never a hang-up. */
	r->fd = open(path, (S_ISFIFO(st.st_mode) ? O_RDWR : O_RDONLY) |
		     O_NONBLOCK | O_CLOEXEC);
	if (r->fd < 0) {
		snprintf(err, errlen, "--replay %s: %s", path, strerror(errno));
		free(r);
		return -1;
	}
	src->fd = r->fd;
	if (!S_ISFIFO(st.st_mode)) {
		/* epoll cannot watch a regular file. */
		r->evfd = eventfd(1, EFD_NONBLOCK | EFD_CLOEXEC);
		if (r->evfd < 0) {
			snprintf(err, errlen, "eventfd: %s", strerror(errno));
			close(r->fd);
			free(r);
			return -1;
		}
		src->fd = r->evfd;
	}
	r->carry = util_xmalloc(CARRY_MAX);
	src->ops = &replay_ops;
	src->ctx = r;
	src->instance_id = REPLAY_INSTANCE;
	src->ncpus = REPLAY_CPUS;
	snprintf(src->module_version, sizeof(src->module_version), "replay");
	return 0;
}

void source_close_replay(struct source *src)
{
	struct replay *r = src->ctx;

	if (!r)
		return;
	close(r->fd);
	if (r->evfd >= 0)
		close(r->evfd);
	free(r->carry);
	free(r);
	src->ctx = NULL;
	src->fd = -1;
}
