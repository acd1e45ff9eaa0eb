// SPDX-License-Identifier: GPL-2.0
/*
 * The binary policy into the protected map.  The kernel module resolves
 * each path to its object at load; here stat(2) does, and the map holds
 * (dev, ino) in the kernel's encoding.  The map has two slots: the new
 * policy is written into the one not in use, then policy_gen flips the
 * programs over to it in one store, then the old slot is emptied, so a
 * read is never classified against half a policy.
 */
#include <errno.h>
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

/* Remove every entry of @slot; returns how many remain in the other. */
static uint32_t empty_slot(int fd, uint32_t slot)
{
	struct sensor_obj_key key, next, *prev = NULL;
	struct sensor_obj_key *gone = NULL;
	size_t n = 0, cap = 0, i;
	uint32_t kept = 0;

	while (!bpf_map_get_next_key(fd, prev, &next)) {
		if (next.slot == slot) {
			if (n == cap) {
				cap = cap ? 2 * cap : 256;
				gone = util_xrealloc(gone, cap * sizeof(*gone));
			}
			gone[n++] = next;
		} else {
			kept++;
		}
		key = next;
		prev = &key;
	}
	for (i = 0; i < n; i++)
		bpf_map_delete_elem(fd, &gone[i]);
	free(gone);
	return kept;
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
	uint32_t slot = (uint32_t)((s->generation + 1) & 1), i, objects = 0;
	struct policy_decode_error de;
	struct policy p;
	int e = 0;

	*skipped = 0;
	if (policy_decode(&p, blob, len, &de) < 0) {
		snprintf(err, errlen, "%s", de.msg);
		policy_record(s, EINVAL, 0, 0, len);
		return -1;
	}
	/* Left over from a load that failed half-way. */
	empty_slot(fd, slot);
	for (i = 0; i < p.n_sources; i++) {
		const struct policy_source *src = &p.sources[i];
		struct sensor_obj_key key;
		struct sensor_obj obj;
		struct stat st;

		if (src->type != DAUDIT_SRC_TREE && src->type != DAUDIT_SRC_FILE) {
			if (src->type != DAUDIT_SRC_READER &&
			    src->type != DAUDIT_SRC_APP)
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
		empty_slot(fd, slot);
		policy_record(s, (uint32_t)e, p.n_datasets, p.n_sources, len);
		policy_free(&p);
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
	/* The switch: every cached verdict is now stale. */
	__atomic_store_n(&s->skel->bss->policy_gen, s->generation,
			 __ATOMIC_SEQ_CST);
	empty_slot(fd, slot ^ 1);
	policy_record(s, 0, p.n_datasets, p.n_sources, len);
	policy_free(&p);
	return 0;
}
