/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sensor's maps and globals, defined once (daudit.bpf.c includes every
 * part of the sensor into one object), and its counters.
 */
#ifndef DAUDIT_BPF_MAPS_H
#define DAUDIT_BPF_MAPS_H

struct bpf_map;

#define EEXIST	17
#define E2BIG	7
#define AF_UNIX		1
#define AF_INET		2
#define AF_INET6	10
#define IPPROTO_TCP	6
#define IPPROTO_UDP	17

/* Set by the loader; a new generation invalidates every cached verdict. */
__u64 policy_gen;
/* The loader's process: its own reads are not recorded. */
__u32 self_tgid;
/* Entries of nets used in each policy slot. */
__u32 n_nets[2];
/*
 * Set by the loader (dauditd's ebpf_flush_kb): a session that read this
 * many bytes, or mapped them, since its last record gets an interim one
 * (0: none).
 */
__u64 flush_bytes;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, SENSOR_RING_DEFAULT);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SENSOR_MAX_PROTECTED);
	__type(key, struct sensor_obj_key);
	__type(value, struct sensor_obj);
} protected SEC(".maps");

/* Protected TCP and UDP endpoints, in the policy's order, per slot. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2 * SENSOR_MAX_NETS);
	__type(key, __u32);
	__type(value, struct sensor_net);
} nets SEC(".maps");

/* Protected unix sockets, by the path their server is bound to. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2 * SENSOR_MAX_UNIX);
	__type(key, struct sensor_unix_key);
	__type(value, struct sensor_obj);
} unixes SEC(".maps");

/* Both ends of each protected socket, as judged (the module's fe->sock). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SENSOR_MAX_SESSIONS);
	__type(key, __u64);
	__type(value, struct sensor_sockinfo);
} socks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, SENSOR_MAX_VERDICTS);
	__type(key, __u64);
	__type(value, struct sensor_verdict);
} verdicts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SENSOR_MAX_SESSIONS);
	__type(key, struct sensor_sess_key);
	__type(value, struct sensor_sess);
} sessions SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SENSOR_MAX_SESSIONS);
	__type(key, __u64);
	__type(value, struct sensor_open);
} open_files SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SENSOR_MAX_PROCS);
	__type(key, __u32);
	__type(value, struct sensor_proc);
} procs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sensor_counters);
} counters SEC(".maps");

/*
 * Events are built here, then copied into the ring (bpf_ringbuf_output).
 * Session events have SCRATCH_SLOTS per CPU: slot 0 for the programs on
 * the kernel's hooks, slot 1 for the flush iterator (flush.bpf.h), which
 * runs in dauditd's task and which a hook's program may preempt on a
 * preemptible kernel (or the other way round): neither then writes into
 * the other's event.
 */
#define SCRATCH_HOOK	0
#define SCRATCH_FLUSH	1
#define SCRATCH_SLOTS	2

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SCRATCH_SLOTS);
	__type(key, __u32);
	__type(value, struct sensor_file_ev);
} file_scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sensor_proc_ev);
} proc_scratch SEC(".maps");

/*
 * A session begun, before it goes into sessions (read_by()); or what a
 * record takes of a session (take()).  Per slot, as file_scratch.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SCRATCH_SLOTS);
	__type(key, __u32);
	__type(value, struct sensor_sess);
} sess_scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SCRATCH_SLOTS);
	__type(key, __u32);
	__type(value, struct sensor_sock_ev);
} sock_scratch SEC(".maps");

/* A socket being judged, and the unix path looked up for it. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sensor_sockinfo);
} judge_scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sensor_unix_key);
} unix_scratch SEC(".maps");

/* The protected file each thread's read system call reads (fdswap.bpf.h). */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct sensor_inread);
} inread SEC(".maps");

/* Session ids: the CPU in the top bits, a per-CPU count below. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} next_id SEC(".maps");

static __always_inline void count(int what, __u64 n)
{
	__u32 zero = 0;
	struct sensor_counters *c = bpf_map_lookup_elem(&counters, &zero);

	if (c && what >= 0 && what < SENSOR_C_MAX)
		c->other[what] += n;
}

static __always_inline void count_drop(unsigned int type)
{
	__u32 zero = 0;
	struct sensor_counters *c = bpf_map_lookup_elem(&counters, &zero);

	if (c && type < 16)
		c->dropped[type]++;
}

#endif
