// SPDX-License-Identifier: GPL-2.0
/*
 * The disk spool of a network sink; spool.h says what it guarantees.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "spool.h"
#include "util.h"

#define ENT_MAGIC	0x31505344U	/* "DSP1" */
#define SEG_MIN		(64ULL << 10)
#define SEG_MAX		(64ULL << 20)

struct ent {
	uint32_t magic;
	uint32_t len;
	uint64_t instance;
	uint32_t stream;
	uint32_t crc;			/* this header with crc 0, then the message */
	uint64_t seq;
};

_Static_assert(sizeof(struct ent) == SPOOL_HDR, "spool entry header size");

uint32_t spool_crc32(uint32_t crc, const void *buf, size_t len)
{
	static uint32_t table[256];
	const unsigned char *p = buf;
	size_t i;

	if (!table[1]) {
		uint32_t c;
		int k;

		for (i = 0; i < 256; i++) {
			c = (uint32_t)i;
			for (k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320U ^ (c >> 1) : c >> 1;
			table[i] = c;
		}
	}
	crc = ~crc;
	for (i = 0; i < len; i++)
		crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static uint32_t ent_crc(const struct ent *e, const void *msg)
{
	struct ent h = *e;

	h.crc = 0;
	return spool_crc32(spool_crc32(0, &h, sizeof(h)), msg, e->len);
}

static char *path_in(const struct spool *sp, const char *name)
{
	size_t n = strlen(sp->dir) + strlen(name) + 2;
	char *p = util_xmalloc(n);

	snprintf(p, n, "%s/%s", sp->dir, name);
	return p;
}

static char *seg_path(const struct spool *sp, uint64_t seg)
{
	char name[32];

	snprintf(name, sizeof(name), "%016" PRIx64 ".seg", seg);
	return path_in(sp, name);
}

static int64_t seg_size(const struct spool *sp, uint64_t seg)
{
	char *p = seg_path(sp, seg);
	struct stat st;
	int r = stat(p, &st);

	free(p);
	return r < 0 ? -1 : (int64_t)st.st_size;
}

static int open_seg(struct spool *sp, uint64_t seg, int create)
{
	char *p = seg_path(sp, seg);
	int fd = open(p, O_WRONLY | O_APPEND | O_CLOEXEC |
		      (create ? O_CREAT : 0), 0600);

	free(p);
	return fd;
}

static int read_cursor(struct spool *sp)
{
	char *p = path_in(sp, "cursor");
	FILE *f = fopen(p, "re");
	unsigned long long a, b, c;
	int ok = 0;

	free(p);
	if (!f)
		return 0;
	if (fscanf(f, "daudit-cursor 1 %llu %llu %llu", &a, &b, &c) == 3) {
		sp->cursor.seg = a;
		sp->cursor.off = b;
		sp->delivered = c;
		ok = 1;
	}
	fclose(f);
	return ok;
}

int spool_save_cursor(struct spool *sp)
{
	char *p = path_in(sp, "cursor"), *tmp = path_in(sp, "cursor.tmp");
	FILE *f;
	int ok;

	if (!sp->cursor_dirty) {
		free(p);
		free(tmp);
		return 0;
	}
	f = fopen(tmp, "we");
	ok = f != NULL;
	if (f) {
		fprintf(f, "daudit-cursor 1 %" PRIu64 " %" PRIu64 " %" PRIu64 "\n",
			sp->cursor.seg, sp->cursor.off, sp->delivered);
		ok = fflush(f) == 0 && !ferror(f);
		ok = fclose(f) == 0 && ok;
	}
	if (ok && rename(tmp, p) == 0)
		sp->cursor_dirty = 0;
	else
		ok = 0;
	free(p);
	free(tmp);
	return ok ? 0 : -1;
}

/* Segment numbers present: the lowest and highest, 0 if none. */
static void list_segs(struct spool *sp, uint64_t *lo, uint64_t *hi)
{
	DIR *d = opendir(sp->dir);
	struct dirent *de;

	*lo = *hi = 0;
	if (!d)
		return;
	while ((de = readdir(d))) {
		char *end;
		uint64_t n;

		if (strlen(de->d_name) != 20 || strcmp(de->d_name + 16, ".seg"))
			continue;
		n = strtoull(de->d_name, &end, 16);
		if (end != de->d_name + 16 || !n)
			continue;
		if (!*lo || n < *lo)
			*lo = n;
		if (n > *hi)
			*hi = n;
	}
	closedir(d);
}

/* The header at @off of the open @fd, checked with its message; 1, 0 at
 * the end, -1 if damaged.  The message goes to @msg if not NULL. */
static int read_ent(int fd, uint64_t off, struct ent *e, struct fmt_buf *msg)
{
	struct fmt_buf local = { 0 };
	struct fmt_buf *b = msg ? msg : &local;
	ssize_t n = pread(fd, e, sizeof(*e), (off_t)off);
	int r = 1;

	if (n == 0)
		return 0;
	if (n != (ssize_t)sizeof(*e) || e->magic != ENT_MAGIC ||
	    e->len > SPOOL_ENTRY_MAX)
		return -1;
	fb_reset(b);
	n = pread(fd, fb_reserve(b, e->len), e->len, (off_t)(off + sizeof(*e)));
	if (n != (ssize_t)e->len) {
		r = -1;
	} else {
		b->len = e->len;
		b->s[b->len] = '\0';
		if (ent_crc(e, b->s) != e->crc)
			r = -1;
	}
	fb_free(&local);
	return r;
}

/*
 * Walk every entry from @from to the end: keys into the marks, messages
 * at or after the cursor counted as pending; a damaged tail of the last
 * segment is cut off.  Returns the number pending.
 */
static uint64_t scan(struct spool *sp, struct spool_pos from)
{
	struct fmt_buf msg = { 0 };
	uint64_t seg, pending = 0;

	for (seg = from.seg; seg <= sp->cur_seg; seg++) {
		char *p = seg_path(sp, seg);
		int fd = open(p, O_RDONLY | O_CLOEXEC);
		uint64_t off = seg == from.seg ? from.off : 0;
		struct ent e;
		int r = 0;

		if (fd >= 0) {
			while ((r = read_ent(fd, off, &e, &msg)) == 1) {
				marks_take(&sp->marks, e.instance, e.stream, e.seq);
				if (seg > sp->cursor.seg ||
				    (seg == sp->cursor.seg && off >= sp->cursor.off))
					pending++;
				off += sizeof(e) + e.len;
			}
			close(fd);
		}
		if (r < 0) {
			if (seg == sp->cur_seg) {
				/* A write cut short by a crash. */
				if (truncate(p, (off_t)off) < 0)
					util_err("spool %s: cannot cut the damaged end of %s: %s",
						 sp->dir, p, strerror(errno));
			} else {
				util_err("spool %s: %s is damaged at offset %" PRIu64 "; the rest of it is skipped",
					 sp->dir, p, off);
			}
		}
		free(p);
	}
	fb_free(&msg);
	return pending;
}

int spool_open(struct spool *sp, const char *dir, uint64_t max_bytes,
	       char *err, size_t errlen)
{
	struct spool_pos end = { 0, 0 }, from;
	uint64_t lo, hi, seg, pending;
	char *state;
	int r;

	memset(sp, 0, sizeof(*sp));
	sp->fd = sp->rfd = -1;
	sp->dir = util_xstrdup(dir);
	sp->max_bytes = max_bytes;
	sp->seg_max = max_bytes / 8;
	if (sp->seg_max < SEG_MIN)
		sp->seg_max = SEG_MIN;
	if (sp->seg_max > SEG_MAX)
		sp->seg_max = SEG_MAX;
	marks_init(&sp->marks);
	if (util_mkdir_p(dir, 0700) < 0) {
		snprintf(err, errlen, "spool directory %s: %s", dir, strerror(errno));
		goto fail;
	}
	state = path_in(sp, "state");
	r = marks_load(&sp->marks, state, err, errlen);
	free(state);
	if (r < 0)
		goto fail;
	if (r > 0) {
		end.seg = marks_meta(&sp->marks, "end_seg");
		end.off = marks_meta(&sp->marks, "end_off");
	}
	read_cursor(sp);
	list_segs(sp, &lo, &hi);
	if (!hi) {
		lo = hi = sp->cursor.seg > end.seg ? sp->cursor.seg : end.seg;
		if (!hi)
			lo = hi = 1;
	}
	sp->first_seg = lo;
	sp->cur_seg = hi;
	if (sp->cursor.seg < lo || !sp->cursor.seg) {
		sp->cursor.seg = lo;
		sp->cursor.off = 0;
	}
	if (sp->cursor.seg > hi) {
		sp->cursor.seg = hi;
		sp->cursor.off = 0;
	}
	/* Entries after what the state file knows: their keys and count. */
	from = sp->cursor;
	if (end.seg >= lo && (end.seg < from.seg ||
			      (end.seg == from.seg && end.off < from.off)))
		from = end;
	pending = scan(sp, from);
	sp->appended = sp->delivered + pending;
	for (seg = sp->cursor.seg; seg <= hi; seg++) {
		int64_t size = seg_size(sp, seg);

		if (size > 0)
			sp->bytes += (uint64_t)size;
	}
	sp->bytes = sp->bytes > sp->cursor.off ? sp->bytes - sp->cursor.off : 0;
	sp->fd = open_seg(sp, sp->cur_seg, 1);
	if (sp->fd < 0) {
		snprintf(err, errlen, "spool %s: cannot open a segment: %s", dir,
			 strerror(errno));
		goto fail;
	}
	sp->cur_size = (uint64_t)lseek(sp->fd, 0, SEEK_END);
	sp->cursor_dirty = 1;
	if (spool_commit(sp) < 0 || spool_save_cursor(sp) < 0) {
		snprintf(err, errlen, "spool %s: cannot write its state: %s", dir,
			 strerror(errno));
		goto fail;
	}
	return 0;
fail:
	if (sp->fd >= 0)
		close(sp->fd);
	marks_free(&sp->marks);
	free(sp->dir);
	memset(sp, 0, sizeof(*sp));
	sp->fd = sp->rfd = -1;
	return -1;
}

int spool_commit(struct spool *sp)
{
	char *state;
	int r;

	marks_set_meta(&sp->marks, "end_seg", sp->cur_seg);
	marks_set_meta(&sp->marks, "end_off", sp->cur_size);
	marks_set_meta(&sp->marks, "appended", sp->appended);
	if (!sp->marks.dirty)
		return 0;
	state = path_in(sp, "state");
	r = marks_save(&sp->marks, state);
	free(state);
	return r;
}

void spool_close(struct spool *sp)
{
	if (!sp->dir)
		return;
	if (spool_commit(sp) < 0 || spool_save_cursor(sp) < 0)
		util_err("spool %s: cannot save its state: %s", sp->dir,
			 strerror(errno));
	if (sp->fd >= 0) {
		fdatasync(sp->fd);
		close(sp->fd);
	}
	if (sp->rfd >= 0)
		close(sp->rfd);
	marks_free(&sp->marks);
	free(sp->dir);
	memset(sp, 0, sizeof(*sp));
	sp->fd = sp->rfd = -1;
}

static void refuse(struct spool *sp, size_t len, uint64_t time_ns)
{
	sp->refused++;
	sp->refused_bytes += len;
	if (!sp->refused_first_ns)
		sp->refused_first_ns = time_ns;
	sp->refused_last_ns = time_ns;
}

int spool_append(struct spool *sp, uint64_t instance, uint32_t stream,
		 uint64_t seq, const void *msg, size_t len, int urgent,
		 uint64_t time_ns)
{
	uint64_t need = SPOOL_HDR + len;
	uint64_t cap = sp->max_bytes + (urgent ? sp->max_bytes / 8 : 0);
	struct ent e = { ENT_MAGIC, (uint32_t)len, instance, stream, 0, seq };
	struct iovec iov[2];
	ssize_t n;

	if (len > SPOOL_ENTRY_MAX || sp->bytes + need > cap) {
		refuse(sp, len, time_ns);
		return SPOOL_FULL;
	}
	if (sp->cur_size && sp->cur_size + need > sp->seg_max) {
		int fd;

		/* A full segment is on disk before its successor exists. */
		fdatasync(sp->fd);
		fd = open_seg(sp, sp->cur_seg + 1, 1);
		if (fd < 0) {
			refuse(sp, len, time_ns);
			return SPOOL_ERROR;
		}
		close(sp->fd);
		sp->fd = fd;
		sp->cur_seg++;
		sp->cur_size = 0;
	}
	e.crc = ent_crc(&e, msg);
	iov[0].iov_base = &e;
	iov[0].iov_len = sizeof(e);
	iov[1].iov_base = (void *)msg;
	iov[1].iov_len = len;
	n = writev(sp->fd, iov, 2);
	if (n != (ssize_t)need) {
		int saved = n < 0 ? errno : ENOSPC;

		/* Leave no partial entry behind. */
		if (n > 0 && ftruncate(sp->fd, (off_t)sp->cur_size) < 0)
			util_err("spool %s: cannot undo a partial write: %s",
				 sp->dir, strerror(errno));
		refuse(sp, len, time_ns);
		errno = saved;
		return SPOOL_ERROR;
	}
	sp->cur_size += need;
	sp->bytes += need;
	sp->appended++;
	return SPOOL_OK;
}

int spool_read(struct spool *sp, struct spool_pos *pos, struct fmt_buf *out,
	       struct spool_pos *next)
{
	struct ent e;
	int r;

	for (;;) {
		if (pos->seg < sp->first_seg) {
			pos->seg = sp->first_seg;
			pos->off = 0;
		}
		if (sp->rfd < 0 || sp->rseg != pos->seg) {
			char *p = seg_path(sp, pos->seg);

			if (sp->rfd >= 0)
				close(sp->rfd);
			sp->rfd = open(p, O_RDONLY | O_CLOEXEC);
			sp->rseg = pos->seg;
			free(p);
		}
		r = sp->rfd >= 0 ? read_ent(sp->rfd, pos->off, &e, out) : 0;
		if (r == 1) {
			next->seg = pos->seg;
			next->off = pos->off + sizeof(e) + e.len;
			return 1;
		}
		if (pos->seg >= sp->cur_seg)
			return r;
		/* The end of an older segment (or its damaged rest). */
		pos->seg++;
		pos->off = 0;
		if (r < 0)
			return -1;
	}
}

void spool_delivered(struct spool *sp, struct spool_pos pos,
		     uint64_t records, uint64_t bytes)
{
	sp->cursor = pos;
	sp->delivered += records;
	sp->bytes = sp->bytes > bytes && spool_pending(sp) ?
		    sp->bytes - bytes : 0;
	while (sp->first_seg < pos.seg) {
		char *p = seg_path(sp, sp->first_seg);

		if (unlink(p) < 0 && errno != ENOENT)
			util_err("spool %s: cannot delete %s: %s", sp->dir, p,
				 strerror(errno));
		free(p);
		if (sp->rfd >= 0 && sp->rseg == sp->first_seg) {
			close(sp->rfd);
			sp->rfd = -1;
		}
		sp->first_seg++;
	}
	sp->cursor_dirty = 1;
}
