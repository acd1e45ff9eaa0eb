// SPDX-License-Identifier: GPL-2.0
/*
 * The binary policy into the protected map.  The kernel module resolves
 * each path to its object at load; here stat(2) does, and the map holds
 * (dev, ino) in the kernel's encoding.  The map has two slots: the new
 * policy is written into the one not in use, then policy_gen flips the
 * programs over to it in one store, then the old slot is emptied, so a
 * read is never classified against half a policy.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "daudit.bpf.skel.h"
#include "policy.h"
#include "sensor_int.h"
#include "util.h"

#include "../../bpf/sensor.h"

/* st_dev as the kernel's super_block.s_dev (MKDEV: 12 bits of major). */
static uint64_t kernel_dev(dev_t d)
{
	return ((uint64_t)major(d) << 20) | minor(d);
}

/*
 * Remove every entry of @slot from a map whose keys (@ksize bytes) have
 * their slot at @slot_off (protected, unixes); returns how many remain
 * in the other.
 */
static uint32_t empty_slot(int fd, size_t ksize, size_t slot_off, uint32_t slot)
{
	unsigned char *key = util_xcalloc(2, ksize), *next = key + ksize;
	unsigned char *gone = NULL;
	void *prev = NULL;
	size_t n = 0, cap = 0, i;
	uint32_t kept = 0, s;

	while (!bpf_map_get_next_key(fd, prev, next)) {
		memcpy(&s, next + slot_off, sizeof(s));
		if (s == slot) {
			if (n == cap) {
				cap = cap ? 2 * cap : 256;
				gone = util_xrealloc(gone, cap * ksize);
			}
			memcpy(gone + n++ * ksize, next, ksize);
		} else {
			kept++;
		}
		memcpy(key, next, ksize);
		prev = key;
	}
	for (i = 0; i < n; i++)
		bpf_map_delete_elem(fd, gone + i * ksize);
	free(gone);
	free(key);
	return kept;
}

/* The maps keyed by slot, emptied of @slot. */
static void empty_slots(struct sensor *s, uint32_t slot)
{
	empty_slot(bpf_map__fd(s->skel->maps.protected), sizeof(struct sensor_obj_key),
		   offsetof(struct sensor_obj_key, slot), slot);
	empty_slot(bpf_map__fd(s->skel->maps.unixes), sizeof(struct sensor_unix_key),
		   offsetof(struct sensor_unix_key, slot), slot);
	empty_slot(bpf_map__fd(s->skel->maps.readers), sizeof(struct sensor_reader_key),
		   offsetof(struct sensor_reader_key, slot), slot);
}

/* A trusted reader of a dataset: its executable's inode, in @slot. */
static int add_reader(struct sensor *s, const struct policy_source *src,
		      uint32_t slot, char *err, size_t errlen)
{
	struct sensor_reader_key key;
	struct stat st;
	uint32_t one = 1;

	if (stat(src->path, &st) < 0) {
		snprintf(err, errlen, "reader %s: %s", src->path, strerror(errno));
		return errno;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "reader %s: not a regular file", src->path);
		return EINVAL;
	}
	memset(&key, 0, sizeof(key));
	key.dev = kernel_dev(st.st_dev);
	key.ino = st.st_ino;
	key.dataset = src->dataset;
	key.slot = slot;
	if (bpf_map_update_elem(bpf_map__fd(s->skel->maps.readers), &key, &one,
				BPF_ANY) < 0) {
		snprintf(err, errlen, "reader %s: cannot add to the sensor's map: %s",
			 src->path, strerror(errno));
		return errno;
	}
	return 0;
}

/* A unix source: the path its server binds, as the module matches it. */
static int add_unix(struct sensor *s, const struct policy_source *src,
		    uint32_t slot, char *err, size_t errlen)
{
	struct sensor_unix_key key;
	struct sensor_obj obj = { .type = DAUDIT_SRC_UNIX, .dataset = src->dataset };

	memset(&key, 0, sizeof(key));
	key.slot = slot;
	if (src->path_len > SENSOR_UNIX_PATH) {
		snprintf(err, errlen, "unix %s: longer than a socket path", src->path);
		return EINVAL;
	}
	memcpy(key.path, src->path, src->path_len);
	/* The same path twice: the first source wins, as in the module. */
	if (bpf_map_update_elem(bpf_map__fd(s->skel->maps.unixes), &key, &obj,
				BPF_NOEXIST) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "unix %s: cannot add to the sensor's map: %s",
			 src->path, strerror(errno));
		return errno;
	}
	return 0;
}

/* A TCP or UDP source: entry @i of @slot in nets, in the policy's order. */
static int add_net(struct sensor *s, const struct policy_source *src,
		   uint32_t slot, uint32_t i, char *err, size_t errlen)
{
	struct sensor_net n;
	uint32_t key = slot * SENSOR_MAX_NETS + i, bits = src->prefix_len, w;

	if (i >= SENSOR_MAX_NETS) {
		snprintf(err, errlen, "more than %d tcp and udp sources",
			 SENSOR_MAX_NETS);
		return E2BIG;
	}
	memset(&n, 0, sizeof(n));
	for (w = 0; w < 4; w++) {
		uint32_t b = bits > 32 * w ? bits - 32 * w : 0;
		uint32_t host = b >= 32 ? 0xffffffffu : b ? ~(0xffffffffu >> b) : 0;
		uint32_t a;

		n.mask[w] = htonl(host);
		memcpy(&a, src->addr + 4 * w, sizeof(a));
		n.addr[w] = a & n.mask[w];
	}
	n.family = src->family;
	n.protocol = src->type == DAUDIT_SRC_TCP ? IPPROTO_TCP : IPPROTO_UDP;
	n.port_lo = src->port_lo;
	n.port_hi = src->port_hi;
	n.dataset = src->dataset;
	if (bpf_map_update_elem(bpf_map__fd(s->skel->maps.nets), &key, &n, BPF_ANY) < 0) {
		snprintf(err, errlen, "cannot add a %s source to the sensor's map: %s",
			 policy_source_kind(src->type), strerror(errno));
		return errno;
	}
	return 0;
}

static void policy_record(struct sensor *s, uint32_t result, uint32_t datasets,
			  uint32_t sources, size_t len)
{
	struct daudit_rec_policy *r;

	r = sensor_rec_new(s, sizeof(*r), DAUDIT_REC_POLICY, 0, 0);
	sensor_self_subject(&r->subj);
	r->generation = s->generation;
	r->result = result;
	r->n_datasets = datasets;
	r->n_sources = sources;
	r->size = (uint32_t)len;
}

int sensor_policy(struct sensor *s, const void *blob, size_t len,
		  unsigned int *skipped, char *err, size_t errlen)
{
	int fd = bpf_map__fd(s->skel->maps.protected);
	uint32_t slot = (uint32_t)((s->generation + 1) & 1), i, objects = 0, nnets = 0;
	uint32_t nreaders = 0;
	struct policy_decode_error de;
	uint64_t (*apps)[2] = NULL;
	size_t n_apps = 0;
	struct policy p;
	int e = 0;

	*skipped = 0;
	if (policy_decode(&p, blob, len, &de) < 0) {
		snprintf(err, errlen, "%s", de.msg);
		policy_record(s, EINVAL, 0, 0, len);
		return -1;
	}
	/* Left over from a load that failed half-way. */
	empty_slots(s, slot);
	for (i = 0; i < p.n_sources; i++) {
		const struct policy_source *src = &p.sources[i];
		struct sensor_obj_key key;
		struct sensor_obj obj;
		struct stat st;

		if (src->type == DAUDIT_SRC_UNIX) {
			if ((e = add_unix(s, src, slot, err, errlen)))
				break;
			objects++;
			continue;
		}
		if (src->type == DAUDIT_SRC_TCP || src->type == DAUDIT_SRC_UDP) {
			if ((e = add_net(s, src, slot, nnets++, err, errlen)))
				break;
			objects++;
			continue;
		}
		if (src->type == DAUDIT_SRC_APP) {
			/* Resolved to its inode now, as the module does. */
			if (stat(src->path, &st) < 0) {
				e = errno;
				snprintf(err, errlen, "app %s: %s", src->path,
					 strerror(errno));
				break;
			}
			if (!S_ISREG(st.st_mode)) {
				e = EINVAL;
				snprintf(err, errlen, "app %s: not a regular file",
					 src->path);
				break;
			}
			apps = util_xrealloc(apps, (n_apps + 1) * sizeof(*apps));
			apps[n_apps][0] = (uint64_t)st.st_dev;
			apps[n_apps][1] = (uint64_t)st.st_ino;
			n_apps++;
			continue;
		}
		if (src->type == DAUDIT_SRC_READER) {
			if ((e = add_reader(s, src, slot, err, errlen)))
				break;
			nreaders++;
			continue;
		}
		if (src->type != DAUDIT_SRC_TREE && src->type != DAUDIT_SRC_FILE) {
			(*skipped)++;
			continue;
		}
		if (stat(src->path, &st) < 0 ||
		    (src->type == DAUDIT_SRC_TREE && !S_ISDIR(st.st_mode)) ||
		    (src->type == DAUDIT_SRC_FILE && S_ISDIR(st.st_mode))) {
			/* As the module: a linked file gone is skipped. */
			if (src->flags & DAUDIT_SRC_F_LINKED)
				continue;
			e = errno ? errno : ENOTDIR;
			snprintf(err, errlen, "%s %s: %s",
				 policy_source_kind(src->type), src->path,
				 errno ? strerror(errno) :
				 src->type == DAUDIT_SRC_TREE ? "not a directory" :
				 "a directory");
			break;
		}
		memset(&key, 0, sizeof(key));
		key.dev = kernel_dev(st.st_dev);
		key.ino = st.st_ino;
		key.slot = slot;
		obj.type = src->type == DAUDIT_SRC_TREE ? SENSOR_OBJ_TREE :
			   SENSOR_OBJ_FILE;
		obj.dataset = src->dataset;
		if (bpf_map_update_elem(fd, &key, &obj, BPF_NOEXIST) < 0) {
			if (errno == EEXIST)
				continue;
			e = errno;
			snprintf(err, errlen, "%s %s: cannot add to the sensor's map: %s",
				 policy_source_kind(src->type), src->path,
				 strerror(errno));
			break;
		}
		objects++;
	}
	if (e) {
		empty_slots(s, slot);
		policy_record(s, (uint32_t)e, p.n_datasets, p.n_sources, len);
		policy_free(&p);
		free(apps);
		return -1;
	}

	free(s->datasets);
	s->datasets = util_xcalloc(p.n_datasets ? p.n_datasets : 1,
				   sizeof(*s->datasets));
	for (i = 0; i < p.n_datasets; i++)
		memcpy(s->datasets[i], p.datasets[i].name, DAUDIT_NAME_MAX);
	s->n_datasets = p.n_datasets;
	s->n_sources = p.n_sources;
	s->n_objects = objects;
	s->generation++;
	s->skel->bss->n_nets[slot] = nnets;
	s->skel->bss->n_readers[slot] = nreaders;
	/* The switch: every cached verdict is now stale. */
	__atomic_store_n(&s->skel->bss->policy_gen, s->generation,
			 __ATOMIC_SEQ_CST);
	empty_slots(s, slot ^ 1);
	/* Registrations of executables it no longer names end now. */
	sensor_actor_apps(s, (const uint64_t (*)[2])apps, n_apps);
	free(apps);
	policy_record(s, 0, p.n_datasets, p.n_sources, len);
	policy_free(&p);
	return 0;
}
