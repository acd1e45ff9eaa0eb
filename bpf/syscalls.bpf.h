/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The system calls that read: the read family, the copies inside the
 * kernel and the receive calls (fexit: what they return is what they read).
 */
#ifndef DAUDIT_BPF_SYSCALLS_H
#define DAUDIT_BPF_SYSCALLS_H

SEC("fexit/__x64_sys_read")
int BPF_PROG(sys_read, const struct pt_regs *regs, long ret)
{
	return on_read(BPF_CORE_READ(regs, di), ret, DAUDIT_PATH_READ, POS_FILE);
}

SEC("fexit/__x64_sys_pread64")
int BPF_PROG(sys_pread64, const struct pt_regs *regs, long ret)
{
	return on_read(BPF_CORE_READ(regs, di), ret, DAUDIT_PATH_PREAD,
		       (long long)BPF_CORE_READ(regs, r10));
}

SEC("fexit/__x64_sys_readv")
int BPF_PROG(sys_readv, const struct pt_regs *regs, long ret)
{
	return on_read(BPF_CORE_READ(regs, di), ret, DAUDIT_PATH_READV, POS_FILE);
}

SEC("fexit/__x64_sys_preadv")
int BPF_PROG(sys_preadv, const struct pt_regs *regs, long ret)
{
	return on_read(BPF_CORE_READ(regs, di), ret, DAUDIT_PATH_PREADV,
		       (long long)BPF_CORE_READ(regs, r10));
}

SEC("fexit/__x64_sys_preadv2")
int BPF_PROG(sys_preadv2, const struct pt_regs *regs, long ret)
{
	/* An offset of -1 means the file's position, as for readv. */
	return on_read(BPF_CORE_READ(regs, di), ret, DAUDIT_PATH_PREADV2,
		       (long long)BPF_CORE_READ(regs, r10));
}

/*
 * The start of what a copy read, when its offset was passed by pointer
 * (@uptr): the kernel has just stored there the offset after the bytes it
 * moved, as the module's off_ptr() reads it.  No pointer: the copy used
 * and moved the file's position.  A pointer that cannot be read without
 * faulting, or another thread's store to it during the call that leaves
 * it below @ret: POS_UNKNOWN.
 */
static __always_inline long long off_ptr(__u64 uptr, long ret)
{
	long long off;

	if (!uptr)
		return POS_FILE;
	if (ret <= 0 || bpf_probe_read_user(&off, sizeof(off), (void *)uptr))
		return POS_UNKNOWN;
	return off >= ret ? off - ret : POS_UNKNOWN;
}

/*
 * The copies inside the kernel: what they return is what they moved out
 * of the input descriptor, a read of it when it is a protected file (a
 * pipe or a socket as input is not; classify() says so).  What they
 * write is no read: a splice from a pipe into a protected file counts
 * nothing.  The copies these calls make inside the kernel (do_splice_direct)
 * pass through none of the read family's system calls: nothing is counted
 * twice.
 */

/* sendfile64(out_fd, in_fd, *offset, count): sendfile(2) on x86-64. */
SEC("fexit/__x64_sys_sendfile64")
int BPF_PROG(sys_sendfile64, const struct pt_regs *regs, long ret)
{
	return on_read(BPF_CORE_READ(regs, si), ret, DAUDIT_PATH_SENDFILE,
		       off_ptr(BPF_CORE_READ(regs, dx), ret));
}

/* splice(fd_in, *off_in, fd_out, *off_out, len, flags) */
SEC("fexit/__x64_sys_splice")
int BPF_PROG(sys_splice, const struct pt_regs *regs, long ret)
{
	return on_read(BPF_CORE_READ(regs, di), ret, DAUDIT_PATH_SPLICE,
		       off_ptr(BPF_CORE_READ(regs, si), ret));
}

/*
 * copy_file_range(fd_in, *off_in, fd_out, *off_out, len, flags).  6.12's
 * BTF knows this function only by the prototype of its COND_SYSCALL stub
 * (an argument named __unused): the same types, so the same program.
 */
SEC("fexit/__x64_sys_copy_file_range")
int BPF_PROG(sys_copy_file_range, const struct pt_regs *regs, long ret)
{
	return on_read(BPF_CORE_READ(regs, di), ret, DAUDIT_PATH_COPY_FILE_RANGE,
		       off_ptr(BPF_CORE_READ(regs, si), ret));
}

/*
 * The receive calls on a socket (read and readv on one are counted above,
 * splice from one with the copies): what they return is what they read,
 * with the module's read paths.  recv(2) is recvfrom(2) on x86-64.
 */
SEC("fexit/__x64_sys_recvfrom")
int BPF_PROG(sys_recvfrom, const struct pt_regs *regs, long ret)
{
	return on_read(BPF_CORE_READ(regs, di), ret, DAUDIT_PATH_RECV, POS_UNKNOWN);
}

SEC("fexit/__x64_sys_recvmsg")
int BPF_PROG(sys_recvmsg, const struct pt_regs *regs, long ret)
{
	return on_read(BPF_CORE_READ(regs, di), ret, DAUDIT_PATH_RECVMSG, POS_UNKNOWN);
}

/* struct mmsghdr on x86-64: a struct user_msghdr (56 bytes), msg_len. */
#define MMSG_SIZE	64
#define MMSG_LEN_OFF	56

struct mmsg_sum {
	__u64 uptr;
	__u64 total;
	__u32 bad;
};

static long mmsg_step(__u32 i, struct mmsg_sum *m)
{
	__u32 len;

	if (bpf_probe_read_user(&len, sizeof(len),
				(void *)(m->uptr + (__u64)i * MMSG_SIZE + MMSG_LEN_OFF))) {
		m->bad = 1;
		return 1;
	}
	m->total += len;
	return 0;
}

/*
 * recvmmsg(fd, *msgvec, vlen, flags, *timeout) returns a count of
 * messages; the bytes are in each one's msg_len, which the kernel has
 * just written, as the module's mmsg_bytes() sums them (nothing if one
 * cannot be read).
 */
/* A function of its own, so that its frame is not added to on_read()'s. */
__noinline long mmsg_bytes(__u64 uptr, __u64 n)
{
	struct mmsg_sum m = { .uptr = uptr };

	bpf_loop(at_most(n, SENSOR_MMSG_MAX), mmsg_step, &m, 0);
	return m.bad ? 0 : (long)m.total;
}

SEC("fexit/__x64_sys_recvmmsg")
int BPF_PROG(sys_recvmmsg, const struct pt_regs *regs, long ret)
{
	/* on_read() even for none: it forgets the socket the call read. */
	return on_read(BPF_CORE_READ(regs, di),
		       ret > 0 ? mmsg_bytes(BPF_CORE_READ(regs, si), ret) : 0,
		       DAUDIT_PATH_RECVMMSG, POS_UNKNOWN);
}

#endif
