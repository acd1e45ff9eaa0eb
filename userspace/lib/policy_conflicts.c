// SPDX-License-Identifier: GPL-2.0
/*
 * Conflicts between sources: the same path twice, a path inside another
 * dataset's tree, overlapping endpoints.  Shared by the text parser and
 * the binary decoder; each conflict is an error in the policy.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "policy_int.h"

/* ------------------------------------------------------------------ */
/* Conflicts between sources, shared by the parser and the decoder     */
/* ------------------------------------------------------------------ */

static int cmp_path_idx(const void *a, const void *b, void *arg)
{
	const struct policy_source *s = arg;
	uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
	uint32_t n = s[i].path_len < s[j].path_len ? s[i].path_len : s[j].path_len;
	int c = memcmp(s[i].path, s[j].path, n);

	if (c)
		return c;
	if (s[i].path_len != s[j].path_len)
		return s[i].path_len < s[j].path_len ? -1 : 1;
	return i < j ? -1 : i > j;
}

struct conflicts {
	struct policy *p;
	bool *reported;			/* per source: already has an error */
};

UTIL_PRINTF(3, 4)
static void conflict(struct conflicts *c, uint32_t idx, const char *fmt, ...)
{
	const struct policy_source *s = &c->p->sources[idx];
	char *msg, arg[64];
	const char *tok;
	va_list ap;

	if (c->reported[idx])
		return;
	c->reported[idx] = true;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		util_die(EXIT_FAIL, "out of memory");
	va_end(ap);
	tok = policy_source_arg(s, arg, sizeof(arg));
	add_error(c->p, s->line, DAUDIT_PERR_SOURCE, idx, tok, strlen(tok),
		  "%s", msg);
	free(msg);
}

/* Two sources naming the same path; @a comes before @b. */
static void same_path(struct conflicts *c, uint32_t a, uint32_t b)
{
	const struct policy_source *sa = &c->p->sources[a];
	const struct policy_source *sb = &c->p->sources[b];

	/*
	 * A trusted reader or an app may be shared, and may be protected
	 * itself.
	 */
	if (is_protected(sa->type) != is_protected(sb->type))
		return;
	if (sa->dataset == sb->dataset && sa->type == sb->type)
		conflict(c, b, "duplicate source (also at line %u)", sa->line);
	else if (sa->dataset == sb->dataset)
		conflict(c, b, "path already listed as '%s' at line %u",
			 kind_names[sa->type], sa->line);
	else if (is_protected(sa->type))
		conflict(c, b, "path already protected by dataset '%s' (line %u)",
			 c->p->datasets[sa->dataset].name, sa->line);
}

/* First entry of the sorted @idx whose path equals s[0..len). */
static uint32_t lower_bound(const struct policy_source *src,
			    const uint32_t *idx, uint32_t n, const char *s,
			    size_t len)
{
	uint32_t lo = 0, hi = n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const struct policy_source *m = &src[idx[mid]];
		size_t k = m->path_len < len ? m->path_len : len;
		int cmp = memcmp(m->path, s, k);

		if (cmp < 0 || (cmp == 0 && m->path_len < len))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * A file or tree below another dataset's tree would belong to two
 * datasets, and which one a read is counted against would depend on the
 * kernel's search order: refuse it.  Within one dataset it is harmless.
 */
static void check_nesting(struct conflicts *c, const uint32_t *trees,
			  uint32_t ntrees, uint32_t idx)
{
	const struct policy_source *src = c->p->sources, *s = &src[idx];
	uint32_t i, k;

	for (i = 0; i + 1 < s->path_len; i++) {
		size_t plen = i ? i : 1;

		if (s->path[i] != '/')
			continue;
		for (k = lower_bound(src, trees, ntrees, s->path, plen);
		     k < ntrees; k++) {
			const struct policy_source *t = &src[trees[k]];

			if (t->path_len != plen || memcmp(t->path, s->path, plen))
				break;
			if (t->dataset == s->dataset)
				continue;
			conflict(c, idx,
				 "path is inside tree '%s' of dataset '%s' (line %u)",
				 t->path, c->p->datasets[t->dataset].name,
				 t->line);
			return;
		}
	}
}

static void check_paths(struct conflicts *c)
{
	struct policy *p = c->p;
	uint32_t *idx, *trees, n = 0, ntrees = 0, i, j, k;

	idx = util_xcalloc(p->n_sources, sizeof(*idx));
	trees = util_xcalloc(p->n_sources, sizeof(*trees));
	for (i = 0; i < p->n_sources; i++)
		if (p->sources[i].path)
			idx[n++] = i;
	qsort_r(idx, n, sizeof(*idx), cmp_path_idx, p->sources);
	for (i = 0; i < n; i = j) {
		const struct policy_source *s = &p->sources[idx[i]];

		for (j = i + 1; j < n; j++) {
			const struct policy_source *t = &p->sources[idx[j]];

			if (t->path_len != s->path_len ||
			    memcmp(t->path, s->path, s->path_len))
				break;
		}
		/* Equal paths sort by index: each meets those before it. */
		for (k = i + 1; k < j; k++) {
			uint32_t a;

			for (a = i; a < k && !c->reported[idx[k]]; a++)
				same_path(c, idx[a], idx[k]);
		}
	}
	for (i = 0; i < n; i++)
		if (p->sources[idx[i]].type == DAUDIT_SRC_TREE)
			trees[ntrees++] = idx[i];
	for (i = 0; i < p->n_sources; i++) {
		unsigned int t = p->sources[i].type;

		if (p->sources[i].path && is_protected(t) && !c->reported[i])
			check_nesting(c, trees, ntrees, i);
	}
	free(trees);
	free(idx);
}

static int cmp_net_idx(const void *a, const void *b, void *arg)
{
	const struct policy_source *s = arg;
	uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
	int c;

	if (s[i].type != s[j].type)
		return s[i].type < s[j].type ? -1 : 1;
	if (s[i].family != s[j].family)
		return s[i].family < s[j].family ? -1 : 1;
	c = memcmp(s[i].addr, s[j].addr, sizeof(s[i].addr));
	if (c)
		return c;
	if (s[i].prefix_len != s[j].prefix_len)
		return s[i].prefix_len < s[j].prefix_len ? -1 : 1;
	return i < j ? -1 : i > j;
}

/* Is @t inside the network of @s (same protocol and family)? */
static bool net_contains(const struct policy_source *s,
			 const struct policy_source *t)
{
	unsigned int i;

	if (s->type != t->type || s->family != t->family)
		return false;
	for (i = 0; i < s->prefix_len; i++)
		if ((s->addr[i / 8] ^ t->addr[i / 8]) & (0x80 >> (i % 8)))
			return false;
	return true;
}

static void net_pair(struct conflicts *c, uint32_t a, uint32_t b)
{
	const struct policy_source *src = c->p->sources;
	uint32_t first = a < b ? a : b, later = a < b ? b : a;
	const struct policy_source *e = &src[first], *l = &src[later];
	char arg[64], ports[16];

	if (e->port_hi < l->port_lo || l->port_hi < e->port_lo)
		return;
	if (e->port_lo == e->port_hi)
		snprintf(ports, sizeof(ports), "%u", e->port_lo);
	else
		snprintf(ports, sizeof(ports), "%u-%u", e->port_lo, e->port_hi);
	if (e->dataset != l->dataset) {
		conflict(c, later,
			 "%s endpoint overlaps %s port %s of dataset '%s' (line %u)",
			 kind_names[l->type], policy_source_arg(e, arg, sizeof(arg)),
			 ports, c->p->datasets[e->dataset].name, e->line);
	} else if (e->prefix_len == l->prefix_len &&
		   !memcmp(e->addr, l->addr, sizeof(e->addr)) &&
		   e->port_lo == l->port_lo && e->port_hi == l->port_hi) {
		conflict(c, later, "duplicate source (also at line %u)",
			 e->line);
	}
}

/*
 * Sorted by address then prefix, everything inside a network follows it
 * directly, so each endpoint is compared only with those it contains.
 */
static void check_endpoints(struct conflicts *c)
{
	struct policy *p = c->p;
	uint32_t *idx, n = 0, i, j;

	idx = util_xcalloc(p->n_sources, sizeof(*idx));
	for (i = 0; i < p->n_sources; i++)
		if (is_net(p->sources[i].type))
			idx[n++] = i;
	qsort_r(idx, n, sizeof(*idx), cmp_net_idx, p->sources);
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++) {
			if (!net_contains(&p->sources[idx[i]],
					  &p->sources[idx[j]]))
				break;
			net_pair(c, idx[i], idx[j]);
		}
	free(idx);
}

void check_conflicts(struct policy *p)
{
	struct conflicts c = { .p = p };

	c.reported = util_xcalloc(p->n_sources, sizeof(*c.reported));
	check_paths(&c);
	check_endpoints(&c);
	free(c.reported);
}
