/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The path of a dentry in a mount, walked up to the root of the mount tree
 * for a record, into a per-CPU scratch event.
 */
#ifndef DAUDIT_BPF_PATH_H
#define DAUDIT_BPF_PATH_H

static __always_inline struct vfsmount *mount_vfs(struct mount *m)
{
	return (void *)m + bpf_core_field_offset(struct mount, mnt);
}

static __always_inline struct mount *vfs_mount(struct vfsmount *v)
{
	return (void *)v - bpf_core_field_offset(struct mount, mnt);
}

/*
 * The scratch event whose path fill_path() writes: a file event of slot
 * PATH_OF_FILE + SCRATCH_*, or the process event.
 */
#define PATH_OF_FILE	0
#define PATH_OF_PROC	SCRATCH_SLOTS

static __always_inline struct sensor_path *scratch_path(__u32 which)
{
	struct sensor_file_ev *fev;
	struct sensor_proc_ev *pev;
	__u32 zero = 0;

	if (which < PATH_OF_PROC) {
		fev = bpf_map_lookup_elem(&file_scratch, &which);
		if (!fev)
			return NULL;
		/* Not before the NULL check (the verifier refuses that). */
		asm volatile("" : "+r"(fev));
		return &fev->path;
	}
	pev = bpf_map_lookup_elem(&proc_scratch, &zero);
	if (!pev)
		return NULL;
	asm volatile("" : "+r"(pev));
	return &pev->path;
}

struct walk {
	struct dentry *d;
	struct vfsmount *vmnt;
	struct mount *mnt;
	__u32 which;
	__u32 off;
	__u32 n;
	__u32 done;
};

/* One step up (bpf_loop's callback): 0 goes on, 1 stops. */
static long walk_step(__u32 i, struct walk *w)
{
	struct dentry *d = w->d;
	struct vfsmount *vmnt = w->vmnt;
	struct mount *mnt = w->mnt;
	struct dentry *parent = BPF_CORE_READ(d, d_parent);
	struct dentry *root = BPF_CORE_READ(vmnt, mnt_root);
	struct sensor_path *out;
	__u32 off = w->off;
	long len;

	if (d == root || d == parent) {
		struct mount *up = BPF_CORE_READ(mnt, mnt_parent);

		if (up == mnt || !up) {
			w->done = 1;
			return 1;
		}
		w->d = BPF_CORE_READ(mnt, mnt_mountpoint);
		w->mnt = up;
		w->vmnt = mount_vfs(up);
		return 0;
	}
	out = scratch_path(w->which);
	if (!out || off >= SENSOR_NAMES_MAX)
		return 1;
	len = bpf_probe_read_kernel_str(out->names + (off & (SENSOR_NAMES_MAX - 1)),
					SENSOR_NAME_MAX, BPF_CORE_READ(d, d_name.name));
	if (len <= 0)
		return 1;
	w->off = off + len;
	w->n++;
	w->d = parent;
	return 0;
}

/*
 * Path components of (@dentry, @vfsmount) up to the root of the mount
 * tree, leaf first, into the path of this CPU's scratch event @which:
 * at most SENSOR_PATH_DEPTH steps (bpf_loop: the verifier checks a step
 * once).  Returns the bytes used.
 */
__noinline int fill_path(__u64 dentry, __u64 vfsmount, __u32 which)
{
	struct walk w = {
		.d = (void *)dentry,
		.vmnt = (void *)vfsmount,
		.mnt = vfs_mount((void *)vfsmount),
		.which = which,
	};
	struct sensor_path *out;

	bpf_loop(SENSOR_PATH_DEPTH, walk_step, &w, 0);
	out = scratch_path(which);
	if (!out)
		return 0;
	if (!w.done)
		count(SENSOR_C_PATH_CUT, 1);
	if (w.off > SENSOR_NAMES_MAX + SENSOR_NAME_MAX)
		w.off = SENSOR_NAMES_MAX + SENSOR_NAME_MAX;
	out->names_len = w.off;
	out->ncomp = w.n;
	out->cut = !w.done;
	return w.off;
}

/* @v, at most @max, in a way the verifier sees (the compiler may not drop it). */
static __always_inline __u64 at_most(__u64 v, __u64 max)
{
	asm volatile("" : "+r"(v));
	if (v > max)
		v = max;
	asm volatile("" : "+r"(v));
	return v;
}

#endif
