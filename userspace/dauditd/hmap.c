// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "util.h"

struct hnode {
	uint64_t hash;
	size_t klen;
	size_t vsize;
	/* value (vsize bytes, 16-aligned), then key bytes */
	max_align_t data[];
};

#define ARENA_BLOCK	(1024 * 1024)

struct harena {
	struct harena *next;
	size_t size, used;
	max_align_t data[];
};

#define VAL(n)	((void *)(n)->data)
#define KEY(n)	((unsigned char *)(n)->data + (n)->vsize)

/* 64-bit words at a time, mixed with multiply-xorshift (wyhash-like). */
uint64_t hmap_hash(const void *key, size_t len)
{
	const unsigned char *p = key;
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ len;

	while (len >= 8) {
		uint64_t w;

		memcpy(&w, p, 8);
		h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
		h ^= h >> 31;
		p += 8;
		len -= 8;
	}
	if (len) {
		uint64_t w = 0;

		memcpy(&w, p, len);
		h = (h ^ w) * 0x94d049bb133111ebULL;
		h ^= h >> 29;
	}
	h = (h ^ (h >> 32)) * 0xd6e8feb86659fd93ULL;
	return h ^ (h >> 32);
}

void hmap_init(struct hmap *m, size_t vsize)
{
	memset(m, 0, sizeof(*m));
	m->vsize = (vsize + sizeof(max_align_t) - 1) &
		   ~(sizeof(max_align_t) - 1);
}

void hmap_init_arena(struct hmap *m, size_t vsize)
{
	hmap_init(m, vsize);
	m->arena = util_xcalloc(1, sizeof(*m->arena) + ARENA_BLOCK);
	m->arena->size = ARENA_BLOCK;
	m->cur = m->arena;
}

static void *arena_alloc(struct hmap *m, size_t n)
{
	struct harena *a = m->cur;

	n = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	while (a->used + n > a->size) {
		if (!a->next) {
			size_t size = n > ARENA_BLOCK ? n : ARENA_BLOCK;

			a->next = util_xcalloc(1, sizeof(*a) + size);
			a->next->size = size;
		}
		a = a->next;
		m->cur = a;
	}
	a->used += n;
	return (char *)a->data + a->used - n;
}

void hmap_clear(struct hmap *m, void (*fn)(void *val))
{
	struct harena *a;
	size_t i;

	if (m->n)
		for (i = 0; i < m->cap; i++) {
			struct hnode *n = m->slots[i].node;

			if (!n)
				continue;
			if (fn)
				fn(VAL(n));
			if (!m->arena)
				free(n);
			m->slots[i].node = NULL;
		}
	m->n = 0;
	for (a = m->arena; a; a = a->next)
		a->used = 0;
	m->cur = m->arena;
}

void hmap_free(struct hmap *m, void (*fn)(void *val))
{
	struct harena *a, *next;

	hmap_clear(m, fn);
	for (a = m->arena; a; a = next) {
		next = a->next;
		free(a);
	}
	free(m->slots);
	m->slots = NULL;
	m->cap = 0;
	m->arena = m->cur = NULL;
}

static size_t probe(const struct hmap *m, uint64_t h, const void *key,
		    size_t klen)
{
	size_t i = h & (m->cap - 1);

	for (;;) {
		const struct hslot *s = &m->slots[i];

		if (!s->node || (s->hash == h && s->node->klen == klen &&
				 !memcmp(KEY(s->node), key, klen)))
			return i;
		i = (i + 1) & (m->cap - 1);
	}
}

void *hmap_find(const struct hmap *m, const void *key, size_t klen)
{
	size_t i;

	if (!m->n)
		return NULL;
	i = probe(m, hmap_hash(key, klen), key, klen);
	return m->slots[i].node ? VAL(m->slots[i].node) : NULL;
}

static void grow(struct hmap *m)
{
	struct hslot *old = m->slots;
	size_t oldcap = m->cap, i;

	m->cap = m->cap ? m->cap * 2 : 64;
	m->slots = util_xcalloc(m->cap, sizeof(*m->slots));
	for (i = 0; i < oldcap; i++) {
		size_t j;

		if (!old[i].node)
			continue;
		j = old[i].hash & (m->cap - 1);
		while (m->slots[j].node)
			j = (j + 1) & (m->cap - 1);
		m->slots[j] = old[i];
	}
	free(old);
}

void *hmap_insert(struct hmap *m, const void *key, size_t klen, int *created)
{
	uint64_t h = hmap_hash(key, klen);
	struct hnode *n;
	size_t i;

	/* Keep the load under 1/2 so probes stay short. */
	if ((m->n + 1) * 2 > m->cap)
		grow(m);
	i = probe(m, h, key, klen);
	if (m->slots[i].node) {
		if (created)
			*created = 0;
		return VAL(m->slots[i].node);
	}
	if (m->arena)
		n = arena_alloc(m, sizeof(*n) + m->vsize + klen);
	else
		n = util_xmalloc(sizeof(*n) + m->vsize + klen);
	n->hash = h;
	n->klen = klen;
	n->vsize = m->vsize;
	memset(VAL(n), 0, m->vsize);
	memcpy(KEY(n), key, klen);
	m->slots[i].hash = h;
	m->slots[i].node = n;
	m->n++;
	if (created)
		*created = 1;
	return VAL(n);
}

const void *hmap_key(const void *val, size_t *klen)
{
	const struct hnode *n = (const void *)((const char *)val -
					       offsetof(struct hnode, data));

	if (klen)
		*klen = n->klen;
	return KEY(n);
}

void *hmap_next(const struct hmap *m, size_t *pos)
{
	while (*pos < m->cap) {
		struct hnode *n = m->slots[(*pos)++].node;

		if (n)
			return VAL(n);
	}
	return NULL;
}

/* ------------------------------------------------------------------ */

static size_t hset_slot(const struct hset *s, uint64_t h)
{
	size_t i = (h ^ (h >> 29)) & (s->cap - 1);

	while (s->v[i] && s->v[i] != h)
		i = (i + 1) & (s->cap - 1);
	return i;
}

int hset_has(const struct hset *s, uint64_t h)
{
	h |= !h;
	return s->cap && s->v[hset_slot(s, h)] == h;
}

void hset_add(struct hset *s, uint64_t h)
{
	size_t i;

	h |= !h;
	if ((s->n + 1) * 2 > s->cap) {
		uint64_t *old = s->v;
		size_t oldcap = s->cap;

		s->cap = s->cap ? s->cap * 2 : 1024;
		s->v = util_xcalloc(s->cap, sizeof(*s->v));
		for (i = 0; i < oldcap; i++)
			if (old[i])
				s->v[hset_slot(s, old[i])] = old[i];
		free(old);
	}
	i = hset_slot(s, h);
	if (!s->v[i]) {
		s->v[i] = h;
		s->n++;
	}
}

void hset_clear(struct hset *s)
{
	if (s->v)
		memset(s->v, 0, s->cap * sizeof(*s->v));
	s->n = 0;
}

void hset_free(struct hset *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}
