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

/*
 * @in_n cloned into @out_n: if @in_n is a protected file, protect the
 * clone as a file of its dataset in this policy's slot, and say yes.  A
 * global function of its own, so that its frame is not added to
 * read_by()'s (the stack of a program and its calls is 512 bytes).
 */
__noinline int clone_protect(__u64 in_n, __u64 out_n)
{
	struct file *in = (void *)in_n, *out = (void *)out_n;
	struct sensor_obj_key key = {};
	struct sensor_obj obj = { .type = SENSOR_OBJ_FILE };
	struct inode *inode;
	__u64 gen = policy_gen;
	__u32 ds;

	if (!in || !out || !gen || is_sock(in))
		return 0;
	ds = verdict(in);
	if (!ds)
		return 0;
	inode = BPF_CORE_READ(out, f_inode);
	key.dev = BPF_CORE_READ(inode, i_sb, s_dev);
	key.ino = BPF_CORE_READ(inode, i_ino);
	key.slot = gen & 1;
	obj.dataset = ds - 1;
	if (bpf_map_update_elem(&protected, &key, &obj, BPF_NOEXIST) == -E2BIG)
		count(SENSOR_C_CLONES_FULL, 1);
	/* Its open file was judged before: judged again at its next read. */
	bpf_map_delete_elem(&verdicts, &out_n);
	return 1;
}

/* vfs_clone_file_range(file_in, pos_in, file_out, pos_out, len, remap_flags) */
SEC("fexit/vfs_clone_file_range")
int BPF_PROG(reflink, struct file *in, long long pos_in, struct file *out,
	     long long pos_out, long long len, unsigned int flags, long long ret)
{
	__u64 in_n = 0, out_n = 0;

	if (ret <= 0)
		return 0;
	/* As numbers for the global functions (the verifier types them pointers). */
	bpf_probe_read_kernel(&in_n, sizeof(in_n), &in);
	bpf_probe_read_kernel(&out_n, sizeof(out_n), &out);
	if (!clone_protect(in_n, out_n))
		return 0;
	return read_by(bpf_get_current_task(), in_n, ret, DAUDIT_PATH_REFLINK, pos_in);
}

#endif
