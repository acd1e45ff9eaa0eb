// SPDX-License-Identifier: GPL-2.0
/*
 * Classification.  A file is protected when
 *   - its inode is a FILE source of the policy, or
 *   - one of its ancestor directories (same filesystem) is a TREE source, or
 *   - another name of the same inode (a hard link) is, found through the
 *     inode's cached aliases or through the link set the link hook fills,
 *   - or one of its ancestors is a directory moved out of a TREE (the
 *     link set too: the directory keeps the protected path it had).
 * The walk reads d_parent and d_name under RCU and the rename_lock
 * sequence count, as the kernel's own d_path() does, so it never sleeps.
 * The path reported is the protected root's path from the policy followed
 * by the names below it: the same file reads the same whichever bind
 * mount, chroot, namespace or /proc/self/fd link it was opened through.
 */
#include <linux/fs.h>
#include <linux/hash.h>
#include <linux/rculist.h>
#include <linux/seqlock.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "classify.h"
#include "pool.h"
#include "prof.h"
#include "stats.h"

/*
 * Inodes known to be protected data under another name: files hard-linked
 * or moved out of their tree, and directories moved out (@dir), whose
 * contents stay protected under @path.
 */
struct link_entry {
	struct hlist_node node;
	struct rcu_head rcu;
	u64 ino;
	dev_t dev;
	bool dir;
	char dataset[DAUDIT_NAME_MAX];
	u32 path_len;
	char path[];
};

#define LINKS_BITS	8
#define LINKS_MAX	4096
static struct hlist_head links[1 << LINKS_BITS];
static DEFINE_RAW_SPINLOCK(links_lock);
static unsigned int n_links;

static struct hlist_head *link_bucket(dev_t dev, u64 ino)
{
	return &links[hash_64(ino ^ ((u64)dev << 32), LINKS_BITS)];
}

static struct link_entry *link_find(dev_t dev, u64 ino)
{
	struct link_entry *l;

	hlist_for_each_entry_rcu(l, link_bucket(dev, ino), node)
		if (l->ino == ino && l->dev == dev)
			return l;
	return NULL;
}

/*
 * Is (@dev, @ino) a directory moved out of a tree of @p?  Then @v gets its
 * dataset and protected path (the entry's own copy: render() copies it
 * into the caller's buffer).
 */
static bool moved_dir(const struct daudit_policy *p, dev_t dev, u64 ino,
		      struct daudit_verdict *v)
{
	struct link_entry *l;
	int ds;

	/* data_race(): a hint only; entries are published under RCU. */
	if (!data_race(n_links))
		return false;
	l = link_find(dev, ino);
	if (!l || !l->dir)
		return false;
	ds = daudit_policy_dataset_index(p, l->dataset);
	if (ds < 0)
		return false;
	v->dataset = ds;
	v->path = l->path;
	v->path_len = l->path_len;
	return true;
}

/* Prepend @len bytes; false when the buffer is full. */
static bool prepend(char **pos, char *start, const char *s, u32 len)
{
	if (*pos - start < len)
		return false;
	*pos -= len;
	memcpy(*pos, s, len);
	return true;
}

/*
 * Render @d's path as the protected root's path @rpath (@rlen bytes)
 * plus the names from @top (the directory that is that root) down to @d.
 * A path too deep for PATH_MAX keeps its last names: "<root>/.../<tail>"
 * (a file is no less protected for being deep).  Returns false only if
 * @top is not an ancestor of @d.
 */
static bool render(struct dentry *d, struct dentry *top, const char *rpath,
		   u32 rlen, char *buf, struct daudit_verdict *v)
{
	static const char cut_mark[] = "/...";
	char *end = buf + PATH_MAX, *pos = end - 1;
	/* The root, the mark and a "/" always fit in front of the names. */
	char *limit = buf + rlen + sizeof(cut_mark);
	bool cut = false;

	*pos = '\0';
	while (d != top) {
		struct dentry *parent = READ_ONCE(d->d_parent);
		/* Pairs with the release in __d_move(), as in d_path(). */
		const char *name = smp_load_acquire(&d->d_name.name);
		u32 len = READ_ONCE(d->d_name.len);

		if (!cut && (!prepend(&pos, limit, name, len) ||
			     !prepend(&pos, limit, "/", 1)))
			cut = true;
		if (parent == d)
			return false;	/* top was not an ancestor after all */
		d = parent;
	}
	if (cut) {
		/* After a name without its "/", the mark supplies one. */
		if (*pos != '/' && !prepend(&pos, buf, "/", 1))
			return false;
		if (!prepend(&pos, buf, cut_mark, sizeof(cut_mark) - 1))
			return false;
	}
	/* A tree rooted at "/" must not render as "//x". */
	if (!(rlen == 1 && pos != end - 1))
		if (!prepend(&pos, buf, rpath, rlen))
			return false;
	v->path_len = end - 1 - pos;
	memmove(buf, pos, v->path_len + 1);
	v->path = buf;
	return true;
}

/*
 * Walk @dentry's ancestry for a TREE (or the FILE itself).  With @may_spin
 * false (the caller holds an inode's i_lock, which d_splice_alias() takes
 * before rename_lock) never wait for a rename in progress.  @top, if not
 * NULL, gets the dentry an unmatched walk ended at (its own parent).
 */
static bool match_ancestry(const struct daudit_policy *p, struct dentry *dentry,
			   dev_t dev, char *buf, struct daudit_verdict *v,
			   bool may_spin, struct dentry **top)
{
	struct dentry *d = dentry;
	unsigned int seq, tries = 0;
	bool found;

again:
	found = false;
	seq = daudit_rename_seqbegin(may_spin);
	d = dentry;
	for (;;) {
		struct inode *inode = READ_ONCE(d->d_inode);
		struct dentry *parent = READ_ONCE(d->d_parent);
		const struct daudit_pobj *o;

		o = inode ? daudit_policy_find(p, dev, inode->i_ino) : NULL;
		if (o && (o->type == DAUDIT_SRC_TREE || d == dentry)) {
			u64 t0 = daudit_prof_begin();

			v->dataset = o->dataset;
			found = render(dentry, d, o->path, o->path_len, buf, v);
			daudit_prof_end(DAUDIT_ST_RENDER, t0);
			break;
		}
		if (inode && d != dentry && moved_dir(p, dev, inode->i_ino, v)) {
			found = render(dentry, d, v->path, v->path_len, buf, v);
			break;
		}
		if (parent == d) {
			if (top)
				*top = d;
			break;
		}
		d = parent;
	}
	/* A rename raced with the walk: look again, a few times at most. */
	if (read_seqretry(&rename_lock, seq) && ++tries < 4)
		goto again;
	if (!found)
		v->dataset = -1;
	return found;
}

static bool match_links(const struct daudit_policy *p, dev_t dev, u64 ino,
			char *buf, struct daudit_verdict *v)
{
	struct link_entry *l = link_find(dev, ino);
	int ds;

	if (!l)
		return false;
	ds = daudit_policy_dataset_index(p, l->dataset);
	if (ds < 0)
		return false;
	v->dataset = ds;
	v->path_len = l->path_len;
	memcpy(buf, l->path, l->path_len + 1);
	v->path = buf;
	return true;
}

/* Other cached names of a hard-linked inode. */
static bool match_aliases(const struct daudit_policy *p, struct dentry *dentry,
			  struct inode *inode, dev_t dev, char *buf,
			  struct daudit_verdict *v)
{
	struct dentry *alias;
	bool found = false;

	if (!daudit_hook_spin_lock(&inode->i_lock))
		return false;
	hlist_for_each_entry(alias, &inode->i_dentry, d_u.d_alias) {
		if (alias == dentry)
			continue;
		if (match_ancestry(p, alias, dev, buf, v, false, NULL)) {
			found = true;
			break;
		}
	}
	daudit_hook_spin_unlock(&inode->i_lock);
	return found;
}

/*
 * A file whose ancestry ends at @top, a dentry cut off from its
 * filesystem's root: open_by_handle_at() (CAP_DAC_READ_SEARCH) gives a
 * file whose dentry the cache had dropped a dentry of its own,
 * DCACHE_DISCONNECTED, with no parent.  Where it lies is not known
 * without sleeping lookups of every directory (a regular file's handle
 * does not name its directory).  On a filesystem with a protected tree it
 * may lie in the tree, and is judged so (over-reporting rather than
 * missing), under the tree's dataset, its path the tree's followed by
 * what is known: "<tree>/.../(inode N, name unknown)".
 */
static bool match_cut_off(const struct daudit_policy *p, struct dentry *top,
			  dev_t dev, u64 ino, char *buf,
			  struct daudit_verdict *v)
{
	const struct daudit_pobj *o;
	int n;

	if (!top || top == top->d_sb->s_root ||
	    !(READ_ONCE(top->d_flags) & DCACHE_DISCONNECTED))
		return false;
	o = daudit_policy_tree_on(p, dev);
	if (!o)
		return false;
	n = snprintf(buf, PATH_MAX, "%s%s.../(inode %llu, name unknown)",
		     o->path, o->path_len == 1 ? "" : "/", ino);
	if (n <= 0 || n >= PATH_MAX)
		return false;
	v->dataset = o->dataset;
	v->path = buf;
	v->path_len = n;
	return true;
}

/**
 * daudit_classify - decide whether a file is protected.
 * @p: policy in force.
 * @dentry: the file's dentry.
 * @buf: PATH_MAX bytes for the canonical path.
 * @v: the verdict.
 */
void daudit_classify(const struct daudit_policy *p, struct dentry *dentry,
		     char *buf, struct daudit_verdict *v)
{
	struct inode *inode = d_inode(dentry);
	struct dentry *top = NULL;
	dev_t dev;

	v->dataset = -1;
	v->path = NULL;
	v->path_len = 0;
	if (!inode || !S_ISREG(inode->i_mode))
		return;
	dev = inode->i_sb->s_dev;
	if (!daudit_policy_has_dev(p, dev))
		return;
	if (match_ancestry(p, dentry, dev, buf, v, true, &top))
		return;
	/*
	 * The link set whatever the link count: a protected file moved out
	 * of its tree, or hard-linked out and its original name removed,
	 * has one name left, outside the tree.
	 */
	if (match_links(p, dev, inode->i_ino, buf, v))
		return;
	if (inode->i_nlink > 1 && match_aliases(p, dentry, inode, dev, buf, v))
		return;
	if (match_cut_off(p, top, dev, inode->i_ino, buf, v))
		return;
	v->dataset = -1;
}

/**
 * daudit_classify_tree_dir - is a directory inside a protected tree?
 * @p: policy in force.
 * @dir: the directory.
 * @buf: PATH_MAX bytes for its protected path.
 * @v: the verdict: its dataset and path, or dataset -1.
 */
void daudit_classify_tree_dir(const struct daudit_policy *p,
			      struct dentry *dir, char *buf,
			      struct daudit_verdict *v)
{
	struct inode *inode = d_inode(dir);

	v->dataset = -1;
	v->path = NULL;
	v->path_len = 0;
	if (!inode || !S_ISDIR(inode->i_mode) ||
	    !daudit_policy_has_dev(p, inode->i_sb->s_dev))
		return;
	match_ancestry(p, dir, inode->i_sb->s_dev, buf, v, true, NULL);
}

/**
 * daudit_classify_dir - the dataset whose tree holds a directory.
 * @p: policy in force.
 * @dir: the directory.
 *
 * Return: the dataset index, or -1.  A rename racing with the walk may
 * give either answer; it only decides whether a link is reported.
 */
int daudit_classify_dir(const struct daudit_policy *p, struct dentry *dir)
{
	struct inode *inode = d_inode(dir);
	struct dentry *d = dir;
	dev_t dev;

	if (!inode || !daudit_policy_has_dev(p, inode->i_sb->s_dev))
		return -1;
	dev = inode->i_sb->s_dev;
	for (;;) {
		struct inode *di = READ_ONCE(d->d_inode);
		struct dentry *parent = READ_ONCE(d->d_parent);
		const struct daudit_pobj *o;

		o = di ? daudit_policy_find(p, dev, di->i_ino) : NULL;
		if (o && o->type == DAUDIT_SRC_TREE)
			return o->dataset;
		if (parent == d)
			return -1;
		d = parent;
	}
}

/**
 * daudit_classify_note_link - protect an inode under all its names.
 * @p: policy in force.
 * @dentry: the protected file's dentry.
 * @v: its verdict (protected).
 */
void daudit_classify_note_link(const struct daudit_policy *p,
			       struct dentry *dentry,
			       const struct daudit_verdict *v)
{
	struct inode *inode = d_inode(dentry);
	struct link_entry *l;
	unsigned long flags;

	if (!inode || link_find(inode->i_sb->s_dev, inode->i_ino))
		return;
	l = daudit_alloc(struct_size(l, path, v->path_len + 1));
	if (!l) {
		daudit_count(alloc_failures, 1);
		return;
	}
	l->dev = inode->i_sb->s_dev;
	l->ino = inode->i_ino;
	l->dir = S_ISDIR(inode->i_mode);
	strscpy_pad(l->dataset, daudit_policy_dataset_name(p, v->dataset),
		    sizeof(l->dataset));
	l->path_len = v->path_len;
	memcpy(l->path, v->path, v->path_len + 1);

	raw_spin_lock_irqsave(&links_lock, flags);
	if (n_links >= LINKS_MAX || link_find(l->dev, l->ino)) {
		raw_spin_unlock_irqrestore(&links_lock, flags);
		daudit_free(l);
		return;
	}
	hlist_add_head_rcu(&l->node, link_bucket(l->dev, l->ino));
	n_links++;
	raw_spin_unlock_irqrestore(&links_lock, flags);
}

int daudit_classify_init(void)
{
	return 0;
}

void daudit_classify_exit(void)
{
	struct link_entry *l;
	struct hlist_node *tmp;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(links); i++) {
		hlist_for_each_entry_safe(l, tmp, &links[i], node) {
			hlist_del(&l->node);
			daudit_free(l);
		}
	}
	n_links = 0;
}
