/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What crosses between the eBPF programs (daudit.bpf.c) and their loader
 * (userspace/ebpf/): map keys and values and the events of the ring
 * buffer.  Not an ABI: both sides are built from this tree together.
 * The loader turns every event into a record of module/uapi/daudit.h.
 */
#ifndef DAUDIT_BPF_SENSOR_H
#define DAUDIT_BPF_SENSOR_H

/* Ancestors of a read file compared against the protected roots. */
#define SENSOR_TREE_DEPTH	32
/* Components of a path walked for a record (mount crossings count). */
#define SENSOR_PATH_DEPTH	48
/* Bytes of path components in an event, and of one component. */
#define SENSOR_NAMES_MAX	4096
#define SENSOR_NAME_MAX		256
#define SENSOR_CMDLINE_MAX	512	/* DAUDIT_CMDLINE_MAX */

/* Map sizes: bounded; running out is counted, never silent. */
#define SENSOR_MAX_PROTECTED	(2 * 65536)	/* two policy slots */
#define SENSOR_MAX_SESSIONS	16384
#define SENSOR_MAX_VERDICTS	65536
#define SENSOR_MAX_PROCS	16384
#define SENSOR_RING_DEFAULT	(4U << 20)
/* TCP and UDP sources per policy slot; unix paths share protected's size. */
#define SENSOR_MAX_NETS		256
#define SENSOR_MAX_UNIX		4096
#define SENSOR_UNIX_PATH	108	/* UNIX_PATH_MAX */
#define SENSOR_UNIX_BUF		112	/* its NUL, rounded up to 8 */
/* Messages of one recvmmsg(2) whose lengths are summed (UIO_MAXIOV). */
#define SENSOR_MMSG_MAX		1024
/* io_uring reads in flight followed: polled, deferred, multishot (6.1). */
#define SENSOR_MAX_URING	1024
/* Legacy AIO reads of protected files submitted, not yet completed. */
#define SENSOR_MAX_AIO		1024
/* Threads with an actor area registered (the module's THREADS_MAX). */
#define SENSOR_MAX_ACTORS	65536
/* Trusted readers per policy slot; address spaces followed (trust.bpf.h). */
#define SENSOR_MAX_READERS	4096
#define SENSOR_MAX_MMS		65536
/* Registrations asked for and not yet judged by dauditd. */
#define SENSOR_MAX_ACTOR_ASKS	1024

enum sensor_ev_type {
	SENSOR_EV_FILE = 1,	/* a session's record: struct sensor_file_ev */
	SENSOR_EV_PROC = 2,	/* a process first seen: struct sensor_proc_ev */
	SENSOR_EV_SOCK = 3,	/* a socket session's record: struct sensor_sock_ev */
};

/* Kinds counted in struct sensor_counters.other. */
enum sensor_counter {
	SENSOR_C_READS = 0,		/* protected reads counted */
	SENSOR_C_READ_BYTES = 1,
	SENSOR_C_SESSIONS_FULL = 2,	/* no session slot: one-read record */
	SENSOR_C_PROCS_FULL = 3,	/* process table full: seen again */
	SENSOR_C_PATH_CUT = 4,		/* a path longer than an event holds */
	SENSOR_C_SESSIONS_ENDED = 5,
	SENSOR_C_SOCKS_FULL = 6,	/* a socket described again at its record */
	SENSOR_C_URING_MISSED = 7,	/* an io_uring read not followed (a map full) */
	SENSOR_C_AIO_MISSED = 8,	/* a legacy AIO read not followed */
	SENSOR_C_CLONES_FULL = 9,	/* a reflink's clone not protected: map full */
	SENSOR_C_ACTORS_GONE = 10,	/* registrations ended by a thread's exit or exec */
	SENSOR_C_TRUSTED = 11,		/* reads by a trusted reader: not recorded */
	SENSOR_C_MAX = 12,
};

/*
 * Per CPU: records that could not be written because the ring buffer was
 * full (bpf_ringbuf_output() failed), by DAUDIT_REC_* type, and other
 * counters.
 */
struct sensor_counters {
	__u64 dropped[16];		/* DAUDIT_REC_TYPE_MAX */
	__u64 other[SENSOR_C_MAX];
};

/* A protected tree root or file: (dev, ino) in the kernel's encoding. */
struct sensor_obj_key {
	__u64 dev;			/* super_block.s_dev (MAJOR << 20 | MINOR) */
	__u64 ino;
	__u32 slot;			/* policy generation & 1 */
	__u32 pad;
};

#define SENSOR_OBJ_TREE	1		/* DAUDIT_SRC_TREE */
#define SENSOR_OBJ_FILE	2		/* DAUDIT_SRC_FILE */

struct sensor_obj {
	__u32 type;			/* SENSOR_OBJ_* */
	__u32 dataset;			/* index in the policy */
};

/*
 * A protected TCP or UDP endpoint: the peer's address masked by @mask
 * equals @addr, and its port is in [@port_lo, @port_hi].  Entry
 * slot * SENSOR_MAX_NETS + i of the array nets; n_nets[slot] are used.
 */
struct sensor_net {
	__u32 addr[4];			/* network order, already masked */
	__u32 mask[4];
	__u16 family;			/* AF_INET, AF_INET6 */
	__u8 protocol;			/* IPPROTO_TCP, IPPROTO_UDP */
	__u8 pad;
	__u16 port_lo;			/* host order */
	__u16 port_hi;
	__u32 dataset;
};

/* A protected unix socket: the path its server is bound to. */
struct sensor_unix_key {
	__u32 slot;			/* policy generation & 1 */
	char path[SENSOR_UNIX_BUF];	/* NUL-padded */
};

/* What a socket session's record says of both ends (the module's sockinfo). */
struct sensor_sockinfo {
	__u16 family;			/* AF_UNIX, AF_INET, AF_INET6 */
	__u8 protocol;			/* IPPROTO_TCP/UDP, 0 for unix */
	__u8 type;			/* SOCK_STREAM, ... */
	__u16 local_port;		/* host order */
	__u16 peer_port;
	__u32 local_addr[4];		/* network order; IPv4 in the first word */
	__u32 peer_addr[4];
	__u32 connected;		/* the peer is known */
	__u32 peer_pid;
	__u32 peer_uid;			/* DAUDIT_UID_UNSET if unknown */
	__u32 path_len;
	char path[SENSOR_UNIX_BUF];	/* the peer's bound path, NUL-padded */
};

/* The classification cache, per struct file. */
struct sensor_verdict {
	__u64 gen;			/* policy generation it was made under */
	__u32 dataset;			/* index + 1; 0: not protected */
	__u32 pad;
};

struct sensor_sess_key {
	__u64 file;			/* struct file * */
	__u32 tgid;
	__u32 pad;
	__u64 actor;			/* the declared actor's key; 0: none */
};

struct sensor_sess {
	__u64 id;
	__u64 bytes;
	__u64 calls;
	__u64 mmap_bytes;		/* pages of the file mapped by faults */
	__u64 mmap_len;			/* mappings of the file made */
	__u64 off_min;
	__u64 off_max;
	__u64 first_ns;			/* CLOCK_MONOTONIC (bpf_ktime_get_ns) */
	__u64 last_ns;
	__u64 open_ns;
	__u64 dev;
	__u64 ino;
	__u32 paths;
	__u32 dataset;
	__u32 part;			/* records written so far */
	__u32 trusted;			/* a trusted reader's: no record */
	struct daudit_subject subj;
	__u64 act_key;			/* the session's actor; 0: none */
	struct daudit_rec_actor act;	/* its last declaration seen */
};

/* Files with at least one session, so that their last close ends them. */
struct sensor_open {
	__u32 sessions;
	__u32 tgid;			/* the first session's */
	__u64 actor;			/* the first session's actor key */
};

struct sensor_proc {
	__u64 start_ns;
	__u32 sessions;			/* sessions open now */
	__u32 pad;
};

/*
 * The protected file a thread's read system call is reading, taken where
 * the kernel reads it (fdswap.bpf.h): per task (task storage).
 */
struct sensor_inread {
	__u64 file;			/* struct file *, 0: none */
};

/* A legacy AIO read of a protected file in flight: its submitter. */
struct sensor_aio {
	__u64 task;			/* struct task_struct * */
	__u64 start_ns;			/* its start_time: the same task still */
	__u32 tgid;
	__u32 pad;
};

/*
 * A read completed outside its submitter (a polled io_uring read in
 * another process, a legacy AIO read in an interrupt or a worker), to
 * count in its submitter's process or at its file's release.
 */
struct sensor_uring_read {
	__u64 task;			/* struct task_struct *, the submitter */
	__u64 file;			/* struct file * */
	__s64 res;			/* bytes */
	__u32 path;			/* DAUDIT_PATH_URING_*, DAUDIT_PATH_AIO */
	__u32 tgid;			/* the submitter's */
	__u64 start_ns;			/* AIO: the submitter's start_time; 0 */
};

/* A path walked by the programs: components leaf first, each NUL-ended. */
struct sensor_path {
	__u16 names_len;		/* bytes used in @names */
	__u16 ncomp;			/* components in @names */
	__u16 cut;			/* the walk stopped before the root */
	__u16 pad;
	char names[SENSOR_NAMES_MAX + SENSOR_NAME_MAX];
};

struct sensor_file_ev {
	__u32 type;			/* SENSOR_EV_FILE */
	__u32 cpu;
	__u64 now_ns;			/* CLOCK_MONOTONIC */
	struct daudit_subject subj;
	__u64 session_id;
	__u64 bytes;
	__u64 calls;
	__u64 mmap_bytes;
	__u64 mmap_len;
	__u64 off_min;
	__u64 off_max;
	__u64 first_ns;
	__u64 last_ns;
	__u64 open_ns;
	__u64 dev;			/* kernel encoding */
	__u64 ino;
	__u32 paths;
	__u32 dataset;
	__u16 reason;			/* enum daudit_end_reason */
	__u16 pad;
	__u32 part;			/* the record's number in its session */
	__u64 act_key;			/* 0: no actor declared */
	struct daudit_rec_actor act;
	struct sensor_path path;	/* last: only what it uses is sent */
};

struct sensor_sock_ev {
	__u32 type;			/* SENSOR_EV_SOCK */
	__u32 cpu;
	__u64 now_ns;
	struct daudit_subject subj;
	__u64 session_id;
	__u64 bytes;
	__u64 calls;
	__u64 first_ns;
	__u64 last_ns;
	__u64 open_ns;
	__u32 paths;
	__u32 dataset;
	__u16 reason;
	__u16 pad;
	__u32 part;
	__u64 act_key;
	struct daudit_rec_actor act;
	struct sensor_sockinfo si;
};

struct sensor_proc_ev {
	__u32 type;			/* SENSOR_EV_PROC */
	__u32 cpu;
	__u64 now_ns;
	struct daudit_subject subj;
	__u16 cmdline_len;		/* bytes read of the arguments */
	__u16 cmdline_cut;
	__u32 pad;
	char cmdline[SENSOR_CMDLINE_MAX];
	struct sensor_path path;	/* the executable */
};

/* A trusted reader of a dataset (policy `reader`), in a policy slot. */
struct sensor_reader_key {
	__u64 dev;			/* the executable's, kernel encoding */
	__u64 ino;
	__u32 dataset;
	__u32 slot;
};

/* An address space's code, as trust.bpf.h knows it (code_verdict()). */
#define SENSOR_CODE_OWN		0	/* followed: the program's and system files' */
#define SENSOR_CODE_FOREIGN	1	/* code from another file was mapped */
#define SENSOR_CODE_UNKNOWN	2	/* not followed, or trust is off */

/* What is known of an address space's code (trust.bpf.h). */
struct sensor_mm {
	__u32 known;			/* every executable mapping seen */
	__u32 taint;			/* code from a foreign file mapped */
	__u32 env;			/* 0: not looked at; 1: clean; 2: injects */
	__u32 pad;
};

/*
 * Declared actors (actor.bpf.h, docs/ebpf.md "Declared actors").  A
 * thread's registration, by its tid (global): what dauditd verified
 * and where its area is; and the last good copy of its declaration.
 */
struct sensor_actor {
	__u64 area;			/* user address in the thread's mm */
	__u64 mm;			/* struct mm_struct *: an exec ends it */
	__u64 start_ns;			/* the thread's start_boottime */
	__u64 key;			/* the actor's key in @snap; 0: none */
	__u32 tgid;
	__u32 seq;			/* @snap's; odd: none taken yet */
	struct daudit_rec_actor snap;	/* app_dev, app_ino, tid set by dauditd */
};

/*
 * A thread that sent on dauditd's actor socket (the kernel's view of it,
 * for dauditd to judge the registration it asks for), by (tgid, the
 * tid it knows itself by).
 */
struct sensor_actor_ask_key {
	__u32 tgid;			/* global */
	__u32 ns_tid;			/* in its own pid namespace */
};

struct sensor_actor_ask {
	__u64 now_ns;			/* CLOCK_MONOTONIC of the send */
	__u64 mm;
	__u64 start_ns;			/* start_boottime */
	__u64 exe_dev;			/* kernel encoding; 0: no executable */
	__u64 exe_ino;
	__u32 tid;			/* global */
	__u32 traced;			/* the thread or its process is traced */
	__u32 injects;			/* the loader is asked to inject code */
	__u32 code;			/* SENSOR_CODE_*: trust.bpf.h's verdict */
	struct daudit_subject subj;
	struct sensor_path exe;		/* the executable's path */
};

#endif
