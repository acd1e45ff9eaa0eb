// SPDX-License-Identifier: GPL-2.0
/*
 * The file sink: one message per line (ECS JSON lines by default), in a
 * file rotated by size, with `generations` older files PATH.1 (newest) to
 * PATH.N.  SIGHUP reopens PATH, for logrotate and friends.
 *
 * Lines are collected during a batch and written at sinks_commit(),
 * before the collector acknowledges the records, with the sink's marks
 * saved after them.  A write that fails is undone (the file is cut back
 * to its last whole line) and its lines are counted as lost, with the
 * error in `daudit status`.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sink.h"
#include "util.h"

#define WRITE_AT	(256 * 1024)

struct file_sink {
	int fd;
	uint64_t size;
	struct marks marks;
	char *marks_path;
	struct fmt_buf out;		/* lines not yet written */
	uint64_t out_n;
	int failed;
};

static int open_file(struct sink *s, struct file_sink *f)
{
	struct stat st;

	f->fd = open(s->cfg.path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
		     0600);
	if (f->fd < 0)
		return -1;
	f->size = fstat(f->fd, &st) == 0 ? (uint64_t)st.st_size : 0;
	return 0;
}

static void write_out(struct sink *s, struct file_sink *f)
{
	size_t done = 0;

	if (!f->out.len)
		return;
	if (f->fd < 0 && open_file(s, f) < 0) {
		sink_error(s, "cannot open %s: %s", s->cfg.path, strerror(errno));
		goto lost;
	}
	while (done < f->out.len) {
		ssize_t n = write(f->fd, f->out.s + done, f->out.len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			sink_error(s, "cannot write %s: %s", s->cfg.path,
				   n < 0 ? strerror(errno) : "short write");
			/* No half line stays behind. */
			if (done && ftruncate(f->fd, (off_t)f->size) < 0)
				sink_error(s, "cannot cut %s back after a failed write: %s",
					   s->cfg.path, strerror(errno));
			goto lost;
		}
		done += (size_t)n;
	}
	f->size += f->out.len;
	s->st.delivered += f->out_n;
	if (f->failed) {
		f->failed = 0;
		sink_set_state(s, 1);
	}
	fb_reset(&f->out);
	f->out_n = 0;
	return;
lost:
	s->st.lost += f->out_n;
	f->failed = 1;
	sink_set_state(s, 0);
	fb_reset(&f->out);
	f->out_n = 0;
}

/* PATH -> PATH.1 -> ... -> PATH.N (the oldest is overwritten). */
static void rotate(struct sink *s, struct file_sink *f)
{
	size_t n = strlen(s->cfg.path) + 16;
	char *from = util_xmalloc(n), *to = util_xmalloc(n);
	unsigned int g;

	write_out(s, f);
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	for (g = s->cfg.generations; g > 1; g--) {
		snprintf(from, n, "%s.%u", s->cfg.path, g - 1);
		snprintf(to, n, "%s.%u", s->cfg.path, g);
		if (rename(from, to) < 0 && errno != ENOENT)
			sink_error(s, "cannot rotate %s: %s", from, strerror(errno));
	}
	snprintf(to, n, "%s.1", s->cfg.path);
	if (rename(s->cfg.path, to) < 0 && errno != ENOENT)
		sink_error(s, "cannot rotate %s: %s", s->cfg.path, strerror(errno));
	if (open_file(s, f) < 0)
		sink_error(s, "cannot open %s: %s", s->cfg.path, strerror(errno));
	free(from);
	free(to);
}

static int file_open(struct sink *s, char *err, size_t errlen)
{
	struct file_sink *f = util_xcalloc(1, sizeof(*f));
	size_t n = strlen(s->state_dir) + 8;

	s->priv = f;
	marks_init(&f->marks);
	s->marks = &f->marks;
	f->marks_path = util_xmalloc(n);
	snprintf(f->marks_path, n, "%s/marks", s->state_dir);
	if (util_mkdir_p(s->state_dir, 0700) < 0) {
		snprintf(err, errlen, "state directory %s: %s", s->state_dir,
			 strerror(errno));
		goto fail;
	}
	if (marks_load(&f->marks, f->marks_path, err, errlen) < 0)
		goto fail;
	if (open_file(s, f) < 0) {
		snprintf(err, errlen, "cannot open %s: %s", s->cfg.path,
			 strerror(errno));
		goto fail;
	}
	sink_set_state(s, 1);
	return 0;
fail:
	marks_free(&f->marks);
	free(f->marks_path);
	free(f);
	s->priv = NULL;
	return -1;
}

static int file_put(struct sink *s, const struct sink_msg *m)
{
	struct file_sink *f = s->priv;

	if (s->cfg.max_size && f->size + f->out.len + m->len + 1 >
	    s->cfg.max_size && f->size + f->out.len > 0) {
		write_out(s, f);
		rotate(s, f);
	}
	fb_add(&f->out, m->body, m->len);
	fb_putc(&f->out, '\n');
	f->out_n++;
	if (f->out.len >= WRITE_AT)
		write_out(s, f);
	return 0;
}

static int file_sync(struct sink *s)
{
	struct file_sink *f = s->priv;

	write_out(s, f);
	if (!f->marks.dirty)
		return 0;
	return marks_save(&f->marks, f->marks_path);
}

static void file_pump(struct sink *s, int64_t now_ms)
{
	(void)s;
	(void)now_ms;
}

static void file_reopen(struct sink *s)
{
	struct file_sink *f = s->priv;

	write_out(s, f);
	if (f->fd >= 0)
		close(f->fd);
	if (open_file(s, f) < 0)
		sink_error(s, "cannot open %s: %s", s->cfg.path, strerror(errno));
}

static void file_flush(struct sink *s, int ms)
{
	(void)ms;
	write_out(s, s->priv);
}

static void file_close(struct sink *s)
{
	struct file_sink *f = s->priv;

	if (file_sync(s) < 0)
		sink_error(s, "cannot save %s: %s", f->marks_path, strerror(errno));
	if (f->fd >= 0)
		close(f->fd);
	marks_free(&f->marks);
	fb_free(&f->out);
	free(f->marks_path);
	free(f);
	s->priv = NULL;
}

static void file_status(struct sink *s, json_object *o)
{
	struct file_sink *f = s->priv;

	json_object_object_add(o, "state", json_object_new_string(
		f->failed ? "failing" : "writing"));
	json_object_object_add(o, "connected", json_object_new_boolean(!f->failed));
	json_object_object_add(o, "file_bytes", json_object_new_uint64(f->size));
	json_object_object_add(o, "pending", json_object_new_uint64(f->out_n));
	json_object_object_add(o, "state_dir",
			       json_object_new_string(s->state_dir));
}

const struct sink_ops sink_file_ops = {
	.open = file_open,
	.put = file_put,
	.sync = file_sync,
	.pump = file_pump,
	.reopen = file_reopen,
	.flush = file_flush,
	.close = file_close,
	.status = file_status,
};
