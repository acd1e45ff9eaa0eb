/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The same read system calls made by a 32-bit (ia32) process, which
 * enter the kernel by other functions (__ia32_*) with other numbers and
 * their arguments in bx, cx, dx, si, di and bp: without these, a program
 * built with -m32 would read without a record.  As syscalls.bpf.h:
 * what they return is what they read.
 *
 * Not followed: receives through socketcall(2) (the multiplexer older
 * 32-bit C libraries use), recvmmsg, and the old mmap(2) whose arguments
 * are a struct in memory (mmap2 is followed).
 */
#ifndef DAUDIT_BPF_IA32_H
#define DAUDIT_BPF_IA32_H

/* A 64-bit offset passed as two 32-bit halves. */
static __always_inline long long lo_hi(unsigned long lo, unsigned long hi)
{
	return (long long)(((__u64)(__u32)hi << 32) | (__u32)lo);
}

/* A 32-bit offset (compat_off_t) stored back through @uptr by sendfile. */
static __always_inline long long off_ptr32(__u64 uptr, long ret)
{
	__s32 off;

	if (!uptr)
		return POS_FILE;
	if (ret <= 0 || bpf_probe_read_user(&off, sizeof(off), (void *)uptr))
		return POS_UNKNOWN;
	return off >= ret ? off - ret : POS_UNKNOWN;
}

SEC("fexit/__ia32_sys_read")
int BPF_PROG(ia32_read, const struct pt_regs *regs, long ret)
{
	return on_read(BPF_CORE_READ(regs, bx), ret, DAUDIT_PATH_READ, POS_FILE);
}

/* ia32_pread64(fd, buf, count, pos_low, pos_high) */
SEC("fexit/__ia32_sys_ia32_pread64")
int BPF_PROG(ia32_pread64, const struct pt_regs *regs, long ret)
{
	return on_read(BPF_CORE_READ(regs, bx), ret, DAUDIT_PATH_PREAD,
		       lo_hi(BPF_CORE_READ(regs, si), BPF_CORE_READ(regs, di)));
}

SEC("fexit/__ia32_sys_readv")
int BPF_PROG(ia32_readv, const struct pt_regs *regs, long ret)
{
	return on_read(BPF_CORE_READ(regs, bx), ret, DAUDIT_PATH_READV, POS_FILE);
}

/* compat preadv(fd, vec, vlen, pos_low, pos_high) */
SEC("fexit/__ia32_compat_sys_preadv")
int BPF_PROG(ia32_preadv, const struct pt_regs *regs, long ret)
{
	return on_read(BPF_CORE_READ(regs, bx), ret, DAUDIT_PATH_PREADV,
		       lo_hi(BPF_CORE_READ(regs, si), BPF_CORE_READ(regs, di)));
}

/* compat preadv2(fd, vec, vlen, pos_low, pos_high, flags): -1, the position */
SEC("fexit/__ia32_compat_sys_preadv2")
int BPF_PROG(ia32_preadv2, const struct pt_regs *regs, long ret)
{
	return on_read(BPF_CORE_READ(regs, bx), ret, DAUDIT_PATH_PREADV2,
		       lo_hi(BPF_CORE_READ(regs, si), BPF_CORE_READ(regs, di)));
}

/* compat sendfile(out_fd, in_fd, compat_off_t *offset, count) */
SEC("fexit/__ia32_compat_sys_sendfile")
int BPF_PROG(ia32_sendfile, const struct pt_regs *regs, long ret)
{
	return on_read(BPF_CORE_READ(regs, cx), ret, DAUDIT_PATH_SENDFILE,
		       off_ptr32(BPF_CORE_READ(regs, dx), ret));
}

/* sendfile64(out_fd, in_fd, loff_t *offset, count) */
SEC("fexit/__ia32_sys_sendfile64")
int BPF_PROG(ia32_sendfile64, const struct pt_regs *regs, long ret)
{
	return on_read(BPF_CORE_READ(regs, cx), ret, DAUDIT_PATH_SENDFILE,
		       off_ptr(BPF_CORE_READ(regs, dx), ret));
}

SEC("fexit/__ia32_sys_splice")
int BPF_PROG(ia32_splice, const struct pt_regs *regs, long ret)
{
	return on_read(BPF_CORE_READ(regs, bx), ret, DAUDIT_PATH_SPLICE,
		       off_ptr(BPF_CORE_READ(regs, cx), ret));
}

SEC("fexit/__ia32_sys_copy_file_range")
int BPF_PROG(ia32_copy_file_range, const struct pt_regs *regs, long ret)
{
	return on_read(BPF_CORE_READ(regs, bx), ret, DAUDIT_PATH_COPY_FILE_RANGE,
		       off_ptr(BPF_CORE_READ(regs, cx), ret));
}

SEC("fexit/__ia32_compat_sys_recvfrom")
int BPF_PROG(ia32_recvfrom, const struct pt_regs *regs, long ret)
{
	return on_read(BPF_CORE_READ(regs, bx), ret, DAUDIT_PATH_RECV, POS_UNKNOWN);
}

SEC("fexit/__ia32_compat_sys_recvmsg")
int BPF_PROG(ia32_recvmsg, const struct pt_regs *regs, long ret)
{
	return on_read(BPF_CORE_READ(regs, bx), ret, DAUDIT_PATH_RECVMSG, POS_UNKNOWN);
}

/* mmap2 (mmap_pgoff): addr, len, prot, flags, fd, pgoff. */
SEC("fexit/__ia32_sys_mmap_pgoff")
int BPF_PROG(ia32_mmap2, const struct pt_regs *regs, long ret)
{
	struct task_struct *t = (void *)bpf_get_current_task();

	/* A 32-bit address: an error is -4095..-1 as a 32-bit number. */
	if (ret <= 0 || (unsigned long)ret >= 0xfffff001UL ||
	    (BPF_CORE_READ(regs, si) & MAP_ANONYMOUS))
		return 0;
	return read_by((__u64)t, (__u64)fd_file(t, (__u32)BPF_CORE_READ(regs, di)),
		       (long)(__u32)BPF_CORE_READ(regs, cx), DAUDIT_PATH_MMAP, POS_MAPPING);
}

#endif
