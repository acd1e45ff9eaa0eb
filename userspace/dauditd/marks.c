// SPDX-License-Identifier: GPL-2.0
/*
 * Per-stream high-water marks of a sink (marks.h).  The file:
 *
 *   daudit-marks 1
 *   meta NAME VALUE
 *   mark INSTANCE(hex) STREAM NEXT
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "marks.h"
#include "util.h"

void marks_init(struct marks *m)
{
	memset(m, 0, sizeof(*m));
}

void marks_free(struct marks *m)
{
	free(m->v);
	memset(m, 0, sizeof(*m));
}

static struct mark *find(const struct marks *m, uint64_t instance,
			 uint32_t stream)
{
	unsigned int i;

	for (i = 0; i < m->n; i++)
		if (m->v[i].instance == instance && m->v[i].stream == stream)
			return &m->v[i];
	return NULL;
}

int marks_new(const struct marks *m, uint64_t instance, uint32_t stream,
	      uint64_t seq)
{
	const struct mark *k = find(m, instance, stream);

	return !k || seq >= k->next;
}

uint64_t marks_get(const struct marks *m, uint64_t instance, uint32_t stream)
{
	const struct mark *k = find(m, instance, stream);

	return k ? k->next : 0;
}

static int db_stream(uint32_t stream)
{
	return stream == MARK_FINDINGS || stream == MARK_TRIAGE;
}

void marks_set(struct marks *m, uint64_t instance, uint32_t stream,
	       uint64_t next)
{
	struct mark *k = find(m, instance, stream);
	unsigned int i, j;

	if (k) {
		if (k->next != next)
			m->dirty = 1;
		k->next = next;
		return;
	}
	/*
	 * A new module instance: the others can never come back.  The
	 * database's streams (findings, triage) are of no instance.
	 */
	if (!db_stream(stream)) {
		for (i = j = 0; i < m->n; i++)
			if (db_stream(m->v[i].stream) ||
			    m->v[i].instance == instance)
				m->v[j++] = m->v[i];
		m->n = j;
	}
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 16;
		m->v = util_xrealloc(m->v, m->cap * sizeof(*m->v));
	}
	m->v[m->n].instance = instance;
	m->v[m->n].stream = stream;
	m->v[m->n].next = next;
	m->n++;
	m->dirty = 1;
}

void marks_take(struct marks *m, uint64_t instance, uint32_t stream,
		uint64_t seq)
{
	if (marks_new(m, instance, stream, seq))
		marks_set(m, instance, stream, seq + 1);
}

uint64_t marks_meta(const struct marks *m, const char *name)
{
	unsigned int i;

	for (i = 0; i < m->n_meta; i++)
		if (!strcmp(m->meta_name[i], name))
			return m->meta[i];
	return 0;
}

void marks_set_meta(struct marks *m, const char *name, uint64_t v)
{
	unsigned int i;

	for (i = 0; i < m->n_meta; i++)
		if (!strcmp(m->meta_name[i], name))
			break;
	if (i == m->n_meta) {
		if (m->n_meta == MARKS_META_MAX)
			return;
		snprintf(m->meta_name[i], sizeof(m->meta_name[i]), "%s", name);
		m->n_meta++;
		m->meta[i] = v + 1;	/* differs: dirty below */
	}
	if (m->meta[i] != v)
		m->dirty = 1;
	m->meta[i] = v;
}

int marks_load(struct marks *m, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "re");
	char line[256], name[32];
	unsigned long long a, c;
	unsigned int b;
	int lineno = 0;

	marks_free(m);
	if (!f) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: cannot read: %s", path,
			 strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		if (++lineno == 1) {
			if (strcmp(line, "daudit-marks 1\n"))
				break;
		} else if (sscanf(line, "mark %llx %u %llu", &a, &b, &c) == 3) {
			marks_set(m, a, b, c);
		} else if (sscanf(line, "meta %23s %llu", name, &a) == 2) {
			marks_set_meta(m, name, a);
		} else {
			lineno = -1;
			break;
		}
	}
	fclose(f);
	if (lineno < 1 || (lineno == 1 && strcmp(line, "daudit-marks 1\n"))) {
		snprintf(err, errlen, "%s: not a daudit marks file", path);
		marks_free(m);
		return -1;
	}
	m->dirty = 0;
	return 1;
}

int marks_save(struct marks *m, const char *path)
{
	size_t n = strlen(path) + 8;
	char *tmp = util_xmalloc(n);
	unsigned int i;
	FILE *f;
	int ok;

	snprintf(tmp, n, "%s.tmp", path);
	f = fopen(tmp, "we");
	if (!f) {
		free(tmp);
		return -1;
	}
	fprintf(f, "daudit-marks 1\n");
	for (i = 0; i < m->n_meta; i++)
		fprintf(f, "meta %s %" PRIu64 "\n", m->meta_name[i], m->meta[i]);
	for (i = 0; i < m->n; i++)
		fprintf(f, "mark %016" PRIx64 " %u %" PRIu64 "\n", m->v[i].instance,
			m->v[i].stream, m->v[i].next);
	ok = fflush(f) == 0 && !ferror(f);
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp, path) < 0) {
		int e = errno;

		unlink(tmp);
		free(tmp);
		errno = e;
		return -1;
	}
	free(tmp);
	m->dirty = 0;
	return 0;
}
