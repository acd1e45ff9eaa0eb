// SPDX-License-Identifier: GPL-2.0
/*
 * Policy: userspace parses the text, the kernel checks every byte of the
 * binary form again, resolves each path once to its inode, and swaps the
 * whole policy atomically.  A policy with any error changes nothing.
 *
 * Objects are identified by (superblock dev, inode number), so protection
 * follows the object, not the spelling of its path: symlinks, bind mounts,
 * chroots and other mount namespaces all reach the same inode.
 */
#include <linux/blkdev.h>
#include <linux/ctype.h>
#include <linux/hash.h>
#include <linux/in.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/namei.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>

#include "actor.h"
#include "fcache.h"
#include "policy.h"
#include "record.h"

struct daudit_policy __rcu *daudit_cur_policy;
static DEFINE_MUTEX(policy_lock);	/* serialises loads */
static u64 next_generation = 1;

static u32 obj_hash(dev_t dev, u64 ino)
{
	return hash_64(ino ^ ((u64)dev << 32), 32);
}

/**
 * daudit_policy_find - the protected object with this identity.
 * @p: policy.
 * @dev: superblock device.
 * @ino: inode number.
 *
 * Return: the object, or NULL.
 */
const struct daudit_pobj *daudit_policy_find(const struct daudit_policy *p,
					     dev_t dev, u64 ino)
{
	u32 i = obj_hash(dev, ino) & p->obj_mask;

	for (;; i = (i + 1) & p->obj_mask) {
		const struct daudit_pobj *o = &p->objs[i];

		if (!o->ino)
			return NULL;
		if (o->ino == ino && o->dev == dev)
			return o;
	}
}

/**
 * daudit_policy_tree_on - a protected tree on a filesystem.
 * @p: policy.
 * @dev: superblock device.
 *
 * Return: the tree of the lowest dataset on @dev (the first in the
 * policy's order among that dataset's), or NULL.  Scans every object:
 * for the rare file whose place in its filesystem is unknown.
 */
const struct daudit_pobj *daudit_policy_tree_on(const struct daudit_policy *p,
					       dev_t dev)
{
	const struct daudit_pobj *best = NULL;
	u32 i;

	for (i = 0; i <= p->obj_mask; i++) {
		const struct daudit_pobj *o = &p->objs[i];

		if (!o->ino || o->dev != dev || o->type != DAUDIT_SRC_TREE)
			continue;
		if (!best || o->dataset < best->dataset ||
		    (o->dataset == best->dataset && o->path < best->path))
			best = o;
	}
	return best;
}

/**
 * daudit_policy_trusted - is this executable a trusted reader of a dataset?
 * @p: policy.
 * @dataset: dataset index.
 * @exe_dev: superblock device of the executable.
 * @exe_ino: its inode number.
 */
bool daudit_policy_trusted(const struct daudit_policy *p, u16 dataset,
			   dev_t exe_dev, u64 exe_ino)
{
	u32 i;

	for (i = 0; i < p->n_readers; i++) {
		const struct daudit_pobj *r = &p->readers[i];

		if (r->dataset == dataset && r->ino == exe_ino &&
		    r->dev == exe_dev)
			return true;
	}
	return false;
}

/**
 * daudit_policy_app - may this executable declare actors?
 * @p: policy.
 * @exe_dev: superblock device of the executable.
 * @exe_ino: its inode number.
 */
bool daudit_policy_app(const struct daudit_policy *p, dev_t exe_dev,
		       u64 exe_ino)
{
	u32 i;

	for (i = 0; i < p->n_apps; i++)
		if (p->apps[i].ino == exe_ino && p->apps[i].dev == exe_dev)
			return true;
	return false;
}

static bool prefix_match(const u8 *a, const u8 *b, unsigned int bits)
{
	unsigned int bytes = bits / 8, rest = bits % 8;

	if (memcmp(a, b, bytes))
		return false;
	return !rest || !((a[bytes] ^ b[bytes]) & (0xff << (8 - rest)));
}

/**
 * daudit_policy_match_net - is this peer a protected network endpoint?
 * @p: policy.
 * @protocol: IPPROTO_TCP or IPPROTO_UDP.
 * @family: AF_INET or AF_INET6.
 * @addr: the peer's address, network order (IPv4 in 4 bytes).
 * @port: the peer's port, host order.
 *
 * Return: the dataset index, or -1.
 */
int daudit_policy_match_net(const struct daudit_policy *p, u8 protocol,
			    u16 family, const u8 *addr, u16 port)
{
	u32 i;

	for (i = 0; i < p->n_nets; i++) {
		const struct daudit_pnet *n = &p->nets[i];

		if (n->protocol == protocol && n->family == family &&
		    port >= n->port_lo && port <= n->port_hi &&
		    prefix_match(n->addr, addr, n->prefix_len))
			return n->dataset;
	}
	return -1;
}

/**
 * daudit_policy_match_unix - is this a protected unix socket?
 * @p: policy.
 * @path: the path the server socket is bound to.
 * @len: its length.
 *
 * Return: the dataset index, or -1.
 */
int daudit_policy_match_unix(const struct daudit_policy *p, const char *path,
			     u32 len)
{
	u32 i;

	for (i = 0; i < p->n_unixes; i++)
		if (p->unixes[i].path_len == len &&
		    !memcmp(p->unixes[i].path, path, len))
			return p->unixes[i].dataset;
	return -1;
}

/**
 * daudit_policy_dataset_name - a dataset's name.
 * @p: policy.
 * @dataset: dataset index, checked.
 */
const char *daudit_policy_dataset_name(const struct daudit_policy *p,
				       u16 dataset)
{
	return dataset < p->n_datasets ? p->datasets[dataset].name : "";
}

/**
 * daudit_policy_dataset_index - find a dataset by name.
 * @p: policy.
 * @name: its name.
 *
 * Return: its index, or -1.
 */
int daudit_policy_dataset_index(const struct daudit_policy *p,
				const char *name)
{
	u32 i;

	for (i = 0; i < p->n_datasets; i++)
		if (!strcmp(p->datasets[i].name, name))
			return i;
	return -1;
}

static void policy_free(struct daudit_policy *p)
{
	if (!p)
		return;
	kvfree(p->objs);
	kfree(p->readers);
	kfree(p->apps);
	kfree(p->nets);
	kfree(p->unixes);
	kvfree(p->blob);
	kfree(p);
}

static void policy_free_rcu(struct rcu_head *head)
{
	policy_free(container_of(head, struct daudit_policy, rcu));
}

/* Where a load failed, for the ioctl's answer. */
struct perr {
	u32 kind;
	u32 item;
	char msg[128];
};

static __printf(5, 6) int fail(struct perr *e, u32 kind, u32 item, int err,
				const char *fmt, ...)
{
	va_list ap;

	e->kind = kind;
	e->item = item;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return err;
}

static bool name_ok(const char *name)
{
	size_t len = strnlen(name, DAUDIT_NAME_MAX);
	size_t i;

	if (len == 0 || len == DAUDIT_NAME_MAX)
		return false;
	/* ASCII only: the kernel's isalnum() also takes Latin-1 letters. */
	for (i = 0; i < len; i++)
		if (!isascii(name[i]) || (!isalnum(name[i]) && !strchr("_.-", name[i])))
			return false;
	/* NUL-padded: nothing may hide after the terminator. */
	return !memchr_inv(name + len, 0, DAUDIT_NAME_MAX - len);
}

/* A source naming a program, not something protected. */
static bool is_program(u16 t)
{
	return t == DAUDIT_SRC_READER || t == DAUDIT_SRC_APP;
}

static bool is_path_type(u16 t)
{
	return t == DAUDIT_SRC_TREE || t == DAUDIT_SRC_FILE ||
	       t == DAUDIT_SRC_READER || t == DAUDIT_SRC_UNIX ||
	       t == DAUDIT_SRC_APP || t == DAUDIT_SRC_DEVICE;
}

/* Check one network source: family, prefix, host bits, ports. */
static int check_net(const struct daudit_policy_source *s, u32 i,
		     struct perr *e)
{
	unsigned int bits, byte;

	if (s->family == AF_INET) {
		bits = 32;
		if (memchr_inv(s->addr + 4, 0, 12))
			return fail(e, DAUDIT_PERR_SOURCE, i, -EINVAL,
				    "IPv4 address with bytes beyond 4");
	} else if (s->family == AF_INET6) {
		bits = 128;
	} else {
		return fail(e, DAUDIT_PERR_SOURCE, i, -EINVAL,
			    "address family %u", s->family);
	}
	if (s->prefix_len > bits)
		return fail(e, DAUDIT_PERR_SOURCE, i, -EINVAL,
			    "prefix /%u longer than the address", s->prefix_len);
	for (byte = 0; byte < bits / 8; byte++) {
		unsigned int first = byte * 8;
		u8 mask;

		if (first + 8 <= s->prefix_len)
			continue;
		mask = first >= s->prefix_len ? 0xff :
		       0xff >> (s->prefix_len - first);
		if (s->addr[byte] & mask)
			return fail(e, DAUDIT_PERR_SOURCE, i, -EINVAL,
				    "host bits set beyond /%u", s->prefix_len);
	}
	if (!s->port_lo || s->port_lo > s->port_hi)
		return fail(e, DAUDIT_PERR_SOURCE, i, -EINVAL,
			    "port range %u-%u", s->port_lo, s->port_hi);
	if (s->path_off || s->path_len)
		return fail(e, DAUDIT_PERR_SOURCE, i, -EINVAL,
			    "network source with a path");
	return 0;
}

/* Check the layout and every field; resolve nothing yet. */
static int check_blob(const void *blob, u32 len, struct perr *e)
{
	const struct daudit_policy_header *h = blob;
	const struct daudit_policy_dataset *ds;
	const struct daudit_policy_source *src;
	const char *strings;
	u64 want;
	u32 i, j;

	if (len < sizeof(*h))
		return fail(e, DAUDIT_PERR_HEADER, ~0U, -EINVAL,
			    "shorter than the header");
	if (h->magic != DAUDIT_POLICY_MAGIC)
		return fail(e, DAUDIT_PERR_HEADER, ~0U, -EINVAL, "bad magic");
	if (h->abi_major != DAUDIT_ABI_MAJOR)
		return fail(e, DAUDIT_PERR_HEADER, ~0U, -EINVAL,
			    "policy for ABI %u, module speaks %u",
			    h->abi_major, DAUDIT_ABI_MAJOR);
	if (h->header_size != sizeof(*h) || h->reserved[0] || h->reserved[1])
		return fail(e, DAUDIT_PERR_HEADER, ~0U, -EINVAL,
			    "bad header size or reserved fields");
	if (!h->n_datasets || h->n_datasets > DAUDIT_POLICY_MAX_DATASETS ||
	    h->n_sources > DAUDIT_POLICY_MAX_SOURCES)
		return fail(e, DAUDIT_PERR_HEADER, ~0U, -E2BIG,
			    "%u datasets, %u sources: out of range",
			    h->n_datasets, h->n_sources);
	want = sizeof(*h) + (u64)h->n_datasets * sizeof(*ds) +
	       (u64)h->n_sources * sizeof(*src) + h->strings_len;
	if (h->total_size != len || want != len)
		return fail(e, DAUDIT_PERR_HEADER, ~0U, -EINVAL,
			    "sizes do not add up to %u bytes", len);

	ds = blob + sizeof(*h);
	src = (const void *)(ds + h->n_datasets);
	strings = (const char *)(src + h->n_sources);

	for (i = 0; i < h->n_datasets; i++) {
		if (!name_ok(ds[i].name) || ds[i].flags || ds[i].reserved)
			return fail(e, DAUDIT_PERR_DATASET, i, -EINVAL,
				    "bad dataset name or flags");
		for (j = 0; j < i; j++)
			if (!strcmp(ds[i].name, ds[j].name))
				return fail(e, DAUDIT_PERR_DATASET, i, -EINVAL,
					    "dataset '%s' twice", ds[i].name);
	}

	for (i = 0; i < h->n_sources; i++) {
		const struct daudit_policy_source *s = &src[i];
		int ret;

		if (!s->type || s->type > DAUDIT_SRC_TYPE_MAX ||
		    (s->flags && (s->flags != DAUDIT_SRC_F_LINKED ||
				  s->type != DAUDIT_SRC_FILE)) ||
		    s->dataset >= h->n_datasets)
			return fail(e, DAUDIT_PERR_SOURCE, i, -EINVAL,
				    "bad type, flags or dataset index");
		if (!is_path_type(s->type)) {
			ret = check_net(s, i, e);
			if (ret)
				return ret;
			continue;
		}
		if (s->family || s->prefix_len || s->port_lo || s->port_hi ||
		    memchr_inv(s->addr, 0, sizeof(s->addr)))
			return fail(e, DAUDIT_PERR_SOURCE, i, -EINVAL,
				    "path source with network fields");
		if (!s->path_len || s->path_len >= PATH_MAX ||
		    s->path_off >= h->strings_len ||
		    s->path_len >= h->strings_len - s->path_off)
			return fail(e, DAUDIT_PERR_SOURCE, i, -EINVAL,
				    "path outside the string table");
		if (strings[s->path_off] != '/' ||
		    strings[s->path_off + s->path_len] != '\0' ||
		    memchr(strings + s->path_off, '\0', s->path_len))
			return fail(e, DAUDIT_PERR_SOURCE, i, -EINVAL,
				    "path not absolute or not terminated");
	}

	/* A dataset protects something; readers and apps protect nothing. */
	for (j = 0; j < h->n_datasets; j++) {
		for (i = 0; i < h->n_sources; i++)
			if (src[i].dataset == j && !is_program(src[i].type))
				break;
		if (i == h->n_sources)
			return fail(e, DAUDIT_PERR_DATASET, j, -EINVAL,
				    "dataset '%s' has no protected source",
				    ds[j].name);
	}
	return 0;
}

static int add_dev(struct daudit_policy *p, dev_t dev, u32 i, struct perr *e)
{
	u32 k;

	for (k = 0; k < p->n_devs; k++)
		if (p->devs[k] == dev)
			return 0;
	if (p->n_devs == DAUDIT_POLICY_MAX_DEVS)
		return fail(e, DAUDIT_PERR_SOURCE, i, -E2BIG,
			    "more than %u filesystems", DAUDIT_POLICY_MAX_DEVS);
	p->devs[p->n_devs++] = dev;
	return 0;
}

/*
 * Block device @dev holds protected data of @dataset (the first wins).
 * False when there is no room left.
 */
static bool add_raw(struct daudit_policy *p, dev_t dev, u16 dataset)
{
	u32 k;

	for (k = 0; k < p->n_raw; k++)
		if (p->raw[k].dev == dev)
			return true;
	if (p->n_raw == ARRAY_SIZE(p->raw))
		return false;
	p->raw[p->n_raw].dev = dev;
	p->raw[p->n_raw++].dataset = dataset;
	return true;
}

/* A DEVICE source: the block device node @path, read raw. */
static int resolve_device(struct daudit_policy *p,
			  const struct daudit_policy_source *s,
			  const char *path, u32 i, struct perr *e)
{
	struct path kp;
	dev_t rdev = 0;
	int ret;

	ret = kern_path(path, LOOKUP_FOLLOW, &kp);
	if (ret)
		return fail(e, DAUDIT_PERR_SOURCE, i, ret, "no such path: %s",
			    path);
	if (S_ISBLK(d_inode(kp.dentry)->i_mode))
		rdev = d_inode(kp.dentry)->i_rdev;
	path_put(&kp);
	if (!rdev)
		return fail(e, DAUDIT_PERR_SOURCE, i, -ENOTBLK,
			    "%s is not a block device", path);
	if (!add_raw(p, rdev, s->dataset))
		return fail(e, DAUDIT_PERR_SOURCE, i, -E2BIG,
			    "more than %u block devices",
			    DAUDIT_POLICY_MAX_RAW);
	return 0;
}

static int insert_obj(struct daudit_policy *p, const struct daudit_pobj *o,
		      u32 i, struct perr *e)
{
	u32 k = obj_hash(o->dev, o->ino) & p->obj_mask;

	for (;; k = (k + 1) & p->obj_mask) {
		struct daudit_pobj *slot = &p->objs[k];

		if (!slot->ino) {
			*slot = *o;
			return add_dev(p, o->dev, i, e);
		}
		if (slot->ino == o->ino && slot->dev == o->dev)
			return fail(e, DAUDIT_PERR_SOURCE, i, -EEXIST,
				    "same object as '%s'", slot->path);
	}
}

/* Resolve one path source to its inode and file it. */
static int resolve(struct daudit_policy *p, const struct daudit_policy_source *s,
		   const char *path, u32 i, struct perr *e)
{
	struct daudit_pobj o = {
		.dataset = s->dataset,
		.type = s->type,
		.path = path,
		.path_len = s->path_len,
	};
	bool linked = s->flags & DAUDIT_SRC_F_LINKED;
	struct path kp;
	struct inode *inode;
	int ret;

	/*
	 * A linked file is the loader's addition, taken from a scan of the
	 * tree that the tree may have changed since: one that is gone, is no
	 * longer a regular file or is already in the policy is skipped.
	 */
	ret = kern_path(path, linked ? 0 : LOOKUP_FOLLOW, &kp);
	if (ret && linked)
		return 0;
	if (ret)
		return fail(e, DAUDIT_PERR_SOURCE, i, ret, "no such path: %s",
			    path);
	inode = d_inode(kp.dentry);
	o.dev = inode->i_sb->s_dev;
	o.ino = inode->i_ino;
	if (linked && (!S_ISREG(inode->i_mode) ||
		       daudit_policy_find(p, o.dev, o.ino))) {
		path_put(&kp);
		return 0;
	}
	ret = 0;
	switch (s->type) {
	case DAUDIT_SRC_TREE:
		if (!S_ISDIR(inode->i_mode))
			ret = fail(e, DAUDIT_PERR_SOURCE, i, -ENOTDIR,
				   "tree %s is not a directory", path);
		break;
	case DAUDIT_SRC_FILE:
	case DAUDIT_SRC_READER:
	case DAUDIT_SRC_APP:
		if (!S_ISREG(inode->i_mode))
			ret = fail(e, DAUDIT_PERR_SOURCE, i, -EINVAL,
				   "%s is not a regular file", path);
		break;
	}
	if (!ret && !is_program(s->type) && inode->i_sb->s_bdev) {
		struct block_device *bdev = inode->i_sb->s_bdev;

		if (!add_raw(p, bdev->bd_dev, s->dataset) ||
		    !add_raw(p, bdev_whole(bdev)->bd_dev, s->dataset))
			ret = fail(e, DAUDIT_PERR_SOURCE, i, -E2BIG,
				   "more than %u block devices",
				   DAUDIT_POLICY_MAX_RAW);
	}
	path_put(&kp);
	if (ret)
		return ret;
	if (s->type == DAUDIT_SRC_READER) {
		p->readers[p->n_readers++] = o;
		return 0;
	}
	if (s->type == DAUDIT_SRC_APP) {
		p->apps[p->n_apps++] = o;
		return 0;
	}
	return insert_obj(p, &o, i, e);
}

static int build(struct daudit_policy *p, struct perr *e)
{
	const struct daudit_policy_header *h = p->blob;
	const struct daudit_policy_source *src;
	const char *strings;
	u32 i, n_objs = 0, n_readers = 0, n_apps = 0, n_nets = 0, n_unixes = 0;
	int ret;

	p->n_datasets = h->n_datasets;
	p->n_sources = h->n_sources;
	p->datasets = p->blob + sizeof(*h);
	src = (const void *)(p->datasets + h->n_datasets);
	strings = (const char *)(src + h->n_sources);

	for (i = 0; i < h->n_sources; i++) {
		switch (src[i].type) {
		case DAUDIT_SRC_READER:
			n_readers++;
			break;
		case DAUDIT_SRC_APP:
			n_apps++;
			break;
		case DAUDIT_SRC_TREE:
		case DAUDIT_SRC_FILE:
			n_objs++;
			break;
		case DAUDIT_SRC_UNIX:
			n_unixes++;
			break;
		case DAUDIT_SRC_DEVICE:
			break;
		default:
			n_nets++;
		}
	}
	p->obj_mask = roundup_pow_of_two(max(2 * n_objs, 16U)) - 1;
	p->objs = kvcalloc(p->obj_mask + 1, sizeof(*p->objs), GFP_KERNEL);
	p->readers = kcalloc(max(n_readers, 1U), sizeof(*p->readers),
			     GFP_KERNEL);
	p->apps = kcalloc(max(n_apps, 1U), sizeof(*p->apps), GFP_KERNEL);
	p->nets = kcalloc(max(n_nets, 1U), sizeof(*p->nets), GFP_KERNEL);
	p->unixes = kcalloc(max(n_unixes, 1U), sizeof(*p->unixes), GFP_KERNEL);
	if (!p->objs || !p->readers || !p->apps || !p->nets || !p->unixes)
		return fail(e, DAUDIT_PERR_HEADER, ~0U, -ENOMEM, "out of memory");

	for (i = 0; i < h->n_sources; i++) {
		const struct daudit_policy_source *s = &src[i];

		if (s->type == DAUDIT_SRC_UNIX) {
			/* A socket's server may start later: kept by path. */
			p->unixes[p->n_unixes++] = (struct daudit_punix) {
				.path = strings + s->path_off,
				.path_len = s->path_len,
				.dataset = s->dataset,
			};
			continue;
		}
		if (s->type == DAUDIT_SRC_TCP || s->type == DAUDIT_SRC_UDP) {
			struct daudit_pnet *n = &p->nets[p->n_nets++];

			memcpy(n->addr, s->addr, sizeof(n->addr));
			n->family = s->family;
			n->protocol = s->type == DAUDIT_SRC_TCP ? IPPROTO_TCP :
								  IPPROTO_UDP;
			n->prefix_len = s->prefix_len;
			n->port_lo = s->port_lo;
			n->port_hi = s->port_hi;
			n->dataset = s->dataset;
			continue;
		}
		if (s->type == DAUDIT_SRC_DEVICE)
			ret = resolve_device(p, s, strings + s->path_off, i, e);
		else
			ret = resolve(p, s, strings + s->path_off, i, e);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Check and install the policy at @ubuf.  Whatever the outcome, @nd and
 * @ns say how many datasets and sources it claimed (0 if unreadable).
 */
static int load(const void __user *ubuf, u32 len, struct perr *e,
		u32 *nd, u32 *ns)
{
	struct daudit_policy *p, *old;
	int ret;

	if (!len || len > DAUDIT_POLICY_MAX_SIZE)
		return fail(e, DAUDIT_PERR_HEADER, ~0U, -E2BIG,
			    "size %u out of range", len);
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	p->blob = kvmalloc(len, GFP_KERNEL);
	if (!p->blob) {
		kfree(p);
		return -ENOMEM;
	}
	p->blob_len = len;
	if (copy_from_user(p->blob, ubuf, len)) {
		ret = -EFAULT;
		goto out;
	}
	if (len >= sizeof(struct daudit_policy_header)) {
		*nd = ((struct daudit_policy_header *)p->blob)->n_datasets;
		*ns = ((struct daudit_policy_header *)p->blob)->n_sources;
	}

	mutex_lock(&policy_lock);
	ret = check_blob(p->blob, len, e);
	if (!ret)
		ret = build(p, e);
	if (!ret) {
		p->generation = next_generation++;
		p->loaded_ns = ktime_get_real_ns();
		old = daudit_fcache_swap_policy(p);
		/* Applications the new policy no longer names stop at once. */
		daudit_actor_policy_changed(p);
		if (old)
			call_rcu(&old->rcu, policy_free_rcu);
		p = NULL;
	}
	mutex_unlock(&policy_lock);
out:
	policy_free(p);
	return ret;
}

static u64 current_generation(void)
{
	struct daudit_policy *p;
	u64 gen;

	mutex_lock(&policy_lock);
	p = rcu_dereference_protected(daudit_cur_policy, lockdep_is_held(&policy_lock));
	gen = p ? p->generation : 0;
	mutex_unlock(&policy_lock);
	return gen;
}

/**
 * daudit_policy_load_user - DAUDIT_IOC_POLICY_LOAD.
 * @arg: user pointer to struct daudit_policy_load.
 *
 * Return: 0, or a negative errno with the reason written back to @arg.
 */
long daudit_policy_load_user(void __user *arg)
{
	struct daudit_policy_load req;
	struct perr e = { .kind = DAUDIT_PERR_NONE, .item = ~0U };
	u32 nd = 0, ns = 0;
	u64 gen;
	int ret;

	/* Every attempt is an event, however early it is refused. */
	if (copy_from_user(&req, arg, sizeof(req))) {
		daudit_emit_policy(current_generation(), EFAULT, 0, 0, 0);
		return -EFAULT;
	}
	if (req.reserved || !req.ptr)
		ret = fail(&e, DAUDIT_PERR_HEADER, ~0U, -EINVAL,
			   "%s", req.ptr ? "reserved field set" : "no policy pointer");
	else
		ret = load(u64_to_user_ptr(req.ptr), req.len, &e, &nd, &ns);
	gen = current_generation();
	daudit_emit_policy(gen, ret ? -ret : 0, nd, ns, req.len);
	req.err_kind = e.kind;
	req.err_item = e.item;
	req.generation = gen;
	strscpy_pad(req.err_msg, e.msg, sizeof(req.err_msg));
	if (copy_to_user(arg, &req, sizeof(req)))
		return -EFAULT;
	return ret;
}

/**
 * daudit_policy_get_user - DAUDIT_IOC_POLICY_GET.
 * @arg: user pointer to struct daudit_policy_get.
 *
 * Return: 0, -ENOSPC if the buffer is too small (len says how big), or
 * another negative errno.
 */
long daudit_policy_get_user(void __user *arg)
{
	struct daudit_policy_get req;
	struct daudit_policy *p;
	long ret = 0;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.reserved)
		return -EINVAL;
	mutex_lock(&policy_lock);
	p = rcu_dereference_protected(daudit_cur_policy, lockdep_is_held(&policy_lock));
	if (!p) {
		req.len = 0;
		req.generation = 0;
		req.loaded_ns = 0;
	} else {
		if (req.ptr && req.len < p->blob_len)
			ret = -ENOSPC;
		else if (req.ptr && copy_to_user(u64_to_user_ptr(req.ptr),
						 p->blob, p->blob_len))
			ret = -EFAULT;
		req.len = p->blob_len;
		req.generation = p->generation;
		req.loaded_ns = p->loaded_ns;
	}
	mutex_unlock(&policy_lock);
	if (ret != -EFAULT && copy_to_user(arg, &req, sizeof(req)))
		ret = -EFAULT;
	return ret;
}

/**
 * daudit_policy_stats - the policy part of DAUDIT_IOC_STATS.
 * @st: filled in.
 */
void daudit_policy_stats(struct daudit_stats *st)
{
	struct daudit_policy *p;

	rcu_read_lock();
	p = daudit_policy_current();
	if (p) {
		st->policy_generation = p->generation;
		st->policy_datasets = p->n_datasets;
		st->policy_sources = p->n_sources;
	}
	rcu_read_unlock();
}

int daudit_policy_init(void)
{
	return 0;
}

void daudit_policy_exit(void)
{
	struct daudit_policy *p;

	p = daudit_fcache_swap_policy(NULL);
	synchronize_rcu();
	policy_free(p);
}
