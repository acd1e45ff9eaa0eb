// SPDX-License-Identifier: GPL-2.0
/*
 * io_uring bypasses the syscalls: its completion tracepoint carries the
 * request (file, opcode, submitting task) and the result, the exact byte
 * count of a read, receive, write or send.  The request holds its file
 * until after completion.
 */
#include <linux/io_uring_types.h>

#include "hooks.h"
#include "session.h"

static u32 read_path(u8 opcode)
{
	switch (opcode) {
	case IORING_OP_RECV:
	case IORING_OP_RECVMSG:
		return DAUDIT_PATH_URING_RECV;
	case IORING_OP_READ:
		return DAUDIT_PATH_URING_READ;
	case IORING_OP_READV:
		return DAUDIT_PATH_URING_READV;
	case IORING_OP_READ_FIXED:
		return DAUDIT_PATH_URING_READ_FIXED;
#ifdef DAUDIT_HAVE_READ_MULTISHOT
	case IORING_OP_READ_MULTISHOT:
		return DAUDIT_PATH_URING_READ;
#endif
	}
	return 0;
}

static u32 write_path(u8 opcode)
{
	switch (opcode) {
	case IORING_OP_WRITE:
	case IORING_OP_WRITEV:
	case IORING_OP_WRITE_FIXED:
		return DAUDIT_PATH_URING_WRITE;
	case IORING_OP_SEND:
	case IORING_OP_SENDMSG:
	case IORING_OP_SEND_ZC:
	case IORING_OP_SENDMSG_ZC:
		return DAUDIT_PATH_URING_SEND;
	}
	return 0;
}

/**
 * daudit_probe_uring_complete - io_uring:io_uring_complete probe.
 * @data: unused.
 * @ctx: the ring.
 * @req: the request (struct io_kiocb), NULL for auxiliary completions.
 * @user_data: the request's tag.
 * @res: its result: bytes for reads.
 * @cflags: completion flags.
 * @extra1: unused.
 * @extra2: unused.
 */
void daudit_probe_uring_complete(void *data, void *ctx, void *req,
				 u64 user_data, int res, unsigned int cflags,
				 u64 extra1, u64 extra2)
{
	struct io_kiocb *r = req;
	struct daudit_io io = { .off = DAUDIT_OFFSET_UNKNOWN, .calls = 1 };

	u8 op;

	if (res <= 0 || !r || !r->file || !r->task)
		return;
	op = READ_ONCE(r->opcode);
	io.bytes = res;
	io.path = read_path(op);
	/* A tracepoint probe runs with preemption disabled: an RCU section. */
	if (io.path) {
		daudit_hook_read(r->file, true, -1, r->task, &io);
		return;
	}
	io.path = write_path(op);
	if (io.path)
		daudit_hook_write(r->file, true, -1, r->task, &io);
}
