/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * daudit: the whole contract between daudit.ko and userspace.
 *
 * Everything that crosses /dev/daudit is defined here with fixed-width
 * types, so the kernel module, the collector, the CLI and any later
 * sensor (eBPF) share one definition.
 *
 * Versioning: DAUDIT_ABI_MAJOR changes when an existing structure, ioctl or
 * record changes meaning or layout; userspace refuses a module whose major
 * differs.  DAUDIT_ABI_MINOR grows when something is only added (a new
 * record type, a new ioctl, a new flag); older readers skip record types
 * they do not know, using the size in every record header.
 *
 * Device semantics (/dev/daudit, a misc device, mode 0600 root):
 *  - open(O_RDONLY) or open(O_RDWR) claims the single event consumer slot;
 *    a second consumer gets EBUSY.  It needs CAP_AUDIT_READ or
 *    CAP_SYS_ADMIN.
 *  - open(O_WRONLY) is a control handle: ioctls only, any number at once.
 *    Opening one needs CAP_AUDIT_READ, CAP_AUDIT_CONTROL or CAP_SYS_ADMIN.
 *    DAUDIT_IOC_VERSION and DAUDIT_IOC_POLICY_GET answer any handle;
 *    DAUDIT_IOC_STATS needs CAP_AUDIT_READ or CAP_SYS_ADMIN (EPERM);
 *    DAUDIT_IOC_POLICY_LOAD and DAUDIT_IOC_FLUSH need CAP_AUDIT_CONTROL or
 *    CAP_SYS_ADMIN (EPERM).  Every DAUDIT_IOC_POLICY_LOAD that passes that
 *    check leaves a DAUDIT_REC_POLICY record, refused or not.
 *  - read() on the consumer returns whole records only, as many as fit;
 *    the buffer must hold at least DAUDIT_RECORD_MAX bytes (EINVAL
 *    otherwise).  It blocks until a record is available unless O_NONBLOCK
 *    (EAGAIN), and a signal always ends the wait.  poll() reports POLLIN
 *    when a record is available.  A read whose buffer faults part-way
 *    returns the whole records copied before the fault (EFAULT if none);
 *    the rest stay in the ring for the next read.
 *  - By default read() consumes what it returns.  After
 *    DAUDIT_IOC_ACK_MODE(1), records stay in the kernel ring until the
 *    consumer acknowledges them with DAUDIT_IOC_ACK; a consumer that dies
 *    before acknowledging gets them again on its next open, so a collector
 *    that commits before it acknowledges loses nothing and, by
 *    (instance_id, cpu, seq), counts nothing twice.
 *
 * Records: every record starts with struct daudit_rec_header.  Records are
 * 8-byte aligned and hdr.size (a multiple of 8) covers the whole record.
 * A record's strings (its flexible array) start at sizeof() of its struct:
 * every struct ends on an 8-byte boundary.
 * Sequence numbers are per CPU: every record the module tried to write on a
 * CPU took the next number, so a gap in a CPU's sequence is exactly the
 * number of records dropped there; DAUDIT_REC_LOST records report such
 * drops inline, and DAUDIT_IOC_STATS counts them per CPU and per kind.
 */
#ifndef _UAPI_LINUX_DAUDIT_H
#define _UAPI_LINUX_DAUDIT_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define DAUDIT_ABI_MAJOR	1U
#define DAUDIT_ABI_MINOR	8U

#define DAUDIT_DEVICE_NAME	"daudit"
#define DAUDIT_DEVICE_PATH	"/dev/daudit"
/* Where applications register their actor areas (ABI 1.3), mode 0666. */
#define DAUDIT_ACTOR_DEVICE_NAME	"daudit-actor"
#define DAUDIT_ACTOR_DEVICE_PATH	"/dev/daudit-actor"

#define DAUDIT_NAME_MAX		32	/* dataset names, with the NUL */
#define DAUDIT_PATH_MAX		4096	/* paths in records, with the NUL */
#define DAUDIT_VERSION_MAX	32
#define DAUDIT_COMM_LEN		16
#define DAUDIT_RECORD_MAX	16384	/* largest record; minimum read() size */
#define DAUDIT_MAX_CPUS		8192

/* Identifiers the kernel reports as "not set", never as 0. */
#define DAUDIT_UID_UNSET	0xffffffffU	/* auid of daemons */
#define DAUDIT_SESSION_UNSET	0xffffffffU
#define DAUDIT_OFFSET_UNKNOWN	0xffffffffffffffffULL

/* ------------------------------------------------------------------ */
/* ioctls                                                              */
/* ------------------------------------------------------------------ */

#define DAUDIT_IOC_MAGIC	0xDA

/**
 * struct daudit_version - handshake: what the module speaks.
 * @abi_major: DAUDIT_ABI_MAJOR of the module.
 * @abi_minor: DAUDIT_ABI_MINOR of the module.
 * @instance_id: random per module load; with cpu and seq it names a record.
 * @ncpus: number of possible CPUs (length of per-CPU arrays).
 * @ring_bytes: size of each per-CPU ring.
 * @module_version: MODULE_VERSION, NUL-terminated.
 */
struct daudit_version {
	__u32 abi_major;
	__u32 abi_minor;
	__u64 instance_id;
	__u32 ncpus;
	__u32 ring_bytes;
	char module_version[DAUDIT_VERSION_MAX];
};

/**
 * struct daudit_cpu_stats - counters of one CPU's ring.
 * @cpu: CPU number.
 * @ring_used: bytes currently held in the ring.
 * @records: records written.
 * @bytes: bytes written.
 * @next_seq: sequence number the next record will take.
 * @dropped: records dropped because the ring was full, per record type.
 */
struct daudit_cpu_stats {
	__u32 cpu;
	__u32 ring_used;
	__u64 records;
	__u64 bytes;
	__u64 next_seq;
	__u64 dropped[16];
};

/**
 * struct daudit_stats - module-wide counters (DAUDIT_IOC_STATS).
 * @cpu_stats_ptr: in: user array of struct daudit_cpu_stats, or 0.
 * @cpu_stats_len: in: entries at @cpu_stats_ptr; out: entries filled.
 * @ncpus: out: possible CPUs.
 * @policy_generation: generation of the loaded policy, 0 if none.
 * @policy_datasets: datasets in the loaded policy.
 * @policy_sources: sources in the loaded policy.
 * @consumer_pid: tgid of the attached consumer, 0 if none.
 * @files_tracked: open files currently classified in the per-open cache.
 * @sessions_open: per-open read sessions not yet ended.
 * @sessions_ended: sessions ended (final records emitted).
 * @procs_tracked: processes in the process table.
 * @reads: reads of protected data counted.
 * @read_bytes: bytes of protected data counted.
 * @trusted_reads: reads by a dataset's trusted reader, not recorded.
 * @records: records written, all CPUs.
 * @dropped: records dropped, all CPUs.
 * @alloc_failures: allocation failures (an uncoalesced record was emitted).
 * @cache_full: classifications not cached because the cache was full.
 * @egress_bytes: bytes sent or written by marked sessions to ways out.
 * @probes_missed: probe hits whose handler did not run (a probe hit
 *	while another ran on the CPU, a return probe with no free instance),
 *	and reads not followed for want of a slot (io_uring requests and
 *	polled reads, descriptor swaps and claims, legacy AIO reads and
 *	reads completed away from their reader, or one completed after
 *	its submitting thread exited): reads that may have gone
 *	unrecorded (ABI 1.2; 0 from older modules).
 * @actor_threads: threads with an actor area registered now (ABI 1.3).
 * @actor_refused: registrations refused since load: not a declaring
 *	application of the policy, traced, or code injected (ABI 1.3).
 * @sessions_parked: ended sessions whose final record waits for room in
 *	the ring, written as the consumer drains it (ABI 1.8; 0 from older
 *	modules).
 * @reserved: zero.
 */
struct daudit_stats {
	__u64 cpu_stats_ptr;
	__u32 cpu_stats_len;
	__u32 ncpus;
	__u64 policy_generation;
	__u32 policy_datasets;
	__u32 policy_sources;
	__u32 consumer_pid;
	__u32 flags;
	__u64 files_tracked;
	__u64 sessions_open;
	__u64 sessions_ended;
	__u64 procs_tracked;
	__u64 reads;
	__u64 read_bytes;
	__u64 trusted_reads;
	__u64 records;
	__u64 dropped;
	__u64 alloc_failures;
	__u64 cache_full;
	__u64 egress_bytes;
	__u64 probes_missed;
	__u64 actor_threads;
	__u64 actor_refused;
	__u64 sessions_parked;
	__u64 reserved[3];
};

/**
 * struct daudit_policy_load - replace the policy (DAUDIT_IOC_POLICY_LOAD).
 * @ptr: user pointer to a binary policy (struct daudit_policy_header ...).
 * @len: its length in bytes.
 * @err_item: out: on error, index of the offending source, or of the
 *	dataset if @err_kind says so, else ~0.
 * @err_kind: out: DAUDIT_PERR_* naming what @err_item indexes.
 * @generation: out: generation of the policy now in force.
 * @err_msg: out: a one-line reason, NUL-terminated.
 *
 * The kernel validates every byte again and resolves every path; on any
 * error nothing changes and the ioctl fails (EINVAL, ENOENT, E2BIG, ...).
 */
struct daudit_policy_load {
	__u64 ptr;
	__u32 len;
	__u32 err_item;
	__u32 err_kind;
	__u32 reserved;
	__u64 generation;
	char err_msg[128];
};

#define DAUDIT_PERR_NONE	0
#define DAUDIT_PERR_HEADER	1
#define DAUDIT_PERR_DATASET	2
#define DAUDIT_PERR_SOURCE	3

/**
 * struct daudit_policy_get - read back the policy in force.
 * @ptr: user buffer, or 0 to ask for the size.
 * @len: in: buffer size; out: size of the policy (0 if none loaded).
 * @reserved: zero.
 * @generation: out: its generation.
 * @loaded_ns: out: CLOCK_REALTIME when it was loaded.
 */
struct daudit_policy_get {
	__u64 ptr;
	__u32 len;
	__u32 reserved;
	__u64 generation;
	__u64 loaded_ns;
};

/**
 * struct daudit_ack - acknowledge consumed records (DAUDIT_IOC_ACK).
 * @seq_ptr: user array of @ncpus __u64: for each CPU, every record with a
 *	sequence number below the value is consumed.  ~0 leaves a CPU alone.
 * @ncpus: entries at @seq_ptr, at most the module's ncpus.
 * @reserved: zero.
 */
struct daudit_ack {
	__u64 seq_ptr;
	__u32 ncpus;
	__u32 reserved;
};

#define DAUDIT_IOC_VERSION	_IOR(DAUDIT_IOC_MAGIC, 1, struct daudit_version)
#define DAUDIT_IOC_STATS	_IOWR(DAUDIT_IOC_MAGIC, 2, struct daudit_stats)
#define DAUDIT_IOC_POLICY_LOAD	_IOWR(DAUDIT_IOC_MAGIC, 3, struct daudit_policy_load)
#define DAUDIT_IOC_POLICY_GET	_IOWR(DAUDIT_IOC_MAGIC, 4, struct daudit_policy_get)
#define DAUDIT_IOC_ACK_MODE	_IOW(DAUDIT_IOC_MAGIC, 5, __u32)
#define DAUDIT_IOC_ACK		_IOW(DAUDIT_IOC_MAGIC, 6, struct daudit_ack)
/* Emit an interim record for every open session now (before a shutdown). */
#define DAUDIT_IOC_FLUSH	_IO(DAUDIT_IOC_MAGIC, 7)

/* ------------------------------------------------------------------ */
/* Declared actors (ABI 1.3): /dev/daudit-actor                        */
/* ------------------------------------------------------------------ */

/*
 * An application that works for many people under one account (a CRM
 * service as svc-crm) declares, per thread and per request, the person it
 * is working for: the actor.  Each thread registers once an area of its
 * own memory (struct daudit_actor_area, in the manner of rseq); from then
 * on a declaration is a write to that memory, no system call.  When the
 * thread reads protected data, the module reads the area and attributes
 * the read to the actor in it, beside the identity the kernel verified.
 *
 * /dev/daudit-actor (mode 0666) takes two ioctls, both about the calling
 * thread:
 *  - DAUDIT_IOC_ACTOR_REGISTER: the area at @area_ptr becomes the
 *    thread's (a second registration replaces the first).  EPERM unless
 *    the process runs an executable the policy names with `app`, is not
 *    traced and has no code injected by its loader (LD_PRELOAD, ...); a
 *    refusal is counted (actor_refused) and leaves a DAUDIT_ALERT_ACTOR
 *    record.  EINVAL: bad size, alignment or flags; EFAULT: the area
 *    cannot be read; ENOSPC: too many threads registered.
 *  - DAUDIT_IOC_ACTOR_UNREGISTER: the thread has no area any more.
 * A registration ends with its thread's exit or exec, and when a policy
 * load no longer names the executable.  A forked child, or a new thread,
 * has none until it registers its own.
 */
#define DAUDIT_ACTOR_MAX	64	/* bytes of an actor id */
#define DAUDIT_REQUEST_MAX	64	/* bytes of a request id */

/**
 * struct daudit_actor_area - a thread's declaration, in its own memory.
 * @seq: even while the area is stable; the writer adds 1 before changing
 *	anything and 1 after, so every declaration moves it by 2.
 * @actor_len: bytes of @actor; 0: no actor declared (the thread works
 *	for itself and its reads are recorded as without an area).
 * @request_len: bytes of @request, 0 if none.
 * @client_family: 0, AF_INET (2) or AF_INET6 (10).
 * @client_port: the client's port, host order.
 * @reserved: zero.
 * @client_addr: the client's address, network order (IPv4: first 4).
 * @actor: the actor id, opaque bytes (an employee id, an SSO subject).
 * @request: the request id, opaque bytes.
 *
 * 8-byte aligned.  The module copies it without faulting; an area that
 * is paged out or torn at that moment gives the thread's last good copy.
 */
struct daudit_actor_area {
	__u32 seq;
	__u16 actor_len;
	__u16 request_len;
	__u16 client_family;
	__u16 client_port;
	__u32 reserved;
	__u8 client_addr[16];
	char actor[DAUDIT_ACTOR_MAX];
	char request[DAUDIT_REQUEST_MAX];
};

/**
 * struct daudit_actor_reg - DAUDIT_IOC_ACTOR_REGISTER argument.
 * @area_ptr: user address of the calling thread's struct daudit_actor_area.
 * @area_size: sizeof(struct daudit_actor_area).
 * @flags: zero.
 */
struct daudit_actor_reg {
	__u64 area_ptr;
	__u32 area_size;
	__u32 flags;
};

#define DAUDIT_IOC_ACTOR_REGISTER	_IOW(DAUDIT_IOC_MAGIC, 8, struct daudit_actor_reg)
#define DAUDIT_IOC_ACTOR_UNREGISTER	_IO(DAUDIT_IOC_MAGIC, 9)

/*
 * Without daudit.ko: dauditd's eBPF sensor takes the same registration
 * on a unix seqpacket socket (not the module's ABI: between libdaudit and
 * dauditd).  A thread connects, sends one struct daudit_actor_sock_req
 * about itself, and receives one struct daudit_actor_sock_reply: 0, or
 * the ioctl's negative errno (EPERM, EINVAL, ENOSPC, ...).  dauditd
 * verifies what the ioctl verifies, from what the kernel saw of the
 * sending thread (docs/ebpf.md, "Declared actors").
 */
#define DAUDIT_ACTOR_SOCKET_PATH	"/run/daudit/actor.sock"
#define DAUDIT_ACTOR_SOCK_MAGIC	0x41554144U	/* "DAUA" little endian */
#define DAUDIT_ACTOR_SOCK_REGISTER	1
#define DAUDIT_ACTOR_SOCK_UNREGISTER	2

/**
 * struct daudit_actor_sock_req - a registration asked of dauditd.
 * @magic: DAUDIT_ACTOR_SOCK_MAGIC.
 * @op: DAUDIT_ACTOR_SOCK_REGISTER or _UNREGISTER.
 * @tid: the sending thread's id, as it knows it (gettid()).
 * @reserved: zero.
 * @reg: as DAUDIT_IOC_ACTOR_REGISTER's (zero for _UNREGISTER).
 */
struct daudit_actor_sock_req {
	__u32 magic;
	__u32 op;
	__s32 tid;
	__u32 reserved;
	struct daudit_actor_reg reg;
};

struct daudit_actor_sock_reply {
	__s32 result;			/* 0, or a negative errno */
	__u32 reserved;
};

/* ------------------------------------------------------------------ */
/* Binary policy (built by userspace, checked again by the kernel)     */
/* ------------------------------------------------------------------ */

#define DAUDIT_POLICY_MAGIC	0x50554144U	/* "DAUP" little endian */
#define DAUDIT_POLICY_MAX_SIZE	(4U << 20)
#define DAUDIT_POLICY_MAX_DATASETS 256
#define DAUDIT_POLICY_MAX_SOURCES 65536

/*
 * Layout: header, n_datasets datasets, n_sources sources, then the string
 * table; each part starts where the previous ends, and total_size covers
 * exactly all of it.  Strings are NUL-terminated inside the table.
 */
struct daudit_policy_header {
	__u32 magic;
	__u16 abi_major;
	__u16 header_size;	/* sizeof(struct daudit_policy_header) */
	__u32 total_size;
	__u32 n_datasets;
	__u32 n_sources;
	__u32 strings_len;
	__u32 reserved[2];
};

/* A dataset: a name and the sources (below) that point at it. */
struct daudit_policy_dataset {
	char name[DAUDIT_NAME_MAX];	/* [A-Za-z0-9_.-]+, NUL-padded */
	__u32 flags;			/* zero */
	__u32 reserved;
};

enum daudit_source_type {
	DAUDIT_SRC_TREE = 1,	/* a directory and everything below it */
	DAUDIT_SRC_FILE = 2,	/* one file */
	DAUDIT_SRC_READER = 3,	/* a trusted reader: executable path */
	DAUDIT_SRC_UNIX = 4,	/* a unix socket path */
	DAUDIT_SRC_TCP = 5,	/* TCP endpoint: address/prefix, port range */
	DAUDIT_SRC_UDP = 6,	/* UDP endpoint */
	DAUDIT_SRC_APP = 7,	/* may declare actors: executable path (1.3) */
	DAUDIT_SRC_DEVICE = 8,	/* a block device read raw: its node's path (1.6) */
	DAUDIT_SRC_TYPE_MAX = 8,
};

/*
 * DAUDIT_SRC_F_LINKED: a FILE source the loader added, not the policy's
 * author: a file inside a TREE of the same dataset that has other names
 * (st_nlink > 1), so that it stays protected by inode under names outside
 * the tree made before the policy was loaded (1.6).  The kernel skips such
 * a source if its path no longer names a regular file, or names one
 * already in the policy, instead of refusing the whole policy.
 */
#define DAUDIT_SRC_F_LINKED	0x01

/**
 * struct daudit_policy_source - one protected source of a dataset.
 * @type: enum daudit_source_type.
 * @dataset: index of its dataset.
 * @family: AF_INET (2) or AF_INET6 (10) for TCP/UDP, else 0.
 * @prefix_len: address prefix length for TCP/UDP (0..32 or 0..128).
 * @flags: zero, or DAUDIT_SRC_F_LINKED on a FILE source (1.6).
 * @path_off: offset of the path in the string table (path types).
 * @path_len: its length without the NUL.
 * @addr: network address, network byte order (TCP/UDP).
 * @port_lo: first port (host order), TCP/UDP.
 * @port_hi: last port, >= @port_lo.
 * @line: line of the text policy it came from (for messages only).
 */
struct daudit_policy_source {
	__u16 type;
	__u16 dataset;
	__u16 family;
	__u8 prefix_len;
	__u8 flags;
	__u32 path_off;
	__u32 path_len;
	__u8 addr[16];
	__u16 port_lo;
	__u16 port_hi;
	__u32 line;
};

/* ------------------------------------------------------------------ */
/* Records read from /dev/daudit                                       */
/* ------------------------------------------------------------------ */

enum daudit_rec_type {
	DAUDIT_REC_PAD = 0,		/* never delivered */
	DAUDIT_REC_LOST = 1,		/* struct daudit_rec_lost */
	DAUDIT_REC_MODULE = 2,		/* struct daudit_rec_module */
	DAUDIT_REC_POLICY = 3,		/* struct daudit_rec_policy */
	DAUDIT_REC_PROCESS = 4,		/* struct daudit_rec_process */
	DAUDIT_REC_FILE_READ = 5,	/* struct daudit_rec_file */
	DAUDIT_REC_ALERT = 6,		/* struct daudit_rec_alert */
	DAUDIT_REC_SOCK_READ = 7,	/* struct daudit_rec_sock */
	DAUDIT_REC_EGRESS = 8,		/* struct daudit_rec_egress */
	DAUDIT_REC_TYPE_MAX = 16,
};

/*
 * hdr.flags.  DAUDIT_REC_F_ACTOR (ABI 1.3): the reads, sends or writes of
 * this FILE_READ, SOCK_READ or EGRESS record were made while the thread
 * had declared an actor; a struct daudit_rec_actor fills the last
 * sizeof(struct daudit_rec_actor) bytes of the record, after its strings.
 */
#define DAUDIT_REC_F_ACTOR	(1U << 0)
/*
 * On a DAUDIT_REC_PROCESS record (ABI 1.7): the command line was longer
 * than DAUDIT_CMDLINE_MAX bytes and ends where it was cut.
 */
#define DAUDIT_REC_F_CMDLINE_CUT	(1U << 1)

/**
 * struct daudit_rec_header - starts every record.
 * @size: bytes of the whole record, a multiple of 8.
 * @type: enum daudit_rec_type.
 * @cpu: CPU whose ring carried it.
 * @flags: DAUDIT_REC_F_*.
 * @reserved: zero.
 * @seq: per-CPU sequence number.
 * @time_ns: CLOCK_REALTIME when the record was written.
 */
struct daudit_rec_header {
	__u32 size;
	__u16 type;
	__u16 cpu;
	__u32 flags;
	__u32 reserved;
	__u64 seq;
	__u64 time_ns;
};

/**
 * struct daudit_subject - who: attribution carried by records.
 * @tgid: process id.
 * @tid: thread id (the first thread seen, for sessions).
 * @ppid: parent process id.
 * @uid: real uid.  @gid: real gid.  @euid, @egid: effective ids.
 * @fsuid, @fsgid: filesystem ids.
 * @auid: audit login uid, DAUDIT_UID_UNSET if the process has no login.
 * @sessionid: audit session id, DAUDIT_SESSION_UNSET if none.
 * @start_ns: process start time (boot-based ns); with @tgid names the
 *	process and joins struct daudit_rec_process.
 * @cgroup_id: cgroup v2 id of the process.
 * @mnt_ns: mount namespace inode number.
 * @pid_ns: pid namespace inode number.
 * @comm: task command name.
 *
 * All ids are as seen from the initial namespaces.
 */
struct daudit_subject {
	__u32 tgid;
	__u32 tid;
	__u32 ppid;
	__u32 uid;
	__u32 gid;
	__u32 euid;
	__u32 egid;
	__u32 fsuid;
	__u32 fsgid;
	__u32 auid;
	__u32 sessionid;
	__u32 reserved;
	__u64 start_ns;
	__u64 cgroup_id;
	__u32 mnt_ns;
	__u32 pid_ns;
	char comm[DAUDIT_COMM_LEN];
};

/* Inline report of records dropped on this CPU because the ring was full. */
struct daudit_rec_lost {
	struct daudit_rec_header hdr;	/* hdr.seq: last lost sequence number */
	__u64 first_seq;		/* first lost sequence number */
	__u64 count;			/* records lost in [first_seq, hdr.seq] */
	__u64 by_type[DAUDIT_REC_TYPE_MAX];
};

enum daudit_module_event {
	DAUDIT_MOD_LOAD = 1,
	DAUDIT_MOD_UNLOAD = 2,
};

/* Module life cycle. */
struct daudit_rec_module {
	struct daudit_rec_header hdr;
	struct daudit_subject subj;	/* who loaded or unloaded it */
	__u32 event;			/* enum daudit_module_event */
	__u32 abi_major;
	__u32 abi_minor;
	__u32 reserved;
	__u64 instance_id;
	char version[DAUDIT_VERSION_MAX];
};

/* A policy load attempt, successful or not. */
struct daudit_rec_policy {
	struct daudit_rec_header hdr;
	struct daudit_subject subj;	/* who loaded it */
	__u64 generation;		/* generation now in force */
	__u32 result;			/* 0, or the positive errno refused with */
	__u32 n_datasets;
	__u32 n_sources;
	__u32 size;			/* bytes of the binary policy */
};

enum daudit_process_event {
	DAUDIT_PROC_SEEN = 1,		/* first record about it for this consumer */
	DAUDIT_PROC_EXEC = 2,		/* it ran a new program */
};

/* At most this many bytes of a process's command line are recorded. */
#define DAUDIT_CMDLINE_MAX	512

/**
 * struct daudit_rec_process - a process, joined to other records by
 * tgid+start_ns.
 * @event: enum daudit_process_event.
 * @exe_len: bytes of the executable's path, without its NUL.
 * @cmdline_len: bytes of the command line (ABI 1.7; 0 from older modules
 *	and when it could not be read): its arguments as the process holds
 *	them, each ended by a NUL except the last, whose NUL ends the record's
 *	strings.  At most DAUDIT_CMDLINE_MAX; DAUDIT_REC_F_CMDLINE_CUT in
 *	hdr.flags when it was cut there.
 * @exe: the executable's path, NUL-terminated; when @cmdline_len is not 0
 *	the command line follows its NUL, NUL-terminated; padded to 8.
 */
struct daudit_rec_process {
	struct daudit_rec_header hdr;
	struct daudit_subject subj;
	__u32 event;
	__u16 exe_len;
	__u16 cmdline_len;
	char exe[];
};

/* Which read paths a session saw (daudit_rec_file.paths). */
#define DAUDIT_PATH_READ		(1U << 0)
#define DAUDIT_PATH_PREAD		(1U << 1)
#define DAUDIT_PATH_READV		(1U << 2)
#define DAUDIT_PATH_PREADV		(1U << 3)
#define DAUDIT_PATH_PREADV2		(1U << 4)
#define DAUDIT_PATH_SENDFILE		(1U << 5)
#define DAUDIT_PATH_SPLICE		(1U << 6)
#define DAUDIT_PATH_COPY_FILE_RANGE	(1U << 7)
#define DAUDIT_PATH_URING_READ		(1U << 8)
#define DAUDIT_PATH_URING_READV		(1U << 9)
#define DAUDIT_PATH_URING_READ_FIXED	(1U << 10)
#define DAUDIT_PATH_MMAP		(1U << 11)
#define DAUDIT_PATH_URING_OTHER		(1U << 12)
#define DAUDIT_PATH_AIO			(1U << 13)	/* io_submit PREAD(V) */
#define DAUDIT_PATH_REFLINK		(1U << 14)	/* FICLONE(RANGE), ABI 1.2 */
/*
 * ABI 1.5: a read whose descriptor another thread replaced (dup2, close)
 * while it ran: counted for the file swapped out (with the read's own
 * path bit), not the one the descriptor names now.
 */
#define DAUDIT_PATH_FD_SWAPPED		(1U << 15)
/* Socket reads (daudit_rec_sock.paths). */
#define DAUDIT_PATH_RECV		(1U << 16)	/* recv, recvfrom */
#define DAUDIT_PATH_RECVMSG		(1U << 17)
#define DAUDIT_PATH_RECVMMSG		(1U << 18)
#define DAUDIT_PATH_URING_RECV		(1U << 19)
/* Egress (daudit_rec_egress.paths). */
#define DAUDIT_PATH_WRITE		(1U << 20)	/* write, pwrite */
#define DAUDIT_PATH_WRITEV		(1U << 21)	/* writev, pwritev(2) */
#define DAUDIT_PATH_SEND		(1U << 22)	/* send, sendto */
#define DAUDIT_PATH_SENDMSG		(1U << 23)
#define DAUDIT_PATH_SENDMMSG		(1U << 24)
#define DAUDIT_PATH_URING_WRITE		(1U << 25)
#define DAUDIT_PATH_URING_SEND		(1U << 26)
/* sendfile, splice, copy_file_range use the bits above on either side. */

enum daudit_end_reason {
	DAUDIT_END_CLOSE = 1,		/* final close of the open file */
	DAUDIT_END_EXIT = 2,		/* the process exited */
	DAUDIT_END_BYTES = 3,		/* interim: byte threshold crossed */
	DAUDIT_END_AGE = 4,		/* interim: age threshold crossed */
	DAUDIT_END_FLUSH = 5,		/* interim: DAUDIT_IOC_FLUSH */
	DAUDIT_END_UNLOAD = 6,		/* the module was unloaded */
	DAUDIT_END_LATE = 7,		/* a read that finished after its session ended */
	DAUDIT_END_NOMEM = 8,		/* no session could be allocated: one read */
	DAUDIT_END_POLICY = 9,		/* a new policy no longer maps it to this dataset */
};

/**
 * struct daudit_rec_file - reads of one open file by one process.
 * @hdr: header.
 * @subj: the reading process (at the session's first read).
 * @session_id: unique per module instance; interim and final records of a
 *	session share it.
 * @bytes: bytes read since the previous record of this session (exact:
 *	the syscall or io_uring result).
 * @calls: read calls in that interval.
 * @mmap_bytes: bytes of file pages mapped into the reader by page faults
 *	in that interval (see docs: fault-around makes this an upper bound of
 *	what was touched).
 * @mmap_len: bytes of mappings of this file created in that interval.
 * @off_min: lowest byte offset read, or DAUDIT_OFFSET_UNKNOWN.
 * @off_max: end of the highest byte range read, or DAUDIT_OFFSET_UNKNOWN.
 * @first_ns: CLOCK_REALTIME of the interval's first read.
 * @last_ns: CLOCK_REALTIME of its last read.
 * @open_ns: CLOCK_REALTIME of the session's first read.
 * @dev: device number of the file's filesystem (as st_dev).
 * @ino: inode number.
 * @paths: DAUDIT_PATH_* read paths used in the interval.
 * @reason: enum daudit_end_reason.
 * @part: number of this record within the session, from 0.
 * @final: 1 when the session ended with this record.
 * @reserved8: zero.
 * @reserved: zero.
 * @dataset: dataset name, NUL-terminated.
 * @path_len: length of @path without its NUL.
 * @path: file path from the host's root, NUL-terminated, padded to 8.
 */
struct daudit_rec_file {
	struct daudit_rec_header hdr;
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
	__u64 dev;
	__u64 ino;
	__u32 paths;
	__u16 reason;
	__u8 final;
	__u8 reserved8;
	__u32 part;
	__u16 path_len;
	__u16 reserved;
	char dataset[DAUDIT_NAME_MAX];
	char path[];
};

/**
 * struct daudit_rec_sock - reads from one protected socket by one process.
 * @hdr: header.
 * @subj: the reading process.
 * @session_id: as in struct daudit_rec_file.
 * @bytes: bytes received since the previous record of this session.
 * @calls: receive calls in that interval.
 * @first_ns: CLOCK_REALTIME of the interval's first read.
 * @last_ns: of its last read.
 * @open_ns: of the session's first read.
 * @paths: DAUDIT_PATH_* read paths used.
 * @reason: enum daudit_end_reason.
 * @final: 1 when the session ended with this record.
 * @family: AF_UNIX (1), AF_INET (2) or AF_INET6 (10).
 * @protocol: IPPROTO_TCP (6), IPPROTO_UDP (17), or 0 for unix sockets.
 * @sock_type: SOCK_STREAM (1), SOCK_DGRAM (2), SOCK_SEQPACKET (5).
 * @part: number of this record within the session, from 0.
 * @local_port: local port, host order (0 for unix).
 * @peer_port: peer port, host order (0 for unix).
 * @local_addr: local address, network order (IPv4 in the first 4 bytes).
 * @peer_addr: peer address.
 * @peer_pid: peer process for unix sockets (SO_PEERCRED), else 0.
 * @peer_uid: its uid, DAUDIT_UID_UNSET when unknown.
 * @dataset: dataset name.
 * @path_len: length of @path without its NUL (0 for TCP/UDP).
 * @reserved: zero.
 * @path: unix socket path (the protected one), NUL-terminated.
 */
struct daudit_rec_sock {
	struct daudit_rec_header hdr;
	struct daudit_subject subj;
	__u64 session_id;
	__u64 bytes;
	__u64 calls;
	__u64 first_ns;
	__u64 last_ns;
	__u64 open_ns;
	__u32 paths;
	__u16 reason;
	__u8 final;
	__u8 reserved8;
	__u16 family;
	__u8 protocol;
	__u8 sock_type;
	__u32 part;
	__u16 local_port;
	__u16 peer_port;
	__u32 peer_pid;
	__u32 peer_uid;
	__u8 local_addr[16];
	__u8 peer_addr[16];
	char dataset[DAUDIT_NAME_MAX];
	__u16 path_len;
	__u16 reserved[5];
	char path[];
};

enum daudit_egress_kind {
	DAUDIT_EGRESS_NET = 1,		/* TCP/UDP to an unprotected endpoint */
	DAUDIT_EGRESS_UNIX = 2,		/* a unix socket that is not protected */
	DAUDIT_EGRESS_FILE = 3,		/* a regular file outside protected trees */
};

#define DAUDIT_EGRESS_F_LOOPBACK	(1U << 0)	/* destination is loopback */
#define DAUDIT_EGRESS_F_LOGIN		(1U << 1)	/* marked by login session */

/**
 * struct daudit_rec_egress - data leaving after protected data was read.
 * @hdr: header.
 * @subj: the sending or writing process.
 * @session_id: per (destination, process), as for reads.
 * @bytes: bytes sent or written since the previous record.
 * @calls: calls in that interval.
 * @first_ns: CLOCK_REALTIME of the interval's first send.
 * @last_ns: of its last send.
 * @marked_ns: when the login session (or process) last read protected data.
 * @paths: DAUDIT_PATH_* write/send paths used.
 * @reason: enum daudit_end_reason.
 * @final: 1 when the session ended with this record.
 * @kind: enum daudit_egress_kind.
 * @flags: DAUDIT_EGRESS_F_*.
 * @family: AF_UNIX, AF_INET or AF_INET6 (0 for files).
 * @protocol: IPPROTO_TCP/UDP, 0 otherwise.
 * @reserved8: zero.
 * @part: number of this record within the session.
 * @dst_port: destination port, host order.
 * @src_port: source port, host order.
 * @dst_addr: destination address, network order.
 * @src_addr: source address.
 * @dev: device of the written file (files).
 * @ino: inode of the written file (files).
 * @dataset: the dataset whose read marked the session.
 * @path_len: length of the first string: unix path or file path.
 * @mount_len: length of the second string: for files, the mount point
 *	the file lives on, followed by its filesystem type after a NUL
 *	(so the record ends "path NUL mountpoint NUL fstype NUL").
 * @fstype_len: length of the filesystem type string.
 * @reserved: zero.
 * @strings: the strings above, padded to 8.
 */
struct daudit_rec_egress {
	struct daudit_rec_header hdr;
	struct daudit_subject subj;
	__u64 session_id;
	__u64 bytes;
	__u64 calls;
	__u64 first_ns;
	__u64 last_ns;
	__u64 marked_ns;
	__u32 paths;
	__u16 reason;
	__u8 final;
	__u8 kind;
	__u32 flags;
	__u16 family;
	__u8 protocol;
	__u8 reserved8;
	__u32 part;
	__u16 dst_port;
	__u16 src_port;
	__u8 dst_addr[16];
	__u8 src_addr[16];
	__u64 dev;
	__u64 ino;
	char dataset[DAUDIT_NAME_MAX];
	__u16 path_len;
	__u16 mount_len;
	__u16 fstype_len;
	__u16 reserved;
	char strings[];
};

/**
 * struct daudit_rec_actor - the actor a session's data was read for.
 * @app_dev: device of the executable that declared it (verified by the
 *	kernel when the thread registered, as st_dev).
 * @app_ino: its inode.
 * @tid: the declaring thread.
 * @seq: the area's @seq at the interval's last declaration seen.
 * @requests: declarations (distinct @seq values) of this actor seen in
 *	the interval.
 * @actor_len, @request_len, @client_family, @client_port, @client_addr,
 * @actor, @request: as the application declared them (struct
 *	daudit_actor_area), at the interval's last declaration seen.
 *
 * Sessions are per actor: one actor's bytes are never counted in
 * another's record.
 */
struct daudit_rec_actor {
	__u64 app_dev;
	__u64 app_ino;
	__u32 tid;
	__u32 seq;
	__u32 requests;
	__u16 actor_len;
	__u16 request_len;
	__u16 client_family;
	__u16 client_port;
	__u32 reserved;
	__u8 client_addr[16];
	char actor[DAUDIT_ACTOR_MAX];
	char request[DAUDIT_REQUEST_MAX];
};

enum daudit_alert_kind {
	DAUDIT_ALERT_HARDLINK = 1,	/* a protected file was hard-linked */
	DAUDIT_ALERT_RENAME = 2,	/* ... moved out of its tree (ABI 1.1) */
	/*
	 * ABI 1.2.  A login uid changed after it was set: the subject has the
	 * new one, @ino the old, @dev the old session id; no paths.
	 */
	DAUDIT_ALERT_LOGINUID = 3,
	/*
	 * ABI 1.2.  A write to debugfs kprobes/enabled ("0" disarms every
	 * kprobe): the first path names the file, the second is the value
	 * written (printable ASCII, at most 7 bytes).
	 */
	DAUDIT_ALERT_KPROBES = 4,
	/*
	 * ABI 1.3.  A thread was refused an actor area: @dev/@ino are its
	 * executable, the first path is that executable, the second the
	 * reason ("not an app of the policy", "traced", "code injected").
	 */
	DAUDIT_ALERT_ACTOR = 5,
	/*
	 * ABI 1.4.  A loop device was set up over a protected file
	 * (LOOP_SET_FD, LOOP_CHANGE_FD, LOOP_CONFIGURE): what the device then
	 * reads of it, the kernel reads, not a process.  @dev/@ino and the
	 * first path are the file, the second path the loop device.
	 */
	DAUDIT_ALERT_LOOP = 6,
};

/**
 * struct daudit_rec_alert - something a reviewer must see at once.
 * @kind: enum daudit_alert_kind.
 * @path_len: length of the first path (the protected file).
 * @path2_len: length of the second path (e.g. the new link's name).
 * @dataset: dataset concerned.
 * @dev, @ino: the file.
 * @paths: first path NUL, second path NUL, padded to 8.
 */
struct daudit_rec_alert {
	struct daudit_rec_header hdr;
	struct daudit_subject subj;
	__u32 kind;
	__u16 path_len;
	__u16 path2_len;
	__u64 dev;
	__u64 ino;
	char dataset[DAUDIT_NAME_MAX];
	char paths[];
};

#endif /* _UAPI_LINUX_DAUDIT_H */
