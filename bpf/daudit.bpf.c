// SPDX-License-Identifier: GPL-2.0
/*
 * daudit's eBPF sensor: reads of protected files, coalesced per open file
 * and process into sessions, each written at its end as one event that
 * the loader (userspace/ebpf/) turns into a DAUDIT_REC_FILE_READ record.
 *
 * Hooks (docs/ebpf.md says why these):
 *  - fexit on the read, pread64, readv, preadv and preadv2 system calls:
 *    the return value is the exact byte count, and the call names the
 *    read path;
 *  - fexit on sendfile64, splice and copy_file_range: the bytes the
 *    kernel moved out of the input descriptor are a read of it;
 *  - fexit on recvfrom, recvmsg and recvmmsg: reads of a socket;
 *  - io_uring: fexit on io_read, io_recv and io_recvmsg, fentry on
 *    io_req_rw_complete and io_complete_rw_iopoll, and where auxiliary
 *    completions are posted: reads of files and sockets, attributed to
 *    the submitter (uring.bpf.h);
 *  - legacy AIO: fentry and fexit on aio_read, fentry on aio_complete_rw:
 *    reads attributed to the submitter, wherever they complete
 *    (aio.bpf.h);
 *  - mmap: fexit on the mmap system call (the mapping), fentry where a
 *    fault or fault-around maps the file's pages (set_pte_range,
 *    do_set_pte), a PMD maps a huge folio (folio_add_file_rmap_pmd,
 *    do_set_pmd), and fexit where userfaultfd's UFFDIO_CONTINUE returns
 *    (mmap.bpf.h);
 *  - fexit on the ia32 entries of the same calls: a 32-bit program
 *    reads through them (ia32.bpf.h);
 *  - fentry where the kernel reads the file a read system call was given
 *    (vfs_read, vfs_readv, do_splice, ...): a descriptor swapped by
 *    another thread during the read does not hide it (fdswap.bpf.h);
 *  - fexit on vfs_clone_file_range: a reflink of a protected file is a
 *    read of it, and the clone is protected (reflink.bpf.h);
 *  - fentry on __fput, the last close of an open file: ends its sessions;
 *  - tp_btf/sched_process_exit of a thread group's last thread: ends the
 *    sessions of the process that are still open (files it shares with
 *    another process stay open after it);
 *  - tp_btf/sched_process_exec: a new program gets a new process record;
 *  - fentry on unix_seqpacket_sendmsg: a thread asks dauditd to register
 *    its actor area, and what the kernel knows of it is noted for
 *    dauditd to judge (actor.bpf.h);
 *  - fentry on mmap_region, fexit on mprotect and pkey_mprotect, the
 *    fork and exit_mmap hooks, and a scan run by dauditd at its start:
 *    what code each address space maps, for trusted readers and actor
 *    registrations (trust.bpf.h);
 *  - an iterator over the sessions, run by dauditd: interim records of
 *    old sessions, final ones at its stop (flush.bpf.h).
 *
 * A file is protected when its inode, or one of its first
 * SENSOR_TREE_DEPTH ancestors by d_parent, is in the map protected:
 * protection follows the object, whatever the path or mount it was
 * opened by.  The verdict is cached per struct file for the policy's
 * generation.
 *
 * One object, one concern per file: the parts below are headers of
 * static functions and programs, included here in the order they use
 * each other, so that every map is defined once and the verifier sees
 * one program per hook (docs/ebpf.md, "Build").
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "kernel.h"
#include "daudit.h"
#include "sensor.h"

char LICENSE[] SEC("license") = "GPL";

#include "maps.bpf.h"		/* maps, globals, counters */
#include "path.bpf.h"		/* a dentry's path for a record */
#include "record.bpf.h"		/* subject, process and file records */
#include "sock.bpf.h"		/* sockets: described, judged, recorded */
#include "trust.bpf.h"		/* a program running its own code only */
#include "actor.bpf.h"		/* declared actors: asked, judged, read */
#include "session.bpf.h"	/* classification, sessions, a read counted */
#include "fdswap.bpf.h"		/* the file a read system call reads */
#include "syscalls.bpf.h"	/* read family, copies, receives */
#include "uring.bpf.h"		/* io_uring reads */
#include "aio.bpf.h"		/* legacy AIO reads */
#include "mmap.bpf.h"		/* mappings and the pages they map */
#include "ia32.bpf.h"		/* the read calls of 32-bit processes */
#include "reflink.bpf.h"	/* clones of a protected file's extents */
#include "lifecycle.bpf.h"	/* last close, exit, exec */
#include "flush.bpf.h"		/* records of open sessions, asked for */
