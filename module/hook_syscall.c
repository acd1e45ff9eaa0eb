// SPDX-License-Identifier: GPL-2.0
/*
 * The syscall read and write paths, at raw_syscalls:sys_exit: the return
 * value is the exact number of bytes read or written, the saved registers
 * still hold the arguments.  A failed syscall leaves at the first compare,
 * one that returned 0 out of line, where all but ioctl (loop devices) leave;
 * read(2) is taken inline; other numbers go out of line to a switch where
 * all but a handful leave, and writes leave at one more test unless some
 * session read protected data within the egress window.  The in-kernel
 * copies also stop at their entry, to mark the session before data moves.
 */
#include <linux/fdtable.h>
#include <linux/loop.h>
#include <linux/socket.h>
#include <linux/mman.h>
#include <linux/uaccess.h>
#include <asm/syscall.h>
#include <asm/unistd.h>

#include "egress.h"
#include "hooks.h"
#include "prof.h"
#include "record.h"
#include "session.h"

#define OFF_FPOS	(-1LL)	/* the read used and moved the file position */

atomic_t daudit_exit_work = ATOMIC_INIT(0);

/*
 * Something waits for a task's sys_exit (daudit_exit_work): current's,
 * perhaps.  @reading: its syscall is a read that returned data (its claim
 * is taken after its descriptor lookup, by read_claimed()).
 */
static noinline void exit_work(bool reading)
{
	daudit_claims_sys_exit(reading);
	daudit_aio_sys_exit();
}

static struct file *fd_file_rcu(unsigned int fd)
{
	struct files_struct *files = current->files;

	return files ? files_lookup_fd_raw(files, fd) : NULL;
}

/* The start of the bytes just read, for the session's offset range. */
static u64 start_of(struct file *file, long long off, long bytes)
{
	if (off == OFF_FPOS)
		off = READ_ONCE(file->f_pos) - bytes;
	return off >= 0 ? off : DAUDIT_OFFSET_UNKNOWN;
}

/* An offset passed by pointer: the kernel advanced it past the read. */
static noinline long long off_ptr(unsigned long uptr, long bytes)
{
	loff_t off;

	if (!uptr)
		return OFF_FPOS;
	if (copy_from_user_nofault(&off, (const void __user *)uptr,
				   sizeof(off)))
		return DAUDIT_OFFSET_UNKNOWN;
	return off - bytes;
}

/*
 * A read of @file, held by the caller (@pinned) or else @fd in current's
 * table, that the first level (fcache.h) does not know: find out, and
 * account it.
 */
static __always_inline void read_account(struct file *file, bool pinned,
					 unsigned long fd, long bytes,
					 long long off, u32 path)
{
	struct daudit_policy *p = daudit_policy_current();
	struct daudit_io io = {
		.bytes = bytes,
		.path = path,
		.calls = 1,
	};

	if (!p) {
		daudit_fcache_no_policy(file, pinned, fd);
		return;
	}
	io.off = start_of(file, off, bytes);
	daudit_hook_read_in(p, file, pinned, fd, current, &io);
}

/* The per-read slow path: @file, @fd in current's table. */
static noinline void read_slow(struct file *file, unsigned long fd,
			       long bytes, long long off, u32 path)
{
	u64 t0;

	daudit_prof_end(DAUDIT_ST_EMPTY, daudit_prof_begin());
	t0 = daudit_prof_begin();
	read_account(file, false, fd, bytes, off, path);
	daudit_prof_end(DAUDIT_ST_READ_SLOW, t0);
}

/*
 * The per-read path: @fd's file in current's table, unless there is none
 * or it is known unprotected (the first level's two compares).
 */
static __always_inline struct file *file_to_check(unsigned long fd)
{
	struct file *file = fd_file_rcu(fd);

	return file && !daudit_fcache_unprotected(file) ? file : NULL;
}

/*
 * A swap or a claim is pending (hook_fdswap.c), and current read @fd,
 * which names @file now (looked up first: a swap that changed the table
 * before the lookup is seen by the test that follows it).  If @fd's
 * protected file was swapped out while the read ran, the bytes are that
 * file's.  Returns true when counted so.
 */
static noinline bool read_claimed(unsigned long fd, long bytes,
				  long long off, u32 path)
{
	struct file *file = daudit_claim_take(fd);

	if (!file)
		return false;
	read_account(file, true, -1, bytes, off, path | DAUDIT_PATH_FD_SWAPPED);
	daudit_claim_put(file);
	return true;
}

static notrace daudit_nocanary void on_read(unsigned long fd, long bytes,
					    long long off, u32 path)
{
	struct file *file;

	daudit_syscall_probe_enter();
	file = file_to_check(fd);
	if (unlikely(atomic_read(&daudit_exit_work)) &&
	    read_claimed(fd, bytes, off, path))
		file = NULL;
	if (file)
		read_slow(file, fd, bytes, off, path);
	daudit_syscall_probe_exit();
}

/* A socket read or send whose byte count is known. */
static notrace daudit_nocanary void on_io(unsigned long fd, long bytes,
					  u32 path, bool write)
{
	struct daudit_io io = {
		.bytes = bytes,
		.path = path,
		.calls = 1,
		.off = DAUDIT_OFFSET_UNKNOWN,
	};
	struct file *file;

	daudit_syscall_probe_enter();
	file = fd_file_rcu(fd);
	if (!write && unlikely(atomic_read(&daudit_exit_work))) {
		/* After the lookup, as in on_read(). */
		struct file *over = daudit_claim_take(fd);

		if (over) {
			io.path |= DAUDIT_PATH_FD_SWAPPED;
			daudit_hook_read(over, true, -1, current, &io);
			daudit_claim_put(over);
			file = NULL;
		}
	}
	if (file) {
		if (write)
			daudit_hook_write(file, false, fd, current, &io);
		else
			daudit_hook_read(file, false, fd, current, &io);
	}
	daudit_syscall_probe_exit();
}

static void on_write(unsigned long fd, long bytes, u32 path)
{
	if (daudit_egress_any())
		on_io(fd, bytes, path, true);
}

/*
 * recvmmsg and sendmmsg return a count of messages; the bytes are in each
 * message's msg_len, which the kernel has just written, so the pages are
 * there and a non-faulting copy finds them.
 */
static noinline long mmsg_bytes(unsigned long uptr, long n)
{
	struct mmsghdr __user *v = (struct mmsghdr __user *)uptr;
	long total = 0, i;
	unsigned int len;

	for (i = 0; i < n && i < UIO_MAXIOV; i++) {
		if (copy_from_user_nofault(&len, &v[i].msg_len, sizeof(len)))
			return -1;
		total += len;
	}
	return total;
}

static void on_mmsg(unsigned long fd, unsigned long uptr, long n, u32 path,
		    bool write)
{
	long bytes;

	if (write && !daudit_egress_any())
		return;
	bytes = mmsg_bytes(uptr, n);
	if (bytes > 0)
		on_io(fd, bytes, path, write);
}

static noinline void on_mmap(struct pt_regs *regs)
{
	struct daudit_io io = {
		.mmap_len = regs->si,
		.path = DAUDIT_PATH_MMAP,
		.off = regs->r9,
	};
	struct file *file;

	if (regs->r10 & MAP_ANONYMOUS)
		return;
	daudit_syscall_probe_enter();
	file = fd_file_rcu(regs->r8);
	if (file)
		daudit_hook_read(file, false, regs->r8, current, &io);
	daudit_syscall_probe_exit();
}

/*
 * A loop device set up over a protected file: what the device reads of
 * it, the kernel reads (a worker, no process), so the set-up itself is
 * the record: an alert naming the file and the device (@lo, @lo_fd).
 */
static noinline void loop_alert(struct file *lo, unsigned int fd)
{
	struct daudit_policy *p = daudit_policy_current();
	struct file *file = p ? fd_file_rcu(fd) : NULL;
	struct daudit_fentry *fe;
	char *buf, *dp;
	u32 off;

	if (!file || S_ISSOCK(file_inode(file)->i_mode))
		return;
	fe = daudit_fcache_get(p, file, false, fd);
	if (!fe)
		return;
	buf = daudit_scratch_get();
	if (!buf)
		return;
	off = min_t(u32, fe->path_len, PATH_MAX / 2);
	memcpy(buf, fe->path, off);
	buf[off++] = '\0';
	dp = d_path(&lo->f_path, buf + off, PATH_MAX - off);
	if (IS_ERR(dp))
		buf[off] = '\0';
	else
		memmove(buf + off, dp, strlen(dp) + 1);
	daudit_emit_alert(DAUDIT_ALERT_LOOP, fe->dsname, fe->dev, fe->ino, buf,
			  off - 1, strlen(buf + off));
	daudit_scratch_put();
}

/*
 * ioctl(@fd, @cmd, @arg) returned 0: the loop device set-ups.  Their
 * argument is the backing file's descriptor, or (LOOP_CONFIGURE) a
 * struct loop_config that starts with it, just read by the kernel.
 */
static noinline void on_ioctl(unsigned int fd, unsigned int cmd,
			      unsigned long arg)
{
	struct file *lo;
	u32 backing;

	switch (cmd) {
	case LOOP_SET_FD:
	case LOOP_CHANGE_FD:
		backing = arg;
		break;
	case LOOP_CONFIGURE:
		if (copy_from_user_nofault(&backing, (const void __user *)arg,
					   sizeof(backing)))
			return;
		break;
	default:
		return;
	}
	daudit_syscall_probe_enter();
	lo = fd_file_rcu(fd);
	if (lo && S_ISBLK(file_inode(lo)->i_mode))
		loop_alert(lo, backing);
	daudit_syscall_probe_exit();
}

/*
 * 32-bit (ia32) processes: other syscall numbers (a stable ABI, from
 * arch/x86/entry/syscalls/syscall_32.tbl) and arguments in bx, cx, dx,
 * si, di, bp.  64-bit offsets come in two halves.
 */
enum {
	IA32_read = 3, IA32_write = 4, IA32_ioctl = 54, IA32_readv = 145,
	IA32_writev = 146,
	IA32_pread64 = 180, IA32_pwrite64 = 181, IA32_sendfile = 187,
	IA32_mmap2 = 192, IA32_sendfile64 = 239, IA32_splice = 313,
	IA32_preadv = 333, IA32_pwritev = 334, IA32_sendto = 369,
	IA32_sendmsg = 370, IA32_recvfrom = 371, IA32_recvmsg = 372,
	IA32_copy_file_range = 377, IA32_preadv2 = 378, IA32_pwritev2 = 379,
};

static long long ia32_off(struct pt_regs *regs)
{
	return (long long)(((u64)(u32)regs->di << 32) | (u32)regs->si);
}

/* An offset passed by pointer to a 32-bit off_t (sendfile). */
static noinline long long off_ptr32(unsigned long uptr, long bytes)
{
	s32 off;

	if (!uptr)
		return OFF_FPOS;
	if (copy_from_user_nofault(&off, (const void __user *)uptr,
				   sizeof(off)))
		return DAUDIT_OFFSET_UNKNOWN;
	return (long long)off - bytes;
}

static noinline void sys_exit_ia32(struct pt_regs *regs, long ret)
{
	u32 fd = regs->bx;

	switch (syscall_get_nr(current, regs)) {
	case IA32_read:
		on_read(fd, ret, OFF_FPOS, DAUDIT_PATH_READ);
		break;
	case IA32_pread64:
		on_read(fd, ret, ia32_off(regs), DAUDIT_PATH_PREAD);
		break;
	case IA32_readv:
		on_read(fd, ret, OFF_FPOS, DAUDIT_PATH_READV);
		break;
	case IA32_preadv:
		on_read(fd, ret, ia32_off(regs), DAUDIT_PATH_PREADV);
		break;
	case IA32_preadv2:
		on_read(fd, ret, ia32_off(regs) == -1 ? OFF_FPOS :
				 ia32_off(regs), DAUDIT_PATH_PREADV2);
		break;
	case IA32_sendfile:
		on_read((u32)regs->cx, ret, off_ptr32((u32)regs->dx, ret),
			DAUDIT_PATH_SENDFILE);
		on_write(fd, ret, DAUDIT_PATH_SENDFILE);
		break;
	case IA32_sendfile64:
		on_read((u32)regs->cx, ret, off_ptr((u32)regs->dx, ret),
			DAUDIT_PATH_SENDFILE);
		on_write(fd, ret, DAUDIT_PATH_SENDFILE);
		break;
	case IA32_splice:
		on_read(fd, ret, off_ptr((u32)regs->cx, ret), DAUDIT_PATH_SPLICE);
		on_write((u32)regs->dx, ret, DAUDIT_PATH_SPLICE);
		break;
	case IA32_copy_file_range:
		on_read(fd, ret, off_ptr((u32)regs->cx, ret),
			DAUDIT_PATH_COPY_FILE_RANGE);
		on_write((u32)regs->dx, ret, DAUDIT_PATH_COPY_FILE_RANGE);
		break;
	case IA32_recvfrom:
		on_io(fd, ret, DAUDIT_PATH_RECV, false);
		break;
	case IA32_recvmsg:
		on_io(fd, ret, DAUDIT_PATH_RECVMSG, false);
		break;
	case IA32_write:
	case IA32_pwrite64:
		on_write(fd, ret, DAUDIT_PATH_WRITE);
		break;
	case IA32_writev:
	case IA32_pwritev:
	case IA32_pwritev2:
		on_write(fd, ret, DAUDIT_PATH_WRITEV);
		break;
	case IA32_sendto:
		on_write(fd, ret, DAUDIT_PATH_SEND);
		break;
	case IA32_sendmsg:
		on_write(fd, ret, DAUDIT_PATH_SENDMSG);
		break;
	case IA32_mmap2: {
		struct daudit_io io = {
			.mmap_len = (u32)regs->cx,
			.path = DAUDIT_PATH_MMAP,
			.off = (u64)(u32)regs->bp << PAGE_SHIFT,
		};
		struct file *file;

		if (regs->si & MAP_ANONYMOUS)
			return;
		daudit_syscall_probe_enter();
		file = fd_file_rcu((u32)regs->di);
		if (file)
			daudit_hook_read(file, false, (u32)regs->di, current,
					 &io);
		daudit_syscall_probe_exit();
		break;
	}
	}
}

/* A 64-bit process's syscall other than read(2), which the probe takes. */
static noinline void sys_exit_x64(struct pt_regs *regs, long ret, int nr)
{
	switch (nr) {
	case __NR_pread64:
		on_read(regs->di, ret, regs->r10, DAUDIT_PATH_PREAD);
		break;
	case __NR_readv:
		on_read(regs->di, ret, OFF_FPOS, DAUDIT_PATH_READV);
		break;
	case __NR_preadv:
		on_read(regs->di, ret, regs->r10, DAUDIT_PATH_PREADV);
		break;
	case __NR_preadv2:
		on_read(regs->di, ret, (long)regs->r10 == -1 ? OFF_FPOS :
				       (long long)regs->r10, DAUDIT_PATH_PREADV2);
		break;
	case __NR_recvfrom:
		on_io(regs->di, ret, DAUDIT_PATH_RECV, false);
		break;
	case __NR_recvmsg:
		on_io(regs->di, ret, DAUDIT_PATH_RECVMSG, false);
		break;
	case __NR_recvmmsg:
		on_mmsg(regs->di, regs->si, ret, DAUDIT_PATH_RECVMMSG, false);
		break;
	/* Both sides: a read of the source, a write to the destination. */
	case __NR_sendfile:
		on_read(regs->si, ret, off_ptr(regs->dx, ret),
			DAUDIT_PATH_SENDFILE);
		on_write(regs->di, ret, DAUDIT_PATH_SENDFILE);
		break;
	case __NR_splice:
		on_read(regs->di, ret, off_ptr(regs->si, ret),
			DAUDIT_PATH_SPLICE);
		on_write(regs->dx, ret, DAUDIT_PATH_SPLICE);
		break;
	case __NR_copy_file_range:
		on_read(regs->di, ret, off_ptr(regs->si, ret),
			DAUDIT_PATH_COPY_FILE_RANGE);
		on_write(regs->dx, ret, DAUDIT_PATH_COPY_FILE_RANGE);
		break;
	case __NR_write:
	case __NR_pwrite64:
		on_write(regs->di, ret, DAUDIT_PATH_WRITE);
		break;
	case __NR_writev:
	case __NR_pwritev:
	case __NR_pwritev2:
		on_write(regs->di, ret, DAUDIT_PATH_WRITEV);
		break;
	case __NR_sendto:
		on_write(regs->di, ret, DAUDIT_PATH_SEND);
		break;
	case __NR_sendmsg:
		on_write(regs->di, ret, DAUDIT_PATH_SENDMSG);
		break;
	case __NR_sendmmsg:
		on_mmsg(regs->di, regs->si, ret, DAUDIT_PATH_SENDMMSG, true);
		break;
	case __NR_mmap:
		on_mmap(regs);
		break;
	}
}

/**
 * daudit_syscall_read_fd - the descriptor @t's syscall reads, if it reads.
 * @t: a task; its saved registers name its syscall while it is in one,
 *     and its last one while it runs in user space.
 *
 * Return: the descriptor, or -1 if the syscall is not one of the reads
 * the sys_exit probe counts by descriptor.
 */
int daudit_syscall_read_fd(struct task_struct *t)
{
	const struct pt_regs *regs = task_pt_regs(t);
	long nr = READ_ONCE(regs->orig_ax);
	int fd = -1;

	if (READ_ONCE(task_thread_info(t)->status) & TS_COMPAT) {
		switch (nr) {
		case IA32_read: case IA32_pread64: case IA32_readv:
		case IA32_preadv: case IA32_preadv2: case IA32_splice:
		case IA32_copy_file_range: case IA32_recvfrom:
		case IA32_recvmsg:
			fd = (u32)READ_ONCE(regs->bx);
			break;
		case IA32_sendfile: case IA32_sendfile64:
			fd = (u32)READ_ONCE(regs->cx);
			break;
		}
		return fd < 0 ? -1 : fd;
	}
	switch (nr) {
	case __NR_read: case __NR_pread64: case __NR_readv: case __NR_preadv:
	case __NR_preadv2: case __NR_splice: case __NR_copy_file_range:
	case __NR_recvfrom: case __NR_recvmsg: case __NR_recvmmsg:
		fd = READ_ONCE(regs->di);
		break;
	case __NR_sendfile:
		fd = READ_ONCE(regs->si);
		break;
	}
	return fd < 0 ? -1 : fd;
}

/*
 * A protected source of sendfile, splice or copy_file_range marks its
 * reader's login session before a byte moves (below).
 */
static noinline void mark_source(unsigned int fd)
{
	struct file *file;

	daudit_syscall_probe_enter();
	file = file_to_check(fd);
	if (file)
		daudit_hook_mark_early(file, false, fd, current);
	daudit_syscall_probe_exit();
}

/*
 * The copies inside the kernel put data where another process can take
 * it before they return: `cat customers.csv | nc host port` has busybox
 * cat sendfile() into the pipe while nc already sends what it finds
 * there.  Marked only at sys_exit, the session would let those first
 * bytes out unseen, so a protected source marks it at the syscall's
 * entry; the bytes read are still counted at exit.  A kprobe on each
 * syscall's entry point (its argument: the caller's saved registers)
 * costs nothing to any other syscall, where a sys_enter probe would be
 * passed by every one.
 */

/* sendfile(out_fd, in_fd, ...) */
static int sendfile_pre(struct kprobe *kp, struct pt_regs *regs)
{
	mark_source(daudit_user_regs(regs)->si);
	return 0;
}

/* splice(fd_in, ...), copy_file_range(fd_in, ...) */
static int splice_pre(struct kprobe *kp, struct pt_regs *regs)
{
	mark_source(daudit_user_regs(regs)->di);
	return 0;
}

static int ia32_sendfile_pre(struct kprobe *kp, struct pt_regs *regs)
{
	mark_source((u32)daudit_user_regs(regs)->cx);
	return 0;
}

static int ia32_splice_pre(struct kprobe *kp, struct pt_regs *regs)
{
	mark_source((u32)daudit_user_regs(regs)->bx);
	return 0;
}

struct kprobe daudit_kp_copies[DAUDIT_KP_COPIES] = {
	{ .symbol_name = "__x64_sys_sendfile64", .pre_handler = sendfile_pre },
	{ .symbol_name = "__x64_sys_splice", .pre_handler = splice_pre },
	{ .symbol_name = "__x64_sys_copy_file_range",
	  .pre_handler = splice_pre },
	{ .symbol_name = "__ia32_compat_sys_sendfile",
	  .pre_handler = ia32_sendfile_pre },
	{ .symbol_name = "__ia32_sys_sendfile64",
	  .pre_handler = ia32_sendfile_pre },
	{ .symbol_name = "__ia32_sys_splice", .pre_handler = ia32_splice_pre },
	{ .symbol_name = "__ia32_sys_copy_file_range",
	  .pre_handler = ia32_splice_pre },
};

/*
 * Every syscall but a 64-bit read(2): the probe's own arguments, so the
 * probe jumps here without moving them (__noipa: gcc would otherwise drop
 * the unused one).
 */
static noinline __noipa void sys_exit_other(void *data, struct pt_regs *regs,
					    long ret)
{
	if (unlikely(atomic_read(&daudit_exit_work)))
		exit_work(daudit_syscall_read_fd(current) >= 0);
	if (unlikely(in_ia32_syscall()))
		sys_exit_ia32(regs, ret);
	else
		sys_exit_x64(regs, ret, syscall_get_nr(current, regs));
}

/*
 * Syscall number 0 and @file not known unprotected: a 64-bit read(2) to
 * account, or a 32-bit process's restart_syscall, which is no read.
 */
static noinline __noipa void read_miss(void *data, struct pt_regs *regs,
				       long ret, struct file *file)
{
	if (likely(!in_ia32_syscall()))
		read_slow(file, regs->di, ret, OFF_FPOS, DAUDIT_PATH_READ);
}

/*
 * A read(2) while a swap or a claim is pending: @file, looked up first, or
 * the file a claim or swap names (on_read()).  Number 0 is also a 32-bit
 * process's restart_syscall, no read.  The probe's arguments, as for
 * read_miss().
 */
static noinline __noipa void read_pending(void *data, struct pt_regs *regs,
					  long ret, struct file *file)
{
	if (unlikely(in_ia32_syscall())) {
		exit_work(false);
		return;
	}
	exit_work(true);
	if (!read_claimed(regs->di, ret, OFF_FPOS, DAUDIT_PATH_READ) && file)
		read_slow(file, regs->di, ret, OFF_FPOS, DAUDIT_PATH_READ);
}

/*
 * A syscall that returned 0 or failed: only a successful ioctl is of
 * interest, and a pending swap or claim (hook_fdswap.c).  The probe's
 * arguments, as for read_miss().
 */
static noinline __noipa void sys_exit_nonpos(void *data, struct pt_regs *regs,
					     long ret)
{
	int nr = syscall_get_nr(current, regs);

	if (unlikely(atomic_read(&daudit_exit_work)))
		exit_work(false);
	if (ret)
		return;

	if (unlikely(in_ia32_syscall())) {
		if (nr == IA32_ioctl)
			on_ioctl(regs->bx, regs->cx, (u32)regs->dx);
	} else if (nr == __NR_ioctl) {
		on_ioctl(regs->di, regs->si, regs->dx);
	}
}

/* The probe below, timed around it in a DAUDIT_PROF build. */
static __always_inline void sys_exit_probe(void *data, struct pt_regs *regs,
					   long ret)
{
	struct file *file;

	if (ret <= 0) {
		if (!ret || unlikely(atomic_read(&daudit_exit_work)))
			sys_exit_nonpos(data, regs, ret);
		return;
	}
	if (likely(syscall_get_nr(current, regs) == __NR_read)) {
		daudit_syscall_probe_enter();
		file = file_to_check(regs->di);
		if (file) {
			if (unlikely(atomic_read(&daudit_exit_work)))
				read_pending(data, regs, ret, file);
			else
				read_miss(data, regs, ret, file);
		} else if (unlikely(atomic_read(&daudit_exit_work))) {
			read_pending(data, regs, ret, NULL);
		}
		daudit_syscall_probe_exit();
		return;
	}
	sys_exit_other(data, regs, ret);
}

/**
 * daudit_probe_sys_exit - raw_syscalls:sys_exit probe.
 * @data: unused.
 * @regs: the syscall's saved registers.
 * @ret: its return value.
 *
 * A read(2) of a file known unprotected returns here, without a stack
 * frame: the descriptor lookup, one word tested (a swap or claim pending,
 * hook_fdswap.c: after the lookup, never before) and the first level's
 * two compares (fcache.h).  Number 0 is also a 32-bit process's
 * restart_syscall: the same early return is right for it, and
 * read_miss() tells the two apart.
 */
notrace daudit_nocanary void daudit_probe_sys_exit(void *data,
						   struct pt_regs *regs,
						   long ret)
{
	u64 t0 = daudit_prof_begin();

	sys_exit_probe(data, regs, ret);
	daudit_prof_end(DAUDIT_ST_SYSCALL, t0);
}
