// SPDX-License-Identifier: GPL-2.0
/*
 * Block devices below the protected file systems.
 *
 * The kernel counts a raw read of the device a protected file system is
 * mounted from, and of its whole disk.  When that device is a device
 * mapper (LVM, dm-crypt) or md device, its members hold the same data:
 * reading /dev/sda2 under an LVM volume reads the volume's blocks.  The
 * kernel lists a device's members in sysfs (/sys/dev/block/M:m/slaves,
 * linked by the drivers through bd_link_disk_holder()), so whoever loads
 * a policy adds each member, and the whole disk of a member that is a
 * partition, as a DEVICE source of the dataset, by its node in /dev.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "policy_int.h"

#define MEMBERS_DEPTH	8	/* dm on md on dm ... */

struct found {
	dev_t *v;
	size_t n, cap;
};

static bool found_has(const struct found *f, dev_t d)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (f->v[i] == d)
			return true;
	return false;
}

static void found_add(struct found *f, dev_t d)
{
	if (f->n == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 16;
		f->v = util_xrealloc(f->v, f->cap * sizeof(*f->v));
	}
	f->v[f->n++] = d;
}

/* The first line of a sysfs file, without its newline; false if none. */
static bool read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	bool ok;

	if (!f)
		return false;
	ok = fgets(buf, len, f) != NULL;
	fclose(f);
	if (ok)
		buf[strcspn(buf, "\n")] = 0;
	return ok;
}

/* The device number sysfs gives block device @name ("sda2"), or 0. */
static dev_t dev_of(const char *name)
{
	char path[PATH_MAX], line[64];
	unsigned int ma, mi;

	snprintf(path, sizeof(path), "/sys/class/block/%s/dev", name);
	if (!read_line(path, line, sizeof(line)) ||
	    sscanf(line, "%u:%u", &ma, &mi) != 2)
		return 0;
	return makedev(ma, mi);
}

/* The disk a partition @name belongs to, or 0 if it is not one. */
static dev_t whole_of(const char *name)
{
	char path[PATH_MAX], real[PATH_MAX], *slash;

	snprintf(path, sizeof(path), "/sys/class/block/%s/partition", name);
	if (access(path, F_OK))
		return 0;
	snprintf(path, sizeof(path), "/sys/class/block/%s/..", name);
	if (!realpath(path, real))
		return 0;
	slash = strrchr(real, '/');
	return slash ? dev_of(slash + 1) : 0;
}

/* Every member of @dev, at any depth, and the disks of partitions. */
static void members(dev_t dev, unsigned int depth, struct found *f)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d;

	if (depth == MEMBERS_DEPTH)
		return;
	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/slaves",
		 major(dev), minor(dev));
	d = opendir(path);
	if (!d)
		return;
	while ((e = readdir(d))) {
		dev_t m, w;

		if (e->d_name[0] == '.')
			continue;
		m = dev_of(e->d_name);
		if (!m || found_has(f, m))
			continue;
		found_add(f, m);
		w = whole_of(e->d_name);
		if (w && !found_has(f, w))
			found_add(f, w);
		members(m, depth + 1, f);
	}
	closedir(d);
}

/* "/dev/NAME" for block device @dev, if that node is it; else NULL. */
static char *node_of(dev_t dev)
{
	char path[PATH_MAX], line[PATH_MAX], *node;
	struct stat st;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/uevent", major(dev),
		 minor(dev));
	f = fopen(path, "re");
	if (!f)
		return NULL;
	node = NULL;
	while (!node && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (strncmp(line, "DEVNAME=", 8))
			continue;
		if (asprintf(&node, "/dev/%s", line + 8) < 0)
			util_die(EXIT_FAIL, "out of memory");
	}
	fclose(f);
	if (node && (stat(node, &st) || !S_ISBLK(st.st_mode) ||
		     st.st_rdev != dev)) {
		free(node);
		node = NULL;
	}
	return node;
}

void policy_add_devices(struct policy *p, struct policy_devices *out)
{
	uint32_t i, n = p->n_sources;
	struct found have = { 0 };
	struct stat st;

	memset(out, 0, sizeof(*out));
	/* Devices the policy names already. */
	for (i = 0; i < n; i++)
		if (p->sources[i].type == DAUDIT_SRC_DEVICE &&
		    !stat(p->sources[i].path, &st) && S_ISBLK(st.st_mode))
			found_add(&have, st.st_rdev);
	for (i = 0; i < n; i++) {
		const struct policy_source *s = &p->sources[i];
		struct found below = { 0 };
		size_t k;

		if ((s->type != DAUDIT_SRC_TREE && s->type != DAUDIT_SRC_FILE) ||
		    stat(s->path, &st) || !major(st.st_dev))
			continue;
		members(st.st_dev, 0, &below);
		for (k = 0; k < below.n; k++) {
			struct policy_source d = { 0 };

			if (found_has(&have, below.v[k]))
				continue;
			found_add(&have, below.v[k]);
			d.path = node_of(below.v[k]);
			if (!d.path) {
				out->no_node++;
				continue;
			}
			d.type = DAUDIT_SRC_DEVICE;
			d.dataset = s->dataset;
			d.line = s->line;
			d.path_len = strlen(d.path);
			add_source(p, &d);
			out->added++;
		}
		free(below.v);
	}
	free(have.v);
}
