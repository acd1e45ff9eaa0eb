/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The policy in force: protected objects by inode identity, trusted
 * readers, and the superblocks they live on.  Replaced as a whole under
 * RCU; hooks only read it.
 */
#ifndef _DAUDIT_POLICY_H
#define _DAUDIT_POLICY_H

#include <linux/rcupdate.h>
#include <linux/types.h>
#include "uapi/daudit.h"

#define DAUDIT_POLICY_MAX_DEVS	64
#define DAUDIT_POLICY_MAX_RAW	256

/* A resolved source: an object on a filesystem, found by (dev, ino). */
struct daudit_pobj {
	u64 ino;
	dev_t dev;
	u16 dataset;
	u16 type;		/* enum daudit_source_type */
	const char *path;	/* the policy's spelling, NUL-terminated */
	u32 path_len;
};

/* A protected network endpoint: address/prefix and port range. */
struct daudit_pnet {
	u8 addr[16];
	u16 family;
	u8 protocol;		/* IPPROTO_TCP or IPPROTO_UDP */
	u8 prefix_len;
	u16 port_lo;
	u16 port_hi;
	u16 dataset;
};

/* A protected unix socket, by the path its server is bound to. */
struct daudit_punix {
	const char *path;
	u32 path_len;
	u16 dataset;
};

struct daudit_policy {
	struct rcu_head rcu;
	u64 generation;
	u64 loaded_ns;
	void *blob;		/* the binary policy as loaded */
	u32 blob_len;
	u32 n_datasets;
	u32 n_sources;
	const struct daudit_policy_dataset *datasets;	/* in blob */
	/* TREE and FILE objects, open addressing on (dev, ino). */
	struct daudit_pobj *objs;
	u32 obj_mask;
	/* Trusted readers: few, checked once per session. */
	struct daudit_pobj *readers;
	u32 n_readers;
	/* Applications that may declare actors (actor.c). */
	struct daudit_pobj *apps;
	u32 n_apps;
	/* Protected sockets. */
	struct daudit_pnet *nets;
	u32 n_nets;
	struct daudit_punix *unixes;
	u32 n_unixes;
	/* Superblocks holding any protected object: the first filter. */
	u32 n_devs;
	dev_t devs[DAUDIT_POLICY_MAX_DEVS];
	/*
	 * Block devices under those superblocks, the partition and its whole
	 * disk, and DEVICE sources (the members of a device mapper or md
	 * device below one): reading one raw reads the protected data on it.
	 */
	u32 n_raw;
	struct daudit_praw {
		dev_t dev;
		u16 dataset;	/* the first dataset with an object there */
	} raw[DAUDIT_POLICY_MAX_RAW];
};

int daudit_policy_init(void);
void daudit_policy_exit(void);

extern struct daudit_policy __rcu *daudit_cur_policy;

/*
 * The policy in force, or NULL.  Caller holds rcu_read_lock() or runs with
 * preemption disabled (a tracepoint probe).
 */
static inline struct daudit_policy *daudit_policy_current(void)
{
	return rcu_dereference_check(daudit_cur_policy,
				     rcu_read_lock_any_held());
}

/* Is any protected object on the filesystem of @dev? */
static inline bool daudit_policy_has_dev(const struct daudit_policy *p,
					 dev_t dev)
{
	u32 i;

	for (i = 0; i < p->n_devs; i++)
		if (p->devs[i] == dev)
			return true;
	return false;
}

/* The dataset on block device @rdev (a raw read of it), or -1. */
static inline int daudit_policy_raw(const struct daudit_policy *p, dev_t rdev)
{
	u32 i;

	for (i = 0; i < p->n_raw; i++)
		if (p->raw[i].dev == rdev)
			return p->raw[i].dataset;
	return -1;
}

const struct daudit_pobj *daudit_policy_find(const struct daudit_policy *p,
					     dev_t dev, u64 ino);
const struct daudit_pobj *daudit_policy_tree_on(const struct daudit_policy *p,
					       dev_t dev);
bool daudit_policy_trusted(const struct daudit_policy *p, u16 dataset,
			   dev_t exe_dev, u64 exe_ino);
bool daudit_policy_app(const struct daudit_policy *p, dev_t exe_dev,
		       u64 exe_ino);
/* The dataset of a peer endpoint, or -1.  @addr in network order. */
int daudit_policy_match_net(const struct daudit_policy *p, u8 protocol,
			    u16 family, const u8 *addr, u16 port);
/* The dataset of a unix socket bound to @path, or -1. */
int daudit_policy_match_unix(const struct daudit_policy *p, const char *path,
			     u32 len);
const char *daudit_policy_dataset_name(const struct daudit_policy *p,
				       u16 dataset);
/* Index of the dataset called @name, or -1. */
int daudit_policy_dataset_index(const struct daudit_policy *p,
				const char *name);

long daudit_policy_load_user(void __user *arg);
long daudit_policy_get_user(void __user *arg);
void daudit_policy_stats(struct daudit_stats *st);

#endif /* _DAUDIT_POLICY_H */
