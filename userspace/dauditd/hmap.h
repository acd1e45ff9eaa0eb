/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A hash map from byte-string keys to fixed-size values, for the
 * collector's in-memory state (processes, names, rollup deltas, rule
 * state).  One allocation per entry holds the value then the key; values
 * start zeroed.  Open addressing, linear probing, no removal of single
 * entries: the collector's maps are cleared whole.
 */
#ifndef DAUDITD_HMAP_H
#define DAUDITD_HMAP_H

#include <stddef.h>
#include <stdint.h>

struct hnode;
struct harena;

/* The hash beside the pointer: a probe reads no entry but the match. */
struct hslot {
	uint64_t hash;
	struct hnode *node;
};

struct hmap {
	struct hslot *slots;
	size_t cap;			/* power of two, or 0 */
	size_t n;
	size_t vsize;
	struct harena *arena;		/* NULL: one malloc per entry */
	struct harena *cur;
};

void hmap_init(struct hmap *m, size_t vsize);
/*
 * The same, but entries come from large blocks reused after each clear:
 * for maps that fill up and are cleared over and over (a batch's deltas).
 */
void hmap_init_arena(struct hmap *m, size_t vsize);
/* Drop every entry; @fn (may be NULL) is called on each value first. */
void hmap_clear(struct hmap *m, void (*fn)(void *val));
void hmap_free(struct hmap *m, void (*fn)(void *val));

void *hmap_find(const struct hmap *m, const void *key, size_t klen);
/* The value for @key, created zeroed if absent (*created says which). */
void *hmap_insert(struct hmap *m, const void *key, size_t klen, int *created);

/* The key stored with a value. */
const void *hmap_key(const void *val, size_t *klen);

/* Iterate: start with *pos = 0; NULL at the end. */
void *hmap_next(const struct hmap *m, size_t *pos);

uint64_t hmap_hash(const void *key, size_t len);

/*
 * A set of 64-bit hashes, no keys: "probably seen".  A false "seen" is
 * possible (two keys with one hash), a false "not seen" is not, except
 * after hset_clear().  Zero is never stored (it marks empty slots).
 */
struct hset {
	uint64_t *v;
	size_t cap, n;
};

int hset_has(const struct hset *s, uint64_t h);
void hset_add(struct hset *s, uint64_t h);
void hset_clear(struct hset *s);
void hset_free(struct hset *s);

#endif
