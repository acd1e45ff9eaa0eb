// SPDX-License-Identifier: GPL-2.0
/*
 * Files inside protected trees that have other names.
 *
 * The kernel judges a file by its dentry's ancestry, by its other names
 * in the dentry cache, and by the hard links it saw being made.  A link
 * made out of the tree before the policy was loaded, read after the
 * dentry cache dropped the in-tree name (a reboot, memory pressure),
 * escapes all three.  So whoever loads a policy first walks each tree and
 * adds every regular file with more than one link as a FILE source
 * flagged DAUDIT_SRC_F_LINKED: protected by inode under every name.
 */
#include <errno.h>
#include <fts.h>
#include <search.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "policy_int.h"

struct ident {
	dev_t dev;
	ino_t ino;
};

static int cmp_ident(const void *a, const void *b)
{
	const struct ident *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return 0;
}

/* Add (@dev, @ino) to the tree @root; false if it was there already. */
static bool seen_first(void **root, dev_t dev, ino_t ino)
{
	struct ident *id = util_xcalloc(1, sizeof(*id)), **at;

	id->dev = dev;
	id->ino = ino;
	at = tsearch(id, root, cmp_ident);
	if (at && *at == id)
		return true;
	free(id);
	if (!at)
		util_die(EXIT_FAIL, "out of memory");
	return false;
}

/* Room for one more source of @len path bytes in the binary policy? */
static bool fits(const struct policy *p, size_t *size, size_t len)
{
	size_t more = sizeof(struct daudit_policy_source) + len + 1;

	if (p->n_sources >= DAUDIT_POLICY_MAX_SOURCES ||
	    *size + more > DAUDIT_POLICY_MAX_SIZE)
		return false;
	*size += more;
	return true;
}

static void scan_tree(struct policy *p, uint32_t t, void **seen,
		      size_t *size, struct policy_links *out)
{
	char *roots[] = { p->sources[t].path, NULL };
	uint16_t dataset = p->sources[t].dataset;
	uint32_t line = p->sources[t].line;
	FTSENT *e;
	FTS *fts;

	/* The tree's own filesystem only: the kernel's ancestry stops there. */
	fts = fts_open(roots, FTS_PHYSICAL | FTS_COMFOLLOW | FTS_NOCHDIR |
		       FTS_XDEV, NULL);
	if (!fts) {
		out->unreadable++;
		return;
	}
	/* errno tells the end of the walk from a failure of fts_read(). */
	for (errno = 0; (e = fts_read(fts)); errno = 0) {
		struct policy_source s = { 0 };

		if (e->fts_info == FTS_DNR || e->fts_info == FTS_ERR ||
		    e->fts_info == FTS_NS) {
			out->unreadable++;
			continue;
		}
		if (e->fts_info != FTS_F || e->fts_statp->st_nlink < 2 ||
		    !S_ISREG(e->fts_statp->st_mode))
			continue;
		if (!seen_first(seen, e->fts_statp->st_dev,
				e->fts_statp->st_ino))
			continue;
		if (path_problem(e->fts_path, e->fts_pathlen) ||
		    !fits(p, size, e->fts_pathlen)) {
			out->left_out++;
			continue;
		}
		s.type = DAUDIT_SRC_FILE;
		s.flags = DAUDIT_SRC_F_LINKED;
		s.dataset = dataset;
		s.line = line;
		s.path = util_xstrdup(e->fts_path);
		s.path_len = e->fts_pathlen;
		add_source(p, &s);
		out->added++;
	}
	if (errno)
		out->unreadable++;
	fts_close(fts);
}

void policy_add_links(struct policy *p, struct policy_links *out)
{
	uint32_t i, n = p->n_sources;
	void *seen = NULL;
	size_t size = policy_encoded_size(p);
	struct stat st;

	memset(out, 0, sizeof(*out));
	/* A file the policy already names is protected by inode already. */
	for (i = 0; i < n; i++)
		if (p->sources[i].type == DAUDIT_SRC_FILE &&
		    !stat(p->sources[i].path, &st))
			seen_first(&seen, st.st_dev, st.st_ino);
	for (i = 0; i < n; i++)
		if (p->sources[i].type == DAUDIT_SRC_TREE)
			scan_tree(p, i, &seen, &size, out);
	tdestroy(seen, free);
}
