/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A descriptor swapped under a read.  The system call programs
 * (syscalls.bpf.h) find the file by its number when the call returns.  In
 * a descriptor table that threads share, one thread can replace number N
 * (dup2() of /dev/null over it, close() and a new open, close_range(),
 * io_uring's CLOSE, a seccomp supervisor's SETFD) while another is still
 * reading the protected file N named: the read holds its own reference,
 * reads the protected file to the end, and at its return N names the
 * other file.  The module closes that with records of swaps and claims
 * (module/hook_fdswap.c).
 *
 * This sensor takes the file where the kernel reads it, with the file as
 * an argument: vfs_read() (read, pread64), vfs_readv() (readv, preadv,
 * preadv2), do_splice() (splice), vfs_copy_file_range()
 * (copy_file_range), do_splice_direct() and splice_file_to_pipe()
 * (sendfile), sock_recvmsg() (recvfrom, recvmsg, recvmmsg).  When that
 * file is protected, it is kept for the thread (task storage) until its
 * system call returns, and on_read() counts the read for it, whatever
 * the number names then; if the number names another file by then, the
 * read carries read path DAUDIT_PATH_FD_SWAPPED, as the module's.  Only
 * inside the system calls above (the thread's saved registers name it):
 * exec's own vfs_read(), io_uring's and a copy's inner calls are not
 * theirs.  The first file a call reads is the one it was given.
 */
#ifndef DAUDIT_BPF_FDSWAP_H
#define DAUDIT_BPF_FDSWAP_H

/* x86-64 system call numbers. */
#define NR_read			0
#define NR_pread64		17
#define NR_readv		19
#define NR_sendfile		40
#define NR_recvfrom		45
#define NR_recvmsg		47
#define NR_splice		275
#define NR_preadv		295
#define NR_recvmmsg		299
#define NR_copy_file_range	326
#define NR_preadv2		327
/* ia32 (a 32-bit process): none of them names a call of the functions below. */
#define NR32_read		3
#define NR32_readv		145
#define NR32_pread64		180
#define NR32_sendfile		187
#define NR32_sendfile64		239
#define NR32_splice		313
#define NR32_preadv		333
#define NR32_recvfrom		371
#define NR32_recvmsg		372
#define NR32_copy_file_range	377
#define NR32_preadv2		378

/* The system call the current thread is in. */
static __always_inline long current_nr(void)
{
	struct pt_regs *regs = (void *)bpf_task_pt_regs(bpf_get_current_task_btf());

	return (long)BPF_CORE_READ(regs, orig_ax);
}

/* @file is what the current thread's read system call reads: kept if protected. */
static __always_inline void reading(struct file *file)
{
	struct sensor_inread *r;

	if (!file || !verdict(file))
		return;
	r = bpf_task_storage_get(&inread, bpf_get_current_task_btf(), 0,
				 BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (r && !r->file)
		r->file = (__u64)file;
}

/*
 * @file, if the current system call is @a, @b or @c, or their ia32
 * numbers @a32, @b32 or @c32: reading().
 */
static __always_inline int reading_in(struct file *file, long a, long b, long c,
				      long a32, long b32, long c32)
{
	long nr = current_nr();

	if (nr == a || nr == b || nr == c || nr == a32 || nr == b32 || nr == c32)
		reading(file);
	return 0;
}

SEC("fentry/vfs_read")
int BPF_PROG(fd_vfs_read, struct file *file)
{
	return reading_in(file, NR_read, NR_pread64, -1, NR32_read, NR32_pread64, -1);
}

SEC("fentry/vfs_readv")
int BPF_PROG(fd_vfs_readv, struct file *file)
{
	return reading_in(file, NR_readv, NR_preadv, NR_preadv2,
			  NR32_readv, NR32_preadv, NR32_preadv2);
}

SEC("fentry/do_splice")
int BPF_PROG(fd_splice, struct file *file)
{
	return reading_in(file, NR_splice, -1, -1, NR32_splice, -1, -1);
}

SEC("fentry/vfs_copy_file_range")
int BPF_PROG(fd_copy, struct file *file)
{
	return reading_in(file, NR_copy_file_range, -1, -1, NR32_copy_file_range, -1, -1);
}

SEC("fentry/do_splice_direct")
int BPF_PROG(fd_sendfile, struct file *file)
{
	return reading_in(file, NR_sendfile, -1, -1, NR32_sendfile, NR32_sendfile64, -1);
}

SEC("fentry/splice_file_to_pipe")
int BPF_PROG(fd_sendfile_pipe, struct file *file)
{
	return reading_in(file, NR_sendfile, -1, -1, NR32_sendfile, NR32_sendfile64, -1);
}

SEC("fentry/sock_recvmsg")
int BPF_PROG(fd_recvmsg, struct socket *sock)
{
	return reading_in(BPF_CORE_READ(sock, file), NR_recvfrom, NR_recvmsg, NR_recvmmsg,
			  NR32_recvfrom, NR32_recvmsg, -1);
}

/*
 * The file the current thread's read system call read, when it was
 * protected (and forgotten now, for its next call), or 0.
 */
static __always_inline __u64 read_taken(void)
{
	struct sensor_inread *r = bpf_task_storage_get(&inread, bpf_get_current_task_btf(), 0, 0);
	__u64 file;

	if (!r || !r->file)
		return 0;
	file = r->file;
	r->file = 0;
	return file;
}

/*
 * The current thread's read system call on @fd returned @ret: a read of
 * @ret bytes (if positive) of the file it read, read_by().  Called at
 * every return of those calls, so that what read_taken() keeps never
 * outlives its call.
 */
static __always_inline int on_read(unsigned long fd, long ret, __u32 path, long long pos)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	__u64 taken = read_taken(), named;

	if (ret <= 0)
		return 0;
	named = (__u64)fd_file(t, fd);
	if (!taken)
		taken = named;
	else if (taken != named)
		path |= DAUDIT_PATH_FD_SWAPPED;
	return read_by((__u64)t, taken, ret, path, pos);
}

#endif
