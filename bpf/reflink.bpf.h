/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reflinks: FICLONE and FICLONERANGE (xfs, btrfs) share a protected
 * file's extents with another file without reading a byte.  As the
 * module's hook_vfs.c: once vfs_clone_file_range() returned the bytes
 * cloned, they are a copy taken by the caller, counted as a read of the
 * source (read path "reflink"); and the clone is protected as a file of
 * the source's dataset for the policy's life (its slot of the map
 * protected), so that its own reads are recorded too, under the clone's
 * path.
 */
#ifndef DAUDIT_BPF_REFLINK_H
#define DAUDIT_BPF_REFLINK_H

/* vfs_clone_file_range(file_in, pos_in, file_out, pos_out, len, remap_flags) */
SEC("fexit/vfs_clone_file_range")
int BPF_PROG(reflink, struct file *in, long long pos_in, struct file *out,
	     long long pos_out, long long len, unsigned int flags, long long ret)
{
	struct sensor_obj_key key = {};
	struct sensor_obj obj = { .type = SENSOR_OBJ_FILE };
	struct inode *inode;
	__u64 gen = policy_gen, fkey = (__u64)out;
	__u32 ds;

	if (ret <= 0 || !gen || is_sock(in))
		return 0;
	ds = verdict(in);
	if (!ds)
		return 0;
	read_by(bpf_get_current_task(), (__u64)in, ret, DAUDIT_PATH_REFLINK, pos_in);
	inode = BPF_CORE_READ(out, f_inode);
	key.dev = BPF_CORE_READ(inode, i_sb, s_dev);
	key.ino = BPF_CORE_READ(inode, i_ino);
	key.slot = gen & 1;
	obj.dataset = ds - 1;
	if (bpf_map_update_elem(&protected, &key, &obj, BPF_NOEXIST) == -E2BIG)
		count(SENSOR_C_CLONES_FULL, 1);
	/* Its open file was judged before: judged again at its next read. */
	bpf_map_delete_elem(&verdicts, &fkey);
	return 0;
}

#endif
