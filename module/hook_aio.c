// SPDX-License-Identifier: GPL-2.0
/*
 * Legacy AIO (io_submit IOCB_CMD_PREAD and PREADV) calls a file's or a
 * socket's ->read_iter() without any read syscall, and every such read
 * ends in the kiocb's completion, aio_complete_rw(kiocb, res) (static,
 * not inlined on 6.1 or 6.12): the file and the exact byte count.  A
 * read served at once (the page cache, tmpfs, a socket with data)
 * completes inside io_submit, in the submitter's context, and is
 * attributed to it.  A read completed later from interrupt context or a
 * kernel thread (O_DIRECT on a block device) has no task of its own to
 * attribute to: docs/hooks.md lists it among the blind spots.
 */
#include <linux/fs.h>

#include "hooks.h"
#include "session.h"

static int aio_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct kiocb *k = (struct kiocb *)regs_get_kernel_argument(regs, 0);
	long res = (long)regs_get_kernel_argument(regs, 1);
	struct daudit_io io = {
		.off = DAUDIT_OFFSET_UNKNOWN,
		.calls = 1,
		.path = DAUDIT_PATH_AIO,
	};

	if (res <= 0 || (k->ki_flags & IOCB_WRITE) || !in_task() ||
	    (current->flags & PF_KTHREAD))
		return 0;
	io.bytes = res;
	/* The request holds its file until it is freed, after this. */
	daudit_hook_read(k->ki_filp, true, -1, current, &io);
	return 0;
}

struct kprobe daudit_kp_aio = {
	.symbol_name = "aio_complete_rw",
	.pre_handler = aio_pre,
};
