// SPDX-License-Identifier: GPL-2.0
/*
 * The syscall read paths, at raw_syscalls:sys_exit: the return value is the
 * exact number of bytes read, the saved registers still hold the
 * arguments.  Everything but a handful of syscall numbers leaves at the
 * first two compares.
 */
#include <linux/fdtable.h>
#include <linux/mman.h>
#include <linux/uaccess.h>
#include <asm/syscall.h>
#include <asm/unistd.h>

#include "hooks.h"
#include "session.h"

#define OFF_FPOS	(-1LL)	/* the read used and moved the file position */

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
static long long off_ptr(unsigned long uptr, long bytes)
{
	loff_t off;

	if (!uptr)
		return OFF_FPOS;
	if (copy_from_user_nofault(&off, (const void __user *)uptr,
				   sizeof(off)))
		return DAUDIT_OFFSET_UNKNOWN;
	return off - bytes;
}

static void on_read(unsigned long fd, long bytes, long long off, u32 path)
{
	struct daudit_io io = { .bytes = bytes, .path = path, .calls = 1 };
	struct file *file;

	rcu_read_lock();
	file = fd_file_rcu(fd);
	if (file) {
		io.off = start_of(file, off, bytes);
		daudit_hook_read(file, false, fd, current, &io);
	}
	rcu_read_unlock();
}

static void on_mmap(struct pt_regs *regs)
{
	struct daudit_io io = {
		.mmap_len = regs->si,
		.path = DAUDIT_PATH_MMAP,
		.off = regs->r9,
	};
	struct file *file;

	if (regs->r10 & MAP_ANONYMOUS)
		return;
	rcu_read_lock();
	file = fd_file_rcu(regs->r8);
	if (file)
		daudit_hook_read(file, false, regs->r8, current, &io);
	rcu_read_unlock();
}

/**
 * daudit_probe_sys_exit - raw_syscalls:sys_exit probe.
 * @data: unused.
 * @regs: the syscall's saved registers.
 * @ret: its return value.
 */
void daudit_probe_sys_exit(void *data, struct pt_regs *regs, long ret)
{
	if (ret <= 0 || in_ia32_syscall())
		return;

	switch (syscall_get_nr(current, regs)) {
	case __NR_read:
		on_read(regs->di, ret, OFF_FPOS, DAUDIT_PATH_READ);
		break;
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
	case __NR_sendfile:
		on_read(regs->si, ret, off_ptr(regs->dx, ret),
			DAUDIT_PATH_SENDFILE);
		break;
	case __NR_splice:
		on_read(regs->di, ret, off_ptr(regs->si, ret),
			DAUDIT_PATH_SPLICE);
		break;
	case __NR_copy_file_range:
		on_read(regs->di, ret, off_ptr(regs->si, ret),
			DAUDIT_PATH_COPY_FILE_RANGE);
		break;
	case __NR_mmap:
		on_mmap(regs);
		break;
	}
}
